/* Unit tests of the finite-difference operators of aeon/stencil.h. Each test
 * samples a function on a small 2D patch around a point (x fastest, row stride W),
 * applies an operator at the centre along x (stride 1) or y (stride W), scales it
 * by its DIV and power of h from the operator table, and compares with the exact
 * derivative: measured convergence orders from h, h/2, h/4 (printed), exactness
 * on polynomials up to the degree the order implies (and inexactness one degree
 * above), the points each operator reads against its radius, the upwind side
 * chosen by the sign of the shift, and the Kreiss-Oliger symbol and sign. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/stencil.h"
#include "testutil.h"

enum { R = 5, W = 2 * R + 1, C = R * W + R }; /* patch half-width, row stride, centre index */

/* A function of (x, y) with its derivatives: which = 0 value, 1 d/dx, 2 d/dy, 3 d2/dx2, 4 d2/dy2, 5 d2/dxdy. */
typedef double (*fn2)(const double *par, double x, double y, int which);

/* sin(a x + c y + b), par = {a, c, b}. */
static double wave2(const double *par, double x, double y, int which) {
  double a = par[0], c = par[1], ph = a * x + c * y + par[2], s = sin(ph), co = cos(ph);
  switch (which) {
  case 0: return s;
  case 1: return a * co;
  case 2: return c * co;
  case 3: return -a * a * s;
  case 4: return -c * c * s;
  default: return -a * c * s;
  }
}

/* x^m y^n, par = {m, n}. */
static double mono2(const double *par, double x, double y, int which) {
  int m = (int)par[0], n = (int)par[1];
  double dm = m, dn = n;
  double xm = pow(x, m), yn = pow(y, n);
  double xm1 = m >= 1 ? dm * pow(x, m - 1) : 0, yn1 = n >= 1 ? dn * pow(y, n - 1) : 0;
  double xm2 = m >= 2 ? dm * (dm - 1) * pow(x, m - 2) : 0, yn2 = n >= 2 ? dn * (dn - 1) * pow(y, n - 2) : 0;
  switch (which) {
  case 0: return xm * yn;
  case 1: return xm1 * yn;
  case 2: return xm * yn1;
  case 3: return xm2 * yn;
  case 4: return xm * yn2;
  default: return xm1 * yn1;
  }
}

/* Fills the patch f[W*W] with F sampled around (x, y) at spacing h. */
static void sample(double *f, fn2 F, const double *par, double x, double y, double h) {
  for (int j = 0; j < W; j++)
    for (int i = 0; i < W; i++) f[j * W + i] = F(par, x + (i - R) * h, y + (j - R) * h, 0);
}

/* Operator op at the patch centre along direction dir (0: x, 1: y), scaled to a derivative (KO: times 1/h). */
static double scaled(aeon_st_op op, const double *f, int dir, double h, double beta) {
  aeon_st_info in = aeon_st_info_of(op);
  long s = dir == 0 ? 1 : W, s2 = dir == 0 ? W : 1;
  double v = aeon_st_apply(op, f, C, s, s2, beta);
  switch (in.kind) {
  case AEON_ST_FIRST: return v / (in.div * h);
  case AEON_ST_SECOND:
  case AEON_ST_MIXED: return v / (in.div * h * h);
  default: return v / h;
  }
}

/* The exact value the operator approximates (KO: 0) along direction dir. */
static double exact(aeon_st_op op, fn2 F, const double *par, double x, double y, int dir) {
  switch (aeon_st_info_of(op).kind) {
  case AEON_ST_FIRST: return F(par, x, y, 1 + dir);
  case AEON_ST_SECOND: return F(par, x, y, 3 + dir);
  case AEON_ST_MIXED: return F(par, x, y, 5);
  default: return 0;
  }
}

/* Error of op on the smooth wave at spacing h. */
static double wave_error(aeon_st_op op, int dir, double h, double beta) {
  static const double par[3] = {1.3, 0.7, 0.4};
  const double x = 0.3, y = -0.2;
  double f[W * W];
  sample(f, wave2, par, x, y, h);
  return fabs(scaled(op, f, dir, h, beta) - exact(op, wave2, par, x, y, dir));
}

