/* Krylov-Schur eigensolver (distributed part). Block size 1: Arnoldi with
 * classical Gram-Schmidt applied twice when needed (DGKS), one global
 * reduction per pass. Block size bs > 1 (block Krylov-Schur): the operator is
 * applied to the last bs basis vectors at once; the new block W is projected
 * out of the basis by block classical Gram-Schmidt with block DGKS: one
 * reduction per pass (dgemm, the Gram matrix of W in the same reduction), a
 * second pass when a vector of W kept less than 0.717 of its norm. W is then
 * orthonormalised within itself by Cholesky-QR twice: the first uses the Gram
 * matrix of the last pass, the second one more reduction (two or three
 * reductions per block). A block that is ill-conditioned (nearly rank
 * deficient: an invariant subspace, or dependent directions) or that the
 * second pass still shrank is finished vector by vector with DGKS instead, a
 * negligible vector replaced by a fresh random one, as for bs = 1.
 * The basis holds ncv = m vectors and bs residual vectors; H is (m + bs) x m,
 * band upper Hessenberg with bs subdiagonals. A restart keeping k vectors
 * leaves the residual block at columns k .. k + bs - 1 and the expansion
 * continues from it; when m - k is not a multiple of bs, its last step applies
 * the operator to fewer than bs vectors (and adds as many).
 * Rank 0 computes each restart's small dense decisions and broadcasts them;
 * every rank then rotates its rows of the basis, V <- V Z. */
#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"
#include "ks_internal.h"

/* DGKS: another Gram-Schmidt pass when a vector kept no more than KS_DGKS of its norm. A block goes vector by vector
 * when a Cholesky pivot of its Gram matrix is below KS_PIVOT_MIN of the column's norm (Cholesky-QR would lose
 * orthogonality to the basis), or Gram-Schmidt left no more than KS_KEEP_MIN of a vector's norm. */
static const double KS_DGKS = 0.717, KS_PIVOT_MIN = 1e-2, KS_KEEP_MIN = 1e-8;

typedef struct ks_run {
  const aeon_linop *op;
  const aeon_eigs_opts *o;
  int m, bs, ldh, rank; /* basis size, block size, ldh = m + bs */
  long nl;            /* local rows */
  double *V;          /* nl x (m + bs) */
  double *W;          /* nl x (m + bs): the next basis during a restart */
  double *h, *h2;     /* m + bs + 1 */
  double *X;          /* (m + bs) x bs: projections and Gram matrix of a new block */
  double *G, *R;      /* bs x bs: the block's Gram matrix, its Cholesky factor */
  double *g0, *g1;    /* bs: the block's squared norms before Gram-Schmidt, before its last pass */
  ks_dense d;         /* rank 0's dense workspace (H is kept on every rank) */
  long applies, nbreak;
  double flops;
} ks_run;

static double *col(const ks_run *s, int j) { return s->V + (size_t)j * s->nl; }

static aeon_err gdot(const ks_run *s, double *v, int n) {
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, s->op->comm));
  return AEON_OK;
}

static aeon_err norm2(ks_run *s, const double *w, double *nrm);

/* One Gram-Schmidt pass: h2 = V_j^T w and w -= V_j h2, with ||w||^2 before the pass in h2[j] (one reduction). */
static aeon_err gs_pass(ks_run *s, int j, double *w) {
  long nl = s->nl;
  if (nl) cblas_dgemv(CblasColMajor, CblasTrans, (int)nl, j, 1.0, s->V, (int)nl, w, 1, 0.0, s->h2, 1);
  else memset(s->h2, 0, (size_t)j * sizeof(double));
  s->h2[j] = nl ? cblas_ddot((int)nl, w, 1, w, 1) : 0.0;
  AE_CHK(gdot(s, s->h2, j + 1));
  if (nl) cblas_dgemv(CblasColMajor, CblasNoTrans, (int)nl, j, -1.0, s->V, (int)nl, s->h2, 1, 1.0, w, 1);
  s->flops += 4.0 * (double)s->op->n * j;
  return AEON_OK;
}

/* w -= V_j (V_j^T w), repeated (DGKS, as ARPACK) while the norm drops below 0.717 of what it was; the coefficients
 * are added to h and *beta gets the final norm. */
