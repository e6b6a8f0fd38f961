/* The frames of a reference solve, and the small things the reference
   solvers share (solvers/frames.h). */
#include "frames.h"
#include "nbsys.h"

double NbFramesStart(NbFrames *f)
{
  f->t0 = NbWallTime();
  return f->t0;
}

PetscErrorCode NbFramesKeep(NbFrames *f, PetscReal t, Vec U)
{
  PetscFunctionBegin;
  PetscCall(PetscRealloc((f->n + 1) * sizeof(PetscReal), &f->t));
  PetscCall(PetscRealloc((f->n + 1) * sizeof(Vec), &f->U));
  PetscCall(VecDuplicate(U, &f->U[f->n]));
  PetscCall(VecCopy(U, f->U[f->n]));
  f->t[f->n] = t;
  f->n++;
  if (f->monitor) PetscCall((*f->monitor)(f->n - 1, t, NbWallTime() - f->t0, f->monctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbFramesGet(const NbFrames *f, PetscInt *n, const PetscReal *t[], Vec *U[])
{
  PetscFunctionBegin;
  if (n) *n = f->n;
  if (t) *t = f->t;
  if (U) *U = f->U;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbFramesDestroy(NbFrames *f)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < f->n; k++) PetscCall(VecDestroy(&f->U[k]));
  PetscCall(PetscFree(f->U));
  PetscCall(PetscFree(f->t));
  f->n = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRelativeError(Vec E, Vec D, IS is, PetscReal *err)
{
  Vec       e = E, d = D;
  PetscReal ne, nd;

  PetscFunctionBegin;
  if (is) {
    PetscCall(VecGetSubVector(E, is, &e));
    PetscCall(VecGetSubVector(D, is, &d));
  }
  PetscCall(VecNorm(e, NORM_2, &ne));
  PetscCall(VecNorm(d, NORM_2, &nd));
  if (is) {
    PetscCall(VecRestoreSubVector(E, is, &e));
    PetscCall(VecRestoreSubVector(D, is, &d));
  }
  *err = ne > 0 ? nd / ne : nd;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbWriteFieldSuffixed(NbOutput out, const char name[], const char suffix[], Vec v)
{
  char field[64];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(field, sizeof(field), "%s%s", name, suffix));
  PetscCall(NbOutputWriteField(out, field, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbRegisterEvents(PetscInt n, const char *const names[], PetscLogEvent *const ev[])
{
  PetscFunctionBegin;
  if (*ev[0]) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < n; k++) PetscCall(PetscLogEventRegister(names[k], NB_CLASSID, ev[k]));
  PetscFunctionReturn(PETSC_SUCCESS);
}
