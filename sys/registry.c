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

PetscErrorCode NbRegistrySetType(NbRegistry *r, void *obj, NbTyped t, const char type[])
{
  PetscVoidFunction create;
  PetscBool         same;

  PetscFunctionBegin;
  PetscCall(Fill(r));
  PetscCall(PetscStrcmp(t.type, type, &same));
  if (same) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(!t.setup, t.comm, PETSC_ERR_ARG_WRONGSTATE, "%s: the type cannot change after set-up", r->option);
  PetscCall(PetscFunctionListFind(r->list, type, &create));
  if (!create) {
    const char **names;
    int          n;
    char         choices[512] = "";
    PetscCall(PetscFunctionListGet(r->list, &names, &n));
    for (int k = 0; k < n; k++) {
      PetscCall(PetscStrlcat(choices, k ? ", " : "", sizeof(choices)));
      PetscCall(PetscStrlcat(choices, names[k], sizeof(choices)));
    }
    PetscCall(PetscFree(names));
    SETERRQ(t.comm, PETSC_ERR_USER_INPUT, "%s %s is unknown: use one of %s", r->option, type, choices);
  }
  /* the old type's data go: every ops table begins with destroy, which
     releases what the data hold (may be NULL); the data are freed here */
  if (*(PetscErrorCode (**)(void *))t.ops) PetscCall((*(PetscErrorCode (**)(void *))t.ops)(obj));
  PetscCall(PetscMemzero(t.ops, t.opssize));
  PetscCall(PetscFree(*t.data));
  PetscCall(PetscStrncpy(t.type, type, t.len));
  PetscCall((*(PetscErrorCode(*)(void *))create)(obj));
  PetscFunctionReturn(PETSC_SUCCESS);
}
