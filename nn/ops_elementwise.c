/* Elementwise ops: unary functions (activations, exp, log, powers, alpha x +
   beta) and the binary + - * /, all on jets as well as on plain tensors.

   Each unary function gives its value and first three derivatives; the jet
   rules (jet.c) do the rest, so a new activation is one case here. */
#pragma GCC optimize("fp-contract=fast")
#include "nnimpl.h"

#define NB_BLOCK 64 /* lanes per block of derivative scratch (on the stack) */

/* y = f(z), one loop per function (the switch outside) so that each loop
   vectorises; zz is z[l]. tanh, sigmoid and exp have vector kernels. */
#define VALUE_LOOP(F) \
  do { \
    for (PetscInt l = 0; l < n; l++) { \
      PetscReal zz = z[l]; \
      y[l]         = (F); \
    } \
  } while (0)

static void FnValue(PetscInt fn, PetscReal alpha, PetscReal beta, PetscInt n, const PetscReal *restrict z, PetscReal *restrict y)
{
  switch (fn) {
  /* clang-format off */
  case NB_FN_AXPB:     VALUE_LOOP(alpha * zz + beta); break;
  case NB_FN_TANH:     NbVecTanh(n, z, y); break;
  case NB_FN_SIN:      VALUE_LOOP(PetscSinReal(zz)); break;
  case NB_FN_COS:      VALUE_LOOP(PetscCosReal(zz)); break;
  case NB_FN_SIGMOID:  NbVecSigmoid(n, z, y); break;
  case NB_FN_SOFTPLUS: VALUE_LOOP(PetscMax(zz, 0) + log1p(PetscExpReal(-PetscAbsReal(zz)))); break; /* log(1 + e^z) without overflow */
  case NB_FN_GELU:     VALUE_LOOP(0.5 * zz * erfc(-zz * 0.70710678118654752440)); break; /* exact GELU (Hendrycks & Gimpel 2016): z Phi(z) */
  case NB_FN_RELU:     VALUE_LOOP(zz > 0 ? zz : 0); break;
  case NB_FN_EXP:      NbVecExp(n, z, y); break;
  case NB_FN_LOG:      VALUE_LOOP(PetscLogReal(zz)); break;
  case NB_FN_SQUARE:   VALUE_LOOP(zz * zz); break;
  case NB_FN_SQRT:     VALUE_LOOP(PetscSqrtReal(zz)); break;
  case NB_FN_RECIP:    VALUE_LOOP(1 / zz); break;
  /* clang-format on */
  }
}

/* f', f'', f''' at z, given y = f(z); f2 and f3 may be NULL. One loop per
   function (the switch outside) so that each loop vectorises. */
#define DERIV_LANES(BODY) \
  for (PetscInt l = 0; l < n; l++) { \
    PetscReal zz = z[l], yy = y[l]; \
    (void)zz; \
    (void)yy; \
    BODY \
  }
#define DERIV_LOOP(D1, D2, D3) \
  do { \
    if (f3) DERIV_LANES(f1[l] = (D1); f2[l] = (D2); f3[l] = (D3);) \
    else if (f2) DERIV_LANES(f1[l] = (D1); f2[l] = (D2);) \
    else DERIV_LANES(f1[l] = (D1);) \
  } while (0)

