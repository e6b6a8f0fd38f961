/* Communication of the domain-decomposed PINN, and the objective the
   optimizers see.

   Pattern (every evaluation of the loss, i.e. every Adam step and every
   L-BFGS function evaluation):
     1. parameters out: each rank sends the networks of its subdomains to
        the ranks holding a neighbour of them, and receives its neighbours'
        into the replicas (one MPI_Neighbor_alltoallv on a distributed-graph
        communicator whose edges are the neighbouring ranks only);
     2. every local subdomain evaluates its loss terms and their gradient
        with respect to its own network and to its replicas (graphs on
        PETSC_COMM_SELF);
     3. gradients back: the replica gradients travel the reverse way (one
        more MPI_Neighbor_alltoallv) and each subdomain adds the
        contributions to its own, in ascending order of the sender, so the
        sum does not depend on which rank holds which subdomain;
     4. one MPI_Allreduce of a few numbers: the loss, the gradient of the
        shared coefficients (inverse nu, lambda) and the loss terms.
   No rank ever holds more than its own and its neighbours' parameters. */
#include "ddimpl.h"

static PetscInt Slot(const NbDDCell *c, PetscInt l)
{
  for (PetscInt k = 0; k < c->nnb; k++)
    if (c->nb[k] == l) return k;
  return -1;
}

static PetscInt NeighbourRankIndex(NbDD dd, PetscMPIInt q)
{
  for (PetscInt i = 0; i < dd->nrank; i++)
    if (dd->nbrank[i] == q) return i;
  return -1;
}

