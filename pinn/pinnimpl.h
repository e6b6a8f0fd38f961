/* Private to pinn/: the NbPINN object and its ops table. The base (pinn.c:
   options, data, parameters; pinn_train.c: training, monitor, report) is
   shared by every type; a type (pinn_plain.c; the decomposed ones in
   dd*.c) builds the networks, the points and the loss. */
#ifndef NBPINNIMPL_H
#define NBPINNIMPL_H

#include "nbpinn.h"

typedef struct {
  PetscErrorCode (*destroy)(NbPINN); /* first: NbRegistrySetType */
  /* the type's options, read after the base's (inside its options block) */
  PetscErrorCode (*setfromoptions)(NbPINN, PetscOptionItems *);
  /* builds p->model (and p->graph, or sets ops.objective) from the options
     and the global data sets */
  PetscErrorCode (*setup)(NbPINN);
  /* loss and gradient in p->model's gradient buffer (replicated entries
     summed over the ranks); NULL: p->graph's */
  PetscErrorCode (*objective)(NbPINN, PetscReal *loss);
  /* the terms of the last evaluation, summed over subdomains and ranks */
  PetscErrorCode (*terms)(NbPINN, PetscReal v[]);
  /* the observations changed after set-up (p->ND <= p->NDcap): update the sets */
  PetscErrorCode (*setobservations)(NbPINN);
  /* p->w changed: update the compiled losses */
  PetscErrorCode (*setweights)(NbPINN);
  /* one sampling round (collective) */
  PetscErrorCode (*newround)(NbPINN);
  PetscErrorCode (*writepoints)(NbPINN, NbOutput, PetscReal tag);
  PetscErrorCode (*evaluate)(NbPINN, PetscInt n, const PetscReal x[], PetscReal u[]);
  PetscErrorCode (*evaluateglobal)(NbPINN, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[]);
  PetscErrorCode (*evaluationdropout)(NbPINN, PetscBool on, PetscBool advance);
  /* initial network parameters from p->seed (the coefficients are the base's) */
  PetscErrorCode (*initialize)(NbPINN);
  PetscErrorCode (*collocationcount)(NbPINN, PetscInt64 *);
  PetscErrorCode (*evaluatefields)(NbPINN, PetscInt n, const PetscReal x[], PetscReal v[]);
  /* seconds spent communicating so far (decomposed types) */
  PetscErrorCode (*commtime)(NbPINN, PetscLogDouble *);
  /* the "PINN network" and "PINN points" rows, and any of the type's own */
  PetscErrorCode (*report)(NbPINN, NbReport);
  /* the loss as a sum of squares (gn, lm): point tensors r[k] (up to
     NB_PINN_MAXRES) whose rows, times scale[k], have the loss as their sum
     of squares over the ranks; NULL: not available for the type */
  PetscErrorCode (*residuals)(NbPINN, PetscInt *n, NbTensor r[], PetscReal scale[]);
  PetscErrorCode (*view)(NbPINN, PetscViewer);
  /* the type's state beyond the parameters (its points), for checkpoints;
     NULL: the type cannot be checkpointed */
  PetscErrorCode (*getstate)(NbPINN, NbState);
  PetscErrorCode (*setstate)(NbPINN, NbState);
} NbPINNOps;

/* Where training stands: before Adam step `step` (phase 0); in L-BFGS
   round `step` after `done` of its iterations, its sampling round drawn
   (phase 1); finished (phase 2). `its`: L-BFGS iterations so far. */
typedef struct {
  PetscInt phase, step, done, its;
} NbPINNPosition;

struct _p_NbPINN {
  NB_HEAD;
  NbPINNOps   ops;
  NbPDE       pde;
  PetscBool   haspde;
  /* options */
  PetscInt     width, depth, nfourier;
  NbActivation act;
  PetscReal    fsigma;
  PetscInt     npoints, nbnd, ndata;
  PetscBool    hard, inverse, view;
  PetscReal    w[NB_PINN_NTERMS], lr, noise, dropout;
  PetscInt     adam_steps, lbfgs_steps, lbfgs_rounds, resample_every, monitor;
  PetscInt64   seed, dataseed, perturbseed; /* perturbseed < 0: the data as given */
  char         label[32];                   /* prefix of the monitor lines */
  /* the global data sets, whole on every rank: initial, boundary, observations */
  PetscInt64 NI, NB, ND, NDcap; /* NDcap: the observations the loss has room for */
  PetscReal *xI, *uI, *xB, *uB, *xD, *uD;
  /* built by the type */
  NbModel   model;
  NbGraph   graph;
  const char *fieldnames[2];
  PetscInt  nfields;
  PetscInt  nsub, nlocal; /* subdomains in all and on this rank */
  /* training */
  NbOptimizer   adam, lbfgs;
  NbOptimizer   lsq;             /* gn or lm after Adam (-pinn_optimizer), instead of lbfgs */
  char          opttype[16];     /* -pinn_optimizer */
  PetscInt      lsq_steps, blacs[2];
  PetscInt      lbfgs_maxit; /* -tao_max_it when the user gave one, else 0 */
  NbOutput      out;
  NbPINNErrorFn errfn;
  void         *errctx;
  PetscReal    *history;
  PetscInt      nhistory, lbfgs_its;
  PetscReal    *good, *trial, *mark; /* last good, before a step, at a segment start */
  double        tstart;
  PetscReal     lastloss;
  NbPINNStats   stats;
  /* checkpoints: file, period (Adam steps and L-BFGS iterations), restart file */
  char           ckpt[PETSC_MAX_PATH_LEN], restart[PETSC_MAX_PATH_LEN], fallback[PETSC_MAX_PATH_LEN], hint[PETSC_MAX_PATH_LEN];
  PetscInt       ckpt_every;
  int            stopsig; /* the signal that stopped training (0: none) */
  char           nockpt[64]; /* why this PINN cannot be checkpointed ("": it can, if its type can) */
};

