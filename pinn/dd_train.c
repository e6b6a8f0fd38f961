/* Training of the domain-decomposed PINN: Adam (NbOptimizer on the rank
   model, objective = the total loss of pinn/dd_comm.c), a sampling round
   every -pinn_resample_every steps (every subdomain's own sampler), then
   L-BFGS through TAO on the distributed parameter vector; and what a run
   reports. */
#include "ddimpl.h"

static const char *const term_name[DD_NTERMS] = {"residual", "initial", "boundary", "data", "interface"};

static PetscErrorCode WritePoints(NbDDPINN dd, PetscReal tag)
{
  PetscInt         n = 0, nin = dd->nin, k = 0;
  PetscReal       *x, *id, *r;
  const char      *names[2] = {"subdomain", "residual"};
  const PetscReal *fields[2];

  PetscFunctionBegin;
  if (!dd->out || nin > 3) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt s = 0; s < dd->nlocal; s++)
    for (PetscInt q = 0; q < dd->sub[s].nres; q++) n += dd->sub[s].res[q].n;
  PetscCall(PetscMalloc3(n * nin + 1, &x, n + 1, &id, n + 1, &r));
  PetscCall(NbDDExchangeParameters_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub *sb = &dd->sub[s];
    PetscInt k0 = k;
    for (PetscInt q = 0; q < sb->nres; q++) {
      NbDDSet *S = &sb->res[q];
      PetscCall(PetscArraycpy(x + k * nin, S->x, S->n * nin));
      for (PetscInt i = 0; i < S->n; i++) id[k + i] = (PetscReal)sb->id;
      k += S->n;
    }
    if (k > k0) {
      PetscReal *rr = r + k0;
      PetscCall(NbGraphEvaluate(sb->gres, sb->XR, k - k0, x + k0 * nin, 1, &sb->RR, &rr));
    }
  }
  fields[0] = id;
  fields[1] = r;
  PetscCall(NbOutputWritePoints(dd->out, "collocation", tag, n, nin, x, 2, names, fields));
  PetscCall(PetscFree3(x, id, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Global count of collocation points (rar adds some every round). */
static PetscErrorCode CountPoints(NbDDPINN dd)
{
  PetscInt64 n = 0;

  PetscFunctionBegin;
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    PetscInt64 N;
    PetscCall(NbSamplerGetGlobalInfo(dd->sub[s].sampler, &N, NULL, NULL));
    n += N;
  }
  PetscCallMPI(MPI_Allreduce(&n, &dd->Nres, 1, MPIU_INT64, MPI_SUM, dd->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One sampling round in every subdomain: the replicas first take the
   neighbours' current parameters, so that adaptive samplers see the
   current solution (fbpinn: the windowed sum) at their candidates. */
static PetscErrorCode NewRound(NbDDPINN dd)
{
  PetscFunctionBegin;
  PetscCall(NbDDExchangeParameters_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    PetscCall(NbSamplerAdapt(dd->sub[s].sampler));
    PetscCall((*dd->ops.assign)(dd, &dd->sub[s]));
  }
  PetscCall(CountPoints(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(NbDDSetInputs_Private(dd, &dd->sub[s]));
  dd->stats.rounds++;
  if (dd->out) PetscCall(WritePoints(dd, (PetscReal)dd->stats.rounds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode StoreTerms(NbDDPINN dd, PetscReal loss)
{
  PetscFunctionBegin;
  dd->stats.loss      = loss;
  dd->stats.loss_res  = dd->termval[DD_TERM_RES];
  dd->stats.loss_ic   = dd->termval[DD_TERM_IC];
  dd->stats.loss_bc   = dd->termval[DD_TERM_BC];
  dd->stats.loss_data = dd->termval[DD_TERM_DATA];
  dd->stats.loss_if   = dd->termval[DD_TERM_IF];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Monitor(NbDDPINN dd, const char *phase, PetscInt step, PetscReal loss, PetscReal steptime)
{
  PetscFunctionBegin;
  PetscCall(PetscPrintf(dd->comm, "  %s %6d  %6.1f ms/step  loss %.4e  [", phase, (int)step, (double)(1e3 * steptime), (double)loss));
  for (PetscInt k = 0; k < DD_NTERMS; k++)
    if (dd->termval[k] != 0) PetscCall(PetscPrintf(dd->comm, " %s %.3e", term_name[k], (double)dd->termval[k]));
  PetscCall(PetscPrintf(dd->comm, " ]"));
  if (dd->errfn) {
    PetscReal err;
    PetscCall(dd->errfn(dd, &err, dd->errctx));
    PetscCall(PetscPrintf(dd->comm, "  rel. L2 error %.3e", (double)err));
  }
  for (PetscInt k = 0; dd->inverse && k < dd->prob.ncoef; k++) {
    PetscReal c;
    PetscCall(NbDDPINNGetCoefficient(dd, k, &c));
    PetscCall(PetscPrintf(dd->comm, " %s %.6g", dd->prob.coefname[k], (double)c));
  }
  PetscCall(PetscPrintf(dd->comm, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNTrain(NbDDPINN dd)
{
  double         t0, tsteps = 0;
  PetscLogDouble csteps = 0;
  PetscReal      loss, *st, *sc;

  PetscFunctionBegin;
  PetscCall(NbDDPINNSetUp(dd));
  t0 = NbWallTime();
  if (dd->out) PetscCall(WritePoints(dd, 0));
  PetscCall(NbOptimizerSetType(dd->opt, "adam"));
  PetscCall(NbOptimizerSetLearningRate(dd->opt, dd->lr));
  PetscCall(NbOptimizerSetMaxSteps(dd->opt, dd->adam_steps));
  PetscCall(NbOptimizerSetFromOptions(dd->opt));
  PetscCall(PetscFree(dd->history));
  PetscCall(PetscMalloc1(dd->adam_steps + 1, &dd->history));
  PetscCall(PetscMalloc2(dd->adam_steps + 1, &st, dd->adam_steps + 1, &sc));
  dd->nhistory = 0;
  for (PetscInt step = 0; step < dd->adam_steps; step++) {
    double         ts;
    PetscErrorCode ierr;
    PetscLogDouble c1;
    if (step > 0 && step % dd->resample_every == 0) PetscCall(NewRound(dd));
    ts = NbWallTime();
    c1 = dd->tcomm;
    /* the optimizer refuses a non-finite loss (PETSC_ERR_FP); every rank
       sees the same global loss, so all stop together with one message */
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = NbOptimizerStep(dd->opt, &loss);
    PetscCall(PetscPopErrorHandler());
    if (ierr == PETSC_ERR_FP) loss = (PetscReal)NAN;
    else PetscCall(ierr);
    st[step] = NbWallTime() - ts;
    sc[step] = dd->tcomm - c1;
    tsteps += st[step];
    csteps += sc[step];
    PetscCheck(!PetscIsInfOrNanReal(loss), dd->comm, PETSC_ERR_FP, "Domain-decomposed PINN training diverged at Adam step %d: the loss is not finite. Lower the learning rate (-pinn_lr, now %g) or add -opt_clip_norm 1", (int)step, (double)dd->lr);
    dd->history[dd->nhistory++] = loss;
    if (dd->monitor && (step % dd->monitor == 0 || step == dd->adam_steps - 1)) PetscCall(Monitor(dd, "adam ", step, loss, NbWallTime() - ts));
  }
  dd->stats.adam_steps = dd->adam_steps;
  dd->stats.step_time  = dd->adam_steps ? tsteps / dd->adam_steps : 0;
  dd->stats.comm_time  = dd->adam_steps ? csteps / dd->adam_steps : 0;
  if (dd->adam_steps) {
    PetscInt imin = 0;
    for (PetscInt k = 1; k < dd->adam_steps; k++)
      if (st[k] < st[imin]) imin = k;
    dd->stats.step_min = st[imin];
    dd->stats.comm_min = sc[imin];
    PetscCall(PetscSortReal(dd->adam_steps, st));
    dd->stats.step_median = dd->adam_steps % 2 ? st[dd->adam_steps / 2] : (st[dd->adam_steps / 2 - 1] + st[dd->adam_steps / 2]) / 2;
  }
  PetscCall(PetscFree2(st, sc));
  if (dd->lbfgs_steps > 0) {
    PetscInt its;
    double   ts = NbWallTime();
    PetscCall(NbDDLBFGS_Private(dd, dd->lbfgs_steps, &its));
    dd->stats.lbfgs_iterations = its;
    if (dd->monitor) {
      PetscCall(NbDDPINNComputeLossGradient(dd, &loss));
      PetscCall(Monitor(dd, "lbfgs", its, loss, (NbWallTime() - ts) / PetscMax(its, 1)));
    }
  }
  PetscCall(NbDDPINNComputeLossGradient(dd, &loss));
  PetscCheck(!PetscIsInfOrNanReal(loss), dd->comm, PETSC_ERR_FP, "Domain-decomposed PINN training ended with a non-finite loss; lower -pinn_lr or the L-BFGS steps");
  PetscCall(StoreTerms(dd, loss));
  dd->stats.wall = NbWallTime() - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetStats(NbDDPINN dd, NbDDPINNStats *s)
{
  PetscFunctionBegin;
  *s = dd->stats;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetLossHistory(NbDDPINN dd, PetscInt *n, const PetscReal *loss[])
{
  PetscFunctionBegin;
  *n    = dd->nhistory;
  *loss = dd->history;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNWriteHistory(NbDDPINN dd, NbOutput out)
{
  PetscReal nadam = (PetscReal)dd->stats.adam_steps;

  PetscFunctionBegin;
  PetscCall(NbOutputWriteHistory(out, "loss", dd->nhistory, dd->history));
  PetscCall(NbOutputWriteHistory(out, "loss_adam_steps", 1, &nadam));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNReport(NbDDPINN dd, NbReport rep)
{
  char        buf[256], parts[64] = "";
  const char *stype;
  PetscInt    np = 0, wmin = PETSC_MAX_INT, wmax = 0, dmin = PETSC_MAX_INT, dmax = 0;

  PetscFunctionBegin;
  for (PetscInt a = 0; a < dd->nin; a++) {
    char p[16];
    PetscCall(PetscSNPrintf(p, sizeof(p), "%s%d", a ? " x " : "", (int)dd->parts[a]));
    PetscCall(PetscStrlcat(parts, p, sizeof(parts)));
  }
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%s, %s subdomains along (%s), %d on %d ranks", dd->type, parts, dd->prob.coords, (int)dd->ncell, (int)dd->size));
  PetscCall(NbReportAddString(rep, "PINN domain decomposition", buf));
  for (PetscInt id = 0; id < dd->ncell; id++) {
    np += dd->cells[id].np;
    wmin = PetscMin(wmin, dd->cells[id].width);
    wmax = PetscMax(wmax, dd->cells[id].width);
    dmin = PetscMin(dmin, dd->cells[id].depth);
    dmax = PetscMax(dmax, dd->cells[id].depth);
  }
  if (wmin == wmax && dmin == dmax) PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d x %d %s per subdomain, %d parameters in all", (int)dmin, (int)wmin, NbActivations[dd->act], (int)np));
  else PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d-%d x %d-%d %s, %d parameters in all", (int)dmin, (int)dmax, (int)wmin, (int)wmax, NbActivations[dd->act], (int)np));
  PetscCall(NbReportAddString(rep, "PINN network", buf));
  PetscCall(NbSamplerGetType(dd->sub[0].sampler, &stype));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d %s (%d per subdomain, %d rounds), %d initial/boundary, %d interface, bc %s", (int)dd->Nres, stype, (int)dd->ppsub, (int)dd->stats.rounds, (int)(dd->Nic + dd->Nbc), (int)dd->Nif, dd->hard ? "hard" : "soft"));
  PetscCall(NbReportAddString(rep, "PINN points", buf));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d Adam + %d L-BFGS", (int)dd->stats.adam_steps, (int)dd->stats.lbfgs_iterations));
  PetscCall(NbReportAddString(rep, "PINN training steps", buf));
  PetscCall(NbReportAddReal(rep, "PINN training wall time [s]", "%.2f", dd->stats.wall));
  {
    /* steps are synchronous, so every rank's step time is the same up to
       noise; shares are the largest over ranks (the rank that waits most).
       On a shared machine the fastest step is the least disturbed one. */
    PetscReal st[5] = {dd->stats.step_time, dd->stats.step_time > 0 ? dd->stats.comm_time / dd->stats.step_time : 0, dd->stats.step_median, dd->stats.step_min, dd->stats.step_min > 0 ? dd->stats.comm_min / dd->stats.step_min : 0};
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, st, 5, MPIU_REAL, MPIU_MAX, dd->comm));
    PetscCall(NbReportAddReal(rep, "PINN time per Adam step [ms]", "%.3f", 1e3 * st[0]));
    PetscCall(NbReportAddReal(rep, "PINN communication share of a step", "%.3f", st[1]));
    PetscCall(NbReportAddReal(rep, "PINN median Adam step [ms]", "%.3f", 1e3 * st[2]));
    PetscCall(NbReportAddReal(rep, "PINN fastest Adam step [ms]", "%.3f", 1e3 * st[3]));
    PetscCall(NbReportAddReal(rep, "PINN communication share of the fastest step", "%.3f", st[4]));
  }
  PetscCall(NbReportAddReal(rep, "PINN final loss", "%.3e", dd->stats.loss));
  {
    PetscReal v[DD_NTERMS] = {dd->stats.loss_res, dd->stats.loss_ic, dd->stats.loss_bc, dd->stats.loss_data, dd->stats.loss_if};
    for (PetscInt k = 0; k < DD_NTERMS; k++) {
      char key[64];
      PetscCall(PetscSNPrintf(key, sizeof(key), "PINN final %s term", term_name[k]));
      PetscCall(NbReportAddReal(rep, key, "%.12e", v[k]));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
