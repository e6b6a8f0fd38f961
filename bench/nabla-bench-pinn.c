#define _POSIX_C_SOURCE 200809L /* clock_gettime */
static const char help[] = "nabla-bench-pinn: seconds per PINN training step for 1-D viscous Burgers.\n"
                           "One step = the residual u_t + u u_x - nu u_xx with exact derivatives (jets) at the\n"
                           "collocation points, the initial/boundary misfit, the loss, the full parameter\n"
                           "gradient and an Adam update. Defaults: Raissi, Perdikaris & Karniadakis (2019):\n"
                           "input (x,t), 8 hidden layers of 20 tanh units, 10000 collocation + 100 boundary points.\n"
                           "  -bench_width <20> -bench_depth <8> -bench_points <10000> -bench_bpoints <100>\n"
                           "  -bench_steps <50> -bench_warmup <5> -bench_dgemm (also time cblas_dgemm)\n"
                           "Data parallel over the MPI ranks (the points are split). Prints one line with s_per_step=.\n";

#include "nabla.h"
#include <cblas.h>
#include <time.h>

/* CPU seconds of this process: on a shared machine wall time also counts
   the time other jobs hold the core */
static double CPUTime(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* cblas_dgemm GFLOP/s for C (m x n) = A (m x k) B (k x n), best of reps */
static double DgemmGflops(int m, int n, int k, int reps)
{
  double *A = malloc(sizeof(double) * (size_t)m * k), *B = malloc(sizeof(double) * (size_t)k * n), *C = malloc(sizeof(double) * (size_t)m * n), best = 1e30;
  for (size_t i = 0; i < (size_t)m * k; i++) A[i] = 1.0 / (1 + i % 7);
  for (size_t i = 0; i < (size_t)k * n; i++) B[i] = 1.0 / (1 + i % 5);
  for (int r = 0; r < reps; r++) {
    double t = NbWallTime();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, A, k, B, n, 0.0, C, n);
    t = NbWallTime() - t;
    if (t < best) best = t;
  }
  free(A);
  free(B);
  free(C);
  return 2.0 * m * n * k / best / 1e9;
}

typedef struct {
  NbGraph  g;
  NbTensor Xc, Xb, Gb;
} Bench;

