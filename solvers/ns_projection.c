/* Time integration by a second-order incremental pressure-correction
   (projection) method, Brown, Cortez & Minion (2001, J. Comput. Phys. 168),
   in the form of Kim & Moin (1985): advection by
   Adams-Bashforth 2, viscosity and drag by Crank-Nicolson:

     (u* - u^n) / dt + 3/2 N(u^n) - 1/2 N(u^{n-1}) = -G p^{n-1/2}
                     + nu/2 L(u* + u^n) - a/2 (u* + u^n) + f^{n+1/2},  u* = g^{n+1} on walls
     -D G phi = -D u* / dt                    (pressure Poisson, Neumann on walls)
     u^{n+1} = u* - dt G phi
     p^{n+1/2} = p^{n-1/2} + (1 + a dt/2) phi - (nu dt/2) D G phi   (Brown et al. 2001)

   Velocity second order in time; the steady states of the scheme are
   exactly the solutions of F(U) = 0 (phi = 0 there), so marching to a
   steady state converges to the same discrete solution as Newton.
   Two symmetric positive definite solves per step: the velocity system
   (prefix -ns_velocity_, default CG + Jacobi, or + GAMG when the
   viscous term makes it ill-conditioned) and the pressure Poisson
   (no prefix: -ksp_type, -pc_type mg|gamg|hypre|..., default CG with the
   geometric multigrid of ns_multigrid.c, or GAMG on grids that do not
   halve twice).
   Matrices are constant (fixed dt): preconditioners are set up once. */
#include "ns_impl.h"
#include <time.h>

typedef struct {
  Mat H, P;
  KSP kspu, kspp;
  union { /* vectors of the MAC DMStag */
    struct {
      Vec Un, Us, R, Nn, Nprev, W, Phi, GPhi, Fo;
    };
    Vec mac[9];
  };
  union { /* vectors of dmU, then of dmP */
    struct {
      Vec ru, xu, rp, xp;
    };
    Vec sub[4];
  };
  PetscReal cfl0; /* CFL number after the first step */
} NbNSProj;

