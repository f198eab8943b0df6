/* The global box, this rank's patch, and field allocation. */
#include <string.h>

#include "aeon/boundary.h"
#include "aeon/memory.h"
#include "aeon/mesh.h"

#define BC_CHOICES "periodic|symmetry|radiative|dirichlet|robin"
const aeon_param_decl aeon_mesh_params[] = {
  {"grid.n", AEON_PT_INT3, "32", 1, 1e6, NULL,
   "global points per direction (cell centred; at least grid.ghost unless periodic on one rank)", AEON_RESTART_FIXED},
  {"grid.xmin", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "lower corner of the box", AEON_RESTART_FIXED},
  {"grid.xmax", AEON_PT_REAL3, "1", AEON_NORANGE, NULL, "upper corner of the box", AEON_RESTART_FIXED},
  {"grid.ghost", AEON_PT_INT, "3", 3, 8, NULL, "ghost layers on each side of a patch", AEON_RESTART_FIXED},
  {"boundary.xlo", AEON_PT_ENUM, "periodic", AEON_NORANGE, BC_CHOICES, "boundary condition at x = xmin", AEON_RESTART_FIXED},
  {"boundary.xhi", AEON_PT_ENUM, "periodic", AEON_NORANGE, BC_CHOICES, "boundary condition at x = xmax", AEON_RESTART_FIXED},
  {"boundary.ylo", AEON_PT_ENUM, "periodic", AEON_NORANGE, BC_CHOICES, "boundary condition at y = ymin", AEON_RESTART_FIXED},
  {"boundary.yhi", AEON_PT_ENUM, "periodic", AEON_NORANGE, BC_CHOICES, "boundary condition at y = ymax", AEON_RESTART_FIXED},
  {"boundary.zlo", AEON_PT_ENUM, "periodic", AEON_NORANGE, BC_CHOICES, "boundary condition at z = zmin", AEON_RESTART_FIXED},
  {"boundary.zhi", AEON_PT_ENUM, "periodic", AEON_NORANGE, BC_CHOICES, "boundary condition at z = zmax", AEON_RESTART_FIXED},
};
const int aeon_mesh_nparams = sizeof aeon_mesh_params / sizeof aeon_mesh_params[0];

static const char *const face_key[6] = {"boundary.xlo", "boundary.xhi", "boundary.ylo",
                                        "boundary.yhi", "boundary.zlo", "boundary.zhi"};

/* The kind of the registered boundary condition called s (the deck checked the name against the registry). */
static aeon_bc bc_from_name(const char *s) {
  aeon_bc_register_builtins();
  const aeon_bc_ops *ops = aeon_bc_find(s);
  return ops ? ops->kind : AEON_BC_PERIODIC;
}

aeon_err aeon_mesh_global_from_deck(const aeon_deck *deck, aeon_mesh *m) {
  memset(m, 0, sizeof *m);
  aeon_deck_int3(deck, "grid.n", m->N);
  aeon_deck_real3(deck, "grid.xmin", m->xmin);
  aeon_deck_real3(deck, "grid.xmax", m->xmax);
  m->ghost = (int)aeon_deck_int(deck, "grid.ghost");
  static const char axis[3] = {'x', 'y', 'z'};
  for (int d = 0; d < 3; d++) {
    if (!(m->xmax[d] > m->xmin[d]))
      return AE_ERR(AEON_ERR_USER, "%s: grid.xmax[%d] = %g must exceed grid.xmin[%d] = %g",
                    aeon_deck_filename(deck), d, m->xmax[d], d, m->xmin[d]);
    m->dx[d] = (m->xmax[d] - m->xmin[d]) / (double)m->N[d];
    m->bc[2 * d] = bc_from_name(aeon_deck_string(deck, face_key[2 * d]));
    m->bc[2 * d + 1] = bc_from_name(aeon_deck_string(deck, face_key[2 * d + 1]));
    if ((m->bc[2 * d] == AEON_BC_PERIODIC) != (m->bc[2 * d + 1] == AEON_BC_PERIODIC))
      return AE_ERR(AEON_ERR_USER,
                    "%s: %s and %s must both be periodic or both not (the %c direction wraps only as a whole)",
                    aeon_deck_filename(deck), face_key[2 * d], face_key[2 * d + 1], axis[d]);
  }
  return AEON_OK;
}

void aeon_mesh_periodicity(const aeon_mesh *m, int periodic[3]) {
  for (int d = 0; d < 3; d++) periodic[d] = m->bc[2 * d] == AEON_BC_PERIODIC;
}

