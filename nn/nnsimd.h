/* Private to nn/: 8-double vectors (GCC vector extensions; AVX-512 with
   -march=native, split by the compiler otherwise) and unaligned access. */
#ifndef NNSIMD_H
#define NNSIMD_H
#include <stdint.h>
#include <string.h>

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
#endif
