/* ranks: 1 2 3 */
/* Multigrid (aeon_mg) on the elliptic operators:
 * (1) manufactured solutions with inhomogeneous dirichlet data (moved into
 *     the rhs by aeon_ell_dirichlet_rhs), solved by multigrid at 8^3, 16^3,
 *     32^3 (4th order: 12^3, 24^3, 48^3): the RMS error converges at order 2 (helmholtz with variable alpha and
 *     beta, laplacian2) and 4 (laplacian4), measured order within 0.1;
 * (2) V(2,2)-cycles with RB-GS on the Poisson problem: every per-cycle
 *     residual factor <= 0.1 (printed); W, F, Chebyshev converge too;
 * (3) FMG: one full-multigrid pass reaches the discretisation error (error at
 *     most 2x that of the discrete solution solved to 1e-12);
 * (4) the residual history of a solve is bit-identical to the same solve on
 *     one rank (MPI_COMM_SELF on rank 0): rank-count independent;
 * (5) cycles and the preconditioner allocate nothing (aeon_mem counters);
 *     the preconditioner reduces the residual tenfold; Chebyshev bounds are
 *     cached in Tier 3 and served from there (same residuals);
 * (6) elliptic.mg_* read from a deck; bad input: a periodic Poisson problem with a source of non-zero mean,
 *     more levels than the grid allows: clear refusals; a zero-mean one solves. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/elliptic.h"
#include "aeon/memory.h"
#include "aeon/sim.h"

#include "mpicheck.h"
#include "testutil.h"

static int rank;

typedef struct grid {
  aeon_mesh m;
  aeon_par par;
} grid;

static aeon_err make_grid(MPI_Comm comm, long n, const aeon_bc bc[6], int ghost, grid *g) {
  return aeon_test_unit_cube(comm, n, bc, ghost, &g->m, &g->par);
}

static const aeon_bc DIR[6] = {AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_DIRICHLET,
                               AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_DIRICHLET};
static const aeon_bc PER[6] = {AEON_BC_PERIODIC, AEON_BC_PERIODIC, AEON_BC_PERIODIC,
                               AEON_BC_PERIODIC, AEON_BC_PERIODIC, AEON_BC_PERIODIC};

/* Exact solutions u = X(x) Y(y) Z(z), each factor with its first and second derivatives. */
typedef void (*fac_fn)(double t, double out[3]);
static void fx_in(double t, double o[3]) { o[0] = cos(1.3 * t + 0.2); o[1] = -1.3 * sin(1.3 * t + 0.2); o[2] = -1.69 * o[0]; }
static void fy_in(double t, double o[3]) { o[0] = sin(0.9 * t + 0.5); o[1] = 0.9 * cos(0.9 * t + 0.5); o[2] = -0.81 * o[0]; }
static void fz_in(double t, double o[3]) { o[0] = exp(0.7 * t); o[1] = 0.7 * o[0]; o[2] = 0.49 * o[0]; }
/* homogeneous: zero on every face, non-zero normal derivatives */
static void fx_h(double t, double o[3]) {
  double s = sin(M_PI * t), c = cos(M_PI * t);
  o[0] = s * (1 + t);
  o[1] = M_PI * c * (1 + t) + s;
  o[2] = -M_PI * M_PI * s * (1 + t) + 2 * M_PI * c;
}
static void fy_h(double t, double o[3]) { o[0] = sin(M_PI * t); o[1] = M_PI * cos(M_PI * t); o[2] = -M_PI * M_PI * o[0]; }

typedef struct prob {
  aeon_ell_kind kind;
  double a, b;
  int homogeneous; /* 1: the solution vanishes on the faces */
} prob;

static void factors_at(const prob *p, const double x[3], double X[3], double Y[3], double Z[3]) {
  if (p->homogeneous) {
    fx_h(x[0], X);
    fy_h(x[1], Y);
    fy_h(x[2], Z);
  } else {
    fx_in(x[0], X);
    fy_in(x[1], Y);
    fz_in(x[2], Z);
  }
}

