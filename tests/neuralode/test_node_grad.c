/* NbNODE gradients from TSAdjoint against central finite differences of
   the loss, with the integrator from the options (rk 4, theta, cn, ...).

   f: a 2 -> 12 -> 12 -> 2 tanh MLP; 5 trajectories as one state (split over
   the ranks); t in [0, 1] with fixed steps dt = 0.05 and observations at
   0.25, 0.5 and 0.8 (the last sweep, 0.8 -> 1, carries no seed); initial
   states uniform in [-1, 1]^2 and targets in [-0.5, 0.5]^2 from the
   counter-based RNG (the same on any number of ranks). The discrete
   adjoint is the exact gradient of the discrete loss, so the only gaps are
   those of the differences themselves:
   h = 1e-5 on O(1) parameters gives truncation ~h^2 |L'''| ~ 1e-10 and
   round-off ~eps |L| / h ~ 1e-11 (implicit types: plus the Newton tolerance
   over h, 1e-14 / 1e-5; the tests set -snes_rtol 1e-14). Tolerance 1e-6
   relative in the max norm over all parameters, as the issue asks; a wrong
   VJP gives O(1). The shells are checked directly first: J v against
   central differences of f (1e-7 relative, same argument), and
   <J v, w> = <v, J^T w> to 1e-12 relative (round-off of sums of O(1)
   products).

   -compare: a second NODE with prefix cmp_ and the same network and data,
   whose gradient must equal the first to 1e-12 relative (round-off): run
   with -cmp_ts_trajectory_max_cps_ram 3 (checkpointing, recomputed stages)
   against the fully stored trajectory (the second NODE's gradient is
   computed twice, as in training). -time_input: f(y, t), t the network's
   third input. -case n: the bad inputs. */
#include "nbtest.h"
#include "nbnode.h"

#define DIM 2
#define NB  5
#define NOBS 3

