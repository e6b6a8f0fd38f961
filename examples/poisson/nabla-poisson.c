static const char about[] = "Poisson-type equations with Dirichlet data and exact solutions, solved by PETSc and by neural methods.\n"
                            "  -poisson_case manufactured  -div(kappa grad u) = f on the unit square (default)\n"
                            "  -poisson_case peak|twopeak  the sharp peaks of DAS/AAS on [-1,1]^2 (examples/poisson/das.opts)\n"
                            "  -poisson_case highdim       -Lap u = s on [-1,1]^d (-poisson_dim), judged against u* at -poisson_points points\n"
                            "  -da_grid_x/-da_grid_y   nodes per direction (default 65, peaks 257); the reference: five-point scheme on a DMDA, KSP\n"
                            "Every -ksp_ and -pc_ option applies to the reference solver (default CG + GAMG; GMRES + GAMG for twopeak).\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  return NbMain(argc, argv, "nabla-poisson", "poisson", about);
}
