/* In-core block Cholesky, right-looking with lookahead, over a diagonal window
 * of tiles [j0, j1) of a lower-stored SPD matrix distributed 2D block-cyclic.
 *
 * Panel j: the owner of (j, j) factors it (dpotrf), inverts it (dtrtri) and
 * sends the inverse down its process column; the ranks of that column solve
 * their tiles (i, j) = (i, j) L(j, j)^-T with one dtrmm over their stack of
 * tiles (OpenBLAS's dtrmm runs near dgemm speed, its dtrsm at a quarter) and
 * send each to the process row and process column of i; in core, the tiles for
 * the process row go packed, as contiguous messages the MPI library can move
 * without the sender (single copy) while both ranks compute. Step k applies panel
 * k to every later column (dsyrk on the diagonal, dgemm over the stack of tiles
 * below it, cut into calls of DRV_STACK_ROWS rows with MPI progress between). With
 * lookahead d, panels up to k + d are factored (their columns brought up to
 * date first) before the rest of step k's update, so their messages travel
 * while the bulk of the update runs. Every tile (i, j) receives its updates in
 * the order k = 0, 1, ..., j - 1 and then its solve: the out-of-core driver
 * keeps that order, which makes the two factors identical bit for bit when the
 * kernel calls are the same (reproducible mode, one call per tile).
 *
 * A failing dpotrf is reduced over the grid (MPI_Iallreduce of the smallest
 * failing global column) and checked when the panel is waited for, so every
 * rank stops at the same panel with the same message. */
#include <limits.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

#define MAX_LOOKAHEAD 16

typedef struct panel {
  xchg diag, pan;     /* the diagonal tile (down its column) and the solved tiles below it */
  long info, ginfo;   /* failing global column (LONG_MAX: none), local and reduced */
  MPI_Request ireq;
  int live, waited;
} panel;

typedef struct win_state {
  chol_win *w;
  const aeon_pgrid *g;
  int nring;
  panel pn[MAX_LOOKAHEAD + 1];
  long *app;          /* app[j - j0]: panels applied to column j so far */
  const aeon_kernel *potrf, *inv, *trmm, *syrk, *gemm;
} win_state;

static double *wtile(const win_state *s, long i, long j, int *ld) { return s->w->tile(s->w->tctx, i, j, ld); }
static panel *panel_of(win_state *s, long j) { return &s->pn[(j - s->w->j0) % s->nring]; }

long chol_win_panel_tiles(const aeon_tiled *A, long j0, long j1) {
  long mx = 1;
  for (long j = j0; j < j1; j++) {
    long c = 1 + xc_recv_count(A, j, j + 1, j1, XC_ROW | XC_COL);
    if (c > mx) mx = c;
  }
  return mx;
}

/* Factors the diagonal tile (j, j) if this rank owns it, records a failure, and puts its inverse in linv. */
static void factor_diag(win_state *s, panel *pn, long j, double *linv) {
  aeon_tiled *A = s->w->A;
  int ld;
  double *d = wtile(s, j, j, &ld);
  pn->info = LONG_MAX;
  if (!d) return;
  aeon_tile_call c = {.m = aeon_tiled_rows(A, j), .c = d, .ldc = ld};
  drv_run(s->potrf, &c, &s->w->flops);
  if (c.info > 0) pn->info = j * A->nb + c.info;
  drv_zero_upper(d, c.m, ld);
  drv_invert(s->inv, d, ld, c.m, A->nb, linv, &s->w->flops);
}

/* Row accessors for drv_run_stack: tile (i, j) of the window, tile (i, k) of an exchange. */
typedef struct col_ref {
  win_state *s;
  long j;
} col_ref;
static double *win_row(void *ctx, long i, int *ld) { return wtile(((col_ref *)ctx)->s, i, ((col_ref *)ctx)->j, ld); }
static double *xc_row(void *ctx, long i, int *ld) { return xc_tile(ctx, i, ld); }
/* A contiguous tile given to an exchange as its source. */
typedef struct tile_ref {
  double *t;
  int ld;
} tile_ref;
static double *ref_src(void *ctx, long i, long j, int *ld) {
  *ld = ((tile_ref *)ctx)->ld;
  return ((tile_ref *)ctx)->t;
}
static void progress(void *ctx);

