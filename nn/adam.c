/* Adam (Kingma & Ba 2015, Algorithm 1) and AdamW (Loshchilov & Hutter 2019,
   decoupled weight decay) on the model's flat buffers: moments m and v have
   the parameters' layout, the update is one loop. Learning-rate schedules
   (constant, step, exponential, cosine), linear warm-up, and clipping of the
   gradient's global norm. Box bounds set on parameters are enforced by
   projection after each update. */
#include "nnimpl.h"

const char *const NbSchedules[] = {"constant", "step", "exponential", "cosine", "NbSchedule", "NB_SCHEDULE_", NULL};

typedef struct {
  PetscReal *m, *v;
  PetscBool  decoupled;
} NbAdam;

static PetscReal LearningRate(NbOptimizer o, PetscInt s)
{
  PetscReal lr = o->lr;

  if (s < o->warmup) return lr * (s + 1) / o->warmup;
  s -= o->warmup;
  switch (o->schedule) {
  case NB_SCHEDULE_CONSTANT:
    break;
  case NB_SCHEDULE_STEP:
    lr *= PetscPowReal(o->gamma, (PetscReal)(s / o->decaysteps));
    break;
  case NB_SCHEDULE_EXPONENTIAL:
    lr *= PetscPowReal(o->gamma, (PetscReal)s / o->decaysteps);
    break;
  case NB_SCHEDULE_COSINE: {
    PetscInt T = PetscMax(o->maxsteps - o->warmup, 1);
    lr         = o->lrmin + 0.5 * (lr - o->lrmin) * (1 + PetscCosReal(PETSC_PI * PetscMin(s, T) / T));
  } break;
  }
  return lr;
}

