/* HMC over a PINN's parameters (NbHMC, uq/hmc.c): the log posterior is the
   PINN's loss with weights N/(2 sigma^2) per term, plus a Gaussian prior.
   Each chain is a PINN of the factory on the chain's rank group, started
   from its own short optimisation of the posterior's data terms; its
   parameters travel as the global vector (NbPINNGetParameters), so any PINN
   type runs under HMC. -uq_samples evenly spaced draws per chain are kept
   for prediction. */
#include "uqimpl.h"

typedef struct {
  PetscReal sig_res, sig_bc, sig_data, sig_prior;
  PetscInt  samples, pretrain, pretrain_lbfgs;
  NbHMC     hmc;
  NbPINN    chain; /* this chain group's PINN */
} UQHMC;

static PetscErrorCode SetFromOptions_HMC(NbUQ uq, PetscOptionItems *PetscOptionsObject)
{
  UQHMC *h = (UQHMC *)uq->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "HMC");
  PetscCall(PetscOptionsInt("-uq_samples", "HMC draws per chain used for prediction", "NbUQSetFromOptions", h->samples, &h->samples, NULL));
  PetscCall(PetscOptionsReal("-uq_sigma_res", "Noise scale of the PDE residual (0: -uq_sigma_bc sqrt(residual points / initial+boundary points), the PINN loss's weighting)", "NbUQSetFromOptions", h->sig_res, &h->sig_res, NULL));
  PetscCall(PetscOptionsReal("-uq_sigma_bc", "Noise scale of the initial/boundary data", "NbUQSetFromOptions", h->sig_bc, &h->sig_bc, NULL));
  PetscCall(PetscOptionsReal("-uq_sigma_data", "Noise scale of the observations", "NbUQSetFromOptions", h->sig_data, &h->sig_data, NULL));
  PetscCall(PetscOptionsReal("-uq_prior_sigma", "Standard deviation of the Gaussian prior on the parameters", "NbUQSetFromOptions", h->sig_prior, &h->sig_prior, NULL));
  PetscCall(PetscOptionsInt("-uq_hmc_pretrain", "Adam steps that start every chain", "NbUQSetFromOptions", h->pretrain, &h->pretrain, NULL));
  PetscCall(PetscOptionsInt("-uq_hmc_pretrain_lbfgs", "L-BFGS iterations after the Adam steps that start every chain", "NbUQSetFromOptions", h->pretrain_lbfgs, &h->pretrain_lbfgs, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(h->samples >= 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_samples %d must be at least 1", (int)h->samples);
  PetscCheck(h->pretrain >= 0 && h->pretrain_lbfgs >= 0, uq->comm, PETSC_ERR_USER_INPUT, "-uq_hmc_pretrain and -uq_hmc_pretrain_lbfgs must be >= 0");
  PetscCheck(h->sig_res >= 0 && h->sig_bc > 0 && h->sig_data > 0 && h->sig_prior > 0, uq->comm, PETSC_ERR_USER_INPUT, "-uq_sigma_bc, -uq_sigma_data and -uq_prior_sigma must be positive, -uq_sigma_res positive or 0 (automatic)");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the sampler's -hmc_ options */
static PetscErrorCode SetUp_HMC(NbUQ uq)
{
  UQHMC *h = (UQHMC *)uq->data;

  PetscFunctionBegin;
  PetscCall(NbHMCCreate(uq->comm, &h->hmc));
  PetscCall(NbHMCSetFromOptions(h->hmc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LogDensity(MPI_Comm comm, PetscInt n, const PetscReal th[], PetscReal *logp, PetscReal grad[], void *ctx)
{
  NbUQ           uq = (NbUQ)ctx;
  UQHMC         *h  = (UQHMC *)uq->data;
  PetscReal      loss, prior = 0, ip = 1 / (h->sig_prior * h->sig_prior);
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(NbPINNSetParameters(h->chain, th));
  /* a non-finite loss (an exploding trajectory) is a -inf log density for
     the sampler, which rejects the transition as divergent */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NbPINNComputeLossGradient(h->chain, &loss, grad);
  PetscCall(PetscPopErrorHandler());
  if (ierr == PETSC_ERR_FP) {
    *logp = (PetscReal)NAN;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(ierr);
  for (PetscInt i = 0; i < n; i++) {
    prior += th[i] * th[i];
    grad[i] = -grad[i] - ip * th[i];
  }
  *logp = -loss - 0.5 * ip * prior;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every chain starts from its own short optimisation of the posterior's data terms */
static PetscErrorCode Init(MPI_Comm comm, PetscInt chain, PetscInt n, PetscReal th[], void *ctx)
{
  NbUQ   uq = (NbUQ)ctx;
  UQHMC *h  = (UQHMC *)uq->data;
  char   label[32];

  PetscFunctionBegin;
  PetscCall(NbPINNReinitialize(h->chain, uq->seed + 101 + chain));
  PetscCall(NbPINNSetTrainingSteps(h->chain, h->pretrain, h->pretrain_lbfgs));
  PetscCall(PetscSNPrintf(label, sizeof(label), "chain %d: ", (int)chain));
  PetscCall(NbPINNSetMonitor(h->chain, -1, label));
  PetscCall(NbPINNTrain(h->chain));
  PetscCall(NbPINNGetParameters(h->chain, th));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* nu and lambda (inverse), else u at the centre of the box and at its 3/4 point */
static PetscErrorCode Monitored(MPI_Comm comm, PetscInt n, const PetscReal th[], PetscInt nq, PetscReal q[], void *ctx)
{
  NbUQ   uq = (NbUQ)ctx;
  UQHMC *h  = (UQHMC *)uq->data;

  PetscFunctionBegin;
  PetscCall(NbPINNSetParameters(h->chain, th));
  if (uq->inverse)
    for (PetscInt k = 0; k < uq->pde->ncoef; k++) PetscCall(NbPINNGetCoefficient(h->chain, k, &q[k]));
  else {
    PetscInt  nin = uq->pde->dim + (uq->pde->steady ? 0 : 1);
    PetscReal x[8], u[8];
    for (PetscInt d = 0; d < nin; d++) {
      x[d]       = uq->pde->lo[d] + 0.5 * (uq->pde->hi[d] - uq->pde->lo[d]);
      x[nin + d] = uq->pde->lo[d] + 0.75 * (uq->pde->hi[d] - uq->pde->lo[d]);
    }
    PetscCall(NbPINNEvaluate(h->chain, 2, x, u));
    q[0] = u[0];
    q[1] = u[uq->pde->nout];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run_HMC(NbUQ uq)
{
  UQHMC           *h = (UQHMC *)uq->data;
  MPI_Comm         ccomm;
  PetscInt64       nres, nic, nbc, ndata;
  PetscInt         nloc, nsamp, keep, nchains, mine;
  const PetscInt  *chains;
  const PetscReal *samples;
  PetscMPIInt      crank;

  PetscFunctionBegin;
  PetscCall(NbHMCSetDimension(h->hmc, uq->np));
  PetscCall(NbHMCSetLogDensity(h->hmc, LogDensity, uq));
  PetscCall(NbHMCSetInitialState(h->hmc, Init, uq));
  PetscCall(NbHMCSetMonitor(h->hmc, uq->inverse ? uq->pde->ncoef : 2, Monitored, uq));
  PetscCall(NbHMCSetUp(h->hmc));
  PetscCall(NbHMCGetChainComm(h->hmc, &ccomm));
  PetscCall(NbUQMakePINN_Private(uq, ccomm, uq->seed + 101, -1, 0, &h->chain));
  PetscCall(NbPINNDisableCheckpoints(h->chain, "-uq hmc")); /* the chains' state is not saved yet */
  PetscCall(NbPINNSetUp(h->chain));
  /* likelihood weights: sum over points of |misfit|^2 / (2 sigma^2). The
     default residual scale makes the posterior's data terms the PINN's own
     loss (mean r^2 + mean |u - g|^2, equal weights) times
     (nic + nbc)/(2 sigma_bc^2), so its mode is the trained PINN. A residual
     scale equal to sigma_bc instead weighs the 10,000 residual points 100x
     more than the 100 initial/boundary ones, and the chains trade the
     initial data for a smaller residual (measured, forward Burgers, 1%
     noise: error of the mean 0.25 with sigma_res = 0.01, 1.5e-2 with 0.1) */
  PetscCall(NbPINNGetPointCounts(h->chain, &nres, &nic, &nbc, &ndata));
  if (h->sig_res == 0) h->sig_res = nic + nbc > 0 ? h->sig_bc * PetscSqrtReal((PetscReal)nres / (PetscReal)(nic + nbc)) : h->sig_bc;
  PetscCall(NbPINNSetLossWeights(h->chain, nres / (2 * h->sig_res * h->sig_res), nic / (2 * h->sig_bc * h->sig_bc), nbc / (2 * h->sig_bc * h->sig_bc), ndata / (2 * h->sig_data * h->sig_data)));
  PetscCall(NbHMCRun(h->hmc));
  /* keep -uq_samples evenly spaced draws per chain for prediction */
  PetscCall(NbHMCGetSamples(h->hmc, &nloc, &chains, &nsamp, &samples));
  PetscCallMPI(MPI_Comm_rank(ccomm, &crank));
  mine = crank == 0 ? nloc : 0; /* each chain counted once, by its group's first rank */
  PetscCall(MPIU_Allreduce(&mine, &nchains, 1, MPIU_INT, MPI_SUM, uq->comm));
  keep     = PetscMin(h->samples, nsamp);
  uq->nnet = nchains * keep;
  PetscCall(PetscCalloc1((size_t)uq->nnet * uq->np, &uq->params));
  if (crank == 0)
    for (PetscInt lc = 0; lc < nloc; lc++)
      for (PetscInt s = 0; s < keep; s++) PetscCall(PetscArraycpy(uq->params + ((size_t)chains[lc] * keep + s) * uq->np, samples + ((size_t)lc * nsamp + (s * nsamp) / keep) * uq->np, uq->np));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, uq->params, (PetscMPIInt)(uq->nnet * uq->np), MPIU_REAL, MPIU_SUM, uq->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_HMC(NbUQ uq, NbReport rep)
{
  UQHMC    *h = (UQHMC *)uq->data;
  PetscReal acc, eps;
  PetscInt  div, nq = uq->inverse ? uq->pde->ncoef : 2;
  char      buf[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "HMC, %d draws used for prediction", (int)uq->nnet));
  PetscCall(NbReportAddString(rep, "UQ method", buf));
  PetscCall(NbHMCGetStatistics(h->hmc, &acc, &div, &eps));
  PetscCall(NbReportAddReal(rep, "HMC acceptance rate", "%.3f", acc));
  PetscCall(NbReportAddInt(rep, "HMC divergent transitions", div));
  PetscCall(NbReportAddReal(rep, "HMC step size", "%.3e", eps));
  PetscCall(NbReportAddReal(rep, "HMC residual noise scale (-uq_sigma_res)", "%.4g", h->sig_res));
  for (PetscInt k = 0; k < nq; k++) {
    NbHMCSummary sum;
    char         key[64];
    PetscCall(NbHMCGetSummary(h->hmc, k, &sum));
    PetscCall(PetscSNPrintf(key, sizeof(key), "HMC %s: mean, sd, R-hat, ESS", uq->inverse ? uq->pde->coefname[k] : (k ? "u at 3/4 point" : "u at centre")));
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "%.6g, %.3g, %.4f, %.0f", (double)sum.mean, (double)sum.sd, (double)sum.rhat, (double)sum.ess));
    PetscCall(NbReportAddString(rep, key, buf));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_HMC(NbUQ uq)
{
  UQHMC *h = (UQHMC *)uq->data;

  PetscFunctionBegin;
  PetscCall(NbPINNDestroy(&h->chain));
  PetscCall(NbHMCDestroy(&h->hmc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQCreate_HMC(NbUQ uq)
{
  /* sig_res 0: from sig_bc and the point counts */
  static const UQHMC   defaults = {.samples = 100, .sig_res = 0, .sig_bc = 0.01, .sig_data = 0.01, .sig_prior = 1, .pretrain = 2000};
  static const NbUQOps ops      = {.destroy = Destroy_HMC, .setfromoptions = SetFromOptions_HMC, .setup = SetUp_HMC, .run = Run_HMC, .report = Report_HMC};

  return NbHeadSetTypeData(uq, &defaults, sizeof(defaults), &uq->ops, &ops, sizeof(ops));
}
