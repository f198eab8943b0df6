/* Operators for the eigensolver: the row layout of vectors, a tiled matrix as
 * an operator, and the convection-diffusion stencil of ARPACK's dndrv1. */
#include <string.h>

#include "aeon/eigs.h"
#include "aeon/memory.h"
#include "drv_internal.h"

void aeon_linop_layout(MPI_Comm comm, long n, long *nlocal, long *offset) {
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  long base = n / size, extra = n % size;
  *nlocal = base + (rank < extra);
  *offset = rank * base + (rank < extra ? rank : extra);
}

void aeon_linop_destroy(aeon_linop *op) {
  if (op->destroy) op->destroy(op->ctx);
  op->ctx = NULL;
  op->destroy = NULL;
}

/* ---- a tiled matrix: gather x, multiply the local tiles, reduce-scatter y ---- */

typedef struct tiled_op {
  aeon_tiled *A;
  double *x, *y;      /* full-length work vectors */
  double *X, *Y;      /* full n x nvec work blocks of apply_block (leading dimension n), room for cap vectors */
  int cap;
  int *counts, *displs, *bcounts;
  const aeon_kernel *mv[AEON_NTRAITS], *mvt, *mm[AEON_NTRAITS], *mmt;
} tiled_op;

static void tiled_op_free(void *ctx) {
  tiled_op *t = ctx;
  if (!t) return;
  aeon_mem_free(t->x);
  aeon_mem_free(t->y);
  aeon_mem_free(t->X);
  aeon_mem_free(t->Y);
  aeon_mem_free(t->counts);
  aeon_mem_free(t->displs);
  aeon_mem_free(t->bcounts);
  aeon_mem_free(t);
}

/* y_i += A(i, j) x_j, and for a symmetric matrix's off-diagonal tile also y_j += A(i, j)^T x_i. */
static void tile_mv(tiled_op *t, long i, long j) {
  aeon_tiled *A = t->A;
  int lda;
  const double *a = aeon_tiled_tile(A, i, j, &lda);
  int m = aeon_tiled_rows(A, i), n = aeon_tiled_cols(A, j), nb = A->nb;
  double flops = 0;
  aeon_tile_call c = {.m = m, .n = n, .a = a, .lda = lda, .x = t->x + j * nb, .c = t->y + i * nb, .alpha = 1,
                      .beta = 1};
  drv_run(t->mv[aeon_tiled_tile_traits(A, i, j)], &c, &flops);
  if (i == j || A->traits == AEON_TRAIT_GENERAL) return;
  aeon_tile_call ct = {.m = m, .n = n, .a = a, .lda = lda, .x = t->x + i * nb, .c = t->y + j * nb, .alpha = 1,
                       .beta = 1};
  drv_run(t->mvt, &ct, &flops);
}

static aeon_err tiled_apply(void *ctx, const double *x, double *y) {
  tiled_op *t = ctx;
  aeon_tiled *A = t->A;
  const aeon_pgrid *g = A->grid;
  int r = g->rank;
  AE_MPI(MPI_Allgatherv(x, t->counts[r], MPI_DOUBLE, t->x, t->counts, t->displs, MPI_DOUBLE, g->comm));
  memset(t->y, 0, (size_t)A->m * sizeof(double));
  for (long j = g->q; j < A->nt; j += g->Q)
    for (long i = g->p; i < A->mt; i += g->P)
      if (aeon_tiled_mine(A, i, j)) tile_mv(t, i, j);
  AE_MPI(MPI_Reduce_scatter(t->y, y, t->counts, MPI_DOUBLE, MPI_SUM, g->comm));
  return AEON_OK;
}

