/* Navier-Stokes for PINNs: the velocity-pressure formulation written once
   on jets as an NbPINNProblem, the cavity's hard constraint, observations
   for inverse runs, and the run behind nabla-navierstokes -method pinn that
   trains a PINN on exactly the problem the PETSc reference solves (same
   case, Re, domain, data) and compares the two at the reference's cell
   centres, frame by frame.

   Residuals (Raissi, Perdikaris & Karniadakis 2019, J. Comput. Phys.
   378:686, sec. 4.1.1 and 4.2, in primitive variables as in Jin, Cai, Li &
   Karniadakis 2021, NSFnets, J. Comput. Phys. 426:109951, eq. 2-3):
     r_u = [u_t] + lambda1 (u u_x + v u_y) + p_x - nu (u_xx + u_yy)
     r_v = [v_t] + lambda1 (u v_x + v v_y) + p_y - nu (v_xx + v_yy)
     r_c = u_x + v_y
   with outputs (u, v, p), coefficients nu (positive) and lambda1 (1 in
   forward runs, identified with nu in inverse runs). */
#include "nbpinn.h"
#include "nbsolvers.h"

typedef enum {
  NS_PINN_KOVASZNAY,
  NS_PINN_CAVITY,
  NS_PINN_TAYLORGREEN
} NSPINNCase;
static const char *const ns_pinn_cases[] = {"kovasznay", "cavity", "taylorgreen"};

