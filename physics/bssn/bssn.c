/* The BSSN/CCZ4 module (physics: bssn). Data flow:
 *   create: reads bssn.* (formulation, gauge, dissipation, damping, ACE), refuses
 *     inconsistent choices naming the key, creates the initial-data kind
 *     (bssn_id.h) and the rhs constants (bssn_point.h);
 *   initial_data: ADM point data of the kind -> W, gt, At, K, Gt^i (Gt^i from
 *     differences of gt of the rhs's order, evaluated from the kind's point function so
 *     ghosts get them too) + optional rank-count independent hash noise;
 *   rhs: chunks of x rows (stencils into a tile, then bssn_algebra of bssn_point.h over it), rows in blocks
 *     of TILE_J swept along z, the rows each plane reads first prefetched one plane ahead (the stencils of a
 *     chunk are vectorised loops per (field, operator), at 4th or 6th order: bssn.fd_order);
 *   diagnostics (fused into the rhs pass): constraints -> aux fields ham,
 *     mom_x..z and the norms ham, mom, gam, alpha, inv_alpha, err_gxx;
 *   post_step (bssn.ace): det(gt) = 1, tr(At) = 0, certificate = the largest
 *     corrections, and with bssn.ace_growth the Hamiltonian-constraint max norm
 *     bounded relative to the previous accepted step (reject -> rollback);
 *   spectrum: von Neumann symbols of the scheme linearised about flat space.
 * Equations, gauges and parameters: docs/bssn.md. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/physics.h"
#include "bssn_adm.h"
#include "bssn_analysis.h"
#include "bssn_id.h"
#include "bssn_point.h"

#define BSSN_NBASE (int)(sizeof bssn_base_params / sizeof bssn_base_params[0])
#define BSSN_MAXPARAMS 96

static const aeon_param_decl bssn_base_params[] = {
  {"bssn.formulation", AEON_PT_ENUM, "bssn", AEON_NORANGE, "bssn|ccz4",
   "evolution system: BSSN (moving-puncture form, W) or CCZ4 (Alic et al. 2012, Theta evolved)", AEON_RESTART_FIXED},
  {"bssn.initial_data", AEON_PT_ENUM, "minkowski", AEON_NORANGE, "minkowski",
   "initial data kind (physics/bssn/id_*.c)", AEON_RESTART_FIXED},
  {"bssn.noise", AEON_PT_REAL, "0", 0, 1, NULL,
   "noise amplitude a: uniform in (-a, a) added to every evolved variable (rank-count independent hash)",
   AEON_RESTART_FIXED},
  {"bssn.noise_seed", AEON_PT_INT, "1", 0, 2147483647, NULL, "seed of the noise hash", AEON_RESTART_FIXED},
  {"bssn.lapse", AEON_PT_ENUM, "1+log", AEON_NORANGE, "1+log|harmonic|geodesic",
   "slicing: d_t alpha = beta.grad alpha - 2 alpha K_hat (1+log), - alpha^2 K_hat (harmonic), 0 (geodesic)",
   AEON_RESTART_FIXED},
  {"bssn.shift", AEON_PT_ENUM, "gamma_driver", AEON_NORANGE, "gamma_driver|zero",
   "shift: Gamma-driver d_t beta = 3/4 B, d_t B = d_t Gt - eta B (with advection), or zero", AEON_RESTART_FIXED},
  {"bssn.eta", AEON_PT_REAL, "2", 0, 1e6, NULL, "Gamma-driver damping eta (needs bssn.shift: gamma_driver)",
   AEON_RESTART_CHANGEABLE},
  {"bssn.dissipation", AEON_PT_REAL, "0", 0, 1, NULL,
   "Kreiss-Oliger dissipation strength eps (6th difference, eps/h * delta^6 / 64, every variable)",
   AEON_RESTART_CHANGEABLE},
  {"bssn.kappa1", AEON_PT_REAL, "0.1", 0, 1e6, NULL, "CCZ4 constraint damping kappa1 (formulation: ccz4 only)",
   AEON_RESTART_CHANGEABLE},
  {"bssn.kappa2", AEON_PT_REAL, "0", -1, 1e6, NULL, "CCZ4 damping kappa2 (formulation: ccz4 only)",
   AEON_RESTART_CHANGEABLE},
  {"bssn.kappa3", AEON_PT_REAL, "0.5", 0, 1, NULL,
   "CCZ4 kappa3: 1 = the covariant shift terms, 0.5 (default) as Alic et al. for black holes (ccz4 only)",
   AEON_RESTART_CHANGEABLE},
  {"bssn.ace", AEON_PT_BOOL, "on", AEON_NORANGE, NULL,
   "algebraic constraint enforcement after each step: det(gt) = 1 and tr(At) = 0", AEON_RESTART_CHANGEABLE},
  {"bssn.ace_growth", AEON_PT_REAL, "0", 0, 1e300, NULL,
   "reject a step whose Hamiltonian-constraint max norm exceeds this factor times the previous accepted step's "
   "(0: no bound; needs bssn.ace: on)", AEON_RESTART_CHANGEABLE},
  {"bssn.ace_floor", AEON_PT_REAL, "1e-10", 0, 1e300, NULL,
   "the growth bound is ace_growth * max(previous max |H|, ace_floor)", AEON_RESTART_CHANGEABLE},
  {"bssn.gamma_undiff", AEON_PT_ENUM, "computed", AEON_NORANGE, "computed|evolved",
   "Gamma-tilde^i in the undifferentiated terms of the Ricci tensor and the shift terms: computed from gt "
   "(gt^jk Gt^i_jk) or the evolved Gt^i", AEON_RESTART_CHANGEABLE},
  {"bssn.k_hamiltonian", AEON_PT_REAL, "0", 0, 10, NULL,
   "c: d_t K += c alpha H, the Hamiltonian constraint added to the K equation (0: BSSN's K equation; 1: ADM's "
   "d_t K = -D^2 alpha + alpha (R + K^2))", AEON_RESTART_CHANGEABLE},
  {"bssn.fd_order", AEON_PT_INT, "4", 4, 6, NULL,
   "finite-difference order: 4 or 6 (centred and lopsided differences; Kreiss-Oliger with the 6th or 8th "
   "difference; 6 reads 4 points on each side: grid.ghost >= 4)", AEON_RESTART_FIXED},
  {"bssn.w_floor", AEON_PT_REAL, "1e-4", 0, 1, NULL, "floor of W where the rhs divides by it (punctures)",
   AEON_RESTART_CHANGEABLE},
  {"bssn.rad_power", AEON_PT_REAL, "2", 0, 10, NULL,
   "radiative faces also carry each variable's non-radiating part k / r^q with q = rad_power, measured at the "
   "nearest interior point (NewRad-style; 0: plain Sommerfeld)", AEON_RESTART_CHANGEABLE},
  {"bssn.test_kick", AEON_PT_REAL, "0", AEON_NORANGE, NULL,
   "testing only: the first post-step hook with a growth bound adds this to W at one point (forced violation)",
   AEON_RESTART_CHANGEABLE},
};

/* Radiative data (f -> f0 + u(r - v t) / r^p): f0 the flat-space value, p the falloff of the stationary
 * Schwarzschild/trumpet far field (W, gt, alpha, beta, B ~ 1/r; At, K, Gt, Theta ~ 1/r^2), v = 1 here and sqrt(2)
 * for alpha and K under 1+log slicing (set in bssn_create). */