static aeon_err orthogonalize(ks_run *s, int j, double *w, double *h, double *beta) {
  double before = 0, after = 0;
  for (int pass = 0; pass < 3; pass++) {
    AE_CHK(gs_pass(s, j, w));
    cblas_daxpy(j, 1.0, s->h2, 1, h, 1);
    before = sqrt(s->h2[j]);
    AE_CHK(norm2(s, w, &after));
    if (after > KS_DGKS * before) break;
  }
  *beta = after;
  return AEON_OK;
}

static aeon_err norm2(ks_run *s, const double *w, double *nrm) {
  double ss = s->nl ? cblas_ddot((int)s->nl, w, 1, w, 1) : 0.0;
  AE_CHK(gdot(s, &ss, 1));
  *nrm = sqrt(ss);
  return AEON_OK;
}

/* Column j of V: a pseudo-random vector (by global row), orthogonal to the first j columns, unit norm. */
static aeon_err random_column(ks_run *s, int j, uint64_t salt) {
  const aeon_linop *op = s->op;
  double *v = col(s, j), nrm = 0;
  for (long i = 0; i < s->nl; i++)
    v[i] = aeon_gen_uniform(s->o->seed + salt, op->global_row ? op->global_row(op->ctx, i) : op->offset + i, 7, 0);
  memset(s->h, 0, (size_t)j * sizeof(double));
  if (j > 0) AE_CHK(orthogonalize(s, j, v, s->h, &nrm));
  else AE_CHK(norm2(s, v, &nrm));
  if (!(nrm > 0)) return AE_ERR(AEON_ERR_NUMERIC, "eigensolver: cannot build a starting vector");
  if (s->nl) cblas_dscal((int)s->nl, 1.0 / nrm, v, 1);
  return AEON_OK;
}

/* Column c of V orthonormalised against columns 0 .. c-1 (DGKS): the coefficients are added to h[0 .. c-1] and h[c]
 * gets the norm; a negligible remainder (an invariant subspace) gives a fresh random column and h[c] = 0. */
static aeon_err next_column(ks_run *s, int c, double *h) {
  double *w = col(s, c), beta = 0;
  AE_CHK(orthogonalize(s, c, w, h, &beta));
  double hn = cblas_dnrm2(c, h, 1);
  if (beta > 1e-13 * hypot(hn, beta)) {
    h[c] = beta;
    if (s->nl) cblas_dscal((int)s->nl, 1.0 / beta, w, 1);
  } else { /* continue from a fresh direction */
    h[c] = 0.0;
    AE_CHK(random_column(s, c, 1000003 * (uint64_t)++s->nbreak));
  }
  return AEON_OK;
}

/* V(:, q : q + r) = A V(:, j : j + r): one apply_block when the operator has it, else r applies. */
static aeon_err apply_op(ks_run *s, int j, int r, int q) {
  const aeon_linop *op = s->op;
  if (op->apply_block && r > 1) AE_CHK(op->apply_block(op->ctx, r, col(s, j), s->nl, col(s, q), s->nl));
  else
    for (int i = 0; i < r; i++) AE_CHK(op->apply(op->ctx, col(s, j + i), col(s, q + i)));
  s->applies += r;
  s->flops += r * op->flops_per_apply;
  return AEON_OK;
}

/* One block Gram-Schmidt pass on the new block W = V(:, q : q + r): X = [V_q W]^T W (one reduction), W -= V_q C
 * with C = X(0 : q, :), H's block column hb(0 : q, :) += C, and G = the Gram matrix of the new W. */
static aeon_err block_pass(ks_run *s, int q, int r, double *hb) {
  int nl = (int)s->nl, ldx = q + r, ldh = s->ldh;
  double *X = s->X, *Wb = col(s, q);
  if (nl) cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, ldx, r, nl, 1.0, s->V, nl, Wb, nl, 0.0, X, ldx);
  else memset(X, 0, (size_t)ldx * r * sizeof(double));
  AE_CHK(gdot(s, X, ldx * r));
  if (nl) cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, nl, r, q, -1.0, s->V, nl, X, ldx, 1.0, Wb, nl);
  for (int c = 0; c < r; c++) memcpy(s->G + (size_t)c * r, X + q + (size_t)c * ldx, (size_t)r * sizeof(double));
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, r, r, q, -1.0, X, ldx, X, ldx, 1.0, s->G, r);
  for (int c = 0; c < r; c++) cblas_daxpy(q, 1.0, X + (size_t)c * ldx, 1, hb + (size_t)c * ldh, 1);
  s->flops += 2.0 * (double)s->op->n * r * (2 * q + r);
  return AEON_OK;
}

