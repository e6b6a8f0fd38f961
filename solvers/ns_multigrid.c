/* Geometric multigrid for the cell-centred pressure Poisson (-pc_type mg).
   PETSc 3.18's DMStag builds interpolations only for DMs with one dof per
   face and per element, not for the pressure's cells alone, so the
   hierarchy is built here: coarse DMStags with half the cells (the same
   process grid, half the local sizes), the cell-centred bilinear
   interpolation (Wesseling 1992, "An Introduction to Multigrid Methods":
   weights 9/16, 3/16, 3/16, 1/16 from the four nearest coarse centres;
   constant extrapolation at walls, the Neumann condition), and
   Galerkin coarse operators R A P. Every other -pc_mg_* and -mg_levels_*
   option applies as usual. */
#include "ns_impl.h"

/* How many times the pressure grid can be halved: sizes even, at least
   4 cells per direction left, and every rank's share even (so the coarse
   cells needed by a fine cell stay within the coarse ghost layer). */
static PetscErrorCode MaxLevels(NbNavierStokes ns, PetscInt *levels)
{
  const PetscInt *lx, *ly;
  PetscInt        mr, nr, M = ns->M, N = ns->N, f = 1;
  PetscBool       ok = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(DMStagGetNumRanks(ns->dm, &mr, &nr, NULL));
  PetscCall(DMStagGetOwnershipRanges(ns->dm, &lx, &ly, NULL));
  *levels = 1;
  while (ok) {
    if ((M / f) % 2 || (N / f) % 2 || M / (2 * f) < 4 || N / (2 * f) < 4) break;
    for (PetscInt i = 0; i < mr; i++) ok = (ok && (lx[i] / f) % 2 == 0 && lx[i] / (2 * f) >= 1) ? PETSC_TRUE : PETSC_FALSE;
    for (PetscInt j = 0; j < nr; j++) ok = (ok && (ly[j] / f) % 2 == 0 && ly[j] / (2 * f) >= 1) ? PETSC_TRUE : PETSC_FALSE;
    if (!ok) break;
    f *= 2;
    (*levels)++;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CoarseDM(NbNavierStokes ns, PetscInt f, DM *dmc)
{
  const PetscInt *lx, *ly;
  PetscInt        mr, nr, *cx, *cy;
  DMBoundaryType  bt = ns->c.periodic ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;

  PetscFunctionBegin;
  PetscCall(DMStagGetNumRanks(ns->dm, &mr, &nr, NULL));
  PetscCall(DMStagGetOwnershipRanges(ns->dm, &lx, &ly, NULL));
  PetscCall(PetscMalloc2(mr, &cx, nr, &cy));
  for (PetscInt i = 0; i < mr; i++) cx[i] = lx[i] / f;
  for (PetscInt j = 0; j < nr; j++) cy[j] = ly[j] / f;
  PetscCall(DMStagCreate2d(ns->comm, bt, bt, ns->M / f, ns->N / f, mr, nr, 0, 0, 1, DMSTAG_STENCIL_BOX, 1, cx, cy, dmc));
  PetscCall(DMSetUp(*dmc));
  PetscCall(PetscFree2(cx, cy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Interpolation from the cells of dmc to those of dmf (twice as fine). */
static PetscErrorCode CellInterpolation(NbNavierStokes ns, DM dmc, DM dmf, Mat *A)
{
  PetscInt               Mc, Nc, x, y, m, n, nf, nc;
  ISLocalToGlobalMapping lf, lc;
  Vec                    vf, vc;

  PetscFunctionBegin;
  PetscCall(DMStagGetGlobalSizes(dmc, &Mc, &Nc, NULL));
  PetscCall(DMGetGlobalVector(dmf, &vf));
  PetscCall(DMGetGlobalVector(dmc, &vc));
  PetscCall(VecGetLocalSize(vf, &nf));
  PetscCall(VecGetLocalSize(vc, &nc));
  PetscCall(DMRestoreGlobalVector(dmf, &vf));
  PetscCall(DMRestoreGlobalVector(dmc, &vc));
  PetscCall(MatCreate(ns->comm, A));
  PetscCall(MatSetSizes(*A, nf, nc, PETSC_DETERMINE, PETSC_DETERMINE));
  PetscCall(MatSetType(*A, MATAIJ));
  PetscCall(MatSeqAIJSetPreallocation(*A, 4, NULL));
  PetscCall(MatMPIAIJSetPreallocation(*A, 4, NULL, 4, NULL));
  PetscCall(DMGetLocalToGlobalMapping(dmf, &lf));
  PetscCall(DMGetLocalToGlobalMapping(dmc, &lc));
  PetscCall(MatSetLocalToGlobalMapping(*A, lf, lc));
  PetscCall(DMStagGetCorners(dmf, &x, &y, NULL, &m, &n, NULL, NULL, NULL, NULL));
  for (PetscInt j = y; j < y + n; j++)
    for (PetscInt i = x; i < x + m; i++) {
      PetscInt      ci[2] = {i / 2, i % 2 ? i / 2 + 1 : i / 2 - 1}, cj[2] = {j / 2, j % 2 ? j / 2 + 1 : j / 2 - 1};
      PetscReal     wx[2] = {0.75, 0.25}, wy[2] = {0.75, 0.25};
      DMStagStencil row = {.loc = DMSTAG_ELEMENT, .i = i, .j = j, .k = 0, .c = 0}, col[4];
      PetscInt      ir, ic[4], k = 0;
      PetscScalar   w[4];
      if (!ns->c.periodic && (ci[1] < 0 || ci[1] >= Mc)) wx[0] = 1, wx[1] = 0;
      if (!ns->c.periodic && (cj[1] < 0 || cj[1] >= Nc)) wy[0] = 1, wy[1] = 0;
      for (PetscInt b = 0; b < 2; b++)
        for (PetscInt a = 0; a < 2; a++) {
          if (wx[a] * wy[b] == 0) continue;
          col[k] = (DMStagStencil){.loc = DMSTAG_ELEMENT, .i = ci[a], .j = cj[b], .k = 0, .c = 0};
          w[k++] = wx[a] * wy[b];
        }
      PetscCall(DMStagStencilToIndexLocal(dmf, 2, 1, &row, &ir));
      PetscCall(DMStagStencilToIndexLocal(dmc, 2, k, col, ic));
      PetscCall(MatSetValuesLocal(*A, 1, &ir, k, ic, w, INSERT_VALUES));
    }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest number of levels for this grid and partition. */
PetscErrorCode NbNSPressureMultigridLevels(NbNavierStokes ns, PetscInt *levels)
{
  PetscFunctionBegin;
  PetscCall(MaxLevels(ns, levels));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* If the pressure KSP's PC is PCMG, give it the hierarchy: -pc_mg_levels L
   (default: as many as the grid and the partition allow). */
PetscErrorCode NbNSPressureMultigrid(NbNavierStokes ns, KSP ksp)
{
  PC        pc;
  PetscBool   ismg, set;
  PetscInt    maxlev = 1, levels = 1;
  DM          fine, coarse;
  const char *prefix;

  PetscFunctionBegin;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &ismg));
  if (!ismg) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MaxLevels(ns, &maxlev));
  PetscCall(KSPGetOptionsPrefix(ksp, &prefix));
  PetscCall(PetscOptionsGetInt(NULL, prefix, "-pc_mg_levels", &levels, &set));
  if (!set) levels = maxlev;
  PetscCheck(levels >= 1 && levels <= maxlev, ns->comm, PETSC_ERR_USER_INPUT,
             "-pc_mg_levels %d: the %d x %d pressure grid on this process grid allows 1 to %d levels (each level halves the cells; sizes and every rank's share must stay even)", (int)levels, (int)ns->M, (int)ns->N, (int)maxlev);
  PetscCall(PCMGSetLevels(pc, levels, NULL));
  PetscCall(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
  fine = ns->dmP;
  PetscCall(PetscObjectReference((PetscObject)fine));
  for (PetscInt l = levels - 1, f = 2; l > 0; l--, f *= 2) {
    Mat A;
    PetscCall(CoarseDM(ns, f, &coarse));
    PetscCall(CellInterpolation(ns, coarse, fine, &A));
    PetscCall(PCMGSetInterpolation(pc, l, A));
    PetscCall(MatDestroy(&A));
    PetscCall(DMDestroy(&fine));
    fine = coarse;
  }
  PetscCall(DMDestroy(&fine));
  /* default smoother: one SOR sweep before and after (a Poisson V-cycle
     needs no more); -mg_levels_ksp_type etc. override it */
  for (PetscInt l = 1; l < levels; l++) {
    KSP smoother;
    PC  spc;
    PetscCall(PCMGGetSmoother(pc, l, &smoother));
    PetscCall(KSPSetType(smoother, KSPRICHARDSON));
    PetscCall(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 1));
    PetscCall(KSPGetPC(smoother, &spc));
    PetscCall(PCSetType(spc, PCSOR));
  }
  PetscCall(PCSetFromOptions(pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}
