/* Coarsening by 2 and refinement, computed from the replicated table of boxes
 * (no messages beyond duplicating the communicator), so every rank derives the
 * same coarse layout. The rule, in order:
 *   1. the coarse global box is N/2 (N must be even in every direction);
 *   2. if N/2 is odd in some direction (no later level can exist), the lowest
 *      owning rank owns the whole coarse box: coarsening to the end always
 *      finishes on one rank;
 *   3. if the boxes form a tensor-product grid (cut planes per direction; the
 *      case of mesh and slab layouts), each direction keeps, from low to high,
 *      the interior cut planes that are even and at least 2 * min_points above
 *      the last kept one, then drops the last kept plane if fewer than
 *      2 * min_points remain above it. Fine boxes between consecutive kept
 *      planes merge into one block owned by the lowest of their ranks; the
 *      others own nothing. No plane dropped means each box simply halves; for
 *      equal power-of-two blocks a drop halves the process grid in that
 *      direction;
 *   4. otherwise (arbitrary boxes) each box halves if its bounds are even and
 *      it spans at least 2 * min_points or the whole direction in each
 *      direction; if one does not, the lowest owning rank owns everything.
 * The result is checked with the same validation as a user's layout. */
#include <limits.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "layout_internal.h"

/* Cut planes of a tensor-product layout: cut[d][0..ncut[d]] (0 and N included) and each owner's cell. */
typedef struct {
  int ncell[3];  /* intervals per direction */
  int *cut[3];   /* ncell[d] + 1 planes, increasing */
  int *cell;     /* per rank: index of its cell (i + ncell0 * (j + ncell1 * k)), -1 if it owns nothing */
} tgrid;

static void tgrid_free(tgrid *g) {
  for (int d = 0; d < 3; d++) aeon_mem_free(g->cut[d]);
  aeon_mem_free(g->cell);
}

/* Inserts v into the sorted set s of n values (capacity checked by the caller); returns the new n. */
static int set_insert(int *s, int n, int v) {
  int i = n;
  while (i > 0 && s[i - 1] > v) i--;
  if (i > 0 && s[i - 1] == v) return n;
  memmove(s + i + 1, s + i, sizeof *s * (size_t)(n - i));
  s[i] = v;
  return n + 1;
}

/* Returns the index of v in the sorted array s of n values, or -1. */
static int find(const int *s, int n, int v) {
  int a = 0, b = n - 1;
  while (a <= b) {
    int m = (a + b) / 2;
    if (s[m] == v) return m;
    if (s[m] < v) a = m + 1;
    else b = m - 1;
  }
  return -1;
}

/* Fills g if the owners' boxes form a tensor-product grid covering N; sets *is_grid. */
static aeon_err tensor_grid(const aeon_layout *L, tgrid *g, int *is_grid) {
  memset(g, 0, sizeof *g);
  *is_grid = 0;
  int cap = 2 * L->owners + 2;
  for (int d = 0; d < 3; d++) AE_CHK(aeon_mem_alloc(sizeof(int) * (size_t)cap, (void **)&g->cut[d]));
  AE_CHK(aeon_mem_alloc(sizeof(int) * (size_t)L->size, (void **)&g->cell));
  int ncut[3] = {0, 0, 0};
  for (int r = 0; r < L->size; r++) {
    if (aeon_box_empty_(&L->box[r])) continue;
    for (int d = 0; d < 3; d++) {
      ncut[d] = set_insert(g->cut[d], ncut[d], L->box[r].lo[d]);
      ncut[d] = set_insert(g->cut[d], ncut[d], L->box[r].hi[d]);
    }
  }
  long cells = 1;
  for (int d = 0; d < 3; d++) {
    g->ncell[d] = ncut[d] - 1;
    cells *= g->ncell[d];
  }
  if (cells != L->owners) return AEON_OK;
  for (int r = 0; r < L->size; r++) {
    g->cell[r] = -1;
    if (aeon_box_empty_(&L->box[r])) continue;
    int c[3];
    for (int d = 0; d < 3; d++) {
      c[d] = find(g->cut[d], ncut[d], L->box[r].lo[d]);
      if (g->cut[d][c[d] + 1] != L->box[r].hi[d]) return AEON_OK; /* spans several intervals */
    }
    g->cell[r] = c[0] + g->ncell[0] * (c[1] + g->ncell[1] * c[2]);
  }
  *is_grid = 1; /* one owner per cell: no overlap and as many owners as cells */
  return AEON_OK;
}

