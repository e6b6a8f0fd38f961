/* The PINN's loss as a sum of squares and the least-squares optimizers
   after Adam (-pinn_optimizer gn|lm), on 1-D Burgers.

   -test_mode jacobian (untrained 2 x 6 network, soft conditions: residual,
     initial and boundary rows): NbPINNComputeResidualJacobian against
     central differences of the residual rows in every parameter (h = 1e-5:
     truncation ~h^2 |r'''| ~ 1e-10, round-off ~eps/h ~ 1e-11; tolerance
     1e-7 of max |J|); the rows' sum of squares against the loss of
     NbPINNComputeLossGradient and 2 J^T r against its gradient (the same
     sums in another order: 1e-12 relative).
   -test_mode train: Adam, then -pinn_optimizer_steps of gn or lm. Every
     accepted lm step must lower the loss (the gain ratio accepts no
     increase), and the relative L2 error against the PETSc reference must
     not exceed -test_tol.
   -test_mode ranks: the gn/lm loss history on all ranks against the one
     of every rank alone (PETSC_COMM_SELF): the dense solves sum in another
     order; tolerance -test_tol (relative). */
#include "nbtest.h"

static PetscErrorCode Check(const char *what, PetscReal got, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &got, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-62s %.3e (tolerance %.1e) %s\n", what, (double)got, (double)tol, got <= tol ? "ok" : "FAIL"));
  PetscCheck(got <= tol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %g exceeds %g", what, (double)got, (double)tol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckJacobian(NbPINN pinn)
{
  PetscInt   n, P;
  PetscReal *r, *J, *rp, *rm, *th, *grad, loss, sum = 0, h = 1e-5, fd = 0, jmax = 0, gerr = 0, gmax = 0;

  PetscFunctionBegin;
  PetscCall(NbPINNGetNumParameters(pinn, &P));
  PetscCall(NbPINNComputeResidualJacobian(pinn, &n, NULL, NULL));
  PetscCall(PetscMalloc6(n, &r, (size_t)n * P, &J, n, &rp, n, &rm, P, &th, P, &grad));
  PetscCall(NbPINNComputeResidualJacobian(pinn, &n, r, J));
  PetscCall(NbPINNGetParameters(pinn, th));
  for (PetscInt j = 0; j < P; j++) {
    PetscReal t0 = th[j];
    th[j]        = t0 + h;
    PetscCall(NbPINNSetParameters(pinn, th));
    PetscCall(NbPINNComputeResidualJacobian(pinn, &n, rp, NULL));
    th[j] = t0 - h;
    PetscCall(NbPINNSetParameters(pinn, th));
    PetscCall(NbPINNComputeResidualJacobian(pinn, &n, rm, NULL));
    th[j] = t0;
    for (PetscInt i = 0; i < n; i++) {
      fd   = PetscMax(fd, PetscAbsReal(J[(size_t)i * P + j] - (rp[i] - rm[i]) / (2 * h)));
      jmax = PetscMax(jmax, PetscAbsReal(J[(size_t)i * P + j]));
    }
  }
  PetscCall(NbPINNSetParameters(pinn, th));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &jmax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(Check("PINN residual Jacobian against central differences / max |J|", fd / jmax, 1e-7));
  PetscCall(NbPINNComputeLossGradient(pinn, &loss, grad));
  for (PetscInt i = 0; i < n; i++) sum += r[i] * r[i];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &sum, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  PetscCall(Check("sum of squared rows against the PINN's loss (relative)", PetscAbsReal(sum - loss) / loss, 1e-12));
  for (PetscInt j = 0; j < P; j++) {
    PetscReal gj = 0;
    for (PetscInt i = 0; i < n; i++) gj += 2 * J[(size_t)i * P + j] * r[i];
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &gj, 1, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
    gerr = PetscMax(gerr, PetscAbsReal(gj - grad[j]));
    gmax = PetscMax(gmax, PetscAbsReal(grad[j]));
  }
  PetscCall(Check("2 J^T r against the PINN's gradient / max |grad|", gerr / gmax, 1e-12));
  PetscCall(PetscFree6(r, J, rp, rm, th, grad));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the loss history of the phase after Adam, on comm */
static PetscErrorCode History(MPI_Comm comm, NbProblem prob, PetscInt *n, PetscReal **h, PetscReal *err, NbPINN *keep)
{
  NbPINN           pinn;
  NbPINNStats      st;
  PetscInt         nh;
  const PetscReal *hist;

  PetscFunctionBegin;
  PetscCall(NbTestPINN(comm, prob, &pinn));
  PetscCall(NbPINNTrain(pinn));
  PetscCall(NbPINNGetStats(pinn, &st));
  PetscCall(NbPINNGetLossHistory(pinn, &nh, &hist));
  *n = nh - st.adam_steps;
  PetscCall(PetscMalloc1(*n + 1, h));
  PetscCall(PetscArraycpy(*h, hist + st.adam_steps, *n));
  (*h)[*n] = st.loss; /* after the last step */
  if (keep) *keep = pinn;
  else PetscCall(NbPINNDestroy(&pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      mode[32] = "jacobian";
  PetscReal tol = 1;
  NbProblem prob;
  NbPINN    pinn;
  PetscBool jac, ranks;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscStrcmp(mode, "jacobian", &jac));
  PetscCall(PetscStrcmp(mode, "ranks", &ranks));
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "burgers", (PetscBool)!jac, &prob));
  if (jac) {
    PetscCall(NbTestPINN(PETSC_COMM_WORLD, prob, &pinn));
    PetscCall(NbPINNSetUp(pinn));
    PetscCall(CheckJacobian(pinn));
    PetscCall(NbPINNDestroy(&pinn));
  } else if (ranks) {
    PetscInt   nw, ns;
    PetscReal *hw, *hs, d = 0;
    PetscCall(History(PETSC_COMM_WORLD, prob, &nw, &hw, NULL, NULL));
    PetscCall(History(PETSC_COMM_SELF, prob, &ns, &hs, NULL, NULL));
    PetscCheck(nw == ns && nw > 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%d steps on all ranks, %d alone", (int)nw, (int)ns);
    for (PetscInt k = 0; k <= nw; k++) d = PetscMax(d, PetscAbsReal(hw[k] - hs[k]) / hs[k]);
    PetscCall(Check("loss history after Adam, all ranks vs one (relative)", d, tol));
    PetscCall(PetscFree(hw));
    PetscCall(PetscFree(hs));
  } else {
    PetscInt   n;
    PetscReal *h, up = 0;
    PetscCall(History(PETSC_COMM_WORLD, prob, &n, &h, NULL, &pinn));
    for (PetscInt k = 0; k < n; k++) up = PetscMax(up, (h[k + 1] - h[k]) / h[k]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "loss after Adam %.4e, after %d steps %.4e\n", (double)h[0], (int)n, (double)h[n]));
    PetscCall(Check("largest relative increase of the loss in a step", PetscMax(up, 0), 0));
    PetscCall(NbTestCheckPINNError(prob, pinn, 1, NULL, NULL, "PINN relative L2 error against the PETSc reference, all frames", tol));
    PetscCall(PetscFree(h));
    PetscCall(NbPINNDestroy(&pinn));
  }
  PetscCall(NbProblemDestroy(&prob));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
