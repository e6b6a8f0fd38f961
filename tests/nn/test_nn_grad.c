/* Every op's reverse-mode gradient against central finite differences.

   Each case builds loss = sum(w .* y) + 0.5 mean(y^2) around the op under
   test, with random inputs x and random per-point weights w, and compares
   dloss/dtheta for every parameter theta with (L(theta+h) - L(theta-h))/(2h).
   Tolerance: relative error <= 1e-6 in the max norm. With h = 1e-5 and
   O(1) values the truncation error is ~h^2 |L'''| ~ 1e-10 and the round-off
   ~eps |L| / h ~ 1e-11, so 1e-6 leaves four orders of margin while a wrong
   backward rule gives O(1) errors. Every case runs with 37 points (not a
   multiple of the 8-lane vectors) in one tile and in tiles of 8, and the
   two losses must agree to 1e-13 relative. The gradient is computed twice
   and must repeat bitwise: the padding lanes of a partial tile may hold inf
   or NaN (case "padding": log x^2 of the zero padding), and nothing of a
   previous pass may leak from the pooled buffers into the next. */
#include "nbtest.h"

#define NPTS 37
#define MAXW 16

static NbTensor  g_weights[MAXW];
static PetscInt  g_nweights;
static PetscReal g_h = 1e-5, g_tol = 1e-6;

