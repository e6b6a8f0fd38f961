/* The poisson problem (solvers/poisson*.c) through the public NbProblem
   API, each mode asserting a number against an independent reference: the
   exact solutions (and the manufactured coefficient) written again here,
   not the library's, and finite differences. -poisson_case picks the case
   (default manufactured; peak, twopeak, highdim with -poisson_dim).
   -test_mode convergence (default; the 2-D cases): a refinement study over
     -test_grids (default 17,33,65,129 nodes per direction): relative L2
     error of the reference against u* over the nodes; the observed orders
     of the last two refinements must lie in [-test_order_min,
     -test_order_max]. On more than one rank, the finest grid's solution is
     also compared with the one every rank computes alone
     (PETSC_COMM_SELF): max |difference| / max |u| must not exceed
     -test_rank_tol.
   -test_mode pde: at random points (half of them near the peaks), the
     PDE's residual of u* (u* built here with graph ops) vanishes to
     round-off relative to max |f|; the residual of u = 0 is -f with f from
     central differences of the operator applied to u* here; the boundary
     data and, where there is one, the hard constraint (random network
     outputs N) equal u* on the boundary.
   -test_mode points (highdim): see Points().
   -test_mode solve (manufactured): one solve with the given options and
     its report (what bench/poisson_reference.sh reads); the discrete
     operator: F(u_ref) is the solver's residual (|F(u_ref)| <= 1e-8
     |F(0)|), the Jacobian is symmetric and F(U) - F(0) = J U for random U
     (F is affine); with -test_output NAME.h5 the frames are written and the
     file's u_exact, kappa and f read back and checked. */
#include "nabla.h"
#include "nbproblem.h"
#include "nbtest.h"

typedef enum {
  CASE_MANUFACTURED,
  CASE_PEAK,
  CASE_TWOPEAK,
  CASE_HIGHDIM
} Case;

typedef struct {
  Case     c;
  PetscInt d;
} TestCase;

static PetscReal UExact(PetscReal x, PetscReal y)
{
  return PetscSinReal(PETSC_PI * x) * PetscSinReal(2 * PETSC_PI * y) + x * y;
}

static PetscReal Kappa(PetscReal x, PetscReal y)
{
  return 1 + 0.5 * PetscSinReal(PETSC_PI * x) * PetscSinReal(PETSC_PI * y);
}

/* -div(kappa grad u*) by the five-point flux form with step h, extrapolated
   from h and h/2 (Richardson): error O(h^4). */
static PetscReal SourceFD(PetscReal x, PetscReal y, PetscReal h0)
{
  PetscReal L[2];

  for (int k = 0; k < 2; k++) {
    PetscReal h = h0 / (1 + k), u = UExact(x, y);
    L[k] = -(Kappa(x + h / 2, y) * (UExact(x + h, y) - u) - Kappa(x - h / 2, y) * (u - UExact(x - h, y))) / (h * h)
         - (Kappa(x, y + h / 2) * (UExact(x, y + h) - u) - Kappa(x, y - h / 2) * (u - UExact(x, y - h))) / (h * h);
  }
  return (4 * L[1] - L[0]) / 3;
}

static PetscReal Gauss(PetscInt d, const PetscReal x[], PetscReal c, PetscReal a)
{
  PetscReal r2 = 0;

  for (PetscInt k = 0; k < d; k++) r2 += PetscSqr(x[k] - c);
  return PetscExpReal(-a * r2);
}

static PetscReal Exact(TestCase t, const PetscReal x[])
{
  switch (t.c) {
  case CASE_MANUFACTURED:
    return UExact(x[0], x[1]);
  case CASE_PEAK:
    return Gauss(2, x, 0.5, 1000);
  case CASE_TWOPEAK:
    return Gauss(2, x, 0.5, 1000) + Gauss(2, x, -0.5, 1000);
  default:
    return Gauss(t.d, x, 0, 10);
  }
}

/* The operator of the case applied to u* by central differences with step
   h, Richardson-extrapolated from h and h/2 (error O(h^4)): manufactured
   SourceFD; peak, highdim -Lap u; twopeak -div(u grad(|x|^2)) + Lap u, the
   flux u * 2 x_k differenced over x_k +- h. */
