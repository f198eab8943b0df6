/* Out-of-core block Cholesky: left-looking over square blocks of bt x bt tiles
 * sized to the memory budget.
 *
 * The lower triangle is cut into blocks (I, J) of bt x bt tiles. For each
 * block column J and each block I >= J, the rank's tiles of the block are read
 * into memory (C), then every tile column k left of J is streamed through: the
 * strips L(I, k) and L(J, k) are read by their owners and sent to the ranks
 * that need them while C -= L(I, k) L(J, k)^T. Three strip buffers form a
 * pipeline: the I/O thread reads column k + 2 while column k + 1 travels
 * between ranks and column k is computed. Then the block is finished in memory
 * (the diagonal block by the in-core right-looking window, an off-diagonal one
 * by solves against the diagonal block, kept in memory when the budget has
 * room, else streamed back from the file) and written back. Reading L(I, 0:J)
 * and L(J, 0:J) for every block moves about N^3 / (3 b) words for blocks of
 * side b = bt nb, with b^2 close to the budget: within sqrt(2) of the lower
 * bound N^3 / (3 sqrt(2) sqrt(S)).
 *
 * Every tile gets its updates in the order k = 0, 1, ... and then its solve,
 * with the same kernel calls as in core, so L is identical bit for bit. */
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

#define NSETS 3

typedef struct range {
  long r0, r1;
  int mode;
} range;

/* One strip buffer: owned tiles read from the file, then tiles received. */
typedef struct strip_set {
  double *buf;
  long k, used;
  int nrange;
  range rg[2];
  double **own;   /* per row of the ranges: the owned tile (read into buf, or in D), or NULL */
  int *ownld;     /* their leading dimensions */
  tf_req *req;
  int nreq;
  xchg x[2];
} strip_set;

typedef struct ooc {
  aeon_tiled *A;
  const aeon_pgrid *g;
  streamer *io;
  MPI_Comm comm;
  long bt, cr, cc;           /* block side; local tile rows / columns a block can hold */
  long cap;                  /* tiles per strip buffer */
  long i0, i1, j0, j1;       /* the current block */
  double *C;                 /* the block's local tiles, cr x cc */
  double *D;                 /* a copy of the last diagonal block's tiles (cr x cc), or NULL without room for it */
  long dj0;                  /* first column of the block in D (-1: none) */
  tf_req *crd, *cwr;         /* reads and write-backs of C */
  strip_set set[NSETS];
  double *slab;
  size_t slab_bytes;
  const aeon_kernel *inv, *trmm, *syrk, *gemm;
  int lookahead;
  int per_tile;              /* reproducible mode */
  int keep_diag;             /* the budget has room for D */
  drv_counts *cnt;
  drv_ioerr ioerr;           /* first I/O failure on this rank, agreed at the end of each block */
} ooc;

static size_t tbytes(const aeon_tiled *A) { return (size_t)A->nb * A->nb * sizeof(double); }
static long ceil_div(long a, long b) { return (a + b - 1) / b; }
static long first_from(long a, long m, long r) { return drv_first_row(a, (int)m, (int)r); }

static size_t working_set_tiles(long bt, int P, int Q) {
  long cr = ceil_div(bt, P), cc = ceil_div(bt, Q);
  return (size_t)(cr * cc + NSETS * (2 * cr + cc + 1));
}

aeon_err aeon_chol_ooc_bytes(const aeon_pgrid *g, long n, int nb, long bt, size_t *bytes) {
  *bytes = working_set_tiles(bt, g->P, g->Q) * (size_t)nb * nb * sizeof(double);
  return AEON_OK;
}

/* Keeps the first I/O error of this rank; the computation goes on until the block's agreement. */
static void note_io(ooc *o, aeon_err e) { drv_ioerr_note(&o->ioerr, e); }

/* ---- the block C ---- */

/* Tile (i, j) of a block held at base whose tile rows start at r0 (and columns at j0): each local tile column of a
 * block is one column-major panel of cr tiles, as in core, so the updates run on whole stacks. */
