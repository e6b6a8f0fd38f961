/* Diagnostics and scores against closed forms:
   - NbNormalQuantile: Phi(q(p)) = p through erfc, and q(0.975) = 1.959963984540054;
   - ESS of 4 chains of an AR(1) process x_t = phi x_{t-1} + e_t equals the
     theoretical N (1 - phi)/(1 + phi) (BDA3 sec. 11.5);
   - split R-hat of well-mixed chains is ~1, of chains stuck at different
     means is far above 1;
   - CRPS of N(0,1) at 0 is 2 phi(0) - 1/sqrt(pi) = 0.2336949772; NLL of
     N(0,1) at 0 is log(2 pi)/2;
   - coverage and calibration of a reference placed at the predictive
     quantiles (i + 1/2)/N equal the nominal levels to 1/N. */
#include "nbuq.h"
#include "nbtest.h"

static PetscReal Phi(PetscReal x) { return 0.5 * erfc(-x / PETSC_SQRT2); }

static PetscErrorCode Run(void)
{
  PetscFunctionBegin;
  /* quantile */
  PetscCheck(PetscAbsReal(NbNormalQuantile(0.975) - 1.959963984540054) < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "q(0.975) = %.15g", (double)NbNormalQuantile(0.975));
  for (PetscReal p = 1e-10; p < 1; p = p < 0.01 ? p * 10 : p + 0.01) PetscCheck(PetscAbsReal(Phi(NbNormalQuantile(p)) - p) < 1e-13 * PetscMax(p, 1e-3), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Phi(q(%g)) = %g", (double)p, (double)Phi(NbNormalQuantile(p)));

  /* AR(1) ESS: 4 chains x 20000 draws; the estimator's relative standard
     deviation is ~ sqrt(2 tau / N) ~ 2% here; 10% is 5 of them. */
  {
    const PetscInt m = 4, n = 20000;
    const PetscReal phi = 0.5;
    PetscReal *x, ess, rhat, expect = m * n * (1 - phi) / (1 + phi);
    uint64_t   state = 12345;
    PetscCall(PetscMalloc1(m * n, &x));
    for (PetscInt c = 0; c < m; c++) {
      PetscReal prev = 0;
      for (PetscInt t = 0; t < n; t++) {
        /* Box-Muller on a 64-bit LCG (Knuth's MMIX constants) */
        PetscReal u1, u2, e;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        u1    = ((state >> 11) + 0.5) / 9007199254740992.0;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        u2    = ((state >> 11) + 0.5) / 9007199254740992.0;
        e     = PetscSqrtReal(-2 * PetscLogReal(u1)) * PetscCosReal(2 * PETSC_PI * u2) * PetscSqrtReal(1 - phi * phi);
        prev  = phi * prev + e;
        x[c * n + t] = prev;
      }
    }
    PetscCall(NbEffectiveSampleSize(m, n, x, &ess));
    PetscCall(NbSplitRhat(m, n, x, &rhat));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "AR(1) phi = 0.5: ESS %.0f (theory %.0f), R-hat %.5f\n", (double)ess, (double)expect, (double)rhat));
    PetscCheck(PetscAbsReal(ess / expect - 1) < 0.1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "ESS %g vs %g", (double)ess, (double)expect);
    /* R-hat's sampling spread at this size is ~1e-3 */
    PetscCheck(rhat < 1.005, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "R-hat %g", (double)rhat);
    for (PetscInt t = 0; t < n; t++) x[t] += 2.0; /* chain 0 sits two sd away: not converged */
    PetscCall(NbSplitRhat(m, n, x, &rhat));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "one chain shifted by 2 sd: R-hat %.3f\n", (double)rhat));
    PetscCheck(rhat > 1.1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "R-hat %g does not flag a stuck chain", (double)rhat);
    PetscCall(PetscFree(x));
  }

  /* scores */
  {
    Vec         mean, sd, ref;
    NbUQMetrics mt;
    PetscInt    N = 10000, lo, hi;
    PetscCall(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, N, &mean));
    PetscCall(VecDuplicate(mean, &sd));
    PetscCall(VecDuplicate(mean, &ref));
    PetscCall(VecSet(mean, 0));
    PetscCall(VecSet(sd, 1));
    PetscCall(VecSet(ref, 0));
    PetscCall(NbUQComputeMetrics(mean, sd, ref, &mt));
    PetscCheck(PetscAbsReal(mt.crps - 0.2336949772) < 1e-9, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "CRPS %.10f", (double)mt.crps);
    PetscCheck(PetscAbsReal(mt.nll - 0.5 * PetscLogReal(2 * PETSC_PI)) < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "NLL %g", (double)mt.nll);
    PetscCheck(mt.coverage95 == 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "coverage");
    /* reference at the predictive quantiles: mean 2, sd 0.5 */
    PetscCall(VecSet(mean, 2));
    PetscCall(VecSet(sd, 0.5));
    PetscCall(VecGetOwnershipRange(ref, &lo, &hi));
    for (PetscInt i = lo; i < hi; i++) PetscCall(VecSetValue(ref, i, 2 + 0.5 * NbNormalQuantile((i + 0.5) / N), INSERT_VALUES));
    PetscCall(VecAssemblyBegin(ref));
    PetscCall(VecAssemblyEnd(ref));
    PetscCall(NbUQComputeMetrics(mean, sd, ref, &mt));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "quantile reference: coverage95 %.4f, CRPS %.5f\n", (double)mt.coverage95, (double)mt.crps));
    PetscCheck(PetscAbsReal(mt.coverage95 - 0.95) <= 1.0 / N, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "coverage %g", (double)mt.coverage95);
    for (PetscInt k = 0; k < 10; k++) PetscCheck(PetscAbsReal(mt.observed[k] - mt.nominal[k]) <= 1.0 / N, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "calibration at %g: %g", (double)mt.nominal[k], (double)mt.observed[k]);
    /* the mean CRPS of a calibrated N(mu, s^2) forecast is s / sqrt(pi)
       (Gneiting & Raftery 2007); quantile sampling reproduces it to ~1e-4 */
    PetscCheck(PetscAbsReal(mt.crps - 0.5 / PetscSqrtReal(PETSC_PI)) < 1e-3, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "CRPS %g vs %g", (double)mt.crps, (double)(0.5 / PetscSqrtReal(PETSC_PI)));
    PetscCall(VecDestroy(&mean));
    PetscCall(VecDestroy(&sd));
    PetscCall(VecDestroy(&ref));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "uq metrics: all checks passed\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
