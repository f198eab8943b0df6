/* The small dense part of Krylov-Schur (rank 0): real Schur form of the
 * active window of the projected matrix, ordered best first with dtrexc;
 * residual estimates of the Ritz pairs from the Krylov-Schur relation
 * A V_k = V_k T + V_res B, V_res the bs residual vectors and B bs x k
 * (||A x - theta x|| = ||B y|| for an eigenvector y of T; |b^T y| for bs = 1);
 * truncation to the kept vectors; locking of converged leading Schur vectors
 * (their columns of B are zeroed and remembered for the final estimates). */
#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "aeon/memory.h"
#include "ks_internal.h"

static double sort_key(double r, double i, aeon_which w) {
  return w == AEON_WHICH_LM ? hypot(r, i) : w == AEON_WHICH_LR ? r : -r;
}

int ks_better(double r1, double i1, double r2, double i2, aeon_which which) {
  double k1 = sort_key(r1, i1, which), k2 = sort_key(r2, i2, which);
  return k1 != k2 ? k1 > k2 : i1 > i2;
}

void aeon_eig_sort(int n, double *re, double *im, aeon_which which) {
  for (int i = 1; i < n; i++) {
    double r = re[i], m = im[i];
    int j = i - 1;
    for (; j >= 0 && ks_better(r, m, re[j], im[j], which); j--) {
      re[j + 1] = re[j];
      im[j + 1] = im[j];
    }
    re[j + 1] = r;
    im[j + 1] = m;
  }
}

aeon_err ks_dense_init(ks_dense *d, int m, int bs) {
  memset(d, 0, sizeof *d);
  d->m = m;
  d->bs = bs;
  d->ldh = m + bs;
  size_t hm = (size_t)d->ldh * m, mm = (size_t)m * m, bm = (size_t)bs * m;
  double **sq[] = {&d->T, &d->Z, &d->Y};
  double **vec[] = {&d->re, &d->im, &d->res, &d->cre, &d->cim, &d->cconv};
  AE_CHK(aeon_mem_alloc(hm * sizeof(double), (void **)&d->H));
  AE_CHK(aeon_mem_alloc(hm * sizeof(double), (void **)&d->Hn));
  AE_CHK(aeon_mem_alloc(bm * sizeof(double), (void **)&d->B));
  AE_CHK(aeon_mem_alloc(bm * sizeof(double), (void **)&d->Bsave));
  for (int i = 0; i < 3; i++) AE_CHK(aeon_mem_alloc(mm * sizeof(double), (void **)sq[i]));
  for (int i = 0; i < 6; i++) AE_CHK(aeon_mem_alloc((size_t)m * sizeof(double), (void **)vec[i]));
  AE_CHK(aeon_mem_alloc((size_t)2 * m * sizeof(int), (void **)&d->order));
  return AEON_OK;
}

void ks_dense_free(ks_dense *d) {
  double *p[] = {d->H, d->Hn, d->T, d->Z, d->Y, d->re, d->im, d->res, d->B, d->Bsave, d->cre, d->cim, d->cconv};
  for (size_t i = 0; i < sizeof p / sizeof p[0]; i++) aeon_mem_free(p[i]);
  aeon_mem_free(d->order);
  memset(d, 0, sizeof *d);
}

/* 2 if row i starts a 2 x 2 block of the quasi-triangular T, else 1. */
static int block_at(int n, const double *T, int ld, int i) {
  return (i + 1 < n && T[(i + 1) + (size_t)i * ld] != 0.0) ? 2 : 1;
}

/* Eigenvalues of a quasi-triangular (standardised) T. */
static void schur_eigs(int n, const double *T, int ld, double *re, double *im) {
  for (int i = 0; i < n; i += block_at(n, T, ld, i)) {
    re[i] = T[i + (size_t)i * ld];
    im[i] = 0;
    if (block_at(n, T, ld, i) == 1) continue;
    double a = T[i + (size_t)i * ld], b = T[i + (size_t)(i + 1) * ld], c = T[(i + 1) + (size_t)i * ld],
           d = T[(i + 1) + (size_t)(i + 1) * ld], p = 0.5 * (a - d), disc = p * p + b * c;
    re[i] = re[i + 1] = 0.5 * (a + d);
    im[i] = disc < 0 ? sqrt(-disc) : 0;
    im[i + 1] = -im[i];
  }
}

/* Orders the Schur form (T, Z of order n) best first, moving one block at a time with dtrexc. */
static void sort_schur(int n, double *T, double *Z, aeon_which w, double *re, double *im) {
  for (int p = 0; p < n; p += block_at(n, T, n, p)) {
    schur_eigs(n, T, n, re, im);
    int best = p;
    for (int i = p + 1; i < n; i++)
      if (ks_better(re[i], im[i], re[best], im[best], w)) best = i;
    lapack_int ifst = best + 1, ilst = p + 1;
    if (best != p && LAPACKE_dtrexc(LAPACK_COL_MAJOR, 'V', n, T, n, Z, n, &ifst, &ilst) != 0) break;
  }
  schur_eigs(n, T, n, re, im);
}

