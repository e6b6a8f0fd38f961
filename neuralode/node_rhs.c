/* The network as a TS right-hand side: f(y, t) on this rank's members, and
   the two shell matrices the adjoint multiplies with.

   J = df/dy is block diagonal (each member's dim x dim block depends on
   that member alone). J^T w is one backward pass of the graph with the
   loss sum(w .* f): its input gradient is J^T w and its parameter gradient
   (df/dtheta)^T w, kept for the parameter shell, which TS multiplies with
   the same w right after (RK and theta adjoints, as in PNODE's shells). J v
   (Newton-Krylov in implicit integrators) applies the blocks, built from
   dim backward passes once per linearisation state and reused by every
   Krylov iteration. TS scales and shifts the shells (shift I - J for
   implicit stages, -df/dtheta): the shells keep those factors themselves
   and the Jacobian callbacks, which mean "a new linearisation", reset them. */
#include "nodeimpl.h"

/* A non-finite adjoint is noted locally with the (latest, since the sweeps
   run backwards) time it appeared at; one rank stops there, several report
   it together when the adjoint is done: one reduction per gradient, none
   per step (on a loaded machine every collective can cost a time slice). */
PetscErrorCode NbNODENoteNonFinite_Private(NbNODE node, Vec v, PetscReal t)
{
  const PetscReal *a;
  PetscInt         n;
  PetscBool        bad = PETSC_FALSE;

  PetscFunctionBegin;
  if (node->badt > PETSC_MIN_REAL) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecGetArrayRead(v, &a));
  for (PetscInt i = 0; i < n && !bad; i++) bad = PetscIsInfOrNanReal(a[i]);
  PetscCall(VecRestoreArrayRead(v, &a));
  if (bad) node->badt = t;
  if (node->size == 1) PetscCall(NbNODECheckNonFinite_Private(node));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODECheckNonFinite_Private(NbNODE node)
{
  PetscReal t = node->badt;

  PetscFunctionBegin;
  if (node->size > 1) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPIU_REAL, MPIU_MAX, node->comm));
  PetscCheck(t <= PETSC_MIN_REAL, node->comm, PETSC_ERR_FP, "NbNODE: the adjoint is not finite (NaN or Inf) at t = %g: the network's vector-Jacobian product overflowed or the loss is not finite there; check the targets and the initial state, or take smaller steps (-%sts_dt)", (double)t, node->prefix);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* graph input rows from a local state array */
