/* Grid vectors, the part every implementation shares: the views (addressing
 * of a field set or of a compact array over a box), the operand checks, and
 * the public operations. Each operation checks its operands (same ops table,
 * nvar and box extents; an output either is exactly an input or shares no
 * memory with one), then calls the first operand's ops table. A collective
 * reduction runs the local op into an exact accumulator and reduces it with
 * integer sums (aeon_xsum_allreduce), or a max with MPI_MAX, so its bits
 * depend on neither the rank count nor the order. Nothing here allocates. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "aeon/gvec.h"

static int extent(const aeon_box *b, int d) { return b->hi[d] > b->lo[d] ? b->hi[d] - b->lo[d] : 0; }

static aeon_err check_box(const aeon_mesh *m, const aeon_box *box, const char *what) {
  if (!m) return AEON_OK;
  for (int d = 0; d < 3; d++)
    if (extent(box, d) > 0 && (box->lo[d] < m->valid.lo[d] || box->hi[d] > m->valid.hi[d]))
      return AE_ERR(AEON_ERR_INTERNAL, "%s: box [%d, %d) in direction %d is outside the patch's points [%d, %d)", what,
                    box->lo[d], box->hi[d], d, m->valid.lo[d], m->valid.hi[d]);
  return AEON_OK;
}

aeon_err aeon_gvec_view_fields(const aeon_mesh *m, aeon_fields *f, const aeon_box *box, MPI_Comm comm,
                               aeon_gvec *x) {
  memset(x, 0, sizeof *x);
  if (f->stride < m->npts)
    return AE_ERR(AEON_ERR_INTERNAL, "aeon_gvec_view_fields: field stride %zu is below the mesh's %zu points",
                  f->stride, m->npts);
  AE_CHK(check_box(m, box, "aeon_gvec_view_fields"));
  *x = (aeon_gvec){.ops = aeon_gvec_ops_host(), .m = m, .comm = comm, .nvar = f->nvar, .box = *box,
                   .data = f->data, .vstride = f->stride, .base = m->base, .sy = m->sy, .sz = m->sz,
                   .space = AEON_SPACE_HOST};
  return AEON_OK;
}

aeon_err aeon_gvec_view_compact(const aeon_mesh *m, int nvar, const aeon_box *box, double *data, MPI_Comm comm,
                                aeon_gvec *x) {
  memset(x, 0, sizeof *x);
  if (nvar < 1) return AE_ERR(AEON_ERR_INTERNAL, "aeon_gvec_view_compact: %d variables", nvar);
  AE_CHK(check_box(m, box, "aeon_gvec_view_compact"));
  long nx = extent(box, 0), ny = extent(box, 1);
  *x = (aeon_gvec){.ops = aeon_gvec_ops_host(), .m = m, .comm = comm, .nvar = nvar, .box = *box, .data = data,
                   .vstride = (size_t)aeon_box_size(box), .sy = nx, .sz = nx * ny, .space = AEON_SPACE_HOST};
  x->base = -(box->lo[0] + box->lo[1] * x->sy + box->lo[2] * x->sz); /* the box's corner is element 0 */
  return AEON_OK;
}

aeon_err aeon_gvec_set_array(aeon_gvec *x, double *data) {
  if (x->owns) return AE_ERR(AEON_ERR_INTERNAL, "aeon_gvec_set_array: the vector owns its array");
  x->data = data;
  return AEON_OK;
}

aeon_err aeon_gvec_clone(const aeon_gvec *x, aeon_gvec_kind kind, aeon_gvec *y) {
  memset(y, 0, sizeof *y);
  return x->ops->clone(x, kind, y);
}

void aeon_gvec_destroy(aeon_gvec *x) {
  if (x->ops && x->owns) x->ops->destroy(x);
  memset(x, 0, sizeof *x);
}

double *aeon_gvec_array(const aeon_gvec *x) { return x->data; }

long aeon_gvec_length(const aeon_gvec *x) { return (long)x->nvar * aeon_box_size(&x->box); }

/* Offset (in doubles, from data) of the box's first point and of its last point of the last variable. */
static void span(const aeon_gvec *x, ptrdiff_t *first, ptrdiff_t *last) {
  const aeon_box *b = &x->box;
  *first = x->base + b->lo[0] + b->lo[1] * x->sy + b->lo[2] * x->sz;
  *last = (ptrdiff_t)((size_t)(x->nvar - 1) * x->vstride) + x->base + (b->hi[0] - 1) + (b->hi[1] - 1) * x->sy +
          (b->hi[2] - 1) * x->sz;
}

