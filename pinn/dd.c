/* The decomposed PINN types (-pinn_dd xpinn|cpinn|fbpinn): one network per
   cell of a tensor partition of the (space-time) box, cells dealt to ranks
   in contiguous blocks, neighbouring subdomains coupled point to point.
   This file is the type's life cycle behind NbPINN's ops table: its
   options, the partition into cells and of the cells over the ranks, the
   networks (the rank model, NbPINN's distributed flat buffer, and the
   neighbour replicas). The variants plug in through NbDDOps (xpinn, cpinn:
   pinn/dd_xpinn.c; fbpinn: pinn/dd_fbpinn.c); communication and the
   objective are in pinn/dd_comm.c, the graphs in pinn/dd_graph.c, the point
   sets in pinn/dd_points.c. Training is NbPINN's (pinn/pinn_train.c). */
#include "ddimpl.h"

#define DD(p) ((NbDD)(p)->data)

/* the name of coordinate a ("x" of "x,t") */
PetscErrorCode NbDDAxisName_Private(NbDD dd, PetscInt a, char name[16])
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

static PetscErrorCode SetFromOptions_DD(NbPINN p, PetscOptionItems *PetscOptionsObject)
{
  NbDD      dd   = DD(p);
  PetscInt  nmax = 4096;
  PetscBool set;

  PetscFunctionBegin;
  dd->prob = p->pde;
  dd->nin  = p->pde.dim + (p->pde.steady ? 0 : 1);
  PetscCall(PetscFree2(dd->widths, dd->depths));
  PetscCall(PetscMalloc2(nmax, &dd->widths, nmax, &dd->depths));
  PetscOptionsHeadBegin(PetscOptionsObject, "Domain decomposition");
  /* the decomposition */
  dd->nparts = NB_DD_MAXAX + 1;
  {
    PetscInt parts[NB_DD_MAXAX + 1];
    PetscCall(PetscOptionsIntArray("-pinn_dd_parts", "Parts along x[,y],t (missing ones: 1)", "NbPINNSetFromOptions", parts, &dd->nparts, &set));
    if (!set) dd->nparts = 0;
    for (PetscInt a = 0; a < NB_DD_MAXAX; a++) dd->parts[a] = a < dd->nparts ? parts[a] : 1;
  }
  /* -pinn_dd_cuts_x a,b,...: the interior cell edges along x (the names are the problem's coordinates) */
  for (PetscInt a = 0; a < NB_DD_MAXAX; a++) {
    PetscCall(PetscFree(dd->cut[a]));
    dd->ncut[a] = 0;
  }
  for (PetscInt a = 0; a < dd->nin; a++) {
    char       tok[16], opt[32], text[128];
    PetscInt   n = nmax;
    PetscReal *buf;
    PetscCall(NbDDAxisName_Private(dd, a, tok));
    PetscCall(PetscSNPrintf(opt, sizeof(opt), "-pinn_dd_cuts_%s", tok));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Interior cell edges along %s, increasing (default: -pinn_dd_parts equal cells)", tok));
    PetscCall(PetscMalloc1(nmax, &buf));
    PetscCall(PetscOptionsRealArray(opt, text, "NbPINNSetFromOptions", buf, &n, &set));
    if (set) {
      PetscCheck(n >= 1, dd->comm, PETSC_ERR_USER_INPUT, "%s needs at least one cut position", opt);
      dd->ncut[a] = n;
      dd->cut[a]  = buf;
    } else PetscCall(PetscFree(buf));
  }
  dd->ppsub = 0;
  PetscCall(PetscOptionsInt("-pinn_dd_points", "Collocation points per subdomain (default: -pinn_points / subdomains)", "NbPINNSetFromOptions", dd->ppsub, &dd->ppsub, NULL));
  dd->nwidth = nmax;
  PetscCall(PetscOptionsIntArray("-pinn_dd_width", "Units per hidden layer: one value, or one per subdomain", "NbPINNSetFromOptions", dd->widths, &dd->nwidth, &set));
  if (!set) dd->nwidth = 0;
  dd->ndepth = nmax;
  PetscCall(PetscOptionsIntArray("-pinn_dd_depth", "Hidden layers: one value, or one per subdomain", "NbPINNSetFromOptions", dd->depths, &dd->ndepth, &set));
  if (!set) dd->ndepth = 0;
  PetscCall(PetscOptionsBool("-pinn_dd_view", "Describe the decomposition", "NbDDView", dd->view, &dd->view, NULL));
  if (dd->ops.setfromoptions) PetscCall((*dd->ops.setfromoptions)(dd, PetscOptionsObject));
  PetscOptionsHeadEnd();
  PetscCheck(p->nfourier == 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_fourier %d: Fourier features are not available with -pinn_dd %s (each subdomain's inputs are already normalised to its own box); drop -pinn_fourier", (int)p->nfourier, dd->type);
  PetscCheck(p->dropout == 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dropout %g: dropout is not available with -pinn_dd %s; use -pinn_dd none", (double)p->dropout, dd->type);
  for (PetscInt k = 0; k < dd->nwidth; k++) PetscCheck(dd->widths[k] >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_width: entry %d is %d; widths must be at least 1", (int)k, (int)dd->widths[k]);
  for (PetscInt k = 0; k < dd->ndepth; k++) PetscCheck(dd->depths[k] >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_depth: entry %d is %d; depths must be at least 1", (int)k, (int)dd->depths[k]);
  PetscCheck(dd->ppsub >= 0, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_points %d must be at least 1", (int)dd->ppsub);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDCellFromIndex_Private(NbDD dd, const PetscInt idx[], PetscInt *cell)
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
PetscErrorCode NbDDCellOfPoint_Private(NbDD dd, const PetscReal x[], PetscInt *cell)
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

/* The cells, their networks and their ranks; the variant adds supports and
   neighbours. */
static PetscErrorCode BuildCells(NbDD dd)
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

static PetscErrorCode MLPWidths(NbDD dd, PetscInt id, PetscInt *nw, PetscInt w[])
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
static PetscErrorCode InitialParameters(NbDD dd, PetscInt id, PetscReal dst[])
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

static PetscErrorCode BuildModels(NbDD dd)
{
  PetscInt   w[1024], nw, n0, n1;
  char       name[64];
  PetscReal *params;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(dd->comm, &dd->model));
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
  PetscCall(NbPINNAddCoefficients_Private(dd->pinn, dd->model));
  PetscCall(NbModelSetUp(dd->model));
  PetscCall(NbModelSetPrivate(dd->model, dd->coefoff)); /* the networks are this rank's own */
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

/* Global count of collocation points (rar adds some every round). */
static PetscErrorCode CountPoints(NbDD dd)
{
  PetscInt64 n = 0;

  PetscFunctionBegin;
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    PetscInt64 N;
    PetscCall(NbSamplerGetGlobalInfo(dd->sub[s].sampler, &N, NULL, NULL));
    n += N;
  }
  PetscCallMPI(MPI_Allreduce(&n, &dd->Nres, 1, MPIU_INT64, MPI_SUM, dd->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetObservations_DD(NbPINN p)
{
  NbDD dd = DD(p);

  PetscFunctionBegin;
  PetscCall(NbDDDistributeObservations_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(NbDDSetInputs_Private(dd, &dd->sub[s]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Terms_DD(NbPINN p, PetscReal v[])
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < DD_NTERMS; k++) v[k] = DD(p)->termval[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every subdomain's compiled loss: the weights of its active terms */
static PetscErrorCode SetWeights_DD(NbPINN p)
{
  NbDD dd = DD(p);

  PetscFunctionBegin;
  for (PetscInt k = 0; k < DD_NTERMS; k++) dd->w[k] = p->w[k];
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(NbPINNLossSetWeights_Private(dd->sub[s].term, dd->w, dd->sub[s].loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One sampling round in every subdomain: the replicas first take the
   neighbours' current parameters, so that adaptive samplers see the
   current solution (fbpinn: the windowed sum) at their candidates. */
static PetscErrorCode NewRound_DD(NbPINN p)
{
  NbDD dd = DD(p);

  PetscFunctionBegin;
  PetscCall(NbDDExchangeParameters_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    PetscCall(NbSamplerAdapt(dd->sub[s].sampler));
    PetscCall((*dd->ops.assign)(dd, &dd->sub[s]));
  }
  PetscCall(CountPoints(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(NbDDSetInputs_Private(dd, &dd->sub[s]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The collocation points of every subdomain with its id and |r| there. */
static PetscErrorCode WritePoints_DD(NbPINN p, NbOutput out, PetscReal tag)
{
  NbDD             dd = DD(p);
  PetscInt         n  = 0, nin = dd->nin, k = 0;
  PetscReal       *x, *id, *r;
  const char      *names[2] = {"subdomain", "residual"};
  const PetscReal *fields[2];

  PetscFunctionBegin;
  if (nin > 3) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt s = 0; s < dd->nlocal; s++)
    for (PetscInt q = 0; q < dd->sub[s].nres; q++) n += dd->sub[s].res[q].n;
  PetscCall(PetscMalloc3(n * nin + 1, &x, n + 1, &id, n + 1, &r));
  PetscCall(NbDDExchangeParameters_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub *sb = &dd->sub[s];
    PetscInt k0 = k;
    for (PetscInt q = 0; q < sb->nres; q++) {
      NbDDSet *S = &sb->res[q];
      PetscCall(PetscArraycpy(x + k * nin, S->x, S->n * nin));
      for (PetscInt i = 0; i < S->n; i++) id[k + i] = (PetscReal)sb->id;
      k += S->n;
    }
    if (k > k0) {
      PetscReal *rr = r + k0;
      PetscCall(NbGraphEvaluate(sb->gres, sb->XR, k - k0, x + k0 * nin, 1, &sb->RR, &rr));
    }
  }
  fields[0] = id;
  fields[1] = r;
  PetscCall(NbOutputWritePoints(out, "collocation", tag, n, nin, x, 2, names, fields));
  PetscCall(PetscFree3(x, id, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Initialize_DD(NbPINN p)
{
  NbDD       dd = DD(p);
  PetscReal *params;

  PetscFunctionBegin;
  dd->seed = p->seed;
  PetscCall(NbModelGetParameterArray(dd->model, &params));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(InitialParameters(dd, dd->sub[s].id, params + dd->sub[s].off));
  PetscCall(NbModelRestoreParameterArray(dd->model, &params));
  dd->stale = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CollocationCount_DD(NbPINN p, PetscInt64 *n)
{
  PetscFunctionBegin;
  *n = DD(p)->Nres;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the subdomain owning each point */
static PetscErrorCode EvaluateFields_DD(NbPINN p, PetscInt n, const PetscReal x[], PetscReal v[])
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt c;
    PetscCall(NbDDCellOfPoint_Private(DD(p), x + i * DD(p)->nin, &c));
    v[i] = (PetscReal)c;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CommTime_DD(NbPINN p, PetscLogDouble *t)
{
  PetscFunctionBegin;
  *t = DD(p)->tcomm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_DD(NbPINN p, NbReport rep)
{
  NbDD        dd = DD(p);
  char        buf[256], parts[64] = "";
  const char *stype;
  PetscInt    np = 0, wmin = PETSC_MAX_INT, wmax = 0, dmin = PETSC_MAX_INT, dmax = 0;

  PetscFunctionBegin;
  for (PetscInt a = 0; a < dd->nin; a++) {
    char q[16];
    PetscCall(PetscSNPrintf(q, sizeof(q), "%s%d", a ? " x " : "", (int)dd->parts[a]));
    PetscCall(PetscStrlcat(parts, q, sizeof(parts)));
  }
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%s, %s subdomains along (%s), %d on %d ranks", dd->type, parts, dd->prob.coords, (int)dd->ncell, (int)dd->size));
  PetscCall(NbReportAddString(rep, "PINN domain decomposition", buf));
  for (PetscInt id = 0; id < dd->ncell; id++) {
    np += dd->cells[id].np;
    wmin = PetscMin(wmin, dd->cells[id].width);
    wmax = PetscMax(wmax, dd->cells[id].width);
    dmin = PetscMin(dmin, dd->cells[id].depth);
    dmax = PetscMax(dmax, dd->cells[id].depth);
  }
  if (wmin == wmax && dmin == dmax) PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d x %d %s per subdomain, %d parameters in all", (int)dmin, (int)wmin, NbActivations[dd->act], (int)np));
  else PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d-%d x %d-%d %s, %d parameters in all", (int)dmin, (int)dmax, (int)wmin, (int)wmax, NbActivations[dd->act], (int)np));
  PetscCall(NbReportAddString(rep, "PINN network", buf));
  PetscCall(NbSamplerGetType(dd->sub[0].sampler, &stype));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "%d %s (%d per subdomain, %d rounds), %d initial/boundary, %d interface, bc %s", (int)dd->Nres, stype, (int)dd->ppsub, (int)p->stats.rounds, (int)(dd->Nic + dd->Nbc), (int)dd->Nif, dd->hard ? "hard" : "soft"));
  PetscCall(NbReportAddString(rep, "PINN points", buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetUp_DD(NbPINN p)
{
  NbDD dd = DD(p);

  PetscFunctionBegin;
  /* NbPINN's options, which mean the same here */
  dd->prob    = p->pde;
  dd->width   = p->width;
  dd->depth   = p->depth;
  dd->act     = p->act;
  dd->npoints = p->npoints;
  dd->hard    = p->hard;
  dd->inverse = p->inverse;
  dd->seed    = p->seed;
  for (PetscInt k = 0; k < DD_NTERMS; k++) dd->w[k] = p->w[k];
  PetscCall(BuildCells(dd));
  PetscCall(PetscCalloc1(dd->nlocal, &dd->sub));
  for (PetscInt s = 0; s < dd->nlocal; s++) dd->sub[s].id = dd->first + s;
  PetscCall(BuildModels(dd));
  p->model = dd->model;
  PetscCall(NbDDCommSetUp_Private(dd));
  PetscCall(NbDDBuildSamplers_Private(dd));
  PetscCall(NbDDDistributeData_Private(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) {
    NbDDSub   *sb  = &dd->sub[s];
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
  PetscCall(CountPoints(dd));
  for (PetscInt s = 0; s < dd->nlocal; s++) PetscCall(NbDDSetInputs_Private(dd, &dd->sub[s]));
  p->nsub          = dd->ncell;
  p->nlocal        = dd->nlocal;
  p->nfields       = 1;
  p->fieldnames[0] = "subdomain";
  dd->setup        = PETSC_TRUE;
  if (dd->view) PetscCall(NbPINNView(p, NULL));
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

static PetscErrorCode View_DD(NbPINN p, PetscViewer v)
{
  NbDD dd = DD(p);
  char line[1024];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(line, sizeof(line), "%s: %d subdomains (", dd->type, (int)dd->ncell));
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

static PetscErrorCode Destroy_DD(NbPINN p)
{
  NbDD dd = DD(p);

  PetscFunctionBegin;
  if (dd->ops.destroy) PetscCall((*dd->ops.destroy)(dd));
  PetscCall(NbDDCommDestroy_Private(dd)); /* before the subdomains: it frees their receive offsets */
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
  PetscCall(PetscFree(dd->acc));
  PetscCall(PetscFree2(dd->widths, dd->depths));
  PetscFunctionReturn(PETSC_SUCCESS);
}
/* ------------------------------------------------------------ public */

static PetscErrorCode GetDD(NbPINN p, NbDD *dd)
{
  PetscBool plain;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(p->type, "none", &plain));
  PetscCheck(!plain && p->type[0], p->comm, PETSC_ERR_ARG_WRONG, "This is not a domain-decomposed PINN (-pinn_dd none)");
  PetscCall(NbPINNCheckSetUp_Private(p));
  *dd = DD(p);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDDGetNumSubdomains(NbPINN p, PetscInt *nsub, PetscInt *nlocal)
{
  NbDD dd = NULL;

  PetscFunctionBegin;
  PetscCall(GetDD(p, &dd));
  if (nsub) *nsub = dd->ncell;
  if (nlocal) *nlocal = dd->nlocal;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDDGetSubdomainRank(NbPINN p, PetscInt sub, PetscMPIInt *rank)
{
  NbDD dd = NULL;

  PetscFunctionBegin;
  PetscCall(GetDD(p, &dd));
  PetscCheck(sub >= 0 && sub < dd->ncell, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "No subdomain %d (there are %d)", (int)sub, (int)dd->ncell);
  *rank = dd->cells[sub].rank;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDDGetSubdomainArrays(NbPINN p, PetscInt sub, PetscInt *n, PetscReal **params, const PetscReal **grad)
{
  NbDD       dd = NULL;
  PetscReal *a, *g;
  NbDDSub   *sb;

  PetscFunctionBegin;
  PetscCall(GetDD(p, &dd));
  PetscCheck(sub >= 0 && sub < dd->ncell && dd->cells[sub].rank == dd->rank, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Subdomain %d is not on rank %d", (int)sub, (int)dd->rank);
  sb = &dd->sub[sub - dd->first];
  PetscCall(NbModelGetParameterArray(dd->model, &a));
  PetscCall(NbModelGetGradientArray(dd->model, &g));
  if (n) *n = dd->cells[sub].np;
  if (params) *params = a + sb->off;
  if (grad) *grad = g + sb->off;
  PetscCall(NbModelRestoreGradientArray(dd->model, &g));
  PetscCall(NbModelRestoreParameterArray(dd->model, &a));
  dd->stale = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDDGetSharedArrays(NbPINN p, PetscInt *n, PetscReal **params, const PetscReal **grad)
{
  NbDD       dd = NULL;
  PetscReal *a, *g;
  PetscInt   ntrain;

  PetscFunctionBegin;
  PetscCall(GetDD(p, &dd));
  PetscCall(NbModelGetNumParameters(dd->model, &ntrain));
  PetscCall(NbModelGetParameterArray(dd->model, &a));
  PetscCall(NbModelGetGradientArray(dd->model, &g));
  if (n) *n = ntrain - dd->coefoff;
  if (params) *params = a + dd->coefoff;
  if (grad) *grad = g + dd->coefoff;
  PetscCall(NbModelRestoreGradientArray(dd->model, &g));
  PetscCall(NbModelRestoreParameterArray(dd->model, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDDGetSubdomain(NbPINN p, PetscInt n, const PetscReal x[], PetscInt sub[])
{
  NbDD dd = NULL;

  PetscFunctionBegin;
  PetscCall(GetDD(p, &dd));
  for (PetscInt i = 0; i < n; i++) PetscCall(NbDDCellOfPoint_Private(dd, x + i * dd->nin, &sub[i]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- create */

PetscErrorCode NbDDCreate_Private(NbPINN p, PetscErrorCode (*variant)(NbDD))
{
  NbDD dd = NULL;

  PetscFunctionBegin;
  PetscCall(PetscNew(&dd));
  dd->pinn      = p;
  dd->comm      = p->comm;
  dd->rank      = p->rank;
  dd->size      = p->size;
  dd->nifpoints = 100;
  dd->wavg      = 1;
  dd->wifres    = 1;
  dd->wflux     = 1;
  dd->overlap   = 0.25;
  dd->ncomm     = MPI_COMM_NULL;
  dd->stale     = PETSC_TRUE;
  PetscCall(PetscStrncpy(dd->type, p->type, sizeof(dd->type)));
  p->data                 = dd;
  p->ops.setfromoptions   = SetFromOptions_DD;
  p->ops.setup            = SetUp_DD;
  p->ops.objective        = NbDDObjective_Private;
  p->ops.terms            = Terms_DD;
  p->ops.setweights       = SetWeights_DD;
  p->ops.setobservations  = SetObservations_DD;
  p->ops.newround         = NewRound_DD;
  p->ops.writepoints      = WritePoints_DD;
  p->ops.evaluate         = NbDDEvaluate_Private;
  p->ops.initialize       = Initialize_DD;
  p->ops.collocationcount = CollocationCount_DD;
  p->ops.evaluatefields   = EvaluateFields_DD;
  p->ops.commtime         = CommTime_DD;
  p->ops.report           = Report_DD;
  p->ops.view             = View_DD;
  p->ops.destroy          = Destroy_DD;
  PetscCall((*variant)(dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNCreate_XPINN(NbPINN p)
{
  return NbDDCreate_Private(p, NbDDCreate_XPINN);
}

PetscErrorCode NbPINNCreate_CPINN(NbPINN p)
{
  return NbDDCreate_Private(p, NbDDCreate_CPINN);
}

PetscErrorCode NbPINNCreate_FBPINN(NbPINN p)
{
  return NbDDCreate_Private(p, NbDDCreate_FBPINN);
}
