/* The least-squares optimizers gn and lm and their ScaLAPACK solve.

   1. Gauss-Newton on a linear least-squares problem (N = 40 rows, P = 6
      Chebyshev columns, rows split over the ranks) reaches the minimiser in
      one step, undamped. Reference: LAPACK's dgels (Householder QR) on the
      whole matrix in one rank. Tolerance 100 cond(A)^2 eps: the normal
      equations' forward error is of order cond(A)^2 eps (Higham 2002,
      sec. 20.4); the QR option (-opt_lsq_solver qr) and J^T J summed from
      each rank's rows (-opt_lsq_solver local) are within it too.
   2. Levenberg-Marquardt on two nonlinear fits whose minimum is known:
      y = a exp(b t) from exact data (a, b) = (2, -1.5), started at (1, 0),
      and Rosenbrock's residuals (10 (y - x^2), 1 - x) from (-1.2, 1),
      minimum (1, 1); with D = I and (-opt_lm_scaling) Marquardt's D. Both have zero residual at the
      minimum, where LM converges quadratically: after the loss falls below
      1e-24 the parameters are within 1e-9 of the minimiser.
   3. (-grids, 2 ranks) the same runs on BLACS grids 1 x 2 and 2 x 1 agree
      with a serial run on PETSC_COMM_SELF to 1e-12 relative: only the order
      of the sums in J^T J differs (cond^2 eps = 1e-13 for problem 1; the
      LM fit is contractive, round-off does not grow).
   -case grid|notpd|memory: the errors of a BLACS grid that does not match
   the ranks, a rank-deficient normal matrix without damping, and a solve
   that does not fit in -opt_max_memory. */
#include "nbtest.h"
#include <petscblaslapack.h>

#define NROWS 40
#define NCOLS 6

typedef struct {
  PetscInt  kind;  /* 0 linear, 1 exponential, 2 Rosenbrock */
  PetscInt  N;
  PetscBool twin; /* linear: column 1 repeated (rank-deficient) */
} Problem;

static PetscReal Entry(PetscInt i, PetscInt j, PetscBool twin)
{
  PetscReal x = -1 + 2.0 * i / (NROWS - 1);
  if (twin && j == 2) j = 1;
  return PetscCosReal(j * PetscAcosReal(x)); /* Chebyshev T_j(x) */
}

