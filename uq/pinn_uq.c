/* Uncertainty of PINNs over MPI ranks: deep ensembles, MC dropout, HMC.
   Every method ends with a set of networks (members, chain draws) or a
   stochastic network (dropout), and predicts a Gaussian (mean, std) per
   point; predictions are computed where the points live, with every
   network's parameters replicated (they are small: 3021 for the default
   PINN), so the result does not depend on how members or chains were laid
   over the ranks. */
#include "nbuq.h"

typedef enum {
  UQ_ENSEMBLE,
  UQ_MCDROPOUT,
  UQ_HMC
} UQType;
static const char *const uq_types[] = {"ensemble", "mcdropout", "hmc"};

struct _p_NbPINNUQ {
  MPI_Comm      comm;
  UQType        type;
  NbPINNProblem prob;
  PetscBool     hasprob, inverse;
  PetscInt64    nobs, seed;
  PetscReal    *xobs, *uobs;
  /* options */
  PetscInt  members, samples, pretrain;
  PetscReal dropout, sig_res, sig_bc, sig_data, sig_prior;
  PetscBool perturb;      /* ensemble members fit their own noise draw on the data */
  PetscInt  pretrain_lbfgs;
  /* results */
  PetscInt   nnet, np;  /* networks (members / kept draws), parameters each */
  PetscReal *params;    /* nnet x np, on every rank */
  NbPINN     eval;      /* a PETSC_COMM_SELF PINN to evaluate any parameter vector */
  NbPINN     dropnet;   /* mcdropout: the trained network (all ranks) */
  NbHMC      hmc;
  NbPINN     chainpinn; /* hmc: this chain group's PINN */
  PetscReal *coef[NB_PINN_MAXCOEF];
  PetscInt   ncoefsamples;
  PetscReal  wall;
};

static PetscLogEvent NB_UQRun, NB_UQPredict;

