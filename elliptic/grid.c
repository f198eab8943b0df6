/* Grids of elliptic operators and their row kernels. Data flow of one
 * operation on a grid: ell_fill_ghosts (start and finish the exchange of the
 * one input field, then fill the ghosts of each physical face, x then y then
 * z, over the whole valid range of the other directions so edges and corners
 * chain) -> for every interior row (j, k): ell_row_apply computes (A u) along
 * the row into a scratch row (unit stride, restrict pointers: it vectorises)
 * -> the caller's per-row step (copy, residual, masked Gauss-Seidel update).
 * A grid's coefficients are evaluated from the spec's functions at its own
 * cell and face centres (coarse levels are rediscretised, not averaged). */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "ell_internal.h"

static long round_up(long v, long to) { return (v + to - 1) / to * to; }

/* Completes the addressing of a mesh whose n, ghost and physical faces are set (the rule of aeon_mesh_setup_patch). */
static void mesh_addressing(aeon_mesh *m) {
  int g = m->ghost;
  for (int d = 0; d < 3; d++) {
    m->valid.lo[d] = -g;
    m->valid.hi[d] = m->n[d] + g;
    m->evolved.lo[d] = 0;
    m->evolved.hi[d] = m->n[d];
  }
  m->xo = (int)round_up(g, 8);
  m->sy = round_up(m->xo + m->n[0] + g, 8);
  m->sz = m->sy * (m->n[1] + 2 * g);
  m->base = m->xo + g * m->sy + g * m->sz;
  m->npts = (size_t)round_up(m->sz * (m->n[2] + 2 * g), 8);
}

/* Lagrange extrapolation of the dirichlet ghosts: nodes at the face (t = 0, value g) and at the interior points
 * t = m + 1/2 (cell-centred) or t = m + 1 (vertex); ghost layer l at t = -(l + 1/2) (cell) or t = -l (vertex:
 * layer 0 is the boundary node itself, u = g there). */
static void dirichlet_weights(ell_grid *g) {
  g->nE = g->R == 1 ? 1 : 4;
  int np = g->nE + 1;
  double t[ELL_MAXM + 1], sh = g->vertex ? 1.0 : 0.5;
  t[0] = 0;
  for (int m = 0; m < g->nE; m++) t[m + 1] = m + sh;
  for (int l = 0; l < g->R; l++) {
    double x = -(l + 1 - sh);
    for (int j = 0; j < np; j++) {
      double w = 1;
      for (int k = 0; k < np; k++)
        if (k != j) w *= (x - t[k]) / (t[j] - t[k]);
      if (j == 0)
        g->W[l] = w;
      else
        g->E[l][j - 1] = w;
    }
  }
}

static double coef_or_one(aeon_ell_coef_fn fn, const double x[3], void *ctx) { return fn ? fn(x, ctx) : 1.0; }

/* Evaluates alpha at cell centres and beta_d at the low faces [0, n_d] x interior of the others; checks signs. */
static aeon_err fill_coefs(ell_grid *g, const aeon_ell_spec *spec) {
  aeon_mesh *m = &g->m;
  AE_CHK(aeon_fields_create(m, 4, &g->coef));
  double bad = 1, badx[3] = {0, 0, 0};
  const char *what = NULL;
  for (int v = 0; v < 4; v++) {
    double *c = aeon_var(&g->coef, v);
    int ext[3] = {0, 0, 0};
    if (v > 0) ext[v - 1] = 1;
    for (int k = 0; k < m->n[2] + ext[2]; k++)
      for (int j = 0; j < m->n[1] + ext[1]; j++)
        for (int i = 0; i < m->n[0] + ext[0]; i++) {
          int ii[3] = {i, j, k};
          double x[3];
          for (int d = 0; d < 3; d++) x[d] = aeon_coord(m, d, ii[d]) - (v == d + 1 ? 0.5 * m->dx[d] : 0.0);
          double val = coef_or_one(v == 0 ? spec->alpha : spec->beta, x, spec->coef_ctx);
          c[aeon_idx(m, i, j, k)] = val;
          int need = v > 0 || g->a != 0;
          if (need && !(val > 0) && !what) {
            what = v == 0 ? "alpha" : "beta";
            bad = val;
            memcpy(badx, x, sizeof badx);
          }
        }
  }
  if (what)
    return AE_ERR(AEON_ERR_USER, "elliptic helmholtz: %s = %g at (%g, %g, %g) must be > 0", what, bad, badx[0],
                  badx[1], badx[2]);
  return AEON_OK;
}

