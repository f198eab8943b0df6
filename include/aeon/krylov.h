/* Matrix-free Krylov solvers on grid vectors (aeon/gvec.h) for an operator
 * and a preconditioner given as ops tables (aeon/gop.h), in the manner of
 * PETSc's KSP: a solver object is created once for an operator, a
 * preconditioner and a template vector (its work vectors are ghosted clones of
 * the template, allocated there and never per iteration), then solves any
 * number of right-hand sides. Methods come from a registry by name ("cg",
 * "gmres", "bicgstab" are built in); a new method registers an aeon_ksp_type
 * and touches nothing else. Every dot product and norm is exact and
 * rank-count independent (aeon_xsum), so iteration counts and residual
 * histories are bit-identical on any number of ranks. Each solve ends with a
 * reason like PETSc's KSPConvergedReason (same numbers and names). */
#ifndef AEON_KRYLOV_H
#define AEON_KRYLOV_H

#include <stdio.h>

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/gop.h"
#include "aeon/gvec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a solve stopped (PETSc's KSPConvergedReason values). */
typedef enum aeon_ksp_reason {
  AEON_KSP_ITERATING = 0,
  AEON_KSP_CONVERGED_RTOL = 2,          /* ||r|| <= rtol ||r0|| */
  AEON_KSP_CONVERGED_ATOL = 3,          /* ||r|| <= atol */
  AEON_KSP_CONVERGED_ITS = 4,           /* PETSc backend: a fixed number of iterations (preonly) */
  AEON_KSP_CONVERGED_HAPPY_BREAKDOWN = 8, /* PETSc backend: GMRES found the exact solution */
  AEON_KSP_DIVERGED_NULL = -2,          /* PETSc backend */
  AEON_KSP_DIVERGED_ITS = -3,           /* max_it reached */
  AEON_KSP_DIVERGED_DTOL = -4,          /* ||r|| >= dtol ||r0|| */
  AEON_KSP_DIVERGED_BREAKDOWN = -5,     /* a Krylov basis could not be extended (GMRES: h = 0 on a singular system) */
  AEON_KSP_DIVERGED_BREAKDOWN_BICG = -6, /* BiCGStab: rho or (t, t) vanished */
  AEON_KSP_DIVERGED_NONSYMMETRIC = -7,  /* PETSc backend */
  AEON_KSP_DIVERGED_INDEFINITE_PC = -8, /* CG: (r, M^-1 r) <= 0 */
  AEON_KSP_DIVERGED_NANORINF = -9,      /* a residual norm or coefficient is NaN or Inf */
  AEON_KSP_DIVERGED_INDEFINITE_MAT = -10, /* CG: (p, A p) <= 0 */
  AEON_KSP_DIVERGED_PC_FAILED = -11     /* PETSc backend: the preconditioner failed */
} aeon_ksp_reason;

/* Returns the reason's name, e.g. "CONVERGED_RTOL", "DIVERGED_ITS". */
const char *aeon_ksp_reason_name(aeon_ksp_reason r);

/* Where the preconditioner goes: M^-1 A x = M^-1 b (left; the residual tested is M^-1 r) or A M^-1 y = b, x = M^-1 y
 * (right; the residual tested is the true one). CG is symmetric-preconditioned either way and tests ||r||. */
typedef enum aeon_pc_side { AEON_PC_LEFT = 0, AEON_PC_RIGHT = 1 } aeon_pc_side;

/* Options of a solver. */
typedef struct aeon_ksp_opts {
  const char *type;       /* registered method: "cg", "gmres", "bicgstab" */
  double rtol, atol, dtol; /* converged: ||r|| <= max(rtol ||r0||, atol); diverged: ||r|| >= dtol ||r0|| */
  long max_it;            /* iterations at most (a GMRES iteration is one Arnoldi step) */
  int restart;            /* GMRES(m): m, the basis size between restarts (1..200) */
  aeon_pc_side side;
  int nonzero_guess;      /* 1: start from the x given to aeon_ksp_solve; 0: from x = 0 */
  int monitor;            /* 1: one line per iteration on rank 0, like PETSc's -ksp_monitor */
  FILE *monitor_out;      /* where the monitor writes (NULL: stdout) */
} aeon_ksp_opts;

/* What one solve did. */
typedef struct aeon_ksp_result {
  aeon_ksp_reason reason;
  long its;         /* iterations done */
  double rnorm0;    /* the first residual norm tested (see aeon_pc_side) */
  double rnorm;     /* the last one */
  long applies;     /* operator applications */
  long pc_applies;  /* preconditioner applications */
  long reductions;  /* global reductions (allreduce calls) */
  double seconds;   /* wall time of the solve on this rank */
} aeon_ksp_result;

