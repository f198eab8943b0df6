/* Boundary services. aeon_boundary_fill walks the physical faces in the order
 * xlo, xhi, ylo, yhi, zlo, zhi and lets each face's kind fill its ghosts over
 * the whole valid range of the other directions (so an edge or corner ghost is
 * filled from values already filled); aeon_boundary_rhs evolves the ghosts of
 * radiative faces with one Sommerfeld kernel driven by the descriptors. */
#include <math.h>
#include <string.h>

#include "aeon/boundary.h"
#include "aeon/memory.h"
#include "aeon/stencil.h"
#include "core/registry.h"

struct aeon_boundary {
  const aeon_mesh *m;
  int nvar;
  const aeon_field_desc *desc;
  int (*parity)[3];
  double origin[3];
  double extrap; /* q of the non-radiating part k / r^q (0: none) */
  const aeon_bc_ops *face[6];
};

static aeon_registry kinds = {.kind = "boundary condition"};

aeon_err aeon_bc_register(const aeon_bc_ops *ops) { return aeon_registry_add(&kinds, ops->name, ops); }
const aeon_bc_ops *aeon_bc_find(const char *name) { return aeon_registry_find(&kinds, name); }
int aeon_bc_count(void) { return kinds.n; }
const aeon_bc_ops *aeon_bc_get(int i) { return kinds.item[i]; }

const aeon_bc_ops *aeon_bc_of_kind(aeon_bc kind) {
  for (int i = 0; i < kinds.n; i++)
    if (((const aeon_bc_ops *)kinds.item[i])->kind == kind) return kinds.item[i];
  return NULL;
}

/* The ghost points of a face: the valid range of the other directions, the ghost layers in its own. */
static aeon_box face_ghosts(const aeon_mesh *m, int face) {
  int d = face / 2;
  aeon_box b = m->valid;
  if (face % 2) b.lo[d] = m->n[d];
  else b.hi[d] = 0;
  return b;
}

static void fill_symmetry(const aeon_boundary *b, int face, aeon_fields *f) {
  const aeon_mesh *m = b->m;
  aeon_box g = face_ghosts(m, face);
  int p[3], q[3];
  for (int v = 0; v < f->nvar; v++) {
    double *u = aeon_var(f, v), par = (double)b->parity[v][face / 2];
    for (p[2] = g.lo[2]; p[2] < g.hi[2]; p[2]++)
      for (p[1] = g.lo[1]; p[1] < g.hi[1]; p[1]++)
        for (p[0] = g.lo[0]; p[0] < g.hi[0]; p[0]++) {
          aeon_mesh_mirror(m, face, p, q);
          u[aeon_idx(m, p[0], p[1], p[2])] = par * u[aeon_idx(m, q[0], q[1], q[2])];
        }
  }
}

/* Distance of local point p from the centre. */
static double radius(const aeon_boundary *b, const int p[3]) {
  double r2 = 0;
  for (int d = 0; d < 3; d++) {
    double x = aeon_coord(b->m, d, p[d]) - b->origin[d];
    r2 += x * x;
  }
  return sqrt(r2);
}

/* Dirichlet (robin = 0) or Robin (robin = 1) ghosts towards each variable's asymptotic value. */
static void fill_value(const aeon_boundary *b, int face, aeon_fields *f, int robin) {
  const aeon_mesh *m = b->m;
  aeon_box g = face_ghosts(m, face);
  int p[3], q[3];
  for (int v = 0; v < f->nvar; v++) {
    double *u = aeon_var(f, v), f0 = b->desc[v].rad_value, pw = b->desc[v].rad_falloff;
    for (p[2] = g.lo[2]; p[2] < g.hi[2]; p[2]++)
      for (p[1] = g.lo[1]; p[1] < g.hi[1]; p[1]++)
        for (p[0] = g.lo[0]; p[0] < g.hi[0]; p[0]++) {
          aeon_mesh_mirror(m, face, p, q);
          double in = u[aeon_idx(m, q[0], q[1], q[2])];
          double ghost = 2.0 * f0 - in;
          if (robin) {
            double rg = radius(b, p), rq = radius(b, q);
            ghost = rg > 0 ? f0 + (in - f0) * pow(rq / rg, pw) : in;
          }
          u[aeon_idx(m, p[0], p[1], p[2])] = ghost;
        }
  }
}