static PetscReal OperatorFD(TestCase t, const PetscReal x0[], PetscReal h0)
{
  PetscReal L[2], x[32];
  PetscInt  d = t.d;

  if (t.c == CASE_MANUFACTURED) return SourceFD(x0[0], x0[1], h0);
  for (PetscInt k = 0; k < d; k++) x[k] = x0[k];
  for (int r = 0; r < 2; r++) {
    PetscReal h = h0 / (1 + r), u0 = Exact(t, x), lap = 0, div = 0;
    for (PetscInt k = 0; k < d; k++) {
      PetscReal up, um;
      x[k] = x0[k] + h;
      up   = Exact(t, x);
      x[k] = x0[k] - h;
      um   = Exact(t, x);
      x[k] = x0[k];
      lap += (up - 2 * u0 + um) / (h * h);
      div += (up * 2 * (x0[k] + h) - um * 2 * (x0[k] - h)) / (2 * h);
    }
    L[r] = t.c == CASE_TWOPEAK ? -div + lap : -lap;
  }
  return (4 * L[1] - L[0]) / 3;
}

/* -poisson_case and -poisson_dim as the problem reads them */
static PetscErrorCode GetCase(TestCase *t)
{
  const char *names[4] = {"manufactured", "peak", "twopeak", "highdim"};
  char        name[32] = "manufactured";
  PetscBool   found = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-poisson_case", name, sizeof(name), NULL));
  for (PetscInt k = 0; k < 4 && !found; k++) {
    PetscCall(PetscStrcmp(name, names[k], &found));
    t->c = (Case)k;
  }
  PetscCheck(found, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-poisson_case %s: the test knows manufactured, peak, twopeak, highdim", name);
  t->d = t->c == CASE_HIGHDIM ? 10 : 2;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-poisson_dim", &t->d, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* boundary points: coordinate i % d of point i pushed to the lower or upper face */
static void ToBoundary(PetscInt n, PetscInt d, const PetscReal lo[], const PetscReal hi[], PetscReal x[])
{
  for (PetscInt i = 0; i < n; i++) x[i * d + i % d] = (i / d) % 2 ? hi[i % d] : lo[i % d];
}

static PetscErrorCode CreateSolved(MPI_Comm comm, NbProblem *p)
{
  PetscFunctionBegin;
  PetscCall(NbProblemCreate(comm, p));
  PetscCall(NbProblemSetType(*p, "poisson"));
  PetscCall(NbProblemSetFromOptions(*p));
  PetscCall(NbProblemSetUp(*p));
  PetscCall(NbProblemSolveReference(*p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Relative L2 error of the reference against u* over the nodes. */
static PetscErrorCode ErrorVsExact(TestCase t, NbProblem p, PetscReal *err)
{
  PetscInt         n;
  const PetscReal *x;
  PetscReal       *v, s[2] = {0, 0};
  MPI_Comm         comm;

  PetscFunctionBegin;
  PetscCall(NbProblemGetComm(p, &comm));
  PetscCall(NbProblemGetEvaluationPoints(p, &n, NULL, NULL, &x));
  PetscCall(PetscMalloc1(n + 1, &v));
  PetscCall(NbProblemGetReferenceValues(p, 0, v));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal e = Exact(t, x + 2 * i);
    s[0] += PetscSqr(v[i] - e);
    s[1] += PetscSqr(e);
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPIU_SUM, comm));
  *err = PetscSqrtReal(s[0] / s[1]);
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max |u_world - u_self| / max |u| over the nodes: every rank solves the
   whole problem alone and compares its block of the natural order. */
static PetscErrorCode RankDifference(NbProblem p, PetscReal *diff)
{
  NbProblem  q;
  PetscInt   n, nq;
  PetscInt64 off;
  PetscReal *v, *w, d[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(CreateSolved(PETSC_COMM_SELF, &q));
  PetscCall(NbProblemGetEvaluationPoints(p, &n, NULL, &off, NULL));
  PetscCall(NbProblemGetEvaluationPoints(q, &nq, NULL, NULL, NULL));
  PetscCall(PetscMalloc2(n + 1, &v, nq, &w));
  PetscCall(NbProblemGetReferenceValues(p, 0, v));
  PetscCall(NbProblemGetReferenceValues(q, 0, w));
  for (PetscInt i = 0; i < n; i++) {
    d[0] = PetscMax(d[0], PetscAbsReal(v[i] - w[off + i]));
    d[1] = PetscMax(d[1], PetscAbsReal(w[off + i]));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, d, 2, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  *diff = d[0] / d[1];
  PetscCall(PetscFree2(v, w));
  PetscCall(NbProblemDestroy(&q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Convergence(void)
{
  PetscInt    grids[16] = {17, 33, 65, 129}, ng = 16;
  PetscReal   omin = 1.9, omax = 2.1, rtol = 1e-8, err[16];
  PetscMPIInt size;
  PetscBool   set;
  TestCase    t;

  PetscFunctionBegin;
  PetscCall(GetCase(&t));
  PetscCheck(t.c != CASE_HIGHDIM, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "highdim has no grid reference");
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-test_grids", grids, &ng, &set));
  if (!set) ng = 4;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_order_min", &omin, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_order_max", &omax, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_rank_tol", &rtol, NULL));
  PetscCheck(ng >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-test_grids: a refinement study needs 3 grids");
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  for (PetscInt k = 0; k < ng; k++) {
    NbProblem p;
    char      s[32];
    PetscCall(PetscSNPrintf(s, sizeof(s), "%d", (int)grids[k]));
    PetscCall(PetscOptionsSetValue(NULL, "-da_grid_x", s));
    PetscCall(PetscOptionsSetValue(NULL, "-da_grid_y", s));
    PetscCall(CreateSolved(PETSC_COMM_WORLD, &p));
    PetscCall(ErrorVsExact(t, p, &err[k]));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid %4d: rel. L2 error vs u* %.4e\n", (int)grids[k], (double)err[k]));
    if (k > 0) {
      PetscReal order = PetscLog2Real(err[k - 1] / err[k]); /* n and 2n - 1 nodes: h halves */
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d -> %d: %.3f\n", (int)grids[k - 1], (int)grids[k], (double)order));
      if (k + 2 >= ng) PetscCheck(order >= omin && order <= omax, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "observed order %.3f outside [%.2f, %.2f]", (double)order, (double)omin, (double)omax);
    }
    if (k == ng - 1 && size > 1) {
      PetscReal dd;
      PetscCall(RankDifference(p, &dd));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d ranks vs 1 rank: max |difference| / max |u| = %.2e (tolerance %.1e)\n", (int)size, (double)dd, (double)rtol));
      PetscCheck(dd <= rtol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the solution depends on the rank count: %.2e > %.1e", (double)dd, (double)rtol);
    }
    PetscCall(NbProblemDestroy(&p));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u* of UExact as graph ops on the input jet X. */
static PetscErrorCode ManufacturedJet(NbTensor X, NbTensor *U)
{
  NbTensor x, y, a, b;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  PetscCall(NbTensorScale(x, PETSC_PI, &a));
  PetscCall(NbTensorSin(a, &a));
  PetscCall(NbTensorScale(y, 2 * PETSC_PI, &b));
  PetscCall(NbTensorSin(b, &b));
  PetscCall(NbTensorMul(a, b, &a));
  PetscCall(NbTensorMul(x, y, &b));
  PetscCall(NbTensorAdd(a, b, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u* as graph ops on the input jet X */
static PetscErrorCode ExactJet(TestCase tc, NbTensor X, NbTensor *U)
{
  const PetscReal centre[2] = {0.5, -0.5};
  PetscInt        npk = tc.c == CASE_TWOPEAK ? 2 : 1;
  PetscReal       a = tc.c == CASE_HIGHDIM ? 10 : 1000;

  PetscFunctionBegin;
  if (tc.c == CASE_MANUFACTURED) {
    PetscCall(ManufacturedJet(X, U));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  *U = NULL;
  for (PetscInt p = 0; p < npk; p++) {
    NbTensor r2 = NULL, t;
    for (PetscInt k = 0; k < tc.d; k++) {
      PetscCall(NbTensorSlice(X, k, k + 1, &t));
      PetscCall(NbTensorAXPB(t, 1, tc.c == CASE_HIGHDIM ? 0 : -centre[p], &t));
      PetscCall(NbTensorMul(t, t, &t));
      if (r2) PetscCall(NbTensorAdd(r2, t, &r2));
      else r2 = t;
    }
    PetscCall(NbTensorScale(r2, -a, &t));
    PetscCall(NbTensorExp(t, &t));
    if (*U) PetscCall(NbTensorAdd(*U, t, U));
    else *U = t;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PDEChecks(void)
{
  const PetscInt n = 400;
  TestCase       t;
  PetscInt       d, nres;
  PetscReal      h = 1e-4, fdtol = 1e-6;
  NbProblem      p;
  const NbPDE   *pde;
  NbGraph        g;
  NbTensor       X, Xj, Nt, U, Z, H = NULL, r[2];
  PetscReal     *x, *nv, *v[3], rmax = 0, smax = 0, fmax = 0, hmax = 0;
  NbRNG          rng;

  PetscFunctionBegin;
  PetscCall(GetCase(&t));
  d = t.d;
  /* the difference step and the tolerance of r(0) + f_FD relative to
     max |f|: see the comment at the check */
  if (t.c == CASE_MANUFACTURED) h = 2e-3, fdtol = 1e-9;
  if (t.c == CASE_HIGHDIM) h = 1e-3;
  PetscCall(NbTestProblem(PETSC_COMM_SELF, "poisson", PETSC_FALSE, &p));
  PetscCall(NbProblemGetPDE(p, &pde));
  PetscCheck(pde->dim == d && pde->steady && pde->nout == 1 && pde->ncoef == 0 && !pde->flux && !pde->initial && (t.c == CASE_HIGHDIM) == !pde->hard, PETSC_COMM_SELF, PETSC_ERR_PLIB, "unexpected NbPDE fields");
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphAddInput(g, "points", n, d, &X));
  PetscCall(NbGraphAddInputLike(g, "N", X, 1, &Nt));
  PetscCall(NbTensorJetSeed(X, pde->coords, pde->derivs, &Xj));
  PetscCall(ExactJet(t, Xj, &U));
  PetscCall(pde->residual(pde->ctx, X, U, NULL, &nres, &r[0]));
  PetscCheck(nres == 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "expected 1 residual, got %d", (int)nres);
  PetscCall(NbTensorScale(U, 0, &Z)); /* u = 0 with its (zero) derivatives */
  PetscCall(pde->residual(pde->ctx, X, Z, NULL, &nres, &r[1]));
  if (pde->hard) PetscCall(pde->hard(pde->ctx, X, Nt, &H));
  PetscCall(NbGraphMarkOutput(g, r[0]));
  PetscCall(NbGraphMarkOutput(g, r[1]));
  if (H) PetscCall(NbGraphMarkOutput(g, H));
  PetscCall(NbGraphSetUp(g));
  PetscCall(PetscMalloc5((size_t)n * d, &x, n, &nv, n, &v[0], n, &v[1], n, &v[2]));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  /* the peaks' neighbourhoods, where s is large, and the rest of the box */
  PetscCall(NbRNGSampleBox(rng, 0, 0, n, d, pde->lo, pde->hi, x));
  if (t.c == CASE_PEAK || t.c == CASE_TWOPEAK)
    for (PetscInt i = 0; i < n / 2; i++)
      for (PetscInt k = 0; k < d; k++) x[i * d + k] = (i % 2 ? -0.5 : 0.5) + 0.1 * x[i * d + k];
  PetscCall(NbRNGUniform(rng, 1, 0, n, nv));
  for (PetscInt i = 0; i < n; i++) nv[i] = 20 * nv[i] - 10;
  PetscCall(NbGraphSetInput(g, X, n, x));
  PetscCall(NbGraphSetInput(g, Nt, n, nv));
  PetscCall(NbGraphForward(g));
  PetscCall(NbGraphGetValues(g, r[0], NULL, v[0]));
  PetscCall(NbGraphGetValues(g, r[1], NULL, v[1]));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal s = OperatorFD(t, x + i * d, h);
    rmax = PetscMax(rmax, PetscAbsReal(v[0][i]));
    smax = PetscMax(smax, PetscAbsReal(s));
    fmax = PetscMax(fmax, PetscAbsReal(v[1][i] + s));
  }
  ToBoundary(n, d, pde->lo, pde->hi, x);
  PetscCall(NbGraphSetInput(g, X, n, x));
  PetscCall(NbGraphForward(g));
  if (H) PetscCall(NbGraphGetValues(g, H, NULL, v[2]));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal b[1], e = Exact(t, x + i * d);
    PetscCall(pde->boundary(pde->ctx, 0, x + i * d, b));
    hmax = PetscMax(hmax, PetscAbsReal(b[0] - e));
    if (H) hmax = PetscMax(hmax, PetscAbsReal(v[2][i] - e));
  }
  /* Tolerances relative to max |f| at the points (manufactured 68, peak
     2.9e3, twopeak 3.9e3, highdim in 3-D 19). r(u*) is f minus the same
     terms in another order: measured 2.9e-16, 1.6e-16, 1.2e-16, 1.9e-16
     relative; 1e-12 leaves room for other compilers, far below any wrong
     term. The extrapolated differences err by O(h^4) + O(eps/h^2):
     manufactured (h = 2e-3) measured 3.4e-11 relative, tolerance 1e-9 (6e-8
     absolute, far below its smallest term x kappa_y = O(1)); the peaks
     (h = 1e-4: O((A h^2)^2), A = 1000) and highdim (h = 1e-3) measured
     8.8e-11, 6.4e-11, 9.7e-11, tolerance 1e-6, below the smallest term of
     twopeak (4 u, 1e-3 of max |f|). On the boundary the manufactured hard
     constraint is x y + 0 and the peaks' (1 - x^2)(1 - y^2) N with
     |u*| <= e^-250 (matches to 3e-109): 1e-14 is round-off. */
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "d = %d, max |f| = %.4e: max |r(u*)|/max|f| = %.2e (tolerance 1e-12), max |r(0) + f_FD|/max|f| = %.2e (tolerance %.0e), boundary data and hard constraint vs u* %.2e (tolerance 1e-14)\n", (int)d, (double)smax, (double)(rmax / smax), (double)(fmax / smax), (double)fdtol, (double)hmax));
  PetscCheck(rmax <= 1e-12 * smax && fmax <= fdtol * smax && hmax <= 1e-14, PETSC_COMM_SELF, PETSC_ERR_PLIB, "PDE check failed");
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(PetscFree5(x, nv, v[0], v[1], v[2]));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbProblemDestroy(&p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The written u_exact, kappa and f at the nodes against the formulas here. */
static PetscErrorCode CheckOutput(NbProblem p, const char name[])
{
  NbInput          in;
  DM               da;
  Vec              G;
  DMDALocalInfo    info;
  const char      *field[3] = {"u_exact", "kappa", "f"};
  PetscReal        dmax = 0;
  PetscScalar    **a;
  char            *grid, want[64];
  PetscBool        same;

  PetscFunctionBegin;
  PetscCall(NbProblemGetDM(p, &da));
  PetscCall(DMDAGetLocalInfo(da, &info));
  PetscCall(DMCreateGlobalVector(da, &G));
  PetscCall(NbInputOpen(PETSC_COMM_WORLD, name, &in));
  for (PetscInt c = 0; c < 3; c++) {
    PetscCall(NbInputReadField(in, 0, field[c], G));
    PetscCall(DMDAVecGetArrayRead(da, G, &a));
    for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
      for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
        PetscReal x = (PetscReal)i / (info.mx - 1), y = (PetscReal)j / (info.my - 1);
        PetscReal want = c == 0 ? UExact(x, y) : c == 1 ? Kappa(x, y) : SourceFD(x, y, 2e-3);
        dmax = PetscMax(dmax, PetscAbsReal(a[j][i] - want));
      }
    PetscCall(DMDAVecRestoreArrayRead(da, G, &a));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &dmax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  /* f from finite differences: see PDEChecks (measured 2.9e-9 at 65 x 65) */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "output: max deviation of u_exact, kappa, f from the formulas %.2e (tolerance 1e-7)\n", (double)dmax));
  PetscCheck(dmax <= 1e-7, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the written fields are wrong");
  PetscCall(NbInputGetMetadataString(in, "grid", &grid));
  PetscCall(PetscSNPrintf(want, sizeof(want), "%d x %d nodes", (int)info.mx, (int)info.my));
  PetscCall(PetscStrcmp(grid, want, &same));
  PetscCheck(same, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "metadata grid '%s', expected '%s'", grid, want);
  PetscCall(PetscFree(grid));
  PetscCall(NbInputClose(&in));
  PetscCall(VecDestroy(&G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* See -test_mode solve above. */
static PetscErrorCode CheckOperator(NbProblem p)
{
  DM           da;
  Vec          nat, U, F, F0, JU;
  Mat          J;
  PetscScalar *a;
  PetscReal    n0, nres, nlin;
  PetscBool    sym;
  PetscRandom  rnd;

  PetscFunctionBegin;
  PetscCall(NbProblemGetDM(p, &da));
  PetscCall(DMCreateGlobalVector(da, &U));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(VecDuplicate(U, &F0));
  PetscCall(VecDuplicate(U, &JU));
  PetscCall(DMDACreateNaturalVector(da, &nat));
  PetscCall(VecGetArray(nat, &a)); /* the evaluation points are this rank's block of the natural order */
  PetscCall(NbProblemGetReferenceValues(p, 0, a));
  PetscCall(VecRestoreArray(nat, &a));
  PetscCall(DMDANaturalToGlobalBegin(da, nat, INSERT_VALUES, U));
  PetscCall(DMDANaturalToGlobalEnd(da, nat, INSERT_VALUES, U));
  PetscCall(NbProblemComputeResidual(p, 0, U, F));
  PetscCall(VecZeroEntries(JU));
  PetscCall(NbProblemComputeResidual(p, 0, JU, F0));
  PetscCall(VecNorm(F, NORM_2, &nres));
  PetscCall(VecNorm(F0, NORM_2, &n0));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &rnd));
  PetscCall(VecSetRandom(U, rnd));
  PetscCall(NbProblemComputeResidual(p, 0, U, F));
  PetscCall(NbProblemCreateMatrix(p, &J));
  PetscCall(NbProblemComputeJacobian(p, 0, U, J));
  PetscCall(MatIsSymmetric(J, 0, &sym));
  PetscCall(MatMult(J, U, JU));
  PetscCall(VecAXPBYPCZ(JU, -1, 1, 1, F, F0)); /* J U - F(U) + F(0) */
  PetscCall(VecNorm(JU, NORM_2, &nlin));
  /* rtol 1e-10 on the preconditioned residual: measured |F(u_ref)|/|F(0)|
     1.6e-10 to 2.8e-10 on 1 to 3 ranks; J U is exact up to round-off */
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "operator: |F(u_ref)|/|F(0)| = %.2e (tolerance 1e-8), |J U - F(U) + F(0)|/|F(0)| = %.2e (tolerance 1e-12), J symmetric: %s\n", (double)(nres / n0), (double)(nlin / n0), sym ? "yes" : "no"));
  PetscCheck(nres <= 1e-8 * n0 && nlin <= 1e-12 * n0 && sym, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the discrete operator is wrong");
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&nat));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&F));
  PetscCall(VecDestroy(&F0));
  PetscCall(VecDestroy(&JU));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve(void)
{
  NbProblem p;
  NbReport  rep;
  char      name[PETSC_MAX_PATH_LEN];
  PetscBool out;

  PetscFunctionBegin;
  PetscCall(CreateSolved(PETSC_COMM_WORLD, &p));
  PetscCall(NbReportCreate(PETSC_COMM_WORLD, "poisson reference", &rep));
  PetscCall(NbProblemReport(p, rep));
  PetscCall(NbReportPrint(rep, NULL));
  PetscCall(NbReportDestroy(&rep));
  PetscCall(CheckOperator(p));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_output", name, sizeof(name), &out));
  if (out) {
    NbOutput o;
    PetscCall(NbOutputCreate(PETSC_COMM_WORLD, &o));
    PetscCall(NbOutputSetFileName(o, name));
    PetscCall(NbOutputOpen(o));
    PetscCall(NbProblemWriteFrames(p, o, NULL, NULL));
    PetscCall(NbOutputClose(o));
    PetscCall(NbOutputDestroy(&o));
    PetscCall(CheckOutput(p, name));
  }
  PetscCall(NbProblemDestroy(&p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* highdim's sampled evaluation points: the block of every rank equals the
   same rows computed by one rank alone (bitwise: point g is a function of g
   only); they fill the box (each coordinate's mean within 4 standard errors
   of 0, 4 sqrt(1/3)/sqrt(N)); the exact values there are exp(-10|x|^2)
   written here; and a solution 1.001 u* is judged 1e-3 away from the
   reference and from u* (relative L2; the reference is u*). */
static PetscErrorCode Points(void)
{
  NbProblem        p, q;
  const NbPDE     *pde;
  PetscInt         n, nq, d;
  PetscInt64       N, off;
  const PetscReal *x, *xq;
  PetscReal       *v, dev[2] = {0, 0}, mean[32] = {0}, emax = 0;
  NbProblemError   err;
  TestCase         t;

  PetscFunctionBegin;
  PetscCall(GetCase(&t));
  d = t.d;
  PetscCheck(t.c == CASE_HIGHDIM && d <= 32, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-test_mode points is for -poisson_case highdim with -poisson_dim <= 32");
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "poisson", PETSC_FALSE, &p));
  PetscCall(NbTestProblem(PETSC_COMM_SELF, "poisson", PETSC_FALSE, &q));
  PetscCall(NbProblemGetEvaluationPoints(p, &n, &N, &off, &x));
  PetscCall(NbProblemGetEvaluationPoints(q, &nq, NULL, NULL, &xq));
  PetscCall(PetscMalloc1((size_t)n + 1, &v));
  PetscCall(NbProblemGetExactValues(p, 0, v));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal r2 = 0;
    for (PetscInt k = 0; k < d; k++) {
      dev[0] = PetscMax(dev[0], PetscAbsReal(x[i * d + k] - xq[(off + i) * d + k]));
      dev[1] = PetscMax(dev[1], PetscAbsReal(x[i * d + k]) >= 1 ? 1 : 0);
      mean[k] += x[i * d + k] / (PetscReal)N;
      r2 += PetscSqr(x[i * d + k]);
    }
    emax = PetscMax(emax, PetscAbsReal(v[i] - PetscExpReal(-10 * r2)));
    v[i] *= 1.001;
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, dev, 2, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &emax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, mean, (PetscMPIInt)d, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  for (PetscInt k = 1; k < d; k++) mean[0] = PetscAbsReal(mean[k]) > PetscAbsReal(mean[0]) ? mean[k] : mean[0]; /* the largest in mean[0] */
  PetscCall(NbProblemGetPDE(p, &pde)); /* a method that trains on the PDE: then there is a "reference" (u*) */
  PetscCall(NbProblemSolveReference(p));
  PetscCall(NbProblemComputeErrors(p, &v, &err));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%" PetscInt64_FMT " points in %d-D: max |x - x(1 rank)| = %.1e, outside the open box: %s, largest |mean of a coordinate| %.2e (tolerance %.2e), max |u*(x) - exp(-10|x|^2)| = %.1e, 1.001 u* judged %.6e vs reference and %.6e vs exact\n", N, (int)d, (double)dev[0], dev[1] > 0 ? "yes" : "no", (double)mean[0], 4 / PetscSqrtReal(3.0 * N), (double)emax, (double)err.ref, (double)err.exact));
  PetscCheck(PetscAbsReal(mean[0]) <= 4 / PetscSqrtReal(3.0 * N), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a coordinate has mean %g: not uniform in the box", (double)mean[0]);
  /* the relative errors are 1e-3 up to the round-off of 1.001 u* - u* */
  PetscCheck(dev[0] == 0 && dev[1] == 0 && emax <= 1e-15 && PetscAbsReal(err.ref - 1e-3) <= 1e-12 && PetscAbsReal(err.exact - 1e-3) <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "sampled evaluation points check failed");
  PetscCall(PetscFree(v));
  PetscCall(NbProblemDestroy(&p));
  PetscCall(NbProblemDestroy(&q));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      mode[32] = "convergence";
  PetscBool conv, pde, solve, points;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscStrcmp(mode, "convergence", &conv));
  PetscCall(PetscStrcmp(mode, "pde", &pde));
  PetscCall(PetscStrcmp(mode, "solve", &solve));
  PetscCall(PetscStrcmp(mode, "points", &points));
  PetscCheck(conv || pde || solve || points, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-test_mode %s is unknown: use convergence, pde, solve or points", mode);
  if (conv) PetscCall(Convergence());
  else if (pde) PetscCall(PDEChecks());
  else if (points) PetscCall(Points());
  else PetscCall(Solve());
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