/* Solves this rank's tiles (i, j), i > j: C = C L^-T = C (L^-1)^T with dtrmm over the stack. */
static void solve_column(win_state *s, long j, const double *Linv) {
  aeon_tiled *A = s->w->A;
  col_ref ref = {s, j};
  drv_stack st = {.c = win_row, .cctx = &ref, .between = progress, .bctx = s, .per_tile = s->w->per_tile};
  aeon_tile_call c = {.n = aeon_tiled_rows(A, j), .a = Linv, .lda = A->nb, .alpha = 1.0};
  drv_run_stack(s->trmm, c, A, j + 1, s->w->j1, &st, &s->w->flops);
}

/* Factors panel j and posts its messages (every rank calls this in the same order). */
static aeon_err factor_send(win_state *s, long j) {
  chol_win *w = s->w;
  panel *pn = panel_of(s, j);
  double *buf = w->pool[(j - w->j0) % s->nring];
  size_t tb = (size_t)w->A->nb * w->A->nb;
  factor_diag(s, pn, j, buf); /* the inverse goes to slot 0 of the panel buffer, where the others receive it */
  tile_ref linv = {buf, w->A->nb};
  AE_CHK(xc_post(&pn->diag, w->A, w->comm, j, j, j + 1, XC_COL, ref_src, &linv, buf, 1));
  AE_MPI(MPI_Iallreduce(&pn->info, &pn->ginfo, 1, MPI_LONG, MPI_MIN, w->comm, &pn->ireq));
  if (j % s->g->Q == s->g->q) {
    AE_CHK(xc_wait(&pn->diag));
    solve_column(s, j, xc_tile(&pn->diag, j, NULL));
  }
  AE_CHK(xc_post(&pn->pan, w->A, w->comm, j, j + 1, w->j1, XC_ROW | XC_COL, w->tile, w->tctx, buf + tb,
                 w->pool_cap - 1));
  pn->live = 1;
  pn->waited = 0;
  return AEON_OK;
}

/* Waits for panel k's tiles and its failure check. */
static aeon_err wait_panel(win_state *s, long k) {
  panel *pn = panel_of(s, k);
  if (pn->waited) return AEON_OK;
  AE_CHK(xc_wait(&pn->diag));
  AE_CHK(xc_wait(&pn->pan));
  AE_MPI(MPI_Wait(&pn->ireq, MPI_STATUS_IGNORE));
  pn->waited = 1;
  s->w->recv_bytes += pn->diag.recv_bytes + pn->pan.recv_bytes;
  pn->diag.recv_bytes = pn->pan.recv_bytes = 0;
  return pn->ginfo == LONG_MAX ? AEON_OK : drv_not_spd(pn->ginfo, s->w->A->n);
}

/* Lets in-flight messages move while the update computes. */
static void progress(void *ctx) {
  win_state *s = ctx;
  for (int r = 0; r < s->nring; r++)
    if (s->pn[r].live && !s->pn[r].waited) xc_test(&s->pn[r].pan);
}

/* Applies panel k to this rank's tiles of column j: C(i, j) -= L(i, k) L(j, k)^T, dsyrk on the diagonal tile and
 * dgemm over the stack of tiles below it. */
static void apply(win_state *s, long k, long j) {
  aeon_tiled *A = s->w->A;
  const aeon_pgrid *g = s->g;
  s->app[j - s->w->j0]++;
  if (j % g->Q != g->q) return;
  panel *pn = panel_of(s, k);
  int ldl;
  const double *Lj = xc_tile(&pn->pan, j, &ldl);
  aeon_tile_call c = {.m = aeon_tiled_rows(A, j), .n = aeon_tiled_rows(A, j), .k = aeon_tiled_cols(A, k), .a = Lj,
                      .lda = ldl, .b = Lj, .ldb = ldl, .alpha = -1.0, .beta = 1.0};
  if (j % g->P == g->p) {
    c.c = wtile(s, j, j, &c.ldc);
    drv_run(s->syrk, &c, &s->w->flops);
  }
  col_ref ref = {s, j};
  drv_stack st = {.c = win_row, .cctx = &ref, .a = xc_row, .actx = &pn->pan, .between = progress, .bctx = s,
                  .per_tile = s->w->per_tile};
  drv_run_stack(s->gemm, c, A, j + 1, s->w->j1, &st, &s->w->flops);
  progress(s);
}

