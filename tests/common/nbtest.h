/* Helpers the test programs share (tests/common/nbtest.c): a problem set
   up and solved from the options, a PINN of its PDE, errors and
   observations at the problem's evaluation points, and main(). */
#ifndef NBTEST_H
#define NBTEST_H

#include "nabla.h"

/* A problem of the given type from the options, set up (and, solve, with its reference). */
PetscErrorCode NbTestProblem(MPI_Comm, const char type[], PetscBool solve, NbProblem *);
/* A PINN of the problem's PDE on comm, options read, not set up. */
PetscErrorCode NbTestPINN(MPI_Comm, NbProblem, NbPINN *);
/* f at the evaluation points of every frame, v[k] (n x nout; free with NbTestFreeFrames). */
PetscErrorCode NbTestEvaluateFrames(NbProblem, NbPointFn, void *ctx, PetscReal ***v);
PetscErrorCode NbTestFreeFrames(NbProblem, PetscReal ***v);
/* NbPointFn of a PINN */
PetscErrorCode NbTestPINNPoints(PetscInt n, const PetscReal x[], PetscReal u[], void *ctx);
/* Every evaluation point of every frame after t = 0 (of the one frame when
   steady) with the reference there, clean: the whole list on every rank. */
PetscErrorCode NbTestAllObservations(NbProblem, PetscInt64 *N, PetscReal **x, PetscReal **u);
/* The Adam loss history (nsteps values) of a PINN of the problem on comm,
   with observations (N may be 0). */
PetscErrorCode NbTestLossHistory(MPI_Comm, NbProblem, PetscInt64 N, const PetscReal x[], const PetscReal u[], PetscInt nsteps, PetscReal hist[]);
/* The largest relative difference of two loss histories, checked against
   1e-10 (data-parallel sums differ from serial ones in summation order only). */
PetscErrorCode NbTestCompareHistories(MPI_Comm, const char what[], PetscInt n, const PetscReal a[], const PetscReal b[]);

/* Burgers residual r = u u_x + u_t - nu u_xx of a jet U carrying x, t, xx,
   nu the model's trainable scalar "nu" (added to the graph here). */
PetscErrorCode NbTestBurgersResidual(NbGraph, NbModel, NbTensor U, NbTensor *r);
/* Central differences of the graph's loss in each of the P parameters p[]
   (step h, restored afterwards): fd[i] = (L(p + h e_i) - L(p - h e_i)) / 2h. */
PetscErrorCode NbTestLossDifferences(NbGraph, NbTensor loss, PetscInt P, PetscReal p[], PetscReal h, PetscReal fd[]);
/* An optimizer of the model of the given type and learning rate on the graph's loss. */
PetscErrorCode NbTestOptimizer(NbModel, NbGraph, const char type[], PetscReal lr, NbOptimizer *);

/* main() of a test program whose body is Run(void) */
#define NB_TEST_MAIN(Run) \
  int main(int argc, char **argv) \
  { \
    PetscCall(NbInitialize(&argc, &argv, NULL, NULL)); \
    PetscCall(Run()); \
    PetscCall(NbFinalize()); \
    return 0; \
  }

/* pinn tests */
/* An inverse PINN's observations: every evaluation point of every frame
   after t = 0, clean (NbTestAllObservations; the reference solved first).
   Nothing for a forward PINN. */
PetscErrorCode NbTestSetAllObservations(NbProblem, NbPINN);
/* The values a PINN is judged against in frame k, n x nout (n evaluation points). */
typedef PetscErrorCode (*NbTestValuesFn)(NbProblem, PetscInt k, PetscReal v[], void *ctx);
/* Relative L2 error of the PINN's first ncomp outputs at the evaluation
   points of every frame, all ranks, against want (NULL: the reference),
   printed after what and checked against tol. */
PetscErrorCode NbTestCheckPINNError(NbProblem, NbPINN, PetscInt ncomp, NbTestValuesFn want, void *ctx, const char what[], PetscReal tol);
/* The nu and lambda an inverse Burgers PINN identified, printed and
   checked against the problem's within ctol (nu relative, lambda absolute). */
PetscErrorCode NbTestCheckBurgersCoefficients(NbProblem, NbPINN, PetscReal ctol);

#endif
