/* Elliptic operators as aeon_gop: the public face of a fine grid (grid.c).
 * apply / residual: input vector -> (its own array if it is ghosted on the
 * operator's mesh, else a copy into the operator's ghosted scratch) -> ghost
 * fill (exchange + boundary) -> row kernel per interior row -> output rows in
 * the output vector's own addressing. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "ell_internal.h"

struct aeon_ell_op {
  aeon_ell_spec spec;
  const aeon_mesh *user_m;
  ell_grid g;
  aeon_fields scratch; /* one ghosted variable */
};

static const char *const kind_names[] = {"helmholtz", "laplacian2", "laplacian4"};

aeon_ell_spec aeon_ell_spec_default(aeon_ell_kind kind) {
  aeon_ell_spec s;
  memset(&s, 0, sizeof s);
  s.kind = kind;
  s.b = 1;
  s.robin_power = 1;
  return s;
}

aeon_err aeon_ell_kind_from_name(const char *name, aeon_ell_kind *kind) {
  for (int k = 0; k < 3; k++)
    if (name && strcmp(name, kind_names[k]) == 0) {
      *kind = (aeon_ell_kind)k;
      return AEON_OK;
    }
  return AE_ERR(AEON_ERR_USER, "unknown elliptic operator '%s' (helmholtz, laplacian2 or laplacian4)",
                name ? name : "(null)");
}

static const char *const face_names[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};

/* Checks what needs no communication: the same verdict on every rank except for patch widths. */
static aeon_err check_spec(const aeon_mesh *m, const aeon_ell_spec *s) {
  if ((int)s->kind < 0 || (int)s->kind > 2) return AE_ERR(AEON_ERR_USER, "elliptic: unknown operator kind %d", (int)s->kind);
  const char *name = kind_names[s->kind];
  if (!(s->b > 0)) return AE_ERR(AEON_ERR_USER, "elliptic %s: b = %g must be > 0", name, s->b);
  if (!(s->a >= 0)) return AE_ERR(AEON_ERR_USER, "elliptic %s: a = %g must be >= 0", name, s->a);
  int R = s->kind == AEON_ELL_LAPLACIAN4 ? 2 : 1;
  if (m->ghost < R)
    return AE_ERR(AEON_ERR_USER, "elliptic %s needs grid.ghost >= %d (the mesh has %d)", name, R, m->ghost);
  for (int f = 0; f < 6; f++) {
    aeon_bc bc = m->bc[f];
    if (s->centering == AEON_ELL_VERTEX && bc == AEON_BC_SYMMETRY)
      return AE_ERR(AEON_ERR_USER, "elliptic %s: boundary.%s = symmetry is not supported on a vertex-centred grid "
                    "(elliptic.centering = vertex; use dirichlet, robin or periodic)", name, face_names[f]);
    if (bc == AEON_BC_RADIATIVE)
      return AE_ERR(AEON_ERR_USER,
                    "elliptic %s: boundary.%s = radiative is not an elliptic condition (use dirichlet, robin, "
                    "periodic or symmetry)", name, face_names[f]);
    if (m->physical[f] && bc == AEON_BC_DIRICHLET && R == 2 && m->n[f / 2] < 4)
      return AE_ERR(AEON_ERR_USER,
                    "elliptic %s: a patch next to dirichlet face %s needs >= 4 points across (has %d); use fewer "
                    "ranks or a finer grid", name, face_names[f], m->n[f / 2]);
  }
  return AEON_OK;
}

