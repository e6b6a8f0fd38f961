/* The peak cases of the poisson problem on [-1, 1]^2, the problems DAS and
   AAS were built for (Tang, Wan, Yang, J. Comput. Phys. 2023, DAS; Tang,
   Zhai, Wan, Yang, ICLR 2024, AAS; the authors' code MJfadeaway/DAS,
   pde_model.py), with the Gaussian peak e_c = exp(-1000 |x - (c, c)|^2):
     peak     -Lap u = s,                          u* = e_{1/2};
     twopeak  -div(u grad phi) + Lap u = s,  phi = x^2 + y^2,
                                                   u* = e_{1/2} + e_{-1/2}.
   twopeak carries the signs of the DAS code (its residual is
   -div(u grad phi) + div(grad u) - s); it is linear in u. Dirichlet data
   u = u* on the boundary, where |u*| <= e^{-250}: zero in double precision,
   so the hard constraint (1 - x^2)(1 - y^2) N needs no lift.
   The reference multiplies twopeak by -1, -Lap u + div(u grad phi) = -s
   (a positive diagonal), in conservative form: the flux u phi_x at the
   faces x +- h/2 with u there the mean of the two nodes, second order. */
#include "poisson_impl.h"

#define PEAK_A 1000.0 /* the peaks' sharpness */

static PetscReal Gauss(PetscReal x, PetscReal y, PetscReal c, PetscReal *r2)
{
  *r2 = PetscSqr(x - c) + PetscSqr(y - c);
  return PetscExpReal(-PEAK_A * *r2);
}

/* -Lap e_c = 4 A e_c (1 - A r^2) */
static PetscReal PeakSource(PetscReal x, PetscReal y)
{
  PetscReal r2, e = Gauss(x, y, 0.5, &r2);

  return 4 * PEAK_A * e * (1 - PEAK_A * r2);
}

/* s of one peak in twopeak: Lap e - div(e grad phi) = Lap e - (2x e_x + 2y e_y + 4 e)
   = e (4A (A r^2 - 1) + 4A (x (x - c) + y (y - c)) - 4) */
static PetscReal TwoPeakSourceOne(PetscReal x, PetscReal y, PetscReal c)
{
  PetscReal r2, e = Gauss(x, y, c, &r2);

  return e * (4 * PEAK_A * (PEAK_A * r2 - 1) + 4 * PEAK_A * (x * (x - c) + y * (y - c)) - 4);
}

static PetscReal TwoPeakSource(PetscReal x, PetscReal y)
{
  return TwoPeakSourceOne(x, y, 0.5) + TwoPeakSourceOne(x, y, -0.5);
}

static PetscReal PeakExact(const PoissonCase *c, const PetscReal x[])
{
  PetscReal r2;

  return Gauss(x[0], x[1], 0.5, &r2);
}

static PetscReal TwoPeakExact(const PoissonCase *c, const PetscReal x[])
{
  PetscReal r2;

  return Gauss(x[0], x[1], 0.5, &r2) + Gauss(x[0], x[1], -0.5, &r2);
}

static void PeakFields(const PoissonCase *c, const PetscReal x[], PetscReal v[])
{
  v[0] = PeakExact(c, x);
  v[1] = PeakSource(x[0], x[1]);
}

static void TwoPeakFields(const PoissonCase *c, const PetscReal x[], PetscReal v[])
{
  v[0] = TwoPeakExact(c, x);
  v[1] = TwoPeakSource(x[0], x[1]);
}

/* The five-point -Lap: symmetric. */
static void PeakStencil(const PetscReal x[2], const PetscReal h[2], PetscReal a[5], PetscReal *f)
{
  a[0] = a[1] = -1 / PetscSqr(h[0]);
  a[2] = a[3] = -1 / PetscSqr(h[1]);
  a[4] = 2 / PetscSqr(h[0]) + 2 / PetscSqr(h[1]);
  *f   = PeakSource(x[0], x[1]);
}

/* -Lap u + div(u grad phi) = -s: along each axis, -(u_+ - 2 u + u_-)/h^2 +
   (F_+ - F_-)/h with the face fluxes F_+- = (u + u_+-)/2 phi'(x +- h/2),
   phi' = 2 x. */
static void TwoPeakStencil(const PetscReal x[2], const PetscReal h[2], PetscReal a[5], PetscReal *f)
{
  a[4] = 0;
  for (PetscInt d = 0; d < 2; d++) {
    PetscReal pp = 2 * (x[d] + h[d] / 2), pm = 2 * (x[d] - h[d] / 2), hh = PetscSqr(h[d]);
    a[2 * d]     = -1 / hh + pp / (2 * h[d]);
    a[2 * d + 1] = -1 / hh - pm / (2 * h[d]);
    a[4] += 2 / hh + (pp - pm) / (2 * h[d]);
  }
  *f = -TwoPeakSource(x[0], x[1]);
}

/* ------------------------------------------------------------ on jets */

