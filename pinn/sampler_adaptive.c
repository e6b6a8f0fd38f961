/* Residual-driven samplers.
   rad (Wu, Zhu, Tan, Kartha & Lu 2023, CMAME 403:115671, eq. 2): each round
   draws -rad_candidates uniform candidates, evaluates |r| on them (each rank
   its block), and resamples the N collocation points from the candidates
   with probability p(x) ~ |r(x)|^k / mean(|r|^k) + c, without replacement
   as in the paper's code (Efraimidis & Spirakis 2006: the N candidates of
   smallest E_j / p_j, E_j standard exponential; -rad_replace draws with
   replacement instead). k = 1, c = 1 is the paper's recommended default;
   k = 0 recovers uniform resampling.
   rar (Lu, Meng, Mao & Karniadakis 2021, SIAM Rev. 63:208, "RAR"): each
   round draws -rar_candidates uniform candidates and adds the -rar_add of
   largest |r| to the set.
   Both are rank-count independent: candidates are functions of their
   global index, all ranks hold the same list of candidate weights (one
   MPI_Allgatherv), and draw i of a round uses random number i. */
#include "samplerimpl.h"

typedef struct {
  PetscReal  k, c;
  PetscInt64 ncand;
  PetscBool  replace;
} Sampler_RAD;

typedef struct {
  PetscReal  key;
  PetscInt64 j;
} RADKey;

typedef struct {
  PetscInt64  ncand, nadd, maxpoints;
  PetscInt64  nextra, capextra;
  PetscInt64 *extra; /* added points: (round << 32) | candidate index */
} Sampler_RAR;