aeon_err aeon_ell_vertex_mesh(const aeon_mesh *nodes, const aeon_par *par, aeon_mesh *m) {
  *m = *nodes;
  for (int d = 0; d < 3; d++) {
    int periodic = nodes->bc[2 * d] == AEON_BC_PERIODIC;
    for (int f = 2 * d; f < 2 * d + 2; f++)
      if (nodes->bc[f] == AEON_BC_SYMMETRY || nodes->bc[f] == AEON_BC_RADIATIVE || (nodes->bc[f] == AEON_BC_PERIODIC) != periodic)
        return AE_ERR(AEON_ERR_USER, "elliptic.centering = vertex: boundary.%s must be dirichlet, robin or periodic "
                      "(both faces of a direction periodic or neither)", face_names[f]);
    if (nodes->N[d] < 3 || !(nodes->xmax[d] > nodes->xmin[d]))
      return AE_ERR(AEON_ERR_USER, "elliptic.centering = vertex: grid.n[%d] = %ld nodes must be >= 3 over a box of "
                    "positive width", d, nodes->N[d]);
    double h = (nodes->xmax[d] - nodes->xmin[d]) / (double)(nodes->N[d] - 1), sh = periodic ? -0.5 * h : 0.5 * h;
    m->N[d] = nodes->N[d] - (periodic ? 1 : 2);
    m->dx[d] = h;
    m->xmin[d] = nodes->xmin[d] + sh;
    m->xmax[d] = nodes->xmax[d] - 0.5 * h;
  }
  return aeon_mesh_setup_patch(m, par);
}

aeon_err aeon_ell_centering_from_deck(const aeon_deck *deck, aeon_ell_centering *c) {
  const char *s = aeon_deck_string(deck, "elliptic.centering");
  if (s && strcmp(s, "vertex") == 0) *c = AEON_ELL_VERTEX;
  else if (!s || strcmp(s, "cell") == 0) *c = AEON_ELL_CELL;
  else return AE_ERR(AEON_ERR_USER, "elliptic.centering = '%s': must be cell or vertex", s);
  return AEON_OK;
}

aeon_err aeon_ell_op_create(const aeon_mesh *m, const aeon_ell_spec *spec, aeon_ell_op **out) {
  *out = NULL;
  AE_CHK(aeon_par_agree(m->par->cart, check_spec(m, spec)));
  aeon_ell_op *op = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *op, (void **)&op));
  op->spec = *spec;
  if (!(op->spec.robin_power > 0)) op->spec.robin_power = 1;
  op->user_m = m;
  aeon_err e = ell_grid_fine(m, &op->spec, &op->g);
  if (!e) e = aeon_fields_create(m, 1, &op->scratch);
  if (e) {
    aeon_ell_op_destroy(op);
    return e;
  }
  *out = op;
  return AEON_OK;
}

void aeon_ell_op_destroy(aeon_ell_op *op) {
  if (!op) return;
  ell_grid_free(&op->g);
  if (op->scratch.data) aeon_fields_destroy(&op->scratch);
  aeon_mem_free(op);
}

const aeon_mesh *aeon_ell_op_mesh(const aeon_ell_op *op) { return op->user_m; }
const aeon_ell_spec *aeon_ell_op_spec(const aeon_ell_op *op) { return &op->spec; }

int aeon_ell_op_singular(const aeon_ell_op *op) {
  if (op->spec.a != 0) return 0;
  for (int f = 0; f < 6; f++)
    if (op->user_m->bc[f] == AEON_BC_DIRICHLET || op->user_m->bc[f] == AEON_BC_ROBIN) return 0;
  return 1;
}

aeon_err aeon_ell_vec_create(const aeon_ell_op *op, aeon_gvec *x) {
  aeon_gvec proto;
  aeon_box in = aeon_mesh_interior(op->user_m);
  AE_CHK(aeon_gvec_view_compact(op->user_m, 1, &in, NULL, op->user_m->par->cart, &proto));
  return aeon_gvec_clone(&proto, AEON_GVEC_GHOSTED, x);
}

aeon_err aeon_ell_vec_fill(aeon_gvec *x, aeon_ell_coef_fn fn, void *ctx) {
  if (!x->m) return AE_ERR(AEON_ERR_INTERNAL, "aeon_ell_vec_fill: the vector has no mesh");
  const aeon_box *b = &x->box;
  for (int v = 0; v < x->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) {
          double p[3] = {aeon_coord(x->m, 0, i), aeon_coord(x->m, 1, j), aeon_coord(x->m, 2, k)};
          x->data[(size_t)v * x->vstride + x->base + i + j * x->sy + k * x->sz] = fn(p, ctx);
        }
  return AEON_OK;
}

/* Address of interior point (0, j, k) of a one-variable vector. */
static inline double *vrow(const aeon_gvec *x, int j, int k) { return x->data + x->base + j * x->sy + k * x->sz; }

