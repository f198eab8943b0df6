/* Parallel layer: the Cartesian process grid, node-local ranks, and hwloc
 * binding of each rank to its cores. */
#ifndef AEON_PARALLEL_H
#define AEON_PARALLEL_H

#include <mpi.h>

#include "aeon/deck.h"
#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A 3D Cartesian process grid. Plain data; owned by whoever created it. */
typedef struct aeon_par {
  MPI_Comm world;     /* the communicator the grid was built from (not owned) */
  MPI_Comm cart;      /* Cartesian communicator (owned); MPI_COMM_NULL in a plan (aeon check, run --dry-run), where a
                       * module's create checks its parameters against the mesh but computes nothing and calls no MPI */
  MPI_Comm node;      /* ranks sharing this node (owned) */
  int rank, size;     /* rank and size in cart */
  int dims[3];        /* processes per dimension */
  int coords[3];      /* this rank's coordinates */
  int periodic[3];    /* 1 where the grid wraps around */
  int node_rank;      /* rank among the ranks on this node */
  int node_size;      /* ranks on this node */
  char binding[128];  /* what this rank was bound to, e.g. "cores 0-3" or "not bound (oversubscribed)" */
} aeon_par;

/* The parameters of this module (parallel.dims, parallel.bind). */
extern const aeon_param_decl aeon_parallel_params[];
/* Number of entries in aeon_parallel_params. */
extern const int aeon_parallel_nparams;

/* Sets what must precede MPI_Init: with Open MPI, MPI-IO through ROMIO (OMPI_MCA_io=^ompio) unless the user set
 * OMPI_MCA_io. OMPIO's shared-file-pointer component keeps one system-wide named semaphore per file name in
 * /dev/shm: a job killed while holding it leaves it locked, and the next job writing a file of that name (a
 * checkpoint rewritten after a restart) blocks forever; two jobs on a node writing equal names share it. */
void aeon_mpi_preinit(void);
/* Chooses dims for size ranks: keeps given non-zero entries, fills zeros to balance a grid of n points. */
aeon_err aeon_par_choose_dims(int size, const long n[3], int dims[3]);
/* Builds the process grid over world with the given dims (0 = automatic) and periodicity. */
aeon_err aeon_par_create(MPI_Comm world, const int dims_in[3], const int periodic[3], const long n[3],
                         aeon_par *par);
/* Binds this rank to its share of the node's cores with hwloc (no-op when oversubscribed) and records it in par->binding. */
aeon_err aeon_par_bind(aeon_par *par);
/* Prints one line per rank describing its coordinates, node rank and binding, gathered to rank 0. */
aeon_err aeon_par_report(const aeon_par *par, FILE *out);
/* Frees the communicators of the grid. */
void aeon_par_destroy(aeon_par *par);
/* Returns the rank of the neighbour at offset d (each -1, 0, +1), or MPI_PROC_NULL outside a non-periodic edge. */
int aeon_par_neighbor(const aeon_par *par, const int d[3]);

/* Agrees on failure across comm: returns AEON_OK only if every rank passed AEON_OK; otherwise every rank
 * returns an error whose message is the one of the lowest failing rank (so rank 0 can print it). */
aeon_err aeon_par_agree(MPI_Comm comm, aeon_err local);

#ifdef __cplusplus
}
#endif
#endif
