/* ranks: 1 2 4 */
/* SUMMA matrix product C = alpha A B + beta C on the default grid (1x1, 1x2,
 * 2x2) and on the transposed one (P x 1): generated A (300 x 200), B (200 x
 * 250), C (300 x 250) with nb = 64 (ragged edge tiles) are gathered to rank 0
 * and the product compared with one dgemm of the whole matrices on rank 0 (the
 * kernel table's general update, cblas_dgemm) and with a plain triple loop:
 * max |C - C_ref| / max |C_ref| below 1e-13. Also beta = 0 over a C full of
 * NaN, a lower and an upper triangular A, nb = 1000 (one tile), and the refusals (shapes,
 * tile sizes, C = A) with the same message on every rank. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/drivers.h"
#include "aeon/memory.h"

#include "mpicheck.h"

#define M 300
#define K 200
#define N 250

static double nan_fn(void *ctx, long r, long c) {
  (void)ctx, (void)r, (void)c;
  return NAN;
}

/* Gathers X (m x n, row-major) onto rank 0 of the grid: every rank adds its stored tiles into a zero matrix. */
static void gather(aeon_tiled *X, double *out) {
  const aeon_pgrid *g = X->grid;
  double *loc;
  aeon_mem_alloc((size_t)X->m * X->n * sizeof(double), (void **)&loc);
  for (long i = g->p; i < X->mt; i += g->P)
    for (long j = g->q; j < X->nt; j += g->Q) {
      int ld;
      const double *t = aeon_tiled_tile(X, i, j, &ld);
      if (!t) continue;
      for (int r = 0; r < aeon_tiled_rows(X, i); r++)
        for (int c = 0; c < aeon_tiled_cols(X, j); c++)
          loc[(i * X->nb + r) * X->n + j * X->nb + c] = t[(size_t)c * ld + r];
    }
  MPI_Reduce(loc, out, (int)(X->m * X->n), MPI_DOUBLE, MPI_SUM, 0, g->comm);
  aeon_mem_free(loc);
}

/* Zeroes the triangle of the square n x n row-major matrix a that traits t do not keep. */
static void keep_triangle(double *a, long n, aeon_traits t) {
  for (long r = 0; r < n; r++)
    for (long c = 0; c < n; c++)
      if ((t == AEON_TRAIT_LOWER && c > r) || (t == AEON_TRAIT_UPPER && c < r)) a[r * n + c] = 0.0;
}

/* One product: A (m x k, traits ta), B (k x n) and C (m x n, NaN when c_nan) generated; C = alpha A B + beta C
 * against the whole-matrix dgemm and the triple loop on rank 0. */
