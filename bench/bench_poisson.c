/* 3D Poisson -lap u = f on the unit cube, homogeneous Dirichlet faces,
 * vertex-centred N^3 nodes (default 129^3: 127^3 unknowns, the boundary nodes
 * carry the Dirichlet data; --centering vertex) or cell-centred N^3 cells
 * (--centering cell, default 128^3; without --centering an odd N means
 * vertex, an even one cell, so `bench_poisson 128` is the old cell case),
 * manufactured solution sin(pi x) sin(pi y) sin(pi z), solved to a relative
 * residual of 1e-8 (--rtol) side by side in one run on the same process grid:
 *   aeon_mg_cg      Aeon CG preconditioned by one V-cycle of Aeon's multigrid
 *   aeon_mg_gmres   Aeon GMRES(30) + multigrid (also at rtol 1e-10: the issue's
 *                   "< 15 iterations" figure)
 *   petsc_mg        PETSc CG + PCMG (Galerkin, SOR smoothing) on a DMDA
 *   petsc_gamg      PETSc CG + GAMG
 *   petsc_hypre     PETSc CG + hypre BoomerAMG
 * the PETSc ones through Aeon's PETSc backend (matrix assembled on a DMDA,
 * vectors redistributed; vertex: the DMDA holds the 129^3 nodes, boundary rows
 * identity, so PCMG coarsens 129 -> 65 -> 33 ... with Q1 interpolation). Each case: set-up time (hierarchy / AMG set-up),
 * solve time (the best of --reps solves), iterations, reason, error against
 * the manufactured solution (all equal to the discretisation error). One JSON
 * line per case, then a summary line with Aeon's total over the best PETSc
 * total. Usage: mpirun -n 2 bench_poisson [N] [--centering vertex|cell] [--rtol R] [--reps K]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/elliptic.h"
#include "aeon/krylov.h"
#include "aeon/modelprob.h"
#include "aeon/parallel.h"
#include "aeon/petsc_backend.h"

typedef struct bench {
  int rank, size, reps;
  int vertex; /* 1: N nodes, vertex-centred */
  double rtol;
  aeon_mesh nodes, m;
  aeon_par par;
  aeon_model *model;
  aeon_gvec b, x;
} bench;

typedef struct outcome {
  double setup, solve, err;
  long its;
  aeon_ksp_reason reason;
} outcome;

static void report(const bench *B, const char *name, const char *what, double rtol, const outcome *o) {
  if (B->rank != 0) return;
  printf("{\"bench\": \"poisson\", \"case\": \"%s\", \"solver\": \"%s\", \"centering\": \"%s\", \"n\": %ld, "
         "\"unknowns\": %ld, \"ranks\": %d, \"rtol\": %g, \"iterations\": %ld, \"reason\": \"%s\", \"setup_s\": %.4f, "
         "\"solve_s\": %.4f, \"total_s\": %.4f, \"error_max\": %.4e}\n", name, what, B->vertex ? "vertex" : "cell",
         B->nodes.N[0], B->m.N[0], B->size, rtol, o->its, aeon_ksp_reason_name(o->reason), o->setup, o->solve,
         o->setup + o->solve, o->err);
  fflush(stdout);
}

static double tmax(double t) {
  double m;
  MPI_Allreduce(&t, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return m;
}

/* A solve of b into x by one of the cases (Aeon's ksp or the PETSc backend). */
typedef aeon_err (*solve_fn)(void *solver, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *r);

static aeon_err ksp_solve_fn(void *solver, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *r) {
  return aeon_ksp_solve(solver, b, x, r);
}

static aeon_err petsc_solve_fn(void *solver, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *r) {
  return aeon_petsc_solve(solver, b, x, r);
}

/* Times B->reps solves after a set-up that began at t0 (best solve kept) and measures the error; e: set-up's error. */
static aeon_err time_solves(bench *B, double t0, aeon_err e, solve_fn solve, void *solver, outcome *o) {
  o->setup = tmax(MPI_Wtime() - t0);
  o->solve = 1e30;
  aeon_ksp_result r = {0};
  for (int k = 0; k < B->reps && !e; k++) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t1 = MPI_Wtime();
    e = solve(solver, &B->b, &B->x, &r);
    o->solve = fmin(o->solve, tmax(MPI_Wtime() - t1));
  }
  o->its = r.its;
  o->reason = r.reason;
  double rms;
  if (!e) e = aeon_model_error(B->model, &B->x, &rms, &o->err);
  return e;
}

