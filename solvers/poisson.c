/* The poisson problem: -div(kappa grad u) = f on the unit square, u = g on
   its boundary, steady. The reference solver (a KSP on a DMDA) and the PDE
   on jets for physics-informed methods. Evaluation points are the nodes;
   NbProblemGetSolver gives the KSP.

   Manufactured solution (0.5 <= kappa <= 1.5):
     u*(x, y)    = sin(pi x) sin(2 pi y) + x y
     kappa(x, y) = 1 + sin(pi x) sin(pi y) / 2
     f = -div(kappa grad u*) = -kappa Lap u* - kappa_x u*_x - kappa_y u*_y
       = 5 pi^2 kappa sin(pi x) sin(2 pi y)
         - (pi/2) cos(pi x) sin(pi y) (pi cos(pi x) sin(2 pi y) + y)
         - (pi/2) sin(pi x) cos(pi y) (2 pi sin(pi x) cos(2 pi y) + x)
     g = u* on the boundary (= x y there).

   Discretisation: n x n nodes (x_i, y_j) = (i hx, j hy), hx = hy = 1/(n-1)
   with the default square grid; the vertex-centred five-point scheme with
   kappa averaged arithmetically between neighbouring nodes,
     -[k_{i+1/2,j} (u_{i+1,j} - u_ij) - k_{i-1/2,j} (u_ij - u_{i-1,j})] / hx^2
     -[k_{i,j+1/2} (u_{i,j+1} - u_ij) - k_{i,j-1/2} (u_ij - u_{i,j-1})] / hy^2 = f_ij,
     k_{i+1/2,j} = (k_ij + k_{i+1,j}) / 2,
   second order for smooth kappa. Boundary rows are the identity, u_ij =
   g_ij, and the known boundary values are moved from the interior rows to
   the right-hand side, so the matrix stays symmetric positive definite and
   CG applies. F(U) = A U - b is the discrete residual, A its Jacobian. */
#include "problemimpl.h"

typedef struct {
  DM        da;
  Mat       A;
  Vec       b, u;
  PetscInt  its;
  double    wall;
  char      grid[64];
} Poisson;

/* m = (u*, kappa, f) at (x, y), the formulas of the header. */
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

/* A and b of the scheme in the header. */
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

/* r = -(kappa (u_xx + u_yy) + kappa_x u_x + kappa_y u_y) - f from the plain
   inputs X and the output jet U, with f = -(kappa Lap u* + grad kappa .
   grad u*) of the header grouped in: r = -(kappa (Lap u + 5 pi^2 sx s2) +
   (pi/2) (cx sy (u_x - u*_x) + sx cy (u_y - u*_y))), where sx = sin(pi x),
   cx = cos(pi x), s2 = sin(2 pi y), Lap u* = -5 pi^2 sx s2. */
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

