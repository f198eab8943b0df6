/* Grid vectors on the host: the kernels behind aeon_gvec_ops_host. Every op
 * walks the rows (variable, z, y) of the box, finds each operand's row with
 * that operand's own addressing (a ghosted view and a compact array mix
 * freely), and runs a unit-stride inner loop over x that gcc vectorises.
 * Outputs may be exactly an input (checked in gvec.c), so the writing loops
 * carry AEON_IVDEP (no loop-carried dependence) instead of restrict, which an
 * in-place operand would break. Linear combinations go through a row chunk
 * on the stack, so z may be any of its inputs. Reductions round each product
 * once and add it to an exact accumulator; the maximum and the fault test are
 * plain comparisons, exact in any order. No op allocates; clone does. */
#include <math.h>
#include <string.h>

#include "aeon/gvec.h"
#include "aeon/memory.h"

#if defined(__clang__)
#define AEON_IVDEP _Pragma("clang loop vectorize(assume_safety)")
#elif defined(__GNUC__)
#define AEON_IVDEP _Pragma("GCC ivdep")
#else
#define AEON_IVDEP
#endif

#define CHUNK 256 /* doubles of a row handled at once through a stack buffer (2 KiB) */

/* Runs the statement after it once per row (v, j, k) of x's box; j and k count from the box's lower corner. */
#define FOR_ROWS(x, v, j, k)                                     \
  for (int v = 0; v < (x)->nvar; v++)                            \
    for (int k = 0; k < (x)->box.hi[2] - (x)->box.lo[2]; k++)    \
      for (int j = 0; j < (x)->box.hi[1] - (x)->box.lo[1]; j++)

/* Points per row (0 for an empty box). */
static long row_len(const aeon_gvec *x) { return x->box.hi[0] > x->box.lo[0] ? x->box.hi[0] - x->box.lo[0] : 0; }

/* The first point of row (j, k) of variable v of x's box. */
static inline double *row(const aeon_gvec *x, int v, int j, int k) {
  const aeon_box *b = &x->box;
  ptrdiff_t o = (ptrdiff_t)((size_t)v * x->vstride) + x->base + b->lo[0] + (long)(b->lo[1] + j) * x->sy +
                (long)(b->lo[2] + k) * x->sz;
  return x->data + o;
}

static aeon_err host_linearsum(double a, const aeon_gvec *x, double b, const aeon_gvec *y, aeon_gvec *z) {
  long n = row_len(z);
  FOR_ROWS(z, v, j, k) {
    const double *xr = row(x, v, j, k), *yr = row(y, v, j, k);
    double *zr = row(z, v, j, k);
    AEON_IVDEP
    for (long i = 0; i < n; i++) zr[i] = a * xr[i] + b * yr[i];
  }
  return AEON_OK;
}

/* t[0, m) = c[0] X[0] + ... + c[n-1] X[n-1] at points s .. s + m of row (v, j, k). */
static void combine_chunk(int n, const double *c, const aeon_gvec *const *X, int v, int j, int k, long s, long m,
                          double *restrict t) {
  const double *restrict x0 = row(X[0], v, j, k) + s;
  double c0 = c[0];
  for (long i = 0; i < m; i++) t[i] = c0 * x0[i];
  for (int q = 1; q < n; q++) {
    const double *restrict xq = row(X[q], v, j, k) + s;
    double cq = c[q];
    for (long i = 0; i < m; i++) t[i] += cq * xq[i];
  }
}

static aeon_err host_linearcombination(int n, const double *c, const aeon_gvec *const *X, aeon_gvec *z) {
  long len = row_len(z);
  double t[CHUNK];
  FOR_ROWS(z, v, j, k) {
    for (long s = 0; s < len; s += CHUNK) {
      long m = len - s < CHUNK ? len - s : CHUNK;
      combine_chunk(n, c, X, v, j, k, s, m, t);
      memcpy(row(z, v, j, k) + s, t, (size_t)m * sizeof *t);
    }
  }
  return AEON_OK;
}

static aeon_err host_scaleaddmulti(int n, const double *c, const aeon_gvec *x, const aeon_gvec *const *Y,
                                   aeon_gvec *const *Z) {
  long len = row_len(x);
  FOR_ROWS(x, v, j, k) {
    const double *xr = row(x, v, j, k); /* stays in L1 while the n outputs of this row are formed */
    for (int q = 0; q < n; q++) {
      const double *yr = row(Y[q], v, j, k);
      double *zr = row(Z[q], v, j, k), cq = c[q];
      AEON_IVDEP
      for (long i = 0; i < len; i++) zr[i] = cq * xr[i] + yr[i];
    }
  }
  return AEON_OK;
}

static aeon_err host_scale(double c, const aeon_gvec *x, aeon_gvec *z) {
  long n = row_len(z);
  FOR_ROWS(z, v, j, k) {
    const double *xr = row(x, v, j, k);
    double *zr = row(z, v, j, k);
    AEON_IVDEP
    for (long i = 0; i < n; i++) zr[i] = c * xr[i];
  }
  return AEON_OK;
}

static aeon_err host_const(double c, aeon_gvec *z) {
  long n = row_len(z);
  FOR_ROWS(z, v, j, k) {
    double *restrict zr = row(z, v, j, k);
    for (long i = 0; i < n; i++) zr[i] = c;
  }
  return AEON_OK;
}

