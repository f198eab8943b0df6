/* ranks: 1 2 4 */
/* In-core block Cholesky on the default grid (1x1, 1x2, 2x2) and on a
 * transposed one: backward error ||A - L L^T||_F / ||A||_F below 1e-14 for
 * generated SPD matrices (identical on any grid), with edge tiles and every
 * lookahead depth; a matrix that is not SPD stops every rank with the failing
 * global column; bad budgets and shapes are refused before any work. */
#include <stdio.h>
#include <string.h>

#include "aeon/drivers.h"

#include "mpicheck.h"

/* Factors a generated SPD matrix and checks the backward error. */
static void factor_case(const aeon_pgrid *g, long n, int nb, int lookahead) {
  aeon_gov *gov;
  aeon_tiled *A = NULL;
  aeon_gen gen = {.seed = 42, .n = n};
  aeon_err e = aeon_gov_create((size_t)1 << 30, &gov);
  if (!e) e = aeon_tiled_create(g, gov, n, n, nb, AEON_TRAIT_SPD, NULL, &A);
  if (!e) e = aeon_tiled_fill(A, aeon_gen_spd, &gen);
  aeon_chol_opts o = aeon_chol_defaults();
  o.lookahead = lookahead;
  aeon_chol_stats st = {0};
  if (!e) e = aeon_chol(A, &o, &st);
  double berr = 1;
  if (!e) e = aeon_chol_backward_error(A, aeon_gen_spd, &gen, &berr);
  CHECK(e == AEON_OK, "n=%ld nb=%d: %s", n, nb, aeon_error_message());
  CHECK(berr < 1e-14, "n=%ld nb=%d lookahead=%d grid %dx%d: backward error %.3e", n, nb, lookahead, g->P, g->Q, berr);
  if (g->rank == 0)
    printf("chol n=%ld nb=%d lookahead=%d grid %dx%d: backward error %.3e, %.2f s, %.1f GFLOP/s, peak %.1f MiB\n", n,
           nb, lookahead, g->P, g->Q, berr, st.seconds, st.flops / st.seconds * 1e-9, st.peak / 1048576.0);
  aeon_tiled_destroy(A);
  CHECK(gov && aeon_gov_used(gov) == 0, "governor not empty after destroy");
  aeon_gov_destroy(gov);
}

/* A matrix whose leading minor of order 777 is not positive: every rank gets the same message. */
static void not_spd_case(const aeon_pgrid *g) {
  aeon_gov *gov;
  aeon_tiled *A = NULL;
  aeon_gen gen = {.seed = 7, .n = 1000, .bad_col = 777};
  aeon_err e = aeon_gov_create((size_t)1 << 28, &gov);
  if (!e) e = aeon_tiled_create(g, gov, 1000, 1000, 64, AEON_TRAIT_SPD, NULL, &A);
  if (!e) e = aeon_tiled_fill(A, aeon_gen_spd, &gen);
  if (!e) e = aeon_chol(A, NULL, NULL);
  CHECK(e == AEON_ERR_USER, "not-SPD matrix gave code %d", (int)e);
  CHECK(strstr(aeon_error_message(), "not positive definite") &&
            strstr(aeon_error_message(), "global column 777 of 1000"),
        "not-SPD message: %s", aeon_error_message());
  if (g->rank == 0) printf("not SPD: %s\n", aeon_error_message());
  aeon_error_clear();
  aeon_tiled_destroy(A);
  aeon_gov_destroy(gov);
}

/* A budget that cannot hold the matrix, and a non-square SPD matrix, are user errors on every rank. */
static void refusals(const aeon_pgrid *g) {
  aeon_gov *gov;
  aeon_tiled *A = NULL;
  aeon_err e = aeon_gov_create((size_t)1 << 20, &gov);
  CHECK(e == AEON_OK, "governor");
  e = aeon_tiled_create(g, gov, 2048, 2048, 128, AEON_TRAIT_SPD, NULL, &A);
  CHECK(e == AEON_ERR_MEM && strstr(aeon_error_message(), "memory budget exceeded"), "over budget: %d %s", (int)e,
        aeon_error_message());
  e = aeon_tiled_create(g, gov, 100, 90, 16, AEON_TRAIT_SPD, NULL, &A);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "must be square"), "non-square: %s", aeon_error_message());
  CHECK(aeon_gov_peak(gov) <= aeon_gov_budget(gov), "peak over budget");
  aeon_error_clear();
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
  factor_case(&g, 1000, 64, 0);
  factor_case(&g, 1000, 64, 1);
  factor_case(&g, 1000, 64, 3);
  factor_case(&g, 1024, 128, 1);
  factor_case(&g, 37, 8, 2);
  factor_case(&g, 4096, 256, 1);
  not_spd_case(&g);
  refusals(&g);
  aeon_pgrid_destroy(&g);
  if (g.size > 1) { /* the transposed grid: P x 1 */
    aeon_pgrid_create(MPI_COMM_WORLD, g.size, 1, &g);
    factor_case(&g, 1000, 64, 1);
    not_spd_case(&g);
    aeon_pgrid_destroy(&g);
  }
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all ? 1 : 0;
}
