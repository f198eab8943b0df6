/* Unit tests of the BSSN/CCZ4 point kernel (physics/bssn/bssn_point.h) and the ADM -> BSSN conversion
 * (physics/bssn/bssn_adm.c), on small 3D patches filled from analytic data:
 * 1. conversion of a known non-conformally-flat metric (W, gt, At, K, Gt^i against closed forms);
 * 2. Schwarzschild in Kerr-Schild coordinates with its own (frozen) lapse and shift is stationary: the rhs of every
 *    variable converges to 0 at 4th order (BSSN and CCZ4), and at 6th order with coef.order 6, which checks the
 *    Ricci tensor, the lapse and shift terms and the advection with a non-trivial metric, extrinsic curvature and
 *    shift;
 * 3. CCZ4 with Theta = 0 and kappa1 = kappa2 = kappa3 = 0 gives BSSN's rhs for every variable but Theta on random
 *    smooth data (1+log, Gamma-driver, dissipation on), to round-off;
 * 4. the AwA gauge wave (A = 0.1, along x and along the x-y diagonal, harmonic slicing, zero shift): the rhs of
 *    every variable equals its exact time derivative with an error converging at 4th order, for BSSN, CCZ4 with
 *    damping (kappa1, kappa3: Theta = Z = 0 on the solution) and each K/Gamma-tilde formulation option; this covers
 *    the harmonic K and lapse equations, the Gamma-tilde equation with its non-differentiated Gamma-tilde terms and
 *    the CCZ4 Theta equation on data with a non-trivial lapse. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../physics/bssn/bssn_adm.h"
#include "../../physics/bssn/bssn_point.h"
#include "testutil.h"

enum { R = 3, NP = 2 * R + 1 };

/* A patch of n^3 points (n = 2R + 1 + 2 m) with spacing h centred at c. */
typedef struct patch {
  int n;
  double h, c[3];
  double *v[BSSN_NVAR], *r[BSSN_NVAR];
} patch;

static void patch_alloc(patch *P, int n, double h, const double c[3]) {
  P->n = n, P->h = h;
  memcpy(P->c, c, sizeof P->c);
  for (int v = 0; v < BSSN_NVAR; v++) {
    P->v[v] = calloc((size_t)n * n * n, sizeof(double));
    P->r[v] = calloc((size_t)n * n * n, sizeof(double));
  }
}
static void patch_free(patch *P) {
  for (int v = 0; v < BSSN_NVAR; v++) free(P->v[v]), free(P->r[v]);
}
static double patch_x(const patch *P, int d, int i) { return P->c[d] + (i - P->n / 2) * P->h; }

static bssn_coef coef_for(const patch *P, int ccz4, int lapse, int shift, double eps) {
  bssn_coef c;
  memset(&c, 0, sizeof c);
  c.s[0] = 1, c.s[1] = P->n, c.s[2] = (long)P->n * P->n;
  for (int d = 0; d < 3; d++) {
    c.d1[d] = 1.0 / (12.0 * P->h), c.d2[d] = 1.0 / (12.0 * P->h * P->h), c.ko[d] = eps / P->h;
    c.d11[d] = 1.0 / (144.0 * P->h * P->h);
  }
  c.ccz4 = ccz4, c.lapse = lapse, c.shift = shift, c.diss = eps > 0, c.eta = 2.0, c.wfloor = 1e-4;
  bssn_gauge(&c);
  return c;
}

/* Switches c to 6th-order differences on P (coef_for sets up 4th order). */
static void coef_order6(bssn_coef *c, const patch *P) {
  c->order = 6;
  for (int d = 0; d < 3; d++) {
    c->d1[d] = 1.0 / (60.0 * P->h), c->d2[d] = 1.0 / (180.0 * P->h * P->h), c->d11[d] = 1.0 / (3600.0 * P->h * P->h);
  }
}

