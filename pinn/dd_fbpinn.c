/* FBPINN: finite-basis PINNs (Moseley, Markham & Nissen-Meyer 2023, Adv.
   Comput. Math. 49:62, Sec. 3): overlapping subdomains, each network
   confined to its subdomain by a smooth window, and the solution ansatz
     u(x) = C[ sum_j w_j(x) NN_j(norm_j(x)) ]
   with norm_j mapping subdomain j's support to [-1, 1]^d, C the hard
   constraint (if any), and the windows a partition of unity. No interface
   terms: continuity holds by construction.

   Windows. Along a partitioned axis with cells [c_k, c_k+1], a window
   rises across [c_k - d_k, c_k + d_k] by the quintic smoothstep
     S(z) = P(y),  y = clamp(z / 2 + 1/2, 0, 1),  P(y) = y^3 (6 y^2 - 15 y + 10)
   (z = (x - c_k)/d_k; P(0) = 0, P(1) = 1, P' and P'' vanish at both ends, so
   S is C^2 and S(z) + S(-z) = 1), and the 1-D window of cell k is
     w_k = S_k - S_k+1   (S_0 = 1, S_P = 0 at the domain ends),
   which telescopes: sum_k w_k = 1 exactly. Where w_k+1 > 0 we have S_k = 1
   (the bands of a cell's two faces do not meet: d_k, d_k+1 <= h/2), so
   w_k >= 0 and w_k vanishes outside [c_k - d_k, c_k+1 + d_k+1], the support. In several
   dimensions w_j = prod_a w_{j_a}(x_a), again a partition of unity, and a
   point sees at most 2 networks per partitioned axis. The clamp is
   ReLU(z') - ReLU(z' - 1), so the windows and their jets (first and second
   derivatives, needed by the residual) are ordinary graph operations.

   -pinn_dd_overlap f sets the half-width of the band of a face to d = f h,
   h the width of the narrower of the two cells it separates (the cell
   width for equal cells), 0 < f <= 1/2. The residual sees the windows'
   derivatives (~1/d, 1/d^2), which only points inside the bands resolve:
   a subdomain must expect at least 16 of its collocation points in each of
   its half bands (ppsub d / width >= 16), else SetUp stops.

   Points. Each collocation point is owned by the cell it lies in; the
   cell's points are split into regions by the bands they fall in, and a
   region evaluates only the networks whose windows can be nonzero there
   (the own one alone in the core, two in a band, four in a corner of a
   2-D partition). */
#include "ddimpl.h"

#define DD_MIN_BAND_POINTS 16

typedef struct {
  PetscReal *delta[NB_DD_MAXAX]; /* band half-width of face k (edge k) per axis; 0 at the ends */
  PetscInt  *regionof;           /* per local subdomain: region code -> residual set, -1 */
  PetscInt   ncode;              /* 3^nin */
} DDFBPINN;

