/* Finite-difference operators on a uniform grid, for host (C17) and device
 * (CUDA/HIP C++) code alike. Every operator reads f at linear point index p
 * and neighbours p + k*s (s: the stride of the direction, 1 for x, mesh sy, sz)
 * and returns the UNSCALED difference: the caller multiplies by a factor it
 * precomputes once, 1/(DIV h) for first derivatives, 1/(DIV h^2) for second,
 * 1/(DIV h1 h2) for mixed ones, eps/h for Kreiss-Oliger dissipation, with DIV
 * the AEON_ST_*_DIV constant of the operator. The table AEON_STENCIL_OPS gives
 * each operator's order and how many points it reads on each side.
 *
 * Kreiss-Oliger convention: aeon_st_koN, N = 2r, returns
 *     (-1)^(r+1) delta^(2r) f / 2^(2r),   delta^2 f = f[p-s] - 2 f[p] + f[p+s],
 * so eps/h * aeon_st_koN is the usual dissipation term of strength eps: on a mode
 * exp(i k x) it multiplies f by -(eps/h) sin^(2r)(k h/2), which is <= 0 (it damps,
 * most at the grid scale where it is -eps/h) and O(h^(2r-1)) for smooth data.
 * It annihilates polynomials of degree < 2r. ko6 is the 6th difference / 64.
 *
 * Mirror exactness: the centred operators (all but d2_4, see there) add their points in symmetric pairs,
 * (f[p+ks] + f[p-ks]) for even and (f[p+ks] - f[p-ks]) for odd operators, so on data that is exactly even or odd
 * about a point or a face they give exactly equal or exactly negated bits at mirror points: an octant run with
 * symmetry faces equals the full-domain run bit for bit (tests/mpi/test_fields.c).
 *
 * Upwind (advection) derivatives for a term beta d_x f (BSSN's shift advection):
 * for beta >= 0 the 4th-order lopsided stencil reads p-s .. p+3s, mirrored to
 * p-3s .. p+s for beta < 0 (2nd order: p .. p+2s; 6th order: p-2s .. p+4s; mirrored). The _up functions
 * evaluate both sides and select one by the sign of beta with a bit mask
 * (aeon_st_select), which keeps a loop over points free of branches: gcc
 * vectorises it (a ?: of two computed doubles it does not, under its default
 * -ftrapping-math). Their radius covers both signs. */
#ifndef AEON_STENCIL_H
#define AEON_STENCIL_H

#include <stdint.h>
#include <string.h>

#include "aeon/portability.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an operator approximates. */
typedef enum aeon_st_kind {
  AEON_ST_FIRST = 1,  /* d/dx */
  AEON_ST_SECOND = 2, /* d^2/dx^2 */
  AEON_ST_MIXED = 3,  /* d^2/dx dy, along strides s1 and s2 */
  AEON_ST_KO = 4      /* Kreiss-Oliger dissipation (scaled by eps/h) */
} aeon_st_kind;

/* The operator table: X(ID, kind, order, points read below p, points read above p, DIV).
 * For MIXED operators lo/hi hold in each of the two directions (corners included); for the
 * upwind ones they cover both signs of the shift. KO's order is 2r: the term is O(h^(2r-1)). */
