/* nabla solvers: PETSc reference solvers and the discrete PDE operators they
   solve. The same operator serves the reference solve and any neural loss
   that uses it. */
#ifndef NBSOLVERS_H
#define NBSOLVERS_H

#include <petscts.h>
#include <petscdmda.h>
#include "nbio.h"
#include "nbnavierstokes.h"
#include "nbproblem.h"

/* ------------------------------------------------------------------------
   Viscous Burgers, method of lines on a DMDA, PETSc TS.
     1-D: u_t + u u_x = nu u_xx on [-1, 1], u(0,x) = -sin(pi x), u(t,+-1) = 0.
     2-D: u_t + u u_x + v u_y = nu Lap u, v_t + u v_x + v v_y = nu Lap v on
          [0,1]^2, Dirichlet data and initial state from Fletcher's (1983)
          exact solution.
   Options (prefix -burgers_): -burgers_dim 1|2, -burgers_nu, -burgers_frames;
   the grid from -da_grid_x/-da_grid_y, the time integrator from -ts_*. */
typedef struct _p_NbBurgers *NbBurgers;

typedef struct {
  PetscInt  steps;       /* accepted time steps */
  PetscInt  rejected;    /* rejected time steps */
  PetscReal wall;        /* seconds in TSSolve */
  PetscReal err_final;   /* relative L2 error of u at the final time (-1: no exact solution) */
  PetscReal err_max;     /* largest relative L2 error over the frames */
} NbBurgersStats;

PETSC_EXTERN PetscErrorCode NbBurgersCreate(MPI_Comm, NbBurgers *);
/* Prefix of the -burgers_ options and of the DMDA's and TS's. */
PETSC_EXTERN PetscErrorCode NbBurgersSetOptionsPrefix(NbBurgers, const char prefix[]);
PETSC_EXTERN PetscErrorCode NbBurgersSetFromOptions(NbBurgers);
PETSC_EXTERN PetscErrorCode NbBurgersSetUp(NbBurgers);
PETSC_EXTERN PetscErrorCode NbBurgersView(NbBurgers, PetscViewer);
PETSC_EXTERN PetscErrorCode NbBurgersDestroy(NbBurgers *);

PETSC_EXTERN PetscErrorCode NbBurgersGetDM(NbBurgers, DM *);
PETSC_EXTERN PetscErrorCode NbBurgersGetTS(NbBurgers, TS *);
PETSC_EXTERN PetscErrorCode NbBurgersGetDimension(NbBurgers, PetscInt *);
PETSC_EXTERN PetscErrorCode NbBurgersGetViscosity(NbBurgers, PetscReal *);
PETSC_EXTERN PetscErrorCode NbBurgersGetFinalTime(NbBurgers, PetscReal *);
PETSC_EXTERN PetscErrorCode NbBurgersGetNumFrames(NbBurgers, PetscInt *);
/* The space box [lower, upper] (x first). */
PETSC_EXTERN PetscErrorCode NbBurgersGetDomain(NbBurgers, PetscReal lower[], PetscReal upper[]);

/* Pointwise data of the problem (x has dim entries, u has dim entries). */
PETSC_EXTERN PetscErrorCode NbBurgersInitialPoint(NbBurgers, const PetscReal x[], PetscReal u[]);
PETSC_EXTERN PetscErrorCode NbBurgersBoundaryPoint(NbBurgers, PetscReal t, const PetscReal x[], PetscReal u[]);
/* The exact solution, where one is known (1-D by Cole-Hopf, 2-D Fletcher). */
PETSC_EXTERN PetscErrorCode NbBurgersExactPoint(NbBurgers, PetscReal t, const PetscReal x[], PetscReal u[]);
PETSC_EXTERN PetscErrorCode NbBurgersComputeExact(NbBurgers, PetscReal t, Vec u);
PETSC_EXTERN PetscErrorCode NbBurgersComputeInitial(NbBurgers, Vec u);

/* The discrete operator: du/dt = G(t, u) (global vectors), and its Jacobian. */
PETSC_EXTERN PetscErrorCode NbBurgersComputeRHS(NbBurgers, PetscReal t, Vec u, Vec G);
PETSC_EXTERN PetscErrorCode NbBurgersComputeRHSJacobian(NbBurgers, PetscReal t, Vec u, Mat J);

/* The reference solve: time-march from t = 0 to the final time and keep the
   solution at -burgers_frames equally spaced output times (t = 0 included). */
PETSC_EXTERN PetscErrorCode NbBurgersSolveReference(NbBurgers);
/* Called after every output frame k of the reference solve (elapsed: wall seconds). */
PETSC_EXTERN PetscErrorCode NbBurgersSetFrameMonitor(NbBurgers, PetscErrorCode (*)(PetscInt k, PetscReal t, double elapsed, void *), void *ctx);
PETSC_EXTERN PetscErrorCode NbBurgersGetFrames(NbBurgers, PetscInt *n, const PetscReal *t[], Vec *u[]);
PETSC_EXTERN PetscErrorCode NbBurgersGetStats(NbBurgers, NbBurgersStats *);
/* Relative discrete L2 error ||u - exact|| / ||exact|| at time t. */
PETSC_EXTERN PetscErrorCode NbBurgersRelativeError(NbBurgers, PetscReal t, Vec u, PetscReal *err);

/* Writes a solution vector under nabla's field names: u (1-D); u, v and
   velocity (2-D), each followed by suffix ("", "_exact", "_pinn", ...). */
PETSC_EXTERN PetscErrorCode NbBurgersWriteSolution(NbBurgers, NbOutput, const char suffix[], Vec u);
/* Adds grid, ranks, steps, wall time and errors to a result table. */
PETSC_EXTERN PetscErrorCode NbBurgersReport(NbBurgers, NbReport);

/* Exact solution of 1-D viscous Burgers with u(0,x) = -sin(pi x) on the
   line (odd, 2-periodic; so u(t,+-1) = 0), by the Cole-Hopf transform and
   trapezoidal quadrature of the heat kernel (Basdevant et al. 1986). */
PETSC_EXTERN PetscErrorCode NbBurgersColeHopf(PetscReal nu, PetscReal t, PetscReal x, PetscReal *u);

#endif
