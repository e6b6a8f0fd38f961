/* nabla solvers: 2-D incompressible Navier-Stokes on a staggered (MAC) grid.

     u_t + (u.grad) u = -grad p + nu Lap u - a u + f,   div u = 0

   Discretisation (Harlow & Welch 1965): one DMStag with dof (0, 1, 1): u on
   the x-faces (DMSTAG_LEFT), v on the y-faces (DMSTAG_DOWN), p in the cells
   (DMSTAG_ELEMENT); second-order central differences, advection in the
   divergence form of Morinishi et al. (1998), walls by ghost values.
   Cases (-ns_case): cavity, taylorgreen, kovasznay, kolmogorov.
   Reference solvers: Newton (SNES) on the steady equations, or a
   second-order incremental projection method in time (Brown, Cortez &
   Minion 2001) with every linear solve through KSP/PC.
   Options: prefix -ns_; the grid from -stag_grid_x/-stag_grid_y. */
#ifndef NBNAVIERSTOKES_H
#define NBNAVIERSTOKES_H

#include <petscdmstag.h>
#include <petscdmda.h>
#include "nbio.h"

typedef struct _p_NbNavierStokes *NbNavierStokes;

typedef struct {
  PetscInt  steps;          /* time steps (projection; 0 for Newton) */
  PetscInt  newton_its;     /* Newton iterations over all continuation stages */
  PetscInt  stages;         /* Reynolds-number continuation stages (Newton) */
  PetscInt  linear_its;     /* Krylov iterations, all solves */
  PetscReal dt;             /* time step (projection) */
  PetscReal t;              /* time reached (projection) */
  PetscReal wall;           /* seconds in the solve, set-up included */
  PetscReal wall_setup;     /* seconds of solver set-up (matrices, preconditioners) */
  PetscReal time_per_step;  /* seconds per time step after set-up (projection) */
  PetscReal cpu_per_step;   /* CPU seconds per time step, slowest rank (insensitive to a shared machine's load) */
  PetscReal residual;       /* ||F(U)||_inf of the last frame (the steady residual) */
  PetscReal div_max;        /* largest |div u| (cell flux imbalance / area) over the frames */
  PetscReal cfl_max;        /* largest advective CFL number dt (|u|/hx + |v|/hy) */
  PetscReal err_vel, err_p; /* rel. L2 errors of velocity and pressure vs exact, last frame (-1: none) */
} NbNavierStokesStats;

PETSC_EXTERN PetscErrorCode NbNavierStokesCreate(MPI_Comm, NbNavierStokes *);
PETSC_EXTERN PetscErrorCode NbNavierStokesSetFromOptions(NbNavierStokes);
PETSC_EXTERN PetscErrorCode NbNavierStokesSetUp(NbNavierStokes);
PETSC_EXTERN PetscErrorCode NbNavierStokesView(NbNavierStokes, PetscViewer);
PETSC_EXTERN PetscErrorCode NbNavierStokesDestroy(NbNavierStokes *);

/* Adds a case to the -ns_case registry: create fills the case's table. */
PETSC_EXTERN PetscErrorCode NbNavierStokesRegisterCase(const char name[], PetscErrorCode (*create)(NbNavierStokes));

/* The MAC grid (DMStag, dof 0/1/1) and the cell-centre DMDAs (1 and 2 dof)
   on which fields are written. */
PETSC_EXTERN PetscErrorCode NbNavierStokesGetDM(NbNavierStokes, DM *);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetCellDM(NbNavierStokes, DM *scalar, DM *vector);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetCase(NbNavierStokes, const char *[]);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetComm(NbNavierStokes, MPI_Comm *);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetDrag(NbNavierStokes, PetscReal *);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetViscosity(NbNavierStokes, PetscReal *);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetReynolds(NbNavierStokes, PetscReal *);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetDomain(NbNavierStokes, PetscReal lower[], PetscReal upper[]);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetFinalTime(NbNavierStokes, PetscReal *);
PETSC_EXTERN PetscErrorCode NbNavierStokesIsSteady(NbNavierStokes, PetscBool *);
PETSC_EXTERN PetscErrorCode NbNavierStokesIsPeriodic(NbNavierStokes, PetscBool *);
PETSC_EXTERN PetscErrorCode NbNavierStokesHasExact(NbNavierStokes, PetscBool *);
/* The velocity and pressure entries of a global vector of the DMStag. */
PETSC_EXTERN PetscErrorCode NbNavierStokesGetFieldIS(NbNavierStokes, IS *velocity, IS *pressure);

/* Pointwise data: exact (u, v, p) at (t, x) where known; wall velocity. */
PETSC_EXTERN PetscErrorCode NbNavierStokesExactPoint(NbNavierStokes, PetscReal t, const PetscReal x[], PetscReal uvp[]);
PETSC_EXTERN PetscErrorCode NbNavierStokesWallVelocity(NbNavierStokes, PetscReal t, const PetscReal x[], PetscReal u[]);
/* Fill a global vector: the exact solution at t (velocity at face centres,
   pressure at cell centres), or the initial state. */
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeExact(NbNavierStokes, PetscReal t, Vec U);
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeInitial(NbNavierStokes, Vec U);

