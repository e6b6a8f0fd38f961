/* Checkpoints of a PINN's training (-checkpoint, -restart): one HDF5 file
   (NbCheckpointSaveState) with the parameters, the Adam state, the RNG
   counters, the sampler's points and own state, the loss history, where
   training stands, and the options of the run, so that a restart with
   other options is refused naming the first that differs. */
#include <string.h>
#include "pinnimpl.h"

/* Options that do not change the result: where files go, what is printed. */
static const char *const ResultFree[] = {"checkpoint", "restart", "output", "monitor", "log_view", "view", "help", "options_left", "info", "malloc_debug", "malloc_dump", "no_signal_handler", "history"};

static PetscBool IsResultFree(const char *name)
{
  size_t ln = strlen(name);
  for (size_t k = 0; k < sizeof(ResultFree) / sizeof(ResultFree[0]); k++) {
    size_t lk = strlen(ResultFree[k]);
    if (ln >= lk && !strcmp(name + ln - lk, ResultFree[k]) && (ln == lk || name[ln - lk - 1] == '_' || name[ln - lk - 1] == '-')) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

static int CompareLines(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static PetscBool IsName(const char *t)
{
  return (PetscBool)(t[0] == '-' && t[1] && !(t[1] >= '0' && t[1] <= '9') && t[1] != '.');
}

/* "-name value" lines of the options that can change the result, sorted */
static PetscErrorCode OptionsFingerprint(char **fp)
{
  char    *all, **tok, **line;
  PetscInt nt = 0, n = 0;
  size_t   len, cap;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscStrlen(all, &len));
  PetscCall(PetscMalloc2(len + 1, &tok, len + 1, &line));
  for (size_t i = 0; i < len; i++) { /* tokens: runs of non-blanks */
    if (all[i] == ' ') all[i] = 0;
    else if (i == 0 || !all[i - 1]) tok[nt++] = all + i;
  }
  cap = 2 * len + 2;
  PetscCall(PetscCalloc1(cap, fp));
  for (PetscInt i = 0; i < nt; i++)
    if (IsName(tok[i]) && !IsResultFree(tok[i] + 1)) line[n++] = tok[i];
  qsort(line, (size_t)n, sizeof(char *), CompareLines);
  for (PetscInt i = 0; i < n; i++) {
    char *next = line[i] + strlen(line[i]) + 1; /* the token after it, if a value */
    while (next < all + len && !*next) next++;
    PetscCall(PetscStrlcat(*fp, line[i], cap));
    if (next < all + len && !IsName(next)) {
      PetscCall(PetscStrlcat(*fp, " ", cap));
      PetscCall(PetscStrlcat(*fp, next, cap));
    }
    PetscCall(PetscStrlcat(*fp, "\n", cap));
  }
  PetscCall(PetscFree2(tok, line));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the first option line in one fingerprint and not in the other */
static void FirstDifference(const char *was, const char *now, char msg[], size_t len)
{
  for (int pass = 0; pass < 2; pass++) {
    const char *a = pass ? now : was, *b = pass ? was : now;
    while (*a) {
      const char *e = strchr(a, '\n');
      size_t      l = e ? (size_t)(e - a) : strlen(a);
      PetscBool   found = PETSC_FALSE;
      for (const char *c = b; *c;) {
        const char *f = strchr(c, '\n');
        size_t      m = f ? (size_t)(f - c) : strlen(c);
        if (m == l && !strncmp(a, c, l)) found = PETSC_TRUE;
        c += m + (f ? 1 : 0);
      }
      if (!found) {
        if (pass) snprintf(msg, len, "'%.*s' is in this run's options but not in the checkpointed run's", (int)l, a);
        else snprintf(msg, len, "'%.*s' was in the checkpointed run's options but is not in this run's", (int)l, a);
        return;
      }
      a += l + (e ? 1 : 0);
    }
  }
  snprintf(msg, len, "(no difference found)");
}

PetscErrorCode NbPINNCheckpointFile_Private(NbPINN p)
{
  PetscFunctionBegin;
  if (p->ckpt[0]) PetscFunctionReturn(PETSC_SUCCESS);
  if (p->fallback[0]) PetscCall(PetscStrncpy(p->ckpt, p->fallback, sizeof(p->ckpt)));
  else if (p->out) {
    const char *name;
    size_t      len;
    PetscCall(NbOutputGetFileName(p->out, &name));
    PetscCall(PetscStrlen(name, &len));
    PetscCall(PetscSNPrintf(p->ckpt, sizeof(p->ckpt), "%.*s-checkpoint.h5", (int)(len > 3 ? len - 3 : len), name));
  } else PetscCall(PetscStrncpy(p->ckpt, "pinn-checkpoint.h5", sizeof(p->ckpt)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNCheckpointSave_Private(NbPINN p, const NbPINNPosition *pos, const PetscReal par[])
{
  NbState     st;
  char       *fp;
  PetscMPIInt size;
  PetscInt64  where[6];
  PetscInt    np;
  PetscReal  *a;

  PetscFunctionBegin;
  PetscCall(NbPINNCheckpointFile_Private(p));
  PetscCallMPI(MPI_Comm_size(p->comm, &size));
  where[0] = pos->phase, where[1] = pos->step, where[2] = pos->done, where[3] = pos->its, where[4] = size, where[5] = p->stats.rounds;
  PetscCall(NbStateCreate(&st));
  PetscCall(OptionsFingerprint(&fp));
  PetscCall(NbStateAddString(st, "pinn.options", fp));
  PetscCall(NbStateAddInt(st, "pinn.position", 6, where));
  PetscCall(NbStateAddReal(st, "pinn.history", p->nhistory, p->history));
  PetscCall((*p->ops.getstate)(p, st));
  PetscCall(NbModelGetNumParameters(p->model, &np));
  if (par) { /* the model holds later parameters: swap the checkpoint's in for the write */
    PetscCall(NbModelGetParameterArray(p->model, &a));
    PetscCall(PetscArraycpy(p->trial, a, np));
    PetscCall(PetscArraycpy(a, par, np));
    PetscCall(NbModelRestoreParameterArray(p->model, &a));
  }
  PetscCall(NbCheckpointSaveState(p->model, p->adam, st, p->ckpt));
  if (par) {
    PetscCall(NbModelGetParameterArray(p->model, &a));
    PetscCall(PetscArraycpy(a, p->trial, np));
    PetscCall(NbModelRestoreParameterArray(p->model, &a));
  }
  PetscCall(PetscFree(fp));
  PetscCall(NbStateDestroy(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNCheckpointLoad_Private(NbPINN p, NbPINNPosition *pos)
{
  NbState           st;
  char             *fp, msg[512];
  const char       *was;
  const PetscInt64 *where;
  const PetscReal  *h;
  PetscInt64        n, nh;
  PetscMPIInt       size;

  PetscFunctionBegin;
  PetscCall(NbStateCreate(&st));
  PetscCall(NbCheckpointLoadState(p->model, p->adam, st, p->restart));
  PetscCall(OptionsFingerprint(&fp));
  PetscCall(NbStateGetString(st, "pinn.options", &was));
  if (strcmp(was, fp)) {
    FirstDifference(was, fp, msg, sizeof(msg));
    SETERRQ(p->comm, PETSC_ERR_USER_INPUT, "-restart %s: the options differ from the run that wrote it (%s). A restart continues that run: give it the same options", p->restart, msg);
  }
  PetscCall(NbStateGetInt(st, "pinn.position", &n, &where));
  PetscCheck(n == 6 && where[0] >= 0 && where[0] <= 2, p->comm, PETSC_ERR_FILE_UNEXPECTED, "-restart %s: the training position is malformed (corrupt file)", p->restart);
  pos->phase = (PetscInt)where[0], pos->step = (PetscInt)where[1], pos->done = (PetscInt)where[2], pos->its = (PetscInt)where[3];
  p->stats.rounds = (PetscInt)where[5];
  PetscCallMPI(MPI_Comm_size(p->comm, &size));
  if (where[4] != size) PetscCall(PetscPrintf(p->comm, "  note: %s was written on %d ranks, this run has %d: it continues that run up to round-off, not bitwise\n", p->restart, (int)where[4], (int)size));
  PetscCall(NbStateGetReal(st, "pinn.history", &nh, &h));
  PetscCall(PetscRealloc((nh + p->adam_steps + 1) * sizeof(PetscReal), &p->history));
  PetscCall(PetscArraycpy(p->history, h, nh));
  p->nhistory = (PetscInt)nh;
  PetscCall((*p->ops.setstate)(p, st));
  PetscCall(PetscFree(fp));
  PetscCall(NbStateDestroy(&st));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNDisableCheckpoints(NbPINN p, const char why[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(p->nockpt, why, sizeof(p->nockpt)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNGetCheckpointFiles(NbPINN p, const char *ckpt[], const char *restart[])
{
  PetscFunctionBegin;
  *ckpt    = p->ckpt;
  *restart = p->restart;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbPINNSetCheckpointFiles(NbPINN p, const char ckpt[], const char restart[], const char fallback[], const char hint[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(p->ckpt, ckpt ? ckpt : "", sizeof(p->ckpt)));
  PetscCall(PetscStrncpy(p->restart, restart ? restart : "", sizeof(p->restart)));
  PetscCall(PetscStrncpy(p->fallback, fallback ? fallback : "", sizeof(p->fallback)));
  PetscCall(PetscStrncpy(p->hint, hint ? hint : "", sizeof(p->hint)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
