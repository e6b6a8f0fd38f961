/* Private to nn/: the structs behind the handles in nbnn.h, the op table, and
   the kernels the ops share.

   Memory layout of a tensor (feature-major, so that kernels vectorise over
   points whatever the width):
     val[p * ld + c * T + i]   feature p, jet component c, lane (point) i
   A point tensor holds one tile of T points (T a multiple of 8); a constant
   or global tensor holds all its rows (T = rows, K = 1). Lanes n..T-1 of a
   partial tile hold finite garbage: every op that mixes lanes (reductions,
   weight gradients, attention) reads exactly n lanes. */
#ifndef NNIMPL_H
#define NNIMPL_H

#include "nbnn.h"
#include <stdint.h>

#if !defined(PETSC_USE_REAL_DOUBLE) || defined(PETSC_USE_COMPLEX)
  #error "nabla nn needs PETSc with real double scalars"
#endif

#define NB_JET_MAX   16
#define NB_COORD_MAX 8
#define NB_NAME_LEN  64

/* ------------------------------------------------------------------- RNG */
typedef struct {
  PetscInt64 stream, counter;
} NbRNGCounter;

struct _p_NbRNG {
  MPI_Comm      comm;
  char          prefix[NB_NAME_LEN];
  PetscInt64    seed;
  PetscInt      ncounters, maxcounters;
  NbRNGCounter *counters;
};

/* nabla's own streams (above NB_RNG_STREAM_INTERNAL) */
#define NB_STREAM_INIT    (NB_RNG_STREAM_INTERNAL + 0x100000) /* + parameter index */
#define NB_STREAM_DROPOUT (NB_RNG_STREAM_INTERNAL + 0x200000) /* + node id; high 32 bits: epoch */
#define NB_STREAM_EPOCH   (NB_RNG_STREAM_INTERNAL + 0x300000) /* the dropout epoch counter */

PETSC_INTERN void NbRNGUniformRaw(PetscInt64 seed, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal out[]);
PETSC_INTERN PetscErrorCode NbRNGSetCounter(NbRNG, PetscInt64 stream, PetscInt64 counter);

/* ----------------------------------------------------------------- model */
typedef struct {
  char       name[NB_NAME_LEN];
  PetscInt   rows, cols;
  PetscInt   offset; /* into params (trainable) or consts */
  PetscBool  trainable;
  NbInitType init;
  PetscReal  scale;
  PetscReal  lo, hi; /* bounds */
} NbParamInfo;

typedef enum {
  NB_LAYER_MLP,
  NB_LAYER_DENSE,
  NB_LAYER_FOURIER,
  NB_LAYER_LAYERNORM
} NbLayerType;

struct _p_NbLayer {
  NbModel      model;
  NbLayerType  type;
  char         name[NB_NAME_LEN];
  PetscInt     nw, *widths;
  NbActivation act;
  PetscInt     np, *pidx; /* parameter indices */
};

struct _p_NbModel {
  MPI_Comm     comm;
  char         name[NB_NAME_LEN], prefix[NB_NAME_LEN];
  PetscInt     np, maxp;
  NbParamInfo *p;
  PetscInt     ntrain, nconst; /* lengths of the flat buffers */
  PetscReal   *params, *grad;  /* grad has ntrain + 1 entries: the last carries the loss through the allreduce */
  PetscReal   *consts;
  Vec          vparams, vgrad;
  NbRNG        rng;
  PetscBool    setup, view, hasbounds;
  PetscInt     nprivate; /* the first nprivate trainable entries are this rank's own */
  PetscInt     nlayers, maxlayers;
  NbLayer     *layers;
};

PETSC_INTERN PetscErrorCode NbModelGetParameterInfo_Private(NbModel, PetscInt index, const NbParamInfo **);

