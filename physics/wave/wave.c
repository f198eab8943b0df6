/* The scalar wave equation in first-order-in-time form,
 *   d_t u = pi,   d_t pi = c^2 lap u,
 * with 4th-order centred differences, 6th-difference Kreiss-Oliger dissipation
 * (the point kernel in wave_point.h, on the operators of aeon/stencil.h), and
 * exact solutions to measure the error against. Boundaries are the core's:
 * u and pi are scalars (even under every reflection) that fall off as 1/r
 * towards 0 at speed c from wave.center (the radiative condition). Diagnostics
 * are fused into the rhs pass; a plane or standing wave that does not vary
 * along z evaluates its exact solution once per (x, y) column. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/physics.h"
#include "wave_point.h"

enum { U = 0, PI = 1 };
enum { SOL_PLANE, SOL_STANDING, SOL_GAUSSIAN };

static const aeon_param_decl wave_params[] = {
  {"wave.solution", AEON_PT_ENUM, "plane", AEON_NORANGE, "plane|standing|gaussian",
   "initial data and exact solution: travelling plane wave, standing wave, or spherical Gaussian pulse",
   AEON_RESTART_FIXED},
  {"wave.amplitude", AEON_PT_REAL, "1", AEON_NORANGE, NULL, "amplitude A", AEON_RESTART_FIXED},
  {"wave.k", AEON_PT_INT3, "[1, 0, 0]", -1000, 1000, NULL,
   "wave numbers: plane 2 pi k/L, standing pi k/L per direction", AEON_RESTART_FIXED},
  {"wave.speed", AEON_PT_REAL, "1", 1e-12, 1e12, NULL, "propagation speed c", AEON_RESTART_FIXED},
  {"wave.dissipation", AEON_PT_REAL, "0", 0, 1, NULL,
   "Kreiss-Oliger dissipation strength (6th difference, scaled by 1/(64 dx))", AEON_RESTART_CHANGEABLE},
  {"wave.width", AEON_PT_REAL, "0.1", 1e-12, 1e12, NULL, "Gaussian pulse width w", AEON_RESTART_FIXED},
  {"wave.center", AEON_PT_REAL3, "0", AEON_NORANGE, NULL,
   "Gaussian pulse centre (also the origin of the radiative condition)", AEON_RESTART_FIXED},
};

static const aeon_field_desc wave_vars[] = {
  {"u", "u", AEON_TENSOR_SCALAR, 0, AEON_ROLE_EVOLVED, 0.0, 1.0, 1.0},
  {"pi", "pi", AEON_TENSOR_SCALAR, 0, AEON_ROLE_EVOLVED, 0.0, 1.0, 1.0},
};

static const char *const wave_diags[] = {"err_u", "err_pi", "u"};

/* Points per quantity the diagnostics gather (from several rows) before adding them to the exact accumulators, whose
 * vectorised path has a fixed cost per call. */
#define DIAG_BATCH 2048

typedef struct {
  int solution;
  double amp, c, eps, width;
  double K[3], omega, center[3], xmin[3];
  double *cache; /* exact u and pi of the interior's (x, y) plane (2 n[0] n[1]) when the solution does not vary in z */
  double *rows;  /* err_u, err_pi, u of up to batch points, and (when the solution varies in z) the exact u, pi of one
                  * row (3 batch + 2 n[0]) */
  long batch;    /* points per quantity handed to the norm accumulators at once */
  double plane_t; /* the time of the exact plane in cache */
  int plane_ok;
} wave;

static void wave_destroy(void *self) {
  wave *w = self;
  if (w) aeon_mem_free(w->cache), aeon_mem_free(w->rows);
  aeon_mem_free(w);
}

