/* The memory a run needs per rank, estimated from the patch before anything
 * big is allocated: the integrator's field sets (state, start of step, stage
 * input, and one rhs per stage for a general tableau or one for a single
 * sub-diagonal, as scheduler/mol.c allocates them), the auxiliary fields, the
 * ghost-exchange buffers and one variable's output buffer. Compared with what
 * the node has available for each of its ranks; a run that cannot fit is
 * refused naming grid.n instead of failing inside an allocation. */
#include <stdio.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

/* Bytes of the fields and buffers of one rank's patch; sets *sets to the field sets of the evolved variables. */
static double estimate(const aeon_sim *s, int *sets) {
  const aeon_mesh *m = &s->lev[0].mesh;
  const aeon_physics_ops *p = s->phys;
  *sets = 3 + (aeon_rk_is_subdiagonal(s->rk) ? 1 : s->rk->nstage);
  double pts = (double)m->npts;
  double n0 = m->n[0], n1 = m->n[1], n2 = m->n[2];
  double faces = 2.0 * (n0 * n1 + n1 * n2 + n0 * n2);
  double exchange = 2.0 * p->nvar * m->ghost * faces; /* send and receive layers */
  return 8.0 * (pts * ((double)p->nvar * *sets + p->naux + 1) + exchange);
}

/* This rank's verdict; the message names grid.n, the estimate and the memory available. */
static aeon_err check(const aeon_sim *s) {
  const char *source = NULL;
  double avail = (double)aeon_mem_available(&source);
  if (!(avail > 0)) return AEON_OK; /* unknown: nothing to compare with */
  int sets, ranks = s->par.node_size > 0 ? s->par.node_size : 1;
  double need = estimate(s, &sets), share = avail / ranks;
  if (need <= share) return AEON_OK;
  const aeon_mesh *m = &s->lev[0].mesh;
  return AE_ERR(AEON_ERR_USER, "%s: grid.n = [%ld, %ld, %ld] needs about %.3g GB per rank (%d variables x %d field "
                "sets%s, %.3g points each with ghosts, plus exchange and output buffers) but this node has %.3g GB "
                "available (%s) for its %d ranks, %.3g GB each: lower grid.n or run on more nodes",
                aeon_deck_filename(s->deck), m->N[0], m->N[1], m->N[2], need / 1e9, s->phys->nvar, sets,
                s->phys->naux ? " and the auxiliary fields" : "", (double)m->npts, avail / 1e9, source, ranks, share / 1e9);
}

aeon_err aeon_sim_check_memory(aeon_sim *s) { return aeon_par_agree(s->comm, check(s)); }
