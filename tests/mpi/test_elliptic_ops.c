/* ranks: 1 2 3 */
/* Elliptic operators (aeon/elliptic.h) on the distributed mesh:
 * (1) truncation error of A u_exact - f on periodic grids of 16^3, 32^3, 64^3
 *     converges at order 2 (helmholtz with variable alpha and beta,
 *     laplacian2) and 4 (laplacian4), measured order within 0.1;
 * (2) the diagonal equals (A e_p)_p probed at every boundary layer of a 12^3 grid,
 *     boundary conditions included (dirichlet, robin, symmetry, periodic;
 *     every kind);
 * (3) A is symmetric (<y, A x> = <x, A y>) for dirichlet, periodic and
 *     symmetry faces;
 * (4) apply on a compact vector equals apply on a ghosted one bit for bit, and
 *     the residual is b - A x; the aeon_gop wrapper works;
 * (5) bad input: radiative faces, b <= 0, a < 0, beta <= 0, too few ghosts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/elliptic.h"
#include "aeon/memory.h"

#include "mpicheck.h"
#include "testutil.h"

static int rank;
static const double K = 2 * M_PI;

typedef struct grid {
  aeon_mesh m;
  aeon_par par;
} grid;

static aeon_err make_grid(long n, const aeon_bc bc[6], int ghost, grid *g) {
  return aeon_test_unit_cube(MPI_COMM_WORLD, n, bc, ghost, &g->m, &g->par);
}

static void free_grid(grid *g) { aeon_par_destroy(&g->par); }

static const aeon_bc PERIODIC[6] = {AEON_BC_PERIODIC, AEON_BC_PERIODIC, AEON_BC_PERIODIC,
                                    AEON_BC_PERIODIC, AEON_BC_PERIODIC, AEON_BC_PERIODIC};

/* The manufactured problem: u = sin(kx) sin(ky) sin(kz), beta = 1 + 0.3 sin(kx) cos(ky), alpha = 1 + 0.5 cos(kz). */
static double u_ex(const double x[3], void *c) { return sin(K * x[0]) * sin(K * x[1]) * sin(K * x[2]); }
static double beta_fn(const double x[3], void *c) { return 1 + 0.3 * sin(K * x[0]) * cos(K * x[1]); }
static double alpha_fn(const double x[3], void *c) { return 1 + 0.5 * cos(K * x[2]); }

typedef struct mprob {
  aeon_ell_kind kind;
  double a, b;
} mprob;

/* f = a alpha u - b div(beta grad u) (helmholtz) or a u - b lap u. */
static double f_ex(const double x[3], void *ctx) {
  const mprob *p = ctx;
  double sx = sin(K * x[0]), sy = sin(K * x[1]), sz = sin(K * x[2]);
  double cx = cos(K * x[0]), cy = cos(K * x[1]), cz = cos(K * x[2]);
  double u = sx * sy * sz, lap = -3 * K * K * u;
  if (p->kind != AEON_ELL_HELMHOLTZ) return p->a * u - p->b * lap;
  double beta = 1 + 0.3 * sx * cy, bx = 0.3 * K * cx * cy, by = -0.3 * K * sx * sy;
  double ux = K * cx * sy * sz, uy = K * sx * cy * sz;
  return p->a * (1 + 0.5 * cz) * u - p->b * (beta * lap + bx * ux + by * uy);
}

static aeon_ell_spec spec_of(const mprob *p) {
  aeon_ell_spec s = aeon_ell_spec_default(p->kind);
  s.a = p->a;
  s.b = p->b;
  if (p->kind == AEON_ELL_HELMHOLTZ) {
    s.alpha = alpha_fn;
    s.beta = beta_fn;
  }
  return s;
}