/* ------------------------------------------------------------------ jets */
typedef struct {
  PetscInt ncoord;
  char     coord[NB_COORD_MAX];
  PetscInt K, nfirst, nsecond;        /* K = 1 + nfirst + nsecond components */
  PetscInt first[NB_JET_MAX];         /* coordinate of component 1 + i */
  PetscInt pair[NB_JET_MAX][2];       /* component 1 + nfirst + s = d2/(d first[p] d first[q]) */
  char     name[NB_JET_MAX][4];       /* "", "x", "xt", ... */
  PetscInt ninc[NB_JET_MAX];          /* first derivative i appears in ninc[i] second ones: */
  PetscInt inc[NB_JET_MAX][2 * NB_JET_MAX][2]; /* (second index s, the other first index) */
} NbJetSpec;

/* --------------------------------------------------------------- graph */
typedef enum {
  NB_KIND_CONST,  /* fixed rows, independent of the points */
  NB_KIND_POINT,  /* one row per point of an input set */
  NB_KIND_GLOBAL  /* computed from reductions over points */
} NbKind;

typedef struct {
  PetscInt   n, n8;  /* valid lanes, rounded up to 8 */
  PetscInt   i0;     /* first point of the tile in the local set */
  PetscInt64 goff;   /* global index of the tile's first point */
} NbTile;

typedef struct _n_NbOp NbOp;
typedef struct _p_NbNode *NbNode;

struct _n_NbOp {
  const char *name;
  PetscErrorCode (*forward)(NbNode, const NbTile *);
  /* accumulates into in[i]->grad where need[i] */
  PetscErrorCode (*backward)(NbNode, const NbTile *, const PetscBool need[]);
  /* how the op treats inputs that are sums of per-rank partial reductions:
     NB_PARTIAL_NONE: must not get any; NB_PARTIAL_LINEAR: linear in them
     (all inputs partial or none); NB_PARTIAL_FACTOR: one partial factor. */
  int partial;
  /* the backward can write (rather than add to) input 0's gradient when it is its first writer */
  PetscBool ovw;
};
enum { NB_PARTIAL_NONE, NB_PARTIAL_LINEAR, NB_PARTIAL_FACTOR };

typedef struct {
  PetscInt   id;
  char       name[NB_NAME_LEN];
  PetscInt   cap, cap8;       /* capacity in points */
  PetscInt   n;              /* local points now */
  PetscInt64 nglobal, goff;  /* global count, this rank's first global index */
  PetscInt   T;              /* tile size (lanes) */
  PetscInt   rowblock;       /* points per attention sequence (1 if none) */
  PetscInt   nlist;
  NbNode    *list;           /* point nodes of the set, then its reductions, in topological order */
  PetscInt   ninputs;
  NbNode    *inputs;
  PetscReal *gradpool;       /* gradient buffers of the memory plan */
  PetscInt  *nzero;          /* per list position: roots to zero before its backward */
  NbNode    *zero;
} NbPointSet;

struct _p_NbNode {
  NbGraph      g;
  PetscInt     id;
  const NbOp  *op;
  char         name[NB_NAME_LEN];
  PetscInt     nin;
  NbNode      *in;
  NbKind       kind;
  PetscInt     set;        /* point set (NB_KIND_POINT) */
  PetscInt     rows, cols; /* rows: fixed rows, or the capacity of a point set */
  PetscInt     K;          /* jet components (1: plain) */
  const NbJetSpec *jet;
  PetscReal   *val, *grad;
  PetscInt     ld, T;      /* column stride; component stride */
  PetscBool    requires, contributes, needgrad, partial, reducer, isinput, isparam, isview, isoutput, keepgrad;
  PetscBool    ovw0;       /* backward writes input 0's gradient (first writer, no zeroing) */
  /* op arguments */
  PetscReal    alpha, beta;
  PetscInt     iarg[4];
  PetscReal   *w;          /* weights of a linear combination */
  PetscReal   *aux;        /* per-tile scratch (masks, statistics, probabilities) */
  PetscInt     auxlanes, auxfixed; /* aux holds auxlanes * T + auxfixed reals */
  NbModel      model;      /* parameters */
  PetscInt     pidx;
  PetscReal   *staging;    /* inputs: [cols][cap8] for the whole set */
  PetscReal   *capture;    /* outputs: [cols][cap8] */
  PetscReal   *constval;   /* user constants: values set by NbGraphSetConstant */
  PetscReal   *gradbase;   /* inputs marked by NbGraphMarkInputGradient: their gradient, [cols][cap8] */
  PetscInt     nconsumers;
  PetscInt     gradoff;    /* point roots: offset of the gradient in the set's pool, -1 if none */
  PetscInt     ndata;      /* inputs: points given by the last NbGraphSetInput, -1 before */
  PetscInt     pos;        /* position in its set's list or in the const/global order */
};

