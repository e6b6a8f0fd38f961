/* nabla's small-matrix kernels and vector math for PINN shapes.

   Tensors are feature-major ([feature][point]), so a product with a small
   weight matrix vectorises over points whatever the layer width: every lane
   of an AVX-512 register does useful work for widths 20, 64 or 1, where a
   point-major BLAS call on 10000 x 20 x 20 wastes lanes and spends its time
   in packing. The weight entries are broadcast scalars from L1.

   Written with GCC vector extensions (8 doubles): with -march=native they
   become AVX-512 instructions, without it the compiler splits them. ISO C
   mode (-std=c11) turns off FMA contraction; the pragma below allows it here
   (results stay deterministic: the same binary does the same arithmetic on
   every rank). */
#pragma GCC optimize("fp-contract=fast")
#include "nnimpl.h"
#include "nnsimd.h"

static inline PetscReal Hsum(v8d v)
{
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

/* ------------------------------------------------------------------ GEMM
   Micro-kernel: MR output features x NV vectors of 8 lanes. Per p it loads
   NV vectors of X and MR broadcasts of A for MR*NV FMAs (6x4: 10 loads per 24
   FMAs; 24 accumulators, 4 X vectors and a broadcast fill the 32 registers).
   Remainders of m use 4-, 2- and 1-row blocks. */
#ifndef NB_MR
  #define NB_MR 6
#endif
#ifndef NB_NV
  #define NB_NV 4
#endif
#define NB_MRMAX 8

static inline __attribute__((always_inline)) void Micro(const int MR, const int NV, PetscInt k, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, PetscBool add, const PetscReal *bias, PetscInt sb)
{
  v8d c[NB_MRMAX][NB_NV];

  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) c[r][v] = add ? Ld(Y + r * ldy + 8 * v) : bias ? Splat(bias[r * sb]) : Splat(0);
  for (PetscInt p = 0; p < k; p++) {
    const PetscReal *x = X + p * ldx, *a = A + p * sap;
    v8d              xv[NB_NV];
    for (int v = 0; v < NV; v++) {
      xv[v] = Ld(x + 8 * v);
      /* keep X in a register: folded into each FMA it is loaded MR times */
      NB_KEEP_IN_REGISTER(xv[v]);
    }
    for (int r = 0; r < MR; r++) {
      PetscReal ar = a[r * saj];
      for (int v = 0; v < NV; v++) c[r][v] += ar * xv[v];
    }
  }
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) St(Y + r * ldy + 8 * v, c[r][v]);
}

static inline __attribute__((always_inline)) void Panel(const int NV, PetscInt m, PetscInt k, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, PetscBool add, const PetscReal *b, PetscInt sb)
{
  PetscInt j = 0;
  for (; j + NB_MR <= m; j += NB_MR) Micro(NB_MR, NV, k, A + j * saj, sap, saj, X, ldx, Y + j * ldy, ldy, add, b ? b + j * sb : NULL, sb);
  if (NB_MR > 4 && j + 4 <= m) Micro(4, NV, k, A + j * saj, sap, saj, X, ldx, Y + j * ldy, ldy, add, b ? b + j * sb : NULL, sb), j += 4;
  if (NB_MR > 2 && j + 2 <= m) Micro(2, NV, k, A + j * saj, sap, saj, X, ldx, Y + j * ldy, ldy, add, b ? b + j * sb : NULL, sb), j += 2;
  for (; j < m; j++) Micro(1, NV, k, A + j * saj, sap, saj, X, ldx, Y + j * ldy, ldy, add, b ? b + j * sb : NULL, sb);
}

/* lanes [l0, l1) of the product; b: a bias that starts every lane's
   accumulators (or NULL) */
