/* Non-overlapping decompositions with interface terms: XPINN and cPINN.

   XPINN (Jagtap & Karniadakis 2020, Commun. Comput. Phys. 28:2002, Sec. 3):
   subdomain q's loss adds, at the points x_I of each of its interfaces
   with a neighbour q+,
     W_I  (1/N_I) sum |u_q(x_I) - {{u}}(x_I)|^2,  {{u}} = (u_q + u_q+)/2
                                                  (average-solution term)
     W_IF (1/N_I) sum |F_q(x_I) - F_q+(x_I)|^2    (residual continuity)
   cPINN (Jagtap, Kharazmi & Karniadakis 2020, Comput. Methods Appl. Mech.
   Engrg. 365:113028, Sec. 3) keeps the average-solution term and replaces
   residual continuity by continuity of the normal flux of the conservation
   law u_t + div f(u) = 0,
     W_F  (1/N_I) sum |f_q(u_q).n - f_q+(u_q+).n|^2,
   where, in space-time, the flux across a face normal to t is u itself.

   The total loss is the sum over subdomains, so every interface carries the
   two subdomains' terms: W_I (|u_q - {{u}}|^2 + |u_q+ - {{u}}|^2) and twice
   the continuity term. Each interface point is owned by one of the two
   subdomains (alternately, so the work splits evenly), which evaluates
   both terms with both networks live; means divide by the number of
   interface points over all interfaces (-pinn_dd_interface_points each).
   Weights: -pinn_dd_w_avg (W_I), -pinn_dd_w_ifres (W_IF), -pinn_dd_w_flux
   (W_F); the residual, initial and boundary terms keep NbPINN's -pinn_w_*.

   Well-posedness. Across a face normal to a space axis of a second-order
   PDE, continuity of u alone leaves the two subproblems undetermined (any
   shared trace g(t) gives two solutions), and residual continuity adds
   nothing once both residuals vanish: XPINN as published can converge to
   a wrong solution there (measured: 25% error with the cut at x = 0 of
   viscous Burgers, against 1% with the cut in t; README-dd.md). cPINN's
   flux term closes the system. -pinn_dd_w_dn W_D (default 0, the paper's
   XPINN) adds the "additional interface condition" the XPINN paper allows,
   continuity of the normal derivative, W_D (1/N_I) sum |d_n u_q - d_n u_q+|^2
   per subdomain. */
#include "ddimpl.h"

typedef struct {
  PetscBool flux; /* cpinn */
  PetscReal wdn;  /* xpinn: normal-derivative continuity */
} DDXPINN;