/* max |A u_exact - f| on a periodic n^3 grid. */
static double truncation(const mprob *p, long n) {
  grid g;
  double err = NAN;
  aeon_ell_op *op = NULL;
  aeon_gvec u = {0}, f = {0}, r = {0};
  aeon_ell_spec s = spec_of(p);
  aeon_err e = make_grid(n, PERIODIC, 2, &g);
  if (!e) e = aeon_ell_op_create(&g.m, &s, &op);
  if (!e) e = aeon_ell_vec_create(op, &u);
  if (!e) e = aeon_ell_vec_create(op, &f);
  if (!e) e = aeon_ell_vec_create(op, &r);
  if (!e) e = aeon_ell_vec_fill(&u, u_ex, NULL);
  if (!e) e = aeon_ell_vec_fill(&f, f_ex, (void *)p);
  if (!e) e = aeon_ell_residual(op, &u, &f, &r);
  if (!e) e = aeon_gvec_maxnorm(&r, &err);
  CHECK(e == AEON_OK, "truncation n=%ld: %s", n, aeon_error_message());
  aeon_gvec_destroy(&u);
  aeon_gvec_destroy(&f);
  aeon_gvec_destroy(&r);
  aeon_ell_op_destroy(op);
  free_grid(&g);
  return err;
}

static void test_orders(void) {
  static const mprob probs[] = {{AEON_ELL_HELMHOLTZ, 1.5, 1.0}, {AEON_ELL_LAPLACIAN2, 0.0, 1.0},
                                {AEON_ELL_LAPLACIAN4, 2.0, 0.5}};
  static const double want[] = {2, 2, 4};
  for (int q = 0; q < 3; q++) {
    double e[3];
    for (int r = 0; r < 3; r++) e[r] = truncation(&probs[q], 16L << r);
    double o1 = log2(e[0] / e[1]), o2 = log2(e[1] / e[2]);
    if (rank == 0)
      printf("truncation kind %d: errors %.3e %.3e %.3e, orders %.3f %.3f\n", (int)probs[q].kind, e[0], e[1], e[2], o1,
             o2);
    CHECK(fabs(o2 - want[q]) < 0.1 && fabs(o1 - want[q]) < 0.2, "kind %d: orders %.3f %.3f, want %g",
          (int)probs[q].kind, o1, o2, want[q]);
  }
}

/* Sets x to the unit vector of global point (gi, gj, gk) (zero elsewhere); returns 1 on its owner. */
static int unit_vector(aeon_gvec *x, long gi, long gj, long gk) {
  aeon_gvec_const(0.0, x);
  const aeon_mesh *m = x->m;
  long li = gi - m->off[0], lj = gj - m->off[1], lk = gk - m->off[2];
  if (li < 0 || lj < 0 || lk < 0 || li >= m->n[0] || lj >= m->n[1] || lk >= m->n[2]) return 0;
  x->data[x->base + li + lj * x->sy + lk * x->sz] = 1.0;
  return 1;
}

static double value_at(const aeon_gvec *x, long gi, long gj, long gk) {
  const aeon_mesh *m = x->m;
  return x->data[x->base + (gi - m->off[0]) + (gj - m->off[1]) * x->sy + (gk - m->off[2]) * x->sz];
}

