/* NbModel: the parameters of one network (or ensemble member, or flow) in
   one contiguous buffer, the gradient in a buffer of the same layout, the
   non-trainable constants in a third, and the RNG that initialised them.

   Layout: parameters in the order they were added, each stored
   feature-major (entry (r, c) of a rows x cols parameter at offset + c*rows + r),
   which is how the graph's kernels read them. */
#include "nnimpl.h"

const char *const NbInitTypes[]  = {"zeros", "constant", "uniform", "normal", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "NbInitType", "NB_INIT_", NULL};
const char *const NbActivations[] = {"none", "tanh", "sin", "cos", "sigmoid", "softplus", "gelu", "relu", "NbActivation", "NB_ACT_", NULL};

PetscErrorCode NbModelCreate(MPI_Comm comm, NbModel *model)
{
  NbModel m;

  PetscFunctionBegin;
  PetscCall(NbNNRegisterEvents_Private());
  PetscCall(PetscNew(&m));
  m->comm = comm;
  PetscCall(PetscStrncpy(m->name, "model", sizeof(m->name)));
  PetscCall(NbRNGCreate(comm, &m->rng));
  *model = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelSetName(NbModel m, const char name[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(m->name, name, sizeof(m->name)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelSetOptionsPrefix(NbModel m, const char prefix[]) { return NbSetPrefix_Private(m->prefix, prefix); }

PetscErrorCode NbModelSetSeed(NbModel m, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCall(NbRNGSetSeed(m->rng, seed));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelSetFromOptions(NbModel m)
{
  PetscInt  seed = (PetscInt)m->rng->seed;
  PetscBool set;

  PetscFunctionBegin;
  PetscOptionsBegin(m->comm, m->prefix, "nabla model (flat parameter buffer)", "NbModel");
  PetscCall(PetscOptionsInt("-model_seed", "Seed of the model's RNG (initialisation, dropout)", "NbModelSetSeed", seed, &seed, &set));
  PetscCall(PetscOptionsBool("-model_view", "Print the parameters after set-up", "NbModelView", m->view, &m->view, NULL));
  PetscOptionsEnd();
  if (set) PetscCall(NbModelSetSeed(m, seed));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AddParam(NbModel m, const char name[], PetscInt rows, PetscInt cols, NbInitType init, PetscReal scale, PetscBool trainable, PetscInt *index)
{
  NbParamInfo *p = NULL;
  PetscInt     dup;

  PetscFunctionBegin;
  PetscCheck(!m->setup, m->comm, PETSC_ERR_ARG_WRONGSTATE, "Model %s is set up: add parameter '%s' before NbModelSetUp (or the first NbGraphSetUp)", m->name, name);
  PetscCheck(rows > 0 && cols > 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "Parameter %s: rows and cols must be positive", name);
  PetscCall(NbModelFindParameter(m, name, &dup));
  PetscCheck(dup < 0, m->comm, PETSC_ERR_ARG_WRONG, "Model %s already has a parameter '%s'", m->name, name);
  if (m->np == m->maxp) {
    m->maxp = m->maxp ? 2 * m->maxp : 16;
    PetscCall(PetscRealloc(m->maxp * sizeof(NbParamInfo), &m->p));
  }
  p = &m->p[m->np];
  PetscCall(PetscMemzero(p, sizeof(*p)));
  PetscCall(PetscStrncpy(p->name, name, sizeof(p->name)));
  p->rows      = rows;
  p->cols      = cols;
  p->init      = init;
  p->scale     = scale;
  p->trainable = trainable;
  p->lo        = PETSC_NINFINITY;
  p->hi        = PETSC_INFINITY;
  if (trainable) p->offset = m->ntrain, m->ntrain += rows * cols;
  else p->offset = m->nconst, m->nconst += rows * cols;
  if (index) *index = m->np;
  m->np++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelAddParameter(NbModel m, const char name[], PetscInt rows, PetscInt cols, NbInitType init, PetscReal scale, PetscInt *index)
{
  return AddParam(m, name, rows, cols, init, scale, PETSC_TRUE, index);
}

PetscErrorCode NbModelAddScalar(NbModel m, const char name[], PetscReal value, PetscInt *index)
{
  return AddParam(m, name, 1, 1, NB_INIT_CONSTANT, value, PETSC_TRUE, index);
}

PetscErrorCode NbModelAddConstant(NbModel m, const char name[], PetscInt rows, PetscInt cols, NbInitType init, PetscReal scale, PetscInt *index)
{
  return AddParam(m, name, rows, cols, init, scale, PETSC_FALSE, index);
}

PetscErrorCode NbModelFindParameter(NbModel m, const char name[], PetscInt *index)
{
  PetscFunctionBegin;
  *index = -1;
  for (PetscInt i = 0; i < m->np; i++) {
    PetscBool eq;
    PetscCall(PetscStrcmp(m->p[i].name, name, &eq));
    if (eq) *index = i;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetParameterInfo_Private(NbModel m, PetscInt i, const NbParamInfo **p)
{
  PetscFunctionBegin;
  PetscCheck(i >= 0 && i < m->np, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "Model %s: no parameter %" PetscInt_FMT, m->name, i);
  *p = &m->p[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FindOrError(NbModel m, const char name[], NbParamInfo **p)
{
  PetscInt i;

  PetscFunctionBegin;
  PetscCall(NbModelFindParameter(m, name, &i));
  PetscCheck(i >= 0, m->comm, PETSC_ERR_ARG_WRONG, "Model %s has no parameter '%s' (NbModelView lists them)", m->name, name);
  *p = &m->p[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelSetParameterBounds(NbModel m, const char name[], PetscReal lo, PetscReal hi)
{
  NbParamInfo *p = NULL;

  PetscFunctionBegin;
  PetscCall(FindOrError(m, name, &p));
  PetscCheck(p->trainable, m->comm, PETSC_ERR_ARG_WRONG, "Parameter %s is a constant; bounds apply to trainable parameters", name);
  PetscCheck(lo <= hi, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "Parameter %s: lower bound %g above upper bound %g", name, (double)lo, (double)hi);
  p->lo        = lo;
  p->hi        = hi;
  m->hasbounds = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Glorot & Bengio (2010) and He et al. (2015) scalings; fan_in = rows,
   fan_out = cols for a weight used as x W. Parameter i draws from stream
   NB_STREAM_INIT + i, so adding a parameter does not change the others. */
static PetscErrorCode InitParam(NbModel m, PetscInt i)
{
  NbParamInfo *p = &m->p[i];
  PetscReal   *v = (p->trainable ? m->params : m->consts) + p->offset, s = p->scale, a = 0;
  PetscInt     n = p->rows * p->cols;
  PetscBool    normal = PETSC_FALSE;

  PetscFunctionBegin;
  switch (p->init) {
  case NB_INIT_ZEROS:
    for (PetscInt k = 0; k < n; k++) v[k] = 0;
    PetscFunctionReturn(PETSC_SUCCESS);
  case NB_INIT_CONSTANT:
    for (PetscInt k = 0; k < n; k++) v[k] = s;
    PetscFunctionReturn(PETSC_SUCCESS);
  case NB_INIT_UNIFORM:
    a = s;
    break;
  case NB_INIT_NORMAL:
    a = s, normal = PETSC_TRUE;
    break;
  case NB_INIT_GLOROT_UNIFORM:
    a = s * PetscSqrtReal(6.0 / (p->rows + p->cols));
    break;
  case NB_INIT_GLOROT_NORMAL:
    a = s * PetscSqrtReal(2.0 / (p->rows + p->cols)), normal = PETSC_TRUE;
    break;
  case NB_INIT_HE_UNIFORM:
    a = s * PetscSqrtReal(6.0 / p->rows);
    break;
  case NB_INIT_HE_NORMAL:
    a = s * PetscSqrtReal(2.0 / p->rows), normal = PETSC_TRUE;
    break;
  }
  if (normal) {
    PetscCall(NbRNGNormal(m->rng, NB_STREAM_INIT + i, 0, n, v));
    for (PetscInt k = 0; k < n; k++) v[k] *= a;
  } else {
    PetscCall(NbRNGUniform(m->rng, NB_STREAM_INIT + i, 0, n, v));
    for (PetscInt k = 0; k < n; k++) v[k] = a * (2 * v[k] - 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelInitialize(NbModel m)
{
  PetscFunctionBegin;
  PetscCheck(m->setup, m->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbModelSetUp() first");
  for (PetscInt i = 0; i < m->np; i++) PetscCall(InitParam(m, i));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelSetUp(NbModel m)
{
  PetscFunctionBegin;
  if (m->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscCalloc1(m->ntrain + 1, &m->params));
  PetscCall(PetscCalloc1(m->ntrain + 1, &m->grad));
  PetscCall(PetscCalloc1(m->nconst + 1, &m->consts));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, m->ntrain, m->params, &m->vparams));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, m->ntrain, m->grad, &m->vgrad));
  m->setup = PETSC_TRUE;
  PetscCall(NbModelInitialize(m));
  if (m->view) PetscCall(NbModelView(m, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelView(NbModel m, PetscViewer viewer)
{
  PetscFunctionBegin;
  if (!viewer) viewer = PETSC_VIEWER_STDOUT_(m->comm);
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbModel %s: %" PetscInt_FMT " trainable parameters in one buffer, %" PetscInt_FMT " constants, seed %" PetscInt64_FMT "\n", m->name, m->ntrain, m->nconst, m->rng->seed));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  for (PetscInt i = 0; i < m->np; i++) {
    const NbParamInfo *p = &m->p[i];
    PetscCall(PetscViewerASCIIPrintf(viewer, "%-24s %5" PetscInt_FMT " x %-5" PetscInt_FMT " %-9s offset %-7" PetscInt_FMT " init %s", p->name, p->rows, p->cols, p->trainable ? "trainable" : "constant", p->offset, NbInitTypes[p->init]));
    if (p->init == NB_INIT_CONSTANT) PetscCall(PetscViewerASCIIPrintf(viewer, " (%g)", (double)p->scale));
    if (p->lo > PETSC_NINFINITY || p->hi < PETSC_INFINITY) PetscCall(PetscViewerASCIIPrintf(viewer, " bounds [%g, %g]", (double)p->lo, (double)p->hi));
    PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelDestroy(NbModel *model)
{
  NbModel m = *model;

  PetscFunctionBegin;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < m->nlayers; i++) {
    PetscCall(PetscFree(m->layers[i]->widths));
    PetscCall(PetscFree(m->layers[i]->pidx));
    PetscCall(PetscFree(m->layers[i]));
  }
  PetscCall(PetscFree(m->layers));
  PetscCall(VecDestroy(&m->vparams));
  PetscCall(VecDestroy(&m->vgrad));
  PetscCall(PetscFree(m->params));
  PetscCall(PetscFree(m->grad));
  PetscCall(PetscFree(m->consts));
  PetscCall(PetscFree(m->p));
  PetscCall(NbRNGDestroy(&m->rng));
  PetscCall(PetscFree(m));
  *model = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------- access */
PetscErrorCode NbModelGetNumParameters(NbModel m, PetscInt *n)
{
  PetscFunctionBegin;
  *n = m->ntrain;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckSetUp(NbModel m)
{
  PetscFunctionBegin;
  PetscCheck(m->setup, m->comm, PETSC_ERR_ARG_WRONGSTATE, "Model %s is not set up: call NbModelSetUp() (or NbGraphSetUp on a graph that uses it)", m->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* between v (row-major) and a parameter's storage (feature-major, see the
   top of this file): into v, or from v when set (v is then only read) */
static PetscErrorCode CopyValues(NbModel m, const char name[], PetscBool set, PetscReal v[])
{
  NbParamInfo *p = NULL;
  PetscReal   *a;

  PetscFunctionBegin;
  PetscCall(CheckSetUp(m));
  PetscCall(FindOrError(m, name, &p));
  a = (p->trainable ? m->params : m->consts) + p->offset;
  for (PetscInt r = 0; r < p->rows; r++)
    for (PetscInt c = 0; c < p->cols; c++) {
      if (set) a[c * p->rows + r] = v[r * p->cols + c];
      else v[r * p->cols + c] = a[c * p->rows + r];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetParameterValues(NbModel m, const char name[], PetscReal v[]) { return CopyValues(m, name, PETSC_FALSE, v); }
PetscErrorCode NbModelSetParameterValues(NbModel m, const char name[], const PetscReal v[]) { return CopyValues(m, name, PETSC_TRUE, (PetscReal *)v); }

PetscErrorCode NbModelGetScalar(NbModel m, const char name[], PetscReal *v)
{
  NbParamInfo *p = NULL;

  PetscFunctionBegin;
  PetscCall(FindOrError(m, name, &p));
  PetscCheck(p->rows == 1 && p->cols == 1, m->comm, PETSC_ERR_ARG_SIZ, "Parameter %s is %" PetscInt_FMT " x %" PetscInt_FMT ", not a scalar", name, p->rows, p->cols);
  PetscCall(NbModelGetParameterValues(m, name, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the flat buffers are lent, not copied: restoring only clears the caller's pointer */
static PetscErrorCode Lend(NbModel m, PetscReal *buf, PetscReal **a)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(m));
  *a = buf;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Return(PetscReal **a)
{
  PetscFunctionBegin;
  *a = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetParameterArray(NbModel m, PetscReal **a) { return Lend(m, m->params, a); }
PetscErrorCode NbModelRestoreParameterArray(NbModel m, PetscReal **a) { return Return(a); }
PetscErrorCode NbModelGetGradientArray(NbModel m, PetscReal **a) { return Lend(m, m->grad, a); }
PetscErrorCode NbModelRestoreGradientArray(NbModel m, PetscReal **a) { return Return(a); }

PetscErrorCode NbModelGetParameterVec(NbModel m, Vec *v)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(m));
  *v = m->vparams;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetGradientVec(NbModel m, Vec *v)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(m));
  *v = m->vgrad;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelSetPrivate(NbModel m, PetscInt nprivate)
{
  PetscFunctionBegin;
  PetscCheck(m->setup, m->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbModelSetUp() before NbModelSetPrivate()");
  PetscCheck(nprivate >= 0 && nprivate <= m->ntrain, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "NbModelSetPrivate: %" PetscInt_FMT " private entries of %" PetscInt_FMT, nprivate, m->ntrain);
  m->nprivate = nprivate;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetPrivate(NbModel m, PetscInt *nprivate)
{
  PetscFunctionBegin;
  *nprivate = m->nprivate;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetRNG(NbModel m, NbRNG *rng)
{
  PetscFunctionBegin;
  *rng = m->rng;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbModelGetComm(NbModel m, MPI_Comm *comm)
{
  PetscFunctionBegin;
  *comm = m->comm;
  PetscFunctionReturn(PETSC_SUCCESS);
}
