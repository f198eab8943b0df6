/* Unit tests of the exact sums and norm accumulators (one process, no MPI:
 * the allreduce paths are covered by tests/mpi/test_reduce_mpi.c, and staying
 * out of MPI_Init keeps this test clean under LeakSanitizer). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeon/reduce.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static double from_bits(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* Random finite double with biased exponent in [lo, hi] and a random sign. */
static double rand_dbl(uint64_t *s, unsigned lo, unsigned hi) {
  uint64_t r = rng_next(s);
  uint64_t e = lo + rng_next(s) % (hi - lo + 1);
  return from_bits((r & 0x800fffffffffffffULL) | e << 52);
}

#define ck_same_bits(a, b)                                                                   \
  do {                                                                                       \
    double ck_a_ = (a), ck_b_ = (b);                                                         \
    ck_assert_msg(bits(ck_a_) == bits(ck_b_), "%s = %a, expected %s = %a", #a, ck_a_, #b, ck_b_); \
  } while (0)

static double xsum_of(const double *x, int n) {
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (int i = 0; i < n; i++) aeon_xsum_add(&s, x[i]);
  return aeon_xsum_value(&s);
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- exactness ---------------------------------------------------------------- */

START_TEST(cancellation) {
  double a[] = {1e100, 1.0, -1e100};
  ck_same_bits(xsum_of(a, 3), 1.0);
  double b[] = {1e308, 1e-308, -1e308, 4.9e-324};
  ck_same_bits(xsum_of(b, 4), 1e-308 + 4.9e-324);
  aeon_xsum s;
  aeon_xsum_init(&s);
  ck_same_bits(aeon_xsum_value(&s), 0.0);
  for (int i = 0; i < 100000; i++) {
    aeon_xsum_add(&s, 1e-300);
    aeon_xsum_add(&s, -1e-300);
  }
  ck_same_bits(aeon_xsum_value(&s), 0.0);
  aeon_xsum_add(&s, -1e-300);
  ck_same_bits(aeon_xsum_value(&s), -1e-300);
  aeon_xsum_add(&s, 3e-310);
  ck_same_bits(aeon_xsum_value(&s), -1e-300 + 3e-310);
}
END_TEST

START_TEST(single_values_round_trip) {
  uint64_t rs = 1;
  aeon_xsum s;
  for (int i = 0; i < 200000; i++) {
    double x = rand_dbl(&rs, 0, 2046);
    if (x == 0.0) continue; /* the exact sum of -0 is +0 */
    aeon_xsum_init(&s);
    aeon_xsum_add(&s, x);
    ck_same_bits(aeon_xsum_value(&s), x);
  }
  double special[] = {DBL_MAX, -DBL_MAX, DBL_MIN, -DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN,
                      DBL_MIN - DBL_TRUE_MIN, 1.0, -1.0, 0x1p52, 0x1p53, 0x1.fffffffffffffp-1022};
  for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
    aeon_xsum_init(&s);
    aeon_xsum_add(&s, special[i]);
    ck_same_bits(aeon_xsum_value(&s), special[i]);
  }
}
END_TEST

/* Two doubles: IEEE addition is correctly rounded, so the exact sum must round to x + y. */
START_TEST(pairs_match_ieee_addition) {
  uint64_t rs = 2;
  for (int i = 0; i < 300000; i++) {
    unsigned lo = (i % 3 == 0) ? 0 : 900, hi = (i % 3 == 0) ? 2046 : 1140;
    double x = rand_dbl(&rs, lo, hi), y = rand_dbl(&rs, lo, hi);
    if (i % 5 == 0) y = -x * (1.0 + 0x1p-50 * (double)(i % 7)); /* near cancellation */
    if (!isfinite(y)) continue;
    double r = x + y;
    if (r == 0.0) r = 0.0; /* exact zero sums are +0 */
    double a[] = {x, y};
    ck_same_bits(xsum_of(a, 2), r);
  }
}
END_TEST

/* Three terms: x*y = p + e exactly, so the exact sum p + e + z rounds to fma(x, y, z). */
START_TEST(triples_match_fma) {
  uint64_t rs = 3;
  for (int i = 0; i < 300000; i++) {
    double x = rand_dbl(&rs, 700, 1300), y = rand_dbl(&rs, 700, 1300);
    double p = x * y, e = fma(x, y, -p);
    double z = (i & 1) ? rand_dbl(&rs, 400, 1600) : -p * (1.0 + 0x1p-52 * (double)(i % 5));
    double r = fma(x, y, z);
    if (r == 0.0) r = 0.0;
    double a[] = {p, z, e};
    ck_same_bits(xsum_of(a, 3), r);
  }
}
END_TEST

START_TEST(ties_to_even) {
  double t1[] = {0x1p53, 1.0};
  ck_same_bits(xsum_of(t1, 2), 0x1p53);                 /* tie, even stays */
  double t2[] = {0x1p53, 3.0};
  ck_same_bits(xsum_of(t2, 2), 0x1p53 + 4.0);           /* tie, odd rounds up */
  double t3[] = {1.0, 0x1p-53};
  ck_same_bits(xsum_of(t3, 2), 1.0);
  double t4[] = {1.0, 0x1p-53, 0x1p-200};                /* just above the tie */
  ck_same_bits(xsum_of(t4, 3), 1.0 + 0x1p-52);
  double t5[] = {1.0 + 0x1p-52, 0x1p-53};
  ck_same_bits(xsum_of(t5, 2), 1.0 + 0x1p-51);
  double t6[] = {-1.0 - 0x1p-52, -0x1p-53};
  ck_same_bits(xsum_of(t6, 2), -1.0 - 0x1p-51);
  double t7[] = {-1.0, -0x1p-53, 0x1p-1074};             /* just below the tie in magnitude */
  ck_same_bits(xsum_of(t7, 3), -1.0);
  double t8[] = {0x1p60, 0x1p7, -0x1p-1074};             /* just below the tie: rounds down */
  ck_same_bits(xsum_of(t8, 3), 0x1p60);
  double t9[] = {0x1p60, 0x1p7, 0x1p-1074};              /* the only sticky bit is the lowest one */
  ck_same_bits(xsum_of(t9, 3), 0x1p60 + 0x1p8);
  double t10[] = {-1.0, -0x1p-53, -DBL_TRUE_MIN};
  ck_same_bits(xsum_of(t10, 3), -1.0 - 0x1p-52);
}
END_TEST

START_TEST(subnormals) {
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (int i = 0; i < 1000; i++) aeon_xsum_add(&s, DBL_TRUE_MIN);
  ck_same_bits(aeon_xsum_value(&s), 1000 * DBL_TRUE_MIN);
  double a[] = {DBL_MIN, -DBL_TRUE_MIN};
  ck_same_bits(xsum_of(a, 2), 0x1.ffffffffffffep-1023);
  double b[] = {0x1p-1023, 0x1p-1023};
  ck_same_bits(xsum_of(b, 2), DBL_MIN);
  double c[] = {-0x1.8p-1070, -0x1p-1074, 0x1p-1073};
  ck_same_bits(xsum_of(c, 3), -0x1.7p-1070); /* -23 * 2^-1074 */
  double d[] = {-0.0, -0.0};
  ck_same_bits(xsum_of(d, 2), 0.0);
}
END_TEST

START_TEST(overflow) {
  double a[] = {DBL_MAX, DBL_MAX};
  ck_same_bits(xsum_of(a, 2), INFINITY);
  double b[] = {DBL_MAX, DBL_MAX, -DBL_MAX};
  ck_same_bits(xsum_of(b, 3), DBL_MAX);
  double c[] = {-DBL_MAX, -DBL_MAX};
  ck_same_bits(xsum_of(c, 2), -INFINITY);
  double d[] = {DBL_MAX, 0x1p970}; /* tie with odd mantissa: rounds up, overflows */
  ck_same_bits(xsum_of(d, 2), INFINITY);
  double e[] = {DBL_MAX, 0x1p970, -DBL_TRUE_MIN};
  ck_same_bits(xsum_of(e, 3), DBL_MAX);
  double f[] = {DBL_MAX, 0x1p969};
  ck_same_bits(xsum_of(f, 2), DBL_MAX);
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (int i = 0; i < 100000; i++) aeon_xsum_add(&s, DBL_MAX);
  ck_same_bits(aeon_xsum_value(&s), INFINITY);
  for (int i = 0; i < 99999; i++) aeon_xsum_add(&s, -DBL_MAX);
  ck_same_bits(aeon_xsum_value(&s), DBL_MAX);
}
END_TEST

START_TEST(nonfinite_counted) {
  aeon_xsum s, t;
  aeon_xsum_init(&s);
  aeon_xsum_add(&s, 1.0);
  ck_assert_int_eq(s.nonfinite, 0);
  aeon_xsum_add(&s, NAN);
  aeon_xsum_add(&s, INFINITY);
  aeon_xsum_add(&s, -INFINITY);
  ck_assert_int_eq(s.nonfinite, 3);
  ck_assert(isnan(aeon_xsum_value(&s)));
  aeon_xsum_init(&t);
  aeon_xsum_add(&t, -NAN);
  aeon_xsum_merge(&t, &s);
  ck_assert_int_eq(t.nonfinite, 4);
  ck_assert(isnan(aeon_xsum_value(&t)));
}
END_TEST

/* Values m * 2^e with e in [-30, 10]: every partial sum fits in __float128's 113 bits. */
START_TEST(matches_float128_reference) {
  uint64_t rs = 4;
  enum { N = 20000 };
  static double x[N];
  for (int rep = 0; rep < 20; rep++) {
    __float128 ref = 0;
    for (int i = 0; i < N; i++) {
      int64_t m = (int64_t)(rng_next(&rs) >> 11) * ((rng_next(&rs) & 1) ? 1 : -1);
      int e = (int)(rng_next(&rs) % 41) - 30 - 52;
      x[i] = ldexp((double)m, e);
      ref += (__float128)x[i];
    }
    ck_same_bits(xsum_of(x, N), (double)ref);
  }
}
END_TEST

static void shuffle(double *x, int n, uint64_t *rs) {
  for (int i = n - 1; i > 0; i--) {
    int j = (int)(rng_next(rs) % (uint64_t)(i + 1));
    double t = x[i];
    x[i] = x[j];
    x[j] = t;
  }
}

/* Sums x split into random contiguous parts, merged in a scrambled order. */
static double partitioned_sum(const double *x, int n, uint64_t *rs) {
  enum { MAXP = 17 };
  aeon_xsum part[MAXP], total;
  int np = 1 + (int)(rng_next(rs) % MAXP), start = 0;
  for (int p = 0; p < np; p++) {
    int end = p == np - 1 ? n : start + (int)(rng_next(rs) % (uint64_t)(n - start + 1));
    aeon_xsum_init(&part[p]);
    for (int i = start; i < end; i++) aeon_xsum_add(&part[p], x[i]);
    start = end;
  }
  aeon_xsum_init(&total);
  int first = (int)(rng_next(rs) % (uint64_t)np);
  for (int k = 0; k < np; k++) aeon_xsum_merge(&total, &part[(first + k * 5) % np]); /* may repeat */
  for (int k = 0; k < np; k++) aeon_xsum_merge(&total, &part[(first + k * 5) % np]);
  aeon_xsum_merge(&total, &total); /* doubles everything... */
  aeon_xsum tmp = total;
  for (int i = 0; i < AEON_XSUM_LIMBS; i++) tmp.limb[i] = -tmp.limb[i];
  aeon_xsum_merge(&total, &tmp); /* ...and this cancels it to zero: total is exactly 0 */
  for (int p = 0; p < np; p++) aeon_xsum_merge(&total, &part[p]);
  return aeon_xsum_value(&total);
}

START_TEST(order_and_partition_independent) {
  uint64_t rs = 5;
  enum { N = 50000 };
  static double x[N];
  for (int i = 0; i < N; i++)
    x[i] = (i % 4 == 0) ? rand_dbl(&rs, 0, 2046) : rand_dbl(&rs, 1000, 1050);
  x[17] = DBL_MAX;
  x[18] = -DBL_MAX; /* the huge pair cancels, leaving the rest to decide the rounding */
  double ref = xsum_of(x, N);
  for (int perm = 0; perm < 10; perm++) {
    shuffle(x, N, &rs);
    ck_same_bits(xsum_of(x, N), ref);
    ck_same_bits(partitioned_sum(x, N, &rs), ref);
  }
}
END_TEST

/* More than 2^29 additions of full-width digits: exercises the periodic normalisation
 * (UBSan would report a limb overflow). */
START_TEST(many_additions_no_overflow) {
  const double x = 0x1.fffffffffffffp40; /* spans three digits */
  const long n = (1L << 29) + 12345;
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (long i = 0; i < n; i++) aeon_xsum_add(&s, x);
  ck_assert_int_lt(s.pending, (int64_t)1 << 29);
  ck_same_bits(aeon_xsum_value(&s), (double)((__float128)x * (__float128)n));
  s.pending = ((int64_t)1 << 29) - 3; /* pending bookkeeping from a copy still works */
  for (long i = 0; i < 2 * n; i++) aeon_xsum_add(&s, -x);
  ck_same_bits(aeon_xsum_value(&s), (double)(-(__float128)x * (__float128)n));
}
END_TEST

/* ---- norms ---------------------------------------------------------------- */

START_TEST(norm_basics) {
  aeon_norm_acc a;
  aeon_norm_acc_init(&a);
  ck_same_bits(aeon_norm_acc_rms(&a), 0.0);
  double v[] = {3.0, -4.0, 0.0, 12.0};
  aeon_norm_acc_add_array(&a, v, 4);
  ck_assert_int_eq(a.count, 4);
  ck_same_bits(aeon_norm_acc_l2(&a, 1.0), 13.0);
  ck_same_bits(aeon_norm_acc_l2(&a, 4.0), 26.0);
  ck_same_bits(aeon_norm_acc_rms(&a), 6.5);
  ck_same_bits(aeon_norm_acc_max(&a), 12.0);
  ck_assert_int_eq(aeon_norm_acc_nonfinite(&a), 0);
  aeon_norm_acc_add(&a, -20.0);
  ck_same_bits(aeon_norm_acc_max(&a), 20.0);
  ck_assert_int_eq(a.count, 5);
}
END_TEST

START_TEST(norm_nonfinite_and_overflow) {
  aeon_norm_acc a;
  aeon_norm_acc_init(&a);
  aeon_norm_acc_add(&a, 1e200); /* the square overflows: +Inf norm, not a non-finite value */
  aeon_norm_acc_add(&a, 1.0);
  ck_assert_int_eq(aeon_norm_acc_nonfinite(&a), 0);
  ck_same_bits(aeon_norm_acc_l2(&a, 1.0), INFINITY);
  ck_same_bits(aeon_norm_acc_max(&a), 1e200);
  double v[] = {2.0, NAN, -INFINITY};
  aeon_norm_acc_add_array(&a, v, 3);
  ck_assert_int_eq(aeon_norm_acc_nonfinite(&a), 2);
  ck_assert(isnan(aeon_norm_acc_l2(&a, 1.0)));
  ck_assert(isnan(aeon_norm_acc_max(&a)));
  ck_assert(isnan(aeon_norm_acc_rms(&a)));
  ck_assert(!isnan(a.maxabs)); /* NaN never enters the max (MPI_MAX stays order independent) */
}
END_TEST

START_TEST(norm_sum2_exact) {
  uint64_t rs = 7;
  enum { N = 30000 };
  static double x[N];
  __float128 ref = 0;
  double mx = 0;
  for (int i = 0; i < N; i++) {
    x[i] = ldexp((double)(int64_t)(rng_next(&rs) >> 38) * ((i & 1) ? 1 : -1), (int)(rng_next(&rs) % 20) - 10);
    ref += (__float128)x[i] * x[i]; /* 26-bit mantissas: squares are exact doubles */
    mx = fmax(mx, fabs(x[i]));
  }
  aeon_norm_acc a[3];
  for (int k = 0; k < 3; k++) aeon_norm_acc_init(&a[k]);
  aeon_norm_acc_add_array(&a[0], x, N);
  for (int i = N - 1; i >= 0; i--) aeon_norm_acc_add(&a[1], x[i]);
  ck_same_bits(aeon_xsum_value(&a[0].sum2), (double)ref);
  ck_same_bits(aeon_norm_acc_l2(&a[0], 0.5), aeon_norm_acc_l2(&a[1], 0.5));
  ck_same_bits(aeon_norm_acc_max(&a[0]), mx);
  aeon_norm_acc_add_array(&a[2], x, 0);
  ck_assert_int_eq(a[2].count, 0);
  ck_same_bits(aeon_norm_acc_l2(&a[2], 1.0), 0.0);
}
END_TEST

/* aeon_norm_acc_add_rows (k interleaved sums, k = 1..7) equals k separate aeon_norm_acc_add_array calls bit for bit,
 * including subnormal squares, zeros, a NaN and a square that overflows. */
START_TEST(norm_add_rows_matches_arrays) {
  uint64_t rs = 11;
  enum { N = 5000, K = 7 };
  static double x[K][N];
  for (int q = 0; q < K; q++)
    for (int i = 0; i < N; i++)
      x[q][i] = ldexp((double)(int64_t)(rng_next(&rs) >> 11) * ((i & 1) ? 1 : -1), (int)(rng_next(&rs) % 80) - 600);
  x[1][7] = 0.0, x[2][9] = 1e-170, x[3][11] = NAN, x[4][13] = 1e200, x[5][17] = -0.0;
  for (int k = 1; k <= K; k++) {
    aeon_norm_acc a[K], b[K];
    const double *rows[K];
    for (int q = 0; q < k; q++) aeon_norm_acc_init(&a[q]), aeon_norm_acc_init(&b[q]), rows[q] = x[q];
    aeon_norm_acc_add_rows(a, k, rows, N);
    for (int q = 0; q < k; q++) aeon_norm_acc_add_array(&b[q], x[q], N);
    for (int q = 0; q < k; q++) {
      ck_assert_int_eq(a[q].count, b[q].count);
      ck_assert_int_eq(a[q].sum2.nonfinite, b[q].sum2.nonfinite);
      ck_same_bits(aeon_norm_acc_l2(&a[q], 1.0), aeon_norm_acc_l2(&b[q], 1.0));
      ck_same_bits(aeon_norm_acc_max(&a[q]), aeon_norm_acc_max(&b[q]));
    }
  }
}
END_TEST

/* The vectorised path of aeon_norm_acc_add_array (three-level integer split per chunk of 2048) leaves exactly the
 * accumulator that one aeon_norm_acc_add per value leaves (normalised limbs compared), for rows of smooth values,
 * squares at the edges of the fast path's range (2^50, 2^-900), rows whose dynamic range forces the scalar path
 * partway, zeros, subnormal squares, and lengths across the chunk size. */
START_TEST(norm_fast_path_exact) {
  uint64_t rs = 13;
  enum { N = 5000 };
  static double x[N];
  const long lens[] = {1, 7, 48, 2047, 2048, 2049, N};
  for (int kind = 0; kind < 6; kind++)
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
      long n = lens[li];
      for (long i = 0; i < n; i++) {
        double r = (double)(int64_t)(rng_next(&rs) >> 11) * 0x1p-53; /* [0, 1), 53 bits */
        switch (kind) {
        case 0: x[i] = sin(0.37 * (double)i + r); break;                     /* smooth, zero crossings */
        case 1: x[i] = ldexp(r, (int)(rng_next(&rs) % 40) - 20); break;      /* 40 binades */
        case 2: x[i] = ldexp(r, (int)(rng_next(&rs) % 140) - 100); break;    /* beyond three levels */
        case 3: x[i] = (i % 3 ? 1.0 : -1.0) * ldexp(1.0 + r, 24); break;     /* squares just below 2^50 */
        case 4: x[i] = ldexp(1.0 + r, -450); break;                          /* squares near 2^-900 */
        default: x[i] = i % 5 == 0 ? 0.0 : ldexp(r, -530 - (int)(i % 9)); /* subnormal squares */
        }
      }
      if (kind == 3 && n > 3) x[n / 2] = ldexp(1.0, 25); /* a square of exactly 2^50: outside the fast range */
      aeon_norm_acc a, b;
      aeon_norm_acc_init(&a), aeon_norm_acc_init(&b);
      aeon_norm_acc_add_array(&a, x, n);
      for (long i = 0; i < n; i++) aeon_norm_acc_add(&b, x[i]);
      aeon_xsum z;
      aeon_xsum_init(&z);
      aeon_xsum_merge(&a.sum2, &z); /* normalises */
      aeon_xsum_merge(&b.sum2, &z);
      ck_assert_msg(memcmp(a.sum2.limb, b.sum2.limb, sizeof a.sum2.limb) == 0, "kind %d, n %ld: sums differ", kind, n);
      ck_assert_int_eq(a.count, b.count);
      ck_assert_int_eq(a.sum2.nonfinite, b.sum2.nonfinite);
      ck_same_bits(aeon_norm_acc_max(&a), aeon_norm_acc_max(&b));
      ck_same_bits(aeon_norm_acc_l2(&a, 1.0), aeon_norm_acc_l2(&b, 1.0));
    }
}
END_TEST

