/* Least-squares optimizers on a residual vector r(theta) (NbOptimizerSetResidual),
   loss = ||r||^2 summed over the ranks, g = J^T r (half its gradient):
     gn  Gauss-Newton: (J^T J + lambda I) x = -g with a fixed damping
         (-opt_gn_damping, default 0), then a backtracking line search on
         the loss with Armijo's condition (Nocedal & Wright 2006, Alg. 3.1
         and sec. 10.3);
     lm  Levenberg-Marquardt with trust-region damping: lambda adapted by
         the gain ratio of actual to predicted decrease (Nielsen 1999; Madsen,
         Nielsen & Tingleff 2004, eq. 3.13 and 3.16), D = I or Marquardt's
         scaling D = diag(J^T J) (Marquardt 1963), kept as the largest seen
         (More 1978).
   The dense solves are nn/lsq.c's (ScaLAPACK on a BLACS grid). Every rank
   computes the same step, so the replicated parameters stay the same. */
#define _DEFAULT_SOURCE /* sysconf(_SC_PHYS_PAGES) */
#include <unistd.h>
#include "lsqimpl.h"
#include <petscblaslapack.h>

typedef struct {
  PetscBool   lm, marquardt, stop;
  NbLSQSolver solver;
  NbLSQ       lsq;
  PetscReal   damping, tau, lambda, nu, maxmem;
  PetscInt    nmax; /* rows the buffers hold */
  PetscReal  *J, *r, *g, *d, *dJ, *x, *save;
  char        why[96];
} NbGN;

