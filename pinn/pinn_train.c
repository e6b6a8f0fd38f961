/* Training of every PINN type: Adam (NbOptimizer) with a sampling round
   every -pinn_resample_every steps, then L-BFGS through TAO in
   -pinn_lbfgs_rounds chunks, on the type's flat parameter buffer (a
   distributed one for the decomposed types: NbModelSetPrivate); progress
   lines by default; a non-finite loss stops the run naming the step and the
   term, with the last good parameters back in place; the statistics and
   the report rows every type shares. */
#include <string.h>
#include "pinnimpl.h"

static PetscErrorCode Objective(NbModel m, PetscReal *loss, void *ctx)
{
  NbPINN p = (NbPINN)ctx;

  PetscFunctionBegin;
  PetscCall((*p->ops.objective)(p, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetObjective(NbPINN p, NbOptimizer o)
{
  PetscFunctionBegin;
  if (p->ops.objective) PetscCall(NbOptimizerSetObjective(o, Objective, p));
  else PetscCall(NbOptimizerSetGraph(o, p->graph));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSMonitor(NbOptimizer, PetscInt, PetscReal, void *);

/* Both optimizers read their options here, at set-up (-opt_* for Adam,
   which may pick adamw with -opt_type; -tao_* for L-BFGS). */
PetscErrorCode NbPINNCreateOptimizers_Private(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerDestroy(&p->adam));
  PetscCall(NbOptimizerDestroy(&p->lbfgs));
  PetscCall(NbOptimizerCreate(p->model, &p->adam));
  PetscCall(NbOptimizerSetOptionsPrefix(p->adam, p->prefix));
  PetscCall(SetObjective(p, p->adam));
  PetscCall(NbOptimizerSetType(p->adam, "adam"));
  PetscCall(NbOptimizerSetLearningRate(p->adam, p->lr));
  PetscCall(NbOptimizerSetMaxSteps(p->adam, p->adam_steps));
  PetscCall(NbOptimizerSetFromOptions(p->adam));
  PetscCall(NbPINNCreateLSQ_Private(p));
  if (p->lsq) PetscCall(NbOptimizerSetStepMonitor(p->lsq, LBFGSMonitor, p));
  else if (p->lbfgs_steps > 0) {
    Tao      tao;
    PetscInt chunk = p->lbfgs_steps / p->lbfgs_rounds, maxit;
    PetscCall(NbOptimizerCreate(p->model, &p->lbfgs));
    PetscCall(NbOptimizerSetOptionsPrefix(p->lbfgs, p->prefix));
    PetscCall(SetObjective(p, p->lbfgs));
    PetscCall(NbOptimizerSetFixedType(p->lbfgs, "lbfgs"));
    PetscCall(NbOptimizerGetTao(p->lbfgs, &tao));
    PetscCall(TaoSetMaximumIterations(tao, chunk));
    PetscCall(NbOptimizerSetFromOptions(p->lbfgs));
    PetscCall(TaoGetMaximumIterations(tao, &maxit));
    p->lbfgs_maxit = maxit != chunk ? maxit : 0; /* -tao_max_it overrides every round */
    PetscCall(NbOptimizerSetStepMonitor(p->lbfgs, LBFGSMonitor, p));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadTerms(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall((*p->ops.terms)(p, p->stats.term));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PrintError(NbPINN p)
{
  PetscFunctionBegin;
  if (p->errfn) {
    PetscReal err;
    PetscCall(NbPINNSyncParameters_Private(p));
    PetscCall((*p->errfn)(p, &err, p->errctx));
    PetscCall(PetscPrintf(p->comm, "  rel. L2 error %.3e", (double)err));
  }
  for (PetscInt k = 0; p->inverse && k < p->pde.ncoef; k++) {
    PetscReal c;
    PetscCall(NbPINNGetCoefficient(p, k, &c));
    PetscCall(PetscPrintf(p->comm, " %s %.6g", p->pde.coefname[k], (double)c));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A progress line: step, time per step, learning rate, loss and its terms,
   the error against the reference where the caller gave one, the
   identified coefficients and the estimated time left. */
/* a progress line: an Adam step, or (adam false) the end of an L-BFGS run, with the loss terms */
static PetscErrorCode Monitor(NbPINN p, PetscBool adam, PetscInt step, PetscReal steptime, PetscReal left)
{
  PetscReal lr = 0;

  PetscFunctionBegin;
  PetscCall(ReadTerms(p));
  if (adam) {
    if (p->adam) PetscCall(NbOptimizerGetLearningRate(p->adam, step, &lr));
    PetscCall(PetscPrintf(p->comm, "  %sadam  %6d  %6.1f ms/step  lr %-8.2g loss %.4e  [", p->label, (int)step, (double)(1e3 * steptime), (double)lr, (double)p->lastloss));
  } else PetscCall(PetscPrintf(p->comm, "  %send   %6d  %6.1f ms/it    loss %.4e  [", p->label, (int)step, (double)(1e3 * steptime), (double)p->lastloss));
  for (PetscInt k = 0; k < NB_PINN_NTERMS; k++)
    if (p->stats.term[k] != 0) PetscCall(PetscPrintf(p->comm, " %s %.3e", NbPINNTermNames[k], (double)p->stats.term[k]));
  PetscCall(PetscPrintf(p->comm, " ]"));
  PetscCall(PrintError(p));
  PetscCall(PetscPrintf(p->comm, "  %.0f s, about %.0f s left\n", NbWallTime() - p->tstart, (double)left));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every -pinn_monitor iterations of L-BFGS (or gn, lm): the loss accepted */
static PetscErrorCode LBFGSMonitor(NbOptimizer o, PetscInt it, PetscReal loss, void *ctx)
{
  NbPINN      p = (NbPINN)ctx;
  PetscReal   mean;
  const char *type;

  PetscFunctionBegin;
  p->lbfgs_its++;
  if (o == p->lbfgs) PetscCall(NbStopRequested(p->comm, &p->stopsig));
  if (p->stopsig) { /* ends this TaoSolve (and NbTaoSolve's restarts) */
    Tao tao;
    PetscCall(NbOptimizerGetTao(o, &tao));
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  }
  if (!p->monitor || p->lbfgs_its % p->monitor) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbOptimizerGetType(o, &type));
  mean = (NbWallTime() - p->tstart - p->stats.wall) / p->lbfgs_its;
  PetscCall(PetscPrintf(p->comm, "  %s%-5s %6d  %6.1f ms/it    loss %.4e ", p->label, type, (int)p->lbfgs_its, (double)(1e3 * mean), (double)loss));
  PetscCall(PrintError(p));
  PetscCall(PetscPrintf(p->comm, "  %.0f s, about %.0f s left\n", NbWallTime() - p->tstart, (double)(mean * PetscMax((o == p->lsq ? p->lsq_steps : p->lbfgs_steps) - p->lbfgs_its, 0))));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CopyParameters(NbPINN p, PetscReal dst[], PetscBool fromModel)
{
  PetscReal *a;
  PetscInt   np;

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(NbModelGetParameterArray(p->model, &a));
  if (fromModel) PetscCall(PetscArraycpy(dst, a, np));
  else PetscCall(PetscArraycpy(a, dst, np));
  PetscCall(NbModelRestoreParameterArray(p->model, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A non-finite loss: name the step and the term, put the last good
   parameters back, save them to disk (replicated models), and stop. */
static PetscErrorCode CheckFinite(NbPINN p, PetscReal loss, const char *phase, PetscInt step)
{
  char      file[PETSC_MAX_PATH_LEN] = "pinn-last-good.h5", terms[128] = "", saved[PETSC_MAX_PATH_LEN + 64];
  PetscInt  npriv;
  PetscReal l = loss;

  PetscFunctionBegin;
  if (!PetscIsInfOrNanReal(loss)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL)); /* the terms at the failing parameters */
  (void)NbPINNComputeLossGradient(p, &l, NULL);
  PetscCall(PetscPopErrorHandler());
  PetscCall(ReadTerms(p));
  for (PetscInt k = 0; k < NB_PINN_NTERMS; k++)
    if (PetscIsInfOrNanReal(p->stats.term[k])) {
      PetscCall(PetscStrlcat(terms, terms[0] ? ", " : "", sizeof(terms)));
      PetscCall(PetscStrlcat(terms, NbPINNTermNames[k], sizeof(terms)));
    }
  PetscCall(CopyParameters(p, p->good, PETSC_FALSE));
  PetscCall(NbModelGetPrivate(p->model, &npriv));
  if (p->out) {
    const char *name;
    size_t      len;
    PetscCall(NbOutputGetFileName(p->out, &name));
    PetscCall(PetscStrlen(name, &len));
    PetscCall(PetscSNPrintf(file, sizeof(file), "%.*s-pinn-last-good.h5", (int)(len - 3), name));
  }
  if (!npriv) {
    PetscCall(NbCheckpointSave(p->model, NULL, file));
    PetscCall(PetscSNPrintf(saved, sizeof(saved), "The last good parameters are saved in %s", file));
  } else PetscCall(PetscStrncpy(saved, "The last good parameters are restored (a decomposed network is not saved to disk)", sizeof(saved)));
  SETERRQ(p->comm, PETSC_ERR_FP, "PINN training diverged at %s step %d: the loss is %g (non-finite term: %s). %s. Lower the learning rate (-pinn_lr, now %g), add -opt_clip_norm 1, or check the problem's coefficients", phase, (int)step, (double)(PetscIsInfOrNanReal(l) ? l : loss), terms[0] ? terms : "none; their weighted sum overflowed", saved, (double)p->lr);
}

static PetscErrorCode NewRound(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(NbPINNSyncParameters_Private(p));
  PetscCall((*p->ops.newround)(p));
  p->stats.rounds++;
  if (p->out) PetscCall((*p->ops.writepoints)(p, p->out, (PetscReal)p->stats.rounds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AppendHistory(NbPINN p, NbOptimizer o, PetscInt from)
{
  PetscInt         nh;
  const PetscReal *h;

  PetscFunctionBegin;
  PetscCall(NbOptimizerGetHistory(o, &nh, &h));
  PetscCall(PetscRealloc((p->nhistory + nh - from + 1) * sizeof(PetscReal), &p->history));
  for (PetscInt k = from; k < nh; k++) p->history[p->nhistory++] = h[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* mean, median and fastest of the n Adam steps' wall times (and the
   communication in them) */
static PetscErrorCode StepStatistics(NbPINN p, PetscInt n, PetscReal st[], PetscReal sc[])
{
  PetscInt imin = 0;

  PetscFunctionBegin;
  if (n <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < n; k++) {
    p->stats.step_time += st[k] / n;
    p->stats.comm_time += sc[k] / n;
    if (st[k] < st[imin]) imin = k;
  }
  p->stats.step_min = st[imin];
  p->stats.comm_min = sc[imin];
  PetscCall(PetscSortReal(n, st));
  p->stats.step_median = n % 2 ? st[n / 2] : (st[n / 2 - 1] + st[n / 2]) / 2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A signal arrived: save the state at `at` (parameters par, NULL: the
   model's) and stop with the way to continue. */
static PetscErrorCode Stop(NbPINN p, const NbPINNPosition *at, const PetscReal par[])
{
  char where[96];

  PetscFunctionBegin;
  if (at->phase == 0) PetscCall(PetscSNPrintf(where, sizeof(where), "before Adam step %d", (int)at->step));
  else PetscCall(PetscSNPrintf(where, sizeof(where), "at L-BFGS iteration %d (round %d)", (int)at->its, (int)at->step));
  PetscCheck(!p->nockpt[0], p->comm, PETSC_ERR_SIG, "Training stopped by %s %s; a PINN under %s cannot be checkpointed yet, so its state is lost", NbSignalName(p->stopsig), where, p->nockpt);
  PetscCall(NbPINNCheckpointSave_Private(p, at, par));
  SETERRQ(p->comm, PETSC_ERR_SIG, "Training stopped by %s %s; the state is in %s. Continue with the same options and -restart %s", NbSignalName(p->stopsig), where, p->ckpt, p->hint[0] ? p->hint : p->ckpt);
}

static PetscErrorCode CommTime(NbPINN p, PetscLogDouble *t)
{
  PetscFunctionBegin;
  *t = 0;
  if (p->ops.commtime) PetscCall((*p->ops.commtime)(p, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TrainAdam(NbPINN p, const NbPINNPosition *from)
{
  PetscInt   np, nsince = 0, first = from->phase == 0 ? from->step : p->adam_steps;
  PetscReal *st, *sc, loss, since = 0;

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(PetscMalloc2(p->adam_steps + 1, &st, p->adam_steps + 1, &sc));
  PetscCall(CopyParameters(p, p->good, PETSC_TRUE));
  PetscCall(NbOptimizerSetMaxSteps(p->adam, p->adam_steps));
  for (PetscInt step = first; step < p->adam_steps; step++) {
    double         ts;
    PetscLogDouble c0, c1;
    PetscErrorCode ierr;
    if (p->ckpt_every && step > first && step % p->ckpt_every == 0) {
      NbPINNPosition at = {0, step, 0, 0};
      PetscCall(NbPINNCheckpointSave_Private(p, &at, NULL));
    }
    if (step > 0 && step % p->resample_every == 0) PetscCall(NewRound(p));
    PetscCall(CopyParameters(p, p->trial, PETSC_TRUE));
    PetscCall(CommTime(p, &c0));
    ts = NbWallTime();
    /* the optimizer refuses a non-finite loss (PETSC_ERR_FP); every rank
       sees the same global loss, so all stop together with one message */
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = NbOptimizerStep(p->adam, &loss);
    PetscCall(PetscPopErrorHandler());
    if (ierr == PETSC_ERR_FP) loss = (PetscReal)NAN; /* PETSC_INFINITY is finite (PETSC_MAX_REAL/4) */
    else PetscCall(ierr);
    st[step] = NbWallTime() - ts;
    PetscCall(CommTime(p, &c1));
    sc[step] = c1 - c0;
    if (PetscIsInfOrNanReal(loss)) PetscCall(CopyParameters(p, p->trial, PETSC_FALSE)); /* the parameters before this step gave it */
    else PetscCall(PetscArraycpy(p->good, p->trial, np));
    PetscCall(CheckFinite(p, loss, "Adam", step));
    p->history[p->nhistory++] = loss;
    p->lastloss               = loss;
    since += st[step];
    nsince++;
    if (p->monitor && (step % p->monitor == 0 || step == p->adam_steps - 1)) {
      /* the mean step since the last line; time left at the mean so far (an
         L-BFGS iteration costs about an Adam step) */
      PetscReal mean = (NbWallTime() - p->tstart) / (step + 1 - first);
      PetscCall(Monitor(p, PETSC_TRUE, step, since / nsince, mean * (p->adam_steps - step - 1 + p->lbfgs_steps)));
      since  = 0;
      nsince = 0;
    }
    PetscCall(NbStopRequested(p->comm, &p->stopsig));
    if (p->stopsig) {
      NbPINNPosition at = {0, step + 1, 0, 0};
      PetscCall(Stop(p, &at, NULL));
    }
  }
  p->stats.adam_steps = p->adam_steps;
  PetscCall(StepStatistics(p, p->adam_steps - first, st + first, sc + first));
  PetscCall(PetscFree2(st, sc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L-BFGS in -pinn_lbfgs_rounds rounds, each after a sampling round; with
   -checkpoint_every a round runs in segments of that many iterations, each a
   fresh TaoSolve (TAO's L-BFGS memory cannot be saved, so a segment is what
   a restart can repeat exactly), the state saved before each. */
static PetscErrorCode TrainLBFGS(NbPINN p, const NbPINNPosition *from)
{
  Tao      tao;
  PetscInt np, r0 = from->phase == 1 ? from->step : 0;

  PetscFunctionBegin;
  PetscCall(NbOptimizerGetTao(p->lbfgs, &tao));
  PetscCall(NbModelGetNumParameters(p->model, &np));
  p->lbfgs_its               = from->phase == 1 ? from->its : 0;
  p->stats.lbfgs_iterations = p->lbfgs_its;
  for (PetscInt round = r0; round < p->lbfgs_rounds; round++) {
    PetscBool resumed = (PetscBool)(from->phase == 1 && round == r0);
    PetscInt  chunk   = (p->lbfgs_steps * (round + 1)) / p->lbfgs_rounds - (p->lbfgs_steps * round) / p->lbfgs_rounds, done = resumed ? from->done : 0, its0, its, nh0, total = 0;
    double    ts      = NbWallTime();
    if (p->lbfgs_maxit) chunk = p->lbfgs_maxit;
    if (p->lbfgs_rounds > 1 && !resumed) PetscCall(NewRound(p));
    while (done < chunk) {
      PetscInt       seg = p->ckpt_every ? PetscMin(p->ckpt_every, chunk - done) : chunk - done;
      NbPINNPosition at  = {1, round, done, p->stats.lbfgs_iterations};
      if (p->ckpt_every && !(resumed && done == from->done)) PetscCall(NbPINNCheckpointSave_Private(p, &at, NULL));
      PetscCall(CopyParameters(p, p->mark, PETSC_TRUE));
      PetscCall(TaoSetMaximumIterations(tao, seg));
      PetscCall(TaoSetMaximumFunctionEvaluations(tao, 4 * seg));
      PetscCall(NbOptimizerGetHistory(p->lbfgs, &nh0, NULL));
      PetscCall(NbOptimizerGetStepNumber(p->lbfgs, &its0));
      PetscCall(NbOptimizerSolve(p->lbfgs));
      if (p->stopsig) PetscCall(Stop(p, &at, p->mark));
      PetscCall(NbOptimizerGetStepNumber(p->lbfgs, &its));
      its -= its0; /* over the restarts after line-search failures */
      p->stats.lbfgs_iterations += its;
      total += its;
      done += its;
      PetscCall(AppendHistory(p, p->lbfgs, nh0));
      if (its < seg) break; /* converged: the rest of the round would not move */
    }
    PetscCall(NbPINNComputeLossGradient(p, &p->lastloss, NULL));
    PetscCall(CheckFinite(p, p->lastloss, "L-BFGS iteration", p->stats.lbfgs_iterations));
    if (p->monitor) PetscCall(Monitor(p, PETSC_FALSE, p->stats.lbfgs_iterations, (NbWallTime() - ts) / PetscMax(total, 1), 0));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* gn or lm after Adam, on the points of the last sampling round */
static PetscErrorCode TrainLSQ(NbPINN p)
{
  PetscInt its0, its, nh0;
  double   ts = NbWallTime();

  PetscFunctionBegin;
  p->lbfgs_its = 0;
  PetscCall(NbOptimizerGetHistory(p->lsq, &nh0, NULL));
  PetscCall(NbOptimizerGetStepNumber(p->lsq, &its0));
  PetscCall(NbOptimizerSolve(p->lsq));
  PetscCall(NbOptimizerGetStepNumber(p->lsq, &its));
  p->stats.lbfgs_iterations += its - its0;
  PetscCall(AppendHistory(p, p->lsq, nh0));
  PetscCall(NbPINNComputeLossGradient(p, &p->lastloss, NULL));
  PetscCall(CheckFinite(p, p->lastloss, p->opttype, p->stats.lbfgs_iterations));
  if (p->monitor) PetscCall(Monitor(p, PETSC_FALSE, p->stats.lbfgs_iterations, (NbWallTime() - ts) / PetscMax(its - its0, 1), 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNTrain(NbPINN p)
{
  NbPINNPosition from = {0, 0, 0, 0};
  PetscInt       np;

  PetscFunctionBegin;
  PetscCall(NbPINNSetUp(p));
  PetscCheck(!p->inverse || p->ND > 0, p->comm, PETSC_ERR_ARG_WRONGSTATE, "-pinn_inverse needs observations (NbPINNSetObservations)");
  p->tstart  = NbWallTime();
  p->stopsig = 0;
  PetscCall(PetscMemzero(&p->stats, sizeof(p->stats)));
  PetscCall(PetscFree(p->history));
  PetscCall(PetscMalloc1(p->adam_steps + 1, &p->history));
  p->nhistory = 0;
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(PetscFree3(p->good, p->trial, p->mark));
  PetscCall(PetscMalloc3(np, &p->good, np, &p->trial, np, &p->mark));
  if (p->restart[0]) {
    PetscCall(NbPINNCheckpointLoad_Private(p, &from));
    PetscCall(PetscPrintf(p->comm, "  continuing from %s: %s %d\n", p->restart, from.phase == 0 ? "before Adam step" : from.phase == 1 ? "at L-BFGS iteration" : "finished; L-BFGS iterations", (int)(from.phase == 0 ? from.step : from.its)));
  }
  if (p->out && from.phase == 0 && from.step == 0) PetscCall((*p->ops.writepoints)(p, p->out, 0));
  PetscCall(NbStopPush());
  if (from.phase == 0) PetscCall(TrainAdam(p, &from));
  p->stats.adam_steps = p->adam_steps;
  p->stats.wall       = NbWallTime() - p->tstart; /* LBFGSMonitor's clock starts here */
  if (p->lbfgs && from.phase <= 1) PetscCall(TrainLBFGS(p, &from));
  if (from.phase == 2) p->stats.lbfgs_iterations = from.its;
  PetscCall(NbStopPop());
  if (p->lsq && from.phase <= 1) PetscCall(TrainLSQ(p)); /* not checkpointed yet: set-up refuses -checkpoint with gn/lm */
  PetscCall(NbPINNComputeLossGradient(p, &p->stats.loss, NULL));
  PetscCall(ReadTerms(p));
  PetscCall(CheckFinite(p, p->stats.loss, "the end of training", 0));
  if (p->ckpt[0] && !p->nockpt[0]) {
    NbPINNPosition end = {2, 0, 0, p->stats.lbfgs_iterations};
    PetscCall(NbPINNCheckpointSave_Private(p, &end, NULL));
  }
  p->stats.wall   = NbWallTime() - p->tstart;
  p->stats.nsub   = p->nsub;
  p->stats.nlocal = p->nlocal;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetTrainingSteps(NbPINN p, PetscInt adam, PetscInt lbfgs)
{
  PetscFunctionBegin;
  PetscCheck(adam >= 0 && lbfgs >= 0, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "training steps must be >= 0");
  p->adam_steps  = adam;
  p->lbfgs_steps = lbfgs;
  if (p->setup) PetscCall(NbPINNCreateOptimizers_Private(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetStats(NbPINN p, NbPINNStats *s)
{
  PetscFunctionBegin;
  *s = p->stats;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetLossHistory(NbPINN p, PetscInt *n, const PetscReal *loss[])
{
  PetscFunctionBegin;
  *n    = p->nhistory;
  *loss = p->history;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNWriteHistory(NbPINN p, NbOutput out)
{
  PetscReal nadam = (PetscReal)p->stats.adam_steps;

  PetscFunctionBegin;
  PetscCall(NbOutputWriteHistory(out, "loss", p->nhistory, p->history));
  PetscCall(NbOutputWriteHistory(out, "loss_adam_steps", 1, &nadam));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNReport(NbPINN p, NbReport rep)
{
  char buf[128];

  PetscFunctionBegin;
  PetscCall((*p->ops.report)(p, rep));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d Adam + %d %s", (int)p->stats.adam_steps, (int)p->stats.lbfgs_iterations, p->lsq ? p->opttype : "L-BFGS"));
  PetscCall(NbReportAddString(rep, "PINN training steps", buf));
  PetscCall(NbReportAddReal(rep, "PINN training wall time [s]", "%.2f", p->stats.wall));
  {
    /* steps are synchronous, so every rank's step time is the same up to
       noise; shares are the largest over ranks (the rank that waits most).
       On a shared machine the fastest step is the least disturbed one. */
    PetscReal st[5] = {p->stats.step_time, p->stats.step_time > 0 ? p->stats.comm_time / p->stats.step_time : 0, p->stats.step_median, p->stats.step_min, p->stats.step_min > 0 ? p->stats.comm_min / p->stats.step_min : 0};
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, st, 5, MPIU_REAL, MPIU_MAX, p->comm));
    PetscCall(NbReportAddReal(rep, "PINN time per Adam step [ms]", "%.3f", 1e3 * st[0]));
    PetscCall(NbReportAddReal(rep, "PINN median Adam step [ms]", "%.3f", 1e3 * st[2]));
    PetscCall(NbReportAddReal(rep, "PINN fastest Adam step [ms]", "%.3f", 1e3 * st[3]));
    if (p->ops.commtime) {
      PetscCall(NbReportAddReal(rep, "PINN communication share of a step", "%.3f", st[1]));
      PetscCall(NbReportAddReal(rep, "PINN communication share of the fastest step", "%.3f", st[4]));
    }
  }
  PetscCall(NbReportAddReal(rep, "PINN final loss", "%.3e", p->stats.loss));
  for (PetscInt k = 0; p->ops.commtime && k < NB_PINN_NTERMS; k++) {
    char key[64];
    PetscCall(PetscSNPrintf(key, sizeof(key), "PINN final %s term", NbPINNTermNames[k]));
    PetscCall(NbReportAddReal(rep, key, "%.12e", p->stats.term[k]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
