/* NbGraphComputeJacobian: the rows of two residual tensors of a tiny PINN
   graph (2-5-5-1 tanh network; the Burgers residual u u_x + u_t - nu u_xx
   on a jet, 37 collocation points; a 2-column data misfit exp(s) [u - v1,
   u^2 - v2] on 13 other points; nu and s trainable scalars, s reaching the
   rows through a constant node exp(s)), split over the ranks.

   1. Every entry of J against central differences of the residual vector
      (the same function with J = NULL): with h = 1e-5 and O(1) values the
      truncation error is ~h^2 |r'''| ~ 1e-10 and the round-off ~eps/h ~
      1e-11; tolerance 1e-7 of max |J|, while a wrong row is O(|J|) off.
   2. With scales sqrt(1/N) the rows reproduce the graph's loss,
      ||res||^2 = mean r^2 + mean |d|^2 (summed over the ranks), and its
      reverse-mode gradient, 2 J^T res: the same sums in another order,
      tolerance 1e-12 relative.
   -view: a jet component (a view) as residual is refused, naming the fix. */
#include "nbtest.h"

#define NC 37
#define ND 13

typedef struct {
  NbModel  m;
  NbGraph  g;
  NbTensor X, XD, V, r, d, loss;
  PetscInt P;
} Setup;

