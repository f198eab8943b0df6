/* aeon eig (--input FILE:/DSET [--symmetric] | --operator dndrv1 [--grid-size NX] [--rho R] | --deck DECK)
 *          [--nev K] [--which LM|LR|SR] [--ncv M] [--tol T] [--max-restarts R] [--block-size B] [--nb NB]
 *          [--budget SIZE] [--grid PxQ] [--quiet] [--which SM] [--sigma S]
 * A few eigenvalues of a matrix from HDF5, of a built-in operator, of a deck's semi-discrete evolution operator
 * (then also the largest stable time step of each Runge-Kutta method), or of an elliptic deck's operator (no
 * physics, elliptic.* keys: the model problem of `aeon solve`), by Krylov-Schur (block Krylov-Schur for B > 1).
 * --which SM or --sigma S: shift-invert, Krylov-Schur on (A - sigma I)^-1 (sigma 0 for SM) applied by a Krylov solve
 * (the elliptic deck's method and preconditioner; GMRES(30) otherwise), eigenvalues mapped back, nearest sigma
 * first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/eigs.h"
#include "aeon/shift_invert.h"
#include "aeon/stepper.h"
#include "cli/commands.h"
#include "cli/solve_setup.h"

typedef struct eig_args {
  const char *input, *op, *deck, *which, *budget, *grid;
  long nx, nev, ncv, max_restarts, nb, block_size;
  double rho, tol, sigma;
  int symmetric, quiet, shift_invert;
  char file[1024], dset[256];
} eig_args;

typedef struct eig_run {
  aeon_cli_dense d; /* grid, budget, governor, rank, progress timing */
  aeon_tiled *A;
  aeon_linop op;
  aeon_eigs_result res;
  uint64_t h5_read;
  aeon_sim *sim;    /* --deck: the simulation whose evolution operator op is */
  char *deck_text;
  aeon_elliptic_setup es; /* --deck on an elliptic deck: its model problem */
  int have_es;
  aeon_linop base;  /* shift-invert: the operator inverted (op is the inverse) */
  aeon_gop base_gop;
  aeon_gvec base_tmpl;
} eig_run;

/* Exactly one of --input, --operator and --deck. */
static aeon_err one_source(const eig_args *a) {
  const char *given[3];
  int n = 0;
  if (a->input) given[n++] = "--input";
  if (a->op) given[n++] = "--operator";
  if (a->deck) given[n++] = "--deck";
  if (n == 1) return AEON_OK;
  const char *what = "eig: give exactly one of --input FILE:/DATASET, --operator dndrv1 or --deck DECK";
  if (n == 0) return AE_ERR(AEON_ERR_USER, "%s", what);
  return AE_ERR(AEON_ERR_USER, "eig: %s and %s cannot be used together; %s", given[0], given[1], what + 5);
}

