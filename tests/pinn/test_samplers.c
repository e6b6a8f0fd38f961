/* Collocation samplers against their defining properties:
   - sobol: the first 2^m points (index 0 included) of the 2-D sequence form
     a (0, m, 2)-net: every elementary box of area 2^-m holds exactly one
     point (Sobol' 1967; Niederreiter 1992, Thm 4.10), and each coordinate
     up to 6-D is stratified (one point per interval of length 2^-m);
   - halton: the first points equal the radical inverses in bases 2 and 3;
   - lhs: every coordinate has exactly one point per stratum;
   - uniform: coordinate means within 5 standard errors of the centre;
   - rad with replacement: with r(x) = x on [0, 1] the resampled density is
     p ~ x/mean(x) + c, so P(x < 1/2) = 1/4 (c = 0) and 3/8 (c = 1), within
     5 binomial standard errors;
   - rad without replacement (the default): no candidate twice, and the
     inclusion probability of a candidate of weight p is 1 - exp(-p tau)
     with tau fixed by N = sum_j (1 - exp(-p_j tau)) (the large-set limit of
     Efraimidis-Spirakis sampling), which gives P(x < 1/2), computed here by
     quadrature, within 5 binomial standard errors;
   - rar: the added points are the top 1% of uniform candidates of |r| = x,
     all above 0.98 (the 1% quantile is 0.99, its spread ~ 0.001);
   - every sampler gives each rank exactly its block of the set a single
     rank would draw (rank-count independence). */
#include "nbtest.h"

static PetscErrorCode ResidualX(PetscInt n, const PetscReal x[], PetscReal r[], void *ctx)
{
  PetscInt dim = *(PetscInt *)ctx;
  for (PetscInt i = 0; i < n; i++) r[i] = x[i * dim];
  return PETSC_SUCCESS;
}

