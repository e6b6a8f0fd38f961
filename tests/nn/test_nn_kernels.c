/* RNG and kernels against independent references.

   1. Philox4x32-10 against the known-answer vectors of Random123
      (Salmon et al. 2011, kat_vectors): exact.
   2. Counter-based streams: a sequence drawn at once equals the same
      sequence drawn in pieces (exact); 1e6 uniforms have mean 1/2 and
      variance 1/12, 1e6 normals mean 0 and variance 1, within 5 standard
      errors (a wrong mapping of bits to numbers is off by far more).
   3. NbPartition: the ranks' blocks tile [0, N) in order (exact); a mean
      over points given rank by rank to NbGraphSetInput equals the global
      mean (1e-14: a sum of 1e6 integers < 2^53 in a few partial sums).
   4. Dense products through the graph (feature-major kernels, 203 points in
      tiles of 64, k = 37, m = 29: every remainder path) against naive loops,
      for the value, a jet (its derivative components are exact rows of W),
      and the weight gradients of a linear loss (closed form X^T w and
      X^T (w W2^T)): relative error <= 1e-13 (sums of 37 to 203 products,
      each rounding ~1e-16).
   5. Vectorised tanh, exp, sigmoid against libm over [-30, 30], near 0 and
      at the ends of exp's range (+-700, 709.78):
      relative error <= 1e-15 (about 5 ulp: the polynomial is accurate to
      4e-17; the reduction and reconstruction add a few roundings). */
#include "nabla.h"
#include <math.h>

