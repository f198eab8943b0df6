/* ranks: 1 2 4 */
/* Out-of-core block Cholesky: a matrix four times larger than the memory
 * budget (summed over the ranks) factors with the governor's peak never above
 * the budget, gives the same L as the in-core driver bit for bit in
 * reproducible mode (same grid and tile size, any lookahead, N = 1000 with
 * nb = 64 and N = 1300 with nb = 72, whatever the BLAS kernels and threads)
 * and to 1e-13 in the default mode, has a backward error below 1e-14, and
 * reports its I/O volume against the lower bound. A matrix that is not SPD, a budget
 * below the working set, a missing directory and a file that cannot be
 * reserved (file-size limit, as on a full disk) fail on every rank. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "aeon/drivers.h"

#include "mpicheck.h"

enum { N = 1000, NB = 64 };

/* Copies every local tile of X into Y (same shape and grid). */
static aeon_err copy_tiles(aeon_tiled *X, aeon_tiled *Y, double *buf) {
  for (long j = 0; j < X->nt; j++)
    for (long i = j; i < X->mt; i++)
      if (aeon_tiled_mine(X, i, j)) {
        AE_CHK(aeon_tiled_get(X, i, j, buf));
        AE_CHK(aeon_tiled_put(Y, i, j, buf));
      }
  return AEON_OK;
}

/* One comparison: matrix order, tile size, lookahead and mode. */
typedef struct ocase {
  int n, nb, lookahead, repro;
} ocase;

/* The in-core factor of the generated matrix (reference). */
static aeon_tiled *incore_factor(const aeon_pgrid *g, aeon_gov *gov, aeon_gen *gen, const ocase *c) {
  aeon_tiled *L = NULL;
  aeon_chol_opts o = aeon_chol_defaults();
  o.reproducible = c->repro;
  aeon_err e = aeon_tiled_create(g, gov, c->n, c->n, c->nb, AEON_TRAIT_SPD, NULL, &L);
  if (!e) e = aeon_tiled_fill(L, aeon_gen_spd, gen);
  if (!e) e = aeon_chol(L, &o, NULL);
  CHECK(e == AEON_OK, "in-core reference: %s", aeon_error_message());
  return L;
}

static void ooc_case(const aeon_pgrid *g, aeon_tiled *ref, aeon_gov *big, aeon_gen *gen, const ocase *c) {
  int n = c->n, nb = c->nb;
  size_t budget = (size_t)n * n * sizeof(double) / (4 * (size_t)g->size);
  aeon_gov *gov;
  aeon_tiled *A = NULL, *Lc = NULL;
  double *buf = NULL, diff = -1, berr = -1;
  aeon_chol_stats st = {0};
  aeon_err e = aeon_gov_create(budget, &gov);
  if (!e) e = aeon_tiled_create(g, gov, n, n, nb, AEON_TRAIT_SPD, "/tmp", &A);
  if (!e) e = aeon_tiled_fill(A, aeon_gen_spd, gen);
  aeon_chol_opts o = aeon_chol_defaults();
  o.lookahead = c->lookahead;
  o.reproducible = c->repro;
  if (!e) e = aeon_chol(A, &o, &st);
  CHECK(e == AEON_OK, "out-of-core factorization: %s", aeon_error_message());
  if (!e) e = aeon_tiled_maxdiff(A, ref, &diff);
  CHECK(e == AEON_OK && (c->repro ? diff == 0.0 : diff <= 1e-13),
        "n=%d nb=%d %s mode: out-of-core L differs from in-core L by %.3e", n, nb, c->repro ? "reproducible" : "default",
        diff);
  if (!e) e = aeon_tiled_create(g, big, n, n, nb, AEON_TRAIT_LOWER, NULL, &Lc);
  if (!e) e = aeon_gov_alloc(big, (size_t)nb * nb * sizeof(double), "copy buffer", (void **)&buf);
  if (!e) e = copy_tiles(A, Lc, buf);
  if (!e) e = aeon_chol_backward_error(Lc, aeon_gen_spd, gen, &berr);
  CHECK(e == AEON_OK && berr >= 0 && berr < 1e-14, "out-of-core backward error %.3e (%s)", berr, aeon_error_message());
  size_t mypeak = aeon_gov_peak(gov);
  CHECK(mypeak <= budget && st.peak <= budget, "governor peak %zu over budget %zu", st.peak, budget);
  double S = (double)budget * g->size / 8, bound = pow((double)n, 3) / (3 * sqrt(2.0) * sqrt(S));
  if (g->rank == 0)
    printf("ooc n=%d nb=%d grid %dx%d lookahead %d %s: budget %zu B/rank (matrix %zu B = %.1fx the budget), blocks of %ld "
           "tiles, peak %zu B, max|L_ooc - L_core| = %g, backward error %.3e, I/O %.3g MB read + %.3g MB written = "
           "%.2fx the bound N^3/(3 sqrt(2) sqrt(S)) = %.3g words\n",
           n, nb, g->P, g->Q, c->lookahead, c->repro ? "reproducible" : "default", budget, (size_t)n * n * 8,
           (double)n * n * 8 / (budget * g->size),
           st.block_tiles, st.peak, diff, berr, st.io_read / 1e6, st.io_written / 1e6,
           (st.io_read + st.io_written) / 8.0 / bound, bound);
  aeon_gov_free(big, buf, (size_t)nb * nb * sizeof(double));
  aeon_tiled_destroy(Lc);
  aeon_tiled_destroy(A);
  aeon_gov_destroy(gov);
}

