/* Jets: input derivatives carried through the graph.

   1. Closed form: u(x,t) = sin(2x) e^{-t} + x^2 t / (1 + t^2) + tanh(a x + b t + c),
      built from graph ops on the seeded input; u_x, u_t, u_xx, u_xt, u_tt
      against the analytic derivatives to 1e-12 relative (round-off of a few
      dozen operations, ~1e-15, with margin).
   2. Finite differences: a random network mixing dense layers, tanh, sin,
      GELU, sigmoid, Fourier features, a product and a quotient of two
      sub-networks. First derivatives against central differences with
      h = 1e-5 (truncation h^2 |u'''|/6 <= 2e-8 for |u'''| <= 1e3, the
      size of this network's third derivatives; round-off eps |u| / h ~ 1e-11);
      second derivatives by Richardson extrapolation of the 3-point and
      4-point stencils at h = 2e-3 and 1e-3 (truncation O(h^4 |u^(6)|) ~ 1e-9,
      round-off ~ 5 * 4 eps |u| / h^2 ~ 2e-9). Tolerance 1e-6 relative to
      max |u'| and max |u''|: a wrong jet rule gives O(1) errors.
   3. The parameter gradient of the Burgers residual loss
      mean((u_t + u u_x - nu u_xx)^2) (nu trainable too) against central
      differences, relative error <= 1e-6 (same argument as test_nn_grad). */
#include "nbtest.h"

#define NP 29