/* Aeon: a Krylov method preconditioned by multigrid (set-up: the operator and the hierarchy). */
static aeon_err aeon_case(bench *B, const char *type, double rtol, outcome *o) {
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  aeon_ell_spec spec = aeon_ell_spec_default(AEON_ELL_LAPLACIAN2);
  spec.centering = B->vertex ? AEON_ELL_VERTEX : AEON_ELL_CELL;
  aeon_ell_op *op = NULL;
  aeon_mg *mg = NULL;
  aeon_ksp *ksp = NULL;
  aeon_mg_opts mo;
  aeon_mg_opts_default(&mo);
  aeon_gop A;
  aeon_gpc pc;
  aeon_err e = aeon_ell_op_create(&B->m, &spec, &op);
  if (!e) e = aeon_mg_create(op, &mo, &mg);
  if (!e) {
    aeon_ell_gop(op, &A);
    aeon_mg_gpc(mg, &pc);
    aeon_ksp_opts ko = aeon_ksp_defaults();
    ko.type = type;
    ko.rtol = rtol;
    e = aeon_ksp_create(&ko, &A, &pc, &B->b, &ksp);
  }
  e = time_solves(B, t0, e, ksp_solve_fn, ksp, o);
  aeon_ksp_destroy(ksp);
  aeon_mg_destroy(mg);
  aeon_ell_op_destroy(op);
  return e;
}

/* PETSc through Aeon's backend: CG + an assembled preconditioner (set-up: DMDA, matrix, PCSetUp). */
static aeon_err petsc_case(bench *B, const char *pc, outcome *o) {
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  aeon_petsc_opts po = {.ksp = aeon_ksp_defaults(), .pc = pc};
  po.ksp.type = "cg";
  po.ksp.rtol = B->rtol;
  aeon_petsc *P = NULL;
  aeon_err e = aeon_petsc_create(&po, NULL, NULL, B->model, &B->b, &P);
  if (!e) e = aeon_petsc_setup(P);
  e = time_solves(B, t0, e, petsc_solve_fn, P, o);
  aeon_petsc_destroy(P);
  return e;
}

static aeon_err setup(bench *B, long n) {
  aeon_mesh *m = &B->nodes;
  for (int d = 0; d < 3; d++) {
    m->N[d] = n;
    m->xmax[d] = 1;
    m->dx[d] = 1.0 / (double)n;
  }
  m->ghost = 1;
  for (int f = 0; f < 6; f++) m->bc[f] = AEON_BC_DIRICHLET;
  AE_CHK(aeon_par_create(MPI_COMM_WORLD, (int[3]){0, 0, 0}, (int[3]){0, 0, 0}, m->N, &B->par));
  if (B->vertex) AE_CHK(aeon_ell_vertex_mesh(m, &B->par, &B->m));
  else {
    AE_CHK(aeon_mesh_setup_patch(m, &B->par));
    B->m = *m;
  }
  aeon_model_spec s = {.a = 0, .b = 1, .vertex = B->vertex};
  AE_CHK(aeon_model_create(&B->m, B->par.cart, &s, &B->model));
  AE_CHK(aeon_model_vector(B->model, &B->b));
  AE_CHK(aeon_model_vector(B->model, &B->x));
  return aeon_model_rhs(B->model, &B->b);
}