/* 1 if a and b address the same values in the same order. */
static int same_values(const aeon_gvec *a, const aeon_gvec *b) {
  ptrdiff_t fa, la, fb, lb;
  span(a, &fa, &la);
  span(b, &fb, &lb);
  return a->data + fa == b->data + fb && a->vstride == b->vstride && a->sy == b->sy && a->sz == b->sz;
}

/* 1 if the memory ranges of a's and b's values overlap (0 when either is empty). */
static int overlap(const aeon_gvec *a, const aeon_gvec *b) {
  if (aeon_gvec_length(a) == 0 || aeon_gvec_length(b) == 0) return 0;
  ptrdiff_t fa, la, fb, lb;
  span(a, &fa, &la);
  span(b, &fb, &lb);
  uintptr_t a0 = (uintptr_t)(a->data + fa), a1 = (uintptr_t)(a->data + la);
  uintptr_t b0 = (uintptr_t)(b->data + fb), b1 = (uintptr_t)(b->data + lb);
  return a0 <= b1 && b0 <= a1;
}

/* Operand b of an operation on a: the same implementation, nvar and box extents. */
static aeon_err compatible(const char *op, const aeon_gvec *a, const aeon_gvec *b) {
  const aeon_box *p = &a->box, *q = &b->box;
  if (a->ops != b->ops || !a->ops)
    return AE_ERR(AEON_ERR_INTERNAL, "%s: operands of different implementations (%s, %s)", op,
                  a->ops ? a->ops->name : "none", b->ops ? b->ops->name : "none");
  if (a->nvar != b->nvar || extent(p, 0) != extent(q, 0) || extent(p, 1) != extent(q, 1) ||
      extent(p, 2) != extent(q, 2))
    return AE_ERR(AEON_ERR_INTERNAL, "%s: operands of different shapes (%d variables on %d x %d x %d points, %d on "
                  "%d x %d x %d)", op, a->nvar, extent(p, 0), extent(p, 1), extent(p, 2), b->nvar, extent(q, 0),
                  extent(q, 1), extent(q, 2));
  return AEON_OK;
}

/* Output z against input x: compatible, and either the same values (in place) or disjoint memory, or only disjoint
 * when in_place is 0. */
static aeon_err output_vs(const char *op, const aeon_gvec *z, const aeon_gvec *x, int in_place) {
  AE_CHK(compatible(op, z, x));
  if (overlap(z, x) && !(in_place && same_values(z, x)))
    return AE_ERR(AEON_ERR_INTERNAL, "%s: an output overlaps an input %s", op,
                  in_place ? "without being the same vector" : "it may not be");
  return AEON_OK;
}

static aeon_err count_ok(const char *op, int n) {
  if (n < 1 || n > AEON_GVEC_MAXVEC)
    return AE_ERR(AEON_ERR_INTERNAL, "%s: %d vectors (1 to %d)", op, n, AEON_GVEC_MAXVEC);
  return AEON_OK;
}

aeon_err aeon_gvec_linearsum(double a, const aeon_gvec *x, double b, const aeon_gvec *y, aeon_gvec *z) {
  AE_CHK(output_vs("aeon_gvec_linearsum", z, x, 1));
  AE_CHK(output_vs("aeon_gvec_linearsum", z, y, 1));
  return z->ops->linearsum(a, x, b, y, z);
}

aeon_err aeon_gvec_linearcombination(int n, const double *c, const aeon_gvec *const *X, aeon_gvec *z) {
  AE_CHK(count_ok("aeon_gvec_linearcombination", n));
  for (int i = 0; i < n; i++) AE_CHK(output_vs("aeon_gvec_linearcombination", z, X[i], 1));
  return z->ops->linearcombination(n, c, X, z);
}

aeon_err aeon_gvec_scaleaddmulti(int n, const double *c, const aeon_gvec *x, const aeon_gvec *const *Y,
                                 aeon_gvec *const *Z) {
  static const char op[] = "aeon_gvec_scaleaddmulti";
  AE_CHK(count_ok(op, n));
  for (int j = 0; j < n; j++) {
    AE_CHK(output_vs(op, Z[j], x, 0));
    for (int q = 0; q < n; q++) {
      AE_CHK(output_vs(op, Z[j], Y[q], q == j));
      if (q != j) AE_CHK(output_vs(op, Z[j], Z[q], 0));
    }
  }
  return x->ops->scaleaddmulti(n, c, x, Y, Z);
}

