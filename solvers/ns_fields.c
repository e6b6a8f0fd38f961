/* Fields derived from a MAC state: the discrete divergence, cell-centre
   velocity, pressure and vorticity for output, and point values by bilinear
   interpolation (the Ghia comparison, neural methods' collocation points). */
#include "ns_impl.h"

PetscErrorCode NbNavierStokesComputeDivergence(NbNavierStokes ns, Vec U, Vec div, PetscReal *maxabs)
{
  DM                  dm;
  Vec                 Ul;
  const PetscScalar ***a;
  PetscScalar       **d = NULL;
  NbNSSlots           s;
  PetscInt            x, y, m, n;
  PetscReal           loc = 0;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNSGetArrayRead(dm, U, &Ul, &a, &s));
  if (div) PetscCall(DMDAVecGetArray(ns->dac1, div, &d));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, NULL, NULL, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar v = (a[j][i + 1][s.su] - a[j][i][s.su]) / ns->hx + (a[j + 1][i][s.sv] - a[j][i][s.sv]) / ns->hy;
      if (d) d[j][i] = v;
      loc = PetscMax(loc, PetscAbsScalar(v));
    }
  if (div) PetscCall(DMDAVecRestoreArray(ns->dac1, div, &d));
  PetscCall(NbNSRestoreArrayRead(dm, &Ul, &a));
  if (maxabs) PetscCall(MPIU_Allreduce(&loc, maxabs, 1, MPIU_REAL, MPIU_MAX, ns->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u at x-face (i, j) and v at y-face (i, j) with wall ghosts: rows j = -1 or
   N of u and columns i = -1 or M of v are mirror values 2 g - inner. */
static PetscErrorCode GhostU(NbNavierStokes ns, const PetscScalar ***a, const NbNSSlots *s, PetscInt i, PetscInt j, PetscScalar *u)
{
  PetscReal g = 0;

  PetscFunctionBegin;
  if (!ns->c.periodic && (j < 0 || j >= ns->N)) {
    PetscInt jin = j < 0 ? 0 : ns->N - 1;
    PetscCall(NbNSWallTangent(ns, 0, 0, i, j < 0 ? 0 : ns->N, &g));
    *u = 2 * g - a[jin][i][s->su];
  } else *u = a[j][i][s->su];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GhostV(NbNavierStokes ns, const PetscScalar ***a, const NbNSSlots *s, PetscInt i, PetscInt j, PetscScalar *v)
{
  PetscReal g = 0;

  PetscFunctionBegin;
  if (!ns->c.periodic && (i < 0 || i >= ns->M)) {
    PetscInt iin = i < 0 ? 0 : ns->M - 1;
    PetscCall(NbNSWallTangent(ns, 0, 1, i < 0 ? 0 : ns->M, j, &g));
    *v = 2 * g - a[j][iin][s->sv];
  } else *v = a[j][i][s->sv];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesComputeCellFields(NbNavierStokes ns, Vec U, Vec vel, Vec uc, Vec vc, Vec pc, Vec omega)
{
  DM                  dm;
  Vec                 Ul;
  const PetscScalar ***a;
  PetscScalar      ***w = NULL, **pu = NULL, **pv = NULL, **pp = NULL, **po = NULL;
  NbNSSlots           s;
  PetscInt            x, y, m, n;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNSGetArrayRead(dm, U, &Ul, &a, &s));
  if (vel) PetscCall(DMDAVecGetArrayDOF(ns->dac2, vel, &w));
  if (uc) PetscCall(DMDAVecGetArray(ns->dac1, uc, &pu));
  if (vc) PetscCall(DMDAVecGetArray(ns->dac1, vc, &pv));
  if (pc) PetscCall(DMDAVecGetArray(ns->dac1, pc, &pp));
  if (omega) PetscCall(DMDAVecGetArray(ns->dac1, omega, &po));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, NULL, NULL, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscScalar u = 0.5 * (a[j][i][s.su] + a[j][i + 1][s.su]), v = 0.5 * (a[j][i][s.sv] + a[j + 1][i][s.sv]);
      if (w) {
        w[j][i][0] = u;
        w[j][i][1] = v;
      }
      if (pu) pu[j][i] = u;
      if (pv) pv[j][i] = v;
      if (pp) pp[j][i] = a[j][i][s.sp];
      if (po) {
        /* vertex vorticity v_x - u_y at the four corners, averaged */
        PetscScalar om = 0;
        for (PetscInt dj = 0; dj < 2; dj++)
          for (PetscInt di = 0; di < 2; di++) {
            PetscInt    ii = i + di, jj = j + dj;
            PetscScalar vr, vl, ut, ub;
            PetscCall(GhostV(ns, a, &s, ii, jj, &vr));
            PetscCall(GhostV(ns, a, &s, ii - 1, jj, &vl));
            PetscCall(GhostU(ns, a, &s, ii, jj, &ut));
            PetscCall(GhostU(ns, a, &s, ii, jj - 1, &ub));
            om += 0.25 * ((vr - vl) / ns->hx - (ut - ub) / ns->hy);
          }
        po[j][i] = om;
      }
    }
  if (vel) PetscCall(DMDAVecRestoreArrayDOF(ns->dac2, vel, &w));
  if (uc) PetscCall(DMDAVecRestoreArray(ns->dac1, uc, &pu));
  if (vc) PetscCall(DMDAVecRestoreArray(ns->dac1, vc, &pv));
  if (pc) PetscCall(DMDAVecRestoreArray(ns->dac1, pc, &pp));
  if (omega) PetscCall(DMDAVecRestoreArray(ns->dac1, omega, &po));
  PetscCall(NbNSRestoreArrayRead(dm, &Ul, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Bilinear interpolation of one staggered component. Component grid: u
   nodes at (x_i, y_{j+1/2}), v nodes at (x_{i+1/2}, y_j). The rank that owns
   the cell containing the point evaluates it (its ghost layer covers the
   4 nodes); the others add zero. */
PetscErrorCode NbNavierStokesInterpolateVelocity(NbNavierStokes ns, Vec U, PetscInt npts, const PetscReal xy[], PetscReal uv[])
{
  DM                  dm;
  Vec                 Ul;
  const PetscScalar ***a;
  NbNSSlots           s;
  PetscInt            x, y, m, n;
  PetscReal          *loc;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(PetscCalloc1(2 * npts, &loc));
  PetscCall(NbNSGetArrayRead(dm, U, &Ul, &a, &s));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, NULL, NULL, NULL));
  for (PetscInt k = 0; k < npts; k++) {
    PetscReal sx = (xy[2 * k] - ns->c.lower[0]) / ns->hx, sy = (xy[2 * k + 1] - ns->c.lower[1]) / ns->hy;
    PetscInt  ci, cj;
    PetscCheck(sx >= -1e-12 && sx <= ns->M + 1e-12 && sy >= -1e-12 && sy <= ns->N + 1e-12, ns->comm, PETSC_ERR_ARG_OUTOFRANGE, "Point (%g, %g) is outside the domain", (double)xy[2 * k], (double)xy[2 * k + 1]);
    ci = PetscMin(PetscMax((PetscInt)PetscFloorReal(sx), 0), ns->M - 1);
    cj = PetscMin(PetscMax((PetscInt)PetscFloorReal(sy), 0), ns->N - 1);
    if (ci < x || ci >= x + m || cj < y || cj >= y + n) continue;
    for (PetscInt comp = 0; comp < 2; comp++) {
      /* position in the component's node lattice */
      PetscReal   px = comp == 0 ? sx : sx - 0.5, py = comp == 0 ? sy - 0.5 : sy;
      PetscInt    i0 = (PetscInt)PetscFloorReal(px), j0 = (PetscInt)PetscFloorReal(py);
      PetscReal   ax, ay;
      PetscScalar q[2][2];
      /* stay within the ghost layer of the owning cell */
      i0 = PetscMin(PetscMax(i0, ci - 1), ci);
      j0 = PetscMin(PetscMax(j0, cj - 1), cj);
      ax = px - i0;
      ay = py - j0;
      for (PetscInt dj = 0; dj < 2; dj++)
        for (PetscInt di = 0; di < 2; di++) {
          if (comp == 0) PetscCall(GhostU(ns, a, &s, i0 + di, j0 + dj, &q[dj][di]));
          else PetscCall(GhostV(ns, a, &s, i0 + di, j0 + dj, &q[dj][di]));
        }
      /* the ghost value is a mirror image: interpolating with it hits g on the wall */
      loc[2 * k + comp] = (1 - ay) * ((1 - ax) * q[0][0] + ax * q[0][1]) + ay * ((1 - ax) * q[1][0] + ax * q[1][1]);
    }
  }
  PetscCall(NbNSRestoreArrayRead(dm, &Ul, &a));
  PetscCall(MPIU_Allreduce(loc, uv, 2 * npts, MPIU_REAL, MPIU_SUM, ns->comm));
  PetscCall(PetscFree(loc));
  PetscFunctionReturn(PETSC_SUCCESS);
}
