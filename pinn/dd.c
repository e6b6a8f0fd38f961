/* NbDDPINN: domain-decomposed physics-informed networks over MPI. The
   object's lifecycle, options, the partition of the space-time box into
   cells and of the cells over the ranks, and the networks (rank model and
   neighbour replicas). The
   variants (xpinn, cpinn: pinn/dd_xpinn.c; fbpinn: pinn/dd_fbpinn.c) plug
   in through a registry; communication and the objective are in
   pinn/dd_comm.c, the graphs in pinn/dd_graph.c, the point sets in
   pinn/dd_points.c, training in pinn/dd_train.c. */
#include "ddimpl.h"

static PetscFunctionList NbDDPINNList       = NULL;
static PetscBool         NbDDPINNRegistered = PETSC_FALSE;

static PetscErrorCode NbDDPINNFinalizePackage(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&NbDDPINNList));
  NbDDPINNRegistered = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NbDDPINNRegisterAll(void)
{
  PetscFunctionBegin;
  if (NbDDPINNRegistered) PetscFunctionReturn(PETSC_SUCCESS);
  NbDDPINNRegistered = PETSC_TRUE;
  PetscCall(PetscFunctionListAdd(&NbDDPINNList, "xpinn", NbDDPINNCreate_XPINN));
  PetscCall(PetscFunctionListAdd(&NbDDPINNList, "cpinn", NbDDPINNCreate_CPINN));
  PetscCall(PetscFunctionListAdd(&NbDDPINNList, "fbpinn", NbDDPINNCreate_FBPINN));
  PetscCall(PetscRegisterFinalize(NbDDPINNFinalizePackage));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNRegister(const char name[], PetscErrorCode (*create)(NbDDPINN))
{
  PetscFunctionBegin;
  PetscCall(NbDDPINNRegisterAll());
  PetscCall(PetscFunctionListAdd(&NbDDPINNList, name, create));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNCreate(MPI_Comm comm, NbDDPINN *ddp)
{
  NbDDPINN dd;

  PetscFunctionBegin;
  PetscCall(NbDDPINNRegisterAll());
  PetscCall(PetscNew(&dd));
  dd->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &dd->rank));
  PetscCallMPI(MPI_Comm_size(comm, &dd->size));
  /* NbPINN's defaults (Raissi et al. 2019), so -pinn_* means the same */
  dd->width             = 20;
  dd->depth             = 8;
  dd->act               = NB_ACT_TANH;
  dd->npoints           = 10000;
  dd->nbnd              = 100;
  dd->w[DD_TERM_RES]    = 1;
  dd->w[DD_TERM_IC]     = 1;
  dd->w[DD_TERM_BC]     = 1;
  dd->w[DD_TERM_DATA]   = 1;
  dd->w[DD_TERM_IF]     = 1;
  dd->lr                = 1e-3;
  dd->adam_steps        = 10000;
  dd->lbfgs_steps       = 10000;
  dd->resample_every    = 1000;
  dd->nifpoints         = 100;
  dd->wavg              = 1;
  dd->wifres            = 1;
  dd->wflux             = 1;
  dd->overlap           = 0.25;
  dd->ncomm             = MPI_COMM_NULL;
  dd->stale             = PETSC_TRUE;
  *ddp                  = dd;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetType(NbDDPINN dd, const char type[])
{
  PetscErrorCode (*create)(NbDDPINN);
  PetscBool same;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(dd->type, type, &same));
  if (same) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(!dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Choose the decomposition type before NbDDPINNSetUp()");
  PetscCall(PetscFunctionListFind(NbDDPINNList, type, &create));
  PetscCheck(create, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd %s is unknown: use none, xpinn, cpinn or fbpinn", type);
  if (dd->ops.destroy) PetscCall((*dd->ops.destroy)(dd));
  PetscCall(PetscMemzero(&dd->ops, sizeof(dd->ops)));
  dd->data     = NULL;
  dd->windowed = PETSC_FALSE;
  PetscCall(PetscStrncpy(dd->type, type, sizeof(dd->type)));
  PetscCall((*create)(dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetType(NbDDPINN dd, const char *type[])
{
  PetscFunctionBegin;
  *type = dd->type;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetProblem(NbDDPINN dd, const NbPINNProblem *prob)
{
  PetscFunctionBegin;
  PetscCheck(!dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the problem before NbDDPINNSetUp()");
  PetscCheck(prob->dim >= 1 && prob->dim + 1 <= NB_DD_MAXAX && prob->nout >= 1 && prob->nout <= 4 && prob->ncoef <= NB_PINN_MAXCOEF, dd->comm, PETSC_ERR_ARG_OUTOFRANGE, "Unsupported PINN problem shape");
  dd->prob    = *prob;
  dd->hasprob = PETSC_TRUE;
  dd->nin     = prob->dim + 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetFlux(NbDDPINN dd, NbDDPINNFluxFn f, void *ctx)
{
  PetscFunctionBegin;
  dd->flux    = f;
  dd->fluxctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the name of coordinate a ("x" of "x,t") */
PetscErrorCode NbDDAxisName_Private(NbDDPINN dd, PetscInt a, char name[16])
{
  const char *c = dd->prob.coords;
  PetscInt    len;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < a && *c; k++) {
    while (*c && *c != ',') c++;
    if (*c) c++;
  }
  for (len = 0; c[len] && c[len] != ',' && len < 15; len++) name[len] = c[len];
  name[len] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetFromOptions(NbDDPINN dd)
{
  char      type[32], bc[16] = "soft";
  PetscBool set, soft;
  PetscInt  nfourier = 0, nmax;
  PetscReal fsigma   = 1;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(type, dd->type[0] ? dd->type : "xpinn", sizeof(type)));
  nmax = 4096;
  PetscCall(PetscFree2(dd->widths, dd->depths));
  PetscCall(PetscMalloc2(nmax, &dd->widths, nmax, &dd->depths));
  PetscOptionsBegin(dd->comm, NULL, "Domain-decomposed PINN", "NbDDPINN");
  PetscCall(PetscOptionsFList("-pinn_dd", "Domain decomposition", "NbDDPINNSetType", NbDDPINNList, type, type, sizeof(type), NULL));
  PetscCall(NbDDPINNSetType(dd, type));
  /* the options NbPINN reads, with the same meaning */
  PetscCall(PetscOptionsInt("-pinn_width", "Units per hidden layer (every subdomain; see -pinn_dd_width)", "NbDDPINNSetFromOptions", dd->width, &dd->width, NULL));
  PetscCall(PetscOptionsInt("-pinn_depth", "Hidden layers (every subdomain; see -pinn_dd_depth)", "NbDDPINNSetFromOptions", dd->depth, &dd->depth, NULL));
  PetscCall(PetscOptionsEnum("-pinn_activation", "Activation of the hidden layers", "NbDDPINNSetFromOptions", NbActivations, (PetscEnum)dd->act, (PetscEnum *)&dd->act, NULL));
  PetscCall(PetscOptionsInt("-pinn_fourier", "Random Fourier features (not with -pinn_dd)", "NbDDPINNSetFromOptions", nfourier, &nfourier, NULL));
  PetscCall(PetscOptionsReal("-pinn_fourier_sigma", "Standard deviation of the Fourier feature frequencies (not with -pinn_dd)", "NbDDPINNSetFromOptions", fsigma, &fsigma, NULL));
  PetscCall(PetscOptionsInt("-pinn_points", "Collocation points in all (divided over the subdomains unless -pinn_dd_points)", "NbDDPINNSetFromOptions", dd->npoints, &dd->npoints, NULL));
  PetscCall(PetscOptionsInt("-pinn_boundary_points", "Initial + boundary points in all (half initial, half boundary)", "NbDDPINNSetFromOptions", dd->nbnd, &dd->nbnd, NULL));
  PetscCall(PetscOptionsString("-pinn_bc", "Initial/boundary conditions: soft or hard", "NbDDPINNSetFromOptions", bc, bc, sizeof(bc), NULL));
  PetscCall(PetscOptionsReal("-pinn_w_res", "Weight of the residual term", "NbDDPINNSetFromOptions", dd->w[DD_TERM_RES], &dd->w[DD_TERM_RES], NULL));
  PetscCall(PetscOptionsReal("-pinn_w_ic", "Weight of the initial-condition term", "NbDDPINNSetFromOptions", dd->w[DD_TERM_IC], &dd->w[DD_TERM_IC], NULL));
  PetscCall(PetscOptionsReal("-pinn_w_bc", "Weight of the boundary-condition term", "NbDDPINNSetFromOptions", dd->w[DD_TERM_BC], &dd->w[DD_TERM_BC], NULL));
  PetscCall(PetscOptionsReal("-pinn_w_data", "Weight of the observation term", "NbDDPINNSetFromOptions", dd->w[DD_TERM_DATA], &dd->w[DD_TERM_DATA], NULL));
  PetscCall(PetscOptionsInt("-pinn_adam_steps", "Adam steps", "NbDDPINNSetFromOptions", dd->adam_steps, &dd->adam_steps, NULL));
  PetscCall(PetscOptionsReal("-pinn_lr", "Adam learning rate", "NbDDPINNSetFromOptions", dd->lr, &dd->lr, NULL));
  PetscCall(PetscOptionsInt("-pinn_lbfgs_steps", "L-BFGS iterations after Adam (0: none)", "NbDDPINNSetFromOptions", dd->lbfgs_steps, &dd->lbfgs_steps, NULL));
  PetscCall(PetscOptionsInt("-pinn_resample_every", "Adam steps between sampling rounds", "NbDDPINNSetFromOptions", dd->resample_every, &dd->resample_every, NULL));
  {
    PetscInt seed = (PetscInt)dd->seed;
    PetscCall(PetscOptionsInt("-pinn_seed", "Seed of initialisation and sampling", "NbDDPINNSetFromOptions", seed, &seed, NULL));
    dd->seed = seed;
  }
  PetscCall(PetscOptionsBool("-pinn_inverse", "Identify the PDE coefficients from observations", "NbDDPINNSetFromOptions", dd->inverse, &dd->inverse, NULL));
  PetscCall(PetscOptionsReal("-pinn_noise", "Relative Gaussian noise on the observations (inverse) or on the initial/boundary data", "NbDDPINNSetFromOptions", dd->noise, &dd->noise, NULL));
  PetscCall(PetscOptionsInt("-pinn_monitor", "Print the loss terms every this many steps (0: never)", "NbDDPINNSetFromOptions", dd->monitor, &dd->monitor, NULL));
  PetscCall(PetscOptionsReal("-opt_clip_norm", "Clip the global gradient 2-norm to this (0: off)", "NbDDPINNSetFromOptions", dd->clip, &dd->clip, NULL));
  /* the decomposition */
  dd->nparts = NB_DD_MAXAX + 1;
  {
    PetscInt parts[NB_DD_MAXAX + 1];
    PetscCall(PetscOptionsIntArray("-pinn_dd_parts", "Parts along x[,y],t (missing ones: 1)", "NbDDPINNSetFromOptions", parts, &dd->nparts, &set));
    if (!set) dd->nparts = 0;
    for (PetscInt a = 0; a < NB_DD_MAXAX; a++) dd->parts[a] = a < dd->nparts ? parts[a] : 1;
  }
  /* -pinn_dd_cuts_x a,b,...: the interior cell edges along x (the names are the problem's coordinates) */
  for (PetscInt a = 0; a < NB_DD_MAXAX; a++) {
    PetscCall(PetscFree(dd->cut[a]));
    dd->ncut[a] = 0;
  }
  for (PetscInt a = 0; a < (dd->hasprob ? dd->nin : 0); a++) {
    char       tok[16], opt[32], text[128];
    PetscInt   n = nmax;
    PetscReal *buf;
    PetscCall(NbDDAxisName_Private(dd, a, tok));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-pinn_dd_cuts_%s", tok));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Interior cell edges along %s, increasing (default: -pinn_dd_parts equal cells)", tok));
    PetscCall(PetscMalloc1(nmax, &buf));
    PetscCall(PetscOptionsRealArray(opt, text, "NbDDPINNSetFromOptions", buf, &n, &set));
    if (set) {
      PetscCheck(n >= 1, dd->comm, PETSC_ERR_USER_INPUT, "%s needs at least one cut position", opt);
      dd->ncut[a] = n;
      dd->cut[a]  = buf;
    } else PetscCall(PetscFree(buf));
  }
  dd->ppsub = 0;
  PetscCall(PetscOptionsInt("-pinn_dd_points", "Collocation points per subdomain (default: -pinn_points / subdomains)", "NbDDPINNSetFromOptions", dd->ppsub, &dd->ppsub, NULL));
  dd->nwidth = nmax;
  PetscCall(PetscOptionsIntArray("-pinn_dd_width", "Units per hidden layer: one value, or one per subdomain", "NbDDPINNSetFromOptions", dd->widths, &dd->nwidth, &set));
  if (!set) dd->nwidth = 0;
  dd->ndepth = nmax;
  PetscCall(PetscOptionsIntArray("-pinn_dd_depth", "Hidden layers: one value, or one per subdomain", "NbDDPINNSetFromOptions", dd->depths, &dd->ndepth, &set));
  if (!set) dd->ndepth = 0;
  PetscCall(PetscOptionsBool("-pinn_dd_view", "Describe the decomposition", "NbDDPINNView", dd->view, &dd->view, NULL));
  if (dd->ops.setfromoptions) PetscCall((*dd->ops.setfromoptions)(dd, PetscOptionsObject));
  PetscOptionsEnd();
  PetscCall(PetscStrcmp(bc, "hard", &dd->hard));
  PetscCall(PetscStrcmp(bc, "soft", &soft));
  PetscCheck(dd->hard || soft, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_bc %s is unknown: use soft or hard", bc);
  PetscCheck(nfourier == 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_fourier %d: Fourier features are not available with -pinn_dd %s (each subdomain's inputs are already normalised to its own box); drop -pinn_fourier", (int)nfourier, dd->type);
  PetscCheck(dd->width >= 1 && dd->depth >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_width %d and -pinn_depth %d must be at least 1", (int)dd->width, (int)dd->depth);
  for (PetscInt k = 0; k < dd->nwidth; k++) PetscCheck(dd->widths[k] >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_width: entry %d is %d; widths must be at least 1", (int)k, (int)dd->widths[k]);
  for (PetscInt k = 0; k < dd->ndepth; k++) PetscCheck(dd->depths[k] >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_depth: entry %d is %d; depths must be at least 1", (int)k, (int)dd->depths[k]);
  PetscCheck(dd->npoints >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_points %d must be at least 1", (int)dd->npoints);
  PetscCheck(dd->ppsub >= 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_points %d must be at least 1", (int)dd->ppsub);
  PetscCheck(dd->nbnd >= 2 || dd->hard, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_boundary_points %d: soft conditions need at least 2", (int)dd->nbnd);
  PetscCheck(dd->adam_steps >= 0 && dd->lbfgs_steps >= 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_adam_steps and -pinn_lbfgs_steps must be >= 0");
  PetscCheck(dd->lr > 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_lr %g must be positive", (double)dd->lr);
  PetscCheck(dd->noise >= 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_noise %g must be >= 0", (double)dd->noise);
  PetscCheck(dd->resample_every >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_resample_every %d must be >= 1", (int)dd->resample_every);
  for (PetscInt k = 0; k < DD_NTERMS; k++) PetscCheck(dd->w[k] >= 0, dd->comm, PETSC_ERR_USER_INPUT, "The loss weights (-pinn_w_*) must be >= 0");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetInverse(NbDDPINN dd, PetscBool *inv)
{
  PetscFunctionBegin;
  *inv = dd->inverse;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetNoise(NbDDPINN dd, PetscReal *noise)
{
  PetscFunctionBegin;
  *noise = dd->noise;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetSeed(NbDDPINN dd, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = dd->seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetData(NbDDPINN dd, PetscInt n, const PetscReal x[], const PetscReal u[])
{
  PetscInt nin = dd->nin, nout = dd->prob.nout;

  PetscFunctionBegin;
  PetscCheck(dd->hasprob && !dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the data after the problem and before NbDDPINNSetUp()");
  PetscCall(PetscFree2(dd->xDraw, dd->uDraw));
  PetscCall(PetscMalloc2(n * nin + 1, &dd->xDraw, n * nout + 1, &dd->uDraw));
  PetscCall(PetscArraycpy(dd->xDraw, x, n * nin));
  PetscCall(PetscArraycpy(dd->uDraw, u, n * nout));
  dd->nDraw = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetErrorMonitor(NbDDPINN dd, PetscErrorCode (*fn)(NbDDPINN, PetscReal *, void *), void *ctx)
{
  PetscFunctionBegin;
  dd->errfn  = fn;
  dd->errctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetOutput(NbDDPINN dd, NbOutput out)
{
  PetscFunctionBegin;
  dd->out = out;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ----------------------------------------------------------------- geometry */

PetscErrorCode NbDDCellFromIndex_Private(NbDDPINN dd, const PetscInt idx[], PetscInt *cell)
{
  PetscFunctionBegin;
  *cell = 0;
  for (PetscInt a = 0; a < dd->nin; a++) {
    if (idx[a] < 0 || idx[a] >= dd->parts[a]) {
      *cell = -1;
      break;
    }
    *cell += idx[a] * dd->stride[a];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Half-open cells, the last one along each axis closed; points outside the
   box go to the nearest cell. */
PetscErrorCode NbDDCellOfPoint_Private(NbDDPINN dd, const PetscReal x[], PetscInt *cell)
{
  PetscInt idx[NB_DD_MAXAX];

  PetscFunctionBegin;
  for (PetscInt a = 0; a < dd->nin; a++) {
    const PetscReal *e = dd->edge[a];
    PetscInt         l = 0, h = dd->parts[a] - 1;
    while (l < h) { /* the last cell whose lower edge is <= x[a] */
      PetscInt m = (l + h + 1) / 2;
      if (x[a] >= e[m]) l = m;
      else h = m - 1;
    }
    idx[a] = l;
  }
  PetscCall(NbDDCellFromIndex_Private(dd, idx, cell));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetSubdomain(NbDDPINN dd, PetscInt n, const PetscReal x[], PetscInt sub[])
{
  PetscFunctionBegin;
  PetscCheck(dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbDDPINNSetUp() first");
  for (PetscInt i = 0; i < n; i++) PetscCall(NbDDCellOfPoint_Private(dd, x + i * dd->nin, &sub[i]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cells, their networks and their ranks; the variant adds supports and
   neighbours. */
static PetscErrorCode BuildCells(NbDDPINN dd)
{
  const char *axes = dd->prob.coords;
  PetscInt    nin = dd->nin, S = 1, nout = dd->prob.nout;

  PetscFunctionBegin;
  PetscCheck(dd->nparts <= nin, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_parts has %d entries, but %s is partitioned along its %d coordinates (%s): give at most %d, one per coordinate, time last", (int)dd->nparts, dd->prob.name, (int)nin, axes, (int)nin);
  for (PetscInt a = 0; a < nin; a++)
    if (dd->ncut[a]) {
      char name[16];
      PetscCall(NbDDAxisName_Private(dd, a, name));
      PetscCheck(a >= dd->nparts || dd->parts[a] == dd->ncut[a] + 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_cuts_%s gives %d cut%s, i.e. %d parts along %s, but -pinn_dd_parts asks for %d there: make them agree (the cuts alone set the parts)", name, (int)dd->ncut[a], dd->ncut[a] == 1 ? "" : "s", (int)(dd->ncut[a] + 1), name, (int)dd->parts[a]);
      dd->parts[a] = dd->ncut[a] + 1;
    }
  for (PetscInt a = 0; a < nin; a++) {
    PetscCheck(dd->parts[a] >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_parts: entry %d is %d; every axis needs at least 1 part", (int)a, (int)dd->parts[a]);
    dd->stride[a] = S;
    S *= dd->parts[a];
  }
  dd->ncell = S;
  PetscCheck(S >= dd->size, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_parts makes %d subdomain%s for %d MPI ranks: every rank needs at least one subdomain; use at least %d subdomains or run on at most %d rank%s", (int)S, S == 1 ? "" : "s", (int)dd->size, (int)dd->size, (int)S, S == 1 ? "" : "s");
  if (!dd->ppsub) dd->ppsub = dd->npoints / S;
  PetscCheck(dd->ppsub >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_parts makes %d subdomains, more than can be placed: -pinn_points %d leaves fewer than one collocation point per subdomain; raise -pinn_points (or set -pinn_dd_points) or use fewer parts", (int)S, (int)dd->npoints);
  PetscCheck(dd->nwidth <= 1 || dd->nwidth == S, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_width has %d entries: give one, or one per subdomain (%d)", (int)dd->nwidth, (int)S);
  PetscCheck(dd->ndepth <= 1 || dd->ndepth == S, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_depth has %d entries: give one, or one per subdomain (%d)", (int)dd->ndepth, (int)S);
  for (PetscInt a = 0; a < nin; a++) {
    PetscInt   P = dd->parts[a];
    PetscReal *e, h = (dd->prob.hi[a] - dd->prob.lo[a]) / P;
    char       name[16];
    PetscCall(NbDDAxisName_Private(dd, a, name));
    PetscCall(PetscFree(dd->edge[a]));
    PetscCall(PetscMalloc1(P + 1, &dd->edge[a]));
    e = dd->edge[a];
    for (PetscInt k = 1; k < P; k++) {
      e[k] = dd->ncut[a] ? dd->cut[a][k - 1] : dd->prob.lo[a] + k * h;
      PetscCheck(e[k] > dd->prob.lo[a] && e[k] < dd->prob.hi[a], dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_cuts_%s: cut %d is %g, outside the open interval (%g, %g) of %s: every cut must lie strictly inside the box", name, (int)(k - 1), (double)e[k], (double)dd->prob.lo[a], (double)dd->prob.hi[a], name);
      PetscCheck(k == 1 || e[k] > e[k - 1], dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_cuts_%s: the cuts must increase strictly, but %g follows %g", name, (double)e[k], (double)e[k - 1]);
    }
    e[0] = dd->prob.lo[a];
    e[P] = dd->prob.hi[a];
  }
  PetscCall(PetscCalloc1(S, &dd->cells));
  for (PetscInt id = 0; id < S; id++) {
    NbDDCell *c = &dd->cells[id];
    PetscInt  r = id;
    for (PetscInt a = 0; a < nin; a++) {
      c->idx[a] = r % dd->parts[a];
      r /= dd->parts[a];
      c->lo[a]  = dd->edge[a][c->idx[a]];
      c->hi[a]  = dd->edge[a][c->idx[a] + 1];
      c->slo[a] = c->lo[a];
      c->shi[a] = c->hi[a];
    }
    c->width = dd->nwidth == 0 ? dd->width : dd->widths[dd->nwidth == 1 ? 0 : id];
    c->depth = dd->ndepth == 0 ? dd->depth : dd->depths[dd->ndepth == 1 ? 0 : id];
    c->np    = nin * c->width + c->width + (c->depth - 1) * (c->width * c->width + c->width) + c->width * nout + nout;
  }
  /* contiguous blocks of ids, the first S % size ranks one more */
  for (PetscMPIInt q = 0, id = 0; q < dd->size; q++) {
    PetscInt n = S / dd->size + (q < S % dd->size ? 1 : 0);
    for (PetscInt k = 0; k < n; k++, id++) dd->cells[id].rank = q;
  }
  dd->nlocal = 0;
  dd->first  = -1;
  for (PetscInt id = 0; id < S; id++)
    if (dd->cells[id].rank == dd->rank) {
      if (dd->first < 0) dd->first = id;
      dd->nlocal++;
    }
  PetscCall((*dd->ops.geometry)(dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ models */

static PetscErrorCode MLPWidths(NbDDPINN dd, PetscInt id, PetscInt *nw, PetscInt w[])
{
  NbDDCell *c = &dd->cells[id];

  PetscFunctionBegin;
  *nw  = c->depth + 2;
  w[0] = dd->nin;
  for (PetscInt l = 1; l <= c->depth; l++) w[l] = c->width;
  w[c->depth + 1] = dd->prob.nout;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A subdomain's initial parameters depend only on (seed, subdomain), not on
   where it runs: drawn by a model of its own, seed + 7919 id. Subdomain 0
   starts where NbPINN's single network does (same seed, same names). */
static PetscErrorCode InitialParameters(NbDDPINN dd, PetscInt id, PetscReal dst[])
{
  NbModel    m;
  PetscInt   nw, *w, np;
  PetscReal *p;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(dd->cells[id].depth + 2, &w));
  PetscCall(MLPWidths(dd, id, &nw, w));
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &m));
  PetscCall(NbModelSetSeed(m, dd->seed + 7919 * id));
  PetscCall(NbModelAddMLP(m, "u", nw, w, dd->act, NULL));
  PetscCall(NbModelSetUp(m));
  PetscCall(NbModelGetNumParameters(m, &np));
  PetscCheck(np == dd->cells[id].np, PETSC_COMM_SELF, PETSC_ERR_PLIB, "subdomain %d: %d parameters, expected %d", (int)id, (int)np, (int)dd->cells[id].np);
  PetscCall(NbModelGetParameterArray(m, &p));
  PetscCall(PetscArraycpy(dst, p, np));
  PetscCall(NbModelRestoreParameterArray(m, &p));
  PetscCall(NbModelDestroy(&m));
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BuildModels(NbDDPINN dd)
{
  PetscInt   w[1024], nw, n0, n1;
  char       name[64];
  PetscReal *params;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_SELF, &dd->model));
  PetscCall(NbModelSetName(dd->model, "ddpinn"));
  PetscCall(NbModelSetSeed(dd->model, dd->seed));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub *sb = &dd->sub[s];
    PetscCheck(dd->cells[sb->id].depth + 2 <= 1024, PETSC_COMM_SELF, PETSC_ERR_SUP, "At most 1022 hidden layers");
    PetscCall(MLPWidths(dd, sb->id, &nw, w));
    PetscCall(PetscSNPrintf(name, sizeof(name), "u%d", (int)sb->id));
    PetscCall(NbModelGetNumParameters(dd->model, &n0));
    PetscCall(NbModelAddMLP(dd->model, name, nw, w, dd->act, &sb->net));
    PetscCall(NbModelGetNumParameters(dd->model, &n1));
    sb->off = n0;
    PetscCheck(n1 - n0 == dd->cells[sb->id].np, PETSC_COMM_SELF, PETSC_ERR_PLIB, "parameter count of subdomain %d", (int)sb->id);
  }
  PetscCall(NbModelGetNumParameters(dd->model, &dd->coefoff));
  if (dd->inverse) {
    /* NbPINN's convention: 10 x the true positive coefficients (through
       their logarithm), 0 for the others */
    for (PetscInt k = 0; k < dd->prob.ncoef; k++) {
      PetscReal v = dd->prob.coefpositive[k] ? PetscLogReal(10 * dd->prob.coef[k]) : 0;
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", dd->prob.coefpositive[k] ? "log_" : "", dd->prob.coefname[k]));
      PetscCall(NbModelAddScalar(dd->model, name, v, NULL));
    }
  }
  PetscCall(NbModelSetUp(dd->model));
  PetscCall(NbModelGetParameterArray(dd->model, &params));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(InitialParameters(dd, dd->sub[s].id, params + dd->sub[s].off));
  PetscCall(NbModelRestoreParameterArray(dd->model, &params));
  PetscCall(NbModelGetNumParameters(dd->model, &n1));
  PetscCall(PetscCalloc1(n1 + 1, &dd->acc));
  /* replicas of the neighbours, same architecture and parameter names */
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub  *sb = &dd->sub[s];
    NbDDCell *c  = &dd->cells[sb->id];
    PetscCall(NbModelCreate(PETSC_COMM_SELF, &sb->halo));
    PetscCall(NbModelSetName(sb->halo, "halo"));
    PetscCall(PetscMalloc2(c->nnb + 1, &sb->hnet, c->nnb + 1, &sb->hoff));
    for (PetscInt k = 0; k < c->nnb; k++) {
      PetscCall(MLPWidths(dd, c->nb[k], &nw, w));
      PetscCall(PetscSNPrintf(name, sizeof(name), "u%d", (int)c->nb[k]));
      PetscCall(NbModelGetNumParameters(sb->halo, &sb->hoff[k]));
      PetscCall(NbModelAddMLP(sb->halo, name, nw, w, dd->act, &sb->hnet[k]));
    }
    PetscCall(NbModelSetUp(sb->halo));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNSetUp(NbDDPINN dd)
{
  PetscFunctionBegin;
  if (dd->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(dd->hasprob, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbDDPINNSetProblem() before NbDDPINNSetUp()");
  if (!dd->type[0]) PetscCall(NbDDPINNSetType(dd, "xpinn"));
  PetscCheck(!dd->hard || dd->prob.hard, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_bc hard is not available for %s: use -pinn_bc soft", dd->prob.name);
  PetscCall(BuildCells(dd));
  PetscCall(PetscCalloc1(dd->nlocal, &dd->sub));
  for (PetscInt s = 0; s < dd->nlocal; s++) dd->sub[s].id = dd->first + s;
  {
    PetscInt64 nD = dd->nDraw, ND;
    PetscCallMPI(MPI_Allreduce(&nD, &ND, 1, MPIU_INT64, MPI_SUM, dd->comm));
    PetscCheck(!dd->inverse || ND > 0, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "-pinn_inverse needs observations (NbDDPINNSetData)");
  }
  PetscCall(BuildModels(dd));
  PetscCall(NbDDCommSetUp_Private(dd));
  PetscCall(NbDDBuildSamplers_Private(dd));
  PetscCall(NbDDBuildBoundaryData_Private(dd));
  PetscCall(NbDDRouteData_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub *sb = &dd->sub[s];
    PetscInt64 nif = 0;
    PetscCall((*dd->ops.residualsets)(dd, sb));
    if (dd->ops.interfacesets) PetscCall((*dd->ops.interfacesets)(dd, sb));
    for (PetscInt f = 0; f < sb->nif; f++) nif += sb->iface[f].n;
    dd->Nif += nif;
    PetscCall(NbDDBuildGraphs_Private(dd, sb));
    PetscCall(NbSamplerSetUp(sb->sampler));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &dd->Nif, 1, MPIU_INT64, MPI_SUM, dd->comm));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall((*dd->ops.assign)(dd, &dd->sub[s]));
  {
    PetscInt64 n = 0;
    for (PetscInt s = 0; s < dd->nlocal; s++) {
      PetscInt64 N;
      PetscCall(NbSamplerGetGlobalInfo(dd->sub[s].sampler, &N, NULL, NULL));
      n += N;
    }
    PetscCallMPI(MPI_Allreduce(&n, &dd->Nres, 1, MPIU_INT64, MPI_SUM, dd->comm));
  }
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(NbDDSetInputs_Private(dd, &dd->sub[s]));
  PetscCall(NbOptimizerCreate(dd->model, &dd->opt));
  PetscCall(NbOptimizerSetObjective(dd->opt, NbDDObjective_Private, dd));
  dd->stats.nsub   = dd->ncell;
  dd->stats.nlocal = dd->nlocal;
  dd->setup        = PETSC_TRUE;
  if (dd->view) PetscCall(NbDDPINNView(dd, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetNumSubdomains(NbDDPINN dd, PetscInt *nsub, PetscInt *nlocal)
{
  PetscFunctionBegin;
  PetscCheck(dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbDDPINNSetUp() first");
  if (nsub) *nsub = dd->ncell;
  if (nlocal) *nlocal = dd->nlocal;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetSubdomainRank(NbDDPINN dd, PetscInt sub, PetscMPIInt *rank)
{
  PetscFunctionBegin;
  PetscCheck(dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbDDPINNSetUp() first");
  PetscCheck(sub >= 0 && sub < dd->ncell, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "No subdomain %d (there are %d)", (int)sub, (int)dd->ncell);
  *rank = dd->cells[sub].rank;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetSubdomainArrays(NbDDPINN dd, PetscInt sub, PetscInt *n, PetscReal **params, const PetscReal **grad)
{
  PetscReal *p, *g;
  NbDDSub   *sb;

  PetscFunctionBegin;
  PetscCheck(dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbDDPINNSetUp() first");
  PetscCheck(sub >= 0 && sub < dd->ncell && dd->cells[sub].rank == dd->rank, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Subdomain %d is not on rank %d", (int)sub, (int)dd->rank);
  sb = &dd->sub[sub - dd->first];
  PetscCall(NbModelGetParameterArray(dd->model, &p));
  PetscCall(NbModelGetGradientArray(dd->model, &g));
  if (n) *n = dd->cells[sub].np;
  if (params) *params = p + sb->off;
  if (grad) *grad = g + sb->off;
  PetscCall(NbModelRestoreGradientArray(dd->model, &g));
  PetscCall(NbModelRestoreParameterArray(dd->model, &p));
  dd->stale = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetSharedArrays(NbDDPINN dd, PetscInt *n, PetscReal **params, const PetscReal **grad)
{
  PetscReal *p, *g;
  PetscInt   ntrain;

  PetscFunctionBegin;
  PetscCheck(dd->setup, dd->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbDDPINNSetUp() first");
  PetscCall(NbModelGetNumParameters(dd->model, &ntrain));
  PetscCall(NbModelGetParameterArray(dd->model, &p));
  PetscCall(NbModelGetGradientArray(dd->model, &g));
  if (n) *n = ntrain - dd->coefoff;
  if (params) *params = p + dd->coefoff;
  if (grad) *grad = g + dd->coefoff;
  PetscCall(NbModelRestoreGradientArray(dd->model, &g));
  PetscCall(NbModelRestoreParameterArray(dd->model, &p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNGetCoefficient(NbDDPINN dd, PetscInt k, PetscReal *c)
{
  char name[64];

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < dd->prob.ncoef, dd->comm, PETSC_ERR_ARG_OUTOFRANGE, "No coefficient %d", (int)k);
  if (!dd->inverse) {
    *c = dd->prob.coef[k];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", dd->prob.coefpositive[k] ? "log_" : "", dd->prob.coefname[k]));
  PetscCall(NbModelGetScalar(dd->model, name, c));
  if (dd->prob.coefpositive[k]) *c = PetscExpReal(*c);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* appends to a line buffer (PetscViewerASCIIPrintf indents every call) */
static PetscErrorCode Cat(char line[], size_t len, const char fmt[], double a, double b)
{
  char piece[64];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(piece, sizeof(piece), fmt, a, b));
  PetscCall(PetscStrlcat(line, piece, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNView(NbDDPINN dd, PetscViewer v)
{
  char line[1024];

  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(dd->comm, &v));
  PetscCall(PetscSNPrintf(line, sizeof(line), "NbDDPINN %s for %s: %d subdomains (", dd->type, dd->hasprob ? dd->prob.name : "(no problem)", (int)dd->ncell));
  for (PetscInt a = 0; a < dd->nin; a++) PetscCall(Cat(line, sizeof(line), a ? " x %.0f" : "%.0f", (double)dd->parts[a], 0));
  PetscCall(PetscViewerASCIIPrintf(v, "%s along %s) on %d ranks, %d collocation points each, bc %s%s\n", line, dd->prob.coords, (int)dd->size, (int)dd->ppsub, dd->hard ? "hard" : "soft", dd->inverse ? ", inverse" : ""));
  PetscCall(PetscViewerASCIIPushTab(v));
  if (dd->ops.view) PetscCall((*dd->ops.view)(dd, v));
  for (PetscInt id = 0; id < dd->ncell && dd->cells; id++) {
    NbDDCell *c = &dd->cells[id];
    PetscCall(PetscSNPrintf(line, sizeof(line), "subdomain %d on rank %d: %d x %d %s, %d parameters, cell", (int)id, (int)c->rank, (int)c->depth, (int)c->width, NbActivations[dd->act], (int)c->np));
    for (PetscInt a = 0; a < dd->nin; a++) PetscCall(Cat(line, sizeof(line), " [%g, %g]", (double)c->lo[a], (double)c->hi[a]));
    if (dd->windowed) {
      PetscCall(PetscStrlcat(line, ", support", sizeof(line)));
      for (PetscInt a = 0; a < dd->nin; a++) PetscCall(Cat(line, sizeof(line), " [%g, %g]", (double)c->slo[a], (double)c->shi[a]));
    }
    PetscCall(PetscStrlcat(line, ", neighbours", sizeof(line)));
    for (PetscInt k = 0; k < c->nnb; k++) PetscCall(Cat(line, sizeof(line), " %.0f", (double)c->nb[k], 0));
    PetscCall(PetscViewerASCIIPrintf(v, "%s\n", line));
  }
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDPINNDestroy(NbDDPINN *ddp)
{
  NbDDPINN dd = *ddp;

  PetscFunctionBegin;
  if (!dd) PetscFunctionReturn(PETSC_SUCCESS);
  if (dd->ops.destroy) PetscCall((*dd->ops.destroy)(dd));
  for (PetscInt s = 0; s < dd->nlocal && dd->sub; s++) {
    NbDDSub *sb = &dd->sub[s];
    PetscCall(NbGraphDestroy(&sb->g));
    PetscCall(NbGraphDestroy(&sb->gres));
    PetscCall(NbGraphDestroy(&sb->gu));
    PetscCall(NbModelDestroy(&sb->halo));
    PetscCall(PetscFree2(sb->hnet, sb->hoff));
    PetscCall(NbSamplerDestroy(&sb->sampler));
    for (PetscInt r = 0; r < sb->nres; r++) PetscCall(NbDDSetFree_Private(&sb->res[r]));
    PetscCall(PetscFree(sb->res));
    for (PetscInt f = 0; f < sb->nif; f++) PetscCall(NbDDSetFree_Private(&sb->iface[f]));
    PetscCall(PetscFree(sb->iface));
    PetscCall(NbDDSetFree_Private(&sb->ic));
    PetscCall(NbDDSetFree_Private(&sb->bc));
    PetscCall(NbDDSetFree_Private(&sb->data));
    PetscCall(PetscFree(sb->contrib));
  }
  PetscCall(PetscFree(dd->sub));
  for (PetscInt id = 0; id < dd->ncell && dd->cells; id++) PetscCall(PetscFree(dd->cells[id].nb));
  PetscCall(PetscFree(dd->cells));
  for (PetscInt a = 0; a < NB_DD_MAXAX; a++) {
    PetscCall(PetscFree(dd->cut[a]));
    PetscCall(PetscFree(dd->edge[a]));
  }
  PetscCall(NbDDCommDestroy_Private(dd));
  PetscCall(NbOptimizerDestroy(&dd->opt));
  PetscCall(NbModelDestroy(&dd->model));
  PetscCall(PetscFree(dd->acc));
  PetscCall(PetscFree2(dd->widths, dd->depths));
  PetscCall(PetscFree2(dd->xDraw, dd->uDraw));
  PetscCall(PetscFree(dd->history));
  PetscCall(PetscFree(dd));
  *ddp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