static double *blk_tile(const ooc *o, double *base, long r0, long i, long j, int *ld) {
  const aeon_pgrid *g = o->g;
  long li = (i - first_from(r0, g->P, g->p)) / g->P, lj = (j - first_from(o->j0, g->Q, g->q)) / g->Q;
  if (ld) *ld = (int)(o->cr * o->A->nb);
  return base + (size_t)lj * o->cr * o->A->nb * o->A->nb + (size_t)li * o->A->nb;
}

static double *ctile(void *ctx, long i, long j, int *ld) {
  ooc *o = ctx;
  const aeon_pgrid *g = o->g;
  if (i < o->i0 || i >= o->i1 || j < o->j0 || j >= o->j1 || i < j || i % g->P != g->p || j % g->Q != g->q)
    return NULL;
  return blk_tile(o, o->C, o->i0, i, j, ld);
}

/* Index of the block's tile at t among the cr x cc cells (li + lj cr). */
static long cell_of(const ooc *o, const double *t) {
  size_t off = (size_t)(t - o->C), col = (size_t)o->cr * o->A->nb * o->A->nb;
  return (long)(off / col) * o->cr + (long)((off % col) / o->A->nb);
}

/* Tile (i, k) of the diagonal block of the current block column in the copy D, or NULL. */
static double *dtile(const ooc *o, long i, long k, int *ld) {
  const aeon_pgrid *g = o->g;
  if (!o->D || o->dj0 != o->j0 || i < o->j0 || i >= o->j1 || k < o->j0 || k >= o->j1 || i < k || i % g->P != g->p ||
      k % g->Q != g->q)
    return NULL;
  return blk_tile(o, o->D, o->j0, i, k, ld);
}

/* Submits a read (write = 0) or write of every local tile of the block. */
static void block_io(ooc *o, int write) {
  const aeon_pgrid *g = o->g;
  for (long j = first_from(o->j0, g->Q, g->q); j < o->j1; j += g->Q)
    for (long i = first_from(o->i0 > j ? o->i0 : j, g->P, g->p); i < o->i1; i += g->P) {
      int ld = 0;
      double *t = ctile(o, i, j, &ld);
      long idx = cell_of(o, t);
      tf_req *r = write ? &o->cwr[idx] : &o->crd[idx];
      if (write && r->file) note_io(o, streamer_wait(o->io, r)); /* the previous block's write-back */
      *r = (tf_req){.file = o->A->file, .slot = drv_slot(o->A, i, j), .buf = t, .nb = o->A->nb, .ld = ld,
                    .write = write};
      streamer_submit(o->io, r);
    }
}

/* Waits for the block's reads. */
static void block_wait_reads(ooc *o) {
  const aeon_pgrid *g = o->g;
  for (long j = first_from(o->j0, g->Q, g->q); j < o->j1; j += g->Q)
    for (long i = first_from(o->i0 > j ? o->i0 : j, g->P, g->p); i < o->i1; i += g->P) {
      long idx = cell_of(o, ctile(o, i, j, NULL));
      note_io(o, streamer_wait(o->io, &o->crd[idx]));
    }
}

/* ---- strips ---- */

/* Starts reading the tiles of column k in the ranges that this rank owns (those of the diagonal block kept in D are
 * taken from there). */
static void set_prep(ooc *o, strip_set *s, long k, int nrange, const range *rg) {
  aeon_tiled *A = o->A;
  s->k = k;
  s->nrange = nrange;
  s->nreq = 0;
  long nfile = 0;
  for (int r = 0; r < nrange; r++)
    for (long i = rg[r].r0; i < rg[r].r1; i++) nfile += aeon_tiled_owner(A, i, k) == o->g->rank && !dtile(o, i, k, NULL);
  s->used = 0; /* the tiles read from the file form one column-major panel at the start of buf */
  long pos = 0;
  for (int r = 0; r < nrange; r++) {
    s->rg[r] = rg[r];
    for (long i = rg[r].r0; i < rg[r].r1; i++, pos++) {
      s->own[pos] = NULL;
      if (aeon_tiled_owner(A, i, k) != o->g->rank) continue;
      if ((s->own[pos] = dtile(o, i, k, &s->ownld[pos])) != NULL) continue;
      s->own[pos] = s->buf + (size_t)s->used++ * A->nb;
      s->ownld[pos] = (int)(nfile * A->nb);
      s->req[s->nreq] = (tf_req){.file = A->file, .slot = drv_slot(A, i, k), .buf = s->own[pos], .nb = A->nb,
                                 .ld = s->ownld[pos]};
      streamer_submit(o->io, &s->req[s->nreq++]);
    }
  }
}

