/* The Apples-with-Apples initial data (physics/bssn/id_awa.c) against their
 * definitions: K_ij equals -(1/(2 alpha)) d_t gamma_ij (d_t by a 6th-order
 * difference of point() in t), the lapse is 1 (linear wave) or sqrt(det gamma)
 * (gauge wave: alpha^2 = H = det gamma), the data are periodic with period d
 * in x (and y for the diagonal wave), and the diagonal wave is the x-wave
 * rotated (invariants gamma_ij gamma^ij-free: det gamma and K = gamma^ij K_ij
 * agree at equal phase). The gauge-wave slices are flat, so K^2 = K_ij K^ij. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "../../physics/bssn/bssn_adm.h"
#include "../../physics/bssn/bssn_id.h"
#include "testutil.h"

/* The deck with every kind's declared parameters; text is the bssn section's lines. */
static aeon_deck *make_deck(const char *text) {
  aeon_paramset *ps = NULL;
  ck_aeon(aeon_paramset_create(&ps));
  for (int i = 0; bssn_id_list[i]; i++)
    if (bssn_id_list[i]->nparams) ck_aeon(aeon_paramset_add(ps, "bssn", bssn_id_list[i]->params, bssn_id_list[i]->nparams));
  aeon_deck *d = NULL;
  ck_aeon(aeon_deck_load(text, strlen(text), "awa.yaml", ps, 0, NULL, &d));
  aeon_paramset_destroy(ps);
  return d;
}

typedef struct kind_case {
  const char *kind, *deck;
  double amp, d;
  int diagonal;
} kind_case;

static const kind_case cases[] = {
  {"linear_wave", "bssn: {wave_amplitude: 0.01}\n", 0.01, 1.0, 0},
  {"linear_wave", "bssn: {wave_amplitude: 0.01, wave_direction: diagonal}\n", 0.01, 1.0, 1},
  {"gauge_wave", "bssn: {wave_amplitude: 0.1, wave_length: 0.5}\n", 0.1, 0.5, 0},
  {"gauge_wave", "bssn: {wave_amplitude: 0.1, wave_direction: diagonal}\n", 0.1, 1.0, 1},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

/* Full 3x3 matrix from symmetric storage. */
static void full(const double s[6], double m[3][3]) {
  static const int idx[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) m[i][j] = s[idx[i][j]];
}

/* Returns K = gamma^ij K_ij and, through kk, K_ij K^ij. */
static double trace_k(const bssn_adm *a, double *kk) {
  double u[6], gi[3][3], k[3][3];
  bssn_sym_inverse(a->g, u);
  full(u, gi);
  full(a->k, k);
  double tr = 0, sq = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      tr += gi[i][j] * k[i][j];
      for (int p = 0; p < 3; p++)
        for (int q = 0; q < 3; q++) sq += gi[i][p] * gi[j][q] * k[i][j] * k[p][q];
    }
  *kk = sq;
  return tr;
}

static const bssn_id_ops *setup_case(const kind_case *c, void **ctx, aeon_deck **deck) {
  const bssn_id_ops *ops = bssn_id_find(c->kind);
  ck_assert_ptr_nonnull(ops);
  ck_assert_int_eq(ops->exact, 1);
  ck_assert_int_eq(ops->periodic_ok, 1);
  *deck = make_deck(c->deck);
  ck_aeon(ops->create(*deck, NULL, ctx));
  return ops;
}

/* A few points and times spread over a period. */
static void sample(int s, double *t, double x[3]) {
  *t = 0.37 * s - 1.1;
  x[0] = -0.5 + 0.0731 * s;
  x[1] = 0.3 - 0.113 * s;
  x[2] = 0.05 * s;
}

START_TEST(k_is_minus_half_dt_gamma_over_alpha) {
  const kind_case *c = &cases[_i];
  void *ctx = NULL;
  aeon_deck *deck = NULL;
  const bssn_id_ops *ops = setup_case(c, &ctx, &deck);
  const double h = 1e-3;
  /* 6th-order centred first difference: (-f(-3) + 9 f(-2) - 45 f(-1) + 45 f(1) - 9 f(2) + f(3)) / (60 h). */
  static const double w[7] = {-1, 9, -45, 0, 45, -9, 1};
  double worst = 0, kmax = 0;
  for (int s = 0; s < 17; s++) {
    double t, x[3];
    sample(s, &t, x);
    bssn_adm a, b;
    ops->point(ctx, t, x, &a);
    double dg[6] = {0};
    for (int q = 0; q < 7; q++) {
      if (!w[q]) continue;
      ops->point(ctx, t + (q - 3) * h, x, &b);
      for (int n = 0; n < 6; n++) dg[n] += w[q] * b.g[n] / (60 * h);
    }
    for (int n = 0; n < 6; n++) {
      double want = -dg[n] / (2 * a.alpha);
      worst = fmax(worst, fabs(a.k[n] - want));
      kmax = fmax(kmax, fabs(a.k[n]));
    }
    for (int n = 0; n < 3; n++) ck_assert_double_eq(a.beta[n], 0.0);
  }
  /* |K| ~ pi A / d; the difference error ~ h^6 (2 pi/d)^7 A ~ 1e-12. */
  printf("%s%s: max |K_ij| %.3e, max |K_ij + d_t gamma_ij/(2 alpha)| %.3e\n", c->kind, c->diagonal ? " diagonal" : "",
         kmax, worst);
  ck_assert_msg(kmax > 0.5 * M_PI * c->amp / c->d, "K too small: %g", kmax);
  ck_assert_msg(worst < 1e-9 * kmax, "K_ij off by %g", worst);
  ops->destroy(ctx);
  aeon_deck_destroy(deck);
}
END_TEST