/* Asserts both measured orders from h, h/2, h/4 lie within 0.25 of the expected one; prints them. */
static void check_order(aeon_st_op op, int dir, double beta, double expect) {
  const double h = 0.2;
  double e0 = wave_error(op, dir, h, beta), e1 = wave_error(op, dir, h / 2, beta);
  double e2 = wave_error(op, dir, h / 4, beta);
  double p1 = log2(e0 / e1), p2 = log2(e1 / e2);
  printf("stencil %-8s dir %c%s: errors %.3e %.3e %.3e  orders %.3f %.3f (expected %g)\n", aeon_st_info_of(op).name,
         "xy"[dir], beta > 0 ? " beta>0" : beta < 0 ? " beta<0" : "", e0, e1, e2, p1, p2, expect);
  ck_assert_msg(fabs(p1 - expect) < 0.25 && fabs(p2 - expect) < 0.25,
                "%s dir %d beta %g: measured orders %.3f %.3f, expected %g (errors %.3e %.3e %.3e)",
                aeon_st_info_of(op).name, dir, beta, p1, p2, expect, e0, e1, e2);
}

/* Error of op on the monomial x^m y^n around (1.1, 0.9) at h = 0.1 (along dir), relative to max(1, |exact|). */
static double mono_error(aeon_st_op op, int m, int n, int dir, double beta) {
  const double par[2] = {m, n}, x = 1.1, y = 0.9, h = 0.1;
  double f[W * W];
  sample(f, mono2, par, x, y, h);
  double ex = exact(op, mono2, par, x, y, dir);
  return fabs(scaled(op, f, dir, h, beta) - ex) / fmax(1.0, fabs(ex));
}

/* The polynomial degree up to which op is exact (per direction for MIXED, < 2r for KO). */
static int exact_degree(aeon_st_op op) {
  aeon_st_info in = aeon_st_info_of(op);
  return in.kind == AEON_ST_SECOND ? in.order + 1 : in.kind == AEON_ST_KO ? in.order - 1 : in.order;
}

static const double signs[2] = {1.0, -1.0};

START_TEST(centred_orders) {
  const aeon_st_op ops[] = {AEON_ST_D1_2, AEON_ST_D1_4, AEON_ST_D1_6, AEON_ST_D2_2, AEON_ST_D2_4, AEON_ST_D2_6};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    for (int dir = 0; dir < 2; dir++) check_order(ops[i], dir, 0, aeon_st_info_of(ops[i]).order);
}
END_TEST

START_TEST(mixed_orders) {
  for (aeon_st_op op = AEON_ST_D11_2; op <= AEON_ST_D11_6; op++)
    for (int dir = 0; dir < 2; dir++) check_order(op, dir, 0, aeon_st_info_of(op).order);
}
END_TEST

START_TEST(one_sided_and_upwind_orders) {
  for (int dir = 0; dir < 2; dir++) {
    check_order(AEON_ST_D1_FWD2, dir, 0, 2);
    check_order(AEON_ST_D1_BWD2, dir, 0, 2);
    check_order(AEON_ST_D1_LOP4, dir, 0, 4);
    check_order(AEON_ST_D1_LOP6, dir, 0, 6);
    for (int sg = 0; sg < 2; sg++) {
      check_order(AEON_ST_D1_UP2, dir, signs[sg], 2);
      check_order(AEON_ST_D1_UP4, dir, signs[sg], 4);
      check_order(AEON_ST_D1_UP6, dir, signs[sg], 6);
    }
  }
}
END_TEST

/* KO of order 2r scaled by 1/h is O(h^(2r-1)) on smooth data. */
START_TEST(ko_orders) {
  for (aeon_st_op op = AEON_ST_KO4; op <= AEON_ST_KO8; op++)
    for (int dir = 0; dir < 2; dir++) check_order(op, dir, 0, aeon_st_info_of(op).order - 1);
}
END_TEST

