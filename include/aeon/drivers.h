/* Drivers: dense tiled matrices distributed 2D block-cyclic over a P x Q
 * process grid, in core or out of core (a file of tiles per rank); a memory
 * governor that every tile buffer is taken from; one table mapping (operation,
 * traits) to a tile kernel; block Cholesky in core (right-looking with
 * lookahead) and out of core (left-looking over square blocks sized to the
 * budget, an I/O thread prefetching tiles); the SUMMA product C = alpha A B +
 * beta C on in-core and out-of-core matrices. The eigensolver is in eigs.h. */
#ifndef AEON_DRIVERS_H
#define AEON_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "aeon/deck.h"
#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- process grid ---- */

/* A P x Q process grid, row-major: rank r sits at (r / Q, r % Q). */
typedef struct aeon_pgrid {
  MPI_Comm comm;      /* duplicate of the communicator the grid was built from (owned) */
  MPI_Comm row, col;  /* ranks in my process row / process column (owned) */
  int rank, size;     /* rank and size in comm */
  int P, Q;           /* grid shape */
  int p, q;           /* my coordinates */
} aeon_pgrid;

/* Parses "PxQ" (e.g. "2x2") into P and Q; AEON_ERR_USER with the text on anything else. */
aeon_err aeon_pgrid_parse(const char *s, int *P, int *Q);
/* Builds a P x Q grid over comm (P = Q = 0: the squarest grid with P <= Q); P*Q must be the size of comm. */
aeon_err aeon_pgrid_create(MPI_Comm comm, int P, int Q, aeon_pgrid *g);
/* Frees the grid's communicators. */
void aeon_pgrid_destroy(aeon_pgrid *g);
/* Sets the BLAS thread count to OPENBLAS_NUM_THREADS when set, else the node's cores over its ranks; returns it. */
int aeon_drv_blas_threads(MPI_Comm comm);

/* ---- memory governor ---- */

typedef struct aeon_gov aeon_gov; /* a byte budget that buffers are taken against (thread safe) */

/* Creates a governor with a budget of bytes (> 0). */
aeon_err aeon_gov_create(size_t budget, aeon_gov **g);
/* Frees the governor (every buffer must have been given back). */
void aeon_gov_destroy(aeon_gov *g);
/* Takes a buffer of bytes (64-byte aligned); AEON_ERR_MEM naming `what` if it would exceed the budget. */
aeon_err aeon_gov_alloc(aeon_gov *g, size_t bytes, const char *what, void **p);
/* Like aeon_gov_alloc but waits until other threads give back enough; AEON_ERR_MEM if bytes > budget. */
aeon_err aeon_gov_alloc_wait(aeon_gov *g, size_t bytes, const char *what, void **p);
/* Gives back a buffer of bytes taken from g (NULL is fine). */
void aeon_gov_free(aeon_gov *g, void *p, size_t bytes);
/* Returns the budget in bytes. */
size_t aeon_gov_budget(const aeon_gov *g);
/* Returns the bytes in use now. */
size_t aeon_gov_used(const aeon_gov *g);
/* Returns the largest number of bytes ever in use at once. */
size_t aeon_gov_peak(const aeon_gov *g);
/* Default budget per rank: half the node's available memory shared by the ranks on the node (collective). */
aeon_err aeon_gov_default_budget(MPI_Comm comm, size_t *bytes);
/* Parses a byte count such as "512M", "2GiB", "1.5g" or "4096" (binary units); AEON_ERR_USER otherwise. */
aeon_err aeon_parse_bytes(const char *s, size_t *bytes);
/* Writes bytes as a short human-readable string ("1.50 GiB"). */
void aeon_format_bytes(double bytes, char *buf, size_t n);

/* ---- traits and the tile-kernel table ---- */

typedef enum aeon_traits {
  AEON_TRAIT_GENERAL = 0, /* no structure: every tile stored */
  AEON_TRAIT_SYMMETRIC,   /* A = A^T: tiles on and below the diagonal stored */
  AEON_TRAIT_SPD,         /* symmetric positive definite: lower tiles stored */
  AEON_TRAIT_LOWER,       /* lower triangular: lower tiles stored */
  AEON_TRAIT_UPPER,       /* upper triangular: upper tiles stored */
  AEON_NTRAITS
} aeon_traits;