#define AEON_STENCIL_OPS(X)                      \
  X(D1_2, AEON_ST_FIRST, 2, 1, 1, 2.0)           \
  X(D1_4, AEON_ST_FIRST, 4, 2, 2, 12.0)          \
  X(D1_6, AEON_ST_FIRST, 6, 3, 3, 60.0)          \
  X(D2_2, AEON_ST_SECOND, 2, 1, 1, 1.0)          \
  X(D2_4, AEON_ST_SECOND, 4, 2, 2, 12.0)         \
  X(D2_6, AEON_ST_SECOND, 6, 3, 3, 180.0)        \
  X(D11_2, AEON_ST_MIXED, 2, 1, 1, 4.0)          \
  X(D11_4, AEON_ST_MIXED, 4, 2, 2, 144.0)        \
  X(D11_6, AEON_ST_MIXED, 6, 3, 3, 3600.0)       \
  X(D1_FWD2, AEON_ST_FIRST, 2, 0, 2, 2.0)        \
  X(D1_BWD2, AEON_ST_FIRST, 2, 2, 0, 2.0)        \
  X(D1_LOP4, AEON_ST_FIRST, 4, 1, 3, 12.0)       \
  X(D1_UP2, AEON_ST_FIRST, 2, 2, 2, 2.0)         \
  X(D1_UP4, AEON_ST_FIRST, 4, 3, 3, 12.0)        \
  X(D1_LOP6, AEON_ST_FIRST, 6, 2, 4, 60.0)       \
  X(D1_UP6, AEON_ST_FIRST, 6, 4, 4, 60.0)        \
  X(KO4, AEON_ST_KO, 4, 2, 2, 1.0)               \
  X(KO6, AEON_ST_KO, 6, 3, 3, 1.0)               \
  X(KO8, AEON_ST_KO, 8, 4, 4, 1.0)

/* Operator ids AEON_ST_D1_2 ..., and AEON_ST_NOPS. */
typedef enum aeon_st_op {
#define AEON_ST_X_(id, kind, order, lo, hi, div) AEON_ST_##id,
  AEON_STENCIL_OPS(AEON_ST_X_)
#undef AEON_ST_X_
  AEON_ST_NOPS
} aeon_st_op;

/* Compile-time radii AEON_ST_R_D1_2 ... (max of lo and hi), e.g. for a module's stencil_radius. */
enum {
#define AEON_ST_X_(id, kind, order, lo, hi, div) AEON_ST_R_##id = (lo) > (hi) ? (lo) : (hi),
  AEON_STENCIL_OPS(AEON_ST_X_)
#undef AEON_ST_X_
};

/* Normalisations AEON_ST_D1_4_DIV ...: multiply the result by 1/(DIV h^k). */
#define AEON_ST_D1_2_DIV 2.0
#define AEON_ST_D1_4_DIV 12.0
#define AEON_ST_D1_6_DIV 60.0
#define AEON_ST_D2_2_DIV 1.0
#define AEON_ST_D2_4_DIV 12.0
#define AEON_ST_D2_6_DIV 180.0
#define AEON_ST_D11_2_DIV 4.0
#define AEON_ST_D11_4_DIV 144.0
#define AEON_ST_D11_6_DIV 3600.0
#define AEON_ST_D1_FWD2_DIV 2.0
#define AEON_ST_D1_BWD2_DIV 2.0
#define AEON_ST_D1_LOP4_DIV 12.0
#define AEON_ST_D1_UP2_DIV 2.0
#define AEON_ST_D1_UP4_DIV 12.0
#define AEON_ST_D1_LOP6_DIV 60.0
#define AEON_ST_D1_UP6_DIV 60.0

/* One row of the operator table. */
typedef struct aeon_st_info {
  const char *name; /* "D1_4", ... */
  aeon_st_kind kind;
  int order;        /* order of accuracy (KO: 2r) */
  int lo, hi;       /* points read below and above p along each stride */
  double div;       /* normalisation DIV */
} aeon_st_info;

/* Returns the table row of an operator (host only). */
AEON_INLINE aeon_st_info aeon_st_info_of(aeon_st_op op) {
  static const aeon_st_info table[AEON_ST_NOPS] = {
#define AEON_ST_X_(id, kind, order, lo, hi, div) {#id, kind, order, lo, hi, div},
    AEON_STENCIL_OPS(AEON_ST_X_)
#undef AEON_ST_X_
  };
  return table[op];
}

/* ---- centred first derivatives: times 1/(DIV h) ---- */

