/* A family of variable-coefficient Poisson samples (nbpoissonkappa.h): the
   random coefficient and source of each sample, and the five-point operator
   they define.

   The random field. g is a truncated cosine (Karhunen-Loeve-type) sum
     g(x, y) = sum_{k,l < K} sqrt(lam_k lam_l) xi_kl cos(k pi x) cos(l pi y),
     lam_k = exp(-(pi k ell)^2 / 2),
   with xi_kl independent standard normals: the cosines are the Neumann
   eigenfunctions of the unit interval and lam_k the spectral density of the
   squared-exponential covariance exp(-r^2 / (2 ell^2)) at wavenumber pi k,
   so ell is the correlation length (Lord, Powell & Shardlow 2014, ch. 7).
   xi comes from nabla's counter-based RNG (Philox) at (seed, stream 2a) for
   kappa and (seed, 2a + 1) for a random f: every rank computes any node of
   any sample in the same order, bitwise the same for any decomposition.
   g is then mapped affinely onto [-log(c)/2, log(c)/2] over the nodes, so
   that kappa = exp(g) has max/min exactly c (the contrast) and geometric
   mean 1 between its extremes; a random f is mapped onto [-1, 1]. */
#include "nbpoissonkappa.h"
#include "nbnn.h"

struct _p_NbPoissonFamily {
  MPI_Comm   comm;
  char       prefix[64];
  PetscReal  contrast, length;
  PetscInt   modes;
  PetscInt64 seed;
  PetscBool  randomf;
  NbRNG      rng;
};

static const char *const NbPoissonSources[] = {"const", "random", "NbPoissonSource", "", NULL};