/* G = W^T W for the new block W = V(:, q : q + r) (one reduction). */
static aeon_err gram(ks_run *s, int q, int r) {
  int nl = (int)s->nl;
  double *Wb = col(s, q);
  if (nl) cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, r, r, nl, 1.0, Wb, nl, Wb, nl, 0.0, s->G, r);
  else memset(s->G, 0, (size_t)r * r * sizeof(double));
  s->flops += 2.0 * (double)s->op->n * r * r;
  return gdot(s, s->G, r * r);
}

/* 1 if every vector of the new block kept more than frac of its norm: G(i, i) > frac^2 gb[i]. */
static int kept(const ks_run *s, int r, const double *gb, double frac) {
  for (int i = 0; i < r; i++)
    if (!(s->G[i + (size_t)i * r] > frac * frac * gb[i])) return 0;
  return 1;
}

/* Cholesky-QR step on the new block W = V(:, q : q + r) with A V(:, j : j + r) = V_q hb(0 : q, :) + W Rc,
 * Rc = hb(q : q + r, :): R^T R = G, W <- W R^-1, Rc <- R Rc. *ok = 0 (and nothing changed) when G is not positive
 * definite or, with check, a pivot is below KS_PIVOT_MIN of its column's norm. */
static void chol_qr(ks_run *s, int q, int r, double *hb, int check, int *ok) {
  memcpy(s->R, s->G, (size_t)r * r * sizeof(double));
  *ok = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', r, s->R, r) == 0;
  for (int i = 0; i < r && *ok && check; i++) {
    double rii = s->R[i + (size_t)i * r];
    *ok = rii * rii > KS_PIVOT_MIN * KS_PIVOT_MIN * s->G[i + (size_t)i * r];
  }
  if (!*ok) return;
  if (s->nl)
    cblas_dtrsm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, (int)s->nl, r, 1.0, s->R, r,
                col(s, q), (int)s->nl);
  cblas_dtrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, r, r, 1.0, s->R, r, hb + q, s->ldh);
  s->flops += (double)s->op->n * r * r;
}

/* Finishes the new block V(:, q : q + r) vector by vector (next_column), after the block passes. */
static aeon_err by_columns(ks_run *s, int q, int r, double *hb) {
  for (int i = 0; i < r; i++) AE_CHK(next_column(s, q + i, hb + (size_t)i * s->ldh));
  return AEON_OK;
}

/* The new block W = V(:, q : q + r) = A V(:, j : j + r) orthonormalised against V_q and within itself; H's block
 * column hb = H(:, j : j + r) (zero on entry) gets the coefficients: A V(:, j : j + r) = V_{q+r} hb. */
static aeon_err orthonormalize_block(ks_run *s, int q, int r, double *hb) {
  int ok = 0;
  for (int i = 0; i < r; i++) hb[q + i + (size_t)i * s->ldh] = 1.0; /* Rc = I */
  AE_CHK(block_pass(s, q, r, hb));
  for (int i = 0; i < r; i++) s->g0[i] = s->g1[i] = s->X[q + i + (size_t)i * (q + r)];
  if (!kept(s, r, s->g0, KS_DGKS)) {
    for (int i = 0; i < r; i++) s->g1[i] = s->G[i + (size_t)i * r];
    AE_CHK(block_pass(s, q, r, hb));
  }
  if (kept(s, r, s->g1, KS_DGKS) && kept(s, r, s->g0, KS_KEEP_MIN)) chol_qr(s, q, r, hb, 1, &ok);
  if (!ok) {
    for (int i = 0; i < r; i++) hb[q + i + (size_t)i * s->ldh] = 0.0;
    return by_columns(s, q, r, hb);
  }
  AE_CHK(gram(s, q, r));
  chol_qr(s, q, r, hb, 0, &ok);
  return ok ? AEON_OK : AE_ERR(AEON_ERR_NUMERIC, "eigensolver: a new block lost its rank in the second Cholesky-QR");
}

/* The starting block: bs pseudo-random orthonormal columns (column c from seed + c). */
static aeon_err start_block(ks_run *s) {
  for (int c = 0; c < s->bs; c++) AE_CHK(random_column(s, c, (uint64_t)c));
  return AEON_OK;
}

