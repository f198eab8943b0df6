/* ranks: 1 2 */
/* The BSSN/CCZ4 right-hand side on the Apples-with-Apples gauge wave (A = 0.1,
 * harmonic slicing, zero shift), along x and along the x-y diagonal: the rhs of
 * the initial data, evaluated as a stage of the time step does (aeon_mol_rhs),
 * matches the exact time derivatives of the BSSN variables, which this test
 * computes on its own from the ADM point data (physics/bssn/id_awa.c) by
 * 6th-order differences in t with a small step (W, gt, At, K, alpha) and in t
 * and x (Gt^i = -d_j gt^ij): the error converges at 4th order (N = 16, 32, 64),
 * and at 6th order with bssn.fd_order: 6 (grid.ghost: 4).
 * Then the constraints of the data: the Hamiltonian-constraint L2 norm of the
 * gauge wave (A = 0.1) converges at 4th order (6th with fd_order 6); that of the linear wave (an
 * exact solution only to first order in A) is its O(A^2) residual: 100 times
 * larger at 10 times the amplitude, below 1e-10 at A = 1e-6, at N = 16 and 32. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../physics/bssn/bssn_adm.h"
#include "../../physics/bssn/bssn_id.h"
#include "../../physics/bssn/bssn_vars.h"
#include "aeon/sim.h"
#include "aeon/stepper.h"
#include "mpicheck.h"
#include "sim/sim_internal.h"

static int rank;

/* Deck of one case on an N x N' x 4 box (1D: N x 4 x 4; diagonal: N x N x 4) at finite-difference order `order`. */
static void make_deck(char *buf, size_t len, const char *kind, double amp, int diagonal, const char *formulation,
                      int N, int order) {
  snprintf(buf, len,
           "physics: bssn\n"
           "grid: {n: [%d, %d, 4], xmin: [-0.5, %s, -0.04], xmax: [0.5, %s, 0.04], ghost: %d}\n"
           "bssn: {initial_data: %s, wave_amplitude: %g, wave_direction: %s, lapse: harmonic, shift: zero,\n"
           "       formulation: %s, dissipation: 0, fd_order: %d}\n"
           "time: {cfl: 0.25}\n"
           "run: {t_final: 1}\n",
           N, diagonal ? N : 4, diagonal ? "-0.5" : "-0.04", diagonal ? "0.5" : "0.04", order == 6 ? 4 : 3, kind,
           amp, diagonal ? "diagonal" : "x", formulation, order);
}

static aeon_sim *make_sim(const char *deck) {
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  if (aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "awa.yaml", 0, NULL, &opt, &sim)) {
    aeon_error_print(stderr, 1);
    return NULL;
  }
  return sim;
}

static int sym(int i, int j) {
  static const int idx[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  return idx[i][j];
}

/* The continuum BSSN variables except Gt^i at (t, x); gtu receives the inverse conformal metric gt^ij. */
static void bssn_vars(const bssn_id_ops *id, const void *ctx, double t, const double x[3], double v[BSSN_NVAR],
                      double gtu[6]) {
  bssn_adm a;
  id->point(ctx, t, x, &a);
  double gu[6];
  bssn_sym_inverse(a.g, gu);
  double W = pow(bssn_sym_det(a.g), -1.0 / 6.0), K = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) K += gu[sym(i, j)] * a.k[sym(i, j)];
  memset(v, 0, sizeof(double) * BSSN_NVAR);
  v[BSSN_W] = W;
  for (int m = 0; m < 6; m++) {
    v[BSSN_GT_XX + m] = W * W * a.g[m];
    v[BSSN_AT_XX + m] = W * W * (a.k[m] - a.g[m] * K / 3.0);
    gtu[m] = gu[m] / (W * W);
  }
  v[BSSN_K] = K;
  v[BSSN_ALPHA] = a.alpha;
  for (int i = 0; i < 3; i++) v[BSSN_BETA_X + i] = a.beta[i];
}

/* 6th-order centred first difference weights at offsets -3 .. 3 but 0 (divide by 60 h). */
static const double off6[6] = {-3, -2, -1, 1, 2, 3}, w6[6] = {-1, 9, -45, 45, -9, 1};

/* Exact d_t of every BSSN variable at (t, x): differences in t with step h; d_t Gt^i = -d_j d_t gt^ij. */
static void exact_dt(const bssn_id_ops *id, const void *ctx, double t, const double x[3], double dt[BSSN_NVAR]) {
  const double h = 2e-3;
  double v[BSSN_NVAR], gtu[6];
  memset(dt, 0, sizeof(double) * BSSN_NVAR);
  for (int q = 0; q < 6; q++) {
    bssn_vars(id, ctx, t + off6[q] * h, x, v, gtu);
    for (int n = 0; n < BSSN_NVAR; n++) dt[n] += w6[q] * v[n] / (60 * h);
  }
  double s[3] = {0, 0, 0};
  for (int j = 0; j < 3; j++)
    for (int p = 0; p < 6; p++) {
      double y[3] = {x[0], x[1], x[2]};
      y[j] += off6[p] * h;
      for (int q = 0; q < 6; q++) {
        bssn_vars(id, ctx, t + off6[q] * h, y, v, gtu);
        for (int i = 0; i < 3; i++) s[i] += w6[p] * w6[q] * gtu[sym(i, j)] / (3600 * h * h);
      }
    }
  for (int i = 0; i < 3; i++) dt[BSSN_GT_X + i] = -s[i];
}

