/* Navier-Stokes pointwise on jets, for physics-informed methods: the
   velocity-pressure formulation, the cavity's hard constraint with the
   Stokes corner flows, the data on the box, the conservative flux (cPINN),
   and what each case can and cannot do.

   Residuals (Raissi, Perdikaris & Karniadakis 2019, J. Comput. Phys.
   378:686, sec. 4.1.1 and 4.2, in primitive variables as in Jin, Cai, Li &
   Karniadakis 2021, NSFnets, J. Comput. Phys. 426:109951, eq. 2-3):
     r_u = [u_t] + lambda1 (u u_x + v u_y) + p_x - nu (u_xx + u_yy)
     r_v = [v_t] + lambda1 (u v_x + v v_y) + p_y - nu (v_xx + v_yy)
     r_c = u_x + v_y
   with outputs (u, v, p), coefficients nu (positive) and lambda1 (1 in
   forward runs, identified with nu in inverse runs). */
#include "ns_pde.h"

typedef enum {
  NS_PDE_KOVASZNAY,
  NS_PDE_CAVITY,
  NS_PDE_TAYLORGREEN
} NSPDECase;
static const char *const ns_pde_cases[] = {"kovasznay", "cavity", "taylorgreen"};

/* The case's index, or an error naming the cases with a PDE and the
   settings the residual cannot represent. */
