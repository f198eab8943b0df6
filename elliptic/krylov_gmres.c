/* GMRES(m) (Saad & Schultz 1986) on the preconditioned operator B of the side
 * (krylov_impl.h), restarted every m steps. One cycle: c = the residual of the
 * side (true b - A x, recomputed at each restart), v0 = c / ||c||; each Arnoldi
 * step w = B v_j is orthogonalised by classical Gram-Schmidt with one
 * reorthogonalisation (CGS2): pass 1, the j+1 dots (v_i, w) in one reduction,
 * w -= V h; pass 2, the j+1 dots (v_i, w) and (w, w) in one reduction,
 * w -= V h2, h += h2, and ||w||^2 = (w, w) - |h2|^2 (Pythagoras; the second
 * correction is tiny, so this is accurate; when it is not, 1/100 of (w, w) or
 * more, ||w|| is computed again). Two reductions per step. Givens rotations
 * keep the Hessenberg least-squares problem triangular, and |g_{j+1}| is the
 * residual norm tested. At the end of a cycle y solves the triangle, e = V y,
 * x += M^-1 e (right) or e (left). A zero h_{j+1,j} (happy breakdown) ends the
 * cycle: converged if the test says so, else DIVERGED_BREAKDOWN (a singular B).
 * Work vectors: v_0 .. v_m, tmp, tmp2. Scratch: H, rotations, g, y, h, h2. */
#include <math.h>
#include <string.h>

#include "krylov_impl.h"

static int gm_nwork(const aeon_ksp_opts *o) { return o->restart + 3; }
static long gm_nscratch(const aeon_ksp_opts *o) {
  long m = o->restart;
  return (m + 1) * m + 2 * m + (m + 1) + m + 2 * (m + 2);
}
static int gm_nsums(const aeon_ksp_opts *o) { return o->restart + 2; }

typedef struct gm_scratch {
  int m;
  double *H;      /* (m+1) x m, column j at H + j (m+1) */
  double *cs, *sn; /* rotations */
  double *g;      /* rotated right-hand side, m+1 */
  double *y;      /* m */
  double *h, *h2; /* m+2 each */
} gm_scratch;

static gm_scratch carve(aeon_ksp *k) {
  gm_scratch s;
  s.m = k->o.restart;
  double *p = k->scratch;
  s.H = p;
  p += (s.m + 1) * s.m;
  s.cs = p;
  p += s.m;
  s.sn = p;
  p += s.m;
  s.g = p;
  p += s.m + 1;
  s.y = p;
  p += s.m;
  s.h = p;
  p += s.m + 2;
  s.h2 = p;
  return s;
}

/* w -= sum_{i<n} h[i] V[i]. */
static aeon_err subtract_projection(aeon_ksp *k, int n, const double *h, aeon_gvec *w) {
  double c[AEON_GVEC_MAXVEC];
  const aeon_gvec *X[AEON_GVEC_MAXVEC];
  for (int s = 0; s < n; s += AEON_GVEC_MAXVEC - 1) {
    int q = n - s < AEON_GVEC_MAXVEC - 1 ? n - s : AEON_GVEC_MAXVEC - 1;
    c[0] = 1.0;
    X[0] = w;
    for (int i = 0; i < q; i++) {
      c[i + 1] = -h[s + i];
      X[i + 1] = &k->w[s + i];
    }
    AE_CHK(aeon_gvec_linearcombination(q + 1, c, X, w));
  }
  return AEON_OK;
}

/* The dots (v_i, w) for i < n and, if with_ww, (w, w) as entry n: one reduction. */
static aeon_err project(aeon_ksp *k, int n, aeon_gvec *w, int with_ww, double *h) {
  const aeon_gvec *X[202], *Y[202];
  for (int i = 0; i < n; i++) {
    X[i] = &k->w[i];
    Y[i] = w;
  }
  if (with_ww) {
    X[n] = w;
    Y[n] = w;
  }
  return ksp_dots(k, n + with_ww, X, Y, h);
}

/* CGS2 of w = v_{j+1} against v_0..v_j: column j of H (unrotated) and ||w|| in *hn, w not yet normalised. */
static aeon_err cgs2(aeon_ksp *k, gm_scratch *s, int j, aeon_gvec *w, double *hn) {
  int n = j + 1;
  AE_CHK(project(k, n, w, 0, s->h));
  AE_CHK(subtract_projection(k, n, s->h, w));
  AE_CHK(project(k, n, w, 1, s->h2));
  AE_CHK(subtract_projection(k, n, s->h2, w));
  double ww = s->h2[n], h22 = 0;
  for (int i = 0; i < n; i++) {
    s->H[j * (s->m + 1) + i] = s->h[i] + s->h2[i];
    h22 += s->h2[i] * s->h2[i];
  }
  double nn = ww - h22;
  if (!(h22 < 0.01 * ww) || !(nn > 0)) {
    const aeon_gvec *X[1] = {w}, *Y[1] = {w};
    AE_CHK(ksp_dots(k, 1, X, Y, &nn));
  }
  *hn = isnan(nn) ? nn : sqrt(nn > 0 ? nn : 0);
  return AEON_OK;
}

