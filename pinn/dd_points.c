/* The points of every local subdomain of a domain-decomposed PINN: its
   collocation sampler (one NbSampler per subdomain, on its cell), the
   initial and boundary points it owns (the global sets NbPINN draws), and
   the observations routed to it. */
#include "ddimpl.h"

PetscErrorCode NbDDSetAlloc_Private(NbDDPINN dd, NbDDSet *S, PetscInt cap)
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
static void FullCover(NbDDPINN dd, NbDDSub *sb, NbDDSet *S)
{
  NbDDCell *c = &dd->cells[sb->id];

  S->ncover   = 1;
  S->cover[0] = sb->id;
  if (dd->windowed)
    for (PetscInt k = 0; k < c->nnb; k++) S->cover[S->ncover++] = c->nb[k];
}

/* Initial and boundary points: the global sets NbPINN draws (streams 11 and
   12 of the seed, noise from 13 and 14, relative to the clean data's RMS),
   generated whole on every rank; each subdomain keeps the points it owns. */
PetscErrorCode NbDDBuildBoundaryData_Private(NbDDPINN dd)
{
  PetscInt   dim = dd->prob.dim, nin = dd->nin, nout = dd->prob.nout, NI, NB;
  PetscReal *xI, *uI, *xB, *uB, rms = 0;
  NbRNG      rng;

  PetscFunctionBegin;
  NI      = dd->hard ? 0 : dd->nbnd / 2;
  NB      = dd->hard ? 0 : dd->nbnd - NI;
  dd->Nic = NI;
  dd->Nbc = NB;
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, dd->seed));
  PetscCall(PetscMalloc4(NI * nin + 1, &xI, NI * nout + 1, &uI, NB * nin + 1, &xB, NB * nout + 1, &uB));
  for (PetscInt i = 0; i < NI; i++) {
    PetscReal *x = xI + i * nin, r[NB_DD_MAXAX];
    PetscCall(NbRNGUniform(rng, 11, (PetscInt64)i * nin, nin, r));
    for (PetscInt d = 0; d < dim; d++) x[d] = dd->prob.lo[d] + (dd->prob.hi[d] - dd->prob.lo[d]) * r[d];
    x[dim] = dd->prob.lo[dim];
    PetscCall(dd->prob.initial(dd->prob.ctx, x, uI + i * nout));
    for (PetscInt c = 0; c < nout; c++) rms += PetscSqr(uI[i * nout + c]);
  }
  for (PetscInt i = 0; i < NB; i++) {
    PetscReal *x = xB + i * nin, r[NB_DD_MAXAX];
    PetscInt   face = i % (2 * dim);
    PetscCall(NbRNGUniform(rng, 12, (PetscInt64)i * nin, nin, r));
    for (PetscInt d = 0; d <= dim; d++) x[d] = dd->prob.lo[d] + (dd->prob.hi[d] - dd->prob.lo[d]) * r[d];
    x[face / 2] = face % 2 ? dd->prob.hi[face / 2] : dd->prob.lo[face / 2];
    PetscCall(dd->prob.boundary(dd->prob.ctx, x[dim], x, uB + i * nout));
    for (PetscInt c = 0; c < nout; c++) rms += PetscSqr(uB[i * nout + c]);
  }
  if (dd->noise > 0 && !dd->inverse && NI + NB > 0) {
    PetscReal scale = dd->noise * PetscSqrtReal(rms / ((NI + NB) * nout)), *eps;
    PetscCall(PetscMalloc1(PetscMax(NI, NB) * nout + 1, &eps));
    PetscCall(NbRNGNormal(rng, 13, 0, NI * nout, eps));
    for (PetscInt k = 0; k < NI * nout; k++) uI[k] += scale * eps[k];
    PetscCall(NbRNGNormal(rng, 14, 0, NB * nout, eps));
    for (PetscInt k = 0; k < NB * nout; k++) uB[k] += scale * eps[k];
    PetscCall(PetscFree(eps));
  }
  for (PetscInt pass = 0; pass < 2; pass++) {
    PetscInt   N = pass ? NB : NI;
    PetscReal *x = pass ? xB : xI, *u = pass ? uB : uI;
    for (PetscInt s = 0; s < dd->nlocal; s++) {
      NbDDSub *sb = &dd->sub[s];
      NbDDSet *S  = pass ? &sb->bc : &sb->ic;
      PetscInt n  = 0, cell;
      for (PetscInt i = 0; i < N; i++) {
        PetscCall(NbDDCellOfPoint_Private(dd, x + i * nin, &cell));
        n += cell == sb->id;
      }
      PetscCall(NbDDSetAlloc_Private(dd, S, n));
      FullCover(dd, sb, S);
      for (PetscInt i = 0; i < N; i++) {
        PetscCall(NbDDCellOfPoint_Private(dd, x + i * nin, &cell));
        if (cell != sb->id) continue;
        PetscCall(PetscArraycpy(S->x + S->n * nin, x + i * nin, nin));
        PetscCall(PetscArraycpy(S->v + S->n * nout, u + i * nout, nout));
        S->n++;
      }
    }
  }
  PetscCall(PetscFree4(xI, uI, xB, uB));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Observations go to the rank of the subdomain that owns them (once, at
   set-up: an all-to-all of counts and of the points). */