static aeon_err run(bench *B, long n) {
  AE_CHK(setup(B, n));
  AE_CHK(aeon_petsc_initialize(NULL));
  outcome o[6];
  const char *name[6] = {"aeon_mg_cg", "aeon_mg_gmres", "aeon_mg_gmres_1e-10", "petsc_mg", "petsc_gamg",
                         "petsc_hypre"};
  AE_CHK(aeon_case(B, "cg", B->rtol, &o[0]));
  report(B, name[0], "aeon cg + aeon mg (V-cycle, RB-GS)", B->rtol, &o[0]);
  AE_CHK(aeon_case(B, "gmres", B->rtol, &o[1]));
  report(B, name[1], "aeon gmres(30) + aeon mg", B->rtol, &o[1]);
  AE_CHK(aeon_case(B, "gmres", 1e-10, &o[2]));
  report(B, name[2], "aeon gmres(30) + aeon mg", 1e-10, &o[2]);
  const char *pcs[3] = {"mg", "gamg", "hypre"}, *what[3] = {"petsc cg + PCMG (Galerkin, SOR)", "petsc cg + GAMG",
                                                             "petsc cg + hypre BoomerAMG"};
  double best = 1e30;
  int ib = 3;
  for (int i = 0; i < 3; i++) {
    AE_CHK(petsc_case(B, pcs[i], &o[3 + i]));
    report(B, name[3 + i], what[i], B->rtol, &o[3 + i]);
    double t = o[3 + i].setup + o[3 + i].solve;
    if (o[3 + i].reason > 0 && t < best) best = t, ib = 3 + i;
  }
  double aeon_t = o[0].setup + o[0].solve;
  if (B->rank == 0)
    printf("{\"bench\": \"poisson_summary\", \"centering\": \"%s\", \"n\": %ld, \"ranks\": %d, \"aeon_setup_s\": %.4f, "
           "\"aeon_solve_s\": %.4f, \"aeon_total_s\": %.4f, \"best_petsc\": \"%s\", \"best_petsc_setup_s\": %.4f, "
           "\"best_petsc_solve_s\": %.4f, \"best_petsc_total_s\": %.4f, \"aeon_over_best\": %.3f, \"target\": 0.5}\n",
           B->vertex ? "vertex" : "cell", n, B->size, o[0].setup, o[0].solve, aeon_t, name[ib], o[ib].setup,
           o[ib].solve, best, aeon_t / best);
  return AEON_OK;
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  bench B;
  memset(&B, 0, sizeof B);
  MPI_Comm_rank(MPI_COMM_WORLD, &B.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &B.size);
  B.rtol = 1e-8;
  B.reps = 2;
  B.vertex = -1; /* not given: vertex for odd N (2^k + 1 nodes), cell for even N */
  long n = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--rtol") && i + 1 < argc) B.rtol = atof(argv[++i]);
    else if (!strcmp(argv[i], "--centering") && i + 1 < argc && (!strcmp(argv[i + 1], "vertex") || !strcmp(argv[i + 1], "cell")))
      B.vertex = !strcmp(argv[++i], "vertex");
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) B.reps = atoi(argv[++i]);
    else if (atol(argv[i]) >= 8) n = atol(argv[i]);
    else {
      if (B.rank == 0) fprintf(stderr, "bench_poisson: bad argument '%s' (usage: bench_poisson [N] [--centering vertex|cell] [--rtol R] [--reps K])\n", argv[i]);
      MPI_Finalize();
      return 2;
    }
  }
  if (B.vertex < 0) B.vertex = n == 0 || n % 2 == 1;
  if (n == 0) n = B.vertex ? 129 : 128;
  aeon_err e = run(&B, n);
  if (e && B.rank == 0) aeon_error_print(stderr, 1);
  aeon_gvec_destroy(&B.b);
  aeon_gvec_destroy(&B.x);
  aeon_model_destroy(B.model);
  aeon_par_destroy(&B.par);
  aeon_petsc_finalize();
  MPI_Finalize();
  return e != AEON_OK;
}
