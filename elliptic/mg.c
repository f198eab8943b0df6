/* Geometric multigrid on elliptic grids. Data flow of one V-cycle at level l
 * (level 0 holds copies of the user's b and u):
 *   pre-smooth u_l (RB-GS: ghost fill + red sweep, ghost fill + black sweep;
 *   Chebyshev: ghost fill + residual + polynomial update per degree)
 *   -> ghost fill, f_{l+1} = 8-cell average of f_l - A u_l (fused: the fine residual is never stored), u_{l+1} = 0
 *   -> cycle on l + 1 (W: twice; F: an F-cycle then a V-cycle)
 *   -> ghost fill of u_{l+1}, u_l += trilinear prolongation -> post-smooth.
 * A gather level is a pass-through: its f and u move to rank 0 with the core's
 * redistribution (aeon_redist), the next level (same size, on rank 0 alone)
 * cycles, and u comes back. The bottom level is solved by a dense LU made at
 * creation (LAPACKE, column-major: no work arrays per solve) or by smoothing
 * sweeps when too big. FMG restricts b to every level, solves the bottom,
 * then interpolates upwards (triquadratic) with one V-cycle per level.
 * Every array is allocated in aeon_mg_create; cycles allocate nothing. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "aeon/layout.h"
#include "aeon/memory.h"
#include "mg_internal.h"

static const char *const cycle_names[] = {"v", "w", "f", "fmg"};
static const char *const smoother_names[] = {"rbgs", "chebyshev"};

const aeon_param_decl aeon_mg_params[] = {
  {"elliptic.centering", AEON_PT_ENUM, "cell", AEON_NORANGE, "cell|vertex",
   "elliptic grid points: cell centres (the mesh's N cells) or vertices (grid.n nodes from xmin to xmax inclusive; "
   "the boundary nodes carry dirichlet data, so 129 nodes give 127 unknowns per direction)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_cycle", AEON_PT_ENUM, "v", AEON_NORANGE, "v|w|f|fmg",
   "multigrid cycle: V, W, F, or full multigrid (an FMG pass, then V-cycles)", AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_smoother", AEON_PT_ENUM, "rbgs", AEON_NORANGE, "rbgs|chebyshev",
   "multigrid smoother: red-black Gauss-Seidel, or Chebyshev on D^-1 A (bounds from power iterations)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_levels", AEON_PT_INT, "0", 0, MG_MAXLEV / 2, NULL,
   "most multigrid levels (0: coarsen until elliptic.mg_coarse_size); more than the grid allows is refused",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_pre", AEON_PT_INT, "2", 0, 50, NULL, "smoothing sweeps (Chebyshev: degree) before the coarse correction",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_post", AEON_PT_INT, "2", 0, 50, NULL, "smoothing sweeps (Chebyshev: degree) after the coarse correction",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_coarse_size", AEON_PT_INT, "64", 1, 1e9, NULL,
   "coarsen until a level has at most this many points; the bottom is solved by dense LU (<= 1728 points) or sweeps",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_agglomerate", AEON_PT_INT, "8", 1, 1e6, NULL,
   "gather the coarse levels onto one rank once a patch would be narrower than this many points",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_rtol", AEON_PT_REAL, "1e-10", 0, 1, NULL, "a multigrid solve stops at ||r|| <= rtol ||b||",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_atol", AEON_PT_REAL, "0", 0, 1e300, NULL, "a multigrid solve stops at ||r|| <= atol",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_max_cycles", AEON_PT_INT, "50", 1, 100000, NULL, "most cycles of a multigrid solve",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.mg_monitor", AEON_PT_BOOL, "false", AEON_NORANGE, NULL,
   "print one line per multigrid cycle (residual norm and factor), like -ksp_monitor", AEON_RESTART_CHANGEABLE},
};
const int aeon_mg_nparams = (int)(sizeof aeon_mg_params / sizeof aeon_mg_params[0]);

void aeon_mg_opts_default(aeon_mg_opts *o) {
  memset(o, 0, sizeof *o);
  o->cycle = AEON_MG_V;
  o->smoother = AEON_MG_RBGS;
  o->pre = o->post = 2;
  o->coarse_size = 64;
  o->agglomerate = 8;
  o->rtol = 1e-10;
  o->max_cycles = 50;
}

aeon_err aeon_mg_opts_from_deck(const aeon_deck *deck, aeon_mg_opts *o) {
  aeon_mg_opts_default(o);
  const char *c = aeon_deck_string(deck, "elliptic.mg_cycle"), *s = aeon_deck_string(deck, "elliptic.mg_smoother");
  for (int i = 0; i < 4; i++)
    if (strcmp(c, cycle_names[i]) == 0) o->cycle = (aeon_mg_cycle_type)i;
  for (int i = 0; i < 2; i++)
    if (strcmp(s, smoother_names[i]) == 0) o->smoother = (aeon_mg_smoother)i;
  o->levels = (int)aeon_deck_int(deck, "elliptic.mg_levels");
  o->pre = (int)aeon_deck_int(deck, "elliptic.mg_pre");
  o->post = (int)aeon_deck_int(deck, "elliptic.mg_post");
  o->coarse_size = aeon_deck_int(deck, "elliptic.mg_coarse_size");
  o->agglomerate = (int)aeon_deck_int(deck, "elliptic.mg_agglomerate");
  o->rtol = aeon_deck_real(deck, "elliptic.mg_rtol");
  o->atol = aeon_deck_real(deck, "elliptic.mg_atol");
  o->max_cycles = (int)aeon_deck_int(deck, "elliptic.mg_max_cycles");
  o->monitor = aeon_deck_bool(deck, "elliptic.mg_monitor");
  return AEON_OK;
}

const char *aeon_solve_reason_name(aeon_solve_reason r) {
  switch (r) {
    case AEON_SOLVE_ITERATING: return "iterating";
    case AEON_SOLVE_CONVERGED_RTOL: return "converged_rtol";
    case AEON_SOLVE_CONVERGED_ATOL: return "converged_atol";
    case AEON_SOLVE_DIVERGED_ITS: return "diverged_its";
    case AEON_SOLVE_DIVERGED_DTOL: return "diverged_dtol";
    case AEON_SOLVE_DIVERGED_NAN: return "diverged_nan";
  }
  return "unknown";
}

/* ---- level transfer kernels ---- */