static void fill_from(patch *P, const bssn_id_ops *id, const void *ctx, int order) {
  const double dx[3] = {P->h, P->h, P->h};
  for (int k = 0; k < P->n; k++)
    for (int j = 0; j < P->n; j++)
      for (int i = 0; i < P->n; i++) {
        double x[3] = {patch_x(P, 0, i), patch_x(P, 1, j), patch_x(P, 2, k)}, v[BSSN_NVAR];
        bssn_adm_to_bssn(id, ctx, 0.0, x, dx, order, v);
        long p = i + (long)P->n * (j + (long)P->n * k);
        for (int q = 0; q < BSSN_NVAR; q++) P->v[q][p] = v[q];
      }
}

/* ---- 1. conversion ---- */

static const double GA = 0.3, GK = 2.0 * M_PI, KX = 0.7;

/* g = diag(1 + A sin(k x), 1, 1), K_ij = diag(KX, 0, 0), alpha = 1.5, beta = (0.1, 0.2, 0.3). */
static void wavy_point(const void *ctx, double t, const double x[3], bssn_adm *a) {
  (void)ctx, (void)t;
  memset(a, 0, sizeof *a);
  a->g[0] = 1.0 + GA * sin(GK * x[0]), a->g[3] = a->g[5] = 1.0;
  a->k[0] = KX;
  a->alpha = 1.5;
  a->beta[0] = 0.1, a->beta[1] = 0.2, a->beta[2] = 0.3;
}
static const bssn_id_ops wavy = {.name = "wavy", .point = wavy_point};

START_TEST(adm_conversion) {
  double worst = 0;
  for (int q = 0; q < 2; q++) {
    double h = q ? 0.005 : 0.01, x[3] = {0.13, -0.2, 0.4}, dx[3] = {h, h, h}, v[BSSN_NVAR];
    bssn_adm_to_bssn(&wavy, NULL, 0.0, x, dx, 4, v);
    double f = 1.0 + GA * sin(GK * x[0]), fp = GA * GK * cos(GK * x[0]);
    ck_assert_double_eq_tol(v[BSSN_W], pow(f, -1.0 / 6.0), 1e-14);
    ck_assert_double_eq_tol(v[BSSN_GT_XX], pow(f, 2.0 / 3.0), 1e-14);
    ck_assert_double_eq_tol(v[BSSN_GT_YY], pow(f, -1.0 / 3.0), 1e-14);
    ck_assert_double_eq_tol(v[BSSN_GT_XY], 0.0, 1e-15);
    ck_assert_double_eq_tol(v[BSSN_K], KX / f, 1e-14);
    ck_assert_double_eq_tol(v[BSSN_AT_XX], pow(f, -1.0 / 3.0) * 2.0 / 3.0 * KX, 1e-14);
    ck_assert_double_eq_tol(v[BSSN_AT_YY], -pow(f, -1.0 / 3.0) * KX / (3.0 * f), 1e-14);
    ck_assert_double_eq(v[BSSN_ALPHA], 1.5);
    ck_assert_double_eq(v[BSSN_BETA_Z], 0.3);
    /* Gt^x = -d_x gt^xx = 2/3 f^(-5/3) f' (det gt = 1) */
    double err = fabs(v[BSSN_GT_X] - 2.0 / 3.0 * pow(f, -5.0 / 3.0) * fp);
    printf("conversion: h = %g, |Gt^x error| = %.3e\n", h, err);
    ck_assert_double_lt(err, 1e-6);
    ck_assert_double_eq_tol(v[BSSN_GT_Y], 0.0, 1e-15);
    if (q == 0) worst = err;
    else ck_assert_msg(worst / err > 12.0, "Gt^x error ratio %g, expected ~16 (4th order)", worst / err);
  }
}
END_TEST

/* ---- 2. Kerr-Schild Schwarzschild is stationary ---- */

