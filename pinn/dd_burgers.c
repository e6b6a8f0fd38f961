/* nabla-burgers -method pinn -pinn_dd <type>: the PETSc reference, a
   domain-decomposed PINN trained on the same problem (the residual of
   pinn/burgers_pinn.c, written once), both on the reference grid, and the
   report. Output fields per frame: u_pinn, u_pinn_err and subdomain (the
   subdomain owning each node). */
#include "nbpinn.h"
#include "nbsolvers.h"

/* 1-D Burgers in conservation form, u_t + (lambda u^2/2 - nu u_x)_x = 0:
   the flux across a face normal to x. */
PetscErrorCode NbBurgersPINNFlux(void *ctx, NbTensor U, const NbTensor coef[], PetscInt axis, NbTensor *F)
{
  NbBurgers b = (NbBurgers)ctx;
  PetscInt  dim;
  NbTensor  u, ux, adv, diff;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCheck(dim == 1 && axis == 0, PETSC_COMM_SELF, PETSC_ERR_SUP, "Burgers' flux is defined in 1-D only");
  PetscCall(NbTensorJetComponent(U, "", &u));
  PetscCall(NbTensorJetComponent(U, "x", &ux));
  PetscCall(NbTensorMul(u, u, &adv));
  PetscCall(NbTensorMul(adv, coef[1], &adv));
  PetscCall(NbTensorScale(adv, 0.5, &adv));
  PetscCall(NbTensorMul(ux, coef[0], &diff));
  PetscCall(NbTensorSub(adv, diff, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  NbBurgers b;
  NbDDPINN  dd;
  Vec      *upinn;
} DDRun;

/* This rank's grid nodes at time t (DMDA local block order). */
static PetscErrorCode GridPoints(NbBurgers b, PetscReal t, PetscInt *n, PetscReal **x)
{
  DM            da;
  DMDALocalInfo info;
  PetscInt      dim, k = 0;
  PetscReal     lo[2], hi[2];

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(DMDAGetLocalInfo(da, &info));
  *n = info.xm * (dim == 2 ? info.ym : 1);
  PetscCall(PetscMalloc1(*n * (dim + 1) + 1, x));
  for (PetscInt j = 0; j < (dim == 2 ? info.ym : 1); j++)
    for (PetscInt i = 0; i < info.xm; i++, k++) {
      (*x)[k * (dim + 1)] = lo[0] + (info.xs + i) * (hi[0] - lo[0]) / (info.mx - 1);
      if (dim == 2) (*x)[k * (dim + 1) + 1] = lo[1] + (info.ys + j) * (hi[1] - lo[1]) / (info.my - 1);
      (*x)[k * (dim + 1) + dim] = t;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode EvaluateOnGrid(NbBurgers b, NbDDPINN dd, PetscReal t, Vec U)
{
  PetscInt     n, dim;
  PetscReal   *x, *u;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(GridPoints(b, t, &n, &x));
  PetscCall(PetscMalloc1(n * dim + 1, &u));
  PetscCall(NbDDPINNEvaluate(dd, n, x, u));
  PetscCall(VecGetArray(U, &a));
  for (PetscInt i = 0; i < n * dim; i++) a[i] = u[i];
  PetscCall(VecRestoreArray(U, &a));
  PetscCall(PetscFree(x));
  PetscCall(PetscFree(u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteFrame(NbBurgers b, NbOutput out, PetscInt k, PetscReal t, Vec uref, void *ctx)
{
  DDRun    *run = (DDRun *)ctx;
  Vec       err, S;
  DM        da, da1;
  PetscInt  n, *sub;
  PetscReal *x;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(NbBurgersWriteSolution(b, out, "_pinn", run->upinn[k]));
  PetscCall(VecDuplicate(uref, &err));
  PetscCall(VecWAXPY(err, -1.0, uref, run->upinn[k]));
  PetscCall(NbBurgersWriteSolution(b, out, "_pinn_err", err));
  PetscCall(VecDestroy(&err));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDACreateCompatibleDMDA(da, 1, &da1));
  PetscCall(DMCreateGlobalVector(da1, &S));
  PetscCall(GridPoints(b, t, &n, &x));
  PetscCall(PetscMalloc1(n + 1, &sub));
  PetscCall(NbDDPINNGetSubdomain(run->dd, n, x, sub));
  PetscCall(VecGetArray(S, &a));
  for (PetscInt i = 0; i < n; i++) a[i] = (PetscScalar)sub[i];
  PetscCall(VecRestoreArray(S, &a));
  PetscCall(NbOutputWriteField(out, "subdomain", S));
  PetscCall(PetscFree(sub));
  PetscCall(PetscFree(x));
  PetscCall(VecDestroy(&S));
  PetscCall(DMDestroy(&da1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ErrorAgainstReference(NbBurgers b, NbDDPINN dd, Vec *upinn, PetscReal *rel, PetscReal *maxerr)
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
    if (!upinn) PetscCall(EvaluateOnGrid(b, dd, tf[k], own));
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

static PetscErrorCode MonitorError(NbDDPINN dd, PetscReal *err, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(ErrorAgainstReference((NbBurgers)ctx, dd, NULL, err, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Observations for the inverse problem, as NbBurgersRunPINN draws them:
   -pinn_data_points random (node, frame) pairs of the reference solution
   after t = 0 (stream 21 of the seed, noise from 22), this rank's block of
   the global list; the frames are gathered to every rank once, at set-up.
   NbDDPINNSetData sends each observation to its subdomain's rank. */
static PetscErrorCode SampleObservations(NbBurgers b, NbDDPINN dd, PetscInt ndata)
{
  PetscInt         nf, dim, nnode, nloc, mx, my = 1;
  PetscInt64       off, seed;
  const PetscReal *tf;
  Vec             *U;
  PetscReal       *x, *u, *r, lo[2], hi[2], noise, rms[2] = {0, 0};
  NbRNG            rng;
  DM               da;

  PetscFunctionBegin;
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbBurgersGetDomain(b, lo, hi));
  PetscCall(NbBurgersGetDM(b, &da));
  PetscCall(DMDAGetInfo(da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (dim == 1) my = 1;
  nnode = mx * my;
  PetscCall(NbDDPINNGetNoise(dd, &noise));
  PetscCall(NbDDPINNGetSeed(dd, &seed));
  PetscCall(NbRNGCreate(PETSC_COMM_WORLD, &rng));
  PetscCall(NbRNGSetSeed(rng, seed));
  PetscCall(NbPartition(PETSC_COMM_WORLD, ndata, &off, &nloc));
  PetscCall(PetscMalloc3(nloc * (dim + 1) + 1, &x, nloc * dim + 1, &u, 2 * nloc + 1, &r));
  PetscCall(NbRNGUniform(rng, 21, 2 * off, 2 * nloc, r));
  for (PetscInt f = 1; f < nf; f++) {
    const PetscScalar *a;
    Vec                nat, all;
    VecScatter         sc;
    PetscCall(DMDACreateNaturalVector(da, &nat));
    PetscCall(DMDAGlobalToNaturalBegin(da, U[f], INSERT_VALUES, nat));
    PetscCall(DMDAGlobalToNaturalEnd(da, U[f], INSERT_VALUES, nat));
    PetscCall(VecScatterCreateToAll(nat, &sc, &all));
    PetscCall(VecScatterBegin(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(sc, nat, all, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(all, &a));
    for (PetscInt i = 0; i < nloc; i++) {
      PetscInt frame = PetscMin(1 + (PetscInt)(r[2 * i] * (nf - 1)), nf - 1), node = PetscMin((PetscInt)(r[2 * i + 1] * nnode), nnode - 1);
      if (frame != f) continue;
      x[i * (dim + 1)] = lo[0] + (node % mx) * (hi[0] - lo[0]) / (mx - 1);
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
  PetscCall(NbDDPINNSetData(dd, nloc, x, u));
  PetscCall(PetscFree3(x, u, r));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbBurgersRunDDPINN(NbBurgers b, NbOutput out, NbReport rep)
{
  DDRun            run = {b, NULL, NULL};
  NbPINNProblem    prob;
  PetscInt         nf, ndata = 2000, dim;
  const PetscReal *tf;
  Vec             *U, E;
  PetscReal        num_ex = 0, den_ex = 0, efinal, nrm, rel, maxerr;
  PetscBool        inverse, view = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(NbBurgersSolveReference(b));
  PetscCall(NbBurgersGetFrames(b, &nf, &tf, &U));
  PetscCall(NbBurgersGetDimension(b, &dim));
  PetscCall(NbDDPINNCreate(PETSC_COMM_WORLD, &run.dd));
  PetscCall(NbBurgersPINNProblem(b, &prob));
  PetscCall(NbDDPINNSetProblem(run.dd, &prob));
  if (dim == 1) PetscCall(NbDDPINNSetFlux(run.dd, NbBurgersPINNFlux, b));
  PetscCall(NbDDPINNSetFromOptions(run.dd));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Burgers PINN run", "NbBurgersRunDDPINN");
  PetscCall(PetscOptionsInt("-pinn_data_points", "Observations drawn from the reference solution (inverse problem)", "NbBurgersRunDDPINN", ndata, &ndata, NULL));
  PetscCall(PetscOptionsBool("-pinn_view", "Describe the PINN", "NbDDPINNView", view, &view, NULL));
  PetscOptionsEnd();
  PetscCall(NbDDPINNGetInverse(run.dd, &inverse));
  if (inverse) {
    PetscCheck(nf >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames: use -burgers_frames 51 or more (now %d)", (int)nf);
    PetscCheck(ndata >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_data_points %d must be at least 1", (int)ndata);
    PetscCall(SampleObservations(b, run.dd, ndata));
  }
  PetscCall(NbDDPINNSetOutput(run.dd, out));
  PetscCall(NbDDPINNSetErrorMonitor(run.dd, MonitorError, b));
  PetscCall(NbDDPINNSetUp(run.dd));
  if (view) PetscCall(NbDDPINNView(run.dd, NULL));
  PetscCall(NbDDPINNTrain(run.dd));

  PetscCall(VecDuplicateVecs(U[0], nf, &run.upinn));
  PetscCall(VecDuplicate(U[0], &E));
  for (PetscInt k = 0; k < nf; k++) {
    PetscCall(EvaluateOnGrid(b, run.dd, tf[k], run.upinn[k]));
    PetscCall(NbBurgersComputeExact(b, tf[k], E));
    PetscCall(VecNorm(E, NORM_2, &nrm));
    den_ex += nrm * nrm;
    PetscCall(VecAXPY(E, -1.0, run.upinn[k]));
    PetscCall(VecNorm(E, NORM_2, &nrm));
    num_ex += nrm * nrm;
  }
  PetscCall(ErrorAgainstReference(b, run.dd, run.upinn, &rel, &maxerr));
  {
    PetscReal a, c;
    PetscCall(VecWAXPY(E, -1.0, U[nf - 1], run.upinn[nf - 1]));
    PetscCall(VecNorm(E, NORM_2, &a));
    PetscCall(VecNorm(U[nf - 1], NORM_2, &c));
    efinal = a / c;
  }
  PetscCall(NbBurgersWriteReference(b, out, WriteFrame, &run));
  PetscCall(NbBurgersReport(b, rep));
  PetscCall(NbDDPINNReport(run.dd, rep));
  PetscCall(NbDDPINNWriteHistory(run.dd, out));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error vs reference, all frames", "%.3e", rel));
  PetscCall(NbReportAddReal(rep, "PINN max abs. error vs reference", "%.3e", maxerr));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error vs reference, final time", "%.3e", efinal));
  PetscCall(NbReportAddReal(rep, "PINN rel. L2 error vs exact, all frames", "%.3e", PetscSqrtReal(num_ex / den_ex)));
  if (inverse) {
    PetscReal nu, lam, nutrue;
    PetscCall(NbDDPINNGetCoefficient(run.dd, 0, &nu));
    PetscCall(NbDDPINNGetCoefficient(run.dd, 1, &lam));
    PetscCall(NbBurgersGetViscosity(b, &nutrue));
    PetscCall(NbReportAddReal(rep, "identified nu", "%.6g", nu));
    PetscCall(NbReportAddReal(rep, "identified nu, rel. error", "%.3e", PetscAbsReal(nu - nutrue) / nutrue));
    PetscCall(NbReportAddReal(rep, "identified lambda", "%.6g", lam));
    PetscCall(NbReportAddReal(rep, "identified lambda, rel. error", "%.3e", PetscAbsReal(lam - 1)));
  }
  PetscCall(VecDestroy(&E));
  PetscCall(VecDestroyVecs(nf, &run.upinn));
  PetscCall(NbDDPINNDestroy(&run.dd));
  PetscFunctionReturn(PETSC_SUCCESS);
}
