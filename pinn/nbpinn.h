/* nabla pinn: physics-informed neural networks.

   Samplers (NbSampler) choose the collocation points of a box domain
   (space-time for evolution problems). One interface, implementations in a
   registry (-pinn_sampler):
     uniform  fixed uniform random points (redrawn each round with -sampler_redraw)
     lhs      Latin hypercube (McKay, Beckman & Conover 1979)
     sobol    Sobol' sequence, Joe & Kuo (2008) direction numbers, up to 6 dimensions
     halton   Halton sequence (primes 2, 3, 5, 7, 11, 13)
     rad      residual-based adaptive distribution (Wu, Zhu, Tan, Kartha & Lu
              2023, CMAME 403:115671, eq. 2): each round, candidates drawn
              uniformly, points resampled with p ~ |r|^k / mean(|r|^k) + c
     rar      residual-based adaptive refinement (Lu et al. 2021, DeepXDE):
              each round, the candidates of largest |r| are added
     aas      adversarial adaptive sampling (Tang, Zhai, Wan & Yang 2023): a
              normalizing flow on the box trained to maximise E_p[r^2] minus
              a KL divergence to the uniform density (pinn/sampler_aas.c)
   A point set is global: point i is the same whatever the number of ranks,
   and each rank holds the block NbPartition gives it. Adaptive samplers
   need the residual at arbitrary points (NbSamplerSetResidual). */
#ifndef NBPINN_H
#define NBPINN_H

#include "nbnn.h"
#include "nbio.h"
#include "nbproblem.h"

typedef struct _p_NbSampler *NbSampler;

/* |r| (or any nonnegative indicator) at this rank's n points x (n x dim);
   collective over the sampler's communicator. */
typedef PetscErrorCode (*NbSamplerResidualFn)(PetscInt n, const PetscReal x[], PetscReal r[], void *ctx);

NB_CLASS_DECLARATIONS(NbSampler); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbSamplerCreate(MPI_Comm, NbSampler *);
/* The box [lo, hi] of dim coordinates and, optionally, their names ("x,t"). */
PETSC_EXTERN PetscErrorCode NbSamplerSetDomain(NbSampler, PetscInt dim, const PetscReal lo[], const PetscReal hi[]);
/* Global number of collocation points (the initial number for rar). */
PETSC_EXTERN PetscErrorCode NbSamplerSetNumPoints(NbSampler, PetscInt64 n);
PETSC_EXTERN PetscErrorCode NbSamplerSetSeed(NbSampler, PetscInt64 seed);
PETSC_EXTERN PetscErrorCode NbSamplerGetSeed(NbSampler, PetscInt64 *seed);
PETSC_EXTERN PetscErrorCode NbSamplerSetResidual(NbSampler, NbSamplerResidualFn, void *ctx);
/* -pinn_sampler <type>, -sampler_seed, and the type's options:
   -sampler_redraw (uniform), -rad_k, -rad_c, -rad_candidates,
   -rar_candidates, -rar_add */
PETSC_EXTERN PetscErrorCode NbSamplerSetFromOptions(NbSampler);
/* Draws the initial points (round 0). */
PETSC_EXTERN PetscErrorCode NbSamplerSetUp(NbSampler);
/* One adaptive round: rad resamples, rar adds points, uniform redraws if
   asked, lhs/sobol/halton keep their points. Collective. */
PETSC_EXTERN PetscErrorCode NbSamplerAdapt(NbSampler);
/* This rank's points (borrowed, n x dim, valid until the next Adapt), the
   global count and this rank's offset in the global set. */
PETSC_EXTERN PetscErrorCode NbSamplerGetPoints(NbSampler, PetscInt *n, const PetscReal *x[]);
PETSC_EXTERN PetscErrorCode NbSamplerGetGlobalInfo(NbSampler, PetscInt64 *nglobal, PetscInt64 *offset, PetscInt *round);
/* Largest number of points this rank can hold over the run (for graph capacities). */
PETSC_EXTERN PetscErrorCode NbSamplerGetMaxLocalPoints(NbSampler, PetscInt *);
/* Writes the current points (with the residual, when one is set) as the
   point cloud "collocation" of the output, tag = the round. */
