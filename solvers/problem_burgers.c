/* The burgers problem: NbBurgers (solvers/burgers.c) behind the NbProblem
   interface, and viscous Burgers pointwise on jets for physics-informed
   methods. Evaluation points are the grid nodes. */
#include "problemimpl.h"
#include "nbsolvers.h"

/* ------------------------------------------------------------- the PDE */

/* 1-D: r = u_t + lambda u u_x - nu u_xx.
   2-D: r_u = u_t + lambda (u u_x + v u_y) - nu (u_xx + u_yy), r_v likewise. */
static PetscErrorCode Residual(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  NbBurgers b = (NbBurgers)ctx;
  NbTensor  nu = coef[0], lam = coef[1], u, ut, ux, uy = NULL, uxx, uyy = NULL;
  PetscInt  dim;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbTensorJetComponent(U, "", &u));
  PetscCall(NbTensorJetComponent(U, "t", &ut));
  PetscCall(NbTensorJetComponent(U, "x", &ux));
  PetscCall(NbTensorJetComponent(U, "xx", &uxx));
  if (dim == 2) {
    PetscCall(NbTensorJetComponent(U, "y", &uy));
    PetscCall(NbTensorJetComponent(U, "yy", &uyy));
  }
  for (PetscInt c = 0; c < dim; c++) {
    NbTensor w, adv, lap, a;
    PetscCall(NbTensorSlice(u, 0, 1, &w));
    PetscCall(NbTensorSlice(ux, c, c + 1, &a));
    PetscCall(NbTensorMul(w, a, &adv));
    PetscCall(NbTensorSlice(uxx, c, c + 1, &lap));
    if (dim == 2) {
      PetscCall(NbTensorSlice(u, 1, 2, &w));
      PetscCall(NbTensorSlice(uy, c, c + 1, &a));
      PetscCall(NbTensorMul(w, a, &a));
      PetscCall(NbTensorAdd(adv, a, &adv));
      PetscCall(NbTensorSlice(uyy, c, c + 1, &a));
      PetscCall(NbTensorAdd(lap, a, &lap));
    }
    PetscCall(NbTensorMul(adv, lam, &adv));
    PetscCall(NbTensorMul(lap, nu, &lap));
    PetscCall(NbTensorSlice(ut, c, c + 1, &a));
    PetscCall(NbTensorAdd(a, adv, &res[c]));
    PetscCall(NbTensorSub(res[c], lap, &res[c]));
  }
  *nres = dim;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 1-D: u = -sin(pi x) + (1 - x^2) t N(x, t) meets u(0, x) = -sin(pi x) and
   u(t, +-1) = 0 exactly (Lagaris, Likas & Fotiadis 1998). */
