/* The 1-D exact solution (Cole-Hopf quadrature) against independent facts:
   1. Basdevant et al. (1986), Computers & Fluids 14:23-41: at nu = 0.01/pi the
      steepest slope |u_x| at x = 0 is 152.00516, reached at t = 1.6037/pi.
   2. It satisfies the PDE: u_t + u u_x - nu u_xx = 0, with derivatives by
      central finite differences of the quadrature itself.
   3. It matches the initial condition as t -> 0 and vanishes at x = +-1. */
#include "nbsolvers.h"
#include "nbtest.h"

static PetscErrorCode Run(void)
{
  PetscReal nu = 0.01 / PETSC_PI, t = 1.6037 / PETSC_PI, h = 1e-6, up, um, slope;

  PetscFunctionBegin;
  /* 1. Central difference of u at x = 0. With h = 1e-6 the truncation error
     is u_xxx h^2/6 ~ (2*152^3) * 1e-12 / 6 ~ 2e-6 and the round-off
     ~ 1e-15/1e-6 = 1e-9; the published value has 5 decimals (+-5e-6). So the
     two must agree to 1e-5. */
  PetscCall(NbBurgersColeHopf(nu, t, h, &up));
  PetscCall(NbBurgersColeHopf(nu, t, -h, &um));
  slope = PetscAbsReal(up - um) / (2 * h);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "max slope at t = 1.6037/pi: %.6f (Basdevant et al. 1986: 152.00516)\n", (double)slope));
  PetscCheck(PetscAbsReal(slope - 152.00516) < 1e-5, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "slope %.8f differs from 152.00516", (double)slope);

  /* 2. PDE residual at points away from and inside the front. Second
     differences with step d = 1e-4 carry truncation error ~ u'''' d^2/12
     and round-off ~ 4e-16/d^2 = 4e-8 relative to |u| <= 1; we require the
     residual to be 1e-5 of the size of the largest term at that point. */
  {
    const PetscReal pts[][2] = {
      {0.3,  0.2 },
      {-0.7, 0.5 },
      {0.05, 0.8 },
      {0.5,  1.0 },
      {0.9,  0.35}
    };
    for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]); k++) {
      PetscReal x = pts[k][0], tt = pts[k][1], d = 1e-4, u, uxp, uxm, utp, utm, ux, uxx, ut, res, scale;
      PetscCall(NbBurgersColeHopf(nu, tt, x, &u));
      PetscCall(NbBurgersColeHopf(nu, tt, x + d, &uxp));
      PetscCall(NbBurgersColeHopf(nu, tt, x - d, &uxm));
      PetscCall(NbBurgersColeHopf(nu, tt + d, x, &utp));
      PetscCall(NbBurgersColeHopf(nu, tt - d, x, &utm));
      ux    = (uxp - uxm) / (2 * d);
      uxx   = (uxp - 2 * u + uxm) / (d * d);
      ut    = (utp - utm) / (2 * d);
      res   = ut + u * ux - nu * uxx;
      scale = PetscMax(PetscAbsReal(ut), PetscMax(PetscAbsReal(u * ux), PetscAbsReal(nu * uxx)));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "x = %5.2f t = %4.2f: u = %+.10f residual %.2e (terms ~ %.2e)\n", (double)x, (double)tt, (double)u, (double)res, (double)scale));
      PetscCheck(PetscAbsReal(res) <= 1e-5 * scale, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PDE residual %g too large at x = %g, t = %g", (double)res, (double)x, (double)tt);
    }
  }

  /* 3. Small time: u(t, x) = -sin(pi x) + O(t); boundary values are 0 by
     symmetry of the odd periodic extension (exact up to round-off). */
  for (PetscReal x = -1; x <= 1.0001; x += 0.25) {
    PetscReal u;
    PetscCall(NbBurgersColeHopf(nu, 1e-9, x, &u));
    PetscCheck(PetscAbsReal(u + PetscSinReal(PETSC_PI * x)) < 1e-7, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "u(1e-9, %g) = %g, expected %g", (double)x, (double)u, (double)-PetscSinReal(PETSC_PI * x));
  }
  for (PetscReal tt = 0.1; tt <= 1.0; tt += 0.3) {
    PetscReal ul, ur;
    PetscCall(NbBurgersColeHopf(nu, tt, -1, &ul));
    PetscCall(NbBurgersColeHopf(nu, tt, 1, &ur));
    PetscCheck(PetscAbsReal(ul) < 1e-12 && PetscAbsReal(ur) < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "u(t, +-1) = %g, %g is not 0", (double)ul, (double)ur);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "Cole-Hopf exact solution: all checks passed\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
