static const char help[] = "nabla-burgers: viscous Burgers in 1-D and 2-D, solved by PETSc and by neural methods.\n"
                           "  -method reference   the PETSc reference solver alone (default)\n"
                           "  -method pinn        a physics-informed network, next to the reference (-pinn_*; -pinn_dd xpinn|cpinn|fbpinn)\n"
                           "  -uq none|ensemble|mcdropout|hmc   uncertainty of the PINN (with -method pinn)\n"
                           "  -burgers_dim 1|2    the problem (-burgers_nu, -burgers_frames)\n"
                           "  -output NAME.h5     parallel HDF5 output with an XDMF sidecar for ParaView\n"
                           "  -burgers_view       describe the problem and the solver\n"
                           "Every -ts_, -snes_, -ksp_, -pc_, -da_ option applies to the reference solver.\n\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(NbRunProgram(PETSC_COMM_WORLD, "nabla-burgers", "burgers", "burgers.h5"));
  PetscCall(NbFinalize());
  return 0;
}