/* network inputs: space, then time unless the problem is steady */
#define NB_PINN_NIN(p) ((p)->pde.dim + ((p)->pde.steady ? 0 : 1))

/* an error unless NbPINNSetUp() has been called */
PETSC_INTERN PetscErrorCode NbPINNCheckSetUp_Private(NbPINN);
/* Y = the inputs X mapped from the box [lo, hi] to [-1, 1] (constants in g). */
PETSC_INTERN PetscErrorCode NbPINNNormalize_Private(NbGraph g, PetscInt nin, const PetscReal lo[], const PetscReal hi[], NbTensor X, NbTensor *Y);
/* The coefficients as 1 x 1 tensors: constants (forward), or trainable
   scalars of model (inverse), positive ones as exp(log-coefficient). */
PETSC_INTERN PetscErrorCode NbPINNCoefficients_Private(NbPINN, NbModel, NbGraph, NbTensor coef[]);
/* Adds the trainable coefficients (inverse problems) to a model. */
PETSC_INTERN PetscErrorCode NbPINNAddCoefficients_Private(NbPINN, NbModel);
/* sum over the residual components of r^2, pointwise */
PETSC_INTERN PetscErrorCode NbPINNResidualSquare_Private(NbPINN, NbTensor X, NbTensor U, const NbTensor coef[], NbTensor *sq);
/* the same, with the residual tensors themselves (up to 8) */
PETSC_INTERN PetscErrorCode NbPINNResiduals_Private(NbPINN, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[], NbTensor *sq);
/* mean over the points of |U - V|^2, summed over the nout components */
PETSC_INTERN PetscErrorCode NbPINNMisfit_Private(NbTensor U, NbTensor V, PetscInt nout, NbTensor *term);
/* the same, with the difference U - V (d may be NULL) */
PETSC_INTERN PetscErrorCode NbPINNMisfitDifference_Private(NbTensor U, NbTensor V, PetscInt nout, NbTensor *d, NbTensor *term);
/* The loss sum_k w[k] term[k] over the terms present (non-NULL), and its
   weights changed later: NB_PINN_NTERMS entries in NbPINNTerm order. */
PETSC_INTERN PetscErrorCode NbPINNLoss_Private(const NbTensor term[], const PetscReal w[], NbTensor *loss);
PETSC_INTERN PetscErrorCode NbPINNLossSetWeights_Private(const NbTensor term[], const PetscReal w[], NbTensor loss);
/* A training graph on comm reading the options prefix + "pinn_" */
PETSC_INTERN PetscErrorCode NbPINNGraphCreate_Private(NbPINN, MPI_Comm, NbGraph *);
/* the replicated entries of the model from rank 0 (after an L-BFGS iterate) */
PETSC_INTERN PetscErrorCode NbPINNSyncParameters_Private(NbPINN);
/* pinn_train.c: Adam and L-BFGS on p->model, options read (at set-up) */
PETSC_INTERN PetscErrorCode NbPINNCreateOptimizers_Private(NbPINN);

/* pinn_checkpoint.c: the training state at pos, with the parameters par
   (NULL: the model's) into p->ckpt; and back from p->restart (pos filled) */
PETSC_INTERN PetscErrorCode NbPINNCheckpointSave_Private(NbPINN, const NbPINNPosition *pos, const PetscReal par[]);
PETSC_INTERN PetscErrorCode NbPINNCheckpointLoad_Private(NbPINN, NbPINNPosition *pos);
/* the checkpoint file name: -checkpoint, else <output>-checkpoint.h5, else pinn-checkpoint.h5 */
PETSC_INTERN PetscErrorCode NbPINNCheckpointFile_Private(NbPINN);
/* pinn_jacobian.c: -pinn_optimizer, -pinn_optimizer_steps, -pinn_blacs_grid
   (inside the base's options block); the gn/lm optimizer on the residual
   rows (its phase of training is pinn_train.c's) */
#define NB_PINN_MAXRES 16
PETSC_INTERN PetscErrorCode NbPINNSetFromOptionsLSQ_Private(NbPINN, PetscOptionItems *);
PETSC_INTERN PetscErrorCode NbPINNCreateLSQ_Private(NbPINN);

PETSC_INTERN PetscErrorCode NbPINNCreate_Plain(NbPINN);
PETSC_INTERN PetscErrorCode NbPINNCreate_XPINN(NbPINN);
PETSC_INTERN PetscErrorCode NbPINNCreate_CPINN(NbPINN);
PETSC_INTERN PetscErrorCode NbPINNCreate_FBPINN(NbPINN);

#endif
