/* The computational graph: construction (kinds and shapes checked as nodes
   are added, kann-style), and compilation (NbGraphSetUp): gradient flags,
   execution order, tiling and memory.

   Nodes are created in topological order (an op can only take existing
   tensors), so compilation sorts them by kind, keeping creation order:
   constants (parameters and what is computed from them), then each point
   set with its reductions, then the global nodes after the reductions. */
#include "nnimpl.h"

PetscLogEvent NB_GraphForward, NB_GraphGradient, NB_GraphAllreduce, NB_OptStep, NB_TaoObjGrad, NB_Checkpoint, NB_GraphJacobian, NB_GraphResidual, NB_LSQForm, NB_LSQSolve;

PetscErrorCode NbNNRegisterEvents_Private(void)
{
  static const struct {
    const char    *name;
    PetscLogEvent *event;
  } events[] = {
    {"NbGraphForward",   &NB_GraphForward  },
    {"NbGraphGradient",  &NB_GraphGradient },
    {"NbGraphAllreduce", &NB_GraphAllreduce},
    {"NbOptimizerStep",  &NB_OptStep       },
    {"NbTaoObjGrad",     &NB_TaoObjGrad    },
    {"NbCheckpoint",     &NB_Checkpoint    },
    {"NbGraphJacobian",  &NB_GraphJacobian },
    {"NbGraphResidual",  &NB_GraphResidual },
    {"NbLSQForm",        &NB_LSQForm       },
    {"NbLSQSolve",       &NB_LSQSolve      }
  };
  static PetscBool done = PETSC_FALSE;

  PetscFunctionBegin;
  if (done) PetscFunctionReturn(PETSC_SUCCESS);
  done = PETSC_TRUE;
  if (!NB_CLASSID) PetscCall(PetscClassIdRegister("nabla", &NB_CLASSID));
  for (size_t k = 0; k < sizeof(events) / sizeof(events[0]); k++) PetscCall(PetscLogEventRegister(events[k].name, NB_CLASSID, events[k].event));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every nn object's SetOptionsPrefix; NULL clears the prefix */
PetscErrorCode NbSetPrefix_Private(char dst[NB_NAME_LEN], const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(dst, prefix ? prefix : "", NB_NAME_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------- leaf ops: no compute */
static PetscErrorCode InputForward(NbNode v, const NbTile *t)
{
  PetscFunctionBegin;
  v->val = v->staging + t->i0;
  if (v->gradbase) v->grad = v->gradbase + t->i0;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode NoForward(NbNode v, const NbTile *t)
{
  PetscFunctionBegin;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* views share their parent's storage from column iarg[1], jet component
   iarg[0] (a slice: from its first column; a jet component: that component
   of every column): no copy forward, nothing to do backward */
PetscErrorCode NbViewForward_Private(NbNode y, const NbTile *t)
{
  NbNode   x   = y->in[0];
  PetscInt off = y->iarg[1] * x->ld + y->iarg[0] * x->T;

  PetscFunctionBegin;
  y->val  = x->val + off;
  y->grad = x->grad ? x->grad + off : NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const NbOp NbOp_Input    = {"input", InputForward, NULL, NB_PARTIAL_NONE, PETSC_FALSE};
const NbOp NbOp_Param    = {"parameter", NoForward, NULL, NB_PARTIAL_NONE, PETSC_FALSE};
const NbOp NbOp_Constant = {"constant", NoForward, NULL, NB_PARTIAL_NONE, PETSC_FALSE};

/* ------------------------------------------------------------ construction */
PetscErrorCode NbGraphCreate(MPI_Comm comm, NbGraph *graph)
{
  NbGraph g;

  PetscFunctionBegin;
  PetscCall(NbNNRegisterEvents_Private());
  PetscCall(PetscNew(&g));
  g->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &g->rank));
  PetscCallMPI(MPI_Comm_size(comm, &g->size));
  g->tile    = 64;
  g->dropout = PETSC_TRUE;
  *graph     = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphCheckOpen_Private(NbGraph g)
{
  PetscFunctionBegin;
  PetscCheck(!g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "The graph is compiled: add tensors before NbGraphSetUp(), or build a second graph on the same model");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphCheckSame_Private(NbNode a, NbNode b, const char opname[])
{
  PetscFunctionBegin;
  PetscCheck(a->g == b->g, a->g->comm, PETSC_ERR_ARG_INCOMP, "%s: the tensors belong to different graphs", opname);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *KindName(NbKind k)
{
  return k == NB_KIND_CONST ? "constant" : k == NB_KIND_POINT ? "point" : "global";
}

/* A new node whose kind follows from its inputs: point if one input is, the
   inputs' point set must then be the same; a point tensor cannot depend on a
   global one (tiles of points run before the reductions are complete). */
PetscErrorCode NbNodeCreate_Private(NbGraph g, const NbOp *op, PetscInt nin, const NbNode in[], NbNode *node)
{
  NbNode    v;
  PetscBool haspoint = PETSC_FALSE, hasglobal = PETSC_FALSE;
  PetscInt  set = -1;

  PetscFunctionBegin;
  PetscCall(NbGraphCheckOpen_Private(g));
  for (PetscInt i = 0; i < nin; i++) {
    PetscCheck(in[i], g->comm, PETSC_ERR_ARG_NULL, "%s: input %" PetscInt_FMT " is NULL", op->name, i);
    PetscCheck(in[i]->g == g, g->comm, PETSC_ERR_ARG_INCOMP, "%s: input %" PetscInt_FMT " belongs to another graph", op->name, i);
    if (in[i]->kind == NB_KIND_POINT) {
      PetscCheck(set < 0 || set == in[i]->set, g->comm, PETSC_ERR_ARG_INCOMP, "%s: tensors on different point sets ('%s' and '%s') cannot be combined point by point; reduce each to a scalar first (NbTensorMean) and combine the scalars", op->name, g->sets[set].name, g->sets[in[i]->set].name);
      set      = in[i]->set;
      haspoint = PETSC_TRUE;
    }
    if (in[i]->kind == NB_KIND_GLOBAL) hasglobal = PETSC_TRUE;
  }
  PetscCheck(!(haspoint && hasglobal), g->comm, PETSC_ERR_SUP, "%s: a point tensor cannot depend on a reduction over points (points run in tiles before the reduction is complete); pass the value as a constant (NbGraphAddConstant) instead", op->name);
  if (g->nnodes == g->maxnodes) {
    g->maxnodes = g->maxnodes ? 2 * g->maxnodes : 64;
    PetscCall(PetscRealloc(g->maxnodes * sizeof(NbNode), &g->nodes));
  }
  PetscCall(PetscNew(&v));
  v->g    = g;
  v->id   = g->nnodes;
  v->op   = op;
  v->nin  = nin;
  v->kind = haspoint ? NB_KIND_POINT : hasglobal ? NB_KIND_GLOBAL : NB_KIND_CONST;
  v->set  = set;
  v->K    = 1;
  v->gradoff = -1;
  v->ndata   = -1;
  if (nin) PetscCall(PetscMalloc1(nin, &v->in));
  for (PetscInt i = 0; i < nin; i++) {
    v->in[i] = in[i];
    in[i]->nconsumers++;
    if (in[i]->partial) v->partial = PETSC_TRUE;
  }
  g->nodes[g->nnodes++] = v;
  *node                 = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rows, kind-dependent capacity and jet of like, with cols columns */
PetscErrorCode NbNodeSetShapeLike_Private(NbNode v, NbNode like, PetscInt cols)
{
  PetscFunctionBegin;
  v->rows = like->rows;
  v->cols = cols;
  v->K    = like->K;
  v->jet  = like->jet;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorSetName(NbTensor v, const char name[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(v->name, name, sizeof(v->name)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorGetShape(NbTensor v, PetscInt *rows, PetscInt *cols)
{
  PetscFunctionBegin;
  if (rows) *rows = v->kind == NB_KIND_POINT ? v->g->sets[v->set].n : v->rows;
  if (cols) *cols = v->cols;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AddInput(NbGraph g, const char name[], PetscInt set, PetscInt cols, NbTensor *x)
{
  NbNode      v;
  NbPointSet *s = &g->sets[set];

  PetscFunctionBegin;
  PetscCheck(cols > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "Input %s: needs at least one column", name);
  PetscCall(NbNodeCreate_Private(g, &NbOp_Input, 0, NULL, &v));
  PetscCall(PetscStrncpy(v->name, name, sizeof(v->name)));
  v->kind    = NB_KIND_POINT;
  v->set     = set;
  v->rows    = s->cap;
  v->cols    = cols;
  v->isinput = PETSC_TRUE;
  PetscCall(PetscRealloc((s->ninputs + 1) * sizeof(NbNode), &s->inputs));
  s->inputs[s->ninputs++] = v;
  *x                      = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphAddInput(NbGraph g, const char name[], PetscInt maxpoints, PetscInt cols, NbTensor *x)
{
  NbPointSet *s;

  PetscFunctionBegin;
  PetscCall(NbGraphCheckOpen_Private(g));
  PetscCheck(maxpoints > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "Input %s: the capacity must be positive (got %" PetscInt_FMT ")", name, maxpoints);
  PetscCall(PetscRealloc((g->nsets + 1) * sizeof(NbPointSet), &g->sets));
  s = &g->sets[g->nsets];
  PetscCall(PetscMemzero(s, sizeof(*s)));
  s->id = g->nsets;
  PetscCall(PetscStrncpy(s->name, name, sizeof(s->name)));
  s->cap      = maxpoints;
  s->cap8     = (maxpoints + 7) / 8 * 8;
  s->rowblock = 1;
  g->nsets++;
  PetscCall(AddInput(g, name, s->id, cols, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphAddInputLike(NbGraph g, const char name[], NbTensor like, PetscInt cols, NbTensor *x)
{
  PetscFunctionBegin;
  PetscCheck(like->g == g && like->kind == NB_KIND_POINT, g->comm, PETSC_ERR_ARG_WRONG, "Input %s: 'like' must be a point tensor of this graph", name);
  PetscCall(AddInput(g, name, like->set, cols, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GraphAddModel(NbGraph g, NbModel m)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < g->nmodels; i++)
    if (g->models[i] == m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(g->nmodels < (PetscInt)PETSC_STATIC_ARRAY_LENGTH(g->models), g->comm, PETSC_ERR_SUP, "A graph can use at most %d models", (int)PETSC_STATIC_ARRAY_LENGTH(g->models));
  g->models[g->nmodels++] = m;
  if (!g->rng) g->rng = m->rng;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphAddParameter(NbGraph g, NbModel m, const char name[], NbTensor *x)
{
  PetscInt           idx;
  const NbParamInfo *p;
  NbNode             v;

  PetscFunctionBegin;
  PetscCall(NbModelFindParameter(m, name, &idx));
  PetscCheck(idx >= 0, g->comm, PETSC_ERR_ARG_WRONG, "The model '%s' has no parameter '%s' (NbModelView lists them)", m->name, name);
  for (PetscInt i = 0; i < g->nnodes; i++)
    if (g->nodes[i]->isparam && g->nodes[i]->model == m && g->nodes[i]->pidx == idx) {
      *x = g->nodes[i];
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  PetscCall(NbModelGetParameterInfo_Private(m, idx, &p));
  PetscCall(NbNodeCreate_Private(g, &NbOp_Param, 0, NULL, &v));
  PetscCall(PetscStrncpy(v->name, name, sizeof(v->name)));
  v->rows     = p->rows;
  v->cols     = p->cols;
  v->isparam  = PETSC_TRUE;
  v->model    = m;
  v->pidx     = idx;
  v->requires = p->trainable;
  PetscCall(GraphAddModel(g, m));
  *x = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphAddConstant(NbGraph g, const char name[], PetscInt rows, PetscInt cols, const PetscReal values[], NbTensor *x)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCheck(rows > 0 && cols > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "Constant %s: rows and cols must be positive", name);
  PetscCall(NbNodeCreate_Private(g, &NbOp_Constant, 0, NULL, &v));
  PetscCall(PetscStrncpy(v->name, name, sizeof(v->name)));
  v->rows = rows;
  v->cols = cols;
  PetscCall(PetscCalloc1(rows * cols, &v->constval));
  if (values) PetscCall(NbGraphSetConstant(g, v, values));
  *x = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetConstant(NbGraph g, NbTensor x, const PetscReal values[])
{
  PetscFunctionBegin;
  PetscCheck(x->op == &NbOp_Constant, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphSetConstant: '%s' is not a constant made by NbGraphAddConstant", x->name);
  for (PetscInt r = 0; r < x->rows; r++)
    for (PetscInt c = 0; c < x->cols; c++) x->constval[c * x->rows + r] = values[r * x->cols + c];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetLoss(NbGraph g, NbTensor loss)
{
  PetscFunctionBegin;
  PetscCall(NbGraphCheckOpen_Private(g));
  PetscCheck(loss->g == g, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphSetLoss: the tensor belongs to another graph");
  PetscCheck(loss->kind != NB_KIND_POINT && loss->rows == 1 && loss->cols == 1, g->comm, PETSC_ERR_ARG_SIZ, "The loss must be a 1 x 1 scalar, got a %s tensor with %" PetscInt_FMT " column(s): reduce it with NbTensorMean or NbTensorMeanSquare", KindName(loss->kind), loss->cols);
  g->loss = loss;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphMarkOutput(NbGraph g, NbTensor x)
{
  PetscFunctionBegin;
  PetscCall(NbGraphCheckOpen_Private(g));
  PetscCheck(x->K == 1, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphMarkOutput: '%s' is a jet; mark its components (NbTensorJetComponent) instead", x->name[0] ? x->name : x->op->name);
  x->isoutput = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetRNG(NbGraph g, NbRNG rng)
{
  PetscFunctionBegin;
  g->rng = rng;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetOptionsPrefix(NbGraph g, const char prefix[]) { return NbSetPrefix_Private(g->prefix, prefix); }

PetscErrorCode NbGraphSetTileSize(NbGraph g, PetscInt tile)
{
  PetscFunctionBegin;
  PetscCall(NbGraphCheckOpen_Private(g));
  PetscCheck(tile >= 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "-graph_tile %" PetscInt_FMT ": must be >= 0 (0: whole point sets)", tile);
  g->tile = tile;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetFromOptions(NbGraph g)
{
  PetscInt tile = g->tile;

  PetscFunctionBegin;
  PetscOptionsBegin(g->comm, g->prefix, "nabla computational graph", "NbGraph");
  PetscCall(PetscOptionsInt("-graph_tile", "Points per tile (0: whole point sets in one pass)", "NbGraphSetTileSize", tile, &tile, NULL));
  PetscCall(PetscOptionsBool("-graph_view", "Print the compiled graph", "NbGraphView", g->view, &g->view, NULL));
  PetscOptionsEnd();
  PetscCall(NbGraphSetTileSize(g, tile));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphGetComm(NbGraph g, MPI_Comm *comm)
{
  PetscFunctionBegin;
  *comm = g->comm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------- compilation */

/* Is the loss linear in the reductions over points? Then the gradient that
   reaches each reduction is known before any point is processed, and every
   tile can run forward and backward at once with its data in cache (fused).
   Otherwise each set runs as one tile: forward, reductions, backward. The
   same test, stricter (no constant terms added to partial sums), decides
   whether a loss can be summed over ranks. */
static PetscErrorCode CheckPartial(NbGraph g, PetscBool *fused)
{
  PetscFunctionBegin;
  *fused = PETSC_TRUE;
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode   v = g->nodes[i];
    PetscInt np = 0;
    if (v->kind != NB_KIND_GLOBAL || v->reducer) continue;
    for (PetscInt j = 0; j < v->nin; j++) np += v->in[j]->partial ? 1 : 0;
    if (!np) continue;
    switch (v->op->partial) {
    case NB_PARTIAL_NONE:
      *fused = PETSC_FALSE;
      PetscCheck(g->size == 1, g->comm, PETSC_ERR_SUP, "Data-parallel loss: '%s' is a nonlinear function of a reduction over distributed points, which cannot be summed over ranks. Write the loss as a weighted sum of means (NbTensorLinearCombination of NbTensorMean...)", v->op->name);
      break;
    case NB_PARTIAL_LINEAR:
      PetscCheck(g->size == 1 || np == v->nin, g->comm, PETSC_ERR_SUP, "Data-parallel loss: '%s' adds a term that does not depend on the points to a sum over points; it would be counted once per rank. Make it a mean over a point set, or add it in a separate objective", v->op->name);
      PetscCheck(g->size == 1 || v->beta == 0, g->comm, PETSC_ERR_SUP, "Data-parallel loss: '%s' shifts a sum over points by a constant, which would be counted once per rank", v->op->name);
      break;
    case NB_PARTIAL_FACTOR:
      if (np > 1) {
        *fused = PETSC_FALSE;
        PetscCheck(g->size == 1, g->comm, PETSC_ERR_SUP, "Data-parallel loss: '%s' multiplies two reductions over distributed points, which cannot be summed over ranks", v->op->name);
      }
      break;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphSetUp(NbGraph g)
{
  PetscFunctionBegin;
  if (g->setup) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < g->nmodels; i++) PetscCall(NbModelSetUp(g->models[i]));
  if (!g->rng) {
    PetscCall(NbRNGCreate(g->comm, &g->rng));
    g->rngowned = PETSC_TRUE;
  }

  /* gradient flags: requires (depends on a trainable parameter) forward,
     contributes (the loss depends on it) backward */
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    for (PetscInt j = 0; j < v->nin; j++)
      if (v->in[j]->requires) v->requires = PETSC_TRUE;
  }
  if (g->loss) g->loss->contributes = PETSC_TRUE;
  for (PetscInt i = g->nnodes - 1; i >= 0; i--) {
    NbNode v = g->nodes[i];
    if (!v->contributes) continue;
    for (PetscInt j = 0; j < v->nin; j++) v->in[j]->contributes = PETSC_TRUE;
  }
  for (PetscInt i = 0; i < g->nnodes; i++) g->nodes[i]->needgrad = (PetscBool)(g->nodes[i]->requires && g->nodes[i]->contributes);
  PetscCall(CheckPartial(g, &g->fused));

  /* execution order */
  PetscCall(PetscMalloc2(g->nnodes, &g->constlist, g->nnodes, &g->globallist));
  for (PetscInt s = 0; s < g->nsets; s++) PetscCall(PetscMalloc1(g->nnodes, &g->sets[s].list));
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    if (v->kind == NB_KIND_CONST) v->pos = g->nconst, g->constlist[g->nconst++] = v;
    else if (v->kind == NB_KIND_POINT) {
      NbPointSet *s = &g->sets[v->set];
      v->pos = s->nlist, s->list[s->nlist++] = v;
    } else if (v->reducer) {
      NbPointSet *s = &g->sets[v->in[0]->set];
      v->pos = s->nlist, s->list[s->nlist++] = v;
    } else v->pos = g->nglobal, g->globallist[g->nglobal++] = v;
  }
  for (PetscInt s = 0; s < g->nsets; s++) {
    NbPointSet *S = &g->sets[s];
    PetscInt    T = g->tile > 0 && g->fused ? PetscMin(g->tile, S->cap) : S->cap;
    PetscInt    a = 8, b = S->rowblock, q;
    while (b) { /* q = lcm(8, rowblock): tiles hold whole attention sequences and whole vectors */
      PetscInt r = a % b;
      a = b;
      b = r;
    }
    q    = 8 / a * S->rowblock;
    S->T = (T + q - 1) / q * q;
  }
  PetscCall(NbGraphPlan_Private(g));
  g->setup = PETSC_TRUE;
  if (g->view) PetscCall(NbGraphView(g, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphView(NbGraph g, PetscViewer viewer)
{
  PetscFunctionBegin;
  if (!viewer) viewer = PETSC_VIEWER_STDOUT_(g->comm);
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbGraph: %" PetscInt_FMT " nodes, %" PetscInt_FMT " point set(s), %d rank(s), %s\n", g->nnodes, g->nsets, (int)g->size, g->setup ? (g->fused ? "compiled, tiles fused forward+backward" : "compiled, whole sets per pass") : "not compiled"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  for (PetscInt s = 0; s < g->nsets; s++) PetscCall(PetscViewerASCIIPrintf(viewer, "point set %" PetscInt_FMT " '%s': capacity %" PetscInt_FMT ", tile %" PetscInt_FMT "\n", s, g->sets[s].name, g->sets[s].cap, g->sets[s].T));
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    char   ins[128] = "", buf[16];
    for (PetscInt j = 0; j < v->nin && j < 8; j++) {
      PetscCall(PetscSNPrintf(buf, sizeof(buf), "%s%" PetscInt_FMT, j ? "," : "", v->in[j]->id));
      PetscCall(PetscStrlcat(ins, buf, sizeof(ins)));
    }
    PetscCall(PetscViewerASCIIPrintf(viewer, "%3" PetscInt_FMT " %-11s %-8s %-12s %-14s %6" PetscInt_FMT " x %-4" PetscInt_FMT " jet %-2" PetscInt_FMT " in (%s)%s%s\n", v->id, v->op->name, KindName(v->kind), v->kind == NB_KIND_POINT ? g->sets[v->set].name : "", v->name, v->kind == NB_KIND_POINT ? g->sets[v->set].cap : v->rows, v->cols, v->K, ins,
                                     v->needgrad ? " grad" : "", v == g->loss ? " LOSS" : ""));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphDestroy(NbGraph *graph)
{
  NbGraph g = *graph;

  PetscFunctionBegin;
  if (!g) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode v = g->nodes[i];
    PetscCall(PetscFree(v->in));
    PetscCall(PetscFree(v->w));
    PetscCall(PetscFree(v->constval));
    PetscCall(PetscFree(v));
  }
  for (PetscInt s = 0; s < g->nsets; s++) {
    PetscCall(PetscFree(g->sets[s].list));
    PetscCall(PetscFree(g->sets[s].inputs));
    PetscCall(PetscFree2(g->sets[s].nzero, g->sets[s].zero));
  }
  for (PetscInt j = 0; j < g->njets; j++) PetscCall(PetscFree(g->jets[j]));
  PetscCall(PetscFree(g->sets));
  PetscCall(PetscFree(g->nodes));
  PetscCall(PetscFree2(g->constlist, g->globallist));
  PetscCall(PetscFree(g->arena));
  PetscCall(PetscFree(g->need));
  if (g->rngowned) PetscCall(NbRNGDestroy(&g->rng));
  PetscCall(PetscFree(g));
  *graph = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
