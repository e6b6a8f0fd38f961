/* Private to nn/: the BLACS and ScaLAPACK entry points nabla calls.
   Debian's libscalapack-openmpi (2.2.1) ships no C header: the C BLACS
   interface (Cblacs_*, Csys2blacs_handle) takes values, the Fortran
   routines (numroc_, descinit_, pd*_) take every argument by pointer.
   Global indices are 1-based; local blocks are column-major. Checked
   against the library's exported symbols (nm -D). */
#ifndef NB_SCALAPACK_H
#define NB_SCALAPACK_H

#include <mpi.h>

/* descriptor entries (0-based positions in the 9-integer array) */
enum { NB_DESC_CTXT = 1, NB_DESC_M = 2, NB_DESC_N = 3, NB_DESC_MB = 4, NB_DESC_NB = 5, NB_DESC_LLD = 8 };

/* BLACS, C interface */
extern int  Csys2blacs_handle(MPI_Comm);
extern void Cfree_blacs_system_handle(int);
extern void Cblacs_gridinit(int *ctxt, const char *order, int nprow, int npcol);
extern void Cblacs_gridinfo(int ctxt, int *nprow, int *npcol, int *myrow, int *mycol);
extern void Cblacs_gridexit(int ctxt);

/* tools */
extern int  numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
extern void descinit_(int desc[9], const int *m, const int *n, const int *mb, const int *nb, const int *irsrc, const int *icsrc, const int *ctxt, const int *lld, int *info);
extern void pdgemr2d_(const int *m, const int *n, const double *a, const int *ia, const int *ja, const int desca[9], double *b, const int *ib, const int *jb, const int descb[9], const int *ctxt);

/* PBLAS and ScaLAPACK */
extern void pdsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha, const double *a, const int *ia, const int *ja, const int desca[9], const double *beta, double *c, const int *ic, const int *jc, const int descc[9]);
extern void pdpotrf_(const char *uplo, const int *n, double *a, const int *ia, const int *ja, const int desca[9], int *info);
extern void pdpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *ia, const int *ja, const int desca[9], double *b, const int *ib, const int *jb, const int descb[9], int *info);
extern void pdgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a, const int *ia, const int *ja, const int desca[9], double *b, const int *ib, const int *jb, const int descb[9], double *work, const int *lwork, int *info);

#endif
