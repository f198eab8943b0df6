/* Solvers on a plan, each one pass of forward transforms, a pointwise
 * multiplication by the plan's k-space tables (the 1 / N of the inverse folded
 * in), and inverse transforms: Poisson (its mean test fused into the
 * multiplication), Helmholtz (its multiplier cached per (a, b)),
 * Laplacian, gradient, divergence, divergence-free projection, 2/3
 * dealiasing, and octave band energies summed exactly. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/reduce.h"
#include "spectral_internal.h"

/* Returns 1 / (N[0] N[1] N[2]). */
static double inv_size(const aeon_spectral *s) { return 1.0 / ((double)s->N[0] * (double)s->N[1] * (double)s->N[2]); }

/* Multiplies the coefficients of buffer b by the real table m (one entry per coefficient). */
static void scale_by(aeon_spectral *s, int b, const double *m) {
  double *c = s->buf[b];
  int sh = s->w - 1; /* coefficient of double q: q >> sh */
  for (long q = 0; q < s->w * s->nloc; q++) c[q] *= m[q >> sh];
}

/* Refuses an operation a cosine/sine plan cannot do. */
static aeon_err need_periodic(const aeon_spectral *s, const char *what) {
  if (s->r2r)
    return AE_ERR(AEON_ERR_USER, "spectral: %s needs a periodic box; this plan uses cosine/sine transforms (symmetry "
                  "faces in %s%s%s)", what, s->sym[0] ? "x" : "", s->sym[1] ? "y" : "", s->sym[2] ? "z" : "");
  return AEON_OK;
}

/* The exact mean of variable 0 of f and its mean magnitude (for the refusal's message). */
static aeon_err exact_mean(aeon_spectral *s, const aeon_array *f, double *mean, double *mag) {
  aeon_xsum acc[2];
  aeon_xsum_init(&acc[0]);
  aeon_xsum_init(&acc[1]);
  const aeon_box *b = &f->box;
  if (aeon_box_size(b) > 0)
    for (long k = b->lo[2]; k < b->hi[2]; k++)
      for (long j = b->lo[1]; j < b->hi[1]; j++) {
        const double *row = aeon_array_at(f, 0, b->lo[0], j, k);
        for (long i = 0; i < b->hi[0] - b->lo[0]; i++) {
          aeon_xsum_add(&acc[0], row[i]);
          aeon_xsum_add(&acc[1], fabs(row[i]));
        }
      }
  AE_CHK(aeon_xsum_allreduce(acc, 2, s->comm));
  *mean = aeon_xsum_value(&acc[0]) * inv_size(s);
  *mag = aeon_xsum_value(&acc[1]) * inv_size(s);
  return AEON_OK;
}

