/* Hamiltonian Monte Carlo with a diagonal mass matrix, one chain per rank
   group. Leapfrog integration (Neal 2011, Handbook of MCMC ch. 5, eq. 5.18-
   5.20); the step size is tuned in warm-up by dual averaging towards a
   target mean acceptance probability (Hoffman & Gelman 2014, Alg. 5,
   gamma = 0.05, t0 = 10, kappa = 0.75), started from their Alg. 4
   heuristic; the inverse mass matrix is the regularised variance of the
   draws of slow adaptation windows that double in length, as in Stan
   (75 fast / doubling slow windows from 25 / 50 fast draws; proportionally
   15% / 75% / 10% for short warm-ups). A transition whose energy error
   exceeds -hmc_max_energy_error is divergent: it is rejected and reported
   with the step size in use. The number of leapfrog steps is jittered
   around -hmc_leapfrog_steps. */
#include "nbuq.h"

struct _p_NbHMC {
  MPI_Comm       comm, chaincomm;
  PetscInt       n, nchains, ngroups, group;
  PetscInt       warmup, nsamples, nleap;
  PetscReal      eps0, delta, max_energy_error, max_div_frac;
  PetscInt       seed;
  PetscBool      adapt_mass, monitor, setup;
  NbLogDensityFn logp;
  void          *logpctx;
  NbHMCInitFn    init;
  void          *initctx;
  NbHMCMonitorFn qfn;
  void          *qctx;
  PetscInt       nq;
  /* results, for this rank's chains */
  PetscInt       nlocal, *chains;
  PetscReal     *samples, *qsamples, *accept, *stepsize;
  PetscInt      *divergent;
};

static PetscLogEvent NB_HMCRun;

/* Counter-based random numbers: a 64-bit mix (SplitMix64 finaliser,
   Steele et al. 2014) of (seed, chain, iteration, index), so every draw is
   the same whatever the rank layout. */
