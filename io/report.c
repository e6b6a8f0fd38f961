/* The short result table every program prints at the end, copied into the
   output file's metadata so the numbers travel with the fields. */
#include "nbio.h"

typedef struct {
  char key[64];
  char value[128];
  PetscBool isreal;
  PetscReal real;
} NbReportRow;

struct _p_NbReport {
  MPI_Comm     comm;
  char         title[128];
  PetscInt     n, cap;
  NbReportRow *rows;
};

PetscErrorCode NbReportCreate(MPI_Comm comm, const char title[], NbReport *rep)
{
  PetscFunctionBegin;
  PetscCall(PetscNew(rep));
  (*rep)->comm = comm;
  PetscCall(PetscStrncpy((*rep)->title, title, sizeof((*rep)->title)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode NbReportNewRow(NbReport r, const char key[], NbReportRow **row)
{
  PetscFunctionBegin;
  if (r->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 16;
    PetscCall(PetscRealloc(r->cap * sizeof(NbReportRow), &r->rows));
  }
  *row = &r->rows[r->n++];
  PetscCall(PetscMemzero(*row, sizeof(**row)));
  PetscCall(PetscStrncpy((*row)->key, key, sizeof((*row)->key)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbReportAddString(NbReport r, const char key[], const char value[])
{
  NbReportRow *row = NULL;

  PetscFunctionBegin;
  PetscCall(NbReportNewRow(r, key, &row));
  PetscCall(PetscStrncpy(row->value, value, sizeof(row->value)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbReportAddInt(NbReport r, const char key[], PetscInt value)
{
  NbReportRow *row = NULL;

  PetscFunctionBegin;
  PetscCall(NbReportNewRow(r, key, &row));
  PetscCall(PetscSNPrintf(row->value, sizeof(row->value), "%" PetscInt_FMT, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbReportAddReal(NbReport r, const char key[], const char fmt[], PetscReal value)
{
  NbReportRow *row = NULL;

  PetscFunctionBegin;
  PetscCall(NbReportNewRow(r, key, &row));
  PetscCall(PetscSNPrintf(row->value, sizeof(row->value), fmt ? fmt : "%.6g", (double)value));
  row->isreal = PETSC_TRUE;
  row->real   = value;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbReportPrint(NbReport r, NbOutput out)
{
  size_t w = 0, len;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < r->n; i++) {
    PetscCall(PetscStrlen(r->rows[i].key, &len));
    w = PetscMax(w, len);
  }
  PetscCall(PetscPrintf(r->comm, "\n%s\n", r->title));
  for (PetscInt i = 0; i < r->n; i++) PetscCall(PetscPrintf(r->comm, "  %-*s  %s\n", (int)w, r->rows[i].key, r->rows[i].value));
  if (out) {
    for (PetscInt i = 0; i < r->n; i++) {
      char key[80];
      PetscCall(PetscSNPrintf(key, sizeof(key), "result: %s", r->rows[i].key));
      if (r->rows[i].isreal) PetscCall(NbOutputSetMetadataReal(out, key, r->rows[i].real));
      else PetscCall(NbOutputSetMetadataString(out, key, r->rows[i].value));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbReportDestroy(NbReport *rep)
{
  PetscFunctionBegin;
  if (!*rep) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*rep)->rows));
  PetscCall(PetscFree(*rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}
