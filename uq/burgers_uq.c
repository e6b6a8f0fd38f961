/* nabla-burgers -method pinn -uq ensemble|mcdropout|hmc: the reference
   solve, the uncertain PINN, and the judgement of its uncertainty against
   the reference on the reference grid at every output frame: relative L2
   error of the mean, 95% coverage, CRPS, Gaussian NLL and a calibration
   table. Predictions are made on contiguous blocks of the grid's natural
   ordering (so that dropout masks, which follow the global point index, do
   not depend on the rank layout) and moved to the DMDA's layout for
   output. */
#include "nbuq.h"

/* Observations for inverse runs: -pinn_data_points random (node, frame)
   pairs of the reference (frames after t = 0) with Gaussian noise of
   -pinn_noise times their RMS, the whole list on every rank. */
static PetscErrorCode Observations(NbBurgers b, PetscInt64 seed, PetscReal noise, PetscInt N, PetscReal **xo, PetscReal **uo)
{
  PetscInt         nf, dim, mx, my = 1, nnode;
  const PetscReal *tf;
  Vec             *U;
  DM               da;
  PetscReal        lo[2], hi[2], *r, rms = 0;
  NbRNG            rng;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetInfo(da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (dim == 1) my = 1;
  nnode = mx * my;
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, seed));
  PetscCall(PetscMalloc2((size_t)N * (dim + 1), xo, (size_t)N * dim, uo));
  PetscCall(PetscMalloc1(2 * (size_t)N, &r));
  PetscCall(NbRNGUniform(rng, 21, 0, 2 * N, r));
  for (PetscInt f = 1; f < nf; f++) {
    Vec                nat, all;
    VecScatter         sc;
    const PetscScalar *a;
    PetscCall(DMDACreateNaturalVector(da, &nat));
    PetscCall(DMDAGlobalToNaturalBegin(da, U[f], INSERT_VALUES, nat));
    PetscCall(DMDAGlobalToNaturalEnd(da, U[f], INSERT_VALUES, nat));
    PetscCall(VecScatterCreateToAll(nat, &sc, &all));
    PetscCall(VecScatterBegin(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < N; i++) {
      PetscInt frame = PetscMin(1 + (PetscInt)(r[2 * i] * (nf - 1)), nf - 1), node = PetscMin((PetscInt)(r[2 * i + 1] * nnode), nnode - 1);
      if (frame != f) continue;
      (*xo)[i * (dim + 1)] = lo[0] + (node % mx) * (hi[0] - lo[0]) / (mx - 1);
      if (dim == 2) (*xo)[i * (dim + 1) + 1] = lo[1] + (node / mx) * (hi[1] - lo[1]) / (my - 1);
      (*xo)[i * (dim + 1) + dim] = tf[f];
      for (PetscInt c = 0; c < dim; c++) {
        (*uo)[i * dim + c] = PetscRealPart(a[node * dim + c]);
        rms += PetscSqr((*uo)[i * dim + c]);
      }
    }
    PetscCall(VecRestoreArrayRead(all, &a));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&all));
    PetscCall(VecDestroy(&nat));
  }
  if (noise > 0) {
    PetscReal *eps, scale = noise * PetscSqrtReal(rms / ((PetscReal)N * dim));
    PetscCall(PetscMalloc1((size_t)N * dim, &eps));
    PetscCall(NbRNGNormal(rng, 22, 0, N * dim, eps));
    for (PetscInt k = 0; k < N * dim; k++) (*uo)[k] += scale * eps[k];
    PetscCall(PetscFree(eps));
  }
  PetscCall(PetscFree(r));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  Vec *mean, *std; /* per frame, DMDA layout */
} UQFrames;

