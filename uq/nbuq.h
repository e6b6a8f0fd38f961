/* nabla uq: uncertainty quantification spread over MPI ranks, and the
   metrics that judge an uncertainty estimate against a reference solution.

   HMC (NbHMC): Hamiltonian Monte Carlo over a flat parameter vector (a
   network's weights, plus nu and lambda for inverse problems). The world
   communicator is split into -hmc_chains rank groups, one chain per group
   (groups run several chains in turn when there are more chains than
   ranks); inside a chain every rank holds the whole parameter vector and
   the log-density callback is collective over the chain's communicator
   (data parallel: each rank sums its share of the data, then allreduce).
   Leapfrog integration, step size by dual averaging and a diagonal mass
   matrix estimated in warm-up (Hoffman & Gelman 2014, JMLR 15:1593, Alg. 5
   and sec. 3.2; Stan's windowed adaptation), split R-hat and effective
   sample size (Gelman et al., BDA3, 2013, sec. 11.4-11.5; Geyer 1992's
   initial monotone sequence). */
#ifndef NBUQ_H
#define NBUQ_H

#include <petscvec.h>
#include "nbsys.h"
#include "nbpinn.h"

/* log p(theta) up to a constant and its gradient; collective over comm. */
typedef PetscErrorCode (*NbLogDensityFn)(MPI_Comm comm, PetscInt n, const PetscReal theta[], PetscReal *logp, PetscReal grad[], void *ctx);
/* A chain's starting point. */
typedef PetscErrorCode (*NbHMCInitFn)(MPI_Comm comm, PetscInt chain, PetscInt n, PetscReal theta[], void *ctx);
/* Monitored quantities q(theta) (nq of them), stored for every sample and
   summarised with R-hat and ESS; e.g. nu, lambda, a prediction at a point. */
typedef PetscErrorCode (*NbHMCMonitorFn)(MPI_Comm comm, PetscInt n, const PetscReal theta[], PetscInt nq, PetscReal q[], void *ctx);

typedef struct _p_NbHMC *NbHMC;

typedef struct {
  PetscReal mean, sd, rhat, ess;
} NbHMCSummary;

PETSC_EXTERN PetscErrorCode NbHMCCreate(MPI_Comm, NbHMC *);
/* -hmc_chains, -hmc_samples, -hmc_warmup, -hmc_leapfrog_steps, -hmc_step_size
   (initial), -hmc_target_accept, -hmc_seed, -hmc_adapt_mass,
   -hmc_max_energy_error, -hmc_max_divergent (fraction), -hmc_monitor */
PETSC_EXTERN PetscErrorCode NbHMCSetFromOptions(NbHMC);
PETSC_EXTERN PetscErrorCode NbHMCSetDimension(NbHMC, PetscInt n);
PETSC_EXTERN PetscErrorCode NbHMCSetNumChains(NbHMC, PetscInt);
PETSC_EXTERN PetscErrorCode NbHMCSetNumSamples(NbHMC, PetscInt warmup, PetscInt samples);
PETSC_EXTERN PetscErrorCode NbHMCSetLogDensity(NbHMC, NbLogDensityFn, void *ctx);
PETSC_EXTERN PetscErrorCode NbHMCSetInitialState(NbHMC, NbHMCInitFn, void *ctx);
PETSC_EXTERN PetscErrorCode NbHMCSetMonitor(NbHMC, PetscInt nq, NbHMCMonitorFn, void *ctx);
/* Splits the communicator into chain groups; after this the chain
   communicator is available to build the model on. */
PETSC_EXTERN PetscErrorCode NbHMCSetUp(NbHMC);
PETSC_EXTERN PetscErrorCode NbHMCGetChainComm(NbHMC, MPI_Comm *);
PETSC_EXTERN PetscErrorCode NbHMCRun(NbHMC);
/* This rank's chains and their kept samples: theta of sample s of local
   chain c at samples[(c * nsamples + s) * n]. Borrowed. */
PETSC_EXTERN PetscErrorCode NbHMCGetSamples(NbHMC, PetscInt *nlocalchains, const PetscInt *chains[], PetscInt *nsamples, const PetscReal *samples[]);
/* Summary of monitored quantity k over all chains (collective). */
PETSC_EXTERN PetscErrorCode NbHMCGetSummary(NbHMC, PetscInt k, NbHMCSummary *);
/* Acceptance rate (mean Metropolis acceptance probability of the kept
   samples), divergent transitions, final step size; over all chains. */
PETSC_EXTERN PetscErrorCode NbHMCGetStatistics(NbHMC, PetscReal *accept, PetscInt *divergent, PetscReal *stepsize);
PETSC_EXTERN PetscErrorCode NbHMCView(NbHMC, PetscViewer);
PETSC_EXTERN PetscErrorCode NbHMCDestroy(NbHMC *);

/* Split R-hat and effective sample size of m chains of n draws each
   (draws[c * n + i]); BDA3 sec. 11.4-11.5. */
PETSC_EXTERN PetscErrorCode NbSplitRhat(PetscInt m, PetscInt n, const PetscReal draws[], PetscReal *rhat);
PETSC_EXTERN PetscErrorCode NbEffectiveSampleSize(PetscInt m, PetscInt n, const PetscReal draws[], PetscReal *ess);

