/* Private to pinn/dd*.c: the data of the decomposed PINN types (xpinn,
   cpinn, fbpinn), NbDD, behind NbPINN's ops table.

   Geometry. The problem's space-time box is cut into a tensor grid of
   cells, parts[a] along axis a (x[, y], t), of equal widths or between
   the cut positions given per axis (edge[a]); cell id = sum_a idx[a] *
   stride[a], axis 0 fastest. Every point of the box is owned by exactly one
   cell (half-open cells, the last one closed). The support of a cell is the
   cell itself (xpinn, cpinn) or the cell grown by the overlap (fbpinn);
   networks take their inputs normalised to their support (Moseley et al.
   2023). Cells are dealt to ranks in contiguous blocks of ids.

   Coupling. Every loss term lives at points owned by one cell, and the
   subdomain that owns them evaluates it with every network it involves:
   its own (parameters in the rank model) and its neighbours' (replicas in
   its halo model, refreshed from the owners by point-to-point messages
   before every evaluation). The gradient with respect to a replica is sent
   back to the neighbour, which adds it to its own. Each term is thus
   computed once, by one subdomain, with all its dependencies live: the
   summed gradient is exactly the gradient of the total loss, whichever
   rank holds which subdomain. */
#ifndef NBDDIMPL_H
#define NBDDIMPL_H

#include "pinnimpl.h"

#define NB_DD_MAXAX    4  /* coordinates of the space-time box */
#define NB_DD_MAXCOVER 16 /* networks that can overlap at one point (2^axes) */

typedef struct {
  PetscInt    idx[NB_DD_MAXAX];
  PetscReal   lo[NB_DD_MAXAX], hi[NB_DD_MAXAX];   /* the cell (owned points) */
  PetscReal   slo[NB_DD_MAXAX], shi[NB_DD_MAXAX]; /* the support of its network */
  PetscInt    width, depth, np;                   /* its network; np parameters */
  PetscMPIInt rank;
  PetscInt    nnb, *nb; /* neighbours whose networks enter its terms (ascending) */
} NbDDCell;

/* A set of points of a local subdomain in its training graph: residual
   points of one region (fbpinn) or all of them (xpinn), initial, boundary,
   observation or interface points. */
typedef struct {
  NbTensor   X, V;    /* coordinates; values (initial/boundary/data) */
  PetscInt   n, cap;  /* points now, capacity */
  PetscReal *x, *v;   /* n x nin, n x nout */
  PetscInt   ncover;  /* networks evaluated on the set (own first) */
  PetscInt   cover[NB_DD_MAXCOVER];
  PetscInt   code;    /* fbpinn region code; interfaces: the neighbour */
  PetscInt   axis;    /* interfaces: the normal axis */
  PetscReal  sign;    /* interfaces: +1 if the own cell is the lower one */
} NbDDSet;

typedef struct {
  PetscInt sub, slot; /* local: the local subdomain and its replica slot; sub < 0 if remote */
  PetscInt off;       /* remote: offset in the exchange buffer */
} NbDDContrib;

#define DD_TERM_RES  NB_PINN_TERM_RES
#define DD_TERM_IC   NB_PINN_TERM_IC
#define DD_TERM_BC   NB_PINN_TERM_BC
#define DD_TERM_DATA NB_PINN_TERM_DATA
#define DD_TERM_IF   NB_PINN_TERM_IF
#define DD_NTERMS    NB_PINN_NTERMS

/* One block of the send buffer: local subdomain l's parameters for the
   replica held by subdomain j on neighbour rank nbrank[i] (and, on the way
   back, j's gradient with respect to them). */
typedef struct {
  PetscInt i, j, l;
  PetscInt off; /* offset in the send buffer */
} NbDDSend;

typedef struct _p_NbDD *NbDD;

