/* Helpers the test programs share; see nbtest.h. */
#include "nbtest.h"

PetscErrorCode NbTestProblem(MPI_Comm comm, const char type[], PetscBool solve, NbProblem *p)
{
  PetscFunctionBegin;
  PetscCall(NbProblemCreate(comm, p));
  PetscCall(NbProblemSetType(*p, type));
  PetscCall(NbProblemSetFromOptions(*p));
  PetscCall(NbProblemSetUp(*p));
  if (solve) PetscCall(NbProblemSolveReference(*p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestPINN(MPI_Comm comm, NbProblem prob, NbPINN *pinn)
{
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbPINNCreate(comm, pinn));
  PetscCall(NbPINNSetPDE(*pinn, pde));
  PetscCall(NbPINNSetFromOptions(*pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestPINNPoints(PetscInt n, const PetscReal x[], PetscReal u[], void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbPINNEvaluate((NbPINN)ctx, n, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestEvaluateFrames(NbProblem prob, NbPointFn f, void *ctx, PetscReal ***v)
{
  PetscInt     nf, n;
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(PetscCalloc1(nf, v));
  for (PetscInt k = 0; k < nf; k++) {
    PetscReal *x;
    PetscCall(NbProblemGetEvaluationInputs(prob, k, &n, &x));
    PetscCall(PetscMalloc1((size_t)n * pde->nout + 1, &(*v)[k]));
    PetscCall((*f)(n, x, (*v)[k], ctx));
    PetscCall(PetscFree(x));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestFreeFrames(NbProblem prob, PetscReal ***v)
{
  PetscInt nf;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  for (PetscInt k = 0; k < nf; k++) PetscCall(PetscFree((*v)[k]));
  PetscCall(PetscFree(*v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestAllObservations(NbProblem prob, PetscInt64 *N, PetscReal **xo, PetscReal **uo)
{
  PetscInt         nf, n, f0, nin, nout;
  PetscInt64       Np, off;
  const PetscReal *tf, *xs;
  const NbPDE     *pde;
  PetscReal       *v;
  PetscMPIInt      size, *cnt, *dsp, nl;
  MPI_Comm         comm;

  PetscFunctionBegin;
  PetscCall(NbProblemGetComm(prob, &comm));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbProblemGetFrames(prob, &nf, &tf));
  PetscCall(NbProblemGetEvaluationPoints(prob, &n, &Np, &off, &xs));
  nin  = pde->dim + (pde->steady ? 0 : 1);
  nout = pde->nout;
  f0   = pde->steady ? 0 : 1;
  *N   = (nf - f0) * Np;
  PetscCall(PetscMalloc2(*N * nin, xo, *N * nout, uo));
  PetscCall(PetscMalloc3((size_t)n * (nin + nout) + 1, &v, size, &cnt, size + 1, &dsp));
  nl = (PetscMPIInt)(n * (nin + nout));
  PetscCallMPI(MPI_Allgather(&nl, 1, MPI_INT, cnt, 1, MPI_INT, comm));
  dsp[0] = 0;
  for (PetscMPIInt q = 0; q < size; q++) dsp[q + 1] = dsp[q] + cnt[q];
  for (PetscInt k = f0; k < nf; k++) {
    PetscReal *ref, *all;
    PetscCall(PetscMalloc2((size_t)n * nout + 1, &ref, (size_t)Np * (nin + nout), &all));
    PetscCall(NbProblemGetReferenceValues(prob, k, ref));
    for (PetscInt i = 0; i < n; i++) { /* point i: its inputs then its values */
      for (PetscInt d = 0; d < pde->dim; d++) v[i * (nin + nout) + d] = xs[i * pde->dim + d];
      if (!pde->steady) v[i * (nin + nout) + pde->dim] = tf[k];
      for (PetscInt c = 0; c < nout; c++) v[i * (nin + nout) + nin + c] = ref[i * nout + c];
    }
    PetscCallMPI(MPI_Allgatherv(v, nl, MPIU_REAL, all, cnt, dsp, MPIU_REAL, comm));
    for (PetscInt64 i = 0; i < Np; i++) {
      PetscInt64 j = (k - f0) * Np + i;
      for (PetscInt d = 0; d < nin; d++) (*xo)[j * nin + d] = all[i * (nin + nout) + d];
      for (PetscInt c = 0; c < nout; c++) (*uo)[j * nout + c] = all[i * (nin + nout) + nin + c];
    }
    PetscCall(PetscFree2(ref, all));
  }
  PetscCall(PetscFree3(v, cnt, dsp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestLossHistory(MPI_Comm comm, NbProblem prob, PetscInt64 N, const PetscReal x[], const PetscReal u[], PetscInt nsteps, PetscReal hist[])
{
  NbPINN           pinn;
  PetscInt         n;
  const PetscReal *l;

  PetscFunctionBegin;
  PetscCall(NbTestPINN(comm, prob, &pinn));
  if (N) PetscCall(NbPINNSetObservations(pinn, N, x, u));
  PetscCall(NbPINNSetUp(pinn));
  PetscCall(NbPINNTrain(pinn));
  PetscCall(NbPINNGetLossHistory(pinn, &n, &l));
  PetscCheck(n >= nsteps, comm, PETSC_ERR_PLIB, "only %d steps in the history", (int)n);
  PetscCall(PetscArraycpy(hist, l, nsteps));
  PetscCall(NbPINNDestroy(&pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestCompareHistories(MPI_Comm comm, const char what[], PetscInt n, const PetscReal a[], const PetscReal b[])
{
  PetscReal maxrel = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < n; k++) maxrel = PetscMax(maxrel, PetscAbsReal(a[k] - b[k]) / PetscAbsReal(b[k]));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &maxrel, 1, MPIU_REAL, MPIU_MAX, comm));
  PetscCall(PetscPrintf(comm, "%s: loss history over %d steps: first %.10e, last %.10e; max relative difference all ranks vs one rank %.2e\n", what, (int)n, (double)a[0], (double)a[n - 1], (double)maxrel));
  /* data-parallel sums differ from the serial ones in summation order only */
  PetscCheck(maxrel < 1e-10, comm, PETSC_ERR_PLIB, "loss histories differ by %g", (double)maxrel);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestBurgersResidual(NbGraph g, NbModel m, NbTensor U, NbTensor *r)
{
  static const char *const deriv[4] = {"", "x", "t", "xx"};
  NbTensor                 c[4], nu, a; /* u, u_x, u_t, u_xx */

  PetscFunctionBegin;
  for (PetscInt k = 0; k < 4; k++) PetscCall(NbTensorJetComponent(U, deriv[k], &c[k]));
  PetscCall(NbGraphAddParameter(g, m, "nu", &nu));
  PetscCall(NbTensorMul(c[0], c[1], r));
  PetscCall(NbTensorAdd(*r, c[2], r));
  PetscCall(NbTensorMul(nu, c[3], &a));
  PetscCall(NbTensorSub(*r, a, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestLossDifferences(NbGraph g, NbTensor loss, PetscInt P, PetscReal p[], PetscReal h, PetscReal fd[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < P; i++) {
    PetscReal p0 = p[i], L[2];
    for (PetscInt s = 0; s < 2; s++) {
      p[i] = s ? p0 - h : p0 + h;
      PetscCall(NbGraphForward(g));
      PetscCall(NbGraphGetScalar(g, loss, &L[s]));
    }
    p[i]  = p0;
    fd[i] = (L[0] - L[1]) / (2 * h);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestOptimizer(NbModel m, NbGraph g, const char type[], PetscReal lr, NbOptimizer *opt)
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerCreate(m, opt));
  PetscCall(NbOptimizerSetGraph(*opt, g));
  PetscCall(NbOptimizerSetType(*opt, type));
  PetscCall(NbOptimizerSetLearningRate(*opt, lr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* pinn tests */

PetscErrorCode NbTestSetAllObservations(NbProblem prob, NbPINN pinn)
{
  PetscInt64 N;
  PetscReal *x, *u;
  PetscBool  inverse;

  PetscFunctionBegin;
  PetscCall(NbPINNGetInverse(pinn, &inverse, NULL, NULL, NULL));
  if (!inverse) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbProblemSolveReference(prob));
  PetscCall(NbTestAllObservations(prob, &N, &x, &u));
  PetscCall(NbPINNSetObservations(pinn, N, x, u));
  PetscCall(PetscFree2(x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReferenceValues(NbProblem prob, PetscInt k, PetscReal v[], void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbProblemGetReferenceValues(prob, k, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestCheckPINNError(NbProblem prob, NbPINN pinn, PetscInt ncomp, NbTestValuesFn want, void *ctx, const char what[], PetscReal tol)
{
  PetscInt     nf, n, nout;
  PetscReal  **v, *ref, acc[2] = {0, 0}, err;
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  PetscCall(NbProblemGetEvaluationPoints(prob, &n, NULL, NULL, NULL));
  PetscCall(NbProblemGetPDE(prob, &pde));
  nout = pde->nout;
  if (!want) want = ReferenceValues;
  PetscCall(NbTestEvaluateFrames(prob, NbTestPINNPoints, pinn, &v));
  PetscCall(PetscMalloc1((size_t)n * nout + 1, &ref));
  for (PetscInt k = 0; k < nf; k++) {
    PetscCall((*want)(prob, k, ref, ctx));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < ncomp; c++) {
        acc[0] += PetscSqr(v[k][i * nout + c] - ref[i * nout + c]);
        acc[1] += PetscSqr(ref[i * nout + c]);
      }
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, acc, 2, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  err = PetscSqrtReal(acc[0] / acc[1]);
  PetscCall(PetscFree(ref));
  PetscCall(NbTestFreeFrames(prob, &v));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %.4e (tolerance %.1e)\n", what, (double)err, (double)tol));
  PetscCheck(err <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PINN error %g above %g", (double)err, (double)tol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTestCheckBurgersCoefficients(NbProblem prob, NbPINN pinn, PetscReal ctol)
{
  PetscReal    nu, lam, nutrue;
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbPINNGetCoefficient(pinn, 0, &nu));
  PetscCall(NbPINNGetCoefficient(pinn, 1, &lam));
  PetscCall(NbProblemGetPDE(prob, &pde));
  nutrue = pde->coef[0];
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "identified nu %.6g (true %.6g, rel. error %.2e), lambda %.6f (true 1)\n", (double)nu, (double)nutrue, (double)(PetscAbsReal(nu - nutrue) / nutrue), (double)lam));
  PetscCheck(PetscAbsReal(nu - nutrue) / nutrue <= ctol && PetscAbsReal(lam - 1) <= ctol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "coefficients off by more than %g", (double)ctol);
  PetscFunctionReturn(PETSC_SUCCESS);
}
