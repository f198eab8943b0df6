/* ranks: 1 2 3 4 */
/* Grid vectors (aeon_gvec) on a 13 x 10 x 14 mesh with symmetry, periodic and
 * radiative faces (so the evolved box has radiative ghosts on some ranks), in
 * two decompositions. Every array holds values of wide dynamic range (2^-30
 * .. 2^30, random signs, a function of the global point) on the box and a
 * sentinel of its own, near 2^600, everywhere else. Checks: (1) each
 * elementwise op equals a plain loop bit for bit, for ghosted and compact
 * operands mixed, in place, with n = 1, 3, 16; the fused RK form of
 * scaleaddmulti equals aeon_mol's update loop; (2) no entry outside the box
 * is written (the sentinels keep their bits) or read (a sentinel would reach
 * a result: a wrong value, an overflowing norm, a fault); (3) dot product,
 * l2, max and wrms norms are bit-identical to those a one-rank communicator
 * computes on the whole grid, and to an independent exact reference
 * (Shewchuk/fsum partials of the rounded products), while naive sums in two
 * orders differ; fused local accumulators with one allreduce give the same
 * bits; (4) the fault test equals aeon_mol's exponent-field test on edge
 * values; (5) clones; (6) no op allocates; (7) operands of other shapes or
 * overlapping memory are refused. Then timings of the fused update and the
 * dot product on a 64^3 grid. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/gvec.h"
#include "aeon/memory.h"

#include "mpicheck.h"

#define NVAR 2
#define PAD 16 /* sentinels before and after a compact array */

static int rank;

typedef struct grid {
  aeon_mesh m;
  aeon_par par;
} grid;

/* A vector of the test: its storage (fields or a padded compact array), a mask of the box's entries, the view. */
typedef struct tvec {
  const aeon_mesh *m;
  aeon_box box;
  int compact;
  aeon_fields f;
  double *buf, *store;
  char *inbox;
  double sentinel; /* of every entry outside the box: 2^600 (1 + seed / 1024), its own for each vector */
  size_t nstore;
  aeon_gvec g;
} tvec;

