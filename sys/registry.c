/* Registries: the types of a class (samplers, PINNs, problems, UQ methods,
   solution methods, optimizers), chosen at run time by name, PETSc's way:
   a PetscFunctionList per class, filled with the built-in types on first
   use, extended with XxxRegister(). NbRegistrySetType is the type switch
   every class shares. */
#include "nbsys.h"

#define NB_MAX_REGISTRIES 16

/* every registry used, so that PetscFinalize empties them all */
static NbRegistry *NbRegistries[NB_MAX_REGISTRIES];
static PetscInt    NbNumRegistries = 0;

static PetscErrorCode NbRegistryFinalize(void)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < NbNumRegistries; k++) {
    PetscCall(PetscFunctionListDestroy(&NbRegistries[k]->list));
    NbRegistries[k]->filled = PETSC_FALSE;
  }
  NbNumRegistries = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Fill(NbRegistry *r)
{
  PetscFunctionBegin;
  if (r->filled) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(NbNumRegistries < NB_MAX_REGISTRIES, PETSC_COMM_SELF, PETSC_ERR_PLIB, "More than %d registries", NB_MAX_REGISTRIES);
  if (!NbNumRegistries) PetscCall(PetscRegisterFinalize(NbRegistryFinalize));
  NbRegistries[NbNumRegistries++] = r;
  r->filled                       = PETSC_TRUE;
  for (const NbRegistryEntry *e = r->builtin; e && e->name; e++) PetscCall(PetscFunctionListAdd(&r->list, e->name, e->create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRegistryAdd(NbRegistry *r, const char name[], PetscVoidFunction create)
{
  PetscFunctionBegin;
  PetscCall(Fill(r));
  PetscCall(PetscFunctionListAdd(&r->list, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRegistryGetList(NbRegistry *r, PetscFunctionList *list)
{
  PetscFunctionBegin;
  PetscCall(Fill(r));
  *list = r->list;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHeadCreate(MPI_Comm comm, size_t size, void *objp)
{
  NbHead *h;

  PetscFunctionBegin;
  PetscCall(PetscCalloc(size, &h));
  h->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &h->rank));
  PetscCallMPI(MPI_Comm_size(comm, &h->size));
  *(void **)objp = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHeadDestroyType(void *obj, void *ops, size_t opssize)
{
  PetscErrorCode (*destroy)(void *) = *(PetscErrorCode (**)(void *))ops;

  PetscFunctionBegin;
  if (destroy) PetscCall((*destroy)(obj));
  PetscCall(PetscMemzero(ops, opssize));
  PetscCall(PetscFree(((NbHead *)obj)->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHeadSetTypeData(void *obj, const void *defaults, size_t size, void *ops, const void *typeops, size_t opssize)
{
  NbHead *h = (NbHead *)obj;

  PetscFunctionBegin;
  PetscCall(PetscFree(h->data));
  PetscCall(PetscMalloc(size, &h->data));
  PetscCall(PetscMemcpy(h->data, defaults, size));
  PetscCall(PetscMemcpy(ops, typeops, opssize));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRegistrySetType(NbRegistry *r, void *obj, void *ops, size_t opssize, const char type[])
{
  NbHead           *h = (NbHead *)obj;
  PetscVoidFunction create;
  PetscBool         same;

  PetscFunctionBegin;
  PetscCall(Fill(r));
  PetscCall(PetscStrcmp(h->type, type, &same));
  if (same) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(!h->setup, h->comm, PETSC_ERR_ARG_WRONGSTATE, "%s: the type cannot change after set-up", r->option);
  PetscCall(PetscFunctionListFind(r->list, type, &create));
  if (!create) {
    char choices[512];
    PetscCall(NbFunctionListNames(r->list, choices, sizeof(choices)));
    SETERRQ(h->comm, PETSC_ERR_USER_INPUT, "%s %s is unknown: use one of %s", r->option, type, choices);
  }
  PetscCall(NbHeadDestroyType(obj, ops, opssize));
  PetscCall(PetscStrncpy(h->type, type, sizeof(h->type)));
  PetscCall((*(PetscErrorCode(*)(void *))create)(obj));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbFunctionListNames(PetscFunctionList list, char buf[], size_t len)
{
  const char **names;
  int          n;

  PetscFunctionBegin;
  buf[0] = 0;
  PetscCall(PetscFunctionListGet(list, &names, &n));
  for (int k = 0; k < n; k++) {
    PetscCall(PetscStrlcat(buf, k ? ", " : "", len));
    PetscCall(PetscStrlcat(buf, names[k], len));
  }
  PetscCall(PetscFree(names));
  PetscFunctionReturn(PETSC_SUCCESS);
}