PETSC_EXTERN PetscErrorCode NbSamplerWritePoints(NbSampler, NbOutput);
/* The sampler's state (round, points, the type's own: RAR's added points,
   AAS's flow and its optimizer) as items "sampler.*" of a checkpoint state;
   collective. SetState after NbSamplerSetUp, on any number of ranks. */
PETSC_EXTERN PetscErrorCode NbSamplerGetState(NbSampler, NbState);
PETSC_EXTERN PetscErrorCode NbSamplerSetState(NbSampler, NbState);
PETSC_EXTERN PetscErrorCode NbSamplerView(NbSampler, PetscViewer);
PETSC_EXTERN PetscErrorCode NbSamplerDestroy(NbSampler *);

/* aas only: the flow's density at this rank's n points (n x dim). */
PETSC_EXTERN PetscErrorCode NbSamplerAASDensity(NbSampler, PetscInt n, const PetscReal x[], PetscReal p[]);
/* Low-discrepancy points i = start .. start+n-1 of the unit cube (x: n x dim). */
PETSC_EXTERN PetscErrorCode NbSobolPoints(PetscInt dim, PetscInt64 start, PetscInt n, PetscReal x[]);
PETSC_EXTERN PetscErrorCode NbHaltonPoints(PetscInt dim, PetscInt64 start, PetscInt n, PetscReal x[]);

/* ------------------------------------------------------------------------
   NbPINN: a physics-informed network for a PDE given pointwise (NbPDE,
   solvers/nbproblem.h), trained over an MPI communicator with Adam, then
   L-BFGS (TAO), or Gauss-Newton / Levenberg-Marquardt on the residual rows
   (-pinn_optimizer gn|lm, ScaLAPACK). Loss = w_res mean|r|^2 + w_ic mean|u - u0|^2
   + w_bc mean|u - g|^2 [+ w_data mean|u - u_obs|^2] [+ interface terms],
   or with -pinn_bc hard the initial/boundary data built into the output.
   Types in a registry (-pinn_dd, "none" for the plain network):
     plain   one network, data parallel: every point set is split over the
             ranks by global index, one MPI_Allreduce of the gradient a step
             (Raissi, Perdikaris & Karniadakis 2019);
     xpinn   one network per cell of a space-time partition, cells on ranks,
             interface terms for the average solution and the continuity of
             the residual (Jagtap & Karniadakis 2020);
     cpinn   the same with continuity of the normal flux (Jagtap, Kharazmi &
             Karniadakis 2020; needs NbPDE.flux);
     fbpinn  overlapping subdomains, u = sum of window x network, windows a
             partition of unity (Moseley, Markham & Nissen-Meyer 2023).
   The decomposed types exchange parameters and gradients with neighbouring
   subdomains only (pinn/dd*.c, pinn/README-dd.md). Every type shares the
   options, the training loop, the monitor and the statistics below.

   USAGE
     NbPINNCreate(comm, &p); NbPINNSetPDE(p, pde);
     NbPINNSetFromOptions(p);          // -pinn_*, -pinn_dd_*, -pinn_sampler, -opt_*, -tao_*
     NbPINNSetObservations(p, N, x, u); // inverse problems
     NbPINNSetUp(p); NbPINNTrain(p);
     NbPINNEvaluate(p, n, x, u);       // collective */
typedef struct _p_NbPINN *NbPINN;

typedef enum {
  NB_PINN_TERM_RES,
  NB_PINN_TERM_IC,
  NB_PINN_TERM_BC,
  NB_PINN_TERM_DATA,
  NB_PINN_TERM_IF, /* interface terms (xpinn, cpinn) */
  NB_PINN_NTERMS
} NbPINNTerm;
PETSC_EXTERN const char *const NbPINNTermNames[];

