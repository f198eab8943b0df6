/* The set-up shared by `aeon solve` and `aeon eig --deck` on an elliptic deck:
 * the deck checked against the elliptic parameters, the mesh and process
 * grid, the model problem and its right-hand side, the preconditioner and the
 * options of the chosen backend. */
#ifndef AEON_CLI_SOLVE_SETUP_H
#define AEON_CLI_SOLVE_SETUP_H

#include <mpi.h>

#include "aeon/deck.h"
#include "aeon/gop.h"
#include "aeon/krylov.h"
#include "aeon/mesh.h"
#include "aeon/modelprob.h"
#include "aeon/parallel.h"
#include "aeon/petsc_backend.h"

typedef struct aeon_elliptic_setup {
  char *text;
  aeon_paramset *ps;
  aeon_deck *deck;
  aeon_mesh m;
  aeon_par par;
  int have_par;
  aeon_model *model;
  aeon_gop A;          /* the model operator */
  aeon_gpc pc;         /* elliptic.pc (native backend, and the PETSc shell path) */
  int have_pc;
  void *mg_state;      /* multigrid: its operator and hierarchy (when elliptic.pc is mg) */
  aeon_gvec b;         /* the right-hand side */
  int petsc;           /* elliptic.backend is petsc */
  aeon_ksp_opts kopts;
  aeon_petsc_opts popts;
  const char *problem; /* "poisson", "helmholtz" */
  char desc[160];      /* e.g. "native gmres(30) + jacobi (right)" */
  double pc_seconds;   /* preconditioner set-up time */
} aeon_elliptic_setup;

/* Returns 1 if deck text loads as an elliptic deck (no physics, elliptic keys), else 0 (no MPI; no error left). */
int aeon_elliptic_deck_is(const char *text, size_t len, const char *name);
/* Reads the deck (rank 0, broadcast), checks it with the --set overrides, builds mesh, model, right-hand side,
 * preconditioner and backend options (collective; every rank fails together). petsc_args: -aeon_ options from the
 * command line (NULL or "" none). */
/* The global mesh (grid.*, boundary.*) and the process grid (parallel.dims) of an elliptic deck; *have_par = 1 once
 * par exists (the caller destroys it). The patch is left to the caller (cell- or vertex-centred). */
aeon_err aeon_elliptic_grid_from_deck(MPI_Comm comm, const aeon_deck *deck, aeon_mesh *m, aeon_par *par,
                                      int *have_par);
aeon_err aeon_elliptic_setup_create(MPI_Comm comm, const char *path, int nset, const char *const *sets,
                                    const char *petsc_args, aeon_elliptic_setup *s);
/* Frees everything (safe after a partial set-up). */
void aeon_elliptic_setup_destroy(aeon_elliptic_setup *s);

#endif
