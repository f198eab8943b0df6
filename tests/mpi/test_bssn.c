/* ranks: 1 2 */
/* The BSSN/CCZ4 module (physics/bssn) through the simulation:
 * 1. noise is rank-count independent: a periodic minkowski + noise run on all ranks and the same run on rank 0
 *    alone give bit-identical norms of every diagnostic after a few steps (bssn and ccz4);
 * 2. the noise run stays at noise level (max |H| does not grow) and ACE keeps det(gt) = 1 and tr(At) = 0 at every
 *    point (gathered), with gt and At perturbed by the noise;
 * 3. ACE's growth bound: a forced violation (bssn.test_kick) makes the hook reject the step; the run rolls back,
 *    retries in halves and finishes, and the receipts show the rejection with the certificate and the rollback;
 * 4. bad input is refused before the run with a message naming the key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../physics/bssn/bssn_vars.h"
#include "aeon/receipts.h"
#include "aeon/sim.h"
#include "sim/sim_internal.h"

static int fails = 0;
#define CHECK(cond, ...)                                                                                               \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      fails++;                                                                                                         \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                                      \
      printf(__VA_ARGS__);                                                                                             \
      printf("\n");                                                                                                    \
    }                                                                                                                  \
  } while (0)

static const char *noise_deck = "physics: bssn\n"
                                "grid: {n: [12, 10, 8], xmin: -0.5, xmax: 0.5}\n"
                                "bssn: {noise: 1e-8, noise_seed: 7, dissipation: 0.1}\n"
                                "time: {cfl: 0.25}\n";

static aeon_sim *make(MPI_Comm comm, const char *deck, int nset, const char *const *sets, const aeon_sim_options *o) {
  aeon_sim *sim = NULL;
  aeon_sim_options q = {.no_files = 1, .quiet = 1};
  if (aeon_sim_create(comm, deck, strlen(deck), "bssn.yaml", nset, sets, o ? o : &q, &sim)) {
    aeon_sim_destroy(sim);
    return NULL;
  }
  return sim;
}

enum { NDIAG = 6, NSTEP = 6 };

/* Runs NSTEP steps on comm; writes the L2 and max norms of every diagnostic at the start and the end. */
static int noise_run(MPI_Comm comm, const char *formulation, double l2[2][NDIAG], double mx[2][NDIAG]) {
  char set[64];
  snprintf(set, sizeof set, "bssn.formulation=%s", formulation);
  const char *sets[1] = {set};
  aeon_sim *s = make(comm, noise_deck, 1, sets, NULL);
  if (!s) {
    printf("noise deck refused: %s\n", aeon_error_message());
    return 1;
  }
  int err = aeon_sim_diagnostics(s, l2[0], mx[0]) != AEON_OK;
  for (int i = 0; i < NSTEP && !err; i++) err = aeon_sim_step(s) != AEON_OK;
  err = err || aeon_sim_diagnostics(s, l2[1], mx[1]) != AEON_OK;
  aeon_sim_destroy(s);
  return err;
}

