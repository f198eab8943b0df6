/* Redistribution between two layouts of the same global box. Create (once):
 * intersect this rank's `from` box with every rank's `to` box (what it sends)
 * and every rank's `from` box with its `to` box (what it receives), in rank
 * order, which gives the MPI_Alltoallv counts and displacements; the part a
 * rank keeps is a direct copy; buffers are allocated here. Apply (every time,
 * allocating nothing): pack each outgoing intersection (variable, z, y, rows
 * of x; rows or planes that follow each other in memory, as in a compact
 * array, move as one memcpy), start one MPI_Ialltoallv, copy the kept part
 * while it is in flight, wait, unpack each incoming intersection in the same
 * order its sender packed it. When no rank sends anything to another (equal
 * layouts), apply is local and calls no MPI. */
#include <limits.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "layout_internal.h"

typedef struct {
  int rank;   /* the other rank */
  aeon_box box; /* global points exchanged with it */
} piece;

struct aeon_redist {
  MPI_Comm comm;           /* duplicate of the `from` layout's communicator (owned) */
  int rank, size, nvar;
  int communicates;        /* 1 if some rank sends to another rank */
  aeon_box from_box, to_box; /* this rank's boxes, to check the arrays */
  int nsend, nrecv;
  piece *send, *recv;      /* non-empty intersections with other ranks, in rank order */
  aeon_box keep;           /* intersection of this rank's from and to boxes (may be empty) */
  int *scount, *sdispl, *rcount, *rdispl; /* Alltoallv arguments, in doubles */
  double *sbuf, *rbuf;
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

/* Finds the intersections with other ranks in one direction (sending: mine is my `from` box against every
 * rank's `to` box), fills the counts and displacements, and returns the total number of doubles. */
static aeon_err plan_side(aeon_redist *r, const aeon_box *mine, const aeon_box *theirs, piece **list, int *n,
                          int *count, int *displ, long *total) {
  *n = 0;
  *total = 0;
  for (int q = 0; q < r->size; q++) {
    aeon_box b = aeon_box_intersect_(mine, &theirs[q]);
    long c = q == r->rank ? 0 : aeon_box_size(&b) * r->nvar;
    if (c > (long)INT_MAX - *total)
      return AE_ERR(AEON_ERR_UNSUPPORTED, "redistribution: more than %d doubles to exchange on rank %d", INT_MAX,
                    r->rank);
    count[q] = (int)c;
    displ[q] = (int)*total;
    *total += c;
    if (c) (*n)++;
  }
  AE_CHK(aeon_mem_alloc(sizeof **list * (size_t)(*n ? *n : 1), (void **)list));
  for (int q = 0, i = 0; q < r->size; q++)
    if (count[q]) (*list)[i++] = (piece){q, aeon_box_intersect_(mine, &theirs[q])};
  return AEON_OK;
}

/* The local part of create: intersections, counts, buffers. */
static aeon_err plan(aeon_redist *r, const aeon_layout *from, const aeon_layout *to) {
  AE_CHK(aeon_mem_alloc(sizeof(int) * 4 * (size_t)r->size, (void **)&r->scount));
  r->sdispl = r->scount + r->size;
  r->rcount = r->sdispl + r->size;
  r->rdispl = r->rcount + r->size;
  long nsend, nrecv;
  AE_CHK(plan_side(r, &r->from_box, to->box, &r->send, &r->nsend, r->scount, r->sdispl, &nsend));
  /* receiving: each rank's from box against my to box is the same intersection as mine against theirs */
  AE_CHK(plan_side(r, &r->to_box, from->box, &r->recv, &r->nrecv, r->rcount, r->rdispl, &nrecv));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(nsend ? nsend : 1), (void **)&r->sbuf));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(nrecv ? nrecv : 1), (void **)&r->rbuf));
  r->keep = aeon_box_intersect_(&r->from_box, &r->to_box);
  r->info = (aeon_redist_info){nsend, nrecv, aeon_box_size(&r->keep) * r->nvar, r->nsend, r->nrecv};
  return AEON_OK;
}

/* Frees what plan allocated and the plan itself (no MPI). */
static void free_plan(aeon_redist *r) {
  if (!r) return;
  aeon_mem_free(r->scount);
  aeon_mem_free(r->send);
  aeon_mem_free(r->recv);
  aeon_mem_free(r->sbuf);
  aeon_mem_free(r->rbuf);
  aeon_mem_free(r);
}

static const char *compare_name(int res) {
  return res == MPI_SIMILAR ? "the same ranks in another order" : "different groups of ranks";
}

aeon_err aeon_redist_create(const aeon_layout *from, const aeon_layout *to, int nvar, aeon_redist **out) {
  *out = NULL;
  int res;
  AE_MPI(MPI_Comm_compare(from->comm, to->comm, &res));
  if (res != MPI_IDENT && res != MPI_CONGRUENT)
    return AE_ERR(AEON_ERR_USER,
                  "redistribution: the layouts live on different communicators (%d and %d ranks: %s); "
                  "build both on the same communicator",
                  from->size, to->size, compare_name(res));
  if (memcmp(from->N, to->N, sizeof from->N) != 0)
    return AE_ERR(AEON_ERR_USER,
                  "redistribution: the layouts have different global boxes: %ld x %ld x %ld (from) and "
                  "%ld x %ld x %ld (to)",
                  from->N[0], from->N[1], from->N[2], to->N[0], to->N[1], to->N[2]);
  if (nvar < 1) return AE_ERR(AEON_ERR_USER, "redistribution: nvar = %d must be >= 1", nvar);
  aeon_redist *r = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *r, (void **)&r);
  if (!e) {
    r->rank = from->rank;
    r->size = from->size;
    r->nvar = nvar;
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

aeon_err aeon_redist_apply(aeon_redist *r, const aeon_array *src, aeon_array *dst) {
  aeon_err e = check_array(r, src, &r->from_box, "source");
  if (!e) e = check_array(r, dst, &r->to_box, "destination");
  if (r->communicates) AE_CHK(aeon_par_agree(r->comm, e)); /* a collective follows: fail together */
  else if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  for (int i = 0; i < r->nsend; i++)
    copy_rows(src, &r->send[i].box, r->nvar, r->sbuf + r->sdispl[r->send[i].rank], 1);
  MPI_Request req = MPI_REQUEST_NULL;
  if (r->communicates)
    AE_MPI(MPI_Ialltoallv(r->sbuf, r->scount, r->sdispl, MPI_DOUBLE, r->rbuf, r->rcount, r->rdispl, MPI_DOUBLE,
                          r->comm, &req));
  if (!aeon_box_empty_(&r->keep)) copy_direct(src, dst, &r->keep, r->nvar); /* while the exchange is in flight */
  if (r->communicates) AE_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
  for (int i = 0; i < r->nrecv; i++)
    copy_rows(dst, &r->recv[i].box, r->nvar, r->rbuf + r->rdispl[r->recv[i].rank], 0);
  return AEON_OK;
}