static aeon_err host_dotprod_local(const aeon_gvec *x, const aeon_gvec *y, aeon_xsum *acc) {
  long n = row_len(x);
  FOR_ROWS(x, v, j, k) {
    const double *restrict xr = row(x, v, j, k), *restrict yr = row(y, v, j, k);
    for (long i = 0; i < n; i++) aeon_xsum_add(acc, xr[i] * yr[i]);
  }
  return AEON_OK;
}

static aeon_err host_norm_local(const aeon_gvec *x, aeon_norm_acc *acc) {
  long n = row_len(x);
  FOR_ROWS(x, v, j, k) aeon_norm_acc_add_array(acc, row(x, v, j, k), n);
  return AEON_OK;
}

static aeon_err host_wrms_local(const aeon_gvec *x, const aeon_gvec *w, aeon_norm_acc *acc) {
  long len = row_len(x);
  double t[CHUNK];
  FOR_ROWS(x, v, j, k) {
    for (long s = 0; s < len; s += CHUNK) {
      long m = len - s < CHUNK ? len - s : CHUNK;
      const double *restrict xr = row(x, v, j, k) + s, *restrict wr = row(w, v, j, k) + s;
      for (long i = 0; i < m; i++) t[i] = xr[i] * wr[i];
      aeon_norm_acc_add_array(acc, t, m);
    }
  }
  return AEON_OK;
}

#define LANES 8 /* independent running maxima: a max reduction of doubles vectorises only as separate lanes */

/* mx[l], nan[l] over the values l, l + LANES, ... of x[0, n) (nan[l] = 1 once a NaN is seen). */
static void max_lanes(const double *restrict x, long n, double *restrict mx, double *restrict nan) {
  long i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) {
      double a = fabs(x[i + l]);
      mx[l] = a > mx[l] ? a : mx[l]; /* a NaN never replaces the max: it is flagged instead */
      nan[l] = a == a ? nan[l] : 1.0;
    }
  for (int l = 0; i < n; i++, l++) {
    double a = fabs(x[i]);
    mx[l] = a > mx[l] ? a : mx[l];
    nan[l] = a == a ? nan[l] : 1.0;
  }
}

static aeon_err host_maxnorm_local(const aeon_gvec *x, double *maxabs) {
  long n = row_len(x);
  double mx[LANES] = {0}, nan[LANES] = {0}, m = 0, bad = 0;
  FOR_ROWS(x, v, j, k) max_lanes(row(x, v, j, k), n, mx, nan);
  for (int l = 0; l < LANES; l++) {
    m = mx[l] > m ? mx[l] : m;
    bad += nan[l];
  }
  *maxabs = bad != 0 ? NAN : m;
  return AEON_OK;
}

/* The test of aeon_mol's fused update, (bits & 0x7ff0...) >= fault_bits, as one comparison of doubles that SSE2
 * vectorises: the exponent field reaches fault_bits exactly when |x| is not below the double with those bits
 * (2^(field - 1023); +Inf for field 0x7ff, where the comparison flags NaN and Inf; 0 for field 0: every value). */
static aeon_err host_exceeds_local(const aeon_gvec *x, uint64_t fault_bits, int *exceeds) {
  long n = row_len(x);
  double limit, bad = 0;
  memcpy(&limit, &fault_bits, sizeof limit);
  FOR_ROWS(x, v, j, k) {
    const double *restrict xr = row(x, v, j, k);
    for (long i = 0; i < n; i++) bad = fabs(xr[i]) < limit ? bad : 1.0;
  }
  *exceeds = bad != 0;
  return AEON_OK;
}

static aeon_err host_clone(const aeon_gvec *x, aeon_gvec_kind kind, aeon_gvec *y) {
  const aeon_mesh *m = x->m;
  if (kind == AEON_GVEC_GHOSTED && !m)
    return AE_ERR(AEON_ERR_INTERNAL, "aeon_gvec_clone: a ghosted clone needs the vector's mesh");
  size_t per_var = kind == AEON_GVEC_GHOSTED ? m->npts : (size_t)aeon_box_size(&x->box);
  double *data = NULL;
  AE_CHK(aeon_mem_alloc((size_t)x->nvar * (per_var > 0 ? per_var : 1) * sizeof(double), (void **)&data));
  aeon_fields f = {.nvar = x->nvar, .stride = per_var, .data = data};
  aeon_err e = kind == AEON_GVEC_GHOSTED ? aeon_gvec_view_fields(m, &f, &x->box, x->comm, y)
                                         : aeon_gvec_view_compact(m, x->nvar, &x->box, data, x->comm, y);
  if (e) {
    aeon_mem_free(data);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  y->ops = x->ops;
  y->owns = 1;
  return AEON_OK;
}

static void host_destroy(aeon_gvec *x) { aeon_mem_free(x->data); }

static const aeon_gvec_ops host_ops = {
  .name = "host",
  .space = AEON_SPACE_HOST,
  .clone = host_clone,
  .destroy = host_destroy,
  .linearsum = host_linearsum,
  .linearcombination = host_linearcombination,
  .scaleaddmulti = host_scaleaddmulti,
  .scale = host_scale,
  .constant = host_const,
  .dotprod_local = host_dotprod_local,
  .norm_local = host_norm_local,
  .wrms_local = host_wrms_local,
  .maxnorm_local = host_maxnorm_local,
  .exceeds_local = host_exceeds_local,
};

const aeon_gvec_ops *aeon_gvec_ops_host(void) { return &host_ops; }