static PetscErrorCode SetFromOptions_FBPINN(NbDD dd, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "FBPINN");
  PetscCall(PetscOptionsReal("-pinn_dd_overlap", "Band half-width of the windows as a fraction of the cell width, 0 < overlap <= 0.5", "NbPINNSetFromOptions", dd->overlap, &dd->overlap, NULL));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Geometry_FBPINN(NbDD dd)
{
  DDFBPINN *f = (DDFBPINN *)dd->data;
  PetscInt  nin = dd->nin;
  PetscBool any = PETSC_FALSE;

  PetscFunctionBegin;
  for (PetscInt a = 0; a < nin; a++) any = (PetscBool)(any || dd->parts[a] > 1);
  if (any) PetscCheck(dd->overlap > 0 && dd->overlap <= 0.5, dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_overlap %g must satisfy 0 < overlap <= 0.5: FBPINN's windows rise across a band of half-width overlap x cell width around each interior face, and the bands of a cell's two faces must not meet", (double)dd->overlap);
  for (PetscInt a = 0; a < nin; a++) {
    const PetscReal *e = dd->edge[a];
    PetscInt         P = dd->parts[a];
    char             name[16];
    PetscCall(NbDDAxisName_Private(dd, a, name));
    PetscCall(PetscFree(f->delta[a]));
    PetscCall(PetscCalloc1(P + 1, &f->delta[a]));
    for (PetscInt k = 1; k < P; k++) {
      /* the face's band as a fraction of the wider cell: the fewest points */
      PetscReal wl = e[k] - e[k - 1], wr = e[k + 1] - e[k], frac;
      f->delta[a][k] = dd->overlap * PetscMin(wl, wr);
      frac           = f->delta[a][k] / PetscMax(wl, wr);
      if (frac * dd->ppsub < DD_MIN_BAND_POINTS * (1 - 1e-12)) { /* equal cells: frac = overlap up to round-off */
        PetscReal need = dd->overlap * DD_MIN_BAND_POINTS / (frac * dd->ppsub);
        char      fix[160];
        if (need <= 0.5) PetscCall(PetscSNPrintf(fix, sizeof(fix), "use -pinn_dd_overlap %.3g or more, or more points (-pinn_dd_points)", (double)need));
        else PetscCall(PetscSNPrintf(fix, sizeof(fix), "use -pinn_dd_points %d or more, or cuts that make neighbouring cells less unequal", (int)PetscCeilReal(DD_MIN_BAND_POINTS / frac * (1 - 1e-12))));
        SETERRQ(dd->comm, PETSC_ERR_USER_INPUT, "-pinn_dd_overlap %g is too small for FBPINN's windows: the band where a window rises at the face %s = %g (half-width %g) holds about %.1f of a subdomain's %d collocation points, too few to resolve the windows' derivatives (~1/overlap^2 in the residual; %d per half band needed): %s", (double)dd->overlap, name, (double)e[k], (double)f->delta[a][k], (double)(frac * dd->ppsub), (int)dd->ppsub, DD_MIN_BAND_POINTS, fix);
      }
    }
  }
  f->ncode = 1;
  for (PetscInt a = 0; a < nin; a++) f->ncode *= 3;
  for (PetscInt id = 0; id < dd->ncell; id++) {
    NbDDCell *c = &dd->cells[id];
    for (PetscInt a = 0; a < nin; a++) {
      if (c->idx[a] > 0) c->slo[a] = c->lo[a] - f->delta[a][c->idx[a]];
      if (c->idx[a] < dd->parts[a] - 1) c->shi[a] = c->hi[a] + f->delta[a][c->idx[a] + 1];
    }
    /* neighbours: every cell within one step along each axis */
    PetscCall(PetscMalloc1(f->ncode, &c->nb));
    c->nnb = 0;
    for (PetscInt code = 0; code < f->ncode; code++) {
      PetscInt idx[NB_DD_MAXAX], r = code, j;
      for (PetscInt a = 0; a < nin; a++, r /= 3) idx[a] = c->idx[a] + r % 3 - 1;
      PetscCall(NbDDCellFromIndex_Private(dd, idx, &j));
      if (j >= 0 && j != id) c->nb[c->nnb++] = j;
    }
    PetscCall(PetscSortInt(c->nnb, c->nb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* region code of a point of cell c: per axis 0 (core), 1 (lower band), 2 (upper band) */
static PetscInt RegionCode(NbDD dd, const NbDDCell *c, const PetscReal x[])
{
  DDFBPINN *f    = (DDFBPINN *)dd->data;
  PetscInt  code = 0, m = 1;

  for (PetscInt a = 0; a < dd->nin; a++, m *= 3) {
    PetscInt b = 0;
    if (c->idx[a] > 0 && x[a] < c->lo[a] + f->delta[a][c->idx[a]]) b = 1;
    else if (c->idx[a] < dd->parts[a] - 1 && x[a] > c->hi[a] - f->delta[a][c->idx[a] + 1]) b = 2;
    code += b * m;
  }
  return code;
}

static PetscErrorCode ResidualSets_FBPINN(NbDD dd, NbDDSub *sb)
{
  DDFBPINN *f = (DDFBPINN *)dd->data;
  NbDDCell *c = &dd->cells[sb->id];
  PetscInt  cap, nin = dd->nin, *map;

  PetscFunctionBegin;
  if (!f->regionof) PetscCall(PetscMalloc1(dd->nlocal * f->ncode, &f->regionof));
  map = f->regionof + (sb->id - dd->first) * f->ncode;
  PetscCall(NbSamplerGetMaxLocalPoints(sb->sampler, &cap));
  PetscCall(PetscCalloc1(f->ncode, &sb->res));
  sb->nres = 0;
  for (PetscInt code = 0; code < f->ncode; code++) {
    PetscInt  r = code, ok = 1, nz[NB_DD_MAXAX], nnz = 0, step[NB_DD_MAXAX];
    NbDDSet  *S;
    map[code] = -1;
    for (PetscInt a = 0; a < nin; a++, r /= 3) {
      PetscInt b = r % 3;
      step[a]    = b == 1 ? -1 : b == 2 ? 1 : 0;
      if (b == 1 && !(c->idx[a] > 0)) ok = 0;
      if (b == 2 && !(c->idx[a] < dd->parts[a] - 1)) ok = 0;
      if (b) nz[nnz++] = a;
    }
    if (!ok) continue;
    map[code] = sb->nres;
    S         = &sb->res[sb->nres++];
    PetscCall(NbDDSetAlloc_Private(dd, S, cap));
    S->code     = code;
    S->ncover   = 1;
    S->cover[0] = sb->id;
    /* the cells idx + sum over a subset of the band axes of step[a] */
    for (PetscInt mask = 1; mask < (1 << nnz); mask++) {
      PetscInt idx[NB_DD_MAXAX], j;
      for (PetscInt a = 0; a < nin; a++) idx[a] = c->idx[a];
      for (PetscInt k = 0; k < nnz; k++)
        if (mask & (1 << k)) idx[nz[k]] += step[nz[k]];
      PetscCall(NbDDCellFromIndex_Private(dd, idx, &j));
      S->cover[S->ncover++] = j;
    }
    PetscCall(PetscSortInt(S->ncover - 1, S->cover + 1));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Assign_FBPINN(NbDD dd, NbDDSub *sb)
{
  DDFBPINN        *f   = (DDFBPINN *)dd->data;
  const PetscInt  *map = f->regionof + (sb->id - dd->first) * f->ncode;
  PetscInt         n, nin = dd->nin;
  const PetscReal *x;

  PetscFunctionBegin;
  PetscCall(NbSamplerGetPoints(sb->sampler, &n, &x));
  for (PetscInt r = 0; r < sb->nres; r++) {
    sb->res[r].n = 0;
    if (n > sb->res[r].cap) PetscCall(NbDDSetAlloc_Private(dd, &sb->res[r], n));
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscInt r = map[RegionCode(dd, &dd->cells[sb->id], x + i * nin)];
    NbDDSet *S;
    PetscCheck(r >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "collocation point in no region of subdomain %d", (int)sb->id);
    S = &sb->res[r];
    PetscCall(PetscArraycpy(S->x + (S->n++) * nin, x + i * nin, nin));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* S((x - c)/d): 0 below c - d, 1 above c + d, the quintic smoothstep between */
static PetscErrorCode Step(NbTensor x, PetscReal c, PetscReal d, NbTensor *S)
{
  NbTensor z, y, y1, y2, y3, q;

  PetscFunctionBegin;
  PetscCall(NbTensorAXPB(x, 1 / (2 * d), 0.5 - c / (2 * d), &z));
  PetscCall(NbTensorReLU(z, &y));
  PetscCall(NbTensorAXPB(z, 1, -1, &y1));
  PetscCall(NbTensorReLU(y1, &y1));
  PetscCall(NbTensorSub(y, y1, &y)); /* clamp(z, 0, 1) */
  PetscCall(NbTensorMul(y, y, &y2));
  PetscCall(NbTensorMul(y2, y, &y3));
  PetscCall(NbTensorAXPB(y, 6, -15, &q));
  PetscCall(NbTensorMul(q, y, &q));
  PetscCall(NbTensorAXPB(q, 1, 10, &q));
  PetscCall(NbTensorMul(q, y3, S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* w_cell(X) (one column; a jet if X is); NULL when no axis is partitioned (w = 1) */
PetscErrorCode NbDDFBPINNWindow_Private(NbDD dd, NbTensor X, PetscInt cell, NbTensor *w)
{
  DDFBPINN *f = (DDFBPINN *)dd->data;
  NbDDCell *c = &dd->cells[cell];

  PetscFunctionBegin;
  *w = NULL;
  for (PetscInt a = 0; a < dd->nin; a++) {
    NbTensor xa, lo = NULL, hi = NULL, wa;
    if (dd->parts[a] == 1) continue;
    PetscCall(NbTensorSlice(X, a, a + 1, &xa));
    if (c->idx[a] > 0) PetscCall(Step(xa, c->lo[a], f->delta[a][c->idx[a]], &lo));
    if (c->idx[a] < dd->parts[a] - 1) PetscCall(Step(xa, c->hi[a], f->delta[a][c->idx[a] + 1], &hi));
    if (lo && hi) PetscCall(NbTensorSub(lo, hi, &wa));
    else if (lo) wa = lo;
    else PetscCall(NbTensorAXPB(hi, -1, 1, &wa));
    if (*w) PetscCall(NbTensorMul(*w, wa, w));
    else *w = wa;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u = C[sum over cover of w_l N_l]; a set with one network is a core
   region (or the whole box), where the own window is 1 */
static PetscErrorCode Solution_FBPINN(NbDD dd, NbDDSub *sb, NbGraph g, NbTensor X, PetscInt ncover, const PetscInt cover[], NbTensor *U)
{
  PetscInt nout = dd->prob.nout;
  NbTensor sum  = NULL;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < ncover; k++) {
    NbTensor N, w;
    PetscCall(NbDDNetwork_Private(dd, sb, g, cover[k], X, &N));
    if (ncover > 1) {
      PetscCall(NbDDFBPINNWindow_Private(dd, X, cover[k], &w));
      if (w) {
        if (nout > 1) {
          NbTensor ws[4] = {w, w, w, w};
          PetscCall(NbTensorConcat(nout, ws, &w));
        }
        PetscCall(NbTensorMul(w, N, &N));
      }
    }
    if (sum) PetscCall(NbTensorAdd(sum, N, &sum));
    else sum = N;
  }
  if (dd->hard) PetscCall((*dd->prob.hard)(dd->prob.ctx, X, sum, U));
  else *U = sum;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDDEvaluateWindows(NbPINN p, PetscInt n, const PetscReal x[], PetscReal w[], PetscReal dw[])
{
  NbDD       dd;
  NbGraph    g;
  NbTensor   X, Xj, *ws, W, out[NB_DD_MAXAX + 1];
  PetscInt   nin, S, nout;
  PetscReal *vals[NB_DD_MAXAX + 1];
  PetscBool  isfb;

  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  PetscCall(PetscStrcmp(p->type, "fbpinn", &isfb));
  PetscCheck(isfb, p->comm, PETSC_ERR_ARG_WRONG, "Windows exist for -pinn_dd fbpinn only, not %s", p->type);
  dd  = (NbDD)p->data;
  nin = dd->nin;
  S   = dd->ncell;
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &g));
  PetscCall(NbGraphAddInput(g, "points", 4096, nin, &X));
  PetscCall(NbTensorJetSeed(X, dd->prob.coords, dd->prob.coords, &Xj));
  PetscCall(PetscMalloc1(S, &ws));
  for (PetscInt j = 0; j < S; j++) {
    PetscCall(NbDDFBPINNWindow_Private(dd, Xj, j, &ws[j]));
    if (!ws[j]) { /* one subdomain: w = 1 = 0 x + 1 */
      PetscCall(NbTensorSlice(Xj, 0, 1, &ws[j]));
      PetscCall(NbTensorAXPB(ws[j], 0, 1, &ws[j]));
    }
  }
  PetscCall(NbTensorConcat(S, ws, &W));
  nout = 1 + (dw ? nin : 0);
  for (PetscInt k = 0; k < nout; k++) {
    char d[2] = {0, 0};
    if (k) d[0] = dd->prob.coords[2 * (k - 1)]; /* coords are "x,t" style */
    PetscCall(NbTensorJetComponent(W, d, &out[k]));
    PetscCall(NbTensorScale(out[k], 1.0, &out[k])); /* a node of its own to capture */
    PetscCall(NbGraphMarkOutput(g, out[k]));
  }
  PetscCall(NbGraphSetUp(g));
  vals[0] = w;
  for (PetscInt k = 1; k < nout; k++) PetscCall(PetscMalloc1(n * S + 1, &vals[k]));
  PetscCall(NbGraphEvaluate(g, X, n, x, nout, out, vals));
  for (PetscInt k = 1; k < nout; k++) {
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt j = 0; j < S; j++) dw[(i * S + j) * nin + (k - 1)] = vals[k][i * S + j];
    PetscCall(PetscFree(vals[k]));
  }
  PetscCall(PetscFree(ws));
  PetscCall(NbGraphDestroy(&g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_FBPINN(NbDD dd, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "FBPINN: windows rise across bands of half-width %g x the narrower adjacent cell's width (quintic smoothstep, partition of unity)\n", (double)dd->overlap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_FBPINN(NbDD dd)
{
  DDFBPINN *f = (DDFBPINN *)dd->data;

  PetscFunctionBegin;
  PetscCall(PetscFree(f->regionof));
  for (PetscInt a = 0; a < NB_DD_MAXAX; a++) PetscCall(PetscFree(f->delta[a]));
  PetscCall(PetscFree(dd->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDCreate_FBPINN(NbDD dd)
{
  DDFBPINN *f;

  PetscFunctionBegin;
  PetscCall(PetscNew(&f));
  dd->data               = f;
  dd->windowed           = PETSC_TRUE;
  dd->ops.setfromoptions = SetFromOptions_FBPINN;
  dd->ops.geometry       = Geometry_FBPINN;
  dd->ops.residualsets   = ResidualSets_FBPINN;
  dd->ops.assign         = Assign_FBPINN;
  dd->ops.solution       = Solution_FBPINN;
  dd->ops.view           = View_FBPINN;
  dd->ops.destroy        = Destroy_FBPINN;
  PetscFunctionReturn(PETSC_SUCCESS);
}
