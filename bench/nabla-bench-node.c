static const char help[] = "nabla-bench-node: time and memory of one neural-ODE loss gradient (forward TSSolve + TSAdjoint).\n"
                           "  -bench_width <64> -bench_depth <2>   the tanh MLP 2 -> width^depth -> 2 (Lotka-Volterra's network)\n"
                           "  -bench_steps <1000> -bench_batch <1> fixed RK4 steps of dt = 0.01; trajectories integrated as one state\n"
                           "  -bench_every <10>                    loss: mean squared distance to the target every this many steps\n"
                           "  -bench_min_time <2>                  repeat the gradient for at least this many seconds (and 3 times)\n"
                           "Prints s_per_gradient= (wall clock; cpu_s_per_gradient=, this process's CPU time), and peak_rss_mb= / trajectory_mb= (peak resident memory, and its growth over the\n"
                           "set-up: what the gradient itself keeps). Any -ts_ option applies, e.g. bounded memory with\n"
                           "-ts_trajectory_stride S -ts_trajectory_max_cps_ram S -ts_trajectory_save_stack 0.\n";

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "nabla.h"
#include "nbnode.h"

static const PetscReal A = 1.5, B = 1.0, G = 3.0, D = 1.0; /* Lotka-Volterra, the target's dynamics */

static void LV(const PetscReal y[2], PetscReal f[2])
{
  f[0] = A * y[0] - B * y[0] * y[1];
  f[1] = D * y[0] * y[1] - G * y[1];
}

