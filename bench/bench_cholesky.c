/* Block Cholesky benchmark, side by side in one run (JSON lines on stdout):
 *   - the machine's DGEMM rate, every rank multiplying at once (large matrices and tile-sized ones);
 *   - Aeon's in-core Cholesky (default N = 8192) and its fraction of that DGEMM rate;
 *   - ScaLAPACK's pdpotrf on the same grid with its best block size (when built with ScaLAPACK);
 *   - with --ooc DIR: the out-of-core Cholesky (default N = 32768, 2 GiB budget per rank), its rate as a fraction
 *     of the in-core rate, and the bytes it read + wrote against the lower bound N^3 / (3 sqrt(2) sqrt(S)) words.
 * Usage: mpirun -n 2 bench_cholesky [--n N] [--nb NB] [--lookahead D] [--check] [--scalapack-nb LIST]
 *                                   [--ooc DIR] [--ooc-n N] [--budget SIZE] [--skip-incore] */
#include <math.h>
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
  long n, nb, lookahead, ooc_n, dgemm_n;
  const char *ooc, *budget, *snb;
  int check, skip_incore;
} bench_args;

/* Aeon's in-core Cholesky of the generated SPD matrix; returns GFLOP/s. */
static double aeon_incore(const aeon_pgrid *g, const bench_args *a, double dgemm) {
  aeon_gov *gov;
  aeon_tiled *A = NULL;
  aeon_gen gen = {.seed = 1, .n = a->n};
  aeon_chol_stats st = {0};
  aeon_chol_opts o = aeon_chol_defaults();
  o.lookahead = (int)a->lookahead;
  double berr = -1;
  aeon_err e = aeon_gov_create((size_t)a->n * a->n * 8 * 3 / g->size + ((size_t)1 << 30), &gov);
  if (!e) e = aeon_tiled_create(g, gov, a->n, a->n, (int)a->nb, AEON_TRAIT_SPD, NULL, &A);
  if (!e) e = aeon_tiled_fill(A, aeon_gen_spd, &gen);
  if (!e) e = aeon_chol(A, &o, &st);
  if (!e && a->check) e = aeon_chol_backward_error(A, aeon_gen_spd, &gen, &berr);
  if (e && rank0(g)) fprintf(stderr, "bench_cholesky: aeon: %s\n", aeon_error_message());
  double gf = e ? 0 : st.flops / st.seconds * 1e-9;
  if (rank0(g) && !e)
    printf("{\"bench\":\"cholesky\",\"impl\":\"aeon\",\"n\":%ld,\"nb\":%ld,\"grid\":\"%dx%d\",\"lookahead\":%ld,"
           "\"seconds\":%.3f,\"gflops\":%.2f,\"fraction_of_dgemm\":%.3f,\"peak_bytes\":%zu,\"backward_error\":%.3e}\n",
           a->n, a->nb, g->P, g->Q, a->lookahead, st.seconds, gf, gf / dgemm, st.peak, berr);
  aeon_tiled_destroy(A);
  aeon_gov_destroy(gov);
  return gf;
}

#ifdef AEON_HAVE_SCALAPACK
extern void Cblacs_get(int ctxt, int what, int *val);
extern void Cblacs_gridinit(int *ctxt, const char *order, int nprow, int npcol);
extern void Cblacs_gridexit(int ctxt);
extern int numroc_(const int *n, const int *nb, const int *iproc, const int *isrcproc, const int *nprocs);
extern void descinit_(int *desc, const int *m, const int *n, const int *mb, const int *nb, const int *irsrc,
                      const int *icsrc, const int *ictxt, const int *lld, int *info);
extern void pdpotrf_(const char *uplo, const int *n, double *a, const int *ia, const int *ja, const int *desca,
                     int *info, size_t uplo_len);

/* Global index of local index l on process coordinate p of np, block size nb. */
static long l2g(long l, int nb, int p, int np) { return ((l / nb) * np + p) * nb + l % nb; }