static double u_ex(const double x[3], void *ctx) {
  double X[3], Y[3], Z[3];
  factors_at(ctx, x, X, Y, Z);
  return X[0] * Y[0] * Z[0];
}
static double beta_fn(const double x[3], void *c) { return 1 + 0.3 * sin(2 * M_PI * x[0]) * cos(2 * M_PI * x[1]); }
static double alpha_fn(const double x[3], void *c) { return 1 + 0.5 * x[2] * x[2]; }

/* f = a alpha u - b div(beta grad u) (helmholtz) or a u - b lap u. */
static double f_ex(const double x[3], void *ctx) {
  const prob *p = ctx;
  double X[3], Y[3], Z[3];
  factors_at(p, x, X, Y, Z);
  double u = X[0] * Y[0] * Z[0], lap = X[2] * Y[0] * Z[0] + X[0] * Y[2] * Z[0] + X[0] * Y[0] * Z[2];
  if (p->kind != AEON_ELL_HELMHOLTZ) return p->a * u - p->b * lap;
  double k = 2 * M_PI, beta = beta_fn(x, NULL);
  double bx = 0.3 * k * cos(k * x[0]) * cos(k * x[1]), by = -0.3 * k * sin(k * x[0]) * sin(k * x[1]);
  double ux = X[1] * Y[0] * Z[0], uy = X[0] * Y[1] * Z[0];
  return p->a * alpha_fn(x, NULL) * u - p->b * (beta * lap + bx * ux + by * uy);
}

static aeon_ell_spec spec_of(const prob *p) {
  aeon_ell_spec s = aeon_ell_spec_default(p->kind);
  s.a = p->a;
  s.b = p->b;
  if (p->kind == AEON_ELL_HELMHOLTZ) {
    s.alpha = alpha_fn;
    s.beta = beta_fn;
  }
  return s;
}

/* A problem set up on a grid: operator, hierarchy, rhs (with the dirichlet data), solution, exact solution. */
typedef struct setup {
  grid g;
  aeon_ell_op *op;
  aeon_mg *mg;
  aeon_gvec b, u, ue, w;
} setup;

static aeon_err setup_create(MPI_Comm comm, const prob *p, long n, const aeon_bc bc[6], const aeon_mg_opts *o,
                             setup *s) {
  memset(s, 0, sizeof *s);
  aeon_ell_spec sp = spec_of(p);
  aeon_err e = make_grid(comm, n, bc, 2, &s->g);
  if (!e) e = aeon_ell_op_create(&s->g.m, &sp, &s->op);
  if (!e) e = aeon_mg_create(s->op, o, &s->mg);
  aeon_gvec *v[4] = {&s->b, &s->u, &s->ue, &s->w};
  for (int i = 0; i < 4 && !e; i++) e = aeon_ell_vec_create(s->op, v[i]);
  if (!e) e = aeon_ell_vec_fill(&s->b, f_ex, (void *)p);
  if (!e) e = aeon_ell_dirichlet_rhs(s->op, u_ex, (void *)p, &s->b);
  if (!e) e = aeon_ell_vec_fill(&s->ue, u_ex, (void *)p);
  return e;
}

static void setup_free(setup *s) {
  aeon_gvec *v[4] = {&s->b, &s->u, &s->ue, &s->w};
  for (int i = 0; i < 4; i++) aeon_gvec_destroy(v[i]);
  aeon_mg_destroy(s->mg);
  aeon_ell_op_destroy(s->op);
  aeon_par_destroy(&s->g.par);
}

/* The RMS of u - u_exact (max |u - u_exact| through emax if not NULL). */
static double error_of(setup *s, double *emax) {
  double err = NAN, mx = NAN;
  aeon_err e = aeon_gvec_linearsum(1.0, &s->u, -1.0, &s->ue, &s->w);
  if (!e) e = aeon_gvec_maxnorm(&s->w, &mx);
  if (!e) e = aeon_gvec_l2norm(&s->w, 1.0 / (double)(s->g.m.N[0] * s->g.m.N[1] * s->g.m.N[2]), &err);
  if (emax) *emax = mx;
  CHECK(e == AEON_OK, "error: %s", aeon_error_message());
  return err;
}

