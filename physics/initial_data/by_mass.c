/* Masses of solved Bowen-York data (aeon/bowen_york.h) and u off the grid.
 * ADM mass: M = sum m_i + (1/2pi) int aa psi^-7 dV over all space (Gauss's law
 * on -lap u = aa psi^-7 with u -> C/r, M = sum m_i + 2C). The box's part is the
 * exact sum of the cells' sources (cell averages: the corrected centre value,
 * or the fine cells' sub-cell quadrature, by_source.c) times the cell volume
 * (discretely the flux of the solution through the faces); the rest, outside
 * the box, by Gauss-Legendre
 * quadrature over six pyramids o + t v (v on a face, t in (1, inf), s = 1/t,
 * dV = D t^2 dt dy dz) of the analytic aa with psi = 1 + w + C/|x - o|, C fixed
 * by iterating M. Local masses from u interpolated at the punctures. gather:
 * every rank's interior into a zeroed global array, summed over ranks (each
 * entry has one non-zero term, so the sum is exact). */
#include <math.h>
#include <string.h>

#include <mpi.h>

#include "aeon/memory.h"
#include "aeon/reduce.h"

#include "by_internal.h"

#define GL_N 24 /* Gauss-Legendre points per direction of the tail quadrature */

/* Gauss-Legendre nodes and weights on (-1, 1) (Newton on P_n). */
static void gauss_legendre(int n, double *x, double *w) {
  for (int i = 0; i < n; i++) {
    double z = cos(M_PI * (i + 0.75) / (n + 0.5)), dp = 1;
    for (int it = 0; it < 100; it++) {
      double p0 = 1, p1 = z;
      for (int k = 2; k <= n; k++) {
        double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = n * (z * p1 - p0) / (z * z - 1);
      double dz = p1 / dp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
}

/* The integral of aa psi^-7 outside the box, psi = 1 + w + C / |x - o|. */
static double tail(const aeon_by *by, double C) {
  double gx[GL_N], gw[GL_N];
  gauss_legendre(GL_N, gx, gw);
  const aeon_mesh *m = &by->m;
  const double *o = by->origin;
  double total = 0;
  for (int f = 0; f < 6; f++) {
    int d = f / 2, hi = f % 2, e1 = (d + 1) % 3, e2 = (d + 2) % 3;
    double D = hi ? m->xmax[d] - o[d] : o[d] - m->xmin[d];
    double a1 = m->xmin[e1] - o[e1], b1 = m->xmax[e1] - o[e1], a2 = m->xmin[e2] - o[e2], b2 = m->xmax[e2] - o[e2];
    double face = 0;
    for (int q2 = 0; q2 < GL_N; q2++)
      for (int q1 = 0; q1 < GL_N; q1++)
        for (int qs = 0; qs < GL_N; qs++) {
          double s = 0.5 * (gx[qs] + 1), v[3];
          v[d] = hi ? D : -D;
          v[e1] = a1 + 0.5 * (gx[q1] + 1) * (b1 - a1);
          v[e2] = a2 + 0.5 * (gx[q2] + 1) * (b2 - a2);
          double x[3] = {o[0] + v[0] / s, o[1] + v[1] / s, o[2] + v[2] / s};
          double r = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) / s;
          double psi = 1 + aeon_by_psi_singular(by->n, by->p, x) + C / r;
          double s2 = s * s;
          face += gw[qs] * gw[q1] * gw[q2] * by_aa(by->n, by->p, x) * pow(psi, -7) / (s2 * s2);
        }
    total += face * D * 0.125 * (b1 - a1) * (b2 - a2);
  }
  return total;
}

aeon_err aeon_by_gather(aeon_by *by, double **gp) {
  const aeon_mesh *m = &by->m;
  size_t n = (size_t)m->N[0] * (size_t)m->N[1] * (size_t)m->N[2];
  double *g = NULL;
  AE_CHK(aeon_mem_alloc(sizeof(double) * n, (void **)&g));
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      size_t o = (size_t)(m->off[0] + m->N[0] * ((m->off[1] + j) + m->N[1] * (m->off[2] + k)));
      memcpy(g + o, by_row(&by->u, j, k), sizeof(double) * (size_t)m->n[0]);
    }
  int e = MPI_Allreduce(MPI_IN_PLACE, g, (int)n, MPI_DOUBLE, MPI_SUM, m->par->cart);
  if (e != MPI_SUCCESS) {
    aeon_mem_free(g);
    return AE_ERR(AEON_ERR_MPI, "bowen_york: gathering u failed (MPI error %d)", e);
  }
  *gp = g;
  return AEON_OK;
}

/* Cubic Lagrange weights of the 4 points i0..i0+3 at fractional index s. */
static void lagrange4(double s, int i0, double wt[4]) {
  for (int a = 0; a < 4; a++) {
    double v = 1;
    for (int b = 0; b < 4; b++)
      if (b != a) v *= (s - (i0 + b)) / (double)(a - b);
    wt[a] = v;
  }
}

double aeon_by_interp(const aeon_mesh *m, const double *g, const double origin[3], const double x[3]) {
  double s[3], xc[3];
  int i0[3];
  for (int d = 0; d < 3; d++) {
    double lo = m->xmin[d] + 0.5 * m->dx[d], hi = m->xmax[d] - 0.5 * m->dx[d];
    xc[d] = x[d] < lo ? lo : x[d] > hi ? hi : x[d];
    s[d] = (xc[d] - lo) / m->dx[d];
    int b = (int)floor(s[d]) - 1;
    if (b > m->N[d] - 4) b = (int)m->N[d] - 4;
    if (b < 0) b = 0;
    i0[d] = b;
  }
  double wt[3][4];
  for (int d = 0; d < 3; d++) lagrange4(s[d], i0[d], wt[d]);
  double v = 0;
  for (int c = 0; c < 4; c++)
    for (int b = 0; b < 4; b++) {
      const double *row = g + (size_t)(i0[0] + m->N[0] * ((i0[1] + b) + m->N[1] * (i0[2] + c)));
      double r = 0;
      for (int a = 0; a < 4; a++) r += wt[0][a] * row[a];
      v += wt[2][c] * wt[1][b] * r;
    }
  if (xc[0] != x[0] || xc[1] != x[1] || xc[2] != x[2]) { /* outside: the 1/r fall-off from the nearest point */
    double rc = hypot(hypot(xc[0] - origin[0], xc[1] - origin[1]), xc[2] - origin[2]);
    double r = hypot(hypot(x[0] - origin[0], x[1] - origin[1]), x[2] - origin[2]);
    v *= rc / r;
  }
  return v;
}

aeon_err aeon_by_masses_compute(aeon_by *by, aeon_by_masses *out) {
  memset(out, 0, sizeof *out);
  const aeon_mesh *m = &by->m;
  aeon_xsum acc;
  aeon_xsum_init(&acc);
  double vol = m->dx[0] * m->dx[1] * m->dx[2];
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      const double *up = by_row(&by->u, j, k), *wp = by_row(&by->w, j, k), *ap = by_row(&by->aa, j, k);
      for (int i = 0; i < m->n[0]; i++) aeon_xsum_add(&acc, ap[i] * pow(1 + up[i] + wp[i], -7) * vol);
    }
  for (long q = 0; q < by->fine.ncell; q++) { /* aa is 0 at their centres */
    double s;
    by_fine_source(&by->fine, q, *by_at(&by->u, by->fine.cell[q]), &s, NULL);
    aeon_xsum_add(&acc, s * vol);
  }
  AE_CHK(aeon_xsum_allreduce(&acc, 1, m->par->cart));
  double ibox = aeon_xsum_value(&acc), msum = 0;
  for (int q = 0; q < by->n; q++) msum += by->p[q].m;
  double C = ibox / (4 * M_PI), it = 0;
  for (int k = 0; k < 4; k++) { /* C enters the tail only through psi: a few passes settle it */
    it = tail(by, C);
    C = (ibox + it) / (4 * M_PI);
  }
  out->adm_box = msum + ibox / (2 * M_PI);
  out->tail = it / (2 * M_PI);
  out->adm = out->adm_box + out->tail;
  double *g = NULL;
  AE_CHK(aeon_by_gather(by, &g));
  for (int q = 0; q < by->n; q++) {
    out->u_at[q] = aeon_by_interp(m, g, by->origin, by->p[q].x);
    double other = 0;
    for (int r = 0; r < by->n; r++)
      if (r != q) {
        double d = hypot(hypot(by->p[q].x[0] - by->p[r].x[0], by->p[q].x[1] - by->p[r].x[1]),
                         by->p[q].x[2] - by->p[r].x[2]);
        other += by->p[r].m / (2 * d);
      }
    out->local[q] = by->p[q].m * (1 + out->u_at[q] + other);
  }
  aeon_mem_free(g);
  return AEON_OK;
}