static double *set_src(void *ctx, long i, long k, int *ld) {
  strip_set *s = ctx;
  long pos = 0;
  for (int r = 0; r < s->nrange; r++) {
    if (i >= s->rg[r].r0 && i < s->rg[r].r1) {
      *ld = s->ownld[pos + i - s->rg[r].r0];
      return s->own[pos + i - s->rg[r].r0];
    }
    pos += s->rg[r].r1 - s->rg[r].r0;
  }
  return NULL;
}

/* Waits for the owned tiles and posts the strip's exchanges. */
static aeon_err set_start(ooc *o, strip_set *s) {
  aeon_tiled *A = o->A;
  for (int q = 0; q < s->nreq; q++) note_io(o, streamer_wait(o->io, &s->req[q]));
  for (int r = 0; r < s->nrange; r++) {
    const range *g = &s->rg[r];
    double *rbuf = s->buf + (size_t)s->used * A->nb * A->nb;
    AE_CHK(xc_post(&s->x[r], A, o->comm, s->k, g->r0, g->r1, g->mode, set_src, s, rbuf, o->cap - s->used));
    s->used += xc_recv_count(A, s->k, g->r0, g->r1, g->mode);
  }
  return AEON_OK;
}

static aeon_err set_wait(ooc *o, strip_set *s) {
  for (int r = 0; r < s->nrange; r++) {
    AE_CHK(xc_wait(&s->x[r]));
    o->cnt->recv += s->x[r].recv_bytes;
    s->x[r].recv_bytes = 0;
  }
  return AEON_OK;
}

static double *set_tile(const strip_set *s, long i, int *ld) {
  for (int r = 0; r < s->nrange; r++) {
    double *t = xc_tile(&s->x[r], i, ld);
    if (t) return t;
  }
  return NULL;
}

static void set_progress(strip_set *s) {
  for (int r = 0; r < s->nrange; r++) xc_test(&s->x[r]);
}

/* ---- phases of a block ---- */

/* Row accessors for drv_run_stack: the block's tile (i, j); row i of a strip set or of an exchange. */
typedef struct c_col {
  ooc *o;
  long j;
} c_col;
static double *c_row(void *ctx, long i, int *ld) { return ctile(((c_col *)ctx)->o, i, ((c_col *)ctx)->j, ld); }
static double *set_row(void *ctx, long i, int *ld) { return set_tile(ctx, i, ld); }
static double *xc_row(void *ctx, long i, int *ld) { return xc_tile(ctx, i, ld); }
static void progress_set(void *ctx) {
  if (ctx) set_progress(ctx);
}

/* C(i, j) -= A(i, k) B(j, k)^T over the block's local tiles with j in [jlo, j1), as in core: dsyrk on a diagonal
 * tile, one dgemm over the stack below it. A comes from strip a (or exchange ax), B from strip b. */
static void update(ooc *o, strip_set *a, const strip_set *b, xchg *ax, long k, long jlo, strip_set *next) {
  aeon_tiled *A = o->A;
  const aeon_pgrid *g = o->g;
  for (long j = drv_first_row(jlo, g->Q, g->q); j < o->j1; j += g->Q) {
    int ldb;
    const double *Bj = set_tile(b, j, &ldb);
    aeon_tile_call c = {.m = aeon_tiled_rows(A, j), .n = aeon_tiled_rows(A, j), .k = aeon_tiled_cols(A, k), .a = Bj,
                        .lda = ldb, .b = Bj, .ldb = ldb, .alpha = -1.0, .beta = 1.0};
    c.c = ctile(o, j, j, &c.ldc);
    if (o->i0 == o->j0 && j % g->P == g->p) drv_run(o->syrk, &c, &o->cnt->flops);
    c_col ref = {o, j};
    drv_stack st = {.c = c_row, .cctx = &ref, .a = ax ? xc_row : set_row, .actx = ax ? (void *)ax : (void *)a,
                    .between = progress_set, .bctx = next, .per_tile = o->per_tile};
    drv_run_stack(o->gemm, c, A, o->i0 > j ? o->i0 : j + 1, o->i1, &st, &o->cnt->flops);
    progress_set(next);
  }
}