/* Sum of the squares of n doubles in eight partial sums (no serial dependence: the compiler vectorises it). */
static double sum_squares(const double *restrict v, long n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  long q = 0;
  for (; q + 8 <= n; q += 8)
    for (int r = 0; r < 8; r++) acc[r] += v[q + r] * v[q + r];
  for (; q < n; q++) acc[0] += v[q] * v[q];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* Multiplies one k-space row of n coefficients (w doubles each) by scale / (kx[i]^2 + kk) (kx: the row direction's
 * wave numbers): the Poisson multiplier
 * computed on the fly (a division is cheaper than reading a table of one double per coefficient). The caller
 * leaves out a zero wave number (kk = 0 and kx[0] = 0). */
static void poisson_row(double *restrict row, const double *restrict kx, double kk, long n, int w, double scale) {
  if (w == 2)
    for (long i = 0; i < n; i++) {
      double f = scale / (kx[i] * kx[i] + kk);
      row[2 * i] *= f;
      row[2 * i + 1] *= f;
    }
  else
    for (long i = 0; i < n; i++) row[i] *= scale / (kx[i] * kx[i] + kk);
}

/* Poisson in k-space, with the mean test fused into the multiplication: the k = 0 coefficient (the sum of the
 * right-hand side, times 2 per cosine direction) against the root of the sum of the squared coefficients (of the
 * order of N times the root mean square). One pass over the coefficients, row by row: the sum of squares and the
 * multiplication of a row run while it is in cache. The two partial sums go into acc; the caller reduces them
 * (while the inverse transform runs) and tests them with mean_test. */
static void poisson_kspace(aeon_spectral *s, double acc[2]) {
  double *c = s->buf[0], sq = 0;
  const double *k[3] = {s->kx, s->ky, s->kz}, *ki = k[s->in];
  const long nx = (long)s->nxk, nm = s->N[s->axis], rowd = s->w * nx;
  const double scale = -s->inv_norm;
  acc[0] = s->local_1_start == 0 && s->nloc > 0 ? c[0] : 0;
  for (long ol = 0; ol < (long)s->local_n1; ol++) {
    double ko = k[s->od][ol + (long)s->local_1_start];
    for (long m = 0; m < nm; m++) {
      double *row = c + (ol * nm + m) * rowd, kk = ko * ko + k[s->axis][m] * k[s->axis][m];
      sq += sum_squares(row, rowd);
      int zero = kk == 0 && ki[0] == 0; /* the k = 0 coefficient: phi has zero mean */
      for (int r = 0; r < s->w * zero; r++) row[r] = 0;
      poisson_row(row + s->w * zero, ki + zero, kk, nx - zero, s->w, scale);
    }
  }
  acc[1] = sq;
  if (s->sym[0] < 0 || s->sym[1] < 0 || s->sym[2] < 0) acc[0] = 0; /* a sine direction has no k = 0 mode */
}

/* The mean test on the reduced sums of poisson_kspace: NaN or Inf is refused; a mean above 1e-11 of the scale is
 * refused unless the plan subtracts it (the multiplier drops k = 0 either way); the message's figures are then
 * summed exactly. */
static aeon_err mean_test(aeon_spectral *s, const double all[2], const aeon_array *rhs) {
  if (!isfinite(all[0]) || !isfinite(all[1]))
    return AE_ERR(AEON_ERR_NUMERIC, "spectral: the Poisson right-hand side holds NaN or Inf values");
  if (s->opts.mean == AEON_SPECTRAL_MEAN_REFUSE && fabs(all[0]) > 1e-11 * sqrt(all[1])) {
    double mean, mag;
    AE_CHK(exact_mean(s, rhs, &mean, &mag));
    return AE_ERR(AEON_ERR_USER, "spectral: the Poisson right-hand side has mean %.6g (mean |rhs| %.6g); a periodic "
                  "solution needs zero mean: remove it, or set spectral.poisson_mean = subtract", mean, mag);
  }
  return AEON_OK;
}

/* Forward transform, k-space pass, then the mean test's reduction in flight while the inverse transform runs (a
 * threshold test, not a reported sum: a plain MPI_SUM); phi is written only once the test has passed. */
aeon_err aeon_spectral_poisson(aeon_spectral *s, const aeon_array *rhs, aeon_array *phi) {
  double acc[2], all[2];
  MPI_Request req;
  AE_CHK(aeon_spectral_fwd_(s, rhs, 0, 0));
  poisson_kspace(s, acc);
  AE_MPI(MPI_Iallreduce(acc, all, 2, MPI_DOUBLE, MPI_SUM, s->comm, &req));
  aeon_spectral_exec_inv_(s, 0);
  AE_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
  AE_CHK(mean_test(s, all, rhs));
  AE_CHK(aeon_spectral_move_out_(s, 0, phi, 0));
  return AEON_OK;
}

aeon_err aeon_spectral_helmholtz(aeon_spectral *s, double a, double b, const aeon_array *rhs, aeon_array *u) {
  if (!(a > 0) || !(b >= 0) || !isfinite(a) || !isfinite(b))
    return AE_ERR(AEON_ERR_USER, "spectral: Helmholtz (a - b Laplacian) u = f needs a > 0 and b >= 0 (got a = %g, "
                  "b = %g); for a = 0 use the Poisson solve", a, b);
  if (!s->helm) AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(s->nloc + 1), (void **)&s->helm));
  if (s->helm_a != a || s->helm_b != b) {
    for (long p = 0; p < s->nloc; p++) s->helm[p] = s->inv_norm / (a + b * s->k2[p]);
    s->helm_a = a;
    s->helm_b = b;
  }
  AE_CHK(aeon_spectral_fwd_(s, rhs, 0, 0));
  scale_by(s, 0, s->helm);
  AE_CHK(aeon_spectral_inv_(s, 0, u, 0));
  return AEON_OK;
}

