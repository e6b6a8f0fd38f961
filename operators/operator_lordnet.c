/* The lordnet type: Huang et al. 2022 (arXiv 2206.09418), as read in
   operators/README.md:
     h_0     = X P + p                          lifting, NIN -> C per node
     h_{l+1} = h_l + gelu(A_y(A_x h_l) + h_l W_l + c_l)   Lord block
     u       = gelu(h_L Q_1 + q_1) Q_2 + q_2     projection, C -> C -> 1
   with A_x = U_x V_x^T mixing along x (nx x nx, rank r) and A_y = U_y V_y^T
   along y, shared by the C channels of a block: the long-range, low-rank
   part; h W the pointwise channel mixing. The factors are spanned by the
   first m cosine modes of their axis (-lordnet_modes m; 0: free node-wise
   factors, see README.md for why smooth factors are the default). Also the
   pieces the local type shares (dense layers, projection). */
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

/* factor rows along an axis: the cosine modes used, or the nodes */
static PetscInt FactorRows(NbOperator op, PetscInt axis)
{
  PetscInt n = axis ? op->ny : op->nx;
  return op->modes ? PetscMin(op->modes, n) : n;
}

PetscInt NbOperatorLordNetParameters_Private(NbOperator op)
{
  PetscInt C = op->width;
  return (NB_OPERATOR_NIN + 1) * C + op->blocks * (2 * op->mixrank * (FactorRows(op, 0) + FactorRows(op, 1)) + C * C + C) + (C * C + C) + (C + 1);
}

/* B (n x m): B_ik = c_k cos(k pi x_i), x_i = i/(n-1), c_0 = n^(-1/2), c_k =
   (2/n)^(1/2): smooth columns, nearly orthonormal on the nodes */
static PetscErrorCode Basis(NbOperator op, NbGraph g, PetscInt axis)
{
  PetscInt   n = axis ? op->ny : op->nx, m = FactorRows(op, axis);
  PetscReal *B;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n * m, &B));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt k = 0; k < m; k++) B[i * m + k] = PetscSqrtReal((k ? 2.0 : 1.0) / n) * PetscCosReal(k * PETSC_PI * i / (n - 1));
  PetscCall(NbGraphAddConstant(g, axis ? "lord.basis.y" : "lord.basis.x", n, m, B, &op->basis[axis]));
  PetscCall(PetscFree(B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = U V^T along an axis. Free factors (-lordnet_modes 0): U, V of n x r
   drawn N(0, (n r)^(-1/2)), so that var(A_ik) = 1/n keeps the scale of x.
   With m modes: U = B U~, V = B V~, U~ and V~ of m x r drawn N(0, (2 m r)^(-1/2)) */
static PetscErrorCode Mix(NbOperator op, NbGraph g, PetscInt l, PetscInt axis, NbTensor x, NbTensor *y)
{
  PetscInt  m = FactorRows(op, axis);
  PetscReal sigma = PetscPowReal((op->modes ? 2.0 : 1.0) * m * op->mixrank, -0.25);
  NbTensor  U, V;
  char      un[32], vn[32];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(un, sizeof(un), "lord.%d.U%c", (int)l, axis ? 'y' : 'x'));
  PetscCall(PetscSNPrintf(vn, sizeof(vn), "lord.%d.V%c", (int)l, axis ? 'y' : 'x'));
  PetscCall(NbModelAddParameter(op->model, un, m, op->mixrank, NB_INIT_NORMAL, sigma, NULL));
  PetscCall(NbModelAddParameter(op->model, vn, m, op->mixrank, NB_INIT_NORMAL, sigma, NULL));
  PetscCall(NbGraphAddParameter(g, op->model, un, &U));
  PetscCall(NbGraphAddParameter(g, op->model, vn, &V));
  if (op->modes) {
    if (!op->basis[axis]) PetscCall(Basis(op, g, axis));
    PetscCall(NbTensorMatMul(op->basis[axis], U, &U));
    PetscCall(NbTensorMatMul(op->basis[axis], V, &V));
  }
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
  PetscCall(PetscViewerASCIIPrintf(v, "LordNet: width %d, %d Lord blocks, mixing rank %d along x and y, factors %s\n", (int)op->width, (int)op->blocks, (int)op->mixrank, op->modes ? "in cosine modes" : "free"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorCreate_LordNet(NbOperator op)
{
  PetscFunctionBegin;
  op->ops.build = Build_LordNet;
  op->ops.view  = View_LordNet;
  PetscFunctionReturn(PETSC_SUCCESS);
}