/* pdpotrf with block size nb on the same P x Q grid (row-major, like Aeon's); returns seconds or -1. */
static double scalapack_run(const aeon_pgrid *g, int n, int nb) {
  int ctxt, zero = 0, one = 1, info;
  Cblacs_get(0, 0, &ctxt);
  Cblacs_gridinit(&ctxt, "Row", g->P, g->Q);
  int ml = numroc_(&n, &nb, &g->p, &zero, &g->P), nl = numroc_(&n, &nb, &g->q, &zero, &g->Q);
  int lld = ml > 1 ? ml : 1, desc[9];
  descinit_(desc, &n, &n, &nb, &nb, &zero, &zero, &ctxt, &lld, &info);
  double *a;
  aeon_mem_alloc((size_t)lld * (nl > 0 ? nl : 1) * sizeof(double), (void **)&a);
  aeon_gen gen = {.seed = 1, .n = n};
  for (long j = 0; j < nl; j++)
    for (long i = 0; i < ml; i++) a[i + j * lld] = aeon_gen_spd(&gen, l2g(i, nb, g->p, g->P), l2g(j, nb, g->q, g->Q));
  MPI_Barrier(g->comm);
  double t = MPI_Wtime();
  pdpotrf_("L", &n, a, &one, &one, desc, &info, 1);
  MPI_Barrier(g->comm);
  t = MPI_Wtime() - t;
  aeon_mem_free(a);
  Cblacs_gridexit(ctxt);
  return info == 0 ? t : -1;
}

static void scalapack(const aeon_pgrid *g, const bench_args *a, double aeon_gf) {
  char list[256];
  snprintf(list, sizeof list, "%s", a->snb ? a->snb : "64,128,256");
  double best = 0;
  int best_nb = 0;
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
    int nb = atoi(tok);
    double t = scalapack_run(g, (int)a->n, nb), gf = t > 0 ? (double)a->n * a->n * a->n / 3.0 / t * 1e-9 : 0;
    if (rank0(g))
      printf("{\"bench\":\"cholesky\",\"impl\":\"scalapack_pdpotrf\",\"n\":%ld,\"nb\":%d,\"grid\":\"%dx%d\","
             "\"seconds\":%.3f,\"gflops\":%.2f}\n", a->n, nb, g->P, g->Q, t, gf);
    if (gf > best) best = gf, best_nb = nb;
  }
  if (rank0(g))
    printf("{\"bench\":\"cholesky_vs_scalapack\",\"n\":%ld,\"scalapack_best_nb\":%d,\"scalapack_gflops\":%.2f,"
           "\"aeon_gflops\":%.2f,\"speedup\":%.3f}\n", a->n, best_nb, best, aeon_gf, best > 0 ? aeon_gf / best : 0);
}
#endif

