/* Exact sums of doubles in a long accumulator.
 *
 * A finite double is m * 2^(p - 1074) with m < 2^53 an integer and
 * 0 <= p <= 2045 (p = biased exponent - 1 for normal numbers, 0 for
 * subnormals). The accumulator holds the integer N = sum / 2^-1074 as base-2^32
 * digits in int64 limbs: limb i weighs 2^(32 i). The signed value +-m << (p mod 32)
 * spans at most 3 digits, so an addition adds three values of magnitude < 2^32
 * to limbs p/32 .. p/32 + 2 (two unsigned low digits and a signed top one).
 * Limbs are normalised (every limb but the last to [0, 2^32), the carry pushed
 * up with arithmetic shifts; the last limb keeps the sign) at least every
 * XSUM_NORM_EVERY additions, which keeps |limb| < 2^61 + 2^32 in between. The top limb is bit 2208 and up, far above
 * any double (2^1024 is bit 2098), so it never overflows in practice.
 *
 * Conversion back rounds the exact integer once, to nearest with ties to
 * even, straight into the IEEE bit pattern (subnormals and overflow included). */
#include "aeon/reduce.h"

#include <string.h>

#include "reduce/xsum_internal.h"

#define DIGIT_MASK 0xffffffffULL

_Static_assert(AEON_XSUM_LIMBS * 32 > 2098 + 64, "limbs must cover every double plus carry room");

static double bits_dbl(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

void aeon_xsum_init(aeon_xsum *s) { memset(s, 0, sizeof *s); }

/* Zero, subnormal, Inf and NaN: kept off the hot path. */
XSUM_SCALAR __attribute__((noinline, cold)) void aeon_xsum_add_rare_(aeon_xsum *s, uint64_t u) {
  if (((u >> 52) & 0x7ff) == 0x7ff) {
    s->nonfinite++;
    return;
  }
  int64_t m = (int64_t)(u & 0xfffffffffffffULL), neg = (int64_t)u >> 63;
  if (m) aeon_xsum_add_mantissa_(s, (m ^ neg) - neg, 0); /* subnormal: m * 2^-1074 */
}

void aeon_xsum_normalize_(aeon_xsum *s) {
  int64_t carry = 0;
  for (int i = 0; i < AEON_XSUM_LIMBS - 1; i++) {
    int64_t v = s->limb[i] + carry;
    s->limb[i] = (int64_t)((uint64_t)v & DIGIT_MASK);
    carry = v >> 32; /* arithmetic shift (GCC/Clang semantics): floor division */
  }
  s->limb[AEON_XSUM_LIMBS - 1] += carry;
  s->pending = 0;
}

XSUM_SCALAR void aeon_xsum_add(aeon_xsum *s, double x) { aeon_xsum_add_inline_(s, x); }

void aeon_xsum_merge(aeon_xsum *a, const aeon_xsum *b) {
  aeon_xsum t = *b;
  aeon_xsum_normalize_(&t);
  aeon_xsum_normalize_(a);
  for (int i = 0; i < AEON_XSUM_LIMBS; i++) a->limb[i] += t.limb[i];
  a->nonfinite += t.nonfinite;
  aeon_xsum_normalize_(a);
}

/* Index of the highest nonzero limb of a normalised non-negative sum, -1 if zero. */
static int top_limb(const aeon_xsum *s) {
  int h = AEON_XSUM_LIMBS - 1;
  while (h >= 0 && s->limb[h] == 0) h--;
  return h;
}

static uint64_t digit(const aeon_xsum *s, int i) { return i >= 0 ? (uint64_t)s->limb[i] : 0; }

/* Rounds the normalised, non-negative integer in s to the bits of a positive double. */
static uint64_t round_magnitude(const aeon_xsum *s) {
  int h = top_limb(s);
  if (h < 0) return 0;
  if (h >= 66) return 0x7ff0000000000000ULL; /* limb 66 weighs 2^(32*66 - 1074) = 2^1038 */
  int t = 32 * h + 63 - __builtin_clzll(digit(s, h)); /* position of the top bit */
  if (t <= 52) return digit(s, 0) | digit(s, 1) << 32; /* N < 2^53: N is its own bit pattern */
  /* 96-bit window of digits h, h-1, h-2 shifted so the top bit is bit 63 of `hi`. */
  unsigned __int128 w = (unsigned __int128)digit(s, h) << 64 | (unsigned __int128)digit(s, h - 1) << 32 |
                        digit(s, h - 2);
  w <<= 127 - (t - 32 * (h - 2));
  uint64_t hi = (uint64_t)(w >> 64), rest = (uint64_t)w;
  for (int i = h - 3; i >= 0 && !rest; i--) rest |= digit(s, i);
  uint64_t q = hi >> 11; /* 53 bits */
  int guard = (hi >> 10) & 1;
  int sticky = (hi & 0x3ff) != 0 || rest != 0;
  q += guard & (sticky | (int)(q & 1));
  /* value = q * 2^(t - 52 - 1074); with the implicit bit, q adds one to the exponent field */
  if (t - 52 >= 2047) return 0x7ff0000000000000ULL;
  uint64_t bits = ((uint64_t)(t - 52) << 52) + q;
  return bits >= 0x7ff0000000000000ULL ? 0x7ff0000000000000ULL : bits;
}

double aeon_xsum_value(const aeon_xsum *s) {
  if (s->nonfinite) return bits_dbl(0x7ff8000000000000ULL);
  aeon_xsum t = *s;
  aeon_xsum_normalize_(&t);
  uint64_t sign = 0;
  if (t.limb[AEON_XSUM_LIMBS - 1] < 0) { /* negative total: round the magnitude */
    for (int i = 0; i < AEON_XSUM_LIMBS; i++) t.limb[i] = -t.limb[i];
    aeon_xsum_normalize_(&t);
    sign = 1ULL << 63;
  }
  return bits_dbl(sign | round_magnitude(&t));
}
