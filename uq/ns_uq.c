/* nabla-navierstokes -method pinn -uq ensemble|mcdropout|hmc: the reference
   solve, the uncertain PINN of the Navier-Stokes problem (pinn/ns_pinn.c),
   and the judgement of its uncertainty against the reference at the cell
   centres of every frame: relative L2 error of the mean, 95% coverage,
   CRPS, Gaussian NLL and a calibration table, for the velocity (u and v
   together) and, where the pressure's constant is fixed by boundary data
   (soft conditions), for the pressure. Predictions are made on contiguous
   blocks of the cells' natural ordering (dropout masks follow the global
   point index, so nothing depends on the rank layout) and moved to the
   DMDA's layout for output. */
#include "nbuq.h"

typedef struct {
  NbNavierStokes ns;
  Vec           *f[3][3]; /* [mean, std, mean - reference][u, v, p] per frame, cell DMDA layout */
} NSUQFrames;

static PetscErrorCode WriteUQFrame(NbOutput out, PetscInt k, void *ctx)
{
  NSUQFrames  *fr = (NSUQFrames *)ctx;
  const char  *kind[3] = {"_mean", "_std", "_mean_err"}, *comp[3] = {"u", "v", "p"};
  DM           dac1, dac2;
  char         name[64];

  PetscFunctionBegin;
  PetscCall(NbNavierStokesGetCellDM(fr->ns, &dac1, &dac2));
  for (PetscInt q = 0; q < 3; q++) {
    Vec                w;
    PetscScalar       *a;
    const PetscScalar *u, *v;
    PetscInt           n;
    PetscCall(DMGetGlobalVector(dac2, &w));
    PetscCall(VecGetArray(w, &a));
    PetscCall(VecGetArrayRead(fr->f[q][0][k], &u));
    PetscCall(VecGetArrayRead(fr->f[q][1][k], &v));
    PetscCall(VecGetLocalSize(fr->f[q][0][k], &n));
    for (PetscInt i = 0; i < n; i++) a[2 * i] = u[i], a[2 * i + 1] = v[i];
    PetscCall(VecRestoreArrayRead(fr->f[q][0][k], &u));
    PetscCall(VecRestoreArrayRead(fr->f[q][1][k], &v));
    PetscCall(VecRestoreArray(w, &a));
    PetscCall(PetscSNPrintf(name, sizeof(name), "velocity%s", kind[q]));
    PetscCall(NbOutputWriteField(out, name, w));
    PetscCall(DMRestoreGlobalVector(dac2, &w));
    for (PetscInt c = 0; c < 3; c++) {
      PetscCall(PetscSNPrintf(name, sizeof(name), "%s%s", comp[c], kind[q]));
      PetscCall(NbOutputWriteField(out, name, fr->f[q][c][k]));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AddMetrics(NbReport rep, const char *what, const NbUQMetrics *mt)
{
  char key[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(key, sizeof(key), "UQ %s: rel. L2 error of the mean vs reference", what));
  PetscCall(NbReportAddReal(rep, key, "%.3e", mt->rel_l2));
  PetscCall(PetscSNPrintf(key, sizeof(key), "UQ %s: 95%% coverage of the reference", what));
  PetscCall(NbReportAddReal(rep, key, "%.4f", mt->coverage95));
  PetscCall(PetscSNPrintf(key, sizeof(key), "UQ %s: mean CRPS", what));
  PetscCall(NbReportAddReal(rep, key, "%.3e", mt->crps));
  PetscCall(PetscSNPrintf(key, sizeof(key), "UQ %s: mean Gaussian NLL", what));
  PetscCall(NbReportAddReal(rep, key, "%.4g", mt->nll));
  PetscCall(PetscSNPrintf(key, sizeof(key), "UQ %s: mean predicted std", what));
  PetscCall(NbReportAddReal(rep, key, "%.3e", mt->mean_std));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbNavierStokesRunPINNUQ(NbNavierStokes ns, NbOutput out, NbReport rep)
{
  NbPINNUQ         uq;
  NbPINNProblem    prob;
  PetscInt         nf, ndata = 2000, M, Nc, lo, hi, nloc;
  const PetscReal *tf;
  Vec             *U, nat, f[3], Vm, Vs, Vr, Pm, Ps, Pr;
  DM               dac1, dac2;
  PetscReal        dlo[2], dhi[2], hx, hy, *x, *mean, *std, noise = 0;
  PetscBool        inverse = PETSC_FALSE, steady, hard = PETSC_FALSE;
  PetscInt64       seed = 0;
  NSUQFrames       fr;
  NbUQMetrics      mv, mp;
  PetscScalar     *am, *as, *ar, *bm, *bs, *br;
  char             bc[16] = "soft";

  PetscFunctionBegin;
  PetscCall(NbNavierStokesPINNCheckOptions(ns));
  PetscCall(NbNavierStokesPINNProblem(ns, &prob));
  PetscCall(NbPINNUQCreate(PETSC_COMM_WORLD, &uq));
  PetscCall(NbPINNUQSetProblem(uq, &prob));
  PetscCall(NbPINNUQSetFromOptions(uq));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Navier-Stokes PINN uncertainty", "NbNavierStokesRunPINNUQ");
  PetscCall(PetscOptionsInt("-pinn_data_points", "Observations drawn from the reference solution (inverse problem)", "NbNavierStokesRunPINNUQ", ndata, &ndata, NULL));
  PetscCall(PetscOptionsBool("-pinn_inverse", "Identify nu and lambda1", "NbPINNSetFromOptions", inverse, &inverse, NULL));
  PetscCall(PetscOptionsReal("-pinn_noise", "Relative noise", "NbPINNSetFromOptions", noise, &noise, NULL));
  {
    PetscInt s = 0;
    PetscCall(PetscOptionsInt("-pinn_data_seed", "Seed of the data set", "NbPINNSetFromOptions", s, &s, NULL));
    seed = s;
  }
  PetscOptionsEnd();
  PetscCall(PetscOptionsGetString(NULL, NULL, "-pinn_bc", bc, sizeof(bc), NULL));
  PetscCall(PetscStrcmp(bc, "hard", &hard));
  PetscCall(NbNavierStokesIsSteady(ns, &steady));
  if (inverse) {
    PetscInt nfopt = 0;
    PetscCheck(ndata >= 1, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_data_points %d must be at least 1", (int)ndata);
    PetscCall(PetscOptionsGetInt(NULL, NULL, "-ns_frames", &nfopt, NULL));
    PetscCheck(steady || nfopt == 0 || nfopt >= 3, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames after t = 0: use -ns_frames 11 or more (now %d)", (int)nfopt);
  }
  PetscCall(NbNavierStokesSolveReference(ns));
  PetscCall(NbNavierStokesGetFrames(ns, &nf, &tf, &U));
  if (inverse) {
    PetscReal *xo, *uo;
    PetscCall(NbNavierStokesPINNObservations(ns, ndata, seed, noise, &xo, &uo));
    PetscCall(NbPINNUQSetObservations(uq, ndata, xo, uo));
    PetscCall(PetscFree2(xo, uo));
  }
  PetscCall(NbPINNUQRun(uq));

  /* predictions at this rank's block of the cells' natural ordering */
  PetscCall(NbNavierStokesGetCellDM(ns, &dac1, &dac2));
  PetscCall(NbNavierStokesGetDomain(ns, dlo, dhi));
  PetscCall(DMDAGetInfo(dac1, NULL, &M, &Nc, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  hx = (dhi[0] - dlo[0]) / M;
  hy = (dhi[1] - dlo[1]) / Nc;
  PetscCall(DMDACreateNaturalVector(dac1, &nat));
  PetscCall(VecGetOwnershipRange(nat, &lo, &hi));
  nloc = hi - lo;
  PetscCall(PetscMalloc3((size_t)nloc * 3 + 1, &x, (size_t)nloc * 3 + 1, &mean, (size_t)nloc * 3 + 1, &std));
  /* all frames side by side: velocity (2 per cell) and pressure (1 per cell) */
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, 2 * nloc * nf, PETSC_DETERMINE, &Vm));
  PetscCall(VecDuplicate(Vm, &Vs));
  PetscCall(VecDuplicate(Vm, &Vr));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, nloc * nf, PETSC_DETERMINE, &Pm));
  PetscCall(VecDuplicate(Pm, &Ps));
  PetscCall(VecDuplicate(Pm, &Pr));
  PetscCall(VecGetArray(Vm, &am));
  PetscCall(VecGetArray(Vs, &as));
  PetscCall(VecGetArray(Vr, &ar));
  PetscCall(VecGetArray(Pm, &bm));
  PetscCall(VecGetArray(Ps, &bs));
  PetscCall(VecGetArray(Pr, &br));
  fr.ns = ns;
  for (PetscInt c = 0; c < 3; c++) PetscCall(DMCreateGlobalVector(dac1, &f[c]));
  for (PetscInt q = 0; q < 3; q++)
    for (PetscInt c = 0; c < 3; c++) PetscCall(VecDuplicateVecs(f[0], nf, &fr.f[q][c]));
  for (PetscInt k = 0; k < nf; k++) {
    const PetscScalar *rn[3];
    PetscInt           nin = steady ? 2 : 3;
    PetscReal          s[4] = {0, 0, 0, 0};
    for (PetscInt i = 0; i < nloc; i++) {
      PetscInt cell = lo + i;
      x[i * nin]     = dlo[0] + (cell % M + 0.5) * hx;
      x[i * nin + 1] = dlo[1] + (cell / M + 0.5) * hy;
      if (!steady) x[i * nin + 2] = tf[k];
    }
    /* global point index: frame k's block follows frames 0..k-1 */
    PetscCall(NbPINNUQPredict(uq, (PetscInt64)nf * M * Nc, (PetscInt64)k * M * Nc + lo, nloc, x, mean, std));
    /* the reference, natural order, zero-mean pressure; the mean pressure likewise */
    PetscCall(NbNavierStokesComputeCellFields(ns, U[k], NULL, f[0], f[1], f[2], NULL));
    for (PetscInt c = 0; c < 3; c++) {
      Vec n2;
      PetscCall(VecDuplicate(nat, &n2));
      PetscCall(DMDAGlobalToNaturalBegin(dac1, f[c], INSERT_VALUES, n2));
      PetscCall(DMDAGlobalToNaturalEnd(dac1, f[c], INSERT_VALUES, n2));
      PetscCall(VecGetArrayRead(n2, &rn[c]));
      for (PetscInt i = 0; i < nloc; i++) {
        PetscReal r = PetscRealPart(rn[c][i]);
        if (c < 2) {
          am[(k * nloc + i) * 2 + c] = mean[3 * i + c];
          as[(k * nloc + i) * 2 + c] = std[3 * i + c];
          ar[(k * nloc + i) * 2 + c] = r;
        } else {
          s[0] += mean[3 * i + 2];
          s[1] += r;
        }
      }
      if (c == 2) {
        s[2] = (PetscReal)nloc;
        PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, 3, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
        for (PetscInt i = 0; i < nloc; i++) {
          mean[3 * i + 2] -= s[0] / s[2];
          bm[k * nloc + i] = mean[3 * i + 2];
          bs[k * nloc + i] = std[3 * i + 2];
          br[k * nloc + i] = PetscRealPart(rn[2][i]) - s[1] / s[2];
        }
      }
      PetscCall(VecRestoreArrayRead(n2, &rn[c]));
      PetscCall(VecDestroy(&n2));
    }
    /* mean, std and mean - reference to the DMDA's layout for output */
    for (PetscInt q = 0; q < 3; q++)
      for (PetscInt c = 0; c < 3; c++) {
        PetscScalar *a;
        PetscCall(VecGetArray(nat, &a));
        for (PetscInt i = 0; i < nloc; i++) {
          PetscReal ref = c < 2 ? PetscRealPart(ar[(k * nloc + i) * 2 + c]) : PetscRealPart(br[k * nloc + i]);
          a[i] = q == 0 ? mean[3 * i + c] : q == 1 ? std[3 * i + c] : mean[3 * i + c] - ref;
        }
        PetscCall(VecRestoreArray(nat, &a));
        PetscCall(DMDANaturalToGlobalBegin(dac1, nat, INSERT_VALUES, fr.f[q][c][k]));
        PetscCall(DMDANaturalToGlobalEnd(dac1, nat, INSERT_VALUES, fr.f[q][c][k]));
      }
  }
  PetscCall(VecRestoreArray(Vm, &am));
  PetscCall(VecRestoreArray(Vs, &as));
  PetscCall(VecRestoreArray(Vr, &ar));
  PetscCall(VecRestoreArray(Pm, &bm));
  PetscCall(VecRestoreArray(Ps, &bs));
  PetscCall(VecRestoreArray(Pr, &br));
  PetscCall(NbUQComputeMetrics(Vm, Vs, Vr, &mv));
  PetscCall(NbUQComputeMetrics(Pm, Ps, Pr, &mp));

  PetscCall(NbNavierStokesPINNWriteFrames(ns, out, WriteUQFrame, &fr));
  PetscCall(NbNavierStokesReport(ns, rep));
  PetscCall(NbPINNUQReport(uq, rep));
  PetscCall(AddMetrics(rep, "velocity", &mv));
  /* hard conditions leave the pressure's constant free in every network:
     its spread is not an uncertainty of the flow */
  if (!hard) PetscCall(AddMetrics(rep, "pressure", &mp));
  else PetscCall(NbReportAddReal(rep, "UQ pressure: rel. L2 error of the mean vs reference (zero means)", "%.3e", mp.rel_l2));
  for (PetscInt k = 0; k < 10; k++) {
    char key[80];
    PetscCall(PetscSNPrintf(key, sizeof(key), "UQ velocity calibration: observed at nominal %.2f", (double)mv.nominal[k]));
    PetscCall(NbReportAddReal(rep, key, "%.4f", mv.observed[k]));
  }
  PetscCall(NbPINNUQWriteHistories(uq, out, &mv));
  PetscCall(PetscFree3(x, mean, std));
  for (PetscInt q = 0; q < 3; q++)
    for (PetscInt c = 0; c < 3; c++) PetscCall(VecDestroyVecs(nf, &fr.f[q][c]));
  for (PetscInt c = 0; c < 3; c++) PetscCall(VecDestroy(&f[c]));
  PetscCall(VecDestroy(&Vm));
  PetscCall(VecDestroy(&Vs));
  PetscCall(VecDestroy(&Vr));
  PetscCall(VecDestroy(&Pm));
  PetscCall(VecDestroy(&Ps));
  PetscCall(VecDestroy(&Pr));
  PetscCall(VecDestroy(&nat));
  PetscCall(NbPINNUQDestroy(&uq));
  PetscFunctionReturn(PETSC_SUCCESS);
}
