/* Puncture initial data of the BSSN module (physics/bssn/id_punctures.c), through its ops table:
 * Brill-Lindquist values (psi^4 delta, K = 0, beta = 0, the three lapses), mirror images at symmetry faces (an
 * octant with a puncture off the planes gives the same data as the full box with all 8 copies), schwarzschild as
 * one entry, and the refusals naming the key: zero/negative mass, a puncture outside the grid or on a grid point,
 * two at one place, periodic faces, isotropic lapse with several punctures, schwarzschild with two. */
#include <math.h>
#include <string.h>

#include "aeon/deck.h"
#include "testutil.h"

#include "../../physics/bssn/bssn_id.h"

/* A mesh [lo, 8]^3 of 32^3 points (geometry only: the kinds read nothing else). */
static aeon_mesh mesh(double lo, aeon_bc lo_bc, aeon_bc hi_bc) {
  aeon_mesh m;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) {
    m.N[d] = 32;
    m.xmin[d] = lo;
    m.xmax[d] = 8;
    m.dx[d] = (8 - lo) / 32;
    m.bc[2 * d] = lo_bc;
    m.bc[2 * d + 1] = hi_bc;
  }
  return m;
}

/* Creates kind `name` from the bssn.* lines in yaml on mesh m; returns its error (ctx set on success). */
static aeon_err make(const char *name, const char *yaml, const aeon_mesh *m, void **ctx) {
  const bssn_id_ops *k = bssn_id_find(name), *p = bssn_id_find("punctures");
  ck_assert_ptr_nonnull(k);
  aeon_paramset *ps;
  aeon_deck *deck;
  ck_aeon(aeon_paramset_create(&ps));
  ck_aeon(aeon_paramset_add(ps, "bssn", p->params, p->nparams));
  ck_aeon(aeon_deck_load(yaml, strlen(yaml), "id.yaml", ps, 0, NULL, &deck));
  *ctx = NULL;
  aeon_err e = k->create(deck, m, ctx);
  aeon_deck_destroy(deck);
  aeon_paramset_destroy(ps);
  return e;
}

START_TEST(brill_lindquist_values) {
  aeon_mesh m = mesh(-8, AEON_BC_RADIATIVE, AEON_BC_RADIATIVE);
  void *ctx;
  const bssn_id_ops *k = bssn_id_find("punctures");
  ck_aeon(make("punctures", "bssn: {punctures: [{mass: 0.5, position: [1.1, 0, 0]}, "
                            "{mass: 0.25, position: [-1.3, 0.2, 0]}], initial_lapse: precollapsed}\n", &m, &ctx));
  const double x[3] = {0.3, -0.7, 2.1};
  double r1 = sqrt(0.8 * 0.8 + 0.49 + 2.1 * 2.1), r2 = sqrt(1.6 * 1.6 + 0.81 + 2.1 * 2.1);
  double psi = 1 + 0.5 / (2 * r1) + 0.25 / (2 * r2);
  bssn_adm a;
  k->point(ctx, 0, x, &a);
  ck_assert_double_eq_tol(a.g[0], pow(psi, 4), 1e-14);
  ck_assert(a.g[0] == a.g[3] && a.g[0] == a.g[5] && a.g[1] == 0 && a.g[2] == 0 && a.g[4] == 0);
  for (int c = 0; c < 6; c++) ck_assert(a.k[c] == 0);
  ck_assert(a.beta[0] == 0 && a.beta[1] == 0 && a.beta[2] == 0);
  ck_assert_double_eq_tol(a.alpha, 1 / (psi * psi), 1e-15);
  k->destroy(ctx);
  ck_aeon(make("schwarzschild", "bssn: {punctures: [{mass: 1, position: [0.1, 0.1, 0.1]}], initial_lapse: isotropic}\n",
               &m, &ctx));
  double r = sqrt(0.2 * 0.2 + 0.8 * 0.8 + 2.0 * 2.0);
  k->point(ctx, 0, x, &a);
  ck_assert_double_eq_tol(a.alpha, (1 - 0.5 / r) / (1 + 0.5 / r), 1e-15);
  ck_assert_double_eq_tol(a.g[0], pow(1 + 0.5 / r, 4), 1e-14);
  k->destroy(ctx);
}
END_TEST

/* An octant [0, 8]^3 with symmetry faces and a puncture at (1.1, 0.7, 0.45): the data equal those of the full box
 * with the 8 mirror copies listed by hand. */