typedef enum aeon_tile_op {
  AEON_OP_FACTOR = 0, /* C = chol(C), lower (keyed by C's traits) */
  AEON_OP_SOLVE,      /* C = C A^-T with A a triangular tile (keyed by A's traits) */
  AEON_OP_INVERT,     /* C = C^-1 for a triangular tile (keyed by C's traits) */
  AEON_OP_MULTIPLY_T, /* C = alpha C A^T in place, A triangular (keyed by A's traits: dtrmm) */
  AEON_OP_UPDATE,     /* C = beta C + alpha A B^T (keyed by C's traits: syrk on symmetric tiles, B = A) */
  AEON_OP_MATVEC,     /* y = beta y + alpha A x (keyed by A's traits) */
  AEON_OP_MATVEC_T,   /* y = beta y + alpha A^T x (keyed by A's traits) */
  AEON_OP_MATMAT,     /* C = beta C + alpha A B, B and C with n columns (keyed by A's traits: dsymm on symmetric) */
  AEON_OP_MATMAT_T,   /* C = beta C + alpha A^T B (keyed by A's traits) */
  AEON_NOPS
} aeon_tile_op;

/* The arguments of one tile-kernel call (column-major tiles, element (r, c) at t[r + c * ld]; m may span a stack of
 * tiles of one tile column). */
typedef struct aeon_tile_call {
  int m, n, k;           /* C is m x n; k is the inner dimension of an update */
  const double *a, *b;   /* operands (b may be NULL where unused) */
  int lda, ldb;
  double *c;             /* output tile (or the vector y for MATVEC) */
  int ldc;
  const double *x;       /* MATVEC input vector */
  double alpha, beta;
  int info;              /* out: FACTOR's LAPACK info (> 0: leading minor of that order not positive) */
} aeon_tile_call;

/* One entry of the kernel table. */
typedef struct aeon_kernel {
  aeon_tile_op op;
  aeon_traits traits;
  const char *name;                               /* e.g. "dsyrk" */
  void (*run)(aeon_tile_call *c);                 /* performs the call */
  double (*flops)(const aeon_tile_call *c);       /* floating-point operations of the call */
} aeon_kernel;

/* Returns the kernel for op on a tile with traits t, or NULL when the table has none. */
const aeon_kernel *aeon_kernel_for(aeon_tile_op op, aeon_traits t);
/* Returns the kernel for (op, t) or AEON_ERR_UNSUPPORTED naming both when there is none. */
aeon_err aeon_kernel_get(aeon_tile_op op, aeon_traits t, const aeon_kernel **k);
/* Returns a short name for traits ("general", "SPD", ...). */
const char *aeon_traits_name(aeon_traits t);
/* Returns a short name for an operation ("factor", "update", ...). */
const char *aeon_tile_op_name(aeon_tile_op op);

/* ---- tiled matrices ---- */

typedef struct aeon_tilefile aeon_tilefile; /* a rank's file of tiles (out of core) */

/* A tiled matrix. Tile (i, j) lives on grid rank (i % P, j % Q); every tile is nb x nb, column-major (element
 * (r, c) at t[r + c * ld]; edge tiles use their top-left part and are zero-padded). In core, a rank's stored tiles
 * of one tile column form one column-major panel (ScaLAPACK's local layout): ld is the panel's rows (stored local
 * tiles of the column times nb), and a kernel runs on a whole stack of them with one call. Tile buffers that are
 * read, written, copied or sent on their own are contiguous (ld = nb). */
typedef struct aeon_tiled {
  long m, n;              /* global rows and columns */
  int nb;                 /* tile size */
  long mt, nt;            /* tile rows and tile columns */
  aeon_traits traits;     /* which tiles are stored and which kernels apply */
  const aeon_pgrid *grid; /* not owned */
  aeon_gov *gov;          /* not owned; tile buffers are taken from it */
  long mtl, ntl;          /* local tile rows (i % P == p) and columns (j % Q == q) */
  long *slot;             /* mtl * ntl: slot of local tile (i / P, j / Q), -1 when not stored */
  long nslots;            /* stored local tiles */
  long *cfirst;           /* ntl + 1: first slot of each local tile column (slots of a column are consecutive) */
  double *core;           /* in core: nslots tiles of nb * nb doubles; NULL out of core */
  aeon_tilefile *file;    /* out of core: this rank's tile file; NULL in core */
} aeon_tiled;

