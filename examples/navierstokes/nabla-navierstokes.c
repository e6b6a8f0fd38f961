static const char about[] = "2-D incompressible Navier-Stokes on a MAC grid (DMStag), solved by PETSc and by neural methods.\n"
                            "  -ns_case NAME       cavity | taylorgreen | kovasznay | kolmogorov (-method pinn: all but kolmogorov)\n"
                            "  -ns_re RE           Reynolds number (nu = 1/Re); -stag_grid_x/-stag_grid_y cells per direction\n"
                            "Steady cases are solved by Newton (-snes_*, -ksp_*, -pc_*, -fieldsplit_u_*/-fieldsplit_p_*), time-dependent\n"
                            "ones by a projection method (-ts_dt, -ts_max_time; pressure -ksp_*/-pc_*, velocity -ns_velocity_ksp_*/-pc_*).\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  return NbMain(argc, argv, "nabla-navierstokes", "navierstokes", about);
}