static PetscErrorCode Build(Setup *s, PetscBool view)
{
  PetscInt   widths[] = {2, 5, 5, 1}, nc, nd;
  PetscInt64 oc, od;
  NbLayer    net;
  NbTensor   Xj, U, Ud, u2, a, b, sc, es, terms[2], cat[2];
  PetscReal  w[2] = {1, 1}, xc[2 * NC], xd[2 * ND], v[2 * ND], lo[2] = {-1, 0}, hi[2] = {1, 1};
  NbRNG      rng;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_WORLD, &s->m));
  PetscCall(NbModelAddMLP(s->m, "u", 4, widths, NB_ACT_TANH, &net));
  PetscCall(NbModelAddScalar(s->m, "nu", 0.3, NULL));
  PetscCall(NbModelAddScalar(s->m, "s", -0.2, NULL));
  PetscCall(NbGraphCreate(PETSC_COMM_WORLD, &s->g));
  PetscCall(NbGraphAddInput(s->g, "colloc", NC, 2, &s->X));
  PetscCall(NbTensorJetSeed(s->X, "x,t", "x,t,xx", &Xj));
  PetscCall(NbLayerApply(net, s->g, Xj, &U));
  PetscCall(NbTestBurgersResidual(s->g, s->m, U, &s->r));
  if (view) PetscCall(NbTensorJetComponent(U, "x", &s->r));
  PetscCall(NbGraphAddInput(s->g, "data", ND, 2, &s->XD));
  PetscCall(NbGraphAddInputLike(s->g, "values", s->XD, 2, &s->V));
  PetscCall(NbLayerApply(net, s->g, s->XD, &Ud));
  PetscCall(NbTensorSquare(Ud, &u2));
  cat[0] = Ud;
  cat[1] = u2;
  PetscCall(NbTensorConcat(2, cat, &a));
  PetscCall(NbTensorSub(a, s->V, &b));
  PetscCall(NbGraphAddParameter(s->g, s->m, "s", &sc));
  PetscCall(NbTensorExp(sc, &es));
  PetscCall(NbTensorMul(b, es, &s->d));
  PetscCall(NbTensorMeanSquare(s->r, &terms[0]));
  PetscCall(NbTensorMeanSquare(s->d, &terms[1]));
  PetscCall(NbTensorScale(terms[1], 2.0, &terms[1])); /* mean over points of the 2 columns' sum */
  PetscCall(NbTensorLinearCombination(2, terms, w, &s->loss));
  PetscCall(NbGraphSetLoss(s->g, s->loss));
  PetscCall(NbGraphSetUp(s->g));
  PetscCall(NbModelGetNumParameters(s->m, &s->P));
  /* the same global points on any number of ranks */
  PetscCall(NbRNGCreate(PETSC_COMM_WORLD, &rng));
  PetscCall(NbRNGSetSeed(rng, 7));
  PetscCall(NbRNGSampleBox(rng, 1, 0, NC, 2, lo, hi, xc));
  PetscCall(NbRNGSampleBox(rng, 2, 0, ND, 2, lo, hi, xd));
  PetscCall(NbRNGUniform(rng, 3, 0, 2 * ND, v));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbPartition(PETSC_COMM_WORLD, NC, &oc, &nc));
  PetscCall(NbPartition(PETSC_COMM_WORLD, ND, &od, &nd));
  PetscCall(NbGraphSetInputPartitioned(s->g, s->X, NC, oc, nc, xc + 2 * oc));
  PetscCall(NbGraphSetInputPartitioned(s->g, s->XD, ND, od, nd, xd + 2 * od));
  PetscCall(NbGraphSetInputPartitioned(s->g, s->V, ND, od, nd, v + 2 * od));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *what, PetscReal got, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &got, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-60s %.3e (tolerance %.1e) %s\n", what, (double)got, (double)tol, got <= tol ? "ok" : "FAIL"));
  PetscCheck(got <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %g exceeds %g", what, (double)got, (double)tol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Main(void)
{
  Setup      s;
  NbTensor   rr[2];
  PetscReal  scale[2] = {PetscSqrtReal(1.0 / NC), PetscSqrtReal(1.0 / ND)}, *res, *J, *rp, *rm, *th, *grad, loss, sum = 0, jmax = 0, fderr = 0, gerr = 0, gmax = 0, h = 1e-5;
  PetscInt   n;
  PetscBool  view = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-view", &view, NULL));
  PetscCall(Build(&s, view));
  rr[0] = s.r;
  rr[1] = s.d;
  PetscCall(NbGraphComputeJacobian(s.g, s.m, 2, rr, scale, &n, NULL, NULL));
  PetscCall(PetscMalloc4(n, &res, (size_t)n * s.P, &J, n, &rp, n, &rm));
  PetscCall(NbGraphComputeJacobian(s.g, s.m, 2, rr, scale, NULL, res, J));
  PetscCall(NbModelGetParameterArray(s.m, &th));
  for (PetscInt j = 0; j < s.P; j++) {
    PetscReal t0 = th[j];
    th[j]        = t0 + h;
    PetscCall(NbGraphComputeJacobian(s.g, s.m, 2, rr, scale, NULL, rp, NULL));
    th[j] = t0 - h;
    PetscCall(NbGraphComputeJacobian(s.g, s.m, 2, rr, scale, NULL, rm, NULL));
    th[j] = t0;
    for (PetscInt i = 0; i < n; i++) {
      fderr = PetscMax(fderr, PetscAbsReal(J[(size_t)i * s.P + j] - (rp[i] - rm[i]) / (2 * h)));
      jmax  = PetscMax(jmax, PetscAbsReal(J[(size_t)i * s.P + j]));
    }
  }
  PetscCall(NbModelRestoreParameterArray(s.m, &th));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &jmax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(Check("J against central differences / max |J|", fderr / jmax, 1e-7));

  PetscCall(NbGraphComputeLossGradient(s.g, &loss));
  for (PetscInt i = 0; i < n; i++) sum += res[i] * res[i];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &sum, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  PetscCall(Check("||res||^2 against the graph's loss (relative)", PetscAbsReal(sum - loss) / loss, 1e-12));
  PetscCall(NbModelGetGradientArray(s.m, &grad));
  for (PetscInt j = 0; j < s.P; j++) {
    PetscReal gj = 0;
    for (PetscInt i = 0; i < n; i++) gj += 2 * J[(size_t)i * s.P + j] * res[i];
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &gj, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
    gerr = PetscMax(gerr, PetscAbsReal(gj - grad[j]));
    gmax = PetscMax(gmax, PetscAbsReal(grad[j]));
  }
  PetscCall(NbModelRestoreGradientArray(s.m, &grad));
  PetscCall(Check("2 J^T res against the graph's gradient / max |grad|", gerr / gmax, 1e-12));
  PetscCall(PetscFree4(res, J, rp, rm));
  PetscCall(NbGraphDestroy(&s.g));
  PetscCall(NbModelDestroy(&s.m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Main)