/* Applies the previous rotations to column j, makes the new one, updates g; returns |g_{j+1}|, or -1 when the
 * column vanishes (B v_j = 0 on the basis: a singular B, the triangle cannot be solved). */
static double rotate(gm_scratch *s, int j, double hn) {
  double *col = s->H + j * (s->m + 1);
  for (int i = 0; i < j; i++) {
    double a = col[i], b = col[i + 1];
    col[i] = s->cs[i] * a + s->sn[i] * b;
    col[i + 1] = -s->sn[i] * a + s->cs[i] * b;
  }
  double a = col[j], r = hypot(a, hn);
  if (!isfinite(r)) return NAN;
  if (r == 0) return -1;
  s->cs[j] = r > 0 ? a / r : 1;
  s->sn[j] = r > 0 ? hn / r : 0;
  col[j] = r;
  col[j + 1] = 0;
  s->g[j + 1] = -s->sn[j] * s->g[j];
  s->g[j] = s->cs[j] * s->g[j];
  return fabs(s->g[j + 1]);
}

/* Solves the n x n triangle for y, forms e = V y in tmp and updates x. */
static aeon_err update(aeon_ksp *k, gm_scratch *s, int n, aeon_gvec *x) {
  if (n == 0) return AEON_OK;
  for (int i = n - 1; i >= 0; i--) {
    double v = s->g[i];
    for (int c = i + 1; c < n; c++) v -= s->H[c * (s->m + 1) + i] * s->y[c];
    double d = s->H[i * (s->m + 1) + i];
    s->y[i] = d != 0 ? v / d : 0;
  }
  aeon_gvec *e = &k->w[s->m + 1], *tmp = &k->w[s->m + 2];
  const aeon_gvec *X[201];
  for (int i = 0; i < n; i++) X[i] = &k->w[i];
  AE_CHK(ksp_lincomb(n, s->y, X, e));
  return ksp_update_x(k, e, x, tmp);
}

static aeon_err gm_solve(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x) {
  gm_scratch s = carve(k);
  aeon_gvec *tmp = &k->w[s.m + 1], *tmp2 = &k->w[s.m + 2];
  long its = 0;
  for (int cycle = 0;; cycle++) {
    AE_CHK(ksp_initial_residual(k, b, x, &k->w[0], tmp, tmp2, cycle == 0));
    double beta;
    const aeon_gvec *X[1] = {&k->w[0]};
    AE_CHK(ksp_dots(k, 1, X, X, &beta));
    beta = sqrt(beta);
    if (cycle == 0 && ksp_test(k, 0, beta) != AEON_KSP_ITERATING) return AEON_OK;
    if (cycle > 0 && !isfinite(beta)) {
      ksp_stop(k, AEON_KSP_DIVERGED_NANORINF);
      return AEON_OK;
    }
    if (beta == 0) { /* the restart found the exact solution */
      k->res.rnorm = 0;
      ksp_stop(k, AEON_KSP_CONVERGED_ATOL);
      return AEON_OK;
    }
    AE_CHK(aeon_gvec_scale(1.0 / beta, &k->w[0], &k->w[0]));
    memset(s.g, 0, (size_t)(s.m + 1) * sizeof(double));
    s.g[0] = beta;
    int j = 0;
    aeon_ksp_reason why = AEON_KSP_ITERATING;
    int happy = 0;
    while (j < s.m && why == AEON_KSP_ITERATING) {
      aeon_gvec *w = &k->w[j + 1];
      AE_CHK(ksp_bop(k, &k->w[j], w, tmp));
      double hn = 0;
      AE_CHK(cgs2(k, &s, j, w, &hn));
      double rn = rotate(&s, j, hn);
      if (rn < 0) {
        AE_CHK(update(k, &s, j, x));
        ksp_stop(k, AEON_KSP_DIVERGED_BREAKDOWN);
        return AEON_OK;
      }
      why = ksp_test(k, ++its, rn);
      j++;
      double hscale = fabs(s.H[(j - 1) * (s.m + 1) + j - 1]);
      if (why == AEON_KSP_ITERATING && !(hn > 1e-14 * hscale)) {
        happy = 1;
        break;
      }
      if (hn > 0) AE_CHK(aeon_gvec_scale(1.0 / hn, w, w));
    }
    if (why == AEON_KSP_DIVERGED_NANORINF) return AEON_OK;
    AE_CHK(update(k, &s, j, x));
    if (happy) {
      ksp_stop(k, AEON_KSP_DIVERGED_BREAKDOWN);
      return AEON_OK;
    }
    if (why != AEON_KSP_ITERATING) return AEON_OK;
  }
}

const aeon_ksp_type aeon_ksp_gmres = {"gmres", "GMRES(m), classical Gram-Schmidt with one reorthogonalisation",
                                      gm_nwork, gm_nscratch, gm_nsums, gm_solve};