static PetscErrorCode Hard1d(void *ctx, NbTensor X, NbTensor N, NbTensor *U)
{
  NbTensor x, t, A, B;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &t));
  PetscCall(NbTensorScale(x, PETSC_PI, &A));
  PetscCall(NbTensorSin(A, &A));
  PetscCall(NbTensorScale(A, -1, &A));
  PetscCall(NbTensorSquare(x, &B));
  PetscCall(NbTensorAXPB(B, -1, 1, &B));
  PetscCall(NbTensorMul(B, t, &B));
  PetscCall(NbTensorMul(B, N, &B));
  PetscCall(NbTensorAdd(A, B, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 1-D Burgers in conservation form, u_t + (lambda u^2/2 - nu u_x)_x = 0:
   the flux across a face normal to x (cPINN). */
static PetscErrorCode Flux1d(void *ctx, NbTensor U, const NbTensor coef[], PetscInt axis, NbTensor *F)
{
  NbTensor u, ux, adv, diff;

  PetscFunctionBegin;
  PetscCheck(axis == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "1-D Burgers has one space axis");
  PetscCall(NbTensorJetComponent(U, "", &u));
  PetscCall(NbTensorJetComponent(U, "x", &ux));
  PetscCall(NbTensorMul(u, u, &adv));
  PetscCall(NbTensorMul(adv, coef[1], &adv));
  PetscCall(NbTensorScale(adv, 0.5, &adv));
  PetscCall(NbTensorMul(ux, coef[0], &diff));
  PetscCall(NbTensorSub(adv, diff, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Initial(void *ctx, const PetscReal x[], PetscReal u[])
{
  return NbBurgersInitialPoint((NbBurgers)ctx, x, u);
}

static PetscErrorCode Boundary(void *ctx, PetscReal t, const PetscReal x[], PetscReal u[])
{
  return NbBurgersBoundaryPoint((NbBurgers)ctx, t, x, u);
}

static PetscErrorCode PDE(NbProblem p, NbPDE *pde)
{
  NbBurgers b = (NbBurgers)p->solver;
  PetscInt  dim;
  PetscReal lo[2], hi[2], nu, T;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetViscosity(b, &nu));
  PetscCall(NbBurgersGetFinalTime(b, &T));
  pde->name = dim == 1 ? "1-D Burgers" : "2-D Burgers";
  pde->dim  = dim;
  pde->nout = dim;
  for (PetscInt d = 0; d < dim; d++) {
    pde->lo[d] = lo[d];
    pde->hi[d] = hi[d];
  }
  pde->lo[dim]         = 0;
  pde->hi[dim]         = T;
  pde->coords          = dim == 1 ? "x,t" : "x,y,t";
  pde->derivs          = dim == 1 ? "x,t,xx" : "x,y,t,xx,yy";
  pde->outnames[0]     = "u";
  pde->outnames[1]     = "v";
  pde->ncoef           = 2;
  pde->coefname[0]     = "nu";
  pde->coef[0]         = nu;
  pde->coefpositive[0] = PETSC_TRUE;
  pde->coefname[1]     = "lambda";
  pde->coef[1]         = 1;
  pde->residual        = Residual;
  pde->hard            = dim == 1 ? Hard1d : NULL;
  pde->flux            = dim == 1 ? Flux1d : NULL;
  pde->initial         = Initial;
  pde->boundary        = Boundary;
  pde->ctx             = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------- the problem */

static PetscErrorCode SetFromOptions_Burgers(NbProblem p)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersSetOptionsPrefix((NbBurgers)p->solver, p->prefix));
  PetscCall(NbBurgersSetFromOptions((NbBurgers)p->solver));
  PetscCall(PetscOptionsGetBool(NULL, p->prefix, "-burgers_view", &p->view, NULL)); /* the name of -problem_view before NbProblem */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_Burgers(NbProblem p)
{
  NbBurgers b = (NbBurgers)p->solver;
  PetscInt  nf;
  PetscReal lo[2], hi[2], T;
  DM        da;

  PetscFunctionBegin;
  PetscCall(NbBurgersSetUp(b));
  PetscCall(NbBurgersGetDimension(b, &p->dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetDM(b, &da));
  p->nout        = p->dim;
  p->outnames[0] = "u";
  p->outnames[1] = "v";
  p->velocity    = (PetscBool)(p->dim == 2);
  /* 2-D: the velocity on da, its components on a 1-dof copy */
  if (p->velocity) {
    p->da2 = da;
    PetscCall(DMDACreateCompatibleDMDA(da, 1, (DM *)&p->data));
    da = (DM)p->data;
  }
  PetscCall(NbProblemSetNodeGrid_Private(p, da, lo, hi));
  p->frameshint = "-burgers_frames 51";
  PetscCall(NbBurgersGetNumFrames(b, &nf));
  PetscCall(NbBurgersGetFinalTime(b, &T));
  PetscCall(NbProblemSetFrames_Private(p, nf, T));
  PetscCall(NbBurgersSetFrameMonitor(b, NbProblemMonitorFrame_Private, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve_Burgers(NbProblem p)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersSolveReference((NbBurgers)p->solver));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Reference_Burgers(NbProblem p, PetscInt k, PetscReal v[])
{
  Vec *U;
  DM   da;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames((NbBurgers)p->solver, NULL, NULL, &U));
  PetscCall(NbBurgersGetDM((NbBurgers)p->solver, &da));
  PetscCall(NbProblemGlobalToValues_Private(p, da, U[k], 0, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Exact_Burgers(NbProblem p, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(NbBurgersExactPoint((NbBurgers)p->solver, t, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteFrame_Burgers(NbProblem p, NbOutput out, PetscInt k)
{
  NbBurgers b = (NbBurgers)p->solver;
  Vec      *U, E;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, NULL, NULL, &U));
  PetscCall(NbBurgersWriteSolution(b, out, "", U[k]));
  PetscCall(VecDuplicate(U[k], &E));
  PetscCall(NbBurgersComputeExact(b, p->t[k], E));
  PetscCall(NbBurgersWriteSolution(b, out, "_exact", E));
  PetscCall(VecDestroy(&E));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteMetadata_Burgers(NbProblem p, NbOutput out)
{
  PetscReal nu;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetViscosity((NbBurgers)p->solver, &nu));
  PetscCall(NbOutputSetMetadataString(out, "problem", p->dim == 1 ? "burgers 1d: u_t + u u_x = nu u_xx on [-1,1], u0 = -sin(pi x)" : "burgers 2d: Fletcher (1983) exact solution on [0,1]^2"));
  PetscCall(NbOutputSetMetadataReal(out, "nu", nu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_Burgers(NbProblem p, NbReport rep)
{
  return NbBurgersReport((NbBurgers)p->solver, rep);
}

static PetscErrorCode View_Burgers(NbProblem p, PetscViewer v)
{
  return NbBurgersView((NbBurgers)p->solver, v);
}

static PetscErrorCode GetDM_Burgers(NbProblem p, DM *dm)
{
  return NbBurgersGetDM((NbBurgers)p->solver, dm);
}

/* du/dt = G(t, U) is M dU/dt + F(t, U) = 0 with M = I and F = -G. */
static PetscErrorCode Residual_Burgers(NbProblem p, PetscReal t, Vec U, Vec F)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersComputeRHS((NbBurgers)p->solver, t, U, F));
  PetscCall(VecScale(F, -1.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Jacobian_Burgers(NbProblem p, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersComputeRHSJacobian((NbBurgers)p->solver, t, U, J));
  PetscCall(MatScale(J, -1.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode StepResidual_Burgers(NbProblem p, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R)
{
  PetscFunctionBegin;
  PetscCall(Residual_Burgers(p, t, U, R));
  PetscCall(VecAXPBYPCZ(R, 1 / dt, -1 / dt, 1.0, U, Uold));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode StepJacobian_Burgers(NbProblem p, PetscReal t, PetscReal dt, Vec U, Mat J)
{
  PetscFunctionBegin;
  PetscCall(Jacobian_Burgers(p, t, U, J));
  PetscCall(MatShift(J, 1 / dt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Burgers(NbProblem p)
{
  PetscFunctionBegin;
  if (p->data) PetscCall(DMDestroy((DM *)&p->data));
  PetscCall(NbBurgersDestroy((NbBurgers *)&p->solver));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemCreate_Burgers(NbProblem p)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersCreate(p->comm, (NbBurgers *)&p->solver));
  p->ops.setfromoptions = SetFromOptions_Burgers;
  p->ops.setup          = SetUp_Burgers;
  p->ops.view           = View_Burgers;
  p->ops.destroy        = Destroy_Burgers;
  p->ops.solve          = Solve_Burgers;
  p->ops.pde            = PDE;
  p->ops.reference      = Reference_Burgers;
  p->ops.exact          = Exact_Burgers;
  p->ops.writemetadata  = WriteMetadata_Burgers;
  p->ops.writeframe     = WriteFrame_Burgers;
  p->ops.report         = Report_Burgers;
  p->ops.getdm          = GetDM_Burgers;
  p->ops.residual       = Residual_Burgers;
  p->ops.jacobian       = Jacobian_Burgers;
  p->ops.stepresidual   = StepResidual_Burgers;
  p->ops.stepjacobian   = StepJacobian_Burgers;
  PetscFunctionReturn(PETSC_SUCCESS);
}
