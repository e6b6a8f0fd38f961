/* The reference solver against the exact solution.
   -test_tol:  the relative L2 error at the final time must not exceed it.
   -test_grids n1,n2,...: a refinement study instead; the observed order
     log2(e_k/e_{k+1}) of the last two refinements must lie in
     [-test_order_min, -test_order_max]. */
#include "nbsolvers.h"
#include "nbtest.h"

static PetscErrorCode SolveOnce(PetscReal *err, PetscInt *mx)
{
  NbBurgers      b;
  NbBurgersStats s;
  DM             da;

  PetscFunctionBegin;
  PetscCall(NbBurgersCreate(PETSC_COMM_WORLD, &b));
  PetscCall(NbBurgersSetFromOptions(b));
  PetscCall(NbBurgersSetUp(b));
  PetscCall(NbBurgersSolveReference(b));
  PetscCall(NbBurgersGetStats(b, &s));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetInfo(da, NULL, mx, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  *err = s.err_final;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid %5d: %d steps, rel. L2 error at final time %.4e\n", (int)*mx, (int)s.steps, (double)s.err_final));
  PetscCall(NbBurgersDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscReal tol = -1, omin = 1.9, omax = 2.1, err[16];
  PetscInt  grids[16], ngrids = 16, mx, dim = 1;
  PetscBool study;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_order_min", &omin, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_order_max", &omax, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-burgers_dim", &dim, NULL));
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-test_grids", grids, &ngrids, &study));
  if (!study) {
    PetscCheck(tol > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -test_tol or -test_grids");
    PetscCall(SolveOnce(&err[0], &mx));
    PetscCheck(err[0] <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "error %.4e exceeds %.1e", (double)err[0], (double)tol);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(ngrids >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "a refinement study needs 3 grids");
  for (PetscInt k = 0; k < ngrids; k++) {
    char n[32];
    PetscCall(PetscSNPrintf(n, sizeof(n), "%d", (int)grids[k]));
    PetscCall(PetscOptionsSetValue(NULL, "-da_grid_x", n));
    if (dim == 2) PetscCall(PetscOptionsSetValue(NULL, "-da_grid_y", n));
    PetscCall(SolveOnce(&err[k], &mx));
    PetscCheck(mx == grids[k], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "grid not applied");
  }
  for (PetscInt k = 0; k + 1 < ngrids; k++) {
    /* grids n and 2n-1 nodes: h halves */
    PetscReal order = PetscLog2Real(err[k] / err[k + 1]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d -> %d: %.3f\n", (int)grids[k], (int)grids[k + 1], (double)order));
    if (k + 3 >= ngrids) PetscCheck(order >= omin && order <= omax, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "observed order %.3f outside [%.2f, %.2f]", (double)order, (double)omin, (double)omax);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
