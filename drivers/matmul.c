/* Matrix product C = alpha A B + beta C by SUMMA over the P x Q grid, for
 * any mix of in-core and out-of-core A, B and C, under C's memory budget.
 *
 * C is processed in blocks of br x bc tiles (multiples of P and Q, the largest
 * whose working set fits what C's governor has free on every rank, evened out
 * over the blocks). For each block, every tile column k of A (tile row k of B)
 * is one SUMMA step: the owners in process column k % Q put their tiles
 * A(i, k) of the block's rows into a panel buffer (one column-major panel,
 * laid out like a local column of C) and broadcast it along their process row;
 * the owners in process row k % P put their tiles B(k, j) of the block's
 * columns, transposed, into a second buffer and broadcast it along their
 * process column. Each rank then updates its tiles of the block with the
 * table's general update kernel, C = C + alpha A B^T with B^T the transposed
 * tile: one dgemm per stack of C tiles of a tile column (drv_run_stack).
 *
 * Overlap: the broadcasts are non-blocking (MPI_Ibcast on the grid's row and
 * column communicators), posted one step ahead, so panel k + 1 travels while
 * panel k's dgemms run, with MPI_Test between the calls for progress. Out-of-
 * core A or B tiles are read by the I/O thread (streamer.c) straight into
 * their place in the panel buffers two steps ahead: with three buffer sets,
 * k + 2 is read while k + 1 travels and k is computed (two sets suffice when
 * A and B are in core). An out-of-core C block is read tile by tile into one
 * column-major panel per local column (the I/O thread places every tile's
 * columns, preadv); a column is waited for (and scaled by beta) just before
 * step 0 updates it, and written back as soon as the last step has updated it,
 * so C's I/O overlaps the first and last steps of the block.
 *
 * Every tile of C is scaled by beta once (beta = 0 sets it to zero, so NaN
 * does not survive) and then gets the steps k = 0, 1, ... in order, each a
 * dgemm with the same operands whatever the storage of A, B and C, so the
 * product is the same bit for bit in core and out of core on the same grid.
 * I/O volume: with blocks of side b tiles, A is read nt / b times and B mt / b
 * times, C once and written once.
 *
 * Triangular operands (lower or upper traits): tiles that are not stored are
 * zero and skipped (no read, no dgemm); on a diagonal tile only the stored
 * triangle is used (the other is zeroed in the panel). Symmetric and SPD
 * operands store one triangle of a full matrix and are refused, as is a C
 * that is not general. */
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

#define MAX_SETS 3

/* One set of panel buffers: A's tiles of column k for the block's local rows, B's of row k for its local columns. */
typedef struct mm_set {
  long k;
  double *a, *b;       /* nr tiles as one column-major panel (ld = nr nb); nc contiguous transposed tiles */
  tf_req *req;         /* reads of this rank's out-of-core tiles of the set */
  int nreq;
  MPI_Request mreq[2]; /* the broadcasts along the process row (A) and the process column (B) */
} mm_set;

typedef struct mm {
  aeon_tiled *A, *B, *C;
  const aeon_pgrid *g;
  double alpha, beta;
  const aeon_kernel *gemm;
  const aeon_matmul_opts *opt;
  streamer *io;           /* the I/O thread (NULL when A, B and C are in core) */
  MPI_Datatype tile;
  int nsets;
  long br, bc;            /* block sides in tiles */
  long cr, cc;            /* local tile rows and columns of a block, at most */
  long i0, i1, j0, j1;    /* the current block: global tile rows and columns */
  long r0, nr, c0, nc;    /* its local tile rows r0 .. r0 + nr - 1 and columns c0 .. c0 + nc - 1 */
  double *cbuf;           /* out-of-core C: the block's tiles, nc column-major panels of nr tiles */
  tf_req *crd, *cwr;      /* reads and write-backs of those tiles */
  mm_set set[MAX_SETS];
  mm_set *next;           /* the set whose broadcasts are in flight during an update (NULL: none) */
  long j;                 /* the tile column of C being updated */
  double *slab;
  size_t slab_bytes;
  long step, nsteps;      /* SUMMA steps done and in all, for the progress callback */
  double flops;
  uint64_t recv;
  drv_ioerr ioerr;        /* first I/O failure on this rank, agreed at the end of each block */
} mm;