/* Y_i += A(i, j) X_j, and for a symmetric matrix's off-diagonal tile also Y_j += A(i, j)^T X_i (nvec columns). */
static void tile_mm(tiled_op *t, int nvec, long i, long j) {
  aeon_tiled *A = t->A;
  int lda, ld = (int)A->n;
  const double *a = aeon_tiled_tile(A, i, j, &lda);
  int m = aeon_tiled_rows(A, i), n = aeon_tiled_cols(A, j), nb = A->nb;
  double flops = 0;
  aeon_tile_call c = {.m = m, .n = nvec, .k = n, .a = a, .lda = lda, .b = t->X + j * nb, .ldb = ld,
                      .c = t->Y + i * nb, .ldc = ld, .alpha = 1, .beta = 1};
  drv_run(t->mm[aeon_tiled_tile_traits(A, i, j)], &c, &flops);
  if (i == j || A->traits == AEON_TRAIT_GENERAL) return;
  aeon_tile_call ct = {.m = n, .n = nvec, .k = m, .a = a, .lda = lda, .b = t->X + i * nb, .ldb = ld,
                       .c = t->Y + j * nb, .ldc = ld, .alpha = 1, .beta = 1};
  drv_run(t->mmt, &ct, &flops);
}

/* Makes room for nvec vectors in the work blocks. */
static aeon_err block_room(tiled_op *t, int nvec) {
  if (nvec <= t->cap) return AEON_OK;
  aeon_mem_free(t->X);
  aeon_mem_free(t->Y);
  t->X = t->Y = NULL;
  t->cap = 0;
  size_t bytes = (size_t)t->A->n * nvec * sizeof(double);
  AE_CHK(aeon_mem_alloc(bytes, (void **)&t->X));
  AE_CHK(aeon_mem_alloc(bytes, (void **)&t->Y));
  t->cap = nvec;
  return AEON_OK;
}

/* A datatype for one row of an nvec-column block with leading dimension ld, its extent one double (so counts and
 * displacements count rows). */
static aeon_err row_type(int nvec, long ld, MPI_Datatype *type) {
  MPI_Datatype v;
  AE_MPI(MPI_Type_vector(nvec, 1, (int)ld, MPI_DOUBLE, &v));
  AE_MPI(MPI_Type_create_resized(v, 0, sizeof(double), type));
  MPI_Type_free(&v);
  AE_MPI(MPI_Type_commit(type));
  return AEON_OK;
}

/* The collective part of apply_block: gather X, multiply the local tiles, sum Y's rows onto their owners (rows
 * interleaved first, so that each rank's rows are contiguous: MPI_SUM is only defined on plain doubles). */
static aeon_err block_product(tiled_op *t, int nvec, const double *X, MPI_Datatype xrow, double *Y, long ldy,
                              MPI_Datatype nrow) {
  aeon_tiled *A = t->A;
  const aeon_pgrid *g = A->grid;
  long n = A->n, mine = t->counts[g->rank];
  AE_MPI(MPI_Allgatherv(X, (int)mine, xrow, t->X, t->counts, t->displs, nrow, g->comm));
  memset(t->Y, 0, (size_t)n * nvec * sizeof(double));
  for (long j = g->q; j < A->nt; j += g->Q)
    for (long i = g->p; i < A->mt; i += g->P)
      if (aeon_tiled_mine(A, i, j)) tile_mm(t, nvec, i, j);
  for (long r = 0; r < n; r++)
    for (int c = 0; c < nvec; c++) t->X[r * nvec + c] = t->Y[c * n + r];
  for (int r = 0; r < g->size; r++) t->bcounts[r] = t->counts[r] * nvec;
  AE_MPI(MPI_Reduce_scatter(t->X, t->Y, t->bcounts, MPI_DOUBLE, MPI_SUM, g->comm));
  for (long r = 0; r < mine; r++)
    for (int c = 0; c < nvec; c++) Y[c * ldy + r] = t->Y[r * nvec + c];
  return AEON_OK;
}

static aeon_err tiled_apply_block(void *ctx, int nvec, const double *X, long ldx, double *Y, long ldy) {
  tiled_op *t = ctx;
  AE_CHK(block_room(t, nvec));
  MPI_Datatype xrow = MPI_DATATYPE_NULL, nrow = MPI_DATATYPE_NULL;
  aeon_err e = row_type(nvec, ldx, &xrow);
  if (!e) e = row_type(nvec, t->A->n, &nrow);
  if (!e) e = block_product(t, nvec, X, xrow, Y, ldy, nrow);
  if (xrow != MPI_DATATYPE_NULL) MPI_Type_free(&xrow);
  if (nrow != MPI_DATATYPE_NULL) MPI_Type_free(&nrow);
  return e;
}