#define FD(name, group, kind, comp, f0, p) {name, group, kind, comp, AEON_ROLE_EVOLVED, f0, p, 1.0}
static const aeon_field_desc bssn_vars_desc[BSSN_NVAR] = {
  FD("W", "W", AEON_TENSOR_SCALAR, 0, 1.0, 1),
  FD("gt_xx", "gt", AEON_TENSOR_DD_SYM, 0, 1.0, 1), FD("gt_xy", "gt", AEON_TENSOR_DD_SYM, 1, 0.0, 1),
  FD("gt_xz", "gt", AEON_TENSOR_DD_SYM, 2, 0.0, 1), FD("gt_yy", "gt", AEON_TENSOR_DD_SYM, 3, 1.0, 1),
  FD("gt_yz", "gt", AEON_TENSOR_DD_SYM, 4, 0.0, 1), FD("gt_zz", "gt", AEON_TENSOR_DD_SYM, 5, 1.0, 1),
  FD("At_xx", "At", AEON_TENSOR_DD_SYM, 0, 0.0, 2), FD("At_xy", "At", AEON_TENSOR_DD_SYM, 1, 0.0, 2),
  FD("At_xz", "At", AEON_TENSOR_DD_SYM, 2, 0.0, 2), FD("At_yy", "At", AEON_TENSOR_DD_SYM, 3, 0.0, 2),
  FD("At_yz", "At", AEON_TENSOR_DD_SYM, 4, 0.0, 2), FD("At_zz", "At", AEON_TENSOR_DD_SYM, 5, 0.0, 2),
  FD("K", "K", AEON_TENSOR_SCALAR, 0, 0.0, 2),
  FD("Gt_x", "Gt", AEON_TENSOR_U, 0, 0.0, 2), FD("Gt_y", "Gt", AEON_TENSOR_U, 1, 0.0, 2),
  FD("Gt_z", "Gt", AEON_TENSOR_U, 2, 0.0, 2),
  FD("Theta", "Theta", AEON_TENSOR_SCALAR, 0, 0.0, 2),
  FD("alpha", "alpha", AEON_TENSOR_SCALAR, 0, 1.0, 1),
  FD("beta_x", "beta", AEON_TENSOR_U, 0, 0.0, 1), FD("beta_y", "beta", AEON_TENSOR_U, 1, 0.0, 1),
  FD("beta_z", "beta", AEON_TENSOR_U, 2, 0.0, 1),
  FD("B_x", "B", AEON_TENSOR_U, 0, 0.0, 1), FD("B_y", "B", AEON_TENSOR_U, 1, 0.0, 1),
  FD("B_z", "B", AEON_TENSOR_U, 2, 0.0, 1),
};
#undef FD

enum { AUX_HAM = 0, AUX_MOM_X = 1, BSSN_NAUX = 4 };
static const aeon_field_desc bssn_aux_desc[BSSN_NAUX] = {
  {"ham", "ham", AEON_TENSOR_SCALAR, 0, AEON_ROLE_CONSTRAINT, 0.0, 1.0, 1.0},
  {"mom_x", "mom", AEON_TENSOR_D, 0, AEON_ROLE_CONSTRAINT, 0.0, 1.0, 1.0},
  {"mom_y", "mom", AEON_TENSOR_D, 1, AEON_ROLE_CONSTRAINT, 0.0, 1.0, 1.0},
  {"mom_z", "mom", AEON_TENSOR_D, 2, AEON_ROLE_CONSTRAINT, 0.0, 1.0, 1.0},
};

enum { DG_HAM, DG_MOM, DG_GAM, DG_ALPHA, DG_INV_ALPHA, DG_ERR_GXX, BSSN_NDIAG };
static const char *const bssn_diags[BSSN_NDIAG] = {"ham", "mom", "gam", "alpha", "inv_alpha", "err_gxx"};

/* The CPU rhs tile: the stencil results T and the time derivatives R of BSSN_CH points of a row (see rhs_chunk). */
#define BSSN_CH 32
typedef struct bssn_tile {
  double T[BSSN_PTC_N][BSSN_CH];
  double R[BSSN_NVAR][BSSN_CH];
  double D[2][BSSN_CH + 4]; /* y and z first differences of one variable, 2 points beyond the chunk (t_both) */
} bssn_tile;

typedef struct bssn {
  bssn_coef c;
  const bssn_id_ops *id;
  void *idctx;
  double noise;
  uint64_t seed;
  int ace;
  double ace_growth, ace_floor, ham_prev, kick;
  double *rows;      /* BSSN_NDIAG rows of n[0] */
  bssn_tile *tile; /* the rhs tile (bssn_rhs_box) */
  aeon_exchange *ex; /* ghost exchange of the state for the growth check (created at the first hook) */
  int (*parity)[3];  /* parities of the evolved variables (symmetry faces in the growth check) */
  bssn_analysis *ana;  /* the analysis op's state: ADM masses, constraint norms outside the punctures */
} bssn;

static void bssn_destroy(void *self) {
  bssn *b = self;
  if (!b) return;
  if (b->id && b->id->destroy) b->id->destroy(b->idctx);
  aeon_exchange_destroy(b->ex);
  aeon_mem_free(b->parity);
  bssn_analysis_destroy(b->ana);
  aeon_mem_free(b->rows);
  aeon_mem_free(b->tile);
  aeon_mem_free(b);
}

