/* Distributed 4th-order Lagrange interpolation on the cell-centred mesh.
 *
 * create: each rank folds its points into the box (a periodic direction
 * wraps, a point beyond a symmetry face is mirrored and the direction noted
 * for the parity sign), finds each point's owner (the patch holding the
 * global index of the stencil's second point, clamped to the box) from the
 * gathered patch offsets, sorts its points by owner and sends the folded
 * coordinates there (one Alltoall of counts, one Alltoallv). Each owner turns
 * the coordinates it receives into the local index of the stencil's lowest
 * corner and 3 x 4 weights, which depend only on the folded coordinate and
 * global indices. Buffers for nvar_max variables are allocated here.
 * apply: each owner evaluates the 4 x 4 x 4 tensor-product stencil of every
 * variable at its points (ghosts included), one Alltoallv sends the values
 * back, and each requester puts them in its point order times the parity
 * signs. As every point is evaluated once, by the same operations on the same
 * data, the values are bit-identical for any rank count and decomposition. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "aeon/analysis.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"

struct aeon_interp {
  const aeon_mesh *m;
  MPI_Comm comm;              /* the mesh's Cartesian communicator */
  int size;
  int npts, nown, nvar_max;
  const int (*parity)[3];     /* the caller's table (may be NULL if no point is mirrored) */
  int *slot;                  /* npts: position of point p in the owner-sorted order */
  unsigned char *mirror;      /* npts: bit d set when point p was mirrored in direction d */
  long *corner;               /* nown: linear index of the lowest point of each owned stencil */
  double *w;                  /* nown x 12: weights in x, y, z */
  double *own_vals;           /* nown x nvar_max: values computed for the requesters */
  double *got_vals;           /* npts x nvar_max: values received, owner-sorted */
  int *cnt;                   /* 8 x size: point counts/displacements sent, received; then the same for values */
};

static const char axis[3] = {'x', 'y', 'z'};

/* Lagrange weights of the nodes -1, 0, 1, 2 at t in [0, 1]. */
static void lagrange4(double t, double w[4]) {
  w[0] = -t * (t - 1) * (t - 2) / 6;
  w[1] = (t + 1) * (t - 1) * (t - 2) / 2;
  w[2] = -(t + 1) * t * (t - 2) / 2;
  w[3] = (t + 1) * t * (t - 1) / 6;
}

/* Folds coordinate x of direction d: wraps a periodic direction, mirrors beyond a symmetry face (setting
 * *mirrored). Returns 1 if the result lies in [xmin, xmax]. */
static int fold(const aeon_mesh *m, int d, double x, double *out, int *mirrored) {
  double lo = m->xmin[d], hi = m->xmax[d];
  *mirrored = 0;
  if (m->bc[2 * d] == AEON_BC_PERIODIC) {
    if (x < lo || x > hi) {
      double L = hi - lo;
      x -= L * floor((x - lo) / L);
      x = x < lo ? lo : x > hi ? hi : x; /* rounding of the wrap */
    }
  } else if (x < lo && m->bc[2 * d] == AEON_BC_SYMMETRY) {
    x = 2 * lo - x;
    *mirrored = 1;
  } else if (x > hi && m->bc[2 * d + 1] == AEON_BC_SYMMETRY) {
    x = 2 * hi - x;
    *mirrored = 1;
  }
  *out = x;
  return x >= lo && x <= hi;
}

/* Returns the global index of the first of the 4 stencil points of folded coordinate x and their weights. */
static long stencil(const aeon_mesh *m, int d, double x, double w[4]) {
  double s = (x - m->xmin[d]) / m->dx[d] - 0.5;
  double f = floor(s);
  lagrange4(s - f, w);
  return (long)f - 1;
}

/* Where patches start along each direction and which rank holds each patch (gathered once in create). */
typedef struct {
  long *start[3]; /* start[d][c]: global index of the first interior point of process coordinate c */
  int *rank_at;   /* rank of process coordinates (c0, c1, c2) at c0 + dims0 (c1 + dims1 c2) */
  long *mem;
} layout_t;

