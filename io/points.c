/* Point clouds in the run's HDF5 file: each rank writes its own block of a
   global [N][3] coordinate array (collective MPI-IO hyperslabs), with
   per-point fields, and an XDMF Polyvertex sidecar per cloud name. */
#include "ioimpl.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Writes a global array of shape [N][ncol] (ncol = 0: [N]) from each rank's
   rows starting at offset. */
static PetscErrorCode NbH5WriteRows(NbOutput o, const char path[], PetscInt N, PetscInt offset, PetscInt nlocal, PetscInt ncol, const PetscReal *a)
{
  hid_t   file, fspace, mspace, dset, lcpl, dxpl;
  hsize_t gdims[2] = {(hsize_t)N, (hsize_t)ncol}, ldims[2] = {(hsize_t)nlocal, (hsize_t)ncol}, start[2] = {(hsize_t)offset, 0};
  int     rank = ncol ? 2 : 1;

  PetscFunctionBegin;
  PetscCall(PetscViewerHDF5GetFileId(o->viewer, &file));
  NbCallH5Id(fspace, H5Screate_simple(rank, gdims, NULL));
  NbCallH5Id(lcpl, H5Pcreate(H5P_LINK_CREATE));
  NbCallH5(H5Pset_create_intermediate_group(lcpl, 1));
  NbCallH5Id(dset, H5Dcreate2(file, path, H5T_NATIVE_DOUBLE, fspace, lcpl, H5P_DEFAULT, H5P_DEFAULT));
  if (nlocal > 0) {
    NbCallH5(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, ldims, NULL));
    NbCallH5Id(mspace, H5Screate_simple(rank, ldims, NULL));
  } else {
    NbCallH5(H5Sselect_none(fspace));
    NbCallH5Id(mspace, H5Screate(H5S_NULL));
    NbCallH5(H5Sclose(mspace));
    NbCallH5Id(mspace, H5Screate_simple(rank, gdims, NULL));
    NbCallH5(H5Sselect_none(mspace));
  }
  NbCallH5Id(dxpl, H5Pcreate(H5P_DATASET_XFER));
  NbCallH5(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE));
  NbCallH5(H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, a));
  NbCallH5(H5Pclose(dxpl));
  NbCallH5(H5Sclose(mspace));
  NbCallH5(H5Dclose(dset));
  NbCallH5(H5Pclose(lcpl));
  NbCallH5(H5Sclose(fspace));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOutputWritePoints(NbOutput o, const char name[], PetscReal tag, PetscInt npoints, PetscInt cdim, const PetscReal coords[], PetscInt nfields, const char *const fieldnames[], const PetscReal *const fields[])
{
  NbOutputPointSet *set;
  PetscInt          N, offset = 0, index = 0;
  PetscReal        *xyz;
  char              group[160], path[240];
  size_t            len;

  PetscFunctionBegin;
  PetscCheck(o->isopen && !o->closed, o->comm, PETSC_ERR_ARG_WRONGSTATE, "NbOutputWritePoints() needs an open output");
  PetscCheck(cdim >= 1 && cdim <= 3, o->comm, PETSC_ERR_ARG_OUTOFRANGE, "Point clouds have 1 to 3 coordinates, not %d", (int)cdim);
  PetscCheck(nfields >= 0 && nfields <= 8, o->comm, PETSC_ERR_ARG_OUTOFRANGE, "At most 8 fields per point cloud, not %d", (int)nfields);
  PetscCall(PetscStrlen(name, &len));
  PetscCheck(len > 0 && len < 64, o->comm, PETSC_ERR_ARG_WRONG, "Point cloud name '%s' must have 1 to 63 characters", name);
  for (PetscInt s = 0; s < o->nsets; s++) {
    PetscBool same;
    PetscCall(PetscStrcmp(o->sets[s].name, name, &same));
    if (same) index++;
  }
  {
    PetscInt n = npoints;
    PetscCallMPI(MPI_Exscan(&n, &offset, 1, MPIU_INT, MPI_SUM, o->comm));
    PetscCallMPI(MPI_Allreduce(&n, &N, 1, MPIU_INT, MPI_SUM, o->comm));
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
    if (rank == 0) offset = 0; /* MPI_Exscan leaves rank 0's result undefined */
  }
  PetscCall(PetscMalloc1(3 * PetscMax(npoints, 1), &xyz));
  for (PetscInt i = 0; i < npoints; i++)
    for (PetscInt d = 0; d < 3; d++) xyz[3 * i + d] = d < cdim ? coords[cdim * i + d] : 0;
  PetscCall(PetscSNPrintf(group, sizeof(group), "/points/%s/%06d", name, (int)index));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/coords", group));
  PetscCall(NbH5WriteRows(o, path, N, offset, npoints, 3, xyz));
  PetscCall(PetscFree(xyz));
  for (PetscInt f = 0; f < nfields; f++) {
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/%s", group, fieldnames[f]));
    PetscCall(NbH5WriteRows(o, path, N, offset, npoints, 0, fields[f]));
  }
  PetscCall(PetscViewerHDF5WriteAttribute(o->viewer, group, "tag", PETSC_REAL, &tag));

  if (o->nsets == o->capsets) {
    o->capsets = o->capsets ? 2 * o->capsets : 16;
    PetscCall(PetscRealloc(o->capsets * sizeof(NbOutputPointSet), &o->sets));
  }
  set = &o->sets[o->nsets++];
  PetscCall(PetscMemzero(set, sizeof(*set)));
  PetscCall(PetscStrncpy(set->name, name, sizeof(set->name)));
  set->index   = index;
  set->npoints = N;
  set->tag     = tag;
  set->nfields = nfields;
  for (PetscInt f = 0; f < nfields; f++) PetscCall(PetscStrncpy(set->fields[f], fieldnames[f], sizeof(set->fields[f])));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One sidecar per cloud name: NAME-<cloud>.xmf. */
PetscErrorCode NbOutputWritePointsXDMF_Private(NbOutput o)
{
  PetscMPIInt rank;
  int         err = 0;
  char        failed[PETSC_MAX_PATH_LEN + 80] = "";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
  if (rank == 0) {
    const char *slash = strrchr(o->filename, '/');
    const char *base  = slash ? slash + 1 : o->filename;
    size_t      n     = strlen(o->filename);
    for (PetscInt s = 0; s < o->nsets && !err; s++) {
      PetscBool seen = PETSC_FALSE;
      char      xmf[PETSC_MAX_PATH_LEN + 80], tmp[PETSC_MAX_PATH_LEN + 96];
      FILE     *f;
      for (PetscInt r = 0; r < s; r++)
        if (!strcmp(o->sets[r].name, o->sets[s].name)) seen = PETSC_TRUE;
      if (seen) continue;
      snprintf(xmf, sizeof(xmf), "%.*s-%s.xmf", (int)(n - 3), o->filename, o->sets[s].name);
      snprintf(tmp, sizeof(tmp), "%s.partial", xmf);
      f = fopen(tmp, "w");
      if (!f) {
        err = errno;
        snprintf(failed, sizeof(failed), "%s", xmf);
        break;
      }
      fprintf(f, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"2.0\">\n <Domain>\n");
      fprintf(f, "  <Grid Name=\"%s\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", o->sets[s].name);
      for (PetscInt r = s; r < o->nsets; r++) {
        const NbOutputPointSet *p = &o->sets[r];
        if (strcmp(p->name, o->sets[s].name)) continue;
        fprintf(f, "   <Grid Name=\"%s %d\" GridType=\"Uniform\">\n", p->name, (int)p->index);
        fprintf(f, "    <Time Value=\"%.17g\"/>\n", (double)p->tag);
        fprintf(f, "    <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"%d\" NodesPerElement=\"1\"/>\n", (int)p->npoints);
        fprintf(f, "    <Geometry GeometryType=\"XYZ\">\n");
        fprintf(f, "     <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"%d 3\">%s:/points/%s/%06d/coords</DataItem>\n", (int)p->npoints, base, p->name, (int)p->index);
        fprintf(f, "    </Geometry>\n");
        for (PetscInt k = 0; k < p->nfields; k++) {
          fprintf(f, "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Node\">\n", p->fields[k]);
          fprintf(f, "     <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"%d\">%s:/points/%s/%06d/%s</DataItem>\n", (int)p->npoints, base, p->name, (int)p->index, p->fields[k]);
          fprintf(f, "    </Attribute>\n");
        }
        fprintf(f, "   </Grid>\n");
      }
      fprintf(f, "  </Grid>\n </Domain>\n</Xdmf>\n");
      if (fclose(f)) err = errno;
      if (!err && rename(tmp, xmf)) err = errno;
      if (err) snprintf(failed, sizeof(failed), "%s", xmf);
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, o->comm));
  PetscCheck(!err, o->comm, PETSC_ERR_FILE_WRITE, "Cannot write the point-cloud XDMF sidecar %s: %s", failed, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}
