/* Layouts: every rank passes its box, one MPI_Allgather makes the table of all
 * boxes (with N, so disagreeing ranks are caught) known everywhere, and the
 * validation runs on that replicated table, so every rank reaches the same
 * verdict without further messages: inside the global box, no two boxes
 * overlapping (a sweep along z), and a full cover unless AEON_LAYOUT_PARTIAL.
 * The layout then keeps a duplicate of the communicator. Mesh and slab
 * layouts are built through the same path; arrays are views onto data. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "layout_internal.h"

aeon_box aeon_box_intersect_(const aeon_box *a, const aeon_box *b) {
  aeon_box c;
  for (int d = 0; d < 3; d++) {
    c.lo[d] = a->lo[d] > b->lo[d] ? a->lo[d] : b->lo[d];
    c.hi[d] = a->hi[d] < b->hi[d] ? a->hi[d] : b->hi[d];
  }
  if (aeon_box_empty_(&c)) memset(&c, 0, sizeof c);
  return c;
}

const char *aeon_box_str_(const aeon_box *b, char *buf, size_t len) {
  if (aeon_box_empty_(b)) snprintf(buf, len, "empty");
  else
    snprintf(buf, len, "[%d,%d)x[%d,%d)x[%d,%d)", b->lo[0], b->hi[0], b->lo[1], b->hi[1], b->lo[2], b->hi[2]);
  return buf;
}

/* Sorting key for the overlap sweep: owners ordered by lower z bound. */
typedef struct {
  int lo2, rank;
} sweep_key;

static int cmp_sweep(const void *a, const void *b) {
  const sweep_key *x = a, *y = b;
  if (x->lo2 != y->lo2) return x->lo2 < y->lo2 ? -1 : 1;
  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int boxes_overlap(const aeon_box *a, const aeon_box *b) {
  aeon_box c = aeon_box_intersect_(a, b);
  return !aeon_box_empty_(&c);
}

/* Refuses a pair of overlapping owners; cost: each box against the boxes starting before it ends in z. */
static aeon_err check_overlap(const aeon_box *box, int size) {
  sweep_key *key = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *key * (size_t)(size ? size : 1), (void **)&key));
  int n = 0;
  for (int r = 0; r < size; r++)
    if (!aeon_box_empty_(&box[r])) key[n++] = (sweep_key){box[r].lo[2], r};
  qsort(key, (size_t)n, sizeof *key, cmp_sweep);
  for (int i = 0; i < n; i++) {
    const aeon_box *a = &box[key[i].rank];
    for (int j = i + 1; j < n && key[j].lo2 < a->hi[2]; j++) {
      const aeon_box *b = &box[key[j].rank];
      if (!boxes_overlap(a, b)) continue;
      int r0 = key[i].rank < key[j].rank ? key[i].rank : key[j].rank, r1 = key[i].rank + key[j].rank - r0;
      char s0[96], s1[96];
      aeon_mem_free(key);
      return AE_ERR(AEON_ERR_USER, "layout: the box of rank %d %s overlaps the box of rank %d %s", r1,
                    aeon_box_str_(&box[r1], s1, sizeof s1), r0, aeon_box_str_(&box[r0], s0, sizeof s0));
    }
  }
  aeon_mem_free(key);
  return AEON_OK;
}

aeon_err aeon_layout_validate_(const long N[3], const aeon_box *box, int size, int partial) {
  long long total = 1;
  for (int d = 0; d < 3; d++) {
    if (N[d] < 1 || N[d] > INT_MAX)
      return AE_ERR(AEON_ERR_USER, "layout: global box %ld x %ld x %ld: N[%d] must lie in [1, %d]", N[0], N[1],
                    N[2], d, INT_MAX);
    if (total > LLONG_MAX / N[d])
      return AE_ERR(AEON_ERR_USER, "layout: global box %ld x %ld x %ld has more than 2^63 points", N[0], N[1], N[2]);
    total *= N[d];
  }
  long long covered = 0;
  for (int r = 0; r < size; r++) {
    if (aeon_box_empty_(&box[r])) continue;
    for (int d = 0; d < 3; d++)
      if (box[r].lo[d] < 0 || box[r].hi[d] > N[d]) {
        char s[96];
        return AE_ERR(AEON_ERR_USER, "layout: the box of rank %d %s lies outside the global box %ld x %ld x %ld", r,
                      aeon_box_str_(&box[r], s, sizeof s), N[0], N[1], N[2]);
      }
    covered += aeon_box_size(&box[r]);
  }
  AE_CHK(check_overlap(box, size));
  if (!partial && covered != total)
    return AE_ERR(AEON_ERR_USER,
                  "layout: the boxes of the %d ranks cover %lld of the %lld points of the global box %ld x %ld x %ld "
                  "(pass AEON_LAYOUT_PARTIAL to allow a partial cover)",
                  size, covered, total, N[0], N[1], N[2]);
  return AEON_OK;
}

