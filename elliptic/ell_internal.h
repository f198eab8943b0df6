/* Private to elliptic/: one grid of an elliptic operator (the fine mesh or a
 * multigrid level): its mesh, coefficients, inverse diagonal, exchange plan
 * and boundary data, and the row kernels every operation is built from. */
#ifndef AEON_ELLIPTIC_INTERNAL_H
#define AEON_ELLIPTIC_INTERNAL_H

#include "aeon/elliptic.h"
#include "aeon/parallel.h"

#define ELL_MAXR 2 /* widest stencil radius (laplacian4) */
#define ELL_MAXM 4 /* interior points a dirichlet ghost is extrapolated from */

/* One grid. A rank that owns no points of it (a gathered level on ranks other than 0) has active = 0. */
typedef struct ell_grid {
  aeon_mesh m;          /* the grid's mesh (a copy of the user's mesh for level 0) */
  aeon_par *own_par;    /* the process grid of a gathered level (NULL: the user's) */
  int active;
  aeon_ell_kind kind;
  int vertex;           /* 1: vertex-centred (points are nodes; a dirichlet/robin ghost is the boundary node) */
  int shift[3];         /* vertex: 1 where the boundary nodes are not unknowns (non-periodic), else 0; coarse
                         * point I sits on fine point 2 I + shift (global indices) */
  double a, b;
  int R;                /* stencil radius */
  double hinv2[3];      /* 1 / dx^2 */
  aeon_fields coef;     /* helmholtz: alpha, beta_x, beta_y, beta_z (beta_d at the low face of each cell) */
  aeon_fields dinv;     /* 1 / diag(A), boundary conditions included */
  aeon_exchange *ex;    /* one variable, width R */
  int nE;               /* dirichlet: interior points per ghost extrapolation */
  double E[ELL_MAXR][ELL_MAXM]; /* dirichlet ghost layer l = sum_m E[l][m] u_m */
  double W[ELL_MAXR];   /* ... + W[l] g (the face value) */
  double origin[3], power;
  double *robin[6];     /* robin faces: the factor of each ghost point (layer, outer, inner) */
  double *row;          /* scratch row of n[0] doubles */
  double *row2;         /* second scratch row (n[0] + 8 doubles) */
  double *rows4[4];     /* four more (fused residual and restriction) */
} ell_grid;

/* Builds the fine grid of an operator on mesh m (the mesh struct is copied; its process grid is borrowed). */
aeon_err ell_grid_fine(const aeon_mesh *m, const aeon_ell_spec *spec, ell_grid *g);
/* Builds the grid coarser by 2 from fine (each rank halves its patch; fine must allow it), coefficients from spec. */
aeon_err ell_grid_coarsen(const ell_grid *fine, const aeon_ell_spec *spec, ell_grid *g);
/* Builds a copy of grid src with the same global box on rank 0 alone (collective over src's ranks); other ranks
 * get an inactive grid. */
aeon_err ell_grid_gather(const ell_grid *src, const aeon_ell_spec *spec, ell_grid *g);
/* Returns -1 if the global sizes of grid g cannot be coarsened by 2 (cell-centred: odd; vertex: N - shift odd),
 * else 1 if this rank's patch can (cell-centred: even and aligned; vertex: any) keeping at least agg points in each
 * split direction, else 0 (local: agree over the ranks). */
int ell_grid_coarsenable(const ell_grid *g, int agg);
/* Computes dinv (after coef is set). */
void ell_grid_diag(ell_grid *g);
/* Frees a grid (collective over the ranks of its plan). */
void ell_grid_free(ell_grid *g);

/* Fills the ghosts of field u (mesh layout) for the stencil: exchange, then the homogeneous boundary fill. */
aeon_err ell_fill_ghosts(ell_grid *g, double *u);
/* ell_fill_ghosts with inhomogeneous dirichlet data gfn (NULL: homogeneous): the ghosts of a full solution. */
aeon_err ell_fill_ghosts_data(ell_grid *g, double *u, aeon_ell_bc_fn gfn, void *ctx);
/* Fills only the physical boundary ghosts (no exchange). */
void ell_fill_bc(const ell_grid *g, double *u);
/* out[i] = (A u)_i along the interior row (j, k) (u's ghosts filled). */
void ell_row_apply(const ell_grid *g, const double *u, int j, int k, double *restrict out);

/* r = f - A u on the interior (u's ghosts filled); all three in the mesh layout. */
void ell_residual(const ell_grid *g, const double *u, const double *f, double *r);
/* One red (color 0) or black (1) Gauss-Seidel half sweep on u (ghosts filled); color by global index parity. */
void ell_rbgs(ell_grid *g, double *u, const double *f, int color);

/* Vertex grids (mg_vertex.c): f_c = full weighting of r_f (r_f's ghosts filled). */
void ell_vx_restrict(const ell_grid *gf, const double *rf, const ell_grid *gc, double *fc);
/* Vertex grids: u_f (+)= trilinear (quad: tricubic, quadratic next to the ghosts' end) interpolation of u_c (u_c's
 * ghosts filled; tmp: n_c + 2 doubles). */
void ell_vx_prolong(const ell_grid *gc, const double *uc, const ell_grid *gf, double *uf, int add, int quad,
                    double *tmp);

/* b += sign * A_boundary g: the operator applied to a field (u: scratch on g's mesh) that is zero but for the
 * dirichlet ghosts W[l] g(face point); b's interior row (j, k) at b + base + j sy + k sz. sign -1 folds the data
 * into a right-hand side (aeon_ell_dirichlet_rhs), +1 takes it out again. */
void ell_dirichlet_fold(ell_grid *g, aeon_ell_bc_fn gfn, void *ctx, double *u, double *b, long base, long sy,
                        long sz, double sign);

/* The fine grid of an operator (op.c). */
ell_grid *ell_op_grid(aeon_ell_op *op);

#endif