/* Expansion from k to m vectors: each step applies A to V(:, j : j + r) (r = bs, fewer in a last partial step) and
 * adds r vectors at q = j + bs; H(:, j : j + r) gets the coefficients (for bs = 1: Arnoldi, h and beta). */
static aeon_err expand(ks_run *s, int k) {
  int bs = s->bs, ldh = s->ldh;
  for (int j = k; j < s->m; j += bs) {
    int r = s->m - j < bs ? s->m - j : bs, q = j + bs;
    double *hb = s->d.H + (size_t)j * ldh;
    AE_CHK(apply_op(s, j, r, q));
    memset(hb, 0, (size_t)ldh * r * sizeof(double));
    AE_CHK(bs == 1 ? next_column(s, q, hb) : orthonormalize_block(s, q, r, hb));
  }
  return AEON_OK;
}

/* Rank 0 decides the restart; every rank receives H, Z and the plan. */
static aeon_err restart(ks_run *s, int nlock, ks_plan *plan) {
  int ma = s->m - nlock, ldh = s->ldh;
  aeon_err e = s->rank == 0 ? ks_restart(&s->d, nlock, s->o, plan) : AEON_OK;
  AE_CHK(aeon_par_agree(s->op->comm, e));
  AE_MPI(MPI_Bcast(plan, (int)(sizeof *plan / sizeof(int)), MPI_INT, 0, s->op->comm));
  AE_MPI(MPI_Bcast(s->d.H, ldh * s->m, MPI_DOUBLE, 0, s->op->comm));
  AE_MPI(MPI_Bcast(s->d.Z, ma * ma, MPI_DOUBLE, 0, s->op->comm));
  return AEON_OK;
}

/* V(:, nlock : nlock + ka) <- V(:, nlock : m) Z(:, 0 : ka), the bs residual vectors after them: built in W (with the
 * locked columns), then W and V swap roles. */
static void rotate(ks_run *s, int nlock, const ks_plan *plan) {
  int ma = s->m - nlock, ka = plan->ka;
  size_t nl = (size_t)s->nl;
  if (nl == 0 || ka == 0) return;
  double *W = s->W;
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)nl, ka, ma, 1.0, col(s, nlock), (int)nl, s->d.Z, ma, 0.0,
              W + nlock * nl, (int)nl);
  memcpy(W, s->V, nlock * nl * sizeof(double));
  memcpy(W + (nlock + ka) * nl, col(s, s->m), (size_t)s->bs * nl * sizeof(double));
  s->W = s->V;
  s->V = W;
  s->flops += 2.0 * (double)s->op->n * ma * ka;
}

static aeon_err check_opts(const aeon_linop *op, const aeon_eigs_opts *o) {
  long nev = o->nev, ncv = o->ncv, bs = o->block_size;
  if (nev < 1) return AE_ERR(AEON_ERR_USER, "eigensolver: nev = %ld must be >= 1", nev);
  if (bs < 1) return AE_ERR(AEON_ERR_USER, "eigensolver: block size %ld must be >= 1", bs);
  if (ncv < nev + 2 * bs)
    return AE_ERR(AEON_ERR_USER,
                  "eigensolver: basis size ncv = %ld must be at least nev + 2 x block size = %ld (nev %ld, block size "
                  "%ld)",
                  ncv, nev + 2 * bs, nev, bs);
  if (ncv > op->n)
    return AE_ERR(AEON_ERR_USER, "eigensolver: basis size ncv = %ld exceeds the operator size %ld", ncv, op->n);
  if (bs > 1 && ncv + bs > op->n)
    return AE_ERR(AEON_ERR_USER,
                  "eigensolver: block size %ld is too large for the operator size %ld: the basis and the residual "
                  "block need ncv + block size = %ld vectors (ncv %ld)",
                  bs, op->n, ncv + bs, ncv);
  if (!(o->tol > 0) || o->tol >= 1) return AE_ERR(AEON_ERR_USER, "eigensolver: tol = %g must be in (0, 1)", o->tol);
  if (o->max_restarts < 1) return AE_ERR(AEON_ERR_USER, "eigensolver: max_restarts must be >= 1");
  if (o->which < AEON_WHICH_LM || o->which > AEON_WHICH_SR) return AE_ERR(AEON_ERR_USER, "eigensolver: bad 'which'");
  return AEON_OK;
}

