/* Redistribution between two layouts of the same global box. Create (once):
 * intersect this rank's `from` box with every rank's `to` box (what it sends)
 * and every rank's `from` box with its `to` box (what it receives), peers in
 * the order rank + 1, rank + 2, ... (cyclic, so not every rank starts with the
 * same peer); cut each intersection into messages of whole z planes (about
 * 2 MiB each; both sides cut alike, so a message's box is known on both); the
 * part a rank keeps is a direct copy; buffers and requests are allocated here.
 * Apply (every time, allocating nothing): post every receive, then pack and
 * send one message at a time (variable, z, y, rows of x; rows or planes that
 * follow each other in memory, as in a compact array, move as one memcpy),
 * unpacking whatever has arrived in between, so packing, transfer and
 * unpacking overlap; copy the kept part; unpack the rest as it arrives. When
 * no rank sends anything to another (equal layouts), apply is local and calls
 * no MPI. A permuted plan (aeon_redist_create_perm: the `to` layout's axes are
 * a permutation of the `from` layout's) works the same way in the `from`
 * coordinates: the `to` boxes are mapped into them at create, messages are cut
 * and packed as above, and the receiver's unpacking and the kept part's copy
 * write through the permuted strides of the destination in tiles (a local
 * transpose, cache-blocked). */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "layout_internal.h"

typedef struct {
  int rank;     /* the other rank */
  int tag;      /* the message's number within that rank's intersection */
  aeon_box box; /* global points it carries: whole z planes of the intersection */
  long off;     /* its first double in the send or receive buffer */
  int count;    /* its doubles: |box| nvar */
} message;

struct aeon_redist {
  MPI_Comm comm;             /* duplicate of the `from` layout's communicator (owned) */
  int rank, size, nvar;
  int communicates;          /* 1 if some rank sends to another rank */
  aeon_box from_box, to_box; /* this rank's boxes, to check the arrays (to_box in the `to` layout's coordinates) */
  int perm[3], inv[3];       /* to's direction c is from's direction perm[c]; inv[perm[c]] = c */
  int permuted;              /* 1 unless perm is the identity */
  int nsend, nrecv;          /* messages each way */
  message *send, *recv;      /* in peer order (rank + 1, rank + 2, ...), then z */
  aeon_box keep;             /* intersection of this rank's from and to boxes, from coordinates (may be empty) */
  double *sbuf, *rbuf;
  MPI_Request *sreq, *rreq;
  int *arrived;              /* indices from MPI_Testsome / MPI_Waitsome */
  aeon_redist_info info;
};

/* How box b is copied: runs of `run` doubles, jn runs per plane and kn planes per variable. Rows merge into one run
 * when they follow each other in every array given (row stride = the box's width), planes too (plane stride = width
 * x height); a second array may be NULL. */
typedef struct {
  long run, jn, kn;
} runs;

static runs runs_of(const aeon_box *b, const aeon_array *a, const aeon_array *c) {
  long nx = b->hi[0] - b->lo[0], ny = b->hi[1] - b->lo[1], nz = b->hi[2] - b->lo[2];
  int rows = ny == 1 || (a->sy == nx && (!c || c->sy == nx));
  int planes = rows && (nz == 1 || (a->sz == nx * ny && (!c || c->sz == nx * ny)));
  return (runs){nx * (rows ? ny : 1) * (planes ? nz : 1), rows ? 1 : ny, planes ? 1 : nz};
}

/* Copies box b of every variable between an array and a contiguous buffer (x fastest, then y, z, variable). */
static void copy_rows(const aeon_array *a, const aeon_box *b, int nvar, double *buf, int to_buffer) {
  runs r = runs_of(b, a, NULL);
  size_t bytes = sizeof(double) * (size_t)r.run;
  for (int v = 0; v < nvar; v++)
    for (long k = 0; k < r.kn; k++)
      for (long j = 0; j < r.jn; j++) {
        double *p = aeon_array_at(a, v, b->lo[0], b->lo[1] + j, b->lo[2] + k);
        if (to_buffer) memcpy(buf, p, bytes);
        else memcpy(p, buf, bytes);
        buf += r.run;
      }
}