typedef struct {
  PetscInt  id;     /* the cell */
  NbLayer   net;    /* its network, in the rank model */
  PetscInt  off;    /* its block [off, off + np) of the rank model's buffer */
  NbModel   halo;   /* replicas of the neighbours' networks */
  NbLayer  *hnet;   /* per neighbour (cells[id].nb order) */
  PetscInt *hoff;   /* their blocks in the halo buffer */
  NbSampler sampler;
  NbGraph   g;      /* training graph (PETSC_COMM_SELF) */
  NbGraph   gres;   /* |r| at arbitrary points of the cell (adaptive samplers) */
  NbGraph   gu;     /* u at arbitrary points of the cell */
  NbTensor  XR, RR, XU, UU;
  NbTensor  term[DD_NTERMS], loss;
  PetscInt  nres;   /* residual sets (regions) */
  NbDDSet  *res;
  NbDDSet   ic, bc, data;
  PetscInt  nif;    /* interface sets (xpinn, cpinn) */
  NbDDSet  *iface;
  /* where the gradient contributions to this subdomain's network come
     from, one per neighbour (cells[id].nb order): the halo gradient of a
     local subdomain, or the exchange buffer of a remote one */
  NbDDContrib *contrib;
  PetscInt    *boff; /* per replica: its offset in the receive buffer, -1 if local */
} NbDDSub;

typedef struct {
  PetscErrorCode (*setfromoptions)(NbDD, PetscOptionItems *);
  /* supports and neighbour lists of all cells; checks the variant's options */
  PetscErrorCode (*geometry)(NbDD);
  /* the residual sets of a local subdomain (before the graph is built) */
  PetscErrorCode (*residualsets)(NbDD, NbDDSub *);
  /* distributes the sampler's points into the residual sets */
  PetscErrorCode (*assign)(NbDD, NbDDSub *);
  /* u at the points X of a set from the networks cover[] (a jet or plain) */
  PetscErrorCode (*solution)(NbDD, NbDDSub *, NbGraph, NbTensor X, PetscInt ncover, const PetscInt cover[], NbTensor *U);
  /* the interface sets of a local subdomain, and their loss terms */
  PetscErrorCode (*interfacesets)(NbDD, NbDDSub *);
  PetscErrorCode (*interfaceterm)(NbDD, NbDDSub *, NbGraph, const NbTensor coef[], NbTensor *term);
  PetscErrorCode (*view)(NbDD, PetscViewer);
  PetscErrorCode (*destroy)(NbDD);
} NbDDOps;

struct _p_NbDD {
  NbPINN        pinn; /* the object this is the data of */
  MPI_Comm      comm;
  PetscMPIInt   rank, size;
  char          type[32];
  NbDDOps       ops;
  void         *data;
  NbPDE         prob;
  PetscBool     setup;
  PetscBool     windowed; /* u = sum of windowed networks (fbpinn) */
  /* NbPINN's options, copied at set-up */
  PetscInt      width, depth;
  NbActivation  act;
  PetscInt      npoints;
  PetscBool     hard, inverse;
  PetscReal     w[DD_NTERMS];
  PetscInt64    seed;
  /* decomposition options (-pinn_dd_*) */
  PetscInt      nin, parts[NB_DD_MAXAX], nparts, stride[NB_DD_MAXAX];
  PetscInt      ncut[NB_DD_MAXAX];       /* -pinn_dd_cuts_<axis> entries (0: equal cells) */
  PetscReal    *cut[NB_DD_MAXAX];
  PetscReal    *edge[NB_DD_MAXAX];      /* the parts[a] + 1 cell edges along axis a */
  PetscInt      ppsub;                   /* collocation points per subdomain */
  PetscInt      nwidth, ndepth, *widths, *depths;
  PetscInt      nifpoints;               /* per interface (xpinn, cpinn) */
  PetscReal     wavg, wifres, wflux;     /* interface weights */
  PetscReal     overlap;                 /* fbpinn */
  PetscBool     view;
  /* cells (all of them) and the local subdomains */
  PetscInt      ncell;
  NbDDCell     *cells;
  PetscInt      nlocal;
  NbDDSub      *sub;
  PetscInt      first;                   /* id of the first local cell */
  /* the rank model (NbPINN's p->model, borrowed): the local networks, then
     the shared coefficients (its replicated part) */
  NbModel       model;
  PetscInt      coefoff;                 /* first coefficient in the buffer */
  PetscReal    *acc;                     /* gradient being assembled */
  /* neighbour ranks, a distributed-graph communicator over them, and the
     exchange buffers (parameters out, gradients back) */
  MPI_Comm      ncomm;
  PetscInt      nrank;
  PetscMPIInt  *nbrank;
  PetscMPIInt  *scount, *sdispl, *rcount, *rdispl;
  PetscReal    *sbuf, *rbuf;
  PetscInt      nsend;                   /* the send buffer's blocks, in order */
  NbDDSend     *send;
  PetscBool     stale;                   /* replicas older than the parameters */
  /* global counts of each kind of point (means divide by them) */
  PetscInt64    Nres, Nic, Nbc, Ndata, Nif;
  PetscLogDouble tcomm;                  /* seconds in communication so far */
  PetscReal     termval[DD_NTERMS];      /* last evaluation, summed over subdomains */
};