/* Basis memory: from the governor when there is one. */
static aeon_err take(aeon_gov *g, size_t bytes, void **p) {
  return g ? aeon_gov_alloc(g, bytes, "the Krylov basis", p) : aeon_mem_alloc(bytes, p);
}

static void give(aeon_gov *g, void *p, size_t bytes) {
  if (g) aeon_gov_free(g, p, bytes);
  else aeon_mem_free(p);
}

static aeon_err run_init(ks_run *s, const aeon_linop *op, const aeon_eigs_opts *o) {
  memset(s, 0, sizeof *s);
  s->op = op;
  s->o = o;
  s->m = o->ncv;
  s->bs = o->block_size;
  s->ldh = s->m + s->bs;
  s->nl = op->nlocal;
  MPI_Comm_rank(op->comm, &s->rank);
  size_t nl = (size_t)(s->nl > 0 ? s->nl : 1), ldh = (size_t)s->ldh, bs = (size_t)s->bs;
  AE_CHK(take(o->gov, nl * ldh * sizeof(double), (void **)&s->V));
  AE_CHK(take(o->gov, nl * ldh * sizeof(double), (void **)&s->W));
  double **small[] = {&s->h, &s->h2, &s->X, &s->G, &s->R, &s->g0, &s->g1};
  size_t len[] = {ldh + 1, ldh + 1, ldh * bs, bs * bs, bs * bs, bs, bs};
  for (int i = 0; i < 7; i++) AE_CHK(aeon_mem_alloc(len[i] * sizeof(double), (void **)small[i]));
  AE_CHK(ks_dense_init(&s->d, s->m, s->bs));
  return AEON_OK;
}

static void run_free(ks_run *s) {
  size_t nl = (size_t)(s->nl > 0 ? s->nl : 1);
  give(s->o->gov, s->V, nl * (size_t)s->ldh * sizeof(double));
  give(s->o->gov, s->W, nl * (size_t)s->ldh * sizeof(double));
  double *small[] = {s->h, s->h2, s->X, s->G, s->R, s->g0, s->g1};
  for (int i = 0; i < 7; i++) aeon_mem_free(small[i]);
  ks_dense_free(&s->d);
}

static aeon_err result_alloc(aeon_eigs_result *r, int nev, long nl, int vectors) {
  memset(r, 0, sizeof *r);
  r->nev = nev;
  AE_CHK(aeon_mem_alloc((size_t)nev * sizeof(double), (void **)&r->re));
  AE_CHK(aeon_mem_alloc((size_t)nev * sizeof(double), (void **)&r->im));
  AE_CHK(aeon_mem_alloc((size_t)nev * sizeof(double), (void **)&r->resid));
  if (vectors) AE_CHK(aeon_mem_alloc((size_t)(nl > 0 ? nl : 1) * (nev + 1) * sizeof(double), (void **)&r->vectors));
  return AEON_OK;
}

/* The converged Ritz values and vectors from the final decomposition of k vectors. */
static aeon_err finish(ks_run *s, int k, int nlock, aeon_eigs_result *r) {
  int nev = s->o->nev;
  double *Y = s->d.Z; /* k x nvec: Z is free after the last restart */
  aeon_err e = s->rank == 0 ? ks_final(&s->d, k, nlock, s->o, r, Y) : AEON_OK;
  AE_CHK(aeon_par_agree(s->op->comm, e));
  AE_MPI(MPI_Bcast(&r->nvec, 1, MPI_INT, 0, s->op->comm));
  AE_MPI(MPI_Bcast(r->re, nev, MPI_DOUBLE, 0, s->op->comm));
  AE_MPI(MPI_Bcast(r->im, nev, MPI_DOUBLE, 0, s->op->comm));
  AE_MPI(MPI_Bcast(r->resid, nev, MPI_DOUBLE, 0, s->op->comm));
  AE_MPI(MPI_Bcast(Y, k * r->nvec, MPI_DOUBLE, 0, s->op->comm));
  if (r->vectors && s->nl)
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)s->nl, r->nvec, k, 1.0, s->V, (int)s->nl, Y, k, 0.0,
                r->vectors, (int)s->nl);
  return AEON_OK;
}