static aeon_err robin_setup(ell_grid *g, int f);

/* Initialises a grid on the mesh already in g->m (n, off, ghost, physical, par set). */
static aeon_err grid_init(ell_grid *g, const aeon_ell_spec *spec, aeon_ell_kind kind) {
  aeon_mesh *m = &g->m;
  g->active = 1;
  g->kind = kind;
  g->a = spec->a;
  g->b = spec->b;
  g->R = kind == AEON_ELL_LAPLACIAN4 ? 2 : 1;
  g->vertex = spec->centering == AEON_ELL_VERTEX;
  for (int d = 0; d < 3; d++) g->shift[d] = g->vertex && m->bc[2 * d] != AEON_BC_PERIODIC;
  for (int d = 0; d < 3; d++) g->hinv2[d] = 1.0 / (m->dx[d] * m->dx[d]);
  memcpy(g->origin, spec->robin_origin, sizeof g->origin);
  g->power = spec->robin_power > 0 ? spec->robin_power : 1.0;
  dirichlet_weights(g);
  aeon_err e = AEON_OK;
  if (kind == AEON_ELL_HELMHOLTZ) e = fill_coefs(g, spec);
  e = aeon_par_agree(m->par->cart, e);
  if (e) return e;
  AE_CHK(aeon_fields_create(m, 1, &g->dinv));
  size_t rl = (size_t)(m->n[0] + 8);
  AE_CHK(aeon_mem_alloc(sizeof(double) * rl * 6, (void **)&g->row));
  g->row2 = g->row + rl;
  for (int q = 0; q < 4; q++) g->rows4[q] = g->row + (2 + q) * rl;
  AE_CHK(aeon_exchange_create_plan(m, 1, 1, NULL, g->R, &g->ex));
  for (int f = 0; f < 6; f++)
    if (m->physical[f] && m->bc[f] == AEON_BC_ROBIN) AE_CHK(robin_setup(g, f));
  ell_grid_diag(g);
  return AEON_OK;
}

aeon_err ell_grid_fine(const aeon_mesh *m, const aeon_ell_spec *spec, ell_grid *g) {
  memset(g, 0, sizeof *g);
  g->m = *m;
  return grid_init(g, spec, spec->kind);
}

aeon_err ell_grid_coarsen(const ell_grid *fine, const aeon_ell_spec *spec, ell_grid *g) {
  memset(g, 0, sizeof *g);
  g->m = fine->m;
  aeon_mesh *m = &g->m;
  m->ghost = 1;
  for (int d = 0; d < 3; d++) {
    const aeon_mesh *f = &fine->m;
    m->dx[d] = 2 * f->dx[d];
    if (!fine->vertex) {
      m->N[d] = f->N[d] / 2;
      m->n[d] = f->n[d] / 2;
      m->off[d] = f->off[d] / 2;
      continue;
    }
    /* vertex: coarse point I on fine point 2 I + s; this rank keeps the coarse points over its fine points */
    long s = fine->shift[d], end = (f->off[d] + f->n[d] - s + 1) >> 1;
    m->N[d] = (f->N[d] - s) / 2;
    m->off[d] = (f->off[d] - s + 1) >> 1;
    m->n[d] = (int)(end - m->off[d]);
    /* the boundary nodes stay where they are: xmin is half a (coarse) spacing inside (s = 1) or outside (s = 0) */
    double x0 = f->xmin[d] + (s ? -0.5 : 0.5) * f->dx[d];
    m->xmin[d] = x0 + (s ? 0.5 : -0.5) * m->dx[d];
    m->xmax[d] = m->xmin[d] + (double)m->N[d] * m->dx[d];
  }
  mesh_addressing(m);
  return grid_init(g, spec, fine->kind == AEON_ELL_LAPLACIAN4 ? AEON_ELL_LAPLACIAN2 : fine->kind);
}

int ell_grid_coarsenable(const ell_grid *g, int agg) {
  const aeon_mesh *m = &g->m;
  for (int d = 0; d < 3; d++) {
    long s = g->shift[d], N = m->N[d];
    if (g->vertex ? (N - s) % 2 != 0 || N < 2 + s : N % 2 != 0) return -1;
  }
  for (int d = 0; d < 3; d++) {
    long s = g->shift[d];
    long lo = g->vertex ? (m->off[d] - s + 1) >> 1 : m->off[d] / 2;
    long hi = g->vertex ? (m->off[d] + m->n[d] - s + 1) >> 1 : (m->off[d] + m->n[d]) / 2;
    if (!g->vertex && (m->n[d] % 2 || m->off[d] % 2)) return 0;
    if (hi - lo < 1 || (m->par->dims[d] > 1 && hi - lo < agg)) return 0;
  }
  return 1;
}

