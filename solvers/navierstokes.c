/* The NbNavierStokes object: options, the MAC grid, accessors, the public
   operator entry points, and output. The operator is in ns_operator.c, the
   cases in ns_cases.c, the two reference solvers in ns_newton.c and
   ns_projection.c. */
#include "ns_impl.h"

PetscLogEvent NB_NSSolve = 0, NB_NSResidual, NB_NSJacobian, NB_NSStep, NB_NSPressure, NB_NSVelocity, NB_NSOutput;

/* -------------------------------------------------------------- life cycle */

PetscErrorCode NbNavierStokesCreate(MPI_Comm comm, NbNavierStokes *nsout)
{
  const char *const   events[] = {"NbNSSolve", "NbNSResidual", "NbNSJacobian", "NbNSStep", "NbNSVelocitySolve", "NbNSPressureSolve", "NbNSOutput"};
  PetscLogEvent *const ev[]     = {&NB_NSSolve, &NB_NSResidual, &NB_NSJacobian, &NB_NSStep, &NB_NSVelocity, &NB_NSPressure, &NB_NSOutput};
  NbNavierStokes       ns;

  PetscFunctionBegin;
  PetscCall(NbRegisterEvents(7, events, ev));
  PetscCall(PetscNew(&ns));
  ns->comm       = comm;
  ns->nframes    = 11;
  ns->cfl        = 0.5;
  ns->maxsteps   = PETSC_MAX_INT;
  ns->steady_tol = 1e-8;
  ns->re_start   = 100;
  ns->seed       = 1;
  PetscCall(PetscStrncpy(ns->steadysolver, "newton", sizeof(ns->steadysolver)));
  PetscCall(NbNSCaseSetUp(ns, "cavity"));
  *nsout = ns;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesSetFromOptions(NbNavierStokes ns)
{
  PetscFunctionList cases;
  char              name[64];
  const char       *solvers[] = {"newton", "march"};
  PetscInt          isolver = 0;
  PetscBool         set;

  PetscFunctionBegin;
  PetscCheck(!ns->setupcalled, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNavierStokesSetFromOptions() before NbNavierStokesSetUp()");
  PetscCall(NbNSCaseGetList(&cases));
  PetscCall(PetscStrncpy(name, ns->casename, sizeof(name)));
  PetscOptionsBegin(ns->comm, NULL, "Navier-Stokes reference problem", "NbNavierStokes");
  PetscCall(PetscOptionsFList("-ns_case", "Flow case", "NbNavierStokesSetFromOptions", cases, name, name, sizeof(name), NULL));
  PetscOptionsEnd();
  PetscCall(NbNSCaseSetUp(ns, name));

  ns->re     = ns->c.re;
  ns->drag   = ns->c.drag;
  ns->steady = ns->c.steady;
  ns->tfinal = ns->c.tfinal;
  PetscOptionsBegin(ns->comm, NULL, "Navier-Stokes parameters and solvers", "NbNavierStokes");
  PetscCall(PetscOptionsReal("-ns_re", "Reynolds number Re > 0; the viscosity is nu = 1/Re (unit length and velocity scales)", "NbNavierStokesSetFromOptions", ns->re, &ns->re, NULL));
  PetscCall(PetscOptionsReal("-ns_drag", "Linear drag coefficient a >= 0 (momentum sink -a u)", "NbNavierStokesSetFromOptions", ns->drag, &ns->drag, NULL));
  PetscCall(PetscOptionsBool("-ns_steady", "Solve for the steady state (default: the case's)", "NbNavierStokesSetFromOptions", ns->steady, &ns->steady, NULL));
  PetscCall(PetscOptionsEList("-ns_steady_solver", "Steady solver: Newton on F(U) = 0, or time marching until ||F(U)|| < -ns_steady_tol", "NbNavierStokesSetFromOptions", solvers, 2, ns->steadysolver, &isolver, &set));
  if (set) PetscCall(PetscStrncpy(ns->steadysolver, solvers[isolver], sizeof(ns->steadysolver)));
  PetscCall(PetscOptionsReal("-ns_steady_tol", "Steady state: stop time marching when ||F(U)||_inf falls below this", "NbNavierStokesSetFromOptions", ns->steady_tol, &ns->steady_tol, NULL));
  PetscCall(PetscOptionsReal("-ns_re_start", "Newton: Reynolds-number continuation starts here when -ns_re is larger", "NbNavierStokesSetFromOptions", ns->re_start, &ns->re_start, NULL));
  PetscCall(PetscOptionsInt("-ns_frames", "Number of output times, equally spaced from 0 to -ts_max_time (>= 2)", "NbNavierStokesSetFromOptions", ns->nframes, &ns->nframes, NULL));
  PetscCall(PetscOptionsReal("-ns_cfl", "Default time step: CFL number times h / velocity scale (when -ts_dt is not given)", "NbNavierStokesSetFromOptions", ns->cfl, &ns->cfl, NULL));
  PetscOptionsEnd();
  PetscCheck(ns->re > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ns_re %g: the Reynolds number must be positive (nu = 1/Re); the %s case uses %g by default", (double)ns->re, ns->casename, (double)ns->c.re);
  PetscCheck(ns->drag >= 0, ns->comm, PETSC_ERR_USER_INPUT, "-ns_drag %g: the drag coefficient must not be negative", (double)ns->drag);
  PetscCheck(ns->nframes >= 2, ns->comm, PETSC_ERR_USER_INPUT, "-ns_frames %d: at least 2 output times (t = 0 and the final time) are needed", (int)ns->nframes);
  PetscCheck(ns->cfl > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ns_cfl %g must be positive", (double)ns->cfl);
  PetscCheck(ns->steady_tol > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ns_steady_tol %g must be positive", (double)ns->steady_tol);
  PetscCheck(ns->re_start > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ns_re_start %g must be positive", (double)ns->re_start);
  ns->nu = 1.0 / ns->re;
  if (ns->c.setfromoptions) PetscCall(ns->c.setfromoptions(ns));

  /* Time stepping: the names of PETSc's TS options, for the projection method */
  ns->dt = 0;
  PetscOptionsBegin(ns->comm, NULL, "Navier-Stokes time stepping (projection method)", "NbNavierStokes");
  PetscCall(PetscOptionsReal("-ts_dt", "Time step (default: -ns_cfl h / velocity scale, rounded to hit the output times)", "NbNavierStokesSetFromOptions", ns->dt, &ns->dt, &ns->dt_set));
  PetscCall(PetscOptionsReal("-ts_max_time", "Final time", "NbNavierStokesSetFromOptions", ns->tfinal, &ns->tfinal, NULL));
  PetscCall(PetscOptionsInt("-ts_max_steps", "Largest number of time steps", "NbNavierStokesSetFromOptions", ns->maxsteps, &ns->maxsteps, NULL));
  PetscOptionsEnd();
  PetscCheck(!ns->dt_set || ns->dt > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ts_dt %g: the time step must be positive", (double)ns->dt);
  PetscCheck(ns->tfinal > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ts_max_time %g: the final time must be positive", (double)ns->tfinal);
  PetscCheck(ns->maxsteps > 0, ns->comm, PETSC_ERR_USER_INPUT, "-ts_max_steps %d must be positive", (int)ns->maxsteps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A process grid m x n = size with m <= M and n <= N (DMStag needs a cell per
   rank in each direction), as square subdomains as possible. */
static PetscErrorCode ChooseRanks(NbNavierStokes ns, PetscMPIInt size, PetscInt *mr, PetscInt *nr)
{
  PetscReal best = PETSC_MAX_REAL;
  PetscInt  bm = -1, bn = -1;

  PetscFunctionBegin;
  for (PetscInt m = 1; m <= size; m++) {
    PetscInt n = size / m;
    if (m * n != size) continue;
    if (*mr > 0 && m != *mr) continue;
    if (*nr > 0 && n != *nr) continue;
    if (m > ns->M || n > ns->N) continue;
    {
      PetscReal perim = (PetscReal)ns->M / m + (PetscReal)ns->N / n;
      if (perim < best) {
        best = perim;
        bm   = m;
        bn   = n;
      }
    }
  }
  PetscCheck(bm > 0, ns->comm, PETSC_ERR_USER_INPUT,
             "Grid %d x %d cells cannot be split over %d MPI ranks: DMStag needs m x n = %d ranks with at least one cell per rank in each direction (m <= %d, n <= %d)%s. Use a finer grid (-stag_grid_x, -stag_grid_y) or fewer ranks",
             (int)ns->M, (int)ns->N, (int)size, (int)size, (int)ns->M, (int)ns->N, (*mr > 0 || *nr > 0) ? " and the given -stag_ranks_x/-stag_ranks_y" : "");
  *mr = bm;
  *nr = bn;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesSetUp(NbNavierStokes ns)
{
  DMBoundaryType  bt = ns->c.periodic ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE, bx, by;
  PetscInt        d0, d1, d2, sw, mr, nr;
  DMStagStencilType st;
  PetscMPIInt     size;
  const PetscInt *lx, *ly;

  PetscFunctionBegin;
  if (ns->setupcalled) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Comm_size(ns->comm, &size));
  PetscCall(DMStagCreate2d(ns->comm, bt, bt, ns->c.grid[0], ns->c.grid[1], PETSC_DECIDE, PETSC_DECIDE, 0, 1, 1, DMSTAG_STENCIL_BOX, 1, NULL, NULL, &ns->dm));
  PetscCall(DMSetFromOptions(ns->dm));
  PetscCall(DMStagGetGlobalSizes(ns->dm, &ns->M, &ns->N, NULL));
  PetscCall(DMStagGetBoundaryTypes(ns->dm, &bx, &by, NULL));
  PetscCall(DMStagGetDOF(ns->dm, &d0, &d1, &d2, NULL));
  PetscCall(DMStagGetStencilWidth(ns->dm, &sw));
  PetscCall(DMStagGetStencilType(ns->dm, &st));
  PetscCheck(bx == bt && by == bt, ns->comm, PETSC_ERR_USER_INPUT, "-stag_boundary_type_x/y: the boundary types are set by -ns_case %s (%s); do not override them", ns->casename, ns->c.periodic ? "periodic" : "walls");
  PetscCheck(d0 == 0 && d1 == 1 && d2 == 1, ns->comm, PETSC_ERR_USER_INPUT, "-stag_dof_0/1/2: the MAC grid has dof 0, 1, 1; do not override them");
  PetscCheck(sw >= 1 && st == DMSTAG_STENCIL_BOX, ns->comm, PETSC_ERR_USER_INPUT, "-stag_stencil_width/-stag_stencil_type: the operator needs a box stencil of width >= 1");
  PetscCheck(ns->M >= 4 && ns->N >= 4, ns->comm, PETSC_ERR_USER_INPUT, "Grid %d x %d is too small: use at least 4 cells per direction (-stag_grid_x, -stag_grid_y)", (int)ns->M, (int)ns->N);
  PetscCall(DMStagGetNumRanks(ns->dm, &mr, &nr, NULL));
  PetscCall(ChooseRanks(ns, size, &mr, &nr));
  PetscCall(DMStagSetNumRanks(ns->dm, mr, nr, PETSC_DECIDE));
  PetscCall(DMSetUp(ns->dm));
  PetscCall(DMStagSetUniformCoordinatesProduct(ns->dm, ns->c.lower[0], ns->c.upper[0], ns->c.lower[1], ns->c.upper[1], 0, 0));
  ns->hx = (ns->c.upper[0] - ns->c.lower[0]) / ns->M;
  ns->hy = (ns->c.upper[1] - ns->c.lower[1]) / ns->N;
  PetscCall(DMStagCreateCompatibleDMStag(ns->dm, 0, 1, 0, 0, &ns->dmU));
  PetscCall(DMStagCreateCompatibleDMStag(ns->dm, 0, 0, 1, 0, &ns->dmP));
  PetscCall(NbNSBuildFieldMaps(ns));

  /* cell centres: a DMDA with the DMStag's partition, so fields need no communication */
  PetscCall(DMStagGetOwnershipRanges(ns->dm, &lx, &ly, NULL));
  PetscCall(DMDACreate2d(ns->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, ns->M, ns->N, mr, nr, 1, 0, lx, ly, &ns->dac1));
  PetscCall(DMSetUp(ns->dac1));
  PetscCall(DMDACreate2d(ns->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, ns->M, ns->N, mr, nr, 2, 0, lx, ly, &ns->dac2));
  PetscCall(DMSetUp(ns->dac2));
  PetscCall(DMDASetUniformCoordinates(ns->dac1, ns->c.lower[0] + 0.5 * ns->hx, ns->c.upper[0] - 0.5 * ns->hx, ns->c.lower[1] + 0.5 * ns->hy, ns->c.upper[1] - 0.5 * ns->hy, 0, 0));
  PetscCall(DMDASetFieldName(ns->dac2, 0, "u"));
  PetscCall(DMDASetFieldName(ns->dac2, 1, "v"));

  /* the default time step: CFL-limited, then rounded so that the steps hit
     the equally spaced output times */
  if (!ns->steady) {
    PetscReal dt = ns->dt_set ? ns->dt : ns->cfl * PetscMin(ns->hx, ns->hy) / ns->c.uscale;
    PetscReal per = ns->tfinal / (ns->nframes - 1);
    PetscInt  k   = (PetscInt)PetscCeilReal(per / dt - 1e-9);
    ns->dt        = per / PetscMax(k, 1);
  } else if (!ns->dt_set) ns->dt = ns->cfl * PetscMin(ns->hx, ns->hy) / ns->c.uscale;
  ns->setupcalled = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesView(NbNavierStokes ns, PetscViewer viewer)
{
  PetscMPIInt size;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(ns->comm, &viewer));
  PetscCallMPI(MPI_Comm_size(ns->comm, &size));
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbNavierStokes: %s\n", ns->c.description));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  PetscCall(PetscViewerASCIIPrintf(viewer, "case %s, Re = %g (nu = %g), drag a = %g\n", ns->casename, (double)ns->re, (double)ns->nu, (double)ns->drag));
  if (ns->steady) PetscCall(PetscViewerASCIIPrintf(viewer, "steady state by %s (-ns_steady_solver)\n", ns->steadysolver));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "time dependent: t in [0, %g], %d output frames, projection method\n", (double)ns->tfinal, (int)ns->nframes));
  if (ns->setupcalled) {
    PetscInt mr, nr;
    PetscCall(DMStagGetNumRanks(ns->dm, &mr, &nr, NULL));
    PetscCall(PetscViewerASCIIPrintf(viewer, "MAC grid (DMStag): %d x %d cells on [%g, %g] x [%g, %g], h = %g x %g, %s, %d x %d ranks\n", (int)ns->M, (int)ns->N, (double)ns->c.lower[0], (double)ns->c.upper[0], (double)ns->c.lower[1],
                                     (double)ns->c.upper[1], (double)ns->hx, (double)ns->hy, ns->c.periodic ? "periodic" : "walls", (int)mr, (int)nr));
    if (!ns->steady || !strcmp(ns->steadysolver, "march")) PetscCall(PetscViewerASCIIPrintf(viewer, "time step %g (CFL %g at the velocity scale %g)\n", (double)ns->dt, (double)(ns->dt * ns->c.uscale / PetscMin(ns->hx, ns->hy)), (double)ns->c.uscale));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesDestroy(NbNavierStokes *nsp)
{
  NbNavierStokes ns = *nsp;

  PetscFunctionBegin;
  if (!ns) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbFramesDestroy(&ns->frames));
  PetscCall(VecScatterDestroy(&ns->scatU));
  PetscCall(VecScatterDestroy(&ns->scatP));
  PetscCall(ISDestroy(&ns->isu));
  PetscCall(ISDestroy(&ns->isp));
  PetscCall(DMDestroy(&ns->dac1));
  PetscCall(DMDestroy(&ns->dac2));
  PetscCall(DMDestroy(&ns->dmU));
  PetscCall(DMDestroy(&ns->dmP));
  PetscCall(DMDestroy(&ns->dm));
  PetscCall(PetscFree(ns));
  *nsp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- accessors */

#define NB_NS_CHECK_SETUP(ns) PetscCheck((ns)->setupcalled, (ns)->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNavierStokesSetUp() first")

PetscErrorCode NbNavierStokesGetDM(NbNavierStokes ns, DM *dm)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  *dm = ns->dm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetCellDM(NbNavierStokes ns, DM *scalar, DM *vector)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  if (scalar) *scalar = ns->dac1;
  if (vector) *vector = ns->dac2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetFieldIS(NbNavierStokes ns, IS *isu, IS *isp)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  if (isu) *isu = ns->isu;
  if (isp) *isp = ns->isp;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetCase(NbNavierStokes ns, const char *name[])
{
  PetscFunctionBegin;
  *name = ns->casename;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetComm(NbNavierStokes ns, MPI_Comm *comm)
{
  PetscFunctionBegin;
  *comm = ns->comm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetDrag(NbNavierStokes ns, PetscReal *a)
{
  PetscFunctionBegin;
  *a = ns->drag;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetViscosity(NbNavierStokes ns, PetscReal *nu)
{
  PetscFunctionBegin;
  *nu = ns->nu;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetReynolds(NbNavierStokes ns, PetscReal *re)
{
  PetscFunctionBegin;
  *re = ns->re;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetDomain(NbNavierStokes ns, PetscReal lower[], PetscReal upper[])
{
  PetscFunctionBegin;
  for (PetscInt d = 0; d < 2; d++) {
    lower[d] = ns->c.lower[d];
    upper[d] = ns->c.upper[d];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetFinalTime(NbNavierStokes ns, PetscReal *t)
{
  PetscFunctionBegin;
  *t = ns->tfinal;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesIsSteady(NbNavierStokes ns, PetscBool *flg)
{
  PetscFunctionBegin;
  *flg = ns->steady;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesIsPeriodic(NbNavierStokes ns, PetscBool *flg)
{
  PetscFunctionBegin;
  *flg = ns->c.periodic;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesHasExact(NbNavierStokes ns, PetscBool *flg)
{
  PetscFunctionBegin;
  *flg = ns->c.exact ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesExactPoint(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  PetscFunctionBegin;
  PetscCheck(ns->c.exact, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "-ns_case %s has no exact solution", ns->casename);
  PetscCall(ns->c.exact(ns, t, x, uvp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesWallVelocity(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCheck(ns->c.wall, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "-ns_case %s is periodic: it has no walls", ns->casename);
  PetscCall(ns->c.wall(ns, t, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesComputeExact(NbNavierStokes ns, PetscReal t, Vec U)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(NbNSFillState(ns, t, NB_NS_FILL_EXACT, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesComputeInitial(NbNavierStokes ns, Vec U)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(NbNSFillState(ns, 0, NB_NS_FILL_INITIAL, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------- the operator */

static const NbNSTerms NbNSResidualTerms = {.adv = 1, .visc = -1, .grad = 1, .force = -1, .drag = 1, .mass = 0, .bcu = 1, .bcg = -1, .div = -1, .pres = 0, .pin = PETSC_FALSE};

PetscErrorCode NbNavierStokesComputeResidual(NbNavierStokes ns, PetscReal t, Vec U, Vec F)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(NbNSApply(ns, t, U, &NbNSResidualTerms, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesCreateMatrix(NbNavierStokes ns, Mat *J)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(DMCreateMatrix(ns->dm, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesComputeJacobian(NbNavierStokes ns, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(NbNSAssemble(ns, t, U, NB_NS_MAT_JACOBIAN, 0, 0, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesComputeStepResidual(NbNavierStokes ns, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R)
{
  NbNSTerms T = NbNSResidualTerms;
  Vec       W;

  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCheck(dt > 0, ns->comm, PETSC_ERR_ARG_OUTOFRANGE, "dt %g must be positive", (double)dt);
  T.mass = 1.0 / dt;
  PetscCall(NbNSApply(ns, t, U, &T, R));
  /* subtract Uold/dt on the interior velocity rows only */
  T      = (NbNSTerms){.mass = -1.0 / dt};
  PetscCall(DMGetGlobalVector(ns->dm, &W));
  PetscCall(NbNSApply(ns, t, Uold, &T, W));
  PetscCall(VecAXPY(R, 1.0, W));
  PetscCall(DMRestoreGlobalVector(ns->dm, &W));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesComputeStepJacobian(NbNavierStokes ns, PetscReal t, PetscReal dt, Vec U, Mat J)
{
  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCheck(dt > 0, ns->comm, PETSC_ERR_ARG_OUTOFRANGE, "dt %g must be positive", (double)dt);
  PetscCall(NbNSAssemble(ns, t, U, NB_NS_MAT_JACOBIAN, 1.0 / dt, 0, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------- the solve */

PetscErrorCode NbNSKeepFrame(NbNavierStokes ns, PetscReal t, Vec U)
{
  PetscFunctionBegin;
  PetscCall(NbFramesKeep(&ns->frames, t, U));
  /* the pressure is defined up to a constant: frames keep zero mean */
  PetscCall(NbNSRemoveMeanPressure(ns, ns->frames.U[ns->frames.n - 1]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesRelativeError(NbNavierStokes ns, PetscReal t, Vec U, PetscReal *ev, PetscReal *ep)
{
  Vec E, D;

  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(VecDuplicate(U, &E));
  PetscCall(VecDuplicate(U, &D));
  PetscCall(NbNSFillState(ns, t, NB_NS_FILL_EXACT, E));
  PetscCall(VecCopy(U, D));
  PetscCall(NbNSRemoveMeanPressure(ns, E));
  PetscCall(NbNSRemoveMeanPressure(ns, D));
  PetscCall(VecAXPY(D, -1.0, E));
  PetscCall(NbRelativeError(E, D, ns->isu, ev));
  if (ep) PetscCall(NbRelativeError(E, D, ns->isp, ep));
  PetscCall(VecDestroy(&E));
  PetscCall(VecDestroy(&D));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesSolveReference(NbNavierStokes ns)
{
  Vec              F, *U;
  const PetscReal *t;
  PetscInt         last;
  double           t0;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesSetUp(ns));
  PetscCheck(!ns->solved, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "The reference solution has already been computed");
  PetscCall(PetscMemzero(&ns->stats, sizeof(ns->stats)));
  PetscCall(PetscMemzero(&ns->count, sizeof(ns->count)));
  ns->stats.err_vel = ns->stats.err_p = -1;
  PetscCall(PetscLogEventBegin(NB_NSSolve, 0, 0, 0, 0));
  t0 = NbFramesStart(&ns->frames);
  if (ns->steady && !strcmp(ns->steadysolver, "newton")) PetscCall(NbNSSolveNewton(ns));
  else PetscCall(NbNSSolveProjection(ns));
  ns->stats.wall = NbWallTime() - t0;
  PetscCall(PetscLogEventEnd(NB_NSSolve, 0, 0, 0, 0));
  ns->stats.newton_its = ns->count.newton_its;
  ns->stats.linear_its = ns->count.linear_its;
  ns->stats.stages     = ns->count.stages;
  PetscCall(NbFramesGet(&ns->frames, &last, &t, &U));
  last--;

  /* results: the steady residual and the errors of the last frame, the
     divergence of every frame */
  PetscCall(VecDuplicate(U[last], &F));
  PetscCall(NbNavierStokesComputeResidual(ns, t[last], U[last], F));
  PetscCall(VecNorm(F, NORM_INFINITY, &ns->stats.residual));
  PetscCall(VecDestroy(&F));
  for (PetscInt k = 0; k <= last; k++) {
    PetscReal d;
    PetscCall(NbNavierStokesComputeDivergence(ns, U[k], NULL, &d));
    ns->stats.div_max = PetscMax(ns->stats.div_max, d);
  }
  if (ns->c.exact) PetscCall(NbNavierStokesRelativeError(ns, t[last], U[last], &ns->stats.err_vel, &ns->stats.err_p));
  ns->solved = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesSetFrameMonitor(NbNavierStokes ns, PetscErrorCode (*monitor)(PetscInt, PetscReal, double, void *), void *ctx)
{
  PetscFunctionBegin;
  ns->frames.monitor = monitor;
  ns->frames.monctx  = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetNumFrames(NbNavierStokes ns, PetscInt *n)
{
  PetscFunctionBegin;
  *n = ns->steady ? 1 : ns->nframes;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetFrames(NbNavierStokes ns, PetscInt *n, const PetscReal *t[], Vec *U[])
{
  PetscFunctionBegin;
  PetscCheck(ns->solved, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNavierStokesSolveReference() first");
  PetscCall(NbFramesGet(&ns->frames, n, t, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGetStats(NbNavierStokes ns, NbNavierStokesStats *s)
{
  PetscFunctionBegin;
  PetscCheck(ns->solved, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNavierStokesSolveReference() first");
  *s = ns->stats;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ output */

PetscErrorCode NbNavierStokesWriteSolution(NbNavierStokes ns, NbOutput out, const char suffix[], Vec U)
{
  Vec         w, s;
  const char *scalars[] = {"u", "v", "p", "omega"};

  PetscFunctionBegin;
  NB_NS_CHECK_SETUP(ns);
  PetscCall(PetscLogEventBegin(NB_NSOutput, 0, 0, 0, 0));
  PetscCall(DMGetGlobalVector(ns->dac2, &w));
  PetscCall(NbNavierStokesComputeCellFields(ns, U, w, NULL, NULL, NULL, NULL));
  PetscCall(NbWriteFieldSuffixed(out, "velocity", suffix, w));
  PetscCall(DMRestoreGlobalVector(ns->dac2, &w));
  PetscCall(DMGetGlobalVector(ns->dac1, &s));
  for (PetscInt k = 0; k < 4; k++) {
    PetscCall(NbNavierStokesComputeCellFields(ns, U, NULL, k == 0 ? s : NULL, k == 1 ? s : NULL, k == 2 ? s : NULL, k == 3 ? s : NULL));
    PetscCall(NbWriteFieldSuffixed(out, scalars[k], suffix, s));
  }
  PetscCall(DMRestoreGlobalVector(ns->dac1, &s));
  PetscCall(PetscLogEventEnd(NB_NSOutput, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesWriteMetadata(NbNavierStokes ns, NbOutput out)
{
  char buf[256];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "navier-stokes 2d, %s", ns->c.description));
  PetscCall(NbOutputSetMetadataString(out, "problem", buf));
  PetscCall(NbOutputSetMetadataString(out, "case", ns->casename));
  PetscCall(NbOutputSetMetadataReal(out, "Re", ns->re));
  PetscCall(NbOutputSetMetadataReal(out, "nu", ns->nu));
  PetscCall(NbOutputSetMetadataReal(out, "drag", ns->drag));
  PetscCall(NbOutputSetMetadataInt(out, "cells_x", ns->M));
  PetscCall(NbOutputSetMetadataInt(out, "cells_y", ns->N));
  PetscCall(NbOutputSetMetadataString(out, "field_location", "cell centres: u, v averaged from the MAC faces, p in the cells, omega averaged from the cell corners; neural fields evaluated at the cell centres; pressure with zero mean"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesReport(NbNavierStokes ns, NbReport rep)
{
  PetscMPIInt size;
  char        buf[128];
  PetscBool   found;
  PetscReal   du, dv;

  PetscFunctionBegin;
  PetscCheck(ns->solved, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNavierStokesSolveReference() first");
  PetscCallMPI(MPI_Comm_size(ns->comm, &size));
  PetscCall(NbReportAddString(rep, "case", ns->casename));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d x %d cells (MAC, DMStag)", (int)ns->M, (int)ns->N));
  PetscCall(NbReportAddString(rep, "grid", buf));
  PetscCall(NbReportAddInt(rep, "ranks", size));
  PetscCall(NbReportAddReal(rep, "Re", "%g", ns->re));
  if (ns->drag > 0) PetscCall(NbReportAddReal(rep, "drag", "%g", ns->drag));
  if (ns->steady && !strcmp(ns->steadysolver, "newton")) {
    PetscCall(NbReportAddString(rep, "solver", "steady: Newton (SNES), Re continuation"));
    PetscCall(NbReportAddInt(rep, "continuation stages", ns->stats.stages));
    PetscCall(NbReportAddInt(rep, "Newton iterations", ns->stats.newton_its));
  } else {
    PetscCall(NbReportAddString(rep, "solver", ns->steady ? "steady: projection time marching" : "projection (AB2 / Crank-Nicolson, incremental pressure)"));
    PetscCall(NbReportAddReal(rep, "time step", "%.4g", ns->stats.dt));
    PetscCall(NbReportAddInt(rep, "time steps", ns->stats.steps));
    PetscCall(NbReportAddReal(rep, "time reached", "%.6g", ns->stats.t));
    PetscCall(NbReportAddReal(rep, "max CFL number", "%.3f", ns->stats.cfl_max));
    PetscCall(NbReportAddReal(rep, "time per step [s]", "%.4g", ns->stats.time_per_step));
    PetscCall(NbReportAddReal(rep, "CPU time per step, slowest rank [s]", "%.4g", ns->stats.cpu_per_step));
  }
  PetscCall(NbReportAddInt(rep, "Krylov iterations", ns->stats.linear_its));
  PetscCall(NbReportAddReal(rep, "solver set-up [s]", "%.3f", ns->stats.wall_setup));
  PetscCall(NbReportAddReal(rep, "reference wall time [s]", "%.3f", ns->stats.wall));
  PetscCall(NbReportAddReal(rep, "steady residual ||F(U)||_inf, last frame", "%.3e", ns->stats.residual));
  PetscCall(NbReportAddReal(rep, "max |div u|, all frames", "%.3e", ns->stats.div_max));
  if (ns->c.exact) {
    PetscCall(NbReportAddReal(rep, "rel. L2 error of velocity vs exact, last frame", "%.3e", ns->stats.err_vel));
    PetscCall(NbReportAddReal(rep, "rel. L2 error of pressure vs exact, last frame", "%.3e", ns->stats.err_p));
  }
  PetscCall(NbNavierStokesGhiaDeviation(ns, ns->frames.U[ns->frames.n - 1], &found, &du, &dv));
  if (found) {
    PetscCall(NbReportAddReal(rep, "Ghia et al. 1982: max |u - u_ref| on x = 0.5", "%.4f", du));
    PetscCall(NbReportAddReal(rep, "Ghia et al. 1982: max |v - v_ref| on y = 0.5", "%.4f", dv));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
