/* Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror & Shaw,
   "Parallel random numbers: as easy as 1, 2, 3", SC'11). A value is a pure
   function of (seed, stream, index): counter = (index/2 low, index/2 high,
   stream low, stream high), key = seed; each 128-bit output gives two
   doubles with 53 random bits. */
#include "nnimpl.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline void PhiloxRound(uint32_t c[4], const uint32_t k[2])
{
  uint64_t p0 = (uint64_t)PHILOX_M0 * c[0], p1 = (uint64_t)PHILOX_M1 * c[2];
  uint32_t h0 = (uint32_t)(p0 >> 32), l0 = (uint32_t)p0, h1 = (uint32_t)(p1 >> 32), l1 = (uint32_t)p1;
  uint32_t n0 = h1 ^ c[1] ^ k[0], n2 = h0 ^ c[3] ^ k[1];
  c[0] = n0;
  c[1] = l1;
  c[2] = n2;
  c[3] = l0;
}

void NbPhilox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
  uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]}, k[2] = {key[0], key[1]};
  for (int r = 0; r < 10; r++) {
    if (r) {
      k[0] += PHILOX_W0;
      k[1] += PHILOX_W1;
    }
    PhiloxRound(c, k);
  }
  for (int i = 0; i < 4; i++) out[i] = c[i];
}

/* 53 random bits -> (0, 1), never 0 or 1 (safe for log in Box-Muller) */
static inline PetscReal U53(uint32_t hi, uint32_t lo)
{
  uint64_t b = (((uint64_t)hi << 32) | lo) >> 11;
  return ((PetscReal)b + 0.5) * 0x1.0p-53;
}

void NbRNGUniformRaw(PetscInt64 seed, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal out[])
{
  uint32_t key[2] = {(uint32_t)(uint64_t)seed, (uint32_t)((uint64_t)seed >> 32)};
  uint32_t ctr[4], o[4];
  uint64_t s = (uint64_t)stream;

  ctr[2] = (uint32_t)s;
  ctr[3] = (uint32_t)(s >> 32);
  for (PetscInt i = 0; i < n;) {
    uint64_t j = (uint64_t)(start + i), blk = j >> 1;
    ctr[0] = (uint32_t)blk;
    ctr[1] = (uint32_t)(blk >> 32);
    NbPhilox4x32_10(ctr, key, o);
    if (!(j & 1)) out[i++] = U53(o[0], o[1]);
    if (i < n) out[i++] = U53(o[2], o[3]);
  }
}

