/* NbMethod: the registry of solution methods and their life cycle; the
   reference method (the problem's PETSc solver alone); and the program
   body every nabla-* program runs. */
#include <stdio.h>
#include <string.h>
#include "methodimpl.h"

static const NbRegistryEntry NbMethodBuiltin[] = {
  {"reference", (PetscVoidFunction)NbMethodCreate_Reference},
  {"pinn", (PetscVoidFunction)NbMethodCreate_PINN},
  {"lordnet", (PetscVoidFunction)NbMethodCreate_LordNet},
  {NULL, NULL}
};
static NbRegistry NbMethodTypes = {"-method", NbMethodBuiltin, NULL, PETSC_FALSE};

NB_CLASS_FUNCTIONS(NbMethod, NbMethodTypes)

PetscErrorCode NbMethodCreate(MPI_Comm comm, NbMethod *mp)
{
  NbMethod m;

  PetscFunctionBegin;
  PetscCall(NbHeadCreate(comm, sizeof(*m), &m));
  *mp = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodSetProblem(NbMethod m, NbProblem p)
{
  PetscFunctionBegin;
  m->problem = p;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodSetFromOptions(NbMethod m)
{
  char              type[32];
  PetscFunctionList types;

  PetscFunctionBegin;
  PetscCall(NbRegistryGetList(&NbMethodTypes, &types));
  PetscCall(PetscStrncpy(type, m->type[0] ? m->type : "reference", sizeof(type)));
  PetscOptionsBegin(m->comm, NULL, "Solution method", "NbMethod");
  PetscCall(PetscOptionsFList("-method", "Solution method", "NbMethodSetType", types, type, type, sizeof(type), NULL));
  PetscCall(NbMethodSetType(m, type));
  if (m->ops.setfromoptions) PetscCall((*m->ops.setfromoptions)(m, PetscOptionsObject));
  PetscOptionsEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodSetUp(NbMethod m)
{
  PetscFunctionBegin;
  if (m->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(m->problem, m->comm, PETSC_ERR_ARG_WRONGSTATE, "Call NbMethodSetProblem() first");
  if (!m->type[0]) PetscCall(NbMethodSetType(m, "reference"));
  PetscCall(NbProblemSetUp(m->problem));
  if (m->ops.setup) PetscCall((*m->ops.setup)(m));
  m->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodRun(NbMethod m, NbOutput out, NbReport rep)
{
  PetscFunctionBegin;
  PetscCall(NbMethodSetUp(m));
  PetscCall((*m->ops.run)(m, out, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodView(NbMethod m, PetscViewer v)
{
  PetscFunctionBegin;
  if (!v) PetscCall(PetscViewerASCIIGetStdout(m->comm, &v));
  PetscCall(PetscViewerASCIIPrintf(v, "NbMethod %s\n", m->type));
  PetscCall(PetscViewerASCIIPushTab(v));
  if (m->ops.view) PetscCall((*m->ops.view)(m, v));
  PetscCall(PetscViewerASCIIPopTab(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodDestroy(NbMethod *mp)
{
  NbMethod m = *mp;

  PetscFunctionBegin;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(NbHeadDestroyType(m, &m->ops, sizeof(m->ops)));
  PetscCall(PetscFree(m));
  *mp = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------- reference */

static PetscErrorCode Run_Reference(NbMethod m, NbOutput out, NbReport rep)
{
  PetscFunctionBegin;
  PetscCall(NbProblemSolveReference(m->problem));
  PetscCall(NbProblemWriteFrames(m->problem, out, NULL, NULL));
  PetscCall(NbProblemReport(m->problem, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbMethodCreate_Reference(NbMethod m)
{
  PetscFunctionBegin;
  m->ops.run = Run_Reference;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* --------------------------------------------------------------- program */

/* Options of the objects that have read all of theirs once the method is
   set up: a misspelled one is reported before the reference solve and the
   training, not after them. (PETSc's solver options, -ksp_ and the like,
   may be read by solvers made during the solve, and the -..._view options
   when a solve ends: they are checked at the end with everything else.) */
static const char *const NbEarlyPrefixes[] = {"pinn_", "uq", "hmc_", "sampler_", "rad_", "rar_", "aas_", "opt_", "tao_", "method", "problem", "burgers_", "ns_", "poisson_", "output", "da_", "stag_", "ts_"};

PetscErrorCode NbRunProgram(MPI_Comm comm, const char program[], const char problem[], const char output[])
{
  NbProblem   prob;
  NbMethod    method;
  NbOutput    out;
  NbReport    rep;
  const char *type, *fname;
  char        title[128];
  PetscBool   help;

  PetscFunctionBegin;
  PetscCall(NbProblemCreate(comm, &prob));
  PetscCall(NbProblemSetType(prob, problem));
  PetscCall(NbProblemSetFromOptions(prob));
  PetscCall(NbMethodCreate(comm, &method));
  PetscCall(NbMethodSetProblem(method, prob));
  PetscCall(NbMethodSetFromOptions(method));
  PetscCall(NbOutputCreate(comm, &out));
  PetscCall(NbOutputSetFileName(out, output));
  PetscCall(NbOutputSetFromOptions(out));
  PetscCall(NbMethodSetUp(method));
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) { /* every object has listed its options: stop before the solves */
    PetscCall(PetscPrintf(comm, "%s: the options above are those of this configuration; -help ends the run before solving\n", program));
    PetscCall(PetscOptionsClear(NULL)); /* no unused-option report */
  } else {
    PetscCall(NbOptionsCheckUnusedPrefixes(comm, (PetscInt)(sizeof(NbEarlyPrefixes) / sizeof(NbEarlyPrefixes[0])), NbEarlyPrefixes));
    PetscCall(NbOutputOpen(out));

    PetscCall(NbMethodGetType(method, &type));
    PetscCall(PetscSNPrintf(title, sizeof(title), "%s -method %s", program, type));
    PetscCall(NbReportCreate(comm, title, &rep));
    PetscCall(NbMethodRun(method, out, rep));
    PetscCall(NbReportPrint(rep, out));
    PetscCall(NbOptionsCheckUnused(comm));
    PetscCall(NbOutputClose(out));
    PetscCall(NbOutputGetFileName(out, &fname));
    PetscCall(PetscPrintf(comm, "  output: %s (+ .xmf for ParaView)\n", fname));
    PetscCall(NbReportDestroy(&rep));
  }
  PetscCall(NbOutputDestroy(&out));
  PetscCall(NbMethodDestroy(&method));
  PetscCall(NbProblemDestroy(&prob));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int NbMain(int argc, char **argv, const char program[], const char problem[], const char about[])
{
  static const char common[] = "  -method reference   the PETSc reference solver alone (default)\n"
                               "  -method pinn        a physics-informed network next to the reference (-pinn_*; -pinn_dd xpinn|cpinn|fbpinn)\n"
                               "  -method lordnet     a neural operator trained by the reference's discrete residual (nabla-poisson; -operator_*, -lordnet_*)\n"
                               "  -uq none|ensemble|mcdropout|hmc   uncertainty of the PINN (with -method pinn)\n"
                               "  -checkpoint FILE -checkpoint_every N -restart FILE   training state on signals (SIGTERM, SIGINT, SIGUSR1) and every N steps; continue bitwise\n"
                               "  -output NAME.h5     parallel HDF5 output with an XDMF sidecar for ParaView\n"
                               "  -problem_view       describe the problem and its solver\n"
                               "  -help               with the other options: every option of that run, its value and default, then stop\n";
  const char       *rest = strchr(about, '\n');
  char              help[4096], output[PETSC_MAX_PATH_LEN];

  /* the program's first line, the shared lines, the program's other lines */
  rest = rest ? rest + 1 : about + strlen(about);
  snprintf(help, sizeof(help), "%s: %.*s%s%s\n", program, (int)(rest - about), about, common, rest);
  PetscCall(NbInitialize(&argc, &argv, NULL, help));
  PetscCall(PetscSNPrintf(output, sizeof(output), "%s.h5", problem));
  PetscCall(NbRunProgram(PETSC_COMM_WORLD, program, problem, output));
  PetscCall(NbFinalize());
  return 0;
}