static PetscErrorCode GetCase(NbNavierStokes ns, NSPDECase *c)
{
  const char *name;
  PetscBool   match = PETSC_FALSE, steady;
  MPI_Comm    comm;
  PetscReal   drag;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetComm(ns, &comm));
  PetscCall(NbNavierStokesGetCase(ns, &name));
  for (PetscInt k = 0; k < 3 && !match; k++) {
    PetscCall(PetscStrcmp(name, ns_pde_cases[k], &match));
    if (match) *c = (NSPDECase)k;
  }
  PetscCheck(match, comm, PETSC_ERR_USER_INPUT, "-ns_case %s has no PINN: -method pinn supports -ns_case kovasznay, cavity or taylorgreen", name);
  PetscCall(NbNavierStokesIsSteady(ns, &steady));
  PetscCheck(steady == (PetscBool)(*c != NS_PDE_TAYLORGREEN), comm, PETSC_ERR_USER_INPUT, "-method pinn solves the %s case %s: drop -ns_steady", name, *c == NS_PDE_TAYLORGREEN ? "in space-time" : "steady");
  PetscCall(NbNavierStokesGetDrag(ns, &drag));
  PetscCheck(drag == 0, comm, PETSC_ERR_USER_INPUT, "-ns_drag %g: the PINN residual has no drag term; use -ns_drag 0 with -method pinn", (double)drag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The momentum and continuity residuals above, from the output jet U =
   (u, v, p) with components "", x, y, xx, yy (and t). */
static PetscErrorCode NSResidual(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  NbNavierStokes ns  = (NbNavierStokes)ctx;
  NbTensor       nu  = coef[0], lam = coef[1], val, dx, dy, dxx, dyy, dt = NULL, w[3];
  PetscBool      steady;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesIsSteady(ns, &steady));
  PetscCall(NbTensorJetComponent(U, "", &val));
  PetscCall(NbTensorJetComponent(U, "x", &dx));
  PetscCall(NbTensorJetComponent(U, "y", &dy));
  PetscCall(NbTensorJetComponent(U, "xx", &dxx));
  PetscCall(NbTensorJetComponent(U, "yy", &dyy));
  if (!steady) PetscCall(NbTensorJetComponent(U, "t", &dt));
  for (PetscInt c = 0; c < 3; c++) PetscCall(NbTensorSlice(val, c, c + 1, &w[c]));
  for (PetscInt c = 0; c < 2; c++) {
    NbTensor wx, wy, a1, a2, adv, lap, gradp, r;
    PetscCall(NbTensorSlice(dx, c, c + 1, &wx));
    PetscCall(NbTensorSlice(dy, c, c + 1, &wy));
    PetscCall(NbTensorMul(w[0], wx, &a1));
    PetscCall(NbTensorMul(w[1], wy, &a2));
    PetscCall(NbTensorAdd(a1, a2, &adv));
    PetscCall(NbTensorMul(adv, lam, &adv));
    PetscCall(NbTensorSlice(dxx, c, c + 1, &a1));
    PetscCall(NbTensorSlice(dyy, c, c + 1, &a2));
    PetscCall(NbTensorAdd(a1, a2, &lap));
    PetscCall(NbTensorMul(lap, nu, &lap));
    PetscCall(NbTensorSlice(c == 0 ? dx : dy, 2, 3, &gradp));
    PetscCall(NbTensorAdd(adv, gradp, &r));
    PetscCall(NbTensorSub(r, lap, &r));
    if (dt) {
      PetscCall(NbTensorSlice(dt, c, c + 1, &a1));
      PetscCall(NbTensorAdd(r, a1, &r));
    }
    res[c] = r;
  }
  {
    NbTensor ux, vy;
    PetscCall(NbTensorSlice(dx, 0, 1, &ux));
    PetscCall(NbTensorSlice(dy, 1, 2, &vy));
    PetscCall(NbTensorAdd(ux, vy, &res[2]));
  }
  *nres = 3;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* atan(t) for |t| <= 1: two half-angle reductions atan(t) = 2 atan(t/(1 +
   sqrt(1 + t^2))) bring |t| below tan(pi/16) = 0.199, where the Taylor
   series to t^17 is exact to 3e-15. Graph ops only, so jets pass. */
static PetscErrorCode TensorAtan(NbTensor t, NbTensor *a)
{
  NbTensor u = t, q, t2, sum;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < 2; k++) {
    PetscCall(NbTensorSquare(u, &q));
    PetscCall(NbTensorAXPB(q, 1, 1, &q));
    PetscCall(NbTensorSqrt(q, &q));
    PetscCall(NbTensorAXPB(q, 1, 1, &q));
    PetscCall(NbTensorDiv(u, q, &u));
  }
  PetscCall(NbTensorSquare(u, &t2));
  /* Horner in t^2: u (1 - t2/3 + t2^2/5 - ... + t2^8/17) */
  PetscCall(NbTensorAXPB(t2, 1.0 / 17, -1.0 / 15, &sum));
  for (PetscInt n = 6; n >= 0; n--) {
    PetscCall(NbTensorMul(sum, t2, &sum));
    PetscCall(NbTensorAXPB(sum, 1, (n % 2 ? -1.0 : 1.0) / (2 * n + 1), &sum));
  }
  PetscCall(NbTensorMul(sum, u, &sum));
  PetscCall(NbTensorScale(sum, 4, a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Stokes flow in the corner between the lid, moving with speed 1, and a
   wall at rest (Taylor 1960's scraper; Moffatt 1964, J. Fluid Mech. 18:1):
   psi = r f(theta), f = A sin + C theta sin + D theta cos, theta from the
   lid (0) to the wall (pi/2), with f(0) = 0, f'(0) = 1, f(pi/2) =
   f'(pi/2) = 0: D = 1/(1 - pi^2/4), C = D pi/2, A = -D pi^2/4. In the
   corner's frame (xi along the lid into the cavity, eta = distance below
   the lid) u_xi = A + C theta + C s c + D c^2, u_eta = C s^2 + D s c -
   D theta (s = sin theta, c = cos theta), p = 2 nu (C s + D c)/r: it solves
   nu Lap u = grad p, div u = 0 exactly, with u = 1 on the lid and 0 on the
   wall. Global components: u = u_xi, v = sv u_eta, p = sp p (the left
   corner sv = -1, sp = 1; the right one, where the lid moves towards it,
   sv = 1, sp = -1). */
static PetscErrorCode CornerFlow(NbTensor xi, NbTensor eta, PetscReal sv, PetscReal sp, PetscReal nu, NbTensor *u, NbTensor *v, NbTensor *p)
{
  const PetscReal D = 1 / (1 - PETSC_PI * PETSC_PI / 4), C = D * PETSC_PI / 2, A = -D * PETSC_PI * PETSC_PI / 4, eps = 1e-30;
  NbTensor        t, th, r, s, c, sc, a, b;

  PetscFunctionBegin;
  /* theta = pi/4 + atan((eta - xi)/(eta + xi)); eps keeps the corner point finite */
  PetscCall(NbTensorSub(eta, xi, &a));
  PetscCall(NbTensorAdd(eta, xi, &b));
  PetscCall(NbTensorAXPB(b, 1, eps, &b));
  PetscCall(NbTensorDiv(a, b, &t));
  PetscCall(TensorAtan(t, &th));
  PetscCall(NbTensorAXPB(th, 1, PETSC_PI / 4, &th));
  PetscCall(NbTensorSquare(xi, &a));
  PetscCall(NbTensorSquare(eta, &b));
  PetscCall(NbTensorAdd(a, b, &r));
  PetscCall(NbTensorAXPB(r, 1, eps * eps, &r));
  PetscCall(NbTensorSqrt(r, &r));
  PetscCall(NbTensorDiv(eta, r, &s));
  PetscCall(NbTensorDiv(xi, r, &c));
  PetscCall(NbTensorMul(s, c, &sc));
  /* u_xi = A + C theta + C s c + D c^2 */
  PetscCall(NbTensorAXPB(th, C, A, u));
  PetscCall(NbTensorAXPY(*u, C, sc, u));
  PetscCall(NbTensorSquare(c, &a));
  PetscCall(NbTensorAXPY(*u, D, a, u));
  /* u_eta = C s^2 + D s c - D theta */
  PetscCall(NbTensorSquare(s, &a));
  PetscCall(NbTensorScale(a, C, &a));
  PetscCall(NbTensorAXPY(a, D, sc, &a));
  PetscCall(NbTensorAXPY(a, -D, th, &a));
  PetscCall(NbTensorScale(a, sv, v));
  /* p = 2 nu (C s + D c)/r */
  PetscCall(NbTensorScale(s, C, &a));
  PetscCall(NbTensorAXPY(a, D, c, &a));
  PetscCall(NbTensorDiv(a, r, &a));
  PetscCall(NbTensorScale(a, 2 * nu * sp, p));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cavity, hard, with the corner flows built in: with W = X^4/(X^4 + (1 -
   X)^4) (exactly 0 at X = 0 and 1 at X = 1, flat at both) and G = 1 - (1 -
   Y)^3 (1 on the lid with two zero derivatives, 0 at the bottom),
     u = G ((1 - W) u_L + W u_R) + B N_u,  v = G ((1 - W) v_L + W v_R) + B N_v,
     p = G ((1 - W) p_L + W p_R) + N_p,
   (u_L, v_L, p_L), (u_R, v_R, p_R) the two corner flows (CornerFlow). Both
   are 1 on the lid and 0 on their wall; W kills the far one on the other
   wall and G everything at the bottom: the sharp lid and no-slip walls
   hold exactly, and near each top corner the Stokes singularity (velocity
   discontinuous at the corner, pressure ~ 1/r) is in the lift, so the
   network's part stays smooth. */
static PetscErrorCode CavityHard(void *ctx, NbTensor Xin, NbTensor N, NbTensor *U)
{
  NbNavierStokes ns = (NbNavierStokes)ctx;
  PetscReal      lo[2], hi[2], nu;
  NbTensor       x, y, X, Y, W, Wm, G, B, bx, by, xiL, xiR, eta, uL, vL, pL, uR, vR, pR, a, b, out[3], Nc;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(NbNavierStokesGetViscosity(ns, &nu));
  PetscCall(NbTensorSlice(Xin, 0, 1, &x));
  PetscCall(NbTensorSlice(Xin, 1, 2, &y));
  PetscCall(NbTensorAXPB(x, 1 / (hi[0] - lo[0]), -lo[0] / (hi[0] - lo[0]), &X));
  PetscCall(NbTensorAXPB(y, 1 / (hi[1] - lo[1]), -lo[1] / (hi[1] - lo[1]), &Y));
  PetscCall(NbTensorAXPB(x, 1, -lo[0], &xiL));
  PetscCall(NbTensorAXPB(x, -1, hi[0], &xiR));
  PetscCall(NbTensorAXPB(y, -1, hi[1], &eta));
  PetscCall(CornerFlow(xiL, eta, -1, 1, nu, &uL, &vL, &pL));
  PetscCall(CornerFlow(xiR, eta, 1, -1, nu, &uR, &vR, &pR));
  /* W and 1 - W */
  PetscCall(NbTensorSquare(X, &a));
  PetscCall(NbTensorSquare(a, &a));
  PetscCall(NbTensorAXPB(X, -1, 1, &b));
  PetscCall(NbTensorSquare(b, &b));
  PetscCall(NbTensorSquare(b, &b));
  PetscCall(NbTensorAdd(a, b, &W));
  PetscCall(NbTensorDiv(b, W, &Wm));
  PetscCall(NbTensorDiv(a, W, &W));
  /* G = 1 - (1 - Y)^3 */
  PetscCall(NbTensorAXPB(Y, -1, 1, &a));
  PetscCall(NbTensorSquare(a, &b));
  PetscCall(NbTensorMul(a, b, &G));
  PetscCall(NbTensorAXPB(G, -1, 1, &G));
  /* B = 16 X(1 - X) Y(1 - Y) */
  PetscCall(NbTensorAXPB(X, -1, 1, &bx));
  PetscCall(NbTensorMul(X, bx, &bx));
  PetscCall(NbTensorAXPB(Y, -1, 1, &by));
  PetscCall(NbTensorMul(Y, by, &by));
  PetscCall(NbTensorMul(bx, by, &B));
  PetscCall(NbTensorScale(B, 16, &B));
  {
    NbTensor L[3][2] = {{uL, uR}, {vL, vR}, {pL, pR}};
    for (PetscInt k = 0; k < 3; k++) {
      PetscCall(NbTensorMul(Wm, L[k][0], &a));
      PetscCall(NbTensorMul(W, L[k][1], &b));
      PetscCall(NbTensorAdd(a, b, &a));
      PetscCall(NbTensorMul(G, a, &a));
      PetscCall(NbTensorSlice(N, k, k + 1, &Nc));
      if (k < 2) PetscCall(NbTensorMul(B, Nc, &Nc));
      PetscCall(NbTensorAdd(a, Nc, &out[k]));
    }
  }
  PetscCall(NbTensorConcat(3, out, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Initial and boundary data: the exact solution (u, v, p), pressure
   included, because NbPINN's soft conditions constrain every output. */
static PetscErrorCode NSExactData(void *ctx, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  PetscFunctionBegin;
  PetscCall(NbNavierStokesExactPoint((NbNavierStokes)ctx, t, x, uvp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NSInitial(void *ctx, const PetscReal x[], PetscReal uvp[])
{
  PetscFunctionBegin;
  PetscCall(NSExactData(ctx, 0, x, uvp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The cavity has no pressure data on its walls: soft conditions (which
   would need them) are refused by Check; this guards other callers. */
static PetscErrorCode CavityBoundary(void *ctx, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  PetscFunctionBegin;
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-pinn_bc soft is not available for the cavity (no pressure data on the walls, and NbPINN's soft conditions constrain every output): use -pinn_bc hard");
}

/* The momentum and continuity equations in conservation form (with
   div u = 0, (u.grad) u = div(u u)): the flux across a face normal to x is
   (lambda1 u^2 + p - nu u_x, lambda1 u v - nu v_x, u), normal to y
   (lambda1 u v - nu u_y, lambda1 v^2 + p - nu v_y, v): normal stress and
   mass flux, one column per residual (cPINN's interface condition). */
static PetscErrorCode NSFlux(void *ctx, NbTensor U, const NbTensor coef[], PetscInt axis, NbTensor *F)
{
  NbTensor val, d, w[3], g[3], col[3], a;

  PetscFunctionBegin;
  PetscCheck(axis == 0 || axis == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Navier-Stokes has two space axes");
  PetscCall(NbTensorJetComponent(U, "", &val));
  PetscCall(NbTensorJetComponent(U, axis == 0 ? "x" : "y", &d));
  for (PetscInt c = 0; c < 3; c++) {
    PetscCall(NbTensorSlice(val, c, c + 1, &w[c]));
    PetscCall(NbTensorSlice(d, c, c + 1, &g[c]));
  }
  for (PetscInt c = 0; c < 2; c++) {
    PetscCall(NbTensorMul(w[axis], w[c], &a));
    PetscCall(NbTensorMul(a, coef[1], &a));
    if (c == axis) PetscCall(NbTensorAdd(a, w[2], &a));
    PetscCall(NbTensorMul(g[c], coef[0], &col[c]));
    PetscCall(NbTensorSub(a, col[c], &col[c]));
  }
  col[2] = w[axis];
  PetscCall(NbTensorConcat(3, col, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pinn_bc and -pinn_inverse: what each case can honour. */
static PetscErrorCode NSCheck(void *ctx, PetscBool hard, PetscBool inverse)
{
  NbNavierStokes ns = (NbNavierStokes)ctx;
  NSPDECase      c;
  MPI_Comm       comm;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetComm(ns, &comm));
  PetscCall(GetCase(ns, &c));
  PetscCheck(hard || c != NS_PDE_CAVITY, comm, PETSC_ERR_USER_INPUT, "-pinn_bc soft is not available for the cavity: its walls give no pressure data and NbPINN's soft conditions constrain every output; use -pinn_bc hard (the default)");
  PetscCheck(!hard || c == NS_PDE_CAVITY, comm, PETSC_ERR_USER_INPUT, "-pinn_bc hard is available for the cavity only (no hard constraint for -ns_case %s): use -pinn_bc soft", ns_pde_cases[c]);
  PetscCheck(!inverse || c != NS_PDE_CAVITY, comm, PETSC_ERR_USER_INPUT, "-pinn_inverse is not available for the cavity: its hard constraint carries the corner pressure 2 nu (C sin + D cos)/r with the case's nu, which would give nu away; identify nu with -ns_case kovasznay or taylorgreen");
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesPDE(NbNavierStokes ns, NbPDE *pde)
{
  NSPDECase c;
  PetscReal lo[2], hi[2], nu, T;

  PetscFunctionBegin;
  PetscCall(GetCase(ns, &c));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(NbNavierStokesGetViscosity(ns, &nu));
  PetscCall(NbNavierStokesGetFinalTime(ns, &T));
  PetscCall(PetscMemzero(pde, sizeof(*pde)));
  pde->name   = c == NS_PDE_KOVASZNAY ? "Navier-Stokes (Kovasznay)" : c == NS_PDE_CAVITY ? "Navier-Stokes (cavity)" : "Navier-Stokes (Taylor-Green)";
  pde->dim    = 2;
  pde->steady = (PetscBool)(c != NS_PDE_TAYLORGREEN);
  pde->nout   = 3;
  for (PetscInt d = 0; d < 2; d++) {
    pde->lo[d] = lo[d];
    pde->hi[d] = hi[d];
  }
  if (!pde->steady) {
    pde->lo[2] = 0;
    pde->hi[2] = T;
  }
  pde->coords          = pde->steady ? "x,y" : "x,y,t";
  pde->derivs          = pde->steady ? "x,y,xx,yy" : "x,y,t,xx,yy";
  pde->outnames[0]     = "u";
  pde->outnames[1]     = "v";
  pde->outnames[2]     = "p";
  pde->ncoef           = 2;
  pde->coefname[0]     = "nu";
  pde->coef[0]         = nu;
  pde->coefpositive[0] = PETSC_TRUE;
  pde->coefname[1]     = "lambda1";
  pde->coef[1]         = 1;
  pde->residual        = NSResidual;
  pde->hard            = c == NS_PDE_CAVITY ? CavityHard : NULL;
  pde->defaulthard     = (PetscBool)(c == NS_PDE_CAVITY);
  pde->bcwhy           = c == NS_PDE_CAVITY ? "hard for the cavity (its only choice: the walls give no pressure data for soft conditions; the lift carries the lid and the corner flows)" : NULL;
  pde->initial         = pde->steady ? NULL : NSInitial;
  pde->boundary        = c == NS_PDE_CAVITY ? CavityBoundary : NSExactData;
  pde->flux            = NSFlux;
  pde->check           = NSCheck;
  pde->ctx             = ns;
  PetscFunctionReturn(PETSC_SUCCESS);
}