static aeon_err check_vec(const aeon_ell_op *op, const aeon_gvec *x, const char *what) {
  const aeon_mesh *m = op->user_m;
  if (x->nvar != 1 || !x->data)
    return AE_ERR(AEON_ERR_INTERNAL, "elliptic %s: vector with %d variables or no array (needs 1)",
                  kind_names[op->spec.kind], x->nvar);
  for (int d = 0; d < 3; d++)
    if (x->box.lo[d] != 0 || x->box.hi[d] != m->n[d])
      return AE_ERR(AEON_ERR_INTERNAL, "elliptic %s: the %s vector's box is not the mesh interior",
                    kind_names[op->spec.kind], what);
  return AEON_OK;
}

/* Returns a ghosted array holding x (x's own if it is ghosted on the mesh, else the scratch) with ghosts filled. */
static aeon_err ghosted_input(aeon_ell_op *op, aeon_gvec *x, double **u) {
  const aeon_mesh *m = op->user_m;
  AE_CHK(check_vec(op, x, "input"));
  if (x->sy == m->sy && x->sz == m->sz && x->base == m->base) {
    *u = x->data;
  } else {
    *u = op->scratch.data;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++) memcpy(*u + aeon_idx(m, 0, j, k), vrow(x, j, k), sizeof(double) * m->n[0]);
  }
  return ell_fill_ghosts(&op->g, *u);
}

aeon_err aeon_ell_apply(aeon_ell_op *op, aeon_gvec *x, aeon_gvec *y) {
  double *u;
  AE_CHK(ghosted_input(op, x, &u));
  AE_CHK(check_vec(op, y, "output"));
  const aeon_mesh *m = op->user_m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) ell_row_apply(&op->g, u, j, k, vrow(y, j, k));
  return AEON_OK;
}

aeon_err aeon_ell_residual(aeon_ell_op *op, aeon_gvec *x, const aeon_gvec *b, aeon_gvec *r) {
  double *u;
  AE_CHK(ghosted_input(op, x, &u));
  AE_CHK(check_vec(op, b, "right-hand side"));
  AE_CHK(check_vec(op, r, "residual"));
  const aeon_mesh *m = op->user_m;
  double *row = op->g.row;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      ell_row_apply(&op->g, u, j, k, row);
      const double *bp = vrow(b, j, k);
      double *rp = vrow(r, j, k);
      for (int i = 0; i < m->n[0]; i++) rp[i] = bp[i] - row[i];
    }
  return AEON_OK;
}

aeon_err aeon_ell_diagonal(aeon_ell_op *op, aeon_gvec *d) {
  AE_CHK(check_vec(op, d, "diagonal"));
  const aeon_mesh *m = op->user_m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      const double *dv = op->g.dinv.data + aeon_idx(m, 0, j, k);
      double *dp = vrow(d, j, k);
      for (int i = 0; i < m->n[0]; i++) dp[i] = 1.0 / dv[i];
    }
  return AEON_OK;
}

aeon_err aeon_ell_dirichlet_rhs(aeon_ell_op *op, aeon_ell_bc_fn gfn, void *ctx, aeon_gvec *b) {
  AE_CHK(check_vec(op, b, "right-hand side"));
  ell_dirichlet_fold(&op->g, gfn, ctx, op->scratch.data, b->data, b->base, b->sy, b->sz, -1.0);
  return AEON_OK;
}

static aeon_err gop_apply(void *ctx, aeon_gvec *x, aeon_gvec *y) { return aeon_ell_apply(ctx, x, y); }
static aeon_err gop_diag(void *ctx, aeon_gvec *d) { return aeon_ell_diagonal(ctx, d); }

void aeon_ell_gop(aeon_ell_op *op, aeon_gop *gop) {
  memset(gop, 0, sizeof *gop);
  gop->name = kind_names[op->spec.kind];
  gop->ctx = op;
  gop->apply = gop_apply;
  gop->diagonal = gop_diag;
  gop->destroy = NULL;
}

/* Private accessors for mg.c. */
ell_grid *ell_op_grid(aeon_ell_op *op) { return &op->g; }