static PetscErrorCode NSPINNGetCase(NbNavierStokes ns, NSPINNCase *c)
{
  const char *name;
  PetscBool   match, steady;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetCase(ns, &name));
  for (PetscInt k = 0; k < 3; k++) {
    PetscCall(PetscStrcmp(name, ns_pinn_cases[k], &match));
    if (match) {
      *c = (NSPINNCase)k;
      break;
    }
  }
  PetscCheck(match, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-ns_case %s has no PINN: -method pinn supports -ns_case kovasznay, cavity or taylorgreen", name);
  PetscCall(NbNavierStokesIsSteady(ns, &steady));
  PetscCheck(steady == (PetscBool)(*c != NS_PINN_TAYLORGREEN), PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-method pinn solves the %s case %s: drop -ns_steady", name, *c == NS_PINN_TAYLORGREEN ? "in space-time" : "steady");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The momentum and continuity residuals above, from the output jet U =
   (u, v, p) with components "", x, y, xx, yy (and t). */
static PetscErrorCode NSResidual(void *ctx, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
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
   would need them) are refused before set-up (NbNavierStokesRunPINN); this
   guards other callers. */
static PetscErrorCode CavityBoundary(void *ctx, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  PetscFunctionBegin;
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-pinn_bc soft is not available for the cavity (no pressure data on the walls, and NbPINN's soft conditions constrain every output): use -pinn_bc hard");
}

PetscErrorCode NbNavierStokesPINNProblem(NbNavierStokes ns, NbPINNProblem *prob)
{
  NSPINNCase c;
  PetscReal  lo[2], hi[2], nu, T;

  PetscFunctionBegin;
  PetscCall(NSPINNGetCase(ns, &c));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(NbNavierStokesGetViscosity(ns, &nu));
  PetscCall(NbNavierStokesGetFinalTime(ns, &T));
  PetscCall(PetscMemzero(prob, sizeof(*prob)));
  prob->name   = c == NS_PINN_KOVASZNAY ? "Navier-Stokes (Kovasznay)" : c == NS_PINN_CAVITY ? "Navier-Stokes (cavity)" : "Navier-Stokes (Taylor-Green)";
  prob->dim    = 2;
  prob->steady = (PetscBool)(c != NS_PINN_TAYLORGREEN);
  prob->nout   = 3;
  for (PetscInt d = 0; d < 2; d++) {
    prob->lo[d] = lo[d];
    prob->hi[d] = hi[d];
  }
  if (!prob->steady) {
    prob->lo[2] = 0;
    prob->hi[2] = T;
  }
  prob->coords          = prob->steady ? "x,y" : "x,y,t";
  prob->derivs          = prob->steady ? "x,y,xx,yy" : "x,y,t,xx,yy";
  prob->outnames[0]     = "u";
  prob->outnames[1]     = "v";
  prob->outnames[2]     = "p";
  prob->ncoef           = 2;
  prob->coefname[0]     = "nu";
  prob->coef[0]         = nu;
  prob->coefpositive[0] = PETSC_TRUE;
  prob->coefname[1]     = "lambda1";
  prob->coef[1]         = 1;
  prob->residual        = NSResidual;
  prob->hard            = c == NS_PINN_CAVITY ? CavityHard : NULL;
  prob->initial         = prob->steady ? NULL : NSInitial;
  prob->boundary        = c == NS_PINN_CAVITY ? CavityBoundary : NSExactData;
  prob->ctx             = ns;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pinn_bc: hard by default for the cavity (its only option), soft for the
   others (which have no hard constraint); set in the options database so
   that NbPINN and NbPINNUQ see the same choice. */
PetscErrorCode NbNavierStokesPINNCheckOptions(NbNavierStokes ns)
{
  NSPINNCase c;
  char       bc[16] = "";
  PetscBool  set, hard, inverse = PETSC_FALSE;
  PetscReal  drag = 0;

  PetscFunctionBegin;
  PetscCall(NSPINNGetCase(ns, &c));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-pinn_bc", bc, sizeof(bc), &set));
  if (!set && c == NS_PINN_CAVITY) PetscCall(PetscOptionsSetValue(NULL, "-pinn_bc", "hard"));
  PetscCall(PetscStrcmp(bc, "hard", &hard));
  PetscCheck(!set || hard || c != NS_PINN_CAVITY, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_bc %s is not available for the cavity: its walls give no pressure data and NbPINN's soft conditions constrain every output; use -pinn_bc hard (the default)", bc);
  PetscCheck(!hard || c == NS_PINN_CAVITY, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_bc hard is available for the cavity only (no hard constraint for -ns_case %s): use -pinn_bc soft", ns_pinn_cases[c]);
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-pinn_inverse", &inverse, NULL));
  PetscCheck(!inverse || c != NS_PINN_CAVITY, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse is not available for the cavity: its hard constraint carries the corner pressure 2 nu (C sin + D cos)/r with the case's nu, which would give nu away; identify nu with -ns_case kovasznay or taylorgreen");
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-ns_drag", &drag, NULL));
  PetscCheck(drag == 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-ns_drag %g: the PINN residual has no drag term; use -ns_drag 0 with -method pinn", (double)drag);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ observations */

/* Cell-centre (u, v, p) of frame f, the whole field on every rank in
   natural order (cell i + M j), three values per cell. */
static PetscErrorCode GatherCellFields(NbNavierStokes ns, Vec U, PetscReal **uvp)
{
  DM         dac1, dac2;
  Vec        f[3], nat, all;
  VecScatter sc;
  PetscInt   N;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetCellDM(ns, &dac1, &dac2));
  for (PetscInt c = 0; c < 3; c++) PetscCall(DMCreateGlobalVector(dac1, &f[c]));
  PetscCall(NbNavierStokesComputeCellFields(ns, U, NULL, f[0], f[1], f[2], NULL));
  PetscCall(VecGetSize(f[0], &N));
  PetscCall(PetscMalloc1(3 * (size_t)N, uvp));
  PetscCall(DMDACreateNaturalVector(dac1, &nat));
  for (PetscInt c = 0; c < 3; c++) {
    const PetscScalar *a;
    PetscCall(DMDAGlobalToNaturalBegin(dac1, f[c], INSERT_VALUES, nat));
    PetscCall(DMDAGlobalToNaturalEnd(dac1, f[c], INSERT_VALUES, nat));
    PetscCall(VecScatterCreateToAll(nat, &sc, &all));
    PetscCall(VecScatterBegin(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < N; i++) (*uvp)[3 * i + c] = PetscRealPart(a[i]);
    PetscCall(VecRestoreArrayRead(all, &a));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&all));
    PetscCall(VecDestroy(&f[c]));
  }
  PetscCall(VecDestroy(&nat));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesPINNObservations(NbNavierStokes ns, PetscInt64 N, PetscInt64 seed, PetscReal noise, PetscReal **xo, PetscReal **uo)
{
  PetscInt         nf, M, Nc, f0, nin;
  const PetscReal *tf;
  Vec             *U;
  DM               dac1, dac2;
  PetscReal        lo[2], hi[2], hx, hy, *r, rms[3] = {0, 0, 0};
  PetscBool        steady, exact;
  NbRNG            rng;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetFrames(ns, &nf, &tf, &U));
  PetscCall(NbNavierStokesIsSteady(ns, &steady));
  PetscCall(NbNavierStokesHasExact(ns, &exact));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(NbNavierStokesGetCellDM(ns, &dac1, &dac2));
  PetscCall(DMDAGetInfo(dac1, NULL, &M, &Nc, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(N >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_data_points %" PetscInt64_FMT " must be at least 1", N);
  /* time-dependent: the frames after t = 0 (t = 0 is the initial condition) */
  PetscCheck(steady || nf >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames after t = 0: use -ns_frames 11 or more (now %d)", (int)nf);
  f0  = steady ? 0 : 1;
  nin = steady ? 2 : 3;
  hx  = (hi[0] - lo[0]) / M;
  hy  = (hi[1] - lo[1]) / Nc;
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, seed));
  PetscCall(PetscMalloc2((size_t)N * nin, xo, (size_t)N * 3, uo));
  PetscCall(PetscMalloc1(2 * (size_t)N, &r));
  PetscCall(NbRNGUniform(rng, 21, 0, 2 * N, r));
  for (PetscInt f = f0; f < nf; f++) {
    PetscReal *uvp, pshift = 0;
    PetscCall(GatherCellFields(ns, U[f], &uvp));
    if (exact) {
      /* the reference's pressure has zero mean over the cells; the soft
         boundary data carry the exact solution's gauge: shift by the mean
         of the exact pressure at the cell centres (a constant, no flow
         information) */
      for (PetscInt j = 0; j < Nc; j++)
        for (PetscInt i = 0; i < M; i++) {
          PetscReal x[2] = {lo[0] + (i + 0.5) * hx, lo[1] + (j + 0.5) * hy}, e[3];
          PetscCall(NbNavierStokesExactPoint(ns, tf[f], x, e));
          pshift += e[2];
        }
      pshift /= (PetscReal)M * Nc;
    }
    for (PetscInt64 k = 0; k < N; k++) {
      PetscInt frame = steady ? 0 : PetscMin(1 + (PetscInt)(r[2 * k] * (nf - 1)), nf - 1);
      PetscInt cell  = PetscMin((PetscInt)(r[2 * k + 1] * M * Nc), M * Nc - 1);
      if (frame != f) continue;
      (*xo)[k * nin + 0] = lo[0] + (cell % M + 0.5) * hx;
      (*xo)[k * nin + 1] = lo[1] + (cell / M + 0.5) * hy;
      if (!steady) (*xo)[k * nin + 2] = tf[f];
      for (PetscInt c = 0; c < 3; c++) {
        (*uo)[k * 3 + c] = uvp[3 * cell + c] + (c == 2 ? pshift : 0);
        rms[c] += PetscSqr((*uo)[k * 3 + c]);
      }
    }
    PetscCall(PetscFree(uvp));
  }
  if (noise > 0) {
    /* Gaussian, noise x the RMS of each observed component (Raissi et al. 2019) */
    PetscReal *eps;
    PetscCall(PetscMalloc1((size_t)N * 3, &eps));
    PetscCall(NbRNGNormal(rng, 22, 0, 3 * N, eps));
    for (PetscInt64 k = 0; k < N; k++)
      for (PetscInt c = 0; c < 3; c++) (*uo)[k * 3 + c] += noise * PetscSqrtReal(rms[c] / N) * eps[k * 3 + c];
    PetscCall(PetscFree(eps));
  }
  PetscCall(PetscFree(r));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ the run */

/* What the run compares: this rank's cells of the cell-centre DMDA. */
typedef struct {
  NbNavierStokes   ns;
  NbPINN           pinn;
  PetscInt         nf, n;     /* frames; this rank's cells */
  const PetscReal *tf;
  Vec             *U;         /* reference frames (MAC) */
  PetscBool        steady, exact;
  PetscReal       *xc;        /* cell centres, n x 2 */
  PetscReal      **ref, **ex; /* per frame, n x 3: reference and exact (u, v, p), zero-mean pressure */
  PetscReal      **pinn_uvp;  /* per frame, n x 3: the PINN, zero-mean pressure */
} NSRun;

/* Removes the mean over all cells of column 2 of n x 3 values. */
static PetscErrorCode RemoveMeanPressure(MPI_Comm comm, PetscInt n, PetscReal uvp[])
{
  PetscReal s[2] = {0, (PetscReal)n};

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) s[0] += uvp[3 * i + 2];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 2, MPIU_REAL, MPIU_SUM, comm));
  for (PetscInt i = 0; i < n; i++) uvp[3 * i + 2] -= s[0] / s[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunSetUp(NSRun *run)
{
  DM            dac1, dac2;
  DMDALocalInfo info;
  PetscReal     lo[2], hi[2], hx, hy;
  Vec           f[3];

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetFrames(run->ns, &run->nf, &run->tf, &run->U));
  PetscCall(NbNavierStokesIsSteady(run->ns, &run->steady));
  PetscCall(NbNavierStokesHasExact(run->ns, &run->exact));
  PetscCall(NbNavierStokesGetDomain(run->ns, lo, hi));
  PetscCall(NbNavierStokesGetCellDM(run->ns, &dac1, &dac2));
  PetscCall(DMDAGetLocalInfo(dac1, &info));
  hx     = (hi[0] - lo[0]) / info.mx;
  hy     = (hi[1] - lo[1]) / info.my;
  run->n = info.xm * info.ym;
  PetscCall(PetscMalloc1(2 * (size_t)run->n + 1, &run->xc));
  for (PetscInt j = 0, k = 0; j < info.ym; j++)
    for (PetscInt i = 0; i < info.xm; i++, k++) {
      run->xc[2 * k]     = lo[0] + (info.xs + i + 0.5) * hx;
      run->xc[2 * k + 1] = lo[1] + (info.ys + j + 0.5) * hy;
    }
  PetscCall(PetscCalloc3(run->nf, &run->ref, run->nf, &run->ex, run->nf, &run->pinn_uvp));
  for (PetscInt c = 0; c < 3; c++) PetscCall(DMCreateGlobalVector(dac1, &f[c]));
  for (PetscInt k = 0; k < run->nf; k++) {
    const PetscScalar *a[3];
    PetscCall(PetscMalloc1(3 * (size_t)run->n + 1, &run->ref[k]));
    PetscCall(NbNavierStokesComputeCellFields(run->ns, run->U[k], NULL, f[0], f[1], f[2], NULL));
    for (PetscInt c = 0; c < 3; c++) PetscCall(VecGetArrayRead(f[c], &a[c]));
    for (PetscInt i = 0; i < run->n; i++)
      for (PetscInt c = 0; c < 3; c++) run->ref[k][3 * i + c] = PetscRealPart(a[c][i]);
    for (PetscInt c = 0; c < 3; c++) PetscCall(VecRestoreArrayRead(f[c], &a[c]));
    PetscCall(RemoveMeanPressure(PETSC_COMM_WORLD, run->n, run->ref[k]));
    if (run->exact) {
      PetscCall(PetscMalloc1(3 * (size_t)run->n + 1, &run->ex[k]));
      for (PetscInt i = 0; i < run->n; i++) PetscCall(NbNavierStokesExactPoint(run->ns, run->tf[k], run->xc + 2 * i, run->ex[k] + 3 * i));
      PetscCall(RemoveMeanPressure(PETSC_COMM_WORLD, run->n, run->ex[k]));
    }
  }
  for (PetscInt c = 0; c < 3; c++) PetscCall(VecDestroy(&f[c]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunDestroy(NSRun *run)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < run->nf; k++) {
    PetscCall(PetscFree(run->ref[k]));
    PetscCall(PetscFree(run->ex[k]));
    PetscCall(PetscFree(run->pinn_uvp[k]));
  }
  PetscCall(PetscFree3(run->ref, run->ex, run->pinn_uvp));
  PetscCall(PetscFree(run->xc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The PINN at this rank's cell centres at frame k (n x 3, zero-mean pressure). */
static PetscErrorCode EvaluateFrame(NSRun *run, NbPINN pinn, PetscInt k, PetscReal uvp[])
{
  PetscInt   nin = run->steady ? 2 : 3;
  PetscReal *x;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)run->n * nin + 1, &x));
  for (PetscInt i = 0; i < run->n; i++) {
    x[i * nin]     = run->xc[2 * i];
    x[i * nin + 1] = run->xc[2 * i + 1];
    if (!run->steady) x[i * nin + 2] = run->tf[k];
  }
  PetscCall(NbPINNEvaluate(pinn, run->n, x, uvp));
  PetscCall(PetscFree(x));
  PetscCall(RemoveMeanPressure(PETSC_COMM_WORLD, run->n, uvp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Relative L2 errors over all frames and cells of the values got[k]
   against want[k]: velocity (u, v together) and pressure (both with zero
   mean), and the largest velocity deviation. */
static PetscErrorCode RelativeErrors(NSRun *run, PetscReal **got, PetscReal **want, PetscReal *evel, PetscReal *ep, PetscReal *maxvel)
{
  PetscReal s[4] = {0, 0, 0, 0}, mx = 0;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < run->nf; k++)
    for (PetscInt i = 0; i < run->n; i++) {
      for (PetscInt c = 0; c < 2; c++) {
        PetscReal d = got[k][3 * i + c] - want[k][3 * i + c];
        s[0] += d * d;
        s[1] += PetscSqr(want[k][3 * i + c]);
        mx = PetscMax(mx, PetscAbsReal(d));
      }
      s[2] += PetscSqr(got[k][3 * i + 2] - want[k][3 * i + 2]);
      s[3] += PetscSqr(want[k][3 * i + 2]);
    }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 4, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &mx, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  *evel = PetscSqrtReal(s[0] / s[1]);
  if (ep) *ep = s[3] > 0 ? PetscSqrtReal(s[2] / s[3]) : PetscSqrtReal(s[2]);
  if (maxvel) *maxvel = mx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pinn_monitor: the velocity error against the reference, all frames. */
static PetscErrorCode MonitorError(NbPINN pinn, PetscReal *err, void *ctx)
{
  NSRun      *run = (NSRun *)ctx;
  PetscReal **got;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(run->nf, &got));
  for (PetscInt k = 0; k < run->nf; k++) {
    PetscCall(PetscMalloc1(3 * (size_t)run->n + 1, &got[k]));
    PetscCall(EvaluateFrame(run, pinn, k, got[k]));
  }
  PetscCall(RelativeErrors(run, got, run->ref, err, NULL, NULL));
  for (PetscInt k = 0; k < run->nf; k++) PetscCall(PetscFree(got[k]));
  PetscCall(PetscFree(got));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The PINN on the MAC grid (u on x-faces, v on y-faces, p in cells) at
   time t: what NbNavierStokesGhiaDeviation reads. */
static PetscErrorCode PINNToMAC(NbNavierStokes ns, NbPINN pinn, PetscBool steady, PetscReal t, Vec U)
{
  DM            dm;
  Vec           Ul;
  PetscScalar ***a;
  PetscInt      x, y, m, n, ex, ey, su, sv, sp, M, N, nin = steady ? 2 : 3, np = 0;
  PetscReal     lo[2], hi[2], hx, hy, *pts, *val;

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(DMStagGetGlobalSizes(dm, &M, &N, NULL));
  PetscCall(DMStagGetCorners(dm, &x, &y, NULL, &m, &n, NULL, &ex, &ey, NULL));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_LEFT, 0, &su));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_DOWN, 0, &sv));
  PetscCall(DMStagGetLocationSlot(dm, DMSTAG_ELEMENT, 0, &sp));
  hx = (hi[0] - lo[0]) / M;
  hy = (hi[1] - lo[1]) / N;
  /* points: u faces, v faces, cells (the extra faces on the last ranks included) */
  PetscCall(PetscMalloc2(3 * (size_t)(m + 1) * (n + 1) * nin, &pts, 3 * 3 * (size_t)(m + 1) * (n + 1), &val));
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++)
      for (PetscInt loc = 0; loc < 3; loc++) {
        PetscReal px, py;
        if (loc == 0 && j < y + n) px = lo[0] + i * hx, py = lo[1] + (j + 0.5) * hy;
        else if (loc == 1 && i < x + m) px = lo[0] + (i + 0.5) * hx, py = lo[1] + j * hy;
        else if (loc == 2 && i < x + m && j < y + n) px = lo[0] + (i + 0.5) * hx, py = lo[1] + (j + 0.5) * hy;
        else continue;
        pts[np * nin] = px, pts[np * nin + 1] = py;
        if (!steady) pts[np * nin + 2] = t;
        np++;
      }
  PetscCall(NbPINNEvaluate(pinn, np, pts, val));
  PetscCall(DMGetLocalVector(dm, &Ul));
  PetscCall(VecZeroEntries(Ul));
  PetscCall(DMStagVecGetArray(dm, Ul, &a));
  np = 0;
  for (PetscInt j = y; j < y + n + ey; j++)
    for (PetscInt i = x; i < x + m + ex; i++)
      for (PetscInt loc = 0; loc < 3; loc++) {
        if (loc == 0 && j < y + n) a[j][i][su] = val[3 * np + 0];
        else if (loc == 1 && i < x + m) a[j][i][sv] = val[3 * np + 1];
        else if (loc == 2 && i < x + m && j < y + n) a[j][i][sp] = val[3 * np + 2];
        else continue;
        np++;
      }
  PetscCall(DMStagVecRestoreArray(dm, Ul, &a));
  PetscCall(DMLocalToGlobal(dm, Ul, INSERT_VALUES, U));
  PetscCall(DMRestoreLocalVector(dm, &Ul));
  PetscCall(PetscFree2(pts, val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* n x 3 values (u, v, p) into the cell DMDAs: velocity (2 dof), u, v, p. */
static PetscErrorCode WriteCellValues(NbNavierStokes ns, NbOutput out, const char suffix[], PetscInt n, const PetscReal uvp[])
{
  DM           dac1, dac2;
  Vec          w, s;
  PetscScalar *a;
  char         name[64];
  const char  *scalars[] = {"u", "v", "p"};

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetCellDM(ns, &dac1, &dac2));
  PetscCall(DMGetGlobalVector(dac2, &w));
  PetscCall(VecGetArray(w, &a)); /* a DMDA vector stores its block in (j, i, c) order */
  for (PetscInt i = 0; i < n; i++) a[2 * i] = uvp[3 * i], a[2 * i + 1] = uvp[3 * i + 1];
  PetscCall(VecRestoreArray(w, &a));
  PetscCall(PetscSNPrintf(name, sizeof(name), "velocity%s", suffix));
  PetscCall(NbOutputWriteField(out, name, w));
  PetscCall(DMRestoreGlobalVector(dac2, &w));
  PetscCall(DMGetGlobalVector(dac1, &s));
  for (PetscInt c = 0; c < 3; c++) {
    PetscCall(VecGetArray(s, &a));
    for (PetscInt i = 0; i < n; i++) a[i] = uvp[3 * i + c];
    PetscCall(VecRestoreArray(s, &a));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", scalars[c], suffix));
    PetscCall(NbOutputWriteField(out, name, s));
  }
  PetscCall(DMRestoreGlobalVector(dac1, &s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The reference frames in the layout of NbNavierStokesWriteReference (cell
   centres; velocity, u, v, p, omega and their _exact versions), each
   followed by the fields of extra(k) (the PINN's, the uncertainty's). */
PetscErrorCode NbNavierStokesPINNWriteFrames(NbNavierStokes ns, NbOutput out, PetscErrorCode (*extra)(NbOutput, PetscInt, void *), void *ctx)
{
  DM               dac1, dac2, dm;
  PetscInt         nf, M, N;
  const PetscReal *tf;
  Vec             *U, E = NULL;
  PetscReal        lo[2], hi[2], hx, hy, nu, re;
  PetscBool        exact;
  IS               isu, isp;
  const char      *cname;
  char             buf[256];

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetFrames(ns, &nf, &tf, &U));
  PetscCall(NbNavierStokesGetCellDM(ns, &dac1, &dac2));
  PetscCall(NbNavierStokesGetDM(ns, &dm));
  PetscCall(NbNavierStokesGetDomain(ns, lo, hi));
  PetscCall(NbNavierStokesHasExact(ns, &exact));
  PetscCall(DMStagGetGlobalSizes(dm, &M, &N, NULL));
  hx = (hi[0] - lo[0]) / M;
  hy = (hi[1] - lo[1]) / N;
  {
    PetscReal clo[2] = {lo[0] + 0.5 * hx, lo[1] + 0.5 * hy}, chi[2] = {hi[0] - 0.5 * hx, hi[1] - 0.5 * hy};
    PetscCall(NbOutputSetGrid(out, dac1, clo, chi));
  }
  if (exact) {
    PetscCall(VecDuplicate(U[0], &E));
    PetscCall(NbNavierStokesGetFieldIS(ns, &isu, &isp));
  }
  for (PetscInt k = 0; k < nf; k++) {
    PetscCall(NbOutputBeginStep(out, tf[k]));
    PetscCall(NbNavierStokesWriteSolution(ns, out, "", U[k]));
    if (E) {
      Vec       P;
      PetscReal s;
      PetscInt  np;
      PetscCall(NbNavierStokesComputeExact(ns, tf[k], E));
      PetscCall(VecGetSubVector(E, isp, &P));
      PetscCall(VecSum(P, &s));
      PetscCall(VecGetSize(P, &np));
      PetscCall(VecShift(P, -s / np));
      PetscCall(VecRestoreSubVector(E, isp, &P));
      PetscCall(NbNavierStokesWriteSolution(ns, out, "_exact", E));
    }
    if (extra) PetscCall(extra(out, k, ctx));
    PetscCall(NbOutputEndStep(out));
  }
  PetscCall(VecDestroy(&E));
  PetscCall(NbNavierStokesGetCase(ns, &cname));
  PetscCall(NbNavierStokesGetViscosity(ns, &nu));
  PetscCall(NbNavierStokesGetReynolds(ns, &re));
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "navier-stokes 2d, %s", cname));
  PetscCall(NbOutputSetMetadataString(out, "problem", buf));
  PetscCall(NbOutputSetMetadataString(out, "case", cname));
  PetscCall(NbOutputSetMetadataReal(out, "Re", re));
  PetscCall(NbOutputSetMetadataReal(out, "nu", nu));
  PetscCall(NbOutputSetMetadataInt(out, "cells_x", M));
  PetscCall(NbOutputSetMetadataInt(out, "cells_y", N));
  PetscCall(NbOutputSetMetadataString(out, "field_location", "cell centres: reference u, v averaged from the MAC faces, p in the cells, omega averaged from the cell corners; neural fields evaluated at the cell centres; pressure with zero mean"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WritePINNFrame(NbOutput out, PetscInt k, void *ctx)
{
  NSRun     *run = (NSRun *)ctx;
  PetscReal *err;

  PetscFunctionBegin;
  PetscCall(WriteCellValues(run->ns, out, "_pinn", run->n, run->pinn_uvp[k]));
  PetscCall(PetscMalloc1(3 * (size_t)run->n + 1, &err));
  for (PetscInt i = 0; i < 3 * run->n; i++) err[i] = run->pinn_uvp[k][i] - run->ref[k][i];
  PetscCall(WriteCellValues(run->ns, out, "_pinn_err", run->n, err));
  PetscCall(PetscFree(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesRunPINN(NbNavierStokes ns, NbOutput out, NbReport rep)
{
  NSRun         run;
  NbPINNProblem prob;
  PetscInt      ndata = 2000;
  PetscBool     inverse, view = PETSC_FALSE;
  PetscReal     evel, ep, mx;
  NSPINNCase    c;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&run, sizeof(run)));
  run.ns = ns;
  /* everything the user can get wrong, before the reference solve */
  PetscCall(NSPINNGetCase(ns, &c));
  PetscCall(NbNavierStokesPINNCheckOptions(ns));
  PetscCall(NbNavierStokesPINNProblem(ns, &prob));
  PetscCall(NbPINNCreate(PETSC_COMM_WORLD, &run.pinn));
  PetscCall(NbPINNSetProblem(run.pinn, &prob));
  PetscCall(NbPINNSetFromOptions(run.pinn));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Navier-Stokes PINN run", "NbNavierStokesRunPINN");
  PetscCall(PetscOptionsInt("-pinn_data_points", "Observations drawn from the reference solution (inverse problem)", "NbNavierStokesRunPINN", ndata, &ndata, NULL));
  PetscCall(PetscOptionsBool("-pinn_view", "Describe the PINN", "NbPINNView", view, &view, NULL));
  PetscOptionsEnd();
  PetscCall(NbPINNGetInverse(run.pinn, &inverse));
  if (inverse) {
    PetscInt  nf = 0;
    PetscBool steady;
    PetscCheck(ndata >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_data_points %d must be at least 1", (int)ndata);
    PetscCall(NbNavierStokesIsSteady(ns, &steady));
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-ns_frames", &nf, NULL));
    PetscCheck(steady || nf == 0 || nf >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames after t = 0: use -ns_frames 11 or more (now %d)", (int)nf);
  }

  PetscCall(NbNavierStokesSolveReference(ns));
  PetscCall(RunSetUp(&run));
  if (inverse) {
    PetscReal *xo, *uo, noise;
    PetscInt64 seed;
    PetscCall(NbPINNGetNoise(run.pinn, &noise));
    PetscCall(NbPINNGetSeed(run.pinn, &seed));
    PetscCall(NbNavierStokesPINNObservations(ns, ndata, seed, noise, &xo, &uo));
    PetscCall(NbPINNSetDataGlobal(run.pinn, ndata, xo, uo));
    PetscCall(PetscFree2(xo, uo));
  }
  PetscCall(NbPINNSetOutput(run.pinn, out));
  PetscCall(NbPINNSetErrorMonitor(run.pinn, MonitorError, &run));
  PetscCall(NbPINNSetUp(run.pinn));
  if (view) PetscCall(NbPINNView(run.pinn, NULL));
  PetscCall(NbPINNTrain(run.pinn));

  /* the PINN at the reference's cell centres, every frame */
  for (PetscInt k = 0; k < run.nf; k++) {
    PetscCall(PetscMalloc1(3 * (size_t)run.n + 1, &run.pinn_uvp[k]));
    PetscCall(EvaluateFrame(&run, run.pinn, k, run.pinn_uvp[k]));
  }
  PetscCall(NbNavierStokesPINNWriteFrames(ns, out, WritePINNFrame, &run));
  PetscCall(NbNavierStokesReport(ns, rep));
  PetscCall(NbPINNReport(run.pinn, rep));
  PetscCall(NbPINNWriteHistory(run.pinn, out));
  PetscCall(RelativeErrors(&run, run.pinn_uvp, run.ref, &evel, &ep, &mx));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error of velocity vs reference, all frames", "%.3e", evel));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error of pressure vs reference, all frames", "%.3e", ep));
  PetscCall(NbReportAddReal(rep, "PINN max abs. velocity error vs reference", "%.3e", mx));
  if (run.exact) {
    PetscCall(RelativeErrors(&run, run.pinn_uvp, run.ex, &evel, &ep, &mx));
    PetscCall(NbReportAddReal(rep, "PINN rel. L2 error of velocity vs exact, all frames", "%.3e", evel));
    PetscCall(NbReportAddReal(rep, "PINN rel. L2 error of pressure vs exact, all frames", "%.3e", ep));
    PetscCall(RelativeErrors(&run, run.ref, run.ex, &evel, &ep, NULL));
    PetscCall(NbReportAddReal(rep, "reference rel. L2 error of velocity vs exact at cell centres", "%.3e", evel));
  }
  if (c == NS_PINN_CAVITY) {
    Vec       Um;
    PetscBool found;
    PetscReal du, dv;
    PetscCall(VecDuplicate(run.U[0], &Um));
    PetscCall(PINNToMAC(ns, run.pinn, run.steady, 0, Um));
    PetscCall(NbNavierStokesGhiaDeviation(ns, Um, &found, &du, &dv));
    if (found) {
      PetscCall(NbReportAddReal(rep, "PINN: Ghia et al. 1982 max |u - u_ref| on x = 0.5", "%.4f", du));
      PetscCall(NbReportAddReal(rep, "PINN: Ghia et al. 1982 max |v - v_ref| on y = 0.5", "%.4f", dv));
    }
    PetscCall(VecDestroy(&Um));
  }
  if (inverse) {
    PetscReal nu, lam, nutrue;
    PetscCall(NbPINNGetCoefficient(run.pinn, 0, &nu));
    PetscCall(NbPINNGetCoefficient(run.pinn, 1, &lam));
    PetscCall(NbNavierStokesGetViscosity(ns, &nutrue));
    PetscCall(NbReportAddInt(rep, "observations (u, v, p at cell centres)", ndata));
    PetscCall(NbReportAddReal(rep, "identified nu", "%.6g", nu));
    PetscCall(NbReportAddReal(rep, "identified nu, rel. error", "%.3e", PetscAbsReal(nu - nutrue) / nutrue));
    PetscCall(NbReportAddReal(rep, "identified lambda1", "%.6g", lam));
    PetscCall(NbReportAddReal(rep, "identified lambda1, rel. error", "%.3e", PetscAbsReal(lam - 1)));
  }
  PetscCall(RunDestroy(&run));
  PetscCall(NbPINNDestroy(&run.pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}
