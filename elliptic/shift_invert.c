/* Grid operators for the eigensolver and shift-invert (aeon/shift_invert.h).
 * An apply receives the eigensolver's x and y arrays (this rank's points,
 * compact): x is seen through a compact view and copied into a ghosted work
 * vector (the operator refreshes its ghosts); then either y = A x directly,
 * or a Krylov solve of (A - sigma I) y = x, the shifted operator being A
 * followed by y -= sigma x. The solver and its work vectors are made once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/shift_invert.h"

typedef struct si_op {
  aeon_gop A;         /* the grid operator */
  aeon_gop shifted;   /* A - sigma I */
  double sigma;
  int invert;
  aeon_gvec vx, vy;   /* compact views of the eigensolver's x and y */
  aeon_gvec gx, gy;   /* ghosted work vectors */
  aeon_ksp *ksp;
  long iterations;
  char name[96];
} si_op;

static aeon_err shifted_apply(void *ctx, aeon_gvec *x, aeon_gvec *y) {
  si_op *s = ctx;
  AE_CHK(aeon_gop_apply(&s->A, x, y));
  return aeon_gvec_linearsum(1.0, y, -s->sigma, x, y);
}

static aeon_err si_apply(void *ctx, const double *x, double *y) {
  si_op *s = ctx;
  AE_CHK(aeon_gvec_set_array(&s->vx, (double *)x));
  AE_CHK(aeon_gvec_set_array(&s->vy, y));
  AE_CHK(aeon_gvec_scale(1.0, &s->vx, &s->gx));
  if (!s->invert) return aeon_gop_apply(&s->A, &s->gx, &s->vy);
  aeon_ksp_result r;
  AE_CHK(aeon_ksp_solve(s->ksp, &s->gx, &s->gy, &r));
  s->iterations += r.its;
  if (r.reason < 0)
    return AE_ERR(AEON_ERR_NUMERIC,
                  "shift-invert: the solve of (A - %g I) y = x (%s) did not converge: %s after %ld iterations "
                  "(residual %.3g of the first); choose a sigma away from an eigenvalue, raise elliptic.ksp_max_it "
                  "or use a preconditioner", s->sigma, aeon_ksp_get_opts(s->ksp)->type,
                  aeon_ksp_reason_name(r.reason), r.its, r.rnorm0 > 0 ? r.rnorm / r.rnorm0 : r.rnorm);
  return aeon_gvec_scale(1.0, &s->gy, &s->vy);
}

static long si_global_row(void *ctx, long i) {
  const si_op *s = ctx;
  const aeon_gvec *t = &s->vx;
  long nx = t->box.hi[0] - t->box.lo[0], ny = t->box.hi[1] - t->box.lo[1];
  long li = i % nx, lj = (i / nx) % ny, lk = i / (nx * ny);
  const aeon_mesh *m = t->m;
  long g[3] = {m->off[0] + t->box.lo[0] + li, m->off[1] + t->box.lo[1] + lj, m->off[2] + t->box.lo[2] + lk};
  return g[0] + m->N[0] * (g[1] + m->N[1] * g[2]);
}

static void si_destroy(void *ctx) {
  si_op *s = ctx;
  aeon_ksp_destroy(s->ksp);
  aeon_gvec_destroy(&s->gx);
  aeon_gvec_destroy(&s->gy);
  aeon_mem_free(s);
}

static aeon_err make(const aeon_gop *A, const aeon_gvec *tmpl, si_op **sp, aeon_linop *op) {
  si_op *s = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *s, (void **)&s));
  *sp = s;
  s->A = *A;
  memset(op, 0, sizeof *op);
  op->ctx = s;
  op->destroy = si_destroy;
  op->apply = si_apply;
  op->comm = tmpl->comm;
  op->nlocal = aeon_gvec_length(tmpl);
  long n = op->nlocal, off = 0;
  AE_MPI(MPI_Exscan(&n, &off, 1, MPI_LONG, MPI_SUM, tmpl->comm));
  AE_MPI(MPI_Allreduce(&n, &op->n, 1, MPI_LONG, MPI_SUM, tmpl->comm));
  int rank;
  MPI_Comm_rank(tmpl->comm, &rank);
  op->offset = rank ? off : 0;
  AE_CHK(aeon_gvec_view_compact(tmpl->m, tmpl->nvar, &tmpl->box, NULL, tmpl->comm, &s->vx));
  AE_CHK(aeon_gvec_view_compact(tmpl->m, tmpl->nvar, &tmpl->box, NULL, tmpl->comm, &s->vy));
  aeon_gvec_kind k = tmpl->m ? AEON_GVEC_GHOSTED : AEON_GVEC_COMPACT;
  AE_CHK(aeon_gvec_clone(tmpl, k, &s->gx));
  AE_CHK(aeon_gvec_clone(tmpl, k, &s->gy));
  if (tmpl->m && tmpl->nvar == 1) op->global_row = si_global_row;
  snprintf(s->name, sizeof s->name, "%s", A->name ? A->name : "operator");
  op->name = s->name;
  return AEON_OK;
}

