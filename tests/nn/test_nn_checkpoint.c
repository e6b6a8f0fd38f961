/* Checkpoints.

   A network with a dropout layer trains with Adam on points redrawn every
   step. Run A: 6 steps, save, 6 more steps. Run B: a new model (another
   seed), load the checkpoint, 6 steps. Asserts, bit for bit (memcmp):
   the loaded parameters equal the saved ones, and run B's 6 losses and final
   parameters equal run A's after the save: parameters, Adam's moments and
   step, and the RNG counters (dropout epoch, sampler) are all a step depends
   on. With -mismatch, loads the checkpoint into a model with a wider second
   layer, which must fail naming the parameter (an error test). */
#include "nbtest.h"

#define NSTEP 6

typedef struct {
  NbModel     m;
  NbLayer     l1, l2, l3;
  NbGraph     g;
  NbTensor    X, F, loss;
  NbOptimizer opt;
} Run;

static PetscReal Target(const PetscReal *x) { return PetscSinReal(3 * x[0]) * x[1]; }

static PetscErrorCode Resample(NbOptimizer opt, PetscInt step, void *ctx)
{
  Run       *r = (Run *)ctx;
  NbRNG      rng;
  PetscInt64 base, off;
  PetscInt   n;
  PetscReal  x[2 * 100], f[100], lo[2] = {-1, -1}, hi[2] = {1, 1};
  MPI_Comm   comm;

  PetscFunctionBegin;
  PetscCall(NbModelGetRNG(r->m, &rng));
  PetscCall(NbGraphGetComm(r->g, &comm));
  PetscCall(NbPartition(comm, 100, &off, &n));
  PetscCall(NbRNGReserve(rng, 3, 100, &base));
  PetscCall(NbRNGSampleBox(rng, 3, base + off, n, 2, lo, hi, x));
  for (PetscInt i = 0; i < n; i++) f[i] = Target(&x[2 * i]);
  PetscCall(NbGraphSetInputPartitioned(r->g, r->X, 100, off, n, x));
  PetscCall(NbGraphSetInputPartitioned(r->g, r->F, 100, off, n, f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Build(Run *r, PetscInt64 seed, PetscInt width2)
{
  NbTensor h, e;

  PetscFunctionBegin;
  PetscCall(NbModelCreate(PETSC_COMM_WORLD, &r->m));
  PetscCall(NbModelSetSeed(r->m, seed));
  PetscCall(NbModelAddDense(r->m, "u.0", 2, 20, NB_ACT_TANH, &r->l1));
  PetscCall(NbModelAddDense(r->m, "u.1", 20, width2, NB_ACT_TANH, &r->l2));
  PetscCall(NbModelAddDense(r->m, "u.2", width2, 1, NB_ACT_NONE, &r->l3));
  PetscCall(NbGraphCreate(PETSC_COMM_WORLD, &r->g));
  PetscCall(NbGraphAddInput(r->g, "x", 100, 2, &r->X));
  PetscCall(NbGraphAddInputLike(r->g, "f", r->X, 1, &r->F));
  PetscCall(NbLayerApply(r->l1, r->g, r->X, &h));
  PetscCall(NbTensorDropout(h, 0.2, &h));
  PetscCall(NbLayerApply(r->l2, r->g, h, &h));
  PetscCall(NbLayerApply(r->l3, r->g, h, &h));
  PetscCall(NbTensorSub(h, r->F, &e));
  PetscCall(NbTensorMeanSquare(e, &r->loss));
  PetscCall(NbGraphSetLoss(r->g, r->loss));
  PetscCall(NbGraphSetUp(r->g));
  PetscCall(NbTestOptimizer(r->m, r->g, "adamw", 3e-3, &r->opt));
  PetscCall(NbOptimizerSetSchedule(r->opt, NB_SCHEDULE_EXPONENTIAL, 0.5, 4, 0));
  PetscCall(NbOptimizerSetPreStep(r->opt, Resample, r));
  PetscCall(NbOptimizerSetUp(r->opt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Destroy(Run *r)
{
  PetscFunctionBegin;
  PetscCall(NbOptimizerDestroy(&r->opt));
  PetscCall(NbGraphDestroy(&r->g));
  PetscCall(NbModelDestroy(&r->m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A training method's state in the same file: reals, 64-bit integers
   beyond 2^53 (which a double would round) and a string come back bit for
   bit on every rank; a missing item and a file without a state are errors. */
static PetscErrorCode StateRoundTrip(Run *r, const char file[])
{
  NbState           w, rd;
  PetscReal         x[7];
  PetscInt64        k[3] = {-1, ((PetscInt64)1 << 62) + 3, 42}, n;
  const PetscReal  *xr;
  const PetscInt64 *kr;
  const char       *str;
  PetscErrorCode    ierr;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < 7; i++) x[i] = PetscSinReal((PetscReal)i + 0.5) / 3;
  PetscCall(NbStateCreate(&w));
  PetscCall(NbStateAddReal(w, "pinn.history", 7, x));
  PetscCall(NbStateAddInt(w, "pinn.position", 3, k));
  PetscCall(NbStateAddString(w, "pinn.options", "-pinn_lr 0.001\n-pinn_width 20\n"));
  PetscCall(NbStateAddReal(w, "empty", 0, NULL));
  PetscCall(NbCheckpointSaveState(r->m, r->opt, w, file));
  PetscCall(NbStateCreate(&rd));
  PetscCall(NbCheckpointLoadState(r->m, r->opt, rd, file));
  PetscCall(NbStateGetReal(rd, "pinn.history", &n, &xr));
  PetscCheck(n == 7 && !memcmp(xr, x, sizeof(x)), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "state reals differ after the round trip");
  PetscCall(NbStateGetInt(rd, "pinn.position", &n, &kr));
  PetscCheck(n == 3 && !memcmp(kr, k, sizeof(k)), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "state integers differ after the round trip");
  PetscCall(NbStateGetString(rd, "pinn.options", &str));
  PetscCheck(!strcmp(str, "-pinn_lr 0.001\n-pinn_width 20\n"), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "state string differs after the round trip");
  PetscCall(NbStateGetReal(rd, "empty", &n, &xr));
  PetscCheck(n == 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "an empty item came back with %" PetscInt64_FMT " entries", n);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NbStateGetReal(rd, "missing", &n, &xr);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PETSC_ERR_FILE_UNEXPECTED, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a missing state item was not reported");
  PetscCall(NbStateDestroy(&rd));
  PetscCall(NbStateDestroy(&w));
  PetscCall(NbCheckpointSave(r->m, r->opt, file)); /* no state */
  PetscCall(NbStateCreate(&rd));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NbCheckpointLoadState(r->m, r->opt, rd, file);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(ierr == PETSC_ERR_FILE_UNEXPECTED, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "loading a state from a file without one was not reported (%d)", (int)ierr);
  PetscCall(NbStateDestroy(&rd));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "state round trip: reals, integers, string bit for bit; missing items reported\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Run        a, b;
  PetscReal  la[NSTEP], lb[NSTEP], *pa, *pb, *saved;
  PetscInt   P;
  PetscBool  mismatch = PETSC_FALSE;
  char       file[PETSC_MAX_PATH_LEN] = "nn_checkpoint_test.h5";

  PetscCall(NbInitialize(&argc, &argv, NULL, "Checkpoint round trip and bitwise continuation"));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-mismatch", &mismatch, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-file", file, sizeof(file), NULL));
  PetscCall(Build(&a, 17, 20));
  for (PetscInt s = 0; s < NSTEP; s++) PetscCall(NbOptimizerStep(a.opt, NULL));
  PetscCall(NbCheckpointSave(a.m, a.opt, file));
  PetscCall(NbModelGetNumParameters(a.m, &P));
  PetscCall(NbModelGetParameterArray(a.m, &pa));
  PetscCall(PetscMalloc1(P, &saved));
  PetscCall(PetscArraycpy(saved, pa, P));
  for (PetscInt s = 0; s < NSTEP; s++) PetscCall(NbOptimizerStep(a.opt, &la[s]));

  if (mismatch) {
    PetscCall(Build(&b, 99, 24));
    PetscCall(NbCheckpointLoad(b.m, b.opt, file)); /* must fail */
    PetscCall(Destroy(&b));
  }
  PetscCall(Build(&b, 99, 20));
  PetscCall(NbCheckpointLoad(b.m, b.opt, file));
  PetscCall(NbModelGetParameterArray(b.m, &pb));
  PetscCheck(!memcmp(pb, saved, P * sizeof(PetscReal)), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "loaded parameters differ from the saved ones");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "round trip: the %" PetscInt_FMT " loaded parameters equal the saved ones bit for bit\n", P));
  for (PetscInt s = 0; s < NSTEP; s++) PetscCall(NbOptimizerStep(b.opt, &lb[s]));
  for (PetscInt s = 0; s < NSTEP; s++) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "step %" PetscInt_FMT ": never stopped %.17g  resumed %.17g\n", NSTEP + s, (double)la[s], (double)lb[s]));
  PetscCheck(!memcmp(la, lb, sizeof(la)), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the resumed run's losses differ from the uninterrupted run's");
  PetscCheck(!memcmp(pa, pb, P * sizeof(PetscReal)), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the resumed run's parameters differ from the uninterrupted run's");
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "save -> load -> continue: %d losses and the final parameters are bitwise identical to never stopping\n", NSTEP));
  PetscCall(PetscFree(saved));
  if (!mismatch) PetscCall(StateRoundTrip(&b, file));
  PetscCall(Destroy(&a));
  PetscCall(Destroy(&b));
  {
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
    if (rank == 0) remove(file);
  }
  PetscCall(NbFinalize());
  return 0;
}
