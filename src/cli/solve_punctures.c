/* `aeon solve` for elliptic.problem: punctures: deck (rank 0, broadcast) ->
 * paramset check -> elliptic.problem tested (other problems go back to
 * cmd_solve.c) -> mesh and process grid -> puncture list, Newton, Krylov and
 * multigrid options -> Bowen-York solver (aeon/bowen_york.h) -> with
 * elliptic.warm_start: auto, the stored solution for this grid as the initial
 * guess (a tier store and receipts log of this run on rank 0, the cache
 * directory's file) -> solve -> the new solution stored -> ADM and local
 * masses -> a report on rank 0 (with the warm start and the receipts). A
 * divergent solve is an AEON_ERR_NUMERIC (exit 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/bowen_york.h"
#include "aeon/cachedir.h"
#include "aeon/memory.h"
#include "aeon/sim.h"
#include "cli/solve_punctures.h"
#include "cli/solve_setup.h"

typedef struct punct_run {
  char *text;
  const char *path;
  aeon_paramset *ps;
  aeon_deck *deck;
  aeon_mesh m;
  aeon_par par;
  int have_par;
  aeon_by *by;
  aeon_receipts *log; /* rank 0, warm_start auto */
  aeon_tiers *tiers;  /* rank 0, warm_start auto */
  aeon_by_warm warm;
  int warm_on;
  double t_load, t_store; /* seconds of the warm-start look-up and of storing the solution */
} punct_run;

static aeon_err opts_from_deck(const aeon_deck *d, aeon_by_opts *o) {
  aeon_by_opts_default(o);
  AE_CHK(aeon_ksp_opts_from_deck(d, &o->ksp));
  AE_CHK(aeon_mg_opts_from_deck(d, &o->mg));
  o->newton_rtol = aeon_deck_real(d, "elliptic.newton_rtol");
  o->newton_max_it = (int)aeon_deck_int(d, "elliptic.newton_max_it");
  o->monitor = aeon_deck_bool(d, "elliptic.newton_monitor");
  return AEON_OK;
}

/* The warm-start line and this run's receipts (rank 0). */
static void print_warm(const punct_run *r, const aeon_by_result *res) {
  const aeon_by_warm *w = &r->warm;
  if (!r->warm_on) return;
  if (!w->match)
    printf("solve: warm start: nothing stored for %s: a cold start (%d Newton steps, %ld Krylov iterations), "
           "stored for the next run\n", w->key, res->newton_its, res->ksp_its);
  else
    printf("solve: warm start: %s match %s (%s)%s: %d Newton steps, %ld Krylov iterations (cold: %lld, %lld): saved "
           "%lld Newton steps, %lld Krylov iterations\n", w->match == 2 ? "exact" : "nearby", w->key, w->source,
           res->guess_dropped ? ", the guess was worse than u = 0 and dropped" : "", res->newton_its, res->ksp_its,
           (long long)w->cold[0], (long long)w->cold[1], (long long)w->cold[0] - res->newton_its,
           (long long)w->cold[1] - res->ksp_its);
  printf("solve: warm start: look-up %.3f s, storing %.3f s\n", r->t_load, r->t_store);
  size_t n = aeon_receipts_count(r->log);
  printf("solve: receipts (%zu):\n", n);
  aeon_receipts_print(r->log, 0, n, stdout);
}

static aeon_err report(punct_run *r, int n, const aeon_by_puncture *p, const aeon_by_result *res, double t_setup,
                       double t_mass) {
  aeon_by_masses M;
  double t0 = MPI_Wtime();
  AE_CHK(aeon_by_masses_compute(r->by, &M));
  t_mass = MPI_Wtime() - t0;
  int rank;
  MPI_Comm_rank(r->par.cart, &rank);
  if (rank) return AEON_OK;
  const aeon_mesh *m = &r->m;
  printf("solve: punctures problem on %ld x %ld x %ld cells, box [%g, %g] x [%g, %g] x [%g, %g] (h = %g), %d "
         "puncture%s, robin faces\n", m->N[0], m->N[1], m->N[2], m->xmin[0], m->xmax[0], m->xmin[1], m->xmax[1],
         m->xmin[2], m->xmax[2], m->dx[0], n, n > 1 ? "s" : "");
  printf("solve: Newton converged in %d steps (%ld Krylov iterations), ||F|| %.6e -> %.6e (%.3e of the source)\n",
         res->newton_its, res->ksp_its, res->fnorm_start, res->fnorm, res->fnorm0 > 0 ? res->fnorm / res->fnorm0 : 0.0);
  printf("solve: ADM mass %.10f (box %.10f + outside the box %.6e)\n", M.adm, M.adm_box, M.tail);
  for (int q = 0; q < n; q++)
    printf("solve: puncture %d: m %g at [%g, %g, %g], P [%g, %g, %g], S [%g, %g, %g]: u %.8e, local mass %.10f\n", q,
           p[q].m, p[q].x[0], p[q].x[1], p[q].x[2], p[q].P[0], p[q].P[1], p[q].P[2], p[q].S[0], p[q].S[1], p[q].S[2],
           M.u_at[q], M.local[q]);
  printf("solve: time: set-up %.3f s, solve %.3f s, masses %.3f s\n", t_setup, res->seconds, t_mass);
  print_warm(r, res);
  return AEON_OK;
}

