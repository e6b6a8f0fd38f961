/* NbOperator's MSR loss and its training, for both types (lordnet, local),
   on a small grid (9 x 9 nodes unless -n) with the options of the ctest line.

   1. The loss value equals the MSR computed independently: the predictions
      (NbOperatorPredict) put into operators assembled here on the parallel
      grid by NbPoissonAssemble, mean ||A u - b||^2 / ||b||^2 over the batch,
      to 1e-12 relative (the same sums in another order and distribution).
   2. The gradient with respect to every parameter against central
      differences of the loss, h = 1e-5, to 1e-6 relative in the max norm:
      truncation ~h^2 |L'''| ~ 1e-10 and round-off ~eps |L| / h ~ 1e-11
      leave four orders of margin; a wrong A^T seed or a missing 2/||b||^2
      factor is an O(1) error.
   3. Data parallel: the Adam loss history of -opt_max_steps steps, and the
      loss after the -operator_lbfgs_its L-BFGS iterations that follow, on
      the world communicator equal those of a serial run on each rank to
      1e-10 relative (NbTestCompareHistories: the sums differ in order only;
      a few Adam steps and L-BFGS iterations do not amplify round-off beyond
      that). */
#include "nbtest.h"
#include "nboperator.h"

static PetscInt g_n = 9;

