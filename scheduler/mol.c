/* Method of lines: one explicit Runge-Kutta step over the mesh.
 * Per stage: start the ghost exchange of the stage input, compute the rhs on
 * the core (points whose stencil needs no ghost) — and, in the first stage of a
 * step after an output step, the module's fused diagnostics of that input box by
 * box — finish the exchange, fill the ghosts of filled boundary faces, compute
 * the rhs on the rest of the interior and on the evolved ghosts of radiative
 * faces, then one fused update (grid-vector ops) that accumulates the solution
 * and forms the next stage input. The step start u0 and the state u swap buffers
 * instead of copying: the first update writes u = u0 + wb k. A module's
 * post-stage and post-step hooks run after the updates; their certificates are
 * reduced exactly and may reject the step. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "aeon/gvec.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/stepper.h"

struct aeon_mol {
  const aeon_mesh *m;
  const aeon_physics_ops *phys;
  void *self;
  const aeon_rk_method *rk;
  const aeon_boundary *bnd;
  aeon_timers *timers;
  aeon_fields u, u0, y;          /* state, start of step, stage input */
  aeon_fields k[AEON_RK_MAX_STAGES]; /* stage rhs: one set for a sub-diagonal tableau, else one per stage */
  aeon_gvec vu, vu0, vy, vk[AEON_RK_MAX_STAGES]; /* their evolved points as grid vectors (the RK update's operands) */
  int synced;                    /* u0's buffer holds u's values outside the evolved points (set by a full copy) */
  double max_abs;                /* faults.max_abs */
  int nk, general;
  aeon_exchange *ex;
  aeon_box core;                 /* interior points that need no ghosts */
  aeon_box shell[6], rad[6];     /* interior minus core; evolved minus interior */
  int nshell, nrad;
  int t_rhs_core, t_rhs_shell, t_rhs_rad, t_xstart, t_xwait, t_bc, t_update, t_hook, t_diag;
  long inject_at; /* test hook: linear index to poison after stage 0, or -1 */
  uint64_t blowup_bits; /* exponent field (in place) from which a value counts as a fault */
  aeon_cert cert;       /* the last certificate checked, reduced */
  int rejected;         /* a hook rejected the last step */
  aeon_norm_acc *diag_acc; /* fused diagnostics asked for the next step (NULL: none) */
  aeon_fields *diag_aux;
  int diag_done;
};

static aeon_err alloc_sets(aeon_mol *mol) {
  int nvar = mol->phys->nvar;
  AE_CHK(aeon_fields_create(mol->m, nvar, &mol->u));
  AE_CHK(aeon_fields_create(mol->m, nvar, &mol->u0));
  AE_CHK(aeon_fields_create(mol->m, nvar, &mol->y));
  mol->general = !aeon_rk_is_subdiagonal(mol->rk);
  mol->nk = mol->general ? mol->rk->nstage : 1;
  for (int s = 0; s < mol->nk; s++) AE_CHK(aeon_fields_create(mol->m, nvar, &mol->k[s]));
  const aeon_mesh *m = mol->m;
  MPI_Comm comm = m->par->cart;
  AE_CHK(aeon_gvec_view_fields(m, &mol->u, &m->evolved, comm, &mol->vu));
  AE_CHK(aeon_gvec_view_fields(m, &mol->u0, &m->evolved, comm, &mol->vu0));
  AE_CHK(aeon_gvec_view_fields(m, &mol->y, &m->evolved, comm, &mol->vy));
  for (int s = 0; s < mol->nk; s++) AE_CHK(aeon_gvec_view_fields(m, &mol->k[s], &m->evolved, comm, &mol->vk[s]));
  return AEON_OK;
}

static void set_timers(aeon_mol *mol, aeon_timers *timers) {
  mol->timers = timers;
  mol->t_rhs_core = aeon_timer_id(timers, "rhs (interior)");
  mol->t_rhs_shell = aeon_timer_id(timers, "rhs (near ghosts)");
  mol->t_rhs_rad = aeon_timer_id(timers, "rhs (radiative bc)");
  mol->t_xstart = aeon_timer_id(timers, "exchange (start)");
  mol->t_xwait = aeon_timer_id(timers, "exchange (finish)");
  mol->t_bc = aeon_timer_id(timers, "boundary (filled faces)");
  mol->t_update = aeon_timer_id(timers, "rk update");
  mol->t_hook = aeon_timer_id(timers, "hooks (post-stage/step)");
  mol->t_diag = aeon_timer_id(timers, "diagnostics (fused)");
}

