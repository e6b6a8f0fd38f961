/* The dense damped least-squares solve of gn and lm (see lsqimpl.h): a
   BLACS grid made from the optimizer's communicator (Csys2blacs_handle, so
   that any communicator works, not only MPI_COMM_WORLD), J^T moved from the
   row distribution of the residual points to the 2-D block-cyclic layout,
   then either the normal equations (PDSYRK, PDPOTRF, PDPOTRS; Nocedal &
   Wright 2006, sec. 10.3) or the augmented QR problem (PDGELS). The solution
   is replicated on every rank by one allreduce in which each entry has a
   single nonzero contribution, so it is exact. */
#include "lsqimpl.h"
#include "scalapack.h"
#include <petscblaslapack.h>

const char *const NbLSQSolvers[] = {"cholesky", "qr", "local", "NbLSQSolver", "NB_LSQ_", NULL};

struct _n_NbLSQ {
  MPI_Comm    comm;
  PetscMPIInt size, rank;
  NbLSQSolver solver;
  int         sys, ctxt1, ctxt2; /* system handle; 1 x size grid; p x q grid */
  int         p, q, myrow, mycol;
  int         P, nmax, npad, nb; /* parameters, local rows, padded global rows, 2-D block */
  int         descA[9], descC[9], descB[9];
  PetscReal  *A;    /* cholesky: J^T J (P x P); qr: [J^T, 0] (P x (npad + P)) */
  PetscReal  *W, *b, *work, *rall;
  PetscInt    lwork;
};

void NbLSQDefaultGrid(PetscMPIInt size, PetscInt *p, PetscInt *q)
{
  PetscInt a = (PetscInt)PetscSqrtReal((PetscReal)size);

  while (a > 1 && size % a) a--;
  *p = size / a;
  *q = a;
}