/* On sin(k x + b) KO equals -sin^(2r)(k h/2) f: a non-positive multiple of f (damping), -f at the grid scale. */
START_TEST(ko_symbol_damps) {
  const double h = 0.1, kh[] = {0.05, 0.5, 1.0, 2.0, M_PI};
  for (aeon_st_op op = AEON_ST_KO4; op <= AEON_ST_KO8; op++) {
    int r = aeon_st_info_of(op).order / 2;
    for (size_t q = 0; q < sizeof kh / sizeof kh[0]; q++)
      for (int dir = 0; dir < 2; dir++) {
        const double k = kh[q] / h, par[3] = {dir == 0 ? k : 0.3, dir == 0 ? 0.3 : k, 0.4}, x = 0.37, y = -0.11;
        double f[W * W];
        sample(f, wave2, par, x, y, h);
        double ko = aeon_st_apply(op, f, C, dir == 0 ? 1 : W, 0, 0), fc = f[C];
        double mult = -pow(sin(kh[q] / 2), 2 * r);
        ck_assert_msg(fabs(ko - mult * fc) <= 1e-13, "%s kh %g: %.17g, expected %.17g", aeon_st_info_of(op).name,
                      kh[q], ko, mult * fc);
        ck_assert_msg(ko * fc <= 0 && fabs(ko) <= fabs(fc) * (1 + 1e-14), "%s kh %g does not damp: ko %g f %g",
                      aeon_st_info_of(op).name, kh[q], ko, fc);
      }
  }
}
END_TEST

/* Every operator is exact (1e-10 relative) on polynomials up to its degree and not one degree above. */
START_TEST(polynomial_exactness) {
  for (aeon_st_op op = 0; op < AEON_ST_NOPS; op++) {
    aeon_st_info in = aeon_st_info_of(op);
    int deg = exact_degree(op);
    for (int sg = 0; sg < 2; sg++) {
      double beta = signs[sg];
      for (int dir = 0; dir < 2; dir++) {
        if (in.kind == AEON_ST_MIXED) {
          for (int m = 0; m <= deg; m++)
            for (int n = 0; n <= deg; n++) {
              double e = mono_error(op, m, n, dir, beta);
              ck_assert_msg(e <= 1e-10, "%s on x^%d y^%d: relative error %.3e", in.name, m, n, e);
            }
          double e1 = mono_error(op, deg + 1, 1, dir, beta), e2 = mono_error(op, 1, deg + 1, dir, beta);
          ck_assert_msg(e1 > 1e-8 && e2 > 1e-8, "%s exact above degree %d (%.3e %.3e)", in.name, deg, e1, e2);
          continue;
        }
        for (int m = 0; m <= deg; m++) {
          int mx = dir == 0 ? m : 1, ny = dir == 0 ? 1 : m; /* the other variable to degree 1 */
          double e = mono_error(op, mx, ny, dir, beta);
          ck_assert_msg(e <= 1e-10, "%s dir %d on degree %d: relative error %.3e", in.name, dir, m, e);
        }
        double e = mono_error(op, dir == 0 ? deg + 1 : 1, dir == 0 ? 1 : deg + 1, dir, beta);
        ck_assert_msg(e > 1e-8, "%s dir %d exact on degree %d > %d (error %.3e)", in.name, dir, deg + 1, deg, e);
      }
    }
  }
}
END_TEST

/* KO of order 2r on x^(2r): (-1)^(r+1) (2r)! h^(2r) / 2^(2r), the sign and scaling convention. */
START_TEST(ko_convention) {
  const double h = 0.1;
  for (aeon_st_op op = AEON_ST_KO4; op <= AEON_ST_KO8; op++) {
    int r = aeon_st_info_of(op).order / 2;
    const double par[2] = {2 * r, 0};
    double f[W * W], fact = 1;
    sample(f, mono2, par, 1.1, 0.9, h);
    for (int q = 2; q <= 2 * r; q++) fact *= q;
    double expect = (r % 2 ? 1 : -1) * fact * pow(h, 2 * r) / pow(2, 2 * r);
    double got = aeon_st_apply(op, f, C, 1, W, 0);
    ck_assert_msg(fabs(got - expect) <= 1e-8 * fabs(expect), "%s on x^%d: %.17g, expected %.17g",
                  aeon_st_info_of(op).name, 2 * r, got, expect);
  }
}
END_TEST