static long ceil_div(long a, long b) { return (a + b - 1) / b; }
static size_t tile_elems(const aeon_tiled *X) { return (size_t)X->nb * X->nb; }
static int triangular(aeon_traits t) { return t == AEON_TRAIT_LOWER || t == AEON_TRAIT_UPPER; }
/* Number of indices below x that belong to process coordinate p of P. */
static long lcount(long x, int P, int p) { return x > p ? (x - p + P - 1) / P : 0; }

/* ---- arguments ---- */

static int same_grid(const aeon_pgrid *a, const aeon_pgrid *b) {
  if (a == b) return 1;
  if (a->P != b->P || a->Q != b->Q || a->rank != b->rank) return 0;
  int r;
  if (MPI_Comm_compare(a->comm, b->comm, &r) != MPI_SUCCESS) return 0;
  return r == MPI_IDENT || r == MPI_CONGRUENT;
}

/* Everything that can be wrong with the operands, checked locally (the same answer on every rank of a grid). */
static aeon_err check_args(const aeon_tiled *A, const aeon_tiled *B, const aeon_tiled *C) {
  if (A->n != B->m || A->m != C->m || B->n != C->n)
    return AE_ERR(AEON_ERR_USER,
                  "matmul: shapes do not conform: A is %ld x %ld, B is %ld x %ld, C is %ld x %ld (need A m x k, "
                  "B k x n, C m x n)",
                  A->m, A->n, B->m, B->n, C->m, C->n);
  if (A->nb != C->nb || B->nb != C->nb)
    return AE_ERR(AEON_ERR_USER, "matmul: tile sizes differ: A %d, B %d, C %d (all must be the same)", A->nb, B->nb,
                  C->nb);
  if (!same_grid(A->grid, C->grid) || !same_grid(B->grid, C->grid))
    return AE_ERR(AEON_ERR_USER,
                  "matmul: the matrices lie on different process grids (A %dx%d, B %dx%d, C %dx%d; all must be "
                  "the same grid over the same ranks)",
                  A->grid->P, A->grid->Q, B->grid->P, B->grid->Q, C->grid->P, C->grid->Q);
  if (C == A || C == B) return AE_ERR(AEON_ERR_USER, "matmul: C must not be A or B (no product in place)");
  if (C->traits != AEON_TRAIT_GENERAL)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "matmul: C must be a general matrix, not a %s one",
                  aeon_traits_name(C->traits));
  const aeon_tiled *op[2] = {A, B};
  for (int t = 0; t < 2; t++)
    if (op[t]->traits != AEON_TRAIT_GENERAL && !triangular(op[t]->traits))
      return AE_ERR(AEON_ERR_UNSUPPORTED, "matmul: %c may be general or triangular, not %s", "AB"[t],
                    aeon_traits_name(op[t]->traits));
  return AEON_OK;
}

/* ---- tiles ---- */

/* Keeps the first I/O error of this rank; the product goes on until the block's agreement. */
static void note_io(mm *s, aeon_err e) { drv_ioerr_note(&s->ioerr, e); }

/* Zeroes the nb x nb tile t (leading dimension ld). */
static void zero_tile(double *t, int ld, int nb) {
  for (int c = 0; c < nb; c++) memset(t + (size_t)c * ld, 0, (size_t)nb * sizeof(double));
}

/* Zeroes the strict upper (keep_lower) or strict lower triangle of the nb x nb tile t. */
static void zero_triangle(double *t, int ld, int nb, int keep_lower) {
  for (int c = 0; c < nb; c++)
    for (int r = 0; r < nb; r++)
      if (keep_lower ? c > r : c < r) t[(size_t)c * ld + r] = 0.0;
}

enum { TB = 32 }; /* the side of the cache blocks of a transposition */
static int imin(int a, int b) { return a < b ? a : b; }

/* dst = src^T for nb x nb tiles (leading dimensions lds, ldd), in cache blocks. */
static void copy_transposed(const double *src, int lds, double *dst, int ldd, int nb) {
  for (int c0 = 0; c0 < nb; c0 += TB)
    for (int r0 = 0; r0 < nb; r0 += TB)
      for (int c = c0; c < imin(c0 + TB, nb); c++)
        for (int r = r0; r < imin(r0 + TB, nb); r++) dst[(size_t)r * ldd + c] = src[(size_t)c * lds + r];
}

