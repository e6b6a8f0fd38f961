/* nabla problems: NbProblem, the one place that knows a PDE.

   A problem owns its PETSc reference solver and everything a neural method
   needs to solve the same problem and to be judged against it:
     - the reference solve and its output frames (times, fields);
     - the evaluation points: the nodes (or cell centres) of the output grid,
       each rank holding a contiguous block of their natural order, so that a
       neural solution evaluated there is the same whatever the rank count,
       and the way back from point values to output fields;
     - the PDE pointwise on jets (NbPDE: residual, initial/boundary data, the
       hard-constraint lift, the flux of a conservation law) for PINNs;
     - noisy observations of the reference (inverse problems);
     - the error of any solution against the reference and the exact solution;
     - the reference discretisation's own residual F(U) and Jacobian (what it
       hands to SNES/KSP/TS), for methods trained by the discrete residual.
   Types live in a registry (-problem, or the program's default):
     burgers       viscous Burgers, 1-D and 2-D (solvers/burgers*.c)
     navierstokes  2-D incompressible flow on a MAC grid, cases -ns_case
     poisson       -div(kappa grad u) = f on the unit square (solvers/poisson.c)
   A new problem is one file with its create function and one
   NbProblemRegister line.

   USAGE
     NbProblemCreate(comm, &p); NbProblemSetType(p, "burgers");
     NbProblemSetFromOptions(p); NbProblemSetUp(p);
     NbProblemSolveReference(p);
     NbProblemGetEvaluationInputs(p, frame, &n, &x);   // n x (dim [+1 time])
     ... evaluate a model at x -> v (n x nout) ...
     NbProblemWriteFrames(p, out, extra, ctx);          // extra writes v with NbProblemWriteValues
     NbProblemReportErrors(p, rep, "PINN", v_per_frame); */
#ifndef NBPROBLEM_H
#define NBPROBLEM_H

#include <petscdmda.h>
#include "nbnn.h"
#include "nbio.h"

#define NB_PDE_MAXCOEF 4
#define NB_PDE_MAXOUT  4

/* ------------------------------------------------------------------ NbPDE
   What a physics-informed method needs of a PDE, written once per problem
   as pointwise functions on graph tensors (jets carry the derivatives). The
   inputs are (x[, y][, t]): space, then time unless the problem is steady. */
typedef struct {
  const char *name;   /* "1-D Burgers" */
  PetscInt    dim;    /* space dimension */
  PetscBool   steady; /* no time input, no initial condition */
  PetscInt    nout;   /* solution components */
  const char *coords; /* input names, "x,t" */
  const char *derivs; /* the jet derivatives the residual needs, "x,t,xx" */
  const char *outnames[NB_PDE_MAXOUT];
  PetscReal   lo[4], hi[4]; /* the (space-time) box, time last */
  /* coefficients (nu, lambda, ...): fixed in forward runs, identified in
     inverse runs; positive ones are trained through their logarithm */
  PetscInt    ncoef;
  const char *coefname[NB_PDE_MAXCOEF];
  PetscReal   coef[NB_PDE_MAXCOEF];
  PetscBool   coefpositive[NB_PDE_MAXCOEF];
  /* residual tensors from the inputs X (plain), the output jet U and the
     coefficients (1 x 1 tensors) */
  PetscErrorCode (*residual)(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[]);
  /* hard constraint u = A(X) + B(X) N from the inputs X (jet or plain) and
     the raw network output N; NULL when there is none */
  PetscErrorCode (*hard)(void *ctx, NbTensor X, NbTensor N, NbTensor *U);
  PetscBool   defaulthard; /* the hard constraint is the default (-pinn_bc) */
  const char *bcwhy;       /* why the default -pinn_bc is the default, for -help (may be NULL) */
  /* initial data (dim coordinates; NULL when steady) and boundary data */
  PetscErrorCode (*initial)(void *ctx, const PetscReal x[], PetscReal u[]);
  PetscErrorCode (*boundary)(void *ctx, PetscReal t, const PetscReal x[], PetscReal u[]);
  /* conservation laws u_t + div f(u) = 0: f(u).e_axis for a space axis,
     one column per residual (cPINN); NULL when the PDE is not one */
  PetscErrorCode (*flux)(void *ctx, NbTensor U, const NbTensor coef[], PetscInt axis, NbTensor *F);
  /* refuses settings this PDE cannot honour, naming the option and the fix
     (may be NULL) */
  PetscErrorCode (*check)(void *ctx, PetscBool hard, PetscBool inverse);
  void *ctx;
} NbPDE;