/* f_c = 8-cell average of r_f (coarse level c, fine level c - 1, both halving-aligned). */
static void restrict_avg(const ell_grid *gf, const double *rf, const ell_grid *gc, double *fc) {
  const aeon_mesh *mf = &gf->m, *mc = &gc->m;
  for (int K = 0; K < mc->n[2]; K++)
    for (int J = 0; J < mc->n[1]; J++) {
      const double *restrict a = rf + aeon_idx(mf, 0, 2 * J, 2 * K), *restrict b = a + mf->sy;
      const double *restrict c = a + mf->sz, *restrict d = b + mf->sz;
      double *restrict out = fc + aeon_idx(mc, 0, J, K);
      for (int ic = 0; ic < mc->n[0]; ic++)
        out[ic] = 0.125 * ((a[2 * ic] + a[2 * ic + 1]) + (b[2 * ic] + b[2 * ic + 1]) + (c[2 * ic] + c[2 * ic + 1]) +
                          (d[2 * ic] + d[2 * ic + 1]));
    }
}

/* f_c = 8-cell average of f_f - A u_f (u_f's ghosts filled), without storing the fine residual: the four fine
 * residual rows under each coarse row go through scratch rows. */
static void residual_restrict(const ell_grid *gf, const double *uf, const double *ff, const ell_grid *gc, double *fc) {
  const aeon_mesh *mf = &gf->m, *mc = &gc->m;
  const int nf = mf->n[0];
  for (int K = 0; K < mc->n[2]; K++)
    for (int J = 0; J < mc->n[1]; J++) {
      for (int q = 0; q < 4; q++) {
        int j = 2 * J + (q & 1), k = 2 * K + (q >> 1);
        double *restrict rr = gf->rows4[q];
        ell_row_apply(gf, uf, j, k, rr);
        const double *restrict fp = ff + aeon_idx(mf, 0, j, k);
        for (int i = 0; i < nf; i++) rr[i] = fp[i] - rr[i];
      }
      const double *restrict a = gf->rows4[0], *restrict b = gf->rows4[1], *restrict c = gf->rows4[2],
                             *restrict d = gf->rows4[3];
      double *restrict out = fc + aeon_idx(mc, 0, J, K);
      for (int ic = 0; ic < mc->n[0]; ic++)
        out[ic] = 0.125 * ((a[2 * ic] + a[2 * ic + 1]) + (b[2 * ic] + b[2 * ic + 1]) + (c[2 * ic] + c[2 * ic + 1]) +
                           (d[2 * ic] + d[2 * ic + 1]));
    }
}

/* 1D weights of child s (0, 1) from coarse offsets -1, 0, +1: trilinear or triquadratic. */
static const double W_LIN[2][3] = {{0.25, 0.75, 0.0}, {0.0, 0.75, 0.25}};
static const double W_QUAD[2][3] = {{5.0 / 32, 30.0 / 32, -3.0 / 32}, {-3.0 / 32, 30.0 / 32, 5.0 / 32}};

/* u_f (+)= P u_c, tensor-product interpolation with weights W (u_c's ghosts filled, edges and corners included). */
static void prolong(const ell_grid *gc, const double *uc, const ell_grid *gf, double *uf, const double (*W)[3],
                    int add, double *tmp) {
  const aeon_mesh *mf = &gf->m, *mc = &gc->m;
  const int nc = mc->n[0];
  for (int k = 0; k < mf->n[2]; k++)
    for (int j = 0; j < mf->n[1]; j++) {
      int K = k >> 1, J = j >> 1, sz = k & 1, sy = j & 1;
      /* tmp[ic + 1] = sum over the 3 x 3 coarse rows of the y-z weights, ic in [-1, nc] */
      double *restrict t = tmp;
      for (int ic = 0; ic < nc + 2; ic++) t[ic] = 0;
      for (int c = 0; c < 3; c++)
        for (int b = 0; b < 3; b++) {
          double w = W[sy][b] * W[sz][c];
          if (w == 0) continue;
          const double *restrict row = uc + aeon_idx(mc, -1, J + b - 1, K + c - 1);
          for (int ic = 0; ic < nc + 2; ic++) t[ic] += w * row[ic];
        }
      double *restrict out = uf + aeon_idx(mf, 0, j, k);
      const double w00 = W[0][0], w01 = W[0][1], w02 = W[0][2], w10 = W[1][0], w11 = W[1][1], w12 = W[1][2];
      if (add)
        for (int ic = 0; ic < nc; ic++) {
          out[2 * ic] += w00 * t[ic] + w01 * t[ic + 1] + w02 * t[ic + 2];
          out[2 * ic + 1] += w10 * t[ic] + w11 * t[ic + 1] + w12 * t[ic + 2];
        }
      else
        for (int ic = 0; ic < nc; ic++) {
          out[2 * ic] = w00 * t[ic] + w01 * t[ic + 1] + w02 * t[ic + 2];
          out[2 * ic + 1] = w10 * t[ic] + w11 * t[ic + 1] + w12 * t[ic + 2];
        }
    }
}

