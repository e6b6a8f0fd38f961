/* Ops on grid data: points are the nodes of nx x ny grids, one sample after
   another (blocks of L = nx ny consecutive points, natural order, x fastest).
   In a tile, feature p of sample b is the column-major nx x ny matrix
     X_b = x->val + p ld + b L,   X_b(i, j) = node (i, j),
   so that mixing along x is a left product and mixing along y a right one.

   Low-rank axis mixing, A = U V^T (U, V: n_axis x r), as in LordNet's Lord
   module (Huang et al. 2022, sec. 3.2), applied as two thin products
   (O(L r) per sample and channel instead of O(L n)):
     axis 0:  Y_b = U (V^T X_b)        axis 1:  Y_b = (X_b V) U^T
   Reverse mode, with Z = V^T X_b (resp. X_b V) recomputed in backward:
     axis 0:  gU += gY Z^T,  W = U^T gY,  gX += V W,  gV += X W^T
     axis 1:  gU += gY^T Z,  W = gY U,    gX += W V^T, gV += X^T W
   For axis 0 the samples of a feature are adjacent, so one product covers
   the tile: X is nx x (ny nb). */
#include "nnimpl.h"
#include <petscblaslapack.h>

/* C = op(A) op(B) + beta C, column-major */
static PetscErrorCode Gemm(const char *ta, const char *tb, PetscInt m, PetscInt n, PetscInt k, const PetscReal *A, PetscInt lda, const PetscReal *B, PetscInt ldb, PetscReal beta, PetscReal *C, PetscInt ldc)
{
  PetscBLASInt bm, bn, bk, la, lb, lc;
  PetscReal    one = 1;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(k, &bk));
  PetscCall(PetscBLASIntCast(lda, &la));
  PetscCall(PetscBLASIntCast(ldb, &lb));
  PetscCall(PetscBLASIntCast(ldc, &lc));
  PetscCallBLAS("BLASgemm", BLASgemm_(ta, tb, &bm, &bn, &bk, &one, A, &la, B, &lb, &beta, C, &lc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LowRankForward(NbNode y, const NbTile *t)
{
  NbNode   x = y->in[0], U = y->in[1], V = y->in[2];
  PetscInt nx = y->iarg[0], ny = y->iarg[1], L = nx * ny, nb = t->n / L, r = U->cols;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < x->cols; p++) {
    const PetscReal *X = x->val + p * x->ld;
    PetscReal       *Y = y->val + p * y->ld, *Z = y->aux;
    if (y->iarg[2] == 0) {
      PetscCall(Gemm("T", "N", r, ny * nb, nx, V->val, V->ld, X, nx, 0, Z, r));
      PetscCall(Gemm("N", "N", nx, ny * nb, r, U->val, U->ld, Z, r, 0, Y, nx));
    } else
      for (PetscInt b = 0; b < nb; b++) {
        PetscCall(Gemm("N", "N", nx, r, ny, X + b * L, nx, V->val, V->ld, 0, Z, nx));
        PetscCall(Gemm("N", "T", nx, ny, r, Z, nx, U->val, U->ld, 0, Y + b * L, nx));
      }
  }
  PetscCall(PetscLogFlops(4.0 * r * L * nb * x->cols));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one sample's (axis 1) or the whole tile's (axis 0) reverse products for one feature */
static PetscErrorCode LowRankBackwardBlock(NbNode y, PetscInt axis, PetscInt m, PetscInt nl, const PetscReal *X, const PetscReal *gY, PetscReal *gX, const PetscBool need[])
{
  NbNode     U = y->in[1], V = y->in[2];
  PetscInt   r = U->cols;
  PetscReal *Z = y->aux;

  PetscFunctionBegin;
  if (axis == 0) { /* m = nx rows along the axis, nl = ny nb columns */
    if (need[1]) {
      PetscCall(Gemm("T", "N", r, nl, m, V->val, V->ld, X, m, 0, Z, r));
      PetscCall(Gemm("N", "T", m, r, nl, gY, m, Z, r, 1, U->grad, U->ld));
    }
    PetscCall(Gemm("T", "N", r, nl, m, U->val, U->ld, gY, m, 0, Z, r));
    if (need[0]) PetscCall(Gemm("N", "N", m, nl, r, V->val, V->ld, Z, r, 1, gX, m));
    if (need[2]) PetscCall(Gemm("N", "T", m, r, nl, X, m, Z, r, 1, V->grad, V->ld));
  } else { /* m = nx, nl = ny along the axis */
    if (need[1]) {
      PetscCall(Gemm("N", "N", m, r, nl, X, m, V->val, V->ld, 0, Z, m));
      PetscCall(Gemm("T", "N", nl, r, m, gY, m, Z, m, 1, U->grad, U->ld));
    }
    PetscCall(Gemm("N", "N", m, r, nl, gY, m, U->val, U->ld, 0, Z, m));
    if (need[0]) PetscCall(Gemm("N", "T", m, nl, r, Z, m, V->val, V->ld, 1, gX, m));
    if (need[2]) PetscCall(Gemm("T", "N", nl, r, m, X, m, Z, m, 1, V->grad, V->ld));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LowRankBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode   x = y->in[0];
  PetscInt nx = y->iarg[0], ny = y->iarg[1], L = nx * ny, nb = t->n / L, axis = y->iarg[2];

  PetscFunctionBegin;
  for (PetscInt p = 0; p < x->cols; p++) {
    const PetscReal *X = x->val + p * x->ld, *gY = y->grad + p * y->ld;
    PetscReal       *gX = need[0] ? x->grad + p * x->ld : NULL;
    if (axis == 0) PetscCall(LowRankBackwardBlock(y, 0, nx, ny * nb, X, gY, gX, need));
    else
      for (PetscInt b = 0; b < nb; b++) PetscCall(LowRankBackwardBlock(y, 1, nx, ny, X + b * L, gY + b * L, gX ? gX + b * L : NULL, need));
  }
  PetscCall(PetscLogFlops(8.0 * y->in[1]->cols * L * nb * x->cols));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpGridLowRank = {"grid_lowrank", LowRankForward, LowRankBackward, NB_PARTIAL_NONE, PETSC_FALSE};

/* x is plain grid data of nx x ny samples: its point set's tiles hold whole samples */
static PetscErrorCode CheckGrid(NbNode x, PetscInt nx, PetscInt ny, const char op[])
{
  NbGraph     g = x->g;
  NbPointSet *S;

  PetscFunctionBegin;
  PetscCheck(x->kind == NB_KIND_POINT, g->comm, PETSC_ERR_ARG_WRONG, "%s: x must be a point tensor (one row per grid node of every sample)", op);
  PetscCheck(x->K == 1, g->comm, PETSC_ERR_SUP, "%s on jets is not supported: take the value component first", op);
  PetscCheck(nx > 0 && ny > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: the grid must have positive sizes, got %" PetscInt_FMT " x %" PetscInt_FMT, op, nx, ny);
  S = &g->sets[x->set];
  PetscCheck(S->rowblock == 1 || S->rowblock == nx * ny, g->comm, PETSC_ERR_SUP, "%s: point set '%s' already has blocks of %" PetscInt_FMT " points, not %" PetscInt_FMT " x %" PetscInt_FMT " grids", op, S->name, S->rowblock, nx, ny);
  S->rowblock = nx * ny;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorGridLowRank(NbTensor x, NbTensor U, NbTensor V, PetscInt nx, PetscInt ny, PetscInt axis, NbTensor *y)
{
  NbGraph  g = x->g;
  NbNode   o, in[3] = {x, U, V};
  PetscInt n = axis == 0 ? nx : ny;

  PetscFunctionBegin;
  PetscCheck(axis == 0 || axis == 1, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "grid low-rank: axis must be 0 (x) or 1 (y), got %" PetscInt_FMT, axis);
  PetscCall(NbGraphCheckSame_Private(x, U, "grid low-rank"));
  PetscCall(NbGraphCheckSame_Private(x, V, "grid low-rank"));
  PetscCheck(U->kind != NB_KIND_POINT && V->kind != NB_KIND_POINT && U->K == 1 && V->K == 1, g->comm, PETSC_ERR_ARG_WRONG, "grid low-rank: U and V must be parameters or constants");
  PetscCheck(U->rows == n && V->rows == n && U->cols == V->cols && U->cols > 0, g->comm, PETSC_ERR_ARG_SIZ, "grid low-rank: U and V must both be %" PetscInt_FMT " x r along axis %" PetscInt_FMT ", got %" PetscInt_FMT " x %" PetscInt_FMT " and %" PetscInt_FMT " x %" PetscInt_FMT, n, axis, U->rows, U->cols, V->rows, V->cols);
  PetscCall(CheckGrid(x, nx, ny, "grid low-rank"));
  PetscCall(NbNodeCreate_Private(g, &OpGridLowRank, 3, in, &o));
  PetscCall(NbNodeSetShapeLike_Private(o, x, x->cols));
  o->iarg[0]  = nx;
  o->iarg[1]  = ny;
  o->iarg[2]  = axis;
  o->auxlanes = U->cols; /* Z and W: r T >= r nb L reals */
  *y          = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ shift */

static PetscErrorCode ShiftForward(NbNode y, const NbTile *t)
{
  NbNode   x = y->in[0];
  PetscInt nx = y->iarg[0], ny = y->iarg[1], sx = y->iarg[2], sy = y->iarg[3], L = nx * ny, nb = t->n / L;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < x->cols; p++)
    for (PetscInt b = 0; b < nb; b++) {
      const PetscReal *X = x->val + p * x->ld + b * L;
      PetscReal       *Y = y->val + p * y->ld + b * L;
      for (PetscInt j = 0; j < ny; j++)
        for (PetscInt i = 0; i < nx; i++) {
          PetscInt ii = i + sx, jj = j + sy;
          Y[j * nx + i] = (ii >= 0 && ii < nx && jj >= 0 && jj < ny) ? X[jj * nx + ii] : 0;
        }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ShiftBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode   x = y->in[0];
  PetscInt nx = y->iarg[0], ny = y->iarg[1], sx = y->iarg[2], sy = y->iarg[3], L = nx * ny, nb = t->n / L;

  PetscFunctionBegin;
  if (!need[0]) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt p = 0; p < x->cols; p++)
    for (PetscInt b = 0; b < nb; b++) {
      const PetscReal *gY = y->grad + p * y->ld + b * L;
      PetscReal       *gX = x->grad + p * x->ld + b * L;
      for (PetscInt j = PetscMax(0, -sy); j < PetscMin(ny, ny - sy); j++)
        for (PetscInt i = PetscMax(0, -sx); i < PetscMin(nx, nx - sx); i++) gX[(j + sy) * nx + i + sx] += gY[j * nx + i];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpGridShift = {"grid_shift", ShiftForward, ShiftBackward, NB_PARTIAL_NONE, PETSC_FALSE};

PetscErrorCode NbTensorGridShift(NbTensor x, PetscInt nx, PetscInt ny, PetscInt sx, PetscInt sy, NbTensor *y)
{
  NbNode o;

  PetscFunctionBegin;
  PetscCall(CheckGrid(x, nx, ny, "grid shift"));
  PetscCall(NbNodeCreate_Private(x->g, &OpGridShift, 1, &x, &o));
  PetscCall(NbNodeSetShapeLike_Private(o, x, x->cols));
  o->iarg[0] = nx;
  o->iarg[1] = ny;
  o->iarg[2] = sx;
  o->iarg[3] = sy;
  *y         = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}
