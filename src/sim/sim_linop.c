/* The semi-discrete evolution operator du/dt = F(u) of a simulation as a
 * matrix-free operator for the eigensolver (aeon_linop). A vector holds every
 * variable on this rank's evolved points (interior, and the ghosts of
 * radiative faces), variable by variable, x fastest; rows are numbered by
 * rank (offset), and globally, for the starting vector, on the grid extended
 * by the radiative ghosts. The eigensolver's x and y are seen as compact
 * grid vectors (aeon_gvec) over the evolved box and the work fields as
 * ghosted views of the same box, so one application is vector ops around the
 * rhs, with no copies: w = base + eps x (a linear sum into w's evolved points;
 * w's other ghosts are filled by the rhs or keep base's values, copied once),
 * F(w) by aeon_mol_rhs, which fills w's ghosts and evaluates the rhs exactly
 * as a stage of the time step does, then y = F(w) - F(base) (exact where the
 * two are close) and y *= 1 / eps. A linear (or affine) module has
 * base = 0 and eps = 1: y = F(x) - F(0), exact up to rounding. Otherwise base
 * is the state (the initial data of a fresh simulation) and eps =
 * sqrt(DBL_EPSILON) (1 + ||base||) / ||x|| with exact l2 norms: the
 * perturbation eps x has norm 1.5e-8 (1 + ||u||), balancing the O(eps)
 * truncation of the difference against its O(DBL_EPSILON / eps) rounding. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/eigs.h"
#include "aeon/gvec.h"
#include "aeon/memory.h"
#include "sim/sim_internal.h"

typedef struct evol_op {
  aeon_sim *sim;
  const aeon_mesh *m;
  int nvar, difference;
  int len, ny, nz;       /* extent of the evolved box in x, y, z */
  long nlocal;
  long ext[3], shift[3]; /* extended global grid; global index (in it) of local index 0 */
  double unorm;          /* ||base|| over all ranks */
  aeon_fields base, w, f;
  aeon_gvec vbase, vw, vf; /* the evolved points of base, w, f */
  aeon_gvec f0;            /* F(base) on the evolved points (compact, owned) */
  aeon_gvec vx, vy;        /* the eigensolver's x and y (compact views; arrays set per application) */
  char name[64];
} evol_op;

/* The refusal of a rank's share beyond the eigensolver's int rows; where names the rank. */
static aeon_err too_many_rows(double rows, int nvar, double points, const char *where) {
  return AE_ERR(AEON_ERR_USER,
                "the deck's mesh is too big for the eigensolver's vector layout: %.0f unknowns (%d variables x %.0f "
                "evolved points) on %s, more than the %d rows one rank may hold; use more ranks or fewer points",
                rows, nvar, points, where, INT_MAX);
}

/* Evolved extent of direction d on the patch at coordinate c of P: its points plus the ghosts of radiative faces. */
static long evolved_extent(const aeon_mesh *m, int d, int c, int P) {
  long n = m->N[d] / P + (c < m->N[d] % P);
  n += (c == 0 && m->bc[2 * d] == AEON_BC_RADIATIVE) ? m->ghost : 0;
  return n + ((c == P - 1 && m->bc[2 * d + 1] == AEON_BC_RADIATIVE) ? m->ghost : 0);
}

