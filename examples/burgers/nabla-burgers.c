static const char help[] = "nabla-burgers: viscous Burgers in 1-D and 2-D, solved by PETSc and by neural methods.\n"
                           "  -method reference   the PETSc reference solver alone (default)\n"
                           "  -method pinn        a physics-informed network, next to the reference\n"
                           "  -uq none|ensemble|mcdropout|hmc   uncertainty of the PINN (with -method pinn)\n"
                           "  -output NAME.h5     parallel HDF5 output with an XDMF sidecar for ParaView\n"
                           "  -burgers_view       describe the problem and the solver\n"
                           "Every -ts_, -snes_, -ksp_, -pc_, -da_ option applies to the reference solver.\n\n";

#include "nabla.h"
#include "nbpinn.h"

/* A method runs on the problem (whose reference solution it may use) and
   writes its fields and results. */
typedef PetscErrorCode (*NbBurgersMethod)(NbBurgers, NbOutput, NbReport);

static PetscErrorCode MethodReference(NbBurgers b, NbOutput out, NbReport rep)
{
  PetscFunctionBegin;
  PetscCall(NbBurgersSolveReference(b));
  PetscCall(NbBurgersWriteReference(b, out, NULL, NULL));
  PetscCall(NbBurgersReport(b, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A PINN, or with -uq ensemble|mcdropout|hmc an uncertain one. */
static PetscErrorCode MethodPINN(NbBurgers b, NbOutput out, NbReport rep)
{
  char      uq[32] = "none";
  PetscBool none;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-uq", uq, sizeof(uq), NULL));
  PetscCall(PetscStrcmp(uq, "none", &none));
  if (none) PetscCall(NbBurgersRunPINN(b, out, rep));
  else PetscCall(NbBurgersRunPINNUQ(b, out, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscFunctionList methods = NULL;
  NbBurgersMethod   run;
  NbBurgers         b;
  NbOutput          out;
  NbReport          rep;
  char              method[64] = "reference", title[128];
  PetscBool         view = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscFunctionListAdd(&methods, "reference", MethodReference));
  PetscCall(PetscFunctionListAdd(&methods, "pinn", MethodPINN));

  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "nabla-burgers", "nabla");
  PetscCall(PetscOptionsFList("-method", "Solution method", "nabla-burgers", methods, method, method, sizeof(method), NULL));
  PetscCall(PetscOptionsBool("-burgers_view", "Describe the problem and its solver", "NbBurgersView", view, &view, NULL));
  PetscOptionsEnd();
  PetscCall(PetscFunctionListFind(methods, method, &run));
  PetscCheck(run, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-method %s is unknown: choose one of the methods listed by -help (reference, pinn)", method);

  PetscCall(NbBurgersCreate(PETSC_COMM_WORLD, &b));
  PetscCall(NbBurgersSetFromOptions(b));
  PetscCall(NbOutputCreate(PETSC_COMM_WORLD, &out));
  PetscCall(NbOutputSetFileName(out, "burgers.h5"));
  PetscCall(NbOutputSetFromOptions(out));
  PetscCall(NbBurgersSetUp(b));
  if (view) PetscCall(NbBurgersView(b, NULL));
  PetscCall(NbOutputOpen(out));

  PetscCall(PetscSNPrintf(title, sizeof(title), "nabla-burgers -method %s", method));
  PetscCall(NbReportCreate(PETSC_COMM_WORLD, title, &rep));
  PetscCall((*run)(b, out, rep));
  PetscCall(NbReportPrint(rep, out));
  PetscCall(NbOptionsCheckUnused(PETSC_COMM_WORLD));
  PetscCall(NbOutputClose(out));
  {
    const char *fname;
    PetscCall(NbOutputGetFileName(out, &fname));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  output: %s (+ .xmf for ParaView)\n", fname));
  }
  PetscCall(NbReportDestroy(&rep));
  PetscCall(NbOutputDestroy(&out));
  PetscCall(NbBurgersDestroy(&b));
  PetscCall(PetscFunctionListDestroy(&methods));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(Run());
  PetscCall(NbFinalize());
  return 0;
}