static aeon_err parse_eig(int argc, char **argv, eig_args *a) {
  a->nx = 100;
  a->nev = (long)aeon_drivers_default("eig.nev");
  a->ncv = (long)aeon_drivers_default("eig.ncv");
  a->tol = aeon_drivers_default("eig.tol");
  a->max_restarts = (long)aeon_drivers_default("eig.max_restarts");
  a->block_size = (long)aeon_drivers_default("eig.block_size");
  a->nb = (long)aeon_drivers_default("drivers.tile_size");
  if (a->nb == 0) a->nb = aeon_drivers_auto_nb(0);
  a->which = "LM";
  a->sigma = NAN;
  const aeon_cli_flag f[] = {
    {"--input", 's', &a->input, 0, 0},          {"--operator", 's', &a->op, 0, 0},
    {"--grid-size", 'i', &a->nx, 2, 46340},     {"--rho", 'r', &a->rho, -1e12, 1e12},
    {"--symmetric", 'f', &a->symmetric, 0, 0},  {"--nev", 'i', &a->nev, 1, 1e6},
    {"--which", 's', &a->which, 0, 0},          {"--ncv", 'i', &a->ncv, 3, 1e6},
    {"--tol", 'r', &a->tol, 1e-300, 0.999},     {"--max-restarts", 'i', &a->max_restarts, 1, 1e9},
    {"--nb", 'i', &a->nb, 8, 16384},            {"--budget", 's', &a->budget, 0, 0},
    {"--grid", 's', &a->grid, 0, 0},            {"--quiet", 'f', &a->quiet, 0, 0},
    {"--block-size", 'i', &a->block_size, 1, 1e6}, {"--deck", 's', &a->deck, 0, 0},
    {"--sigma", 'r', &a->sigma, -1e300, 1e300},
  };
  AE_CHK(aeon_cli_flags("eig", f, sizeof f / sizeof f[0], argc, argv));
  AE_CHK(one_source(a));
  if (a->deck && a->symmetric)
    return AE_ERR(AEON_ERR_USER, "eig: --symmetric applies to --input only (an evolution operator is not symmetric)");
  if (a->op && strcmp(a->op, "dndrv1") != 0)
    return AE_ERR(AEON_ERR_USER, "eig: unknown operator '%s' (known: dndrv1)", a->op);
  if (a->input) AE_CHK(aeon_h5_split(a->input, "/A", a->file, sizeof a->file, a->dset, sizeof a->dset));
  if (strcmp(a->which, "SM") == 0 || !isnan(a->sigma)) {
    if (strcmp(a->which, "SM") != 0 && strcmp(a->which, "LM") != 0)
      return AE_ERR(AEON_ERR_USER, "eig: --sigma finds the eigenvalues nearest sigma; it takes --which SM or LM, not %s",
                    a->which);
    a->shift_invert = 1;
    if (isnan(a->sigma)) a->sigma = 0;
    return AEON_OK;
  }
  aeon_which w;
  return aeon_which_parse(a->which, &w);
}

/* Refuses a deck whose operator would not fit the budget: 7 field sets (the time stepper's 4, the operator's 3), and
 * the Krylov basis and its rotation copy, 2 (ncv + block size) vectors. */
static aeon_err check_deck_budget(const eig_args *a, const eig_run *r, const aeon_sim_opsize *sz) {
  double vecs = 2.0 * (double)(a->ncv + a->block_size) + 1;
  double need = 8.0 * (7.0 * sz->nvar * sz->patch_max + vecs * sz->nlocal_max);
  if (need <= (double)r->d.budget) return AEON_OK;
  char nb[32], bb[32];
  aeon_format_bytes(need, nb, sizeof nb);
  aeon_format_bytes((double)r->d.budget, bb, sizeof bb);
  return AE_ERR(AEON_ERR_USER,
                "eig: the evolution operator of '%s' needs about %s per rank (7 field sets of %d variables on patches "
                "of up to %.0f points, %.0f vectors of up to %.0f rows), more than the budget of %s; use more ranks, a "
                "smaller grid or a larger --budget",
                a->deck, nb, sz->nvar, sz->patch_max, vecs, sz->nlocal_max, bb);
}

/* The operator of an elliptic deck (its model problem), or its shift-invert with the deck's solver. */
static aeon_err elliptic_operator(const eig_args *a, eig_run *r) {
  AE_CHK(aeon_elliptic_setup_create(MPI_COMM_WORLD, a->deck, 0, NULL, NULL, &r->es));
  r->have_es = 1;
  if (!a->shift_invert) return aeon_linop_of_gop(&r->es.A, &r->es.b, &r->op);
  aeon_ksp_opts o = r->es.kopts;
  o.rtol = fmin(o.rtol, 1e-2 * a->tol);
  o.monitor = 0;
  return aeon_linop_shift_invert(&r->es.A, r->es.have_pc ? &r->es.pc : NULL, a->sigma, &r->es.b, &o, &r->op);
}

/* The evolution operator of a deck, sized and checked against the budget before the simulation is built. */
static aeon_err deck_operator(const eig_args *a, eig_run *r) {
  int size;
  size_t len = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  AE_CHK(aeon_sim_read_deck(MPI_COMM_WORLD, a->deck, &r->deck_text, &len));
  if (aeon_elliptic_deck_is(r->deck_text, len, a->deck)) return elliptic_operator(a, r);
  aeon_sim_opsize sz;
  AE_CHK(aeon_par_agree(MPI_COMM_WORLD, aeon_sim_linop_size(r->deck_text, len, a->deck, size, &sz)));
  AE_CHK(check_deck_budget(a, r, &sz));
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  AE_CHK(aeon_sim_create(MPI_COMM_WORLD, r->deck_text, len, a->deck, 0, NULL, &opt, &r->sim));
  return aeon_sim_linop(r->sim, 0, &r->op);
}

