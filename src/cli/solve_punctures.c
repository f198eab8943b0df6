/* `aeon solve` for elliptic.problem: punctures: deck (rank 0, broadcast) ->
 * paramset check -> elliptic.problem tested (other problems go back to
 * cmd_solve.c) -> mesh and process grid -> puncture list, Newton, Krylov and
 * multigrid options -> Bowen-York solver (aeon/bowen_york.h) -> solve ->
 * ADM and local masses -> a report on rank 0. A divergent solve is an
 * AEON_ERR_NUMERIC (exit 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/bowen_york.h"
#include "aeon/memory.h"
#include "aeon/sim.h"
#include "cli/solve_punctures.h"
#include "cli/solve_setup.h"

typedef struct punct_run {
  char *text;
  aeon_paramset *ps;
  aeon_deck *deck;
  aeon_mesh m;
  aeon_par par;
  int have_par;
  aeon_by *by;
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
  double t_setup = MPI_Wtime() - t0;
  aeon_by_result res;
  AE_CHK(aeon_by_solve(r->by, &res));
  if (quiet) return AEON_OK;
  return report(r, n, p, &res, t_setup, 0);
}

aeon_err aeon_solve_punctures(MPI_Comm comm, const char *path, int nset, const char *const *sets, int quiet,
                              const char *petsc_args, int *handled) {
  *handled = 0;
  punct_run r;
  memset(&r, 0, sizeof r);
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
  if (r.have_par) aeon_par_destroy(&r.par);
  aeon_deck_destroy(r.deck);
  aeon_paramset_destroy(r.ps);
  free(r.text);
  return e;
}
