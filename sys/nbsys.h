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
/* The names in a function list, ", "-separated (for "use one of ..." messages). */
PETSC_EXTERN PetscErrorCode NbFunctionListNames(PetscFunctionList, char buf[], size_t len);

/* The head of every nabla class with types (PETSc's PetscObject, in
   small): the first fields of its struct, NB_HEAD, then an ops table named
   ops whose first entry is the type's destroy (PetscErrorCode (*)(Object),
   releasing what the type's data hold; may be NULL). The type's data are
   one PetscMalloc'd block, freed with the type. */
#define NB_HEAD \
  MPI_Comm    comm; \
  PetscMPIInt rank, size; \
  char        type[64], prefix[64]; \
  void       *data; \
  PetscBool   setup

typedef struct {
  NB_HEAD;
} NbHead;

/* *objp: a zeroed object of size bytes, its head on comm. */
PETSC_EXTERN PetscErrorCode NbHeadCreate(MPI_Comm, size_t size, void *objp);
/* The type's destroy (first entry of ops, size opssize), the ops emptied,
   the data freed. */
PETSC_EXTERN PetscErrorCode NbHeadDestroyType(void *obj, void *ops, size_t opssize);

/* What a type's create does: the type's data, a copy of defaults (size
   bytes), and its ops, a copy of typeops (opssize bytes). */
PETSC_EXTERN PetscErrorCode NbHeadSetTypeData(void *obj, const void *defaults, size_t size, void *ops, const void *typeops, size_t opssize);

/* Makes obj of the given type: nothing when it has it already; else the
   old type destroyed (NbHeadDestroyType) and the new type's create. An
   unknown name is an error naming the option and the choices; a change
   after set-up is an error. */
PETSC_EXTERN PetscErrorCode NbRegistrySetType(NbRegistry *, void *obj, void *ops, size_t opssize, const char type[]);

/* The functions every class with types has, defined in the class's file by
     NB_CLASS_FUNCTIONS(NbUQ, NbUQTypes)
   and declared in its header by NB_CLASS_DECLARATIONS(NbUQ): XRegister,
   XSetType, and those of NB_HEAD_FUNCTIONS(X): XGetType,
   XSetOptionsPrefix, XGetOptionsPrefix, XGetComm. */
#define NB_CLASS_FUNCTIONS(X, types) \
  PetscErrorCode X##Register(const char name[], PetscErrorCode (*create)(X)) \
  { \
    return NbRegistryAdd(&types, name, (PetscVoidFunction)create); \
  } \
  PetscErrorCode X##SetType(X obj, const char type[]) \
  { \
    return NbRegistrySetType(&types, obj, &obj->ops, sizeof(obj->ops), type); \
  } \
  NB_HEAD_FUNCTIONS(X)

#define NB_HEAD_FUNCTIONS(X) \
  PetscErrorCode X##GetType(X obj, const char *type[]) \
  { \
    *type = obj->type; \
    return PETSC_SUCCESS; \
  } \
  PetscErrorCode X##SetOptionsPrefix(X obj, const char prefix[]) \
  { \
    PetscFunctionBegin; \
    PetscCheck(!obj->setup, obj->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the options prefix before " #X "SetUp()"); \
    PetscCall(PetscStrncpy(obj->prefix, prefix ? prefix : "", sizeof(obj->prefix))); \
    PetscFunctionReturn(PETSC_SUCCESS); \
  } \
  PetscErrorCode X##GetOptionsPrefix(X obj, const char *prefix[]) \
  { \
    *prefix = obj->prefix[0] ? obj->prefix : NULL; \
    return PETSC_SUCCESS; \
  } \
  PetscErrorCode X##GetComm(X obj, MPI_Comm *comm) \
  { \
    *comm = obj->comm; \
    return PETSC_SUCCESS; \
  }

/* Their declarations, for the class's public header. */
#define NB_CLASS_DECLARATIONS(X) \
  PETSC_EXTERN PetscErrorCode X##Register(const char name[], PetscErrorCode (*create)(X)); \
  PETSC_EXTERN PetscErrorCode X##SetType(X, const char type[]); \
  PETSC_EXTERN PetscErrorCode X##GetType(X, const char *type[]); \
  PETSC_EXTERN PetscErrorCode X##SetOptionsPrefix(X, const char prefix[]); \
  PETSC_EXTERN PetscErrorCode X##GetOptionsPrefix(X, const char *prefix[]); \
  PETSC_EXTERN PetscErrorCode X##GetComm(X, MPI_Comm *)

/* ------------------------------------------------------------ stopping
   A batch system ends a job with SIGTERM (then SIGKILL after a grace
   period); a user with Ctrl-C (SIGINT); SIGUSR1 is the usual "checkpoint
   and stop" request. Between NbStopPush and NbStopPop the first of these
   only sets a flag; training loops ask NbStopRequested between steps (one
   reduction, so every rank stops at the same step), save their state and
   stop. A second signal (a second or more after the first: a job-wide
   signal often arrives twice, directly and forwarded by mpiexec) ends the
   process at once (_exit), leaving only .partial files behind. Pushes nest; the previous handlers come back at
   the last pop. */
PETSC_EXTERN PetscErrorCode NbStopPush(void);
PETSC_EXTERN PetscErrorCode NbStopPop(void);
/* Collective: the signal any rank received (0: none), the same on every rank. */
PETSC_EXTERN PetscErrorCode NbStopRequested(MPI_Comm, int *sig);
/* The name of a signal number ("SIGTERM"). */
PETSC_EXTERN const char *NbSignalName(int sig);

/* nabla's log class; every expensive phase is a PetscLogEvent of it. */
PETSC_EXTERN PetscClassId NB_CLASSID;

/* Wall-clock seconds (MPI_Wtime). */
PETSC_EXTERN double NbWallTime(void);

#endif