/* t = t^T in place for an nb x nb tile, in cache blocks. */
static void transpose(double *t, int ld, int nb) {
  for (int c0 = 0; c0 < nb; c0 += TB)
    for (int r0 = c0; r0 < nb; r0 += TB)
      for (int c = c0; c < imin(c0 + TB, nb); c++)
        for (int r = r0 == c0 ? c + 1 : r0; r < imin(r0 + TB, nb); r++) {
          double x = t[(size_t)c * ld + r];
          t[(size_t)c * ld + r] = t[(size_t)r * ld + c];
          t[(size_t)r * ld + c] = x;
        }
}

/* Makes panel tile d (leading dimension ld) the operand of tile (i, j) of X, transposed when trans: zero when not
 * stored; else the tile (copied from memory in core; out of core the I/O thread has read it there) with the
 * triangle that a triangular diagonal tile does not store zeroed. */
static void fill_tile(const aeon_tiled *X, long i, long j, int trans, double *d, int ld) {
  int nb = X->nb, lds;
  if (!aeon_tiled_stored(X, i, j)) {
    zero_tile(d, ld, nb);
    return;
  }
  const double *src = X->core ? aeon_tiled_tile(X, i, j, &lds) : NULL;
  if (src && trans) copy_transposed(src, lds, d, ld, nb);
  else if (src) drv_copy_tile(src, lds, d, ld, nb);
  else if (trans) transpose(d, ld, nb);
  if (i == j && triangular(X->traits)) zero_triangle(d, ld, nb, (X->traits == AEON_TRAIT_LOWER) != trans);
}

/* The block's tile (i, j) of C and its leading dimension: in C's memory, or in the block buffer. */
static double *c_tile(const mm *s, long i, long j, int *ld) {
  if (s->C->core) return aeon_tiled_tile(s->C, i, j, ld);
  *ld = (int)(s->nr * s->C->nb);
  return s->cbuf + (size_t)(j / s->g->Q - s->c0) * s->nr * tile_elems(s->C) + (size_t)(i / s->g->P - s->r0) * s->C->nb;
}
/* Row i of set t's A panel (leading dimension nr nb) and the transposed tile of B for column j (ld = nb). */
static double *a_tile(const mm *s, const mm_set *t, long i) { return t->a + (size_t)(i / s->g->P - s->r0) * s->C->nb; }
static double *b_tile(const mm *s, const mm_set *t, long j) {
  return t->b + (size_t)(j / s->g->Q - s->c0) * tile_elems(s->C);
}
static long row_of(const mm *s, long li) { return (s->r0 + li) * s->g->P + s->g->p; }
static long col_of(const mm *s, long lc) { return (s->c0 + lc) * s->g->Q + s->g->q; }

/* Queues the read (write = 0) or write of this rank's tile (i, j) of X at buf (leading dimension ld). */
static void submit(mm *s, tf_req *r, aeon_tiled *X, long i, long j, double *buf, int ld, int write) {
  *r = (tf_req){.file = X->file, .slot = drv_slot(X, i, j), .buf = buf, .write = write, .nb = X->nb, .ld = ld};
  streamer_submit(s->io, r);
}

/* ---- the block of C ---- */

static void set_block(mm *s, long i0, long j0) {
  const aeon_pgrid *g = s->g;
  s->i0 = i0;
  s->i1 = i0 + s->br < s->C->mt ? i0 + s->br : s->C->mt;
  s->j0 = j0;
  s->j1 = j0 + s->bc < s->C->nt ? j0 + s->bc : s->C->nt;
  s->r0 = lcount(s->i0, g->P, g->p);
  s->nr = lcount(s->i1, g->P, g->p) - s->r0;
  s->c0 = lcount(s->j0, g->Q, g->q);
  s->nc = lcount(s->j1, g->Q, g->q) - s->c0;
}

/* Queues the reads of the block's tiles of an out-of-core C. */
static void block_reads(mm *s) {
  for (long lc = 0; lc < s->nc; lc++)
    for (long li = 0; li < s->nr; li++) {
      long i = row_of(s, li), j = col_of(s, lc);
      int ld;
      double *t = c_tile(s, i, j, &ld);
      submit(s, &s->crd[lc * s->cr + li], s->C, i, j, t, ld, 0);
    }
}

