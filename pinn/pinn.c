/* NbPINN: physics-informed networks (Raissi, Perdikaris & Karniadakis 2019,
   J. Comput. Phys. 378:686) for any PDE given pointwise (NbPDE). This file
   is what every type shares: the registry, the options, the global data
   sets (initial, boundary and observed values, whole on every rank, drawn
   from counter-based random numbers so that they do not depend on the rank
   count), the coefficients, and the global parameter vector. Training is in
   pinn_train.c; the types in pinn_plain.c and dd*.c. */
#include "pinnimpl.h"

const char *const NbPINNTermNames[] = {"residual", "initial", "boundary", "data", "interface"};

static const NbRegistryEntry NbPINNBuiltin[] = {
  {"none", (PetscVoidFunction)NbPINNCreate_Plain},
  {"xpinn", (PetscVoidFunction)NbPINNCreate_XPINN},
  {"cpinn", (PetscVoidFunction)NbPINNCreate_CPINN},
  {"fbpinn", (PetscVoidFunction)NbPINNCreate_FBPINN},
  {NULL, NULL}
};
static NbRegistry    NbPINNTypes     = {"-pinn_dd", NbPINNBuiltin, NULL, PETSC_FALSE};
static PetscLogEvent NB_PINNEvaluate = 0;

NB_CLASS_FUNCTIONS(NbPINN, NbPINNTypes)