static void GemmLanes(PetscInt m, PetscInt k, PetscInt l0, PetscInt l1, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, PetscBool add, const PetscReal *b, PetscInt sb)
{
  PetscInt l = l0;

  for (; l + 8 * NB_NV <= l1; l += 8 * NB_NV) Panel(NB_NV, m, k, A, sap, saj, X + l, ldx, Y + l, ldy, add, b, sb);
  for (; l + 8 <= l1; l += 8) Panel(1, m, k, A, sap, saj, X + l, ldx, Y + l, ldy, add, b, sb);
  for (; l < l1; l++)
    for (PetscInt j = 0; j < m; j++) {
      PetscReal s = add ? Y[j * ldy + l] : b ? b[j * sb] : 0;
      for (PetscInt p = 0; p < k; p++) s += A[p * sap + j * saj] * X[p * ldx + l];
      Y[j * ldy + l] = s;
    }
}

void NbGemmFM(PetscInt m, PetscInt k, PetscInt nl, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, PetscBool add)
{
  GemmLanes(m, k, 0, nl, A, sap, saj, X, ldx, Y, ldy, add, NULL, 0);
}

/* the dense layer's forward in one pass: the bias starts the accumulators
   of lanes l < nb (the value component of a jet); no separate pass */
void NbGemmFMBias(PetscInt m, PetscInt k, PetscInt nl, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, const PetscReal *b, PetscInt sb, PetscInt nb)
{
  nb = PetscMin(nb, nl);
  GemmLanes(m, k, 0, nb, A, sap, saj, X, ldx, Y, ldy, PETSC_FALSE, b, sb);
  GemmLanes(m, k, nb, nl, A, sap, saj, X, ldx, Y, ldy, PETSC_FALSE, NULL, 0);
}

/* s[j*ss] += sum_{l<n} D[j*ldd + l]: the bias gradient, vectorised (a
   scalar sum is one chain of dependent additions) */
void NbRowSumFM(PetscInt m, PetscInt n, const PetscReal *D, PetscInt ldd, PetscReal *s, PetscInt ss)
{
  for (PetscInt j = 0; j < m; j++) {
    const PetscReal *d  = D + j * ldd;
    v8d              a0 = Splat(0), a1 = Splat(0);
    PetscInt         l  = 0;
    PetscReal        t;
    for (; l + 16 <= n; l += 16) {
      a0 += Ld(d + l);
      a1 += Ld(d + l + 8);
    }
    if (l + 8 <= n) a0 += Ld(d + l), l += 8;
    t = Hsum(a0 + a1);
    for (; l < n; l++) t += d[l];
    s[j * ss] += t;
  }
}

/* G(p,j) += sum_l X[p][l] D[j][l]: blocks of 4 x 4 dot products over lanes,
   16 accumulators, 8 loads per 16 FMAs; a partial last vector is read
   through a zero-padded copy so lanes >= nl never contribute. */