/* The KS metric, lapse and shift (M = 1) without K (computed by differences below). */
static void ks_metric(const double x[3], double g[6], double *alpha, double beta[3], double blow[3]) {
  double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]), H = 1.0 / r, l[3] = {x[0] / r, x[1] / r, x[2] / r};
  for (int i = 0; i < 3; i++)
    for (int j = i; j < 3; j++) g[bssn_sym(i, j)] = (i == j) + 2.0 * H * l[i] * l[j];
  *alpha = 1.0 / sqrt(1.0 + 2.0 * H);
  for (int i = 0; i < 3; i++) beta[i] = 2.0 * H * l[i] / (1.0 + 2.0 * H), blow[i] = 2.0 * H * l[i];
}

/* K_ij = (D_i beta_j + D_j beta_i) / (2 alpha), derivatives by 5-point differences with step 1e-3. */
static void ks_point(const void *ctx, double t, const double x[3], bssn_adm *a) {
  (void)ctx, (void)t;
  memset(a, 0, sizeof *a);
  double bl[3], dg[3][6], db[3][3];
  ks_metric(x, a->g, &a->alpha, a->beta, bl);
  const double e = 1e-3, w[4] = {1.0, -8.0, 8.0, -1.0}, o[4] = {-2, -1, 1, 2};
  for (int k = 0; k < 3; k++) {
    for (int m = 0; m < 6; m++) dg[k][m] = 0;
    for (int i = 0; i < 3; i++) db[k][i] = 0;
    for (int q = 0; q < 4; q++) {
      double y[3] = {x[0], x[1], x[2]}, g[6], al, be[3], blq[3];
      y[k] += o[q] * e;
      ks_metric(y, g, &al, be, blq);
      for (int m = 0; m < 6; m++) dg[k][m] += w[q] * g[m] / (12.0 * e);
      for (int i = 0; i < 3; i++) db[k][i] += w[q] * blq[i] / (12.0 * e);
    }
  }
  for (int i = 0; i < 3; i++)
    for (int j = i; j < 3; j++) {
      double cb = 0; /* Gamma_{l ij} beta^l */
      for (int l = 0; l < 3; l++)
        cb += 0.5 * (dg[i][bssn_sym(l, j)] + dg[j][bssn_sym(l, i)] - dg[l][bssn_sym(i, j)]) * a->beta[l];
      a->k[bssn_sym(i, j)] = (db[i][j] + db[j][i] - 2.0 * cb) / (2.0 * a->alpha);
    }
}
static const bssn_id_ops kerr_schild = {.name = "ks", .point = ks_point};

/* The largest |rhs| at the patch centre over every variable, at finite-difference order 4 or 6. */
static double ks_residual(double h, int ccz4, int order) {
  patch P;
  const double c[3] = {2.1, 1.3, 0.9};
  const int radius = order == 6 ? BSSN_RADIUS6 : BSSN_RADIUS;
  patch_alloc(&P, 2 * radius + 3, h, c); /* one extra layer: Gt^i needs no more, the rhs reads the radius */
  fill_from(&P, &kerr_schild, NULL, order);
  bssn_coef co = coef_for(&P, ccz4, BSSN_LAPSE_GEODESIC, BSSN_SHIFT_ZERO, order == 6 ? 0.1 : 0.0);
  if (order == 6) coef_order6(&co, &P); /* with KO8 dissipation, O(h^7) */
  co.kappa1 = 0.1, co.kappa3 = 0.5;
  bssn_in in;
  bssn_out out;
  for (int v = 0; v < BSSN_NVAR; v++) in.v[v] = P.v[v], out.v[v] = P.r[v];
  long p = P.n / 2 + (long)P.n * (P.n / 2 + (long)P.n * (P.n / 2));
  bssn_rhs(&co, &in, &out, p);
  double mx = 0;
  int worst = 0;
  for (int v = 0; v < BSSN_NVAR; v++)
    if (fabs(P.r[v][p]) > mx) mx = fabs(P.r[v][p]), worst = v;
  printf("kerr-schild %s order %d: h = %g, max |rhs| = %.3e (variable %d)\n", ccz4 ? "ccz4" : "bssn", order, h, mx,
         worst);
  patch_free(&P);
  return mx;
}

