/* Grid refinement against an exact solution (-ns_case taylorgreen or
   kovasznay): the relative L2 errors of velocity and pressure at the final
   frame on grids -test_grids_x (and -test_grids_y, default the same), each
   twice as fine as the one before, give the observed orders
   log2(e_k / e_{k+1}). The last order of the velocity must lie in
   [-test_order_min, -test_order_max]; of the pressure, at least
   -test_porder_min. For time-dependent cases -test_dt0 is the time step on
   the first grid, halved with h, so that space and time errors both fall
   as h^2. */
#include "nbsys.h"
#include "nbnavierstokes.h"
#include "nbtest.h"

static PetscErrorCode SolveOnce(PetscInt mx, PetscInt my, PetscReal dt, PetscReal *ev, PetscReal *ep)
{
  NbNavierStokes      ns;
  NbNavierStokesStats s;
  char                buf[32];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d", (int)mx));
  PetscCall(PetscOptionsSetValue(NULL, "-stag_grid_x", buf));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d", (int)my));
  PetscCall(PetscOptionsSetValue(NULL, "-stag_grid_y", buf));
  if (dt > 0) {
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "%.17g", (double)dt));
    PetscCall(PetscOptionsSetValue(NULL, "-ts_dt", buf));
  }
  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, &ns));
  PetscCall(NbNavierStokesSetFromOptions(ns));
  PetscCall(NbNavierStokesSolveReference(ns));
  PetscCall(NbNavierStokesGetStats(ns, &s));
  PetscCheck(s.err_vel >= 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "this case has no exact solution: use -ns_case taylorgreen or kovasznay");
  *ev = s.err_vel;
  *ep = s.err_p;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid %4d x %4d: %4d steps (dt %.4g), %2d Newton its: rel. L2 error velocity %.4e, pressure %.4e\n", (int)mx, (int)my, (int)s.steps, (double)s.dt, (int)s.newton_its, (double)s.err_vel, (double)s.err_p));
  PetscCall(NbNavierStokesDestroy(&ns));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscInt  gx[8], gy[8], nx = 8, ny = 8;
  PetscReal omin = 1.9, omax = 2.1, pmin = -1, dt0 = -1, ev[8], ep[8];
  PetscBool sety;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-test_grids_x", gx, &nx, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-test_grids_y", gy, &ny, &sety));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_order_min", &omin, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_order_max", &omax, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_porder_min", &pmin, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_dt0", &dt0, NULL));
  PetscCheck(nx >= 3 && nx <= 8, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give 3 to 8 grids with -test_grids_x");
  if (!sety)
    for (PetscInt k = 0; k < nx; k++) gy[k] = gx[k];
  else PetscCheck(ny == nx, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-test_grids_y needs as many entries as -test_grids_x");
  for (PetscInt k = 0; k < nx; k++) {
    PetscCheck(k == 0 || (gx[k] == 2 * gx[k - 1] && gy[k] == 2 * gy[k - 1]), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "each grid must be twice as fine as the one before");
    PetscCall(SolveOnce(gx[k], gy[k], dt0 > 0 ? dt0 * gx[0] / gx[k] : -1, &ev[k], &ep[k]));
  }
  for (PetscInt k = 0; k + 1 < nx; k++) {
    PetscReal ov = PetscLog2Real(ev[k] / ev[k + 1]), op = PetscLog2Real(ep[k] / ep[k + 1]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %4d -> %4d: velocity %.3f, pressure %.3f\n", (int)gx[k], (int)gx[k + 1], (double)ov, (double)op));
    if (k + 2 == nx) {
      PetscCheck(ov >= omin && ov <= omax, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "observed velocity order %.3f outside [%.2f, %.2f]", (double)ov, (double)omin, (double)omax);
      PetscCheck(pmin < 0 || op >= pmin, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "observed pressure order %.3f below %.2f", (double)op, (double)pmin);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
