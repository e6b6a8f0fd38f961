/* nabla io: one parallel HDF5 file per run, written collectively through
   MPI-IO, with an XDMF sidecar that ParaView opens as a time series.

   File layout (documented in README.md, "Output"):
     /grid                  attributes dim, n (slowest first), lower, upper, spacing
     /grid/x, /grid/y        node coordinates along each axis
     /time                   time of every step, in order
     /steps/NNNNNN           one group per output step, attribute `time`
     /steps/NNNNNN/<field>   DMDA natural order, shape [Ny][Nx] (1-D: [Nx]);
                             vectors [Ny][Nx][3] (2-D vectors padded with 0 so
                             ParaView sees a 3-vector)
     /metadata               attributes: program, options, ranks, versions,
                             wall time, and the run's results
     /points/<name>/NNNNNN   point clouds (see NbOutputWritePoints)
     /history/<name>         training histories (see NbOutputWriteHistory)
   The file is written as NAME.h5.partial and renamed to NAME.h5 only when
   complete; NAME.xmf is written after that. A failed or interrupted run
   never leaves a file that looks complete. */
#ifndef NBIO_H
#define NBIO_H

#include <petscdmda.h>
#include "nbsys.h"

typedef struct _p_NbOutput *NbOutput;

PETSC_EXTERN PetscErrorCode NbOutputCreate(MPI_Comm, NbOutput *);
/* -output NAME.h5 (default set by NbOutputSetFileName), -output_xdmf (default true) */
PETSC_EXTERN PetscErrorCode NbOutputSetFileName(NbOutput, const char[]);
PETSC_EXTERN PetscErrorCode NbOutputGetFileName(NbOutput, const char *[]);
PETSC_EXTERN PetscErrorCode NbOutputSetFromOptions(NbOutput);
/* Opens NAME.h5.partial (collective); fails here, before any expensive work,
   if the path is not writable. */
PETSC_EXTERN PetscErrorCode NbOutputOpen(NbOutput);
/* Records the uniform grid of a DMDA on the box [lower, upper]. */
PETSC_EXTERN PetscErrorCode NbOutputSetGrid(NbOutput, DM, const PetscReal lower[], const PetscReal upper[]);
PETSC_EXTERN PetscErrorCode NbOutputBeginStep(NbOutput, PetscReal t);
/* A DMDA vector on the grid: dof 1 is a scalar field, dof > 1 a vector. */
PETSC_EXTERN PetscErrorCode NbOutputWriteField(NbOutput, const char name[], Vec);
PETSC_EXTERN PetscErrorCode NbOutputEndStep(NbOutput);
/* Point clouds (collocation points, samples), one set per call: every rank
   passes its own npoints points of cdim <= 3 coordinates (space-time (x, t)
   is stored as (x, t, 0)) and up to 8 per-point fields. Stored as
   /points/<name>/NNNNNN/{coords [N][3], <field> [N]} with attribute tag (the
   training round or iteration), and described in the sidecar
   NAME-<name>.xmf, a time series over the sets (Time = tag) of Polyvertex
   grids that ParaView opens. Collective. */
PETSC_EXTERN PetscErrorCode NbOutputWritePoints(NbOutput, const char name[], PetscReal tag, PetscInt npoints, PetscInt cdim, const PetscReal coords[], PetscInt nfields, const char *const fieldnames[], const PetscReal *const fields[]);
/* A 1-D history (e.g. the loss per training step) as /history/<name>,
   values from rank 0. Collective. */
PETSC_EXTERN PetscErrorCode NbOutputWriteHistory(NbOutput, const char name[], PetscInt n, const PetscReal values[]);
/* Run metadata and results, attributes of /metadata. */
PETSC_EXTERN PetscErrorCode NbOutputSetMetadataString(NbOutput, const char key[], const char value[]);
PETSC_EXTERN PetscErrorCode NbOutputSetMetadataReal(NbOutput, const char key[], PetscReal value);
PETSC_EXTERN PetscErrorCode NbOutputSetMetadataInt(NbOutput, const char key[], PetscInt value);
/* Writes /time and the metadata, closes, renames to NAME.h5, writes NAME.xmf. */
PETSC_EXTERN PetscErrorCode NbOutputClose(NbOutput);
/* Destroying an output that was opened but not closed deletes the partial file. */
PETSC_EXTERN PetscErrorCode NbOutputDestroy(NbOutput *);

/* Reading a nabla file back. */
typedef struct _p_NbInput *NbInput;
PETSC_EXTERN PetscErrorCode NbInputOpen(MPI_Comm, const char filename[], NbInput *);
PETSC_EXTERN PetscErrorCode NbInputGetNumSteps(NbInput, PetscInt *);
PETSC_EXTERN PetscErrorCode NbInputGetTime(NbInput, PetscInt step, PetscReal *);
/* Grid: dimension, number of nodes per axis (x first), box. */
PETSC_EXTERN PetscErrorCode NbInputGetGrid(NbInput, PetscInt *dim, PetscInt n[], PetscReal lower[], PetscReal upper[]);
/* Reads a field of step into a DMDA vector with the file's grid (VecLoad). */
PETSC_EXTERN PetscErrorCode NbInputReadField(NbInput, PetscInt step, const char name[], Vec);
PETSC_EXTERN PetscErrorCode NbInputGetMetadataString(NbInput, const char key[], char **value);
PETSC_EXTERN PetscErrorCode NbInputGetMetadataReal(NbInput, const char key[], PetscReal *);
PETSC_EXTERN PetscErrorCode NbInputClose(NbInput *);

/* The end-of-run table printed by every program: rows of label/value. */
typedef struct _p_NbReport *NbReport;
PETSC_EXTERN PetscErrorCode NbReportCreate(MPI_Comm, const char title[], NbReport *);
PETSC_EXTERN PetscErrorCode NbReportAddString(NbReport, const char key[], const char value[]);
PETSC_EXTERN PetscErrorCode NbReportAddInt(NbReport, const char key[], PetscInt value);
PETSC_EXTERN PetscErrorCode NbReportAddReal(NbReport, const char key[], const char fmt[], PetscReal value);
/* Prints the table on rank 0 and copies every row to the output's metadata
   (as attributes "result: <key>") when out is not NULL. */
PETSC_EXTERN PetscErrorCode NbReportPrint(NbReport, NbOutput out);
PETSC_EXTERN PetscErrorCode NbReportDestroy(NbReport *);

#endif
