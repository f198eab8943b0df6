/* ranks: 1 2 4 */
/* Krylov-Schur eigensolver, block sizes 1, 2 and 3: for random symmetric and
 * non-symmetric dense matrices (n = 200, tiled over the grid) the nev = 1..10
 * eigenvalues of largest magnitude, largest and smallest real part agree with
 * LAPACK's dsyev/dgeev to 1e-10 relative, and the returned Ritz vectors satisfy
 * ||A x - lambda x|| <= 1e-8 |lambda|; the dndrv1 convection-diffusion operator
 * on a 100 x 100 grid (nev = 4, LM, tol = 1e-10; ncv 20, 24, 28 for block
 * sizes 1, 2, 3) converges to eigenvalues of the analytic spectrum, those of
 * block sizes 2 and 3 agree with block size 1 to 1e-9 and, unlike it, give the
 * double eigenvalue twice (the four largest with multiplicity); a diagonal
 * operator with five distinct eigenvalues of multiplicity 12 makes the block
 * Krylov space rank deficient (fresh random vectors) and still gives the
 * fourfold largest eigenvalue; bad options (block sizes included) are
 * refused. The dense operator's apply_block (one gather, dgemm/dsymm per tile,
 * one reduce-scatter) agrees with apply on each vector to 1e-14. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/eigs.h"
#include "aeon/memory.h"

#include "mpicheck.h"

enum { N = 200, NB = 48 };

/* ||A x - lambda x|| / |lambda| for returned eigenpair t (a pair uses both columns). */
static double true_residual(const aeon_linop *op, const aeon_eigs_result *r, int t, int c, double *ax, double *ay) {
  long nl = op->nlocal;
  const double *xr = r->vectors + (size_t)c * nl, *xi = r->im[t] != 0 ? xr + nl : NULL;
  double lr = r->re[t], li = r->im[t], s = 0, all;
  op->apply(op->ctx, xr, ax);
  if (xi) op->apply(op->ctx, xi, ay);
  for (long i = 0; i < nl; i++) {
    double a = ax[i] - lr * xr[i] + (xi ? li * xi[i] : 0), b = xi ? ay[i] - li * xr[i] - lr * xi[i] : 0;
    s += a * a + b * b;
  }
  MPI_Allreduce(&s, &all, 1, MPI_DOUBLE, MPI_SUM, op->comm);
  return sqrt(all) / hypot(lr, li);
}

/* Checks the residuals of all returned vectors. */
static void check_vectors(const aeon_linop *op, const aeon_eigs_result *r, const char *what) {
  double *ax, *ay;
  aeon_mem_alloc((size_t)(op->nlocal + 1) * sizeof(double), (void **)&ax);
  aeon_mem_alloc((size_t)(op->nlocal + 1) * sizeof(double), (void **)&ay);
  for (int t = 0, c = 0; t < r->nev; t++) {
    if (r->im[t] < 0 && t > 0 && r->im[t - 1] > 0) continue; /* the conjugate shares the pair's columns */
    double res = true_residual(op, r, t, c, ax, ay);
    CHECK(res < 1e-8, "%s: eigenpair %d residual %.3e", what, t, res);
    c += r->im[t] != 0 ? 2 : 1;
  }
  aeon_mem_free(ax);
  aeon_mem_free(ay);
}

/* The dense reference spectrum of the generated matrix, sorted by which. */
static void reference(aeon_elem_fn f, aeon_gen *gen, int sym, aeon_which which, double *re, double *im) {
  double *a;
  aeon_mem_alloc((size_t)N * N * sizeof(double), (void **)&a);
  for (long c = 0; c < N; c++)
    for (long r = 0; r < N; r++) a[r + c * N] = f(gen, r, c);
  aeon_err e = aeon_dense_eigvals(N, a, sym, re, im);
  CHECK(e == AEON_OK, "reference: %s", aeon_error_message());
  aeon_eig_sort(N, re, im, which);
  aeon_mem_free(a);
}

