/* Norm accumulators: exact sum of squares, max |x|, count.
 *
 * x*x is rounded to a double first (deterministic) and then added exactly.
 * A finite x whose square overflows adds 2^1040 instead of counting as
 * non-finite: the exact sum then rounds to +Inf, deterministically (the
 * accumulator has room far above 2^1024). maxabs never holds a NaN (a NaN
 * fails the comparison), so the MPI_MAX merge is order independent; NaN/Inf
 * are reported through sum2.nonfinite.
 *
 * Arrays go through a vectorised exact path first (fast_chunk): with e the
 * exponent of the chunk's largest square, every square scaled by 2^(49 - e)
 * is below 2^50 and splits exactly into three integers at weights 1, 2^-51 and
 * 2^-102 (round to an integer by adding and subtracting 1.5 * 2^52, keep the
 * exact remainder, scale it by 2^51, repeat); three int64 sums of at most
 * FAST_CHUNK such integers cannot overflow, and each is added to the long
 * accumulator once. A chunk with a remainder left after three levels (a square
 * more than about 99 binades below the largest), a non-finite value, or squares
 * outside [2^-900, 2^50) takes the scalar path instead. Both are exact, so the
 * results are the same bits. */
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

#define FAST_CHUNK 2048 /* values per int64 sum: 2048 * 2^50 < 2^62 */

/* Adds the signed integer v times 2^(p - 1074) exactly (p >= 0, |v| < 2^62): three digits of v << (p mod 32). */
static void add_int_at(aeon_xsum *s, int64_t v, int p) {
  int sh = p & 31;
  int64_t *l = s->limb + (p >> 5);
  __int128 w = (__int128)v * ((int64_t)1 << sh);
  l[0] += (int64_t)((uint64_t)w & 0xffffffffULL);
  l[1] += (int64_t)((uint64_t)(w >> 32) & 0xffffffffULL);
  l[2] += (int64_t)(w >> 64); /* arithmetic shift (GCC/Clang semantics) */
  s->pending += 3;
  if (s->pending >= XSUM_NORM_EVERY) aeon_xsum_normalize_(s);
}

static inline uint64_t dbl_bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static inline double bits_to_dbl(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

#define LANES 8 /* independent running maxima: a max reduction of doubles vectorises only as separate lanes */

/* Largest |x| of x[0, n) and whether a NaN or Inf is among them (vectorised as LANES separate maxima). */
static double chunk_max(const double *restrict x, long n, int *bad) {
  double m[LANES] = {0}, b[LANES] = {0}, mx = 0, any = 0;
  long i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) {
      double ax = fabs(x[i + l]);
      m[l] = ax > m[l] ? ax : m[l];
      b[l] = ax <= DBL_MAX ? b[l] : 1.0; /* NaN fails the comparison */
    }
  for (int l = 0; i < n; i++, l++) {
    double ax = fabs(x[i]);
    m[l] = ax > m[l] ? ax : m[l];
    b[l] = ax <= DBL_MAX ? b[l] : 1.0;
  }
  for (int l = 0; l < LANES; l++) {
    mx = m[l] > mx ? m[l] : mx;
    any += b[l];
  }
  *bad = any != 0;
  return mx;
}

/* One level of the split: v (|v| <= 2^50) = integer *i + remainder (returned, |r| <= 1/2), both exact. */
static inline double split_level(double v, int64_t *i) {
  const double M = 6755399441055744.0; /* 1.5 * 2^52: v + M lies in [2^52, 2^53), where the spacing is 1 */
  double a = v + M;
  *i = (int64_t)(dbl_bits(a) - dbl_bits(M));
  return v - (a - M);
}

/* The sum of squares of x[0, n) (n <= FAST_CHUNK, all finite, largest square qmax in [2^-900, 2^50)) added to s
 * exactly; returns 0 (adding nothing) when some square is too small for three levels. */
static int fast_chunk(aeon_xsum *s, const double *restrict x, long n, double qmax) {
  int e = (int)((dbl_bits(qmax) >> 52) & 0x7ff) - 1023; /* qmax in [2^e, 2^(e+1)) */
  const double c = bits_to_dbl((uint64_t)(49 - e + 1023) << 52), K = 2251799813685248.0; /* 2^(49-e), 2^51 */
  int64_t s1 = 0, s2 = 0, s3 = 0;
  double rest = 0;
  for (long i = 0; i < n; i++) {
    int64_t i1, i2, i3;
    double q = x[i] * x[i];
    double f = split_level(q * c, &i1);
    f = split_level(f * K, &i2);
    f = split_level(f * K, &i3);
    s1 += i1, s2 += i2, s3 += i3;
    rest = f != 0 ? 1.0 : rest;
  }
  if (rest != 0) return 0;
  int p = e - 49 + 1074; /* the weight of s1 (value 2^(e - 49)) in units of 2^-1074 */
  add_int_at(s, s1, p);
  add_int_at(s, s2, p - 51);
  add_int_at(s, s3, p - 102);
  return 1;
}

/* Adds x[0, n) through the vectorised path where it applies; returns how many leading values it took. */
static long fast_array(aeon_norm_acc *a, const double *x, long n) {
  long done = 0;
  while (done < n) {
    long m = n - done < FAST_CHUNK ? n - done : FAST_CHUNK;
    int bad;
    double mx = chunk_max(x + done, m, &bad), q = mx * mx;
    if (bad || !(q < 0x1p50) || (q != 0 && q < 0x1p-900)) break;
    if (q != 0 && !fast_chunk(&a->sum2, x + done, m, q)) break;
    a->maxabs = mx > a->maxabs ? mx : a->maxabs;
    a->count += m;
    done += m;
  }
  return done;
}

/* The scalar path: one value at a time. */
XSUM_SCALAR static void slow_array(aeon_norm_acc *a, const double *x, long n) {
  double m = a->maxabs;
  int64_t pend = a->sum2.pending;
  for (long i = 0; i < n; i++) add_one(a, &pend, x[i], &m);
  a->sum2.pending = pend;
  a->maxabs = m;
  a->count += n > 0 ? n : 0;
}

void aeon_norm_acc_add_array(aeon_norm_acc *a, const double *x, long n) {
  long f = fast_array(a, x, n);
  if (f < n) slow_array(a, x + f, n - f);
}

void aeon_norm_acc_add_rows(aeon_norm_acc *a, int k, const double *const *x, long n) {
  for (int q = 0; q < k; q++) aeon_norm_acc_add_array(&a[q], x[q], n);
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
