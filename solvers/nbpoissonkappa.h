/* nabla solvers: a family of variable-coefficient Poisson problems

     -div(kappa grad u) = f on the unit square, u = 0 on its boundary,

   one per sample index, for operators trained on many coefficient fields
   (LordNet, operators/). Sample a draws kappa = exp(g_a), g_a a Gaussian
   random field, and f (1 or random) from (seed, a) alone, so that a sample
   is the same on any communicator and any number of ranks.

   The discretisation is the vertex-centred five-point scheme of
   solvers/poisson.c on the nodes of a 2-D DMDA (dof 1, any communicator):
   at an interior node
     [k_{i+1/2,j} (u_ij - u_{i+1,j}) + k_{i-1/2,j} (u_ij - u_{i-1,j})] / hx^2
   + [k_{i,j+1/2} (u_ij - u_{i,j+1}) + k_{i,j-1/2} (u_ij - u_{i,j-1})] / hy^2 = f_ij,
   k_{i+1/2,j} = (k_ij + k_{i+1,j}) / 2 (arithmetic mean); u_ij = 0 at a
   boundary node (identity row, b = 0). Boundary values are known zeros, so
   the interior rows carry no boundary columns and A is symmetric positive
   definite.

   USAGE
     NbPoissonFamilyCreate(comm, &fam); NbPoissonFamilySetFromOptions(fam);
     NbPoissonFamilyGetSample(fam, da, a, kappa, f);   // Vecs of da
     NbPoissonAssemble(da, kappa, f, A, b);            // A from DMCreateMatrix(da) */
#ifndef NBPOISSONKAPPA_H
#define NBPOISSONKAPPA_H

#include <petscdmda.h>
#include "nbsys.h"

typedef struct _p_NbPoissonFamily *NbPoissonFamily;

PETSC_EXTERN PetscErrorCode NbPoissonFamilyCreate(MPI_Comm, NbPoissonFamily *);
PETSC_EXTERN PetscErrorCode NbPoissonFamilySetOptionsPrefix(NbPoissonFamily, const char prefix[]);
/* -kappa_contrast <c> (max kappa / min kappa over the nodes, > 1; default 10),
   -kappa_length <l> (correlation length, > 0; default 0.2), -kappa_modes <K>
   (cosine modes per direction; default 16), -kappa_seed <s>, -poisson_f const|random */
PETSC_EXTERN PetscErrorCode NbPoissonFamilySetFromOptions(NbPoissonFamily);
PETSC_EXTERN PetscErrorCode NbPoissonFamilySetField(NbPoissonFamily, PetscReal contrast, PetscReal length, PetscInt modes);
PETSC_EXTERN PetscErrorCode NbPoissonFamilySetRandomSource(NbPoissonFamily, PetscBool);
PETSC_EXTERN PetscErrorCode NbPoissonFamilyGetContrast(NbPoissonFamily, PetscReal *);
PETSC_EXTERN PetscErrorCode NbPoissonFamilyView(NbPoissonFamily, PetscViewer);
PETSC_EXTERN PetscErrorCode NbPoissonFamilyDestroy(NbPoissonFamily *);
/* kappa and f of sample a at the nodes of da (global Vecs of da). */
PETSC_EXTERN PetscErrorCode NbPoissonFamilyGetSample(NbPoissonFamily, DM da, PetscInt64 a, Vec kappa, Vec f);

/* The operator A and right-hand side b of the scheme above for nodal kappa
   and f (global Vecs of da); A preallocated by DMCreateMatrix(da). */
PETSC_EXTERN PetscErrorCode NbPoissonAssemble(DM da, Vec kappa, Vec f, Mat A, Vec b);

#endif
