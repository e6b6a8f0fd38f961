/* NbState: named arrays that a training method adds to its checkpoint
   (nbnn.h). The items are copies; names are unique and contain no '/'.
   The serialised form (for the broadcast after rank 0 reads a file) is a
   byte string: per item its type, length, name length, name, then data. */
#include <string.h>
#include "nnimpl.h"

struct _n_NbState {
  PetscInt     n, cap;
  NbStateItem *item;
};

PetscErrorCode NbStateCreate(NbState *st)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateDestroy(NbState *st)
{
  PetscFunctionBegin;
  if (!*st) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < (*st)->n; i++) {
    PetscCall(PetscFree((*st)->item[i].name));
    PetscCall(PetscFree((*st)->item[i].data));
  }
  PetscCall(PetscFree((*st)->item));
  PetscCall(PetscFree(*st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static size_t TypeSize(NbStateType t)
{
  return t == NB_STATE_REAL ? sizeof(PetscReal) : t == NB_STATE_INT64 ? sizeof(PetscInt64) : 1;
}

static PetscErrorCode Find(NbState st, const char name[], PetscInt *k)
{
  PetscFunctionBegin;
  *k = -1;
  for (PetscInt i = 0; i < st->n; i++)
    if (!strcmp(st->item[i].name, name)) *k = i;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* adds (or replaces) an item: a copy of n entries of type t */
PetscErrorCode NbStateAdd_Private(NbState st, const char name[], NbStateType t, PetscInt64 n, const void *v)
{
  PetscInt     k;
  NbStateItem *it;

  PetscFunctionBegin;
  PetscCheck(!strchr(name, '/') && name[0], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "State item name '%s': use a non-empty name without '/'", name);
  PetscCall(Find(st, name, &k));
  if (k < 0) {
    if (st->n == st->cap) {
      st->cap = PetscMax(8, 2 * st->cap);
      PetscCall(PetscRealloc(st->cap * sizeof(NbStateItem), &st->item));
    }
    k = st->n++;
    PetscCall(PetscStrallocpy(name, &st->item[k].name));
  } else PetscCall(PetscFree(st->item[k].data));
  it       = &st->item[k];
  it->type = t;
  it->n    = n;
  PetscCall(PetscMalloc(PetscMax((size_t)n * TypeSize(t), 1), &it->data));
  if (n) PetscCall(PetscMemcpy(it->data, v, (size_t)n * TypeSize(t)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateAddReal(NbState st, const char name[], PetscInt64 n, const PetscReal v[])
{
  PetscFunctionBegin;
  PetscCall(NbStateAdd_Private(st, name, NB_STATE_REAL, n, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateAddInt(NbState st, const char name[], PetscInt64 n, const PetscInt64 v[])
{
  PetscFunctionBegin;
  PetscCall(NbStateAdd_Private(st, name, NB_STATE_INT64, n, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateAddString(NbState st, const char name[], const char v[])
{
  size_t len;

  PetscFunctionBegin;
  PetscCall(PetscStrlen(v, &len));
  PetscCall(NbStateAdd_Private(st, name, NB_STATE_CHAR, (PetscInt64)len + 1, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Get(NbState st, const char name[], NbStateType t, PetscInt64 *n, const void **v)
{
  PetscInt k;

  PetscFunctionBegin;
  PetscCall(Find(st, name, &k));
  PetscCheck(k >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint has no item '%s': it was written by another method or version; start without -restart", name);
  PetscCheck(st->item[k].type == t, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint's item '%s' has another type than expected (corrupt or from another version)", name);
  if (n) *n = st->item[k].n;
  *v = st->item[k].data;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateHas(NbState st, const char name[], PetscBool *has)
{
  PetscInt k;

  PetscFunctionBegin;
  PetscCall(Find(st, name, &k));
  *has = (PetscBool)(k >= 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateGetReal(NbState st, const char name[], PetscInt64 *n, const PetscReal *v[])
{
  PetscFunctionBegin;
  PetscCall(Get(st, name, NB_STATE_REAL, n, (const void **)v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateGetInt(NbState st, const char name[], PetscInt64 *n, const PetscInt64 *v[])
{
  PetscFunctionBegin;
  PetscCall(Get(st, name, NB_STATE_INT64, n, (const void **)v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateGetString(NbState st, const char name[], const char *v[])
{
  PetscInt64 n;

  PetscFunctionBegin;
  PetscCall(Get(st, name, NB_STATE_CHAR, &n, (const void **)v));
  PetscCheck(n > 0 && (*v)[n - 1] == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint's string '%s' is not terminated (corrupt file)", name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStateGetItems_Private(NbState st, PetscInt *n, const NbStateItem *item[])
{
  PetscFunctionBegin;
  *n    = st->n;
  *item = st->item;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rank root's items to every rank of comm (replacing theirs) */
PetscErrorCode NbStateBcast_Private(NbState st, PetscMPIInt root, MPI_Comm comm)
{
  PetscMPIInt rank;
  PetscInt64  len = 0, pos = 0, hdr[3];
  char       *buf = NULL;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == root) {
    for (PetscInt i = 0; i < st->n; i++) len += (PetscInt64)(sizeof(hdr) + strlen(st->item[i].name) + 1 + (size_t)st->item[i].n * TypeSize(st->item[i].type));
    PetscCall(PetscMalloc1(len + 1, &buf));
    for (PetscInt i = 0; i < st->n; i++) {
      size_t nl = strlen(st->item[i].name) + 1, nd = (size_t)st->item[i].n * TypeSize(st->item[i].type);
      hdr[0] = st->item[i].type, hdr[1] = st->item[i].n, hdr[2] = (PetscInt64)nl;
      PetscCall(PetscMemcpy(buf + pos, hdr, sizeof(hdr)));
      PetscCall(PetscMemcpy(buf + pos + sizeof(hdr), st->item[i].name, nl));
      if (nd) PetscCall(PetscMemcpy(buf + pos + sizeof(hdr) + nl, st->item[i].data, nd));
      pos += (PetscInt64)(sizeof(hdr) + nl + nd);
    }
  }
  PetscCallMPI(MPI_Bcast(&len, 1, MPIU_INT64, root, comm));
  PetscCheck(len < PETSC_MPI_INT_MAX, comm, PETSC_ERR_SUP, "A checkpoint state of %" PetscInt64_FMT " bytes is more than one broadcast carries", len);
  if (rank != root) PetscCall(PetscMalloc1(len + 1, &buf));
  PetscCallMPI(MPI_Bcast(buf, (PetscMPIInt)len, MPI_CHAR, root, comm));
  if (rank != root) {
    for (pos = 0; pos < len;) {
      PetscCall(PetscMemcpy(hdr, buf + pos, sizeof(hdr)));
      PetscCall(NbStateAdd_Private(st, buf + pos + sizeof(hdr), (NbStateType)hdr[0], hdr[1], buf + pos + sizeof(hdr) + hdr[2]));
      pos += (PetscInt64)sizeof(hdr) + hdr[2] + hdr[1] * (PetscInt64)TypeSize((NbStateType)hdr[0]);
    }
  }
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}
