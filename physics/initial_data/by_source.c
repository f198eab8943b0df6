/* Cell averages of the Bowen-York source near the punctures (by_internal.h).
 * The source aa psi^-7 of a spinning puncture behaves as r sin^2(theta) at the
 * puncture and peaks at r ~ m/12: sampled at the cell centres it is not
 * resolved until h << 0.1 m, and the discrete charge (the ADM mass) then
 * carries a quadrature error that changes sign with h. build: every cell
 * whose centre lies within AEON_BY_FINE_RADIUS m_i of puncture i gets the
 * average of the source over the cell instead: the cell is split into octants
 * (recursively, while an octant is larger than half the local scale
 * 0.05 m_i + r_min / 2 of the nearest puncture, r_min its closest approach),
 * each with 3^3 Gauss-Legendre points; the points keep aa times their share of
 * the cell volume and 1 + w; aa at such a cell's centre is set to 0 so the
 * centre sample drops out. source: sum_q a_q (p_q + u)^-7 with u the cell's
 * value (its derivative 7 sum a_q (p_q + u)^-8 for the Jacobian). Every other
 * cell: aa at its centre is replaced by by_cell_aa, the 2^3-point Gauss
 * average of the source at u = 0 times (1 + w)^7 at the centre, so that
 * aa (1 + w + u)^-7 is the cell average to O(h^4) at u = 0 (the midpoint
 * sample's O(h^2) error, (h^2/24) lap source, is -5.9e-5 (h/0.25)^2 in the
 * spinning puncture's ADM mass from the cells just beyond 2 m) and to O(h^2)
 * times the slow variation of ((1 + w) / (1 + w + u))^7 otherwise. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"

#include "by_internal.h"

#define FINE_MAX_DEPTH 12 /* octant splits at most (2^-12 of the cell) */

static const double gl3x[3] = {-0.7745966692414834, 0.0, 0.7745966692414834};
static const double gl3w[3] = {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0};

typedef struct walk {
  const aeon_by *by;
  double h;       /* the cell's edge (the largest spacing) */
  long n;         /* points so far */
  double *a, *p;  /* NULL: only count */
} walk;

/* The edge up to which an octant at c of edge e is not split (0: no puncture near). */
static double scale(const aeon_by *by, const double c[3], double e) {
  double lim = INFINITY;
  for (int q = 0; q < by->n; q++) {
    double r = hypot(hypot(c[0] - by->p[q].x[0], c[1] - by->p[q].x[1]), c[2] - by->p[q].x[2]);
    double rmin = fmax(0.0, r - 0.8660254037844386 * e);
    lim = fmin(lim, 0.5 * (0.05 * by->p[q].m + 0.5 * rmin));
  }
  return lim;
}

/* Visits the octant at c with edge e (share `vol` of the cell): splits it or adds its 27 points. */
static void visit(walk *wk, const double c[3], double e, double vol, int depth) {
  if (e > scale(wk->by, c, e) && depth < FINE_MAX_DEPTH) {
    for (int o = 0; o < 8; o++) {
      double cc[3] = {c[0] + (o & 1 ? 0.25 : -0.25) * e, c[1] + (o & 2 ? 0.25 : -0.25) * e,
                      c[2] + (o & 4 ? 0.25 : -0.25) * e};
      visit(wk, cc, 0.5 * e, 0.125 * vol, depth + 1);
    }
    return;
  }
  if (!wk->a) {
    wk->n += 27;
    return;
  }
  for (int c2 = 0; c2 < 3; c2++)
    for (int c1 = 0; c1 < 3; c1++)
      for (int c0 = 0; c0 < 3; c0++) {
        double x[3] = {c[0] + 0.5 * e * gl3x[c0], c[1] + 0.5 * e * gl3x[c1], c[2] + 0.5 * e * gl3x[c2]};
        double wt = vol * gl3w[c0] * gl3w[c1] * gl3w[c2] / 8;
        double a = wt * by_aa(wk->by->n, wk->by->p, x), pp = 1 + aeon_by_psi_singular(wk->by->n, wk->by->p, x);
        int at_puncture = !isfinite(a) || !isfinite(pp); /* the source vanishes there */
        wk->a[wk->n] = at_puncture ? 0 : a;
        wk->p[wk->n] = at_puncture ? 1 : pp;
        wk->n++;
      }
}