/* dd.c */
PETSC_INTERN PetscErrorCode NbDDCellOfPoint_Private(NbDD, const PetscReal x[], PetscInt *cell);
PETSC_INTERN PetscErrorCode NbDDAxisName_Private(NbDD, PetscInt, char[16]);
PETSC_INTERN PetscErrorCode NbDDCellFromIndex_Private(NbDD, const PetscInt idx[], PetscInt *cell);
/* dd_points.c */
PETSC_INTERN PetscErrorCode NbDDSetAlloc_Private(NbDD, NbDDSet *, PetscInt cap);
PETSC_INTERN PetscErrorCode NbDDSetFree_Private(NbDDSet *);
PETSC_INTERN PetscErrorCode NbDDBuildSamplers_Private(NbDD);
PETSC_INTERN PetscErrorCode NbDDDistributeData_Private(NbDD);
PETSC_INTERN PetscErrorCode NbDDDistributeObservations_Private(NbDD);
/* dd_graph.c */
PETSC_INTERN PetscErrorCode NbDDNetwork_Private(NbDD, NbDDSub *, NbGraph, PetscInt cell, NbTensor X, NbTensor *N);
PETSC_INTERN PetscErrorCode NbDDCoefficients_Private(NbDD, NbGraph, NbTensor coef[]);
PETSC_INTERN PetscErrorCode NbDDBuildGraphs_Private(NbDD, NbDDSub *);
PETSC_INTERN PetscErrorCode NbDDSetInputs_Private(NbDD, NbDDSub *);
PETSC_INTERN PetscErrorCode NbDDSolutionOne_Private(NbDD, NbDDSub *, NbGraph, NbTensor X, PetscInt cell, NbTensor *U);
/* dd_comm.c */
PETSC_INTERN PetscErrorCode NbDDCommSetUp_Private(NbDD);
PETSC_INTERN PetscErrorCode NbDDExchangeParameters_Private(NbDD);
PETSC_INTERN PetscErrorCode NbDDObjective_Private(NbPINN, PetscReal *);
PETSC_INTERN PetscErrorCode NbDDEvaluate_Private(NbPINN, PetscInt n, const PetscReal x[], PetscReal u[]);
PETSC_INTERN PetscErrorCode NbDDCommDestroy_Private(NbDD);
/* variants */
PETSC_INTERN PetscErrorCode NbDDCreate_XPINN(NbDD);
PETSC_INTERN PetscErrorCode NbDDCreate_CPINN(NbDD);
PETSC_INTERN PetscErrorCode NbDDCreate_FBPINN(NbDD);
/* dd.c: the NbPINN type shared by the three variants */
PETSC_INTERN PetscErrorCode NbDDCreate_Private(NbPINN, PetscErrorCode (*variant)(NbDD));
PETSC_INTERN PetscErrorCode NbDDFBPINNWindow_Private(NbDD, NbTensor X, PetscInt cell, NbTensor *w);

#endif
