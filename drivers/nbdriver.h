/* nabla drivers: one generic driver per method over any NbProblem, and the
   body of every program.

   NbMethod: a solution method applied to a problem, chosen at run time
   from a registry (-method):
     reference  the problem's PETSc reference solver alone;
     pinn       a physics-informed network next to the reference (any
                -pinn_dd type; with -uq ensemble|mcdropout|hmc an uncertain
                one), judged against it at the evaluation points.
   A new method is one file with its create function and one
   NbMethodRegister line; it works on every registered problem.

   A program is NbMain with its problem type and the lines of its -help
   that are its own:
     int main(int argc, char **argv)
     {
       return NbMain(argc, argv, "nabla-burgers", "burgers", about);
     } */
#ifndef NBDRIVER_H
#define NBDRIVER_H

#include "nbproblem.h"
#include "nbpinn.h"
#include "nbuq.h"

typedef struct _p_NbMethod *NbMethod;

NB_CLASS_DECLARATIONS(NbMethod); /* Register, SetType, GetType, Set/GetOptionsPrefix, GetComm */
PETSC_EXTERN PetscErrorCode NbMethodCreate(MPI_Comm, NbMethod *);
PETSC_EXTERN PetscErrorCode NbMethodSetProblem(NbMethod, NbProblem);
/* -method <type> and the type's options */
PETSC_EXTERN PetscErrorCode NbMethodSetFromOptions(NbMethod);
/* Makes the method's objects, which read every option they use, and checks
   what can be checked before the expensive phases. After NbProblemSetUp. */
PETSC_EXTERN PetscErrorCode NbMethodSetUp(NbMethod);
/* Reference solve, the method, the output frames and the report rows. */
PETSC_EXTERN PetscErrorCode NbMethodRun(NbMethod, NbOutput, NbReport);
PETSC_EXTERN PetscErrorCode NbMethodView(NbMethod, PetscViewer);
PETSC_EXTERN PetscErrorCode NbMethodDestroy(NbMethod *);

/* The whole program: problem (default type problem, -problem), method
   (-method), output (default name output, -output), options checked before
   the expensive phases and at the end, the result table printed and
   written into the output. */
PETSC_EXTERN PetscErrorCode NbRunProgram(MPI_Comm, const char program[], const char problem[], const char output[]);
/* main() of a program: NbInitialize with -help made of about (the
   program's own lines) and the lines every program shares, NbRunProgram
   on PETSC_COMM_WORLD with output <problem>.h5, NbFinalize. */
PETSC_EXTERN int NbMain(int argc, char **argv, const char program[], const char problem[], const char about[]);

#endif
