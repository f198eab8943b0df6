/* ranks: 1 2 4 */
/* SUMMA matrix product C = alpha A B + beta C on the default grid (1x1, 1x2,
 * 2x2) and on the transposed one (P x 1): generated A (300 x 200), B (200 x
 * 250), C (300 x 250) with nb = 64 (ragged edge tiles) are gathered to rank 0
 * and the product compared with one dgemm of the whole matrices on rank 0 (the
 * kernel table's general update, cblas_dgemm) and with a plain triple loop:
 * max |C - C_ref| / max |C_ref| below 1e-13. Also beta = 0 over a C full of
 * NaN, a lower and an upper triangular A, nb = 1000 (one tile), and the refusals (shapes,
 * tile sizes, C = A) with the same message on every rank.
 *
 * Out of core (nb = 32): A, B, C each alone and all three in tile files, with
 * C's budget 20 tiles beyond C's own in-core tiles, so C is cut into several
 * blocks: in reproducible mode the product is identical bit for bit to the in-core one on the same
 * grid (maxdiff == 0 and memcmp of the gathered C), within 1e-14 of the
 * whole-matrix dgemm, and the governor's peak stays within the budget; also a
 * triangular A out of core, alpha = 0, blocks forced on in-core matrices, and
 * a budget below the minimum working set refused with the needed and free
 * bytes on every rank. */
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

/* Gathers X (m x n, row-major; in core or out of core) onto rank 0 of the grid: every rank adds its stored tiles
 * into a zero matrix. */
static void gather(aeon_tiled *X, double *out) {
  const aeon_pgrid *g = X->grid;
  double *loc, *t;
  aeon_mem_alloc((size_t)X->m * X->n * sizeof(double), (void **)&loc);
  aeon_mem_alloc((size_t)X->nb * X->nb * sizeof(double), (void **)&t);
  memset(loc, 0, (size_t)X->m * X->n * sizeof(double));
  for (long i = g->p; i < X->mt; i += g->P)
    for (long j = g->q; j < X->nt; j += g->Q) {
      if (!aeon_tiled_mine(X, i, j)) continue;
      aeon_err e = aeon_tiled_get(X, i, j, t);
      CHECK(e == AEON_OK, "gather: %s", aeon_error_message());
      for (int r = 0; r < aeon_tiled_rows(X, i); r++)
        for (int c = 0; c < aeon_tiled_cols(X, j); c++)
          loc[(i * X->nb + r) * X->n + j * X->nb + c] = t[(size_t)c * X->nb + r];
    }
  MPI_Reduce(loc, out, (int)(X->m * X->n), MPI_DOUBLE, MPI_SUM, 0, g->comm);
  aeon_mem_free(loc);
  aeon_mem_free(t);
}

/* Zeroes the triangle of the square n x n row-major matrix a that traits t do not keep. */
static void keep_triangle(double *a, long n, aeon_traits t) {
  for (long r = 0; r < n; r++)
    for (long c = 0; c < n; c++)
      if ((t == AEON_TRAIT_LOWER && c > r) || (t == AEON_TRAIT_UPPER && c < r)) a[r * n + c] = 0.0;
}

/* The operands of one product, generated: A (m x k, traits ta), B (k x n), C (m x n, NaN when c_nan). Bit x of
 * ooc (1 A, 2 B, 4 C) puts that matrix in a tile file under /tmp; C's tiles come from gc, the others' from gab. */
typedef struct operands {
  aeon_tiled *A, *B, *C;
} operands;

