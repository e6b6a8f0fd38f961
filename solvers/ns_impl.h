/* Private to the Navier-Stokes solver (solvers/navierstokes.c, ns_*.c): the
   object's state, the case table, and the helpers the files share. */
#ifndef NS_IMPL_H
#define NS_IMPL_H

#include <petscdmstag.h>
#include <petscsnes.h>
#include "nbnavierstokes.h"
#include "nbsys.h"
#include "frames.h"

/* A flow case: geometry, data and (where known) the exact solution. Point
   functions take x = (x, y) and return velocity components (u, v). */
typedef struct {
  const char *description;
  PetscReal   lower[2], upper[2];
  PetscBool   periodic;  /* periodic in x and y; otherwise walls on all four sides */
  PetscBool   steady;    /* the default solve is the steady state */
  PetscReal   re;        /* default Reynolds number */
  PetscReal   drag;      /* default linear drag coefficient a */
  PetscReal   tfinal;    /* default final time of a time-dependent run */
  PetscReal   uscale;    /* velocity scale: default time step and blow-up detection */
  PetscInt    grid[2];   /* default grid */
  /* Wall velocity at time t (walls only). */
  PetscErrorCode (*wall)(NbNavierStokes, PetscReal t, const PetscReal x[], PetscReal u[]);
  /* Optional stream function of the wall data (u = psi_y, v = -psi_x): wall
     normal velocities are then face averages, psi differences over the face,
     so the discrete net inflow is exactly zero and div u = 0 is solvable. */
  PetscErrorCode (*wallpsi)(NbNavierStokes, PetscReal t, const PetscReal x[], PetscReal *psi);
  /* Optional initial state: point velocity, or a stream function whose face
     differences give a discretely divergence-free field. Default: at rest. */
  PetscErrorCode (*initial)(NbNavierStokes, const PetscReal x[], PetscReal u[]);
  PetscErrorCode (*initialpsi)(NbNavierStokes, const PetscReal x[], PetscReal *psi);
  /* Optional body force f(t, x). */
  PetscErrorCode (*forcing)(NbNavierStokes, PetscReal t, const PetscReal x[], PetscReal f[]);
  /* Optional exact solution (u, v, p) at (t, x). */
  PetscErrorCode (*exact)(NbNavierStokes, PetscReal t, const PetscReal x[], PetscReal uvp[]);
  /* Optional: the case's own options, read after -ns_re and -ns_drag. */
  PetscErrorCode (*setfromoptions)(NbNavierStokes);
} NbNSCase;

/* Coefficients of one application of the discrete operator (NbNSApply):
   interior velocity rows  adv N(u) + visc nu L(u) + grad G p + force f
                           + drag a u + mass u
   wall-normal rows        bcu u + bcg g
   continuity rows         div D u + pres p */
typedef struct {
  PetscReal adv, visc, grad, force, drag, mass;
  PetscReal bcu, bcg;
  PetscReal div, pres;
  PetscBool pin; /* the continuity row of cell (0, 0) is set to 0 */
} NbNSTerms;

/* Positions of u (x-face), v (y-face) and p (cell) in a DMStag local array. */
typedef struct {
  PetscInt su, sv, sp;
} NbNSSlots;

static inline PetscErrorCode NbNSGetSlots(DM dm, NbNSSlots *s)
{
  PetscFunctionBegin;
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_LEFT, 0, &s->su));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_DOWN, 0, &s->sv));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_ELEMENT, 0, &s->sp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The ghosted local copy Ul of a global state U, its array for reading and
   the slots of u, v, p in it; NbNSRestoreArrayRead gives them back. */
