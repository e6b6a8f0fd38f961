/* NbPINN: physics-informed networks (Raissi, Perdikaris & Karniadakis 2019,
   J. Comput. Phys. 378:686) for any problem described by an NbPINNProblem.
   The residual comes from the problem's pointwise function on jets (exact
   input derivatives, nn/jet.c); training is data-parallel: every point set
   (collocation, initial, boundary, observations) is split over the ranks by
   global index, and the gradient is one MPI_Allreduce per step. */
#include "nbpinn.h"
#include "nbsolvers.h"
#include <math.h>

typedef enum {
  TERM_RES,
  TERM_IC,
  TERM_BC,
  TERM_DATA,
  NTERMS
} PINNTerm;
static const char *const term_name[NTERMS] = {"residual", "initial", "boundary", "data"};

struct _p_NbPINN {
  MPI_Comm      comm;
  NbPINNProblem prob;
  PetscBool     hasprob, setup;
  /* options */
  PetscInt      width, depth, nfourier;
  NbActivation  act;
  PetscReal     fsigma;
  PetscInt      npoints, nbnd;
  PetscBool     hard, inverse;
  PetscReal     w[NTERMS], lr, noise;
  PetscInt      adam_steps, lbfgs_steps, lbfgs_rounds, resample_every, monitor;
  PetscInt64    seed, dataseed, perturbseed; /* perturbseed < 0: the data as given */
  PetscReal     dropout;
  /* objects */
  NbModel     model;
  NbLayer     fourier, net, *dense; /* dense: the layers when dropout is on */
  NbGraph     g, geval;
  NbSampler   sampler;
  NbOptimizer opt;
  NbRNG       rng;
  NbOutput    out;
  NbTensor    X, XI, UI, XB, UB, XD, UD, XE, UE, rabs, term[NTERMS], loss, coef[NB_PINN_MAXCOEF];
  PetscInt    coefparam[NB_PINN_MAXCOEF];
  /* data (this rank's block) */
  PetscInt    nI, nB, nD;
  PetscInt64  NI, NB, ND, offI, offB, offD;
  PetscReal  *xI, *uI, *xB, *uB, *xD, *uD;
  PetscReal  *history; /* loss of each Adam step, then of each L-BFGS iteration */
  PetscInt    nhistory;
  PetscReal  *good, *trial; /* parameters of the last finite loss; before the current step */
  NbPINNErrorFn errfn;
  void         *errctx;
  NbPINNStats stats;
};

static PetscLogEvent NB_PINNTrain, NB_PINNEvaluate;

/* network inputs: space, then time unless the problem is steady */
#define NIN(p) ((p)->prob.dim + ((p)->prob.steady ? 0 : 1))