static aeon_err make_operands(const aeon_pgrid *g, aeon_gov *gab, aeon_gov *gc, long m, long k, long n, int nb,
                              aeon_traits ta, int c_nan, int ooc, operands *o) {
  static aeon_gen ga = {.seed = 11}, gb = {.seed = 22}, gcg = {.seed = 33};
  *o = (operands){0};
  AE_CHK(aeon_tiled_create(g, gab, m, k, nb, ta, (ooc & 1) ? "/tmp" : NULL, &o->A));
  AE_CHK(aeon_tiled_create(g, gab, k, n, nb, AEON_TRAIT_GENERAL, (ooc & 2) ? "/tmp" : NULL, &o->B));
  AE_CHK(aeon_tiled_create(g, gc, m, n, nb, AEON_TRAIT_GENERAL, (ooc & 4) ? "/tmp" : NULL, &o->C));
  AE_CHK(aeon_tiled_fill(o->A, aeon_gen_general, &ga));
  AE_CHK(aeon_tiled_fill(o->B, aeon_gen_general, &gb));
  return aeon_tiled_fill(o->C, c_nan ? nan_fn : aeon_gen_general, &gcg);
}

static void free_operands(operands *o) {
  aeon_tiled_destroy(o->A);
  aeon_tiled_destroy(o->B);
  aeon_tiled_destroy(o->C);
  *o = (operands){0};
}

/* The gathered operands and result on rank 0 (row-major). */
typedef struct gathered {
  long m, k, n;
  double *a, *b, *c0, *c;
} gathered;

static void gather_inputs(operands *o, gathered *x) {
  x->m = o->C->m;
  x->k = o->A->n;
  x->n = o->C->n;
  aeon_mem_alloc((size_t)x->m * x->k * sizeof(double), (void **)&x->a);
  aeon_mem_alloc((size_t)x->k * x->n * sizeof(double), (void **)&x->b);
  aeon_mem_alloc((size_t)x->m * x->n * sizeof(double), (void **)&x->c0);
  aeon_mem_alloc((size_t)x->m * x->n * sizeof(double), (void **)&x->c);
  gather(o->A, x->a);
  gather(o->B, x->b);
  gather(o->C, x->c0);
  keep_triangle(x->a, x->m, o->A->traits); /* the generator filled the diagonal tiles whole */
}

static void free_gathered(gathered *x) {
  aeon_mem_free(x->a);
  aeon_mem_free(x->b);
  aeon_mem_free(x->c0);
  aeon_mem_free(x->c);
}

/* max |x - ref| / max |ref| over len values (NaN propagates). */
static double rel_diff(const double *x, const double *ref, long len) {
  double dmax = 0, rmax = 0;
  for (long i = 0; i < len; i++) {
    if (!(fabs(x[i] - ref[i]) <= dmax)) dmax = fabs(x[i] - ref[i]);
    if (fabs(ref[i]) > rmax) rmax = fabs(ref[i]);
  }
  return dmax / rmax;
}

/* Relative error of the gathered result against one dgemm of the whole matrices with the table's (column-major)
 * update kernel: the row-major C is the column-major C^T = beta C^T + alpha B^T (A^T), B^T being the row-major B
 * and A^T's transpose (A in column-major order) built in at. */
static double error_vs_dgemm(const gathered *x, double alpha, double beta) {
  long m = x->m, k = x->k, n = x->n;
  double *ref, *at, err;
  aeon_mem_alloc((size_t)m * n * sizeof(double), (void **)&ref);
  aeon_mem_alloc((size_t)m * k * sizeof(double), (void **)&at);
  for (long i = 0; i < m; i++)
    for (long r = 0; r < k; r++) at[r * m + i] = x->a[i * k + r];
  memcpy(ref, x->c0, (size_t)m * n * sizeof(double));
  if (beta == 0.0) memset(ref, 0, (size_t)m * n * sizeof(double));
  const aeon_kernel *gemm = aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_GENERAL);
  aeon_tile_call call = {.m = (int)n, .n = (int)m, .k = (int)k, .a = x->b, .lda = (int)n, .b = at, .ldb = (int)m,
                         .c = ref, .ldc = (int)n, .alpha = alpha, .beta = beta};
  gemm->run(&call);
  err = rel_diff(x->c, ref, m * n);
  aeon_mem_free(ref);
  aeon_mem_free(at);
  return err;
}