aeon_err ell_grid_gather(const ell_grid *src, const aeon_ell_spec *spec, ell_grid *g) {
  memset(g, 0, sizeof *g);
  if (src->m.par->rank != 0) return AEON_OK; /* inactive */
  AE_CHK(aeon_mem_alloc(sizeof(aeon_par), (void **)&g->own_par));
  int dims[3] = {1, 1, 1}, periodic[3];
  aeon_mesh_periodicity(&src->m, periodic);
  AE_CHK(aeon_par_create(MPI_COMM_SELF, dims, periodic, src->m.N, g->own_par));
  g->m = src->m;
  g->m.ghost = src->R;
  AE_CHK(aeon_mesh_setup_patch(&g->m, g->own_par));
  return grid_init(g, spec, src->kind);
}

void ell_grid_free(ell_grid *g) {
  if (g->ex) aeon_exchange_destroy(g->ex);
  if (g->coef.data) aeon_fields_destroy(&g->coef);
  if (g->dinv.data) aeon_fields_destroy(&g->dinv);
  aeon_mem_free(g->row);
  for (int f = 0; f < 6; f++) aeon_mem_free(g->robin[f]);
  if (g->own_par) {
    aeon_par_destroy(g->own_par);
    aeon_mem_free(g->own_par);
  }
  memset(g, 0, sizeof *g);
}

/* The robin factor of the ghost at local point p (mirror at q): (r_q / r_p)^power. */
static double robin_ratio(const ell_grid *g, const int p[3], const int q[3]) {
  double rp = 0, rq = 0;
  for (int d = 0; d < 3; d++) {
    double a = aeon_coord(&g->m, d, p[d]) - g->origin[d], b = aeon_coord(&g->m, d, q[d]) - g->origin[d];
    rp += a * a;
    rq += b * b;
  }
  return pow(sqrt(rq / rp), g->power);
}

/* The coefficient of interior layer c's value in ghost layer l of face f at the point p of the ghost. */
static double ghost_coef(const ell_grid *g, int f, int l, int c, const int p[3]) {
  aeon_bc bc = g->m.bc[f];
  if (bc == AEON_BC_DIRICHLET) return c < g->nE ? g->E[l][c] : 0.0;
  if (l != c) return 0.0;
  if (bc == AEON_BC_SYMMETRY) return 1.0;
  int d = f / 2, q[3] = {p[0], p[1], p[2]};
  q[d] = f % 2 ? g->m.n[d] - 1 - c : c;
  return robin_ratio(g, p, q);
}

/* The face geometry of face f: normal d, inner (e0, unit stride where possible) and outer (e1) directions. */
static void face_dirs(int f, int *d, int *e0, int *e1) {
  *d = f / 2;
  *e0 = *d == 0 ? 1 : 0;
  *e1 = *d == 2 ? 1 : 2;
}

/* Precomputes the robin factors of face f: ratio[(l * n1 + b) * n0 + a] over the valid range of e0, e1. */
static aeon_err robin_setup(ell_grid *g, int f) {
  const aeon_mesh *m = &g->m;
  int d, e0, e1;
  face_dirs(f, &d, &e0, &e1);
  int n0 = m->valid.hi[e0] - m->valid.lo[e0], n1 = m->valid.hi[e1] - m->valid.lo[e1];
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(g->R * n0 * n1), (void **)&g->robin[f]));
  for (int l = 0; l < g->R; l++)
    for (int b = 0; b < n1; b++)
      for (int a = 0; a < n0; a++) {
        int p[3];
        p[e0] = m->valid.lo[e0] + a;
        p[e1] = m->valid.lo[e1] + b;
        p[d] = f % 2 ? m->n[d] + l : -1 - l;
        g->robin[f][((long)l * n1 + b) * n0 + a] = ghost_coef(g, f, l, l, p);
      }
  return AEON_OK;
}

