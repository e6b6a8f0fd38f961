/* Checkpoints of a model and its optimizer in one HDF5 file.

     /                    attributes format, nabla_version
     /model               attributes name, seed, ntrain, nconst, architecture
                          (one line per parameter: "name rows cols trainable|constant")
     /model/parameters    the flat parameter buffer
     /model/constants     the non-trainable constants
     /rng/streams, /rng/counters   the RNG's stream counters (dropout epochs, samplers)
     /optimizer           attributes type, step; one dataset per state array
     /state               a training method's own named arrays (NbState), if any

   The parameters, moments and counters are all an optimizer step depends
   on, so loading and continuing repeats, bit for bit, what the run would
   have done. Rank 0 writes (to NAME.partial, renamed when complete) and reads
   (then broadcasts); the file does not depend on the number of ranks. */
#include "nnimpl.h"
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H5CHK(call) \
  do { \
    if ((call) < 0) { \
      h5err = 1; \
      goto h5done; \
    } \
  } while (0)

static PetscErrorCode Architecture(NbModel m, char **arch)
{
  size_t len = 1, pos = 0;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < m->np; i++) len += strlen(m->p[i].name) + 48;
  PetscCall(PetscMalloc1(len, arch));
  (*arch)[0] = 0;
  for (PetscInt i = 0; i < m->np; i++) {
    int k = snprintf(*arch + pos, len - pos, "%s %d %d %s\n", m->p[i].name, (int)m->p[i].rows, (int)m->p[i].cols, m->p[i].trainable ? "trainable" : "constant");
    pos += (size_t)k;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static herr_t WriteStringAttr(hid_t loc, const char name[], const char value[])
{
  hid_t  type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR), attr;
  herr_t st   = -1;

  if (type < 0 || space < 0) return -1;
  H5Tset_size(type, strlen(value) + 1);
  attr = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (attr >= 0) {
    st = H5Awrite(attr, type, value);
    H5Aclose(attr);
  }
  H5Sclose(space);
  H5Tclose(type);
  return st;
}

static char *ReadStringAttr(hid_t loc, const char name[])
{
  hid_t  attr, ftype, mtype;
  size_t size;
  char  *s = NULL;

  if (H5Aexists(loc, name) <= 0) return NULL;
  attr  = H5Aopen(loc, name, H5P_DEFAULT);
  ftype = H5Aget_type(attr);
  size  = H5Tget_size(ftype);
  mtype = H5Tcopy(H5T_C_S1);
  H5Tset_size(mtype, size);
  s = (char *)calloc(size + 1, 1);
  if (s && H5Aread(attr, mtype, s) < 0) {
    free(s);
    s = NULL;
  }
  H5Tclose(mtype);
  H5Tclose(ftype);
  H5Aclose(attr);
  return s;
}

static herr_t WriteInt64Attr(hid_t loc, const char name[], int64_t v)
{
  hid_t  space = H5Screate(H5S_SCALAR), attr = H5Acreate2(loc, name, H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st    = attr >= 0 ? H5Awrite(attr, H5T_NATIVE_INT64, &v) : -1;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  return st;
}

static herr_t ReadInt64Attr(hid_t loc, const char name[], int64_t *v)
{
  hid_t  attr;
  herr_t st;
  if (H5Aexists(loc, name) <= 0) return -1;
  attr = H5Aopen(loc, name, H5P_DEFAULT);
  st   = H5Aread(attr, H5T_NATIVE_INT64, v);
  H5Aclose(attr);
  return st;
}

static herr_t WriteArray(hid_t loc, const char name[], hid_t type, hsize_t n, const void *a)
{
  hid_t  space = H5Screate_simple(1, &n, NULL), d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st    = d >= 0 ? (n ? H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) : 0) : -1;
  if (d >= 0) H5Dclose(d);
  H5Sclose(space);
  return st;
}

/* reads exactly n entries; -1 if the dataset is missing or has another length */
static herr_t ReadArray(hid_t loc, const char name[], hid_t type, hsize_t n, void *a)
{
  hid_t   d, space;
  hsize_t len = 0;
  herr_t  st  = -1;
  if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return -1;
  d     = H5Dopen2(loc, name, H5P_DEFAULT);
  space = H5Dget_space(d);
  H5Sget_simple_extent_dims(space, &len, NULL);
  if (len == n) st = n ? H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) : 0;
  H5Sclose(space);
  H5Dclose(d);
  return st;
}