static void FnDeriv(PetscInt fn, PetscReal alpha, PetscInt n, const PetscReal *restrict z, const PetscReal *restrict y, PetscReal *restrict f1, PetscReal *restrict f2, PetscReal *restrict f3)
{
  switch (fn) {
  /* clang-format off */
  case NB_FN_AXPB:    DERIV_LOOP(alpha, 0, 0); break;
  /* from y = tanh z: f' = 1 - y^2, f'' = -2 y f', f''' = -2 f' (1 - 3 y^2) */
  case NB_FN_TANH:    DERIV_LOOP(1 - yy * yy, -2 * yy * (1 - yy * yy), -2 * (1 - yy * yy) * (1 - 3 * yy * yy)); break;
  case NB_FN_SIN:     DERIV_LOOP(PetscCosReal(zz), -yy, -PetscCosReal(zz)); break;
  case NB_FN_COS:     DERIV_LOOP(-PetscSinReal(zz), -yy, PetscSinReal(zz)); break;
  case NB_FN_SIGMOID: DERIV_LOOP(yy * (1 - yy), yy * (1 - yy) * (1 - 2 * yy), yy * (1 - yy) * (1 - 6 * yy + 6 * yy * yy)); break;
  case NB_FN_RELU:    DERIV_LOOP(zz > 0 ? 1.0 : 0.0, 0, 0); break;
  case NB_FN_EXP:     DERIV_LOOP(yy, yy, yy); break;
  case NB_FN_LOG:     DERIV_LOOP(1 / zz, -1 / (zz * zz), 2 / (zz * zz * zz)); break;
  case NB_FN_SQUARE:  DERIV_LOOP(2 * zz, 2, 0); break;
  case NB_FN_SQRT:    DERIV_LOOP(0.5 / yy, -0.25 / (yy * yy * yy), 0.375 / (yy * yy * yy * yy * yy)); break;
  case NB_FN_RECIP:   DERIV_LOOP(-yy * yy, 2 * yy * yy * yy, -6 * yy * yy * yy * yy); break;
  /* clang-format on */
  case NB_FN_SOFTPLUS: /* f' = sigmoid(z) = 1 - e^{-y} since y = log(1 + e^z) */
    for (PetscInt l = 0; l < n; l++) {
      PetscReal s = -expm1(-y[l]);
      f1[l]       = s;
      if (f2) f2[l] = s * (1 - s);
      if (f3) f3[l] = s * (1 - s) * (1 - 2 * s);
    }
    break;
  case NB_FN_GELU:
    for (PetscInt l = 0; l < n; l++) {
      PetscReal zz = z[l], phi = PetscExpReal(-0.5 * zz * zz) * 0.3989422804014327, Phi = 0.5 * erfc(-zz * 0.70710678118654752440);
      f1[l] = Phi + zz * phi;
      if (f2) f2[l] = phi * (2 - zz * zz);
      if (f3) f3[l] = zz * phi * (zz * zz - 4);
    }
    break;
  }
}

static PetscInt Lanes(NbNode v, const NbTile *t)
{
  return v->kind == NB_KIND_POINT ? t->n8 : v->rows;
}

