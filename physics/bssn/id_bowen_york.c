/* Bowen-York puncture data as BSSN initial data (physics/initial_data, aeon/bowen_york.h):
 * create reads bssn.bowen_york (a list of {mass, position, momentum, spin}) and bssn.by_lapse, checks the
 * punctures against the mesh (robin or radiative faces only: symmetry faces would need mirror images of A_ij,
 * periodic ones make no sense; in a plan, aeon check, that is all it does: no communicator, nothing solved),
 * solves the Hamiltonian constraint for u on the evolution mesh itself (its patches,
 * radiative faces taken as robin; Newton-Krylov-multigrid to 1e-10 of the source; a failed solve is an error
 * and the run does not start), reports the ADM and local masses on rank 0, and keeps u gathered onto every rank.
 * point() gives gamma_ij = psi^4 delta_ij, K_ij = psi^-2 A_ij (A_ij analytic), psi = 1 + sum m/(2r) + u with u
 * interpolated at 4th order (tricubic, exact at the cell centres; the 1/r fall-off beyond the faces), beta = 0
 * and the lapse 1 or psi^-2. With bssn.by_warm_start: auto the solve starts from the solution stored for this grid
 * (aeon/bowen_york.h: the cache directory's file, shared with `aeon solve`) and stores its own. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "aeon/bowen_york.h"
#include "aeon/cachedir.h"
#include "aeon/memory.h"

#include "bssn_id.h"

typedef struct by_ctx {
  int n;
  aeon_by_puncture p[AEON_BY_MAX];
  const aeon_mesh *m;
  double origin[3];
  double *u; /* the global solution */
  int lapse_one;
  int warm; /* bssn.by_warm_start: auto */
  char receipt[AEON_BY_WARM_DETAIL]; /* the warm start's receipt detail (rank 0; "" after a cold start) */
  double receipt_wall;               /* the solve's wall time */
} by_ctx;

static const aeon_param_decl by_params[] = {
    {"bssn.bowen_york", AEON_PT_LIST, "[{mass: 1, position: [0, 0, 0]}]", 1, AEON_BY_MAX, NULL,
     "initial_data bowen_york: the punctures (mass, position, momentum, spin); u solved on the evolution mesh",
     AEON_RESTART_FIXED},
    {"bssn.bowen_york[].mass", AEON_PT_REAL, NULL, AEON_NORANGE, NULL, "bare mass m_i (> 0)", AEON_RESTART_FIXED},
    {"bssn.bowen_york[].position", AEON_PT_REAL3, "0", AEON_NORANGE, NULL,
     "coordinate position (inside the grid, off the cell centres)", AEON_RESTART_FIXED},
    {"bssn.bowen_york[].momentum", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "linear momentum P_i",
     AEON_RESTART_FIXED},
    {"bssn.bowen_york[].spin", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "spin S_i", AEON_RESTART_FIXED},
    {"bssn.by_lapse", AEON_PT_ENUM, "precollapsed", AEON_NORANGE, "one|precollapsed",
     "initial_data bowen_york: lapse 1 or psi^-2", AEON_RESTART_FIXED},
    {"bssn.by_warm_start", AEON_PT_ENUM, "off", AEON_NORANGE, "off|auto",
     "initial_data bowen_york: auto: Newton starts from the u stored for this grid and punctures count (the cache "
     "directory's warm/ file, shared with aeon solve's elliptic.warm_start) and stores the new one; off: from u = 0",
     AEON_RESTART_CHANGEABLE},
};

static void by_destroy(void *ctxv) {
  by_ctx *c = ctxv;
  if (!c) return;
  aeon_mem_free(c->u);
  aeon_mem_free(c);
}

/* The solve, from a stored u when c->warm (a tier store of its own on rank 0; the file in the cache directory). */
static aeon_err solve_warm(aeon_by *by, by_ctx *c, aeon_by_result *r, aeon_by_warm *w) {
  memset(w, 0, sizeof *w);
  if (!c->warm) return aeon_by_solve(by, r);
  int rank;
  MPI_Comm_rank(c->m->par->cart, &rank);
  char dir[4096];
  aeon_tiers *tiers = NULL;
  aeon_err e = aeon_cache_dir(NULL, dir, sizeof dir);
  if (!e && rank == 0) e = aeon_tiers_create(NULL, &tiers);
  e = aeon_par_agree(c->m->par->cart, e);
  if (!e) e = aeon_by_warm_load(by, tiers, dir, w);
  if (!e) e = aeon_by_solve(by, r);
  if (!e) e = aeon_by_warm_store(by, tiers, dir, r, w, NULL);
  aeon_tiers_destroy(tiers);
  if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  aeon_by_warm_detail(w, r, c->receipt, sizeof c->receipt); /* the run's log records it (by_receipt) */
  c->receipt_wall = r->seconds;
  if (rank == 0)
    printf("bowen_york: warm start %s %s: %d Newton steps, %ld Krylov iterations (cold: %lld, %lld)\n",
           w->match == 2 ? "exact" : w->match ? "nearby" : "none stored for", w->key, r->newton_its, r->ksp_its,
           (long long)(w->match ? w->cold[0] : r->newton_its), (long long)(w->match ? w->cold[1] : r->ksp_its));
  return AEON_OK;
}

