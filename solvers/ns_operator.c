/* The discrete Navier-Stokes operator on the MAC grid, written once for the
   reference solvers and for any neural loss that uses it.

   Grid (Harlow & Welch 1965): M x N cells of size hx x hy; u(i,j) on the
   x-face at (x_i, y_{j+1/2}), v(i,j) on the y-face at (x_{i+1/2}, y_j),
   p(i,j) at the cell centre (x_{i+1/2}, y_{j+1/2}), x_i = x_0 + i hx.
   Walls: the normal velocity of a wall face is an unknown whose row is
   u - g; a tangential wall velocity g enters through the ghost value
   2 g - u_1 (second order globally: the O(1) truncation error sits on one
   layer of cells).
   Advection in divergence form with linear interpolation, the "Div." scheme
   of Morinishi, Lund, Vasilyev & Moin (1998, J. Comput. Phys. 143): at u(i,j)
     [(u_{i+1/2,j})^2 - (u_{i-1/2,j})^2]/hx + [(uv)_{i,j+1/2} - (uv)_{i,j-1/2}]/hy
   with cell averages u_{i+1/2,j} and vertex averages of u and v; it
   conserves momentum, and kinetic energy when D u = 0. */
#include "ns_impl.h"

#define XF(ns, i) ((ns)->c.lower[0] + (i) * (ns)->hx)
#define YF(ns, j) ((ns)->c.lower[1] + (j) * (ns)->hy)
#define XC(ns, i) ((ns)->c.lower[0] + ((i) + 0.5) * (ns)->hx)
#define YC(ns, j) ((ns)->c.lower[1] + ((j) + 0.5) * (ns)->hy)

/* ---------------------------------------------------------------- wall data */

