/* ranks: 1 2 */
/* The PETSc backend (aeon/petsc_backend.h) against the native Krylov solvers
 * on the model problems, 16^3 cells: an SPD variable-coefficient Dirichlet
 * problem solved natively (CG + Jacobi, rtol 1e-10) and through PETSc: the
 * shell path (MatShell of the Aeon operator, Aeon's Jacobi as a PCShell) and
 * the assembled path (DMDA slabs that differ from the mesh's decomposition,
 * redistribution both ways) with PCMG(SOR), GAMG, hypre BoomerAMG and SOR;
 * every solution agrees with the native one to 1e-8 relative (the solve
 * tolerance times the conditioning), and each converges. A non-symmetric
 * (advection) periodic/Dirichlet problem: native GMRES(30) vs PETSc GMRES
 * with BoomerAMG, and native BiCGStab vs PETSc bcgs through the MatShell.
 * Options with the prefix override the deck's: -t2_ksp_max_it 3 stops a
 * solve with DIVERGED_ITS after 3 iterations. PETSc is a prerequisite:
 * without it the test fails. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/krylov.h"
#include "aeon/modelprob.h"
#include "aeon/petsc_backend.h"

#include "mpicheck.h"

static int rank;

typedef struct prob {
  aeon_mesh m;
  aeon_par par;
  aeon_model *p;
  aeon_gop A;
  aeon_gvec b, x, xn;
} prob;

static int prob_make(long n, int periodic_x, const aeon_model_spec *s, prob *q) {
  memset(q, 0, sizeof *q);
  for (int d = 0; d < 3; d++) {
    q->m.N[d] = n;
    q->m.xmax[d] = 1;
    q->m.dx[d] = 1.0 / (double)n;
  }
  q->m.ghost = 1;
  for (int f = 0; f < 6; f++) q->m.bc[f] = (periodic_x && f < 2) ? AEON_BC_PERIODIC : AEON_BC_DIRICHLET;
  int periodic[3];
  aeon_mesh_periodicity(&q->m, periodic);
  aeon_err e = aeon_par_create(MPI_COMM_WORLD, (int[3]){0, 0, 0}, periodic, q->m.N, &q->par);
  if (!e) e = aeon_mesh_setup_patch(&q->m, &q->par);
  if (!e) e = aeon_model_create(&q->m, q->par.cart, s, &q->p);
  if (!e) e = aeon_model_vector(q->p, &q->b);
  if (!e) e = aeon_model_vector(q->p, &q->x);
  if (!e) e = aeon_model_vector(q->p, &q->xn);
  if (!e) e = aeon_model_rhs(q->p, &q->b);
  CHECK(e == AEON_OK, "problem: %s", aeon_error_message());
  q->A = aeon_model_op(q->p);
  return e != AEON_OK;
}

static void prob_free(prob *q) {
  aeon_gvec_destroy(&q->b);
  aeon_gvec_destroy(&q->x);
  aeon_gvec_destroy(&q->xn);
  aeon_model_destroy(q->p);
  aeon_par_destroy(&q->par);
}

/* ||x - xn|| / ||xn||. */
static double rel_diff(prob *q) {
  aeon_gvec d;
  double nd = 0, nx = 1;
  aeon_err e = aeon_model_vector(q->p, &d);
  if (!e) e = aeon_gvec_linearsum(1.0, &q->x, -1.0, &q->xn, &d);
  if (!e) e = aeon_gvec_l2norm(&d, 1.0, &nd);
  if (!e) e = aeon_gvec_l2norm(&q->xn, 1.0, &nx);
  CHECK(e == AEON_OK, "diff: %s", aeon_error_message());
  aeon_gvec_destroy(&d);
  return nd / nx;
}

static void native(prob *q, const char *type, const aeon_gpc *pc) {
  aeon_ksp_opts o = aeon_ksp_defaults();
  o.type = type;
  o.rtol = 1e-10;
  aeon_ksp *k = NULL;
  aeon_ksp_result r = {0};
  aeon_err e = aeon_ksp_create(&o, &q->A, pc, &q->b, &k);
  if (!e) e = aeon_ksp_solve(k, &q->b, &q->xn, &r);
  CHECK(e == AEON_OK && r.reason > 0, "native %s: %s %s", type, aeon_ksp_reason_name(r.reason), aeon_error_message());
  if (rank == 0) printf("native %-8s: %s after %ld its\n", type, aeon_ksp_reason_name(r.reason), r.its);
  aeon_ksp_destroy(k);
}