typedef struct {
  PetscInt  adam_steps, lbfgs_iterations, rounds;
  PetscInt  nsub, nlocal;           /* subdomains in all and on this rank (1, 1 for plain) */
  PetscReal wall, loss, term[NB_PINN_NTERMS];
  PetscReal step_time, step_median; /* mean and median wall seconds per Adam step */
  PetscReal step_min;               /* the fastest Adam step (least disturbed on a shared machine) */
  PetscReal comm_time, comm_min;    /* of which in neighbour exchanges (mean; in the fastest step) */
} NbPINNStats;

/* Relative L2 error of the current network against a reference, for the
   monitor. Collective. */
typedef PetscErrorCode (*NbPINNErrorFn)(NbPINN, PetscReal *err, void *ctx);
/* Makes a configured PINN (type, PDE, options read; not set up) on comm:
   how ensembles and HMC chains get their networks. */
typedef PetscErrorCode (*NbPINNFactoryFn)(MPI_Comm comm, NbPINN *pinn, void *ctx);

NB_CLASS_DECLARATIONS(NbPINN); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbPINNCreate(MPI_Comm, NbPINN *);
PETSC_EXTERN PetscErrorCode NbPINNSetPDE(NbPINN, const NbPDE *);
PETSC_EXTERN PetscErrorCode NbPINNGetPDE(NbPINN, const NbPDE **);
/* -pinn_dd none|xpinn|cpinn|fbpinn, -pinn_width, -pinn_depth,
   -pinn_activation, -pinn_fourier, -pinn_fourier_sigma, -pinn_points,
   -pinn_boundary_points, -pinn_bc soft|hard, -pinn_w_res, -pinn_w_ic,
   -pinn_w_bc, -pinn_w_data, -pinn_adam_steps, -pinn_lr, -pinn_lbfgs_steps,
   -pinn_lbfgs_rounds, -pinn_optimizer lbfgs|gn|lm, -pinn_optimizer_steps,
   -pinn_blacs_grid, -pinn_resample_every, -pinn_seed, -pinn_data_seed,
   -pinn_inverse, -pinn_data_points, -pinn_noise, -pinn_dropout,
   -pinn_monitor, -pinn_view; the type's (-pinn_dd_*); the samplers'
   (-pinn_sampler, -sampler_*, -rad_*, -rar_*, -aas_*); -opt_* (Adam) and
   -tao_* (L-BFGS). All through the PINN's prefix. */
PETSC_EXTERN PetscErrorCode NbPINNSetFromOptions(NbPINN);
/* Programmatic versions of -pinn_seed, -pinn_dropout, -pinn_w_*, the step
   counts and -pinn_monitor (seed and dropout before SetUp; a negative
   monitor interval keeps the current one, label prefixes its lines). */
PETSC_EXTERN PetscErrorCode NbPINNSetSeed(NbPINN, PetscInt64);
PETSC_EXTERN PetscErrorCode NbPINNGetSeed(NbPINN, PetscInt64 *);
PETSC_EXTERN PetscErrorCode NbPINNSetDropout(NbPINN, PetscReal);
PETSC_EXTERN PetscErrorCode NbPINNSetLossWeights(NbPINN, PetscReal wres, PetscReal wic, PetscReal wbc, PetscReal wdata);
PETSC_EXTERN PetscErrorCode NbPINNSetTrainingSteps(NbPINN, PetscInt adam, PetscInt lbfgs);
PETSC_EXTERN PetscErrorCode NbPINNSetMonitor(NbPINN, PetscInt every, const char label[]);
/* randomize-then-optimize: this PINN fits its own noise draw of the data */
PETSC_EXTERN PetscErrorCode NbPINNSetDataPerturbation(NbPINN, PetscInt64 seed);
/* The inverse-problem settings: identify the coefficients, number of
   observations to draw, their relative noise and the data set's seed. */