/* Splits N points over P ranks as evenly as possible; returns the share and offset of rank c. */
static void split(long N, int P, int c, int *n, long *off) {
  long q = N / P, r = N % P;
  *n = (int)(q + (c < r));
  *off = c * q + (c < r ? c : r);
}

static long round_up(long v, long to) { return (v + to - 1) / to * to; }

aeon_err aeon_mesh_setup_patch(aeon_mesh *m, const aeon_par *par) {
  static const char axis[3] = {'x', 'y', 'z'};
  m->par = par;
  int g = m->ghost;
  for (int d = 0; d < 3; d++) {
    split(m->N[d], par->dims[d], par->coords[d], &m->n[d], &m->off[d]);
    /* A periodic direction on one rank may be thinner than the ghosts: the exchange wraps it (exchange.c). */
    int wraps = par->dims[d] == 1 && m->bc[2 * d] == AEON_BC_PERIODIC;
    if (m->N[d] / par->dims[d] < g && !wraps)
      return AE_ERR(AEON_ERR_USER,
                    "grid.n[%d] = %ld is too small for %d ranks in %c with %d ghost layers "
                    "(each patch needs at least %d points unless %c is periodic on one rank; "
                    "use fewer ranks in %c via parallel.dims)",
                    d, m->N[d], par->dims[d], axis[d], g, g, axis[d], axis[d]);
    m->physical[2 * d] = par->coords[d] == 0 && m->bc[2 * d] != AEON_BC_PERIODIC;
    m->physical[2 * d + 1] = par->coords[d] == par->dims[d] - 1 && m->bc[2 * d + 1] != AEON_BC_PERIODIC;
    m->valid.lo[d] = -g;
    m->valid.hi[d] = m->n[d] + g;
    m->evolved.lo[d] = m->physical[2 * d] && m->bc[2 * d] == AEON_BC_RADIATIVE ? -g : 0;
    m->evolved.hi[d] = m->n[d] + (m->physical[2 * d + 1] && m->bc[2 * d + 1] == AEON_BC_RADIATIVE ? g : 0);
  }
  m->xo = (int)round_up(g, 8);
  m->sy = round_up(m->xo + m->n[0] + g, 8);
  m->sz = m->sy * (m->n[1] + 2 * g);
  m->base = m->xo + g * m->sy + g * m->sz;
  m->npts = (size_t)round_up(m->sz * (m->n[2] + 2 * g), 8);
  return AEON_OK;
}

aeon_err aeon_fields_create(const aeon_mesh *m, int nvar, aeon_fields *f) {
  f->nvar = nvar;
  f->stride = m->npts;
  void *p = NULL;
  AE_CHK(aeon_mem_alloc(sizeof(double) * m->npts * (size_t)nvar, &p));
  f->data = p;
  return AEON_OK;
}

void aeon_fields_destroy(aeon_fields *f) {
  aeon_mem_free(f->data);
  f->data = NULL;
  f->nvar = 0;
}

void aeon_fields_copy(aeon_fields *dst, const aeon_fields *src) {
  memcpy(dst->data, src->data, sizeof(double) * src->stride * (size_t)src->nvar);
}

aeon_box aeon_mesh_interior(const aeon_mesh *m) {
  aeon_box b = {{0, 0, 0}, {m->n[0], m->n[1], m->n[2]}};
  return b;
}

aeon_box aeon_mesh_core(const aeon_mesh *m, int radius) {
  aeon_box b;
  for (int d = 0; d < 3; d++) {
    b.lo[d] = radius;
    b.hi[d] = m->n[d] - radius > radius ? m->n[d] - radius : radius;
  }
  return b;
}

int aeon_box_subtract(const aeon_box *outer, const aeon_box *inner, aeon_box out[6]) {
  int nb = 0;
  aeon_box rest = *outer; /* shrinks as slabs are cut off: z first, then y, then x */
  if (aeon_box_size(inner) == 0) {
    if (aeon_box_size(outer) > 0) out[nb++] = *outer;
    return nb;
  }
  for (int d = 2; d >= 0; d--) {
    aeon_box lo = rest, hi = rest;
    lo.hi[d] = inner->lo[d];
    hi.lo[d] = inner->hi[d];
    if (aeon_box_size(&lo) > 0) out[nb++] = lo;
    if (aeon_box_size(&hi) > 0) out[nb++] = hi;
    rest.lo[d] = inner->lo[d];
    rest.hi[d] = inner->hi[d];
  }
  return nb;
}