struct _p_NbGraph {
  MPI_Comm     comm;
  PetscMPIInt  rank, size;
  char         prefix[NB_NAME_LEN];
  PetscInt     nnodes, maxnodes;
  NbNode      *nodes;
  PetscInt     nsets;
  NbPointSet  *sets;
  PetscInt     nconst, nglobal;
  NbNode      *constlist, *globallist;
  NbNode       loss;
  PetscInt     nmodels;
  NbModel      models[8];
  PetscInt     njets;
  NbJetSpec   *jets[16];
  NbRNG        rng;
  PetscBool    rngowned, dropout;
  PetscInt64   epoch;
  PetscInt     tile;
  PetscBool    setup, fused, view;
  PetscReal   *arena;
  size_t       arenasize;
  PetscBool   *need;       /* scratch: which inputs of a node get gradients */
  PetscInt     maxin;
};

/* graph.c */
PETSC_INTERN PetscErrorCode NbNodeCreate_Private(NbGraph, const NbOp *, PetscInt nin, const NbNode in[], NbNode *);
PETSC_INTERN PetscErrorCode NbNodeSetShapeLike_Private(NbNode, NbNode like, PetscInt cols);
PETSC_INTERN PetscErrorCode NbGraphCheckSame_Private(NbNode a, NbNode b, const char opname[]);
PETSC_INTERN PetscErrorCode NbGraphCheckOpen_Private(NbGraph);
PETSC_INTERN PetscErrorCode NbViewForward_Private(NbNode, const NbTile *);
/* exec.c */
PETSC_INTERN PetscErrorCode NbGraphPlan_Private(NbGraph);
/* inputgrad.c: the kept input gradients zeroed before a backward pass */
PETSC_INTERN PetscErrorCode NbGraphZeroInputGradients_Private(NbGraph);
PETSC_INTERN PetscErrorCode NbGraphJacobianStart_Private(NbGraph);
PETSC_INTERN PetscErrorCode NbGraphJacobianSet_Private(NbGraph, PetscInt set);
PETSC_INTERN PetscErrorCode NbGraphJacobianTile_Private(NbGraph, PetscInt set, const NbTile *);
PETSC_INTERN PetscErrorCode NbGraphJacobianSweep_Private(NbGraph, NbNode seed, const NbTile *, PetscInt entry);
/* jet.c */
PETSC_INTERN PetscErrorCode NbJetSpecCreate_Private(NbGraph, const char coords[], const char derivs[], const NbJetSpec **);
PETSC_INTERN PetscErrorCode NbJetFindComponent_Private(const NbJetSpec *, const char deriv[], PetscInt *c);
/* Forward/backward of y = f(z) on all jet components of one column:
   f0 = f(z0), f1..f3 = its first three derivatives (f3 only in backward). */