static PetscErrorCode MakeSampler(MPI_Comm comm, const char *type, PetscInt dim, PetscInt64 N, PetscInt *ctxdim, PetscReal c, PetscBool replace, NbSampler *s)
{
  PetscReal lo[6] = {0, 0, 0, 0, 0, 0}, hi[6] = {1, 1, 1, 1, 1, 1};

  PetscFunctionBegin;
  PetscCall(NbSamplerCreate(comm, s));
  PetscCall(NbSamplerSetType(*s, type));
  PetscCall(NbSamplerSetDomain(*s, dim, lo, hi));
  PetscCall(NbSamplerSetNumPoints(*s, N));
  PetscCall(NbSamplerSetSeed(*s, 7));
  PetscCall(NbSamplerSetResidual(*s, ResidualX, ctxdim));
  if (c >= 0) {
    char cs[32];
    PetscCall(PetscSNPrintf(cs, sizeof(cs), "%g", (double)c));
    PetscCall(PetscOptionsSetValue(NULL, "-rad_c", cs));
    PetscCall(PetscOptionsSetValue(NULL, "-rad_candidates", "200000"));
    PetscCall(PetscOptionsSetValue(NULL, "-rar_candidates", "100000"));
    PetscCall(PetscOptionsSetValue(NULL, "-rar_add", "1000"));
    PetscCall(PetscOptionsSetValue(NULL, "-rad_replace", replace ? "1" : "0"));
  }
  PetscCall(NbSamplerSetFromOptions(*s));
  PetscCall(NbSamplerSetUp(*s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The parallel block equals the same rows of the serial set. */
static PetscErrorCode CheckBlock(NbSampler par, NbSampler ser, PetscInt dim, const char *what)
{
  PetscInt         n, ns;
  PetscInt64       off, N, Ns;
  const PetscReal *x, *xs;
  PetscInt         bad = 0;

  PetscFunctionBegin;
  PetscCall(NbSamplerGetPoints(par, &n, &x));
  PetscCall(NbSamplerGetGlobalInfo(par, &N, &off, NULL));
  PetscCall(NbSamplerGetPoints(ser, &ns, &xs));
  PetscCall(NbSamplerGetGlobalInfo(ser, &Ns, NULL, NULL));
  PetscCheck(N == Ns, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: global counts %d vs %d", what, (int)N, (int)Ns);
  for (PetscInt i = 0; i < n * dim; i++)
    if (x[i] != xs[off * dim + i]) bad++;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
  PetscCheck(bad == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %d coordinates differ from the single-rank set", what, (int)bad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscInt dim2 = 2, dim1 = 1;

  PetscFunctionBegin;
  /* Sobol' net property, m = 10 */
  {
    const PetscInt m = 10, N = 1 << m;
    PetscReal     *x;
    PetscInt      *cnt;
    PetscCall(PetscMalloc2(N * 6, &x, N, &cnt));
    PetscCall(NbSobolPoints(2, -1, N, x)); /* start -1: index 0 included */
    for (PetscInt j = 0; j <= m; j++) {
      PetscCall(PetscArrayzero(cnt, N));
      for (PetscInt i = 0; i < N; i++) {
        PetscInt a = (PetscInt)(x[2 * i] * (1 << j)), b = (PetscInt)(x[2 * i + 1] * (1 << (m - j)));
        cnt[a * (1 << (m - j)) + b]++;
      }
      for (PetscInt k = 0; k < N; k++) PetscCheck(cnt[k] == 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Sobol' 2-D: box %d of split %d holds %d points", (int)k, (int)j, (int)cnt[k]);
    }
    PetscCall(NbSobolPoints(6, -1, N, x));
    for (PetscInt d = 0; d < 6; d++) {
      PetscCall(PetscArrayzero(cnt, N));
      for (PetscInt i = 0; i < N; i++) cnt[(PetscInt)(x[6 * i + d] * N)]++;
      for (PetscInt k = 0; k < N; k++) PetscCheck(cnt[k] == 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Sobol' coordinate %d not stratified", (int)d);
    }
    PetscCall(PetscFree2(x, cnt));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "sobol: (0,10,2)-net and 6-D stratification hold\n"));
  }
  /* Halton */
  {
    PetscReal x[6], want[6] = {0.5, 1.0 / 3, 0.25, 2.0 / 3, 0.75, 1.0 / 9};
    PetscCall(NbHaltonPoints(2, 0, 3, x));
    for (PetscInt i = 0; i < 6; i++) PetscCheck(PetscAbsReal(x[i] - want[i]) < 1e-15, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Halton value %d: %g", (int)i, (double)x[i]);
  }
  /* every type: the parallel blocks are the serial set's rows */
  {
    const char *types[] = {"uniform", "lhs", "sobol", "halton", "rad", "rar", "rad"};
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
      NbSampler par, ser;
      PetscBool replace = t == 6 ? PETSC_TRUE : PETSC_FALSE; /* rad both ways */
      PetscCall(MakeSampler(PETSC_COMM_WORLD, types[t], 2, 5000, &dim2, 1, replace, &par));
      PetscCall(MakeSampler(PETSC_COMM_SELF, types[t], 2, 5000, &dim2, 1, replace, &ser));
      PetscCall(CheckBlock(par, ser, 2, types[t]));
      PetscCall(NbSamplerAdapt(par));
      PetscCall(NbSamplerAdapt(ser));
      PetscCall(CheckBlock(par, ser, 2, types[t]));
      PetscCall(NbSamplerDestroy(&par));
      PetscCall(NbSamplerDestroy(&ser));
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "all samplers: rank blocks equal the single-rank set, before and after a round\n"));
  }
  /* LHS strata, uniform mean */
  {
    NbSampler        s;
    PetscInt         n, N = 4000, *cnt;
    const PetscReal *x;
    PetscReal        mean[2] = {0, 0};
    PetscCall(MakeSampler(PETSC_COMM_WORLD, "lhs", 2, N, &dim2, -1, PETSC_FALSE, &s));
    PetscCall(NbSamplerGetPoints(s, &n, &x));
    PetscCall(PetscCalloc1(2 * N, &cnt));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt d = 0; d < 2; d++) cnt[d * N + (PetscInt)(x[2 * i + d] * N)]++;
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, cnt, 2 * N, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
    for (PetscInt k = 0; k < 2 * N; k++) PetscCheck(cnt[k] == 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "LHS stratum %d holds %d points", (int)k, (int)cnt[k]);
    PetscCall(PetscFree(cnt));
    PetscCall(NbSamplerDestroy(&s));
    PetscCall(MakeSampler(PETSC_COMM_WORLD, "uniform", 2, N, &dim2, -1, PETSC_FALSE, &s));
    PetscCall(NbSamplerGetPoints(s, &n, &x));
    for (PetscInt i = 0; i < n; i++) mean[0] += x[2 * i], mean[1] += x[2 * i + 1];
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, mean, 2, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
    for (PetscInt d = 0; d < 2; d++) PetscCheck(PetscAbsReal(mean[d] / N - 0.5) < 5 / PetscSqrtReal(12.0 * N), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "uniform mean %g", (double)(mean[d] / N));
    PetscCall(NbSamplerDestroy(&s));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "lhs: one point per stratum; uniform: means within 5 s.e.\n"));
  }
  /* RAD density on [0, 1] with r = x, with replacement (ir = 0, 1) and
     without (ir = 2, 3) */
  for (PetscInt ir = 0; ir < 4; ir++) {
    NbSampler        s;
    PetscInt         n, N = 20000, below = 0, dup = 0;
    PetscInt64       ncand = 200000;
    const PetscReal *x;
    PetscReal        c = ir % 2, expect, frac, se;
    PetscBool        replace = ir < 2 ? PETSC_TRUE : PETSC_FALSE;
    if (replace) expect = c ? 0.375 : 0.25;
    else {
      /* p(x) = 2x + c (mean of x is 1/2); tau by bisection on
         int_0^1 (1 - exp(-p tau)) dx = N / ncand, then the inclusion mass
         below 1/2 over the total, both by the midpoint rule (2000 cells:
         error ~ 1e-8, far below the 5 s.e. ~ 0.016) */
      PetscReal lo = 0, hi = 100, f = (PetscReal)N / ncand, in = 0, tot = 0;
      const PetscInt m = 2000;
      for (PetscInt it = 0; it < 200; it++) {
        PetscReal tau = (lo + hi) / 2, sum = 0;
        for (PetscInt k = 0; k < m; k++) sum += 1 - PetscExpReal(-(2 * (k + 0.5) / m + c) * tau);
        if (sum / m < f) lo = tau;
        else hi = tau;
      }
      for (PetscInt k = 0; k < m; k++) {
        PetscReal xk = (k + 0.5) / m, pi = 1 - PetscExpReal(-(2 * xk + c) * lo);
        tot += pi;
        if (xk < 0.5) in += pi;
      }
      expect = in / tot;
    }
    PetscCall(MakeSampler(PETSC_COMM_WORLD, "rad", 1, N, &dim1, c, replace, &s));
    PetscCall(NbSamplerAdapt(s));
    PetscCall(NbSamplerGetPoints(s, &n, &x));
    for (PetscInt i = 0; i < n; i++) below += x[i] < 0.5;
    if (!replace) { /* no candidate twice: distinct coordinates in the local block */
      PetscReal *y;
      PetscCall(PetscMalloc1(n + 1, &y));
      PetscCall(PetscArraycpy(y, x, n));
      PetscCall(PetscSortReal(n, y));
      for (PetscInt i = 1; i < n; i++) dup += y[i] == y[i - 1];
      PetscCall(PetscFree(y));
      PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &dup, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
      PetscCheck(dup == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "rad without replacement drew %d candidates twice", (int)dup);
    }
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &below, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
    frac = (PetscReal)below / N;
    se   = PetscSqrtReal(expect * (1 - expect) / N);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rad k = 1, c = %g, %s replacement: P(x < 1/2) = %.4f (exact %.4f, 5 s.e. = %.4f)\n", (double)c, replace ? "with" : "without", (double)frac, (double)expect, (double)(5 * se)));
    PetscCheck(PetscAbsReal(frac - expect) < 5 * se, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "rad density off");
    PetscCall(NbSamplerDestroy(&s));
  }
  /* RAR adds the top candidates */
  {
    NbSampler        s;
    PetscInt         n;
    PetscInt64       N, off;
    const PetscReal *x;
    PetscReal        minadded = 1;
    PetscCall(MakeSampler(PETSC_COMM_WORLD, "rar", 1, 10000, &dim1, 1, PETSC_FALSE, &s));
    PetscCall(NbSamplerAdapt(s));
    PetscCall(NbSamplerGetPoints(s, &n, &x));
    PetscCall(NbSamplerGetGlobalInfo(s, &N, &off, NULL));
    PetscCheck(N == 11000, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "rar: %d points after one round, expected 11000", (int)N);
    for (PetscInt i = 0; i < n; i++)
      if (off + i >= 10000) minadded = PetscMin(minadded, x[i]);
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &minadded, 1, MPIU_REAL, MPIU_MIN, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "rar: 1000 points added, smallest x %.4f\n", (double)minadded));
    PetscCheck(minadded > 0.98, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "rar added a low-residual point");
    PetscCall(NbSamplerDestroy(&s));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
