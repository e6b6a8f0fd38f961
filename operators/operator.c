/* NbOperator: the registry of neural operators, their life cycle and the
   MSR training loop.

   The loss and its gradient. For the samples a of a step (B of them over
   all ranks), the network gives u_a = G(a) at the nodes; PETSc gives
     r_a = A_a u_a - b_a,   L = (1/B) sum_a ||r_a||^2 / ||b_a||^2,
     dL/du_a = w_a = 2 A_a^T r_a / (B ||b_a||^2)        (MatMultTranspose).
   The graph cannot call PETSc in its backward pass, so after a forward pass
   for u the graph's loss is the surrogate
     S = sum_a (w_a . u_a + e_a),   e_a = ||r_a||^2 / (B ||b_a||^2) - w_a . u_a,
   with w_a and e_a given as point inputs: S = L and dS/dtheta = dL/dtheta
   at the current parameters (a first-order expansion in u, exact for both
   value and gradient), reduced over the ranks together with the gradient
   in the graph's one MPI_Allreduce per step. */
#include "operatorimpl.h"

static const NbRegistryEntry NbOperatorBuiltin[] = {
  {"lordnet", (PetscVoidFunction)NbOperatorCreate_LordNet},
  {"local",   (PetscVoidFunction)NbOperatorCreate_Local  },
  {NULL,      NULL                                       }
};
static NbRegistry NbOperatorTypes = {"-operator_type", NbOperatorBuiltin, NULL, PETSC_FALSE};

NB_CLASS_FUNCTIONS(NbOperator, NbOperatorTypes)