/* 1 if the cell centred at x is within AEON_BY_FINE_RADIUS m_q of a puncture. */
static int is_near(const aeon_by *by, const double x[3]) {
  for (int q = 0; q < by->n; q++)
    if (hypot(hypot(x[0] - by->p[q].x[0], x[1] - by->p[q].x[1]), x[2] - by->p[q].x[2]) <
        AEON_BY_FINE_RADIUS * by->p[q].m)
      return 1;
  return 0;
}

/* One pass over this rank's cells: counts (f->cell NULL) or fills the near cells and their points; returns the
 * number of near cells. */
static long pass(aeon_by *by, by_fine *f, walk *wk) {
  const aeon_mesh *m = &by->m;
  const aeon_gvec *v = &by->aa;
  long nc = 0;
  wk->n = 0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
        if (!is_near(by, x)) continue;
        if (f->cell) {
          f->cell[nc] = i + (long)j * v->sy + (long)k * v->sz;
          f->start[nc] = wk->n;
          by_row(&by->aa, j, k)[i] = 0;
        }
        visit(wk, x, wk->h, 1.0, 0);
        nc++;
      }
  if (f->cell) f->start[nc] = wk->n;
  return nc;
}

void by_fine_free(by_fine *f) {
  aeon_mem_free(f->cell);
  aeon_mem_free(f->start);
  aeon_mem_free(f->a);
  aeon_mem_free(f->p);
  memset(f, 0, sizeof *f);
}

aeon_err by_fine_build(aeon_by *by) {
  by_fine *f = &by->fine;
  by_fine_free(f);
  walk wk = {.by = by, .h = fmax(fmax(by->m.dx[0], by->m.dx[1]), by->m.dx[2])};
  long nc = pass(by, f, &wk), np = wk.n; /* f stays empty (ncell 0) until it is filled */
  AE_CHK(aeon_mem_alloc(sizeof(long) * (size_t)(nc + 1), (void **)&f->cell));
  AE_CHK(aeon_mem_alloc(sizeof(long) * (size_t)(nc + 1), (void **)&f->start));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(np + 1), (void **)&f->a));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(np + 1), (void **)&f->p));
  wk.a = f->a;
  wk.p = f->p;
  f->ncell = pass(by, f, &wk);
  f->npoint = wk.n;
  return AEON_OK;
}

double by_cell_aa(const aeon_by *by, const double x[3], const double h[3]) {
  static const double g = 0.2886751345948129; /* 1 / (2 sqrt 3): the 2-point Gauss nodes at +-g h */
  double avg = 0;
  for (int c = 0; c < 8; c++) {
    double y[3] = {x[0] + (c & 1 ? g : -g) * h[0], x[1] + (c & 2 ? g : -g) * h[1], x[2] + (c & 4 ? g : -g) * h[2]};
    double v = by_aa(by->n, by->p, y) * pow(1 + aeon_by_psi_singular(by->n, by->p, y), -7);
    avg += isfinite(v) ? v / 8 : 0; /* a puncture on a node: the source vanishes there */
  }
  return avg * pow(1 + aeon_by_psi_singular(by->n, by->p, x), 7);
}

int by_fine_source(const by_fine *f, long c, double u, double *src, double *dsrc) {
  double s = 0, d = 0;
  int bad = 0;
  for (long q = f->start[c]; q < f->start[c + 1]; q++) {
    double psi = f->p[q] + u;
    bad |= !(psi > 0);
    double ip = 1 / psi, ip2 = ip * ip, ip4 = ip2 * ip2, t = f->a[q] * ip4 * ip2 * ip;
    s += t;
    d += t * ip;
  }
  *src = s;
  if (dsrc) *dsrc = 7 * d;
  return bad;
}
