/* Method of lines: one explicit Runge-Kutta step over the mesh.
 * Per stage: start the ghost exchange of the stage input, compute the rhs on
 * the core (points whose stencil needs no ghost), finish the exchange, fill
 * symmetry ghosts, compute the rhs on the rest of the interior and on the
 * evolved ghosts of radiative faces, then one fused update that accumulates
 * the solution and forms the next stage input. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/stepper.h"

struct aeon_mol {
  const aeon_mesh *m;
  const aeon_physics_ops *phys;
  void *self;
  const aeon_rk_method *rk;
  aeon_timers *timers;
  aeon_fields u, u0, y, k; /* state, start of step, stage input, stage rhs */
  aeon_exchange *ex;
  int (*parity)[3];
  aeon_box core;                 /* interior points that need no ghosts */
  aeon_box shell[6], rad[6];     /* interior minus core; evolved minus interior */
  int nshell, nrad;
  int t_rhs_core, t_rhs_shell, t_rhs_rad, t_xstart, t_xwait, t_bc, t_update;
  long inject_at; /* test hook: linear index to poison after stage 0, or -1 */
  uint64_t blowup_bits; /* exponent field (in place) from which a value counts as a fault */
};

aeon_err aeon_mol_create(const aeon_mesh *m, const aeon_physics_ops *phys, void *self,
                         const aeon_rk_method *rk, aeon_timers *timers, aeon_mol **molp) {
  if (phys->stencil_radius > m->ghost)
    return AE_ERR(AEON_ERR_USER, "physics '%s' needs grid.ghost >= %d (deck has %d)", phys->name,
                  phys->stencil_radius, m->ghost);
  for (int f = 0; f < 6; f++)
    if (m->bc[f] == AEON_BC_RADIATIVE && !phys->rhs_radiative)
      return AE_ERR(AEON_ERR_USER, "physics '%s' does not support radiative boundaries", phys->name);
  aeon_mol *mol = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *mol, (void **)&mol));
  *molp = mol;
  mol->m = m;
  mol->phys = phys;
  mol->self = self;
  mol->rk = rk;
  mol->timers = timers;
  AE_CHK(aeon_fields_create(m, phys->nvar, &mol->u));
  AE_CHK(aeon_fields_create(m, phys->nvar, &mol->u0));
  AE_CHK(aeon_fields_create(m, phys->nvar, &mol->y));
  AE_CHK(aeon_fields_create(m, phys->nvar, &mol->k));
  AE_CHK(aeon_exchange_create(m, phys->nvar, &mol->ex));
  AE_CHK(aeon_mem_alloc(sizeof(int[3]) * (size_t)phys->nvar, (void **)&mol->parity));
  for (int v = 0; v < phys->nvar; v++) memcpy(mol->parity[v], phys->vars[v].parity, sizeof(int[3]));
  aeon_box interior = aeon_mesh_interior(m);
  mol->core = aeon_mesh_core(m, phys->stencil_radius);
  mol->nshell = aeon_box_subtract(&interior, &mol->core, mol->shell);
  mol->nrad = aeon_box_subtract(&m->evolved, &interior, mol->rad);
  mol->t_rhs_core = aeon_timer_id(timers, "rhs (interior)");
  mol->t_rhs_shell = aeon_timer_id(timers, "rhs (near ghosts)");
  mol->t_rhs_rad = aeon_timer_id(timers, "rhs (radiative bc)");
  mol->t_xstart = aeon_timer_id(timers, "exchange (start)");
  mol->t_xwait = aeon_timer_id(timers, "exchange (finish)");
  mol->t_bc = aeon_timer_id(timers, "boundary (symmetry)");
  mol->t_update = aeon_timer_id(timers, "rk update");
  mol->inject_at = -1;
  mol->blowup_bits = 0x7ff0000000000000ull; /* NaN and Inf only, until aeon_mol_set_max_abs */
  return AEON_OK;
}

void aeon_mol_destroy(aeon_mol *mol) {
  if (!mol) return;
  aeon_exchange_destroy(mol->ex);
  aeon_fields_destroy(&mol->u);
  aeon_fields_destroy(&mol->u0);
  aeon_fields_destroy(&mol->y);
  aeon_fields_destroy(&mol->k);
  aeon_mem_free(mol->parity);
  aeon_mem_free(mol);
}

aeon_fields *aeon_mol_state(aeon_mol *mol) { return &mol->u; }

static void timed_rhs(aeon_mol *mol, int timer, int radiative, double t, const aeon_fields *in, aeon_fields *out,
                      const aeon_box *boxes, int nbox) {
  aeon_timer_start(mol->timers, timer);
  for (int b = 0; b < nbox; b++) {
    if (radiative) mol->phys->rhs_radiative(mol->self, mol->m, t, in, out, &boxes[b]);
    else mol->phys->rhs(mol->self, mol->m, t, in, out, &boxes[b]);
  }
  aeon_timer_stop(mol->timers, timer);
}