/* e_c and r^2 from the input columns x, y; dx = x - c, dy = y - c. */
static PetscErrorCode GaussTensor(NbTensor x, NbTensor y, PetscReal c, NbTensor *e, NbTensor *r2, NbTensor *dx, NbTensor *dy)
{
  NbTensor a, b;

  PetscFunctionBegin;
  PetscCall(NbTensorAXPB(x, 1, -c, dx));
  PetscCall(NbTensorAXPB(y, 1, -c, dy));
  PetscCall(NbTensorSquare(*dx, &a));
  PetscCall(NbTensorSquare(*dy, &b));
  PetscCall(NbTensorAdd(a, b, r2));
  PetscCall(NbTensorScale(*r2, -PEAK_A, &a));
  PetscCall(NbTensorExp(a, e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Laplacian2(NbTensor U, NbTensor *lap)
{
  NbTensor a, b;

  PetscFunctionBegin;
  PetscCall(NbTensorJetComponent(U, "xx", &a));
  PetscCall(NbTensorJetComponent(U, "yy", &b));
  PetscCall(NbTensorAdd(a, b, lap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* r = -Lap u - s, s = 4A e (1 - A r^2) */
static PetscErrorCode PeakResidual(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  NbTensor x, y, e, r2, dx, dy, lap, t;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  PetscCall(GaussTensor(x, y, 0.5, &e, &r2, &dx, &dy));
  PetscCall(NbTensorAXPB(r2, -PEAK_A, 1, &t));
  PetscCall(NbTensorMul(e, t, &t));
  PetscCall(Laplacian2(U, &lap));
  PetscCall(NbTensorScale(lap, -1, &lap));
  PetscCall(NbTensorAXPY(lap, -4 * PEAK_A, t, &res[0]));
  *nres = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* r = Lap u - (2 x u_x + 2 y u_y + 4 u) - s, s the sum over the two peaks of
   e (4A^2 r^2 - 4A - 4 + 4A (dx x + dy y)) */
static PetscErrorCode TwoPeakResidual(void *ctx, NbTensor X, NbTensor U, const NbTensor coef[], PetscInt *nres, NbTensor res[])
{
  const PetscReal centre[2] = {0.5, -0.5};
  NbTensor        x, y, r, a, b;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  PetscCall(Laplacian2(U, &r));
  PetscCall(NbTensorJetComponent(U, "x", &a));
  PetscCall(NbTensorMul(x, a, &a));
  PetscCall(NbTensorJetComponent(U, "y", &b));
  PetscCall(NbTensorMul(y, b, &b));
  PetscCall(NbTensorAdd(a, b, &a));
  PetscCall(NbTensorAXPY(r, -2, a, &r));
  PetscCall(NbTensorJetComponent(U, "", &a));
  PetscCall(NbTensorAXPY(r, -4, a, &r));
  for (PetscInt k = 0; k < 2; k++) {
    NbTensor e, r2, dx, dy, t;
    PetscCall(GaussTensor(x, y, centre[k], &e, &r2, &dx, &dy));
    PetscCall(NbTensorMul(dx, x, &a));
    PetscCall(NbTensorMul(dy, y, &b));
    PetscCall(NbTensorAdd(a, b, &a));
    PetscCall(NbTensorAXPB(r2, 4 * PEAK_A * PEAK_A, -4 * PEAK_A - 4, &t));
    PetscCall(NbTensorAXPY(t, 4 * PEAK_A, a, &t));
    PetscCall(NbTensorMul(e, t, &t));
    PetscCall(NbTensorSub(r, t, &r));
  }
  res[0] = r;
  *nres  = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode PoissonHardZero(void *ctx, NbTensor X, NbTensor N, NbTensor *U)
{
  NbTensor x, y, a, b;

  PetscFunctionBegin;
  PetscCall(NbTensorSlice(X, 0, 1, &x));
  PetscCall(NbTensorSlice(X, 1, 2, &y));
  PetscCall(NbTensorSquare(x, &a));
  PetscCall(NbTensorAXPB(a, -1, 1, &a));
  PetscCall(NbTensorSquare(y, &b));
  PetscCall(NbTensorAXPB(b, -1, 1, &b));
  PetscCall(NbTensorMul(a, b, &a));
  PetscCall(NbTensorMul(a, N, U));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---------------------------------------------------------------- cases */

/* Default 257 x 257 nodes (h = 1/128, four nodes per peak width 1/sqrt(A)):
   the reference's error against u* is measured in
   examples/poisson/README.md. */
static const PoissonCase PeakCase = {
  .about = "-Lap u = s on [-1,1]^2, u* = exp(-1000((x-0.5)^2 + (y-0.5)^2)), u = u* on the boundary (Tang, Wan, Yang 2023)",
  .dim = 2, .lo = -1, .hi = 1, .ngrid = 257, .symmetric = PETSC_TRUE, .exact = PeakExact, .stencil = PeakStencil,
  .nfield = 2, .fieldname = {"u_exact", "f"}, .fields = PeakFields,
  .residual = PeakResidual, .hard = PoissonHardZero, .defaulthard = PETSC_TRUE, .coords = "x,y", .derivs = "x,y,xx,yy",
  .bcwhy = "hard for the peaks: u* <= exp(-250) on the boundary, (1 - x^2)(1 - y^2) N meets it to round-off; soft as in DAS with -pinn_bc soft",
};

PetscErrorCode PoissonCaseCreate_Peak(PoissonCase *c, PetscInt dim, MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCall(PoissonCaseCheckPlanar(dim, "peak", comm));
  *c = PeakCase;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode PoissonCaseCreate_TwoPeak(PoissonCase *c, PetscInt dim, MPI_Comm comm)
{
  PetscFunctionBegin;
  PetscCall(PoissonCaseCheckPlanar(dim, "twopeak", comm));
  *c           = PeakCase;
  c->about     = "-div(u grad(x^2+y^2)) + Lap u = s on [-1,1]^2, u* = exp(-1000|x-(0.5,0.5)|^2) + exp(-1000|x+(0.5,0.5)|^2), u = u* on the boundary (Tang, Wan, Yang 2023)";
  c->symmetric = PETSC_FALSE;
  c->exact     = TwoPeakExact;
  c->stencil   = TwoPeakStencil;
  c->fields    = TwoPeakFields;
  c->residual  = TwoPeakResidual;
  PetscFunctionReturn(PETSC_SUCCESS);
}
