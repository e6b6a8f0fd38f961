static const char help[] = "nabla-node: a neural ODE learned from noisy trajectories, integrated by PETSc TS with TSAdjoint gradients.\n"
                           "  -node_case lotkavolterra   the only case: learn the Lotka-Volterra vector field\n"
                           "  -node_train <16> -node_test <4>   training / held-out initial conditions\n"
                           "  -node_tf <6> -node_obs <30>      time interval [0, tf] and observations (equally spaced, t > 0)\n"
                           "  -node_noise <0.01>               relative Gaussian noise on the training observations\n"
                           "  -node_seed <0>                   seed of the initial conditions and the noise\n"
                           "  -node_width <64> -node_depth <2> the tanh MLP 2 -> width^depth -> 2\n"
                           "  -node_adam_steps <1500> -node_lr <5e-3> -node_lbfgs_steps <500>   training (any -opt_ / -tao_ option too)\n"
                           "  -node_eval_every <100>           print the held-out error every this many steps (0: never)\n"
                           "  -output <node_lv.h5>             HDF5 output: learned and reference trajectories, loss history\n"
                           "TS options (-ts_type rk, -ts_rk_type 4, -ts_dt 0.05, -ts_type cn, -ts_trajectory_*) choose the integrator of the\n"
                           "neural ODE; -ref_ts_* the reference integrator of the data (rk 5dp, tolerances 1e-12).\n";

#include "nabla.h"
#include "nbnode.h"

/* Lotka-Volterra, dx/dt = a x - b x y, dy/dt = d x y - g y, with the
   coefficients of Rackauckas et al. (2020, "Universal differential
   equations for scientific machine learning", sec. 3.1) */
static const PetscReal LV_A = 1.3, LV_B = 0.9, LV_G = 0.8, LV_D = 1.8;

typedef struct {
  char      ccase[32];
  PetscInt  ntrain, ntest, nobs, width, depth, adam, lbfgs, every;
  PetscReal tf, noise, lr;
  PetscInt  seed;
} Options;

