static const char help[] = "nabla-navierstokes: 2-D incompressible Navier-Stokes on a MAC grid (DMStag), solved by PETSc and by neural methods.\n"
                           "  -method reference   the PETSc reference solver alone (default)\n"
                           "  -method pinn        a physics-informed network (kovasznay, cavity, taylorgreen; -pinn_* options,\n"
                           "                      -pinn_dd xpinn|cpinn|fbpinn), compared with the reference;\n"
                           "                      -uq ensemble|mcdropout|hmc for its uncertainty\n"
                           "  -ns_case NAME       cavity | taylorgreen | kovasznay | kolmogorov\n"
                           "  -ns_re RE           Reynolds number (nu = 1/Re)\n"
                           "  -stag_grid_x/-stag_grid_y   cells per direction\n"
                           "  -output NAME.h5     parallel HDF5 output with an XDMF sidecar for ParaView\n"
                           "  -ns_view            describe the problem and the solver\n"
                           "Steady cases are solved by Newton (-snes_*, -ksp_*, -pc_*, -fieldsplit_u_*/-fieldsplit_p_*),\n"
                           "time-dependent ones by a projection method (-ts_dt, -ts_max_time; pressure Poisson -ksp_*/-pc_*,\n"
                           "velocity -ns_velocity_ksp_*/-ns_velocity_pc_*).\n\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(NbRunProgram(PETSC_COMM_WORLD, "nabla-navierstokes", "navierstokes", "navierstokes.h5"));
  PetscCall(NbFinalize());
  return 0;
}
