/* MC dropout (Gal & Ghahramani 2016): one network trained with dropout
   -uq_dropout p after every hidden layer, predicted with -uq_samples
   stochastic passes whose masks follow the global point index (the same
   on any rank count). The coefficients of inverse runs are point
   estimates: dropout acts on the network, not on nu and lambda. */
#include "uqimpl.h"

typedef struct {
  PetscReal dropout;
  PetscInt  samples;
  NbPINN    net;
} UQDropout;

static PetscErrorCode SetFromOptions_MCDropout(NbUQ uq, PetscOptionItems *PetscOptionsObject)
{
  UQDropout *d = (UQDropout *)uq->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "MC dropout");
  PetscCall(PetscOptionsReal("-uq_dropout", "MC dropout probability p in [0, 1)", "NbUQSetFromOptions", d->dropout, &d->dropout, NULL));
  PetscCall(PetscOptionsInt("-uq_samples", "MC dropout passes", "NbUQSetFromOptions", d->samples, &d->samples, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(d->dropout >= 0 && d->dropout < 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_dropout %g must lie in [0, 1)", (double)d->dropout);
  PetscCheck(d->samples >= 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_samples %d must be at least 1", (int)d->samples);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run_MCDropout(NbUQ uq)
{
  UQDropout *d = (UQDropout *)uq->data;

  PetscFunctionBegin;
  PetscCall(NbUQMakePINN_Private(uq, uq->comm, uq->seed, -1, d->dropout, &d->net));
  PetscCall(NbPINNTrain(d->net));
  for (PetscInt k = 0; uq->inverse && k < uq->pde->ncoef; k++) {
    PetscCall(PetscMalloc1(1, &uq->coef[k]));
    PetscCall(NbPINNGetCoefficient(d->net, k, &uq->coef[k][0]));
    uq->ncoefsamples = 1;
  }
  /* from now on the network is evaluated with dropout, -uq_samples passes */
  PetscCall(NbPINNSetEvaluationDropout(d->net, d->dropout > 0 ? PETSC_TRUE : PETSC_FALSE));
  uq->ndraw = d->samples;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one stochastic pass: the next dropout masks */
static PetscErrorCode Draw_MCDropout(NbUQ uq, PetscInt j, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[])
{
  UQDropout *d = (UQDropout *)uq->data;

  PetscFunctionBegin;
  PetscCall(NbPINNAdvanceDropout(d->net));
  PetscCall(NbPINNEvaluateGlobal(d->net, N, offset, n, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_MCDropout(NbUQ uq, NbReport rep)
{
  UQDropout *d = (UQDropout *)uq->data;
  char       buf[64];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "MC dropout p = %g, %d passes", (double)d->dropout, (int)d->samples));
  PetscCall(NbReportAddString(rep, "UQ method", buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy_MCDropout(NbUQ uq)
{
  UQDropout *d = (UQDropout *)uq->data;

  PetscFunctionBegin;
  PetscCall(NbPINNDestroy(&d->net));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQCreate_MCDropout(NbUQ uq)
{
  static const UQDropout defaults = {.dropout = 0.05, .samples = 100};
  static const NbUQOps   ops      = {.destroy = Destroy_MCDropout, .setfromoptions = SetFromOptions_MCDropout, .run = Run_MCDropout, .draw = Draw_MCDropout, .report = Report_MCDropout};

  return NbHeadSetTypeData(uq, &defaults, sizeof(defaults), &uq->ops, &ops, sizeof(ops));
}