/* Copies box b of every variable from src to dst directly. */
static void copy_direct(const aeon_array *src, aeon_array *dst, const aeon_box *b, int nvar) {
  runs r = runs_of(b, src, dst);
  size_t bytes = sizeof(double) * (size_t)r.run;
  for (int v = 0; v < nvar; v++)
    for (long k = 0; k < r.kn; k++)
      for (long j = 0; j < r.jn; j++) {
        long gj = b->lo[1] + j, gk = b->lo[2] + k;
        memcpy(aeon_array_at(dst, v, b->lo[0], gj, gk), aeon_array_at(src, v, b->lo[0], gj, gk), bytes);
      }
}

/* Transpose tiles: TILE points along x (read contiguously) by TILE points along the direction written contiguously,
 * or by one cache line of it when the reads along that direction lie a page or more apart (fewer pages touched per
 * tile: measured on 256^3, 12-16 ms each way on one core, against 18-40 ms for square tiles of 32 or 64). */
enum { TILE = 64, TILE_FAR = 8, FAR_STRIDE = 4096 };

/* dst[i ds0 + j ds1 + k ds2] = src[i + j ss1 + k ss2] for i, j, k < n[0], n[1], n[2]. Rows when dst keeps x
 * contiguous; otherwise, when some other direction f is contiguous in dst, tiles of x by f (reads along x and
 * writes along f stay within a tile that fits the cache); else point by point. */
static void copy_strided(const double *restrict src, long ss1, long ss2, double *restrict dst, const long ds[3],
                         const long n[3]) {
  const long ss[3] = {1, ss1, ss2};
  if (ds[0] == 1) {
    for (long k = 0; k < n[2]; k++)
      for (long j = 0; j < n[1]; j++) memcpy(dst + j * ds[1] + k * ds[2], src + j * ss1 + k * ss2, sizeof(double) * (size_t)n[0]);
    return;
  }
  int f = ds[1] == 1 ? 1 : ds[2] == 1 ? 2 : 0, g = 3 - f;
  if (!f) {
    for (long k = 0; k < n[2]; k++)
      for (long j = 0; j < n[1]; j++)
        for (long i = 0; i < n[0]; i++) dst[i * ds[0] + j * ds[1] + k * ds[2]] = src[i + j * ss1 + k * ss2];
    return;
  }
  const long tj = ss[f] >= FAR_STRIDE ? TILE_FAR : TILE;
  for (long c = 0; c < n[g]; c++) {
    const double *s0 = src + c * ss[g];
    double *d0 = dst + c * ds[g];
    for (long ib = 0; ib < n[0]; ib += TILE)
      for (long jb = 0; jb < n[f]; jb += tj) {
        long ie = ib + TILE < n[0] ? ib + TILE : n[0], je = jb + tj < n[f] ? jb + tj : n[f];
        for (long i = ib; i < ie; i++) {
          const double *sp = s0 + i;
          double *dp = d0 + i * ds[0];
          for (long j = jb; j < je; j++) dp[j] = sp[j * ss[f]];
        }
      }
  }
}

/* The address of variable v of from-coordinate point p in an array of the `to` layout, and through ds the strides
 * of from's directions there. */
static double *perm_at(const aeon_redist *r, const aeon_array *a, int v, const int p[3], long ds[3]) {
  const long S[3] = {1, a->sy, a->sz};
  long q[3];
  for (int c = 0; c < 3; c++) q[c] = p[r->perm[c]];
  for (int d = 0; d < 3; d++) ds[d] = S[r->inv[d]];
  return aeon_array_at(a, v, q[0], q[1], q[2]);
}

/* Copies box b (from coordinates) of every variable into an array of the `to` layout through the permutation:
 * from src (an array of the `from` layout) or, when src is NULL, from a packed buffer (x fastest, then y, z,
 * variable). */