/* Relative error of the gathered result against a plain triple loop in long double. */
static double error_vs_loop(const gathered *x, double alpha, double beta) {
  double lmax = 0, rmax = 0;
  for (long r = 0; r < x->m; r++)
    for (long q = 0; q < x->n; q++) {
      long double s = 0;
      for (long l = 0; l < x->k; l++) s += (long double)x->a[r * x->k + l] * x->b[l * x->n + q];
      double v = (double)(alpha * s + (beta == 0.0 ? 0.0L : (long double)beta * x->c0[r * x->n + q]));
      if (!(fabs(x->c[r * x->n + q] - v) <= lmax)) lmax = fabs(x->c[r * x->n + q] - v);
      if (fabs(v) > rmax) rmax = fabs(v);
    }
  return lmax / rmax;
}

/* One in-core product against the whole-matrix dgemm and the triple loop on rank 0. */
static void product_case(const aeon_pgrid *g, long m, long k, long n, int nb, aeon_traits ta, double alpha,
                         double beta, int c_nan) {
  aeon_gov *gov;
  operands o = {0};
  gathered x = {0};
  aeon_err e = aeon_gov_create((size_t)1 << 28, &gov);
  if (!e) e = make_operands(g, gov, gov, m, k, n, nb, ta, c_nan, 0, &o);
  CHECK(e == AEON_OK, "setup: %s", aeon_error_message());
  if (e) return;
  gather_inputs(&o, &x);
  size_t used0 = aeon_gov_used(gov);
  MPI_Barrier(g->comm);
  double t0 = MPI_Wtime();
  e = aeon_matmul(alpha, o.A, o.B, beta, o.C);
  double secs = MPI_Wtime() - t0;
  CHECK(e == AEON_OK, "matmul: %s", aeon_error_message());
  CHECK(aeon_gov_used(gov) == used0, "governor use %zu after matmul, %zu before", aeon_gov_used(gov), used0);
  CHECK(aeon_gov_peak(gov) > used0, "matmul took no panel buffers from the governor");
  gather(o.C, x.c);
  if (g->rank == 0) {
    double err = error_vs_dgemm(&x, alpha, beta), lerr = error_vs_loop(&x, alpha, beta);
    CHECK(err < 1e-13, "%ldx%ldx%ld nb=%d %s A grid %dx%d: relative error vs dgemm %.3e", m, k, n, nb,
          aeon_traits_name(ta), g->P, g->Q, err);
    CHECK(lerr < 1e-13, "%ldx%ldx%ld nb=%d %s A grid %dx%d: relative error vs loop %.3e", m, k, n, nb,
          aeon_traits_name(ta), g->P, g->Q, lerr);
    printf("matmul %ldx%ldx%ld nb=%d A %s alpha=%g beta=%g%s grid %dx%d: rel. error vs dgemm %.3e, vs loop %.3e, "
           "%.4f s, panel buffers %.1f KiB\n",
           m, k, n, nb, aeon_traits_name(ta), alpha, beta, c_nan ? " (C was NaN)" : "", g->P, g->Q, err, lerr, secs,
           (double)(aeon_gov_peak(gov) - used0) / 1024.0);
  }
  free_gathered(&x);
  free_operands(&o);
  CHECK(aeon_gov_used(gov) == 0, "governor not empty after destroy");
  aeon_gov_destroy(gov);
}

/* The in-core product on the same grid (operands from gov), the reference of the out-of-core cases: r->C holds it
 * and x->c its gathered copy. */
static aeon_err incore_reference(const aeon_pgrid *g, aeon_gov *gov, long m, long k, long n, int nb, aeon_traits ta,
                                 double alpha, double beta, operands *r, gathered *x) {
  AE_CHK(make_operands(g, gov, gov, m, k, n, nb, ta, 0, 0, r));
  gather_inputs(r, x);
  aeon_matmul_opts o = aeon_matmul_defaults();
  o.reproducible = 1;
  AE_CHK(aeon_matmul_ex(alpha, r->A, r->B, beta, r->C, &o, NULL));
  gather(r->C, x->c);
  return AEON_OK;
}

