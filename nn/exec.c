/* Running a compiled graph: memory plan, inputs, forward and backward passes
   over tiles of points, the data-parallel gradient, outputs.

   A step with a loss that is linear in its reductions over points (the PINN
   case: a weighted sum of means) runs each tile of T points forward and
   backward at once, so its activations stay in cache and no pass over all
   points is ever stored: the gradient reaching each reduction is computed
   first, from the scalar part of the graph alone. */
#include "nnimpl.h"

/* ------------------------------------------------------------- memory plan */
static PetscInt Round8(PetscInt n) { return (n + 7) / 8 * 8; }

/* Row length of a point tensor with K components of T lanes: a cache line of
   padding, because rows exactly 4 KiB apart (K T = 512) map to the same L1
   sets and the 20 rows a small matrix product reads would evict each other. */
static PetscInt RowLength(PetscInt K, PetscInt T) { return K * T + (K * T >= 64 ? 8 : 0); }

static NbNode ViewRoot(NbNode v)
{
  while (v->isview) v = v->in[0];
  return v;
}

typedef struct {
  PetscInt size, offset;
  PetscBool busy;
} PoolBuf;

/* Gradient buffers of point nodes are live from the backward of their last
   consumer to their own backward; nodes whose lifetimes do not overlap share
   a buffer (greedy, exact sizes), which keeps a tile's gradients in cache. */
static PetscErrorCode PlanSet(NbGraph g, NbPointSet *S, PetscInt *poolsize)
{
  PetscInt *fw, nbuf = 0, total = 0, nz = 0;
  PoolBuf  *buf;
  PetscInt *bufof;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(S->nlist, &fw, S->nlist, &buf, S->nlist, &bufof));
  for (PetscInt i = 0; i < S->nlist; i++) fw[i] = -1, bufof[i] = -1;
  for (PetscInt i = 0; i < S->nlist; i++) {
    NbNode c = S->list[i];
    if (!c->needgrad) continue;
    for (PetscInt j = 0; j < c->nin; j++) {
      NbNode r;
      if (!c->in[j]->needgrad || c->in[j]->kind != NB_KIND_POINT) continue;
      r = ViewRoot(c->in[j]);
      if (r->kind == NB_KIND_POINT && !r->keepgrad) fw[r->pos] = PetscMax(fw[r->pos], c->pos);
    }
  }
  PetscCall(PetscCalloc2(S->nlist + 1, &S->nzero, S->nlist, &S->zero));
  for (PetscInt t = S->nlist - 1; t >= 0; t--) {
    S->nzero[t] = nz;
    for (PetscInt r = 0; r < S->nlist; r++) {
      NbNode   v = S->list[r];
      PetscInt size, b;
      if (fw[r] != t) continue;
      size = v->cols * RowLength(v->K, S->T);
      for (b = 0; b < nbuf; b++)
        if (!buf[b].busy && buf[b].size == size) break;
      if (b == nbuf) {
        buf[nbuf].size   = size;
        buf[nbuf].offset = total;
        total += Round8(size);
        nbuf++;
      }
      buf[b].busy = PETSC_TRUE;
      bufof[r]    = b;
      v->gradoff  = buf[b].offset; /* resolved to a pointer by the caller */
      {
        /* the first writer overwrites if it can and reads v once, directly */
        NbNode   c    = S->list[t];
        PetscInt uses = 0;
        for (PetscInt j = 0; j < c->nin; j++) uses += c->in[j] == v;
        if (c->op->ovw && c->in[0] == v && uses == 1) c->ovw0 = PETSC_TRUE;
        else S->zero[nz++] = v;
      }
    }
    if (bufof[t] >= 0) buf[bufof[t]].busy = PETSC_FALSE;
  }
  /* nzero[t] .. nzero[t+1]: positions are filled from the top, store as [start, end) */
  S->nzero[S->nlist] = nz;
  *poolsize          = total;
  for (PetscInt r = 0; r < S->nlist; r++) {
    NbNode v = S->list[r];
    if (v->kind != NB_KIND_POINT) continue;
    if (bufof[r] < 0) v->gradoff = -1;
    PetscCheck(!(v->needgrad && !v->isview && !v->isinput && bufof[r] < 0), g->comm, PETSC_ERR_PLIB, "Node %" PetscInt_FMT " (%s) needs a gradient but no consumer writes one", v->id, v->op->name);
  }
  PetscCall(PetscFree3(fw, buf, bufof));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The zero list of position t is zero[nzero[t] .. end), end = nzero[t-1]
   for t > 0 (filled from the top), or the total for t = nlist-1 handled by
   the executor with ZeroRange. */