/* The discrete operator, the same one the reference solvers solve.
   F(t, U): interior velocity rows: (u.grad)u + grad p - nu Lap u + a u - f,
   wall-normal velocity rows: u - g (the wall data), cell rows: -div u.
   The steady solution is F(U) = 0; the pressure is defined up to a constant. */
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeResidual(NbNavierStokes, PetscReal t, Vec U, Vec F);
/* J = dF/dU, exactly (AIJ from NbNavierStokesCreateMatrix). */
PETSC_EXTERN PetscErrorCode NbNavierStokesCreateMatrix(NbNavierStokes, Mat *);
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeJacobian(NbNavierStokes, PetscReal t, Vec U, Mat J);
/* One backward-Euler step as a residual: R = M (U - Uold)/dt + F(t, U), M
   the identity on interior velocity rows and 0 elsewhere; its Jacobian
   M/dt + dF/dU. (The implicit-step residual a neural operator is trained on.) */
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeStepResidual(NbNavierStokes, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R);
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeStepJacobian(NbNavierStokes, PetscReal t, PetscReal dt, Vec U, Mat J);
/* The discrete divergence of the velocity of U, one value per cell (a
   vector of the scalar cell DMDA), and its largest magnitude. */
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeDivergence(NbNavierStokes, Vec U, Vec div, PetscReal *maxabs);
/* Cell-centre fields of U on the cell DMDAs: velocity (2 dof), u, v, p, and
   the vorticity omega = v_x - u_y; any output may be NULL. */
PETSC_EXTERN PetscErrorCode NbNavierStokesComputeCellFields(NbNavierStokes, Vec U, Vec vel, Vec u, Vec v, Vec p, Vec omega);
/* Velocity of U at n points (x0 y0 x1 y1 ...), bilinear in each staggered
   component, walls from the wall data; collective, the result on every rank. */
PETSC_EXTERN PetscErrorCode NbNavierStokesInterpolateVelocity(NbNavierStokes, Vec U, PetscInt n, const PetscReal xy[], PetscReal uv[]);

/* The reference solve. Steady cases (or -ns_steady): Newton, or time
   marching to -ns_steady_tol (-ns_steady_solver newton|march); one frame.
   Time-dependent: projection steps to the final time, -ns_frames equally
   spaced frames (t = 0 included). */
PETSC_EXTERN PetscErrorCode NbNavierStokesSolveReference(NbNavierStokes);
/* The number of frames the solve will keep (1 when steady), after SetFromOptions. */
PETSC_EXTERN PetscErrorCode NbNavierStokesGetNumFrames(NbNavierStokes, PetscInt *);
/* Called after every kept frame k of the reference solve (elapsed: wall seconds). */
PETSC_EXTERN PetscErrorCode NbNavierStokesSetFrameMonitor(NbNavierStokes, PetscErrorCode (*)(PetscInt k, PetscReal t, double elapsed, void *), void *ctx);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetFrames(NbNavierStokes, PetscInt *n, const PetscReal *t[], Vec *U[]);
PETSC_EXTERN PetscErrorCode NbNavierStokesGetStats(NbNavierStokes, NbNavierStokesStats *);
/* Relative discrete L2 errors of U against the exact solution at t:
   velocity over all faces, pressure after removing both means. */
PETSC_EXTERN PetscErrorCode NbNavierStokesRelativeError(NbNavierStokes, PetscReal t, Vec U, PetscReal *err_vel, PetscReal *err_p);
/* Lid-driven cavity: largest deviations |u - u_Ghia| on the vertical and
   |v - v_Ghia| on the horizontal centre line from Ghia, Ghia & Shin (1982)
   Tables I and II, in units of the lid speed. found = PETSC_FALSE when the
   tables have no column for this Reynolds number (100 and 1000 are typed in). */
PETSC_EXTERN PetscErrorCode NbNavierStokesGhiaDeviation(NbNavierStokes, Vec U, PetscBool *found, PetscReal *du, PetscReal *dv);

/* Writes velocity, u, v, p, omega (cell centres), names followed by suffix. */
PETSC_EXTERN PetscErrorCode NbNavierStokesWriteSolution(NbNavierStokes, NbOutput, const char suffix[], Vec U);
/* The case, Re, nu, drag, grid and field locations as output metadata. */
PETSC_EXTERN PetscErrorCode NbNavierStokesWriteMetadata(NbNavierStokes, NbOutput);
/* Adds grid, ranks, solver, steps, times, residual, divergence, errors and
   (cavity) Ghia deviations to a result table. */
PETSC_EXTERN PetscErrorCode NbNavierStokesReport(NbNavierStokes, NbReport);

#endif