PetscErrorCode NbDDRouteData_Private(NbDDPINN dd)
{
  PetscInt     nin = dd->nin, nout = dd->prob.nout, rec = nin + nout, *cell, nrecv;
  PetscMPIInt *sc, *sd, *rc, *rd;
  PetscReal   *sbuf, *rbuf;
  PetscInt64   n = dd->nDraw;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&n, &dd->Ndata, 1, MPIU_INT64, MPI_SUM, dd->comm));
  if (dd->Ndata == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscCalloc4(dd->size, &sc, dd->size + 1, &sd, dd->size, &rc, dd->size + 1, &rd));
  PetscCall(PetscMalloc1(dd->nDraw + 1, &cell));
  for (PetscInt i = 0; i < dd->nDraw; i++) {
    PetscCall(NbDDCellOfPoint_Private(dd, dd->xDraw + i * nin, &cell[i]));
    sc[dd->cells[cell[i]].rank] += (PetscMPIInt)rec;
  }
  PetscCallMPI(MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, dd->comm));
  for (PetscMPIInt q = 0; q < dd->size; q++) {
    sd[q + 1] = sd[q] + sc[q];
    rd[q + 1] = rd[q] + rc[q];
  }
  PetscCall(PetscMalloc2(sd[dd->size] + 1, &sbuf, rd[dd->size] + 1, &rbuf));
  {
    PetscMPIInt *pos;
    PetscCall(PetscMalloc1(dd->size, &pos));
    for (PetscMPIInt q = 0; q < dd->size; q++) pos[q] = sd[q];
    for (PetscInt i = 0; i < dd->nDraw; i++) {
      PetscMPIInt q = dd->cells[cell[i]].rank;
      PetscCall(PetscArraycpy(sbuf + pos[q], dd->xDraw + i * nin, nin));
      PetscCall(PetscArraycpy(sbuf + pos[q] + nin, dd->uDraw + i * nout, nout));
      pos[q] += (PetscMPIInt)rec;
    }
    PetscCall(PetscFree(pos));
  }
  PetscCallMPI(MPI_Alltoallv(sbuf, sc, sd, MPIU_REAL, rbuf, rc, rd, MPIU_REAL, dd->comm));
  nrecv = rd[dd->size] / rec;
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub *sb = &dd->sub[s];
    PetscInt m  = 0, c;
    for (PetscInt i = 0; i < nrecv; i++) {
      PetscCall(NbDDCellOfPoint_Private(dd, rbuf + i * rec, &c));
      m += c == sb->id;
    }
    PetscCall(NbDDSetAlloc_Private(dd, &sb->data, m));
    FullCover(dd, sb, &sb->data);
    for (PetscInt i = 0; i < nrecv; i++) {
      PetscCall(NbDDCellOfPoint_Private(dd, rbuf + i * rec, &c));
      if (c != sb->id) continue;
      PetscCall(PetscArraycpy(sb->data.x + sb->data.n * nin, rbuf + i * rec, nin));
      PetscCall(PetscArraycpy(sb->data.v + sb->data.n * nout, rbuf + i * rec + nin, nout));
      sb->data.n++;
    }
  }
  PetscCall(PetscFree2(sbuf, rbuf));
  PetscCall(PetscFree(cell));
  PetscCall(PetscFree4(sc, sd, rc, rd));
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

PetscErrorCode NbDDBuildSamplers_Private(NbDDPINN dd)
{
  PetscInt  base = (PetscInt)dd->seed;
  PetscBool set;

  PetscFunctionBegin;
  /* -sampler_seed sets the base; subdomain id adds 7919 id, so that
     subdomain 0 draws NbPINN's points when it covers the whole box */
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-sampler_seed", &base, &set));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub  *sb = &dd->sub[s];
    NbDDCell *c  = &dd->cells[sb->id];
    PetscCall(NbSamplerCreate(PETSC_COMM_SELF, &sb->sampler));
    PetscCall(NbSamplerSetDomain(sb->sampler, dd->nin, c->lo, c->hi));
    PetscCall(NbSamplerSetNumPoints(sb->sampler, dd->ppsub));
    PetscCall(NbSamplerSetFromOptions(sb->sampler));
    PetscCall(NbSamplerSetSeed(sb->sampler, base + 7919 * sb->id));
    PetscCall(NbSamplerSetResidual(sb->sampler, SamplerResidual, sb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