static aeon_err tiled_op_init(tiled_op *t, aeon_tiled *A, aeon_linop *op) {
  const aeon_pgrid *g = A->grid;
  t->A = A;
  AE_CHK(aeon_mem_alloc((size_t)A->nt * A->nb * sizeof(double), (void **)&t->x));
  AE_CHK(aeon_mem_alloc((size_t)A->mt * A->nb * sizeof(double), (void **)&t->y));
  AE_CHK(aeon_mem_alloc((size_t)g->size * sizeof(int), (void **)&t->counts));
  AE_CHK(aeon_mem_alloc((size_t)g->size * sizeof(int), (void **)&t->displs));
  AE_CHK(aeon_mem_alloc((size_t)g->size * sizeof(int), (void **)&t->bcounts));
  int nl = (int)op->nlocal;
  AE_MPI(MPI_Allgather(&nl, 1, MPI_INT, t->counts, 1, MPI_INT, g->comm));
  for (int r = 1; r < g->size; r++) t->displs[r] = t->displs[r - 1] + t->counts[r - 1];
  AE_CHK(aeon_kernel_get(AEON_OP_MATVEC, AEON_TRAIT_GENERAL, &t->mv[AEON_TRAIT_GENERAL]));
  AE_CHK(aeon_kernel_get(AEON_OP_MATMAT, AEON_TRAIT_GENERAL, &t->mm[AEON_TRAIT_GENERAL]));
  if (A->traits != AEON_TRAIT_GENERAL) {
    AE_CHK(aeon_kernel_get(AEON_OP_MATVEC, A->traits, &t->mv[A->traits]));
    AE_CHK(aeon_kernel_get(AEON_OP_MATVEC_T, AEON_TRAIT_GENERAL, &t->mvt));
    AE_CHK(aeon_kernel_get(AEON_OP_MATMAT, A->traits, &t->mm[A->traits]));
    AE_CHK(aeon_kernel_get(AEON_OP_MATMAT_T, AEON_TRAIT_GENERAL, &t->mmt));
  }
  return AEON_OK;
}

aeon_err aeon_linop_tiled(aeon_tiled *A, aeon_linop *op) {
  memset(op, 0, sizeof *op);
  if (!A->core) return AE_ERR(AEON_ERR_UNSUPPORTED, "the matrix operator needs an in-core tiled matrix");
  if (A->m != A->n) return AE_ERR(AEON_ERR_USER, "an eigenproblem needs a square matrix, not %ld x %ld", A->m, A->n);
  if (A->traits == AEON_TRAIT_LOWER || A->traits == AEON_TRAIT_UPPER)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "no operator for a %s tiled matrix", aeon_traits_name(A->traits));
  op->name = "dense";
  op->n = A->n;
  op->comm = A->grid->comm;
  op->flops_per_apply = 2.0 * A->n * A->n;
  aeon_linop_layout(op->comm, op->n, &op->nlocal, &op->offset);
  tiled_op *t;
  AE_CHK(aeon_mem_alloc(sizeof *t, (void **)&t));
  aeon_err e = tiled_op_init(t, A, op);
  if (e) {
    tiled_op_free(t);
    return e;
  }
  op->apply = tiled_apply;
  op->apply_block = tiled_apply_block;
  op->destroy = tiled_op_free;
  op->ctx = t;
  return AEON_OK;
}

/* ---- dndrv1: (Laplacian u) + rho du/dx, central differences, zero Dirichlet, h = 1 / (nx + 1) ---- */