static void product_case(const aeon_pgrid *g, long m, long k, long n, int nb, aeon_traits ta, double alpha,
                         double beta, int c_nan) {
  aeon_gov *gov;
  aeon_tiled *A = NULL, *B = NULL, *C = NULL;
  aeon_gen ga = {.seed = 11, .n = m}, gb = {.seed = 22, .n = k}, gc = {.seed = 33, .n = m};
  aeon_err e = aeon_gov_create((size_t)1 << 28, &gov);
  if (!e) e = aeon_tiled_create(g, gov, m, k, nb, ta, NULL, &A);
  if (!e) e = aeon_tiled_create(g, gov, k, n, nb, AEON_TRAIT_GENERAL, NULL, &B);
  if (!e) e = aeon_tiled_create(g, gov, m, n, nb, AEON_TRAIT_GENERAL, NULL, &C);
  if (!e) e = aeon_tiled_fill(A, aeon_gen_general, &ga);
  if (!e) e = aeon_tiled_fill(B, aeon_gen_general, &gb);
  if (!e) e = aeon_tiled_fill(C, c_nan ? nan_fn : aeon_gen_general, &gc);
  CHECK(e == AEON_OK, "setup: %s", aeon_error_message());
  if (e) return;
  double *a = NULL, *b = NULL, *c0 = NULL, *c = NULL, *ref = NULL, *at = NULL;
  aeon_mem_alloc((size_t)m * k * sizeof(double), (void **)&a);
  aeon_mem_alloc((size_t)k * n * sizeof(double), (void **)&b);
  aeon_mem_alloc((size_t)m * n * sizeof(double), (void **)&c0);
  aeon_mem_alloc((size_t)m * n * sizeof(double), (void **)&c);
  aeon_mem_alloc((size_t)m * n * sizeof(double), (void **)&ref);
  aeon_mem_alloc((size_t)m * k * sizeof(double), (void **)&at);
  gather(A, a);
  gather(B, b);
  gather(C, c0);
  size_t used0 = aeon_gov_used(gov);
  MPI_Barrier(g->comm);
  double t0 = MPI_Wtime();
  e = aeon_matmul(alpha, A, B, beta, C);
  double secs = MPI_Wtime() - t0;
  CHECK(e == AEON_OK, "matmul: %s", aeon_error_message());
  CHECK(aeon_gov_used(gov) == used0, "governor use %zu after matmul, %zu before", aeon_gov_used(gov), used0);
  CHECK(aeon_gov_peak(gov) > used0, "matmul took no panel buffers from the governor");
  gather(C, c);
  if (g->rank == 0) {
    keep_triangle(a, m, ta); /* the generator filled the diagonal tiles whole */
    /* Reference 1: one dgemm of the whole matrices with the table's (column-major) update kernel: the row-major
     * C is the column-major C^T = beta C^T + alpha B^T (A^T), B^T being the row-major B and A^T's transpose (A in
     * column-major order) built in at. */
    for (long i = 0; i < m; i++)
      for (long r = 0; r < k; r++) at[r * m + i] = a[i * k + r];
    memcpy(ref, c0, (size_t)m * n * sizeof(double));
    if (beta == 0.0) memset(ref, 0, (size_t)m * n * sizeof(double));
    const aeon_kernel *gemm = aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_GENERAL);
    aeon_tile_call call = {.m = (int)n, .n = (int)m, .k = (int)k, .a = b, .lda = (int)n, .b = at, .ldb = (int)m,
                           .c = ref, .ldc = (int)n, .alpha = alpha, .beta = beta};
    gemm->run(&call);
    double dmax = 0, rmax = 0, lmax = 0;
    for (long i = 0; i < m * n; i++) {
      if (!(fabs(c[i] - ref[i]) <= dmax)) dmax = fabs(c[i] - ref[i]); /* NaN propagates */
      if (fabs(ref[i]) > rmax) rmax = fabs(ref[i]);
    }
    /* Reference 2: a plain triple loop in long double. */
    for (long r = 0; r < m; r++)
      for (long q = 0; q < n; q++) {
        long double s = 0;
        for (long l = 0; l < k; l++) s += (long double)a[r * k + l] * b[l * n + q];
        double v = (double)(alpha * s + (beta == 0.0 ? 0.0L : (long double)beta * c0[r * n + q]));
        if (!(fabs(c[r * n + q] - v) <= lmax)) lmax = fabs(c[r * n + q] - v);
      }
    double err = dmax / rmax, lerr = lmax / rmax;
    CHECK(err < 1e-13, "%ldx%ldx%ld nb=%d %s A grid %dx%d: relative error vs dgemm %.3e", m, k, n, nb,
          aeon_traits_name(ta), g->P, g->Q, err);
    CHECK(lerr < 1e-13, "%ldx%ldx%ld nb=%d %s A grid %dx%d: relative error vs loop %.3e", m, k, n, nb,
          aeon_traits_name(ta), g->P, g->Q, lerr);
    printf("matmul %ldx%ldx%ld nb=%d A %s alpha=%g beta=%g%s grid %dx%d: rel. error vs dgemm %.3e, vs loop %.3e, "
           "%.4f s, panel buffers %.1f KiB\n",
           m, k, n, nb, aeon_traits_name(ta), alpha, beta, c_nan ? " (C was NaN)" : "", g->P, g->Q, err, lerr, secs,
           (double)(aeon_gov_peak(gov) - used0) / 1024.0);
  }
  aeon_mem_free(a);
  aeon_mem_free(b);
  aeon_mem_free(c0);
  aeon_mem_free(c);
  aeon_mem_free(ref);
  aeon_mem_free(at);
  aeon_tiled_destroy(A);
  aeon_tiled_destroy(B);
  aeon_tiled_destroy(C);
  CHECK(aeon_gov_used(gov) == 0, "governor not empty after destroy");
  aeon_gov_destroy(gov);
}