/* The rhs constants of mesh m at finite-difference order `order` (4 or 6). */
static void set_coef(bssn_coef *c, const aeon_mesh *m, int order, double eps) {
  const double n1 = order == 6 ? AEON_ST_D1_6_DIV : AEON_ST_D1_4_DIV;
  const double n2 = order == 6 ? AEON_ST_D2_6_DIV : AEON_ST_D2_4_DIV;
  const double n11 = order == 6 ? AEON_ST_D11_6_DIV : AEON_ST_D11_4_DIV;
  c->order = order;
  c->s[0] = 1, c->s[1] = m->sy, c->s[2] = m->sz;
  for (int d = 0; d < 3; d++) {
    c->d1[d] = 1.0 / (n1 * m->dx[d]);
    c->d2[d] = 1.0 / (n2 * m->dx[d] * m->dx[d]);
    c->ko[d] = eps / m->dx[d];
  }
  c->d11[0] = 1.0 / (n11 * m->dx[0] * m->dx[1]);
  c->d11[1] = 1.0 / (n11 * m->dx[0] * m->dx[2]);
  c->d11[2] = 1.0 / (n11 * m->dx[1] * m->dx[2]);
  c->diss = eps > 0;
}

/* 1 if the deck gives key a value other than its declared default. A checkpoint's effective parameters list every
 * key, defaults included, so "set" alone would refuse every restart. */
static int differs_from_default(const aeon_deck *deck, const char *key) {
  if (!aeon_deck_is_set(deck, key)) return 0;
  for (int i = 0; i < BSSN_NBASE; i++)
    if (strcmp(bssn_base_params[i].key, key) == 0)
      return aeon_deck_real(deck, key) != strtod(bssn_base_params[i].def, NULL);
  return 1;
}

/* Refuses inconsistent choices, naming the key. */
static aeon_err check_choices(const aeon_deck *deck, const aeon_mesh *m, const bssn *b) {
  const char *fn = aeon_deck_filename(deck);
  static const char *const kappas[3] = {"bssn.kappa1", "bssn.kappa2", "bssn.kappa3"};
  if (!b->c.ccz4)
    for (int i = 0; i < 3; i++)
      if (differs_from_default(deck, kappas[i]))
        return AE_ERR(AEON_ERR_USER, "%s: %s is a CCZ4 damping parameter but bssn.formulation is bssn "
                      "(set bssn.formulation: ccz4 or remove %s)", fn, kappas[i], kappas[i]);
  if (b->c.shift == BSSN_SHIFT_ZERO && differs_from_default(deck, "bssn.eta"))
    return AE_ERR(AEON_ERR_USER, "%s: bssn.eta damps the Gamma-driver's B^i, but bssn.shift is zero (no B^i is "
                  "evolved): set bssn.shift: gamma_driver or remove bssn.eta", fn);
  if (b->c.order != 4 && b->c.order != 6)
    return AE_ERR(AEON_ERR_USER, "%s: bssn.fd_order = %d: the finite-difference order is 4 or 6", fn, b->c.order);
  if (b->c.order == 6 && m->ghost < BSSN_RADIUS6)
    return AE_ERR(AEON_ERR_USER, "%s: bssn.fd_order: 6 reads %d points on each side, but grid.ghost is %d: set "
                  "grid.ghost: %d", fn, BSSN_RADIUS6, m->ghost, BSSN_RADIUS6);
  if (!b->ace && b->ace_growth > 0)
    return AE_ERR(AEON_ERR_USER, "%s: bssn.ace_growth = %g needs bssn.ace: on (the bound is checked by the ACE hook)",
                  fn, b->ace_growth);
  if (!b->id->periodic_ok)
    for (int f = 0; f < 6; f++)
      if (m->bc[f] == AEON_BC_PERIODIC)
        return AE_ERR(AEON_ERR_USER, "%s: bssn.initial_data: %s cannot run with periodic boundaries (face %d of "
                      "boundary.*): use radiative or symmetry faces", fn, b->id->name, f);
  return AEON_OK;
}

static aeon_err bssn_create(const aeon_deck *deck, const aeon_mesh *m, aeon_phys_setup *setup, void **selfp) {
  bssn *b = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *b, (void **)&b));
  *selfp = b;
  b->c.ccz4 = strcmp(aeon_deck_string(deck, "bssn.formulation"), "ccz4") == 0;
  const char *lapse = aeon_deck_string(deck, "bssn.lapse");
  b->c.lapse = strcmp(lapse, "1+log") == 0 ? BSSN_LAPSE_1LOG
               : strcmp(lapse, "harmonic") == 0 ? BSSN_LAPSE_HARMONIC : BSSN_LAPSE_GEODESIC;
  b->c.shift = strcmp(aeon_deck_string(deck, "bssn.shift"), "zero") == 0 ? BSSN_SHIFT_ZERO : BSSN_SHIFT_GAMMA_DRIVER;
  bssn_gauge(&b->c);
  b->c.eta = aeon_deck_real(deck, "bssn.eta");
  b->c.kappa1 = b->c.ccz4 ? aeon_deck_real(deck, "bssn.kappa1") : 0.0;
  b->c.kappa2 = b->c.ccz4 ? aeon_deck_real(deck, "bssn.kappa2") : 0.0;
  b->c.kappa3 = b->c.ccz4 ? aeon_deck_real(deck, "bssn.kappa3") : 0.0;
  b->c.wfloor = aeon_deck_real(deck, "bssn.w_floor");
  b->c.gnd_evolved = strcmp(aeon_deck_string(deck, "bssn.gamma_undiff"), "evolved") == 0;
  b->c.kham = aeon_deck_real(deck, "bssn.k_hamiltonian");
  set_coef(&b->c, m, (int)aeon_deck_int(deck, "bssn.fd_order"), aeon_deck_real(deck, "bssn.dissipation"));
  b->noise = aeon_deck_real(deck, "bssn.noise");
  b->seed = (uint64_t)aeon_deck_int(deck, "bssn.noise_seed");
  b->ace = aeon_deck_bool(deck, "bssn.ace");
  b->ace_growth = aeon_deck_real(deck, "bssn.ace_growth");
  b->ace_floor = aeon_deck_real(deck, "bssn.ace_floor");
  b->kick = aeon_deck_real(deck, "bssn.test_kick");
  b->id = bssn_id_find(aeon_deck_string(deck, "bssn.initial_data"));
  if (!b->id) return AE_ERR(AEON_ERR_INTERNAL, "bssn.initial_data: unknown kind");
  AE_CHK(check_choices(deck, m, b));
  if (b->id->create) AE_CHK(b->id->create(deck, m, &b->idctx));
  if (b->id->receipt)
    setup->receipt_kind = b->id->receipt(b->idctx, setup->receipt, sizeof setup->receipt, &setup->receipt_wall);
  if (b->c.lapse == BSSN_LAPSE_1LOG) setup->vars[BSSN_ALPHA].rad_speed = setup->vars[BSSN_K].rad_speed = sqrt(2.0);
  setup->rad_extrap = aeon_deck_real(deck, "bssn.rad_power");
  setup->stencil_radius = b->c.order == 6 ? BSSN_RADIUS6 : BSSN_RADIUS;
  AE_CHK(aeon_mem_alloc(sizeof(int[3]) * BSSN_NVAR, (void **)&b->parity));
  for (int v = 0; v < BSSN_NVAR; v++) AE_CHK(aeon_field_parity(&setup->vars[v], b->parity[v]));
  AE_CHK(bssn_analysis_create(deck, m, (const int (*)[3])b->parity, &b->ana));
  setup->nanalysis = bssn_analysis_count(b->ana, &setup->analysis_names);
  size_t nx = (size_t)(m->n[0] > 0 ? m->n[0] : 1);
  AE_CHK(aeon_mem_alloc(sizeof(bssn_tile), (void **)&b->tile));
  return aeon_mem_alloc(sizeof(double) * BSSN_NDIAG * nx, (void **)&b->rows);
}