static inline uint64_t Mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static PetscReal Uniform01(PetscInt seed, PetscInt chain, PetscInt it, PetscInt idx)
{
  uint64_t h = Mix64((uint64_t)seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
  h          = Mix64(h ^ ((uint64_t)chain * 0xd1b54a32d192ed03ULL));
  h          = Mix64(h ^ ((uint64_t)it * 0xabc98388fb8fac03ULL));
  h          = Mix64(h ^ ((uint64_t)idx * 0x8cb92ba72f3d8dd7ULL));
  return ((h >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* in (0, 1) */
}
/* Box-Muller: normal number idx of (chain, it). */
static PetscReal Normal(PetscInt seed, PetscInt chain, PetscInt it, PetscInt idx)
{
  PetscReal u1 = Uniform01(seed, chain, it, 2 * (idx / 2)), u2 = Uniform01(seed, chain, it, 2 * (idx / 2) + 1);
  PetscReal r = PetscSqrtReal(-2 * PetscLogReal(u1));
  return idx % 2 ? r * PetscSinReal(2 * PETSC_PI * u2) : r * PetscCosReal(2 * PETSC_PI * u2);
}

PetscErrorCode NbHMCCreate(MPI_Comm comm, NbHMC *hmc)
{
  NbHMC h;

  PetscFunctionBegin;
  if (!NB_HMCRun) PetscCall(PetscLogEventRegister("NbHMCRun", NB_CLASSID, &NB_HMCRun));
  PetscCall(PetscNew(&h));
  h->comm             = comm;
  h->chaincomm        = MPI_COMM_NULL;
  h->nchains          = 1;
  h->warmup           = 500;
  h->nsamples         = 500;
  h->nleap            = 20;
  h->eps0             = 0.1;
  h->delta            = 0.8;
  h->seed             = 0;
  h->adapt_mass       = PETSC_TRUE;
  h->monitor          = PETSC_TRUE; /* progress by default: a run of chains takes minutes */
  h->max_energy_error = 1000; /* Stan's divergence threshold */
  h->max_div_frac     = 0.1;
  *hmc                = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCSetFromOptions(NbHMC h)
{
  PetscFunctionBegin;
  PetscOptionsBegin(h->comm, NULL, "Hamiltonian Monte Carlo", "NbHMC");
  PetscCall(PetscOptionsInt("-hmc_chains", "Number of chains (one per rank group)", "NbHMCSetNumChains", h->nchains, &h->nchains, NULL));
  PetscCall(PetscOptionsInt("-hmc_samples", "Kept samples per chain", "NbHMCSetNumSamples", h->nsamples, &h->nsamples, NULL));
  PetscCall(PetscOptionsInt("-hmc_warmup", "Warm-up (adaptation) iterations per chain", "NbHMCSetNumSamples", h->warmup, &h->warmup, NULL));
  PetscCall(PetscOptionsInt("-hmc_leapfrog_steps", "Leapfrog steps per transition", "NbHMCSetFromOptions", h->nleap, &h->nleap, NULL));
  PetscCall(PetscOptionsReal("-hmc_step_size", "Initial leapfrog step size (adapted in warm-up)", "NbHMCSetFromOptions", h->eps0, &h->eps0, NULL));
  PetscCall(PetscOptionsReal("-hmc_target_accept", "Target mean acceptance probability of the step-size adaptation, in (0, 1)", "NbHMCSetFromOptions", h->delta, &h->delta, NULL));
  PetscCall(PetscOptionsInt("-hmc_seed", "Random seed", "NbHMCSetFromOptions", h->seed, &h->seed, NULL));
  PetscCall(PetscOptionsBool("-hmc_adapt_mass", "Adapt a diagonal mass matrix in warm-up", "NbHMCSetFromOptions", h->adapt_mass, &h->adapt_mass, NULL));
  PetscCall(PetscOptionsReal("-hmc_max_energy_error", "Energy error above which a transition is divergent", "NbHMCSetFromOptions", h->max_energy_error, &h->max_energy_error, NULL));
  PetscCall(PetscOptionsReal("-hmc_max_divergent", "Largest tolerated fraction of divergent transitions after warm-up", "NbHMCSetFromOptions", h->max_div_frac, &h->max_div_frac, NULL));
  PetscCall(PetscOptionsBool("-hmc_monitor", "Print the progress of every chain (5 lines in warm-up, 5 while drawing; 0 silences)", "NbHMCSetFromOptions", h->monitor, &h->monitor, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCSetDimension(NbHMC h, PetscInt n)
{
  PetscFunctionBegin;
  h->n = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode NbHMCSetNumChains(NbHMC h, PetscInt c)
{
  PetscFunctionBegin;
  h->nchains = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode NbHMCSetNumSamples(NbHMC h, PetscInt warmup, PetscInt samples)
{
  PetscFunctionBegin;
  h->warmup   = warmup;
  h->nsamples = samples;
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode NbHMCSetLogDensity(NbHMC h, NbLogDensityFn f, void *ctx)
{
  PetscFunctionBegin;
  h->logp    = f;
  h->logpctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode NbHMCSetInitialState(NbHMC h, NbHMCInitFn f, void *ctx)
{
  PetscFunctionBegin;
  h->init    = f;
  h->initctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode NbHMCSetMonitor(NbHMC h, PetscInt nq, NbHMCMonitorFn f, void *ctx)
{
  PetscFunctionBegin;
  h->nq   = nq;
  h->qfn  = f;
  h->qctx = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCSetUp(NbHMC h)
{
  PetscMPIInt rank, size;

  PetscFunctionBegin;
  if (h->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(h->nchains >= 1, h->comm, PETSC_ERR_USER_INPUT, "-hmc_chains %d: at least one chain is needed", (int)h->nchains);
  PetscCheck(h->nsamples >= 4, h->comm, PETSC_ERR_USER_INPUT, "-hmc_samples %d: at least 4 samples per chain are needed for R-hat and ESS", (int)h->nsamples);
  PetscCheck(h->nchains <= h->nsamples, h->comm, PETSC_ERR_USER_INPUT, "-hmc_chains %d exceeds -hmc_samples %d: use fewer chains or more samples per chain", (int)h->nchains, (int)h->nsamples);
  PetscCheck(h->warmup >= 0, h->comm, PETSC_ERR_USER_INPUT, "-hmc_warmup %d must be >= 0", (int)h->warmup);
  PetscCheck(h->nleap >= 1, h->comm, PETSC_ERR_USER_INPUT, "-hmc_leapfrog_steps %d must be >= 1", (int)h->nleap);
  PetscCheck(h->eps0 > 0, h->comm, PETSC_ERR_USER_INPUT, "-hmc_step_size %g must be positive", (double)h->eps0);
  PetscCheck(h->delta > 0 && h->delta < 1, h->comm, PETSC_ERR_USER_INPUT, "-hmc_target_accept %g must lie in (0, 1); 0.8 is usual, 0.9-0.95 for difficult posteriors", (double)h->delta);
  PetscCheck(h->n > 0 && h->logp, h->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the dimension and the log density before NbHMCSetUp()");
  PetscCallMPI(MPI_Comm_rank(h->comm, &rank));
  PetscCallMPI(MPI_Comm_size(h->comm, &size));
  /* contiguous rank groups; group g runs chains g, g + G, g + 2G, ... */
  h->ngroups = PetscMin(h->nchains, (PetscInt)size);
  h->group   = ((PetscInt)rank * h->ngroups) / size;
  PetscCallMPI(MPI_Comm_split(h->comm, (int)h->group, rank, &h->chaincomm));
  h->nlocal = 0;
  for (PetscInt c = h->group; c < h->nchains; c += h->ngroups) h->nlocal++;
  PetscCall(PetscMalloc1(h->nlocal, &h->chains));
  for (PetscInt c = h->group, k = 0; c < h->nchains; c += h->ngroups) h->chains[k++] = c;
  PetscCall(PetscCalloc1(h->nlocal * h->nsamples * h->n, &h->samples));
  PetscCall(PetscCalloc1(h->nlocal * h->nsamples * PetscMax(h->nq, 1), &h->qsamples));
  PetscCall(PetscCalloc3(h->nlocal, &h->accept, h->nlocal, &h->stepsize, h->nlocal, &h->divergent));
  h->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCGetChainComm(NbHMC h, MPI_Comm *comm)
{
  PetscFunctionBegin;
  PetscCheck(h->setup, h->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbHMCSetUp() first");
  *comm = h->chaincomm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  PetscReal *theta, *grad, *p, *th1, *g1, *invm;
  PetscReal  logp;
} HMCState;

/* L leapfrog steps from (theta, p); returns the energy error H1 - H0 (inf
   when the log density is not finite). */
static PetscErrorCode Leapfrog(NbHMC h, HMCState *s, PetscReal eps, PetscInt L, PetscReal *logp1, PetscReal *dH)
{
  PetscInt  n = h->n;
  PetscReal k0 = 0, k1 = 0, lp = s->logp;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) k0 += 0.5 * s->invm[i] * s->p[i] * s->p[i];
  PetscCall(PetscArraycpy(s->th1, s->theta, n));
  PetscCall(PetscArraycpy(s->g1, s->grad, n));
  for (PetscInt l = 0; l < L; l++) {
    for (PetscInt i = 0; i < n; i++) s->p[i] += 0.5 * eps * s->g1[i];
    for (PetscInt i = 0; i < n; i++) s->th1[i] += eps * s->invm[i] * s->p[i];
    PetscCall(h->logp(h->chaincomm, n, s->th1, &lp, s->g1, h->logpctx));
    if (PetscIsInfOrNanReal(lp)) break;
    for (PetscInt i = 0; i < n; i++) s->p[i] += 0.5 * eps * s->g1[i];
  }
  for (PetscInt i = 0; i < n; i++) k1 += 0.5 * s->invm[i] * s->p[i] * s->p[i];
  *logp1 = lp;
  *dH    = (-lp + k1) - (-s->logp + k0);
  if (PetscIsInfOrNanReal(*dH)) *dH = PETSC_INFINITY;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void DrawMomentum(NbHMC h, HMCState *s, PetscInt chain, PetscInt it)
{
  for (PetscInt i = 0; i < h->n; i++) s->p[i] = Normal(h->seed, chain, 2 * it, i) / PetscSqrtReal(s->invm[i]);
}

/* Hoffman & Gelman (2014) Alg. 4: double or halve eps until the one-step
   acceptance probability crosses 1/2. Uses iteration numbers below 0 of the
   random stream. */
static PetscErrorCode FindReasonableStep(NbHMC h, HMCState *s, PetscInt chain, PetscInt tag, PetscReal *eps)
{
  PetscReal lp, dH, a;
  PetscInt  dir, k = 0;

  PetscFunctionBegin;
  DrawMomentum(h, s, chain, -1 - 100 * tag);
  PetscCall(Leapfrog(h, s, *eps, 1, &lp, &dH));
  a   = PetscExpReal(-dH);
  dir = a > 0.5 ? 1 : -1;
  while (k++ < 50) {
    if (dir == 1 && !(a > 0.5)) break;
    if (dir == -1 && !(a < 0.5)) break;
    *eps *= dir == 1 ? 2.0 : 0.5;
    DrawMomentum(h, s, chain, -1 - 100 * tag - k);
    PetscCall(Leapfrog(h, s, *eps, 1, &lp, &dH));
    a = PetscExpReal(-dH);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a progress line: the phase's iteration, the step size, time spent and left */
static PetscErrorCode Progress(NbHMC h, PetscInt chain, const char *phase, PetscInt it, PetscInt of, PetscReal eps, double tstart)
{
  double    el   = NbWallTime() - tstart;
  PetscBool warm = (PetscBool)(phase[0] == 'w');
  PetscInt  done = warm ? it : h->warmup + it, all = h->warmup + h->nsamples;

  PetscFunctionBegin;
  PetscCall(PetscPrintf(h->chaincomm, "  HMC chain %d %s %d/%d: step size %.3g, %.0f s, about %.0f s left\n", (int)chain, phase, (int)it, (int)of, (double)eps, el, el * (all - done) / done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode RunChain(NbHMC h, PetscInt lc)
{
  PetscInt  chain = h->chains[lc], n = h->n, W = h->warmup;
  PetscInt  init_buf, term_buf, win, win_end, nwin = 0, shown = 0;
  PetscReal eps = h->eps0, mu, Hbar = 0, logeps_bar = 0, asum = 0;
  PetscReal *wmean, *wm2;
  HMCState   s;
  /* dual averaging constants, Hoffman & Gelman (2014) sec. 3.2.1 */
  const PetscReal gam = 0.05, t0 = 10, kappa = 0.75;
  PetscInt        tda = 0;
  double          tstart = NbWallTime();

  PetscFunctionBegin;
  PetscCall(PetscMalloc6(n, &s.theta, n, &s.grad, n, &s.p, n, &s.th1, n, &s.g1, n, &s.invm));
  PetscCall(PetscMalloc2(n, &wmean, n, &wm2));
  for (PetscInt i = 0; i < n; i++) s.invm[i] = 1;
  if (h->init) PetscCall(h->init(h->chaincomm, chain, n, s.theta, h->initctx));
  else PetscCall(PetscArrayzero(s.theta, n));
  PetscCall(h->logp(h->chaincomm, n, s.theta, &s.logp, s.grad, h->logpctx));
  PetscCheck(!PetscIsInfOrNanReal(s.logp), h->comm, PETSC_ERR_FP, "HMC chain %d: the log density is not finite at the starting point", (int)chain);
  PetscCall(FindReasonableStep(h, &s, chain, 0, &eps));
  mu = PetscLogReal(10 * eps);
  /* adaptation windows (Stan): fast | slow windows doubling | fast */
  if (W >= 150) {
    init_buf = 75;
    term_buf = 50;
    win      = 25;
  } else {
    init_buf = (PetscInt)(0.15 * W);
    term_buf = (PetscInt)(0.1 * W);
    win      = W - init_buf - term_buf;
  }
  win_end = init_buf + win;

  for (PetscInt it = 0; it < W + h->nsamples; it++) {
    PetscReal lp1 = 0, dH = 0, a, u;
    PetscBool divergent;

    /* The number of leapfrog steps is drawn uniformly from [L/2, 3L/2]:
       a fixed trajectory length can resonate with the target's periods
       (a near-U-turn each transition) and mix badly (Neal 2011, sec. 5.4.2.2). */
    PetscInt L = h->nleap / 2 + (PetscInt)(Uniform01(h->seed, chain, 2 * it + 1, 1) * (h->nleap + 1));
    L          = PetscMax(L, 1);
    DrawMomentum(h, &s, chain, it);
    PetscCall(Leapfrog(h, &s, eps, L, &lp1, &dH));
    divergent = (PetscBool)(dH > h->max_energy_error);
    a         = divergent ? 0 : PetscMin(1.0, PetscExpReal(-dH));
    u         = Uniform01(h->seed, chain, 2 * it + 1, 0);
    if (!divergent && u < a) {
      PetscCall(PetscArraycpy(s.theta, s.th1, n));
      PetscCall(PetscArraycpy(s.grad, s.g1, n));
      s.logp = lp1;
    }
    if (divergent && (it >= W || h->monitor) && shown < 5) {
      shown++;
      PetscCall(PetscPrintf(h->chaincomm, "HMC chain %d, iteration %d: divergent transition (energy error %g > %g) at step size %g%s\n", (int)chain, (int)it, (double)dH, (double)h->max_energy_error, (double)eps,
                            it < W ? "; warm-up continues adapting" : ""));
    }
    if (it < W) {
      /* step size: dual averaging on the acceptance statistic */
      tda++;
      Hbar       = (1 - 1.0 / (tda + t0)) * Hbar + (h->delta - a) / (tda + t0);
      PetscReal le = mu - PetscSqrtReal((PetscReal)tda) / gam * Hbar;
      PetscReal w  = PetscPowReal((PetscReal)tda, -kappa);
      logeps_bar = w * le + (1 - w) * logeps_bar;
      eps        = PetscExpReal(le);
      /* mass matrix: Welford variance over the slow window */
      if (h->adapt_mass && it >= init_buf && it < W - term_buf) {
        PetscInt k = ++nwin;
        for (PetscInt i = 0; i < n; i++) {
          PetscReal d = s.theta[i] - wmean[i] * (k > 1);
          if (k == 1) {
            wmean[i] = s.theta[i];
            wm2[i]   = 0;
          } else {
            wmean[i] += d / k;
            wm2[i] += d * (s.theta[i] - wmean[i]);
          }
        }
        if (it + 1 == win_end) {
          /* Stan's regularisation towards 1e-3 */
          for (PetscInt i = 0; i < n; i++) s.invm[i] = (k / (k + 5.0)) * (k > 1 ? wm2[i] / (k - 1) : 1) + 1e-3 * (5.0 / (k + 5.0));
          nwin = 0;
          win *= 2;
          win_end = it + 1 + win;
          if (win_end + 2 * win > W - term_buf) win_end = W - term_buf; /* the last slow window absorbs the rest */
          PetscCall(FindReasonableStep(h, &s, chain, it + 1, &eps));
          mu         = PetscLogReal(10 * eps);
          Hbar       = 0;
          logeps_bar = 0;
          tda        = 0;
        }
      }
      if (it + 1 == W) eps = PetscExpReal(logeps_bar);
      if (h->monitor && (it + 1) % PetscMax(W / 5, 1) == 0) PetscCall(Progress(h, chain, "warm-up", it + 1, W, eps, tstart));
    } else {
      PetscInt k = it - W;
      PetscCall(PetscArraycpy(h->samples + (lc * h->nsamples + k) * n, s.theta, n));
      if (h->qfn) PetscCall(h->qfn(h->chaincomm, n, s.theta, h->nq, h->qsamples + (lc * h->nsamples + k) * h->nq, h->qctx));
      asum += a;
      if (divergent) h->divergent[lc]++;
      if (h->monitor && (k + 1) % PetscMax(h->nsamples / 5, 1) == 0) PetscCall(Progress(h, chain, "draw", k + 1, h->nsamples, eps, tstart));
    }
  }
  h->accept[lc]   = asum / h->nsamples;
  h->stepsize[lc] = eps;
  if (h->monitor) PetscCall(PetscPrintf(h->chaincomm, "HMC chain %d: mean acceptance %.3f, step size %g, %d divergent\n", (int)chain, (double)h->accept[lc], (double)eps, (int)h->divergent[lc]));
  PetscCall(PetscFree6(s.theta, s.grad, s.p, s.th1, s.g1, s.invm));
  PetscCall(PetscFree2(wmean, wm2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCRun(NbHMC h)
{
  PetscInt  div;
  PetscReal acc, eps;

  PetscFunctionBegin;
  PetscCall(NbHMCSetUp(h));
  PetscCall(PetscLogEventBegin(NB_HMCRun, 0, 0, 0, 0));
  for (PetscInt lc = 0; lc < h->nlocal; lc++) PetscCall(RunChain(h, lc));
  PetscCall(PetscLogEventEnd(NB_HMCRun, 0, 0, 0, 0));
  PetscCall(NbHMCGetStatistics(h, &acc, &div, &eps));
  PetscCheck(div <= h->max_div_frac * h->nchains * h->nsamples, h->comm, PETSC_ERR_NOT_CONVERGED,
             "HMC diverged: %d of %d transitions after warm-up were divergent at step size %g. Raise -hmc_target_accept (e.g. 0.95) for a smaller step, lengthen -hmc_warmup, or give a smaller -hmc_step_size",
             (int)div, (int)(h->nchains * h->nsamples), (double)eps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCGetSamples(NbHMC h, PetscInt *nlocal, const PetscInt *chains[], PetscInt *nsamples, const PetscReal *samples[])
{
  PetscFunctionBegin;
  if (nlocal) *nlocal = h->nlocal;
  if (chains) *chains = h->chains;
  if (nsamples) *nsamples = h->nsamples;
  if (samples) *samples = h->samples;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every chain's draws of a per-sample scalar, on every rank: the chain
   comm's rank 0 contributes, a sum over the world assembles them. */
static PetscErrorCode GatherDraws(NbHMC h, PetscInt k, PetscBool fromq, PetscReal **draws)
{
  PetscMPIInt crank;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(h->nchains * h->nsamples, draws));
  PetscCallMPI(MPI_Comm_rank(h->chaincomm, &crank));
  if (crank == 0)
    for (PetscInt lc = 0; lc < h->nlocal; lc++)
      for (PetscInt s = 0; s < h->nsamples; s++) (*draws)[h->chains[lc] * h->nsamples + s] = fromq ? h->qsamples[(lc * h->nsamples + s) * h->nq + k] : h->samples[(lc * h->nsamples + s) * h->n + k];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, *draws, (PetscMPIInt)(h->nchains * h->nsamples), MPIU_REAL, MPIU_SUM, h->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCGetSummary(NbHMC h, PetscInt k, NbHMCSummary *sum)
{
  PetscReal *d, mu = 0, v = 0;
  PetscInt   N = h->nchains * h->nsamples;
  PetscBool  fromq = (PetscBool)(h->nq > 0);

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < (fromq ? h->nq : h->n), h->comm, PETSC_ERR_ARG_OUTOFRANGE, "No monitored quantity %d", (int)k);
  PetscCall(GatherDraws(h, k, fromq, &d));
  for (PetscInt i = 0; i < N; i++) mu += d[i];
  mu /= N;
  for (PetscInt i = 0; i < N; i++) v += (d[i] - mu) * (d[i] - mu);
  sum->mean = mu;
  sum->sd   = PetscSqrtReal(v / (N - 1));
  PetscCall(NbSplitRhat(h->nchains, h->nsamples, d, &sum->rhat));
  PetscCall(NbEffectiveSampleSize(h->nchains, h->nsamples, d, &sum->ess));
  PetscCall(PetscFree(d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCGetStatistics(NbHMC h, PetscReal *accept, PetscInt *divergent, PetscReal *stepsize)
{
  PetscReal   loc[3] = {0, 0, 0};
  PetscMPIInt crank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(h->chaincomm, &crank));
  if (crank == 0)
    for (PetscInt lc = 0; lc < h->nlocal; lc++) {
      loc[0] += h->accept[lc];
      loc[1] += h->divergent[lc];
      loc[2] += h->stepsize[lc];
    }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, loc, 3, MPIU_REAL, MPIU_SUM, h->comm));
  if (accept) *accept = loc[0] / h->nchains;
  if (divergent) *divergent = (PetscInt)loc[1];
  if (stepsize) *stepsize = loc[2] / h->nchains;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCView(NbHMC h, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(h->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbHMC: %d chains on %d rank groups, %d warm-up + %d samples, %d leapfrog steps, target acceptance %g, %s mass matrix\n", (int)h->nchains, (int)h->ngroups, (int)h->warmup, (int)h->nsamples, (int)h->nleap, (double)h->delta,
                                   h->adapt_mass ? "adapted diagonal" : "unit"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbHMCDestroy(NbHMC *hp)
{
  NbHMC h = *hp;

  PetscFunctionBegin;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  if (h->chaincomm != MPI_COMM_NULL) PetscCallMPI(MPI_Comm_free(&h->chaincomm));
  PetscCall(PetscFree(h->chains));
  PetscCall(PetscFree(h->samples));
  PetscCall(PetscFree(h->qsamples));
  PetscCall(PetscFree3(h->accept, h->stepsize, h->divergent));
  PetscCall(PetscFree(h));
  *hp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
