/* nabla nn: the neural-network core.

   A model (NbModel) owns one flat buffer of parameters, one gradient buffer of
   the same layout and the RNG that initialised them. A graph (NbGraph) is a
   compiled computation over 2-D tensors (points x features) that reads the
   parameters of one or more models, with reverse-mode autodiff. Jets carry
   derivatives with respect to input coordinates through the graph as ordinary
   nodes, so the parameter gradient of a PDE residual is exact. Optimizers
   (NbOptimizer: adam, adamw, lbfgs/tao; gn, lm on a residual vector and its
   Jacobian, NbGraphComputeJacobian) update a model's flat buffer.

   USAGE: a PINN for 1-D Burgers, u_t + u u_x - nu u_xx = 0

     NbModel m;  NbLayer net;  NbGraph g;  NbOptimizer opt;
     NbTensor X, Xj, U, u, ux, ut, uxx, r, loss;
     PetscInt widths[] = {2, 20, 20, 20, 1};

     NbModelCreate(comm, &m);
     NbModelAddMLP(m, "u", 5, widths, NB_ACT_TANH, &net);      // Glorot init
     NbGraphCreate(comm, &g);
     NbGraphAddInput(g, "colloc", 10000, 2, &X);                // capacity, (x,t)
     NbTensorJetSeed(X, "x,t", "x,t,xx", &Xj);                  // d/dx, d/dt, d2/dx2
     NbLayerApply(net, g, Xj, &U);                              // U carries the jet
     NbTensorJetComponent(U, "", &u);  NbTensorJetComponent(U, "x", &ux);
     NbTensorJetComponent(U, "t", &ut); NbTensorJetComponent(U, "xx", &uxx);
     NbTensorMul(u, ux, &r); NbTensorAdd(r, ut, &r); NbTensorAXPY(r, -nu, uxx, &r);
     NbTensorMeanSquare(r, &loss);   // add boundary terms with NbTensorLinearCombination
     NbGraphSetLoss(g, loss);
     NbGraphSetFromOptions(g); NbGraphSetUp(g);

     NbOptimizerCreate(m, &opt); NbOptimizerSetGraph(opt, g);
     NbOptimizerSetType(opt, "adam"); NbOptimizerSetFromOptions(opt);
     NbGraphSetInput(g, X, n, xt);   // this rank's points, row-major n x 2; any time
     NbOptimizerSolve(opt);          // -opt_max_steps, -opt_lr, ...; then
     NbOptimizerSetType(opt, "lbfgs"); NbOptimizerSolve(opt);  // every -tao_ option

   Inverse problems: NbModelAddScalar(m, "nu", 0.05, NULL) and, in the graph,
   NbGraphAddParameter(g, m, "nu", &nu); NbTensorMul(nu, uxx, &t) (bounds:
   NbModelSetParameterBounds, honoured by adam and -tao_type blmvm).
   New points each step: NbOptimizerSetPreStep() with a function that calls
   NbGraphSetInput() (no recompilation; up to the capacity given at
   NbGraphAddInput). Evaluate anywhere: NbGraphMarkOutput() then
   NbGraphEvaluate(), or build a second graph on the same model. Several
   independent models (ensembles, flows) are several NbModel objects; a graph
   may read several. Checkpoints: NbCheckpointSave/Load(model, optimizer, file).

   Data parallel: create model and graph on a communicator, give each rank its
   share of the points (NbPartition, NbRNGSampleBox); means divide by the
   global count and the gradient is summed with one MPI_Allreduce, so 1 and 4
   ranks follow the same trajectory to round-off. The loss must then be a
   weighted sum of reductions over points (checked at NbGraphSetUp).

   Execution: points run in tiles (-graph_tile, default 64) forward and
   backward at once, when the loss is linear in its reductions over points
   (any weighted sum of means); otherwise each point set runs as one tile.
   A point tensor cannot depend on a reduction over points (pass such values
   in with NbGraphAddConstant). Softmax, layer norm and attention take plain
   tensors, not jets.

   Shapes: a point tensor has one row per point of an input set (rows vary at
   run time up to the capacity); a constant tensor (parameters, and what is
   computed from them) has fixed rows; a reduction over points gives a global
   tensor. Parameters of shape rows x cols act as the right factor of
   (points x rows) * (rows x cols). Everything is float64 (PetscReal). */
#ifndef NBNN_H
#define NBNN_H

#include <petsctao.h>
#include "nbsys.h"

