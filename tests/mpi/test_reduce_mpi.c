/* ranks: 1 2 3 4 */
/* Exact reductions give the same bits for every rank count and decomposition:
 * a fixed pseudo-random global array is split into uneven contiguous blocks
 * (boundaries depend on the rank count), reduced with aeon_xsum_allreduce and
 * aeon_norm_acc_allreduce, and compared bit for bit with rank 0's
 * single-process result over the whole array. Writes nothing to disk. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/reduce.h"

#define N 100003
#define NX 20   /* exact sums: more than one allreduce batch */
#define NN 3    /* norm accumulators */
#define NAN_AT 77777
#define NRES (2 * NX + 6 * NN)

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return *s;
}

/* Random mantissa and sign; exponents mostly within 2^+-60, sometimes anywhere from 2^-1000 to
 * 2^1000, sometimes subnormal. The same array on every rank (fixed seed). */
static void make_data(double *x) {
  uint64_t s = 20240611;
  for (long i = 0; i < N; i++) {
    uint64_t r = lcg(&s), q = lcg(&s) >> 33;
    uint64_t e = (q % 97 == 0) ? 23 + (q >> 8) % 2001 : 963 + (q >> 8) % 121;
    if (q % 1009 == 0) e = 0;
    uint64_t b = (r & 0x800fffffffffffffULL) | e << 52;
    memcpy(&x[i], &b, sizeof b);
    if (i % 1000 == 500) x[i] = -x[i - 499]; /* exact cancellations across block boundaries */
  }
}

/* Accumulates global elements [lo, hi) of x. Accumulator k scales by 2^(k - 10) and takes
 * every (k+1)-th element, from k = 10 on only those below 2^64 in magnitude (so that no
 * huge value dominates and every bit matters); accumulator 5 also sees one NaN. */
static void accumulate(const double *x, long lo, long hi, aeon_xsum *s, aeon_norm_acc *a) {
  for (int k = 0; k < NX; k++) aeon_xsum_init(&s[k]);
  for (int k = 0; k < NN; k++) aeon_norm_acc_init(&a[k]);
  for (long i = lo; i < hi; i++) {
    for (int k = 0; k < NX; k++)
      if (i % (k + 1) == 0 && (k < 10 || fabs(x[i]) < 0x1p64))
        aeon_xsum_add(&s[k], x[i] * ldexp(1.0, k - 10));
    if (i == NAN_AT) aeon_xsum_add(&s[5], NAN);
    if (i % 2 == 0) aeon_norm_acc_add(&a[1], x[i] * 0x1p-600); /* includes subnormal squares */
  }
  aeon_norm_acc_add_array(&a[0], x + lo, hi - lo);
  long l2 = lo > N / 3 ? N / 3 : lo, h2 = hi > N / 3 ? N / 3 : hi; /* empty on later ranks */
  aeon_norm_acc_add_array(&a[2], x + l2, h2 - l2);
}

static void results(const aeon_xsum *s, const aeon_norm_acc *a, double *res) {
  int j = 0;
  for (int k = 0; k < NX; k++) {
    res[j++] = aeon_xsum_value(&s[k]);
    res[j++] = (double)s[k].nonfinite;
  }
  for (int k = 0; k < NN; k++) {
    res[j++] = aeon_norm_acc_l2(&a[k], 1.0);
    res[j++] = aeon_norm_acc_l2(&a[k], 1e-3);
    res[j++] = aeon_norm_acc_rms(&a[k]);
    res[j++] = aeon_norm_acc_max(&a[k]);
    res[j++] = (double)a[k].count;
    res[j++] = (double)aeon_norm_acc_nonfinite(&a[k]);
  }
}

/* Limbs of the normalised exact sum (a merge into zero normalises). */
static void normalised(const aeon_xsum *s, aeon_xsum *out) {
  aeon_xsum_init(out);
  aeon_xsum_merge(out, s);
}

