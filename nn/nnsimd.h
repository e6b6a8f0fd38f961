/* Private to nn/: 8-double vectors (GCC vector extensions; AVX-512 with
   -march=native, split by the compiler otherwise) and unaligned access. */
#ifndef NNSIMD_H
#define NNSIMD_H
#include <stdint.h>
#include <string.h>
#ifdef __AVX512F__
  #include <immintrin.h>
#endif

/* An empty asm that makes the compiler hold v in a register (not fold
   its load into each use). A 64-byte vector is one register only with
   AVX-512; without it the vector is split and there is no register to name,
   so the hint is dropped (a generic x86-64 build, or one run under valgrind,
   which does not decode AVX-512). */
#ifdef __AVX512F__
  #define NB_KEEP_IN_REGISTER(v) __asm__("" : "+v"(v))
#else
  #define NB_KEEP_IN_REGISTER(v) ((void)0)
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
   exp and expm1 by Cody-Waite reduction x = k ln2 + r, |r| <= ln2/2, and a
   degree-11 polynomial for e^r - 1 (relative error 4e-17).
   expm1 = 2^k q + (2^k - 1) has no cancellation when k = 0, which keeps tanh
   accurate near 0 (Tang 1992 uses the same split). */
static const double kLn2Hi = 0x1.62e42fee00000p-1, kLn2Lo = 0x1.a39ef35793c76p-33, kLog2e = 0x1.71547652b82fep0, kShift = 0x1.8p52;

static inline v8d ExpM1Poly(v8d r)
{
  /* e^r - 1 = r + r^2 g(r), g of degree 9 interpolating (e^r - 1 - r)/r^2 at
     the Chebyshev points of [-ln2/2, ln2/2] (computed with mpmath at 50
     digits): relative error 4.1e-17 over the interval */
  v8d g = Splat(2.5100375832561234e-08);
  g     = g * r + 2.7620075879983367e-07;
  g     = g * r + 2.7557268480310024e-06;
  g     = g * r + 2.4801521322368692e-05;
  g     = g * r + 1.9841269863040545e-04;
  g     = g * r + 1.3888888917196719e-03;
  g     = g * r + 8.3333333333300650e-03;
  g     = g * r + 4.1666666666624164e-02;
  g     = g * r + 1.6666666666666669e-01;
  g     = g * r + 5.0000000000000010e-01;
  return r + (r * r) * g;
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

/* max/min: one instruction each with AVX-512 (compare-and-blend otherwise).
   vmaxpd/vminpd return their second operand when either is NaN: a goes
   second so that a NaN propagates (a diverged network must not turn into
   tanh = +-1). */
static inline v8d VMax(v8d a, double b)
{
#ifdef __AVX512F__
  return (v8d)_mm512_max_pd(_mm512_set1_pd(b), (__m512d)a);
#else
  return Sel(a < Splat(b), Splat(b), a);
#endif
}
static inline v8d VMin(v8d a, double b)
{
#ifdef __AVX512F__
  return (v8d)_mm512_min_pd(_mm512_set1_pd(b), (__m512d)a);
#else
  return Sel(a > Splat(b), Splat(b), a);
#endif
}
static inline v8d Clamp(v8d x, double lo, double hi) { return VMin(VMax(x, lo), hi); }

/* 2^k is built as 2^(k-1) * 2 so that k = 1024 (x up to log(DBL_MAX)) does
   not overflow the exponent field; below -708 the result is 0 (the true
   value is subnormal, < 3e-308), above log(DBL_MAX) it is +inf; NaN stays NaN */
static inline v8d VExp(v8d x)
{
  v8d c = Clamp(x, -708.0, 709.782712893384), t = c * kLog2e + kShift, kf = t - kShift, r, q, s, y;
  v8l ki = (v8l)t - (v8l)Splat(kShift);
  r      = (c - kf * kLn2Hi) - kf * kLn2Lo;
  q      = ExpM1Poly(r);
  s      = (v8d)((ki + 1022) << 52);
  y      = (s * q + s) * 2;
  y      = Sel(x < Splat(-708.0), Splat(0.0), y);
  return Sel(x > Splat(709.782712893384), Splat(__builtin_inf()), y);
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
