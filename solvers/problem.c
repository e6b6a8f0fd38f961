/* NbProblem: the registry, the life cycle, and what every problem does the
   same way: the evaluation points (a contiguous block of the output grid's
   natural order per rank, so that values computed there do not depend on
   the rank count), observations, errors against the reference and the
   exact solution, and the frames of the output file. The PDE-specific
   parts are the type's ops (solvers/problem_*.c). */
#include "problemimpl.h"
#include "frames.h"

static const NbRegistryEntry NbProblemBuiltin[] = {
  {"burgers", (PetscVoidFunction)NbProblemCreate_Burgers},
  {"navierstokes", (PetscVoidFunction)NbProblemCreate_NavierStokes},
  {"poisson", (PetscVoidFunction)NbProblemCreate_Poisson},
  {NULL, NULL}
};
static NbRegistry NbProblemTypes = {"-problem", NbProblemBuiltin, NULL, PETSC_FALSE};

NB_CLASS_FUNCTIONS(NbProblem, NbProblemTypes)

PetscErrorCode NbProblemCreate(MPI_Comm comm, NbProblem *pp)
{
  NbProblem p;

  PetscFunctionBegin;
  PetscCall(NbHeadCreate(comm, sizeof(*p), &p));
  p->monitor = 10;
  *pp        = p;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemSetFromOptions(NbProblem p)
{
  char              type[64];
  PetscFunctionList types;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&NbProblemTypes, &types));
  PetscCall(PetscStrncpy(type, p->type[0] ? p->type : "burgers", sizeof(type)));
  PetscOptionsBegin(p->comm, p->prefix, "PDE problem", "NbProblem");
  PetscCall(PetscOptionsFList("-problem", "Problem", "NbProblemSetType", types, type, type, sizeof(type), NULL));
  PetscCall(NbProblemSetType(p, type));
  PetscCall(PetscOptionsBool("-problem_view", "Describe the problem and its solver after set-up", "NbProblemView", p->view, &p->view, NULL));
  PetscCall(PetscOptionsInt("-problem_monitor", "Progress of the reference solve: a line after an output frame when this many seconds have passed since the last (0: never)", "NbProblemSolveReference", p->monitor, &p->monitor, NULL));
  PetscOptionsEnd();
  if (p->ops.setfromoptions) PetscCall((*p->ops.setfromoptions)(p));
  PetscCheck(p->monitor >= 0, p->comm, PETSC_ERR_USER_INPUT, "-problem_monitor %d must be >= 0 (seconds; 0 silences)", (int)p->monitor);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* This rank's block of the natural order of da1 and its coordinates. */
