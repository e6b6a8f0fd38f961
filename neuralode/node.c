/* NbNODE: construction, options, the forward solve with its observations,
   and the adjoint sweeps that give the loss gradient. */
#include "nodeimpl.h"

NB_HEAD_FUNCTIONS(NbNODE)

PetscErrorCode NbNODECreate(MPI_Comm comm, NbNODE *node)
{
  NbNODE n;

  PetscFunctionBegin;
  PetscCall(NbHeadCreate(comm, sizeof(struct _p_NbNODE), &n));
  PetscCall(PetscStrncpy(n->type, "node", sizeof(n->type)));
  n->monitor = 0;
  *node      = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckOpen(NbNODE node, const char what[])
{
  PetscFunctionBegin;
  PetscCheck(!node->setup, node->comm, PETSC_ERR_ARG_WRONGSTATE, "%s before NbNODESetUp()", what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetNetwork(NbNODE node, NbModel model, NbLayer net)
{
  PetscFunctionBegin;
  PetscCall(CheckOpen(node, "Set the network"));
  node->model = model;
  node->net   = net;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetSizes(NbNODE node, PetscInt dim, PetscInt batch)
{
  PetscFunctionBegin;
  PetscCall(CheckOpen(node, "Set the sizes"));
  PetscCheck(dim >= 1 && batch >= 1, node->comm, PETSC_ERR_ARG_OUTOFRANGE, "NbNODESetSizes: dim %d and batch %d must be at least 1", (int)dim, (int)batch);
  node->dim   = dim;
  node->batch = batch;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetTimes(NbNODE node, PetscReal t0, PetscReal tf, PetscReal dt)
{
  PetscFunctionBegin;
  PetscCall(CheckOpen(node, "Set the times"));
  PetscCheck(tf > t0 && dt > 0, node->comm, PETSC_ERR_ARG_OUTOFRANGE, "NbNODESetTimes: need t0 < tf and dt > 0 (got t0 = %g, tf = %g, dt = %g)", (double)t0, (double)tf, (double)dt);
  node->t0       = t0;
  node->tf       = tf;
  node->dt       = dt;
  node->hastimes = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetObservations(NbNODE node, PetscInt n, const PetscReal t[])
{
  PetscFunctionBegin;
  PetscCall(CheckOpen(node, "Set the observation times"));
  PetscCheck(node->hastimes, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetTimes() before NbNODESetObservations()");
  PetscCheck(n >= 1, node->comm, PETSC_ERR_ARG_OUTOFRANGE, "NbNODESetObservations: need at least one observation time (got %d)", (int)n);
  for (PetscInt k = 0; k < n; k++) {
    PetscCheck(t[k] > node->t0 && t[k] <= node->tf, node->comm, PETSC_ERR_ARG_OUTOFRANGE, "Observation time %d is t = %g, outside the integration interval (t0, tf] = (%g, %g]: give times after t0 and up to tf, or widen the interval with NbNODESetTimes()", (int)k, (double)t[k], (double)node->t0, (double)node->tf);
    PetscCheck(k == 0 || t[k] > t[k - 1], node->comm, PETSC_ERR_ARG_OUTOFRANGE, "Observation times must increase: t[%d] = %g follows t[%d] = %g", (int)k, (double)t[k], (int)k - 1, (double)t[k - 1]);
  }
  PetscCall(PetscFree(node->tobs));
  PetscCall(PetscMalloc1(n, &node->tobs));
  PetscCall(PetscArraycpy(node->tobs, t, n));
  node->nobs = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rk and theta (with beuler and cn, made by TSCreate_Theta) are the 3.18 types with TSAdjointStep */
static PetscErrorCode CheckAdjoint(NbNODE node)
{
  PetscBool ok;
  TSType    type;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompareAny((PetscObject)node->ts, &ok, TSRK, TSTHETA, TSBEULER, TSCN, ""));
  PetscCall(TSGetType(node->ts, &type));
  PetscCheck(ok, node->comm, PETSC_ERR_SUP, "-%sts_type %s has no discrete adjoint in PETSc %d.%d, and NbNODE's gradients need one: use rk (explicit), or theta, beuler or cn (implicit)", node->prefix, type, PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR);
  PetscCall(PetscObjectTypeCompare((PetscObject)node->ts, TSRK, &ok));
  if (ok) {
    /* TSAdjointStep_RK of 3.18 skips the parameter term of a stage with weight
       b_i = 0 (other than an FSAL last stage) and adds the previous stage's
       again: 5dp, 5f, 5bs (measured with 5dp: 2e-2 relative error) */
    PetscInt         s;
    const PetscReal *b;
    PetscBool        fsal;
    TSRKType         rktype;
    PetscCall(TSRKGetTableau(node->ts, &s, NULL, &b, NULL, NULL, NULL, NULL, &fsal));
    PetscCall(TSRKGetType(node->ts, &rktype));
    for (PetscInt i = 0; i < s - (fsal ? 1 : 0); i++) PetscCheck(b[i] != 0, node->comm, PETSC_ERR_SUP, "-%sts_rk_type %s has a stage of weight zero (b_%d = 0), whose parameter sensitivity PETSc %d.%d's RK adjoint drops: use -%sts_rk_type 4, 3bs, 3, 2a or 1fe", node->prefix, rktype, (int)i + 1, PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, node->prefix);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* defaults: classical RK4 at fixed steps; the Newton solves of implicit types matrix-free, no preconditioner */
static PetscErrorCode TSDefaults(NbNODE node, TS ts)
{
  TSAdapt adapt;
  SNES    snes;
  KSP     ksp;
  PC      pc;

  PetscFunctionBegin;
  PetscCall(TSSetOptionsPrefix(ts, node->prefix));
  PetscCall(TSSetProblemType(ts, TS_NONLINEAR));
  PetscCall(TSSetType(ts, TSRK));
  PetscCall(TSRKSetType(ts, TSRK4));
  PetscCall(TSGetAdapt(ts, &adapt));
  PetscCall(TSAdaptSetType(adapt, TSADAPTNONE));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetTimeStep(ts, node->dt));
  PetscCall(TSSetMaxSteps(ts, PETSC_MAX_INT));
  PetscCall(TSGetSNES(ts, &snes));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPGMRES));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetFromOptions(NbNODE node)
{
  TSTrajectory tj;

  PetscFunctionBegin;
  PetscCall(CheckOpen(node, "Set the options"));
  PetscCheck(node->hastimes, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetTimes() before NbNODESetFromOptions()");
  PetscOptionsBegin(node->comm, node->prefix, "Neural ODE", "NbNODE");
  PetscCall(PetscOptionsBool("-node_view", "Describe the neural ODE after set-up", "NbNODEView", node->view, &node->view, NULL));
  PetscCall(PetscOptionsInt("-node_monitor", "Print loss, steps and times every this many gradients (0: never)", "NbNODEComputeLossGradient", node->monitor, &node->monitor, NULL));
  PetscOptionsEnd();
  PetscCheck(node->monitor >= 0, node->comm, PETSC_ERR_USER_INPUT, "-%snode_monitor %d must be >= 0 (0 silences)", node->prefix, (int)node->monitor);
  /* the TS of the adjoint keeps its trajectory in memory unless told otherwise */
  PetscCall(TSDestroy(&node->ts));
  PetscCall(TSDestroy(&node->tsfwd));
  PetscCall(TSCreate(node->comm, &node->ts));
  PetscCall(TSDefaults(node, node->ts));
  PetscCall(TSSetSaveTrajectory(node->ts));
  PetscCall(TSGetTrajectory(node->ts, &tj));
  PetscCall(PetscObjectSetOptionsPrefix((PetscObject)tj, node->prefix));
  PetscCall(TSTrajectorySetType(tj, node->ts, TSTRAJECTORYMEMORY));
  PetscCall(TSSetFromOptions(node->ts));
  PetscCall(CheckAdjoint(node));
  PetscCall(TSGetTimeStep(node->ts, &node->dt));
  /* forward-only solves (predictions, losses) must not disturb that trajectory */
  PetscCall(TSCreate(node->comm, &node->tsfwd));
  PetscCall(TSDefaults(node, node->tsfwd));
  PetscCall(TSSetFromOptions(node->tsfwd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* records the state whenever a step lands on the next observation time */
static PetscErrorCode PostStep(TS ts)
{
  NbNODE    node;
  PetscReal t;
  PetscInt  step;

  PetscFunctionBegin;
  PetscCall(TSGetApplicationContext(ts, &node));
  if (!node->recording || node->kobs >= node->nobs) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(TSGetTime(ts, &t));
  if (PetscAbsReal(t - node->tobs[node->kobs]) <= 1e-10 * PetscMax(1, PetscAbsReal(node->tobs[node->kobs]))) {
    Vec y;
    PetscCall(TSGetSolution(ts, &y));
    PetscCall(VecCopy(y, node->yobs[node->kobs]));
    PetscCall(TSGetStepNumber(ts, &step));
    node->obsstep[node->kobs++] = step;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* an adjoint that is not finite stops the sweep, naming the time */
static PetscErrorCode AdjointCheck(TS ts, PetscInt step, PetscReal t, Vec u, PetscInt ncost, Vec lambda[], Vec mu[], void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbNODENoteNonFinite_Private((NbNODE)ctx, lambda[0], t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PETSc's bounded-memory scheme without revolve (-ts_trajectory_stride)
   keeps one solution per stride on disk, in a directory that 3.18 cannot
   reuse for the next solve: NbNODE names one of its own (nbnode-XXXXXX in
   the working directory, made by the trajectory only when it writes),
   removes it before every forward solve and when the NODE is destroyed. */
static PetscErrorCode CheckpointDirectory(NbNODE node)
{
  TSTrajectory tj;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(node->tjdir, "nbnode-XXXXXX", sizeof(node->tjdir)));
  if (node->rank == 0) {
    PetscCall(PetscMkdtemp(node->tjdir)); /* a unique name; the directory itself comes later */
    PetscCall(PetscRMTree(node->tjdir));
  }
  PetscCallMPI(MPI_Bcast(node->tjdir, sizeof(node->tjdir), MPI_CHAR, 0, node->comm));
  PetscCall(TSGetTrajectory(node->ts, &tj));
  PetscCall(TSTrajectorySetDirname(tj, node->tjdir));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RemoveDirectory(NbNODE node)
{
  PetscBool flg;

  PetscFunctionBegin;
  if (!node->tjdir[0]) PetscFunctionReturn(PETSC_SUCCESS);
  if (node->rank == 0) {
    PetscCall(PetscTestDirectory(node->tjdir, 'r', &flg));
    if (flg) PetscCall(PetscRMTree(node->tjdir));
  }
  PetscCallMPI(MPI_Barrier(node->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetUp(NbNODE node)
{
  PetscFunctionBegin;
  if (node->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(node->model && node->net, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetNetwork() before NbNODESetUp()");
  PetscCheck(node->dim >= 1, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetSizes() before NbNODESetUp()");
  PetscCheck(node->nobs >= 1, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetObservations() before NbNODESetUp()");
  if (!node->ts) PetscCall(NbNODESetFromOptions(node));
  {
    PetscInt nin, nout;
    PetscCall(NbLayerGetSizes(node->net, &nin, &nout));
    PetscCheck(nout == node->dim && (nin == node->dim || nin == node->dim + 1), node->comm, PETSC_ERR_ARG_SIZ, "The network maps %d inputs to %d outputs; a neural ODE of dimension %d needs %d outputs and %d inputs (or %d with t as the last input)", (int)nin, (int)nout, (int)node->dim, (int)node->dim, (int)node->dim, (int)node->dim + 1);
    node->nin = nin;
  }
  PetscCall(NbPartition(node->comm, node->batch, &node->off, &node->nloc));
  PetscCall(VecCreateMPI(node->comm, node->nloc * node->dim, PETSC_DETERMINE, &node->y));
  PetscCall(VecDuplicate(node->y, &node->y0));
  PetscCall(VecDuplicate(node->y, &node->lambda));
  PetscCall(VecDuplicate(node->y, &node->dldy0));
  PetscCall(VecDuplicateVecs(node->y, node->nobs, &node->target));
  PetscCall(VecDuplicateVecs(node->y, node->nobs, &node->yobs));
  PetscCall(PetscMalloc1(node->nobs, &node->obsstep));
  PetscCall(NbNODESetUpNetwork_Private(node));
  /* np entries on every rank: this rank's share of the parameter gradient */
  PetscCall(VecCreateMPI(node->comm, node->np, PETSC_DETERMINE, &node->mu));
  PetscCall(NbNODESetUpTS_Private(node, node->ts, PETSC_TRUE));
  PetscCall(NbNODESetUpTS_Private(node, node->tsfwd, PETSC_FALSE));
  PetscCall(TSSetApplicationContext(node->ts, node));
  PetscCall(TSSetApplicationContext(node->tsfwd, node));
  PetscCall(TSSetPostStep(node->ts, PostStep));
  PetscCall(TSSetPostStep(node->tsfwd, PostStep));
  PetscCall(TSAdjointMonitorSet(node->ts, AdjointCheck, node, NULL));
  PetscCall(CheckpointDirectory(node));
  node->setup = PETSC_TRUE;
  if (node->view) PetscCall(NbNODEView(node, PETSC_VIEWER_STDOUT_(node->comm)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEView(NbNODE node, PetscViewer viewer)
{
  TSType type;
  PetscInt64 np = node->np;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbNODE: dy/dt = f(y%s), %d components, %d trajectories as one state on %d ranks\n", node->nin > node->dim ? ", t" : "", (int)node->dim, (int)node->batch, (int)node->size));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  %" PetscInt64_FMT " trainable parameters; t in [%g, %g], first step %g; %d observation times, the last %g\n", np, (double)node->t0, (double)node->tf, (double)node->dt, (int)node->nobs, node->nobs ? (double)node->tobs[node->nobs - 1] : 0.0));
  if (node->ts) {
    PetscCall(TSGetType(node->ts, &type));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  integrator %s, gradients by TSAdjoint\n", type));
    PetscCall(PetscViewerASCIIPushTab(viewer));
    PetscCall(TSView(node->ts, viewer));
    PetscCall(PetscViewerASCIIPopTab(viewer));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEDestroy(NbNODE *node)
{
  NbNODE n = *node;

  PetscFunctionBegin;
  if (!n) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(TSDestroy(&n->ts));
  PetscCall(TSDestroy(&n->tsfwd));
  PetscCall(RemoveDirectory(n));
  PetscCall(MatDestroy(&n->J));
  PetscCall(MatDestroy(&n->Jp));
  PetscCall(VecDestroy(&n->y));
  PetscCall(VecDestroy(&n->y0));
  PetscCall(VecDestroy(&n->lambda));
  PetscCall(VecDestroy(&n->mu));
  PetscCall(VecDestroy(&n->dldy0));
  if (n->target) PetscCall(VecDestroyVecs(n->nobs, &n->target));
  if (n->yobs) PetscCall(VecDestroyVecs(n->nobs, &n->yobs));
  PetscCall(PetscFree(n->obsstep));
  PetscCall(PetscFree(n->tobs));
  PetscCall(NbGraphDestroy(&n->g));
  PetscCall(PetscFree3(n->xin, n->gx, n->gp));
  PetscCall(PetscFree4(n->ystate, n->vjpw, n->jac, n->work));
  PetscCall(PetscFree(n));
  *node = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ state and data */
static PetscErrorCode CheckSetUp(NbNODE node, const char what[])
{
  PetscFunctionBegin;
  PetscCheck(node->setup, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetUp() before %s", what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODECreateState(NbNODE node, Vec *v)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODECreateState()"));
  PetscCall(VecDuplicate(node->y, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEGetLocalMembers(NbNODE node, PetscInt64 *offset, PetscInt *n)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODEGetLocalMembers()"));
  if (offset) *offset = node->off;
  if (n) *n = node->nloc;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEDrawUniformStates(NbNODE node, NbRNG rng, PetscInt64 stream, const PetscReal lo[], const PetscReal hi[], Vec v)
{
  PetscReal *a;
  PetscInt   d = node->dim;

  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODEDrawUniformStates()"));
  PetscCall(VecGetArray(v, &a));
  PetscCall(NbRNGUniform(rng, stream, d * node->off, d * node->nloc, a));
  for (PetscInt i = 0; i < d * node->nloc; i++) a[i] = lo[i % d] + (hi[i % d] - lo[i % d]) * a[i];
  PetscCall(VecRestoreArray(v, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetInitialState(NbNODE node, Vec y0)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODESetInitialState()"));
  PetscCall(VecCopy(y0, node->y0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESetTargets(NbNODE node, const Vec target[])
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODESetTargets()"));
  for (PetscInt k = 0; k < node->nobs; k++) PetscCall(VecCopy(target[k], node->target[k]));
  node->hastargets = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEGetObservedStates(NbNODE node, PetscInt *n, const Vec *y[])
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODEGetObservedStates()"));
  if (n) *n = node->nobs;
  if (y) *y = node->yobs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEGetInitialStateGradient(NbNODE node, Vec *g)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODEGetInitialStateGradient()"));
  *g = node->dldy0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEGetTS(NbNODE node, TS *ts)
{
  PetscFunctionBegin;
  *ts = node->ts;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------- solving */
/* from t0 and y0, a fresh start every time (time, step number, first step) */
static PetscErrorCode Forward(NbNODE node, TS ts)
{
  TSConvergedReason reason;
  PetscLogDouble    t0 = NbWallTime();

  PetscFunctionBegin;
  if (ts == node->ts) PetscCall(RemoveDirectory(node));
  PetscCall(TSSetTime(ts, node->t0));
  PetscCall(TSSetStepNumber(ts, 0));
  PetscCall(TSSetTimeStep(ts, node->dt));
  PetscCall(VecCopy(node->y0, node->y));
  node->kobs      = 0;
  node->recording = PETSC_TRUE;
  PetscCall(TSSolve(ts, node->y));
  node->recording = PETSC_FALSE;
  PetscCall(TSGetConvergedReason(ts, &reason));
  PetscCheck(reason >= 0, node->comm, PETSC_ERR_NOT_CONVERGED, "NbNODE: the forward solve failed (%s); take smaller steps (-%sts_dt) or another -%sts_type", TSConvergedReasons[reason], node->prefix, node->prefix);
  PetscCheck(node->kobs == node->nobs, node->comm, PETSC_ERR_PLIB, "NbNODE: the integrator did not step onto observation time %g", (double)node->tobs[node->kobs]);
  node->tfwd += NbWallTime() - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODESolve(NbNODE node)
{
  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODESolve()"));
  PetscCall(Forward(node, node->tsfwd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L = sum_k |y_k - d_k|^2 / N: local sums, one reduction */
static PetscErrorCode Loss(NbNODE node, PetscReal *loss)
{
  PetscReal        s = 0;
  const PetscReal *y, *d;
  PetscInt         n = node->nloc * node->dim;

  PetscFunctionBegin;
  PetscCheck(node->hastargets, node->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbNODESetTargets() before computing the loss");
  for (PetscInt k = 0; k < node->nobs; k++) {
    PetscCall(VecGetArrayRead(node->yobs[k], &y));
    PetscCall(VecGetArrayRead(node->target[k], &d));
    for (PetscInt i = 0; i < n; i++) s += (y[i] - d[i]) * (y[i] - d[i]);
    PetscCall(VecRestoreArrayRead(node->yobs[k], &y));
    PetscCall(VecRestoreArrayRead(node->target[k], &d));
  }
  if (node->size > 1) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPIU_REAL, MPIU_SUM, node->comm));
  *loss = s / ((PetscReal)node->nobs * node->batch * node->dim);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEComputeLoss(NbNODE node, PetscReal *loss)
{
  PetscFunctionBegin;
  PetscCall(NbNODESolve(node));
  PetscCall(Loss(node, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the adjoint from the current step back to step 'to', lambda and mu carried along */
static PetscErrorCode Sweep(NbNODE node, PetscInt *cur, PetscInt to)
{
  PetscReal t;

  PetscFunctionBegin;
  if (*cur <= to) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(TSAdjointSetSteps(node->ts, *cur - to));
  PetscCall(TSAdjointSolve(node->ts));
  PetscCall(TSGetTime(node->ts, &t));
  PetscCall(NbNODENoteNonFinite_Private(node, node->lambda, t));
  *cur = to;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEComputeLossGradient(NbNODE node, PetscReal *loss)
{
  PetscInt        cur;
  PetscReal       L, scale = 2 / ((PetscReal)node->nobs * node->batch * node->dim), *mu, *grad;
  PetscLogDouble  t0;

  PetscFunctionBegin;
  PetscCall(CheckSetUp(node, "NbNODEComputeLossGradient()"));
  PetscCall(Forward(node, node->ts));
  PetscCall(Loss(node, &L));
  t0 = NbWallTime();
  PetscCall(TSGetStepNumber(node->ts, &cur));
  PetscCall(VecSet(node->lambda, 0));
  PetscCall(VecSet(node->mu, 0));
  node->badt = PETSC_MIN_REAL;
  /* one sweep per interval between observations, each seeded with dL/dy at its end */
  for (PetscInt k = node->nobs - 1; k >= 0; k--) {
    PetscCall(Sweep(node, &cur, node->obsstep[k]));
    PetscCall(VecAXPY(node->lambda, scale, node->yobs[k]));
    PetscCall(VecAXPY(node->lambda, -scale, node->target[k]));
    PetscCall(NbNODENoteNonFinite_Private(node, node->lambda, node->tobs[k]));
  }
  PetscCall(Sweep(node, &cur, 0));
  PetscCall(NbNODECheckNonFinite_Private(node));
  PetscCall(VecCopy(node->lambda, node->dldy0));
  /* the ranks' shares of the parameter gradient, summed once */
  PetscCall(NbModelGetGradientArray(node->model, &grad));
  PetscCall(VecGetArray(node->mu, &mu));
  if (node->size > 1) PetscCallMPI(MPI_Allreduce(mu, grad, (PetscMPIInt)node->np, MPIU_REAL, MPIU_SUM, node->comm));
  else PetscCall(PetscArraycpy(grad, mu, node->np));
  PetscCall(VecRestoreArray(node->mu, &mu));
  PetscCall(NbModelRestoreGradientArray(node->model, &grad));
  node->tadj += NbWallTime() - t0;
  node->ngrad++;
  if (node->monitor && node->ngrad % node->monitor == 0) {
    PetscInt steps;
    PetscCall(TSGetStepNumber(node->ts, &steps));
    PetscCall(PetscPrintf(node->comm, "  node gradient %4d loss %.6e  forward %.3f s adjoint %.3f s (totals)\n", (int)node->ngrad, (double)L, node->tfwd, node->tadj));
  }
  if (loss) *loss = L;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNODEObjective(NbModel model, PetscReal *loss, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbNODEComputeLossGradient((NbNODE)ctx, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}
