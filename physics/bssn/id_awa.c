/* The Apples-with-Apples wave testbeds (Alcubierre et al. 2004, CQG 21, 589):
 * exact solutions of the vacuum Einstein equations on a periodic box, each a
 * function of the phase s = x_w - t along the wave coordinate x_w.
 *   linear_wave  ds^2 = -dt^2 + dx^2 + (1 + b) dy^2 + (1 - b) dz^2, b = A sin(2 pi (x - t)/d)
 *                (linearised gravity; alpha = 1, beta = 0)
 *   gauge_wave   ds^2 = -H dt^2 + H dx^2 + dy^2 + dz^2, H = 1 - A sin(2 pi (x - t)/d)
 *                (flat space in wavy coordinates; alpha = sqrt(H), beta = 0)
 * With zero shift K_ij = -(1/(2 alpha)) d_t gamma_ij, so in the wave frame
 *   linear:  K_yy = -b_t/2, K_zz = +b_t/2,  b_t = -(2 pi A/d) cos(phase)
 *   gauge:   K_xx = -H_t/(2 sqrt(H)),       H_t = +(2 pi A/d) cos(phase).
 * Data flow: create reads bssn.wave_* into a context; point() evaluates the
 * wave-frame tensors at the point's phase and, for bssn.wave_direction:
 * diagonal, rotates them into the grid frame with AwA's rotation
 * x_w = (x - y)/sqrt(2), y_w = (x + y)/sqrt(2): the phase is then
 * 2 pi (x - y - sqrt(2) t)/d, so d is the period along x (and y) and the
 * wavelength is d/sqrt(2) (AwA's d' = sqrt(2) d). Both kinds are exact at
 * every t, so the module reports err_gxx against them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "bssn_id.h"

/* Shared by both kinds; declared once (on linear_wave) because the module joins every kind's table. */
static const aeon_param_decl awa_params[] = {
  {"bssn.wave_amplitude", AEON_PT_REAL, "1e-8", -0.99, 0.99, NULL,
   "amplitude A of linear_wave / gauge_wave (AwA: 1e-8 linear wave, 0.01 and 0.1 gauge wave)", AEON_RESTART_FIXED},
  {"bssn.wave_direction", AEON_PT_ENUM, "x", AEON_NORANGE, "x|diagonal",
   "linear_wave / gauge_wave: along x, or along the x-y diagonal (phase 2 pi (x - y - sqrt(2) t)/d)",
   AEON_RESTART_FIXED},
  {"bssn.wave_length", AEON_PT_REAL, "1", 1e-12, 1e12, NULL,
   "linear_wave / gauge_wave: period d along x (the wavelength; diagonal: d/sqrt(2))", AEON_RESTART_FIXED},
};

enum { AWA_LINEAR, AWA_GAUGE };

typedef struct awa_ctx {
  int kind;     /* AWA_LINEAR or AWA_GAUGE */
  int diagonal; /* 1: along the x-y diagonal */
  double amp;   /* A */
  double kw;    /* wave number along x_w: 2 pi / (d / sqrt(2)) diagonal, 2 pi / d otherwise */
} awa_ctx;

/* Index of the symmetric component (i, j) in xx, xy, xz, yy, yz, zz order. */
static int sym(int i, int j) {
  static const int idx[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  return idx[i][j];
}

static aeon_err awa_create(const aeon_deck *deck, const aeon_mesh *m, void **ctx, int kind) {
  (void)m;
  double amp = aeon_deck_real(deck, "bssn.wave_amplitude");
  if (kind == AWA_GAUGE && fabs(amp) >= 0.99)
    return AE_ERR(AEON_ERR_USER, "bssn.wave_amplitude = %g: the gauge wave needs |A| < 1 (H = 1 - A sin > 0)", amp);
  awa_ctx *c = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *c, (void **)&c));
  c->kind = kind;
  c->diagonal = strcmp(aeon_deck_string(deck, "bssn.wave_direction"), "diagonal") == 0;
  c->amp = amp;
  double d = aeon_deck_real(deck, "bssn.wave_length");
  c->kw = 2.0 * M_PI / (c->diagonal ? d / sqrt(2.0) : d);
  *ctx = c;
  return AEON_OK;
}

