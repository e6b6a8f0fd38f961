/* Layers: named groups of a model's parameters, and how they apply to a
   graph tensor. A layer can be applied in several graphs, or several times in
   one graph (collocation points and boundary points share the network). */
#include "nnimpl.h"

/* a layer of nw widths (input first) and np parameters, added below */
static PetscErrorCode LayerCreate(NbModel m, const char name[], NbLayerType type, PetscInt nw, const PetscInt widths[], NbActivation act, PetscInt np, NbLayer *layer)
{
  NbLayer l;

  PetscFunctionBegin;
  PetscCheck(!m->setup, m->comm, PETSC_ERR_ARG_WRONGSTATE, "Model %s is set up: add layer %s before NbModelSetUp", m->name, name);
  PetscCall(PetscNew(&l));
  l->model = m;
  l->type  = type;
  l->nw    = nw;
  l->act   = act;
  l->np    = np;
  PetscCall(PetscStrncpy(l->name, name, sizeof(l->name)));
  PetscCall(PetscMalloc1(nw, &l->widths));
  PetscCall(PetscMalloc1(np, &l->pidx));
  PetscCall(PetscArraycpy(l->widths, widths, nw));
  if (m->nlayers == m->maxlayers) {
    m->maxlayers = m->maxlayers ? 2 * m->maxlayers : 8;
    PetscCall(PetscRealloc(m->maxlayers * sizeof(NbLayer), &m->layers));
  }
  m->layers[m->nlayers++] = l;
  *layer                  = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* parameter k of the layer, named "<layer>.<suffix>" in the model */
static PetscErrorCode LayerParam(NbLayer l, PetscInt k, const char suffix[], PetscInt rows, PetscInt cols, NbInitType init, PetscReal scale, PetscBool trainable)
{
  char pname[NB_NAME_LEN];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(pname, sizeof(pname), "%s.%s", l->name, suffix));
  if (trainable) PetscCall(NbModelAddParameter(l->model, pname, rows, cols, init, scale, &l->pidx[k]));
  else PetscCall(NbModelAddConstant(l->model, pname, rows, cols, init, scale, &l->pidx[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Glorot-normal weights, He-normal before a ReLU */
static NbInitType WeightInit(NbActivation act)
{
  return act == NB_ACT_RELU ? NB_INIT_HE_NORMAL : NB_INIT_GLOROT_NORMAL;
}

PetscErrorCode NbModelAddMLP(NbModel m, const char name[], PetscInt nw, const PetscInt widths[], NbActivation act, NbLayer *layer)
{
  NbLayer l;

  PetscFunctionBegin;
  PetscCheck(nw >= 2, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "MLP %s: give at least the input and output widths", name);
  for (PetscInt i = 0; i < nw; i++) PetscCheck(widths[i] > 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "MLP %s: width %" PetscInt_FMT " is %" PetscInt_FMT, name, i, widths[i]);
  PetscCall(LayerCreate(m, name, NB_LAYER_MLP, nw, widths, act, 2 * (nw - 1), &l));
  for (PetscInt i = 0; i + 1 < nw; i++) {
    char suffix[NB_NAME_LEN];
    PetscCall(PetscSNPrintf(suffix, sizeof(suffix), "%" PetscInt_FMT ".W", i));
    PetscCall(LayerParam(l, 2 * i, suffix, widths[i], widths[i + 1], WeightInit(act), 1.0, PETSC_TRUE));
    PetscCall(PetscSNPrintf(suffix, sizeof(suffix), "%" PetscInt_FMT ".b", i));
    PetscCall(LayerParam(l, 2 * i + 1, suffix, 1, widths[i + 1], NB_INIT_ZEROS, 0.0, PETSC_TRUE));
  }
  if (layer) *layer = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* parameters "<name>.W" (nin x nout, Glorot/He normal) and "<name>.b" (zeros) */
PetscErrorCode NbModelAddDense(NbModel m, const char name[], PetscInt nin, PetscInt nout, NbActivation act, NbLayer *layer)
{
  NbLayer        l;
  const PetscInt widths[2] = {nin, nout};

  PetscFunctionBegin;
  PetscCheck(nin > 0 && nout > 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "Dense layer %s: sizes must be positive", name);
  PetscCall(LayerCreate(m, name, NB_LAYER_DENSE, 2, widths, act, 2, &l));
  PetscCall(LayerParam(l, 0, "W", nin, nout, WeightInit(act), 1.0, PETSC_TRUE));
  PetscCall(LayerParam(l, 1, "b", 1, nout, NB_INIT_ZEROS, 0.0, PETSC_TRUE));
  if (layer) *layer = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a constant "<name>.B" (nin x nf, normal with std sigma); 2 nf outputs */
PetscErrorCode NbModelAddFourierFeatures(NbModel m, const char name[], PetscInt nin, PetscInt nf, PetscReal sigma, NbLayer *layer)
{
  NbLayer        l;
  const PetscInt widths[2] = {nin, 2 * nf};

  PetscFunctionBegin;
  PetscCheck(nin > 0 && nf > 0 && sigma > 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "Fourier features %s: inputs, features and sigma must be positive", name);
  PetscCall(LayerCreate(m, name, NB_LAYER_FOURIER, 2, widths, NB_ACT_NONE, 1, &l));
  PetscCall(LayerParam(l, 0, "B", nin, nf, NB_INIT_NORMAL, sigma, PETSC_FALSE));
  if (layer) *layer = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* parameters "<name>.gain" (ones) and "<name>.bias" (zeros) */
PetscErrorCode NbModelAddLayerNorm(NbModel m, const char name[], PetscInt n, NbLayer *layer)
{
  NbLayer        l;
  const PetscInt widths[2] = {n, n};

  PetscFunctionBegin;
  PetscCall(LayerCreate(m, name, NB_LAYER_LAYERNORM, 2, widths, NB_ACT_NONE, 2, &l));
  PetscCall(LayerParam(l, 0, "gain", 1, n, NB_INIT_CONSTANT, 1.0, PETSC_TRUE));
  PetscCall(LayerParam(l, 1, "bias", 1, n, NB_INIT_ZEROS, 0.0, PETSC_TRUE));
  if (layer) *layer = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbLayerGetSizes(NbLayer l, PetscInt *nin, PetscInt *nout)
{
  PetscFunctionBegin;
  if (nin) *nin = l->widths[0];
  if (nout) *nout = l->widths[l->nw - 1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Param(NbLayer l, NbGraph g, PetscInt k, NbTensor *t)
{
  PetscFunctionBegin;
  PetscCall(NbGraphAddParameter(g, l->model, l->model->p[l->pidx[k]].name, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbLayerApply(NbLayer l, NbGraph g, NbTensor x, NbTensor *y)
{
  NbTensor h = x;

  PetscFunctionBegin;
  PetscCheck(x->cols == l->widths[0], g->comm, PETSC_ERR_ARG_SIZ, "Layer %s takes %" PetscInt_FMT " input columns, the tensor has %" PetscInt_FMT, l->name, l->widths[0], x->cols);
  switch (l->type) {
  case NB_LAYER_MLP:
  case NB_LAYER_DENSE:
    for (PetscInt i = 0; i + 1 < l->nw; i++) {
      NbTensor W, b;
      PetscCall(Param(l, g, 2 * i, &W));
      PetscCall(Param(l, g, 2 * i + 1, &b));
      PetscCall(NbTensorDense(h, W, b, &h));
      if (i + 2 < l->nw || l->type == NB_LAYER_DENSE) PetscCall(NbTensorActivation(h, l->act, &h));
    }
    break;
  case NB_LAYER_FOURIER: {
    NbTensor B, z, cs[2];
    PetscCall(Param(l, g, 0, &B));
    PetscCall(NbTensorMatMul(h, B, &z));
    PetscCall(NbTensorScale(z, 2 * PETSC_PI, &z));
    PetscCall(NbTensorCos(z, &cs[0]));
    PetscCall(NbTensorSin(z, &cs[1]));
    PetscCall(NbTensorConcat(2, cs, &h));
  } break;
  case NB_LAYER_LAYERNORM: {
    NbTensor gain, bias;
    PetscCall(Param(l, g, 0, &gain));
    PetscCall(Param(l, g, 1, &bias));
    PetscCall(NbTensorLayerNorm(h, 1e-5, &h));
    PetscCall(NbTensorMul(h, gain, &h));
    PetscCall(NbTensorAdd(h, bias, &h));
  } break;
  }
  *y = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}
