/* ranks: 1 2 */
/* FAS multigrid (aeon_fas) for nonlinear problems N(u) = A u + g(u, c(x)) = f:
 * (1) -lap u + u^3 = f, cell-centred, homogeneous dirichlet, 16^3, 32^3, 64^3:
 *     FAS V(2,2)-cycles converge at a grid-independent rate (every per-cycle
 *     factor <= 0.15 at every size, printed), the solution converges at order
 *     2 (RMS, within 0.1); one FMG-FAS pass reaches the discretisation error
 *     (at most 2x the error of the converged discrete solution; its distance
 *     from that solution is printed too);
 * (2) a puncture-like constraint -lap u - beta(x) (1 + alpha(x) (1 + u))^-7
 *     = f with two coefficient fields, vertex-centred 17^3, 33^3, 65^3 nodes:
 *     the same rates and order 2;
 * (3) bad input: the Chebyshev smoother, a NULL nonlinearity. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/elliptic.h"

#include "mpicheck.h"
#include "testutil.h"

static int rank;
static const aeon_bc DIR[6] = {AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_DIRICHLET,
                               AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_DIRICHLET};

/* u = 2 sin(pi x) (1 + x) sin(pi y) sin(pi z): factors with first and second derivatives. */
static void fx(double t, double o[3]) {
  double s = sin(M_PI * t), c = cos(M_PI * t);
  o[0] = s * (1 + t);
  o[1] = M_PI * c * (1 + t) + s;
  o[2] = -M_PI * M_PI * s * (1 + t) + 2 * M_PI * c;
}
static void fy(double t, double o[3]) { o[0] = sin(M_PI * t); o[1] = M_PI * cos(M_PI * t); o[2] = -M_PI * M_PI * o[0]; }
static double u_and_lap(const double x[3], double *lap) {
  double X[3], Y[3], Z[3];
  fx(x[0], X);
  fy(x[1], Y);
  fy(x[2], Z);
  *lap = 2 * (X[2] * Y[0] * Z[0] + X[0] * Y[2] * Z[0] + X[0] * Y[0] * Z[2]);
  return 2 * X[0] * Y[0] * Z[0];
}
static double u_ex(const double x[3], void *ctx) {
  double lap;
  return u_and_lap(x, &lap);
}

/* problem 0: g = u^3; problem 1: g = -beta (1 + alpha (1 + u))^-7, alpha = 0.5 + 0.2 x, beta = 1 + y^2 */
static double g_cubic(double u, const double *c, double *dg, void *ctx) {
  *dg = 3 * u * u;
  return u * u * u;
}
static double alpha_fn(const double x[3], void *ctx) { return 0.5 + 0.2 * x[0]; }
static double beta_fn(const double x[3], void *ctx) { return 1 + x[1] * x[1]; }
static double g_punct(double u, const double *c, double *dg, void *ctx) {
  double a = c[0], b = c[1], w = 1 + a * (1 + u), w7 = pow(w, -7);
  *dg = 7 * a * b * w7 / w;
  return -b * w7;
}
static double f_ex(const double x[3], void *ctx) {
  int punct = *(const int *)ctx;
  double lap, u = u_and_lap(x, &lap), dg;
  double c[2] = {alpha_fn(x, NULL), beta_fn(x, NULL)};
  return -lap + (punct ? g_punct(u, c, &dg, NULL) : g_cubic(u, c, &dg, NULL));
}

typedef struct fsetup {
  aeon_mesh nodes, m;
  aeon_par par;
  aeon_ell_op *op;
  aeon_fas *fas;
  aeon_gvec f, u, w;
} fsetup;

static aeon_err fsetup_create(int punct, long n, const aeon_mg_opts *o, fsetup *s) {
  static int which[2] = {0, 1};
  memset(s, 0, sizeof *s);
  aeon_ell_spec sp = aeon_ell_spec_default(AEON_ELL_LAPLACIAN2);
  aeon_fas_spec fs = {.g = punct ? g_punct : g_cubic, .ncoef = punct ? 2 : 0, .coef = {alpha_fn, beta_fn},
                      .ctx = NULL};
  sp.centering = punct ? AEON_ELL_VERTEX : AEON_ELL_CELL;
  aeon_err e = aeon_test_unit_cube(MPI_COMM_WORLD, n, DIR, 1, &s->nodes, &s->par);
  if (!e && punct) e = aeon_ell_vertex_mesh(&s->nodes, &s->par, &s->m);
  if (!punct) s->m = s->nodes;
  if (!e) e = aeon_ell_op_create(&s->m, &sp, &s->op);
  if (!e) e = aeon_fas_create(s->op, &fs, o, &s->fas);
  if (!e) e = aeon_ell_vec_create(s->op, &s->f);
  if (!e) e = aeon_ell_vec_create(s->op, &s->u);
  if (!e) e = aeon_ell_vec_create(s->op, &s->w);
  if (!e) e = aeon_ell_vec_fill(&s->f, f_ex, &which[punct]);
  return e;
}

static void fsetup_free(fsetup *s) {
  aeon_gvec_destroy(&s->f);
  aeon_gvec_destroy(&s->u);
  aeon_gvec_destroy(&s->w);
  aeon_fas_destroy(s->fas);
  aeon_ell_op_destroy(s->op);
  aeon_par_destroy(&s->par);
}

