/* Private to pinn/: the sampler object and its ops table. */
#ifndef NBSAMPLERIMPL_H
#define NBSAMPLERIMPL_H
#include "nbpinn.h"

#define NB_SAMPLER_MAXDIM 6

typedef struct {
  PetscErrorCode (*destroy)(NbSampler); /* first: NbRegistrySetType */
  PetscErrorCode (*setfromoptions)(NbSampler, PetscOptionItems *);
  PetscErrorCode (*setup)(NbSampler);
  PetscErrorCode (*adapt)(NbSampler);
  PetscErrorCode (*maxlocal)(NbSampler, PetscInt64 *maxglobal);
  PetscErrorCode (*view)(NbSampler, PetscViewer);
  /* the type's own state beyond the points and the round (checkpoints) */
  PetscErrorCode (*getstate)(NbSampler, NbState);
  PetscErrorCode (*setstate)(NbSampler, NbState);
} NbSamplerOps;

struct _p_NbSampler {
  NB_HEAD;
  NbSamplerOps        ops;
  PetscInt            dim;
  PetscReal           lo[NB_SAMPLER_MAXDIM], hi[NB_SAMPLER_MAXDIM];
  PetscInt64          N0;     /* requested number of points */
  PetscInt64          N;      /* current global number of points */
  PetscInt64          offset; /* this rank's first point */
  PetscInt            n, cap; /* this rank's points, allocated rows */
  PetscReal          *x;      /* n x dim */
  PetscInt            round;
  PetscInt64          seed;
  NbRNG               rng;
  NbSamplerResidualFn residual;
  void               *rctx;
};

/* Stream numbers of the sampler's random draws (below NB_RNG_STREAM_INTERNAL). */
#define NB_SAMPLER_STREAM(kind, round) ((PetscInt64)(kind) * 65536 + (round))
enum { NB_STREAM_UNIFORM = 1, NB_STREAM_LHS_PERM, NB_STREAM_LHS_JITTER, NB_STREAM_CANDIDATES, NB_STREAM_RESAMPLE, NB_STREAM_AAS_BATCH, NB_STREAM_AAS_DRAW };

/* Resizes the local block to hold n points (keeps nothing). */
PETSC_INTERN PetscErrorCode NbSamplerResizeLocal_Private(NbSampler, PetscInt n);
/* Uniform points start..start+n-1 of the given stream, mapped to the box. */
PETSC_INTERN PetscErrorCode NbSamplerUniformBox_Private(NbSampler, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal x[]);
/* N points in all: s->N, this rank's block (s->offset, n) and room for it. */
PETSC_INTERN PetscErrorCode NbSamplerSetGlobalSize_Private(NbSampler, PetscInt64 N, PetscInt *n);
/* N0 uniform points from the stream of the round; round 0 as an ops.setup
   (the residual of an untrained network carries no information). */
PETSC_INTERN PetscErrorCode NbSamplerDrawUniform_Private(NbSampler, PetscInt round);
PETSC_INTERN PetscErrorCode NbSamplerSetUpUniform_Private(NbSampler);
/* an error unless NbSamplerSetResidual() was called */
PETSC_INTERN PetscErrorCode NbSamplerCheckResidual_Private(NbSampler);
/* ops.destroy of a type whose data hold no objects */
/* A PetscInt64 option read through PetscOptionsInt (inside an options block). */
PETSC_INTERN PetscErrorCode NbSamplerOptionsInt64_Private(PetscOptionItems *, const char opt[], const char text[], const char man[], PetscInt64 *v);

PETSC_INTERN PetscErrorCode NbSamplerCreate_Uniform(NbSampler);
PETSC_INTERN PetscErrorCode NbSamplerCreate_LHS(NbSampler);
PETSC_INTERN PetscErrorCode NbSamplerCreate_Sobol(NbSampler);
PETSC_INTERN PetscErrorCode NbSamplerCreate_Halton(NbSampler);
PETSC_INTERN PetscErrorCode NbSamplerCreate_RAD(NbSampler);
PETSC_INTERN PetscErrorCode NbSamplerCreate_RAR(NbSampler);
PETSC_INTERN PetscErrorCode NbSamplerCreate_AAS(NbSampler);
#endif