/* ||B y|| for B bs x n (leading dimension bs); for bs = 1 exactly |b^T y|. */
static double coupling(int bs, int n, const double *B, const double *y) {
  double s = 0;
  for (int r = 0; r < bs; r++) s = hypot(s, cblas_ddot(n, B + r, bs, y, 1));
  return s;
}

/* Eigenvectors Y of T (n x n) and res[i] = ||B y_i|| / ||y_i|| (a pair: both parts together). */
static aeon_err ritz_resid(int n, const double *T, int ld, int bs, const double *B, double *Y, double *res) {
  lapack_logical sel = 0;
  lapack_int mout;
  if (n == 0) return AEON_OK;
  lapack_int info = LAPACKE_dtrevc(LAPACK_COL_MAJOR, 'R', 'A', &sel, n, T, ld, NULL, 1, Y, n, n, &mout);
  if (info) return AE_ERR(AEON_ERR_LIB, "LAPACK dtrevc failed (info %d)", (int)info);
  for (int i = 0; i < n; i += block_at(n, T, ld, i)) {
    const double *yr = Y + (size_t)i * n;
    if (block_at(n, T, ld, i) == 1) {
      res[i] = coupling(bs, n, B, yr) / cblas_dnrm2(n, yr, 1);
      continue;
    }
    const double *yi = yr + n;
    double num = hypot(coupling(bs, n, B, yr), coupling(bs, n, B, yi));
    res[i] = res[i + 1] = num / hypot(cblas_dnrm2(n, yr, 1), cblas_dnrm2(n, yi, 1));
  }
  return AEON_OK;
}

static int converged(double re, double im, double res, double tol) {
  return res <= tol * fmax(hypot(re, im), pow(DBL_EPSILON, 2.0 / 3.0));
}

/* Ranks the locked values (H's leading nlock block) and the active window together; counts how many of the nev
 * best have converged and how many of them are active. */
static void rank_candidates(ks_dense *d, int nlock, int ma, const aeon_eigs_opts *o, int *nconv, int *nactive) {
  int nc = nlock + ma;
  schur_eigs(nlock, d->H, d->ldh, d->cre, d->cim);
  for (int c = 0; c < nc; c++) {
    if (c >= nlock) {
      d->cre[c] = d->re[c - nlock];
      d->cim[c] = d->im[c - nlock];
    }
    d->cconv[c] = c < nlock || converged(d->cre[c], d->cim[c], d->res[c - nlock], o->tol);
  }
  for (int c = 0; c < nc; c++) {
    int j = c - 1;
    for (; j >= 0 && ks_better(d->cre[c], d->cim[c], d->cre[d->order[j]], d->cim[d->order[j]], o->which); j--)
      d->order[j + 1] = d->order[j];
    d->order[j + 1] = c;
  }
  *nconv = *nactive = 0;
  for (int t = 0; t < o->nev && t < nc; t++) {
    *nconv += (int)d->cconv[d->order[t]];
    *nactive += d->order[t] >= nlock;
  }
}

/* Vectors of the window to keep: the wanted ones plus half the rest, never splitting a conjugate pair; while
 * iterating at most ma - bs, so that the next expansion adds at least one block. */
static int keep_count(const ks_dense *d, int nlock, int ma, const aeon_eigs_opts *o, int nactive, int done) {
  int nw = o->nev - nlock > 1 ? o->nev - nlock : 1;
  int ka = done ? nactive : nw + (ma - nw) / 2;
  if (ka < nactive) ka = nactive;
  int cap = done ? ma : ma - d->bs;
  if (ka > cap) ka = cap;
  if (ka > 0 && ka < ma && block_at(ma, d->T, ma, ka - 1) == 2) ka = ka + 1 <= cap ? ka + 1 : ka - 1;
  return ka;
}

/* Euclidean norm of x[0..n) accumulated with hypot: exactly |x[0]| for n = 1. */
static double col_norm(int n, const double *x) {
  double s = 0;
  for (int i = 0; i < n; i++) s = hypot(s, x[i]);
  return s;
}

/* Leading Schur vectors of the window that are wanted and converged (their columns of B are small). */
static int lock_count(const ks_dense *d, int ma, int ka, int nactive, double tol) {
  int l = 0, bs = d->bs;
  while (l < ka && l < nactive) {
    int s = block_at(ma, d->T, ma, l), ok = l + s <= ka;
    for (int i = l; i < l + s && ok; i++) ok = converged(d->re[i], d->im[i], col_norm(bs, d->B + (size_t)i * bs), tol);
    if (!ok) break;
    l += s;
  }
  return l;
}