/* closes what is open of the file and its groups; the file's close status */
static herr_t CloseFile(hid_t f, hid_t gm, hid_t gr, hid_t go)
{
  const hid_t grp[3] = {go, gr, gm};

  for (int i = 0; i < 3; i++)
    if (grp[i] >= 0) H5Gclose(grp[i]);
  return f >= 0 ? H5Fclose(f) : 0;
}

static hid_t StateH5Type(NbStateType t)
{
  return t == NB_STATE_REAL ? H5T_NATIVE_DOUBLE : t == NB_STATE_INT64 ? H5T_NATIVE_INT64 : H5T_NATIVE_CHAR;
}

static herr_t WriteState(hid_t f, NbState state)
{
  PetscInt           n;
  const NbStateItem *it;
  hid_t              g;
  herr_t             st = 0;

  if (NbStateGetItems_Private(state, &n, &it)) return -1;
  if ((g = H5Gcreate2(f, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0) return -1;
  for (PetscInt i = 0; i < n && st >= 0; i++) st = WriteArray(g, it[i].name, StateH5Type(it[i].type), (hsize_t)it[i].n, it[i].data);
  H5Gclose(g);
  return st;
}

/* every dataset of /state into the (empty) state; -1 on a malformed one */
static herr_t ReadState(hid_t f, NbState state)
{
  hid_t      g;
  H5G_info_t info;
  herr_t     st = 0;

  if (H5Lexists(f, "state", H5P_DEFAULT) <= 0) return -1;
  if ((g = H5Gopen2(f, "state", H5P_DEFAULT)) < 0) return -1;
  if (H5Gget_info(g, &info) < 0) st = -1;
  for (hsize_t i = 0; st >= 0 && i < info.nlinks; i++) {
    char        name[256];
    hid_t       d, sp, ty;
    hsize_t     len = 0;
    NbStateType t;
    void       *buf;
    if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof(name), H5P_DEFAULT) < 0 || (d = H5Dopen2(g, name, H5P_DEFAULT)) < 0) {
      st = -1;
      break;
    }
    sp = H5Dget_space(d);
    ty = H5Dget_type(d);
    if (H5Sget_simple_extent_ndims(sp) != 1) st = -1;
    else H5Sget_simple_extent_dims(sp, &len, NULL);
    if (H5Tget_class(ty) == H5T_FLOAT) t = NB_STATE_REAL;
    else if (H5Tget_class(ty) == H5T_INTEGER && H5Tget_size(ty) == 8) t = NB_STATE_INT64;
    else if (H5Tget_class(ty) == H5T_INTEGER && H5Tget_size(ty) == 1) t = NB_STATE_CHAR;
    else st = -1;
    H5Tclose(ty);
    H5Sclose(sp);
    buf = st >= 0 ? malloc((size_t)len * (t == NB_STATE_CHAR ? 1 : 8) + 1) : NULL;
    if (st >= 0 && (!buf || (len && H5Dread(d, StateH5Type(t), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) || NbStateAdd_Private(state, name, t, (PetscInt64)len, buf))) st = -1;
    free(buf);
    H5Dclose(d);
  }
  H5Gclose(g);
  return st;
}

PetscErrorCode NbCheckpointSave(NbModel m, NbOptimizer opt, const char filename[])
{
  PetscFunctionBegin;
  PetscCall(NbCheckpointSaveState(m, opt, NULL, filename));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbCheckpointLoad(NbModel m, NbOptimizer opt, const char filename[])
{
  PetscFunctionBegin;
  PetscCall(NbCheckpointLoadState(m, opt, NULL, filename));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbCheckpointSaveState(NbModel m, NbOptimizer opt, NbState state, const char filename[])
{
  PetscMPIInt rank;
  int         h5err = 0;
  char       *arch, partial[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_Checkpoint, 0, 0, 0, 0));
  PetscCall(NbModelSetUp(m));
  PetscCheck(!opt || opt->model == m, m->comm, PETSC_ERR_ARG_WRONG, "NbCheckpointSave: the optimizer belongs to another model");
  PetscCheck(!m->nprivate, m->comm, PETSC_ERR_SUP, "NbCheckpointSave: model %s is distributed over the ranks (NbModelSetPrivate); a checkpoint holds a replicated model", m->name);
  if (opt) PetscCall(NbOptimizerSetUp(opt));
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  PetscCall(Architecture(m, &arch));
  PetscCall(PetscSNPrintf(partial, sizeof(partial), "%s.partial", filename));
  if (rank == 0) {
    hid_t      f = -1, gm = -1, gr = -1, go = -1;
    PetscInt64 *st = NULL, *ct = NULL;
    f              = H5Fcreate(partial, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) {
      h5err = 2;
      goto h5done;
    }
    H5CHK(WriteStringAttr(f, "format", "nabla-checkpoint-1"));
    H5CHK(WriteStringAttr(f, "nabla_version", NbVersion()));
    H5CHK(gm = H5Gcreate2(f, "model", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5CHK(WriteStringAttr(gm, "name", m->name));
    H5CHK(WriteStringAttr(gm, "architecture", arch));
    H5CHK(WriteInt64Attr(gm, "seed", m->rng->seed));
    H5CHK(WriteInt64Attr(gm, "ntrain", m->ntrain));
    H5CHK(WriteInt64Attr(gm, "nconst", m->nconst));
    H5CHK(WriteArray(gm, "parameters", H5T_NATIVE_DOUBLE, (hsize_t)m->ntrain, m->params));
    H5CHK(WriteArray(gm, "constants", H5T_NATIVE_DOUBLE, (hsize_t)m->nconst, m->consts));
    H5CHK(gr = H5Gcreate2(f, "rng", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    st = (PetscInt64 *)malloc(sizeof(PetscInt64) * (size_t)(m->rng->ncounters + 1));
    ct = (PetscInt64 *)malloc(sizeof(PetscInt64) * (size_t)(m->rng->ncounters + 1));
    if (!st || !ct) {
      h5err = 1;
      goto h5done;
    }
    for (PetscInt i = 0; i < m->rng->ncounters; i++) st[i] = m->rng->counters[i].stream, ct[i] = m->rng->counters[i].counter;
    H5CHK(WriteArray(gr, "streams", H5T_NATIVE_INT64, (hsize_t)m->rng->ncounters, st));
    H5CHK(WriteArray(gr, "counters", H5T_NATIVE_INT64, (hsize_t)m->rng->ncounters, ct));
    if (opt) {
      H5CHK(go = H5Gcreate2(f, "optimizer", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      H5CHK(WriteStringAttr(go, "type", opt->type));
      H5CHK(WriteInt64Attr(go, "step", opt->step));
      if (opt->ops.getstate) {
        PetscInt    narr = 0, lens[8];
        const char *names[8];
        PetscReal  *arrs[8];
        if (opt->ops.getstate(opt, &narr, names, arrs, lens)) {
          h5err = 1;
          goto h5done;
        }
        for (PetscInt k = 0; k < narr; k++) H5CHK(WriteArray(go, names[k], H5T_NATIVE_DOUBLE, (hsize_t)lens[k], arrs[k]));
      }
    }
    if (state) H5CHK(WriteState(f, state));
  h5done:
    free(st);
    free(ct);
    if (CloseFile(f, gm, gr, go) < 0) h5err = 1;
    if (!h5err && rename(partial, filename)) h5err = 3;
    if (h5err) remove(partial);
  }
  PetscCall(PetscFree(arch));
  PetscCallMPI(MPI_Bcast(&h5err, 1, MPI_INT, 0, m->comm));
  PetscCheck(h5err != 2, m->comm, PETSC_ERR_FILE_OPEN, "Cannot create the checkpoint %s: choose a writable path", partial);
  PetscCheck(!h5err, m->comm, PETSC_ERR_FILE_WRITE, "Writing the checkpoint %s failed (HDF5 error or rename)", filename);
  PetscCall(PetscLogEventEnd(NB_Checkpoint, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* First line where two architecture descriptions differ, as a message. */
static void DescribeMismatch(const char *file, const char *model, char *msg, size_t len)
{
  int nf = 0, nm = 0, line = 0;
  for (const char *c = file; *c; c++) nf += *c == '\n';
  for (const char *c = model; *c; c++) nm += *c == '\n';
  while (*file || *model) {
    const char *ef = strchr(file, '\n'), *em = strchr(model, '\n');
    int         lf = ef ? (int)(ef - file) : (int)strlen(file), lm = em ? (int)(em - model) : (int)strlen(model);
    if (lf != lm || strncmp(file, model, (size_t)lf)) {
      snprintf(msg, len, "parameter %d is '%.*s' in the file but '%.*s' in the model (the file has %d parameters, the model %d)", line, lf, lf ? file : "(none)", lm, lm ? model : "(none)", nf, nm);
      if (!lf) snprintf(msg, len, "the model has more parameters than the file (%d vs %d): parameter %d '%.*s' is not in the file", nm, nf, line, lm, model);
      if (!lm) snprintf(msg, len, "the file has more parameters than the model (%d vs %d): parameter %d '%.*s' is not in the model", nf, nm, line, lf, file);
      return;
    }
    file += lf + (ef ? 1 : 0);
    model += lm + (em ? 1 : 0);
    line++;
  }
  snprintf(msg, len, "(no difference found)");
}

PetscErrorCode NbCheckpointLoadState(NbModel m, NbOptimizer opt, NbState state, const char filename[])
{
  PetscMPIInt rank;
  int         h5err = 0;
  char       *arch, msg[1024] = "";
  PetscInt64  step = 0, nc = 0, seed = 0, *st = NULL, *ct = NULL;
  PetscInt    narr = 0, lens[8];
  const char *names[8];
  PetscReal  *arrs[8];

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_Checkpoint, 0, 0, 0, 0));
  PetscCall(NbModelSetUp(m));
  PetscCheck(!m->nprivate, m->comm, PETSC_ERR_SUP, "NbCheckpointLoad: model %s is distributed over the ranks (NbModelSetPrivate); a checkpoint holds a replicated model", m->name);
  if (opt) {
    PetscCall(NbOptimizerSetUp(opt));
    if (opt->ops.getstate) PetscCall(opt->ops.getstate(opt, &narr, names, arrs, lens));
  }
  PetscCallMPI(MPI_Comm_rank(m->comm, &rank));
  PetscCall(Architecture(m, &arch));
  if (rank == 0) {
    hid_t f = -1, gm = -1, gr = -1, go = -1;
    char *farch = NULL, *ft = NULL;
    H5E_BEGIN_TRY { f = H5Fopen(filename, H5F_ACC_RDONLY, H5P_DEFAULT); }
    H5E_END_TRY;
    if (f < 0) {
      h5err = 2;
      goto h5done;
    }
    ft = ReadStringAttr(f, "format");
    if (!ft || strcmp(ft, "nabla-checkpoint-1") || H5Lexists(f, "model", H5P_DEFAULT) <= 0) {
      h5err = 4;
      goto h5done;
    }
    free(ft);
    ft = NULL;
    H5CHK(gm = H5Gopen2(f, "model", H5P_DEFAULT));
    farch = ReadStringAttr(gm, "architecture");
    if (!farch) {
      h5err = 4;
      goto h5done;
    }
    if (strcmp(farch, arch)) {
      DescribeMismatch(farch, arch, msg, sizeof(msg));
      h5err = 5;
      goto h5done;
    }
    H5CHK(ReadInt64Attr(gm, "seed", &seed));
    H5CHK(ReadArray(gm, "parameters", H5T_NATIVE_DOUBLE, (hsize_t)m->ntrain, m->params));
    H5CHK(ReadArray(gm, "constants", H5T_NATIVE_DOUBLE, (hsize_t)m->nconst, m->consts));
    H5CHK(gr = H5Gopen2(f, "rng", H5P_DEFAULT));
    {
      hid_t   d = H5Dopen2(gr, "streams", H5P_DEFAULT), sp = H5Dget_space(d);
      hsize_t n = 0;
      H5Sget_simple_extent_dims(sp, &n, NULL);
      H5Sclose(sp);
      H5Dclose(d);
      nc = (PetscInt64)n;
    }
    st = (PetscInt64 *)malloc(sizeof(PetscInt64) * (size_t)(nc + 1));
    ct = (PetscInt64 *)malloc(sizeof(PetscInt64) * (size_t)(nc + 1));
    H5CHK(ReadArray(gr, "streams", H5T_NATIVE_INT64, (hsize_t)nc, st));
    H5CHK(ReadArray(gr, "counters", H5T_NATIVE_INT64, (hsize_t)nc, ct));
    if (opt) {
      if (H5Lexists(f, "optimizer", H5P_DEFAULT) <= 0) {
        h5err = 6;
        goto h5done;
      }
      H5CHK(go = H5Gopen2(f, "optimizer", H5P_DEFAULT));
      ft = ReadStringAttr(go, "type");
      if (!ft || strcmp(ft, opt->type)) {
        snprintf(msg, sizeof(msg), "the file holds the state of optimizer '%s', this optimizer is '%s'", ft ? ft : "?", opt->type);
        h5err = 5;
        goto h5done;
      }
      H5CHK(ReadInt64Attr(go, "step", &step));
      for (PetscInt k = 0; k < narr; k++) H5CHK(ReadArray(go, names[k], H5T_NATIVE_DOUBLE, (hsize_t)lens[k], arrs[k]));
    }
    if (state && ReadState(f, state) < 0) {
      h5err = 7;
      goto h5done;
    }
  h5done:
    free(farch);
    free(ft);
    CloseFile(f, gm, gr, go);
  }
  PetscCall(PetscFree(arch));
  PetscCallMPI(MPI_Bcast(&h5err, 1, MPI_INT, 0, m->comm));
  PetscCallMPI(MPI_Bcast(msg, sizeof(msg), MPI_CHAR, 0, m->comm));
  if (h5err) {
    free(st);
    free(ct);
  }
  PetscCheck(h5err != 2, m->comm, PETSC_ERR_FILE_OPEN, "Cannot open the checkpoint %s", filename);
  PetscCheck(h5err != 4, m->comm, PETSC_ERR_FILE_UNEXPECTED, "%s is not a nabla checkpoint (no format attribute 'nabla-checkpoint-1' and /model group): give the file written by -checkpoint", filename);
  PetscCheck(h5err != 5, m->comm, PETSC_ERR_ARG_INCOMP, "Checkpoint %s does not fit model '%s': %s", filename, m->name, msg);
  PetscCheck(h5err != 6, m->comm, PETSC_ERR_FILE_UNEXPECTED, "Checkpoint %s has no optimizer state; load it with a NULL optimizer", filename);
  PetscCheck(h5err != 7, m->comm, PETSC_ERR_FILE_UNEXPECTED, "Checkpoint %s has no readable /state group: it holds a model only (NbCheckpointSave), not a training run's state", filename);
  PetscCheck(!h5err, m->comm, PETSC_ERR_FILE_READ, "Reading the checkpoint %s failed (missing or mis-sized dataset)", filename);
  /* rank 0 has it all; everyone gets the same */
  PetscCallMPI(MPI_Bcast(m->params, (PetscMPIInt)m->ntrain, MPIU_REAL, 0, m->comm));
  PetscCallMPI(MPI_Bcast(m->consts, (PetscMPIInt)m->nconst, MPIU_REAL, 0, m->comm));
  PetscCallMPI(MPI_Bcast(&seed, 1, MPIU_INT64, 0, m->comm));
  PetscCallMPI(MPI_Bcast(&nc, 1, MPIU_INT64, 0, m->comm));
  PetscCallMPI(MPI_Bcast(&step, 1, MPIU_INT64, 0, m->comm));
  if (rank) {
    st = (PetscInt64 *)malloc(sizeof(PetscInt64) * (size_t)(nc + 1));
    ct = (PetscInt64 *)malloc(sizeof(PetscInt64) * (size_t)(nc + 1));
  }
  PetscCheck(st && ct, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory reading %s", filename);
  PetscCallMPI(MPI_Bcast(st, (PetscMPIInt)nc, MPIU_INT64, 0, m->comm));
  PetscCallMPI(MPI_Bcast(ct, (PetscMPIInt)nc, MPIU_INT64, 0, m->comm));
  m->rng->seed      = seed;
  m->rng->ncounters = 0;
  for (PetscInt64 i = 0; i < nc; i++) PetscCall(NbRNGSetCounter(m->rng, st[i], ct[i]));
  free(st);
  free(ct);
  if (opt) {
    opt->step = (PetscInt)step;
    for (PetscInt k = 0; k < narr; k++) PetscCallMPI(MPI_Bcast(arrs[k], (PetscMPIInt)lens[k], MPIU_REAL, 0, m->comm));
  }
  if (state) PetscCall(NbStateBcast_Private(state, 0, m->comm));
  PetscCall(PetscLogEventEnd(NB_Checkpoint, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