/* The boundary fill; gfn non-NULL: dirichlet ghosts carry the data (+ W[l] g at the face point of the ghost). */
static void fill_bc(const ell_grid *g, double *u, aeon_ell_bc_fn gfn, void *ctx) {
  const aeon_mesh *m = &g->m;
  const long st[3] = {1, m->sy, m->sz};
  for (int f = 0; f < 6; f++) {
    if (!m->physical[f]) continue;
    int d, e0, e1, hi = f % 2, n = m->n[d = f / 2];
    face_dirs(f, &d, &e0, &e1);
    int n0 = m->valid.hi[e0] - m->valid.lo[e0], n1 = m->valid.hi[e1] - m->valid.lo[e1];
    const long s0 = st[e0], sd = hi ? st[d] : -st[d]; /* sd: one step out of the domain */
    const aeon_bc bc = m->bc[f];
    for (int l = 0; l < g->R; l++) {
      const double *ratio = bc == AEON_BC_ROBIN ? g->robin[f] + (long)l * n1 * n0 : NULL;
      for (int b = 0; b < n1; b++) {
        int p[3];
        p[e0] = m->valid.lo[e0];
        p[e1] = m->valid.lo[e1] + b;
        p[d] = hi ? n - 1 : 0;
        double *edge = u + aeon_idx(m, p[0], p[1], p[2]); /* the interior point next to the face */
        double *ghost = edge + (l + 1) * sd;
        const double *mirror = edge - l * sd;
        if (bc == AEON_BC_DIRICHLET) {
          for (int a = 0; a < n0; a++) {
            double v = 0;
            for (int c = 0; c < g->nE && c < n; c++) v += g->E[l][c] * edge[a * s0 - c * sd];
            if (gfn) {
              double x[3];
              x[e0] = aeon_coord(m, e0, m->valid.lo[e0] + a);
              x[e1] = aeon_coord(m, e1, p[e1]);
              x[d] = g->vertex ? aeon_coord(m, d, hi ? n : -1) : hi ? m->xmax[d] : m->xmin[d];
              v += g->W[l] * gfn(x, ctx);
            }
            ghost[a * s0] = v;
          }
        } else if (bc == AEON_BC_ROBIN) {
          for (int a = 0; a < n0; a++) ghost[a * s0] = ratio[(long)b * n0 + a] * mirror[a * s0];
        } else {
          for (int a = 0; a < n0; a++) ghost[a * s0] = mirror[a * s0];
        }
      }
    }
  }
}

void ell_fill_bc(const ell_grid *g, double *u) { fill_bc(g, u, NULL, NULL); }

aeon_err ell_fill_ghosts(ell_grid *g, double *u) {
  aeon_fields f = {1, g->m.npts, u};
  AE_CHK(aeon_exchange_start(g->ex, &f));
  AE_CHK(aeon_exchange_finish(g->ex, &f));
  ell_fill_bc(g, u);
  return AEON_OK;
}

aeon_err ell_fill_ghosts_data(ell_grid *g, double *u, aeon_ell_bc_fn gfn, void *ctx) {
  aeon_fields f = {1, g->m.npts, u};
  AE_CHK(aeon_exchange_start(g->ex, &f));
  AE_CHK(aeon_exchange_finish(g->ex, &f));
  fill_bc(g, u, gfn, ctx);
  return AEON_OK;
}

/* Row kernels: out[i] = (A u)_i for i < n along a row starting at index p. The helmholtz flux sum is one macro so
 * the row, the red-black and the a = 0 variants share it (each loop stays a plain unit- or 2-stride loop the
 * compiler vectorises). */
#define HELM_DIV(i)                                                                 \
  (hx * (bx[(i) + 1] * (u[(i) + 1] - u[i]) - bx[i] * (u[i] - u[(i) - 1])) +        \
   hy * (by[(i) + sy] * (u[(i) + sy] - u[i]) - by[i] * (u[i] - u[(i) - sy])) +     \
   hz * (bz[(i) + sz] * (u[(i) + sz] - u[i]) - bz[i] * (u[i] - u[(i) - sz])))
#define HELM_SETUP(g, p)                                                                                      \
  const double *restrict al = aeon_var(&(g)->coef, 0) + (p), *restrict bx = aeon_var(&(g)->coef, 1) + (p);   \
  const double *restrict by = aeon_var(&(g)->coef, 2) + (p), *restrict bz = aeon_var(&(g)->coef, 3) + (p);   \
  const long sy = (g)->m.sy, sz = (g)->m.sz;                                                                   \
  const double a = (g)->a, hx = (g)->b * (g)->hinv2[0], hy = (g)->b * (g)->hinv2[1], hz = (g)->b * (g)->hinv2[2]

