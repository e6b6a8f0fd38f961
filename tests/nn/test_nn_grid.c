/* The grid ops (nn/ops_grid.c) against independent references.

   Data: 10 samples of a 5 x 3 grid (non-square, so a swapped axis or a
   transposed factor shows), 3 input channels lifted to 4 by a dense layer h.
   For each op y(h):
   - forward: y against explicit loops over the definition (A = U V^T formed
     entry by entry, the shift by index arithmetic), to 1e-13 relative to
     max|y| (only the summation order of BLAS differs: 5 terms of O(1));
   - gradient: loss = sum(w .* y) + 0.5 mean(y^2), w random per point, every
     parameter's derivative against central differences, h = 1e-5, to 1e-6
     relative in the max norm (truncation ~h^2 |L'''| ~ 1e-10, round-off
     ~eps |L| / h ~ 1e-11: four orders of margin; a wrong reverse rule is O(1));
   - tiles: one tile (whole set) and tiles of 8 samples (10 = 8 + a partial
     2), the two losses equal to 1e-13 relative.
   The last case is a whole Lord block, tanh(lowrank_x(lowrank_y(h)) + h W) + h. */
#include "nbtest.h"

#define NX 5
#define NY 3
#define NS 10
#define R  2
#define NP (NS * NX * NY)

typedef enum { LOWRANK_X, LOWRANK_Y, SHIFT_A, SHIFT_B, LORD_BLOCK, NCASES } Case;
static const char *const names[] = {"lowrank x", "lowrank y", "shift (+1,-1)", "shift (-2,+1)", "lord block"};
static const PetscInt    shifts[2][2] = {{1, -1}, {-2, 1}};