/* ---- speed (printed, not asserted) --------------------------------------------- */

START_TEST(speed_report) {
  enum { N = 1 << 20, REPS = 40 };
  double *x = malloc(N * sizeof *x);
  ck_assert_ptr_nonnull(x);
  uint64_t rs = 8;
  for (int i = 0; i < N; i++) x[i] = rand_dbl(&rs, 1000, 1046);
  aeon_xsum s;
  aeon_xsum_init(&s);
  double t0 = now_s();
  for (int r = 0; r < REPS; r++)
    for (int i = 0; i < N; i++) aeon_xsum_add(&s, x[i]);
  double t1 = now_s();
  aeon_norm_acc a;
  aeon_norm_acc_init(&a);
  for (int r = 0; r < REPS; r++) aeon_norm_acc_add_array(&a, x, N);
  double t2 = now_s();
  double naive = 0;
  for (int r = 0; r < REPS; r++)
    for (int i = 0; i < N; i++) naive += x[i];
  double t3 = now_s();
  for (int i = 0; i < N; i++) x[i] = sin(1e-3 * i); /* squares below 2^50: the vectorised path */
  aeon_norm_acc b;
  aeon_norm_acc_init(&b);
  double t4 = now_s();
  for (int r = 0; r < REPS; r++) aeon_norm_acc_add_array(&b, x, N);
  double t5 = now_s();
  double per = 1e9 / ((double)N * REPS);
  printf("reduce speed: aeon_xsum_add %.2f ns/add, aeon_norm_acc_add_array %.2f ns/value (squares overflow: scalar "
         "path), %.2f ns/value (|x| <= 1: vectorised path), plain double sum %.2f ns/add (checksum %g %g %g %g)\n",
         (t1 - t0) * per, (t2 - t1) * per, (t5 - t4) * per, (t3 - t2) * per, aeon_xsum_value(&s),
         aeon_norm_acc_l2(&a, 1.0), aeon_norm_acc_l2(&b, 1.0), naive);
  free(x);
}
END_TEST

