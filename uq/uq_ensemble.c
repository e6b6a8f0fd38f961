/* Deep ensembles (Lakshminarayanan, Pritzel & Blundell 2017): -uq_members
   networks that differ in initialisation seed and collocation draw and,
   with -pinn_noise, fit their own noise draw of the data (randomize-then-
   optimize; NbPINNSetDataPerturbation). The communicator is split into
   min(members, ranks) groups; group g trains members g, g + G, ... in
   turn, each a PINN of any type on the group's ranks. */
#include "uqimpl.h"

typedef struct {
  PetscInt  members;
  PetscBool perturb;
} UQEnsemble;

static PetscErrorCode SetFromOptions_Ensemble(NbUQ uq, PetscOptionItems *PetscOptionsObject)
{
  UQEnsemble *e = (UQEnsemble *)uq->data;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Deep ensemble");
  PetscCall(PetscOptionsInt("-uq_members", "Ensemble members", "NbUQSetFromOptions", e->members, &e->members, NULL));
  PetscCall(PetscOptionsBool("-uq_perturb_data", "Each member fits the data plus its own draw of the -pinn_noise level (randomize-then-optimize)", "NbUQSetFromOptions", e->perturb, &e->perturb, NULL));
  PetscOptionsHeadEnd();
  PetscCheck(e->members >= 1, uq->comm, PETSC_ERR_USER_INPUT, "-uq_members %d: an ensemble needs at least 1 member", (int)e->members);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Member m keeps its state in BASE-member<m>.h5 (BASE the -checkpoint
   file less .h5); -restart BASE continues each member from its own file, a
   member without one (not started when the run stopped) from the start. */
static PetscErrorCode MemberCheckpoints(NbPINN pinn, PetscInt m, MPI_Comm gcomm)
{
  const char *ckpt, *restart;
  char        mc[PETSC_MAX_PATH_LEN], mr[PETSC_MAX_PATH_LEN] = "", base[PETSC_MAX_PATH_LEN];
  size_t      len;

  PetscFunctionBegin;
  PetscCall(NbPINNGetCheckpointFiles(pinn, &ckpt, &restart));
  PetscCall(PetscStrncpy(base, ckpt[0] ? ckpt : "pinn-checkpoint.h5", sizeof(base)));
  PetscCall(PetscStrlen(base, &len));
  PetscCall(PetscSNPrintf(mc, sizeof(mc), "%.*s-member%d.h5", (int)(len > 3 ? len - 3 : len), base, (int)m));
  if (restart[0]) {
    PetscMPIInt rank;
    int         exists = 0;
    PetscCall(PetscStrlen(restart, &len));
    PetscCall(PetscSNPrintf(mr, sizeof(mr), "%.*s-member%d.h5", (int)(len > 3 ? len - 3 : len), restart, (int)m));
    PetscCallMPI(MPI_Comm_rank(gcomm, &rank));
    if (!rank) {
      FILE *f = fopen(mr, "r");
      exists  = f != NULL;
      if (f) fclose(f);
    }
    PetscCallMPI(MPI_Bcast(&exists, 1, MPI_INT, 0, gcomm));
    if (!exists) {
      PetscCall(PetscPrintf(gcomm, "  member %d: no %s, trained from the start\n", (int)m, mr));
      mr[0] = 0;
    }
  }
  PetscCall(NbPINNSetCheckpointFiles(pinn, ckpt[0] ? mc : NULL, mr, mc, base)); /* ckpt and restart point into pinn */
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run_Ensemble(NbUQ uq)
{
  UQEnsemble *e = (UQEnsemble *)uq->data;
  PetscInt    G = PetscMin(e->members, (PetscInt)uq->size), g = ((PetscInt)uq->rank * G) / uq->size;
  PetscMPIInt grank;
  MPI_Comm    gcomm;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_split(uq->comm, (int)g, uq->rank, &gcomm));
  PetscCallMPI(MPI_Comm_rank(gcomm, &grank));
  uq->nnet = e->members;
  PetscCall(PetscCalloc1((size_t)uq->nnet * uq->np, &uq->params));
  PetscCall(NbStopPush()); /* a signal between two members' trainings stops the next one at once */
  for (PetscInt m = g; m < e->members; m += G) {
    NbPINN pinn;
    char   label[32];
    PetscCall(NbUQMakePINN_Private(uq, gcomm, uq->seed + 1 + m, e->perturb ? uq->seed + 1000003 + m : -1, 0, &pinn));
    PetscCall(MemberCheckpoints(pinn, m, gcomm));
    PetscCall(PetscSNPrintf(label, sizeof(label), "member %d: ", (int)m));
    PetscCall(NbPINNSetMonitor(pinn, -1, label));
    PetscCall(NbPINNTrain(pinn));
    {
      PetscReal *theta;
      PetscCall(PetscMalloc1(uq->np, &theta));
      PetscCall(NbPINNGetParameters(pinn, theta));
      if (grank == 0) PetscCall(PetscArraycpy(uq->params + (size_t)m * uq->np, theta, uq->np));
      PetscCall(PetscFree(theta));
    }
    PetscCall(NbPINNDestroy(&pinn));
  }
  PetscCall(NbStopPop());
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, uq->params, (PetscMPIInt)(uq->nnet * uq->np), MPIU_REAL, MPIU_SUM, uq->comm));
  PetscCallMPI(MPI_Comm_free(&gcomm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Report_Ensemble(NbUQ uq, NbReport rep)
{
  char buf[64];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(buf, sizeof(buf), "deep ensemble, %d members", (int)((UQEnsemble *)uq->data)->members));
  PetscCall(NbReportAddString(rep, "UQ method", buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbUQCreate_Ensemble(NbUQ uq)
{
  static const UQEnsemble defaults = {.members = 5 /* Lakshminarayanan et al. (2017) */, .perturb = PETSC_TRUE};
  static const NbUQOps    ops      = {.setfromoptions = SetFromOptions_Ensemble, .run = Run_Ensemble, .report = Report_Ensemble};

  return NbHeadSetTypeData(uq, &defaults, sizeof(defaults), &uq->ops, &ops, sizeof(ops));
}