void mg_restrict_field(mg_level *L, double *src, mg_level *C, double *dst, aeon_err *e) {
  if (!L->g->vertex) {
    restrict_avg(L->g, src, C->g, dst);
    return;
  }
  *e = ell_fill_ghosts(L->g, src);
  if (!*e) ell_vx_restrict(L->g, src, C->g, dst);
}

void mg_prolong(mg_level *C, const double *uc, mg_level *L, double *uf, int add, int quad) {
  if (L->g->vertex) ell_vx_prolong(C->g, uc, L->g, uf, add, quad, L->g->row2);
  else prolong(C->g, uc, L->g, uf, quad ? W_QUAD : W_LIN, add, L->g->row2);
}

void mg_zero_interior(const ell_grid *g, double *u) {
  const aeon_mesh *m = &g->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) memset(u + aeon_idx(m, 0, j, k), 0, sizeof(double) * m->n[0]);
}

/* ---- smoothers ---- */

static aeon_err smooth_rbgs(mg_level *L, int sweeps) {
  for (int s = 0; s < sweeps; s++)
    for (int c = 0; c < 2; c++) {
      AE_CHK(ell_fill_ghosts(L->g, L->u.data));
      ell_rbgs(L->g, L->u.data, L->f.data, c);
    }
  return AEON_OK;
}

/* Chebyshev of the given degree on D^-1 A over [lmax / 8, lmax], Jacobi-like (every point from the old iterate):
 * u_new = u + c1 (u - u_prev) + c2 D^-1 (f - A u), written over u_prev (the d field), then the two swap. */
static aeon_err smooth_chebyshev(mg_level *L, int degree) {
  ell_grid *g = L->g;
  const aeon_mesh *m = &g->m;
  const double beta = L->lmax, alpha = beta / 8, theta = (beta + alpha) / 2, delta = (beta - alpha) / 2;
  const double sigma = theta / delta;
  double rho = 1 / sigma;
  for (int it = 0; it < degree; it++) {
    AE_CHK(ell_fill_ghosts(g, L->u.data));
    double rho_new = 1 / (2 * sigma - rho);
    double c1 = it == 0 ? 0.0 : rho_new * rho, c2 = it == 0 ? 1 / theta : 2 * rho_new / delta;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) {
        ell_row_apply(g, L->u.data, j, k, g->row);
        long p = aeon_idx(m, 0, j, k);
        const double *restrict f = L->f.data + p, *restrict di = g->dinv.data + p, *restrict row = g->row;
        const double *restrict u = L->u.data + p;
        double *restrict w = L->d.data + p;
        for (int i = 0; i < m->n[0]; i++) w[i] = u[i] + c1 * (u[i] - w[i]) + c2 * di[i] * (f[i] - row[i]);
      }
    double *t = L->u.data;
    L->u.data = L->d.data;
    L->d.data = t;
    if (it > 0) rho = rho_new;
  }
  return AEON_OK;
}

static aeon_err smooth(aeon_mg *mg, mg_level *L, int n) {
  if (n <= 0) return AEON_OK;
  return mg->o.smoother == AEON_MG_CHEBYSHEV ? smooth_chebyshev(L, n) : smooth_rbgs(L, n);
}

/* ---- norms (exact, rank-count independent) ---- */

aeon_err mg_level_norm(const ell_grid *g, const double *x, MPI_Comm comm, double *nrm) {
  aeon_norm_acc acc;
  aeon_norm_acc_init(&acc);
  const aeon_mesh *m = &g->m;
  if (g->active)
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) aeon_norm_acc_add_array(&acc, x + aeon_idx(m, 0, j, k), m->n[0]);
  AE_CHK(aeon_norm_acc_allreduce(&acc, 1, comm));
  *nrm = aeon_norm_acc_nonfinite(&acc) ? NAN : aeon_norm_acc_l2(&acc, 1.0);
  return AEON_OK;
}

static aeon_err level_sum(const ell_grid *g, const double *x, MPI_Comm comm, double *sum, double *abs_sum) {
  aeon_xsum s[2];
  aeon_xsum_init(&s[0]);
  aeon_xsum_init(&s[1]);
  const aeon_mesh *m = &g->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) {
        double v = x[aeon_idx(m, i, j, k)];
        aeon_xsum_add(&s[0], v);
        aeon_xsum_add(&s[1], fabs(v));
      }
  AE_CHK(aeon_xsum_allreduce(s, 2, comm));
  *sum = aeon_xsum_value(&s[0]);
  *abs_sum = aeon_xsum_value(&s[1]);
  return AEON_OK;
}

/* ---- bottom solve ---- */