static PetscErrorCode SetState(NbNODE node, PetscReal t, const PetscReal y[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < node->nloc; i++) {
    for (PetscInt c = 0; c < node->dim; c++) node->xin[i * node->nin + c] = y[i * node->dim + c];
    if (node->nin > node->dim) node->xin[i * node->nin + node->dim] = t;
  }
  PetscCall(NbGraphSetInputPartitioned(node->g, node->X, node->nloc, 0, node->nloc, node->xin));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHSFunction(TS ts, PetscReal t, Vec U, Vec F, void *ctx)
{
  NbNODE           node = (NbNODE)ctx;
  const PetscReal *u;
  PetscReal       *f;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(SetState(node, t, u));
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(NbGraphForward(node->g));
  PetscCall(VecGetArray(F, &f));
  PetscCall(NbGraphGetValues(node->g, node->F, NULL, f));
  PetscCall(VecRestoreArray(F, &f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the linearisation state; a new one invalidates the cached passes */
static PetscErrorCode StoreState(NbNODE node, PetscReal t, Vec U)
{
  const PetscReal *u;
  PetscBool        same;
  PetscInt         n = node->nloc * node->dim;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(U, &u));
  PetscCall(PetscArraycmp(u, node->ystate, n, &same));
  if (!same || t != node->tstate || node->stateid == 0) {
    PetscCall(PetscArraycpy(node->ystate, u, n));
    node->tstate = t;
    node->stateid++;
  }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHSJacobian(TS ts, PetscReal t, Vec U, Mat A, Mat B, void *ctx)
{
  NbNODE node = (NbNODE)ctx;

  PetscFunctionBegin;
  PetscCall(StoreState(node, t, U));
  node->jscale = 1;
  node->jshift = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RHSJacobianP(TS ts, PetscReal t, Vec U, Mat A, void *ctx)
{
  NbNODE node = (NbNODE)ctx;

  PetscFunctionBegin;
  PetscCall(StoreState(node, t, U));
  node->pscale = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one backward pass of sum(w .* f) at the stored state: gx = J^T w, gp = (df/dtheta)^T w */
static PetscErrorCode Backward(NbNODE node, const PetscReal w[], PetscReal gx[], PetscReal gp[])
{
  PetscReal *grad;

  PetscFunctionBegin;
  PetscCall(SetState(node, node->tstate, node->ystate));
  PetscCall(NbGraphSetInputPartitioned(node->g, node->L, node->nloc, 0, node->nloc, w));
  PetscCall(NbGraphComputeLossGradient(node->g, NULL));
  PetscCall(NbGraphGetInputGradient(node->g, node->X, NULL, gx));
  if (gp) {
    PetscCall(NbModelGetGradientArray(node->model, &grad));
    PetscCall(PetscArraycpy(gp, grad, node->np));
    PetscCall(NbModelRestoreGradientArray(node->model, &grad));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the backward pass for weights W, unless the last one was for the same
   weights (compared by value: TS hands the same w to both shells) at the same state */
static PetscErrorCode VJP(NbNODE node, Vec W)
{
  const PetscReal *w;
  PetscBool        same = PETSC_FALSE;
  PetscInt         n    = node->nloc * node->dim;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(W, &w));
  if (node->vjpstate == node->stateid) PetscCall(PetscArraycmp(w, node->vjpw, n, &same));
  if (!same) {
    PetscCall(Backward(node, w, node->gx, node->gp));
    PetscCall(PetscArraycpy(node->vjpw, w, n));
    node->vjpstate = node->stateid;
  }
  PetscCall(VecRestoreArrayRead(W, &w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the members' dim x dim blocks at the stored state: row c from the pass with w = e_c */
static PetscErrorCode BuildBlocks(NbNODE node)
{
  PetscInt d = node->dim, nin = node->nin;

  PetscFunctionBegin;
  if (node->jacstate == node->stateid) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt c = 0; c < d; c++) {
    for (PetscInt i = 0; i < node->nloc * d; i++) node->work[i] = (i % d == c);
    PetscCall(Backward(node, node->work, node->work + node->nloc * d, NULL));
    for (PetscInt i = 0; i < node->nloc; i++)
      for (PetscInt j = 0; j < d; j++) node->jac[(i * d + c) * d + j] = node->work[node->nloc * d + i * nin + j];
  }
  node->jacstate = node->stateid;
  node->vjpstate = -1; /* the graph's weights changed */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = scale J x + shift x (transpose: J^T) from the blocks */
static PetscErrorCode ApplyBlocks(NbNODE node, PetscBool transpose, Vec X, Vec Y)
{
  const PetscReal *x;
  PetscReal       *y;
  PetscInt         d = node->dim;

  PetscFunctionBegin;
  PetscCall(BuildBlocks(node));
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt i = 0; i < node->nloc; i++) {
    const PetscReal *b = node->jac + i * d * d;
    for (PetscInt r = 0; r < d; r++) {
      PetscReal s = 0;
      for (PetscInt c = 0; c < d; c++) s += (transpose ? b[c * d + r] : b[r * d + c]) * x[i * d + c];
      y[i * d + r] = node->jscale * s + node->jshift * x[i * d + r];
    }
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecRestoreArray(Y, &y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode JMult(Mat A, Vec X, Vec Y)
{
  NbNODE node;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &node));
  PetscCall(ApplyBlocks(node, PETSC_FALSE, X, Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* with the blocks at hand (implicit integrators) apply them; else one backward pass */
static PetscErrorCode JMultTranspose(Mat A, Vec W, Vec Y)
{
  NbNODE           node;
  const PetscReal *w;
  PetscReal       *y;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &node));
  if (node->jacstate == node->stateid) {
    PetscCall(ApplyBlocks(node, PETSC_TRUE, W, Y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(VJP(node, W));
  PetscCall(VecGetArrayRead(W, &w));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt i = 0; i < node->nloc; i++)
    for (PetscInt c = 0; c < node->dim; c++) y[i * node->dim + c] = node->jscale * node->gx[i * node->nin + c] + node->jshift * w[i * node->dim + c];
  PetscCall(VecRestoreArrayRead(W, &w));
  PetscCall(VecRestoreArray(Y, &y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* this rank's part of (df/dtheta)^T w: the parameter vector holds np entries
   on every rank, summed over the ranks once the adjoint is done */
static PetscErrorCode JpMultTranspose(Mat A, Vec W, Vec Y)
{
  NbNODE     node;
  PetscReal *y;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &node));
  PetscCall(VJP(node, W));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt k = 0; k < node->np; k++) y[k] = node->pscale * node->gp[k];
  PetscCall(VecRestoreArray(Y, &y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode JScale(Mat A, PetscScalar a)
{
  NbNODE node;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &node));
  node->jscale *= a;
  node->jshift *= a;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode JShift(Mat A, PetscScalar a)
{
  NbNODE node;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &node));
  node->jshift += a;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode JpScale(Mat A, PetscScalar a)
{
  NbNODE node;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &node));
  node->pscale *= a;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CreateShells(NbNODE node)
{
  PetscInt n = node->nloc * node->dim;

  PetscFunctionBegin;
  PetscCall(MatCreateShell(node->comm, n, n, PETSC_DETERMINE, PETSC_DETERMINE, node, &node->J));
  PetscCall(MatShellSetManageScalingShifts(node->J));
  PetscCall(MatShellSetOperation(node->J, MATOP_MULT, (void (*)(void))JMult));
  PetscCall(MatShellSetOperation(node->J, MATOP_MULT_TRANSPOSE, (void (*)(void))JMultTranspose));
  PetscCall(MatShellSetOperation(node->J, MATOP_SCALE, (void (*)(void))JScale));
  PetscCall(MatShellSetOperation(node->J, MATOP_SHIFT, (void (*)(void))JShift));
  PetscCall(MatCreateShell(node->comm, n, node->np, PETSC_DETERMINE, PETSC_DETERMINE, node, &node->Jp));
  PetscCall(MatShellSetManageScalingShifts(node->Jp));
  PetscCall(MatShellSetOperation(node->Jp, MATOP_MULT_TRANSPOSE, (void (*)(void))JpMultTranspose));
  PetscCall(MatShellSetOperation(node->Jp, MATOP_SCALE, (void (*)(void))JpScale));
  node->jscale = node->pscale = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetUpNetwork_Private(NbNODE node)
{
  PetscInt cap = PetscMax(node->nloc, 1), n = node->nloc * node->dim;
  char     gprefix[80];

  PetscFunctionBegin;
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &node->g));
  PetscCall(PetscSNPrintf(gprefix, sizeof(gprefix), "%snode_", node->prefix));
  PetscCall(NbGraphSetOptionsPrefix(node->g, gprefix));
  /* up to 256 members run as one tile (measured 13% faster than tiles of 64 at B = 100) */
  PetscCall(NbGraphSetTileSize(node->g, node->nloc <= 256 ? 0 : 64));
  PetscCall(NbGraphSetFromOptions(node->g)); /* -node_graph_tile */
  PetscCall(NbGraphAddInput(node->g, "y", cap, node->nin, &node->X));
  PetscCall(NbGraphAddInputLike(node->g, "lambda", node->X, node->dim, &node->L));
  PetscCall(NbLayerApply(node->net, node->g, node->X, &node->F));
  {
    NbTensor loss;
    PetscCall(NbTensorWeightedSum(node->F, node->L, &loss));
    PetscCall(NbGraphSetLoss(node->g, loss));
  }
  PetscCall(NbGraphMarkOutput(node->g, node->F));
  PetscCall(NbGraphMarkInputGradient(node->g, node->X));
  PetscCall(NbGraphSetUp(node->g));
  PetscCall(NbModelGetNumParameters(node->model, &node->np));
  PetscCall(PetscCalloc3(cap * node->nin, &node->xin, cap * node->nin, &node->gx, node->np, &node->gp));
  PetscCall(PetscCalloc4(PetscMax(n, 1), &node->ystate, PetscMax(n, 1), &node->vjpw, PetscMax(n * node->dim, 1), &node->jac, cap * (node->dim + node->nin), &node->work));
  PetscCall(NbGraphSetInputPartitioned(node->g, node->L, node->nloc, 0, node->nloc, node->work)); /* zeros until a backward pass */
  node->vjpstate = node->jacstate = -1;
  PetscCall(CreateShells(node));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetUpTS_Private(NbNODE node, TS ts, PetscBool adjoint)
{
  PetscReal *span;

  PetscFunctionBegin;
  PetscCall(TSSetRHSFunction(ts, NULL, RHSFunction, node));
  PetscCall(TSSetRHSJacobian(ts, node->J, node->J, RHSJacobian, node));
  if (adjoint) {
    PetscCall(TSSetRHSJacobianP(ts, node->Jp, RHSJacobianP, node));
    PetscCall(TSSetCostGradients(ts, 1, &node->lambda, &node->mu));
  }
  /* the forward solve lands on every observation time */
  PetscCall(PetscMalloc1(node->nobs + 2, &span));
  span[0] = node->t0;
  PetscCall(PetscArraycpy(span + 1, node->tobs, node->nobs));
  span[node->nobs + 1] = node->tf;
  PetscCall(TSSetTimeSpan(ts, node->nobs + 1 + (node->tobs[node->nobs - 1] < node->tf), span));
  PetscCall(PetscFree(span));
  PetscFunctionReturn(PETSC_SUCCESS);
}
