/* In-core matrix product C = alpha A B + beta C by SUMMA over the P x Q grid.
 *
 * C is scaled by beta first (beta = 0 sets it to zero, so NaN in C does not
 * survive, as in BLAS). Then for each tile column k of A (tile row k of B):
 * the owners in process column k % Q copy their tiles A(i, k) into a panel
 * buffer (one column-major panel with a tile per local tile row of C, in
 * order, laid out like a local column of C) and broadcast
 * it along their process row; the owners in process row k % P copy their
 * tiles B(k, j) transposed into a second buffer and broadcast it along their
 * process column. Each rank then updates its tiles C(i, j) with the general
 * update kernel of the table, C = C + alpha A B^T, B^T being the transposed
 * tile: one dgemm over each stack of C's tiles of a tile column
 * (drv_run_stack).
 *
 * Triangular operands (lower or upper traits): tiles that are not stored are
 * zero and skipped (no copy, no message content used, no dgemm); on a
 * diagonal tile only the stored triangle is used (the other is zeroed in the
 * copy). Symmetric and SPD operands store one triangle of a full matrix and
 * are refused, as are out-of-core matrices and a C that is not general.
 *
 * The two panel buffers are taken from C's governor, once, for the whole
 * product: (local tile rows + local tile columns of C) tiles per rank. */
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

static int same_grid(const aeon_pgrid *a, const aeon_pgrid *b) {
  if (a == b) return 1;
  if (a->P != b->P || a->Q != b->Q || a->rank != b->rank) return 0;
  int r;
  if (MPI_Comm_compare(a->comm, b->comm, &r) != MPI_SUCCESS) return 0;
  return r == MPI_IDENT || r == MPI_CONGRUENT;
}

static int triangular(aeon_traits t) { return t == AEON_TRAIT_LOWER || t == AEON_TRAIT_UPPER; }

/* Everything that can be wrong with the operands, checked locally (the same answer on every rank of a grid). */
static aeon_err check_args(const aeon_tiled *A, const aeon_tiled *B, const aeon_tiled *C) {
  if (A->n != B->m || A->m != C->m || B->n != C->n)
    return AE_ERR(AEON_ERR_USER,
                  "matmul: shapes do not conform: A is %ld x %ld, B is %ld x %ld, C is %ld x %ld (need A m x k, "
                  "B k x n, C m x n)",
                  A->m, A->n, B->m, B->n, C->m, C->n);
  if (A->nb != C->nb || B->nb != C->nb)
    return AE_ERR(AEON_ERR_USER, "matmul: tile sizes differ: A %d, B %d, C %d (all must be the same)", A->nb, B->nb,
                  C->nb);
  if (!same_grid(A->grid, C->grid) || !same_grid(B->grid, C->grid))
    return AE_ERR(AEON_ERR_USER,
                  "matmul: the matrices lie on different process grids (A %dx%d, B %dx%d, C %dx%d; all must be "
                  "the same grid over the same ranks)",
                  A->grid->P, A->grid->Q, B->grid->P, B->grid->Q, C->grid->P, C->grid->Q);
  if (C == A || C == B) return AE_ERR(AEON_ERR_USER, "matmul: C must not be A or B (no product in place)");
  if (!A->core || !B->core || !C->core)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "matmul: out-of-core matrices are not supported (A, B and C must be in core)");
  if (C->traits != AEON_TRAIT_GENERAL)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "matmul: C must be a general matrix, not a %s one",
                  aeon_traits_name(C->traits));
  const aeon_tiled *op[2] = {A, B};
  for (int t = 0; t < 2; t++)
    if (op[t]->traits != AEON_TRAIT_GENERAL && !triangular(op[t]->traits))
      return AE_ERR(AEON_ERR_UNSUPPORTED, "matmul: %c may be general or triangular, not %s", "AB"[t],
                    aeon_traits_name(op[t]->traits));
  return AEON_OK;
}

/* Copies tile (i, j) of X into dst (leading dimension ldd), transposed when trans, keeping only the stored triangle
 * of a triangular diagonal tile; zero when the tile is not stored. */
static void copy_tile(const aeon_tiled *X, long i, long j, int trans, double *dst, int ldd) {
  int nb = X->nb, lds;
  const double *src = aeon_tiled_tile(X, i, j, &lds);
  int mask = i == j && triangular(X->traits), lower = X->traits == AEON_TRAIT_LOWER;
  if (src && !trans && !mask) {
    drv_copy_tile(src, lds, dst, ldd, nb);
    return;
  }
  for (int c = 0; c < nb; c++)
    for (int r = 0; r < nb; r++) {
      double v = src ? src[(size_t)c * lds + r] : 0.0;
      if (mask && (lower ? c > r : c < r)) v = 0.0;
      dst[trans ? (size_t)r * ldd + c : (size_t)c * ldd + r] = v;
    }
}

/* Scales this rank's tiles of C by beta (beta = 0: zero, whatever C held). */
static void scale_c(aeon_tiled *C, double beta) {
  if (beta == 1.0) return;
  const aeon_pgrid *g = C->grid;
  for (long j = g->q; j < C->nt; j += g->Q)
    for (long i = g->p; i < C->mt; i += g->P) {
      int ld;
      double *t = aeon_tiled_tile(C, i, j, &ld);
      for (int c = 0; c < C->nb; c++)
        for (int r = 0; r < C->nb; r++) t[(size_t)c * ld + r] = beta == 0.0 ? 0.0 : beta * t[(size_t)c * ld + r];
    }
}