static void copy_perm(const aeon_redist *r, const aeon_array *src, const double *buf, aeon_array *dst,
                      const aeon_box *b) {
  const long n[3] = {b->hi[0] - b->lo[0], b->hi[1] - b->lo[1], b->hi[2] - b->lo[2]};
  long ds[3];
  for (int v = 0; v < r->nvar; v++) {
    double *d = perm_at(r, dst, v, b->lo, ds);
    if (src) copy_strided(aeon_array_at(src, v, b->lo[0], b->lo[1], b->lo[2]), src->sy, src->sz, d, ds, n);
    else copy_strided(buf + (size_t)v * (size_t)(n[0] * n[1] * n[2]), n[0], n[0] * n[1], d, ds, n);
  }
}

enum { MSG_DOUBLES = 1 << 18 }; /* doubles per message (2 MiB), rounded to whole z planes */

/* Cuts the intersections of box mine with every other rank's box in theirs into messages (list NULL: counts them
 * only), in peer order; returns the number of messages, doubles and peers. */
static aeon_err cut(aeon_redist *r, const aeon_box *mine, const aeon_box *theirs, message *list, int *n,
                    long *total, int *peers) {
  *n = *peers = 0;
  *total = 0;
  for (int p = 1; p < r->size; p++) {
    int q = (r->rank + p) % r->size;
    aeon_box b = aeon_box_intersect_(mine, &theirs[q]);
    long plane = aeon_box_size(&b) / (b.hi[2] > b.lo[2] ? b.hi[2] - b.lo[2] : 1) * r->nvar;
    if (!plane) continue;
    if (plane > INT_MAX)
      return AE_ERR(AEON_ERR_UNSUPPORTED, "redistribution: a z plane of %ld doubles to exchange on rank %d is more "
                    "than one message can carry (%d)", plane, r->rank, INT_MAX);
    int nz = plane >= MSG_DOUBLES ? 1 : (int)(MSG_DOUBLES / plane), tag = 0;
    (*peers)++;
    for (int k = b.lo[2]; k < b.hi[2]; k += nz, (*n)++, tag++) {
      message m = {q, tag % 32768, b, *total, 0}; /* 32767: the least MPI_TAG_UB; pairs match in order anyway */
      m.box.lo[2] = k;
      m.box.hi[2] = k + nz < b.hi[2] ? k + nz : b.hi[2];
      m.count = (int)(plane * (m.box.hi[2] - k));
      if (list) list[*n] = m;
      *total += m.count;
    }
  }
  return AEON_OK;
}

/* One side of the plan: counts the messages, allocates them, their buffer and requests, and cuts them. */
static aeon_err plan_side(aeon_redist *r, const aeon_box *mine, const aeon_box *theirs, message **list, int *n,
                          double **buf, MPI_Request **req, long *total, int *peers) {
  AE_CHK(cut(r, mine, theirs, NULL, n, total, peers));
  AE_CHK(aeon_mem_alloc(sizeof **list * (size_t)(*n ? *n : 1), (void **)list));
  AE_CHK(aeon_mem_alloc(sizeof **req * (size_t)(*n ? *n : 1), (void **)req));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(*total ? *total : 1), (void **)buf));
  AE_CHK(cut(r, mine, theirs, *list, n, total, peers));
  for (int i = 0; i < *n; i++) (*req)[i] = MPI_REQUEST_NULL;
  return AEON_OK;
}

/* The local part of create: intersections, messages, buffers. */
/* Box b of the `to` layout in from coordinates. */
static aeon_box unpermute(const aeon_redist *r, const aeon_box *b) {
  aeon_box f;
  for (int c = 0; c < 3; c++) {
    f.lo[r->perm[c]] = b->lo[c];
    f.hi[r->perm[c]] = b->hi[c];
  }
  return f;
}

