static const char about[] = "viscous Burgers in 1-D and 2-D, solved by PETSc and by neural methods.\n"
                            "  -burgers_dim 1|2    the problem (-burgers_nu, -burgers_frames)\n"
                            "Every -ts_, -snes_, -ksp_, -pc_, -da_ option applies to the reference solver.\n";

#include "nabla.h"

int main(int argc, char **argv)
{
  return NbMain(argc, argv, "nabla-burgers", "burgers", about);
}
