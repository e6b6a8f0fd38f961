/* aas: adversarial adaptive sampling (after Tang, Zhai, Wan & Yang 2023,
   "Adversarial adaptive sampling: unify PINN and optimal transport for the
   approximation of PDEs", arXiv:2305.18702). A normalizing flow p_theta on
   the bounded space-time box is trained to MAXIMISE the expected squared
   residual under its own density, regularised towards the uniform density,
   alternating with the PINN's minimisation of the residual on the flow's
   samples.

   Flow (KRnet-like: Tang, Wan & Liao 2020): latent z in R^d from the
   standard logistic density, K affine coupling layers y = f(z) (layer k
   transforms coordinate k mod d: y_a = z_a exp(s(z_b)) + t(z_b), s =
   2 tanh(.), conditioners are small tanh MLPs with zero-initialised output),
   then the bounded-support map x = lo + (hi - lo) sigmoid(y). With f the
   identity the flow is exactly uniform on the box. log p(x) is computed in
   the inverse direction: w = (x - lo)/(hi - lo), y = logit(w), z = f^-1(y),
     log p(x) = sum_d log sigma'(z_d) - sum_k s_k - sum_d log((hi - lo) w_d (1 - w_d)).

   Objective (one sampling round): with rho(x) = r(x)^2 / mean(r^2) (the
   squared residual normalised by its mean over the batch, so the schedule
   does not depend on the residual's scale),
     J(theta) = E_{p_theta}[rho] - beta KL(p_theta || uniform)
              = E_{p_theta}[rho - beta log p_theta] + const,
   whose maximiser is p* ~ exp(rho / beta): smooth, positive everywhere, and
   concentrated where the residual is large; beta (-aas_beta) sets how much.
   Gradient: the score-function estimator (no input derivatives of r are
   needed), grad J = E_p[(rho - beta log p - b) grad log p], with the batch
   mean b as baseline; the flow minimises the surrogate
     L(theta) = -mean_i A_i log p_theta(x_i),  A_i = rho_i - beta log p_i - b,
   on a fresh batch of -aas_batch samples at each of -aas_flow_steps Adam
   steps (learning rate -aas_lr). The collocation set is then redrawn: a
   fraction -aas_uniform of the points uniform (a safeguard against any
   residual collapse of the flow), the rest from the flow.
   Every draw is a function of its global index, so the points do not depend
   on the number of ranks beyond the round-off of the residual. */
#include "samplerimpl.h"

typedef struct {
  /* options */
  PetscInt  nlayers, width, batch, flowsteps;
  PetscReal beta, lr, uniform;
  /* flow */
  NbModel      model;
  NbLayer     *cond;
  NbGraph      gd, gs;           /* density (training) and sampling graphs */
  NbTensor     X, A, logp, Z, Xs; /* gd: points, advantages, log density; gs: latent, samples */
  NbOptimizer  opt;
  PetscInt     maxbatch, maxsample;
  PetscReal    last_objective, last_entropy;
  PetscInt64   draws; /* latent draws so far (stream counter) */
} Sampler_AAS;


/* the coordinates transformed and conditioned on by coupling layer k */
static void CouplingSplit(PetscInt d, PetscInt k, PetscInt *a, PetscInt b[])
{
  *a = k % d;
  for (PetscInt j = 0, m = 0; j < d; j++)
    if (j != *a) b[m++] = j;
}

