/* One step with fault handling. Each (sub)step ends with one small allreduce
 * that agrees on faults (NaN/Inf found inside the last RK update), on a pending
 * signal or STOP file, and on whether rank 0's wall clock says a checkpoint is due. A bad
 * (sub)step — a fault, or a module hook whose certificate rejected it — is
 * rejected: every rank rolls back to its start and takes it again as two
 * halves, up to faults.max_retries retries in the step. The number of halvings
 * that worked is kept in tier 1 ("dt.halvings") as the warm start of the next
 * steps. ("Level" is kept for mesh refinement levels.) */
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

typedef struct {
  int64_t halvings; /* halvings of dt that worked */
  int64_t until;    /* used for steps before this one */
} halvings_hint;

/* Agrees on the health of the last (sub)step; returns through bad whether any rank saw NaN/Inf. */
static aeon_err agree_health(aeon_sim *s, int local_bad, int *bad) {
  int mine[3] = {local_bad, aeon_sim_stop_code_(s), 0}, all[3];
  if (s->rank == 0 && s->ck_walltime > 0 && aeon_sim_wall(s) - s->last_ck_wall >= s->ck_walltime) mine[2] = 1;
  AE_CHK(aeon_max_agree_run(s->health, mine, all)); /* no allocation, unlike MPI_Allreduce */
  *bad = all[0];
  if (all[1] > s->stop_code) s->stop_code = all[1]; /* the strongest request wins (see signals.c) */
  s->stop_signal = s->stop_code != 0;
  s->ck_due_wall |= all[2];
  return AEON_OK;
}

/* Names where the first non-finite value is, on the lowest rank that has one, in RUNDIR/fault_step_N.txt. */
static aeon_err write_fault_file(aeon_sim *s) {
  int var = -1, idx[3] = {0, 0, 0};
  int found = aeon_mol_find_nonfinite(s->lev[0].mol, &var, idx);
  int mine = found ? s->rank : s->par.size, first;
  AE_MPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, s->comm));
  if (s->rank != first || s->opt.no_files) return AEON_OK;
  char path[4400];
  snprintf(path, sizeof path, "%s/fault_step_%06ld.txt", s->rundir, s->step + 1);
  FILE *f = fopen(path, "w");
  if (!f) return AE_ERR(AEON_ERR_IO, "cannot write fault report '%s'", path);
  const aeon_mesh *m = &s->lev[0].mesh;
  fprintf(f, "Aeon fault report\nstep %ld (from t = %.17g, dt = %.17g) failed after %d retries\n", s->step + 1, s->t,
          s->dt, s->retries);
  fprintf(f, "first non-finite (or beyond faults.max_abs) value: rank %d, variable %d (%s), local index (%d, %d, %d), global index (%ld, %ld, %ld),\n"
             "coordinates (%.9g, %.9g, %.9g)\n",
          s->rank, var, s->var_names[var], idx[0], idx[1], idx[2], m->off[0] + idx[0], m->off[1] + idx[1],
          m->off[2] + idx[2], aeon_coord(m, 0, idx[0]), aeon_coord(m, 1, idx[1]), aeon_coord(m, 2, idx[2]));
  fclose(f);
  fprintf(stderr, "aeon: fault report written to %s\n", path);
  return AEON_OK;
}

/* The reason of a rejection for the receipts: non-finite values, or the hook's certificate with its reduced norms. */
static void why_rejected(aeon_sim *s, int nonfinite, char *out, size_t len) {
  const aeon_cert *c = NULL;
  if (nonfinite || !aeon_mol_rejected(s->lev[0].mol, &c)) {
    snprintf(out, len, "non-finite values");
    return;
  }
  size_t used = (size_t)snprintf(out, len, "hook certificate%s%s:", c->reason[0] ? " " : "", c->reason);
  for (int i = 0; i < c->n && used < len; i++)
    used += (size_t)snprintf(out + used, len - used, " %s L2=%.6e max=%.6e%s", c->name[i] ? c->name[i] : "?",
                             aeon_norm_acc_l2(&c->acc[i], 1.0), aeon_norm_acc_max(&c->acc[i]),
                             c->bound[i] > 0 ? " (bounded)" : "");
}

/* After a rejected (sub)step: receipts, rollback, tier bookkeeping, regime shift. */
static void reject(aeon_sim *s, double t, double h, int nonfinite) {
  char why[AEON_RECEIPT_DETAIL];
  why_rejected(s, nonfinite, why, sizeof why);
  aeon_sim_receipt(s, AEON_RCPT_STEP_REJECTED, "%s at t=%.9g, h=%.6g (retry %d)", why, t, h, s->retries);
  aeon_mol_rollback(s->lev[0].mol);
  aeon_sim_receipt(s, AEON_RCPT_ROLLBACK, "to t=%.9g", t);
  aeon_sim_tier_clock(s);
  aeon_tiers_drop_tier0(s->tiers);
  aeon_tiers_taint(s->tiers, "dt.halvings", s->taint_steps);
  s->rollbacks++;
  s->regime = (uint64_t)s->halvings | (uint64_t)s->rollbacks << 8;
  aeon_sim_receipt(s, AEON_RCPT_REGIME_SHIFT, "regime 0x%llx after a rollback", (unsigned long long)s->regime);
  aeon_tiers_regime_shift(s->tiers, s->regime, "rollback");
}