/* f(y) (nin = 2), f(y, t) (nin = 3), or a wrong network (nout = 3) */
static PetscErrorCode MakeModel(PetscInt nin, PetscInt nout, NbModel *m, NbLayer *net)
{
  PetscInt w[] = {nin, 12, 12, nout};

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_WORLD, m));
  PetscCall(NbModelSetSeed(*m, 5));
  PetscCall(NbModelAddMLP(*m, "f", 4, w, NB_ACT_TANH, net));
  PetscCall(NbModelSetUp(*m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* member values uniform in [-scale, scale]^2 (NbNODEDrawUniformStates: the same on any number of ranks) */
static PetscErrorCode Fill(NbNODE node, NbModel m, PetscInt64 stream, PetscReal scale, Vec v)
{
  const PetscReal lo[DIM] = {-scale, -scale}, hi[DIM] = {scale, scale};
  NbRNG           rng;

  PetscFunctionBegin;
  PetscCall(NbModelGetRNG(m, &rng));
  PetscCall(NbNODEDrawUniformStates(node, rng, stream, lo, hi, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MakeNODE(const char prefix[], NbModel m, NbLayer net, PetscInt bad, NbNODE *node)
{
  PetscReal tobs[NOBS] = {0.25, 0.5, 0.8};
  Vec       y0, tg[NOBS];

  PetscFunctionBegin;
  if (bad == 1) tobs[2] = 1.5;
  PetscCall(NbNODECreate(PETSC_COMM_WORLD, node));
  PetscCall(NbNODESetOptionsPrefix(*node, prefix));
  PetscCall(NbNODESetNetwork(*node, m, net));
  PetscCall(NbNODESetSizes(*node, DIM, NB));
  PetscCall(NbNODESetTimes(*node, 0, 1, 0.05));
  PetscCall(NbNODESetObservations(*node, NOBS, tobs));
  PetscCall(NbNODESetFromOptions(*node));
  PetscCall(NbNODESetUp(*node));
  PetscCall(NbNODECreateState(*node, &y0));
  PetscCall(Fill(*node, m, 1, 1.0, y0));
  PetscCall(NbNODESetInitialState(*node, y0));
  for (PetscInt k = 0; k < NOBS; k++) {
    PetscCall(VecDuplicate(y0, &tg[k]));
    PetscCall(Fill(*node, m, 2 + k, 0.5, tg[k]));
  }
  if (bad == 3) { /* an infinite target at t = 0.5: the adjoint there is not finite */
    PetscInt lo;
    PetscCall(VecGetOwnershipRange(tg[1], &lo, NULL));
    if (lo == 0) PetscCall(VecSetValue(tg[1], 0, PETSC_INFINITY * PETSC_INFINITY, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(tg[1]));
    PetscCall(VecAssemblyEnd(tg[1]));
  }
  PetscCall(NbNODESetTargets(*node, tg));
  for (PetscInt k = 0; k < NOBS; k++) PetscCall(VecDestroy(&tg[k]));
  PetscCall(VecDestroy(&y0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* J v against differences of f, and the transpose identity, at the initial state */
static PetscErrorCode CheckShells(NbNODE node, NbModel m)
{
  TS        ts;
  Mat       J;
  Vec       u, v, w, Jv, Jtw, fp, fm;
  PetscReal h = 1e-5, e, s, a, b;

  PetscFunctionBegin;
  PetscCall(NbNODEGetTS(node, &ts));
  PetscCall(TSGetRHSJacobian(ts, &J, NULL, NULL, NULL));
  PetscCall(NbNODECreateState(node, &u));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(VecDuplicate(u, &w));
  PetscCall(VecDuplicate(u, &Jv));
  PetscCall(VecDuplicate(u, &Jtw));
  PetscCall(VecDuplicate(u, &fp));
  PetscCall(VecDuplicate(u, &fm));
  PetscCall(Fill(node, m, 10, 1.0, u));
  PetscCall(Fill(node, m, 11, 1.0, v));
  PetscCall(Fill(node, m, 12, 1.0, w));
  PetscCall(TSComputeRHSJacobian(ts, 0.3, u, J, J));
  PetscCall(MatMult(J, v, Jv));
  PetscCall(MatMultTranspose(J, w, Jtw));
  PetscCall(VecAXPY(u, h, v));
  PetscCall(TSComputeRHSFunction(ts, 0.3, u, fp));
  PetscCall(VecAXPY(u, -2 * h, v));
  PetscCall(TSComputeRHSFunction(ts, 0.3, u, fm));
  PetscCall(VecAXPY(fp, -1, fm));
  PetscCall(VecScale(fp, 1 / (2 * h)));
  PetscCall(VecNorm(fp, NORM_INFINITY, &s));
  PetscCall(VecAXPY(fp, -1, Jv));
  PetscCall(VecNorm(fp, NORM_INFINITY, &e));
  PetscCall(VecDot(Jv, w, &a));
  PetscCall(VecDot(v, Jtw, &b));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "J v vs differences of f: %.2e relative; <Jv,w> - <v,J^T w>: %.2e relative\n", (double)(e / s), (double)(PetscAbsReal(a - b) / PetscAbsReal(a))));
  PetscCheck(e <= 1e-7 * s, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "J v differs from central differences of f by %g relative", (double)(e / s));
  PetscCheck(PetscAbsReal(a - b) <= 1e-12 * PetscAbsReal(a), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "J^T is not the transpose of J: %g vs %g", (double)a, (double)b);
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&Jv));
  PetscCall(VecDestroy(&Jtw));
  PetscCall(VecDestroy(&fp));
  PetscCall(VecDestroy(&fm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Gradient(NbNODE node, NbModel m, PetscInt np, PetscReal *L, PetscReal g[])
{
  PetscReal *gr;

  PetscFunctionBegin;
  PetscCall(NbNODEComputeLossGradient(node, L));
  PetscCall(NbModelGetGradientArray(m, &gr));
  PetscCall(PetscArraycpy(g, gr, np));
  PetscCall(NbModelRestoreGradientArray(m, &gr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckFD(NbNODE node, NbModel m, PetscInt np, const PetscReal g[])
{
  PetscReal *p, h = 1e-5, e = 0, s = 0;

  PetscFunctionBegin;
  PetscCall(NbModelGetParameterArray(m, &p));
  for (PetscInt i = 0; i < np; i++) {
    PetscReal p0 = p[i], Lp, Lm, fd;
    p[i] = p0 + h;
    PetscCall(NbNODEComputeLoss(node, &Lp));
    p[i] = p0 - h;
    PetscCall(NbNODEComputeLoss(node, &Lm));
    p[i] = p0;
    fd   = (Lp - Lm) / (2 * h);
    e    = PetscMax(e, PetscAbsReal(fd - g[i]));
    s    = PetscMax(s, PetscAbsReal(fd));
  }
  PetscCall(NbModelRestoreParameterArray(m, &p));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "adjoint gradient vs central differences (%d parameters): %.2e relative\n", (int)np, (double)(e / s)));
  PetscCheck(e <= 1e-6 * s, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the adjoint gradient differs from central differences by %g relative > 1e-6", (double)(e / s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  NbModel   m;
  NbLayer   net;
  NbNODE    node, cmp;
  PetscInt  np, bad = 0;
  PetscReal L, *g, *g2;
  PetscBool compare = PETSC_FALSE, tin = PETSC_FALSE;
  TSType    type;

  PetscFunctionBegin;
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "NbNODE gradient test", NULL);
  PetscCall(PetscOptionsInt("-case", "Bad input: 1 observation outside, 2 (give -ts_type bdf), 3 NaN adjoint, 4 network of the wrong size", NULL, bad, &bad, NULL));
  PetscCall(PetscOptionsBool("-time_input", "The network takes t as a third input", NULL, tin, &tin, NULL));
  PetscCall(PetscOptionsBool("-compare", "Compare with a second NODE (prefix cmp_)", NULL, compare, &compare, NULL));
  PetscOptionsEnd();
  PetscCall(MakeModel(tin ? DIM + 1 : DIM, bad == 4 ? DIM + 1 : DIM, &m, &net));
  PetscCall(MakeNODE(NULL, m, net, bad, &node));
  PetscCall(NbModelGetNumParameters(m, &np));
  PetscCall(PetscMalloc2(np, &g, np, &g2));
  PetscCall(Gradient(node, m, np, &L, g));
  {
    TS ts;
    PetscCall(NbNODEGetTS(node, &ts));
    PetscCall(TSGetType(ts, &type));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: loss %.10e\n", type, (double)L));
  PetscCall(CheckShells(node, m));
  if (compare) {
    PetscReal L2, e = 0, s = 0;
    PetscCall(MakeNODE("cmp_", m, net, 0, &cmp));
    PetscCall(Gradient(cmp, m, np, &L2, g2)); /* twice: the trajectory must serve repeated solves */
    PetscCall(Gradient(cmp, m, np, &L2, g2));
    for (PetscInt i = 0; i < np; i++) e = PetscMax(e, PetscAbsReal(g[i] - g2[i])), s = PetscMax(s, PetscAbsReal(g[i]));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "second NODE: loss %.10e, gradient differs by %.2e relative\n", (double)L2, (double)(e / s)));
    PetscCheck(e <= 1e-12 * s && PetscAbsReal(L - L2) <= 1e-12 * L, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the two NODEs disagree: gradient %g relative, loss %g vs %g", (double)(e / s), (double)L, (double)L2);
    PetscCall(NbNODEDestroy(&cmp));
  } else PetscCall(CheckFD(node, m, np, g));
  PetscCall(PetscFree2(g, g2));
  PetscCall(NbNODEDestroy(&node));
  PetscCall(NbModelDestroy(&m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
