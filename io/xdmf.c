/* XDMF sidecar: lets ParaView open the HDF5 file as a time series.
   Follows the rules in NOTES.md that ParaView 5.11's readers obey: a
   3DCoRectMesh (a leading 1 for 2-D, "1 1 Nx" for 1-D) so x lands on
   ParaView's X axis; dimensions and origin/spacing slowest first; one
   dataset per time step; the HDF5 file named relative to the .xmf. */
#include "ioimpl.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void NbXDMFPaths(const char h5[], char xmf[], size_t len, const char **base)
{
  const char *slash = strrchr(h5, '/');
  size_t      n     = strlen(h5);

  *base = slash ? slash + 1 : h5;
  snprintf(xmf, len, "%.*s.xmf", (int)(n - 3), h5); /* h5 ends in ".h5" */
}

PetscErrorCode NbOutputWriteXDMF_Private(NbOutput o)
{
  PetscMPIInt rank;
  int         err = 0;
  char        xmf[PETSC_MAX_PATH_LEN + 8], tmp[PETSC_MAX_PATH_LEN + 24];
  const char *base;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(o->comm, &rank));
  NbXDMFPaths(o->filename, xmf, sizeof(xmf), &base);
  if (rank == 0) {
    FILE *f;
    snprintf(tmp, sizeof(tmp), "%s.partial", xmf);
    f = fopen(tmp, "w");
    if (!f) err = errno;
    else {
      /* slowest first: z y x */
      PetscInt  nz = o->n[2], ny = o->n[1], nx = o->n[0];
      PetscReal oz = o->lower[2], oy = o->lower[1], ox = o->lower[0];
      PetscReal dz = o->h[2], dy = o->h[1], dx = o->h[0];

      fprintf(f, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n");
      fprintf(f, "<Xdmf Version=\"2.0\">\n <Domain>\n");
      fprintf(f, "  <Grid Name=\"TimeSeries\" GridType=\"Collection\" CollectionType=\"Temporal\">\n");
      for (PetscInt s = 0; s < o->nsteps; s++) {
        fprintf(f, "   <Grid Name=\"step %d\" GridType=\"Uniform\">\n", (int)s);
        fprintf(f, "    <Time Value=\"%.17g\"/>\n", (double)o->times[s]);
        fprintf(f, "    <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%d %d %d\"/>\n", (int)nz, (int)ny, (int)nx);
        fprintf(f, "    <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n");
        fprintf(f, "     <DataItem Format=\"XML\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"3\">%.17g %.17g %.17g</DataItem>\n", (double)oz, (double)oy, (double)ox);
        fprintf(f, "     <DataItem Format=\"XML\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"3\">%.17g %.17g %.17g</DataItem>\n", (double)dz, (double)dy, (double)dx);
        fprintf(f, "    </Geometry>\n");
        for (PetscInt k = 0; k < o->nfields; k++) {
          const NbOutputField *fd = &o->fields[k];
          if (fd->step != s) continue;
          fprintf(f, "    <Attribute Name=\"%s\" AttributeType=\"%s\" Center=\"Node\">\n", fd->name, fd->ncomp == 1 ? "Scalar" : "Vector");
          if (fd->ncomp == 1) fprintf(f, "     <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"%d %d %d\">", (int)nz, (int)ny, (int)nx);
          else fprintf(f, "     <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"%d %d %d %d\">", (int)nz, (int)ny, (int)nx, (int)fd->ncomp);
          fprintf(f, "%s:" NB_STEP_GROUP_FMT "/%s</DataItem>\n", base, (int)s, fd->name);
          fprintf(f, "    </Attribute>\n");
        }
        fprintf(f, "   </Grid>\n");
      }
      fprintf(f, "  </Grid>\n </Domain>\n</Xdmf>\n");
      if (fclose(f)) err = errno;
      if (!err && rename(tmp, xmf)) err = errno;
    }
  }
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, o->comm));
  PetscCheck(!err, o->comm, PETSC_ERR_FILE_WRITE, "Cannot write the XDMF sidecar %s: %s", xmf, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}
