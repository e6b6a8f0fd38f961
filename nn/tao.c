/* L-BFGS through PETSc TAO (default TAOLMVM; TAOBLMVM honours parameter
   bounds; every -tao_ option applies, with the optimizer's prefix).

   TAO sees the model's flat parameter buffer as its solution Vec without a
   copy (VecCreateMPIWithArray on the model's buffer): each rank's private
   entries (NbModelSetPrivate: a distributed model's own networks), and the
   replicated rest on rank 0 only, so that every parameter appears once in
   TAO's vector algebra, monitors and convergence tests. At each evaluation
   rank 0's replicated entries are broadcast, every rank computes its share
   of loss and gradient, and the gradient's entries of the same layout are
   handed to TAO. A replicated model (the default) lives on rank 0 alone. */
#include "nnimpl.h"
#include <string.h>
#include <petsc/private/taoimpl.h>

typedef struct {
  Tao        tao;
  Vec        x, xl, xu;
  PetscReal *save;
  PetscBool  fromoptions;
} NbLBFGS;

/* At TAO's solution Vec (the model's own buffer on rank 0) nothing is copied;
   TAO also evaluates at other Vecs (line-search trial points, gradient
   tests), and those must not overwrite the solution: they are copied in and
   the parameters restored afterwards. */
static PetscErrorCode ObjGrad(Tao tao, Vec X, PetscReal *f, Vec G, void *ctx)
{
  NbOptimizer        o = (NbOptimizer)ctx;
  NbLBFGS           *t = (NbLBFGS *)o->data;
  NbModel            m = o->model;
  PetscMPIInt        size;
  PetscBool          other = (PetscBool)(X != t->x);
  PetscInt           nloc;
  const PetscScalar *x;
  PetscScalar       *gv;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_TaoObjGrad, 0, 0, 0, 0));
  PetscCallMPI(MPI_Comm_size(o->comm, &size));
  PetscCall(VecGetLocalSize(X, &nloc));
  if (other) PetscCall(PetscArraycpy(t->save, m->params, m->ntrain));
  PetscCall(VecGetArrayRead(X, &x));
  if (x != m->params) PetscCall(PetscArraycpy(m->params, x, nloc));
  PetscCall(VecRestoreArrayRead(X, &x));
  if (size > 1) PetscCallMPI(MPI_Bcast(m->params + m->nprivate, (PetscMPIInt)(m->ntrain - m->nprivate), MPIU_REAL, 0, o->comm));
  PetscCall(NbOptimizerEvaluate_Private(o, f));
  PetscCall(VecGetArray(G, &gv));
  PetscCall(PetscArraycpy(gv, m->grad, nloc));
  PetscCall(VecRestoreArray(G, &gv));
  if (other) PetscCall(PetscArraycpy(m->params, t->save, m->ntrain));
  PetscCall(PetscLogEventEnd(NB_TaoObjGrad, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Monitor(Tao tao, void *ctx)
{
  NbOptimizer o = (NbOptimizer)ctx;
  PetscReal   f;
  PetscInt    its;

  PetscFunctionBegin;
  PetscCall(TaoGetSolutionStatus(tao, &its, &f, NULL, NULL, NULL, NULL));
  PetscCall(NbOptimizerPushHistory_Private(o, f));
  if (o->stepmonitor) PetscCall((*o->stepmonitor)(o, o->step + its, f, o->stepmonctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The L-BFGS matrix of lmvm and blmvm. PETSc 3.18 keeps it private to the
   type (TaoGetLMVMMatrix serves the bqnk family only); both types' data
   begin with it (src/tao/unconstrained/impls/lmvm/lmvm.h, bound/impls/
   blmvm/blmvm.h: typedef struct { Mat M; ... }). */
static PetscErrorCode GetLMVMMatrix(Tao tao, Mat *M)
{
  PetscFunctionBegin;
  PetscCheck(tao->data, PetscObjectComm((PetscObject)tao), PETSC_ERR_ARG_WRONGSTATE, "The Tao has no type yet");
  *M = *(Mat *)tao->data;
  PetscValidHeaderSpecific(*M, MAT_CLASSID, 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L-BFGS memory: TAO's default of 5 pairs is short for network losses; 50
   (Raissi et al. 2019 ran SciPy's L-BFGS-B with 50; PyTorch's LBFGS keeps
   100) took the default Burgers PINN from 1.6e-3 to 6.3e-4 at 2000 Adam +
   3000 L-BFGS (measured). Call after TaoSetFromOptions: the LMVM matrix of
   lmvm and blmvm gets 50 pairs unless its own option
   (-<its prefix>mat_lmvm_hist_size) was given. Nothing is written to the
   options database. */
static PetscErrorCode IsLMVM(TaoType type, PetscBool *lmvm)
{
  PetscBool b;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(type, TAOLMVM, lmvm));
  PetscCall(PetscStrcmp(type, TAOBLMVM, &b));
  *lmvm = (PetscBool)(*lmvm || b);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbTaoSetHistoryDefault(Tao tao)
{
  TaoType     type;
  PetscBool   lmvm, set;
  Mat         M;
  const char *mprefix;

  PetscFunctionBegin;
  PetscCall(TaoGetType(tao, &type));
  PetscCall(IsLMVM(type, &lmvm));
  if (!lmvm) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(GetLMVMMatrix(tao, &M));
  PetscCall(MatGetOptionsPrefix(M, &mprefix));
  PetscCall(PetscOptionsHasName(NULL, mprefix, "-mat_lmvm_hist_size", &set));
  if (!set) PetscCall(MatLMVMSetHistorySize(M, 50));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* TaoSolve that does not give up on a failed line search while iterations
   remain: PETSc's lmvm stops (DIVERGED_LS_FAILURE) when neither the
   quasi-Newton nor the gradient direction passes the line search, which on
   network losses happens far from a minimum (the cavity PINN stopped at
   iteration 438 of 3000 with a gradient norm of 0.5). The solve is then
   restarted from where it stopped, the L-BFGS memory cleared, up to 10
   times, and the iterations are counted over all restarts; a restart that
   fails at once ends it. */
PetscErrorCode NbTaoSolve(Tao tao, PetscInt *its_total, PetscInt *restarts)
{
  PetscInt           maxit, its, total = 0, r = 0;
  TaoConvergedReason reason;

  PetscFunctionBegin;
  PetscCall(TaoGetMaximumIterations(tao, &maxit));
  for (;; r++) {
    PetscCall(TaoSolve(tao));
    PetscCall(TaoGetIterationNumber(tao, &its));
    PetscCall(TaoGetConvergedReason(tao, &reason));
    total += its;
    if (reason != TAO_DIVERGED_LS_FAILURE || its == 0 || total >= maxit || r == 10) break;
    PetscCall(TaoSetMaximumIterations(tao, maxit - total));
  }
  PetscCall(TaoSetMaximumIterations(tao, maxit));
  if (its_total) *its_total = total;
  if (restarts) *restarts = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Sets the prefix and the default type TAOLMVM. PETSc 3.18's lmvm and blmvm
   give their L-BFGS matrix the fixed prefix tao_lmvm_ / tao_blmvm_, not the
   Tao's; the matrix here gets <prefix>tao_<type>_ instead, so that
   -<prefix>tao_lmvm_mat_lmvm_hist_size works like every other
   -<prefix>tao_ option. */
static PetscErrorCode PrepareTao(NbOptimizer o)
{
  NbLBFGS  *t = (NbLBFGS *)o->data;
  TaoType   type;
  PetscBool lmvm;

  PetscFunctionBegin;
  PetscCall(TaoSetOptionsPrefix(t->tao, o->prefix));
  PetscCall(TaoGetType(t->tao, &type));
  if (!type) PetscCall(TaoSetType(t->tao, TAOLMVM));
  PetscCall(TaoGetType(t->tao, &type));
  PetscCall(IsLMVM(type, &lmvm));
  if (lmvm && o->prefix[0]) {
    Mat  M;
    char mp[NB_NAME_LEN + 32];
    PetscCall(GetLMVMMatrix(t->tao, &M));
    PetscCall(PetscSNPrintf(mp, sizeof(mp), "%stao_%s_", o->prefix, type));
    PetscCall(MatSetOptionsPrefix(M, mp));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSPostOptions(NbOptimizer o)
{
  NbLBFGS *t = (NbLBFGS *)o->data;

  PetscFunctionBegin;
  PetscCall(PrepareTao(o));
  PetscCall(TaoSetFromOptions(t->tao));
  PetscCall(NbTaoSetHistoryDefault(t->tao));
  t->fromoptions = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* what LBFGSSetUp makes from the model: TAO's solution Vec on the model's
   buffer, the bounds, the save space of ObjGrad */
static PetscErrorCode Reset(NbLBFGS *t)
{
  PetscFunctionBegin;
  PetscCall(VecDestroy(&t->x));
  PetscCall(VecDestroy(&t->xl));
  PetscCall(VecDestroy(&t->xu));
  PetscCall(PetscFree(t->save));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSSetUp(NbOptimizer o)
{
  NbLBFGS    *t = (NbLBFGS *)o->data;
  NbModel     m = o->model;
  PetscMPIInt rank;
  PetscInt    nloc;

  PetscFunctionBegin;
  PetscCall(PrepareTao(o));
  /* switched to lbfgs after NbOptimizerSetFromOptions: the -tao_ options still apply */
  if (o->fromoptions && !t->fromoptions) PetscCall(LBFGSPostOptions(o));
  PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
  nloc = m->nprivate + (rank == 0 ? m->ntrain - m->nprivate : 0);
  PetscCall(Reset(t));
  PetscCall(PetscMalloc1(m->ntrain + 1, &t->save));
  PetscCall(VecCreateMPIWithArray(o->comm, 1, nloc, PETSC_DECIDE, nloc ? m->params : NULL, &t->x));
  PetscCall(TaoSetSolution(t->tao, t->x));
  PetscCall(TaoSetObjectiveAndGradient(t->tao, NULL, ObjGrad, o));
  if (m->hasbounds) {
    PetscScalar *lo, *hi;
    PetscCall(VecDuplicate(t->x, &t->xl));
    PetscCall(VecDuplicate(t->x, &t->xu));
    PetscCall(VecGetArray(t->xl, &lo));
    PetscCall(VecGetArray(t->xu, &hi));
    for (PetscInt k = 0; k < m->np; k++) {
      const NbParamInfo *q = &m->p[k];
      if (!q->trainable) continue;
      for (PetscInt i = q->offset; i < PetscMin(q->offset + q->rows * q->cols, nloc); i++) lo[i] = q->lo, hi[i] = q->hi;
    }
    PetscCall(VecRestoreArray(t->xl, &lo));
    PetscCall(VecRestoreArray(t->xu, &hi));
    PetscCall(TaoSetVariableBounds(t->tao, t->xl, t->xu));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSStep(NbOptimizer o, PetscReal *loss)
{
  NbLBFGS           *t = (NbLBFGS *)o->data;
  NbModel            m = o->model;
  PetscInt           its, restarts;
  TaoConvergedReason reason;

  PetscFunctionBegin;
  if (o->prestep) PetscCall((*o->prestep)(o, o->step, o->prectx));
  PetscCall(NbTaoSolve(t->tao, &its, &restarts));
  /* the replicated entries of the solution are rank 0's; make every rank's copy the same */
  PetscCallMPI(MPI_Bcast(m->params + m->nprivate, (PetscMPIInt)(m->ntrain - m->nprivate), MPIU_REAL, 0, o->comm));
  PetscCall(TaoGetSolutionStatus(t->tao, NULL, loss, NULL, NULL, NULL, &reason));
  PetscCallMPI(MPI_Bcast(loss, 1, MPIU_REAL, 0, o->comm));
  o->step += its;
  if (o->monitor) PetscCall(PetscPrintf(o->comm, "  lbfgs: %" PetscInt_FMT " iterations (%" PetscInt_FMT " restarts after line-search failures), loss %.10e, %s\n", its, restarts, (double)*loss, TaoConvergedReasons[reason]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSSolve(NbOptimizer o)
{
  PetscReal loss;

  PetscFunctionBegin;
  PetscCall(NbOptimizerStep(o, &loss));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSView(NbOptimizer o, PetscViewer v)
{
  NbLBFGS *t = (NbLBFGS *)o->data;

  PetscFunctionBegin;
  PetscCall(TaoView(t->tao, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LBFGSDestroy(NbOptimizer o)
{
  NbLBFGS *t = (NbLBFGS *)o->data;

  PetscFunctionBegin;
  PetscCall(Reset(t));
  PetscCall(TaoDestroy(&t->tao));
  PetscCall(PetscFree(o->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOptimizerOps LBFGSOps = {.destroy = LBFGSDestroy, .postoptions = LBFGSPostOptions, .setup = LBFGSSetUp,
                                        .step = LBFGSStep, .solve = LBFGSSolve, .view = LBFGSView};

PetscErrorCode NbOptimizerCreate_LBFGS(NbOptimizer o)
{
  NbLBFGS *t;

  PetscFunctionBegin;
  PetscCall(PetscNew(&t));
  PetscCall(TaoCreate(o->comm, &t->tao));
  PetscCall(TaoSetOptionsPrefix(t->tao, o->prefix));
  PetscCall(TaoSetMonitor(t->tao, Monitor, o, NULL));
  o->data = t;
  o->ops  = LBFGSOps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerGetTao(NbOptimizer o, Tao *tao)
{
  PetscFunctionBegin;
  /* the ops table, not the name, says that o->data is an NbLBFGS ("lbfgs"
     may have been registered again by the user) */
  PetscCheck(o->ops.step == LBFGSStep, o->comm, PETSC_ERR_ARG_WRONG, "NbOptimizerGetTao: the optimizer is '%s', not lbfgs", o->type);
  *tao = ((NbLBFGS *)o->data)->tao;
  PetscFunctionReturn(PETSC_SUCCESS);
}
