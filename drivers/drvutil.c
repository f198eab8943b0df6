/* Small helpers shared by the drivers: kernel calls with flop counting, the
 * not-SPD error, and the statistics of a factorization. */
#include <string.h>
#include <time.h>

#include "drv_internal.h"

void drv_run(const aeon_kernel *k, aeon_tile_call *c, double *flops) {
  k->run(c);
  *flops += k->flops(c);
}

long drv_first_row(long i0, int P, int p) { return i0 + ((p - i0 % P) % P + P) % P; }

/* Number of tiles from row i (step P) below i1 that lie one below the other in the same panels as row i (for both c
 * and a), at most max. */
static long run_length(const drv_stack *st, long i, long i1, int P, int nb, long max) {
  int ldc, lda = 0, l;
  double *c0 = st->c(st->cctx, i, &ldc), *a0 = st->a ? st->a(st->actx, i, &lda) : NULL;
  long n = 1;
  for (long r = i + P; r < i1 && n < max; r += P, n++) {
    if (st->c(st->cctx, r, &l) != c0 + n * nb || l != ldc || ldc < (n + 1) * nb) break;
    if (st->a && (st->a(st->actx, r, &l) != a0 + n * nb || l != lda || lda < (n + 1) * nb)) break;
  }
  return n;
}

void drv_run_stack(const aeon_kernel *k, aeon_tile_call call, const aeon_tiled *A, long i0, long i1,
                   const drv_stack *st, double *flops) {
  int P = A->grid->P;
  long max = DRV_STACK_ROWS / A->nb > 1 ? DRV_STACK_ROWS / A->nb : 1;
  for (long i = drv_first_row(i0, P, A->grid->p); i < i1;) {
    long n = run_length(st, i, i1, P, A->nb, max), last = i + (n - 1) * P;
    call.m = (int)((n - 1) * A->nb + aeon_tiled_rows(A, last));
    call.c = st->c(st->cctx, i, &call.ldc);
    if (st->a) call.a = st->a(st->actx, i, &call.lda);
    drv_run(k, &call, flops);
    i = last + P;
    if (st->between && i < i1) st->between(st->bctx);
  }
}

void drv_invert(const aeon_kernel *inv, const double *L, int ldl, int n, int nb, double *Linv, double *flops) {
  drv_copy_tile(L, ldl, Linv, nb, nb);
  aeon_tile_call c = {.m = n, .c = Linv, .ldc = nb};
  drv_run(inv, &c, flops);
}

void drv_zero_upper(double *t, int n, int ld) {
  for (int c = 1; c < n; c++)
    for (int r = 0; r < c; r++) t[(size_t)c * ld + r] = 0.0;
}

aeon_err drv_not_spd(long col, long n) {
  return AE_ERR(AEON_ERR_USER,
                "the matrix is not positive definite: Cholesky failed at global column %ld of %ld "
                "(1-based; the leading %ld x %ld minor is not positive definite)",
                col, n, col, col);
}

double drv_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void drv_counts_start(const aeon_tiled *A, drv_counts *c) {
  c->t0 = drv_now();
  c->flops = 0;
  c->recv = 0;
  aeon_tiled_io(A, &c->rd0, &c->wr0);
}

aeon_err drv_finish_stats(const aeon_tiled *A, const drv_counts *c, aeon_chol_stats *st) {
  uint64_t rd, wr;
  aeon_tiled_io(A, &rd, &wr);
  double loc[2] = {drv_now() - c->t0, (double)aeon_gov_peak(A->gov)}, mx[2];
  double sum_l[4] = {c->flops, (double)(rd - c->rd0), (double)(wr - c->wr0), (double)c->recv}, sum[4];
  MPI_Comm comm = A->grid->comm;
  AE_MPI(MPI_Allreduce(loc, mx, 2, MPI_DOUBLE, MPI_MAX, comm));
  AE_MPI(MPI_Allreduce(sum_l, sum, 4, MPI_DOUBLE, MPI_SUM, comm));
  st->seconds = mx[0];
  st->peak = (size_t)mx[1];
  st->flops = sum[0];
  st->io_read = (uint64_t)sum[1];
  st->io_written = (uint64_t)sum[2];
  st->comm_bytes = (uint64_t)sum[3];
  return AEON_OK;
}
