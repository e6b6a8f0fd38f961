/* NbOptimizer: one interface (create, set from options, step, solve, view,
   destroy), implementations chosen by name from a registry, libCEED-style:
   the interface checks state and delegates; a new optimizer is one file and
   one NbOptimizerRegister line. */
#include "nnimpl.h"

static const NbRegistryEntry NbOptimizerBuiltin[] = {
  {"adam", (PetscVoidFunction)NbOptimizerCreate_Adam},
  {"adamw", (PetscVoidFunction)NbOptimizerCreate_AdamW},
  {"lbfgs", (PetscVoidFunction)NbOptimizerCreate_LBFGS},
  {"gn", (PetscVoidFunction)NbOptimizerCreate_GN},
  {"lm", (PetscVoidFunction)NbOptimizerCreate_LM},
  {NULL, NULL}
};
static NbRegistry NbOptimizerTypes = {"-opt_type", NbOptimizerBuiltin, NULL, PETSC_FALSE};

PetscErrorCode NbOptimizerRegister(const char name[], PetscErrorCode (*create)(NbOptimizer))
{
  return NbRegistryAdd(&NbOptimizerTypes, name, (PetscVoidFunction)create);
}

PetscErrorCode NbOptimizerCreate(NbModel m, NbOptimizer *optimizer)
{
  NbOptimizer o;

  PetscFunctionBegin;
  PetscCall(NbNNRegisterEvents_Private());
  PetscCall(NbHeadCreate(m->comm, sizeof(*o), &o));
  o->model      = m;
  o->maxsteps   = 1000;
  o->lr         = 1e-3;
  o->beta1      = 0.9;
  o->beta2      = 0.999;
  o->eps        = 1e-8;
  o->wd         = 0;
  o->gamma      = 0.1;
  o->decaysteps = 1000;
  o->schedule   = NB_SCHEDULE_CONSTANT;
  o->monitorevery = 1;
  *optimizer    = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerDestroy(NbOptimizer *optimizer)
{
  NbOptimizer o = *optimizer;

  PetscFunctionBegin;
  if (!o) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbHeadDestroyType(o, &o->ops, sizeof(o->ops)));
  PetscCall(PetscFree(o->hist));
  PetscCall(PetscFree(o));
  *optimizer = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_HEAD_FUNCTIONS(NbOptimizer)

/* Unlike the other registries' objects, an optimizer may change type after
   set-up (adam, then lbfgs on the same model): it is then set up again. */
PetscErrorCode NbOptimizerSetType(NbOptimizer o, const char type[])
{
  PetscFunctionList types;
  PetscVoidFunction create;
  PetscBool         same;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(o->type, type, &same));
  if (same) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbRegistryGetList(&NbOptimizerTypes, &types));
  PetscCall(PetscFunctionListFind(types, type, &create));
  PetscCheck(create, o->comm, PETSC_ERR_USER_INPUT, "Unknown optimizer type '%s': use adam, adamw, lbfgs, gn, lm or one added with NbOptimizerRegister (option -opt_type)", type);
  o->setup = PETSC_FALSE;
  PetscCall(NbRegistrySetType(&NbOptimizerTypes, o, &o->ops, sizeof(o->ops), type));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetFixedType(NbOptimizer o, const char type[])
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerSetType(o, type));
  o->fixedtype = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetFromOptions(NbOptimizer o)
{
  char              type[NB_NAME_LEN];
  PetscFunctionList types;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&NbOptimizerTypes, &types));
  PetscCall(PetscStrncpy(type, o->type[0] ? o->type : "adam", sizeof(type)));
  PetscOptionsBegin(o->comm, o->prefix, "nabla optimizer", "NbOptimizer");
  if (!o->fixedtype) {
    PetscCall(PetscOptionsFList("-opt_type", "Optimizer", "NbOptimizerSetType", types, type, type, sizeof(type), NULL));
    PetscCall(NbOptimizerSetType(o, type));
  }
  PetscCall(PetscOptionsInt("-opt_max_steps", "Steps of NbOptimizerSolve (adam family)", "NbOptimizerSetMaxSteps", o->maxsteps, &o->maxsteps, NULL));
  PetscCall(PetscOptionsReal("-opt_loss_tol", "Stop when the loss falls below this (adam family)", "NbOptimizerSolve", o->losstol, &o->losstol, NULL));
  PetscCall(PetscOptionsBool("-opt_monitor", "Print the loss every step", "NbOptimizerSolve", o->monitor, &o->monitor, NULL));
  PetscCall(PetscOptionsInt("-opt_monitor_interval", "Print every this many steps", "NbOptimizerSolve", o->monitorevery, &o->monitorevery, NULL));
  PetscCall(PetscOptionsBool("-opt_view", "Describe the optimizer at set-up", "NbOptimizerView", o->view, &o->view, NULL));
  if (o->ops.setfromoptions) PetscCall((*o->ops.setfromoptions)(o, PetscOptionsObject));
  PetscOptionsEnd();
  PetscCheck(o->maxsteps >= 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_max_steps %" PetscInt_FMT " must be >= 0", o->maxsteps);
  PetscCheck(o->monitorevery > 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_monitor_interval %" PetscInt_FMT " must be positive", o->monitorevery);
  o->fromoptions = PETSC_TRUE;
  if (o->ops.postoptions) PetscCall((*o->ops.postoptions)(o));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetUp(NbOptimizer o)
{
  PetscFunctionBegin;
  if (!o->type[0]) PetscCall(NbOptimizerSetType(o, "adam"));
  if (o->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbModelSetUp(o->model));
  if (o->graph) PetscCall(NbGraphSetUp(o->graph));
  if (o->ops.setup) PetscCall((*o->ops.setup)(o));
  o->setup = PETSC_TRUE;
  if (o->view) PetscCall(NbOptimizerView(o, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerView(NbOptimizer o, PetscViewer viewer)
{
  PetscFunctionBegin;
  if (!viewer) viewer = PETSC_VIEWER_STDOUT_(o->comm);
  PetscCall(PetscViewerASCIIPrintf(viewer, "NbOptimizer %s on model %s (%" PetscInt_FMT " parameters), step %" PetscInt_FMT "\n", o->type[0] ? o->type : "(not set)", o->model->name, o->model->ntrain, o->step));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  if (o->ops.view) PetscCall((*o->ops.view)(o, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetObjective(NbOptimizer o, NbObjectiveFn fn, void *ctx)
{
  PetscFunctionBegin;
  o->objective = fn;
  o->objctx    = ctx;
  o->graph     = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetGraph(NbOptimizer o, NbGraph g)
{
  PetscBool found = PETSC_FALSE;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < g->nmodels; i++) found = (PetscBool)(found || g->models[i] == o->model);
  PetscCheck(found, o->comm, PETSC_ERR_ARG_WRONG, "NbOptimizerSetGraph: the graph does not use the optimizer's model %s", o->model->name);
  o->graph     = g;
  o->objective = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerEvaluate_Private(NbOptimizer o, PetscReal *loss)
{
  PetscFunctionBegin;
  if (o->graph) PetscCall(NbGraphComputeLossGradient(o->graph, loss));
  else {
    PetscCheck(o->objective, o->comm, PETSC_ERR_ARG_WRONGSTATE, "The optimizer has no objective: call NbOptimizerSetGraph() or NbOptimizerSetObjective()");
    PetscCall((*o->objective)(o->model, loss, o->objctx));
  }
  PetscCheck(!PetscIsInfOrNanReal(*loss), o->comm, PETSC_ERR_FP, "The loss is %g at step %" PetscInt_FMT ": lower the learning rate (-opt_lr) or clip gradients (-opt_clip_norm)", (double)*loss, o->step);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetPreStep(NbOptimizer o, NbPreStepFn fn, void *ctx)
{
  PetscFunctionBegin;
  o->prestep = fn;
  o->prectx  = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReserveHistory(NbOptimizer o, PetscInt n)
{
  PetscFunctionBegin;
  if (n > o->maxhist) {
    o->maxhist = n;
    PetscCall(PetscRealloc(o->maxhist * sizeof(PetscReal), &o->hist));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerPushHistory_Private(NbOptimizer o, PetscReal loss)
{
  PetscFunctionBegin;
  if (o->nhist == o->maxhist) PetscCall(ReserveHistory(o, o->maxhist ? 2 * o->maxhist : 256));
  o->hist[o->nhist++] = loss;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetStepMonitor(NbOptimizer o, NbStepMonitorFn fn, void *ctx)
{
  PetscFunctionBegin;
  o->stepmonitor = fn;
  o->stepmonctx  = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerStep(NbOptimizer o, PetscReal *loss)
{
  PetscReal l;

  PetscFunctionBegin;
  PetscCall(NbOptimizerSetUp(o));
  PetscCall(PetscLogEventBegin(NB_OptStep, 0, 0, 0, 0));
  PetscCall((*o->ops.step)(o, &l));
  PetscCall(PetscLogEventEnd(NB_OptStep, 0, 0, 0, 0));
  if (loss) *loss = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetMaxSteps(NbOptimizer o, PetscInt n)
{
  PetscFunctionBegin;
  o->maxsteps = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSolve(NbOptimizer o)
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerSetUp(o));
  if (!o->ops.solve) PetscCall(ReserveHistory(o, o->nhist + o->maxsteps)); /* no allocation inside the loop */
  if (o->ops.solve) PetscCall((*o->ops.solve)(o));
  else
    for (PetscInt k = 0; k < o->maxsteps; k++) {
      PetscReal l;
      PetscCall(NbOptimizerStep(o, &l));
      if (l < o->losstol) {
        if (o->monitor) PetscCall(PetscPrintf(o->comm, "  %s: loss %g below -opt_loss_tol %g after %" PetscInt_FMT " steps\n", o->type, (double)l, (double)o->losstol, o->step));
        break;
      }
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerGetHistory(NbOptimizer o, PetscInt *n, const PetscReal *loss[])
{
  PetscFunctionBegin;
  if (n) *n = o->nhist;
  if (loss) *loss = o->hist;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerGetStepNumber(NbOptimizer o, PetscInt *s)
{
  PetscFunctionBegin;
  *s = o->step;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetStepNumber(NbOptimizer o, PetscInt s)
{
  PetscFunctionBegin;
  o->step = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerGetState(NbOptimizer o, PetscInt *narr, const char *names[], PetscReal *arrs[], PetscInt lens[])
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerSetUp(o));
  *narr = 0;
  if (o->ops.getstate) PetscCall(o->ops.getstate(o, narr, names, arrs, lens));
  PetscFunctionReturn(PETSC_SUCCESS);
}
