#include "nbsys.h"
#include <cblas.h>
#include <hdf5.h>
#include <stdlib.h>

PetscClassId NB_CLASSID = 0;

#ifndef NABLA_VERSION_STRING
#define NABLA_VERSION_STRING "unknown"
#endif

/* OpenBLAS extensions (declared in OpenBLAS's cblas.h; repeated here so a
   reference CBLAS header still compiles). */
extern void  openblas_set_num_threads(int);
extern int   openblas_get_num_threads(void);
extern char *openblas_get_corename(void);

const char *NbVersion(void) { return NABLA_VERSION_STRING; }

const char *NbBLASCoreName(void) { return openblas_get_corename(); }

double NbWallTime(void) { return MPI_Wtime(); }

PetscErrorCode NbGetLibraryVersions(char buf[], size_t len)
{
  char     petsc[128], mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int      mpilen;
  unsigned h5maj, h5min, h5rel;

  PetscFunctionBegin;
  PetscCall(PetscGetVersion(petsc, sizeof(petsc)));
  PetscCallMPI(MPI_Get_library_version(mpi, &mpilen));
  for (int i = 0; i < mpilen; i++)
    if (mpi[i] == '\n' || mpi[i] == ',') {
      mpi[i] = 0;
      break;
    }
  PetscCheck(H5get_libversion(&h5maj, &h5min, &h5rel) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "H5get_libversion failed");
  PetscCall(PetscSNPrintf(buf, len, "nabla %s; %s; HDF5 %u.%u.%u; %s; OpenBLAS core %s, %d thread(s)", NbVersion(), petsc, h5maj, h5min, h5rel, mpi,
                          openblas_get_corename(), openblas_get_num_threads()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbInitialize(int *argc, char ***argv, const char file[], const char help[])
{
  PetscFunctionBegin;
  /* With several MPI ranks per node, OpenBLAS's default of one thread per core
     oversubscribes the machine; the user's explicit choice wins. */
  if (!getenv("OPENBLAS_NUM_THREADS") && !getenv("OMP_NUM_THREADS")) openblas_set_num_threads(1);
  PetscCall(PetscInitialize(argc, argv, file, help));
  if (!NB_CLASSID) PetscCall(PetscClassIdRegister("nabla", &NB_CLASSID));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbFinalize(void)
{
  return PetscFinalize();
}