/* Expects a failure with code and a message containing text, on every rank. */
static void expect(aeon_err e, aeon_err code, const char *text, const char *what) {
  CHECK(e == code && strstr(aeon_error_message(), text), "%s: code %d, message: %s", what, (int)e,
        aeon_error_message());
  aeon_error_clear();
}

static void failures_case(const aeon_pgrid *g) {
  aeon_gov *gov;
  aeon_tiled *A = NULL;
  aeon_gen bad = {.seed = 3, .n = N, .bad_col = 500};
  aeon_gov_create((size_t)1 << 20, &gov);
  aeon_err e = aeon_tiled_create(g, gov, N, N, NB, AEON_TRAIT_SPD, "/tmp", &A);
  if (!e) e = aeon_tiled_fill(A, aeon_gen_spd, &bad);
  if (!e) e = aeon_chol(A, NULL, NULL);
  expect(e, AEON_ERR_USER, "global column 500 of 1000", "not SPD out of core");
  aeon_tiled_destroy(A);
  aeon_gov_destroy(gov);

  aeon_gov_create(5 * NB * NB * sizeof(double), &gov);
  e = aeon_tiled_create(g, gov, N, N, NB, AEON_TRAIT_SPD, "/tmp", &A);
  if (!e) e = aeon_chol(A, NULL, NULL);
  expect(e, AEON_ERR_USER, "memory budget too small", "budget below the working set");
  aeon_tiled_destroy(A);
  A = NULL;
  e = aeon_tiled_create(g, gov, N, N, NB, AEON_TRAIT_SPD, "/nonexistent/dir", &A);
  expect(e, AEON_ERR_USER, "/nonexistent/dir", "missing directory");

  struct rlimit old, lim;
  getrlimit(RLIMIT_FSIZE, &old);
  lim = old;
  signal(SIGXFSZ, SIG_IGN);
  if (g->rank == g->size - 1) { /* only the last rank "runs out of disk" */
    lim.rlim_cur = 4096;
    setrlimit(RLIMIT_FSIZE, &lim);
  }
  e = aeon_tiled_create(g, gov, N, N, NB, AEON_TRAIT_SPD, "/tmp", &A);
  setrlimit(RLIMIT_FSIZE, &old);
  expect(e, AEON_ERR_IO, "cannot reserve", "file that cannot be reserved");
  aeon_gov_destroy(gov);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  aeon_drv_blas_threads(MPI_COMM_WORLD);
  aeon_pgrid g;
  if (aeon_pgrid_create(MPI_COMM_WORLD, 0, 0, &g)) MPI_Abort(MPI_COMM_WORLD, 1);
  aeon_gov *big;
  aeon_gov_create((size_t)1 << 30, &big);
  const ocase cases[] = {{N, NB, 0, 1}, {N, NB, 1, 1}, {N, NB, 2, 1}, {1300, 72, 1, 1}, {N, NB, 1, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    aeon_gen gen = {.seed = 11, .n = cases[i].n};
    aeon_tiled *ref = incore_factor(&g, big, &gen, &cases[i]);
    if (ref) ooc_case(&g, ref, big, &gen, &cases[i]);
    aeon_tiled_destroy(ref);
  }
  failures_case(&g);
  aeon_gov_destroy(big);
  aeon_pgrid_destroy(&g);
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all ? 1 : 0;
}
