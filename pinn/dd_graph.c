/* The graphs of a local subdomain (all on PETSC_COMM_SELF):
     g     training: loss terms at the points the subdomain owns, with the
           networks they involve live (its own in the rank model, its
           neighbours' replicas in its halo model);
     gres  |r| at arbitrary points of its cell (adaptive samplers);
     gu    u at arbitrary points of its cell (evaluation).
   The loss is one global sum: every mean divides by the global number of
   points of its kind (NbGraphSetInputPartitioned's global count), so that
   the sum over subdomains equals the single-network PINN's loss
   w_res mean r^2 + w_ic mean |u - u0|^2 + w_bc mean |u - g|^2
   + w_data mean |u - u_obs|^2 (Raissi, Perdikaris & Karniadakis 2019),
   plus the variant's interface terms. */
#include "ddimpl.h"

/* N_l(X): network of subdomain `cell` on inputs normalised to its support,
   [slo, shi] -> [-1, 1] (per-subdomain normalisation, Moseley et al. 2023). */
PetscErrorCode NbDDNetwork_Private(NbDD dd, NbDDSub *sb, NbGraph g, PetscInt cell, NbTensor X, NbTensor *N)
{
  NbTensor  Y;
  NbLayer   net = NULL;
  NbDDCell *c   = &dd->cells[cell];

  PetscFunctionBegin;
  if (cell == sb->id) net = sb->net;
  else {
    NbDDCell *own = &dd->cells[sb->id];
    for (PetscInt k = 0; k < own->nnb; k++)
      if (own->nb[k] == cell) net = sb->hnet[k];
  }
  PetscCheck(net, PETSC_COMM_SELF, PETSC_ERR_PLIB, "subdomain %d holds no replica of %d", (int)sb->id, (int)cell);
  PetscCall(NbPINNNormalize_Private(g, dd->nin, c->slo, c->shi, X, &Y));
  PetscCall(NbLayerApply(net, g, Y, N));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One subdomain's solution: its network, through the hard constraint if any. */
PetscErrorCode NbDDSolutionOne_Private(NbDD dd, NbDDSub *sb, NbGraph g, NbTensor X, PetscInt cell, NbTensor *U)
{
  NbTensor N;

  PetscFunctionBegin;
  PetscCall(NbDDNetwork_Private(dd, sb, g, cell, X, &N));
  if (dd->hard) PetscCall((*dd->prob.hard)(dd->prob.ctx, X, N, U));
  else *U = N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Coefficients as 1 x 1 tensors: constants, or (inverse) the shared
   trainable scalars of the rank model, positive ones through exp. */
PetscErrorCode NbDDCoefficients_Private(NbDD dd, NbGraph g, NbTensor coef[])
{
  PetscFunctionBegin;
  PetscCall(NbPINNCoefficients_Private(dd->pinn, dd->model, g, coef));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* mean |u - v|^2 summed over the components, at a set of data points (no
   term for a set without room for any point in this subdomain) */
static PetscErrorCode DataTerm(NbDD dd, NbDDSub *sb, NbGraph g, NbDDSet *S, const char *name, NbTensor *term)
{
  NbTensor U;
  char     vname[64];

  PetscFunctionBegin;
  if (S->cap == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscSNPrintf(vname, sizeof(vname), "%s_values", name));
  PetscCall(NbGraphAddInput(g, name, S->cap, dd->nin, &S->X));
  PetscCall(NbGraphAddInputLike(g, vname, S->X, dd->prob.nout, &S->V));
  PetscCall((*dd->ops.solution)(dd, sb, g, S->X, S->ncover, S->cover, &U));
  PetscCall(NbPINNMisfit_Private(U, S->V, dd->prob.nout, term));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbDDBuildGraphs_Private(NbDD dd, NbDDSub *sb)
{
  PetscInt nin = dd->nin, cap;
  NbTensor coef[NB_PDE_MAXCOEF];
  NbDDSet  all = {0};

  PetscFunctionBegin;
  PetscCall(NbPINNGraphCreate_Private(dd->pinn, PETSC_COMM_SELF, &sb->g));
  PetscCall(NbDDCoefficients_Private(dd, sb->g, coef));
  /* residual: one point set per region (fbpinn) or one (xpinn, cpinn) */
  for (PetscInt r = 0; r < sb->nres; r++) {
    NbDDSet *S = &sb->res[r];
    NbTensor Xj, U, sq, t;
    char     name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), "collocation%d", (int)r));
    PetscCall(NbGraphAddInput(sb->g, name, S->cap, nin, &S->X));
    PetscCall(NbTensorJetSeed(S->X, dd->prob.coords, dd->prob.derivs, &Xj));
    PetscCall((*dd->ops.solution)(dd, sb, sb->g, Xj, S->ncover, S->cover, &U));
    PetscCall(NbPINNResidualSquare_Private(dd->pinn, S->X, U, coef, &sq));
    PetscCall(NbTensorMean(sq, &t));
    if (sb->term[DD_TERM_RES]) PetscCall(NbTensorAdd(sb->term[DD_TERM_RES], t, &sb->term[DD_TERM_RES]));
    else sb->term[DD_TERM_RES] = t;
  }
  PetscCall(DataTerm(dd, sb, sb->g, &sb->ic, "initial", &sb->term[DD_TERM_IC]));
  PetscCall(DataTerm(dd, sb, sb->g, &sb->bc, "boundary", &sb->term[DD_TERM_BC]));
  PetscCall(DataTerm(dd, sb, sb->g, &sb->data, "observations", &sb->term[DD_TERM_DATA]));
  if (sb->nif > 0) PetscCall((*dd->ops.interfaceterm)(dd, sb, sb->g, coef, &sb->term[DD_TERM_IF]));
  PetscCall(NbPINNLoss_Private(sb->term, dd->w, &sb->loss));
  PetscCall(NbGraphSetLoss(sb->g, sb->loss));
  PetscCall(NbGraphSetFromOptions(sb->g));
  PetscCall(NbGraphSetUp(sb->g));

  /* u and |r| anywhere in the cell, from every network that may overlap it */
  all.ncover   = 1;
  all.cover[0] = sb->id;
  if (dd->windowed)
    for (PetscInt k = 0; k < dd->cells[sb->id].nnb; k++) all.cover[all.ncover++] = dd->cells[sb->id].nb[k];
  cap = 4096;
  {
    NbTensor Xj, U, sq, c2[NB_PDE_MAXCOEF];
    PetscCall(NbGraphCreate(PETSC_COMM_SELF, &sb->gres));
    PetscCall(NbDDCoefficients_Private(dd, sb->gres, c2));
    PetscCall(NbGraphAddInput(sb->gres, "points", cap, nin, &sb->XR));
    PetscCall(NbTensorJetSeed(sb->XR, dd->prob.coords, dd->prob.derivs, &Xj));
    PetscCall((*dd->ops.solution)(dd, sb, sb->gres, Xj, all.ncover, all.cover, &U));
    PetscCall(NbPINNResidualSquare_Private(dd->pinn, sb->XR, U, c2, &sq));
    PetscCall(NbTensorSqrt(sq, &sb->RR));
    PetscCall(NbGraphMarkOutput(sb->gres, sb->RR));
    PetscCall(NbGraphSetUp(sb->gres));
  }
  PetscCall(NbGraphCreate(PETSC_COMM_SELF, &sb->gu));
  PetscCall(NbGraphAddInput(sb->gu, "points", cap, nin, &sb->XU));
  PetscCall((*dd->ops.solution)(dd, sb, sb->gu, sb->XU, all.ncover, all.cover, &sb->UU));
  PetscCall(NbGraphMarkOutput(sb->gu, sb->UU));
  PetscCall(NbGraphSetUp(sb->gu));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SetSet(NbGraph g, NbDDSet *S, PetscInt64 N, PetscBool values)
{
  PetscFunctionBegin;
  if (!S->X) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbGraphSetInputPartitioned(g, S->X, N, 0, S->n, S->x));
  if (values) PetscCall(NbGraphSetInputPartitioned(g, S->V, N, 0, S->n, S->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every set's points, with the global count of its kind. */
PetscErrorCode NbDDSetInputs_Private(NbDD dd, NbDDSub *sb)
{
  PetscFunctionBegin;
  for (PetscInt r = 0; r < sb->nres; r++) PetscCall(SetSet(sb->g, &sb->res[r], dd->Nres, PETSC_FALSE));
  PetscCall(SetSet(sb->g, &sb->ic, dd->Nic, PETSC_TRUE));
  PetscCall(SetSet(sb->g, &sb->bc, dd->Nbc, PETSC_TRUE));
  PetscCall(SetSet(sb->g, &sb->data, dd->Ndata, PETSC_TRUE));
  for (PetscInt f = 0; f < sb->nif; f++) PetscCall(SetSet(sb->g, &sb->iface[f], dd->Nif, PETSC_FALSE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