typedef struct stencil_op {
  long nx, n, nlocal, offset, lo, hi; /* x is needed on [lo, hi) */
  double dd, dl, du, dy;              /* diagonal, x-neighbours, y-neighbours */
  double *xh;                         /* x on [lo, hi), for xh_vecs vectors (leading dimension hi - lo + 1) */
  int xh_vecs;
  int *counts, *displs;               /* row layout of every rank */
  MPI_Comm comm;
} stencil_op;

static void stencil_free(void *ctx) {
  stencil_op *s = ctx;
  if (!s) return;
  aeon_mem_free(s->xh);
  aeon_mem_free(s->counts);
  aeon_mem_free(s->displs);
  aeon_mem_free(s);
}

/* Posts a send (send = 1) or receive of nvec columns of len values, leading dimension ld, with rank r. */
static aeon_err post(const stencil_op *s, int send, double *buf, long len, int nvec, long ld, int r, MPI_Request *req) {
  MPI_Datatype t = MPI_DOUBLE;
  int count = (int)len;
  if (nvec > 1) {
    AE_MPI(MPI_Type_vector(nvec, (int)len, (int)ld, MPI_DOUBLE, &t));
    AE_MPI(MPI_Type_commit(&t));
    count = 1;
  }
  int rc = send ? MPI_Isend(buf, count, t, r, 0, s->comm, req) : MPI_Irecv(buf, count, t, r, 0, s->comm, req);
  if (nvec > 1) MPI_Type_free(&t);
  AE_MPI(rc);
  return AEON_OK;
}

/* Sets *v, *ldv to nvec vectors x (leading dimension ldx) by global index on [lo, hi), vector c at *v + c *ldv: on one
 * rank x itself; else s->xh, filled from every rank whose rows the halo covers (one message per rank pair). */
static aeon_err halo(stencil_op *s, int nvec, const double *x, long ldx, const double **v, long *ldv) {
  int size, rank;
  MPI_Comm_size(s->comm, &size);
  MPI_Comm_rank(s->comm, &rank);
  long ld = s->hi - s->lo + 1;
  *v = (size == 1 ? x : s->xh) - s->lo;
  *ldv = size == 1 ? ldx : ld;
  if (size == 1) return AEON_OK;
  if (nvec > s->xh_vecs) {
    size_t vb = (size_t)ld * sizeof(double);
    AE_CHK(aeon_mem_realloc((size_t)s->xh_vecs * vb, (size_t)nvec * vb, (void **)&s->xh));
    s->xh_vecs = nvec;
    *v = s->xh - s->lo;
  }
  MPI_Request req[256];
  int nreq = 0;
  for (int r = 0; r < size && nreq < 254; r++) {
    long rlo = s->displs[r] - s->nx, rhi = (long)s->displs[r] + s->counts[r] + s->nx; /* r's halo window */
    long a = rlo > s->offset ? rlo : s->offset, b = rhi < s->offset + s->nlocal ? rhi : s->offset + s->nlocal;
    if (r != rank && a < b) AE_CHK(post(s, 1, (double *)x + (a - s->offset), b - a, nvec, ldx, r, &req[nreq++]));
    long c = s->lo > s->displs[r] ? s->lo : s->displs[r];
    long d = s->hi < (long)s->displs[r] + s->counts[r] ? s->hi : (long)s->displs[r] + s->counts[r];
    if (r != rank && c < d) AE_CHK(post(s, 0, s->xh + (c - s->lo), d - c, nvec, ld, r, &req[nreq++]));
  }
  for (int k = 0; k < nvec; k++)
    memcpy(s->xh + k * ld + (s->offset - s->lo), x + k * ldx, (size_t)s->nlocal * sizeof(double));
  AE_MPI(MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE));
  return AEON_OK;
}

/* y on the rows [k0, k1) of one grid line (x fastest); v is x by global index. */
static void stencil_line(const stencil_op *s, const double *v, long k0, long k1, double *y) {
  long base = (k0 / s->nx) * s->nx, iy = k0 / s->nx;
  double up = iy > 0 ? s->dy : 0.0, dn = iy < s->nx - 1 ? s->dy : 0.0;
  const double *vu = iy > 0 ? v - s->nx : v, *vd = iy < s->nx - 1 ? v + s->nx : v; /* unused when the factor is 0 */
  for (long k = k0; k < k1; k++) {
    long ix = k - base;
    double w = s->dd * v[k] + up * vu[k] + dn * vd[k];
    if (ix > 0) w += s->dl * v[k - 1];
    if (ix < s->nx - 1) w += s->du * v[k + 1];
    y[k] = w;
  }
}