/* columns cols[0..n-1] of x side by side */
static PetscErrorCode Columns(NbTensor x, PetscInt n, const PetscInt cols[], NbTensor *y)
{
  NbTensor c[NB_SAMPLER_MAXDIM];

  PetscFunctionBegin;
  for (PetscInt j = 0; j < n; j++) PetscCall(NbTensorSlice(x, cols[j], cols[j] + 1, &c[j]));
  if (n == 1) *y = c[0];
  else PetscCall(NbTensorConcat(n, c, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* s = 2 tanh(raw_s), t = raw_t from the conditioner on the columns b */
static PetscErrorCode Conditioner(NbSampler smp, NbGraph g, PetscInt k, NbTensor cur, NbTensor *s, NbTensor *t)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscInt     a, b[NB_SAMPLER_MAXDIM];
  NbTensor     in, out;

  PetscFunctionBegin;
  CouplingSplit(smp->dim, k, &a, b);
  PetscCall(Columns(cur, smp->dim - 1, b, &in));
  PetscCall(NbLayerApply(aas->cond[k], g, in, &out));
  PetscCall(NbTensorSlice(out, 0, 1, s));
  PetscCall(NbTensorTanh(*s, s));
  PetscCall(NbTensorScale(*s, 2, s));
  PetscCall(NbTensorSlice(out, 1, 2, t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* replaces column a of cur by col */
static PetscErrorCode ReplaceColumn(PetscInt d, NbTensor cur, PetscInt a, NbTensor col, NbTensor *next)
{
  NbTensor c[NB_SAMPLER_MAXDIM];

  PetscFunctionBegin;
  for (PetscInt j = 0; j < d; j++) {
    if (j == a) c[j] = col;
    else PetscCall(NbTensorSlice(cur, j, j + 1, &c[j]));
  }
  PetscCall(NbTensorConcat(d, c, next));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* per-point sum of the columns of x (n x d -> n x 1) */
static PetscErrorCode RowSum(NbGraph g, NbTensor x, PetscInt d, NbTensor *y)
{
  PetscReal ones[NB_SAMPLER_MAXDIM];
  NbTensor  o;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < d; j++) ones[j] = 1;
  PetscCall(NbGraphAddConstant(g, "ones", d, 1, ones, &o));
  PetscCall(NbTensorMatMul(x, o, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* log sigma'(z) = -z - 2 softplus(-z), the standard logistic log density */
static PetscErrorCode LogisticLogDensity(NbTensor z, NbTensor *l)
{
  NbTensor sp;

  PetscFunctionBegin;
  PetscCall(NbTensorScale(z, -1, &sp));
  PetscCall(NbTensorSoftplus(sp, &sp));
  PetscCall(NbTensorAXPB(sp, -2, 0, &sp));
  PetscCall(NbTensorSub(sp, z, l));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildFlow(NbSampler smp)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscInt     d = smp->dim, widths[4];
  NbTensor     cur, w, y, lw, l1w, jac, logp, sums, q, neg;
  PetscReal    scale[NB_SAMPLER_MAXDIM * NB_SAMPLER_MAXDIM] = {0}, shift[NB_SAMPLER_MAXDIM], logvol = 0;
  NbTensor     S, B;
  MPI_Comm     comm = smp->comm;

  PetscFunctionBegin;
  PetscCheck(d >= 2, comm, PETSC_ERR_SUP, "aas needs a domain of at least 2 coordinates (space-time)");
  PetscCall(NbModelCreate(comm, &aas->model));
  PetscCall(NbModelSetName(aas->model, "aas_flow"));
  PetscCall(NbModelSetSeed(aas->model, smp->seed + 1000003));
  PetscCall(PetscMalloc1(aas->nlayers, &aas->cond));
  widths[0] = d - 1;
  widths[1] = aas->width;
  widths[2] = aas->width;
  widths[3] = 2;
  for (PetscInt k = 0; k < aas->nlayers; k++) {
    char name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), "coupling%d", (int)k));
    PetscCall(NbModelAddMLP(aas->model, name, 4, widths, NB_ACT_TANH, &aas->cond[k]));
  }
  PetscCall(NbModelSetUp(aas->model));
  for (PetscInt k = 0; k < aas->nlayers; k++) { /* identity flow at start: zero output layer */
    char       name[48];
    PetscReal *zero;
    PetscCall(PetscCalloc1(aas->width * 2, &zero));
    PetscCall(PetscSNPrintf(name, sizeof(name), "coupling%d.2.W", (int)k));
    PetscCall(NbModelSetParameterValues(aas->model, name, zero));
    PetscCall(PetscFree(zero));
  }

  /* density graph: x -> log p(x); loss = -mean(A log p) */
  PetscCall(NbGraphCreate(comm, &aas->gd));
  PetscCall(NbGraphAddInput(aas->gd, "flow_points", aas->maxbatch, d, &aas->X));
  PetscCall(NbGraphAddInputLike(aas->gd, "advantage", aas->X, 1, &aas->A));
  for (PetscInt j = 0; j < d; j++) {
    scale[j * d + j] = 1 / (smp->hi[j] - smp->lo[j]);
    shift[j]         = -smp->lo[j] / (smp->hi[j] - smp->lo[j]);
    logvol += PetscLogReal(smp->hi[j] - smp->lo[j]);
  }
  PetscCall(NbGraphAddConstant(aas->gd, "box_scale", d, d, scale, &S));
  PetscCall(NbGraphAddConstant(aas->gd, "box_shift", 1, d, shift, &B));
  PetscCall(NbTensorDense(aas->X, S, B, &w));   /* w in (0, 1)^d */
  PetscCall(NbTensorLog(w, &lw));
  PetscCall(NbTensorAXPB(w, -1, 1, &l1w));
  PetscCall(NbTensorLog(l1w, &l1w));
  PetscCall(NbTensorSub(lw, l1w, &y));           /* y = logit(w) */
  PetscCall(NbTensorAdd(lw, l1w, &jac));         /* log w(1-w) */
  cur  = y;
  sums = NULL;
  for (PetscInt k = aas->nlayers - 1; k >= 0; k--) { /* inverse couplings */
    NbTensor s, t, ya, za;
    PetscInt a, b[NB_SAMPLER_MAXDIM];
    CouplingSplit(d, k, &a, b);
    PetscCall(Conditioner(smp, aas->gd, k, cur, &s, &t));
    PetscCall(NbTensorSlice(cur, a, a + 1, &ya));
    PetscCall(NbTensorSub(ya, t, &za));
    PetscCall(NbTensorScale(s, -1, &neg));
    PetscCall(NbTensorExp(neg, &neg));
    PetscCall(NbTensorMul(za, neg, &za));
    PetscCall(ReplaceColumn(d, cur, a, za, &cur));
    if (sums) PetscCall(NbTensorAdd(sums, s, &sums));
    else sums = s;
  }
  PetscCall(LogisticLogDensity(cur, &q));
  PetscCall(NbTensorSub(q, jac, &q));
  PetscCall(RowSum(aas->gd, q, d, &logp));
  PetscCall(NbTensorSub(logp, sums, &logp));
  PetscCall(NbTensorAXPB(logp, 1, -logvol, &aas->logp));
  PetscCall(NbGraphMarkOutput(aas->gd, aas->logp));
  {
    NbTensor surrogate;
    PetscCall(NbTensorMul(aas->A, aas->logp, &surrogate));
    PetscCall(NbTensorMean(surrogate, &surrogate));
    PetscCall(NbTensorScale(surrogate, -1, &surrogate));
    PetscCall(NbGraphSetLoss(aas->gd, surrogate));
  }
  PetscCall(NbGraphSetUp(aas->gd));

  /* sampling graph: z -> x */
  PetscCall(NbGraphCreate(comm, &aas->gs));
  PetscCall(NbGraphAddInput(aas->gs, "latent", aas->maxsample, d, &aas->Z));
  cur = aas->Z;
  for (PetscInt k = 0; k < aas->nlayers; k++) {
    NbTensor s, t, za, ya;
    PetscInt a, b[NB_SAMPLER_MAXDIM];
    CouplingSplit(d, k, &a, b);
    PetscCall(Conditioner(smp, aas->gs, k, cur, &s, &t));
    PetscCall(NbTensorSlice(cur, a, a + 1, &za));
    PetscCall(NbTensorExp(s, &s));
    PetscCall(NbTensorMul(za, s, &ya));
    PetscCall(NbTensorAdd(ya, t, &ya));
    PetscCall(ReplaceColumn(d, cur, a, ya, &cur));
  }
  PetscCall(NbTensorSigmoid(cur, &cur));
  for (PetscInt j = 0; j < d; j++) {
    scale[j * d + j] = smp->hi[j] - smp->lo[j];
    shift[j]         = smp->lo[j];
  }
  PetscCall(NbGraphAddConstant(aas->gs, "box_scale", d, d, scale, &S));
  PetscCall(NbGraphAddConstant(aas->gs, "box_shift", 1, d, shift, &B));
  PetscCall(NbTensorDense(cur, S, B, &aas->Xs));
  PetscCall(NbGraphMarkOutput(aas->gs, aas->Xs));
  PetscCall(NbGraphSetUp(aas->gs));

  PetscCall(NbOptimizerCreate(aas->model, &aas->opt));
  PetscCall(NbOptimizerSetOptionsPrefix(aas->opt, "aas_"));
  PetscCall(NbOptimizerSetGraph(aas->opt, aas->gd));
  PetscCall(NbOptimizerSetType(aas->opt, "adam"));
  PetscCall(NbOptimizerSetLearningRate(aas->opt, aas->lr));
  PetscCall(NbOptimizerSetFromOptions(aas->opt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Samples start..start+n-1 of the flow's current draw sequence: latent
   logistic numbers by global index, pushed through the flow. */
static PetscErrorCode FlowSample(NbSampler smp, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal x[])
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscReal   *z;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * smp->dim + 1, &z));
  PetscCall(NbRNGUniform(smp->rng, stream, start * smp->dim, n * smp->dim, z));
  for (PetscInt i = 0; i < n * smp->dim; i++) z[i] = PetscLogReal(z[i] / (1 - z[i])); /* logistic */
  PetscCall(NbGraphEvaluate(aas->gs, aas->Z, n, z, 1, &aas->Xs, &x));
  /* keep samples strictly inside the box, where log p is finite */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt d = 0; d < smp->dim; d++) {
      PetscReal eps = 1e-12 * (smp->hi[d] - smp->lo[d]);
      x[i * smp->dim + d] = PetscMin(PetscMax(x[i * smp->dim + d], smp->lo[d] + eps), smp->hi[d] - eps);
    }
  PetscCall(PetscFree(z));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One flow Adam step on a fresh batch. */
static PetscErrorCode FlowStep(NbSampler smp)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscInt     n;
  PetscInt64   off, stream = NB_SAMPLER_STREAM(NB_STREAM_AAS_BATCH, 0);
  PetscReal   *x, *r, *lp, *A, acc[3] = {0, 0, 0}, loss;

  PetscFunctionBegin;
  PetscCall(NbPartition(smp->comm, aas->batch, &off, &n));
  PetscCall(PetscMalloc4(n * smp->dim + 1, &x, n + 1, &r, n + 1, &lp, n + 1, &A));
  PetscCall(FlowSample(smp, stream, aas->draws + off, n, x));
  aas->draws += aas->batch; /* the same on every rank */
  PetscCall(PetscArrayzero(A, n + 1));
  PetscCall(smp->residual(n, x, r, smp->rctx));
  PetscCall(NbGraphSetInputPartitioned(aas->gd, aas->X, aas->batch, off, n, x));
  PetscCall(NbGraphSetInputPartitioned(aas->gd, aas->A, aas->batch, off, n, A)); /* values set below */
  PetscCall(NbGraphForward(aas->gd));
  PetscCall(NbGraphGetValues(aas->gd, aas->logp, NULL, lp));
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(!PetscIsInfOrNanReal(r[i]) && !PetscIsInfOrNanReal(lp[i]), PETSC_COMM_SELF, PETSC_ERR_FP, "aas: the residual or the flow density is not finite; lower -aas_lr or -pinn_lr");
    acc[0] += r[i] * r[i];
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, acc, 1, MPIU_REAL, MPIU_SUM, smp->comm));
  acc[0] /= aas->batch; /* mean r^2 */
  for (PetscInt i = 0; i < n; i++) {
    A[i] = r[i] * r[i] / (acc[0] > 0 ? acc[0] : 1) - aas->beta * lp[i];
    acc[1] += A[i];
    acc[2] += lp[i];
  }
  acc[0] = 0;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, acc + 1, 2, MPIU_REAL, MPIU_SUM, smp->comm));
  for (PetscInt i = 0; i < n; i++) A[i] -= acc[1] / aas->batch; /* baseline */
  aas->last_objective = acc[1] / aas->batch;
  aas->last_entropy   = -acc[2] / aas->batch;
  PetscCall(NbGraphSetInputPartitioned(aas->gd, aas->A, aas->batch, off, n, A));
  PetscCall(NbOptimizerStep(aas->opt, &loss));
  PetscCall(PetscFree4(x, r, lp, A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Redraw(NbSampler smp)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscInt     n;
  PetscInt64   nuni = (PetscInt64)(aas->uniform * smp->N0);

  PetscFunctionBegin;
  PetscCall(NbSamplerSetGlobalSize_Private(smp, smp->N0, &n));
  /* global points [0, nuni) uniform, [nuni, N) from the flow */
  for (PetscInt i = 0; i < n; i++) {
    PetscInt64 g = smp->offset + i;
    if (g < nuni) PetscCall(NbSamplerUniformBox_Private(smp, NB_SAMPLER_STREAM(NB_STREAM_UNIFORM, smp->round), g, 1, smp->x + i * smp->dim));
  }
  {
    PetscInt64 first = PetscMax(smp->offset, nuni), last = smp->offset + n;
    PetscInt64 stream = NB_SAMPLER_STREAM(NB_STREAM_AAS_DRAW, smp->round);
    if (last > first) PetscCall(FlowSample(smp, stream, first - nuni, (PetscInt)(last - first), smp->x + (first - smp->offset) * smp->dim));
    else PetscCall(FlowSample(smp, stream, 0, 0, smp->x));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_AAS(NbSampler smp)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscMPIInt  size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(smp->comm, &size));
  aas->maxbatch  = (PetscInt)((aas->batch + size - 1) / size) + 1;
  aas->maxsample = 4096;
  PetscCall(BuildFlow(smp));
  PetscCall(NbSamplerSetUpUniform_Private(smp)); /* round 0 */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Adapt_AAS(NbSampler smp)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;

  PetscFunctionBegin;
  PetscCall(NbSamplerCheckResidual_Private(smp));
  for (PetscInt k = 0; k < aas->flowsteps; k++) PetscCall(FlowStep(smp));
  PetscCall(Redraw(smp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetFromOptions_AAS(NbSampler smp, PetscOptionItems *PetscOptionsObject)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsInt("-aas_layers", "Affine coupling layers of the flow", "NbSamplerAdapt", aas->nlayers, &aas->nlayers, NULL));
  PetscCall(PetscOptionsInt("-aas_width", "Units of the coupling conditioners (2 hidden layers)", "NbSamplerAdapt", aas->width, &aas->width, NULL));
  PetscCall(PetscOptionsInt("-aas_batch", "Flow samples per flow step", "NbSamplerAdapt", aas->batch, &aas->batch, NULL));
  PetscCall(PetscOptionsInt("-aas_flow_steps", "Flow Adam steps per round", "NbSamplerAdapt", aas->flowsteps, &aas->flowsteps, NULL));
  PetscCall(PetscOptionsReal("-aas_beta", "Weight beta of KL(p || uniform): the flow tends to p ~ exp(r^2/(beta mean r^2))", "NbSamplerAdapt", aas->beta, &aas->beta, NULL));
  PetscCall(PetscOptionsReal("-aas_lr", "Flow learning rate", "NbSamplerAdapt", aas->lr, &aas->lr, NULL));
  PetscCall(PetscOptionsReal("-aas_uniform", "Fraction of collocation points drawn uniformly", "NbSamplerAdapt", aas->uniform, &aas->uniform, NULL));
  PetscCheck(aas->nlayers >= 1 && aas->width >= 1 && aas->batch >= 2 && aas->flowsteps >= 0, smp->comm, PETSC_ERR_USER_INPUT, "-aas_layers, -aas_width >= 1, -aas_batch >= 2, -aas_flow_steps >= 0");
  PetscCheck(aas->beta > 0, smp->comm, PETSC_ERR_USER_INPUT, "-aas_beta %g must be positive: without the KL term the flow can collapse onto the largest residual", (double)aas->beta);
  PetscCheck(aas->uniform >= 0 && aas->uniform <= 1, smp->comm, PETSC_ERR_USER_INPUT, "-aas_uniform %g must lie in [0, 1]", (double)aas->uniform);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_AAS(NbSampler smp, PetscViewer v)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "flow: %d affine couplings (2 x %d tanh conditioners), logistic base, sigmoid to the box; %d Adam steps of %d samples per round, beta %g, %g uniform\n", (int)aas->nlayers, (int)aas->width, (int)aas->flowsteps, (int)aas->batch, (double)aas->beta, (double)aas->uniform));
  PetscCall(PetscViewerASCIIPrintf(v, "last round: E[rho - beta log p] = %g, entropy %g\n", (double)aas->last_objective, (double)aas->last_entropy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_AAS(NbSampler smp)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;

  PetscFunctionBegin;
  PetscCall(NbOptimizerDestroy(&aas->opt));
  PetscCall(NbGraphDestroy(&aas->gd));
  PetscCall(NbGraphDestroy(&aas->gs));
  PetscCall(NbModelDestroy(&aas->model));
  PetscCall(PetscFree(aas->cond));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The flow's density at this rank's n points (for output). */
PetscErrorCode NbSamplerAASDensity(NbSampler smp, PetscInt n, const PetscReal x[], PetscReal p[])
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscBool    isaas;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(smp->type, "aas", &isaas));
  PetscCheck(isaas && smp->setup, smp->comm, PETSC_ERR_ARG_WRONGSTATE, "NbSamplerAASDensity() needs a set-up aas sampler");
  PetscReal *xc;
  PetscCall(PetscMalloc1(n * smp->dim + 1, &xc));
  /* on the box's faces the logit map is infinite: evaluate the limit from inside */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt d = 0; d < smp->dim; d++) {
      PetscReal eps = 1e-12 * (smp->hi[d] - smp->lo[d]);
      xc[i * smp->dim + d] = PetscMin(PetscMax(x[i * smp->dim + d], smp->lo[d] + eps), smp->hi[d] - eps);
    }
  PetscCall(NbGraphEvaluate(aas->gd, aas->X, n, xc, 1, &aas->logp, &p));
  for (PetscInt i = 0; i < n; i++) p[i] = PetscExpReal(p[i]);
  PetscCall(PetscFree(xc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the flow's parameters, its Adam state and the draw counter */
static PetscErrorCode GetState_AAS(NbSampler smp, NbState st)
{
  Sampler_AAS *aas = (Sampler_AAS *)smp->data;
  PetscInt     np, narr, lens[8], step;
  const char  *names[8];
  PetscReal   *arrs[8], *w, misc[2] = {aas->last_objective, aas->last_entropy};
  PetscInt64   counters[2];
  char         key[64];

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(aas->model, &np));
  PetscCall(NbModelGetParameterArray(aas->model, &w));
  PetscCall(NbStateAddReal(st, "sampler.aas_flow", np, w));
  PetscCall(NbModelRestoreParameterArray(aas->model, &w));
  PetscCall(NbOptimizerGetState(aas->opt, &narr, names, arrs, lens));
  for (PetscInt k = 0; k < narr; k++) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "sampler.aas_opt_%s", names[k]));
    PetscCall(NbStateAddReal(st, key, lens[k], arrs[k]));
  }
  PetscCall(NbOptimizerGetStepNumber(aas->opt, &step));
  counters[0] = aas->draws, counters[1] = step;
  PetscCall(NbStateAddInt(st, "sampler.aas_draws_step", 2, counters));
  PetscCall(NbStateAddReal(st, "sampler.aas_last", 2, misc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetState_AAS(NbSampler smp, NbState st)
{
  Sampler_AAS      *aas = (Sampler_AAS *)smp->data;
  PetscInt          np, narr, lens[8];
  const char       *names[8];
  PetscReal        *arrs[8], *w;
  const PetscReal  *v, *misc;
  const PetscInt64 *counters;
  PetscInt64        n;
  char              key[64];

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(aas->model, &np));
  PetscCall(NbStateGetReal(st, "sampler.aas_flow", &n, &v));
  PetscCheck(n == np, smp->comm, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint's AAS flow has %" PetscInt64_FMT " parameters, this one %d: written with other -aas_layers/-aas_width", n, (int)np);
  PetscCall(NbModelGetParameterArray(aas->model, &w));
  PetscCall(PetscArraycpy(w, v, np));
  PetscCall(NbModelRestoreParameterArray(aas->model, &w));
  PetscCall(NbOptimizerGetState(aas->opt, &narr, names, arrs, lens));
  for (PetscInt k = 0; k < narr; k++) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "sampler.aas_opt_%s", names[k]));
    PetscCall(NbStateGetReal(st, key, &n, &v));
    PetscCheck(n == lens[k], smp->comm, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint's AAS optimizer state '%s' has %" PetscInt64_FMT " entries, %d expected", names[k], n, (int)lens[k]);
    PetscCall(PetscArraycpy(arrs[k], v, lens[k]));
  }
  PetscCall(NbStateGetInt(st, "sampler.aas_draws_step", &n, &counters));
  PetscCall(NbStateGetReal(st, "sampler.aas_last", NULL, &misc));
  aas->draws          = counters[0];
  aas->last_objective = misc[0];
  aas->last_entropy   = misc[1];
  PetscCall(NbOptimizerSetStepNumber(aas->opt, (PetscInt)counters[1]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCreate_AAS(NbSampler smp)
{
  static const Sampler_AAS  defaults = {.nlayers = 6, .width = 32, .batch = 2000, .flowsteps = 100, .beta = 1, .lr = 1e-3, .uniform = 0.2};
  static const NbSamplerOps ops      = {.destroy = Destroy_AAS, .setfromoptions = SetFromOptions_AAS, .setup = SetUp_AAS, .adapt = Adapt_AAS, .view = View_AAS, .getstate = GetState_AAS, .setstate = SetState_AAS};

  return NbHeadSetTypeData(smp, &defaults, sizeof(defaults), &smp->ops, &ops, sizeof(ops));
}
