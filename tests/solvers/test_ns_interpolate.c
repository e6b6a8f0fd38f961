/* NbNavierStokesInterpolateVelocity (used for the Ghia comparison and for
   comparing neural solutions at arbitrary points) against the exact
   solution: the exact MAC state of -ns_case (face point values) is
   interpolated at a lattice of points that includes the boundary and the
   corners, on the grid of the options and on one twice as fine. Bilinear
   interpolation is second order: the largest error must fall by at least
   -test_ratio_min (3.5; exactly 4 asymptotically) and be at most -test_tol
   on the fine grid. */
#include "nbsys.h"
#include "nbnavierstokes.h"
#include "nbtest.h"

static PetscErrorCode MaxError(PetscInt refine, PetscReal *err)
{
  NbNavierStokes ns;
  DM             dm;
  Vec            U;
  PetscInt       M, N, np = 0, n1 = 23;
  PetscReal      lo[2], hi[2], *xy, *uv;
  char           buf[16];

  PetscFunctionBegin;
  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, &ns));
  PetscCall(NbNavierStokesSetFromOptions(ns));
  PetscCall(NbNavierStokesSetUp(ns));
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(DMStagGetGlobalSizes(dm, &M, &N, NULL));
  PetscCall(NbNavierStokesDestroy(&ns));
  /* the same problem on a grid refine times finer */
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d", (int)(refine * M)));
  PetscCall(PetscOptionsSetValue(NULL, "-stag_grid_x", buf));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d", (int)(refine * N)));
  PetscCall(PetscOptionsSetValue(NULL, "-stag_grid_y", buf));
  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, &ns));
  PetscCall(NbNavierStokesSetFromOptions(ns));
  PetscCall(NbNavierStokesSetUp(ns));
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(DMCreateGlobalVector(dm, &U));
  PetscCall(NbNavierStokesComputeExact(ns, 0.3, U));
  PetscCall(PetscMalloc2(2 * n1 * n1, &xy, 2 * n1 * n1, &uv));
  for (PetscInt j = 0; j < n1; j++)
    for (PetscInt i = 0; i < n1; i++) {
      xy[2 * np]     = lo[0] + (hi[0] - lo[0]) * i / (n1 - 1);
      xy[2 * np + 1] = lo[1] + (hi[1] - lo[1]) * j / (n1 - 1);
      np++;
    }
  PetscCall(NbNavierStokesInterpolateVelocity(ns, U, np, xy, uv));
  *err = 0;
  for (PetscInt k = 0; k < np; k++) {
    PetscReal ex[3];
    PetscCall(NbNavierStokesExactPoint(ns, 0.3, &xy[2 * k], ex));
    *err = PetscMax(*err, PetscMax(PetscAbsReal(uv[2 * k] - ex[0]), PetscAbsReal(uv[2 * k + 1] - ex[1])));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d x %d cells: largest interpolation error %.4e at %d points\n", (int)(refine * M), (int)(refine * N), (double)*err, (int)np));
  PetscCall(PetscFree2(xy, uv));
  PetscCall(VecDestroy(&U));
  PetscCall(NbNavierStokesDestroy(&ns));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscReal e1, e2, tol = -1, ratio = 3.5;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_ratio_min", &ratio, NULL));
  PetscCheck(tol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -test_tol");
  PetscCall(MaxError(1, &e1));
  PetscCall(MaxError(2, &e2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ratio %.3f\n", (double)(e1 / e2)));
  PetscCheck(e1 / e2 >= ratio && e2 <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "interpolation errors %.3e -> %.3e: not second order or above %.1e", (double)e1, (double)e2, (double)tol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