/* --------------------------------------------------------------- NbProblem */
typedef struct _p_NbProblem *NbProblem;

/* The solution components compared together: the whole solution (name
   NULL), or e.g. velocity (u, v) and pressure (p, compared after removing
   each frame's mean, since only its gradient is defined). */
typedef struct {
  const char *name;
  PetscInt    c0, c1;     /* components [c0, c1) */
  PetscBool   meanfree;   /* compared after removing the mean over the points of a frame */
} NbProblemGroup;

/* A solution at n points x (n x inputs, this rank's), u (n x nout); collective. */
typedef PetscErrorCode (*NbPointFn)(PetscInt n, const PetscReal x[], PetscReal u[], void *ctx);
/* Called inside frame k of NbProblemWriteFrames to add a method's fields. */
typedef PetscErrorCode (*NbProblemFrameFn)(NbProblem, NbOutput, PetscInt k, void *ctx);

NB_CLASS_DECLARATIONS(NbProblem); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbProblemCreate(MPI_Comm, NbProblem *);
/* -problem <type> (when no type is set yet), and the type's options */
PETSC_EXTERN PetscErrorCode NbProblemSetFromOptions(NbProblem);
/* Grids, solvers and evaluation points; after this the frame times are known. */
PETSC_EXTERN PetscErrorCode NbProblemSetUp(NbProblem);
PETSC_EXTERN PetscErrorCode NbProblemView(NbProblem, PetscViewer);
PETSC_EXTERN PetscErrorCode NbProblemDestroy(NbProblem *);
/* The solver object of the type (NbBurgers, NbNavierStokes, ...), borrowed. */
PETSC_EXTERN PetscErrorCode NbProblemGetSolver(NbProblem, void *);

/* The pointwise PDE (borrowed); fails, naming the option, when the
   problem as configured has none. */
PETSC_EXTERN PetscErrorCode NbProblemGetPDE(NbProblem, const NbPDE **);
PETSC_EXTERN PetscErrorCode NbProblemGetGroups(NbProblem, PetscInt *n, const NbProblemGroup *groups[]);

/* The reference solve (the first call solves, later ones return). A long
   solve prints its progress every output frame unless -problem_monitor 0. */
PETSC_EXTERN PetscErrorCode NbProblemSolveReference(NbProblem);
/* Output times (t = 0 first; one frame for steady problems); after SetUp. */
PETSC_EXTERN PetscErrorCode NbProblemGetFrames(NbProblem, PetscInt *n, const PetscReal *t[]);

/* This rank's evaluation points: the block [offset, offset + n) of the N
   points in the output grid's natural order, space coordinates n x dim
   (borrowed). */
PETSC_EXTERN PetscErrorCode NbProblemGetEvaluationPoints(NbProblem, PetscInt *n, PetscInt64 *N, PetscInt64 *offset, const PetscReal *x[]);
/* The same points with frame k's time appended for unsteady problems:
   n x inputs, allocated with PetscMalloc1 (free with PetscFree). */
PETSC_EXTERN PetscErrorCode NbProblemGetEvaluationInputs(NbProblem, PetscInt k, PetscInt *n, PetscReal **x);
/* The reference at this rank's evaluation points in frame k, n x nout
   (caller's array). Mean-free components carry the exact solution's gauge
   where there is one, else zero mean. After SolveReference. */
PETSC_EXTERN PetscErrorCode NbProblemGetReferenceValues(NbProblem, PetscInt k, PetscReal v[]);
PETSC_EXTERN PetscErrorCode NbProblemHasExact(NbProblem, PetscBool *);
PETSC_EXTERN PetscErrorCode NbProblemGetExactValues(NbProblem, PetscInt k, PetscReal v[]);
/* N observations of the reference: (frame, point) pairs drawn from seed
   (frames after t = 0 for unsteady problems), with Gaussian noise of
   noise x each component's RMS (Raissi et al. 2019). The whole list on
   every rank: x (N x inputs) and u (N x nout), free with PetscFree2. */