aeon_err aeon_gvec_scale(double c, const aeon_gvec *x, aeon_gvec *z) {
  AE_CHK(output_vs("aeon_gvec_scale", z, x, 1));
  return z->ops->scale(c, x, z);
}

aeon_err aeon_gvec_const(double c, aeon_gvec *z) {
  AE_CHK(compatible("aeon_gvec_const", z, z));
  return z->ops->constant(c, z);
}

aeon_err aeon_gvec_dotprod_local(const aeon_gvec *x, const aeon_gvec *y, aeon_xsum *acc) {
  AE_CHK(compatible("aeon_gvec_dotprod", x, y));
  return x->ops->dotprod_local(x, y, acc);
}

aeon_err aeon_gvec_dotprod(const aeon_gvec *x, const aeon_gvec *y, double *dot) {
  aeon_xsum s;
  aeon_xsum_init(&s);
  AE_CHK(aeon_gvec_dotprod_local(x, y, &s));
  AE_CHK(aeon_xsum_allreduce(&s, 1, x->comm));
  *dot = aeon_xsum_value(&s);
  return AEON_OK;
}

aeon_err aeon_gvec_norm_local(const aeon_gvec *x, aeon_norm_acc *acc) {
  AE_CHK(compatible("aeon_gvec_norm", x, x));
  return x->ops->norm_local(x, acc);
}

aeon_err aeon_gvec_l2norm(const aeon_gvec *x, double weight, double *nrm) {
  aeon_norm_acc a;
  aeon_norm_acc_init(&a);
  AE_CHK(aeon_gvec_norm_local(x, &a));
  AE_CHK(aeon_xsum_allreduce(&a.sum2, 1, x->comm)); /* the l2 norm needs only the exact sum of squares */
  *nrm = aeon_norm_acc_l2(&a, weight);
  return AEON_OK;
}

aeon_err aeon_gvec_maxnorm_local(const aeon_gvec *x, double *maxabs) {
  AE_CHK(compatible("aeon_gvec_maxnorm", x, x));
  return x->ops->maxnorm_local(x, maxabs);
}

aeon_err aeon_gvec_maxnorm(const aeon_gvec *x, double *nrm) {
  double m[2];
  AE_CHK(aeon_gvec_maxnorm_local(x, &m[0]));
  m[1] = isnan(m[0]) ? 1.0 : 0.0; /* a NaN travels as a flag: MPI_MAX of NaN depends on the order */
  if (m[1] != 0) m[0] = 0;
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, m, 2, MPI_DOUBLE, MPI_MAX, x->comm));
  *nrm = m[1] != 0 ? NAN : m[0];
  return AEON_OK;
}

aeon_err aeon_gvec_wrms_local(const aeon_gvec *x, const aeon_gvec *w, aeon_norm_acc *acc) {
  AE_CHK(compatible("aeon_gvec_wrms", x, w));
  return x->ops->wrms_local(x, w, acc);
}

aeon_err aeon_gvec_wrmsnorm(const aeon_gvec *x, const aeon_gvec *w, double *nrm) {
  aeon_norm_acc a;
  aeon_norm_acc_init(&a);
  AE_CHK(aeon_gvec_wrms_local(x, w, &a));
  AE_CHK(aeon_norm_acc_allreduce(&a, 1, x->comm));
  *nrm = aeon_norm_acc_rms(&a);
  return AEON_OK;
}

uint64_t aeon_gvec_fault_bits(double max_abs) {
  if (!(max_abs <= DBL_MAX)) return 0x7ff0000000000000ull; /* Inf or NaN: only NaN and Inf are faults */
  if (!(max_abs > 0)) return 0;
  int e;
  frexp(max_abs, &e); /* max_abs = f 2^e with 0.5 <= f < 1: values from 2^e on are flagged */
  long field = 1022L + e + 1;
  if (field <= 0) return 0;
  return field >= 0x7ff ? 0x7ff0000000000000ull : (uint64_t)field << 52;
}

aeon_err aeon_gvec_exceeds_local(const aeon_gvec *x, double max_abs, int *exceeds) {
  AE_CHK(compatible("aeon_gvec_exceeds", x, x));
  return x->ops->exceeds_local(x, aeon_gvec_fault_bits(max_abs), exceeds);
}