/* Probes every point of an n^3 grid: (A e_p)_p against the diagonal. */
static void probe_diagonal(const aeon_bc bc[6], const mprob *p, long n, const char *what) {
  grid g;
  aeon_ell_op *op = NULL;
  aeon_gvec x = {0}, y = {0}, d = {0};
  aeon_ell_spec s = spec_of(p);
  s.robin_origin[0] = 0.3;
  s.robin_origin[1] = -0.4;
  s.robin_origin[2] = 0.45;
  s.robin_power = 1;
  aeon_err e = make_grid(n, bc, 2, &g);
  if (!e) e = aeon_ell_op_create(&g.m, &s, &op);
  if (!e) e = aeon_ell_vec_create(op, &x);
  if (!e) e = aeon_ell_vec_create(op, &y);
  if (!e) e = aeon_ell_vec_create(op, &d);
  if (!e) e = aeon_ell_diagonal(op, &d);
  CHECK(e == AEON_OK, "%s: %s", what, aeon_error_message());
  double worst = 0;
  const long pts[7] = {0, 1, 2, n / 2, n - 3, n - 2, n - 1}; /* every boundary layer and an interior point */
  for (int c = 0; c < 343 && !e; c++) {
        long i = pts[c % 7], j = pts[c / 7 % 7], k = pts[c / 49];
        int own = unit_vector(&x, i, j, k);
        e = aeon_ell_apply(op, &x, &y);
        if (own) {
          double a = value_at(&y, i, j, k), b = value_at(&d, i, j, k);
          double rel = fabs(a - b) / fabs(b);
          if (rel > worst) worst = rel;
        }
  }
  double all;
  MPI_Allreduce(&worst, &all, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("diagonal %s: max relative difference to probing %.2e\n", what, all);
  CHECK(e == AEON_OK && all < 1e-13, "%s: diagonal differs from probing by %.3e", what, all);
  aeon_gvec_destroy(&x);
  aeon_gvec_destroy(&y);
  aeon_gvec_destroy(&d);
  aeon_ell_op_destroy(op);
  free_grid(&g);
}

static double hash_fn(const double x[3], void *c) {
  double s = sin(12.9898 * x[0] + 78.233 * x[1] + 37.719 * x[2] + (c ? 1.7 : 0.0)) * 43758.5453;
  return s - floor(s) - 0.5;
}

/* <y, A x> = <x, A y>; compact and ghosted inputs give the same bits; the residual and gop. */
static void test_symmetry_and_vectors(void) {
  static const aeon_bc bc[6] = {AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_PERIODIC,
                                AEON_BC_PERIODIC,  AEON_BC_SYMMETRY,  AEON_BC_DIRICHLET};
  grid g;
  mprob p = {AEON_ELL_HELMHOLTZ, 0.7, 1.3};
  aeon_ell_spec s = spec_of(&p);
  aeon_ell_op *op = NULL;
  aeon_gvec x = {0}, y = {0}, ax = {0}, ay = {0}, xc = {0}, axc = {0};
  aeon_err e = make_grid(12, bc, 1, &g);
  if (!e) e = aeon_ell_op_create(&g.m, &s, &op);
  aeon_gvec *v[4] = {&x, &y, &ax, &ay};
  for (int i = 0; i < 4 && !e; i++) e = aeon_ell_vec_create(op, v[i]);
  if (!e) e = aeon_ell_vec_fill(&x, hash_fn, NULL);
  if (!e) e = aeon_ell_vec_fill(&y, hash_fn, &x);
  aeon_gop gop;
  aeon_ell_gop(op, &gop);
  if (!e) e = aeon_gop_apply(&gop, &x, &ax);
  if (!e) e = aeon_ell_apply(op, &y, &ay);
  double d1 = 0, d2 = 0;
  if (!e) e = aeon_gvec_dotprod(&y, &ax, &d1);
  if (!e) e = aeon_gvec_dotprod(&x, &ay, &d2);
  CHECK(e == AEON_OK, "symmetry: %s", aeon_error_message());
  if (rank == 0) printf("symmetry: <y,Ax> = %.17g, <x,Ay> = %.17g\n", d1, d2);
  CHECK(fabs(d1 - d2) <= 1e-12 * fabs(d1), "not symmetric: %.17g vs %.17g", d1, d2);
  /* compact copies */
  if (!e) e = aeon_gvec_clone(&x, AEON_GVEC_COMPACT, &xc);
  if (!e) e = aeon_gvec_clone(&x, AEON_GVEC_COMPACT, &axc);
  if (!e) e = aeon_gvec_scale(1.0, &x, &xc);
  if (!e) e = aeon_ell_apply(op, &xc, &axc);
  if (!e) e = aeon_gvec_linearsum(1.0, &axc, -1.0, &ax, &axc);
  double diff = 1;
  if (!e) e = aeon_gvec_maxnorm(&axc, &diff);
  CHECK(e == AEON_OK && diff == 0, "compact apply differs from ghosted by %g", diff);
  /* residual r = y - A x, written into ay */
  if (!e) e = aeon_ell_residual(op, &x, &y, &ay);
  if (!e) e = aeon_gvec_linearsum(1.0, &ay, 1.0, &ax, &ay);
  if (!e) e = aeon_gvec_linearsum(1.0, &ay, -1.0, &y, &ay);
  if (!e) e = aeon_gvec_maxnorm(&ay, &diff);
  CHECK(e == AEON_OK && diff < 1e-12, "residual differs from b - A x by %g", diff);
  CHECK(aeon_ell_op_singular(op) == 0, "dirichlet operator reported singular");
  for (int i = 0; i < 4; i++) aeon_gvec_destroy(v[i]);
  aeon_gvec_destroy(&xc);
  aeon_gvec_destroy(&axc);
  aeon_ell_op_destroy(op);
  free_grid(&g);
}

static double minus_beta(const double x[3], void *c) { return x[0] > 0.5 ? -1.0 : 1.0; }

static void expect_refusal(const aeon_bc bc[6], int ghost, aeon_ell_spec s, const char *needle) {
  grid g;
  aeon_ell_op *op = NULL;
  aeon_err e = make_grid(8, bc, ghost, &g);
  CHECK(e == AEON_OK, "grid: %s", aeon_error_message());
  e = aeon_ell_op_create(&g.m, &s, &op);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), needle), "refusal '%s': got %d '%s'", needle, (int)e,
        aeon_error_message());
  if (rank == 0 && e) printf("refused: %s\n", aeon_error_message());
  aeon_ell_op_destroy(op);
  free_grid(&g);
}