PETSC_EXTERN PetscErrorCode NbPINNGetInverse(NbPINN, PetscBool *inverse, PetscInt *ndata, PetscReal *noise, PetscInt64 *dataseed);
PETSC_EXTERN PetscErrorCode NbPINNGetHard(NbPINN, PetscBool *);
/* Observations: the whole list on every rank, x (N x inputs), u (N x nout). */
PETSC_EXTERN PetscErrorCode NbPINNSetObservations(NbPINN, PetscInt64 N, const PetscReal x[], const PetscReal u[]);
PETSC_EXTERN PetscErrorCode NbPINNSetErrorMonitor(NbPINN, NbPINNErrorFn, void *ctx);
/* Point clouds of every sampling round go to out (may be NULL); on a
   non-finite loss the last good state is saved beside it. */
PETSC_EXTERN PetscErrorCode NbPINNSetOutput(NbPINN, NbOutput);
PETSC_EXTERN PetscErrorCode NbPINNSetUp(NbPINN);
PETSC_EXTERN PetscErrorCode NbPINNTrain(NbPINN);
/* For a PINN inside a method that cannot continue it from a checkpoint
   (an ensemble member, an HMC chain): -checkpoint and -restart are refused
   at set-up naming why, and a stop signal ends training without a file. */
PETSC_EXTERN PetscErrorCode NbPINNDisableCheckpoints(NbPINN, const char why[]);
/* The checkpoint and restart files from the options ("" when not given);
   and others in their place: fallback is where a stop signal saves the
   state when no -checkpoint was given, hint what the stopped run tells the
   user to pass to -restart (a method's base name for the files of its
   networks). */
PETSC_EXTERN PetscErrorCode NbPINNGetCheckpointFiles(NbPINN, const char *ckpt[], const char *restart[]);
PETSC_EXTERN PetscErrorCode NbPINNSetCheckpointFiles(NbPINN, const char ckpt[], const char restart[], const char fallback[], const char hint[]);
/* New initial parameters from seed and fresh optimizers; the point sets stay. */
PETSC_EXTERN PetscErrorCode NbPINNReinitialize(NbPINN, PetscInt64 seed);
/* u (n x nout) at this rank's n points x (n x inputs), anywhere in the box. Collective. */
PETSC_EXTERN PetscErrorCode NbPINNEvaluate(NbPINN, PetscInt n, const PetscReal x[], PetscReal u[]);
/* u at points offset..offset+n-1 of a global list of N (dropout masks then
   depend on the global index, not on the rank layout). Collective. */
PETSC_EXTERN PetscErrorCode NbPINNEvaluateGlobal(NbPINN, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[]);
/* MC dropout at evaluation: on/off, and new masks for the next pass. */
PETSC_EXTERN PetscErrorCode NbPINNSetEvaluationDropout(NbPINN, PetscBool);
PETSC_EXTERN PetscErrorCode NbPINNAdvanceDropout(NbPINN);
/* Fields the type adds to the output (aas_density, subdomain): their
   number and names, and their values at n points (n x nfields). Collective. */
PETSC_EXTERN PetscErrorCode NbPINNGetFields(NbPINN, PetscInt *nfields, const char *const *names[]);
PETSC_EXTERN PetscErrorCode NbPINNEvaluateFields(NbPINN, PetscInt n, const PetscReal x[], PetscReal v[]);
/* The global parameter vector (every trainable parameter once, in a fixed
   order; the same on every rank) and the gradient of the training loss in
   the same layout (grad may be NULL). Collective. */
