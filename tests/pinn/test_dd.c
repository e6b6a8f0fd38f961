/* Domain-decomposed PINNs (pinn/dd*.c), each mode asserting numbers against
   an independent reference:
   -test_mode ranks: the loss and the gradient of every subdomain's network
     on all ranks equal those computed with all subdomains on one rank
     (PETSC_COMM_SELF, every rank alone), and so do -test_steps Adam steps
     and -test_lbfgs L-BFGS iterations;
   -test_mode gradient: the assembled gradient of every subdomain matches
     central finite differences of the total loss (so interface and overlap
     terms reach both sides: their gradients travel back to the neighbour);
   -test_mode windows: FBPINN's windows sum to one everywhere with
     derivatives summing to zero, are >= 0, and their jets match finite
     differences of their values; every point lies in the cell that
     -pinn_dd_parts and -pinn_dd_cuts_x/_t put it in (counted here from
     the options), and that cell's window is at least 1/2 per partitioned
     axis there;
   -test_mode single: one subdomain reproduces NbPINN (the single-network
     PINN of pinn/pinn.c) step by step: same initial network, same points,
     same loss, so the same Adam loss history;
   -test_mode accuracy: the trained solution against the PETSc reference on
     its grid (and, -pinn_inverse, the identified nu and lambda). */
#include "nbtest.h"

/* ranks: all subdomains on one rank (each rank builds that alone on
   PETSC_COMM_SELF) against the distributed run. The gradient blocks are
   computed by the same graphs on the same points, and contributions are
   summed in the same order, whatever the placement; only the loss and the
   shared coefficients' gradient are summed over ranks in another order.
   So they must agree to a few ulps: 1e-12 relative (a missing, doubled or
   misrouted interface contribution is O(1)). Adam steps compound round-off
   slowly: 1e-10 over the history. TAO's dot products reduce over ranks in
   another order and L-BFGS's line search amplifies that: 1e-7 after a few
   iterations, still far below any real disagreement. */