/* Tile rows [*i0, *i1) of tile column k of X that are stored. */
static void stored_rows(const aeon_tiled *X, long k, long *i0, long *i1) {
  *i0 = 0;
  *i1 = X->mt;
  if (X->traits == AEON_TRAIT_LOWER) *i0 = k;
  if (X->traits == AEON_TRAIT_UPPER) *i1 = k + 1;
}

typedef struct mm_state {
  aeon_tiled *A, *B, *C;
  double alpha;
  const aeon_kernel *gemm;
  double *abuf, *bbuf; /* A's column k as one panel of C->mtl tiles; C->ntl transposed tiles of B's row k */
  long j;              /* the tile column of C being updated */
  double flops;
} mm_state;

static double *c_row(void *ctx, long i, int *ld) {
  mm_state *s = ctx;
  return aeon_tiled_tile(s->C, i, s->j, ld);
}
static double *a_row(void *ctx, long i, int *ld) {
  mm_state *s = ctx;
  *ld = (int)(s->C->mtl * s->C->nb);
  return s->abuf + (size_t)(i / s->C->grid->P) * s->C->nb;
}

/* Step k of SUMMA: broadcast A(:, k) along process rows and B(k, :) along process columns, then update. */
static aeon_err step(mm_state *s, long k, MPI_Datatype tile) {
  aeon_tiled *A = s->A, *B = s->B, *C = s->C;
  const aeon_pgrid *g = C->grid;
  size_t tb = (size_t)C->nb * C->nb;
  int aroot = (int)(k % g->Q), broot = (int)(k % g->P);
  if (g->q == aroot)
    for (long li = 0; li < C->mtl; li++)
      copy_tile(A, li * g->P + g->p, k, 0, s->abuf + li * C->nb, (int)(C->mtl * C->nb));
  if (g->p == broot)
    for (long lj = 0; lj < C->ntl; lj++) copy_tile(B, k, lj * g->Q + g->q, 1, s->bbuf + lj * tb, C->nb);
  if (C->mtl > 0 && g->Q > 1) AE_MPI(MPI_Bcast(s->abuf, (int)C->mtl, tile, aroot, g->row));
  if (C->ntl > 0 && g->P > 1) AE_MPI(MPI_Bcast(s->bbuf, (int)C->ntl, tile, broot, g->col));
  long i0, i1;
  stored_rows(A, k, &i0, &i1);
  drv_stack st = {.c = c_row, .cctx = s, .a = a_row, .actx = s};
  for (long lj = 0; lj < C->ntl; lj++) {
    long j = lj * g->Q + g->q;
    if (!aeon_tiled_stored(B, k, j)) continue;
    s->j = j;
    aeon_tile_call c = {.n = aeon_tiled_cols(C, j), .k = aeon_tiled_cols(A, k), .b = s->bbuf + lj * tb,
                        .ldb = C->nb, .alpha = s->alpha, .beta = 1.0};
    drv_run_stack(s->gemm, c, C, i0, i1, &st, &s->flops);
  }
  return AEON_OK;
}

static aeon_err run(mm_state *s) {
  aeon_tiled *C = s->C;
  size_t tb = (size_t)C->nb * C->nb * sizeof(double);
  size_t abytes = (size_t)(C->mtl > 0 ? C->mtl : 1) * tb, bbytes = (size_t)(C->ntl > 0 ? C->ntl : 1) * tb;
  aeon_err e = aeon_gov_alloc(C->gov, abytes, "matmul panel of A", (void **)&s->abuf);
  if (!e) e = aeon_gov_alloc(C->gov, bbytes, "matmul panel of B", (void **)&s->bbuf);
  e = aeon_par_agree(C->grid->comm, e);
  MPI_Datatype tile = MPI_DATATYPE_NULL;
  if (!e && (MPI_Type_contiguous(C->nb * C->nb, MPI_DOUBLE, &tile) != MPI_SUCCESS ||
             MPI_Type_commit(&tile) != MPI_SUCCESS))
    e = AE_ERR(AEON_ERR_MPI, "matmul: could not build the tile datatype");
  for (long k = 0; k < s->A->nt && !e && s->alpha != 0.0; k++) e = step(s, k, tile);
  if (tile != MPI_DATATYPE_NULL) MPI_Type_free(&tile);
  aeon_gov_free(C->gov, s->bbuf, bbytes);
  aeon_gov_free(C->gov, s->abuf, abytes);
  s->abuf = s->bbuf = NULL;
  return e;
}

aeon_err aeon_matmul(double alpha, aeon_tiled *A, aeon_tiled *B, double beta, aeon_tiled *C) {
  aeon_err e = check_args(A, B, C);
  mm_state s = {.A = A, .B = B, .C = C, .alpha = alpha};
  if (!e) e = aeon_kernel_get(AEON_OP_UPDATE, AEON_TRAIT_GENERAL, &s.gemm);
  AE_CHK(aeon_par_agree(C->grid->comm, e));
  scale_c(C, beta);
  return aeon_par_agree(C->grid->comm, run(&s));
}