aeon_err aeon_spectral_laplacian(aeon_spectral *s, const aeon_array *f, aeon_array *out) {
  AE_CHK(aeon_spectral_fwd_(s, f, 0, 0));
  double *c = s->buf[0];
  int sh = s->w - 1;
  for (long q = 0; q < s->w * s->nloc; q++) c[q] *= -s->k2[q >> sh] * s->inv_norm;
  AE_CHK(aeon_spectral_inv_(s, 0, out, 0));
  return AEON_OK;
}

/* dst (= or +=) i kd src * scale, coefficient by coefficient, for direction d. */
static void times_ik(const aeon_spectral *s, int d, const double *src, double *dst, double scale, int add) {
  const double *ko = d == 0 ? s->kxo : d == 1 ? s->kyo : s->kzo;
  long p = 0;
  for (long ol = 0; ol < (long)s->local_n1; ol++)
    for (long m = 0; m < s->N[s->axis]; m++)
      for (long i = 0; i < (long)s->nxc; i++, p++) {
        double kd = (d == s->in ? ko[i] : d == s->od ? ko[ol + (long)s->local_1_start] : ko[m]) * scale;
        double re = -kd * src[2 * p + 1], im = kd * src[2 * p];
        dst[2 * p] = add ? dst[2 * p] + re : re;
        dst[2 * p + 1] = add ? dst[2 * p + 1] + im : im;
      }
}

aeon_err aeon_spectral_gradient(aeon_spectral *s, const aeon_array *f, aeon_array *grad) {
  AE_CHK(need_periodic(s, "the gradient"));
  AE_CHK(aeon_spectral_buffer_(s, 1));
  AE_CHK(aeon_spectral_fwd_(s, f, 0, 0));
  for (int d = 0; d < 3; d++) {
    times_ik(s, d, s->buf[0], s->buf[1], inv_size(s), 0);
    AE_CHK(aeon_spectral_inv_(s, 1, grad, d));
  }
  return AEON_OK;
}

aeon_err aeon_spectral_divergence(aeon_spectral *s, const aeon_array *v, aeon_array *out) {
  AE_CHK(need_periodic(s, "the divergence"));
  AE_CHK(aeon_spectral_buffer_(s, 1));
  for (int d = 0; d < 3; d++) {
    AE_CHK(aeon_spectral_fwd_(s, v, d, 1));
    times_ik(s, d, s->buf[1], s->buf[0], inv_size(s), d > 0);
  }
  AE_CHK(aeon_spectral_inv_(s, 0, out, 0));
  return AEON_OK;
}

