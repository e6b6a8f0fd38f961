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
#include "nbsolvers.h"

typedef struct _p_NbSampler *NbSampler;

/* |r| (or any nonnegative indicator) at this rank's n points x (n x dim);
   collective over the sampler's communicator. */
typedef PetscErrorCode (*NbSamplerResidualFn)(PetscInt n, const PetscReal x[], PetscReal r[], void *ctx);

PETSC_EXTERN PetscErrorCode NbSamplerRegister(const char name[], PetscErrorCode (*create)(NbSampler));
PETSC_EXTERN PetscErrorCode NbSamplerCreate(MPI_Comm, NbSampler *);
PETSC_EXTERN PetscErrorCode NbSamplerSetType(NbSampler, const char type[]);
PETSC_EXTERN PetscErrorCode NbSamplerGetType(NbSampler, const char *type[]);
PETSC_EXTERN PetscErrorCode NbSamplerSetOptionsPrefix(NbSampler, const char prefix[]);
/* The box [lo, hi] of dim coordinates and, optionally, their names ("x,t"). */
PETSC_EXTERN PetscErrorCode NbSamplerSetDomain(NbSampler, PetscInt dim, const PetscReal lo[], const PetscReal hi[]);
/* Global number of collocation points (the initial number for rar). */
PETSC_EXTERN PetscErrorCode NbSamplerSetNumPoints(NbSampler, PetscInt64 n);
PETSC_EXTERN PetscErrorCode NbSamplerSetSeed(NbSampler, PetscInt64 seed);
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
PETSC_EXTERN PetscErrorCode NbSamplerView(NbSampler, PetscViewer);
PETSC_EXTERN PetscErrorCode NbSamplerDestroy(NbSampler *);

/* aas only: the flow's density at this rank's n points (n x dim). */
PETSC_EXTERN PetscErrorCode NbSamplerAASDensity(NbSampler, PetscInt n, const PetscReal x[], PetscReal p[]);
/* Low-discrepancy points i = start .. start+n-1 of the unit cube (x: n x dim). */
PETSC_EXTERN PetscErrorCode NbSobolPoints(PetscInt dim, PetscInt64 start, PetscInt n, PetscReal x[]);
PETSC_EXTERN PetscErrorCode NbHaltonPoints(PetscInt dim, PetscInt64 start, PetscInt n, PetscReal x[]);

/* ------------------------------------------------------------------------
   NbPINN: a physics-informed network u(x[, y], t) for a problem described by
   an NbPINNProblem, trained data-parallel over the communicator with Adam
   then L-BFGS (TAO). Loss = w_res mean|r|^2 + w_ic mean|u - u0|^2
   + w_bc mean|u - g|^2 [+ w_data mean|u - u_obs|^2], or with -pinn_bc hard
   the initial/boundary data built into the output. */
typedef struct _p_NbPINN *NbPINN;

#define NB_PINN_MAXCOEF 4
/* What a PDE contributes, written once per problem (pointwise on jets). */
typedef struct {
  const char *name;
  PetscInt    dim;    /* space dimension; network inputs are (x[, y], t) */
  PetscBool   steady; /* no time: inputs are (x[, y]) and there is no initial condition */
  PetscInt    nout;   /* network outputs */
  const char *coords; /* input names, e.g. "x,t" */
  const char *derivs; /* jet derivatives the residual needs, e.g. "x,t,xx" */
  const char *outnames[4];
  PetscReal   lo[4], hi[4]; /* the space-time box, time last (space only when steady) */
  /* PDE coefficients (nu, lambda, ...), fixed in forward runs, trainable
     in inverse runs; positive ones are trained through their logarithm */
  PetscInt    ncoef;
  const char *coefname[NB_PINN_MAXCOEF];
  PetscReal   coef[NB_PINN_MAXCOEF];
  PetscBool   coefpositive[NB_PINN_MAXCOEF];
  /* residual tensors from the output jet U (nout columns) and the
     coefficients (1 x 1 tensors) */
  PetscErrorCode (*residual)(void *ctx, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[]);
  /* hard constraint u = A(X) + B(X) N from the inputs X (a jet or plain)
     and the raw network output N; NULL when the problem has none */
  PetscErrorCode (*hard)(void *ctx, NbTensor X, NbTensor N, NbTensor *U);
  /* initial data (x: dim coordinates) and boundary data */
  PetscErrorCode (*initial)(void *ctx, const PetscReal x[], PetscReal u[]);
  PetscErrorCode (*boundary)(void *ctx, PetscReal t, const PetscReal x[], PetscReal u[]);
  void *ctx;
} NbPINNProblem;

