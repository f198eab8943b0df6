/* Level transfers of vertex-centred multigrid. Coarse point I sits on fine
 * point 2 I + s (global indices, s = grid shift: 1 where the boundary nodes
 * are not unknowns). Restriction: full weighting, the 27-point tensor product
 * of (1/4, 1/2, 1/4), from a fine field whose ghosts are filled (one coarse
 * row: the 3 x 3 fine rows around it summed into a scratch row, then the
 * x weights). Prolongation: trilinear, exact at the coarse points, the mean
 * of the two (four, eight) coarse neighbours between them (one fine row: the
 * one or two coarse rows in y and z summed into a scratch row over the coarse
 * ghosts, then x). Works on any patch split (a rank's coarse patch is the
 * coarse points over its fine points), the neighbours' values come through
 * the ghosts. */
#include "ell_internal.h"

/* floor(q / 2) for q >= -2. */
static inline long half_floor(long q) { return (q + 2) / 2 - 1; }

void ell_vx_restrict(const ell_grid *gf, const double *rf, const ell_grid *gc, double *fc) {
  const aeon_mesh *mf = &gf->m, *mc = &gc->m;
  static const double w[3] = {0.25, 0.5, 0.25};
  const int nf = mf->n[0];
  double *restrict t = gf->row2 + 1; /* fine x in [-1, nf] */
  long fo[3];
  for (int d = 0; d < 3; d++) fo[d] = 2 * mc->off[d] + gf->shift[d] - mf->off[d]; /* local fine point of coarse 0 */
  for (int K = 0; K < mc->n[2]; K++)
    for (int J = 0; J < mc->n[1]; J++) {
      for (int i = -1; i <= nf; i++) t[i] = 0;
      for (int c = 0; c < 3; c++)
        for (int b = 0; b < 3; b++) {
          const double wy = w[b] * w[c];
          const double *restrict row = rf + aeon_idx(mf, 0, (int)(fo[1] + 2 * J + b - 1), (int)(fo[2] + 2 * K + c - 1));
          for (int i = -1; i <= nf; i++) t[i] += wy * row[i];
        }
      double *restrict out = fc + aeon_idx(mc, 0, J, K);
      const long x0 = fo[0];
      for (int ic = 0; ic < mc->n[0]; ic++) { /* (not I: complex.h's macro in the fuzz build) */
        long i = x0 + 2 * ic;
        out[ic] = 0.25 * (t[i - 1] + t[i + 1]) + 0.5 * t[i];
      }
    }
}

/* The 1D interpolation weights of fine local index j along d: returns the count, the first coarse local index
 * through c0 and the weights. On a coarse point: that point; between two: their mean (linear), or (quad) the cubic
 * through the four around it where the coarse ghosts [-1, nc] hold them, else the quadratic through three. */
static int weights_1d(const ell_grid *gf, const ell_grid *gc, int d, int j, int quad, int *c0, double w[4]) {
  long q = gf->m.off[d] + j - gf->shift[d];
  int c = (int)(half_floor(q) - gc->m.off[d]), nc = gc->m.n[d];
  *c0 = c;
  if (!(q & 1)) {
    w[0] = 1;
    return 1;
  }
  if (!quad) {
    w[0] = w[1] = 0.5;
    return 2;
  }
  if (c - 1 >= -1 && c + 2 <= nc) {
    *c0 = c - 1;
    w[0] = w[3] = -1.0 / 16;
    w[1] = w[2] = 9.0 / 16;
    return 4;
  }
  if (c - 1 >= -1) {
    *c0 = c - 1;
    w[0] = -1.0 / 8, w[1] = 6.0 / 8, w[2] = 3.0 / 8;
  } else {
    w[0] = 3.0 / 8, w[1] = 6.0 / 8, w[2] = -1.0 / 8;
  }
  return 3;
}

void ell_vx_prolong(const ell_grid *gc, const double *uc, const ell_grid *gf, double *uf, int add, int quad,
                    double *tmp) {
  const aeon_mesh *mf = &gf->m, *mc = &gc->m;
  const int nc = mc->n[0], nf = mf->n[0];
  double *restrict t = tmp + 1; /* coarse x in [-1, nc] */
  for (int k = 0; k < mf->n[2]; k++)
    for (int j = 0; j < mf->n[1]; j++) {
      int cy, cz;
      double wy[4], wz[4];
      int ny = weights_1d(gf, gc, 1, j, quad, &cy, wy), nz = weights_1d(gf, gc, 2, k, quad, &cz, wz);
      for (int i = -1; i <= nc; i++) t[i] = 0;
      for (int c = 0; c < nz; c++)
        for (int b = 0; b < ny; b++) {
          const double w = wy[b] * wz[c];
          const double *restrict row = uc + aeon_idx(mc, 0, cy + b, cz + c);
          for (int i = -1; i <= nc; i++) t[i] += w * row[i];
        }
      double *restrict out = uf + aeon_idx(mf, 0, j, k);
      if (!quad) { /* the V-cycle's path: linear, unit stride */
        const long q0 = mf->off[0] - gf->shift[0];
        for (int i = 0; i < nf; i++) {
          long q = q0 + i;
          int ci = (int)(half_floor(q) - mc->off[0]);
          double v = (q & 1) ? 0.5 * (t[ci] + t[ci + 1]) : t[ci];
          out[i] = add ? out[i] + v : v;
        }
        continue;
      }
      for (int i = 0; i < nf; i++) {
        int cx;
        double wx[4], v = 0;
        int nx = weights_1d(gf, gc, 0, i, 1, &cx, wx);
        for (int a = 0; a < nx; a++) v += wx[a] * t[cx + a];
        out[i] = add ? out[i] + v : v;
      }
    }
}