/* Brings column j up to date with every panel before it (waiting for them as needed). */
static aeon_err catch_up(win_state *s, long j) {
  for (long k = s->w->j0 + s->app[j - s->w->j0]; k < j; k++) {
    AE_CHK(wait_panel(s, k));
    apply(s, k, j);
  }
  return AEON_OK;
}

static aeon_err run_steps(win_state *s) {
  chol_win *w = s->w;
  long next = w->j0;
  for (long k = w->j0; k < w->j1; k++) {
    for (; next < w->j1 && next <= k + w->lookahead; next++) {
      AE_CHK(catch_up(s, next));
      AE_CHK(factor_send(s, next));
    }
    AE_CHK(wait_panel(s, k));
    for (long j = k + 1; j < w->j1; j++)
      if (w->j0 + s->app[j - w->j0] == k) apply(s, k, j);
    panel_of(s, k)->live = 0;
    if (w->progress && s->g->rank == 0) w->progress(w->progress_ctx, k + 1, w->A->nt);
  }
  return AEON_OK;
}

static aeon_err win_init(win_state *s, chol_win *w) {
  memset(s, 0, sizeof *s);
  s->w = w;
  s->g = w->A->grid;
  s->nring = w->lookahead + 1;
  if (w->lookahead < 0 || w->lookahead > MAX_LOOKAHEAD)
    return AE_ERR(AEON_ERR_USER, "lookahead %d is outside [0, %d]", w->lookahead, MAX_LOOKAHEAD);
  AE_CHK(aeon_kernel_get(AEON_OP_FACTOR, w->A->traits, &s->potrf));
  AE_CHK(aeon_kernel_get(AEON_OP_INVERT, AEON_TRAIT_LOWER, &s->inv));
  AE_CHK(aeon_kernel_get(AEON_OP_MULTIPLY_T, AEON_TRAIT_LOWER, &s->trmm));
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, w->A->traits, &s->syrk));
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, AEON_TRAIT_GENERAL, &s->gemm));
  long n = w->j1 - w->j0;
  AE_CHK(aeon_mem_alloc((size_t)(n > 0 ? n : 1) * sizeof(long), (void **)&s->app));
  for (int r = 0; r < s->nring; r++) {
    AE_CHK(xc_init(&s->pn[r].diag, w->A, 1));
    AE_CHK(xc_init(&s->pn[r].pan, w->A, n));
    if (w->spool) xc_set_sendbuf(&s->pn[r].pan, w->spool[r], w->spool_cap);
  }
  return AEON_OK;
}

static void win_free(win_state *s) {
  for (int r = 0; r < s->nring && r <= MAX_LOOKAHEAD; r++) {
    xc_free(&s->pn[r].diag);
    xc_free(&s->pn[r].pan);
  }
  aeon_mem_free(s->app);
}

aeon_err chol_win_run(chol_win *w) {
  win_state s;
  aeon_err e = win_init(&s, w);
  if (!e) e = run_steps(&s);
  win_free(&s);
  return e;
}

/* ---- the in-core driver ---- */

static double *core_tile(void *ctx, long i, long j, int *ld) { return aeon_tiled_tile(ctx, i, j, ld); }

/* Tiles of one send buffer: this rank's tiles of one tile column (a packed row panel; none on one process column). */
static long send_tiles(const aeon_tiled *A) { return A->grid->Q > 1 ? (A->nt + A->grid->P - 1) / A->grid->P : 0; }

/* Takes the panel buffers (ring receive buffers of cap tiles, then ring send buffers) from the governor; a budget
 * too small for them is the user's to fix. */
static aeon_err take_pool(aeon_tiled *A, int ring, long cap, double **pool, double **spool, double **slab) {
  size_t tb = (size_t)A->nb * A->nb * sizeof(double), bytes = (size_t)ring * (cap + send_tiles(A)) * tb;
  aeon_gov *g = A->gov;
  aeon_err e = AEON_OK;
  if (aeon_gov_used(g) + bytes > aeon_gov_budget(g)) {
    char need[32], bud[32];
    aeon_format_bytes((double)(aeon_gov_used(g) + bytes), need, sizeof need);
    aeon_format_bytes((double)aeon_gov_budget(g), bud, sizeof bud);
    e = AE_ERR(AEON_ERR_USER,
               "in-core Cholesky needs %s per rank (matrix tiles + %d panel buffers of %ld tiles and %d of %ld), more "
               "than the budget of %s: raise the budget, lower the lookahead, or factor out of core",
               need, ring, cap, ring, send_tiles(A), bud);
  }
  if (!e) e = aeon_gov_alloc(g, bytes, "Cholesky panel buffers", (void **)slab);
  AE_CHK(aeon_par_agree(A->grid->comm, e));
  size_t t = (size_t)A->nb * A->nb;
  for (int r = 0; r < ring; r++) {
    pool[r] = *slab + (size_t)r * cap * t;
    spool[r] = *slab + (size_t)ring * cap * t + (size_t)r * send_tiles(A) * t;
  }
  return AEON_OK;
}

