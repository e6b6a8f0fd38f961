/* The samples of an NbOperator: each sample's node inputs, its assembled
   operator A_a and right-hand side b_a on the sequential grid (the same
   NbPoissonAssemble the PETSc reference uses on the distributed grid), and
   the residual seed of the MSR loss (operator.c). A training sample is
   built the first time this rank needs it and kept. */
#include "operatorimpl.h"

PetscErrorCode NbOperatorSampleBuild_Private(NbOperator op, PetscInt64 a, PetscBool withop, NbOperatorSample *s)
{
  Vec                kappa, f;
  const PetscScalar *k, *fv;
  PetscReal          c, scale;

  PetscFunctionBegin;
  PetscCall(NbPoissonFamilyGetContrast(op->fam, &c));
  scale = 2 / PetscLogReal(c); /* log kappa in [-log(c)/2, log(c)/2] -> [-1, 1] */
  PetscCall(DMGetGlobalVector(op->da, &kappa));
  PetscCall(DMGetGlobalVector(op->da, &f));
  PetscCall(NbPoissonFamilyGetSample(op->fam, op->da, a, kappa, f));
  if (withop) {
    PetscCall(DMCreateMatrix(op->da, &s->A));
    PetscCall(DMCreateGlobalVector(op->da, &s->b));
    PetscCall(NbPoissonAssemble(op->da, kappa, f, s->A, s->b));
    PetscCall(VecDot(s->b, s->b, &s->bb));
    PetscCheck(s->bb > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "Sample %lld has a zero right-hand side: its MSR cannot be normalised", (long long)a);
  }
  PetscCall(PetscMalloc1(op->L * NB_OPERATOR_NIN, &s->x));
  PetscCall(VecGetArrayRead(kappa, &k));
  PetscCall(VecGetArrayRead(f, &fv));
  for (PetscInt j = 0; j < op->ny; j++)
    for (PetscInt i = 0; i < op->nx; i++) {
      PetscInt   q = j * op->nx + i;
      PetscReal *x = s->x + q * NB_OPERATOR_NIN;
      x[0] = scale * PetscLogReal(k[q]);
      x[1] = fv[q];
      x[2] = (PetscReal)i / (op->nx - 1);
      x[3] = (PetscReal)j / (op->ny - 1);
    }
  PetscCall(VecRestoreArrayRead(kappa, &k));
  PetscCall(VecRestoreArrayRead(f, &fv));
  PetscCall(DMRestoreGlobalVector(op->da, &kappa));
  PetscCall(DMRestoreGlobalVector(op->da, &f));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorSampleDestroy_Private(NbOperatorSample *s)
{
  PetscFunctionBegin;
  PetscCall(MatDestroy(&s->A));
  PetscCall(VecDestroy(&s->b));
  PetscCall(PetscFree(s->x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorSampleGet_Private(NbOperator op, PetscInt64 a, NbOperatorSample *tmp, NbOperatorSample **s)
{
  PetscFunctionBegin;
  if (a < op->ntrain) {
    if (!op->train[a].A) PetscCall(NbOperatorSampleBuild_Private(op, a, PETSC_TRUE, &op->train[a]));
    *s = &op->train[a];
  } else {
    PetscCall(NbOperatorSampleBuild_Private(op, a, PETSC_TRUE, tmp));
    *s = tmp;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* stages the node inputs and the mask 16 x (1 - x) y (1 - y): u = 0 on the
   boundary, imposed smoothly (a 0/1 mask leaves a jump of the network's
   boundary value next to the boundary, an O(h^-2) residual) */
PetscErrorCode NbOperatorSetSamples_Private(NbOperator op, PetscInt n, const PetscInt64 idx[])
{
  const PetscInt L = op->L, nin = NB_OPERATOR_NIN;

  PetscFunctionBegin;
  PetscCheck(n <= op->cap, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%d samples exceed the %d per pass", (int)n, (int)op->cap);
  for (PetscInt k = 0; k < n; k++) {
    NbOperatorSample tmp = {0}, *s = &tmp;
    if (idx != op->idx) op->idx[k] = idx[k];
    if (idx[k] < op->ntrain) PetscCall(NbOperatorSampleGet_Private(op, idx[k], &tmp, &s));
    else PetscCall(NbOperatorSampleBuild_Private(op, idx[k], PETSC_FALSE, &tmp)); /* inputs only: no operator */
    PetscCall(PetscArraycpy(op->xb + (size_t)k * L * nin, s->x, L * nin));
    PetscCall(NbOperatorSampleDestroy_Private(&tmp));
    for (PetscInt j = 0; j < op->ny; j++)
      for (PetscInt i = 0; i < op->nx; i++) {
        PetscReal x = (PetscReal)i / (op->nx - 1), y = (PetscReal)j / (op->ny - 1);
        op->mb[k * L + j * op->nx + i] = 16 * x * (1 - x) * y * (1 - y);
      }
  }
  op->nloc = n;
  PetscCall(PetscArrayzero(op->wb, n * L));
  PetscCall(PetscArrayzero(op->eb, n * L));
  /* local counts only: the loss is a sum, so the global count does not enter */
  PetscCall(NbGraphSetInputPartitioned(op->graph, op->X, n * L, 0, n * L, op->xb));
  PetscCall(NbGraphSetInputPartitioned(op->graph, op->mask, n * L, 0, n * L, op->mb));
  PetscCall(NbGraphSetInputPartitioned(op->graph, op->w, n * L, 0, n * L, op->wb));
  PetscCall(NbGraphSetInputPartitioned(op->graph, op->e, n * L, 0, n * L, op->eb));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* r = A u - b, w = 2 A^T r / (B ||b||^2), e = ||r||^2 / (B ||b||^2) - w . u (at the sample's first node) */
static PetscErrorCode SeedOne(NbOperator op, NbOperatorSample *s, PetscReal B, PetscReal *u, PetscReal *w, PetscReal *e)
{
  PetscReal rr, wu;

  PetscFunctionBegin;
  PetscCall(VecPlaceArray(op->vu, u));
  PetscCall(VecPlaceArray(op->vw, w));
  PetscCall(MatMult(s->A, op->vu, op->vr));
  PetscCall(VecAXPY(op->vr, -1, s->b));
  PetscCall(VecDot(op->vr, op->vr, &rr));
  PetscCall(MatMultTranspose(s->A, op->vr, op->vw));
  PetscCall(VecScale(op->vw, 2 / (B * s->bb)));
  PetscCall(VecDot(op->vw, op->vu, &wu));
  PetscCall(VecResetArray(op->vu));
  PetscCall(VecResetArray(op->vw));
  e[0] = rr / (B * s->bb) - wu;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorSeedMSR_Private(NbOperator op, PetscReal B)
{
  const PetscInt L = op->L;
  PetscInt       n = op->nloc * L;

  PetscFunctionBegin;
  if (n) PetscCall(NbGraphGetValues(op->graph, op->u, NULL, op->ub));
  for (PetscInt k = 0; k < op->nloc; k++) {
    NbOperatorSample tmp = {0}, *s;
    PetscCall(NbOperatorSampleGet_Private(op, op->idx[k], &tmp, &s));
    PetscCall(SeedOne(op, s, B, op->ub + (size_t)k * L, op->wb + (size_t)k * L, op->eb + (size_t)k * L));
    PetscCall(NbOperatorSampleDestroy_Private(&tmp));
  }
  PetscCall(NbGraphSetInputPartitioned(op->graph, op->w, n, 0, n, op->wb));
  PetscCall(NbGraphSetInputPartitioned(op->graph, op->e, n, 0, n, op->eb));
  PetscFunctionReturn(PETSC_SUCCESS);
}