/* RMS of u - u_exact (w: scratch). */
static double rms_error(fsetup *s) {
  double r = NAN;
  aeon_err e = aeon_ell_vec_fill(&s->w, u_ex, NULL);
  if (!e) e = aeon_gvec_linearsum(1.0, &s->u, -1.0, &s->w, &s->w);
  if (!e) e = aeon_gvec_l2norm(&s->w, 1.0 / (double)(s->m.N[0] * s->m.N[1] * s->m.N[2]), &r);
  CHECK(e == AEON_OK, "error: %s", aeon_error_message());
  return r;
}

/* Per problem: V-cycle factors, order of the converged solution, FMG error ratio at three sizes. */
static void run_problem(int punct) {
  const long sizes[2][3] = {{16, 32, 64}, {17, 33, 65}};
  double err[3];
  for (int r = 0; r < 3; r++) {
    long n = sizes[punct][r];
    aeon_mg_opts o;
    aeon_mg_opts_default(&o);
    fsetup s;
    aeon_err e = fsetup_create(punct, n, &o, &s);
    CHECK(e == AEON_OK, "setup %ld: %s", n, aeon_error_message());
    if (e) return;
    double prev = 0, rn = 0, worst = 0, fac[8] = {0};
    for (int c = 0; c <= 6 && !e; c++) {
      if (c > 0) e = aeon_fas_cycle(s.fas, &s.f, &s.u);
      if (!e) e = aeon_fas_residual(s.fas, &s.u, &s.f, &s.w);
      if (!e) e = aeon_gvec_l2norm(&s.w, 1.0, &rn);
      if (c > 0) worst = fmax(worst, fac[c] = rn / prev);
      prev = rn;
    }
    aeon_mg_result res = {0};
    o.rtol = 1e-9; /* the discretisation error is ~1e-4 of the solution */
    if (!e) e = aeon_fas_solve(s.fas, &s.f, &s.u, &res);
    err[r] = rms_error(&s);
    /* one FMG-FAS pass from nothing */
    fsetup t;
    o.cycle = AEON_MG_FMG;
    double efmg = NAN;
    if (!e) e = fsetup_create(punct, n, &o, &t);
    if (!e) e = aeon_fas_cycle(t.fas, &t.f, &t.u);
    if (!e) efmg = rms_error(&t);
    double alg = NAN; /* the FMG result's distance from the converged discrete solution */
    if (!e) e = aeon_gvec_linearsum(1.0, &t.u, -1.0, &s.u, &t.w);
    if (!e) e = aeon_gvec_l2norm(&t.w, 1.0 / (double)(s.m.N[0] * s.m.N[1] * s.m.N[2]), &alg);
    if (rank == 0) printf("  FMG algebraic error %.4e = %.3f x the discretisation error\n", alg, alg / err[r]);
    fsetup_free(&t);
    if (rank == 0)
      printf("%s n=%ld: FAS V(2,2) factors %.4f %.4f %.4f %.4f %.4f %.4f (worst %.4f); rms error %.4e; FMG error "
             "%.4e (%.3fx)\n", punct ? "puncture-like (vertex)" : "-lap u + u^3 (cell)", n, fac[1], fac[2], fac[3],
             fac[4], fac[5], fac[6], worst, err[r], efmg, efmg / err[r]);
    CHECK(e == AEON_OK && worst <= 0.15, "n %ld: worst factor %.4f > 0.15 (%s)", n, worst, aeon_error_message());
    CHECK(efmg <= 2 * err[r], "n %ld: FMG error %.4e > 2 x %.4e", n, efmg, err[r]);
    fsetup_free(&s);
  }
  double o1 = log2(err[0] / err[1]), o2 = log2(err[1] / err[2]);
  if (rank == 0) printf("%s: orders %.3f %.3f\n", punct ? "puncture-like" : "cubic", o1, o2);
  CHECK(fabs(o2 - 2) < 0.1 && fabs(o1 - 2) < 0.2, "orders %.3f %.3f", o1, o2);
}

static void test_bad_input(void) {
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  o.smoother = AEON_MG_CHEBYSHEV;
  fsetup s;
  aeon_err e = fsetup_create(0, 8, &o, &s);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "rbgs"), "chebyshev: %d '%s'", (int)e, aeon_error_message());
  if (rank == 0) printf("refused: %s\n", aeon_error_message());
  aeon_fas *fas = NULL;
  aeon_fas_spec bad = {0};
  aeon_mg_opts_default(&o);
  e = aeon_fas_create(s.op, &bad, &o, &fas);
  CHECK(e == AEON_ERR_USER && fas == NULL, "NULL g: %d", (int)e);
  fsetup_free(&s);
}

/* The two problems as named tests: -lap u + u^3 = f, and the puncture-like nonlinearity. */
static void cubic(void) { run_problem(0); }
static void puncture_like(void) { run_problem(1); }

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double t0 = MPI_Wtime();
  const aeon_named_test tests[] = {{"cubic", cubic}, {"puncture_like", puncture_like}, {"bad_input", test_bad_input}};
  int rc = run_named(tests, (int)(sizeof tests / sizeof tests[0]), t0);
  MPI_Finalize();
  return rc;
}
