/* Uses the installed libnabla as the README's "Using the library" does: the
   Poisson problem's reference solve and a PINN of its PDE, both judged
   against the manufactured exact solution at the reference's nodes.
   Tolerances: the 33^2 reference's error is that of its grid, 3.005e-3
   (tests/solvers/test_poisson.c; 1e-2 catches a broken solver or link, not
   round-off); the small PINN (6 x 2 tanh, hard boundary conditions, 300
   Adam steps) was measured at 5.212e-2 on 1 and 2 ranks alike, and 3x that (0.16)
   leaves room for round-off in training while an untrained network is at
   O(1). */
#include <nabla.h>

int main(int argc, char **argv)
{
  NbProblem      prob;
  NbPINN         pinn;
  const NbPDE   *pde;
  NbProblemError err[2];
  PetscInt       n;
  PetscReal     *x, *u;

  PetscCall(NbInitialize(&argc, &argv, NULL, NULL));
  PetscCall(NbProblemCreate(PETSC_COMM_WORLD, &prob));
  PetscCall(NbProblemSetType(prob, "poisson"));
  PetscCall(PetscOptionsSetValue(NULL, "-da_grid_x", "33"));
  PetscCall(PetscOptionsSetValue(NULL, "-da_grid_y", "33"));
  PetscCall(NbProblemSetFromOptions(prob));
  PetscCall(NbProblemSetUp(prob));
  PetscCall(NbProblemSolveReference(prob));

  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbPINNCreate(PETSC_COMM_WORLD, &pinn));
  PetscCall(NbPINNSetPDE(pinn, pde));
  PetscCall(PetscOptionsInsertString(NULL, "-pinn_width 6 -pinn_depth 2 -pinn_points 500 -pinn_adam_steps 300 -pinn_lbfgs_steps 0 -pinn_monitor 0"));
  PetscCall(NbPINNSetFromOptions(pinn));
  PetscCall(NbPINNSetUp(pinn));
  PetscCall(NbPINNTrain(pinn));

  /* the reference and the network at this rank's nodes */
  PetscCall(NbProblemGetEvaluationInputs(prob, 0, &n, &x));
  PetscCall(PetscMalloc1(n + 1, &u));
  PetscCall(NbProblemGetReferenceValues(prob, 0, u));
  PetscCall(NbProblemComputeErrors(prob, &u, &err[0]));
  PetscCall(NbPINNEvaluate(pinn, n, x, u));
  PetscCall(NbProblemComputeErrors(prob, &u, &err[1]));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "nabla %s: reference %.3e, PINN %.3e vs exact\n", NbVersion(), (double)err[0].exact, (double)err[1].exact));
  PetscCheck(err[0].exact < 1e-2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "reference error too large");
  PetscCheck(err[1].exact < 0.16, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PINN error too large");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "consumer ok\n"));
  PetscCall(PetscFree(u));
  PetscCall(PetscFree(x));
  PetscCall(NbPINNDestroy(&pinn));
  PetscCall(NbProblemDestroy(&prob));
  PetscCall(NbFinalize());
  return 0;
}
