/* aeon solve DECK [--set KEY=VALUE]... [--quiet] [-aeon_PETSC_OPTION [VALUE]]...
 * A model elliptic problem from an elliptic deck (grid.*, boundary.*,
 * parallel.*, elliptic.*): the deck is read on rank 0 and checked; the mesh
 * and the model problem (aeon/modelprob.h) with its manufactured solution are
 * built; a singular problem with a source of non-zero mean is refused; the
 * preconditioner (none, jacobi, or multigrid) and the solver of the chosen
 * backend (native Krylov, or PETSc with options -aeon_... passed through) are
 * set up and timed apart from the solve; then the iterations, the reason, the
 * true residual ||b - A x|| / ||b|| and the error against the manufactured
 * solution are printed. A solve that does not converge exits 4 with its
 * reason; bad input exits 2. elliptic.problem: punctures (Bowen-York puncture
 * data) goes to solve_punctures.c instead. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/krylov.h"
#include "aeon/memory.h"
#include "aeon/modelprob.h"
#include "aeon/petsc_backend.h"
#include "aeon/sim.h"
#include "cli/commands.h"
#include "cli/solve_punctures.h"
#include "cli/solve_setup.h"

typedef struct solve_cmd {
  const char *deck;
  const char **sets;
  int nset, quiet, rank;
  char *petsc_args; /* the -aeon_ options, joined */
  aeon_elliptic_setup s;
  aeon_ksp *ksp;
  aeon_petsc *petsc;
  aeon_gvec x, r;
} solve_cmd;

/* DECK, --set KEY=VALUE, --quiet, and PETSc options -aeon_NAME [VALUE]. */
static aeon_err parse(int argc, char **argv, solve_cmd *c) {
  size_t cap = 1;
  for (int i = 0; i < argc; i++) cap += strlen(argv[i]) + 1;
  AE_CHK(aeon_mem_alloc(cap, (void **)&c->petsc_args));
  AE_CHK(aeon_mem_alloc((size_t)(argc + 1) * sizeof(char *), (void **)&c->sets));
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    if (!strcmp(s, "--set")) {
      if (i + 1 >= argc) return AE_ERR(AEON_ERR_USER, "solve: --set needs KEY=VALUE");
      c->sets[c->nset++] = argv[++i];
    } else if (!strncmp(s, "--set=", 6)) {
      c->sets[c->nset++] = s + 6;
    } else if (!strcmp(s, "--quiet")) {
      c->quiet = 1;
    } else if (!strncmp(s, "-aeon_", 6)) {
      strcat(strcat(c->petsc_args, " "), s);
      if (i + 1 < argc && argv[i + 1][0] != '-') strcat(strcat(c->petsc_args, " "), argv[++i]);
    } else if (s[0] == '-') {
      return AE_ERR(AEON_ERR_USER, "solve: unknown option '%s' (known: --set KEY=VALUE, --quiet, -aeon_PETSC_OPTION)",
                    s);
    } else if (c->deck) {
      return AE_ERR(AEON_ERR_USER, "solve: one deck only ('%s' and '%s')", c->deck, s);
    } else {
      c->deck = s;
    }
  }
  if (!c->deck) return AE_ERR(AEON_ERR_USER, "solve: no deck given (aeon solve DECK)");
  return AEON_OK;
}

/* A hint for a solve that did not converge. */
static const char *hint(aeon_ksp_reason r) {
  switch (r) {
  case AEON_KSP_DIVERGED_ITS: return "raise elliptic.ksp_max_it or use a preconditioner (elliptic.pc)";
  case AEON_KSP_DIVERGED_NANORINF: return "NaN or Inf in the iteration: check the coefficients and the source";
  case AEON_KSP_DIVERGED_INDEFINITE_MAT:
  case AEON_KSP_DIVERGED_INDEFINITE_PC: return "cg needs a symmetric positive definite operator and preconditioner";
  case AEON_KSP_DIVERGED_DTOL: return "the residual grew beyond elliptic.ksp_dtol times the first one";
  default: return "try another elliptic.ksp_type or preconditioner";
  }
}