static aeon_err linear_create(const aeon_deck *deck, const aeon_mesh *m, void **ctx) {
  return awa_create(deck, m, ctx, AWA_LINEAR);
}

static aeon_err gauge_create(const aeon_deck *deck, const aeon_mesh *m, void **ctx) {
  return awa_create(deck, m, ctx, AWA_GAUGE);
}

static void awa_destroy(void *ctx) { aeon_mem_free(ctx); }

/* The wave-frame metric, extrinsic curvature and lapse at phase s = x_w - t. */
static void wave_frame(const awa_ctx *c, double s, double g[6], double k[6], double *alpha) {
  double sn = sin(c->kw * s), cs = cos(c->kw * s);
  memset(g, 0, 6 * sizeof *g);
  memset(k, 0, 6 * sizeof *k);
  g[0] = g[3] = g[5] = 1.0;
  if (c->kind == AWA_LINEAR) {
    double b = c->amp * sn, bt = -c->amp * c->kw * cs;
    g[3] = 1.0 + b, g[5] = 1.0 - b;
    k[3] = -0.5 * bt, k[5] = 0.5 * bt;
    *alpha = 1.0;
  } else {
    double h = 1.0 - c->amp * sn, ht = c->amp * c->kw * cs;
    g[0] = h;
    *alpha = sqrt(h);
    k[0] = -ht / (2.0 * *alpha);
  }
}

/* T_ij = J^a_i J^b_j Tw_ab with J = d(x_w, y_w)/d(x, y) for x_w = (x - y)/sqrt(2), y_w = (x + y)/sqrt(2). */
static void rotate(const double tw[6], double t[6]) {
  const double r = sqrt(0.5);
  const double J[3][3] = {{r, -r, 0}, {r, r, 0}, {0, 0, 1}}; /* J[a][i] = d x_w^a / d x^i */
  for (int i = 0; i < 3; i++)
    for (int j = i; j < 3; j++) {
      double v = 0;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) v += J[a][i] * J[b][j] * tw[sym(a, b)];
      t[sym(i, j)] = v;
    }
}

static void awa_point(const void *ctx, double t, const double x[3], bssn_adm *out) {
  const awa_ctx *c = ctx;
  double xw = c->diagonal ? (x[0] - x[1]) * sqrt(0.5) : x[0];
  double g[6], k[6];
  memset(out, 0, sizeof *out);
  wave_frame(c, xw - t, g, k, &out->alpha);
  if (c->diagonal) {
    rotate(g, out->g);
    rotate(k, out->k);
  } else {
    memcpy(out->g, g, sizeof g);
    memcpy(out->k, k, sizeof k);
  }
}

const bssn_id_ops bssn_id_linear_wave = {
    .name = "linear_wave",
    .doc = "AwA linear wave: h_yy = -h_zz = A sin(2 pi (x - t)/d), along x or the x-y diagonal",
    .params = awa_params,
    .nparams = sizeof awa_params / sizeof awa_params[0],
    .exact = 1,
    .periodic_ok = 1,
    .create = linear_create,
    .destroy = awa_destroy,
    .point = awa_point,
};

const bssn_id_ops bssn_id_gauge_wave = {
    .name = "gauge_wave",
    .doc = "AwA gauge wave: flat space with H = 1 - A sin(2 pi (x - t)/d), alpha = sqrt(H), along x or the diagonal",
    .params = NULL, /* its keys are declared by linear_wave (shared, declared once) */
    .nparams = 0,
    .exact = 1,
    .periodic_ok = 1,
    .create = gauge_create,
    .destroy = awa_destroy,
    .point = awa_point,
};
