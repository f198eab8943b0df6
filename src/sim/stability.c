/* Checks before step 1 that the run can work: the time step against the
 * integrator's linear stability limit. The physics module gives the Fourier
 * spectrum of its rhs on the mesh (ops->spectrum); the largest stable dt of the
 * Runge-Kutta method on it (aeon_rk_max_stable_dt, as `aeon eig` reports) is
 * compared with the chosen dt, and time.stability says whether a dt beyond it
 * is refused, only warned about, or not checked. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

/* Eigenvalues sampled from the module's spectrum (the wave module gives 1000). */
#define SPEC_MAX 4096
/* Growth over the whole run that a method unstable at every dt (no segment of the imaginary axis in its stability
 * region, e.g. rk2 on an undamped spectrum) may have: rounding errors of 1e-16 then stay below 1e-8. */
#define WEAK_GROWTH_MAX 1e8

/* What the limit is, for the message: the largest stable dt, the growth per step at the run's dt, and whether the
 * method is unstable at every dt on this spectrum (|R| > 1 already at half the limit). */
typedef struct {
  double dt_max, growth;
  int weak;
} stab_limit;

/* Evaluates the integrator on the n eigenvalues at the run's dt. */
static stab_limit limit_of(const aeon_sim *s, int n, const double *re, const double *im) {
  stab_limit l;
  l.dt_max = aeon_rk_max_stable_dt(s->rk, n, re, im);
  l.growth = aeon_rk_amplification(s->rk, s->dt, n, re, im);
  /* |R| - 1 grows like a power of dt: a method stable on an interval is at least rounding-close to 1 at half its
   * limit; one unstable at every dt still exceeds 1 there by slack / 2^order, far above rounding */
  l.weak = isfinite(l.dt_max) &&
           aeon_rk_amplification(s->rk, 0.5 * l.dt_max, n, re, im) > 1 + 1e-3 * AEON_RK_STABILITY_SLACK;
  return l;
}

/* Writes the reason the dt is unstable into msg, or returns 0 if it is acceptable. */
static int unstable(const aeon_sim *s, const stab_limit *l, char *msg, size_t len) {
  const aeon_mesh *m = &s->lev[0].mesh;
  double h = fmin(m->dx[0], fmin(m->dx[1], m->dx[2]));
  double cfl = aeon_deck_real(s->deck, "time.cfl");
  long steps = s->nsteps > 0 ? s->nsteps : 1;
  if (l->weak) {
    double run_growth = pow(l->growth, (double)steps);
    if (!(run_growth > WEAK_GROWTH_MAX)) return 0;
    snprintf(msg, len, "%s: time.cfl = %g gives dt = %.6g, at which %s grows the highest modes of physics '%s' by "
             "%.3g per step, %.3g over the run's %ld steps (more than %.0e): %s is unstable at every dt on this "
             "spectrum (its linear limit dt <= %.3g, time.cfl <= %.3g, is rounding room); shorten the run, lower "
             "time.cfl, add dissipation or choose rk4", aeon_deck_filename(s->deck), cfl, s->dt, s->rk->name,
             s->phys->name, l->growth, run_growth, steps, WEAK_GROWTH_MAX, s->rk->name, l->dt_max, l->dt_max / h);
    return 1;
  }
  if (s->dt <= l->dt_max) return 0;
  snprintf(msg, len, "%s: time.cfl = %g gives dt = %.6g, beyond the stability limit of %s for physics '%s' on this "
           "grid: dt <= %.6g, i.e. time.cfl <= %.4g (at this dt the highest modes grow by %.3g per step); lower "
           "time.cfl", aeon_deck_filename(s->deck), cfl, s->dt, s->rk->name, s->phys->name, l->dt_max,
           l->dt_max / h, l->growth);
  return 1;
}

aeon_err aeon_sim_check_stability(aeon_sim *s) {
  const char *mode = aeon_deck_string(s->deck, "time.stability");
  if (!s->phys->spectrum || strcmp(mode, "off") == 0 || !(s->dt > 0)) return AEON_OK;
  double *re = NULL, *im = NULL;
  AE_CHK(aeon_mem_alloc(2 * sizeof(double) * SPEC_MAX, (void **)&re));
  im = re + SPEC_MAX;
  int n = s->phys->spectrum(s->self, &s->lev[0].mesh, SPEC_MAX, re, im);
  stab_limit l = limit_of(s, n, re, im);
  aeon_mem_free(re);
  char msg[1024];
  if (!unstable(s, &l, msg, sizeof msg)) return AEON_OK;
  if (strcmp(mode, "warn") == 0) {
    if (s->rank == 0) fprintf(stderr, "aeon: warning: %s (time.stability: warn, so the run goes on)\n", msg);
    return AEON_OK;
  }
  return AE_ERR(AEON_ERR_USER, "%s, or set time.stability: warn to run anyway", msg);
}
