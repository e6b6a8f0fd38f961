/* Burgers PINNs with short budgets, each asserting a number against an
   independent reference:
   -test_mode accuracy: relative L2 error of the PINN against the PETSc
     reference on the reference grid at every frame must not exceed
     -test_tol (and, inverse, nu and lambda within -test_coef_tol);
   -test_mode hard: with -pinn_bc hard the network meets u(0,x) = -sin(pi x)
     and u(t,+-1) = 0 to round-off, whatever its weights;
   -test_mode ranks: the loss history of -pinn_adam_steps steps on all ranks
     equals the one computed by every rank alone (PETSC_COMM_SELF) to 1e-10
     relative (data-parallel sums differ only in summation order). */
#include "nabla.h"
#include "nbpinn.h"

static PetscErrorCode PINNError(NbBurgers b, NbPINN pinn, PetscReal *err)
{
  PetscInt         nf, dim;
  const PetscReal *tf;
  Vec             *U;
  DM               da;
  DMDALocalInfo    info;
  PetscReal        lo[2], hi[2], acc[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetLocalInfo(da, &info));
  for (PetscInt k = 0; k < nf; k++) {
    PetscInt           n = info.xm * (dim == 2 ? info.ym : 1), m = 0;
    PetscReal         *x, *u;
    const PetscScalar *a;
    PetscCall(PetscMalloc2(n * (dim + 1), &x, n * dim, &u));
    for (PetscInt j = 0; j < (dim == 2 ? info.ym : 1); j++)
      for (PetscInt i = 0; i < info.xm; i++, m++) {
        x[m * (dim + 1)] = lo[0] + (info.xs + i) * (hi[0] - lo[0]) / (info.mx - 1);
        if (dim == 2) x[m * (dim + 1) + 1] = lo[1] + (info.ys + j) * (hi[1] - lo[1]) / (info.my - 1);
        x[m * (dim + 1) + dim] = tf[k];
      }
    PetscCall(NbPINNEvaluate(pinn, n, x, u));
    PetscCall(VecGetArrayRead(U[k], &a));
    for (PetscInt i = 0; i < n * dim; i++) {
      acc[0] += PetscSqr(u[i] - a[i]);
      acc[1] += PetscSqr(a[i]);
    }
    PetscCall(VecRestoreArrayRead(U[k], &a));
    PetscCall(PetscFree2(x, u));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, acc, 2, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  *err = PetscSqrtReal(acc[0] / acc[1]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Observations: every node of every frame after t = 0 (clean), this rank's DMDA block. */
static PetscErrorCode AllObservations(NbBurgers b, NbPINN pinn)
{
  PetscInt         nf, n, m = 0;
  const PetscReal *tf;
  Vec             *U;
  DM               da;
  DMDALocalInfo    info;
  PetscReal        lo[1], hi[1], *x, *u;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetLocalInfo(da, &info));
  n = info.xm * (nf - 1);
  PetscCall(PetscMalloc2(2 * n, &x, n, &u));
  for (PetscInt k = 1; k < nf; k++) {
    const PetscScalar *a;
    PetscCall(VecGetArrayRead(U[k], &a));
    for (PetscInt i = 0; i < info.xm; i++, m++) {
      x[2 * m]     = lo[0] + (info.xs + i) * (hi[0] - lo[0]) / (info.mx - 1);
      x[2 * m + 1] = tf[k];
      u[m]         = a[i];
    }
    PetscCall(VecRestoreArrayRead(U[k], &a));
  }
  PetscCall(NbPINNSetData(pinn, n, x, u));
  PetscCall(PetscFree2(x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LossHistory(MPI_Comm comm, NbBurgers b, PetscInt nsteps, PetscReal hist[])
{
  NbPINN        pinn;
  NbPINNProblem prob;

  PetscFunctionBegin;
  PetscCall(NbPINNCreate(comm, &pinn));
  PetscCall(NbBurgersPINNProblem(b, &prob));
  PetscCall(NbPINNSetProblem(pinn, &prob));
  PetscCall(NbPINNSetFromOptions(pinn));
  PetscCall(NbPINNSetUp(pinn));
  PetscCall(NbPINNTrain(pinn));
  {
    PetscInt         n;
    const PetscReal *l;
    PetscCall(NbPINNGetLossHistory(pinn, &n, &l));
    PetscCheck(n >= nsteps, comm, PETSC_ERR_PLIB, "only %d steps in the history", (int)n);
    PetscCall(PetscArraycpy(hist, l, nsteps));
  }
  PetscCall(NbPINNDestroy(&pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      mode[32] = "accuracy";
  PetscReal tol = 1, ctol = 1, err = -1;
  NbBurgers b;
  NbPINN    pinn;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_coef_tol", &ctol, NULL));
  PetscCall(NbBurgersCreate(PETSC_COMM_WORLD, &b));
  PetscCall(NbBurgersSetFromOptions(b));
  PetscCall(NbBurgersSetUp(b));
  PetscCall(NbBurgersSolveReference(b));

  if (!strcmp(mode, "ranks")) {
    PetscInt   nsteps = 20;
    PetscReal *hw, *hs, maxrel = 0;
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-pinn_adam_steps", &nsteps, NULL));
    PetscCall(PetscMalloc2(nsteps, &hw, nsteps, &hs));
    PetscCall(LossHistory(PETSC_COMM_WORLD, b, nsteps, hw));
    PetscCall(LossHistory(PETSC_COMM_SELF, b, nsteps, hs));
    for (PetscInt k = 0; k < nsteps; k++) maxrel = PetscMax(maxrel, PetscAbsReal(hw[k] - hs[k]) / hs[k]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "loss history over %d steps: first %.10e, last %.10e; max relative difference all ranks vs one rank %.2e\n", (int)nsteps, (double)hw[0], (double)hw[nsteps - 1], (double)maxrel));
    PetscCheck(maxrel < 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "loss histories differ by %g", (double)maxrel);
    PetscCall(PetscFree2(hw, hs));
  } else {
    NbPINNProblem prob;
    PetscBool     inverse;
    PetscCall(NbPINNCreate(PETSC_COMM_WORLD, &pinn));
    PetscCall(NbBurgersPINNProblem(b, &prob));
    PetscCall(NbPINNSetProblem(pinn, &prob));
    PetscCall(NbPINNSetFromOptions(pinn));
    PetscCall(NbPINNGetInverse(pinn, &inverse));
    if (inverse) PetscCall(AllObservations(b, pinn));
    PetscCall(NbPINNSetUp(pinn));
    if (!strcmp(mode, "hard")) {
      /* untrained network: the constraint holds by construction */
      PetscReal x[4 * 21], u[2 * 21], maxdev = 0;
      for (PetscInt i = 0; i <= 20; i++) {
        x[2 * i]           = -1 + 0.1 * i, x[2 * i + 1] = 0;          /* t = 0 */
        x[42 + 2 * i]      = i % 2 ? 1.0 : -1.0, x[43 + 2 * i] = 0.05 * i; /* x = +-1 */
      }
      PetscCall(NbPINNEvaluate(pinn, 42, x, u));
      for (PetscInt i = 0; i <= 20; i++) {
        maxdev = PetscMax(maxdev, PetscAbsReal(u[i] + PetscSinReal(PETSC_PI * x[2 * i])));
        maxdev = PetscMax(maxdev, PetscAbsReal(u[21 + i]));
      }
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "hard constraint: largest deviation from the initial/boundary data %.2e\n", (double)maxdev));
      /* round-off of sin and of (1 - x^2) t N with |N| = O(1) */
      PetscCheck(maxdev < 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "hard constraint violated by %g", (double)maxdev);
    } else {
      PetscCall(NbPINNTrain(pinn));
      PetscCall(PINNError(b, pinn, &err));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "PINN relative L2 error against the PETSc reference, all frames: %.4e (tolerance %.1e)\n", (double)err, (double)tol));
      PetscCheck(err <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "PINN error %g above %g", (double)err, (double)tol);
      if (inverse) {
        PetscReal nu, lam, nutrue;
        PetscCall(NbPINNGetCoefficient(pinn, 0, &nu));
        PetscCall(NbPINNGetCoefficient(pinn, 1, &lam));
        PetscCall(NbBurgersGetViscosity(b, &nutrue));
        PetscCall(PetscPrintf(PETSC_COMM_WORLD, "identified nu %.6g (true %.6g, rel. error %.2e), lambda %.6f (true 1)\n", (double)nu, (double)nutrue, (double)(PetscAbsReal(nu - nutrue) / nutrue), (double)lam));
        PetscCheck(PetscAbsReal(nu - nutrue) / nutrue <= ctol && PetscAbsReal(lam - 1) <= ctol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "coefficients off by more than %g", (double)ctol);
      }
    }
    PetscCall(NbPINNDestroy(&pinn));
  }
  PetscCall(NbBurgersDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, NULL));
  PetscCall(Run());
  PetscCall(NbFinalize());
  return 0;
}
