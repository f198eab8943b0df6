/* Inner loops written the way a physics module writes them on aeon/stencil.h
 * (restrict row pointers, unit stride in x, strides hoisted), compiled by the
 * vectorisation check (check_vectorised.sh): every loop whose `for` line has a
 * comment opening with the word vectorised and a colon must be reported
 * vectorised by gcc -O3 -march=x86-64-v2. Compiled only, never linked. */
#include "aeon/stencil.h"

/* Shift advection beta d_x f with the 4th-order upwind stencil and 8th-order dissipation, along x. */
void adv_row(const double *restrict f, const double *restrict beta, double *restrict rhs, long o, long len,
             double idx, double eps_idx);
void adv_row(const double *restrict f, const double *restrict beta, double *restrict rhs, long o, long len,
             double idx, double eps_idx) {
  for (long p = o; p < o + len; p++) /* vectorised: upwind + KO8 */
    rhs[p] = beta[p] * aeon_st_d1_up4(f, p, 1, beta[p]) * idx + eps_idx * aeon_st_ko8(f, p, 1);
}

/* Shift advection along y (stride sy) with the 2nd-order upwind stencil. */
void adv_row_y(const double *restrict f, const double *restrict beta, double *restrict rhs, long o, long len,
               long sy, double idy);
void adv_row_y(const double *restrict f, const double *restrict beta, double *restrict rhs, long o, long len,
               long sy, double idy) {
  for (long p = o; p < o + len; p++) /* vectorised: upwind along y */
    rhs[p] += beta[p] * aeon_st_d1_up2(f, p, sy, beta[p]) * idy;
}

/* A 6th-order Laplacian plus the 4th-order mixed derivatives d2/dxdy and d2/dydz. */
void lap_mixed_row(const double *restrict f, double *restrict out, long o, long len, long sy, long sz,
                   const double *restrict k);
void lap_mixed_row(const double *restrict f, double *restrict out, long o, long len, long sy, long sz,
                   const double *restrict k) {
  const double kx = k[0], ky = k[1], kz = k[2], kxy = k[3], kyz = k[4];
  for (long p = o; p < o + len; p++) /* vectorised: D2_6 + D11_4 */
    out[p] = kx * aeon_st_d2_6(f, p, 1) + ky * aeon_st_d2_6(f, p, sy) + kz * aeon_st_d2_6(f, p, sz) +
             kxy * aeon_st_d11_4(f, p, 1, sy) + kyz * aeon_st_d11_4(f, p, sy, sz);
}

/* Centred first derivatives (gradient) at 4th order. */
void grad_row(const double *restrict f, double *restrict gx, double *restrict gy, double *restrict gz, long o,
              long len, long sy, long sz, double idx);
void grad_row(const double *restrict f, double *restrict gx, double *restrict gy, double *restrict gz, long o,
              long len, long sy, long sz, double idx) {
  for (long p = o; p < o + len; p++) { /* vectorised: D1_4 */
    gx[p] = idx * aeon_st_d1_4(f, p, 1);
    gy[p] = idx * aeon_st_d1_4(f, p, sy);
    gz[p] = idx * aeon_st_d1_6(f, p, sz);
  }
}
