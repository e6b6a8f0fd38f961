/* The PINN's loss as a sum of squares, for the least-squares optimizers:
   the residual rows of this rank's points (each loss term's pointwise
   residual times sqrt(weight / global count), so that the sum of their
   squares over the ranks is the loss) and their Jacobian with respect to
   the network's parameters (NbGraphComputeJacobian: reverse mode, one
   sweep per row). -pinn_optimizer gn|lm puts Gauss-Newton or
   Levenberg-Marquardt (nn/gauss_newton.c, ScaLAPACK on a BLACS grid of the
   PINN's communicator) after the Adam phase instead of L-BFGS. */
#include "pinnimpl.h"

static const char *const LSQTypes[] = {"lbfgs", "gn", "lm"};

PetscErrorCode NbPINNComputeResidualJacobian(NbPINN p, PetscInt *n, PetscReal r[], PetscReal J[])
{
  NbTensor  t[NB_PINN_MAXRES];
  PetscReal scale[NB_PINN_MAXRES];
  PetscInt  nt;

  PetscFunctionBegin;
  PetscCall(NbPINNCheckSetUp_Private(p));
  PetscCheck(p->ops.residuals, p->comm, PETSC_ERR_SUP, "-pinn_dd %s: the least-squares form of the loss (-pinn_optimizer gn, lm) exists for one network only: use -pinn_dd none, or -pinn_optimizer lbfgs", p->type);
  PetscCall((*p->ops.residuals)(p, &nt, t, scale));
  PetscCall(NbGraphComputeJacobian(p->graph, p->model, nt, t, scale, n, r, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Residual(NbModel m, PetscInt *n, PetscReal r[], PetscReal J[], void *ctx)
{
  PetscFunctionBegin;
  PetscCall(NbPINNComputeResidualJacobian((NbPINN)ctx, n, r, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetFromOptionsLSQ_Private(NbPINN p, PetscOptionItems *PetscOptionsObject)
{
  PetscInt  type = 0, grid[2] = {p->blacs[0], p->blacs[1]}, ng = 2;
  PetscBool set;

  PetscFunctionBegin;
  if (!p->opttype[0]) { /* the defaults, on the first reading */
    PetscCall(PetscStrncpy(p->opttype, "lbfgs", sizeof(p->opttype)));
    p->lsq_steps = 500;
  }
  for (PetscInt k = 0; k < 3; k++) {
    PetscCall(PetscStrcmp(p->opttype, LSQTypes[k], &set));
    if (set) type = k;
  }
  PetscCall(PetscOptionsEList("-pinn_optimizer", "What follows Adam: lbfgs (TAO L-BFGS), gn (Gauss-Newton), lm (Levenberg-Marquardt)", "NbPINNSetFromOptions", LSQTypes, 3, LSQTypes[type], &type, NULL));
  PetscCall(PetscStrncpy(p->opttype, LSQTypes[type], sizeof(p->opttype)));
  PetscCall(PetscOptionsInt("-pinn_optimizer_steps", "Iterations of gn or lm after Adam (lbfgs: -pinn_lbfgs_steps)", "NbPINNSetFromOptions", p->lsq_steps, &p->lsq_steps, NULL));
  PetscCall(PetscOptionsIntArray("-pinn_blacs_grid", "BLACS grid p,q of the dense solves of gn and lm (p q = the ranks; default the most square)", "NbOptimizerSetBLACSGrid", grid, &ng, &set));
  PetscCheck(p->lsq_steps >= 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_optimizer_steps %d must be >= 0", (int)p->lsq_steps);
  if (set) {
    PetscCheck(ng == 2 && grid[0] > 0 && grid[1] > 0, p->comm, PETSC_ERR_USER_INPUT, "-pinn_blacs_grid takes two positive numbers p,q");
    PetscCheck(grid[0] * grid[1] == p->size, p->comm, PETSC_ERR_USER_INPUT, "-pinn_blacs_grid %d,%d has %d processes but the PINN runs on %d ranks: give p,q with p q = %d", (int)grid[0], (int)grid[1], (int)(grid[0] * grid[1]), (int)p->size, (int)p->size);
    p->blacs[0] = grid[0];
    p->blacs[1] = grid[1];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* gn or lm on the PINN's model, options read (-opt_lsq_solver, -opt_lm_*,
   ...); none for -pinn_optimizer lbfgs */
PetscErrorCode NbPINNCreateLSQ_Private(NbPINN p)
{
  PetscBool lbfgs;

  PetscFunctionBegin;
  PetscCall(NbOptimizerDestroy(&p->lsq));
  PetscCall(PetscStrcmp(p->opttype, "lbfgs", &lbfgs));
  if (lbfgs || !p->opttype[0] || p->lsq_steps == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(p->ops.residuals, p->comm, PETSC_ERR_SUP, "-pinn_optimizer %s needs the loss as a sum of squares, which -pinn_dd %s does not give: use -pinn_dd none or -pinn_optimizer lbfgs", p->opttype, p->type);
  PetscCall(NbOptimizerCreate(p->model, &p->lsq));
  PetscCall(NbOptimizerSetOptionsPrefix(p->lsq, p->prefix));
  PetscCall(NbOptimizerSetResidual(p->lsq, Residual, p));
  PetscCall(NbOptimizerSetFixedType(p->lsq, p->opttype));
  if (p->blacs[0]) PetscCall(NbOptimizerSetBLACSGrid(p->lsq, p->blacs[0], p->blacs[1]));
  PetscCall(NbOptimizerSetFromOptions(p->lsq));
  PetscCall(NbOptimizerSetMaxSteps(p->lsq, p->lsq_steps)); /* the PINN's count, not -opt_max_steps (Adam's) */
  PetscFunctionReturn(PETSC_SUCCESS);
}