START_TEST(lapse_periodicity_and_flat_slices) {
  const kind_case *c = &cases[_i];
  void *ctx = NULL;
  aeon_deck *deck = NULL;
  const bssn_id_ops *ops = setup_case(c, &ctx, &deck);
  int gauge = strcmp(c->kind, "gauge_wave") == 0;
  for (int s = 0; s < 17; s++) {
    double t, x[3];
    sample(s, &t, x);
    bssn_adm a, b;
    ops->point(ctx, t, x, &a);
    double det = bssn_sym_det(a.g);
    if (gauge) {
      ck_assert_double_eq_tol(a.alpha * a.alpha, det, 1e-14);
      double kk, tr = trace_k(&a, &kk);
      ck_assert_double_eq_tol(tr * tr, kk, 1e-14); /* flat slices: R = 0, so H = K^2 - K_ij K^ij = 0 */
    } else {
      ck_assert_double_eq(a.alpha, 1.0);
      ck_assert_double_eq_tol(det, 1.0, 2 * c->amp * c->amp); /* (1 + b)(1 - b) = 1 - b^2 */
    }
    for (int dir = 0; dir < 2; dir++) { /* one period along x, and along y */
      double y[3] = {x[0], x[1], x[2]};
      y[dir] += c->d;
      ops->point(ctx, t, y, &b);
      if (dir == 1 && !c->diagonal) continue; /* the x-wave does not depend on y at all: checked below */
      for (int n = 0; n < 6; n++) {
        ck_assert_double_eq_tol(a.g[n], b.g[n], 1e-13);
        ck_assert_double_eq_tol(a.k[n], b.k[n], 1e-13);
      }
    }
    double y[3] = {x[0], x[1] + 0.123, x[2] - 0.3};
    ops->point(ctx, t, y, &b);
    if (!c->diagonal)
      for (int n = 0; n < 6; n++) ck_assert_double_eq(a.g[n], b.g[n]);
  }
  ops->destroy(ctx);
  aeon_deck_destroy(deck);
}
END_TEST

/* The diagonal wave is the x-wave in rotated coordinates: at the same phase the invariants agree, and its
 * components are the rotated ones (g_xx = g_yy, and for the gauge wave g_xx + g_xy = 1). */
START_TEST(diagonal_is_rotated_x_wave) {
  for (int kind = 0; kind < 2; kind++) {
    const kind_case *cx = &cases[2 * kind], *cd = &cases[2 * kind + 1];
    void *c1 = NULL, *c2 = NULL;
    aeon_deck *d1 = NULL, *d2 = NULL;
    const bssn_id_ops *ops = setup_case(cx, &c1, &d1);
    setup_case(cd, &c2, &d2);
    double dx = cx->d, dd = cd->d / sqrt(2.0); /* wavelengths */
    for (int s = 0; s < 9; s++) {
      double t = 0.1 * s, phase = 0.077 * s - 0.2; /* phase in wavelengths */
      double x1[3] = {phase * dx + t, 0.4, 0.1};
      double xd[3] = {0.3 + phase * dd * sqrt(0.5) + t * sqrt(0.5), 0.3 - phase * dd * sqrt(0.5) - t * sqrt(0.5), 0};
      bssn_adm a, b;
      ops->point(c1, t, x1, &a);
      ops->point(c2, t, xd, &b);
      ck_assert_double_eq_tol(bssn_sym_det(a.g), bssn_sym_det(b.g), 1e-14);
      ck_assert_double_eq_tol(a.alpha, b.alpha, 1e-14);
      double kka, kkb, tra = trace_k(&a, &kka), trb = trace_k(&b, &kkb);
      double scale = dx / dd; /* K scales with the wave number */
      ck_assert_double_eq_tol(tra * scale, trb, 1e-12);
      ck_assert_double_eq_tol(kka * scale * scale, kkb, 1e-12);
      ck_assert_double_eq_tol(b.g[0], b.g[3], 1e-15);
      if (kind == 1) ck_assert_double_eq_tol(b.g[0] + b.g[1], 1.0, 1e-15);
    }
    ops->destroy(c1);
    ops->destroy(c2);
    aeon_deck_destroy(d1);
    aeon_deck_destroy(d2);
  }
}
END_TEST

START_TEST(gauge_wave_refuses_amplitude_one) {
  const bssn_id_ops *ops = bssn_id_find("gauge_wave");
  aeon_deck *deck = make_deck("bssn: {wave_amplitude: 0.99}\n");
  void *ctx = NULL;
  ck_assert_int_eq(ops->create(deck, NULL, &ctx), AEON_ERR_USER);
  ck_assert_msg(strstr(aeon_error_message(), "bssn.wave_amplitude"), "%s", aeon_error_message());
  aeon_error_clear();
  aeon_deck_destroy(deck);
}
END_TEST

int main(void) {
  Suite *s = suite_create("bssn_awa_id");
  TCase *tc = tcase_create("awa");
  tcase_add_loop_test(tc, k_is_minus_half_dt_gamma_over_alpha, 0, NCASES);
  tcase_add_loop_test(tc, lapse_periodicity_and_flat_slices, 0, NCASES);
  tcase_add_test(tc, diagonal_is_rotated_x_wave);
  tcase_add_test(tc, gauge_wave_refuses_amplitude_one);
  suite_add_tcase(s, tc);
  return aeon_test_run_suite(s);
}
