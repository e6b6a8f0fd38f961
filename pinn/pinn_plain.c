/* The plain PINN (-pinn_dd none): one network on the whole box, trained
   data-parallel. Every point set (collocation from the sampler, initial,
   boundary, observations) is split over the ranks by global index (the
   base keeps the data sets whole on every rank; each rank feeds the graph
   its block), means divide by the global counts, and the gradient is one
   MPI_Allreduce per step, so 1 and 4 ranks follow the same trajectory to
   round-off. The residual is the PDE's pointwise function on jets (exact
   input derivatives, nn/jet.c). */
#include "pinnimpl.h"

typedef struct {
  NbLayer   fourier, net, *dense; /* dense: the layers when dropout is on */
  NbGraph   geval;                /* u at arbitrary points */
  NbSampler sampler;
  NbTensor  X, XI, UI, XB, UB, XD, UD, XE, UE, rabs, term[NB_PINN_NTERMS], loss;
  NbTensor  res[8], diff[NB_PINN_NTERMS]; /* the residuals and the data misfits u - v (least squares) */
  PetscInt  nres;
} PINNPlain;

/* u = network(X): inputs normalised to [-1, 1], optional Fourier features,
   the MLP (dropout after every hidden layer, Gal & Ghahramani 2016), and
   the hard constraint if any. X is a jet or a plain tensor. */