/* Sizes from a loaded deck (the process grid as aeon_par_create would choose it). */
static aeon_err deck_size(const aeon_deck *deck, int ranks, aeon_sim_opsize *sz) {
  aeon_mesh m;
  AE_CHK(aeon_mesh_global_from_deck(deck, &m));
  long dl[3];
  int dims[3];
  aeon_deck_int3(deck, "parallel.dims", dl);
  for (int d = 0; d < 3; d++) dims[d] = (int)dl[d];
  AE_CHK(aeon_par_choose_dims(ranks, m.N, dims));
  sz->nvar = aeon_physics_find(aeon_deck_string(deck, "physics"))->nvar;
  double all = 1, big = 1, patch = 1;
  for (int d = 0; d < 3; d++) {
    long most = 0;
    for (int c = 0; c < dims[d]; c++) {
      long ext = evolved_extent(&m, d, c, dims[d]);
      most = ext > most ? ext : most;
    }
    all *= (double)evolved_extent(&m, d, 0, 1);
    big *= (double)most;
    patch *= (double)((m.N[d] + dims[d] - 1) / dims[d] + 2 * m.ghost);
  }
  sz->n = sz->nvar * all;
  sz->nlocal_max = sz->nvar * big;
  sz->patch_max = patch;
  char where[64];
  snprintf(where, sizeof where, "the largest of %d ranks", ranks);
  return sz->nlocal_max > INT_MAX ? too_many_rows(sz->nlocal_max, sz->nvar, big, where) : AEON_OK;
}

aeon_err aeon_sim_linop_size(const char *text, size_t len, const char *name, int ranks, aeon_sim_opsize *sz) {
  memset(sz, 0, sizeof *sz);
  aeon_paramset *ps = NULL;
  aeon_deck *deck = NULL;
  aeon_err e = aeon_params_all(&ps);
  if (!e) e = aeon_deck_load(text, len, name, ps, 0, NULL, &deck);
  if (!e) e = deck_size(deck, ranks, sz);
  aeon_deck_destroy(deck);
  aeon_paramset_destroy(ps);
  return e;
}

/* Variable v and local indices (j, k) of row r (a line in x) of the evolved points in vector order. */
static void row_of(const evol_op *e, long r, int *v, int *j, int *k) {
  const aeon_box *b = &e->m->evolved;
  long per_var = (long)e->ny * e->nz, q = r % per_var;
  *v = (int)(r / per_var);
  *j = b->lo[1] + (int)(q % e->ny);
  *k = b->lo[2] + (int)(q / e->ny);
}

/* y = (F(base + eps x) - F(base)) / eps. */
static aeon_err evol_apply(void *ctx, const double *x, double *y) {
  evol_op *e = ctx;
  AE_CHK(aeon_gvec_set_array(&e->vx, (double *)x)); /* only read */
  AE_CHK(aeon_gvec_set_array(&e->vy, y));
  double eps = 1, xn = 1;
  if (e->difference) AE_CHK(aeon_gvec_l2norm(&e->vx, 1.0, &xn));
  if (!(xn > 0)) return aeon_gvec_const(0.0, &e->vy);
  if (e->difference) eps = sqrt(DBL_EPSILON) * (1 + e->unorm) / xn;
  AE_CHK(aeon_gvec_linearsum(1.0, &e->vbase, eps, &e->vx, &e->vw));
  AE_CHK(aeon_mol_rhs(e->sim->lev[0].mol, &e->w, e->sim->t, &e->f));
  AE_CHK(aeon_gvec_linearsum(1.0, &e->vf, -1.0, &e->f0, &e->vy));
  return eps == 1 ? AEON_OK : aeon_gvec_scale(1 / eps, &e->vy, &e->vy);
}

/* Global index of vector element i on the extended grid: variable, then z, y, x. */
static long evol_global_row(void *ctx, long i) {
  const evol_op *e = ctx;
  int v, j, k;
  row_of(e, i / e->len, &v, &j, &k);
  long gx = e->shift[0] + e->m->evolved.lo[0] + i % e->len, gy = e->shift[1] + j, gz = e->shift[2] + k;
  return (((long)v * e->ext[2] + gz) * e->ext[1] + gy) * e->ext[0] + gx;
}

static void evol_free(void *ctx) {
  evol_op *e = ctx;
  if (!e) return;
  aeon_fields_destroy(&e->base);
  aeon_fields_destroy(&e->w);
  aeon_fields_destroy(&e->f);
  aeon_gvec_destroy(&e->f0);
  aeon_mem_free(e);
}

