/* Model problems for the elliptic solvers: the operator
 *   A u = a u - b div(beta grad u) + c . grad u,  beta = 1 + beta_amp sin(2 pi X) sin(2 pi Y) sin(2 pi Z)
 * (X, Y, Z the coordinates scaled to [0, 1) over the box) on a cell-centred
 * mesh, second order: 7-point flux form with beta at the faces, centred
 * advection; homogeneous Dirichlet faces (odd reflection into the ghost, so
 * u = 0 on the face) or periodic directions. A manufactured solution
 * u = prod_d s_d with s_d = sin(pi X_d) (Dirichlet) or sin(2 pi X_d)
 * (periodic) gives the right-hand side f = A u analytically. The same
 * coefficients are offered per global point (aeon_model_stencil) so an
 * assembled matrix (the PETSc backend's DMDA) is the very same operator. It
 * serves `aeon solve`, the Krylov tests, the benchmarks and shift-invert;
 * the multigrid module has its own operators. */
#ifndef AEON_MODELPROB_H
#define AEON_MODELPROB_H

#include <mpi.h>

#include "aeon/error.h"
#include "aeon/gop.h"
#include "aeon/gvec.h"
#include "aeon/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The coefficients of a model problem. */
typedef struct aeon_model_spec {
  double a, b;      /* a >= 0, b > 0 */
  double beta_amp;  /* |beta_amp| < 1 (0: constant coefficient) */
  double c[3];      /* advection velocity (non-zero: non-symmetric A) */
  double rhs_shift; /* a constant added to the right-hand side (0 normally) */
  int vertex;       /* 1: m is a vertex mesh (aeon_ell_vertex_mesh): points are nodes, X = node / intervals, and a
                     * dirichlet ghost is the boundary node (0) instead of the odd reflection */
} aeon_model_spec;

typedef struct aeon_model aeon_model;

/* Creates the model problem on mesh m (collective over comm, the mesh's communicator): refuses (AEON_ERR_USER)
 * faces other than dirichlet/periodic, a direction with one of each, a <0, b <= 0, |beta_amp| >= 1. */
aeon_err aeon_model_create(const aeon_mesh *m, MPI_Comm comm, const aeon_model_spec *s, aeon_model **p);
/* Frees a model problem (collective; NULL is fine). */
void aeon_model_destroy(aeon_model *p);
/* Returns the operator (its context is p's; destroying the returned op does nothing). */
aeon_gop aeon_model_op(aeon_model *p);
/* Allocates a zeroed ghosted vector over the interior (owned by x; free with aeon_gvec_destroy). */
aeon_err aeon_model_vector(const aeon_model *p, aeon_gvec *x);
/* f = the right-hand side of the manufactured solution (plus rhs_shift) at the cell centres. */
aeon_err aeon_model_rhs(const aeon_model *p, aeon_gvec *f);
/* u = the manufactured solution at the cell centres. */
aeon_err aeon_model_exact(const aeon_model *p, aeon_gvec *u);
/* 1 if A is singular (a = 0, every direction periodic: constants are in its kernel). */
int aeon_model_singular(const aeon_model *p);
/* Refuses (AEON_ERR_USER, collective) a right-hand side with a non-zero mean on a singular problem. */
aeon_err aeon_model_check_rhs(const aeon_model *p, const aeon_gvec *f);
/* The L2 (RMS) and max norms of x - u_exact (means removed first on a singular problem) (collective). */
aeon_err aeon_model_error(const aeon_model *p, const aeon_gvec *x, double *rms, double *maxabs);
/* The coefficients at global point g of A's row before boundary folding: c[0] centre, then the neighbours
 * x-, x+, y-, y+, z-, z+. A neighbour outside a Dirichlet face enters with the opposite sign on the centre (vertex:
 * it drops out). */
void aeon_model_stencil(const aeon_model *p, const long g[3], double c[7]);
/* Returns the mesh. */
const aeon_mesh *aeon_model_mesh(const aeon_model *p);
/* Returns the coefficients. */
const aeon_model_spec *aeon_model_get_spec(const aeon_model *p);

#ifdef __cplusplus
}
#endif
#endif
