/* k-space tables of a plan, built once at create on this rank's transposed
 * complex slab (y planes j0 .. j0 + ny_local, all z, x up to N/2): the 1D
 * angular wave numbers per direction and their first-derivative versions
 * (Nyquist mode zero), then per coefficient |k|^2, the Poisson multiplier
 * -1 / (|k|^2 N) (0 at k = 0), the projection factor 1 / |k_odd|^2 and the
 * 2/3 dealiasing mask. */
#include <math.h>
#include <stdlib.h>

#include "aeon/memory.h"
#include "spectral_internal.h"

/* Returns the signed mode number of index m of n points (m > n / 2 wraps to negative). */
static long signed_mode(long m, long n) { return m <= n / 2 ? m : m - n; }

/* Fills k[n] and ko[n] with 2 pi m / L over the indices 0 .. cnt-1 of a direction of npts points. */
static aeon_err wave_numbers(long cnt, long npts, double L, double **k, double **ko) {
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)cnt, (void **)k));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)cnt, (void **)ko));
  for (long m = 0; m < cnt; m++) {
    (*k)[m] = 2.0 * M_PI * (double)signed_mode(m, npts) / L;
    (*ko)[m] = (npts % 2 == 0 && m == npts / 2) ? 0.0 : (*k)[m];
  }
  return AEON_OK;
}

aeon_err aeon_spectral_tables_(aeon_spectral *s) {
  const long *N = s->N, nxc = (long)s->nxc;
  AE_CHK(wave_numbers(nxc, N[0], s->L[0], &s->kx, &s->kxo));
  AE_CHK(wave_numbers(N[1], N[1], s->L[1], &s->ky, &s->kyo));
  AE_CHK(wave_numbers(N[2], N[2], s->L[2], &s->kz, &s->kzo));
  size_t n = (size_t)s->nloc + 1;
  AE_CHK(aeon_mem_alloc(sizeof(double) * n, (void **)&s->k2));
  AE_CHK(aeon_mem_alloc(sizeof(double) * n, (void **)&s->poisson));
  AE_CHK(aeon_mem_alloc(sizeof(double) * n, (void **)&s->proj));
  AE_CHK(aeon_mem_alloc(n, (void **)&s->dealias));
  double inv_n = 1.0 / ((double)N[0] * (double)N[1] * (double)N[2]);
  long p = 0;
  for (long jl = 0; jl < (long)s->local_n1; jl++) {
    long j = jl + (long)s->local_1_start, my = labs(signed_mode(j, N[1]));
    for (long k = 0; k < N[2]; k++) {
      long mz = labs(signed_mode(k, N[2]));
      for (long i = 0; i < nxc; i++, p++) {
        double k2 = s->kx[i] * s->kx[i] + s->ky[j] * s->ky[j] + s->kz[k] * s->kz[k];
        double ko2 = s->kxo[i] * s->kxo[i] + s->kyo[j] * s->kyo[j] + s->kzo[k] * s->kzo[k];
        s->k2[p] = k2;
        s->poisson[p] = k2 > 0 ? -inv_n / k2 : 0.0;
        s->proj[p] = ko2 > 0 ? 1.0 / ko2 : 0.0;
        s->dealias[p] = 3 * i <= N[0] && 3 * my <= N[1] && 3 * mz <= N[2];
      }
    }
  }
  return AEON_OK;
}