/* Before the first update of local column lc: its tiles are read (out of core) and scaled by beta. */
static void col_begin(mm *s, long lc) {
  int nb = s->C->nb;
  for (long li = 0; li < s->nr; li++) {
    if (!s->C->core) note_io(s, streamer_wait(s->io, &s->crd[lc * s->cr + li]));
    if (s->beta == 1.0) continue;
    int ld;
    double *t = c_tile(s, row_of(s, li), col_of(s, lc), &ld);
    for (int c = 0; c < nb; c++)
      for (int r = 0; r < nb; r++) t[(size_t)c * ld + r] = s->beta == 0.0 ? 0.0 : s->beta * t[(size_t)c * ld + r];
  }
}

/* After the last update of local column lc: its tiles go back to the file (out of core). */
static void col_end(mm *s, long lc) {
  for (long li = 0; li < s->nr && !s->C->core; li++) {
    tf_req *r = &s->cwr[lc * s->cr + li];
    if (r->file) note_io(s, streamer_wait(s->io, r)); /* the previous block's write-back from this place */
    int ld;
    long i = row_of(s, li), j = col_of(s, lc);
    double *t = c_tile(s, i, j, &ld);
    submit(s, r, s->C, i, j, t, ld, 1);
  }
}

/* ---- panel sets ---- */

/* Starts reading this rank's out-of-core tiles of step k into their set. */
static void set_prep(mm *s, long k) {
  const aeon_pgrid *g = s->g;
  mm_set *t = &s->set[k % s->nsets];
  t->k = k;
  t->nreq = 0;
  t->mreq[0] = t->mreq[1] = MPI_REQUEST_NULL;
  for (long li = 0; li < s->nr && !s->A->core && k % g->Q == g->q; li++)
    if (aeon_tiled_stored(s->A, row_of(s, li), k))
      submit(s, &t->req[t->nreq++], s->A, row_of(s, li), k, a_tile(s, t, row_of(s, li)), (int)(s->nr * s->C->nb), 0);
  for (long lc = 0; lc < s->nc && !s->B->core && k % g->P == g->p; lc++)
    if (aeon_tiled_stored(s->B, k, col_of(s, lc)))
      submit(s, &t->req[t->nreq++], s->B, k, col_of(s, lc), b_tile(s, t, col_of(s, lc)), 0, 0);
}

/* Fills the owned panels of step k (after their reads) and posts the broadcasts. */
static aeon_err set_start(mm *s, long k) {
  const aeon_pgrid *g = s->g;
  mm_set *t = &s->set[k % s->nsets];
  int aroot = (int)(k % g->Q), broot = (int)(k % g->P), lda = (int)(s->nr * s->C->nb);
  size_t tb = tile_elems(s->C) * sizeof(double);
  for (int q = 0; q < t->nreq; q++) note_io(s, streamer_wait(s->io, &t->req[q]));
  for (long li = 0; li < s->nr && g->q == aroot; li++)
    fill_tile(s->A, row_of(s, li), k, 0, a_tile(s, t, row_of(s, li)), lda);
  for (long lc = 0; lc < s->nc && g->p == broot; lc++)
    fill_tile(s->B, k, col_of(s, lc), 1, b_tile(s, t, col_of(s, lc)), s->C->nb);
  if (s->nr > 0 && g->Q > 1) {
    AE_MPI(MPI_Ibcast(t->a, (int)s->nr, s->tile, aroot, g->row, &t->mreq[0]));
    if (g->q != aroot) s->recv += (uint64_t)s->nr * tb;
  }
  if (s->nc > 0 && g->P > 1) {
    AE_MPI(MPI_Ibcast(t->b, (int)s->nc, s->tile, broot, g->col, &t->mreq[1]));
    if (g->p != broot) s->recv += (uint64_t)s->nc * tb;
  }
  return AEON_OK;
}

/* Lets the broadcasts in flight move while the update computes. */
static void progress(void *ctx) {
  mm *s = ctx;
  int flag;
  if (s->next) MPI_Testall(2, s->next->mreq, &flag, MPI_STATUSES_IGNORE);
}

/* ---- the update ---- */

typedef struct row_ctx {
  mm *s;
  const mm_set *t;
} row_ctx;
static double *c_row(void *ctx, long i, int *ld) {
  const mm *s = ((row_ctx *)ctx)->s;
  return c_tile(s, i, s->j, ld);
}
static double *a_row(void *ctx, long i, int *ld) {
  const row_ctx *x = ctx;
  *ld = (int)(x->s->nr * x->s->C->nb);
  return a_tile(x->s, x->t, i);
}

