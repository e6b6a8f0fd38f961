/* The local type: the baseline LordNet is compared with (Huang et al. 2022
   argue that local mixing cannot carry the long-range couplings of the
   residual). The same lifting and projection as lordnet; each block mixes a
   node with its 3 x 3 neighbourhood only,
     h_{l+1} = h_l + gelu([S_{-1,-1} h_l, ..., S_{1,1} h_l] K_l + k_l),
   S_{dx,dy} the zero-padded grid shifts (a 3 x 3 convolution). Its width C'
   is chosen so that its parameter count is the nearest to that of the
   lordnet network the -lordnet_* options describe. */
#include "operatorimpl.h"

typedef struct {
  PetscInt width; /* C' */
} Local;

static PetscInt LocalParameters(PetscInt C, PetscInt nb)
{
  return (NB_OPERATOR_NIN + 1) * C + nb * (9 * C * C + C) + (C * C + C) + (C + 1);
}

static PetscErrorCode Build_Local(NbOperator op, NbGraph g, NbTensor X, NbTensor *u)
{
  Local   *lc     = (Local *)op->data;
  PetscInt target = NbOperatorLordNetParameters_Private(op), C = 1;
  NbTensor h, s[9], a;
  char     name[32];

  PetscFunctionBegin;
  for (PetscInt c = 2; c <= 4 * op->width; c++)
    if (PetscAbsInt(LocalParameters(c, op->blocks) - target) < PetscAbsInt(LocalParameters(C, op->blocks) - target)) C = c;
  lc->width = C;
  PetscCall(NbOperatorDense_Private(op, g, "lift", X, NB_OPERATOR_NIN, C, NB_ACT_NONE, &h));
  for (PetscInt l = 0; l < op->blocks; l++) {
    for (PetscInt q = 0; q < 9; q++) PetscCall(NbTensorGridShift(h, op->nx, op->ny, q % 3 - 1, q / 3 - 1, &s[q]));
    PetscCall(NbTensorConcat(9, s, &a));
    PetscCall(PetscSNPrintf(name, sizeof(name), "local.%d.conv", (int)l));
    PetscCall(NbOperatorDense_Private(op, g, name, a, 9 * C, C, NB_ACT_GELU, &a));
    PetscCall(NbTensorAdd(h, a, &h));
  }
  PetscCall(NbOperatorProject_Private(op, g, h, C, u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode View_Local(NbOperator op, PetscViewer v)
{
  Local *lc = (Local *)op->data;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "local: width %d (matching the parameters of lordnet width %d, rank %d), %d blocks of 3 x 3 stencil mixing\n", (int)lc->width, (int)op->width, (int)op->mixrank, (int)op->blocks));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbOperatorCreate_Local(NbOperator op)
{
  static const Local         defaults = {0};
  static const NbOperatorOps ops      = {NULL, Build_Local, View_Local};

  PetscFunctionBegin;
  PetscCall(NbHeadSetTypeData(op, &defaults, sizeof(defaults), &op->ops, &ops, sizeof(ops)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
