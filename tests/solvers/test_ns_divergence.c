/* The velocity the reference solver returns is discretely divergence-free to
   the tolerance of its solver, not just to truncation error.

   The divergence is recomputed here, independently of the library, from the
   MAC values of every frame: (u_{i+1,j} - u_{i,j})/hx + (v_{i,j+1} - v_{i,j})/hy.
   Projection runs (time-dependent cases, or -ns_steady_solver march): with
   -test_rtols r_loose,r_tight (the pressure Poisson -ksp_rtol), the largest
   divergence with r_tight must be below -test_tol, and at least
   -test_ratio_min times smaller than with r_loose: the divergence is set by
   the Poisson solve, so it falls with its tolerance (a divergence floor, e.g.
   from wall values or a wrong projection, would not).
   Newton runs: -div u is a block of F, and SNES stops when ||F||_2 <=
   max(atol, rtol ||F(U0)||_2) with atol = rtol = 1e-10, so max |div u| <=
   1e-10 max(1, ||F(U0)||_2). */
#include <petscdmstag.h>
#include "nbsys.h"
#include "nbnavierstokes.h"
#include "nbtest.h"

static PetscErrorCode MaxDivergence(NbNavierStokes ns, Vec U, PetscReal *dmax)
{
  DM                  dm;
  Vec                 Ul;
  const PetscScalar ***a;
  PetscInt            x, y, m, n, su, sv, M, N;
  PetscReal           lo[2], hi[2], hx, hy, loc = 0;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(DMStagGetGlobalSizes(dm, &M, &N, NULL));
  hx = (hi[0] - lo[0]) / M;
  hy = (hi[1] - lo[1]) / N;
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_LEFT, 0, &su));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_DOWN, 0, &sv));
  PetscCall(DMGetLocalVector(dm, &Ul));
  PetscCall(DMGlobalToLocal(dm, U, INSERT_VALUES, Ul));
  PetscCall(DMStagVecGetArrayRead(dm, Ul, &a));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, NULL, NULL, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) loc = PetscMax(loc, PetscAbsScalar((a[j][i + 1][su] - a[j][i][su]) / hx + (a[j + 1][i][sv] - a[j][i][sv]) / hy));
  PetscCall(DMStagVecRestoreArrayRead(dm, Ul, &a));
  PetscCall(DMRestoreLocalVector(dm, &Ul));
  PetscCall(MPIU_Allreduce(&loc, dmax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Solves and returns the largest divergence over all frames; *f0 is
   ||F(U0)||_2 of the initial state. */
static PetscErrorCode SolveOnce(PetscReal *dmax, PetscReal *f0, PetscBool *newton)
{
  NbNavierStokes      ns;
  NbNavierStokesStats s;
  PetscInt            n;
  Vec                *U, U0, F;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, &ns));
  PetscCall(NbNavierStokesSetFromOptions(ns));
  PetscCall(NbNavierStokesSetUp(ns));
  PetscCall(NbNavierStokesSolveReference(ns));
  PetscCall(NbNavierStokesGetFrames(ns, &n, NULL, &U));
  PetscCall(NbNavierStokesGetStats(ns, &s));
  *newton = s.steps == 0 ? PETSC_TRUE : PETSC_FALSE;
  *dmax   = 0;
  for (PetscInt k = 0; k < n; k++) {
    PetscReal d;
    PetscCall(MaxDivergence(ns, U[k], &d));
    *dmax = PetscMax(*dmax, d);
  }
  PetscCall(VecDuplicate(U[0], &U0));
  PetscCall(VecDuplicate(U[0], &F));
  PetscCall(NbNavierStokesComputeInitial(ns, U0));
  PetscCall(NbNavierStokesComputeResidual(ns, 0, U0, F));
  PetscCall(VecNorm(F, NORM_2, f0));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s, %d frames: max |div u| = %.3e (the library reports %.3e)\n", *newton ? "Newton" : "projection", (int)n, (double)*dmax, (double)s.div_max));
  PetscCall(VecDestroy(&U0));
  PetscCall(VecDestroy(&F));
  PetscCall(NbNavierStokesDestroy(&ns));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscReal rt[2], tol = -1, ratio = -1, d[2], f0;
  PetscInt  nr = 2;
  PetscBool given, newton;
  char      buf[32];

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-test_rtols", rt, &nr, &given));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_ratio_min", &ratio, NULL));
  if (!given) {
    PetscCall(SolveOnce(&d[0], &f0, &newton));
    PetscCheck(newton, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "projection runs need -test_rtols");
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "bound 1e-10 max(1, ||F(U0)||_2) = %.3e\n", (double)(1e-10 * PetscMax(1.0, f0))));
    PetscCheck(d[0] <= 1e-10 * PetscMax(1.0, f0), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "max |div u| = %.3e above the Newton tolerance", (double)d[0]);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(nr == 2 && tol > 0 && ratio > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "give -test_rtols loose,tight -test_tol and -test_ratio_min");
  for (PetscInt k = 0; k < 2; k++) {
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "%g", (double)rt[k]));
    PetscCall(PetscOptionsSetValue(NULL, "-ksp_rtol", buf));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "pressure -ksp_rtol %s: ", buf));
    PetscCall(SolveOnce(&d[k], &f0, &newton));
    PetscCheck(!newton, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-test_rtols is for projection runs");
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ratio %.3e\n", (double)(d[0] / d[1])));
  PetscCheck(d[1] <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "max |div u| = %.3e > %.1e with -ksp_rtol %g", (double)d[1], (double)tol, (double)rt[1]);
  PetscCheck(d[0] >= ratio * d[1], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the divergence does not fall with the solver tolerance: %.3e (rtol %g) vs %.3e (rtol %g)", (double)d[0], (double)rt[0], (double)d[1], (double)rt[1]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
