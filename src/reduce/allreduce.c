/* Rank-count-independent reductions of exact sums and norm accumulators.
 *
 * Each accumulator is normalised (limbs in [0, 2^32), the top limb signed)
 * and packed with its counters into a stack buffer of int64; one
 * MPI_Allreduce(MPI_SUM) adds them as integers, which is exact and
 * associative, so every rank count and order gives the same integers. The
 * result is normalised again. At most XR_BATCH accumulators go in one
 * MPI call; larger n is handled in batches (same batches on every rank, as
 * all ranks must pass the same n). No allocation happens per call. */
#include <string.h>

#include "aeon/reduce.h"

#include "reduce/xsum_internal.h"

#define XR_BATCH 16                      /* accumulators per MPI call */
#define XR_WORDS (AEON_XSUM_LIMBS + 1)   /* limbs + nonfinite */
#define NR_WORDS (XR_WORDS + 1)          /* limbs + nonfinite + count */

/* Normalises s and writes its limbs and nonfinite count to w[0 .. XR_WORDS). */
static void pack_xsum(aeon_xsum *s, int64_t *w) {
  aeon_xsum_normalize_(s);
  memcpy(w, s->limb, sizeof s->limb);
  w[AEON_XSUM_LIMBS] = s->nonfinite;
}

static void unpack_xsum(aeon_xsum *s, const int64_t *w) {
  memcpy(s->limb, w, sizeof s->limb);
  s->nonfinite = w[AEON_XSUM_LIMBS];
  aeon_xsum_normalize_(s);
}

static aeon_err xsum_batch(aeon_xsum *s, int n, MPI_Comm comm) {
  int64_t buf[XR_BATCH * XR_WORDS];
  for (int k = 0; k < n; k++) pack_xsum(&s[k], buf + k * XR_WORDS);
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, buf, n * XR_WORDS, MPI_INT64_T, MPI_SUM, comm));
  for (int k = 0; k < n; k++) unpack_xsum(&s[k], buf + k * XR_WORDS);
  return AEON_OK;
}

aeon_err aeon_xsum_allreduce(aeon_xsum *s, int n, MPI_Comm comm) {
  if (n < 0) return AE_ERR(AEON_ERR_INTERNAL, "aeon_xsum_allreduce: negative count %d", n);
  for (int k = 0; k < n; k += XR_BATCH)
    AE_CHK(xsum_batch(s + k, n - k < XR_BATCH ? n - k : XR_BATCH, comm));
  return AEON_OK;
}

static aeon_err norm_batch(aeon_norm_acc *a, int n, MPI_Comm comm) {
  int64_t buf[XR_BATCH * NR_WORDS];
  double mx[XR_BATCH];
  for (int k = 0; k < n; k++) {
    pack_xsum(&a[k].sum2, buf + k * NR_WORDS);
    buf[k * NR_WORDS + XR_WORDS] = a[k].count;
    mx[k] = a[k].maxabs; /* never NaN (see norms.c), so MPI_MAX is order independent */
  }
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, buf, n * NR_WORDS, MPI_INT64_T, MPI_SUM, comm));
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, mx, n, MPI_DOUBLE, MPI_MAX, comm));
  for (int k = 0; k < n; k++) {
    unpack_xsum(&a[k].sum2, buf + k * NR_WORDS);
    a[k].count = buf[k * NR_WORDS + XR_WORDS];
    a[k].maxabs = mx[k];
  }
  return AEON_OK;
}

aeon_err aeon_norm_acc_allreduce(aeon_norm_acc *a, int n, MPI_Comm comm) {
  if (n < 0) return AE_ERR(AEON_ERR_INTERNAL, "aeon_norm_acc_allreduce: negative count %d", n);
  for (int k = 0; k < n; k += XR_BATCH)
    AE_CHK(norm_batch(a + k, n - k < XR_BATCH ? n - k : XR_BATCH, comm));
  return AEON_OK;
}
