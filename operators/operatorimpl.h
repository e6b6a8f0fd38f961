/* Private to operators/: the NbOperator object, its ops table and the
   sample store of the MSR loss. */
#ifndef OPERATORIMPL_H
#define OPERATORIMPL_H

#include "nboperator.h"

#define NB_OPERATOR_NIN 4 /* inputs per node: log kappa (scaled to [-1, 1]), f, x, y */

typedef struct {
  PetscErrorCode (*destroy)(NbOperator); /* first: NbRegistrySetType */
  /* the network from the node inputs X (points x NB_OPERATOR_NIN) to one
     output column, its parameters added to op->model */
  PetscErrorCode (*build)(NbOperator, NbGraph, NbTensor X, NbTensor *out);
  PetscErrorCode (*view)(NbOperator, PetscViewer);
} NbOperatorOps;

/* One sample's data on this rank: the node inputs (L x NB_OPERATOR_NIN),
   its operator A and right-hand side b on the sequential grid, ||b||^2. */
typedef struct {
  PetscReal *x;
  Mat        A;
  Vec        b;
  PetscReal  bb;
} NbOperatorSample;

struct _p_NbOperator {
  NB_HEAD;
  NbOperatorOps   ops;
  NbPoissonFamily fam;
  PetscInt        nx, ny, L;                /* grid, nodes per sample */
  PetscInt        width, blocks, mixrank, modes; /* -lordnet_* */
  NbTensor        basis[2];  /* lordnet: the cosine bases of the factors along x and y (NULL: free factors) */
  PetscInt        ntrain, ntest, batch, cap; /* cap: samples per rank per pass */
  PetscInt        lbfgs_its, B;  /* L-BFGS iterations after Adam; samples of the current pass, all ranks */
  PetscBool       view;
  NbModel         model;
  NbGraph         graph;
  NbOptimizer     opt, lbfgs;
  NbTensor        X, mask, w, e, u, loss;
  DM              da;        /* the nx x ny grid on PETSC_COMM_SELF */
  Vec             vu, vr, vw;
  NbOperatorSample *train;   /* cache of the training samples this rank has used (ntrain entries) */
  PetscInt        nloc;      /* samples of the current pass on this rank */
  PetscInt64     *idx;       /* their global indices (cap) */
  PetscReal      *xb, *mb, *wb, *eb, *ub; /* input and output staging, cap L (x: cap L NIN) */
  PetscReal      *good;      /* parameters of the last finite loss */
  double          trainwall, predictwall; /* seconds in training; in the forward passes of NbOperatorPredict */
};

/* operator_samples.c */
/* withop: also the operator A, b (not needed to predict) */
PETSC_INTERN PetscErrorCode NbOperatorSampleBuild_Private(NbOperator, PetscInt64 a, PetscBool withop, NbOperatorSample *);
PETSC_INTERN PetscErrorCode NbOperatorSampleDestroy_Private(NbOperatorSample *);
/* sample a: the cached one for a training index, else built into tmp */
PETSC_INTERN PetscErrorCode NbOperatorSampleGet_Private(NbOperator, PetscInt64 a, NbOperatorSample *tmp, NbOperatorSample **);
/* the inputs of this rank's samples idx[0..n-1] staged into the graph (w = e = 0) */
PETSC_INTERN PetscErrorCode NbOperatorSetSamples_Private(NbOperator, PetscInt n, const PetscInt64 idx[]);
/* after a forward pass: r_a = A_a u_a - b_a, the seed w and the value
   terms e of the surrogate loss (operator.c's comment), staged */
PETSC_INTERN PetscErrorCode NbOperatorSeedMSR_Private(NbOperator, PetscReal nglobal);

/* the lordnet and local networks' shared pieces: y = act(x W + b) of a new
   dense layer; the projection C -> C -> 1 */
PETSC_INTERN PetscErrorCode NbOperatorDense_Private(NbOperator, NbGraph, const char name[], NbTensor x, PetscInt nin, PetscInt nout, NbActivation, NbTensor *);
PETSC_INTERN PetscErrorCode NbOperatorProject_Private(NbOperator, NbGraph, NbTensor h, PetscInt width, NbTensor *);
/* parameters of the lordnet network of the given width, blocks, rank on nx x ny */
PETSC_INTERN PetscInt NbOperatorLordNetParameters_Private(NbOperator);

PETSC_INTERN PetscErrorCode NbOperatorCreate_LordNet(NbOperator);
PETSC_INTERN PetscErrorCode NbOperatorCreate_Local(NbOperator);

#endif