/* The operator: the dndrv1 stencil, a deck's evolution operator, or the matrix read from HDF5 into tiles. */
static aeon_err make_operator(const eig_args *a, eig_run *r) {
  if (a->op) return aeon_linop_dndrv1(r->d.g.comm, a->nx, a->rho, &r->op);
  if (a->deck) return deck_operator(a, r);
  long rows, cols;
  AE_CHK(aeon_h5_shape(r->d.g.comm, a->file, a->dset, &rows, &cols));
  if (rows != cols)
    return AE_ERR(AEON_ERR_USER, "eig: dataset '%s' in '%s' is %ld x %ld; eigenvalues need a square matrix", a->dset,
                  a->file, rows, cols);
  size_t need;
  aeon_traits t = a->symmetric ? AEON_TRAIT_SYMMETRIC : AEON_TRAIT_GENERAL;
  AE_CHK(aeon_tiled_core_bytes(&r->d.g, rows, cols, (int)a->nb, t, &need));
  if (need > r->d.budget) {
    char nb[32], bb[32];
    aeon_format_bytes((double)need, nb, sizeof nb);
    aeon_format_bytes((double)r->d.budget, bb, sizeof bb);
    return AE_ERR(AEON_ERR_USER, "eig: the %ld x %ld matrix needs %s per rank, more than the budget of %s", rows, cols,
                  nb, bb);
  }
  AE_CHK(aeon_tiled_create(&r->d.g, r->d.gov, rows, cols, (int)a->nb, t, NULL, &r->A));
  AE_CHK(aeon_tiled_read_h5(r->A, a->file, a->dset, &r->h5_read));
  return aeon_linop_tiled(r->A, &r->op);
}

static void progress(void *ctx, long restarts, int nconv, long applies) {
  eig_run *r = ctx;
  if (!r->d.quiet && restarts % 100 == 0)
    printf("eig: restart %ld, %d converged, %ld operator applications\n", restarts, nconv, applies);
}

static void print_result(const eig_args *a, const eig_run *r) {
  const aeon_eigs_result *s = &r->res;
  printf("   #  %-24s %-24s %s\n", "real", "imag", "residual");
  for (int t = 0; t < s->nev; t++) printf("%4d  %-24.16g %-24.16g %.3e\n", t + 1, s->re[t], s->im[t], s->resid[t]);
  char what[256], block[48] = "";
  if (a->block_size > 1) snprintf(block, sizeof block, " block_size=%ld", a->block_size);
  snprintf(what, sizeof what,
           "eig: %s n=%ld nev=%ld which=%s ncv=%ld%s tol=%g: %ld operator applications, %ld restarts", r->op.name,
           r->op.n, a->nev, a->which, a->ncv, block, a->tol, s->applies, s->restarts);
  aeon_cli_summary(stdout, what, s->seconds, s->flops, r->h5_read, 0, aeon_gov_peak(r->d.gov), r->d.budget);
}

/* The largest stable dt of every registered Runge-Kutta method on the computed eigenvalues, next to the deck's dt. */
static void print_stability(const eig_run *r) {
  const aeon_eigs_result *s = &r->res;
  const aeon_mesh *m = aeon_sim_mesh(r->sim);
  double h = fmin(m->dx[0], fmin(m->dx[1], m->dx[2])), dt = aeon_sim_dt(r->sim), lmax = 0, remax = -HUGE_VAL;
  for (int t = 0; t < s->nev; t++) {
    lmax = fmax(lmax, hypot(s->re[t], s->im[t]));
    remax = fmax(remax, s->re[t]);
  }
  printf("max |lambda| = %.10g; largest real part = %.3g (%.3g of max |lambda|)\n", lmax, remax, remax / lmax);
  printf("stable dt: a necessary condition from these %d eigenvalues, |R(dt lambda)| <= 1 (+ %g for rounding) for each "
         "(eigenvalues not computed may need a smaller dt)\n", s->nev, AEON_RK_STABILITY_SLACK);
  for (int i = 0; i < aeon_rk_count(); i++) {
    const aeon_rk_method *rk = aeon_rk_get(i);
    double dmax = aeon_rk_max_stable_dt(rk, s->nev, s->re, s->im);
    int weak = aeon_rk_amplification(rk, 0.5 * dmax, s->nev, s->re, s->im) > 1;
    printf("stable dt %s%s: dt <= %.10g (cfl %.6g); deck dt %.10g (cfl %.6g) is %.6g of it; max |R(deck dt lambda)| = "
           "%.10g%s\n", rk->name, strcmp(rk->name, aeon_sim_integrator(r->sim)) ? "" : " (deck)", dmax, dmax / h, dt,
           dt / h, dt / dmax, aeon_rk_amplification(rk, dt, s->nev, s->re, s->im),
           weak ? " (|R| > 1 already at half that dt: unstable at every dt on these eigenvalues; the bound is only "
                  "where |R| - 1 reaches the slack)" : "");
  }
}

