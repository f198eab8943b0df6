/* ranks: 1 2 3 */
/* The native Krylov solvers (aeon/krylov.h) on the model problems
 * (aeon/modelprob.h), cell-centred, on the world communicator:
 * (1) CG on an SPD variable-coefficient Dirichlet problem (none and Jacobi):
 *     converges (CONVERGED_RTOL), the true residual meets the tolerance, the
 *     error against the manufactured solution is at discretisation level and
 *     falls by ~4 when h halves (second order);
 * (2) GMRES(m) (right and left Jacobi) and BiCGStab on a non-symmetric
 *     problem (advection added, variable beta, a > 0): converge, true residual;
 * (3) reasons: max_it reached (DIVERGED_ITS after exactly max_it), a NaN
 *     injected by the operator (DIVERGED_NANORINF), breakdown on a zero
 *     operator (GMRES DIVERGED_BREAKDOWN, BiCGStab DIVERGED_BREAKDOWN_BICG, CG
 *     DIVERGED_INDEFINITE_MAT), CG on -A (DIVERGED_INDEFINITE_MAT), an unknown
 *     method refused; no allocation during a solve;
 * (4) the residual history and iteration count of each method are
 *     bit-identical to those of the same solve on a one-rank communicator
 *     (rank 0 alone, the whole grid) and on a second decomposition;
 * (5) the registry: a method registered by the test is found by name. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/krylov.h"
#include "aeon/memory.h"
#include "aeon/modelprob.h"

#include "mpicheck.h"

static int rank;

typedef struct grid {
  aeon_mesh m;
  aeon_par par;
} grid;

static int make_grid(MPI_Comm comm, long n, int periodic_all, const int dims[3], grid *g) {
  memset(g, 0, sizeof *g);
  for (int d = 0; d < 3; d++) {
    g->m.N[d] = n;
    g->m.xmax[d] = 1;
    g->m.dx[d] = 1.0 / (double)n;
  }
  g->m.ghost = 1;
  for (int f = 0; f < 6; f++) g->m.bc[f] = periodic_all ? AEON_BC_PERIODIC : AEON_BC_DIRICHLET;
  int periodic[3];
  aeon_mesh_periodicity(&g->m, periodic);
  aeon_err e = aeon_par_create(comm, dims, periodic, g->m.N, &g->par);
  if (!e) e = aeon_mesh_setup_patch(&g->m, &g->par);
  CHECK(e == AEON_OK, "grid: %s", aeon_error_message());
  return e != AEON_OK;
}

/* One problem set up for solving: model, b, x, exact. */
typedef struct prob {
  grid g;
  aeon_model *p;
  aeon_gop A;
  aeon_gvec b, x, r;
} prob;

static int prob_make(MPI_Comm comm, long n, const int dims[3], const aeon_model_spec *s, prob *q) {
  memset(q, 0, sizeof *q);
  if (make_grid(comm, n, 0, dims, &q->g)) return 1;
  aeon_err e = aeon_model_create(&q->g.m, q->g.par.cart, s, &q->p);
  if (!e) e = aeon_model_vector(q->p, &q->b);
  if (!e) e = aeon_model_vector(q->p, &q->x);
  if (!e) e = aeon_model_vector(q->p, &q->r);
  if (!e) e = aeon_model_rhs(q->p, &q->b);
  CHECK(e == AEON_OK, "model: %s", aeon_error_message());
  q->A = aeon_model_op(q->p);
  return e != AEON_OK;
}

static void prob_free(prob *q) {
  aeon_gvec_destroy(&q->b);
  aeon_gvec_destroy(&q->x);
  aeon_gvec_destroy(&q->r);
  aeon_model_destroy(q->p);
  aeon_par_destroy(&q->g.par);
}

/* ||b - A x|| / ||b|| (x copied into r first, so x may be anything). */
static double true_relres(prob *q) {
  aeon_gvec t;
  double nb = 0, nr = 0;
  aeon_err e = aeon_model_vector(q->p, &t);
  if (!e) e = aeon_gvec_scale(1.0, &q->x, &t);
  if (!e) e = aeon_gop_apply(&q->A, &t, &q->r);
  if (!e) e = aeon_gvec_linearsum(1.0, &q->b, -1.0, &q->r, &q->r);
  if (!e) e = aeon_gvec_l2norm(&q->r, 1.0, &nr);
  if (!e) e = aeon_gvec_l2norm(&q->b, 1.0, &nb);
  CHECK(e == AEON_OK, "true residual: %s", aeon_error_message());
  aeon_gvec_destroy(&t);
  return nr / nb;
}

