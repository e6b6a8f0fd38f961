/* Private to nn/: the dense damped least-squares solve of the Gauss-Newton
   family (nn/lsq.c) on a BLACS grid of the optimizer's communicator.

   J (N x P) is distributed by rows (residual points) over the ranks: rank
   k holds its n_k rows, row-major, padded with zero rows to nmax = max n_k.
   Row-major J is column-major J^T, so the local blocks together are the
   P x (size nmax) matrix J^T on a 1 x size BLACS grid with column blocks
   of nmax: PDGEMR2D moves it to the 2-D block-cyclic layout of a p x q
   grid, where the normal matrix is formed (PDSYRK) and factored (PDPOTRF)
   or, with the QR option, the augmented least-squares problem is solved
   (PDGELS). Zero padding rows change neither J^T J nor J^T r. */
#ifndef NB_LSQIMPL_H
#define NB_LSQIMPL_H

#include "nnimpl.h"

typedef enum {
  NB_LSQ_CHOLESKY, /* (J^T J + lambda D) x = -J^T r by PDSYRK, PDPOTRF, PDPOTRS */
  NB_LSQ_QR,       /* min || [J; sqrt(lambda D)] x + [r; 0] || by PDGELS: cond(J), not cond(J)^2 */
  NB_LSQ_LOCAL     /* as cholesky, J^T J from each rank's DSYRK and one allreduce (P^2 reals a rank) */
} NbLSQSolver;
PETSC_INTERN const char *const NbLSQSolvers[];

typedef struct _n_NbLSQ *NbLSQ;

/* A p x q grid of comm's ranks (p = q = 0: the most square one with p >= q);
   p q must be the communicator's size. */
PETSC_INTERN PetscErrorCode NbLSQCreate(MPI_Comm, PetscInt p, PetscInt q, NbLSQSolver, NbLSQ *);
PETSC_INTERN PetscErrorCode NbLSQDestroy(NbLSQ *);
/* The most square p x q = size with p >= q: on 2 ranks PDPOTRF ran 5.8x faster
   on 2 x 1 than on 1 x 2 (P = 3021; bench/results/lsq_scaling.txt). */
PETSC_INTERN void NbLSQDefaultGrid(PetscMPIInt size, PetscInt *p, PetscInt *q);
/* Bytes this rank needs for P parameters and nmax local rows (before anything is allocated). */
PETSC_INTERN PetscErrorCode NbLSQMemory(NbLSQ, PetscInt P, PetscInt nmax, PetscLogDouble *bytes);
/* The problem: this rank's rows of J (nmax x P, row-major, zero beyond its
   own) and of r (nmax, zero beyond). Forms J^T J (cholesky) or the
   augmented matrix (qr) in the 2-D layout. Collective. */
PETSC_INTERN PetscErrorCode NbLSQSetJacobian(NbLSQ, PetscInt P, PetscInt nmax, const PetscReal J[], const PetscReal r[]);
/* x = -(J^T J + lambda diag(d))^{-1} g, g = J^T r (replicated; d may be
   NULL: identity), x the same on every rank. *info > 0: the matrix is not
   positive definite (its leading minor of that order; cholesky only).
   Collective. */
PETSC_INTERN PetscErrorCode NbLSQSolve(NbLSQ, PetscReal lambda, const PetscReal d[], const PetscReal g[], PetscReal x[], PetscInt *info);
PETSC_INTERN PetscErrorCode NbLSQView(NbLSQ, PetscViewer);

#endif
