/* placeholder: the poisson problem (being written) */
#include "problemimpl.h"
PetscErrorCode NbProblemCreate_Poisson(NbProblem p)
{
  SETERRQ(p->comm, PETSC_ERR_SUP, "poisson: not yet");
}