PETSC_INTERN void NbJetUnaryForward_Private(const NbJetSpec *, PetscInt T, PetscInt n, const PetscReal *z, PetscReal *y, const PetscReal *f1, const PetscReal *f2);
PETSC_INTERN void NbJetUnaryBackward_Private(const NbJetSpec *, PetscInt T, PetscInt n, const PetscReal *z, const PetscReal *gy, PetscReal *gz, const PetscReal *f1, const PetscReal *f2, const PetscReal *f3);
/* y = tanh(z) fused with its jet rules (K components of T lanes; overwrite: gz = rather than +=) */
PETSC_INTERN void NbJetTanhForward_Private(const NbJetSpec *, PetscInt K, PetscInt T, PetscInt n, const PetscReal *z, PetscReal *y);
PETSC_INTERN void NbJetTanhBackward_Private(const NbJetSpec *, PetscInt K, PetscInt T, PetscInt n, const PetscReal *z, const PetscReal *y, const PetscReal *gy, PetscReal *gz, PetscBool overwrite);
/* product rule y = a b on all components of one column of two jets, and its reverse (ga, gb may be NULL) */
PETSC_INTERN void NbJetMulForward_Private(const NbJetSpec *, PetscInt T, PetscInt n, const PetscReal *a, const PetscReal *b, PetscReal *y);
PETSC_INTERN void NbJetMulBackward_Private(const NbJetSpec *, PetscInt T, PetscInt n, const PetscReal *a, const PetscReal *b, const PetscReal *gy, PetscReal *ga, PetscReal *gb);
PETSC_INTERN PetscBool NbJetSpecEqual_Private(const NbJetSpec *, const NbJetSpec *);

/* kernels.c: feature-major matrix kernels and vector math */
/* Y[j][l] (=|+=) sum_p A(p,j) X[p][l], A(p,j) = A[p*sap + j*saj], l < nl, j < m, p < k */
PETSC_INTERN void NbGemmFM(PetscInt m, PetscInt k, PetscInt nl, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, PetscBool add);
/* the same, overwriting, plus b[j*sb] on lanes l < nb */
PETSC_INTERN void NbGemmFMBias(PetscInt m, PetscInt k, PetscInt nl, const PetscReal *A, PetscInt sap, PetscInt saj, const PetscReal *X, PetscInt ldx, PetscReal *Y, PetscInt ldy, const PetscReal *b, PetscInt sb, PetscInt nb);
/* s[j*ss] += sum_{l<n} D[j*ldd + l] */
PETSC_INTERN void NbRowSumFM(PetscInt m, PetscInt n, const PetscReal *D, PetscInt ldd, PetscReal *s, PetscInt ss);
/* G(p,j) += sum_{l<nl} X[p][l] D[j][l], G(p,j) = G[p*sgp + j*sgj] */
PETSC_INTERN void NbGemmDotFM(PetscInt k, PetscInt m, PetscInt nl, const PetscReal *X, PetscInt ldx, const PetscReal *D, PetscInt ldd, PetscReal *G, PetscInt sgp, PetscInt sgj);
PETSC_INTERN void NbVecTanh(PetscInt n, const PetscReal *x, PetscReal *y);
PETSC_INTERN void NbVecExp(PetscInt n, const PetscReal *x, PetscReal *y);
PETSC_INTERN void NbVecSigmoid(PetscInt n, const PetscReal *x, PetscReal *y);

/* ops: the constructors behind NbTensor* live in ops_*.c */
PETSC_INTERN const NbOp NbOp_Input, NbOp_Param, NbOp_Constant;
PETSC_INTERN PetscErrorCode NbTensorUnary_Private(NbTensor, PetscInt fn, PetscReal alpha, PetscReal beta, NbTensor *);
enum {
  NB_FN_AXPB,
  NB_FN_TANH,
  NB_FN_SIN,
  NB_FN_COS,
  NB_FN_SIGMOID,
  NB_FN_SOFTPLUS,
  NB_FN_GELU,
  NB_FN_RELU,
  NB_FN_EXP,
  NB_FN_LOG,
  NB_FN_SQUARE,
  NB_FN_SQRT,
  NB_FN_RECIP,
  NB_FN_COUNT
};

