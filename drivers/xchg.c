/* Strip exchange: the tiles (i, k) of a column strip go from their owners
 * straight to the ranks that need them, with non-blocking point-to-point
 * messages: the process row of i needs (i, k) as the left operand of an update,
 * the process column of i needs it as the right (transposed) operand. Every
 * rank posts its exchanges in the same order, so messages match by order; the
 * tag (the tile row) is a further check. */
#include <string.h>

#include "aeon/memory.h"
#include "drv_internal.h"

aeon_err xc_init(xchg *x, const aeon_tiled *A, long rows) {
  memset(x, 0, sizeof *x);
  const aeon_pgrid *g = A->grid;
  x->tcap = rows > 0 ? rows : 1;
  x->reqcap = (int)(x->tcap * (g->P + g->Q));
  AE_CHK(aeon_mem_alloc((size_t)x->tcap * sizeof *x->t, (void **)&x->t));
  AE_CHK(aeon_mem_alloc((size_t)x->reqcap * sizeof *x->req, (void **)&x->req));
  return AEON_OK;
}

void xc_free(xchg *x) {
  aeon_mem_free(x->t);
  aeon_mem_free(x->req);
  memset(x, 0, sizeof *x);
}

static int needs(const aeon_tiled *A, long i, int mode) {
  const aeon_pgrid *g = A->grid;
  return ((mode & XC_ROW) && i % g->P == g->p) || ((mode & XC_COL) && i % g->Q == g->q);
}

long xc_recv_count(const aeon_tiled *A, long k, long i0, long i1, int mode) {
  long n = 0;
  for (long i = i0; i < i1; i++) n += needs(A, i, mode) && aeon_tiled_owner(A, i, k) != A->grid->rank;
  return n;
}

/* Sends tile t (row i) to every rank needing it, except this one. */
static aeon_err send_tile(xchg *x, const aeon_tiled *A, MPI_Comm comm, long i, int mode, double *t) {
  const aeon_pgrid *g = A->grid;
  int n = A->nb * A->nb, pi = (int)(i % g->P), qi = (int)(i % g->Q), tag = (int)i;
  for (int q = 0; (mode & XC_ROW) && q < g->Q; q++) {
    int dst = pi * g->Q + q;
    if (dst != g->rank) AE_MPI(MPI_Isend(t, n, MPI_DOUBLE, dst, tag, comm, &x->req[x->nreq++]));
  }
  for (int p = 0; (mode & XC_COL) && p < g->P; p++) {
    int dst = p * g->Q + qi;
    if (dst != g->rank && !((mode & XC_ROW) && p == pi))
      AE_MPI(MPI_Isend(t, n, MPI_DOUBLE, dst, tag, comm, &x->req[x->nreq++]));
  }
  return AEON_OK;
}

/* Receives tile i from its owner into the next free slot of rbuf. */
static aeon_err recv_tile(xchg *x, const aeon_tiled *A, MPI_Comm comm, long i, double *rbuf, long cap, long *used) {
  size_t tb = (size_t)A->nb * A->nb;
  if (*used >= cap) return AE_ERR(AEON_ERR_INTERNAL, "receive buffer of %ld tiles is too small", cap);
  double *t = x->t[i - x->i0] = rbuf + tb * (*used)++;
  AE_MPI(MPI_Irecv(t, (int)tb, MPI_DOUBLE, aeon_tiled_owner(A, i, x->k), (int)i, comm, &x->req[x->nreq++]));
  x->recv_bytes += tb * sizeof(double);
  return AEON_OK;
}

/* Receive slots go first to the rows of this rank's process row, in order, so that those tiles (the left operands
 * of an update) lie one after the other like the tiles of a local column; then to the rest. */
aeon_err xc_post(xchg *x, const aeon_tiled *A, MPI_Comm comm, long k, long i0, long i1, int mode, tile_fn src,
                 void *sctx, double *rbuf, long cap) {
  if (i1 - i0 > x->tcap) return AE_ERR(AEON_ERR_INTERNAL, "strip of %ld tiles exceeds %ld", i1 - i0, x->tcap);
  const aeon_pgrid *g = A->grid;
  x->k = k;
  x->i0 = i0;
  x->i1 = i1;
  x->nreq = 0;
  long used = 0;
  for (long i = i0; i < i1; i++) {
    double **t = &x->t[i - i0];
    *t = NULL;
    if (aeon_tiled_owner(A, i, k) == g->rank) {
      *t = src(sctx, i, k);
      if (!*t) return AE_ERR(AEON_ERR_INTERNAL, "tile (%ld, %ld) is missing on its owner", i, k);
      AE_CHK(send_tile(x, A, comm, i, mode, *t));
    } else if ((mode & XC_ROW) && i % g->P == g->p) {
      AE_CHK(recv_tile(x, A, comm, i, rbuf, cap, &used));
    }
  }
  for (long i = i0; i < i1; i++)
    if (!x->t[i - i0] && needs(A, i, mode)) AE_CHK(recv_tile(x, A, comm, i, rbuf, cap, &used));
  return AEON_OK;
}

aeon_err xc_wait(xchg *x) {
  if (x->nreq) AE_MPI(MPI_Waitall(x->nreq, x->req, MPI_STATUSES_IGNORE));
  x->nreq = 0;
  return AEON_OK;
}

void xc_test(xchg *x) {
  int flag;
  if (x->nreq) MPI_Testall(x->nreq, x->req, &flag, MPI_STATUSES_IGNORE);
}

double *xc_tile(const xchg *x, long i) { return (i >= x->i0 && i < x->i1) ? x->t[i - x->i0] : NULL; }
