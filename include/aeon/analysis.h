/* Analysis services on the mesh: distributed 4th-order Lagrange interpolation
 * at arbitrary points (each point evaluated by one owner rank from a stencil
 * chosen by global indices, so results are bit-identical for any rank count
 * and decomposition), Gauss-Legendre nodes, and integrals over coordinate
 * spheres (Gauss-Legendre in cos(theta) x trapezoid in phi) summed exactly.
 * Every function that takes field data expects its ghosts to be filled
 * (exchange + symmetry; radiative ghosts are evolved data). */
#ifndef AEON_ANALYSIS_H
#define AEON_ANALYSIS_H

#include "aeon/error.h"
#include "aeon/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most variables one aeon_sphere_integrate call may interpolate. */
#define AEON_SPHERE_MAX_VARS 32

/* Opaque interpolation plan: the routing of a set of points to their owner ranks, stencils and buffers. */
typedef struct aeon_interp aeon_interp;

/* Creates a plan (collective over the mesh's process grid) for this rank's npts points xyz (npts may be 0).
 * Periodic directions wrap; a point beyond a symmetry face is mirrored and its value multiplied by the
 * variable's parity parity[v][d] (may be NULL when no point needs it; the table must outlive the plan).
 * A point outside the box otherwise is a user error on every rank. Needs mesh ghost >= 2. */
aeon_err aeon_interp_create(const aeon_mesh *m, int npts, const double (*xyz)[3], const int (*parity)[3],
                            int nvar_max, aeon_interp **ip);
/* Interpolates variables vars[0..nv) of f (ghosts filled) at this rank's points into out[p * nv + k]
 * (collective; nv <= nvar_max; allocates nothing). */
aeon_err aeon_interp_apply(aeon_interp *ip, const aeon_fields *f, int nv, const int *vars, double *out);
/* Frees a plan (NULL is fine). */
void aeon_interp_destroy(aeon_interp *ip);
/* Returns the number of points this rank evaluates for the others (its share of the work). */
int aeon_interp_owned(const aeon_interp *ip);

/* Writes the n Gauss-Legendre nodes x (ascending, in (-1, 1), symmetric bit for bit) and weights w (sum 2). */
aeon_err aeon_gauss_legendre(int n, double *x, double *w);

/* Opaque sphere: its quadrature nodes and the interpolation plan of this rank's share of them. */
typedef struct aeon_sphere aeon_sphere;

/* The quadrature nodes of a sphere, identical on every rank. Node q = i * nphi + j has
 * cos(theta) = Gauss-Legendre node i and phi = 2 pi j / nphi. */
typedef struct aeon_sphere_nodes {
  int count;                 /* ntheta * nphi */
  int ntheta, nphi;          /* nphi = 2 ntheta */
  double center[3], radius;
  const double (*xyz)[3];    /* node coordinates: center + radius * normal */
  const double (*normal)[3]; /* outward unit normals */
  const double *weight;      /* weights on the unit sphere (sum 4 pi); the area element is weight * radius^2 */
  int first, nlocal;         /* nodes [first, first + nlocal) are the ones whose integrand this rank evaluates */
} aeon_sphere_nodes;

/* An integrand: given the nv interpolated values at a node, the node x and its outward normal n, returns
 * the value to integrate. */
typedef double (*aeon_sphere_integrand)(const double *vals, const double x[3], const double n[3], void *ctx);

/* Creates a sphere of ntheta x 2 ntheta nodes (collective). A sphere that leaves the box (beyond what the
 * symmetry faces mirror) is a user error; parity as for aeon_interp_create. */
aeon_err aeon_sphere_create(const aeon_mesh *m, const double center[3], double radius, int ntheta,
                            const int (*parity)[3], aeon_sphere **sp);
/* Integrates fn (NULL: the value of vars[0]) over the sphere: result = sum over nodes of weight * r^2 *
 * integrand, summed exactly, the same bits on every rank and rank count (collective; allocates nothing). */
aeon_err aeon_sphere_integrate(aeon_sphere *sp, const aeon_fields *f, int nv, const int *vars,
                               aeon_sphere_integrand fn, void *ctx, double *result);
/* Returns the sphere's node set. */
const aeon_sphere_nodes *aeon_sphere_get_nodes(const aeon_sphere *sp);
/* Frees a sphere (NULL is fine). */
void aeon_sphere_destroy(aeon_sphere *sp);

#ifdef __cplusplus
}
#endif
#endif
