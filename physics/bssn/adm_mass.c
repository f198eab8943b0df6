/* ADM mass from surface integrals (see adm_mass.h).
 *
 * create: for each radius, the core's sphere gives the quadrature nodes (Gauss-Legendre x trapezoid, the same on
 * every rank) and this rank's block of them; around each node of the block 12 points x +- h e_k, x +- 2h e_k go
 * into one interpolation plan per sphere (routed to the owners of their stencils; points beyond a symmetry face are
 * mirrored with the parities).
 * eval: interpolate W, gt_ij at those points, form gamma_ij = gt_ij / W^2 and psi = W^(-1/2), differentiate them
 * and gt_ij at 4th order, add area * integrand (ADM flux, conformal flux, conformal-metric flux) to exact sums, reduce
 * them exactly, then extrapolate the ADM integrals in 1/r and add the fluxes into M_lin. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/analysis.h"
#include "aeon/memory.h"
#include "aeon/reduce.h"

#include "adm_mass.h"
#include "bssn_adm.h"
#include "bssn_vars.h"

#define NOFF 12 /* offset points per node: k = 0..2 (direction) x {-2h, -h, +h, +2h} */
#define NV 14   /* W, gt_xx .. gt_zz, At_xx .. At_zz, K */
#define PI 3.14159265358979323846

typedef struct adm_sphere {
  aeon_sphere *sp;     /* nodes, weights, this rank's block */
  aeon_interp *ip;     /* the offset points of the block */
  double *pts;         /* nlocal * NOFF points (kept: the plan does not copy them) */
  double *vals;        /* nlocal * NOFF * NV values */
} adm_sphere;

struct bssn_adm_mass {
  int nr, ntheta, built;   /* built: the spheres exist (made at the first eval: create runs without MPI in checks) */
  double radius[BSSN_ADM_MAX_RADII], h, center[3];
  const aeon_mesh *m;
  const int (*parity)[3];
  MPI_Comm comm;
  adm_sphere s[BSSN_ADM_MAX_RADII];
  int count;
  char name_buf[4 * BSSN_ADM_MAX_RADII + 1][32];
  const char *names[4 * BSSN_ADM_MAX_RADII + 1];
};

const aeon_param_decl bssn_adm_params[BSSN_ADM_NPARAMS] = {
    {"bssn.adm_radius", AEON_PT_REALLIST, "[]", 0, 1e30, NULL,
     "radii of the ADM-mass surface integrals ([] for none; written to norms.dat)", AEON_RESTART_FIXED},
    {"bssn.adm_center", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "centre of the ADM-mass spheres",
     AEON_RESTART_FIXED},
    {"bssn.adm_ntheta", AEON_PT_INT, "24", 4, 512, NULL, "ADM-mass sphere nodes in theta (2x as many in phi)",
     AEON_RESTART_CHANGEABLE},
};
const int bssn_adm_nparams = BSSN_ADM_NPARAMS;

static const int adm_vars[NV] = {BSSN_W,     BSSN_GT_XX, BSSN_GT_XY, BSSN_GT_XZ, BSSN_GT_YY,
                                 BSSN_GT_YZ, BSSN_GT_ZZ, BSSN_AT_XX, BSSN_AT_XY, BSSN_AT_XZ,
                                 BSSN_AT_YY, BSSN_AT_YZ, BSSN_AT_ZZ, BSSN_K};
static const double off[4] = {-2, -1, 1, 2}, fd[4] = {1.0 / 12, -8.0 / 12, 8.0 / 12, -1.0 / 12};

static const char axis[3] = {'x', 'y', 'z'};

/* Checks (no MPI) that sphere i with its difference points, radius r + 2h about c, stays in the domain after
 * mirroring at symmetry faces. */
static aeon_err check_reach(const aeon_mesh *m, int i, double r, const double c[3], double h) {
  if (!(r > 0) || !isfinite(r)) return AE_ERR(AEON_ERR_USER, "bssn.adm_radius[%d] = %g: a radius must be > 0", i, r);
  double R = r + 2 * h;
  for (int d = 0; d < 3; d++) {
    if (m->bc[2 * d] == AEON_BC_PERIODIC) continue;
    double lo = c[d] - R, hi = c[d] + R, xl = m->xmin[d], xh = m->xmax[d], out = NAN;
    int slo = m->bc[2 * d] == AEON_BC_SYMMETRY, shi = m->bc[2 * d + 1] == AEON_BC_SYMMETRY;
    if (lo < xl && (!slo || 2 * xl - lo > xh)) out = slo ? 2 * xl - lo : lo;
    if (isnan(out) && hi > xh && (!shi || 2 * xh - hi < xl)) out = shi ? 2 * xh - hi : hi;
    if (!isnan(out))
      return AE_ERR(AEON_ERR_USER,
                    "bssn.adm_radius[%d] = %g about (%g, %g, %g): the sphere with its difference points (out to r + "
                    "%g) leaves the domain [%g, %g] in %c (it reaches %g, counting mirror images at symmetry faces)",
                    i, r, c[0], c[1], c[2], 2 * h, xl, xh, axis[d], out);
  }
  return AEON_OK;
}

