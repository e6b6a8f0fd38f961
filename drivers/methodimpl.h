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
  MPI_Comm    comm;
  char        type[32];
  NbMethodOps ops;
  void       *data;
  NbProblem   problem;
  PetscBool   setup;
};

PETSC_INTERN PetscErrorCode NbMethodCreate_Reference(NbMethod);
PETSC_INTERN PetscErrorCode NbMethodCreate_PINN(NbMethod);

#endif