/* Step t->k on the block: C(i, j) += alpha A(i, k) B(k, j) for the stored tiles, one dgemm per stack of a column. */
static void update(mm *s, const mm_set *t) {
  aeon_tiled *A = s->A, *C = s->C;
  long k = t->k, i0 = s->i0, i1 = s->i1, last = A->nt - 1;
  if (A->traits == AEON_TRAIT_LOWER && k > i0) i0 = k;
  if (A->traits == AEON_TRAIT_UPPER && k + 1 < i1) i1 = k + 1;
  row_ctx rc = {s, t};
  drv_stack st = {.c = c_row, .cctx = &rc, .a = a_row, .actx = &rc, .between = progress, .bctx = s,
                  .per_tile = s->opt->reproducible};
  for (long lc = 0; lc < s->nc; lc++) {
    long j = col_of(s, lc);
    if (k == 0) col_begin(s, lc);
    if (i0 < i1 && aeon_tiled_stored(s->B, k, j)) {
      s->j = j;
      aeon_tile_call c = {.n = aeon_tiled_cols(C, j), .k = aeon_tiled_cols(A, k), .b = b_tile(s, t, j), .ldb = C->nb,
                          .alpha = s->alpha, .beta = 1.0};
      drv_run_stack(s->gemm, c, C, i0, i1, &st, &s->flops);
      progress(s);
    }
    if (k == last) col_end(s, lc);
  }
}

static void step_done(mm *s) {
  s->step++;
  if (s->opt->progress && s->g->rank == 0) s->opt->progress(s->opt->progress_ctx, s->step, s->nsteps);
}

/* The SUMMA steps of the block: read k + nsets - 1, broadcast k + 1, compute k. */
static aeon_err pipeline(mm *s) {
  long K = s->A->nt;
  for (long k = 0; k < s->nsets - 1 && k < K; k++) set_prep(s, k);
  AE_CHK(set_start(s, 0));
  for (long k = 0; k < K; k++) {
    mm_set *t = &s->set[k % s->nsets];
    if (k + s->nsets - 1 < K) set_prep(s, k + s->nsets - 1);
    s->next = NULL;
    if (k + 1 < K) {
      AE_CHK(set_start(s, k + 1));
      s->next = &s->set[(k + 1) % s->nsets];
    }
    AE_MPI(MPI_Waitall(2, t->mreq, MPI_STATUSES_IGNORE));
    update(s, t);
    step_done(s);
  }
  s->next = NULL;
  return AEON_OK;
}

static aeon_err do_block(mm *s, long i0, long j0) {
  set_block(s, i0, j0);
  if (!s->C->core) block_reads(s);
  aeon_err e = AEON_OK;
  if (s->alpha != 0.0) e = pipeline(s);
  else
    for (long lc = 0; lc < s->nc; lc++) { /* C = beta C */
      col_begin(s, lc);
      col_end(s, lc);
    }
  if (!e) e = drv_ioerr_get(&s->ioerr);
  return aeon_par_agree(s->g->comm, e);
}

static aeon_err run_blocks(mm *s) {
  aeon_err e = AEON_OK;
  for (long j0 = 0; j0 < s->C->nt && !e; j0 += s->bc)
    for (long i0 = 0; i0 < s->C->mt && !e; i0 += s->br) e = do_block(s, i0, j0);
  for (long x = 0; s->cwr && x < s->cr * s->cc; x++)
    if (s->cwr[x].file) note_io(s, streamer_wait(s->io, &s->cwr[x]));
  if (!e) e = drv_ioerr_get(&s->ioerr);
  return aeon_par_agree(s->g->comm, e);
}

/* ---- planning and resources ---- */

static size_t work_tiles(int nsets, int c_ooc, long cr, long cc) {
  return (size_t)nsets * (size_t)(cr + cc) + (c_ooc ? (size_t)(cr * cc) : 0);
}

size_t aeon_matmul_work_bytes(const aeon_pgrid *g, int nb, int a_ooc, int b_ooc, int c_ooc, long br, long bc) {
  int nsets = a_ooc || b_ooc ? 3 : 2;
  return work_tiles(nsets, c_ooc, ceil_div(br, g->P), ceil_div(bc, g->Q)) * (size_t)nb * nb * sizeof(double);
}

