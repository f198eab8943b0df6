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

#include "aeon/reduce.h"

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

static inline void add_one(aeon_norm_acc *a, double x, double *maxabs) {
  double q = x * x, ax = fabs(x);
  if (__builtin_expect(q <= DBL_MAX, 1))
    aeon_xsum_add(&a->sum2, q);
  else
    add_huge_square(a, x);
  *maxabs = ax > *maxabs ? ax : *maxabs; /* a NaN never replaces the max */
}

void aeon_norm_acc_add(aeon_norm_acc *a, double x) {
  add_one(a, x, &a->maxabs);
  a->count++;
}

void aeon_norm_acc_add_array(aeon_norm_acc *a, const double *x, long n) {
  double m = a->maxabs;
  for (long i = 0; i < n; i++) add_one(a, x[i], &m);
  a->maxabs = m;
  a->count += n > 0 ? n : 0;
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