static void test_orders(void) {
  static const prob probs[] = {{AEON_ELL_HELMHOLTZ, 1.0, 1.0, 0}, {AEON_ELL_LAPLACIAN2, 0.0, 1.0, 0},
                               {AEON_ELL_LAPLACIAN4, 0.5, 1.0, 0}};
  static const double want[] = {2, 2, 4};
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  for (int q = 0; q < 3; q++) {
    o.rtol = want[q] > 2 ? 1e-12 : 1e-9; /* well below each operator's discretisation error */
    double err[3], emx[3];
    int cycles[3];
    for (int r = 0; r < 3; r++) {
      setup s;
      aeon_mg_result res = {0};
      long n = (want[q] > 2 ? 12L : 8L) << r; /* 4th order: 12, 24, 48 (a patch next to a face needs 4 points) */
      aeon_err e = setup_create(MPI_COMM_WORLD, &probs[q], n, DIR, &o, &s);
      if (!e) e = aeon_mg_solve(s.mg, &s.b, &s.u, &res);
      CHECK(e == AEON_OK, "kind %d n %ld: %s", (int)probs[q].kind, n, aeon_error_message());
      err[r] = error_of(&s, &emx[r]);
      cycles[r] = res.cycles;
      setup_free(&s);
    }
    double o1 = log2(err[0] / err[1]), o2 = log2(err[1] / err[2]);
    if (rank == 0)
      printf("solution kind %d: rms errors %.3e %.3e %.3e (cycles %d %d %d), orders %.3f %.3f; max-norm orders "
             "%.3f %.3f\n", (int)probs[q].kind, err[0], err[1], err[2], cycles[0], cycles[1], cycles[2], o1, o2,
             log2(emx[0] / emx[1]), log2(emx[1] / emx[2]));
    CHECK(fabs(o2 - want[q]) < 0.1 && fabs(o1 - want[q]) < 0.2, "kind %d: orders %.3f %.3f, want %g",
          (int)probs[q].kind, o1, o2, want[q]);
  }
}

/* Runs a solve with a monitor-like residual history (each cycle's factor); returns the worst factor. */
static double factors(const char *what, const prob *p, long n, const aeon_mg_opts *o, int ncycles, double *hist) {
  setup s;
  aeon_err e = setup_create(MPI_COMM_WORLD, p, n, DIR, o, &s);
  double worst = 0, prev = 0, rn = 0;
  for (int c = 0; c <= ncycles && !e; c++) {
    if (c > 0) e = aeon_mg_cycle(s.mg, &s.b, &s.u);
    if (!e) e = aeon_ell_residual(s.op, &s.u, &s.b, &s.w);
    if (!e) e = aeon_gvec_l2norm(&s.w, 1.0, &rn);
    if (hist) hist[c] = rn;
    if (c > 0 && rn / prev > worst) worst = rn / prev;
    if (rank == 0 && c > 0) printf("  %s cycle %d: residual %.6e factor %.4f\n", what, c, rn, rn / prev);
    prev = rn;
  }
  CHECK(e == AEON_OK, "%s: %s", what, aeon_error_message());
  setup_free(&s);
  return worst;
}

static void test_factors(void) {
  prob poisson = {AEON_ELL_LAPLACIAN2, 0.0, 1.0, 0}, helm = {AEON_ELL_HELMHOLTZ, 1.0, 1.0, 0};
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  double w = factors("poisson V(2,2) rbgs 64^3", &poisson, 64, &o, 6, NULL);
  CHECK(w <= 0.1, "poisson V-cycle factor %.4f > 0.1", w);
  w = factors("helmholtz V(2,2) rbgs 32^3", &helm, 32, &o, 4, NULL);
  CHECK(w <= 0.15, "helmholtz V-cycle factor %.4f > 0.15", w);
  o.cycle = AEON_MG_W;
  w = factors("poisson W(2,2) rbgs 32^3", &poisson, 32, &o, 4, NULL);
  CHECK(w <= 0.1, "W-cycle factor %.4f > 0.1", w);
  o.cycle = AEON_MG_F;
  w = factors("poisson F(2,2) rbgs 32^3", &poisson, 32, &o, 4, NULL);
  CHECK(w <= 0.1, "F-cycle factor %.4f > 0.1", w);
  o.cycle = AEON_MG_V;
  o.smoother = AEON_MG_CHEBYSHEV;
  o.pre = o.post = 4;
  w = factors("helmholtz V(4,4) chebyshev 32^3", &helm, 32, &o, 4, NULL);
  CHECK(w <= 0.1, "chebyshev V-cycle factor %.4f > 0.1", w);
}

