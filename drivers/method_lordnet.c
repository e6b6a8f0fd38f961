/* The lordnet method (nabla-poisson -method lordnet): a neural operator
   (operators/, -operator_type lordnet|local) trained on N random samples of
   the variable-coefficient Poisson family by the MSR of their assembled
   five-point operators alone, then judged on M held-out samples against
   the PETSc solve of the same discrete problem on the problem's grid (CG +
   GAMG to rtol 1e-10 unless -sample_ksp_* / -sample_pc_* say otherwise),
   and timed against the PETSc solve at matched accuracy (the loosest rtol
   10^-k whose solution is as close to the tight one as the network's).
   Output frame k is held-out sample k: kappa, f, u (PETSc), u_lordnet,
   u_lordnet_err = u_lordnet - u; /history/loss is the training loss. */
#include "methodimpl.h"
#include "nboperator.h"

typedef struct {
  NbPoissonFamily fam;
  NbOperator      op;
  char            kprefix[128]; /* the held-out solves' options prefix: -sample_ksp_*, -sample_pc_* */
  Mat             A;
  Vec             kappa, f, b, u, ul, un, v; /* un: natural ordering; v: a looser PETSc solution */
  PetscInt        nx, ny;
  /* held-out statistics */
  PetscReal       errsum, errmax, wallref, wallnet, wallmatched, logrtol;
  PetscInt        itsref;
} MethodLordNet;

