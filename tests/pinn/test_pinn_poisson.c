/* PINNs of the poisson cases (-poisson_case peak, ...): the loss history
   of -pinn_adam_steps steps on all ranks equals the one every rank
   computes alone (PETSC_COMM_SELF) to 1e-10 relative: the data-parallel
   sums differ from the serial ones in summation order only, with any
   sampler whose points do not depend on the rank count. */
#include "nbtest.h"

static PetscErrorCode Run(void)
{
  PetscInt   nsteps = 20;
  PetscReal *hw, *hs;
  NbProblem  prob;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-pinn_adam_steps", &nsteps, NULL));
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "poisson", PETSC_FALSE, &prob));
  PetscCall(PetscMalloc2(nsteps, &hw, nsteps, &hs));
  PetscCall(NbTestLossHistory(PETSC_COMM_WORLD, prob, 0, NULL, NULL, nsteps, hw));
  PetscCall(NbTestLossHistory(PETSC_COMM_SELF, prob, 0, NULL, NULL, nsteps, hs));
  PetscCall(NbTestCompareHistories(PETSC_COMM_WORLD, "poisson", nsteps, hw, hs));
  PetscCall(PetscFree2(hw, hs));
  PetscCall(NbProblemDestroy(&prob));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
