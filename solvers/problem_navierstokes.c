/* The navierstokes problem: NbNavierStokes (solvers/navierstokes.c) behind
   the NbProblem interface. Evaluation points are the cell centres of the
   MAC grid, where the reference's u, v (averaged from the faces) and p
   live in the output. The PDE for physics-informed methods is in
   solvers/ns_pde.c. */
#include "problemimpl.h"
#include "nbnavierstokes.h"
#include "ns_pde.h"

static PetscErrorCode SetFromOptions_NS(NbProblem p)
{
  PetscFunctionBegin;
  PetscCall(NbNavierStokesSetFromOptions((NbNavierStokes)p->solver));
  PetscCall(PetscOptionsGetBool(NULL, p->prefix, "-ns_view", &p->view, NULL)); /* the name of -problem_view before NbProblem */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Exact_NS(NbProblem p, PetscReal t, const PetscReal x[], PetscReal u[])
{
  return NbNavierStokesExactPoint((NbNavierStokes)p->solver, t, x, u);
}

static PetscErrorCode SetUp_NS(NbProblem p)
{
  NbNavierStokes ns = (NbNavierStokes)p->solver;
  PetscReal      lo[2], hi[2], T;
  PetscInt       M, N, nf;
  PetscBool      exact;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesSetUp(ns));
  PetscCall(NbNavierStokesIsSteady(ns, &p->steady));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(NbNavierStokesGetCellDM(ns, &p->da1, &p->da2));
  PetscCall(DMDAGetInfo(p->da1, NULL, &M, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  p->dim         = 2;
  p->nout        = 3;
  p->outnames[0] = "u";
  p->outnames[1] = "v";
  p->outnames[2] = "p";
  p->velocity    = PETSC_TRUE;
  p->spacing[0]  = (hi[0] - lo[0]) / M;
  p->spacing[1]  = (hi[1] - lo[1]) / N;
  p->origin[0]   = lo[0] + 0.5 * p->spacing[0];
  p->origin[1]   = lo[1] + 0.5 * p->spacing[1];
  p->ngroup      = 2;
  p->group[0]    = (NbProblemGroup){"velocity", 0, 2, PETSC_FALSE};
  p->group[1]    = (NbProblemGroup){"pressure", 2, 3, PETSC_TRUE};
  p->frameshint  = "-ns_frames 11";
  PetscCall(NbNavierStokesGetNumFrames(ns, &nf));
  PetscCall(NbNavierStokesGetFinalTime(ns, &T));
  PetscCall(NbProblemSetFrames_Private(p, nf, T));
  PetscCall(NbNavierStokesSetFrameMonitor(ns, NbProblemMonitorFrame_Private, p));
  PetscCall(NbNavierStokesHasExact(ns, &exact));
  p->ops.exact = exact ? Exact_NS : NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve_NS(NbProblem p)
{
  NbNavierStokes   ns = (NbNavierStokes)p->solver;
  PetscInt         nf;
  const PetscReal *t;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesSolveReference(ns));
  PetscCall(NbNavierStokesGetFrames(ns, &nf, &t, NULL));
  PetscCheck(nf == p->nf, p->comm, PETSC_ERR_PLIB, "The Navier-Stokes solve kept %d frames, %d expected", (int)nf, (int)p->nf);
  for (PetscInt k = 0; k < nf; k++) p->t[k] = t[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u, v, p at the cell centres; the pressure in the exact solution's gauge
   where there is one (the gauge of soft boundary data), else zero mean. */
static PetscErrorCode Reference_NS(NbProblem p, PetscInt k, PetscReal v[])
{
  NbNavierStokes ns = (NbNavierStokes)p->solver;
  Vec           *U, f[3];
  PetscBool      exact;
  PetscReal      s[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetFrames(ns, NULL, NULL, &U));
  for (PetscInt c = 0; c < 3; c++) PetscCall(DMGetGlobalVector(p->da1, &f[c]));
  PetscCall(NbNavierStokesComputeCellFields(ns, U[k], NULL, f[0], f[1], f[2], NULL));
  for (PetscInt c = 0; c < 3; c++) {
    PetscCall(NbProblemGlobalToValues_Private(p, p->da1, f[c], c, v));
    PetscCall(DMRestoreGlobalVector(p->da1, &f[c]));
  }
  PetscCall(NbNavierStokesHasExact(ns, &exact));
  for (PetscInt i = 0; i < p->n; i++) {
    s[0] += v[3 * i + 2];
    if (exact) {
      PetscReal e[3];
      PetscCall(NbNavierStokesExactPoint(ns, p->t[k], p->x + 2 * i, e));
      s[1] += e[2];
    }
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPIU_SUM, p->comm));
  for (PetscInt i = 0; i < p->n; i++) v[3 * i + 2] += (s[1] - s[0]) / (PetscReal)p->N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteFrame_NS(NbProblem p, NbOutput out, PetscInt k)
{
  NbNavierStokes ns = (NbNavierStokes)p->solver;
  Vec           *U, E, P;
  PetscBool      exact;
  IS             isu, isp;
  PetscReal      s;
  PetscInt       np;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetFrames(ns, NULL, NULL, &U));
  PetscCall(NbNavierStokesWriteSolution(ns, out, "", U[k]));
  PetscCall(NbNavierStokesHasExact(ns, &exact));
  if (!exact) PetscFunctionReturn(PETSC_SUCCESS);
  /* the exact solution with the reference's zero-mean pressure */
  PetscCall(VecDuplicate(U[k], &E));
  PetscCall(NbNavierStokesComputeExact(ns, p->t[k], E));
  PetscCall(NbNavierStokesGetFieldIS(ns, &isu, &isp));
  PetscCall(VecGetSubVector(E, isp, &P));
  PetscCall(VecSum(P, &s));
  PetscCall(VecGetSize(P, &np));
  PetscCall(VecShift(P, -s / np));
  PetscCall(VecRestoreSubVector(E, isp, &P));
  PetscCall(NbNavierStokesWriteSolution(ns, out, "_exact", E));
  PetscCall(VecDestroy(&E));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteMetadata_NS(NbProblem p, NbOutput out)
{
  PetscFunctionBegin;
  PetscCall(NbNavierStokesWriteMetadata((NbNavierStokes)p->solver, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cavity: a solution's deviation from Ghia et al. (1982) on the centre
   lines, read off the MAC grid like the reference's (u on x-faces, v on
   y-faces, p in cells, evaluated by f). */
static PetscErrorCode ReportSolution_NS(NbProblem p, NbReport rep, const char who[], NbPointFn f, void *ctx)
{
  NbNavierStokes ns = (NbNavierStokes)p->solver;
  DM             dm;
  Vec            U, Ul;
  PetscScalar ***a;
  PetscInt       x, y, m, n, ex, ey, su, sv, sp, M, N, nin = p->steady ? 2 : 3, np = 0;
  PetscReal      lo[2], hi[2], hx, hy, *pts, *val, du, dv;
  PetscBool      found;
  const char    *name;
  char           key[128];

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetCase(ns, &name));
  PetscCall(PetscStrcmp(name, "cavity", &found));
  if (!found) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(DMStagGetGlobalSizes(dm, &M, &N, NULL));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_LEFT, 0, &su));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_DOWN, 0, &sv));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_ELEMENT, 0, &sp));
  hx = (hi[0] - lo[0]) / M;
  hy = (hi[1] - lo[1]) / N;
  /* u faces, v faces, cells (the extra faces on the last ranks included), at the last frame */
  PetscCall(PetscMalloc2(3 * (size_t)(m + 1) * (n + 1) * nin, &pts, 3 * 3 * (size_t)(m + 1) * (n + 1), &val));
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++)
      for (PetscInt loc = 0; loc < 3; loc++) {
        PetscReal px, py;
        if (loc == 0 && j < y + n) px = lo[0] + i * hx, py = lo[1] + (j + 0.5) * hy;
        else if (loc == 1 && i < x + m) px = lo[0] + (i + 0.5) * hx, py = lo[1] + j * hy;
        else if (loc == 2 && i < x + m && j < y + n) px = lo[0] + (i + 0.5) * hx, py = lo[1] + (j + 0.5) * hy;
        else continue;
        pts[np * nin] = px, pts[np * nin + 1] = py;
        if (nin == 3) pts[np * nin + 2] = p->t[p->nf - 1];
        np++;
      }
  PetscCall((*f)(np, pts, val, ctx));
  PetscCall(DMCreateGlobalVector(dm, &U));
  PetscCall(DMGetLocalVector(dm, &Ul));
  PetscCall(VecZeroEntries(Ul));
  PetscCall(DMStagVecGetArray(dm, Ul, &a));
  np = 0;
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++)
      for (PetscInt loc = 0; loc < 3; loc++) {
        if (loc == 0 && j < y + n) a[j][i][su] = val[3 * np + 0];
        else if (loc == 1 && i < x + m) a[j][i][sv] = val[3 * np + 1];
        else if (loc == 2 && i < x + m && j < y + n) a[j][i][sp] = val[3 * np + 2];
        else continue;
        np++;
      }
  PetscCall(DMStagVecRestoreArray(dm, Ul, &a));
  PetscCall(DMLocalToGlobal(dm, Ul, INSERT_VALUES, U));
  PetscCall(DMRestoreLocalVector(dm, &Ul));
  PetscCall(NbNavierStokesGhiaDeviation(ns, U, &found, &du, &dv));
  if (found) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s: Ghia et al. 1982 max |u - u_ref| on x = 0.5", who));
    PetscCall(NbReportAddReal(rep, key, "%.4f", du));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s: Ghia et al. 1982 max |v - v_ref| on y = 0.5", who));
    PetscCall(NbReportAddReal(rep, key, "%.4f", dv));
  }
  PetscCall(VecDestroy(&U));
  PetscCall(PetscFree2(pts, val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_NS(NbProblem p, NbReport rep)
{
  return NbNavierStokesReport((NbNavierStokes)p->solver, rep);
}

static PetscErrorCode View_NS(NbProblem p, PetscViewer v)
{
  return NbNavierStokesView((NbNavierStokes)p->solver, v);
}

static PetscErrorCode GetDM_NS(NbProblem p, DM *dm)
{
  return NbNavierStokesGetDM((NbNavierStokes)p->solver, dm);
}

static PetscErrorCode CreateMatrix_NS(NbProblem p, Mat *J)
{
  return NbNavierStokesCreateMatrix((NbNavierStokes)p->solver, J);
}

static PetscErrorCode Residual_NS(NbProblem p, PetscReal t, Vec U, Vec F)
{
  return NbNavierStokesComputeResidual((NbNavierStokes)p->solver, t, U, F);
}

static PetscErrorCode Jacobian_NS(NbProblem p, PetscReal t, Vec U, Mat J)
{
  return NbNavierStokesComputeJacobian((NbNavierStokes)p->solver, t, U, J);
}

static PetscErrorCode StepResidual_NS(NbProblem p, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R)
{
  return NbNavierStokesComputeStepResidual((NbNavierStokes)p->solver, t, dt, Uold, U, R);
}

static PetscErrorCode StepJacobian_NS(NbProblem p, PetscReal t, PetscReal dt, Vec U, Mat J)
{
  return NbNavierStokesComputeStepJacobian((NbNavierStokes)p->solver, t, dt, U, J);
}

static PetscErrorCode PDE_NS(NbProblem p, NbPDE *pde)
{
  return NbNavierStokesPDE((NbNavierStokes)p->solver, pde);
}

static PetscErrorCode Destroy_NS(NbProblem p)
{
  return NbNavierStokesDestroy((NbNavierStokes *)&p->solver);
}

PetscErrorCode NbProblemCreate_NavierStokes(NbProblem p)
{
  PetscFunctionBegin;
  PetscCall(NbNavierStokesCreate(p->comm, (NbNavierStokes *)&p->solver));
  p->ops.setfromoptions = SetFromOptions_NS;
  p->ops.setup          = SetUp_NS;
  p->ops.view           = View_NS;
  p->ops.destroy        = Destroy_NS;
  p->ops.solve          = Solve_NS;
  p->ops.pde            = PDE_NS;
  p->ops.reference      = Reference_NS;
  p->ops.writemetadata  = WriteMetadata_NS;
  p->ops.writeframe     = WriteFrame_NS;
  p->ops.report         = Report_NS;
  p->ops.reportsolution = ReportSolution_NS;
  p->ops.getdm          = GetDM_NS;
  p->ops.creatematrix   = CreateMatrix_NS;
  p->ops.residual       = Residual_NS;
  p->ops.jacobian       = Jacobian_NS;
  p->ops.stepresidual   = StepResidual_NS;
  p->ops.stepjacobian   = StepJacobian_NS;
  PetscFunctionReturn(PETSC_SUCCESS);
}