/* ---- initial data ---- */

/* A uniform number in (-1, 1) from (global point index, variable, seed) (splitmix64 finaliser). */
static double noise_hash(uint64_t point, int var, uint64_t seed) {
  uint64_t z = point * 0x9e3779b97f4a7c15ull + (uint64_t)var * 0xbf58476d1ce4e5b9ull + seed * 0x94d049bb133111ebull;
  for (int r = 0; r < 2; r++) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
  }
  return ((double)(z >> 11) + 0.5) * (2.0 / 9007199254740992.0) - 1.0;
}

static aeon_err bssn_initial(void *self, const aeon_mesh *m, double t, aeon_fields *f) {
  const bssn *b = self;
  const aeon_box *bx = &m->valid;
  for (int k = bx->lo[2]; k < bx->hi[2]; k++)
    for (int j = bx->lo[1]; j < bx->hi[1]; j++)
      for (int i = bx->lo[0]; i < bx->hi[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)}, v[BSSN_NVAR];
        bssn_adm_to_bssn(b->id, b->idctx, t, x, m->dx, b->c.order, v);
        long p = aeon_idx(m, i, j, k);
        if (b->noise > 0) {
          long gi[3] = {m->off[0] + i, m->off[1] + j, m->off[2] + k};
          for (int d = 0; d < 3; d++) gi[d] = ((gi[d] % m->N[d]) + m->N[d]) % m->N[d]; /* ghosts: the image point */
          uint64_t g = (uint64_t)gi[0] + (uint64_t)m->N[0] * ((uint64_t)gi[1] + (uint64_t)m->N[1] * (uint64_t)gi[2]);
          for (int q = 0; q < BSSN_NVAR; q++)
            if (q != BSSN_THETA || b->c.ccz4) v[q] += b->noise * noise_hash(g, q, b->seed);
        }
        for (int q = 0; q < BSSN_NVAR; q++) aeon_var(f, q)[p] = v[q];
      }
  return AEON_OK;
}

/* ---- rhs ---- */

static void bind(const aeon_fields *f, const double **in) {
  for (int v = 0; v < BSSN_NVAR; v++) in[v] = aeon_var(f, v);
}

/* The CPU rhs works on chunks of BSSN_CH points of an x row: stage 1 computes every stencil result of the chunk
 * into a local SoA tile T[k][i] (k: bssn_point.h's BSSN_O_* index), one loop per (field, operator), so each field
 * is read once per chunk; stage 2 runs bssn_algebra over the chunk's points (one vectorised loop) into R[v][i];
 * stage 3 copies R out. The device kernel calls the same bssn_load/bssn_algebra per point (bssn_rhs). */
#define TILE_J 8


/* o[i] = f[p0 + i] */
__attribute__((noinline)) static void t_copy(const double *restrict f, double *restrict o, long p0, int L) {
  memcpy(o, f + p0, sizeof(double) * (size_t)L);
}
/* o[i] = sc * d1_4 f (six: d1_6) along stride s */
__attribute__((noinline)) static void t_d1(const double *restrict f, double *restrict o, long p0, int L, long s,
                                           double sc, int six) {
  if (six)
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = sc * aeon_st_d1_6(f, p0 + i, s);
  else
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = sc * aeon_st_d1_4(f, p0 + i, s);
}
/* o[i] = sc * d2_4 f (six: d2_6) along stride s (mirror-exact forms) */
__attribute__((noinline)) static void t_d2(const double *restrict f, double *restrict o, long p0, int L, long s,
                                           double sc, int six) {
  if (six)
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = sc * aeon_st_d2_6(f, p0 + i, s);
  else
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = sc * aeon_st_d2_4p(f, p0 + i, s);
}
/* o[i] = sc * d11_4 f (six: d11_6) along strides s1 < s2 */
__attribute__((noinline)) static void t_d11(const double *restrict f, double *restrict o, long p0, int L, long s1,
                                            long s2, double sc, int six) {
  if (six)
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = sc * aeon_st_d11_6(f, p0 + i, s1, s2);
  else
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = sc * aeon_st_d11_4(f, p0 + i, s1, s2);
}
/* sum_k beta^k d1[k] upwind_k f at p: 4th order with the points of the side beta^k selects blended first (one
 * lopsided stencil), or 6th order (six). */
__attribute__((always_inline)) static inline double adv_point(const double *restrict f, long p, long s1, long s2,
                                                              double bx, double by, double bz, const double cd[3],
                                                              int six) {
  if (six)
    return bx * (cd[0] * aeon_st_d1_up6(f, p, 1, bx)) + by * (cd[1] * aeon_st_d1_up6(f, p, s1, by)) +
           bz * (cd[2] * aeon_st_d1_up6(f, p, s2, bz));
  return bx * (cd[0] * aeon_st_d1_up4s(f, p, 1, bx)) + by * (cd[1] * aeon_st_d1_up4s(f, p, s1, by)) +
         bz * (cd[2] * aeon_st_d1_up4s(f, p, s2, bz));
}
/* o[i] = the advection term of f, and unless ok is NULL ok[i] = sum_k ko[k] KO_k f (KO6; 6th order: KO8); at 4th
 * order both in one pass over the points (both read the 7-point crosses of f) */