static void ZeroRange(const NbPointSet *S, PetscInt t, PetscInt *a, PetscInt *b)
{
  *a = S->nzero[t];
  *b = t > 0 ? S->nzero[t - 1] : S->nzero[S->nlist];
}

PetscErrorCode NbGraphPlan_Private(NbGraph g)
{
  size_t    total = 0;
  PetscInt *pool;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(g->nsets, &pool));
  for (PetscInt s = 0; s < g->nsets; s++) PetscCall(PlanSet(g, &g->sets[s], &pool[s]));
  /* sizes */
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    if (v->kind == NB_KIND_POINT) {
      v->T  = g->sets[v->set].T;
      v->ld = RowLength(v->K, v->T);
    } else {
      v->T  = v->rows;
      v->ld = v->rows;
    }
    if (v->isinput) {
      v->T = v->ld = g->sets[v->set].cap8;
      total += Round8(v->cols * g->sets[v->set].cap8) * (v->keepgrad ? 2 : 1);
    } else if (v->isview) {
      v->T  = v->in[0]->T;
      v->ld = v->in[0]->ld;
    } else if (!v->isparam && v->op != &NbOp_Constant) total += Round8(v->cols * v->ld);
    if (v->kind != NB_KIND_POINT && v->needgrad && !v->isparam && !v->isview) total += Round8(v->cols * v->ld);
    total += Round8(v->auxlanes * v->T + v->auxfixed);
    if (v->isoutput && v->kind == NB_KIND_POINT) total += Round8(v->cols * g->sets[v->set].cap8);
    g->maxin = PetscMax(g->maxin, v->nin);
  }
  for (PetscInt s = 0; s < g->nsets; s++) total += pool[s];
  PetscCall(PetscFree(g->arena)); /* a graph planned again (set-up after new inputs) */
  PetscCall(PetscFree(g->need));
  PetscCall(PetscCalloc1(total + 8, &g->arena));
  PetscCall(PetscMalloc1(g->maxin + 1, &g->need));
  g->arenasize = total;
  /* addresses */
  {
    PetscReal *a = g->arena;
    for (PetscInt s = 0; s < g->nsets; s++) {
      g->sets[s].gradpool = a;
      a += pool[s];
    }
    for (PetscInt i = 0; i < g->nnodes; i++) {
      NbNode v = g->nodes[i];
      if (v->isinput) {
        v->staging = a;
        v->val     = a;
        a += Round8(v->cols * v->ld);
        if (v->keepgrad) {
          v->gradbase = v->grad = a;
          a += Round8(v->cols * v->ld);
        }
      } else if (v->isparam) {
        const NbParamInfo *p;
        PetscCall(NbModelGetParameterInfo_Private(v->model, v->pidx, &p));
        v->val  = (p->trainable ? v->model->params : v->model->consts) + p->offset;
        v->grad = p->trainable ? v->model->grad + p->offset : NULL;
      } else if (v->op == &NbOp_Constant) v->val = v->constval;
      else if (!v->isview) {
        v->val = a;
        a += Round8(v->cols * v->ld);
      }
      if (v->kind != NB_KIND_POINT && v->needgrad && !v->isparam && !v->isview) {
        v->grad = a;
        a += Round8(v->cols * v->ld);
      }
      if (v->kind == NB_KIND_POINT && !v->isview && v->gradoff >= 0) v->grad = g->sets[v->set].gradpool + v->gradoff;
      if (v->auxlanes || v->auxfixed) {
        v->aux = a;
        a += Round8(v->auxlanes * v->T + v->auxfixed);
      }
      if (v->isoutput && v->kind == NB_KIND_POINT) {
        v->capture = a;
        a += Round8(v->cols * g->sets[v->set].cap8);
      }
    }
  }
  PetscCall(PetscFree(pool));
  /* views point into their parents from the start (a global view's gradient
     is written in the first backward pre-pass, before any forward) */
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    NbTile t = {0, 0, 0, 0};
    if (v->isview) PetscCall((*v->op->forward)(v, &t));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ inputs */