/* Creates an m x n matrix of nb x nb tiles on grid g with the given traits: in core (ooc_dir NULL, tiles
 * taken from gov at once) or out of core (a file per rank in ooc_dir; no tile memory held). */
aeon_err aeon_tiled_create(const aeon_pgrid *g, aeon_gov *gov, long m, long n, int nb, aeon_traits traits,
                           const char *ooc_dir, aeon_tiled **A);
/* Frees the matrix, its tile memory and (out of core) deletes its file. */
void aeon_tiled_destroy(aeon_tiled *A);
/* Returns 1 if tile (i, j) is stored under the matrix's traits. */
int aeon_tiled_stored(const aeon_tiled *A, long i, long j);
/* Returns the grid rank owning tile (i, j). */
int aeon_tiled_owner(const aeon_tiled *A, long i, long j);
/* Returns 1 if this rank owns tile (i, j) and it is stored. */
int aeon_tiled_mine(const aeon_tiled *A, long i, long j);
/* Returns the number of rows of tile row i (nb except at the bottom edge). */
int aeon_tiled_rows(const aeon_tiled *A, long i);
/* Returns the number of columns of tile column j. */
int aeon_tiled_cols(const aeon_tiled *A, long j);
/* Returns the traits of tile (i, j): the matrix's on the diagonal, general off it. */
aeon_traits aeon_tiled_tile_traits(const aeon_tiled *A, long i, long j);
/* Returns the in-core address of local tile (i, j) and its leading dimension in *ld (ld may be NULL), or NULL (not
 * mine, not stored, or out of core). */
double *aeon_tiled_tile(const aeon_tiled *A, long i, long j, int *ld);
/* Bytes of tile memory this rank needs to hold the whole matrix in core (per rank, collective max). */
aeon_err aeon_tiled_core_bytes(const aeon_pgrid *g, long m, long n, int nb, aeon_traits traits, size_t *bytes);
/* Copies local tile (i, j) into buf (nb * nb doubles, column-major, ld = nb), from memory or from the file. */
aeon_err aeon_tiled_get(aeon_tiled *A, long i, long j, double *buf);
/* Copies buf (nb * nb doubles, column-major, ld = nb) into local tile (i, j), in memory or in the file. */
aeon_err aeon_tiled_put(aeon_tiled *A, long i, long j, const double *buf);
/* Bytes read from and written to this rank's tile file so far (0 in core). */
void aeon_tiled_io(const aeon_tiled *A, uint64_t *read, uint64_t *written);

/* Element generator: value of entry (r, c) (global, 0-based). */
typedef double (*aeon_elem_fn)(void *ctx, long r, long c);
/* Fills every stored local tile from f (collective); edge padding is zero. */
aeon_err aeon_tiled_fill(aeon_tiled *A, aeon_elem_fn f, void *ctx);

/* Deterministic test matrices: entries depend only on (seed, r, c), never on the grid or tile size. */
typedef struct aeon_gen {
  uint64_t seed;
  long n;        /* order (for the SPD diagonal shift) */
  long bad_col;  /* SPD only: > 0 makes global column bad_col (1-based) the first where Cholesky fails */
} aeon_gen;
/* Uniform pseudo-random value in [-1, 1) for (seed, r, c), symmetric in r and c when sym. */
double aeon_gen_uniform(uint64_t seed, long r, long c, int sym);
/* SPD matrix: symmetric uniform entries in [-1, 1) plus n on the diagonal (diagonally dominant). */
double aeon_gen_spd(void *gen, long r, long c);
/* Symmetric matrix with uniform entries in [-1, 1). */
double aeon_gen_sym(void *gen, long r, long c);
/* General (non-symmetric) matrix with uniform entries in [-1, 1). */
double aeon_gen_general(void *gen, long r, long c);

/* ---- block Cholesky ---- */