PetscErrorCode NbPoissonFamilyCreate(MPI_Comm comm, NbPoissonFamily *famp)
{
  NbPoissonFamily fam;

  PetscFunctionBegin;
  PetscCall(PetscNew(&fam));
  fam->comm     = comm;
  fam->contrast = 10;
  fam->length   = 0.2;
  fam->modes    = 16;
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &fam->rng));
  *famp = fam;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilySetOptionsPrefix(NbPoissonFamily fam, const char prefix[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(fam->prefix, prefix ? prefix : "", sizeof(fam->prefix)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckField(NbPoissonFamily fam)
{
  PetscFunctionBegin;
  PetscCheck(fam->contrast > 1, fam->comm, PETSC_ERR_USER_INPUT, "-%skappa_contrast %g: the contrast max(kappa)/min(kappa) must be > 1 (use e.g. 10; the constant coefficient is the poisson problem's own case)", fam->prefix, (double)fam->contrast);
  PetscCheck(fam->length > 0, fam->comm, PETSC_ERR_USER_INPUT, "-%skappa_length %g: the correlation length must be > 0 (e.g. 0.2)", fam->prefix, (double)fam->length);
  PetscCheck(fam->modes >= 2, fam->comm, PETSC_ERR_USER_INPUT, "-%skappa_modes %d: the field needs at least 2 modes per direction", fam->prefix, (int)fam->modes);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilySetFromOptions(NbPoissonFamily fam)
{
  PetscInt src = fam->randomf ? 1 : 0, seed = (PetscInt)fam->seed;

  PetscFunctionBegin;
  PetscOptionsBegin(fam->comm, fam->prefix, "Random variable-coefficient Poisson samples", "NbPoissonFamily");
  PetscCall(PetscOptionsReal("-kappa_contrast", "max(kappa)/min(kappa) of every sample (> 1)", "NbPoissonFamilySetField", fam->contrast, &fam->contrast, NULL));
  PetscCall(PetscOptionsReal("-kappa_length", "Correlation length of log(kappa)", "NbPoissonFamilySetField", fam->length, &fam->length, NULL));
  PetscCall(PetscOptionsInt("-kappa_modes", "Cosine modes per direction of log(kappa)", "NbPoissonFamilySetField", fam->modes, &fam->modes, NULL));
  PetscCall(PetscOptionsInt("-kappa_seed", "Seed of the samples' fields", "NbPoissonFamilyGetSample", seed, &seed, NULL));
  PetscCall(PetscOptionsEList("-poisson_f", "Source term of the samples", "NbPoissonFamilySetRandomSource", NbPoissonSources, 2, NbPoissonSources[src], &src, NULL));
  PetscOptionsEnd();
  fam->randomf = (PetscBool)(src == 1);
  fam->seed    = seed;
  PetscCall(CheckField(fam));
  PetscCall(NbRNGSetSeed(fam->rng, fam->seed));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilySetField(NbPoissonFamily fam, PetscReal contrast, PetscReal length, PetscInt modes)
{
  PetscFunctionBegin;
  fam->contrast = contrast;
  fam->length   = length;
  fam->modes    = modes;
  PetscCall(CheckField(fam));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilySetRandomSource(NbPoissonFamily fam, PetscBool randomf)
{
  PetscFunctionBegin;
  fam->randomf = randomf;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilyGetContrast(NbPoissonFamily fam, PetscReal *c)
{
  PetscFunctionBegin;
  *c = fam->contrast;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilyView(NbPoissonFamily fam, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "kappa = exp(g), g Gaussian: contrast %g, correlation length %g, %d x %d cosine modes, seed %lld; f %s\n", (double)fam->contrast, (double)fam->length, (int)fam->modes, (int)fam->modes, (long long)fam->seed, fam->randomf ? "random in [-1, 1]" : "= 1"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilyDestroy(NbPoissonFamily *famp)
{
  PetscFunctionBegin;
  if (!*famp) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbRNGDestroy(&(*famp)->rng));
  PetscCall(PetscFree(*famp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* g of stream s at the nodes of da (the sum in the header comment), mapped
   affinely onto [lo, hi] over all nodes; out is a global Vec of da. */
static PetscErrorCode DrawField(NbPoissonFamily fam, DM da, PetscInt64 stream, PetscReal lo, PetscReal hi, Vec out)
{
  const PetscInt K = fam->modes;
  DMDALocalInfo  info;
  PetscReal     *xi, *cx, *cy, *s, ext[2] = {PETSC_MAX_REAL, PETSC_MAX_REAL}, **g;

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(da, &info));
  PetscCall(PetscMalloc4(K * K, &xi, K * info.xm, &cx, K * info.ym, &cy, K, &s));
  PetscCall(NbRNGNormal(fam->rng, stream, 0, K * K, xi));
  for (PetscInt i = 0; i < info.xm; i++)
    for (PetscInt k = 0; k < K; k++) cx[i * K + k] = PetscExpReal(-PetscSqr(PETSC_PI * k * fam->length) / 4) * PetscCosReal(k * PETSC_PI * (info.xs + i) / (info.mx - 1));
  for (PetscInt j = 0; j < info.ym; j++)
    for (PetscInt l = 0; l < K; l++) cy[j * K + l] = PetscExpReal(-PetscSqr(PETSC_PI * l * fam->length) / 4) * PetscCosReal(l * PETSC_PI * (info.ys + j) / (info.my - 1));
  PetscCall(DMDAVecGetArray(da, out, &g));
  for (PetscInt j = 0; j < info.ym; j++) {
    for (PetscInt k = 0; k < K; k++) {
      s[k] = 0;
      for (PetscInt l = 0; l < K; l++) s[k] += xi[k * K + l] * cy[j * K + l];
    }
    for (PetscInt i = 0; i < info.xm; i++) {
      PetscReal v = 0;
      for (PetscInt k = 0; k < K; k++) v += cx[i * K + k] * s[k];
      g[info.ys + j][info.xs + i] = v;
      ext[0] = PetscMin(ext[0], v);
      ext[1] = PetscMin(ext[1], -v);
    }
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, ext, 2, MPIU_REAL, MPI_MIN, PetscObjectComm((PetscObject)da)));
  PetscCheck(-ext[1] > ext[0], PetscObjectComm((PetscObject)da), PETSC_ERR_USER_INPUT, "The random field of stream %lld is constant on this grid: raise -%skappa_modes or the grid size", (long long)stream, fam->prefix);
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) g[j][i] = lo + (hi - lo) * (g[j][i] - ext[0]) / (-ext[1] - ext[0]);
  PetscCall(DMDAVecRestoreArray(da, out, &g));
  PetscCall(PetscFree4(xi, cx, cy, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPoissonFamilyGetSample(NbPoissonFamily fam, DM da, PetscInt64 a, Vec kappa, Vec f)
{
  const PetscReal L = PetscLogReal(fam->contrast);

  PetscFunctionBegin;
  PetscCheck(a >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "Sample index %lld must be >= 0", (long long)a);
  PetscCall(DrawField(fam, da, 2 * a, -L / 2, L / 2, kappa));
  PetscCall(VecExp(kappa));
  if (fam->randomf) PetscCall(DrawField(fam, da, 2 * a + 1, -1, 1, f));
  else PetscCall(VecSet(f, 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool OnBoundary(const DMDALocalInfo *info, PetscInt i, PetscInt j)
{
  return (PetscBool)(i == 0 || j == 0 || i == info->mx - 1 || j == info->my - 1);
}

PetscErrorCode NbPoissonAssemble(DM da, Vec kappa, Vec f, Mat A, Vec b)
{
  DMDALocalInfo      info;
  Vec                kloc;
  const PetscScalar **k, **fv;
  PetscScalar       **bv;
  const PetscInt      di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};

  PetscFunctionBegin;
  PetscCall(DMDAGetLocalInfo(da, &info));
  PetscCall(DMGetLocalVector(da, &kloc));
  PetscCall(DMGlobalToLocal(da, kappa, INSERT_VALUES, kloc));
  PetscCall(DMDAVecGetArrayRead(da, kloc, &k));
  PetscCall(DMDAVecGetArrayRead(da, f, &fv));
  PetscCall(DMDAVecGetArray(da, b, &bv));
  for (PetscInt j = info.ys; j < info.ys + info.ym; j++)
    for (PetscInt i = info.xs; i < info.xs + info.xm; i++) {
      MatStencil  row = {.i = i, .j = j}, col[5];
      PetscScalar v[5], diag = 0;
      PetscInt    nc = 0;
      PetscBool   bnd = OnBoundary(&info, i, j);
      PetscReal   h[2] = {1.0 / (info.mx - 1), 1.0 / (info.my - 1)};

      bv[j][i] = bnd ? 0 : fv[j][i];
      for (PetscInt q = 0; q < 4 && !bnd; q++) {
        PetscInt    ii = i + di[q], jj = j + dj[q];
        PetscScalar c  = 0.5 * (k[j][i] + k[jj][ii]) / PetscSqr(h[q / 2]);
        diag += c;
        if (!OnBoundary(&info, ii, jj)) { /* u = 0 there: no column */
          col[nc]   = (MatStencil){.i = ii, .j = jj};
          v[nc++] = -c;
        }
      }
      col[nc] = row;
      v[nc++] = bnd ? 1 : diag;
      PetscCall(MatSetValuesStencil(A, 1, &row, nc, col, v, INSERT_VALUES));
    }
  PetscCall(DMDAVecRestoreArray(da, b, &bv));
  PetscCall(DMDAVecRestoreArrayRead(da, f, &fv));
  PetscCall(DMDAVecRestoreArrayRead(da, kloc, &k));
  PetscCall(DMRestoreLocalVector(da, &kloc));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}