static inline PetscErrorCode NbNSGetArrayRead(DM dm, Vec U, Vec *Ul, const PetscScalar ****a, NbNSSlots *s)
{
  PetscFunctionBegin;
  PetscCall(NbNSGetSlots(dm, s));
  PetscCall(DMGetLocalVector(dm, Ul));
  PetscCall(DMGlobalToLocal(dm, U, INSERT_VALUES, *Ul));
  PetscCall(DMStagVecGetArrayRead(dm, *Ul, a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static inline PetscErrorCode NbNSRestoreArrayRead(DM dm, Vec *Ul, const PetscScalar ****a)
{
  PetscFunctionBegin;
  PetscCall(DMStagVecRestoreArrayRead(dm, *Ul, a));
  PetscCall(DMRestoreLocalVector(dm, Ul));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Which of the matrices NbNSAssemble builds. */
typedef enum {
  NB_NS_MAT_JACOBIAN, /* dF/dU (+ shift on velocity rows), exactly */
  NB_NS_MAT_NEWTON,   /* the Jacobian with the pressure of cell (0,0) pinned: nonsingular */
  NB_NS_MAT_HELMHOLTZ,/* velocity rows: shift I - c nu L0; other rows identity */
  NB_NS_MAT_POISSON   /* cell rows: -D G with cell (0,0) pinned; other rows identity */
} NbNSMatType;

typedef struct {
  PetscInt  newton_its, linear_its, stages;
} NbNSCounters;

struct _p_NbNavierStokes {
  MPI_Comm  comm;
  /* problem */
  char      casename[64];
  NbNSCase  c;
  PetscReal re, nu, drag;
  PetscReal kol_k, kol_amp, kol_u0; /* Kolmogorov: forcing wavenumber, amplitude, initial rms velocity */
  PetscInt  kol_modes;              /* Kolmogorov: initial state from modes |k_i| <= kol_modes */
  PetscInt  seed;
  PetscReal kol_norm;               /* normalisation of the random initial stream function */
  /* run */
  PetscBool steady;                 /* steady solve (else time-dependent) */
  char      steadysolver[32];       /* newton | march */
  PetscReal tfinal, dt, cfl;
  PetscInt  maxsteps;
  PetscInt  nframes;
  PetscReal steady_tol, re_start;
  PetscBool dt_set;
  /* discretisation */
  DM        dm;                     /* DMStag, dof (0, 1, 1): u on x-faces, v on y-faces, p in cells */
  DM        dac1, dac2;             /* DMDA of cell centres (1 and 2 dof) for output */
  PetscInt  M, N;
  PetscReal hx, hy;
  DM        dmU, dmP;               /* compatible DMStags: velocity only (0,1,0), pressure only (0,0,1) */
  IS        isu, isp;               /* velocity and pressure entries of the global vector (sorted) */
  VecScatter scatU, scatP;          /* global vector of dm -> global vector of dmU, dmP */
  PetscBool setupcalled, solved;
  /* results */
  NbFrames            frames;
  NbNavierStokesStats stats;
  NbNSCounters       count;
};

PETSC_INTERN PetscLogEvent NB_NSSolve, NB_NSResidual, NB_NSJacobian, NB_NSStep, NB_NSPressure, NB_NSVelocity, NB_NSOutput;

/* ns_cases.c */
PETSC_INTERN PetscErrorCode NbNSCaseSetUp(NbNavierStokes, const char name[]);
PETSC_INTERN PetscErrorCode NbNSCaseGetList(PetscFunctionList *);
/* Counter-based hash: a uniform number in (0, 1) from (seed, index) alone,
   so random fields do not depend on the rank count (SplitMix64, Steele,
   Lea & Flood 2014, applied to a counter). */
PETSC_INTERN PetscReal NbNSHashUniform(PetscInt seed, PetscInt64 index);

/* ns_operator.c */
PETSC_INTERN PetscErrorCode NbNSApply(NbNavierStokes, PetscReal t, Vec U, const NbNSTerms *, Vec F);
PETSC_INTERN PetscErrorCode NbNSCreateFieldMatrix(DM, Mat *);
PETSC_INTERN PetscErrorCode NbNSAssemble(NbNavierStokes, PetscReal t, Vec U, NbNSMatType, PetscReal shift, PetscReal c, Mat J);
typedef enum {
  NB_NS_FILL_INITIAL, /* the initial state, walls at t */
  NB_NS_FILL_EXACT,   /* the exact solution at t, point values */
  NB_NS_FILL_WALL     /* zero, except the wall-normal velocities at t */
} NbNSFill;
PETSC_INTERN PetscErrorCode NbNSFillState(NbNavierStokes, PetscReal t, NbNSFill, Vec U);
/* Wall data on the grid: the normal velocity of the wall face (comp 0: u at
   x-face (i, j), i = 0 or M; comp 1: v at y-face (i, j), j = 0 or N), and
   the tangential velocity at the wall vertex (i, j). */
PETSC_INTERN PetscErrorCode NbNSWallNormal(NbNavierStokes, PetscReal t, PetscInt comp, PetscInt i, PetscInt j, PetscReal *g);
PETSC_INTERN PetscErrorCode NbNSWallTangent(NbNavierStokes, PetscReal t, PetscInt comp, PetscInt i, PetscInt j, PetscReal *g);
/* Velocity <-> dmU and pressure <-> dmP transfers of global vectors. */
PETSC_INTERN PetscErrorCode NbNSBuildFieldMaps(NbNavierStokes);
PETSC_INTERN PetscErrorCode NbNSRemoveMeanPressure(NbNavierStokes, Vec U);
PETSC_INTERN PetscErrorCode NbNSMaxVelocity(NbNavierStokes, Vec U, PetscReal *umax, PetscReal *cfl);

/* ns_projection.c and ns_newton.c: the two reference solvers */
PETSC_INTERN PetscErrorCode NbNSSolveProjection(NbNavierStokes);
PETSC_INTERN PetscErrorCode NbNSSolveNewton(NbNavierStokes);
/* ns_multigrid.c: the hierarchy for -pc_type mg on the pressure Poisson */
PETSC_INTERN PetscErrorCode NbNSPressureMultigrid(NbNavierStokes, KSP);
PETSC_INTERN PetscErrorCode NbNSPressureMultigridLevels(NbNavierStokes, PetscInt *);

/* ns_ghia.c */
PETSC_INTERN PetscErrorCode NbNSGhiaTable(PetscReal re, PetscBool *found, const PetscReal **y, const PetscReal **u, const PetscReal **x, const PetscReal **v, PetscInt *n);

/* Keeps a copy of U as the next frame at time t. */
PETSC_INTERN PetscErrorCode NbNSKeepFrame(NbNavierStokes, PetscReal t, Vec U);

#endif
