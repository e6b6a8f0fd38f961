/* The highdim case of the poisson problem: -Lap u = s on [-1, 1]^d,
   u* = exp(-10 |x|^2), u = u* on the boundary, d = -poisson_dim (default
   10), the high-dimensional test of DAS (Tang, Wan, Yang, J. Comput. Phys.
   2023; MJfadeaway/DAS, pde_model.py: f_source_exp) with
   s = -Lap u* = (20 d - 400 |x|^2) u*. No grid reference in d dimensions:
   the problem is judged against u* at sampled points (poisson.c). */
#include "poisson_impl.h"

#define HIGHDIM_A 10.0
#define NB_HIGHDIM_MAX 26 /* coordinates: the letters of HighDimLetters */

/* coordinate names of the jets (single letters) */
static const char HighDimLetters[] = "xyzabcdefghijklmnopqrstuvw";

static PetscReal Norm2(PetscInt d, const PetscReal x[])
{
  PetscReal s = 0;

  for (PetscInt k = 0; k < d; k++) s += x[k] * x[k];
  return s;
}

static PetscReal HighDimExact(const PoissonCase *c, const PetscReal x[])
{
  return PetscExpReal(-HIGHDIM_A * Norm2(c->dim, x));
}

static void HighDimFields(const PoissonCase *c, const PetscReal x[], PetscReal v[])
{
  PetscReal r2 = Norm2(c->dim, x);

  v[0] = PetscExpReal(-HIGHDIM_A * r2);
  v[1] = (2 * HIGHDIM_A * c->dim - 4 * HIGHDIM_A * HIGHDIM_A * r2) * v[0];
}

/* r = -Lap u - s, s = (2 A d - 4 A^2 |x|^2) exp(-A |x|^2) */
static PetscErrorCode HighDimResidual(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  const PoissonCase *c = (const PoissonCase *)ctx;
  NbTensor           lap = NULL, r2 = NULL, a;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < c->dim; k++) {
    char d2[3] = {HighDimLetters[k], HighDimLetters[k], 0};
    PetscCall(NbTensorJetComponent(U, d2, &a));
    if (lap) PetscCall(NbTensorAdd(lap, a, &lap));
    else lap = a;
    PetscCall(NbTensorSlice(X, k, k + 1, &a));
    PetscCall(NbTensorSquare(a, &a));
    if (r2) PetscCall(NbTensorAdd(r2, a, &r2));
    else r2 = a;
  }
  PetscCall(NbTensorScale(r2, -HIGHDIM_A, &a));
  PetscCall(NbTensorExp(a, &a));
  PetscCall(NbTensorAXPB(r2, -4 * HIGHDIM_A * HIGHDIM_A, 2 * HIGHDIM_A * c->dim, &r2));
  PetscCall(NbTensorMul(a, r2, &a));
  PetscCall(NbTensorAdd(lap, a, &a));
  PetscCall(NbTensorScale(a, -1, &res[0]));
  *nres = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The jet strings "x,y,..." and "xx,yy,..." name d coordinates (at most
   sizeof(HighDimLetters) - 1). */