aeon_err aeon_mol_create(const aeon_mesh *m, const aeon_physics_ops *phys, void *self, int radius,
                         const aeon_rk_method *rk, const aeon_boundary *bnd, aeon_timers *timers, aeon_mol **molp) {
  if (radius <= 0) radius = phys->stencil_radius;
  if (radius > m->ghost)
    return AE_ERR(AEON_ERR_USER, "physics '%s' needs grid.ghost >= %d (deck has %d)", phys->name, radius, m->ghost);
  aeon_mol *mol = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *mol, (void **)&mol));
  *molp = mol;
  mol->m = m;
  mol->phys = phys;
  mol->self = self;
  mol->rk = rk;
  mol->bnd = bnd;
  AE_CHK(alloc_sets(mol));
  AE_CHK(aeon_exchange_create(m, phys->nvar, &mol->ex));
  aeon_box interior = aeon_mesh_interior(m);
  mol->core = aeon_mesh_core(m, radius);
  mol->nshell = aeon_box_subtract(&interior, &mol->core, mol->shell);
  mol->nrad = aeon_box_subtract(&m->evolved, &interior, mol->rad);
  set_timers(mol, timers);
  mol->inject_at = -1;
  mol->blowup_bits = 0x7ff0000000000000ull; /* NaN and Inf only, until aeon_mol_set_max_abs */
  mol->max_abs = HUGE_VAL;
  return AEON_OK;
}

void aeon_mol_destroy(aeon_mol *mol) {
  if (!mol) return;
  aeon_exchange_destroy(mol->ex);
  aeon_fields_destroy(&mol->u);
  aeon_fields_destroy(&mol->u0);
  aeon_fields_destroy(&mol->y);
  for (int s = 0; s < mol->nk; s++) aeon_fields_destroy(&mol->k[s]);
  aeon_mem_free(mol);
}

aeon_fields *aeon_mol_state(aeon_mol *mol) { return &mol->u; }

/* The rhs on a list of boxes; with acc, the fused diagnostics of in on each box right after its rhs. */
static void timed_rhs(aeon_mol *mol, int timer, int radiative, double t, const aeon_fields *in, aeon_fields *out,
                      const aeon_box *boxes, int nbox, aeon_norm_acc *acc) {
  for (int b = 0; b < nbox; b++) {
    aeon_timer_start(mol->timers, timer);
    if (!radiative) mol->phys->rhs(mol->self, mol->m, t, in, out, &boxes[b]);
    else if (mol->phys->rhs_radiative) mol->phys->rhs_radiative(mol->self, mol->m, t, in, out, &boxes[b]);
    else aeon_boundary_rhs(mol->bnd, t, in, out, &boxes[b]);
    aeon_timer_stop(mol->timers, timer);
    if (!acc) continue;
    aeon_timer_start(mol->timers, mol->t_diag);
    mol->phys->diagnostics(mol->self, mol->m, t, in, mol->diag_aux, acc, &boxes[b]);
    aeon_timer_stop(mol->timers, mol->t_diag);
  }
}

/* One stage's rhs: the exchange of in's ghosts overlaps the rhs on the core; acc: fused diagnostics of in. */
static aeon_err stage_rhs(aeon_mol *mol, aeon_fields *in, double t, aeon_fields *out, aeon_norm_acc *acc) {
  aeon_timer_start(mol->timers, mol->t_xstart);
  AE_CHK(aeon_exchange_start(mol->ex, in));
  aeon_timer_stop(mol->timers, mol->t_xstart);
  timed_rhs(mol, mol->t_rhs_core, 0, t, in, out, &mol->core, aeon_box_size(&mol->core) > 0, acc);
  aeon_timer_start(mol->timers, mol->t_xwait);
  AE_CHK(aeon_exchange_finish(mol->ex, in));
  aeon_timer_stop(mol->timers, mol->t_xwait);
  aeon_timer_start(mol->timers, mol->t_bc);
  aeon_boundary_fill(mol->bnd, in);
  aeon_timer_stop(mol->timers, mol->t_bc);
  timed_rhs(mol, mol->t_rhs_shell, 0, t, in, out, mol->shell, mol->nshell, acc);
  timed_rhs(mol, mol->t_rhs_rad, 1, t, in, out, mol->rad, mol->nrad, NULL);
  return AEON_OK;
}

aeon_err aeon_mol_rhs(aeon_mol *mol, aeon_fields *in, double t, aeon_fields *out) {
  return stage_rhs(mol, in, t, out, NULL);
}

/* 1 if the exponent field of x reaches the fault threshold (NaN, Inf, or beyond faults.max_abs). */
static inline uint64_t fault_bits(double x, uint64_t blowup) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return (bits & 0x7ff0000000000000ull) >= blowup;
}

/* The last stage's update u = from + wb k and the fault test (NaN, Inf, or beyond faults.max_abs: an unstable time
 * step grows for a long time before it overflows), z-plane by z-plane so the test reads u while it is in cache. */