static PetscErrorCode SetUpEvaluationPoints(NbProblem p)
{
  Vec      nat;
  PetscInt lo, hi;

  PetscFunctionBegin;
  if (p->x) PetscFunctionReturn(PETSC_SUCCESS); /* the type's own points (n, N, offset, m set with them) */
  PetscCall(DMDAGetInfo(p->da1, NULL, &p->m[0], &p->m[1], &p->m[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  for (PetscInt d = p->dim; d < 3; d++) p->m[d] = 1;
  PetscCall(DMDACreateNaturalVector(p->da1, &nat));
  PetscCall(VecGetOwnershipRange(nat, &lo, &hi));
  PetscCall(VecDestroy(&nat));
  p->n      = hi - lo;
  p->offset = lo;
  p->N      = (PetscInt64)p->m[0] * p->m[1] * p->m[2];
  PetscCall(PetscMalloc1((size_t)p->n * p->dim + 1, &p->x));
  for (PetscInt i = 0; i < p->n; i++) {
    PetscInt64 g = p->offset + i;
    for (PetscInt d = 0; d < p->dim; d++) {
      p->x[i * p->dim + d] = p->origin[d] + (PetscReal)(g % p->m[d]) * p->spacing[d];
      g /= p->m[d];
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemSetUp(NbProblem p)
{
  PetscFunctionBegin;
  if (p->setup) PetscFunctionReturn(PETSC_SUCCESS);
  if (!p->type[0]) PetscCall(NbProblemSetType(p, "burgers"));
  PetscCall((*p->ops.setup)(p));
  if (!p->nf && p->steady) PetscCall(NbProblemSetFrames_Private(p, 1, 0));
  if (!p->ngroup) p->group[p->ngroup++] = (NbProblemGroup){NULL, 0, p->nout, PETSC_FALSE};
  PetscCheck(p->da1 && p->nf >= 1, p->comm, PETSC_ERR_PLIB, "Problem type %s did not set its evaluation grid or frames", p->type);
  PetscCall(SetUpEvaluationPoints(p));
  PetscCall(PetscCalloc2(p->nf, &p->ref, p->nf, &p->ex));
  p->setup = PETSC_TRUE;
  if (p->view) PetscCall(NbProblemView(p, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemView(NbProblem p, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(p->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbProblem %s: %" PetscInt64_FMT " evaluation points, %d output frames\n", p->type, p->N, (int)p->nf));
  PetscCall(PetscViewerASCIIPushTab(v));
  if (p->ops.view) PetscCall((*p->ops.view)(p, v));
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemDestroy(NbProblem *pp)
{
  NbProblem p = *pp;

  PetscFunctionBegin;
  if (!p) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbHeadDestroyType(p, &p->ops, sizeof(p->ops)));
  for (PetscInt k = 0; k < p->nf && p->ref; k++) {
    PetscCall(PetscFree(p->ref[k]));
    PetscCall(PetscFree(p->ex[k]));
  }
  PetscCall(PetscFree2(p->ref, p->ex));
  PetscCall(PetscFree(p->t));
  PetscCall(PetscFree(p->x));
  PetscCall(PetscFree(p));
  *pp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetSolver(NbProblem p, void *solver)
{
  PetscFunctionBegin;
  PetscCheck(p->solver, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Set the problem type first");
  *(void **)solver = p->solver;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetPDE(NbProblem p, const NbPDE **pde)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  if (!p->haspde) {
    PetscCheck(p->ops.pde, p->comm, PETSC_ERR_SUP, "Problem %s has no pointwise PDE for physics-informed methods", p->type);
    PetscCall(PetscMemzero(&p->pde, sizeof(p->pde)));
    PetscCall((*p->ops.pde)(p, &p->pde));
    p->haspde = PETSC_TRUE;
  }
  *pde = &p->pde;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetGroups(NbProblem p, PetscInt *n, const NbProblemGroup *groups[])
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  *n      = p->ngroup;
  *groups = p->group;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemSolveReference(NbProblem p)
{
  PetscFunctionBegin;
  PetscCall(NbProblemSetUp(p));
  if (p->solved) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall((*p->ops.solve)(p));
  p->solved = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemSetFrames_Private(NbProblem p, PetscInt nf, PetscReal T)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(p->t));
  p->nf = nf;
  PetscCall(PetscMalloc1(nf, &p->t));
  for (PetscInt k = 0; k < nf; k++) p->t[k] = nf > 1 ? T * k / (nf - 1) : 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemMonitorFrame_Private(PetscInt k, PetscReal t, double elapsed, void *ctx)
{
  NbProblem p = (NbProblem)ctx;

  PetscFunctionBegin;
  if (k == 0) p->lastmonitor = 0;
  if (!p->monitor || elapsed - p->lastmonitor < p->monitor) PetscFunctionReturn(PETSC_SUCCESS);
  p->lastmonitor = elapsed;
  PetscCall(PetscPrintf(p->comm, "  reference: frame %d of %d, t = %g, %.1f s, about %.0f s left\n", (int)k, (int)(p->nf - 1), (double)t, elapsed, k > 0 ? elapsed * (p->nf - 1 - k) / k : 0.0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemSetNodeGrid_Private(NbProblem p, DM da, const PetscReal lo[], const PetscReal hi[])
{
  PetscInt m[3];

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, &m[0], &m[1], &m[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  p->da1 = da;
  for (PetscInt d = 0; d < p->dim; d++) {
    p->origin[d]  = lo[d];
    p->spacing[d] = (hi[d] - lo[d]) / (m[d] - 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemCreateNodeDMDA_Private(NbProblem p, PetscInt n, PetscInt nmin, DM *da, char grid[], size_t len)
{
  PetscInt mx, my;

  PetscFunctionBegin;
  PetscCall(DMDACreate2d(p->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, n, n, PETSC_DECIDE, PETSC_DECIDE, 1, 1, NULL, NULL, da));
  if (p->prefix[0]) PetscCall(DMSetOptionsPrefix(*da, p->prefix));
  PetscCall(DMSetFromOptions(*da));
  PetscCall(DMDAGetInfo(*da, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(mx >= nmin && my >= nmin, p->comm, PETSC_ERR_USER_INPUT, "Grid %d x %d is too small: use at least %d nodes per direction (-%sda_grid_x, -%sda_grid_y)", (int)mx, (int)my, (int)nmin, p->prefix, p->prefix);
  PetscCall(DMSetUp(*da));
  PetscCall(PetscSNPrintf(grid, len, "%d x %d nodes", (int)mx, (int)my));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemSolveKSP_Private(NbProblem p, KSP ksp, Vec b, Vec u, const char what[], PetscInt *its, double *wall)
{
  KSPConvergedReason reason;
  double             t0 = NbWallTime();

  PetscFunctionBegin;
  PetscCall(KSPSolve(ksp, b, u));
  *wall = NbWallTime() - t0;
  PetscCall(KSPGetIterationNumber(ksp, its));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCheck(reason > 0, p->comm, PETSC_ERR_NOT_CONVERGED, "The %s solve did not converge (%s) after %d iterations: raise -%sksp_max_it, loosen -%sksp_rtol, or try another preconditioner (-%spc_type hypre, -%spc_type lu)", what,
             KSPConvergedReasons[reason], (int)*its, p->prefix, p->prefix, p->prefix, p->prefix);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetFrames(NbProblem p, PetscInt *n, const PetscReal *t[])
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  if (n) *n = p->nf;
  if (t) *t = p->t;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------- evaluation points */

PetscErrorCode NbProblemGetEvaluationPoints(NbProblem p, PetscInt *n, PetscInt64 *N, PetscInt64 *offset, const PetscReal *x[])
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  if (n) *n = p->n;
  if (N) *N = p->N;
  if (offset) *offset = p->offset;
  if (x) *x = p->x;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetEvaluationInputs(NbProblem p, PetscInt k, PetscInt *n, PetscReal **x)
{
  PetscInt nin = p->dim + (p->steady ? 0 : 1);

  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  PetscCheck(k >= 0 && k < p->nf, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "No frame %d (there are %d)", (int)k, (int)p->nf);
  PetscCall(PetscMalloc1((size_t)p->n * nin + 1, x));
  for (PetscInt i = 0; i < p->n; i++) {
    for (PetscInt d = 0; d < p->dim; d++) (*x)[i * nin + d] = p->x[i * p->dim + d];
    if (!p->steady) (*x)[i * nin + p->dim] = p->t[k];
  }
  *n = p->n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGlobalToValues_Private(NbProblem p, DM da, Vec G, PetscInt c0, PetscReal v[])
{
  Vec                nat;
  PetscInt           dof;
  const PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDACreateNaturalVector(da, &nat));
  PetscCall(DMDAGlobalToNaturalBegin(da, G, INSERT_VALUES, nat));
  PetscCall(DMDAGlobalToNaturalEnd(da, G, INSERT_VALUES, nat));
  PetscCall(VecGetArrayRead(nat, &a));
  for (PetscInt i = 0; i < p->n; i++)
    for (PetscInt c = 0; c < dof; c++) v[i * p->nout + c0 + c] = PetscRealPart(a[i * dof + c]);
  PetscCall(VecRestoreArrayRead(nat, &a));
  PetscCall(VecDestroy(&nat));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemValuesToGlobal_Private(NbProblem p, DM da, const PetscReal v[], PetscInt c0, Vec G)
{
  Vec          nat;
  PetscInt     dof;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDACreateNaturalVector(da, &nat));
  PetscCall(VecGetArray(nat, &a));
  for (PetscInt i = 0; i < p->n; i++)
    for (PetscInt c = 0; c < dof; c++) a[i * dof + c] = v[i * p->nout + c0 + c];
  PetscCall(VecRestoreArray(nat, &a));
  PetscCall(DMDANaturalToGlobalBegin(da, nat, INSERT_VALUES, G));
  PetscCall(DMDANaturalToGlobalEnd(da, nat, INSERT_VALUES, G));
  PetscCall(VecDestroy(&nat));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetReferenceValues(NbProblem p, PetscInt k, PetscReal v[])
{
  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSolveReference() first");
  PetscCheck(k >= 0 && k < p->nf, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "No frame %d (there are %d)", (int)k, (int)p->nf);
  if (!p->ref[k]) {
    PetscCall(PetscMalloc1((size_t)p->n * p->nout + 1, &p->ref[k]));
    PetscCall((*p->ops.reference)(p, k, p->ref[k]));
  }
  PetscCall(PetscArraycpy(v, p->ref[k], (size_t)p->n * p->nout));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemHasExact(NbProblem p, PetscBool *has)
{
  PetscFunctionBegin;
  *has = p->ops.exact ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemGetExactValues(NbProblem p, PetscInt k, PetscReal v[])
{
  PetscFunctionBegin;
  PetscCheck(p->ops.exact, p->comm, PETSC_ERR_SUP, "Problem %s has no exact solution", p->type);
  PetscCheck(k >= 0 && k < p->nf, p->comm, PETSC_ERR_ARG_OUTOFRANGE, "No frame %d (there are %d)", (int)k, (int)p->nf);
  if (!p->ex[k]) {
    PetscCall(PetscMalloc1((size_t)p->n * p->nout + 1, &p->ex[k]));
    for (PetscInt i = 0; i < p->n; i++) PetscCall((*p->ops.exact)(p, p->t[k], p->x + i * p->dim, p->ex[k] + i * p->nout));
  }
  PetscCall(PetscArraycpy(v, p->ex[k], (size_t)p->n * p->nout));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ observations */

PetscErrorCode NbProblemCheckObservations(NbProblem p, PetscInt64 N)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  PetscCheck(N >= 1, p->comm, PETSC_ERR_USER_INPUT, "-pinn_data_points %" PetscInt64_FMT " must be at least 1", N);
  PetscCheck(p->steady || p->nf >= 3, p->comm, PETSC_ERR_USER_INPUT, "-pinn_inverse draws observations from the reference frames after t = 0: use %s or more (now %d)", p->frameshint ? p->frameshint : "more output frames", (int)p->nf);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Point k of the list is (frame, point) from two uniforms of stream 21;
   every rank fills the values of the points in its block, the list is
   summed over the ranks (the other entries are zero, so the sum is exact). */
PetscErrorCode NbProblemGetObservations(NbProblem p, PetscInt64 N, PetscInt64 seed, PetscReal noise, PetscReal **xo, PetscReal **uo)
{
  PetscInt   nin = p->dim + (p->steady ? 0 : 1), nout = p->nout, f0 = p->steady ? 0 : 1;
  PetscReal *r, *v, rms[NB_PDE_MAXOUT] = {0};
  PetscInt  *frame;
  PetscInt64 *pt;
  NbRNG      rng;

  PetscFunctionBegin;
  PetscCall(NbProblemCheckObservations(p, N));
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSolveReference() first");
  PetscCall(NbRNGCreate(PETSC_COMM_SELF, &rng));
  PetscCall(NbRNGSetSeed(rng, seed));
  PetscCall(PetscCalloc2((size_t)N * nin, xo, (size_t)N * nout, uo));
  PetscCall(PetscMalloc4(2 * (size_t)N, &r, (size_t)p->n * nout + 1, &v, N, &frame, N, &pt));
  PetscCall(NbRNGUniform(rng, 21, 0, 2 * N, r));
  for (PetscInt64 k = 0; k < N; k++) {
    frame[k] = p->steady ? 0 : PetscMin(1 + (PetscInt)(r[2 * k] * (p->nf - 1)), p->nf - 1);
    pt[k]    = PetscMin((PetscInt64)(r[2 * k + 1] * (PetscReal)p->N), p->N - 1);
    for (PetscInt64 g = pt[k], d = 0; d < p->dim; d++) {
      (*xo)[k * nin + d] = p->origin[d] + (PetscReal)(g % p->m[d]) * p->spacing[d];
      g /= p->m[d];
    }
    if (!p->steady) (*xo)[k * nin + p->dim] = p->t[frame[k]];
  }
  for (PetscInt f = f0; f < p->nf; f++) {
    PetscCall(NbProblemGetReferenceValues(p, f, v));
    for (PetscInt64 k = 0; k < N; k++)
      if (frame[k] == f && pt[k] >= p->offset && pt[k] < p->offset + p->n)
        for (PetscInt c = 0; c < nout; c++) (*uo)[k * nout + c] = v[(pt[k] - p->offset) * nout + c];
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, *uo, (PetscMPIInt)(N * nout), MPIU_REAL, MPIU_SUM, p->comm));
  if (noise > 0) {
    PetscReal *eps;
    for (PetscInt64 k = 0; k < N; k++)
      for (PetscInt c = 0; c < nout; c++) rms[c] += PetscSqr((*uo)[k * nout + c]);
    PetscCall(PetscMalloc1((size_t)N * nout, &eps));
    PetscCall(NbRNGNormal(rng, 22, 0, N * nout, eps));
    for (PetscInt64 k = 0; k < N; k++)
      for (PetscInt c = 0; c < nout; c++) (*uo)[k * nout + c] += noise * PetscSqrtReal(rms[c] / N) * eps[k * nout + c];
    PetscCall(PetscFree(eps));
  }
  PetscCall(PetscFree4(r, v, frame, pt));
  PetscCall(NbRNGDestroy(&rng));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ errors */

/* The mean of each mean-free component of v over all points (collective). */
static PetscErrorCode GroupMeans(NbProblem p, const PetscReal v[], PetscReal mean[])
{
  PetscFunctionBegin;
  for (PetscInt c = 0; c < p->nout; c++) mean[c] = 0;
  for (PetscInt g = 0; g < p->ngroup; g++)
    if (p->group[g].meanfree)
      for (PetscInt i = 0; i < p->n; i++)
        for (PetscInt c = p->group[g].c0; c < p->group[g].c1; c++) mean[c] += v[i * p->nout + c];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, mean, (PetscMPIInt)p->nout, MPIU_REAL, MPIU_SUM, p->comm));
  for (PetscInt c = 0; c < p->nout; c++) mean[c] /= (PetscReal)p->N;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemRemoveMeans(NbProblem p, PetscReal v[])
{
  PetscReal mean[NB_PDE_MAXOUT];

  PetscFunctionBegin;
  PetscCall(GroupMeans(p, v, mean));
  for (PetscInt i = 0; i < p->n; i++)
    for (PetscInt c = 0; c < p->nout; c++) v[i * p->nout + c] -= mean[c];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemComputeErrors(NbProblem p, PetscReal *const v[], NbProblemError err[])
{
  PetscInt   G = p->ngroup, nout = p->nout;
  PetscReal *want, s[6 * NB_PDE_MAXOUT], mx[NB_PDE_MAXOUT];
  PetscBool  exact = p->ops.exact ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSolveReference() first");
  PetscCall(PetscMalloc1((size_t)p->n * nout + 1, &want));
  PetscCall(PetscArrayzero(s, 6 * NB_PDE_MAXOUT));
  PetscCall(PetscArrayzero(mx, NB_PDE_MAXOUT));
  /* s[6g + 0, 1]: |v - ref|^2, |ref|^2 over all frames; 2, 3 the same for
     exact; 4, 5 at the final frame against the reference */
  for (PetscInt k = 0; k < p->nf; k++)
    for (PetscInt w = 0; w < (exact ? 2 : 1); w++) {
      PetscReal mv[NB_PDE_MAXOUT], mw[NB_PDE_MAXOUT];
      if (w == 0) PetscCall(NbProblemGetReferenceValues(p, k, want));
      else PetscCall(NbProblemGetExactValues(p, k, want));
      PetscCall(GroupMeans(p, v[k], mv));
      PetscCall(GroupMeans(p, want, mw));
      for (PetscInt g = 0; g < G; g++)
        for (PetscInt i = 0; i < p->n; i++)
          for (PetscInt c = p->group[g].c0; c < p->group[g].c1; c++) {
            PetscReal a = v[k][i * nout + c] - mv[c], b = want[i * nout + c] - mw[c];
            s[6 * g + 2 * w] += PetscSqr(a - b);
            s[6 * g + 2 * w + 1] += PetscSqr(b);
            if (w == 0 && k == p->nf - 1) {
              s[6 * g + 4] += PetscSqr(a - b);
              s[6 * g + 5] += PetscSqr(b);
            }
            if (w == 0) mx[g] = PetscMax(mx[g], PetscAbsReal(a - b));
          }
    }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, s, (PetscMPIInt)(6 * G), MPIU_REAL, MPIU_SUM, p->comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, mx, (PetscMPIInt)G, MPIU_REAL, MPIU_MAX, p->comm));
  for (PetscInt g = 0; g < G; g++) {
    err[g].ref    = s[6 * g + 1] > 0 ? PetscSqrtReal(s[6 * g] / s[6 * g + 1]) : PetscSqrtReal(s[6 * g]);
    err[g].exact  = !exact ? -1 : s[6 * g + 3] > 0 ? PetscSqrtReal(s[6 * g + 2] / s[6 * g + 3]) : PetscSqrtReal(s[6 * g + 2]);
    err[g].final  = s[6 * g + 5] > 0 ? PetscSqrtReal(s[6 * g + 4] / s[6 * g + 5]) : PetscSqrtReal(s[6 * g + 4]);
    err[g].maxabs = mx[g];
  }
  PetscCall(PetscFree(want));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemReportErrors(NbProblem p, NbReport rep, const char who[], PetscReal *const v[])
{
  NbProblemError err[NB_PDE_MAXOUT];
  char           key[160], of[64];

  PetscFunctionBegin;
  PetscCall(NbProblemComputeErrors(p, v, err));
  for (PetscInt g = 0; g < p->ngroup; g++) {
    const char *name = p->group[g].name;
    PetscCall(PetscSNPrintf(of, sizeof(of), "%s%s", name ? " of " : "", name ? name : ""));
    PetscCall(PetscSNPrintf(key, sizeof(key), "%s rel. L2 error%s vs reference, all frames", who, of));
    PetscCall(NbReportAddReal(rep, key, "%.3e", err[g].ref));
    if (g == 0) {
      PetscCall(PetscSNPrintf(key, sizeof(key), "%s max abs.%s%s error vs reference", who, name ? " " : "", name ? name : ""));
      PetscCall(NbReportAddReal(rep, key, "%.3e", err[g].maxabs));
    }
    if (!p->steady) {
      PetscCall(PetscSNPrintf(key, sizeof(key), "%s rel. L2 error%s vs reference, final time", who, of));
      PetscCall(NbReportAddReal(rep, key, "%.3e", err[g].final));
    }
    if (err[g].exact >= 0) {
      PetscCall(PetscSNPrintf(key, sizeof(key), "%s rel. L2 error%s vs exact, all frames", who, of));
      PetscCall(NbReportAddReal(rep, key, "%.3e", err[g].exact));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemReferenceErrors_Private(NbProblem p, NbProblemError err[])
{
  PetscReal **v;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(p->nf, &v));
  for (PetscInt k = 0; k < p->nf; k++) {
    PetscCall(PetscMalloc1((size_t)p->n * p->nout + 1, &v[k]));
    PetscCall(NbProblemGetReferenceValues(p, k, v[k]));
  }
  PetscCall(NbProblemComputeErrors(p, v, err));
  for (PetscInt k = 0; k < p->nf; k++) PetscCall(PetscFree(v[k]));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemReportKSP_Private(NbProblem p, NbReport rep, const char grid[], KSP ksp, PetscInt its, double wall)
{
  KSPType     kt;
  PCType      pt;
  PC          pc;
  PetscMPIInt size;
  char        solver[64];

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(p->comm, &size));
  PetscCall(KSPGetType(ksp, &kt));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &pt));
  PetscCall(PetscSNPrintf(solver, sizeof(solver), "%s + %s", kt, pt));
  PetscCall(NbReportAddString(rep, "grid", grid));
  PetscCall(NbReportAddInt(rep, "ranks", size));
  PetscCall(NbReportAddString(rep, "solver", solver));
  PetscCall(NbReportAddInt(rep, "Krylov iterations", its));
  PetscCall(NbReportAddReal(rep, "reference wall time [s]", "%.3f", wall));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemReportSolution(NbProblem p, NbReport rep, const char who[], NbPointFn f, void *ctx)
{
  PetscFunctionBegin;
  if (p->ops.reportsolution) PetscCall((*p->ops.reportsolution)(p, rep, who, f, ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemReport(NbProblem p, NbReport rep)
{
  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSolveReference() first");
  PetscCall((*p->ops.report)(p, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------------ output */

PetscErrorCode NbProblemWriteFrames(NbProblem p, NbOutput out, NbProblemFrameFn extra, void *ctx)
{
  PetscReal hi[3];
  PetscInt  gdim;

  PetscFunctionBegin;
  PetscCheck(p->solved, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSolveReference() first");
  PetscCall(DMGetDimension(p->da1, &gdim)); /* the output grid's, not the points' (sampled points: their index) */
  for (PetscInt d = 0; d < gdim; d++) hi[d] = p->origin[d] + (p->m[d] - 1) * p->spacing[d];
  PetscCall(NbOutputSetGrid(out, p->da1, p->origin, hi));
  for (PetscInt k = 0; k < p->nf; k++) {
    PetscCall(NbOutputBeginStep(out, p->t[k]));
    PetscCall((*p->ops.writeframe)(p, out, k));
    if (extra) PetscCall((*extra)(p, out, k, ctx));
    PetscCall(NbOutputEndStep(out));
  }
  if (p->ops.writemetadata) PetscCall((*p->ops.writemetadata)(p, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemWriteScalar(NbProblem p, NbOutput out, const char name[], const PetscReal v[])
{
  Vec          G, nat;
  PetscScalar *a;

  PetscFunctionBegin;
  PetscCall(DMGetGlobalVector(p->da1, &G));
  PetscCall(DMDACreateNaturalVector(p->da1, &nat));
  PetscCall(VecGetArray(nat, &a));
  for (PetscInt i = 0; i < p->n; i++) a[i] = v[i];
  PetscCall(VecRestoreArray(nat, &a));
  PetscCall(DMDANaturalToGlobalBegin(p->da1, nat, INSERT_VALUES, G));
  PetscCall(DMDANaturalToGlobalEnd(p->da1, nat, INSERT_VALUES, G));
  PetscCall(NbOutputWriteField(out, name, G));
  PetscCall(VecDestroy(&nat));
  PetscCall(DMRestoreGlobalVector(p->da1, &G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemWriteValues(NbProblem p, NbOutput out, const char suffix[], const PetscReal v[])
{
  Vec G;

  PetscFunctionBegin;
  if (p->velocity) {
    PetscCall(DMGetGlobalVector(p->da2, &G));
    PetscCall(NbProblemValuesToGlobal_Private(p, p->da2, v, 0, G));
    PetscCall(NbWriteFieldSuffixed(out, "velocity", suffix, G));
    PetscCall(DMRestoreGlobalVector(p->da2, &G));
  }
  for (PetscInt c = 0; c < p->nout; c++) {
    PetscCall(DMGetGlobalVector(p->da1, &G));
    PetscCall(NbProblemValuesToGlobal_Private(p, p->da1, v, c, G));
    PetscCall(NbWriteFieldSuffixed(out, p->outnames[c], suffix, G));
    PetscCall(DMRestoreGlobalVector(p->da1, &G));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------ discrete operator */

PetscErrorCode NbProblemGetDM(NbProblem p, DM *dm)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  if (p->ops.getdm) PetscCall((*p->ops.getdm)(p, dm));
  else *dm = p->da1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemCreateMatrix(NbProblem p, Mat *J)
{
  DM dm;

  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  if (p->ops.creatematrix) PetscCall((*p->ops.creatematrix)(p, J));
  else {
    PetscCall(NbProblemGetDM(p, &dm));
    PetscCall(DMCreateMatrix(dm, J));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LinearResidual(NbProblem p, PetscReal t, Vec U, Vec F)
{
  PetscFunctionBegin;
  PetscCall(MatMult(p->A, U, F));
  PetscCall(VecAXPY(F, -1, p->b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* J from NbProblemCreateMatrix has A's nonzero pattern when A was made by
   DMCreateMatrix of the same DM. */
static PetscErrorCode LinearJacobian(NbProblem p, PetscReal t, Vec U, Mat J)
{
  return MatCopy(p->A, J, SAME_NONZERO_PATTERN);
}

static PetscErrorCode LinearReference(NbProblem p, PetscInt k, PetscReal v[])
{
  return NbProblemGlobalToValues_Private(p, p->da1, p->u, 0, v);
}

PetscErrorCode NbProblemSetLinear_Private(NbProblem p, Mat A, Vec b, Vec u)
{
  PetscFunctionBegin;
  p->A             = A;
  p->b             = b;
  p->u             = u;
  p->ops.residual  = LinearResidual;
  p->ops.jacobian  = LinearJacobian;
  p->ops.reference = LinearReference;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemComputeResidual(NbProblem p, PetscReal t, Vec U, Vec F)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  PetscCall((*p->ops.residual)(p, t, U, F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemComputeJacobian(NbProblem p, PetscReal t, Vec U, Mat J)
{
  PetscFunctionBegin;
  PetscCheck(p->setup, p->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbProblemSetUp() first");
  PetscCall((*p->ops.jacobian)(p, t, U, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemComputeStepResidual(NbProblem p, PetscReal t, PetscReal dt, Vec Uold, Vec U, Vec R)
{
  PetscFunctionBegin;
  PetscCheck(p->ops.stepresidual, p->comm, PETSC_ERR_SUP, "Problem %s is steady: it has no time step", p->type);
  PetscCall((*p->ops.stepresidual)(p, t, dt, Uold, U, R));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbProblemComputeStepJacobian(NbProblem p, PetscReal t, PetscReal dt, Vec U, Mat J)
{
  PetscFunctionBegin;
  PetscCheck(p->ops.stepjacobian, p->comm, PETSC_ERR_SUP, "Problem %s is steady: it has no time step", p->type);
  PetscCall((*p->ops.stepjacobian)(p, t, dt, U, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}