static void fill_dirichlet(const aeon_boundary *b, int face, aeon_fields *f) { fill_value(b, face, f, 0); }
static void fill_robin(const aeon_boundary *b, int face, aeon_fields *f) { fill_value(b, face, f, 1); }

/* 2nd-order first derivative along d at local index i (one-sided at the edge of the data), times 2h. */
static double d1_edge(const aeon_mesh *m, const double *f, long p, int d, int i) {
  long s = d == 0 ? 1 : d == 1 ? m->sy : m->sz;
  if (i + 1 >= m->valid.hi[d]) return aeon_st_d1_bwd2(f, p, s);
  if (i - 1 < m->valid.lo[d]) return aeon_st_d1_fwd2(f, p, s);
  return aeon_st_d1_2(f, p, s);
}

/* The Sommerfeld rhs -v (x.grad f + p (f - f0)) / r of variable v at local point idx; *rp: its r. */
static double sommerfeld(const aeon_boundary *b, const aeon_fields *u, int v, const int idx[3], double *rp) {
  const aeon_mesh *m = b->m;
  const aeon_field_desc *fd = &b->desc[v];
  const double *q = aeon_var(u, v);
  long p = aeon_idx(m, idx[0], idx[1], idx[2]);
  double adv = 0, rr = 0;
  for (int d = 0; d < 3; d++) {
    double x = aeon_coord(m, d, idx[d]) - b->origin[d];
    rr += x * x;
    adv += x * (d1_edge(m, q, p, d, idx[d]) / (2.0 * m->dx[d]));
  }
  rr = sqrt(rr);
  *rp = rr;
  return -fd->rad_speed * (adv + fd->rad_falloff * (q[p] - fd->rad_value)) / rr;
}

/* Outgoing radiation: d_t f = -v (x.grad f + p (f - f0)) / r with x measured from the centre; with extrap = q > 0
 * the non-radiating part k / r^q is added, k = r_i^q (dudt - Sommerfeld) at the nearest interior point i (the ghost's
 * indices clamped to this patch's interior, whose rhs the stepper computed before the radiative ghosts'). */
static void rhs_radiative(const aeon_boundary *b, double t, const aeon_fields *u, aeon_fields *dudt,
                          const aeon_box *box) {
  (void)t;
  const aeon_mesh *m = b->m;
  for (int k = box->lo[2]; k < box->hi[2]; k++)
    for (int j = box->lo[1]; j < box->hi[1]; j++)
      for (int i = box->lo[0]; i < box->hi[0]; i++) {
        int idx[3] = {i, j, k}, in[3];
        for (int d = 0; d < 3; d++) in[d] = idx[d] < 0 ? 0 : idx[d] >= m->n[d] ? m->n[d] - 1 : idx[d];
        long p = aeon_idx(m, i, j, k), pi = aeon_idx(m, in[0], in[1], in[2]);
        for (int v = 0; v < b->nvar; v++) {
          double r, ri, rhs = sommerfeld(b, u, v, idx, &r), q = b->extrap;
          if (q > 0) {
            double si = sommerfeld(b, u, v, in, &ri);
            rhs += pow(ri / r, q) * (aeon_var(dudt, v)[pi] - si);
          }
          aeon_var(dudt, v)[p] = rhs;
        }
      }
}

