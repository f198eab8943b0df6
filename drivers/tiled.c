/* Tiled matrices: 2D block-cyclic tiles over a P x Q grid, in core (one slab
 * taken from the governor) or out of core (a file of tile slots per rank). */
#include <string.h>

#include "aeon/drivers.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

int aeon_tiled_stored(const aeon_tiled *A, long i, long j) {
  if (i < 0 || j < 0 || i >= A->mt || j >= A->nt) return 0;
  switch (A->traits) {
  case AEON_TRAIT_GENERAL: return 1;
  case AEON_TRAIT_UPPER: return i <= j;
  default: return i >= j;
  }
}

int aeon_tiled_owner(const aeon_tiled *A, long i, long j) {
  return (int)(i % A->grid->P) * A->grid->Q + (int)(j % A->grid->Q);
}

int aeon_tiled_mine(const aeon_tiled *A, long i, long j) {
  return aeon_tiled_stored(A, i, j) && i % A->grid->P == A->grid->p && j % A->grid->Q == A->grid->q;
}

int aeon_tiled_rows(const aeon_tiled *A, long i) {
  long r = A->m - i * A->nb;
  return (int)(r < A->nb ? r : A->nb);
}

int aeon_tiled_cols(const aeon_tiled *A, long j) {
  long c = A->n - j * A->nb;
  return (int)(c < A->nb ? c : A->nb);
}

aeon_traits aeon_tiled_tile_traits(const aeon_tiled *A, long i, long j) {
  return i == j ? A->traits : AEON_TRAIT_GENERAL;
}

long drv_slot(const aeon_tiled *A, long i, long j) {
  if (!aeon_tiled_mine(A, i, j)) return -1;
  return A->slot[(i / A->grid->P) + (j / A->grid->Q) * A->mtl];
}

double *aeon_tiled_tile(const aeon_tiled *A, long i, long j, int *ld) {
  long s = drv_slot(A, i, j);
  if (s < 0 || !A->core) return NULL;
  long lj = j / A->grid->Q, f = A->cfirst[lj];
  if (ld) *ld = (int)((A->cfirst[lj + 1] - f) * A->nb);
  return A->core + (size_t)f * A->nb * A->nb + (size_t)(s - f) * A->nb;
}

void drv_copy_tile(const double *src, int lds, double *dst, int ldd, int nb) {
  for (int c = 0; c < nb; c++) memcpy(dst + (size_t)c * ldd, src + (size_t)c * lds, (size_t)nb * sizeof(double));
}

static long local_count(long total, int P, int p) { return total > p ? (total - p + P - 1) / P : 0; }

/* Number of stored tiles this rank owns. */
static long count_mine(const aeon_tiled *A) {
  long n = 0;
  for (long lj = 0; lj < A->ntl; lj++)
    for (long li = 0; li < A->mtl; li++) n += aeon_tiled_mine(A, li * A->grid->P + A->grid->p, lj * A->grid->Q + A->grid->q);
  return n;
}

static aeon_err check_shape(long m, long n, int nb, aeon_traits traits) {
  if (m < 1 || n < 1) return AE_ERR(AEON_ERR_USER, "matrix size %ld x %ld: both must be >= 1", m, n);
  if (nb < 1) return AE_ERR(AEON_ERR_USER, "tile size %d must be >= 1", nb);
  if (traits < 0 || traits >= AEON_NTRAITS) return AE_ERR(AEON_ERR_INTERNAL, "unknown traits %d", (int)traits);
  if (traits != AEON_TRAIT_GENERAL && m != n)
    return AE_ERR(AEON_ERR_USER, "a %s matrix must be square, not %ld x %ld", aeon_traits_name(traits), m, n);
  return AEON_OK;
}

/* Fills the shape fields and the slot map (no tile memory). */
static aeon_err layout(aeon_tiled *A, const aeon_pgrid *g, long m, long n, int nb, aeon_traits traits) {
  A->m = m;
  A->n = n;
  A->nb = nb;
  A->mt = (m + nb - 1) / nb;
  A->nt = (n + nb - 1) / nb;
  A->traits = traits;
  A->grid = g;
  A->mtl = local_count(A->mt, g->P, g->p);
  A->ntl = local_count(A->nt, g->Q, g->q);
  size_t nmap = (size_t)(A->mtl * A->ntl);
  AE_CHK(aeon_mem_alloc((nmap ? nmap : 1) * sizeof(long), (void **)&A->slot));
  AE_CHK(aeon_mem_alloc((size_t)(A->ntl + 1) * sizeof(long), (void **)&A->cfirst));
  for (long lj = 0; lj < A->ntl; lj++) {
    A->cfirst[lj] = A->nslots;
    for (long li = 0; li < A->mtl; li++)
      A->slot[li + lj * A->mtl] = aeon_tiled_mine(A, li * g->P + g->p, lj * g->Q + g->q) ? A->nslots++ : -1;
  }
  A->cfirst[A->ntl] = A->nslots;
  return AEON_OK;
}

static size_t tile_bytes(const aeon_tiled *A) { return (size_t)A->nb * A->nb * sizeof(double); }

