/* The poisson problem: steady Poisson-type equations with exact solutions
   (-poisson_case), u = g on the boundary of a box. The 2-D cases have a
   PETSc reference: a KSP (NbProblemGetSolver) on a five-point scheme on
   the nodes of a DMDA, F(U) = A U - b, whose stencil the case gives; the
   evaluation points are the nodes (examples/poisson/README.md). The cases:
     manufactured (default)  -div(kappa grad u) = f on [0,1]^2, below;
     peak, twopeak           solvers/poisson_peaks.c;
     highdim                 solvers/poisson_highdim.c. */
#include "poisson_impl.h"

/* ---------------------------------------------------- the manufactured case */

/* m = (u*, kappa, f) at (x, y):
     u* = sin(pi x) sin(2 pi y) + x y,  kappa = 1 + sin(pi x) sin(pi y) / 2,
     f  = -div(kappa grad u*) (0.5 <= kappa <= 1.5). */
static void Manufactured(PetscReal x, PetscReal y, PetscReal m[3])
{
  const PetscReal pi = PETSC_PI, sx = PetscSinReal(pi * x), cx = PetscCosReal(pi * x), sy = PetscSinReal(pi * y), cy = PetscCosReal(pi * y);
  const PetscReal s2 = PetscSinReal(2 * pi * y), c2 = PetscCosReal(2 * pi * y), k = 1 + 0.5 * sx * sy;

  m[0] = sx * s2 + x * y;
  m[1] = k;
  m[2] = 5 * pi * pi * k * sx * s2 - 0.5 * pi * cx * sy * (pi * cx * s2 + y) - 0.5 * pi * sx * cy * (2 * pi * sx * c2 + x);
}

static PetscReal ManufacturedExact(const PoissonCase *c, const PetscReal x[])
{
  PetscReal m[3];

  Manufactured(x[0], x[1], m);
  return m[0];
}

static void ManufacturedFields(const PoissonCase *c, const PetscReal x[], PetscReal v[])
{
  Manufactured(x[0], x[1], v);
}

/* -[k_{i+1/2,j} (u_{i+1,j} - u_ij) - k_{i-1/2,j} (u_ij - u_{i-1,j})] / hx^2
   - (the same in y) = f_ij, k_{i+1/2,j} = (k_ij + k_{i+1,j}) / 2: symmetric. */
static void ManufacturedStencil(const PetscReal x[2], const PetscReal h[2], PetscReal a[5], PetscReal *f)
{
  const PetscReal dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
  PetscReal       m[3], mn[3];

  Manufactured(x[0], x[1], m);
  a[4] = 0;
  for (PetscInt q = 0; q < 4; q++) {
    Manufactured(x[0] + dx[q] * h[0], x[1] + dy[q] * h[1], mn);
    a[q] = -0.5 * (m[1] + mn[1]) / PetscSqr(h[q / 2]);
    a[4] -= a[q];
  }
  *f = m[2];
}

/* r = -div(kappa grad u) - f from the inputs X and the output jet U, with
   f = -div(kappa grad u*) grouped in: r = -(kappa (Lap u + 5 pi^2 sx s2) +
   (pi/2) (cx sy (u_x - u*_x) + sx cy (u_y - u*_y))), sx = sin(pi x), ... */
