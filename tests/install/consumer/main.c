/* Uses the installed libnabla: a small Burgers reference solve, whose error
   against the exact solution must be that of a 129-node grid at t = 0.1
   (measured 1.1e-3 with the nabla build tree; 1e-2 leaves room for nothing
   but a broken solver or a broken link). */
#include <nabla.h>

int main(int argc, char **argv)
{
  NbBurgers      b;
  NbBurgersStats s;

  PetscCall(NbInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscOptionsSetValue(NULL, "-da_grid_x", "129"));
  PetscCall(PetscOptionsSetValue(NULL, "-ts_max_time", "0.1"));
  PetscCall(NbBurgersCreate(PETSC_COMM_WORLD, &b));
  PetscCall(NbBurgersSetFromOptions(b));
  PetscCall(NbBurgersSetUp(b));
  PetscCall(NbBurgersSolveReference(b));
  PetscCall(NbBurgersGetStats(b, &s));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "nabla %s: error %.3e\n", NbVersion(), (double)s.err_final));
  PetscCheck(s.err_final < 1e-2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "error too large");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "consumer ok\n"));
  PetscCall(NbBurgersDestroy(&b));
  PetscCall(NbFinalize());
  return 0;
}