static aeon_err layout_create(const aeon_mesh *m, layout_t *L) {
  const aeon_par *par = m->par;
  int nd = par->dims[0] + par->dims[1] + par->dims[2];
  void *p = NULL;
  AE_CHK(aeon_mem_alloc(sizeof(long) * (size_t)(nd + 6 * par->size) + sizeof(int) * (size_t)par->size, &p));
  L->mem = p;
  long *all = L->mem + nd, mine[6];
  L->rank_at = (int *)(all + 6 * par->size);
  L->start[0] = L->mem;
  L->start[1] = L->start[0] + par->dims[0];
  L->start[2] = L->start[1] + par->dims[1];
  for (int d = 0; d < 3; d++) {
    mine[d] = par->coords[d];
    mine[3 + d] = m->off[d];
  }
  AE_MPI(MPI_Allgather(mine, 6, MPI_LONG, all, 6, MPI_LONG, par->cart));
  for (int r = 0; r < par->size; r++) {
    const long *a = all + 6 * r;
    for (int d = 0; d < 3; d++) L->start[d][a[d]] = a[3 + d];
    L->rank_at[a[0] + par->dims[0] * (a[1] + par->dims[1] * a[2])] = r;
  }
  return AEON_OK;
}

/* Returns the rank whose patch holds global point g (each index clamped into the box). */
static int owner_of(const aeon_mesh *m, const layout_t *L, const long g[3]) {
  int c[3];
  for (int d = 0; d < 3; d++) {
    long i = g[d] < 0 ? 0 : g[d] >= m->N[d] ? m->N[d] - 1 : g[d];
    c[d] = m->par->dims[d] - 1;
    while (L->start[d][c[d]] > i) c[d]--;
  }
  return L->rank_at[c[0] + m->par->dims[0] * (c[1] + m->par->dims[1] * c[2])];
}

static const char *bc_name(aeon_bc bc) {
  return bc == AEON_BC_SYMMETRY ? "symmetry" : bc == AEON_BC_RADIATIVE ? "radiative" : "periodic";
}

/* Writes "[x0, x1] x [y0, y1] x [z0, z1]" into buf. */
static void domain_str(const aeon_mesh *m, char *buf, size_t len) {
  snprintf(buf, len, "[%g, %g] x [%g, %g] x [%g, %g]", m->xmin[0], m->xmax[0], m->xmin[1], m->xmax[1],
           m->xmin[2], m->xmax[2]);
}

/* Folds point p of this rank; on success sets folded coordinates, mirror bits and owner. */
static aeon_err locate(const aeon_interp *ip, const layout_t *L, int p, const double x[3], double xf[3],
                       unsigned char *mirror, int *owner) {
  const aeon_mesh *m = ip->m;
  char dom[200];
  long g[3];
  *mirror = 0;
  for (int d = 0; d < 3; d++) {
    int mir;
    double w[4];
    if (!isfinite(x[d]))
      return AE_ERR(AEON_ERR_USER, "interpolation point %d (%g, %g, %g) of rank %d is not finite", p, x[0], x[1], x[2],
                    m->par->rank);
    if (!fold(m, d, x[d], &xf[d], &mir)) {
      int upper = !(xf[d] < m->xmin[d]);
      domain_str(m, dom, sizeof dom);
      return AE_ERR(AEON_ERR_USER,
                    "interpolation point %d (%g, %g, %g) of rank %d is outside the domain %s "
                    "(%c = %g is beyond the %s face %c = %g%s)",
                    p, x[0], x[1], x[2], m->par->rank, dom, axis[d], x[d], bc_name(m->bc[2 * d + upper]),
                    axis[d], upper ? m->xmax[d] : m->xmin[d], mir ? " after mirroring" : "");
    }
    if (mir && !ip->parity)
      return AE_ERR(AEON_ERR_USER,
                    "interpolation point %d (%g, %g, %g) of rank %d lies beyond the symmetry face in %c of the "
                    "domain; its value needs the variables' parities, but none were given (parity = NULL)",
                    p, x[0], x[1], x[2], m->par->rank, axis[d]);
    *mirror |= (unsigned char)(mir << d);
    g[d] = stencil(m, d, xf[d], w) + 1;
  }
  *owner = owner_of(m, L, g);
  return AEON_OK;
}

