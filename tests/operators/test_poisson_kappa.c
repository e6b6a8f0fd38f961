/* The variable-coefficient Poisson family (solvers/poisson_kappa.c).

   1. Second-order convergence: with the smooth kappa = 1 + sin(pi x) sin(pi y)/2
      and u* = sin(pi x) sin(2 pi y) (zero on the boundary), f = -div(kappa
      grad u*) in closed form; the max-norm error of the discrete solution on
      17, 33, 65 nodes must fall with observed order in [1.9, 2.1]. The
      five-point scheme with arithmetic means is O(h^2) with an O(h^4) next
      term, so at h <= 1/16 the observed order is 2 within ~1%; a wrong
      flux (e.g. the mean at the wrong node) drops it to 1 or 0.
   2. The assembled operator is symmetric (CG needs it) and its residual
      ||A u - b|| / ||b|| at the KSP solution (true residual, rtol 1e-12) is
      below 1e-11: a factor 10 above the solver tolerance for the difference
      between the recursive and the true residual.
   3. A random sample: max(kappa)/min(kappa) = -kappa_contrast to 1e-12
      (the affine map puts log kappa at exactly -+log(c)/2 up to rounding);
      kappa and f on the parallel DMDA equal those of a serial DMDA of the
      same grid on every rank to 1e-14 relative (the same arithmetic per node;
      only the contraction of a vector loop's remainder may differ by ulps);
      two samples differ. */
#include "nbtest.h"
#include "nbpoissonkappa.h"

static void Exact(PetscReal x, PetscReal y, PetscReal *u, PetscReal *k, PetscReal *f)
{
  const PetscReal pi = PETSC_PI, sx = PetscSinReal(pi * x), cx = PetscCosReal(pi * x), sy = PetscSinReal(pi * y), cy = PetscCosReal(pi * y);
  const PetscReal s2 = PetscSinReal(2 * pi * y), c2 = PetscCosReal(2 * pi * y);

  *u = sx * s2;
  *k = 1 + 0.5 * sx * sy;
  *f = 5 * pi * pi * *k * sx * s2 - (0.5 * pi * cx * sy) * (pi * cx * s2) - (0.5 * pi * sx * cy) * (2 * pi * sx * c2);
}

static PetscErrorCode CreateDA(MPI_Comm comm, PetscInt n, DM *da)
{
  PetscFunctionBegin;
  PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n, n, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve(DM da, Mat A, Vec b, Vec u)
{
  KSP ksp;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)da), &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, 1e-12, 0, PETSC_DEFAULT, 10000));
  PetscCall(KSPSolve(ksp, b, u));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the max-norm error on n x n nodes; the residual check on the way */