/* Solves q with options o and preconditioner pc (NULL: none); returns the result, history copied to hist. */
static aeon_ksp_result solve(prob *q, const aeon_ksp_opts *o, const aeon_gpc *pc, double *hist, long *nhist) {
  aeon_ksp *k = NULL;
  aeon_ksp_result res = {0};
  aeon_err e = aeon_ksp_create(o, &q->A, pc, &q->b, &k);
  uint64_t before = aeon_mem_get_stats().nalloc;
  if (!e) e = aeon_ksp_solve(k, &q->b, &q->x, &res);
  CHECK(e == AEON_OK, "solve %s: %s", o->type, aeon_error_message());
  CHECK(aeon_mem_get_stats().nalloc == before, "%s: the solve made %llu allocations", o->type,
        (unsigned long long)(aeon_mem_get_stats().nalloc - before));
  if (hist && k) {
    long n;
    const double *h = aeon_ksp_history(k, &n);
    memcpy(hist, h, (size_t)n * sizeof(double));
    *nhist = n;
  }
  aeon_ksp_destroy(k);
  return res;
}

static aeon_ksp_opts opts(const char *type, double rtol, long max_it) {
  aeon_ksp_opts o = aeon_ksp_defaults();
  o.type = type;
  o.rtol = rtol;
  o.max_it = max_it;
  o.restart = 10;
  return o;
}

/* (1) CG on SPD: convergence, true residual, second-order error. */
static void cg_spd(MPI_Comm comm) {
  aeon_model_spec s = {.a = 0, .b = 1, .beta_amp = 0.5};
  double err[2];
  for (int lev = 0; lev < 2; lev++) {
    prob q;
    if (prob_make(comm, lev ? 24 : 12, (int[3]){0, 0, 0}, &s, &q)) return;
    for (int usepc = 0; usepc < 2; usepc++) {
      aeon_gpc pc = {0};
      if (usepc) CHECK(aeon_gpc_jacobi(&q.A, &q.b, &pc) == AEON_OK, "jacobi: %s", aeon_error_message());
      aeon_ksp_opts o = opts("cg", 1e-10, 500);
      aeon_ksp_result r = solve(&q, &o, usepc ? &pc : NULL, NULL, NULL);
      double rr = true_relres(&q), rms, mx;
      CHECK(aeon_model_error(q.p, &q.x, &rms, &mx) == AEON_OK, "error");
      if (rank == 0)
        printf("cg n=%d pc=%s: %s after %ld its (%ld reductions), true rel. residual %.3e, error rms %.3e max %.3e\n",
               lev ? 24 : 12, usepc ? "jacobi" : "none", aeon_ksp_reason_name(r.reason), r.its, r.reductions, rr,
               rms, mx);
      CHECK(r.reason == AEON_KSP_CONVERGED_RTOL, "cg: reason %s", aeon_ksp_reason_name(r.reason));
      CHECK(rr < 2e-10, "cg: true relative residual %.3e", rr);
      CHECK(r.reductions <= 2 * r.its + 1, "cg: %ld reductions for %ld iterations", r.reductions, r.its);
      err[lev] = mx;
      aeon_gpc_destroy(&pc);
    }
    prob_free(&q);
  }
  double order = log2(err[0] / err[1]);
  if (rank == 0) printf("cg: max error %.3e -> %.3e, order %.3f\n", err[0], err[1], order);
  CHECK(fabs(order - 2) < 0.15, "cg: observed order %.3f, expected 2", order);
}