static void test_fmg(void) {
  prob helm = {AEON_ELL_HELMHOLTZ, 1.0, 1.0, 1};
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  for (long n = 24; n <= 48; n *= 2) {
    setup s;
    aeon_mg_result res;
    o.cycle = AEON_MG_V;
    o.rtol = 1e-10;
    aeon_err e = setup_create(MPI_COMM_WORLD, &helm, n, DIR, &o, &s);
    if (!e) e = aeon_mg_solve(s.mg, &s.b, &s.u, &res);
    double e_disc = error_of(&s, NULL);
    setup_free(&s);
    o.cycle = AEON_MG_FMG;
    if (!e) e = setup_create(MPI_COMM_WORLD, &helm, n, DIR, &o, &s);
    if (!e) e = aeon_mg_cycle(s.mg, &s.b, &s.u);
    double e_fmg = error_of(&s, NULL);
    setup_free(&s);
    CHECK(e == AEON_OK, "fmg: %s", aeon_error_message());
    if (rank == 0)
      printf("fmg %ld^3: error after one FMG %.4e, discrete solution's %.4e, ratio %.3f\n", n, e_fmg, e_disc,
             e_fmg / e_disc);
    CHECK(e_fmg <= 2 * e_disc, "FMG error %.3e > 2 x discrete %.3e", e_fmg, e_disc);
  }
}

/* The residual history on all ranks against the same solve on rank 0 alone. */
static void test_rank_independence(void) {
  prob helm = {AEON_ELL_HELMHOLTZ, 1.0, 1.0, 0};
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  double all[5], one[5];
  factors("all ranks", &helm, 32, &o, 4, all);
  o.smoother = AEON_MG_CHEBYSHEV;
  double allc[5], onec[5];
  factors("all ranks chebyshev", &helm, 32, &o, 4, allc);
  if (rank == 0) {
    for (int sm = 0; sm < 2; sm++) {
      o.smoother = sm ? AEON_MG_CHEBYSHEV : AEON_MG_RBGS;
      double *h = sm ? onec : one;
      setup s;
      aeon_err e = setup_create(MPI_COMM_SELF, &helm, 32, DIR, &o, &s);
      for (int c = 0; c <= 4 && !e; c++) {
        if (c > 0) e = aeon_mg_cycle(s.mg, &s.b, &s.u);
        if (!e) e = aeon_ell_residual(s.op, &s.u, &s.b, &s.w);
        if (!e) e = aeon_gvec_l2norm(&s.w, 1.0, &h[c]);
      }
      CHECK(e == AEON_OK, "one rank: %s", aeon_error_message());
      setup_free(&s);
    }
    for (int c = 0; c <= 4; c++) {
      CHECK(all[c] == one[c], "rbgs cycle %d: residual %.17g on all ranks, %.17g on one", c, all[c], one[c]);
      CHECK(allc[c] == onec[c], "chebyshev cycle %d: residual %.17g on all ranks, %.17g on one", c, allc[c], onec[c]);
    }
    printf("rank independence: residual histories %s\n", memcmp(all, one, sizeof all) ? "DIFFER" : "bit-identical");
  }
}