/* ------------------------------------------------------------------------
   Judging a predictive distribution against a reference field. The
   prediction at each point is Gaussian N(mean, std^2) (ensembles, MC
   dropout and HMC all report mean and std; Lakshminarayanan et al. 2017).
   All vectors share a layout; collective. */
typedef struct {
  PetscReal rel_l2;         /* ||mean - ref|| / ||ref|| */
  PetscReal coverage95;     /* fraction of points with ref in mean +- 1.95996 std */
  PetscReal crps;           /* mean CRPS of N(mean, std^2) at ref (Gneiting & Raftery 2007, eq. 21) */
  PetscReal nll;            /* mean Gaussian negative log-likelihood of ref */
  PetscReal mean_std;       /* mean predicted std */
  PetscReal nominal[10];    /* calibration: central-interval levels 0.1, 0.2, ..., 0.9, 0.95 */
  PetscReal observed[10];   /* fraction of points inside each interval */
} NbUQMetrics;

PETSC_EXTERN PetscErrorCode NbUQComputeMetrics(Vec mean, Vec std, Vec ref, NbUQMetrics *);
/* Standard normal quantile (inverse CDF), |error| < 1e-9 (Acklam's rational
   approximation with one Newton refinement). */
PETSC_EXTERN PetscReal NbNormalQuantile(PetscReal p);

/* ------------------------------------------------------------------------
   NbUQ: the uncertainty of a PINN, one method per type (registry, -uq):
     ensemble   deep ensembles (Lakshminarayanan, Pritzel & Blundell 2017):
                -uq_members M networks differing in initialisation seed and
                collocation draw (and, with -pinn_noise, in their own noise
                draw on the data: randomize-then-optimize), on rank groups
                (MPI_Comm_split; members run in turn when M exceeds the
                ranks), each data-parallel or decomposed inside;
     mcdropout  MC dropout (Gal & Ghahramani 2016): one network trained with
                dropout -uq_dropout p after every hidden layer, predicted with
                -uq_samples T stochastic passes;
     hmc        Hamiltonian Monte Carlo over the weights (and nu, lambda in
                inverse runs): log posterior = -sum_i r_i^2/(2 s_r^2)
                - sum |u - g|^2/(2 s_b^2) - sum |u - u_obs|^2/(2 s_d^2)
                - |theta|^2/(2 s_p^2), chains started from a short
                optimisation (NbHMC, -hmc_* options).
   Every network comes from a factory (NbPINNFactoryFn): a PINN of the
   problem configured by the user's -pinn_ options, so members and chains
   are PINNs of any type, made on their own communicators. Predictions are
   Gaussian (mean, std) per point and output component, computed with every
   network's global parameter vector on every rank, so they do not depend
   on how members or chains were laid over the ranks. */
typedef struct _p_NbUQ *NbUQ;

NB_CLASS_DECLARATIONS(NbUQ); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbUQCreate(MPI_Comm, NbUQ *);
PETSC_EXTERN PetscErrorCode NbUQSetFactory(NbUQ, NbPINNFactoryFn, void *ctx);
/* Observations (inverse runs): the whole list, identical on every rank;
   after NbUQSetUp. */
PETSC_EXTERN PetscErrorCode NbUQSetObservations(NbUQ, PetscInt64 N, const PetscReal x[], const PetscReal u[]);
/* -uq ensemble|mcdropout|hmc and the type's -uq_ options (-uq_members,
   -uq_perturb_data; -uq_dropout, -uq_samples; -uq_sigma_res, -uq_sigma_bc,
   -uq_sigma_data, -uq_prior_sigma, -uq_hmc_pretrain, -uq_hmc_pretrain_lbfgs
   and -hmc_*). */
PETSC_EXTERN PetscErrorCode NbUQSetFromOptions(NbUQ);
/* Makes the evaluation network through the factory and sets it up (every
   option of the networks is read here) and the type's objects. */
PETSC_EXTERN PetscErrorCode NbUQSetUp(NbUQ);
/* The PINN that evaluates the networks (PETSC_COMM_SELF; borrowed). */
PETSC_EXTERN PetscErrorCode NbUQGetPINN(NbUQ, NbPINN *);
/* Trains the members / the dropout network / runs the chains. */
PETSC_EXTERN PetscErrorCode NbUQRun(NbUQ);
/* mean and std (n x nout) at points offset..offset+n-1 of a global list of N
   (x: n x inputs); collective; independent of the rank layout. */
PETSC_EXTERN PetscErrorCode NbUQPredict(NbUQ, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal mean[], PetscReal std[]);
/* Samples of coefficient k (members, chain draws; one point estimate for
   mcdropout), on every rank (borrowed). */
PETSC_EXTERN PetscErrorCode NbUQGetCoefficientSamples(NbUQ, PetscInt k, PetscInt *n, const PetscReal *s[]);
PETSC_EXTERN PetscErrorCode NbUQReport(NbUQ, NbReport);
/* /history/calibration_nominal, calibration_observed and (inverse) <coef>_samples */
PETSC_EXTERN PetscErrorCode NbUQWriteHistories(NbUQ, NbOutput, const NbUQMetrics *);
PETSC_EXTERN PetscErrorCode NbUQView(NbUQ, PetscViewer);
PETSC_EXTERN PetscErrorCode NbUQDestroy(NbUQ *);

#endif