START_TEST(kerr_schild_stationary) {
  for (int fd = 4; fd <= 6; fd += 2)
    for (int ccz4 = 0; ccz4 < 2; ccz4++) {
      double e1 = ks_residual(0.08, ccz4, fd), e2 = ks_residual(0.04, ccz4, fd);
      double order = log2(e1 / e2);
      printf("kerr-schild %s fd_order %d: order %.2f\n", ccz4 ? "ccz4" : "bssn", fd, order);
      ck_assert_double_lt(e1, 1e-3);
      ck_assert_msg(fabs(order - fd) < 0.25, "stationary residual converges at order %.2f, expected %d", order, fd);
    }
}
END_TEST

/* ---- 3. CCZ4 -> BSSN ---- */

/* Random smooth data on P: every variable 0.1 sin(k.x + phase) about 1 (W, gt_ii, alpha) or 0, with the random
 * k and phase of seed. */
static void random_smooth(patch *P, unsigned seed) {
  srand(seed);
  double par[BSSN_NVAR][5];
  for (int v = 0; v < BSSN_NVAR; v++)
    for (int q = 0; q < 5; q++) par[v][q] = (double)rand() / RAND_MAX * 4.0 - 2.0;
  for (int k = 0; k < P->n; k++)
    for (int j = 0; j < P->n; j++)
      for (int i = 0; i < P->n; i++) {
        long p = i + (long)P->n * (j + (long)P->n * k);
        double x[3] = {patch_x(P, 0, i), patch_x(P, 1, j), patch_x(P, 2, k)};
        for (int v = 0; v < BSSN_NVAR; v++) {
          double base = (v == BSSN_W || v == BSSN_GT_XX || v == BSSN_GT_YY || v == BSSN_GT_ZZ || v == BSSN_ALPHA);
          P->v[v][p] = base + 0.1 * sin(par[v][0] * x[0] + par[v][1] * x[1] + par[v][2] * x[2] + par[v][3]);
        }
      }
}

START_TEST(ccz4_reduces_to_bssn) {
  patch P;
  const double c[3] = {0, 0, 0};
  patch_alloc(&P, 14, 0.07, c);
  random_smooth(&P, 12345);
  for (long p = 0; p < (long)P.n * P.n * P.n; p++) P.v[BSSN_THETA][p] = 0.0;
  bssn_coef cb = coef_for(&P, 0, BSSN_LAPSE_1LOG, BSSN_SHIFT_GAMMA_DRIVER, 0.1);
  bssn_coef cc = coef_for(&P, 1, BSSN_LAPSE_1LOG, BSSN_SHIFT_GAMMA_DRIVER, 0.1);
  bssn_in in;
  bssn_out ob, oc;
  double *rb[BSSN_NVAR];
  for (int v = 0; v < BSSN_NVAR; v++) {
    in.v[v] = P.v[v], oc.v[v] = P.r[v];
    rb[v] = calloc((size_t)P.n * P.n * P.n, sizeof(double));
    ob.v[v] = rb[v];
  }
  double worst = 0, scale = 0;
  long npts = 0;
  for (int k = R; k < P.n - R; k++)
    for (int j = R; j < P.n - R; j++)
      for (int i = R; i < P.n - R; i++) {
        long p = i + (long)P.n * (j + (long)P.n * k);
        bssn_rhs(&cb, &in, &ob, p);
        bssn_rhs(&cc, &in, &oc, p);
        npts++;
        for (int v = 0; v < BSSN_NVAR; v++) {
          if (v == BSSN_THETA) continue;
          worst = fmax(worst, fabs(rb[v][p] - P.r[v][p]) / (1.0 + fabs(rb[v][p])));
          scale = fmax(scale, fabs(rb[v][p]));
        }
      }
  printf("ccz4 -> bssn: %ld points, max relative difference %.3e (max |rhs| %.3e)\n", npts, worst, scale);
  ck_assert_double_gt(scale, 1e-2); /* the data is not trivial */
  ck_assert_double_le(worst, 1e-14);
  /* and with a kappa the systems differ */
  cc.kappa1 = 0.5;
  long p = 7 + (long)P.n * (7 + (long)P.n * 7);
  bssn_rhs(&cb, &in, &ob, p);
  bssn_rhs(&cc, &in, &oc, p);
  ck_assert_double_gt(fabs(rb[BSSN_GT_X][p] - P.r[BSSN_GT_X][p]), 1e-6);
  for (int v = 0; v < BSSN_NVAR; v++) free(rb[v]);
  patch_free(&P);
}
END_TEST