static PetscErrorCode SetFromOptions_XPINN(NbDD dd, PetscOptionItems *PetscOptionsObject)
{
  DDXPINN *x = (DDXPINN *)dd->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, x->flux ? "cPINN" : "XPINN");
  PetscCall(PetscOptionsInt("-pinn_dd_interface_points", "Points on every interface", "NbPINNSetFromOptions", dd->nifpoints, &dd->nifpoints, NULL));
  PetscCall(PetscOptionsReal("-pinn_dd_w_avg", "Weight W_I of the average-solution interface term", "NbPINNSetFromOptions", dd->wavg, &dd->wavg, NULL));
  if (x->flux) PetscCall(PetscOptionsReal("-pinn_dd_w_flux", "Weight W_F of the normal-flux continuity term", "NbPINNSetFromOptions", dd->wflux, &dd->wflux, NULL));
  else {
    PetscCall(PetscOptionsReal("-pinn_dd_w_ifres", "Weight W_IF of the residual-continuity term", "NbPINNSetFromOptions", dd->wifres, &dd->wifres, NULL));
    PetscCall(PetscOptionsReal("-pinn_dd_w_dn", "Weight W_D of continuity of the normal derivative (0: XPINN as published)", "NbPINNSetFromOptions", x->wdn, &x->wdn, NULL));
  }
  PetscOptionsHeadEnd();
  PetscCheck(dd->nifpoints >= 1, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_interface_points %d must be at least 1", (int)dd->nifpoints);
  PetscCheck(dd->wavg >= 0 && dd->wflux >= 0 && dd->wifres >= 0 && x->wdn >= 0, dd->comm, PETSC_ERR_USER_INPUT, "The interface weights -pinn_dd_w_* must be >= 0");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Supports are the cells; neighbours share a face. */
static PetscErrorCode Geometry_XPINN(NbDD dd)
{
  DDXPINN *x = (DDXPINN *)dd->data;

  PetscFunctionBegin;
  PetscCheck(!x->flux || dd->prob.flux, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd cpinn needs the flux of a conservation law u_t + div f(u) = 0, and %s provides none (NbPDE.flux); use -pinn_dd xpinn or fbpinn", dd->prob.name);
  for (PetscInt id = 0; id < dd->ncell; id++) {
    NbDDCell *c = &dd->cells[id];
    PetscCall(PetscMalloc1(2 * dd->nin + 1, &c->nb));
    c->nnb = 0;
    for (PetscInt a = 0; a < dd->nin; a++)
      for (PetscInt s = -1; s <= 1; s += 2) {
        PetscInt idx[NB_DD_MAXAX], j;
        for (PetscInt b = 0; b < dd->nin; b++) idx[b] = c->idx[b];
        idx[a] += s;
        PetscCall(NbDDCellFromIndex_Private(dd, idx, &j));
        if (j >= 0) c->nb[c->nnb++] = j;
      }
    PetscCall(PetscSortInt(c->nnb, c->nb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ResidualSets_XPINN(NbDD dd, NbDDSub *sb)
{
  PetscInt cap;

  PetscFunctionBegin;
  PetscCall(NbSamplerGetMaxLocalPoints(sb->sampler, &cap));
  sb->nres = 1;
  PetscCall(PetscCalloc1(1, &sb->res));
  PetscCall(NbDDSetAlloc_Private(dd, &sb->res[0], cap));
  sb->res[0].ncover   = 1;
  sb->res[0].cover[0] = sb->id;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Assign_XPINN(NbDD dd, NbDDSub *sb)
{
  PetscInt         n;
  const PetscReal *x;

  PetscFunctionBegin;
  PetscCall(NbSamplerGetPoints(sb->sampler, &n, &x));
  if (n > sb->res[0].cap) PetscCall(NbDDSetAlloc_Private(dd, &sb->res[0], n));
  PetscCall(PetscArraycpy(sb->res[0].x, x, n * dd->nin));
  sb->res[0].n = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solution_XPINN(NbDD dd, NbDDSub *sb, NbGraph g, NbTensor X, PetscInt ncover, const PetscInt cover[], NbTensor *U)
{
  PetscFunctionBegin;
  PetscCall(NbDDSolutionOne_Private(dd, sb, g, X, cover[0], U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The points of the interface between a lower cell lo and the upper one
   across axis a: uniform on the shared face, drawn from stream 1000 +
   (lo, a) of the seed, so both sides see the same set; point i belongs to
   the lower cell if i is even. */
static PetscErrorCode InterfaceSets_XPINN(NbDD dd, NbDDSub *sb)
{
  NbDDCell *c   = &dd->cells[sb->id];
  PetscInt  nin = dd->nin, N = dd->nifpoints;
  NbRNG     rng;

  PetscFunctionBegin;
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, dd->seed));
  PetscCall(PetscCalloc1(c->nnb + 1, &sb->iface));
  sb->nif = 0;
  for (PetscInt k = 0; k < c->nnb; k++) {
    PetscInt  l = c->nb[k], a = -1, lo, hi;
    NbDDSet  *S = &sb->iface[sb->nif];
    PetscReal box_lo[NB_DD_MAXAX], box_hi[NB_DD_MAXAX], *pts;
    for (PetscInt b = 0; b < nin; b++)
      if (dd->cells[l].idx[b] != c->idx[b]) a = b;
    lo = PetscMin(l, sb->id);
    hi = PetscMax(l, sb->id);
    for (PetscInt b = 0; b < nin; b++) {
      box_lo[b] = c->lo[b];
      box_hi[b] = c->hi[b];
    }
    box_lo[a] = box_hi[a] = dd->cells[hi].lo[a];
    PetscCall(PetscMalloc1(N * nin, &pts));
    {
      PetscReal *r;
      PetscCall(PetscMalloc1(N * nin, &r));
      PetscCall(NbRNGUniform(rng, 1000 + lo * NB_DD_MAXAX + a, 0, N * nin, r));
      for (PetscInt i = 0; i < N; i++)
        for (PetscInt b = 0; b < nin; b++) pts[i * nin + b] = box_lo[b] + (box_hi[b] - box_lo[b]) * r[i * nin + b];
      PetscCall(PetscFree(r));
    }
    PetscCall(NbDDSetAlloc_Private(dd, S, (N + 1) / 2));
    S->n = 0;
    for (PetscInt i = (sb->id == lo ? 0 : 1); i < N; i += 2) PetscCall(PetscArraycpy(S->x + (S->n++) * nin, pts + i * nin, nin));
    PetscCall(PetscFree(pts));
    if (!S->n) continue;
    S->ncover   = 2;
    S->cover[0] = sb->id;
    S->cover[1] = l;
    S->code     = l;
    S->axis     = a;
    S->sign     = sb->id == lo ? 1 : -1;
    sb->nif++;
  }
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* f(u).n across a face normal to axis a (the same n for both sides) */
static PetscErrorCode NormalFlux(NbDD dd, NbTensor U, const NbTensor coef[], PetscInt a, NbTensor *F)
{
  PetscFunctionBegin;
  if (!dd->prob.steady && a == dd->nin - 1) PetscCall(NbTensorJetComponent(U, "", F)); /* time: the conserved quantity */
  else PetscCall((*dd->prob.flux)(dd->prob.ctx, U, coef, a, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode InterfaceTerm_XPINN(NbDD dd, NbDDSub *sb, NbGraph g, const NbTensor coef[], NbTensor *term)
{
  DDXPINN  *x    = (DDXPINN *)dd->data;
  PetscInt  nout = dd->prob.nout;

  PetscFunctionBegin;
  *term = NULL;
  for (PetscInt f = 0; f < sb->nif; f++) {
    NbDDSet *S = &sb->iface[f];
    NbTensor Xj, Uq, Up, uq, up, avg, d, t, tc;
    char     name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), "interface%d", (int)S->code));
    PetscCall(NbGraphAddInput(g, name, S->cap, dd->nin, &S->X));
    PetscCall(NbTensorJetSeed(S->X, dd->prob.coords, dd->prob.derivs, &Xj));
    PetscCall(NbDDSolutionOne_Private(dd, sb, g, Xj, sb->id, &Uq));
    PetscCall(NbDDSolutionOne_Private(dd, sb, g, Xj, S->code, &Up));
    /* average solution: both subdomains' terms */
    PetscCall(NbTensorJetComponent(Uq, "", &uq));
    PetscCall(NbTensorJetComponent(Up, "", &up));
    PetscCall(NbTensorAdd(uq, up, &avg));
    PetscCall(NbTensorScale(avg, 0.5, &avg));
    PetscCall(NbTensorSub(uq, avg, &d));
    PetscCall(NbTensorMeanSquare(d, &t));
    PetscCall(NbTensorSub(up, avg, &d));
    PetscCall(NbTensorMeanSquare(d, &tc));
    PetscCall(NbTensorAdd(t, tc, &t));
    PetscCall(NbTensorScale(t, dd->wavg * nout, &t));
    if (x->flux) {
      NbTensor Fq, Fp;
      PetscCall(NormalFlux(dd, Uq, coef, S->axis, &Fq));
      PetscCall(NormalFlux(dd, Up, coef, S->axis, &Fp));
      PetscCall(NbTensorSub(Fq, Fp, &d));
      PetscCall(NbTensorMeanSquare(d, &tc));
      PetscCall(NbTensorScale(tc, 2 * dd->wflux * nout, &tc));
    } else {
      NbTensor rq[8], rp[8];
      PetscInt nr;
      PetscCall((*dd->prob.residual)(dd->prob.ctx, S->X, Uq, coef, &nr, rq));
      PetscCall((*dd->prob.residual)(dd->prob.ctx, S->X, Up, coef, &nr, rp));
      tc = NULL;
      for (PetscInt k = 0; k < nr; k++) {
        NbTensor e;
        PetscCall(NbTensorSub(rq[k], rp[k], &d));
        PetscCall(NbTensorMeanSquare(d, &e));
        if (tc) PetscCall(NbTensorAdd(tc, e, &tc));
        else tc = e;
      }
      PetscCall(NbTensorScale(tc, 2 * dd->wifres, &tc));
      if (x->wdn > 0) {
        char     dn[2] = {dd->prob.coords[2 * S->axis], 0}; /* coordinate names are "x,t" style */
        NbTensor gq, gp, e;
        PetscCall(NbTensorJetComponent(Uq, dn, &gq));
        PetscCall(NbTensorJetComponent(Up, dn, &gp));
        PetscCall(NbTensorSub(gq, gp, &d));
        PetscCall(NbTensorMeanSquare(d, &e));
        PetscCall(NbTensorScale(e, 2 * x->wdn * nout, &e));
        PetscCall(NbTensorAdd(tc, e, &tc));
      }
    }
    PetscCall(NbTensorAdd(t, tc, &t));
    if (*term) PetscCall(NbTensorAdd(*term, t, term));
    else *term = t;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_XPINN(NbDD dd, PetscViewer v)
{
  DDXPINN *x = (DDXPINN *)dd->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "%s: %d points per interface, W_I %g, %s %g", x->flux ? "cPINN (average solution + normal flux)" : "XPINN (average solution + residual continuity)", (int)dd->nifpoints, (double)dd->wavg, x->flux ? "W_F" : "W_IF", (double)(x->flux ? dd->wflux : dd->wifres)));
  if (x->wdn > 0) PetscCall(PetscViewerASCIIPrintf(v, ", W_D %g (normal derivative)", (double)x->wdn));
  PetscCall(PetscViewerASCIIPrintf(v, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_XPINN(NbDD dd)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(dd->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Create(NbDD dd, PetscBool flux)
{
  DDXPINN *x;

  PetscFunctionBegin;
  PetscCall(PetscNew(&x));
  x->flux                = flux;
  dd->data               = x;
  dd->ops.setfromoptions = SetFromOptions_XPINN;
  dd->ops.geometry       = Geometry_XPINN;
  dd->ops.residualsets   = ResidualSets_XPINN;
  dd->ops.assign         = Assign_XPINN;
  dd->ops.solution       = Solution_XPINN;
  dd->ops.interfacesets  = InterfaceSets_XPINN;
  dd->ops.interfaceterm  = InterfaceTerm_XPINN;
  dd->ops.view           = View_XPINN;
  dd->ops.destroy        = Destroy_XPINN;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDCreate_XPINN(NbDD dd) { return Create(dd, PETSC_FALSE); }
PetscErrorCode NbDDCreate_CPINN(NbDD dd) { return Create(dd, PETSC_TRUE); }