/* (2) GMRES(m) and BiCGStab on a non-symmetric problem. */
static void nonsymmetric(MPI_Comm comm) {
  aeon_model_spec s = {.a = 1, .b = 1, .beta_amp = 0.4, .c = {40, -25, 15}};
  prob q;
  if (prob_make(comm, 16, (int[3]){0, 0, 0}, &s, &q)) return;
  aeon_gpc jac;
  CHECK(aeon_gpc_jacobi(&q.A, &q.b, &jac) == AEON_OK, "jacobi: %s", aeon_error_message());
  const struct {
    const char *type;
    int pc;
    aeon_pc_side side;
  } cases[] = {{"gmres", 0, AEON_PC_RIGHT}, {"gmres", 1, AEON_PC_RIGHT}, {"gmres", 1, AEON_PC_LEFT},
               {"bicgstab", 0, AEON_PC_RIGHT}, {"bicgstab", 1, AEON_PC_RIGHT}, {"bicgstab", 1, AEON_PC_LEFT}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    aeon_ksp_opts o = opts(cases[c].type, 1e-9, 2000);
    o.side = cases[c].side;
    aeon_ksp_result r = solve(&q, &o, cases[c].pc ? &jac : NULL, NULL, NULL);
    double rr = true_relres(&q), rms, mx;
    CHECK(aeon_model_error(q.p, &q.x, &rms, &mx) == AEON_OK, "error");
    if (rank == 0)
      printf("%s(10) pc=%s side=%s: %s after %ld its (%ld reductions, %ld applies), true rel. residual %.3e, error "
             "max %.3e\n", cases[c].type, cases[c].pc ? "jacobi" : "none", cases[c].side ? "right" : "left",
             aeon_ksp_reason_name(r.reason), r.its, r.reductions, r.applies, rr, mx);
    CHECK(r.reason == AEON_KSP_CONVERGED_RTOL, "%s: reason %s", cases[c].type, aeon_ksp_reason_name(r.reason));
    /* left preconditioning tests M^-1 r: the true residual follows within the conditioning of M */
    CHECK(rr < (cases[c].side == AEON_PC_LEFT ? 1e-7 : 2e-9), "%s: true relative residual %.3e", cases[c].type, rr);
    CHECK(mx < 1e-2, "%s: error %.3e", cases[c].type, mx);
    if (!strcmp(cases[c].type, "gmres"))
      CHECK(r.reductions <= 2 * r.its + 2 * (r.its / 10 + 1) + 2, "gmres: %ld reductions for %ld its", r.reductions,
            r.its);
  }
  aeon_gpc_destroy(&jac);
  prob_free(&q);
}

/* An operator that wraps the model's: mode 0 zero, 1 negated, 2 NaN from the n-th apply on. */
typedef struct wrap {
  aeon_gop inner;
  int mode;
  long n, count;
} wrap;

static aeon_err wrap_apply(void *ctx, aeon_gvec *x, aeon_gvec *y) {
  wrap *w = ctx;
  w->count++;
  if (w->mode == 0) return aeon_gvec_const(0.0, y);
  AE_CHK(aeon_gop_apply(&w->inner, x, y));
  if (w->mode == 1) return aeon_gvec_scale(-1.0, y, y);
  if (w->count >= w->n && rank == 0) y->data[y->base] = NAN;
  return AEON_OK;
}

/* (3) reasons. */
static void reasons(MPI_Comm comm) {
  aeon_model_spec s = {.a = 0, .b = 1, .beta_amp = 0.5};
  prob q;
  if (prob_make(comm, 12, (int[3]){0, 0, 0}, &s, &q)) return;
  const char *types[3] = {"cg", "gmres", "bicgstab"};
  for (int t = 0; t < 3; t++) {
    aeon_ksp_opts o = opts(types[t], 1e-12, 5);
    aeon_ksp_result r = solve(&q, &o, NULL, NULL, NULL);
    CHECK(r.reason == AEON_KSP_DIVERGED_ITS && r.its == 5, "%s max_it 5: %s after %ld", types[t],
          aeon_ksp_reason_name(r.reason), r.its);
    aeon_gop inner = q.A;
    wrap w = {inner, 2, 4, 0};
    q.A = (aeon_gop){.name = "nan", .ctx = &w, .apply = wrap_apply};
    o.max_it = 100;
    r = solve(&q, &o, NULL, NULL, NULL);
    CHECK(r.reason == AEON_KSP_DIVERGED_NANORINF, "%s NaN: %s", types[t], aeon_ksp_reason_name(r.reason));
    w = (wrap){inner, 0, 0, 0};
    r = solve(&q, &o, NULL, NULL, NULL);
    aeon_ksp_reason want = t == 0 ? AEON_KSP_DIVERGED_INDEFINITE_MAT
                           : t == 1 ? AEON_KSP_DIVERGED_BREAKDOWN : AEON_KSP_DIVERGED_BREAKDOWN_BICG;
    CHECK(r.reason == want, "%s zero operator: %s, expected %s", types[t], aeon_ksp_reason_name(r.reason),
          aeon_ksp_reason_name(want));
    if (t == 0) {
      w = (wrap){inner, 1, 0, 0};
      r = solve(&q, &o, NULL, NULL, NULL);
      CHECK(r.reason == AEON_KSP_DIVERGED_INDEFINITE_MAT, "cg on -A: %s", aeon_ksp_reason_name(r.reason));
    }
    if (rank == 0) printf("reasons %s: max_it, NaN, breakdown as expected\n", types[t]);
    q.A = inner;
  }
  aeon_ksp_opts o = opts("minres", 1e-8, 10);
  aeon_ksp *k = NULL;
  aeon_err e = aeon_ksp_create(&o, &q.A, NULL, &q.b, &k);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "elliptic.ksp_type") &&
            strstr(aeon_error_message(), "minres"),
        "unknown method: %d '%s'", (int)e, aeon_error_message());
  aeon_ksp_destroy(k);
  prob_free(&q);
}