static aeon_err plan(aeon_redist *r, const aeon_layout *from, const aeon_layout *to) {
  long nsend, nrecv;
  int pout, pin;
  aeon_box *tob = NULL; /* every rank's to box in from coordinates */
  AE_CHK(aeon_mem_alloc(sizeof *tob * (size_t)r->size, (void **)&tob));
  for (int q = 0; q < r->size; q++) tob[q] = unpermute(r, &to->box[q]);
  aeon_box mine_to = tob[r->rank];
  aeon_err e = plan_side(r, &r->from_box, tob, &r->send, &r->nsend, &r->sbuf, &r->sreq, &nsend, &pout);
  aeon_mem_free(tob);
  AE_CHK(e);
  /* receiving: each rank's from box against my to box is the same intersection as mine against theirs */
  AE_CHK(plan_side(r, &mine_to, from->box, &r->recv, &r->nrecv, &r->rbuf, &r->rreq, &nrecv, &pin));
  AE_CHK(aeon_mem_alloc(sizeof(int) * (size_t)(r->nrecv ? r->nrecv : 1), (void **)&r->arrived));
  r->keep = aeon_box_intersect_(&r->from_box, &mine_to);
  r->info = (aeon_redist_info){nsend, nrecv, aeon_box_size(&r->keep) * r->nvar, pout, pin};
  return AEON_OK;
}

/* Frees what plan allocated and the plan itself (no MPI). */
static void free_plan(aeon_redist *r) {
  if (!r) return;
  aeon_mem_free(r->send);
  aeon_mem_free(r->recv);
  aeon_mem_free(r->sbuf);
  aeon_mem_free(r->rbuf);
  aeon_mem_free(r->sreq);
  aeon_mem_free(r->rreq);
  aeon_mem_free(r->arrived);
  aeon_mem_free(r);
}

static const char *compare_name(int res) {
  return res == MPI_SIMILAR ? "the same ranks in another order" : "different groups of ranks";
}

aeon_err aeon_redist_create(const aeon_layout *from, const aeon_layout *to, int nvar, aeon_redist **out) {
  static const int identity[3] = {0, 1, 2};
  AE_CHK(aeon_redist_create_perm(from, to, identity, nvar, out));
  return AEON_OK;
}

aeon_err aeon_redist_create_perm(const aeon_layout *from, const aeon_layout *to, const int perm[3], int nvar,
                                 aeon_redist **out) {
  *out = NULL;
  int res, seen = 0;
  for (int c = 0; c < 3; c++) seen |= perm[c] >= 0 && perm[c] <= 2 ? 1 << perm[c] : 8;
  if (seen != 7)
    return AE_ERR(AEON_ERR_USER, "redistribution: (%d, %d, %d) is not a permutation of the directions (0, 1, 2)",
                  perm[0], perm[1], perm[2]);
  AE_MPI(MPI_Comm_compare(from->comm, to->comm, &res));
  if (res != MPI_IDENT && res != MPI_CONGRUENT)
    return AE_ERR(AEON_ERR_USER,
                  "redistribution: the layouts live on different communicators (%d and %d ranks: %s); "
                  "build both on the same communicator",
                  from->size, to->size, compare_name(res));
  if (from->N[perm[0]] != to->N[0] || from->N[perm[1]] != to->N[1] || from->N[perm[2]] != to->N[2]) {
    char how[48] = "";
    if (perm[0] != 0 || perm[1] != 1) snprintf(how, sizeof how, ", axes as (%d, %d, %d)", perm[0], perm[1], perm[2]);
    return AE_ERR(AEON_ERR_USER,
                  "redistribution: the layouts have different global boxes: %ld x %ld x %ld (from%s) and "
                  "%ld x %ld x %ld (to)",
                  from->N[perm[0]], from->N[perm[1]], from->N[perm[2]], how, to->N[0], to->N[1], to->N[2]);
  }
  if (nvar < 1) return AE_ERR(AEON_ERR_USER, "redistribution: nvar = %d must be >= 1", nvar);
  aeon_redist *r = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *r, (void **)&r);
  if (!e) {
    r->rank = from->rank;
    r->size = from->size;
    r->nvar = nvar;
    for (int c = 0; c < 3; c++) {
      r->perm[c] = perm[c];
      r->inv[perm[c]] = c;
      r->permuted |= perm[c] != c;
    }
    r->from_box = from->box[from->rank];
    r->to_box = to->box[to->rank];
    e = plan(r, from, to);
  }
  e = aeon_par_agree(from->comm, e);
  if (e) {
    free_plan(r);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  int talks = r->nsend > 0;
  AE_MPI(MPI_Allreduce(&talks, &r->communicates, 1, MPI_INT, MPI_MAX, from->comm));
  AE_MPI(MPI_Comm_dup(from->comm, &r->comm));
  *out = r;
  return AEON_OK;
}