/* Rank 0: this run's receipts log and tier store, and the cache directory (elliptic.warm_start_dir, else the
 * per-user one). */
static aeon_err warm_state(punct_run *r, char *dir, size_t cap) {
  int rank;
  MPI_Comm_rank(r->par.cart, &rank);
  AE_CHK(aeon_cache_dir(aeon_deck_string(r->deck, "elliptic.warm_start_dir"), dir, cap));
  if (rank) return AEON_OK;
  AE_CHK(aeon_receipts_create(16, &r->log));
  AE_CHK(aeon_tiers_create(r->log, &r->tiers));
  AE_CHK(aeon_receipts_append(r->log, AEON_RCPT_RUN_START, 0, 0, 0, 0, "solve %s", r->path));
  return AEON_OK;
}

static aeon_err run(MPI_Comm comm, punct_run *r, int quiet) {
  double t0 = MPI_Wtime();
  AE_CHK(aeon_elliptic_grid_from_deck(comm, r->deck, &r->m, &r->par, &r->have_par));
  AE_CHK(aeon_mesh_setup_patch(&r->m, &r->par));
  aeon_by_puncture p[AEON_BY_MAX];
  int n = 0;
  AE_CHK(aeon_by_from_deck(r->deck, "elliptic.punctures", p, &n));
  aeon_by_opts o;
  AE_CHK(opts_from_deck(r->deck, &o));
  AE_CHK(aeon_by_create(&r->m, n, p, &o, "elliptic.punctures", &r->by));
  char dir[4096] = "";
  r->warm_on = strcmp(aeon_deck_string(r->deck, "elliptic.warm_start"), "auto") == 0;
  if (r->warm_on) {
    AE_CHK(aeon_par_agree(comm, warm_state(r, dir, sizeof dir)));
    double tw = MPI_Wtime();
    AE_CHK(aeon_by_warm_load(r->by, r->tiers, dir, &r->warm));
    r->t_load = MPI_Wtime() - tw;
  }
  double t_setup = MPI_Wtime() - t0;
  aeon_by_result res;
  AE_CHK(aeon_by_solve(r->by, &res));
  if (r->warm_on) {
    double tw = MPI_Wtime();
    AE_CHK(aeon_by_warm_store(r->by, r->tiers, dir, &res, &r->warm, r->log));
    r->t_store = MPI_Wtime() - tw;
  }
  if (quiet) return AEON_OK;
  return report(r, n, p, &res, t_setup, 0);
}

aeon_err aeon_solve_punctures(MPI_Comm comm, const char *path, int nset, const char *const *sets, int quiet,
                              const char *petsc_args, int *handled) {
  *handled = 0;
  punct_run r;
  memset(&r, 0, sizeof r);
  r.path = path;
  size_t len = 0;
  aeon_err e = aeon_sim_read_deck(comm, path, &r.text, &len);
  if (!e) e = aeon_elliptic_paramset(&r.ps);
  if (!e) e = aeon_par_agree(comm, aeon_deck_load(r.text, len, path, r.ps, nset, sets, &r.deck));
  if (e) { /* let the usual path report the deck's problems */
    aeon_error_clear();
    e = AEON_OK;
  } else if (strcmp(aeon_deck_string(r.deck, "elliptic.problem"), "punctures") == 0) {
    *handled = 1;
    if (petsc_args && *petsc_args)
      e = AE_ERR(AEON_ERR_USER, "solve: PETSc options (%s) were given, but elliptic.problem: punctures runs on the "
                 "native solvers", petsc_args);
    else
      e = run(comm, &r, quiet);
  }
  aeon_by_destroy(r.by);
  aeon_tiers_destroy(r.tiers);
  aeon_receipts_destroy(r.log);
  if (r.have_par) aeon_par_destroy(&r.par);
  aeon_deck_destroy(r.deck);
  aeon_paramset_destroy(r.ps);
  free(r.text);
  return e;
}