static void row_helmholtz(const ell_grid *g, const double *restrict u, long p, int n, double *restrict out) {
  HELM_SETUP(g, p);
  u += p;
  if (a == 0)
    for (int i = 0; i < n; i++) out[i] = -HELM_DIV(i);
  else
    for (int i = 0; i < n; i++) out[i] = a * al[i] * u[i] - HELM_DIV(i);
}

#define LAP2_SETUP(g)                                                                               \
  const long sy = (g)->m.sy, sz = (g)->m.sz;                                                        \
  const double hx = (g)->b * (g)->hinv2[0], hy = (g)->b * (g)->hinv2[1], hz = (g)->b * (g)->hinv2[2]; \
  const double c0 = (g)->a + 2 * (hx + hy + hz)
#define LAP2(i) \
  (c0 * u[i] - hx * (u[(i) - 1] + u[(i) + 1]) - hy * (u[(i) - sy] + u[(i) + sy]) - hz * (u[(i) - sz] + u[(i) + sz]))

static void row_laplacian2(const ell_grid *g, const double *restrict u, long p, int n, double *restrict out) {
  LAP2_SETUP(g);
  u += p;
  for (int i = 0; i < n; i++) out[i] = LAP2(i);
}

static void row_laplacian4(const ell_grid *g, const double *restrict u, long p, int n, double *restrict out) {
  const long sy = g->m.sy, sz = g->m.sz;
  const double hx = g->b * g->hinv2[0] / 12, hy = g->b * g->hinv2[1] / 12, hz = g->b * g->hinv2[2] / 12;
  const double c0 = g->a + 30 * (hx + hy + hz);
  u += p;
  for (int i = 0; i < n; i++)
    out[i] = c0 * u[i] - hx * (16 * (u[i - 1] + u[i + 1]) - (u[i - 2] + u[i + 2])) -
             hy * (16 * (u[i - sy] + u[i + sy]) - (u[i - 2 * sy] + u[i + 2 * sy])) -
             hz * (16 * (u[i - sz] + u[i + sz]) - (u[i - 2 * sz] + u[i + 2 * sz]));
}

void ell_row_apply(const ell_grid *g, const double *u, int j, int k, double *restrict out) {
  long p = aeon_idx(&g->m, 0, j, k);
  int n = g->m.n[0];
  switch (g->kind) {
    case AEON_ELL_HELMHOLTZ: row_helmholtz(g, u, p, n, out); break;
    case AEON_ELL_LAPLACIAN2: row_laplacian2(g, u, p, n, out); break;
    case AEON_ELL_LAPLACIAN4: row_laplacian4(g, u, p, n, out); break;
  }
}

void ell_residual(const ell_grid *g, const double *u, const double *f, double *r) {
  const aeon_mesh *m = &g->m;
  double *restrict row = g->row;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      ell_row_apply(g, u, j, k, row);
      long p = aeon_idx(m, 0, j, k);
      const double *restrict fp = f + p;
      double *restrict rp = r + p;
      for (int i = 0; i < m->n[0]; i++) rp[i] = fp[i] - row[i];
    }
}

/* Red-black rows: u_i += dinv_i (f_i - (A u)_i) at i = i0, i0 + 2, ... (the other colour's values are read only). */
static void rbgs_helmholtz(const ell_grid *g, double *restrict u, const double *restrict f,
                           const double *restrict di, long p, int i0, int n) {
  HELM_SETUP(g, p);
  u += p;
  f += p;
  di += p;
  if (a == 0)
    for (int i = i0; i < n; i += 2) u[i] += di[i] * (f[i] + HELM_DIV(i));
  else
    for (int i = i0; i < n; i += 2) u[i] += di[i] * (f[i] - a * al[i] * u[i] + HELM_DIV(i));
}

static void rbgs_laplacian2(const ell_grid *g, double *restrict u, const double *restrict f,
                            const double *restrict di, long p, int i0, int n) {
  LAP2_SETUP(g);
  u += p;
  f += p;
  di += p;
  for (int i = i0; i < n; i += 2) u[i] += di[i] * (f[i] - LAP2(i));
}

