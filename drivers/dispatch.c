/* The one table mapping (operation, traits) to a tile kernel. Structure picks
 * the cheaper kernel: dsyrk rather than dgemm for an update of a symmetric
 * (diagonal) tile, dsymv rather than dgemv for a symmetric tile. Adding a
 * kernel is one row here. Tiles are column-major; the tiles of one tile
 * column of an in-core matrix form one column-major panel, so a kernel may run
 * on a whole stack at once (m counts the stack's rows). */
#include <cblas.h>
#include <lapacke.h>

#include "aeon/drivers.h"

static void k_potrf(aeon_tile_call *c) {
  c->info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', c->m, c->c, c->ldc);
}
static void k_trsm(aeon_tile_call *c) {
  cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, c->m, c->n, c->alpha, c->a,
              c->lda, c->c, c->ldc);
}
static void k_trtri(aeon_tile_call *c) {
  c->info = LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, 'L', 'N', c->m, c->c, c->ldc);
}
static void k_trmm(aeon_tile_call *c) {
  cblas_dtrmm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, c->m, c->n, c->alpha, c->a, c->lda,
              c->c, c->ldc);
}
static void k_syrk(aeon_tile_call *c) {
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, c->m, c->k, c->alpha, c->a, c->lda, c->beta, c->c,
              c->ldc);
}
static void k_gemm_nt(aeon_tile_call *c) {
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, c->m, c->n, c->k, c->alpha, c->a, c->lda, c->b, c->ldb,
              c->beta, c->c, c->ldc);
}
static void k_gemm_nn(aeon_tile_call *c) {
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, c->m, c->n, c->k, c->alpha, c->a, c->lda, c->b, c->ldb,
              c->beta, c->c, c->ldc);
}
static void k_gemm_tn(aeon_tile_call *c) {
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, c->m, c->n, c->k, c->alpha, c->a, c->lda, c->b, c->ldb,
              c->beta, c->c, c->ldc);
}
static void k_symm(aeon_tile_call *c) {
  cblas_dsymm(CblasColMajor, CblasLeft, CblasLower, c->m, c->n, c->alpha, c->a, c->lda, c->b, c->ldb, c->beta, c->c,
              c->ldc);
}
static void k_gemv(aeon_tile_call *c) {
  cblas_dgemv(CblasColMajor, CblasNoTrans, c->m, c->n, c->alpha, c->a, c->lda, c->x, 1, c->beta, c->c, 1);
}
static void k_gemv_t(aeon_tile_call *c) {
  cblas_dgemv(CblasColMajor, CblasTrans, c->m, c->n, c->alpha, c->a, c->lda, c->x, 1, c->beta, c->c, 1);
}
static void k_symv(aeon_tile_call *c) {
  cblas_dsymv(CblasColMajor, CblasLower, c->m, c->alpha, c->a, c->lda, c->x, 1, c->beta, c->c, 1);
}

static double f_potrf(const aeon_tile_call *c) { return (double)c->m * c->m * c->m / 3.0; }
static double f_trsm(const aeon_tile_call *c) { return (double)c->m * c->n * c->n; }
static double f_trtri(const aeon_tile_call *c) { return (double)c->m * c->m * c->m / 3.0; }
static double f_syrk(const aeon_tile_call *c) { return (double)c->m * (c->m + 1) * c->k; }
static double f_gemm(const aeon_tile_call *c) { return 2.0 * c->m * c->n * c->k; }
static double f_mv(const aeon_tile_call *c) { return 2.0 * c->m * c->n; }

static const aeon_kernel table[] = {
  {AEON_OP_FACTOR, AEON_TRAIT_SPD, "dpotrf", k_potrf, f_potrf},
  {AEON_OP_FACTOR, AEON_TRAIT_SYMMETRIC, "dpotrf", k_potrf, f_potrf},
  {AEON_OP_SOLVE, AEON_TRAIT_LOWER, "dtrsm", k_trsm, f_trsm},
  {AEON_OP_INVERT, AEON_TRAIT_LOWER, "dtrtri", k_trtri, f_trtri},
  {AEON_OP_MULTIPLY_T, AEON_TRAIT_LOWER, "dtrmm", k_trmm, f_trsm},
  {AEON_OP_UPDATE, AEON_TRAIT_SPD, "dsyrk", k_syrk, f_syrk},
  {AEON_OP_UPDATE, AEON_TRAIT_SYMMETRIC, "dsyrk", k_syrk, f_syrk},
  {AEON_OP_UPDATE, AEON_TRAIT_GENERAL, "dgemm", k_gemm_nt, f_gemm},
  {AEON_OP_MATVEC, AEON_TRAIT_GENERAL, "dgemv", k_gemv, f_mv},
  {AEON_OP_MATVEC, AEON_TRAIT_SYMMETRIC, "dsymv", k_symv, f_mv},
  {AEON_OP_MATVEC, AEON_TRAIT_SPD, "dsymv", k_symv, f_mv},
  {AEON_OP_MATVEC_T, AEON_TRAIT_GENERAL, "dgemv^T", k_gemv_t, f_mv},
  {AEON_OP_MATMAT, AEON_TRAIT_GENERAL, "dgemm", k_gemm_nn, f_gemm},
  {AEON_OP_MATMAT, AEON_TRAIT_SYMMETRIC, "dsymm", k_symm, f_gemm},
  {AEON_OP_MATMAT, AEON_TRAIT_SPD, "dsymm", k_symm, f_gemm},
  {AEON_OP_MATMAT_T, AEON_TRAIT_GENERAL, "dgemm^T", k_gemm_tn, f_gemm},
};

const aeon_kernel *aeon_kernel_for(aeon_tile_op op, aeon_traits t) {
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].op == op && table[i].traits == t) return &table[i];
  return NULL;
}

aeon_err aeon_kernel_get(aeon_tile_op op, aeon_traits t, const aeon_kernel **k) {
  *k = aeon_kernel_for(op, t);
  if (!*k)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "no tile kernel for operation '%s' on a %s tile", aeon_tile_op_name(op),
                  aeon_traits_name(t));
  return AEON_OK;
}

const char *aeon_traits_name(aeon_traits t) {
  static const char *n[] = {"general", "symmetric", "SPD", "lower triangular", "upper triangular"};
  return (t >= 0 && t < AEON_NTRAITS) ? n[t] : "unknown";
}

const char *aeon_tile_op_name(aeon_tile_op op) {
  static const char *n[] = {"factor", "solve", "invert", "multiply^T", "update", "matvec", "matvec^T"};
  return (op >= 0 && op < AEON_NOPS) ? n[op] : "unknown";
}
