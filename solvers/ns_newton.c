/* Steady states by Newton's method on F(U) = 0 (SNES), with the exact
   Jacobian and natural continuation in the Reynolds number when the target
   is far from the start (Keller 1977: each converged state is the initial
   guess of the next, larger Re; a failed stage is retried with a smaller
   increment).

   The Jacobian of the honest operator is singular: the pressure is defined
   up to a constant. The matrix handed to the linear solver replaces the
   continuity row of cell (0,0) by the pressure of that cell; the continuity
   rows sum to the net wall inflow, which is exactly zero, so the dropped
   row is implied by the others and Newton still converges on all of F.
   Linear solves: -ksp_type/-pc_type; default FGMRES with a sparse direct LU
   (MUMPS) preconditioner, or PCFIELDSPLIT with the splits "u" (velocity)
   and "p" (pressure): -pc_type fieldsplit -fieldsplit_u_pc_type ... */
#include "ns_impl.h"

static PetscErrorCode FormFunction(SNES snes, Vec U, Vec F, void *ctx)
{
  NbNavierStokes ns = (NbNavierStokes)ctx;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesComputeResidual(ns, 0, U, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FormJacobian(SNES snes, Vec U, Mat J, Mat P, void *ctx)
{
  NbNavierStokes ns = (NbNavierStokes)ctx;

  PetscFunctionBegin;
  PetscCall(NbNSAssemble(ns, 0, U, NB_NS_MAT_NEWTON, 0, 0, P));
  if (J != P) {
    PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetReynolds(NbNavierStokes ns, PetscReal re)
{
  PetscFunctionBegin;
  ns->re = re;
  ns->nu = 1.0 / re;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNSSolveNewton(NbNavierStokes ns)
{
  SNES      snes;
  KSP       ksp;
  PC        pc;
  Mat       J;
  Vec       U, Uprev;
  PetscBool isfs;
  PetscReal target = ns->re, re, re_done, factor = 2;
  double    t0     = NbWallTime();

  PetscFunctionBegin;
  PetscCall(NbNavierStokesCreateMatrix(ns, &J));
  PetscCall(DMCreateGlobalVector(ns->dm, &U));
  PetscCall(VecDuplicate(U, &Uprev));
  PetscCall(SNESCreate(ns->comm, &snes));
  PetscCall(SNESSetDM(snes, ns->dm));
  PetscCall(SNESSetFunction(snes, NULL, FormFunction, ns));
  PetscCall(SNESSetJacobian(snes, J, J, FormJacobian, ns));
  PetscCall(SNESSetTolerances(snes, 1e-10, 1e-10, 0.0, 50, PETSC_DEFAULT));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPFGMRES));
  PetscCall(KSPSetTolerances(ksp, 1e-12, 1e-14, PETSC_DEFAULT, 200));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCLU));
#if defined(PETSC_HAVE_MUMPS)
  PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
#endif
  PetscCall(SNESSetFromOptions(snes));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCFIELDSPLIT, &isfs));
  if (isfs) {
    PetscCall(PCFieldSplitSetIS(pc, "u", ns->isu));
    PetscCall(PCFieldSplitSetIS(pc, "p", ns->isp));
  }
  ns->stats.wall_setup = NbWallTime() - t0;

  /* from rest (wall data only): a transient initial state (Kolmogorov's
     random field) is no better a guess for a steady state, and worse for Newton */
  PetscCall(NbNSFillState(ns, 0, NB_NS_FILL_WALL, U));
  re      = target > ns->re_start ? ns->re_start : target;
  re_done = 0;
  while (PETSC_TRUE) {
    SNESConvergedReason reason;
    PetscInt            its, lits;

    PetscCall(SetReynolds(ns, re));
    PetscCall(VecCopy(U, Uprev));
    PetscCall(SNESSolve(snes, NULL, U));
    PetscCall(SNESGetConvergedReason(snes, &reason));
    PetscCall(SNESGetIterationNumber(snes, &its));
    PetscCall(SNESGetLinearSolveIterations(snes, &lits));
    ns->count.newton_its += its;
    ns->count.linear_its += lits;
    if (reason > 0) {
      ns->count.stages++;
      PetscCall(PetscInfo(NULL, "Newton: Re = %g converged in %d iterations\n", (double)re, (int)its));
      if (re >= target) break;
      re_done = re;
      re      = PetscMin(target, re * factor);
      continue;
    }
    /* failed: back to the last converged state, smaller Re increment */
    PetscCall(VecCopy(Uprev, U));
    PetscCheck(re_done > 0 && factor > 1.02, ns->comm, PETSC_ERR_NOT_CONVERGED,
               "Newton's method did not converge at Re = %g (%s after %d iterations)%s: march to the steady state in time instead (-ns_steady_solver march), start the Re continuation lower (-ns_re_start), or refine the grid",
               (double)re, SNESConvergedReasons[reason], (int)its, re_done > 0 ? " even with small Re increments" : "");
    factor = PetscSqrtReal(factor);
    re     = PetscMin(target, re_done * factor);
  }
  PetscCall(SetReynolds(ns, target));
  PetscCall(NbNSKeepFrame(ns, 0, U));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&Uprev));
  PetscCall(MatDestroy(&J));
  PetscCall(SNESDestroy(&snes));
  PetscFunctionReturn(PETSC_SUCCESS);
}
