/* Reference data for the lid-driven cavity: U. Ghia, K. N. Ghia and C. T.
   Shin, "High-Re solutions for incompressible flow using the Navier-Stokes
   equations and a multigrid method", J. Comput. Phys. 48 (1982) 387-411,
   doi:10.1016/0021-9991(82)90058-4. Their 129 x 129 (Re <= 3200) vorticity /
   stream-function solutions; typed in from the paper:
     Table I:  u along the vertical line through the cavity centre, x = 0.5;
     Table II: v along the horizontal line through the centre, y = 0.5;
   columns Re = 100 and Re = 1000. Lid speed 1, unit square. */
#include "ns_impl.h"

#define NB_GHIA_N 17

static const PetscReal GhiaY[NB_GHIA_N] = {1.0000, 0.9766, 0.9688, 0.9609, 0.9531, 0.8516, 0.7344, 0.6172, 0.5000, 0.4531, 0.2813, 0.1719, 0.1016, 0.0703, 0.0625, 0.0547, 0.0000};
static const PetscReal GhiaU100[NB_GHIA_N] = {1.00000, 0.84123, 0.78871, 0.73722, 0.68717, 0.23151, 0.00332, -0.13641, -0.20581, -0.21090, -0.15662, -0.10150, -0.06434, -0.04775, -0.04192, -0.03717, 0.00000};
static const PetscReal GhiaU1000[NB_GHIA_N] = {1.00000, 0.65928, 0.57492, 0.51117, 0.46604, 0.33304, 0.18719, 0.05702, -0.06080, -0.10648, -0.27805, -0.38289, -0.29730, -0.22220, -0.20196, -0.18109, 0.00000};

static const PetscReal GhiaX[NB_GHIA_N] = {1.0000, 0.9688, 0.9609, 0.9531, 0.9453, 0.9063, 0.8594, 0.8047, 0.5000, 0.2344, 0.2266, 0.1563, 0.0938, 0.0781, 0.0703, 0.0625, 0.0000};
static const PetscReal GhiaV100[NB_GHIA_N] = {0.00000, -0.05906, -0.07391, -0.08864, -0.10313, -0.16914, -0.22445, -0.24533, 0.05454, 0.17527, 0.17507, 0.16077, 0.12317, 0.10890, 0.10091, 0.09233, 0.00000};
static const PetscReal GhiaV1000[NB_GHIA_N] = {0.00000, -0.21388, -0.27669, -0.33714, -0.39188, -0.51550, -0.42665, -0.31966, 0.02526, 0.32235, 0.33075, 0.37095, 0.32627, 0.30353, 0.29012, 0.27485, 0.00000};

PetscErrorCode NbNSGhiaTable(PetscReal re, PetscBool *found, const PetscReal **y, const PetscReal **u, const PetscReal **x, const PetscReal **v, PetscInt *n)
{
  PetscFunctionBegin;
  *found = PETSC_TRUE;
  *y     = GhiaY;
  *x     = GhiaX;
  *n     = NB_GHIA_N;
  if (PetscAbsReal(re - 100) < 1e-8) {
    *u = GhiaU100;
    *v = GhiaV100;
  } else if (PetscAbsReal(re - 1000) < 1e-8) {
    *u = GhiaU1000;
    *v = GhiaV1000;
  } else {
    *found = PETSC_FALSE;
    *u = *v = NULL;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesGhiaDeviation(NbNavierStokes ns, Vec U, PetscBool *found, PetscReal *du, PetscReal *dv)
{
  const PetscReal *y, *u, *x, *v;
  PetscInt         n;
  PetscReal        pts[2 * NB_GHIA_N], uv[2 * NB_GHIA_N];
  PetscBool        cavity;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(ns->casename, "cavity", &cavity));
  *found = PETSC_FALSE;
  *du = *dv = -1;
  if (!cavity) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbNSGhiaTable(ns->re, found, &y, &u, &x, &v, &n));
  if (!*found) PetscFunctionReturn(PETSC_SUCCESS);
  *du = *dv = 0;
  for (PetscInt k = 0; k < n; k++) {
    pts[2 * k]     = 0.5;
    pts[2 * k + 1] = y[k];
  }
  PetscCall(NbNavierStokesInterpolateVelocity(ns, U, n, pts, uv));
  for (PetscInt k = 0; k < n; k++) *du = PetscMax(*du, PetscAbsReal(uv[2 * k] - u[k]));
  for (PetscInt k = 0; k < n; k++) {
    pts[2 * k]     = x[k];
    pts[2 * k + 1] = 0.5;
  }
  PetscCall(NbNavierStokesInterpolateVelocity(ns, U, n, pts, uv));
  for (PetscInt k = 0; k < n; k++) *dv = PetscMax(*dv, PetscAbsReal(uv[2 * k + 1] - v[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}
