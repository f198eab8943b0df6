/* Gauss-Legendre quadrature: the n roots of the Legendre polynomial P_n by
 * Newton's method from Tricomi's first guess cos(pi (i + 3/4) / (n + 1/2)),
 * P_n and P_n' by the three-term recurrence, weights 2 / ((1 - x^2) P_n'(x)^2).
 * Newton stops one step after a step below 1e-12 relative (quadratic
 * convergence leaves only rounding). Only the non-negative roots are
 * computed; the negative ones are their exact mirror images, so the rule is
 * symmetric bit for bit. */
#include <math.h>

#include "aeon/analysis.h"

#define GL_MAX_NODES 100000
#define GL_MAX_NEWTON 100

/* Evaluates P_n(z) and P_n'(z) for n >= 1 and |z| < 1. */
static void legendre(int n, double z, double *p, double *dp) {
  double p0 = 1.0, p1 = z;
  for (int k = 2; k <= n; k++) {
    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  *p = p1;
  *dp = n * (z * p1 - p0) / (z * z - 1.0);
}

aeon_err aeon_gauss_legendre(int n, double *x, double *w) {
  if (n < 1 || n > GL_MAX_NODES)
    return AE_ERR(AEON_ERR_USER, "Gauss-Legendre: %d nodes asked (1 to %d)", n, GL_MAX_NODES);
  const double pi = acos(-1.0);
  for (int i = 0; i < (n + 1) / 2; i++) {
    double z = n % 2 && i == n / 2 ? 0.0 : cos(pi * (i + 0.75) / (n + 0.5)), p, dp;
    int close = 0;
    for (int it = 0; it < GL_MAX_NEWTON && z != 0.0; it++) {
      legendre(n, z, &p, &dp);
      double dz = p / dp;
      z -= dz;
      if (close) break;
      close = fabs(dz) <= 1e-12 * fabs(z);
    }
    legendre(n, z, &p, &dp);
    x[i] = -z;
    x[n - 1 - i] = z; /* the middle node of odd n is +0 */
    w[i] = w[n - 1 - i] = 2.0 / ((1.0 - z) * (1.0 + z) * dp * dp);
  }
  return AEON_OK;
}