typedef struct {
  PetscInt  adam_steps, lbfgs_iterations, rounds;
  PetscReal wall, loss, loss_res, loss_ic, loss_bc, loss_data;
} NbPINNStats;

PETSC_EXTERN PetscErrorCode NbPINNCreate(MPI_Comm, NbPINN *);
PETSC_EXTERN PetscErrorCode NbPINNSetProblem(NbPINN, const NbPINNProblem *);
/* -pinn_width, -pinn_depth, -pinn_activation, -pinn_fourier, -pinn_fourier_sigma,
   -pinn_points, -pinn_boundary_points, -pinn_bc soft|hard, -pinn_w_res,
   -pinn_w_ic, -pinn_w_bc, -pinn_w_data, -pinn_adam_steps, -pinn_lr,
   -pinn_lbfgs_steps, -pinn_resample_every, -pinn_seed, -pinn_inverse,
   -pinn_noise, -pinn_data_seed, -pinn_dropout, -pinn_monitor,
   -pinn_sampler ... (NbSampler), -tao_* */
PETSC_EXTERN PetscErrorCode NbPINNSetFromOptions(NbPINN);
/* Programmatic versions of -pinn_seed, -pinn_dropout and -pinn_w_* (before SetUp). */
PETSC_EXTERN PetscErrorCode NbPINNSetSeed(NbPINN, PetscInt64);
PETSC_EXTERN PetscErrorCode NbPINNSetDataPerturbation(NbPINN, PetscInt64 seed); /* randomize-then-optimize: its own noise draw on the data */
PETSC_EXTERN PetscErrorCode NbPINNGetBoundaryValues(NbPINN, PetscInt *nI, const PetscReal *uI[], PetscInt *nB, const PetscReal *uB[]);
PETSC_EXTERN PetscErrorCode NbPINNSetDropout(NbPINN, PetscReal);
/* Loss weights; also after SetUp (the compiled loss is updated). */
PETSC_EXTERN PetscErrorCode NbPINNSetLossWeights(NbPINN, PetscReal wres, PetscReal wic, PetscReal wbc, PetscReal wdata);
PETSC_EXTERN PetscErrorCode NbPINNSetTrainingSteps(NbPINN, PetscInt adam, PetscInt lbfgs);
PETSC_EXTERN PetscErrorCode NbPINNGetInverse(NbPINN, PetscBool *);
PETSC_EXTERN PetscErrorCode NbPINNGetNoise(NbPINN, PetscReal *);
PETSC_EXTERN PetscErrorCode NbPINNGetSeed(NbPINN, PetscInt64 *);
/* Observations: this rank's n points x (n x (dim+1)) with values u (n x nout). */
PETSC_EXTERN PetscErrorCode NbPINNSetData(NbPINN, PetscInt n, const PetscReal x[], const PetscReal u[]);
/* The same from the whole list (N points, identical on every rank): each rank keeps its NbPartition block. */
PETSC_EXTERN PetscErrorCode NbPINNSetDataGlobal(NbPINN, PetscInt64 N, const PetscReal x[], const PetscReal u[]);
/* Relative L2 error of the current network against a reference, for the
   monitor (-pinn_monitor). Collective. */
typedef PetscErrorCode (*NbPINNErrorFn)(NbPINN, PetscReal *err, void *ctx);
PETSC_EXTERN PetscErrorCode NbPINNSetErrorMonitor(NbPINN, NbPINNErrorFn, void *ctx);
/* Point clouds of every sampling round go to out (may be NULL); on a
   non-finite loss the last good state is saved beside it. */
PETSC_EXTERN PetscErrorCode NbPINNSetOutput(NbPINN, NbOutput);
PETSC_EXTERN PetscErrorCode NbPINNSetUp(NbPINN);
PETSC_EXTERN PetscErrorCode NbPINNTrain(NbPINN);
/* New initial parameters from seed and a fresh optimizer; the point sets stay. */
PETSC_EXTERN PetscErrorCode NbPINNReinitialize(NbPINN, PetscInt64 seed);
/* u (n x nout) at this rank's n points x (n x (dim+1)). */
PETSC_EXTERN PetscErrorCode NbPINNEvaluate(NbPINN, PetscInt n, const PetscReal x[], PetscReal u[]);
/* u at points offset..offset+n-1 of a global list of N (for dropout masks
   that depend on the global index, hence on no rank layout). Collective. */