/* Y = A X for nvec vectors with one halo exchange. */
static aeon_err stencil_apply_block(void *ctx, int nvec, const double *X, long ldx, double *Y, long ldy) {
  stencil_op *s = ctx;
  const double *v; /* v[global index], vector k at v + k ldv */
  long ldv, end = s->offset + s->nlocal;
  AE_CHK(halo(s, nvec, X, ldx, &v, &ldv));
  for (int k = 0; k < nvec; k++)
    for (long k0 = s->offset; k0 < end;) {
      long k1 = (k0 / s->nx + 1) * s->nx;
      if (k1 > end) k1 = end;
      stencil_line(s, v + k * ldv, k0, k1, Y + k * ldy - s->offset);
      k0 = k1;
    }
  return AEON_OK;
}

/* y = A x. */
static aeon_err stencil_apply(void *ctx, const double *x, double *y) {
  stencil_op *s = ctx;
  return stencil_apply_block(ctx, 1, x, s->nlocal, y, s->nlocal);
}

static aeon_err stencil_init(stencil_op *s, MPI_Comm comm, long nx, double rho, const aeon_linop *op) {
  int size;
  MPI_Comm_size(comm, &size);
  if (size > 127) return AE_ERR(AEON_ERR_UNSUPPORTED, "the dndrv1 operator supports at most 127 ranks");
  double h = 1.0 / (double)(nx + 1), h2 = h * h;
  *s = (stencil_op){.nx = nx, .n = nx * nx, .nlocal = op->nlocal, .offset = op->offset, .comm = comm,
                    .dd = 4.0 / h2, .dl = -1.0 / h2 - 0.5 * rho / h, .du = -1.0 / h2 + 0.5 * rho / h, .dy = -1.0 / h2};
  s->lo = s->offset - nx > 0 ? s->offset - nx : 0;
  s->hi = s->offset + s->nlocal + nx < s->n ? s->offset + s->nlocal + nx : s->n;
  AE_CHK(aeon_mem_alloc((size_t)(s->hi - s->lo + 1) * sizeof(double), (void **)&s->xh));
  s->xh_vecs = 1;
  AE_CHK(aeon_mem_alloc((size_t)size * sizeof(int), (void **)&s->counts));
  AE_CHK(aeon_mem_alloc((size_t)size * sizeof(int), (void **)&s->displs));
  int nl = (int)op->nlocal;
  AE_MPI(MPI_Allgather(&nl, 1, MPI_INT, s->counts, 1, MPI_INT, comm));
  for (int r = 1; r < size; r++) s->displs[r] = s->displs[r - 1] + s->counts[r - 1];
  return AEON_OK;
}

aeon_err aeon_linop_dndrv1(MPI_Comm comm, long nx, double rho, aeon_linop *op) {
  memset(op, 0, sizeof *op);
  if (nx < 2 || nx > 46340) return AE_ERR(AEON_ERR_USER, "dndrv1 grid size %ld is outside [2, 46340]", nx);
  op->name = "dndrv1";
  op->n = nx * nx;
  op->comm = comm;
  op->flops_per_apply = 9.0 * (double)op->n;
  aeon_linop_layout(comm, op->n, &op->nlocal, &op->offset);
  stencil_op *s;
  AE_CHK(aeon_mem_alloc(sizeof *s, (void **)&s));
  aeon_err e = stencil_init(s, comm, nx, rho, op);
  if (e) {
    stencil_free(s);
    return e;
  }
  op->apply = stencil_apply;
  op->apply_block = stencil_apply_block;
  op->destroy = stencil_free;
  op->ctx = s;
  return AEON_OK;
}
