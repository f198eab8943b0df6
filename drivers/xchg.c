/* Strip exchange: the tiles (i, k) of a column strip go from their owners
 * straight to the ranks that need them, with non-blocking point-to-point
 * messages: the process row of i needs (i, k) as the left operand of an update,
 * the process column of i needs it as the right (transposed) operand. Every
 * rank posts its exchanges in the same order, so messages match by order; the
 * tag (the tile row) is a further check. A tile inside a column-major panel
 * travels as an MPI vector type (nb columns of nb values, stride ld). With a
 * send buffer, the tiles of the owner's process row (all the row operands the
 * other ranks of that row need) are packed into one column-major panel and go
 * in contiguous pieces to each rank, received straight into the receiver's
 * row panel: a contiguous message is one the library can copy on the
 * receiver's side alone (CMA, XPMEM, RDMA), where a vector type needs the
 * sender to take part in every fragment. */
#include <string.h>

#include "aeon/memory.h"
#include "drv_internal.h"

aeon_err xc_init(xchg *x, const aeon_tiled *A, long rows) {
  memset(x, 0, sizeof *x);
  const aeon_pgrid *g = A->grid;
  x->tcap = rows > 0 ? rows : 1;
  x->reqcap = (int)(x->tcap * (g->P + g->Q));
  AE_CHK(aeon_mem_alloc((size_t)x->tcap * sizeof *x->t, (void **)&x->t));
  AE_CHK(aeon_mem_alloc((size_t)x->tcap * sizeof *x->ld, (void **)&x->ld));
  AE_CHK(aeon_mem_alloc((size_t)x->reqcap * sizeof *x->req, (void **)&x->req));
  return AEON_OK;
}

void xc_set_sendbuf(xchg *x, double *sbuf, long scap) {
  x->sbuf = sbuf;
  x->scap = sbuf ? scap : 0;
}