/* optimizer */
typedef struct {
  PetscErrorCode (*destroy)(NbOptimizer); /* first (NB_HEAD) */
  PetscErrorCode (*setfromoptions)(NbOptimizer, PetscOptionItems *);
  PetscErrorCode (*postoptions)(NbOptimizer); /* after the options block (TaoSetFromOptions) */
  PetscErrorCode (*setup)(NbOptimizer);
  PetscErrorCode (*step)(NbOptimizer, PetscReal *);
  PetscErrorCode (*solve)(NbOptimizer);
  PetscErrorCode (*view)(NbOptimizer, PetscViewer);
  /* checkpoint: the state as named real arrays (borrowed; loading writes into them) */
  PetscErrorCode (*getstate)(NbOptimizer, PetscInt *narr, const char *names[], PetscReal *arrs[], PetscInt lens[]);
} NbOptimizerOps;

struct _p_NbOptimizer {
  NB_HEAD;
  NbOptimizerOps ops;
  NbModel        model;
  NbObjectiveFn  objective;
  void          *objctx;
  NbGraph        graph;
  NbResidualFn   residual; /* least-squares objective (gn, lm) */
  void          *resctx;
  PetscInt       blacs[2]; /* BLACS grid of the dense solves (0, 0: default) */
  NbPreStepFn    prestep;
  void          *prectx;
  NbStepMonitorFn stepmonitor;
  void          *stepmonctx;
  PetscInt       step, maxsteps;
  PetscReal      losstol;
  PetscBool      monitor, view, fromoptions, fixedtype;
  PetscInt       monitorevery;
  PetscInt       nhist, maxhist;
  PetscReal     *hist;
  /* adam family, kept here so that a type change keeps the user's settings */
  PetscReal      lr, beta1, beta2, eps, wd, gamma, lrmin, clip;
  PetscInt       decaysteps, warmup;
  NbSchedule     schedule;
};

PETSC_INTERN PetscErrorCode NbOptimizerCreate_Adam(NbOptimizer);
PETSC_INTERN PetscErrorCode NbOptimizerCreate_AdamW(NbOptimizer);
PETSC_INTERN PetscErrorCode NbOptimizerCreate_LBFGS(NbOptimizer);
PETSC_INTERN PetscErrorCode NbOptimizerCreate_GN(NbOptimizer);
PETSC_INTERN PetscErrorCode NbOptimizerCreate_LM(NbOptimizer);
PETSC_INTERN PetscErrorCode NbOptimizerEvaluate_Private(NbOptimizer, PetscReal *loss);
PETSC_INTERN PetscErrorCode NbOptimizerPushHistory_Private(NbOptimizer, PetscReal);

PETSC_INTERN PetscLogEvent NB_GraphForward, NB_GraphGradient, NB_GraphAllreduce, NB_OptStep, NB_TaoObjGrad, NB_Checkpoint, NB_GraphJacobian, NB_GraphResidual, NB_LSQForm, NB_LSQSolve;
PETSC_INTERN PetscErrorCode NbNNRegisterEvents_Private(void);
PETSC_INTERN PetscErrorCode NbSetPrefix_Private(char dst[NB_NAME_LEN], const char prefix[]);

/* NbState items (state.c) */
typedef enum {
  NB_STATE_REAL,
  NB_STATE_INT64,
  NB_STATE_CHAR
} NbStateType;
typedef struct {
  char       *name;
  NbStateType type;
  PetscInt64  n;
  void       *data;
} NbStateItem;
PETSC_INTERN PetscErrorCode NbStateAdd_Private(NbState, const char name[], NbStateType, PetscInt64 n, const void *v);
PETSC_INTERN PetscErrorCode NbStateGetItems_Private(NbState, PetscInt *n, const NbStateItem *item[]);
PETSC_INTERN PetscErrorCode NbStateBcast_Private(NbState, PetscMPIInt root, MPI_Comm);

#endif