/* Builds the dense LU of the bottom grid (column j = A e_j; singular: plus c 1 1^T so the solution has zero mean). */
static aeon_err dense_setup(aeon_mg *mg, mg_level *L) {
  ell_grid *g = L->g;
  const aeon_mesh *m = &g->m;
  int n = (int)(m->n[0] * m->n[1] * m->n[2]);
  mg->nb = n;
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)n * (size_t)n, (void **)&mg->lu));
  AE_CHK(aeon_mem_alloc(sizeof(lapack_int) * (size_t)n, (void **)&mg->piv));
  double *u = L->u.data, dmean = 0;
  for (int c = 0; c < n; c++) {
    mg_zero_interior(g, u);
    int ci = c % m->n[0], cj = c / m->n[0] % m->n[1], ck = c / (m->n[0] * m->n[1]);
    u[aeon_idx(m, ci, cj, ck)] = 1.0;
    AE_CHK(ell_fill_ghosts(g, u));
    double *col = mg->lu + (size_t)c * (size_t)n;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) ell_row_apply(g, u, j, k, col + (j + k * m->n[1]) * m->n[0]);
    dmean += 1.0 / g->dinv.data[aeon_idx(m, ci, cj, ck)] / n; /* the scale of the diagonal */
  }
  mg_zero_interior(g, u);
  if (mg->singular)
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++) mg->lu[i] += dmean / n;
  lapack_int info = LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, mg->lu, n, mg->piv);
  if (info != 0)
    return AE_ERR(AEON_ERR_NUMERIC, "multigrid: the bottom level's %d x %d matrix is singular (dgetrf info %d)", n,
                  n, (int)info);
  return AEON_OK;
}

static aeon_err bottom_solve(aeon_mg *mg, mg_level *L) {
  ell_grid *g = L->g;
  const aeon_mesh *m = &g->m;
  if (mg->lu) {
    double *x = L->r.data; /* the right-hand side, compact, then the solution */
    int n0 = m->n[0], n1 = m->n[1];
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < n1; j++) memcpy(x + (j + k * n1) * n0, L->f.data + aeon_idx(m, 0, j, k), sizeof(double) * n0);
    lapack_int info = LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, 'N', mg->nb, 1, mg->lu, mg->nb, mg->piv, x, mg->nb);
    if (info) return AE_ERR(AEON_ERR_LIB, "multigrid: dgetrs info %d", (int)info);
    for (int k = m->n[2] - 1; k >= 0; k--)
      for (int j = n1 - 1; j >= 0; j--)
        memcpy(L->u.data + aeon_idx(m, 0, j, k), x + (j + k * n1) * n0, sizeof(double) * n0);
    return AEON_OK;
  }
  /* sweeps until the residual falls by 1e3 (at most 1000) */
  double r0 = 0, r = 0;
  for (int s = 0; s < 1000; s += 10) {
    AE_CHK(ell_fill_ghosts(g, L->u.data));
    ell_residual(g, L->u.data, L->f.data, L->r.data);
    AE_CHK(mg_level_norm(g, L->r.data, m->par->cart, &r));
    if (s == 0) r0 = r;
    if (!(r > 1e-3 * r0)) break;
    AE_CHK(smooth_rbgs(L, 10));
  }
  return AEON_OK;
}

/* ---- cycles ---- */

static aeon_err redist_fields(aeon_redist *rd, const ell_grid *gs, aeon_fields *fs, const aeon_layout *Ls,
                              const ell_grid *gd, aeon_fields *fd, const aeon_layout *Ld) {
  aeon_array src = gs->active ? aeon_array_of_fields(&gs->m, fs) : aeon_array_compact(Ls, 1, NULL);
  aeon_array dst = gd->active ? aeon_array_of_fields(&gd->m, fd) : aeon_array_compact(Ld, 1, NULL);
  return aeon_redist_apply(rd, &src, &dst);
}

/* Moves field fl of level l to field fc of its gathered copy (down) or back (up). */
aeon_err mg_move(mg_level *L, aeon_fields *fl, mg_level *C, aeon_fields *fc, int down) {
  if (down) return redist_fields(L->down, L->g, fl, L->Lfrom, C->g, fc, L->Lto);
  return redist_fields(L->up, C->g, fc, L->Lto, L->g, fl, L->Lfrom);
}

static aeon_err cycle_at(aeon_mg *mg, int l, aeon_mg_cycle_type type);

static aeon_err gather_pass(aeon_mg *mg, int l, aeon_mg_cycle_type type, int solve_below) {
  mg_level *L = &mg->lev[l], *C = &mg->lev[l + 1];
  AE_CHK(mg_move(L, &L->f, C, &C->f, 1));
  AE_CHK(mg_move(L, &L->u, C, &C->u, 1));
  if (C->g->active && solve_below) AE_CHK(cycle_at(mg, l + 1, type));
  AE_CHK(mg_move(L, &L->u, C, &C->u, 0));
  return AEON_OK;
}

static aeon_err cycle_at(aeon_mg *mg, int l, aeon_mg_cycle_type type) {
  mg_level *L = &mg->lev[l];
  if (L->gather) return gather_pass(mg, l, type, 1);
  if (l == mg->bottom) return bottom_solve(mg, L);
  mg_level *C = &mg->lev[l + 1];
  AE_CHK(smooth(mg, L, mg->o.pre));
  AE_CHK(ell_fill_ghosts(L->g, L->u.data));
  if (L->g->vertex) {
    ell_residual(L->g, L->u.data, L->f.data, L->r.data);
    AE_CHK(ell_fill_ghosts(L->g, L->r.data));
    ell_vx_restrict(L->g, L->r.data, C->g, C->f.data);
  } else {
    residual_restrict(L->g, L->u.data, L->f.data, C->g, C->f.data);
  }
  mg_zero_interior(C->g, C->u.data);
  if (type == AEON_MG_W) {
    AE_CHK(cycle_at(mg, l + 1, AEON_MG_W));
    AE_CHK(cycle_at(mg, l + 1, AEON_MG_W));
  } else if (type == AEON_MG_F) {
    AE_CHK(cycle_at(mg, l + 1, AEON_MG_F));
    AE_CHK(cycle_at(mg, l + 1, AEON_MG_V));
  } else {
    AE_CHK(cycle_at(mg, l + 1, AEON_MG_V));
  }
  AE_CHK(ell_fill_ghosts(C->g, C->u.data));
  if (L->g->vertex) ell_vx_prolong(C->g, C->u.data, L->g, L->u.data, 1, 0, L->g->row2);
  else prolong(C->g, C->u.data, L->g, L->u.data, W_LIN, 1, L->g->row2);
  return smooth(mg, L, mg->o.post);
}