void ell_rbgs(ell_grid *g, double *u, const double *f, int color) {
  const aeon_mesh *m = &g->m;
  double *restrict row = g->row;
  const double *dinv = g->dinv.data;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      long p = aeon_idx(m, 0, j, k);
      int i0 = (int)((m->off[0] + m->off[1] + j + m->off[2] + k + color) & 1);
      if (g->kind == AEON_ELL_HELMHOLTZ) {
        rbgs_helmholtz(g, u, f, dinv, p, i0, m->n[0]);
        continue;
      }
      if (g->kind == AEON_ELL_LAPLACIAN2) {
        rbgs_laplacian2(g, u, f, dinv, p, i0, m->n[0]);
        continue;
      }
      ell_row_apply(g, u, j, k, row);
      double *restrict up = u + p;
      const double *restrict fp = f + p, *restrict dp = dinv + p;
      for (int i = i0; i < m->n[0]; i += 2) up[i] += dp[i] * (fp[i] - row[i]);
    }
}

/* The weight of the neighbour at offset o (|o| <= R) along d in (A u) at point p (interior), without boundary. */
static double stencil_weight(const ell_grid *g, int d, int o, const int p[3]) {
  double h = g->b * g->hinv2[d];
  if (g->kind == AEON_ELL_LAPLACIAN2) return -h;
  if (g->kind == AEON_ELL_LAPLACIAN4) return (o == 1 || o == -1) ? -h * 16 / 12 : h / 12;
  int q[3] = {p[0], p[1], p[2]};
  if (o > 0) q[d]++;
  return -h * aeon_var(&g->coef, d + 1)[aeon_idx(&g->m, q[0], q[1], q[2])];
}

void ell_grid_diag(ell_grid *g) {
  const aeon_mesh *m = &g->m;
  double *dv = g->dinv.data;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) {
        int p[3] = {i, j, k};
        double diag = g->a * (g->kind == AEON_ELL_HELMHOLTZ ? aeon_var(&g->coef, 0)[aeon_idx(m, i, j, k)] : 1.0);
        for (int d = 0; d < 3; d++) {
          for (int o = 1; o <= g->R; o++) diag -= stencil_weight(g, d, o, p) + stencil_weight(g, d, -o, p);
          for (int hi = 0; hi < 2; hi++) {
            int f = 2 * d + hi;
            if (!m->physical[f]) continue;
            int c = hi ? m->n[d] - 1 - p[d] : p[d]; /* distance index from the face */
            for (int o = 1; o <= g->R; o++) {
              int l = o - c - 1; /* ghost layer reached by offset o towards the face */
              if (l < 0) continue;
              int gp[3] = {p[0], p[1], p[2]};
              gp[d] = hi ? m->n[d] + l : -1 - l;
              diag += stencil_weight(g, d, hi ? o : -o, p) * ghost_coef(g, f, l, c, gp);
            }
          }
        }
        dv[aeon_idx(m, i, j, k)] = 1.0 / diag;
      }
}

void ell_dirichlet_fold(ell_grid *g, aeon_ell_bc_fn gfn, void *ctx, double *u, double *b, long base, long sy,
                        long sz, double sign) {
  const aeon_mesh *m = &g->m;
  memset(u, 0, sizeof(double) * m->npts);
  const long st[3] = {1, m->sy, m->sz};
  for (int f = 0; f < 6; f++) {
    if (!m->physical[f] || m->bc[f] != AEON_BC_DIRICHLET) continue;
    int d = f / 2, hi = f % 2, d1 = (d + 1) % 3, d2 = (d + 2) % 3;
    for (int q = 0; q < m->n[d2]; q++)
      for (int p = 0; p < m->n[d1]; p++) {
        int ii[3];
        ii[d] = 0;
        ii[d1] = p;
        ii[d2] = q;
        double x[3];
        for (int e = 0; e < 3; e++) x[e] = aeon_coord(m, e, ii[e]);
        x[d] = g->vertex ? aeon_coord(m, d, hi ? m->n[d] : -1) : hi ? m->xmax[d] : m->xmin[d];
        double gv = gfn(x, ctx);
        long p0 = aeon_idx(m, ii[0], ii[1], ii[2]);
        for (int l = 0; l < g->R; l++) u[p0 + (hi ? m->n[d] + l : -1 - l) * st[d]] = g->W[l] * gv;
      }
  }
  double *row = g->row;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      ell_row_apply(g, u, j, k, row);
      double *bp = b + base + j * sy + k * sz;
      for (int i = 0; i < m->n[0]; i++) bp[i] += sign * row[i];
    }
}