static aeon_err last_update(aeon_mol *mol, const aeon_gvec *from, const aeon_gvec *ks, double wb, int *bad) {
  const aeon_box *e = &mol->m->evolved;
  MPI_Comm comm = mol->m->par->cart;
  for (int k = e->lo[2]; k < e->hi[2]; k++) {
    aeon_box p = *e;
    p.lo[2] = k, p.hi[2] = k + 1;
    aeon_gvec pf, pk, pu;
    AE_CHK(aeon_gvec_view_fields(mol->m, from == &mol->vu0 ? &mol->u0 : &mol->u, &p, comm, &pf));
    AE_CHK(aeon_gvec_view_fields(mol->m, &mol->k[ks - mol->vk], &p, comm, &pk));
    AE_CHK(aeon_gvec_view_fields(mol->m, &mol->u, &p, comm, &pu));
    const aeon_gvec *Y[1] = {&pf};
    aeon_gvec *Z[1] = {&pu};
    AE_CHK(aeon_gvec_scaleaddmulti(1, &wb, &pk, Y, Z));
    int b = 0;
    AE_CHK(aeon_gvec_exceeds_local(&pu, mol->max_abs, &b));
    *bad |= b;
  }
  return AEON_OK;
}

/* The update after stage s over the evolved points, as grid-vector ops: a sub-diagonal tableau forms u += wb k and
 * y = u0 + wa k in one sweep (scaleaddmulti); a general one forms y = u0 + dt sum_{q<=s} a[s+1][q] k[q] (a linear
 * combination) and u += wb k[s]. The first stage reads u0 where it would read u (u holds the previous step's buffer:
 * see aeon_mol_step). After the last stage the fault test sets *bad (last_update). */
static aeon_err stage_update(aeon_mol *mol, int s, double dt, int *bad) {
  const aeon_rk_method *rk = mol->rk;
  const aeon_gvec *ks = &mol->vk[mol->general ? s : 0], *from = s == 0 ? &mol->vu0 : &mol->vu;
  double wb = rk->b[s] * dt;
  if (s + 1 == rk->nstage) return last_update(mol, from, ks, wb, bad);
  if (!mol->general) {
    double c[2] = {wb, rk->a[s + 1][s] * dt};
    const aeon_gvec *Y[2] = {from, &mol->vu0};
    aeon_gvec *Z[2] = {&mol->vu, &mol->vy};
    return aeon_gvec_scaleaddmulti(2, c, ks, Y, Z);
  }
  double c[AEON_RK_MAX_STAGES + 1] = {1.0};
  const aeon_gvec *X[AEON_RK_MAX_STAGES + 1] = {&mol->vu0};
  for (int q = 0; q <= s; q++) c[q + 1] = rk->a[s + 1][q] * dt, X[q + 1] = &mol->vk[q];
  AE_CHK(aeon_gvec_linearcombination(s + 2, c, X, &mol->vy));
  const aeon_gvec *Y[1] = {from};
  aeon_gvec *Z[1] = {&mol->vu};
  return aeon_gvec_scaleaddmulti(1, &wb, ks, Y, Z);
}

/* Reduces a hook's certificate exactly over the ranks and decides (the same way on every rank). */
static aeon_err judge(aeon_mol *mol, aeon_cert *c) {
  MPI_Comm comm = mol->m->par->cart;
  AE_CHK(aeon_norm_acc_allreduce(c->acc, c->n, comm));
  int rank, size, first;
  AE_MPI(MPI_Comm_rank(comm, &rank));
  AE_MPI(MPI_Comm_size(comm, &size));
  int mine = c->reject ? rank : size;
  AE_MPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm));
  int any = first < size;
  if (any) AE_MPI(MPI_Bcast(c->reason, (int)sizeof c->reason, MPI_CHAR, first, comm)); /* the lowest asking rank's */
  for (int i = 0; i < c->n; i++) {
    double mx = aeon_norm_acc_max(&c->acc[i]);
    if (c->bound[i] > 0 && !(mx <= c->bound[i])) any = 1;
  }
  c->reject = any;
  mol->rejected |= any;
  return AEON_OK;
}

/* Runs a post-stage (stage >= 0) or post-step (stage < 0) hook on f and judges its certificate. */
static aeon_err run_hook(aeon_mol *mol, int stage, double t, aeon_fields *f) {
  const aeon_physics_ops *p = mol->phys;
  if (stage >= 0 ? !p->post_stage : !p->post_step) return AEON_OK;
  aeon_timer_start(mol->timers, mol->t_hook);
  memset(&mol->cert, 0, sizeof mol->cert);
  aeon_err e = stage >= 0 ? p->post_stage(mol->self, mol->m, t, stage, f, &mol->cert)
                          : p->post_step(mol->self, mol->m, t, f, &mol->cert);
  AE_CHK(aeon_par_agree(mol->m->par->cart, e)); /* a hook failing on one rank stops every rank, no hang */
  AE_CHK(judge(mol, &mol->cert));
  aeon_timer_stop(mol->timers, mol->t_hook);
  return AEON_OK;
}