aeon_err aeon_spectral_project(aeon_spectral *s, const aeon_array *v, aeon_array *out) {
  AE_CHK(need_periodic(s, "the projection"));
  for (int d = 0; d < 3; d++) {
    AE_CHK(aeon_spectral_buffer_(s, d));
    AE_CHK(aeon_spectral_fwd_(s, v, d, d));
  }
  double inv_n = inv_size(s), *c0 = s->buf[0], *c1 = s->buf[1], *c2 = s->buf[2];
  long p = 0;
  const double *ko[3] = {s->kxo, s->kyo, s->kzo};
  for (long ol = 0; ol < (long)s->local_n1; ol++) {
    double kv[3];
    kv[s->od] = ko[s->od][ol + (long)s->local_1_start];
    for (long m = 0; m < s->N[s->axis]; m++) {
      kv[s->axis] = ko[s->axis][m];
      for (long i = 0; i < (long)s->nxc; i++, p++) {
        kv[s->in] = ko[s->in][i];
        double kx = kv[0], ky = kv[1], kz = kv[2], w = s->proj[p];
        for (int r = 0; r < 2; r++) {
          double dot = (kx * c0[2 * p + r] + ky * c1[2 * p + r] + kz * c2[2 * p + r]) * w;
          c0[2 * p + r] = (c0[2 * p + r] - kx * dot) * inv_n;
          c1[2 * p + r] = (c1[2 * p + r] - ky * dot) * inv_n;
          c2[2 * p + r] = (c2[2 * p + r] - kz * dot) * inv_n;
        }
      }
    }
  }
  for (int d = 0; d < 3; d++) AE_CHK(aeon_spectral_inv_(s, d, out, d));
  return AEON_OK;
}

aeon_err aeon_spectral_dealias(aeon_spectral *s, const aeon_array *f, aeon_array *out) {
  AE_CHK(need_periodic(s, "dealiasing"));
  AE_CHK(aeon_spectral_fwd_(s, f, 0, 0));
  double inv_n = inv_size(s), *c = s->buf[0];
  for (long p = 0; p < s->nloc; p++) {
    double m = s->dealias[p] ? inv_n : 0.0;
    c[2 * p] *= m;
    c[2 * p + 1] *= m;
  }
  AE_CHK(aeon_spectral_inv_(s, 0, out, 0));
  return AEON_OK;
}

aeon_err aeon_spectral_bands(aeon_spectral *s, const aeon_array *f, int nband, double *energy) {
  enum { MAXBAND = 64 };
  if (nband < 1 || nband > MAXBAND)
    return AE_ERR(AEON_ERR_USER, "spectral: %d bands asked; between 1 and %d are possible", nband, MAXBAND);
  AE_CHK(need_periodic(s, "a band spectrum"));
  AE_CHK(aeon_spectral_fwd_(s, f, 0, 0));
  aeon_xsum acc[MAXBAND];
  for (int b = 0; b < nband; b++) aeon_xsum_init(&acc[b]);
  double Lmax = fmax(s->L[0], fmax(s->L[1], s->L[2])), k0 = 2.0 * M_PI / Lmax, inv_n = inv_size(s);
  double edge[MAXBAND]; /* (2^(b+1) k0)^2, lowered by a relative 1e-12 so an exact octave lands in the upper band */
  for (int b = 0; b < nband; b++) edge[b] = ldexp(1.0, 2 * (b + 1)) * k0 * k0 * (1 - 1e-12);
  const double *c = s->buf[0];
  long p = 0;
  for (long ol = 0; ol < (long)s->local_n1; ol++)
    for (long m = 0; m < s->N[s->axis]; m++)
      for (long i = 0; i < (long)s->nxc; i++, p++) {
        if (s->k2[p] == 0) continue;
        long ni = s->N[s->in];
        int twice = i > 0 && !(ni % 2 == 0 && i == ni / 2); /* the r2c half holds its mirror too */
        double e = (c[2 * p] * c[2 * p] + c[2 * p + 1] * c[2 * p + 1]) * 0.5 * inv_n * inv_n * (twice ? 2 : 1);
        int b = 0;
        while (b < nband - 1 && s->k2[p] >= edge[b]) b++;
        aeon_xsum_add(&acc[b], e);
      }
  AE_CHK(aeon_xsum_allreduce(acc, nband, s->comm));
  for (int b = 0; b < nband; b++) energy[b] = aeon_xsum_value(&acc[b]);
  return AEON_OK;
}