/* ===================================================================== RNG
   Counter-based: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC'11). A random
   number is a pure function of (seed, stream, index), so any rank can draw
   any slice of a global sequence and results do not depend on the number of
   ranks. Streams below NB_RNG_STREAM_INTERNAL belong to the user; nabla uses
   the ones above for initialisation and dropout. Each stream also has a
   counter for sequential use (NbRNGReserve); checkpoints save the counters. */
typedef struct _p_NbRNG *NbRNG;
#define NB_RNG_STREAM_INTERNAL ((PetscInt64)1 << 24)

PETSC_EXTERN PetscErrorCode NbRNGCreate(MPI_Comm, NbRNG *);
PETSC_EXTERN PetscErrorCode NbRNGSetSeed(NbRNG, PetscInt64);
PETSC_EXTERN PetscErrorCode NbRNGGetSeed(NbRNG, PetscInt64 *);
PETSC_EXTERN PetscErrorCode NbRNGSetOptionsPrefix(NbRNG, const char[]);
/* -rng_seed <s> */
PETSC_EXTERN PetscErrorCode NbRNGSetFromOptions(NbRNG);
PETSC_EXTERN PetscErrorCode NbRNGView(NbRNG, PetscViewer);
PETSC_EXTERN PetscErrorCode NbRNGDestroy(NbRNG *);
/* out[i] = value number start+i of the stream: uniform in (0,1) / standard normal. */
PETSC_EXTERN PetscErrorCode NbRNGUniform(NbRNG, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal out[]);
PETSC_EXTERN PetscErrorCode NbRNGNormal(NbRNG, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal out[]);
/* Returns the stream's counter in *start and advances it by count (same on every rank). */
PETSC_EXTERN PetscErrorCode NbRNGReserve(NbRNG, PetscInt64 stream, PetscInt64 count, PetscInt64 *start);
PETSC_EXTERN PetscErrorCode NbRNGGetCounter(NbRNG, PetscInt64 stream, PetscInt64 *counter);
/* Points start..start+n-1 of a uniform sample of the box [lo, hi] (dim
   coordinates each), x row-major n x dim. Point i depends only on (seed,
   stream, i): give each rank its slice with NbPartition. */
PETSC_EXTERN PetscErrorCode NbRNGSampleBox(NbRNG, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscInt dim, const PetscReal lo[], const PetscReal hi[], PetscReal x[]);
/* The deterministic block split of N items over the ranks of comm. */
PETSC_EXTERN PetscErrorCode NbPartition(MPI_Comm, PetscInt64 N, PetscInt64 *offset, PetscInt *n);
/* The raw generator: 10 rounds of Philox4x32 on ctr with key. */
PETSC_EXTERN void NbPhilox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* =================================================================== model */
typedef struct _p_NbModel *NbModel;
typedef struct _p_NbLayer *NbLayer;
typedef struct _p_NbGraph *NbGraph;
typedef struct _p_NbNode  *NbTensor;

typedef enum {
  NB_INIT_ZEROS,
  NB_INIT_CONSTANT,       /* every entry = scale */
  NB_INIT_UNIFORM,        /* U(-scale, scale) */
  NB_INIT_NORMAL,         /* N(0, scale^2) */
  NB_INIT_GLOROT_UNIFORM, /* Glorot & Bengio 2010: U(-a, a), a = scale sqrt(6/(fan_in+fan_out)) */
  NB_INIT_GLOROT_NORMAL,  /* N(0, scale^2 2/(fan_in+fan_out)) */
  NB_INIT_HE_UNIFORM,     /* He et al. 2015: U(-a, a), a = scale sqrt(6/fan_in) */
  NB_INIT_HE_NORMAL       /* N(0, scale^2 2/fan_in) */
} NbInitType;
PETSC_EXTERN const char *const NbInitTypes[];

typedef enum {
  NB_ACT_NONE,
  NB_ACT_TANH,
  NB_ACT_SIN,
  NB_ACT_COS,
  NB_ACT_SIGMOID,
  NB_ACT_SOFTPLUS,
  NB_ACT_GELU,
  NB_ACT_RELU
} NbActivation;
PETSC_EXTERN const char *const NbActivations[];

PETSC_EXTERN PetscErrorCode NbModelCreate(MPI_Comm, NbModel *);
PETSC_EXTERN PetscErrorCode NbModelSetName(NbModel, const char[]);
PETSC_EXTERN PetscErrorCode NbModelSetOptionsPrefix(NbModel, const char[]);
/* -model_seed <s> (the model's RNG seed), -model_view */
PETSC_EXTERN PetscErrorCode NbModelSetFromOptions(NbModel);
PETSC_EXTERN PetscErrorCode NbModelSetSeed(NbModel, PetscInt64);
/* Allocates the flat buffers and draws the initial parameters; called by
   NbGraphSetUp if needed. No parameter can be added afterwards. */