START_TEST(mirror_images) {
  aeon_mesh oct = mesh(0, AEON_BC_SYMMETRY, AEON_BC_RADIATIVE), full = mesh(-8, AEON_BC_RADIATIVE, AEON_BC_RADIATIVE);
  void *c1, *c2;
  const bssn_id_ops *k = bssn_id_find("punctures");
  ck_aeon(make("punctures", "bssn: {punctures: [{mass: 0.7, position: [1.1, 0.7, 0.45]}], initial_lapse: one}\n",
               &oct, &c1));
  char yaml[1024] = "bssn: {initial_lapse: one, punctures: [";
  for (int s = 0; s < 8; s++) {
    char item[128];
    snprintf(item, sizeof item, "%s{mass: 0.7, position: [%g, %g, %g]}", s ? ", " : "", s & 1 ? -1.1 : 1.1,
             s & 2 ? -0.7 : 0.7, s & 4 ? -0.45 : 0.45);
    strcat(yaml, item);
  }
  strcat(yaml, "]}\n");
  ck_aeon(make("punctures", yaml, &full, &c2));
  double emax = 0;
  for (int q = 0; q < 50; q++) {
    double x[3] = {0.13 * q, 0.21 * (q % 7), 0.37 * (q % 5)};
    bssn_adm a, b;
    k->point(c1, 0, x, &a);
    k->point(c2, 0, x, &b);
    emax = fmax(emax, fabs(a.g[0] - b.g[0]) / b.g[0]);
  }
  ck_assert_msg(emax < 1e-14, "octant images differ from the full box by %.3e", emax);
  k->destroy(c1);
  k->destroy(c2);
  /* a puncture on all three planes has no images: the octant data are those of the one puncture */
  ck_aeon(make("punctures", "bssn: {punctures: [{mass: 1, position: [0, 0, 0]}], initial_lapse: isotropic}\n", &oct,
               &c1));
  bssn_adm a;
  k->point(c1, 0, (double[3]){0, 0, 2}, &a);
  ck_assert_double_eq_tol(a.g[0], pow(1.25, 4), 1e-14);
  k->destroy(c1);
}
END_TEST

/* make() fails with AEON_ERR_USER and a message containing want. */
static void refused(const char *kind, const char *yaml, const aeon_mesh *m, const char *want) {
  void *ctx;
  aeon_err e = make(kind, yaml, m, &ctx);
  ck_assert_msg(e == AEON_ERR_USER && strstr(aeon_error_message(), want), "%s: got (%d) '%s', want '%s'", yaml, e,
                aeon_error_message(), want);
  aeon_error_clear();
}

START_TEST(refusals) {
  aeon_mesh full = mesh(-8, AEON_BC_RADIATIVE, AEON_BC_RADIATIVE), oct = mesh(0, AEON_BC_SYMMETRY, AEON_BC_RADIATIVE);
  aeon_mesh per = mesh(-8, AEON_BC_PERIODIC, AEON_BC_PERIODIC);
  aeon_mesh twosym = mesh(0, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY);
  refused("punctures", "bssn: {punctures: [{mass: 0}]}\n", &full, "bssn.punctures[0].mass = 0");
  refused("punctures", "bssn: {punctures: [{mass: 1}, {mass: -2, position: [1, 0, 0]}]}\n", &full,
          "bssn.punctures[1].mass = -2");
  refused("punctures", "bssn: {punctures: [{mass: 1, position: [9, 0, 0]}]}\n", &full,
          "bssn.punctures[0].position = [9, 0, 0] is outside the grid: x must lie in [-8, 8]");
  refused("punctures", "bssn: {punctures: [{mass: 1, position: [1, -1, 0]}]}\n", &oct,
          "bssn.punctures[0].position = [1, -1, 0] is outside the grid: y must lie in [0, 8] (the side of the symmetry");
  refused("punctures", "bssn: {punctures: [{mass: 1, position: [0.25, 0.25, 0.75]}]}\n", &full,
          "bssn.punctures[0].position = [0.25, 0.25, 0.75] lies on a grid point");
  refused("punctures", "bssn: {punctures: [{mass: 1, position: [1, 0, 0]}, {mass: 2, position: [1, 0, 0]}]}\n", &full,
          "bssn.punctures[0] and bssn.punctures[1] are at the same position");
  refused("punctures", "bssn: {punctures: [{mass: 1}]}\n", &per, "boundary x is periodic");
  refused("punctures", "bssn: {punctures: [{mass: 1, position: [1, 1, 1]}]}\n", &twosym,
          "bssn.punctures: both x faces are symmetry faces");
  refused("punctures", "bssn: {punctures: [{mass: 1}, {mass: 1, position: [1, 0, 0]}], initial_lapse: isotropic}\n",
          &full, "bssn.initial_lapse: isotropic");
  refused("punctures", "bssn: {punctures: [{mass: 1, position: [1, 0, 0]}], initial_lapse: isotropic}\n", &oct,
          "bssn.initial_lapse: isotropic needs the puncture on every symmetry plane");
  refused("schwarzschild", "bssn: {punctures: [{mass: 1}, {mass: 1, position: [1, 0, 0]}]}\n", &full,
          "bssn.punctures has 2 entries; bssn.initial_data: schwarzschild takes exactly one");
}
END_TEST

static Suite *punct_suite(void) {
  Suite *s = suite_create("bssn_punctures");
  TCase *tc = tcase_create("id");
  tcase_add_test(tc, brill_lindquist_values);
  tcase_add_test(tc, mirror_images);
  tcase_add_test(tc, refusals);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(punct_suite()); }
