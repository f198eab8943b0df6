/* Linear stability of the Runge-Kutta methods: the stability function R(z)
 * of an explicit tableau, and the largest time step for which a
 * set of eigenvalues of the semi-discrete operator stays inside |R| <= 1. */
#include <complex.h>
#include <float.h>
#include <math.h>

#include "aeon/stepper.h"

/* R(z) for u' = lambda u, z = dt lambda: stage s input Y_s = 1 + z sum_{j<s} a[s][j] Y_j (Y_0 = 1),
 * R = 1 + z sum b[s] Y_s. */
static double complex stability(const aeon_rk_method *m, double complex z) {
  double complex y[AEON_RK_MAX_STAGES], sum = 0;
  for (int s = 0; s < m->nstage; s++) {
    double complex acc = 0;
    for (int j = 0; j < s; j++) acc += m->a[s][j] * y[j];
    y[s] = 1 + z * acc;
    sum += m->b[s] * y[s];
  }
  return 1 + z * sum;
}

void aeon_rk_stability(const aeon_rk_method *m, double zr, double zi, double *rr, double *ri) {
  double complex r = stability(m, CMPLX(zr, zi));
  *rr = creal(r);
  *ri = cimag(r);
}

double aeon_rk_amplification(const aeon_rk_method *m, double dt, int n, const double *re, const double *im) {
  double g = 0;
  for (int i = 0; i < n; i++) g = fmax(g, cabs(stability(m, CMPLX(dt * re[i], dt * im[i]))));
  return g;
}

static int stable(const aeon_rk_method *m, double dt, int n, const double *re, const double *im) {
  return aeon_rk_amplification(m, dt, n, re, im) <= 1 + AEON_RK_STABILITY_SLACK;
}

double aeon_rk_max_stable_dt(const aeon_rk_method *m, int n, const double *re, const double *im) {
  double lmax = 0;
  for (int i = 0; i < n; i++) lmax = fmax(lmax, hypot(re[i], im[i]));
  if (!(lmax > 0)) return HUGE_VAL;
  double lo = 0, hi = 1 / lmax;
  for (int k = 0; k < 64 && stable(m, hi, n, re, im); k++) { /* R is a polynomial: |R| grows without bound */
    lo = hi;
    hi *= 2;
  }
  if (stable(m, hi, n, re, im)) return HUGE_VAL;
  for (int k = 0; k < 200 && hi - lo > 4 * DBL_EPSILON * hi; k++) {
    double mid = 0.5 * (lo + hi);
    if (stable(m, mid, n, re, im)) lo = mid;
    else hi = mid;
  }
  return lo;
}