PetscErrorCode NbPINNCreate(MPI_Comm comm, NbPINN *pp)
{
  NbPINN p;

  PetscFunctionBegin;
  if (!NB_PINNTrain) {
    PetscCall(PetscLogEventRegister("NbPINNTrain", NB_CLASSID, &NB_PINNTrain));
    PetscCall(PetscLogEventRegister("NbPINNEvaluate", NB_CLASSID, &NB_PINNEvaluate));
  }
  PetscCall(PetscNew(&p));
  p->comm = comm;
  /* Raissi et al. (2019): 8 hidden layers of 20 tanh units, 10,000
     collocation and 100 initial/boundary points, Adam then L-BFGS */
  p->width          = 20;
  p->depth          = 8;
  p->act            = NB_ACT_TANH;
  p->fsigma         = 1;
  p->npoints        = 10000;
  p->nbnd           = 100;
  p->w[TERM_RES]    = 1;
  p->w[TERM_IC]     = 1;
  p->w[TERM_BC]     = 1;
  p->w[TERM_DATA]   = 1;
  p->lr             = 1e-3;
  p->adam_steps     = 10000;
  p->lbfgs_steps    = 10000;
  p->lbfgs_rounds   = 1;
  p->resample_every = 1000;
  p->perturbseed    = -1;
  PetscCall(NbSamplerCreate(comm, &p->sampler));
  PetscCall(NbRNGCreate(comm, &p->rng));
  *pp = p;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetProblem(NbPINN p, const NbPINNProblem *prob)
{
  PetscFunctionBegin;
  PetscCheck(!p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the problem before NbPINNSetUp()");
  PetscCheck(prob->dim >= 1 && prob->dim <= 3 && prob->nout >= 1 && prob->nout <= 4 && prob->ncoef <= NB_PINN_MAXCOEF, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "Unsupported PINN problem shape");
  p->prob    = *prob;
  p->hasprob = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetFromOptions(NbPINN p)
{
  PetscBool set;
  char      bc[16] = "soft";

  PetscFunctionBegin;
  PetscOptionsBegin(p->comm, NULL, "Physics-informed neural network", "NbPINN");
  PetscCall(PetscOptionsInt("-pinn_width", "Units per hidden layer", "NbPINNSetFromOptions", p->width, &p->width, NULL));
  PetscCall(PetscOptionsInt("-pinn_depth", "Hidden layers", "NbPINNSetFromOptions", p->depth, &p->depth, NULL));
  PetscCall(PetscOptionsEnum("-pinn_activation", "Activation of the hidden layers", "NbPINNSetFromOptions", NbActivations, (PetscEnum)p->act, (PetscEnum *)&p->act, NULL));
  PetscCall(PetscOptionsInt("-pinn_fourier", "Random Fourier features of the (normalised) inputs, 0 for none (Tancik et al. 2020)", "NbPINNSetFromOptions", p->nfourier, &p->nfourier, NULL));
  PetscCall(PetscOptionsReal("-pinn_fourier_sigma", "Standard deviation of the Fourier feature frequencies", "NbPINNSetFromOptions", p->fsigma, &p->fsigma, NULL));
  PetscCall(PetscOptionsInt("-pinn_points", "Collocation points (global)", "NbPINNSetFromOptions", p->npoints, &p->npoints, NULL));
  PetscCall(PetscOptionsInt("-pinn_boundary_points", "Initial + boundary points (global; half initial, half boundary)", "NbPINNSetFromOptions", p->nbnd, &p->nbnd, NULL));
  PetscCall(PetscOptionsString("-pinn_bc", "Initial/boundary conditions: soft (penalty terms) or hard (built into the output)", "NbPINNSetFromOptions", bc, bc, sizeof(bc), NULL));
  PetscCall(PetscOptionsReal("-pinn_w_res", "Weight of the residual term", "NbPINNSetFromOptions", p->w[TERM_RES], &p->w[TERM_RES], NULL));
  PetscCall(PetscOptionsReal("-pinn_w_ic", "Weight of the initial-condition term", "NbPINNSetFromOptions", p->w[TERM_IC], &p->w[TERM_IC], NULL));
  PetscCall(PetscOptionsReal("-pinn_w_bc", "Weight of the boundary-condition term", "NbPINNSetFromOptions", p->w[TERM_BC], &p->w[TERM_BC], NULL));
  PetscCall(PetscOptionsReal("-pinn_w_data", "Weight of the observation term", "NbPINNSetFromOptions", p->w[TERM_DATA], &p->w[TERM_DATA], NULL));
  PetscCall(PetscOptionsInt("-pinn_adam_steps", "Adam steps", "NbPINNSetFromOptions", p->adam_steps, &p->adam_steps, NULL));
  PetscCall(PetscOptionsReal("-pinn_lr", "Adam learning rate (schedules: -opt_schedule ...)", "NbPINNSetFromOptions", p->lr, &p->lr, NULL));
  PetscCall(PetscOptionsInt("-pinn_lbfgs_steps", "L-BFGS iterations after Adam (0: none; -tao_max_it overrides)", "NbPINNSetFromOptions", p->lbfgs_steps, &p->lbfgs_steps, NULL));
  PetscCall(PetscOptionsInt("-pinn_lbfgs_rounds", "L-BFGS in this many chunks, each after a sampling round (adaptive samplers)", "NbPINNSetFromOptions", p->lbfgs_rounds, &p->lbfgs_rounds, NULL));
  PetscCall(PetscOptionsInt("-pinn_resample_every", "Adam steps between sampling rounds", "NbPINNSetFromOptions", p->resample_every, &p->resample_every, NULL));
  {
    PetscInt seed = (PetscInt)p->seed;
    PetscCall(PetscOptionsInt("-pinn_seed", "Seed of initialisation and sampling", "NbPINNSetFromOptions", seed, &seed, NULL));
    p->seed = seed;
    seed    = (PetscInt)p->dataseed;
    PetscCall(PetscOptionsInt("-pinn_data_seed", "Seed of the initial/boundary points and of the noise on data (the data set, shared by ensemble members)", "NbPINNSetFromOptions", seed, &seed, NULL));
    p->dataseed = seed;
  }
  PetscCall(PetscOptionsReal("-pinn_dropout", "Dropout probability after every hidden layer (MC dropout), in [0, 1)", "NbPINNSetFromOptions", p->dropout, &p->dropout, NULL));
  PetscCall(PetscOptionsBool("-pinn_inverse", "Identify the PDE coefficients from observations", "NbPINNSetFromOptions", p->inverse, &p->inverse, NULL));
  PetscCall(PetscOptionsReal("-pinn_noise", "Relative Gaussian noise on the observations (inverse) or on the initial/boundary data (forward)", "NbPINNSetFromOptions", p->noise, &p->noise, NULL));
  PetscCall(PetscOptionsInt("-pinn_monitor", "Print the loss terms every this many steps (0: never)", "NbPINNSetFromOptions", p->monitor, &p->monitor, NULL));
  PetscOptionsEnd();
  PetscCall(PetscStrcmp(bc, "hard", &p->hard));
  PetscCall(PetscStrcmp(bc, "soft", &set));
  PetscCheck(p->hard || set, p->comm, PETSC_ERR_USER_INPUT, "-pinn_bc %s is unknown: use soft or hard", bc);
  PetscCheck(p->width >= 1 && p->depth >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_width %d and -pinn_depth %d must be at least 1", (int)p->width, (int)p->depth);
  PetscCheck(p->npoints >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_points %d must be at least 1", (int)p->npoints);
  PetscCheck(p->nbnd >= 2 || p->hard, p->comm, PETSC_ERR_USER_INPUT, "-pinn_boundary_points %d: soft conditions need at least 2", (int)p->nbnd);
  PetscCheck(p->adam_steps >= 0 && p->lbfgs_steps >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_adam_steps and -pinn_lbfgs_steps must be >= 0");
  PetscCheck(p->lr > 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_lr %g must be positive", (double)p->lr);
  PetscCheck(p->noise >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_noise %g must be >= 0", (double)p->noise);
  PetscCheck(p->dropout >= 0 && p->dropout < 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_dropout %g must lie in [0, 1)", (double)p->dropout);
  PetscCheck(p->lbfgs_rounds >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_lbfgs_rounds %d must be at least 1", (int)p->lbfgs_rounds);
  PetscCheck(p->resample_every >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_resample_every %d must be >= 1", (int)p->resample_every);
  for (PetscInt k = 0; k < NTERMS; k++) PetscCheck(p->w[k] >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_w_%s must be >= 0", k == 0 ? "res" : k == 1 ? "ic" : k == 2 ? "bc" : "data");
  PetscCall(NbSamplerSetNumPoints(p->sampler, p->npoints));
  PetscCall(NbSamplerSetSeed(p->sampler, p->seed));
  PetscCall(NbSamplerSetFromOptions(p->sampler));
  PetscCall(NbRNGSetSeed(p->rng, p->dataseed));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetSeed(NbPINN p, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCheck(!p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the seed before NbPINNSetUp()");
  p->seed = seed;
  PetscCall(NbSamplerSetSeed(p->sampler, seed));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetDropout(NbPINN p, PetscReal rate)
{
  PetscFunctionBegin;
  PetscCheck(!p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the dropout before NbPINNSetUp()");
  PetscCheck(rate >= 0 && rate < 1, p->comm, PETSC_ERR_USER_INPUT, "dropout probability %g must lie in [0, 1)", (double)rate);
  p->dropout = rate;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetLossWeights(NbPINN p, PetscReal wres, PetscReal wic, PetscReal wbc, PetscReal wdata)
{
  PetscFunctionBegin;
  p->w[TERM_RES]  = wres;
  p->w[TERM_IC]   = wic;
  p->w[TERM_BC]   = wbc;
  p->w[TERM_DATA] = wdata;
  if (p->setup) { /* the compiled loss: change the weights of its active terms */
    PetscReal w[NTERMS];
    PetscInt  nt = 0;
    for (PetscInt k = 0; k < NTERMS; k++)
      if (p->term[k]) w[nt++] = p->w[k];
    PetscCall(NbTensorSetWeights(p->loss, w));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetTrainingSteps(NbPINN p, PetscInt adam, PetscInt lbfgs)
{
  PetscFunctionBegin;
  PetscCheck(adam >= 0 && lbfgs >= 0, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "training steps must be >= 0");
  p->adam_steps  = adam;
  p->lbfgs_steps = lbfgs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetPointCounts(NbPINN p, PetscInt64 *ncolloc, PetscInt64 *nic, PetscInt64 *nbc, PetscInt64 *ndata)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetUp() first");
  if (ncolloc) PetscCall(NbSamplerGetGlobalInfo(p->sampler, ncolloc, NULL, NULL));
  if (nic) *nic = p->NI;
  if (nbc) *nbc = p->NB;
  if (ndata) *ndata = p->ND;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetInverse(NbPINN p, PetscBool *inv)
{
  PetscFunctionBegin;
  *inv = p->inverse;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetNoise(NbPINN p, PetscReal *noise)
{
  PetscFunctionBegin;
  *noise = p->noise;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetSeed(NbPINN p, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = p->seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Randomize-then-optimize (Bardsley, Solonen, Haario & Laine 2014; Oliver,
   He & Reynolds 1996 "randomized maximum likelihood"): the data this PINN
   fits get a second, independent Gaussian draw of the same -pinn_noise
   level, from seed. An ensemble whose members each fit their own perturbed
   copy of the one noisy data set spreads by how much that noise moves the
   solution, which members that differ only in initialisation do not see.
   Forward runs perturb the initial/boundary data, inverse runs the
   observations; nothing happens without -pinn_noise. */
PetscErrorCode NbPINNSetDataPerturbation(NbPINN p, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCheck(!p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetDataPerturbation() before NbPINNSetUp()");
  p->perturbseed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* adds scale * N(0, 1) to n values of a global set at offset off, from stream */
static PetscErrorCode AddNoise(NbRNG rng, PetscInt64 stream, PetscInt64 off, PetscInt n, PetscReal scale, PetscReal v[])
{
  PetscReal *eps;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n + 1, &eps));
  PetscCall(NbRNGNormal(rng, stream, off, n, eps));
  for (PetscInt k = 0; k < n; k++) v[k] += scale * eps[k];
  PetscCall(PetscFree(eps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PerturbData(NbPINN p)
{
  PetscInt  nout = p->prob.nout;
  PetscReal rms[2] = {0, 0}, scale;
  NbRNG     rng;

  PetscFunctionBegin;
  if (p->perturbseed < 0 || p->noise <= 0) PetscFunctionReturn(PETSC_SUCCESS);
  if (p->inverse) {
    for (PetscInt k = 0; k < p->nD * nout; k++) rms[0] += PetscSqr(p->uD[k]);
    rms[1] = (PetscReal)p->nD * nout;
  } else {
    for (PetscInt k = 0; k < p->nI * nout; k++) rms[0] += PetscSqr(p->uI[k]);
    for (PetscInt k = 0; k < p->nB * nout; k++) rms[0] += PetscSqr(p->uB[k]);
    rms[1] = (PetscReal)(p->nI + p->nB) * nout;
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, rms, 2, MPIU_REAL, MPIU_SUM, p->comm));
  if (rms[1] == 0) PetscFunctionReturn(PETSC_SUCCESS);
  scale = p->noise * PetscSqrtReal(rms[0] / rms[1]);
  PetscCall(NbRNGCreate(p->comm, &rng));
  PetscCall(NbRNGSetSeed(rng, p->perturbseed));
  if (p->inverse) PetscCall(AddNoise(rng, 17, p->offD * nout, p->nD * nout, scale, p->uD));
  else {
    PetscCall(AddNoise(rng, 15, p->offI * nout, p->nI * nout, scale, p->uI));
    PetscCall(AddNoise(rng, 16, p->offB * nout, p->nB * nout, scale, p->uB));
  }
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* this rank's blocks of the initial and boundary values (after noise and
   perturbation), nout values per point */
PetscErrorCode NbPINNGetBoundaryValues(NbPINN p, PetscInt *nI, const PetscReal *uI[], PetscInt *nB, const PetscReal *uB[])
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetUp() first");
  *nI = p->nI;
  *uI = p->uI;
  *nB = p->nB;
  *uB = p->uB;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetData(NbPINN p, PetscInt n, const PetscReal x[], const PetscReal u[])
{
  PetscInt nin = NIN(p), nout = p->prob.nout;

  PetscFunctionBegin;
  PetscCheck(p->hasprob && !p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the data after the problem and before NbPINNSetUp()");
  PetscCall(PetscFree2(p->xD, p->uD));
  PetscCall(PetscMalloc2(n * nin + 1, &p->xD, n * nout + 1, &p->uD));
  PetscCall(PetscArraycpy(p->xD, x, n * nin));
  PetscCall(PetscArraycpy(p->uD, u, n * nout));
  p->nD = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetErrorMonitor(NbPINN p, NbPINNErrorFn fn, void *ctx)
{
  PetscFunctionBegin;
  p->errfn  = fn;
  p->errctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* New initial parameters from seed and a fresh optimizer (for ensemble
   members or chains that reuse one set-up PINN in turn). */
PetscErrorCode NbPINNReinitialize(NbPINN p, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetUp() first");
  p->seed = seed;
  PetscCall(NbModelSetSeed(p->model, seed));
  PetscCall(NbModelInitialize(p->model));
  if (p->inverse) /* the coefficients restart from their initial guesses */
    for (PetscInt k = 0; k < p->prob.ncoef; k++) {
      char      name[64];
      PetscReal v = p->prob.coefpositive[k] ? PetscLogReal(10 * p->prob.coef[k]) : 0;
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", p->prob.coefpositive[k] ? "log_" : "", p->prob.coefname[k]));
      PetscCall(NbModelSetParameterValues(p->model, name, &v));
    }
  PetscCall(NbOptimizerDestroy(&p->opt));
  PetscCall(NbOptimizerCreate(p->model, &p->opt));
  PetscCall(NbOptimizerSetGraph(p->opt, p->g));
  PetscCall(PetscMemzero(&p->stats, sizeof(p->stats)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetDataGlobal(NbPINN p, PetscInt64 N, const PetscReal x[], const PetscReal u[])
{
  PetscInt64 off;
  PetscInt   n;

  PetscFunctionBegin;
  PetscCall(NbPartition(p->comm, N, &off, &n));
  PetscCall(NbPINNSetData(p, n, x + off * (NIN(p)), u + off * p->prob.nout));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetOutput(NbPINN p, NbOutput out)
{
  PetscFunctionBegin;
  p->out = out;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------ initial / boundary points */

/* Initial points: (x, 0) uniform in space. Boundary points: uniform in time
   on the faces of the space box, faces chosen in turn. Each a global set
   split by index; values perturbed by -pinn_noise (relative to the RMS of
   the clean data, Raissi et al. 2019's convention). */
static PetscErrorCode BuildBoundaryData(NbPINN p)
{
  PetscInt   dim = p->prob.dim, nin = NIN(p), nout = p->prob.nout;
  PetscBool  steady = p->prob.steady;
  PetscReal *r, rms[2] = {0, 0}, *eps;

  PetscFunctionBegin;
  p->NI = (p->hard || steady) ? 0 : p->nbnd / 2; /* steady: no initial condition */
  p->NB = p->hard ? 0 : p->nbnd - p->NI;
  PetscCall(NbPartition(p->comm, p->NI, &p->offI, &p->nI));
  PetscCall(NbPartition(p->comm, p->NB, &p->offB, &p->nB));
  PetscCall(PetscMalloc4(p->nI * nin + 1, &p->xI, p->nI * nout + 1, &p->uI, p->nB * nin + 1, &p->xB, p->nB * nout + 1, &p->uB));
  PetscCall(PetscMalloc1(nin + 1, &r));
  for (PetscInt i = 0; i < p->nI; i++) {
    PetscReal *x = p->xI + i * nin;
    PetscCall(NbRNGUniform(p->rng, 11, (p->offI + i) * nin, nin, r));
    for (PetscInt d = 0; d < dim; d++) x[d] = p->prob.lo[d] + (p->prob.hi[d] - p->prob.lo[d]) * r[d];
    x[dim] = p->prob.lo[dim];
    PetscCall(p->prob.initial(p->prob.ctx, x, p->uI + i * nout));
    for (PetscInt c = 0; c < nout; c++) rms[0] += PetscSqr(p->uI[i * nout + c]);
  }
  for (PetscInt i = 0; i < p->nB; i++) {
    PetscReal *x = p->xB + i * nin;
    PetscInt   g = p->offB + i, face = g % (2 * dim);
    PetscCall(NbRNGUniform(p->rng, 12, g * nin, nin, r));
    for (PetscInt d = 0; d < nin; d++) x[d] = p->prob.lo[d] + (p->prob.hi[d] - p->prob.lo[d]) * r[d];
    x[face / 2] = face % 2 ? p->prob.hi[face / 2] : p->prob.lo[face / 2];
    PetscCall(p->prob.boundary(p->prob.ctx, steady ? 0 : x[dim], x, p->uB + i * nout));
    for (PetscInt c = 0; c < nout; c++) rms[0] += PetscSqr(p->uB[i * nout + c]);
  }
  rms[1] = (PetscReal)(p->nI + p->nB) * nout;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, rms, 2, MPIU_REAL, MPIU_SUM, p->comm));
  if (p->noise > 0 && !p->inverse && rms[1] > 0) {
    PetscReal scale = p->noise * PetscSqrtReal(rms[0] / rms[1]);
    PetscCall(PetscMalloc1(PetscMax(p->nI, p->nB) * nout + 1, &eps));
    PetscCall(NbRNGNormal(p->rng, 13, p->offI * nout, p->nI * nout, eps));
    for (PetscInt k = 0; k < p->nI * nout; k++) p->uI[k] += scale * eps[k];
    PetscCall(NbRNGNormal(p->rng, 14, p->offB * nout, p->nB * nout, eps));
    for (PetscInt k = 0; k < p->nB * nout; k++) p->uB[k] += scale * eps[k];
    PetscCall(PetscFree(eps));
  }
  PetscCall(PetscFree(r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------- graph */

/* u = network(X): inputs normalised to [-1, 1], optional Fourier features,
   the MLP, and the hard constraint if any. X is a jet or a plain tensor. */
static PetscErrorCode ApplyNetwork(NbPINN p, NbGraph g, NbTensor X, NbTensor *U)
{
  PetscInt  nin = NIN(p);
  PetscReal D[16] = {0}, b[4];
  NbTensor  Dt, bt, Y, N;

  PetscFunctionBegin;
  for (PetscInt d = 0; d < nin; d++) {
    D[d * nin + d] = 2 / (p->prob.hi[d] - p->prob.lo[d]);
    b[d]           = -(p->prob.hi[d] + p->prob.lo[d]) / (p->prob.hi[d] - p->prob.lo[d]);
  }
  PetscCall(NbGraphAddConstant(g, "input_scale", nin, nin, D, &Dt));
  PetscCall(NbGraphAddConstant(g, "input_shift", 1, nin, b, &bt));
  PetscCall(NbTensorDense(X, Dt, bt, &Y));
  if (p->fourier) PetscCall(NbLayerApply(p->fourier, g, Y, &Y));
  if (p->dense) { /* dropout after every hidden layer (Gal & Ghahramani 2016) */
    N = Y;
    for (PetscInt l = 0; l <= p->depth; l++) {
      PetscCall(NbLayerApply(p->dense[l], g, N, &N));
      if (l < p->depth) PetscCall(NbTensorDropout(N, p->dropout, &N));
    }
  } else PetscCall(NbLayerApply(p->net, g, Y, &N));
  if (p->hard) PetscCall(p->prob.hard(p->prob.ctx, X, N, U));
  else *U = N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The coefficients as 1 x 1 tensors: constants (forward) or trainable
   scalars, positive ones as exp(log-coefficient) (inverse). */
static PetscErrorCode AddCoefficients(NbPINN p, NbGraph g, NbTensor coef[])
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < p->prob.ncoef; k++) {
    if (!p->inverse) PetscCall(NbGraphAddConstant(g, p->prob.coefname[k], 1, 1, &p->prob.coef[k], &coef[k]));
    else {
      char name[64];
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", p->prob.coefpositive[k] ? "log_" : "", p->prob.coefname[k]));
      PetscCall(NbGraphAddParameter(g, p->model, name, &coef[k]));
      if (p->prob.coefpositive[k]) PetscCall(NbTensorExp(coef[k], &coef[k]));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildModel(NbPINN p)
{
  PetscInt  nin = NIN(p), nw = p->depth + 2, *widths;
  PetscReal inv0[NB_PINN_MAXCOEF];

  PetscFunctionBegin;
  PetscCall(NbModelCreate(p->comm, &p->model));
  PetscCall(NbModelSetName(p->model, "pinn"));
  PetscCall(NbModelSetSeed(p->model, p->seed));
  if (p->nfourier > 0) PetscCall(NbModelAddFourierFeatures(p->model, "fourier", nin, p->nfourier, p->fsigma, &p->fourier));
  PetscCall(PetscMalloc1(nw, &widths));
  widths[0] = p->nfourier > 0 ? 2 * p->nfourier : nin;
  for (PetscInt l = 1; l <= p->depth; l++) widths[l] = p->width;
  widths[nw - 1] = p->prob.nout;
  if (p->dropout > 0) {
    PetscCall(PetscMalloc1(p->depth + 1, &p->dense));
    for (PetscInt l = 0; l <= p->depth; l++) {
      char name[32];
      PetscCall(PetscSNPrintf(name, sizeof(name), "u.%d", (int)l));
      PetscCall(NbModelAddDense(p->model, name, widths[l], widths[l + 1], l < p->depth ? p->act : NB_ACT_NONE, &p->dense[l]));
    }
  } else PetscCall(NbModelAddMLP(p->model, "u", nw, widths, p->act, &p->net));
  PetscCall(PetscFree(widths));
  if (p->inverse) {
    /* initial guesses far from the truth: 10 x nu (Raissi et al. start
       from exp(-6) ~ 0.8 nu), lambda = 0 */
    for (PetscInt k = 0; k < p->prob.ncoef; k++) {
      char name[64];
      inv0[k] = p->prob.coefpositive[k] ? 10 * p->prob.coef[k] : 0;
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", p->prob.coefpositive[k] ? "log_" : "", p->prob.coefname[k]));
      PetscCall(NbModelAddScalar(p->model, name, p->prob.coefpositive[k] ? PetscLogReal(inv0[k]) : inv0[k], &p->coefparam[k]));
    }
  }
  PetscCall(NbModelSetFromOptions(p->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildGraphs(NbPINN p)
{
  PetscInt nin = NIN(p), nout = p->prob.nout, maxloc, nres, nt = 0;
  NbTensor Xj, U, res[8], sq = NULL, terms[NTERMS];
  PetscReal w[NTERMS];

  PetscFunctionBegin;
  PetscCall(NbGraphCreate(p->comm, &p->g));
  PetscCall(NbGraphSetOptionsPrefix(p->g, "pinn_"));
  PetscCall(NbSamplerGetMaxLocalPoints(p->sampler, &maxloc));
  PetscCall(NbGraphAddInput(p->g, "collocation", maxloc, nin, &p->X));
  PetscCall(NbTensorJetSeed(p->X, p->prob.coords, p->prob.derivs, &Xj));
  PetscCall(ApplyNetwork(p, p->g, Xj, &U));
  PetscCall(AddCoefficients(p, p->g, p->coef));
  PetscCall(p->prob.residual(p->prob.ctx, U, p->coef, &nres, res));
  for (PetscInt k = 0; k < nres; k++) {
    NbTensor s2;
    PetscCall(NbTensorSquare(res[k], &s2));
    if (sq) PetscCall(NbTensorAdd(sq, s2, &sq));
    else sq = s2;
  }
  PetscCall(NbTensorMean(sq, &p->term[TERM_RES]));
  PetscCall(NbTensorSqrt(sq, &p->rabs));
  PetscCall(NbGraphMarkOutput(p->g, p->rabs));
  terms[nt] = p->term[TERM_RES];
  w[nt++]   = p->w[TERM_RES];
  if (p->NI > 0) {
    NbTensor UIo, d;
    PetscCall(NbGraphAddInput(p->g, "initial", p->nI + 1, nin, &p->XI));
    PetscCall(NbGraphAddInputLike(p->g, "initial_values", p->XI, nout, &p->UI));
    PetscCall(ApplyNetwork(p, p->g, p->XI, &UIo));
    PetscCall(NbTensorSub(UIo, p->UI, &d));
    PetscCall(NbTensorMeanSquare(d, &p->term[TERM_IC]));
    PetscCall(NbTensorScale(p->term[TERM_IC], (PetscReal)nout, &p->term[TERM_IC])); /* sum over components */
    terms[nt] = p->term[TERM_IC];
    w[nt++]   = p->w[TERM_IC];
  }
  if (p->NB > 0) {
    NbTensor UBo, d;
    PetscCall(NbGraphAddInput(p->g, "boundary", p->nB + 1, nin, &p->XB));
    PetscCall(NbGraphAddInputLike(p->g, "boundary_values", p->XB, nout, &p->UB));
    PetscCall(ApplyNetwork(p, p->g, p->XB, &UBo));
    PetscCall(NbTensorSub(UBo, p->UB, &d));
    PetscCall(NbTensorMeanSquare(d, &p->term[TERM_BC]));
    PetscCall(NbTensorScale(p->term[TERM_BC], (PetscReal)nout, &p->term[TERM_BC]));
    terms[nt] = p->term[TERM_BC];
    w[nt++]   = p->w[TERM_BC];
  }
  if (p->ND > 0) {
    NbTensor UDo, d;
    PetscCall(NbGraphAddInput(p->g, "observations", p->nD + 1, nin, &p->XD));
    PetscCall(NbGraphAddInputLike(p->g, "observed_values", p->XD, nout, &p->UD));
    PetscCall(ApplyNetwork(p, p->g, p->XD, &UDo));
    PetscCall(NbTensorSub(UDo, p->UD, &d));
    PetscCall(NbTensorMeanSquare(d, &p->term[TERM_DATA]));
    PetscCall(NbTensorScale(p->term[TERM_DATA], (PetscReal)nout, &p->term[TERM_DATA]));
    terms[nt] = p->term[TERM_DATA];
    w[nt++]   = p->w[TERM_DATA];
  }
  PetscCall(NbTensorLinearCombination(nt, terms, w, &p->loss));
  PetscCall(NbGraphSetLoss(p->g, p->loss));
  PetscCall(NbGraphSetFromOptions(p->g));
  PetscCall(NbGraphSetUp(p->g));

  /* evaluation graph: u at arbitrary points, same parameters */
  PetscCall(NbGraphCreate(p->comm, &p->geval));
  PetscCall(NbGraphAddInput(p->geval, "points", 4096, nin, &p->XE));
  PetscCall(ApplyNetwork(p, p->geval, p->XE, &p->UE));
  PetscCall(NbGraphMarkOutput(p->geval, p->UE));
  PetscCall(NbGraphSetUp(p->geval));
  PetscCall(NbGraphSetDropout(p->geval, PETSC_FALSE)); /* deterministic unless MC dropout asks */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetInputs(NbPINN p)
{
  PetscInt         n;
  PetscInt64       N, off;
  const PetscReal *x;

  PetscFunctionBegin;
  PetscCall(NbSamplerGetPoints(p->sampler, &n, &x));
  PetscCall(NbSamplerGetGlobalInfo(p->sampler, &N, &off, NULL));
  PetscCall(NbGraphSetInputPartitioned(p->g, p->X, N, off, n, x));
  if (p->NI > 0) {
    PetscCall(NbGraphSetInputPartitioned(p->g, p->XI, p->NI, p->offI, p->nI, p->xI));
    PetscCall(NbGraphSetInputPartitioned(p->g, p->UI, p->NI, p->offI, p->nI, p->uI));
  }
  if (p->NB > 0) {
    PetscCall(NbGraphSetInputPartitioned(p->g, p->XB, p->NB, p->offB, p->nB, p->xB));
    PetscCall(NbGraphSetInputPartitioned(p->g, p->UB, p->NB, p->offB, p->nB, p->uB));
  }
  if (p->ND > 0) {
    PetscCall(NbGraphSetInputPartitioned(p->g, p->XD, p->ND, p->offD, p->nD, p->xD));
    PetscCall(NbGraphSetInputPartitioned(p->g, p->UD, p->ND, p->offD, p->nD, p->uD));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |r| at arbitrary points, for the adaptive samplers (overwrites the
   collocation input; SetInputs restores it). */
static PetscErrorCode SamplerResidual(PetscInt n, const PetscReal x[], PetscReal r[], void *ctx)
{
  NbPINN p = (NbPINN)ctx;

  PetscFunctionBegin;
  PetscCall(NbGraphSetDropout(p->g, PETSC_FALSE)); /* the residual of the mean network */
  PetscCall(NbGraphEvaluate(p->g, p->X, n, x, 1, &p->rabs, &r));
  PetscCall(NbGraphSetDropout(p->g, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetUp(NbPINN p)
{
  PetscInt nin;

  PetscFunctionBegin;
  if (p->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(p->hasprob, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetProblem() before NbPINNSetUp()");
  PetscCheck(!p->hard || p->prob.hard, p->comm, PETSC_ERR_USER_INPUT, "-pinn_bc hard is not available for %s: use -pinn_bc soft", p->prob.name);
  nin = NIN(p);
  {
    PetscInt64 nD = p->nD;
    PetscCallMPI(MPI_Allreduce(&nD, &p->ND, 1, MPIU_INT64, MPI_SUM, p->comm));
    PetscCallMPI(MPI_Exscan(&nD, &p->offD, 1, MPIU_INT64, MPI_SUM, p->comm));
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(p->comm, &rank));
    if (!rank) p->offD = 0;
  }
  PetscCheck(!p->inverse || p->ND > 0, p->comm, PETSC_ERR_ARG_WRONGSTATE, "-pinn_inverse needs observations (NbPINNSetData)");
  PetscCall(NbSamplerSetDomain(p->sampler, nin, p->prob.lo, p->prob.hi));
  PetscCall(NbSamplerSetResidual(p->sampler, SamplerResidual, p));
  PetscCall(NbSamplerSetUp(p->sampler));
  PetscCall(BuildBoundaryData(p));
  PetscCall(PerturbData(p));
  PetscCall(BuildModel(p));
  PetscCall(BuildGraphs(p));
  PetscCall(SetInputs(p));
  PetscCall(NbOptimizerCreate(p->model, &p->opt));
  PetscCall(NbOptimizerSetGraph(p->opt, p->g));
  p->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------------- training */

static PetscErrorCode ReadTerms(NbPINN p)
{
  PetscReal *dst[NTERMS] = {&p->stats.loss_res, &p->stats.loss_ic, &p->stats.loss_bc, &p->stats.loss_data};

  PetscFunctionBegin;
  for (PetscInt k = 0; k < NTERMS; k++) {
    *dst[k] = 0;
    if (p->term[k]) PetscCall(NbGraphGetScalar(p->g, p->term[k], dst[k]));
  }
  PetscCall(NbGraphGetScalar(p->g, p->loss, &p->stats.loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Monitor(NbPINN p, const char *phase, PetscInt step, PetscReal steptime)
{
  PetscFunctionBegin;
  PetscCall(ReadTerms(p));
  {
    const char *type;
    PetscReal   lr = 0;
    PetscCall(NbOptimizerGetType(p->opt, &type));
    if (!strcmp(type, "adam") || !strcmp(type, "adamw")) PetscCall(NbOptimizerGetLearningRate(p->opt, step, &lr));
    PetscCall(PetscPrintf(p->comm, "  %s %6d  %6.1f ms/step  lr %-8.2g loss %.4e  [", phase, (int)step, (double)(1e3 * steptime), (double)lr, (double)p->stats.loss));
  }
  for (PetscInt k = 0; k < NTERMS; k++)
    if (p->term[k]) PetscCall(PetscPrintf(p->comm, " %s %.3e", term_name[k], (double)(k == 0 ? p->stats.loss_res : k == 1 ? p->stats.loss_ic : k == 2 ? p->stats.loss_bc : p->stats.loss_data)));
  PetscCall(PetscPrintf(p->comm, " ]"));
  if (p->errfn) {
    PetscReal err;
    PetscCall(p->errfn(p, &err, p->errctx));
    PetscCall(PetscPrintf(p->comm, "  rel. L2 error %.3e", (double)err));
  }
  for (PetscInt k = 0; p->inverse && k < p->prob.ncoef; k++) {
    PetscReal c;
    PetscCall(NbPINNGetCoefficient(p, k, &c));
    PetscCall(PetscPrintf(p->comm, " %s %.6g", p->prob.coefname[k], (double)c));
  }
  PetscCall(PetscPrintf(p->comm, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A non-finite loss: name the step and the term, put the last good
   parameters back, save them to disk, and stop. */
static PetscErrorCode CheckFinite(NbPINN p, PetscReal loss, const char *phase, PetscInt step)
{
  char        file[PETSC_MAX_PATH_LEN] = "pinn-last-good.h5", terms[128] = "";
  PetscReal  *params;
  PetscInt    np;

  PetscFunctionBegin;
  if (!PetscIsInfOrNanReal(loss)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbGraphForward(p->g));
  PetscCall(ReadTerms(p));
  {
    PetscReal v[NTERMS] = {p->stats.loss_res, p->stats.loss_ic, p->stats.loss_bc, p->stats.loss_data};
    for (PetscInt k = 0; k < NTERMS; k++)
      if (p->term[k] && PetscIsInfOrNanReal(v[k])) {
        PetscCall(PetscStrlcat(terms, terms[0] ? ", " : "", sizeof(terms)));
        PetscCall(PetscStrlcat(terms, term_name[k], sizeof(terms)));
      }
  }
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(NbModelGetParameterArray(p->model, &params));
  PetscCall(PetscArraycpy(params, p->good, np));
  PetscCall(NbModelRestoreParameterArray(p->model, &params));
  if (p->out) {
    const char *name;
    size_t      len;
    PetscCall(NbOutputGetFileName(p->out, &name));
    PetscCall(PetscStrlen(name, &len));
    PetscCall(PetscSNPrintf(file, sizeof(file), "%.*s-pinn-last-good.h5", (int)(len - 3), name));
  }
  PetscCall(NbCheckpointSave(p->model, NULL, file));
  SETERRQ(p->comm, PETSC_ERR_FP, "PINN training diverged at %s step %d: the loss is %g (non-finite term: %s). The last good parameters are saved in %s. Lower the learning rate (-pinn_lr, now %g), add -opt_clip_norm 1, or check the problem's coefficients", phase, (int)step, (double)(PetscIsInfOrNanReal(p->stats.loss) ? p->stats.loss : loss), terms[0] ? terms : "none; their weighted sum overflowed", file, (double)p->lr);
}

static PetscErrorCode NewRound(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerAdapt(p->sampler));
  p->stats.rounds++;
  if (p->out) PetscCall(NbSamplerWritePoints(p->sampler, p->out));
  PetscCall(SetInputs(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNTrain(NbPINN p)
{
  double     t0;
  PetscReal  loss, *params;
  PetscInt   np;

  PetscFunctionBegin;
  PetscCall(NbPINNSetUp(p));
  PetscCall(PetscLogEventBegin(NB_PINNTrain, 0, 0, 0, 0));
  t0 = NbWallTime();
  if (p->out) {
    PetscCall(NbSamplerWritePoints(p->sampler, p->out));
    PetscCall(SetInputs(p));
  }
  /* Adam, with a sampling round every -pinn_resample_every steps */
  PetscCall(NbOptimizerSetType(p->opt, "adam"));
  PetscCall(NbOptimizerSetLearningRate(p->opt, p->lr));
  PetscCall(NbOptimizerSetMaxSteps(p->opt, p->adam_steps));
  PetscCall(NbOptimizerSetFromOptions(p->opt));
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(PetscFree(p->history));
  PetscCall(PetscFree2(p->good, p->trial));
  PetscCall(PetscMalloc1(p->adam_steps + 1, &p->history));
  PetscCall(PetscMalloc2(np, &p->good, np, &p->trial));
  PetscCall(NbModelGetParameterArray(p->model, &params));
  PetscCall(PetscArraycpy(p->good, params, np));
  PetscCall(NbModelRestoreParameterArray(p->model, &params));
  for (PetscInt step = 0; step < p->adam_steps; step++) {
    double ts;
    if (step > 0 && step % p->resample_every == 0) PetscCall(NewRound(p));
    PetscCall(NbModelGetParameterArray(p->model, &params));
    PetscCall(PetscArraycpy(p->trial, params, np));
    PetscCall(NbModelRestoreParameterArray(p->model, &params));
    ts = NbWallTime();
    {
      /* the optimizer refuses a non-finite loss (PETSC_ERR_FP); catch it
         quietly to report the step and term and keep the last good state */
      PetscErrorCode ierr;
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = NbOptimizerStep(p->opt, &loss);
      PetscCall(PetscPopErrorHandler());
      if (ierr == PETSC_ERR_FP) loss = (PetscReal)NAN; /* PETSC_INFINITY is finite (PETSC_MAX_REAL/4) */
      else PetscCall(ierr);
    }
    ts = NbWallTime() - ts;
    if (PetscIsInfOrNanReal(loss)) { /* the parameters before this step gave it */
      PetscCall(NbModelGetParameterArray(p->model, &params));
      PetscCall(PetscArraycpy(params, p->trial, np));
      PetscCall(NbModelRestoreParameterArray(p->model, &params));
    } else PetscCall(PetscArraycpy(p->good, p->trial, np));
    PetscCall(CheckFinite(p, loss, "Adam", step));
    p->history[step] = loss;
    if (p->monitor && (step % p->monitor == 0 || step == p->adam_steps - 1)) PetscCall(Monitor(p, "adam ", step, ts));
  }
  p->stats.adam_steps = p->adam_steps;
  p->nhistory         = p->adam_steps;
  /* then L-BFGS through TAO, in -pinn_lbfgs_rounds chunks with a sampling
     round before each when there is more than one */
  for (PetscInt round = 0; round < p->lbfgs_rounds && p->lbfgs_steps > 0; round++) {
    Tao              tao;
    PetscInt         its, its0, nh0, nh, chunk = (p->lbfgs_steps * (round + 1)) / p->lbfgs_rounds - (p->lbfgs_steps * round) / p->lbfgs_rounds;
    const PetscReal *h;
    double           ts = NbWallTime();
    if (p->lbfgs_rounds > 1) PetscCall(NewRound(p));
    PetscCall(NbOptimizerGetHistory(p->opt, &nh0, NULL));
    PetscCall(NbOptimizerSetType(p->opt, "lbfgs"));
    PetscCall(NbOptimizerSetMaxSteps(p->opt, chunk));
    PetscCall(NbOptimizerGetTao(p->opt, &tao));
    PetscCall(TaoSetMaximumIterations(tao, chunk)); /* -tao_max_it overrides */
    PetscCall(TaoSetMaximumFunctionEvaluations(tao, 4 * chunk));
    PetscCall(NbOptimizerSetFromOptions(p->opt));
    PetscCall(NbOptimizerGetStepNumber(p->opt, &its0));
    PetscCall(NbOptimizerSolve(p->opt));
    PetscCall(NbOptimizerGetStepNumber(p->opt, &its));
    its -= its0; /* over the restarts after line-search failures */
    p->stats.lbfgs_iterations += its;
    PetscCall(NbOptimizerGetHistory(p->opt, &nh, &h));
    PetscCall(PetscRealloc((p->nhistory + nh - nh0 + 1) * sizeof(PetscReal), &p->history));
    for (PetscInt k = nh0; k < nh; k++) p->history[p->nhistory++] = h[k];
    ts = (NbWallTime() - ts) / PetscMax(its, 1);
    PetscCall(NbGraphForward(p->g));
    PetscCall(ReadTerms(p));
    PetscCall(CheckFinite(p, p->stats.loss, "L-BFGS iteration", p->stats.lbfgs_iterations));
    if (p->monitor) PetscCall(Monitor(p, "lbfgs", p->stats.lbfgs_iterations, ts));
  }
  PetscCall(NbGraphForward(p->g));
  PetscCall(ReadTerms(p));
  PetscCall(CheckFinite(p, p->stats.loss, "the end of training", 0));
  p->stats.wall = NbWallTime() - t0;
  PetscCall(PetscLogEventEnd(NB_PINNTrain, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNEvaluate(NbPINN p, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetUp() first");
  PetscCall(PetscLogEventBegin(NB_PINNEvaluate, 0, 0, 0, 0));
  PetscCall(NbGraphEvaluate(p->geval, p->XE, n, x, 1, &p->UE, &u));
  PetscCall(PetscLogEventEnd(NB_PINNEvaluate, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNEvaluateGlobal(NbPINN p, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PetscInt nin = NIN(p), nout = p->prob.nout, cap = 4096;

  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNSetUp() first");
  PetscCall(PetscLogEventBegin(NB_PINNEvaluate, 0, 0, 0, 0));
  /* chunks of the evaluation graph's capacity; every rank takes part in
     as many chunks as the busiest one (the input set-up is collective) */
  {
    PetscInt nchunks = (n + cap - 1) / cap, maxchunks;
    PetscCallMPI(MPI_Allreduce(&nchunks, &maxchunks, 1, MPIU_INT, MPI_MAX, p->comm));
    for (PetscInt c = 0; c < maxchunks; c++) {
      PetscInt c0 = PetscMin(c * cap, n), nc = PetscMin(cap, n - c0);
      PetscCall(NbGraphSetInputPartitioned(p->geval, p->XE, N, offset + c0, nc, x + (size_t)c0 * nin));
      PetscCall(NbGraphForward(p->geval));
      if (nc > 0) PetscCall(NbGraphGetValues(p->geval, p->UE, NULL, u + (size_t)c0 * nout));
    }
  }
  PetscCall(PetscLogEventEnd(NB_PINNEvaluate, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetEvaluationDropout(NbPINN p, PetscBool on)
{
  PetscFunctionBegin;
  PetscCall(NbGraphSetDropout(p->geval, on));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNAdvanceDropout(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(NbGraphAdvanceRandom(p->geval));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The loss (as trained) and its gradient at the model's current parameters. */
PetscErrorCode NbPINNComputeLossGradient(NbPINN p, PetscReal *loss)
{
  PetscFunctionBegin;
  PetscCall(NbGraphComputeLossGradient(p->g, loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetCoefficient(NbPINN p, PetscInt k, PetscReal *c)
{
  char name[64];

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < p->prob.ncoef, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "No coefficient %d", (int)k);
  if (!p->inverse) {
    *c = p->prob.coef[k];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", p->prob.coefpositive[k] ? "log_" : "", p->prob.coefname[k]));
  PetscCall(NbModelGetScalar(p->model, name, c));
  if (p->prob.coefpositive[k]) *c = PetscExpReal(*c);
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

PetscErrorCode NbPINNGetModel(NbPINN p, NbModel *m)
{
  PetscFunctionBegin;
  *m = p->model;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetSampler(NbPINN p, NbSampler *s)
{
  PetscFunctionBegin;
  *s = p->sampler;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNReport(NbPINN p, NbReport rep)
{
  char        buf[128];
  const char *stype;
  PetscInt    np;

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d x %d %s%s, %d parameters", (int)p->depth, (int)p->width, NbActivations[p->act], p->nfourier ? " + Fourier" : "", (int)np));
  PetscCall(NbReportAddString(rep, "PINN network", buf));
  PetscCall(NbSamplerGetType(p->sampler, &stype));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d %s (%d rounds), %d initial/boundary, bc %s", (int)p->npoints, stype, (int)p->stats.rounds, (int)(p->NI + p->NB), p->hard ? "hard" : "soft"));
  PetscCall(NbReportAddString(rep, "PINN points", buf));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d Adam + %d L-BFGS", (int)p->stats.adam_steps, (int)p->stats.lbfgs_iterations));
  PetscCall(NbReportAddString(rep, "PINN training steps", buf));
  PetscCall(NbReportAddReal(rep, "PINN training wall time [s]", "%.2f", p->stats.wall));
  PetscCall(NbReportAddReal(rep, "PINN final loss", "%.3e", p->stats.loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNView(NbPINN p, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(p->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbPINN for %s: %d hidden layers x %d %s, bc %s%s\n", p->hasprob ? p->prob.name : "(no problem)", (int)p->depth, (int)p->width, NbActivations[p->act], p->hard ? "hard" : "soft", p->inverse ? ", inverse" : ""));
  PetscCall(PetscViewerASCIIPushTab(v));
  PetscCall(NbSamplerView(p->sampler, v));
  if (p->model) PetscCall(NbModelView(p->model, v));
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDestroy(NbPINN *pp)
{
  NbPINN p = *pp;

  PetscFunctionBegin;
  if (!p) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbOptimizerDestroy(&p->opt));
  PetscCall(NbGraphDestroy(&p->g));
  PetscCall(NbGraphDestroy(&p->geval));
  PetscCall(NbModelDestroy(&p->model));
  PetscCall(NbSamplerDestroy(&p->sampler));
  PetscCall(NbRNGDestroy(&p->rng));
  PetscCall(PetscFree4(p->xI, p->uI, p->xB, p->uB));
  PetscCall(PetscFree2(p->xD, p->uD));
  PetscCall(PetscFree(p->history));
  PetscCall(PetscFree2(p->good, p->trial));
  PetscCall(PetscFree(p->dense));
  PetscCall(PetscFree(p));
  *pp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