/* ---- 3b. the Theta terms: CCZ4 at (K_hat, Theta != 0) against BSSN at K = K_hat + 2 Theta ---- */

/* 4th-order centred d_d f at p (stride s, spacing h). */
static double d4(const double *f, long p, long s, double h) {
  return (f[p - 2 * s] - 8.0 * f[p - s] + 8.0 * f[p + s] - f[p + 2 * s]) / (12.0 * h);
}

/* Zero shift and no dissipation, so that advection and KO (which act on K_hat vs K) drop out. Then, from the
 * equations of docs/bssn.md, CCZ4 - BSSN is: At: -2 alpha Theta At_ij; Theta: alpha/2 (H - 2 Theta K) (BSSN: 0);
 * Gt^i: gt^ij (2 alpha d_j Theta - 2 Theta d_j alpha); alpha (1+log): +4 alpha Theta; W, gt, K: 0. With kappa1,
 * kappa2 on top: K_hat += alpha kappa1 (1 - kappa2) Theta, Theta -= alpha kappa1 (2 + kappa2) Theta,
 * Gt^i -= alpha kappa1 (Gt^i - Gd^i). */
START_TEST(ccz4_theta_terms) {
  patch Pc, Pb;
  const double c[3] = {0.1, -0.2, 0.3};
  patch_alloc(&Pc, 14, 0.07, c);
  patch_alloc(&Pb, 14, 0.07, c);
  random_smooth(&Pc, 777);
  const long N = (long)Pc.n * Pc.n * Pc.n;
  for (long p = 0; p < N; p++) {
    for (int v = BSSN_BETA_X; v <= BSSN_B_Z; v++) Pc.v[v][p] = 0.0;
    for (int v = 0; v < BSSN_NVAR; v++) Pb.v[v][p] = Pc.v[v][p];
    Pb.v[BSSN_K][p] = Pc.v[BSSN_K][p] + 2.0 * Pc.v[BSSN_THETA][p];
  }
  bssn_coef cb = coef_for(&Pb, 0, BSSN_LAPSE_1LOG, BSSN_SHIFT_ZERO, 0.0);
  bssn_coef cc = coef_for(&Pc, 1, BSSN_LAPSE_1LOG, BSSN_SHIFT_ZERO, 0.0);
  bssn_in ib, ic;
  bssn_out ob, oc;
  for (int v = 0; v < BSSN_NVAR; v++) ib.v[v] = Pb.v[v], ob.v[v] = Pb.r[v], ic.v[v] = Pc.v[v], oc.v[v] = Pc.r[v];
  double worst[2] = {0, 0}, th_max = 0;
  for (int damp = 0; damp < 2; damp++) {
    cc.kappa1 = damp ? 0.3 : 0.0, cc.kappa2 = damp ? 0.2 : 0.0;
    for (int k = R; k < Pc.n - R; k++)
      for (int j = R; j < Pc.n - R; j++)
        for (int i = R; i < Pc.n - R; i++) {
          const long p = i + (long)Pc.n * (j + (long)Pc.n * k);
          bssn_rhs(&cb, &ib, &ob, p);
          bssn_rhs(&cc, &ic, &oc, p);
          double H, M[3], Gc[3];
          bssn_constraints(&cb, &ib, p, &H, M, Gc);
          const double al = Pc.v[BSSN_ALPHA][p], th = Pc.v[BSSN_THETA][p], Kf = Pb.v[BSSN_K][p];
          const double k1 = cc.kappa1, k2 = cc.kappa2;
          double expect[BSSN_NVAR] = {0};
          for (int m = 0; m < 6; m++) expect[BSSN_AT_XX + m] = -2.0 * al * th * Pc.v[BSSN_AT_XX + m][p];
          expect[BSSN_THETA] = 0.5 * al * (H - 2.0 * th * Kf) - al * k1 * (2.0 + k2) * th;
          expect[BSSN_K] = al * k1 * (1.0 - k2) * th;
          expect[BSSN_ALPHA] = 4.0 * al * th;
          double g[6], gu[6], dth[3], dal[3];
          for (int m = 0; m < 6; m++) g[m] = Pc.v[BSSN_GT_XX + m][p];
          bssn_sym_inverse(g, gu);
          for (int d = 0; d < 3; d++)
            dth[d] = d4(Pc.v[BSSN_THETA], p, cc.s[d], Pc.h), dal[d] = d4(Pc.v[BSSN_ALPHA], p, cc.s[d], Pc.h);
          static const int sym[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
          for (int a = 0; a < 3; a++) {
            double t = -al * k1 * Gc[a];
            for (int b = 0; b < 3; b++) t += gu[sym[a][b]] * (2.0 * al * dth[b] - 2.0 * th * dal[b]);
            expect[BSSN_GT_X + a] = t;
          }
          for (int v = 0; v < BSSN_NVAR; v++) {
            const double diff = Pc.r[v][p] - Pb.r[v][p];
            worst[damp] = fmax(worst[damp], fabs(diff - expect[v]) / (1.0 + fabs(Pb.r[v][p])));
            if (v == BSSN_THETA || v == BSSN_GT_X) th_max = fmax(th_max, fabs(diff));
          }
        }
  }
  printf("ccz4 Theta terms: max relative deviation from the expected CCZ4 - BSSN %.3e (kappa 0), %.3e (kappa1 0.3, "
         "kappa2 0.2); max |difference| %.3e\n",
         worst[0], worst[1], th_max);
  ck_assert_double_gt(th_max, 1e-2); /* the Theta terms are not trivially small */
  ck_assert_double_le(worst[0], 1e-12);
  ck_assert_double_le(worst[1], 1e-12);
  patch_free(&Pc);
  patch_free(&Pb);
}
END_TEST

/* ---- 4. gauge wave: rhs = exact time derivative ---- */

static const double GW_A = 0.1, GW_K = 2.0 * M_PI;

/* ds^2 = -H dt^2 + H dx_w^2 + dy^2 + dz^2, H = 1 - A sin(k (x_w - t)); ctx != NULL: x_w = (x - y)/sqrt(2). */
static void gw_point(const void *ctx, double t, const double x[3], bssn_adm *a) {
  const int diag = ctx != NULL;
  const double r = sqrt(0.5), xw = diag ? r * (x[0] - x[1]) : x[0];
  const double H = 1.0 - GW_A * sin(GW_K * (xw - t)), Ht = GW_A * GW_K * cos(GW_K * (xw - t));
  const double kxx = -Ht / (2.0 * sqrt(H));
  memset(a, 0, sizeof *a);
  a->alpha = sqrt(H);
  a->g[3] = a->g[5] = 1.0;
  if (!diag) {
    a->g[0] = H, a->k[0] = kxx;
    return;
  }
  /* n = (r, -r, 0): g = 1 + (H - 1) n n, K = kxx n n */
  a->g[0] = 1.0 + 0.5 * (H - 1.0), a->g[1] = -0.5 * (H - 1.0), a->g[3] = 1.0 + 0.5 * (H - 1.0);
  a->k[0] = a->k[3] = 0.5 * kxx, a->k[1] = -0.5 * kxx;
}
static const bssn_id_ops gauge_wave = {.name = "gw", .point = gw_point};

/* The largest |rhs - d_t u| over every variable at a point of a patch with spacing h (Gt^i of the data and the
 * exact d_t u from the solution with 1e-3 differences, accurate to ~1e-10). */
static double gw_residual(double h, int diag, int ccz4, int opt) {
  patch P;
  const double c[3] = {0.137, -0.061, 0.02}, fine[3] = {1e-3, 1e-3, 1e-3};
  const void *ctx = diag ? &gauge_wave : NULL;
  patch_alloc(&P, NP, h, c);
  for (int k = 0; k < P.n; k++)
    for (int j = 0; j < P.n; j++)
      for (int i = 0; i < P.n; i++) {
        double x[3] = {patch_x(&P, 0, i), patch_x(&P, 1, j), patch_x(&P, 2, k)}, v[BSSN_NVAR];
        bssn_adm_to_bssn(&gauge_wave, ctx, 0.0, x, fine, 4, v);
        for (int q = 0; q < BSSN_NVAR; q++) P.v[q][i + (long)P.n * (j + (long)P.n * k)] = v[q];
      }
  bssn_coef co = coef_for(&P, ccz4, BSSN_LAPSE_HARMONIC, BSSN_SHIFT_ZERO, 0.0);
  if (ccz4) co.kappa1 = 0.1, co.kappa2 = 0.0, co.kappa3 = 0.5;
  co.gnd_evolved = opt & 1, co.kham = (opt >> 1) & 1 ? 1.0 : 0.0;
  bssn_in in;
  bssn_out out;
  for (int v = 0; v < BSSN_NVAR; v++) in.v[v] = P.v[v], out.v[v] = P.r[v];
  const long p = P.n / 2 + (long)P.n * (P.n / 2 + (long)P.n * (P.n / 2));
  bssn_rhs(&co, &in, &out, p);
  double x0[3] = {patch_x(&P, 0, P.n / 2), patch_x(&P, 1, P.n / 2), patch_x(&P, 2, P.n / 2)}, dt[BSSN_NVAR] = {0};
  const double e = 1e-3, w[4] = {1.0, -8.0, 8.0, -1.0}, o[4] = {-2, -1, 1, 2};
  for (int q = 0; q < 4; q++) {
    double v[BSSN_NVAR];
    bssn_adm_to_bssn(&gauge_wave, ctx, o[q] * e, x0, fine, 4, v);
    for (int m = 0; m < BSSN_NVAR; m++) dt[m] += w[q] * v[m] / (12.0 * e);
  }
  double mx = 0;
  int worst = 0;
  for (int v = 0; v < BSSN_NVAR; v++)
    if (fabs(P.r[v][p] - dt[v]) > mx) mx = fabs(P.r[v][p] - dt[v]), worst = v;
  printf("gauge wave %s %s opt %d: h = %g, max |rhs - d_t u| = %.3e (variable %d, d_t = %.3e)\n",
         diag ? "diagonal" : "x", ccz4 ? "ccz4" : "bssn", opt, h, mx, worst, dt[worst]);
  patch_free(&P);
  return mx;
}

START_TEST(gauge_wave_exact) {
  for (int diag = 0; diag < 2; diag++)
    for (int ccz4 = 0; ccz4 < 2; ccz4++)
      for (int opt = 0; opt < 4; opt++) {
        const double e1 = gw_residual(0.02, diag, ccz4, opt), e2 = gw_residual(0.01, diag, ccz4, opt);
        const double order = log2(e1 / e2);
        printf("gauge wave: order %.2f\n", order);
        ck_assert_double_lt(e1, 1e-5);
        ck_assert_msg(order > 3.7 && order < 4.5, "gauge-wave rhs error converges at order %.2f, expected 4", order);
      }
}
END_TEST

static Suite *bssn_suite(void) {
  Suite *s = suite_create("bssn_point");
  TCase *tc = tcase_create("kernel");
  tcase_add_test(tc, adm_conversion);
  tcase_add_test(tc, kerr_schild_stationary);
  tcase_add_test(tc, ccz4_reduces_to_bssn);
  tcase_add_test(tc, ccz4_theta_terms);
  tcase_add_test(tc, gauge_wave_exact);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(bssn_suite()); }
