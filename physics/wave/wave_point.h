/* The wave equation's right-hand side at one grid point, shared by the CPU row
 * loop (wave.c) and the device kernel (wave_kernels.cu):
 *   du  = pi                                  + KO6(u)  (if diss)
 *   dpi = c^2 (D2x u + D2y u + D2z u)         + KO6(pi) (if diss)
 * with 4th-order D2 (aeon_st_d2_4 times c^2/(12 h^2)) and Kreiss-Oliger
 * dissipation aeon_st_ko6 times eps/h. Without dissipation the arithmetic, operation
 * order included, is that of the original rhs_row, so the default deck's results are
 * bit-identical to it; KO6 adds its points in mirror-exact pairs (aeon/stencil.h). */
#ifndef AEON_WAVE_POINT_H
#define AEON_WAVE_POINT_H

#include "aeon/stencil.h"

/* Per-call constants of the wave rhs (plain data: copied into kernels by value). */
typedef struct wave_coef {
  double cx, cy, cz; /* c^2 / (12 h_d^2) */
  double ex, ey, ez; /* eps / h_d (the 1/64 is inside aeon_st_ko6) */
  long sy, sz;       /* strides of y rows and z planes */
} wave_coef;

/* Stencil radius of the wave rhs (KO6 reads 3 points on each side). */
#define WAVE_RADIUS AEON_ST_R_KO6

/* Writes du[p] and dpi[p]; diss = 0 leaves out the dissipation (pass a constant so it folds). */
AEON_HD AEON_INLINE void wave_point(wave_coef c, const double *AEON_RESTRICT u, const double *AEON_RESTRICT pi,
                                    double *AEON_RESTRICT du, double *AEON_RESTRICT dpi, long p, int diss) {
  double a = pi[p];
  double b = c.cx * aeon_st_d2_4(u, p, 1) + c.cy * aeon_st_d2_4(u, p, c.sy) + c.cz * aeon_st_d2_4(u, p, c.sz);
  if (diss) {
    a += c.ex * aeon_st_ko6(u, p, 1) + c.ey * aeon_st_ko6(u, p, c.sy) + c.ez * aeon_st_ko6(u, p, c.sz);
    b += c.ex * aeon_st_ko6(pi, p, 1) + c.ey * aeon_st_ko6(pi, p, c.sy) + c.ez * aeon_st_ko6(pi, p, c.sz);
  }
  du[p] = a;
  dpi[p] = b;
}

#endif