aeon_err aeon_linop_of_gop(const aeon_gop *A, const aeon_gvec *tmpl, aeon_linop *op) {
  si_op *s;
  aeon_err e = make(A, tmpl, &s, op);
  if (e) aeon_linop_destroy(op);
  return e;
}

aeon_err aeon_linop_shift_invert(const aeon_gop *A, const aeon_gpc *pc, double sigma, const aeon_gvec *tmpl,
                                 const aeon_ksp_opts *o, aeon_linop *op) {
  si_op *s = NULL;
  aeon_err e = make(A, tmpl, &s, op);
  if (!e) {
    s->invert = 1;
    s->sigma = sigma;
    s->shifted = (aeon_gop){.name = "shifted", .ctx = s, .apply = shifted_apply};
    e = aeon_ksp_create(o, &s->shifted, pc, &s->gx, &s->ksp);
    snprintf(s->name, sizeof s->name, "(%s - %g I)^-1 [%s]", A->name ? A->name : "A", sigma, o->type);
  }
  if (e) aeon_linop_destroy(op);
  return e;
}

long aeon_shift_invert_iterations(const aeon_linop *op) {
  return op->apply == si_apply ? ((const si_op *)op->ctx)->iterations : 0;
}

/* ---- a linop as a grid operator ---- */

static aeon_err lin_apply(void *ctx, aeon_gvec *x, aeon_gvec *y) {
  const aeon_linop *A = ctx;
  return A->apply(A->ctx, x->data, y->data);
}

aeon_err aeon_gop_of_linop(const aeon_linop *A, aeon_gop *op, aeon_gvec *tmpl) {
  if (A->nlocal > 2147483647L) return AE_ERR(AEON_ERR_USER, "operator '%s': %ld rows on a rank", A->name, A->nlocal);
  aeon_box b = {{0, 0, 0}, {(int)A->nlocal, 1, 1}};
  AE_CHK(aeon_gvec_view_compact(NULL, 1, &b, NULL, A->comm, tmpl));
  *op = (aeon_gop){.name = A->name, .ctx = (void *)A, .apply = lin_apply};
  return AEON_OK;
}

typedef struct ev {
  double re, im, resid, dist;
} ev;

static int by_distance(const void *a, const void *b) {
  const ev *x = a, *y = b;
  if (x->dist != y->dist) return x->dist < y->dist ? -1 : 1;
  if (x->re != y->re) return x->re < y->re ? -1 : 1;
  return x->im > y->im ? -1 : x->im < y->im;
}

void aeon_shift_invert_eigenvalues(double sigma, int n, double *re, double *im, double *resid) {
  ev *e = malloc((size_t)(n > 0 ? n : 1) * sizeof *e);
  if (!e) return;
  for (int i = 0; i < n; i++) {
    double m2 = re[i] * re[i] + im[i] * im[i];
    e[i].re = sigma + re[i] / m2;
    e[i].im = im[i] == 0 ? 0.0 : -im[i] / m2;
    e[i].resid = resid ? resid[i] : 0;
    e[i].dist = hypot(e[i].re - sigma, e[i].im);
  }
  qsort(e, (size_t)n, sizeof *e, by_distance);
  for (int i = 0; i < n; i++) {
    re[i] = e[i].re;
    im[i] = e[i].im;
    if (resid) resid[i] = e[i].resid;
  }
  free(e);
}