static PetscErrorCode CreateOperator(MPI_Comm comm, NbPoissonFamily fam, const char type[], NbOperator *op)
{
  PetscFunctionBegin;
  PetscCall(NbOperatorCreate(comm, op));
  PetscCall(NbOperatorSetType(*op, type));
  PetscCall(NbOperatorSetFamily(*op, fam, g_n, g_n));
  PetscCall(NbOperatorSetFromOptions(*op));
  PetscCall(NbOperatorSetUp(*op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the MSR of step 0's batch (samples 0..B-1) from predictions and independently assembled operators */
static PetscErrorCode IndependentMSR(NbOperator op, NbPoissonFamily fam, PetscInt B, PetscReal *msr)
{
  DM          da;
  Mat         A;
  Vec         kappa, f, b, u, r;
  PetscReal  *uall, rr, bb;
  PetscInt64 *idx;
  PetscInt    lo, hi;

  PetscFunctionBegin;
  PetscCall(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, g_n, g_n, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, &da));
  PetscCall(DMSetUp(da));
  PetscCall(DMCreateMatrix(da, &A));
  PetscCall(DMCreateGlobalVector(da, &kappa));
  PetscCall(VecDuplicate(kappa, &f));
  PetscCall(VecDuplicate(kappa, &b));
  PetscCall(VecDuplicate(kappa, &r));
  PetscCall(DMDACreateNaturalVector(da, &u));
  PetscCall(PetscMalloc2(B, &idx, B * g_n * g_n, &uall));
  for (PetscInt a = 0; a < B; a++) idx[a] = a;
  PetscCall(NbOperatorPredict(op, B, idx, uall)); /* every rank predicts the whole batch */
  *msr = 0;
  for (PetscInt a = 0; a < B; a++) {
    Vec ug;
    PetscCall(NbPoissonFamilyGetSample(fam, da, a, kappa, f));
    PetscCall(NbPoissonAssemble(da, kappa, f, A, b));
    PetscCall(VecGetOwnershipRange(u, &lo, &hi));
    for (PetscInt i = lo; i < hi; i++) PetscCall(VecSetValue(u, i, uall[a * g_n * g_n + i], INSERT_VALUES));
    PetscCall(VecAssemblyBegin(u));
    PetscCall(VecAssemblyEnd(u));
    PetscCall(DMGetGlobalVector(da, &ug));
    PetscCall(DMDANaturalToGlobalBegin(da, u, INSERT_VALUES, ug));
    PetscCall(DMDANaturalToGlobalEnd(da, u, INSERT_VALUES, ug));
    PetscCall(MatMult(A, ug, r));
    PetscCall(VecAXPY(r, -1, b));
    PetscCall(VecDot(r, r, &rr));
    PetscCall(VecDot(b, b, &bb));
    *msr += rr / bb / B;
    PetscCall(DMRestoreGlobalVector(da, &ug));
  }
  PetscCall(PetscFree2(idx, uall));
  PetscCall(VecDestroy(&kappa));
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&u));
  PetscCall(MatDestroy(&A));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckGradient(NbPoissonFamily fam, const char type[])
{
  NbOperator op;
  NbModel    m;
  PetscReal *p, *grad, *g0, L, Lp, Lm, msr = 0, h = 1e-5, gmax = 0, emax = 0;
  PetscInt   P, B = 8, nz = 0;

  PetscFunctionBegin;
  PetscCall(CreateOperator(PETSC_COMM_WORLD, fam, type, &op));
  PetscCall(NbOperatorGetModel(op, &m));
  /* the drawn initial parameters, not the operator's zero last layer, under
     which every other layer's gradient vanishes */
  PetscCall(NbModelInitialize(m));
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(NbModelGetParameterArray(m, &p));
  PetscCall(NbModelGetGradientArray(m, &grad));
  PetscCall(NbOperatorComputeLoss(op, 0, &L));
  PetscCall(PetscMalloc1(P, &g0));
  PetscCall(PetscArraycpy(g0, grad, P));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-operator_batch", &B, NULL)); /* the batch the operator read */
  PetscCall(IndependentMSR(op, fam, B, &msr));
  for (PetscInt i = 0; i < P; i++) {
    PetscReal p0 = p[i];
    p[i] = p0 + h;
    PetscCall(NbOperatorComputeLoss(op, 0, &Lp));
    p[i] = p0 - h;
    PetscCall(NbOperatorComputeLoss(op, 0, &Lm));
    p[i] = p0;
    nz += PetscAbsReal(g0[i]) > 0;
    gmax = PetscMax(gmax, PetscAbsReal((Lp - Lm) / (2 * h)));
    emax = PetscMax(emax, PetscAbsReal((Lp - Lm) / (2 * h) - g0[i]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-8s %d parameters (%d nonzero derivatives): MSR %.10e, independent %.10e (rel diff %.1e); gradient vs central differences: rel err %.2e\n", type, (int)P, (int)nz, (double)L, (double)msr, (double)PetscAbsReal(L / msr - 1), (double)(emax / gmax)));
  PetscCheck(PetscAbsReal(L / msr - 1) < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: the loss is not the MSR", type);
  PetscCheck(emax / gmax < 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: the MSR gradient disagrees with finite differences", type);
  PetscCheck(nz > P * 9 / 10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: only %d of %d derivatives are nonzero: the check would not see most layers", type, (int)nz, (int)P);
  PetscCall(PetscFree(g0));
  PetscCall(NbOperatorDestroy(&op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the Adam history, then the loss of step 0's batch after the whole training (Adam and L-BFGS) */
static PetscErrorCode History(MPI_Comm comm, NbPoissonFamily fam, const char type[], PetscInt *n, PetscReal **hist)
{
  NbOperator      op;
  NbOptimizer     opt;
  const PetscReal *h;

  PetscFunctionBegin;
  PetscCall(CreateOperator(comm, fam, type, &op));
  PetscCall(NbOperatorTrain(op));
  PetscCall(NbOperatorGetOptimizers(op, &opt, NULL));
  PetscCall(NbOptimizerGetHistory(opt, n, &h));
  PetscCall(PetscMalloc1(*n + 1, hist));
  PetscCall(PetscArraycpy(*hist, h, *n));
  PetscCall(NbOperatorComputeLoss(op, 0, &(*hist)[*n]));
  (*n)++;
  PetscCall(NbOperatorDestroy(&op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckParallel(NbPoissonFamily fam, const char type[])
{
  PetscReal *hw, *hs;
  PetscInt   nw, ns;

  PetscFunctionBegin;
  PetscCall(History(PETSC_COMM_WORLD, fam, type, &nw, &hw));
  PetscCall(History(PETSC_COMM_SELF, fam, type, &ns, &hs));
  PetscCheck(nw == ns && nw > 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "histories of %d and %d steps", (int)nw, (int)ns);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-8s loss after %d Adam steps %.12e, after L-BFGS %.12e (first %.6e)\n", type, (int)nw - 1, (double)hw[nw - 2], (double)hw[nw - 1], (double)hw[0]));
  PetscCheck(hw[nw - 1] < hw[0], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: the MSR did not decrease", type);
  PetscCall(NbTestCompareHistories(PETSC_COMM_WORLD, type, nw, hw, hs));
  PetscCall(PetscFree(hw));
  PetscCall(PetscFree(hs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  NbPoissonFamily fam;
  const char     *types[] = {"lordnet", "local"};
  PetscBool       grad = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &g_n, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-check_gradient", &grad, NULL));
  PetscCall(NbPoissonFamilyCreate(PETSC_COMM_WORLD, &fam));
  PetscCall(NbPoissonFamilySetFromOptions(fam));
  for (PetscInt t = 0; t < 2; t++) {
    if (grad) PetscCall(CheckGradient(fam, types[t]));
    PetscCall(CheckParallel(fam, types[t]));
  }
  PetscCall(NbPoissonFamilyDestroy(&fam));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
