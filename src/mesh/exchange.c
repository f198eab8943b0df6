/* Ghost exchange with all 26 neighbours (faces, edges, corners) in one round.
 * A plan is made once for a selection of variables of a field set and a ghost
 * width w (1 <= w <= grid.ghost): the boxes of its messages, packed buffers and
 * persistent MPI requests on a communicator of its own (a duplicate of the
 * Cartesian one), so several plans can be in flight at once and a step
 * allocates nothing. start packs the selected variables' w boundary layers and
 * starts every send and receive, then copies the self links; finish waits and
 * unpacks into the w ghost layers. A direction in which a rank wraps around
 * onto itself (a periodic direction with one rank) is a direct copy from
 * interior to ghosts. A thin direction (fewer than w points: periodic and not
 * split, as aeon_mesh_setup_patch ensures) takes no part in the messages; finish
 * fills its ghosts last by wrapping its own points as often as needed (with one
 * point every ghost is that point), over the other directions' filled ranges.
 * Directions along which a patch is on a physical
 * (non-periodic) face have no neighbour; the ghosts of radiative faces are part
 * of the evolved state (whatever w) and travel inside the face messages of the
 * other directions. */
#include <string.h>

#include "aeon/memory.h"
#include "aeon/mesh.h"

#define NDIR 26

typedef struct {
  int peer;             /* neighbour rank (never MPI_PROC_NULL here) */
  int tag_send, tag_recv; /* direction of the message as sent by its sender */
  aeon_box send, recv;  /* local boxes packed into / unpacked from the buffers */
  double *sbuf, *rbuf;  /* nsel * box size doubles each */
} link_t;

/* A neighbour that is this rank itself: the layers sent towards o land in the ghosts on the side -o. */
typedef struct {
  aeon_box from, to;
} self_link;

struct aeon_exchange {
  const aeon_mesh *m;
  MPI_Comm comm;      /* this plan's own duplicate of the Cartesian communicator (its tag space) */
  int nvar_total;     /* variables of the field sets the plan accepts */
  int width;          /* ghost layers exchanged */
  int thin[3];        /* 1: fewer than width points in this direction, ghosts filled by wrap_thin */
  int nlinks, nself;
  link_t link[NDIR];
  self_link self[NDIR];
  MPI_Request req[2 * NDIR];
  double *buffers;
  int nsel;           /* selected variables, indices in var[] */
  int var[];
};

static int dir_index(const int o[3]) { return (o[0] + 1) + 3 * (o[1] + 1) + 9 * (o[2] + 1); }

/* The box of width w sent to the neighbour at offset o (recv = 0) or received from it (recv = 1). Along a
 * direction with offset 0 it spans the evolved range, radiative ghosts included (evolved data, not ghosts). */
static aeon_box link_box(const aeon_mesh *m, const int o[3], int w, int recv) {
  aeon_box b;
  for (int d = 0; d < 3; d++) {
    if (o[d] == 0) {
      b.lo[d] = m->evolved.lo[d];
      b.hi[d] = m->evolved.hi[d];
    } else if (o[d] > 0) {
      b.lo[d] = recv ? m->n[d] : m->n[d] - w;
      b.hi[d] = b.lo[d] + w;
    } else {
      b.lo[d] = recv ? -w : 0;
      b.hi[d] = b.lo[d] + w;
    }
  }
  return b;
}

/* Copies the rows of box b of every selected variable between the field set and a buffer. */
static void copy_box(const aeon_exchange *ex, const aeon_box *b, double *buf, double *data, size_t stride,
                     int to_buffer) {
  const aeon_mesh *m = ex->m;
  const long nx = b->hi[0] - b->lo[0], sy = m->sy, sz = m->sz;
  const int j0 = b->lo[1], j1 = b->hi[1], k0 = b->lo[2], k1 = b->hi[2], nsel = ex->nsel;
  const size_t row = (size_t)nx * sizeof(double);
  for (int s = 0; s < nsel; s++) {
    double *u = data + (size_t)ex->var[s] * stride + aeon_idx(m, b->lo[0], 0, 0);
    for (int k = k0; k < k1; k++)
      for (int j = j0; j < j1; j++) {
        double *p = u + j * sy + k * sz;
        if (to_buffer) memcpy(buf, p, row);
        else memcpy(p, buf, row);
        buf += nx;
      }
  }
}

