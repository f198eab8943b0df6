/* Preconditioned conjugate gradients (Hestenes-Stiefel) for symmetric positive
 * definite A and M. Per iteration: q = A p; (p, q) (one reduction); x and r
 * updated; z = M^-1 r; (r, z) and (r, r) fused in one reduction; p = z + beta p.
 * The norm tested is ||r||, the true residual's recurrence, for either side.
 * (p, A p) <= 0 stops with DIVERGED_INDEFINITE_MAT, (r, z) < 0 with
 * DIVERGED_INDEFINITE_PC. Work vectors: r, z, p, q. */
#include <math.h>

#include "krylov_impl.h"

enum { R, Z, P, Q, NW };

static int cg_nwork(const aeon_ksp_opts *o) { return NW; }
static long cg_nscratch(const aeon_ksp_opts *o) { return 0; }
static int cg_nsums(const aeon_ksp_opts *o) { return 2; }

/* rz = (r, z), rr = (r, r) in one reduction (z may be r). */
static aeon_err rz_rr(aeon_ksp *k, aeon_gvec *r, aeon_gvec *z, double *rz, double *rr) {
  const aeon_gvec *X[2] = {r, r}, *Y[2] = {z, r};
  double d[2];
  AE_CHK(ksp_dots(k, 2, X, Y, d));
  *rz = d[0];
  *rr = d[1];
  return AEON_OK;
}

static aeon_err cg_solve(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x) {
  aeon_gvec *r = &k->w[R], *p = &k->w[P], *q = &k->w[Q];
  aeon_gvec *z = k->have_pc ? &k->w[Z] : r;
  int side = k->o.side;
  k->o.side = AEON_PC_RIGHT; /* the residual of CG is the true one whatever the side */
  aeon_err e = ksp_initial_residual(k, b, x, r, p, q, 1);
  k->o.side = side;
  AE_CHK(e);
  if (k->have_pc) AE_CHK(ksp_pc(k, r, z));
  double rz = 0, rr = 0;
  AE_CHK(rz_rr(k, r, z, &rz, &rr));
  if (ksp_test(k, 0, sqrt(rr)) != AEON_KSP_ITERATING) return AEON_OK;
  if (!(rz > 0)) {
    ksp_stop(k, isfinite(rz) ? AEON_KSP_DIVERGED_INDEFINITE_PC : AEON_KSP_DIVERGED_NANORINF);
    return AEON_OK;
  }
  AE_CHK(aeon_gvec_scale(1.0, z, p));
  for (long it = 1;; it++) {
    AE_CHK(ksp_op(k, p, q));
    double pq;
    const aeon_gvec *X[1] = {p}, *Y[1] = {q};
    AE_CHK(ksp_dots(k, 1, X, Y, &pq));
    if (!(pq > 0)) {
      ksp_stop(k, isfinite(pq) ? AEON_KSP_DIVERGED_INDEFINITE_MAT : AEON_KSP_DIVERGED_NANORINF);
      return AEON_OK;
    }
    double alpha = rz / pq;
    AE_CHK(aeon_gvec_linearsum(1.0, x, alpha, p, x));
    AE_CHK(aeon_gvec_linearsum(1.0, r, -alpha, q, r));
    if (k->have_pc) AE_CHK(ksp_pc(k, r, z));
    double rz_new;
    AE_CHK(rz_rr(k, r, z, &rz_new, &rr));
    if (ksp_test(k, it, sqrt(rr)) != AEON_KSP_ITERATING) return AEON_OK;
    if (!(rz_new > 0)) {
      ksp_stop(k, isfinite(rz_new) ? AEON_KSP_DIVERGED_INDEFINITE_PC : AEON_KSP_DIVERGED_NANORINF);
      return AEON_OK;
    }
    AE_CHK(aeon_gvec_linearsum(1.0, z, rz_new / rz, p, p));
    rz = rz_new;
  }
}

const aeon_ksp_type aeon_ksp_cg = {"cg", "preconditioned conjugate gradients (symmetric positive definite A and M)",
                                   cg_nwork, cg_nscratch, cg_nsums, cg_solve};