static PetscErrorCode ManufacturedError(PetscInt n, PetscReal *err)
{
  DM             da;
  Mat            A;
  Vec            kappa, f, b, u, r;
  PetscScalar  **kv, **fv, **uv;
  DMDALocalInfo  info;
  PetscReal      e = 0, rn, bn, ue, h = 1.0 / (n - 1);
  PetscBool      sym;

  PetscFunctionBegin;
  PetscCall(CreateDA(PETSC_COMM_WORLD, n, &da));
  PetscCall(DMDAGetLocalInfo(da, &info));
  PetscCall(DMCreateMatrix(da, &A));
  PetscCall(DMCreateGlobalVector(da, &kappa));
  PetscCall(VecDuplicate(kappa, &f));
  PetscCall(VecDuplicate(kappa, &b));
  PetscCall(VecDuplicate(kappa, &u));
  PetscCall(VecDuplicate(kappa, &r));
  PetscCall(DMDAVecGetArray(da, kappa, &kv));
  PetscCall(DMDAVecGetArray(da, f, &fv));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) Exact(i * h, j * h, &ue, &kv[j][i], &fv[j][i]);
  PetscCall(DMDAVecRestoreArray(da, kappa, &kv));
  PetscCall(DMDAVecRestoreArray(da, f, &fv));
  PetscCall(NbPoissonAssemble(da, kappa, f, A, b));
  PetscCall(MatIsSymmetric(A, 0.0, &sym));
  PetscCheck(sym, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the assembled operator is not symmetric");
  PetscCall(Solve(da, A, b, u));
  PetscCall(MatMult(A, u, r));
  PetscCall(VecAXPY(r, -1, b));
  PetscCall(VecNorm(r, NORM_2, &rn));
  PetscCall(VecNorm(b, NORM_2, &bn));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "n = %3d: ||A u - b|| / ||b|| = %.2e\n", (int)n, (double)(rn / bn)));
  PetscCheck(rn / bn < 1e-11, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "residual %g at the discrete solution", (double)(rn / bn));
  PetscCall(DMDAVecGetArray(da, u, &uv));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      PetscReal k, fx;
      Exact(i * h, j * h, &ue, &k, &fx);
      e = PetscMax(e, PetscAbsReal(uv[j][i] - ue));
    }
  PetscCall(DMDAVecRestoreArray(da, u, &uv));
  PetscCall(MPIU_Allreduce(&e, err, 1, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  PetscCall(VecDestroy(&kappa));
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&r));
  PetscCall(MatDestroy(&A));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckConvergence(void)
{
  PetscReal e[3];
  PetscInt  n[3] = {17, 33, 65};

  PetscFunctionBegin;
  for (PetscInt l = 0; l < 3; l++) PetscCall(ManufacturedError(n[l], &e[l]));
  for (PetscInt l = 1; l < 3; l++) {
    PetscReal order = PetscLog2Real(e[l - 1] / e[l]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "max error %.3e on %d nodes, observed order %.3f\n", (double)e[l], (int)n[l], (double)order));
    PetscCheck(order > 1.9 && order < 2.1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "observed order %g is not 2", (double)order);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* largest |a - b| / max|b| of the owned nodes of the parallel Vec a against the serial Vec b */
static PetscErrorCode CompareSerial(DM da, Vec a, DM ds, Vec b, PetscReal *d)
{
  DMDALocalInfo      info;
  const PetscScalar **av, **bv;
  PetscReal          dd[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(da, &info));
  PetscCall(DMDAVecGetArrayRead(da, a, &av));
  PetscCall(DMDAVecGetArrayRead(ds, b, &bv));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      dd[0] = PetscMax(dd[0], PetscAbsReal(av[j][i] - bv[j][i]));
      dd[1] = PetscMax(dd[1], PetscAbsReal(bv[j][i]));
    }
  PetscCall(DMDAVecRestoreArrayRead(da, a, &av));
  PetscCall(DMDAVecRestoreArrayRead(ds, b, &bv));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, dd, 2, MPIU_REAL, MPI_MAX, PETSC_COMM_WORLD));
  *d = dd[0] / dd[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckSamples(void)
{
  NbPoissonFamily fam;
  DM              da, ds;
  Vec             k, f, ks, fs, k2;
  PetscReal       kmax, kmin, c, dk, df, d2;

  PetscFunctionBegin;
  PetscCall(NbPoissonFamilyCreate(PETSC_COMM_WORLD, &fam));
  PetscCall(NbPoissonFamilySetRandomSource(fam, PETSC_TRUE));
  PetscCall(NbPoissonFamilySetFromOptions(fam));
  PetscCall(NbPoissonFamilyGetContrast(fam, &c));
  PetscCall(CreateDA(PETSC_COMM_WORLD, 33, &da));
  PetscCall(CreateDA(PETSC_COMM_SELF, 33, &ds));
  PetscCall(DMCreateGlobalVector(da, &k));
  PetscCall(VecDuplicate(k, &f));
  PetscCall(VecDuplicate(k, &k2));
  PetscCall(DMCreateGlobalVector(ds, &ks));
  PetscCall(VecDuplicate(ks, &fs));
  PetscCall(NbPoissonFamilyGetSample(fam, da, 7, k, f));
  PetscCall(NbPoissonFamilyGetSample(fam, ds, 7, ks, fs));
  PetscCall(NbPoissonFamilyGetSample(fam, da, 8, k2, f));
  PetscCall(NbPoissonFamilyGetSample(fam, da, 7, k, f));
  PetscCall(VecMax(k, NULL, &kmax));
  PetscCall(VecMin(k, NULL, &kmin));
  PetscCall(CompareSerial(da, k, ds, ks, &dk));
  PetscCall(CompareSerial(da, f, ds, fs, &df));
  PetscCall(CompareSerial(da, k2, ds, ks, &d2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "sample 7: max/min kappa %.15g (contrast %g); parallel vs serial: kappa %.1e, f %.1e; sample 8 vs 7: %.2f\n", (double)(kmax / kmin), (double)c, (double)dk, (double)df, (double)d2));
  PetscCheck(PetscAbsReal(kmax / kmin / c - 1) < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "max/min kappa %g is not the contrast %g", (double)(kmax / kmin), (double)c);
  PetscCheck(dk < 1e-14 && df < 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "the sample depends on the decomposition");
  PetscCheck(d2 > 1e-2, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "samples 7 and 8 are the same field");
  PetscCall(VecDestroy(&k));
  PetscCall(VecDestroy(&k2));
  PetscCall(VecDestroy(&f));
  PetscCall(VecDestroy(&ks));
  PetscCall(VecDestroy(&fs));
  PetscCall(DMDestroy(&da));
  PetscCall(DMDestroy(&ds));
  PetscCall(NbPoissonFamilyDestroy(&fam));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBegin;
  PetscCall(CheckConvergence());
  PetscCall(CheckSamples());
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
