static const char about[] = "-div(kappa grad u) = f on the unit square with Dirichlet data, solved by PETSc and by neural methods.\n"
                            "  -da_grid_x/-da_grid_y   nodes per direction (default 65); the reference: five-point scheme on a DMDA, KSP\n"
                            "Every -ksp_ and -pc_ option applies to the reference solver (default CG + GAMG).\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  return NbMain(argc, argv, "nabla-poisson", "poisson", about);
}
