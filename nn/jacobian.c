/* Rows of the Jacobian of point tensors with respect to a model's
   parameters, for the least-squares optimizers (gn, lm) and, later, Laplace
   posteriors.

   Reverse mode, one sweep per row: a tile of 8 points runs forward once;
   then, for each point and column, the tile's reverse sweep runs with the
   loss's gradient zero and the gradient of the residual node 1 at that one
   entry, so that the models' gradients are that entry's parameter gradient
   (lanes do not interact in a point set, so the 7 other lanes carry zeros).
   A row costs one 8-lane backward: the whole Jacobian about 8 gradient
   evaluations of the same points, whatever P is. Forward mode over the
   parameters would need P tangent passes, each at least a forward pass of
   all points: P = 3000 of them against the 8 here (measured in
   bench/pinn_jacobian.sh). */
#include "nnimpl.h"

#define NB_JAC_LANES 8

static PetscErrorCode CheckResidual(NbGraph g, NbNode r, PetscBool jac)
{
  PetscFunctionBegin;
  PetscCheck(r->g == g, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphComputeJacobian: tensor %s is not of this graph", r->name);
  PetscCheck(r->kind == NB_KIND_POINT, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphComputeJacobian: tensor %s has no row per point (it is a constant or a reduction)", r->name);
  PetscCheck(r->K == 1 && !r->isview, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphComputeJacobian: tensor %s is a jet or a view (component, slice): give a tensor of its own, e.g. from NbTensorScale(r, 1.0, &r)", r->name);
  PetscCheck(g->sets[r->set].rowblock == 1, g->comm, PETSC_ERR_SUP, "NbGraphComputeJacobian: the points of set %s interact (attention); rows per point are not defined", g->sets[r->set].name);
  PetscCheck(!jac || (r->needgrad && r->grad), g->comm, PETSC_ERR_ARG_WRONG, "NbGraphComputeJacobian: the graph's loss does not depend on tensor %s, so it has no gradient buffer: make it part of the loss", r->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the rows of one tensor, tile by tile */
static PetscErrorCode TensorRows(NbGraph g, NbModel m, NbNode r, PetscReal scale, PetscReal res[], PetscReal J[])
{
  NbPointSet *S = &g->sets[r->set];
  PetscInt    P = m->ntrain, row = 0;

  PetscFunctionBegin;
  PetscCall(NbGraphJacobianSet_Private(g, r->set));
  for (PetscInt i0 = 0; i0 < S->n; i0 += NB_JAC_LANES) {
    NbTile t;
    t.i0   = i0;
    t.n    = PetscMin(NB_JAC_LANES, S->n - i0);
    t.n8   = NB_JAC_LANES;
    t.goff = S->goff + i0;
    PetscCall(NbGraphJacobianTile_Private(g, r->set, &t));
    for (PetscInt l = 0; l < t.n; l++)
      for (PetscInt c = 0; c < r->cols; c++, row++) {
        res[row] = scale * r->val[c * r->ld + l];
        if (!J) continue;
        PetscCall(NbGraphJacobianSweep_Private(g, r, &t, c * r->ld + l));
        for (PetscInt j = 0; j < P; j++) J[(size_t)row * P + j] = scale * m->grad[j];
      }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbGraphComputeJacobian(NbGraph g, NbModel m, PetscInt n, const NbTensor r[], const PetscReal scale[], PetscInt *nrows, PetscReal res[], PetscReal J[])
{
  PetscInt  rows = 0;
  PetscBool found = PETSC_FALSE;

  PetscFunctionBegin;
  PetscCheck(g->setup, g->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbGraphSetUp() and set the inputs before NbGraphComputeJacobian()");
  for (PetscInt i = 0; i < g->nmodels; i++) found = (PetscBool)(found || g->models[i] == m);
  PetscCheck(found, g->comm, PETSC_ERR_ARG_WRONG, "NbGraphComputeJacobian: the graph does not read model %s", m->name);
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(CheckResidual(g, r[k], (PetscBool)(J != NULL)));
    rows += g->sets[r[k]->set].n * r[k]->cols;
  }
  if (nrows) *nrows = rows;
  if (!res) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscLogEventBegin(J ? NB_GraphJacobian : NB_GraphResidual, 0, 0, 0, 0));
  PetscCall(NbGraphJacobianStart_Private(g));
  rows = 0;
  for (PetscInt k = 0; k < n; k++) {
    PetscCall(TensorRows(g, m, r[k], scale ? scale[k] : 1, res + rows, J ? J + (size_t)rows * m->ntrain : NULL));
    rows += g->sets[r[k]->set].n * r[k]->cols;
  }
  PetscCall(PetscLogEventEnd(J ? NB_GraphJacobian : NB_GraphResidual, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
