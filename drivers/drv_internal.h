/* Internal pieces shared by the files of drivers/: the tile file, the I/O
 * thread, the exchange of a tile strip between ranks, and the in-core
 * Cholesky of a window of tiles (reused by the out-of-core driver). */
#ifndef AEON_DRIVERS_INTERNAL_H
#define AEON_DRIVERS_INTERNAL_H

#include <stdint.h>

#include "aeon/drivers.h"

/* ---- tile file: fixed-size slots, positioned I/O ---- */

/* Creates a new file for ntiles slots of tile_bytes in dir (space reserved up front), named after rank. */
aeon_err tf_open(const char *dir, int rank, size_t tile_bytes, long ntiles, aeon_tilefile **f);
/* Closes and deletes the file. */
void tf_close(aeon_tilefile *f);
/* Reads slot into buf; returns 0 or an errno value (EIO for a short read). Thread safe. */
int tf_pread(aeon_tilefile *f, long slot, double *buf);
/* Writes buf into slot; returns 0 or an errno value. Thread safe. */
int tf_pwrite(aeon_tilefile *f, long slot, const double *buf);
/* Reads (write = 0) or writes slot from/to buf: contiguous when ld <= 0, else nb columns of nb doubles, ld doubles
 * apart (a tile inside a column-major panel); returns 0 or an errno value (EINVAL when nb does not fit the slot). */
int tf_io(aeon_tilefile *f, long slot, double *buf, int nb, int ld, int write);
/* Turns an errno value from tf_pread/tf_pwrite into an Aeon error naming the file and slot. */
aeon_err tf_error(const aeon_tilefile *f, int write, long slot, int err);
/* Bytes read and written so far. */
void tf_counters(const aeon_tilefile *f, uint64_t *read, uint64_t *written);

/* ---- I/O thread: reads and writes tiles while the caller computes ---- */

typedef struct tf_req {
  aeon_tilefile *file;
  long slot;
  double *buf;
  int write;            /* 0 read, 1 write */
  int nb, ld;           /* ld > 0: the tile is nb columns of nb doubles, ld apart in buf (else contiguous) */
  int err;              /* errno of the operation (0 ok) */
  volatile int done;    /* set under the streamer's lock */
  struct tf_req *next;
} tf_req;

typedef struct streamer streamer;

/* Starts the I/O thread. */
aeon_err streamer_start(streamer **s);
/* Queues a request (processed in submission order, so a read after a write of the same slot sees it). */
void streamer_submit(streamer *s, tf_req *r);
/* Waits until r is done; returns its error as an Aeon error. */
aeon_err streamer_wait(streamer *s, tf_req *r);
/* Finishes the queued requests and stops the thread (NULL is fine). */
void streamer_stop(streamer *s);

/* ---- strip exchange: the tiles (i, k), i in [i0, i1), sent from their owners to the ranks needing them ---- */

enum { XC_ROW = 1, XC_COL = 2 }; /* needed by the process row of i (A operand) / the process column of i (B^T) */

/* Local tile accessor: this rank's address of tile (i, j) and its leading dimension (*ld), or NULL. */
typedef double *(*tile_fn)(void *ctx, long i, long j, int *ld);

typedef struct xchg {
  long k, i0, i1;
  double **t;          /* i1 - i0 pointers: the tile where this rank has it (own or received), else NULL */
  int *ld;             /* i1 - i0 leading dimensions of those tiles */
  long tcap;           /* capacity of t and ld */
  MPI_Request *req;
  int nreq, reqcap;
  uint64_t recv_bytes; /* bytes received by this exchange */
  double *sbuf;        /* NULL, or room for scap tiles: the owner's tiles for its process row go packed, in one */
  long scap;           /* contiguous message per rank (a rank receives them likewise into its row panel) */
} xchg;

/* Allocates room for exchanges of up to rows tiles (metadata only). */
aeon_err xc_init(xchg *x, const aeon_tiled *A, long rows);
/* Frees the metadata. */
void xc_free(xchg *x);
/* Gives the exchange a send buffer of scap tiles (kept across posts): with it, the tiles a rank sends to the other
 * ranks of its process row are packed and sent as one contiguous message each, which the MPI library can move
 * without the sender's help (single copy) while both compute. Every rank of a grid must make the same choice. */
void xc_set_sendbuf(xchg *x, double *sbuf, long scap);
/* Tiles of [i0, i1) x k this rank must receive under mode (the size of the receive buffer needed). */
long xc_recv_count(const aeon_tiled *A, long k, long i0, long i1, int mode);
/* Posts the sends of owned tiles (from src) and the receives of needed ones (into rbuf, cap tiles). The tiles of
 * this rank's process row that it receives lie in rbuf as one column-major panel (ld = their count times nb), in
 * order, like the tiles of a local column of an in-core matrix; the others follow, one contiguous tile each. */
aeon_err xc_post(xchg *x, const aeon_tiled *A, MPI_Comm comm, long k, long i0, long i1, int mode, tile_fn src,
                 void *sctx, double *rbuf, long cap);
/* Waits for the exchange to complete. */
aeon_err xc_wait(xchg *x);
/* Progresses the exchange without blocking. */
void xc_test(xchg *x);
/* The tile (i, k) of the exchange on this rank and its leading dimension (*ld, may be NULL), or NULL. */
double *xc_tile(const xchg *x, long i, int *ld);

