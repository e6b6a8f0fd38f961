/* Private to solvers/: Navier-Stokes pointwise on jets (solvers/ns_pde.c). */
#ifndef NS_PDE_H
#define NS_PDE_H

#include "nbnavierstokes.h"
#include "nbproblem.h"

/* The PDE of ns's case; fails naming the option when the case has none. */
PETSC_INTERN PetscErrorCode NbNavierStokesPDE(NbNavierStokes, NbPDE *);

#endif