static PetscErrorCode ApplyNetwork(NbPINN p, NbGraph g, NbTensor X, NbTensor *U)
{
  PINNPlain *s = (PINNPlain *)p->data;
  NbTensor   Y, N;

  PetscFunctionBegin;
  PetscCall(NbPINNNormalize_Private(g, NB_PINN_NIN(p), p->pde.lo, p->pde.hi, X, &Y));
  if (s->fourier) PetscCall(NbLayerApply(s->fourier, g, Y, &Y));
  if (s->dense) {
    N = Y;
    for (PetscInt l = 0; l <= p->depth; l++) {
      PetscCall(NbLayerApply(s->dense[l], g, N, &N));
      if (l < p->depth) PetscCall(NbTensorDropout(N, p->dropout, &N));
    }
  } else PetscCall(NbLayerApply(s->net, g, Y, &N));
  if (p->hard) PetscCall((*p->pde.hard)(p->pde.ctx, X, N, U));
  else *U = N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildModel(NbPINN p)
{
  PINNPlain *s   = (PINNPlain *)p->data;
  PetscInt   nin = NB_PINN_NIN(p), nw = p->depth + 2, *widths;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(p->comm, &p->model));
  PetscCall(NbModelSetName(p->model, "pinn"));
  PetscCall(NbModelSetSeed(p->model, p->seed));
  PetscCall(NbModelSetOptionsPrefix(p->model, p->prefix));
  if (p->nfourier > 0) PetscCall(NbModelAddFourierFeatures(p->model, "fourier", nin, p->nfourier, p->fsigma, &s->fourier));
  PetscCall(PetscMalloc1(nw, &widths));
  widths[0] = p->nfourier > 0 ? 2 * p->nfourier : nin;
  for (PetscInt l = 1; l <= p->depth; l++) widths[l] = p->width;
  widths[nw - 1] = p->pde.nout;
  if (p->dropout > 0) {
    PetscCall(PetscMalloc1(p->depth + 1, &s->dense));
    for (PetscInt l = 0; l <= p->depth; l++) {
      char name[32];
      PetscCall(PetscSNPrintf(name, sizeof(name), "u.%d", (int)l));
      PetscCall(NbModelAddDense(p->model, name, widths[l], widths[l + 1], l < p->depth ? p->act : NB_ACT_NONE, &s->dense[l]));
    }
  } else PetscCall(NbModelAddMLP(p->model, "u", nw, widths, p->act, &s->net));
  PetscCall(PetscFree(widths));
  PetscCall(NbPINNAddCoefficients_Private(p, p->model));
  PetscCall(NbModelSetFromOptions(p->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* mean |u - v|^2 summed over the components at a point set (x, values);
   no term for an empty set */
static PetscErrorCode DataTerm(NbPINN p, const char *name, PetscInt64 N, NbTensor *X, NbTensor *V, NbTensor *diff, NbTensor *term)
{
  PetscInt64 off;
  PetscInt   n;
  NbTensor   U;
  char       vname[64];

  PetscFunctionBegin;
  if (N == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbPartition(p->comm, N, &off, &n));
  PetscCall(PetscSNPrintf(vname, sizeof(vname), "%s_values", name));
  PetscCall(NbGraphAddInput(p->graph, name, n + 1, NB_PINN_NIN(p), X));
  PetscCall(NbGraphAddInputLike(p->graph, vname, *X, p->pde.nout, V));
  PetscCall(ApplyNetwork(p, p->graph, *X, &U));
  PetscCall(NbPINNMisfitDifference_Private(U, *V, p->pde.nout, diff, term));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildGraphs(NbPINN p)
{
  PINNPlain *s   = (PINNPlain *)p->data;
  PetscInt   nin = NB_PINN_NIN(p), maxloc;
  NbTensor   Xj, U, sq, coef[NB_PDE_MAXCOEF];

  PetscFunctionBegin;
  PetscCall(NbPINNGraphCreate_Private(p, p->comm, &p->graph));
  PetscCall(NbSamplerGetMaxLocalPoints(s->sampler, &maxloc));
  PetscCall(NbGraphAddInput(p->graph, "collocation", maxloc, nin, &s->X));
  PetscCall(NbTensorJetSeed(s->X, p->pde.coords, p->pde.derivs, &Xj));
  PetscCall(ApplyNetwork(p, p->graph, Xj, &U));
  PetscCall(NbPINNCoefficients_Private(p, p->model, p->graph, coef));
  PetscCall(NbPINNResiduals_Private(p, s->X, U, coef, &s->nres, s->res, &sq));
  PetscCall(NbTensorMean(sq, &s->term[NB_PINN_TERM_RES]));
  PetscCall(NbTensorSqrt(sq, &s->rabs));
  PetscCall(NbGraphMarkOutput(p->graph, s->rabs));
  PetscCall(DataTerm(p, "initial", p->NI, &s->XI, &s->UI, &s->diff[NB_PINN_TERM_IC], &s->term[NB_PINN_TERM_IC]));
  PetscCall(DataTerm(p, "boundary", p->NB, &s->XB, &s->UB, &s->diff[NB_PINN_TERM_BC], &s->term[NB_PINN_TERM_BC]));
  PetscCall(DataTerm(p, "observations", p->NDcap, &s->XD, &s->UD, &s->diff[NB_PINN_TERM_DATA], &s->term[NB_PINN_TERM_DATA]));
  PetscCall(NbPINNLoss_Private(s->term, p->w, &s->loss));
  PetscCall(NbGraphSetLoss(p->graph, s->loss));
  PetscCall(NbGraphSetFromOptions(p->graph));
  PetscCall(NbGraphSetUp(p->graph));

  /* evaluation graph: u at arbitrary points, same parameters */
  PetscCall(NbGraphCreate(p->comm, &s->geval));
  PetscCall(NbGraphAddInput(s->geval, "points", 4096, nin, &s->XE));
  PetscCall(ApplyNetwork(p, s->geval, s->XE, &s->UE));
  PetscCall(NbGraphMarkOutput(s->geval, s->UE));
  PetscCall(NbGraphSetUp(s->geval));
  PetscCall(NbGraphSetDropout(s->geval, PETSC_FALSE)); /* deterministic unless MC dropout asks */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* this rank's block of a global set */
static PetscErrorCode SetBlock(NbPINN p, NbTensor X, NbTensor V, PetscInt64 N, const PetscReal x[], const PetscReal v[])
{
  PetscInt64 off;
  PetscInt   n;

  PetscFunctionBegin;
  if (N == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbPartition(p->comm, N, &off, &n));
  PetscCall(NbGraphSetInputPartitioned(p->graph, X, N, off, n, x + off * NB_PINN_NIN(p)));
  PetscCall(NbGraphSetInputPartitioned(p->graph, V, N, off, n, v + off * p->pde.nout));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetInputs(NbPINN p)
{
  PINNPlain       *s = (PINNPlain *)p->data;
  PetscInt         n;
  PetscInt64       N, off;
  const PetscReal *x;

  PetscFunctionBegin;
  PetscCall(NbSamplerGetPoints(s->sampler, &n, &x));
  PetscCall(NbSamplerGetGlobalInfo(s->sampler, &N, &off, NULL));
  PetscCall(NbGraphSetInputPartitioned(p->graph, s->X, N, off, n, x));
  PetscCall(SetBlock(p, s->XI, s->UI, p->NI, p->xI, p->uI));
  PetscCall(SetBlock(p, s->XB, s->UB, p->NB, p->xB, p->uB));
  PetscCall(SetBlock(p, s->XD, s->UD, p->ND, p->xD, p->uD));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |r| at arbitrary points, for the adaptive samplers (overwrites the
   collocation input; SetInputs restores it). */
static PetscErrorCode SamplerResidual(PetscInt n, const PetscReal x[], PetscReal r[], void *ctx)
{
  NbPINN     p = (NbPINN)ctx;
  PINNPlain *s = (PINNPlain *)p->data;

  PetscFunctionBegin;
  PetscCall(NbGraphSetDropout(p->graph, PETSC_FALSE)); /* the residual of the mean network */
  PetscCall(NbGraphEvaluate(p->graph, s->X, n, x, 1, &s->rabs, &r));
  PetscCall(NbGraphSetDropout(p->graph, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_Plain(NbPINN p)
{
  PINNPlain  *s = (PINNPlain *)p->data;
  const char *type;
  PetscBool   isaas;

  PetscFunctionBegin;
  PetscCall(NbSamplerSetOptionsPrefix(s->sampler, p->prefix));
  PetscCall(NbSamplerSetNumPoints(s->sampler, p->npoints));
  PetscCall(NbSamplerSetSeed(s->sampler, p->seed));
  PetscCall(NbSamplerSetFromOptions(s->sampler));
  PetscCall(NbSamplerSetDomain(s->sampler, NB_PINN_NIN(p), p->pde.lo, p->pde.hi));
  PetscCall(NbSamplerSetResidual(s->sampler, SamplerResidual, p));
  PetscCall(NbSamplerSetUp(s->sampler));
  PetscCall(BuildModel(p));
  PetscCall(BuildGraphs(p));
  PetscCall(SetInputs(p));
  PetscCall(NbSamplerGetType(s->sampler, &type));
  PetscCall(PetscStrcmp(type, "aas", &isaas));
  if (isaas) {
    p->nfields       = 1;
    p->fieldnames[0] = "aas_density";
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* loss = w_res mean_i sum_k r_k(i)^2 + sum_t w_t mean_i |u - v|^2: rows
   sqrt(w / N) times each residual and each misfit column */
static PetscErrorCode Residuals_Plain(NbPINN p, PetscInt *n, NbTensor r[], PetscReal scale[])
{
  PINNPlain *s = (PINNPlain *)p->data;
  PetscInt64 N[NB_PINN_NTERMS] = {0, p->NI, p->NB, p->ND, 0};

  PetscFunctionBegin;
  PetscCall(NbSamplerGetGlobalInfo(s->sampler, &N[NB_PINN_TERM_RES], NULL, NULL));
  *n = 0;
  for (PetscInt k = 0; k < s->nres; k++, (*n)++) {
    r[*n]     = s->res[k];
    scale[*n] = PetscSqrtReal(p->w[NB_PINN_TERM_RES] / N[NB_PINN_TERM_RES]);
  }
  for (PetscInt t = NB_PINN_TERM_IC; t <= NB_PINN_TERM_DATA; t++)
    if (s->diff[t] && N[t] > 0) {
      r[*n]       = s->diff[t];
      scale[(*n)++] = PetscSqrtReal(p->w[t] / N[t]);
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Terms_Plain(NbPINN p, PetscReal v[])
{
  PINNPlain *s = (PINNPlain *)p->data;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < NB_PINN_NTERMS; k++) {
    v[k] = 0;
    if (s->term[k]) PetscCall(NbGraphGetScalar(p->graph, s->term[k], &v[k]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the compiled loss: change the weights of its active terms */
static PetscErrorCode SetWeights_Plain(NbPINN p)
{
  PINNPlain *s = (PINNPlain *)p->data;

  PetscFunctionBegin;
  PetscCall(NbPINNLossSetWeights_Private(s->term, p->w, s->loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetObservations_Plain(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(SetInputs(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NewRound_Plain(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerAdapt(((PINNPlain *)p->data)->sampler));
  PetscCall(SetInputs(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GetState_Plain(NbPINN p, NbState st)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerGetState(((PINNPlain *)p->data)->sampler, st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetState_Plain(NbPINN p, NbState st)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerSetState(((PINNPlain *)p->data)->sampler, st));
  PetscCall(SetInputs(p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WritePoints_Plain(NbPINN p, NbOutput out, PetscReal tag)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerWritePoints(((PINNPlain *)p->data)->sampler, out));
  PetscCall(SetInputs(p)); /* the residual of the cloud overwrote the collocation input */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Evaluate_Plain(NbPINN p, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PINNPlain *s = (PINNPlain *)p->data;

  PetscFunctionBegin;
  PetscCall(NbGraphEvaluate(s->geval, s->XE, n, x, 1, &s->UE, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* chunks of the evaluation graph's capacity; every rank takes part in as
   many chunks as the busiest one (the input set-up is collective) */
static PetscErrorCode EvaluateGlobal_Plain(NbPINN p, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PINNPlain *s   = (PINNPlain *)p->data;
  PetscInt   nin = NB_PINN_NIN(p), nout = p->pde.nout, cap = 4096, nchunks = (n + cap - 1) / cap, maxchunks;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&nchunks, &maxchunks, 1, MPIU_INT, MPI_MAX, p->comm));
  for (PetscInt c = 0; c < maxchunks; c++) {
    PetscInt c0 = PetscMin(c * cap, n), nc = PetscMin(cap, n - c0);
    PetscCall(NbGraphSetInputPartitioned(s->geval, s->XE, N, offset + c0, nc, x + (size_t)c0 * nin));
    PetscCall(NbGraphForward(s->geval));
    if (nc > 0) PetscCall(NbGraphGetValues(s->geval, s->UE, NULL, u + (size_t)c0 * nout));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode EvaluationDropout_Plain(NbPINN p, PetscBool on, PetscBool advance)
{
  PINNPlain *s = (PINNPlain *)p->data;

  PetscFunctionBegin;
  if (advance) PetscCall(NbGraphAdvanceRandom(s->geval));
  else PetscCall(NbGraphSetDropout(s->geval, on));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Initialize_Plain(NbPINN p)
{
  PetscFunctionBegin;
  PetscCall(NbModelSetSeed(p->model, p->seed));
  PetscCall(NbModelInitialize(p->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CollocationCount_Plain(NbPINN p, PetscInt64 *n)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerGetGlobalInfo(((PINNPlain *)p->data)->sampler, n, NULL, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* aas: the flow's density at the points */
static PetscErrorCode EvaluateFields_Plain(NbPINN p, PetscInt n, const PetscReal x[], PetscReal v[])
{
  PetscFunctionBegin;
  PetscCall(NbSamplerAASDensity(((PINNPlain *)p->data)->sampler, n, x, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_Plain(NbPINN p, NbReport rep)
{
  PINNPlain  *s = (PINNPlain *)p->data;
  char        buf[128];
  const char *stype;
  PetscInt    np, rounds;

  PetscFunctionBegin;
  PetscCall(NbModelGetNumParameters(p->model, &np));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d x %d %s%s, %d parameters", (int)p->depth, (int)p->width, NbActivations[p->act], p->nfourier ? " + Fourier" : "", (int)np));
  PetscCall(NbReportAddString(rep, "PINN network", buf));
  PetscCall(NbSamplerGetType(s->sampler, &stype));
  rounds = p->stats.rounds;
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d %s (%d rounds), %d initial/boundary, bc %s", (int)p->npoints, stype, (int)rounds, (int)(p->NI + p->NB), p->hard ? "hard" : "soft"));
  PetscCall(NbReportAddString(rep, "PINN points", buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_Plain(NbPINN p, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerView(((PINNPlain *)p->data)->sampler, v));
  if (p->model) PetscCall(NbModelView(p->model, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_Plain(NbPINN p)
{
  PINNPlain *s = (PINNPlain *)p->data;

  PetscFunctionBegin;
  PetscCall(NbGraphDestroy(&p->graph));
  PetscCall(NbGraphDestroy(&s->geval));
  PetscCall(NbSamplerDestroy(&s->sampler));
  PetscCall(PetscFree(s->dense));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetSampler(NbPINN p, NbSampler *smp)
{
  PetscBool plain;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(p->type, "none", &plain));
  PetscCheck(plain, p->comm, PETSC_ERR_ARG_WRONG, "NbPINNGetSampler: a -pinn_dd %s PINN has one sampler per subdomain", p->type);
  *smp = ((PINNPlain *)p->data)->sampler;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNCreate_Plain(NbPINN p)
{
  PINNPlain *s;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  PetscCall(NbSamplerCreate(p->comm, &s->sampler));
  p->data                  = s;
  p->ops.setup             = SetUp_Plain;
  p->ops.terms             = Terms_Plain;
  p->ops.residuals         = Residuals_Plain;
  p->ops.setweights        = SetWeights_Plain;
  p->ops.newround          = NewRound_Plain;
  p->ops.setobservations   = SetObservations_Plain;
  p->ops.writepoints       = WritePoints_Plain;
  p->ops.evaluate          = Evaluate_Plain;
  p->ops.evaluateglobal    = EvaluateGlobal_Plain;
  p->ops.evaluationdropout = EvaluationDropout_Plain;
  p->ops.initialize        = Initialize_Plain;
  p->ops.collocationcount  = CollocationCount_Plain;
  p->ops.evaluatefields    = EvaluateFields_Plain;
  p->ops.report            = Report_Plain;
  p->ops.view              = View_Plain;
  p->ops.destroy           = Destroy_Plain;
  p->ops.getstate          = GetState_Plain;
  p->ops.setstate          = SetState_Plain;
  PetscFunctionReturn(PETSC_SUCCESS);
}
