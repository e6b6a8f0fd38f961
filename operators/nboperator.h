/* nabla operators: neural operators trained by the mean squared residual
   (MSR) of a discrete PDE operator, no simulated solutions.

   NbOperator maps the data of a sample a (here: kappa and f of the
   variable-coefficient Poisson family, solvers/nbpoissonkappa.h) on an
   nx x ny node grid to a field u on the same nodes, and is trained by
     L = mean_a ||A_a u_a - b_a||^2 / ||b_a||^2,
   the residual of the very operator the PETSc reference solves. The
   gradient with respect to u_a, 2 A_a^T r_a / ||b_a||^2, comes from
   MatMultTranspose and is back-propagated through the network (see
   operators/README.md). Samples are split over the ranks (data parallel,
   one gradient reduction per step); a sample is the same on any rank.
   Types (-operator_type):
     lordnet  Huang et al. 2022: lifting, Lord blocks (low-rank mixing
              along x and y, pointwise channel mixing, activation, skip),
              projection (-lordnet_width, -lordnet_blocks, -lordnet_rank)
     local    the same lifting and projection with 3 x 3 stencil blocks
              instead, at (nearly) the parameter count of the lordnet
              configuration the same options describe

   USAGE
     NbOperatorCreate(comm, &op); NbOperatorSetFamily(op, fam, n, n);
     NbOperatorSetFromOptions(op);  NbOperatorSetUp(op);
     NbOperatorTrain(op);                        // -opt_* (Adam)
     NbOperatorPredict(op, k, idx, u);           // this rank's samples idx[] */
#ifndef NBOPERATOR_H
#define NBOPERATOR_H

#include "nbnn.h"
#include "nbpoissonkappa.h"

typedef struct _p_NbOperator *NbOperator;

NB_CLASS_DECLARATIONS(NbOperator); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbOperatorCreate(MPI_Comm, NbOperator *);
/* The samples (borrowed) on nx x ny nodes of the unit square. */
PETSC_EXTERN PetscErrorCode NbOperatorSetFamily(NbOperator, NbPoissonFamily, PetscInt nx, PetscInt ny);
/* -operator_type, -operator_train N (training samples 0..N-1),
   -operator_test M (held-out samples N..N+M-1), -operator_batch B (samples
   per step, all ranks), -lordnet_width, -lordnet_blocks, -lordnet_rank,
   -operator_view; the model's (-model_seed) and optimizer's (-opt_*). */
PETSC_EXTERN PetscErrorCode NbOperatorSetFromOptions(NbOperator);
PETSC_EXTERN PetscErrorCode NbOperatorSetUp(NbOperator);
PETSC_EXTERN PetscErrorCode NbOperatorView(NbOperator, PetscViewer);
PETSC_EXTERN PetscErrorCode NbOperatorDestroy(NbOperator *);

/* Adam on the MSR until -opt_max_steps. A loss that is not finite stops
   the training with an error naming the step; the parameters of the last
   finite loss are kept. */
PETSC_EXTERN PetscErrorCode NbOperatorTrain(NbOperator);
/* The MSR of the batch of a step and its gradient in the model's gradient
   buffer (collective; what each training step evaluates). */
PETSC_EXTERN PetscErrorCode NbOperatorComputeLoss(NbOperator, PetscInt step, PetscReal *loss);
/* Predictions for this rank's samples idx[0..n-1]: u (n x nx ny, natural
   node order). Not collective. */
PETSC_EXTERN PetscErrorCode NbOperatorPredict(NbOperator, PetscInt n, const PetscInt64 idx[], PetscReal u[]);
PETSC_EXTERN PetscErrorCode NbOperatorGetModel(NbOperator, NbModel *);
/* The Adam optimizer and the L-BFGS one that follows it (NULL without -operator_lbfgs_its). */
PETSC_EXTERN PetscErrorCode NbOperatorGetOptimizers(NbOperator, NbOptimizer *adam, NbOptimizer *lbfgs);
/* Training and held-out sample counts. */
PETSC_EXTERN PetscErrorCode NbOperatorGetSampleCounts(NbOperator, PetscInt *ntrain, PetscInt *ntest);
/* Seconds spent in NbOperatorTrain, and in the network's forward passes of
   NbOperatorPredict (inference alone: the inputs are made before). */
PETSC_EXTERN PetscErrorCode NbOperatorGetTimes(NbOperator, double *train, double *predict);

#endif