PetscErrorCode NbNSWallNormal(NbNavierStokes ns, PetscReal t, PetscInt comp, PetscInt i, PetscInt j, PetscReal *g)
{
  PetscFunctionBegin;
  if (ns->c.wallpsi) {
    /* the face's two ends: u = psi_y, v = -psi_x averaged over the face */
    PetscReal X0[2] = {XF(ns, i), YF(ns, j)}, X1[2] = {XF(ns, i + comp), YF(ns, j + 1 - comp)}, p0, p1;
    PetscCall(ns->c.wallpsi(ns, t, X0, &p0));
    PetscCall(ns->c.wallpsi(ns, t, X1, &p1));
    *g = comp == 0 ? (p1 - p0) / ns->hy : -(p1 - p0) / ns->hx;
  } else {
    /* the face centre */
    PetscReal X[2] = {comp == 0 ? XF(ns, i) : XC(ns, i), comp == 0 ? YC(ns, j) : YF(ns, j)}, w[2];
    PetscCall(ns->c.wall(ns, t, X, w));
    *g = w[comp];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNSWallTangent(NbNavierStokes ns, PetscReal t, PetscInt comp, PetscInt i, PetscInt j, PetscReal *g)
{
  PetscReal X[2] = {XF(ns, i), YF(ns, j)}, w[2];

  PetscFunctionBegin;
  PetscCall(ns->c.wall(ns, t, X, w));
  *g = w[comp];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ F(U) */

PetscErrorCode NbNSApply(NbNavierStokes ns, PetscReal t, Vec U, const NbNSTerms *T, Vec F)
{
  DM                  dm = ns->dm;
  Vec                 Ul, Fl;
  const PetscScalar ***a;
  PetscScalar      ***f;
  NbNSSlots           s;
  PetscInt            x, y, m, n, ex, ey, M = ns->M, N = ns->N;
  const PetscBool     wall = ns->c.periodic ? PETSC_FALSE : PETSC_TRUE;
  const PetscReal     hx = ns->hx, hy = ns->hy, nu = ns->nu;
  const PetscBool     force = (T->force != 0 && ns->c.forcing) ? PETSC_TRUE : PETSC_FALSE;
  const PetscReal     lin = T->drag * ns->drag + T->mass;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_NSResidual, 0, 0, 0, 0));
  PetscCall(DMGetLocalVector(dm, &Fl));
  PetscCall(NbNSGetArrayRead(dm, U, &Ul, &a, &s));
  PetscCall(DMStagVecGetArray(dm, Fl, &f));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));

  /* x-momentum on the x-faces */
  for (PetscInt j = y; j < y + n; j++) {
    PetscReal gS = 0, gN = 0;
    for (PetscInt i = x; i < x + m + ex; i++) {
      PetscScalar uc = a[j][i][s.su], val = 0;
      if (wall && (i == 0 || i == M)) {
        PetscReal g = 0;
        if (T->bcg != 0) PetscCall(NbNSWallNormal(ns, t, 0, i, j, &g));
        f[j][i][s.su] = T->bcu * uc + T->bcg * g;
        continue;
      }
      if (wall && j == 0) PetscCall(NbNSWallTangent(ns, t, 0, i, 0, &gS));
      if (wall && j == N - 1) PetscCall(NbNSWallTangent(ns, t, 0, i, N, &gN));
      if (T->adv != 0) {
        PetscScalar uE = 0.5 * (uc + a[j][i + 1][s.su]), uW = 0.5 * (a[j][i - 1][s.su] + uc);
        PetscScalar uN = (wall && j == N - 1) ? gN : 0.5 * (uc + a[j + 1][i][s.su]);
        PetscScalar uS = (wall && j == 0) ? gS : 0.5 * (a[j - 1][i][s.su] + uc);
        PetscScalar vN = 0.5 * (a[j + 1][i - 1][s.sv] + a[j + 1][i][s.sv]);
        PetscScalar vS = 0.5 * (a[j][i - 1][s.sv] + a[j][i][s.sv]);
        val += T->adv * ((uE * uE - uW * uW) / hx + (uN * vN - uS * vS) / hy);
      }
      if (T->visc != 0) {
        PetscScalar uup = (wall && j == N - 1) ? 2 * gN - uc : a[j + 1][i][s.su];
        PetscScalar udn = (wall && j == 0) ? 2 * gS - uc : a[j - 1][i][s.su];
        val += T->visc * nu * ((a[j][i + 1][s.su] - 2 * uc + a[j][i - 1][s.su]) / (hx * hx) + (uup - 2 * uc + udn) / (hy * hy));
      }
      if (T->grad != 0) val += T->grad * (a[j][i][s.sp] - a[j][i - 1][s.sp]) / hx;
      if (force) {
        PetscReal X[2] = {XF(ns, i), YC(ns, j)}, fv[2];
        PetscCall(ns->c.forcing(ns, t, X, fv));
        val += T->force * fv[0];
      }
      f[j][i][s.su] = val + lin * uc;
    }
  }
  /* y-momentum on the y-faces */
  for (PetscInt j = y; j < y + n + ey; j++) {
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar vc = a[j][i][s.sv], val = 0;
      PetscReal   gW = 0, gE = 0;
      if (wall && (j == 0 || j == N)) {
        PetscReal g = 0;
        if (T->bcg != 0) PetscCall(NbNSWallNormal(ns, t, 1, i, j, &g));
        f[j][i][s.sv] = T->bcu * vc + T->bcg * g;
        continue;
      }
      if (wall && i == 0) PetscCall(NbNSWallTangent(ns, t, 1, 0, j, &gW));
      if (wall && i == M - 1) PetscCall(NbNSWallTangent(ns, t, 1, M, j, &gE));
      if (T->adv != 0) {
        PetscScalar vN = 0.5 * (vc + a[j + 1][i][s.sv]), vS = 0.5 * (a[j - 1][i][s.sv] + vc);
        PetscScalar vE = (wall && i == M - 1) ? gE : 0.5 * (vc + a[j][i + 1][s.sv]);
        PetscScalar vW = (wall && i == 0) ? gW : 0.5 * (a[j][i - 1][s.sv] + vc);
        PetscScalar uE = 0.5 * (a[j - 1][i + 1][s.su] + a[j][i + 1][s.su]);
        PetscScalar uW = 0.5 * (a[j - 1][i][s.su] + a[j][i][s.su]);
        val += T->adv * ((uE * vE - uW * vW) / hx + (vN * vN - vS * vS) / hy);
      }
      if (T->visc != 0) {
        PetscScalar vrt = (wall && i == M - 1) ? 2 * gE - vc : a[j][i + 1][s.sv];
        PetscScalar vlt = (wall && i == 0) ? 2 * gW - vc : a[j][i - 1][s.sv];
        val += T->visc * nu * ((vrt - 2 * vc + vlt) / (hx * hx) + (a[j + 1][i][s.sv] - 2 * vc + a[j - 1][i][s.sv]) / (hy * hy));
      }
      if (T->grad != 0) val += T->grad * (a[j][i][s.sp] - a[j - 1][i][s.sp]) / hy;
      if (force) {
        PetscReal X[2] = {XC(ns, i), YF(ns, j)}, fv[2];
        PetscCall(ns->c.forcing(ns, t, X, fv));
        val += T->force * fv[1];
      }
      f[j][i][s.sv] = val + lin * vc;
    }
  }
  /* continuity in the cells */
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar d = (a[j][i + 1][s.su] - a[j][i][s.su]) / hx + (a[j + 1][i][s.sv] - a[j][i][s.sv]) / hy;
      f[j][i][s.sp] = (T->pin && i == 0 && j == 0) ? 0 : T->div * d + T->pres * a[j][i][s.sp];
    }
  PetscCall(NbNSRestoreArrayRead(dm, &Ul, &a));
  PetscCall(DMStagVecRestoreArray(dm, Fl, &f));
  PetscCall(DMLocalToGlobal(dm, Fl, INSERT_VALUES, F));
  PetscCall(DMRestoreLocalVector(dm, &Fl));
  PetscCall(PetscLogEventEnd(NB_NSResidual, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ matrices */

/* One matrix row collected before insertion (duplicated columns add up). */
typedef struct {
  DMStagStencil row, col[16];
  PetscScalar   val[16];
  PetscInt      n;
} NbNSRow;

static inline void RowStart(NbNSRow *r, DMStagStencilLocation loc, PetscInt i, PetscInt j)
{
  r->row = (DMStagStencil){.loc = loc, .i = i, .j = j, .k = 0, .c = 0};
  r->n   = 0;
}

static inline void RowAdd(NbNSRow *r, DMStagStencilLocation loc, PetscInt i, PetscInt j, PetscScalar v)
{
  r->col[r->n] = (DMStagStencil){.loc = loc, .i = i, .j = j, .k = 0, .c = 0};
  r->val[r->n] = v;
  r->n++;
}

static inline PetscErrorCode RowInsert(DM dm, Mat A, NbNSRow *r)
{
  return DMStagMatSetValuesStencil(dm, A, 1, &r->row, r->n, r->col, r->val, ADD_VALUES);
}

/* The row of a wall-normal velocity: the identity. */
static PetscErrorCode IdentityRow(DM dm, Mat A, DMStagStencilLocation loc, PetscInt i, PetscInt j)
{
  NbNSRow r;

  RowStart(&r, loc, i, j);
  RowAdd(&r, loc, i, j, 1.0);
  return RowInsert(dm, A, &r);
}

/* Jacobian rows (types JACOBIAN and NEWTON): dF/dU + shift on interior
   velocity rows, from the formulas of NbNSApply differentiated by hand. */
static PetscErrorCode AssembleJacobian(NbNavierStokes ns, PetscReal t, Vec U, PetscBool pin, PetscReal shift, Mat A)
{
  DM                  dm = ns->dm;
  Vec                 Ul;
  const PetscScalar ***a;
  NbNSSlots           s;
  NbNSRow             r;
  PetscInt            x, y, m, n, ex, ey, M = ns->M, N = ns->N;
  const PetscBool     wall = ns->c.periodic ? PETSC_FALSE : PETSC_TRUE;
  const PetscReal     hx = ns->hx, hy = ns->hy, nu = ns->nu, cx = nu / (hx * hx), cy = nu / (hy * hy);

  PetscFunctionBegin;
  PetscCall(NbNSGetArrayRead(dm, U, &Ul, &a, &s));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m + ex; i++) {
      PetscScalar uc = a[j][i][s.su], diag;
      PetscReal   gS = 0, gN = 0;
      if (wall && (i == 0 || i == M)) {
        PetscCall(IdentityRow(dm, A, DMSTAG_LEFT, i, j));
        continue;
      }
      RowStart(&r, DMSTAG_LEFT, i, j);
      if (wall && j == 0) PetscCall(NbNSWallTangent(ns, t, 0, i, 0, &gS));
      if (wall && j == N - 1) PetscCall(NbNSWallTangent(ns, t, 0, i, N, &gN));
      {
        PetscScalar uE = 0.5 * (uc + a[j][i + 1][s.su]), uW = 0.5 * (a[j][i - 1][s.su] + uc);
        PetscBool   nin = (wall && j == N - 1) ? PETSC_FALSE : PETSC_TRUE, sin = (wall && j == 0) ? PETSC_FALSE : PETSC_TRUE;
        PetscScalar uN = nin ? 0.5 * (uc + a[j + 1][i][s.su]) : gN, uS = sin ? 0.5 * (a[j - 1][i][s.su] + uc) : gS;
        PetscScalar vN = 0.5 * (a[j + 1][i - 1][s.sv] + a[j + 1][i][s.sv]), vS = 0.5 * (a[j][i - 1][s.sv] + a[j][i][s.sv]);

        diag = shift + ns->drag + (uE - uW) / hx + 2 * cx;
        RowAdd(&r, DMSTAG_LEFT, i + 1, j, uE / hx - cx);
        RowAdd(&r, DMSTAG_LEFT, i - 1, j, -uW / hx - cx);
        if (nin) {
          diag += 0.5 * vN / hy + cy;
          RowAdd(&r, DMSTAG_LEFT, i, j + 1, 0.5 * vN / hy - cy);
        } else diag += 2 * cy;
        if (sin) {
          diag += -0.5 * vS / hy + cy;
          RowAdd(&r, DMSTAG_LEFT, i, j - 1, -0.5 * vS / hy - cy);
        } else diag += 2 * cy;
        RowAdd(&r, DMSTAG_DOWN, i - 1, j + 1, 0.5 * uN / hy);
        RowAdd(&r, DMSTAG_DOWN, i, j + 1, 0.5 * uN / hy);
        RowAdd(&r, DMSTAG_DOWN, i - 1, j, -0.5 * uS / hy);
        RowAdd(&r, DMSTAG_DOWN, i, j, -0.5 * uS / hy);
        RowAdd(&r, DMSTAG_ELEMENT, i, j, 1.0 / hx);
        RowAdd(&r, DMSTAG_ELEMENT, i - 1, j, -1.0 / hx);
        RowAdd(&r, DMSTAG_LEFT, i, j, diag);
      }
      PetscCall(RowInsert(dm, A, &r));
    }
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar vc = a[j][i][s.sv], diag;
      PetscReal   gW = 0, gE = 0;
      if (wall && (j == 0 || j == N)) {
        PetscCall(IdentityRow(dm, A, DMSTAG_DOWN, i, j));
        continue;
      }
      RowStart(&r, DMSTAG_DOWN, i, j);
      if (wall && i == 0) PetscCall(NbNSWallTangent(ns, t, 1, 0, j, &gW));
      if (wall && i == M - 1) PetscCall(NbNSWallTangent(ns, t, 1, M, j, &gE));
      {
        PetscScalar vN = 0.5 * (vc + a[j + 1][i][s.sv]), vS = 0.5 * (a[j - 1][i][s.sv] + vc);
        PetscBool   ein = (wall && i == M - 1) ? PETSC_FALSE : PETSC_TRUE, win = (wall && i == 0) ? PETSC_FALSE : PETSC_TRUE;
        PetscScalar vE = ein ? 0.5 * (vc + a[j][i + 1][s.sv]) : gE, vW = win ? 0.5 * (a[j][i - 1][s.sv] + vc) : gW;
        PetscScalar uE = 0.5 * (a[j - 1][i + 1][s.su] + a[j][i + 1][s.su]), uW = 0.5 * (a[j - 1][i][s.su] + a[j][i][s.su]);

        diag = shift + ns->drag + (vN - vS) / hy + 2 * cy;
        RowAdd(&r, DMSTAG_DOWN, i, j + 1, vN / hy - cy);
        RowAdd(&r, DMSTAG_DOWN, i, j - 1, -vS / hy - cy);
        if (ein) {
          diag += 0.5 * uE / hx + cx;
          RowAdd(&r, DMSTAG_DOWN, i + 1, j, 0.5 * uE / hx - cx);
        } else diag += 2 * cx;
        if (win) {
          diag += -0.5 * uW / hx + cx;
          RowAdd(&r, DMSTAG_DOWN, i - 1, j, -0.5 * uW / hx - cx);
        } else diag += 2 * cx;
        RowAdd(&r, DMSTAG_LEFT, i + 1, j - 1, 0.5 * vE / hx);
        RowAdd(&r, DMSTAG_LEFT, i + 1, j, 0.5 * vE / hx);
        RowAdd(&r, DMSTAG_LEFT, i, j - 1, -0.5 * vW / hx);
        RowAdd(&r, DMSTAG_LEFT, i, j, -0.5 * vW / hx);
        RowAdd(&r, DMSTAG_ELEMENT, i, j, 1.0 / hy);
        RowAdd(&r, DMSTAG_ELEMENT, i, j - 1, -1.0 / hy);
        RowAdd(&r, DMSTAG_DOWN, i, j, diag);
      }
      PetscCall(RowInsert(dm, A, &r));
    }
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) {
      RowStart(&r, DMSTAG_ELEMENT, i, j);
      if (pin && i == 0 && j == 0) {
        /* the pressure level: the continuity rows sum to the net wall inflow,
           which is zero, so this row is implied by the others */
        RowAdd(&r, DMSTAG_ELEMENT, 0, 0, 1.0 / hx);
      } else {
        RowAdd(&r, DMSTAG_LEFT, i + 1, j, -1.0 / hx);
        RowAdd(&r, DMSTAG_LEFT, i, j, 1.0 / hx);
        RowAdd(&r, DMSTAG_DOWN, i, j + 1, -1.0 / hy);
        RowAdd(&r, DMSTAG_DOWN, i, j, 1.0 / hy);
      }
      PetscCall(RowInsert(dm, A, &r));
    }
  PetscCall(NbNSRestoreArrayRead(dm, &Ul, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The velocity matrix of the projection method on dmU: shift I - c nu L0 on
   interior faces (L0: the Laplacian with homogeneous wall data; wall-face
   columns are moved to the right-hand side), identity on wall faces.
   Symmetric positive definite. */
static PetscErrorCode AssembleHelmholtz(NbNavierStokes ns, PetscReal shift, PetscReal c, Mat A)
{
  DM              dm = ns->dmU;
  NbNSRow         r;
  PetscInt        x, y, m, n, ex, ey, M = ns->M, N = ns->N;
  const PetscBool wall = ns->c.periodic ? PETSC_FALSE : PETSC_TRUE;
  const PetscReal cx = c * ns->nu / (ns->hx * ns->hx), cy = c * ns->nu / (ns->hy * ns->hy);

  PetscFunctionBegin;
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m + ex; i++) {
      PetscScalar diag = shift + 2 * cx + 2 * cy;
      if (wall && (i == 0 || i == M)) {
        PetscCall(IdentityRow(dm, A, DMSTAG_LEFT, i, j));
        continue;
      }
      RowStart(&r, DMSTAG_LEFT, i, j);
      if (!wall || i + 1 < M) RowAdd(&r, DMSTAG_LEFT, i + 1, j, -cx);
      if (!wall || i - 1 > 0) RowAdd(&r, DMSTAG_LEFT, i - 1, j, -cx);
      if (wall && j == N - 1) diag += cy;
      else RowAdd(&r, DMSTAG_LEFT, i, j + 1, -cy);
      if (wall && j == 0) diag += cy;
      else RowAdd(&r, DMSTAG_LEFT, i, j - 1, -cy);
      RowAdd(&r, DMSTAG_LEFT, i, j, diag);
      PetscCall(RowInsert(dm, A, &r));
    }
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar diag = shift + 2 * cx + 2 * cy;
      if (wall && (j == 0 || j == N)) {
        PetscCall(IdentityRow(dm, A, DMSTAG_DOWN, i, j));
        continue;
      }
      RowStart(&r, DMSTAG_DOWN, i, j);
      if (!wall || j + 1 < N) RowAdd(&r, DMSTAG_DOWN, i, j + 1, -cy);
      if (!wall || j - 1 > 0) RowAdd(&r, DMSTAG_DOWN, i, j - 1, -cy);
      if (wall && i == M - 1) diag += cx;
      else RowAdd(&r, DMSTAG_DOWN, i + 1, j, -cx);
      if (wall && i == 0) diag += cx;
      else RowAdd(&r, DMSTAG_DOWN, i - 1, j, -cx);
      RowAdd(&r, DMSTAG_DOWN, i, j, diag);
      PetscCall(RowInsert(dm, A, &r));
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The pressure Poisson matrix -D G on dmP (walls: G = 0 on wall faces, the
   Neumann condition of the projection), with the value of cell (0,0) pinned
   to zero by removing its row and column: symmetric positive definite. The
   right-hand side must be 0 in cell (0,0) (NbNSTerms.pin). */
static PetscErrorCode AssemblePoisson(NbNavierStokes ns, Mat A)
{
  DM              dm = ns->dmP;
  NbNSRow         r;
  PetscInt        x, y, m, n, M = ns->M, N = ns->N;
  const PetscBool wall = ns->c.periodic ? PETSC_FALSE : PETSC_TRUE;
  const PetscReal cx = 1.0 / (ns->hx * ns->hx), cy = 1.0 / (ns->hy * ns->hy);

  PetscFunctionBegin;
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, NULL, NULL, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar diag = 0;
      PetscInt    nb[4][2] = {
        {i + 1, j},
        {i - 1, j},
        {i, j + 1},
        {i, j - 1}
      };
      PetscBool   inside[4] = {!wall || i + 1 < M, !wall || i > 0, !wall || j + 1 < N, !wall || j > 0};
      RowStart(&r, DMSTAG_ELEMENT, i, j);
      if (i == 0 && j == 0) {
        RowAdd(&r, DMSTAG_ELEMENT, 0, 0, 2 * (cx + cy));
        PetscCall(RowInsert(dm, A, &r));
        continue;
      }
      for (PetscInt k = 0; k < 4; k++) {
        PetscReal cc = k < 2 ? cx : cy;
        PetscInt  ni = nb[k][0], nj = nb[k][1];
        if (!inside[k]) continue;
        diag += cc;
        /* column (0,0) removed; periodic wrap: cell -1 is cell M-1 */
        if (((ni % M) + M) % M == 0 && ((nj % N) + N) % N == 0) continue;
        RowAdd(&r, DMSTAG_ELEMENT, ni, nj, -cc);
      }
      RowAdd(&r, DMSTAG_ELEMENT, i, j, diag);
      PetscCall(RowInsert(dm, A, &r));
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNSAssemble(NbNavierStokes ns, PetscReal t, Vec U, NbNSMatType type, PetscReal shift, PetscReal c, Mat A)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_NSJacobian, 0, 0, 0, 0));
  PetscCall(MatZeroEntries(A));
  switch (type) {
  case NB_NS_MAT_JACOBIAN:
    PetscCall(AssembleJacobian(ns, t, U, PETSC_FALSE, shift, A));
    break;
  case NB_NS_MAT_NEWTON:
    PetscCall(AssembleJacobian(ns, t, U, PETSC_TRUE, shift, A));
    break;
  case NB_NS_MAT_HELMHOLTZ:
    PetscCall(AssembleHelmholtz(ns, shift, c, A));
    break;
  case NB_NS_MAT_POISSON:
    PetscCall(AssemblePoisson(ns, A));
    break;
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscLogEventEnd(NB_NSJacobian, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* An AIJ matrix on a velocity-only or pressure-only DMStag with a 5-point
   stencil's preallocation (DMCreateMatrix preallocates the full box
   stencil, slowly: 20 s at 1024^2 in PETSc 3.18), set up for
   DMStagMatSetValuesStencil through the DM's local-to-global map. */
PetscErrorCode NbNSCreateFieldMatrix(DM dm, Mat *A)
{
  Vec                    v;
  PetscInt               n;
  ISLocalToGlobalMapping l2g;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(dm, &v));
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(DMRestoreGlobalVector(dm, &v));
  PetscCall(MatCreateAIJ(PetscObjectComm((PetscObject)dm), n, n, PETSC_DETERMINE, PETSC_DETERMINE, 5, NULL, 4, NULL, A));
  PetscCall(DMGetLocalToGlobalMapping(dm, &l2g));
  PetscCall(MatSetLocalToGlobalMapping(*A, l2g, l2g));
  PetscCall(MatSetOption(*A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ field maps */

/* Global indices in dm of n local stencil points. */
static PetscErrorCode StencilToGlobal(DM dm, PetscInt n, DMStagStencil st[], PetscInt idx[])
{
  ISLocalToGlobalMapping l2g;

  PetscFunctionBegin;
  PetscCall(DMStagStencilToIndexLocal(dm, 2, n, st, idx));
  PetscCall(DMGetLocalToGlobalMapping(dm, &l2g));
  PetscCall(ISLocalToGlobalMappingApply(l2g, n, idx, idx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The scatter from the entries ifull of vf to the entries isub of vsub, and
   ifull as a sorted index set. */
static PetscErrorCode FieldMap(MPI_Comm comm, Vec vf, Vec vsub, PetscInt n, const PetscInt ifull[], const PetscInt isub[], VecScatter *sc, IS *is)
{
  IS b;

  PetscFunctionBegin;
  PetscCall(ISCreateGeneral(comm, n, ifull, PETSC_COPY_VALUES, is));
  PetscCall(ISCreateGeneral(comm, n, isub, PETSC_COPY_VALUES, &b));
  PetscCall(VecScatterCreate(vf, *is, vsub, b, sc));
  PetscCall(ISSort(*is));
  PetscCall(ISDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Global indices of every owned velocity (pressure) entry in the full DMStag
   and in dmU (dmP), in the same order: the scatters between them and the
   index sets for PCFIELDSPLIT. */
PetscErrorCode NbNSBuildFieldMaps(NbNavierStokes ns)
{
  PetscInt       x, y, m, n, ex, ey, nu = 0, np = 0, cap;
  DMStagStencil *su, *sp, *suU, *spP;
  PetscInt      *iu, *ip, *iuU, *ipP;
  Vec            vf, vu, vp;

  PetscFunctionBegin;
  PetscCall(DMStagGetCorners(ns->dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  cap = (m + 1) * (n + 1) * 2;
  PetscCall(PetscMalloc4(cap, &su, cap, &sp, cap, &suU, cap, &spP));
  PetscCall(PetscMalloc4(cap, &iu, cap, &ip, cap, &iuU, cap, &ipP));
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++) {
      if (j < y + n) su[nu++] = (DMStagStencil){.loc = DMSTAG_LEFT, .i = i, .j = j, .k = 0, .c = 0};
      if (i < x + m) su[nu++] = (DMStagStencil){.loc = DMSTAG_DOWN, .i = i, .j = j, .k = 0, .c = 0};
      if (i < x + m && j < y + n) sp[np++] = (DMStagStencil){.loc = DMSTAG_ELEMENT, .i = i, .j = j, .k = 0, .c = 0};
    }
  for (PetscInt k = 0; k < nu; k++) suU[k] = su[k];
  for (PetscInt k = 0; k < np; k++) spP[k] = sp[k];
  PetscCall(StencilToGlobal(ns->dm, nu, su, iu));
  PetscCall(StencilToGlobal(ns->dm, np, sp, ip));
  PetscCall(StencilToGlobal(ns->dmU, nu, suU, iuU));
  PetscCall(StencilToGlobal(ns->dmP, np, spP, ipP));

  PetscCall(DMGetGlobalVector(ns->dm, &vf));
  PetscCall(DMGetGlobalVector(ns->dmU, &vu));
  PetscCall(DMGetGlobalVector(ns->dmP, &vp));
  PetscCall(FieldMap(ns->comm, vf, vu, nu, iu, iuU, &ns->scatU, &ns->isu));
  PetscCall(FieldMap(ns->comm, vf, vp, np, ip, ipP, &ns->scatP, &ns->isp));
  PetscCall(DMRestoreGlobalVector(ns->dm, &vf));
  PetscCall(DMRestoreGlobalVector(ns->dmU, &vu));
  PetscCall(DMRestoreGlobalVector(ns->dmP, &vp));
  PetscCall(PetscFree4(su, sp, suU, spP));
  PetscCall(PetscFree4(iu, ip, iuU, ipP));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ states */

PetscErrorCode NbNSFillState(NbNavierStokes ns, PetscReal t, NbNSFill mode, Vec U)
{
  DM            dm = ns->dm;
  Vec           Ul;
  PetscScalar ***a;
  NbNSSlots     s;
  PetscInt      x, y, m, n, ex, ey, M = ns->M, N = ns->N;
  const PetscBool wall = ns->c.periodic ? PETSC_FALSE : PETSC_TRUE;

  PetscFunctionBegin;
  PetscCheck(mode != NB_NS_FILL_EXACT || ns->c.exact, ns->comm, PETSC_ERR_ARG_WRONGSTATE, "-ns_case %s has no exact solution", ns->casename);
  PetscCall(NbNSGetSlots(dm, &s));
  PetscCall(DMGetLocalVector(dm, &Ul));
  PetscCall(VecZeroEntries(Ul));
  PetscCall(DMStagVecGetArray(dm, Ul, &a));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++) {
      for (PetscInt comp = 0; comp < 2; comp++) {
        PetscBool   owned = comp == 0 ? (j < y + n) : (i < x + m);
        PetscBool   onwall;
        PetscReal   X[2], val = 0, uvp[3], w[2], p0, p1;
        PetscInt    slot = comp == 0 ? s.su : s.sv;
        if (!owned) continue;
        onwall = wall && (comp == 0 ? (i == 0 || i == M) : (j == 0 || j == N));
        X[0]   = comp == 0 ? XF(ns, i) : XC(ns, i);
        X[1]   = comp == 0 ? YC(ns, j) : YF(ns, j);
        if (mode == NB_NS_FILL_EXACT) {
          PetscCall(ns->c.exact(ns, t, X, uvp));
          val = uvp[comp];
        } else if (onwall) {
          PetscCall(NbNSWallNormal(ns, t, comp, i, j, &val));
        } else if (mode == NB_NS_FILL_INITIAL && ns->c.initialpsi) {
          PetscReal Y[2] = {XF(ns, i), YF(ns, j)};
          PetscCall(ns->c.initialpsi(ns, Y, &p0));
          if (comp == 0) Y[1] = YF(ns, j + 1);
          else Y[0] = XF(ns, i + 1);
          PetscCall(ns->c.initialpsi(ns, Y, &p1));
          val = comp == 0 ? (p1 - p0) / ns->hy : -(p1 - p0) / ns->hx;
        } else if (mode == NB_NS_FILL_INITIAL && ns->c.initial) {
          PetscCall(ns->c.initial(ns, X, w));
          val = w[comp];
        }
        a[j][i][slot] = val;
      }
      if (i < x + m && j < y + n) {
        PetscReal X[2] = {XC(ns, i), YC(ns, j)}, uvp[3];
        if (mode == NB_NS_FILL_EXACT) {
          PetscCall(ns->c.exact(ns, t, X, uvp));
          a[j][i][s.sp] = uvp[2];
        } else a[j][i][s.sp] = 0;
      }
    }
  PetscCall(DMStagVecRestoreArray(dm, Ul, &a));
  PetscCall(DMLocalToGlobal(dm, Ul, INSERT_VALUES, U));
  PetscCall(DMRestoreLocalVector(dm, &Ul));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNSRemoveMeanPressure(NbNavierStokes ns, Vec U)
{
  Vec         p;
  PetscScalar sum;
  PetscInt    np;

  PetscFunctionBegin;
  PetscCall(VecGetSubVector(U, ns->isp, &p));
  PetscCall(VecSum(p, &sum));
  PetscCall(VecGetSize(p, &np));
  PetscCall(VecShift(p, -sum / np));
  PetscCall(VecRestoreSubVector(U, ns->isp, &p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Largest speed components and the advective CFL number dt(|u|/hx + |v|/hy)
   at the current ns->dt, from face values. */
PetscErrorCode NbNSMaxVelocity(NbNavierStokes ns, Vec U, PetscReal *umax, PetscReal *cfl)
{
  DM                  dm = ns->dm;
  Vec                 Ul;
  const PetscScalar ***a;
  NbNSSlots           s;
  PetscInt            x, y, m, n, ex, ey;
  PetscReal           loc[3] = {0, 0, 0}, glob[3];

  PetscFunctionBegin;
  PetscCall(NbNSGetArrayRead(dm, U, &Ul, &a, &s));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++) {
      if (j < y + n) loc[0] = PetscMax(loc[0], PetscAbsScalar(a[j][i][s.su]));
      if (i < x + m) loc[1] = PetscMax(loc[1], PetscAbsScalar(a[j][i][s.sv]));
      /* NaN does not compare: count it */
      if ((j < y + n && PetscIsInfOrNanScalar(a[j][i][s.su])) || (i < x + m && PetscIsInfOrNanScalar(a[j][i][s.sv]))) loc[2] = 1;
    }
  PetscCall(NbNSRestoreArrayRead(dm, &Ul, &a));
  PetscCall(MPIU_Allreduce(loc, glob, 3, MPIU_REAL, MPIU_MAX, ns->comm));
  if (glob[2] > 0) {
    *umax = PETSC_INFINITY;
    if (cfl) *cfl = PETSC_INFINITY;
  } else {
    *umax = PetscMax(glob[0], glob[1]);
    if (cfl) *cfl = ns->dt * (glob[0] / ns->hx + glob[1] / ns->hy);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