/* ---- in-core right-looking Cholesky of the diagonal window [j0, j1) of tiles ---- */

typedef struct chol_win {
  aeon_tiled *A;
  tile_fn tile;        /* local tiles of the window */
  void *tctx;
  long j0, j1;
  MPI_Comm comm;
  int lookahead;
  double **pool;       /* lookahead + 1 panel buffers of pool_cap tiles each (from the caller) */
  long pool_cap;
  int per_tile;        /* reproducible mode: one call per tile */
  double **spool;      /* NULL, or lookahead + 1 send buffers of spool_cap tiles: packed row panels (xc_set_sendbuf) */
  long spool_cap;
  void (*progress)(void *ctx, long done, long total);
  void *progress_ctx;
  double flops;        /* out: local flops */
  uint64_t recv_bytes; /* out: bytes received */
} chol_win;

/* Tiles a panel buffer of the window needs (the maximum over its panels, this rank). */
long chol_win_panel_tiles(const aeon_tiled *A, long j0, long j1);
/* Factors the window in place; on a non-positive pivot every rank fails with the global column. */
aeon_err chol_win_run(chol_win *w);

/* ---- helpers ---- */

/* The first I/O failure of a rank (from the I/O thread's requests), kept while the work goes on until the ranks
 * agree, so that every rank stops at the same point. */
typedef struct drv_ioerr {
  aeon_err code;
  char msg[1024];
} drv_ioerr;
/* Keeps e and the current error message if e is the first failure (AEON_OK is ignored). */
void drv_ioerr_note(drv_ioerr *x, aeon_err e);
/* AEON_OK, or the kept failure made the current error again. */
aeon_err drv_ioerr_get(const drv_ioerr *x);

/* Slot of this rank's stored tile (i, j) in memory or in the file, or -1. */
long drv_slot(const aeon_tiled *A, long i, long j);

/* Runs one tile kernel and adds its flops to *flops. */
void drv_run(const aeon_kernel *k, aeon_tile_call *c, double *flops);
/* The tile of row i of some tile column (this rank's address and leading dimension), for drv_run_stack. */
typedef double *(*row_fn)(void *ctx, long i, int *ld);
/* A stack: this rank's tiles of rows i0, i0 + P, ... < i1 of one tile column. */
typedef struct drv_stack {
  row_fn c;              /* output tile of row i */
  void *cctx;
  row_fn a;              /* operand tile of row i (NULL: the call's a is fixed) */
  void *actx;
  void (*between)(void *ctx); /* called between the calls of a stack (may be NULL): MPI progress */
  void *bctx;
  int per_tile;          /* 1: one call per tile (reproducible mode: the calls do not depend on the storage) */
} drv_stack;
/* First row >= i0 of process row p in a grid of P process rows. */
long drv_first_row(long i0, int P, int p);
/* Runs k on a stack. Tiles that lie one below the other in one column-major panel (for both c and a) are one
 * matrix, so one call covers up to DRV_STACK_ROWS rows of them (call.m = their rows); elsewhere one call per tile.
 * How a stack is cut may change the last bits of a result with some BLAS kernels (see docs/drivers.md); with
 * per_tile every call is one tile, the same calls whatever the storage. call.c, ldc (and a, lda where st->a is set)
 * come from the stack; call.n, k, b, ldb, alpha, beta (and a, lda otherwise) from the caller. */
#define DRV_STACK_ROWS 4096
void drv_run_stack(const aeon_kernel *k, aeon_tile_call call, const aeon_tiled *A, long i0, long i1,
                   const drv_stack *st, double *flops);
/* The inverse of the lower triangular tile L (n x n, leading dimension ldl) into the contiguous tile Linv (nb x nb). */
void drv_invert(const aeon_kernel *inv, const double *L, int ldl, int n, int nb, double *Linv, double *flops);
/* Zeroes the strict upper triangle of an n x n column-major tile. */
void drv_zero_upper(double *t, int n, int ld);
/* Copies an nb x nb column-major tile from src (leading dimension lds) to dst (ldd). */
void drv_copy_tile(const double *src, int lds, double *dst, int ldd, int nb);
/* The error of a non-positive-definite matrix at 1-based global column col. */
aeon_err drv_not_spd(long col, long n);
/* Wall clock in seconds. */
double drv_now(void);
/* Local counts of one factorization, summed over the grid into aeon_chol_stats by drv_finish_stats. */
typedef struct drv_counts {
  double t0;            /* start time */
  double flops;
  uint64_t recv;        /* bytes received from other ranks */
  uint64_t rd0, wr0;    /* tile-file counters at the start */
} drv_counts;
/* Records the start time and file counters of A. */
void drv_counts_start(const aeon_tiled *A, drv_counts *c);
/* Grid-wide totals of one driver run (a rank's own counts in, the grid's out). */
typedef struct drv_totals {
  double seconds, peak;                            /* maxima over the ranks */
  double flops, io_read, io_written, comm_bytes;   /* sums over the ranks */
} drv_totals;
/* Reduces this rank's counts over comm into *all (collective). */
aeon_err drv_reduce_totals(MPI_Comm comm, const drv_totals *mine, drv_totals *all);
/* Sums the counts over the grid and fills st (collective). */
aeon_err drv_finish_stats(const aeon_tiled *A, const drv_counts *c, aeon_chol_stats *st);

#endif
