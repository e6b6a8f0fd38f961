/* Lid-driven cavity.
   Default: the steady solution against Ghia, Ghia & Shin (1982) Tables I
   and II (typed in from the paper, solvers/ns_ghia.c): the largest
   deviations of u on x = 0.5 and of v on y = 0.5, in units of the lid
   speed, must not exceed -test_tol.
   -test_compare_march: the steady state by time marching (projection,
   -ns_steady_solver march) must equal Newton's to -test_compare_tol, max
   over all MAC velocities: the projection scheme's steady states solve
   F(U) = 0 exactly, so the two differ only by the march's stopping
   tolerance (||F||_inf < -ns_steady_tol) times the conditioning of J. */
#include "nbsys.h"
#include "nbnavierstokes.h"
#include "nbtest.h"

static PetscErrorCode Solve(const char solver[], NbNavierStokes *ns, Vec *U)
{
  PetscInt n;
  Vec     *frames;

  PetscFunctionBegin;
  if (solver) PetscCall(PetscOptionsSetValue(NULL, "-ns_steady_solver", solver));
  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, ns));
  PetscCall(NbNavierStokesSetFromOptions(*ns));
  PetscCall(NbNavierStokesSolveReference(*ns));
  PetscCall(NbNavierStokesGetFrames(*ns, &n, NULL, &frames));
  *U = frames[n - 1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  NbNavierStokes ns, ns2;
  Vec            U, U2, D, Du;
  IS             isu;
  PetscReal      tol = -1, ctol = -1, du, dv, diff;
  PetscBool      found, compare = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-test_compare_march", &compare, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_compare_tol", &ctol, NULL));
  if (!compare) {
    PetscCheck(tol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -test_tol");
    PetscCall(Solve(NULL, &ns, &U));
    PetscCall(NbNavierStokesGhiaDeviation(ns, U, &found, &du, &dv));
    PetscCheck(found, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "no Ghia et al. data for this case and Re (cavity at Re 100 or 1000)");
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "Ghia et al. (1982): max |u - u_ref| on x = 0.5: %.5f, max |v - v_ref| on y = 0.5: %.5f (lid speed 1)\n", (double)du, (double)dv));
    PetscCheck(du <= tol && dv <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "deviation from Ghia et al. above %.3g", (double)tol);
    PetscCall(NbNavierStokesDestroy(&ns));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(ctol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -test_compare_tol");
  PetscCall(Solve("newton", &ns, &U));
  PetscCall(Solve("march", &ns2, &U2));
  PetscCall(VecDuplicate(U, &D));
  PetscCall(VecWAXPY(D, -1.0, U2, U));
  PetscCall(NbNavierStokesGetFieldIS(ns, &isu, NULL));
  PetscCall(VecGetSubVector(D, isu, &Du));
  PetscCall(VecNorm(Du, NORM_INFINITY, &diff));
  PetscCall(VecRestoreSubVector(D, isu, &Du));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "max |u_newton - u_march| = %.3e\n", (double)diff));
  PetscCheck(diff <= ctol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Newton and time marching disagree by %.3e > %.1e", (double)diff, (double)ctol);
  PetscCall(VecDestroy(&D));
  PetscCall(NbNavierStokesDestroy(&ns));
  PetscCall(NbNavierStokesDestroy(&ns2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