PetscErrorCode NbGraphSetInputPartitioned(NbGraph g, NbTensor x, PetscInt64 nglobal, PetscInt64 offset, PetscInt n, const PetscReal xv[])
{
  NbPointSet *S;

  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbGraphSetUp() before NbGraphSetInput()");
  PetscCheck(x->g == g && x->isinput, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphSetInput: the tensor is not an input of this graph");
  S = &g->sets[x->set];
  PetscCheck(n >= 0 && n <= S->cap, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Input %s: %" PetscInt_FMT " points exceed the capacity %" PetscInt_FMT " given to NbGraphAddInput; raise the capacity (or use NbGraphEvaluate, which works in chunks)", x->name, n, S->cap);
  PetscCheck(n % S->rowblock == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Input %s: %" PetscInt_FMT " points are not whole attention sequences of %" PetscInt_FMT, x->name, n, S->rowblock);
  PetscCheck(offset >= 0 && offset + n <= nglobal, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Input %s: points [%" PetscInt64_FMT ", %" PetscInt64_FMT ") are outside the global set of %" PetscInt64_FMT, x->name, offset, offset + n, nglobal);
  for (PetscInt p = 0; p < x->cols; p++) {
    PetscReal *st = x->staging + p * S->cap8;
    for (PetscInt i = 0; i < n; i++) st[i] = xv[i * x->cols + p];
    for (PetscInt i = n; i < S->cap8; i++) st[i] = 0;
  }
  S->n       = n;
  S->nglobal = nglobal;
  S->goff    = offset;
  x->ndata   = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetInput(NbGraph g, NbTensor x, PetscInt n, const PetscReal xv[])
{
  PetscInt64 nl = n, ng = n, off = 0;

  PetscFunctionBegin;
  if (g->size > 1) {
    PetscCallMPI(MPI_Allreduce(&nl, &ng, 1, MPIU_INT64, MPI_SUM, g->comm));
    PetscCallMPI(MPI_Exscan(&nl, &off, 1, MPIU_INT64, MPI_SUM, g->comm));
    if (g->rank == 0) off = 0;
  }
  PetscCall(NbGraphSetInputPartitioned(g, x, ng, off, n, xv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckInputs(NbGraph g, NbPointSet *S)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < S->ninputs; i++) {
    NbNode x = S->inputs[i];
    PetscCheck(x->ndata >= 0, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Input %s has no data: call NbGraphSetInput() for it", x->name);
    PetscCheck(x->ndata == S->n, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Inputs of point set '%s' disagree: %s has %" PetscInt_FMT " points, the set %" PetscInt_FMT, S->name, x->name, x->ndata, S->n);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------- passes */
static PetscErrorCode NodeForward(NbNode v, const NbTile *t)
{
  PetscFunctionBegin;
  PetscCall((*v->op->forward)(v, t));
  if (v->capture) {
    PetscInt cap8 = v->g->sets[v->set].cap8;
    for (PetscInt p = 0; p < v->cols; p++) PetscCall(PetscArraycpy(v->capture + p * cap8 + t->i0, v->val + p * v->ld, t->n));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* prepass: only gradients into global nodes (those of the reductions) */
static PetscErrorCode NodeBackward(NbGraph g, NbNode v, const NbTile *t, PetscBool prepass)
{
  PetscBool any = PETSC_FALSE;

  PetscFunctionBegin;
  if (!v->needgrad || !v->op->backward) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt j = 0; j < v->nin; j++) {
    g->need[j] = (PetscBool)(v->in[j]->needgrad && (!prepass || v->in[j]->kind == NB_KIND_GLOBAL));
    any        = (PetscBool)(any || g->need[j]);
  }
  if (any) PetscCall((*v->op->backward)(v, t, g->need));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ForwardList(PetscInt n, NbNode list[], const NbTile *t)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) PetscCall(NodeForward(list[i], t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FixedTile(NbNode v, NbTile *t)
{
  PetscFunctionBegin;
  t->i0 = 0;
  t->n = t->n8 = v->rows;
  t->goff      = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ForwardFixed(PetscInt n, NbNode list[])
{
  NbTile t;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(FixedTile(list[i], &t));
    PetscCall(NodeForward(list[i], &t));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BackwardFixed(NbGraph g, PetscInt n, NbNode list[], PetscBool prepass)
{
  NbTile t;

  PetscFunctionBegin;
  for (PetscInt i = n - 1; i >= 0; i--) {
    PetscCall(FixedTile(list[i], &t));
    PetscCall(NodeBackward(g, list[i], &t, prepass));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void SetTile(const NbPointSet *S, PetscInt i0, NbTile *t)
{
  t->i0   = i0;
  t->n    = PetscMin(S->T, S->n - i0);
  t->n8   = Round8(t->n);
  t->goff = S->goff + i0;
}

/* seed (may be NULL): a point node whose gradient gets 1 added at entry
   just before its own backward (a Jacobian row, nn/jacobian.c) */
static PetscErrorCode BackwardSetTile(NbGraph g, NbPointSet *S, const NbTile *t, NbNode seed, PetscInt entry)
{
  PetscFunctionBegin;
  for (PetscInt pos = S->nlist - 1; pos >= 0; pos--) {
    PetscInt a, b;
    ZeroRange(S, pos, &a, &b);
    for (PetscInt z = a; z < b; z++) PetscCall(PetscArrayzero(S->zero[z]->grad, S->zero[z]->cols * S->zero[z]->ld));
    if (seed && S->list[pos] == seed) seed->grad[entry] += 1;
    PetscCall(NodeBackward(g, S->list[pos], t, PETSC_FALSE));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ZeroReducers(NbPointSet *S)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < S->nlist; i++)
    if (S->list[i]->reducer) PetscCall(PetscArrayzero(S->list[i]->val, S->list[i]->cols * S->list[i]->ld));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ZeroGlobalGrads(NbGraph g)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    if (v->kind == NB_KIND_GLOBAL && v->grad && !v->isview) PetscCall(PetscArrayzero(v->grad, v->cols * v->ld));
  }
  if (g->loss && g->loss->grad) g->loss->grad[0] = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Forward through every tile of every point set, the reductions summed from
   zero; with backward, each tile's backward right after its forward, while
   its values are in cache (the fused pass: the gradients of the global nodes
   are known beforehand). Unfused, a set is one tile, whose values stay for
   the backward that follows the global nodes'. */
static PetscErrorCode SweepSets(NbGraph g, PetscBool backward)
{
  NbTile t;

  PetscFunctionBegin;
  for (PetscInt s = 0; s < g->nsets; s++) {
    NbPointSet *S = &g->sets[s];
    PetscCall(CheckInputs(g, S));
    PetscCall(ZeroReducers(S));
    PetscCheck(g->fused || S->n <= S->T, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Point set %s: %" PetscInt_FMT " points do not fit one tile of %" PetscInt_FMT, S->name, S->n, S->T);
    for (PetscInt i0 = 0; i0 < S->n; i0 += S->T) {
      SetTile(S, i0, &t);
      PetscCall(ForwardList(S->nlist, S->list, &t));
      if (backward) PetscCall(BackwardSetTile(g, S, &t, NULL, 0));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode StartPass(NbGraph g)
{
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbGraphSetUp() before running the graph");
  PetscCall(NbRNGGetCounter(g->rng, NB_STREAM_EPOCH, &g->epoch));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphForward(NbGraph g)
{
  PetscFunctionBegin;
  PetscCall(StartPass(g));
  PetscCall(PetscLogEventBegin(NB_GraphForward, 0, 0, 0, 0));
  PetscCall(ForwardFixed(g->nconst, g->constlist));
  PetscCall(SweepSets(g, PETSC_FALSE));
  PetscCall(ForwardFixed(g->nglobal, g->globallist));
  PetscCall(PetscLogEventEnd(NB_GraphForward, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphComputeLossGradient(NbGraph g, PetscReal *loss)
{
  NbTile    t;
  PetscReal lossval;

  PetscFunctionBegin;
  PetscCall(StartPass(g));
  PetscCheck(g->loss, g->comm, PETSC_ERR_ARG_WRONGSTATE, "The graph has no loss: call NbGraphSetLoss() before NbGraphSetUp()");
  PetscCall(PetscLogEventBegin(NB_GraphGradient, 0, 0, 0, 0));
  for (PetscInt m = 0; m < g->nmodels; m++) PetscCall(PetscArrayzero(g->models[m]->grad, g->models[m]->ntrain + 1));
  for (PetscInt i = 0; i < g->nconst; i++) {
    NbNode v = g->constlist[i];
    if (v->grad && !v->isparam && !v->isview) PetscCall(PetscArrayzero(v->grad, v->cols * v->ld));
  }
  if (g->loss->kind == NB_KIND_CONST && g->loss->grad) g->loss->grad[0] = 1;
  PetscCall(NbGraphZeroInputGradients_Private(g));
  PetscCall(ForwardFixed(g->nconst, g->constlist));
  if (g->fused) {
    PetscCall(ZeroGlobalGrads(g));
    PetscCall(BackwardFixed(g, g->nglobal, g->globallist, PETSC_TRUE));
    PetscCall(SweepSets(g, PETSC_TRUE));
    PetscCall(ForwardFixed(g->nglobal, g->globallist));
    PetscCall(ZeroGlobalGrads(g));
    PetscCall(BackwardFixed(g, g->nglobal, g->globallist, PETSC_FALSE));
  } else {
    PetscCall(SweepSets(g, PETSC_FALSE));
    PetscCall(ForwardFixed(g->nglobal, g->globallist));
    PetscCall(ZeroGlobalGrads(g));
    PetscCall(BackwardFixed(g, g->nglobal, g->globallist, PETSC_FALSE));
    for (PetscInt s = 0; s < g->nsets; s++) {
      NbPointSet *S = &g->sets[s];
      SetTile(S, 0, &t);
      if (S->n) PetscCall(BackwardSetTile(g, S, &t, NULL, 0));
    }
  }
  PetscCall(BackwardFixed(g, g->nconst, g->constlist, PETSC_FALSE));
  PetscCall(PetscLogEventEnd(NB_GraphGradient, 0, 0, 0, 0));

  lossval = g->loss->val[0];
  if (g->size > 1 && g->loss->partial) {
    /* one allreduce of the flat gradient per model, the loss riding in its last slot */
    PetscCall(PetscLogEventBegin(NB_GraphAllreduce, 0, 0, 0, 0));
    if (g->nmodels) {
      g->models[0]->grad[g->models[0]->ntrain] = lossval;
      for (PetscInt m = 0; m < g->nmodels; m++) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, g->models[m]->grad, (PetscMPIInt)(g->models[m]->ntrain + (m == 0)), MPIU_REAL, MPI_SUM, g->comm));
      lossval = g->models[0]->grad[g->models[0]->ntrain];
    } else PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &lossval, 1, MPIU_REAL, MPI_SUM, g->comm));
    PetscCall(PetscLogEventEnd(NB_GraphAllreduce, 0, 0, 0, 0));
  }
  if (loss) *loss = lossval;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------- pieces of a Jacobian pass
   (nn/jacobian.c): constants forward and no gradient from the loss; a set
   started; a tile forward; one reverse sweep of the tile seeded at one
   entry of a point node, the models' gradients then d node(entry)/d theta. */
PetscErrorCode NbGraphJacobianStart_Private(NbGraph g)
{
  PetscFunctionBegin;
  PetscCall(StartPass(g));
  PetscCall(ForwardFixed(g->nconst, g->constlist));
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    if (v->kind == NB_KIND_GLOBAL && v->grad && !v->isview) PetscCall(PetscArrayzero(v->grad, v->cols * v->ld));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphJacobianSet_Private(NbGraph g, PetscInt set)
{
  PetscFunctionBegin;
  PetscCall(CheckInputs(g, &g->sets[set]));
  PetscCall(ZeroReducers(&g->sets[set]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphJacobianTile_Private(NbGraph g, PetscInt set, const NbTile *t)
{
  PetscFunctionBegin;
  PetscCall(ForwardList(g->sets[set].nlist, g->sets[set].list, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphJacobianSweep_Private(NbGraph g, NbNode seed, const NbTile *t, PetscInt entry)
{
  PetscFunctionBegin;
  for (PetscInt m = 0; m < g->nmodels; m++) PetscCall(PetscArrayzero(g->models[m]->grad, g->models[m]->ntrain + 1));
  for (PetscInt i = 0; i < g->nconst; i++) {
    NbNode v = g->constlist[i];
    if (v->grad && !v->isparam && !v->isview) PetscCall(PetscArrayzero(v->grad, v->cols * v->ld));
  }
  PetscCall(BackwardSetTile(g, &g->sets[seed->set], t, seed, entry));
  PetscCall(BackwardFixed(g, g->nconst, g->constlist, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------------- outputs */
PetscErrorCode NbGraphGetValues(NbGraph g, NbTensor x, PetscInt *n, PetscReal v[])
{
  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Run the graph before NbGraphGetValues()");
  if (x->kind == NB_KIND_POINT) {
    NbPointSet *S = &g->sets[x->set];
    PetscCheck(x->capture, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "NbGraphGetValues: mark the tensor with NbGraphMarkOutput() before NbGraphSetUp()");
    if (n) *n = S->n;
    if (v)
      for (PetscInt p = 0; p < x->cols; p++)
        for (PetscInt i = 0; i < S->n; i++) v[i * x->cols + p] = x->capture[p * S->cap8 + i];
  } else {
    PetscCheck(x->val, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "NbGraphGetValues: the tensor has no values yet");
    if (n) *n = x->rows;
    if (v)
      for (PetscInt p = 0; p < x->cols; p++)
        for (PetscInt i = 0; i < x->rows; i++) v[i * x->cols + p] = x->val[p * x->ld + i];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphGetScalar(NbGraph g, NbTensor x, PetscReal *s)
{
  PetscFunctionBegin;
  PetscCheck(x->kind != NB_KIND_POINT && x->rows == 1 && x->cols == 1, g->comm, PETSC_ERR_ARG_SIZ, "NbGraphGetScalar: the tensor is not 1 x 1 (reduce it with NbTensorMean)");
  PetscCheck(g->setup && x->val, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Run the graph before NbGraphGetScalar()");
  *s = x->val[0];
  if (g->size > 1 && x->partial) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 1, MPIU_REAL, MPI_SUM, g->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphEvaluate(NbGraph g, NbTensor x, PetscInt n, const PetscReal xv[], PetscInt nout, const NbTensor out[], PetscReal *vals[])
{
  NbPointSet *S;
  NbTile      t;

  PetscFunctionBegin;
  PetscCall(StartPass(g));
  PetscCheck(x->isinput, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphEvaluate: x must be an input");
  S = &g->sets[x->set];
  for (PetscInt k = 0; k < nout; k++) {
    PetscCheck(out[k]->kind == NB_KIND_POINT && out[k]->set == x->set, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphEvaluate: output %" PetscInt_FMT " is not a point tensor of x's point set", k);
    PetscCheck(out[k]->capture, g->comm, PETSC_ERR_ARG_WRONGSTATE, "NbGraphEvaluate: mark output %" PetscInt_FMT " with NbGraphMarkOutput() before NbGraphSetUp()", k);
  }
  if (S->ninputs > 1) { /* the outputs must depend on x alone among the set's inputs */
    PetscBool *dep;
    PetscCall(PetscCalloc1(g->nnodes, &dep));
    for (PetscInt k = 0; k < nout; k++) dep[out[k]->id] = PETSC_TRUE;
    for (PetscInt i = g->nnodes - 1; i >= 0; i--) {
      NbNode v = g->nodes[i];
      if (!dep[i]) continue;
      PetscCheck(!v->isinput || v == x, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphEvaluate: the outputs depend on input %s besides %s; set every input with NbGraphSetInput and call NbGraphForward", v->name, x->name);
      for (PetscInt j = 0; j < v->nin; j++) dep[v->in[j]->id] = PETSC_TRUE;
    }
    PetscCall(PetscFree(dep));
  }
  PetscCall(PetscLogEventBegin(NB_GraphForward, 0, 0, 0, 0));
  PetscCall(ForwardFixed(g->nconst, g->constlist));
  for (PetscInt c0 = 0; c0 < n; c0 += S->cap) {
    PetscInt nc = PetscMin(S->cap, n - c0);
    PetscCall(NbGraphSetInputPartitioned(g, x, n, c0, nc, xv + (size_t)c0 * x->cols));
    PetscCall(ZeroReducers(S));
    for (PetscInt i0 = 0; i0 < nc; i0 += S->T) {
      SetTile(S, i0, &t);
      PetscCall(ForwardList(S->nlist, S->list, &t));
    }
    for (PetscInt k = 0; k < nout; k++)
      for (PetscInt p = 0; p < out[k]->cols; p++)
        for (PetscInt i = 0; i < nc; i++) vals[k][(size_t)(c0 + i) * out[k]->cols + p] = out[k]->capture[p * S->cap8 + i];
  }
  PetscCall(PetscLogEventEnd(NB_GraphForward, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetDropout(NbGraph g, PetscBool on)
{
  PetscFunctionBegin;
  g->dropout = on;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphAdvanceRandom(NbGraph g)
{
  PetscFunctionBegin;
  if (g->rng) PetscCall(NbRNGReserve(g->rng, NB_STREAM_EPOCH, 1, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}