__attribute__((noinline)) static void t_adv_ko(const bssn_coef *c, const double *restrict f,
                                               const double *restrict bx, const double *restrict by,
                                               const double *restrict bz, double *restrict o, double *restrict ok,
                                               long p0, int L) {
  const double e0 = c->ko[0], e1 = c->ko[1], e2 = c->ko[2];
  const long s1 = c->s[1], s2 = c->s[2];
  if (c->order == 6) {
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = adv_point(f, p0 + i, s1, s2, bx[i], by[i], bz[i], c->d1, 1);
    if (ok)
      for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
        ok[i] = e0 * aeon_st_ko8(f, p0 + i, 1) + e1 * aeon_st_ko8(f, p0 + i, s1) + e2 * aeon_st_ko8(f, p0 + i, s2);
  } else if (ok) {
    for (int i = 0; i < L; i++) { /* vectorised: checked by tests/vectorise */
      o[i] = adv_point(f, p0 + i, s1, s2, bx[i], by[i], bz[i], c->d1, 0);
      ok[i] = e0 * aeon_st_ko6(f, p0 + i, 1) + e1 * aeon_st_ko6(f, p0 + i, s1) + e2 * aeon_st_ko6(f, p0 + i, s2);
    }
  } else {
    for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
      o[i] = adv_point(f, p0 + i, s1, s2, bx[i], by[i], bz[i], c->d1, 0);
  }
}
/* The three first derivatives of f into T[k0 + d]. */
static void t_first(const bssn_coef *c, const double *f, double (*T)[BSSN_CH], int k0, long p0, int L) {
  for (int d = 0; d < 3; d++) t_d1(f, T[k0 + d], p0, L, c->s[d], c->d1[d], c->order == 6);
}
/* o[q] = d1_4 f along stride s (unscaled) at p0 - 2 + q, q < L + 4: a row of first differences with the margin
 * the x stencil of the mixed derivatives reads */
__attribute__((noinline)) static void t_d1row(const double *restrict f, double *restrict o, long p0, int L, long s) {
  for (int q = 0; q < L + 4; q++) /* vectorised: checked by tests/vectorise */
    o[q] = aeon_st_d1_4(f, p0 - 2 + q, s);
}
/* o[i] = sc * d1 (i + 2) and m[i] = sm * (the x stencil of aeon_st_d11_4 applied to d) from a t_d1row row d: the
 * first derivative along d's stride and the mixed one along x and that stride, bit for bit as t_d1 and t_d11 */
__attribute__((noinline)) static void t_from_row(const double *restrict d, double *restrict o, double *restrict m,
                                                 int L, double sc, double sm) {
  for (int i = 0; i < L; i++) { /* vectorised: checked by tests/vectorise */
    o[i] = sc * d[i + 2];
    m[i] = sm * (8.0 * (d[i + 3] - d[i + 1]) - (d[i + 4] - d[i]));
  }
}
/* The three first and six second derivatives of f into T[k1 + d] and T[k2 + ab]: the y and z first differences
 * are computed once on a row 2 points wider than the chunk and give the xy and xz mixed derivatives too. */
static void t_both(const bssn_coef *c, const double *f, double (*T)[BSSN_CH], double (*D)[BSSN_CH + 4], int k1,
                   int k2, long p0, int L) {
  const int six = c->order == 6;
  for (int a = 0; a < 3; a++) t_d2(f, T[k2 + bssn_sym(a, a)], p0, L, c->s[a], c->d2[a], six);
  if (six) { /* every first and mixed derivative on its own */
    t_first(c, f, T, k1, p0, L);
    t_d11(f, T[k2 + bssn_sym(0, 1)], p0, L, 1, c->s[1], c->d11[0], 1);
    t_d11(f, T[k2 + bssn_sym(0, 2)], p0, L, 1, c->s[2], c->d11[1], 1);
    t_d11(f, T[k2 + bssn_sym(1, 2)], p0, L, c->s[1], c->s[2], c->d11[2], 1);
    return;
  }
  t_d1(f, T[k1], p0, L, 1, c->d1[0], 0);
  for (int d = 1; d < 3; d++) {
    t_d1row(f, D[d - 1], p0, L, c->s[d]);
    t_from_row(D[d - 1], T[k1 + d], T[k2 + bssn_sym(0, d)], L, c->d1[d], c->d11[d - 1]);
  }
  t_d11(f, T[k2 + bssn_sym(1, 2)], p0, L, c->s[1], c->s[2], c->d11[2], 0);
}

/* Stage 1: the stencil results of the chunk [p0, p0 + L) (cons: with d At, without advection and dissipation). */
static void tile_load(const bssn_coef *c, const bssn_in *in, long p0, int L, bssn_tile *t, int cons) {
  double(*T)[BSSN_CH] = t->T;
  const double *const *u = in->v;
  for (int v = 0; v < BSSN_NVAR; v++) t_copy(u[v], T[BSSN_O_U + v], p0, L);
  t_both(c, u[BSSN_W], T, t->D, BSSN_O_DW, BSSN_O_DDW, p0, L);
  t_first(c, u[BSSN_K], T, BSSN_O_DK, p0, L);
  t_both(c, u[BSSN_ALPHA], T, t->D, BSSN_O_DAL, BSSN_O_DDAL, p0, L);
  if (c->ccz4) t_first(c, u[BSSN_THETA], T, BSSN_O_DTH, p0, L);
  else
    for (int d = 0; d < 3; d++) memset(T[BSSN_O_DTH + d], 0, sizeof T[0]);
  for (int m = 0; m < 6; m++) {
    t_both(c, u[BSSN_GT_XX + m], T, t->D, BSSN_O_DGT + 3 * m, BSSN_O_DDGT + 6 * m, p0, L);
    if (cons) t_first(c, u[BSSN_AT_XX + m], T, BSSN_O_DAT + 3 * m, p0, L);
  }
  for (int i = 0; i < 3; i++) {
    t_first(c, u[BSSN_GT_X + i], T, BSSN_O_DGH + 3 * i, p0, L);
    t_both(c, u[BSSN_BETA_X + i], T, t->D, BSSN_O_DB + 3 * i, BSSN_O_DDB + 6 * i, p0, L);
  }
  if (cons) return;
  const double *bx = T[BSSN_O_U + BSSN_BETA_X], *by = T[BSSN_O_U + BSSN_BETA_Y], *bz = T[BSSN_O_U + BSSN_BETA_Z];
  for (int v = 0; v < BSSN_NVAR; v++) {
    t_adv_ko(c, u[v], bx, by, bz, T[BSSN_O_ADV + v], c->diss ? T[BSSN_O_KO + v] : NULL, p0, L);
  }
}