static aeon_err chol_core(aeon_tiled *A, const aeon_chol_opts *o, drv_counts *cnt) {
  int ring = o->lookahead + 1;
  if (o->lookahead < 0 || o->lookahead > MAX_LOOKAHEAD)
    return AE_ERR(AEON_ERR_USER, "lookahead %d is outside [0, %d]", o->lookahead, MAX_LOOKAHEAD);
  long cap = chol_win_panel_tiles(A, 0, A->nt);
  double *pool[MAX_LOOKAHEAD + 1], *spool[MAX_LOOKAHEAD + 1], *slab = NULL;
  AE_CHK(take_pool(A, ring, cap, pool, spool, &slab));
  chol_win w = {.A = A, .tile = core_tile, .tctx = A, .j0 = 0, .j1 = A->nt, .lookahead = o->lookahead,
                .pool = pool, .pool_cap = cap, .per_tile = o->reproducible, .spool = spool,
                .spool_cap = send_tiles(A), .progress = o->progress, .progress_ctx = o->progress_ctx};
  aeon_err e = AEON_OK;
  if (MPI_Comm_dup(A->grid->comm, &w.comm) != MPI_SUCCESS) e = AE_ERR(AEON_ERR_MPI, "MPI_Comm_dup failed");
  if (!e) e = chol_win_run(&w);
  if (w.comm != MPI_COMM_NULL) MPI_Comm_free(&w.comm);
  aeon_gov_free(A->gov, slab, (size_t)ring * (cap + send_tiles(A)) * A->nb * A->nb * sizeof(double));
  cnt->flops += w.flops;
  cnt->recv += w.recv_bytes;
  return e;
}

aeon_err aeon_chol_core_bytes(const aeon_pgrid *g, long n, int nb, int lookahead, size_t *bytes) {
  size_t mat;
  AE_CHK(aeon_tiled_core_bytes(g, n, n, nb, AEON_TRAIT_SPD, &mat));
  long nt = (n + nb - 1) / nb, panel = 1 + 2 * ((nt + g->P - 1) / g->P) + (nt + g->Q - 1) / g->Q;
  *bytes = mat + (size_t)(lookahead + 1) * panel * nb * nb * sizeof(double);
  return AEON_OK;
}

int aeon_drivers_auto_nb(long n) {
  int nb = 256;
  while (n > 0 && nb > 64 && n < 24L * nb) nb /= 2;
  return nb;
}

aeon_chol_opts aeon_chol_defaults(void) {
  aeon_chol_opts o = {.lookahead = (int)aeon_drivers_default("drivers.lookahead"), .block_tiles = 0,
                      .reproducible = (int)aeon_drivers_default("drivers.reproducible")};
  return o;
}

aeon_err chol_ooc(aeon_tiled *A, const aeon_chol_opts *o, drv_counts *cnt, long *block_tiles); /* chol_ooc.c */

aeon_err aeon_chol(aeon_tiled *A, const aeon_chol_opts *o, aeon_chol_stats *st) {
  if (A->traits != AEON_TRAIT_SPD && A->traits != AEON_TRAIT_SYMMETRIC)
    return AE_ERR(AEON_ERR_USER, "Cholesky needs a symmetric positive definite matrix, not a %s one",
                  aeon_traits_name(A->traits));
  aeon_chol_opts def = aeon_chol_defaults();
  if (!o) o = &def;
  drv_counts cnt;
  drv_counts_start(A, &cnt);
  long bt = 0;
  aeon_err e = A->core ? chol_core(A, o, &cnt) : chol_ooc(A, o, &cnt, &bt);
  e = aeon_par_agree(A->grid->comm, e);
  if (!e) A->traits = AEON_TRAIT_LOWER;
  aeon_chol_stats tmp;
  if (!st) st = &tmp;
  aeon_err es = drv_finish_stats(A, &cnt, st);
  st->block_tiles = bt;
  return e ? e : es;
}