void xc_free(xchg *x) {
  aeon_mem_free(x->t);
  aeon_mem_free(x->ld);
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

/* The datatype of one nb x nb tile with leading dimension ld (committed; the caller frees it). */
static aeon_err tile_type(int nb, int ld, MPI_Datatype *t) {
  AE_MPI(MPI_Type_vector(nb, nb, ld, MPI_DOUBLE, t));
  AE_MPI(MPI_Type_commit(t));
  return AEON_OK;
}

/* Posts one tile message (send or receive) of the tile t with leading dimension ld. */
static aeon_err post_one(xchg *x, const aeon_tiled *A, MPI_Comm comm, double *t, int ld, int peer, long i, int recv) {
  MPI_Datatype ty;
  AE_CHK(tile_type(A->nb, ld, &ty));
  int rc = recv ? MPI_Irecv(t, 1, ty, peer, (int)i, comm, &x->req[x->nreq++])
                : MPI_Isend(t, 1, ty, peer, (int)i, comm, &x->req[x->nreq++]);
  MPI_Type_free(&ty); /* the pending operation keeps its own reference */
  if (rc != MPI_SUCCESS) return AE_ERR(AEON_ERR_MPI, "posting tile %ld of an exchange failed", i);
  return AEON_OK;
}

/* Sends tile t (row i, leading dimension ld) to every rank needing it, except this one (and except the ranks of the
 * process row when the row panel went packed). */
static aeon_err send_tile(xchg *x, const aeon_tiled *A, MPI_Comm comm, long i, int mode, int row_packed, double *t,
                          int ld) {
  const aeon_pgrid *g = A->grid;
  int pi = (int)(i % g->P), qi = (int)(i % g->Q);
  for (int q = 0; (mode & XC_ROW) && !row_packed && q < g->Q; q++) {
    int dst = pi * g->Q + q;
    if (dst != g->rank) AE_CHK(post_one(x, A, comm, t, ld, dst, i, 0));
  }
  for (int p = 0; (mode & XC_COL) && p < g->P; p++) {
    int dst = p * g->Q + qi;
    if (dst != g->rank && !((mode & XC_ROW) && p == pi)) AE_CHK(post_one(x, A, comm, t, ld, dst, i, 0));
  }
  return AEON_OK;
}

/* Receives tile i from its owner at t (leading dimension ld). */
static aeon_err recv_tile(xchg *x, const aeon_tiled *A, MPI_Comm comm, long i, double *t, int ld) {
  x->t[i - x->i0] = t;
  x->ld[i - x->i0] = ld;
  AE_CHK(post_one(x, A, comm, t, ld, aeon_tiled_owner(A, i, x->k), i, 1));
  x->recv_bytes += (uint64_t)A->nb * A->nb * sizeof(double);
  return AEON_OK;
}

/* The tag of a packed row panel: above every tile row, so it never matches a tile message. */
static int panel_tag(const aeon_tiled *A, long i0) { return (int)(A->mt + i0); }

/* Doubles in one piece of a packed panel: max(2^16, nb^2) (a piece is what a transport without single copy
 * pipelines well; with it, each piece is still one receiver-side copy). */
static long piece_len(const aeon_tiled *A) { return (long)A->nb * A->nb > 65536 ? (long)A->nb * A->nb : 65536; }

/* Posts the pieces of a packed panel of len doubles at buf that start in [from, to) (sends or receives). */
static int post_pieces(xchg *x, const aeon_tiled *A, MPI_Comm comm, double *buf, long from, long to, long len,
                       int peer, int tag, int recv) {
  long piece = piece_len(A);
  for (long o = from; o < to && o < len; o += piece) {
    int n = (int)(len - o < piece ? len - o : piece);
    int rc = recv ? MPI_Irecv(buf + o, n, MPI_DOUBLE, peer, tag, comm, &x->req[x->nreq++])
                  : MPI_Isend(buf + o, n, MPI_DOUBLE, peer, tag, comm, &x->req[x->nreq++]);
    if (rc != MPI_SUCCESS) return -1;
  }
  return 0;
}

/* Packs this rank's tiles (i, k), i in its process row within [i0, i1), into sbuf as one column-major panel, column
 * by column, and sends each piece to every other rank of the process row as soon as it is packed; returns the
 * number of tiles (0: none), -1 on failure. */
static long send_packed(xchg *x, const aeon_tiled *A, MPI_Comm comm, long i0, long i1, tile_fn src, void *sctx) {
  const aeon_pgrid *g = A->grid;
  long n = 0, nb = A->nb;
  for (long i = drv_first_row(i0, g->P, g->p); i < i1; i += g->P) n++;
  if (n > x->scap) return -1; /* the caller sized the buffer for every panel */
  if (n == 0) return 0;
  long len = n * nb * nb, piece = piece_len(A), posted = 0;
  for (long c = 0; c < nb; c++) {
    for (long i = drv_first_row(i0, g->P, g->p), r = 0; i < i1; i += g->P, r++) {
      int ld;
      const double *t = src(sctx, i, x->k, &ld);
      memcpy(x->sbuf + c * n * nb + r * nb, t + c * ld, (size_t)nb * sizeof(double));
    }
    long ready = c + 1 == nb ? len : (c + 1) * n * nb / piece * piece; /* pieces wholly packed */
    for (int q = 0; q < g->Q && ready > posted; q++)
      if (q != g->q && post_pieces(x, A, comm, x->sbuf, posted, ready, len, g->p * g->Q + q, panel_tag(A, i0), 0))
        return -1;
    posted = ready > posted ? ready : posted;
  }
  return n;
}

/* Rows of this rank's process row in [i0, i1) that it must receive. */
static long row_recvs(const aeon_tiled *A, long k, long i0, long i1) {
  long n = 0;
  for (long i = drv_first_row(i0, A->grid->P, A->grid->p); i < i1; i += A->grid->P)
    n += aeon_tiled_owner(A, i, k) != A->grid->rank;
  return n;
}

/* Posts the receive of the packed row panel of nrow tiles into rbuf (see send_packed). */
static aeon_err recv_packed(xchg *x, const aeon_tiled *A, MPI_Comm comm, long nrow, double *rbuf) {
  const aeon_pgrid *g = A->grid;
  for (long i = drv_first_row(x->i0, g->P, g->p), r = 0; i < x->i1; i += g->P, r++) {
    x->t[i - x->i0] = rbuf + r * A->nb;
    x->ld[i - x->i0] = (int)(nrow * A->nb);
  }
  int owner = aeon_tiled_owner(A, drv_first_row(x->i0, g->P, g->p), x->k);
  long len = nrow * A->nb * A->nb;
  if (post_pieces(x, A, comm, rbuf, 0, len, len, owner, panel_tag(A, x->i0), 1))
    return AE_ERR(AEON_ERR_MPI, "posting the receive of the row panel of tile column %ld failed", x->k);
  x->recv_bytes += (uint64_t)nrow * A->nb * A->nb * sizeof(double);
  return AEON_OK;
}

aeon_err xc_post(xchg *x, const aeon_tiled *A, MPI_Comm comm, long k, long i0, long i1, int mode, tile_fn src,
                 void *sctx, double *rbuf, long cap) {
  if (i1 - i0 > x->tcap) return AE_ERR(AEON_ERR_INTERNAL, "strip of %ld tiles exceeds %ld", i1 - i0, x->tcap);
  const aeon_pgrid *g = A->grid;
  size_t tb = (size_t)A->nb * A->nb;
  x->k = k;
  x->i0 = i0;
  x->i1 = i1;
  x->nreq = 0;
  long nrow = (mode & XC_ROW) ? row_recvs(A, k, i0, i1) : 0, used = nrow;
  if (xc_recv_count(A, k, i0, i1, mode) > cap)
    return AE_ERR(AEON_ERR_INTERNAL, "receive buffer of %ld tiles is too small", cap);
  int packed = (mode & XC_ROW) && x->sbuf && g->Q > 1, ldrow = (int)(nrow > 0 ? nrow * A->nb : A->nb);
  if (packed && k % g->Q == g->q && send_packed(x, A, comm, i0, i1, src, sctx) < 0)
    return AE_ERR(AEON_ERR_INTERNAL, "packing or posting the row panel of tile column %ld failed", k);
  if (packed && nrow > 0) AE_CHK(recv_packed(x, A, comm, nrow, rbuf));
  for (long i = i0, r = 0; i < i1; i++) {
    int in_panel = packed && i % g->P == g->p; /* a row of the packed row panel (sent or received) */
    if (in_panel && nrow > 0) continue;         /* received: recv_packed set it */
    x->t[i - i0] = NULL;
    if (aeon_tiled_owner(A, i, k) == g->rank) {
      x->t[i - i0] = src(sctx, i, k, &x->ld[i - i0]);
      if (!x->t[i - i0]) return AE_ERR(AEON_ERR_INTERNAL, "tile (%ld, %ld) is missing on its owner", i, k);
      AE_CHK(send_tile(x, A, comm, i, mode, in_panel, x->t[i - i0], x->ld[i - i0]));
    } else if ((mode & XC_ROW) && i % g->P == g->p) {
      AE_CHK(recv_tile(x, A, comm, i, rbuf + (size_t)A->nb * r++, ldrow));
    }
  }
  for (long i = i0; i < i1; i++)
    if (!x->t[i - i0] && needs(A, i, mode)) AE_CHK(recv_tile(x, A, comm, i, rbuf + tb * used++, A->nb));
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

double *xc_tile(const xchg *x, long i, int *ld) {
  if (i < x->i0 || i >= x->i1 || !x->t[i - x->i0]) return NULL;
  if (ld) *ld = x->ld[i - x->i0];
  return x->t[i - x->i0];
}