static PetscErrorCode Uniform(NbRNG rng, PetscInt64 stream, PetscInt n, PetscReal lo, PetscReal hi, PetscReal *x)
{
  PetscFunctionBegin;
  PetscCall(NbRNGUniform(rng, stream, 0, n, x));
  for (PetscInt i = 0; i < n; i++) x[i] = lo + (hi - lo) * x[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------- 1. closed form */
static PetscErrorCode ClosedForm(void)
{
  NbGraph   g;
  NbTensor  X, J, x, t, a, b, c, d, u, comp[6];
  NbModel   m;
  NbRNG     rng;
  PetscReal xt[2 * NP], val[6][NP], A = 0.7, B = -1.3, C = 0.2, emax = 0;
  const char *names[6] = {"", "x", "t", "xx", "xt", "tt"};

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelAddConstant(m, "abc", 2, 1, NB_INIT_ZEROS, 0, NULL));
  PetscCall(NbModelAddConstant(m, "c", 1, 1, NB_INIT_CONSTANT, C, NULL));
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphAddInput(g, "xt", 64, 2, &X));
  PetscCall(NbTensorJetSeed(X, "x,t", "x,t,xx,xt,tt", &J));
  PetscCall(NbTensorSlice(J, 0, 1, &x));
  PetscCall(NbTensorSlice(J, 1, 2, &t));
  /* sin(2x) e^{-t} */
  PetscCall(NbTensorScale(x, 2, &a));
  PetscCall(NbTensorSin(a, &a));
  PetscCall(NbTensorScale(t, -1, &b));
  PetscCall(NbTensorExp(b, &b));
  PetscCall(NbTensorMul(a, b, &u));
  /* + x^2 t / (1 + t^2) */
  PetscCall(NbTensorSquare(x, &c));
  PetscCall(NbTensorMul(c, t, &c));
  PetscCall(NbTensorSquare(t, &d));
  PetscCall(NbTensorAXPB(d, 1, 1, &d));
  PetscCall(NbTensorDiv(c, d, &c));
  PetscCall(NbTensorAdd(u, c, &u));
  /* + tanh(A x + B t + C) via a 2 x 1 constant matrix and a scalar */
  {
    NbTensor W, cc, z;
    PetscCall(NbGraphAddParameter(g, m, "abc", &W));
    PetscCall(NbGraphAddParameter(g, m, "c", &cc));
    PetscCall(NbTensorDense(J, W, cc, &z));
    PetscCall(NbTensorTanh(z, &z));
    PetscCall(NbTensorAdd(u, z, &u));
  }
  for (int k = 0; k < 6; k++) {
    PetscCall(NbTensorJetComponent(u, names[k], &comp[k]));
    PetscCall(NbGraphMarkOutput(g, comp[k]));
  }
  PetscCall(NbGraphSetUp(g));
  {
    PetscReal w[2] = {A, B};
    PetscCall(NbModelSetParameterValues(m, "abc", w));
  }
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(Uniform(rng, 0, 2 * NP, -1.5, 1.5, xt));
  PetscCall(NbGraphSetInput(g, X, NP, xt));
  PetscCall(NbGraphForward(g));
  for (int k = 0; k < 6; k++) PetscCall(NbGraphGetValues(g, comp[k], NULL, val[k]));
  for (PetscInt i = 0; i < NP; i++) {
    PetscReal xx = xt[2 * i], tt = xt[2 * i + 1], s = PetscSinReal(2 * xx), co = PetscCosReal(2 * xx), e = PetscExpReal(-tt);
    PetscReal q = 1 + tt * tt, r = tt / q, rt = (1 - tt * tt) / (q * q), rtt = (2 * tt * tt * tt - 6 * tt) / (q * q * q);
    PetscReal th = PetscTanhReal(A * xx + B * tt + C), d1 = 1 - th * th, d2 = -2 * th * d1;
    PetscReal ex[6];
    ex[0] = s * e + xx * xx * r + th;
    ex[1] = 2 * co * e + 2 * xx * r + A * d1;
    ex[2] = -s * e + xx * xx * rt + B * d1;
    ex[3] = -4 * s * e + 2 * r + A * A * d2;
    ex[4] = -2 * co * e + 2 * xx * rt + A * B * d2;
    ex[5] = s * e + xx * xx * rtt + B * B * d2;
    for (int k = 0; k < 6; k++) emax = PetscMax(emax, PetscAbsReal(val[k][i] - ex[k]) / PetscMax(PetscAbsReal(ex[k]), 1.0));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "closed form: max relative error of u, u_x, u_t, u_xx, u_xt, u_tt = %.2e (tolerance 1e-12)\n", (double)emax));
  PetscCheck(emax <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "jets disagree with the closed-form derivatives: %g", (double)emax);
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------ 2. network vs differences */
static PetscErrorCode Network(NbModel m, NbGraph g, NbTensor X, NbTensor *u)
{
  NbLayer  ff, n1, n2, d1;
  NbTensor h, a, b, q;
  PetscInt w1[4] = {8, 12, 12, 1}, w2[3] = {2, 10, 1};

  PetscFunctionBegin;
  PetscCall(NbModelAddFourierFeatures(m, "ff", 2, 4, 0.5, &ff));
  PetscCall(NbModelAddMLP(m, "n1", 4, w1, NB_ACT_TANH, &n1));
  PetscCall(NbModelAddMLP(m, "n2", 3, w2, NB_ACT_GELU, &n2));
  PetscCall(NbModelAddDense(m, "d1", 2, 3, NB_ACT_SIGMOID, &d1));
  PetscCall(NbLayerApply(ff, g, X, &h));
  PetscCall(NbLayerApply(n1, g, h, &a));
  PetscCall(NbLayerApply(n2, g, X, &b));
  PetscCall(NbTensorSin(b, &b));
  PetscCall(NbLayerApply(d1, g, X, &q));
  PetscCall(NbTensorSlice(q, 1, 2, &q));
  PetscCall(NbTensorAXPB(q, 1, 0.5, &q));
  PetscCall(NbTensorMul(a, b, &h));
  PetscCall(NbTensorDiv(h, q, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FiniteDifferences(void)
{
  NbModel     m;
  NbGraph     g;
  NbTensor    X, J, U, comp[6], uval;
  NbRNG       rng;
  PetscReal   xt[2 * NP], pts[2 * NP * 9], val[6][NP], f[9][NP];
  const char *names[6] = {"", "x", "t", "xx", "xt", "tt"};
  PetscReal   h1 = 1e-5, h2 = 1e-3, e1 = 0, e2 = 0, m1 = 0, m2 = 0;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelSetSeed(m, 3));
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphSetTileSize(g, 16));
  PetscCall(NbGraphAddInput(g, "xt", 9 * NP, 2, &X));
  PetscCall(NbTensorJetSeed(X, "x,t", "x,t,xx,xt,tt", &J));
  PetscCall(Network(m, g, J, &U));
  for (int k = 0; k < 6; k++) {
    PetscCall(NbTensorJetComponent(U, names[k], &comp[k]));
    PetscCall(NbGraphMarkOutput(g, comp[k]));
  }
  uval = comp[0];
  PetscCall(NbGraphSetUp(g));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(Uniform(rng, 5, 2 * NP, -1, 1, xt));
  PetscCall(NbGraphSetInput(g, X, NP, xt));
  PetscCall(NbGraphForward(g));
  for (int k = 0; k < 6; k++) PetscCall(NbGraphGetValues(g, comp[k], NULL, val[k]));
  /* the value at shifted points: stencil s = (dx, dt) in {-1,0,1}^2 times h;
     f[s][i] with s = (ix+1) + 3 (it+1). Pass 0: first derivatives with
     h = 1e-5; passes 1, 2: second derivatives with h = 2e-3 and 1e-3,
     combined by Richardson extrapolation (4 D(h/2) - D(h))/3. */
  {
    PetscReal d2[2][3][NP];
    for (int pass = 0; pass < 3; pass++) {
      PetscReal h = pass == 0 ? h1 : pass == 1 ? 2 * h2 : h2, *out = &f[0][0];
      for (int s = 0; s < 9; s++)
        for (PetscInt i = 0; i < NP; i++) {
          pts[2 * (s * NP + i)]     = xt[2 * i] + (s % 3 - 1) * h;
          pts[2 * (s * NP + i) + 1] = xt[2 * i + 1] + (s / 3 - 1) * h;
        }
      PetscCall(NbGraphEvaluate(g, X, 9 * NP, pts, 1, &uval, &out));
      for (PetscInt i = 0; i < NP; i++) {
        if (pass == 0) {
          PetscReal ux = (f[5][i] - f[3][i]) / (2 * h), ut = (f[7][i] - f[1][i]) / (2 * h);
          e1 = PetscMax(e1, PetscMax(PetscAbsReal(ux - val[1][i]), PetscAbsReal(ut - val[2][i])));
          m1 = PetscMax(m1, PetscMax(PetscAbsReal(val[1][i]), PetscAbsReal(val[2][i])));
        } else {
          d2[pass - 1][0][i] = (f[5][i] - 2 * f[4][i] + f[3][i]) / (h * h);
          d2[pass - 1][1][i] = (f[8][i] - f[6][i] - f[2][i] + f[0][i]) / (4 * h * h);
          d2[pass - 1][2][i] = (f[7][i] - 2 * f[4][i] + f[1][i]) / (h * h);
        }
      }
    }
    for (PetscInt i = 0; i < NP; i++)
      for (int k = 0; k < 3; k++) {
        PetscReal r = (4 * d2[1][k][i] - d2[0][k][i]) / 3;
        e2          = PetscMax(e2, PetscAbsReal(r - val[3 + k][i]));
        m2          = PetscMax(m2, PetscAbsReal(val[3 + k][i]));
      }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "network: first derivatives vs differences %.2e (tolerance 1e-6), second %.2e (tolerance 1e-6), relative to max |u'| %.2f, |u''| %.2f\n", (double)(e1 / m1), (double)(e2 / m2), (double)m1, (double)m2));
  PetscCheck(m1 > 1e-3 && m2 > 1e-3, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "degenerate test network (derivatives ~ 0)");
  PetscCheck(e1 / m1 <= 1e-6 && e2 / m2 <= 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "jets disagree with finite differences");
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------- 3. Burgers residual, param grad */
static PetscErrorCode BurgersGradient(PetscInt tile)
{
  NbModel    m;
  NbLayer    net;
  NbGraph    g;
  NbTensor   X, J, U, r, loss;
  NbRNG      rng;
  PetscInt   w[4] = {2, 7, 7, 1}, P;
  PetscReal  xt[2 * NP], L, *p, *grad, *fd, hstep = 1e-5, gmax = 0, emax = 0;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelSetSeed(m, 1));
  PetscCall(NbModelAddMLP(m, "u", 4, w, NB_ACT_TANH, &net));
  PetscCall(NbModelAddScalar(m, "nu", 0.05, NULL));
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphSetTileSize(g, tile));
  PetscCall(NbGraphAddInput(g, "colloc", 64, 2, &X));
  PetscCall(NbTensorJetSeed(X, "x,t", "x,t,xx", &J));
  PetscCall(NbLayerApply(net, g, J, &U));
  PetscCall(NbTestBurgersResidual(g, m, U, &r));
  PetscCall(NbTensorMeanSquare(r, &loss));
  PetscCall(NbGraphSetLoss(g, loss));
  PetscCall(NbGraphSetUp(g));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(Uniform(rng, 9, 2 * NP, -1, 1, xt));
  PetscCall(NbGraphSetInput(g, X, NP, xt));
  PetscCall(NbGraphComputeLossGradient(g, &L));
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(NbModelGetParameterArray(m, &p));
  PetscCall(NbModelGetGradientArray(m, &grad));
  PetscCall(PetscMalloc1(P, &fd));
  PetscCall(NbTestLossDifferences(g, loss, P, p, hstep, fd));
  for (PetscInt i = 0; i < P; i++) {
    gmax = PetscMax(gmax, PetscAbsReal(fd[i]));
    emax = PetscMax(emax, PetscAbsReal(fd[i] - grad[i]));
  }
  PetscCall(PetscFree(fd));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "Burgers residual (tile %" PetscInt_FMT "): loss %.6e, %" PetscInt_FMT " parameters, gradient rel err vs differences %.2e (tolerance 1e-6)\n", tile, (double)L, P, (double)(emax / gmax)));
  PetscCheck(emax / gmax <= 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Burgers residual gradient disagrees with finite differences");
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, "Jets against closed forms and finite differences"));
  PetscCall(ClosedForm());
  PetscCall(FiniteDifferences());
  PetscCall(BurgersGradient(0));
  PetscCall(BurgersGradient(8));
  PetscCall(NbFinalize());
  return 0;
}
