/* Ghost exchange with all 26 neighbours (faces, edges, corners) in one round:
 * persistent MPI requests and packed buffers made once, so a step allocates
 * nothing. A direction in which a rank wraps around onto itself (a periodic
 * direction with one rank) is a direct copy from interior to ghosts. Directions along which a patch is on a physical (non-periodic) face
 * have no neighbour; the ghosts of radiative faces are part of the evolved
 * state and travel inside the face messages of the other directions. */
#include <string.h>

#include "aeon/memory.h"
#include "aeon/mesh.h"

#define NDIR 26

typedef struct {
  int peer;             /* neighbour rank (never MPI_PROC_NULL here) */
  int tag_send, tag_recv; /* direction of the message as sent by its sender */
  aeon_box send, recv;  /* local boxes packed into / unpacked from the buffers */
  double *sbuf, *rbuf;  /* nvar * box size doubles each */
} link_t;

/* A neighbour that is this rank itself: the layers sent towards o land in the ghosts on the side -o. */
typedef struct {
  aeon_box from, to;
} self_link;

struct aeon_exchange {
  const aeon_mesh *m;
  int nvar;
  int nlinks, nself;
  link_t link[NDIR];
  self_link self[NDIR];
  MPI_Request req[2 * NDIR];
  double *buffers;
};

static int dir_index(const int o[3]) { return (o[0] + 1) + 3 * (o[1] + 1) + 9 * (o[2] + 1); }

/* The box sent to the neighbour at offset o (recv = 0) or received from it (recv = 1). */
static aeon_box link_box(const aeon_mesh *m, const int o[3], int recv) {
  aeon_box b;
  int g = m->ghost;
  for (int d = 0; d < 3; d++) {
    if (o[d] == 0) {
      b.lo[d] = m->evolved.lo[d];
      b.hi[d] = m->evolved.hi[d];
    } else if (o[d] > 0) {
      b.lo[d] = recv ? m->n[d] : m->n[d] - g;
      b.hi[d] = b.lo[d] + g;
    } else {
      b.lo[d] = recv ? -g : 0;
      b.hi[d] = b.lo[d] + g;
    }
  }
  return b;
}

/* Copies the rows of box b of every variable between the field set and a buffer. */
static void copy_box(const aeon_mesh *m, const aeon_box *b, double *buf, double *data, size_t stride,
                     int nvar, int to_buffer) {
  size_t row = (size_t)(b->hi[0] - b->lo[0]) * sizeof(double);
  for (int v = 0; v < nvar; v++) {
    double *u = data + (size_t)v * stride;
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++) {
        double *p = u + aeon_idx(m, b->lo[0], j, k);
        if (to_buffer) memcpy(buf, p, row);
        else memcpy(p, buf, row);
        buf += b->hi[0] - b->lo[0];
      }
  }
}

/* Finds the neighbours and the sizes of their messages; returns total doubles needed. */
static size_t plan_links(aeon_exchange *ex) {
  size_t total = 0;
  const aeon_mesh *m = ex->m;
  for (int oz = -1; oz <= 1; oz++)
    for (int oy = -1; oy <= 1; oy++)
      for (int ox = -1; ox <= 1; ox++) {
        int o[3] = {ox, oy, oz};
        if (!ox && !oy && !oz) continue;
        int peer = aeon_par_neighbor(m->par, o);
        if (peer == MPI_PROC_NULL) continue;
        if (peer == m->par->rank) {
          int back[3] = {-ox, -oy, -oz};
          ex->self[ex->nself].from = link_box(m, o, 0);
          ex->self[ex->nself++].to = link_box(m, back, 1);
          continue;
        }
        link_t *l = &ex->link[ex->nlinks++];
        int back[3] = {-ox, -oy, -oz};
        l->peer = peer;
        l->tag_send = dir_index(o);
        l->tag_recv = dir_index(back);
        l->send = link_box(m, o, 0);
        l->recv = link_box(m, o, 1);
        total += 2 * (size_t)ex->nvar * (size_t)aeon_box_size(&l->send);
      }
  return total;
}

aeon_err aeon_exchange_create(const aeon_mesh *m, int nvar, aeon_exchange **exp) {
  aeon_exchange *ex = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *ex, (void **)&ex));
  ex->m = m;
  ex->nvar = nvar;
  size_t total = plan_links(ex);
  aeon_err e = aeon_mem_alloc(sizeof(double) * (total ? total : 1), (void **)&ex->buffers);
  if (e) {
    aeon_mem_free(ex);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  double *p = ex->buffers;
  for (int i = 0; i < ex->nlinks; i++) {
    link_t *l = &ex->link[i];
    int count = nvar * (int)aeon_box_size(&l->send);
    l->sbuf = p;
    l->rbuf = p + count;
    p += 2 * (size_t)count;
    MPI_Send_init(l->sbuf, count, MPI_DOUBLE, l->peer, l->tag_send, m->par->cart, &ex->req[2 * i]);
    MPI_Recv_init(l->rbuf, count, MPI_DOUBLE, l->peer, l->tag_recv, m->par->cart, &ex->req[2 * i + 1]);
  }
  *exp = ex;
  return AEON_OK;
}

void aeon_exchange_destroy(aeon_exchange *ex) {
  if (!ex) return;
  for (int i = 0; i < 2 * ex->nlinks; i++) MPI_Request_free(&ex->req[i]);
  aeon_mem_free(ex->buffers);
  aeon_mem_free(ex);
}

/* Copies the wrapped-around layers of every self link (while the messages travel). */
static void copy_self(const aeon_exchange *ex, const aeon_fields *f) {
  const aeon_mesh *m = ex->m;
  for (int s = 0; s < ex->nself; s++) {
    const aeon_box *a = &ex->self[s].from, *b = &ex->self[s].to;
    size_t row = (size_t)(a->hi[0] - a->lo[0]) * sizeof(double);
    for (int v = 0; v < f->nvar; v++) {
      double *u = aeon_var(f, v);
      for (int k = 0; k < a->hi[2] - a->lo[2]; k++)
        for (int j = 0; j < a->hi[1] - a->lo[1]; j++)
          memcpy(u + aeon_idx(m, b->lo[0], b->lo[1] + j, b->lo[2] + k),
                 u + aeon_idx(m, a->lo[0], a->lo[1] + j, a->lo[2] + k), row);
    }
  }
}

aeon_err aeon_exchange_start(aeon_exchange *ex, const aeon_fields *f) {
  if (f->nvar != ex->nvar)
    return AE_ERR(AEON_ERR_INTERNAL, "exchange planned for %d variables, given %d", ex->nvar, f->nvar);
  for (int i = 0; i < ex->nlinks; i++)
    copy_box(ex->m, &ex->link[i].send, ex->link[i].sbuf, f->data, f->stride, f->nvar, 1);
  if (ex->nlinks) AE_MPI(MPI_Startall(2 * ex->nlinks, ex->req));
  copy_self(ex, f);
  return AEON_OK;
}

aeon_err aeon_exchange_finish(aeon_exchange *ex, aeon_fields *f) {
  if (ex->nlinks) AE_MPI(MPI_Waitall(2 * ex->nlinks, ex->req, MPI_STATUSES_IGNORE));
  for (int i = 0; i < ex->nlinks; i++)
    copy_box(ex->m, &ex->link[i].recv, ex->link[i].rbuf, f->data, f->stride, f->nvar, 0);
  return AEON_OK;
}