static PetscErrorCode Residual(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  const PetscReal pi = PETSC_PI;
  NbTensor        x, y, sx, cx, sy, cy, s2, c2, a, b, lap, dx, dy;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  PetscCall(NbTensorScale(x, pi, &a));
  PetscCall(NbTensorSin(a, &sx));
  PetscCall(NbTensorCos(a, &cx));
  PetscCall(NbTensorScale(y, pi, &a));
  PetscCall(NbTensorSin(a, &sy));
  PetscCall(NbTensorCos(a, &cy));
  PetscCall(NbTensorScale(y, 2 * pi, &a));
  PetscCall(NbTensorSin(a, &s2));
  PetscCall(NbTensorCos(a, &c2));
  /* kappa (Lap u - Lap u*) */
  PetscCall(NbTensorJetComponent(U, "xx", &a));
  PetscCall(NbTensorJetComponent(U, "yy", &b));
  PetscCall(NbTensorAdd(a, b, &lap));
  PetscCall(NbTensorMul(sx, s2, &a));
  PetscCall(NbTensorAXPY(lap, 5 * pi * pi, a, &lap));
  PetscCall(NbTensorMul(sx, sy, &a));
  PetscCall(NbTensorAXPB(a, 0.5, 1, &a));
  PetscCall(NbTensorMul(a, lap, &lap));
  /* u_x - u*_x = u_x - pi cx s2 - y, u_y - u*_y = u_y - 2 pi sx c2 - x */
  PetscCall(NbTensorJetComponent(U, "x", &dx));
  PetscCall(NbTensorMul(cx, s2, &a));
  PetscCall(NbTensorAXPY(dx, -pi, a, &dx));
  PetscCall(NbTensorSub(dx, y, &dx));
  PetscCall(NbTensorJetComponent(U, "y", &dy));
  PetscCall(NbTensorMul(sx, c2, &a));
  PetscCall(NbTensorAXPY(dy, -2 * pi, a, &dy));
  PetscCall(NbTensorSub(dy, x, &dy));
  /* grad kappa . grad(u - u*) */
  PetscCall(NbTensorMul(cx, sy, &a));
  PetscCall(NbTensorMul(a, dx, &a));
  PetscCall(NbTensorMul(sx, cy, &b));
  PetscCall(NbTensorMul(b, dy, &b));
  PetscCall(NbTensorAdd(a, b, &a));
  PetscCall(NbTensorAXPY(lap, pi / 2, a, &a));
  PetscCall(NbTensorScale(a, -1, &res[0]));
  *nres = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u = x y + 16 x (1 - x) y (1 - y) N: equal to g = x y on the boundary
   whatever N (Lagaris, Likas & Fotiadis 1998). */
static PetscErrorCode Hard(void *ctx, NbTensor X, NbTensor N, NbTensor *U)
{
  NbTensor x, y, xy, a, b;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  PetscCall(NbTensorMul(x, y, &xy));
  PetscCall(NbTensorAXPB(x, -1, 1, &a));
  PetscCall(NbTensorMul(x, a, &a));
  PetscCall(NbTensorAXPB(y, -1, 1, &b));
  PetscCall(NbTensorMul(y, b, &b));
  PetscCall(NbTensorMul(a, b, &a));
  PetscCall(NbTensorScale(a, 16, &a));
  PetscCall(NbTensorMul(a, N, &a));
  PetscCall(NbTensorAdd(xy, a, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PoissonCaseCreate_Manufactured(PoissonCase *c, PetscInt dim, MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCall(PoissonCaseCheckPlanar(dim, "manufactured", comm));
  *c = (PoissonCase){
    .about = "-div(kappa grad u) = f on [0,1]^2, u = g on the boundary; u* = sin(pi x) sin(2 pi y) + x y, kappa = 1 + sin(pi x) sin(pi y)/2",
    .dim = 2, .lo = 0, .hi = 1, .ngrid = 65, .symmetric = PETSC_TRUE, .exact = ManufacturedExact, .stencil = ManufacturedStencil,
    .nfield = 3, .fieldname = {"u_exact", "kappa", "f"}, .fields = ManufacturedFields,
    .residual = Residual, .hard = Hard, .defaulthard = PETSC_TRUE, .coords = "x,y", .derivs = "x,y,xx,yy",
    .bcwhy = "hard for Poisson: 10x-1000x more accurate than soft at the same budget (bench/results/poisson_pinn.txt)",
  };
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ the cases */

static const NbRegistryEntry PoissonCaseBuiltin[] = {
  {"manufactured", (PetscVoidFunction)PoissonCaseCreate_Manufactured},
  {"peak",         (PetscVoidFunction)PoissonCaseCreate_Peak        },
  {"twopeak",      (PetscVoidFunction)PoissonCaseCreate_TwoPeak     },
  {"highdim",      (PetscVoidFunction)PoissonCaseCreate_HighDim     },
  {NULL,           NULL                                             }
};
static NbRegistry PoissonCases = {"-poisson_case", PoissonCaseBuiltin, NULL, PETSC_FALSE};

PetscErrorCode PoissonCaseCheckPlanar(PetscInt dim, const char name[], MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCheck(dim == 2, comm, PETSC_ERR_USER_INPUT, "-poisson_dim %d: -poisson_case %s is 2-D; only -poisson_case highdim takes another dimension", (int)dim, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The case's table from its create function; an unknown name is refused
   with the list of the registered ones. */
static PetscErrorCode PoissonSetCase(NbProblem p, const char name[])
{
  Poisson            *s      = (Poisson *)p->data;
  PoissonCaseCreateFn create = NULL;
  PetscFunctionList   list;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&PoissonCases, &list));
  PetscCall(PetscFunctionListFind(list, name, &create));
  if (!create) {
    char choices[256];
    PetscCall(NbFunctionListNames(list, choices, sizeof(choices)));
    SETERRQ(p->comm, PETSC_ERR_USER_INPUT, "-%spoisson_case %s is unknown: choose one of %s", p->prefix, name, choices);
  }
  PetscCheck(s->dim >= 1, p->comm, PETSC_ERR_USER_INPUT, "-%spoisson_dim %d: the dimension must be at least 1", p->prefix, (int)s->dim);
  PetscCall((*create)(&s->c, s->dim, p->comm));
  PetscCall(PetscStrncpy(s->casename, name, sizeof(s->casename)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -poisson_dim defaults to the case's dimension (highdim: 10). */
static PetscErrorCode SetFromOptions_Poisson(NbProblem p)
{
  Poisson          *s = (Poisson *)p->data;
  PetscFunctionList list;
  char              name[32];
  PetscInt          dim;
  PetscBool         high;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&PoissonCases, &list));
  PetscCall(PetscStrncpy(name, s->casename, sizeof(name)));
  PetscOptionsBegin(p->comm, p->prefix, "Poisson problem", "NbProblem");
  PetscCall(PetscOptionsFList("-poisson_case", "Case: manufactured (-div(kappa grad u) = f on [0,1]^2), peak, twopeak (Tang, Wan, Yang 2023), highdim (exact solution only)", "NbProblemSetFromOptions", list, name, name, sizeof(name), NULL));
  PetscCall(PetscStrcmp(name, "highdim", &high));
  dim = high ? 10 : 2;
  PetscCall(PetscOptionsInt("-poisson_dim", "Space dimension of -poisson_case highdim (the other cases are 2-D)", "NbProblemSetFromOptions", dim, &dim, NULL));
  if (high) PetscCall(PetscOptionsInt("-poisson_points", "Uniform evaluation points of -poisson_case highdim, where the solution is judged against u*", "NbProblemSetFromOptions", s->npoints, &s->npoints, NULL));
  PetscOptionsEnd();
  s->dim = dim;
  PetscCall(PoissonSetCase(p, name));
  PetscCheck(s->npoints >= 1, p->comm, PETSC_ERR_USER_INPUT, "-%spoisson_points %d: at least one evaluation point", p->prefix, (int)s->npoints);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ the PDE */

static PetscErrorCode Boundary(void *ctx, PetscReal t, const PetscReal x[], PetscReal u[])
{
  const PoissonCase *c = (const PoissonCase *)ctx;

  u[0] = c->exact(c, x);
  return PETSC_SUCCESS;
}

/* Observations come from a grid reference. */
static PetscErrorCode Check(void *ctx, PetscBool hard, PetscBool inverse)
{
  const PoissonCase *c = (const PoissonCase *)ctx;

  PetscFunctionBegin;
  PetscCheck(!inverse || c->ngrid, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-pinn_inverse needs a grid reference to observe: -poisson_case highdim has none");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* No flux: the equations have a source, not the source-free form cPINN's
   interface fluxes assume. */
static PetscErrorCode PDE_Poisson(NbProblem p, NbPDE *pde)
{
  Poisson *s = (Poisson *)p->data;

  PetscFunctionBegin;
  PetscCheck(s->c.dim <= 3, p->comm, PETSC_ERR_SUP, "-%spoisson_dim %d: physics-informed methods take at most 3 space dimensions for now (NbPINN's inputs, NbPDE's box); use -%spoisson_dim 2 or 3", p->prefix, (int)s->c.dim, p->prefix);
  *pde = (NbPDE){
    .name = "Poisson", .dim = s->c.dim, .steady = PETSC_TRUE, .nout = 1, .outnames = {"u"},
    .coords = s->c.coords, .derivs = s->c.derivs, .residual = s->c.residual, .hard = s->c.hard, .boundary = Boundary,
    .defaulthard = s->c.defaulthard, .bcwhy = s->c.bcwhy, .check = Check, .ctx = &s->c,
  };
  for (PetscInt d = 0; d < s->c.dim; d++) {
    pde->lo[d] = s->c.lo;
    pde->hi[d] = s->c.hi;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------- the problem */

static PetscBool OnBoundary(const DMDALocalInfo *info, PetscInt i, PetscInt j)
{
  return (PetscBool)(i == 0 || j == 0 || i == info->mx - 1 || j == info->my - 1);
}

/* A and b: at interior nodes the case's stencil; identity rows u = u* on the
   boundary, whose known values go to the right-hand side of the rows next
   to it (so A is symmetric when the stencil is). */
static PetscErrorCode Assemble(Poisson *s)
{
  const PoissonCase *c = &s->c;
  DMDALocalInfo      info;
  PetscScalar      **b;
  const PetscInt     di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
  PetscReal          h[2];

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(s->da, &info));
  h[0] = (c->hi - c->lo) / (info.mx - 1);
  h[1] = (c->hi - c->lo) / (info.my - 1);
  PetscCall(DMCreateMatrix(s->da, &s->A));
  PetscCall(DMCreateGlobalVector(s->da, &s->b));
  PetscCall(VecDuplicate(s->b, &s->u));
  PetscCall(DMDAVecGetArray(s->da, s->b, &b));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      MatStencil  row = {.i = i, .j = j}, col[5];
      PetscScalar v[5];
      PetscInt    nc = 0;
      PetscReal   x[2] = {c->lo + i * h[0], c->lo + j * h[1]}, a[5], f;
      if (OnBoundary(&info, i, j)) {
        b[j][i] = c->exact(c, x);
        v[0]    = 1;
        PetscCall(MatSetValuesStencil(s->A, 1, &row, 1, &row, v, INSERT_VALUES));
        continue;
      }
      c->stencil(x, h, a, &f);
      b[j][i] = f;
      for (PetscInt q = 0; q < 4; q++) {
        PetscInt  ii = i + di[q], jj = j + dj[q];
        PetscReal xn[2] = {c->lo + ii * h[0], c->lo + jj * h[1]};
        if (OnBoundary(&info, ii, jj)) b[j][i] -= a[q] * c->exact(c, xn); /* known: to the right-hand side */
        else {
          col[nc] = (MatStencil){.i = ii, .j = jj};
          v[nc++] = a[q];
        }
      }
      col[nc] = row;
      v[nc++] = a[4];
      PetscCall(MatSetValuesStencil(s->A, 1, &row, nc, col, v, INSERT_VALUES));
    }
  PetscCall(DMDAVecRestoreArray(s->da, s->b, &b));
  PetscCall(MatAssemblyBegin(s->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(s->A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A 2-D case: its grid reference. Default solver CG + GAMG (GMRES + GAMG when the stencil is not
   symmetric), rtol 1e-10: 12-15 iterations from 33^2 to 513^2 nodes on 1-4
   ranks on the manufactured case, native to every PETSc build (the
   alternatives and their numbers: bench/results/poisson_reference.txt).
   The KSP keeps the DMDA for -pc_type mg, inactive so that A is used as
   assembled. */
static PetscErrorCode SetUp_Poisson(NbProblem p)
{
  Poisson *s   = (Poisson *)p->data;
  KSP      ksp = (KSP)p->solver;
  PC       pc;
  PetscReal lo[2] = {s->c.lo, s->c.lo}, hi[2] = {s->c.hi, s->c.hi};

  PetscFunctionBegin;
  if (!s->c.ngrid) {
    PetscCall(PoissonSetUpPoints(p));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(NbProblemCreateNodeDMDA_Private(p, s->c.ngrid, 5, &s->da, s->grid, sizeof(s->grid)));
  PetscCall(Assemble(s));
  PetscCall(KSPSetOperators(ksp, s->A, s->A));
  PetscCall(KSPSetDM(ksp, s->da));
  PetscCall(KSPSetDMActive(ksp, PETSC_FALSE));
  PetscCall(KSPSetType(ksp, s->c.symmetric ? KSPCG : KSPGMRES));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCGAMG));
  PetscCall(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  if (p->prefix[0]) PetscCall(KSPSetOptionsPrefix(ksp, p->prefix));
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(NbProblemSetLinear_Private(p, s->A, s->b, s->u));
  p->dim         = 2;
  p->nout        = 1;
  p->steady      = PETSC_TRUE;
  p->outnames[0] = "u";
  PetscCall(NbProblemSetNodeGrid_Private(p, s->da, lo, hi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve_Poisson(NbProblem p)
{
  Poisson *s = (Poisson *)p->data;

  return NbProblemSolveKSP_Private(p, (KSP)p->solver, s->b, s->u, "Poisson", &s->its, &s->wall);
}

static PetscErrorCode Exact_Poisson(NbProblem p, PetscReal t, const PetscReal x[], PetscReal u[])
{
  return Boundary(&((Poisson *)p->data)->c, t, x, u); /* u* itself */
}

static PetscErrorCode WriteFrame_Poisson(NbProblem p, NbOutput out, PetscInt k)
{
  Poisson   *s = (Poisson *)p->data;
  PetscReal *v, m[POISSON_MAXFIELD];

  PetscFunctionBegin;
  if (s->u) PetscCall(NbOutputWriteField(out, "u", s->u));
  PetscCall(PetscMalloc1(p->n + 1, &v));
  for (PetscInt f = 0; f < s->c.nfield; f++) {
    for (PetscInt i = 0; i < p->n; i++) {
      s->c.fields(&s->c, p->x + p->dim * i, m);
      v[i] = m[f];
    }
    PetscCall(NbProblemWriteScalar(p, out, s->c.fieldname[f], v));
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteMetadata_Poisson(NbProblem p, NbOutput out)
{
  Poisson *s = (Poisson *)p->data;
  char     about[320];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(about, sizeof(about), "poisson -poisson_case %s: %s", s->casename, s->c.about));
  PetscCall(NbOutputSetMetadataString(out, "problem", about));
  PetscCall(NbOutputSetMetadataString(out, "grid", s->grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The error is discrete: over the nodes (NbProblemComputeErrors). */
static PetscErrorCode Report_Poisson(NbProblem p, NbReport rep)
{
  Poisson       *s = (Poisson *)p->data;
  NbProblemError err;

  PetscFunctionBegin;
  PetscCall(NbProblemReferenceErrors_Private(p, &err));
  PetscCall(NbReportAddString(rep, "case", s->casename));
  if (!s->c.ngrid) { /* no reference: the points where methods are judged against u* */
    PetscCall(NbReportAddString(rep, "evaluation points", s->grid));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(NbProblemReportKSP_Private(p, rep, s->grid, (KSP)p->solver, s->its, s->wall));
  PetscCall(NbReportAddReal(rep, "rel. L2 error of u vs exact", "%.3e", err.exact));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_Poisson(NbProblem p, PetscViewer v)
{
  Poisson *s = (Poisson *)p->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Poisson -poisson_case %s: %s, %s\n", s->casename, s->c.about, s->grid));
  if (s->c.ngrid) PetscCall(KSPView((KSP)p->solver, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Poisson(NbProblem p)
{
  Poisson *s = (Poisson *)p->data;

  PetscFunctionBegin;
  PetscCall(KSPDestroy((KSP *)&p->solver));
  PetscCall(MatDestroy(&s->A));
  PetscCall(VecDestroy(&s->b));
  PetscCall(VecDestroy(&s->u));
  PetscCall(DMDestroy(&s->da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemCreate_Poisson(NbProblem p)
{
  Poisson *s;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  p->data = s;
  s->dim     = 2;
  s->npoints = 10000;
  PetscCall(PoissonSetCase(p, "manufactured"));
  PetscCall(KSPCreate(p->comm, (KSP *)&p->solver));
  p->ops.setfromoptions = SetFromOptions_Poisson;
  p->ops.setup          = SetUp_Poisson;
  p->ops.view           = View_Poisson;
  p->ops.destroy        = Destroy_Poisson;
  p->ops.solve          = Solve_Poisson;
  p->ops.pde            = PDE_Poisson;
  p->ops.exact          = Exact_Poisson;
  p->ops.writemetadata  = WriteMetadata_Poisson;
  p->ops.writeframe     = WriteFrame_Poisson;
  p->ops.report         = Report_Poisson;
  PetscFunctionReturn(PETSC_SUCCESS);
}