static aeon_err wave_create(const aeon_deck *deck, const aeon_mesh *m, aeon_phys_setup *setup, void **selfp) {
  wave *w = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *w, (void **)&w));
  *selfp = w;
  const char *sol = aeon_deck_string(deck, "wave.solution");
  w->solution = strcmp(sol, "plane") == 0 ? SOL_PLANE : strcmp(sol, "standing") == 0 ? SOL_STANDING : SOL_GAUSSIAN;
  w->amp = aeon_deck_real(deck, "wave.amplitude");
  w->c = aeon_deck_real(deck, "wave.speed");
  w->eps = aeon_deck_real(deck, "wave.dissipation");
  w->width = aeon_deck_real(deck, "wave.width");
  aeon_deck_real3(deck, "wave.center", w->center);
  long k[3];
  aeon_deck_int3(deck, "wave.k", k);
  double k2 = 0;
  for (int d = 0; d < 3; d++) {
    double L = m->xmax[d] - m->xmin[d];
    w->xmin[d] = m->xmin[d];
    w->K[d] = (w->solution == SOL_PLANE ? 2.0 : 1.0) * M_PI * (double)k[d] / L;
    k2 += w->K[d] * w->K[d];
    if (w->solution == SOL_STANDING && m->bc[2 * d] == AEON_BC_PERIODIC && k[d] % 2 != 0) {
      wave_destroy(w);
      *selfp = NULL;
      return AE_ERR(AEON_ERR_USER,
                    "%s: wave.k[%d] = %ld must be even for a standing wave in a periodic direction",
                    aeon_deck_filename(deck), d, k[d]);
    }
  }
  w->omega = w->c * sqrt(k2);
  for (int v = 0; v < setup->nvar; v++) setup->vars[v].rad_speed = w->c;
  memcpy(setup->origin, w->center, sizeof setup->origin);
  size_t nx = (size_t)(m->n[0] > 0 ? m->n[0] : 1), ny = (size_t)(m->n[1] > 0 ? m->n[1] : 1);
  w->batch = nx > DIAG_BATCH ? (long)nx : DIAG_BATCH;
  AE_CHK(aeon_mem_alloc(sizeof(double) * (3 * (size_t)w->batch + 2 * nx), (void **)&w->rows));
  return aeon_mem_alloc(sizeof(double) * 2 * nx * ny, (void **)&w->cache);
}

/* Spherical pulse: u = ((r - ct) G(r - ct) + (r + ct) G(r + ct)) / 2r with G(s) = A exp(-s^2/w^2). */
static void gaussian_exact(const wave *w, double r, double t, double *u, double *pi) {
  double ct = w->c * t, iw2 = 1.0 / (w->width * w->width);
  double sm = r - ct, sp = r + ct;
  double gm = w->amp * exp(-sm * sm * iw2), gp = w->amp * exp(-sp * sp * iw2);
  if (r < 1e-12) {
    *u = gp * (1.0 - 2.0 * ct * ct * iw2);
    *pi = w->c * gp * (-6.0 * ct * iw2 + 4.0 * ct * ct * ct * iw2 * iw2);
    return;
  }
  /* d/ds (s G(s)) = G(s) (1 - 2 s^2 / w^2) */
  double hm = gm * (1.0 - 2.0 * sm * sm * iw2), hp = gp * (1.0 - 2.0 * sp * sp * iw2);
  *u = (sm * gm + sp * gp) / (2.0 * r);
  *pi = w->c * (hp - hm) / (2.0 * r);
}

static void exact(const wave *w, const double x[3], double t, double *u, double *pi) {
  if (w->solution == SOL_PLANE) {
    double ph = -w->omega * t;
    for (int d = 0; d < 3; d++) ph += w->K[d] * (x[d] - w->xmin[d]);
    *u = w->amp * sin(ph);
    *pi = -w->amp * w->omega * cos(ph);
  } else if (w->solution == SOL_STANDING) {
    double s = w->amp;
    for (int d = 0; d < 3; d++) s *= cos(w->K[d] * (x[d] - w->xmin[d]));
    *u = s * cos(w->omega * t);
    *pi = -s * w->omega * sin(w->omega * t);
  } else {
    double r2 = 0;
    for (int d = 0; d < 3; d++) r2 += (x[d] - w->center[d]) * (x[d] - w->center[d]);
    gaussian_exact(w, sqrt(r2), t, u, pi);
  }
}