static aeon_err iterate(ks_run *s, aeon_eigs_result *r) {
  int k = 0, nlock = 0;
  ks_plan plan = {0};
  AE_CHK(start_block(s));
  for (r->restarts = 0; r->restarts < s->o->max_restarts; r->restarts++) {
    AE_CHK(expand(s, k));
    AE_CHK(restart(s, nlock, &plan));
    rotate(s, nlock, &plan);
    k = plan.keep;
    nlock = plan.nlock;
    if (s->o->progress && s->rank == 0) s->o->progress(s->o->progress_ctx, r->restarts + 1, plan.nconv, s->applies);
    if (plan.done) break;
  }
  r->applies = s->applies;
  r->nlocked = nlock;
  if (!plan.done)
    return AE_ERR(AEON_ERR_NUMERIC,
                  "eigensolver did not converge: %d of %d eigenvalues after %ld restarts (%ld operator applications); "
                  "raise ncv or max_restarts, or loosen tol",
                  plan.nconv, s->o->nev, r->restarts, s->applies);
  r->restarts++;
  return finish(s, k, nlock, r);
}

aeon_err aeon_eigs(const aeon_linop *op, const aeon_eigs_opts *o, aeon_eigs_result *r) {
  memset(r, 0, sizeof *r);
  AE_CHK(check_opts(op, o));
  double t0 = drv_now();
  ks_run s;
  aeon_err e = run_init(&s, op, o);
  if (!e) e = result_alloc(r, o->nev, op->nlocal, o->want_vectors);
  e = aeon_par_agree(op->comm, e);
  if (!e) e = iterate(&s, r);
  double loc[2] = {drv_now() - t0, s.flops}, mx[2]; /* flops are counted globally, the same on every rank */
  MPI_Allreduce(loc, mx, 2, MPI_DOUBLE, MPI_MAX, op->comm);
  r->seconds = mx[0];
  r->flops = mx[1];
  run_free(&s);
  return e;
}

void aeon_eigs_result_free(aeon_eigs_result *r) {
  aeon_mem_free(r->re);
  aeon_mem_free(r->im);
  aeon_mem_free(r->resid);
  aeon_mem_free(r->vectors);
  memset(r, 0, sizeof *r);
}

aeon_eigs_opts aeon_eigs_defaults(void) {
  aeon_eigs_opts o = {.nev = (int)aeon_drivers_default("eig.nev"), .which = AEON_WHICH_LM,
                      .ncv = (int)aeon_drivers_default("eig.ncv"), .tol = aeon_drivers_default("eig.tol"),
                      .max_restarts = (long)aeon_drivers_default("eig.max_restarts"),
                      .block_size = (int)aeon_drivers_default("eig.block_size"),
                      .locking = (int)aeon_drivers_default("eig.locking"), .seed = 2024};
  return o;
}

aeon_err aeon_which_parse(const char *s, aeon_which *w) {
  static const char *names[] = {"LM", "LR", "SR"};
  for (int i = 0; i < 3; i++)
    if (strcmp(s, names[i]) == 0) {
      *w = (aeon_which)i;
      return AEON_OK;
    }
  return AE_ERR(AEON_ERR_USER, "which = '%s': expected LM (largest magnitude), LR or SR (largest/smallest real part)", s);
}

const char *aeon_which_name(aeon_which w) { return w == AEON_WHICH_LR ? "LR" : w == AEON_WHICH_SR ? "SR" : "LM"; }

aeon_err aeon_dense_eigvals(long n, const double *a, int sym, double *re, double *im) {
  double *w;
  AE_CHK(aeon_mem_alloc((size_t)n * n * sizeof(double), (void **)&w));
  memcpy(w, a, (size_t)n * n * sizeof(double));
  lapack_int info;
  if (sym) {
    info = LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'L', (lapack_int)n, w, (lapack_int)n, re);
    memset(im, 0, (size_t)n * sizeof(double));
  } else {
    info = LAPACKE_dgeev(LAPACK_COL_MAJOR, 'N', 'N', (lapack_int)n, w, (lapack_int)n, re, im, NULL, 1, NULL, 1);
  }
  aeon_mem_free(w);
  if (info) return AE_ERR(AEON_ERR_LIB, "LAPACK %s failed (info %d)", sym ? "dsyev" : "dgeev", (int)info);
  return AEON_OK;
}
