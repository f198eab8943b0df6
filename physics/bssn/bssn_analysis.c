/* The BSSN module's analysis op (see bssn_analysis.h).
 * create: the ADM-mass spheres (adm_mass.c); the exclusion balls: the positions of bssn.punctures and their images
 * at the symmetry faces.
 * eval: the masses; then the constraint fields at the interior points outside every ball go into exact norm
 * accumulators, reduced exactly (L2 = sqrt(sum f^2 dx dy dz) as in norms.dat). */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/physics.h"
#include "aeon/reduce.h"

#include "adm_mass.h"
#include "bssn_analysis.h"

#define MAX_BALLS 128
#define NEXCL 4 /* L2_ham_excl, max_ham_excl, L2_mom_excl, max_mom_excl */

struct bssn_analysis {
  bssn_adm_mass *adm;
  int nadm;
  double radius;           /* exclusion radius (0: no excluded norms) */
  double rmax;             /* points farther than this from the origin are left out too (0: none) */
  int nballs;
  double ball[MAX_BALLS][3];
  int count;
  const char *names[AEON_MAX_ANALYSIS];
};

static const aeon_param_decl excl_params[] = {
    {"bssn.diag_exclude_radius", AEON_PT_REAL, "0", 0, 1e30, NULL,
     "radius of the balls about the punctures (bssn.punctures) left out of the extra constraint norms "
     "L2/max_ham_excl, L2/max_mom_excl in norms.dat (0: none)", AEON_RESTART_FIXED},
    {"bssn.diag_max_radius", AEON_PT_REAL, "0", 0, 1e30, NULL,
     "the _excl constraint norms also leave out points farther than this from the origin, e.g. the region that "
     "signals from the outer boundary reached (0: none)", AEON_RESTART_FIXED},
};
const aeon_param_decl *const bssn_analysis_params[] = {bssn_adm_params, excl_params, NULL};
const int bssn_analysis_nparams[] = {BSSN_ADM_NPARAMS, 2, 0};

static const char *const excl_names[NEXCL] = {"L2_ham_excl", "max_ham_excl", "L2_mom_excl", "max_mom_excl"};

/* The exclusion balls: each puncture and its images at the symmetry faces. */
static void make_balls(const aeon_deck *deck, const aeon_mesh *m, bssn_analysis *a) {
  int n = aeon_deck_list_len(deck, "bssn.punctures");
  for (int i = 0; i < n; i++) {
    double x[3];
    aeon_deck_list_real3(deck, "bssn.punctures", i, "position", x);
    for (int s = 0; s < 8 && a->nballs < MAX_BALLS; s++) {
      int ok = 1;
      double *b = a->ball[a->nballs];
      for (int d = 0; d < 3; d++) {
        b[d] = x[d];
        if (!(s >> d & 1)) continue;
        int lo = m->bc[2 * d] == AEON_BC_SYMMETRY, hi = m->bc[2 * d + 1] == AEON_BC_SYMMETRY;
        ok = ok && (lo || hi);
        b[d] = lo ? 2 * m->xmin[d] - x[d] : 2 * m->xmax[d] - x[d];
      }
      if (ok) a->nballs++;
    }
  }
}

aeon_err bssn_analysis_create(const aeon_deck *deck, const aeon_mesh *m, const int (*parity)[3], bssn_analysis **out) {
  bssn_analysis *a;
  AE_CHK(aeon_mem_alloc(sizeof *a, (void **)&a));
  aeon_err e = bssn_adm_create(deck, m, parity, &a->adm);
  if (e) {
    aeon_mem_free(a);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  const char *const *an;
  a->nadm = bssn_adm_count(a->adm, &an);
  for (int i = 0; i < a->nadm; i++) a->names[a->count++] = an[i];
  a->radius = aeon_deck_real(deck, "bssn.diag_exclude_radius");
  a->rmax = aeon_deck_real(deck, "bssn.diag_max_radius");
  if (a->radius > 0) {
    make_balls(deck, m, a);
    for (int i = 0; i < NEXCL; i++) a->names[a->count++] = excl_names[i];
  }
  *out = a;
  return AEON_OK;
}

int bssn_analysis_count(const bssn_analysis *a, const char *const **names) {
  if (names) *names = a->names;
  return a->count;
}

/* 1 if x lies outside every ball (and within rmax of the origin). */
static int outside(const bssn_analysis *a, const double x[3]) {
  double r2 = a->radius * a->radius;
  if (a->rmax > 0 && x[0] * x[0] + x[1] * x[1] + x[2] * x[2] > a->rmax * a->rmax) return 0;
  for (int b = 0; b < a->nballs; b++) {
    double dx = x[0] - a->ball[b][0], dy = x[1] - a->ball[b][1], dz = x[2] - a->ball[b][2];
    if (dx * dx + dy * dy + dz * dz <= r2) return 0;
  }
  return 1;
}

aeon_err bssn_analysis_eval(bssn_analysis *a, const aeon_mesh *m, const aeon_fields *u, const aeon_fields *aux,
                            double *out) {
  AE_CHK(bssn_adm_eval(a->adm, u, out));
  if (!(a->radius > 0)) return AEON_OK;
  aeon_norm_acc acc[2];
  aeon_norm_acc_init(&acc[0]);
  aeon_norm_acc_init(&acc[1]);
  const double *H = aeon_var(aux, 0), *M[3] = {aeon_var(aux, 1), aeon_var(aux, 2), aeon_var(aux, 3)};
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
        if (!outside(a, x)) continue;
        long p = aeon_idx(m, i, j, k);
        aeon_norm_acc_add(&acc[0], H[p]);
        aeon_norm_acc_add(&acc[1], sqrt(M[0][p] * M[0][p] + M[1][p] * M[1][p] + M[2][p] * M[2][p]));
      }
  AE_CHK(aeon_norm_acc_allreduce(acc, 2, m->par->cart));
  double dv = m->dx[0] * m->dx[1] * m->dx[2], *o = out + a->nadm;
  for (int q = 0; q < 2; q++) {
    o[2 * q] = aeon_norm_acc_l2(&acc[q], dv);
    o[2 * q + 1] = aeon_norm_acc_max(&acc[q]);
  }
  return AEON_OK;
}

void bssn_analysis_destroy(bssn_analysis *a) {
  if (!a) return;
  bssn_adm_destroy(a->adm);
  aeon_mem_free(a);
}
