/* Reading a nabla output file back: grid, times, fields (VecLoad into a DMDA
   vector in natural order, any rank count) and metadata. */
#include "ioimpl.h"
#include <unistd.h>

struct _p_NbInput {
  MPI_Comm    comm;
  PetscViewer viewer;
  PetscInt    dim, n[3], nsteps;
  PetscReal   lower[3], upper[3], *times;
};

PetscErrorCode NbInputOpen(MPI_Comm comm, const char filename[], NbInput *in)
{
  NbInput     r;
  PetscBool   exists, isnabla;
  const char  axis[3] = {'x', 'y', 'z'};

  PetscFunctionBegin;
  PetscCall(PetscTestFile(filename, 'r', &exists));
  PetscCheck(exists, comm, PETSC_ERR_FILE_OPEN, "Cannot read %s: no such readable file", filename);
  PetscCall(PetscNew(&r));
  r->comm = comm;
  PetscCall(PetscViewerHDF5Open(comm, filename, FILE_MODE_READ, &r->viewer));
  PetscCall(PetscViewerHDF5HasAttribute(r->viewer, "/grid", "dim", &isnabla));
  PetscCheck(isnabla, comm, PETSC_ERR_FILE_UNEXPECTED, "%s is not a nabla output file (no /grid description)", filename);
  PetscCall(PetscViewerHDF5ReadAttribute(r->viewer, "/grid", "dim", PETSC_INT, NULL, &r->dim));
  for (PetscInt d = 0; d < 3; d++) r->n[d] = 1;
  for (PetscInt d = 0; d < r->dim; d++) {
    char key[32];
    PetscCall(PetscSNPrintf(key, sizeof(key), "n%c", axis[d]));
    PetscCall(PetscViewerHDF5ReadAttribute(r->viewer, "/grid", key, PETSC_INT, NULL, &r->n[d]));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%c_lower", axis[d]));
    PetscCall(PetscViewerHDF5ReadAttribute(r->viewer, "/grid", key, PETSC_REAL, NULL, &r->lower[d]));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%c_upper", axis[d]));
    PetscCall(PetscViewerHDF5ReadAttribute(r->viewer, "/grid", key, PETSC_REAL, NULL, &r->upper[d]));
  }
  PetscCall(NbH5ReadRealArray_Private(r->viewer, "/time", &r->nsteps, &r->times));
  *in = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbInputGetNumSteps(NbInput r, PetscInt *n)
{
  PetscFunctionBegin;
  *n = r->nsteps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbInputGetTime(NbInput r, PetscInt step, PetscReal *t)
{
  PetscFunctionBegin;
  PetscCheck(step >= 0 && step < r->nsteps, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "Step %d out of range [0, %d)", (int)step, (int)r->nsteps);
  *t = r->times[step];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbInputGetGrid(NbInput r, PetscInt *dim, PetscInt n[], PetscReal lower[], PetscReal upper[])
{
  PetscFunctionBegin;
  if (dim) *dim = r->dim;
  for (PetscInt d = 0; d < r->dim; d++) {
    if (n) n[d] = r->n[d];
    if (lower) lower[d] = r->lower[d];
    if (upper) upper[d] = r->upper[d];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbInputReadField(NbInput r, PetscInt step, const char name[], Vec v)
{
  char        group[64], path[128];
  const char *oldname;
  char       *saved;
  PetscBool   has;

  PetscFunctionBegin;
  PetscCheck(step >= 0 && step < r->nsteps, r->comm, PETSC_ERR_ARG_OUTOFRANGE, "Step %d out of range [0, %d)", (int)step, (int)r->nsteps);
  PetscCall(PetscSNPrintf(group, sizeof(group), NB_STEP_GROUP_FMT, (int)step));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", group, name));
  PetscCall(PetscViewerHDF5HasDataset(r->viewer, path, &has));
  PetscCheck(has, r->comm, PETSC_ERR_FILE_UNEXPECTED, "No field %s at step %d (dataset %s missing)", name, (int)step, path);
  PetscCall(PetscObjectGetName((PetscObject)v, &oldname));
  PetscCall(PetscStrallocpy(oldname, &saved));
  PetscCall(PetscObjectSetName((PetscObject)v, name));
  PetscCall(PetscViewerHDF5PushGroup(r->viewer, group));
  PetscCall(VecLoad(v, r->viewer));
  PetscCall(PetscViewerHDF5PopGroup(r->viewer));
  PetscCall(PetscObjectSetName((PetscObject)v, saved));
  PetscCall(PetscFree(saved));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadMetadata(NbInput r, const char key[], PetscDataType type, void *value)
{
  PetscBool has;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5HasAttribute(r->viewer, "/metadata", key, &has));
  PetscCheck(has, r->comm, PETSC_ERR_FILE_UNEXPECTED, "No metadata '%s' in the file", key);
  PetscCall(PetscViewerHDF5ReadAttribute(r->viewer, "/metadata", key, type, NULL, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbInputGetMetadataString(NbInput r, const char key[], char **value)
{
  return ReadMetadata(r, key, PETSC_STRING, value);
}

PetscErrorCode NbInputGetMetadataReal(NbInput r, const char key[], PetscReal *value)
{
  return ReadMetadata(r, key, PETSC_REAL, value);
}

PetscErrorCode NbInputClose(NbInput *in)
{
  PetscFunctionBegin;
  if (!*in) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscViewerDestroy(&(*in)->viewer));
  PetscCall(PetscFree((*in)->times));
  PetscCall(PetscFree(*in));
  PetscFunctionReturn(PETSC_SUCCESS);
}
