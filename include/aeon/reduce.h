/* Reductions that give the same bits for any rank count and decomposition:
 * sums are accumulated exactly in a wide fixed-point integer (a long
 * accumulator), merged across ranks with integer MPI sums, and rounded to
 * double once at the end. Max norms are exact by nature. */
#ifndef AEON_REDUCE_H
#define AEON_REDUCE_H

#include <stdint.h>

#include <mpi.h>

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 32-bit digits covering every finite double (2^-1074 .. 2^1024) plus headroom for carries. */
#define AEON_XSUM_LIMBS 70

/* An exact sum of doubles. Plain data: may be copied, sent, and stored. */
typedef struct aeon_xsum {
  int64_t limb[AEON_XSUM_LIMBS]; /* digit i weighs 2^(32 i - 1074); kept in (-2^62, 2^62) */
  int64_t pending;               /* additions since the last carry normalisation */
  int64_t nonfinite;             /* number of NaN / Inf values offered (they are not added) */
} aeon_xsum;

/* Sets the sum to zero. */
void aeon_xsum_init(aeon_xsum *s);
/* Adds x exactly (a NaN or Inf is counted in nonfinite instead). */
void aeon_xsum_add(aeon_xsum *s, double x);
/* Adds the exact value of b to a. */
void aeon_xsum_merge(aeon_xsum *a, const aeon_xsum *b);
/* Returns the exact sum rounded to the nearest double (ties to even); NaN if any non-finite value was offered. */
double aeon_xsum_value(const aeon_xsum *s);
/* Sums n accumulators element-wise over comm, in place, exactly (same result on every rank). */
aeon_err aeon_xsum_allreduce(aeon_xsum *s, int n, MPI_Comm comm);

/* Accumulated norms of a set of values: exact sum of squares, max |x|, count, non-finite count. */
typedef struct aeon_norm_acc {
  aeon_xsum sum2; /* exact sum of x^2 (times the weight given to aeon_norm_acc_add) */
  double maxabs;  /* max |x| */
  int64_t count;  /* values offered */
} aeon_norm_acc;

/* Sets a norm accumulator to zero. */
void aeon_norm_acc_init(aeon_norm_acc *a);
/* Offers one value. */
void aeon_norm_acc_add(aeon_norm_acc *a, double x);
/* Offers n contiguous values. */
void aeon_norm_acc_add_array(aeon_norm_acc *a, const double *x, long n);
/* Offers n values of each of k arrays x[q] to accumulator a[q] (the same results as k calls of
 * aeon_norm_acc_add_array). */
void aeon_norm_acc_add_rows(aeon_norm_acc *a, int k, const double *const *x, long n);
/* Combines n accumulators element-wise over comm, in place (same bits on every rank for any decomposition). */
aeon_err aeon_norm_acc_allreduce(aeon_norm_acc *a, int n, MPI_Comm comm);
/* Returns sqrt(weight * sum x^2): the L2 norm of the values with cell weight (e.g. dx*dy*dz, or 1/count for RMS). */
double aeon_norm_acc_l2(const aeon_norm_acc *a, double weight);
/* Returns the RMS value sqrt(sum x^2 / count). */
double aeon_norm_acc_rms(const aeon_norm_acc *a);
/* Returns max |x| (NaN if a non-finite value was offered). */
double aeon_norm_acc_max(const aeon_norm_acc *a);
/* Returns the number of NaN/Inf values offered. */
int64_t aeon_norm_acc_nonfinite(const aeon_norm_acc *a);

#ifdef __cplusplus
}
#endif
#endif