/* The strips of column k for the updates from the left: rows I (and rows J when I > J). */
static int left_ranges(const ooc *o, range *rg) {
  if (o->i0 == o->j0) {
    rg[0] = (range){o->j0, o->j1, XC_ROW | XC_COL};
    return 1;
  }
  rg[0] = (range){o->i0, o->i1, XC_ROW};
  rg[1] = (range){o->j0, o->j1, XC_COL};
  return 2;
}

/* The strip of column k of the diagonal block below row k, for the solves of an off-diagonal block. */
static int diag_ranges(const ooc *o, long k, range *rg) {
  rg[0] = (range){k, o->j1, XC_COL};
  return 1;
}

typedef int (*ranges_fn)(const ooc *o, long k, range *rg);
static int left_ranges_k(const ooc *o, long k, range *rg) { return left_ranges(o, rg); }

/* Per-column work of a pipeline over columns [k0, k1). */
typedef aeon_err (*column_fn)(ooc *o, strip_set *s, long k, strip_set *next);

/* Streams columns [k0, k1) through the three strip buffers: read k + 2, exchange k + 1, compute k. */
static aeon_err pipeline(ooc *o, long k0, long k1, ranges_fn ranges, column_fn work) {
  range rg[2];
  for (long k = k0; k < k0 + 2 && k < k1; k++) set_prep(o, &o->set[(k - k0) % NSETS], k, ranges(o, k, rg), rg);
  if (k0 < k1) AE_CHK(set_start(o, &o->set[0]));
  for (long k = k0; k < k1; k++) {
    strip_set *s = &o->set[(k - k0) % NSETS], *next = NULL;
    if (k + 1 < k1) AE_CHK(set_start(o, next = &o->set[(k + 1 - k0) % NSETS]));
    if (k + 2 < k1) set_prep(o, &o->set[(k + 2 - k0) % NSETS], k + 2, ranges(o, k + 2, rg), rg);
    AE_CHK(set_wait(o, s));
    AE_CHK(work(o, s, k, next));
  }
  return AEON_OK;
}

static aeon_err left_column(ooc *o, strip_set *s, long k, strip_set *next) {
  update(o, s, s, NULL, k, o->j0, next);
  return AEON_OK;
}

/* Off-diagonal block, column k of J: solve C(I, k) with L(k, k), share it along the rows, update the columns right. */
static aeon_err solve_column(ooc *o, strip_set *s, long k, strip_set *next) {
  aeon_tiled *A = o->A;
  const aeon_pgrid *g = o->g;
  double *rbuf = s->buf + (size_t)s->used * A->nb * A->nb, *linv = rbuf;
  if (k % g->Q == g->q) { /* C(I, k) = C(I, k) L(k, k)^-T, with the inverse made exactly as in core */
    int ldk;
    const double *Lkk = set_tile(s, k, &ldk);
    drv_invert(o->inv, Lkk, ldk, aeon_tiled_rows(A, k), A->nb, linv, &o->cnt->flops);
    aeon_tile_call c = {.n = aeon_tiled_rows(A, k), .a = linv, .lda = A->nb, .alpha = 1.0};
    c_col ref = {o, k};
    drv_stack st = {.c = c_row, .cctx = &ref, .between = progress_set, .bctx = next, .per_tile = o->per_tile};
    drv_run_stack(o->trmm, c, A, o->i0, o->i1, &st, &o->cnt->flops);
  }
  rbuf += (size_t)A->nb * A->nb;
  AE_CHK(xc_post(&s->x[1], A, o->comm, k, o->i0, o->i1, XC_ROW, ctile, o, rbuf, o->cap - s->used - 1));
  AE_CHK(xc_wait(&s->x[1]));
  o->cnt->recv += s->x[1].recv_bytes;
  s->x[1].recv_bytes = 0;
  update(o, NULL, s, &s->x[1], k, k + 1, next);
  return AEON_OK;
}

