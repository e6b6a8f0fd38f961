/* nabla sys: start-up, shut-down, version, and the conventions every module
   follows (PETSc error handling, option prefixes, log events). */
#ifndef NBSYS_H
#define NBSYS_H

#include <petscsys.h>

/* PETSc 3.18 has no PETSC_SUCCESS (it arrived in 3.19 as an enum constant). */
#if PETSC_VERSION_LT(3, 19, 0)
  #define PETSC_SUCCESS 0
#endif

/* Start nabla inside PETSc: PetscInitialize, one BLAS thread per MPI rank
   unless OPENBLAS_NUM_THREADS or OMP_NUM_THREADS is set, registration of
   nabla's log classes. Use in place of PetscInitialize. */
PETSC_EXTERN PetscErrorCode NbInitialize(int *argc, char ***argv, const char file[], const char help[]);
PETSC_EXTERN PetscErrorCode NbFinalize(void);

/* Fails, naming them, if options were given that nothing used (misspelled
   or not applicable); call before completing the output. -options_left
   turns the check off. */
PETSC_EXTERN PetscErrorCode NbOptionsCheckUnused(MPI_Comm);
/* The same for the options that begin with one of the prefixes ("pinn_",
   no dash), viewers (-..._view, read when a solve ends) excepted: the
   options of objects that have read all of theirs, checked early. */
PETSC_EXTERN PetscErrorCode NbOptionsCheckUnusedPrefixes(MPI_Comm, PetscInt n, const char *const prefix[]);

/* The nabla version string, e.g. "0.1.0". */
PETSC_EXTERN const char *NbVersion(void);

/* A one-line description of the libraries nabla runs on (PETSc, HDF5, MPI,
   OpenBLAS core and threads), for run metadata and -log_view headers. */
PETSC_EXTERN PetscErrorCode NbGetLibraryVersions(char buf[], size_t len);

/* The OpenBLAS kernel family in use ("Haswell", "Prescott", ...). */
PETSC_EXTERN const char *NbBLASCoreName(void);

/* ------------------------------------------------------------ registries
   The types of a class (samplers, PINNs, problems, UQ methods, methods,
   optimizers), chosen at run time by name: a PETSc function list filled
   with the built-in types on first use and extended by XxxRegister().
     static const NbRegistryEntry builtin[] = {{"uniform", (PetscVoidFunction)Create_Uniform}, ..., {NULL, NULL}};
     static NbRegistry types = {"-pinn_sampler", builtin};
   A type's create function is PetscErrorCode create(Object), cast. */
typedef struct {
  const char       *name;
  PetscVoidFunction create;
} NbRegistryEntry;

typedef struct {
  const char            *option;  /* how the user picks a type: "-pinn_sampler" */
  const NbRegistryEntry *builtin; /* the built-in types, ending with {NULL, NULL} */
  PetscFunctionList      list;
  PetscBool              filled;
} NbRegistry;

PETSC_EXTERN PetscErrorCode NbRegistryAdd(NbRegistry *, const char name[], PetscVoidFunction create);
PETSC_EXTERN PetscErrorCode NbRegistryGetList(NbRegistry *, PetscFunctionList *);

/* Where an object keeps its type: its type name, its type's data (one
   PetscMalloc'd block, freed by the registry and by the object's destroy)
   and its ops table, which must begin with destroy (PetscErrorCode
   (*)(Object), releasing what the data hold; may be NULL). */
typedef struct {
  MPI_Comm  comm;
  char     *type;
  size_t    len;
  void    **data;
  void     *ops;
  size_t    opssize;
  PetscBool setup;
} NbTyped;

/* Makes obj of the given type: nothing when it has it already; else the
   old type's destroy, an empty ops table, and the new type's create. An
   unknown name is an error naming the option and the choices. */
PETSC_EXTERN PetscErrorCode NbRegistrySetType(NbRegistry *, void *obj, NbTyped, const char type[]);

/* nabla's log class; every expensive phase is a PetscLogEvent of it. */
PETSC_EXTERN PetscClassId NB_CLASSID;

/* Wall-clock seconds (MPI_Wtime). */
PETSC_EXTERN double NbWallTime(void);

#endif