static inline __attribute__((always_inline)) void DotMicro(const int MP, const int MJ, PetscInt nl, const PetscReal *X, PetscInt ldx, const PetscReal *D, PetscInt ldd, PetscReal *G, PetscInt sgp, PetscInt sgj)
{
  v8d      c[4][4];
  PetscInt l = 0;

  for (int a = 0; a < MP; a++)
    for (int b = 0; b < MJ; b++) c[a][b] = Splat(0);
  for (; l + 8 <= nl; l += 8) {
    v8d xv[4], dv[4];
    for (int a = 0; a < MP; a++) {
      xv[a] = Ld(X + a * ldx + l);
      NB_KEEP_IN_REGISTER(xv[a]);
    }
    for (int b = 0; b < MJ; b++) {
      dv[b] = Ld(D + b * ldd + l);
      NB_KEEP_IN_REGISTER(dv[b]);
    }
    for (int a = 0; a < MP; a++)
      for (int b = 0; b < MJ; b++) c[a][b] += xv[a] * dv[b];
  }
  if (l < nl) {
    PetscReal xt[4][8], dt[4][8];
    v8d       xv[4], dv[4];
    memset(xt, 0, sizeof(xt));
    memset(dt, 0, sizeof(dt));
    for (int a = 0; a < MP; a++) memcpy(xt[a], X + a * ldx + l, (size_t)(nl - l) * sizeof(PetscReal));
    for (int b = 0; b < MJ; b++) memcpy(dt[b], D + b * ldd + l, (size_t)(nl - l) * sizeof(PetscReal));
    for (int a = 0; a < MP; a++) xv[a] = Ld(xt[a]);
    for (int b = 0; b < MJ; b++) dv[b] = Ld(dt[b]);
    for (int a = 0; a < MP; a++)
      for (int b = 0; b < MJ; b++) c[a][b] += xv[a] * dv[b];
  }
  if (MP == 4 && sgp == 1) {
    /* per column b: the four sums of c[0..3][b] at once (3 shuffle-add
       rounds instead of four horizontal sums); G(p..p+3, b) is contiguous */
    for (int b = 0; b < MJ; b++) {
      v8d s01 = __builtin_shuffle(c[0][b], c[1][b], (v8l){0, 1, 2, 3, 8, 9, 10, 11}) + __builtin_shuffle(c[0][b], c[1][b], (v8l){4, 5, 6, 7, 12, 13, 14, 15});
      v8d s23 = __builtin_shuffle(c[2][b], c[3][b], (v8l){0, 1, 2, 3, 8, 9, 10, 11}) + __builtin_shuffle(c[2][b], c[3][b], (v8l){4, 5, 6, 7, 12, 13, 14, 15});
      v8d t   = __builtin_shuffle(s01, s23, (v8l){0, 1, 8, 9, 4, 5, 12, 13}) + __builtin_shuffle(s01, s23, (v8l){2, 3, 10, 11, 6, 7, 14, 15});
      v8d u   = __builtin_shuffle(t, (v8l){0, 4, 2, 6, 1, 5, 3, 7});
      PetscReal *g = G + b * sgj;
      /* t = [a0+a2, a1+a3, c.., c.., b.., b.., d.., d..] -> u = [A, B, C, D | A', B', C', D'] */
      g[0] += u[0] + u[4];
      g[1] += u[1] + u[5];
      g[2] += u[2] + u[6];
      g[3] += u[3] + u[7];
    }
  } else
    for (int a = 0; a < MP; a++)
      for (int b = 0; b < MJ; b++) G[a * sgp + b * sgj] += Hsum(c[a][b]);
}

void NbGemmDotFM(PetscInt k, PetscInt m, PetscInt nl, const PetscReal *X, PetscInt ldx, const PetscReal *D, PetscInt ldd, PetscReal *G, PetscInt sgp, PetscInt sgj)
{
  PetscInt p = 0;

  for (; p + 4 <= k; p += 4) {
    PetscInt j = 0;
    for (; j + 4 <= m; j += 4) DotMicro(4, 4, nl, X + p * ldx, ldx, D + j * ldd, ldd, G + p * sgp + j * sgj, sgp, sgj);
    for (; j < m; j++) DotMicro(4, 1, nl, X + p * ldx, ldx, D + j * ldd, ldd, G + p * sgp + j * sgj, sgp, sgj);
  }
  for (; p < k; p++) {
    PetscInt j = 0;
    for (; j + 4 <= m; j += 4) DotMicro(1, 4, nl, X + p * ldx, ldx, D + j * ldd, ldd, G + p * sgp + j * sgj, sgp, sgj);
    for (; j < m; j++) DotMicro(1, 1, nl, X + p * ldx, ldx, D + j * ldd, ldd, G + p * sgp + j * sgj, sgp, sgj);
  }
}

#define NB_VEC_MAP(NAME, VF, SF) \
  void NAME(PetscInt n, const PetscReal *x, PetscReal *y) \
  { \
    PetscInt i = 0; \
    for (; i + 8 <= n; i += 8) St(y + i, VF(Ld(x + i))); \
    if (i < n) { \
      PetscReal t[8] = {0}; \
      memcpy(t, x + i, (size_t)(n - i) * sizeof(PetscReal)); \
      v8d r = VF(Ld(t)); \
      St(t, r); \
      memcpy(y + i, t, (size_t)(n - i) * sizeof(PetscReal)); \
    } \
  }

NB_VEC_MAP(NbVecTanh, VTanh, tanh)
NB_VEC_MAP(NbVecExp, VExp, exp)
NB_VEC_MAP(NbVecSigmoid, VSigmoid, sigmoid)