PetscErrorCode NbPINNUQCreate(MPI_Comm comm, NbPINNUQ *uqp)
{
  NbPINNUQ uq;

  PetscFunctionBegin;
  if (!NB_UQRun) {
    PetscCall(PetscLogEventRegister("NbPINNUQRun", NB_CLASSID, &NB_UQRun));
    PetscCall(PetscLogEventRegister("NbPINNUQPredict", NB_CLASSID, &NB_UQPredict));
  }
  PetscCall(PetscNew(&uq));
  uq->comm      = comm;
  uq->type      = UQ_ENSEMBLE;
  uq->members   = 5; /* Lakshminarayanan et al. (2017) use 5 */
  uq->samples   = 100;
  uq->dropout   = 0.05;
  uq->sig_res   = 0; /* 0: from sig_bc and the point counts (RunHMC) */
  uq->sig_bc    = 0.01;
  uq->sig_data  = 0.01;
  uq->sig_prior = 1;
  uq->pretrain  = 2000;
  uq->perturb   = PETSC_TRUE;
  *uqp          = uq;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQSetProblem(NbPINNUQ uq, const NbPINNProblem *prob)
{
  PetscFunctionBegin;
  uq->prob    = *prob;
  uq->hasprob = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQSetObservations(NbPINNUQ uq, PetscInt64 N, const PetscReal x[], const PetscReal u[])
{
  PetscInt nin = uq->prob.dim + (uq->prob.steady ? 0 : 1), nout = uq->prob.nout;

  PetscFunctionBegin;
  PetscCheck(uq->hasprob, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the problem first");
  PetscCall(PetscFree2(uq->xobs, uq->uobs));
  PetscCall(PetscMalloc2(N * nin + 1, &uq->xobs, N * nout + 1, &uq->uobs));
  PetscCall(PetscArraycpy(uq->xobs, x, N * nin));
  PetscCall(PetscArraycpy(uq->uobs, u, N * nout));
  uq->nobs = N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQSetFromOptions(NbPINNUQ uq)
{
  PetscInt type = uq->type;

  PetscFunctionBegin;
  PetscOptionsBegin(uq->comm, NULL, "Uncertainty of PINNs", "NbPINNUQ");
  PetscCall(PetscOptionsEList("-uq", "Uncertainty method", "NbPINNUQSetFromOptions", uq_types, 3, uq_types[uq->type], &type, NULL));
  PetscCall(PetscOptionsInt("-uq_members", "Ensemble members", "NbPINNUQSetFromOptions", uq->members, &uq->members, NULL));
  PetscCall(PetscOptionsReal("-uq_dropout", "MC dropout probability p in [0, 1)", "NbPINNUQSetFromOptions", uq->dropout, &uq->dropout, NULL));
  PetscCall(PetscOptionsInt("-uq_samples", "MC dropout passes; HMC draws per chain used for prediction", "NbPINNUQSetFromOptions", uq->samples, &uq->samples, NULL));
  PetscCall(PetscOptionsReal("-uq_sigma_res", "HMC: noise scale of the PDE residual (0: -uq_sigma_bc sqrt(residual points / initial+boundary points), the PINN loss's weighting)", "NbPINNUQSetFromOptions", uq->sig_res, &uq->sig_res, NULL));
  PetscCall(PetscOptionsReal("-uq_sigma_bc", "HMC: noise scale of the initial/boundary data", "NbPINNUQSetFromOptions", uq->sig_bc, &uq->sig_bc, NULL));
  PetscCall(PetscOptionsReal("-uq_sigma_data", "HMC: noise scale of the observations", "NbPINNUQSetFromOptions", uq->sig_data, &uq->sig_data, NULL));
  PetscCall(PetscOptionsReal("-uq_prior_sigma", "HMC: standard deviation of the Gaussian prior on the parameters", "NbPINNUQSetFromOptions", uq->sig_prior, &uq->sig_prior, NULL));
  PetscCall(PetscOptionsInt("-uq_hmc_pretrain", "HMC: Adam steps that start every chain", "NbPINNUQSetFromOptions", uq->pretrain, &uq->pretrain, NULL));
  PetscCall(PetscOptionsInt("-uq_hmc_pretrain_lbfgs", "HMC: L-BFGS iterations after the Adam steps that start every chain", "NbPINNUQSetFromOptions", uq->pretrain_lbfgs, &uq->pretrain_lbfgs, NULL));
  PetscCall(PetscOptionsBool("-uq_perturb_data", "Ensemble: each member fits the data plus its own draw of the -pinn_noise level (randomize-then-optimize)", "NbPINNUQSetFromOptions", uq->perturb, &uq->perturb, NULL));
  PetscOptionsEnd();
  uq->type = (UQType)type;
  PetscCheck(uq->members >= 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_members %d: an ensemble needs at least 1 member", (int)uq->members);
  PetscCheck(uq->dropout >= 0 && uq->dropout < 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_dropout %g must lie in [0, 1)", (double)uq->dropout);
  PetscCheck(uq->pretrain >= 0 && uq->pretrain_lbfgs >= 0, uq->comm, PETSC_ERR_USER_INPUT, "-uq_hmc_pretrain and -uq_hmc_pretrain_lbfgs must be >= 0");
  PetscCheck(uq->samples >= 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_samples %d must be at least 1", (int)uq->samples);
  PetscCheck(uq->sig_res >= 0 && uq->sig_bc > 0 && uq->sig_data > 0 && uq->sig_prior > 0, uq->comm, PETSC_ERR_USER_INPUT, "-uq_sigma_bc, -uq_sigma_data and -uq_prior_sigma must be positive, -uq_sigma_res positive or 0 (automatic)");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQGetType(NbPINNUQ uq, const char *type[])
{
  PetscFunctionBegin;
  *type = uq_types[uq->type];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A PINN of the problem on comm with the user's -pinn_ options, a seed and,
   optionally, dropout; observations from the global list. */
static PetscErrorCode MakePINN(NbPINNUQ uq, MPI_Comm comm, PetscInt64 seed, PetscReal dropout, PetscInt64 perturbseed, NbPINN *pinn)
{
  PetscFunctionBegin;
  PetscCall(NbPINNCreate(comm, pinn));
  PetscCall(NbPINNSetProblem(*pinn, &uq->prob));
  PetscCall(NbPINNSetFromOptions(*pinn));
  PetscCall(NbPINNSetSeed(*pinn, seed));
  if (perturbseed >= 0) PetscCall(NbPINNSetDataPerturbation(*pinn, perturbseed));
  if (dropout > 0) PetscCall(NbPINNSetDropout(*pinn, dropout));
  if (uq->nobs) PetscCall(NbPINNSetDataGlobal(*pinn, uq->nobs, uq->xobs, uq->uobs));
  PetscCall(NbPINNSetUp(*pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CopyParams(NbPINN pinn, PetscReal dst[], PetscBool toPINN)
{
  NbModel    m;
  PetscReal *a;
  PetscInt   np;

  PetscFunctionBegin;
  PetscCall(NbPINNGetModel(pinn, &m));
  PetscCall(NbModelGetNumParameters(m, &np));
  PetscCall(NbModelGetParameterArray(m, &a));
  if (toPINN) PetscCall(PetscArraycpy(a, dst, np));
  else PetscCall(PetscArraycpy(dst, a, np));
  PetscCall(NbModelRestoreParameterArray(m, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The evaluation PINN (PETSC_COMM_SELF) and the parameter count. */
static PetscErrorCode SetUpEval(NbPINNUQ uq)
{
  NbModel m;

  PetscFunctionBegin;
  if (uq->eval) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MakePINN(uq, PETSC_COMM_SELF, uq->seed, 0, -1, &uq->eval));
  PetscCall(NbPINNGetModel(uq->eval, &m));
  PetscCall(NbModelGetNumParameters(m, &uq->np));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Coefficient samples from every network's parameters (inverse runs). */
static PetscErrorCode CollectCoefficients(NbPINNUQ uq)
{
  PetscFunctionBegin;
  if (!uq->inverse) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < uq->prob.ncoef; k++) PetscCall(PetscMalloc1(uq->nnet, &uq->coef[k]));
  for (PetscInt j = 0; j < uq->nnet; j++) {
    PetscCall(CopyParams(uq->eval, uq->params + (size_t)j * uq->np, PETSC_TRUE));
    for (PetscInt k = 0; k < uq->prob.ncoef; k++) PetscCall(NbPINNGetCoefficient(uq->eval, k, &uq->coef[k][j]));
  }
  uq->ncoefsamples = uq->nnet;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------- ensembles */
static PetscErrorCode RunEnsemble(NbPINNUQ uq)
{
  PetscMPIInt rank, size, grank;
  PetscInt    G, g;
  MPI_Comm    gcomm;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(uq->comm, &rank));
  PetscCallMPI(MPI_Comm_size(uq->comm, &size));
  G = PetscMin(uq->members, (PetscInt)size);
  g = ((PetscInt)rank * G) / size;
  PetscCallMPI(MPI_Comm_split(uq->comm, (int)g, rank, &gcomm));
  PetscCallMPI(MPI_Comm_rank(gcomm, &grank));
  PetscCall(SetUpEval(uq));
  uq->nnet = uq->members;
  PetscCall(PetscCalloc1((size_t)uq->nnet * uq->np, &uq->params));
  for (PetscInt m = g; m < uq->members; m += G) {
    NbPINN pinn;
    /* member m: its own initialisation, collocation draw and (with
       -pinn_noise and -uq_perturb_data) noise draw on the data */
    PetscCall(MakePINN(uq, gcomm, uq->seed + 1 + m, 0, uq->perturb ? uq->seed + 1000003 + m : -1, &pinn));
    PetscCall(NbPINNTrain(pinn));
    if (grank == 0) PetscCall(CopyParams(pinn, uq->params + (size_t)m * uq->np, PETSC_FALSE));
    PetscCall(NbPINNDestroy(&pinn));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, uq->params, (PetscMPIInt)(uq->nnet * uq->np), MPIU_REAL, MPIU_SUM, uq->comm));
  PetscCallMPI(MPI_Comm_free(&gcomm));
  PetscCall(CollectCoefficients(uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ MC dropout */
static PetscErrorCode RunMCDropout(NbPINNUQ uq)
{
  PetscFunctionBegin;
  PetscCall(MakePINN(uq, uq->comm, uq->seed, uq->dropout, -1, &uq->dropnet));
  PetscCall(NbPINNTrain(uq->dropnet));
  if (uq->inverse) { /* point estimates: dropout acts on the network, not on nu and lambda */
    for (PetscInt k = 0; k < uq->prob.ncoef; k++) {
      PetscCall(PetscMalloc1(1, &uq->coef[k]));
      PetscCall(NbPINNGetCoefficient(uq->dropnet, k, &uq->coef[k][0]));
    }
    uq->ncoefsamples = 1;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------- HMC */
static PetscErrorCode HMCLogDensity(MPI_Comm comm, PetscInt n, const PetscReal th[], PetscReal *logp, PetscReal grad[], void *ctx)
{
  NbPINNUQ   uq = (NbPINNUQ)ctx;
  NbModel    m;
  PetscReal *a, *g, loss, prior = 0, ip = 1 / (uq->sig_prior * uq->sig_prior);

  PetscFunctionBegin;
  PetscCall(NbPINNGetModel(uq->chainpinn, &m));
  PetscCall(NbModelGetParameterArray(m, &a));
  PetscCall(PetscArraycpy(a, th, n));
  PetscCall(NbModelRestoreParameterArray(m, &a));
  /* a non-finite loss (an exploding trajectory) is a -inf log density for
     the sampler, which rejects the transition as divergent */
  {
    PetscErrorCode ierr;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    ierr = NbPINNComputeLossGradient(uq->chainpinn, &loss);
    PetscCall(PetscPopErrorHandler());
    if (ierr == PETSC_ERR_FP) {
      *logp = (PetscReal)NAN;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(ierr);
  }
  PetscCall(NbModelGetGradientArray(m, &g));
  for (PetscInt i = 0; i < n; i++) {
    prior += th[i] * th[i];
    grad[i] = -g[i] - ip * th[i];
  }
  PetscCall(NbModelRestoreGradientArray(m, &g));
  *logp = -loss - 0.5 * ip * prior;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode HMCInit(MPI_Comm comm, PetscInt chain, PetscInt n, PetscReal th[], void *ctx)
{
  NbPINNUQ uq = (NbPINNUQ)ctx;

  PetscFunctionBegin;
  /* every chain starts from its own short optimisation of the posterior's
     data terms (allowed by the issue; documented in the README) */
  PetscCall(NbPINNReinitialize(uq->chainpinn, uq->seed + 101 + chain));
  PetscCall(NbPINNSetTrainingSteps(uq->chainpinn, uq->pretrain, uq->pretrain_lbfgs));
  PetscCall(NbPINNTrain(uq->chainpinn));
  PetscCall(CopyParams(uq->chainpinn, th, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode HMCMonitor(MPI_Comm comm, PetscInt n, const PetscReal th[], PetscInt nq, PetscReal q[], void *ctx)
{
  NbPINNUQ uq = (NbPINNUQ)ctx;

  PetscFunctionBegin;
  PetscCall(CopyParams(uq->chainpinn, (PetscReal *)th, PETSC_TRUE));
  if (uq->inverse)
    for (PetscInt k = 0; k < uq->prob.ncoef; k++) PetscCall(NbPINNGetCoefficient(uq->chainpinn, k, &q[k]));
  else {
    /* u at the centre of the space-time box and at its 3/4 point */
    PetscInt  nin = uq->prob.dim + (uq->prob.steady ? 0 : 1);
    PetscReal x[8], u[8];
    for (PetscInt d = 0; d < nin; d++) {
      x[d]       = uq->prob.lo[d] + 0.5 * (uq->prob.hi[d] - uq->prob.lo[d]);
      x[nin + d] = uq->prob.lo[d] + 0.75 * (uq->prob.hi[d] - uq->prob.lo[d]);
    }
    PetscCall(NbPINNEvaluate(uq->chainpinn, 2, x, u));
    q[0] = u[0];
    q[1] = u[uq->prob.nout];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunHMC(NbPINNUQ uq)
{
  MPI_Comm         ccomm;
  PetscInt64       nres, nic, nbc, ndata;
  PetscInt         nloc, nsamp, keep;
  const PetscInt  *chains;
  const PetscReal *samples;
  PetscMPIInt      crank;

  PetscFunctionBegin;
  PetscCall(SetUpEval(uq));
  PetscCall(NbHMCCreate(uq->comm, &uq->hmc));
  PetscCall(NbHMCSetDimension(uq->hmc, uq->np));
  PetscCall(NbHMCSetFromOptions(uq->hmc));
  PetscCall(NbHMCSetLogDensity(uq->hmc, HMCLogDensity, uq));
  PetscCall(NbHMCSetInitialState(uq->hmc, HMCInit, uq));
  PetscCall(NbHMCSetMonitor(uq->hmc, uq->inverse ? uq->prob.ncoef : 2, HMCMonitor, uq));
  PetscCall(NbHMCSetUp(uq->hmc));
  PetscCall(NbHMCGetChainComm(uq->hmc, &ccomm));
  PetscCall(MakePINN(uq, ccomm, uq->seed + 101, 0, -1, &uq->chainpinn));
  /* likelihood weights: sum over points of |misfit|^2 / (2 sigma^2) */
  PetscCall(NbPINNGetPointCounts(uq->chainpinn, &nres, &nic, &nbc, &ndata));
  /* default residual scale: the posterior's data terms are then the PINN's
     own loss (mean r^2 + mean |u - g|^2, equal weights) times
     (nic + nbc)/(2 sigma_bc^2), so its mode is the trained PINN. A residual
     scale equal to sigma_bc instead weighs the 10,000 residual points 100x
     more than the 100 initial/boundary ones, and the chains trade the
     initial data for a smaller residual (measured, forward Burgers, 1%
     noise: error of the mean 0.25 with sigma_res = 0.01, 1.5e-2 with 0.1) */
  if (uq->sig_res == 0) uq->sig_res = nic + nbc > 0 ? uq->sig_bc * PetscSqrtReal((PetscReal)nres / (PetscReal)(nic + nbc)) : uq->sig_bc;
  PetscCall(NbPINNSetLossWeights(uq->chainpinn, nres / (2 * uq->sig_res * uq->sig_res), nic / (2 * uq->sig_bc * uq->sig_bc), nbc / (2 * uq->sig_bc * uq->sig_bc), ndata / (2 * uq->sig_data * uq->sig_data)));
  PetscCall(NbHMCRun(uq->hmc));
  /* keep -uq_samples evenly spaced draws per chain for prediction */
  PetscCall(NbHMCGetSamples(uq->hmc, &nloc, &chains, &nsamp, &samples));
  {
    PetscInt nchains, mine;
    PetscCallMPI(MPI_Comm_rank(ccomm, &crank));
    mine = crank == 0 ? nloc : 0; /* each chain counted once, by its group's first rank */
    PetscCall(MPIU_Allreduce(&mine, &nchains, 1, MPIU_INT, MPI_SUM, uq->comm));
    keep     = PetscMin(uq->samples, nsamp);
    uq->nnet = nchains * keep;
    PetscCall(PetscCalloc1((size_t)uq->nnet * uq->np, &uq->params));
    if (crank == 0)
      for (PetscInt lc = 0; lc < nloc; lc++)
        for (PetscInt s = 0; s < keep; s++) {
          PetscInt src = (s * nsamp) / keep;
          PetscCall(PetscArraycpy(uq->params + ((size_t)chains[lc] * keep + s) * uq->np, samples + ((size_t)lc * nsamp + src) * uq->np, uq->np));
        }
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, uq->params, (PetscMPIInt)(uq->nnet * uq->np), MPIU_REAL, MPIU_SUM, uq->comm));
  }
  PetscCall(CollectCoefficients(uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQRun(NbPINNUQ uq)
{
  double t0;
  NbPINN probe;

  PetscFunctionBegin;
  PetscCheck(uq->hasprob, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbPINNUQSetProblem() first");
  /* the user's -pinn_seed and -pinn_inverse, read the PINN's way */
  PetscCall(NbPINNCreate(uq->comm, &probe));
  PetscCall(NbPINNSetProblem(probe, &uq->prob));
  PetscCall(NbPINNSetFromOptions(probe));
  PetscCall(NbPINNGetSeed(probe, &uq->seed));
  PetscCall(NbPINNGetInverse(probe, &uq->inverse));
  PetscCall(NbPINNDestroy(&probe));
  PetscCheck(!uq->inverse || uq->nobs > 0, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "-pinn_inverse needs observations (NbPINNUQSetObservations)");
  PetscCall(PetscLogEventBegin(NB_UQRun, 0, 0, 0, 0));
  t0 = NbWallTime();
  switch (uq->type) {
  case UQ_ENSEMBLE:
    PetscCall(RunEnsemble(uq));
    break;
  case UQ_MCDROPOUT:
    PetscCall(RunMCDropout(uq));
    break;
  case UQ_HMC:
    PetscCall(RunHMC(uq));
    break;
  }
  uq->wall = NbWallTime() - t0;
  PetscCall(PetscLogEventEnd(NB_UQRun, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQPredict(NbPINNUQ uq, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal mean[], PetscReal std[])
{
  PetscInt   nout = uq->prob.nout, npass;
  PetscReal *u, *m2;
  NbPINN     net;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_UQPredict, 0, 0, 0, 0));
  PetscCall(PetscMalloc2((size_t)n * nout + 1, &u, (size_t)n * nout + 1, &m2));
  PetscCall(PetscArrayzero(mean, (size_t)n * nout));
  PetscCall(PetscArrayzero(m2, (size_t)n * nout));
  npass = uq->type == UQ_MCDROPOUT ? uq->samples : uq->nnet;
  net   = uq->type == UQ_MCDROPOUT ? uq->dropnet : uq->eval;
  if (uq->type == UQ_MCDROPOUT) PetscCall(NbPINNSetEvaluationDropout(net, uq->dropout > 0 ? PETSC_TRUE : PETSC_FALSE));
  for (PetscInt j = 0; j < npass; j++) {
    if (uq->type == UQ_MCDROPOUT) PetscCall(NbPINNAdvanceDropout(net));
    else PetscCall(CopyParams(net, uq->params + (size_t)j * uq->np, PETSC_TRUE));
    PetscCall(NbPINNEvaluateGlobal(net, N, offset, n, x, u));
    for (PetscInt i = 0; i < n * nout; i++) { /* Welford */
      PetscReal d = u[i] - mean[i];
      mean[i] += d / (j + 1);
      m2[i] += d * (u[i] - mean[i]);
    }
  }
  for (PetscInt i = 0; i < n * nout; i++) std[i] = npass > 1 ? PetscSqrtReal(m2[i] / (npass - 1)) : 0;
  if (uq->type == UQ_MCDROPOUT) PetscCall(NbPINNSetEvaluationDropout(net, PETSC_FALSE));
  PetscCall(PetscFree2(u, m2));
  PetscCall(PetscLogEventEnd(NB_UQPredict, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQGetCoefficientSamples(NbPINNUQ uq, PetscInt k, PetscInt *n, const PetscReal *s[])
{
  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < uq->prob.ncoef, uq->comm, PETSC_ERR_ARG_OUTOFRANGE, "No coefficient %d", (int)k);
  *n = uq->coef[k] ? uq->ncoefsamples : 0;
  *s = uq->coef[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The calibration table of mt and, in inverse runs, every coefficient's
   samples, as /history/ datasets of out. */
PetscErrorCode NbPINNUQWriteHistories(NbPINNUQ uq, NbOutput out, const NbUQMetrics *mt)
{
  PetscFunctionBegin;
  PetscCall(NbOutputWriteHistory(out, "calibration_nominal", 10, mt->nominal));
  PetscCall(NbOutputWriteHistory(out, "calibration_observed", 10, mt->observed));
  if (uq->inverse)
    for (PetscInt k = 0; k < uq->prob.ncoef; k++) {
      PetscInt         n;
      const PetscReal *smp;
      char             name[64];
      PetscCall(NbPINNUQGetCoefficientSamples(uq, k, &n, &smp));
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s_samples", uq->prob.coefname[k]));
      PetscCall(NbOutputWriteHistory(out, name, n, smp));
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQReport(NbPINNUQ uq, NbReport rep)
{
  char buf[128];

  PetscFunctionBegin;
  switch (uq->type) {
  case UQ_ENSEMBLE:
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "deep ensemble, %d members", (int)uq->members));
    break;
  case UQ_MCDROPOUT:
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "MC dropout p = %g, %d passes", (double)uq->dropout, (int)uq->samples));
    break;
  case UQ_HMC:
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "HMC, %d draws used for prediction", (int)uq->nnet));
    break;
  }
  PetscCall(NbReportAddString(rep, "UQ method", buf));
  PetscCall(NbReportAddReal(rep, "UQ wall time [s]", "%.2f", uq->wall));
  if (uq->type == UQ_HMC) {
    PetscReal acc, eps;
    PetscInt  div, nq = uq->inverse ? uq->prob.ncoef : 2;
    PetscCall(NbHMCGetStatistics(uq->hmc, &acc, &div, &eps));
    PetscCall(NbReportAddReal(rep, "HMC acceptance rate", "%.3f", acc));
    PetscCall(NbReportAddInt(rep, "HMC divergent transitions", div));
    PetscCall(NbReportAddReal(rep, "HMC step size", "%.3e", eps));
    PetscCall(NbReportAddReal(rep, "HMC residual noise scale (-uq_sigma_res)", "%.4g", uq->sig_res));
    for (PetscInt k = 0; k < nq; k++) {
      NbHMCSummary sum;
      char         key[64];
      PetscCall(NbHMCGetSummary(uq->hmc, k, &sum));
      PetscCall(PetscSNPrintf(key, sizeof(key), "HMC %s: mean, sd, R-hat, ESS", uq->inverse ? uq->prob.coefname[k] : (k ? "u at 3/4 point" : "u at centre")));
      PetscCall(PetscSNPrintf(buf, sizeof(buf), "%.6g, %.3g, %.4f, %.0f", (double)sum.mean, (double)sum.sd, (double)sum.rhat, (double)sum.ess));
      PetscCall(NbReportAddString(rep, key, buf));
    }
  }
  for (PetscInt k = 0; uq->inverse && k < uq->prob.ncoef && uq->ncoefsamples; k++) {
    PetscReal mu = 0, v = 0;
    char      key[64];
    for (PetscInt j = 0; j < uq->ncoefsamples; j++) mu += uq->coef[k][j];
    mu /= uq->ncoefsamples;
    for (PetscInt j = 0; j < uq->ncoefsamples; j++) v += PetscSqr(uq->coef[k][j] - mu);
    v = uq->ncoefsamples > 1 ? PetscSqrtReal(v / (uq->ncoefsamples - 1)) : 0;
    PetscCall(PetscSNPrintf(key, sizeof(key), "identified %s (mean +- sd)", uq->prob.coefname[k]));
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "%.6g +- %.2g (true %.6g, rel. error of the mean %.2e)", (double)mu, (double)v, (double)uq->prob.coef[k], (double)(PetscAbsReal(mu - uq->prob.coef[k]) / PetscAbsReal(uq->prob.coef[k]))));
    PetscCall(NbReportAddString(rep, key, buf));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNUQDestroy(NbPINNUQ *uqp)
{
  NbPINNUQ uq = *uqp;

  PetscFunctionBegin;
  if (!uq) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbPINNDestroy(&uq->eval));
  PetscCall(NbPINNDestroy(&uq->dropnet));
  PetscCall(NbPINNDestroy(&uq->chainpinn));
  PetscCall(NbHMCDestroy(&uq->hmc));
  PetscCall(PetscFree(uq->params));
  for (PetscInt k = 0; k < NB_PINN_MAXCOEF; k++) PetscCall(PetscFree(uq->coef[k]));
  PetscCall(PetscFree2(uq->xobs, uq->uobs));
  PetscCall(PetscFree(uq));
  *uqp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