/* Diagonal block: the in-core right-looking window, its panel buffers borrowed from the strips. */
static aeon_err factor_diag_block(ooc *o) {
  double *pool[NSETS];
  for (int r = 0; r < NSETS; r++) pool[r] = o->set[r].buf;
  chol_win w = {.A = o->A, .tile = ctile, .tctx = o, .j0 = o->j0, .j1 = o->j1, .comm = o->comm,
                .lookahead = o->lookahead < NSETS - 1 ? o->lookahead : NSETS - 1, .pool = pool, .pool_cap = o->cap,
                .per_tile = o->per_tile};
  if (chol_win_panel_tiles(o->A, o->j0, o->j1) > o->cap)
    return AE_ERR(AEON_ERR_INTERNAL, "panel of block %ld does not fit the strip buffers", o->j0);
  aeon_err e = chol_win_run(&w);
  o->cnt->flops += w.flops;
  o->cnt->recv += w.recv_bytes;
  if (o->D) { /* the off-diagonal blocks of this column solve against it: keep a copy rather than read it back */
    memcpy(o->D, o->C, (size_t)(o->cr * o->cc) * tbytes(o->A));
    o->dj0 = o->j0;
  }
  return e;
}

static aeon_err do_block(ooc *o) {
  block_io(o, 0);
  block_wait_reads(o);
  AE_CHK(pipeline(o, 0, o->j0, left_ranges_k, left_column));
  if (o->i0 == o->j0) AE_CHK(factor_diag_block(o));
  else AE_CHK(pipeline(o, o->j0, o->j1, diag_ranges, solve_column));
  block_io(o, 1);
  return aeon_par_agree(o->comm, drv_ioerr_get(&o->ioerr));
}

static aeon_err run_blocks(ooc *o, const aeon_chol_opts *opt) {
  long nt = o->A->nt;
  for (long j0 = 0; j0 < nt; j0 += o->bt) {
    for (long i0 = j0; i0 < nt; i0 += o->bt) {
      o->i0 = i0;
      o->i1 = i0 + o->bt < nt ? i0 + o->bt : nt;
      o->j0 = j0;
      o->j1 = j0 + o->bt < nt ? j0 + o->bt : nt;
      AE_CHK(do_block(o));
    }
    if (opt->progress && o->g->rank == 0) opt->progress(opt->progress_ctx, o->j1, nt);
  }
  for (long x = 0; x < o->cr * o->cc; x++)
    if (o->cwr[x].file) note_io(o, streamer_wait(o->io, &o->cwr[x]));
  return aeon_par_agree(o->comm, drv_ioerr_get(&o->ioerr));
}

/* ---- planning and resources ---- */

/* The block side: as asked, or the largest whose working set fits what the budget has left, then evened out over
 * the blocks that side needs (for N = 32768, nb = 256, 2 GiB: 3 blocks of 43 tiles rather than 59 + 59 + 10, which
 * streams 15% less). */
static aeon_err plan(ooc *o, const aeon_chol_opts *opt) {
  aeon_tiled *A = o->A;
  size_t tb = tbytes(A), avail = aeon_gov_budget(A->gov) - aeon_gov_used(A->gov);
  long bt = opt->block_tiles > 0 ? opt->block_tiles : A->nt;
  if (bt > A->nt) bt = A->nt;
  while (opt->block_tiles <= 0 && bt > 1 && working_set_tiles(bt, o->g->P, o->g->Q) * tb > avail) bt--;
  if (opt->block_tiles <= 0) { /* as many blocks as needed, of even sides: no thin leftover block to stream for */
    long nblk = (A->nt + bt - 1) / bt;
    bt = (A->nt + nblk - 1) / nblk;
  }
  size_t need = working_set_tiles(bt, o->g->P, o->g->Q) * tb;
  if (need > avail) {
    char nb_s[32], need_s[32], av_s[32];
    aeon_format_bytes((double)tb, nb_s, sizeof nb_s);
    aeon_format_bytes((double)need, need_s, sizeof need_s);
    aeon_format_bytes((double)avail, av_s, sizeof av_s);
    return AE_ERR(AEON_ERR_USER,
                  "memory budget too small: out-of-core Cholesky with tile size %d (%s per tile) and blocks of %ld "
                  "tiles needs %s per rank, but only %s of the budget is free; lower the tile size or raise the "
                  "budget",
                  A->nb, nb_s, bt, need_s, av_s);
  }
  o->bt = bt;
  o->cr = ceil_div(bt, o->g->P);
  o->cc = ceil_div(bt, o->g->Q);
  o->cap = 2 * o->cr + o->cc + 1;
  o->keep_diag = need + (size_t)(o->cr * o->cc) * tb <= avail;
  return AEON_OK;
}