/* loss = sum(w .* y) + 0.5 mean(y^2), w a fresh random point input */
static PetscErrorCode Probe(NbGraph g, NbTensor X, NbTensor y, NbTensor *loss)
{
  NbTensor  w, s, ms, terms[2];
  PetscReal c[2] = {1, 0.5};
  PetscInt  rows, cols;
  char      name[32];

  PetscFunctionBegin;
  PetscCall(NbTensorGetShape(y, &rows, &cols));
  PetscCall(PetscSNPrintf(name, sizeof(name), "w%d", (int)g_nweights));
  PetscCall(NbGraphAddInputLike(g, name, X, cols, &w));
  g_weights[g_nweights++] = w;
  PetscCall(NbTensorWeightedSum(y, w, &s));
  PetscCall(NbTensorMeanSquare(y, &ms));
  terms[0] = s;
  terms[1] = ms;
  PetscCall(NbTensorLinearCombination(2, terms, c, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* h = x W + b, 3 -> m columns, a point tensor depending on parameters */
static PetscErrorCode Hidden(NbModel m, NbGraph g, NbTensor X, const char *name, PetscInt cols, NbTensor *h)
{
  NbTensor W, b;
  char     wn[32], bn[32];
  PetscInt idx;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(wn, sizeof(wn), "%s.W", name));
  PetscCall(PetscSNPrintf(bn, sizeof(bn), "%s.b", name));
  PetscCall(NbModelFindParameter(m, wn, &idx));
  if (idx < 0) {
    PetscCall(NbModelAddParameter(m, wn, 3, cols, NB_INIT_GLOROT_NORMAL, 1.0, NULL));
    PetscCall(NbModelAddParameter(m, bn, 1, cols, NB_INIT_NORMAL, 0.3, NULL));
  }
  PetscCall(NbGraphAddParameter(g, m, wn, &W));
  PetscCall(NbGraphAddParameter(g, m, bn, &b));
  PetscCall(NbTensorDense(X, W, b, h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef PetscErrorCode (*Builder)(NbModel, NbGraph, NbTensor X, NbTensor *loss);

#define UNARY_CASE(NAME, PRE, OP) \
  static PetscErrorCode NAME(NbModel m, NbGraph g, NbTensor X, NbTensor *loss) \
  { \
    NbTensor h, y; \
    PetscFunctionBegin; \
    PetscCall(Hidden(m, g, X, "h", 4, &h)); \
    PRE; \
    PetscCall(OP(h, &y)); \
    PetscCall(Probe(g, X, y, loss)); \
    PetscFunctionReturn(PETSC_SUCCESS); \
  }

UNARY_CASE(CaseDense, (void)0, NbTensorTanh)
UNARY_CASE(CaseTanh, (void)0, NbTensorTanh)
UNARY_CASE(CaseSin, (void)0, NbTensorSin)
UNARY_CASE(CaseCos, (void)0, NbTensorCos)
UNARY_CASE(CaseSigmoid, PetscCall(NbTensorScale(h, 3.0, &h)), NbTensorSigmoid)
UNARY_CASE(CaseSoftplus, PetscCall(NbTensorScale(h, 3.0, &h)), NbTensorSoftplus)
UNARY_CASE(CaseGELU, PetscCall(NbTensorScale(h, 2.0, &h)), NbTensorGELU)
UNARY_CASE(CaseReLU, (void)0, NbTensorReLU)
UNARY_CASE(CaseExp, (void)0, NbTensorExp)
UNARY_CASE(CaseLog, PetscCall(NbTensorSquare(h, &h)); PetscCall(NbTensorAXPB(h, 1.0, 0.5, &h)), NbTensorLog)
UNARY_CASE(CaseSquare, (void)0, NbTensorSquare)
UNARY_CASE(CaseSqrt, PetscCall(NbTensorSquare(h, &h)); PetscCall(NbTensorAXPB(h, 1.0, 0.5, &h)), NbTensorSqrt)
UNARY_CASE(CaseRecip, PetscCall(NbTensorSquare(h, &h)); PetscCall(NbTensorAXPB(h, 2.0, 0.5, &h)), NbTensorReciprocal)
UNARY_CASE(CaseSoftmax, (void)0, NbTensorSoftmax)

static PetscErrorCode AXPB(NbTensor h, NbTensor *y) { return NbTensorAXPB(h, -1.7, 0.4, y); }
UNARY_CASE(CaseAXPB, (void)0, AXPB)
static PetscErrorCode LN(NbTensor h, NbTensor *y) { return NbTensorLayerNorm(h, 1e-3, y); }
UNARY_CASE(CaseLayerNorm, (void)0, LN)
static PetscErrorCode Drop(NbTensor h, NbTensor *y) { return NbTensorDropout(h, 0.3, y); }
UNARY_CASE(CaseDropout, (void)0, Drop)
static PetscErrorCode Sl(NbTensor h, NbTensor *y) { return NbTensorSlice(h, 1, 3, y); }
UNARY_CASE(CaseSlice, PetscCall(NbTensorTanh(h, &h)), Sl)

/* binary ops: point-point, point-row (1 x m parameter), point-scalar, point-column */
static PetscErrorCode CaseBinary(NbModel m, NbGraph g, NbTensor X, NbTensor *loss, PetscErrorCode (*op)(NbTensor, NbTensor, NbTensor *))
{
  NbTensor  a, b, row, sc, col, y[4], s[4], tot;
  PetscReal w[4] = {1, 1, 1, 1};
  PetscInt  idx;

  PetscFunctionBegin;
  PetscCall(Hidden(m, g, X, "a", 4, &a));
  PetscCall(Hidden(m, g, X, "b", 4, &b));
  PetscCall(Hidden(m, g, X, "c", 1, &col));
  PetscCall(NbModelFindParameter(m, "row", &idx));
  if (idx < 0) {
    PetscCall(NbModelAddParameter(m, "row", 1, 4, NB_INIT_NORMAL, 1.0, NULL));
    PetscCall(NbModelAddScalar(m, "scal", 1.3, NULL));
  }
  PetscCall(NbGraphAddParameter(g, m, "row", &row));
  PetscCall(NbGraphAddParameter(g, m, "scal", &sc));
  /* keep divisors away from zero */
  if (op == NbTensorDiv) {
    PetscCall(NbTensorSquare(b, &b));
    PetscCall(NbTensorAXPB(b, 1, 0.5, &b));
    PetscCall(NbTensorSquare(col, &col));
    PetscCall(NbTensorAXPB(col, 1, 0.7, &col));
    PetscCall(NbTensorSquare(row, &row));
    PetscCall(NbTensorAXPB(row, 1, 0.6, &row));
  }
  PetscCall(op(a, b, &y[0]));
  PetscCall(op(a, row, &y[1]));
  PetscCall(op(a, sc, &y[2]));
  PetscCall(op(a, col, &y[3]));
  for (int k = 0; k < 4; k++) PetscCall(Probe(g, X, y[k], &s[k]));
  PetscCall(NbTensorLinearCombination(4, s, w, &tot));
  *loss = tot;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode CaseAdd(NbModel m, NbGraph g, NbTensor X, NbTensor *l) { return CaseBinary(m, g, X, l, NbTensorAdd); }
static PetscErrorCode CaseSub(NbModel m, NbGraph g, NbTensor X, NbTensor *l) { return CaseBinary(m, g, X, l, NbTensorSub); }
static PetscErrorCode CaseMul(NbModel m, NbGraph g, NbTensor X, NbTensor *l) { return CaseBinary(m, g, X, l, NbTensorMul); }
static PetscErrorCode CaseDiv(NbModel m, NbGraph g, NbTensor X, NbTensor *l) { return CaseBinary(m, g, X, l, NbTensorDiv); }

/* constant on the left of a broadcast: scalar - point, row / point */
static PetscErrorCode CaseBroadcastLeft(NbModel m, NbGraph g, NbTensor X, NbTensor *loss)
{
  NbTensor a, sc, y, z, p, s[2];

  PetscFunctionBegin;
  PetscCall(Hidden(m, g, X, "a", 4, &a));
  PetscCall(NbModelAddScalar(m, "scal", 0.8, NULL));
  PetscCall(NbGraphAddParameter(g, m, "scal", &sc));
  PetscCall(NbTensorSub(sc, a, &y));
  PetscCall(NbTensorSquare(a, &p));
  PetscCall(NbTensorAXPB(p, 1, 1, &p));
  PetscCall(NbTensorDiv(sc, p, &z));
  PetscCall(Probe(g, X, y, &s[0]));
  PetscCall(Probe(g, X, z, &s[1]));
  PetscCall(NbTensorLinearCombination(2, s, NULL, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* reductions, linear combination, concat; a nonlinear scalar part (the
   product and the square root of two means) forces the unfused path */
static PetscErrorCode CaseReduce(NbModel m, NbGraph g, NbTensor X, NbTensor *loss, PetscBool nonlinear)
{
  NbTensor a, b, c, cat, y, s1, s2, m1, t[3], lam, q;

  PetscFunctionBegin;
  PetscCall(Hidden(m, g, X, "a", 2, &a));
  PetscCall(Hidden(m, g, X, "b", 3, &b));
  PetscCall(NbTensorTanh(a, &a));
  PetscCall(NbTensorSin(b, &b));
  {
    NbTensor parts[2] = {a, b};
    PetscCall(NbTensorConcat(2, parts, &cat));
  }
  PetscCall(NbModelAddScalar(m, "lambda", 0.6, NULL));
  PetscCall(NbGraphAddParameter(g, m, "lambda", &lam));
  PetscCall(NbTensorExp(lam, &lam)); /* a constant node with its own gradient */
  PetscCall(Probe(g, X, cat, &y));
  PetscCall(NbTensorSum(a, &s1));
  PetscCall(NbTensorMean(b, &m1));
  PetscCall(NbTensorMul(m1, lam, &s2));
  t[0] = y;
  t[1] = s1;
  t[2] = s2;
  {
    PetscReal w[3] = {1.0, 0.3, -2.0};
    PetscCall(NbTensorLinearCombination(3, t, w, &c));
  }
  if (nonlinear) {
    PetscCall(NbTensorMul(c, m1, &q));
    PetscCall(NbTensorSquare(q, &q));
    PetscCall(NbTensorAXPB(q, 1, 1, &q));
    PetscCall(NbTensorSqrt(q, &c));
  }
  *loss = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode CaseReduceLinear(NbModel m, NbGraph g, NbTensor X, NbTensor *l) { return CaseReduce(m, g, X, l, PETSC_FALSE); }
static PetscErrorCode CaseReduceNonlinear(NbModel m, NbGraph g, NbTensor X, NbTensor *l) { return CaseReduce(m, g, X, l, PETSC_TRUE); }

/* constant part: a parameter matrix transformed before use (exp, matmul of two parameters) */
static PetscErrorCode CaseConstPart(NbModel m, NbGraph g, NbTensor X, NbTensor *loss)
{
  NbTensor A, B, W, h;

  PetscFunctionBegin;
  PetscCall(NbModelAddParameter(m, "A", 3, 2, NB_INIT_NORMAL, 0.5, NULL));
  PetscCall(NbModelAddParameter(m, "B", 2, 4, NB_INIT_NORMAL, 0.5, NULL));
  PetscCall(NbGraphAddParameter(g, m, "A", &A));
  PetscCall(NbGraphAddParameter(g, m, "B", &B));
  PetscCall(NbTensorMatMul(A, B, &W));
  PetscCall(NbTensorTanh(W, &W));
  PetscCall(NbTensorMatMul(X, W, &h));
  PetscCall(NbTensorGELU(h, &h));
  PetscCall(Probe(g, X, h, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* attention over sequences of 4 points (the set has 36 or 40 points... use 36 below), 2 heads */
static PetscErrorCode CaseAttention(NbModel m, NbGraph g, NbTensor X, NbTensor *loss)
{
  NbTensor q, k, v, o;

  PetscFunctionBegin;
  PetscCall(Hidden(m, g, X, "q", 4, &q));
  PetscCall(Hidden(m, g, X, "k", 4, &k));
  PetscCall(Hidden(m, g, X, "v", 6, &v));
  PetscCall(NbTensorAttention(q, k, v, 4, 2, &o));
  PetscCall(Probe(g, X, o, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The MLP and Fourier layers as the next issues will use them */
static PetscErrorCode CaseLayers(NbModel m, NbGraph g, NbTensor X, NbTensor *loss)
{
  NbLayer  ff, mlp, ln;
  NbTensor h;
  PetscInt w[3] = {8, 5, 3};

  PetscFunctionBegin;
  PetscCall(NbModelAddFourierFeatures(m, "ff", 3, 4, 1.0, &ff));
  PetscCall(NbModelAddMLP(m, "mlp", 3, w, NB_ACT_SIN, &mlp));
  PetscCall(NbModelAddLayerNorm(m, "ln", 3, &ln));
  PetscCall(NbLayerApply(ff, g, X, &h));
  PetscCall(NbLayerApply(mlp, g, h, &h));
  PetscCall(NbLayerApply(ln, g, h, &h));
  PetscCall(Probe(g, X, h, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* log x0^2 is finite at every point but -inf on the zero padding lanes of a
   partial tile; two tanh layers after it carry NaN through those lanes */
static PetscErrorCode CasePadding(NbModel m, NbGraph g, NbTensor X, NbTensor *loss)
{
  NbTensor x0, h;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x0));
  PetscCall(NbTensorSquare(x0, &x0));
  PetscCall(NbTensorLog(x0, &x0));
  PetscCall(NbTensorConcat(3, (NbTensor[]){x0, x0, x0}, &h));
  PetscCall(Hidden(m, g, h, "p", 3, &h));
  PetscCall(NbTensorTanh(h, &h));
  PetscCall(Hidden(m, g, h, "q", 4, &h));
  PetscCall(NbTensorTanh(h, &h));
  PetscCall(Probe(g, X, h, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(const char *name, Builder build, PetscInt npts, PetscInt tile, PetscReal *lossout, PetscReal *err)
{
  NbModel    m;
  NbGraph    g;
  NbTensor   X, loss;
  NbRNG      rng;
  PetscInt   P;
  PetscReal *p, *grad, *fd, *buf, L, Lp, gmax = 0, emax = 0;

  PetscFunctionBegin;
  g_nweights = 0;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelSetSeed(m, 7));
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphSetTileSize(g, tile));
  PetscCall(NbGraphAddInput(g, "x", 64, 3, &X));
  PetscCall(build(m, g, X, &loss));
  PetscCall(NbGraphSetLoss(g, loss));
  PetscCall(NbGraphSetUp(g));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, 11));
  PetscCall(PetscMalloc1(64 * MAXW, &buf));
  PetscCall(NbRNGNormal(rng, 0, 0, npts * 3, buf));
  PetscCall(NbGraphSetInput(g, X, npts, buf));
  for (PetscInt k = 0; k < g_nweights; k++) {
    PetscInt rows, cols;
    PetscCall(NbTensorGetShape(g_weights[k], &rows, &cols));
    PetscCall(NbRNGNormal(rng, 1 + k, 0, npts * cols, buf));
    PetscCall(NbGraphSetInput(g, g_weights[k], npts, buf));
  }
  PetscCall(NbGraphComputeLossGradient(g, &L));
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(NbModelGetParameterArray(m, &p));
  PetscCall(NbModelGetGradientArray(m, &grad));
  PetscCall(PetscMalloc1(P, &fd));
  PetscCall(PetscArraycpy(fd, grad, P));
  PetscCall(NbGraphComputeLossGradient(g, &Lp));
  for (PetscInt i = 0; i < P; i++) PetscCheck(grad[i] == fd[i] && Lp == L, PETSC_COMM_SELF, PETSC_ERR_PLIB, "case %s: a second gradient pass differs (parameter %" PetscInt_FMT ": %g then %g)", name, i, (double)fd[i], (double)grad[i]);
  PetscCall(NbTestLossDifferences(g, loss, P, p, g_h, fd));
  for (PetscInt i = 0; i < P; i++) {
    gmax = PetscMax(gmax, PetscAbsReal(fd[i]));
    emax = PetscMax(emax, PetscAbsReal(fd[i] - grad[i]));
  }
  *err     = emax / PetscMax(gmax, 1e-300);
  *lossout = L;
  PetscCheck(P > 0 && gmax > 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "case %s: no gradient to check", name);
  PetscCall(PetscFree(fd));
  PetscCall(PetscFree(buf));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  struct {
    const char *name;
    Builder     build;
    PetscInt    npts;
  } cases[] = {
    {"dense",         CaseDense,           NPTS},
    {"tanh",          CaseTanh,            NPTS},
    {"sin",           CaseSin,             NPTS},
    {"cos",           CaseCos,             NPTS},
    {"sigmoid",       CaseSigmoid,         NPTS},
    {"softplus",      CaseSoftplus,        NPTS},
    {"gelu",          CaseGELU,            NPTS},
    {"relu",          CaseReLU,            NPTS},
    {"exp",           CaseExp,             NPTS},
    {"log",           CaseLog,             NPTS},
    {"square",        CaseSquare,          NPTS},
    {"sqrt",          CaseSqrt,            NPTS},
    {"reciprocal",    CaseRecip,           NPTS},
    {"axpb",          CaseAXPB,            NPTS},
    {"softmax",       CaseSoftmax,         NPTS},
    {"layernorm",     CaseLayerNorm,       NPTS},
    {"dropout",       CaseDropout,         NPTS},
    {"slice",         CaseSlice,           NPTS},
    {"add",           CaseAdd,             NPTS},
    {"sub",           CaseSub,             NPTS},
    {"mul",           CaseMul,             NPTS},
    {"div",           CaseDiv,             NPTS},
    {"broadcastleft", CaseBroadcastLeft,   NPTS},
    {"reduce+concat", CaseReduceLinear,    NPTS},
    {"nonlinearloss", CaseReduceNonlinear, NPTS},
    {"constpart",     CaseConstPart,       NPTS},
    {"attention",     CaseAttention,       36  },
    {"layers",        CaseLayers,          NPTS},
    {"padding",       CasePadding,         NPTS},
  };
  PetscInt nfail = 0;

  PetscCall(NbInitialize(&argc, &argv, NULL, "Gradient of every nn op against central finite differences"));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-fd_h", &g_h, NULL));
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    PetscReal L1, L8, e1, e8, dl;
    PetscCall(Run(cases[c].name, cases[c].build, cases[c].npts, 0, &L1, &e1));
    PetscCall(Run(cases[c].name, cases[c].build, cases[c].npts, 8, &L8, &e8));
    dl = PetscAbsReal(L1 - L8) / PetscMax(PetscAbsReal(L1), 1e-300);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-14s loss %+.6e  grad rel err %.2e (one tile) %.2e (tiles of 8)  tile loss diff %.1e  %s\n", cases[c].name, (double)L1, (double)e1, (double)e8, (double)dl, e1 <= g_tol && e8 <= g_tol && dl <= 1e-13 ? "ok" : "FAIL"));
    if (!(e1 <= g_tol && e8 <= g_tol && dl <= 1e-13)) nfail++;
  }
  PetscCheck(nfail == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%" PetscInt_FMT " op(s) failed the finite-difference check (tolerance %g)", nfail, (double)g_tol);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "all %d ops agree with finite differences to %g\n", (int)(sizeof(cases) / sizeof(cases[0])), (double)g_tol));
  PetscCall(NbFinalize());
  return 0;
}