static PetscErrorCode WriteUQFrame(NbBurgers b, NbOutput out, PetscInt k, PetscReal t, Vec uref, void *ctx)
{
  UQFrames *fr = (UQFrames *)ctx;
  Vec       err;

  PetscFunctionBegin;
  PetscCall(NbBurgersWriteSolution(b, out, "_mean", fr->mean[k]));
  PetscCall(NbBurgersWriteSolution(b, out, "_std", fr->std[k]));
  PetscCall(VecDuplicate(uref, &err));
  PetscCall(VecWAXPY(err, -1.0, uref, fr->mean[k]));
  PetscCall(NbBurgersWriteSolution(b, out, "_mean_err", err));
  PetscCall(VecDestroy(&err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersRunPINNUQ(NbBurgers b, NbOutput out, NbReport rep)
{
  NbPINNUQ         uq;
  NbPINNProblem    prob;
  PetscInt         nf, dim, ndata = 2000, nnat, lo, hi;
  const PetscReal *tf;
  Vec             *U, nat, Mall, Sall, Rall;
  DM               da;
  PetscReal        lo_[2], hi_[2], *x, *mean, *std, noise = 0;
  PetscInt         mx, my = 1;
  PetscBool        inverse = PETSC_FALSE;
  PetscInt64       seed = 0;
  UQFrames         fr;
  NbUQMetrics      mt;
  PetscScalar     *am, *as, *ar;

  PetscFunctionBegin;
  PetscCall(NbBurgersSolveReference(b));
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo_, hi_));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetInfo(da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (dim == 1) my = 1;
  PetscCall(NbBurgersPINNProblem(b, &prob));
  PetscCall(NbPINNUQCreate(PETSC_COMM_WORLD, &uq));
  PetscCall(NbPINNUQSetProblem(uq, &prob));
  PetscCall(NbPINNUQSetFromOptions(uq));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Burgers PINN uncertainty", "NbBurgersRunPINNUQ");
  PetscCall(PetscOptionsInt("-pinn_data_points", "Observations drawn from the reference solution (inverse problem)", "NbBurgersRunPINNUQ", ndata, &ndata, NULL));
  PetscCall(PetscOptionsBool("-pinn_inverse", "Identify nu and lambda", "NbPINNSetFromOptions", inverse, &inverse, NULL));
  PetscCall(PetscOptionsReal("-pinn_noise", "Relative noise", "NbPINNSetFromOptions", noise, &noise, NULL));
  {
    PetscInt s = 0;
    PetscCall(PetscOptionsInt("-pinn_data_seed", "Seed of the data set", "NbPINNSetFromOptions", s, &s, NULL));
    seed = s;
  }
  PetscOptionsEnd();
  if (inverse) {
    PetscReal *xo, *uo;
    PetscCheck(nf >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames: use -burgers_frames 51 or more (now %d)", (int)nf);
    PetscCheck(ndata >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_data_points %d must be at least 1", (int)ndata);
    PetscCall(Observations(b, seed, noise, ndata, &xo, &uo));
    PetscCall(NbPINNUQSetObservations(uq, ndata, xo, uo));
    PetscCall(PetscFree2(xo, uo));
  }
  PetscCall(NbPINNUQRun(uq));

  /* predictions at this rank's block of the natural ordering, every frame */
  PetscCall(DMDACreateNaturalVector(da, &nat));
  PetscCall(VecGetOwnershipRange(nat, &lo, &hi));
  nnat = (hi - lo) / dim; /* nodes (the natural vector interleaves the dim components) */
  PetscCall(PetscMalloc3((size_t)nnat * (dim + 1) + 1, &x, (size_t)nnat * dim + 1, &mean, (size_t)nnat * dim + 1, &std));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, (hi - lo) * nf, PETSC_DETERMINE, &Mall));
  PetscCall(VecDuplicate(Mall, &Sall));
  PetscCall(VecDuplicate(Mall, &Rall));
  PetscCall(VecGetArray(Mall, &am));
  PetscCall(VecGetArray(Sall, &as));
  PetscCall(VecGetArray(Rall, &ar));
  PetscCall(VecDuplicateVecs(U[0], nf, &fr.mean));
  PetscCall(VecDuplicateVecs(U[0], nf, &fr.std));
  for (PetscInt k = 0; k < nf; k++) {
    const PetscScalar *rn;
    PetscScalar       *a;
    for (PetscInt i = 0; i < nnat; i++) {
      PetscInt node = lo / dim + i;
      x[i * (dim + 1)] = lo_[0] + (node % mx) * (hi_[0] - lo_[0]) / (mx - 1);
      if (dim == 2) x[i * (dim + 1) + 1] = lo_[1] + (node / mx) * (hi_[1] - lo_[1]) / (my - 1);
      x[i * (dim + 1) + dim] = tf[k];
    }
    /* global point index: frame k's block follows frames 0..k-1 */
    PetscCall(NbPINNUQPredict(uq, (PetscInt64)nf * mx * my, (PetscInt64)k * mx * my + lo / dim, nnat, x, mean, std));
    PetscCall(DMDAGlobalToNaturalBegin(da, U[k], INSERT_VALUES, nat));
    PetscCall(DMDAGlobalToNaturalEnd(da, U[k], INSERT_VALUES, nat));
    PetscCall(VecGetArrayRead(nat, &rn));
    for (PetscInt i = 0; i < hi - lo; i++) {
      am[k * (hi - lo) + i] = mean[i];
      as[k * (hi - lo) + i] = std[i];
      ar[k * (hi - lo) + i] = rn[i];
    }
    PetscCall(VecRestoreArrayRead(nat, &rn));
    /* to the DMDA's layout for output */
    PetscCall(VecGetArray(nat, &a));
    for (PetscInt i = 0; i < hi - lo; i++) a[i] = mean[i];
    PetscCall(VecRestoreArray(nat, &a));
    PetscCall(DMDANaturalToGlobalBegin(da, nat, INSERT_VALUES, fr.mean[k]));
    PetscCall(DMDANaturalToGlobalEnd(da, nat, INSERT_VALUES, fr.mean[k]));
    PetscCall(VecGetArray(nat, &a));
    for (PetscInt i = 0; i < hi - lo; i++) a[i] = std[i];
    PetscCall(VecRestoreArray(nat, &a));
    PetscCall(DMDANaturalToGlobalBegin(da, nat, INSERT_VALUES, fr.std[k]));
    PetscCall(DMDANaturalToGlobalEnd(da, nat, INSERT_VALUES, fr.std[k]));
  }
  PetscCall(VecRestoreArray(Mall, &am));
  PetscCall(VecRestoreArray(Sall, &as));
  PetscCall(VecRestoreArray(Rall, &ar));
  PetscCall(NbUQComputeMetrics(Mall, Sall, Rall, &mt));

  PetscCall(NbBurgersWriteReference(b, out, WriteUQFrame, &fr));
  PetscCall(NbBurgersReport(b, rep));
  PetscCall(NbPINNUQReport(uq, rep));
  PetscCall(NbReportAddReal(rep, "UQ rel. L2 error of the mean vs reference", "%.3e", mt.rel_l2));
  PetscCall(NbReportAddReal(rep, "UQ 95% coverage of the reference", "%.4f", mt.coverage95));
  PetscCall(NbReportAddReal(rep, "UQ mean CRPS", "%.3e", mt.crps));
  PetscCall(NbReportAddReal(rep, "UQ mean Gaussian NLL", "%.4g", mt.nll));
  PetscCall(NbReportAddReal(rep, "UQ mean predicted std", "%.3e", mt.mean_std));
  for (PetscInt k = 0; k < 10; k++) {
    char key[64];
    PetscCall(PetscSNPrintf(key, sizeof(key), "UQ calibration: observed at nominal %.2f", (double)mt.nominal[k]));
    PetscCall(NbReportAddReal(rep, key, "%.4f", mt.observed[k]));
  }
  PetscCall(NbPINNUQWriteHistories(uq, out, &mt));
  PetscCall(PetscFree3(x, mean, std));
  PetscCall(VecDestroyVecs(nf, &fr.mean));
  PetscCall(VecDestroyVecs(nf, &fr.std));
  PetscCall(VecDestroy(&Mall));
  PetscCall(VecDestroy(&Sall));
  PetscCall(VecDestroy(&Rall));
  PetscCall(VecDestroy(&nat));
  PetscCall(NbPINNUQDestroy(&uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}
