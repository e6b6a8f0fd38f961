/* Writes two rounds of a point cloud from every rank (uneven counts, one
   rank with none) for pv_points_check.py to read back with ParaView. Point
   with global index g is (g/100, sin(g), 0) with field value = x + 2y. */
#include "nbtest.h"

static PetscErrorCode Run(void)
{
  NbOutput    out;
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(NbOutputCreate(PETSC_COMM_WORLD, &out));
  PetscCall(NbOutputSetFileName(out, "points.h5"));
  PetscCall(NbOutputSetFromOptions(out));
  PetscCall(NbOutputOpen(out));
  for (PetscInt round = 0; round < 2; round++) {
    PetscInt   n = (rank == 1) ? 0 : 10 + 7 * rank + round, start = 0;
    PetscReal *xy, *val;
    const char *names[1] = {"value"};
    const PetscReal *fields[1];
    PetscCallMPI(MPI_Exscan(&n, &start, 1, MPIU_INT, MPI_SUM, PETSC_COMM_WORLD));
    if (rank == 0) start = 0;
    PetscCall(PetscMalloc2(2 * n + 1, &xy, n + 1, &val));
    for (PetscInt i = 0; i < n; i++) {
      PetscInt g = start + i;
      xy[2 * i] = g / 100.0;
      xy[2 * i + 1] = PetscSinReal((PetscReal)g);
      val[i] = xy[2 * i] + 2 * xy[2 * i + 1];
    }
    fields[0] = val;
    PetscCall(NbOutputWritePoints(out, "cloud", 5.0 * round, n, 2, xy, 1, names, fields));
    PetscCall(PetscFree2(xy, val));
  }
  PetscCall(NbOutputClose(out));
  PetscCall(NbOutputDestroy(&out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

NB_TEST_MAIN(Run)
