/* Private to io/: the output object's state and the XDMF writer. */
#ifndef NBIOIMPL_H
#define NBIOIMPL_H
#include "nbio.h"
#include <petscviewerhdf5.h>

typedef struct {
  PetscInt step;
  char     name[64];
  PetscInt ncomp; /* 1 scalar, 3 vector */
} NbOutputField;

typedef struct {
  char      name[64];
  PetscInt  index;   /* this set's number among the sets called name */
  PetscInt  npoints; /* global */
  PetscReal tag;
  PetscInt  nfields;
  char      fields[8][64];
} NbOutputPointSet;

struct _p_NbOutput {
  MPI_Comm       comm;
  char           filename[PETSC_MAX_PATH_LEN];
  char           partial[PETSC_MAX_PATH_LEN + 16];
  PetscBool      xdmf;
  PetscViewer    viewer;
  PetscBool      isopen, closed, instep;
  double         t_open;
  /* grid */
  PetscInt       dim, n[3];
  PetscReal      lower[3], upper[3], h[3];
  /* steps */
  PetscInt       nsteps, capsteps;
  PetscReal     *times;
  PetscInt       nfields, capfields;
  NbOutputField *fields;
  /* point clouds */
  PetscInt          nsets, capsets;
  NbOutputPointSet *sets;
};

PETSC_INTERN PetscErrorCode NbOutputWriteXDMF_Private(NbOutput);
PETSC_INTERN PetscErrorCode NbOutputWritePointsXDMF_Private(NbOutput);
PETSC_INTERN PetscErrorCode NbH5WriteRealArray_Private(PetscViewer, const char path[], PetscInt n, const PetscReal a[]);
PETSC_INTERN PetscErrorCode NbH5ReadRealArray_Private(PetscViewer, const char path[], PetscInt *n, PetscReal **a);
#define NB_STEP_GROUP_FMT "/steps/%06d"

/* HDF5 calls return a negative value on failure. */
#define NbCallH5(call) \
  do { \
    herr_t nb_h5_status_ = (call); \
    PetscCheck(nb_h5_status_ >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 call %s failed", #call); \
  } while (0)
#define NbCallH5Id(id, call) \
  do { \
    (id) = (call); \
    PetscCheck((id) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 call %s failed", #call); \
  } while (0)
#endif