PetscErrorCode NbRNGCreate(MPI_Comm comm, NbRNG *rng)
{
  NbRNG r;

  PetscFunctionBegin;
  PetscCall(PetscNew(&r));
  r->comm = comm;
  r->seed = 0;
  *rng    = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGSetSeed(NbRNG r, PetscInt64 seed)
{
  PetscFunctionBegin;
  r->seed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGGetSeed(NbRNG r, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = r->seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGSetOptionsPrefix(NbRNG r, const char prefix[]) { return NbSetPrefix_Private(r->prefix, prefix); }

PetscErrorCode NbRNGSetFromOptions(NbRNG r)
{
  PetscInt64 seed = r->seed;
  PetscInt   s    = (PetscInt)seed;
  PetscBool  set;

  PetscFunctionBegin;
  PetscOptionsBegin(r->comm, r->prefix, "nabla counter-based RNG (Philox4x32-10)", "NbRNG");
  PetscCall(PetscOptionsInt("-rng_seed", "Seed: every random number is a function of (seed, stream, index)", "NbRNGSetSeed", s, &s, &set));
  PetscOptionsEnd();
  if (set) PetscCall(NbRNGSetSeed(r, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGView(NbRNG r, PetscViewer viewer)
{
  PetscFunctionBegin;
  if (!viewer) viewer = PETSC_VIEWER_STDOUT_(r->comm);
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbRNG: Philox4x32-10, seed %" PetscInt64_FMT ", %" PetscInt_FMT " stream counter(s)\n", r->seed, r->ncounters));
  for (PetscInt i = 0; i < r->ncounters; i++) PetscCall(PetscViewerASCIIPrintf(viewer, "  stream %" PetscInt64_FMT ": %" PetscInt64_FMT "\n", r->counters[i].stream, r->counters[i].counter));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGDestroy(NbRNG *rng)
{
  PetscFunctionBegin;
  if (!*rng) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*rng)->counters));
  PetscCall(PetscFree(*rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGUniform(NbRNG r, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal out[])
{
  PetscFunctionBegin;
  PetscCheck(start >= 0 && n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "NbRNGUniform: start %" PetscInt64_FMT " and n %" PetscInt_FMT " must be non-negative", start, n);
  NbRNGUniformRaw(r->seed, stream, start, n, out);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Box-Muller on the uniform pair (2m, 2m+1) gives normals 2m and 2m+1, so
   value i depends only on i. */
PetscErrorCode NbRNGNormal(NbRNG r, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal out[])
{
  PetscFunctionBegin;
  PetscCheck(start >= 0 && n >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "NbRNGNormal: start %" PetscInt64_FMT " and n %" PetscInt_FMT " must be non-negative", start, n);
  for (PetscInt i = 0; i < n;) {
    PetscInt64 j = start + i, m = j >> 1;
    PetscReal  u[2], rad, th;
    NbRNGUniformRaw(r->seed, stream, 2 * m, 2, u);
    rad = PetscSqrtReal(-2 * PetscLogReal(u[0]));
    th  = 2 * PETSC_PI * u[1];
    if (!(j & 1)) out[i++] = rad * PetscCosReal(th);
    if (i < n) out[i++] = rad * PetscSinReal(th);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FindCounter(NbRNG r, PetscInt64 stream, PetscBool create, NbRNGCounter **c)
{
  PetscFunctionBegin;
  *c = NULL;
  for (PetscInt i = 0; i < r->ncounters; i++)
    if (r->counters[i].stream == stream) *c = &r->counters[i];
  if (!*c && create) {
    if (r->ncounters == r->maxcounters) {
      r->maxcounters = r->maxcounters ? 2 * r->maxcounters : 8;
      PetscCall(PetscRealloc(r->maxcounters * sizeof(NbRNGCounter), &r->counters));
    }
    *c            = &r->counters[r->ncounters++];
    (*c)->stream  = stream;
    (*c)->counter = 0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGReserve(NbRNG r, PetscInt64 stream, PetscInt64 count, PetscInt64 *start)
{
  NbRNGCounter *c;

  PetscFunctionBegin;
  PetscCheck(count >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "NbRNGReserve: count %" PetscInt64_FMT " must be non-negative", count);
  PetscCall(FindCounter(r, stream, PETSC_TRUE, &c));
  if (start) *start = c->counter;
  c->counter += count;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGGetCounter(NbRNG r, PetscInt64 stream, PetscInt64 *counter)
{
  NbRNGCounter *c;

  PetscFunctionBegin;
  PetscCall(FindCounter(r, stream, PETSC_FALSE, &c));
  *counter = c ? c->counter : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGSetCounter(NbRNG r, PetscInt64 stream, PetscInt64 counter)
{
  NbRNGCounter *c;

  PetscFunctionBegin;
  PetscCall(FindCounter(r, stream, PETSC_TRUE, &c));
  c->counter = counter;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRNGSampleBox(NbRNG r, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscInt dim, const PetscReal lo[], const PetscReal hi[], PetscReal x[])
{
  PetscFunctionBegin;
  PetscCall(NbRNGUniform(r, stream, start * dim, n * dim, x));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt d = 0; d < dim; d++) x[i * dim + d] = lo[d] + (hi[d] - lo[d]) * x[i * dim + d];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPartition(MPI_Comm comm, PetscInt64 N, PetscInt64 *offset, PetscInt *n)
{
  PetscMPIInt rank, size;
  PetscInt64  a, b;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  a = (N * rank) / size;
  b = (N * (rank + 1)) / size;
  PetscCheck(b - a <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE, "NbPartition: %" PetscInt64_FMT " items per rank exceed 32-bit indices; use more ranks", b - a);
  if (offset) *offset = a;
  if (n) *n = (PetscInt)(b - a);
  PetscFunctionReturn(PETSC_SUCCESS);
}
