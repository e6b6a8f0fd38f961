/* Stopping on signals between training steps (NbStopPush, nbsys.h).

   The flag is the one piece of process-wide state in nabla: a signal is
   delivered to the process, not to an object, and a handler may only
   write a volatile sig_atomic_t (C11 7.14.1.1). Everything else happens
   outside the handler, at the next NbStopRequested. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "nbsys.h"

static const int        stop_signals[] = {SIGTERM, SIGINT, SIGUSR1};
#define NSTOP ((int)(sizeof(stop_signals) / sizeof(stop_signals[0])))
static volatile sig_atomic_t stop_received = 0;
static struct timespec       stop_first;
static struct sigaction      stop_previous[NSTOP];
static int                   stop_depth = 0;

/* A second signal a second or more after the first ends the process at
   once. Within that second it is taken as the same request delivered twice:
   a batch system that signals the whole job reaches each rank directly and
   again through mpiexec, which forwards what it receives. (clock_gettime and
   _exit are async-signal-safe, POSIX.1-2008 2.4.3.) */
static void StopHandler(int sig)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!stop_received) {
    stop_first    = now;
    stop_received = sig;
  } else if ((now.tv_sec - stop_first.tv_sec) + 1e-9 * (now.tv_nsec - stop_first.tv_nsec) >= 1.0) _exit(128 + sig);
}

PetscErrorCode NbStopPush(void)
{
  PetscFunctionBegin;
  if (stop_depth++ == 0) {
    struct sigaction sa;
    sa.sa_handler = StopHandler;
    sa.sa_flags   = 0; /* no SA_RESTART: a blocking call returns early, the loop checks the flag */
    sigemptyset(&sa.sa_mask);
    stop_received = 0;
    for (int i = 0; i < NSTOP; i++) PetscCheck(!sigaction(stop_signals[i], &sa, &stop_previous[i]), PETSC_COMM_SELF, PETSC_ERR_SYS, "Cannot install the handler of %s", NbSignalName(stop_signals[i]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStopPop(void)
{
  PetscFunctionBegin;
  PetscCheck(stop_depth > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "NbStopPop without NbStopPush");
  if (--stop_depth == 0)
    for (int i = 0; i < NSTOP; i++) PetscCheck(!sigaction(stop_signals[i], &stop_previous[i], NULL), PETSC_COMM_SELF, PETSC_ERR_SYS, "Cannot restore the handler of %s", NbSignalName(stop_signals[i]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbStopRequested(MPI_Comm comm, int *sig)
{
  int mine = (int)stop_received;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(&mine, sig, 1, MPI_INT, MPI_MAX, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *NbSignalName(int sig)
{
  switch (sig) {
  case SIGTERM:
    return "SIGTERM";
  case SIGINT:
    return "SIGINT";
  case SIGUSR1:
    return "SIGUSR1";
  default:
    return "a signal";
  }
}