/* Full multigrid from level l down: f_l is set; u_l comes out. */
static aeon_err fmg_at(aeon_mg *mg, int l) {
  mg_level *L = &mg->lev[l];
  if (l == mg->bottom) {
    mg_zero_interior(L->g, L->u.data);
    return bottom_solve(mg, L);
  }
  mg_level *C = &mg->lev[l + 1];
  if (L->gather) {
    AE_CHK(mg_move(L, &L->f, C, &C->f, 1));
    if (C->g->active) AE_CHK(fmg_at(mg, l + 1));
    return mg_move(L, &L->u, C, &C->u, 0);
  }
  AE_CHK(mg_fmg_restrict(mg, l));
  AE_CHK(fmg_at(mg, l + 1));
  AE_CHK(ell_fill_ghosts_data(C->g, C->u.data, mg->dir_fn, mg->dir_ctx)); /* a full solution: its data on the faces */
  mg_prolong(C, C->u.data, L, L->u.data, 0, 1);
  return cycle_at(mg, l, AEON_MG_V);
}

aeon_err mg_fmg_restrict(aeon_mg *mg, int l) {
  mg_level *L = &mg->lev[l], *C = &mg->lev[l + 1];
  double *src = L->f.data;
  aeon_err e = AEON_OK;
  if (mg->dir_fn) { /* the interior source f = b + A_b g (in r; d: scratch) */
    const aeon_mesh *m = &L->g->m;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) {
        long p = aeon_idx(m, 0, j, k);
        memcpy(L->r.data + p, L->f.data + p, sizeof(double) * m->n[0]);
      }
    ell_dirichlet_fold(L->g, mg->dir_fn, mg->dir_ctx, L->d.data, L->r.data, m->base, m->sy, m->sz, 1.0);
    src = L->r.data;
  }
  mg_restrict_field(L, src, C, C->f.data, &e);
  AE_CHK(e);
  if (mg->dir_fn && C->g->active) { /* the coarse level's own boundary term */
    const aeon_mesh *mc = &C->g->m;
    ell_dirichlet_fold(C->g, mg->dir_fn, mg->dir_ctx, C->d.data, C->f.data, mc->base, mc->sy, mc->sz, -1.0);
  }
  return AEON_OK;
}

void aeon_mg_set_dirichlet(aeon_mg *mg, aeon_ell_bc_fn g, void *ctx) {
  mg->dir_fn = g;
  mg->dir_ctx = ctx;
}

/* ---- level-0 copies ---- */

void mg_copy_in(const ell_grid *g, const aeon_gvec *x, double *dst) {
  const aeon_mesh *m = &g->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      memcpy(dst + aeon_idx(m, 0, j, k), x->data + x->base + j * x->sy + k * x->sz, sizeof(double) * m->n[0]);
}

void mg_copy_out(const ell_grid *g, const double *src, aeon_gvec *x) {
  const aeon_mesh *m = &g->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      memcpy(x->data + x->base + j * x->sy + k * x->sz, src + aeon_idx(m, 0, j, k), sizeof(double) * m->n[0]);
}

aeon_err mg_check_vec(const aeon_mg *mg, const aeon_gvec *x) {
  const aeon_mesh *m = &mg->lev[0].g->m;
  if (x->nvar != 1 || !x->data) return AE_ERR(AEON_ERR_INTERNAL, "multigrid: a vector needs 1 variable and an array");
  for (int d = 0; d < 3; d++)
    if (x->box.lo[d] != 0 || x->box.hi[d] != m->n[d])
      return AE_ERR(AEON_ERR_INTERNAL, "multigrid: a vector's box is not the mesh interior");
  return AEON_OK;
}

/* One cycle on level 0 from its current u and f. */
static aeon_err cycle0(aeon_mg *mg, aeon_mg_cycle_type type) {
  if (type == AEON_MG_FMG) return fmg_at(mg, 0);
  return cycle_at(mg, 0, type);
}

aeon_err aeon_mg_cycle(aeon_mg *mg, const aeon_gvec *b, aeon_gvec *u) {
  AE_CHK(mg_check_vec(mg, b));
  AE_CHK(mg_check_vec(mg, u));
  mg_level *L = &mg->lev[0];
  mg_copy_in(L->g, b, L->f.data);
  if (mg->o.cycle != AEON_MG_FMG) mg_copy_in(L->g, u, L->u.data); /* FMG builds u from the coarse levels */
  AE_CHK(cycle0(mg, mg->o.cycle));
  mg_copy_out(L->g, L->u.data, u);
  return AEON_OK;
}

static aeon_err pc_apply(void *ctx, aeon_gvec *r, aeon_gvec *z) {
  aeon_mg *mg = ctx;
  AE_CHK(mg_check_vec(mg, r));
  AE_CHK(mg_check_vec(mg, z));
  mg_level *L = &mg->lev[0];
  mg_copy_in(L->g, r, L->f.data);
  mg_zero_interior(L->g, L->u.data);
  AE_CHK(cycle0(mg, mg->o.cycle));
  mg_copy_out(L->g, L->u.data, z);
  return AEON_OK;
}

void aeon_mg_gpc(aeon_mg *mg, aeon_gpc *pc) {
  memset(pc, 0, sizeof *pc);
  pc->name = "mg";
  pc->ctx = mg;
  pc->apply = pc_apply;
}