/* Takes the (sub)step [t, t + h]; on a fault, rolls back and takes it as two halves. */
static aeon_err take(aeon_sim *s, double t, double h, int depth) {
  int local_bad = 0, bad = 0;
  if (s->inject_step == s->step + 1 && s->retries == 0 && depth == s->halvings) {
    if (s->rank == s->inject_rank) aeon_mol_inject_nan(s->lev[0].mol, s->lev[0].mesh.n[0] / 2, s->lev[0].mesh.n[1] / 2, s->lev[0].mesh.n[2] / 2);
    s->inject_step = -1;
  }
  AE_CHK(aeon_mol_step(s->lev[0].mol, t, h, &local_bad));
  AE_CHK(agree_health(s, local_bad, &bad));
  int hook = aeon_mol_rejected(s->lev[0].mol, NULL);
  if (!bad && !hook) return AEON_OK;
  if (s->retries >= s->max_retries) {
    char why[AEON_RECEIPT_DETAIL];
    why_rejected(s, bad, why, sizeof why);
    if (bad) AE_CHK(write_fault_file(s));
    aeon_sim_receipt(s, AEON_RCPT_FAULT, "step %ld: %s after %d retries", s->step + 1, why, s->retries);
    if (!bad)
      return AE_ERR(AEON_ERR_NUMERIC, "step %ld: still rejected by the physics module's hook after %d retries with dt "
                    "halved each time: %s", s->step + 1, s->retries, why);
    return AE_ERR(AEON_ERR_NUMERIC,
                  "step %ld: non-finite values remain after %d retries with dt halved each time (see %s/fault_step_%06ld.txt)",
                  s->step + 1, s->retries, s->rundir, s->step + 1);
  }
  reject(s, t, h, bad);
  s->retries++;
  if (depth + 1 > 30) return AE_ERR(AEON_ERR_NUMERIC, "step %ld: substeps too small", s->step + 1);
  AE_CHK(take(s, t, 0.5 * h, depth + 1));
  AE_CHK(take(s, t + 0.5 * h, 0.5 * h, depth + 1));
  if (depth + 1 > s->halvings) s->halvings = depth + 1;
  return AEON_OK;
}

/* The halvings to start this step with: the tier-1 hint while it applies, else 0. */
static int start_halvings(aeon_sim *s) {
  halvings_hint hint;
  size_t len = 0;
  aeon_sim_tier_clock(s);
  if (aeon_tiers_get(s->tiers, "dt.halvings", &hint, sizeof hint, &len) && len == sizeof hint && s->step < hint.until)
    return (int)hint.halvings;
  return 0;
}

aeon_err aeon_sim_advance(aeon_sim *s) {
  int halvings = start_halvings(s);
  if (halvings != s->halvings) { /* the step size changes by 2x or more: a regime shift */
    s->halvings = halvings;
    s->regime = (uint64_t)s->halvings | (uint64_t)s->rollbacks << 8;
    aeon_sim_tier_clock(s);
    aeon_sim_receipt(s, AEON_RCPT_REGIME_SHIFT, "regime 0x%llx: %d substeps per step", (unsigned long long)s->regime,
                     1 << halvings);
    aeon_tiers_regime_shift(s->tiers, s->regime, "substep halvings changed");
  }
  s->retries = 0;
  int n = 1 << halvings;
  double h = s->dt / n;
  for (int i = 0; i < n; i++) AE_CHK(take(s, s->t + i * h, h, halvings));
  s->step++;
  s->tick++;
  s->t = (double)s->step * s->dt;
  s->lev[0].t = s->t;
  if (s->retries > 0) { /* remember the halvings that worked, for the next faults.recover_steps steps */
    halvings_hint hint = {s->halvings, s->step + s->recover_steps};
    aeon_sim_tier_clock(s);
    AE_CHK(aeon_tiers_put(s->tiers, 1, "dt.halvings", &hint, sizeof hint, 0));
  }
  if (s->retries == 0) aeon_sim_quiet_step(s); /* coalesced with the quiet steps around it */
  else aeon_sim_receipt(s, AEON_RCPT_STEP_ACCEPTED, "substeps=%d retries=%d", 1 << s->halvings, s->retries);
  return AEON_OK;
}