/* 1 and 2. */
static void test_noise(int rank) {
  const char *forms[2] = {"bssn", "ccz4"};
  for (int f = 0; f < 2; f++) {
    double l2a[2][NDIAG], mxa[2][NDIAG], l2b[2][NDIAG], mxb[2][NDIAG];
    int err = noise_run(MPI_COMM_WORLD, forms[f], l2a, mxa);
    if (rank == 0) err |= noise_run(MPI_COMM_SELF, forms[f], l2b, mxb);
    MPI_Bcast(l2b, 2 * NDIAG, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Bcast(mxb, 2 * NDIAG, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &err, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    CHECK(!err, "%s noise runs failed", forms[f]);
    if (err) continue;
    int same = memcmp(l2a, l2b, sizeof l2a) == 0 && memcmp(mxa, mxb, sizeof mxa) == 0;
    CHECK(same, "%s: norms on all ranks differ from rank 0 alone (ham max %.17g vs %.17g)", forms[f], mxa[1][0],
          mxb[1][0]);
    CHECK(mxa[0][0] > 1e-6 && mxa[0][0] < 1e-3, "%s: initial max|H| %g is not at the noise level", forms[f], mxa[0][0]);
    CHECK(mxa[1][0] < 1.5 * mxa[0][0], "%s: max|H| grew from %g to %g in %d steps", forms[f], mxa[0][0], mxa[1][0],
          NSTEP);
    CHECK(isfinite(l2a[1][1]) && isfinite(l2a[1][2]), "%s: non-finite momentum or Gamma constraint", forms[f]);
    if (rank == 0)
      printf("%s noise 1e-8: max|H| %.3e -> %.3e after %d steps; norms on all ranks == rank 0 alone: %s\n", forms[f],
             mxa[0][0], mxa[1][0], NSTEP, same ? "bit-identical" : "DIFFER");
  }
}

/* ACE: det(gt) = 1 and tr(At) = 0 everywhere after a step (gathered on rank 0). */
static void test_ace_enforced(int rank) {
  aeon_sim *s = make(MPI_COMM_WORLD, noise_deck, 0, NULL, NULL);
  CHECK(s != NULL, "noise deck refused: %s", aeon_error_message());
  if (!s) return;
  long n = 12L * 10 * 8;
  double *v = calloc((size_t)(12 * n), sizeof(double));
  int err = aeon_sim_step(s) != AEON_OK;
  for (int q = 0; q < 12 && !err; q++) err = aeon_sim_gather(s, BSSN_GT_XX + q, v + q * n) != AEON_OK;
  CHECK(!err, "ace run failed: %s", aeon_error_message());
  if (!err && rank == 0) {
    double wdet = 0, wtr = 0;
    for (long p = 0; p < n; p++) {
      double g[6], A[6];
      for (int m = 0; m < 6; m++) g[m] = v[m * n + p], A[m] = v[(6 + m) * n + p];
      double c0 = g[3] * g[5] - g[4] * g[4], c1 = g[2] * g[4] - g[1] * g[5], c2 = g[1] * g[4] - g[2] * g[3];
      double det = g[0] * c0 + g[1] * c1 + g[2] * c2;
      double u[6] = {c0 / det, c1 / det, c2 / det, (g[0] * g[5] - g[2] * g[2]) / det, (g[1] * g[2] - g[0] * g[4]) / det,
                     (g[0] * g[3] - g[1] * g[1]) / det};
      double tr = u[0] * A[0] + u[3] * A[3] + u[5] * A[5] + 2 * (u[1] * A[1] + u[2] * A[2] + u[4] * A[4]);
      wdet = fmax(wdet, fabs(det - 1)), wtr = fmax(wtr, fabs(tr));
    }
    CHECK(wdet < 1e-14 && wtr < 1e-14, "after ACE: max |det gt - 1| = %g, max |tr At| = %g", wdet, wtr);
    printf("ace: after one step max |det gt - 1| = %.2e, max |tr At| = %.2e (noise 1e-8 on gt and At)\n", wdet, wtr);
  }
  free(v);
  aeon_sim_destroy(s);
}

/* Number of receipts of a kind whose detail contains text (rank 0; 0 elsewhere). */
static int count_receipts(aeon_sim *sim, aeon_receipt_kind kind, const char *text) {
  return (int)aeon_receipts_count_kind(sim->receipts, kind, text);
}

/* 3. A forced violation is rejected by the growth bound and retried. */
static void test_ace_reject(int rank, int size) {
  char deck[1024], dir[64];
  snprintf(dir, sizeof dir, "bssn_ace_np%d", size);
  if (rank == 0) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("warning: could not remove %s\n", dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  snprintf(deck, sizeof deck,
           "%sbssn: {noise: 1e-8, dissipation: 0.1, ace_growth: 10, test_kick: 1e-3}\nrun: {max_steps: 4, t_final: 1}\n"
           "output: {dir: %s, norms_every: 1}\n",
           "physics: bssn\ngrid: {n: [12, 10, 8], xmin: -0.5, xmax: 0.5}\ntime: {cfl: 0.25}\n", dir);
  aeon_sim_options o = {.quiet = 1, .force = 1};
  aeon_sim *a = make(MPI_COMM_WORLD, deck, 0, NULL, &o);
  CHECK(a != NULL, "ace deck refused: %s", aeon_error_message());
  if (!a) return;
  int err = aeon_sim_run(a) != AEON_OK;
  CHECK(!err, "ace run failed: %s", aeon_error_message());
  if (!err && rank == 0) {
    int rej = count_receipts(a, AEON_RCPT_STEP_REJECTED, "hook certificate bssn.ace_growth: max|H|"),
        cert = count_receipts(a, AEON_RCPT_STEP_REJECTED, ": ace_det"),
        rb = count_receipts(a, AEON_RCPT_ROLLBACK, ""), acc2 = count_receipts(a, AEON_RCPT_STEP_ACCEPTED, "substeps=2");
    CHECK(rej == 1 && cert == 1 && rb == 1 && acc2 >= 1,
          "receipts: %d rejected by the bound (%d with the certificate), %d rollbacks, %d steps in 2 substeps", rej,
          cert, rb, acc2);
    printf("ace: forced violation rejected by bssn.ace_growth on %d ranks; receipts: %d step-rejected, %d rollback, "
           "%d accepted in 2 substeps; run finished at t = %g\n", size, rej, rb, acc2, aeon_sim_time(a));
  }
  aeon_sim_destroy(a);
}

/* 4. Bad input. */
static void test_bad_input(int rank) {
  static const struct {
    const char *set, *want;
  } cases[] = {
    {"bssn.kappa1=0.2", "bssn.kappa1 is a CCZ4 damping parameter but bssn.formulation is bssn"},
    {"bssn.shift=zero", "bssn.eta damps the Gamma-driver's B^i, but bssn.shift is zero"},
    {"bssn.eta=-1", "bssn.eta"},
    {"bssn.ace=off", "bssn.ace_growth = 3 needs bssn.ace: on"},
    {"time.cfl=0.9", "stability limit"},
    {"bssn.fd_order=6", "bssn.fd_order: 6 reads 4 points on each side, but grid.ghost is 3: set grid.ghost: 4"},
    {"bssn.fd_order=5", "bssn.fd_order = 5: the finite-difference order is 4 or 6"},
    {"bssn.fd_order=8", "bssn.fd_order"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const char *sets[3] = {cases[c].set, "bssn.eta=1", "bssn.ace_growth=3"};
    int nset = c == 1 ? 2 : c == 3 ? 3 : 1;
    if (c == 1) sets[0] = "bssn.shift=zero";
    aeon_sim *s = make(MPI_COMM_WORLD, noise_deck, nset, sets, NULL);
    const char *msg = aeon_error_message();
    CHECK(s == NULL && strstr(msg, cases[c].want), "--set %s: expected a refusal with '%s', got '%s'", cases[c].set,
          cases[c].want, s ? "(accepted)" : msg);
    if (rank == 0 && !s) printf("bad input %-18s -> %s\n", cases[c].set, msg);
    aeon_sim_destroy(s);
    aeon_error_clear();
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (aeon_initialize()) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  test_noise(rank);
  test_ace_enforced(rank);
  test_ace_reject(rank, size);
  test_bad_input(rank);
  MPI_Allreduce(MPI_IN_PLACE, &fails, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", fails ? "FAIL" : "PASS bssn");
  MPI_Finalize();
  return fails != 0;
}