static aeon_err run(solve_cmd *c) {
  aeon_elliptic_setup *s = &c->s;
  int punctures = 0;
  AE_CHK(aeon_solve_punctures(MPI_COMM_WORLD, c->deck, c->nset, (const char *const *)c->sets, c->quiet,
                              c->petsc_args, &punctures));
  if (punctures) return AEON_OK;
  double t0 = MPI_Wtime();
  AE_CHK(aeon_elliptic_setup_create(MPI_COMM_WORLD, c->deck, c->nset, c->sets, c->petsc_args, s));
  AE_CHK(aeon_model_vector(s->model, &c->x));
  AE_CHK(aeon_model_vector(s->model, &c->r));
  aeon_ksp_result res;
  const char *what;
  double t1 = MPI_Wtime(), t2;
  if (s->petsc) {
    AE_CHK(aeon_petsc_create(&s->popts, &s->A, s->have_pc ? &s->pc : NULL, s->model, &s->b, &c->petsc));
    AE_CHK(aeon_petsc_setup(c->petsc));
    t2 = MPI_Wtime();
    AE_CHK(aeon_petsc_solve(c->petsc, &s->b, &c->x, &res));
    what = aeon_petsc_describe(c->petsc);
  } else {
    AE_CHK(aeon_ksp_create(&s->kopts, &s->A, s->have_pc ? &s->pc : NULL, &s->b, &c->ksp));
    t2 = MPI_Wtime();
    AE_CHK(aeon_ksp_solve(c->ksp, &s->b, &c->x, &res));
    what = s->desc;
  }
  double t3 = MPI_Wtime();
  double nb, nr, rms, mx;
  AE_CHK(aeon_gop_apply(&s->A, &c->x, &c->r));
  AE_CHK(aeon_gvec_linearsum(1.0, &s->b, -1.0, &c->r, &c->r));
  AE_CHK(aeon_gvec_l2norm(&c->r, 1.0, &nr));
  AE_CHK(aeon_gvec_l2norm(&s->b, 1.0, &nb));
  AE_CHK(aeon_model_error(s->model, &c->x, &rms, &mx));
  if (c->rank == 0 && !c->quiet) {
    const aeon_mesh *m = aeon_model_mesh(s->model);
    printf("solve: %s problem on %ld x %ld x %ld %s, %s\n", s->problem, m->N[0], m->N[1], m->N[2],
           aeon_model_get_spec(s->model)->vertex ? "vertex unknowns" : "cells", what);
    printf("solve: %s after %ld iterations (%ld operator, %ld preconditioner applications)\n",
           aeon_ksp_reason_name(res.reason), res.its, res.applies, res.pc_applies);
    printf("solve: residual %.6e -> %.6e; true relative residual ||b - A x|| / ||b|| = %.6e\n", res.rnorm0, res.rnorm,
           nb > 0 ? nr / nb : nr);
    printf("solve: error vs manufactured solution: rms %.6e, max %.6e\n", rms, mx);
    printf("solve: time: set-up %.3f s (deck, mesh, preconditioner %.3f s), solver set-up %.3f s, solve %.3f s\n",
           t1 - t0, s->pc_seconds, t2 - t1, t3 - t2);
  }
  if (res.reason < 0 || !isfinite(nr))
    return AE_ERR(AEON_ERR_NUMERIC, "solve: %s did not converge: %s after %ld iterations (residual %.3e, %.3g of the "
                  "first); %s", what, aeon_ksp_reason_name(res.reason), res.its, res.rnorm,
                  res.rnorm0 > 0 ? res.rnorm / res.rnorm0 : res.rnorm, hint(res.reason));
  return AEON_OK;
}

static aeon_err solve_body(int argc, char **argv, int rank, void *ctx) {
  solve_cmd *c = ctx;
  c->rank = rank;
  AE_CHK(parse(argc, argv, c));
  return run(c);
}

static void solve_cleanup(void *ctx) {
  solve_cmd *c = ctx;
  aeon_ksp_destroy(c->ksp);
  aeon_petsc_destroy(c->petsc);
  aeon_gvec_destroy(&c->x);
  aeon_gvec_destroy(&c->r);
  aeon_elliptic_setup_destroy(&c->s);
  aeon_petsc_finalize();
  aeon_mem_free(c->sets);
  aeon_mem_free(c->petsc_args);
}

int aeon_cmd_solve(int argc, char **argv) {
  solve_cmd c;
  memset(&c, 0, sizeof c);
  return aeon_cli_driver(solve_body, solve_cleanup, &c, argc, argv);
}
