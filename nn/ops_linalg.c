/* Matrix products: y = x W (+ b), the dense layer of every network.
   Shapes: x [n points x k], W [k x m] (a parameter or a constant tensor),
   b [1 x m]; y [n x m]. Jets go through unchanged (the product is linear);
   the bias only shifts the value component. In storage terms (feature-major):
     forward   Y[j][l]  = sum_p W(p,j) X[p][l] + b[j]
     backward  gX[p][l] += sum_j W(p,j) gY[j][l]
               gW(p,j)  += sum_l X[p][l] gY[j][l]      (l < n exactly)
               gb[j]    += sum_l gY_value[j][l] */
#include "nnimpl.h"

static PetscInt Lanes(NbNode v, const NbTile *t, PetscInt *n)
{
  *n = v->kind == NB_KIND_POINT ? t->n : v->rows;
  return v->kind == NB_KIND_POINT ? t->n8 : v->rows;
}

/* one call over all components when they are contiguous (a full tile) */
static PetscBool Contiguous(NbNode x, NbNode y, const NbTile *t)
{
  return (PetscBool)(x->K > 1 && x->kind == NB_KIND_POINT && t->n == x->T);
}

static PetscErrorCode DenseForward(NbNode y, const NbTile *t)
{
  NbNode   x = y->in[0], W = y->in[1], b = y->nin > 2 ? y->in[2] : NULL;
  PetscInt n, nl = Lanes(y, t, &n), k = x->cols, m = y->cols;

  PetscFunctionBegin;
  /* the bias is added to the value component (lanes < T of a jet, < nl otherwise) */
  if (Contiguous(x, y, t)) {
    if (b) NbGemmFMBias(m, k, x->K * x->T, W->val, 1, W->ld, x->val, x->ld, y->val, y->ld, b->val, b->ld, nl);
    else NbGemmFM(m, k, x->K * x->T, W->val, 1, W->ld, x->val, x->ld, y->val, y->ld, PETSC_FALSE);
  } else
    for (PetscInt c = 0; c < x->K; c++) {
      if (b && c == 0) NbGemmFMBias(m, k, nl, W->val, 1, W->ld, x->val, x->ld, y->val, y->ld, b->val, b->ld, nl);
      else NbGemmFM(m, k, nl, W->val, 1, W->ld, x->val + c * x->T, x->ld, y->val + c * y->T, y->ld, PETSC_FALSE);
    }
  PetscCall(PetscLogFlops(2.0 * k * m * nl * x->K));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DenseBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode   x = y->in[0], W = y->in[1], b = y->nin > 2 ? y->in[2] : NULL;
  PetscInt n, nl = Lanes(y, t, &n), k = x->cols, m = y->cols;

  PetscFunctionBegin;
  if (need[0]) { /* the first writer of gX stores instead of adding (no zeroing pass) */
    PetscBool add = (PetscBool)!y->ovw0;
    if (Contiguous(x, y, t)) NbGemmFM(k, m, x->K * x->T, W->val, W->ld, 1, y->grad, y->ld, x->grad, x->ld, add);
    else
      for (PetscInt c = 0; c < x->K; c++) NbGemmFM(k, m, nl, W->val, W->ld, 1, y->grad + c * y->T, y->ld, x->grad + c * x->T, x->ld, add);
  }
  if (need[1]) {
    if (Contiguous(x, y, t)) NbGemmDotFM(k, m, x->K * x->T, x->val, x->ld, y->grad, y->ld, W->grad, 1, W->ld);
    else
      for (PetscInt c = 0; c < x->K; c++) NbGemmDotFM(k, m, n, x->val + c * x->T, x->ld, y->grad + c * y->T, y->ld, W->grad, 1, W->ld);
  }
  if (b && need[2]) NbRowSumFM(m, n, y->grad, y->ld, b->grad, b->ld);
  PetscCall(PetscLogFlops(2.0 * k * m * nl * x->K * ((need[0] ? 1 : 0) + (need[1] ? 1 : 0))));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpDense = {"dense", DenseForward, DenseBackward, NB_PARTIAL_NONE, PETSC_TRUE};

PetscErrorCode NbTensorDense(NbTensor x, NbTensor W, NbTensor b, NbTensor *y)
{
  NbGraph  g = x->g;
  NbNode   v, in[3] = {x, W, b};
  PetscInt nin = b ? 3 : 2;

  PetscFunctionBegin;
  PetscCall(NbGraphCheckSame_Private(x, W, "dense"));
  PetscCheck(W->kind != NB_KIND_POINT, g->comm, PETSC_ERR_ARG_WRONG, "dense/matmul: the right factor must not depend on the points (a parameter or constant, k x m); products of two point tensors are attention (NbTensorAttention)");
  PetscCheck(W->K == 1, g->comm, PETSC_ERR_ARG_WRONG, "dense/matmul: the right factor cannot be a jet");
  PetscCheck(x->cols == W->rows, g->comm, PETSC_ERR_ARG_SIZ, "dense/matmul: x has %" PetscInt_FMT " columns but W has %" PetscInt_FMT " rows (x: n x k, W: k x m)", x->cols, W->rows);
  if (b) {
    PetscCall(NbGraphCheckSame_Private(x, b, "dense"));
    PetscCheck(b->kind != NB_KIND_POINT && b->rows == 1 && b->cols == W->cols && b->K == 1, g->comm, PETSC_ERR_ARG_SIZ, "dense: the bias must be a 1 x %" PetscInt_FMT " parameter or constant, got %" PetscInt_FMT " x %" PetscInt_FMT, W->cols, b->rows, b->cols);
  }
  PetscCall(NbNodeCreate_Private(g, &OpDense, nin, in, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, W->cols));
  *y = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorMatMul(NbTensor a, NbTensor b, NbTensor *y)
{
  return NbTensorDense(a, b, NULL, y);
}

PetscErrorCode NbGraphGetMatMulFlops(NbGraph g, PetscLogDouble *flops)
{
  PetscLogDouble f = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < g->nnodes; i++) {
    NbNode         v = g->nodes[i];
    PetscLogDouble rows, one;
    if (v->op != &OpDense) continue;
    rows = v->kind == NB_KIND_POINT ? (PetscLogDouble)g->sets[v->set].n : (PetscLogDouble)v->rows;
    one  = 2.0 * v->in[0]->cols * v->cols * rows * v->K;
    f += one;
    if (g->loss && v->needgrad) f += one * ((v->in[0]->needgrad ? 1 : 0) + (v->in[1]->needgrad ? 1 : 0));
  }
  *flops = f;
  PetscFunctionReturn(PETSC_SUCCESS);
}
