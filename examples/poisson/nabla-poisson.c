static const char help[] = "nabla-poisson: -div(kappa grad u) = f on the unit square with Dirichlet data, solved by PETSc and by neural methods.\n"
                           "  -method reference   the PETSc reference solver alone (default): five-point scheme on a DMDA, KSP\n"
                           "  -method pinn        a physics-informed network, next to the reference (-pinn_*; -pinn_dd xpinn|fbpinn)\n"
                           "  -uq none|ensemble|mcdropout|hmc   uncertainty of the PINN (with -method pinn)\n"
                           "  -da_grid_x/-da_grid_y   nodes per direction (default 65)\n"
                           "  -output NAME.h5     parallel HDF5 output with an XDMF sidecar for ParaView\n"
                           "  -problem_view       describe the problem and the solver\n"
                           "Every -ksp_ and -pc_ option applies to the reference solver (default CG + GAMG).\n\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(NbRunProgram(PETSC_COMM_WORLD, "nabla-poisson", "poisson", "poisson.h5"));
  PetscCall(NbFinalize());
  return 0;
}
