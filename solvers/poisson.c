/* The poisson problem: -div(kappa grad u) = f on the unit square, u = g on
   its boundary, steady, with a manufactured solution; the reference is a
   KSP (NbProblemGetSolver) on a five-point scheme, F(U) = A U - b
   (examples/poisson/README.md). Evaluation points are the nodes. */
#include "problemimpl.h"

typedef struct {
  DM        da;
  Mat       A;
  Vec       b, u;
  PetscInt  its;
  double    wall;
  char      grid[64];
} Poisson;

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

static PetscBool OnBoundary(const DMDALocalInfo *info, PetscInt i, PetscInt j)
{
  return (PetscBool)(i == 0 || j == 0 || i == info->mx - 1 || j == info->my - 1);
}

/* A and b: at interior nodes -[k_{i+1/2,j} (u_{i+1,j} - u_ij) - k_{i-1/2,j}
   (u_ij - u_{i-1,j})] / hx^2 - (the same in y) = f_ij, k_{i+1/2,j} = (k_ij +
   k_{i+1,j}) / 2; identity rows u = g on the boundary, whose known values
   go to the right-hand side: A is symmetric positive definite. */
static PetscErrorCode Assemble(Poisson *s)
{
  DMDALocalInfo  info;
  PetscScalar  **b;
  const PetscInt di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(s->da, &info));
  PetscCall(DMCreateMatrix(s->da, &s->A));
  PetscCall(DMCreateGlobalVector(s->da, &s->b));
  PetscCall(VecDuplicate(s->b, &s->u));
  PetscCall(DMDAVecGetArray(s->da, s->b, &b));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      MatStencil  row = {.i = i, .j = j}, col[5];
      PetscScalar v[5], diag = 0;
      PetscInt    nc = 0;
      PetscReal   m[3], mn[3], h[2] = {1.0 / (info.mx - 1), 1.0 / (info.my - 1)};
      Manufactured(i * h[0], j * h[1], m);
      b[j][i] = OnBoundary(&info, i, j) ? m[0] : m[2];
      for (PetscInt q = 0; q < 4 && !OnBoundary(&info, i, j); q++) {
        PetscInt ii = i + di[q], jj = j + dj[q];
        Manufactured(ii * h[0], jj * h[1], mn);
        v[nc] = -0.5 * (m[1] + mn[1]) / PetscSqr(h[q / 2]);
        diag -= v[nc];
        if (OnBoundary(&info, ii, jj)) b[j][i] -= v[nc] * mn[0]; /* known: to the right-hand side */
        else col[nc++] = (MatStencil){.i = ii, .j = jj};
      }
      col[nc] = row;
      v[nc++] = OnBoundary(&info, i, j) ? 1 : diag;
      PetscCall(MatSetValuesStencil(s->A, 1, &row, nc, col, v, INSERT_VALUES));
    }
  PetscCall(DMDAVecRestoreArray(s->da, s->b, &b));
  PetscCall(MatAssemblyBegin(s->A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(s->A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------- the PDE */

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

static PetscErrorCode Boundary(void *ctx, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscReal m[3];

  Manufactured(x[0], x[1], m);
  u[0] = m[0];
  return PETSC_SUCCESS;
}

/* No flux: div(-kappa grad u) = f has a source, not the source-free form
   cPINN's interface fluxes assume. */
static PetscErrorCode PDE_Poisson(NbProblem p, NbPDE *pde)
{
  *pde = (NbPDE){
    .name = "Poisson", .dim = 2, .steady = PETSC_TRUE, .nout = 1, .outnames = {"u"},
    .coords = "x,y", .derivs = "x,y,xx,yy", .lo = {0, 0}, .hi = {1, 1},
    .residual = Residual, .hard = Hard, .boundary = Boundary, .defaulthard = PETSC_TRUE,
    .bcwhy = "hard for Poisson: 10x-1000x more accurate than soft at the same budget (bench/results/poisson_pinn.txt)",
  };
  return PETSC_SUCCESS;
}

/* ----------------------------------------------------------- the problem */

/* Default solver CG + GAMG, rtol 1e-10: 12-15 iterations from 33^2 to 513^2
   nodes on 1-4 ranks, native to every PETSc build (the alternatives and
   their numbers: bench/results/poisson_reference.txt). The KSP keeps the
   DMDA for -pc_type mg, inactive so that A is used as assembled. */
static PetscErrorCode SetUp_Poisson(NbProblem p)
{
  Poisson *s   = (Poisson *)p->data;
  KSP      ksp = (KSP)p->solver;
  PC       pc;

  PetscFunctionBegin;
  PetscCall(NbProblemCreateNodeDMDA_Private(p, 65, 5, &s->da, s->grid, sizeof(s->grid)));
  PetscCall(Assemble(s));
  PetscCall(KSPSetOperators(ksp, s->A, s->A));
  PetscCall(KSPSetDM(ksp, s->da));
  PetscCall(KSPSetDMActive(ksp, PETSC_FALSE));
  PetscCall(KSPSetType(ksp, KSPCG));
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
  PetscCall(NbProblemSetNodeGrid_Private(p, s->da, (PetscReal[]){0, 0}, (PetscReal[]){1, 1}));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve_Poisson(NbProblem p)
{
  Poisson *s = (Poisson *)p->data;

  return NbProblemSolveKSP_Private(p, (KSP)p->solver, s->b, s->u, "Poisson", &s->its, &s->wall);
}

static PetscErrorCode Exact_Poisson(NbProblem p, PetscReal t, const PetscReal x[], PetscReal u[])
{
  return Boundary(NULL, t, x, u); /* u* itself */
}

static PetscErrorCode WriteFrame_Poisson(NbProblem p, NbOutput out, PetscInt k)
{
  const char *name[3] = {"u_exact", "kappa", "f"};
  PetscReal  *v, m[3];

  PetscFunctionBegin;
  PetscCall(NbOutputWriteField(out, "u", ((Poisson *)p->data)->u));
  PetscCall(PetscMalloc1(p->n + 1, &v));
  for (PetscInt c = 0; c < 3; c++) {
    for (PetscInt i = 0; i < p->n; i++) {
      Manufactured(p->x[2 * i], p->x[2 * i + 1], m);
      v[i] = m[c];
    }
    PetscCall(NbProblemWriteScalar(p, out, name[c], v));
  }
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteMetadata_Poisson(NbProblem p, NbOutput out)
{
  PetscFunctionBegin;
  PetscCall(NbOutputSetMetadataString(out, "problem", "poisson: -div(kappa grad u) = f on [0,1]^2, u = g on the boundary; u* = sin(pi x) sin(2 pi y) + x y, kappa = 1 + sin(pi x) sin(pi y)/2"));
  PetscCall(NbOutputSetMetadataString(out, "grid", ((Poisson *)p->data)->grid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The error is discrete: over the nodes (NbProblemComputeErrors). */
static PetscErrorCode Report_Poisson(NbProblem p, NbReport rep)
{
  Poisson       *s = (Poisson *)p->data;
  NbProblemError err;

  PetscFunctionBegin;
  PetscCall(NbProblemReferenceErrors_Private(p, &err));
  PetscCall(NbProblemReportKSP_Private(p, rep, s->grid, (KSP)p->solver, s->its, s->wall));
  PetscCall(NbReportAddReal(rep, "rel. L2 error of u vs exact", "%.3e", err.exact));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_Poisson(NbProblem p, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "Poisson -div(kappa grad u) = f on [0,1]^2, manufactured solution, %s\n", ((Poisson *)p->data)->grid));
  PetscCall(KSPView((KSP)p->solver, v));
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
  PetscCall(KSPCreate(p->comm, (KSP *)&p->solver));
  p->ops.setup         = SetUp_Poisson;
  p->ops.view          = View_Poisson;
  p->ops.destroy       = Destroy_Poisson;
  p->ops.solve         = Solve_Poisson;
  p->ops.pde           = PDE_Poisson;
  p->ops.exact         = Exact_Poisson;
  p->ops.writemetadata = WriteMetadata_Poisson;
  p->ops.writeframe    = WriteFrame_Poisson;
  p->ops.report        = Report_Poisson;
  PetscFunctionReturn(PETSC_SUCCESS);
}