/* The sphere of radius r and its offset points' plan (collective). */
static aeon_err sphere_make(const aeon_mesh *m, double r, const double c[3], int ntheta, double h,
                            const int (*parity)[3], adm_sphere *s) {
  AE_CHK(aeon_sphere_create(m, c, r, ntheta, parity, &s->sp));
  const aeon_sphere_nodes *nd = aeon_sphere_get_nodes(s->sp);
  size_t np = (size_t)nd->nlocal * NOFF;
  AE_CHK(aeon_mem_alloc(sizeof(double) * (3 * np + 1), (void **)&s->pts));
  AE_CHK(aeon_mem_alloc(sizeof(double) * (NV * np + 1), (void **)&s->vals));
  for (int k = 0; k < nd->nlocal; k++)
    for (int d = 0; d < 3; d++)
      for (int o = 0; o < 4; o++) {
        double *p = s->pts + 3 * ((size_t)k * NOFF + 4 * d + o);
        memcpy(p, nd->xyz[nd->first + k], sizeof(double) * 3);
        p[d] += off[o] * h;
      }
  return aeon_interp_create(m, (int)np, (const double (*)[3])s->pts, parity, NV, &s->ip);
}

/* A column name: prefix then the radius with '.' written as 'p' (adm_mass_r7p5), so table readers keep it whole. */
static void name_radius(char out[32], const char *prefix, double r) {
  snprintf(out, 32, "%s%g", prefix, r);
  for (char *c = out; *c; c++)
    if (*c == '.') *c = 'p';
}

aeon_err bssn_adm_create_radii(const aeon_mesh *m, int nr, const double *radii, const double c[3], int ntheta,
                               const int (*parity)[3], bssn_adm_mass **out) {
  *out = NULL;
  if (nr < 0 || nr > BSSN_ADM_MAX_RADII)
    return AE_ERR(AEON_ERR_USER, "bssn.adm_radius lists %d radii (at most %d)", nr, BSSN_ADM_MAX_RADII);
  for (int i = 0; i < nr; i++)
    for (int j = 0; j < i; j++)
      if (radii[i] == radii[j]) return AE_ERR(AEON_ERR_USER, "bssn.adm_radius lists %g twice", radii[i]);
  if (nr == 0) return AEON_OK;
  double h = fmin(m->dx[0], fmin(m->dx[1], m->dx[2]));
  for (int i = 0; i < nr; i++) AE_CHK(check_reach(m, i, radii[i], c, h));
  bssn_adm_mass *a;
  AE_CHK(aeon_mem_alloc(sizeof *a, (void **)&a));
  a->nr = nr;
  a->ntheta = ntheta;
  a->m = m;
  a->parity = parity;
  a->h = h;
  memcpy(a->center, c, sizeof a->center);
  memcpy(a->radius, radii, sizeof(double) * (size_t)nr);
  for (int i = 0; i < nr; i++) name_radius(a->name_buf[a->count++], "adm_mass_r", radii[i]);
  for (int i = 0; i < nr; i++) name_radius(a->name_buf[a->count++], "adm_mass_psi_r", radii[i]);
  if (nr >= 2) snprintf(a->name_buf[a->count++], 32, "adm_mass_inf");
  for (int i = 0; i < nr; i++) name_radius(a->name_buf[a->count++], "adm_mass_lin_r", radii[i]);
  for (int i = 0; i < nr; i++) name_radius(a->name_buf[a->count++], "mass_hawking_r", radii[i]);
  for (int i = 0; i < a->count; i++) a->names[i] = a->name_buf[i];
  *out = a;
  return AEON_OK;
}

aeon_err bssn_adm_create(const aeon_deck *deck, const aeon_mesh *m, const int (*parity)[3], bssn_adm_mass **a) {
  int nr = aeon_deck_reallist_len(deck, "bssn.adm_radius");
  double radii[BSSN_ADM_MAX_RADII], c[3];
  for (int i = 0; i < nr && i < BSSN_ADM_MAX_RADII; i++) radii[i] = aeon_deck_reallist(deck, "bssn.adm_radius", i);
  aeon_deck_real3(deck, "bssn.adm_center", c);
  return bssn_adm_create_radii(m, nr, radii, c, (int)aeon_deck_int(deck, "bssn.adm_ntheta"), parity, a);
}