/* |r| at every candidate of a round, assembled on every rank in global order. */
static PetscErrorCode CandidateResiduals(NbSampler s, PetscInt64 ncand, PetscInt64 stream, PetscReal **rall)
{
  PetscInt64   off;
  PetscInt     n;
  PetscReal   *x, *r;
  PetscMPIInt  size, *counts, *displs, cnt;

  PetscFunctionBegin;
  PetscCall(NbSamplerCheckResidual_Private(s));
  PetscCheck(ncand <= PETSC_MPI_INT_MAX, s->comm, PETSC_ERR_SUP, "At most %d candidates", (int)PETSC_MPI_INT_MAX);
  PetscCall(NbPartition(s->comm, ncand, &off, &n));
  PetscCall(PetscMalloc2(n * s->dim + 1, &x, n + 1, &r));
  PetscCall(NbSamplerUniformBox_Private(s, stream, off, n, x));
  PetscCall(s->residual(n, x, r, s->rctx));
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(!PetscIsInfOrNanReal(r[i]), PETSC_COMM_SELF, PETSC_ERR_FP, "The residual is not finite at a candidate point: the network has diverged (lower the learning rate)");
    r[i] = PetscAbsReal(r[i]);
  }
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCall(PetscMalloc2(size, &counts, size, &displs));
  cnt = (PetscMPIInt)n;
  PetscCallMPI(MPI_Allgather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, s->comm));
  displs[0] = 0;
  for (PetscMPIInt p = 1; p < size; p++) displs[p] = displs[p - 1] + counts[p - 1];
  PetscCall(PetscMalloc1(ncand, rall));
  PetscCallMPI(MPI_Allgatherv(r, cnt, MPIU_REAL, *rall, counts, displs, MPIU_REAL, s->comm));
  PetscCall(PetscFree2(counts, displs));
  PetscCall(PetscFree2(x, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------------- rad */
static int CompareKey(const void *a, const void *b)
{
  const RADKey *x = (const RADKey *)a, *y = (const RADKey *)b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->j < y->j ? -1 : (x->j > y->j);
}

static int CompareIndex(const void *a, const void *b)
{
  const RADKey *x = (const RADKey *)a, *y = (const RADKey *)b;
  return x->j < y->j ? -1 : (x->j > y->j);
}

/* Weighted draw of N of the ncand candidates without replacement, the same
   on every rank: key_j = E_j / p_j with E_j = -log(u_j), u_j random number j
   of the round; the N smallest keys win, then in candidate order so that
   rank r takes its block of the set. */
static PetscErrorCode SelectWithoutReplacement(NbSampler s, const PetscReal p[], PetscInt64 ncand, PetscInt64 stream, PetscInt n, PetscInt64 sel[])
{
  RADKey    *key;
  PetscReal *u;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(ncand, &key, ncand, &u));
  PetscCall(NbRNGUniform(s->rng, stream, 0, (PetscInt)ncand, u));
  for (PetscInt64 j = 0; j < ncand; j++) {
    /* u in (0, 1): log is finite; p > 0 unless k > 0, c = 0 and r = 0 */
    key[j].key = p[j] > 0 ? -PetscLogReal(u[j]) / p[j] : PETSC_MAX_REAL;
    key[j].j   = j;
  }
  qsort(key, (size_t)ncand, sizeof(*key), CompareKey);
  qsort(key, (size_t)s->N, sizeof(*key), CompareIndex);
  for (PetscInt i = 0; i < n; i++) sel[i] = key[s->offset + i].j;
  PetscCall(PetscFree2(key, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Resample_RAD(NbSampler s)
{
  Sampler_RAD *rad = (Sampler_RAD *)s->data;
  PetscReal   *w, mean = 0;
  PetscInt     n;
  PetscInt64  *sel;
  PetscInt64   stream = NB_SAMPLER_STREAM(NB_STREAM_CANDIDATES, s->round);

  PetscFunctionBegin;
  PetscCall(CandidateResiduals(s, rad->ncand, stream, &w));
  for (PetscInt64 j = 0; j < rad->ncand; j++) {
    w[j] = rad->k == 0 ? 1 : PetscPowReal(w[j], rad->k);
    mean += w[j];
  }
  mean /= rad->ncand;
  /* p_j = w_j / mean + c (unnormalised); the same on every rank */
  for (PetscInt64 j = 0; j < rad->ncand; j++) w[j] = (mean > 0 ? w[j] / mean : 1) + rad->c;
  PetscCall(NbSamplerSetGlobalSize_Private(s, s->N0, &n));
  PetscCall(PetscMalloc1(n + 1, &sel));
  if (rad->replace) {
    PetscReal *u;
    for (PetscInt64 j = 1; j < rad->ncand; j++) w[j] += w[j - 1]; /* cumulative */
    PetscCall(PetscMalloc1(n + 1, &u));
    PetscCall(NbRNGUniform(s->rng, NB_SAMPLER_STREAM(NB_STREAM_RESAMPLE, s->round), s->offset, n, u));
    for (PetscInt i = 0; i < n; i++) {
      PetscReal  target = u[i] * w[rad->ncand - 1];
      PetscInt64 lo = 0, hi = rad->ncand - 1;
      while (lo < hi) { /* first j with cumulative >= target */
        PetscInt64 mid = (lo + hi) / 2;
        if (w[mid] < target) lo = mid + 1;
        else hi = mid;
      }
      sel[i] = lo;
    }
    PetscCall(PetscFree(u));
  } else PetscCall(SelectWithoutReplacement(s, w, rad->ncand, NB_SAMPLER_STREAM(NB_STREAM_RESAMPLE, s->round), n, sel));
  for (PetscInt i = 0; i < n; i++) PetscCall(NbSamplerUniformBox_Private(s, stream, sel[i], 1, s->x + i * s->dim));
  PetscCall(PetscFree(sel));
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetFromOptions_RAD(NbSampler s, PetscOptionItems *PetscOptionsObject)
{
  Sampler_RAD *rad = (Sampler_RAD *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsReal("-rad_k", "Exponent k of p ~ |r|^k/mean(|r|^k) + c", "NbSamplerAdapt", rad->k, &rad->k, NULL));
  PetscCall(PetscOptionsReal("-rad_c", "Offset c of p ~ |r|^k/mean(|r|^k) + c", "NbSamplerAdapt", rad->c, &rad->c, NULL));
  PetscCall(PetscOptionsBool("-rad_replace", "Draw the points with replacement (default: without, as Wu et al.)", "NbSamplerAdapt", rad->replace, &rad->replace, NULL));
  PetscCall(NbSamplerOptionsInt64_Private(PetscOptionsObject, "-rad_candidates", "Uniform candidates per round (0: 10 x the number of points)", "NbSamplerAdapt", &rad->ncand));
  PetscCheck(rad->k >= 0, s->comm, PETSC_ERR_USER_INPUT, "-rad_k %g must be >= 0", (double)rad->k);
  PetscCheck(rad->c >= 0, s->comm, PETSC_ERR_USER_INPUT, "-rad_c %g must be >= 0", (double)rad->c);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Adapt_RAD(NbSampler s)
{
  Sampler_RAD *rad = (Sampler_RAD *)s->data;

  PetscFunctionBegin;
  if (rad->ncand <= 0) rad->ncand = 10 * s->N0;
  PetscCheck(rad->ncand >= s->N0, s->comm, PETSC_ERR_USER_INPUT, "-rad_candidates %" PetscInt64_FMT " is smaller than the number of points %" PetscInt64_FMT, rad->ncand, s->N0);
  PetscCall(Resample_RAD(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_RAD(NbSampler s, PetscViewer v)
{
  Sampler_RAD *rad = (Sampler_RAD *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "p ~ |r|^%g / mean + %g, %" PetscInt64_FMT " candidates per round, drawn %s replacement\n", (double)rad->k, (double)rad->c, rad->ncand ? rad->ncand : 10 * s->N0, rad->replace ? "with" : "without"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_RAD(NbSampler s)
{
  static const Sampler_RAD  defaults = {.k = 1, .c = 1}; /* Wu et al. (2023) */
  static const NbSamplerOps ops      = {.setup = NbSamplerSetUpUniform_Private /* round 0 */, .adapt = Adapt_RAD, .setfromoptions = SetFromOptions_RAD, .view = View_RAD};

  return NbHeadSetTypeData(s, &defaults, sizeof(defaults), &s->ops, &ops, sizeof(ops));
}

/* --------------------------------------------------------------------- rar */

/* The local block of the set: the N0 initial uniform points, then the added
   candidates in the order they were added. */
static PetscErrorCode Rebuild_RAR(NbSampler s)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;
  PetscInt     n;

  PetscFunctionBegin;
  PetscCall(NbSamplerSetGlobalSize_Private(s, s->N0 + rar->nextra, &n));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt64 g = s->offset + i;
    if (g < s->N0) PetscCall(NbSamplerUniformBox_Private(s, NB_SAMPLER_STREAM(NB_STREAM_UNIFORM, 0), g, 1, s->x + i * s->dim));
    else {
      PetscInt64 e = rar->extra[g - s->N0];
      PetscCall(NbSamplerUniformBox_Private(s, NB_SAMPLER_STREAM(NB_STREAM_CANDIDATES, e >> 32), e & 0xffffffff, 1, s->x + i * s->dim));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_RAR(NbSampler s)
{
  PetscFunctionBegin;
  PetscCall(Rebuild_RAR(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscReal  r;
  PetscInt64 j;
} RankedCandidate;

/* larger residual first; ties by smaller index, so the order is total */
static int CompareRanked(const void *a, const void *b)
{
  const RankedCandidate *x = (const RankedCandidate *)a, *y = (const RankedCandidate *)b;
  if (x->r != y->r) return x->r > y->r ? -1 : 1;
  return x->j < y->j ? -1 : (x->j > y->j);
}

static PetscErrorCode Adapt_RAR(NbSampler s)
{
  Sampler_RAR     *rar = (Sampler_RAR *)s->data;
  PetscReal       *r;
  RankedCandidate *rc;
  PetscInt64       nadd, ncand = rar->ncand > 0 ? rar->ncand : 10 * s->N0;

  PetscFunctionBegin;
  nadd = PetscMin(rar->nadd, rar->maxpoints - s->N);
  if (nadd <= 0) PetscFunctionReturn(PETSC_SUCCESS); /* full: -rar_max_points reached */
  PetscCheck(ncand < ((PetscInt64)1 << 32), s->comm, PETSC_ERR_SUP, "rar supports fewer than 2^32 candidates");
  PetscCall(CandidateResiduals(s, ncand, NB_SAMPLER_STREAM(NB_STREAM_CANDIDATES, s->round), &r));
  PetscCall(PetscMalloc1(ncand, &rc));
  for (PetscInt64 j = 0; j < ncand; j++) rc[j] = (RankedCandidate){r[j], j};
  qsort(rc, (size_t)ncand, sizeof(*rc), CompareRanked);
  if (rar->nextra + nadd > rar->capextra) {
    rar->capextra = PetscMax(2 * rar->capextra, rar->nextra + nadd);
    PetscCall(PetscRealloc(rar->capextra * sizeof(PetscInt64), &rar->extra));
  }
  for (PetscInt64 k = 0; k < nadd && k < ncand; k++) rar->extra[rar->nextra++] = ((PetscInt64)s->round << 32) | rc[k].j;
  PetscCall(PetscFree(rc));
  PetscCall(PetscFree(r));
  PetscCall(Rebuild_RAR(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Defaults_RAR(NbSampler s)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;
  if (rar->nadd <= 0) rar->nadd = PetscMax(1, s->N0 / 100);
  if (rar->maxpoints <= 0) rar->maxpoints = s->N0 + 10 * rar->nadd;
}

static PetscErrorCode MaxLocal_RAR(NbSampler s, PetscInt64 *maxglobal)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;

  PetscFunctionBegin;
  Defaults_RAR(s);
  *maxglobal = rar->maxpoints;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetFromOptions_RAR(NbSampler s, PetscOptionItems *PetscOptionsObject)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;

  PetscFunctionBegin;
  PetscCall(NbSamplerOptionsInt64_Private(PetscOptionsObject, "-rar_candidates", "Uniform candidates per round (0: 10 x the number of points)", "NbSamplerAdapt", &rar->ncand));
  PetscCall(NbSamplerOptionsInt64_Private(PetscOptionsObject, "-rar_add", "Points added per round (0: 1% of the initial number)", "NbSamplerAdapt", &rar->nadd));
  PetscCall(NbSamplerOptionsInt64_Private(PetscOptionsObject, "-rar_max_points", "Largest number of points (0: initial + 10 rounds of additions)", "NbSamplerAdapt", &rar->maxpoints));
  PetscCheck(rar->nadd >= 0 && rar->ncand >= 0, s->comm, PETSC_ERR_USER_INPUT, "-rar_add and -rar_candidates must be >= 0");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_RAR(NbSampler s, PetscViewer v)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "adds %" PetscInt64_FMT " of %" PetscInt64_FMT " candidates per round, up to %" PetscInt64_FMT " points; %" PetscInt64_FMT " added so far\n", rar->nadd, rar->ncand ? rar->ncand : 10 * s->N0, rar->maxpoints, rar->nextra));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_RAR(NbSampler s)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(rar->extra));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GetState_RAR(NbSampler s, NbState st)
{
  Sampler_RAR *rar = (Sampler_RAR *)s->data;

  PetscFunctionBegin;
  PetscCall(NbStateAddInt(st, "sampler.rar_added", rar->nextra, rar->extra));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetState_RAR(NbSampler s, NbState st)
{
  Sampler_RAR      *rar = (Sampler_RAR *)s->data;
  const PetscInt64 *e;
  PetscInt64        n;

  PetscFunctionBegin;
  PetscCall(NbStateGetInt(st, "sampler.rar_added", &n, &e));
  PetscCheck(s->N == s->N0 + n, s->comm, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint holds %" PetscInt64_FMT " points but %" PetscInt64_FMT " + %" PetscInt64_FMT " added ones: corrupt, or written with another -pinn_points", s->N, s->N0, n);
  if (n > rar->capextra) {
    rar->capextra = n;
    PetscCall(PetscRealloc(rar->capextra * sizeof(PetscInt64), &rar->extra));
  }
  PetscCall(PetscArraycpy(rar->extra, e, n));
  rar->nextra = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUpDefaults_RAR(NbSampler s)
{
  PetscFunctionBegin;
  Defaults_RAR(s);
  PetscCall(SetUp_RAR(s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_RAR(NbSampler s)
{
  static const Sampler_RAR  defaults = {0};
  static const NbSamplerOps ops      = {.destroy = Destroy_RAR, .setfromoptions = SetFromOptions_RAR, .setup = SetUpDefaults_RAR, .adapt = Adapt_RAR, .maxlocal = MaxLocal_RAR, .view = View_RAR, .getstate = GetState_RAR, .setstate = SetState_RAR};

  return NbHeadSetTypeData(s, &defaults, sizeof(defaults), &s->ops, &ops, sizeof(ops));
}