/* Options of aeon_chol. */
typedef struct aeon_chol_opts {
  int lookahead;      /* panels factored ahead of the trailing update (in core) */
  long block_tiles;   /* out of core: block side in tiles (0: largest fitting the budget) */
  int reproducible;   /* 1: one BLAS call per tile, so L is identical in and out of core */
  void (*progress)(void *ctx, long done, long total); /* called on rank 0 as columns finish (may be NULL) */
  void *progress_ctx;
} aeon_chol_opts;

/* What a factorization did (this rank unless noted). */
typedef struct aeon_chol_stats {
  double seconds;       /* wall time (max over ranks) */
  double flops;         /* floating-point operations, all ranks */
  uint64_t io_read;     /* bytes read from tile files, all ranks */
  uint64_t io_written;  /* bytes written to tile files, all ranks */
  uint64_t comm_bytes;  /* bytes received from other ranks, all ranks */
  size_t peak;          /* largest governor use on any rank */
  long block_tiles;     /* out of core: the block side used */
} aeon_chol_stats;

/* Default options (lookahead 1, block size from the budget). */
aeon_chol_opts aeon_chol_defaults(void);
/* The tile size when none is given: for a Cholesky of order n the largest of 256, 128, 64 that gives at least 24 tile
 * columns (so the panel chain does not dominate); n = 0 (the other drivers): 256. */
int aeon_drivers_auto_nb(long n);
/* Factors the SPD matrix A = L L^T in place (lower tiles; in core or out of core by A's storage). A matrix
 * that is not positive definite fails on every rank with AEON_ERR_USER naming the global column; budget
 * or tile-size problems fail before any work with AEON_ERR_USER. On success A's traits become LOWER. */
aeon_err aeon_chol(aeon_tiled *A, const aeon_chol_opts *o, aeon_chol_stats *st);
/* Tile memory per rank (collective max) of the in-core factorization: the matrix and its panel buffers. */
aeon_err aeon_chol_core_bytes(const aeon_pgrid *g, long n, int nb, int lookahead, size_t *bytes);
/* Working-set bytes per rank (an upper bound, the same on every rank) of the out-of-core factorization with blocks
 * of bt tiles. */
aeon_err aeon_chol_ooc_bytes(const aeon_pgrid *g, long n, int nb, long bt, size_t *bytes);
/* Backward error ||A - L L^T||_F / ||A||_F of an in-core factor L against the generated A (collective). */
aeon_err aeon_chol_backward_error(aeon_tiled *L, aeon_elem_fn a, void *ctx, double *err);
/* Compares two tiled matrices of the same shape and grid tile by tile; *maxdiff gets max |x - y| (collective). */
aeon_err aeon_tiled_maxdiff(aeon_tiled *X, aeon_tiled *Y, double *maxdiff);

/* ---- matrix product ---- */

/* Options of aeon_matmul_ex. */
typedef struct aeon_matmul_opts {
  long block_rows, block_cols; /* C blocks in tiles (0: the largest fitting the budget; rounded up to P, Q multiples) */
  int reproducible;            /* 1: one BLAS call per tile, so C is identical in and out of core */
  void (*progress)(void *ctx, long done, long total); /* called on rank 0 after each SUMMA step (may be NULL) */
  void *progress_ctx;
} aeon_matmul_opts;

/* What a product did (totals over the grid). */
typedef struct aeon_matmul_stats {
  double seconds;              /* wall time (max over ranks) */
  double flops;                /* floating-point operations, all ranks */
  uint64_t io_read;            /* bytes read from the tile files of A, B and C, all ranks */
  uint64_t io_written;         /* bytes written to them, all ranks */
  uint64_t comm_bytes;         /* bytes received from other ranks, all ranks */
  size_t peak;                 /* largest use of C's governor on any rank */
  long block_rows, block_cols; /* the C blocks used, in tiles */
  long nblocks;                /* number of C blocks */
} aeon_matmul_stats;