PETSC_EXTERN PetscErrorCode NbModelSetUp(NbModel);
/* Draws the initial parameters again (from the seed; same on every rank). */
PETSC_EXTERN PetscErrorCode NbModelInitialize(NbModel);
PETSC_EXTERN PetscErrorCode NbModelView(NbModel, PetscViewer);
PETSC_EXTERN PetscErrorCode NbModelDestroy(NbModel *);

/* A trainable parameter rows x cols; *index identifies it (may be NULL). */
PETSC_EXTERN PetscErrorCode NbModelAddParameter(NbModel, const char name[], PetscInt rows, PetscInt cols, NbInitType, PetscReal scale, PetscInt *index);
/* A trainable scalar (inverse problems: nu, lambda) with its initial value. */
PETSC_EXTERN PetscErrorCode NbModelAddScalar(NbModel, const char name[], PetscReal value, PetscInt *index);
/* A non-trainable constant (e.g. random Fourier features); not in the flat parameter buffer. */
PETSC_EXTERN PetscErrorCode NbModelAddConstant(NbModel, const char name[], PetscInt rows, PetscInt cols, NbInitType, PetscReal scale, PetscInt *index);
/* Box constraints honoured by lbfgs with -tao_type blmvm and by adam (projection). */
PETSC_EXTERN PetscErrorCode NbModelSetParameterBounds(NbModel, const char name[], PetscReal lo, PetscReal hi);
PETSC_EXTERN PetscErrorCode NbModelFindParameter(NbModel, const char name[], PetscInt *index);
PETSC_EXTERN PetscErrorCode NbModelGetNumParameters(NbModel, PetscInt *);
/* Copies of one parameter, row-major rows x cols. */
PETSC_EXTERN PetscErrorCode NbModelGetParameterValues(NbModel, const char name[], PetscReal v[]);
PETSC_EXTERN PetscErrorCode NbModelSetParameterValues(NbModel, const char name[], const PetscReal v[]);
PETSC_EXTERN PetscErrorCode NbModelGetScalar(NbModel, const char name[], PetscReal *);
/* The flat buffers (borrowed, length NbModelGetNumParameters; layout private
   but fixed for an architecture). Change parameters only between steps. */
PETSC_EXTERN PetscErrorCode NbModelGetParameterArray(NbModel, PetscReal **);
PETSC_EXTERN PetscErrorCode NbModelRestoreParameterArray(NbModel, PetscReal **);
PETSC_EXTERN PetscErrorCode NbModelGetGradientArray(NbModel, PetscReal **);
PETSC_EXTERN PetscErrorCode NbModelRestoreGradientArray(NbModel, PetscReal **);
/* The same buffers as sequential Vecs on PETSC_COMM_SELF (borrowed, no copy;
   every rank holds the full replicated vector). */
PETSC_EXTERN PetscErrorCode NbModelGetParameterVec(NbModel, Vec *);
PETSC_EXTERN PetscErrorCode NbModelGetGradientVec(NbModel, Vec *);
PETSC_EXTERN PetscErrorCode NbModelGetRNG(NbModel, NbRNG *);
/* A distributed model: the first nprivate trainable entries of the flat
   buffer are this rank's own (different on every rank, e.g. the networks of
   its subdomains), the rest replicated (the same on every rank, with a
   gradient already summed over the ranks). The global parameter vector is
   every rank's private part in rank order, then the replicated part once;
   Adam's clipping and L-BFGS (TAO) work on that vector. Default 0: the whole
   buffer is replicated. */
PETSC_EXTERN PetscErrorCode NbModelSetPrivate(NbModel, PetscInt nprivate);
PETSC_EXTERN PetscErrorCode NbModelGetPrivate(NbModel, PetscInt *nprivate);
PETSC_EXTERN PetscErrorCode NbModelGetComm(NbModel, MPI_Comm *);

/* Layers: parameter groups owned by the model, applied to graph tensors.
   MLP: widths[0] inputs, widths[n-1] outputs, activation between layers
   (none after the last), Glorot-normal weights (He-normal for relu), zero
   biases; parameters "<name>.<l>.W" (widths[l] x widths[l+1]) and "<name>.<l>.b". */
