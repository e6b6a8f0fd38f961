/* Private to solvers/: what the reference solvers (burgers.c, navierstokes.c
   and ns_*.c) share: the frames a solve keeps and reports through a
   monitor, their errors against an exact solution, and fields written under
   a suffixed name. */
#ifndef NB_SOLVERS_FRAMES_H
#define NB_SOLVERS_FRAMES_H

#include <petscvec.h>
#include "nbio.h"

/* Called after frame k is kept (elapsed: wall seconds since NbFramesStart). */
typedef PetscErrorCode (*NbFrameMonitorFn)(PetscInt k, PetscReal t, double elapsed, void *ctx);

typedef struct {
  PetscInt         n;      /* frames kept */
  PetscReal       *t;      /* their times */
  Vec             *U;      /* their states (owned) */
  double           t0;     /* wall time at NbFramesStart */
  NbFrameMonitorFn monitor;
  void            *monctx;
} NbFrames;

/* Starts the wall clock of a solve; returns its start time. */
PETSC_INTERN double         NbFramesStart(NbFrames *);
/* Appends a copy of U as the frame at time t and calls the monitor. */
PETSC_INTERN PetscErrorCode NbFramesKeep(NbFrames *, PetscReal t, Vec U);
/* The kept frames (any output may be NULL). */
PETSC_INTERN PetscErrorCode NbFramesGet(const NbFrames *, PetscInt *n, const PetscReal *t[], Vec *U[]);
PETSC_INTERN PetscErrorCode NbFramesDestroy(NbFrames *);

/* Relative discrete L2 error ||D|| / ||E|| of a difference D against the
   exact values E, over the entries is (NULL: all); ||D|| when E = 0. */
PETSC_INTERN PetscErrorCode NbRelativeError(Vec E, Vec D, IS is, PetscReal *err);

/* Writes v as the field <name><suffix>. */
PETSC_INTERN PetscErrorCode NbWriteFieldSuffixed(NbOutput, const char name[], const char suffix[], Vec v);

/* Registers n log events of nabla's class once (when *ev[0] is still 0). */
PETSC_INTERN PetscErrorCode NbRegisterEvents(PetscInt n, const char *const names[], PetscLogEvent *const ev[]);

#endif