static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int bits_eq(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Value of variable v at local point (i, j, k): random sign, mantissa and exponent in [-30, 30] by global index. */
static double value(uint64_t seed, const aeon_mesh *m, int v, int i, int j, int k) {
  uint64_t key = (uint64_t)(m->off[0] + i + 100) | (uint64_t)(m->off[1] + j + 100) << 16 |
                 (uint64_t)(m->off[2] + k + 100) << 32 | (uint64_t)v << 48;
  uint64_t h = mix(seed ^ mix(key));
  double mant = 1.0 + (double)(h >> 12) * 0x1p-52;
  return (h & 1 ? -1.0 : 1.0) * ldexp(mant, (int)((h >> 4) % 61) - 30);
}

#define FOR_BOX(b, v, i, j, k)                       \
  for (int v = 0; v < NVAR; v++)                     \
    for (int k = (b)->lo[2]; k < (b)->hi[2]; k++)    \
      for (int j = (b)->lo[1]; j < (b)->hi[1]; j++)  \
        for (int i = (b)->lo[0]; i < (b)->hi[0]; i++)

/* Element (v, i, j, k) of a test vector, addressed independently of aeon_gvec. */
static double *at(const tvec *t, int v, int i, int j, int k) {
  if (!t->compact) return aeon_var(&t->f, v) + aeon_idx(t->m, i, j, k);
  const aeon_box *b = &t->box;
  long nx = b->hi[0] - b->lo[0], ny = b->hi[1] - b->lo[1], nz = b->hi[2] - b->lo[2];
  return t->buf + PAD + (((long)v * nz + (k - b->lo[2])) * ny + (j - b->lo[1])) * nx + (i - b->lo[0]);
}

static long npoints(const aeon_box *b) { return NVAR * aeon_box_size(b); }

/* A vector over box of grid m, compact or a view of fields, holding value(seed) on the box and sentinels elsewhere. */
static void make_tvec(const aeon_mesh *m, const aeon_box *box, int compact, MPI_Comm comm, uint64_t seed, tvec *t) {
  memset(t, 0, sizeof *t);
  t->m = m, t->box = *box, t->compact = compact;
  aeon_err e;
  if (compact) {
    t->nstore = (size_t)npoints(box) + 2 * PAD;
    e = aeon_mem_alloc(t->nstore * sizeof(double), (void **)&t->buf);
    t->store = t->buf;
  } else {
    e = aeon_fields_create(m, NVAR, &t->f);
    t->nstore = (size_t)NVAR * t->f.stride;
    t->store = t->f.data;
  }
  if (!e) e = aeon_mem_alloc(t->nstore, (void **)&t->inbox);
  CHECK(e == AEON_OK, "allocation: %s", aeon_error_message());
  t->sentinel = ldexp(1.0 + (double)(seed % 1000) / 1024, 600);
  for (size_t s = 0; s < t->nstore; s++) t->store[s] = t->sentinel;
  FOR_BOX(box, v, i, j, k) {
    double *p = at(t, v, i, j, k);
    *p = value(seed, m, v, i, j, k);
    t->inbox[p - t->store] = 1;
  }
  e = compact ? aeon_gvec_view_compact(m, NVAR, box, t->buf + PAD, comm, &t->g)
              : aeon_gvec_view_fields(m, &t->f, box, comm, &t->g);
  CHECK(e == AEON_OK, "view: %s", aeon_error_message());
}

static void free_tvec(tvec *t) {
  aeon_gvec_destroy(&t->g);
  aeon_fields_destroy(&t->f);
  aeon_mem_free(t->buf);
  aeon_mem_free(t->inbox);
}

/* Copies the box values of t into w in box order. */
static void values_of(const tvec *t, double *w) {
  long n = 0;
  FOR_BOX(&t->box, v, i, j, k) w[n++] = *at(t, v, i, j, k);
}

/* Checks the box of t against want (box order) bit for bit and every other entry against the sentinel. */
static void check_vec(const char *what, const tvec *t, const double *want) {
  long bad = 0, n = 0, touched = 0;
  FOR_BOX(&t->box, v, i, j, k) {
    double got = *at(t, v, i, j, k);
    if (!bits_eq(got, want[n]) && bad++ == 0)
      fprintf(stderr, "rank %d %s: (%d; %d,%d,%d) = %.17g, want %.17g\n", rank, what, v, i, j, k, got, want[n]);
    n++;
  }
  for (size_t s = 0; s < t->nstore; s++) touched += !t->inbox[s] && !bits_eq(t->store[s], t->sentinel);
  CHECK(bad == 0, "%s: %ld of %ld values differ from the plain loop", what, bad, n);
  CHECK(touched == 0, "%s: %ld entries outside the box were written", what, touched);
}

static int make_grid(MPI_Comm comm, const int dims[3], grid *g) {
  memset(g, 0, sizeof *g);
  const long N[3] = {13, 10, 14};
  const aeon_bc bc[6] = {AEON_BC_SYMMETRY, AEON_BC_RADIATIVE, AEON_BC_PERIODIC,
                         AEON_BC_PERIODIC, AEON_BC_RADIATIVE, AEON_BC_SYMMETRY};
  for (int d = 0; d < 3; d++) {
    g->m.N[d] = N[d];
    g->m.xmax[d] = 1;
    g->m.dx[d] = 1.0 / (double)N[d];
  }
  g->m.ghost = 3;
  memcpy(g->m.bc, bc, sizeof bc);
  int periodic[3];
  aeon_mesh_periodicity(&g->m, periodic);
  aeon_err e = aeon_par_create(comm, dims, periodic, N, &g->par);
  if (!e) e = aeon_mesh_setup_patch(&g->m, &g->par);
  CHECK(e == AEON_OK, "grid: %s", aeon_error_message());
  return e != AEON_OK;
}

/* (1), (2) The elementwise ops against plain loops: ghosted x, y, z and compact p, q, r over the evolved box. */
static void elementwise(const aeon_mesh *m, MPI_Comm comm) {
  const aeon_box *b = &m->evolved;
  tvec x, y, z, p, q, r;
  make_tvec(m, b, 0, comm, 1, &x);
  make_tvec(m, b, 0, comm, 2, &y);
  make_tvec(m, b, 0, comm, 3, &z);
  make_tvec(m, b, 1, comm, 4, &p);
  make_tvec(m, b, 1, comm, 5, &q);
  make_tvec(m, b, 1, comm, 6, &r);
  long n = npoints(b);
  double *w = calloc((size_t)n + 1, sizeof *w), *a1 = calloc((size_t)n + 1, sizeof *a1);
  double *a2 = calloc((size_t)n + 1, sizeof *a2), *a3 = calloc((size_t)n + 1, sizeof *a3);
  const double a = 0.7310581, c = -1.2345678901;

  /* linear sum: ghosted + compact into compact, into ghosted, and in place */
  values_of(&x, a1), values_of(&p, a2);
  for (long i = 0; i < n; i++) w[i] = a * a1[i] + c * a2[i];
  CHECK(aeon_gvec_linearsum(a, &x.g, c, &p.g, &q.g) == AEON_OK, "linearsum: %s", aeon_error_message());
  check_vec("linearsum ghosted + compact -> compact", &q, w);
  CHECK(aeon_gvec_linearsum(a, &x.g, c, &p.g, &z.g) == AEON_OK, "linearsum: %s", aeon_error_message());
  check_vec("linearsum ghosted + compact -> ghosted", &z, w);
  CHECK(aeon_gvec_linearsum(a, &x.g, c, &p.g, &x.g) == AEON_OK, "linearsum: %s", aeon_error_message());
  check_vec("linearsum in place (z = x)", &x, w);

  /* linear combination of n = 1, 3, 16 vectors (repeats allowed), z compact, ghosted, and one of the inputs */
  const tvec *pool[4] = {&x, &p, &y, &q};
  const aeon_gvec *X[AEON_GVEC_MAXVEC];
  double cs[AEON_GVEC_MAXVEC];
  const int counts[3] = {1, 3, 16};
  tvec *outs[3] = {&r, &z, &y}; /* the last: z is X[2] = y */
  for (int t = 0; t < 3; t++) {
    int nv = counts[t];
    for (int i = 0; i < nv; i++) {
      X[i] = &pool[i % 4]->g;
      cs[i] = ldexp(1.0 + 0.37 * i, (i % 5) - 2) * (i % 3 ? -1 : 1);
    }
    for (long i = 0; i < n; i++) w[i] = 0;
    for (int s = 0; s < nv; s++) {
      values_of(pool[s % 4], a1);
      for (long i = 0; i < n; i++) w[i] = s == 0 ? cs[0] * a1[i] : w[i] + cs[s] * a1[i];
    }
    aeon_err e = aeon_gvec_linearcombination(nv, cs, X, &outs[t]->g);
    CHECK(e == AEON_OK, "linearcombination: %s", aeon_error_message());
    char what[64];
    snprintf(what, sizeof what, "linearcombination n = %d", nv);
    check_vec(what, outs[t], w);
  }

  /* scaleaddmulti as the RK update of aeon_mol: u += wb k, y = u0 + wa k (u ghosted, u0 compact, y ghosted, k
   * compact), against mol's loop */
  const double wb = 0.1 / 6, wa = 0.05;
  values_of(&z, a1), values_of(&q, a2), values_of(&p, a3); /* u = z, k = q, u0 = p */
  for (long i = 0; i < n; i++) {
    w[i] = a1[i];
    w[i] += wb * a2[i];
    a1[i] = a3[i] + wa * a2[i];
  }
  {
    const double cc[2] = {wb, wa};
    const aeon_gvec *Y[2] = {&z.g, &p.g};
    aeon_gvec *Z[2] = {&z.g, &y.g};
    CHECK(aeon_gvec_scaleaddmulti(2, cc, &q.g, Y, Z) == AEON_OK, "scaleaddmulti: %s", aeon_error_message());
    check_vec("scaleaddmulti: u += wb k", &z, w);
    check_vec("scaleaddmulti: y = u0 + wa k", &y, a1);
  }
  /* n = 3 into compact outputs, one in place */
  {
    values_of(&x, a1), values_of(&y, a2), values_of(&r, a3);
    const double cc[3] = {3.25, -0.125, 1e-3};
    const aeon_gvec *Y[3] = {&y.g, &x.g, &r.g};
    aeon_gvec *Z[3] = {&q.g, &p.g, &r.g};
    double *wz = calloc((size_t)n + 1, sizeof *wz);
    values_of(&z, wz); /* x = z */
    for (long i = 0; i < n; i++) w[i] = cc[0] * wz[i] + a2[i];
    CHECK(aeon_gvec_scaleaddmulti(3, cc, &z.g, Y, Z) == AEON_OK, "scaleaddmulti 3: %s", aeon_error_message());
    check_vec("scaleaddmulti n = 3: Z0", &q, w);
    for (long i = 0; i < n; i++) w[i] = cc[1] * wz[i] + a1[i];
    check_vec("scaleaddmulti n = 3: Z1", &p, w);
    for (long i = 0; i < n; i++) w[i] = cc[2] * wz[i] + a3[i];
    check_vec("scaleaddmulti n = 3: Z2 (in place)", &r, w);
    free(wz);
  }

  /* scale (and copy by c = 1), const */
  values_of(&y, a1);
  for (long i = 0; i < n; i++) w[i] = -3.5e-3 * a1[i];
  CHECK(aeon_gvec_scale(-3.5e-3, &y.g, &p.g) == AEON_OK, "scale: %s", aeon_error_message());
  check_vec("scale ghosted -> compact", &p, w);
  CHECK(aeon_gvec_scale(1.0, &p.g, &x.g) == AEON_OK, "copy: %s", aeon_error_message());
  check_vec("scale by 1 (copy) compact -> ghosted", &x, w);
  for (long i = 0; i < n; i++) w[i] = -3.5e-3 * w[i];
  CHECK(aeon_gvec_scale(-3.5e-3, &x.g, &x.g) == AEON_OK, "scale: %s", aeon_error_message());
  check_vec("scale in place", &x, w);
  for (long i = 0; i < n; i++) w[i] = 2.5;
  CHECK(aeon_gvec_const(2.5, &z.g) == AEON_OK, "const: %s", aeon_error_message());
  check_vec("const", &z, w);

  free(w), free(a1), free(a2), free(a3);
  free_tvec(&x), free_tvec(&y), free_tvec(&z), free_tvec(&p), free_tvec(&q), free_tvec(&r);
}

/* Exact sum of n doubles by non-overlapping partials (Shewchuk), correctly rounded (the algorithm of Python's fsum);
 * independent of aeon_xsum. */
static double fsum(const double *v, long n) {
  double part[256];
  int np = 0;
  for (long t = 0; t < n; t++) {
    double x = v[t];
    int i = 0;
    for (int s = 0; s < np; s++) {
      double y = part[s];
      if (fabs(x) < fabs(y)) {
        double tmp = x;
        x = y, y = tmp;
      }
      double hi = x + y, lo = y - (hi - x);
      if (lo != 0) part[i++] = lo;
      x = hi;
    }
    part[i] = x;
    np = i + 1;
  }
  if (np == 0) return 0;
  int k = np - 1;
  double hi = part[k], lo = 0;
  while (k > 0) {
    double x = hi, y = part[--k];
    hi = x + y;
    lo = y - (hi - x);
    if (lo != 0) break;
  }
  if (k > 0 && ((lo < 0 && part[k - 1] < 0) || (lo > 0 && part[k - 1] > 0))) {
    double y = lo * 2, x = hi + y;
    if (y == x - hi) hi = x;
  }
  return hi;
}

static int by_magnitude(const void *a, const void *b) {
  double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
  return (x > y) - (x < y);
}

/* The reductions of x, y on a grid: dot, l2 (cell weight), max, wrms, and the dot and x.x fused in one allreduce. */
static void reductions(const aeon_gvec *x, const aeon_gvec *y, double weight, double res[6]) {
  aeon_err e = aeon_gvec_dotprod(x, y, &res[0]);
  if (!e) e = aeon_gvec_l2norm(x, weight, &res[1]);
  if (!e) e = aeon_gvec_maxnorm(x, &res[2]);
  if (!e) e = aeon_gvec_wrmsnorm(x, y, &res[3]);
  aeon_xsum s[2];
  aeon_xsum_init(&s[0]), aeon_xsum_init(&s[1]);
  if (!e) e = aeon_gvec_dotprod_local(x, y, &s[0]);
  if (!e) e = aeon_gvec_dotprod_local(x, x, &s[1]);
  if (!e) e = aeon_xsum_allreduce(s, 2, x->comm);
  res[4] = aeon_xsum_value(&s[0]);
  res[5] = sqrt(weight * aeon_xsum_value(&s[1]));
  CHECK(e == AEON_OK, "reductions: %s", aeon_error_message());
}

/* (3) Reductions on the decomposed grid against the one-rank grid and the exact references. x ghosted, y compact. */
static void reduce_checks(const aeon_mesh *m, MPI_Comm comm, const char *layout) {
  grid whole;
  if (make_grid(MPI_COMM_SELF, (const int[3]){1, 1, 1}, &whole)) return;
  const aeon_mesh *w = &whole.m;
  tvec x, y, wx, wy;
  make_tvec(m, &m->evolved, 0, comm, 11, &x);
  make_tvec(m, &m->evolved, 1, comm, 12, &y);
  make_tvec(w, &w->evolved, 0, MPI_COMM_SELF, 11, &wx);
  make_tvec(w, &w->evolved, 1, MPI_COMM_SELF, 12, &wy);
  double weight = m->dx[0] * m->dx[1] * m->dx[2], got[6], one[6];
  reductions(&x.g, &y.g, weight, got);
  reductions(&wx.g, &wy.g, weight, one);
  static const char *names[6] = {"dot", "l2", "max", "wrms", "fused dot", "fused l2"};
  for (int t = 0; t < 6; t++)
    CHECK(bits_eq(got[t], one[t]), "%s: %s = %.17g on this decomposition, %.17g on one rank", layout, names[t], got[t],
          one[t]);
  CHECK(bits_eq(got[4], got[0]) && bits_eq(got[5], got[1]), "%s: fused reductions %.17g %.17g vs %.17g %.17g", layout,
        got[4], got[5], got[0], got[1]);

  /* references from the whole grid's values */
  long n = npoints(&w->evolved);
  double *a = calloc((size_t)n, sizeof *a), *b = calloc((size_t)n, sizeof *b), *p = calloc((size_t)n, sizeof *p);
  values_of(&wx, a), values_of(&wy, b);
  double mx = 0, naive = 0, naive_rev = 0, sum_abs = 0;
  for (long i = 0; i < n; i++) p[i] = a[i] * b[i];
  double dot = fsum(p, n);
  for (long i = 0; i < n; i++) naive += p[i], sum_abs += fabs(p[i]);
  for (long i = n - 1; i >= 0; i--) naive_rev += p[i];
  qsort(p, (size_t)n, sizeof *p, by_magnitude);
  long double ld = 0;
  for (long i = 0; i < n; i++) ld += p[i];
  for (long i = 0; i < n; i++) p[i] = a[i] * a[i], mx = fmax(mx, fabs(a[i]));
  double l2 = sqrt(weight * fsum(p, n));
  for (long i = 0; i < n; i++) p[i] = (a[i] * b[i]) * (a[i] * b[i]);
  double wrms = sqrt(fsum(p, n) / (double)n);
  double want[4] = {dot, l2, mx, wrms};
  for (int t = 0; t < 4; t++)
    CHECK(bits_eq(got[t], want[t]), "%s: %s = %.17g, exact reference %.17g", layout, names[t], got[t], want[t]);
  CHECK(fabsl(ld - (long double)dot) <= 1e-15L * sum_abs, "%s: sorted long double sum %.20Lg vs exact %.17g", layout,
        ld, dot);
  CHECK(!bits_eq(naive, naive_rev), "the test data do not tell summation orders apart (naive sums %.17g, %.17g)",
        naive, naive_rev);
  if (rank == 0)
    printf("%s: %ld values: dot %.17g (naive forward %.3e, reverse %.3e relative off; sorted long double %.1e), "
           "l2 %.17g, max %.17g, wrms %.17g: bit-identical to one rank and to the exact references\n",
           layout, n, dot, fabs(naive - dot) / fabs(dot), fabs(naive_rev - dot) / fabs(dot),
           (double)(fabsl(ld - (long double)dot) / fabsl((long double)dot)), l2, mx, wrms);

  /* a NaN on one point of rank 0 makes the max norm NaN everywhere; the sentinels are never seen */
  double mloc = 0;
  CHECK(aeon_gvec_maxnorm_local(&x.g, &mloc) == AEON_OK && mloc < 0x1p40, "max norm read a sentinel: %g", mloc);
  if (rank == 0) *at(&x, 1, m->evolved.lo[0], m->evolved.lo[1], m->evolved.lo[2]) = NAN;
  double mn = 0;
  CHECK(aeon_gvec_maxnorm(&x.g, &mn) == AEON_OK && isnan(mn), "%s: max norm with a NaN: %g", layout, mn);

  free(a), free(b), free(p);
  free_tvec(&x), free_tvec(&y), free_tvec(&wx), free_tvec(&wy);
  aeon_par_destroy(&whole.par);
}

/* (4) The fault test against aeon_mol's bit test (bits & 0x7ff0...) >= fault bits, on edge values. */
static void faults(const aeon_mesh *m, MPI_Comm comm) {
  const double bounds[] = {1000, 1024, 0.3, 1e300, DBL_MAX, INFINITY, NAN, 0, -5, 0x1p-1023, 0x1p-1024, 1e-320};
  const double vals[] = {0, -0.0, 1, 1023.99, 1024, -1024, 2047.9, 2048, 0.24, 0.25, 0.5, 0x1p-1022, 5e-324,
                         DBL_MAX, -DBL_MAX, INFINITY, -INFINITY, NAN, 1e300, 0x1p997, 0x1p996};
  CHECK(aeon_gvec_fault_bits(1000) == (uint64_t)(1023 + 10) << 52 && aeon_gvec_fault_bits(1024) == (uint64_t)(1023 + 11)
        << 52 && aeon_gvec_fault_bits(INFINITY) == 0x7ff0000000000000ull, "fault bits: %llx %llx",
        (unsigned long long)aeon_gvec_fault_bits(1000), (unsigned long long)aeon_gvec_fault_bits(1024));
  tvec t, g;
  make_tvec(m, &m->evolved, 1, comm, 21, &t);
  make_tvec(m, &m->evolved, 0, comm, 22, &g); /* values below 2^31, sentinels near 2^600 in its ghosts */
  long bad = 0, cases = 0;
  const aeon_box *b = &m->evolved;
  for (size_t ib = 0; ib < sizeof bounds / sizeof *bounds; ib++) {
    uint64_t fb = aeon_gvec_fault_bits(bounds[ib]);
    if (bounds[ib] >= 0x1p-1000 && bounds[ib] <= DBL_MAX) { /* aeon_mol_set_max_abs's formula */
      int e;
      frexp(bounds[ib], &e);
      long field = 1022L + e + 1;
      uint64_t mol = field >= 0x7ff ? 0x7ff0000000000000ull : (uint64_t)field << 52;
      CHECK(fb == mol, "fault bits of %g: %llx, aeon_mol %llx", bounds[ib], (unsigned long long)fb,
            (unsigned long long)mol);
    }
    for (size_t iv = 0; iv < sizeof vals / sizeof *vals; iv++) {
      aeon_gvec_const(0.0, &t.g);
      *at(&t, 1, b->hi[0] - 1, b->hi[1] - 1, b->lo[2]) = vals[iv];
      uint64_t u;
      memcpy(&u, &vals[iv], sizeof u);
      int want = (u & 0x7ff0000000000000ull) >= fb, got = -1;
      CHECK(aeon_gvec_exceeds_local(&t.g, bounds[ib], &got) == AEON_OK, "exceeds: %s", aeon_error_message());
      bad += got != want;
      cases++;
      if (got != want) fprintf(stderr, "exceeds(%g) of %g: %d, bit test %d\n", bounds[ib], vals[iv], got, want);
    }
  }
  int gx = -1, gy = -1;
  CHECK(aeon_gvec_exceeds_local(&g.g, 0x1p31, &gx) == AEON_OK && gx == 0, "exceeds read a ghost sentinel: %d", gx);
  CHECK(aeon_gvec_exceeds_local(&g.g, 0x1p20, &gy) == AEON_OK && gy == 1, "exceeds missed values above 2^21: %d", gy);
  CHECK(bad == 0, "fault test: %ld of %ld cases differ from the bit test", bad, cases);
  if (rank == 0) printf("fault test: %ld cases equal to aeon_mol's exponent-field test\n", cases);
  free_tvec(&t), free_tvec(&g);
}

/* (5), (6), (7) Clones, zero allocations per op, and refused operands. */
static void clones_allocs_errors(const aeon_mesh *m, MPI_Comm comm) {
  tvec x, p;
  make_tvec(m, &m->evolved, 0, comm, 31, &x);
  make_tvec(m, &m->evolved, 1, comm, 32, &p);
  aeon_mem_stats s0 = aeon_mem_get_stats();
  aeon_gvec cg, cc;
  CHECK(aeon_gvec_clone(&p.g, AEON_GVEC_GHOSTED, &cg) == AEON_OK && aeon_gvec_clone(&x.g, AEON_GVEC_COMPACT, &cc) ==
        AEON_OK, "clone: %s", aeon_error_message());
  aeon_mem_stats s1 = aeon_mem_get_stats();
  CHECK(s1.nalloc == s0.nalloc + 2, "two clones made %llu allocations", (unsigned long long)(s1.nalloc - s0.nalloc));
  CHECK(cg.owns && cc.owns && cg.vstride == m->npts && cg.sy == m->sy &&
            cc.vstride == (size_t)aeon_box_size(&m->evolved) && aeon_gvec_length(&cg) == npoints(&m->evolved) &&
            aeon_gvec_length(&cc) == aeon_gvec_length(&cg),
        "clone shapes: vstride %zu, %zu", cg.vstride, cc.vstride);
  double d = 0, dd = 0, e2 = 0, mx = 0, wr = 0;
  int ex = 0;
  aeon_xsum xs;
  aeon_norm_acc na;
  aeon_xsum_init(&xs), aeon_norm_acc_init(&na);
  const double c3[3] = {1, 2, 3};
  const aeon_gvec *X[3] = {&x.g, &p.g, &cg};
  aeon_gvec *Z[1] = {&cc};
  aeon_gvec view;
  /* every op once, with no allocation */
  aeon_err e = aeon_gvec_scale(1.0, &x.g, &cg);
  if (!e) e = aeon_gvec_linearsum(2.0, &cg, -1.0, &x.g, &cc);
  if (!e) e = aeon_gvec_linearcombination(3, c3, X, &cc);
  if (!e) e = aeon_gvec_scaleaddmulti(1, c3, &x.g, (const aeon_gvec *const *)Z, Z);
  if (!e) e = aeon_gvec_const(4.0, &cg);
  if (!e) e = aeon_gvec_dotprod(&x.g, &cc, &d);
  if (!e) e = aeon_gvec_dotprod_local(&x.g, &p.g, &xs);
  if (!e) e = aeon_gvec_l2norm(&cg, 1.0, &e2);
  if (!e) e = aeon_gvec_norm_local(&p.g, &na);
  if (!e) e = aeon_gvec_maxnorm(&cc, &mx);
  if (!e) e = aeon_gvec_wrmsnorm(&x.g, &cg, &wr);
  if (!e) e = aeon_gvec_wrms_local(&x.g, &cg, &na);
  if (!e) e = aeon_gvec_exceeds_local(&cc, 1e10, &ex);
  if (!e) e = aeon_gvec_view_compact(m, NVAR, &m->evolved, p.buf + PAD, comm, &view);
  if (!e) e = aeon_gvec_set_array(&view, aeon_gvec_array(&cc));
  if (!e) e = aeon_gvec_dotprod(&view, &cc, &dd);
  aeon_mem_stats s2 = aeon_mem_get_stats();
  CHECK(e == AEON_OK, "ops: %s", aeon_error_message());
  CHECK(s2.nalloc == s1.nalloc && s2.bytes_live == s1.bytes_live, "the ops made %llu allocations",
        (unsigned long long)(s2.nalloc - s1.nalloc));
  long npt = npoints(&m->evolved), all = 0;
  MPI_Allreduce(&npt, &all, 1, MPI_LONG, MPI_SUM, comm);
  CHECK(e2 == sqrt(16.0 * (double)all), "l2 of the constant 4 over %ld values: %.17g", all, e2);
  /* the ghosted clone: its ghosts stay zero after the ops (only the box was written) */
  long written = 0;
  for (size_t s = 0; s < (size_t)NVAR * m->npts; s++) written += cg.data[s] != 0 && cg.data[s] != 4.0;
  CHECK(written == 0, "the ghosted clone has %ld entries other than 0 and 4", written);
  aeon_gvec_destroy(&cg), aeon_gvec_destroy(&cc);
  aeon_mem_stats s3 = aeon_mem_get_stats();
  CHECK(s3.nfree == s2.nfree + 2 && cg.data == NULL, "destroy freed %llu", (unsigned long long)(s3.nfree - s2.nfree));

  /* refusals: another nvar, other extents, partial overlap, an output that is x of scaleaddmulti, bad n */
  aeon_gvec one, sub1, sub2;
  aeon_box in = aeon_mesh_interior(m), s1b = in, s2b = in;
  s1b.hi[0]--, s2b.lo[0]++;
  aeon_fields f1 = {.nvar = 1, .stride = m->npts, .data = x.f.data};
  aeon_gvec_view_fields(m, &f1, &m->evolved, comm, &one);
  aeon_gvec_view_fields(m, &x.f, &s1b, comm, &sub1);
  aeon_gvec_view_fields(m, &x.f, &s2b, comm, &sub2);
  aeon_gvec pin;
  aeon_gvec_view_compact(m, NVAR, &in, NULL, comm, &pin);
  aeon_gvec *Zx[1] = {&x.g};
  const aeon_gvec *Yp[1] = {&p.g};
  struct {
    const char *what;
    aeon_err e;
  } cases[] = {
    {"nvar 1 vs 2", aeon_gvec_linearsum(1, &one, 1, &x.g, &x.g)},
    {"evolved vs shrunk interior", aeon_gvec_dotprod_local(&x.g, &sub1, &xs)},
    {"partial overlap", aeon_gvec_linearsum(1, &sub1, 1, &sub1, &sub2)},
    {"scaleaddmulti into x", aeon_gvec_scaleaddmulti(1, c3, &x.g, Yp, Zx)},
    {"linearcombination n = 0", aeon_gvec_linearcombination(0, c3, X, &p.g)},
    {"linearcombination n = 17", aeon_gvec_linearcombination(17, c3, X, &p.g)},
    {"set_array of a clone", aeon_gvec_set_array(&(aeon_gvec){.owns = 1}, NULL)},
    {"box outside the patch", aeon_gvec_view_compact(m, NVAR, &(aeon_box){{-m->ghost - 1, 0, 0}, {1, 1, 1}}, NULL,
                                                     comm, &view)},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    CHECK(cases[i].e == AEON_ERR_INTERNAL, "%s: error %d, want an internal error", cases[i].what, cases[i].e);
  aeon_error_clear();
  free_tvec(&x), free_tvec(&p);
}

/* Seconds of the fastest of reps calls of fn (max over ranks). */
static double seconds(MPI_Comm comm, int reps, void (*fn)(void *), void *ctx) {
  double best = HUGE_VAL, all;
  for (int r = 0; r < reps; r++) {
    MPI_Barrier(comm);
    double t0 = MPI_Wtime();
    fn(ctx);
    best = fmin(best, MPI_Wtime() - t0);
  }
  MPI_Allreduce(&best, &all, 1, MPI_DOUBLE, MPI_MAX, comm);
  return all;
}

typedef struct bench {
  const aeon_mesh *m;
  aeon_fields u, u0, y, k;
  aeon_gvec gu, gu0, gy, gk;
  double dot;
} bench;

/* aeon_mol's fused update loop, as it is today. */
static void mol_loop(void *ctx) {
  bench *B = ctx;
  const aeon_mesh *m = B->m;
  const aeon_box *b = &m->evolved;
  int len = b->hi[0] - b->lo[0];
  for (int v = 0; v < NVAR; v++) {
    double *restrict u = aeon_var(&B->u, v), *restrict y = aeon_var(&B->y, v);
    const double *restrict u0 = aeon_var(&B->u0, v), *restrict k = aeon_var(&B->k, v);
    for (int kk = b->lo[2]; kk < b->hi[2]; kk++)
      for (int j = b->lo[1]; j < b->hi[1]; j++) {
        long o = aeon_idx(m, b->lo[0], j, kk);
        for (int i = 0; i < len; i++) {
          u[o + i] += 1e-3 * k[o + i];
          y[o + i] = u0[o + i] + 2e-3 * k[o + i];
        }
      }
  }
}

static void fused(void *ctx) {
  bench *B = ctx;
  const double c[2] = {1e-3, 2e-3};
  const aeon_gvec *Y[2] = {&B->gu, &B->gu0};
  aeon_gvec *Z[2] = {&B->gu, &B->gy};
  aeon_gvec_scaleaddmulti(2, c, &B->gk, Y, Z);
}

static void two_sums(void *ctx) {
  bench *B = ctx;
  aeon_gvec_linearsum(1.0, &B->gu, 1e-3, &B->gk, &B->gu);
  aeon_gvec_linearsum(1.0, &B->gu0, 2e-3, &B->gk, &B->gy);
}

static void exact_dot(void *ctx) {
  bench *B = ctx;
  aeon_gvec_dotprod(&B->gu, &B->gk, &B->dot);
}

static void naive_dot(void *ctx) {
  bench *B = ctx;
  const aeon_box *b = &B->m->evolved;
  double s = 0;
  for (int v = 0; v < NVAR; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) {
          long o = aeon_idx(B->m, i, j, k);
          s += aeon_var(&B->u, v)[o] * aeon_var(&B->k, v)[o];
        }
  MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  B->dot = s;
}

/* Timings on a periodic 64^3 grid with 2 variables; the fused update must also equal mol's loop bit for bit. */
static void timings(MPI_Comm comm) {
  grid g;
  memset(&g, 0, sizeof g);
  const long N[3] = {64, 64, 64};
  for (int d = 0; d < 3; d++) g.m.N[d] = N[d], g.m.xmax[d] = 1, g.m.dx[d] = 1.0 / 64;
  g.m.ghost = 3;
  const int periodic[3] = {1, 1, 1};
  if (aeon_par_create(comm, (const int[3]){0, 0, 0}, periodic, N, &g.par) || aeon_mesh_setup_patch(&g.m, &g.par)) {
    CHECK(0, "timing grid: %s", aeon_error_message());
    return;
  }
  bench B = {.m = &g.m}, C;
  aeon_fields *fs[4] = {&B.u, &B.u0, &B.y, &B.k};
  aeon_gvec *gs[4] = {&B.gu, &B.gu0, &B.gy, &B.gk};
  for (int t = 0; t < 4; t++) {
    aeon_fields_create(&g.m, NVAR, fs[t]);
    for (size_t s = 0; s < (size_t)NVAR * g.m.npts; s++) fs[t]->data[s] = (double)mix(s * 4 + t) * 0x1p-64 - 0.5;
    aeon_gvec_view_fields(&g.m, fs[t], &g.m.evolved, comm, gs[t]);
  }
  C = B; /* same u0, k; separate u, y for the reference */
  aeon_fields_create(&g.m, NVAR, &C.u), aeon_fields_create(&g.m, NVAR, &C.y);
  aeon_fields_copy(&C.u, &B.u), aeon_fields_copy(&C.y, &B.y);
  mol_loop(&C);
  fused(&B);
  long diff = 0;
  for (size_t s = 0; s < (size_t)NVAR * g.m.npts; s++)
    diff += !bits_eq(B.u.data[s], C.u.data[s]) || !bits_eq(B.y.data[s], C.y.data[s]);
  CHECK(diff == 0, "fused update: %ld values differ from aeon_mol's loop", diff);
  int reps = 20;
  double pts = (double)NVAR * aeon_box_size(&g.m.evolved); /* per rank */
  double tm = seconds(comm, reps, mol_loop, &C), tf = seconds(comm, reps, fused, &B);
  double t2 = seconds(comm, reps, two_sums, &B), tx = seconds(comm, 5, exact_dot, &B);
  double tn = seconds(comm, 5, naive_dot, &B);
  if (rank == 0)
    printf("64^3 x 2 variables, per value of a rank: fused update (scaleaddmulti n = 2) %.2f ns/value (aeon_mol's "
           "loop %.2f, two linear sums %.2f; 5 doubles moved per value: %.1f GB/s); exact dot %.2f ns/value, naive "
           "dot + MPI_SUM %.2f\n",
           tf / pts * 1e9, tm / pts * 1e9, t2 / pts * 1e9, 5 * 8 * pts / tf * 1e-9, tx / pts * 1e9, tn / pts * 1e9);
  aeon_fields_destroy(&C.u), aeon_fields_destroy(&C.y);
  for (int t = 0; t < 4; t++) aeon_fields_destroy(fs[t]);
  aeon_par_destroy(&g.par);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int autod[3] = {0, 0, 0}, alongx[3] = {size, 1, 1};
  const int *layouts[2] = {autod, alongx};
  const char *names[2] = {"automatic layout", "layout along x"};
  for (int l = 0; l < 2; l++) {
    grid g;
    if (make_grid(MPI_COMM_WORLD, layouts[l], &g)) continue;
    if (rank == 0)
      printf("%s: %d x %d x %d ranks, evolved box of rank 0 [%d,%d) x [%d,%d) x [%d,%d)\n", names[l], g.par.dims[0],
             g.par.dims[1], g.par.dims[2], g.m.evolved.lo[0], g.m.evolved.hi[0], g.m.evolved.lo[1],
             g.m.evolved.hi[1], g.m.evolved.lo[2], g.m.evolved.hi[2]);
    elementwise(&g.m, g.par.cart);
    reduce_checks(&g.m, g.par.cart, names[l]);
    faults(&g.m, g.par.cart);
    clones_allocs_errors(&g.m, g.par.cart);
    aeon_par_destroy(&g.par);
  }
  timings(MPI_COMM_WORLD);
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s gvec\n", all ? "FAIL" : "PASS");
  MPI_Finalize();
  return all != 0;
}
