/* Brill-Lindquist puncture data: time-symmetric, conformally flat initial data of any
 * number of black holes at rest (Brill & Lindquist 1963):
 *   psi = 1 + sum_i m_i / (2 r_i),  gamma_ij = psi^4 delta_ij,  K_ij = 0,  beta = 0,
 * with r_i the distance to puncture i. One puncture is Schwarzschild in isotropic
 * coordinates; the kind `schwarzschild` is this data restricted to exactly one entry.
 * The lapse is bssn.initial_lapse: one, precollapsed (alpha = psi^-2, the usual start of
 * moving-puncture runs) or isotropic (the static Schwarzschild lapse
 * (1 - m/2r) / (1 + m/2r), one puncture only).
 *
 * create reads bssn.punctures (a list of maps {mass, position}) and checks it against the
 * mesh: masses > 0, positions inside the grid, no two punctures at the same place, none on a
 * grid point (psi is infinite there). A symmetry face at x = a reflects the data, so each
 * puncture off a symmetry plane gets its mirror image (x -> 2a - x); the images are added to
 * the list point() sums over. Both faces of one direction as symmetry faces are refused (the
 * images would never end). Periodic faces are refused by the module (periodic_ok = 0). */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"

#include "bssn_id.h"

#define PUNCT_MAX 16 /* punctures in the deck (each gets up to 7 images with symmetry faces) */

typedef enum { LAPSE_ONE, LAPSE_PRECOLLAPSED, LAPSE_ISOTROPIC } punct_lapse;

typedef struct punct_ctx {
  int n;                    /* punctures including mirror images */
  double m[8 * PUNCT_MAX];  /* bare masses */
  double x[8 * PUNCT_MAX][3];
  punct_lapse lapse;
} punct_ctx;

static const aeon_param_decl punct_params[] = {
    {"bssn.punctures", AEON_PT_LIST, "[{mass: 1, position: [0, 0, 0]}]", 1, PUNCT_MAX, NULL,
     "initial_data punctures/schwarzschild: the Brill-Lindquist punctures (mass, position)", AEON_RESTART_FIXED},
    {"bssn.punctures[].mass", AEON_PT_REAL, NULL, AEON_NORANGE, NULL, "bare mass m_i (> 0)", AEON_RESTART_FIXED},
    {"bssn.punctures[].position", AEON_PT_REAL3, "0", AEON_NORANGE, NULL,
     "coordinate position (inside the grid, not on a grid point)", AEON_RESTART_FIXED},
    {"bssn.initial_lapse", AEON_PT_ENUM, "precollapsed", AEON_NORANGE, "one|precollapsed|isotropic",
     "initial_data punctures: lapse 1, psi^-2, or the static Schwarzschild lapse (one puncture)",
     AEON_RESTART_FIXED},
};

static const char axis[3] = {'x', 'y', 'z'};

/* Checks puncture i of the deck against the mesh. */
static aeon_err check_one(const aeon_mesh *m, int i, double mass, const double x[3]) {
  if (!(mass > 0) || !isfinite(mass))
    return AE_ERR(AEON_ERR_USER, "bssn.punctures[%d].mass = %g: a puncture's mass must be finite and > 0", i, mass);
  int on_point = 1;
  for (int d = 0; d < 3; d++) {
    if (!(x[d] >= m->xmin[d] && x[d] <= m->xmax[d]))
      return AE_ERR(AEON_ERR_USER,
                    "bssn.punctures[%d].position = [%g, %g, %g] is outside the grid: %c must lie in [%g, %g]%s", i,
                    x[0], x[1], x[2], axis[d], m->xmin[d], m->xmax[d],
                    (m->bc[2 * d] == AEON_BC_SYMMETRY || m->bc[2 * d + 1] == AEON_BC_SYMMETRY)
                        ? " (the side of the symmetry plane the grid covers; its mirror image is implied)"
                        : "");
    double s = (x[d] - m->xmin[d]) / m->dx[d] - 0.5; /* grid points at integer s */
    on_point = on_point && fabs(s - nearbyint(s)) < 1e-6;
  }
  if (on_point)
    return AE_ERR(AEON_ERR_USER,
                  "bssn.punctures[%d].position = [%g, %g, %g] lies on a grid point, where psi is infinite; move it "
                  "off the points (e.g. by half a cell)",
                  i, x[0], x[1], x[2]);
  return AEON_OK;
}

/* Adds puncture (mass, x) and its mirror images at the symmetry faces to ctx. */
static aeon_err add_with_images(const aeon_mesh *m, punct_ctx *c, double mass, const double x[3]) {
  double plane[3];
  int mirror[3];
  for (int d = 0; d < 3; d++) {
    int lo = m->bc[2 * d] == AEON_BC_SYMMETRY, hi = m->bc[2 * d + 1] == AEON_BC_SYMMETRY;
    if (lo && hi)
      return AE_ERR(AEON_ERR_USER,
                    "bssn.punctures: both %c faces are symmetry faces; puncture data needs at most one per direction",
                    axis[d]);
    plane[d] = lo ? m->xmin[d] : m->xmax[d];
    /* an image only for a puncture off the plane (one on it is its own image) */
    mirror[d] = (lo || hi) && fabs(x[d] - plane[d]) > 1e-12 * (m->xmax[d] - m->xmin[d]);
  }
  for (int s = 0; s < 8; s++) {
    if (((s & 1) && !mirror[0]) || ((s & 2) && !mirror[1]) || ((s & 4) && !mirror[2])) continue;
    for (int d = 0; d < 3; d++) c->x[c->n][d] = (s >> d & 1) ? 2 * plane[d] - x[d] : x[d];
    c->m[c->n++] = mass;
  }
  return AEON_OK;
}