PetscErrorCode NbDDCommSetUp_Private(NbDD dd)
{
  PetscMPIInt *mark;

  PetscFunctionBegin;
  /* the ranks of all neighbours of the local subdomains */
  PetscCall(PetscCalloc1(dd->size, &mark));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDCell *c = &dd->cells[dd->sub[s].id];
    for (PetscInt k = 0; k < c->nnb; k++)
      if (dd->cells[c->nb[k]].rank != dd->rank) mark[dd->cells[c->nb[k]].rank] = 1;
  }
  dd->nrank = 0;
  for (PetscMPIInt q = 0; q < dd->size; q++) dd->nrank += mark[q];
  PetscCall(PetscMalloc1(dd->nrank + 1, &dd->nbrank));
  for (PetscMPIInt q = 0, i = 0; q < dd->size; q++)
    if (mark[q]) dd->nbrank[i++] = q;
  PetscCall(PetscFree(mark));
  {
    /* unit weights rather than MPI_UNWEIGHTED, which GCC's -Wstringop-overread
       takes for a zero-length array */
    int *wt;
    PetscCall(PetscMalloc1(dd->nrank + 1, &wt));
    for (PetscInt i = 0; i < dd->nrank; i++) wt[i] = 1;
    PetscCallMPI(MPI_Dist_graph_create_adjacent(dd->comm, (int)dd->nrank, dd->nbrank, wt, (int)dd->nrank, dd->nbrank, wt, MPI_INFO_NULL, 0, &dd->ncomm));
    PetscCall(PetscFree(wt));
  }
  PetscCall(PetscCalloc4(dd->nrank + 1, &dd->scount, dd->nrank + 1, &dd->sdispl, dd->nrank + 1, &dd->rcount, dd->nrank + 1, &dd->rdispl));

  /* Send buffer to neighbour rank q: for each subdomain j of q (ascending),
     for each neighbour l of j (ascending) that is mine: l's parameters.
     The gradient contributions come back in the same layout. */
  {
    PetscInt nmax = 0, pos = 0;
    for (PetscInt j = 0; j < dd->ncell; j++) nmax += dd->cells[j].nnb;
    PetscCall(PetscMalloc1(nmax + 1, &dd->send));
    dd->nsend = 0;
    for (PetscInt i = 0; i < dd->nrank; i++) {
      dd->sdispl[i] = (PetscMPIInt)pos;
      for (PetscInt j = 0; j < dd->ncell; j++) {
        const NbDDCell *cj = &dd->cells[j];
        if (cj->rank != dd->nbrank[i]) continue;
        for (PetscInt k = 0; k < cj->nnb; k++) {
          PetscInt l = cj->nb[k];
          if (dd->cells[l].rank != dd->rank) continue;
          dd->send[dd->nsend++] = (NbDDSend){i, j, l, pos};
          pos += dd->cells[l].np;
        }
      }
      dd->scount[i] = (PetscMPIInt)(pos - dd->sdispl[i]);
    }
  }
  /* Receive buffer from q: for each local subdomain j (ascending), for each
     neighbour l of j (ascending) on q: l's parameters. */
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub  *sb = &dd->sub[s];
    NbDDCell *c  = &dd->cells[sb->id];
    PetscCall(PetscMalloc1(c->nnb + 1, &sb->boff));
    PetscCall(PetscMalloc1(c->nnb + 1, &sb->contrib));
  }
  for (PetscInt i = 0; i < dd->nrank; i++) {
    PetscInt pos = 0;
    dd->rdispl[i] = i ? dd->rdispl[i - 1] + dd->rcount[i - 1] : 0;
    for (PetscInt s = 0; s < dd->nlocal; s++) {
      NbDDCell *c = &dd->cells[dd->sub[s].id];
      for (PetscInt k = 0; k < c->nnb; k++)
        if (dd->cells[c->nb[k]].rank == dd->nbrank[i]) pos += dd->cells[c->nb[k]].np;
    }
    dd->rcount[i] = (PetscMPIInt)pos;
  }
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub  *sb = &dd->sub[s];
    NbDDCell *c  = &dd->cells[sb->id];
    for (PetscInt k = 0; k < c->nnb; k++) sb->boff[k] = -1;
  }
  {
    PetscInt *pos;
    PetscCall(PetscMalloc1(dd->nrank + 1, &pos));
    for (PetscInt i = 0; i < dd->nrank; i++) pos[i] = dd->rdispl[i];
    for (PetscInt s = 0; s < dd->nlocal; s++) {
      NbDDSub  *sb = &dd->sub[s];
      NbDDCell *c  = &dd->cells[sb->id];
      for (PetscInt k = 0; k < c->nnb; k++) {
        PetscMPIInt q = dd->cells[c->nb[k]].rank;
        if (q == dd->rank) continue;
        PetscInt i = NeighbourRankIndex(dd, q);
        sb->boff[k] = pos[i];
        pos[i] += dd->cells[c->nb[k]].np;
      }
    }
    PetscCall(PetscFree(pos));
  }
  /* where each local subdomain's gradient contributions will be */
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDCell *c = &dd->cells[dd->sub[s].id];
    for (PetscInt k = 0; k < c->nnb; k++) dd->sub[s].contrib[k].sub = -2; /* not yet set */
  }
  for (PetscInt e = 0; e < dd->nsend; e++) {
    const NbDDSend *b  = &dd->send[e];
    NbDDSub        *sl = &dd->sub[b->l - dd->first];
    PetscInt        kk = Slot(&dd->cells[b->l], b->j);
    PetscCheck(kk >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "neighbour relation of %d and %d is not symmetric", (int)b->j, (int)b->l);
    sl->contrib[kk].sub = -1;
    sl->contrib[kk].off = b->off;
  }
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDCell *c = &dd->cells[dd->sub[s].id];
    for (PetscInt k = 0; k < c->nnb; k++) {
      PetscInt j = c->nb[k];
      if (dd->cells[j].rank != dd->rank) continue;
      dd->sub[s].contrib[k].sub  = j - dd->first;
      dd->sub[s].contrib[k].slot = Slot(&dd->cells[j], dd->sub[s].id);
      PetscCheck(dd->sub[s].contrib[k].slot >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "neighbour relation is not symmetric");
    }
    for (PetscInt k = 0; k < c->nnb; k++) PetscCheck(dd->sub[s].contrib[k].sub > -2, PETSC_COMM_SELF, PETSC_ERR_PLIB, "no gradient route from %d to %d", (int)c->nb[k], (int)dd->sub[s].id);
  }
  {
    PetscInt ns = dd->nrank ? dd->sdispl[dd->nrank - 1] + dd->scount[dd->nrank - 1] : 0;
    PetscInt nr = dd->nrank ? dd->rdispl[dd->nrank - 1] + dd->rcount[dd->nrank - 1] : 0;
    PetscCall(PetscMalloc2(ns + 1, &dd->sbuf, nr + 1, &dd->rbuf));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDCommDestroy_Private(NbDD dd)
{
  PetscFunctionBegin;
  if (dd->ncomm != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&dd->ncomm));
  PetscCall(PetscFree(dd->nbrank));
  PetscCall(PetscFree4(dd->scount, dd->sdispl, dd->rcount, dd->rdispl));
  PetscCall(PetscFree2(dd->sbuf, dd->rbuf));
  PetscCall(PetscFree(dd->send));
  for (PetscInt s = 0; s < dd->nlocal && dd->sub; s++) PetscCall(PetscFree(dd->sub[s].boff));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Step 1: the replicas take the neighbours' current parameters. */
PetscErrorCode NbDDExchangeParameters_Private(NbDD dd)
{
  PetscReal *p;
  double     t0 = NbWallTime();

  PetscFunctionBegin;
  PetscCall(NbModelGetParameterArray(dd->model, &p));
  for (PetscInt e = 0; e < dd->nsend; e++) {
    PetscInt l = dd->send[e].l;
    PetscCall(PetscArraycpy(dd->sbuf + dd->send[e].off, p + dd->sub[l - dd->first].off, dd->cells[l].np));
  }
  if (dd->nrank) PetscCallMPI(MPI_Neighbor_alltoallv(dd->sbuf, dd->scount, dd->sdispl, MPIU_REAL, dd->rbuf, dd->rcount, dd->rdispl, MPIU_REAL, dd->ncomm));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub   *sb = &dd->sub[s];
    NbDDCell  *c  = &dd->cells[sb->id];
    PetscReal *h;
    PetscCall(NbModelGetParameterArray(sb->halo, &h));
    for (PetscInt k = 0; k < c->nnb; k++) {
      PetscInt   l   = c->nb[k];
      PetscReal *src = sb->boff[k] >= 0 ? dd->rbuf + sb->boff[k] : p + dd->sub[l - dd->first].off;
      PetscCall(PetscArraycpy(h + sb->hoff[k], src, dd->cells[l].np));
    }
    PetscCall(NbModelRestoreParameterArray(sb->halo, &h));
  }
  PetscCall(NbModelRestoreParameterArray(dd->model, &p));
  dd->stale = PETSC_FALSE;
  dd->tcomm += NbWallTime() - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Step 3: replica gradients back to the owners; acc gets the sums. */
static PetscErrorCode ReturnGradients(NbDD dd)
{
  double t0 = NbWallTime();

  PetscFunctionBegin;
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub   *sb = &dd->sub[s];
    NbDDCell  *c  = &dd->cells[sb->id];
    PetscReal *hg;
    PetscCall(NbModelGetGradientArray(sb->halo, &hg));
    for (PetscInt k = 0; k < c->nnb; k++)
      if (sb->boff[k] >= 0) PetscCall(PetscArraycpy(dd->rbuf + sb->boff[k], hg + sb->hoff[k], dd->cells[c->nb[k]].np));
    PetscCall(NbModelRestoreGradientArray(sb->halo, &hg));
  }
  if (dd->nrank) PetscCallMPI(MPI_Neighbor_alltoallv(dd->rbuf, dd->rcount, dd->rdispl, MPIU_REAL, dd->sbuf, dd->scount, dd->sdispl, MPIU_REAL, dd->ncomm));
  dd->tcomm += NbWallTime() - t0;
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub   *sb = &dd->sub[s];
    NbDDCell  *c  = &dd->cells[sb->id];
    PetscReal *a  = dd->acc + sb->off;
    for (PetscInt k = 0; k < c->nnb; k++) {
      const NbDDContrib *ct = &sb->contrib[k];
      const PetscReal   *src;
      if (ct->sub >= 0) {
        PetscReal *hg;
        PetscCall(NbModelGetGradientArray(dd->sub[ct->sub].halo, &hg));
        src = hg + dd->sub[ct->sub].hoff[ct->slot];
        PetscCall(NbModelRestoreGradientArray(dd->sub[ct->sub].halo, &hg));
      } else src = dd->sbuf + ct->off;
      for (PetscInt i = 0; i < c->np; i++) a[i] += src[i];
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The total loss and its gradient in the rank model's gradient buffer: the
   objective of Adam (NbOptimizer on the rank model) and of L-BFGS. */
PetscErrorCode NbDDObjective_Private(NbPINN p, PetscReal *loss)
{
  NbDD       dd = (NbDD)p->data;
  PetscInt   ntrain, ncoef = 0, nred;
  PetscReal *g, red[1 + NB_PDE_MAXCOEF + DD_NTERMS];
  double     t0;

  PetscFunctionBegin;
  PetscCall(NbDDExchangeParameters_Private(dd));
  PetscCall(NbModelGetNumParameters(dd->model, &ntrain));
  ncoef = ntrain - dd->coefoff;
  PetscCall(PetscArrayzero(dd->acc, ntrain));
  PetscCall(PetscArrayzero(red, PETSC_STATIC_ARRAY_LENGTH(red)));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub  *sb = &dd->sub[s];
    PetscReal l;
    PetscCall(NbGraphComputeLossGradient(sb->g, &l));
    red[0] += l;
    PetscCall(NbModelGetGradientArray(dd->model, &g));
    PetscCall(PetscArraycpy(dd->acc + sb->off, g + sb->off, dd->cells[sb->id].np));
    for (PetscInt k = 0; k < ncoef; k++) red[1 + k] += g[dd->coefoff + k];
    PetscCall(NbModelRestoreGradientArray(dd->model, &g));
    for (PetscInt k = 0; k < DD_NTERMS; k++)
      if (sb->term[k]) {
        PetscReal v;
        PetscCall(NbGraphGetScalar(sb->g, sb->term[k], &v));
        red[1 + ncoef + k] += v;
      }
  }
  PetscCall(ReturnGradients(dd));
  nred = 1 + ncoef + DD_NTERMS;
  t0 = NbWallTime();
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, red, (PetscMPIInt)nred, MPIU_REAL, MPIU_SUM, dd->comm));
  dd->tcomm += NbWallTime() - t0;
  for (PetscInt k = 0; k < ncoef; k++) dd->acc[dd->coefoff + k] = red[1 + k];
  for (PetscInt k = 0; k < DD_NTERMS; k++) dd->termval[k] = red[1 + ncoef + k];
  PetscCall(NbModelGetGradientArray(dd->model, &g));
  PetscCall(PetscArraycpy(g, dd->acc, ntrain));
  PetscCall(NbModelRestoreGradientArray(dd->model, &g));
  *loss     = red[0];
  dd->stale = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -------------------------------------------------------------- evaluation
   Points travel to the rank of the subdomain that owns them (an all-to-all
   of counts and coordinates, at evaluation time only), which evaluates
   them with its network (and, fbpinn, its neighbours' replicas). */
PetscErrorCode NbDDEvaluate_Private(NbPINN p, PetscInt n, const PetscReal x[], PetscReal u[])
{
  NbDD         dd = (NbDD)p->data;
  PetscInt     nin = dd->nin, nout = dd->prob.nout, *cell, nrecv, *rcell;
  PetscMPIInt *sc, *sd, *rc, *rd, *pos;
  PetscReal   *sx, *rx, *ru, *su;

  PetscFunctionBegin;
  PetscCall(NbDDExchangeParameters_Private(dd));
  PetscCall(PetscCalloc4(dd->size, &sc, dd->size + 1, &sd, dd->size, &rc, dd->size + 1, &rd));
  PetscCall(PetscMalloc2(n + 1, &cell, dd->size, &pos));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(NbDDCellOfPoint_Private(dd, x + i * nin, &cell[i]));
    sc[dd->cells[cell[i]].rank]++;
  }
  PetscCallMPI(MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, dd->comm));
  for (PetscMPIInt q = 0; q < dd->size; q++) {
    sd[q + 1] = sd[q] + sc[q];
    rd[q + 1] = rd[q] + rc[q];
  }
  nrecv = rd[dd->size];
  PetscCall(PetscMalloc4(n * nin + 1, &sx, nrecv * nin + 1, &rx, nrecv * nout + 1, &ru, n * nout + 1, &su));
  for (PetscMPIInt q = 0; q < dd->size; q++) pos[q] = sd[q];
  for (PetscInt i = 0; i < n; i++) {
    PetscMPIInt q = dd->cells[cell[i]].rank;
    PetscCall(PetscArraycpy(sx + (size_t)pos[q] * nin, x + i * nin, nin));
    pos[q]++;
  }
  {
    MPI_Datatype pt;
    PetscCallMPI(MPI_Type_contiguous((int)nin, MPIU_REAL, &pt));
    PetscCallMPI(MPI_Type_commit(&pt));
    PetscCallMPI(MPI_Alltoallv(sx, sc, sd, pt, rx, rc, rd, pt, dd->comm));
    PetscCallMPI(MPI_Type_free(&pt));
  }
  /* evaluate the received points, grouped by local subdomain */
  PetscCall(PetscMalloc1(nrecv + 1, &rcell));
  for (PetscInt i = 0; i < nrecv; i++) PetscCall(NbDDCellOfPoint_Private(dd, rx + i * nin, &rcell[i]));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub   *sb = &dd->sub[s];
    PetscInt   m  = 0, k = 0;
    PetscReal *xs, *us;
    for (PetscInt i = 0; i < nrecv; i++) m += rcell[i] == sb->id;
    if (!m) continue;
    PetscCall(PetscMalloc2(m * nin, &xs, m * nout, &us));
    for (PetscInt i = 0; i < nrecv; i++)
      if (rcell[i] == sb->id) PetscCall(PetscArraycpy(xs + (k++) * nin, rx + i * nin, nin));
    PetscCall(NbGraphEvaluate(sb->gu, sb->XU, m, xs, 1, &sb->UU, &us));
    k = 0;
    for (PetscInt i = 0; i < nrecv; i++)
      if (rcell[i] == sb->id) PetscCall(PetscArraycpy(ru + i * nout, us + (k++) * nout, nout));
    PetscCall(PetscFree2(xs, us));
  }
  {
    MPI_Datatype vt;
    PetscCallMPI(MPI_Type_contiguous((int)nout, MPIU_REAL, &vt));
    PetscCallMPI(MPI_Type_commit(&vt));
    PetscCallMPI(MPI_Alltoallv(ru, rc, rd, vt, su, sc, sd, vt, dd->comm));
    PetscCallMPI(MPI_Type_free(&vt));
  }
  for (PetscMPIInt q = 0; q < dd->size; q++) pos[q] = sd[q];
  for (PetscInt i = 0; i < n; i++) {
    PetscMPIInt q = dd->cells[cell[i]].rank;
    PetscCall(PetscArraycpy(u + i * nout, su + (size_t)pos[q] * nout, nout));
    pos[q]++;
  }
  PetscCall(PetscFree(rcell));
  PetscCall(PetscFree4(sx, rx, ru, su));
  PetscCall(PetscFree2(cell, pos));
  PetscCall(PetscFree4(sc, sd, rc, rd));
  PetscFunctionReturn(PETSC_SUCCESS);
}