PetscErrorCode NbOptimizerSetLearningRate(NbOptimizer o, PetscReal lr)
{
  PetscFunctionBegin;
  PetscCheck(lr > 0, o->comm, PETSC_ERR_ARG_OUTOFRANGE, "The learning rate must be positive (got %g)", (double)lr);
  o->lr = lr;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetSchedule(NbOptimizer o, NbSchedule s, PetscReal gamma, PetscInt decay_steps, PetscReal lr_min)
{
  PetscFunctionBegin;
  PetscCheck(decay_steps > 0, o->comm, PETSC_ERR_ARG_OUTOFRANGE, "Decay steps must be positive");
  o->schedule   = s;
  o->gamma      = gamma;
  o->decaysteps = decay_steps;
  o->lrmin      = lr_min;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerGetLearningRate(NbOptimizer o, PetscInt step, PetscReal *lr)
{
  PetscFunctionBegin;
  PetscCheck(step >= 0, o->comm, PETSC_ERR_ARG_OUTOFRANGE, "step must be >= 0");
  *lr = LearningRate(o, step);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerSetClipNorm(NbOptimizer o, PetscReal c)
{
  PetscFunctionBegin;
  o->clip = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AdamSetUp(NbOptimizer o)
{
  NbAdam  *a = (NbAdam *)o->data;
  PetscInt n = o->model->ntrain;

  PetscFunctionBegin;
  PetscCall(PetscFree2(a->m, a->v));
  PetscCall(PetscCalloc2(n + 1, &a->m, n + 1, &a->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AdamStep(NbOptimizer o, PetscReal *loss)
{
  NbAdam    *a = (NbAdam *)o->data;
  NbModel    m = o->model;
  PetscInt   n = m->ntrain;
  PetscReal *p = m->params, *g = m->grad, *mm = a->m, *vv = a->v;
  PetscReal  lr, b1 = o->beta1, b2 = o->beta2, eps = o->eps, wd = o->wd, bc1, bc2, norm = 0;

  PetscFunctionBegin;
  if (o->prestep) PetscCall((*o->prestep)(o, o->step, o->prectx));
  PetscCall(NbOptimizerEvaluate_Private(o, loss));
  if (o->clip > 0) { /* the norm of the global gradient (NbModelSetPrivate) */
    PetscReal priv = 0;
    for (PetscInt i = 0; i < m->nprivate; i++) priv += g[i] * g[i];
    for (PetscInt i = m->nprivate; i < n; i++) norm += g[i] * g[i];
    if (m->nprivate) PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &priv, 1, MPIU_REAL, MPIU_SUM, o->comm));
    norm = PetscSqrtReal(norm + priv);
    if (norm > o->clip)
      for (PetscInt i = 0; i < n; i++) g[i] *= o->clip / norm;
  }
  lr  = LearningRate(o, o->step);
  bc1 = 1 - PetscPowReal(b1, (PetscReal)(o->step + 1));
  bc2 = 1 - PetscPowReal(b2, (PetscReal)(o->step + 1));
  if (a->decoupled) {
    for (PetscInt i = 0; i < n; i++) {
      mm[i] = b1 * mm[i] + (1 - b1) * g[i];
      vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
      p[i] -= lr * ((mm[i] / bc1) / (PetscSqrtReal(vv[i] / bc2) + eps) + wd * p[i]);
    }
  } else {
    for (PetscInt i = 0; i < n; i++) {
      PetscReal gi = g[i] + wd * p[i]; /* L2 regularisation, as in Adam's paper */
      mm[i]        = b1 * mm[i] + (1 - b1) * gi;
      vv[i]        = b2 * vv[i] + (1 - b2) * gi * gi;
      p[i] -= lr * (mm[i] / bc1) / (PetscSqrtReal(vv[i] / bc2) + eps);
    }
  }
  if (m->hasbounds)
    for (PetscInt k = 0; k < m->np; k++) {
      const NbParamInfo *q = &m->p[k];
      if (!q->trainable) continue;
      for (PetscInt i = q->offset; i < q->offset + q->rows * q->cols; i++) p[i] = PetscMin(PetscMax(p[i], q->lo), q->hi);
    }
  PetscCall(PetscLogFlops(12.0 * n));
  o->step++;
  if (o->graph) PetscCall(NbGraphAdvanceRandom(o->graph));
  PetscCall(NbOptimizerPushHistory_Private(o, *loss));
  if (o->stepmonitor) PetscCall((*o->stepmonitor)(o, o->step, *loss, o->stepmonctx));
  if (o->monitor && (o->step % o->monitorevery == 0 || o->step == 1)) PetscCall(PetscPrintf(o->comm, "  %s step %5" PetscInt_FMT " loss %.10e lr %.3e%s\n", o->type, o->step, (double)*loss, (double)lr, o->clip > 0 && norm > o->clip ? " (clipped)" : ""));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AdamSetFromOptions(NbOptimizer o, PetscOptionItems *PetscOptionsObject)
{
  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Adam");
  PetscCall(PetscOptionsReal("-opt_lr", "Learning rate", "NbOptimizerSetLearningRate", o->lr, &o->lr, NULL));
  PetscCall(PetscOptionsReal("-opt_beta1", "Decay of the first moment", "", o->beta1, &o->beta1, NULL));
  PetscCall(PetscOptionsReal("-opt_beta2", "Decay of the second moment", "", o->beta2, &o->beta2, NULL));
  PetscCall(PetscOptionsReal("-opt_epsilon", "Denominator offset", "", o->eps, &o->eps, NULL));
  PetscCall(PetscOptionsReal("-opt_weight_decay", "Weight decay (adamw: decoupled; adam: L2 term in the gradient)", "", o->wd, &o->wd, NULL));
  PetscCall(PetscOptionsEnum("-opt_schedule", "Learning-rate schedule", "NbOptimizerSetSchedule", NbSchedules, (PetscEnum)o->schedule, (PetscEnum *)&o->schedule, NULL));
  PetscCall(PetscOptionsReal("-opt_lr_decay", "Factor gamma of the step/exponential schedules", "NbOptimizerSetSchedule", o->gamma, &o->gamma, NULL));
  PetscCall(PetscOptionsInt("-opt_lr_decay_steps", "Steps per decay by gamma", "NbOptimizerSetSchedule", o->decaysteps, &o->decaysteps, NULL));
  PetscCall(PetscOptionsReal("-opt_lr_min", "Final learning rate of the cosine schedule", "NbOptimizerSetSchedule", o->lrmin, &o->lrmin, NULL));
  PetscCall(PetscOptionsInt("-opt_warmup_steps", "Linear warm-up steps", "", o->warmup, &o->warmup, NULL));
  PetscCall(PetscOptionsReal("-opt_clip_norm", "Clip the gradient's 2-norm to this (0: off)", "NbOptimizerSetClipNorm", o->clip, &o->clip, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(o->lr > 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_lr %g: the learning rate must be positive", (double)o->lr);
  PetscCheck(o->beta1 >= 0 && o->beta1 < 1 && o->beta2 >= 0 && o->beta2 < 1, o->comm, PETSC_ERR_USER_INPUT, "-opt_beta1 %g, -opt_beta2 %g: both must be in [0, 1)", (double)o->beta1, (double)o->beta2);
  PetscCheck(o->decaysteps > 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_lr_decay_steps %" PetscInt_FMT " must be positive", o->decaysteps);
  PetscCheck(o->warmup >= 0, o->comm, PETSC_ERR_USER_INPUT, "-opt_warmup_steps must be >= 0");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AdamView(NbOptimizer o, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "lr %g (%s schedule, gamma %g every %" PetscInt_FMT " steps, min %g, warm-up %" PetscInt_FMT "), betas %g %g, eps %g, weight decay %g, clip %g\n", (double)o->lr, NbSchedules[o->schedule], (double)o->gamma, o->decaysteps, (double)o->lrmin, o->warmup, (double)o->beta1, (double)o->beta2, (double)o->eps, (double)o->wd, (double)o->clip));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AdamGetState(NbOptimizer o, PetscInt *narr, const char *names[], PetscReal *arrs[], PetscInt lens[])
{
  NbAdam *a = (NbAdam *)o->data;

  PetscFunctionBegin;
  *narr    = 2;
  names[0] = "m";
  names[1] = "v";
  arrs[0]  = a->m;
  arrs[1]  = a->v;
  lens[0] = lens[1] = o->model->ntrain;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AdamDestroy(NbOptimizer o)
{
  NbAdam *a = (NbAdam *)o->data;

  PetscFunctionBegin;
  PetscCall(PetscFree2(a->m, a->v));
  PetscCall(PetscFree(o->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOptimizerOps AdamOps = {.destroy = AdamDestroy, .setfromoptions = AdamSetFromOptions, .setup = AdamSetUp,
                                       .step = AdamStep, .view = AdamView, .getstate = AdamGetState};

static PetscErrorCode Create(NbOptimizer o, PetscBool decoupled)
{
  NbAdam *a;

  PetscFunctionBegin;
  PetscCall(PetscNew(&a));
  a->decoupled = decoupled;
  o->data      = a;
  o->ops       = AdamOps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptimizerCreate_Adam(NbOptimizer o) { return Create(o, PETSC_FALSE); }
PetscErrorCode NbOptimizerCreate_AdamW(NbOptimizer o)
{
  PetscFunctionBegin;
  if (o->wd == 0) o->wd = 1e-2; /* PyTorch's AdamW default */
  PetscCall(Create(o, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