PetscErrorCode PoissonCaseCreate_HighDim(PoissonCase *c, PetscInt dim, MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCheck(dim <= NB_HIGHDIM_MAX, comm, PETSC_ERR_USER_INPUT, "-poisson_dim %d: at most %d dimensions", (int)dim, NB_HIGHDIM_MAX);
  *c = (PoissonCase){
    .about = "-Lap u = s on [-1,1]^d, u* = exp(-10|x|^2), u = u* on the boundary (Tang, Wan, Yang 2023); exact solution only",
    .dim = dim, .lo = -1, .hi = 1, .ngrid = 0, .exact = HighDimExact,
    .nfield = 2, .fieldname = {"u_exact", "f"}, .fields = HighDimFields, .residual = HighDimResidual,
    .bcwhy = "soft for highdim: no lift equal to u* on the faces of the d-cube short of u* itself",
  };
  for (PetscInt k = 0; k < dim; k++) {
    char one[2] = {HighDimLetters[k], 0}, two[3] = {HighDimLetters[k], HighDimLetters[k], 0};
    PetscCall(PetscStrlcat(c->coords, k ? "," : "", sizeof(c->coords)));
    PetscCall(PetscStrlcat(c->coords, one, sizeof(c->coords)));
    PetscCall(PetscStrlcat(c->derivs, k ? "," : "", sizeof(c->derivs)));
    PetscCall(PetscStrlcat(c->derivs, two, sizeof(c->derivs)));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------- the sampled points */

/* What the points are judged against: u* (there is no other reference). */
static PetscErrorCode ReferenceExact(NbProblem p, PetscInt k, PetscReal v[])
{
  PetscFunctionBegin;
  PetscCall(NbProblemGetExactValues(p, k, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NoOperator(NbProblem p, PetscReal t, Vec U, Vec F)
{
  SETERRQ(p->comm, PETSC_ERR_SUP, "-poisson_case highdim has no discrete operator (no grid in %d dimensions)", (int)p->dim);
}

static PetscErrorCode NoJacobian(NbProblem p, PetscReal t, Vec U, Mat J)
{
  return NoOperator(p, t, NULL, NULL);
}

/* Nothing to solve. The reference method alone would only print u* against
   itself: refused. Methods that train on the PDE ask for it first
   (NbProblemGetPDE at their set-up) and are judged against u*. */
static PetscErrorCode SolveExact(NbProblem p)
{
  PetscFunctionBegin;
  PetscCheck(p->haspde, p->comm, PETSC_ERR_USER_INPUT, "-%spoisson_case highdim has no reference solver (no grid in %d dimensions): use -method pinn, which is judged against the exact solution at -%spoisson_points sampled points", p->prefix, (int)p->dim, p->prefix);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The points are those of a 1-D DMDA over their index, so that the
   problem's output and error machinery (natural order, one block per rank)
   applies unchanged; point g is a pure function of g (NbRNGSampleBox),
   the same on any rank count. */
PetscErrorCode PoissonSetUpPoints(NbProblem p)
{
  Poisson  *s = (Poisson *)p->data;
  PetscReal lo[NB_HIGHDIM_MAX], hi[NB_HIGHDIM_MAX];
  PetscInt  xs, xm;
  NbRNG     rng;

  PetscFunctionBegin;
  PetscCall(DMDACreate1d(p->comm, DM_BOUNDARY_NONE, s->npoints, 1, 1, NULL, &s->da));
  PetscCall(DMSetUp(s->da));
  PetscCall(DMDAGetCorners(s->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(PetscSNPrintf(s->grid, sizeof(s->grid), "%d uniform points in %d-D", (int)s->npoints, (int)s->c.dim));
  p->dim         = s->c.dim;
  p->nout        = 1;
  p->steady      = PETSC_TRUE;
  p->outnames[0] = "u";
  p->da1         = s->da;
  p->spacing[0]  = 1; /* the output grid is the index */
  p->m[0]        = s->npoints;
  p->m[1] = p->m[2] = 1;
  p->N           = s->npoints;
  p->offset      = xs;
  p->n           = xm;
  for (PetscInt d = 0; d < p->dim; d++) {
    lo[d] = s->c.lo;
    hi[d] = s->c.hi;
  }
  PetscCall(PetscMalloc1((size_t)p->n * p->dim + 1, &p->x));
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, 2023));
  PetscCall(NbRNGSampleBox(rng, 0, p->offset, p->n, p->dim, lo, hi, p->x));
  PetscCall(NbRNGDestroy(&rng));
  p->ops.reference = ReferenceExact;
  p->ops.solve     = SolveExact;
  p->ops.residual  = NoOperator;
  p->ops.jacobian  = NoJacobian;
  PetscFunctionReturn(PETSC_SUCCESS);
}