static aeon_err residual0(aeon_mg *mg, double *rn) {
  mg_level *L = &mg->lev[0];
  AE_CHK(ell_fill_ghosts(L->g, L->u.data));
  ell_residual(L->g, L->u.data, L->f.data, L->r.data);
  return mg_level_norm(L->g, L->r.data, mg->comm, rn);
}

aeon_err aeon_mg_solve(aeon_mg *mg, const aeon_gvec *b, aeon_gvec *u, aeon_mg_result *res) {
  memset(res, 0, sizeof *res);
  AE_CHK(mg_check_vec(mg, b));
  AE_CHK(mg_check_vec(mg, u));
  mg_level *L = &mg->lev[0];
  mg_copy_in(L->g, b, L->f.data);
  mg_copy_in(L->g, u, L->u.data);
  int rank;
  MPI_Comm_rank(mg->comm, &rank);
  FILE *out = mg->o.monitor_out ? mg->o.monitor_out : stdout;
  if (mg->singular) {
    double sum, asum;
    AE_CHK(level_sum(L->g, L->f.data, mg->comm, &sum, &asum));
    if (fabs(sum) > 1e-11 * asum)
      return AE_ERR(AEON_ERR_USER,
                    "multigrid: singular problem (a = 0 and no dirichlet or robin face: constants are in the null "
                    "space) with a right-hand side of non-zero mean %.6g (sum %.6g over %ld points); remove the "
                    "mean or change a boundary to dirichlet/robin",
                    sum / (double)(L->g->m.N[0] * L->g->m.N[1] * L->g->m.N[2]), sum,
                    L->g->m.N[0] * L->g->m.N[1] * L->g->m.N[2]);
  }
  double bn, rn, prev;
  AE_CHK(mg_level_norm(L->g, L->f.data, mg->comm, &bn));
  AE_CHK(residual0(mg, &rn));
  res->rnorm0 = prev = rn;
  double tol = fmax(mg->o.rtol * bn, mg->o.atol);
  if (mg->o.monitor && rank == 0) fprintf(out, "  %3d MG residual norm %.12e\n", 0, rn);
  aeon_mg_cycle_type type = mg->o.cycle;
  while (1) {
    if (isnan(rn)) res->reason = AEON_SOLVE_DIVERGED_NAN;
    else if (rn <= mg->o.rtol * bn) res->reason = AEON_SOLVE_CONVERGED_RTOL;
    else if (rn <= mg->o.atol) res->reason = AEON_SOLVE_CONVERGED_ATOL;
    else if (rn > 1e5 * res->rnorm0 && res->cycles > 0) res->reason = AEON_SOLVE_DIVERGED_DTOL;
    else if (res->cycles >= mg->o.max_cycles) res->reason = AEON_SOLVE_DIVERGED_ITS;
    if (res->reason) break;
    AE_CHK(cycle0(mg, type));
    if (type == AEON_MG_FMG) type = AEON_MG_V;
    res->cycles++;
    prev = rn;
    AE_CHK(residual0(mg, &rn));
    if (mg->o.monitor && rank == 0)
      fprintf(out, "  %3d MG residual norm %.12e  factor %.4f\n", res->cycles, rn, rn / prev);
  }
  (void)tol;
  res->rnorm = rn;
  res->factor = res->cycles && res->rnorm0 > 0 ? pow(rn / res->rnorm0, 1.0 / res->cycles) : 0;
  mg_copy_out(L->g, L->u.data, u);
  if (mg->o.monitor && rank == 0)
    fprintf(out, "  MG solve %s after %d cycles (residual %.3e, mean factor %.4f)\n",
            aeon_solve_reason_name(res->reason), res->cycles, rn, res->factor);
  if (res->reason < 0)
    return AE_ERR(AEON_ERR_NUMERIC, "multigrid solve %s after %d cycles (residual %.3e from %.3e, target %.3e)",
                  aeon_solve_reason_name(res->reason), res->cycles, rn, res->rnorm0, fmax(mg->o.rtol * bn, mg->o.atol));
  return AEON_OK;
}

/* ---- creation ---- */

static double hash01(long i, long j, long k) {
  double s = sin(12.9898 * (double)i + 78.233 * (double)j + 37.719 * (double)k) * 43758.5453;
  return s - floor(s);
}

/* lambda_max of D^-1 A by 12 power iterations from a pseudo-random start (exact norms: rank-count independent). */
static aeon_err power_lmax(mg_level *L, double *lmax) {
  ell_grid *g = L->g;
  const aeon_mesh *m = &g->m;
  double *x = L->u.data, *y = L->d.data;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++)
        x[aeon_idx(m, i, j, k)] = hash01(m->off[0] + i, m->off[1] + j, m->off[2] + k) - 0.5;
  double xn, yn = 0;
  AE_CHK(mg_level_norm(g, x, m->par->cart, &xn));
  for (int it = 0; it < 12; it++) {
    AE_CHK(ell_fill_ghosts(g, x));
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) {
        ell_row_apply(g, x, j, k, g->row);
        long p = aeon_idx(m, 0, j, k);
        for (int i = 0; i < m->n[0]; i++) y[p + i] = g->dinv.data[p + i] * g->row[i];
      }
    AE_CHK(mg_level_norm(g, y, m->par->cart, &yn));
    *lmax = yn / xn;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) {
        long p = aeon_idx(m, 0, j, k);
        for (int i = 0; i < m->n[0]; i++) x[p + i] = y[p + i] / yn;
      }
    xn = 1;
  }
  mg_zero_interior(g, x);
  mg_zero_interior(g, y);
  return AEON_OK;
}