int bssn_adm_count(const bssn_adm_mass *a, const char *const **names) {
  if (names) *names = a ? a->names : NULL;
  return a ? a->count : 0;
}

/* (d_j g_ij - d_i g_jj) n^i from the derivatives dg[k][ij] of a symmetric g. */
static double flux(const double dg[3][6], const double n[3]) {
  static const int sym[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  double f = 0;
  for (int i = 0; i < 3; i++) {
    double s = -(dg[i][0] + dg[i][3] + dg[i][5]);
    for (int j = 0; j < 3; j++) s += dg[j][sym[i][j]];
    f += s * n[i];
  }
  return f;
}

/* The three integrands at one node from its 12 offset points' values v (NOFF x NV): the ADM flux
 * (d_j gamma_ij - d_i gamma_jj) n^i, the conformal flux d_i psi n^i and the conformal metric's flux
 * (d_j gt_ij - d_i gt_jj) n^i. */
static void node_integrands(const double *v, const double n[3], double h, double *adm, double *cf, double *gf) {
  double dg[3][6], dgt[3][6], dpsi[3];
  for (int d = 0; d < 3; d++) {
    for (int c = 0; c < 6; c++) dg[d][c] = dgt[d][c] = 0;
    dpsi[d] = 0;
    for (int o = 0; o < 4; o++) {
      const double *p = v + (size_t)(4 * d + o) * NV;
      double w2 = 1 / (p[0] * p[0]);
      for (int c = 0; c < 6; c++) dg[d][c] += fd[o] * p[1 + c] * w2, dgt[d][c] += fd[o] * p[1 + c];
      dpsi[d] += fd[o] / sqrt(p[0]);
    }
    for (int c = 0; c < 6; c++) dg[d][c] /= h, dgt[d][c] /= h;
    dpsi[d] /= h;
  }
  *adm = flux(dg, n);
  *gf = flux(dgt, n);
  *cf = dpsi[0] * n[0] + dpsi[1] * n[1] + dpsi[2] * n[2];
}

/* At one point with values p (NV) and position x relative to the centre: sqrt(det gamma) (*sg), the norm
 * N = |grad r|_gamma (*N) and the flux vector V^i = sqrt(gamma) gamma^ij n_j / N of the unit normal s (n = x/|x|). */
static void normal_flux(const double *p, const double x[3], double *sg, double *N, double V[3]) {
  static const int sym[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  double g[6], gu[6], w2 = p[0] * p[0], r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]), n[3];
  for (int c = 0; c < 6; c++) g[c] = p[1 + c] / w2;
  bssn_sym_inverse(g, gu);
  *sg = sqrt(bssn_sym_det(g));
  for (int d = 0; d < 3; d++) n[d] = x[d] / r;
  double nn = 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) nn += gu[sym[i][j]] * n[i] * n[j];
  *N = sqrt(nn);
  for (int i = 0; i < 3; i++) V[i] = *sg * (gu[sym[i][0]] * n[0] + gu[sym[i][1]] * n[1] + gu[sym[i][2]] * n[2]) / *N;
}

/* The Hawking-mass integrands at one node x (relative to the centre) from its offset points' values v: the area
 * element factor sqrt(gamma) N (*da; times weight r^2) and H^2 - P^2 (*hp), H = D_i s^i the mean curvature of the
 * coordinate sphere, P = K - K_ij s^i s^j the trace of K_ij on it. The node's values are the 4th-order midpoint
 * (-1, 4, 4, -1)/6 of its offset points, averaged over the three directions. */
static void hawking_integrands(const double *v, const double x[3], double h, double *da, double *hp) {
  static const int sym[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  static const double mid[4] = {-1.0 / 18, 4.0 / 18, 4.0 / 18, -1.0 / 18};
  double c[NV] = {0}, div = 0;
  for (int d = 0; d < 3; d++)
    for (int o = 0; o < 4; o++) {
      const double *p = v + (size_t)(4 * d + o) * NV;
      double y[3] = {x[0], x[1], x[2]}, sg, N, V[3];
      y[d] += off[o] * h;
      normal_flux(p, y, &sg, &N, V);
      div += fd[o] * V[d] / h;
      for (int q = 0; q < NV; q++) c[q] += mid[o] * p[q];
    }
  double sg, N, V[3], g[6], gu[6], w2 = c[0] * c[0];
  normal_flux(c, x, &sg, &N, V);
  for (int q = 0; q < 6; q++) g[q] = c[1 + q] / w2;
  bssn_sym_inverse(g, gu);
  double s[3], KK = 0; /* s^i = V^i / sqrt(gamma); K_ij s^i s^j with K_ij = (At_ij + gt_ij K / 3) / W^2 */
  for (int i = 0; i < 3; i++) s[i] = V[i] / sg;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) KK += (c[7 + sym[i][j]] + c[1 + sym[i][j]] * c[13] / 3) / w2 * s[i] * s[j];
  double H = div / sg, P = c[13] - KK;
  *da = sg * N;
  *hp = H * H - P * P;
}