/* One stage's rhs: the exchange of in's ghosts overlaps the rhs on the core. */
aeon_err aeon_mol_rhs(aeon_mol *mol, aeon_fields *in, double t, aeon_fields *out) {
  aeon_timer_start(mol->timers, mol->t_xstart);
  AE_CHK(aeon_exchange_start(mol->ex, in));
  aeon_timer_stop(mol->timers, mol->t_xstart);
  timed_rhs(mol, mol->t_rhs_core, 0, t, in, out, &mol->core, aeon_box_size(&mol->core) > 0);
  aeon_timer_start(mol->timers, mol->t_xwait);
  AE_CHK(aeon_exchange_finish(mol->ex, in));
  aeon_timer_stop(mol->timers, mol->t_xwait);
  aeon_timer_start(mol->timers, mol->t_bc);
  aeon_mesh_fill_symmetry(mol->m, in, (const int(*)[3])mol->parity);
  aeon_timer_stop(mol->timers, mol->t_bc);
  timed_rhs(mol, mol->t_rhs_shell, 0, t, in, out, mol->shell, mol->nshell);
  timed_rhs(mol, mol->t_rhs_rad, 1, t, in, out, mol->rad, mol->nrad);
  return AEON_OK;
}

/* u += wb * k and, if next, y = u0 + wa * k, over the evolved points. On the last stage it also flags
 * every new value whose exponent field reaches mol->blowup_bits: NaN, Inf, and a solution blowing up
 * beyond faults.max_abs (an unstable time step grows for a long time before it overflows). An integer
 * test that vectorises: the fault check costs no extra pass over memory. */
static int fused_update(aeon_mol *mol, double wb, double wa, int next) {
  uint64_t bad = 0, blowup = mol->blowup_bits;
  const aeon_mesh *m = mol->m;
  const aeon_box *b = &m->evolved;
  int len = b->hi[0] - b->lo[0];
  for (int v = 0; v < mol->u.nvar; v++) {
    double *restrict u = aeon_var(&mol->u, v), *restrict y = aeon_var(&mol->y, v);
    const double *restrict u0 = aeon_var(&mol->u0, v), *restrict k = aeon_var(&mol->k, v);
    for (int kk = b->lo[2]; kk < b->hi[2]; kk++)
      for (int j = b->lo[1]; j < b->hi[1]; j++) {
        long o = aeon_idx(m, b->lo[0], j, kk);
        if (next)
          for (int i = 0; i < len; i++) {
            u[o + i] += wb * k[o + i];
            y[o + i] = u0[o + i] + wa * k[o + i];
          }
        else
          for (int i = 0; i < len; i++) {
            double x = u[o + i] + wb * k[o + i];
            uint64_t bits;
            memcpy(&bits, &x, sizeof bits);
            bad |= (bits & 0x7ff0000000000000ull) >= blowup;
            u[o + i] = x;
          }
      }
  }
  return bad != 0;
}

aeon_err aeon_mol_step(aeon_mol *mol, double t, double dt, int *nonfinite) {
  const aeon_rk_method *rk = mol->rk;
  aeon_fields_copy(&mol->u0, &mol->u);
  *nonfinite = 0;
  for (int s = 0; s < rk->nstage; s++) {
    AE_CHK(aeon_mol_rhs(mol, s == 0 ? &mol->u0 : &mol->y, t + rk->c[s] * dt, &mol->k));
    if (s == 0 && mol->inject_at >= 0) {
      aeon_var(&mol->k, 0)[mol->inject_at] = NAN;
      mol->inject_at = -1;
    }
    int next = s + 1 < rk->nstage;
    aeon_timer_start(mol->timers, mol->t_update);
    int bad = fused_update(mol, rk->b[s] * dt, next ? rk->a[s + 1] * dt : 0.0, next);
    aeon_timer_stop(mol->timers, mol->t_update);
    if (!next) *nonfinite = bad;
  }
  return AEON_OK;
}

void aeon_mol_set_max_abs(aeon_mol *mol, double max_abs) {
  int e;
  frexp(max_abs, &e); /* max_abs = f 2^e with 0.5 <= f < 1: values from 2^e on are flagged */
  long field = 1022L + e + 1;
  mol->blowup_bits = field >= 0x7ff ? 0x7ff0000000000000ull : (uint64_t)field << 52;
}

void aeon_mol_rollback(aeon_mol *mol) { aeon_fields_copy(&mol->u, &mol->u0); }

void aeon_mol_inject_nan(aeon_mol *mol, int i, int j, int k) { mol->inject_at = aeon_idx(mol->m, i, j, k); }

/* 1 if x is NaN, Inf, or at least 2^ceil(log2 faults.max_abs) in magnitude: the test of fused_update. */
static int is_fault(const aeon_mol *mol, double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return (bits & 0x7ff0000000000000ull) >= mol->blowup_bits;
}

int aeon_mol_find_nonfinite(aeon_mol *mol, int *var, int idx[3]) {
  const aeon_box *b = &mol->m->evolved;
  for (int v = 0; v < mol->u.nvar; v++) {
    const double *u = aeon_var(&mol->u, v);
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++)
          if (is_fault(mol, u[aeon_idx(mol->m, i, j, k)])) {
            *var = v, idx[0] = i, idx[1] = j, idx[2] = k;
            return 1;
          }
  }
  return 0;
}

aeon_err aeon_mol_fill_ghosts(aeon_mol *mol) {
  AE_CHK(aeon_exchange_start(mol->ex, &mol->u));
  AE_CHK(aeon_exchange_finish(mol->ex, &mol->u));
  aeon_mesh_fill_symmetry(mol->m, &mol->u, (const int(*)[3])mol->parity);
  return AEON_OK;
}