PETSC_EXTERN PetscErrorCode NbModelAddMLP(NbModel, const char name[], PetscInt nwidths, const PetscInt widths[], NbActivation, NbLayer *);
/* One dense layer y = act(x W + b), parameters "<name>.W" and "<name>.b". */
PETSC_EXTERN PetscErrorCode NbModelAddDense(NbModel, const char name[], PetscInt nin, PetscInt nout, NbActivation, NbLayer *);
/* Random Fourier features (Tancik et al. 2020): y = [cos(2 pi x B), sin(2 pi x B)],
   B (nin x nfeatures) ~ N(0, sigma^2), fixed; 2 nfeatures outputs. */
PETSC_EXTERN PetscErrorCode NbModelAddFourierFeatures(NbModel, const char name[], PetscInt nin, PetscInt nfeatures, PetscReal sigma, NbLayer *);
/* Layer normalisation with trainable gain and bias (Ba et al. 2016). */
PETSC_EXTERN PetscErrorCode NbModelAddLayerNorm(NbModel, const char name[], PetscInt n, NbLayer *);
PETSC_EXTERN PetscErrorCode NbLayerApply(NbLayer, NbGraph, NbTensor in, NbTensor *out);
PETSC_EXTERN PetscErrorCode NbLayerGetSizes(NbLayer, PetscInt *nin, PetscInt *nout);

/* =================================================================== graph */
PETSC_EXTERN PetscErrorCode NbGraphCreate(MPI_Comm, NbGraph *);
PETSC_EXTERN PetscErrorCode NbGraphSetOptionsPrefix(NbGraph, const char[]);
/* -graph_tile <points per tile> (0: whole sets), -graph_view */
PETSC_EXTERN PetscErrorCode NbGraphSetFromOptions(NbGraph);
PETSC_EXTERN PetscErrorCode NbGraphSetTileSize(NbGraph, PetscInt);
/* Compiles: topological order, gradient flags, memory plan, tiling. */
PETSC_EXTERN PetscErrorCode NbGraphSetUp(NbGraph);
PETSC_EXTERN PetscErrorCode NbGraphView(NbGraph, PetscViewer);
PETSC_EXTERN PetscErrorCode NbGraphDestroy(NbGraph *);

/* An input point set of up to maxpoints points with cols coordinates each. */
PETSC_EXTERN PetscErrorCode NbGraphAddInput(NbGraph, const char name[], PetscInt maxpoints, PetscInt cols, NbTensor *);
/* Another input on the same points as like (e.g. data values at those points). */
PETSC_EXTERN PetscErrorCode NbGraphAddInputLike(NbGraph, const char name[], NbTensor like, PetscInt cols, NbTensor *);
/* The tensor of a model's parameter (or constant) in this graph. */
PETSC_EXTERN PetscErrorCode NbGraphAddParameter(NbGraph, NbModel, const char name[], NbTensor *);
/* A user constant rows x cols (row-major values, may be NULL = 0); change it with NbGraphSetConstant. */
PETSC_EXTERN PetscErrorCode NbGraphAddConstant(NbGraph, const char name[], PetscInt rows, PetscInt cols, const PetscReal values[], NbTensor *);
PETSC_EXTERN PetscErrorCode NbGraphSetConstant(NbGraph, NbTensor, const PetscReal values[]);
/* The scalar (1 x 1) that training minimises. */
PETSC_EXTERN PetscErrorCode NbGraphSetLoss(NbGraph, NbTensor);
/* Keep the values of a point tensor for NbGraphGetValues/NbGraphEvaluate (before SetUp). */
PETSC_EXTERN PetscErrorCode NbGraphMarkOutput(NbGraph, NbTensor);
/* The RNG used for dropout masks (default: the first model's). */
PETSC_EXTERN PetscErrorCode NbGraphSetRNG(NbGraph, NbRNG);

/* This rank's n points, row-major n x cols. Collective: the global count and
   this rank's offset are computed over the graph's communicator. */
PETSC_EXTERN PetscErrorCode NbGraphSetInput(NbGraph, NbTensor, PetscInt n, const PetscReal x[]);
/* The same without communication: points offset..offset+n-1 of nglobal. */
PETSC_EXTERN PetscErrorCode NbGraphSetInputPartitioned(NbGraph, NbTensor, PetscInt64 nglobal, PetscInt64 offset, PetscInt n, const PetscReal x[]);
/* Forward pass only (outputs, loss terms). */
PETSC_EXTERN PetscErrorCode NbGraphForward(NbGraph);
/* Forward and backward: *loss and the models' gradients (zeroed first),
   summed over the graph's communicator with one MPI_Allreduce per model. */