/* A block side: b tiles rounded up to a multiple of m, at most n. */
static long side(long b, int m, long n) {
  long r = ceil_div(b, m) * m;
  return r < n ? r : n;
}

static size_t block_bytes(const mm *s, long br, long bc) {
  return aeon_matmul_work_bytes(s->g, s->C->nb, !s->A->core, !s->B->core, !s->C->core, br, bc);
}

/* The block sides: as asked, or the largest square (in tiles) whose working set fits avail, then evened out over
 * the blocks that side needs. */
static void choose_blocks(mm *s, size_t avail) {
  const aeon_matmul_opts *o = s->opt;
  long mt = s->C->mt, nt = s->C->nt, b = mt > nt ? mt : nt;
  int fixed = o->block_rows > 0 && o->block_cols > 0;
  for (;; b--) {
    s->br = side(o->block_rows > 0 ? o->block_rows : b, s->g->P, mt);
    s->bc = side(o->block_cols > 0 ? o->block_cols : b, s->g->Q, nt);
    if (fixed || b <= 1 || block_bytes(s, s->br, s->bc) <= avail) break;
  }
  if (o->block_rows <= 0) s->br = side(ceil_div(mt, ceil_div(mt, s->br)), s->g->P, mt);
  if (o->block_cols <= 0) s->bc = side(ceil_div(nt, ceil_div(nt, s->bc)), s->g->Q, nt);
}

/* Sizes the blocks to the smallest free part of C's budget over the ranks; refuses a budget below the working set. */
static aeon_err plan(mm *s) {
  aeon_gov *gov = s->C->gov;
  unsigned long long mine = aeon_gov_budget(gov) - aeon_gov_used(gov), mn;
  AE_MPI(MPI_Allreduce(&mine, &mn, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, s->g->comm));
  size_t avail = (size_t)mn, tb = tile_elems(s->C) * sizeof(double);
  s->nsets = !s->A->core || !s->B->core ? 3 : 2;
  choose_blocks(s, avail);
  s->cr = ceil_div(s->br, s->g->P);
  s->cc = ceil_div(s->bc, s->g->Q);
  size_t need = block_bytes(s, s->br, s->bc);
  if (need <= avail) return AEON_OK;
  char tb_s[32], need_s[32], av_s[32];
  aeon_format_bytes((double)tb, tb_s, sizeof tb_s);
  aeon_format_bytes((double)need, need_s, sizeof need_s);
  aeon_format_bytes((double)avail, av_s, sizeof av_s);
  return AE_ERR(AEON_ERR_USER,
                "memory budget too small: matmul with tile size %d (%s per tile) and C blocks of %ld x %ld tiles "
                "needs %s (%zu bytes) per rank, but only %s (%zu bytes) of the budget is free; lower the tile size "
                "or raise the budget",
                s->C->nb, tb_s, s->br, s->bc, need_s, need, av_s, avail);
}

static aeon_err take_memory(mm *s) {
  size_t te = tile_elems(s->C), ncell = (size_t)(s->cr * s->cc);
  s->slab_bytes = block_bytes(s, s->br, s->bc);
  AE_CHK(aeon_gov_alloc(s->C->gov, s->slab_bytes, "matmul panel buffers and C block", (void **)&s->slab));
  for (int r = 0; r < s->nsets; r++) {
    s->set[r].a = s->slab + (size_t)r * (s->cr + s->cc) * te;
    s->set[r].b = s->set[r].a + (size_t)s->cr * te;
    AE_CHK(aeon_mem_alloc((size_t)(s->cr + s->cc) * sizeof(tf_req), (void **)&s->set[r].req));
  }
  if (!s->C->core) {
    s->cbuf = s->slab + (size_t)s->nsets * (s->cr + s->cc) * te;
    AE_CHK(aeon_mem_alloc(ncell * sizeof(tf_req), (void **)&s->crd));
    AE_CHK(aeon_mem_alloc(ncell * sizeof(tf_req), (void **)&s->cwr));
    memset(s->cwr, 0, ncell * sizeof(tf_req));
  }
  if (MPI_Type_contiguous((int)te, MPI_DOUBLE, &s->tile) != MPI_SUCCESS || MPI_Type_commit(&s->tile) != MPI_SUCCESS)
    return AE_ERR(AEON_ERR_MPI, "matmul: could not build the tile datatype");
  if (!s->A->core || !s->B->core || !s->C->core) AE_CHK(streamer_start(&s->io));
  return AEON_OK;
}