static PetscErrorCode Report(const char *what, PetscReal err, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-58s %.2e (tolerance %.0e) %s\n", what, (double)err, (double)tol, err <= tol ? "ok" : "FAIL"));
  PetscCheck(err <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %g > %g", what, (double)err, (double)tol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RNG(void)
{
  const uint32_t kat[3][10] = {
    {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
    {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
    {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
  };
  NbRNG      rng;
  PetscInt   n = 1000000, bad = 0;
  PetscReal *u, a[1001], b[1001], mean = 0, var = 0;

  PetscFunctionBegin;
  for (int k = 0; k < 3; k++) {
    uint32_t out[4];
    NbPhilox4x32_10(kat[k], kat[k] + 4, out);
    for (int i = 0; i < 4; i++) bad += out[i] != kat[k][6 + i];
  }
  PetscCall(Report("Philox4x32-10 known-answer vectors: wrong words", (PetscReal)bad, 0));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, 123456789));
  for (int d = 0; d < 2; d++) {
    PetscErrorCode (*draw)(NbRNG, PetscInt64, PetscInt64, PetscInt, PetscReal[]) = d ? NbRNGNormal : NbRNGUniform;
    PetscCall(draw(rng, 5, 17, 1001, a));
    PetscCall(draw(rng, 5, 17, 333, b));
    PetscCall(draw(rng, 5, 17 + 333, 1, b + 333));
    PetscCall(draw(rng, 5, 17 + 334, 667, b + 334));
    PetscCall(Report(d ? "normal stream drawn at once vs in pieces: differing bits" : "uniform stream drawn at once vs in pieces: differing bits", (PetscReal)!!memcmp(a, b, sizeof(a)), 0));
  }
  PetscCall(PetscMalloc1(n, &u));
  PetscCall(NbRNGUniform(rng, 1, 0, n, u));
  for (PetscInt i = 0; i < n; i++) mean += u[i] / n;
  for (PetscInt i = 0; i < n; i++) var += (u[i] - mean) * (u[i] - mean) / (n - 1);
  PetscCall(Report("uniform mean - 1/2, in standard errors", PetscAbsReal(mean - 0.5) / PetscSqrtReal(1.0 / 12 / n), 5));
  PetscCall(Report("uniform variance - 1/12, in standard errors", PetscAbsReal(var - 1.0 / 12) / PetscSqrtReal(1.0 / 180 / n), 5));
  PetscCall(NbRNGNormal(rng, 2, 0, n, u));
  mean = var = 0;
  for (PetscInt i = 0; i < n; i++) mean += u[i] / n;
  for (PetscInt i = 0; i < n; i++) var += (u[i] - mean) * (u[i] - mean) / (n - 1);
  PetscCall(Report("normal mean, in standard errors", PetscAbsReal(mean) / PetscSqrtReal(1.0 / n), 5));
  PetscCall(Report("normal variance - 1, in standard errors", PetscAbsReal(var - 1) / PetscSqrtReal(2.0 / n), 5));
  PetscCall(PetscFree(u));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Partition(void)
{
  PetscMPIInt size;
  PetscInt64  N[3] = {0, 7, 1000003}, bad = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  for (int k = 0; k < 3; k++) {
    PetscInt64 off, *all, next = 0;
    PetscInt   n;
    PetscCall(NbPartition(PETSC_COMM_WORLD, N[k], &off, &n));
    PetscCall(PetscMalloc1(2 * size, &all));
    {
      PetscInt64 mine[2] = {off, n};
      PetscCallMPI(MPI_Allgather(mine, 2, MPIU_INT64, all, 2, MPIU_INT64, PETSC_COMM_WORLD));
    }
    for (PetscMPIInt r = 0; r < size; r++) {
      bad += all[2 * r] != next;
      next += all[2 * r + 1];
    }
    bad += next != N[k];
    PetscCall(PetscFree(all));
  }
  PetscCall(Report("NbPartition blocks tile [0, N) in rank order: errors", (PetscReal)bad, 0));
  {
    /* NbGraphSetInput finds the global count itself: the mean of x_i = i over
       N = 1000003 points split over the ranks is (N - 1)/2, exact in double */
    NbGraph    g;
    NbTensor   X, m;
    PetscInt64 off;
    PetscInt   n;
    PetscReal *x, mean;
    PetscCall(NbPartition(PETSC_COMM_WORLD, N[2], &off, &n));
    PetscCall(NbGraphCreate(PETSC_COMM_WORLD, &g));
    PetscCall(NbGraphAddInput(g, "x", n, 1, &X));
    PetscCall(NbTensorMean(X, &m));
    PetscCall(NbGraphSetUp(g));
    PetscCall(PetscMalloc1(n, &x));
    for (PetscInt i = 0; i < n; i++) x[i] = (PetscReal)(off + i);
    PetscCall(NbGraphSetInput(g, X, n, x));
    PetscCall(NbGraphForward(g));
    PetscCall(NbGraphGetScalar(g, m, &mean));
    PetscCall(Report("mean over points split by NbGraphSetInput vs (N-1)/2 (rel)", PetscAbsReal(mean - (N[2] - 1) / 2.0) / ((N[2] - 1) / 2.0), 1e-14));
    PetscCall(PetscFree(x));
    PetscCall(NbGraphDestroy(&g));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define NP 203
#define KK 37
#define MM 29

static PetscErrorCode Dense(void)
{
  NbModel    m;
  NbGraph    g;
  NbTensor   X, W1, b1, W2, Wt, Y, Z, loss, s;
  NbRNG      rng;
  PetscReal *x, *w, *W, *B, *V, *y, *yx, *gw1, *gw2, *grad, L, e = 0, ey = 0, ex = 0, mx;

  PetscFunctionBegin;
  PetscCall(PetscMalloc6(NP * KK, &x, NP * MM, &w, KK * MM, &W, MM, &B, MM * MM, &V, NP * MM, &y));
  PetscCall(PetscMalloc4(NP * MM, &yx, KK * MM, &gw1, MM * MM, &gw2, KK * MM, &grad));
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelAddParameter(m, "W1", KK, MM, NB_INIT_NORMAL, 1.0, NULL));
  PetscCall(NbModelAddParameter(m, "b1", 1, MM, NB_INIT_NORMAL, 1.0, NULL));
  PetscCall(NbModelAddParameter(m, "W2", MM, MM, NB_INIT_NORMAL, 1.0, NULL));
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphSetTileSize(g, 64));
  PetscCall(NbGraphAddInput(g, "x", NP, KK, &X));
  PetscCall(NbGraphAddInputLike(g, "w", X, MM, &Wt));
  PetscCall(NbGraphAddParameter(g, m, "W1", &W1));
  PetscCall(NbGraphAddParameter(g, m, "b1", &b1));
  PetscCall(NbGraphAddParameter(g, m, "W2", &W2));
  PetscCall(NbTensorDense(X, W1, b1, &Y));
  PetscCall(NbGraphMarkOutput(g, Y));
  PetscCall(NbTensorMatMul(Y, W2, &Z));
  PetscCall(NbTensorWeightedSum(Z, Wt, &loss));
  PetscCall(NbTensorWeightedSum(Y, Wt, &s));
  {
    NbTensor t[2] = {loss, s};
    PetscCall(NbTensorLinearCombination(2, t, NULL, &loss));
  }
  PetscCall(NbGraphSetLoss(g, loss));
  PetscCall(NbGraphSetUp(g));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGNormal(rng, 0, 0, NP * KK, x));
  PetscCall(NbRNGNormal(rng, 1, 0, NP * MM, w));
  PetscCall(NbGraphSetInput(g, X, NP, x));
  PetscCall(NbGraphSetInput(g, Wt, NP, w));
  PetscCall(NbGraphComputeLossGradient(g, &L));
  PetscCall(NbGraphGetValues(g, Y, NULL, y));
  PetscCall(NbModelGetParameterValues(m, "W1", W));
  PetscCall(NbModelGetParameterValues(m, "b1", B));
  PetscCall(NbModelGetParameterValues(m, "W2", V));
  /* naive y = x W1 + b1 */
  mx = 0;
  for (int i = 0; i < NP; i++)
    for (int j = 0; j < MM; j++) {
      PetscReal r = B[j];
      for (int p = 0; p < KK; p++) r += x[i * KK + p] * W[p * MM + j];
      ey = PetscMax(ey, PetscAbsReal(r - y[i * MM + j]));
      mx = PetscMax(mx, PetscAbsReal(r));
    }
  PetscCall(Report("dense forward vs naive loops (max rel)", ey / mx, 1e-13));
  /* naive dL/dW1 = x^T (w + w W2^T), dL/dW2 = y^T w */
  for (int p = 0; p < KK; p++)
    for (int j = 0; j < MM; j++) {
      PetscReal r = 0;
      for (int i = 0; i < NP; i++) {
        PetscReal d = w[i * MM + j];
        for (int q = 0; q < MM; q++) d += w[i * MM + q] * V[j * MM + q];
        r += x[i * KK + p] * d;
      }
      gw1[p * MM + j] = r;
    }
  for (int p = 0; p < MM; p++)
    for (int j = 0; j < MM; j++) {
      PetscReal r = 0;
      for (int i = 0; i < NP; i++) r += y[i * MM + p] * w[i * MM + j];
      gw2[p * MM + j] = r;
    }
  {
    /* the gradient buffer has the parameters' layout: W1 first, (p, j) at j*KK + p, then b1, then W2 */
    PetscReal *G, gm = 0;
    PetscInt   off = 0;
    PetscCall(NbModelGetGradientArray(m, &G));
    for (int p = 0; p < KK; p++)
      for (int j = 0; j < MM; j++) {
        e  = PetscMax(e, PetscAbsReal(G[off + j * KK + p] - gw1[p * MM + j]));
        gm = PetscMax(gm, PetscAbsReal(gw1[p * MM + j]));
      }
    off = KK * MM + MM;
    for (int p = 0; p < MM; p++)
      for (int j = 0; j < MM; j++) {
        ex = PetscMax(ex, PetscAbsReal(G[off + j * MM + p] - gw2[p * MM + j]));
        gm = PetscMax(gm, PetscAbsReal(gw2[p * MM + j]));
      }
    PetscCall(Report("dense weight gradients (through dX too) vs closed form", PetscMax(e, ex) / gm, 1e-13));
  }
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  /* jets through a dense layer: components of a K = 4 jet, contiguous tiles */
  {
    NbGraph  gj;
    NbTensor Xs, J, Yj, c[4];
    PetscReal xs[3 * NP], Wv[3 * MM], Bv[MM], v[4][NP * MM], ej = 0, mj = 0;
    const char *names[4] = {"", "a", "c", "ab"};
    NbModel  mj3;
    PetscCall(NbModelCreate(PETSC_COMM_SELF, &mj3));
    PetscCall(NbModelAddParameter(mj3, "W", 3, MM, NB_INIT_NORMAL, 1.0, NULL));
    PetscCall(NbModelAddParameter(mj3, "b", 1, MM, NB_INIT_NORMAL, 1.0, NULL));
    PetscCall(NbGraphCreate(PETSC_COMM_SELF, &gj));
    PetscCall(NbGraphSetTileSize(gj, 64));
    PetscCall(NbGraphAddInput(gj, "x", NP, 3, &Xs));
    PetscCall(NbTensorJetSeed(Xs, "a,b,c", "a,c,ab", &J));
    {
      NbTensor Wp, bp;
      PetscCall(NbGraphAddParameter(gj, mj3, "W", &Wp));
      PetscCall(NbGraphAddParameter(gj, mj3, "b", &bp));
      PetscCall(NbTensorDense(J, Wp, bp, &Yj));
    }
    for (int k = 0; k < 4; k++) {
      PetscCall(NbTensorJetComponent(Yj, names[k], &c[k]));
      PetscCall(NbGraphMarkOutput(gj, c[k]));
    }
    PetscCall(NbGraphSetUp(gj));
    PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
    PetscCall(NbRNGNormal(rng, 3, 0, 3 * NP, xs));
    PetscCall(NbGraphSetInput(gj, Xs, NP, xs));
    PetscCall(NbGraphForward(gj));
    for (int k = 0; k < 4; k++) PetscCall(NbGraphGetValues(gj, c[k], NULL, v[k]));
    PetscCall(NbModelGetParameterValues(mj3, "W", Wv));
    PetscCall(NbModelGetParameterValues(mj3, "b", Bv));
    for (int i = 0; i < NP; i++)
      for (int j = 0; j < MM; j++) {
        PetscReal val = Bv[j] + xs[3 * i] * Wv[j] + xs[3 * i + 1] * Wv[MM + j] + xs[3 * i + 2] * Wv[2 * MM + j];
        ej = PetscMax(ej, PetscAbsReal(v[0][i * MM + j] - val));
        ej = PetscMax(ej, PetscAbsReal(v[1][i * MM + j] - Wv[j]));          /* d/da = row a of W */
        ej = PetscMax(ej, PetscAbsReal(v[2][i * MM + j] - Wv[2 * MM + j])); /* d/dc = row c */
        ej = PetscMax(ej, PetscAbsReal(v[3][i * MM + j]));                  /* linear: d2 = 0 */
        mj = PetscMax(mj, PetscAbsReal(val));
      }
    PetscCall(Report("dense on a 4-component jet vs exact components", ej / mj, 1e-13));
    PetscCall(NbRNGDestroy(&rng));
    PetscCall(NbGraphDestroy(&gj));
    PetscCall(NbModelDestroy(&mj3));
  }
  PetscCall(NbModelDestroy(&m));
  PetscCall(PetscFree6(x, w, W, B, V, y));
  PetscCall(PetscFree4(yx, gw1, gw2, grad));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Sigmoid(PetscReal z) { return 1 / (1 + PetscExpReal(-z)); }

static PetscErrorCode VectorMath(void)
{
  const PetscInt n = 24007;
  NbGraph        g;
  NbTensor       X, y[3];
  PetscReal     *x, *v;
  const char    *names[3] = {"tanh", "exp", "sigmoid"};
  PetscReal (*ref[3])(PetscReal) = {tanh, exp, Sigmoid};

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, &x, n, &v));
  for (PetscInt i = 0; i < 20001; i++) x[i] = -30 + 60.0 * i / 20000;
  for (PetscInt i = 20001; i < 24001; i++) x[i] = PetscPowReal(10.0, -1 - 15.0 * (i - 20001) / 3999) * (i % 2 ? -1 : 1);
  {
    const PetscReal big[6] = {700, -700, 709.5, -707.5, 709.78, -650}; /* the range ends of exp */
    for (int i = 0; i < 6; i++) x[24001 + i] = big[i];
  }
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphAddInput(g, "x", n, 1, &X));
  PetscCall(NbTensorTanh(X, &y[0]));
  PetscCall(NbTensorExp(X, &y[1]));
  PetscCall(NbTensorSigmoid(X, &y[2]));
  for (int k = 0; k < 3; k++) PetscCall(NbGraphMarkOutput(g, y[k]));
  PetscCall(NbGraphSetUp(g));
  PetscCall(NbGraphSetInput(g, X, n, x));
  PetscCall(NbGraphForward(g));
  for (int k = 0; k < 3; k++) {
    PetscReal e = 0;
    char      what[80];
    PetscCall(NbGraphGetValues(g, y[k], NULL, v));
    for (PetscInt i = 0; i < n; i++) {
      PetscReal r = ref[k](x[i]);
      e           = PetscMax(e, PetscAbsReal(v[i] - r) / PetscAbsReal(r));
    }
    PetscCall(PetscSNPrintf(what, sizeof(what), "vectorised %s vs libm, [-30,30], near 0, to +-709 (max rel)", names[k]));
    PetscCall(Report(what, e, 1e-15));
  }
  PetscCall(NbGraphDestroy(&g));
  PetscCall(PetscFree2(x, v));
  /* special values: NaN stays NaN (a diverged network is not hidden), and
     the limits at +-infinity */
  {
    NbGraph   h;
    NbTensor  Xs, ys[3];
    PetscReal xs[3] = {NAN, INFINITY, -INFINITY}, out[3][3], bad = 0;
    PetscCall(NbGraphCreate(PETSC_COMM_SELF, &h));
    PetscCall(NbGraphAddInput(h, "x", 3, 1, &Xs));
    PetscCall(NbTensorTanh(Xs, &ys[0]));
    PetscCall(NbTensorExp(Xs, &ys[1]));
    PetscCall(NbTensorSigmoid(Xs, &ys[2]));
    for (int k = 0; k < 3; k++) PetscCall(NbGraphMarkOutput(h, ys[k]));
    PetscCall(NbGraphSetUp(h));
    PetscCall(NbGraphSetInput(h, Xs, 3, xs));
    PetscCall(NbGraphForward(h));
    for (int k = 0; k < 3; k++) PetscCall(NbGraphGetValues(h, ys[k], NULL, out[k]));
    for (int k = 0; k < 3; k++) bad += !PetscIsNanReal(out[k][0]);
    bad += out[0][1] != 1 || out[0][2] != -1 || out[2][1] != 1 || out[2][2] != 0 || out[1][2] != 0 || !(out[1][1] > 1e300);
    PetscCall(Report("tanh/exp/sigmoid of NaN and +-inf: wrong values", bad, 0));
    PetscCall(NbGraphDestroy(&h));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscMPIInt rank;

  PetscCall(NbInitialize(&argc, &argv, NULL, "RNG and kernels against independent references"));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(Partition());
  if (rank == 0) {
    PetscCall(RNG());
    PetscCall(Dense());
    PetscCall(VectorMath());
  }
  PetscCall(NbFinalize());
  return 0;
}
