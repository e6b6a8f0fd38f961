/* MCMC convergence diagnostics: split R-hat and effective sample size.
   Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), sec. 11.4 (split
   R-hat, eq. 11.4) and 11.5 (ESS from the combined autocorrelation, with
   Geyer's (1992) initial monotone positive sequence to truncate the sum). */
#include "nbuq.h"

/* Splits m chains of n draws into 2m chains of h = n/2 (dropping the middle
   draw when n is odd); returns per-chain means and variances. */
static PetscErrorCode SplitStats(PetscInt m, PetscInt n, const PetscReal draws[], PetscInt *h, PetscReal **means, PetscReal **vars)
{
  PetscFunctionBegin;
  *h = n / 2;
  PetscCall(PetscMalloc2(2 * m, means, 2 * m, vars));
  for (PetscInt c = 0; c < 2 * m; c++) {
    const PetscReal *x = draws + (c / 2) * n + (c % 2 ? n - *h : 0);
    PetscReal        mu = 0, v = 0;
    for (PetscInt i = 0; i < *h; i++) mu += x[i];
    mu /= *h;
    for (PetscInt i = 0; i < *h; i++) v += (x[i] - mu) * (x[i] - mu);
    (*means)[c] = mu;
    (*vars)[c]  = v / (*h - 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* W (within), var+ (pooled posterior variance estimate) of split chains. */
static void WithinAndPooled(PetscInt mm, PetscInt h, const PetscReal means[], const PetscReal vars[], PetscReal *W, PetscReal *varplus)
{
  PetscReal mu = 0, B = 0, w = 0;
  for (PetscInt c = 0; c < mm; c++) mu += means[c];
  mu /= mm;
  for (PetscInt c = 0; c < mm; c++) {
    B += (means[c] - mu) * (means[c] - mu);
    w += vars[c];
  }
  B        = h * B / (mm - 1);
  *W       = w / mm;
  *varplus = (h - 1.0) / h * (*W) + B / h;
}

PetscErrorCode NbSplitRhat(PetscInt m, PetscInt n, const PetscReal draws[], PetscReal *rhat)
{
  PetscInt   h;
  PetscReal *means, *vars, W, vp;

  PetscFunctionBegin;
  PetscCheck(n >= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "R-hat needs at least 4 draws per chain, got %d", (int)n);
  PetscCall(SplitStats(m, n, draws, &h, &means, &vars));
  WithinAndPooled(2 * m, h, means, vars, &W, &vp);
  *rhat = W > 0 ? PetscSqrtReal(vp / W) : 1.0;
  PetscCall(PetscFree2(means, vars));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbEffectiveSampleSize(PetscInt m, PetscInt n, const PetscReal draws[], PetscReal *ess)
{
  PetscInt   h, mm = 2 * m;
  PetscReal *means, *vars, W, vp, tau, prev = PETSC_MAX_REAL;

  PetscFunctionBegin;
  PetscCheck(n >= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "ESS needs at least 4 draws per chain, got %d", (int)n);
  PetscCall(SplitStats(m, n, draws, &h, &means, &vars));
  WithinAndPooled(mm, h, means, vars, &W, &vp);
  if (vp <= 0) {
    *ess = (PetscReal)(mm * h);
    PetscCall(PetscFree2(means, vars));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* rho_t = 1 - (W - mean_c autocov_c(t)) / var+  (BDA3 eq. 11.7), with the
     per-chain autocovariance at lag t normalised by h (biased estimator). */
  tau = -1;
  for (PetscInt k = 0; 2 * k + 1 < h; k++) {
    PetscReal pair = 0;
    for (PetscInt t = 2 * k; t <= 2 * k + 1; t++) {
      PetscReal acov = 0;
      for (PetscInt c = 0; c < mm; c++) {
        const PetscReal *x = draws + (c / 2) * n + (c % 2 ? n - h : 0);
        PetscReal        s = 0;
        for (PetscInt i = 0; i + t < h; i++) s += (x[i] - means[c]) * (x[i + t] - means[c]);
        acov += s / h;
      }
      acov /= mm;
      pair += 1 - (W - acov) / vp;
    }
    if (pair < 0) break;        /* Geyer: initial positive sequence */
    pair = PetscMin(pair, prev); /* ... made monotone */
    prev = pair;
    tau += 2 * pair;
  }
  tau  = PetscMax(tau, 1.0 / PetscLog10Real((PetscReal)mm * h)); /* guard as in Stan */
  *ess = mm * h / tau;
  PetscCall(PetscFree2(means, vars));
  PetscFunctionReturn(PETSC_SUCCESS);
}