/* Finds the neighbours and the sizes of their messages; returns total doubles needed. */
static size_t plan_links(aeon_exchange *ex) {
  size_t total = 0;
  const aeon_mesh *m = ex->m;
  int w = ex->width;
  for (int oz = -1; oz <= 1; oz++)
    for (int oy = -1; oy <= 1; oy++)
      for (int ox = -1; ox <= 1; ox++) {
        int o[3] = {ox, oy, oz}, back[3] = {-ox, -oy, -oz};
        if (!ox && !oy && !oz) continue;
        if ((ox && ex->thin[0]) || (oy && ex->thin[1]) || (oz && ex->thin[2])) continue;
        int peer = aeon_par_neighbor(m->par, o);
        if (peer == MPI_PROC_NULL) continue;
        if (peer == m->par->rank) {
          ex->self[ex->nself].from = link_box(m, o, w, 0);
          ex->self[ex->nself++].to = link_box(m, back, w, 1);
          continue;
        }
        link_t *l = &ex->link[ex->nlinks++];
        l->peer = peer;
        l->tag_send = dir_index(o);
        l->tag_recv = dir_index(back);
        l->send = link_box(m, o, w, 0);
        l->recv = link_box(m, o, w, 1);
        total += 2 * (size_t)ex->nsel * (size_t)aeon_box_size(&l->send);
      }
  return total;
}

/* Checks a plan's arguments (the same on every rank). */
static aeon_err check_plan(const aeon_mesh *m, int nvar_total, int nsel, const int *vars, int width) {
  if (width < 1) return AE_ERR(AEON_ERR_USER, "exchange width %d must be at least 1", width);
  if (width > m->ghost)
    return AE_ERR(AEON_ERR_USER, "exchange width %d exceeds the mesh's grid.ghost = %d", width, m->ghost);
  if (nvar_total < 1) return AE_ERR(AEON_ERR_USER, "exchange of a field set of %d variables", nvar_total);
  if (!vars) return AEON_OK;
  if (nsel < 1 || nsel > nvar_total)
    return AE_ERR(AEON_ERR_USER, "exchange of %d variables out of %d (need 1 to %d)", nsel, nvar_total, nvar_total);
  for (int s = 0; s < nsel; s++) {
    if (vars[s] < 0 || vars[s] >= nvar_total)
      return AE_ERR(AEON_ERR_USER, "exchange variable index %d out of range (the field set has %d variables: 0 to %d)",
                    vars[s], nvar_total, nvar_total - 1);
    for (int t = 0; t < s; t++)
      if (vars[t] == vars[s]) return AE_ERR(AEON_ERR_USER, "exchange variable %d selected twice", vars[s]);
  }
  return AEON_OK;
}

/* Allocates the plan and its buffers (local, no MPI). */
static aeon_err alloc_plan(const aeon_mesh *m, int nvar_total, int nsel, const int *vars, int width,
                           aeon_exchange **exp) {
  aeon_exchange *ex = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *ex + sizeof(int) * (size_t)nsel, (void **)&ex));
  ex->m = m;
  ex->comm = MPI_COMM_NULL;
  ex->nvar_total = nvar_total;
  ex->width = width;
  ex->nsel = nsel;
  for (int i = 0; i < 2 * NDIR; i++) ex->req[i] = MPI_REQUEST_NULL;
  for (int s = 0; s < nsel; s++) ex->var[s] = vars ? vars[s] : s;
  for (int d = 0; d < 3; d++) ex->thin[d] = m->n[d] < width;
  size_t total = plan_links(ex);
  aeon_err e = aeon_mem_alloc(sizeof(double) * (total ? total : 1), (void **)&ex->buffers);
  if (e) {
    aeon_mem_free(ex);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *exp = ex;
  return AEON_OK;
}

/* Gives every link its buffers and persistent requests on the plan's communicator. */
static aeon_err init_requests(aeon_exchange *ex) {
  double *p = ex->buffers;
  for (int i = 0; i < ex->nlinks; i++) {
    link_t *l = &ex->link[i];
    int count = ex->nsel * (int)aeon_box_size(&l->send);
    l->sbuf = p;
    l->rbuf = p + count;
    p += 2 * (size_t)count;
    AE_MPI(MPI_Send_init(l->sbuf, count, MPI_DOUBLE, l->peer, l->tag_send, ex->comm, &ex->req[2 * i]));
    AE_MPI(MPI_Recv_init(l->rbuf, count, MPI_DOUBLE, l->peer, l->tag_recv, ex->comm, &ex->req[2 * i + 1]));
  }
  return AEON_OK;
}