PETSC_EXTERN PetscErrorCode NbPINNEvaluateGlobal(NbPINN, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[]);
/* MC dropout at evaluation: on/off, and new masks for the next pass. */
PETSC_EXTERN PetscErrorCode NbPINNSetEvaluationDropout(NbPINN, PetscBool);
PETSC_EXTERN PetscErrorCode NbPINNAdvanceDropout(NbPINN);
/* The training loss and its gradient (in the model's gradient buffer) at the current parameters. */
PETSC_EXTERN PetscErrorCode NbPINNComputeLossGradient(NbPINN, PetscReal *loss);
/* Global numbers of collocation, initial, boundary and observation points. */
PETSC_EXTERN PetscErrorCode NbPINNGetPointCounts(NbPINN, PetscInt64 *ncolloc, PetscInt64 *nic, PetscInt64 *nbc, PetscInt64 *ndata);
PETSC_EXTERN PetscErrorCode NbPINNGetCoefficient(NbPINN, PetscInt k, PetscReal *);
PETSC_EXTERN PetscErrorCode NbPINNGetStats(NbPINN, NbPINNStats *);
/* The loss of every Adam step, then of every L-BFGS iteration (borrowed). */
PETSC_EXTERN PetscErrorCode NbPINNGetLossHistory(NbPINN, PetscInt *n, const PetscReal *loss[]);
/* Writes the loss history to the output (/history/loss, /history/loss_adam_steps). */
PETSC_EXTERN PetscErrorCode NbPINNWriteHistory(NbPINN, NbOutput);
PETSC_EXTERN PetscErrorCode NbPINNGetModel(NbPINN, NbModel *);
PETSC_EXTERN PetscErrorCode NbPINNGetSampler(NbPINN, NbSampler *);
PETSC_EXTERN PetscErrorCode NbPINNReport(NbPINN, NbReport);
PETSC_EXTERN PetscErrorCode NbPINNView(NbPINN, PetscViewer);
PETSC_EXTERN PetscErrorCode NbPINNDestroy(NbPINN *);

/* Burgers (solvers/nbsolvers.h) as a PINN problem: residual
   u_t + lambda u u_x - nu u_xx on jets (2-D: both components), coefficients
   nu (positive) and lambda = 1, hard constraint in 1-D. */
PETSC_EXTERN PetscErrorCode NbBurgersPINNProblem(NbBurgers, NbPINNProblem *);
/* nabla-burgers -method pinn: reference solve, PINN training, both written
   (u_pinn, u_pinn_err per frame, collocation points per round) and
   reported side by side. */
PETSC_EXTERN PetscErrorCode NbBurgersRunPINN(NbBurgers, NbOutput, NbReport);

/* ==========================================================================
   Domain-decomposed PINNs (issue 7; code in pinn/dd*.c, described in
   pinn/README-dd.md). This section is owned by the dd work.

   NbDDPINN: one network per cell of a tensor partition of the space-time
   box (-pinn_dd_parts px[,py],pt), the same NbPINNProblem (residual written
   once), one NbSampler per subdomain, cells dealt to ranks in contiguous
   blocks (one per rank when the counts match, several otherwise). Variants
   in a registry (-pinn_dd):
     xpinn   Jagtap & Karniadakis (2020): interface terms for the average
             solution and the continuity of the residual
     cpinn   Jagtap, Kharazmi & Karniadakis (2020): average solution and
             continuity of the normal flux (needs NbDDPINNSetFlux)
     fbpinn  Moseley, Markham & Nissen-Meyer (2023): overlapping supports,
             u = sum of window x network, windows a partition of unity, no
             interface terms
   Neighbours exchange network parameters and gradient contributions point
   to point (MPI_Neighbor_alltoallv) every evaluation; the loss and the
   gradient of shared coefficients are one MPI_Allreduce of a few numbers.
   ========================================================================== */
typedef struct _p_NbDDPINN *NbDDPINN;

/* The normal flux of a conservation law u_t + div f(u) = 0 across a face
   normal to space axis `axis` (cPINN): nout columns from the output jet U
   and the coefficients. (Across a face normal to time the flux is u.) */
typedef PetscErrorCode (*NbDDPINNFluxFn)(void *ctx, NbTensor U, const NbTensor coef[], PetscInt axis, NbTensor *F);

typedef struct {
  PetscInt  adam_steps, lbfgs_iterations, rounds;
  PetscInt  nsub, nlocal;   /* subdomains in all, on this rank */
  PetscReal wall, loss, loss_res, loss_ic, loss_bc, loss_data, loss_if;
  PetscReal step_time;      /* mean wall seconds per Adam step */
  PetscReal comm_time;      /* of which in neighbour exchanges and the loss allreduce */
  PetscReal step_median;    /* median wall seconds per Adam step */
  PetscReal step_min;       /* the fastest Adam step (least disturbed on a shared machine) */
  PetscReal comm_min;       /* communication in that step */
} NbDDPINNStats;

