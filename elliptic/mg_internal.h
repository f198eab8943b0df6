/* Private to elliptic/: the multigrid hierarchy (mg.c) as the nonlinear
 * FAS cycles (fas.c) see it: levels of grids with their u, f, r, d fields,
 * gather levels with their redistributions, and the transfers between levels. */
#ifndef AEON_ELLIPTIC_MG_INTERNAL_H
#define AEON_ELLIPTIC_MG_INTERNAL_H

#include <lapacke.h>

#include "aeon/layout.h"
#include "ell_internal.h"

#define MG_MAXLEV 40
#define MG_DENSE_MAX 1728 /* bottom points a dense LU is used for (12^3: 24 MB) */

typedef struct mg_level {
  ell_grid *g;          /* level 0: the operator's grid (borrowed) */
  int own;              /* 1 if g is mg's */
  aeon_fields u, f, r, d;
  int gather;           /* pass-through to the next level on rank 0 */
  aeon_layout *Lfrom, *Lto;
  aeon_redist *down, *up;
  double lmax;          /* largest eigenvalue of D^-1 A (Chebyshev) */
} mg_level;

struct aeon_mg {
  aeon_ell_op *op;
  aeon_mg_opts o;
  int nl;               /* entries of lev (a gather level and its copy are two) */
  int bottom;           /* index of the bottom level */
  int ndistinct;        /* levels of distinct resolution (rank 0's count, broadcast) */
  mg_level lev[MG_MAXLEV];
  ell_grid grids[MG_MAXLEV];
  double *lu;           /* dense LU of the bottom (column-major), or NULL */
  lapack_int *piv;
  int nb;               /* bottom points */
  int singular;
  MPI_Comm comm;        /* the fine level's communicator */
  aeon_ell_bc_fn dir_fn; /* the dirichlet data folded into b (aeon_mg_set_dirichlet), or NULL */
  void *dir_ctx;
};

/* Zeroes the interior of u on grid g. */
void mg_zero_interior(const ell_grid *g, double *u);
/* The l2 norm of x's interior over comm (exact; NAN if any value is not finite; 0 contribution if inactive). */
aeon_err mg_level_norm(const ell_grid *g, const double *x, MPI_Comm comm, double *nrm);
/* Moves field fl of level L to field fc of its gathered copy C (down) or back (up). */
aeon_err mg_move(mg_level *L, aeon_fields *fl, mg_level *C, aeon_fields *fc, int down);
/* Copies a vector's interior into a level-0 field, or back. */
void mg_copy_in(const ell_grid *g, const aeon_gvec *x, double *dst);
void mg_copy_out(const ell_grid *g, const double *src, aeon_gvec *x);
/* Refuses (AEON_ERR_INTERNAL) a vector that is not one variable on the fine mesh's interior. */
aeon_err mg_check_vec(const aeon_mg *mg, const aeon_gvec *x);
/* dst (level C) = restriction of src (level L): 8-cell average, or full weighting (vertex; fills src's ghosts). */
void mg_restrict_field(mg_level *L, double *src, mg_level *C, double *dst, aeon_err *e);
/* FMG: f of level l + 1 = restriction of level l's f; with dirichlet data set, of the interior source (the data
 * taken out of f) with the coarse level's own data folded back in. */
aeon_err mg_fmg_restrict(aeon_mg *mg, int l);
/* uf (+)= prolongation of uc (uc's ghosts filled): trilinear, or (quad, cell-centred only) triquadratic. */
void mg_prolong(mg_level *C, const double *uc, mg_level *L, double *uf, int add, int quad);

#endif
