/* Burgers PINNs with short budgets, each asserting a number against an
   independent reference:
   -test_mode accuracy: relative L2 error of the PINN against the PETSc
     reference at the grid nodes of every frame must not exceed -test_tol
     (and, inverse, nu and lambda within -test_coef_tol);
   -test_mode hard: with -pinn_bc hard the network meets u(0,x) = -sin(pi x)
     and u(t,+-1) = 0 to round-off, whatever its weights;
   -test_mode ranks: the loss history of -pinn_adam_steps steps on all ranks
     equals the one computed by every rank alone (PETSC_COMM_SELF) to 1e-10
     relative (data-parallel sums differ only in summation order). */
#include "nbtest.h"

static PetscErrorCode Run(void)
{
  char      mode[32] = "accuracy";
  PetscReal tol = 1, ctol = 1;
  NbProblem prob;
  NbPINN    pinn;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_coef_tol", &ctol, NULL));
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "burgers", PETSC_TRUE, &prob));

  if (!strcmp(mode, "ranks")) {
    PetscInt   nsteps = 20;
    PetscReal *hw, *hs;
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-pinn_adam_steps", &nsteps, NULL));
    PetscCall(PetscMalloc2(nsteps, &hw, nsteps, &hs));
    PetscCall(NbTestLossHistory(PETSC_COMM_WORLD, prob, 0, NULL, NULL, nsteps, hw));
    PetscCall(NbTestLossHistory(PETSC_COMM_SELF, prob, 0, NULL, NULL, nsteps, hs));
    PetscCall(NbTestCompareHistories(PETSC_COMM_WORLD, "burgers", nsteps, hw, hs));
    PetscCall(PetscFree2(hw, hs));
  } else {
    PetscBool inverse;
    PetscCall(NbTestPINN(PETSC_COMM_WORLD, prob, &pinn));
    PetscCall(NbPINNGetInverse(pinn, &inverse, NULL, NULL, NULL));
    PetscCall(NbTestSetAllObservations(prob, pinn));
    PetscCall(NbPINNSetUp(pinn));
    if (!strcmp(mode, "hard")) {
      /* untrained network: the constraint holds by construction */
      PetscReal x[4 * 21], u[2 * 21], maxdev = 0;
      for (PetscInt i = 0; i <= 20; i++) {
        x[2 * i] = -1 + 0.1 * i, x[2 * i + 1] = 0;                     /* t = 0 */
        x[42 + 2 * i] = i % 2 ? 1.0 : -1.0, x[43 + 2 * i] = 0.05 * i; /* x = +-1 */
      }
      PetscCall(NbPINNEvaluate(pinn, 42, x, u));
      for (PetscInt i = 0; i <= 20; i++) {
        maxdev = PetscMax(maxdev, PetscAbsReal(u[i] + PetscSinReal(PETSC_PI * x[2 * i])));
        maxdev = PetscMax(maxdev, PetscAbsReal(u[21 + i]));
      }
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "hard constraint: largest deviation from the initial/boundary data %.2e\n", (double)maxdev));
      /* round-off of sin and of (1 - x^2) t N with |N| = O(1) */
      PetscCheck(maxdev < 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "hard constraint violated by %g", (double)maxdev);
    } else {
      PetscCall(NbPINNTrain(pinn));
      PetscCall(NbTestCheckPINNError(prob, pinn, 1, NULL, NULL, "PINN relative L2 error against the PETSc reference, all frames", tol));
      if (inverse) PetscCall(NbTestCheckBurgersCoefficients(prob, pinn, ctol));
    }
    PetscCall(NbPINNDestroy(&pinn));
  }
  PetscCall(NbProblemDestroy(&prob));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
