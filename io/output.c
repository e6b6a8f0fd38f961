/* The run's output file: parallel HDF5 written collectively (MPI-IO through
   PETSc's HDF5 viewer), under a temporary name until complete. */
#include "ioimpl.h"
#include "nbsys.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static PetscLogEvent NB_OutputWrite;

PetscErrorCode NbOutputCreate(MPI_Comm comm, NbOutput *out)
{
  NbOutput o;

  PetscFunctionBegin;
  if (!NB_OutputWrite) PetscCall(PetscLogEventRegister("NbOutputWrite", NB_CLASSID, &NB_OutputWrite));
  PetscCall(PetscNew(&o));
  o->comm = comm;
  o->xdmf = PETSC_TRUE;
  PetscCall(PetscStrncpy(o->filename, "nabla.h5", sizeof(o->filename)));
  *out = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputSetFileName(NbOutput o, const char name[])
{
  PetscFunctionBegin;
  PetscCheck(!o->isopen, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the output file name before NbOutputOpen()");
  PetscCall(PetscStrncpy(o->filename, name, sizeof(o->filename)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputGetFileName(NbOutput o, const char *name[])
{
  PetscFunctionBegin;
  *name = o->filename;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputSetFromOptions(NbOutput o)
{
  PetscBool endsh5;

  PetscFunctionBegin;
  PetscOptionsBegin(o->comm, NULL, "nabla output (parallel HDF5 + XDMF)", "NbOutput");
  PetscCall(PetscOptionsString("-output", "Output file (.h5); an XDMF sidecar .xmf is written beside it", "NbOutputSetFileName", o->filename, o->filename, sizeof(o->filename), NULL));
  PetscCall(PetscOptionsBool("-output_xdmf", "Write the XDMF sidecar that ParaView opens", "NbOutputSetFromOptions", o->xdmf, &o->xdmf, NULL));
  PetscOptionsEnd();
  PetscCall(PetscStrendswith(o->filename, ".h5", &endsh5));
  PetscCheck(endsh5, o->comm, PETSC_ERR_USER_INPUT, "-output %s: the output file name must end in .h5 (for example -output run1.h5)", o->filename);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputOpen(NbOutput o)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  PetscCheck(!o->isopen, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Output %s is already open", o->filename);
  PetscCall(PetscSNPrintf(o->partial, sizeof(o->partial), "%s.partial", o->filename));
  /* HDF5's own failure message is a stack of library internals; test the path
     first so the user reads what is wrong and what to do. */
  PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
  if (rank == 0) {
    FILE *f = fopen(o->partial, "w");
    if (!f) err = errno;
    else {
      fclose(f);
      remove(o->partial);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, o->comm));
  PetscCheck(!err, o->comm, PETSC_ERR_FILE_OPEN, "Cannot write the output file %s (%s). Choose a writable path with -output DIR/NAME.h5", o->partial, strerror(err));
  PetscCall(PetscViewerHDF5Open(o->comm, o->partial, FILE_MODE_WRITE, &o->viewer));
  PetscCall(PetscViewerHDF5SetCollective(o->viewer, PETSC_TRUE));
  o->isopen = PETSC_TRUE;
  o->t_open = NbWallTime();
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 writes a 1-D real array; every rank takes part in the collective
   create. */
PetscErrorCode NbH5WriteRealArray_Private(PetscViewer v, const char path[], PetscInt n, const PetscReal a[])
{
  hid_t       file, space, dset, plist;
  hsize_t     dims = (hsize_t)n;
  PetscMPIInt rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PetscObjectComm((PetscObject)v), &rank));
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  NbCallH5Id(space, H5Screate_simple(1, &dims, NULL));
  NbCallH5Id(plist, H5Pcreate(H5P_LINK_CREATE));
  NbCallH5(H5Pset_create_intermediate_group(plist, 1));
  NbCallH5Id(dset, H5Dcreate2(file, path, H5T_NATIVE_DOUBLE, space, plist, H5P_DEFAULT, H5P_DEFAULT));
  if (rank != 0 || n == 0) NbCallH5(H5Sselect_none(space));
  NbCallH5(H5Dwrite(dset, H5T_NATIVE_DOUBLE, space, space, H5P_DEFAULT, a));
  NbCallH5(H5Dclose(dset));
  NbCallH5(H5Pclose(plist));
  NbCallH5(H5Sclose(space));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every rank reads the whole array (small metadata arrays only). */
PetscErrorCode NbH5ReadRealArray_Private(PetscViewer v, const char path[], PetscInt *n, PetscReal **a)
{
  hid_t   file, space, dset;
  hsize_t dims;
  int     ndims;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5GetFileId(v, &file));
  NbCallH5Id(dset, H5Dopen2(file, path, H5P_DEFAULT));
  NbCallH5Id(space, H5Dget_space(dset));
  NbCallH5Id(ndims, H5Sget_simple_extent_ndims(space));
  PetscCheck(ndims == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "Dataset %s has %d dimensions, expected 1", path, ndims);
  NbCallH5(H5Sget_simple_extent_dims(space, &dims, NULL));
  *n = (PetscInt)dims;
  PetscCall(PetscMalloc1(dims ? dims : 1, a));
  if (dims) NbCallH5(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *a));
  NbCallH5(H5Sclose(space));
  NbCallH5(H5Dclose(dset));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputSetGrid(NbOutput o, DM da, const PetscReal lower[], const PetscReal upper[])
{
  PetscInt  dim, M, N, P;
  PetscReal *coord;
  char      path[32];
  const char axis[3] = {'x', 'y', 'z'};

  PetscFunctionBegin;
  PetscCheck(o->isopen, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbOutputOpen() before NbOutputSetGrid()");
  PetscCall(DMDAGetInfo(da, &dim, &M, &N, &P, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  o->dim  = dim;
  o->n[0] = M;
  o->n[1] = dim > 1 ? N : 1;
  o->n[2] = dim > 2 ? P : 1;
  for (PetscInt d = 0; d < 3; d++) {
    o->lower[d] = d < dim ? lower[d] : 0;
    o->upper[d] = d < dim ? upper[d] : 0;
    o->h[d]     = d < dim ? (upper[d] - lower[d]) / (o->n[d] - 1) : 1;
  }
  PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/grid", "dim", PETSC_INT, &dim));
  for (PetscInt d = 0; d < dim; d++) {
    char key[32];
    PetscCall(PetscSNPrintf(key, sizeof(key), "n%c", axis[d]));
    PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/grid", key, PETSC_INT, &o->n[d]));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%c_lower", axis[d]));
    PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/grid", key, PETSC_REAL, &o->lower[d]));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%c_upper", axis[d]));
    PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/grid", key, PETSC_REAL, &o->upper[d]));
    PetscCall(PetscMalloc1(o->n[d], &coord));
    for (PetscInt i = 0; i < o->n[d]; i++) coord[i] = o->lower[d] + i * o->h[d];
    coord[o->n[d] - 1] = o->upper[d];
    PetscCall(PetscSNPrintf(path, sizeof(path), "/grid/%c", axis[d]));
    PetscCall(NbH5WriteRealArray_Private(o->viewer, path, o->n[d], coord));
    PetscCall(PetscFree(coord));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputBeginStep(NbOutput o, PetscReal t)
{
  char group[64];

  PetscFunctionBegin;
  PetscCheck(o->isopen && !o->instep, o->comm, PETSC_ERR_ARG_WRONGSTATE, "NbOutputBeginStep() needs an open output and no step in progress");
  PetscCheck(o->dim > 0, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbOutputSetGrid() before writing steps");
  if (o->nsteps == o->capsteps) {
    o->capsteps = o->capsteps ? 2 * o->capsteps : 16;
    PetscCall(PetscRealloc(o->capsteps * sizeof(PetscReal), &o->times));
  }
  o->times[o->nsteps] = t;
  PetscCall(PetscSNPrintf(group, sizeof(group), NB_STEP_GROUP_FMT, (int)o->nsteps));
  PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, group, "time", PETSC_REAL, &t));
  o->instep = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputWriteField(NbOutput o, const char name[], Vec v)
{
  DM          da, da3 = NULL;
  Vec         w = v, v3 = NULL;
  PetscInt    dim, dof, M, N, P;
  const char *oldname;
  char       *saved = NULL, group[64];
  size_t      len;

  PetscFunctionBegin;
  PetscCheck(o->instep, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbOutputBeginStep() before NbOutputWriteField()");
  PetscCall(PetscStrlen(name, &len));
  PetscCheck(len > 0 && len < sizeof(o->fields[0].name), o->comm, PETSC_ERR_ARG_WRONG, "Field name '%s' must have 1 to %d characters", name, (int)sizeof(o->fields[0].name) - 1);
  PetscCall(VecGetDM(v, &da));
  PetscCheck(da, o->comm, PETSC_ERR_ARG_WRONG, "Field %s: the vector has no DMDA attached", name);
  PetscCall(DMDAGetInfo(da, &dim, &M, &N, &P, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dim == o->dim && M == o->n[0] && (dim < 2 || N == o->n[1]) && (dim < 3 || P == o->n[2]), o->comm, PETSC_ERR_ARG_SIZ, "Field %s is not on the output's grid", name);
  PetscCheck(dof <= 3, o->comm, PETSC_ERR_SUP, "Field %s has %d components; at most 3 can be written as one ParaView vector", name, (int)dof);
  if (dof == 2) {
    /* ParaView's XDMF readers take 3-vectors: pad the third component with 0. */
    PetscInt xs, ys, xm, ym;
    PetscCall(DMDACreateCompatibleDMDA(da, 3, &da3));
    PetscCall(DMCreateGlobalVector(da3, &v3));
    PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
    if (dim == 1) {
      const PetscScalar **a;
      PetscScalar       **b;
      PetscCall(DMDAVecGetArrayDOFRead(da, v, &a));
      PetscCall(DMDAVecGetArrayDOF(da3, v3, &b));
      for (PetscInt i = xs; i < xs + xm; i++) b[i][0] = a[i][0], b[i][1] = a[i][1], b[i][2] = 0;
      PetscCall(DMDAVecRestoreArrayDOFRead(da, v, &a));
      PetscCall(DMDAVecRestoreArrayDOF(da3, v3, &b));
    } else {
      PetscCheck(dim == 2, o->comm, PETSC_ERR_SUP, "2-component fields are written for 1-D and 2-D grids only");
      const PetscScalar ***a;
      PetscScalar       ***b;
      PetscCall(DMDAVecGetArrayDOFRead(da, v, &a));
      PetscCall(DMDAVecGetArrayDOF(da3, v3, &b));
      for (PetscInt j = ys; j < ys + ym; j++)
        for (PetscInt i = xs; i < xs + xm; i++) b[j][i][0] = a[j][i][0], b[j][i][1] = a[j][i][1], b[j][i][2] = 0;
      PetscCall(DMDAVecRestoreArrayDOFRead(da, v, &a));
      PetscCall(DMDAVecRestoreArrayDOF(da3, v3, &b));
    }
    w   = v3;
    dof = 3;
  }
  PetscCall(PetscObjectGetName((PetscObject)w, &oldname));
  PetscCall(PetscStrallocpy(oldname, &saved));
  PetscCall(PetscObjectSetName((PetscObject)w, name));
  PetscCall(PetscSNPrintf(group, sizeof(group), NB_STEP_GROUP_FMT, (int)o->nsteps));
  PetscCall(PetscLogEventBegin(NB_OutputWrite, 0, 0, 0, 0));
  PetscCall(PetscViewerHDF5PushGroup(o->viewer, group));
  PetscCall(VecView(w, o->viewer));
  PetscCall(PetscViewerHDF5PopGroup(o->viewer));
  PetscCall(PetscLogEventEnd(NB_OutputWrite, 0, 0, 0, 0));
  PetscCall(PetscObjectSetName((PetscObject)w, saved));
  PetscCall(PetscFree(saved));
  PetscCall(VecDestroy(&v3));
  PetscCall(DMDestroy(&da3));

  if (o->nfields == o->capfields) {
    o->capfields = o->capfields ? 2 * o->capfields : 32;
    PetscCall(PetscRealloc(o->capfields * sizeof(NbOutputField), &o->fields));
  }
  o->fields[o->nfields].step  = o->nsteps;
  o->fields[o->nfields].ncomp = dof;
  PetscCall(PetscStrncpy(o->fields[o->nfields].name, name, sizeof(o->fields[0].name)));
  o->nfields++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputEndStep(NbOutput o)
{
  PetscFunctionBegin;
  PetscCheck(o->instep, o->comm, PETSC_ERR_ARG_WRONGSTATE, "NbOutputEndStep() without NbOutputBeginStep()");
  o->instep = PETSC_FALSE;
  o->nsteps++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputWriteHistory(NbOutput o, const char name[], PetscInt n, const PetscReal values[])
{
  char path[128];

  PetscFunctionBegin;
  PetscCheck(o->isopen && !o->closed, o->comm, PETSC_ERR_ARG_WRONGSTATE, "NbOutputWriteHistory() needs an open output");
  PetscCall(PetscSNPrintf(path, sizeof(path), "/history/%s", name));
  PetscCall(NbH5WriteRealArray_Private(o->viewer, path, n, values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputSetMetadataString(NbOutput o, const char key[], const char value[])
{
  PetscFunctionBegin;
  PetscCheck(o->isopen, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Output is not open");
  PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/metadata", key, PETSC_STRING, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputSetMetadataReal(NbOutput o, const char key[], PetscReal value)
{
  PetscFunctionBegin;
  PetscCheck(o->isopen, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Output is not open");
  PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/metadata", key, PETSC_REAL, &value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputSetMetadataInt(NbOutput o, const char key[], PetscInt value)
{
  PetscFunctionBegin;
  PetscCheck(o->isopen, o->comm, PETSC_ERR_ARG_WRONGSTATE, "Output is not open");
  PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, "/metadata", key, PETSC_INT, &value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NbOutputWriteRunMetadata(NbOutput o)
{
  char        buf[1024], prog[PETSC_MAX_PATH_LEN], date[64];
  const char *opts;
  PetscMPIInt size;
  time_t      now = time(NULL);

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(o->comm, &size));
  PetscCall(PetscGetProgramName(prog, sizeof(prog)));
  PetscCall(NbOutputSetMetadataString(o, "program", prog));
  PetscCall(PetscOptionsGetAll(NULL, (char **)&opts));
  PetscCall(NbOutputSetMetadataString(o, "options", opts));
  PetscCall(PetscFree(opts));
  PetscCall(NbOutputSetMetadataInt(o, "ranks", size));
  PetscCall(NbGetLibraryVersions(buf, sizeof(buf)));
  PetscCall(NbOutputSetMetadataString(o, "versions", buf));
  PetscCall(NbOutputSetMetadataReal(o, "wall_time", NbWallTime() - o->t_open));
  strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  PetscCall(NbOutputSetMetadataString(o, "date", date));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputClose(NbOutput o)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBegin;
  PetscCheck(o->isopen && !o->closed, o->comm, PETSC_ERR_ARG_WRONGSTATE, "NbOutputClose() needs an open output");
  PetscCheck(!o->instep, o->comm, PETSC_ERR_ARG_WRONGSTATE, "NbOutputClose() inside a step: call NbOutputEndStep() first");
  PetscCall(NbH5WriteRealArray_Private(o->viewer, "/time", o->nsteps, o->times));
  PetscCall(NbOutputWriteRunMetadata(o));
  PetscCall(PetscViewerDestroy(&o->viewer));
  PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
  if (rank == 0 && rename(o->partial, o->filename)) err = errno;
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, o->comm));
  PetscCheck(!err, o->comm, PETSC_ERR_FILE_WRITE, "Cannot rename %s to %s: %s", o->partial, o->filename, strerror(err));
  o->closed = PETSC_TRUE;
  if (o->xdmf) {
    PetscCall(NbOutputWriteXDMF_Private(o));
    PetscCall(NbOutputWritePointsXDMF_Private(o));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputDestroy(NbOutput *out)
{
  NbOutput o = *out;

  PetscFunctionBegin;
  if (!o) PetscFunctionReturn(PETSC_SUCCESS);
  if (o->isopen && !o->closed) {
    PetscMPIInt rank;
    PetscCall(PetscViewerDestroy(&o->viewer));
    PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
    if (rank == 0) remove(o->partial);
  }
  PetscCall(PetscFree(o->times));
  PetscCall(PetscFree(o->fields));
  PetscCall(PetscFree(o->sets));
  PetscCall(PetscFree(o));
  *out = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