static aeon_err solve_into(const aeon_mesh *m, by_ctx *c) {
  aeon_by_opts o;
  aeon_by_opts_default(&o);
  aeon_by *by = NULL;
  aeon_by_result r;
  aeon_by_masses M;
  aeon_by_warm w;
  aeon_err e = aeon_by_create(m, c->n, c->p, &o, "bssn.bowen_york", &by);
  if (!e) e = solve_warm(by, c, &r, &w);
  if (!e) e = aeon_by_masses_compute(by, &M);
  if (!e) e = aeon_by_gather(by, &c->u);
  aeon_by_destroy(by);
  if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  int rank;
  MPI_Comm_rank(m->par->cart, &rank);
  if (rank == 0) {
    printf("bowen_york: u solved in %d Newton steps (%ld Krylov iterations, %.2f s), ||F|| %.3e of the source; "
           "ADM mass %.8f", r.newton_its, r.ksp_its, r.seconds, r.fnorm0 > 0 ? r.fnorm / r.fnorm0 : 0.0, M.adm);
    for (int q = 0; q < c->n; q++) printf(", M_%d %.8f", q, M.local[q]);
    printf("\n");
  }
  return AEON_OK;
}

static aeon_err by_create(const aeon_deck *deck, const aeon_mesh *m, void **ctxp) {
  by_ctx *c = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *c, (void **)&c));
  aeon_err e = aeon_by_from_deck(deck, "bssn.bowen_york", c->p, &c->n);
  if (!e) {
    c->m = m;
    c->lapse_one = strcmp(aeon_deck_string(deck, "bssn.by_lapse"), "one") == 0;
    c->warm = strcmp(aeon_deck_string(deck, "bssn.by_warm_start"), "auto") == 0;
    aeon_by_origin(c->n, c->p, c->origin);
    /* A plan (aeon check) has no communicator: the punctures are checked against the mesh, nothing is solved. */
    e = m->par->cart == MPI_COMM_NULL ? aeon_by_check(m, c->n, c->p, "bssn.bowen_york") : solve_into(m, c);
  }
  if (e) {
    by_destroy(c);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *ctxp = c;
  return AEON_OK;
}

static void by_point(const void *ctxv, double t, const double x[3], bssn_adm *out) {
  (void)t;
  const by_ctx *c = ctxv;
  double psi = 1 + aeon_by_psi_singular(c->n, c->p, x) + aeon_by_interp(c->m, c->u, c->origin, x);
  double A[6];
  aeon_by_curvature(c->n, c->p, x, A);
  double psi2 = psi * psi, psi4 = psi2 * psi2;
  memset(out, 0, sizeof *out);
  out->g[0] = out->g[3] = out->g[5] = psi4;
  for (int k = 0; k < 6; k++) out->k[k] = A[k] / psi2;
  out->alpha = c->lapse_one ? 1.0 : 1.0 / psi2;
}

/* The warm start's receipt for the run's log (none after a cold start or without bssn.by_warm_start). */
static int by_receipt(const void *ctx, char *detail, size_t cap, double *wall) {
  const by_ctx *c = ctx;
  if (!c->receipt[0]) return 0;
  snprintf(detail, cap, "%s", c->receipt);
  *wall = c->receipt_wall;
  return AEON_RCPT_WARM_START;
}

const bssn_id_ops bssn_id_bowen_york = {
    .name = "bowen_york",
    .doc = "Bowen-York punctures with momenta and spins (bssn.bowen_york), the Hamiltonian constraint solved on the "
           "mesh",
    .params = by_params,
    .nparams = (int)(sizeof by_params / sizeof by_params[0]),
    .exact = 0,
    .periodic_ok = 0,
    .create = by_create,
    .destroy = by_destroy,
    .point = by_point,
    .receipt = by_receipt,
};