aeon_err aeon_exchange_create_plan(const aeon_mesh *m, int nvar_total, int nsel, const int *vars, int width,
                                   aeon_exchange **exp) {
  *exp = NULL;
  aeon_exchange *ex = NULL;
  aeon_err e = check_plan(m, nvar_total, nsel, vars, width);
  if (!e) e = alloc_plan(m, nvar_total, vars ? nsel : nvar_total, vars, width, &ex);
  e = aeon_par_agree(m->par->cart, e);
  if (e) {
    aeon_exchange_destroy(ex);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *exp = ex;
  AE_MPI(MPI_Comm_dup(m->par->cart, &ex->comm));
  AE_CHK(init_requests(ex));
  return AEON_OK;
}

aeon_err aeon_exchange_create(const aeon_mesh *m, int nvar, aeon_exchange **ex) {
  AE_CHK(aeon_exchange_create_plan(m, nvar, nvar, NULL, m->ghost, ex));
  return AEON_OK;
}

void aeon_exchange_destroy(aeon_exchange *ex) {
  if (!ex) return;
  for (int i = 0; i < 2 * ex->nlinks; i++)
    if (ex->req[i] != MPI_REQUEST_NULL) MPI_Request_free(&ex->req[i]);
  if (ex->comm != MPI_COMM_NULL) MPI_Comm_free(&ex->comm);
  aeon_mem_free(ex->buffers);
  aeon_mem_free(ex);
}

/* Copies the wrapped-around layers of every self link (while the messages travel). */
static void copy_self(const aeon_exchange *ex, const aeon_fields *f) {
  const aeon_mesh *m = ex->m;
  const long sy = m->sy, sz = m->sz;
  for (int s = 0; s < ex->nself; s++) {
    const aeon_box *a = &ex->self[s].from, *b = &ex->self[s].to;
    const int ny = a->hi[1] - a->lo[1], nz = a->hi[2] - a->lo[2], nsel = ex->nsel;
    const size_t row = (size_t)(a->hi[0] - a->lo[0]) * sizeof(double);
    const long from = aeon_idx(m, a->lo[0], a->lo[1], a->lo[2]), to = aeon_idx(m, b->lo[0], b->lo[1], b->lo[2]);
    for (int v = 0; v < nsel; v++) {
      double *u = aeon_var(f, ex->var[v]);
      for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++) memcpy(u + to + j * sy + k * sz, u + from + j * sy + k * sz, row);
    }
  }
}

aeon_err aeon_exchange_start(aeon_exchange *ex, const aeon_fields *f) {
  if (f->nvar != ex->nvar_total)
    return AE_ERR(AEON_ERR_INTERNAL, "exchange planned for %d variables, given %d", ex->nvar_total, f->nvar);
  for (int i = 0; i < ex->nlinks; i++) copy_box(ex, &ex->link[i].send, ex->link[i].sbuf, f->data, f->stride, 1);
  if (ex->nlinks) AE_MPI(MPI_Startall(2 * ex->nlinks, ex->req));
  copy_self(ex, f);
  return AEON_OK;
}

/* Fills the w ghost layers of the thin direction d from its n[d] own points (layer l from layer l mod n[d]),
 * over the ranges of the other directions that the messages filled (their w layers or evolved ghosts). */
static void wrap_thin(const aeon_exchange *ex, aeon_fields *f, int d) {
  const aeon_mesh *m = ex->m;
  const int w = ex->width, n = m->n[d];
  const long stride = d == 0 ? 1 : d == 1 ? m->sy : m->sz;
  aeon_box b; /* the rows copied: layer 0 of d (shifted to each layer below), the filled range of the others */
  for (int e = 0; e < 3; e++) {
    b.lo[e] = m->evolved.lo[e] < -w ? m->evolved.lo[e] : -w;
    b.hi[e] = m->evolved.hi[e] > m->n[e] + w ? m->evolved.hi[e] : m->n[e] + w;
  }
  b.lo[d] = 0;
  b.hi[d] = 1;
  const size_t row = (size_t)(b.hi[0] - b.lo[0]) * sizeof(double);
  for (int v = 0; v < ex->nsel; v++) {
    double *u = aeon_var(f, ex->var[v]);
    for (int l = -w; l < n + w; l++) {
      if (l == 0) l = n; /* the ghost layers only */
      const long to = l * stride, from = (long)(((l % n) + n) % n) * stride;
      for (int k = b.lo[2]; k < b.hi[2]; k++)
        for (int j = b.lo[1]; j < b.hi[1]; j++) {
          double *p = u + aeon_idx(m, b.lo[0], j, k);
          memcpy(p + to, p + from, row);
        }
    }
  }
}

aeon_err aeon_exchange_finish(aeon_exchange *ex, aeon_fields *f) {
  if (ex->nlinks) AE_MPI(MPI_Waitall(2 * ex->nlinks, ex->req, MPI_STATUSES_IGNORE));
  if (f->nvar != ex->nvar_total)
    return AE_ERR(AEON_ERR_INTERNAL, "exchange planned for %d variables, given %d", ex->nvar_total, f->nvar);
  for (int i = 0; i < ex->nlinks; i++) copy_box(ex, &ex->link[i].recv, ex->link[i].rbuf, f->data, f->stride, 0);
  for (int d = 0; d < 3; d++)
    if (ex->thin[d]) wrap_thin(ex, f, d);
  return AEON_OK;
}