/* H <- the truncated decomposition: locked block, its coupling times Z, the kept T, and the new rows B. */
static void truncate_h(ks_dense *d, int nlock, int ma, int ka, int lnew) {
  int m = d->m, ldh = d->ldh, bs = d->bs, k = nlock + ka;
  memset(d->Hn, 0, (size_t)ldh * m * sizeof(double));
  for (int c = 0; c < nlock; c++) memcpy(d->Hn + (size_t)c * ldh, d->H + (size_t)c * ldh, (size_t)nlock * sizeof(double));
  if (nlock > 0 && ka > 0)
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nlock, ka, ma, 1.0, d->H + (size_t)nlock * ldh, ldh, d->Z,
                ma, 0.0, d->Hn + (size_t)nlock * ldh, ldh);
  for (int c = 0; c < ka; c++) {
    for (int r = 0; r < ka; r++) d->Hn[(nlock + r) + (size_t)(nlock + c) * ldh] = d->T[r + (size_t)c * ma];
    for (int r = 0; r < bs; r++) d->Hn[k + r + (size_t)(nlock + c) * ldh] = c < lnew ? 0.0 : d->B[r + (size_t)c * bs];
  }
  memcpy(d->Bsave + (size_t)nlock * bs, d->B, (size_t)lnew * bs * sizeof(double));
  memcpy(d->H, d->Hn, (size_t)ldh * m * sizeof(double));
}

aeon_err ks_restart(ks_dense *d, int nlock, const aeon_eigs_opts *o, ks_plan *plan) {
  int m = d->m, ma = m - nlock, ldh = d->ldh, bs = d->bs;
  for (int c = 0; c < ma; c++)
    for (int r = 0; r < ma; r++) d->T[r + (size_t)c * ma] = d->H[(nlock + r) + (size_t)(nlock + c) * ldh];
  lapack_int sdim, info = LAPACKE_dgees(LAPACK_COL_MAJOR, 'V', 'N', NULL, ma, d->T, ma, &sdim, d->re, d->im, d->Z, ma);
  if (info) return AE_ERR(AEON_ERR_LIB, "LAPACK dgees failed on the projected matrix (info %d)", (int)info);
  sort_schur(ma, d->T, d->Z, o->which, d->re, d->im);
  /* B = H(m : m + bs, window) Z; for bs = 1 the row has one nonzero, so b = beta Z(ma - 1, :) exactly */
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, bs, ma, ma, 1.0, d->H + m + (size_t)nlock * ldh, ldh, d->Z,
              ma, 0.0, d->B, bs);
  AE_CHK(ritz_resid(ma, d->T, ma, bs, d->B, d->Y, d->res));
  int nconv, nactive;
  rank_candidates(d, nlock, ma, o, &nconv, &nactive);
  int done = nconv >= o->nev;
  int ka = keep_count(d, nlock, ma, o, nactive, done);
  int lnew = (o->locking && !done) ? lock_count(d, ma, ka, nactive, o->tol) : 0;
  truncate_h(d, nlock, ma, ka, lnew);
  *plan = (ks_plan){.keep = nlock + ka, .nlock = nlock + lnew, .ka = ka, .done = done, .nconv = nconv};
  return AEON_OK;
}

/* Copies eigenvector column(s) of position i, normalised, into Yout at column c; returns the columns written. */
static int put_vector(int k, const double *Y, const double *im, int i, double *Yout, int c) {
  const double *yr = Y + (size_t)i * k;
  if (im[i] == 0) {
    double nr = cblas_dnrm2(k, yr, 1);
    for (int r = 0; r < k; r++) Yout[r + (size_t)c * k] = yr[r] / nr;
    return 1;
  }
  int first = im[i] > 0 ? i : i - 1;
  double sign = im[i] > 0 ? 1.0 : -1.0;
  yr = Y + (size_t)first * k;
  const double *yi = yr + k;
  double nr = hypot(cblas_dnrm2(k, yr, 1), cblas_dnrm2(k, yi, 1));
  for (int r = 0; r < k; r++) {
    Yout[r + (size_t)c * k] = yr[r] / nr;
    Yout[r + (size_t)(c + 1) * k] = sign * yi[r] / nr;
  }
  return 2;
}

aeon_err ks_final(ks_dense *d, int k, int nlock, const aeon_eigs_opts *o, aeon_eigs_result *r, double *Yout) {
  int ldh = d->ldh, bs = d->bs;
  for (int c = 0; c < k; c++) {
    for (int q = 0; q < k; q++) d->T[q + (size_t)c * k] = d->H[q + (size_t)c * ldh];
    for (int r = 0; r < bs; r++)
      d->B[r + (size_t)c * bs] = c < nlock ? d->Bsave[r + (size_t)c * bs] : d->H[k + r + (size_t)c * ldh];
  }
  schur_eigs(k, d->T, k, d->re, d->im);
  AE_CHK(ritz_resid(k, d->T, k, bs, d->B, d->Y, d->res));
  for (int c = 0; c < k; c++) {
    int j = c - 1;
    for (; j >= 0 && ks_better(d->re[c], d->im[c], d->re[d->order[j]], d->im[d->order[j]], o->which); j--)
      d->order[j + 1] = d->order[j];
    d->order[j + 1] = c;
  }
  int col = 0;
  for (int t = 0; t < o->nev; t++) {
    int i = d->order[t];
    r->re[t] = d->re[i];
    r->im[t] = d->im[i];
    r->resid[t] = d->res[i];
    if (!(d->im[i] < 0 && t > 0 && d->order[t - 1] == i - 1)) col += put_vector(k, d->Y, d->im, i, Yout, col);
  }
  r->nvec = col;
  return AEON_OK;
}
