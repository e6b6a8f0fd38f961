/* Navier-Stokes PINNs (solvers/ns_pde.c), each mode asserting a number
   against an independent reference:
   -test_mode residual: the residual written on jets, applied to the exact
     Kovasznay or Taylor-Green solution written here as graph expressions
     of the input jet, vanishes to round-off; with lambda1 = 0.9 it does not
     (so the check can fail);
   -test_mode hard: the cavity's hard constraint meets the no-slip walls
     and the sharp lid (u = 1 on 0 < x < 1) to round-off, whatever the
     network's weights;
   -test_mode accuracy: relative L2 error of the velocity at the reference's
     cell centres, all frames, against the exact solution (closed forms
     below, independent of the library's) or, for the cavity, against the
     PETSc reference's cell-centre velocity, must not exceed -test_tol
     (and, with -pinn_inverse, nu and lambda1 within -test_coef_tol);
   -test_mode ranks: the loss history of the PINN on all ranks equals the
     one every rank computes alone (PETSC_COMM_SELF) to 1e-10 relative.
     Both halves run on all ranks at once (lockstep), no reference solve. */
#include "nbtest.h"

/* Kovasznay (1948): lambda = Re/2 - sqrt(Re^2/4 + 4 pi^2). */
static PetscReal KovLambda(PetscReal re)
{
  return re / 2 - PetscSqrtReal(re * re / 4 + 4 * PETSC_PI * PETSC_PI);
}

static void Exact(const char *cname, PetscReal re, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  if (!strcmp(cname, "kovasznay")) {
    PetscReal l = KovLambda(re), e = PetscExpReal(l * x[0]);
    uvp[0] = 1 - e * PetscCosReal(2 * PETSC_PI * x[1]);
    uvp[1] = l / (2 * PETSC_PI) * e * PetscSinReal(2 * PETSC_PI * x[1]);
    uvp[2] = (1 - e * e) / 2;
  } else { /* Taylor & Green (1937), nu = 1/Re */
    PetscReal F = PetscExpReal(-2 * t / re);
    uvp[0] = PetscSinReal(x[0]) * PetscCosReal(x[1]) * F;
    uvp[1] = -PetscCosReal(x[0]) * PetscSinReal(x[1]) * F;
    uvp[2] = (PetscCosReal(2 * x[0]) + PetscCosReal(2 * x[1])) * F * F / 4;
  }
}