/* Reads stay within the table's radius, and the radius is reached (for some sign of the shift). */
START_TEST(radius_table) {
  for (aeon_st_op op = 0; op < AEON_ST_NOPS; op++) {
    aeon_st_info in = aeon_st_info_of(op);
    ck_assert_int_le(in.lo, R);
    ck_assert_int_le(in.hi, R);
    int mixed = in.kind == AEON_ST_MIXED;
    for (int dir = 0; dir < 2; dir++) {
      long s = dir == 0 ? 1 : W, s2 = dir == 0 ? W : 1;
      int reached_lo = in.lo == 0, reached_hi = in.hi == 0;
      for (int sg = 0; sg < 2; sg++) {
        double f[W * W];
        /* NaN outside the declared box (a segment for 1D operators, a square for mixed ones) */
        for (int b = -R; b <= R; b++)
          for (int a = -R; a <= R; a++) {
            int inside = a >= -in.lo && a <= in.hi && (mixed ? b >= -in.lo && b <= in.hi : b == 0);
            f[C + a * s + b * s2] = inside ? 1.0 + 0.01 * a * a + 0.003 * b + 0.001 * a * b * b : NAN;
          }
        double v = aeon_st_apply(op, f, C, s, s2, signs[sg]);
        ck_assert_msg(isfinite(v), "%s dir %d beta %g reads outside its radius [-%d, %d]", in.name, dir, signs[sg],
                      in.lo, in.hi);
        long lo_pt = C - in.lo * s - (mixed ? in.lo * s2 : 0), hi_pt = C + in.hi * s + (mixed ? in.hi * s2 : 0);
        double keep = f[lo_pt];
        f[lo_pt] = NAN;
        if (in.lo > 0 && !isfinite(aeon_st_apply(op, f, C, s, s2, signs[sg]))) reached_lo = 1;
        f[lo_pt] = keep;
        f[hi_pt] = NAN;
        if (in.hi > 0 && !isfinite(aeon_st_apply(op, f, C, s, s2, signs[sg]))) reached_hi = 1;
      }
      ck_assert_msg(reached_lo && reached_hi, "%s dir %d: radius [-%d, %d] larger than what it reads", in.name, dir,
                    in.lo, in.hi);
    }
  }
  ck_assert_int_eq(AEON_ST_R_D1_UP4, 3);
  ck_assert_int_eq(AEON_ST_R_D1_UP6, 4);
  ck_assert_int_eq(AEON_ST_R_KO8, 4);
  ck_assert_int_eq(AEON_ST_R_D1_FWD2, 2);
}
END_TEST

/* beta >= 0 reads p-s .. p+3s (4th order), p .. p+2s (2nd) and p-2s .. p+4s (6th), beta < 0 the mirror; the two
 * sides differ. */
START_TEST(upwind_sides) {
  struct { aeon_st_op op; int back, ahead; } t[] = {{AEON_ST_D1_UP2, 0, 2}, {AEON_ST_D1_UP4, 1, 3},
                                                    {AEON_ST_D1_UP6, 2, 4}};
  for (int q = 0; q < 3; q++)
    for (int sg = 0; sg < 2; sg++) {
      double f[W * W];
      const double par[3] = {1.3, 0.7, 0.4};
      sample(f, wave2, par, 0.3, -0.2, 0.2);
      double ref = aeon_st_apply(t[q].op, f, C, 1, W, signs[sg]);
      /* poison everything the chosen side must not read */
      for (int a = -R; a <= R; a++) {
        int lo = sg == 0 ? -t[q].back : -t[q].ahead, hi = sg == 0 ? t[q].ahead : t[q].back;
        if (a < lo || a > hi) f[C + a] = NAN;
      }
      double v = aeon_st_apply(t[q].op, f, C, 1, W, signs[sg]);
      ck_assert_msg(v == ref, "%s beta %g reads the wrong side (%g vs %g)", aeon_st_info_of(t[q].op).name, signs[sg],
                    v, ref);
    }
  /* the mirrored stencil is a different approximation: both sides' results differ on smooth data */
  double f[W * W];
  const double par[3] = {1.3, 0.7, 0.4};
  sample(f, wave2, par, 0.3, -0.2, 0.2);
  ck_assert(aeon_st_d1_up4(f, C, 1, 1.0) != aeon_st_d1_up4(f, C, 1, -1.0));
  ck_assert(aeon_st_d1_up4(f, C, 1, 1.0) == aeon_st_d1_lop4(f, C, 1));
  ck_assert(aeon_st_d1_up4(f, C, 1, -1.0) == -aeon_st_d1_lop4(f, C, -1));
  ck_assert(aeon_st_d1_up6(f, C, 1, 1.0) != aeon_st_d1_up6(f, C, 1, -1.0));
  ck_assert(aeon_st_d1_up6(f, C, W, 1.0) == aeon_st_d1_lop6(f, C, W));
  ck_assert(aeon_st_d1_up6(f, C, W, -1.0) == -aeon_st_d1_lop6(f, C, -W));
  for (long s = 1; s <= W; s += W - 1) /* the point-selecting form, bit for bit, both signs and beta = +-0 */
    for (int q = 0; q < 4; q++) {
      const double be = q == 0 ? 0.3 : q == 1 ? -0.3 : q == 2 ? 0.0 : -0.0;
      const double a = aeon_st_d1_up4(f, C, s, be), b = aeon_st_d1_up4s(f, C, s, be);
      ck_assert(memcmp(&a, &b, sizeof a) == 0);
    }
  ck_assert(aeon_st_d1_up2(f, C, W, 0.5) == aeon_st_d1_fwd2(f, C, W));
  ck_assert(aeon_st_d1_up2(f, C, W, -0.5) == aeon_st_d1_bwd2(f, C, W));
}
END_TEST