/* Shift-invert of an operator without grid (a matrix, dndrv1, an evolution operator): GMRES(30), no preconditioner. */
static aeon_err invert_operator(const eig_args *a, eig_run *r) {
  r->base = r->op;
  memset(&r->op, 0, sizeof r->op);
  AE_CHK(aeon_gop_of_linop(&r->base, &r->base_gop, &r->base_tmpl));
  aeon_ksp_opts o = aeon_ksp_defaults();
  o.rtol = 1e-2 * a->tol;
  return aeon_linop_shift_invert(&r->base_gop, NULL, a->sigma, &r->base_tmpl, &o, &r->op);
}

static aeon_err eig(const eig_args *a, eig_run *r) {
  AE_CHK(aeon_cli_dense_setup(a->grid, a->budget, &r->d));
  AE_CHK(make_operator(a, r));
  if (a->shift_invert && !r->have_es) AE_CHK(invert_operator(a, r));
  aeon_eigs_opts o = aeon_eigs_defaults();
  o.nev = (int)a->nev;
  o.ncv = (int)a->ncv;
  o.tol = a->tol;
  o.max_restarts = a->max_restarts;
  o.block_size = (int)a->block_size;
  o.gov = r->d.gov;
  o.progress = progress;
  o.progress_ctx = r;
  AE_CHK(aeon_which_parse(a->shift_invert ? "LM" : a->which, &o.which));
  AE_CHK(aeon_eigs(&r->op, &o, &r->res));
  if (a->shift_invert) {
    aeon_shift_invert_eigenvalues(a->sigma, r->res.nev, r->res.re, r->res.im, r->res.resid);
    if (r->d.rank == 0)
      printf("shift-invert: sigma = %.17g, %ld inner Krylov iterations in %ld solves; eigenvalues of A nearest sigma "
             "(residuals are those of the inverse)\n", a->sigma, aeon_shift_invert_iterations(&r->op), r->res.applies);
  }
  if (r->d.rank == 0) print_result(a, r);
  if (r->d.rank == 0 && r->sim) print_stability(r);
  return AEON_OK;
}

typedef struct eig_cmd {
  eig_args a;
  eig_run r;
} eig_cmd;

static aeon_err eig_body(int argc, char **argv, int rank, void *ctx) {
  eig_cmd *c = ctx;
  c->r.d.rank = rank;
  aeon_err e = parse_eig(argc, argv, &c->a);
  c->r.d.quiet = c->a.quiet || rank != 0;
  return e ? e : eig(&c->a, &c->r);
}

static void eig_cleanup(void *ctx) {
  eig_cmd *c = ctx;
  aeon_eigs_result_free(&c->r.res);
  aeon_linop_destroy(&c->r.op);
  aeon_linop_destroy(&c->r.base);
  if (c->r.have_es) aeon_elliptic_setup_destroy(&c->r.es);
  aeon_tiled_destroy(c->r.A);
  aeon_sim_destroy(c->r.sim);
  free(c->r.deck_text);
  aeon_cli_dense_free(&c->r.d);
}

int aeon_cmd_eig(int argc, char **argv) {
  eig_cmd c;
  memset(&c, 0, sizeof c);
  return aeon_cli_driver(eig_body, eig_cleanup, &c, argc, argv);
}