/* The same exact solutions as tensors of the input jet X. */
static PetscErrorCode ExactJet(const char *cname, PetscReal re, NbTensor X, NbTensor *U)
{
  NbTensor x, y, u[3];

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  if (!strcmp(cname, "kovasznay")) {
    PetscReal l = KovLambda(re);
    NbTensor  e, c, s, e2;
    PetscCall(NbTensorScale(x, l, &e));
    PetscCall(NbTensorExp(e, &e));
    PetscCall(NbTensorScale(y, 2 * PETSC_PI, &c));
    PetscCall(NbTensorSin(c, &s));
    PetscCall(NbTensorCos(c, &c));
    PetscCall(NbTensorMul(e, c, &u[0]));
    PetscCall(NbTensorAXPB(u[0], -1, 1, &u[0]));
    PetscCall(NbTensorMul(e, s, &u[1]));
    PetscCall(NbTensorScale(u[1], l / (2 * PETSC_PI), &u[1]));
    PetscCall(NbTensorMul(e, e, &e2));
    PetscCall(NbTensorAXPB(e2, -0.5, 0.5, &u[2]));
  } else {
    NbTensor t, F, F2, sx, cx, sy, cy, a, b;
    PetscCall(NbTensorSlice(X, 2, 3, &t));
    PetscCall(NbTensorScale(t, -2 / re, &F));
    PetscCall(NbTensorExp(F, &F));
    PetscCall(NbTensorMul(F, F, &F2));
    PetscCall(NbTensorSin(x, &sx));
    PetscCall(NbTensorCos(x, &cx));
    PetscCall(NbTensorSin(y, &sy));
    PetscCall(NbTensorCos(y, &cy));
    PetscCall(NbTensorMul(sx, cy, &u[0]));
    PetscCall(NbTensorMul(u[0], F, &u[0]));
    PetscCall(NbTensorMul(cx, sy, &u[1]));
    PetscCall(NbTensorMul(u[1], F, &u[1]));
    PetscCall(NbTensorScale(u[1], -1, &u[1]));
    PetscCall(NbTensorScale(x, 2, &a));
    PetscCall(NbTensorCos(a, &a));
    PetscCall(NbTensorScale(y, 2, &b));
    PetscCall(NbTensorCos(b, &b));
    PetscCall(NbTensorAdd(a, b, &a));
    PetscCall(NbTensorMul(a, F2, &u[2]));
    PetscCall(NbTensorScale(u[2], 0.25, &u[2]));
  }
  PetscCall(NbTensorConcat(3, u, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest |residual| of the exact solution at 500 random points of the box,
   with the coefficients nu and lambda1 as given. */
static PetscErrorCode ExactResidual(NbProblem ns, const char *cname, PetscReal re, PetscReal nu, PetscReal lam, PetscReal *rmax)
{
  const NbPDE  *pde;
  NbGraph       g;
  NbTensor      X, Xj, U, coef[2], res[3];
  PetscInt      nres, nin, n = 500;
  PetscReal    *x, *r[3];
  NbRNG         rng;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(ns, &pde));
  nin = pde->steady ? 2 : 3;
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphAddInput(g, "points", n, nin, &X));
  PetscCall(NbTensorJetSeed(X, pde->coords, pde->derivs, &Xj));
  PetscCall(ExactJet(cname, re, Xj, &U));
  PetscCall(NbGraphAddConstant(g, "nu", 1, 1, &nu, &coef[0]));
  PetscCall(NbGraphAddConstant(g, "lambda1", 1, 1, &lam, &coef[1]));
  PetscCall((*pde->residual)(pde->ctx, X, U, coef, &nres, res));
  PetscCheck(nres == 3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "expected 3 residuals (2 momentum, continuity), got %d", (int)nres);
  for (PetscInt k = 0; k < 3; k++) PetscCall(NbGraphMarkOutput(g, res[k]));
  PetscCall(NbGraphSetUp(g));
  PetscCall(PetscMalloc4(n * nin, &x, n, &r[0], n, &r[1], n, &r[2]));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSampleBox(rng, 0, 0, n, nin, pde->lo, pde->hi, x));
  PetscCall(NbGraphEvaluate(g, X, n, x, 3, res, r));
  *rmax = 0;
  for (PetscInt k = 0; k < 3; k++)
    for (PetscInt i = 0; i < n; i++) *rmax = PetscMax(*rmax, PetscAbsReal(r[k][i]));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(PetscFree4(x, r[0], r[1], r[2]));
  PetscCall(NbGraphDestroy(&g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  const char *cname;
  PetscReal   re;
} ExactCtx;

/* frame k's (u, v, p) at the cell centres from the closed forms above */
static PetscErrorCode ExactValues(NbProblem prob, PetscInt k, PetscReal uvp[], void *ctx)
{
  ExactCtx        *e = (ExactCtx *)ctx;
  PetscInt         nf, n;
  const PetscReal *tf, *xc;
  const NbPDE     *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbProblemGetFrames(prob, &nf, &tf));
  PetscCall(NbProblemGetEvaluationPoints(prob, &n, NULL, NULL, &xc));
  for (PetscInt i = 0; i < n; i++) Exact(e->cname, e->re, pde->steady ? 0 : tf[k], xc + 2 * i, uvp + 3 * i);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char           mode[32] = "accuracy";
  PetscReal      tol = 1, ctol = 1, re;
  NbProblem      ns;
  NbNavierStokes solver;
  const char    *cname;
  const NbPDE   *pde;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_coef_tol", &ctol, NULL));
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "navierstokes", PETSC_FALSE, &ns));
  PetscCall(NbProblemGetSolver(ns, &solver));
  PetscCall(NbNavierStokesGetCase(solver, &cname));
  PetscCall(NbNavierStokesGetReynolds(solver, &re));
  PetscCall(NbProblemGetPDE(ns, &pde));

  if (!strcmp(mode, "residual")) {
    PetscReal r1, r2;
    PetscCall(ExactResidual(ns, cname, re, 1 / re, 1, &r1));
    PetscCall(ExactResidual(ns, cname, re, 1 / re, 0.9, &r2));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: largest residual of the exact solution %.3e (lambda1 = 0.9: %.3e)\n", cname, (double)r1, (double)r2));
    /* terms are O(1)-O(10) (Kovasznay: (2 pi)^2 nu e^{|lambda|} ~ 2.6): round-off well below 1e-11 */
    PetscCheck(r1 < 1e-11, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the exact solution leaves a residual of %g", (double)r1);
    /* the convection term is O(0.1-1): a 10% change of lambda1 must show */
    PetscCheck(r2 > 1e-2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the residual does not see lambda1 (%g)", (double)r2);
  } else if (!strcmp(mode, "hard")) {
    NbPINN    pinn;
    PetscReal x[2 * 404], u[3 * 404], dev_wall = 0, dev_lid = 0;
    PetscInt  n = 0;
    PetscCall(NbTestPINN(PETSC_COMM_WORLD, ns, &pinn));
    PetscCall(NbPINNSetUp(pinn));
    for (PetscInt i = 0; i <= 100; i++) { /* bottom, left, right, lid */
      PetscReal s = 0.01 * i;
      x[2 * n] = s, x[2 * n + 1] = 0, n++;
      x[2 * n] = 0, x[2 * n + 1] = s, n++;
      x[2 * n] = 1, x[2 * n + 1] = s, n++;
      x[2 * n] = s, x[2 * n + 1] = 1, n++;
    }
    PetscCall(NbPINNEvaluate(pinn, n, x, u));
    for (PetscInt k = 0; k < n; k++) {
      PetscBool lid = (PetscBool)(x[2 * k + 1] == 1 && x[2 * k] > 0 && x[2 * k] < 1);
      if (x[2 * k + 1] == 1 && (x[2 * k] == 0 || x[2 * k] == 1)) continue; /* the top corners belong to both */
      dev_wall      = PetscMax(dev_wall, PetscAbsReal(u[3 * k + 1]));
      if (!lid) dev_wall = PetscMax(dev_wall, PetscAbsReal(u[3 * k]));
      else dev_lid = PetscMax(dev_lid, PetscAbsReal(u[3 * k] - 1));
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cavity hard constraint: largest |u|, |v| on the walls %.2e; largest |u - 1| on the lid %.2e\n", (double)dev_wall, (double)dev_lid));
    /* the bubble vanishes exactly on the walls; the corner flows are 1 on
       the lid and 0 on their wall up to the round-off of A + C theta
       (|A|, |C| < 2, theta from a series exact to 3e-15): 1e-13 */
    PetscCheck(dev_wall < 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "no-slip walls violated by %g", (double)dev_wall);
    PetscCheck(dev_lid < 1e-13, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "lid velocity off by %g", (double)dev_lid);
    PetscCall(NbPINNDestroy(&pinn));
  } else if (!strcmp(mode, "ranks")) {
    PetscInt   nsteps = 20, ndata = 200;
    PetscReal *hw, *hs, *xo = NULL, *uo = NULL;
    PetscBool  inverse = PETSC_FALSE;
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-pinn_adam_steps", &nsteps, NULL));
    PetscCall(PetscOptionsGetBool(NULL, NULL, "-pinn_inverse", &inverse, NULL));
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-pinn_data_points", &ndata, NULL));
    if (inverse) { /* the reference on all ranks, before either half */
      PetscCall(NbProblemSolveReference(ns));
      PetscCall(NbProblemGetObservations(ns, ndata, 0, 0.01, &xo, &uo));
    }
    PetscCall(PetscMalloc2(nsteps, &hw, nsteps, &hs));
    PetscCall(NbTestLossHistory(PETSC_COMM_WORLD, ns, inverse ? ndata : 0, xo, uo, nsteps, hw));
    PetscCall(NbTestLossHistory(PETSC_COMM_SELF, ns, inverse ? ndata : 0, xo, uo, nsteps, hs));
    if (inverse) PetscCall(PetscFree2(xo, uo));
    PetscCall(NbTestCompareHistories(PETSC_COMM_WORLD, cname, nsteps, hw, hs));
    PetscCheck(hw[nsteps - 1] < hw[0], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the loss did not decrease");
    PetscCall(PetscFree2(hw, hs));
  } else {
    NbPINN    pinn;
    PetscBool inverse;
    PetscInt  ndata;
    ExactCtx  e = {cname, re};
    PetscBool cavity;
    char      what[256];
    PetscCall(PetscStrcmp(cname, "cavity", &cavity));
    PetscCall(NbProblemSolveReference(ns));
    PetscCall(NbTestPINN(PETSC_COMM_WORLD, ns, &pinn));
    PetscCall(NbPINNGetInverse(pinn, &inverse, &ndata, NULL, NULL));
    if (inverse) {
      PetscReal *xo, *uo;
      PetscCall(NbProblemGetObservations(ns, ndata, 0, 0, &xo, &uo));
      PetscCall(NbPINNSetObservations(pinn, ndata, xo, uo));
      PetscCall(PetscFree2(xo, uo));
    }
    PetscCall(NbPINNSetUp(pinn));
    PetscCall(NbPINNTrain(pinn));
    /* the velocity at the cell centres against the exact solution written
       above (kovasznay, taylorgreen) or the reference's (cavity) */
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s: PINN relative L2 error of the velocity against the %s at the cell centres, all frames", cname, cavity ? "PETSc reference" : "exact solution"));
    PetscCall(NbTestCheckPINNError(ns, pinn, 2, cavity ? NULL : ExactValues, &e, what, tol));
    if (inverse) {
      PetscReal nu, lam;
      PetscCall(NbPINNGetCoefficient(pinn, 0, &nu));
      PetscCall(NbPINNGetCoefficient(pinn, 1, &lam));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "identified nu %.6g (true %.6g, rel. error %.2e), lambda1 %.6f (true 1)\n", (double)nu, (double)(1 / re), (double)(PetscAbsReal(nu * re - 1)), (double)lam));
      PetscCheck(PetscAbsReal(nu * re - 1) <= ctol && PetscAbsReal(lam - 1) <= ctol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "coefficients off by more than %g", (double)ctol);
    }
    PetscCall(NbPINNDestroy(&pinn));
  }
  PetscCall(NbProblemDestroy(&ns));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
