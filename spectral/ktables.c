/* k-space tables of a plan, built once at create on this rank's transposed
 * coefficient slab (od planes o0 .. o0 + n_local, all axis planes, rows along
 * `in` up to N/2 for complex plans, whole for real-to-real ones; FFTW's order
 * (axis, od, in) is (z, y, x), (y, z, x) or (x, z, y)): the 1D wave numbers per
 * direction and their first-derivative versions (Nyquist mode zero), then per
 * coefficient |k|^2 (the Poisson multiplier is computed on the fly, row by row,
 * in solve.c), the projection factor 1 / |k_odd|^2 and the 2/3 dealiasing mask. For a
 * real-to-real direction the wave number of coefficient m is the Laplacian's:
 * half-complex 2 pi min(m, N - m) / L, cosine (REDFT10) pi m / L, sine
 * (RODFT10) pi (m + 1) / L. */
#include <math.h>
#include <stdlib.h>

#include "aeon/memory.h"
#include "spectral_internal.h"

/* Returns the signed mode number of index m of n points (m > n / 2 wraps to negative). */
static long signed_mode(long m, long n) { return m <= n / 2 ? m : m - n; }

/* Fills k[cnt] and ko[cnt] with the wave numbers of the indices 0 .. cnt-1 of a direction of npts points: complex
 * (r2r 0) 2 pi m / L, or a real-to-real kind of symmetry sym (ko unused there: zero). */
static aeon_err wave_numbers(long cnt, long npts, double L, int r2r, int sym, double **k, double **ko) {
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)cnt, (void **)k));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)cnt, (void **)ko));
  for (long m = 0; m < cnt; m++) {
    if (!r2r) {
      (*k)[m] = 2.0 * M_PI * (double)signed_mode(m, npts) / L;
      (*ko)[m] = (npts % 2 == 0 && m == npts / 2) ? 0.0 : (*k)[m];
    } else if (sym == 0) (*k)[m] = 2.0 * M_PI * (double)(m <= npts / 2 ? m : npts - m) / L;
    else (*k)[m] = M_PI * (double)(sym > 0 ? m : m + 1) / L;
  }
  return AEON_OK;
}

aeon_err aeon_spectral_tables_(aeon_spectral *s) {
  const long *N = s->N, nxc = (long)s->nxk;
  AE_CHK(wave_numbers(N[0], N[0], s->L[0], s->r2r, s->sym[0], &s->kx, &s->kxo));
  AE_CHK(wave_numbers(N[1], N[1], s->L[1], s->r2r, s->sym[1], &s->ky, &s->kyo));
  AE_CHK(wave_numbers(N[2], N[2], s->L[2], s->r2r, s->sym[2], &s->kz, &s->kzo));
  size_t n = (size_t)s->nloc + 1;
  AE_CHK(aeon_mem_alloc(sizeof(double) * n, (void **)&s->k2));
  AE_CHK(aeon_mem_alloc(sizeof(double) * n, (void **)&s->proj));
  AE_CHK(aeon_mem_alloc(n, (void **)&s->dealias));
  const double *k[3] = {s->kx, s->ky, s->kz}, *ko[3] = {s->kxo, s->kyo, s->kzo};
  const int od = s->od, md = s->axis, in = s->in;
  const double *ki = k[in], *kio = ko[in];
  long p = 0;
  for (long ol = 0; ol < (long)s->local_n1; ol++) {
    long o = ol + (long)s->local_1_start, mo = labs(signed_mode(o, N[od]));
    for (long m = 0; m < N[md]; m++) {
      long mm = labs(signed_mode(m, N[md]));
      double ko2 = k[od][o] * k[od][o] + k[md][m] * k[md][m], koo2 = ko[od][o] * ko[od][o] + ko[md][m] * ko[md][m];
      for (long i = 0; i < nxc; i++, p++) {
        double k2 = ki[i] * ki[i] + ko2, kk2 = kio[i] * kio[i] + koo2;
        s->k2[p] = k2;
        s->proj[p] = kk2 > 0 ? 1.0 / kk2 : 0.0;
        s->dealias[p] = 3 * labs(signed_mode(i, N[in])) <= N[in] && 3 * mo <= N[od] && 3 * mm <= N[md];
      }
    }
  }
  return AEON_OK;
}