static aeon_err take_memory(ooc *o) {
  size_t tb = tbytes(o->A);
  size_t ncell = (size_t)(o->cr * o->cc);
  o->slab_bytes = (working_set_tiles(o->bt, o->g->P, o->g->Q) + (o->keep_diag ? ncell : 0)) * tb;
  AE_CHK(aeon_gov_alloc(o->A->gov, o->slab_bytes, "out-of-core Cholesky blocks and strips", (void **)&o->slab));
  o->C = o->slab;
  o->dj0 = -1;
  if (o->keep_diag) o->D = o->slab + (ncell + (size_t)NSETS * o->cap) * o->A->nb * o->A->nb;
  AE_CHK(aeon_mem_alloc(ncell * sizeof(tf_req), (void **)&o->crd));
  AE_CHK(aeon_mem_alloc(ncell * sizeof(tf_req), (void **)&o->cwr));
  for (int r = 0; r < NSETS; r++) {
    strip_set *s = &o->set[r];
    s->buf = o->slab + (ncell + (size_t)r * o->cap) * o->A->nb * o->A->nb;
    AE_CHK(aeon_mem_alloc((size_t)(2 * o->bt) * sizeof(double *), (void **)&s->own));
    AE_CHK(aeon_mem_alloc((size_t)(2 * o->bt) * sizeof(int), (void **)&s->ownld));
    AE_CHK(aeon_mem_alloc((size_t)(2 * o->bt) * sizeof(tf_req), (void **)&s->req));
    AE_CHK(xc_init(&s->x[0], o->A, o->bt));
    AE_CHK(xc_init(&s->x[1], o->A, o->bt));
  }
  return AEON_OK;
}

static void give_back(ooc *o) {
  streamer_stop(o->io);
  for (int r = 0; r < NSETS; r++) {
    aeon_mem_free(o->set[r].own);
    aeon_mem_free(o->set[r].ownld);
    aeon_mem_free(o->set[r].req);
    xc_free(&o->set[r].x[0]);
    xc_free(&o->set[r].x[1]);
  }
  aeon_mem_free(o->crd);
  aeon_mem_free(o->cwr);
  aeon_gov_free(o->A->gov, o->slab, o->slab_bytes);
  if (o->comm != MPI_COMM_NULL) MPI_Comm_free(&o->comm);
}

static aeon_err setup(ooc *o, const aeon_chol_opts *opt) {
  AE_CHK(plan(o, opt));
  AE_CHK(aeon_kernel_get(AEON_OP_INVERT, AEON_TRAIT_LOWER, &o->inv));
  AE_CHK(aeon_kernel_get(AEON_OP_MULTIPLY_T, AEON_TRAIT_LOWER, &o->trmm));
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, o->A->traits, &o->syrk));
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, AEON_TRAIT_GENERAL, &o->gemm));
  AE_CHK(take_memory(o));
  AE_CHK(streamer_start(&o->io));
  return AEON_OK;
}

aeon_err chol_ooc(aeon_tiled *A, const aeon_chol_opts *opt, drv_counts *cnt, long *block_tiles);

aeon_err chol_ooc(aeon_tiled *A, const aeon_chol_opts *opt, drv_counts *cnt, long *block_tiles) {
  ooc o;
  memset(&o, 0, sizeof o);
  o.A = A;
  o.g = A->grid;
  o.cnt = cnt;
  o.comm = MPI_COMM_NULL;
  o.lookahead = opt->lookahead;
  o.per_tile = opt->reproducible;
  aeon_err e = aeon_par_agree(A->grid->comm, setup(&o, opt));
  if (!e && MPI_Comm_dup(A->grid->comm, &o.comm) != MPI_SUCCESS) e = AE_ERR(AEON_ERR_MPI, "MPI_Comm_dup failed");
  if (!e) e = run_blocks(&o, opt);
  *block_tiles = o.bt;
  give_back(&o);
  return e;
}
