#include "nbsys.h"
#include <cblas.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

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
  PetscErrorCode ierr;

  /* With several MPI ranks per node, OpenBLAS's default of one thread per core
     oversubscribes the machine; the user's explicit choice wins. */
  if (!getenv("OPENBLAS_NUM_THREADS") && !getenv("OMP_NUM_THREADS")) openblas_set_num_threads(1);
  /* Progress lines as they happen: under mpiexec or a batch system stdout
     is a pipe or a file, which C buffers in blocks of 4 KiB, so a job's log
     would show the training minutes late (line buffering costs one write
     per line, a few per second at most). */
  setvbuf(stdout, NULL, _IOLBF, 0);
  ierr = PetscInitialize(argc, argv, file, help);
  if (ierr) return ierr;
  PetscFunctionBegin;
  if (!NB_CLASSID) PetscCall(PetscClassIdRegister("nabla", &NB_CLASSID));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The unused options that begin with one of the prefixes (every unused
   option when there are none), printed; their number in *nbad. With
   prefixes, options of viewers (a name containing "view") are passed over:
   they are read when a solve ends. */
static PetscErrorCode ListUnused(MPI_Comm comm, PetscInt nprefix, const char *const prefix[], PetscInt *nbad)
{
  PetscInt n;
  char   **names, **values;

  PetscFunctionBegin;
  *nbad = 0;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool listed = (PetscBool)(nprefix == 0);
    for (PetscInt k = 0; k < nprefix && !listed && !strstr(names[i], "view"); k++) PetscCall(PetscStrbeginswith(names[i], prefix[k], &listed));
    if (!listed) continue;
    PetscCall(PetscPrintf(comm, "nabla: option -%s%s%s was not used\n", names[i], values[i] ? " " : "", values[i] ? values[i] : ""));
    (*nbad)++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A misspelled option is silently ignored by PETSc unless -options_left is
   given. nabla treats it as the user error it usually is: programs call this
   when the work is done but before the output file is completed, so a run
   with an ignored option fails with the option's name and leaves no file
   that looks valid. -options_left (any value) turns the check off. */
PetscErrorCode NbOptionsCheckUnusedPrefixes(MPI_Comm comm, PetscInt nprefix, const char *const prefix[])
{
  PetscInt  nbad;
  PetscBool set, dummy;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-options_left", &dummy, &set));
  if (set) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(ListUnused(comm, nprefix, prefix, &nbad));
  PetscCheck(nbad == 0, comm, PETSC_ERR_USER_INPUT, "%d option(s) were not used (listed above): misspelled, or not applicable to this run. See -help for this program's options, or pass -options_left no to ignore unused options", (int)nbad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOptionsCheckUnused(MPI_Comm comm) { return NbOptionsCheckUnusedPrefixes(comm, 0, NULL); }

PetscErrorCode NbFinalize(void)
{
  return PetscFinalize();
}
