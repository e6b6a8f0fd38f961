/* Reductions and shape ops: sum, mean, weighted sums, linear combinations
   (how loss terms are combined), column concatenation and slices.

   A reduction over a point tensor is a "reducer": it accumulates one tile at
   a time, and on several ranks holds this rank's part of the sum; the mean
   divides by the global number of points, so summing the parts over ranks
   (done once for the loss, with the gradient) gives the global mean. */
#include "nnimpl.h"

/* ------------------------------------------------------------- sum, mean */
static PetscReal Divisor(NbNode y)
{
  NbNode x = y->in[0];
  if (y->iarg[0] == 0) return 1;
  if (x->kind == NB_KIND_POINT) return (PetscReal)x->g->sets[x->set].nglobal * x->cols;
  return (PetscReal)x->rows * x->cols;
}

static PetscErrorCode SumForward(NbNode y, const NbTile *t)
{
  NbNode    x = y->in[0];
  PetscInt  n = x->kind == NB_KIND_POINT ? t->n : x->rows;
  PetscReal s = 0, d = Divisor(y);

  PetscFunctionBegin;
  for (PetscInt p = 0; p < x->cols; p++) {
    const PetscReal *v = x->val + p * x->ld;
    for (PetscInt l = 0; l < n; l++) s += v[l];
  }
  if (d == 0) d = 1; /* an empty global set: the sum is 0 anyway */
  if (y->reducer) y->val[0] += s / d;
  else y->val[0] = s / d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SumBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode    x = y->in[0];
  PetscInt  n = x->kind == NB_KIND_POINT ? t->n : x->rows;
  PetscReal d = Divisor(y), gy = y->grad[0] / (d == 0 ? 1 : d);

  PetscFunctionBegin;
  for (PetscInt p = 0; p < x->cols; p++) {
    PetscReal *gx = x->grad + p * x->ld;
    for (PetscInt l = 0; l < n; l++) gx[l] += gy;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpSum = {"sum", SumForward, SumBackward, NB_PARTIAL_LINEAR, PETSC_FALSE};

static PetscErrorCode Reduce(NbTensor x, PetscInt mean, NbTensor *y)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCheck(x->K == 1, x->g->comm, PETSC_ERR_ARG_WRONG, "sum/mean of a jet: take its components first (NbTensorJetComponent)");
  PetscCall(NbNodeCreate_Private(x->g, &OpSum, 1, &x, &v));
  if (x->kind == NB_KIND_POINT) {
    v->kind    = NB_KIND_GLOBAL;
    v->set     = -1;
    v->reducer = PETSC_TRUE;
    v->partial = PETSC_TRUE;
  }
  v->rows    = 1;
  v->cols    = 1;
  v->iarg[0] = mean;
  *y         = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorSum(NbTensor x, NbTensor *y) { return Reduce(x, 0, y); }
PetscErrorCode NbTensorMean(NbTensor x, NbTensor *y) { return Reduce(x, 1, y); }

PetscErrorCode NbTensorMeanSquare(NbTensor x, NbTensor *y)
{
  NbTensor s;

  PetscFunctionBegin;
  PetscCall(NbTensorSquare(x, &s));
  PetscCall(NbTensorMean(s, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorWeightedSum(NbTensor x, NbTensor w, NbTensor *y)
{
  NbTensor p;

  PetscFunctionBegin;
  PetscCall(NbTensorMul(x, w, &p));
  PetscCall(NbTensorSum(p, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------- linear combination */
static PetscInt Lanes(NbNode v, const NbTile *t)
{
  return v->kind == NB_KIND_POINT ? t->n8 : v->rows;
}

static PetscErrorCode LinCombForward(NbNode y, const NbTile *t)
{
  PetscInt nl = Lanes(y, t);

  PetscFunctionBegin;
  for (PetscInt p = 0; p < y->cols; p++)
    for (PetscInt c = 0; c < y->K; c++) {
      PetscReal *v = y->val + p * y->ld + c * y->T;
      for (PetscInt l = 0; l < nl; l++) v[l] = 0;
      for (PetscInt k = 0; k < y->nin; k++) {
        const PetscReal *x = y->in[k]->val + p * y->in[k]->ld + c * y->in[k]->T, w = y->w[k];
        for (PetscInt l = 0; l < nl; l++) v[l] += w * x[l];
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LinCombBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  PetscInt nl = Lanes(y, t);

  PetscFunctionBegin;
  for (PetscInt k = 0; k < y->nin; k++) {
    NbNode x = y->in[k];
    if (!need[k]) continue;
    for (PetscInt p = 0; p < y->cols; p++)
      for (PetscInt c = 0; c < y->K; c++) {
        const PetscReal *gy = y->grad + p * y->ld + c * y->T, w = y->w[k];
        PetscReal       *gx = x->grad + p * x->ld + c * x->T;
        for (PetscInt l = 0; l < nl; l++) gx[l] += w * gy[l];
      }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpLinComb = {"lincomb", LinCombForward, LinCombBackward, NB_PARTIAL_LINEAR, PETSC_FALSE};

PetscErrorCode NbTensorLinearCombination(PetscInt n, const NbTensor x[], const PetscReal w[], NbTensor *y)
{
  NbGraph g;
  NbNode  v;

  PetscFunctionBegin;
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "NbTensorLinearCombination: needs at least one tensor");
  g = x[0]->g;
  for (PetscInt k = 1; k < n; k++) {
    PetscCall(NbGraphCheckSame_Private(x[0], x[k], "lincomb"));
    PetscCheck(x[k]->cols == x[0]->cols && x[k]->K == x[0]->K && NbJetSpecEqual_Private(x[k]->jet, x[0]->jet) && (x[0]->kind == NB_KIND_POINT) == (x[k]->kind == NB_KIND_POINT) && (x[0]->kind == NB_KIND_POINT || x[k]->rows == x[0]->rows), g->comm, PETSC_ERR_ARG_SIZ,
               "NbTensorLinearCombination: term %" PetscInt_FMT " has another shape than term 0 (all terms must be the same shape, e.g. 1 x 1 loss terms)", k);
  }
  PetscCall(NbNodeCreate_Private(g, &OpLinComb, n, x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x[0], x[0]->cols));
  PetscCall(PetscMalloc1(n, &v->w));
  for (PetscInt k = 0; k < n; k++) v->w[k] = w ? w[k] : 1;
  *y = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorSetWeights(NbTensor y, const PetscReal w[])
{
  PetscFunctionBegin;
  PetscCheck(y->op == &OpLinComb, y->g->comm, PETSC_ERR_ARG_WRONG, "NbTensorSetWeights: the tensor is not a linear combination");
  for (PetscInt k = 0; k < y->nin; k++) y->w[k] = w[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------- concat, slice */
static PetscErrorCode ConcatForward(NbNode y, const NbTile *t)
{
  PetscInt nl = Lanes(y, t), col = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < y->nin; k++) {
    NbNode x = y->in[k];
    for (PetscInt p = 0; p < x->cols; p++, col++)
      for (PetscInt c = 0; c < y->K; c++) PetscCall(PetscArraycpy(y->val + col * y->ld + c * y->T, x->val + p * x->ld + c * x->T, nl));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ConcatBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  PetscInt nl = Lanes(y, t), col = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < y->nin; k++) {
    NbNode x = y->in[k];
    for (PetscInt p = 0; p < x->cols; p++, col++) {
      if (!need[k]) continue;
      for (PetscInt c = 0; c < y->K; c++) {
        const PetscReal *gy = y->grad + col * y->ld + c * y->T;
        PetscReal       *gx = x->grad + p * x->ld + c * x->T;
        for (PetscInt l = 0; l < nl; l++) gx[l] += gy[l];
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpConcat = {"concat", ConcatForward, ConcatBackward, NB_PARTIAL_LINEAR, PETSC_FALSE};

PetscErrorCode NbTensorConcat(PetscInt n, const NbTensor x[], NbTensor *y)
{
  NbGraph  g;
  NbNode   v;
  PetscInt cols = 0;

  PetscFunctionBegin;
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "NbTensorConcat: needs at least one tensor");
  g = x[0]->g;
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(NbGraphCheckSame_Private(x[0], x[k], "concat"));
    PetscCheck(x[k]->K == x[0]->K && NbJetSpecEqual_Private(x[k]->jet, x[0]->jet) && (x[0]->kind == NB_KIND_POINT) == (x[k]->kind == NB_KIND_POINT) && (x[0]->kind == NB_KIND_POINT || x[k]->rows == x[0]->rows), g->comm, PETSC_ERR_ARG_SIZ,
               "NbTensorConcat: tensor %" PetscInt_FMT " does not have the rows (or jet) of tensor 0", k);
    cols += x[k]->cols;
  }
  PetscCall(NbNodeCreate_Private(g, &OpConcat, n, x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x[0], cols));
  *y = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpSlice = {"slice", NbViewForward_Private, NULL, NB_PARTIAL_LINEAR, PETSC_FALSE};

PetscErrorCode NbTensorSlice(NbTensor x, PetscInt c0, PetscInt c1, NbTensor *y)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCheck(0 <= c0 && c0 < c1 && c1 <= x->cols, x->g->comm, PETSC_ERR_ARG_OUTOFRANGE, "NbTensorSlice: columns [%" PetscInt_FMT ", %" PetscInt_FMT ") are not inside [0, %" PetscInt_FMT ")", c0, c1, x->cols);
  if (c0 == 0 && c1 == x->cols) { /* all columns: the tensor itself */
    *y = x;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(NbNodeCreate_Private(x->g, &OpSlice, 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, c1 - c0));
  v->isview  = PETSC_TRUE;
  v->iarg[1] = c0;
  *y         = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