static void test_no_alloc_and_pc(void) {
  prob helm = {AEON_ELL_HELMHOLTZ, 1.0, 1.0, 0};
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  static const aeon_mg_cycle_type types[4] = {AEON_MG_V, AEON_MG_W, AEON_MG_F, AEON_MG_FMG};
  for (int sm = 0; sm < 2; sm++)
    for (int t = 0; t < 4; t++) {
      o.cycle = types[t];
      o.smoother = sm ? AEON_MG_CHEBYSHEV : AEON_MG_RBGS;
      o.pre = o.post = sm ? 4 : 2;
      setup s;
      aeon_err e = setup_create(MPI_COMM_WORLD, &helm, 16, DIR, &o, &s);
      aeon_gpc pc;
      aeon_mg_gpc(s.mg, &pc);
      aeon_mem_stats before = aeon_mem_get_stats();
      for (int c = 0; c < 3 && !e; c++) e = aeon_mg_cycle(s.mg, &s.b, &s.u);
      if (!e) e = aeon_gpc_apply(&pc, &s.b, &s.w);
      aeon_mem_stats after = aeon_mem_get_stats();
      CHECK(after.nalloc == before.nalloc, "cycle %d smoother %d: %llu allocations in 3 cycles and a pc apply", t,
            sm, (unsigned long long)(after.nalloc - before.nalloc));
      /* z = M^-1 b: ||b - A z|| <= 0.1 ||b|| */
      double bn = 0, rn = 0;
      if (!e) e = aeon_ell_residual(s.op, &s.w, &s.b, &s.u);
      if (!e) e = aeon_gvec_l2norm(&s.b, 1.0, &bn);
      if (!e) e = aeon_gvec_l2norm(&s.u, 1.0, &rn);
      CHECK(e == AEON_OK && rn <= 0.1 * bn, "pc (cycle %d smoother %d): residual %.3e of %.3e", t, sm, rn, bn);
      setup_free(&s);
    }
}

/* Chebyshev bounds go into Tier 3 once per level and are served from there the next time (same residuals). */
static void test_tiers(void) {
  prob helm = {AEON_ELL_HELMHOLTZ, 1.0, 1.0, 0};
  aeon_tiers *tiers = NULL;
  aeon_err e = aeon_tiers_create(NULL, &tiers);
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  o.smoother = AEON_MG_CHEBYSHEV;
  o.tiers = tiers;
  double rn[2] = {0, 0};
  int counts[2] = {0, 0};
  for (int pass = 0; pass < 2 && !e; pass++) {
    setup s;
    e = setup_create(MPI_COMM_WORLD, &helm, 16, DIR, &o, &s);
    counts[pass] = aeon_tiers_count(tiers, 3);
    if (!e) e = aeon_mg_cycle(s.mg, &s.b, &s.u);
    if (!e) e = aeon_ell_residual(s.op, &s.u, &s.b, &s.w);
    if (!e) e = aeon_gvec_l2norm(&s.w, 1.0, &rn[pass]);
    setup_free(&s);
  }
  CHECK(e == AEON_OK, "tiers: %s", aeon_error_message());
  if (rank == 0) printf("tiers: %d tier-3 entries after the first hierarchy, %d after the second; residuals %.17g %.17g\n",
                        counts[0], counts[1], rn[0], rn[1]);
  /* a rank that holds no smoothed level (all gathered onto rank 0) stores nothing */
  CHECK((rank != 0 || counts[0] >= 1) && counts[1] == counts[0], "tier-3 entries %d then %d", counts[0], counts[1]);
  CHECK(rn[0] == rn[1], "cached bounds changed the cycle: %.17g vs %.17g", rn[0], rn[1]);
  aeon_tiers_destroy(tiers);
}

/* elliptic.mg_* from a deck (through the full parameter set, as `aeon` reads it); a bad value is refused. */
static void test_deck(void) {
  aeon_paramset *ps = NULL;
  aeon_deck *deck = NULL;
  static const char text[] = "physics: wave\nelliptic:\n  mg_cycle: fmg\n  mg_smoother: chebyshev\n  mg_pre: 3\n  mg_post: 1\n"
                             "  mg_levels: 4\n  mg_coarse_size: 27\n  mg_agglomerate: 6\n  mg_rtol: 1e-8\n"
                             "  mg_max_cycles: 7\n  mg_monitor: true\n";
  aeon_mg_opts o;
  aeon_err e = aeon_params_all(&ps);
  if (!e) e = aeon_deck_load(text, sizeof text - 1, "mg.yaml", ps, 0, NULL, &deck);
  if (!e) e = aeon_mg_opts_from_deck(deck, &o);
  CHECK(e == AEON_OK, "deck: %s", aeon_error_message());
  if (!e)
    CHECK(o.cycle == AEON_MG_FMG && o.smoother == AEON_MG_CHEBYSHEV && o.pre == 3 && o.post == 1 && o.levels == 4 &&
              o.coarse_size == 27 && o.agglomerate == 6 && o.rtol == 1e-8 && o.max_cycles == 7 && o.monitor == 1,
          "deck values not read");
  aeon_deck_destroy(deck);
  deck = NULL;
  static const char bad[] = "elliptic:\n  mg_cycle: x\n";
  e = aeon_deck_load(bad, sizeof bad - 1, "bad.yaml", ps, 0, NULL, &deck);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "mg_cycle"), "bad cycle: %d '%s'", (int)e,
        aeon_error_message());
  if (rank == 0 && e) printf("refused: %s\n", aeon_error_message());
  aeon_deck_destroy(deck);
  aeon_paramset_destroy(ps);
}

