/* The Jacobi preconditioner z = r / diag(A): the diagonal is asked of the
 * operator once, checked (non-zero, finite, on every rank together) and
 * inverted into a clone of the template; each application is one pass over
 * the box. Host vectors only. */
#include <math.h>

#include "aeon/krylov.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"

typedef struct jacobi {
  aeon_gvec dinv;
} jacobi;

/* Pointer to variable v at box point (i, j, k) of x. */
static double *at(const aeon_gvec *x, int v, int i, int j, int k) {
  return x->data + (size_t)v * x->vstride + x->base + i + (long)j * x->sy + (long)k * x->sz;
}

static aeon_err jacobi_apply(void *ctx, aeon_gvec *r, aeon_gvec *z) {
  const aeon_gvec *d = &((jacobi *)ctx)->dinv;
  const aeon_box *b = &d->box;
  for (int v = 0; v < d->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++) {
        const double *dr = at(d, v, b->lo[0], j, k), *rr = at(r, v, b->lo[0], j, k);
        double *zr = at(z, v, b->lo[0], j, k);
        for (int i = 0; i < b->hi[0] - b->lo[0]; i++) zr[i] = dr[i] * rr[i];
      }
  return AEON_OK;
}

static void jacobi_destroy(void *ctx) {
  jacobi *J = ctx;
  aeon_gvec_destroy(&J->dinv);
  aeon_mem_free(J);
}

/* Inverts d in place; returns the number of zero or non-finite entries. */
static long invert(aeon_gvec *d) {
  const aeon_box *b = &d->box;
  long bad = 0;
  for (int v = 0; v < d->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) {
          double *p = at(d, v, i, j, k);
          bad += !(isfinite(*p) && *p != 0);
          *p = 1.0 / *p;
        }
  return bad;
}

aeon_err aeon_gpc_jacobi(const aeon_gop *A, const aeon_gvec *tmpl, aeon_gpc *pc) {
  *pc = (aeon_gpc){0};
  if (!A->diagonal)
    return AE_ERR(AEON_ERR_USER, "elliptic.pc: jacobi needs the operator's diagonal, which '%s' does not offer",
                  A->name ? A->name : "the operator");
  if (tmpl->space != AEON_SPACE_HOST) return AE_ERR(AEON_ERR_UNSUPPORTED, "the Jacobi preconditioner is host-only");
  jacobi *J = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *J, (void **)&J));
  aeon_err e = aeon_gvec_clone(tmpl, AEON_GVEC_COMPACT, &J->dinv);
  if (!e) e = A->diagonal(A->ctx, &J->dinv);
  if (!e && invert(&J->dinv))
    e = AE_ERR(AEON_ERR_USER, "elliptic.pc: jacobi: the diagonal of '%s' has zero or non-finite entries",
               A->name ? A->name : "the operator");
  e = aeon_par_agree(tmpl->comm, e);
  if (e) {
    jacobi_destroy(J);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *pc = (aeon_gpc){.name = "jacobi", .ctx = J, .apply = jacobi_apply, .destroy = jacobi_destroy};
  return AEON_OK;
}