/* The out-of-core Cholesky under the budget; compares its rate and I/O with the in-core rate and the bound. */
static void aeon_ooc(const aeon_pgrid *g, const bench_args *a, double incore_gf) {
  size_t budget;
  aeon_gov *gov;
  aeon_tiled *A = NULL;
  aeon_gen gen = {.seed = 1, .n = a->ooc_n};
  aeon_chol_stats st = {0};
  aeon_err e = aeon_parse_bytes(a->budget, &budget);
  if (!e) e = aeon_gov_create(budget, &gov);
  if (!e) e = aeon_tiled_create(g, gov, a->ooc_n, a->ooc_n, (int)a->nb, AEON_TRAIT_SPD, a->ooc, &A);
  double tf = MPI_Wtime();
  if (!e) e = aeon_tiled_fill(A, aeon_gen_spd, &gen);
  tf = MPI_Wtime() - tf;
  if (!e) e = aeon_chol(A, NULL, &st);
  if (e) {
    if (rank0(g)) fprintf(stderr, "bench_cholesky: out of core: %s\n", aeon_error_message());
    return;
  }
  double N = (double)a->ooc_n, S = (double)budget * g->size / 8, bound = N * N * N / (3 * sqrt(2.0) * sqrt(S));
  double words = (st.io_read + st.io_written) / 8.0, lower = (double)A->nslots, tri = 0, gf = st.flops / st.seconds * 1e-9;
  MPI_Allreduce(&lower, &tri, 1, MPI_DOUBLE, MPI_SUM, g->comm);
  tri *= (double)a->nb * a->nb; /* words of the stored lower triangle */
  if (rank0(g))
    printf("{\"bench\":\"cholesky_ooc\",\"n\":%ld,\"nb\":%ld,\"grid\":\"%dx%d\",\"budget_bytes_per_rank\":%zu,"
           "\"matrix_over_budget\":%.2f,\"block_tiles\":%ld,\"fill_seconds\":%.1f,\"seconds\":%.1f,\"gflops\":%.2f,"
           "\"fraction_of_incore\":%.3f,\"bytes_read\":%llu,\"bytes_written\":%llu,\"bound_words\":%.4g,"
           "\"io_over_bound\":%.3f,\"io_beyond_one_read_and_write_over_bound\":%.3f,\"peak_bytes\":%zu,"
           "\"peak_within_budget\":%s}\n",
           a->ooc_n, a->nb, g->P, g->Q, budget, N * N * 8 / ((double)budget * g->size), st.block_tiles, tf,
           st.seconds, gf, incore_gf > 0 ? gf / incore_gf : 0, (unsigned long long)st.io_read,
           (unsigned long long)st.io_written, bound, words / bound, (words - 2 * tri) / bound, st.peak,
           st.peak <= budget ? "true" : "false");
  aeon_tiled_destroy(A);
  aeon_gov_destroy(gov);
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  bench_args a = {.n = 8192, .nb = 256, .lookahead = 1, .ooc_n = 32768, .dgemm_n = 2048, .budget = "2GiB"};
  const aeon_cli_flag f[] = {
    {"--n", 'i', &a.n, 1, 1e6},           {"--nb", 'i', &a.nb, 8, 16384},       {"--lookahead", 'i', &a.lookahead, 0, 16},
    {"--check", 'f', &a.check, 0, 0},     {"--ooc", 's', &a.ooc, 0, 0},         {"--ooc-n", 'i', &a.ooc_n, 1, 1e7},
    {"--budget", 's', &a.budget, 0, 0},   {"--scalapack-nb", 's', &a.snb, 0, 0}, {"--skip-incore", 'f', &a.skip_incore, 0, 0},
    {"--dgemm-n", 'i', &a.dgemm_n, 64, 16384},
  };
  aeon_pgrid g;
  aeon_err e = aeon_cli_flags("bench_cholesky", f, sizeof f / sizeof f[0], argc - 1, argv + 1);
  if (!e) e = aeon_pgrid_create(MPI_COMM_WORLD, 0, 0, &g);
  if (e) {
    fprintf(stderr, "bench_cholesky: %s\n", aeon_error_message());
    MPI_Finalize();
    return 2;
  }
  int threads = aeon_drv_blas_threads(MPI_COMM_WORLD);
  if (rank0(&g))
    printf("{\"bench\":\"env\",\"ranks\":%d,\"grid\":\"%dx%d\",\"blas\":\"%s\",\"blas_threads_per_rank\":%d}\n", g.size,
           g.P, g.Q, openblas_get_corename(), threads);
  double dg = dgemm_rate(&g, (int)a.dgemm_n, 3), incore = 0;
  dgemm_rate(&g, (int)a.nb, 20);
  if (!a.skip_incore) incore = aeon_incore(&g, &a, dg);
#ifdef AEON_HAVE_SCALAPACK
  if (!a.skip_incore) scalapack(&g, &a, incore);
#else
  if (rank0(&g)) printf("{\"bench\":\"cholesky\",\"impl\":\"scalapack_pdpotrf\",\"skipped\":\"not built with ScaLAPACK\"}\n");
#endif
  if (a.ooc) aeon_ooc(&g, &a, incore);
  aeon_pgrid_destroy(&g);
  MPI_Finalize();
  return 0;
}
