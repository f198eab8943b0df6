/* Small helpers shared by the drivers: kernel calls with flop counting, the
 * not-SPD error, and the statistics of a factorization. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drv_internal.h"

void drv_run(const aeon_kernel *k, aeon_tile_call *c, double *flops) {
  k->run(c);
  *flops += k->flops(c);
}

void drv_ioerr_note(drv_ioerr *x, aeon_err e) {
  if (!e || x->code) return;
  x->code = e;
  snprintf(x->msg, sizeof x->msg, "%s", aeon_error_message());
}

aeon_err drv_ioerr_get(const drv_ioerr *x) {
  if (x->code) aeon_error_adopt(x->code, x->msg);
  return x->code;
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
  long max = DRV_STACK_ROWS / A->nb > 1 && !st->per_tile ? DRV_STACK_ROWS / A->nb : 1;
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

aeon_err drv_reduce_totals(MPI_Comm comm, const drv_totals *mine, drv_totals *all) {
  double loc[2] = {mine->seconds, mine->peak}, mx[2];
  double sum_l[4] = {mine->flops, mine->io_read, mine->io_written, mine->comm_bytes}, sum[4];
  AE_MPI(MPI_Allreduce(loc, mx, 2, MPI_DOUBLE, MPI_MAX, comm));
  AE_MPI(MPI_Allreduce(sum_l, sum, 4, MPI_DOUBLE, MPI_SUM, comm));
  *all = (drv_totals){.seconds = mx[0], .peak = mx[1], .flops = sum[0], .io_read = sum[1], .io_written = sum[2],
                      .comm_bytes = sum[3]};
  return AEON_OK;
}

aeon_err drv_finish_stats(const aeon_tiled *A, const drv_counts *c, aeon_chol_stats *st) {
  uint64_t rd, wr;
  aeon_tiled_io(A, &rd, &wr);
  drv_totals all, mine = {.seconds = drv_now() - c->t0, .peak = (double)aeon_gov_peak(A->gov), .flops = c->flops,
                          .io_read = (double)(rd - c->rd0), .io_written = (double)(wr - c->wr0),
                          .comm_bytes = (double)c->recv};
  AE_CHK(drv_reduce_totals(A->grid->comm, &mine, &all));
  st->seconds = all.seconds;
  st->peak = (size_t)all.peak;
  st->flops = all.flops;
  st->io_read = (uint64_t)all.io_read;
  st->io_written = (uint64_t)all.io_written;
  st->comm_bytes = (uint64_t)all.comm_bytes;
  return AEON_OK;
}
