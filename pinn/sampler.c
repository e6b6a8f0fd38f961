/* The sampler interface: checks arguments and state, then delegates to the
   implementation chosen at run time from the registry. */
#include "samplerimpl.h"

static const NbRegistryEntry NbSamplerBuiltin[] = {
  {"uniform", (PetscVoidFunction)NbSamplerCreate_Uniform},
  {"lhs", (PetscVoidFunction)NbSamplerCreate_LHS},
  {"sobol", (PetscVoidFunction)NbSamplerCreate_Sobol},
  {"halton", (PetscVoidFunction)NbSamplerCreate_Halton},
  {"rad", (PetscVoidFunction)NbSamplerCreate_RAD},
  {"rar", (PetscVoidFunction)NbSamplerCreate_RAR},
  {"aas", (PetscVoidFunction)NbSamplerCreate_AAS},
  {NULL, NULL}
};
static NbRegistry    NbSamplerTypes  = {"-pinn_sampler", NbSamplerBuiltin, NULL, PETSC_FALSE};
static PetscLogEvent NB_SamplerAdapt = 0;

NB_CLASS_FUNCTIONS(NbSampler, NbSamplerTypes)

PetscErrorCode NbSamplerCreate(MPI_Comm comm, NbSampler *sp)
{
  NbSampler s;

  PetscFunctionBegin;
  if (!NB_SamplerAdapt) PetscCall(PetscLogEventRegister("NbSamplerAdapt", NB_CLASSID, &NB_SamplerAdapt));
  PetscCall(NbHeadCreate(comm, sizeof(*s), &s));
  s->N0 = 1000;
  PetscCall(NbRNGCreate(comm, &s->rng));
  *sp = s;
  PetscCall(NbSamplerSetType(s, "uniform"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetDomain(NbSampler s, PetscInt dim, const PetscReal lo[], const PetscReal hi[])
{
  PetscFunctionBegin;
  PetscCheck(dim >= 1 && dim <= NB_SAMPLER_MAXDIM, s->comm, PETSC_ERR_ARG_OUTOFRANGE, "Sampler domains have 1 to %d coordinates, not %d", NB_SAMPLER_MAXDIM, (int)dim);
  for (PetscInt d = 0; d < dim; d++) PetscCheck(hi[d] > lo[d], s->comm, PETSC_ERR_ARG_WRONG, "Empty sampler box in coordinate %d: [%g, %g]", (int)d, (double)lo[d], (double)hi[d]);
  s->dim = dim;
  for (PetscInt d = 0; d < dim; d++) {
    s->lo[d] = lo[d];
    s->hi[d] = hi[d];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetNumPoints(NbSampler s, PetscInt64 n)
{
  PetscFunctionBegin;
  s->N0 = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetSeed(NbSampler s, PetscInt64 seed)
{
  PetscFunctionBegin;
  s->seed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerGetSeed(NbSampler s, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = s->seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetResidual(NbSampler s, NbSamplerResidualFn f, void *ctx)
{
  PetscFunctionBegin;
  s->residual = f;
  s->rctx     = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetFromOptions(NbSampler s)
{
  char              type[64];
  PetscBool         set;
  PetscFunctionList types;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(type, s->type, sizeof(type)));
  PetscOptionsBegin(s->comm, s->prefix, "Collocation point sampler", "NbSampler");
  PetscCall(NbRegistryGetList(&NbSamplerTypes, &types));
  PetscCall(PetscOptionsFList("-pinn_sampler", "Collocation sampler", "NbSamplerSetType", types, type, type, sizeof(type), &set));
  if (set) PetscCall(NbSamplerSetType(s, type));
  PetscCall(NbSamplerOptionsInt64_Private(PetscOptionsObject, "-sampler_seed", "Seed of the sampler's random draws", "NbSamplerSetSeed", &s->seed));
  if (s->ops.setfromoptions) PetscCall(s->ops.setfromoptions(s, PetscOptionsObject));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerResizeLocal_Private(NbSampler s, PetscInt n)
{
  PetscFunctionBegin;
  if (n > s->cap) {
    PetscCall(PetscFree(s->x));
    PetscCall(PetscMalloc1(n * s->dim, &s->x));
    s->cap = n;
  }
  s->n = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetGlobalSize_Private(NbSampler s, PetscInt64 N, PetscInt *n)
{
  PetscFunctionBegin;
  s->N = N;
  PetscCall(NbPartition(s->comm, s->N, &s->offset, n));
  PetscCall(NbSamplerResizeLocal_Private(s, *n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerDrawUniform_Private(NbSampler s, PetscInt round)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(NbSamplerSetGlobalSize_Private(s, s->N0, &n));
  PetscCall(NbSamplerUniformBox_Private(s, NB_SAMPLER_STREAM(NB_STREAM_UNIFORM, round), s->offset, n, s->x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetUpUniform_Private(NbSampler s)
{
  PetscFunctionBegin;
  PetscCall(NbSamplerDrawUniform_Private(s, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerCheckResidual_Private(NbSampler s)
{
  PetscFunctionBegin;
  PetscCheck(s->residual, s->comm, PETSC_ERR_ARG_WRONGSTATE, "The %s sampler needs the residual: call NbSamplerSetResidual()", s->type);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerOptionsInt64_Private(PetscOptionItems *PetscOptionsObject, const char opt[], const char text[], const char man[], PetscInt64 *v)
{
  PetscInt i = (PetscInt)*v;

  PetscFunctionBegin;
  PetscCall(PetscOptionsInt(opt, text, man, i, &i, NULL));
  *v = i;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerUniformBox_Private(NbSampler s, PetscInt64 stream, PetscInt64 start, PetscInt n, PetscReal x[])
{
  PetscFunctionBegin;
  PetscCall(NbRNGSampleBox(s->rng, stream, start, n, s->dim, s->lo, s->hi, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetUp(NbSampler s)
{
  PetscFunctionBegin;
  if (s->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(s->dim > 0, s->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbSamplerSetDomain() before NbSamplerSetUp()");
  PetscCheck(s->N0 >= 1, s->comm, PETSC_ERR_USER_INPUT, "The number of collocation points must be at least 1 (got %" PetscInt64_FMT ")", s->N0);
  PetscCall(NbRNGSetSeed(s->rng, s->seed));
  s->round = 0;
  PetscCall(s->ops.setup(s));
  s->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerAdapt(NbSampler s)
{
  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbSamplerSetUp() before NbSamplerAdapt()");
  PetscCall(PetscLogEventBegin(NB_SamplerAdapt, 0, 0, 0, 0));
  s->round++;
  if (s->ops.adapt) PetscCall(s->ops.adapt(s));
  PetscCall(PetscLogEventEnd(NB_SamplerAdapt, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerGetPoints(NbSampler s, PetscInt *n, const PetscReal *x[])
{
  PetscFunctionBegin;
  PetscCheck(s->setup, s->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbSamplerSetUp() first");
  if (n) *n = s->n;
  if (x) *x = s->x;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerGetGlobalInfo(NbSampler s, PetscInt64 *N, PetscInt64 *offset, PetscInt *round)
{
  PetscFunctionBegin;
  if (N) *N = s->N;
  if (offset) *offset = s->offset;
  if (round) *round = s->round;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerGetMaxLocalPoints(NbSampler s, PetscInt *n)
{
  PetscInt64  maxglobal = s->N0;
  PetscMPIInt size;

  PetscFunctionBegin;
  if (s->ops.maxlocal) PetscCall(s->ops.maxlocal(s, &maxglobal));
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  *n = (PetscInt)((maxglobal + size - 1) / size); /* NbPartition's largest block */
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerWritePoints(NbSampler s, NbOutput out)
{
  PetscReal       *r = NULL;
  const char      *names[1] = {"residual"};
  const PetscReal *fields[1];

  PetscFunctionBegin;
  PetscCheck(s->dim <= 3, s->comm, PETSC_ERR_SUP, "Point clouds of %d coordinates cannot be written for ParaView (at most 3)", (int)s->dim);
  if (s->residual) {
    PetscCall(PetscMalloc1(s->n + 1, &r));
    PetscCall(s->residual(s->n, s->x, r, s->rctx));
    fields[0] = r;
  }
  PetscCall(NbOutputWritePoints(out, "collocation", (PetscReal)s->round, s->n, s->dim, s->x, r ? 1 : 0, names, fields));
  PetscCall(PetscFree(r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerView(NbSampler s, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(s->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbSampler %s: %" PetscInt64_FMT " points in a %d-D box, round %d, seed %" PetscInt64_FMT "\n", s->type, s->N, (int)s->dim, (int)s->round, s->seed));
  if (s->ops.view) {
    PetscCall(PetscViewerASCIIPushTab(v));
    PetscCall(s->ops.view(s, v));
    PetscCall(PetscViewerASCIIPopTab(v));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerDestroy(NbSampler *sp)
{
  NbSampler s = *sp;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbHeadDestroyType(s, &s->ops, sizeof(s->ops)));
  PetscCall(NbRNGDestroy(&s->rng));
  PetscCall(PetscFree(s->x));
  PetscCall(PetscFree(s));
  *sp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the points, whole, on rank 0 */
PetscErrorCode NbSamplerGetState(NbSampler s, NbState st)
{
  PetscMPIInt size, rank, cnt;
  PetscMPIInt *counts = NULL, *displs = NULL;
  PetscReal  *all = NULL;
  PetscInt64  hdr[3] = {s->round, s->N, s->dim};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(s->comm, &size));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCheck(s->N * s->dim < PETSC_MPI_INT_MAX, s->comm, PETSC_ERR_SUP, "A checkpoint of %" PetscInt64_FMT " points gathers more than one MPI message carries", s->N);
  PetscCall(PetscMPIIntCast(s->n * s->dim, &cnt));
  if (rank == 0) PetscCall(PetscMalloc3(size, &counts, size + 1, &displs, s->N * s->dim + 1, &all));
  PetscCallMPI(MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, s->comm));
  if (rank == 0) {
    displs[0] = 0;
    for (PetscMPIInt r = 0; r < size; r++) displs[r + 1] = displs[r] + counts[r];
  }
  PetscCallMPI(MPI_Gatherv(s->x, cnt, MPIU_REAL, all, counts, displs, MPIU_REAL, 0, s->comm));
  PetscCall(NbStateAddInt(st, "sampler.round_N_dim", 3, hdr));
  PetscCall(NbStateAddReal(st, "sampler.points", rank == 0 ? s->N * s->dim : 0, all));
  if (s->ops.getstate) PetscCall((*s->ops.getstate)(s, st));
  PetscCall(PetscFree3(counts, displs, all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbSamplerSetState(NbSampler s, NbState st)
{
  const PetscInt64 *hdr;
  const PetscReal  *all;
  PetscInt64        nh, nx;
  PetscInt          n;

  PetscFunctionBegin;
  PetscCall(NbStateGetInt(st, "sampler.round_N_dim", &nh, &hdr));
  PetscCall(NbStateGetReal(st, "sampler.points", &nx, &all));
  PetscCheck(nh == 3 && hdr[2] == s->dim && nx == hdr[1] * hdr[2], s->comm, PETSC_ERR_FILE_UNEXPECTED, "The checkpoint's collocation points are %" PetscInt64_FMT "-dimensional (%" PetscInt64_FMT " values), the sampler's %d-dimensional: the checkpoint is from another problem", nh == 3 ? hdr[2] : -1, nx, (int)s->dim);
  s->round = (PetscInt)hdr[0];
  PetscCall(NbSamplerSetGlobalSize_Private(s, hdr[1], &n));
  PetscCall(PetscArraycpy(s->x, all + s->offset * s->dim, n * s->dim));
  if (s->ops.setstate) PetscCall((*s->ops.setstate)(s, st));
  PetscFunctionReturn(PETSC_SUCCESS);
}