/* Local part of create: shape, slot map, memory or file. */
static aeon_err create_local(aeon_tiled *A, const aeon_pgrid *g, long m, long n, int nb, aeon_traits traits,
                             const char *ooc_dir) {
  AE_CHK(check_shape(m, n, nb, traits));
  AE_CHK(layout(A, g, m, n, nb, traits));
  if (ooc_dir) return tf_open(ooc_dir, g->rank, tile_bytes(A), A->nslots, &A->file);
  return aeon_gov_alloc(A->gov, A->nslots * tile_bytes(A), "the tiles of an in-core matrix", (void **)&A->core);
}

aeon_err aeon_tiled_create(const aeon_pgrid *g, aeon_gov *gov, long m, long n, int nb, aeon_traits traits,
                           const char *ooc_dir, aeon_tiled **out) {
  *out = NULL;
  aeon_tiled *A;
  AE_CHK(aeon_mem_alloc(sizeof *A, (void **)&A));
  A->gov = gov;
  aeon_err e = create_local(A, g, m, n, nb, traits, ooc_dir);
  e = aeon_par_agree(g->comm, e);
  if (e) {
    aeon_tiled_destroy(A);
    return e;
  }
  *out = A;
  return AEON_OK;
}

void aeon_tiled_destroy(aeon_tiled *A) {
  if (!A) return;
  if (A->core) aeon_gov_free(A->gov, A->core, A->nslots * tile_bytes(A));
  tf_close(A->file);
  aeon_mem_free(A->slot);
  aeon_mem_free(A->cfirst);
  aeon_mem_free(A);
}

aeon_err aeon_tiled_core_bytes(const aeon_pgrid *g, long m, long n, int nb, aeon_traits traits, size_t *bytes) {
  AE_CHK(check_shape(m, n, nb, traits));
  aeon_tiled A = {0};
  A.m = m;
  A.n = n;
  A.nb = nb;
  A.mt = (m + nb - 1) / nb;
  A.nt = (n + nb - 1) / nb;
  A.traits = traits;
  A.grid = g;
  A.mtl = local_count(A.mt, g->P, g->p);
  A.ntl = local_count(A.nt, g->Q, g->q);
  unsigned long long mine = (unsigned long long)count_mine(&A) * tile_bytes(&A), mx;
  AE_MPI(MPI_Allreduce(&mine, &mx, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, g->comm));
  *bytes = (size_t)mx;
  return AEON_OK;
}

aeon_err aeon_tiled_get(aeon_tiled *A, long i, long j, double *buf) {
  long s = drv_slot(A, i, j);
  if (s < 0) return AE_ERR(AEON_ERR_INTERNAL, "tile (%ld, %ld) is not stored on rank %d", i, j, A->grid->rank);
  if (A->core) {
    int ld;
    const double *t = aeon_tiled_tile(A, i, j, &ld);
    drv_copy_tile(t, ld, buf, A->nb, A->nb);
    return AEON_OK;
  }
  int err = tf_pread(A->file, s, buf);
  return err ? tf_error(A->file, 0, s, err) : AEON_OK;
}

aeon_err aeon_tiled_put(aeon_tiled *A, long i, long j, const double *buf) {
  long s = drv_slot(A, i, j);
  if (s < 0) return AE_ERR(AEON_ERR_INTERNAL, "tile (%ld, %ld) is not stored on rank %d", i, j, A->grid->rank);
  if (A->core) {
    int ld;
    double *t = aeon_tiled_tile(A, i, j, &ld);
    drv_copy_tile(buf, A->nb, t, ld, A->nb);
    return AEON_OK;
  }
  int err = tf_pwrite(A->file, s, buf);
  return err ? tf_error(A->file, 1, s, err) : AEON_OK;
}

void aeon_tiled_io(const aeon_tiled *A, uint64_t *read, uint64_t *written) {
  *read = *written = 0;
  if (A->file) tf_counters(A->file, read, written);
}

/* Fills tile (i, j) into t (leading dimension ld) from f, zero outside the matrix. */
static void fill_tile(const aeon_tiled *A, long i, long j, double *t, int ld, aeon_elem_fn f, void *ctx) {
  int rows = aeon_tiled_rows(A, i), cols = aeon_tiled_cols(A, j), nb = A->nb;
  for (int c = 0; c < nb; c++)
    for (int r = 0; r < nb; r++) t[(size_t)c * ld + r] = (r < rows && c < cols) ? f(ctx, i * nb + r, j * nb + c) : 0.0;
}

static aeon_err fill_local(aeon_tiled *A, aeon_elem_fn f, void *ctx) {
  double *buf = NULL;
  if (!A->core) AE_CHK(aeon_gov_alloc(A->gov, tile_bytes(A), "a tile buffer for filling", (void **)&buf));
  aeon_err e = AEON_OK;
  for (long j = A->grid->q; j < A->nt && !e; j += A->grid->Q)
    for (long i = A->grid->p; i < A->mt && !e; i += A->grid->P) {
      if (!aeon_tiled_mine(A, i, j)) continue;
      int ld = A->nb;
      double *t = A->core ? aeon_tiled_tile(A, i, j, &ld) : buf;
      fill_tile(A, i, j, t, ld, f, ctx);
      if (!A->core) e = aeon_tiled_put(A, i, j, buf);
    }
  aeon_gov_free(A->gov, buf, tile_bytes(A));
  return e;
}

aeon_err aeon_tiled_fill(aeon_tiled *A, aeon_elem_fn f, void *ctx) {
  return aeon_par_agree(A->grid->comm, fill_local(A, f, ctx));
}
