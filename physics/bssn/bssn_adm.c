/* ADM -> BSSN conversion at a point, shared by the module's initial data (bssn.c) and the tests:
 * the kind's ADM data (bssn_id.h) -> W, gt, At, K (Theta = 0), lapse, shift, B = 0, and Gt^i from
 * centred differences (the rhs's order) of the data's conformal metric with the grid spacing (so ghosts get them
 * too). */
#include <math.h>

#include "bssn_adm.h"
#include "bssn_point.h"

/* Determinant of a symmetric 3x3 matrix given as 6 components (xx, xy, xz, yy, yz, zz). */
double bssn_sym_det(const double g[6]) {
  return g[0] * (g[3] * g[5] - g[4] * g[4]) - g[1] * (g[1] * g[5] - g[4] * g[2]) + g[2] * (g[1] * g[4] - g[3] * g[2]);
}

/* Conformal metric gt = det(g)^(-1/3) g of ADM metric g (6 components); returns W = det(g)^(-1/6). */
double bssn_conformal_metric(const double g[6], double gt[6]) {
  double W = pow(bssn_sym_det(g), -1.0 / 6.0);
  for (int m = 0; m < 6; m++) gt[m] = W * W * g[m];
  return W;
}

/* Inverse of a symmetric 3x3 matrix given as 6 components. */
void bssn_sym_inverse(const double g[6], double gu[6]) {
  double det = bssn_sym_det(g);
  gu[0] = (g[3] * g[5] - g[4] * g[4]) / det;
  gu[1] = (g[2] * g[4] - g[1] * g[5]) / det;
  gu[2] = (g[1] * g[4] - g[2] * g[3]) / det;
  gu[3] = (g[0] * g[5] - g[2] * g[2]) / det;
  gu[4] = (g[1] * g[2] - g[0] * g[4]) / det;
  gu[5] = (g[0] * g[3] - g[1] * g[1]) / det;
}

/* The BSSN variables at x from the kind's ADM data (Gt^i by differences of gt of the given order with spacing dx). */
void bssn_adm_to_bssn(const bssn_id_ops *id, const void *ctx, double t, const double x[3], const double dx[3],
                      int order, double v[BSSN_NVAR]) {
  bssn_adm a;
  id->point(ctx, t, x, &a);
  double gt[6], gu[6], gtu[6];
  double W = bssn_conformal_metric(a.g, gt);
  bssn_sym_inverse(a.g, gu);
  double K = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) K += gu[bssn_sym(i, j)] * a.k[bssn_sym(i, j)];
  v[BSSN_W] = W;
  for (int m = 0; m < 6; m++) {
    v[BSSN_GT_XX + m] = gt[m];
    v[BSSN_AT_XX + m] = W * W * (a.k[m] - a.g[m] * K / 3.0);
  }
  v[BSSN_K] = K; /* Theta = 0: K_hat = K */
  v[BSSN_THETA] = 0.0;
  v[BSSN_ALPHA] = a.alpha;
  for (int i = 0; i < 3; i++) v[BSSN_BETA_X + i] = a.beta[i], v[BSSN_B_X + i] = 0.0;
  /* Gt^i = gt^il gt^jk Gt_{l jk}, with d_k gt_ij by centred differences of the data's gt: s[r - 1] and s[3 + r - 1]
   * hold gt at x -+ r dx_k, combined in pairs as aeon/stencil.h's d1_4 and d1_6 */
  const int nr = order == 6 ? 3 : 2;
  double dg[3][6];
  for (int k = 0; k < 3; k++) {
    double s[6][6];
    for (int q = 0; q < 2 * nr; q++) {
      double y[3] = {x[0], x[1], x[2]};
      bssn_adm aq;
      y[k] += (q < nr ? -(q + 1) : q - nr + 1) * dx[k];
      id->point(ctx, t, y, &aq);
      bssn_conformal_metric(aq.g, s[q < nr ? q : 3 + q - nr]);
    }
    for (int m = 0; m < 6; m++) {
      const double d1 = s[3][m] - s[0][m], d2 = s[4][m] - s[1][m];
      dg[k][m] = nr == 3 ? (45.0 * d1 - 9.0 * d2 + (s[5][m] - s[2][m])) / (60.0 * dx[k])
                         : (8.0 * d1 - d2) / (12.0 * dx[k]);
    }
  }
  bssn_sym_inverse(gt, gtu);
  for (int i = 0; i < 3; i++) {
    double G = 0;
    for (int l = 0; l < 3; l++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++) {
          double cl = 0.5 * (dg[j][bssn_sym(l, k)] + dg[k][bssn_sym(l, j)] - dg[l][bssn_sym(j, k)]);
          G += gtu[bssn_sym(i, l)] * gtu[bssn_sym(j, k)] * cl;
        }
    v[BSSN_GT_X + i] = G;
  }
}

