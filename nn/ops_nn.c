/* Network ops that look at a whole point (or a whole sequence of points):
   dropout, softmax, layer normalisation, scaled dot-product attention. */
#include "nnimpl.h"

/* ----------------------------------------------------------------- dropout
   Inverted dropout (Srivastava et al. 2014): keep with probability 1 - p and
   scale by 1/(1-p). The mask of point i (global index), column c is drawn
   from the graph's RNG at index i*cols + c of a stream made of the node and
   the dropout epoch, so it is the same for any number of ranks and tiles,
   and stays fixed until NbGraphAdvanceRandom. A jet shares its value's mask. */
static PetscErrorCode DropoutForward(NbNode y, const NbTile *t)
{
  NbNode     x = y->in[0];
  NbGraph    g = y->g;
  PetscReal  p = y->alpha, keep = 1 / (1 - p), *mask = y->aux, u[64];
  PetscInt64 stream = (NB_STREAM_DROPOUT + y->id) + ((PetscInt64)g->epoch << 32);

  PetscFunctionBegin;
  PetscCheck(y->cols <= 64, PETSC_COMM_SELF, PETSC_ERR_SUP, "dropout on more than 64 columns");
  for (PetscInt l = 0; l < t->n8; l++) {
    if (g->dropout && l < t->n) NbRNGUniformRaw(g->rng->seed, stream, (t->goff + l) * y->cols, y->cols, u);
    for (PetscInt c = 0; c < y->cols; c++) mask[c * y->T + l] = !g->dropout ? 1.0 : (l < t->n && u[c] >= p ? keep : 0.0);
  }
  for (PetscInt c = 0; c < y->cols; c++)
    for (PetscInt k = 0; k < y->K; k++) {
      const PetscReal *xv = x->val + c * x->ld + k * x->T, *m = mask + c * y->T;
      PetscReal       *yv = y->val + c * y->ld + k * y->T;
      for (PetscInt l = 0; l < t->n8; l++) yv[l] = xv[l] * m[l];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DropoutBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode x = y->in[0];

  PetscFunctionBegin;
  for (PetscInt c = 0; c < y->cols; c++)
    for (PetscInt k = 0; k < y->K; k++) {
      const PetscReal *gy = y->grad + c * y->ld + k * y->T, *m = y->aux + c * y->T;
      PetscReal       *gx = x->grad + c * x->ld + k * x->T;
      for (PetscInt l = 0; l < t->n8; l++) gx[l] += gy[l] * m[l];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpDropout = {"dropout", DropoutForward, DropoutBackward, NB_PARTIAL_NONE, PETSC_FALSE};

PetscErrorCode NbTensorDropout(NbTensor x, PetscReal p, NbTensor *y)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCheck(x->kind == NB_KIND_POINT, x->g->comm, PETSC_ERR_SUP, "dropout applies to point tensors");
  PetscCheck(p >= 0 && p < 1, x->g->comm, PETSC_ERR_ARG_OUTOFRANGE, "dropout probability %g must be in [0, 1)", (double)p);
  PetscCheck(x->cols <= 64, x->g->comm, PETSC_ERR_SUP, "dropout on more than 64 columns is not supported");
  PetscCall(NbNodeCreate_Private(x->g, &OpDropout, 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, x->cols));
  v->alpha    = p;
  v->auxlanes = x->cols;
  *y          = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------------- softmax
   y_c = exp(x_c - max) / sum; backward gx = y (gy - sum_c gy_c y_c) */
static PetscInt Lanes(NbNode v, const NbTile *t)
{
  return v->kind == NB_KIND_POINT ? t->n8 : v->rows;
}

static PetscErrorCode SoftmaxForward(NbNode y, const NbTile *t)
{
  NbNode     x  = y->in[0];
  PetscInt   nl = Lanes(y, t);
  PetscReal *m = y->aux, *s = y->aux + y->T;

  PetscFunctionBegin;
  for (PetscInt l = 0; l < nl; l++) m[l] = x->val[l], s[l] = 0;
  for (PetscInt c = 1; c < y->cols; c++)
    for (PetscInt l = 0; l < nl; l++) m[l] = PetscMax(m[l], x->val[c * x->ld + l]);
  for (PetscInt c = 0; c < y->cols; c++)
    for (PetscInt l = 0; l < nl; l++) s[l] += (y->val[c * y->ld + l] = PetscExpReal(x->val[c * x->ld + l] - m[l]));
  for (PetscInt c = 0; c < y->cols; c++)
    for (PetscInt l = 0; l < nl; l++) y->val[c * y->ld + l] /= s[l];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SoftmaxBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode     x  = y->in[0];
  PetscInt   nl = Lanes(y, t);
  PetscReal *d  = y->aux;

  PetscFunctionBegin;
  for (PetscInt l = 0; l < nl; l++) d[l] = 0;
  for (PetscInt c = 0; c < y->cols; c++)
    for (PetscInt l = 0; l < nl; l++) d[l] += y->grad[c * y->ld + l] * y->val[c * y->ld + l];
  for (PetscInt c = 0; c < y->cols; c++)
    for (PetscInt l = 0; l < nl; l++) x->grad[c * x->ld + l] += y->val[c * y->ld + l] * (y->grad[c * y->ld + l] - d[l]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpSoftmax = {"softmax", SoftmaxForward, SoftmaxBackward, NB_PARTIAL_NONE, PETSC_FALSE};

PetscErrorCode NbTensorSoftmax(NbTensor x, NbTensor *y)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCheck(x->K == 1, x->g->comm, PETSC_ERR_SUP, "softmax of a jet is not supported");
  PetscCall(NbNodeCreate_Private(x->g, &OpSoftmax, 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, x->cols));
  v->auxlanes = 2;
  *y          = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -------------------------------------------------------------- layer norm
   Ba, Kiros & Hinton 2016: y = (x - mean) / sqrt(var + eps) over the columns
   of each point; backward gx = r (gy - mean(gy) - y mean(gy y)), r = 1/sqrt(var + eps). */
static PetscErrorCode LayerNormForward(NbNode y, const NbTile *t)
{
  NbNode     x  = y->in[0];
  PetscInt   nl = Lanes(y, t), C = y->cols;
  PetscReal *mu = y->aux + y->T, *r = y->aux;

  PetscFunctionBegin;
  for (PetscInt l = 0; l < nl; l++) mu[l] = r[l] = 0;
  for (PetscInt c = 0; c < C; c++)
    for (PetscInt l = 0; l < nl; l++) mu[l] += x->val[c * x->ld + l] / C;
  for (PetscInt c = 0; c < C; c++)
    for (PetscInt l = 0; l < nl; l++) {
      PetscReal d = x->val[c * x->ld + l] - mu[l];
      r[l] += d * d / C;
    }
  for (PetscInt l = 0; l < nl; l++) r[l] = 1 / PetscSqrtReal(r[l] + y->alpha);
  for (PetscInt c = 0; c < C; c++)
    for (PetscInt l = 0; l < nl; l++) y->val[c * y->ld + l] = (x->val[c * x->ld + l] - mu[l]) * r[l];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LayerNormBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode     x  = y->in[0];
  PetscInt   nl = Lanes(y, t), C = y->cols;
  PetscReal *r = y->aux, *a = y->aux + y->T, *b = y->aux + 2 * y->T;

  PetscFunctionBegin;
  for (PetscInt l = 0; l < nl; l++) a[l] = b[l] = 0;
  for (PetscInt c = 0; c < C; c++)
    for (PetscInt l = 0; l < nl; l++) {
      PetscReal gy = y->grad[c * y->ld + l];
      a[l] += gy / C;
      b[l] += gy * y->val[c * y->ld + l] / C;
    }
  for (PetscInt c = 0; c < C; c++)
    for (PetscInt l = 0; l < nl; l++) x->grad[c * x->ld + l] += r[l] * (y->grad[c * y->ld + l] - a[l] - y->val[c * y->ld + l] * b[l]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpLayerNorm = {"layernorm", LayerNormForward, LayerNormBackward, NB_PARTIAL_NONE, PETSC_FALSE};

PetscErrorCode NbTensorLayerNorm(NbTensor x, PetscReal eps, NbTensor *y)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCheck(x->K == 1, x->g->comm, PETSC_ERR_SUP, "layer norm of a jet is not supported");
  PetscCheck(eps >= 0, x->g->comm, PETSC_ERR_ARG_OUTOFRANGE, "layer norm: eps must be >= 0");
  PetscCall(NbNodeCreate_Private(x->g, &OpLayerNorm, 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, x->cols));
  v->alpha    = eps;
  v->auxlanes = 3;
  *y          = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- attention
   Vaswani et al. 2017, eq. (1), per block of L consecutive points and head:
     S = Q_h K_h^T / sqrt(d_h),  P = softmax_rows(S),  O_h = P V_h.
   P of every block and head of the tile is kept (L x L each) for backward:
     dP = gO V^T, gV += P^T gO, dS = P .* (dP - rowsum(dP .* P)),
     gQ += dS K / sqrt(d_h), gK += dS^T Q / sqrt(d_h). */
static PetscErrorCode AttentionForward(NbNode y, const NbTile *t)
{
  NbNode    Q = y->in[0], Km = y->in[1], V = y->in[2];
  PetscInt  L = y->iarg[0], H = y->iarg[1], dh = Q->cols / H, dv = V->cols / H, nb = t->n / L;
  PetscReal scale = 1 / PetscSqrtReal((PetscReal)dh);

  PetscFunctionBegin;
  for (PetscInt b = 0; b < nb; b++)
    for (PetscInt h = 0; h < H; h++) {
      PetscReal *P = y->aux + ((size_t)b * H + h) * L * L;
      for (PetscInt i = 0; i < L; i++) {
        PetscReal m = PETSC_MIN_REAL, s = 0;
        for (PetscInt j = 0; j < L; j++) {
          PetscReal d = 0;
          for (PetscInt f = h * dh; f < (h + 1) * dh; f++) d += Q->val[f * Q->ld + b * L + i] * Km->val[f * Km->ld + b * L + j];
          P[i * L + j] = d * scale;
          m            = PetscMax(m, d * scale);
        }
        for (PetscInt j = 0; j < L; j++) s += (P[i * L + j] = PetscExpReal(P[i * L + j] - m));
        for (PetscInt j = 0; j < L; j++) P[i * L + j] /= s;
        for (PetscInt f = h * dv; f < (h + 1) * dv; f++) {
          PetscReal o = 0;
          for (PetscInt j = 0; j < L; j++) o += P[i * L + j] * V->val[f * V->ld + b * L + j];
          y->val[f * y->ld + b * L + i] = o;
        }
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AttentionBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode     Q = y->in[0], Km = y->in[1], V = y->in[2];
  PetscInt   L = y->iarg[0], H = y->iarg[1], dh = Q->cols / H, dv = V->cols / H, nb = t->n / L;
  PetscReal  scale = 1 / PetscSqrtReal((PetscReal)dh), *dS = y->aux + (size_t)y->T * H * L;

  PetscFunctionBegin;
  for (PetscInt b = 0; b < nb; b++)
    for (PetscInt h = 0; h < H; h++) {
      const PetscReal *P = y->aux + ((size_t)b * H + h) * L * L;
      for (PetscInt i = 0; i < L; i++) {
        PetscReal rs = 0;
        for (PetscInt j = 0; j < L; j++) {
          PetscReal dp = 0;
          for (PetscInt f = h * dv; f < (h + 1) * dv; f++) {
            PetscReal go = y->grad[f * y->ld + b * L + i];
            dp += go * V->val[f * V->ld + b * L + j];
            if (need[2]) V->grad[f * V->ld + b * L + j] += P[i * L + j] * go;
          }
          dS[j] = dp;
          rs += dp * P[i * L + j];
        }
        for (PetscInt j = 0; j < L; j++) dS[j] = P[i * L + j] * (dS[j] - rs) * scale;
        for (PetscInt j = 0; j < L; j++)
          for (PetscInt f = h * dh; f < (h + 1) * dh; f++) {
            if (need[0]) Q->grad[f * Q->ld + b * L + i] += dS[j] * Km->val[f * Km->ld + b * L + j];
            if (need[1]) Km->grad[f * Km->ld + b * L + j] += dS[j] * Q->val[f * Q->ld + b * L + i];
          }
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpAttention = {"attention", AttentionForward, AttentionBackward, NB_PARTIAL_NONE, PETSC_FALSE};

PetscErrorCode NbTensorAttention(NbTensor q, NbTensor k, NbTensor v, PetscInt L, PetscInt H, NbTensor *y)
{
  NbGraph     g = q->g;
  NbNode      o, in[3] = {q, k, v};
  NbPointSet *S;

  PetscFunctionBegin;
  PetscCheck(q->kind == NB_KIND_POINT && k->kind == NB_KIND_POINT && v->kind == NB_KIND_POINT, g->comm, PETSC_ERR_ARG_WRONG, "attention: q, k, v must be point tensors (one row per sequence element)");
  PetscCheck(q->K == 1 && k->K == 1 && v->K == 1, g->comm, PETSC_ERR_SUP, "attention on jets is not supported");
  PetscCheck(L > 0 && H > 0, g->comm, PETSC_ERR_ARG_OUTOFRANGE, "attention: sequence length and heads must be positive");
  PetscCheck(q->cols == k->cols && q->cols % H == 0 && v->cols % H == 0, g->comm, PETSC_ERR_ARG_SIZ, "attention: q and k need equal columns, and q, v columns divisible by %" PetscInt_FMT " heads (q %" PetscInt_FMT ", k %" PetscInt_FMT ", v %" PetscInt_FMT ")", H, q->cols, k->cols, v->cols);
  PetscCall(NbNodeCreate_Private(g, &OpAttention, 3, in, &o));
  S = &g->sets[o->set];
  PetscCheck(S->rowblock == 1 || S->rowblock == L, g->comm, PETSC_ERR_SUP, "attention: point set '%s' already has sequences of %" PetscInt_FMT " points, not %" PetscInt_FMT, S->name, S->rowblock, L);
  S->rowblock = L;
  PetscCall(NbNodeSetShapeLike_Private(o, v, v->cols));
  o->iarg[0]  = L;
  o->iarg[1]  = H;
  o->auxlanes = H * L;
  o->auxfixed = L;
  *y          = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}