static double mean_source(const double x[3], void *c) { return sin(2 * M_PI * x[0]) * cos(2 * M_PI * x[2]) + *(double *)c; }

static void test_bad_input(void) {
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  aeon_ell_spec sp = aeon_ell_spec_default(AEON_ELL_LAPLACIAN2);
  grid g;
  aeon_ell_op *op = NULL;
  aeon_mg *mg = NULL;
  aeon_gvec b = {0}, u = {0};
  aeon_err e = make_grid(MPI_COMM_WORLD, 16, PER, 1, &g);
  if (!e) e = aeon_ell_op_create(&g.m, &sp, &op);
  if (!e) e = aeon_mg_create(op, &o, &mg);
  if (!e) e = aeon_ell_vec_create(op, &b);
  if (!e) e = aeon_ell_vec_create(op, &u);
  double mean = 0.25;
  aeon_mg_result res;
  if (!e) e = aeon_ell_vec_fill(&b, mean_source, &mean);
  CHECK(e == AEON_OK && aeon_ell_op_singular(op), "periodic setup: %s", aeon_error_message());
  e = aeon_mg_solve(mg, &b, &u, &res);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "singular"), "non-zero mean: got %d '%s'", (int)e,
        aeon_error_message());
  if (rank == 0) printf("refused: %s\n", aeon_error_message());
  mean = 0;
  e = aeon_ell_vec_fill(&b, mean_source, &mean);
  if (!e) e = aeon_mg_solve(mg, &b, &u, &res);
  CHECK(e == AEON_OK && res.reason == AEON_SOLVE_CONVERGED_RTOL, "zero-mean periodic: %s (%s)", aeon_error_message(),
        aeon_solve_reason_name(res.reason));
  if (rank == 0) printf("periodic zero-mean: %s in %d cycles, factor %.4f\n", aeon_solve_reason_name(res.reason), res.cycles, res.factor);
  aeon_mg_destroy(mg);
  mg = NULL;
  o.levels = 6;
  e = aeon_mg_create(op, &o, &mg);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "mg_levels = 6"), "too many levels: got %d '%s'", (int)e,
        aeon_error_message());
  if (rank == 0) printf("refused: %s\n", aeon_error_message());
  o.levels = 5;
  e = aeon_mg_create(op, &o, &mg);
  CHECK(e == AEON_OK && aeon_mg_nlevels(mg) == 5, "5 levels on 16^3: %s", aeon_error_message());
  aeon_mg_destroy(mg);
  aeon_gvec_destroy(&b);
  aeon_gvec_destroy(&u);
  aeon_ell_op_destroy(op);
  aeon_par_destroy(&g.par);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double t0 = MPI_Wtime();
  /* AEON_TEST_ONLY=fmg: run the tests whose name holds it */
  static const aeon_named_test tests[] = {{"orders", test_orders},
                                          {"factors", test_factors},
                                          {"fmg", test_fmg},
                                          {"rank_independence", test_rank_independence},
                                          {"no_alloc_and_pc", test_no_alloc_and_pc},
                                          {"bad_input", test_bad_input},
                                          {"tiers", test_tiers},
                                          {"deck", test_deck}};
  int code = run_named(tests, 8, t0);
  MPI_Finalize();
  return code;
}