/* Stage 2: bssn_algebra at every point of the chunk; ccz4 and diss are compile-time constants in the callers below,
 * so the formulation's branches fold. */
__attribute__((always_inline)) static inline void algebra_loop(const bssn_coef *cp, bssn_tile *restrict t, int L,
                                                               int ccz4, int diss) {
  bssn_coef c = *cp;
  c.ccz4 = ccz4, c.diss = diss;
  for (int i = 0; i < L; i++) /* vectorised: checked by tests/vectorise */
    bssn_algebra(&c, &t->T[0][i], BSSN_CH, &t->R[0][i], BSSN_CH);
}
__attribute__((noinline)) static void algebra_bssn(const bssn_coef *c, bssn_tile *t, int L) {
  algebra_loop(c, t, L, 0, 0);
}
__attribute__((noinline)) static void algebra_bssn_ko(const bssn_coef *c, bssn_tile *t, int L) {
  algebra_loop(c, t, L, 0, 1);
}
__attribute__((noinline)) static void algebra_ccz4(const bssn_coef *c, bssn_tile *t, int L) {
  algebra_loop(c, t, L, 1, 0);
}
__attribute__((noinline)) static void algebra_ccz4_ko(const bssn_coef *c, bssn_tile *t, int L) {
  algebra_loop(c, t, L, 1, 1);
}

/* One chunk: stages 1-3. */
static void rhs_chunk(const bssn_coef *c, const bssn_in *in, const bssn_out *out, long p0, int L, bssn_tile *t) {
  tile_load(c, in, p0, L, t, 0);
  if (c->ccz4) (c->diss ? algebra_ccz4_ko : algebra_ccz4)(c, t, L);
  else (c->diss ? algebra_bssn_ko : algebra_bssn)(c, t, L);
  for (int v = 0; v < BSSN_NVAR; v++) memcpy(out->v[v] + p0, t->R[v], sizeof(double) * (size_t)L);
}

/* The constraints of the chunk [p0, p0 + L) into t->R: H, M_x..M_z, G^x..G^z (rows 0..6). */
__attribute__((noinline)) static void cons_chunk(const bssn_coef *c, const bssn_in *in, long p0, int L,
                                                bssn_tile *restrict t) {
  tile_load(c, in, p0, L, t, 1);
  const bssn_coef cc = *c;
  for (int i = 0; i < L; i++) { /* (the stencils above vectorise; this loop is scalar) */
    double H, M[3], G[3];
    bssn_constraints_s(&cc, &t->T[0][i], BSSN_CH, &H, M, G);
    t->R[0][i] = H;
    for (int d = 0; d < 3; d++) t->R[1 + d][i] = M[d], t->R[4 + d][i] = G[d];
  }
}

/* Prefetches the cache line at a (no fault). An asm statement: gcc deletes __builtin_prefetch loops as dead code. */
static inline void prefetch_line(const double *a) {
#if defined(__x86_64__) && defined(__GNUC__)
  __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)a));
#elif defined(__aarch64__) && defined(__GNUC__)
  __asm__ volatile("prfm pldl1keep, %0" : : "Q"(*(const char *)a));
#else
  (void)a;
#endif
}

/* Prefetches row j of plane k of every variable over the x range [i0 - R, i1 + R). */
static void prefetch_row(const aeon_mesh *m, const bssn_in *in, int i0, int i1, int j, int k) {
  const long p0 = aeon_idx(m, i0 - BSSN_RADIUS, j, k), n = (long)(i1 - i0) + 2 * BSSN_RADIUS;
  for (int v = 0; v < BSSN_NVAR; v++) {
    for (long q = 0; q < n; q += 8) prefetch_line(in->v[v] + p0 + q);
    prefetch_line(in->v[v] + p0 + n - 1);
  }
}

/* The rows of the variables that plane k of the row block [j0, j1) reads first (none of the planes before it
 * did): its own rows at k + R (z stencils), the rows R beyond the block at k (y stencils) and the rows 1 and 2
 * beyond it at k + 2 (yz mixed derivatives). Issued one plane ahead, so the plane's stencils find them in cache
 * instead of waiting for each short row stream on its own. */
static void prefetch_plane(const aeon_mesh *m, const bssn_in *in, const aeon_box *b, int j0, int j1, int k) {
  for (int j = j0; j < j1; j++) prefetch_row(m, in, b->lo[0], b->hi[0], j, k + BSSN_RADIUS);
  prefetch_row(m, in, b->lo[0], b->hi[0], j0 - BSSN_RADIUS, k);
  prefetch_row(m, in, b->lo[0], b->hi[0], j1 - 1 + BSSN_RADIUS, k);
  for (int d = 1; d <= 2; d++) {
    prefetch_row(m, in, b->lo[0], b->hi[0], j0 - d, k + 2);
    prefetch_row(m, in, b->lo[0], b->hi[0], j1 - 1 + d, k + 2);
  }
}

static void bssn_rhs_box(void *self, const aeon_mesh *m, double t, const aeon_fields *f, aeon_fields *r,
                         const aeon_box *b) {
  (void)t;
  bssn *s = self;
  bssn_in in;
  bssn_out out;
  bind(f, in.v);
  for (int v = 0; v < BSSN_NVAR; v++) out.v[v] = aeon_var(r, v);
  long len = b->hi[0] - b->lo[0];
  if (len <= 0) return;
  for (int j0 = b->lo[1]; j0 < b->hi[1]; j0 += TILE_J) {
    int j1 = j0 + TILE_J < b->hi[1] ? j0 + TILE_J : b->hi[1];
    for (int k = b->lo[2]; k < b->hi[2]; k++) {
      if (k + 1 < b->hi[2]) prefetch_plane(m, &in, b, j0, j1, k + 1);
      for (int j = j0; j < j1; j++)
        for (long i0 = 0; i0 < len; i0 += BSSN_CH) {
          int L = (int)(len - i0 < BSSN_CH ? len - i0 : BSSN_CH);
          rhs_chunk(&s->c, &in, &out, aeon_idx(m, b->lo[0], j, k) + i0, L, s->tile);
        }
    }
  }
}

/* ---- diagnostics ---- */