/* Sets the stencil corner and weights of owned point q at folded coordinates xf. */
static aeon_err set_stencil(aeon_interp *ip, int q, const double xf[3]) {
  const aeon_mesh *m = ip->m;
  int lo[3];
  for (int d = 0; d < 3; d++) {
    long first = stencil(m, d, xf[d], ip->w + 12 * (size_t)q + 4 * d);
    lo[d] = (int)(first - m->off[d]);
    if (lo[d] < m->valid.lo[d] || lo[d] + 4 > m->valid.hi[d])
      return AE_ERR(AEON_ERR_INTERNAL, "interpolation stencil at %c = %g (global %ld..%ld) is not inside rank %d's "
                    "data", axis[d], xf[d], first, first + 3, m->par->rank);
  }
  ip->corner[q] = aeon_idx(m, lo[0], lo[1], lo[2]);
  return AEON_OK;
}

static aeon_err check_create(const aeon_mesh *m, int npts, const double (*xyz)[3], int nvar_max) {
  if (m->ghost < 2)
    return AE_ERR(AEON_ERR_USER, "interpolation: 4-point Lagrange stencils need a mesh with ghost >= 2 (it has %d)",
                  m->ghost);
  if (npts < 0 || (npts > 0 && !xyz))
    return AE_ERR(AEON_ERR_USER, "interpolation: %d points%s", npts, npts < 0 ? "" : " but no coordinates");
  if (nvar_max < 1 || (long)npts * nvar_max > INT_MAX / 2)
    return AE_ERR(AEON_ERR_USER, "interpolation: nvar_max = %d for %d points (need nvar_max >= 1 and "
                  "npts * nvar_max < %d)", nvar_max, npts, INT_MAX / 2);
  return AEON_OK;
}

/* Locates every point (folded coordinates into xf), orders the points by owner and sets the point counts. */
static aeon_err route(aeon_interp *ip, const layout_t *L, const double (*xyz)[3], int *owner, double (*xf)[3]) {
  int *scnt = ip->cnt, *sdsp = ip->cnt + ip->size;
  for (int p = 0; p < ip->npts; p++) {
    AE_CHK(locate(ip, L, p, xyz[p], xf[p], &ip->mirror[p], &owner[p]));
    scnt[owner[p]]++;
  }
  for (int r = 1; r < ip->size; r++) sdsp[r] = sdsp[r - 1] + scnt[r - 1];
  int *next = ip->cnt + 4 * ip->size; /* scratch until apply */
  memcpy(next, sdsp, sizeof(int) * (size_t)ip->size);
  for (int p = 0; p < ip->npts; p++) ip->slot[p] = next[owner[p]]++;
  return AEON_OK;
}

/* Allocates the per-point arrays of the requester side (the destroy function frees a partial set). */
static aeon_err alloc_points(aeon_interp *ip) {
  size_t n = (size_t)ip->npts + 1;
  AE_CHK(aeon_mem_alloc(sizeof(int) * n, (void **)&ip->slot));
  AE_CHK(aeon_mem_alloc(n, (void **)&ip->mirror));
  AE_CHK(aeon_mem_alloc(sizeof(double) * n * (size_t)ip->nvar_max, (void **)&ip->got_vals));
  AE_CHK(aeon_mem_alloc(sizeof(int) * 8 * (size_t)ip->size, (void **)&ip->cnt));
  return AEON_OK;
}

/* Allocates the per-point arrays of the owner side. */
static aeon_err alloc_owned(aeon_interp *ip) {
  size_t n = (size_t)ip->nown + 1;
  AE_CHK(aeon_mem_alloc(sizeof(long) * n, (void **)&ip->corner));
  AE_CHK(aeon_mem_alloc(sizeof(double) * 12 * n, (void **)&ip->w));
  AE_CHK(aeon_mem_alloc(sizeof(double) * n * (size_t)ip->nvar_max, (void **)&ip->own_vals));
  return AEON_OK;
}