/* the targets: Lotka-Volterra by the same RK4 from member i's initial state */
static PetscErrorCode Targets(NbNODE node, PetscReal dt, PetscInt every, PetscInt nobs, Vec y0, Vec tg[])
{
  PetscInt   n;
  PetscReal *a, *t;

  PetscFunctionBegin;
  PetscCall(NbNODEGetLocalMembers(node, NULL, &n));
  PetscCall(VecGetArray(y0, &a));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal y[2] = {a[2 * i], a[2 * i + 1]};
    for (PetscInt k = 0; k < nobs; k++) {
      for (PetscInt s = 0; s < every; s++) {
        PetscReal k1[2], k2[2], k3[2], k4[2], z[2];
        LV(y, k1);
        for (PetscInt c = 0; c < 2; c++) z[c] = y[c] + 0.5 * dt * k1[c];
        LV(z, k2);
        for (PetscInt c = 0; c < 2; c++) z[c] = y[c] + 0.5 * dt * k2[c];
        LV(z, k3);
        for (PetscInt c = 0; c < 2; c++) z[c] = y[c] + dt * k3[c];
        LV(z, k4);
        for (PetscInt c = 0; c < 2; c++) y[c] += dt / 6 * (k1[c] + 2 * k2[c] + 2 * k3[c] + k4[c]);
      }
      PetscCall(VecGetArray(tg[k], &t));
      t[2 * i]     = y[0];
      t[2 * i + 1] = y[1];
      PetscCall(VecRestoreArray(tg[k], &t));
    }
  }
  PetscCall(VecRestoreArray(y0, &a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* member i starts uniformly in [1, 1.5]^2 */
static PetscErrorCode InitialStates(NbNODE node, NbModel m, Vec y0)
{
  const PetscReal lo[2] = {1, 1}, hi[2] = {1.5, 1.5};
  NbRNG           rng;

  PetscFunctionBegin;
  PetscCall(NbModelGetRNG(m, &rng));
  PetscCall(NbNODEDrawUniformStates(node, rng, 1, lo, hi, y0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* VmRSS of /proc/self/status, in MiB */
static double ResidentMB(void)
{
  char  line[256];
  long  kb = 0;
  FILE *f  = fopen("/proc/self/status", "r");

  while (f && fgets(line, sizeof(line), f))
    if (!strncmp(line, "VmRSS:", 6)) kb = atol(line + 6);
  if (f) fclose(f);
  return kb / 1024.0;
}

static double PeakMB(void)
{
  struct rusage u;

  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

static PetscErrorCode Run(void)
{
  MPI_Comm    comm = PETSC_COMM_WORLD;
  PetscInt    width = 64, depth = 2, steps = 1000, batch = 1, every = 10, widths[10], nobs, reps = 0;
  PetscReal   dt = 0.01, mintime = 2, *tobs, loss = 0;
  NbModel     m;
  NbLayer     net;
  NbNODE      node;
  Vec         y0, *tg;
  TS          ts;
  TSType      type;
  double      base, tstart, elapsed, cpu;
  clock_t     c0;
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "nabla-bench-node", NULL);
  PetscCall(PetscOptionsInt("-bench_width", "Units per hidden layer", NULL, width, &width, NULL));
  PetscCall(PetscOptionsInt("-bench_depth", "Hidden layers", NULL, depth, &depth, NULL));
  PetscCall(PetscOptionsInt("-bench_steps", "RK4 steps of dt = 0.01", NULL, steps, &steps, NULL));
  PetscCall(PetscOptionsInt("-bench_batch", "Trajectories integrated as one state", NULL, batch, &batch, NULL));
  PetscCall(PetscOptionsInt("-bench_every", "Steps between observations", NULL, every, &every, NULL));
  PetscCall(PetscOptionsReal("-bench_min_time", "Seconds of repeated gradients at least", NULL, mintime, &mintime, NULL));
  PetscOptionsEnd();
  PetscCheck(width >= 1 && depth >= 1 && depth <= 8 && batch >= 1, comm, PETSC_ERR_USER_INPUT, "-bench_width, -bench_batch must be >= 1 and -bench_depth in 1..8");
  PetscCheck(every >= 1 && steps >= every && steps % every == 0, comm, PETSC_ERR_USER_INPUT, "-bench_steps %d must be a positive multiple of -bench_every %d", (int)steps, (int)every);
  nobs      = steps / every;
  widths[0] = 2;
  for (PetscInt l = 1; l <= depth; l++) widths[l] = width;
  widths[depth + 1] = 2;
  PetscCall(NbModelCreate(comm, &m));
  PetscCall(NbModelAddMLP(m, "f", depth + 2, widths, NB_ACT_TANH, &net));
  PetscCall(NbModelSetUp(m));
  PetscCall(PetscMalloc1(nobs, &tobs));
  for (PetscInt k = 0; k < nobs; k++) tobs[k] = (k + 1) * every * dt;
  PetscCall(NbNODECreate(comm, &node));
  PetscCall(NbNODESetNetwork(node, m, net));
  PetscCall(NbNODESetSizes(node, 2, batch));
  PetscCall(NbNODESetTimes(node, 0, steps * dt, dt));
  PetscCall(NbNODESetObservations(node, nobs, tobs));
  PetscCall(NbNODESetFromOptions(node));
  PetscCall(NbNODESetUp(node));
  PetscCall(NbNODECreateState(node, &y0));
  PetscCall(InitialStates(node, m, y0));
  PetscCall(NbNODESetInitialState(node, y0));
  PetscCall(VecDuplicateVecs(y0, nobs, &tg));
  PetscCall(Targets(node, dt, every, nobs, y0, tg));
  PetscCall(NbNODESetTargets(node, tg));
  base = ResidentMB();
  PetscCall(NbNODEComputeLossGradient(node, &loss)); /* warm-up: allocations, trajectory */
  tstart = NbWallTime();
  c0     = clock();
  do {
    PetscCall(NbNODEComputeLossGradient(node, &loss));
    reps++;
    elapsed = NbWallTime() - tstart;
    PetscCallMPI(MPI_Bcast(&elapsed, 1, MPI_DOUBLE, 0, comm));
  } while (elapsed < mintime || reps < 3);
  cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
  PetscCall(NbNODEGetTS(node, &ts));
  PetscCall(TSGetType(ts, &type));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscPrintf(comm, "nabla-bench-node width=%d depth=%d steps=%d batch=%d ts=%s ranks=%d blas_core=%s reps=%d loss=%.10e s_per_gradient=%.6f cpu_s_per_gradient=%.6f peak_rss_mb=%.1f trajectory_mb=%.1f\n", (int)width, (int)depth, (int)steps, (int)batch, type, size, NbBLASCoreName(), (int)reps, (double)loss, elapsed / reps, cpu / reps, PeakMB(), PeakMB() - base));
  PetscCall(VecDestroyVecs(nobs, &tg));
  PetscCall(VecDestroy(&y0));
  PetscCall(NbNODEDestroy(&node));
  PetscCall(NbModelDestroy(&m));
  PetscCall(PetscFree(tobs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(Run());
  PetscCall(NbFinalize());
  return 0;
}