enum { OOC_NB = 32, OOC_FREE_TILES = 20 };

/* The product with the matrices of mask ooc out of core (and blocks forced by bo, if given), C's budget
 * OOC_FREE_TILES tiles beyond C's in-core tiles: several blocks, identical bit for bit to in core (both in
 * reproducible mode), within 1e-14 of
 * dgemm, peak within the budget. */
static void ooc_case(const aeon_pgrid *g, long m, long k, long n, aeon_traits ta, double alpha, double beta, int ooc,
                     const aeon_matmul_opts *bo) {
  size_t tb = (size_t)OOC_NB * OOC_NB * sizeof(double), cbytes = 0, budget = 0;
  aeon_gov *big = NULL, *gc = NULL;
  operands r = {0}, o = {0};
  gathered ref = {0}, x = {.m = m, .k = k, .n = n};
  aeon_matmul_stats st = {0};
  double diff = -1;
  aeon_err e = aeon_gov_create((size_t)1 << 28, &big);
  if (!e) e = incore_reference(g, big, m, k, n, OOC_NB, ta, alpha, beta, &r, &ref);
  if (!e && !(ooc & 4)) e = aeon_tiled_core_bytes(g, m, n, OOC_NB, AEON_TRAIT_GENERAL, &cbytes);
  budget = cbytes + OOC_FREE_TILES * tb;
  if (!e) e = aeon_gov_create(budget, &gc);
  if (!e) e = make_operands(g, big, gc, m, k, n, OOC_NB, ta, 0, ooc, &o);
  aeon_matmul_opts mo = bo ? *bo : aeon_matmul_defaults();
  mo.reproducible = 1; /* one call per tile: the same calls as the in-core reference */
  if (!e) e = aeon_matmul_ex(alpha, o.A, o.B, beta, o.C, &mo, &st);
  CHECK(e == AEON_OK, "out-of-core matmul (mask %d): %s", ooc, aeon_error_message());
  if (!e) e = aeon_tiled_maxdiff(o.C, r.C, &diff);
  CHECK(e == AEON_OK && diff == 0.0, "mask %d grid %dx%d: max |C_ooc - C_core| = %g", ooc, g->P, g->Q, diff);
  aeon_mem_alloc((size_t)m * n * sizeof(double), (void **)&x.c);
  if (!e) gather(o.C, x.c);
  CHECK(st.nblocks > 1, "mask %d: %ld block(s); the budget should force several", ooc, st.nblocks);
  CHECK(aeon_gov_peak(gc) <= budget && st.peak <= budget, "mask %d: peak %zu over the budget %zu", ooc, st.peak,
        budget);
  CHECK(!ooc || st.io_read > 0, "mask %d: no tile-file reads counted", ooc);
  CHECK(!(ooc & 4) || st.io_written >= (uint64_t)m * n * sizeof(double), "mask %d: C not written back (%llu B)", ooc,
        (unsigned long long)st.io_written);
  if (g->rank == 0 && !e) {
    x.a = ref.a, x.b = ref.b, x.c0 = ref.c0;
    double err = error_vs_dgemm(&x, alpha, beta);
    int same = memcmp(x.c, ref.c, (size_t)m * n * sizeof(double)) == 0;
    CHECK(same, "mask %d %s A grid %dx%d: gathered out-of-core C differs from in-core C (rel. %.3e)", ooc,
          aeon_traits_name(ta), g->P, g->Q, rel_diff(x.c, ref.c, m * n));
    CHECK(err < 1e-14, "mask %d grid %dx%d: relative error vs dgemm %.3e", ooc, g->P, g->Q, err);
    printf("matmul ooc [%s%s%s] %ldx%ldx%ld nb=%d A %s alpha=%g beta=%g grid %dx%d: %s, blocks %ldx%ld tiles (%ld), "
           "peak %zu of %zu B, read %llu B, written %llu B, received %llu B, rel. error vs dgemm %.3e\n",
           ooc & 1 ? "A" : "", ooc & 2 ? "B" : "", ooc & 4 ? "C" : "", m, k, n, OOC_NB, aeon_traits_name(ta), alpha,
           beta, g->P, g->Q, same && diff == 0.0 ? "identical to in core" : "DIFFERS", st.block_rows, st.block_cols,
           st.nblocks, st.peak, budget, (unsigned long long)st.io_read, (unsigned long long)st.io_written,
           (unsigned long long)st.comm_bytes, err);
  }
  x.a = x.b = x.c0 = NULL;
  free_gathered(&x);
  free_gathered(&ref);
  free_operands(&o);
  free_operands(&r);
  aeon_gov_destroy(gc);
  aeon_gov_destroy(big);
}