static PetscErrorCode TestRanks(NbProblem b)
{
  NbPINN   dw, ds;
  PetscReal  lw, ls, maxg = 0, scale = 0, hmax = 0, lb[2];
  PetscInt   nsub, steps = 10, lbfgs = 0;
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-test_steps", &steps, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-test_lbfgs", &lbfgs, NULL));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(NbTestPINN(PETSC_COMM_WORLD, b, &dw));
  PetscCall(NbTestPINN(PETSC_COMM_SELF, b, &ds));
  /* the same observations for both: each subdomain keeps the ones in its cell */
  PetscCall(NbTestSetAllObservations(b, dw));
  PetscCall(NbTestSetAllObservations(b, ds));
  PetscCall(NbPINNSetUp(dw));
  PetscCall(NbPINNSetUp(ds));
  PetscCall(NbPINNComputeLossGradient(dw, &lw, NULL));
  PetscCall(NbPINNComputeLossGradient(ds, &ls, NULL));
  PetscCall(NbPINNDDGetNumSubdomains(dw, &nsub, NULL));
  for (PetscInt id = 0; id < nsub; id++) {
    PetscMPIInt      r, me;
    PetscInt         n;
    const PetscReal *gw, *gs;
    PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &me));
    PetscCall(NbPINNDDGetSubdomainArrays(ds, id, &n, NULL, &gs));
    for (PetscInt i = 0; i < n; i++) scale = PetscMax(scale, PetscAbsReal(gs[i]));
    PetscCall(NbPINNDDGetSubdomainRank(dw, id, &r));
    if (r != me) continue;
    PetscCall(NbPINNDDGetSubdomainArrays(dw, id, &n, NULL, &gw));
    for (PetscInt i = 0; i < n; i++) maxg = PetscMax(maxg, PetscAbsReal(gw[i] - gs[i]));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &maxg, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d subdomains on %d ranks vs all on one rank: loss %.15e vs %.15e (rel. diff %.2e), largest gradient difference %.2e relative to the largest entry %.3e\n", (int)nsub, (int)size, (double)lw, (double)ls, (double)(PetscAbsReal(lw - ls) / ls), (double)(maxg / scale), (double)scale));
  PetscCheck(PetscAbsReal(lw - ls) <= 1e-12 * ls, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "losses differ");
  PetscCheck(maxg <= 1e-12 * scale, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "gradients differ");
  if (steps > 0) {
    PetscInt         nw, ns;
    const PetscReal *hw, *hs;
    PetscCall(NbPINNTrain(dw));
    PetscCall(NbPINNTrain(ds));
    PetscCall(NbPINNGetLossHistory(dw, &nw, &hw));
    PetscCall(NbPINNGetLossHistory(ds, &ns, &hs));
    PetscCheck(nw >= steps && ns >= steps, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "short histories");
    for (PetscInt k = 0; k < steps; k++) hmax = PetscMax(hmax, PetscAbsReal(hw[k] - hs[k]) / hs[k]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "Adam loss history over %d steps: first %.10e, last %.10e; largest relative difference %.2e\n", (int)steps, (double)hw[0], (double)hw[steps - 1], (double)hmax));
    PetscCheck(hmax <= 1e-10, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Adam histories differ");
    if (lbfgs > 0) {
      NbPINNStats sw, ss;
      PetscCall(NbPINNGetStats(dw, &sw));
      PetscCall(NbPINNGetStats(ds, &ss));
      lb[0] = sw.loss;
      lb[1] = ss.loss;
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "after %d L-BFGS iterations: loss %.12e vs %.12e (rel. diff %.2e)\n", (int)sw.lbfgs_iterations, (double)lb[0], (double)lb[1], (double)(PetscAbsReal(lb[0] - lb[1]) / lb[1])));
      PetscCheck(PetscAbsReal(lb[0] - lb[1]) <= 1e-7 * lb[1], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "L-BFGS results differ");
    }
  }
  PetscCall(NbPINNDestroy(&dw));
  PetscCall(NbPINNDestroy(&ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* gradient: central differences of the total loss, step h = 1e-6 (1 + |p|).
   Truncation error h^2 |f'''| / 6 and round-off eps |f| / h are both below
   1e-7 of the gradient scale here; tolerance 1e-5 of the subdomain's
   largest gradient entry (a missing interface or overlap contribution,
   or a doubled one, is a relative error of order one). Every subdomain must
   also carry a gradient of that scale: with only interface terms weighted
   (-pinn_w_res 0 ...), this checks that they reach both sides. */
static PetscErrorCode TestGradient(NbProblem b)
{
  NbPINN    dd;
  PetscInt    nsub, nprobe = 6;
  PetscMPIInt me;
  PetscReal   l0, worst = 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &me));
  PetscCall(NbTestPINN(PETSC_COMM_WORLD, b, &dd));
  PetscCall(NbTestSetAllObservations(b, dd));
  PetscCall(NbPINNSetUp(dd));
  PetscCall(NbPINNDDGetNumSubdomains(dd, &nsub, NULL));
  PetscCall(NbPINNComputeLossGradient(dd, &l0, NULL));
  {
    /* the shared coefficients: every subdomain's terms depend on them, and
       their gradient is summed over all ranks; perturbed on every rank */
    PetscInt         nc;
    PetscReal       *pc, *gc, err = 0, gscale = 0;
    const PetscReal *g0;
    PetscCall(NbPINNDDGetSharedArrays(dd, &nc, &pc, &g0));
    PetscCall(PetscMalloc1(nc + 1, &gc));
    PetscCall(PetscArraycpy(gc, g0, nc));
    for (PetscInt i = 0; i < nc; i++) {
      PetscReal lp, lm, h = 1e-6 * (1 + PetscAbsReal(pc[i])), save = pc[i];
      pc[i] = save + h;
      PetscCall(NbPINNComputeLossGradient(dd, &lp, NULL));
      pc[i] = save - h;
      PetscCall(NbPINNComputeLossGradient(dd, &lm, NULL));
      pc[i]  = save;
      err    = PetscMax(err, PetscAbsReal((lp - lm) / (2 * h) - gc[i]));
      gscale = PetscMax(gscale, PetscAbsReal(gc[i]));
    }
    if (nc) {
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d shared coefficients: largest gradient entry %.3e, finite-difference mismatch %.2e\n", (int)nc, (double)gscale, (double)err));
      worst = PetscMax(worst, err / gscale);
    }
    PetscCall(PetscFree(gc));
  }
  for (PetscInt id = 0; id < nsub; id++) {
    PetscMPIInt r;
    PetscInt    n = 0;
    PetscReal  *p = NULL, *g = NULL, gscale = 0, err = 0;
    PetscCall(NbPINNDDGetSubdomainRank(dd, id, &r));
    if (r == me) {
      const PetscReal *gg;
      PetscCall(NbPINNDDGetSubdomainArrays(dd, id, &n, &p, &gg));
      PetscCall(PetscMalloc1(n, &g));
      PetscCall(PetscArraycpy(g, gg, n));
      for (PetscInt i = 0; i < n; i++) gscale = PetscMax(gscale, PetscAbsReal(g[i]));
    }
    PetscCallMPI(MPI_Bcast(&n, 1, MPIU_INT, r, PETSC_COMM_WORLD));
    PetscCallMPI(MPI_Bcast(&gscale, 1, MPIU_REAL, r, PETSC_COMM_WORLD));
    for (PetscInt k = 0; k < nprobe; k++) {
      PetscInt  i = (k * 7919 + 13) % n;
      PetscReal lp, lm, h = 0, save = 0, fd;
      if (r == me) {
        h    = 1e-6 * (1 + PetscAbsReal(p[i]));
        save = p[i];
        p[i] = save + h;
      }
      PetscCall(NbPINNComputeLossGradient(dd, &lp, NULL));
      if (r == me) p[i] = save - h;
      PetscCall(NbPINNComputeLossGradient(dd, &lm, NULL));
      if (r == me) {
        p[i] = save;
        fd   = (lp - lm) / (2 * h);
        err  = PetscMax(err, PetscAbsReal(fd - g[i]));
      }
    }
    PetscCallMPI(MPI_Bcast(&err, 1, MPIU_REAL, r, PETSC_COMM_WORLD));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "subdomain %d (rank %d): largest gradient entry %.3e, finite-difference mismatch %.2e over %d probes\n", (int)id, (int)r, (double)gscale, (double)err, (int)nprobe));
    worst = PetscMax(worst, err / gscale);
    PetscCheck(gscale > 1e-3 * PetscAbsReal(l0), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "subdomain %d gets no gradient (largest entry %g, loss %g)", (int)id, (double)gscale, (double)l0);
    PetscCall(PetscFree(g));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "largest finite-difference mismatch relative to the subdomain's gradient scale: %.2e (tolerance 1e-5)\n", (double)worst));
  PetscCheck(worst <= 1e-5, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "gradient does not match finite differences");
  PetscCall(NbPINNDestroy(&dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* windows: points uniform in the box (stream 5), on a grid through the
   band edges, and on the faces. Sums of values: (1 - s) + s type sums of
   at most 2 nonzero terms per axis, 4 ulps of 1 suffice; derivative sums
   cancel term by term (the same step is computed for both neighbours), so
   they vanish to 1e-12 of the derivative scale 1/overlap. Jets against
   central differences of the values with h = 1e-6 (window C^2, error
   ~h^2 |w'''| ~ 1e-12 / d^3, and eps / h ~ 1e-10): 1e-6 of 1/d. The own
   window is >= 1/2 per partitioned axis (the step at the cell's own face
   is 1/2 and the other face's step is 0 there), a 4-ulp margin for
   rounding; points within 1e-12 of a cut may round into either cell and
   are left out of the cell check. */
static PetscErrorCode ExpectedCell(const PetscReal x[], const PetscInt parts[], const PetscInt ncut[], PetscReal cuts[][64], const PetscReal lo[], const PetscReal hi[], PetscInt *cell, PetscBool *oncut)
{
  PetscFunctionBegin;
  *cell  = 0;
  *oncut = PETSC_FALSE;
  for (PetscInt a = 1; a >= 0; a--) {
    PetscInt k = 0;
    for (PetscInt j = 1; j < parts[a]; j++) {
      PetscReal e = ncut[a] ? cuts[a][j - 1] : lo[a] + (hi[a] - lo[a]) * j / parts[a];
      if (x[a] >= e) k = j;
      if (PetscAbsReal(x[a] - e) < 1e-12) *oncut = PETSC_TRUE;
    }
    *cell = *cell * parts[a] + k;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestWindows(NbProblem b)
{
  NbPINN  dd;
  PetscInt  nsub, nin = 2, ng = 101, nr = 2000, n;
  PetscReal lo[2], hi[2], *x, *w, *dw, *wp, *wm, maxsum = 0, maxd = 0, minw = 0, maxfd = 0, overlap = 0.25, dscale, minown = 1, cuts[2][64];
  PetscInt  parts[2] = {1, 1}, np = 2, ncut[2] = {64, 64}, *cell, nwrong = 0, nchecked = 0, npart = 0;
  PetscBool given[2];
  NbRNG     rng;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-pinn_dd_parts", parts, &np, NULL));
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-pinn_dd_cuts_x", cuts[0], &ncut[0], &given[0]));
  PetscCall(PetscOptionsGetRealArray(NULL, NULL, "-pinn_dd_cuts_t", cuts[1], &ncut[1], &given[1]));
  for (PetscInt a = 0; a < 2; a++) {
    if (!given[a]) ncut[a] = 0;
    if (ncut[a]) parts[a] = ncut[a] + 1;
    if (parts[a] > 1) npart++;
  }
  PetscCall(NbTestPINN(PETSC_COMM_SELF, b, &dd));
  PetscCall(NbPINNSetUp(dd));
  PetscCall(NbPINNDDGetNumSubdomains(dd, &nsub, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-pinn_dd_overlap", &overlap, NULL));
  {
    const NbPDE *pde;
    PetscCall(NbProblemGetPDE(b, &pde));
    for (PetscInt a = 0; a < 2; a++) lo[a] = pde->lo[a], hi[a] = pde->hi[a];
  }
  n     = nr + ng * ng;
  PetscCall(PetscMalloc3(n * nin, &x, n * nsub, &w, n * nsub * nin, &dw));
  PetscCall(PetscMalloc2(n * nsub, &wp, n * nsub, &wm));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSampleBox(rng, 5, 0, nr, nin, lo, hi, x));
  for (PetscInt i = 0; i < ng; i++)
    for (PetscInt j = 0; j < ng; j++) {
      x[(nr + i * ng + j) * nin]     = lo[0] + (hi[0] - lo[0]) * i / (ng - 1);
      x[(nr + i * ng + j) * nin + 1] = lo[1] + (hi[1] - lo[1]) * j / (ng - 1);
    }
  PetscCall(NbPINNDDEvaluateWindows(dd, n, x, w, dw));
  PetscCall(PetscMalloc1(n, &cell));
  PetscCall(NbPINNDDGetSubdomain(dd, n, x, cell));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt  want;
    PetscBool oncut;
    PetscCall(ExpectedCell(x + i * nin, parts, ncut, cuts, lo, hi, &want, &oncut));
    if (!oncut) {
      nchecked++;
      if (cell[i] != want) nwrong++;
    }
    minown = PetscMin(minown, w[i * nsub + cell[i]]);
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscReal s = 0, ds[2] = {0, 0};
    for (PetscInt j = 0; j < nsub; j++) {
      s += w[i * nsub + j];
      minw = PetscMin(minw, w[i * nsub + j]);
      for (PetscInt a = 0; a < nin; a++) ds[a] += dw[(i * nsub + j) * nin + a];
    }
    maxsum = PetscMax(maxsum, PetscAbsReal(s - 1));
    maxd   = PetscMax(maxd, PetscMax(PetscAbsReal(ds[0]), PetscAbsReal(ds[1])));
  }
  /* jets against differences of the values, along each axis */
  dscale = 0;
  for (PetscInt a = 0; a < nin; a++) {
    PetscReal h = 1e-6;
    for (PetscInt i = 0; i < n; i++) x[i * nin + a] += h;
    PetscCall(NbPINNDDEvaluateWindows(dd, n, x, wp, NULL));
    for (PetscInt i = 0; i < n; i++) x[i * nin + a] -= 2 * h;
    PetscCall(NbPINNDDEvaluateWindows(dd, n, x, wm, NULL));
    for (PetscInt i = 0; i < n; i++) x[i * nin + a] += h;
    for (PetscInt k = 0; k < n * nsub; k++) {
      maxfd  = PetscMax(maxfd, PetscAbsReal((wp[k] - wm[k]) / (2 * h) - dw[k * nin + a]));
      dscale = PetscMax(dscale, PetscAbsReal(dw[k * nin + a]));
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d windows at %d points: max |sum w - 1| %.2e, max |sum dw| %.2e (derivative scale %.3g), min w %.2e, max |dw - finite difference| %.2e\n", (int)nsub, (int)n, (double)maxsum, (double)maxd, (double)dscale, (double)minw, (double)maxfd));
  PetscCheck(maxsum <= 4 * PETSC_MACHINE_EPSILON, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "windows do not sum to one");
  PetscCheck(maxd <= 1e-12 * dscale, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "window derivatives do not sum to zero");
  PetscCheck(minw >= 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "negative window");
  PetscCheck(maxfd <= 1e-6 * dscale, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "window derivatives disagree with finite differences");
  PetscCheck(dscale > 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "no window varies: is the domain partitioned?");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cells: %d of %d points in another cell than the options put them in; smallest own window %.6f (bound %g)\n", (int)nwrong, (int)nchecked, (double)minown, (double)PetscPowReal(0.5, npart)));
  PetscCheck(nwrong == 0 && nchecked > n / 2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "points in the wrong cell");
  PetscCheck(minown >= PetscPowReal(0.5, npart) - 4 * PETSC_MACHINE_EPSILON, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a cell's own window is below 1/2 per axis inside it: windows and cells disagree");
  PetscCall(PetscFree(cell));
  PetscCall(PetscFree3(x, w, dw));
  PetscCall(PetscFree2(wp, wm));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbPINNDestroy(&dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* single: a one-subdomain decomposition is NbPINN computed by other code
   (per-subdomain graphs, the rank model, the dd objective): the histories
   must agree to round-off, 1e-12 relative (measured: identical). */
static PetscErrorCode TestSingle(NbProblem b)
{
  NbPINN         dd;
  NbPINN           p;
  PetscInt         nd, np, nsub;
  const PetscReal *hd, *hp;
  PetscReal        maxrel = 0;

  PetscFunctionBegin;
  PetscCall(NbTestPINN(PETSC_COMM_WORLD, b, &dd));
  PetscCall(NbPINNSetUp(dd));
  PetscCall(NbPINNDDGetNumSubdomains(dd, &nsub, NULL));
  PetscCheck(nsub == 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-test_mode single needs -pinn_dd_parts 1,1");
  PetscCall(NbPINNTrain(dd));
  { /* the plain network: the same options without -pinn_dd */
    char type[32];
    PetscCall(PetscOptionsGetString(NULL, NULL, "-pinn_dd", type, sizeof(type), NULL));
    PetscCall(PetscOptionsClearValue(NULL, "-pinn_dd"));
    PetscCall(NbTestPINN(PETSC_COMM_WORLD, b, &p));
    PetscCall(PetscOptionsSetValue(NULL, "-pinn_dd", type));
  }
  PetscCall(NbPINNTrain(p));
  PetscCall(NbPINNGetLossHistory(dd, &nd, &hd));
  PetscCall(NbPINNGetLossHistory(p, &np, &hp));
  PetscCheck(nd == np && nd > 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "histories of %d and %d entries", (int)nd, (int)np);
  for (PetscInt k = 0; k < nd; k++) maxrel = PetscMax(maxrel, PetscAbsReal(hd[k] - hp[k]) / hp[k]);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "one subdomain vs NbPINN over %d steps: first %.10e, last %.10e vs %.10e; largest relative difference %.2e\n", (int)nd, (double)hd[0], (double)hd[nd - 1], (double)hp[np - 1], (double)maxrel));
  PetscCheck(maxrel <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "histories differ");
  PetscCall(NbPINNDestroy(&p));
  PetscCall(NbPINNDestroy(&dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestAccuracy(NbProblem b)
{
  NbPINN  dd;
  PetscReal tol = 1, ctol = 1;
  PetscBool inverse;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tol", &tol, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_coef_tol", &ctol, NULL));
  PetscCall(NbTestPINN(PETSC_COMM_WORLD, b, &dd));
  PetscCall(NbPINNGetInverse(dd, &inverse, NULL, NULL, NULL));
  PetscCall(NbTestSetAllObservations(b, dd));
  PetscCall(NbPINNTrain(dd));
  PetscCall(NbTestCheckPINNError(b, dd, 1, NULL, NULL, "domain-decomposed PINN: relative L2 error against the PETSc reference, all frames", tol));
  if (inverse) PetscCall(NbTestCheckBurgersCoefficients(b, dd, ctol));
  PetscCall(NbPINNDestroy(&dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      mode[32] = "accuracy";
  NbProblem b;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_mode", mode, sizeof(mode), NULL));
  PetscCall(NbTestProblem(PETSC_COMM_WORLD, "burgers", PETSC_FALSE, &b));
  if (!strcmp(mode, "ranks")) PetscCall(TestRanks(b));
  else if (!strcmp(mode, "gradient")) PetscCall(TestGradient(b));
  else if (!strcmp(mode, "windows")) PetscCall(TestWindows(b));
  else if (!strcmp(mode, "single")) PetscCall(TestSingle(b));
  else {
    PetscCall(NbProblemSolveReference(b));
    PetscCall(TestAccuracy(b));
  }
  PetscCall(NbProblemDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