static int check_limbs(const aeon_xsum *s, const aeon_xsum *ref) {
  int bad = 0;
  for (int k = 0; k < NX; k++) {
    aeon_xsum a, b;
    normalised(&s[k], &a);
    normalised(&ref[k], &b);
    if (memcmp(a.limb, b.limb, sizeof a.limb) != 0) {
      printf("FAIL: limbs of sum %d differ from the single-process ones\n", k);
      bad = 1;
    }
  }
  return bad;
}

static int compare(const double *got, const double *want, const char *what, int rank) {
  int bad = 0;
  for (int j = 0; j < NRES; j++)
    if (memcmp(&got[j], &want[j], sizeof got[j]) != 0) {
      printf("FAIL rank %d: %s result %d is %a, expected %a\n", rank, what, j, got[j], want[j]);
      bad = 1;
    }
  return bad;
}

/* Compares with rank 0's single-process result; returns nonzero on any difference. */
static int verify(const double *x, aeon_xsum *s, aeon_norm_acc *a, int rank, MPI_Comm comm) {
  double got[NRES], want[NRES];
  results(s, a, got);
  int bad = 0;
  if (rank == 0) {
    static aeon_xsum rs[NX];
    static aeon_norm_acc ra[NN];
    accumulate(x, 0, N, rs, ra);
    results(rs, ra, want);
    bad |= compare(got, want, "single-process", rank);
    bad |= check_limbs(s, rs);
    if (ra[0].count != N || rs[5].nonfinite != 1 || rs[4].nonfinite != 0) {
      printf("FAIL: reference counts are wrong\n");
      bad = 1;
    }
  }
  MPI_Bcast(want, NRES, MPI_DOUBLE, 0, comm); /* every rank must hold the same bits */
  bad |= compare(got, want, "rank-0", rank);
  return bad;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm comm = MPI_COMM_WORLD;
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  double *x = malloc(N * sizeof *x);
  if (!x) MPI_Abort(comm, 2);
  make_data(x);

  /* Uneven contiguous blocks: lo(r) = N r (r + P) / (2 P^2). */
  long p2 = 2L * size * size;
  long lo = (long)((int64_t)N * rank * (rank + size) / p2);
  long hi = (long)((int64_t)N * (rank + 1) * (rank + 1 + size) / p2);
  static aeon_xsum s[NX];
  static aeon_norm_acc a[NN];
  accumulate(x, lo, hi, s, a);
  double naive = 0, local_naive = 0; /* the same sum as s[10], for comparison */
  for (long i = lo; i < hi; i++)
    if (i % 11 == 0 && fabs(x[i]) < 0x1p64) local_naive += x[i];
  MPI_Allreduce(&local_naive, &naive, 1, MPI_DOUBLE, MPI_SUM, comm);

  int bad = 0;
  if (aeon_xsum_allreduce(s, NX, comm) != AEON_OK || aeon_norm_acc_allreduce(a, NN, comm) != AEON_OK) {
    printf("FAIL rank %d: allreduce returned an error\n", rank);
    bad = 1;
  }
  if (aeon_xsum_allreduce(s, 0, comm) != AEON_OK ||
      aeon_xsum_allreduce(s, -1, comm) != AEON_ERR_INTERNAL) {
    printf("FAIL rank %d: bad counts are not handled\n", rank);
    bad = 1;
  }
  bad |= verify(x, s, a, rank, comm);

  int any_bad = 0;
  MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_MAX, comm);
  if (rank == 0 && !any_bad)
    printf("PASS test_reduce_mpi: np=%d, %d sums and %d norms bit-identical to one process "
           "(sum[10] %a, l2 %a; a plain MPI_SUM of doubles gave %a)\n",
           size, NX, NN, aeon_xsum_value(&s[10]), aeon_norm_acc_l2(&a[1], 1.0), naive);
  free(x);
  MPI_Finalize();
  return any_bad ? 1 : 0;
}