/* d2_4 keeps the wave kernel's original operation order bit for bit; ko6 adds its points in mirror pairs. */
START_TEST(wave_kernel_order) {
  double f[W * W];
  const double par[3] = {2.1, 0.9, 0.3};
  sample(f, wave2, par, 0.11, 0.27, 0.07);
  for (long s = 1; s <= W; s += W - 1) {
    const long p = C;
    double d2 = -f[p - 2 * s] + 16.0 * f[p - s] - 30.0 * f[p] + 16.0 * f[p + s] - f[p + 2 * s];
    double d6 = (f[p - 3 * s] + f[p + 3 * s]) - 6.0 * (f[p - 2 * s] + f[p + 2 * s]) + 15.0 * (f[p - s] + f[p + s]) -
                20.0 * f[p];
    ck_assert(aeon_st_d2_4(f, p, s) == d2);
    ck_assert(aeon_st_ko6(f, p, s) * 64.0 == d6);
  }
}
END_TEST

/* Mirror exactness: on a row g that is the row f reversed (even data about the middle) or reversed and negated
 * (odd data), every centred operator but d2_4 gives at the mirror point exactly the same bits (even operators on
 * even data) or exactly the negated bits, so octant runs equal full runs bit for bit. */
START_TEST(mirror_exact) {
  enum { N = 41 };
  double f[N], g[N], h[N];
  for (int i = 0; i < N; i++) f[i] = sin(0.37 * i + 0.2) * exp(0.05 * i) + 1e-3 * i * i;
  for (int i = 0; i < N; i++) g[i] = f[N - 1 - i], h[i] = -f[N - 1 - i];
  static const aeon_st_op ops[] = {AEON_ST_D1_2, AEON_ST_D1_4, AEON_ST_D1_6, AEON_ST_D2_2, AEON_ST_D2_6,
                                   AEON_ST_KO4, AEON_ST_KO6, AEON_ST_KO8};
  int checked = 0;
  for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
    int odd = aeon_st_info_of(ops[o]).kind == AEON_ST_FIRST;
    for (long p = 5; p < N - 5; p++) {
      long q = N - 1 - p;
      double a = aeon_st_apply(ops[o], f, p, 1, 0, 0), b = aeon_st_apply(ops[o], g, q, 1, 0, 0);
      double c = aeon_st_apply(ops[o], h, q, 1, 0, 0);
      ck_assert_msg(memcmp(&a, odd ? &(double){-b} : &b, sizeof a) == 0, "%s at %ld on even data",
                    aeon_st_info_of(ops[o]).name, p);
      ck_assert_msg(memcmp(&a, odd ? &c : &(double){-c}, sizeof a) == 0, "%s at %ld on odd data",
                    aeon_st_info_of(ops[o]).name, p);
      checked++;
    }
  }
  ck_assert_int_eq(checked, 8 * (N - 10));
}
END_TEST

static Suite *stencil_suite(void) {
  Suite *s = suite_create("stencil");
  TCase *tc = tcase_create("orders");
  tcase_add_test(tc, centred_orders);
  tcase_add_test(tc, mixed_orders);
  tcase_add_test(tc, one_sided_and_upwind_orders);
  tcase_add_test(tc, ko_orders);
  suite_add_tcase(s, tc);
  TCase *te = tcase_create("exactness");
  tcase_add_test(te, polynomial_exactness);
  tcase_add_test(te, ko_symbol_damps);
  tcase_add_test(te, ko_convention);
  tcase_add_test(te, radius_table);
  tcase_add_test(te, upwind_sides);
  tcase_add_test(te, wave_kernel_order);
  tcase_add_test(te, mirror_exact);
  suite_add_tcase(s, te);
  return s;
}

int main(void) { return aeon_test_run_suite(stencil_suite()); }
