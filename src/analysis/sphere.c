/* Integrals over a coordinate sphere.
 *
 * create: check (identically on every rank, from the arguments and the
 * global box) that the sphere stays inside the box, counting what the
 * symmetry faces mirror; build the same node set on every rank (Gauss-
 * Legendre in cos(theta) x 2 ntheta trapezoid points in phi); each rank takes
 * a contiguous block of the nodes and makes an interpolation plan for them,
 * which routes each node to the rank owning its stencil.
 * integrate: interpolate the variables at the block's nodes (one exchange),
 * evaluate the integrand there, add weight * r^2 * integrand to an exact sum
 * and reduce it exactly, so the result has the same bits on every rank and
 * for every rank count. */
#include <math.h>
#include <string.h>

#include "aeon/analysis.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/reduce.h"

#define SPHERE_MAX_NTHETA 1024 /* 2 ntheta^2 nodes, 64 bytes each, on every rank */

struct aeon_sphere {
  aeon_sphere_nodes nodes; /* points into the arrays below */
  MPI_Comm comm;
  double *xyz, *normal, *weight;
  double *area;            /* weight * radius^2 */
  aeon_interp *ip;         /* the block [first, first + nlocal) */
  double *vals;            /* nlocal x AEON_SPHERE_MAX_VARS */
};

static const char axis[3] = {'x', 'y', 'z'};

/* Checks that [c - r, c + r] stays in the box in every non-periodic direction, after mirroring at symmetry faces. */
static aeon_err check_inside(const aeon_mesh *m, const double c[3], double r) {
  char dom[200];
  snprintf(dom, sizeof dom, "[%g, %g] x [%g, %g] x [%g, %g]", m->xmin[0], m->xmax[0], m->xmin[1], m->xmax[1],
           m->xmin[2], m->xmax[2]);
  if (!(r > 0) || !isfinite(r) || !isfinite(c[0]) || !isfinite(c[1]) || !isfinite(c[2]))
    return AE_ERR(AEON_ERR_USER, "sphere radius %g about (%g, %g, %g): need a finite centre and a radius > 0", r,
                  c[0], c[1], c[2]);
  for (int d = 0; d < 3; d++) {
    if (m->bc[2 * d] == AEON_BC_PERIODIC) continue;
    double lo = c[d] - r, hi = c[d] + r, xl = m->xmin[d], xh = m->xmax[d], out = NAN;
    int mirrored = 0;
    if (lo < xl) {
      mirrored = m->bc[2 * d] == AEON_BC_SYMMETRY;
      out = !mirrored ? lo : 2 * xl - lo > xh ? 2 * xl - lo : NAN;
    }
    if (isnan(out) && hi > xh) {
      mirrored = m->bc[2 * d + 1] == AEON_BC_SYMMETRY;
      out = !mirrored ? hi : 2 * xh - hi < xl ? 2 * xh - hi : NAN;
    }
    if (!isnan(out))
      return AE_ERR(AEON_ERR_USER, "sphere radius %g about (%g, %g, %g) leaves the domain %s (it reaches %c = %g%s)",
                    r, c[0], c[1], c[2], dom, axis[d], out, mirrored ? " after mirroring at a symmetry face" : "");
  }
  return AEON_OK;
}

/* Allocates the node arrays and fills them: node q = i * nphi + j at cos(theta) = GL node i, phi = 2 pi j / nphi. */
static aeon_err make_nodes(aeon_sphere *sp, const double c[3], double r, int ntheta) {
  aeon_sphere_nodes *nd = &sp->nodes;
  nd->ntheta = ntheta;
  nd->nphi = 2 * ntheta;
  nd->count = ntheta * nd->nphi;
  nd->radius = r;
  memcpy(nd->center, c, sizeof nd->center);
  size_t n = (size_t)nd->count;
  AE_CHK(aeon_mem_alloc(sizeof(double) * (8 * n + 2 * (size_t)ntheta), (void **)&sp->xyz));
  sp->normal = sp->xyz + 3 * n;
  sp->weight = sp->normal + 3 * n;
  sp->area = sp->weight + n;
  double *mu = sp->area + n, *wmu = mu + ntheta;
  AE_CHK(aeon_gauss_legendre(ntheta, mu, wmu));
  const double dphi = 2 * acos(-1.0) / nd->nphi;
  for (int i = 0; i < ntheta; i++) {
    double st = sqrt((1 - mu[i]) * (1 + mu[i]));
    for (int j = 0; j < nd->nphi; j++) {
      size_t q = (size_t)i * nd->nphi + j;
      double *nq = sp->normal + 3 * q, phi = j * dphi;
      nq[0] = st * cos(phi);
      nq[1] = st * sin(phi);
      nq[2] = mu[i];
      for (int d = 0; d < 3; d++) sp->xyz[3 * q + d] = c[d] + r * nq[d];
      sp->weight[q] = wmu[i] * dphi;
      sp->area[q] = sp->weight[q] * (r * r);
    }
  }
  nd->xyz = (const double (*)[3])sp->xyz;
  nd->normal = (const double (*)[3])sp->normal;
  nd->weight = sp->weight;
  return AEON_OK;
}