aeon_err aeon_layout_new_(MPI_Comm comm, const long N[3], const aeon_box *box, int partial, aeon_layout **out) {
  *out = NULL;
  int size;
  AE_MPI(MPI_Comm_size(comm, &size));
  aeon_layout *L = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *L, (void **)&L);
  if (!e) e = aeon_mem_alloc(sizeof *L->box * (size_t)size, (void **)&L->box);
  e = aeon_par_agree(comm, e);
  if (e) {
    if (L) aeon_mem_free(L->box);
    aeon_mem_free(L);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  memcpy(L->N, N, sizeof L->N);
  memcpy(L->box, box, sizeof *L->box * (size_t)size);
  L->size = size;
  L->partial = partial != 0;
  for (int r = 0; r < size; r++) L->owners += !aeon_box_empty_(&box[r]);
  AE_MPI(MPI_Comm_dup(comm, &L->comm));
  AE_MPI(MPI_Comm_rank(L->comm, &L->rank));
  *out = L;
  return AEON_OK;
}

aeon_err aeon_layout_create(MPI_Comm comm, const long N[3], const aeon_box *mine, int flags, aeon_layout **out) {
  *out = NULL;
  int size;
  AE_MPI(MPI_Comm_size(comm, &size));
  long rec[9] = {N[0], N[1], N[2]};
  if (mine && !aeon_box_empty_(mine))
    for (int d = 0; d < 3; d++) {
      rec[3 + d] = mine->lo[d];
      rec[6 + d] = mine->hi[d];
    }
  long *all = NULL;
  aeon_box *box = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *all * 9 * (size_t)size, (void **)&all);
  if (!e) e = aeon_mem_alloc(sizeof *box * (size_t)size, (void **)&box);
  e = aeon_par_agree(comm, e);
  if (!e && MPI_Allgather(rec, 9, MPI_LONG, all, 9, MPI_LONG, comm) != MPI_SUCCESS)
    e = AE_ERR(AEON_ERR_MPI, "layout: MPI_Allgather of the boxes failed");
  for (int r = 0; r < size && !e; r++) {
    const long *q = all + 9 * r;
    if (q[0] != all[0] || q[1] != all[1] || q[2] != all[2])
      e = AE_ERR(AEON_ERR_USER, "layout: rank %d passed the global box %ld x %ld x %ld, rank 0 %ld x %ld x %ld", r,
                 q[0], q[1], q[2], all[0], all[1], all[2]);
    for (int d = 0; d < 3; d++) {
      box[r].lo[d] = (int)q[3 + d];
      box[r].hi[d] = (int)q[6 + d];
    }
  }
  if (!e) e = aeon_layout_validate_(N, box, size, flags & AEON_LAYOUT_PARTIAL);
  if (!e) e = aeon_layout_new_(comm, N, box, flags & AEON_LAYOUT_PARTIAL, out);
  aeon_mem_free(all);
  aeon_mem_free(box);
  if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  return AEON_OK;
}

aeon_err aeon_layout_from_mesh(const aeon_mesh *m, aeon_layout **L) {
  aeon_box mine;
  for (int d = 0; d < 3; d++) {
    mine.lo[d] = (int)m->off[d];
    mine.hi[d] = (int)(m->off[d] + m->n[d]);
  }
  AE_CHK(aeon_layout_create(m->par->cart, m->N, &mine, 0, L));
  return AEON_OK;
}