/* Layout and work fields (no communication). */
static aeon_err evol_init(evol_op *e, aeon_sim *sim, int difference) {
  const aeon_mesh *m = &sim->lev[0].mesh;
  const aeon_box *b = &m->evolved;
  *e = (evol_op){.sim = sim, .m = m, .nvar = sim->phys->nvar, .difference = difference || !sim->phys->linear,
                 .len = b->hi[0] - b->lo[0], .ny = b->hi[1] - b->lo[1], .nz = b->hi[2] - b->lo[2]};
  e->nlocal = (long)e->nvar * aeon_box_size(b);
  snprintf(e->name, sizeof e->name, "%s evolution%s", sim->phys->name, e->difference ? " (Jacobian)" : "");
  for (int d = 0; d < 3; d++) {
    long glo = m->bc[2 * d] == AEON_BC_RADIATIVE ? m->ghost : 0;
    e->ext[d] = m->N[d] + glo + (m->bc[2 * d + 1] == AEON_BC_RADIATIVE ? m->ghost : 0);
    e->shift[d] = m->off[d] + glo;
  }
  if (e->nlocal > INT_MAX) {
    char where[32];
    snprintf(where, sizeof where, "rank %d", sim->rank);
    return too_many_rows((double)e->nlocal, e->nvar, (double)aeon_box_size(b), where);
  }
  AE_CHK(aeon_fields_create(m, e->nvar, &e->base));
  AE_CHK(aeon_fields_create(m, e->nvar, &e->w));
  AE_CHK(aeon_fields_create(m, e->nvar, &e->f));
  AE_CHK(aeon_gvec_view_fields(m, &e->base, b, sim->comm, &e->vbase));
  AE_CHK(aeon_gvec_view_fields(m, &e->w, b, sim->comm, &e->vw));
  AE_CHK(aeon_gvec_view_fields(m, &e->f, b, sim->comm, &e->vf));
  AE_CHK(aeon_gvec_view_compact(m, e->nvar, b, NULL, sim->comm, &e->vx));
  AE_CHK(aeon_gvec_view_compact(m, e->nvar, b, NULL, sim->comm, &e->vy));
  AE_CHK(aeon_gvec_clone(&e->vx, AEON_GVEC_COMPACT, &e->f0));
  if (e->difference) aeon_fields_copy(&e->base, aeon_mol_state(sim->lev[0].mol));
  return AEON_OK;
}

/* The global size and this rank's offset, ||base|| and F(base) (collective). */
static aeon_err evol_base(evol_op *e, aeon_linop *op) {
  MPI_Comm comm = e->sim->comm;
  AE_MPI(MPI_Allreduce(&e->nlocal, &op->n, 1, MPI_LONG, MPI_SUM, comm));
  AE_MPI(MPI_Exscan(&e->nlocal, &op->offset, 1, MPI_LONG, MPI_SUM, comm));
  if (e->sim->rank == 0) op->offset = 0; /* MPI_Exscan leaves rank 0's result undefined */
  AE_CHK(aeon_gvec_l2norm(&e->vbase, 1.0, &e->unorm));
  aeon_fields_copy(&e->w, &e->base); /* the ghosts no application writes keep base's values */
  AE_CHK(aeon_mol_rhs(e->sim->lev[0].mol, &e->w, e->sim->t, &e->f));
  return aeon_gvec_scale(1.0, &e->vf, &e->f0);
}

aeon_err aeon_sim_linop(aeon_sim *sim, int difference, aeon_linop *op) {
  memset(op, 0, sizeof *op);
  evol_op *e = NULL;
  aeon_err err = aeon_mem_alloc(sizeof *e, (void **)&e);
  if (!err) err = evol_init(e, sim, difference);
  err = aeon_par_agree(sim->comm, err);
  if (!err) err = aeon_par_agree(sim->comm, evol_base(e, op));
  if (err) {
    evol_free(e);
    memset(op, 0, sizeof *op);
    return err;
  }
  op->name = e->name;
  op->nlocal = e->nlocal;
  op->comm = sim->comm;
  op->apply = evol_apply;
  op->global_row = evol_global_row;
  op->destroy = evol_free;
  op->ctx = e;
  return AEON_OK;
}
