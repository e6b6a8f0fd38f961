/* Burgers for PINNs: the residual written once on jets, the hard
   constraint, and the run that trains a PINN on exactly the problem the
   PETSc reference solves and reports the two side by side. */
#include "nbpinn.h"
#include "nbsolvers.h"

/* 1-D: r = u_t + lambda u u_x - nu u_xx.
   2-D: r_u = u_t + lambda (u u_x + v u_y) - nu (u_xx + u_yy), r_v likewise. */
static PetscErrorCode BurgersResidual(void *ctx, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  NbBurgers b = (NbBurgers)ctx;
  NbTensor  nu = coef[0], lam = coef[1], u, ut, ux, uxx, adv, diff;
  PetscInt  dim;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbTensorJetComponent(U, "", &u));
  PetscCall(NbTensorJetComponent(U, "t", &ut));
  PetscCall(NbTensorJetComponent(U, "x", &ux));
  PetscCall(NbTensorJetComponent(U, "xx", &uxx));
  if (dim == 1) {
    PetscCall(NbTensorMul(u, ux, &adv));
    PetscCall(NbTensorMul(adv, lam, &adv));
    PetscCall(NbTensorMul(uxx, nu, &diff));
    PetscCall(NbTensorAdd(ut, adv, &res[0]));
    PetscCall(NbTensorSub(res[0], diff, &res[0]));
    *nres = 1;
  } else {
    NbTensor uy, uyy, w[2], wt, wx, wy, lap;
    PetscCall(NbTensorJetComponent(U, "y", &uy));
    PetscCall(NbTensorJetComponent(U, "yy", &uyy));
    PetscCall(NbTensorSlice(u, 0, 1, &w[0]));
    PetscCall(NbTensorSlice(u, 1, 2, &w[1]));
    for (PetscInt c = 0; c < 2; c++) {
      NbTensor a1, a2;
      PetscCall(NbTensorSlice(ut, c, c + 1, &wt));
      PetscCall(NbTensorSlice(ux, c, c + 1, &wx));
      PetscCall(NbTensorSlice(uy, c, c + 1, &wy));
      PetscCall(NbTensorMul(w[0], wx, &a1));
      PetscCall(NbTensorMul(w[1], wy, &a2));
      PetscCall(NbTensorAdd(a1, a2, &adv));
      PetscCall(NbTensorMul(adv, lam, &adv));
      PetscCall(NbTensorSlice(uxx, c, c + 1, &a1));
      PetscCall(NbTensorSlice(uyy, c, c + 1, &a2));
      PetscCall(NbTensorAdd(a1, a2, &lap));
      PetscCall(NbTensorMul(lap, nu, &diff));
      PetscCall(NbTensorAdd(wt, adv, &res[c]));
      PetscCall(NbTensorSub(res[c], diff, &res[c]));
    }
    *nres = 2;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 1-D: u = -sin(pi x) + (1 - x^2) t N(x, t) meets u(0, x) = -sin(pi x) and
   u(t, +-1) = 0 exactly (Lagaris, Likas & Fotiadis 1998). */
static PetscErrorCode BurgersHard1d(void *ctx, NbTensor X, NbTensor N, NbTensor *U)
{
  NbTensor x, t, A, B;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &t));
  PetscCall(NbTensorScale(x, PETSC_PI, &A));
  PetscCall(NbTensorSin(A, &A));
  PetscCall(NbTensorScale(A, -1, &A));
  PetscCall(NbTensorSquare(x, &B));
  PetscCall(NbTensorAXPB(B, -1, 1, &B));
  PetscCall(NbTensorMul(B, t, &B));
  PetscCall(NbTensorMul(B, N, &B));
  PetscCall(NbTensorAdd(A, B, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode BurgersInitial(void *ctx, const PetscReal x[], PetscReal u[])
{
  return NbBurgersInitialPoint((NbBurgers)ctx, x, u);
}

static PetscErrorCode BurgersBoundary(void *ctx, PetscReal t, const PetscReal x[], PetscReal u[])
{
  return NbBurgersBoundaryPoint((NbBurgers)ctx, t, x, u);
}

PetscErrorCode NbBurgersPINNProblem(NbBurgers b, NbPINNProblem *prob)
{
  PetscInt  dim;
  PetscReal lo[2], hi[2], nu, T;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetViscosity(b, &nu));
  PetscCall(NbBurgersGetFinalTime(b, &T));
  PetscCall(PetscMemzero(prob, sizeof(*prob)));
  prob->name = dim == 1 ? "1-D Burgers" : "2-D Burgers";
  prob->dim  = dim;
  prob->nout = dim;
  for (PetscInt d = 0; d < dim; d++) {
    prob->lo[d] = lo[d];
    prob->hi[d] = hi[d];
  }
  prob->lo[dim]         = 0;
  prob->hi[dim]         = T;
  prob->coords          = dim == 1 ? "x,t" : "x,y,t";
  prob->derivs          = dim == 1 ? "x,t,xx" : "x,y,t,xx,yy";
  prob->outnames[0]     = "u";
  prob->outnames[1]     = "v";
  prob->ncoef           = 2;
  prob->coefname[0]     = "nu";
  prob->coef[0]         = nu;
  prob->coefpositive[0] = PETSC_TRUE;
  prob->coefname[1]     = "lambda";
  prob->coef[1]         = 1;
  prob->residual        = BurgersResidual;
  prob->hard            = dim == 1 ? BurgersHard1d : NULL;
  prob->initial         = BurgersInitial;
  prob->boundary        = BurgersBoundary;
  prob->ctx             = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ the run */

typedef struct {
  NbBurgers b;
  NbPINN    pinn;
  Vec      *upinn; /* per frame */
} BurgersPINNRun;

/* The PINN on this rank's grid nodes at time t. */
static PetscErrorCode EvaluateOnGrid(NbBurgers b, NbPINN pinn, PetscReal t, Vec U)
{
  DM            da;
  DMDALocalInfo info;
  PetscInt      dim, n, k = 0;
  PetscReal     lo[2], hi[2], hx, hy = 0, *x, *u;
  PetscScalar  *a;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(DMDAGetLocalInfo(da, &info));
  hx = (hi[0] - lo[0]) / (info.mx - 1);
  if (dim == 2) hy = (hi[1] - lo[1]) / (info.my - 1);
  n = info.xm * (dim == 2 ? info.ym : 1);
  PetscCall(PetscMalloc2(n * (dim + 1) + 1, &x, n * dim + 1, &u));
  for (PetscInt j = 0; j < (dim == 2 ? info.ym : 1); j++)
    for (PetscInt i = 0; i < info.xm; i++, k++) {
      x[k * (dim + 1) + 0] = lo[0] + (info.xs + i) * hx;
      if (dim == 2) x[k * (dim + 1) + 1] = lo[1] + (info.ys + j) * hy;
      x[k * (dim + 1) + dim] = t;
    }
  PetscCall(NbPINNEvaluate(pinn, n, x, u));
  /* a DMDA global vector stores the local block in the same (j, i, c) order */
  PetscCall(VecGetArray(U, &a));
  for (PetscInt i = 0; i < n * dim; i++) a[i] = u[i];
  PetscCall(VecRestoreArray(U, &a));
  PetscCall(PetscFree2(x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The aas flow's density at this rank's grid nodes at time t. */
static PetscErrorCode DensityOnGrid(NbBurgers b, NbSampler smp, PetscReal t, Vec P)
{
  DM            da, da1;
  DMDALocalInfo info;
  PetscInt      dim, n, k = 0;
  PetscReal     lo[2], hi[2], *x, *d;
  PetscScalar  *a;

  PetscFunctionBegin;
  PetscCall(VecGetDM(P, &da1));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(DMDAGetLocalInfo(da1, &info));
  n = info.xm * (dim == 2 ? info.ym : 1);
  PetscCall(PetscMalloc2(n * (dim + 1) + 1, &x, n + 1, &d));
  for (PetscInt j = 0; j < (dim == 2 ? info.ym : 1); j++)
    for (PetscInt i = 0; i < info.xm; i++, k++) {
      x[k * (dim + 1)] = lo[0] + (info.xs + i) * (hi[0] - lo[0]) / (info.mx - 1);
      if (dim == 2) x[k * (dim + 1) + 1] = lo[1] + (info.ys + j) * (hi[1] - lo[1]) / (info.my - 1);
      x[k * (dim + 1) + dim] = t;
    }
  PetscCall(NbSamplerAASDensity(smp, n, x, d));
  PetscCall(VecGetArray(P, &a));
  for (PetscInt i = 0; i < n; i++) a[i] = d[i];
  PetscCall(VecRestoreArray(P, &a));
  PetscCall(PetscFree2(x, d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WritePINNFrame(NbBurgers b, NbOutput out, PetscInt k, PetscReal t, Vec uref, void *ctx)
{
  BurgersPINNRun *run = (BurgersPINNRun *)ctx;
  Vec             err;
  NbSampler       smp;
  const char     *type;
  PetscBool       isaas;

  PetscFunctionBegin;
  PetscCall(NbBurgersWriteSolution(b, out, "_pinn", run->upinn[k]));
  PetscCall(VecDuplicate(uref, &err));
  PetscCall(VecWAXPY(err, -1.0, uref, run->upinn[k]));
  PetscCall(NbBurgersWriteSolution(b, out, "_pinn_err", err));
  PetscCall(VecDestroy(&err));
  PetscCall(NbPINNGetSampler(run->pinn, &smp));
  PetscCall(NbSamplerGetType(smp, &type));
  PetscCall(PetscStrcmp(type, "aas", &isaas));
  if (isaas) {
    DM  da, da1;
    Vec P;
    PetscCall(NbBurgersGetDM(b, &da));
    PetscCall(DMDACreateCompatibleDMDA(da, 1, &da1));
    PetscCall(DMCreateGlobalVector(da1, &P));
    PetscCall(DensityOnGrid(b, smp, t, P));
    PetscCall(NbOutputWriteField(out, "aas_density", P));
    PetscCall(VecDestroy(&P));
    PetscCall(DMDestroy(&da1));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Relative L2 error against the reference over all frames (space-time),
   and the largest pointwise error. */
static PetscErrorCode ErrorAgainstReference(NbBurgers b, NbPINN pinn, Vec *upinn, PetscReal *rel, PetscReal *maxerr)
{
  PetscInt         nf;
  const PetscReal *tf;
  Vec             *U, D, own = NULL;
  PetscReal        num = 0, den = 0, nrm, mx = 0;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(VecDuplicate(U[0], &D));
  if (!upinn) PetscCall(VecDuplicate(U[0], &own));
  for (PetscInt k = 0; k < nf; k++) {
    Vec Up = upinn ? upinn[k] : own;
    if (!upinn) PetscCall(EvaluateOnGrid(b, pinn, tf[k], own));
    PetscCall(VecWAXPY(D, -1.0, U[k], Up));
    PetscCall(VecNorm(D, NORM_2, &nrm));
    num += nrm * nrm;
    PetscCall(VecNorm(D, NORM_INFINITY, &nrm));
    mx = PetscMax(mx, nrm);
    PetscCall(VecNorm(U[k], NORM_2, &nrm));
    den += nrm * nrm;
  }
  *rel = PetscSqrtReal(num / den);
  if (maxerr) *maxerr = mx;
  PetscCall(VecDestroy(&D));
  PetscCall(VecDestroy(&own));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MonitorError(NbPINN pinn, PetscReal *err, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(ErrorAgainstReference((NbBurgers)ctx, pinn, NULL, err, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Observations for the inverse problem: -pinn_data_points random (node,
   frame) pairs of the reference solution (frames after t = 0), values
   plus Gaussian noise of -pinn_noise times their RMS. Each rank takes its
   block of the global list; the frames are gathered to every rank once. */
static PetscErrorCode SampleObservations(NbBurgers b, NbPINN pinn, PetscInt ndata)
{
  PetscInt         nf, dim, nnode, nloc, mx, my = 1;
  PetscInt64       off;
  const PetscReal *tf;
  Vec             *U, all;
  VecScatter       sc;
  PetscReal       *x, *u, *r, lo[2], hi[2], noise, rms[2] = {0, 0};
  NbRNG            rng;
  PetscInt64       seed;
  DM               da;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetInfo(da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (dim == 1) my = 1;
  nnode = mx * my;
  PetscCall(NbPINNGetNoise(pinn, &noise));
  PetscCall(NbPINNGetSeed(pinn, &seed));
  PetscCall(NbRNGCreate(PETSC_COMM_WORLD, &rng));
  PetscCall(NbRNGSetSeed(rng, seed));
  PetscCall(NbPartition(PETSC_COMM_WORLD, ndata, &off, &nloc));
  PetscCall(PetscMalloc3(nloc * (dim + 1) + 1, &x, nloc * dim + 1, &u, 2 * nloc + 1, &r));
  PetscCall(NbRNGUniform(rng, 21, 2 * off, 2 * nloc, r));
  for (PetscInt f = 1; f < nf; f++) {
    const PetscScalar *a;
    Vec                nat;
    /* natural ordering, whole vector on every rank */
    PetscCall(DMDACreateNaturalVector(da, &nat));
    PetscCall(DMDAGlobalToNaturalBegin(da, U[f], INSERT_VALUES, nat));
    PetscCall(DMDAGlobalToNaturalEnd(da, U[f], INSERT_VALUES, nat));
    PetscCall(VecScatterCreateToAll(nat, &sc, &all));
    PetscCall(VecScatterBegin(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < nloc; i++) {
      PetscInt frame = 1 + (PetscInt)(r[2 * i] * (nf - 1)), node = (PetscInt)(r[2 * i + 1] * nnode);
      frame          = PetscMin(frame, nf - 1);
      node           = PetscMin(node, nnode - 1);
      if (frame != f) continue;
      x[i * (dim + 1) + 0] = lo[0] + (node % mx) * (hi[0] - lo[0]) / (mx - 1);
      if (dim == 2) x[i * (dim + 1) + 1] = lo[1] + (node / mx) * (hi[1] - lo[1]) / (my - 1);
      x[i * (dim + 1) + dim] = tf[f];
      for (PetscInt c = 0; c < dim; c++) {
        u[i * dim + c] = PetscRealPart(a[node * dim + c]);
        rms[0] += PetscSqr(u[i * dim + c]);
      }
    }
    PetscCall(VecRestoreArrayRead(all, &a));
    PetscCall(VecScatterDestroy(&sc));
    PetscCall(VecDestroy(&all));
    PetscCall(VecDestroy(&nat));
  }
  rms[1] = (PetscReal)nloc * dim;
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, rms, 2, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  if (noise > 0) {
    PetscReal *eps, scale = noise * PetscSqrtReal(rms[0] / rms[1]);
    PetscCall(PetscMalloc1(nloc * dim + 1, &eps));
    PetscCall(NbRNGNormal(rng, 22, off * dim, nloc * dim, eps));
    for (PetscInt k = 0; k < nloc * dim; k++) u[k] += scale * eps[k];
    PetscCall(PetscFree(eps));
  }
  PetscCall(NbPINNSetData(pinn, nloc, x, u));
  PetscCall(PetscFree3(x, u, r));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersRunPINN(NbBurgers b, NbOutput out, NbReport rep)
{
  BurgersPINNRun   run = {b, NULL, NULL};
  NbPINNProblem    prob;
  PetscInt         nf, ndata = 2000, dim;
  const PetscReal *tf;
  Vec             *U, E;
  PetscReal        num_ex = 0, den_ex = 0, efinal = 0, nrm, rel, maxerr;
  PetscBool        inverse, view = PETSC_FALSE;

  PetscFunctionBegin;
  { /* -pinn_dd xpinn|cpinn|fbpinn: the domain-decomposed PINN (pinn/dd_burgers.c) */
    char      ddtype[32] = "none";
    PetscBool none;
    PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Burgers PINN run", "NbBurgersRunPINN");
    PetscCall(PetscOptionsString("-pinn_dd", "Domain decomposition: none, xpinn, cpinn, fbpinn", "NbBurgersRunDDPINN", ddtype, ddtype, sizeof(ddtype), NULL));
    PetscOptionsEnd();
    PetscCall(PetscStrcmp(ddtype, "none", &none));
    if (!none) {
      PetscCall(NbBurgersRunDDPINN(b, out, rep));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  PetscCall(NbBurgersSolveReference(b));
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbPINNCreate(PETSC_COMM_WORLD, &run.pinn));
  PetscCall(NbBurgersPINNProblem(b, &prob));
  PetscCall(NbPINNSetProblem(run.pinn, &prob));
  PetscCall(NbPINNSetFromOptions(run.pinn));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Burgers PINN run", "NbBurgersRunPINN");
  PetscCall(PetscOptionsInt("-pinn_data_points", "Observations drawn from the reference solution (inverse problem)", "NbBurgersRunPINN", ndata, &ndata, NULL));
  PetscCall(PetscOptionsBool("-pinn_view", "Describe the PINN", "NbPINNView", view, &view, NULL));
  PetscOptionsEnd();
  PetscCall(NbPINNGetInverse(run.pinn, &inverse));
  if (inverse) {
    PetscCheck(nf >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames: use -burgers_frames 51 or more (now %d)", (int)nf);
    PetscCheck(ndata >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_data_points %d must be at least 1", (int)ndata);
    PetscCall(SampleObservations(b, run.pinn, ndata));
  }
  PetscCall(NbPINNSetOutput(run.pinn, out));
  PetscCall(NbPINNSetErrorMonitor(run.pinn, MonitorError, b));
  PetscCall(NbPINNSetUp(run.pinn));
  if (view) PetscCall(NbPINNView(run.pinn, NULL));
  PetscCall(NbPINNTrain(run.pinn));

  /* the PINN on the reference grid at every frame; errors over space-time */
  PetscCall(VecDuplicateVecs(U[0], nf, &run.upinn));
  PetscCall(VecDuplicate(U[0], &E));
  for (PetscInt k = 0; k < nf; k++) {
    PetscCall(EvaluateOnGrid(b, run.pinn, tf[k], run.upinn[k]));
    PetscCall(NbBurgersComputeExact(b, tf[k], E));
    PetscCall(VecNorm(E, NORM_2, &nrm));
    den_ex += nrm * nrm;
    PetscCall(VecAXPY(E, -1.0, run.upinn[k]));
    PetscCall(VecNorm(E, NORM_2, &nrm));
    num_ex += nrm * nrm;
  }
  PetscCall(ErrorAgainstReference(b, run.pinn, run.upinn, &rel, &maxerr));
  {
    Vec       D;
    PetscReal a, c;
    PetscCall(VecDuplicate(U[0], &D));
    PetscCall(VecWAXPY(D, -1.0, U[nf - 1], run.upinn[nf - 1]));
    PetscCall(VecNorm(D, NORM_2, &a));
    PetscCall(VecNorm(U[nf - 1], NORM_2, &c));
    efinal = a / c;
    PetscCall(VecDestroy(&D));
  }
  PetscCall(NbBurgersWriteReference(b, out, WritePINNFrame, &run));
  PetscCall(NbBurgersReport(b, rep));
  PetscCall(NbPINNReport(run.pinn, rep));
  PetscCall(NbPINNWriteHistory(run.pinn, out));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error vs reference, all frames", "%.3e", rel));
  PetscCall(NbReportAddReal(rep, "PINN max abs. error vs reference", "%.3e", maxerr));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error vs reference, final time", "%.3e", efinal));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error vs exact, all frames", "%.3e", PetscSqrtReal(num_ex / den_ex)));
  if (inverse) {
    PetscReal nu, lam, nutrue;
    PetscCall(NbPINNGetCoefficient(run.pinn, 0, &nu));
    PetscCall(NbPINNGetCoefficient(run.pinn, 1, &lam));
    PetscCall(NbBurgersGetViscosity(b, &nutrue));
    PetscCall(NbReportAddReal(rep, "identified nu", "%.6g", nu));
    PetscCall(NbReportAddReal(rep, "identified nu, rel. error", "%.3e", PetscAbsReal(nu - nutrue) / nutrue));
    PetscCall(NbReportAddReal(rep, "identified lambda", "%.6g", lam));
    PetscCall(NbReportAddReal(rep, "identified lambda, rel. error", "%.3e", PetscAbsReal(lam - 1)));
  }
  PetscCall(VecDestroy(&E));
  PetscCall(VecDestroyVecs(nf, &run.upinn));
  PetscCall(NbPINNDestroy(&run.pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}