/* Exchanges the arrays of two field sets of the same shape and of their grid-vector views. */
static void swap_data(aeon_fields *a, aeon_fields *b, aeon_gvec *va, aeon_gvec *vb) {
  double *d = a->data;
  a->data = b->data;
  b->data = d;
  va->data = a->data;
  vb->data = b->data;
}

/* The step start u0 takes the state's buffer and u the other one, which the first update overwrites on the evolved
 * points (u = u0 + wb k): no copy. The points outside them (ghosts, refilled before any stencil reads them) are
 * made equal in both buffers by one full copy before the first step. */
aeon_err aeon_mol_step(aeon_mol *mol, double t, double dt, int *nonfinite) {
  const aeon_rk_method *rk = mol->rk;
  swap_data(&mol->u, &mol->u0, &mol->vu, &mol->vu0);
  if (!mol->synced) aeon_fields_copy(&mol->u, &mol->u0);
  mol->synced = 1;
  *nonfinite = 0;
  mol->rejected = 0;
  for (int s = 0; s < rk->nstage && !mol->rejected; s++) {
    aeon_norm_acc *acc = s == 0 && mol->diag_acc ? mol->diag_acc : NULL;
    aeon_fields *kf = &mol->k[mol->general ? s : 0];
    AE_CHK(stage_rhs(mol, s == 0 ? &mol->u0 : &mol->y, t + rk->c[s] * dt, kf, acc));
    if (acc) {
      mol->diag_acc = NULL;
      mol->diag_done = 1;
    }
    if (s == 0 && mol->inject_at >= 0) {
      aeon_var(kf, 0)[mol->inject_at] = NAN;
      mol->inject_at = -1;
    }
    aeon_timer_start(mol->timers, mol->t_update);
    int bad = 0;
    AE_CHK(stage_update(mol, s, dt, &bad));
    aeon_timer_stop(mol->timers, mol->t_update);
    int last = s + 1 == rk->nstage;
    if (last) *nonfinite = bad;
    AE_CHK(run_hook(mol, s, last ? t + dt : t + rk->c[s + 1] * dt, last ? &mol->u : &mol->y));
  }
  if (!mol->rejected) AE_CHK(run_hook(mol, -1, t + dt, &mol->u));
  return AEON_OK;
}

int aeon_mol_rejected(const aeon_mol *mol, const aeon_cert **cert) {
  if (cert) *cert = &mol->cert;
  return mol->rejected;
}

int aeon_mol_fuse_diagnostics(aeon_mol *mol, aeon_norm_acc *acc, aeon_fields *aux) {
  if (!mol->phys->fuse_diagnostics || !mol->phys->diagnostics) return 0;
  mol->diag_acc = acc;
  mol->diag_aux = aux;
  mol->diag_done = 0;
  return 1;
}

int aeon_mol_diagnostics_done(aeon_mol *mol) {
  int d = mol->diag_done;
  mol->diag_done = 0;
  return d;
}

void aeon_mol_set_max_abs(aeon_mol *mol, double max_abs) {
  mol->max_abs = max_abs;
  mol->blowup_bits = aeon_gvec_fault_bits(max_abs); /* values from 2^ceil(log2 max_abs) on are flagged */
}

void aeon_mol_rollback(aeon_mol *mol) { aeon_fields_copy(&mol->u, &mol->u0); }

void aeon_mol_inject_nan(aeon_mol *mol, int i, int j, int k) { mol->inject_at = aeon_idx(mol->m, i, j, k); }

int aeon_mol_find_nonfinite(aeon_mol *mol, int *var, int idx[3]) {
  const aeon_box *b = &mol->m->evolved;
  for (int v = 0; v < mol->u.nvar; v++) {
    const double *u = aeon_var(&mol->u, v);
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++)
          if (fault_bits(u[aeon_idx(mol->m, i, j, k)], mol->blowup_bits)) {
            *var = v, idx[0] = i, idx[1] = j, idx[2] = k;
            return 1;
          }
  }
  return 0;
}

aeon_err aeon_mol_fill_ghosts(aeon_mol *mol) {
  AE_CHK(aeon_exchange_start(mol->ex, &mol->u));
  AE_CHK(aeon_exchange_finish(mol->ex, &mol->u));
  aeon_boundary_fill(mol->bnd, &mol->u);
  return AEON_OK;
}