static PetscErrorCode UnaryForward(NbNode y, const NbTile *t)
{
  NbNode    x  = y->in[0];
  PetscInt  nl = Lanes(y, t), fn = y->iarg[0];
  PetscReal f1[NB_BLOCK], f2[NB_BLOCK];

  PetscFunctionBegin;
  if (fn == NB_FN_TANH) {
    for (PetscInt p = 0; p < y->cols; p++) NbJetTanhForward_Private(y->jet, y->K, y->T, nl, x->val + p * x->ld, y->val + p * y->ld);
    PetscCall(PetscLogFlops((PetscLogDouble)y->cols * nl * y->K * 4));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  for (PetscInt p = 0; p < y->cols; p++) {
    const PetscReal *z = x->val + p * x->ld;
    PetscReal       *v = y->val + p * y->ld;
    for (PetscInt l0 = 0; l0 < nl; l0 += NB_BLOCK) {
      PetscInt b = PetscMin(NB_BLOCK, nl - l0);
      FnValue(fn, y->alpha, y->beta, b, z + l0, v + l0);
      if (y->K > 1) {
        FnDeriv(fn, y->alpha, b, z + l0, v + l0, f1, f2, NULL);
        NbJetUnaryForward_Private(y->jet, y->T, b, z + l0, v + l0, f1, f2);
      }
    }
  }
  PetscCall(PetscLogFlops((PetscLogDouble)y->cols * nl * y->K * 4));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode UnaryBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode    x  = y->in[0];
  PetscInt  nl = Lanes(y, t), fn = y->iarg[0];
  PetscReal f1[NB_BLOCK], f2[NB_BLOCK], f3[NB_BLOCK];

  PetscFunctionBegin;
  if (fn == NB_FN_TANH) {
    for (PetscInt p = 0; p < y->cols; p++) NbJetTanhBackward_Private(y->jet, y->K, y->T, nl, x->val + p * x->ld, y->val + p * y->ld, y->grad + p * y->ld, x->grad + p * x->ld, y->ovw0);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (y->ovw0) /* first writer: start from zero */
    for (PetscInt p = 0; p < y->cols; p++)
      for (PetscInt c = 0; c < y->K; c++) PetscCall(PetscArrayzero(x->grad + p * x->ld + c * x->T, nl));
  for (PetscInt p = 0; p < y->cols; p++) {
    const PetscReal *z = x->val + p * x->ld, *v = y->val + p * y->ld, *gy = y->grad + p * y->ld;
    PetscReal       *gz = x->grad + p * x->ld;
    for (PetscInt l0 = 0; l0 < nl; l0 += NB_BLOCK) {
      PetscInt b = PetscMin(NB_BLOCK, nl - l0);
      if (y->K == 1) {
        FnDeriv(fn, y->alpha, b, z + l0, v + l0, f1, NULL, NULL);
        for (PetscInt l = 0; l < b; l++) gz[l0 + l] += gy[l0 + l] * f1[l];
      } else {
        FnDeriv(fn, y->alpha, b, z + l0, v + l0, f1, f2, f3);
        NbJetUnaryBackward_Private(y->jet, y->T, b, z + l0, gy + l0, gz + l0, f1, f2, f3);
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* in the order of NB_FN_*; only axpb is linear in a partial sum */
#define NONLINEAR(name) {name, UnaryForward, UnaryBackward, NB_PARTIAL_NONE, PETSC_TRUE}
static const NbOp OpUnary[NB_FN_COUNT] = {
  {"axpb", UnaryForward, UnaryBackward, NB_PARTIAL_LINEAR, PETSC_TRUE},
  NONLINEAR("tanh"), NONLINEAR("sin"),  NONLINEAR("cos"), NONLINEAR("sigmoid"), NONLINEAR("softplus"), NONLINEAR("gelu"),
  NONLINEAR("relu"), NONLINEAR("exp"),  NONLINEAR("log"), NONLINEAR("square"),  NONLINEAR("sqrt"),     NONLINEAR("reciprocal"),
};
#undef NONLINEAR

PetscErrorCode NbTensorUnary_Private(NbTensor x, PetscInt fn, PetscReal alpha, PetscReal beta, NbTensor *y)
{
  NbNode v;

  PetscFunctionBegin;
  PetscCall(NbNodeCreate_Private(x->g, &OpUnary[fn], 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, x->cols));
  v->iarg[0] = fn;
  v->alpha   = alpha;
  v->beta    = beta;
  *y         = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorAXPB(NbTensor x, PetscReal alpha, PetscReal beta, NbTensor *y) { return NbTensorUnary_Private(x, NB_FN_AXPB, alpha, beta, y); }
PetscErrorCode NbTensorScale(NbTensor x, PetscReal alpha, NbTensor *y) { return NbTensorUnary_Private(x, NB_FN_AXPB, alpha, 0, y); }
/* NbTensorTanh(x, &y), NbTensorSin(x, &y), ...: y = f(x) elementwise */
#define UNARY(Name, FN) \
  PetscErrorCode NbTensor##Name(NbTensor x, NbTensor *y) \
  { \
    return NbTensorUnary_Private(x, NB_FN_##FN, 0, 0, y); \
  }
UNARY(Tanh, TANH)
UNARY(Sin, SIN)
UNARY(Cos, COS)
UNARY(Sigmoid, SIGMOID)
UNARY(Softplus, SOFTPLUS)
UNARY(GELU, GELU)
UNARY(ReLU, RELU)
UNARY(Exp, EXP)
UNARY(Log, LOG)
UNARY(Square, SQUARE)
UNARY(Sqrt, SQRT)
UNARY(Reciprocal, RECIP)
#undef UNARY

PetscErrorCode NbTensorActivation(NbTensor x, NbActivation act, NbTensor *y)
{
  static const PetscInt fn[] = {-1, NB_FN_TANH, NB_FN_SIN, NB_FN_COS, NB_FN_SIGMOID, NB_FN_SOFTPLUS, NB_FN_GELU, NB_FN_RELU};

  PetscFunctionBegin;
  if (act == NB_ACT_NONE) *y = x;
  else PetscCall(NbTensorUnary_Private(x, fn[act], 0, 0, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------- binary
   y = a op b. An operand may broadcast over points (a 1-row constant or
   global tensor: rb) and over columns (one column: cb). A jet combines with
   a jet of the same spec, or with a constant (whose derivatives are zero). */
enum { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV };

typedef struct {
  NbNode    x;
  PetscBool rb, cb;
} Operand;

static void GetOperands(NbNode y, Operand *a, Operand *b)
{
  a->x  = y->in[0];
  b->x  = y->in[1];
  a->rb = (PetscBool)(y->kind == NB_KIND_POINT ? a->x->kind != NB_KIND_POINT : a->x->rows < y->rows);
  b->rb = (PetscBool)(y->kind == NB_KIND_POINT ? b->x->kind != NB_KIND_POINT : b->x->rows < y->rows);
  a->cb = (PetscBool)(a->x->cols < y->cols);
  b->cb = (PetscBool)(b->x->cols < y->cols);
}

/* pointer to column p, component c of an operand (NULL: a zero derivative) */
static const PetscReal *Ptr(const Operand *o, PetscInt p, PetscInt c)
{
  if (c >= o->x->K) return NULL;
  return o->x->val + (o->cb ? 0 : p) * o->x->ld + c * o->x->T;
}

/* adds contribution d (lanes of the output) to an operand's gradient,
   summing over broadcast lanes (exactly n of them) */
static void AccGrad(const Operand *o, PetscInt p, PetscInt c, PetscInt n, PetscInt nl, const PetscReal *d, PetscReal sign)
{
  PetscReal *g = o->x->grad + (o->cb ? 0 : p) * o->x->ld + c * o->x->T;
  if (o->rb) {
    PetscReal s = 0;
    for (PetscInt l = 0; l < n; l++) s += d[l];
    g[0] += sign * s;
  } else
    for (PetscInt l = 0; l < nl; l++) g[l] += sign * d[l];
}

static PetscErrorCode BinaryForward(NbNode y, const NbTile *t)
{
  Operand  a, b;
  PetscInt nl = Lanes(y, t), op = y->iarg[0];

  PetscFunctionBegin;
  GetOperands(y, &a, &b);
  for (PetscInt p = 0; p < y->cols; p++) {
    if (op == BIN_MUL && a.x->K > 1 && b.x->K > 1) {
      NbJetMulForward_Private(y->jet, y->T, nl, Ptr(&a, p, 0), Ptr(&b, p, 0), y->val + p * y->ld);
      continue;
    }
    for (PetscInt c = 0; c < y->K; c++) {
      const PetscReal *pa = Ptr(&a, p, c), *pb = Ptr(&b, p, c);
      PetscInt         sa = a.rb ? 0 : 1, sb = b.rb ? 0 : 1;
      PetscReal       *v  = y->val + p * y->ld + c * y->T;
      switch (op) {
      case BIN_ADD:
      case BIN_SUB: {
        PetscReal s = op == BIN_ADD ? 1 : -1;
        for (PetscInt l = 0; l < nl; l++) v[l] = (pa ? pa[sa * l] : 0) + s * (pb ? pb[sb * l] : 0);
      } break;
      case BIN_MUL: { /* at most one jet: the other factor's value scales every component */
        const PetscReal *fa = a.x->K > 1 ? pa : Ptr(&a, p, 0), *fb = a.x->K > 1 ? Ptr(&b, p, 0) : pb;
        if (!fa || !fb) {
          for (PetscInt l = 0; l < nl; l++) v[l] = 0;
          break;
        }
        sa = a.x->K > 1 ? 1 : sa;
        for (PetscInt l = 0; l < nl; l++) v[l] = fa[sa * l] * fb[sb * l];
      } break;
      case BIN_DIV: {
        const PetscReal *d = Ptr(&b, p, 0);
        for (PetscInt l = 0; l < nl; l++) v[l] = (pa ? pa[sa * l] : 0) / d[sb * l];
      } break;
      }
    }
  }
  PetscCall(PetscLogFlops((PetscLogDouble)y->cols * nl * y->K));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BinaryBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  Operand    a, b;
  PetscInt   nl = Lanes(y, t), n = y->kind == NB_KIND_POINT ? t->n : y->rows, op = y->iarg[0];
  PetscReal *d  = y->aux;

  PetscFunctionBegin;
  GetOperands(y, &a, &b);
  for (PetscInt p = 0; p < y->cols; p++) {
    if (op == BIN_MUL && a.x->K > 1 && b.x->K > 1) {
      NbJetMulBackward_Private(y->jet, y->T, nl, Ptr(&a, p, 0), Ptr(&b, p, 0), y->grad + p * y->ld, need[0] ? a.x->grad + (a.cb ? 0 : p) * a.x->ld : NULL, need[1] ? b.x->grad + (b.cb ? 0 : p) * b.x->ld : NULL);
      continue;
    }
    for (PetscInt c = 0; c < y->K; c++) {
      const PetscReal *gy = y->grad + p * y->ld + c * y->T;
      const PetscReal *pa = Ptr(&a, p, c), *pb = Ptr(&b, p, c);
      PetscInt         sa = a.rb ? 0 : 1, sb = b.rb ? 0 : 1;
      switch (op) {
      case BIN_ADD:
      case BIN_SUB:
        if (need[0] && c < a.x->K) AccGrad(&a, p, c, n, nl, gy, 1);
        if (need[1] && c < b.x->K) AccGrad(&b, p, c, n, nl, gy, op == BIN_ADD ? 1 : -1);
        break;
      case BIN_MUL: {
        PetscBool ajet = (PetscBool)(a.x->K > 1);
        const PetscReal *fa = ajet ? pa : Ptr(&a, p, 0), *fb = ajet ? Ptr(&b, p, 0) : pb;
        if (!fa || !fb) break;
        if (ajet) sa = 1;
        else sb = b.rb ? 0 : 1;
        if (need[0]) {
          for (PetscInt l = 0; l < nl; l++) d[l] = gy[l] * fb[sb * l];
          AccGrad(&a, p, ajet ? c : 0, n, nl, d, 1);
        }
        if (need[1]) {
          for (PetscInt l = 0; l < nl; l++) d[l] = gy[l] * fa[sa * l];
          AccGrad(&b, p, ajet ? 0 : c, n, nl, d, 1);
        }
      } break;
      case BIN_DIV: {
        const PetscReal *q = Ptr(&b, p, 0);
        if (need[0]) {
          for (PetscInt l = 0; l < nl; l++) d[l] = gy[l] / q[sb * l];
          AccGrad(&a, p, c, n, nl, d, 1);
        }
        if (need[1] && pa) {
          for (PetscInt l = 0; l < nl; l++) d[l] = -gy[l] * pa[sa * l] / (q[sb * l] * q[sb * l]);
          AccGrad(&b, p, 0, n, nl, d, 1);
        }
      } break;
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpBinary[4] = {
  {"add", BinaryForward, BinaryBackward, NB_PARTIAL_LINEAR, PETSC_FALSE},
  {"sub", BinaryForward, BinaryBackward, NB_PARTIAL_LINEAR, PETSC_FALSE},
  {"mul", BinaryForward, BinaryBackward, NB_PARTIAL_FACTOR, PETSC_FALSE},
  {"div", BinaryForward, BinaryBackward, NB_PARTIAL_NONE, PETSC_FALSE},
};

static PetscErrorCode Binary(NbTensor a, NbTensor b, PetscInt op, NbTensor *y)
{
  NbGraph     g = a->g;
  NbNode      v, in[2] = {a, b};
  const char *name = OpBinary[op].name;
  PetscInt    cols;

  PetscFunctionBegin;
  PetscCall(NbGraphCheckSame_Private(a, b, name));
  PetscCheck(a->cols == b->cols || a->cols == 1 || b->cols == 1, g->comm, PETSC_ERR_ARG_SIZ, "%s: %" PetscInt_FMT " and %" PetscInt_FMT " columns do not broadcast (equal, or one of them 1)", name, a->cols, b->cols);
  cols = PetscMax(a->cols, b->cols);
  PetscCall(NbNodeCreate_Private(g, &OpBinary[op], 2, in, &v));
  if (v->kind == NB_KIND_POINT) {
    for (PetscInt i = 0; i < 2; i++)
      PetscCheck(in[i]->kind == NB_KIND_POINT || in[i]->rows == 1, g->comm, PETSC_ERR_ARG_SIZ, "%s: a %" PetscInt_FMT "-row constant cannot combine with a point tensor; only 1-row constants broadcast over points", name, in[i]->rows);
    v->rows = a->kind == NB_KIND_POINT ? a->rows : b->rows;
  } else {
    PetscCheck(a->rows == b->rows || a->rows == 1 || b->rows == 1, g->comm, PETSC_ERR_ARG_SIZ, "%s: %" PetscInt_FMT " and %" PetscInt_FMT " rows do not broadcast", name, a->rows, b->rows);
    v->rows = PetscMax(a->rows, b->rows);
  }
  v->cols = cols;
  if (a->K > 1 || b->K > 1) {
    NbNode jet = a->K > 1 ? a : b, other = a->K > 1 ? b : a;
    if (other->K > 1) PetscCheck(NbJetSpecEqual_Private(a->jet, b->jet), g->comm, PETSC_ERR_ARG_INCOMP, "%s: the two jets carry different derivatives; seed both from the same input with the same derivatives", name);
    else PetscCheck(other->kind != NB_KIND_POINT, g->comm, PETSC_ERR_ARG_INCOMP, "%s: a jet cannot combine with a plain point tensor (its derivatives are unknown); take a jet component first (NbTensorJetComponent), or compute the other tensor from the same jet", name);
    PetscCheck(!(op == BIN_MUL && a->K > 1 && b->K > 1 && a->cols != b->cols), g->comm, PETSC_ERR_SUP, "%s: the product of two jets needs equal column counts", name);
    v->K   = jet->K;
    v->jet = jet->jet;
  }
  v->iarg[0]  = op;
  v->auxlanes = 1;
  *y          = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorAdd(NbTensor a, NbTensor b, NbTensor *y) { return Binary(a, b, BIN_ADD, y); }
PetscErrorCode NbTensorSub(NbTensor a, NbTensor b, NbTensor *y) { return Binary(a, b, BIN_SUB, y); }
PetscErrorCode NbTensorMul(NbTensor a, NbTensor b, NbTensor *y) { return Binary(a, b, BIN_MUL, y); }

/* a / b; a jet divisor goes through 1/b and the product rule */
PetscErrorCode NbTensorDiv(NbTensor a, NbTensor b, NbTensor *y)
{
  PetscFunctionBegin;
  if (b->K > 1) {
    NbTensor r;
    PetscCall(NbTensorReciprocal(b, &r));
    PetscCall(NbTensorMul(a, r, y));
  } else PetscCall(Binary(a, b, BIN_DIV, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTensorAXPY(NbTensor y, PetscReal alpha, NbTensor x, NbTensor *out)
{
  PetscFunctionBegin;
  if (x->kind == y->kind && x->rows == y->rows && x->cols == y->cols && x->K == y->K && NbJetSpecEqual_Private(x->jet, y->jet) && (x->kind != NB_KIND_POINT || x->set == y->set)) {
    NbTensor  xs[2] = {y, x};
    PetscReal w[2]  = {1, alpha};
    PetscCall(NbTensorLinearCombination(2, xs, w, out));
  } else {
    NbTensor s;
    PetscCall(NbTensorScale(x, alpha, &s));
    PetscCall(NbTensorAdd(y, s, out));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
