/* HMC against an exact posterior: Bayesian linear regression
     y = X w + e, e ~ N(0, s^2 I), prior w ~ N(0, I / alpha)
   has the Gaussian posterior N(m, S), S = (alpha I + X^T X / s^2)^-1,
   m = S X^T y / s^2 (Bishop 2006, eq. 3.53-3.54). The data are split over
   the ranks of each chain (data parallel; one allreduce per gradient).
   Asserted, for every weight: the posterior mean within 5 Monte Carlo
   standard errors sqrt(S_ii / ESS_i); the posterior standard deviation
   within 5 standard errors of a standard deviation, sd / sqrt(2 ESS); the
   posterior correlations within 5 (1 - rho^2)/sqrt(ESS) (the standard error
   of a sample correlation); split R-hat below 1.01 (Vehtari et al. 2021's
   threshold for a converged run); a mean acceptance near the target. */
#include "nbuq.h"
#include <petscblaslapack.h>
#include "nbtest.h"

#define NPTS 40
#define DIM  3

typedef struct {
  PetscReal X[NPTS][DIM], y[NPTS], s2, alpha;
} LinReg;

static PetscErrorCode LogDensity(MPI_Comm comm, PetscInt n, const PetscReal w[], PetscReal *logp, PetscReal grad[], void *ctx)
{
  LinReg     *lr = (LinReg *)ctx;
  PetscMPIInt rank, size;
  PetscReal   acc[DIM + 1] = {0};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (PetscInt j = rank * NPTS / size; j < (rank + 1) * NPTS / size; j++) { /* this rank's share of the data */
    PetscReal r = lr->y[j];
    for (PetscInt i = 0; i < DIM; i++) r -= lr->X[j][i] * w[i];
    acc[DIM] += -0.5 * r * r / lr->s2;
    for (PetscInt i = 0; i < DIM; i++) acc[i] += r * lr->X[j][i] / lr->s2;
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, acc, DIM + 1, MPIU_REAL, MPIU_SUM, comm));
  *logp = acc[DIM];
  for (PetscInt i = 0; i < DIM; i++) {
    *logp -= 0.5 * lr->alpha * w[i] * w[i];
    grad[i] = acc[i] - lr->alpha * w[i];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Identity(MPI_Comm comm, PetscInt n, const PetscReal th[], PetscInt nq, PetscReal q[], void *ctx)
{
  for (PetscInt i = 0; i < nq; i++) q[i] = th[i];
  return PETSC_SUCCESS;
}

static PetscErrorCode Init(MPI_Comm comm, PetscInt chain, PetscInt n, PetscReal th[], void *ctx)
{
  /* over-dispersed, different per chain */
  for (PetscInt i = 0; i < n; i++) th[i] = (chain % 2 ? 2.0 : -2.0) + 0.5 * i;
  return PETSC_SUCCESS;
}

static PetscErrorCode Run(void)
{
  LinReg       lr;
  NbHMC        hmc;
  PetscReal    A[DIM * DIM], m[DIM], b[DIM] = {0}, wtrue[DIM] = {0.5, -1.0, 2.0}, acc;
  PetscBLASInt nn = DIM, info, ipiv[DIM], lwork = DIM * DIM;
  PetscReal    work[DIM * DIM], mom[DIM + DIM * DIM + 1] = {0};
  PetscInt     nloc, nsamp, div;
  const PetscInt  *chains;
  const PetscReal *samples;
  NbHMCSummary sum[DIM];
  PetscReal    eps;
  MPI_Comm     ccomm;
  PetscMPIInt  crank;

  PetscFunctionBegin;
  lr.s2    = 0.3 * 0.3;
  lr.alpha = 1.0;
  for (PetscInt j = 0; j < NPTS; j++) {
    PetscReal t = -1 + 2.0 * j / (NPTS - 1);
    lr.X[j][0] = 1, lr.X[j][1] = t, lr.X[j][2] = t * t;
    lr.y[j] = wtrue[0] + wtrue[1] * t + wtrue[2] * t * t + 0.3 * PetscSinReal(17.0 * j); /* fixed "noise" */
  }
  /* exact posterior */
  for (PetscInt i = 0; i < DIM; i++)
    for (PetscInt k = 0; k < DIM; k++) {
      A[i * DIM + k] = (i == k) * lr.alpha;
      for (PetscInt j = 0; j < NPTS; j++) A[i * DIM + k] += lr.X[j][i] * lr.X[j][k] / lr.s2;
    }
  for (PetscInt i = 0; i < DIM; i++)
    for (PetscInt j = 0; j < NPTS; j++) b[i] += lr.X[j][i] * lr.y[j] / lr.s2;
  PetscCallBLAS("LAPACKgetrf", LAPACKgetrf_(&nn, &nn, A, &nn, ipiv, &info));
  PetscCallBLAS("LAPACKgetri", LAPACKgetri_(&nn, A, &nn, ipiv, work, &lwork, &info)); /* A = S (symmetric) */
  for (PetscInt i = 0; i < DIM; i++) {
    m[i] = 0;
    for (PetscInt k = 0; k < DIM; k++) m[i] += A[i * DIM + k] * b[k];
  }

  PetscCall(NbHMCCreate(PETSC_COMM_WORLD, &hmc));
  PetscCall(NbHMCSetDimension(hmc, DIM));
  PetscCall(NbHMCSetNumSamples(hmc, 500, 2000));
  PetscCall(NbHMCSetLogDensity(hmc, LogDensity, &lr));
  PetscCall(NbHMCSetInitialState(hmc, Init, NULL));
  PetscCall(NbHMCSetMonitor(hmc, DIM, Identity, NULL));
  PetscCall(NbHMCSetFromOptions(hmc));
  PetscCall(NbHMCSetUp(hmc));
  PetscCall(NbHMCView(hmc, NULL));
  PetscCall(NbHMCRun(hmc));
  PetscCall(NbHMCGetStatistics(hmc, &acc, &div, &eps));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "mean acceptance %.3f, %d divergent, step size %.4f\n", (double)acc, (int)div, (double)eps));
  /* Dual averaging aims the warm-up acceptance at 0.8. With a diagonal mass
     matrix this correlated posterior (|rho| up to ~0.75) has a sharp
     stability cliff in the step size, so the averaged final step sits below
     it and the kept draws accept more often (0.94-0.96 measured), never
     less: below 0.7, or any divergence, means the adaptation failed. */
  PetscCheck(acc > 0.7 && div == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "acceptance %g / divergences %d", (double)acc, (int)div);

  /* moments from all chains */
  PetscCall(NbHMCGetSamples(hmc, &nloc, &chains, &nsamp, &samples));
  PetscCall(NbHMCGetChainComm(hmc, &ccomm));
  PetscCallMPI(MPI_Comm_rank(ccomm, &crank));
  if (crank == 0)
    for (PetscInt s = 0; s < nloc * nsamp; s++) {
      const PetscReal *w = samples + s * DIM;
      for (PetscInt i = 0; i < DIM; i++) {
        mom[i] += w[i];
        for (PetscInt k = 0; k < DIM; k++) mom[DIM + i * DIM + k] += w[i] * w[k];
      }
      mom[DIM + DIM * DIM] += 1;
    }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, mom, DIM + DIM * DIM + 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  for (PetscInt i = 0; i < DIM; i++) {
    PetscReal se, sd_exact = PetscSqrtReal(A[i * DIM + i]);
    PetscCall(NbHMCGetSummary(hmc, i, &sum[i]));
    se = sd_exact / PetscSqrtReal(sum[i].ess);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "w%d: mean %.4f (exact %.4f, +-%.4f), sd %.4f (exact %.4f), R-hat %.4f, ESS %.0f\n", (int)i, (double)sum[i].mean, (double)m[i], (double)se, (double)sum[i].sd, (double)sd_exact, (double)sum[i].rhat, (double)sum[i].ess));
    PetscCheck(PetscAbsReal(sum[i].mean - m[i]) < 5 * se, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "posterior mean of w%d off by %g (5 s.e. = %g)", (int)i, (double)(sum[i].mean - m[i]), (double)(5 * se));
    PetscCheck(PetscAbsReal(sum[i].sd - sd_exact) < 5 * sd_exact / PetscSqrtReal(2 * sum[i].ess), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "posterior sd of w%d: %g vs %g", (int)i, (double)sum[i].sd, (double)sd_exact);
    PetscCheck(sum[i].rhat < 1.01, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "R-hat of w%d is %g", (int)i, (double)sum[i].rhat);
    PetscCheck(sum[i].ess > 200, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "ESS of w%d is only %g", (int)i, (double)sum[i].ess);
  }
  for (PetscInt i = 0; i < DIM; i++)
    for (PetscInt k = i + 1; k < DIM; k++) {
      PetscReal N = mom[DIM + DIM * DIM], ci = mom[DIM + i * DIM + i] / N - PetscSqr(mom[i] / N), ck = mom[DIM + k * DIM + k] / N - PetscSqr(mom[k] / N);
      PetscReal rho = (mom[DIM + i * DIM + k] / N - mom[i] * mom[k] / (N * N)) / PetscSqrtReal(ci * ck);
      PetscReal rex = A[i * DIM + k] / PetscSqrtReal(A[i * DIM + i] * A[k * DIM + k]);
      PetscReal tol = 5 * (1 - rex * rex) / PetscSqrtReal(PetscMin(sum[i].ess, sum[k].ess));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "corr(w%d, w%d): %.4f (exact %.4f, tol %.4f)\n", (int)i, (int)k, (double)rho, (double)rex, (double)tol));
      PetscCheck(PetscAbsReal(rho - rex) < tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "posterior correlation off");
    }
  PetscCall(NbHMCDestroy(&hmc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
