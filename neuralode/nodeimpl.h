/* Private to neuralode/: the struct behind NbNODE. */
#ifndef NODEIMPL_H
#define NODEIMPL_H

#include "nbnode.h"

struct _p_NbNODE {
  NB_HEAD;
  NbModel    model;
  NbLayer    net;
  PetscInt   dim, nin, batch; /* nin = dim, or dim + 1 with t as an input */
  PetscInt   nloc, np;        /* this rank's members; trainable parameters */
  PetscInt64 off;             /* this rank's first member */
  PetscReal  t0, tf, dt;
  PetscBool  hastimes, view;
  PetscInt   monitor;         /* print every this many gradients (0: never) */

  /* observations: n times, their targets, the states of the last solve and
     the step each was reached at */
  PetscInt   nobs, kobs;
  PetscReal *tobs;
  Vec       *target, *yobs;
  PetscInt  *obsstep;
  PetscBool  recording, hastargets;

  TS   ts, tsfwd; /* with the trajectory for the adjoint; forward only */
  Mat  J, Jp;     /* shells: df/dy and df/dtheta */
  Vec  y0, y, lambda, mu;
  Vec  dldy0;

  /* the network on this rank's members: input X (nloc x nin), adjoint
     weights L (nloc x dim), output F, loss sum(L .* F) */
  NbGraph  g;
  NbTensor X, L, F;

  /* the state the shells linearise about (set by the Jacobian callbacks) */
  PetscReal  tstate, *ystate;
  PetscInt64 stateid;
  PetscReal *xin;             /* graph input rows */
  /* the last backward pass: its state, its weights, the input and parameter halves */
  PetscInt64 vjpstate;
  PetscReal *vjpw, *gx, *gp;
  /* per-member Jacobians (nloc x dim x dim) for products with J, and at which state */
  PetscReal *jac, *work;
  PetscInt64 jacstate;
  /* scaling and shift TS applies to the shells (MatScale/MatShift) */
  PetscReal jscale, jshift, pscale;

  PetscReal      badt; /* time of the first non-finite adjoint of this rank, PETSC_MIN_REAL if none */
  char           tjdir[PETSC_MAX_PATH_LEN]; /* checkpoints on disk (two-level scheme) */
  PetscInt       ngrad;
  PetscLogDouble tfwd, tadj;
};

/* node_rhs.c: the right-hand side and the shells, installed on a TS */
PETSC_INTERN PetscErrorCode NbNODESetUpNetwork_Private(NbNODE);
PETSC_INTERN PetscErrorCode NbNODESetUpTS_Private(NbNODE, TS, PetscBool adjoint);
/* a non-finite adjoint noted (locally) at time t; reported (collectively) */
PETSC_INTERN PetscErrorCode NbNODENoteNonFinite_Private(NbNODE, Vec, PetscReal t);
PETSC_INTERN PetscErrorCode NbNODECheckNonFinite_Private(NbNODE);

#endif