/* A fingerprint of a level's operator: FNV-1a over its kind, size, a, b, faces and the exact sum of its coefficients
 * (collective over the level's ranks; the same on any rank count). */
static aeon_err level_fingerprint(const ell_grid *g, uint32_t *fp) {
  aeon_xsum s;
  aeon_xsum_init(&s);
  const aeon_mesh *m = &g->m;
  if (g->kind == AEON_ELL_HELMHOLTZ)
    for (int v = 0; v < 4; v++)
      for (int k = 0; k < m->n[2]; k++)
        for (int j = 0; j < m->n[1]; j++)
          for (int i = 0; i < m->n[0]; i++) aeon_xsum_add(&s, (double)(v + 1) * aeon_var(&g->coef, v)[aeon_idx(m, i, j, k)]);
  AE_CHK(aeon_xsum_allreduce(&s, 1, m->par->cart));
  double data[4] = {aeon_xsum_value(&s), g->a, g->b, (double)g->kind};
  long sz[3] = {m->N[0], m->N[1], m->N[2]};
  uint32_t h = 2166136261u;
  const unsigned char *parts[3] = {(const unsigned char *)data, (const unsigned char *)sz, (const unsigned char *)m->bc};
  size_t lens[3] = {sizeof data, sizeof sz, sizeof m->bc};
  for (int q = 0; q < 3; q++)
    for (size_t i = 0; i < lens[q]; i++) h = (h ^ parts[q][i]) * 16777619u;
  *fp = h;
  return AEON_OK;
}

/* Sets L->lmax from Tier 3 (keyed by the level's size and operator fingerprint) or power iterations, then stores
 * it there. */
static aeon_err chebyshev_bounds(aeon_mg *mg, mg_level *L) {
  ell_grid *g = L->g;
  char key[AEON_TIER_KEY];
  uint32_t fp = 0;
  AE_CHK(level_fingerprint(g, &fp));
  snprintf(key, sizeof key, "ell.lmax.%ldx%ldx%ld.%08x", g->m.N[0], g->m.N[1], g->m.N[2], (unsigned)fp);
  double v = 0;
  size_t len = 0;
  int have = mg->o.tiers && aeon_tiers_get(mg->o.tiers, key, &v, sizeof v, &len) && len == sizeof v, all;
  AE_MPI(MPI_Allreduce(&have, &all, 1, MPI_INT, MPI_MIN, g->m.par->cart));
  double w = v, lo, hi;
  AE_MPI(MPI_Allreduce(&w, &lo, 1, MPI_DOUBLE, MPI_MIN, g->m.par->cart));
  AE_MPI(MPI_Allreduce(&w, &hi, 1, MPI_DOUBLE, MPI_MAX, g->m.par->cart));
  if (all && lo == hi) {
    L->lmax = v;
    return AEON_OK;
  }
  double est = 0;
  AE_CHK(power_lmax(L, &est));
  L->lmax = 1.05 * est;
  if (mg->o.tiers) AE_CHK(aeon_tiers_put(mg->o.tiers, 3, key, &L->lmax, sizeof L->lmax, 0));
  return AEON_OK;
}

static aeon_err level_alloc(mg_level *L) {
  const aeon_mesh *m = &L->g->m;
  AE_CHK(aeon_fields_create(m, 1, &L->u));
  AE_CHK(aeon_fields_create(m, 1, &L->f));
  AE_CHK(aeon_fields_create(m, 1, &L->r));
  return aeon_fields_create(m, 1, &L->d);
}

static long grid_points(const ell_grid *g) { return g->m.N[0] * g->m.N[1] * g->m.N[2]; }

/* Whether every rank can coarsen its patch (ell_grid_coarsenable on every rank). */
static aeon_err can_halve(const ell_grid *g, int agg, int *ok) {
  int mine = ell_grid_coarsenable(g, agg) == 1;
  AE_MPI(MPI_Allreduce(&mine, ok, 1, MPI_INT, MPI_MIN, g->m.par->cart));
  return AEON_OK;
}

static aeon_err check_opts(const aeon_mg_opts *o) {
  if ((int)o->cycle < 0 || (int)o->cycle > 3) return AE_ERR(AEON_ERR_USER, "elliptic.mg_cycle: unknown cycle %d", (int)o->cycle);
  if ((int)o->smoother < 0 || (int)o->smoother > 1)
    return AE_ERR(AEON_ERR_USER, "elliptic.mg_smoother: unknown smoother %d", (int)o->smoother);
  if (o->levels < 0 || o->levels > MG_MAXLEV / 2)
    return AE_ERR(AEON_ERR_USER, "elliptic.mg_levels = %d must be in [0, %d]", o->levels, MG_MAXLEV / 2);
  if (o->pre < 0 || o->post < 0 || o->pre + o->post == 0)
    return AE_ERR(AEON_ERR_USER, "elliptic.mg_pre = %d and elliptic.mg_post = %d: need >= 0 each and >= 1 together",
                  o->pre, o->post);
  if (o->coarse_size < 1) return AE_ERR(AEON_ERR_USER, "elliptic.mg_coarse_size = %ld must be >= 1", o->coarse_size);
  if (o->agglomerate < 1) return AE_ERR(AEON_ERR_USER, "elliptic.mg_agglomerate = %d must be >= 1", o->agglomerate);
  if (o->max_cycles < 1) return AE_ERR(AEON_ERR_USER, "elliptic.mg_max_cycles = %d must be >= 1", o->max_cycles);
  return AEON_OK;
}

/* Builds the levels below level 0 (collective): halves while every patch can, then gathers onto rank 0 and goes
 * on there alone. Every rank reaches the final broadcast of rank 0's counts, failed or not. */
