static const char help[] = "nabla-navierstokes: 2-D incompressible Navier-Stokes on a MAC grid (DMStag), solved by PETSc and by neural methods.\n"
                           "  -method reference   the PETSc reference solver alone (default)\n"
                           "  -method pinn        a physics-informed network (kovasznay, cavity, taylorgreen; -pinn_* options),\n"
                           "                      compared with the reference; -uq ensemble|mcdropout|hmc for its uncertainty\n"
                           "  -ns_case NAME       cavity | taylorgreen | kovasznay | kolmogorov\n"
                           "  -ns_re RE           Reynolds number (nu = 1/Re)\n"
                           "  -stag_grid_x/-stag_grid_y   cells per direction\n"
                           "  -output NAME.h5     parallel HDF5 output with an XDMF sidecar for ParaView\n"
                           "  -ns_view            describe the problem and the solver\n"
                           "Steady cases are solved by Newton (-snes_*, -ksp_*, -pc_*, -fieldsplit_u_*/-fieldsplit_p_*),\n"
                           "time-dependent ones by a projection method (-ts_dt, -ts_max_time; pressure Poisson -ksp_*/-pc_*,\n"
                           "velocity -ns_velocity_ksp_*/-ns_velocity_pc_*).\n\n";

#include "nbsys.h"
#include "nbio.h"
#include "nbnavierstokes.h"
#include "nbpinn.h"
#include "nbuq.h"

/* A method runs on the problem (whose reference solution it may use) and
   writes its fields and results. */
typedef PetscErrorCode (*NbNavierStokesMethod)(NbNavierStokes, NbOutput, NbReport);

static PetscErrorCode MethodReference(NbNavierStokes ns, NbOutput out, NbReport rep)
{
  PetscFunctionBegin;
  PetscCall(NbNavierStokesSolveReference(ns));
  PetscCall(NbNavierStokesWriteReference(ns, out));
  PetscCall(NbNavierStokesReport(ns, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A PINN (pinn/ns_pinn.c), or with -uq ensemble|mcdropout|hmc an uncertain one (uq/ns_uq.c). */
static PetscErrorCode MethodPINN(NbNavierStokes ns, NbOutput out, NbReport rep)
{
  char      uq[32] = "none";
  PetscBool none;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-uq", uq, sizeof(uq), NULL));
  PetscCall(PetscStrcmp(uq, "none", &none));
  if (none) PetscCall(NbNavierStokesRunPINN(ns, out, rep));
  else PetscCall(NbNavierStokesRunPINNUQ(ns, out, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscFunctionList    methods = NULL;
  NbNavierStokesMethod run;
  NbNavierStokes       ns;
  NbOutput             out;
  NbReport             rep;
  char                 method[64] = "reference", title[128];
  PetscBool            view       = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCall(PetscFunctionListAdd(&methods, "reference", MethodReference));
  PetscCall(PetscFunctionListAdd(&methods, "pinn", MethodPINN));

  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "nabla-navierstokes", "nabla");
  PetscCall(PetscOptionsFList("-method", "Solution method", "nabla-navierstokes", methods, method, method, sizeof(method), NULL));
  PetscCall(PetscOptionsBool("-ns_view", "Describe the problem and its solver", "NbNavierStokesView", view, &view, NULL));
  PetscOptionsEnd();
  PetscCall(PetscFunctionListFind(methods, method, &run));
  PetscCheck(run, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "-method %s is unknown: choose one of the methods listed by -help (reference, pinn)", method);

  PetscCall(NbNavierStokesCreate(PETSC_COMM_WORLD, &ns));
  PetscCall(NbNavierStokesSetFromOptions(ns));
  PetscCall(NbOutputCreate(PETSC_COMM_WORLD, &out));
  PetscCall(NbOutputSetFileName(out, "navierstokes.h5"));
  PetscCall(NbOutputSetFromOptions(out));
  PetscCall(NbNavierStokesSetUp(ns));
  if (view) PetscCall(NbNavierStokesView(ns, NULL));
  PetscCall(NbOutputOpen(out));

  PetscCall(PetscSNPrintf(title, sizeof(title), "nabla-navierstokes -method %s", method));
  PetscCall(NbReportCreate(PETSC_COMM_WORLD, title, &rep));
  PetscCall((*run)(ns, out, rep));
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
  PetscCall(NbNavierStokesDestroy(&ns));
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