static PetscErrorCode LowRank(NbModel m, NbGraph g, NbTensor h, PetscInt axis, NbTensor *y)
{
  const char *u = axis ? "U1" : "U0", *v = axis ? "V1" : "V0";
  PetscInt    n = axis ? NY : NX;
  NbTensor    U, V;

  PetscFunctionBegin;
  PetscCall(NbModelAddParameter(m, u, n, R, NB_INIT_NORMAL, 1.0, NULL));
  PetscCall(NbModelAddParameter(m, v, n, R, NB_INIT_NORMAL, 1.0, NULL));
  PetscCall(NbGraphAddParameter(g, m, u, &U));
  PetscCall(NbGraphAddParameter(g, m, v, &V));
  PetscCall(NbTensorGridLowRank(h, U, V, NX, NY, axis, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Dense(NbModel m, NbGraph g, NbTensor x, const char *name, PetscInt nin, NbTensor *y)
{
  NbLayer l;

  PetscFunctionBegin;
  PetscCall(NbModelAddDense(m, name, nin, 4, NB_ACT_NONE, &l));
  PetscCall(NbLayerApply(l, g, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Build(Case c, NbModel m, NbGraph g, NbTensor X, NbTensor *h, NbTensor *y)
{
  NbTensor a, b;

  PetscFunctionBegin;
  PetscCall(Dense(m, g, X, "h", 3, h));
  switch (c) {
  case LOWRANK_X:
  case LOWRANK_Y:
    PetscCall(LowRank(m, g, *h, c == LOWRANK_Y, y));
    break;
  case SHIFT_A:
  case SHIFT_B:
    PetscCall(NbTensorGridShift(*h, NX, NY, shifts[c - SHIFT_A][0], shifts[c - SHIFT_A][1], y));
    break;
  default:
    PetscCall(LowRank(m, g, *h, 1, &a));
    PetscCall(LowRank(m, g, a, 0, &a));
    PetscCall(Dense(m, g, *h, "mix", 4, &b));
    PetscCall(NbTensorAdd(a, b, &a));
    PetscCall(NbTensorTanh(a, &a));
    PetscCall(NbTensorAdd(a, *h, y));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y of case c from h by the definition, all points row-major NP x 4 */
static PetscErrorCode Reference(Case c, NbModel m, const PetscReal *h, PetscReal *y)
{
  PetscReal U[NX * R], V[NX * R];

  PetscFunctionBegin;
  if (c == LOWRANK_X || c == LOWRANK_Y) {
    PetscCall(NbModelGetParameterValues(m, c == LOWRANK_Y ? "U1" : "U0", U));
    PetscCall(NbModelGetParameterValues(m, c == LOWRANK_Y ? "V1" : "V0", V));
  }
  for (PetscInt s = 0; s < NS; s++)
    for (PetscInt j = 0; j < NY; j++)
      for (PetscInt i = 0; i < NX; i++)
        for (PetscInt ch = 0; ch < 4; ch++) {
          PetscReal v = 0;
          if (c == LOWRANK_X)
            for (PetscInt k = 0; k < NX; k++)
              for (PetscInt q = 0; q < R; q++) v += U[i * R + q] * V[k * R + q] * h[((s * NY + j) * NX + k) * 4 + ch];
          else if (c == LOWRANK_Y)
            for (PetscInt k = 0; k < NY; k++)
              for (PetscInt q = 0; q < R; q++) v += U[j * R + q] * V[k * R + q] * h[((s * NY + k) * NX + i) * 4 + ch];
          else {
            PetscInt ii = i + shifts[c - SHIFT_A][0], jj = j + shifts[c - SHIFT_A][1];
            if (ii >= 0 && ii < NX && jj >= 0 && jj < NY) v = h[((s * NY + jj) * NX + ii) * 4 + ch];
          }
          y[((s * NY + j) * NX + i) * 4 + ch] = v;
        }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckForward(Case c, NbModel m, NbGraph g, NbTensor h, NbTensor y, PetscReal *err)
{
  PetscReal *hv, *yv, *yr, d = 0, ymax = 0;

  PetscFunctionBegin;
  *err = 0;
  if (c == LORD_BLOCK) PetscFunctionReturn(PETSC_SUCCESS); /* its parts are the cases above */
  PetscCall(PetscMalloc3(NP * 4, &hv, NP * 4, &yv, NP * 4, &yr));
  PetscCall(NbGraphForward(g));
  PetscCall(NbGraphGetValues(g, h, NULL, hv));
  PetscCall(NbGraphGetValues(g, y, NULL, yv));
  PetscCall(Reference(c, m, hv, yr));
  for (PetscInt k = 0; k < NP * 4; k++) {
    d    = PetscMax(d, PetscAbsReal(yv[k] - yr[k]));
    ymax = PetscMax(ymax, PetscAbsReal(yr[k]));
  }
  *err = d / ymax;
  PetscCall(PetscFree3(hv, yv, yr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(Case c, PetscInt tile, PetscReal *loss, PetscReal *gerr, PetscReal *ferr)
{
  NbModel    m;
  NbGraph    g;
  NbRNG      rng;
  NbTensor   X, W, h, y, s, ms, t[2];
  PetscReal  wts[2] = {1, 0.5}, buf[NP * 4], *p, *grad, *fd, gmax = 0, emax = 0;
  PetscInt   P;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelSetSeed(m, 5));
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphSetTileSize(g, tile));
  PetscCall(NbGraphAddInput(g, "x", NP, 3, &X));
  PetscCall(NbGraphAddInputLike(g, "w", X, 4, &W));
  PetscCall(Build(c, m, g, X, &h, &y));
  PetscCall(NbTensorWeightedSum(y, W, &s));
  PetscCall(NbTensorMeanSquare(y, &ms));
  t[0] = s;
  t[1] = ms;
  PetscCall(NbTensorLinearCombination(2, t, wts, &s));
  PetscCall(NbGraphSetLoss(g, s));
  PetscCall(NbGraphMarkOutput(g, h));
  PetscCall(NbGraphMarkOutput(g, y));
  PetscCall(NbGraphSetUp(g));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, 3));
  PetscCall(NbRNGNormal(rng, 0, 0, NP * 3, buf));
  PetscCall(NbGraphSetInput(g, X, NP, buf));
  PetscCall(NbRNGNormal(rng, 1, 0, NP * 4, buf));
  PetscCall(NbGraphSetInput(g, W, NP, buf));
  PetscCall(CheckForward(c, m, g, h, y, ferr));
  PetscCall(NbGraphComputeLossGradient(g, loss));
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(NbModelGetParameterArray(m, &p));
  PetscCall(NbModelGetGradientArray(m, &grad));
  PetscCall(PetscMalloc1(P, &fd));
  PetscCall(NbTestLossDifferences(g, s, P, p, 1e-5, fd));
  for (PetscInt i = 0; i < P; i++) {
    gmax = PetscMax(gmax, PetscAbsReal(fd[i]));
    emax = PetscMax(emax, PetscAbsReal(fd[i] - grad[i]));
  }
  *gerr = emax / gmax;
  PetscCall(PetscFree(fd));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunAll(void)
{
  PetscInt nfail = 0;

  PetscFunctionBegin;
  for (Case c = 0; c < NCASES; c++) {
    PetscReal L1, L8, g1, g8, f1, f8, dl;
    PetscBool ok;
    PetscCall(Run(c, 0, &L1, &g1, &f1));
    PetscCall(Run(c, 8, &L8, &g8, &f8));
    dl = PetscAbsReal(L1 - L8) / PetscAbsReal(L1);
    ok = (PetscBool)(g1 <= 1e-6 && g8 <= 1e-6 && f1 <= 1e-13 && f8 <= 1e-13 && dl <= 1e-13);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-14s loss %+.6e  forward err %.1e  grad rel err %.2e (one tile) %.2e (tiles of 8 samples)  tile loss diff %.1e  %s\n", names[c], (double)L1, (double)PetscMax(f1, f8), (double)g1, (double)g8, (double)dl, ok ? "ok" : "FAIL"));
    if (!ok) nfail++;
  }
  PetscCheck(nfail == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%d grid op case(s) failed", (int)nfail);
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(RunAll)