/* Every refusal is a user error with the same message on every rank. */
static void expect_user(const aeon_pgrid *g, aeon_err e, const char *needle, const char *what) {
  const char *msg = aeon_error_message();
  CHECK(e == AEON_ERR_USER && strstr(msg, needle), "%s: code %d, message '%s'", what, (int)e, msg);
  char mine[512] = {0}, root[512] = {0};
  snprintf(mine, sizeof mine, "%s", msg);
  memcpy(root, mine, sizeof root);
  MPI_Bcast(root, sizeof root, MPI_CHAR, 0, g->comm);
  CHECK(strcmp(root, mine) == 0, "%s: rank %d says '%s', rank 0 '%s'", what, g->rank, mine, root);
  if (g->rank == 0) printf("refused (%s): %s\n", what, msg);
  aeon_error_clear();
}

static void refusals(const aeon_pgrid *g) {
  aeon_gov *gov;
  aeon_tiled *A = NULL, *B = NULL, *B2 = NULL, *C = NULL, *D = NULL;
  aeon_err e = aeon_gov_create((size_t)1 << 26, &gov);
  if (!e) e = aeon_tiled_create(g, gov, M, K, 64, AEON_TRAIT_GENERAL, NULL, &A);
  if (!e) e = aeon_tiled_create(g, gov, K - 10, N, 64, AEON_TRAIT_GENERAL, NULL, &B);   /* inner size off */
  if (!e) e = aeon_tiled_create(g, gov, K, N, 32, AEON_TRAIT_GENERAL, NULL, &B2);       /* tile size off */
  if (!e) e = aeon_tiled_create(g, gov, M, N, 64, AEON_TRAIT_GENERAL, NULL, &C);
  if (!e) e = aeon_tiled_create(g, gov, M, M, 64, AEON_TRAIT_GENERAL, NULL, &D);
  CHECK(e == AEON_OK, "setup: %s", aeon_error_message());
  if (!e) {
    size_t used = aeon_gov_used(gov);
    expect_user(g, aeon_matmul(1.0, A, B, 0.0, C), "shapes do not conform: A is 300 x 200, B is 190 x 250",
                "inner dimension");
    expect_user(g, aeon_matmul(1.0, A, C, 0.0, C), "shapes do not conform", "C = B, wrong shapes");
    expect_user(g, aeon_matmul(1.0, A, B2, 0.0, C), "tile sizes differ: A 64, B 32, C 64", "tile size");
    expect_user(g, aeon_matmul(1.0, D, D, 0.0, D), "C must not be A or B", "in place");
    CHECK(aeon_gov_used(gov) == used, "a refusal took governor memory");
  }
  aeon_tiled_destroy(A);
  aeon_tiled_destroy(B);
  aeon_tiled_destroy(B2);
  aeon_tiled_destroy(C);
  aeon_tiled_destroy(D);
  aeon_gov_destroy(gov);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  aeon_pgrid g;
  aeon_drv_blas_threads(MPI_COMM_WORLD);
  if (aeon_pgrid_create(MPI_COMM_WORLD, 0, 0, &g)) {
    fprintf(stderr, "grid: %s\n", aeon_error_message());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  product_case(&g, M, K, N, 64, AEON_TRAIT_GENERAL, 1.5, -0.75, 0);
  product_case(&g, M, K, N, 64, AEON_TRAIT_GENERAL, -1.0, 0.0, 1);
  product_case(&g, M, K, N, 64, AEON_TRAIT_GENERAL, 1.0, 1.0, 0);
  product_case(&g, M, K, N, 1000, AEON_TRAIT_GENERAL, 2.0, 0.5, 0);
  product_case(&g, M, M, N, 64, AEON_TRAIT_LOWER, 1.0, 0.5, 0);
  product_case(&g, M, M, N, 64, AEON_TRAIT_UPPER, -0.5, 2.0, 0);
  product_case(&g, 37, 5, 3, 2, AEON_TRAIT_GENERAL, 1.0, 1.0, 0);
  refusals(&g);
  aeon_pgrid_destroy(&g);
  if (g.size > 1) { /* the transposed grid: P x 1 */
    aeon_pgrid_create(MPI_COMM_WORLD, g.size, 1, &g);
    product_case(&g, M, K, N, 64, AEON_TRAIT_GENERAL, 1.5, -0.75, 0);
    refusals(&g);
    aeon_pgrid_destroy(&g);
  }
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all ? 1 : 0;
}