static void test_bad_input(void) {
  aeon_bc rad[6];
  memcpy(rad, PERIODIC, sizeof rad);
  rad[3] = rad[2] = AEON_BC_RADIATIVE;
  aeon_ell_spec s = aeon_ell_spec_default(AEON_ELL_HELMHOLTZ);
  expect_refusal(rad, 1, s, "radiative");
  s.b = 0;
  expect_refusal(PERIODIC, 1, s, "b = 0");
  s = aeon_ell_spec_default(AEON_ELL_LAPLACIAN2);
  s.a = -1;
  expect_refusal(PERIODIC, 1, s, "a = -1");
  s = aeon_ell_spec_default(AEON_ELL_HELMHOLTZ);
  s.beta = minus_beta;
  expect_refusal(PERIODIC, 1, s, "beta = -1");
  s = aeon_ell_spec_default(AEON_ELL_LAPLACIAN4);
  expect_refusal(PERIODIC, 1, s, "grid.ghost >= 2");
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  test_orders();
  static const aeon_bc mixed[6] = {AEON_BC_DIRICHLET, AEON_BC_ROBIN,    AEON_BC_PERIODIC,
                                   AEON_BC_PERIODIC,  AEON_BC_SYMMETRY, AEON_BC_ROBIN};
  static const aeon_bc dir[6] = {AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_DIRICHLET,
                                 AEON_BC_DIRICHLET, AEON_BC_DIRICHLET, AEON_BC_DIRICHLET};
  static const mprob kinds[3] = {{AEON_ELL_HELMHOLTZ, 0.5, 1.0}, {AEON_ELL_LAPLACIAN2, 0.0, 2.0},
                                 {AEON_ELL_LAPLACIAN4, 1.0, 1.0}};
  static const char *names[3] = {"helmholtz", "laplacian2", "laplacian4"};
  for (int q = 0; q < 3; q++) {
    char what[96];
    snprintf(what, sizeof what, "%s mixed", names[q]);
    probe_diagonal(mixed, &kinds[q], 12, what);
    snprintf(what, sizeof what, "%s dirichlet", names[q]);
    probe_diagonal(dir, &kinds[q], 12, what);
  }
  test_symmetry_and_vectors();
  test_bad_input();
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf(all ? "FAILED (%d)\n" : "OK\n", all);
  MPI_Finalize();
  return all != 0;
}
