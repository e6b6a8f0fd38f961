/* Private to nn/: 8-double vectors (GCC vector extensions; AVX-512 with
   -march=native, split by the compiler otherwise) and unaligned access. */
#ifndef NNSIMD_H
#define NNSIMD_H
#include <stdint.h>
#include <string.h>
#ifdef __AVX512F__
  #include <immintrin.h>
#endif

typedef double  v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));

static inline v8d Ld(const double *p)
{
  v8d v;
  memcpy(&v, p, sizeof(v));
  return v;
}
static inline void St(double *p, v8d v) { memcpy(p, &v, sizeof(v)); }
static inline v8d  Splat(double a) { return (v8d){a, a, a, a, a, a, a, a}; }
static inline v8d  Sel(v8l m, v8d a, v8d b) { return (v8d)(((v8l)a & m) | ((v8l)b & ~m)); }
/* ---------------------------------------------------------- vector math
   exp and expm1 by Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, and the
   Taylor polynomial of e^r - 1 to degree 13 (truncation < 5e-18 relative).
   expm1 = 2^k q + (2^k - 1) has no cancellation when k = 0, which keeps tanh
   accurate near 0 (Tang 1992 uses the same split). */
static const double kLn2Hi = 0x1.62e42fee00000p-1, kLn2Lo = 0x1.a39ef35793c76p-33, kLog2e = 0x1.71547652b82fep0, kShift = 0x1.8p52;

static inline v8d ExpM1Poly(v8d r)
{
  v8d q = Splat(1.0 / 6227020800.0);
  q     = q * r + 1.0 / 479001600.0;
  q     = q * r + 1.0 / 39916800.0;
  q     = q * r + 1.0 / 3628800.0;
  q     = q * r + 1.0 / 362880.0;
  q     = q * r + 1.0 / 40320.0;
  q     = q * r + 1.0 / 5040.0;
  q     = q * r + 1.0 / 720.0;
  q     = q * r + 1.0 / 120.0;
  q     = q * r + 1.0 / 24.0;
  q     = q * r + 1.0 / 6.0;
  q     = q * r + 0.5;
  q     = q * r + 1.0;
  return q * r;
}

/* x clamped to [-708, 709] by the callers; returns q and 2^k with e^x = 2^k (1 + q) */
static inline void ExpReduce(v8d x, v8d *q, v8d *s)
{
  v8d t  = x * kLog2e + kShift;
  v8d kf = t - kShift;
  v8l ki = (v8l)t - (v8l)Splat(kShift);
  v8d r  = (x - kf * kLn2Hi) - kf * kLn2Lo;
  *q     = ExpM1Poly(r);
  *s     = (v8d)((ki + 1023) << 52);
}

/* max/min: one instruction each with AVX-512 (compare-and-blend otherwise) */
static inline v8d VMax(v8d a, double b)
{
#ifdef __AVX512F__
  return (v8d)_mm512_max_pd((__m512d)a, _mm512_set1_pd(b));
#else
  return Sel(a < Splat(b), Splat(b), a);
#endif
}
static inline v8d VMin(v8d a, double b)
{
#ifdef __AVX512F__
  return (v8d)_mm512_min_pd((__m512d)a, _mm512_set1_pd(b));
#else
  return Sel(a > Splat(b), Splat(b), a);
#endif
}
static inline v8d Clamp(v8d x, double lo, double hi) { return VMin(VMax(x, lo), hi); }

static inline v8d VExp(v8d x)
{
  v8d q, s;
  ExpReduce(Clamp(x, -708.0, 709.0), &q, &s);
  return s * q + s;
}

/* tanh|x| = -u/(2 + u), u = expm1(-2|x|); |x| > 20 gives 1 in double */
static inline v8d VTanh(v8d x)
{
  v8l sign = (v8l)x & (v8l)Splat(-0.0);
  v8d a    = (v8d)((v8l)x & ~(v8l)Splat(-0.0));
  v8d q, s, u, t;
  ExpReduce(VMax(-2 * a, -40.0), &q, &s); /* -2|x| <= 0 already */
  u = s * q + (s - 1);
  t = -u / (2 + u);
  return (v8d)((v8l)t | sign);
}

static inline v8d VSigmoid(v8d x)
{
  return 1 / (1 + VExp(-x));
}

#endif