/* Builds the slab [start, start + n) along dir (other directions whole) after checking the arguments on every rank. */
static aeon_err slab_layout(MPI_Comm comm, const long N[3], int dir, long n, long start, aeon_layout **L) {
  *L = NULL;
  aeon_err e = AEON_OK;
  if (dir < 0 || dir > 2) e = AE_ERR(AEON_ERR_USER, "layout: slab direction %d must be 0, 1 or 2", dir);
  else if (n < 0 || start < 0 || start > (long)INT_MAX - n)
    e = AE_ERR(AEON_ERR_USER,
               "layout: slab of %ld points from %ld along direction %d: both must be >= 0 and fit in int", n, start,
               dir);
  AE_CHK(aeon_par_agree(comm, e));
  aeon_box mine = {{0, 0, 0}, {0, 0, 0}};
  if (n > 0)
    for (int d = 0; d < 3; d++) {
      mine.lo[d] = d == dir ? (int)start : 0;
      mine.hi[d] = d == dir ? (int)(start + n) : (int)(N[d] < INT_MAX ? N[d] : INT_MAX);
    }
  AE_CHK(aeon_layout_create(comm, N, &mine, 0, L));
  return AEON_OK;
}

aeon_err aeon_layout_slabs(MPI_Comm comm, const long N[3], int dir, aeon_layout **L) {
  int rank, size;
  AE_MPI(MPI_Comm_rank(comm, &rank));
  AE_MPI(MPI_Comm_size(comm, &size));
  long n = 0, start = 0;
  if (dir >= 0 && dir <= 2 && N[dir] > 0) {
    long block = (N[dir] + size - 1) / size; /* FFTW-MPI's default block */
    start = (long)rank * block < N[dir] ? (long)rank * block : N[dir];
    n = start + block < N[dir] ? block : N[dir] - start;
  }
  AE_CHK(slab_layout(comm, N, dir, n, start, L));
  return AEON_OK;
}

aeon_err aeon_layout_slabs_local(MPI_Comm comm, const long N[3], int dir, long local_n, long local_start,
                                 aeon_layout **L) {
  AE_CHK(slab_layout(comm, N, dir, local_n, local_start, L));
  return AEON_OK;
}

void aeon_layout_destroy(aeon_layout *L) {
  if (!L) return;
  MPI_Comm_free(&L->comm);
  aeon_mem_free(L->box);
  aeon_mem_free(L);
}

void aeon_layout_global(const aeon_layout *L, long N[3]) { memcpy(N, L->N, sizeof L->N); }
aeon_box aeon_layout_my_box(const aeon_layout *L) { return L->box[L->rank]; }
aeon_box aeon_layout_box(const aeon_layout *L, int r) { return L->box[r]; }
int aeon_layout_owners(const aeon_layout *L) { return L->owners; }
MPI_Comm aeon_layout_comm(const aeon_layout *L) { return L->comm; }
int aeon_layout_partial(const aeon_layout *L) { return L->partial; }

int aeon_layout_equal(const aeon_layout *a, const aeon_layout *b) {
  if (a->size != b->size || memcmp(a->N, b->N, sizeof a->N) != 0) return 0;
  return memcmp(a->box, b->box, sizeof *a->box * (size_t)a->size) == 0;
}

void aeon_layout_print(const aeon_layout *L, FILE *out) {
  fprintf(out, "layout %ld x %ld x %ld on %d ranks, %d owning%s\n", L->N[0], L->N[1], L->N[2], L->size, L->owners,
          L->partial ? " (partial cover allowed)" : "");
  char s[96];
  for (int r = 0; r < L->size; r++)
    if (!aeon_box_empty_(&L->box[r])) fprintf(out, "  rank %d: %s\n", r, aeon_box_str_(&L->box[r], s, sizeof s));
}

aeon_array aeon_array_of_fields(const aeon_mesh *m, aeon_fields *f) {
  aeon_array a = {f->data, f->nvar, f->stride, m->sy, m->sz, m->base, {{0, 0, 0}, {0, 0, 0}}};
  for (int d = 0; d < 3; d++) {
    a.box.lo[d] = (int)m->off[d];
    a.box.hi[d] = (int)(m->off[d] + m->n[d]);
  }
  if (aeon_box_empty_(&a.box)) memset(&a.box, 0, sizeof a.box);
  return a;
}

aeon_array aeon_array_compact(const aeon_layout *L, int nvar, double *data) {
  aeon_box b = L->box[L->rank];
  long nx = b.hi[0] - b.lo[0], ny = b.hi[1] - b.lo[1];
  aeon_array a = {data, nvar, (size_t)aeon_box_size(&b), nx, nx * ny, 0, b};
  return a;
}
