/* The -ns_case registry and the four flow cases: the data of each problem
   (domain, walls, forcing, initial state, exact solution). */
#include "ns_impl.h"
#include <stdint.h>

/* ------------------------------------------------------------ random field */

/* SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective mixer, used as
   a counter-based generator: the value at (seed, index) needs no state. */
static uint64_t SplitMix64(uint64_t z)
{
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

PetscReal NbNSHashUniform(PetscInt seed, PetscInt64 index)
{
  uint64_t h = SplitMix64(SplitMix64((uint64_t)seed) ^ SplitMix64((uint64_t)index + 0x632BE59BD9B4E019ull));
  return ((PetscReal)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* (0, 1), 53 bits */
}

/* ------------------------------------------------------------------ cavity */

/* Lid-driven cavity on the unit square: the lid y = 1 moves with speed 1,
   the other walls are at rest (Ghia, Ghia & Shin 1982). */
static PetscErrorCode CavityWall(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscFunctionBegin;
  u[0] = (x[1] >= ns->c.upper[1] - 1e-12) ? 1.0 : 0.0;
  u[1] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CaseCreateCavity(NbNavierStokes ns)
{
  ns->c = (NbNSCase){
    .description = "lid-driven cavity on [0,1]^2, lid speed 1 (Ghia, Ghia & Shin 1982)",
    .lower = {0, 0}, .upper = {1, 1}, .grid = {64, 64},
    .steady = PETSC_TRUE, .re = 100, .tfinal = 10, .uscale = 1,
    .wall = CavityWall,
  };
  return PETSC_SUCCESS;
}

/* ------------------------------------------------------------- Taylor-Green */

/* Taylor & Green (1937) vortex on [0, 2 pi]^2, periodic: the nonlinear term
   is a pure gradient, so u = (sin x cos y, -cos x sin y) F(t),
   p = (cos 2x + cos 2y) F(t)^2 / 4, F = exp(-2 nu t) solve the equations. */
static PetscErrorCode TaylorGreenExact(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  PetscReal F = PetscExpReal(-2 * ns->nu * t);

  PetscFunctionBegin;
  uvp[0] = PetscSinReal(x[0]) * PetscCosReal(x[1]) * F;
  uvp[1] = -PetscCosReal(x[0]) * PetscSinReal(x[1]) * F;
  uvp[2] = 0.25 * (PetscCosReal(2 * x[0]) + PetscCosReal(2 * x[1])) * F * F;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Initial state from the stream function psi = sin x sin y (u = psi_y,
   v = -psi_x): face values are psi differences, discretely divergence-free
   on any grid (point values are so only on square cells). */
static PetscErrorCode TaylorGreenInitialPsi(NbNavierStokes ns, const PetscReal x[], PetscReal *psi)
{
  PetscFunctionBegin;
  *psi = PetscSinReal(x[0]) * PetscSinReal(x[1]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CaseCreateTaylorGreen(NbNavierStokes ns)
{
  ns->c = (NbNSCase){
    .description = "Taylor-Green vortex on [0,2pi]^2, periodic, exact decaying solution (Taylor & Green 1937)",
    .lower = {0, 0}, .upper = {2 * PETSC_PI, 2 * PETSC_PI}, .grid = {64, 64}, .periodic = PETSC_TRUE,
    .re = 100, .tfinal = 1, .uscale = 1,
    .initialpsi = TaylorGreenInitialPsi, .exact = TaylorGreenExact,
  };
  return PETSC_SUCCESS;
}

/* ---------------------------------------------------------------- Kovasznay */

/* Kovasznay (1948) flow behind a grid, on [-0.5, 1] x [-0.5, 1.5]:
   lambda = Re/2 - sqrt(Re^2/4 + 4 pi^2),
   u = 1 - e^{lambda x} cos(2 pi y), v = lambda/(2 pi) e^{lambda x} sin(2 pi y),
   p = (1 - e^{2 lambda x})/2; stream function psi = y - e^{lambda x} sin(2 pi y)/(2 pi). */
static PetscReal KovasznayLambda(PetscReal re)
{
  return 0.5 * re - PetscSqrtReal(0.25 * re * re + 4 * PETSC_PI * PETSC_PI);
}

static PetscErrorCode KovasznayExact(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal uvp[])
{
  PetscReal l = KovasznayLambda(ns->re), e = PetscExpReal(l * x[0]);

  PetscFunctionBegin;
  uvp[0] = 1 - e * PetscCosReal(2 * PETSC_PI * x[1]);
  uvp[1] = l / (2 * PETSC_PI) * e * PetscSinReal(2 * PETSC_PI * x[1]);
  uvp[2] = 0.5 * (1 - e * e);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode KovasznayWall(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal u[])
{
  PetscReal uvp[3];

  PetscFunctionBegin;
  PetscCall(KovasznayExact(ns, t, x, uvp));
  u[0] = uvp[0];
  u[1] = uvp[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode KovasznayPsi(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal *psi)
{
  PetscReal l = KovasznayLambda(ns->re);

  PetscFunctionBegin;
  *psi = x[1] - PetscExpReal(l * x[0]) * PetscSinReal(2 * PETSC_PI * x[1]) / (2 * PETSC_PI);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode KovasznaySetFromOptions(NbNavierStokes ns)
{
  PetscFunctionBegin;
  /* the velocity scale depends on Re: max |u| = 1 + e^{lambda x_min} */
  ns->c.uscale = 1 + PetscExpReal(KovasznayLambda(ns->re) * ns->c.lower[0]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CaseCreateKovasznay(NbNavierStokes ns)
{
  ns->c = (NbNSCase){
    .description = "Kovasznay flow on [-0.5,1]x[-0.5,1.5], steady, exact (Kovasznay 1948)",
    .lower = {-0.5, -0.5}, .upper = {1.0, 1.5}, .grid = {48, 64},
    .steady = PETSC_TRUE, .re = 40, .tfinal = 10, .uscale = 2.6,
    .wall = KovasznayWall, .wallpsi = KovasznayPsi, .exact = KovasznayExact, .setfromoptions = KovasznaySetFromOptions,
  };
  return PETSC_SUCCESS;
}

/* --------------------------------------------------------------- Kolmogorov */

/* Kolmogorov flow on [0, 2 pi]^2, periodic, forced by f = (A sin(k y), 0)
   with linear drag a u, as in Kochkov et al. (2021) (k = 4, a = 0.1). The
   initial state is random and smooth: a stream function
     psi = C sum_m g_m |k_m|^-2 cos(k_m . x + phi_m),  1 <= |k_m| <= K,
   over integer wave vectors in a half plane, g_m standard normal and phi_m
   uniform from the counter-based hash of (seed, mode), so the field is the
   same for any rank count; C sets the rms velocity to -ns_kolmogorov_u0.
   Faces take psi differences, so the state is discretely divergence-free. */
#define KOL_MODE_INDEX(kx, ky, K) ((PetscInt64)((kx) + (K)) + (PetscInt64)(2 * (K) + 1) * ((ky) + (K)))

static void KolmogorovMode(NbNavierStokes ns, PetscInt kx, PetscInt ky, PetscReal *amp, PetscReal *phase)
{
  PetscInt64 m  = KOL_MODE_INDEX(kx, ky, ns->kol_modes);
  PetscReal  u1 = NbNSHashUniform(ns->seed, 3 * m), u2 = NbNSHashUniform(ns->seed, 3 * m + 1);
  PetscReal  g  = PetscSqrtReal(-2 * PetscLogReal(u1)) * PetscCosReal(2 * PETSC_PI * u2); /* Box-Muller */

  *amp   = g / (PetscReal)(kx * kx + ky * ky);
  *phase = 2 * PETSC_PI * NbNSHashUniform(ns->seed, 3 * m + 2);
}

static PetscBool KolmogorovHalfPlane(PetscInt kx, PetscInt ky, PetscInt K)
{
  PetscInt k2 = kx * kx + ky * ky;
  return (k2 >= 1 && k2 <= K * K && (ky > 0 || (ky == 0 && kx > 0))) ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode KolmogorovPsi(NbNavierStokes ns, const PetscReal x[], PetscReal *psi)
{
  PetscInt  K = ns->kol_modes;
  PetscReal s = 0;

  PetscFunctionBegin;
  for (PetscInt ky = -K; ky <= K; ky++)
    for (PetscInt kx = -K; kx <= K; kx++) {
      PetscReal a, ph;
      if (!KolmogorovHalfPlane(kx, ky, K)) continue;
      KolmogorovMode(ns, kx, ky, &a, &ph);
      s += a * PetscCosReal(kx * x[0] + ky * x[1] + ph);
    }
  *psi = ns->kol_norm * s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode KolmogorovForcing(NbNavierStokes ns, PetscReal t, const PetscReal x[], PetscReal f[])
{
  PetscFunctionBegin;
  f[0] = ns->kol_amp * PetscSinReal(ns->kol_k * x[1]);
  f[1] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode KolmogorovSetFromOptions(NbNavierStokes ns)
{
  PetscInt  K;
  PetscReal e = 0, lam;

  PetscFunctionBegin;
  PetscOptionsBegin(ns->comm, NULL, "Kolmogorov flow (-ns_case kolmogorov)", "NbNavierStokes");
  PetscCall(PetscOptionsReal("-ns_kolmogorov_k", "Forcing wavenumber k of f = (A sin(k y), 0) (a positive integer on the 2 pi box)", "NbNavierStokesSetFromOptions", ns->kol_k, &ns->kol_k, NULL));
  PetscCall(PetscOptionsReal("-ns_kolmogorov_amplitude", "Forcing amplitude A", "NbNavierStokesSetFromOptions", ns->kol_amp, &ns->kol_amp, NULL));
  PetscCall(PetscOptionsReal("-ns_kolmogorov_u0", "Root-mean-square speed of the random initial state", "NbNavierStokesSetFromOptions", ns->kol_u0, &ns->kol_u0, NULL));
  PetscCall(PetscOptionsInt("-ns_kolmogorov_modes", "Largest wavenumber |k| of the random initial state", "NbNavierStokesSetFromOptions", ns->kol_modes, &ns->kol_modes, NULL));
  PetscCall(PetscOptionsInt("-ns_seed", "Seed of the random initial state (same field for any rank count)", "NbNavierStokesSetFromOptions", ns->seed, &ns->seed, NULL));
  PetscOptionsEnd();
  PetscCheck(ns->kol_k >= 1 && ns->kol_k == PetscFloorReal(ns->kol_k), ns->comm, PETSC_ERR_USER_INPUT, "-ns_kolmogorov_k %g: the forcing wavenumber must be a positive integer so that sin(k y) is periodic on [0, 2 pi]", (double)ns->kol_k);
  PetscCheck(ns->kol_modes >= 1 && ns->kol_modes <= 64, ns->comm, PETSC_ERR_USER_INPUT, "-ns_kolmogorov_modes %d: use 1 to 64", (int)ns->kol_modes);
  PetscCheck(ns->kol_u0 >= 0, ns->comm, PETSC_ERR_USER_INPUT, "-ns_kolmogorov_u0 %g must not be negative", (double)ns->kol_u0);
  /* C from the exact mean of |u|^2 = sum_m |k_m|^2 a_m^2 / 2 */
  K = ns->kol_modes;
  for (PetscInt ky = -K; ky <= K; ky++)
    for (PetscInt kx = -K; kx <= K; kx++) {
      PetscReal a, ph;
      if (!KolmogorovHalfPlane(kx, ky, K)) continue;
      KolmogorovMode(ns, kx, ky, &a, &ph);
      e += 0.5 * (kx * kx + ky * ky) * a * a;
    }
  ns->kol_norm = e > 0 ? ns->kol_u0 / PetscSqrtReal(e) : 0;
  /* laminar amplitude A/(nu k^2 + a) bounds the forced flow's speed */
  lam          = ns->kol_amp / (ns->nu * ns->kol_k * ns->kol_k + ns->drag);
  ns->c.uscale = PetscMax(1.0, PetscMax(ns->kol_u0, PetscAbsReal(lam)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode KolmogorovInitialPsi(NbNavierStokes ns, const PetscReal x[], PetscReal *psi)
{
  PetscFunctionBegin;
  PetscCall(KolmogorovPsi(ns, x, psi));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CaseCreateKolmogorov(NbNavierStokes ns)
{
  ns->c = (NbNSCase){
    .description = "Kolmogorov flow on [0,2pi]^2, periodic, f = (A sin(k y), 0), drag a, random initial state (Kochkov et al. 2021)",
    .lower = {0, 0}, .upper = {2 * PETSC_PI, 2 * PETSC_PI}, .grid = {64, 64}, .periodic = PETSC_TRUE,
    .re = 100, .drag = 0.1, .tfinal = 10, .uscale = 1,
    .initialpsi = KolmogorovInitialPsi, .forcing = KolmogorovForcing, .setfromoptions = KolmogorovSetFromOptions,
  };
  ns->kol_k     = 4;
  ns->kol_amp   = 1;
  ns->kol_u0    = 1;
  ns->kol_modes = 4;
  return PETSC_SUCCESS;
}

/* ----------------------------------------------------------------- registry */

static const NbRegistryEntry NbNSCaseBuiltin[] = {
  {"cavity",      (PetscVoidFunction)CaseCreateCavity     },
  {"taylorgreen", (PetscVoidFunction)CaseCreateTaylorGreen},
  {"kovasznay",   (PetscVoidFunction)CaseCreateKovasznay  },
  {"kolmogorov",  (PetscVoidFunction)CaseCreateKolmogorov },
  {NULL,          NULL                                    }
};
static NbRegistry NbNSCases = {"-ns_case", NbNSCaseBuiltin, NULL, PETSC_FALSE};

PetscErrorCode NbNavierStokesRegisterCase(const char name[], PetscErrorCode (*create)(NbNavierStokes))
{
  return NbRegistryAdd(&NbNSCases, name, (PetscVoidFunction)create);
}

PetscErrorCode NbNSCaseGetList(PetscFunctionList *list)
{
  return NbRegistryGetList(&NbNSCases, list);
}

/* The case's table (ns->c) from its create function; an unknown name is
   refused with the list of the registered ones. */
PetscErrorCode NbNSCaseSetUp(NbNavierStokes ns, const char name[])
{
  PetscErrorCode (*create)(NbNavierStokes) = NULL;
  PetscFunctionList list;

  PetscFunctionBegin;
  PetscCall(NbNSCaseGetList(&list));
  PetscCall(PetscFunctionListFind(list, name, &create));
  if (!create) {
    char choices[256];
    PetscCall(NbFunctionListNames(list, choices, sizeof(choices)));
    SETERRQ(ns->comm, PETSC_ERR_USER_INPUT, "-ns_case %s is unknown: choose one of %s", name, choices);
  }
  PetscCall((*create)(ns));
  PetscCall(PetscStrncpy(ns->casename, name, sizeof(ns->casename)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