static void bssn_diagnostics(void *self, const aeon_mesh *m, double t, const aeon_fields *f, aeon_fields *aux,
                             aeon_norm_acc *acc, const aeon_box *b) {
  bssn *s = self;
  bssn_in in;
  bind(f, in.v);
  long nx = b->hi[0] - b->lo[0];
  if (nx <= 0) return;
  double *row[BSSN_NDIAG];
  for (int d = 0; d < BSSN_NDIAG; d++) row[d] = s->rows + (size_t)d * (size_t)m->n[0];
  double *ham = aux && aux->data ? aeon_var(aux, AUX_HAM) : NULL;
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++) {
      long p0 = aeon_idx(m, b->lo[0], j, k);
      for (long i = 0; i < nx; i++) {
        long p = p0 + i;
        if (i % BSSN_CH == 0) cons_chunk(&s->c, &in, p, (int)(nx - i < BSSN_CH ? nx - i : BSSN_CH), s->tile);
        const double(*R)[BSSN_CH] = s->tile->R;
        const int q = (int)(i % BSSN_CH);
        double H = R[0][q], M[3] = {R[1][q], R[2][q], R[3][q]};
        row[DG_HAM][i] = H;
        row[DG_MOM][i] = sqrt(M[0] * M[0] + M[1] * M[1] + M[2] * M[2]);
        row[DG_GAM][i] = sqrt(R[4][q] * R[4][q] + R[5][q] * R[5][q] + R[6][q] * R[6][q]);
        double al = in.v[BSSN_ALPHA][p];
        row[DG_ALPHA][i] = al;
        row[DG_INV_ALPHA][i] = 1.0 / al;
        double e = 0.0;
        if (s->id->exact) {
          double x[3] = {aeon_coord(m, 0, b->lo[0] + (int)i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
          bssn_adm a;
          s->id->point(s->idctx, t, x, &a);
          double W = in.v[BSSN_W][p];
          e = in.v[BSSN_GT_XX][p] / (W * W) - a.g[0];
        }
        row[DG_ERR_GXX][i] = e;
        if (ham) {
          ham[p] = H;
          for (int d = 0; d < 3; d++) aeon_var(aux, AUX_MOM_X + d)[p] = M[d];
        }
      }
      const double *rows[BSSN_NDIAG];
      for (int d = 0; d < BSSN_NDIAG; d++) rows[d] = row[d];
      aeon_norm_acc_add_rows(acc, BSSN_NDIAG, rows, nx);
    }
}

/* ---- algebraic constraint enforcement ---- */

/* Enforces det(gt) = 1 and gt^ij At_ij = 0 at point p; returns |det - 1| and |tr At| before the correction. */
static void ace_point(aeon_fields *u, long p, double *ddet, double *dtr) {
  double g[6], A[6], gu[6];
  for (int m = 0; m < 6; m++) g[m] = aeon_var(u, BSSN_GT_XX + m)[p], A[m] = aeon_var(u, BSSN_AT_XX + m)[p];
  double det = bssn_sym_det(g);
  *ddet = fabs(det - 1.0);
  double sc = 1.0 / cbrt(det);
  for (int m = 0; m < 6; m++) g[m] *= sc;
  bssn_sym_inverse(g, gu);
  double tr = gu[0] * A[0] + gu[3] * A[3] + gu[5] * A[5] + 2.0 * (gu[1] * A[1] + gu[2] * A[2] + gu[4] * A[4]);
  *dtr = fabs(tr);
  for (int m = 0; m < 6; m++) {
    aeon_var(u, BSSN_GT_XX + m)[p] = g[m];
    aeon_var(u, BSSN_AT_XX + m)[p] = A[m] - g[m] * tr / 3.0;
  }
}

/* The Hamiltonian constraint's max norm over the interior of u (ghosts refreshed first). */
static aeon_err ham_max(bssn *s, const aeon_mesh *m, aeon_fields *u, double *out) {
  if (!s->ex) AE_CHK(aeon_exchange_create(m, BSSN_NVAR, &s->ex));
  AE_CHK(aeon_exchange_start(s->ex, u));
  AE_CHK(aeon_exchange_finish(s->ex, u));
  aeon_mesh_fill_symmetry(m, u, (const int(*)[3])s->parity);
  bssn_in in;
  bind(u, in.v);
  double mx = 0.0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i0 = 0; i0 < m->n[0]; i0 += BSSN_CH) {
        int L = m->n[0] - i0 < BSSN_CH ? m->n[0] - i0 : BSSN_CH;
        cons_chunk(&s->c, &in, aeon_idx(m, i0, j, k), L, s->tile);
        for (int i = 0; i < L; i++) {
          double H = s->tile->R[0][i];
          if (!(fabs(H) <= mx)) mx = isnan(H) ? INFINITY : fmax(mx, fabs(H));
        }
      }
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_DOUBLE, MPI_MAX, m->par->cart));
  *out = mx;
  return AEON_OK;
}

static aeon_err bssn_post_step(void *self, const aeon_mesh *m, double t, aeon_fields *u, aeon_cert *cert) {
  (void)t;
  bssn *s = self;
  if (!s->ace) return AEON_OK;
  const double bound = s->ace_growth > 0 && s->ham_prev > 0 ? s->ace_growth * fmax(s->ham_prev, s->ace_floor) : 0.0;
  if (s->kick != 0 && bound > 0) { /* testing: a forced violation in the first step that has a bound */
    if (m->par->rank == 0 && m->n[0] > 0 && m->n[1] > 0 && m->n[2] > 0)
      aeon_var(u, BSSN_W)[aeon_idx(m, m->n[0] / 2, m->n[1] / 2, m->n[2] / 2)] += s->kick;
    s->kick = 0;
  }
  int qd = aeon_cert_add(cert, "ace_det", 0), qt = aeon_cert_add(cert, "ace_trA", 0);
  const aeon_box *b = &m->evolved;
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++)
      for (int i = b->lo[0]; i < b->hi[0]; i++) {
        double dd, dt;
        ace_point(u, aeon_idx(m, i, j, k), &dd, &dt);
        aeon_norm_acc_add(&cert->acc[qd], dd);
        aeon_norm_acc_add(&cert->acc[qt], dt);
      }
  if (s->ace_growth > 0) {
    double H = 0.0;
    AE_CHK(ham_max(s, m, u, &H));
    int q = aeon_cert_add(cert, "ham_max", bound);
    if (m->par->rank == 0) aeon_norm_acc_add(&cert->acc[q], H);
    if (bound > 0 && !(H <= bound)) {
      cert->reject = 1;
      snprintf(cert->reason, sizeof cert->reason, "bssn.ace_growth: max|H| %.3e > %g x %.3e", H, s->ace_growth,
               fmax(s->ham_prev, s->ace_floor));
    } else {
      s->ham_prev = H;
    }
  }
  return AEON_OK;
}

