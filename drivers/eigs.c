/* Krylov-Schur eigensolver (distributed part): Arnoldi expansion with
 * classical Gram-Schmidt applied twice (DGKS), one global reduction per pass;
 * rank 0 computes each restart's small dense decisions and broadcasts them;
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

typedef struct ks_run {
  const aeon_linop *op;
  const aeon_eigs_opts *o;
  int m, rank;
  long nl;            /* local rows */
  double *V;          /* nl x (m + 1) */
  double *W;          /* nl x (m + 1): the next basis during a restart */
  double *h, *h2;     /* m + 1 */
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

/* w -= V_j (V_j^T w), repeated (DGKS, as ARPACK) while the norm drops below 0.717 of what it was; h gets the
 * coefficients and *beta the final norm. */
static aeon_err orthogonalize(ks_run *s, int j, double *w, double *h, double *beta) {
  memset(h, 0, (size_t)j * sizeof(double));
  double before = 0, after = 0;
  for (int pass = 0; pass < 3; pass++) {
    AE_CHK(gs_pass(s, j, w));
    cblas_daxpy(j, 1.0, s->h2, 1, h, 1);
    before = sqrt(s->h2[j]);
    AE_CHK(norm2(s, w, &after));
    if (after > 0.717 * before) break;
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
  double *v = col(s, j), nrm = 0;
  for (long i = 0; i < s->nl; i++) v[i] = aeon_gen_uniform(s->o->seed + salt, s->op->offset + i, 7, 0);
  if (j > 0) AE_CHK(orthogonalize(s, j, v, s->h, &nrm));
  else AE_CHK(norm2(s, v, &nrm));
  if (!(nrm > 0)) return AE_ERR(AEON_ERR_NUMERIC, "eigensolver: cannot build a starting vector");
  if (s->nl) cblas_dscal((int)s->nl, 1.0 / nrm, v, 1);
  return AEON_OK;
}

/* Arnoldi steps j = k .. m-1: A v_j = V h + beta v_{j+1}; column j of H gets (h, beta). */
static aeon_err expand(ks_run *s, int k) {
  int ldh = s->m + 1;
  for (int j = k; j < s->m; j++) {
    double *w = col(s, j + 1), *hcol = s->d.H + (size_t)j * ldh, beta = 0;
    AE_CHK(s->op->apply(s->op->ctx, col(s, j), w));
    s->applies++;
    s->flops += s->op->flops_per_apply;
    memset(hcol, 0, (size_t)ldh * sizeof(double));
    AE_CHK(orthogonalize(s, j + 1, w, hcol, &beta));
    double hn = cblas_dnrm2(j + 1, hcol, 1);
    if (beta > 1e-13 * hypot(hn, beta)) {
      hcol[j + 1] = beta;
      if (s->nl) cblas_dscal((int)s->nl, 1.0 / beta, w, 1);
    } else { /* an invariant subspace: continue from a fresh direction */
      AE_CHK(random_column(s, j + 1, 1000003 * (uint64_t)++s->nbreak));
    }
  }
  return AEON_OK;
}

/* Rank 0 decides the restart; every rank receives H, Z and the plan. */
static aeon_err restart(ks_run *s, int nlock, ks_plan *plan) {
  int ma = s->m - nlock, ldh = s->m + 1;
  aeon_err e = s->rank == 0 ? ks_restart(&s->d, nlock, s->o, plan) : AEON_OK;
  AE_CHK(aeon_par_agree(s->op->comm, e));
  AE_MPI(MPI_Bcast(plan, (int)(sizeof *plan / sizeof(int)), MPI_INT, 0, s->op->comm));
  AE_MPI(MPI_Bcast(s->d.H, ldh * s->m, MPI_DOUBLE, 0, s->op->comm));
  AE_MPI(MPI_Bcast(s->d.Z, ma * ma, MPI_DOUBLE, 0, s->op->comm));
  return AEON_OK;
}

/* V(:, nlock : nlock + ka) <- V(:, nlock : m) Z(:, 0 : ka), the last Arnoldi vector after them: built in W (with the
 * locked columns), then W and V swap roles. */
static void rotate(ks_run *s, int nlock, const ks_plan *plan) {
  int ma = s->m - nlock, ka = plan->ka;
  size_t nl = (size_t)s->nl;
  if (nl == 0 || ka == 0) return;
  double *W = s->W;
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)nl, ka, ma, 1.0, col(s, nlock), (int)nl, s->d.Z, ma, 0.0,
              W + nlock * nl, (int)nl);
  memcpy(W, s->V, nlock * nl * sizeof(double));
  memcpy(W + (nlock + ka) * nl, col(s, s->m), nl * sizeof(double));
  s->W = s->V;
  s->V = W;
  s->flops += 2.0 * (double)s->op->n * ma * ka;
}

static aeon_err check_opts(const aeon_linop *op, const aeon_eigs_opts *o) {
  if (o->nev < 1) return AE_ERR(AEON_ERR_USER, "eigensolver: nev = %d must be >= 1", o->nev);
  if (o->ncv < o->nev + 2)
    return AE_ERR(AEON_ERR_USER, "eigensolver: basis size ncv = %d must be at least nev + 2 = %d", o->ncv, o->nev + 2);
  if (o->ncv > op->n)
    return AE_ERR(AEON_ERR_USER, "eigensolver: basis size ncv = %d exceeds the operator size %ld", o->ncv, op->n);
  if (!(o->tol > 0) || o->tol >= 1) return AE_ERR(AEON_ERR_USER, "eigensolver: tol = %g must be in (0, 1)", o->tol);
  if (o->block_size != 1)
    return AE_ERR(AEON_ERR_UNSUPPORTED, "eigensolver: block size %d is not implemented (only 1)", o->block_size);
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
  s->nl = op->nlocal;
  MPI_Comm_rank(op->comm, &s->rank);
  size_t nl = (size_t)(s->nl > 0 ? s->nl : 1);
  AE_CHK(take(o->gov, nl * (size_t)(s->m + 1) * sizeof(double), (void **)&s->V));
  AE_CHK(take(o->gov, nl * (size_t)(s->m + 1) * sizeof(double), (void **)&s->W));
  AE_CHK(aeon_mem_alloc((size_t)(s->m + 1) * sizeof(double), (void **)&s->h));
  AE_CHK(aeon_mem_alloc((size_t)(s->m + 1) * sizeof(double), (void **)&s->h2));
  AE_CHK(ks_dense_init(&s->d, s->m));
  return AEON_OK;
}

static void run_free(ks_run *s) {
  size_t nl = (size_t)(s->nl > 0 ? s->nl : 1);
  give(s->o->gov, s->V, nl * (size_t)(s->m + 1) * sizeof(double));
  give(s->o->gov, s->W, nl * (size_t)(s->m + 1) * sizeof(double));
  aeon_mem_free(s->h);
  aeon_mem_free(s->h2);
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
  AE_CHK(random_column(s, 0, 0));
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
  double loc[2] = {drv_now() - t0, s.flops}, mx[2];
  MPI_Allreduce(loc, mx, 1, MPI_DOUBLE, MPI_MAX, op->comm);
  MPI_Allreduce(loc + 1, mx + 1, 1, MPI_DOUBLE, MPI_SUM, op->comm);
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