/* Default options (blocks sized to the budget, no progress callback). */
aeon_matmul_opts aeon_matmul_defaults(void);
/* C = alpha A B + beta C by SUMMA (collective over C's grid): A m x k, B k x n, C m x n with the same tile size on the
 * same grid, each in core or out of core; A and B general or triangular (tiles not stored are zero, only the stored
 * triangle of a diagonal tile is used), C general. beta = 0 sets C to zero first (NaN in C does not survive). C is
 * processed in blocks of tiles sized to what C's governor has free; the working set (C's block when C is out of
 * core, two or three sets of panel buffers) is taken from it. Panels travel by MPI_Ibcast one step ahead of the
 * update; out-of-core tiles are read by an I/O thread two steps ahead. Every tile of C gets the same kernel calls
 * whatever the storage, so the result is identical bit for bit in core and out of core on the same grid. Shapes
 * that do not conform, different tile sizes or grids, C = A or B, or a budget below the minimum working set:
 * AEON_ERR_USER on every rank before any work; symmetric or SPD operands or a C that is not general:
 * AEON_ERR_UNSUPPORTED. o and st may be NULL. */
aeon_err aeon_matmul_ex(double alpha, aeon_tiled *A, aeon_tiled *B, double beta, aeon_tiled *C,
                        const aeon_matmul_opts *o, aeon_matmul_stats *st);
/* aeon_matmul_ex with the default options and no statistics. */
aeon_err aeon_matmul(double alpha, aeon_tiled *A, aeon_tiled *B, double beta, aeon_tiled *C);
/* Working-set bytes per rank (the same on every rank) of a product with C blocks of br x bc tiles, given which of A,
 * B and C are out of core; br = bc = 1 gives the minimum. */
size_t aeon_matmul_work_bytes(const aeon_pgrid *g, int nb, int a_ooc, int b_ooc, int c_ooc, long br, long bc);

/* ---- HDF5 files ---- */

/* Reads the shape of 2-D dataset dset in file (rank 0 reads, all get it); AEON_ERR_USER if missing or not 2-D. */
aeon_err aeon_h5_shape(MPI_Comm comm, const char *file, const char *dset, long *rows, long *cols);
/* Reads dataset dset (row-major) into A's stored tiles, checking symmetry when A's traits say so; *bytes (may be
 * NULL) gets the bytes read by all ranks. The file is opened read-only. */
aeon_err aeon_tiled_read_h5(aeon_tiled *A, const char *file, const char *dset, uint64_t *bytes);
/* Writes A as dataset dset (row-major, zeros where tiles are not stored) into a new or truncated file; *bytes (may
 * be NULL) gets the bytes written by all ranks. */
aeon_err aeon_tiled_write_h5(aeon_tiled *A, const char *file, const char *dset, uint64_t *bytes);
/* Splits "FILE:/DSET" into file and dataset (dset_default when there is no ":/"); AEON_ERR_USER if too long. */
aeon_err aeon_h5_split(const char *spec, const char *dset_default, char *file, size_t nfile, char *dset, size_t ndset);
/* Element (r, c) of an in-core tiled matrix if this rank holds it (symmetric: either triangle), else NaN. */
double aeon_tiled_elem(void *A, long r, long c);

/* ---- command-line helpers of `aeon factor`, `aeon eig` and `aeon matmul` ---- */

/* One option: kind 'i' integer (long), 'r' real (double), 's' string (const char *), 'f' switch (int set to 1). */
typedef struct aeon_cli_flag {
  const char *name;  /* e.g. "--nb" */
  char kind;
  void *dst;
  double lo, hi;     /* inclusive range of 'i' and 'r' values */
} aeon_cli_flag;

/* Parses argv against flags; AEON_ERR_USER naming the command and the flag for anything unknown, missing, malformed
 * or out of range. */
aeon_err aeon_cli_flags(const char *cmd, const aeon_cli_flag *flags, int nflags, int argc, char **argv);
/* Prints the closing line of a driver command: time, GFLOP/s, I/O volume and peak governed memory. */
void aeon_cli_summary(FILE *out, const char *what, double seconds, double flops, uint64_t io_read, uint64_t io_written,
                      size_t peak, size_t budget);

/* ---- deck parameters ---- */

/* The parameters of the drivers (drivers.tile_size, drivers.lookahead, eig.*, ...). */
extern const aeon_param_decl aeon_drivers_params[];
/* Number of entries in aeon_drivers_params. */
extern const int aeon_drivers_nparams;
/* Returns the declared default of a drivers parameter as a number (aborts on an unknown key). */
double aeon_drivers_default(const char *key);

#ifdef __cplusplus
}
#endif
#endif