/* ---- spectrum ---- */

#define SPEC_S 8

/* The values of sin^2(theta/2) sampled in direction d: every Fourier mode of a short periodic direction, else
 * SPEC_S samples of [0, 1]; returns their number. */
static int spec_samples(const aeon_mesh *m, int d, double *s) {
  if (m->bc[2 * d] == AEON_BC_PERIODIC && m->N[d] / 2 + 1 <= SPEC_S) {
    int n = 0;
    for (long q = 0; q <= m->N[d] / 2; q++) {
      double h = sin(M_PI * (double)q / (double)m->N[d]);
      s[n++] = h * h;
    }
    return n;
  }
  for (int q = 0; q < SPEC_S; q++) s[q] = q / (SPEC_S - 1.0);
  return SPEC_S;
}

/* Linearised about flat space (alpha = 1, beta = 0) every sector is a wave system built on the 4th-order
 * Laplacian, whose symbol is -L = -sum (4 s_d + 4/3 s_d^2) / h_d^2 (s_d = sin^2(theta_d/2); the 6th-order one adds
 * 32/45 s_d^3): eigenvalues +-i v sqrt(L) with v = 1 (metric, harmonic lapse, Gamma-driver shift) and v = sqrt(2)
 * (1+log lapse), plus the damped modes -eta (B^i) and -kappa1 (2 + kappa2) (Theta), all shifted by the
 * dissipation's symbol: KO6's -sum eps/h_d s_d^3 (KO8's s_d^4 at 6th order). */
static int bssn_spectrum(void *self, const aeon_mesh *m, int max, double *re, double *im) {
  const bssn *b = self;
  double sv[3][SPEC_S + 1];
  int ns[3];
  for (int d = 0; d < 3; d++) ns[d] = spec_samples(m, d, sv[d]);
  double v = b->c.lapse == BSSN_LAPSE_1LOG ? sqrt(2.0) : 1.0;
  int n = 0;
  for (int a = 0; a < ns[0]; a++)
    for (int q = 0; q < ns[1]; q++)
      for (int r = 0; r < ns[2]; r++) {
        double s[3] = {sv[0][a], sv[1][q], sv[2][r]}, L = 0, diss = 0;
        for (int d = 0; d < 3; d++) {
          const double six = b->c.order == 6;
          L += (4.0 * s[d] + 4.0 / 3.0 * s[d] * s[d] + six * 32.0 / 45.0 * s[d] * s[d] * s[d]) / (m->dx[d] * m->dx[d]);
          diss += b->c.ko[d] * s[d] * s[d] * s[d] * (six ? s[d] : 1.0);
        }
        if (n < max) re[n] = -diss, im[n] = sqrt(L), n++;
        if (v > 1 && n < max) re[n] = -diss, im[n] = v * sqrt(L), n++;
        if (b->c.shift == BSSN_SHIFT_GAMMA_DRIVER && n < max) re[n] = -diss - b->c.eta, im[n] = 0, n++;
        if (b->c.ccz4 && n < max) re[n] = -diss - b->c.kappa1 * (2.0 + b->c.kappa2), im[n] = 0, n++;
      }
  return n;
}

/* The analysis op (bssn_analysis.h: ADM masses, constraint norms outside the punctures; norms.dat columns). */
static aeon_err bssn_analysis_op(void *self, const aeon_mesh *m, double t, const aeon_fields *u, const aeon_fields *aux,
                                 double *out) {
  (void)t;
  return bssn_analysis_eval(((bssn *)self)->ana, m, u, aux, out);
}

/* ---- registration ---- */

static aeon_param_decl bssn_all_params[BSSN_MAXPARAMS];
static char bssn_id_choices[512];
static aeon_physics_ops bssn_ops = {
  .name = "bssn",
  .doc = "BSSN/CCZ4 numerical relativity (moving-puncture gauge, ACE)",
  .params = bssn_all_params,
  .nvar = BSSN_NVAR,
  .vars = bssn_vars_desc,
  .naux = BSSN_NAUX,
  .aux = bssn_aux_desc,
  .ndiag = BSSN_NDIAG,
  .diag_names = bssn_diags,
  .stencil_radius = BSSN_RADIUS,
  .linear = 0,
  .fuse_diagnostics = 1,
  .create = bssn_create,
  .destroy = bssn_destroy,
  .initial_data = bssn_initial,
  .rhs = bssn_rhs_box,
  .diagnostics = bssn_diagnostics,
  .post_step = bssn_post_step,
  .spectrum = bssn_spectrum,
  .analysis = bssn_analysis_op,
};

/* Joins the module's parameters and every initial-data kind's into one table (once). */
static aeon_err build_params(void) {
  if (bssn_ops.nparams > 0) return AEON_OK;
  int n = 0;
  for (int i = 0; i < BSSN_NBASE; i++) bssn_all_params[n++] = bssn_base_params[i];
  for (int k = 0; bssn_analysis_params[k]; k++)
    for (int i = 0; i < bssn_analysis_nparams[k]; i++) bssn_all_params[n++] = bssn_analysis_params[k][i];
  size_t used = 0;
  bssn_id_choices[0] = 0;
  for (int k = 0; bssn_id_list[k]; k++) {
    const bssn_id_ops *id = bssn_id_list[k];
    used += (size_t)snprintf(bssn_id_choices + used, sizeof bssn_id_choices - used, "%s%s", k ? "|" : "", id->name);
    if (used >= sizeof bssn_id_choices) return AE_ERR(AEON_ERR_INTERNAL, "bssn: too many initial-data kinds");
    for (int i = 0; i < id->nparams; i++) {
      if (n >= BSSN_MAXPARAMS) return AE_ERR(AEON_ERR_INTERNAL, "bssn: too many parameters (raise BSSN_MAXPARAMS)");
      bssn_all_params[n++] = id->params[i];
    }
  }
  bssn_all_params[1].choices = bssn_id_choices;
  bssn_ops.nparams = n;
  return AEON_OK;
}

aeon_err aeon_physics_register_bssn(void) {
  AE_CHK(build_params());
  return aeon_physics_register(&bssn_ops);
}