static PetscErrorCode ToSub(VecScatter sc, Vec full, Vec sub)
{
  PetscFunctionBegin;
  PetscCall(VecScatterBegin(sc, full, sub, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, full, sub, INSERT_VALUES, SCATTER_FORWARD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FromSub(VecScatter sc, Vec sub, Vec full)
{
  PetscFunctionBegin;
  PetscCall(VecScatterBegin(sc, sub, full, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(sc, sub, full, INSERT_VALUES, SCATTER_REVERSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A diverged linear solve or a non-finite / runaway state: name the step and
   the likely cause. */
static PetscErrorCode CheckState(NbNavierStokes ns, NbNSProj *P, PetscInt step, PetscReal t)
{
  KSPConvergedReason ru, rp;
  PetscReal          umax, cfl;
  const PetscReal    blowup = 1e3 * ns->c.uscale;

  PetscFunctionBegin;
  PetscCall(KSPGetConvergedReason(P->kspu, &ru));
  PetscCall(KSPGetConvergedReason(P->kspp, &rp));
  PetscCall(NbNSMaxVelocity(ns, P->Un, &umax, &cfl));
  if (step == 1) P->cfl0 = cfl;
  PetscCheck(!PetscIsInfOrNanReal(umax) && umax <= blowup && ru != KSP_DIVERGED_NANORINF && rp != KSP_DIVERGED_NANORINF, ns->comm, PETSC_ERR_NOT_CONVERGED,
             "The Navier-Stokes solution blew up at step %d, t = %g: max |u| = %g (velocity scale %g) with time step %g, CFL number %.3g after the first step (the default time step keeps it near 0.5; AB2 advection is unstable well above 1). Use a smaller -ts_dt, e.g. -ts_dt %.3g, or leave -ts_dt unset for the default from -ns_cfl",
             (int)step, (double)t, (double)umax, (double)ns->c.uscale, (double)ns->dt, (double)P->cfl0, (double)(0.25 * PetscMin(ns->hx, ns->hy) / ns->c.uscale));
  ns->stats.cfl_max = PetscMax(ns->stats.cfl_max, cfl);
  PetscCheck(ru > 0, ns->comm, PETSC_ERR_NOT_CONVERGED, "The velocity solve did not converge at step %d, t = %g (%s): check the -ns_velocity_ksp_* and -ns_velocity_pc_* options", (int)step, (double)t, KSPConvergedReasons[ru]);
  PetscCheck(rp > 0, ns->comm, PETSC_ERR_NOT_CONVERGED, "The pressure Poisson solve did not converge at step %d, t = %g (%s): check the -ksp_* and -pc_* options", (int)step, (double)t, KSPConvergedReasons[rp]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ProjectionStep(NbNavierStokes ns, NbNSProj *P, PetscReal t, PetscBool first)
{
  const PetscReal dt = ns->dt, a = ns->drag, nu = ns->nu;
  NbNSTerms       T;
  PetscInt        its;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_NSStep, 0, 0, 0, 0));
  /* explicit terms at t^n */
  T = (NbNSTerms){.adv = 1};
  PetscCall(NbNSApply(ns, t, P->Un, &T, P->Nn));
  if (first) PetscCall(VecCopy(P->Nn, P->Nprev)); /* AB2 starts with one Euler step */
  T = (NbNSTerms){.mass = 1.0 / dt, .drag = -0.5, .visc = 0.5, .grad = -1};
  PetscCall(NbNSApply(ns, t, P->Un, &T, P->R));
  PetscCall(VecAXPBYPCZ(P->R, -1.5, 0.5, 1.0, P->Nn, P->Nprev));
  /* wall data at t^{n+1}: (nu/2) L of the wall values on interior rows, g on wall rows */
  PetscCall(NbNSFillState(ns, t + dt, NB_NS_FILL_WALL, P->W));
  T = (NbNSTerms){.visc = 0.5, .bcg = 1};
  PetscCall(NbNSApply(ns, t + dt, P->W, &T, P->Fo));
  PetscCall(VecAXPY(P->R, 1.0, P->Fo));
  if (ns->c.forcing) {
    T = (NbNSTerms){.force = 1};
    PetscCall(NbNSApply(ns, t + 0.5 * dt, P->Un, &T, P->Fo));
    PetscCall(VecAXPY(P->R, 1.0, P->Fo));
  }
  /* velocity: (1/dt + a/2) u* - nu/2 L0 u* = R */
  PetscCall(PetscLogEventBegin(NB_NSVelocity, 0, 0, 0, 0));
  PetscCall(ToSub(ns->scatU, P->R, P->ru));
  PetscCall(ToSub(ns->scatU, P->Un, P->xu));
  PetscCall(KSPSolve(P->kspu, P->ru, P->xu));
  PetscCall(KSPGetIterationNumber(P->kspu, &its));
  ns->count.linear_its += its;
  PetscCall(VecCopy(P->Un, P->Us));
  PetscCall(FromSub(ns->scatU, P->xu, P->Us));
  if (!ns->c.periodic) {
    /* wall-normal values exactly g^{n+1}, not g to the Krylov tolerance: the
       projection does not touch wall faces, so their error would stay in D u */
    T = (NbNSTerms){.mass = 1, .bcg = 1, .pres = 1};
    PetscCall(NbNSApply(ns, t + dt, P->Us, &T, P->Fo));
    PetscCall(VecSwap(P->Us, P->Fo));
  }
  PetscCall(PetscLogEventEnd(NB_NSVelocity, 0, 0, 0, 0));
  /* pressure increment: -D G phi = -D u* / dt, phi(0,0) = 0 */
  PetscCall(PetscLogEventBegin(NB_NSPressure, 0, 0, 0, 0));
  T = (NbNSTerms){.div = -1.0 / dt, .pin = PETSC_TRUE};
  PetscCall(NbNSApply(ns, t, P->Us, &T, P->Fo));
  PetscCall(ToSub(ns->scatP, P->Fo, P->rp));
  if (first) PetscCall(VecZeroEntries(P->xp)); /* later: the last increment, phi^n ~ phi^{n+1} */
  PetscCall(KSPSolve(P->kspp, P->rp, P->xp));
  PetscCall(KSPGetIterationNumber(P->kspp, &its));
  ns->count.linear_its += its;
  PetscCall(VecZeroEntries(P->Phi));
  PetscCall(FromSub(ns->scatP, P->xp, P->Phi));
  PetscCall(PetscLogEventEnd(NB_NSPressure, 0, 0, 0, 0));
  /* projection and pressure update */
  T = (NbNSTerms){.grad = 1};
  PetscCall(NbNSApply(ns, t, P->Phi, &T, P->GPhi));
  T = (NbNSTerms){.div = 1};
  PetscCall(NbNSApply(ns, t, P->GPhi, &T, P->Fo));
  PetscCall(VecAXPY(P->Us, -dt, P->GPhi));
  PetscCall(VecAXPY(P->Us, 1 + 0.5 * a * dt, P->Phi));
  PetscCall(VecAXPY(P->Us, -0.5 * nu * dt, P->Fo));
  PetscCall(VecSwap(P->Nprev, P->Nn));
  PetscCall(VecSwap(P->Un, P->Us));
  PetscCall(PetscLogEventEnd(NB_NSStep, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A frame at t^{n+1}: u^{n+1} and the pressure extrapolated from the
   half steps, p^{n+1} = (3 p^{n+1/2} - p^{n-1/2}) / 2 (second order). After
   ProjectionStep, Un holds (u^{n+1}, p^{n+1/2}) and Us (u^n, p^{n-1/2}). */
static PetscErrorCode KeepFrame(NbNavierStokes ns, NbNSProj *P, PetscReal t, PetscBool extrapolate)
{
  Vec pn, po;

  PetscFunctionBegin;
  PetscCall(VecCopy(P->Un, P->Fo));
  if (extrapolate) {
    PetscCall(VecGetSubVector(P->Fo, ns->isp, &pn));
    PetscCall(VecGetSubVector(P->Us, ns->isp, &po));
    PetscCall(VecAXPBY(pn, -0.5, 1.5, po));
    PetscCall(VecRestoreSubVector(P->Us, ns->isp, &po));
    PetscCall(VecRestoreSubVector(P->Fo, ns->isp, &pn));
  }
  PetscCall(NbNSKeepFrame(ns, t, P->Fo));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The pressure consistent with the initial velocity: taking D of the
   momentum equation with D u_t = 0 gives -D G p = -D (-N(u) + nu L u - a u + f).
   It is the t = 0 frame's pressure and the starting p^{-1/2} (an O(dt)
   approximation, corrected by the first increment phi). */
static PetscErrorCode InitialPressure(NbNavierStokes ns, NbNSProj *P)
{
  NbNSTerms T = {.adv = -1, .visc = 1, .force = 1, .drag = -1};
  PetscInt  its;

  PetscFunctionBegin;
  PetscCall(NbNSApply(ns, 0, P->Un, &T, P->R));
  T = (NbNSTerms){.div = -1, .pin = PETSC_TRUE};
  PetscCall(NbNSApply(ns, 0, P->R, &T, P->Fo));
  PetscCall(ToSub(ns->scatP, P->Fo, P->rp));
  PetscCall(VecZeroEntries(P->xp));
  PetscCall(KSPSolve(P->kspp, P->rp, P->xp));
  PetscCall(KSPGetIterationNumber(P->kspp, &its));
  ns->count.linear_its += its;
  PetscCall(FromSub(ns->scatP, P->xp, P->Un));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ProjectionSetUp(NbNavierStokes ns, NbNSProj *P)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(NbNSCreateFieldMatrix(ns->dmU, &P->H));
  PetscCall(NbNSAssemble(ns, 0, NULL, NB_NS_MAT_HELMHOLTZ, 1.0 / ns->dt + 0.5 * ns->drag, 0.5, P->H));
  PetscCall(NbNSCreateFieldMatrix(ns->dmP, &P->P));
  PetscCall(NbNSAssemble(ns, 0, NULL, NB_NS_MAT_POISSON, 0, 0, P->P));

  PetscCall(KSPCreate(ns->comm, &P->kspu));
  PetscCall(KSPSetOptionsPrefix(P->kspu, "ns_velocity_"));
  /* the DM gives -ns_velocity_pc_type mg DMStag's own face interpolation */
  PetscCall(KSPSetDM(P->kspu, ns->dmU));
  PetscCall(KSPSetDMActive(P->kspu, PETSC_FALSE));
  PetscCall(KSPSetOperators(P->kspu, P->H, P->H));
  PetscCall(KSPSetType(P->kspu, KSPCG));
  PetscCall(KSPGetPC(P->kspu, &pc));
  {
    /* condition number of shift I - (nu/2) L0: 1 + nu dt (2/hx^2 + 2/hy^2) / (1 + a dt/2);
       Jacobi-CG needs ~sqrt(kappa) iterations: cheapest while kappa is small
       (the usual advective time steps at moderate Re), algebraic multigrid
       beyond */
    PetscReal kappa = 1 + ns->nu * ns->dt * (2 / (ns->hx * ns->hx) + 2 / (ns->hy * ns->hy)) / (1 + 0.5 * ns->drag * ns->dt);
    PetscCall(PCSetType(pc, kappa < 100 ? PCJACOBI : PCGAMG));
  }
  PetscCall(KSPSetTolerances(P->kspu, 1e-10, 1e-50, PETSC_DEFAULT, 1000));
  PetscCall(KSPSetInitialGuessNonzero(P->kspu, PETSC_TRUE));
  PetscCall(KSPSetFromOptions(P->kspu));

  PetscCall(KSPCreate(ns->comm, &P->kspp));
  PetscCall(KSPSetOperators(P->kspp, P->P, P->P));
  PetscCall(KSPSetType(P->kspp, KSPCG));
  PetscCall(KSPGetPC(P->kspp, &pc));
  {
    /* geometric multigrid when the grid halves at least twice, else GAMG */
    PetscInt levels;
    PetscCall(NbNSPressureMultigridLevels(ns, &levels));
    PetscCall(PCSetType(pc, levels >= 3 ? PCMG : PCGAMG));
  }
  PetscCall(KSPSetTolerances(P->kspp, 1e-10, 1e-50, PETSC_DEFAULT, 1000));
  PetscCall(KSPSetInitialGuessNonzero(P->kspp, PETSC_TRUE));
  PetscCall(KSPSetFromOptions(P->kspp));
  PetscCall(NbNSPressureMultigrid(ns, P->kspp));
  PetscCall(KSPSetUp(P->kspu));
  PetscCall(KSPSetUp(P->kspp));

  for (PetscInt k = 0; k < 9; k++) PetscCall(DMCreateGlobalVector(ns->dm, &P->mac[k]));
  for (PetscInt k = 0; k < 4; k++) PetscCall(DMCreateGlobalVector(k < 2 ? ns->dmU : ns->dmP, &P->sub[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ProjectionDestroy(NbNSProj *P)
{
  PetscFunctionBegin;
  PetscCall(MatDestroy(&P->H));
  PetscCall(MatDestroy(&P->P));
  PetscCall(KSPDestroy(&P->kspu));
  PetscCall(KSPDestroy(&P->kspp));
  for (PetscInt k = 0; k < 9; k++) PetscCall(VecDestroy(&P->mac[k]));
  for (PetscInt k = 0; k < 4; k++) PetscCall(VecDestroy(&P->sub[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNSSolveProjection(NbNavierStokes ns)
{
  NbNSProj  P;
  double    t0 = NbWallTime(), t1;
  clock_t   c1;
  PetscReal t  = 0;
  PetscInt  step = 0, total, every;
  PetscBool march = ns->steady;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&P, sizeof(P)));
  PetscCall(ProjectionSetUp(ns, &P));
  PetscCall(NbNSFillState(ns, 0, NB_NS_FILL_INITIAL, P.Un));
  PetscCall(InitialPressure(ns, &P));
  ns->stats.dt         = ns->dt;
  ns->stats.wall_setup = NbWallTime() - t0;
  t1                   = NbWallTime();
  c1                   = clock();
  if (!march) {
    total = (PetscInt)PetscFloorReal(ns->tfinal / ns->dt + 0.5);
    every = total / (ns->nframes - 1);
    PetscCall(NbNSKeepFrame(ns, 0, P.Un));
    for (step = 1; step <= total && step <= ns->maxsteps; step++) {
      PetscCall(ProjectionStep(ns, &P, t, step == 1 ? PETSC_TRUE : PETSC_FALSE));
      t = step * ns->dt;
      PetscCall(CheckState(ns, &P, step, t));
      if (step % every == 0) PetscCall(KeepFrame(ns, &P, (step / every) * (ns->tfinal / (ns->nframes - 1)), step > 1));
    }
    step--;
    /* stopped by -ts_max_steps between output times: keep the last state too */
    if (step % every) PetscCall(KeepFrame(ns, &P, t, step > 1));
  } else {
    /* to the steady state: ||F(U)||_inf < -ns_steady_tol, checked every 10 steps */
    PetscInt  maxsteps = ns->maxsteps == PETSC_MAX_INT ? 1000000 : ns->maxsteps;
    PetscReal res      = PETSC_MAX_REAL;
    for (step = 1; step <= maxsteps; step++) {
      PetscCall(ProjectionStep(ns, &P, t, step == 1 ? PETSC_TRUE : PETSC_FALSE));
      t = step * ns->dt;
      PetscCall(CheckState(ns, &P, step, t));
      if (step % 10 == 0 || step == maxsteps) {
        PetscCall(NbNavierStokesComputeResidual(ns, t, P.Un, P.Fo));
        PetscCall(VecNorm(P.Fo, NORM_INFINITY, &res));
        PetscCall(PetscInfo(NULL, "march: step %d, t = %g, ||F||_inf = %g\n", (int)step, (double)t, (double)res));
        if (res < ns->steady_tol) break;
      }
    }
    PetscCheck(res < ns->steady_tol, ns->comm, PETSC_ERR_NOT_CONVERGED, "Time marching did not reach the steady state in %d steps (t = %g): ||F(U)||_inf = %g > -ns_steady_tol %g. Allow more steps (-ts_max_steps), a larger -ts_dt, or use -ns_steady_solver newton",
               (int)maxsteps, (double)t, (double)res, (double)ns->steady_tol);
    step = PetscMin(step, maxsteps);
    PetscCall(KeepFrame(ns, &P, t, PETSC_FALSE)); /* steady: p^{n+1/2} = p^{n-1/2} */
  }
  ns->stats.steps         = step;
  ns->stats.t             = t;
  ns->stats.time_per_step = step > 0 ? (NbWallTime() - t1) / step : 0;
  {
    PetscReal cpu = step > 0 ? (PetscReal)(clock() - c1) / CLOCKS_PER_SEC / step : 0;
    PetscCall(MPIU_Allreduce(&cpu, &ns->stats.cpu_per_step, 1, MPIU_REAL, MPIU_MAX, ns->comm));
  }
  PetscCall(ProjectionDestroy(&P));
  PetscFunctionReturn(PETSC_SUCCESS);
}
