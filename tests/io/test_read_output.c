/* Reads a nabla output file back with nabla's own reader (NbInput) and checks
   it against facts independent of the writer:
   - the number of steps (-test_steps) and equally spaced times up to -test_tfinal;
   - u_exact at every node equals the exact solution evaluated afresh at that
     node's coordinate (1-D: Cole-Hopf; 2-D: Fletcher's formula, typed in
     here again), which proves the natural ordering and the coordinates;
   - the stored error metadata equals the error recomputed from the fields;
   - 2-D: `velocity` is (u, v, 0);
   - with -test_compare OTHER.h5, the fields of both files agree to
     -test_compare_tol (rank-count independence). */
#include "nbtest.h"

static PetscReal Fletcher(PetscReal nu, PetscReal t, PetscReal x, PetscReal y, PetscInt c)
{
  PetscReal e = PetscExpReal((-4 * x + 4 * y - t) / (32 * nu));
  return c == 0 ? 0.75 - 1 / (4 * (1 + e)) : 0.75 + 1 / (4 * (1 + e));
}

static PetscErrorCode CreateDA(PetscInt dim, const PetscInt n[], PetscInt dof, DM *da)
{
  PetscFunctionBegin;
  if (dim == 1) PetscCall(DMDACreate1d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, n[0], dof, 1, NULL, da));
  else PetscCall(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n[0], n[1], PETSC_DECIDE, PETSC_DECIDE, dof, 1, NULL, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  char      file[PETSC_MAX_PATH_LEN] = "", other[PETSC_MAX_PATH_LEN] = "";
  PetscInt  nsteps, expect_steps = -1, dim, n[2] = {1, 1};
  PetscReal lower[2], upper[2], tfinal = 1, nu, ctol = 1e-8, maxdiff = 0, stored_err;
  PetscBool compare;
  NbInput   in, in2 = NULL;
  DM        da, da3;
  Vec       u, ue, w, vel;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_file", file, sizeof(file), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-test_compare", other, sizeof(other), &compare));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-test_steps", &expect_steps, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_tfinal", &tfinal, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-test_compare_tol", &ctol, NULL));

  PetscCall(NbInputOpen(PETSC_COMM_WORLD, file, &in));
  PetscCall(NbInputGetNumSteps(in, &nsteps));
  PetscCall(NbInputGetGrid(in, &dim, n, lower, upper));
  PetscCall(NbInputGetMetadataReal(in, "nu", &nu));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %dD, grid %d x %d, %d steps, nu = %g\n", file, (int)dim, (int)n[0], (int)n[1], (int)nsteps, (double)nu));
  PetscCheck(nsteps == expect_steps, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%d steps in the file, expected %d", (int)nsteps, (int)expect_steps);
  for (PetscInt s = 0; s < nsteps; s++) {
    PetscReal t;
    PetscCall(NbInputGetTime(in, s, &t));
    PetscCheck(PetscAbsReal(t - tfinal * s / (nsteps - 1)) < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "step %d at t = %g", (int)s, (double)t);
  }
  PetscCall(CreateDA(dim, n, dim, &da));
  PetscCall(CreateDA(dim, n, 3, &da3));
  PetscCall(DMCreateGlobalVector(da, &u));
  PetscCall(VecDuplicate(u, &ue));
  PetscCall(VecDuplicate(u, &w));
  PetscCall(DMCreateGlobalVector(da3, &vel));
  if (compare) PetscCall(NbInputOpen(PETSC_COMM_WORLD, other, &in2));

  for (PetscInt s = 0; s < nsteps; s++) {
    PetscReal t, hx = (upper[0] - lower[0]) / (n[0] - 1), hy = dim > 1 ? (upper[1] - lower[1]) / (n[1] - 1) : 0, maxexact = 0;
    PetscCall(NbInputGetTime(in, s, &t));
    if (dim == 1) {
      const PetscScalar *a;
      PetscInt           xs, xm;
      PetscCall(NbInputReadField(in, s, "u_exact", ue));
      PetscCall(DMDAGetCorners(da, &xs, NULL, NULL, &xm, NULL, NULL));
      PetscCall(DMDAVecGetArrayRead(da, ue, &a));
      for (PetscInt i = xs; i < xs + xm; i++) {
        PetscReal ex;
        PetscCall(NbBurgersColeHopf(nu, t, lower[0] + i * hx, &ex));
        maxexact = PetscMax(maxexact, PetscAbsReal(a[i] - ex));
      }
      PetscCall(DMDAVecRestoreArrayRead(da, ue, &a));
      PetscCall(NbInputReadField(in, s, "u", u));
    } else {
      Vec                 c;
      const PetscScalar **a, ***b, ***v;
      PetscInt            xs, ys, xm, ym;
      DM                  da1;
      PetscCall(DMDACreateCompatibleDMDA(da, 1, &da1));
      PetscCall(DMCreateGlobalVector(da1, &c));
      PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
      for (PetscInt comp = 0; comp < 2; comp++) {
        PetscCall(NbInputReadField(in, s, comp ? "v_exact" : "u_exact", c));
        PetscCall(VecStrideScatter(c, comp, ue, INSERT_VALUES));
        PetscCall(DMDAVecGetArrayRead(da1, c, &a));
        for (PetscInt j = ys; j < ys + ym; j++)
          for (PetscInt i = xs; i < xs + xm; i++) maxexact = PetscMax(maxexact, PetscAbsReal(a[j][i] - Fletcher(nu, t, lower[0] + i * hx, lower[1] + j * hy, comp)));
        PetscCall(DMDAVecRestoreArrayRead(da1, c, &a));
        PetscCall(NbInputReadField(in, s, comp ? "v" : "u", c));
        PetscCall(VecStrideScatter(c, comp, u, INSERT_VALUES));
      }
      /* velocity = (u, v, 0) */
      PetscCall(NbInputReadField(in, s, "velocity", vel));
      PetscCall(DMDAVecGetArrayDOFRead(da3, vel, &v));
      PetscCall(DMDAVecGetArrayDOFRead(da, u, &b));
      for (PetscInt j = ys; j < ys + ym; j++)
        for (PetscInt i = xs; i < xs + xm; i++) {
          PetscCheck(v[j][i][0] == b[j][i][0] && v[j][i][1] == b[j][i][1] && v[j][i][2] == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "velocity differs from (u, v, 0) at (%d, %d)", (int)i, (int)j);
        }
      PetscCall(DMDAVecRestoreArrayDOFRead(da, u, &b));
      PetscCall(DMDAVecRestoreArrayDOFRead(da3, vel, &v));
      PetscCall(VecDestroy(&c));
      PetscCall(DMDestroy(&da1));
    }
    PetscCall(MPIU_Allreduce(MPI_IN_PLACE, &maxexact, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    /* Both sides evaluate the same formula in double precision; they may
       differ only by the rounding of the coordinate and of exp/tanh forms. */
    PetscCheck(maxexact < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "step %d: u_exact in the file differs from the exact solution by %g", (int)s, (double)maxexact);
    if (s == nsteps - 1) {
      PetscReal nd, ne;
      PetscCall(VecWAXPY(w, -1.0, ue, u));
      PetscCall(VecNorm(w, NORM_2, &nd));
      PetscCall(VecNorm(ue, NORM_2, &ne));
      PetscCall(NbInputGetMetadataReal(in, dim == 1 ? "result: rel. L2 error of u vs exact, final time" : "result: rel. L2 error of (u,v) vs exact, final time", &stored_err));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "final-time error from the fields %.6e, stored %.6e\n", (double)(nd / ne), (double)stored_err));
      /* the stored value is the same quantity computed before writing */
      PetscCheck(PetscAbsReal(nd / ne - stored_err) <= 1e-10 * stored_err, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "stored error %g differs from recomputed %g", (double)stored_err, (double)(nd / ne));
    }
    if (in2) {
      /* compare the full solution: u (1-D) or velocity (2-D) */
      Vec       a, b2;
      PetscReal d;
      PetscCall(VecDuplicate(dim == 1 ? u : vel, &a));
      PetscCall(VecDuplicate(a, &b2));
      PetscCall(NbInputReadField(in, s, dim == 1 ? "u" : "velocity", a));
      PetscCall(NbInputReadField(in2, s, dim == 1 ? "u" : "velocity", b2));
      PetscCall(VecAXPY(b2, -1.0, a));
      PetscCall(VecNorm(b2, NORM_INFINITY, &d));
      maxdiff = PetscMax(maxdiff, d);
      PetscCall(VecDestroy(&a));
      PetscCall(VecDestroy(&b2));
    }
  }
  if (in2) {
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "max |difference| to %s over all steps: %.3e (tolerance %.1e)\n", other, (double)maxdiff, (double)ctol));
    PetscCheck(maxdiff <= ctol, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s and %s differ by %g", file, other, (double)maxdiff);
  }
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&ue));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&vel));
  PetscCall(DMDestroy(&da));
  PetscCall(DMDestroy(&da3));
  PetscCall(NbInputClose(&in));
  PetscCall(NbInputClose(&in2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "read-back checks passed\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
