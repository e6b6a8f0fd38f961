/* Non-adaptive samplers: uniform random, Latin hypercube, Sobol', Halton.
   Every point is a function of its global index (and the seed), so the set
   is the same for any number of ranks. */
#include "samplerimpl.h"

/* ------------------------------------------------------------- uniform */
typedef struct {
  PetscBool redraw;
} Sampler_Uniform;

static PetscErrorCode Adapt_Uniform(NbSampler s)
{
  Sampler_Uniform *u = (Sampler_Uniform *)s->data;

  PetscFunctionBegin;
  if (u->redraw) PetscCall(NbSamplerDrawUniform_Private(s, s->round));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetFromOptions_Uniform(NbSampler s, PetscOptionItems *PetscOptionsObject)
{
  Sampler_Uniform *u = (Sampler_Uniform *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsBool("-sampler_redraw", "Draw new uniform points every round", "NbSamplerAdapt", u->redraw, &u->redraw, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_Uniform(NbSampler s)
{
  static const Sampler_Uniform defaults = {PETSC_FALSE};
  static const NbSamplerOps    ops      = {.setup = NbSamplerSetUpUniform_Private, .adapt = Adapt_Uniform, .setfromoptions = SetFromOptions_Uniform};

  return NbHeadSetTypeData(s, &defaults, sizeof(defaults), &s->ops, &ops, sizeof(ops));
}

/* ----------------------------------------------------- Latin hypercube
   Coordinate d of point i lies in stratum perm_d(i) of N equal strata,
   uniformly inside it (McKay et al. 1979). The permutations come from a
   Fisher-Yates shuffle driven by the counter-based RNG; every rank computes
   them whole (O(N) per coordinate) and keeps its block. */
static PetscErrorCode SetUp_LHS(NbSampler s)
{
  PetscInt   n, N;
  PetscInt  *perm;
  PetscReal *u, *jit;

  PetscFunctionBegin;
  PetscCheck(s->N0 <= PETSC_MAX_INT, s->comm, PETSC_ERR_SUP, "lhs supports at most %d points", (int)PETSC_MAX_INT);
  PetscCall(NbSamplerSetGlobalSize_Private(s, s->N0, &n));
  N = (PetscInt)s->N;
  PetscCall(PetscMalloc3(N, &perm, N, &u, n, &jit));
  for (PetscInt d = 0; d < s->dim; d++) {
    for (PetscInt i = 0; i < N; i++) perm[i] = i;
    PetscCall(NbRNGUniform(s->rng, NB_SAMPLER_STREAM(NB_STREAM_LHS_PERM, d), 0, N, u));
    for (PetscInt i = N - 1; i > 0; i--) {
      PetscInt j = (PetscInt)(u[i] * (i + 1)), t;
      j          = PetscMin(j, i);
      t          = perm[i];
      perm[i]    = perm[j];
      perm[j]    = t;
    }
    PetscCall(NbRNGUniform(s->rng, NB_SAMPLER_STREAM(NB_STREAM_LHS_JITTER, d), s->offset, n, jit));
    for (PetscInt i = 0; i < n; i++) s->x[i * s->dim + d] = s->lo[d] + (s->hi[d] - s->lo[d]) * (perm[s->offset + i] + jit[i]) / N;
  }
  PetscCall(PetscFree3(perm, u, jit));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_LHS(NbSampler s)
{
  PetscFunctionBegin;
  s->ops.setup = SetUp_LHS;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- Sobol'
   Direction numbers of Joe & Kuo (2008), file new-joe-kuo-6.21201, for the
   first 6 dimensions (dimension 1 is the van der Corput sequence). Point i
   is computed directly from the bits of i (no Gray-code recursion), so any
   rank can produce any block. Index 0 (the origin) is skipped. */
typedef struct {
  int      s, a;
  unsigned m[4];
} JoeKuo;
static const JoeKuo nb_joekuo[NB_SAMPLER_MAXDIM - 1] = {
  {1, 0, {1, 0, 0, 0}},
  {2, 1, {1, 3, 0, 0}},
  {3, 1, {1, 3, 1, 0}},
  {3, 2, {1, 1, 1, 0}},
  {4, 1, {1, 1, 3, 3}},
};

PetscErrorCode NbSobolPoints(PetscInt dim, PetscInt64 start, PetscInt n, PetscReal x[])
{
  uint32_t v[NB_SAMPLER_MAXDIM][32];

  PetscFunctionBegin;
  PetscCheck(dim >= 1 && dim <= NB_SAMPLER_MAXDIM, PETSC_COMM_SELF, PETSC_ERR_SUP, "Sobol' points in 1 to %d dimensions, not %d", NB_SAMPLER_MAXDIM, (int)dim);
  PetscCheck(start + n < ((PetscInt64)1 << 32), PETSC_COMM_SELF, PETSC_ERR_SUP, "Sobol' points are limited to 2^32");
  for (int k = 0; k < 32; k++) v[0][k] = 1u << (31 - k);
  for (PetscInt d = 1; d < dim; d++) {
    const JoeKuo *jk = &nb_joekuo[d - 1];
    for (int k = 0; k < jk->s; k++) v[d][k] = jk->m[k] << (31 - k);
    for (int k = jk->s; k < 32; k++) {
      v[d][k] = v[d][k - jk->s] ^ (v[d][k - jk->s] >> jk->s);
      for (int l = 1; l < jk->s; l++) v[d][k] ^= ((jk->a >> (jk->s - 1 - l)) & 1) * v[d][k - l];
    }
  }
  for (PetscInt i = 0; i < n; i++) {
    uint64_t idx = (uint64_t)(start + i + 1); /* skip the origin */
    for (PetscInt d = 0; d < dim; d++) {
      uint32_t c = 0;
      for (int k = 0; k < 32 && (idx >> k); k++)
        if ((idx >> k) & 1) c ^= v[d][k];
      x[i * dim + d] = (PetscReal)c / 4294967296.0;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- Halton
   Radical inverse of i+1 in the first primes (Halton 1960). */
PetscErrorCode NbHaltonPoints(PetscInt dim, PetscInt64 start, PetscInt n, PetscReal x[])
{
  static const int primes[NB_SAMPLER_MAXDIM] = {2, 3, 5, 7, 11, 13};

  PetscFunctionBegin;
  PetscCheck(dim >= 1 && dim <= NB_SAMPLER_MAXDIM, PETSC_COMM_SELF, PETSC_ERR_SUP, "Halton points in 1 to %d dimensions, not %d", NB_SAMPLER_MAXDIM, (int)dim);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt d = 0; d < dim; d++) {
      uint64_t  k = (uint64_t)(start + i + 1);
      PetscReal f = 1, r = 0;
      while (k) {
        f /= primes[d];
        r += f * (PetscReal)(k % primes[d]);
        k /= primes[d];
      }
      x[i * dim + d] = r;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUpQMC(NbSampler s, PetscErrorCode (*gen)(PetscInt, PetscInt64, PetscInt, PetscReal[]))
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(NbSamplerSetGlobalSize_Private(s, s->N0, &n));
  PetscCall(gen(s->dim, s->offset, n, s->x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt d = 0; d < s->dim; d++) s->x[i * s->dim + d] = s->lo[d] + (s->hi[d] - s->lo[d]) * s->x[i * s->dim + d];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_Sobol(NbSampler s)
{
  PetscFunctionBegin;
  PetscCall(SetUpQMC(s, NbSobolPoints));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_Halton(NbSampler s)
{
  PetscFunctionBegin;
  PetscCall(SetUpQMC(s, NbHaltonPoints));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_Sobol(NbSampler s)
{
  PetscFunctionBegin;
  s->ops.setup = SetUp_Sobol;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_Halton(NbSampler s)
{
  PetscFunctionBegin;
  s->ops.setup = SetUp_Halton;
  PetscFunctionReturn(PETSC_SUCCESS);
}