/* Value at 1/r = 0 of the polynomial through (1/r_i, M_i). */
static double extrapolate(int n, const double *r, const double *M) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double w = 1;
    for (int j = 0; j < n; j++)
      if (j != i) w *= (1 / r[j]) / (1 / r[j] - 1 / r[i]);
    s += w * M[i];
  }
  return s;
}

/* Makes the spheres and their plans (collective; once). */
static aeon_err build(bssn_adm_mass *a) {
  a->comm = a->m->par->cart;
  aeon_err e = AEON_OK;
  for (int i = 0; i < a->nr && !e; i++) e = sphere_make(a->m, a->radius[i], a->center, a->ntheta, a->h, a->parity, &a->s[i]);
  AE_CHK(aeon_par_agree(a->comm, e));
  a->built = 1;
  return AEON_OK;
}

aeon_err bssn_adm_eval(bssn_adm_mass *a, const aeon_fields *u, double *out) {
  if (!a) return AEON_OK;
  if (!a->built) AE_CHK(build(a));
  aeon_xsum sum[5 * BSSN_ADM_MAX_RADII];
  for (int i = 0; i < a->nr; i++) {
    adm_sphere *s = &a->s[i];
    AE_CHK(aeon_interp_apply(s->ip, u, NV, adm_vars, s->vals));
    const aeon_sphere_nodes *nd = aeon_sphere_get_nodes(s->sp);
    double r2 = nd->radius * nd->radius;
    aeon_xsum_init(&sum[i]);
    aeon_xsum_init(&sum[a->nr + i]);
    for (int q = 2; q < 5; q++) aeon_xsum_init(&sum[q * a->nr + i]);
    for (int k = 0; k < nd->nlocal; k++) {
      int q = nd->first + k;
      double fa, fc, fg;
      node_integrands(s->vals + (size_t)k * NOFF * NV, nd->normal[q], a->h, &fa, &fc, &fg);
      aeon_xsum_add(&sum[i], nd->weight[q] * r2 * fa);
      aeon_xsum_add(&sum[a->nr + i], nd->weight[q] * r2 * fc);
      aeon_xsum_add(&sum[2 * a->nr + i], nd->weight[q] * r2 * fg);
      double x[3], da, hp;
      for (int d = 0; d < 3; d++) x[d] = nd->xyz[q][d] - a->center[d];
      hawking_integrands(s->vals + (size_t)k * NOFF * NV, x, a->h, &da, &hp);
      aeon_xsum_add(&sum[3 * a->nr + i], nd->weight[q] * r2 * da);
      aeon_xsum_add(&sum[4 * a->nr + i], nd->weight[q] * r2 * da * hp);
    }
  }
  AE_CHK(aeon_xsum_allreduce(sum, 5 * a->nr, a->comm));
  double *lin = out + 2 * a->nr + (a->nr >= 2), *haw = lin + a->nr;
  for (int i = 0; i < a->nr; i++) {
    out[i] = aeon_xsum_value(&sum[i]) / (16 * PI);
    out[a->nr + i] = -aeon_xsum_value(&sum[a->nr + i]) / (2 * PI);
    lin[i] = out[a->nr + i] + aeon_xsum_value(&sum[2 * a->nr + i]) / (16 * PI);
    double A = aeon_xsum_value(&sum[3 * a->nr + i]);
    haw[i] = sqrt(A / (16 * PI)) * (1 - aeon_xsum_value(&sum[4 * a->nr + i]) / (16 * PI));
  }
  if (a->nr >= 2) out[2 * a->nr] = extrapolate(a->nr, a->radius, out);
  return AEON_OK;
}

void bssn_adm_destroy(bssn_adm_mass *a) {
  if (!a) return;
  for (int i = 0; i < a->nr; i++) {
    aeon_interp_destroy(a->s[i].ip);
    aeon_sphere_destroy(a->s[i].sp);
    aeon_mem_free(a->s[i].pts);
    aeon_mem_free(a->s[i].vals);
  }
  aeon_mem_free(a);
}
