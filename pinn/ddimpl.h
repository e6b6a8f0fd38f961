/* Private to pinn/dd*.c: the domain-decomposed PINN object (NbDDPINN).

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

#include "nbpinn.h"

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

typedef enum {
  DD_TERM_RES,
  DD_TERM_IC,
  DD_TERM_BC,
  DD_TERM_DATA,
  DD_TERM_IF,
  DD_NTERMS
} NbDDTerm;

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
  PetscErrorCode (*setfromoptions)(NbDDPINN, PetscOptionItems *);
  /* supports and neighbour lists of all cells; checks the variant's options */
  PetscErrorCode (*geometry)(NbDDPINN);
  /* the residual sets of a local subdomain (before the graph is built) */
  PetscErrorCode (*residualsets)(NbDDPINN, NbDDSub *);
  /* distributes the sampler's points into the residual sets */
  PetscErrorCode (*assign)(NbDDPINN, NbDDSub *);
  /* u at the points X of a set from the networks cover[] (a jet or plain) */
  PetscErrorCode (*solution)(NbDDPINN, NbDDSub *, NbGraph, NbTensor X, PetscInt ncover, const PetscInt cover[], NbTensor *U);
  /* the interface sets of a local subdomain, and their loss terms */
  PetscErrorCode (*interfacesets)(NbDDPINN, NbDDSub *);
  PetscErrorCode (*interfaceterm)(NbDDPINN, NbDDSub *, NbGraph, const NbTensor coef[], NbTensor *term);
  PetscErrorCode (*view)(NbDDPINN, PetscViewer);
  PetscErrorCode (*destroy)(NbDDPINN);
} NbDDPINNOps;

struct _p_NbDDPINN {
  MPI_Comm      comm;
  PetscMPIInt   rank, size;
  char          type[32];
  NbDDPINNOps   ops;
  void         *data;
  NbPINNProblem prob;
  PetscBool     hasprob, setup;
  PetscBool     windowed; /* u = sum of windowed networks (fbpinn) */
  NbDDPINNFluxFn flux;
  void          *fluxctx;
  /* options shared with NbPINN (-pinn_*) */
  PetscInt      width, depth;
  NbActivation  act;
  PetscInt      npoints, nbnd;
  PetscBool     hard, inverse;
  PetscReal     w[DD_NTERMS], lr, noise;
  PetscInt      adam_steps, lbfgs_steps, resample_every, monitor;
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
  /* one model per rank: the local networks, then the shared coefficients */
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
  PetscBool     stale;                   /* replicas older than the parameters */
  /* global counts of each kind of point (means divide by them) */
  PetscInt64    Nres, Nic, Nbc, Ndata, Nif;
  /* observations given before SetUp (this rank's, any cell) */
  PetscInt      nDraw;
  PetscReal    *xDraw, *uDraw;
  /* training */
  NbOptimizer   opt;
  NbOutput      out;
  PetscErrorCode (*errfn)(NbDDPINN, PetscReal *, void *);
  void         *errctx;
  PetscReal    *history;
  PetscInt      nhistory;
  PetscReal     clip;
  NbDDPINNStats stats;
  PetscLogDouble tcomm;                  /* seconds in communication so far */
  PetscReal     termval[DD_NTERMS];      /* last evaluation, summed over subdomains */
};

/* dd.c */
PETSC_INTERN PetscErrorCode NbDDCellOfPoint_Private(NbDDPINN, const PetscReal x[], PetscInt *cell);
PETSC_INTERN PetscErrorCode NbDDAxisName_Private(NbDDPINN, PetscInt, char[16]);
PETSC_INTERN PetscErrorCode NbDDCellFromIndex_Private(NbDDPINN, const PetscInt idx[], PetscInt *cell);
/* dd_points.c */
PETSC_INTERN PetscErrorCode NbDDSetAlloc_Private(NbDDPINN, NbDDSet *, PetscInt cap);
PETSC_INTERN PetscErrorCode NbDDSetFree_Private(NbDDSet *);
PETSC_INTERN PetscErrorCode NbDDBuildSamplers_Private(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDBuildBoundaryData_Private(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDRouteData_Private(NbDDPINN);
/* dd_graph.c */
PETSC_INTERN PetscErrorCode NbDDNetwork_Private(NbDDPINN, NbDDSub *, NbGraph, PetscInt cell, NbTensor X, NbTensor *N);
PETSC_INTERN PetscErrorCode NbDDCoefficients_Private(NbDDPINN, NbGraph, NbTensor coef[]);
PETSC_INTERN PetscErrorCode NbDDResidualSquare_Private(NbDDPINN, NbTensor U, const NbTensor coef[], NbTensor *sq);
PETSC_INTERN PetscErrorCode NbDDBuildGraphs_Private(NbDDPINN, NbDDSub *);
PETSC_INTERN PetscErrorCode NbDDSetInputs_Private(NbDDPINN, NbDDSub *);
PETSC_INTERN PetscErrorCode NbDDSolutionOne_Private(NbDDPINN, NbDDSub *, NbGraph, NbTensor X, PetscInt cell, NbTensor *U);
/* dd_comm.c */
PETSC_INTERN PetscErrorCode NbDDCommSetUp_Private(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDExchangeParameters_Private(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDObjective_Private(NbModel, PetscReal *, void *);
PETSC_INTERN PetscErrorCode NbDDLBFGS_Private(NbDDPINN, PetscInt maxit, PetscInt *its);
PETSC_INTERN PetscErrorCode NbDDCommDestroy_Private(NbDDPINN);
/* variants */
PETSC_INTERN PetscErrorCode NbDDPINNCreate_XPINN(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDPINNCreate_CPINN(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDPINNCreate_FBPINN(NbDDPINN);
PETSC_INTERN PetscErrorCode NbDDFBPINNWindow_Private(NbDDPINN, NbTensor X, PetscInt cell, NbTensor *w);

#endif