static PetscErrorCode Destroy_LordNet(NbMethod m)
{
  MethodLordNet *d = (MethodLordNet *)m->data;

  PetscFunctionBegin;
  PetscCall(NbOperatorDestroy(&d->op));
  PetscCall(NbPoissonFamilyDestroy(&d->fam));
  PetscCall(MatDestroy(&d->A));
  PetscCall(VecDestroy(&d->kappa));
  PetscCall(VecDestroy(&d->f));
  PetscCall(VecDestroy(&d->b));
  PetscCall(VecDestroy(&d->u));
  PetscCall(VecDestroy(&d->ul));
  PetscCall(VecDestroy(&d->un));
  PetscCall(VecDestroy(&d->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the held-out samples' vectors and matrix on the problem's grid */
static PetscErrorCode CreateSampleSolver(NbMethod m, DM da, const char prefix[])
{
  MethodLordNet *d = (MethodLordNet *)m->data;

  PetscFunctionBegin;
  PetscCall(DMCreateMatrix(da, &d->A));
  PetscCall(DMCreateGlobalVector(da, &d->kappa));
  PetscCall(VecDuplicate(d->kappa, &d->f));
  PetscCall(VecDuplicate(d->kappa, &d->b));
  PetscCall(VecDuplicate(d->kappa, &d->u));
  PetscCall(VecDuplicate(d->kappa, &d->ul));
  PetscCall(VecDuplicate(d->kappa, &d->v));
  PetscCall(DMDACreateNaturalVector(da, &d->un));
  PetscCall(PetscSNPrintf(d->kprefix, sizeof(d->kprefix), "%ssample_", prefix ? prefix : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* x = A^-1 b by a KSP made for this solve (CG + GAMG, true residual below
   rtol, unless -sample_ksp_* / -sample_pc_* say otherwise; with force the
   given rtol overrides the options): set-up and solve timed, nothing
   reused from another sample or trial */
static PetscErrorCode SolveFresh(NbMethod m, PetscReal rtol, PetscBool force, Vec x, PetscInt *its, double *wall, KSPConvergedReason *reason)
{
  MethodLordNet *d = (MethodLordNet *)m->data;
  KSP            ksp;
  PC             pc;
  double         t0;

  PetscFunctionBegin;
  PetscCall(KSPCreate(m->comm, &ksp));
  PetscCall(KSPSetOptionsPrefix(ksp, d->kprefix));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCGAMG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, rtol, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(KSPSetFromOptions(ksp));
  if (force) PetscCall(KSPSetTolerances(ksp, rtol, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(KSPSetOperators(ksp, d->A, d->A));
  t0 = NbWallTime();
  PetscCall(KSPSetUp(ksp));
  PetscCall(KSPSolve(ksp, d->b, x));
  *wall = NbWallTime() - t0;
  PetscCall(KSPGetIterationNumber(ksp, its));
  PetscCall(KSPGetConvergedReason(ksp, reason));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Refuses problems without the variable-coefficient Poisson residual, then
   makes the family, the operator (every option read) and the solver. */
static PetscErrorCode SetUp_LordNet(NbMethod m)
{
  MethodLordNet *d = (MethodLordNet *)m->data;
  const char    *type, *prefix;
  PetscBool      poisson;
  DM             da;

  PetscFunctionBegin;
  PetscCall(NbProblemGetType(m->problem, &type));
  PetscCall(PetscStrcmp(type, "poisson", &poisson));
  PetscCheck(poisson, m->comm, PETSC_ERR_SUP, "-method lordnet needs the variable-coefficient Poisson residual (nabla-poisson); problem '%s' has no residual for it yet (LordNet for Burgers and Navier-Stokes is not implemented): use -method pinn or reference", type);
  PetscCall(NbProblemGetOptionsPrefix(m->problem, &prefix));
  PetscCall(NbProblemGetDM(m->problem, &da));
  PetscCall(DMDAGetInfo(da, NULL, &d->nx, &d->ny, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(NbPoissonFamilyCreate(m->comm, &d->fam));
  PetscCall(NbPoissonFamilySetOptionsPrefix(d->fam, prefix));
  PetscCall(NbPoissonFamilySetFromOptions(d->fam));
  PetscCall(NbOperatorCreate(m->comm, &d->op));
  PetscCall(NbOperatorSetOptionsPrefix(d->op, prefix));
  PetscCall(NbOperatorSetFamily(d->op, d->fam, d->nx, d->ny));
  PetscCall(NbOperatorSetFromOptions(d->op));
  PetscCall(NbOperatorSetUp(d->op));
  PetscCall(CreateSampleSolver(m, da, prefix));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* predictions of the held-out samples, this rank's block of them: *pred
   (nl x L); the forward passes timed (the inputs, like the PETSc side's
   kappa and f, are made outside the timed region) */
static PetscErrorCode PredictHeldOut(NbMethod m, PetscInt ntrain, PetscInt ntest, PetscInt64 *off, PetscInt *nl, PetscReal **pred)
{
  MethodLordNet *d = (MethodLordNet *)m->data;
  PetscInt64    *idx;
  double         wall;

  PetscFunctionBegin;
  PetscCall(NbPartition(m->comm, ntest, off, nl));
  PetscCall(PetscMalloc1(*nl + 1, &idx));
  PetscCall(PetscMalloc1((size_t)(*nl) * d->nx * d->ny + 1, pred));
  for (PetscInt k = 0; k < *nl; k++) idx[k] = ntrain + *off + k;
  PetscCall(NbOperatorPredict(d->op, *nl, idx, *pred));
  PetscCall(NbOperatorGetTimes(d->op, NULL, &wall));
  PetscCallMPI(MPI_Allreduce(&wall, &d->wallnet, 1, MPI_DOUBLE, MPI_MAX, m->comm)); /* the ranks predict side by side */
  PetscCall(PetscFree(idx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* u_lordnet of held-out sample k (owned by the rank whose block holds it) onto the problem's grid */
static PetscErrorCode ScatterPrediction(NbMethod m, DM da, PetscInt k, PetscInt64 off, PetscInt nl, const PetscReal pred[], PetscReal *buf)
{
  MethodLordNet *d = (MethodLordNet *)m->data;
  PetscInt       L = d->nx * d->ny, lo, hi;
  PetscMPIInt    root, mine = (k >= off && k < off + nl) ? m->rank : 0;
  PetscScalar   *un;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&mine, &root, 1, MPI_INT, MPI_MAX, m->comm));
  if (m->rank == root) PetscCall(PetscArraycpy(buf, pred + (size_t)(k - off) * L, L));
  PetscCallMPI(MPI_Bcast(buf, (PetscMPIInt)L, MPIU_REAL, root, m->comm));
  PetscCall(VecGetOwnershipRange(d->un, &lo, &hi));
  PetscCall(VecGetArray(d->un, &un));
  for (PetscInt i = lo; i < hi; i++) un[i - lo] = buf[i];
  PetscCall(VecRestoreArray(d->un, &un));
  PetscCall(DMDANaturalToGlobalBegin(da, d->un, INSERT_VALUES, d->ul));
  PetscCall(DMDANaturalToGlobalEnd(da, d->un, INSERT_VALUES, d->ul));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Matched accuracy: the loosest rtol = 10^-k (k = 1 .. 10) whose PETSc
   solution is within err (the network's error on this sample) of the tight
   one u, and the time of that solve from zero, preconditioner set-up
   included. */
static PetscErrorCode MatchedSolve(NbMethod m, PetscReal err)
{
  MethodLordNet *d = (MethodLordNet *)m->data;
  PetscReal      rtol = 1, un, en;
  double         wall = 0;

  PetscFunctionBegin;
  PetscCall(VecNorm(d->u, NORM_2, &un));
  for (PetscInt k = 1; k <= 10; k++) {
    KSPConvergedReason reason;
    PetscInt           its;
    rtol = PetscPowReal(10, (PetscReal)-k);
    PetscCall(SolveFresh(m, rtol, PETSC_TRUE, d->v, &its, &wall, &reason));
    PetscCall(VecAXPY(d->v, -1, d->u));
    PetscCall(VecNorm(d->v, NORM_2, &en));
    if (en <= err * un) break;
  }
  d->wallmatched += wall;
  d->logrtol += PetscLog10Real(rtol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the PETSc solve of held-out sample a (set-up and solve timed), its error, its frame */
static PetscErrorCode JudgeSample(NbMethod m, NbOutput out, DM da, PetscInt k, PetscInt64 a)
{
  MethodLordNet     *d = (MethodLordNet *)m->data;
  KSPConvergedReason reason;
  PetscReal          en, un;
  PetscInt           its;
  double             wall;

  PetscFunctionBegin;
  PetscCall(NbPoissonFamilyGetSample(d->fam, da, a, d->kappa, d->f));
  PetscCall(NbPoissonAssemble(da, d->kappa, d->f, d->A, d->b));
  PetscCall(SolveFresh(m, 1e-10, PETSC_FALSE, d->u, &its, &wall, &reason));
  d->wallref += wall;
  PetscCheck(reason > 0, m->comm, PETSC_ERR_NOT_CONVERGED, "The PETSc solve of held-out sample %lld did not converge (%s): adjust -sample_ksp_* / -sample_pc_*", (long long)a, KSPConvergedReasons[reason]);
  d->itsref += its;
  PetscCall(VecNorm(d->u, NORM_2, &un));
  PetscCall(VecAXPY(d->ul, -1, d->u)); /* ul = u_lordnet - u */
  PetscCall(VecNorm(d->ul, NORM_2, &en));
  d->errsum += en / un;
  d->errmax = PetscMax(d->errmax, en / un);
  PetscCall(MatchedSolve(m, en / un));
  PetscCall(NbOutputBeginStep(out, (PetscReal)k));
  PetscCall(NbOutputWriteField(out, "kappa", d->kappa));
  PetscCall(NbOutputWriteField(out, "f", d->f));
  PetscCall(NbOutputWriteField(out, "u", d->u));
  PetscCall(NbOutputWriteField(out, "u_lordnet_err", d->ul));
  PetscCall(VecAXPY(d->ul, 1, d->u));
  PetscCall(NbOutputWriteField(out, "u_lordnet", d->ul));
  PetscCall(NbOutputEndStep(out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report(NbMethod m, NbOutput out, NbReport rep, PetscInt ntrain, PetscInt ntest)
{
  MethodLordNet   *d = (MethodLordNet *)m->data;
  NbOptimizer      opt, lbfgs;
  NbModel          model;
  const PetscReal *hist, *hl = NULL;
  const char      *type;
  PetscInt         nh, nl = 0, P;
  double           train;
  char             grid[64];

  PetscFunctionBegin;
  PetscCall(NbOperatorGetOptimizers(d->op, &opt, &lbfgs));
  if (lbfgs) { /* the L-BFGS phase: its history, and the final loss is its last */
    PetscCall(NbOptimizerGetHistory(lbfgs, &nl, &hl));
    PetscCall(NbOutputWriteHistory(out, "loss_lbfgs", nl, hl));
  }
  PetscCall(NbOptimizerGetHistory(opt, &nh, &hist));
  PetscCall(NbOutputWriteHistory(out, "loss", nh, hist));
  PetscCall(NbOperatorGetModel(d->op, &model));
  PetscCall(NbModelGetNumParameters(model, &P));
  PetscCall(NbOperatorGetType(d->op, &type));
  PetscCall(NbOperatorGetTimes(d->op, &train, NULL));
  PetscCall(PetscSNPrintf(grid, sizeof(grid), "%d x %d nodes, %d rank(s)", (int)d->nx, (int)d->ny, (int)m->size));
  PetscCall(NbReportAddString(rep, "grid", grid));
  PetscCall(NbReportAddString(rep, "operator", type));
  PetscCall(NbReportAddInt(rep, "parameters", P));
  PetscCall(NbReportAddInt(rep, "training samples", ntrain));
  PetscCall(NbReportAddInt(rep, "Adam steps", nh));
  if (lbfgs) PetscCall(NbReportAddInt(rep, "L-BFGS iterations (all training samples)", nl));
  PetscCall(NbReportAddReal(rep, "final training MSR", "%.3e", nl ? hl[nl - 1] : (nh ? hist[nh - 1] : -1)));
  PetscCall(NbReportAddReal(rep, "training time [s]", "%.2f", train));
  PetscCall(NbReportAddInt(rep, "held-out samples", ntest));
  if (ntest < 1) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbReportAddReal(rep, "held-out rel. L2 error vs PETSc, mean", "%.3e", d->errsum / ntest));
  PetscCall(NbReportAddReal(rep, "held-out rel. L2 error vs PETSc, worst", "%.3e", d->errmax));
  PetscCall(NbReportAddReal(rep, "inference time per sample [s]", "%.3e", d->wallnet / ntest));
  PetscCall(NbReportAddReal(rep, "PETSc solve time per sample [s]", "%.3e", d->wallref / ntest));
  PetscCall(NbReportAddReal(rep, "PETSc Krylov iterations per sample", "%.1f", (PetscReal)d->itsref / ntest));
  PetscCall(NbReportAddReal(rep, "speed-up of inference over the PETSc solve", "%.2f", d->wallref / PetscMax(d->wallnet, 1e-300)));
  PetscCall(NbReportAddReal(rep, "PETSc rtol at matched accuracy, geometric mean", "%.1e", PetscPowReal(10, d->logrtol / ntest)));
  PetscCall(NbReportAddReal(rep, "PETSc solve time per sample at matched accuracy [s]", "%.3e", d->wallmatched / ntest));
  PetscCall(NbReportAddReal(rep, "speed-up of inference at matched accuracy", "%.2f", d->wallmatched / PetscMax(d->wallnet, 1e-300)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run_LordNet(NbMethod m, NbOutput out, NbReport rep)
{
  MethodLordNet *d = (MethodLordNet *)m->data;
  PetscInt       ntrain, ntest, nl;
  PetscInt64     off;
  PetscReal     *pred, *buf, lo[2] = {0, 0}, hi[2] = {1, 1};
  DM             da;

  PetscFunctionBegin;
  PetscCall(NbProblemGetDM(m->problem, &da));
  PetscCall(NbOperatorGetSampleCounts(d->op, &ntrain, &ntest));
  PetscCall(NbOperatorTrain(d->op));
  PetscCall(PredictHeldOut(m, ntrain, ntest, &off, &nl, &pred));
  PetscCall(PetscMalloc1(d->nx * d->ny, &buf));
  PetscCall(NbOutputSetGrid(out, da, lo, hi));
  for (PetscInt k = 0; k < ntest; k++) {
    PetscCall(ScatterPrediction(m, da, k, off, nl, pred, buf));
    PetscCall(JudgeSample(m, out, da, k, ntrain + k));
  }
  PetscCall(PetscFree(buf));
  PetscCall(PetscFree(pred));
  PetscCall(Report(m, out, rep, ntrain, ntest));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_LordNet(NbMethod m, PetscViewer v)
{
  MethodLordNet *d = (MethodLordNet *)m->data;

  PetscFunctionBegin;
  if (d->op) PetscCall(NbOperatorView(d->op, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodCreate_LordNet(NbMethod m)
{
  static const MethodLordNet defaults = {0};
  static const NbMethodOps   ops      = {Destroy_LordNet, NULL, SetUp_LordNet, Run_LordNet, View_LordNet};

  PetscFunctionBegin;
  PetscCall(NbHeadSetTypeData(m, &defaults, sizeof(defaults), &m->ops, &ops, sizeof(ops)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