/* Solves through PETSc and compares with the native solution; returns the result. */
static aeon_ksp_result via_petsc(prob *q, const char *type, const char *pc, const aeon_gpc *apc, const char *prefix,
                                 double tol) {
  aeon_petsc_opts o = {.ksp = aeon_ksp_defaults(), .pc = pc, .prefix = prefix};
  o.ksp.type = type;
  o.ksp.rtol = 1e-10;
  aeon_petsc *P = NULL;
  aeon_ksp_result r = {0};
  aeon_err e = aeon_petsc_create(&o, &q->A, apc, q->p, &q->b, &P);
  double t0 = MPI_Wtime();
  if (!e) e = aeon_petsc_setup(P);
  double t1 = MPI_Wtime();
  if (!e) e = aeon_gvec_const(0.0, &q->x);
  if (!e) e = aeon_petsc_solve(P, &q->b, &q->x, &r);
  CHECK(e == AEON_OK, "petsc %s + %s: %s", type, pc, aeon_error_message());
  double diff = rel_diff(q);
  if (rank == 0)
    printf("%-52s: %s after %3ld its, setup %.3f s, solve %.3f s, |x - x_native| / |x_native| = %.2e\n",
           P ? aeon_petsc_describe(P) : pc, aeon_ksp_reason_name(r.reason), r.its, t1 - t0, r.seconds, diff);
  if (tol > 0) {
    CHECK(r.reason > 0, "petsc %s + %s: %s", type, pc, aeon_ksp_reason_name(r.reason));
    CHECK(diff < tol, "petsc %s + %s: relative difference %.3e from the native solution", type, pc, diff);
  }
  if (P && strcmp(pc, "shell") && strcmp(pc, "none"))
    CHECK(strstr(aeon_petsc_describe(P), "DMDA") != NULL, "%s: not assembled on a DMDA", pc);
  aeon_petsc_destroy(P);
  return r;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double t0 = MPI_Wtime();
  CHECK(aeon_petsc_available(), "Aeon was built without PETSc (a prerequisite: scripts/install-deps.sh)");
  CHECK(aeon_petsc_initialize("-t2_ksp_max_it 3") == AEON_OK, "init: %s", aeon_error_message());
  prob q;
  aeon_model_spec spd = {.a = 0, .b = 1, .beta_amp = 0.5};
  if (!prob_make(16, 0, &spd, &q)) {
    aeon_gpc jac;
    CHECK(aeon_gpc_jacobi(&q.A, &q.b, &jac) == AEON_OK, "jacobi");
    native(&q, "cg", &jac);
    via_petsc(&q, "cg", "shell", &jac, NULL, 1e-8);
    via_petsc(&q, "cg", "mg", NULL, NULL, 1e-8);
    via_petsc(&q, "cg", "gamg", NULL, NULL, 1e-8);
    via_petsc(&q, "cg", "hypre", NULL, NULL, 1e-8);
    via_petsc(&q, "cg", "sor", NULL, NULL, 1e-8);
    aeon_ksp_result r = via_petsc(&q, "cg", "gamg", NULL, "t2_", 0);
    CHECK(r.reason == AEON_KSP_DIVERGED_ITS && r.its == 3, "-t2_ksp_max_it 3: %s after %ld",
          aeon_ksp_reason_name(r.reason), r.its);
    aeon_gpc_destroy(&jac);
    prob_free(&q);
  }
  aeon_model_spec adv = {.a = 1, .b = 1, .beta_amp = 0.3, .c = {30, -20, 10}};
  if (!prob_make(16, 1, &adv, &q)) {
    native(&q, "gmres", NULL);
    via_petsc(&q, "gmres", "hypre", NULL, NULL, 1e-8);
    native(&q, "bicgstab", NULL);
    via_petsc(&q, "bicgstab", "shell", NULL, NULL, 1e-8);
    prob_free(&q);
  }
  aeon_petsc_finalize();
  int all = 0;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("test_petsc_backend: %s (%.2f s)\n", all ? "FAILED" : "passed", MPI_Wtime() - t0);
  MPI_Finalize();
  return all != 0;
}