/* apply_block on three vectors (leading dimensions larger than nlocal) against apply on each. */
static void check_apply_block(const aeon_linop *op, const char *what) {
  enum { V = 3 };
  long nl = op->nlocal, ld = nl + 5;
  double *X, *Y, *y;
  aeon_mem_alloc((size_t)(V * ld + 1) * sizeof(double), (void **)&X);
  aeon_mem_alloc((size_t)(V * ld + 1) * sizeof(double), (void **)&Y);
  aeon_mem_alloc((size_t)(nl + 1) * sizeof(double), (void **)&y);
  for (long i = 0; i < V * ld; i++) X[i] = sin(0.37 * (double)(i + 7 * op->offset));
  aeon_err e = op->apply_block(op->ctx, V, X, ld, Y, ld);
  CHECK(e == AEON_OK, "%s apply_block: %s", what, aeon_error_message());
  double worst = 0, scale = 0;
  for (int c = 0; c < V && !e; c++) {
    op->apply(op->ctx, X + c * ld, y);
    for (long i = 0; i < nl; i++) {
      worst = fmax(worst, fabs(y[i] - Y[c * ld + i]));
      scale = fmax(scale, fabs(y[i]));
    }
  }
  double all[2] = {worst, scale}, g[2];
  MPI_Allreduce(all, g, 2, MPI_DOUBLE, MPI_MAX, op->comm);
  CHECK(g[0] <= 1e-14 * g[1], "%s apply_block differs from apply by %.3e (scale %.3e)", what, g[0], g[1]);
  aeon_mem_free(X);
  aeon_mem_free(Y);
  aeon_mem_free(y);
}

/* Basis size of the dense cases: a block Krylov space of the same size has a lower polynomial degree, so it grows. */
static int dense_ncv(int nev, int bs) { return 2 * nev + 20 + 10 * (bs - 1); }

static double dense_case(const aeon_pgrid *g, aeon_gov *gov, int sym, aeon_which which, int bs, long *applies) {
  aeon_gen gen = {.seed = sym ? 101 : 202, .n = N};
  aeon_elem_fn f = sym ? aeon_gen_sym : aeon_gen_general;
  aeon_tiled *A = NULL;
  aeon_linop op = {0};
  aeon_err e = aeon_tiled_create(g, gov, N, N, NB, sym ? AEON_TRAIT_SYMMETRIC : AEON_TRAIT_GENERAL, NULL, &A);
  if (!e) e = aeon_tiled_fill(A, f, &gen);
  if (!e) e = aeon_linop_tiled(A, &op);
  if (!e && bs == 1 && which == AEON_WHICH_LM) check_apply_block(&op, sym ? "symmetric" : "general");
  double re[N], im[N], worst = 0;
  reference(f, &gen, sym, which, re, im);
  for (int nev = 1; nev <= 10 && !e; nev++) {
    aeon_eigs_opts o = aeon_eigs_defaults();
    o.nev = nev;
    o.which = which;
    o.ncv = dense_ncv(nev, bs);
    o.block_size = bs;
    o.tol = 1e-12;
    o.want_vectors = nev == 10;
    aeon_eigs_result r;
    e = aeon_eigs(&op, &o, &r);
    CHECK(e == AEON_OK, "%s %s nev %d block %d: %s", sym ? "symmetric" : "general", aeon_which_name(which), nev, bs,
          aeon_error_message());
    for (int t = 0; t < nev && !e; t++) {
      double err = hypot(r.re[t] - re[t], r.im[t] - im[t]) / hypot(re[t], im[t]);
      if (err > worst) worst = err;
      CHECK(err < 1e-10, "%s %s nev %d block %d: eigenvalue %d = %.15g%+.15gi, LAPACK %.15g%+.15gi (rel. error %.2e)",
            sym ? "symmetric" : "general", aeon_which_name(which), nev, bs, t, r.re[t], r.im[t], re[t], im[t], err);
    }
    if (!e && o.want_vectors) check_vectors(&op, &r, sym ? "symmetric" : "general");
    if (!e) *applies += r.applies;
    aeon_eigs_result_free(&r);
  }
  CHECK(e == AEON_OK, "dense case: %s", aeon_error_message());
  aeon_linop_destroy(&op);
  aeon_tiled_destroy(A);
  return worst;
}

/* Eigenvalue (a, b) of the nx x nx Laplacian: 4/h^2 (sin^2(a pi h / 2) + sin^2(b pi h / 2)), h = 1 / (nx + 1). */
static double laplace_eig(long nx, long a, long b) {
  double h = 1.0 / (nx + 1), sa = sin(a * M_PI * h / 2), sb = sin(b * M_PI * h / 2);
  return 4 / (h * h) * (sa * sa + sb * sb);
}

/* Is v (within rel) an eigenvalue of the nx x nx Laplacian? */
static int analytic(double v, long nx, double rel) {
  for (long a = 1; a <= nx; a++)
    for (long b = 1; b <= nx; b++) {
      double l = laplace_eig(nx, a, b);
      if (fabs(v - l) <= rel * l) return 1;
    }
  return 0;
}

static int descending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x < y) - (x > y);
}

/* The k largest eigenvalues of the nx x nx Laplacian, with multiplicity. */
static void analytic_top(long nx, int k, double *top) {
  double *all;
  aeon_mem_alloc((size_t)nx * nx * sizeof(double), (void **)&all);
  for (long a = 1; a <= nx; a++)
    for (long b = 1; b <= nx; b++) all[(a - 1) * nx + b - 1] = laplace_eig(nx, a, b);
  qsort(all, (size_t)nx * nx, sizeof(double), descending);
  memcpy(top, all, (size_t)k * sizeof(double));
  aeon_mem_free(all);
}