PETSC_EXTERN PetscErrorCode NbPINNGetNumParameters(NbPINN, PetscInt *);
PETSC_EXTERN PetscErrorCode NbPINNGetParameters(NbPINN, PetscReal theta[]);
PETSC_EXTERN PetscErrorCode NbPINNSetParameters(NbPINN, const PetscReal theta[]);
PETSC_EXTERN PetscErrorCode NbPINNComputeLossGradient(NbPINN, PetscReal *loss, PetscReal grad[]);
/* The loss as a sum of squares over the ranks: this rank's *n residual
   rows (each term's pointwise residual times sqrt(weight / global count))
   and (J not NULL) their Jacobian, row-major over the parameters of
   NbPINNGetParameters; r NULL: *n only. One network (-pinn_dd none). Not
   collective. */
PETSC_EXTERN PetscErrorCode NbPINNComputeResidualJacobian(NbPINN, PetscInt *n, PetscReal r[], PetscReal J[]);
/* Global numbers of collocation, initial, boundary and observation points. */
PETSC_EXTERN PetscErrorCode NbPINNGetPointCounts(NbPINN, PetscInt64 *ncolloc, PetscInt64 *nic, PetscInt64 *nbc, PetscInt64 *ndata);
/* this rank's share of the initial and boundary values (after noise and perturbation) */
PETSC_EXTERN PetscErrorCode NbPINNGetBoundaryValues(NbPINN, PetscInt64 *NI, const PetscReal *uI[], PetscInt64 *NB, const PetscReal *uB[]);
PETSC_EXTERN PetscErrorCode NbPINNGetCoefficient(NbPINN, PetscInt k, PetscReal *);
PETSC_EXTERN PetscErrorCode NbPINNGetStats(NbPINN, NbPINNStats *);
/* The loss of every Adam step, then of every L-BFGS iteration (borrowed). */
PETSC_EXTERN PetscErrorCode NbPINNGetLossHistory(NbPINN, PetscInt *n, const PetscReal *loss[]);
/* Writes the loss history to the output (/history/loss, /history/loss_adam_steps). */
PETSC_EXTERN PetscErrorCode NbPINNWriteHistory(NbPINN, NbOutput);
/* The flat parameter buffer (distributed for the decomposed types). */
PETSC_EXTERN PetscErrorCode NbPINNGetModel(NbPINN, NbModel *);
PETSC_EXTERN PetscErrorCode NbPINNReport(NbPINN, NbReport);
PETSC_EXTERN PetscErrorCode NbPINNView(NbPINN, PetscViewer);
PETSC_EXTERN PetscErrorCode NbPINNDestroy(NbPINN *);

/* The plain type's collocation sampler (borrowed). */
PETSC_EXTERN PetscErrorCode NbPINNGetSampler(NbPINN, NbSampler *);

/* The decomposed types (xpinn, cpinn, fbpinn): subdomains in all and on this
   rank; the rank of a subdomain; a local subdomain's parameters (borrowed,
   writable between evaluations) and the gradient of the total loss with
   respect to them; the shared coefficients (inverse problems) and their
   gradient; the subdomain owning each of n points; fbpinn's windows at n
   points, w (n x nsub) and their first derivatives dw (n x nsub x inputs,
   may be NULL). */
PETSC_EXTERN PetscErrorCode NbPINNDDGetNumSubdomains(NbPINN, PetscInt *nsub, PetscInt *nlocal);
PETSC_EXTERN PetscErrorCode NbPINNDDGetSubdomainRank(NbPINN, PetscInt sub, PetscMPIInt *rank);
PETSC_EXTERN PetscErrorCode NbPINNDDGetSubdomainArrays(NbPINN, PetscInt sub, PetscInt *n, PetscReal **params, const PetscReal **grad);
PETSC_EXTERN PetscErrorCode NbPINNDDGetSharedArrays(NbPINN, PetscInt *n, PetscReal **params, const PetscReal **grad);
PETSC_EXTERN PetscErrorCode NbPINNDDGetSubdomain(NbPINN, PetscInt n, const PetscReal x[], PetscInt sub[]);
PETSC_EXTERN PetscErrorCode NbPINNDDEvaluateWindows(NbPINN, PetscInt n, const PetscReal x[], PetscReal w[], PetscReal dw[]);

#endif