PetscErrorCode NbOptimizerSetResidual(NbOptimizer o, NbResidualFn fn, void *ctx)
{
  PetscFunctionBegin;
  o->residual = fn;
  o->resctx   = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetBLACSGrid(NbOptimizer o, PetscInt p, PetscInt q)
{
  PetscFunctionBegin;
  PetscCheck(p > 0 && q > 0 && p * q == o->size, o->comm, PETSC_ERR_USER_INPUT, "The BLACS grid %d x %d has %d processes but the optimizer's communicator has %d ranks: give p,q with p q = %d (-pinn_blacs_grid p,q)", (int)p, (int)q, (int)(p * q), (int)o->size, (int)o->size);
  o->blacs[0] = p;
  o->blacs[1] = q;
  if (o->ops.step && o->setup) o->setup = PETSC_FALSE; /* a new grid at the next step */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the memory a rank may use: -opt_max_memory, else the physical memory over the ranks sharing the node */
static PetscErrorCode MemoryLimit(NbOptimizer o, PetscLogDouble *bytes)
{
  NbGN       *s = (NbGN *)o->data;
  MPI_Comm    node;
  PetscMPIInt nnode;

  PetscFunctionBegin;
  if (s->maxmem > 0) {
    *bytes = s->maxmem * 1e9;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCallMPI(MPI_Comm_split_type(o->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &nnode));
  PetscCallMPI(MPI_Comm_free(&node));
  *bytes = (PetscLogDouble)sysconf(_SC_PHYS_PAGES) * (PetscLogDouble)sysconf(_SC_PAGESIZE) / nnode;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* buffers for nmax rows, after the check that they and the dense solve fit */
static PetscErrorCode Reserve(NbOptimizer o, PetscInt nmax)
{
  NbGN          *s = (NbGN *)o->data;
  PetscInt       P = o->model->ntrain;
  PetscInt64     N = (PetscInt64)nmax * o->size;
  PetscLogDouble need, limit;

  PetscFunctionBegin;
  if (nmax <= s->nmax) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbLSQMemory(s->lsq, P, nmax, &need));
  PetscCall(MemoryLimit(o, &limit));
  PetscCheck(need <= limit, o->comm, PETSC_ERR_MEM, "%s: the dense solve with P = %d parameters and %lld residual rows needs %.3g GB per rank (J and the P x P matrices on a %d x %d grid), more than the %.3g GB allowed (-opt_max_memory, default the physical memory per rank): use more ranks, fewer parameters or fewer points",
             o->type, (int)P, (long long)N, need / 1e9, (int)o->blacs[0], (int)o->blacs[1], limit / 1e9);
  PetscCall(PetscFree2(s->J, s->r));
  PetscCall(PetscMalloc2((size_t)nmax * P, &s->J, nmax, &s->r));
  s->nmax = nmax;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* r (and J) at the current parameters, padded with zero rows to s->nmax; loss = ||r||^2 */
static PetscErrorCode Residual(NbOptimizer o, PetscBool jac, PetscReal *loss)
{
  NbGN     *s = (NbGN *)o->data;
  NbModel   m = o->model;
  PetscInt  P = m->ntrain, n, n2, nmax;
  PetscReal l = 0;

  PetscFunctionBegin;
  PetscCall((*o->residual)(m, &n, NULL, NULL, o->resctx));
  PetscCallMPI(MPI_Allreduce(&n, &nmax, 1, MPIU_INT, MPI_MAX, o->comm));
  PetscCall(Reserve(o, PetscMax(nmax, 1)));
  n2 = n;
  PetscCall((*o->residual)(m, &n2, s->r, jac ? s->J : NULL, o->resctx));
  PetscCheck(n2 == n, PETSC_COMM_SELF, PETSC_ERR_PLIB, "The residual function gave %d rows after announcing %d", (int)n2, (int)n);
  for (PetscInt i = n; i < s->nmax; i++) s->r[i] = 0;
  if (jac) PetscCall(PetscArrayzero(s->J + (size_t)n * P, (size_t)(s->nmax - n) * P));
  for (PetscInt i = 0; i < n; i++) l += s->r[i] * s->r[i];
  PetscCall(MPIU_Allreduce(&l, loss, 1, MPIU_REAL, MPIU_SUM, o->comm));
  PetscCheck(!PetscIsInfOrNanReal(*loss), o->comm, PETSC_ERR_FP, "%s: the loss is %g at step %d", o->type, (double)*loss, (int)o->step);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* g = J^T r and dJ = diag(J^T J), summed over the ranks; the dense problem set */
static PetscErrorCode Linearize(NbOptimizer o)
{
  NbGN        *s = (NbGN *)o->data;
  PetscInt     P = o->model->ntrain;
  PetscBLASInt bP, bn, one = 1;
  PetscReal    a = 1, z = 0;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(P, &bP));
  PetscCall(PetscBLASIntCast(s->nmax, &bn));
  PetscCallBLAS("BLASgemv", BLASgemv_("N", &bP, &bn, &a, s->J, &bP, s->r, &one, &z, s->g, &one));
  for (PetscInt j = 0; j < P; j++) s->dJ[j] = 0;
  for (PetscInt i = 0; i < s->nmax; i++)
    for (PetscInt j = 0; j < P; j++) s->dJ[j] += s->J[i * P + j] * s->J[i * P + j];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s->g, P, MPIU_REAL, MPIU_SUM, o->comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s->dJ, P, MPIU_REAL, MPIU_SUM, o->comm));
  PetscCall(NbLSQSetJacobian(s->lsq, P, s->nmax, s->J, s->r));
  PetscCall(PetscLogFlops(4.0 * P * s->nmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Dot(PetscInt n, const PetscReal a[], const PetscReal b[])
{
  PetscReal t = 0;
  for (PetscInt i = 0; i < n; i++) t += a[i] * b[i];
  return t;
}

static void Move(NbModel m, const PetscReal base[], PetscReal alpha, const PetscReal x[])
{
  for (PetscInt j = 0; j < m->ntrain; j++) m->params[j] = base[j] + alpha * x[j];
}

static PetscErrorCode Finish(NbOptimizer o, PetscReal loss, PetscReal lambda, PetscReal alpha)
{
  PetscFunctionBegin;
  o->step++;
  PetscCall(NbOptimizerPushHistory_Private(o, loss));
  if (o->stepmonitor) PetscCall((*o->stepmonitor)(o, o->step, loss, o->stepmonctx));
  if (o->monitor && (o->step % o->monitorevery == 0 || o->step == 1)) PetscCall(PetscPrintf(o->comm, "  %s step %5d loss %.10e lambda %.3e step length %.3e\n", o->type, (int)o->step, (double)loss, (double)lambda, (double)alpha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GNStep(NbOptimizer o, PetscReal *loss)
{
  NbGN     *s = (NbGN *)o->data;
  NbModel   m = o->model;
  PetscInt  P = m->ntrain, info, k;
  PetscReal slope, alpha = 1, trial = 0;

  PetscFunctionBegin;
  if (o->prestep) PetscCall((*o->prestep)(o, o->step, o->prectx));
  PetscCall(Residual(o, PETSC_TRUE, loss));
  PetscCall(Linearize(o));
  PetscCall(NbLSQSolve(s->lsq, s->damping, NULL, s->g, s->x, &info));
  if (info > 0) {
    PetscReal dmax = 0;
    for (PetscInt j = 0; j < P; j++) dmax = PetscMax(dmax, s->dJ[j]);
    SETERRQ(o->comm, PETSC_ERR_NOT_CONVERGED, "gn: the normal matrix J^T J + %g I is not positive definite (Cholesky fails at its leading minor %d of %d): the Jacobian is rank-deficient. Add damping, -opt_gn_damping %.1e (1e-10 of its largest diagonal entry %.3e), or use -opt_type lm", (double)s->damping, (int)info, (int)P, 1e-10 * dmax, dmax);
  }
  slope = 2 * Dot(P, s->g, s->x); /* the loss's derivative along x */
  PetscCall(PetscArraycpy(s->save, m->params, P));
  for (k = 0; k < 40; k++, alpha /= 2) {
    Move(m, s->save, alpha, s->x);
    PetscCall(Residual(o, PETSC_FALSE, &trial));
    if (trial <= *loss + 1e-4 * alpha * slope) break;
  }
  if (k == 40 || slope >= 0) {
    PetscCall(PetscArraycpy(m->params, s->save, P));
    s->stop = PETSC_TRUE;
    PetscCall(PetscSNPrintf(s->why, sizeof(s->why), "the line search found no decrease (slope %.3e)", (double)slope));
  }
  PetscCall(Finish(o, *loss, s->damping, alpha));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Marquardt's scaling: the largest diag(J^T J) seen, floored so that D stays positive */
static void Scaling(NbGN *s, PetscInt P)
{
  PetscReal dmax = 0;

  for (PetscInt j = 0; j < P; j++) dmax = PetscMax(dmax, s->dJ[j]);
  for (PetscInt j = 0; j < P; j++) s->d[j] = s->marquardt ? PetscMax(s->d[j], PetscMax(s->dJ[j], 1e-12 * dmax)) : 1;
}

static PetscErrorCode LMStep(NbOptimizer o, PetscReal *loss)
{
  NbGN     *s = (NbGN *)o->data;
  NbModel   m = o->model;
  PetscInt  P = m->ntrain, info, k;
  PetscReal trial = 0, rho = -1;

  PetscFunctionBegin;
  if (o->prestep) PetscCall((*o->prestep)(o, o->step, o->prectx));
  PetscCall(Residual(o, PETSC_TRUE, loss));
  PetscCall(Linearize(o));
  Scaling(s, P);
  if (s->lambda <= 0) { /* tau times the largest diagonal entry of J^T J in the scaled variables */
    for (PetscInt j = 0; j < P; j++) s->lambda = PetscMax(s->lambda, s->dJ[j] / s->d[j]);
    s->lambda = PetscMax(s->tau * s->lambda, PETSC_SMALL);
  }
  PetscCall(PetscArraycpy(s->save, m->params, P));
  for (k = 0; k < 60 && rho <= 0; k++) {
    PetscReal pred;
    PetscCall(NbLSQSolve(s->lsq, s->lambda, s->d, s->g, s->x, &info));
    if (info == 0) {
      for (PetscInt j = 0; j < P; j++) s->dJ[j] = s->lambda * s->d[j] * s->x[j] - s->g[j]; /* dJ reused as scratch */
      pred = Dot(P, s->x, s->dJ);
      Move(m, s->save, 1, s->x);
      PetscCall(Residual(o, PETSC_FALSE, &trial));
      rho = pred > 0 ? (*loss - trial) / pred : -1;
    }
    if (rho > 0) s->lambda *= PetscMax(1.0 / 3, 1 - PetscPowReal(2 * rho - 1, 3)), s->nu = 2;
    else s->lambda *= s->nu, s->nu *= 2;
    if (s->lambda > 1e30) break;
  }
  if (rho <= 0) {
    PetscCall(PetscArraycpy(m->params, s->save, P));
    s->stop = PETSC_TRUE;
    PetscCall(PetscSNPrintf(s->why, sizeof(s->why), "no step decreased the loss (lambda %.3e)", (double)s->lambda));
  }
  PetscCall(Finish(o, *loss, s->lambda, rho > 0 ? 1 : 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GNSolve(NbOptimizer o)
{
  NbGN     *s = (NbGN *)o->data;
  PetscReal l = 0;
  PetscInt  k;

  PetscFunctionBegin;
  s->stop = PETSC_FALSE;
  for (k = 0; k < o->maxsteps && !s->stop; k++) {
    PetscCall(NbOptimizerStep(o, &l));
    if (l < o->losstol) break;
  }
  if (o->monitor) PetscCall(PetscPrintf(o->comm, "  %s: %d steps, loss %.10e%s%s\n", o->type, (int)k, (double)l, s->stop ? ", stopped: " : "", s->stop ? s->why : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GNSetUp(NbOptimizer o)
{
  NbGN    *s = (NbGN *)o->data;
  PetscInt P = o->model->ntrain;

  PetscFunctionBegin;
  PetscCheck(o->residual, o->comm, PETSC_ERR_ARG_WRONGSTATE, "%s needs a residual vector and its Jacobian: call NbOptimizerSetResidual()", o->type);
  PetscCheck(o->model->nprivate == 0, o->comm, PETSC_ERR_SUP, "%s works on a replicated model; this one has %d parameters private to each rank (a decomposed PINN: use -pinn_optimizer lbfgs)", o->type, (int)o->model->nprivate);
  PetscCall(NbLSQDestroy(&s->lsq));
  PetscCall(NbLSQCreate(o->comm, o->blacs[0], o->blacs[1], s->solver, &s->lsq));
  if (!o->blacs[0]) NbLSQDefaultGrid(o->size, &o->blacs[0], &o->blacs[1]);
  PetscCall(PetscFree2(s->J, s->r));
  PetscCall(PetscFree5(s->g, s->d, s->dJ, s->x, s->save));
  s->nmax = 0;
  PetscCall(PetscMalloc5(P, &s->g, P, &s->d, P, &s->dJ, P, &s->x, P, &s->save));
  for (PetscInt j = 0; j < P; j++) s->d[j] = s->marquardt ? 0 : 1;
  s->lambda = 0;
  s->nu     = 2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GNSetFromOptions(NbOptimizer o, PetscOptionItems *PetscOptionsObject)
{
  NbGN *s = (NbGN *)o->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, s->lm ? "Levenberg-Marquardt" : "Gauss-Newton");
  PetscCall(PetscOptionsEnum("-opt_lsq_solver", "Dense solve: normal equations with J^T J by PDSYRK (cholesky) or by each rank's DSYRK and an allreduce (local), or QR of the augmented matrix (qr)", "", NbLSQSolvers, (PetscEnum)s->solver, (PetscEnum *)&s->solver, NULL));
  PetscCall(PetscOptionsReal("-opt_max_memory", "GB a rank may use for J and the dense matrices (0: the physical memory per rank)", "", s->maxmem, &s->maxmem, NULL));
  if (s->lm) {
    PetscCall(PetscOptionsReal("-opt_lm_tau", "Initial damping relative to the largest diagonal entry of J^T J", "", s->tau, &s->tau, NULL));
    PetscCall(PetscOptionsBool("-opt_lm_scaling", "Marquardt's scaling D = diag(J^T J) instead of D = I", "", s->marquardt, &s->marquardt, NULL));
  } else PetscCall(PetscOptionsReal("-opt_gn_damping", "lambda of (J^T J + lambda I)", "", s->damping, &s->damping, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(s->damping >= 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_gn_damping %g must be >= 0", (double)s->damping);
  PetscCheck(s->tau > 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_lm_tau %g must be positive", (double)s->tau);
  PetscCheck(s->maxmem >= 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_max_memory %g must be >= 0 (0: the physical memory)", (double)s->maxmem);
  o->setup = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GNView(NbOptimizer o, PetscViewer v)
{
  NbGN *s = (NbGN *)o->data;

  PetscFunctionBegin;
  if (s->lm) PetscCall(PetscViewerASCIIPrintf(v, "trust-region damping, tau %g, %s scaling\n", (double)s->tau, s->marquardt ? "Marquardt's diag(J^T J)" : "identity"));
  else PetscCall(PetscViewerASCIIPrintf(v, "damping %g, backtracking line search (Armijo)\n", (double)s->damping));
  if (s->lsq) PetscCall(NbLSQView(s->lsq, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode GNDestroy(NbOptimizer o)
{
  NbGN *s = (NbGN *)o->data;

  PetscFunctionBegin;
  PetscCall(NbLSQDestroy(&s->lsq));
  PetscCall(PetscFree2(s->J, s->r));
  PetscCall(PetscFree5(s->g, s->d, s->dJ, s->x, s->save));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOptimizerOps GNOps = {.destroy = GNDestroy, .setfromoptions = GNSetFromOptions, .setup = GNSetUp, .step = GNStep, .solve = GNSolve, .view = GNView};

static PetscErrorCode Create(NbOptimizer o, PetscBool lm)
{
  NbGN *s;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->lm  = lm;
  s->tau = 1e-3; /* Madsen, Nielsen & Tingleff 2004, sec. 3.2: 1e-6 .. 1 */
  o->data = s;
  o->ops  = GNOps;
  if (lm) o->ops.step = LMStep;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerCreate_GN(NbOptimizer o) { return Create(o, PETSC_FALSE); }
PetscErrorCode NbOptimizerCreate_LM(NbOptimizer o) { return Create(o, PETSC_TRUE); }
