/* NbUQ: the registry, the life cycle and what every method shares. Every
   method ends with a set of networks (members, chain draws: their global
   parameter vectors, replicated on every rank; they are small, 3021 numbers
   for the default PINN) or with a stochastic network (dropout), and
   predicts a Gaussian (mean, std) per point, where the points live. */
#include "uqimpl.h"

static const NbRegistryEntry NbUQBuiltin[] = {
  {"ensemble", (PetscVoidFunction)NbUQCreate_Ensemble},
  {"mcdropout", (PetscVoidFunction)NbUQCreate_MCDropout},
  {"hmc", (PetscVoidFunction)NbUQCreate_HMC},
  {NULL, NULL}
};
static NbRegistry    NbUQTypes = {"-uq", NbUQBuiltin, NULL, PETSC_FALSE};
static PetscLogEvent NB_UQRun = 0, NB_UQPredict;

NB_CLASS_FUNCTIONS(NbUQ, NbUQTypes)

PetscErrorCode NbUQCreate(MPI_Comm comm, NbUQ *uqp)
{
  NbUQ uq;

  PetscFunctionBegin;
  if (!NB_UQRun) {
    PetscCall(PetscLogEventRegister("NbUQRun", NB_CLASSID, &NB_UQRun));
    PetscCall(PetscLogEventRegister("NbUQPredict", NB_CLASSID, &NB_UQPredict));
  }
  PetscCall(NbHeadCreate(comm, sizeof(*uq), &uq));
  *uqp = uq;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQSetFactory(NbUQ uq, NbPINNFactoryFn f, void *ctx)
{
  PetscFunctionBegin;
  uq->factory    = f;
  uq->factoryctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQSetObservations(NbUQ uq, PetscInt64 N, const PetscReal x[], const PetscReal u[])
{
  PetscInt nin, nout;

  PetscFunctionBegin;
  PetscCheck(uq->setup, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbUQSetUp() before NbUQSetObservations()");
  nin  = uq->pde->dim + (uq->pde->steady ? 0 : 1);
  nout = uq->pde->nout;
  PetscCall(PetscFree2(uq->xobs, uq->uobs));
  PetscCall(PetscMalloc2(N * nin + 1, &uq->xobs, N * nout + 1, &uq->uobs));
  PetscCall(PetscArraycpy(uq->xobs, x, N * nin));
  PetscCall(PetscArraycpy(uq->uobs, u, N * nout));
  uq->nobs = N;
  PetscCall(NbPINNSetObservations(uq->eval, N, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQSetFromOptions(NbUQ uq)
{
  char              type[32];
  PetscFunctionList types;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&NbUQTypes, &types));
  PetscCall(PetscStrncpy(type, uq->type[0] ? uq->type : "ensemble", sizeof(type)));
  PetscOptionsBegin(uq->comm, uq->prefix, "Uncertainty of PINNs", "NbUQ");
  PetscCall(PetscOptionsFList("-uq", "Uncertainty method", "NbUQSetType", types, type, type, sizeof(type), NULL));
  PetscCall(NbUQSetType(uq, type));
  if (uq->ops.setfromoptions) PetscCall((*uq->ops.setfromoptions)(uq, PetscOptionsObject));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQMakePINN_Private(NbUQ uq, MPI_Comm comm, PetscInt64 seed, PetscInt64 perturbseed, PetscReal dropout, NbPINN *pinn)
{
  PetscFunctionBegin;
  PetscCall((*uq->factory)(comm, pinn, uq->factoryctx));
  PetscCall(NbPINNSetSeed(*pinn, seed));
  if (perturbseed >= 0) PetscCall(NbPINNSetDataPerturbation(*pinn, perturbseed));
  if (dropout > 0) PetscCall(NbPINNSetDropout(*pinn, dropout));
  if (uq->nobs) PetscCall(NbPINNSetObservations(*pinn, uq->nobs, uq->xobs, uq->uobs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQSetUp(NbUQ uq)
{
  PetscFunctionBegin;
  if (uq->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(uq->factory, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbUQSetFactory() before NbUQSetUp()");
  if (!uq->type[0]) PetscCall(NbUQSetType(uq, "ensemble"));
  /* the evaluation network: the user's settings (every -pinn_ option is read here) */
  PetscCall((*uq->factory)(PETSC_COMM_SELF, &uq->eval, uq->factoryctx));
  PetscCall(NbPINNGetPDE(uq->eval, &uq->pde));
  PetscCall(NbPINNGetSeed(uq->eval, &uq->seed));
  PetscCall(NbPINNGetInverse(uq->eval, &uq->inverse, NULL, NULL, NULL));
  PetscCall(NbPINNSetMonitor(uq->eval, 0, NULL));
  PetscCall(NbPINNSetUp(uq->eval)); /* every option its networks use is read now */
  PetscCall(NbPINNGetNumParameters(uq->eval, &uq->np));
  if (uq->ops.setup) PetscCall((*uq->ops.setup)(uq));
  uq->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQGetPINN(NbUQ uq, NbPINN *p)
{
  PetscFunctionBegin;
  PetscCheck(uq->setup, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbUQSetUp() first");
  *p = uq->eval;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQCollectCoefficients_Private(NbUQ uq)
{
  PetscFunctionBegin;
  if (!uq->inverse) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < uq->pde->ncoef; k++) PetscCall(PetscMalloc1(uq->nnet, &uq->coef[k]));
  for (PetscInt j = 0; j < uq->nnet; j++) {
    PetscCall(NbPINNSetParameters(uq->eval, uq->params + (size_t)j * uq->np));
    for (PetscInt k = 0; k < uq->pde->ncoef; k++) PetscCall(NbPINNGetCoefficient(uq->eval, k, &uq->coef[k][j]));
  }
  uq->ncoefsamples = uq->nnet;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQRun(NbUQ uq)
{
  double t0;

  PetscFunctionBegin;
  PetscCall(NbUQSetUp(uq));
  PetscCheck(!uq->inverse || uq->nobs > 0, uq->comm, PETSC_ERR_ARG_WRONGSTATE, "-pinn_inverse needs observations (NbUQSetObservations)");
  PetscCall(PetscLogEventBegin(NB_UQRun, 0, 0, 0, 0));
  t0 = NbWallTime();
  PetscCall((*uq->ops.run)(uq));
  if (uq->nnet) PetscCall(NbUQCollectCoefficients_Private(uq));
  uq->wall = NbWallTime() - t0;
  PetscCall(PetscLogEventEnd(NB_UQRun, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DrawNetwork(NbUQ uq, PetscInt j, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  PetscCall(NbPINNSetParameters(uq->eval, uq->params + (size_t)j * uq->np));
  PetscCall(NbPINNEvaluateGlobal(uq->eval, N, offset, n, x, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* mean and sample standard deviation over the draws (Welford) */
PetscErrorCode NbUQPredict(NbUQ uq, PetscInt64 N, PetscInt64 offset, PetscInt n, const PetscReal x[], PetscReal mean[], PetscReal std[])
{
  PetscInt   nout  = uq->pde->nout, nd = uq->ops.draw ? uq->ndraw : uq->nnet;
  PetscErrorCode (*draw)(NbUQ, PetscInt, PetscInt64, PetscInt64, PetscInt, const PetscReal[], PetscReal[]) = uq->ops.draw ? uq->ops.draw : DrawNetwork;
  PetscReal *u, *m2;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_UQPredict, 0, 0, 0, 0));
  PetscCall(PetscMalloc2((size_t)n * nout + 1, &u, (size_t)n * nout + 1, &m2));
  PetscCall(PetscArrayzero(mean, (size_t)n * nout));
  PetscCall(PetscArrayzero(m2, (size_t)n * nout));
  for (PetscInt j = 0; j < nd; j++) {
    PetscCall((*draw)(uq, j, N, offset, n, x, u));
    for (PetscInt i = 0; i < n * nout; i++) {
      PetscReal d = u[i] - mean[i];
      mean[i] += d / (j + 1);
      m2[i] += d * (u[i] - mean[i]);
    }
  }
  for (PetscInt i = 0; i < n * nout; i++) std[i] = nd > 1 ? PetscSqrtReal(m2[i] / (nd - 1)) : 0;
  PetscCall(PetscFree2(u, m2));
  PetscCall(PetscLogEventEnd(NB_UQPredict, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQGetCoefficientSamples(NbUQ uq, PetscInt k, PetscInt *n, const PetscReal *s[])
{
  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < uq->pde->ncoef, uq->comm, PETSC_ERR_ARG_OUTOFRANGE, "No coefficient %d", (int)k);
  *n = uq->coef[k] ? uq->ncoefsamples : 0;
  *s = uq->coef[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQWriteHistories(NbUQ uq, NbOutput out, const NbUQMetrics *mt)
{
  PetscFunctionBegin;
  PetscCall(NbOutputWriteHistory(out, "calibration_nominal", 10, mt->nominal));
  PetscCall(NbOutputWriteHistory(out, "calibration_observed", 10, mt->observed));
  for (PetscInt k = 0; uq->inverse && k < uq->pde->ncoef; k++) {
    PetscInt         n;
    const PetscReal *smp;
    char             name[64];
    PetscCall(NbUQGetCoefficientSamples(uq, k, &n, &smp));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_samples", uq->pde->coefname[k]));
    PetscCall(NbOutputWriteHistory(out, name, n, smp));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQReport(NbUQ uq, NbReport rep)
{
  PetscFunctionBegin;
  PetscCall((*uq->ops.report)(uq, rep));
  PetscCall(NbReportAddReal(rep, "UQ wall time [s]", "%.2f", uq->wall));
  for (PetscInt k = 0; uq->inverse && k < uq->pde->ncoef && uq->ncoefsamples; k++) {
    PetscReal mu = 0, v = 0, c = uq->pde->coef[k];
    char      key[64], buf[160];
    for (PetscInt j = 0; j < uq->ncoefsamples; j++) mu += uq->coef[k][j];
    mu /= uq->ncoefsamples;
    for (PetscInt j = 0; j < uq->ncoefsamples; j++) v += PetscSqr(uq->coef[k][j] - mu);
    v = uq->ncoefsamples > 1 ? PetscSqrtReal(v / (uq->ncoefsamples - 1)) : 0;
    PetscCall(PetscSNPrintf(key, sizeof(key), "identified %s (mean +- sd)", uq->pde->coefname[k]));
    PetscCall(PetscSNPrintf(buf, sizeof(buf), "%.6g +- %.2g (true %.6g, rel. error of the mean %.2e)", (double)mu, (double)v, (double)c, (double)(PetscAbsReal(mu - c) / PetscAbsReal(c))));
    PetscCall(NbReportAddString(rep, key, buf));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQView(NbUQ uq, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(uq->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbUQ %s\n", uq->type));
  PetscCall(PetscViewerASCIIPushTab(v));
  if (uq->eval) PetscCall(NbPINNView(uq->eval, v));
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQDestroy(NbUQ *uqp)
{
  NbUQ uq = *uqp;

  PetscFunctionBegin;
  if (!uq) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbHeadDestroyType(uq, &uq->ops, sizeof(uq->ops)));
  PetscCall(NbPINNDestroy(&uq->eval));
  PetscCall(PetscFree(uq->params));
  for (PetscInt k = 0; k < NB_PDE_MAXCOEF; k++) PetscCall(PetscFree(uq->coef[k]));
  PetscCall(PetscFree2(uq->xobs, uq->uobs));
  PetscCall(PetscFree(uq));
  *uqp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