/* (4) the histories on this communicator (two decompositions) and on rank 0 alone are bit-identical. */
static void rank_independence(MPI_Comm comm) {
  aeon_model_spec s = {.a = 1, .b = 1, .beta_amp = 0.3, .c = {20, 10, -5}};
  const char *types[3] = {"cg", "gmres", "bicgstab"};
  static double h[3][3][400];
  long n[3][3] = {{0}};
  int size;
  MPI_Comm_size(comm, &size);
  MPI_Comm self;
  MPI_Comm_split(comm, rank == 0 ? 0 : MPI_UNDEFINED, 0, &self);
  for (int run = 0; run < 3; run++) {
    MPI_Comm c = run == 2 ? self : comm;
    if (c == MPI_COMM_NULL) continue;
    int dims[3] = {0, 0, 0};
    if (run == 1) dims[0] = size, dims[1] = 1, dims[2] = 1; /* slabs in x */
    for (int t = 0; t < 3; t++) {
      aeon_model_spec st = s;
      if (t == 0) st.c[0] = st.c[1] = st.c[2] = 0; /* symmetric for cg */
      prob q;
      if (prob_make(c, 16, dims, &st, &q)) return;
      aeon_gpc jac;
      CHECK(aeon_gpc_jacobi(&q.A, &q.b, &jac) == AEON_OK, "jacobi");
      aeon_ksp_opts o = opts(types[t], 1e-10, 399);
      aeon_ksp_result r = solve(&q, &o, &jac, h[run][t], &n[run][t]);
      CHECK(r.reason > 0, "%s: %s", types[t], aeon_ksp_reason_name(r.reason));
      aeon_gpc_destroy(&jac);
      prob_free(&q);
    }
  }
  if (rank == 0)
    for (int t = 0; t < 3; t++) {
      int same = n[0][t] == n[2][t] && n[1][t] == n[2][t] &&
                 !memcmp(h[0][t], h[2][t], (size_t)n[2][t] * sizeof(double)) &&
                 !memcmp(h[1][t], h[2][t], (size_t)n[2][t] * sizeof(double));
      printf("%s: %ld iterations, residual history on %d ranks (two decompositions) %s the one-rank history "
             "(final %.17g)\n", types[t], n[0][t] - 1, size, same ? "bit-identical to" : "DIFFERS from",
             h[0][t][n[0][t] - 1]);
      CHECK(same, "%s: histories differ (%ld, %ld, %ld entries)", types[t], n[0][t], n[1][t], n[2][t]);
    }
  if (self != MPI_COMM_NULL) MPI_Comm_free(&self);
}

/* (5) a method registered from outside the core. */
static aeon_err richardson_solve(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x) { return AEON_OK; }
static int one(const aeon_ksp_opts *o) { return 1; }
static long zero(const aeon_ksp_opts *o) { return 0; }
static const aeon_ksp_type test_type = {"testmethod", "a test", one, zero, one, richardson_solve};

static void registry(void) {
  CHECK(aeon_ksp_register(&test_type) == AEON_OK, "register");
  CHECK(aeon_ksp_find("testmethod") == &test_type, "find");
  CHECK(aeon_ksp_find("gmres") && aeon_ksp_find("cg") && aeon_ksp_find("bicgstab"), "built-ins");
  CHECK(aeon_ksp_type_count() == 4, "count %d", aeon_ksp_type_count());
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double t0 = MPI_Wtime();
  cg_spd(MPI_COMM_WORLD);
  nonsymmetric(MPI_COMM_WORLD);
  reasons(MPI_COMM_WORLD);
  rank_independence(MPI_COMM_WORLD);
  registry();
  int all = 0;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("test_krylov: %s (%.2f s)\n", all ? "FAILED" : "passed", MPI_Wtime() - t0);
  MPI_Finalize();
  return all != 0;
}
