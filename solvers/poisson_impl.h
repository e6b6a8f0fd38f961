/* Private to solvers/poisson*.c: the cases of the poisson problem
   (-poisson_case), each a table of what differs between them: the box,
   the exact solution, the reference's five-point stencil and the PDE on
   jets. The problem itself (grid, KSP, report, output) is poisson.c. */
#ifndef POISSON_IMPL_H
#define POISSON_IMPL_H

#include "problemimpl.h"

#define POISSON_MAXFIELD 3

typedef struct _PoissonCase PoissonCase;
struct _PoissonCase {
  const char *about; /* the equation and its solution, one line */
  PetscInt    dim;   /* space dimension (highdim: -poisson_dim) */
  PetscReal   lo, hi; /* the box [lo, hi]^dim */
  PetscInt    ngrid;  /* default nodes per direction of the grid reference; 0: none (exact solution only) */
  PetscBool   symmetric; /* the five-point matrix is symmetric: CG, else GMRES */
  /* u* at one point x (dim coordinates) */
  PetscReal (*exact)(const PoissonCase *, const PetscReal x[]);
  /* at an interior node x of spacing h: the coefficients a[0..3] of the
     neighbours (i+1, j), (i-1, j), (i, j+1), (i, j-1), a[4] of the node, and
     the right-hand side f of the row (2-D cases with a grid reference) */
  void (*stencil)(const PetscReal x[2], const PetscReal h[2], PetscReal a[5], PetscReal *f);
  /* the fields written besides the reference, their values at one point */
  PetscInt    nfield;
  const char *fieldname[POISSON_MAXFIELD];
  void (*fields)(const PoissonCase *, const PetscReal x[], PetscReal v[]);
  /* the PDE on jets (ctx: this case), the hard constraint (NULL: none) */
  PetscErrorCode (*residual)(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[]);
  PetscErrorCode (*hard)(void *ctx, NbTensor X, NbTensor N, NbTensor *U);
  PetscBool   defaulthard;
  const char *bcwhy;
  char        coords[64], derivs[96]; /* jet coordinates and derivatives ("x,y", "x,y,xx,yy") */
};

/* The problem's data. */
typedef struct {
  PoissonCase c;
  char        casename[32];
  PetscInt    dim;     /* -poisson_dim */
  PetscInt    npoints; /* -poisson_points: evaluation points of a case without a grid */
  DM          da;      /* the nodes (2-D cases), the index of the sampled points (highdim) */
  Mat         A;
  Vec         b, u;
  PetscInt    its;
  double      wall;
  char        grid[64];
} Poisson;

/* A case's create function fills the table; dim is -poisson_dim (cases of
   fixed dimension refuse another one). */
typedef PetscErrorCode (*PoissonCaseCreateFn)(PoissonCase *, PetscInt dim, MPI_Comm);

PETSC_INTERN PetscErrorCode PoissonCaseCreate_Peak(PoissonCase *, PetscInt, MPI_Comm);
PETSC_INTERN PetscErrorCode PoissonCaseCreate_TwoPeak(PoissonCase *, PetscInt, MPI_Comm);
PETSC_INTERN PetscErrorCode PoissonCaseCreate_HighDim(PoissonCase *, PetscInt, MPI_Comm);
/* A case without a grid reference (highdim): this rank's block of
   -poisson_points uniform points of the box as the evaluation points, the
   exact solution as what they are judged against, no discrete operator. */
PETSC_INTERN PetscErrorCode PoissonSetUpPoints(NbProblem);
/* Refuses -poisson_dim for a 2-D case (name: the case). */
PETSC_INTERN PetscErrorCode PoissonCaseCheckPlanar(PetscInt dim, const char name[], MPI_Comm);
/* (1 - x^2)(1 - y^2) N: zero on the boundary of [-1, 1]^2 whatever N. */
PETSC_INTERN PetscErrorCode PoissonHardZero(void *ctx, NbTensor X, NbTensor N, NbTensor *U);

#endif
