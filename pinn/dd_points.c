/* The points of every local subdomain of a decomposed PINN: its
   collocation sampler (one NbSampler per subdomain, on its cell), and the
   initial, boundary and observed points its cell owns (NbPINN's global
   sets). */
#include "ddimpl.h"

PetscErrorCode NbDDSetAlloc_Private(NbDD dd, NbDDSet *S, PetscInt cap)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(S->x, S->v));
  S->cap = cap;
  PetscCall(PetscMalloc2(cap * dd->nin + 1, &S->x, cap * dd->prob.nout + 1, &S->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDSetFree_Private(NbDDSet *S)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(S->x, S->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Networks evaluated at arbitrary points owned by a subdomain: its own and,
   for windowed variants, every neighbour's. */
static void FullCover(NbDD dd, NbDDSub *sb, NbDDSet *S)
{
  NbDDCell *c = &dd->cells[sb->id];

  S->ncover   = 1;
  S->cover[0] = sb->id;
  if (dd->windowed)
    for (PetscInt k = 0; k < c->nnb; k++) S->cover[S->ncover++] = c->nb[k];
}

/* The points of a global set (x, v: the base's initial, boundary or
   observation set, whole on every rank) that lie in subdomain sb's cell. */
static PetscErrorCode TakeOwned(NbDD dd, NbDDSub *sb, NbDDSet *S, PetscInt64 N, const PetscReal x[], const PetscReal v[], PetscInt64 cap)
{
  PetscInt nin = dd->nin, nout = dd->prob.nout, n = 0, cell;

  PetscFunctionBegin;
  for (PetscInt64 i = 0; i < N; i++) {
    PetscCall(NbDDCellOfPoint_Private(dd, x + i * nin, &cell));
    n += cell == sb->id;
  }
  if (!S->x || S->cap < n) PetscCall(NbDDSetAlloc_Private(dd, S, (PetscInt)PetscMax(n, cap)));
  FullCover(dd, sb, S);
  S->n = 0;
  for (PetscInt64 i = 0; i < N; i++) {
    PetscCall(NbDDCellOfPoint_Private(dd, x + i * nin, &cell));
    if (cell != sb->id) continue;
    PetscCall(PetscArraycpy(S->x + S->n * nin, x + i * nin, nin));
    PetscCall(PetscArraycpy(S->v + S->n * nout, v + i * nout, nout));
    S->n++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Initial, boundary and observed points: NbPINN's global sets (the same
   on any rank count); each subdomain keeps the points its cell owns. */
PetscErrorCode NbDDDistributeData_Private(NbDD dd)
{
  NbPINN p = dd->pinn;

  PetscFunctionBegin;
  PetscCall(NbDDDistributeObservations_Private(dd));
  dd->Nic = p->NI;
  dd->Nbc = p->NB;
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    PetscCall(TakeOwned(dd, &dd->sub[s], &dd->sub[s].ic, p->NI, p->xI, p->uI, 0));
    PetscCall(TakeOwned(dd, &dd->sub[s], &dd->sub[s].bc, p->NB, p->xB, p->uB, 0));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* observations given after set-up may fall anywhere: room for all of them */
PetscErrorCode NbDDDistributeObservations_Private(NbDD dd)
{
  NbPINN p = dd->pinn;

  PetscFunctionBegin;
  dd->Ndata = p->ND;
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(TakeOwned(dd, &dd->sub[s], &dd->sub[s].data, p->ND, p->xD, p->uD, p->NDcap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |r| for subdomain sb's adaptive sampler at its n points (local: the
   neighbours' replicas were refreshed before the round). */
static PetscErrorCode SamplerResidual(PetscInt n, const PetscReal x[], PetscReal r[], void *ctx)
{
  NbDDSub *sb = (NbDDSub *)ctx;

  PetscFunctionBegin;
  PetscCall(NbGraphEvaluate(sb->gres, sb->XR, n, x, 1, &sb->RR, &r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDBuildSamplers_Private(NbDD dd)
{
  PetscFunctionBegin;
  /* the sampler's seed (-pinn_seed, or -sampler_seed) is the base;
     subdomain id adds 7919 id, so that subdomain 0 draws the plain PINN's
     points when it covers the whole box */
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub  *sb = &dd->sub[s];
    NbDDCell *c  = &dd->cells[sb->id];
    PetscInt64 base;
    PetscCall(NbSamplerCreate(PETSC_COMM_SELF, &sb->sampler));
    PetscCall(NbSamplerSetOptionsPrefix(sb->sampler, dd->pinn->prefix));
    PetscCall(NbSamplerSetDomain(sb->sampler, dd->nin, c->lo, c->hi));
    PetscCall(NbSamplerSetNumPoints(sb->sampler, dd->ppsub));
    PetscCall(NbSamplerSetSeed(sb->sampler, dd->seed));
    PetscCall(NbSamplerSetFromOptions(sb->sampler));
    PetscCall(NbSamplerGetSeed(sb->sampler, &base));
    PetscCall(NbSamplerSetSeed(sb->sampler, base + 7919 * sb->id));
    PetscCall(NbSamplerSetResidual(sb->sampler, SamplerResidual, sb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
