/* The discrete operator that neural methods will train on: its Jacobian
   against finite differences of the residual (a Taylor test), for the steady
   operator F and the backward-Euler step residual R.
   F is a quadratic polynomial of U (advection quadratic, the rest linear),
   so the Taylor remainder r(e) = ||F(U + e V) - F(U) - e J V|| is exactly
   e^2 ||Q(V)||: r(e)/r(e/2) = 4 for a correct Jacobian (a wrong one leaves a
   first-order remainder: ratio 2). Tolerance [3.99, 4.01]: round-off in
   r(e) is ~1e-16 ||F|| / (e^2 ||Q||) ~ 1e-8 relative at e = 1e-3.
   Also: the step residual at U = Uold equals F on the interior velocity
   rows and on every other row (the time derivative term vanishes). */
#include "nbsys.h"
#include "nbnavierstokes.h"
#include "nbtest.h"

static PetscErrorCode Remainder(NbNavierStokes ns, PetscBool step, PetscReal dt, Vec Uold, Vec U, Vec V, Mat J, PetscReal e, PetscReal *r)
{
  Vec W, F0, F1, JV;

  PetscFunctionBegin;
  PetscCall(VecDuplicate(U, &W));
  PetscCall(VecDuplicate(U, &F0));
  PetscCall(VecDuplicate(U, &F1));
  PetscCall(VecDuplicate(U, &JV));
  PetscCall(VecWAXPY(W, e, V, U));
  if (step) {
    PetscCall(NbNavierStokesComputeStepResidual(ns, 0, dt, Uold, U, F0));
    PetscCall(NbNavierStokesComputeStepResidual(ns, 0, dt, Uold, W, F1));
  } else {
    PetscCall(NbNavierStokesComputeResidual(ns, 0, U, F0));
    PetscCall(NbNavierStokesComputeResidual(ns, 0, W, F1));
  }
  PetscCall(MatMult(J, V, JV));
  PetscCall(VecAXPY(F1, -1.0, F0));
  PetscCall(VecAXPY(F1, -e, JV));
  PetscCall(VecNorm(F1, NORM_2, r));
  PetscCall(VecDestroy(&W));
  PetscCall(VecDestroy(&F0));
  PetscCall(VecDestroy(&F1));
  PetscCall(VecDestroy(&JV));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  NbNavierStokes ns;
  Vec            U, V, Uold, F, R;
  Mat            J;
  PetscRandom    rnd;
  PetscReal      e = 1e-3, dt = 0.01, r1, r2, d;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, &ns));
  PetscCall(NbNavierStokesSetFromOptions(ns));
  PetscCall(NbNavierStokesSetUp(ns));
  PetscCall(NbNavierStokesCreateMatrix(ns, &J));
  PetscCall(MatCreateVecs(J, &U, NULL));
  PetscCall(VecDuplicate(U, &V));
  PetscCall(VecDuplicate(U, &Uold));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(VecDuplicate(U, &R));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 7));
  PetscCall(PetscRandomSeed(rnd));
  /* a state away from any solution: the initial state plus noise */
  PetscCall(NbNavierStokesComputeInitial(ns, U));
  PetscCall(VecSetRandom(V, rnd));
  PetscCall(VecAXPY(U, 0.5, V));
  PetscCall(VecSetRandom(V, rnd));
  PetscCall(VecSetRandom(Uold, rnd));

  PetscCall(NbNavierStokesComputeJacobian(ns, 0, U, J));
  PetscCall(Remainder(ns, PETSC_FALSE, dt, Uold, U, V, J, e, &r1));
  PetscCall(Remainder(ns, PETSC_FALSE, dt, Uold, U, V, J, e / 2, &r2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "F: Taylor remainders %.6e, %.6e, ratio %.6f\n", (double)r1, (double)r2, (double)(r1 / r2)));
  PetscCheck(r1 / r2 >= 3.99 && r1 / r2 <= 4.01, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Jacobian of F inconsistent with F: remainder ratio %.4f, expected 4", (double)(r1 / r2));

  PetscCall(NbNavierStokesComputeStepJacobian(ns, 0, dt, U, J));
  PetscCall(Remainder(ns, PETSC_TRUE, dt, Uold, U, V, J, e, &r1));
  PetscCall(Remainder(ns, PETSC_TRUE, dt, Uold, U, V, J, e / 2, &r2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "R: Taylor remainders %.6e, %.6e, ratio %.6f\n", (double)r1, (double)r2, (double)(r1 / r2)));
  PetscCheck(r1 / r2 >= 3.99 && r1 / r2 <= 4.01, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Jacobian of the step residual inconsistent: remainder ratio %.4f, expected 4", (double)(r1 / r2));

  /* R(Uold = U) = F exactly: same arithmetic up to one rounding of (U - U)/dt = 0 */
  PetscCall(NbNavierStokesComputeResidual(ns, 0, U, F));
  PetscCall(NbNavierStokesComputeStepResidual(ns, 0, dt, U, U, R));
  PetscCall(VecAXPY(R, -1.0, F));
  PetscCall(VecNorm(R, NORM_INFINITY, &d));
  PetscCall(VecNorm(F, NORM_INFINITY, &r1));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "R(U; U) - F(U): %.3e (||F|| %.3e)\n", (double)d, (double)r1));
  PetscCheck(d <= 1e-12 * r1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "step residual at U = Uold differs from F by %.3e", (double)d);

  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&U));
  PetscCall(VecDestroy(&V));
  PetscCall(VecDestroy(&Uold));
  PetscCall(VecDestroy(&F));
  PetscCall(VecDestroy(&R));
  PetscCall(MatDestroy(&J));
  PetscCall(NbNavierStokesDestroy(&ns));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