static aeon_err wave_initial(void *self, const aeon_mesh *m, double t, aeon_fields *f) {
  const wave *w = self;
  double *u = aeon_var(f, U), *pi = aeon_var(f, PI);
  const aeon_box *b = &m->valid;
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++)
      for (int i = b->lo[0]; i < b->hi[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
        long p = aeon_idx(m, i, j, k);
        exact(w, x, t, &u[p], &pi[p]);
      }
  return AEON_OK;
}

#define TILE_J 16

/* The rhs constants of this mesh: c^2/(12 h^2) and eps/h per direction, and the strides. */
static wave_coef wave_coefs(const wave *w, const aeon_mesh *m) {
  const double c2 = w->c * w->c;
  wave_coef c = {
    .cx = c2 / (12.0 * m->dx[0] * m->dx[0]), .cy = c2 / (12.0 * m->dx[1] * m->dx[1]),
    .cz = c2 / (12.0 * m->dx[2] * m->dx[2]), .ex = w->eps / m->dx[0], .ey = w->eps / m->dx[1],
    .ez = w->eps / m->dx[2], .sy = m->sy, .sz = m->sz};
  return c;
}

/* One x row of len points from index o. Not inlined: its restrict pointers tell gcc the rows do
 * not overlap, so the loop vectorises without run-time alias checks. */
__attribute__((noinline)) static void rhs_row(wave_coef c, const double *restrict u, const double *restrict pi,
                                              double *restrict du, double *restrict dpi, long o, long len,
                                              int diss) {
  if (diss)
    for (long p = o; p < o + len; p++) /* vectorised: checked by tests/vectorise */
      wave_point(c, u, pi, du, dpi, p, 1);
  else
    for (long p = o; p < o + len; p++) /* vectorised: checked by tests/vectorise */
      wave_point(c, u, pi, du, dpi, p, 0);
}

static void wave_rhs(void *self, const aeon_mesh *m, double t, const aeon_fields *f, aeon_fields *r,
                     const aeon_box *b) {
  const wave *w = self;
  const wave_coef c = wave_coefs(w, m);
  const int diss = w->eps > 0;
  const double *u = aeon_var(f, U), *pi = aeon_var(f, PI);
  double *du = aeon_var(r, U), *dpi = aeon_var(r, PI);
  long len = b->hi[0] - b->lo[0];
  /* tiles of TILE_J rows keep the 5-7 planes of the z stencil in cache */
  for (int j0 = b->lo[1]; j0 < b->hi[1]; j0 += TILE_J) {
    int j1 = j0 + TILE_J < b->hi[1] ? j0 + TILE_J : b->hi[1];
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = j0; j < j1; j++) rhs_row(c, u, pi, du, dpi, aeon_idx(m, b->lo[0], j, k), len, diss);
  }
}

/* The exact u and pi of the interior's (x, y) plane at time t, computed once per t: a plane or standing wave
 * with K[2] = 0 does not vary in z (the same bits at every z: K[2] (z - zmin) is an exact zero). */
static void exact_plane(wave *w, const aeon_mesh *m, double t) {
  if (w->plane_ok && w->plane_t == t) return;
  long n0 = m->n[0], n1 = m->n[1];
  for (int j = 0; j < n1; j++)
    for (int i = 0; i < n0; i++) {
      double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, 0)};
      exact(w, x, t, &w->cache[j * n0 + i], &w->cache[n0 * n1 + j * n0 + i]);
    }
  w->plane_t = t, w->plane_ok = 1;
}

/* Adds err_u, err_pi and u on the points of box, gathered row by row into batches of up to w->batch points each
 * (three exact sums). */