/* 2nd-order centred first derivative, times 2h. */
AEON_HD AEON_INLINE double aeon_st_d1_2(const double *f, long p, long s) { return f[p + s] - f[p - s]; }
/* 4th-order centred first derivative, times 12h. */
AEON_HD AEON_INLINE double aeon_st_d1_4(const double *f, long p, long s) {
  return 8.0 * (f[p + s] - f[p - s]) - (f[p + 2 * s] - f[p - 2 * s]);
}
/* 6th-order centred first derivative, times 60h. */
AEON_HD AEON_INLINE double aeon_st_d1_6(const double *f, long p, long s) {
  return 45.0 * (f[p + s] - f[p - s]) - 9.0 * (f[p + 2 * s] - f[p - 2 * s]) + (f[p + 3 * s] - f[p - 3 * s]);
}

/* ---- centred second derivatives: times 1/(DIV h^2) ---- */

/* 2nd-order second derivative, times h^2. */
AEON_HD AEON_INLINE double aeon_st_d2_2(const double *f, long p, long s) {
  return (f[p - s] + f[p + s]) - 2.0 * f[p];
}
/* 4th-order second derivative, times 12 h^2. The one operator NOT in mirror-exact pair form: it keeps the wave
 * kernel's left-to-right order, so the default deck's norms stay bit-identical to the commits before this header
 * (pair form changes the wave's error norms by ~1e-9 relative: they are 1e-5 differences of O(1) numbers). */
AEON_HD AEON_INLINE double aeon_st_d2_4(const double *f, long p, long s) {
  return -f[p - 2 * s] + 16.0 * f[p - s] - 30.0 * f[p] + 16.0 * f[p + s] - f[p + 2 * s];
}
/* The same 4th-order second derivative in mirror-exact pair form, times 12 h^2 (for modules whose mirror runs
 * must equal full runs bit for bit, e.g. BSSN; d2_4 keeps the wave kernel's order). */
AEON_HD AEON_INLINE double aeon_st_d2_4p(const double *f, long p, long s) {
  return (16.0 * (f[p - s] + f[p + s]) - (f[p - 2 * s] + f[p + 2 * s])) - 30.0 * f[p];
}
/* 6th-order second derivative, times 180 h^2. */
AEON_HD AEON_INLINE double aeon_st_d2_6(const double *f, long p, long s) {
  return 2.0 * (f[p - 3 * s] + f[p + 3 * s]) - 27.0 * (f[p - 2 * s] + f[p + 2 * s]) +
         270.0 * (f[p - s] + f[p + s]) - 490.0 * f[p];
}

/* ---- mixed second derivatives d^2/dx dy: the first derivative along s1 of the one along s2,
 * times 1/(DIV h1 h2) ---- */

/* 2nd-order mixed derivative, times 4 h1 h2. */
AEON_HD AEON_INLINE double aeon_st_d11_2(const double *f, long p, long s1, long s2) {
  return aeon_st_d1_2(f, p + s1, s2) - aeon_st_d1_2(f, p - s1, s2);
}
/* 4th-order mixed derivative, times 144 h1 h2. */
AEON_HD AEON_INLINE double aeon_st_d11_4(const double *f, long p, long s1, long s2) {
  return 8.0 * (aeon_st_d1_4(f, p + s1, s2) - aeon_st_d1_4(f, p - s1, s2)) -
         (aeon_st_d1_4(f, p + 2 * s1, s2) - aeon_st_d1_4(f, p - 2 * s1, s2));
}
/* 6th-order mixed derivative, times 3600 h1 h2. */
AEON_HD AEON_INLINE double aeon_st_d11_6(const double *f, long p, long s1, long s2) {
  return 45.0 * (aeon_st_d1_6(f, p + s1, s2) - aeon_st_d1_6(f, p - s1, s2)) -
         9.0 * (aeon_st_d1_6(f, p + 2 * s1, s2) - aeon_st_d1_6(f, p - 2 * s1, s2)) +
         (aeon_st_d1_6(f, p + 3 * s1, s2) - aeon_st_d1_6(f, p - 3 * s1, s2));
}