/* Keeps the cut planes of one direction that stay even and 2 * min_points apart (rule 3); returns how many
 * intervals remain and, per fine interval, the index of the merged block it falls in. */
static int merge_cuts(const int *cut, int ncell, long N, int min_points, int *kept, int *block_of) {
  long need = 2L * min_points;
  int nk = 1;
  kept[0] = 0;
  for (int i = 1; i < ncell; i++)
    if (cut[i] % 2 == 0 && cut[i] - kept[nk - 1] >= need) kept[nk++] = cut[i];
  if (nk > 1 && N - kept[nk - 1] < need) nk--;
  kept[nk] = (int)N;
  for (int i = 0, b = 0; i < ncell; i++) {
    while (b + 1 < nk && cut[i] >= kept[b + 1]) b++;
    block_of[i] = b;
  }
  return nk;
}

/* Rule 3: merged blocks of the tensor grid, each owned by the lowest rank among its fine boxes. */
static aeon_err coarsen_grid(const aeon_layout *L, const tgrid *g, int min_points, aeon_box *out) {
  int *kept[3] = {NULL, NULL, NULL}, *block_of[3] = {NULL, NULL, NULL}, nb[3];
  aeon_err e = AEON_OK;
  for (int d = 0; d < 3 && !e; d++) {
    e = aeon_mem_alloc(sizeof(int) * (size_t)(g->ncell[d] + 1), (void **)&kept[d]);
    if (!e) e = aeon_mem_alloc(sizeof(int) * (size_t)g->ncell[d], (void **)&block_of[d]);
    if (!e) nb[d] = merge_cuts(g->cut[d], g->ncell[d], L->N[d], min_points, kept[d], block_of[d]);
  }
  int *owner = NULL, *blk = NULL; /* lowest rank per merged block; block of each rank */
  if (!e) e = aeon_mem_alloc(sizeof(int) * (size_t)nb[0] * (size_t)nb[1] * (size_t)nb[2], (void **)&owner);
  if (!e) e = aeon_mem_alloc(sizeof(int) * (size_t)L->size, (void **)&blk);
  if (!e) {
    for (long b = 0; b < (long)nb[0] * nb[1] * nb[2]; b++) owner[b] = L->size;
    for (int r = 0; r < L->size; r++) {
      blk[r] = -1;
      if (g->cell[r] < 0) continue;
      int c = g->cell[r], ci = c % g->ncell[0], cj = c / g->ncell[0] % g->ncell[1], ck = c / g->ncell[0] / g->ncell[1];
      blk[r] = block_of[0][ci] + nb[0] * (block_of[1][cj] + nb[1] * block_of[2][ck]);
      if (r < owner[blk[r]]) owner[blk[r]] = r;
    }
    for (int r = 0; r < L->size; r++) {
      memset(&out[r], 0, sizeof out[r]);
      if (blk[r] < 0 || owner[blk[r]] != r) continue;
      int b[3] = {blk[r] % nb[0], blk[r] / nb[0] % nb[1], blk[r] / nb[0] / nb[1]};
      for (int d = 0; d < 3; d++) {
        out[r].lo[d] = kept[d][b[d]] / 2;
        out[r].hi[d] = kept[d][b[d] + 1] / 2;
      }
    }
  }
  aeon_mem_free(owner);
  aeon_mem_free(blk);
  for (int d = 0; d < 3; d++) {
    aeon_mem_free(kept[d]);
    aeon_mem_free(block_of[d]);
  }
  return e ? aeon_error_trace(e, __FILE__, __LINE__, __func__) : AEON_OK;
}

/* Rules 2 and 4's fallback: the lowest owning rank owns the whole coarse box. */
static void coarsen_single(const aeon_layout *L, const long Nc[3], aeon_box *out) {
  int first = -1;
  for (int r = 0; r < L->size; r++) {
    memset(&out[r], 0, sizeof out[r]);
    if (first < 0 && !aeon_box_empty_(&L->box[r])) first = r;
  }
  for (int d = 0; d < 3; d++) out[first].hi[d] = (int)Nc[d];
}

