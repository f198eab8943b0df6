/* Matrix product benchmark, side by side in one run (JSON lines on stdout):
 *   - the machine's DGEMM rate, every rank multiplying at once (large matrices and tile-sized ones);
 *   - Aeon's in-core SUMMA product C = A B + C (default 4096^3, nb = 256), best of --reps, and its fraction of
 *     that DGEMM rate;
 *   - with --ooc DIR: the same product with A, B and C out of core (default order: the in-core one) under a budget
 *     per rank (default: the three matrices are 4x the budget summed over the ranks), best of --reps, its rate as a
 *     fraction of the in-core rate, the bytes read and written by one product, the blocks, the peak, and whether
 *     the first product's C is identical bit for bit to the in-core C (same order).
 * Usage: mpirun -n 2 bench_matmul [--n N] [--nb NB] [--reps R] [--dgemm-n N] [--ooc DIR] [--ooc-n N]
 *                                 [--budget SIZE] [--skip-incore] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <mpi.h>

#include "aeon/parallel.h"
#include "aeon/drivers.h"
#include "aeon/memory.h"
#include "bench_common.h"

typedef struct bench_args {
  long n, nb, reps, dgemm_n, ooc_n;
  const char *ooc, *budget;
  int skip_incore;
} bench_args;

/* Generated A, B, C of order n (in core when dir is NULL), tiles from gov. */
static aeon_err make(const aeon_pgrid *g, aeon_gov *gov, long n, int nb, const char *dir, aeon_tiled *m[3]) {
  static aeon_gen gen[3] = {{.seed = 1}, {.seed = 2}, {.seed = 3}};
  for (int x = 0; x < 3; x++) {
    AE_CHK(aeon_tiled_create(g, gov, n, n, nb, AEON_TRAIT_GENERAL, dir, &m[x]));
    AE_CHK(aeon_tiled_fill(m[x], aeon_gen_general, &gen[x]));
  }
  return AEON_OK;
}

static void destroy(aeon_tiled *m[3]) {
  for (int x = 0; x < 3; x++) aeon_tiled_destroy(m[x]);
}

/* Aeon's in-core product, best of reps (C accumulates); m[] keeps the matrices for the out-of-core comparison (C
 * after one product, recomputed). Returns GFLOP/s. */
static double aeon_incore(const aeon_pgrid *g, const bench_args *a, aeon_gov *gov, aeon_tiled *m[3], double dgemm) {
  aeon_matmul_stats st = {0};
  double best = 1e30;
  aeon_err e = make(g, gov, a->n, (int)a->nb, NULL, m);
  for (long r = 0; r < a->reps && !e; r++) {
    e = aeon_matmul_ex(1.0, m[0], m[1], 1.0, m[2], NULL, &st);
    if (st.seconds < best) best = st.seconds;
  }
  static aeon_gen gc = {.seed = 3};
  if (!e) e = aeon_tiled_fill(m[2], aeon_gen_general, &gc); /* the reference: one product from the start */
  if (!e) e = aeon_matmul(1.0, m[0], m[1], 1.0, m[2]);
  if (e) {
    if (rank0(g)) fprintf(stderr, "bench_matmul: in core: %s\n", aeon_error_message());
    return 0;
  }
  double gf = st.flops / best * 1e-9;
  if (rank0(g))
    printf("{\"bench\":\"matmul\",\"impl\":\"aeon_summa\",\"m\":%ld,\"n\":%ld,\"k\":%ld,\"nb\":%ld,\"grid\":\"%dx%d\","
           "\"reps\":%ld,\"seconds\":%.3f,\"gflops\":%.2f,\"fraction_of_dgemm\":%.3f,\"comm_bytes\":%llu,"
           "\"peak_bytes\":%zu}\n",
           a->n, a->n, a->n, a->nb, g->P, g->Q, a->reps, best, gf, gf / dgemm, (unsigned long long)st.comm_bytes,
           st.peak);
  return gf;
}