PETSC_EXTERN PetscErrorCode NbGraphComputeLossGradient(NbGraph, PetscReal *loss);
/* Values of a marked point tensor (this rank's n points, row-major n x cols)
   or of a constant/global tensor (rows x cols; a reduction over distributed
   points holds this rank's part: NbGraphGetScalar sums it); v may be NULL
   to query n. Not collective. */
PETSC_EXTERN PetscErrorCode NbGraphGetValues(NbGraph, NbTensor, PetscInt *n, PetscReal v[]);
/* A 1 x 1 tensor after a forward pass; summed over ranks if it is a
   reduction over distributed points (collective then). */
PETSC_EXTERN PetscErrorCode NbGraphGetScalar(NbGraph, NbTensor, PetscReal *);
/* Evaluates marked outputs of x's point set at n arbitrary points (local, in
   chunks of x's capacity): vals[k] is n x cols(out[k]), caller-allocated.
   The outputs may depend on no other input of the set. Overwrites the
   input x: set the set's inputs again before training. */
PETSC_EXTERN PetscErrorCode NbGraphEvaluate(NbGraph, NbTensor x, PetscInt n, const PetscReal xv[], PetscInt nout, const NbTensor out[], PetscReal *vals[]);
/* Keep the gradient of the loss with respect to an input's values (before
   SetUp): the vector-Jacobian product w^T df/dx when the loss is
   NbTensorWeightedSum(f, w). Read after NbGraphComputeLossGradient: this
   rank's n points, row-major n x cols (v may be NULL to query n); local,
   never summed over ranks. */
PETSC_EXTERN PetscErrorCode NbGraphMarkInputGradient(NbGraph, NbTensor);
PETSC_EXTERN PetscErrorCode NbGraphGetInputGradient(NbGraph, NbTensor, PetscInt *n, PetscReal v[]);
/* Rows of the Jacobian of point tensors with respect to a model's
   trainable parameters (P of them), for least-squares training: for each
   r[k] (a plain point tensor of its own, not a view, on which the loss
   depends), each of this rank's points i of its set and each column c, a
   row res = scale[k] r[k](i, c) and J[row P + j] = scale[k] d r[k](i, c) /
   d theta_j (row-major), rows ordered by k, point, column. scale may be
   NULL (ones); res NULL: only *nrows; J NULL: values only. Reverse mode, one
   sweep per row over 8 points: about 8 gradient evaluations. Not collective. */
PETSC_EXTERN PetscErrorCode NbGraphComputeJacobian(NbGraph, NbModel, PetscInt n, const NbTensor r[], const PetscReal scale[], PetscInt *nrows, PetscReal res[], PetscReal J[]);
/* Dropout on (training, MC dropout) or off (identity). */
PETSC_EXTERN PetscErrorCode NbGraphSetDropout(NbGraph, PetscBool);
/* New dropout masks for the next pass (optimizers call this once per step). */
PETSC_EXTERN PetscErrorCode NbGraphAdvanceRandom(NbGraph);
/* Matrix-product flops of one NbGraphComputeLossGradient with the current inputs (this rank). */
PETSC_EXTERN PetscErrorCode NbGraphGetMatMulFlops(NbGraph, PetscLogDouble *);
PETSC_EXTERN PetscErrorCode NbGraphGetComm(NbGraph, MPI_Comm *);

/* ================================================================== tensors
   Every op returns a new tensor of the same graph; shapes are checked here,
   not during training. Binary ops broadcast a 1-row constant/global operand
   over points and a 1-column operand over columns. */