/* Returns a if c is nonzero, else b: a select on the bits, no branch (both values are already computed). */
AEON_HD AEON_INLINE double aeon_st_select(int c, double a, double b) {
  uint64_t ua, ub;
  const uint64_t m = (uint64_t)0 - (uint64_t)(c != 0);
  memcpy(&ua, &a, sizeof ua);
  memcpy(&ub, &b, sizeof ub);
  ua = (ua & m) | (ub & ~m);
  memcpy(&a, &ua, sizeof a);
  return a;
}

/* ---- one-sided and upwind first derivatives: times 1/(DIV h) ---- */

/* 2nd-order one-sided first derivative reading p, p+s, p+2s (forward), times 2h. */
AEON_HD AEON_INLINE double aeon_st_d1_fwd2(const double *f, long p, long s) {
  return -3.0 * f[p] + 4.0 * f[p + s] - f[p + 2 * s];
}
/* 2nd-order one-sided first derivative reading p, p-s, p-2s (backward), times 2h. */
AEON_HD AEON_INLINE double aeon_st_d1_bwd2(const double *f, long p, long s) {
  return 3.0 * f[p] - 4.0 * f[p - s] + f[p - 2 * s];
}
/* 4th-order lopsided first derivative reading p-s .. p+3s, times 12h (s < 0 mirrors it; the result
 * is then the derivative along -s, i.e. negated). */
AEON_HD AEON_INLINE double aeon_st_d1_lop4(const double *f, long p, long s) {
  return -3.0 * f[p - s] - 10.0 * f[p] + 18.0 * f[p + s] - 6.0 * f[p + 2 * s] + f[p + 3 * s];
}
/* 2nd-order upwind first derivative for the advection term beta d f: forward if beta >= 0, else backward; times 2h. */
AEON_HD AEON_INLINE double aeon_st_d1_up2(const double *f, long p, long s, double beta) {
  return aeon_st_select(beta >= 0.0, aeon_st_d1_fwd2(f, p, s), aeon_st_d1_bwd2(f, p, s));
}
/* 4th-order upwind (lopsided) first derivative: p-s .. p+3s if beta >= 0, else p-3s .. p+s; times 12h. */
AEON_HD AEON_INLINE double aeon_st_d1_up4(const double *f, long p, long s, double beta) {
  return aeon_st_select(beta >= 0.0, aeon_st_d1_lop4(f, p, s), -aeon_st_d1_lop4(f, p, -s));
}

/* The same as aeon_st_d1_up4, bit for bit, with the points selected before the arithmetic: one lopsided stencil
 * evaluated instead of two (the vectorised advection loops blend the loaded values instead of the results). */
AEON_HD AEON_INLINE double aeon_st_d1_up4s(const double *f, long p, long s, double beta) {
  const int up = beta >= 0.0;
  const double m3 = f[p - 3 * s], m2 = f[p - 2 * s], m1 = f[p - s], p1 = f[p + s], p2 = f[p + 2 * s],
               p3 = f[p + 3 * s];
  const double r = -3.0 * aeon_st_select(up, m1, p1) - 10.0 * f[p] + 18.0 * aeon_st_select(up, p1, m1) -
                   6.0 * aeon_st_select(up, p2, m2) + aeon_st_select(up, p3, m3);
  return aeon_st_select(up, r, -r);
}

/* 6th-order lopsided first derivative reading p-2s .. p+4s, times 60h (s < 0 mirrors it, as lop4). */
AEON_HD AEON_INLINE double aeon_st_d1_lop6(const double *f, long p, long s) {
  return 2.0 * f[p - 2 * s] - 24.0 * f[p - s] - 35.0 * f[p] + 80.0 * f[p + s] - 30.0 * f[p + 2 * s] +
         8.0 * f[p + 3 * s] - f[p + 4 * s];
}
/* 6th-order upwind (lopsided) first derivative: p-2s .. p+4s if beta >= 0, else p-4s .. p+2s; times 60h. */
AEON_HD AEON_INLINE double aeon_st_d1_up6(const double *f, long p, long s, double beta) {
  return aeon_st_select(beta >= 0.0, aeon_st_d1_lop6(f, p, s), -aeon_st_d1_lop6(f, p, -s));
}