static void give_back(mm *s) {
  streamer_stop(s->io);
  for (int r = 0; r < MAX_SETS; r++) aeon_mem_free(s->set[r].req);
  aeon_mem_free(s->crd);
  aeon_mem_free(s->cwr);
  if (s->tile != MPI_DATATYPE_NULL) MPI_Type_free(&s->tile);
  aeon_gov_free(s->C->gov, s->slab, s->slab_bytes);
}

/* ---- statistics ---- */

/* Bytes read and written so far by the tile files of A, B and C (each file counted once). */
static void io_bytes(const mm *s, uint64_t *rd, uint64_t *wr) {
  const aeon_tiled *m[3] = {s->A, s->B, s->C};
  *rd = *wr = 0;
  for (int x = 0; x < 3; x++) {
    if (x == 1 && s->B == s->A) continue;
    uint64_t r, w;
    aeon_tiled_io(m[x], &r, &w);
    *rd += r;
    *wr += w;
  }
}

static aeon_err finish_stats(const mm *s, double t0, uint64_t rd0, uint64_t wr0, aeon_matmul_stats *st) {
  uint64_t rd, wr;
  io_bytes(s, &rd, &wr);
  drv_totals mine = {.seconds = drv_now() - t0, .peak = (double)aeon_gov_peak(s->C->gov), .flops = s->flops,
                     .io_read = (double)(rd - rd0), .io_written = (double)(wr - wr0), .comm_bytes = (double)s->recv},
             all;
  AE_CHK(drv_reduce_totals(s->g->comm, &mine, &all));
  *st = (aeon_matmul_stats){.seconds = all.seconds, .flops = all.flops, .io_read = (uint64_t)all.io_read,
                            .io_written = (uint64_t)all.io_written, .comm_bytes = (uint64_t)all.comm_bytes,
                            .peak = (size_t)all.peak, .block_rows = s->br, .block_cols = s->bc,
                            .nblocks = s->br > 0 ? ceil_div(s->C->mt, s->br) * ceil_div(s->C->nt, s->bc) : 0};
  return AEON_OK;
}

/* ---- entry points ---- */

aeon_matmul_opts aeon_matmul_defaults(void) {
  aeon_matmul_opts o = {.block_rows = 0, .block_cols = 0,
                        .reproducible = (int)aeon_drivers_default("drivers.reproducible")};
  return o;
}

static aeon_err setup(mm *s) {
  AE_CHK(check_args(s->A, s->B, s->C));
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, AEON_TRAIT_GENERAL, &s->gemm));
  return AEON_OK;
}

aeon_err aeon_matmul_ex(double alpha, aeon_tiled *A, aeon_tiled *B, double beta, aeon_tiled *C,
                        const aeon_matmul_opts *o, aeon_matmul_stats *st) {
  aeon_matmul_opts def = aeon_matmul_defaults();
  if (st) memset(st, 0, sizeof *st);
  mm s = {.A = A, .B = B, .C = C, .g = C->grid, .alpha = alpha, .beta = beta, .opt = o ? o : &def,
          .tile = MPI_DATATYPE_NULL};
  double t0 = drv_now();
  uint64_t rd0, wr0;
  io_bytes(&s, &rd0, &wr0);
  AE_CHK(aeon_par_agree(C->grid->comm, setup(&s)));
  AE_CHK(aeon_par_agree(C->grid->comm, plan(&s)));
  aeon_err e = aeon_par_agree(C->grid->comm, take_memory(&s));
  s.nsteps = alpha != 0.0 ? ceil_div(C->mt, s.br) * ceil_div(C->nt, s.bc) * A->nt : 0;
  if (!e) e = run_blocks(&s);
  give_back(&s);
  aeon_matmul_stats tmp;
  aeon_err es = finish_stats(&s, t0, rd0, wr0, st ? st : &tmp);
  return e ? e : es;
}

aeon_err aeon_matmul(double alpha, aeon_tiled *A, aeon_tiled *B, double beta, aeon_tiled *C) {
  return aeon_matmul_ex(alpha, A, B, beta, C, NULL, NULL);
}
