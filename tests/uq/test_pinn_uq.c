/* Uncertain PINNs on a small Burgers problem:
   -test_mode layout: the ensemble's predicted mean and std on all ranks
     (members on rank groups, data-parallel inside) equal those computed by
     every rank alone with all members in turn, to -test_tol relative
     (round-off of the data-parallel sums over a short Adam run);
   -test_mode dropout0: MC dropout with p = 0 predicts exactly what the
     deterministic PINN with the same seed predicts, with zero spread. */
#include "nabla.h"
#include "nbpinn.h"

static PetscErrorCode Predict(MPI_Comm comm, NbBurgers b, PetscInt n, const PetscReal x[], PetscReal mean[], PetscReal std[])
{
  NbPINNUQ      uq;
  NbPINNProblem prob;

  PetscFunctionBegin;
  PetscCall(NbBurgersPINNProblem(b, &prob));
  PetscCall(NbPINNUQCreate(comm, &uq));
  PetscCall(NbPINNUQSetProblem(uq, &prob));
  PetscCall(NbPINNUQSetFromOptions(uq));
  PetscCall(NbPINNUQRun(uq));
  /* every rank asks for the same n points as its own block of a list of n */
  PetscCall(NbPINNUQPredict(uq, n, 0, n, x, mean, std));
  PetscCall(NbPINNUQDestroy(&uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      mode[32] = "layout";
  PetscReal tol = 1e-9, x[2 * 64], m1[64], s1[64], m2[64], s2[64], dm = 0, ds = 0, scale = 0;
  PetscInt  n = 64;
  NbBurgers b;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(NbBurgersCreate(PETSC_COMM_WORLD, &b));
  PetscCall(NbBurgersSetFromOptions(b));
  PetscCall(NbBurgersSetUp(b));
  for (PetscInt i = 0; i < n; i++) { /* a space-time lattice */
    x[2 * i]     = -1 + 2.0 * (i % 8 + 0.5) / 8;
    x[2 * i + 1] = 1.0 * (i / 8 + 0.5) / 8;
  }
  if (!strcmp(mode, "layout")) {
    PetscCall(Predict(PETSC_COMM_WORLD, b, n, x, m1, s1));
    PetscCall(Predict(PETSC_COMM_SELF, b, n, x, m2, s2));
    for (PetscInt i = 0; i < n; i++) {
      dm    = PetscMax(dm, PetscAbsReal(m1[i] - m2[i]));
      ds    = PetscMax(ds, PetscAbsReal(s1[i] - s2[i]));
      scale = PetscMax(scale, PetscAbsReal(m2[i]));
    }
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &dm, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &ds, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "ensemble on all ranks vs one rank: max |mean diff| %.2e, max |std diff| %.2e (|mean| up to %.2f, mean std %.2e)\n", (double)dm, (double)ds, (double)scale, (double)s2[n / 2]));
    PetscCheck(dm <= tol * scale && ds <= tol * scale, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the ensemble depends on the rank layout beyond %g", (double)tol);
  } else {
    NbPINN        pinn;
    NbPINNProblem prob;
    PetscCall(PetscOptionsSetValue(NULL, "-uq", "mcdropout"));
    PetscCall(PetscOptionsSetValue(NULL, "-uq_dropout", "0"));
    PetscCall(Predict(PETSC_COMM_WORLD, b, n, x, m1, s1));
    PetscCall(NbPINNCreate(PETSC_COMM_WORLD, &pinn));
    PetscCall(NbBurgersPINNProblem(b, &prob));
    PetscCall(NbPINNSetProblem(pinn, &prob));
    PetscCall(NbPINNSetFromOptions(pinn));
    PetscCall(NbPINNSetUp(pinn));
    PetscCall(NbPINNTrain(pinn));
    PetscCall(NbPINNEvaluate(pinn, n, x, m2));
    for (PetscInt i = 0; i < n; i++) {
      dm = PetscMax(dm, PetscAbsReal(m1[i] - m2[i]));
      ds = PetscMax(ds, s1[i]);
    }
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "MC dropout p = 0: max |mean - deterministic| %.2e, max std %.2e\n", (double)dm, (double)ds));
    /* the same arithmetic in the same order: equal bit for bit */
    PetscCheck(dm == 0 && ds == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "MC dropout with p = 0 is not the deterministic network");
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
