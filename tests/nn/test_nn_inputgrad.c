/* The gradient of a graph's loss with respect to an input's values
   (NbGraphMarkInputGradient) against central finite differences.

   Network: 3 -> 16 -> 16 -> 2 tanh MLP f, loss = sum(w .* f(x)) +
   0.5 mean((x_0 f_0(x))^2): the input reaches the loss through the network
   and through a slice view, so both the dense backward and a view's
   gradient land in the kept buffer. 37 points (not a multiple of the 8-lane
   vectors) in tiles of 8 and in one tile. Tolerance 1e-7 relative (max
   norm): h = 1e-5 on O(1) values gives truncation ~h^2 |L'''| ~ 1e-10 and
   round-off ~eps |L| / h ~ 1e-11; a wrong rule gives O(1). Marking an input
   must not change the parameter gradient: compared with an unmarked graph
   of the same loss to 1e-14 relative (the same sums, in the same order). */
#include "nbtest.h"

#define NPTS 37

static PetscErrorCode Build(NbModel m, NbLayer net, PetscInt tile, PetscBool mark, NbGraph *g, NbTensor *X, NbTensor *loss)
{
  NbTensor  W, F, x0, f0, p, s, ms, terms[2];
  PetscReal c[2] = {1, 0.5};

  PetscFunctionBegin;
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, g));
  PetscCall(NbGraphSetTileSize(*g, tile));
  PetscCall(NbGraphAddInput(*g, "x", NPTS, 3, X));
  PetscCall(NbGraphAddInputLike(*g, "w", *X, 2, &W));
  PetscCall(NbLayerApply(net, *g, *X, &F));
  PetscCall(NbTensorSlice(*X, 0, 1, &x0));
  PetscCall(NbTensorSlice(F, 0, 1, &f0));
  PetscCall(NbTensorMul(x0, f0, &p));
  PetscCall(NbTensorWeightedSum(F, W, &s));
  PetscCall(NbTensorMeanSquare(p, &ms));
  terms[0] = s;
  terms[1] = ms;
  PetscCall(NbTensorLinearCombination(2, terms, c, loss));
  PetscCall(NbGraphSetLoss(*g, *loss));
  if (mark) PetscCall(NbGraphMarkInputGradient(*g, *X));
  PetscCall(NbGraphSetUp(*g));
  {
    PetscReal w[2 * NPTS];
    NbRNG     rng;
    PetscCall(NbModelGetRNG(m, &rng));
    PetscCall(NbRNGNormal(rng, 7, 0, 2 * NPTS, w));
    PetscCall(NbGraphSetInput(*g, W, NPTS, w));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckTile(NbModel m, NbLayer net, PetscInt tile, const PetscReal x[])
{
  NbGraph   g, g0;
  NbTensor  X, X0, loss, loss0;
  PetscReal gx[3 * NPTS], xp[3 * NPTS], L, err = 0, scale = 0, perr = 0, *grad, *grad0;
  PetscInt  n, np, h = 0;
  const PetscReal step = 1e-5;

  PetscFunctionBegin;
  PetscCall(Build(m, net, tile, PETSC_TRUE, &g, &X, &loss));
  PetscCall(NbGraphSetInput(g, X, NPTS, x));
  PetscCall(NbGraphComputeLossGradient(g, &L));
  PetscCall(NbGraphGetInputGradient(g, X, &n, gx));
  PetscCheck(n == NPTS, PETSC_COMM_SELF, PETSC_ERR_PLIB, "input gradient of %d points, expected %d", (int)n, NPTS);
  PetscCall(NbModelGetNumParameters(m, &np));
  PetscCall(PetscMalloc2(np, &grad, np, &grad0));
  {
    PetscReal *gr;
    PetscCall(NbModelGetGradientArray(m, &gr));
    PetscCall(PetscArraycpy(grad, gr, np));
    PetscCall(NbModelRestoreGradientArray(m, &gr));
  }
  PetscCall(PetscArraycpy(xp, x, 3 * NPTS));
  for (PetscInt i = 0; i < 3 * NPTS; i++) {
    PetscReal Lp, Lm, fd;
    xp[i] = x[i] + step;
    PetscCall(NbGraphSetInput(g, X, NPTS, xp));
    PetscCall(NbGraphForward(g));
    PetscCall(NbGraphGetScalar(g, loss, &Lp));
    xp[i] = x[i] - step;
    PetscCall(NbGraphSetInput(g, X, NPTS, xp));
    PetscCall(NbGraphForward(g));
    PetscCall(NbGraphGetScalar(g, loss, &Lm));
    xp[i] = x[i];
    fd    = (Lp - Lm) / (2 * step);
    err   = PetscMax(err, PetscAbsReal(fd - gx[i]));
    scale = PetscMax(scale, PetscAbsReal(fd));
    h++;
  }
  /* the parameter gradient of an unmarked graph of the same loss */
  PetscCall(Build(m, net, tile, PETSC_FALSE, &g0, &X0, &loss0));
  PetscCall(NbGraphSetInput(g0, X0, NPTS, x));
  PetscCall(NbGraphComputeLossGradient(g0, NULL));
  {
    PetscReal *gr, gs = 0;
    PetscCall(NbModelGetGradientArray(m, &gr));
    for (PetscInt i = 0; i < np; i++) perr = PetscMax(perr, PetscAbsReal(gr[i] - grad[i])), gs = PetscMax(gs, PetscAbsReal(gr[i]));
    PetscCall(NbModelRestoreGradientArray(m, &gr));
    perr /= gs;
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "tile %2d: %d input derivatives, max |grad - fd| / max |fd| = %.2e; parameter gradient vs unmarked graph %.2e\n", (int)tile, (int)h, (double)(err / scale), (double)perr));
  PetscCheck(err <= 1e-7 * scale, PETSC_COMM_SELF, PETSC_ERR_PLIB, "input gradient differs from finite differences: %g relative > 1e-7", (double)(err / scale));
  PetscCheck(perr <= 1e-14, PETSC_COMM_SELF, PETSC_ERR_PLIB, "marking the input changed the parameter gradient by %g relative", (double)perr);
  PetscCall(PetscFree2(grad, grad0));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbGraphDestroy(&g0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  NbModel   m;
  NbLayer   net;
  PetscInt  widths[] = {3, 16, 16, 2};
  PetscReal x[3 * NPTS];
  NbRNG     rng;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelAddMLP(m, "f", 4, widths, NB_ACT_TANH, &net));
  PetscCall(NbModelSetUp(m));
  PetscCall(NbModelGetRNG(m, &rng));
  PetscCall(NbRNGNormal(rng, 3, 0, 3 * NPTS, x));
  PetscCall(CheckTile(m, net, 8, x));
  PetscCall(CheckTile(m, net, 0, x));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
