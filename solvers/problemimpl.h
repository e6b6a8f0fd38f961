/* Private to solvers/problem*.c and the problem types: the NbProblem
   object and its ops table. A type's create function fills the ops; its
   setup fills the evaluation grid, the frame times and the groups. */
#ifndef NBPROBLEMIMPL_H
#define NBPROBLEMIMPL_H

#include "nbproblem.h"

typedef struct {
  PetscErrorCode (*destroy)(NbProblem); /* first: NbRegistrySetType */
  PetscErrorCode (*setfromoptions)(NbProblem);
  /* must set dim, nout, steady, outnames, velocity, da1 (and da2) and the
     evaluation grid (origin, spacing); unless set, a steady problem has one
     frame at t = 0 and all outputs form one group */
  PetscErrorCode (*setup)(NbProblem);
  PetscErrorCode (*view)(NbProblem, PetscViewer);
  PetscErrorCode (*solve)(NbProblem);
  /* fills p->pde or fails naming why the configuration has none */
  PetscErrorCode (*pde)(NbProblem, NbPDE *);
  /* the reference at this rank's evaluation points, frame k (n x nout) */
  PetscErrorCode (*reference)(NbProblem, PetscInt k, PetscReal v[]);
  /* the exact solution at one point (dim coordinates); NULL: none */
  PetscErrorCode (*exact)(NbProblem, PetscReal t, const PetscReal x[], PetscReal u[]);
  /* the type's metadata and the reference's fields of frame k */
  PetscErrorCode (*writemetadata)(NbProblem, NbOutput);
  PetscErrorCode (*writeframe)(NbProblem, NbOutput, PetscInt k);
  PetscErrorCode (*report)(NbProblem, NbReport);
  PetscErrorCode (*reportsolution)(NbProblem, NbReport, const char who[], NbPointFn, void *);
  PetscErrorCode (*getdm)(NbProblem, DM *); /* NULL: the state lives on da1 */
  PetscErrorCode (*creatematrix)(NbProblem, Mat *);
  PetscErrorCode (*residual)(NbProblem, PetscReal t, Vec U, Vec F);
  PetscErrorCode (*jacobian)(NbProblem, PetscReal t, Vec U, Mat J);
  PetscErrorCode (*stepresidual)(NbProblem, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R);
  PetscErrorCode (*stepjacobian)(NbProblem, PetscReal t, PetscReal dt, Vec U, Mat J);
} NbProblemOps;

struct _p_NbProblem {
  NB_HEAD;
  NbProblemOps ops;
  void        *solver; /* the type's solver object (NbProblemGetSolver) */
  PetscBool    solved, view;
  PetscInt     monitor;     /* -problem_monitor: progress of long solves */
  double       lastmonitor; /* elapsed seconds at the last progress line */
  /* set by the type's setup */
  PetscInt       dim, nout;
  PetscBool      steady, velocity; /* velocity: outputs 0, 1 form a vector field */
  const char    *outnames[NB_PDE_MAXOUT];
  DM             da1, da2;         /* 1- and 2-dof DMDAs over the evaluation grid (borrowed) */
  PetscReal      origin[3], spacing[3];
  PetscInt       nf;
  PetscReal     *t;                /* frame times (PetscMalloc1, freed by the base) */
  PetscInt       ngroup;
  NbProblemGroup group[NB_PDE_MAXOUT];
  const char    *frameshint;       /* how to ask for more frames, "-burgers_frames 51" */
  /* the PDE, made on first request */
  NbPDE     pde;
  PetscBool haspde;
  /* evaluation points: this rank's block of the natural order (of da1's
     nodes unless the type's setup sets them: then da1 is over their index) */
  PetscInt   n, m[3];
  PetscInt64 N, offset;
  PetscReal *x;
  PetscReal **ref, **ex; /* per frame, cached on first use */
  /* a linear discretisation F(U) = A U - b and its solution u (borrowed; NbProblemSetLinear_Private) */
  Mat A;
  Vec b, u;
};

/* Values of a vector G on the DMDA da (dof d, same decomposition as da1) at
   this rank's evaluation points, into columns c0 .. c0 + d - 1 of v (n x nout). */
PETSC_INTERN PetscErrorCode NbProblemGlobalToValues_Private(NbProblem, DM da, Vec G, PetscInt c0, PetscReal v[]);
/* The reverse: columns c0 .. c0 + d - 1 of v into G. */
PETSC_INTERN PetscErrorCode NbProblemValuesToGlobal_Private(NbProblem, DM da, const PetscReal v[], PetscInt c0, Vec G);
/* The frame times t_k = T k / (nf - 1), k = 0 .. nf - 1 (one frame at t = 0 when nf = 1). */
PETSC_INTERN PetscErrorCode NbProblemSetFrames_Private(NbProblem, PetscInt nf, PetscReal T);
/* A progress line of a long reference solve after frame k (-problem_monitor);
   ctx is the NbProblem (the solvers' NbFrameMonitorFn). */
PETSC_INTERN PetscErrorCode NbProblemMonitorFrame_Private(PetscInt k, PetscReal t, double elapsed, void *ctx);
/* The evaluation points are the nodes of the DMDA da (dof 1, p->dim
   dimensions) spanning the box [lo, hi]. */
PETSC_INTERN PetscErrorCode NbProblemSetNodeGrid_Private(NbProblem, DM da, const PetscReal lo[], const PetscReal hi[]);
/* A steady problem discretised linearly on da1, F(U) = A U - b, with
   Jacobian A and the reference solution u (A, b, u borrowed): the residual,
   Jacobian and reference ops. */
PETSC_INTERN PetscErrorCode NbProblemSetLinear_Private(NbProblem, Mat A, Vec b, Vec u);
/* A 2-D DMDA of n x n nodes (dof 1, star stencil of width 1) from the
   options (-da_grid_x, -da_grid_y under the problem's prefix), refused below
   nmin nodes per direction; grid describes it ("65 x 65 nodes"). */
PETSC_INTERN PetscErrorCode NbProblemCreateNodeDMDA_Private(NbProblem, PetscInt n, PetscInt nmin, DM *da, char grid[], size_t len);
/* A linear reference solve ksp: b -> u, timed, refused (naming the options)
   unless it converged; what names the problem in the message. */
PETSC_INTERN PetscErrorCode NbProblemSolveKSP_Private(NbProblem, KSP, Vec b, Vec u, const char what[], PetscInt *its, double *wall);
/* Report rows of such a solve: grid, ranks, solver, Krylov iterations, wall time. */
PETSC_INTERN PetscErrorCode NbProblemReportKSP_Private(NbProblem, NbReport, const char grid[], KSP, PetscInt its, double wall);
/* Errors of the reference itself (its exact-solution error in err[g].exact). */
PETSC_INTERN PetscErrorCode NbProblemReferenceErrors_Private(NbProblem, NbProblemError err[]);

PETSC_INTERN PetscErrorCode NbProblemCreate_Burgers(NbProblem);
PETSC_INTERN PetscErrorCode NbProblemCreate_NavierStokes(NbProblem);
PETSC_INTERN PetscErrorCode NbProblemCreate_Poisson(NbProblem);

#endif