/* Rule 4: returns 1 if every box halves into an aligned box at least min_points thick (or whole). */
static int all_halve(const aeon_layout *L, int min_points) {
  for (int r = 0; r < L->size; r++) {
    const aeon_box *b = &L->box[r];
    if (aeon_box_empty_(b)) continue;
    for (int d = 0; d < 3; d++) {
      int whole = b->lo[d] == 0 && b->hi[d] == L->N[d];
      if (b->lo[d] % 2 || b->hi[d] % 2 || (!whole && b->hi[d] - b->lo[d] < 2L * min_points)) return 0;
    }
  }
  return 1;
}

/* Computes the coarse boxes (replicated) by the rule above. */
static aeon_err coarse_boxes(const aeon_layout *L, const long Nc[3], int min_points, aeon_box *out) {
  if (Nc[0] % 2 || Nc[1] % 2 || Nc[2] % 2) {
    coarsen_single(L, Nc, out);
    return AEON_OK;
  }
  tgrid g;
  int is_grid;
  aeon_err e = tensor_grid(L, &g, &is_grid);
  if (!e && is_grid) e = coarsen_grid(L, &g, min_points, out);
  tgrid_free(&g);
  if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  if (is_grid) return AEON_OK;
  if (!all_halve(L, min_points)) {
    coarsen_single(L, Nc, out);
    return AEON_OK;
  }
  for (int r = 0; r < L->size; r++)
    for (int d = 0; d < 3; d++) {
      out[r].lo[d] = L->box[r].lo[d] / 2;
      out[r].hi[d] = L->box[r].hi[d] / 2;
    }
  return AEON_OK;
}

aeon_err aeon_layout_coarsen(const aeon_layout *fine, int min_points, aeon_layout **coarse) {
  *coarse = NULL;
  static const char axis[3] = {'x', 'y', 'z'};
  if (min_points < 1) return AE_ERR(AEON_ERR_USER, "layout coarsening: min_points = %d must be >= 1", min_points);
  for (int d = 0; d < 3; d++)
    if (fine->N[d] % 2)
      return AE_ERR(AEON_ERR_USER,
                    "layout coarsening: the global box %ld x %ld x %ld has an odd number of points in %c (%ld); "
                    "coarsening by 2 needs N even in every direction",
                    fine->N[0], fine->N[1], fine->N[2], axis[d], fine->N[d]);
  if (fine->partial)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "layout coarsening: a layout with a partial cover cannot be coarsened");
  long Nc[3] = {fine->N[0] / 2, fine->N[1] / 2, fine->N[2] / 2};
  aeon_box *box = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *box * (size_t)fine->size, (void **)&box);
  if (!e) e = coarse_boxes(fine, Nc, min_points, box);
  if (!e && aeon_layout_validate_(Nc, box, fine->size, 0))
    e = AE_ERR(AEON_ERR_INTERNAL, "layout coarsening produced an invalid layout: %s", aeon_error_message());
  e = aeon_par_agree(fine->comm, e); /* the boxes are the same everywhere; an allocation may fail alone */
  if (!e) e = aeon_layout_new_(fine->comm, Nc, box, 0, coarse);
  aeon_mem_free(box);
  return e ? aeon_error_trace(e, __FILE__, __LINE__, __func__) : AEON_OK;
}

aeon_err aeon_layout_refine(const aeon_layout *coarse, aeon_layout **fine) {
  *fine = NULL;
  long Nf[3];
  for (int d = 0; d < 3; d++) {
    if (coarse->N[d] > INT_MAX / 2)
      return AE_ERR(AEON_ERR_USER, "layout refinement: 2 x %ld points in direction %d exceed %d", coarse->N[d], d,
                    INT_MAX);
    Nf[d] = 2 * coarse->N[d];
  }
  aeon_box *box = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *box * (size_t)coarse->size, (void **)&box);
  for (int r = 0; r < coarse->size && !e; r++)
    for (int d = 0; d < 3; d++) {
      box[r].lo[d] = 2 * coarse->box[r].lo[d];
      box[r].hi[d] = 2 * coarse->box[r].hi[d];
    }
  e = aeon_par_agree(coarse->comm, e);
  if (!e) e = aeon_layout_new_(coarse->comm, Nf, box, coarse->partial, fine);
  aeon_mem_free(box);
  return e ? aeon_error_trace(e, __FILE__, __LINE__, __func__) : AEON_OK;
}