void aeon_redist_destroy(aeon_redist *r) {
  if (!r) return;
  MPI_Comm_free(&r->comm);
  free_plan(r);
}

aeon_redist_info aeon_redist_get_info(const aeon_redist *r) { return r->info; }

static int same_box(const aeon_box *a, const aeon_box *b) {
  if (aeon_box_empty_(a) || aeon_box_empty_(b)) return aeon_box_empty_(a) && aeon_box_empty_(b);
  return memcmp(a, b, sizeof *a) == 0;
}

/* Checks that an array matches this rank's box of a layout and the plan's variables. */
static aeon_err check_array(const aeon_redist *r, const aeon_array *a, const aeon_box *want, const char *side) {
  char s0[96], s1[96];
  if (a->nvar != r->nvar)
    return AE_ERR(AEON_ERR_USER, "redistribution: the %s array has %d variables, the plan %d", side, a->nvar,
                  r->nvar);
  if (!same_box(&a->box, want))
    return AE_ERR(AEON_ERR_USER, "redistribution: the %s array on rank %d holds %s, its layout box is %s", side,
                  r->rank, aeon_box_str_(&a->box, s0, sizeof s0), aeon_box_str_(want, s1, sizeof s1));
  return AEON_OK;
}

/* Unpacks the messages whose indices MPI_Testsome / MPI_Waitsome returned. */
static void unpack(aeon_redist *r, aeon_array *dst, int n) {
  for (int i = 0; i < n; i++) {
    const message *m = &r->recv[r->arrived[i]];
    if (r->permuted) copy_perm(r, NULL, r->rbuf + m->off, dst, &m->box);
    else copy_rows(dst, &m->box, r->nvar, r->rbuf + m->off, 0);
  }
}

aeon_err aeon_redist_apply(aeon_redist *r, const aeon_array *src, aeon_array *dst) {
  aeon_err e = check_array(r, src, &r->from_box, "source");
  if (!e) e = check_array(r, dst, &r->to_box, "destination");
  if (r->communicates) AE_CHK(aeon_par_agree(r->comm, e)); /* messages follow: fail together */
  else if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  for (int i = 0; i < r->nrecv; i++)
    AE_MPI(MPI_Irecv(r->rbuf + r->recv[i].off, r->recv[i].count, MPI_DOUBLE, r->recv[i].rank, r->recv[i].tag,
                     r->comm, &r->rreq[i]));
  int left = r->nrecv, got;
  for (int i = 0; i < r->nsend; i++) {
    const message *m = &r->send[i];
    copy_rows(src, &m->box, r->nvar, r->sbuf + m->off, 1);
    AE_MPI(MPI_Isend(r->sbuf + m->off, m->count, MPI_DOUBLE, m->rank, m->tag, r->comm, &r->sreq[i]));
    if (left) { /* unpack what has arrived while this rank packs */
      AE_MPI(MPI_Testsome(r->nrecv, r->rreq, &got, r->arrived, MPI_STATUSES_IGNORE));
      if (got != MPI_UNDEFINED) unpack(r, dst, got), left -= got;
    }
  }
  if (!aeon_box_empty_(&r->keep)) {
    if (r->permuted) copy_perm(r, src, NULL, dst, &r->keep);
    else copy_direct(src, dst, &r->keep, r->nvar);
  }
  while (left) {
    AE_MPI(MPI_Waitsome(r->nrecv, r->rreq, &got, r->arrived, MPI_STATUSES_IGNORE));
    if (got == MPI_UNDEFINED) break;
    unpack(r, dst, got);
    left -= got;
  }
  if (r->nsend) AE_MPI(MPI_Waitall(r->nsend, r->sreq, MPI_STATUSES_IGNORE));
  return AEON_OK;
}
