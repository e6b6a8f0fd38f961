/* Viscous Burgers on a DMDA: method of lines, second-order central
   differences, PETSc TS with an analytic Jacobian. */
#include "nbsolvers.h"
#include "nbsys.h"
#include "frames.h"

typedef struct {
  PetscScalar u, v;
} NbVel;

struct _p_NbBurgers {
  MPI_Comm       comm;
  PetscInt       dim;
  PetscReal      nu;
  PetscReal      tfinal;
  PetscInt       nframes;
  PetscReal      lower[2], upper[2];
  DM             da, da1; /* the solution's DMDA; a 1-component one for output */
  TS             ts;
  PetscBool      setupcalled, solved;
  char           prefix[64];
  NbFrames       frames;
  NbBurgersStats stats;
};

static PetscLogEvent NB_BurgersSolve, NB_BurgersExact;

/* ---------------------------------------------------------------- exact data */

/* Fletcher (1983): a = (-4x + 4y - t)/(32 nu),
   u = 3/4 - 1/(4(1+e^a)), v = 3/4 + 1/(4(1+e^a)); written with tanh/cosh so
   that no exponential overflows for small nu. */
static void FletcherExact(PetscReal nu, PetscReal t, const PetscReal x[], PetscReal u[], PetscReal ut[])
{
  PetscReal a = (-4 * x[0] + 4 * x[1] - t) / (32 * nu);
  PetscReal s = 0.5 * (1 - PetscTanhReal(0.5 * a)); /* 1/(1+e^a) */
  u[0]        = 0.75 - 0.25 * s;
  u[1]        = 0.75 + 0.25 * s;
  if (ut) {
    PetscReal c = PetscCoshReal(0.5 * a);
    PetscReal d = 0.25 / (4 * c * c) * (-1.0 / (32 * nu)); /* d/dt of -1/(4(1+e^a)) */
    ut[0]       = d;
    ut[1]       = -d;
  }
}

