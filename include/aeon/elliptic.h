/* Elliptic operators and geometric multigrid on the distributed mesh.
 *
 * The grid: the elliptic grid IS the evolution mesh (aeon/mesh.h): cell-centred
 * points x_i = xmin + (i + 1/2) dx, one patch per rank, the faces of the global
 * box half a spacing outside the first and last points. An operator acts on
 * grid vectors (aeon/gvec.h) whose box is the mesh interior; it refreshes the
 * ghosts of its input itself (exchange plan + its own boundary fill) and
 * writes only the interior of its output. Vertex-centred grids
 * (spec.centering = AEON_ELL_VERTEX) run on the mesh of the unknown nodes made
 * by aeon_ell_vertex_mesh: the boundary nodes are the ghosts (dirichlet data
 * sits on them), the multigrid transfers are full weighting and trilinear,
 * and coarse node I is fine node 2 I (129 -> 65 -> 33 nodes).
 *
 * Operators (all linear, with homogeneous boundary conditions; inhomogeneous
 * Dirichlet data is moved into the right-hand side by aeon_ell_dirichlet_rhs):
 *   helmholtz   A u = a alpha(x) u - b div(beta(x) grad u), cell-centred finite
 *               volume (HPGMG-FV's problem): alpha at cell centres, beta at
 *               face centres, flux b beta (u_i - u_{i-1}) / dx^2 per face;
 *               2nd order
 *   laplacian2  A u = a u - b lap u, 7-point, 2nd order
 *   laplacian4  A u = a u - b lap u, 13-point, 4th order (needs mesh ghost >= 2)
 * The boundary of each face comes from the mesh (boundary.FACE):
 *   periodic    wraps (the exchange)
 *   dirichlet   u = 0 on the face: ghosts extrapolated through the face value
 *               (linear for 2nd order, quartic through 4 interior points for 4th)
 *   robin       1/r^p fall-off towards 0 about robin_origin:
 *               ghost = mirror * (r_mirror / r_ghost)^p
 *   symmetry    even reflection (zero normal derivative)
 * radiative faces are refused. Without a dirichlet or robin face and with
 * a = 0 the operator is singular (constants are its null space).
 *
 * Multigrid (aeon_mg): a hierarchy built once per operator (every buffer
 * allocated at creation, none per cycle), coarsened by 2 with each rank
 * halving its patch while every patch is even and at least 2 * mg_agglomerate
 * points wide, then gathered onto rank 0 (the core's redistribution) for the
 * remaining levels, down to at most mg_coarse_size points, solved by a dense
 * LU (LAPACKE) or, if larger, by smoothing sweeps. Restriction: 8-cell
 * average (fused with the residual); coarse operators rediscretised: alpha
 * and beta evaluated at the coarse level's cell and face centres (so the
 * spec's functions must outlive the operator), laplacian4 is laplacian2 on
 * the coarse levels; prolongation: trilinear (cell-centred, 27 points) in
 * cycles, triquadratic for the FMG interpolation. Smoothers: red-black
 * Gauss-Seidel, or Chebyshev on D^-1 A over [lambda_max / 8, lambda_max]
 * with lambda_max from power iterations (cached in Tier 3 when a tier store
 * is given). Cycles V, W, F, and FMG (one V-cycle per level). FMG restricts
 * the right-hand side itself; when b carries inhomogeneous dirichlet data
 * (aeon_ell_dirichlet_rhs), aeon_mg_set_dirichlet lets it take the data out
 * before restricting and fold each level's own data back in. Results
 * (and residual norms) are bit-identical on any number of ranks.
 *
 * FAS (aeon_fas): the same hierarchy for N(u) = A u + g(u, c(x)) = f, with a
 * nonlinear Gauss-Seidel smoother (one Newton step per point). */
#ifndef AEON_ELLIPTIC_H
#define AEON_ELLIPTIC_H

#include <stdio.h>

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/gop.h"
#include "aeon/gvec.h"
#include "aeon/mesh.h"
#include "aeon/tiers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kind of an elliptic operator. */
typedef enum aeon_ell_kind {
  AEON_ELL_HELMHOLTZ = 0,  /* a alpha u - b div(beta grad u), 2nd order, variable coefficients */
  AEON_ELL_LAPLACIAN2 = 1, /* a u - b lap u, 2nd order */
  AEON_ELL_LAPLACIAN4 = 2  /* a u - b lap u, 4th order */
} aeon_ell_kind;

/* Where the points of an elliptic grid sit. */
typedef enum aeon_ell_centering {
  AEON_ELL_CELL = 0,  /* cell centres: the mesh as it is */
  AEON_ELL_VERTEX = 1 /* nodes: the mesh made by aeon_ell_vertex_mesh (boundary nodes on the faces) */
} aeon_ell_centering;