/* Reads bssn.punctures and bssn.initial_lapse; max_punctures 0 means any number. */
static aeon_err create_n(const aeon_deck *deck, const aeon_mesh *m, void **ctxp, int max_punctures) {
  int n = aeon_deck_list_len(deck, "bssn.punctures");
  if (max_punctures > 0 && n > max_punctures)
    return AE_ERR(AEON_ERR_USER,
                  "bssn.punctures has %d entries; bssn.initial_data: schwarzschild takes exactly one (use punctures)",
                  n);
  const char *lapse = aeon_deck_string(deck, "bssn.initial_lapse");
  if (strcmp(lapse, "isotropic") == 0 && n != 1)
    return AE_ERR(AEON_ERR_USER, "bssn.initial_lapse: isotropic is the Schwarzschild lapse of one puncture (%d given)",
                  n);
  for (int d = 0; d < 3; d++)
    if (m->bc[2 * d] == AEON_BC_PERIODIC)
      return AE_ERR(AEON_ERR_USER, "bssn.initial_data: puncture data needs non-periodic faces (boundary %c is periodic)",
                    axis[d]);
  double x[PUNCT_MAX][3], mass[PUNCT_MAX];
  for (int i = 0; i < n; i++) {
    mass[i] = aeon_deck_list_real(deck, "bssn.punctures", i, "mass");
    aeon_deck_list_real3(deck, "bssn.punctures", i, "position", x[i]);
    AE_CHK(check_one(m, i, mass[i], x[i]));
    double diag = hypot(hypot(m->xmax[0] - m->xmin[0], m->xmax[1] - m->xmin[1]), m->xmax[2] - m->xmin[2]);
    for (int j = 0; j < i; j++)
      if (hypot(hypot(x[i][0] - x[j][0], x[i][1] - x[j][1]), x[i][2] - x[j][2]) <= 1e-12 * diag)
        return AE_ERR(AEON_ERR_USER, "bssn.punctures[%d] and bssn.punctures[%d] are at the same position [%g, %g, %g]",
                      j, i, x[i][0], x[i][1], x[i][2]);
  }
  punct_ctx *c;
  AE_CHK(aeon_mem_alloc(sizeof *c, (void **)&c));
  c->lapse = strcmp(lapse, "one") == 0 ? LAPSE_ONE : strcmp(lapse, "precollapsed") == 0 ? LAPSE_PRECOLLAPSED
                                                                                           : LAPSE_ISOTROPIC;
  aeon_err e = AEON_OK;
  for (int i = 0; i < n && !e; i++) e = add_with_images(m, c, mass[i], x[i]);
  if (!e && c->lapse == LAPSE_ISOTROPIC && c->n != 1)
    e = AE_ERR(AEON_ERR_USER, "bssn.initial_lapse: isotropic needs the puncture on every symmetry plane (it has %d "
               "mirror images)", c->n - 1);
  if (e) {
    aeon_mem_free(c);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *ctxp = c;
  return AEON_OK;
}

static aeon_err punctures_create(const aeon_deck *deck, const aeon_mesh *m, void **ctx) {
  return create_n(deck, m, ctx, 0);
}

static aeon_err schwarzschild_create(const aeon_deck *deck, const aeon_mesh *m, void **ctx) {
  return create_n(deck, m, ctx, 1);
}

static void punctures_destroy(void *ctx) { aeon_mem_free(ctx); }

/* The Brill-Lindquist metric and the chosen lapse at x. The terms m_i / 2r_i are summed in ascending order, so a
 * configuration symmetric under a reflection gives bit-identical psi at mirror points (and a half box with implied
 * images the same bits as the full box with every copy listed). */
static void punctures_point(const void *ctxv, double t, const double x[3], bssn_adm *out) {
  (void)t;
  const punct_ctx *c = ctxv;
  double term[8 * PUNCT_MAX], r1 = 0;
  for (int i = 0; i < c->n; i++) {
    double dx = x[0] - c->x[i][0], dy = x[1] - c->x[i][1], dz = x[2] - c->x[i][2];
    double r = sqrt(dx * dx + dy * dy + dz * dz), v = c->m[i] / (2 * r);
    int j = i;
    for (; j > 0 && term[j - 1] > v; j--) term[j] = term[j - 1]; /* insertion sort */
    term[j] = v;
    if (i == 0) r1 = r;
  }
  double psi = 1;
  for (int i = 0; i < c->n; i++) psi += term[i];
  double psi2 = psi * psi, psi4 = psi2 * psi2;
  memset(out, 0, sizeof *out);
  out->g[0] = out->g[3] = out->g[5] = psi4;
  if (c->lapse == LAPSE_ONE) out->alpha = 1;
  else if (c->lapse == LAPSE_PRECOLLAPSED) out->alpha = 1 / psi2;
  else out->alpha = (1 - c->m[0] / (2 * r1)) / (1 + c->m[0] / (2 * r1));
}

const bssn_id_ops bssn_id_punctures = {
    .name = "punctures",
    .doc = "Brill-Lindquist punctures at rest (bssn.punctures: list of {mass, position}; bssn.initial_lapse)",
    .params = punct_params,
    .nparams = (int)(sizeof punct_params / sizeof punct_params[0]),
    .exact = 0,
    .periodic_ok = 0,
    .create = punctures_create,
    .destroy = punctures_destroy,
    .point = punctures_point,
};

/* Schwarzschild in isotropic coordinates: `punctures` with exactly one entry (its keys). */
const bssn_id_ops bssn_id_schwarzschild = {
    .name = "schwarzschild",
    .doc = "Schwarzschild in isotropic coordinates: bssn.punctures with exactly one entry",
    .exact = 0,
    .periodic_ok = 0,
    .create = schwarzschild_create,
    .destroy = punctures_destroy,
    .point = punctures_point,
};
