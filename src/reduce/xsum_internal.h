/* Shared inside src/reduce: the hot path of an exact addition (inlined where values are added in bulk, as in
 * norm accumulators) and the carry normalisation of a long accumulator. */
#ifndef AEON_REDUCE_XSUM_INTERNAL_H
#define AEON_REDUCE_XSUM_INTERNAL_H
#include <stdint.h>
#include <string.h>

#include "aeon/reduce.h"

/* Additions between carry normalisations: keeps |limb| < 2^61 + 2^32. */
#define XSUM_NORM_EVERY ((int64_t)1 << 29)

/* GCC's SLP vectoriser would merge two of the three limb updates into one 16-byte
 * load/store; successive additions then read across earlier 8-byte stores and
 * stall store forwarding (several times slower). Keep them scalar: every function
 * that inlines the hot path carries this attribute (GCC inlines only between equal ones). */
#if defined(__GNUC__) && !defined(__clang__)
#define XSUM_SCALAR __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define XSUM_SCALAR
#endif

/* Propagates carries so every limb is a 32-bit digit (the top limb keeps the sign); resets pending. */
void aeon_xsum_normalize_(aeon_xsum *s);
/* Adds a zero, subnormal, Inf or NaN given by its bits (the cold path). */
void aeon_xsum_add_rare_(aeon_xsum *s, uint64_t u);

/* Adds sm * 2^(p - 1074), |sm| < 2^53 signed: the 128-bit two's complement value
 * sm << (p mod 32) is split into digits lo[0:32), lo[32:64) (both unsigned) and a
 * signed high part, each of magnitude < 2^32. */
XSUM_SCALAR static inline void aeon_xsum_add_mantissa_(aeon_xsum *s, int64_t sm, unsigned p) {
  unsigned sh = p & 31;
  int64_t *l = s->limb + (p >> 5);
  uint64_t lo = (uint64_t)sm << sh;
  int64_t hi = (sm >> 32) >> (32 - sh); /* arithmetic shifts: floor(sm * 2^sh / 2^64) */
  l[0] += (int64_t)(lo & 0xffffffffULL);
  l[1] += (int64_t)(lo >> 32);
  l[2] += hi;
  if (__builtin_expect(++s->pending >= XSUM_NORM_EVERY, 0)) aeon_xsum_normalize_(s);
}

/* Adds x exactly (a NaN or Inf is counted in nonfinite instead): aeon_xsum_add, inlinable. */
XSUM_SCALAR static inline void aeon_xsum_add_inline_(aeon_xsum *s, double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  unsigned be = (unsigned)(u >> 52) & 0x7ff;
  if (__builtin_expect(be - 1 >= 2046u, 0)) { /* be == 0 or be == 0x7ff */
    aeon_xsum_add_rare_(s, u);
    return;
  }
  int64_t neg = (int64_t)u >> 63; /* 0 or -1 */
  int64_t m = (int64_t)((u & 0xfffffffffffffULL) | (1ULL << 52));
  aeon_xsum_add_mantissa_(s, (m ^ neg) - neg, be - 1); /* normal: m * 2^(be - 1 - 1074) */
}
#endif