int main(int argc, char **argv)
{
  PetscInt       width = 20, depth = 8, N = 10000, Nb = 100, steps = 50, warmup = 5, *widths, n, nb, P;
  PetscInt64     off, offb;
  PetscBool      dgemm = PETSC_FALSE;
  PetscReal      nu = 0.01 / PETSC_PI, lo[2] = {-1, 0}, hi[2] = {1, 1}, *xc, *xb, *gb, loss = 0;
  PetscLogDouble flops;
  double         t0, t1, c0, c1, sps, cps, gflops;
  PetscMPIInt    size;
  NbModel        m;
  NbLayer        net;
  NbGraph        g;
  NbOptimizer    opt;
  NbRNG          rng;
  NbTensor       Xc, Jc, U, u, ux, ut, uxx, r, a, lr, Xb, Gb, Ub, eb, lb, terms[2], loss_t;

  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "PINN step benchmark", "nabla-bench-pinn");
  PetscCall(PetscOptionsInt("-bench_width", "Hidden units per layer", "", width, &width, NULL));
  PetscCall(PetscOptionsInt("-bench_depth", "Hidden layers", "", depth, &depth, NULL));
  PetscCall(PetscOptionsInt("-bench_points", "Collocation points (global)", "", N, &N, NULL));
  PetscCall(PetscOptionsInt("-bench_bpoints", "Initial/boundary points (global)", "", Nb, &Nb, NULL));
  PetscCall(PetscOptionsInt("-bench_steps", "Timed steps", "", steps, &steps, NULL));
  PetscCall(PetscOptionsInt("-bench_warmup", "Untimed steps first", "", warmup, &warmup, NULL));
  PetscCall(PetscOptionsBool("-bench_dgemm", "Also time cblas_dgemm on this machine", "", dgemm, &dgemm, NULL));
  PetscOptionsEnd();
  PetscCheck(width > 0 && depth > 0 && N > 0 && Nb > 0 && steps > 0, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-bench_width, -bench_depth, -bench_points, -bench_bpoints and -bench_steps must be positive");
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));

  /* u(x,t): 2 -> width x depth -> 1, tanh, Glorot-normal weights */
  PetscCall(PetscMalloc1(depth + 2, &widths));
  widths[0] = 2;
  for (PetscInt l = 1; l <= depth; l++) widths[l] = width;
  widths[depth + 1] = 1;
  PetscCall(NbModelCreate(PETSC_COMM_WORLD, &m));
  PetscCall(NbModelSetSeed(m, 1234));
  PetscCall(NbModelAddMLP(m, "u", depth + 2, widths, NB_ACT_TANH, &net));
  PetscCall(NbModelSetFromOptions(m));

  /* this rank's share of the points; point i is the same for any rank count */
  PetscCall(NbPartition(PETSC_COMM_WORLD, N, &off, &n));
  PetscCall(NbPartition(PETSC_COMM_WORLD, Nb, &offb, &nb));
  PetscCall(NbGraphCreate(PETSC_COMM_WORLD, &g));
  PetscCall(NbGraphAddInput(g, "collocation", PetscMax(n, 1), 2, &Xc));
  PetscCall(NbGraphAddInput(g, "boundary", PetscMax(nb, 1), 2, &Xb));
  PetscCall(NbGraphAddInputLike(g, "boundary_values", Xb, 1, &Gb));
  /* residual u_t + u u_x - nu u_xx, exact derivatives through the network */
  PetscCall(NbTensorJetSeed(Xc, "x,t", "x,t,xx", &Jc));
  PetscCall(NbLayerApply(net, g, Jc, &U));
  PetscCall(NbTensorJetComponent(U, "", &u));
  PetscCall(NbTensorJetComponent(U, "x", &ux));
  PetscCall(NbTensorJetComponent(U, "t", &ut));
  PetscCall(NbTensorJetComponent(U, "xx", &uxx));
  PetscCall(NbTensorMul(u, ux, &a));
  PetscCall(NbTensorAdd(ut, a, &r));
  PetscCall(NbTensorAXPY(r, -nu, uxx, &r));
  PetscCall(NbTensorMeanSquare(r, &lr));
  /* initial and boundary misfit */
  PetscCall(NbLayerApply(net, g, Xb, &Ub));
  PetscCall(NbTensorSub(Ub, Gb, &eb));
  PetscCall(NbTensorMeanSquare(eb, &lb));
  terms[0] = lr;
  terms[1] = lb;
  PetscCall(NbTensorLinearCombination(2, terms, NULL, &loss_t));
  PetscCall(NbGraphSetLoss(g, loss_t));
  PetscCall(NbGraphSetFromOptions(g));
  PetscCall(NbGraphSetUp(g));

  PetscCall(NbRNGCreate(PETSC_COMM_WORLD, &rng));
  PetscCall(NbRNGSetSeed(rng, 99));
  PetscCall(PetscMalloc3(2 * PetscMax(n, 1), &xc, 2 * PetscMax(nb, 1), &xb, PetscMax(nb, 1), &gb));
  PetscCall(NbRNGSampleBox(rng, 0, off, n, 2, lo, hi, xc));
  /* boundary points: half on t = 0 with u = -sin(pi x), half on x = +-1 with u = 0 */
  PetscCall(NbRNGSampleBox(rng, 1, offb, nb, 2, lo, hi, xb));
  for (PetscInt i = 0; i < nb; i++) {
    PetscInt64 gi = offb + i;
    if (gi % 2 == 0) {
      xb[2 * i + 1] = 0;
      gb[i]         = -PetscSinReal(PETSC_PI * xb[2 * i]);
    } else {
      xb[2 * i] = gi % 4 == 1 ? -1 : 1;
      gb[i]     = 0;
    }
  }
  PetscCall(NbGraphSetInputPartitioned(g, Xc, N, off, n, xc));
  PetscCall(NbGraphSetInputPartitioned(g, Xb, Nb, offb, nb, xb));
  PetscCall(NbGraphSetInputPartitioned(g, Gb, Nb, offb, nb, gb));

  PetscCall(NbOptimizerCreate(m, &opt));
  PetscCall(NbOptimizerSetGraph(opt, g));
  PetscCall(NbOptimizerSetType(opt, "adam"));
  PetscCall(NbOptimizerSetLearningRate(opt, 1e-3));
  PetscCall(NbOptimizerSetFromOptions(opt));
  PetscCall(NbOptimizerSetUp(opt));

  for (PetscInt s = 0; s < warmup; s++) PetscCall(NbOptimizerStep(opt, &loss));
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  t0 = NbWallTime();
  c0 = CPUTime();
  for (PetscInt s = 0; s < steps; s++) PetscCall(NbOptimizerStep(opt, &loss));
  c1 = CPUTime();
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  t1  = NbWallTime();
  sps = (t1 - t0) / steps;
  cps = (c1 - c0) / steps;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &cps, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD));
  PetscCall(NbGraphGetMatMulFlops(g, &flops));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &flops, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD));
  gflops = flops / sps / 1e9;
  PetscCall(NbModelGetNumParameters(m, &P));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "nabla-bench-pinn ranks=%d width=%" PetscInt_FMT " depth=%" PetscInt_FMT " points=%" PetscInt_FMT " bpoints=%" PetscInt_FMT " params=%" PetscInt_FMT " steps=%" PetscInt_FMT " loss=%.6e matmul_gflop_per_step=%.4f gflops=%.2f core=%s cpu_s_per_step=%.6f s_per_step=%.6f\n", (int)size, width, depth, N, Nb, P, steps, (double)loss, flops / 1e9, gflops, NbBLASCoreName(), cps, sps));
  if (dgemm) {
    int    rank;
    double big, pinn;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    if (rank == 0) {
      big  = DgemmGflops(2000, 2000, 2000, 3);
      pinn = DgemmGflops((int)N, (int)width, (int)width, 20);
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "cblas_dgemm core=%s gflops_2000^3=%.2f gflops_%" PetscInt_FMT "x%" PetscInt_FMT "x%" PetscInt_FMT "=%.2f\n", NbBLASCoreName(), big, N, width, width, pinn));
    }
  }
  PetscCall(NbOptimizerDestroy(&opt));
  PetscCall(PetscFree3(xc, xb, gb));
  PetscCall(PetscFree(widths));
  PetscCall(NbRNGDestroy(&rng));
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscCall(NbFinalize());
  return 0;
}
