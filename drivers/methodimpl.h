/* Private to drivers/: the NbMethod object and its ops table. */
#ifndef NBMETHODIMPL_H
#define NBMETHODIMPL_H

#include "nbdriver.h"

typedef struct {
  PetscErrorCode (*destroy)(NbMethod); /* first: NbRegistrySetType */
  PetscErrorCode (*setfromoptions)(NbMethod, PetscOptionItems *);
  PetscErrorCode (*setup)(NbMethod);
  PetscErrorCode (*run)(NbMethod, NbOutput, NbReport);
  PetscErrorCode (*view)(NbMethod, PetscViewer);
} NbMethodOps;

struct _p_NbMethod {
  NB_HEAD;
  NbMethodOps ops;
  NbProblem   problem;
};

PETSC_INTERN PetscErrorCode NbMethodCreate_Reference(NbMethod);
PETSC_INTERN PetscErrorCode NbMethodCreate_PINN(NbMethod);
PETSC_INTERN PetscErrorCode NbMethodCreate_LordNet(NbMethod);

#endif