/* ---- Kreiss-Oliger dissipation (-1)^(r+1) delta^(2r) f / 2^(2r): times eps/h ---- */

/* 4th-order (r = 2) dissipation: -delta^4 f / 16. */
AEON_HD AEON_INLINE double aeon_st_ko4(const double *f, long p, long s) {
  return ((f[p - 2 * s] + f[p + 2 * s]) - 4.0 * (f[p - s] + f[p + s]) + 6.0 * f[p]) * (-1.0 / 16.0);
}
/* 6th-order (r = 3) dissipation: +delta^6 f / 64. */
AEON_HD AEON_INLINE double aeon_st_ko6(const double *f, long p, long s) {
  return ((f[p - 3 * s] + f[p + 3 * s]) - 6.0 * (f[p - 2 * s] + f[p + 2 * s]) + 15.0 * (f[p - s] + f[p + s]) -
          20.0 * f[p]) *
         (1.0 / 64.0);
}
/* 8th-order (r = 4) dissipation: -delta^8 f / 256. */
AEON_HD AEON_INLINE double aeon_st_ko8(const double *f, long p, long s) {
  return ((f[p - 4 * s] + f[p + 4 * s]) - 8.0 * (f[p - 3 * s] + f[p + 3 * s]) + 28.0 * (f[p - 2 * s] + f[p + 2 * s]) -
          56.0 * (f[p - s] + f[p + s]) + 70.0 * f[p]) *
         (-1.0 / 256.0);
}

/* Returns operator op at p (table-driven callers and tests): s is its stride, s2 the second stride of MIXED
 * operators, beta the shift of the upwind ones; unscaled as the named functions. */
AEON_HD AEON_INLINE double aeon_st_apply(aeon_st_op op, const double *f, long p, long s, long s2, double beta) {
  switch (op) {
  case AEON_ST_D1_2: return aeon_st_d1_2(f, p, s);
  case AEON_ST_D1_4: return aeon_st_d1_4(f, p, s);
  case AEON_ST_D1_6: return aeon_st_d1_6(f, p, s);
  case AEON_ST_D2_2: return aeon_st_d2_2(f, p, s);
  case AEON_ST_D2_4: return aeon_st_d2_4(f, p, s);
  case AEON_ST_D2_6: return aeon_st_d2_6(f, p, s);
  case AEON_ST_D11_2: return aeon_st_d11_2(f, p, s, s2);
  case AEON_ST_D11_4: return aeon_st_d11_4(f, p, s, s2);
  case AEON_ST_D11_6: return aeon_st_d11_6(f, p, s, s2);
  case AEON_ST_D1_FWD2: return aeon_st_d1_fwd2(f, p, s);
  case AEON_ST_D1_BWD2: return aeon_st_d1_bwd2(f, p, s);
  case AEON_ST_D1_LOP4: return aeon_st_d1_lop4(f, p, s);
  case AEON_ST_D1_UP2: return aeon_st_d1_up2(f, p, s, beta);
  case AEON_ST_D1_UP4: return aeon_st_d1_up4(f, p, s, beta);
  case AEON_ST_D1_LOP6: return aeon_st_d1_lop6(f, p, s);
  case AEON_ST_D1_UP6: return aeon_st_d1_up6(f, p, s, beta);
  case AEON_ST_KO4: return aeon_st_ko4(f, p, s);
  case AEON_ST_KO6: return aeon_st_ko6(f, p, s);
  case AEON_ST_KO8: return aeon_st_ko8(f, p, s);
  case AEON_ST_NOPS: break;
  }
  return 0.0;
}

#ifdef __cplusplus
}
#endif
#endif