static void wave_diagnostics(void *self, const aeon_mesh *m, double t, const aeon_fields *f, aeon_fields *aux,
                             aeon_norm_acc *acc, const aeon_box *b) {
  wave *w = self;
  const double *u = aeon_var(f, U), *pi = aeon_var(f, PI);
  int zinv = w->solution != SOL_GAUSSIAN && w->K[2] == 0;
  long nx = b->hi[0] - b->lo[0], n0 = m->n[0], n1 = m->n[1], B = w->batch, fill = 0;
  double *eu = w->rows, *ep = eu + B, *uu = ep + B, *ue = uu + B, *pe = ue + n0;
  const double *rows[3] = {eu, ep, uu};
  if (nx <= 0) return;
  if (zinv) exact_plane(w, m, t);
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++) {
      const double *xu = ue, *xp = pe;
      if (zinv) {
        xu = w->cache + j * n0 + b->lo[0];
        xp = xu + n0 * n1;
      } else {
        for (int i = b->lo[0]; i < b->hi[0]; i++) {
          double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
          exact(w, x, t, &ue[i - b->lo[0]], &pe[i - b->lo[0]]);
        }
      }
      if (fill + nx > B) {
        aeon_norm_acc_add_rows(acc, 3, rows, fill);
        fill = 0;
      }
      long p = aeon_idx(m, b->lo[0], j, k);
      for (long i = 0; i < nx; i++) {
        eu[fill + i] = u[p + i] - xu[i];
        ep[fill + i] = pi[p + i] - xp[i];
        uu[fill + i] = u[p + i];
      }
      fill += nx;
    }
  if (fill > 0) aeon_norm_acc_add_rows(acc, 3, rows, fill);
}

/* Samples per direction of sin^2(theta/2) in [0, 1] for the spectrum (both symbols grow with it: the ends are the
 * extremes). */
#define SPEC_S 10

/* The eigenvalues of the rhs for Fourier mode theta: with s_d = sin^2(theta_d / 2), the 4th-order Laplacian's symbol
 * is -sum c^2 / h_d^2 (4 s_d + 4/3 s_d^2) and KO6's is -sum eps / h_d s_d^3, so d_t (u, pi) = [[D, 1], [L, D]] (u, pi)
 * has lambda = D +- i sqrt(-L). One of each pair, on a SPEC_S^3 grid of (s_x, s_y, s_z). */
static int wave_spectrum(void *self, const aeon_mesh *m, int max, double *re, double *im) {
  const wave *w = self;
  int n = 0;
  for (int a = 0; a < SPEC_S; a++)
    for (int b = 0; b < SPEC_S; b++)
      for (int c = 0; c < SPEC_S && n < max; c++) {
        double s[3] = {a / (SPEC_S - 1.0), b / (SPEC_S - 1.0), c / (SPEC_S - 1.0)}, lap = 0, diss = 0;
        for (int d = 0; d < 3; d++) {
          lap += w->c * w->c / (m->dx[d] * m->dx[d]) * (4.0 * s[d] + 4.0 / 3.0 * s[d] * s[d]);
          diss += w->eps / m->dx[d] * s[d] * s[d] * s[d];
        }
        re[n] = -diss, im[n] = sqrt(lap), n++;
      }
  return n;
}

static const aeon_physics_ops wave_ops = {
  .name = "wave",
  .doc = "scalar wave equation (test physics with exact solutions)",
  .params = wave_params,
  .nparams = sizeof wave_params / sizeof wave_params[0],
  .nvar = 2,
  .vars = wave_vars,
  .ndiag = 3,
  .diag_names = wave_diags,
  .stencil_radius = WAVE_RADIUS,
  .linear = 1,
  .fuse_diagnostics = 1,
  .create = wave_create,
  .destroy = wave_destroy,
  .initial_data = wave_initial,
  .rhs = wave_rhs,
  .diagnostics = wave_diagnostics,
  .spectrum = wave_spectrum,
};

aeon_err aeon_physics_register_wave(void) { return aeon_physics_register(&wave_ops); }