PetscErrorCode NbOperatorCreate(MPI_Comm comm, NbOperator *opp)
{
  NbOperator op;

  PetscFunctionBegin;
  PetscCall(NbHeadCreate(comm, sizeof(*op), &op));
  op->width  = 16;
  op->blocks = 4;
  op->mixrank   = 8;
  op->modes  = 16;
  op->ntrain = 256;
  op->ntest  = 100;
  op->batch  = 8;
  *opp       = op;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorSetFamily(NbOperator op, NbPoissonFamily fam, PetscInt nx, PetscInt ny)
{
  PetscFunctionBegin;
  PetscCheck(!op->setup, op->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the samples before NbOperatorSetUp()");
  op->fam = fam;
  op->nx  = nx;
  op->ny  = ny;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorSetFromOptions(NbOperator op)
{
  char              type[32];
  PetscFunctionList types;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&NbOperatorTypes, &types));
  PetscCall(PetscStrncpy(type, op->type[0] ? op->type : "lordnet", sizeof(type)));
  PetscOptionsBegin(op->comm, op->prefix, "Neural operator trained by the discrete residual", "NbOperator");
  PetscCall(PetscOptionsFList("-operator_type", "Architecture", "NbOperatorSetType", types, type, type, sizeof(type), NULL));
  PetscCall(PetscOptionsInt("-operator_train", "Training samples", "NbOperatorSetUp", op->ntrain, &op->ntrain, NULL));
  PetscCall(PetscOptionsInt("-operator_test", "Held-out samples", "NbOperatorSetUp", op->ntest, &op->ntest, NULL));
  PetscCall(PetscOptionsInt("-operator_batch", "Samples per step, all ranks", "NbOperatorSetUp", op->batch, &op->batch, NULL));
  PetscCall(PetscOptionsInt("-operator_lbfgs_its", "L-BFGS iterations on all training samples after Adam", "NbOperatorTrain", op->lbfgs_its, &op->lbfgs_its, NULL));
  PetscCall(PetscOptionsInt("-lordnet_width", "Channels C of the hidden layers", "NbOperatorSetUp", op->width, &op->width, NULL));
  PetscCall(PetscOptionsInt("-lordnet_blocks", "Lord blocks L", "NbOperatorSetUp", op->blocks, &op->blocks, NULL));
  PetscCall(PetscOptionsInt("-lordnet_rank", "Rank r of the mixing matrices U V^T", "NbOperatorSetUp", op->mixrank, &op->mixrank, NULL));
  PetscCall(PetscOptionsInt("-lordnet_modes", "Cosine modes spanning the factors U, V along each axis (0: free node-wise factors)", "NbOperatorSetUp", op->modes, &op->modes, NULL));
  PetscCall(PetscOptionsBool("-operator_view", "Describe the operator after set-up", "NbOperatorView", op->view, &op->view, NULL));
  PetscOptionsEnd();
  PetscCall(NbOperatorSetType(op, type));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckSettings(NbOperator op)
{
  const char *p = op->prefix;

  PetscFunctionBegin;
  PetscCheck(op->fam, op->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbOperatorSetFamily() before NbOperatorSetUp()");
  PetscCheck(op->width >= 1, op->comm, PETSC_ERR_USER_INPUT, "-%slordnet_width %d: the width (channels) must be >= 1", p, (int)op->width);
  PetscCheck(op->blocks >= 1, op->comm, PETSC_ERR_USER_INPUT, "-%slordnet_blocks %d: the number of blocks must be >= 1", p, (int)op->blocks);
  PetscCheck(op->mixrank >= 1, op->comm, PETSC_ERR_USER_INPUT, "-%slordnet_rank %d: the rank of the mixing matrices must be >= 1", p, (int)op->mixrank);
  PetscCheck(op->nx >= 3 && op->ny >= 3, op->comm, PETSC_ERR_USER_INPUT, "A %d x %d grid has no interior node: use at least 3 nodes per direction", (int)op->nx, (int)op->ny);
  PetscCheck(op->mixrank <= PetscMin(op->nx, op->ny), op->comm, PETSC_ERR_USER_INPUT, "-%slordnet_rank %d exceeds the %d x %d grid: a rank-r factorisation of an n x n mixing matrix needs r <= n (lower -%slordnet_rank or refine the grid)", p, (int)op->mixrank, (int)op->nx, (int)op->ny, p);
  PetscCheck(op->modes >= 0, op->comm, PETSC_ERR_USER_INPUT, "-%slordnet_modes %d: the number of cosine modes must be >= 0 (0: free factors)", p, (int)op->modes);
  PetscCheck(op->lbfgs_its >= 0, op->comm, PETSC_ERR_USER_INPUT, "-%soperator_lbfgs_its %d must be >= 0", p, (int)op->lbfgs_its);
  PetscCheck(op->ntrain >= 1 && op->ntest >= 0, op->comm, PETSC_ERR_USER_INPUT, "-%soperator_train %d, -%soperator_test %d: need at least one training sample and no negative count", p, (int)op->ntrain, p, (int)op->ntest);
  PetscCheck(op->batch >= 1 && op->batch <= op->ntrain, op->comm, PETSC_ERR_USER_INPUT, "-%soperator_batch %d: the batch must hold between 1 and -%soperator_train (%d) samples", p, (int)op->batch, p, (int)op->ntrain);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the graph: inputs X, mask, w, e; u = 0.1 G(X) .* mask; loss = sum(w .* u) + sum(e) */
static PetscErrorCode BuildGraph(NbOperator op)
{
  NbTensor  N, t[2];
  PetscReal one[2] = {1, 1};

  PetscFunctionBegin;
  PetscCall(NbGraphCreate(op->comm, &op->graph));
  PetscCall(NbGraphSetOptionsPrefix(op->graph, op->prefix));
  PetscCall(NbGraphSetTileSize(op->graph, op->L));
  PetscCall(NbGraphAddInput(op->graph, "nodes", op->cap * op->L, NB_OPERATOR_NIN, &op->X));
  PetscCall(NbGraphAddInputLike(op->graph, "mask", op->X, 1, &op->mask));
  PetscCall(NbGraphAddInputLike(op->graph, "w", op->X, 1, &op->w));
  PetscCall(NbGraphAddInputLike(op->graph, "e", op->X, 1, &op->e));
  PetscCall((*op->ops.build)(op, op->graph, op->X, &N));
  /* solutions with |f| <= 1 and kappa ~ 1 are O(0.1): start the MSR near 1, not at ||A||^2 */
  PetscCall(NbTensorScale(N, 0.1, &N));
  PetscCall(NbTensorMul(N, op->mask, &op->u));
  PetscCall(NbTensorWeightedSum(op->u, op->w, &t[0]));
  PetscCall(NbTensorSum(op->e, &t[1]));
  PetscCall(NbTensorLinearCombination(2, t, one, &op->loss));
  PetscCall(NbGraphSetLoss(op->graph, op->loss));
  PetscCall(NbGraphMarkOutput(op->graph, op->u));
  PetscCall(NbGraphSetFromOptions(op->graph));
  PetscCall(NbGraphSetUp(op->graph));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The last layer starts at zero, so training starts from u = 0 (MSR 1):
   a random initial field would put its rough part, amplified by ||A||^2 ~
   h^-4, into the first steps' loss and gradient. */
static PetscErrorCode ZeroOutput(NbOperator op)
{
  PetscReal *zero;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(4 * op->width + 1, &zero)); /* the local type's width is at most 4 C */
  PetscCall(NbModelSetParameterValues(op->model, "proj.1.W", zero));
  PetscCall(NbModelSetParameterValues(op->model, "proj.1.b", zero));
  PetscCall(PetscFree(zero));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* B consecutive training indices (cyclic) from start, this rank's block of them */
static PetscErrorCode SetBatch(NbOperator op, PetscInt64 start, PetscInt B)
{
  PetscInt64 off;
  PetscInt   n;

  PetscFunctionBegin;
  PetscCall(NbPartition(op->comm, B, &off, &n));
  for (PetscInt k = 0; k < n; k++) op->idx[k] = (start + off + k) % op->ntrain;
  PetscCall(NbOperatorSetSamples_Private(op, n, op->idx));
  op->B = B;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Adam step k: the k-th batch of the cycle */
static PetscErrorCode PreStep(NbOptimizer opt, PetscInt step, void *ctx)
{
  NbOperator op = (NbOperator)ctx;

  PetscFunctionBegin;
  PetscCall(SetBatch(op, ((PetscInt64)step * op->batch) % op->ntrain, op->batch));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L-BFGS: every training sample (a deterministic objective) */
static PetscErrorCode PreSolveFull(NbOptimizer opt, PetscInt step, void *ctx)
{
  NbOperator op = (NbOperator)ctx;

  PetscFunctionBegin;
  PetscCall(SetBatch(op, 0, op->ntrain));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the MSR of the staged samples and its gradient; a loss that is not
   finite restores the last finite state and stops */
static PetscErrorCode Objective(NbModel m, PetscReal *loss, void *ctx)
{
  NbOperator op = (NbOperator)ctx;
  PetscReal *p;
  PetscInt   P, step = 0;

  PetscFunctionBegin;
  PetscCall(NbGraphForward(op->graph));
  PetscCall(NbOperatorSeedMSR_Private(op, (PetscReal)op->B));
  PetscCall(NbGraphComputeLossGradient(op->graph, loss));
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(NbModelGetParameterArray(m, &p));
  if (op->opt) PetscCall(NbOptimizerGetStepNumber(op->opt, &step));
  if (PetscIsInfOrNanReal(*loss)) {
    PetscCall(PetscArraycpy(p, op->good, P));
    SETERRQ(op->comm, PETSC_ERR_FP, "The MSR loss is %g at training step %d: stopped, the parameters of step %d (the last finite loss) are kept; lower -%sopt_lr or set -%sopt_clip_norm", (double)*loss, (int)step, (int)PetscMax(step - 1, 0), op->prefix, op->prefix);
  }
  PetscCall(PetscArraycpy(op->good, p, P));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CreateOptimizer(NbOperator op)
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerCreate(op->model, &op->opt));
  PetscCall(NbOptimizerSetOptionsPrefix(op->opt, op->prefix));
  PetscCall(NbOptimizerSetType(op->opt, "adam"));
  PetscCall(NbOptimizerSetMaxSteps(op->opt, 300));
  PetscCall(NbOptimizerSetLearningRate(op->opt, 2e-3));
  PetscCall(NbOptimizerSetSchedule(op->opt, NB_SCHEDULE_COSINE, 1, 1, 1e-5));
  PetscCall(NbOptimizerSetObjective(op->opt, Objective, op));
  PetscCall(NbOptimizerSetPreStep(op->opt, PreStep, op));
  PetscCall(NbOptimizerSetFromOptions(op->opt));
  if (op->lbfgs_its > 0) {
    Tao tao;
    PetscCall(NbOptimizerCreate(op->model, &op->lbfgs));
    PetscCall(NbOptimizerSetOptionsPrefix(op->lbfgs, op->prefix));
    PetscCall(NbOptimizerSetFixedType(op->lbfgs, "lbfgs"));
    PetscCall(NbOptimizerSetObjective(op->lbfgs, Objective, op));
    PetscCall(NbOptimizerSetPreStep(op->lbfgs, PreSolveFull, op));
    PetscCall(NbOptimizerGetTao(op->lbfgs, &tao));
    PetscCall(TaoSetMaximumIterations(tao, op->lbfgs_its));
    PetscCall(NbOptimizerSetFromOptions(op->lbfgs));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorSetUp(NbOperator op)
{
  PetscInt P;

  PetscFunctionBegin;
  if (op->setup) PetscFunctionReturn(PETSC_SUCCESS);
  if (!op->type[0]) PetscCall(NbOperatorSetType(op, "lordnet"));
  PetscCall(CheckSettings(op));
  op->L   = op->nx * op->ny;
  op->cap = ((op->lbfgs_its > 0 ? op->ntrain : op->batch) + op->size - 1) / op->size;
  PetscCall(DMDACreate2d(PETSC_COMM_SELF, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, op->nx, op->ny, 1, 1, 1, 1, NULL, NULL, &op->da));
  PetscCall(DMSetUp(op->da));
  PetscCall(DMCreateGlobalVector(op->da, &op->vu));
  PetscCall(VecDuplicate(op->vu, &op->vr));
  PetscCall(VecDuplicate(op->vu, &op->vw));
  PetscCall(PetscCalloc1(op->ntrain, &op->train));
  PetscCall(PetscMalloc6(op->cap, &op->idx, op->cap * op->L * NB_OPERATOR_NIN, &op->xb, op->cap * op->L, &op->mb, op->cap * op->L, &op->wb, op->cap * op->L, &op->eb, op->cap * op->L, &op->ub));
  PetscCall(NbModelCreate(op->comm, &op->model));
  PetscCall(NbModelSetName(op->model, op->type));
  PetscCall(NbModelSetOptionsPrefix(op->model, op->prefix));
  PetscCall(NbModelSetFromOptions(op->model));
  PetscCall(BuildGraph(op));
  PetscCall(ZeroOutput(op));
  PetscCall(NbModelGetNumParameters(op->model, &P));
  PetscCall(PetscMalloc1(P, &op->good));
  PetscCall(CreateOptimizer(op));
  op->setup = PETSC_TRUE;
  if (op->view) PetscCall(NbOperatorView(op, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorComputeLoss(NbOperator op, PetscInt step, PetscReal *loss)
{
  PetscFunctionBegin;
  PetscCall(NbOperatorSetUp(op));
  PetscCall(SetBatch(op, ((PetscInt64)step * op->batch) % op->ntrain, op->batch));
  PetscCall(Objective(op->model, loss, op));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorTrain(NbOperator op)
{
  double t0;

  PetscFunctionBegin;
  PetscCall(NbOperatorSetUp(op));
  t0 = NbWallTime();
  PetscCall(NbOptimizerSolve(op->opt));
  if (op->lbfgs) PetscCall(NbOptimizerSolve(op->lbfgs));
  op->trainwall += NbWallTime() - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorPredict(NbOperator op, PetscInt n, const PetscInt64 idx[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(NbOperatorSetUp(op));
  for (PetscInt k0 = 0; k0 < n; k0 += op->cap) {
    PetscInt k = PetscMin(op->cap, n - k0);
    double   t0;
    PetscCall(NbOperatorSetSamples_Private(op, k, idx + k0));
    t0 = NbWallTime();
    PetscCall(NbGraphForward(op->graph));
    PetscCall(NbGraphGetValues(op->graph, op->u, NULL, u + (size_t)k0 * op->L));
    op->predictwall += NbWallTime() - t0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorView(NbOperator op, PetscViewer v)
{
  PetscInt P = 0;

  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(op->comm, &v));
  if (op->model && op->setup) PetscCall(NbModelGetNumParameters(op->model, &P));
  PetscCall(PetscViewerASCIIPrintf(v, "NbOperator %s: %d x %d nodes, %d parameters; %d training samples in batches of %d, %d held out, %d rank(s)\n", op->type, (int)op->nx, (int)op->ny, (int)P, (int)op->ntrain, (int)op->batch, (int)op->ntest, (int)op->size));
  PetscCall(PetscViewerASCIIPushTab(v));
  if (op->ops.view) PetscCall((*op->ops.view)(op, v));
  if (op->fam) PetscCall(NbPoissonFamilyView(op->fam, v));
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorDestroy(NbOperator *opp)
{
  NbOperator op = *opp;

  PetscFunctionBegin;
  if (!op) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt a = 0; op->train && a < op->ntrain; a++) PetscCall(NbOperatorSampleDestroy_Private(&op->train[a]));
  PetscCall(PetscFree(op->train));
  PetscCall(PetscFree6(op->idx, op->xb, op->mb, op->wb, op->eb, op->ub));
  PetscCall(PetscFree(op->good));
  PetscCall(VecDestroy(&op->vu));
  PetscCall(VecDestroy(&op->vr));
  PetscCall(VecDestroy(&op->vw));
  PetscCall(DMDestroy(&op->da));
  PetscCall(NbOptimizerDestroy(&op->opt));
  PetscCall(NbOptimizerDestroy(&op->lbfgs));
  PetscCall(NbGraphDestroy(&op->graph));
  PetscCall(NbModelDestroy(&op->model));
  PetscCall(NbHeadDestroyType(op, &op->ops, sizeof(op->ops)));
  PetscCall(PetscFree(op));
  *opp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorGetModel(NbOperator op, NbModel *m)
{
  PetscFunctionBegin;
  *m = op->model;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorGetOptimizers(NbOperator op, NbOptimizer *adam, NbOptimizer *lbfgs)
{
  PetscFunctionBegin;
  if (adam) *adam = op->opt;
  if (lbfgs) *lbfgs = op->lbfgs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorGetSampleCounts(NbOperator op, PetscInt *ntrain, PetscInt *ntest)
{
  PetscFunctionBegin;
  if (ntrain) *ntrain = op->ntrain;
  if (ntest) *ntest = op->ntest;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorGetTimes(NbOperator op, double *train, double *predict)
{
  PetscFunctionBegin;
  if (train) *train = op->trainwall;
  if (predict) *predict = op->predictwall;
  PetscFunctionReturn(PETSC_SUCCESS);
}