static Suite *reduce_suite(void) {
  Suite *s = suite_create("reduce");
  TCase *tc = tcase_create("xsum");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, cancellation);
  tcase_add_test(tc, single_values_round_trip);
  tcase_add_test(tc, pairs_match_ieee_addition);
  tcase_add_test(tc, triples_match_fma);
  tcase_add_test(tc, ties_to_even);
  tcase_add_test(tc, subnormals);
  tcase_add_test(tc, overflow);
  tcase_add_test(tc, nonfinite_counted);
  tcase_add_test(tc, matches_float128_reference);
  tcase_add_test(tc, order_and_partition_independent);
  tcase_add_test(tc, many_additions_no_overflow);
  suite_add_tcase(s, tc);
  TCase *tn = tcase_create("norms");
  tcase_set_timeout(tn, 600);
  tcase_add_test(tn, norm_basics);
  tcase_add_test(tn, norm_nonfinite_and_overflow);
  tcase_add_test(tn, norm_sum2_exact);
  tcase_add_test(tn, norm_add_rows_matches_arrays);
  tcase_add_test(tn, norm_fast_path_exact);
  tcase_add_test(tn, speed_report);
  suite_add_tcase(s, tn);
  return s;
}

int main(void) { return aeon_test_run_suite(reduce_suite()); }