PETSC_EXTERN PetscErrorCode NbTensorGetShape(NbTensor, PetscInt *rows, PetscInt *cols);
PETSC_EXTERN PetscErrorCode NbTensorSetName(NbTensor, const char[]);
/* (n x k)(k x m); b must not depend on points. */
PETSC_EXTERN PetscErrorCode NbTensorMatMul(NbTensor a, NbTensor b, NbTensor *);
/* x W + bias (bias 1 x m, may be NULL), one fused node. */
PETSC_EXTERN PetscErrorCode NbTensorDense(NbTensor x, NbTensor W, NbTensor bias, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorAdd(NbTensor, NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSub(NbTensor, NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorMul(NbTensor, NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorDiv(NbTensor, NbTensor, NbTensor *);
/* alpha x + beta */
PETSC_EXTERN PetscErrorCode NbTensorAXPB(NbTensor, PetscReal alpha, PetscReal beta, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorScale(NbTensor, PetscReal alpha, NbTensor *);
/* y + alpha x */
PETSC_EXTERN PetscErrorCode NbTensorAXPY(NbTensor y, PetscReal alpha, NbTensor x, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorActivation(NbTensor, NbActivation, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorTanh(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSin(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorCos(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSigmoid(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSoftplus(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorGELU(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorReLU(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorExp(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorLog(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSquare(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSqrt(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorReciprocal(NbTensor, NbTensor *);
/* Sum / mean of all entries -> 1 x 1 (over all ranks' points for a point tensor). */
PETSC_EXTERN PetscErrorCode NbTensorSum(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorMean(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorMeanSquare(NbTensor, NbTensor *);
/* sum of w .* x (w broadcast like a binary op) -> 1 x 1 */
PETSC_EXTERN PetscErrorCode NbTensorWeightedSum(NbTensor x, NbTensor w, NbTensor *);
/* sum_k w[k] x[k], all x[k] of one shape; weights changeable with NbTensorSetWeights. */
PETSC_EXTERN PetscErrorCode NbTensorLinearCombination(PetscInt n, const NbTensor x[], const PetscReal w[], NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSetWeights(NbTensor, const PetscReal w[]);
/* Columns side by side; columns [c0, c1) (a view, no copy). */
PETSC_EXTERN PetscErrorCode NbTensorConcat(PetscInt n, const NbTensor x[], NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorSlice(NbTensor, PetscInt c0, PetscInt c1, NbTensor *);
/* Inverted dropout with drop probability p; mask from the graph's RNG. */
PETSC_EXTERN PetscErrorCode NbTensorDropout(NbTensor, PetscReal p, NbTensor *);
/* Row-wise over the columns of each point. */
PETSC_EXTERN PetscErrorCode NbTensorSoftmax(NbTensor, NbTensor *);
PETSC_EXTERN PetscErrorCode NbTensorLayerNorm(NbTensor, PetscReal eps, NbTensor *);
/* Scaled dot-product attention (Vaswani et al. 2017) within consecutive
   blocks of seqlen points (one sequence each), nheads heads splitting the
   columns: softmax(Q K^T / sqrt(d)) V per block and head. */
PETSC_EXTERN PetscErrorCode NbTensorAttention(NbTensor q, NbTensor k, NbTensor v, PetscInt seqlen, PetscInt nheads, NbTensor *);
/* Grid data (nn/ops_grid.c): a point set whose points are the nodes of
   nx x ny grids, one sample after another (blocks of nx ny points, natural
   order, x fastest), channels as columns; tiles hold whole samples.
   Low-rank mixing along an axis (0: x, 1: y) by A = U V^T, U and V
   parameters or constants of n_axis x r: y(:, j) = A x(:, j) for every line
   of the axis, every sample and every channel (Huang et al. 2022, LordNet). */
PETSC_EXTERN PetscErrorCode NbTensorGridLowRank(NbTensor x, NbTensor U, NbTensor V, PetscInt nx, PetscInt ny, PetscInt axis, NbTensor *);
/* y(i, j) = x(i + sx, j + sy), zero outside the grid (stencil features). */
PETSC_EXTERN PetscErrorCode NbTensorGridShift(NbTensor x, PetscInt nx, PetscInt ny, PetscInt sx, PetscInt sy, NbTensor *);

/* ===================================================================== jets
   Forward-mode derivatives with respect to input coordinates, as graph
   nodes. coords names the columns of x ("x,t"); derivs lists what to carry:
   first derivatives ("x") and second ones, pure or mixed ("xx", "xt"); the
   first derivatives a second one needs are added. Coordinate names are
   single letters. The jet flows through matmuls, dense layers, activations,
   + - * /, AXPB, concat, slice and dropout. */
PETSC_EXTERN PetscErrorCode NbTensorJetSeed(NbTensor x, const char coords[], const char derivs[], NbTensor *);
/* One component of a jet tensor: "" (the value), "x", "xx", "xt", ... (a view). */
PETSC_EXTERN PetscErrorCode NbTensorJetComponent(NbTensor, const char deriv[], NbTensor *);

/* =============================================================== optimizers
   One interface, implementations in a registry: "adam", "adamw", "lbfgs"
   (PETSc TAO, default TAOLMVM; any -tao_ option), and for least-squares
   objectives (NbOptimizerSetResidual) "gn" (Gauss-Newton with a
   backtracking line search) and "lm" (Levenberg-Marquardt), whose dense
   P x P solves run on a BLACS grid with ScaLAPACK. */
typedef struct _p_NbOptimizer *NbOptimizer;
/* This rank's rows of a residual vector r(theta) at the model's current
   parameters: *n rows, r[i], and (J not NULL) the Jacobian row-major,
   J[i P + j] = d r_i / d theta_j over the model's P trainable parameters.
   Called with r = J = NULL to ask only for *n. gn and lm minimise the sum
   over the ranks of r_i^2. Collective. */
typedef PetscErrorCode (*NbResidualFn)(NbModel, PetscInt *n, PetscReal r[], PetscReal J[], void *ctx);
/* The loss at the model's current parameters and its gradient in the model's
   gradient buffer, both already averaged over the ranks. */
typedef PetscErrorCode (*NbObjectiveFn)(NbModel, PetscReal *loss, void *ctx);
typedef PetscErrorCode (*NbPreStepFn)(NbOptimizer, PetscInt step, void *ctx);
/* After every step (adam) or iteration (lbfgs): its number and the loss. */
typedef PetscErrorCode (*NbStepMonitorFn)(NbOptimizer, PetscInt step, PetscReal loss, void *ctx);
typedef enum {
  NB_SCHEDULE_CONSTANT,
  NB_SCHEDULE_STEP,        /* lr gamma^floor(t / decay_steps) */
  NB_SCHEDULE_EXPONENTIAL, /* lr gamma^(t / decay_steps) */
  NB_SCHEDULE_COSINE       /* lr_min + (lr - lr_min)(1 + cos(pi t / max_steps))/2 (Loshchilov & Hutter 2017) */
} NbSchedule;
PETSC_EXTERN const char *const NbSchedules[];

NB_CLASS_DECLARATIONS(NbOptimizer); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbOptimizerCreate(NbModel, NbOptimizer *);
/* The type, which -opt_type then does not change (a phase of a method that
   must be this optimizer, e.g. the L-BFGS phase after Adam). */
PETSC_EXTERN PetscErrorCode NbOptimizerSetFixedType(NbOptimizer, const char type[]);
/* -opt_type, -opt_max_steps, -opt_loss_tol, -opt_monitor, -opt_view, and the type's
   own: -opt_lr, -opt_beta1, -opt_beta2, -opt_epsilon, -opt_weight_decay,
   -opt_schedule, -opt_lr_decay, -opt_lr_decay_steps, -opt_lr_min,
   -opt_warmup_steps, -opt_clip_norm (adam); -tao_* (lbfgs);
   -opt_lsq_solver cholesky|qr, -opt_max_memory, -opt_gn_damping (gn);
   -opt_lm_tau, -opt_lm_scaling (lm). */
PETSC_EXTERN PetscErrorCode NbOptimizerSetFromOptions(NbOptimizer);
PETSC_EXTERN PetscErrorCode NbOptimizerSetUp(NbOptimizer);
PETSC_EXTERN PetscErrorCode NbOptimizerView(NbOptimizer, PetscViewer);
PETSC_EXTERN PetscErrorCode NbOptimizerDestroy(NbOptimizer *);
PETSC_EXTERN PetscErrorCode NbOptimizerSetObjective(NbOptimizer, NbObjectiveFn, void *ctx);
/* The least-squares objective of gn and lm. */
PETSC_EXTERN PetscErrorCode NbOptimizerSetResidual(NbOptimizer, NbResidualFn, void *ctx);
/* The p x q BLACS grid of gn/lm's dense solves (p q = the ranks; default
   the most square with p >= q). */
PETSC_EXTERN PetscErrorCode NbOptimizerSetBLACSGrid(NbOptimizer, PetscInt p, PetscInt q);
/* Objective = the graph's loss (NbGraphComputeLossGradient). */
PETSC_EXTERN PetscErrorCode NbOptimizerSetGraph(NbOptimizer, NbGraph);
/* Called before every step (adam) or every solve (lbfgs): resample points here. */
PETSC_EXTERN PetscErrorCode NbOptimizerSetPreStep(NbOptimizer, NbPreStepFn, void *ctx);
PETSC_EXTERN PetscErrorCode NbOptimizerSetStepMonitor(NbOptimizer, NbStepMonitorFn, void *ctx);
PETSC_EXTERN PetscErrorCode NbOptimizerSetMaxSteps(NbOptimizer, PetscInt);
PETSC_EXTERN PetscErrorCode NbOptimizerSetLearningRate(NbOptimizer, PetscReal);
PETSC_EXTERN PetscErrorCode NbOptimizerSetSchedule(NbOptimizer, NbSchedule, PetscReal gamma, PetscInt decay_steps, PetscReal lr_min);
PETSC_EXTERN PetscErrorCode NbOptimizerSetClipNorm(NbOptimizer, PetscReal);
/* The learning rate the adam family uses at a step (schedule and warm-up applied). */
PETSC_EXTERN PetscErrorCode NbOptimizerGetLearningRate(NbOptimizer, PetscInt step, PetscReal *lr);
/* One step (adam) or one TaoSolve (lbfgs); *loss is the loss before the update. */
PETSC_EXTERN PetscErrorCode NbOptimizerStep(NbOptimizer, PetscReal *loss);
/* Steps until -opt_max_steps or -opt_loss_tol (adam), TaoSolve (lbfgs). */
PETSC_EXTERN PetscErrorCode NbOptimizerSolve(NbOptimizer);
PETSC_EXTERN PetscErrorCode NbOptimizerGetStepNumber(NbOptimizer, PetscInt *);
/* Loss of every step (adam) or iteration (lbfgs) so far (borrowed). */
PETSC_EXTERN PetscErrorCode NbOptimizerGetHistory(NbOptimizer, PetscInt *n, const PetscReal *loss[]);
PETSC_EXTERN PetscErrorCode NbOptimizerGetTao(NbOptimizer, Tao *);
/* lmvm/blmvm: 50 L-BFGS pairs unless -<prefix>mat_lmvm_hist_size was given; call after TaoSetFromOptions (nabla's lbfgs does) */
PETSC_EXTERN PetscErrorCode NbTaoSetHistoryDefault(Tao);
/* TaoSolve restarted (memory cleared) after a line-search failure while iterations remain; iterations summed */
PETSC_EXTERN PetscErrorCode NbTaoSolve(Tao, PetscInt *its, PetscInt *restarts);

/* ============================================================= checkpoints
   One HDF5 file: architecture (parameter names and shapes), parameters,
   constants, RNG seed and counters, optimizer type and state (adam: step and
   moments; lbfgs keeps no state across solves). Written by rank 0 to
   NAME.partial and renamed when complete; read by rank 0 and broadcast.
   Loading into a model of another architecture fails naming the mismatch. */
PETSC_EXTERN PetscErrorCode NbCheckpointSave(NbModel, NbOptimizer, const char filename[]);
PETSC_EXTERN PetscErrorCode NbCheckpointLoad(NbModel, NbOptimizer, const char filename[]);

/* The rest of a training method's state in the same file: named arrays
   (reals, 64-bit integers, strings; names without '/') in the group
   /state. Items are copied in; Get borrows (valid until NbStateDestroy) and
   fails naming a missing item. */
typedef struct _n_NbState *NbState;
PETSC_EXTERN PetscErrorCode NbStateCreate(NbState *);
PETSC_EXTERN PetscErrorCode NbStateDestroy(NbState *);
PETSC_EXTERN PetscErrorCode NbStateAddReal(NbState, const char name[], PetscInt64 n, const PetscReal v[]);
PETSC_EXTERN PetscErrorCode NbStateAddInt(NbState, const char name[], PetscInt64 n, const PetscInt64 v[]);
PETSC_EXTERN PetscErrorCode NbStateAddString(NbState, const char name[], const char v[]);
PETSC_EXTERN PetscErrorCode NbStateHas(NbState, const char name[], PetscBool *);
PETSC_EXTERN PetscErrorCode NbStateGetReal(NbState, const char name[], PetscInt64 *n, const PetscReal *v[]);
PETSC_EXTERN PetscErrorCode NbStateGetInt(NbState, const char name[], PetscInt64 *n, const PetscInt64 *v[]);
PETSC_EXTERN PetscErrorCode NbStateGetString(NbState, const char name[], const char *v[]);
/* NbCheckpointSave/Load with a state (Load fills an empty NbState with the
   file's items, the same on every rank). */
PETSC_EXTERN PetscErrorCode NbCheckpointSaveState(NbModel, NbOptimizer, NbState, const char filename[]);
PETSC_EXTERN PetscErrorCode NbCheckpointLoadState(NbModel, NbOptimizer, NbState, const char filename[]);
/* An optimizer's own state (adam: moments) as borrowed named arrays, for a
   checkpoint of a second model (a sampler's flow); and its step counter. */
PETSC_EXTERN PetscErrorCode NbOptimizerGetState(NbOptimizer, PetscInt *narr, const char *names[], PetscReal *arrs[], PetscInt lens[]);
PETSC_EXTERN PetscErrorCode NbOptimizerSetStepNumber(NbOptimizer, PetscInt);

#endif
