/* Checks of a factorization: the backward error ||A - L L^T||_F / ||A||_F
 * (L L^T formed tile by tile with the same strip exchange as the Cholesky), and
 * a tile-by-tile comparison of two matrices. */
#include <math.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

typedef struct check_state {
  aeon_tiled *L, *C;
  const aeon_kernel *syrk, *gemm;
  double flops;
  long col; /* the column being accumulated */
} check_state;

static double *core_tile(void *ctx, long i, long j, int *ld) { return aeon_tiled_tile(ctx, i, j, ld); }

static double *c_row(void *ctx, long i, int *ld) {
  const check_state *s = ctx;
  return aeon_tiled_tile(s->C, i, s->col, ld);
}
static double *x_row(void *ctx, long i, int *ld) { return xc_tile(ctx, i, ld); }

/* C(i, j) += L(i, k) L(j, k)^T for this rank's tiles of C with j >= k: dsyrk on the diagonal, one dgemm below. */
static void accumulate(check_state *s, xchg *x, long k) {
  const aeon_pgrid *g = s->L->grid;
  aeon_tiled *C = s->C;
  for (long j = k + ((g->q - k % g->Q) + g->Q) % g->Q; j < C->nt; j += g->Q) {
    int ldj;
    const double *Lj = xc_tile(x, j, &ldj);
    aeon_tile_call c = {.m = aeon_tiled_rows(C, j), .n = aeon_tiled_rows(C, j), .k = aeon_tiled_cols(C, k), .a = Lj,
                        .lda = ldj, .b = Lj, .ldb = ldj, .alpha = 1.0, .beta = 1.0};
    if (j % g->P == g->p) {
      c.c = aeon_tiled_tile(C, j, j, &c.ldc);
      drv_run(s->syrk, &c, &s->flops);
    }
    s->col = j;
    drv_stack st = {.c = c_row, .cctx = s, .a = x_row, .actx = x};
    drv_run_stack(s->gemm, c, C, j + 1, C->mt, &st, &s->flops);
  }
}

/* Forms C = L L^T (lower tiles). */
static aeon_err form_llt(check_state *s) {
  aeon_tiled *L = s->L;
  long cap = 1;
  for (long k = 0; k < L->nt; k++) {
    long c = xc_recv_count(L, k, k, L->nt, XC_ROW | XC_COL);
    if (c > cap) cap = c;
  }
  size_t bytes = (size_t)cap * L->nb * L->nb * sizeof(double);
  double *buf = NULL;
  xchg x;
  AE_CHK(xc_init(&x, L, L->nt));
  aeon_err e = aeon_par_agree(L->grid->comm, aeon_gov_alloc(L->gov, bytes, "backward-error buffers", (void **)&buf));
  for (long k = 0; k < L->nt && !e; k++) {
    e = xc_post(&x, L, L->grid->comm, k, k, L->nt, XC_ROW | XC_COL, core_tile, L, buf, cap);
    if (!e) e = xc_wait(&x);
    if (!e) accumulate(s, &x, k);
  }
  aeon_gov_free(L->gov, buf, bytes);
  xc_free(&x);
  return e;
}

/* Adds the squared differences of tile (i, j) to sums[0] and the squares of A to sums[1], counting the symmetric
 * half that is not stored. */
static void tile_sums(aeon_tiled *C, long i, long j, aeon_elem_fn a, void *ctx, double sums[2]) {
  int ld;
  const double *t = aeon_tiled_tile(C, i, j, &ld);
  int rows = aeon_tiled_rows(C, i), cols = aeon_tiled_cols(C, j);
  for (int c = 0; c < cols; c++)
    for (int r = (i == j ? c : 0); r < rows; r++) {
      double w = (i == j && r == c) ? 1.0 : 2.0, v = a(ctx, i * C->nb + r, j * C->nb + c);
      double d = v - t[(size_t)c * ld + r];
      sums[0] += w * d * d;
      sums[1] += w * v * v;
    }
}

static aeon_err residual(check_state *s, aeon_elem_fn a, void *ctx, double *err) {
  aeon_tiled *C = s->C;
  const aeon_pgrid *g = C->grid;
  double loc[2] = {0, 0}, sum[2];
  for (long j = g->q; j < C->nt; j += g->Q)
    for (long i = g->p; i < C->mt; i += g->P)
      if (aeon_tiled_mine(C, i, j)) tile_sums(C, i, j, a, ctx, loc);
  AE_MPI(MPI_Allreduce(loc, sum, 2, MPI_DOUBLE, MPI_SUM, g->comm));
  *err = sum[1] > 0 ? sqrt(sum[0] / sum[1]) : sqrt(sum[0]);
  return AEON_OK;
}

aeon_err aeon_chol_backward_error(aeon_tiled *L, aeon_elem_fn a, void *ctx, double *err) {
  if (!L->core || L->traits != AEON_TRAIT_LOWER)
    return AE_ERR(AEON_ERR_USER, "the backward error needs an in-core Cholesky factor (lower triangular)");
  check_state s = {.L = L};
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, AEON_TRAIT_SYMMETRIC, &s.syrk));
  AE_CHK(aeon_kernel_get(AEON_OP_UPDATE, AEON_TRAIT_GENERAL, &s.gemm));
  AE_CHK(aeon_tiled_create(L->grid, L->gov, L->m, L->n, L->nb, AEON_TRAIT_SYMMETRIC, NULL, &s.C));
  aeon_err e = form_llt(&s);
  if (!e) e = residual(&s, a, ctx, err);
  aeon_tiled_destroy(s.C);
  return e;
}

/* Largest |x - y| over this rank's tiles (infinity where either is NaN). */
static aeon_err local_maxdiff(aeon_tiled *X, aeon_tiled *Y, double *bx, double *by, double *mx) {
  for (long j = X->grid->q; j < X->nt; j += X->grid->Q)
    for (long i = X->grid->p; i < X->mt; i += X->grid->P) {
      if (!aeon_tiled_mine(X, i, j)) continue;
      AE_CHK(aeon_tiled_get(X, i, j, bx));
      AE_CHK(aeon_tiled_get(Y, i, j, by));
      for (size_t k = 0; k < (size_t)X->nb * X->nb; k++) {
        double d = fabs(bx[k] - by[k]);
        if (!(d <= *mx)) *mx = isnan(d) ? INFINITY : d;
      }
    }
  return AEON_OK;
}

aeon_err aeon_tiled_maxdiff(aeon_tiled *X, aeon_tiled *Y, double *maxdiff) {
  if (X->m != Y->m || X->n != Y->n || X->nb != Y->nb || X->grid->P != Y->grid->P || X->grid->Q != Y->grid->Q)
    return AE_ERR(AEON_ERR_USER, "matrices to compare differ in shape, tile size or grid");
  size_t tb = (size_t)X->nb * X->nb * sizeof(double);
  double *bx = NULL, *by = NULL, mx = 0;
  aeon_err e = aeon_gov_alloc(X->gov, tb, "comparison buffer", (void **)&bx);
  if (!e) e = aeon_gov_alloc(X->gov, tb, "comparison buffer", (void **)&by);
  if (!e) e = local_maxdiff(X, Y, bx, by, &mx);
  aeon_gov_free(X->gov, bx, tb);
  aeon_gov_free(X->gov, by, tb);
  AE_CHK(aeon_par_agree(X->grid->comm, e));
  AE_MPI(MPI_Allreduce(&mx, maxdiff, 1, MPI_DOUBLE, MPI_MAX, X->grid->comm));
  return AEON_OK;
}