/* Largest |rhs - exact d_t| over the interior and all variables (every rank gets it); *worst_var its variable. */
static double rhs_error(const char *deck, int *worst_var) {
  aeon_sim *sim = make_sim(deck);
  if (!sim) return NAN;
  const aeon_mesh *m = aeon_sim_mesh(sim);
  aeon_fields *u = aeon_sim_state(sim, 0), out;
  double err[BSSN_NVAR] = {0};
  const bssn_id_ops *id = bssn_id_find(aeon_deck_string(sim->deck, "bssn.initial_data"));
  void *ctx = NULL;
  if (aeon_fields_create(m, BSSN_NVAR, &out) || id->create(sim->deck, m, &ctx) ||
      aeon_mol_rhs(sim->lev[0].mol, u, 0.0, &out)) {
    aeon_error_print(stderr, 1);
    return NAN;
  }
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)}, dt[BSSN_NVAR];
        exact_dt(id, ctx, 0.0, x, dt);
        long p = aeon_idx(m, i, j, k);
        for (int n = 0; n < BSSN_NVAR; n++) err[n] = fmax(err[n], fabs(aeon_var(&out, n)[p] - dt[n]));
      }
  MPI_Allreduce(MPI_IN_PLACE, err, BSSN_NVAR, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  double e = 0;
  for (int n = 0; n < BSSN_NVAR; n++)
    if (err[n] > e) e = err[n], *worst_var = n;
  id->destroy(ctx);
  aeon_fields_destroy(&out);
  aeon_sim_destroy(sim);
  return e;
}

/* The L2 norm of the Hamiltonian constraint of the initial data. */
static double ham_l2(const char *deck) {
  aeon_sim *sim = make_sim(deck);
  if (!sim) return NAN;
  const char *const *names;
  int nd = aeon_sim_ndiag(sim, &names), h = -1;
  for (int i = 0; i < nd; i++)
    if (strcmp(names[i], "ham") == 0) h = i;
  double l2[16], mx[16];
  if (h < 0 || nd > 16 || aeon_sim_diagnostics(sim, l2, mx)) {
    aeon_error_print(stderr, 1);
    aeon_sim_destroy(sim);
    return NAN;
  }
  aeon_sim_destroy(sim);
  return l2[h];
}

/* Checks the order over N = 16, 32, 64 of a measure: the finer pair within tol of `want`, the coarser within 2 tol. */
static void check_order(const char *label, const double e[3], double want, double tol) {
  double p1 = log2(e[0] / e[1]), p2 = log2(e[1] / e[2]);
  int ok = fabs(p2 - want) <= tol && fabs(p1 - want) <= 2 * tol;
  if (rank == 0)
    printf("%-52s %.3e %.3e %.3e  orders %.2f %.2f  %s\n", label, e[0], e[1], e[2], p1, p2, ok ? "ok" : "FAIL");
  CHECK(ok, "%s: orders %.2f %.2f, want %g +- %.2f", label, p1, p2, want, tol);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  static const char *const forms[2] = {"bssn", "ccz4"};
  char deck[1024], label[96];
  for (int order = 4; order <= 6; order += 2)
    for (int f = 0; f < 2; f++)
      for (int diag = 0; diag < 2; diag++) {
        double e[3];
        int worst = -1;
        for (int r = 0; r < 3; r++) {
          make_deck(deck, sizeof deck, "gauge_wave", 0.1, diag, forms[f], 16 << r, order);
          e[r] = rhs_error(deck, &worst);
        }
        snprintf(label, sizeof label, "rhs - d_t exact, gauge wave %s, %s, order %d", diag ? "diag" : "x", forms[f],
                 order);
        check_order(label, e, order, 0.3);
        if (rank == 0) printf("  (largest at N = 64 in variable %d)\n", worst);
      }
  for (int order = 4; order <= 6; order += 2)
    for (int diag = 0; diag < 2; diag++) {
      double e[3];
      for (int r = 0; r < 3; r++) {
        make_deck(deck, sizeof deck, "gauge_wave", 0.1, diag, "bssn", 16 << r, order);
        e[r] = ham_l2(deck);
      }
      snprintf(label, sizeof label, "ham L2 at t = 0, gauge wave %s, order %d", diag ? "diag" : "x", order);
      check_order(label, e, order, 0.3);
    }
  /* The linear wave solves the equations to first order in A, and the discrete first-order constraints vanish for
   * its transverse-traceless h_ij(x - t): ham is the O(A^2) residual, the same at every resolution. */
  for (int diag = 0; diag < 2; diag++)
    for (int N = 16; N <= 32; N *= 2) {
      double e[2];
      for (int a = 0; a < 2; a++) {
        make_deck(deck, sizeof deck, "linear_wave", a ? 1e-5 : 1e-6, diag, "bssn", N, 4);
        e[a] = ham_l2(deck);
      }
      double ratio = e[1] / e[0];
      if (rank == 0)
        printf("ham L2 at t = 0, linear wave %-4s N = %d: %.3e (A = 1e-6) %.3e (A = 1e-5), ratio %.2f (want 100)\n",
               diag ? "diag" : "x", N, e[0], e[1], ratio);
      CHECK(fabs(ratio - 100) < 10 && e[0] < 1e-10, "linear wave ham: %g, %g", e[0], e[1]);
    }
  if (rank == 0) printf("%s\n", failures ? "FAIL" : "PASS bssn awa");
  MPI_Finalize();
  return failures != 0;
}
