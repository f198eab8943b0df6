/* Norm accumulators: exact sum of squares, max |x|, count.
 *
 * x*x is rounded to a double first (deterministic) and then added exactly.
 * A finite x whose square overflows adds 2^1040 instead of counting as
 * non-finite: the exact sum then rounds to +Inf, deterministically (the
 * accumulator has room far above 2^1024). maxabs never holds a NaN (a NaN
 * fails the comparison), so the MPI_MAX merge is order independent; NaN/Inf
 * are reported through sum2.nonfinite. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "aeon/reduce.h"
#include "reduce/xsum_internal.h"

/* Limb and weight of the overflow marker 2^1040: bit 1040 + 1074 = 32 * 66 + 2. Ordinary
 * additions never reach limb 66 (they touch limbs <= 65), so the marker needs no entry in
 * `pending`: the limb would need 2^60 markers between normalisations to overflow. */
#define OVERFLOW_LIMB 66
#define OVERFLOW_DIGIT 4

void aeon_norm_acc_init(aeon_norm_acc *a) {
  aeon_xsum_init(&a->sum2);
  a->maxabs = 0.0;
  a->count = 0;
}

/* x*x is Inf or NaN: a NaN/Inf x is counted as non-finite, an overflowed square marks +Inf. */
__attribute__((noinline, cold)) static void add_huge_square(aeon_norm_acc *a, double x) {
  if (isfinite(x)) {
    a->sum2.limb[OVERFLOW_LIMB] += OVERFLOW_DIGIT;
  } else {
    aeon_xsum_add(&a->sum2, x); /* counted in nonfinite */
  }
}

/* Adds a finite square q >= 0 exactly, counting the addition in *pend, a local copy of sum2.pending the caller
 * writes back: kept in a register, it is not a second chain of stores and reloads through memory (limbs and the
 * counter are both int64_t, so the compiler cannot keep sum2.pending in a register itself). */
XSUM_SCALAR static inline void add_square(aeon_xsum *s, int64_t *pend, double q) {
  uint64_t u;
  memcpy(&u, &q, sizeof u);
  unsigned be = (unsigned)(u >> 52) & 0x7ff;
  int64_t m = (int64_t)(u & 0xfffffffffffffULL);
  if (__builtin_expect(be == 0, 0)) { /* zero or subnormal: m * 2^-1074 */
    if (!m) return;
    be = 1;
  } else {
    m |= (int64_t)1 << 52;
  }
  unsigned p = be - 1, sh = p & 31;
  int64_t *l = s->limb + (p >> 5);
  uint64_t lo = (uint64_t)m << sh;
  l[0] += (int64_t)(lo & 0xffffffffULL);
  l[1] += (int64_t)(lo >> 32);
  l[2] += (m >> 32) >> (32 - sh); /* the top digit of m * 2^sh (m < 2^53, sh < 32) */
  if (__builtin_expect(++*pend >= XSUM_NORM_EVERY, 0)) {
    aeon_xsum_normalize_(s);
    *pend = 0;
  }
}

XSUM_SCALAR static inline void add_one(aeon_norm_acc *a, int64_t *pend, double x, double *maxabs) {
  double q = x * x, ax = fabs(x);
  if (__builtin_expect(q <= DBL_MAX, 1))
    add_square(&a->sum2, pend, q);
  else
    add_huge_square(a, x);
  *maxabs = ax > *maxabs ? ax : *maxabs; /* a NaN never replaces the max */
}

XSUM_SCALAR void aeon_norm_acc_add(aeon_norm_acc *a, double x) {
  int64_t pend = a->sum2.pending;
  add_one(a, &pend, x, &a->maxabs);
  a->sum2.pending = pend;
  a->count++;
}

XSUM_SCALAR void aeon_norm_acc_add_array(aeon_norm_acc *a, const double *x, long n) {
  double m = a->maxabs;
  int64_t pend = a->sum2.pending;
  for (long i = 0; i < n; i++) add_one(a, &pend, x[i], &m);
  a->sum2.pending = pend;
  a->maxabs = m;
  a->count += n > 0 ? n : 0;
}

/* k (a constant after inlining) accumulators, interleaved: k independent chains of additions run in parallel. */
XSUM_SCALAR static inline void add_rows_k(aeon_norm_acc *a, int k, const double *const *x, long n) {
  double m[4];
  int64_t pend[4];
  for (int q = 0; q < k; q++) m[q] = a[q].maxabs, pend[q] = a[q].sum2.pending;
  for (long i = 0; i < n; i++)
    for (int q = 0; q < k; q++) add_one(&a[q], &pend[q], x[q][i], &m[q]);
  for (int q = 0; q < k; q++) {
    a[q].maxabs = m[q];
    a[q].sum2.pending = pend[q];
    a[q].count += n > 0 ? n : 0;
  }
}

XSUM_SCALAR void aeon_norm_acc_add_rows(aeon_norm_acc *a, int k, const double *const *x, long n) {
  for (; k >= 4; k -= 4, a += 4, x += 4) add_rows_k(a, 4, x, n);
  if (k == 3) add_rows_k(a, 3, x, n);
  else if (k == 2) add_rows_k(a, 2, x, n);
  else if (k == 1) add_rows_k(a, 1, x, n);
}

double aeon_norm_acc_l2(const aeon_norm_acc *a, double weight) {
  return sqrt(weight * aeon_xsum_value(&a->sum2));
}

/* 0 for an empty set (no values offered). */
double aeon_norm_acc_rms(const aeon_norm_acc *a) {
  if (a->count == 0) return a->sum2.nonfinite ? NAN : 0.0;
  return sqrt(aeon_xsum_value(&a->sum2) / (double)a->count);
}

double aeon_norm_acc_max(const aeon_norm_acc *a) { return a->sum2.nonfinite ? NAN : a->maxabs; }

int64_t aeon_norm_acc_nonfinite(const aeon_norm_acc *a) { return a->sum2.nonfinite; }
