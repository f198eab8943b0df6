/* BiCGStab (van der Vorst 1992) on the preconditioned operator B of the side
 * (krylov_impl.h): the correction e of x accumulates in B's space and reaches
 * x once, at the end. Per iteration: p = r + beta (p - omega v); v = B p;
 * (rhat, v) (one reduction); s = r - alpha v (in r); t = B s; (s, s), (t, s),
 * (t, t) fused (one reduction; a converged ||s|| ends the iteration half-way,
 * the last t then unused); e += alpha p + omega s; r = s - omega t; (rhat, r)
 * and (r, r) fused (one reduction). rho or (t, t) vanishing stops with
 * DIVERGED_BREAKDOWN_BICG. Work vectors: r, rhat, p, v, t, e, tmp. */
#include <math.h>

#include "krylov_impl.h"

enum { R, RH, P, V, T, E, TMP, NW };

static int bcgs_nwork(const aeon_ksp_opts *o) { return NW; }
static long bcgs_nscratch(const aeon_ksp_opts *o) { return 0; }
static int bcgs_nsums(const aeon_ksp_opts *o) { return 3; }

static aeon_err bcgs_solve(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x) {
  aeon_gvec *r = &k->w[R], *rh = &k->w[RH], *p = &k->w[P], *v = &k->w[V], *t = &k->w[T], *e = &k->w[E],
            *tmp = &k->w[TMP];
  AE_CHK(ksp_initial_residual(k, b, x, r, tmp, t, 1));
  AE_CHK(aeon_gvec_scale(1.0, r, rh));
  AE_CHK(aeon_gvec_const(0.0, e));
  AE_CHK(aeon_gvec_const(0.0, p));
  AE_CHK(aeon_gvec_const(0.0, v));
  double d[3];
  {
    const aeon_gvec *X[1] = {r}, *Y[1] = {r};
    AE_CHK(ksp_dots(k, 1, X, Y, d));
  }
  double rho_new = d[0], rho = 1, alpha = 1, omega = 1;
  aeon_ksp_reason why = ksp_test(k, 0, sqrt(d[0]));
  for (long it = 1; why == AEON_KSP_ITERATING; it++) {
    if (rho_new == 0 || !isfinite(rho_new)) {
      ksp_stop(k, isfinite(rho_new) ? AEON_KSP_DIVERGED_BREAKDOWN_BICG : AEON_KSP_DIVERGED_NANORINF);
      break;
    }
    double beta = (rho_new / rho) * (alpha / omega);
    const double cp[3] = {1.0, beta, -beta * omega};
    const aeon_gvec *Xp[3] = {r, p, v};
    AE_CHK(aeon_gvec_linearcombination(3, cp, Xp, p));
    AE_CHK(ksp_bop(k, p, v, tmp));
    double rv;
    const aeon_gvec *X1[1] = {rh}, *Y1[1] = {v};
    AE_CHK(ksp_dots(k, 1, X1, Y1, &rv));
    if (rv == 0 || !isfinite(rv)) {
      ksp_stop(k, isfinite(rv) ? AEON_KSP_DIVERGED_BREAKDOWN_BICG : AEON_KSP_DIVERGED_NANORINF);
      break;
    }
    rho = rho_new;
    alpha = rho / rv;
    AE_CHK(aeon_gvec_linearsum(1.0, r, -alpha, v, r)); /* s */
    AE_CHK(ksp_bop(k, r, t, tmp));
    const aeon_gvec *X3[3] = {r, t, t}, *Y3[3] = {r, r, t};
    AE_CHK(ksp_dots(k, 3, X3, Y3, d));
    double ss = d[0], ts = d[1], tt = d[2];
    double sn = sqrt(ss);
    if (!isfinite(sn) || sn <= k->o.atol || sn <= k->o.rtol * k->res.rnorm0 || tt == 0) {
      AE_CHK(aeon_gvec_linearsum(1.0, e, alpha, p, e));
      if (ksp_test(k, it, sn) == AEON_KSP_ITERATING) ksp_stop(k, AEON_KSP_DIVERGED_BREAKDOWN_BICG);
      break;
    }
    omega = ts / tt;
    const double ce[3] = {1.0, alpha, omega};
    const aeon_gvec *Xe[3] = {e, p, r};
    AE_CHK(aeon_gvec_linearcombination(3, ce, Xe, e));
    AE_CHK(aeon_gvec_linearsum(1.0, r, -omega, t, r));
    const aeon_gvec *X2[2] = {rh, r}, *Y2[2] = {r, r};
    AE_CHK(ksp_dots(k, 2, X2, Y2, d));
    rho_new = d[0];
    why = ksp_test(k, it, sqrt(d[1]));
  }
  return ksp_update_x(k, e, x, tmp);
}

const aeon_ksp_type aeon_ksp_bicgstab = {"bicgstab", "BiCGStab for non-symmetric A", bcgs_nwork, bcgs_nscratch,
                                         bcgs_nsums, bcgs_solve};