PETSC_EXTERN PetscErrorCode NbDDPINNRegister(const char name[], PetscErrorCode (*create)(NbDDPINN));
PETSC_EXTERN PetscErrorCode NbDDPINNCreate(MPI_Comm, NbDDPINN *);
PETSC_EXTERN PetscErrorCode NbDDPINNSetType(NbDDPINN, const char type[]);
PETSC_EXTERN PetscErrorCode NbDDPINNGetType(NbDDPINN, const char *type[]);
PETSC_EXTERN PetscErrorCode NbDDPINNSetProblem(NbDDPINN, const NbPINNProblem *);
PETSC_EXTERN PetscErrorCode NbDDPINNSetFlux(NbDDPINN, NbDDPINNFluxFn, void *ctx);
/* -pinn_dd xpinn|cpinn|fbpinn, -pinn_dd_parts px[,py],pt, -pinn_dd_points
   (per subdomain; default -pinn_points / subdomains), -pinn_dd_width and
   -pinn_dd_depth (one value, or one per subdomain; default -pinn_width,
   -pinn_depth), -pinn_dd_interface_points, -pinn_dd_w_avg,
   -pinn_dd_w_ifres, -pinn_dd_w_flux, -pinn_dd_overlap, -pinn_dd_view; and
   NbPINN's -pinn_* options, which mean the same here */
PETSC_EXTERN PetscErrorCode NbDDPINNSetFromOptions(NbDDPINN);
PETSC_EXTERN PetscErrorCode NbDDPINNGetInverse(NbDDPINN, PetscBool *);
PETSC_EXTERN PetscErrorCode NbDDPINNGetNoise(NbDDPINN, PetscReal *);
PETSC_EXTERN PetscErrorCode NbDDPINNGetSeed(NbDDPINN, PetscInt64 *);
/* Observations: this rank's n points x (n x (dim+1)), values u (n x nout),
   anywhere in the box; SetUp sends each to the rank of its subdomain. */
PETSC_EXTERN PetscErrorCode NbDDPINNSetData(NbDDPINN, PetscInt n, const PetscReal x[], const PetscReal u[]);
PETSC_EXTERN PetscErrorCode NbDDPINNSetErrorMonitor(NbDDPINN, PetscErrorCode (*)(NbDDPINN, PetscReal *, void *), void *ctx);
/* Collocation points of every round (with a subdomain field) go to out. */
PETSC_EXTERN PetscErrorCode NbDDPINNSetOutput(NbDDPINN, NbOutput);
PETSC_EXTERN PetscErrorCode NbDDPINNSetUp(NbDDPINN);
PETSC_EXTERN PetscErrorCode NbDDPINNTrain(NbDDPINN);
/* One evaluation of the total loss and of its gradient (what every training
   step does); collective. The gradient is read per subdomain below. */
PETSC_EXTERN PetscErrorCode NbDDPINNComputeLossGradient(NbDDPINN, PetscReal *loss);
/* A local subdomain's parameters (borrowed, writable between evaluations)
   and the gradient of the total loss with respect to them. */
PETSC_EXTERN PetscErrorCode NbDDPINNGetSubdomainArrays(NbDDPINN, PetscInt sub, PetscInt *n, PetscReal **params, const PetscReal **grad);
/* The shared coefficients (inverse problems: log nu, lambda; NbPINN's
   parametrisation), the same on every rank, and their gradient. */
PETSC_EXTERN PetscErrorCode NbDDPINNGetSharedArrays(NbDDPINN, PetscInt *n, PetscReal **params, const PetscReal **grad);
PETSC_EXTERN PetscErrorCode NbDDPINNGetNumSubdomains(NbDDPINN, PetscInt *nsub, PetscInt *nlocal);
PETSC_EXTERN PetscErrorCode NbDDPINNGetSubdomainRank(NbDDPINN, PetscInt sub, PetscMPIInt *rank);
/* The subdomain owning each of n points (no communication). */
PETSC_EXTERN PetscErrorCode NbDDPINNGetSubdomain(NbDDPINN, PetscInt n, const PetscReal x[], PetscInt sub[]);
/* u (n x nout) at this rank's n points x (n x (dim+1)), anywhere in the
   box: the owner's network (xpinn, cpinn) or the sum of the windowed
   networks (fbpinn). Collective (points travel to their owners). */