static const aeon_bc_ops bc_periodic = {"periodic", "the face wraps to the opposite face", AEON_BC_PERIODIC, NULL, NULL};
static const aeon_bc_ops bc_symmetry = {"symmetry", "reflection; parities derived from each variable's tensor kind",
                                        AEON_BC_SYMMETRY, fill_symmetry, NULL};
static const aeon_bc_ops bc_radiative = {"radiative", "outgoing radiation (Sommerfeld) from each variable's descriptor",
                                         AEON_BC_RADIATIVE, NULL, rhs_radiative};
static const aeon_bc_ops bc_dirichlet = {"dirichlet", "the variable equals its asymptotic value on the face",
                                         AEON_BC_DIRICHLET, fill_dirichlet, NULL};
static const aeon_bc_ops bc_robin = {"robin", "1/r^p fall-off towards the asymptotic value", AEON_BC_ROBIN, fill_robin,
                                     NULL};

aeon_err aeon_bc_register_builtins(void) {
  AE_CHK(aeon_bc_register(&bc_periodic));
  AE_CHK(aeon_bc_register(&bc_symmetry));
  AE_CHK(aeon_bc_register(&bc_radiative));
  AE_CHK(aeon_bc_register(&bc_dirichlet));
  AE_CHK(aeon_bc_register(&bc_robin));
  return AEON_OK;
}

aeon_err aeon_boundary_create(const aeon_mesh *m, int nvar, const aeon_field_desc *desc, const double origin[3],
                              aeon_boundary **bp) {
  AE_CHK(aeon_bc_register_builtins());
  aeon_boundary *b = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *b, (void **)&b));
  *b = (aeon_boundary){.m = m, .nvar = nvar, .desc = desc};
  memcpy(b->origin, origin, sizeof b->origin);
  aeon_err e = aeon_mem_alloc(sizeof(int[3]) * (size_t)(nvar > 0 ? nvar : 1), (void **)&b->parity);
  for (int v = 0; v < nvar && !e; v++) e = aeon_field_parity(&desc[v], b->parity[v]);
  for (int f = 0; f < 6 && !e; f++)
    if (!(b->face[f] = aeon_bc_of_kind(m->bc[f])))
      e = AE_ERR(AEON_ERR_INTERNAL, "no boundary condition registered for kind %d", (int)m->bc[f]);
  for (int f = 0; f < 6 && !e; f++)
    for (int v = 0; v < nvar && !e; v++)
      if (m->bc[f] == AEON_BC_RADIATIVE && desc[v].role == AEON_ROLE_EVOLVED && !(desc[v].rad_speed > 0))
        e = AE_ERR(AEON_ERR_USER, "variable '%s' declares no radiative speed (rad_speed = %g), so it cannot cross a "
                   "radiative face", desc[v].name, desc[v].rad_speed);
  if (e) {
    aeon_boundary_destroy(b);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *bp = b;
  return AEON_OK;
}

void aeon_boundary_set_extrap(aeon_boundary *b, double q) { b->extrap = q; }

void aeon_boundary_destroy(aeon_boundary *b) {
  if (!b) return;
  aeon_mem_free(b->parity);
  aeon_mem_free(b);
}

void aeon_boundary_fill(const aeon_boundary *b, aeon_fields *f) {
  for (int face = 0; face < 6; face++)
    if (b->m->physical[face] && b->face[face]->fill) b->face[face]->fill(b, face, f);
}

void aeon_boundary_rhs(const aeon_boundary *b, double t, const aeon_fields *u, aeon_fields *dudt, const aeon_box *box) {
  rhs_radiative(b, t, u, dudt, box);
}

const aeon_mesh *aeon_boundary_mesh(const aeon_boundary *b) { return b->m; }
const aeon_field_desc *aeon_boundary_desc(const aeon_boundary *b) { return b->desc; }
const int (*aeon_boundary_parity(const aeon_boundary *b))[3] { return (const int(*)[3])b->parity; }
const double *aeon_boundary_origin(const aeon_boundary *b) { return b->origin; }