static PetscErrorCode GetOptions(MPI_Comm comm, Options *o)
{
  PetscBool lv;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(o->ccase, "lotkavolterra", sizeof(o->ccase)));
  o->ntrain = 16, o->ntest = 4, o->nobs = 30, o->width = 64, o->depth = 2, o->adam = 1500, o->lbfgs = 500, o->every = 100;
  o->tf = 6, o->noise = 0.01, o->lr = 5e-3, o->seed = 0;
  PetscOptionsBegin(comm, NULL, "nabla-node", "nabla-node");
  PetscCall(PetscOptionsString("-node_case", "The case: lotkavolterra", NULL, o->ccase, o->ccase, sizeof(o->ccase), NULL));
  PetscCall(PetscOptionsInt("-node_train", "Training initial conditions", NULL, o->ntrain, &o->ntrain, NULL));
  PetscCall(PetscOptionsInt("-node_test", "Held-out initial conditions", NULL, o->ntest, &o->ntest, NULL));
  PetscCall(PetscOptionsReal("-node_tf", "Final time", NULL, o->tf, &o->tf, NULL));
  PetscCall(PetscOptionsInt("-node_obs", "Observation times in (0, tf]", NULL, o->nobs, &o->nobs, NULL));
  PetscCall(PetscOptionsReal("-node_noise", "Relative noise on the training data", NULL, o->noise, &o->noise, NULL));
  PetscCall(PetscOptionsInt("-node_seed", "Seed of the initial conditions and the noise", NULL, o->seed, &o->seed, NULL));
  PetscCall(PetscOptionsInt("-node_width", "Units per hidden layer", NULL, o->width, &o->width, NULL));
  PetscCall(PetscOptionsInt("-node_depth", "Hidden layers", NULL, o->depth, &o->depth, NULL));
  PetscCall(PetscOptionsInt("-node_adam_steps", "Adam steps", NULL, o->adam, &o->adam, NULL));
  PetscCall(PetscOptionsReal("-node_lr", "Adam learning rate (cosine schedule to 1/100 of it)", NULL, o->lr, &o->lr, NULL));
  PetscCall(PetscOptionsInt("-node_lbfgs_steps", "L-BFGS iterations after Adam", NULL, o->lbfgs, &o->lbfgs, NULL));
  PetscCall(PetscOptionsInt("-node_eval_every", "Print the held-out error every this many steps (0: never)", NULL, o->every, &o->every, NULL));
  PetscOptionsEnd();
  PetscCall(PetscStrcmp(o->ccase, "lotkavolterra", &lv));
  PetscCheck(lv, comm, PETSC_ERR_USER_INPUT, "-node_case %s is unknown: the case of nabla-node is lotkavolterra (the Burgers closure runs as nabla-burgers -method node)", o->ccase);
  PetscCheck(o->ntrain >= 1 && o->ntest >= 1, comm, PETSC_ERR_USER_INPUT, "-node_train %d and -node_test %d must be at least 1", (int)o->ntrain, (int)o->ntest);
  PetscCheck(o->tf > 0 && o->nobs >= 1, comm, PETSC_ERR_USER_INPUT, "-node_tf %g must be positive and -node_obs %d at least 1", (double)o->tf, (int)o->nobs);
  PetscCheck(o->noise >= 0, comm, PETSC_ERR_USER_INPUT, "-node_noise %g must be >= 0", (double)o->noise);
  PetscCheck(o->width >= 1 && o->depth >= 1 && o->depth <= 8, comm, PETSC_ERR_USER_INPUT, "-node_width %d must be >= 1 and -node_depth %d in 1..8", (int)o->width, (int)o->depth);
  PetscCheck(o->adam >= 0 && o->lbfgs >= 0 && o->lr > 0 && o->every >= 0, comm, PETSC_ERR_USER_INPUT, "-node_adam_steps, -node_lbfgs_steps and -node_eval_every must be >= 0, -node_lr > 0");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LVRHS(TS ts, PetscReal t, Vec Y, Vec F, void *ctx)
{
  const PetscReal *y;
  PetscReal       *f;
  PetscInt         n;

  PetscFunctionBegin;
  PetscCall(VecGetLocalSize(Y, &n));
  PetscCall(VecGetArrayRead(Y, &y));
  PetscCall(VecGetArray(F, &f));
  for (PetscInt i = 0; i < n; i += 2) {
    f[i]     = LV_A * y[i] - LV_B * y[i] * y[i + 1];
    f[i + 1] = LV_D * y[i] * y[i + 1] - LV_G * y[i + 1];
  }
  PetscCall(VecRestoreArrayRead(Y, &y));
  PetscCall(VecRestoreArray(F, &f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* member i's initial state from uniform draws 2i, 2i+1 of the stream: the
   held-out ones in [0.3, 0.8] x [1.1, 2.1] (prey, predators), the training
   ones in that box widened by a fifth on each side, so that the held-out
   orbits (around the equilibrium (g/d, a/b) = (0.44, 1.44)) lie among
   the training ones */
static PetscErrorCode InitialStates(NbNODE node, NbRNG rng, PetscInt64 stream, PetscReal widen, Vec y0)
{
  PetscReal lo[2] = {0.3, 1.1}, hi[2] = {0.8, 2.1};

  PetscFunctionBegin;
  for (PetscInt c = 0; c < 2; c++) {
    PetscReal w = hi[c] - lo[c];
    lo[c] -= widen * w;
    hi[c] += widen * w;
  }
  PetscCall(NbNODEDrawUniformStates(node, rng, stream, lo, hi, y0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the true trajectories at the observation times, PETSc TS at tight tolerance (prefix ref_) */
static PetscErrorCode Reference(Vec y0, PetscInt nobs, const PetscReal tobs[], Vec ref[])
{
  TS        ts;
  TSAdapt   adapt;
  Vec       y, *sol;
  PetscReal *span;
  PetscInt  ns;

  PetscFunctionBegin;
  PetscCall(TSCreate(PetscObjectComm((PetscObject)y0), &ts));
  PetscCall(TSSetOptionsPrefix(ts, "ref_"));
  PetscCall(TSSetType(ts, TSRK));
  PetscCall(TSRKSetType(ts, TSRK5DP));
  PetscCall(TSSetTolerances(ts, 1e-12, NULL, 1e-12, NULL));
  PetscCall(TSGetAdapt(ts, &adapt));
  PetscCall(TSAdaptSetType(adapt, TSADAPTBASIC));
  PetscCall(TSSetTimeStep(ts, 1e-3));
  PetscCall(TSSetExactFinalTime(ts, TS_EXACTFINALTIME_MATCHSTEP));
  PetscCall(TSSetRHSFunction(ts, NULL, LVRHS, NULL));
  PetscCall(PetscMalloc1(nobs + 1, &span));
  span[0] = 0;
  PetscCall(PetscArraycpy(span + 1, tobs, nobs));
  PetscCall(TSSetTimeSpan(ts, nobs + 1, span));
  PetscCall(PetscFree(span));
  PetscCall(TSSetFromOptions(ts));
  PetscCall(VecDuplicate(y0, &y));
  PetscCall(VecCopy(y0, y));
  PetscCall(TSSolve(ts, y));
  PetscCall(TSGetTimeSpanSolutions(ts, &ns, &sol));
  PetscCheck(ns == nobs + 1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the reference reached %d of %d observation times", (int)ns - 1, (int)nobs);
  for (PetscInt k = 0; k < nobs; k++) PetscCall(VecCopy(sol[k + 1], ref[k]));
  PetscCall(VecDestroy(&y));
  PetscCall(TSDestroy(&ts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* data = ref (1 + noise N(0,1)), draws by global index (the same on any number of ranks) */
static PetscErrorCode AddNoise(NbNODE node, NbRNG rng, PetscReal noise, PetscInt nobs, const Vec ref[], Vec data[])
{
  PetscInt64 off;
  PetscInt   n;
  PetscReal *a, *z;

  PetscFunctionBegin;
  PetscCall(NbNODEGetLocalMembers(node, &off, &n));
  PetscCall(PetscMalloc1(2 * n + 1, &z));
  for (PetscInt k = 0; k < nobs; k++) {
    PetscCall(NbRNGNormal(rng, 100 + k, 2 * off, 2 * n, z));
    PetscCall(VecCopy(ref[k], data[k]));
    PetscCall(VecGetArray(data[k], &a));
    for (PetscInt i = 0; i < 2 * n; i++) a[i] *= 1 + noise * z[i];
    PetscCall(VecRestoreArray(data[k], &a));
  }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  NbNODE node;
  Vec    y0, *ref, *data; /* data: the noisy targets (training) or NULL */
} Set;

/* a set of trajectories: its NODE (the shared network), initial states, reference and data */
static PetscErrorCode SetCreate(MPI_Comm comm, NbModel m, NbLayer net, const Options *o, const PetscReal tobs[], PetscInt batch, PetscInt64 stream, NbRNG rng, PetscBool noisy, Set *s)
{
  PetscFunctionBegin;
  PetscCall(NbNODECreate(comm, &s->node));
  PetscCall(NbNODESetNetwork(s->node, m, net));
  PetscCall(NbNODESetSizes(s->node, 2, batch));
  PetscCall(NbNODESetTimes(s->node, 0, o->tf, 0.05));
  PetscCall(NbNODESetObservations(s->node, o->nobs, tobs));
  PetscCall(NbNODESetFromOptions(s->node));
  PetscCall(NbNODESetUp(s->node));
  PetscCall(NbNODECreateState(s->node, &s->y0));
  PetscCall(InitialStates(s->node, rng, stream, noisy ? 0.2 : 0, s->y0));
  PetscCall(NbNODESetInitialState(s->node, s->y0));
  PetscCall(VecDuplicateVecs(s->y0, o->nobs, &s->ref));
  PetscCall(Reference(s->y0, o->nobs, tobs, s->ref));
  s->data = NULL;
  if (noisy) {
    PetscCall(VecDuplicateVecs(s->y0, o->nobs, &s->data));
    PetscCall(AddNoise(s->node, rng, o->noise, o->nobs, s->ref, s->data));
  }
  PetscCall(NbNODESetTargets(s->node, noisy ? s->data : s->ref));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetDestroy(const Options *o, Set *s)
{
  PetscFunctionBegin;
  PetscCall(NbNODEDestroy(&s->node));
  PetscCall(VecDestroy(&s->y0));
  PetscCall(VecDestroyVecs(o->nobs, &s->ref));
  if (s->data) PetscCall(VecDestroyVecs(o->nobs, &s->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* relative L2 error of the learned trajectories against the clean reference, all observation times */
static PetscErrorCode SetError(Set *s, PetscInt nobs, PetscReal *err)
{
  const Vec *y;
  PetscReal  num = 0, den = 0, a, b;
  Vec        d;

  PetscFunctionBegin;
  PetscCall(NbNODESolve(s->node));
  PetscCall(NbNODEGetObservedStates(s->node, NULL, &y));
  PetscCall(VecDuplicate(s->y0, &d));
  for (PetscInt k = 0; k < nobs; k++) {
    PetscCall(VecWAXPY(d, -1, s->ref[k], y[k]));
    PetscCall(VecNorm(d, NORM_2, &a));
    PetscCall(VecNorm(s->ref[k], NORM_2, &b));
    num += a * a;
    den += b * b;
  }
  PetscCall(VecDestroy(&d));
  *err = PetscSqrtReal(num / den);
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  Set           *test;
  const Options *o;
  const char    *phase;
  PetscLogDouble t0;
} Monitor;

static PetscErrorCode StepMonitor(NbOptimizer opt, PetscInt step, PetscReal loss, void *ctx)
{
  Monitor  *mon = (Monitor *)ctx;
  PetscReal err;

  PetscFunctionBegin;
  if (!mon->o->every || (step + 1) % mon->o->every) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(SetError(mon->test, mon->o->nobs, &err));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  %-5s %5d  loss %.4e  held-out rel. L2 %.3e  %.1f s\n", mon->phase, (int)step + 1, (double)loss, (double)err, NbWallTime() - mon->t0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adam (cosine schedule) then L-BFGS (TAO), the objective the training set's NODE;
   the loss of every step and iteration appended to *hist */
static PetscErrorCode Train(NbModel m, Set *train, Set *test, const Options *o, PetscInt *nhist, PetscReal **hist, PetscInt *its)
{
  NbOptimizer      opt[2] = {NULL, NULL};
  Monitor          mon    = {test, o, "adam", NbWallTime()};
  const PetscReal *h;
  PetscInt         n;

  PetscFunctionBegin;
  *nhist = 0;
  PetscCall(PetscMalloc1(o->adam + o->lbfgs + 16, hist));
  for (PetscInt p = 0; p < 2; p++) {
    if ((p ? o->lbfgs : o->adam) == 0) continue;
    PetscCall(NbOptimizerCreate(m, &opt[p]));
    PetscCall(NbOptimizerSetObjective(opt[p], NbNODEObjective, train->node));
    if (p == 0) {
      PetscCall(NbOptimizerSetType(opt[p], "adam"));
      PetscCall(NbOptimizerSetLearningRate(opt[p], o->lr));
      PetscCall(NbOptimizerSetSchedule(opt[p], NB_SCHEDULE_COSINE, 1, 1, o->lr / 100));
      PetscCall(NbOptimizerSetMaxSteps(opt[p], o->adam));
    } else {
      Tao tao;
      PetscCall(NbOptimizerSetFixedType(opt[p], "lbfgs"));
      PetscCall(NbOptimizerGetTao(opt[p], &tao));
      PetscCall(TaoSetMaximumIterations(tao, o->lbfgs));
      PetscCall(TaoSetTolerances(tao, 0, 0, 0));
    }
    PetscCall(NbOptimizerSetFromOptions(opt[p]));
    PetscCall(NbOptimizerSetStepMonitor(opt[p], StepMonitor, &mon));
    mon.phase = p ? "lbfgs" : "adam";
    PetscCall(NbOptimizerSolve(opt[p]));
    PetscCall(NbOptimizerGetHistory(opt[p], &n, &h));
    n = PetscMin(n, o->adam + o->lbfgs + 16 - *nhist);
    PetscCall(PetscArraycpy(*hist + *nhist, h, n));
    *nhist += n;
    if (p) PetscCall(NbOptimizerGetStepNumber(opt[p], its));
    PetscCall(NbOptimizerDestroy(&opt[p]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* member m's component c at t = 0 and every observation, from rank 0's copy of the states */
static PetscErrorCode WriteSeries(NbOutput out, const char name[], PetscInt batch, PetscInt nobs, Vec y0, const Vec y[])
{
  VecScatter sc;
  Vec        all;
  PetscReal *v;
  char       key[64];
  static const char *const comp[] = {"prey", "predator"};

  PetscFunctionBegin;
  PetscCall(VecScatterCreateToZero(y0, &sc, &all));
  PetscCall(PetscCalloc1(batch * 2 * (nobs + 1), &v));
  for (PetscInt k = 0; k <= nobs; k++) {
    const PetscReal *a;
    PetscInt         n;
    PetscCall(VecScatterBegin(sc, k ? y[k - 1] : y0, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, k ? y[k - 1] : y0, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetLocalSize(all, &n));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < n; i++) v[(i / 2 * 2 + i % 2) * (nobs + 1) + k] = a[i];
    PetscCall(VecRestoreArrayRead(all, &a));
  }
  for (PetscInt i = 0; i < batch; i++)
    for (PetscInt c = 0; c < 2; c++) {
      PetscCall(PetscSNPrintf(key, sizeof(key), "%s%d_%s", name, (int)i, comp[c]));
      PetscCall(NbOutputWriteHistory(out, key, nobs + 1, v + (2 * i + c) * (nobs + 1)));
    }
  PetscCall(PetscFree(v));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the trajectories as a point cloud for ParaView: point (prey, predators, t)
   for every local member at t = 0 and every observation time, with the
   member's global index and t as fields */
static PetscErrorCode WritePhasePoints(NbOutput out, const char name[], NbNODE node, PetscInt nobs, const PetscReal tobs[], Vec y0, const Vec y[])
{
  PetscInt64       off;
  PetscInt         n, np;
  PetscReal       *xyz, *fm, *ft;
  const PetscReal *a;
  const char      *fields[] = {"member", "t"};

  PetscFunctionBegin;
  PetscCall(NbNODEGetLocalMembers(node, &off, &n));
  np = n * (nobs + 1);
  PetscCall(PetscMalloc3(3 * np + 1, &xyz, np + 1, &fm, np + 1, &ft));
  for (PetscInt k = 0; k <= nobs; k++) {
    PetscCall(VecGetArrayRead(k ? y[k - 1] : y0, &a));
    for (PetscInt i = 0; i < n; i++) {
      PetscInt p = i * (nobs + 1) + k;
      xyz[3 * p] = a[2 * i], xyz[3 * p + 1] = a[2 * i + 1], xyz[3 * p + 2] = k ? tobs[k - 1] : 0;
      fm[p] = (PetscReal)(off + i), ft[p] = xyz[3 * p + 2];
    }
    PetscCall(VecRestoreArrayRead(k ? y[k - 1] : y0, &a));
  }
  {
    const PetscReal *vals[] = {fm, ft};
    PetscCall(NbOutputWritePoints(out, name, 0, np, 3, xyz, 2, fields, vals));
  }
  PetscCall(PetscFree3(xyz, fm, ft));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* learned (a fresh forward solve) and reference trajectories of a set, and its data */
static PetscErrorCode WriteSet(NbOutput out, const char name[], Set *s, const Options *o, const PetscReal tobs[], PetscInt batch)
{
  const Vec *y;
  char       key[64];

  PetscFunctionBegin;
  PetscCall(NbNODESolve(s->node));
  PetscCall(NbNODEGetObservedStates(s->node, NULL, &y));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s_learned", name));
  PetscCall(WriteSeries(out, key, batch, o->nobs, s->y0, y));
  PetscCall(WritePhasePoints(out, key, s->node, o->nobs, tobs, s->y0, y));
  PetscCall(PetscSNPrintf(key, sizeof(key), "%s_reference", name));
  PetscCall(WriteSeries(out, key, batch, o->nobs, s->y0, s->ref));
  PetscCall(WritePhasePoints(out, key, s->node, o->nobs, tobs, s->y0, s->ref));
  if (s->data) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s_data", name));
    PetscCall(WriteSeries(out, key, batch, o->nobs, s->y0, s->data));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  MPI_Comm       comm = PETSC_COMM_WORLD;
  Options        o;
  NbModel        m;
  NbLayer        net;
  NbRNG          rng;
  NbOutput       out;
  NbReport       rep;
  Set            train, test;
  PetscInt       widths[10], nhist, its = 0;
  PetscReal     *tobs, *hist, etrain, etest;
  PetscLogDouble t0;

  PetscFunctionBegin;
  PetscCall(GetOptions(comm, &o));
  PetscCall(NbOutputCreate(comm, &out));
  PetscCall(NbOutputSetFileName(out, "node_lv.h5"));
  PetscCall(NbOutputSetFromOptions(out));
  PetscCall(NbOutputOpen(out));
  widths[0] = 2;
  for (PetscInt l = 1; l <= o.depth; l++) widths[l] = o.width;
  widths[o.depth + 1] = 2;
  PetscCall(NbModelCreate(comm, &m));
  PetscCall(NbModelSetSeed(m, o.seed));
  PetscCall(NbModelAddMLP(m, "f", o.depth + 2, widths, NB_ACT_TANH, &net));
  PetscCall(NbModelSetFromOptions(m));
  PetscCall(NbRNGCreate(comm, &rng));
  PetscCall(NbRNGSetSeed(rng, o.seed));
  PetscCall(PetscMalloc1(o.nobs, &tobs));
  for (PetscInt k = 0; k < o.nobs; k++) tobs[k] = o.tf * (k + 1) / o.nobs;
  PetscCall(SetCreate(comm, m, net, &o, tobs, o.ntrain, 1, rng, PETSC_TRUE, &train));
  PetscCall(SetCreate(comm, m, net, &o, tobs, o.ntest, 2, rng, PETSC_FALSE, &test));
  t0 = NbWallTime();
  PetscCall(Train(m, &train, &test, &o, &nhist, &hist, &its));
  t0 = NbWallTime() - t0;
  PetscCall(SetError(&train, o.nobs, &etrain));
  PetscCall(SetError(&test, o.nobs, &etest));

  PetscCall(NbOutputWriteHistory(out, "loss", nhist, hist));
  {
    PetscReal *t;
    PetscCall(PetscMalloc1(o.nobs + 1, &t));
    t[0] = 0;
    PetscCall(PetscArraycpy(t + 1, tobs, o.nobs));
    PetscCall(NbOutputWriteHistory(out, "time", o.nobs + 1, t));
    PetscCall(PetscFree(t));
  }
  PetscCall(WriteSet(out, "train", &train, &o, tobs, o.ntrain));
  PetscCall(WriteSet(out, "heldout", &test, &o, tobs, o.ntest));
  PetscCall(NbReportCreate(comm, "nabla-node -node_case lotkavolterra", &rep));
  PetscCall(NbReportAddInt(rep, "training trajectories", o.ntrain));
  PetscCall(NbReportAddInt(rep, "held-out trajectories", o.ntest));
  PetscCall(NbReportAddReal(rep, "noise on the data", "%.3g", o.noise));
  PetscCall(NbReportAddInt(rep, "Adam steps", o.adam));
  PetscCall(NbReportAddInt(rep, "L-BFGS iterations", its));
  PetscCall(NbReportAddReal(rep, "final training loss", "%.4e", nhist ? hist[nhist - 1] : 0));
  PetscCall(NbReportAddReal(rep, "training wall time [s]", "%.1f", t0));
  PetscCall(NbReportAddReal(rep, "train rel. L2 error vs clean reference", "%.4e", etrain));
  PetscCall(NbReportAddReal(rep, "held-out rel. L2 error vs reference", "%.4e", etest));
  PetscCall(NbReportPrint(rep, out));
  PetscCall(NbOutputClose(out));
  PetscCall(PetscPrintf(comm, "  output: %s\n", "written"));

  PetscCall(NbReportDestroy(&rep));
  PetscCall(PetscFree(hist));
  PetscCall(SetDestroy(&o, &train));
  PetscCall(SetDestroy(&o, &test));
  PetscCall(PetscFree(tobs));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbModelDestroy(&m));
  PetscCall(NbOutputDestroy(&out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(Run());
  PetscCall(NbOptionsCheckUnused(PETSC_COMM_WORLD));
  PetscCall(NbFinalize());
  return 0;
}