/* A coefficient as a function of position. */
typedef double (*aeon_ell_coef_fn)(const double x[3], void *ctx);
/* A boundary value as a function of a point on a face. */
typedef double (*aeon_ell_bc_fn)(const double x[3], void *ctx);

/* What an operator is. Plain data. */
typedef struct aeon_ell_spec {
  aeon_ell_kind kind;
  double a, b;              /* A u = a alpha u - b div(beta grad u) */
  aeon_ell_coef_fn alpha;   /* helmholtz: alpha at cell centres (NULL: 1); must be > 0 where a != 0 */
  aeon_ell_coef_fn beta;    /* helmholtz: beta at face centres (NULL: 1); must be > 0 */
  void *coef_ctx;           /* passed to alpha and beta */
  double robin_origin[3];   /* centre of the robin fall-off */
  double robin_power;       /* p of the 1/r^p fall-off (0: 1) */
  aeon_ell_centering centering; /* AEON_ELL_VERTEX: the mesh must come from aeon_ell_vertex_mesh */
} aeon_ell_spec;

/* Builds the mesh of the unknowns of a vertex-centred grid (no MPI): nodes holds a mesh's global part read as
 * nodes, N[d] of them from xmin to xmax inclusive (spacing (xmax - xmin) / (N - 1)); the result m is a mesh whose
 * points are the unknown nodes, with its patch on par: N - 2 per non-periodic direction (the boundary nodes are
 * the ghosts: dirichlet data sits on them), N - 1 per periodic one (the node on xmax is the one on xmin), xmin and
 * xmax moved by half a spacing so aeon_coord gives node positions (129 nodes: 127 unknowns, coarsened 63, 31, ...).
 * Refuses (AEON_ERR_USER) N < 3, symmetry and radiative faces. Other modules see an ordinary mesh. */
aeon_err aeon_ell_vertex_mesh(const aeon_mesh *nodes, const aeon_par *par, aeon_mesh *m);
/* Reads elliptic.centering ("cell" or "vertex") from a deck. */
aeon_err aeon_ell_centering_from_deck(const aeon_deck *deck, aeon_ell_centering *c);

/* Opaque operator: the mesh, its coefficients, its exchange plan and boundary data. */
typedef struct aeon_ell_op aeon_ell_op;

/* Returns the spec of kind with a = 0, b = 1 (A = -lap, or -div(beta grad)), robin power 1. */
aeon_ell_spec aeon_ell_spec_default(aeon_ell_kind kind);
/* Returns the operator kind called name ("helmholtz", "laplacian2", "laplacian4") through kind; AEON_ERR_USER otherwise. */
aeon_err aeon_ell_kind_from_name(const char *name, aeon_ell_kind *kind);
/* Creates an operator on mesh m (collective over the mesh's process grid; m must outlive it). Refuses
 * (AEON_ERR_USER, on every rank) radiative faces, too few ghosts, b <= 0, a < 0, and alpha <= 0 or beta <= 0 at a
 * point. */
aeon_err aeon_ell_op_create(const aeon_mesh *m, const aeon_ell_spec *spec, aeon_ell_op **op);
/* Frees an operator (collective). NULL is fine. */
void aeon_ell_op_destroy(aeon_ell_op *op);
/* Returns the operator's mesh. */
const aeon_mesh *aeon_ell_op_mesh(const aeon_ell_op *op);
/* Returns the operator's spec. */
const aeon_ell_spec *aeon_ell_op_spec(const aeon_ell_op *op);
/* Returns 1 if constants are in the operator's null space (no dirichlet/robin face and a = 0), else 0. */
int aeon_ell_op_singular(const aeon_ell_op *op);
/* Allocates a ghosted vector of one variable on the operator's mesh interior (zero), owned by x. */
aeon_err aeon_ell_vec_create(const aeon_ell_op *op, aeon_gvec *x);
/* Sets x = fn at the cell centres of its box. */
aeon_err aeon_ell_vec_fill(aeon_gvec *x, aeon_ell_coef_fn fn, void *ctx);

/* y = A x (collective: refreshes x's ghosts if x is ghosted on the mesh, else copies it to a ghosted scratch). */
aeon_err aeon_ell_apply(aeon_ell_op *op, aeon_gvec *x, aeon_gvec *y);
/* r = b - A x (collective). */
aeon_err aeon_ell_residual(aeon_ell_op *op, aeon_gvec *x, const aeon_gvec *b, aeon_gvec *r);
/* d = diag(A), boundary conditions included (the coefficient of u_i in (A u)_i). */
aeon_err aeon_ell_diagonal(aeon_ell_op *op, aeon_gvec *d);
/* Moves inhomogeneous Dirichlet data g on the dirichlet faces into a right-hand side: b -= A_boundary g, so that
 * A u = b' with the operator's homogeneous condition gives u = g on those faces. */