/* The product with A, B and C out of core under the budget; compares rate, I/O and result with the in-core run. */
static void aeon_ooc(const aeon_pgrid *g, const bench_args *a, aeon_tiled *ref[3], double incore_gf) {
  size_t budget = (size_t)(3.0 * a->ooc_n * a->ooc_n * 8 / (4.0 * g->size));
  aeon_gov *gov = NULL;
  aeon_tiled *m[3] = {NULL, NULL, NULL};
  aeon_matmul_stats st = {0};
  double diff = -1;
  aeon_err e = a->budget ? aeon_parse_bytes(a->budget, &budget) : AEON_OK;
  if (!e) e = aeon_gov_create(budget, &gov);
  double tf = MPI_Wtime();
  if (!e) e = make(g, gov, a->ooc_n, (int)a->nb, a->ooc, m);
  tf = MPI_Wtime() - tf;
  if (!e) e = aeon_matmul_ex(1.0, m[0], m[1], 1.0, m[2], NULL, &st);
  if (!e && ref[2] && a->ooc_n == a->n) e = aeon_tiled_maxdiff(m[2], ref[2], &diff);
  double best = st.seconds;
  for (long r = 1; r < a->reps && !e; r++) { /* more products (C accumulates) for the best time */
    e = aeon_matmul_ex(1.0, m[0], m[1], 1.0, m[2], NULL, &st);
    if (st.seconds < best) best = st.seconds;
  }
  st.seconds = best;
  if (e) {
    if (rank0(g)) fprintf(stderr, "bench_matmul: out of core: %s\n", aeon_error_message());
  } else if (rank0(g)) {
    double gf = st.flops / st.seconds * 1e-9, mat = 3.0 * a->ooc_n * a->ooc_n * 8;
    printf("{\"bench\":\"matmul_ooc\",\"n\":%ld,\"nb\":%ld,\"grid\":\"%dx%d\",\"budget_bytes_per_rank\":%zu,"
           "\"matrices_over_budget\":%.2f,\"block_rows\":%ld,\"block_cols\":%ld,\"blocks\":%ld,\"fill_seconds\":%.1f,"
           "\"reps\":%ld,\"seconds\":%.2f,\"gflops\":%.2f,\"fraction_of_incore\":%.3f,\"bytes_read\":%llu,\"bytes_written\":%llu,"
           "\"io_over_matrices\":%.2f,\"comm_bytes\":%llu,\"peak_bytes\":%zu,\"peak_within_budget\":%s,"
           "\"identical_to_incore\":%s}\n",
           a->ooc_n, a->nb, g->P, g->Q, budget, mat / ((double)budget * g->size), st.block_rows, st.block_cols,
           st.nblocks, tf, a->reps, st.seconds, gf, incore_gf > 0 ? gf / incore_gf : 0, (unsigned long long)st.io_read,
           (unsigned long long)st.io_written, (st.io_read + st.io_written) / mat, (unsigned long long)st.comm_bytes,
           st.peak, st.peak <= budget ? "true" : "false", diff < 0 ? "null" : diff == 0 ? "true" : "false");
  }
  destroy(m);
  aeon_gov_destroy(gov);
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  bench_args a = {.n = 4096, .nb = 256, .reps = 3, .dgemm_n = 2048, .ooc_n = 0};
  const aeon_cli_flag f[] = {
    {"--n", 'i', &a.n, 1, 1e6},            {"--nb", 'i', &a.nb, 8, 16384},     {"--reps", 'i', &a.reps, 1, 100},
    {"--dgemm-n", 'i', &a.dgemm_n, 64, 16384}, {"--ooc", 's', &a.ooc, 0, 0},   {"--ooc-n", 'i', &a.ooc_n, 1, 1e7},
    {"--budget", 's', &a.budget, 0, 0},    {"--skip-incore", 'f', &a.skip_incore, 0, 0},
  };
  aeon_pgrid g;
  aeon_err e = aeon_cli_flags("bench_matmul", f, sizeof f / sizeof f[0], argc - 1, argv + 1);
  if (!e) e = aeon_pgrid_create(MPI_COMM_WORLD, 0, 0, &g);
  if (e) {
    fprintf(stderr, "bench_matmul: %s\n", aeon_error_message());
    MPI_Finalize();
    return 2;
  }
  if (a.ooc_n == 0) a.ooc_n = a.n;
  int threads = aeon_drv_blas_threads(MPI_COMM_WORLD);
  if (rank0(&g))
    printf("{\"bench\":\"env\",\"ranks\":%d,\"grid\":\"%dx%d\",\"blas\":\"%s\",\"blas_threads_per_rank\":%d}\n", g.size,
           g.P, g.Q, openblas_get_corename(), threads);
  double dg = dgemm_rate(&g, (int)a.dgemm_n, 3), incore = 0;
  dgemm_rate(&g, (int)a.nb, 20);
  aeon_gov *gov = NULL;
  aeon_tiled *ref[3] = {NULL, NULL, NULL};
  if (!a.skip_incore && !aeon_gov_create((size_t)(3.0 * a.n * a.n * 8 / g.size) + ((size_t)1 << 30), &gov))
    incore = aeon_incore(&g, &a, gov, ref, dg);
  if (a.ooc) aeon_ooc(&g, &a, ref, incore);
  destroy(ref);
  aeon_gov_destroy(gov);
  aeon_pgrid_destroy(&g);
  MPI_Finalize();
  return 0;
}