/* This rank's contiguous block of the nodes (blocks differ by at most one node). */
static void my_block(aeon_sphere *sp, const aeon_par *par) {
  long n = sp->nodes.count, lo = n * par->rank / par->size, hi = n * (par->rank + 1) / par->size;
  sp->nodes.first = (int)lo;
  sp->nodes.nlocal = (int)(hi - lo);
}

aeon_err aeon_sphere_create(const aeon_mesh *m, const double center[3], double radius, int ntheta,
                            const int (*parity)[3], aeon_sphere **out) {
  *out = NULL;
  if (ntheta < 1 || ntheta > SPHERE_MAX_NTHETA)
    return AE_ERR(AEON_ERR_USER, "sphere: ntheta = %d (1 to %d)", ntheta, SPHERE_MAX_NTHETA);
  AE_CHK(check_inside(m, center, radius));
  aeon_sphere *sp = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *sp, (void **)&sp);
  if (!e) {
    sp->comm = m->par->cart;
    e = make_nodes(sp, center, radius, ntheta);
  }
  if (!e) {
    my_block(sp, m->par);
    e = aeon_mem_alloc(sizeof(double) * ((size_t)sp->nodes.nlocal * AEON_SPHERE_MAX_VARS + 1), (void **)&sp->vals);
  }
  AE_CHK_GOTO(aeon_par_agree(m->par->cart, e), e, fail);
  AE_CHK_GOTO(aeon_interp_create(m, sp->nodes.nlocal, sp->nodes.xyz + sp->nodes.first, parity,
                                 AEON_SPHERE_MAX_VARS, &sp->ip), e, fail);
  *out = sp;
  return AEON_OK;
fail:
  aeon_sphere_destroy(sp);
  return e;
}

aeon_err aeon_sphere_integrate(aeon_sphere *sp, const aeon_fields *f, int nv, const int *vars,
                               aeon_sphere_integrand fn, void *ctx, double *result) {
  if (nv < 0 || nv > AEON_SPHERE_MAX_VARS || (!fn && nv < 1))
    return AE_ERR(AEON_ERR_USER, "sphere integral of %d variables%s (1 to %d)", nv,
                  fn ? "" : " without an integrand", AEON_SPHERE_MAX_VARS);
  AE_CHK(aeon_interp_apply(sp->ip, f, nv, vars, sp->vals));
  const aeon_sphere_nodes *nd = &sp->nodes;
  aeon_xsum sum;
  aeon_xsum_init(&sum);
  for (int k = 0; k < nd->nlocal; k++) {
    int q = nd->first + k;
    const double *v = sp->vals + (size_t)k * nv;
    double g = fn ? fn(v, nd->xyz[q], nd->normal[q], ctx) : v[0];
    aeon_xsum_add(&sum, sp->area[q] * g);
  }
  AE_CHK(aeon_xsum_allreduce(&sum, 1, sp->comm));
  *result = aeon_xsum_value(&sum);
  return AEON_OK;
}

const aeon_sphere_nodes *aeon_sphere_get_nodes(const aeon_sphere *sp) { return &sp->nodes; }

void aeon_sphere_destroy(aeon_sphere *sp) {
  if (!sp) return;
  aeon_interp_destroy(sp->ip);
  aeon_mem_free(sp->xyz);
  aeon_mem_free(sp->vals);
  aeon_mem_free(sp);
}