aeon_err aeon_ell_dirichlet_rhs(aeon_ell_op *op, aeon_ell_bc_fn g, void *ctx, aeon_gvec *b);
/* Fills gop with the operator (apply, diagonal); gop->destroy is NULL: op stays owned by the caller. */
void aeon_ell_gop(aeon_ell_op *op, aeon_gop *gop);

/* Multigrid cycle types. */
typedef enum aeon_mg_cycle_type { AEON_MG_V = 0, AEON_MG_W = 1, AEON_MG_F = 2, AEON_MG_FMG = 3 } aeon_mg_cycle_type;
/* Multigrid smoothers. */
typedef enum aeon_mg_smoother { AEON_MG_RBGS = 0, AEON_MG_CHEBYSHEV = 1 } aeon_mg_smoother;

/* Multigrid settings (elliptic.mg_* in a deck). Plain data. */
typedef struct aeon_mg_opts {
  aeon_mg_cycle_type cycle;  /* of one cycle (FMG: a full-multigrid pass, then V-cycles in a solve) */
  aeon_mg_smoother smoother;
  int levels;                /* most levels (0: as many as the grid allows) */
  int pre, post;             /* smoothing sweeps (Chebyshev: polynomial degree) before and after the correction */
  long coarse_size;          /* coarsen until the level has at most this many points */
  int agglomerate;           /* gather onto one rank once a patch would be narrower than this many points */
  double rtol, atol;         /* a solve stops when ||r|| <= max(rtol ||b||, atol) */
  int max_cycles;            /* a solve's most cycles */
  int monitor;               /* 1: a line per cycle on monitor_out (rank 0) */
  FILE *monitor_out;         /* NULL: stdout */
  aeon_tiers *tiers;         /* optional: Chebyshev bounds cached in Tier 3 */
} aeon_mg_opts;

/* Why a solve stopped (the way PETSc's KSPConvergedReason says it: > 0 converged, < 0 not). */
typedef enum aeon_solve_reason {
  AEON_SOLVE_ITERATING = 0,
  AEON_SOLVE_CONVERGED_RTOL = 2,
  AEON_SOLVE_CONVERGED_ATOL = 3,
  AEON_SOLVE_DIVERGED_ITS = -3,
  AEON_SOLVE_DIVERGED_DTOL = -4,
  AEON_SOLVE_DIVERGED_NAN = -9
} aeon_solve_reason;

/* What a multigrid solve did. */
typedef struct aeon_mg_result {
  aeon_solve_reason reason;
  int cycles;
  double rnorm0, rnorm; /* l2 norms of the first and last residual */
  double factor;        /* mean convergence factor per cycle, (rnorm / rnorm0)^(1 / cycles) */
} aeon_mg_result;

/* Opaque multigrid hierarchy. */
typedef struct aeon_mg aeon_mg;

/* The parameters of multigrid (elliptic.mg_*). */
extern const aeon_param_decl aeon_mg_params[];
/* Number of entries in aeon_mg_params. */
extern const int aeon_mg_nparams;
/* Sets the defaults: V-cycle, RB-GS, 2 + 2 sweeps, coarse size 64, agglomerate 8, rtol 1e-10, 50 cycles. */
void aeon_mg_opts_default(aeon_mg_opts *o);
/* Reads elliptic.mg_* from a deck. */
aeon_err aeon_mg_opts_from_deck(const aeon_deck *deck, aeon_mg_opts *o);
/* Returns the name of a solve reason ("converged_rtol", "diverged_nan", ...). */
const char *aeon_solve_reason_name(aeon_solve_reason r);

/* Builds the hierarchy of op (collective; op must outlive it). Refuses (AEON_ERR_USER) opts->levels more than
 * the grid allows, bad settings, and an operator kind multigrid does not support. */
aeon_err aeon_mg_create(aeon_ell_op *op, const aeon_mg_opts *opts, aeon_mg **mg);
/* Frees a hierarchy (collective). NULL is fine. */
void aeon_mg_destroy(aeon_mg *mg);
/* Returns the number of levels (the gathered copy of a level counts once). */
int aeon_mg_nlevels(const aeon_mg *mg);
/* Returns the global points per direction of level l (0 finest) through N[3]. */
void aeon_mg_level_size(const aeon_mg *mg, int l, long N[3]);
/* Runs one cycle of the configured type on A u = b, u the initial guess (FMG ignores it). Allocates nothing. */
aeon_err aeon_mg_cycle(aeon_mg *mg, const aeon_gvec *b, aeon_gvec *u);
/* Solves A u = b from the initial guess u by cycles until converged (see opts); refuses a singular problem whose
 * b has a non-zero mean (AEON_ERR_USER). A diverged or NaN solve returns AEON_ERR_NUMERIC with the reason in res. */