/* A budget below the minimum working set: refused before any work, naming the needed and free bytes. */
static void expect_user(const aeon_pgrid *g, aeon_err e, const char *needle, const char *what);
static void budget_too_small(const aeon_pgrid *g) {
  size_t tb = (size_t)OOC_NB * OOC_NB * sizeof(double);
  aeon_gov *gc = NULL;
  operands o = {0};
  aeon_err e = aeon_gov_create(4 * tb, &gc);
  if (!e) e = make_operands(g, gc, gc, M, K, N, OOC_NB, AEON_TRAIT_GENERAL, 0, 7, &o);
  CHECK(e == AEON_OK, "setup: %s", aeon_error_message());
  if (!e) {
    size_t need = aeon_matmul_work_bytes(g, OOC_NB, 1, 1, 1, 1, 1);
    char text[128];
    snprintf(text, sizeof text, "needs 56.00 KiB (%zu bytes) per rank, but only 32.00 KiB (%zu bytes)", need, 4 * tb);
    CHECK(need == 7 * tb, "minimum working set %zu, expected 7 tiles", need);
    size_t peak0 = aeon_gov_peak(gc); /* the fill's tile buffer */
    expect_user(g, aeon_matmul(1.0, o.A, o.B, 0.0, o.C), text, "budget too small");
    CHECK(aeon_gov_used(gc) == 0 && aeon_gov_peak(gc) == peak0, "a refused product took governor memory");
  }
  free_operands(&o);
  aeon_gov_destroy(gc);
}

static void ooc_cases(const aeon_pgrid *g) {
  aeon_matmul_opts forced = aeon_matmul_defaults();
  forced.block_rows = 3;
  forced.block_cols = 5;
  for (int ooc = 1; ooc <= 7; ooc++)
    if (ooc == 1 || ooc == 2 || ooc == 4 || ooc == 7) ooc_case(g, M, K, N, AEON_TRAIT_GENERAL, 1.5, -0.75, ooc, NULL);
  ooc_case(g, M, M, N, AEON_TRAIT_LOWER, -1.0, 0.5, 7, NULL);
  ooc_case(g, M, M, N, AEON_TRAIT_UPPER, 2.0, 0.0, 3, NULL);
  ooc_case(g, M, K, N, AEON_TRAIT_GENERAL, 0.0, 0.5, 7, NULL);
  ooc_case(g, M, K, N, AEON_TRAIT_GENERAL, 1.0, 1.0, 0, &forced);
  budget_too_small(g);
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
  ooc_cases(&g);
  aeon_pgrid_destroy(&g);
  if (g.size > 1) { /* the transposed grid: P x 1 */
    aeon_pgrid_create(MPI_COMM_WORLD, g.size, 1, &g);
    product_case(&g, M, K, N, 64, AEON_TRAIT_GENERAL, 1.5, -0.75, 0);
    refusals(&g);
    ooc_cases(&g);
    aeon_pgrid_destroy(&g);
  }
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all ? 1 : 0;
}
