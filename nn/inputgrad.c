/* Gradients of a graph's loss with respect to an input's values: the
   vector-Jacobian product of a network with respect to its inputs, which a
   neural ODE's adjoint needs (lambda^T df/dy) besides the parameter
   gradient. The input's gradient spans its whole point set ([cols][cap8],
   the layout of its staging buffer), so every tile's backward adds into its
   own lanes and nothing is reused between tiles. */
#include "nnimpl.h"

PetscErrorCode NbGraphMarkInputGradient(NbGraph g, NbTensor x)
{
  PetscFunctionBegin;
  PetscCall(NbGraphCheckOpen_Private(g));
  PetscCheck(x->g == g && x->isinput, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphMarkInputGradient: '%s' is not an input of this graph (only inputs made by NbGraphAddInput/NbGraphAddInputLike have a kept gradient)", x->name);
  x->keepgrad = PETSC_TRUE;
  x->requires = PETSC_TRUE; /* what depends on it needs gradients even without parameters */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphZeroInputGradients_Private(NbGraph g)
{
  PetscFunctionBegin;
  for (PetscInt s = 0; s < g->nsets; s++) {
    NbPointSet *S = &g->sets[s];
    for (PetscInt i = 0; i < S->ninputs; i++)
      if (S->inputs[i]->gradbase) PetscCall(PetscArrayzero(S->inputs[i]->gradbase, S->inputs[i]->cols * S->cap8));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphGetInputGradient(NbGraph g, NbTensor x, PetscInt *n, PetscReal v[])
{
  NbPointSet *S;

  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Run NbGraphComputeLossGradient() before NbGraphGetInputGradient()");
  PetscCheck(x->g == g && x->gradbase, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "NbGraphGetInputGradient: mark '%s' with NbGraphMarkInputGradient() before NbGraphSetUp()", x->name);
  S = &g->sets[x->set];
  if (n) *n = S->n;
  if (v)
    for (PetscInt p = 0; p < x->cols; p++)
      for (PetscInt i = 0; i < S->n; i++) v[i * x->cols + p] = x->gradbase[p * S->cap8 + i];
  PetscFunctionReturn(PETSC_SUCCESS);
}