PetscErrorCode NbBurgersInitialPoint(NbBurgers b, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  if (b->dim == 1) u[0] = -PetscSinReal(PETSC_PI * x[0]);
  else FletcherExact(b->nu, 0, x, u, NULL);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersBoundaryPoint(NbBurgers b, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  if (b->dim == 1) u[0] = 0;
  else FletcherExact(b->nu, t, x, u, NULL);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersExactPoint(NbBurgers b, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  if (b->dim == 1) PetscCall(NbBurgersColeHopf(b->nu, t, x[0], &u[0]));
  else FletcherExact(b->nu, t, x, u, NULL);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NbBurgersFillPointwise(NbBurgers b, PetscReal t, PetscBool exact, Vec U)
{
  DMDALocalInfo info;
  PetscReal     hx, hy;

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(b->da, &info));
  hx = (b->upper[0] - b->lower[0]) / (info.mx - 1);
  if (b->dim == 1) {
    PetscScalar *u;
    PetscCall(DMDAVecGetArray(b->da, U, &u));
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      PetscReal x[1] = {b->lower[0] + i * hx}, val[1];
      if (exact) PetscCall(NbBurgersExactPoint(b, t, x, val));
      else PetscCall(NbBurgersInitialPoint(b, x, val));
      u[i] = val[0];
    }
    PetscCall(DMDAVecRestoreArray(b->da, U, &u));
  } else {
    NbVel **u;
    hy = (b->upper[1] - b->lower[1]) / (info.my - 1);
    PetscCall(DMDAVecGetArray(b->da, U, &u));
    for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
      for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
        PetscReal x[2] = {b->lower[0] + i * hx, b->lower[1] + j * hy}, val[2];
        if (exact) PetscCall(NbBurgersExactPoint(b, t, x, val));
        else PetscCall(NbBurgersInitialPoint(b, x, val));
        u[j][i].u = val[0];
        u[j][i].v = val[1];
      }
    PetscCall(DMDAVecRestoreArray(b->da, U, &u));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersComputeExact(NbBurgers b, PetscReal t, Vec U)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_BurgersExact, 0, 0, 0, 0));
  PetscCall(NbBurgersFillPointwise(b, t, PETSC_TRUE, U));
  PetscCall(PetscLogEventEnd(NB_BurgersExact, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersComputeInitial(NbBurgers b, Vec U)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersFillPointwise(b, 0, PETSC_FALSE, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------- discrete operator

   1-D, interior node i (conservative central flux, second order):
     G_i = -(u_{i+1}^2 - u_{i-1}^2)/(4h) + nu (u_{i+1} - 2u_i + u_{i-1})/h^2
   2-D, interior node (i,j), advective form:
     G = -(u d_x + v d_y)(u, v) + nu Lap (u, v), d_x = (.)_{i+1}-(.)_{i-1} / 2hx.
   Boundary nodes follow the Dirichlet data as ODEs, du/dt = dg/dt, so every
   TS (explicit or implicit) integrates the same system and the boundary
   values stay exact to the integrator's accuracy. */

static PetscErrorCode RHSLocal1d(DMDALocalInfo *info, PetscReal t, const PetscScalar *u, PetscScalar *f, NbBurgers b)
{
  PetscReal h = (b->upper[0] - b->lower[0]) / (info->mx - 1), nu = b->nu;

  PetscFunctionBegin;
  for (PetscInt i = info->xs; i < info->xs + info->xm; i++) {
    if (i == 0 || i == info->mx - 1) f[i] = 0;
    else f[i] = -(u[i + 1] * u[i + 1] - u[i - 1] * u[i - 1]) / (4 * h) + nu * (u[i + 1] - 2 * u[i] + u[i - 1]) / (h * h);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Final assembly of the preconditioning matrix P and of A if it differs. */
static PetscErrorCode AssembleAP(Mat A, Mat P)
{
  PetscFunctionBegin;
  PetscCall(MatAssemblyBegin(P, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(P, MAT_FINAL_ASSEMBLY));
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHSJacobianLocal1d(DMDALocalInfo *info, PetscReal t, const PetscScalar *u, Mat A, Mat P, NbBurgers b)
{
  PetscReal h = (b->upper[0] - b->lower[0]) / (info->mx - 1), nu = b->nu;

  PetscFunctionBegin;
  for (PetscInt i = info->xs; i < info->xs + info->xm; i++) {
    MatStencil row = {.i = i}, col[3];
    PetscScalar vals[3];
    if (i == 0 || i == info->mx - 1) {
      col[0].i = i;
      vals[0]  = 0;
      PetscCall(MatSetValuesStencil(P, 1, &row, 1, col, vals, INSERT_VALUES));
      continue;
    }
    col[0].i = i - 1;
    col[1].i = i;
    col[2].i = i + 1;
    vals[0]  = u[i - 1] / (2 * h) + nu / (h * h);
    vals[1]  = -2 * nu / (h * h);
    vals[2]  = -u[i + 1] / (2 * h) + nu / (h * h);
    PetscCall(MatSetValuesStencil(P, 1, &row, 3, col, vals, INSERT_VALUES));
  }
  PetscCall(AssembleAP(A, P));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHSLocal2d(DMDALocalInfo *info, PetscReal t, const NbVel **w, NbVel **f, NbBurgers b)
{
  PetscReal hx = (b->upper[0] - b->lower[0]) / (info->mx - 1), hy = (b->upper[1] - b->lower[1]) / (info->my - 1), nu = b->nu;

  PetscFunctionBegin;
  for (PetscInt j = info->ys; j < info->ys + info->ym; j++)
    for (PetscInt i = info->xs; i < info->xs + info->xm; i++) {
      if (i == 0 || j == 0 || i == info->mx - 1 || j == info->my - 1) {
        PetscReal x[2] = {b->lower[0] + i * hx, b->lower[1] + j * hy}, g[2], gt[2];
        FletcherExact(nu, t, x, g, gt);
        f[j][i].u = gt[0];
        f[j][i].v = gt[1];
        continue;
      }
      PetscScalar u = w[j][i].u, v = w[j][i].v;
      PetscScalar ux = (w[j][i + 1].u - w[j][i - 1].u) / (2 * hx), uy = (w[j + 1][i].u - w[j - 1][i].u) / (2 * hy);
      PetscScalar vx = (w[j][i + 1].v - w[j][i - 1].v) / (2 * hx), vy = (w[j + 1][i].v - w[j - 1][i].v) / (2 * hy);
      PetscScalar lu = (w[j][i + 1].u - 2 * u + w[j][i - 1].u) / (hx * hx) + (w[j + 1][i].u - 2 * u + w[j - 1][i].u) / (hy * hy);
      PetscScalar lv = (w[j][i + 1].v - 2 * v + w[j][i - 1].v) / (hx * hx) + (w[j + 1][i].v - 2 * v + w[j - 1][i].v) / (hy * hy);
      f[j][i].u      = -(u * ux + v * uy) + nu * lu;
      f[j][i].v      = -(u * vx + v * vy) + nu * lv;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHSJacobianLocal2d(DMDALocalInfo *info, PetscReal t, const NbVel **w, Mat A, Mat P, NbBurgers b)
{
  PetscReal hx = (b->upper[0] - b->lower[0]) / (info->mx - 1), hy = (b->upper[1] - b->lower[1]) / (info->my - 1), nu = b->nu;
  PetscReal cx = nu / (hx * hx), cy = nu / (hy * hy);

  PetscFunctionBegin;
  for (PetscInt j = info->ys; j < info->ys + info->ym; j++)
    for (PetscInt i = info->xs; i < info->xs + info->xm; i++) {
      MatStencil  row, col[6];
      PetscScalar vals[6];
      if (i == 0 || j == 0 || i == info->mx - 1 || j == info->my - 1) {
        for (PetscInt c = 0; c < 2; c++) {
          row.i = i, row.j = j, row.c = c;
          vals[0] = 0;
          PetscCall(MatSetValuesStencil(P, 1, &row, 1, &row, vals, INSERT_VALUES));
        }
        continue;
      }
      PetscScalar u = w[j][i].u, v = w[j][i].v;
      PetscScalar ux = (w[j][i + 1].u - w[j][i - 1].u) / (2 * hx), uy = (w[j + 1][i].u - w[j - 1][i].u) / (2 * hy);
      PetscScalar vx = (w[j][i + 1].v - w[j][i - 1].v) / (2 * hx), vy = (w[j + 1][i].v - w[j - 1][i].v) / (2 * hy);
      for (PetscInt c = 0; c < 2; c++) {
        /* row c: G_c = -(u d_x + v d_y) w_c + nu Lap w_c */
        PetscScalar dcx = c == 0 ? ux : vx, dcy = c == 0 ? uy : vy;
        row.i = i, row.j = j, row.c = c;
        col[0] = (MatStencil){.i = i - 1, .j = j, .c = c};
        vals[0] = u / (2 * hx) + cx;
        col[1] = (MatStencil){.i = i + 1, .j = j, .c = c};
        vals[1] = -u / (2 * hx) + cx;
        col[2] = (MatStencil){.i = i, .j = j - 1, .c = c};
        vals[2] = v / (2 * hy) + cy;
        col[3] = (MatStencil){.i = i, .j = j + 1, .c = c};
        vals[3] = -v / (2 * hy) + cy;
        /* d/du_ij and d/dv_ij of the centre */
        col[4] = (MatStencil){.i = i, .j = j, .c = 0};
        vals[4] = -dcx + (c == 0 ? -2 * (cx + cy) : 0);
        col[5] = (MatStencil){.i = i, .j = j, .c = 1};
        vals[5] = -dcy + (c == 1 ? -2 * (cx + cy) : 0);
        PetscCall(MatSetValuesStencil(P, 1, &row, 6, col, vals, INSERT_VALUES));
      }
    }
  PetscCall(AssembleAP(A, P));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersComputeRHS(NbBurgers b, PetscReal t, Vec U, Vec G)
{
  PetscFunctionBegin;
  PetscCall(TSComputeRHSFunction(b->ts, t, U, G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersComputeRHSJacobian(NbBurgers b, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBegin;
  PetscCall(TSComputeRHSJacobian(b->ts, t, U, J, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -------------------------------------------------------------- life cycle */

PetscErrorCode NbBurgersCreate(MPI_Comm comm, NbBurgers *bout)
{
  const char *const   events[] = {"NbBurgersSolve", "NbBurgersExact"};
  PetscLogEvent *const ev[]     = {&NB_BurgersSolve, &NB_BurgersExact};
  NbBurgers            b;

  PetscFunctionBegin;
  PetscCall(NbRegisterEvents(2, events, ev));
  PetscCall(PetscNew(&b));
  b->comm    = comm;
  b->dim     = 1;
  b->nu      = 0.01 / PETSC_PI;
  b->tfinal  = 1.0;
  b->nframes = 11;
  *bout      = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersSetOptionsPrefix(NbBurgers b, const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(b->prefix, prefix ? prefix : "", sizeof(b->prefix)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersSetFrameMonitor(NbBurgers b, PetscErrorCode (*monitor)(PetscInt, PetscReal, double, void *), void *ctx)
{
  PetscFunctionBegin;
  b->frames.monitor = monitor;
  b->frames.monctx  = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersSetFromOptions(NbBurgers b)
{
  PetscFunctionBegin;
  PetscOptionsBegin(b->comm, b->prefix, "Viscous Burgers reference problem", "NbBurgers");
  PetscCall(PetscOptionsInt("-burgers_dim", "Space dimension: 1 (u(0,x) = -sin(pi x) on [-1,1]) or 2 (Fletcher's exact solution on [0,1]^2)", "NbBurgersSetFromOptions", b->dim, &b->dim, NULL));
  PetscCall(PetscOptionsReal("-burgers_nu", "Viscosity nu > 0", "NbBurgersSetFromOptions", b->nu, &b->nu, NULL));
  PetscCall(PetscOptionsInt("-burgers_frames", "Number of output times, equally spaced from 0 to -ts_max_time (>= 2)", "NbBurgersSetFromOptions", b->nframes, &b->nframes, NULL));
  PetscOptionsEnd();
  PetscCheck(b->dim == 1 || b->dim == 2, b->comm, PETSC_ERR_USER_INPUT, "-burgers_dim %d is not supported: use 1 or 2", (int)b->dim);
  PetscCheck(b->nu > 0, b->comm, PETSC_ERR_USER_INPUT, "-burgers_nu %g: the viscosity must be positive (default 0.01/pi = %g)", (double)b->nu, 0.01 / PETSC_PI);
  PetscCheck(b->nframes >= 2, b->comm, PETSC_ERR_USER_INPUT, "-burgers_frames %d: at least 2 output times (t = 0 and the final time) are needed", (int)b->nframes);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersSetUp(NbBurgers b)
{
  PetscInt mx, my = 1, nmin = 5;
  SNES     snes;
  KSP      ksp;

  PetscFunctionBegin;
  if (b->setupcalled) PetscFunctionReturn(PETSC_SUCCESS);
  if (b->dim == 1) {
    b->lower[0] = -1;
    b->upper[0] = 1;
    /* 4097 nodes: the central scheme resolves the t = 1 front (width ~ 2 nu
       = 0.0064 at the default nu) to a relative L2 error below 1e-4. */
    PetscCall(DMDACreate1d(b->comm, DM_BOUNDARY_NONE, 4097, 1, 1, NULL, &b->da));
  } else {
    b->lower[0] = b->lower[1] = 0;
    b->upper[0] = b->upper[1] = 1;
    PetscCall(DMDACreate2d(b->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, 129, 129, PETSC_DECIDE, PETSC_DECIDE, 2, 1, NULL, NULL, &b->da));
  }
  if (b->prefix[0]) PetscCall(DMSetOptionsPrefix(b->da, b->prefix));
  PetscCall(DMSetFromOptions(b->da));
  PetscCall(DMSetUp(b->da));
  PetscCall(DMDAGetInfo(b->da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(mx >= nmin && (b->dim == 1 || my >= nmin), b->comm, PETSC_ERR_USER_INPUT, "Grid %d x %d is too small: use at least %d nodes per direction (-da_grid_x%s)", (int)mx, (int)(b->dim == 1 ? 1 : my), (int)nmin, b->dim == 2 ? ", -da_grid_y" : "");
  PetscCall(DMDASetUniformCoordinates(b->da, b->lower[0], b->upper[0], b->lower[1], b->upper[1], 0, 0));
  if (b->dim == 1) {
    PetscCall(DMDASetFieldName(b->da, 0, "u"));
  } else {
    PetscCall(DMDASetFieldName(b->da, 0, "u"));
    PetscCall(DMDASetFieldName(b->da, 1, "v"));
    PetscCall(DMDACreateCompatibleDMDA(b->da, 1, &b->da1));
  }

  PetscCall(TSCreate(b->comm, &b->ts));
  if (b->prefix[0]) PetscCall(TSSetOptionsPrefix(b->ts, b->prefix));
  PetscCall(TSSetDM(b->ts, b->da));
  PetscCall(TSSetProblemType(b->ts, TS_NONLINEAR));
  if (b->dim == 1) {
    PetscCall(DMDATSSetRHSFunctionLocal(b->da, INSERT_VALUES, (DMDATSRHSFunctionLocal)RHSLocal1d, b));
    PetscCall(DMDATSSetRHSJacobianLocal(b->da, (DMDATSRHSJacobianLocal)RHSJacobianLocal1d, b));
  } else {
    PetscCall(DMDATSSetRHSFunctionLocal(b->da, INSERT_VALUES, (DMDATSRHSFunctionLocal)RHSLocal2d, b));
    PetscCall(DMDATSSetRHSJacobianLocal(b->da, (DMDATSRHSJacobianLocal)RHSJacobianLocal2d, b));
  }
  /* Default integrator: adaptive BDF (implicit, stiff-stable), tolerances
     tight enough that time error stays well below the space error. */
  PetscCall(TSSetType(b->ts, TSBDF));
  PetscCall(TSBDFSetOrder(b->ts, 2));
  PetscCall(TSSetTimeStep(b->ts, 1e-4));
  PetscCall(TSSetMaxTime(b->ts, b->tfinal));
  PetscCall(TSSetMaxSteps(b->ts, PETSC_MAX_INT));
  PetscCall(TSSetExactFinalTime(b->ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetTolerances(b->ts, 1e-7, NULL, 1e-7, NULL));
  PetscCall(TSGetSNES(b->ts, &snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(SNESSetTolerances(snes, 1e-12, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(KSPSetTolerances(ksp, 1e-10, 1e-14, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(TSSetFromOptions(b->ts));
  PetscCall(TSGetMaxTime(b->ts, &b->tfinal));
  PetscCheck(b->tfinal > 0, b->comm, PETSC_ERR_USER_INPUT, "-ts_max_time %g: the final time must be positive", (double)b->tfinal);
  b->setupcalled = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersView(NbBurgers b, PetscViewer viewer)
{
  PetscInt mx, my;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(b->comm, &viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbBurgers: %dD viscous Burgers, nu = %g, t in [0, %g], %d output frames\n", (int)b->dim, (double)b->nu, (double)b->tfinal, (int)b->nframes));
  if (b->setupcalled) {
    PetscCall(DMDAGetInfo(b->da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    PetscCall(PetscViewerASCIIPushTab(viewer));
    if (b->dim == 1) PetscCall(PetscViewerASCIIPrintf(viewer, "grid: %d nodes on [-1, 1], h = %g\n", (int)mx, (double)(2.0 / (mx - 1))));
    else PetscCall(PetscViewerASCIIPrintf(viewer, "grid: %d x %d nodes on [0, 1]^2\n", (int)mx, (int)my));
    PetscCall(TSView(b->ts, viewer));
    PetscCall(PetscViewerASCIIPopTab(viewer));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersDestroy(NbBurgers *bp)
{
  NbBurgers b = *bp;

  PetscFunctionBegin;
  if (!b) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbFramesDestroy(&b->frames));
  PetscCall(TSDestroy(&b->ts));
  PetscCall(DMDestroy(&b->da1));
  PetscCall(DMDestroy(&b->da));
  PetscCall(PetscFree(b));
  *bp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- accessors */

PetscErrorCode NbBurgersGetDM(NbBurgers b, DM *da)
{
  PetscFunctionBegin;
  PetscCheck(b->setupcalled, b->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbBurgersSetUp() first");
  *da = b->da;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetTS(NbBurgers b, TS *ts)
{
  PetscFunctionBegin;
  PetscCheck(b->setupcalled, b->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbBurgersSetUp() first");
  *ts = b->ts;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetDimension(NbBurgers b, PetscInt *dim)
{
  PetscFunctionBegin;
  *dim = b->dim;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetViscosity(NbBurgers b, PetscReal *nu)
{
  PetscFunctionBegin;
  *nu = b->nu;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetNumFrames(NbBurgers b, PetscInt *n)
{
  PetscFunctionBegin;
  *n = b->nframes;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetFinalTime(NbBurgers b, PetscReal *t)
{
  PetscFunctionBegin;
  *t = b->tfinal;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetDomain(NbBurgers b, PetscReal lower[], PetscReal upper[])
{
  PetscFunctionBegin;
  PetscCheck(b->setupcalled, b->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbBurgersSetUp() first");
  for (PetscInt d = 0; d < b->dim; d++) {
    lower[d] = b->lower[d];
    upper[d] = b->upper[d];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------- reference run */

PetscErrorCode NbBurgersRelativeError(NbBurgers b, PetscReal t, Vec U, PetscReal *err)
{
  Vec E, D;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(U, &E));
  PetscCall(VecDuplicate(U, &D));
  PetscCall(NbBurgersComputeExact(b, t, E));
  PetscCall(VecWAXPY(D, -1.0, U, E));
  PetscCall(NbRelativeError(E, D, NULL, err));
  PetscCall(VecDestroy(&E));
  PetscCall(VecDestroy(&D));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersSolveReference(NbBurgers b)
{
  Vec    U;
  double t0;

  PetscFunctionBegin;
  PetscCall(NbBurgersSetUp(b));
  PetscCheck(!b->solved, b->comm, PETSC_ERR_ARG_WRONGSTATE, "The reference solution has already been computed");
  PetscCall(DMCreateGlobalVector(b->da, &U));
  PetscCall(PetscObjectSetName((PetscObject)U, "u"));
  PetscCall(NbBurgersComputeInitial(b, U));
  PetscCall(TSSetTime(b->ts, 0.0));
  PetscCall(TSSetStepNumber(b->ts, 0));
  b->stats.err_max   = 0;
  b->stats.err_final = -1;

  PetscCall(PetscLogEventBegin(NB_BurgersSolve, 0, 0, 0, 0));
  t0 = NbFramesStart(&b->frames);
  PetscCall(NbFramesKeep(&b->frames, 0, U));
  for (PetscInt k = 1; k < b->nframes; k++) {
    TSConvergedReason reason;
    PetscReal         tk = b->tfinal * k / (b->nframes - 1), t, nrm;

    PetscCall(TSSetMaxTime(b->ts, tk));
    PetscCall(TSSolve(b->ts, U));
    PetscCall(TSGetConvergedReason(b->ts, &reason));
    PetscCall(TSGetTime(b->ts, &t));
    PetscCheck(reason >= 0, b->comm, PETSC_ERR_NOT_CONVERGED, "Burgers time integration failed at t = %g (%s): try a smaller -ts_dt, a tighter -ts_rtol, or a finer grid", (double)t, TSConvergedReasons[reason]);
    PetscCall(VecNorm(U, NORM_INFINITY, &nrm));
    PetscCheck(!PetscIsInfOrNanReal(nrm), b->comm, PETSC_ERR_FP, "Burgers solution is not finite at t = %g: the time step is too large for this integrator; use a smaller -ts_dt or an implicit -ts_type such as bdf", (double)t);
    PetscCheck(PetscAbsReal(t - tk) <= 1e-10 * PetscMax(1.0, tk), b->comm, PETSC_ERR_PLIB, "TS stopped at t = %g instead of the output time %g (-ts_max_steps too small?)", (double)t, (double)tk);
    PetscCall(NbFramesKeep(&b->frames, tk, U));
  }
  b->stats.wall = NbWallTime() - t0;
  PetscCall(PetscLogEventEnd(NB_BurgersSolve, 0, 0, 0, 0));
  PetscCall(TSGetStepNumber(b->ts, &b->stats.steps));
  PetscCall(TSGetStepRejections(b->ts, &b->stats.rejected));
  for (PetscInt k = 1; k < b->nframes; k++) {
    PetscReal e;
    PetscCall(NbBurgersRelativeError(b, b->frames.t[k], b->frames.U[k], &e));
    b->stats.err_max = PetscMax(b->stats.err_max, e);
    if (k == b->nframes - 1) b->stats.err_final = e;
  }
  PetscCall(VecDestroy(&U));
  b->solved = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetFrames(NbBurgers b, PetscInt *n, const PetscReal *t[], Vec *u[])
{
  PetscFunctionBegin;
  PetscCheck(b->solved, b->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbBurgersSolveReference() first");
  PetscCall(NbFramesGet(&b->frames, n, t, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersGetStats(NbBurgers b, NbBurgersStats *s)
{
  PetscFunctionBegin;
  PetscCheck(b->solved, b->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbBurgersSolveReference() first");
  *s = b->stats;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ output */

PetscErrorCode NbBurgersWriteSolution(NbBurgers b, NbOutput out, const char suffix[], Vec U)
{
  const char *comp[2] = {"u", "v"};
  Vec         c;

  PetscFunctionBegin;
  if (b->dim == 1) PetscCall(NbWriteFieldSuffixed(out, "u", suffix, U));
  else {
    PetscCall(DMGetGlobalVector(b->da1, &c));
    for (PetscInt k = 0; k < 2; k++) {
      PetscCall(VecStrideGather(U, k, c, INSERT_VALUES));
      PetscCall(NbWriteFieldSuffixed(out, comp[k], suffix, c));
    }
    PetscCall(DMRestoreGlobalVector(b->da1, &c));
    PetscCall(NbWriteFieldSuffixed(out, "velocity", suffix, U));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersReport(NbBurgers b, NbReport rep)
{
  PetscInt    mx, my;
  PetscMPIInt size;
  char        grid[64];
  TSType      type;

  PetscFunctionBegin;
  PetscCheck(b->solved, b->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbBurgersSolveReference() first");
  PetscCallMPI(MPI_Comm_size(b->comm, &size));
  PetscCall(DMDAGetInfo(b->da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (b->dim == 1) PetscCall(PetscSNPrintf(grid, sizeof(grid), "%d nodes", (int)mx));
  else PetscCall(PetscSNPrintf(grid, sizeof(grid), "%d x %d nodes", (int)mx, (int)my));
  PetscCall(TSGetType(b->ts, &type));
  PetscCall(NbReportAddString(rep, "grid", grid));
  PetscCall(NbReportAddInt(rep, "ranks", size));
  PetscCall(NbReportAddReal(rep, "nu", "%.6g", b->nu));
  PetscCall(NbReportAddReal(rep, "final time", "%g", b->tfinal));
  PetscCall(NbReportAddString(rep, "time integrator", type));
  PetscCall(NbReportAddInt(rep, "time steps", b->stats.steps));
  PetscCall(NbReportAddInt(rep, "rejected steps", b->stats.rejected));
  PetscCall(NbReportAddReal(rep, "reference wall time [s]", "%.3f", b->stats.wall));
  PetscCall(NbReportAddReal(rep, b->dim == 1 ? "rel. L2 error of u vs exact, final time" : "rel. L2 error of (u,v) vs exact, final time", "%.3e", b->stats.err_final));
  PetscCall(NbReportAddReal(rep, "max rel. L2 error vs exact, all frames", "%.3e", b->stats.err_max));
  PetscFunctionReturn(PETSC_SUCCESS);
}