/* rows of NbPartition's block of this rank */
static PetscErrorCode Residual(NbModel m, PetscInt *n, PetscReal r[], PetscReal J[], void *ctx)
{
  Problem   *pb = (Problem *)ctx;
  PetscReal *th;
  PetscInt64 off;
  MPI_Comm   comm;
  PetscInt   P;

  PetscFunctionBegin;
  PetscCall(NbModelGetComm(m, &comm));
  PetscCall(NbPartition(comm, pb->N, &off, n));
  if (!r) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(NbModelGetParameterArray(m, &th));
  for (PetscInt k = 0; k < *n; k++) {
    PetscInt  i = (PetscInt)off + k;
    PetscReal t = 2.0 * i / (pb->N - 1), e;
    switch (pb->kind) {
    case 0:
      r[k] = -PetscExpReal(-1 + 2.0 * i / (NROWS - 1));
      for (PetscInt j = 0; j < P; j++) {
        r[k] += Entry(i, j, pb->twin) * th[j];
        if (J) J[k * P + j] = Entry(i, j, pb->twin);
      }
      break;
    case 1:
      e    = PetscExpReal(th[1] * t);
      r[k] = th[0] * e - 2 * PetscExpReal(-1.5 * t);
      if (J) J[k * P] = e, J[k * P + 1] = th[0] * t * e;
      break;
    default:
      r[k] = i == 0 ? 10 * (th[1] - th[0] * th[0]) : 1 - th[0];
      if (J) J[k * P] = i == 0 ? -20 * th[0] : -1, J[k * P + 1] = i == 0 ? 10 : 0;
    }
  }
  PetscCall(NbModelRestoreParameterArray(m, &th));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* theta after `steps` steps of `type` from theta0 on comm (grid p x q, 0: default) */
static PetscErrorCode Run(MPI_Comm comm, Problem *pb, const char *type, PetscInt steps, PetscInt p, PetscInt q, const PetscReal th0[], PetscReal th[])
{
  NbModel     m;
  NbOptimizer o;
  PetscInt    P = pb->kind == 0 ? NCOLS : 2;
  PetscReal  *a;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(comm, &m));
  PetscCall(NbModelAddParameter(m, "theta", P, 1, NB_INIT_ZEROS, 0, NULL));
  PetscCall(NbModelSetUp(m));
  PetscCall(NbModelGetParameterArray(m, &a));
  PetscCall(PetscArraycpy(a, th0, P));
  PetscCall(NbModelRestoreParameterArray(m, &a));
  PetscCall(NbOptimizerCreate(m, &o));
  PetscCall(NbOptimizerSetResidual(o, Residual, pb));
  PetscCall(NbOptimizerSetFixedType(o, type));
  if (p) PetscCall(NbOptimizerSetBLACSGrid(o, p, q));
  PetscCall(NbOptimizerSetMaxSteps(o, steps));
  PetscCall(NbOptimizerSetFromOptions(o));
  PetscCall(NbOptimizerSolve(o));
  PetscCall(NbModelGetParameterArray(m, &a));
  PetscCall(PetscArraycpy(th, a, P));
  PetscCall(NbModelRestoreParameterArray(m, &a));
  PetscCall(NbOptimizerDestroy(&o));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *what, PetscReal got, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-60s %.3e (tolerance %.1e) %s\n", what, (double)got, (double)tol, got <= tol ? "ok" : "FAIL"));
  PetscCheck(got <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %g exceeds %g", what, (double)got, (double)tol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Distance(PetscInt n, const PetscReal a[], const PetscReal b[])
{
  PetscReal d = 0, s = 0;
  for (PetscInt i = 0; i < n; i++) d = PetscMax(d, PetscAbsReal(a[i] - b[i])), s = PetscMax(s, PetscAbsReal(b[i]));
  return d / PetscMax(s, 1e-300);
}

/* the minimiser by dgels on the whole matrix, and cond(A) from its singular values */
static PetscErrorCode ClosedForm(PetscReal x[], PetscReal *cond)
{
  PetscReal    A[NROWS * NCOLS], B[NROWS * NCOLS], b[NROWS], sv[NCOLS], work[1000], dummy;
  PetscBLASInt m = NROWS, n = NCOLS, one = 1, lw = 1000, info;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < NROWS; i++) {
    b[i] = PetscExpReal(-1 + 2.0 * i / (NROWS - 1));
    for (PetscInt j = 0; j < NCOLS; j++) A[i + j * NROWS] = B[i + j * NROWS] = Entry(i, j, PETSC_FALSE);
  }
  PetscCallBLAS("LAPACKgels", LAPACKgels_("N", &m, &n, &one, A, &m, b, &m, work, &lw, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgels %d", (int)info);
  PetscCall(PetscArraycpy(x, b, NCOLS));
  PetscCallBLAS("LAPACKgesvd", LAPACKgesvd_("N", "N", &m, &n, B, &m, sv, &dummy, &one, &dummy, &one, work, &lw, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "dgesvd %d", (int)info);
  *cond = sv[0] / sv[NCOLS - 1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Minimisers(void)
{
  Problem   lin = {0, NROWS, PETSC_FALSE}, ex = {1, 20, PETSC_FALSE}, ros = {2, 2, PETSC_FALSE};
  PetscReal th0[NCOLS] = {0.3, -0.2, 0.1, 0.5, -0.4, 0.25}, x[NCOLS], th[NCOLS], cond, tol;
  PetscReal ex0[2] = {1, 0}, exmin[2] = {2, -1.5}, ros0[2] = {-1.2, 1}, rosmin[2] = {1, 1};

  PetscFunctionBegin;
  PetscCall(ClosedForm(x, &cond));
  tol = 100 * cond * cond * PETSC_MACHINE_EPSILON;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "linear problem: cond(A) = %.3g\n", (double)cond));
  PetscCall(Run(PETSC_COMM_WORLD, &lin, "gn", 1, 0, 0, th0, th));
  PetscCall(Check("gn, one step: |theta - dgels| / |dgels|", Distance(NCOLS, th, x), tol));
  PetscCall(Run(PETSC_COMM_WORLD, &ex, "lm", 100, 0, 0, ex0, th));
  PetscCall(Check("lm, a exp(b t) from (1, 0): distance to (2, -1.5)", Distance(2, th, exmin), 1e-9));
  PetscCall(Run(PETSC_COMM_WORLD, &ros, "lm", 200, 0, 0, ros0, th));
  PetscCall(Check("lm, Rosenbrock from (-1.2, 1): distance to (1, 1)", Distance(2, th, rosmin), 1e-9));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Grids(void)
{
  Problem     lin = {0, NROWS, PETSC_FALSE}, ex = {1, 20, PETSC_FALSE};
  PetscReal   th0[NCOLS] = {0.3, -0.2, 0.1, 0.5, -0.4, 0.25}, ex0[2] = {1, 0}, s[NCOLS], a[NCOLS];
  PetscMPIInt size;
  PetscInt    grid[2][2] = {{1, 2}, {2, 1}};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCheck(size == 2, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "-grids runs on 2 ranks");
  for (PetscInt g = 0; g < 2; g++) {
    char what[96];
    PetscCall(Run(PETSC_COMM_SELF, &lin, "gn", 1, 0, 0, th0, s));
    PetscCall(Run(PETSC_COMM_WORLD, &lin, "gn", 1, grid[g][0], grid[g][1], th0, a));
    PetscCall(PetscSNPrintf(what, sizeof(what), "gn on a %d x %d grid vs serial", (int)grid[g][0], (int)grid[g][1]));
    PetscCall(Check(what, Distance(NCOLS, a, s), 1e-12));
    PetscCall(Run(PETSC_COMM_SELF, &ex, "lm", 5, 0, 0, ex0, s));
    PetscCall(Run(PETSC_COMM_WORLD, &ex, "lm", 5, grid[g][0], grid[g][1], ex0, a));
    PetscCall(PetscSNPrintf(what, sizeof(what), "lm, 5 steps, on a %d x %d grid vs serial", (int)grid[g][0], (int)grid[g][1]));
    PetscCall(Check(what, Distance(2, a, s), 1e-12));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Errors(const char *c)
{
  Problem   lin = {0, NROWS, PETSC_FALSE};
  PetscReal th0[NCOLS] = {0}, th[NCOLS];
  PetscBool isgrid, isnotpd;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(c, "grid", &isgrid));
  PetscCall(PetscStrcmp(c, "notpd", &isnotpd));
  lin.twin = isnotpd;
  PetscCall(Run(PETSC_COMM_WORLD, &lin, "gn", 1, isgrid ? 2 : 0, isgrid ? 2 : 0, th0, th));
  SETERRQ(PETSC_COMM_WORLD, PETSC_ERR_PLIB, "error case %s did not fail", c);
}

static PetscErrorCode Main(void)
{
  char      c[16] = "";
  PetscBool grids = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-case", c, sizeof(c), NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-grids", &grids, NULL));
  if (c[0]) PetscCall(Errors(c));
  else if (grids) PetscCall(Grids());
  else PetscCall(Minimisers());
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Main)
