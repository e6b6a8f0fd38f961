/* Exact solution of 1-D viscous Burgers with u(0,x) = -sin(pi x).

   Cole-Hopf: u = -2 nu phi_x / phi with phi solving the heat equation, which
   gives (Basdevant et al. 1986, Computers & Fluids 14:23-41, eq. 4.1)

     u(t,x) = - int sin(pi(x-s)) f(x-s) G(s) ds / int f(x-s) G(s) ds,
     f(y) = exp(-cos(pi y) / (2 pi nu)),   G(s) = exp(-s^2 / (4 nu t)).

   Both integrands are exp(E(s)) times a bounded factor, with
   E(s) = -cos(pi(x-s))/(2 pi nu) - s^2/(4 nu t). The cosine term spans
   1/(pi nu) in the exponent (100 at nu = 0.01/pi), so E is shifted by its
   maximum before exponentiating, and the integral is truncated where the
   Gaussian has fallen a further e^-40 below that span. E is smooth, with
   curvature at most pi/(2 nu) + 1/(2 nu t); a trapezoidal rule with about
   10 points per curvature width converges geometrically (Trefethen &
   Weideman 2014, SIAM Review 56:385), far below double-precision round-off
   at the widths used here. */
#include "nbsolvers.h"

PetscErrorCode NbBurgersColeHopf(PetscReal nu, PetscReal t, PetscReal x, PetscReal *u)
{
  PetscReal width, L, h, emax = PETSC_MIN_REAL, num = 0, den = 0;
  PetscInt  n;

  PetscFunctionBegin;
  PetscCheck(nu > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Cole-Hopf needs nu > 0 (got %g)", (double)nu);
  PetscCheck(t >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Cole-Hopf needs t >= 0 (got %g)", (double)t);
  if (t == 0) {
    *u = -PetscSinReal(PETSC_PI * x);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* the narrower of the Gaussian and of the cosine well sets the spacing */
  width = PetscMin(PetscSqrtReal(2 * nu * t), PetscSqrtReal(2 * nu / PETSC_PI));
  h     = width / 12;
  L     = PetscSqrtReal(4 * nu * t * (1 / (PETSC_PI * nu) + 40));
  n     = (PetscInt)PetscCeilReal(L / h);
  h     = L / n;
  for (PetscInt k = -n; k <= n; k++) {
    PetscReal s = k * h, e = -PetscCosReal(PETSC_PI * (x - s)) / (2 * PETSC_PI * nu) - s * s / (4 * nu * t);
    emax        = PetscMax(emax, e);
  }
  for (PetscInt k = -n; k <= n; k++) {
    PetscReal s = k * h, e = -PetscCosReal(PETSC_PI * (x - s)) / (2 * PETSC_PI * nu) - s * s / (4 * nu * t);
    PetscReal w = PetscExpReal(e - emax) * ((k == -n || k == n) ? 0.5 : 1.0);
    num += PetscSinReal(PETSC_PI * (x - s)) * w;
    den += w;
  }
  *u = -num / den;
  PetscFunctionReturn(PETSC_SUCCESS);
}
