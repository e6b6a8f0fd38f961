/* Uncertain PINNs on a small Burgers problem:
   -test_mode layout: the ensemble's predicted mean and std on all ranks
     (members on rank groups, data-parallel inside) equal those computed by
     every rank alone with all members in turn, to -test_tol relative
     (round-off of the data-parallel sums over a short Adam run);
   -test_mode dropout0: MC dropout with p = 0 predicts exactly what the
     deterministic PINN with the same seed predicts, with zero spread;
   -test_mode perturb: a member's data perturbation (randomize-then-optimize)
     is a fresh N(0, s^2) draw, s = -pinn_noise x RMS of the data: over the
     N = 100 initial/boundary values its sample RMS is within 30% of s (the
     sample RMS of N normals has relative sd 1/sqrt(2N) = 7%: > 4 sd) and its
     mean within 4 s/sqrt(N); the same seed gives the same draw whatever the
     number of ranks, another seed another draw. */
#include "nbtest.h"

static PetscErrorCode Factory(MPI_Comm comm, NbPINN *pinn, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbTestPINN(comm, (NbProblem)ctx, pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Predict(MPI_Comm comm, NbProblem prob, PetscInt n, const PetscReal x[], PetscReal mean[], PetscReal std[])
{
  NbUQ uq;

  PetscFunctionBegin;
  PetscCall(NbUQCreate(comm, &uq));
  PetscCall(NbUQSetFactory(uq, Factory, prob));
  PetscCall(NbUQSetFromOptions(uq));
  PetscCall(NbUQSetUp(uq));
  PetscCall(NbUQRun(uq));
  /* every rank asks for the same n points as its own block of a list of n */
  PetscCall(NbUQPredict(uq, n, 0, n, x, mean, std));
  PetscCall(NbUQDestroy(&uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* sums over the initial/boundary values of PINNs on comm: e = perturbed
   (seed 5) - unperturbed; a = {sum e, sum e^2, sum u^2, count, sum of
   squared differences between seeds 6 and 5} */
static PetscErrorCode Perturbation(MPI_Comm comm, NbProblem prob, PetscReal a[5])
{
  NbPINN           q[3];
  const NbPDE     *pde;
  const PetscReal *u[3][2];
  PetscInt64       nI, nB;
  PetscInt         nout;
  PetscInt64       seeds[3] = {-1, 5, 6};

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(prob, &pde));
  nout = pde->nout;
  for (int k = 0; k < 3; k++) {
    PetscCall(NbTestPINN(comm, prob, &q[k]));
    PetscCall(NbPINNSetDataPerturbation(q[k], seeds[k]));
    PetscCall(NbPINNSetUp(q[k]));
    PetscCall(NbPINNGetBoundaryValues(q[k], &nI, &u[k][0], &nB, &u[k][1]));
  }
  /* the sets are whole on every rank: each rank sums its block */
  for (int k = 0; k < 5; k++) a[k] = 0;
  for (int f = 0; f < 2; f++) {
    PetscInt64 off;
    PetscInt   nloc;
    PetscCall(NbPartition(comm, (f ? nB : nI) * nout, &off, &nloc));
    for (PetscInt64 i = off; i < off + nloc; i++) {
      PetscReal e = u[1][f][i] - u[0][f][i];
      a[0] += e;
      a[1] += e * e;
      a[2] += u[0][f][i] * u[0][f][i];
      a[3] += 1;
      a[4] += PetscSqr(u[2][f][i] - u[1][f][i]);
    }
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, a, 5, MPIU_REAL, MPIU_SUM, comm));
  for (int k = 0; k < 3; k++) PetscCall(NbPINNDestroy(&q[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      mode[32] = "layout";
  PetscReal tol = 1e-9, x[2 * 64], m1[64], s1[64], m2[64], s2[64], dm = 0, ds = 0, scale = 0;
  PetscInt  n = 64;
  NbProblem b;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "burgers", PETSC_FALSE, &b));
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
  } else if (!strcmp(mode, "perturb")) {
    PetscReal a[5], a1[5], noise = 0.01, sc, rms, mean;
    PetscCall(PetscOptionsGetReal(NULL, NULL, "-pinn_noise", &noise, NULL));
    PetscCall(Perturbation(PETSC_COMM_WORLD, b, a));
    PetscCall(Perturbation(PETSC_COMM_SELF, b, a1));
    sc   = noise * PetscSqrtReal(a[2] / a[3]);
    rms  = PetscSqrtReal(a[1] / a[3]);
    mean = a[0] / a[3];
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "perturbation of %d values: RMS %.4e, mean %.2e, expected scale %.4e; all ranks vs one: sums of squares differ by %.1e; another seed: RMS difference %.3e\n", (int)a[3], (double)rms, (double)mean, (double)sc, (double)PetscAbsReal(a[1] - a1[1]), (double)PetscSqrtReal(a[4] / a[3])));
    PetscCheck(PetscAbsReal(rms / sc - 1) <= 0.3 && PetscAbsReal(mean) <= 4 * sc / PetscSqrtReal(a[3]), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the perturbation is not N(0, s^2)");
    PetscCheck(a[4] > 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "another seed gave the same perturbation");
    PetscCheck(a1[3] == a[3] && PetscAbsReal(a[1] - a1[1]) <= 1e-13 * a1[1], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the perturbation depends on the number of ranks");
  } else {
    NbPINN pinn;
    PetscCall(PetscOptionsSetValue(NULL, "-uq", "mcdropout"));
    PetscCall(PetscOptionsSetValue(NULL, "-uq_dropout", "0"));
    PetscCall(Predict(PETSC_COMM_WORLD, b, n, x, m1, s1));
    PetscCall(NbTestPINN(PETSC_COMM_WORLD, b, &pinn));
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
  PetscCall(NbProblemDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