/* x_i^T x_j of two returned (real, unit) Ritz vectors. */
static double vec_dot(const aeon_linop *op, const aeon_eigs_result *r, int i, int j) {
  double s = 0, all;
  for (long k = 0; k < op->nlocal; k++) s += r->vectors[i * op->nlocal + k] * r->vectors[j * op->nlocal + k];
  MPI_Allreduce(&s, &all, 1, MPI_DOUBLE, MPI_SUM, op->comm);
  return all;
}

/* Block size bs > 1 against the block size 1 values ref: each eigenvalue is one of them (1e-9), and the block method
 * gives the four largest with multiplicity (the double lambda(1, 2) = lambda(2, 1) twice, with independent unit
 * vectors). */
static void dndrv1_block_checks(const aeon_linop *op, const aeon_eigs_result *r, int bs, const double *ref) {
  double top[4];
  analytic_top(100, 4, top);
  for (int t = 0; t < 4; t++) {
    double best = INFINITY;
    for (int u = 0; u < 4; u++) best = fmin(best, fabs(r->re[t] - ref[u]) / ref[u]);
    CHECK(best < 1e-9, "dndrv1 block %d: eigenvalue %d = %.12g is not one of block size 1's (rel. %.2e)", bs, t,
          r->re[t], best);
    CHECK(fabs(r->re[t] - top[t]) < 1e-9 * top[t], "dndrv1 block %d: eigenvalue %d = %.12g, analytic %.12g", bs, t,
          r->re[t], top[t]);
  }
  double d = vec_dot(op, r, 1, 2);
  CHECK(fabs(d) < 0.9, "dndrv1 block %d: the double eigenvalue's vectors are (nearly) parallel (x1.x2 = %.3f)", bs, d);
}

/* dndrv1 100 x 100, nev 4, LM, tol 1e-10 with block size bs and basis ncv; ref: block size 1's values (filled when
 * bs = 1, checked against otherwise). */
static void dndrv1_case(MPI_Comm comm, int rank, int bs, int ncv, double *ref) {
  aeon_linop op;
  aeon_err e = aeon_linop_dndrv1(comm, 100, 0.0, &op);
  aeon_eigs_opts o = aeon_eigs_defaults();
  o.nev = 4;
  o.ncv = ncv;
  o.block_size = bs;
  o.tol = 1e-10;
  o.which = AEON_WHICH_LM;
  o.want_vectors = 1;
  aeon_eigs_result r = {0};
  if (!e) e = aeon_eigs(&op, &o, &r);
  CHECK(e == AEON_OK, "dndrv1 block %d: %s", bs, aeon_error_message());
  for (int t = 0; t < r.nev && !e; t++)
    CHECK(analytic(r.re[t], 100, 1e-9) && r.im[t] == 0,
          "dndrv1 block %d eigenvalue %d = %.12g%+gi is not in the spectrum", bs, t, r.re[t], r.im[t]);
  if (!e) check_vectors(&op, &r, "dndrv1");
  if (!e && bs == 1) memcpy(ref, r.re, 4 * sizeof(double));
  if (!e && bs > 1) dndrv1_block_checks(&op, &r, bs, ref);
  if (rank == 0 && !e)
    printf("dndrv1 100x100 nev 4 LM ncv %d block %d tol 1e-10: %.10g %.10g %.10g %.10g, %ld applications, "
           "%ld restarts, %.3f s\n",
           ncv, bs, r.re[0], r.re[1], r.re[2], r.re[3], r.applies, r.restarts, r.seconds);
  aeon_eigs_result_free(&r);
  aeon_linop_destroy(&op);
}

/* ---- a diagonal operator: eigenvalues 1 .. 5, each 12 times (n = 60) ---- */

typedef struct diag_op {
  long nlocal, offset;
} diag_op;

static double diag_value(long i) { return (double)(1 + i % 5); }

static aeon_err diag_apply(void *ctx, const double *x, double *y) {
  diag_op *d = ctx;
  for (long i = 0; i < d->nlocal; i++) y[i] = diag_value(d->offset + i) * x[i];
  return AEON_OK;
}

/* A block Krylov space of this operator has at most 5 bs dimensions, less than ncv = 24: the expansion becomes rank
 * deficient and continues from fresh random vectors; the fourfold eigenvalue 5 is found four times. */