PETSC_EXTERN PetscErrorCode NbDDPINNEvaluate(NbDDPINN, PetscInt n, const PetscReal x[], PetscReal u[]);
/* fbpinn: every subdomain's window at n points, w (n x nsub), and its
   first derivatives dw (n x nsub x (dim+1), may be NULL); local. */
PETSC_EXTERN PetscErrorCode NbDDPINNEvaluateWindows(NbDDPINN, PetscInt n, const PetscReal x[], PetscReal w[], PetscReal dw[]);
PETSC_EXTERN PetscErrorCode NbDDPINNGetCoefficient(NbDDPINN, PetscInt k, PetscReal *);
PETSC_EXTERN PetscErrorCode NbDDPINNGetStats(NbDDPINN, NbDDPINNStats *);
PETSC_EXTERN PetscErrorCode NbDDPINNGetLossHistory(NbDDPINN, PetscInt *n, const PetscReal *loss[]);
PETSC_EXTERN PetscErrorCode NbDDPINNWriteHistory(NbDDPINN, NbOutput);
PETSC_EXTERN PetscErrorCode NbDDPINNReport(NbDDPINN, NbReport);
PETSC_EXTERN PetscErrorCode NbDDPINNView(NbDDPINN, PetscViewer);
PETSC_EXTERN PetscErrorCode NbDDPINNDestroy(NbDDPINN *);

/* Burgers' flux lambda u^2/2 - nu u_x (1-D) for cPINN (ctx: the NbBurgers). */
PETSC_EXTERN PetscErrorCode NbBurgersPINNFlux(void *ctx, NbTensor U, const NbTensor coef[], PetscInt axis, NbTensor *F);
/* nabla-burgers -method pinn -pinn_dd <type>: like NbBurgersRunPINN, with
   a domain-decomposed PINN; adds the field "subdomain" to every frame. */
PETSC_EXTERN PetscErrorCode NbBurgersRunDDPINN(NbBurgers, NbOutput, NbReport);
/* ======================================================= end of the dd section */

/* ==========================================================================
   Navier-Stokes PINNs (issue 5; code in pinn/ns_pinn.c, described in
   examples/navierstokes/README.md, "PINN"). This section is owned by the NS
   PINN work.

   Velocity-pressure formulation, outputs (u, v, p), residuals
   lambda1 (u.grad)u + grad p - nu Lap u [+ u_t] and div u on jets,
   coefficients nu (positive) and lambda1 (1 in forward runs). Cases:
   kovasznay (steady, soft conditions with the exact (u, v, p) on the box),
   cavity (steady, hard constraint: sharp lid and no-slip walls built into
   the output together with the Stokes corner flows, pressure free), taylorgreen (space-time, soft conditions: the
   exact solution on the box and at t = 0).
   ========================================================================== */
/* The PINN problem of ns's case (ctx: ns). */
PETSC_EXTERN PetscErrorCode NbNavierStokesPINNProblem(NbNavierStokes, NbPINNProblem *);
/* Checks the case and the options a PINN run can use, and makes -pinn_bc
   hard the default for the cavity (in the options database, so every
   NbPINN made afterwards sees it). Collective. */
PETSC_EXTERN PetscErrorCode NbNavierStokesPINNCheckOptions(NbNavierStokes);
/* N observations (u, v, p at random cell centres of the reference frames;
   steady: the one frame, else the frames after t = 0), plus Gaussian noise
   of noise x each component's RMS; the whole list on every rank, x (N x
   (2 or 3)) and u (N x 3) allocated with PetscMalloc2. Pressure in the
   gauge of the exact solution where there is one, else with zero mean. */
PETSC_EXTERN PetscErrorCode NbNavierStokesPINNObservations(NbNavierStokes, PetscInt64 N, PetscInt64 seed, PetscReal noise, PetscReal **x, PetscReal **u);
/* Writes the reference frames (cell centres, as NbNavierStokesWriteReference)
   and, in each frame, the fields of extra(out, frame, ctx) (may be NULL). */
PETSC_EXTERN PetscErrorCode NbNavierStokesPINNWriteFrames(NbNavierStokes, NbOutput, PetscErrorCode (*extra)(NbOutput, PetscInt, void *), void *ctx);
/* nabla-navierstokes -method pinn: reference solve, PINN training, the
   PINN at the reference's cell centres in every frame (velocity_pinn, u_pinn,
   v_pinn, p_pinn and the _err fields), errors against the reference and the
   exact solution, identified nu and lambda1 in inverse runs. */
PETSC_EXTERN PetscErrorCode NbNavierStokesRunPINN(NbNavierStokes, NbOutput, NbReport);
/* ============================================== end of the Navier-Stokes section */

#endif