aeon_err aeon_mg_solve(aeon_mg *mg, const aeon_gvec *b, aeon_gvec *u, aeon_mg_result *res);
/* Tells the hierarchy that b carries dirichlet data g folded in by aeon_ell_dirichlet_rhs (g, ctx must outlive
 * mg; NULL: none): FMG then restricts the interior source and gives each coarse level its own boundary term, so it
 * reaches the discretisation error with inhomogeneous data too. V-, W-, F-cycles do not need it. */
void aeon_mg_set_dirichlet(aeon_mg *mg, aeon_ell_bc_fn g, void *ctx);
/* Fills pc with one cycle from a zero guess as a preconditioner (z = cycle(r)); pc->destroy is NULL. */
void aeon_mg_gpc(aeon_mg *mg, aeon_gpc *pc);

/* ---- FAS: multigrid for nonlinear problems N(u) = A u + g(u, c(x)) = f ---- */

/* Most coefficient fields of a FAS nonlinearity. */
#define AEON_FAS_MAXCOEF 4

/* The pointwise term g(u, c) of a nonlinear operator at one point, c its coefficient values there; sets *dg =
 * dg/du. Must be finite; dg >= 0 keeps the nonlinear smoother stable. */
typedef double (*aeon_fas_point_fn)(double u, const double *c, double *dg, void *ctx);

/* A nonlinear operator N(u) = A u + g(u, c(x)), A the linear operator given to aeon_fas_create (its stencil and
 * boundary conditions). Examples: -lap u + u^3 (g = u^3, no coefficients); the puncture Hamiltonian constraint
 * -lap u - beta(x) (1 + alpha(x) (1 + u))^-7 = 0 (two coefficients). Plain data. */
typedef struct aeon_fas_spec {
  aeon_fas_point_fn g;
  int ncoef;                               /* coefficient fields, 0..AEON_FAS_MAXCOEF */
  aeon_ell_coef_fn coef[AEON_FAS_MAXCOEF]; /* evaluated once at every level's points (rediscretised, like alpha) */
  void *ctx;                               /* passed to g and to the coef functions */
} aeon_fas_spec;

/* Opaque FAS solver: a multigrid hierarchy of the linear part plus each level's coefficient fields. */
typedef struct aeon_fas aeon_fas;

/* Builds a FAS solver for N(u) = A u + g(u, c) with A = op (collective; op, the spec's functions and ctx must
 * outlive it). Smoother: nonlinear red-black Gauss-Seidel, one Newton step per point
 * u_i += (f_i - N(u)_i) / (diag(A)_i + dg_i); cycles V, W, F and FMG (opts->cycle; FMG: one FAS V-cycle per
 * level, then V-cycles in a solve); the bottom level is smoothed until its residual falls 1e4-fold. Refuses
 * (AEON_ERR_USER) the Chebyshev smoother, ncoef out of range, g NULL. */
aeon_err aeon_fas_create(aeon_ell_op *op, const aeon_fas_spec *spec, const aeon_mg_opts *opts, aeon_fas **fas);
/* Frees a FAS solver (collective). NULL is fine. */
void aeon_fas_destroy(aeon_fas *fas);
/* Returns the FAS solver's linear hierarchy (its levels and sizes). */
aeon_mg *aeon_fas_mg(aeon_fas *fas);
/* r = f - N(u) (collective). */
aeon_err aeon_fas_residual(aeon_fas *fas, const aeon_gvec *u, const aeon_gvec *f, aeon_gvec *r);
/* Runs one cycle of the configured type on N(u) = f, u the initial guess (FMG ignores it). Allocates nothing. */
aeon_err aeon_fas_cycle(aeon_fas *fas, const aeon_gvec *f, aeon_gvec *u);
/* Solves N(u) = f from the initial guess u by cycles until ||f - N(u)|| <= max(rtol ||f||, atol) (opts); a
 * diverged or NaN solve returns AEON_ERR_NUMERIC with the reason in res. */
aeon_err aeon_fas_solve(aeon_fas *fas, const aeon_gvec *f, aeon_gvec *u, aeon_mg_result *res);

#ifdef __cplusplus
}
#endif
#endif
