/* Data parallelism: the same seed gives the same training on any number of
   ranks.

   A small Burgers PINN (jets, a dropout layer, a trainable viscosity,
   collocation points redrawn every step from the counter-based RNG) trains
   20 Adam steps and then 10 TAO L-BFGS iterations on the ranks of
   PETSC_COMM_WORLD, the points split by NbPartition, in tiles of 32 points.
   Rank 0 repeats the run alone on PETSC_COMM_SELF with all points in one
   tile. The two loss trajectories must agree to 1e-10 relative: they differ
   only in the order in which the ~600 per-point terms of each mean and the
   per-rank partial gradients are summed (relative rounding ~1e-15 per sum),
   which Adam and L-BFGS carry over 30 steps; a wrong split, a dropout mask or
   sample that depended on the rank count, or a missing allreduce gives
   differences of 1e-3 or more. The parameters must also be identical on
   every rank (bitwise): each rank applies the same update to the same
   summed gradient. */
#include "nbtest.h"

#define NSTEPS 20
#define NTAO   10

typedef struct {
  NbGraph    g;
  NbTensor   Xc;
  NbRNG      rng;
  PetscInt64 N;
} Ctx;

static const PetscReal lo[2] = {-1, 0}, hi[2] = {1, 1};

/* new collocation points each step: point i of draw k is the same on any rank count */
static PetscErrorCode Resample(NbOptimizer opt, PetscInt step, void *vctx)
{
  Ctx       *c = (Ctx *)vctx;
  PetscInt64 base, off;
  PetscInt   n;
  PetscReal *x;
  MPI_Comm   comm;

  PetscFunctionBegin;
  PetscCall(NbGraphGetComm(c->g, &comm));
  PetscCall(NbPartition(comm, c->N, &off, &n));
  PetscCall(NbRNGReserve(c->rng, 7, c->N, &base));
  PetscCall(PetscMalloc1(2 * n + 1, &x));
  PetscCall(NbRNGSampleBox(c->rng, 7, base + off, n, 2, lo, hi, x));
  PetscCall(NbGraphSetInputPartitioned(c->g, c->Xc, c->N, off, n, x));
  PetscCall(PetscFree(x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Train(MPI_Comm comm, PetscInt tile, PetscReal hist[], PetscInt *P, PetscReal **params)
{
  NbModel     m;
  NbLayer     d1, d2, d3;
  NbGraph     g;
  NbOptimizer opt;
  Ctx         c;
  NbTensor    Xc, J, h, U, r, lr, Xb, Gb, Ub, e, lb, terms[2], loss;
  PetscInt64  Nb = 60, offb;
  PetscInt    n, nb, nh;
  PetscReal  *xb, *gb, *p;
  const PetscReal *hh;
  Tao         tao;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(comm, &m));
  PetscCall(NbModelSetSeed(m, 2024));
  PetscCall(NbModelAddDense(m, "d1", 2, 16, NB_ACT_TANH, &d1));
  PetscCall(NbModelAddDense(m, "d2", 16, 16, NB_ACT_TANH, &d2));
  PetscCall(NbModelAddDense(m, "d3", 16, 1, NB_ACT_NONE, &d3));
  PetscCall(NbModelAddScalar(m, "nu", 0.05, NULL));
  c.N = 600;
  PetscCall(NbPartition(comm, c.N, NULL, &n));
  PetscCall(NbPartition(comm, Nb, &offb, &nb));
  PetscCall(NbGraphCreate(comm, &g));
  PetscCall(NbGraphSetTileSize(g, tile));
  PetscCall(NbGraphAddInput(g, "collocation", n, 2, &Xc));
  PetscCall(NbGraphAddInput(g, "boundary", nb, 2, &Xb));
  PetscCall(NbGraphAddInputLike(g, "g", Xb, 1, &Gb));
  PetscCall(NbTensorJetSeed(Xc, "x,t", "x,t,xx", &J));
  PetscCall(NbLayerApply(d1, g, J, &h));
  PetscCall(NbTensorDropout(h, 0.1, &h));
  PetscCall(NbLayerApply(d2, g, h, &h));
  PetscCall(NbLayerApply(d3, g, h, &U));
  PetscCall(NbTestBurgersResidual(g, m, U, &r));
  PetscCall(NbTensorMeanSquare(r, &lr));
  PetscCall(NbLayerApply(d1, g, Xb, &h));
  PetscCall(NbLayerApply(d2, g, h, &h));
  PetscCall(NbLayerApply(d3, g, h, &Ub));
  PetscCall(NbTensorSub(Ub, Gb, &e));
  PetscCall(NbTensorMeanSquare(e, &lb));
  terms[0] = lr;
  terms[1] = lb;
  {
    PetscReal w[2] = {1, 10};
    PetscCall(NbTensorLinearCombination(2, terms, w, &loss));
  }
  PetscCall(NbGraphSetLoss(g, loss));
  PetscCall(NbGraphSetUp(g));

  PetscCall(NbModelGetRNG(m, &c.rng));
  c.g  = g;
  c.Xc = Xc;
  PetscCall(PetscMalloc2(2 * nb + 1, &xb, nb + 1, &gb));
  PetscCall(NbRNGSampleBox(c.rng, 8, offb, nb, 2, lo, hi, xb));
  for (PetscInt i = 0; i < nb; i++) {
    xb[2 * i + 1] = 0;
    gb[i]         = -PetscSinReal(PETSC_PI * xb[2 * i]);
  }
  PetscCall(NbGraphSetInputPartitioned(g, Xb, Nb, offb, nb, xb));
  PetscCall(NbGraphSetInputPartitioned(g, Gb, Nb, offb, nb, gb));

  PetscCall(NbTestOptimizer(m, g, "adam", 1e-2, &opt));
  PetscCall(NbOptimizerSetPreStep(opt, Resample, &c));
  for (PetscInt s = 0; s < NSTEPS; s++) PetscCall(NbOptimizerStep(opt, &hist[s]));
  /* L-BFGS on the last points, without dropout (TAO needs a fixed objective) */
  PetscCall(NbGraphSetDropout(g, PETSC_FALSE));
  PetscCall(NbOptimizerSetPreStep(opt, NULL, NULL));
  PetscCall(NbOptimizerSetType(opt, "lbfgs"));
  PetscCall(NbOptimizerGetTao(opt, &tao));
  PetscCall(TaoSetMaximumIterations(tao, NTAO));
  PetscCall(NbOptimizerStep(opt, NULL));
  PetscCall(NbOptimizerGetHistory(opt, &nh, &hh));
  PetscCheck(nh >= NTAO, comm, PETSC_ERR_PLIB, "expected %d L-BFGS iterations, got %" PetscInt_FMT, NTAO, nh);
  for (PetscInt k = 0; k < NTAO; k++) hist[NSTEPS + k] = hh[nh - NTAO + k];
  PetscCall(NbModelGetNumParameters(m, P));
  PetscCall(NbModelGetParameterArray(m, &p));
  PetscCall(PetscMalloc1(*P, params));
  PetscCall(PetscArraycpy(*params, p, *P));
  PetscCall(PetscFree2(xb, gb));
  PetscCall(NbOptimizerDestroy(&opt));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscReal   hp[NSTEPS + NTAO], hs[NSTEPS + NTAO], *pp, *ps = NULL, *p0, diff = 0, pdiff = 0;
  PetscInt    P, Ps;
  PetscMPIInt rank, size;

  PetscCall(NbInitialize(&argc, &argv, NULL, "Same training on any number of ranks"));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(Train(PETSC_COMM_WORLD, 32, hp, &P, &pp));
  /* parameters identical on every rank */
  PetscCall(PetscMalloc1(P, &p0));
  PetscCall(PetscArraycpy(p0, pp, P));
  PetscCallMPI(MPI_Bcast(p0, (PetscMPIInt)P, MPIU_REAL, 0, PETSC_COMM_WORLD));
  for (PetscInt i = 0; i < P; i++) pdiff = PetscMax(pdiff, PetscAbsReal(pp[i] - p0[i]));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &pdiff, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  if (rank == 0) {
    PetscCall(Train(PETSC_COMM_SELF, 0, hs, &Ps, &ps));
    for (PetscInt k = 0; k < NSTEPS + NTAO; k++) diff = PetscMax(diff, PetscAbsReal(hp[k] - hs[k]) / PetscAbsReal(hs[k]));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "step  loss on %d rank(s)      loss on 1 rank (serial)\n", (int)size));
    for (PetscInt k = 0; k < NSTEPS + NTAO; k += 3) PetscCall(PetscPrintf(PETSC_COMM_SELF, "%4" PetscInt_FMT "  %.15e  %.15e%s\n", k, (double)hp[k], (double)hs[k], k >= NSTEPS ? "  (L-BFGS)" : ""));
  }
  PetscCallMPI(MPI_Bcast(&diff, 1, MPIU_REAL, 0, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d rank(s) vs serial: max relative loss difference over %d Adam + %d L-BFGS steps %.2e (tolerance 1e-10); max parameter difference between ranks %.1e (must be 0)\n", (int)size, NSTEPS, NTAO, (double)diff, (double)pdiff));
  PetscCheck(diff <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "training on %d ranks differs from the serial run by %g", (int)size, (double)diff);
  PetscCheck(pdiff == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the ranks' parameter copies differ by %g", (double)pdiff);
  PetscCall(PetscFree(p0));
  PetscCall(PetscFree(pp));
  PetscCall(PetscFree(ps));
  PetscCall(NbFinalize());
  return 0;
}
