/* Private to uq/uq*.c: the NbUQ object and its ops table. */
#ifndef NBUQIMPL_H
#define NBUQIMPL_H

#include "nbuq.h"

typedef struct {
  PetscErrorCode (*destroy)(NbUQ); /* first: NbRegistrySetType; may be NULL */
  PetscErrorCode (*setfromoptions)(NbUQ, PetscOptionItems *);
  PetscErrorCode (*setup)(NbUQ);
  /* fills nnet global parameter vectors in params (on every rank), or
     trains a network of its own and sets ops.draw and ndraw */
  PetscErrorCode (*run)(NbUQ);
  /* draw j of ndraw (NbUQPredict's mean and std are over the draws) at
     the points x (global index offset.. of N); NULL: the network with the
     parameter vector j of nnet */
  PetscErrorCode (*draw)(NbUQ, PetscInt j, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[]);
  PetscErrorCode (*report)(NbUQ, NbReport);
} NbUQOps;

struct _p_NbUQ {
  NB_HEAD;
  NbUQOps         ops;
  NbPINNFactoryFn factory;
  void           *factoryctx;
  /* observations (inverse), whole list on every rank */
  PetscInt64 nobs;
  PetscReal *xobs, *uobs;
  /* the evaluation network (PETSC_COMM_SELF), its settings and size */
  NbPINN       eval;
  const NbPDE *pde;
  PetscBool    inverse;
  PetscInt64   seed;
  PetscInt     np;
  /* results: nnet global parameter vectors (or ndraw draws of ops.draw),
     coefficient samples */
  PetscInt   nnet, ndraw;
  PetscReal *params;
  PetscReal *coef[NB_PDE_MAXCOEF];
  PetscInt   ncoefsamples;
  PetscReal  wall;
};

/* A network of the factory on comm: seed, observations, perturbation
   (perturbseed < 0: none) and dropout set, not yet set up. */
PETSC_INTERN PetscErrorCode NbUQMakePINN_Private(NbUQ, MPI_Comm, PetscInt64 seed, PetscInt64 perturbseed, PetscReal dropout, NbPINN *);
/* Coefficient samples from every network's parameters (inverse runs). */
PETSC_INTERN PetscErrorCode NbUQCollectCoefficients_Private(NbUQ);

PETSC_INTERN PetscErrorCode NbUQCreate_Ensemble(NbUQ);
PETSC_INTERN PetscErrorCode NbUQCreate_MCDropout(NbUQ);
PETSC_INTERN PetscErrorCode NbUQCreate_HMC(NbUQ);

#endif