static aeon_err build_levels(aeon_mg *mg) {
  const aeon_ell_spec *spec = aeon_ell_op_spec(mg->op);
  int distinct = 1, l = 0;
  aeon_err e = AEON_OK;
  while (!e) {
    mg_level *L = &mg->lev[l];
    ell_grid *g = L->g;
    if (!g->active) break; /* below a gather on ranks other than 0 */
    int even = ell_grid_coarsenable(g, 1) >= 0;
    int want_more = mg->o.levels ? distinct < mg->o.levels : grid_points(g) > mg->o.coarse_size;
    if (!want_more || !even || l + 2 >= MG_MAXLEV) break;
    int serial = g->m.par->size == 1, ok = 1;
    if (!serial) e = can_halve(g, mg->o.agglomerate, &ok);
    if (e) break;
    mg_level *C = &mg->lev[l + 1];
    C->g = &mg->grids[l + 1];
    C->own = 1;
    if (ok) {
      e = ell_grid_coarsen(g, spec, C->g);
      distinct++;
    } else {
      MPI_Comm comm = g->m.par->cart;
      int rank;
      MPI_Comm_rank(comm, &rank);
      L->gather = 1;
      e = aeon_par_agree(comm, ell_grid_gather(g, spec, C->g));
      aeon_box whole = {{0, 0, 0}, {(int)g->m.N[0], (int)g->m.N[1], (int)g->m.N[2]}};
      if (!e) e = aeon_layout_from_mesh(&g->m, &L->Lfrom);
      if (!e) e = aeon_layout_create(comm, g->m.N, rank == 0 ? &whole : NULL, 0, &L->Lto);
      if (!e) e = aeon_redist_create(L->Lfrom, L->Lto, 1, &L->down);
      if (!e) e = aeon_redist_create(L->Lto, L->Lfrom, 1, &L->up);
    }
    if (!e && C->g->active) e = level_alloc(C);
    if (!e) l++;
  }
  int counts[2] = {l, distinct};
  AE_MPI(MPI_Bcast(counts, 2, MPI_INT, 0, mg->comm));
  mg->nl = counts[0] + 1;
  mg->ndistinct = counts[1];
  mg->bottom = counts[0];
  return e;
}

aeon_err aeon_mg_create(aeon_ell_op *op, const aeon_mg_opts *opts, aeon_mg **out) {
  *out = NULL;
  AE_CHK(check_opts(opts));
  aeon_mg *mg = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *mg, (void **)&mg));
  mg->op = op;
  mg->o = *opts;
  mg->singular = aeon_ell_op_singular(op);
  mg->lev[0].g = ell_op_grid(op);
  mg->comm = mg->lev[0].g->m.par->cart;
  aeon_err e = level_alloc(&mg->lev[0]);
  if (!e) e = build_levels(mg);
  e = aeon_par_agree(mg->comm, e);
  if (!e && opts->levels && mg->ndistinct < opts->levels) {
    const aeon_mesh *m = &mg->lev[0].g->m;
    e = AE_ERR(AEON_ERR_USER,
               "elliptic.mg_levels = %d: a %ld x %ld x %ld grid allows at most %d levels (each level halves every "
               "direction; an odd size cannot be halved)",
               opts->levels, m->N[0], m->N[1], m->N[2], mg->ndistinct);
  }
  /* the bottom's solver and the Chebyshev bounds (on the ranks that hold each level) */
  mg_level *B = &mg->lev[mg->bottom];
  if (!e && B->g && B->g->active && B->g->m.par->size == 1 && grid_points(B->g) <= MG_DENSE_MAX)
    e = dense_setup(mg, B);
  for (int l = 0; l < mg->bottom && !e && opts->smoother == AEON_MG_CHEBYSHEV; l++)
    if (mg->lev[l].g && mg->lev[l].g->active && !mg->lev[l].gather) e = chebyshev_bounds(mg, &mg->lev[l]);
  e = aeon_par_agree(mg->comm, e);
  if (e) {
    aeon_mg_destroy(mg);
    return e;
  }
  *out = mg;
  return AEON_OK;
}

void aeon_mg_destroy(aeon_mg *mg) {
  if (!mg) return;
  for (int l = MG_MAXLEV - 1; l >= 0; l--) {
    mg_level *L = &mg->lev[l];
    aeon_redist_destroy(L->down);
    aeon_redist_destroy(L->up);
    aeon_layout_destroy(L->Lfrom);
    aeon_layout_destroy(L->Lto);
    aeon_fields *fs[4] = {&L->u, &L->f, &L->r, &L->d};
    for (int i = 0; i < 4; i++)
      if (fs[i]->data) aeon_fields_destroy(fs[i]);
    if (L->own && L->g) ell_grid_free(L->g);
  }
  aeon_mem_free(mg->lu);
  aeon_mem_free(mg->piv);
  aeon_mem_free(mg);
}

int aeon_mg_nlevels(const aeon_mg *mg) { return mg->ndistinct; }

void aeon_mg_level_size(const aeon_mg *mg, int l, long N[3]) {
  /* walk the entries, counting distinct resolutions; ranks that do not hold a level get it by halving */
  long n[3];
  const ell_grid *g = mg->lev[0].g;
  for (int d = 0; d < 3; d++) {
    n[d] = g->m.N[d];
    for (int q = 0; q < l; q++) n[d] = (n[d] - g->shift[d]) / 2; /* vertex: (N - 1) / 2 where boundary nodes are not unknowns */
  }
  memcpy(N, n, sizeof n);
}