PetscErrorCode NbLSQCreate(MPI_Comm comm, PetscInt p, PetscInt q, NbLSQSolver solver, NbLSQ *lsq)
{
  NbLSQ s;
  int   np, nq;

  PetscFunctionBegin;
  PetscCall(PetscNew(&s));
  s->comm   = comm;
  s->solver = solver;
  PetscCallMPI(MPI_Comm_size(comm, &s->size));
  PetscCallMPI(MPI_Comm_rank(comm, &s->rank));
  if (p <= 0 || q <= 0) NbLSQDefaultGrid(s->size, &p, &q);
  PetscCheck(p * q == s->size, comm, PETSC_ERR_USER_INPUT, "The BLACS grid %d x %d has %d processes but the communicator has %d ranks: give p,q with p q = %d (-pinn_blacs_grid p,q or NbOptimizerSetBLACSGrid)", (int)p, (int)q, (int)(p * q), (int)s->size, (int)s->size);
  s->p     = (int)p;
  s->q     = (int)q;
  s->sys   = Csys2blacs_handle(comm);
  s->ctxt1 = s->sys;
  Cblacs_gridinit(&s->ctxt1, "Row", 1, s->size);
  s->ctxt2 = s->sys;
  Cblacs_gridinit(&s->ctxt2, "Row", s->p, s->q);
  Cblacs_gridinfo(s->ctxt2, &np, &nq, &s->myrow, &s->mycol);
  PetscCheck(np == s->p && nq == s->q && s->myrow >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "BLACS did not make the %d x %d grid (got %d x %d)", s->p, s->q, np, nq);
  *lsq = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FreeArrays(NbLSQ s)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(s->A));
  PetscCall(PetscFree(s->W));
  PetscCall(PetscFree(s->b));
  PetscCall(PetscFree(s->work));
  PetscCall(PetscFree(s->rall));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbLSQDestroy(NbLSQ *lsq)
{
  NbLSQ s = *lsq;

  PetscFunctionBegin;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FreeArrays(s));
  Cblacs_gridexit(s->ctxt1);
  Cblacs_gridexit(s->ctxt2);
  Cfree_blacs_system_handle(s->sys);
  PetscCall(PetscFree(*lsq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the 2-D block: 64, smaller when P is small so that every process owns blocks */
static int BlockSize(int P, int p, int q)
{
  int pq = PetscMax(p, q);
  return PetscMax(1, PetscMin(64, (P + 2 * pq - 1) / (2 * pq)));
}

static int LocalRows(NbLSQ s, int m) { int z = 0; return numroc_(&m, &s->nb, &s->myrow, &z, &s->p); }
static int LocalCols(NbLSQ s, int n) { int z = 0; return numroc_(&n, &s->nb, &s->mycol, &z, &s->q); }

/* columns of the 2-D matrix: J^T's npad, and P more for the QR augmentation */
static int Columns(NbLSQ s) { return s->npad + (s->solver == NB_LSQ_QR ? s->P : 0); }

static void SetSizes(NbLSQ s, PetscInt P, PetscInt nmax)
{
  s->P    = (int)P;
  s->nmax = (int)PetscMax(nmax, 1);
  s->npad = s->size * s->nmax;
  s->nb   = BlockSize(s->P, s->p, s->q);
}

PetscErrorCode NbLSQMemory(NbLSQ s, PetscInt P, PetscInt nmax, PetscLogDouble *bytes)
{
  PetscLogDouble mloc, n;

  PetscFunctionBegin;
  SetSizes(s, P, nmax);
  mloc = LocalRows(s, s->P);
  n    = (PetscLogDouble)s->nmax * P;                       /* this rank's rows of J */
  n += mloc * LocalCols(s, Columns(s));                      /* the 2-D J^T (qr: augmented) */
  if (s->solver == NB_LSQ_LOCAL) n += (PetscLogDouble)P * P - mloc * LocalCols(s, Columns(s)); /* this rank's J^T J, no 2-D J */
  if (s->solver != NB_LSQ_QR) n += 2 * mloc * LocalCols(s, s->P); /* J^T J and its factor */
  else n += mloc * LocalCols(s, Columns(s)) + s->npad + P;   /* the copy PDGELS overwrites, r */
  *bytes = 8 * n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Descriptor(NbLSQ s, int desc[9], int m, int n, int ctxt, int mb, int nb, int lld)
{
  int z = 0, info;

  PetscFunctionBegin;
  lld = PetscMax(lld, 1);
  descinit_(desc, &m, &n, &mb, &nb, &z, &z, &ctxt, &lld, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "descinit_ failed for a %d x %d matrix (argument %d)", m, n, -info);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* global index of local index l of a dimension blocked by nb over n processes, on process k */
static int GlobalIndex(int l, int nb, int n, int k) { return (l / nb) * nb * n + k * nb + l % nb; }

/* J^T J: each rank's rows by DSYRK, summed over the ranks; this process's 2-D blocks copied out (upper triangle) */
static PetscErrorCode FormLocal(NbLSQ s, const PetscReal J[])
{
  PetscReal   *C, one = 1, zero = 0;
  PetscBLASInt bP, bn;
  PetscMPIInt  len;
  int          mloc = LocalRows(s, s->P), nloc = LocalCols(s, s->P);

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(s->P, &bP));
  PetscCall(PetscBLASIntCast(s->nmax, &bn));
  PetscCall(PetscMPIIntCast((PetscInt64)s->P * s->P, &len));
  PetscCall(PetscCalloc1((size_t)s->P * s->P, &C));
  PetscCallBLAS("BLASsyrk", BLASsyrk_("U", "N", &bP, &bn, &one, J, &bP, &zero, C, &bP));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, C, len, MPIU_REAL, MPIU_SUM, s->comm));
  for (int lj = 0; lj < nloc; lj++) {
    int j = GlobalIndex(lj, s->nb, s->q, s->mycol);
    for (int li = 0; li < mloc; li++) {
      int i = GlobalIndex(li, s->nb, s->p, s->myrow);
      if (i <= j) s->A[li + (size_t)lj * mloc] = C[i + (size_t)j * s->P];
    }
  }
  PetscCall(PetscFree(C));
  PetscCall(PetscLogFlops((PetscLogDouble)s->P * s->P * s->nmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbLSQSetJacobian(NbLSQ s, PetscInt P, PetscInt nmax, const PetscReal J[], const PetscReal r[])
{
  int    desc1[9], one = 1, mloc, ncol, npadP;
  size_t nA;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(NB_LSQForm, 0, 0, 0, 0));
  PetscCall(FreeArrays(s));
  SetSizes(s, P, nmax);
  mloc = LocalRows(s, s->P);
  ncol = Columns(s);
  nA   = (size_t)PetscMax(mloc, 1) * PetscMax(LocalCols(s, ncol), 1);
  PetscCall(Descriptor(s, desc1, s->P, s->npad, s->ctxt1, s->P, s->nmax, s->P));
  PetscCall(Descriptor(s, s->descA, s->P, ncol, s->ctxt2, s->nb, s->nb, mloc));
  if (s->solver == NB_LSQ_LOCAL) {
    PetscCall(Descriptor(s, s->descC, s->P, s->P, s->ctxt2, s->nb, s->nb, mloc));
    PetscCall(PetscCalloc1((size_t)PetscMax(mloc, 1) * PetscMax(LocalCols(s, s->P), 1), &s->A));
    PetscCall(FormLocal(s, J));
  } else {
    PetscCall(PetscCalloc1(nA, &s->A));
    pdgemr2d_(&s->P, &s->npad, J, &one, &one, desc1, s->A, &one, &one, s->descA, &s->ctxt1);
  }
  if (s->solver == NB_LSQ_CHOLESKY) {
    PetscReal *JT = s->A, alpha = 1, beta = 0;
    int        descJ[9];
    PetscCall(PetscArraycpy(descJ, s->descA, 9));
    PetscCall(Descriptor(s, s->descC, s->P, s->P, s->ctxt2, s->nb, s->nb, mloc));
    PetscCall(PetscCalloc1((size_t)PetscMax(mloc, 1) * PetscMax(LocalCols(s, s->P), 1), &s->A));
    pdsyrk_("U", "N", &s->P, &s->npad, &alpha, JT, &one, &one, descJ, &beta, s->A, &one, &one, s->descC);
    PetscCall(PetscFree(JT));
    PetscCall(PetscLogFlops((PetscLogDouble)s->P * s->P * s->nmax));
  }
  if (s->solver != NB_LSQ_QR) {
    PetscCall(PetscMalloc1((size_t)PetscMax(mloc, 1) * PetscMax(LocalCols(s, s->P), 1), &s->W));
    PetscCall(Descriptor(s, s->descB, s->P, 1, s->ctxt2, s->nb, s->nb, mloc));
    PetscCall(PetscMalloc1(PetscMax(mloc, 1), &s->b));
  } else {
    PetscReal q, *rpad;
    int       lw = -1, info;
    npadP = s->npad + s->P;
    PetscCall(PetscMalloc1(nA, &s->W));
    PetscCall(Descriptor(s, s->descB, npadP, 1, s->ctxt2, s->nb, s->nb, LocalRows(s, npadP)));
    PetscCall(PetscMalloc1((size_t)PetscMax(LocalRows(s, npadP), 1), &s->b));
    PetscCall(PetscMalloc1(s->npad, &s->rall));
    PetscCall(PetscMalloc1(s->nmax, &rpad));
    PetscCall(PetscArraycpy(rpad, r, s->nmax));
    PetscCallMPI(MPI_Allgather(rpad, s->nmax, MPIU_REAL, s->rall, s->nmax, MPIU_REAL, s->comm));
    PetscCall(PetscFree(rpad));
    pdgels_("T", &s->P, &npadP, &one, s->W, &one, &one, s->descA, s->b, &one, &one, s->descB, &q, &lw, &info);
    PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "pdgels_ workspace query failed (info %d)", info);
    s->lwork = (PetscInt)q + 1;
    PetscCall(PetscMalloc1(s->lwork, &s->work));
  }
  PetscCall(PetscLogEventEnd(NB_LSQForm, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* local position of global index i (0-based) of a dimension blocked by nb over n processes, if process k owns it */
static PetscBool Owns(int i, int nb, int n, int k, int *loc)
{
  *loc = (i / (nb * n)) * nb + i % nb;
  return (PetscBool)((i / nb) % n == k);
}

/* x = the first P entries of the distributed column b, on every rank */
static PetscErrorCode Gather(NbLSQ s, PetscReal x[])
{
  int li;

  PetscFunctionBegin;
  PetscCall(PetscArrayzero(x, s->P));
  if (s->mycol == 0)
    for (int i = 0; i < s->P; i++)
      if (Owns(i, s->nb, s->p, s->myrow, &li)) x[i] = s->b[li];
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, x, s->P, MPIU_REAL, MPIU_SUM, s->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SolveCholesky(NbLSQ s, PetscReal lambda, const PetscReal d[], const PetscReal g[], PetscReal x[], PetscInt *info)
{
  int mloc = PetscMax(LocalRows(s, s->P), 1), one = 1, li, lj, inf = 0;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(s->W, s->A, (size_t)mloc * PetscMax(LocalCols(s, s->P), 1)));
  for (int i = 0; i < s->P; i++)
    if (Owns(i, s->nb, s->p, s->myrow, &li) && Owns(i, s->nb, s->q, s->mycol, &lj)) s->W[li + (size_t)lj * mloc] += lambda * (d ? d[i] : 1);
  pdpotrf_("U", &s->P, s->W, &one, &one, s->descC, &inf);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &inf, 1, MPI_INT, MPI_MAX, s->comm));
  *info = inf;
  if (inf) PetscFunctionReturn(PETSC_SUCCESS);
  if (s->mycol == 0)
    for (int i = 0; i < s->P; i++)
      if (Owns(i, s->nb, s->p, s->myrow, &li)) s->b[li] = -g[i];
  pdpotrs_("U", &s->P, &one, s->W, &one, &one, s->descC, s->b, &one, &one, s->descB, &inf);
  PetscCheck(inf == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "pdpotrs_ failed (argument %d)", -inf);
  PetscCall(PetscLogFlops((PetscLogDouble)s->P * s->P * s->P / 3.0 / s->size));
  PetscCall(Gather(s, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* min || [J; sqrt(lambda D)] x + [r; 0] ||: as PDGELS sees it, A^T x = B
   with A = [J^T, sqrt(lambda D)] (P x (npad + P)) and B = [-r; 0]. */
static PetscErrorCode SolveQR(NbLSQ s, PetscReal lambda, const PetscReal d[], PetscReal x[], PetscInt *info)
{
  int mloc = PetscMax(LocalRows(s, s->P), 1), ncol = Columns(s), one = 1, li, lj, inf = 0, lw = (int)s->lwork;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(s->W, s->A, (size_t)mloc * PetscMax(LocalCols(s, ncol), 1)));
  for (int i = 0; i < s->P; i++)
    if (Owns(i, s->nb, s->p, s->myrow, &li) && Owns(s->npad + i, s->nb, s->q, s->mycol, &lj)) s->W[li + (size_t)lj * mloc] = PetscSqrtReal(lambda * (d ? d[i] : 1));
  if (s->mycol == 0)
    for (int i = 0; i < ncol; i++)
      if (Owns(i, s->nb, s->p, s->myrow, &li)) s->b[li] = i < s->npad ? -s->rall[i] : 0;
  pdgels_("T", &s->P, &ncol, &one, s->W, &one, &one, s->descA, s->b, &one, &one, s->descB, s->work, &lw, &inf);
  PetscCheck(inf == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "pdgels_ failed (argument %d)", -inf);
  PetscCall(PetscLogFlops(2.0 * s->P * s->P * ncol / s->size));
  *info = 0;
  PetscCall(Gather(s, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbLSQSolve(NbLSQ s, PetscReal lambda, const PetscReal d[], const PetscReal g[], PetscReal x[], PetscInt *info)
{
  PetscFunctionBegin;
  PetscCheck(s->A, s->comm, PETSC_ERR_ARG_WRONGSTATE, "NbLSQSetJacobian() first");
  PetscCall(PetscLogEventBegin(NB_LSQSolve, 0, 0, 0, 0));
  if (s->solver != NB_LSQ_QR) PetscCall(SolveCholesky(s, lambda, d, g, x, info));
  else PetscCall(SolveQR(s, lambda, d, x, info));
  PetscCall(PetscLogEventEnd(NB_LSQSolve, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbLSQView(NbLSQ s, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "dense solve: %s on a %d x %d BLACS grid, 2-D blocks of %d\n", NbLSQSolvers[s->solver], s->p, s->q, s->nb ? s->nb : BlockSize(s->P, s->p, s->q)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