/* Receives the folded coordinates of the points this rank owns and sets up their stencils. */
static aeon_err owned_stencils(aeon_interp *ip, const double *sorted) {
  int P = ip->size, *c = ip->cnt, *c3 = ip->cnt + 4 * P; /* c3: the point counts x 3 (scratch until apply) */
  AE_MPI(MPI_Alltoall(c, 1, MPI_INT, c + 2 * P, 1, MPI_INT, ip->comm));
  long nown = 0;
  for (int r = 0; r < P; r++) {
    c[3 * P + r] = (int)nown;
    nown += c[2 * P + r];
  }
  aeon_err e = AEON_OK;
  if (nown * ip->nvar_max > INT_MAX / 2)
    e = AE_ERR(AEON_ERR_USER, "interpolation: rank %d would evaluate %ld points x %d variables (limit %d)",
               ip->m->par->rank, nown, ip->nvar_max, INT_MAX / 2);
  ip->nown = (int)nown;
  double *recv = NULL;
  if (!e) e = alloc_owned(ip);
  if (!e) e = aeon_mem_alloc(sizeof(double) * (3 * (size_t)nown + 1), (void **)&recv);
  AE_CHK_GOTO(aeon_par_agree(ip->comm, e), e, done);
  for (int r = 0; r < 4 * P; r++) c3[r] = 3 * c[r];
  int rc = MPI_Alltoallv(sorted, c3, c3 + P, MPI_DOUBLE, recv, c3 + 2 * P, c3 + 3 * P, MPI_DOUBLE, ip->comm);
  if (rc != MPI_SUCCESS) e = AE_ERR(AEON_ERR_MPI, "interpolation: MPI_Alltoallv of the points failed (code %d)", rc);
  for (int q = 0; q < ip->nown && !e; q++) e = set_stencil(ip, q, recv + 3 * (size_t)q);
  e = aeon_par_agree(ip->comm, e);
done:
  aeon_mem_free(recv);
  return e;
}

aeon_err aeon_interp_create(const aeon_mesh *m, int npts, const double (*xyz)[3], const int (*parity)[3],
                            int nvar_max, aeon_interp **out) {
  *out = NULL;
  aeon_interp *ip = NULL;
  layout_t L = {{NULL, NULL, NULL}, NULL, NULL};
  int *owner = NULL;
  double *xf = NULL, *sorted = NULL; /* folded coordinates in point order, then in owner order */
  MPI_Comm comm = m->par->cart;
  size_t n = (size_t)(npts > 0 ? npts : 0) + 1;
  aeon_err e = check_create(m, npts, xyz, nvar_max);
  if (!e) e = aeon_mem_alloc(sizeof *ip, (void **)&ip);
  if (!e) {
    *ip = (aeon_interp){.m = m, .comm = comm, .size = m->par->size, .npts = npts, .nvar_max = nvar_max,
                        .parity = parity};
    e = alloc_points(ip);
  }
  if (!e) e = aeon_mem_alloc(sizeof(int) * n, (void **)&owner);
  if (!e) e = aeon_mem_alloc(sizeof(double) * 3 * n, (void **)&xf);
  if (!e) e = aeon_mem_alloc(sizeof(double) * 3 * n, (void **)&sorted);
  if (!e) e = layout_create(m, &L);
  if (!e) e = route(ip, &L, xyz, owner, (double (*)[3])xf);
  AE_CHK_GOTO(aeon_par_agree(comm, e), e, done);
  for (int p = 0; p < npts; p++) memcpy(sorted + 3 * (size_t)ip->slot[p], xf + 3 * (size_t)p, 3 * sizeof(double));
  AE_CHK_GOTO(owned_stencils(ip, sorted), e, done);
  *out = ip;
  ip = NULL;
done:
  aeon_mem_free(owner);
  aeon_mem_free(xf);
  aeon_mem_free(sorted);
  aeon_mem_free(L.mem);
  aeon_interp_destroy(ip);
  return e;
}