PetscErrorCode NbPINNCreate(MPI_Comm comm, NbPINN *pp)
{
  NbPINN p;

  PetscFunctionBegin;
  if (!NB_PINNEvaluate) PetscCall(PetscLogEventRegister("NbPINNEvaluate", NB_CLASSID, &NB_PINNEvaluate));
  PetscCall(NbHeadCreate(comm, sizeof(*p), &p));
  /* Raissi et al. (2019): 8 hidden layers of 20 tanh units, 10,000
     collocation and 100 initial/boundary points, Adam then L-BFGS */
  p->width                  = 20;
  p->depth                  = 8;
  p->act                    = NB_ACT_TANH;
  p->fsigma                 = 1;
  p->npoints                = 10000;
  p->nbnd                   = 100;
  p->ndata                  = 2000;
  p->w[NB_PINN_TERM_RES]    = 1;
  p->w[NB_PINN_TERM_IC]     = 1;
  p->w[NB_PINN_TERM_BC]     = 1;
  p->w[NB_PINN_TERM_DATA]   = 1;
  p->w[NB_PINN_TERM_IF]     = 1;
  p->lr                     = 1e-3;
  p->adam_steps             = 10000;
  p->lbfgs_steps            = 10000;
  p->lbfgs_rounds           = 1;
  p->resample_every         = 1000;
  p->monitor                = 1000;
  p->perturbseed            = -1;
  p->nsub                   = 1;
  p->nlocal                 = 1;
  *pp                       = p;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNCheckSetUp_Private(NbPINN p)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetUp() first");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* what must come before set-up: "Set the seed" */
static PetscErrorCode CheckBeforeSetUp(NbPINN p, const char what[])
{
  PetscFunctionBegin;
  PetscCheck(!p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "%s before NbPINNSetUp()", what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetPDE(NbPINN p, const NbPDE *pde)
{
  PetscFunctionBegin;
  PetscCall(CheckBeforeSetUp(p, "Set the PDE"));
  PetscCheck(pde->dim >= 1 && pde->dim <= 3 && pde->nout >= 1 && pde->nout <= NB_PDE_MAXOUT && pde->ncoef <= NB_PDE_MAXCOEF, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "Unsupported PDE shape");
  p->pde    = *pde;
  p->haspde = PETSC_TRUE;
  p->hard   = pde->defaulthard;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetPDE(NbPINN p, const NbPDE **pde)
{
  PetscFunctionBegin;
  PetscCheck(p->haspde, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetPDE() first");
  *pde = &p->pde;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetFromOptions(NbPINN p)
{
  /* the weights of the terms in NbPINNTerm order (the interface weights are the decomposition's) */
  static const char *const wopt[]  = {"-pinn_w_res", "-pinn_w_ic", "-pinn_w_bc", "-pinn_w_data"};
  static const char *const whelp[] = {"Weight of the residual term", "Weight of the initial-condition term", "Weight of the boundary-condition term", "Weight of the observation term"};
  char                     type[32], bc[16], bchelp[512];
  PetscBool                soft;
  PetscInt                 seed, dseed;
  PetscFunctionList        types;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&NbPINNTypes, &types));
  PetscCheck(p->haspde, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetPDE() before NbPINNSetFromOptions()");
  PetscCall(PetscStrncpy(type, p->type[0] ? p->type : "none", sizeof(type)));
  PetscCall(PetscStrncpy(bc, p->hard ? "hard" : "soft", sizeof(bc)));
  PetscCall(PetscSNPrintf(bchelp, sizeof(bchelp), "Initial/boundary conditions: soft (penalty terms) or hard (built into the output)%s%s", p->pde.bcwhy ? "; " : "", p->pde.bcwhy ? p->pde.bcwhy : ""));
  seed  = (PetscInt)p->seed;
  dseed = (PetscInt)p->dataseed;
  PetscOptionsBegin(p->comm, p->prefix, "Physics-informed neural network", "NbPINN");
  PetscCall(PetscOptionsFList("-pinn_dd", "Domain decomposition: none (one network), xpinn, cpinn, fbpinn", "NbPINNSetType", types, type, type, sizeof(type), NULL));
  PetscCall(NbPINNSetType(p, type));
  PetscCall(PetscOptionsInt("-pinn_width", "Units per hidden layer", "NbPINNSetFromOptions", p->width, &p->width, NULL));
  PetscCall(PetscOptionsInt("-pinn_depth", "Hidden layers", "NbPINNSetFromOptions", p->depth, &p->depth, NULL));
  PetscCall(PetscOptionsEnum("-pinn_activation", "Activation of the hidden layers", "NbPINNSetFromOptions", NbActivations, (PetscEnum)p->act, (PetscEnum *)&p->act, NULL));
  PetscCall(PetscOptionsInt("-pinn_fourier", "Random Fourier features of the (normalised) inputs, 0 for none (Tancik et al. 2020)", "NbPINNSetFromOptions", p->nfourier, &p->nfourier, NULL));
  PetscCall(PetscOptionsReal("-pinn_fourier_sigma", "Standard deviation of the Fourier feature frequencies", "NbPINNSetFromOptions", p->fsigma, &p->fsigma, NULL));
  PetscCall(PetscOptionsInt("-pinn_points", "Collocation points (global)", "NbPINNSetFromOptions", p->npoints, &p->npoints, NULL));
  PetscCall(PetscOptionsInt("-pinn_boundary_points", "Initial + boundary points (global; half initial, half boundary)", "NbPINNSetFromOptions", p->nbnd, &p->nbnd, NULL));
  PetscCall(PetscOptionsString("-pinn_bc", bchelp, "NbPINNSetFromOptions", bc, bc, sizeof(bc), NULL));
  for (PetscInt k = 0; k <= NB_PINN_TERM_DATA; k++) PetscCall(PetscOptionsReal(wopt[k], whelp[k], "NbPINNSetLossWeights", p->w[k], &p->w[k], NULL));
  PetscCall(PetscOptionsInt("-pinn_adam_steps", "Adam steps", "NbPINNSetTrainingSteps", p->adam_steps, &p->adam_steps, NULL));
  PetscCall(PetscOptionsReal("-pinn_lr", "Adam learning rate (schedules: -opt_schedule ...)", "NbPINNSetFromOptions", p->lr, &p->lr, NULL));
  PetscCall(PetscOptionsInt("-pinn_lbfgs_steps", "L-BFGS iterations after Adam (0: none; -tao_max_it overrides)", "NbPINNSetTrainingSteps", p->lbfgs_steps, &p->lbfgs_steps, NULL));
  PetscCall(PetscOptionsInt("-pinn_lbfgs_rounds", "L-BFGS in this many chunks, each after a sampling round (adaptive samplers)", "NbPINNSetFromOptions", p->lbfgs_rounds, &p->lbfgs_rounds, NULL));
  PetscCall(PetscOptionsInt("-pinn_resample_every", "Adam steps between sampling rounds", "NbPINNSetFromOptions", p->resample_every, &p->resample_every, NULL));
  PetscCall(PetscOptionsInt("-pinn_seed", "Seed of initialisation and sampling", "NbPINNSetSeed", seed, &seed, NULL));
  PetscCall(PetscOptionsInt("-pinn_data_seed", "Seed of the initial/boundary points, of the observations and of the noise on them (the data set, shared by ensemble members)", "NbPINNSetFromOptions", dseed, &dseed, NULL));
  PetscCall(PetscOptionsReal("-pinn_dropout", "Dropout probability after every hidden layer (MC dropout), in [0, 1)", "NbPINNSetDropout", p->dropout, &p->dropout, NULL));
  PetscCall(PetscOptionsBool("-pinn_inverse", "Identify the PDE coefficients from observations of the reference", "NbPINNGetInverse", p->inverse, &p->inverse, NULL));
  PetscCall(PetscOptionsInt("-pinn_data_points", "Observations drawn from the reference solution (inverse problem)", "NbPINNGetInverse", p->ndata, &p->ndata, NULL));
  PetscCall(PetscOptionsReal("-pinn_noise", "Relative Gaussian noise on the observations (inverse) or on the initial/boundary data (forward)", "NbPINNSetFromOptions", p->noise, &p->noise, NULL));
  PetscCall(PetscOptionsInt("-pinn_monitor", "Print the step, losses, error and time left every this many steps and L-BFGS iterations (0: never)", "NbPINNSetMonitor", p->monitor, &p->monitor, NULL));
  PetscCall(PetscOptionsBool("-pinn_view", "Describe the PINN after set-up", "NbPINNView", p->view, &p->view, NULL));
  PetscCall(PetscOptionsString("-checkpoint", "Training state file, written every -checkpoint_every steps, at the end and on SIGTERM/SIGINT/SIGUSR1 (default <output>-checkpoint.h5 on a signal)", "NbPINNTrain", p->ckpt, p->ckpt, sizeof(p->ckpt), NULL));
  PetscCall(PetscOptionsInt("-checkpoint_every", "Write the checkpoint every this many Adam steps and L-BFGS iterations (0: only at the end and on a signal); L-BFGS restarts its memory at each", "NbPINNTrain", p->ckpt_every, &p->ckpt_every, NULL));
  PetscCall(PetscOptionsString("-restart", "Continue training from this checkpoint (same options required); bitwise the uninterrupted run on the same ranks", "NbPINNTrain", p->restart, p->restart, sizeof(p->restart), NULL));
  PetscCall(NbPINNSetFromOptionsLSQ_Private(p, PetscOptionsObject));
  if (p->ops.setfromoptions) PetscCall((*p->ops.setfromoptions)(p, PetscOptionsObject));
  PetscOptionsEnd();
  p->seed     = seed;
  p->dataseed = dseed;
  PetscCall(PetscStrcmp(bc, "hard", &p->hard));
  PetscCall(PetscStrcmp(bc, "soft", &soft));
  PetscCheck(p->hard || soft, p->comm, PETSC_ERR_USER_INPUT, "-pinn_bc %s is unknown: use soft or hard", bc);
  PetscCheck(p->width >= 1 && p->depth >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_width %d and -pinn_depth %d must be at least 1", (int)p->width, (int)p->depth);
  PetscCheck(p->npoints >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_points %d must be at least 1", (int)p->npoints);
  PetscCheck(p->nbnd >= 2 || p->hard, p->comm, PETSC_ERR_USER_INPUT, "-pinn_boundary_points %d: soft conditions need at least 2", (int)p->nbnd);
  PetscCheck(p->adam_steps >= 0 && p->lbfgs_steps >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_adam_steps and -pinn_lbfgs_steps must be >= 0");
  PetscCheck(p->lr > 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_lr %g must be positive", (double)p->lr);
  PetscCheck(p->noise >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_noise %g must be >= 0", (double)p->noise);
  PetscCheck(p->dropout >= 0 && p->dropout < 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_dropout %g must lie in [0, 1)", (double)p->dropout);
  PetscCheck(p->lbfgs_rounds >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_lbfgs_rounds %d must be at least 1", (int)p->lbfgs_rounds);
  PetscCheck(p->resample_every >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_resample_every %d must be >= 1", (int)p->resample_every);
  PetscCheck(p->ckpt_every >= 0, p->comm, PETSC_ERR_USER_INPUT, "-checkpoint_every %d must be >= 0 (0: only at the end and on a signal)", (int)p->ckpt_every);
  PetscCheck(p->monitor >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_monitor %d must be >= 0 (0 silences)", (int)p->monitor);
  for (PetscInt k = 0; k < NB_PINN_NTERMS; k++) PetscCheck(p->w[k] >= 0, p->comm, PETSC_ERR_USER_INPUT, "The loss weights (-pinn_w_*) must be >= 0");
  PetscCheck(!p->inverse || p->pde.ncoef > 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_inverse: %s has no coefficients to identify", p->pde.name);
  if (p->pde.check) PetscCall((*p->pde.check)(p->pde.ctx, p->hard, p->inverse));
  PetscCheck(!p->hard || p->pde.hard, p->comm, PETSC_ERR_USER_INPUT, "-pinn_bc hard is not available for %s: use -pinn_bc soft", p->pde.name);
  PetscCheck(!p->inverse || p->ndata >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_data_points %d must be at least 1", (int)p->ndata);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetSeed(NbPINN p, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCall(CheckBeforeSetUp(p, "Set the seed"));
  p->seed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetSeed(NbPINN p, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = p->seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetDropout(NbPINN p, PetscReal rate)
{
  PetscFunctionBegin;
  PetscCall(CheckBeforeSetUp(p, "Set the dropout"));
  PetscCheck(rate >= 0 && rate < 1, p->comm, PETSC_ERR_USER_INPUT, "dropout probability %g must lie in [0, 1)", (double)rate);
  p->dropout = rate;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetLossWeights(NbPINN p, PetscReal wres, PetscReal wic, PetscReal wbc, PetscReal wdata)
{
  PetscFunctionBegin;
  p->w[NB_PINN_TERM_RES]  = wres;
  p->w[NB_PINN_TERM_IC]   = wic;
  p->w[NB_PINN_TERM_BC]   = wbc;
  p->w[NB_PINN_TERM_DATA] = wdata;
  if (p->setup && p->ops.setweights) PetscCall((*p->ops.setweights)(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetMonitor(NbPINN p, PetscInt every, const char label[])
{
  PetscFunctionBegin;
  if (every >= 0) p->monitor = every; /* < 0: keep the interval */
  PetscCall(PetscStrncpy(p->label, label ? label : "", sizeof(p->label)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetInverse(NbPINN p, PetscBool *inverse, PetscInt *ndata, PetscReal *noise, PetscInt64 *dataseed)
{
  PetscFunctionBegin;
  if (inverse) *inverse = p->inverse;
  if (ndata) *ndata = p->ndata;
  if (noise) *noise = p->noise;
  if (dataseed) *dataseed = p->dataseed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetHard(NbPINN p, PetscBool *hard)
{
  PetscFunctionBegin;
  *hard = p->hard;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetDataPerturbation(NbPINN p, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCall(CheckBeforeSetUp(p, "Call NbPINNSetDataPerturbation()"));
  p->perturbseed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PerturbData(NbPINN, PetscBool observations);

/* Before set-up, or after it (then the loss's data term, built for
   -pinn_data_points observations, takes them): the problem can be set up,
   and every option read, before the reference whose observations these are
   is solved. */
PetscErrorCode NbPINNSetObservations(NbPINN p, PetscInt64 N, const PetscReal x[], const PetscReal u[])
{
  PetscInt nin = NB_PINN_NIN(p), nout = p->pde.nout;

  PetscFunctionBegin;
  PetscCheck(p->haspde, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the observations after the PDE");
  PetscCheck(!p->setup || N <= p->NDcap, p->comm, PETSC_ERR_ARG_WRONGSTATE, "%" PetscInt64_FMT " observations after set-up, but the loss was built for %" PetscInt64_FMT " (-pinn_data_points)", N, p->NDcap);
  PetscCall(PetscFree2(p->xD, p->uD));
  PetscCall(PetscMalloc2(N * nin + 1, &p->xD, N * nout + 1, &p->uD));
  PetscCall(PetscArraycpy(p->xD, x, N * nin));
  PetscCall(PetscArraycpy(p->uD, u, N * nout));
  p->ND = N;
  if (p->setup) {
    PetscCall(PerturbData(p, PETSC_TRUE));
    PetscCall((*p->ops.setobservations)(p));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetErrorMonitor(NbPINN p, NbPINNErrorFn fn, void *ctx)
{
  PetscFunctionBegin;
  p->errfn  = fn;
  p->errctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetOutput(NbPINN p, NbOutput out)
{
  PetscFunctionBegin;
  p->out = out;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ data sets */

/* adds scale * N(0, 1) to the n values of a global set, from stream */
static PetscErrorCode AddNoise(NbRNG rng, PetscInt64 stream, PetscInt64 n, PetscReal scale, PetscReal v[])
{
  PetscReal *eps;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n + 1, &eps));
  PetscCall(NbRNGNormal(rng, stream, 0, (PetscInt)n, eps));
  for (PetscInt64 k = 0; k < n; k++) v[k] += scale * eps[k];
  PetscCall(PetscFree(eps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal RMS(PetscInt64 n1, const PetscReal v1[], PetscInt64 n2, const PetscReal v2[])
{
  PetscReal s = 0;

  for (PetscInt64 k = 0; k < n1; k++) s += v1[k] * v1[k];
  for (PetscInt64 k = 0; k < n2; k++) s += v2[k] * v2[k];
  return n1 + n2 > 0 ? PetscSqrtReal(s / (PetscReal)(n1 + n2)) : 0;
}

/* Initial points: (x, 0) uniform in space (streams 11 of the data seed).
   Boundary points: uniform in time on the faces of the space box, faces
   chosen in turn (stream 12). Forward runs add -pinn_noise relative to the
   clean data's RMS (Raissi et al. 2019's convention; streams 13, 14). */
static PetscErrorCode BuildBoundaryData(NbPINN p)
{
  PetscInt   dim = p->pde.dim, nin = NB_PINN_NIN(p), nout = p->pde.nout;
  PetscReal *r;
  NbRNG      rng;

  PetscFunctionBegin;
  p->NI = (p->hard || p->pde.steady) ? 0 : p->nbnd / 2;
  p->NB = p->hard ? 0 : p->nbnd - p->NI;
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, p->dataseed));
  PetscCall(PetscMalloc4(p->NI * nin + 1, &p->xI, p->NI * nout + 1, &p->uI, p->NB * nin + 1, &p->xB, p->NB * nout + 1, &p->uB));
  PetscCall(PetscMalloc1(nin + 1, &r));
  for (PetscInt64 i = 0; i < p->NI; i++) {
    PetscReal *x = p->xI + i * nin;
    PetscCall(NbRNGUniform(rng, 11, i * nin, nin, r));
    for (PetscInt d = 0; d < dim; d++) x[d] = p->pde.lo[d] + (p->pde.hi[d] - p->pde.lo[d]) * r[d];
    x[dim] = p->pde.lo[dim];
    PetscCall((*p->pde.initial)(p->pde.ctx, x, p->uI + i * nout));
  }
  for (PetscInt64 i = 0; i < p->NB; i++) {
    PetscReal *x    = p->xB + i * nin;
    PetscInt   face = (PetscInt)(i % (2 * dim));
    PetscCall(NbRNGUniform(rng, 12, i * nin, nin, r));
    for (PetscInt d = 0; d < nin; d++) x[d] = p->pde.lo[d] + (p->pde.hi[d] - p->pde.lo[d]) * r[d];
    x[face / 2] = face % 2 ? p->pde.hi[face / 2] : p->pde.lo[face / 2];
    PetscCall((*p->pde.boundary)(p->pde.ctx, p->pde.steady ? 0 : x[dim], x, p->uB + i * nout));
  }
  if (p->noise > 0 && !p->inverse) {
    PetscReal scale = p->noise * RMS(p->NI * nout, p->uI, p->NB * nout, p->uB);
    PetscCall(AddNoise(rng, 13, p->NI * nout, scale, p->uI));
    PetscCall(AddNoise(rng, 14, p->NB * nout, scale, p->uB));
  }
  PetscCall(PetscFree(r));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Randomize-then-optimize (Bardsley, Solonen, Haario & Laine 2014; Oliver,
   He & Reynolds 1996 "randomized maximum likelihood"): the data this PINN
   fits get a second, independent Gaussian draw of the same -pinn_noise
   level, from the perturbation seed. An ensemble whose members each fit
   their own perturbed copy of the one noisy data set spreads by how much
   that noise moves the solution, which members that differ only in
   initialisation do not see. Forward runs perturb the initial/boundary
   data, inverse runs the observations. */
static PetscErrorCode PerturbData(NbPINN p, PetscBool observations)
{
  PetscInt nout = p->pde.nout;
  NbRNG    rng;

  PetscFunctionBegin;
  if (p->perturbseed < 0 || p->noise <= 0 || observations != p->inverse) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, p->perturbseed));
  if (p->inverse) PetscCall(AddNoise(rng, 17, p->ND * nout, p->noise * RMS(p->ND * nout, p->uD, 0, NULL), p->uD));
  else {
    PetscReal scale = p->noise * RMS(p->NI * nout, p->uI, p->NB * nout, p->uB);
    PetscCall(AddNoise(rng, 15, p->NI * nout, scale, p->uI));
    PetscCall(AddNoise(rng, 16, p->NB * nout, scale, p->uB));
  }
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetBoundaryValues(NbPINN p, PetscInt64 *NI, const PetscReal *uI[], PetscInt64 *NB, const PetscReal *uB[])
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  *NI = p->NI;
  *uI = p->uI;
  *NB = p->NB;
  *uB = p->uB;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetUp(NbPINN p)
{
  PetscFunctionBegin;
  if (p->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(p->haspde, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetPDE() before NbPINNSetUp()");
  if (!p->type[0]) PetscCall(NbPINNSetType(p, "none"));
  p->NDcap = p->ND ? p->ND : (p->inverse ? p->ndata : 0);
  PetscCall(BuildBoundaryData(p));
  PetscCall(PerturbData(p, p->ND > 0));
  PetscCall((*p->ops.setup)(p));
  p->setup = PETSC_TRUE;
  PetscCheck(!p->nockpt[0] || (!p->ckpt[0] && !p->restart[0] && !p->ckpt_every), p->comm, PETSC_ERR_SUP, "-checkpoint, -checkpoint_every and -restart are not available with %s yet: train without them", p->nockpt);
  if (!p->ops.getstate) PetscCall(PetscSNPrintf(p->nockpt, sizeof(p->nockpt), "-pinn_dd %s", p->type));
  PetscCheck(p->ops.getstate || (!p->ckpt[0] && !p->restart[0] && !p->ckpt_every), p->comm, PETSC_ERR_SUP, "-checkpoint, -checkpoint_every and -restart are not available for -pinn_dd %s yet (its networks are distributed over the ranks): train it without them", p->type);
  PetscCall(NbPINNCreateOptimizers_Private(p));
  if (p->lsq && !p->nockpt[0]) { /* the gn/lm phase keeps no state a restart could take up yet */
    PetscCall(PetscSNPrintf(p->nockpt, sizeof(p->nockpt), "-pinn_optimizer %s", p->opttype));
    PetscCheck(!p->ckpt[0] && !p->restart[0] && !p->ckpt_every, p->comm, PETSC_ERR_SUP, "-checkpoint, -checkpoint_every and -restart are not available with %s yet: train without them (or with -pinn_optimizer lbfgs)", p->nockpt);
  }
  if (p->view) PetscCall(NbPINNView(p, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ coefficients */

static PetscErrorCode CoefficientName(NbPINN p, PetscInt k, char name[64])
{
  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, 64, "%s%s", p->pde.coefpositive[k] ? "log_" : "", p->pde.coefname[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Initial guesses far from the truth: 10 x the positive coefficients
   (Raissi et al. start from exp(-6) ~ 0.8 nu), 0 for the others. */
static PetscReal InitialCoefficient(NbPINN p, PetscInt k)
{
  return p->pde.coefpositive[k] ? PetscLogReal(10 * p->pde.coef[k]) : 0;
}

PetscErrorCode NbPINNAddCoefficients_Private(NbPINN p, NbModel m)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; p->inverse && k < p->pde.ncoef; k++) {
    char name[64];
    PetscCall(CoefficientName(p, k, name));
    PetscCall(NbModelAddScalar(m, name, InitialCoefficient(p, k), NULL));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNCoefficients_Private(NbPINN p, NbModel m, NbGraph g, NbTensor coef[])
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < p->pde.ncoef; k++) {
    if (!p->inverse) PetscCall(NbGraphAddConstant(g, p->pde.coefname[k], 1, 1, &p->pde.coef[k], &coef[k]));
    else {
      char name[64];
      PetscCall(CoefficientName(p, k, name));
      PetscCall(NbGraphAddParameter(g, m, name, &coef[k]));
      if (p->pde.coefpositive[k]) PetscCall(NbTensorExp(coef[k], &coef[k]));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetCoefficient(NbPINN p, PetscInt k, PetscReal *c)
{
  char name[64];

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < p->pde.ncoef, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "No coefficient %d", (int)k);
  if (!p->inverse) {
    *c = p->pde.coef[k];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(CoefficientName(p, k, name));
  PetscCall(NbModelGetScalar(p->model, name, c));
  if (p->pde.coefpositive[k]) *c = PetscExpReal(*c);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNReinitialize(NbPINN p, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  p->seed = seed;
  PetscCall((*p->ops.initialize)(p));
  for (PetscInt k = 0; p->inverse && k < p->pde.ncoef; k++) { /* the coefficients restart from their initial guesses */
    char      name[64];
    PetscReal v = InitialCoefficient(p, k);
    PetscCall(CoefficientName(p, k, name));
    PetscCall(NbModelSetParameterValues(p->model, name, &v));
  }
  PetscCall(NbPINNCreateOptimizers_Private(p));
  PetscCall(PetscMemzero(&p->stats, sizeof(p->stats)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -------------------------------------------------------- graph helpers */

PetscErrorCode NbPINNNormalize_Private(NbGraph g, PetscInt nin, const PetscReal lo[], const PetscReal hi[], NbTensor X, NbTensor *Y)
{
  PetscReal D[16] = {0}, b[4];
  NbTensor  Dt, bt;

  PetscFunctionBegin;
  for (PetscInt d = 0; d < nin; d++) {
    D[d * nin + d] = 2 / (hi[d] - lo[d]);
    b[d]           = -(hi[d] + lo[d]) / (hi[d] - lo[d]);
  }
  PetscCall(NbGraphAddConstant(g, "input_scale", nin, nin, D, &Dt));
  PetscCall(NbGraphAddConstant(g, "input_shift", 1, nin, b, &bt));
  PetscCall(NbTensorDense(X, Dt, bt, Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNResidualSquare_Private(NbPINN p, NbTensor X, NbTensor U, const NbTensor coef[], NbTensor *sq)
{
  NbTensor res[8];
  PetscInt nres;

  PetscFunctionBegin;
  PetscCall(NbPINNResiduals_Private(p, X, U, coef, &nres, res, sq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNResiduals_Private(NbPINN p, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *n, NbTensor res[], NbTensor *sq)
{
  PetscInt nres;

  PetscFunctionBegin;
  PetscCall((*p->pde.residual)(p->pde.ctx, X, U, coef, &nres, res));
  *n  = nres;
  *sq = NULL;
  for (PetscInt k = 0; k < nres; k++) {
    NbTensor s2;
    PetscCall(NbTensorSquare(res[k], &s2));
    if (*sq) PetscCall(NbTensorAdd(*sq, s2, sq));
    else *sq = s2;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* mean over the points of |U - V|^2, summed over the nout components */
PetscErrorCode NbPINNMisfit_Private(NbTensor U, NbTensor V, PetscInt nout, NbTensor *term)
{
  PetscFunctionBegin;
  PetscCall(NbPINNMisfitDifference_Private(U, V, nout, NULL, term));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNMisfitDifference_Private(NbTensor U, NbTensor V, PetscInt nout, NbTensor *dout, NbTensor *term)
{
  NbTensor d;

  PetscFunctionBegin;
  PetscCall(NbTensorSub(U, V, &d));
  if (dout) *dout = d;
  PetscCall(NbTensorMeanSquare(d, term));
  PetscCall(NbTensorScale(*term, (PetscReal)nout, term));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNLoss_Private(const NbTensor term[], const PetscReal w[], NbTensor *loss)
{
  NbTensor  terms[NB_PINN_NTERMS];
  PetscReal wt[NB_PINN_NTERMS];
  PetscInt  nt = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < NB_PINN_NTERMS; k++)
    if (term[k]) {
      terms[nt] = term[k];
      wt[nt++]  = w[k];
    }
  PetscCall(NbTensorLinearCombination(nt, terms, wt, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNLossSetWeights_Private(const NbTensor term[], const PetscReal w[], NbTensor loss)
{
  PetscReal wt[NB_PINN_NTERMS];
  PetscInt  nt = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < NB_PINN_NTERMS; k++)
    if (term[k]) wt[nt++] = w[k];
  PetscCall(NbTensorSetWeights(loss, wt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGraphCreate_Private(NbPINN p, MPI_Comm comm, NbGraph *g)
{
  char prefix[96];

  PetscFunctionBegin;
  PetscCall(NbGraphCreate(comm, g));
  PetscCall(PetscSNPrintf(prefix, sizeof(prefix), "%spinn_", p->prefix));
  PetscCall(NbGraphSetOptionsPrefix(*g, prefix));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------ the global parameters */

PetscErrorCode NbPINNSyncParameters_Private(NbPINN p)
{
  PetscInt   ntrain, npriv;
  PetscReal *a;

  PetscFunctionBegin;
  if (p->size == 1) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbModelGetNumParameters(p->model, &ntrain));
  PetscCall(NbModelGetPrivate(p->model, &npriv));
  PetscCall(NbModelGetParameterArray(p->model, &a));
  PetscCallMPI(MPI_Bcast(a + npriv, (PetscMPIInt)(ntrain - npriv), MPIU_REAL, 0, p->comm));
  PetscCall(NbModelRestoreParameterArray(p->model, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The private parts of every rank in rank order, then the replicated part. */
static PetscErrorCode Layout(NbPINN p, PetscInt *ntrain, PetscInt *npriv, PetscMPIInt **counts, PetscMPIInt **displs, PetscInt *nglobal)
{
  PetscMPIInt n;

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(p->model, ntrain));
  PetscCall(NbModelGetPrivate(p->model, npriv));
  PetscCall(PetscMalloc2(p->size, counts, p->size + 1, displs));
  n = (PetscMPIInt)*npriv;
  PetscCallMPI(MPI_Allgather(&n, 1, MPI_INT, *counts, 1, MPI_INT, p->comm));
  (*displs)[0] = 0;
  for (PetscMPIInt q = 0; q < p->size; q++) (*displs)[q + 1] = (*displs)[q] + (*counts)[q];
  *nglobal = (*displs)[p->size] + *ntrain - *npriv;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetNumParameters(NbPINN p, PetscInt *n)
{
  PetscInt     ntrain, npriv;
  PetscMPIInt *c, *d;

  PetscFunctionBegin;
  PetscCall(NbPINNSetUp(p));
  PetscCall(Layout(p, &ntrain, &npriv, &c, &d, n));
  PetscCall(PetscFree2(c, d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* theta (global layout) from the local buffer a, or (set) the reverse */
static PetscErrorCode Transfer(NbPINN p, PetscReal a[], PetscReal theta[], PetscBool set)
{
  PetscInt     ntrain, npriv, n;
  PetscMPIInt *c, *d;

  PetscFunctionBegin;
  PetscCall(Layout(p, &ntrain, &npriv, &c, &d, &n));
  if (set) {
    PetscCall(PetscArraycpy(a, theta + d[p->rank], npriv));
    PetscCall(PetscArraycpy(a + npriv, theta + d[p->size], ntrain - npriv));
  } else {
    if (d[p->size] > 0) PetscCallMPI(MPI_Allgatherv(a, (PetscMPIInt)npriv, MPIU_REAL, theta, c, d, MPIU_REAL, p->comm));
    PetscCall(PetscArraycpy(theta + d[p->size], a + npriv, ntrain - npriv));
  }
  PetscCall(PetscFree2(c, d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetParameters(NbPINN p, PetscReal theta[])
{
  PetscReal *a;

  PetscFunctionBegin;
  PetscCall(NbPINNSetUp(p));
  PetscCall(NbModelGetParameterArray(p->model, &a));
  PetscCall(Transfer(p, a, theta, PETSC_FALSE));
  PetscCall(NbModelRestoreParameterArray(p->model, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetParameters(NbPINN p, const PetscReal theta[])
{
  PetscReal *a;

  PetscFunctionBegin;
  PetscCall(NbPINNSetUp(p));
  PetscCall(NbModelGetParameterArray(p->model, &a));
  PetscCall(Transfer(p, a, (PetscReal *)theta, PETSC_TRUE));
  PetscCall(NbModelRestoreParameterArray(p->model, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNComputeLossGradient(NbPINN p, PetscReal *loss, PetscReal grad[])
{
  PetscReal l;

  PetscFunctionBegin;
  PetscCall(NbPINNSetUp(p));
  if (p->ops.objective) PetscCall((*p->ops.objective)(p, &l));
  else PetscCall(NbGraphComputeLossGradient(p->graph, &l));
  if (loss) *loss = l;
  if (grad) {
    PetscReal *g;
    PetscCall(NbModelGetGradientArray(p->model, &g));
    PetscCall(Transfer(p, g, grad, PETSC_FALSE));
    PetscCall(NbModelRestoreGradientArray(p->model, &g));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------- evaluation */

PetscErrorCode NbPINNEvaluate(NbPINN p, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  PetscCall(PetscLogEventBegin(NB_PINNEvaluate, 0, 0, 0, 0));
  PetscCall((*p->ops.evaluate)(p, n, x, u));
  PetscCall(PetscLogEventEnd(NB_PINNEvaluate, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNEvaluateGlobal(NbPINN p, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  if (!p->ops.evaluateglobal) PetscCall(NbPINNEvaluate(p, n, x, u));
  else {
    PetscCall(PetscLogEventBegin(NB_PINNEvaluate, 0, 0, 0, 0));
    PetscCall((*p->ops.evaluateglobal)(p, N, offset, n, x, u));
    PetscCall(PetscLogEventEnd(NB_PINNEvaluate, 0, 0, 0, 0));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetEvaluationDropout(NbPINN p, PetscBool on)
{
  PetscFunctionBegin;
  PetscCheck(p->ops.evaluationdropout, p->comm, PETSC_ERR_SUP, "PINN type %s has no dropout", p->type);
  PetscCall((*p->ops.evaluationdropout)(p, on, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNAdvanceDropout(NbPINN p)
{
  PetscFunctionBegin;
  PetscCheck(p->ops.evaluationdropout, p->comm, PETSC_ERR_SUP, "PINN type %s has no dropout", p->type);
  PetscCall((*p->ops.evaluationdropout)(p, PETSC_TRUE, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetFields(NbPINN p, PetscInt *n, const char *const *names[])
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  *n     = p->nfields;
  *names = p->fieldnames;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNEvaluateFields(NbPINN p, PetscInt n, const PetscReal x[], PetscReal v[])
{
  PetscFunctionBegin;
  if (p->nfields) PetscCall((*p->ops.evaluatefields)(p, n, x, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetPointCounts(NbPINN p, PetscInt64 *ncolloc, PetscInt64 *nic, PetscInt64 *nbc, PetscInt64 *ndata)
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  if (ncolloc) PetscCall((*p->ops.collocationcount)(p, ncolloc));
  if (nic) *nic = p->NI;
  if (nbc) *nbc = p->NB;
  if (ndata) *ndata = p->ND;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetModel(NbPINN p, NbModel *m)
{
  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  *m = p->model;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNView(NbPINN p, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(p->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbPINN %s for %s: %d hidden layers x %d %s, bc %s%s, %d Adam steps (lr %g) + %d L-BFGS iterations\n", p->type, p->haspde ? p->pde.name : "(no PDE)", (int)p->depth, (int)p->width, NbActivations[p->act], p->hard ? "hard" : "soft", p->inverse ? ", inverse" : "", (int)p->adam_steps, (double)p->lr, (int)p->lbfgs_steps));
  PetscCall(PetscViewerASCIIPushTab(v));
  if (p->ops.view) PetscCall((*p->ops.view)(p, v));
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDestroy(NbPINN *pp)
{
  NbPINN p = *pp;

  PetscFunctionBegin;
  if (!p) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbHeadDestroyType(p, &p->ops, sizeof(p->ops)));
  PetscCall(NbOptimizerDestroy(&p->adam));
  PetscCall(NbOptimizerDestroy(&p->lbfgs));
  PetscCall(NbOptimizerDestroy(&p->lsq));
  PetscCall(NbModelDestroy(&p->model));
  PetscCall(PetscFree4(p->xI, p->uI, p->xB, p->uB));
  PetscCall(PetscFree2(p->xD, p->uD));
  PetscCall(PetscFree(p->history));
  PetscCall(PetscFree3(p->good, p->trial, p->mark));
  PetscCall(PetscFree(p));
  *pp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
