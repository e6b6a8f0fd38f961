/* The pinn method on any NbProblem: the PETSc reference solve, a
   physics-informed network of the problem's PDE (any -pinn_dd type; with
   -uq ensemble|mcdropout|hmc an uncertain one built from the same PINN
   factory), trained on exactly the problem the reference solves (same
   domain, coefficients and data; observations of the reference in inverse
   runs), then evaluated at the problem's evaluation points of every frame
   and judged there against the reference and the exact solution. */
#include "methodimpl.h"

typedef struct {
  char        uqtype[32];
  NbPINN      pinn;
  NbUQ        uq;
  PetscBool   inverse;
  PetscInt    ndata;
  PetscReal   noise;
  PetscInt64  dataseed;
  PetscReal **v, **s; /* per frame, at the evaluation points: the PINN (or the mean) and the std */
} MethodPINN;

/* The factory of this method's networks: a PINN of the problem's PDE with
   the user's options. */
static PetscErrorCode Factory(MPI_Comm comm, NbPINN *pinn, void *ctx)
{
  NbMethod     m = (NbMethod)ctx;
  const NbPDE *pde;
  const char  *prefix;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(m->problem, &pde));
  PetscCall(NbProblemGetOptionsPrefix(m->problem, &prefix));
  PetscCall(NbPINNCreate(comm, pinn));
  PetscCall(NbPINNSetOptionsPrefix(*pinn, prefix));
  PetscCall(NbPINNSetPDE(*pinn, pde));
  PetscCall(NbPINNSetFromOptions(*pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetFromOptions_PINN(NbMethod m, PetscOptionItems *PetscOptionsObject)
{
  MethodPINN *d = (MethodPINN *)m->data;

  PetscFunctionBegin;
  PetscCall(PetscOptionsString("-uq", "Uncertainty of the PINN: none, ensemble, mcdropout, hmc", "NbUQSetType", d->uqtype, d->uqtype, sizeof(d->uqtype), NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Everything the user can get wrong, before the reference solve. */
static PetscErrorCode SetUp_PINN(NbMethod m)
{
  MethodPINN *d = (MethodPINN *)m->data;
  PetscBool   none;
  NbPINN      p;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(d->uqtype, "none", &none));
  if (none) {
    PetscCall(Factory(m->comm, &d->pinn, m));
    PetscCall(NbPINNSetUp(d->pinn)); /* every option of the network is read now; observations come later */
    p = d->pinn;
  } else {
    PetscCall(NbUQCreate(m->comm, &d->uq));
    PetscCall(NbUQSetType(d->uq, d->uqtype));
    PetscCall(NbUQSetFactory(d->uq, Factory, m));
    PetscCall(NbUQSetFromOptions(d->uq));
    PetscCall(NbUQSetUp(d->uq));
    PetscCall(NbUQGetPINN(d->uq, &p));
  }
  PetscCall(NbPINNGetInverse(p, &d->inverse, &d->ndata, &d->noise, &d->dataseed));
  if (d->inverse) PetscCall(NbProblemCheckObservations(m->problem, d->ndata));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------- evaluation */

/* f at the evaluation points of every frame: v[k] (n x nout), mean-free
   components with zero mean */
static PetscErrorCode EvaluateFrames(NbProblem prob, NbPointFn f, void *ctx, PetscReal **v)
{
  PetscInt nf, n;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  for (PetscInt k = 0; k < nf; k++) {
    PetscReal *x;
    PetscCall(NbProblemGetEvaluationInputs(prob, k, &n, &x));
    PetscCall((*f)(n, x, v[k], ctx));
    PetscCall(NbProblemRemoveMeans(prob, v[k]));
    PetscCall(PetscFree(x));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PINNPoints(PetscInt n, const PetscReal x[], PetscReal u[], void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbPINNEvaluate((NbPINN)ctx, n, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AllocFrames(NbProblem prob, PetscReal ***v)
{
  PetscInt   nf, n;
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  PetscCall(NbProblemGetEvaluationPoints(prob, &n, NULL, NULL, NULL));
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(PetscCalloc1(nf, v));
  for (PetscInt k = 0; k < nf; k++) PetscCall(PetscMalloc1((size_t)n * pde->nout + 1, &(*v)[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FreeFrames(NbProblem prob, PetscReal ***v)
{
  PetscInt nf;

  PetscFunctionBegin;
  if (!*v) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  for (PetscInt k = 0; k < nf; k++) PetscCall(PetscFree((*v)[k]));
  PetscCall(PetscFree(*v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pinn_monitor: the error against the reference, all frames */
static PetscErrorCode MonitorError(NbPINN pinn, PetscReal *err, void *ctx)
{
  NbMethod       m = (NbMethod)ctx;
  PetscReal    **v;
  NbProblemError e[NB_PDE_MAXOUT];

  PetscFunctionBegin;
  PetscCall(AllocFrames(m->problem, &v));
  PetscCall(EvaluateFrames(m->problem, PINNPoints, pinn, v));
  PetscCall(NbProblemComputeErrors(m->problem, v, e));
  *err = e[0].ref;
  PetscCall(FreeFrames(m->problem, &v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* v - reference at frame k (mean-free components with zero mean) */
static PetscErrorCode Difference(NbProblem prob, PetscInt k, const PetscReal v[], PetscReal d[])
{
  PetscInt     n;
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetEvaluationPoints(prob, &n, NULL, NULL, NULL));
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbProblemGetReferenceValues(prob, k, d));
  PetscCall(NbProblemRemoveMeans(prob, d));
  for (PetscInt i = 0; i < n * pde->nout; i++) d[i] = v[i] - d[i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The PINN's fields in frame k: u_pinn (per component), u_pinn_err and the
   type's own (aas_density, subdomain). */
static PetscErrorCode WritePINNFrame(NbProblem prob, NbOutput out, PetscInt k, void *ctx)
{
  NbMethod           m = (NbMethod)ctx;
  MethodPINN        *d = (MethodPINN *)m->data;
  PetscInt           n, nfields;
  const char *const *names;
  PetscReal         *x, *w;
  const NbPDE       *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbProblemGetEvaluationInputs(prob, k, &n, &x));
  PetscCall(NbProblemWriteValues(prob, out, "_pinn", d->v[k]));
  PetscCall(PetscMalloc1((size_t)n * PetscMax(pde->nout, 2) + 1, &w));
  PetscCall(Difference(prob, k, d->v[k], w));
  PetscCall(NbProblemWriteValues(prob, out, "_pinn_err", w));
  PetscCall(NbPINNGetFields(d->pinn, &nfields, &names));
  for (PetscInt f = 0; f < nfields; f++) {
    PetscReal *fv;
    PetscCall(PetscMalloc1((size_t)n * nfields + 1, &fv));
    PetscCall(NbPINNEvaluateFields(d->pinn, n, x, fv));
    for (PetscInt i = 0; i < n; i++) w[i] = fv[i * nfields + f];
    PetscCall(NbProblemWriteScalar(prob, out, names[f], w));
    PetscCall(PetscFree(fv));
  }
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* identified coefficients against the problem's */
static PetscErrorCode ReportInverse(NbMethod m, NbReport rep, NbPINN p)
{
  MethodPINN  *d = (MethodPINN *)m->data;
  const NbPDE *pde;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(m->problem, &pde));
  PetscCall(NbReportAddInt(rep, "observations", d->ndata));
  for (PetscInt k = 0; k < pde->ncoef; k++) {
    PetscReal c;
    char      key[64];
    PetscCall(NbPINNGetCoefficient(p, k, &c));
    PetscCall(PetscSNPrintf(key, sizeof(key), "identified %s", pde->coefname[k]));
    PetscCall(NbReportAddReal(rep, key, "%.6g", c));
    PetscCall(PetscSNPrintf(key, sizeof(key), "identified %s, rel. error", pde->coefname[k]));
    PetscCall(NbReportAddReal(rep, key, "%.3e", PetscAbsReal(c - pde->coef[k]) / PetscAbsReal(pde->coef[k])));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the reference's own error at the evaluation points */
static PetscErrorCode ReportReferenceError(NbProblem prob, NbReport rep)
{
  PetscInt              nf, ng;
  PetscBool             exact;
  PetscReal           **r;
  NbProblemError        e[NB_PDE_MAXOUT];
  const NbProblemGroup *g;

  PetscFunctionBegin;
  PetscCall(NbProblemHasExact(prob, &exact));
  if (!exact) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbProblemGetFrames(prob, &nf, NULL));
  PetscCall(NbProblemGetGroups(prob, &ng, &g));
  PetscCall(AllocFrames(prob, &r));
  for (PetscInt k = 0; k < nf; k++) PetscCall(NbProblemGetReferenceValues(prob, k, r[k]));
  PetscCall(NbProblemComputeErrors(prob, r, e));
  for (PetscInt k = 0; k < ng; k++) {
    char key[128];
    PetscCall(PetscSNPrintf(key, sizeof(key), "reference rel. L2 error%s%s vs exact at the points", g[k].name ? " of " : "", g[k].name ? g[k].name : ""));
    PetscCall(NbReportAddReal(rep, key, "%.3e", e[k].exact));
  }
  PetscCall(FreeFrames(prob, &r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunPINN(NbMethod m, NbOutput out, NbReport rep)
{
  MethodPINN *d = (MethodPINN *)m->data;

  PetscFunctionBegin;
  PetscCall(NbPINNSetOutput(d->pinn, out));
  PetscCall(NbPINNSetErrorMonitor(d->pinn, MonitorError, m));
  PetscCall(NbPINNSetUp(d->pinn));
  PetscCall(NbPINNTrain(d->pinn));
  PetscCall(AllocFrames(m->problem, &d->v));
  PetscCall(EvaluateFrames(m->problem, PINNPoints, d->pinn, d->v));
  PetscCall(NbProblemWriteFrames(m->problem, out, WritePINNFrame, m));
  PetscCall(NbProblemReport(m->problem, rep));
  PetscCall(NbPINNReport(d->pinn, rep));
  PetscCall(NbPINNWriteHistory(d->pinn, out));
  PetscCall(NbProblemReportErrors(m->problem, rep, "PINN", d->v));
  PetscCall(ReportReferenceError(m->problem, rep));
  PetscCall(NbProblemReportSolution(m->problem, rep, "PINN", PINNPoints, d->pinn));
  if (d->inverse) PetscCall(ReportInverse(m, rep, d->pinn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------- with UQ */

/* mean and std at the evaluation points of every frame; the global point
   index of frame k's block follows frames 0 .. k-1 (dropout masks follow it) */
static PetscErrorCode PredictFrames(NbMethod m)
{
  MethodPINN      *d = (MethodPINN *)m->data;
  PetscInt         nf, n;
  PetscInt64       N, off;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(m->problem, &nf, NULL));
  PetscCall(NbProblemGetEvaluationPoints(m->problem, &n, &N, &off, NULL));
  PetscCall(AllocFrames(m->problem, &d->v));
  PetscCall(AllocFrames(m->problem, &d->s));
  for (PetscInt k = 0; k < nf; k++) {
    PetscReal *x;
    PetscCall(NbProblemGetEvaluationInputs(m->problem, k, &n, &x));
    PetscCall(NbUQPredict(d->uq, (PetscInt64)nf * N, (PetscInt64)k * N + off, n, x, d->v[k], d->s[k]));
    PetscCall(NbProblemRemoveMeans(m->problem, d->v[k]));
    PetscCall(PetscFree(x));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The metrics of one group over all frames: mean, std and reference side
   by side in Vecs (mean-free groups: each frame's means removed). */
static PetscErrorCode GroupMetrics(NbMethod m, const NbProblemGroup *g, NbUQMetrics *mt)
{
  MethodPINN  *d = (MethodPINN *)m->data;
  PetscInt     nf, n, nc = g->c1 - g->c0, nout;
  const NbPDE *pde;
  Vec          M, S, R;
  PetscScalar *am, *as, *ar;
  PetscReal   *ref;

  PetscFunctionBegin;
  PetscCall(NbProblemGetFrames(m->problem, &nf, NULL));
  PetscCall(NbProblemGetEvaluationPoints(m->problem, &n, NULL, NULL, NULL));
  PetscCall(NbProblemGetPDE(m->problem, &pde));
  nout = pde->nout;
  PetscCall(VecCreateMPI(m->comm, nf * n * nc, PETSC_DETERMINE, &M));
  PetscCall(VecDuplicate(M, &S));
  PetscCall(VecDuplicate(M, &R));
  PetscCall(VecGetArray(M, &am));
  PetscCall(VecGetArray(S, &as));
  PetscCall(VecGetArray(R, &ar));
  PetscCall(PetscMalloc1((size_t)n * nout + 1, &ref));
  for (PetscInt k = 0; k < nf; k++) {
    PetscReal mean[2 * NB_PDE_MAXOUT] = {0};
    PetscCall(NbProblemGetReferenceValues(m->problem, k, ref));
    if (g->meanfree) {
      PetscInt64 N;
      for (PetscInt i = 0; i < n; i++)
        for (PetscInt c = 0; c < nc; c++) {
          mean[c] += d->v[k][i * nout + g->c0 + c];
          mean[nc + c] += ref[i * nout + g->c0 + c];
        }
      PetscCall(MPIU_Allreduce(MPI_IN_PLACE, mean, (PetscMPIInt)(2 * nc), MPIU_REAL, MPIU_SUM, m->comm));
      PetscCall(NbProblemGetEvaluationPoints(m->problem, NULL, &N, NULL, NULL));
      for (PetscInt c = 0; c < 2 * nc; c++) mean[c] /= (PetscReal)N;
    }
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < nc; c++) {
        PetscInt j = (k * n + i) * nc + c;
        am[j]      = d->v[k][i * nout + g->c0 + c] - mean[c];
        as[j]      = d->s[k][i * nout + g->c0 + c];
        ar[j]      = ref[i * nout + g->c0 + c] - mean[nc + c];
      }
  }
  PetscCall(PetscFree(ref));
  PetscCall(VecRestoreArray(M, &am));
  PetscCall(VecRestoreArray(S, &as));
  PetscCall(VecRestoreArray(R, &ar));
  PetscCall(NbUQComputeMetrics(M, S, R, mt));
  PetscCall(VecDestroy(&M));
  PetscCall(VecDestroy(&S));
  PetscCall(VecDestroy(&R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteUQFrame(NbProblem prob, NbOutput out, PetscInt k, void *ctx)
{
  MethodPINN  *d = (MethodPINN *)((NbMethod)ctx)->data;
  PetscInt     n;
  const NbPDE *pde;
  PetscReal   *w;

  PetscFunctionBegin;
  PetscCall(NbProblemGetPDE(prob, &pde));
  PetscCall(NbProblemGetEvaluationPoints(prob, &n, NULL, NULL, NULL));
  PetscCall(NbProblemWriteValues(prob, out, "_mean", d->v[k]));
  PetscCall(NbProblemWriteValues(prob, out, "_std", d->s[k]));
  PetscCall(PetscMalloc1((size_t)n * pde->nout + 1, &w));
  PetscCall(Difference(prob, k, d->v[k], w));
  PetscCall(NbProblemWriteValues(prob, out, "_mean_err", w));
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* "UQ[ <group>:] <what>": Burgers "UQ 95% coverage of the reference",
   Navier-Stokes "UQ velocity: 95% coverage of the reference" */
static PetscErrorCode AddMetric(NbReport rep, const char *group, const char *what, const char *fmt, PetscReal value)
{
  char key[160];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(key, sizeof(key), "UQ%s%s%s %s", group ? " " : "", group ? group : "", group ? ":" : "", what));
  PetscCall(NbReportAddReal(rep, key, fmt, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunUQ(NbMethod m, NbOutput out, NbReport rep)
{
  MethodPINN           *d = (MethodPINN *)m->data;
  PetscInt              ng;
  const NbProblemGroup *g;
  NbUQMetrics           first;
  NbPINN                p;
  PetscBool             hard;

  PetscFunctionBegin;
  PetscCall(NbUQRun(d->uq));
  PetscCall(PredictFrames(m));
  PetscCall(NbProblemWriteFrames(m->problem, out, WriteUQFrame, m));
  PetscCall(NbProblemReport(m->problem, rep));
  PetscCall(NbUQReport(d->uq, rep));
  PetscCall(NbUQGetPINN(d->uq, &p));
  PetscCall(NbPINNGetHard(p, &hard));
  PetscCall(NbProblemGetGroups(m->problem, &ng, &g));
  for (PetscInt k = 0; k < ng; k++) {
    NbUQMetrics mt;
    PetscCall(GroupMetrics(m, &g[k], &mt));
    if (k == 0) first = mt;
    if (g[k].meanfree && hard) {
      /* a hard constraint leaves the constant of a mean-free component free in
         every network: its spread is not an uncertainty of the solution */
      PetscCall(AddMetric(rep, g[k].name, "rel. L2 error of the mean vs reference (zero means)", "%.3e", mt.rel_l2));
      continue;
    }
    PetscCall(AddMetric(rep, g[k].name, "rel. L2 error of the mean vs reference", "%.3e", mt.rel_l2));
    PetscCall(AddMetric(rep, g[k].name, "95% coverage of the reference", "%.4f", mt.coverage95));
    PetscCall(AddMetric(rep, g[k].name, "mean CRPS", "%.3e", mt.crps));
    PetscCall(AddMetric(rep, g[k].name, "mean Gaussian NLL", "%.4g", mt.nll));
    PetscCall(AddMetric(rep, g[k].name, "mean predicted std", "%.3e", mt.mean_std));
  }
  for (PetscInt c = 0; c < 10; c++) {
    char key[96];
    PetscCall(PetscSNPrintf(key, sizeof(key), "UQ%s%s calibration: observed at nominal %.2f", g[0].name ? " " : "", g[0].name ? g[0].name : "", (double)first.nominal[c]));
    PetscCall(NbReportAddReal(rep, key, "%.4f", first.observed[c]));
  }
  PetscCall(NbUQWriteHistories(d->uq, out, &first));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run_PINN(NbMethod m, NbOutput out, NbReport rep)
{
  MethodPINN *d = (MethodPINN *)m->data;

  PetscFunctionBegin;
  PetscCall(NbProblemSolveReference(m->problem));
  if (d->inverse) {
    PetscReal *x, *u;
    PetscCall(NbProblemGetObservations(m->problem, d->ndata, d->dataseed, d->noise, &x, &u));
    if (d->pinn) PetscCall(NbPINNSetObservations(d->pinn, d->ndata, x, u));
    else PetscCall(NbUQSetObservations(d->uq, d->ndata, x, u));
    PetscCall(PetscFree2(x, u));
  }
  if (d->pinn) PetscCall(RunPINN(m, out, rep));
  else PetscCall(RunUQ(m, out, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_PINN(NbMethod m, PetscViewer v)
{
  MethodPINN *d = (MethodPINN *)m->data;

  PetscFunctionBegin;
  if (d->pinn) PetscCall(NbPINNView(d->pinn, v));
  if (d->uq) PetscCall(NbUQView(d->uq, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_PINN(NbMethod m)
{
  MethodPINN *d = (MethodPINN *)m->data;

  PetscFunctionBegin;
  if (m->problem && m->setup) {
    PetscCall(FreeFrames(m->problem, &d->v));
    PetscCall(FreeFrames(m->problem, &d->s));
  }
  PetscCall(NbPINNDestroy(&d->pinn));
  PetscCall(NbUQDestroy(&d->uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodCreate_PINN(NbMethod m)
{
  static const MethodPINN  defaults = {.uqtype = "none"};
  static const NbMethodOps ops      = {.destroy = Destroy_PINN, .setfromoptions = SetFromOptions_PINN, .setup = SetUp_PINN, .run = Run_PINN, .view = View_PINN};

  return NbHeadSetTypeData(m, &defaults, sizeof(defaults), &m->ops, &ops, sizeof(ops));
}
