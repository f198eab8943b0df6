/* The PETSc backend of the elliptic solvers: the same problems solved by
 * PETSc's KSP, selected in the deck (elliptic.backend: petsc). Two paths:
 *   shell      a MatShell applying an Aeon operator (aeon_gop) on vectors in
 *              Aeon's own layout (each rank's interior, contiguous), with an
 *              Aeon preconditioner (aeon_gpc, e.g. multigrid) as a PCShell, or
 *              PETSc's none/jacobi (the operator's diagonal);
 *   assembled  the 7-point matrix of a model problem (aeon/modelprob.h)
 *              assembled on a DMDA whose ownership differs from the mesh's
 *              (slabs across Aeon's process grid), with PETSc's own
 *              preconditioners: PCMG (Galerkin, SOR smoothing, piecewise
 *              constant interpolation for the cell-centred grid), GAMG,
 *              hypre BoomerAMG, SOR, Jacobi; right-hand sides and solutions
 *              move between the layouts with the core's redistribution
 *              (aeon/layout.h), each way.
 * Options set from the deck come first; PETSc options with the prefix
 * (default "aeon_", e.g. -aeon_ksp_type gmres -aeon_ksp_monitor) given to
 * aeon_petsc_initialize override them. Compiled only where CMake found PETSc;
 * elsewhere every function but aeon_petsc_available returns
 * AEON_ERR_UNSUPPORTED. */
#ifndef AEON_PETSC_BACKEND_H
#define AEON_PETSC_BACKEND_H

#include "aeon/error.h"
#include "aeon/gop.h"
#include "aeon/gvec.h"
#include "aeon/krylov.h"
#include "aeon/modelprob.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 1 if Aeon was built with PETSc, else 0. */
int aeon_petsc_available(void);
/* Returns PETSc's version, e.g. "3.18.5" ("" without PETSc). */
const char *aeon_petsc_version(void);
/* Initialises PETSc on MPI_COMM_WORLD (MPI must be initialised; once; no signal handlers) and inserts options, a
 * string such as "-aeon_ksp_monitor -aeon_pc_gamg_threshold 0.02" (NULL: none); later calls only insert options. */
aeon_err aeon_petsc_initialize(const char *options);
/* Finalises PETSc if aeon_petsc_initialize started it (before MPI_Finalize). */
void aeon_petsc_finalize(void);

/* Options of a PETSc solver. */
typedef struct aeon_petsc_opts {
  aeon_ksp_opts ksp;  /* method (cg, gmres, bicgstab, or any PETSc KSP type name), tolerances, restart, side, monitor */
  const char *pc;     /* shell|none|jacobi (shell path) or sor|mg|gamg|hypre (assembled path; none/jacobi too) */
  int assembled;      /* 1: assembled path for none/jacobi as well (sor, mg, gamg, hypre always are) */
  const char *prefix; /* options prefix (NULL: "aeon_") */
  int mg_levels;      /* PCMG levels (0: while the coarse grid stays >= 4 points and even) */
} aeon_petsc_opts;

typedef struct aeon_petsc aeon_petsc;

/* Creates a PETSc solver (collective over tmpl's comm). Shell path: A applied matrix-free, pc as a PCShell (pc
 * "shell"; NULL pc: none). Assembled path: the matrix of `model` on a DMDA (A and pc unused). tmpl: a vector on the
 * mesh interior (its layout is that of b and x). */
aeon_err aeon_petsc_create(const aeon_petsc_opts *o, const aeon_gop *A, const aeon_gpc *pc, const aeon_model *model,
                           const aeon_gvec *tmpl, aeon_petsc **P);
/* Sets the solver up (KSPSetUp, PCSetUp: AMG hierarchies, Galerkin products) so a solve's time excludes it. */
aeon_err aeon_petsc_setup(aeon_petsc *P);
/* Solves A x = b (collective); like aeon_ksp_solve, a solve that does not converge returns AEON_OK with the
 * reason in res. */
aeon_err aeon_petsc_solve(aeon_petsc *P, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *res);
/* Returns a one-line description, e.g. "petsc gmres + gamg (assembled, DMDA 1x1x2)". */
const char *aeon_petsc_describe(const aeon_petsc *P);
/* Frees the solver (collective; NULL is fine). */
void aeon_petsc_destroy(aeon_petsc *P);

#ifdef __cplusplus
}
#endif
#endif