/* Fails before any solve, naming the option, if observations cannot be drawn
   (too few frames after t = 0, N < 1). */
PETSC_EXTERN PetscErrorCode NbProblemCheckObservations(NbProblem, PetscInt64 N);
PETSC_EXTERN PetscErrorCode NbProblemGetObservations(NbProblem, PetscInt64 N, PetscInt64 seed, PetscReal noise, PetscReal **x, PetscReal **u);

/* Errors of a solution given at the evaluation points of every frame
   (v[k]: n x nout), per group: relative L2 over all frames against the
   reference and, where known, the exact solution; largest pointwise
   deviation; relative L2 at the final frame. */
typedef struct {
  PetscReal ref, exact, final, maxabs; /* exact: -1 without an exact solution */
} NbProblemError;
/* Removes each frame's mean over all points from the mean-free components
   of values v (n x nout) at the evaluation points (collective): how they
   are compared and written. */
PETSC_EXTERN PetscErrorCode NbProblemRemoveMeans(NbProblem, PetscReal v[]);
PETSC_EXTERN PetscErrorCode NbProblemComputeErrors(NbProblem, PetscReal *const v[], NbProblemError err[]);
/* Adds "<who> rel. L2 error[ of <group>] vs reference, all frames" and the
   other rows of NbProblemComputeErrors to a report. */
PETSC_EXTERN PetscErrorCode NbProblemReportErrors(NbProblem, NbReport, const char who[], PetscReal *const v[]);
/* The problem's own checks of a solution given as a function (cavity: the
   Ghia et al. centre lines), as report rows "<who>: ...". Collective. */
PETSC_EXTERN PetscErrorCode NbProblemReportSolution(NbProblem, NbReport, const char who[], NbPointFn, void *ctx);
/* Grid, ranks, solver statistics and the reference's own errors. */
PETSC_EXTERN PetscErrorCode NbProblemReport(NbProblem, NbReport);

/* Writes the grid, the metadata and every frame (reference fields, the
   exact solution where known), calling extra (may be NULL) inside each. */
PETSC_EXTERN PetscErrorCode NbProblemWriteFrames(NbProblem, NbOutput, NbProblemFrameFn extra, void *ctx);
/* Inside a frame: values at this rank's evaluation points as the fields
   <outname><suffix> (and velocity<suffix> for flows), n x nout. */
PETSC_EXTERN PetscErrorCode NbProblemWriteValues(NbProblem, NbOutput, const char suffix[], const PetscReal v[]);
/* Inside a frame: one value per evaluation point as the field name. */
PETSC_EXTERN PetscErrorCode NbProblemWriteScalar(NbProblem, NbOutput, const char name[], const PetscReal v[]);

/* The discrete operator the reference solver solves, on the DM of the
   problem's state. Steady problems: F(U) = 0. Time-dependent ones, method
   of lines: M dU/dt + F(t, U) = 0. One backward-Euler step from Uold as a
   residual: R = M (U - Uold)/dt + F(t, U), and its Jacobian M/dt + dF/dU
   (what a neural operator trained by the discrete residual uses). */
PETSC_EXTERN PetscErrorCode NbProblemGetDM(NbProblem, DM *);
PETSC_EXTERN PetscErrorCode NbProblemCreateMatrix(NbProblem, Mat *);
PETSC_EXTERN PetscErrorCode NbProblemComputeResidual(NbProblem, PetscReal t, Vec U, Vec F);
PETSC_EXTERN PetscErrorCode NbProblemComputeJacobian(NbProblem, PetscReal t, Vec U, Mat J);
PETSC_EXTERN PetscErrorCode NbProblemComputeStepResidual(NbProblem, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R);
PETSC_EXTERN PetscErrorCode NbProblemComputeStepJacobian(NbProblem, PetscReal t, PetscReal dt, Vec U, Mat J);

#endif