/* The 4 x 4 x 4 tensor-product stencil of u at corner c with weights w (x, y, z). */
static double stencil_value(const double *u, long c, const double *w, long sy, long sz) {
  double acc = 0;
  for (int k = 0; k < 4; k++) {
    double acy = 0;
    for (int j = 0; j < 4; j++) {
      const double *r = u + c + k * sz + j * sy;
      acy += w[4 + j] * (w[0] * r[0] + w[1] * r[1] + w[2] * r[2] + w[3] * r[3]);
    }
    acc += w[8 + k] * acy;
  }
  return acc;
}

static aeon_err check_apply(const aeon_interp *ip, const aeon_fields *f, int nv, const int *vars, const double *out) {
  if (nv < 0 || nv > ip->nvar_max)
    return AE_ERR(AEON_ERR_USER, "interpolation: %d variables asked, the plan holds at most %d (nvar_max)", nv,
                  ip->nvar_max);
  if (nv > 0 && (!vars || (ip->npts > 0 && !out)))
    return AE_ERR(AEON_ERR_USER, "interpolation: no variable list or output array");
  if (nv > 0 && f->stride != ip->m->npts)
    return AE_ERR(AEON_ERR_USER, "interpolation: the fields' stride %zu is not the mesh's %zu points",
                  f->stride, ip->m->npts);
  for (int k = 0; k < nv; k++)
    if (vars[k] < 0 || vars[k] >= f->nvar)
      return AE_ERR(AEON_ERR_USER, "interpolation: variable %d (entry %d) is not in the field set of %d variables",
                    vars[k], k, f->nvar);
  return AEON_OK;
}

/* Multiplies the values received for point p by the parities of the directions it was mirrored in. */
static void unpack(const aeon_interp *ip, int nv, const int *vars, double *out) {
  for (int p = 0; p < ip->npts; p++) {
    const double *v = ip->got_vals + (size_t)ip->slot[p] * nv;
    for (int k = 0; k < nv; k++) {
      double s = 1.0;
      for (int d = 0; d < 3; d++)
        if (ip->mirror[p] >> d & 1) s *= ip->parity[vars[k]][d];
      out[(size_t)p * nv + k] = s * v[k];
    }
  }
}

aeon_err aeon_interp_apply(aeon_interp *ip, const aeon_fields *f, int nv, const int *vars, double *out) {
  AE_CHK(aeon_par_agree(ip->comm, check_apply(ip, f, nv, vars, out)));
  if (nv == 0) return AEON_OK;
  const aeon_mesh *m = ip->m;
  for (int k = 0; k < nv; k++) {
    const double *u = aeon_var(f, vars[k]);
    for (int q = 0; q < ip->nown; q++)
      ip->own_vals[(size_t)q * nv + k] = stencil_value(u, ip->corner[q], ip->w + 12 * (size_t)q, m->sy, m->sz);
  }
  int P = ip->size, *c = ip->cnt, *v = ip->cnt + 4 * P; /* v: send, send displ, recv, recv displ of values */
  for (int r = 0; r < P; r++) {
    v[r] = c[2 * P + r] * nv;         /* owner sends back what it received */
    v[P + r] = c[3 * P + r] * nv;
    v[2 * P + r] = c[r] * nv;         /* requester receives what it sent */
    v[3 * P + r] = c[P + r] * nv;
  }
  AE_MPI(MPI_Alltoallv(ip->own_vals, v, v + P, MPI_DOUBLE, ip->got_vals, v + 2 * P, v + 3 * P, MPI_DOUBLE, ip->comm));
  unpack(ip, nv, vars, out);
  return AEON_OK;
}

int aeon_interp_owned(const aeon_interp *ip) { return ip->nown; }

void aeon_interp_destroy(aeon_interp *ip) {
  if (!ip) return;
  aeon_mem_free(ip->slot);
  aeon_mem_free(ip->mirror);
  aeon_mem_free(ip->corner);
  aeon_mem_free(ip->w);
  aeon_mem_free(ip->own_vals);
  aeon_mem_free(ip->got_vals);
  aeon_mem_free(ip->cnt);
  aeon_mem_free(ip);
}
