/* The lordnet type: Huang et al. 2022 (arXiv 2206.09418), as read in
   operators/README.md:
     h_0     = X P + p                          lifting, NIN -> C per node
     h_{l+1} = h_l + gelu(A_y(A_x h_l) + h_l W_l + c_l)   Lord block
     u       = gelu(h_L Q_1 + q_1) Q_2 + q_2     projection, C -> C -> 1
   with A_x = U_x V_x^T mixing along x (nx x nx, rank r) and A_y = U_y V_y^T
   along y, shared by the C channels of a block: the long-range, low-rank
   part; h W the pointwise channel mixing. Also the pieces the local type
   shares (dense layers, projection). */
#include "operatorimpl.h"

PetscErrorCode NbOperatorDense_Private(NbOperator op, NbGraph g, const char name[], NbTensor x, PetscInt nin, PetscInt nout, NbActivation act, NbTensor *y)
{
  NbLayer l;

  PetscFunctionBegin;
  PetscCall(NbModelAddDense(op->model, name, nin, nout, act, &l));
  PetscCall(NbLayerApply(l, g, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorProject_Private(NbOperator op, NbGraph g, NbTensor h, PetscInt C, NbTensor *u)
{
  PetscFunctionBegin;
  PetscCall(NbOperatorDense_Private(op, g, "proj.0", h, C, C, NB_ACT_GELU, &h));
  PetscCall(NbOperatorDense_Private(op, g, "proj.1", h, C, 1, NB_ACT_NONE, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt NbOperatorLordNetParameters_Private(PetscInt C, PetscInt nb, PetscInt r, PetscInt nx, PetscInt ny)
{
  return (NB_OPERATOR_NIN + 1) * C + nb * (2 * r * (nx + ny) + C * C + C) + (C * C + C) + (C + 1);
}

/* y = U V^T along an axis, U and V of n x r drawn N(0, (n r)^(-1/2)) so
   that A x keeps the scale of x: var(A_ik) = r sigma^4 = 1/n */
static PetscErrorCode Mix(NbOperator op, NbGraph g, PetscInt l, PetscInt axis, NbTensor x, NbTensor *y)
{
  PetscInt  n = axis ? op->ny : op->nx;
  PetscReal sigma = PetscPowReal((PetscReal)n * op->mixrank, -0.25);
  NbTensor  U, V;
  char      un[32], vn[32];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(un, sizeof(un), "lord.%d.U%c", (int)l, axis ? 'y' : 'x'));
  PetscCall(PetscSNPrintf(vn, sizeof(vn), "lord.%d.V%c", (int)l, axis ? 'y' : 'x'));
  PetscCall(NbModelAddParameter(op->model, un, n, op->mixrank, NB_INIT_NORMAL, sigma, NULL));
  PetscCall(NbModelAddParameter(op->model, vn, n, op->mixrank, NB_INIT_NORMAL, sigma, NULL));
  PetscCall(NbGraphAddParameter(g, op->model, un, &U));
  PetscCall(NbGraphAddParameter(g, op->model, vn, &V));
  PetscCall(NbTensorGridLowRank(x, U, V, op->nx, op->ny, axis, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Build_LordNet(NbOperator op, NbGraph g, NbTensor X, NbTensor *u)
{
  const PetscInt C = op->width;
  NbTensor       h, a, b;
  char           name[32];

  PetscFunctionBegin;
  PetscCall(NbOperatorDense_Private(op, g, "lift", X, NB_OPERATOR_NIN, C, NB_ACT_NONE, &h));
  for (PetscInt l = 0; l < op->blocks; l++) {
    PetscCall(Mix(op, g, l, 0, h, &a));
    PetscCall(Mix(op, g, l, 1, a, &a));
    PetscCall(PetscSNPrintf(name, sizeof(name), "lord.%d.mix", (int)l));
    PetscCall(NbOperatorDense_Private(op, g, name, h, C, C, NB_ACT_NONE, &b));
    PetscCall(NbTensorAdd(a, b, &a));
    PetscCall(NbTensorGELU(a, &a));
    PetscCall(NbTensorAdd(h, a, &h));
  }
  PetscCall(NbOperatorProject_Private(op, g, h, C, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_LordNet(NbOperator op, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "LordNet: width %d, %d Lord blocks, mixing rank %d along x and y\n", (int)op->width, (int)op->blocks, (int)op->mixrank));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorCreate_LordNet(NbOperator op)
{
  PetscFunctionBegin;
  op->ops.build = Build_LordNet;
  op->ops.view  = View_LordNet;
  PetscFunctionReturn(PETSC_SUCCESS);
}