static PetscErrorCode PDE_Poisson(NbProblem p, NbPDE *pde)
{
  PetscFunctionBegin;
  pde->name        = "Poisson";
  pde->dim         = 2;
  pde->steady      = PETSC_TRUE;
  pde->nout        = 1;
  pde->coords      = "x,y";
  pde->derivs      = "x,y,xx,yy";
  pde->outnames[0] = "u";
  pde->lo[0] = pde->lo[1] = 0;
  pde->hi[0] = pde->hi[1] = 1;
  pde->residual    = Residual;
  pde->hard        = Hard;
  pde->defaulthard = PETSC_TRUE;
  pde->bcwhy       = "hard for Poisson: 10x-1000x more accurate than soft at the same budget (bench/results/poisson_pinn.txt)";
  pde->boundary    = Boundary;
  /* flux NULL: div(-kappa grad u) = f has a source, not the source-free
     form cPINN's interface fluxes assume */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------- the problem */

/* Default solver CG + GAMG, rtol 1e-10 (bench/results/poisson_reference.txt):
   12, 13, 14, 14, 15 iterations on 33^2 ... 513^2 nodes (13-15 on 2 and 4
   ranks), any n (100^2: 13), and native to every PETSc build. Faster where
   available or applicable: -pc_type hypre (6-8 iterations, 1.5-2.2x faster
   at 513^2 on one rank) and geometric -pc_type mg -pc_mg_galerkin pmat through the
   DMDA (7-8), which needs (n - 1) divisible by 2^(levels - 1). The KSP
   keeps the DMDA for the latter, inactive so that A is used as assembled. */
static PetscErrorCode SetUp_Poisson(NbProblem p)
{
  Poisson *s   = (Poisson *)p->data;
  KSP      ksp = (KSP)p->solver;
  PC       pc;
  PetscInt mx, my;

  PetscFunctionBegin;
  PetscCall(DMDACreate2d(p->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, 65, 65, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &s->da));
  if (p->prefix[0]) PetscCall(DMSetOptionsPrefix(s->da, p->prefix));
  PetscCall(DMSetFromOptions(s->da));
  PetscCall(DMDAGetInfo(s->da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(mx >= 5 && my >= 5, p->comm, PETSC_ERR_USER_INPUT, "Grid %d x %d is too small: use at least 5 nodes per direction (-%sda_grid_x, -%sda_grid_y)", (int)mx, (int)my, p->prefix, p->prefix);
  PetscCall(DMSetUp(s->da));
  PetscCall(PetscSNPrintf(s->grid, sizeof(s->grid), "%d x %d nodes", (int)mx, (int)my));
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
  p->dim         = 2;
  p->nout        = 1;
  p->steady      = PETSC_TRUE;
  p->velocity    = PETSC_FALSE;
  p->outnames[0] = "u";
  p->da1         = s->da;
  p->origin[0] = p->origin[1] = 0;
  p->spacing[0]  = 1.0 / (mx - 1);
  p->spacing[1]  = 1.0 / (my - 1);
  p->ngroup      = 1;
  p->group[0]    = (NbProblemGroup){NULL, 0, 1, PETSC_FALSE};
  PetscCall(NbProblemSetFrames_Private(p, 1, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve_Poisson(NbProblem p)
{
  Poisson           *s   = (Poisson *)p->data;
  KSP                ksp = (KSP)p->solver;
  KSPConvergedReason reason;
  double             t0 = NbWallTime();

  PetscFunctionBegin;
  PetscCall(KSPSolve(ksp, s->b, s->u));
  s->wall = NbWallTime() - t0;
  PetscCall(KSPGetIterationNumber(ksp, &s->its));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCheck(reason > 0, p->comm, PETSC_ERR_NOT_CONVERGED, "The Poisson solve did not converge (%s) after %d iterations: raise -%sksp_max_it, loosen -%sksp_rtol, or try another preconditioner (-%spc_type hypre, -%spc_type lu)",
             KSPConvergedReasons[reason], (int)s->its, p->prefix, p->prefix, p->prefix, p->prefix);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Reference_Poisson(NbProblem p, PetscInt k, PetscReal v[])
{
  return NbProblemGlobalToValues_Private(p, ((Poisson *)p->data)->da, ((Poisson *)p->data)->u, 0, v);
}

static PetscErrorCode Exact_Poisson(NbProblem p, PetscReal t, const PetscReal x[], PetscReal u[])
{
  return Boundary(NULL, t, x, u);
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
  KSPType        kt;
  PCType         pt;
  PC             pc;
  PetscMPIInt    size;
  PetscReal     *v;
  NbProblemError err;
  char           solver[64];

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(p->n + 1, &v));
  PetscCall(NbProblemGetReferenceValues(p, 0, v));
  PetscCall(NbProblemComputeErrors(p, &v, &err));
  PetscCall(PetscFree(v));
  PetscCallMPI(MPI_Comm_size(p->comm, &size));
  PetscCall(KSPGetType((KSP)p->solver, &kt));
  PetscCall(KSPGetPC((KSP)p->solver, &pc));
  PetscCall(PCGetType(pc, &pt));
  PetscCall(PetscSNPrintf(solver, sizeof(solver), "%s + %s", kt, pt));
  PetscCall(NbReportAddString(rep, "grid", s->grid));
  PetscCall(NbReportAddInt(rep, "ranks", size));
  PetscCall(NbReportAddString(rep, "solver", solver));
  PetscCall(NbReportAddInt(rep, "Krylov iterations", s->its));
  PetscCall(NbReportAddReal(rep, "reference wall time [s]", "%.3f", s->wall));
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

static PetscErrorCode GetDM_Poisson(NbProblem p, DM *dm)
{
  *dm = ((Poisson *)p->data)->da;
  return PETSC_SUCCESS;
}

static PetscErrorCode Residual_Poisson(NbProblem p, PetscReal t, Vec U, Vec F)
{
  PetscFunctionBegin;
  PetscCall(MatMult(((Poisson *)p->data)->A, U, F));
  PetscCall(VecAXPY(F, -1, ((Poisson *)p->data)->b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* J from NbProblemCreateMatrix (DMCreateMatrix of the DMDA, like A: the
   same nonzero pattern, the whole star stencil) */
static PetscErrorCode Jacobian_Poisson(NbProblem p, PetscReal t, Vec U, Mat J)
{
  return MatCopy(((Poisson *)p->data)->A, J, SAME_NONZERO_PATTERN);
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
  PetscCall(PetscFree(p->data));
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
  p->ops.reference     = Reference_Poisson;
  p->ops.exact         = Exact_Poisson;
  p->ops.writemetadata = WriteMetadata_Poisson;
  p->ops.writeframe    = WriteFrame_Poisson;
  p->ops.report        = Report_Poisson;
  p->ops.getdm         = GetDM_Poisson;
  p->ops.residual      = Residual_Poisson;
  p->ops.jacobian      = Jacobian_Poisson;
  PetscFunctionReturn(PETSC_SUCCESS);
}
