/* Scores of a Gaussian predictive distribution N(mean, std^2) against a
   reference field: error of the mean, coverage, CRPS, NLL, calibration. */
#include "nbuq.h"

/* Acklam (2003) rational approximation of the normal quantile, refined by
   one Halley step on erfc (relative error below 1e-15 after refinement). */
PetscReal NbNormalQuantile(PetscReal p)
{
  static const PetscReal a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const PetscReal b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
  static const PetscReal c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const PetscReal d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  PetscReal              q, r, x, e, u;

  if (p <= 0) return PETSC_NINFINITY;
  if (p >= 1) return PETSC_INFINITY;
  if (p < 0.02425) {
    q = PetscSqrtReal(-2 * PetscLogReal(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    q = PetscSqrtReal(-2 * PetscLogReal(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    q = p - 0.5;
    r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  e = 0.5 * erfc(-x / PETSC_SQRT2) - p;
  u = e * PetscSqrtReal(2 * PETSC_PI) * PetscExpReal(x * x / 2);
  return x - u / (1 + x * u / 2);
}

PetscErrorCode NbUQComputeMetrics(Vec mean, Vec std, Vec ref, NbUQMetrics *m)
{
  const PetscScalar *mu, *sd, *y;
  PetscInt           n, N;
  PetscReal          z[10], acc[5 + 10] = {0}; /* |mu-y|^2, |y|^2, crps, nll, std, inside[10] */
  PetscInt           inside95 = 0;
  MPI_Comm           comm;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)mean, &comm));
  PetscCall(PetscMemzero(m, sizeof(*m)));
  for (PetscInt k = 0; k < 10; k++) {
    m->nominal[k] = k < 9 ? 0.1 * (k + 1) : 0.95;
    z[k]          = NbNormalQuantile(0.5 + m->nominal[k] / 2);
  }
  PetscCall(VecGetLocalSize(mean, &n));
  PetscCall(VecGetSize(mean, &N));
  PetscCall(VecGetArrayRead(mean, &mu));
  PetscCall(VecGetArrayRead(std, &sd));
  PetscCall(VecGetArrayRead(ref, &y));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal e = PetscRealPart(y[i] - mu[i]), s = PetscRealPart(sd[i]);
    PetscCheck(s >= 0 && !PetscIsInfOrNanReal(s) && !PetscIsInfOrNanReal(PetscRealPart(mu[i])), PETSC_COMM_SELF, PETSC_ERR_FP, "Predictive mean or std not finite, or std < 0, at entry %d", (int)i);
    acc[0] += e * e;
    acc[1] += PetscRealPart(y[i] * y[i]);
    if (s > 0) {
      PetscReal w = e / s, phi = PetscExpReal(-w * w / 2) / PetscSqrtReal(2 * PETSC_PI), Phi = 0.5 * erfc(-w / PETSC_SQRT2);
      acc[2] += s * (w * (2 * Phi - 1) + 2 * phi - 1 / PetscSqrtReal(PETSC_PI));
      acc[3] += 0.5 * PetscLogReal(2 * PETSC_PI * s * s) + w * w / 2;
    } else {
      acc[2] += PetscAbsReal(e);
      acc[3] += e == 0 ? PETSC_NINFINITY : PETSC_INFINITY;
    }
    acc[4] += s;
    for (PetscInt k = 0; k < 10; k++)
      if (PetscAbsReal(e) <= z[k] * s) acc[5 + k] += 1;
    if (PetscAbsReal(e) <= 1.959963984540054 * s) inside95++;
  }
  PetscCall(VecRestoreArrayRead(mean, &mu));
  PetscCall(VecRestoreArrayRead(std, &sd));
  PetscCall(VecRestoreArrayRead(ref, &y));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, acc, 15, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &inside95, 1, MPIU_INT, MPI_SUM, comm));
  m->rel_l2     = acc[1] > 0 ? PetscSqrtReal(acc[0] / acc[1]) : PetscSqrtReal(acc[0]);
  m->crps       = acc[2] / N;
  m->nll        = acc[3] / N;
  m->mean_std   = acc[4] / N;
  m->coverage95 = (PetscReal)inside95 / N;
  for (PetscInt k = 0; k < 10; k++) m->observed[k] = acc[5 + k] / N;
  PetscFunctionReturn(PETSC_SUCCESS);
}