typedef struct aeon_ksp aeon_ksp;

/* One Krylov method: what the registry holds. A method is a file of its own that includes krylov_impl.h (elliptic/),
 * defines one of these and registers it; the core dispatches by name. */
typedef struct aeon_ksp_type {
  const char *name;
  const char *doc;                                /* one line for the parameter docs */
  int (*nwork)(const aeon_ksp_opts *o);           /* ghosted work vectors the method needs */
  long (*nscratch)(const aeon_ksp_opts *o);       /* doubles of scratch (Hessenberg matrix, rotations, ...) */
  int (*nsums)(const aeon_ksp_opts *o);           /* exact accumulators for fused dot products */
  aeon_err (*solve)(aeon_ksp *ksp, aeon_gvec *b, aeon_gvec *x);
} aeon_ksp_type;

/* Registers a method (the same one twice is a no-op; another of the same name is an error). */
aeon_err aeon_ksp_register(const aeon_ksp_type *t);
/* Registers the built-in methods (cg, gmres, bicgstab); safe to call twice. */
aeon_err aeon_ksp_register_builtins(void);
/* Returns the method called name, or NULL. */
const aeon_ksp_type *aeon_ksp_find(const char *name);
/* Returns the number of registered methods. */
int aeon_ksp_type_count(void);
/* Returns method i (0 <= i < count) in registration order. */
const aeon_ksp_type *aeon_ksp_type_get(int i);

/* The defaults: gmres, rtol 1e-8, atol 1e-50, dtol 1e5, max_it 10000, restart 30, right preconditioning. */
aeon_ksp_opts aeon_ksp_defaults(void);
/* Creates a solver (collective over tmpl's comm): checks the options (AEON_ERR_USER naming the bad one), allocates
 * the method's work vectors (ghosted clones of tmpl; compact ones if tmpl has no mesh), scratch and a residual history of
 * max_it + 1 norms. A and pc are copied by value (their contexts are borrowed, not owned); pc may be NULL (none). */
aeon_err aeon_ksp_create(const aeon_ksp_opts *o, const aeon_gop *A, const aeon_gpc *pc, const aeon_gvec *tmpl,
                         aeon_ksp **ksp);
/* Solves A x = b (collective). A solve that stops without converging is no error: it returns AEON_OK with the reason
 * in res (res may be NULL); errors are failures of the operator, preconditioner or MPI. Allocates nothing. */
aeon_err aeon_ksp_solve(aeon_ksp *ksp, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *res);
/* Returns the residual norms of the last solve (entry i after i iterations) and their number through n. */
const double *aeon_ksp_history(const aeon_ksp *ksp, long *n);
/* Returns the solver's options (type resolved). */
const aeon_ksp_opts *aeon_ksp_get_opts(const aeon_ksp *ksp);
/* Frees a solver (NULL is fine); the operator and preconditioner are not destroyed. */
void aeon_ksp_destroy(aeon_ksp *ksp);

/* A Jacobi preconditioner z = r / diag(A) from the operator's diagonal (computed once here, on a clone of tmpl);
 * AEON_ERR_USER if A offers no diagonal or a diagonal entry is zero or not finite. Destroy with aeon_gpc_destroy. */
aeon_err aeon_gpc_jacobi(const aeon_gop *A, const aeon_gvec *tmpl, aeon_gpc *pc);

/* The deck keys of the Krylov solvers (elliptic.ksp_type, elliptic.ksp_rtol, ..., elliptic.backend, elliptic.pc,
 * elliptic.petsc_*, elliptic.problem, ...). */
extern const aeon_param_decl aeon_krylov_params[];
/* Number of entries in aeon_krylov_params. */
extern const int aeon_krylov_nparams;
/* Creates the parameter set of an elliptic deck (`aeon solve`): grid.*, boundary.*, parallel.*, elliptic.* (the
 * Krylov keys and multigrid's elliptic.mg_*). */
aeon_err aeon_elliptic_paramset(aeon_paramset **ps);
/* Reads elliptic.ksp_* from a checked deck into o (pointers into the deck: valid while it lives). */
aeon_err aeon_ksp_opts_from_deck(const aeon_deck *deck, aeon_ksp_opts *o);

#ifdef __cplusplus
}
#endif
#endif
