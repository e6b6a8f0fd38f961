/* nabla neuralode: neural ODEs integrated by PETSc TS, gradients by TSAdjoint.

   NbNODE integrates dy/dt = f_theta(y, t), f_theta a layer of an NbModel
   (an MLP from NbModelAddMLP, say), with any TS type that has a discrete
   adjoint, and returns the gradient of a loss at observation times with
   respect to the model's parameters. B trajectories of dim components are
   one state (a Vec of B*dim entries, the members split over the ranks by
   NbPartition, member-major: y[i*dim + c]), so a batch is one TSSolve.

   The adjoint follows PNODE (Zhang & Zhao, IEEE TAI 2022): the right-hand
   side's Jacobian is a shell matrix whose transpose product is the
   network's vector-Jacobian product lambda^T df/dy (one backward pass of
   the graph, NbGraphMarkInputGradient) and whose product, for implicit
   integrators, applies the per-member dim x dim Jacobians built from dim
   such passes; the parameter Jacobian is a second shell whose transpose
   product reuses the parameter half of the same backward pass. The
   trajectory is kept by TS (-ts_trajectory_type memory by default). PETSc
   3.18 as Debian builds it has no revolve, so -ts_trajectory_max_cps_ram N
   alone fails; bounded memory is PETSc's two-level scheme,
   -ts_trajectory_stride S -ts_trajectory_max_cps_ram S
   -ts_trajectory_save_stack 0 (the stages of S steps in RAM, one solution
   per S steps on disk in a directory of the NODE's own, the rest
   recomputed). A loss
   at n observation times is n adjoint sweeps, each seeded with the loss's
   derivative at its end (the time span of the forward solve makes TS land
   on every observation time). Each rank sums the parameter gradient of its
   own members through the whole sweep; one MPI_Allreduce ends it.

   USAGE
     NbNODECreate(comm, &node);
     NbNODESetNetwork(node, model, net);       // net: dim (+1 for t) -> dim
     NbNODESetSizes(node, dim, batch);
     NbNODESetTimes(node, t0, tf, dt);         // dt: the first (or fixed) step
     NbNODESetObservations(node, n, tobs);     // t0 < tobs[0] < ... <= tf
     NbNODESetFromOptions(node);               // -ts_type, -ts_trajectory_*, -node_*
     NbNODESetUp(node);
     NbNODESetInitialState(node, y0);  NbNODESetTargets(node, targets);
     NbNODEComputeLossGradient(node, &loss);   // gradient in the model's buffer
     NbOptimizerSetObjective(opt, NbNODEObjective, node);  // training

   Loss: L = sum_k |y(t_k) - target_k|^2 / (n B dim), the mean squared
   distance over all observations, members and components.

   Integrators with a discrete adjoint in PETSc 3.18: rk (explicit) and
   theta, beuler, cn (implicit; the Newton solves run matrix-free with
   -ksp_type gmres -pc_type none unless told otherwise). RK tableaus with a
   zero weight (5dp, 5f, 5bs) are refused: 3.18's RK adjoint drops their
   parameter terms; 4, 3bs, 3, 2a, 1fe are exact. */
#ifndef NBNODE_H
#define NBNODE_H

#include <petscts.h>
#include "nbnn.h"

typedef struct _p_NbNODE *NbNODE;

PETSC_EXTERN PetscErrorCode NbNODECreate(MPI_Comm, NbNODE *);
/* f_theta: a layer of model with dim inputs (autonomous) or dim + 1 (t
   appended as the last input), and dim outputs. The model stays the caller's. */
PETSC_EXTERN PetscErrorCode NbNODESetNetwork(NbNODE, NbModel, NbLayer);
/* dim components per trajectory, batch trajectories (global) */
PETSC_EXTERN PetscErrorCode NbNODESetSizes(NbNODE, PetscInt dim, PetscInt batch);
PETSC_EXTERN PetscErrorCode NbNODESetTimes(NbNODE, PetscReal t0, PetscReal tf, PetscReal dt);
/* n observation times, increasing, in (t0, tf] (copied) */
PETSC_EXTERN PetscErrorCode NbNODESetObservations(NbNODE, PetscInt n, const PetscReal t[]);
/* -node_view, -node_monitor, -node_graph_tile (members per tile of the
   network's passes, 0: all at once), and the TS's own options (-ts_type, -ts_dt,
   -ts_rk_type, -ts_adapt_type, -ts_trajectory_type, -ts_trajectory_max_cps_ram,
   -snes_*, -ksp_*), all under the prefix. Fails for a TS type without an adjoint. */
PETSC_EXTERN PetscErrorCode NbNODESetFromOptions(NbNODE);
PETSC_EXTERN PetscErrorCode NbNODESetUp(NbNODE);
PETSC_EXTERN PetscErrorCode NbNODEView(NbNODE, PetscViewer);
PETSC_EXTERN PetscErrorCode NbNODEDestroy(NbNODE *);
PETSC_EXTERN PetscErrorCode NbNODESetOptionsPrefix(NbNODE, const char[]);
PETSC_EXTERN PetscErrorCode NbNODEGetOptionsPrefix(NbNODE, const char *[]);
PETSC_EXTERN PetscErrorCode NbNODEGetComm(NbNODE, MPI_Comm *);

/* A new state vector (B*dim, the NODE's layout); the caller destroys it. */
PETSC_EXTERN PetscErrorCode NbNODECreateState(NbNODE, Vec *);
/* This rank's members: the first global member index and how many. */
PETSC_EXTERN PetscErrorCode NbNODEGetLocalMembers(NbNODE, PetscInt64 *offset, PetscInt *n);
/* v = a state whose members have components uniform in [lo[c], hi[c]]:
   member i takes draws dim*i .. dim*i+dim-1 of the stream, so the states
   are the same on any number of ranks. */
PETSC_EXTERN PetscErrorCode NbNODEDrawUniformStates(NbNODE, NbRNG, PetscInt64 stream, const PetscReal lo[], const PetscReal hi[], Vec v);
/* The state at t0 (copied). */
PETSC_EXTERN PetscErrorCode NbNODESetInitialState(NbNODE, Vec);
/* One state per observation time (copied). */
PETSC_EXTERN PetscErrorCode NbNODESetTargets(NbNODE, const Vec[]);
/* Forward only: the states at the observation times (NbNODEGetObservedStates). */
PETSC_EXTERN PetscErrorCode NbNODESolve(NbNODE);
/* Forward only: the loss (targets needed). */
PETSC_EXTERN PetscErrorCode NbNODEComputeLoss(NbNODE, PetscReal *loss);
/* Forward and adjoint: the loss, and its gradient with respect to the
   model's trainable parameters in the model's gradient buffer (summed over
   the ranks). */
PETSC_EXTERN PetscErrorCode NbNODEComputeLossGradient(NbNODE, PetscReal *loss);
/* The states at the observation times of the last solve (borrowed). */
PETSC_EXTERN PetscErrorCode NbNODEGetObservedStates(NbNODE, PetscInt *n, const Vec *y[]);
/* dL/dy(t0) after NbNODEComputeLossGradient (borrowed). */
PETSC_EXTERN PetscErrorCode NbNODEGetInitialStateGradient(NbNODE, Vec *);
PETSC_EXTERN PetscErrorCode NbNODEGetTS(NbNODE, TS *);
/* NbObjectiveFn for NbOptimizerSetObjective; ctx is the NbNODE. */
PETSC_EXTERN PetscErrorCode NbNODEObjective(NbModel, PetscReal *loss, void *ctx);

#endif