static void deficient_case(MPI_Comm comm, int bs) {
  diag_op d;
  aeon_linop op = {.name = "diag", .n = 60, .comm = comm, .flops_per_apply = 60, .apply = diag_apply, .ctx = &d};
  aeon_linop_layout(comm, op.n, &op.nlocal, &op.offset);
  d = (diag_op){.nlocal = op.nlocal, .offset = op.offset};
  aeon_eigs_opts o = aeon_eigs_defaults();
  o.nev = 4;
  o.ncv = 24;
  o.block_size = bs;
  o.tol = 1e-12;
  o.want_vectors = 1;
  aeon_eigs_result r = {0};
  aeon_err e = aeon_eigs(&op, &o, &r);
  CHECK(e == AEON_OK, "diagonal block %d: %s", bs, aeon_error_message());
  for (int t = 0; t < r.nev && !e; t++)
    CHECK(fabs(r.re[t] - 5) < 1e-10 && r.im[t] == 0, "diagonal block %d: eigenvalue %d = %.15g%+gi, expected 5", bs, t,
          r.re[t], r.im[t]);
  if (!e) check_vectors(&op, &r, "diagonal");
  aeon_eigs_result_free(&r);
}

static void refusals(MPI_Comm comm) {
  aeon_linop op;
  aeon_linop_dndrv1(comm, 10, 0.0, &op);
  aeon_eigs_opts o = aeon_eigs_defaults();
  aeon_eigs_result r;
  o.ncv = 5;
  CHECK(aeon_eigs(&op, &o, &r) == AEON_ERR_USER && strstr(aeon_error_message(), "at least nev + 2"), "ncv: %s",
        aeon_error_message());
  struct {
    int bs, ncv;
    const char *msg;
  } bad[] = {
    {0, 20, "block size 0 must be >= 1"},
    {-3, 20, "block size -3 must be >= 1"},
    {9, 20, "ncv = 20 must be at least nev + 2 x block size = 22 (nev 4, block size 9)"},
    {4, 11, "ncv = 11 must be at least nev + 2 x block size = 12 (nev 4, block size 4)"},
    {6, 96, "block size 6 is too large for the operator size 100"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    o = aeon_eigs_defaults();
    o.block_size = bad[i].bs;
    o.ncv = bad[i].ncv;
    CHECK(aeon_eigs(&op, &o, &r) == AEON_ERR_USER && strstr(aeon_error_message(), bad[i].msg),
          "block size %d ncv %d: '%s', expected '%s'", bad[i].bs, bad[i].ncv, aeon_error_message(), bad[i].msg);
  }
  o = aeon_eigs_defaults();
  o.ncv = 200;
  CHECK(aeon_eigs(&op, &o, &r) == AEON_ERR_USER && strstr(aeon_error_message(), "exceeds"), "ncv > n: %s",
        aeon_error_message());
  o = aeon_eigs_defaults();
  o.max_restarts = 1;
  o.tol = 1e-14;
  CHECK(aeon_eigs(&op, &o, &r) == AEON_ERR_NUMERIC && strstr(aeon_error_message(), "did not converge"),
        "no convergence: %s", aeon_error_message());
  aeon_eigs_result_free(&r);
  aeon_which w;
  CHECK(aeon_which_parse("XX", &w) == AEON_ERR_USER, "which XX accepted");
  aeon_error_clear();
  aeon_linop_destroy(&op);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  aeon_drv_blas_threads(MPI_COMM_WORLD);
  aeon_pgrid g;
  if (aeon_pgrid_create(MPI_COMM_WORLD, 0, 0, &g)) MPI_Abort(MPI_COMM_WORLD, 1);
  aeon_gov *gov;
  aeon_gov_create((size_t)1 << 28, &gov);
  for (int bs = 1; bs <= 3; bs++)
    for (int sym = 1; sym >= 0; sym--)
      for (int w = AEON_WHICH_LM; w <= AEON_WHICH_SR; w++) {
        long applies = 0;
        double worst = dense_case(&g, gov, sym, (aeon_which)w, bs, &applies);
        if (g.rank == 0)
          printf("block %d %s n=%d %s nev 1..10: max relative eigenvalue error vs LAPACK %s %.2e, %ld applications in "
                 "all\n",
                 bs, sym ? "symmetric" : "non-symmetric", N, aeon_which_name((aeon_which)w), sym ? "dsyev" : "dgeev",
                 worst, applies);
      }
  double ref[4] = {0};
  for (int bs = 1; bs <= 3; bs++) dndrv1_case(MPI_COMM_WORLD, g.rank, bs, 16 + 4 * bs, ref);
  for (int bs = 1; bs <= 3; bs++) deficient_case(MPI_COMM_WORLD, bs);
  refusals(MPI_COMM_WORLD);
  aeon_gov_destroy(gov);
  aeon_pgrid_destroy(&g);
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return all ? 1 : 0;
}
