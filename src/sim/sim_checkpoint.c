/* Checkpoints of a simulation: what goes in, how a restart takes it back. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

/* Fills meta from the simulation (rank 0's receipts; the effective parameters as YAML text). */
static aeon_err fill_meta(aeon_sim *s, aeon_checkpoint_meta *mt) {
  memset(mt, 0, sizeof *mt);
  AE_CHK(aeon_sim_spectral_wisdom(s, mt)); /* collective: first, before anything one rank alone can fail */
  mt->step = s->step, mt->nsteps = s->nsteps, mt->tick = s->tick;
  mt->t = s->t, mt->dt = s->dt, mt->wall = aeon_sim_wall(s);
  mt->sched[0] = (int64_t)s->regime, mt->sched[1] = s->rollbacks, mt->sched[2] = s->halvings;
  mt->deck = s->first_deck ? s->first_deck : (char *)aeon_deck_text(s->deck);
  mt->physics = (char *)s->phys->name;
  size_t len = 0;
  FILE *f = open_memstream(&mt->effective, &len);
  if (!f) return AE_ERR(AEON_ERR_MEM, "cannot buffer the effective parameters");
  aeon_deck_write_effective(s->deck, f);
  fclose(f);
  mt->ntiers = aeon_tiers_serialized_size(s->tiers);
  AE_CHK(aeon_mem_alloc(mt->ntiers + 1, (void **)&mt->tiers));
  aeon_tiers_serialize(s->tiers, mt->tiers);
  mt->nreceipts = s->receipts ? aeon_receipts_blob_size(s->receipts, s->rcpt_ck_first) : 0;
  AE_CHK(aeon_mem_alloc(mt->nreceipts + 1, (void **)&mt->receipts));
  if (s->receipts) aeon_receipts_blob_write(s->receipts, s->rcpt_ck_first, s->step, s->lineage, mt->receipts);
  return AEON_OK;
}

/* Rank 0, a fresh run: a receipt log left by an earlier run in this directory (--force) moves aside. */
static aeon_err set_aside_old_log(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return AEON_OK;
  char aside[4600], stamp[32];
  time_t now = time(NULL);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
  snprintf(aside, sizeof aside, "%s.replaced-%s", path, stamp);
  if (rename(path, aside) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot move the earlier run's receipt log '%s' aside: %s", path, strerror(errno));
  fprintf(stderr, "aeon: warning: the earlier run's receipt log was moved to %s\n", aside);
  return AEON_OK;
}

aeon_err aeon_sim_receipts_flush(aeon_sim *s, int sync) {
  if (!s->receipts) return AEON_OK;
  char path[4300];
  snprintf(path, sizeof path, "%s/receipts.log", s->rundir);
  AE_CHK(aeon_receipts_flush_quiet(s->receipts));
  if (s->rcpt_in_file == 0 && !s->restarted) AE_CHK(set_aside_old_log(path));
  AE_CHK(aeon_receipts_file_append(s->receipts, path, s->rcpt_in_file, sync));
  s->rcpt_in_file = aeon_receipts_count(s->receipts);
  return AEON_OK;
}

aeon_err aeon_sim_receipts_setup(aeon_sim *s) {
  if (!s->receipts) return AEON_OK;
  aeon_receipts_set_quiet_every(s->receipts, aeon_deck_int(s->deck, "receipts.quiet_steps"));
  const char *file = getenv("AEON_RECEIPT_KEY_FILE"), *from = "AEON_RECEIPT_KEY_FILE";
  if (!file || !file[0]) file = aeon_deck_string(s->deck, "receipts.key_file"), from = "receipts.key_file";
  if (file[0]) {
    uint8_t key[AEON_RECEIPT_KEY_MAX];
    size_t len = 0;
    aeon_err e = aeon_receipts_read_key(file, key, &len);
    if (!e) e = aeon_receipts_set_key(s->receipts, key, len);
    memset(key, 0, sizeof key);
    if (e) {
      char msg[1500];
      snprintf(msg, sizeof msg, "%s", aeon_error_message());
      return AE_ERR(e, "%s (named by %s)", msg, from);
    }
  }
  return aeon_receipts_new_lineage(s->lineage);
}

/* Rank 0: the anchor line of a checkpoint on standard output (printed even with --quiet). */
static void print_anchor(const aeon_sim *s, const char *path) {
  char head[65];
  aeon_receipts_head_hex(s->receipts, head);
  fprintf(s->log, "aeon: receipts anchor: %s step %ld receipts %zu head %s lineage %s%s\n", path, s->step,
          aeon_receipts_count(s->receipts), head, s->lineage, aeon_receipts_keyed(s->receipts) ? " keyed" : "");
  fflush(s->log);
}

aeon_err aeon_sim_checkpoint(aeon_sim *s) {
  aeon_timer_start(&s->timers, s->t_checkpoint);
  char path[4400];
  snprintf(path, sizeof path, "%s/chk_%08ld.h5", s->ckdir, s->step);
  aeon_checkpoint_meta mt;
  memset(&mt, 0, sizeof mt);
  aeon_err e = aeon_par_agree(s->comm, aeon_sim_receipts_flush(s, 1)); /* the log holds the chain up to here */
  if (!e) e = aeon_par_agree(s->comm, fill_meta(s, &mt));
  if (!e) e = aeon_checkpoint_write(&s->lev[0].mesh, aeon_mol_state(s->lev[0].mol), s->var_names, path, &mt);
  free(mt.effective);
  aeon_mem_free(mt.tiers);
  aeon_mem_free(mt.receipts);
  aeon_mem_free(mt.wisdom);
  if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  s->last_ck_wall = aeon_sim_wall(s);
  s->ck_due_wall = 0;
  if (s->rank == 0) print_anchor(s, path);
  size_t anchored = s->receipts ? aeon_receipts_count(s->receipts) : 0;
  aeon_sim_receipt(s, AEON_RCPT_CHECKPOINT_WRITTEN, "%s", path); /* index = count, prev = head: the anchor */
  AE_CHK(aeon_par_agree(s->comm, aeon_sim_receipts_flush(s, 0))); /* durable with the next checkpoint's fsync */
  s->rcpt_ck_first = anchored;
  if (s->rank == 0) aeon_checkpoint_prune(s->ckdir, (int)s->ck_keep, s->lineage);
  if (!s->opt.quiet && s->rank == 0) fprintf(s->log, "aeon: checkpoint written: %s\n", path);
  aeon_timer_stop(&s->timers, s->t_checkpoint);
  return AEON_OK;
}

aeon_err aeon_sim_check_fixed(const aeon_sim *s, const char *old_effective, const char *what) {
  aeon_deck *old = NULL;
  AE_CHK(aeon_deck_load(old_effective, strlen(old_effective), what, s->ps, 0, NULL, &old));
  aeon_err e = AEON_OK;
  for (int i = 0; i < aeon_paramset_count(s->ps) && !e; i++) {
    const aeon_param_decl *d = aeon_paramset_get(s->ps, i, NULL);
    if (d->restart == AEON_RESTART_FIXED && !aeon_deck_same_value(old, s->deck, d->key)) /* lists item by item */
      e = AE_ERR(AEON_ERR_USER,
                 "parameter '%s' cannot change at restart (it is fixed: %s); the checkpoint %s has a different value",
                 d->key, d->doc, what);
  }
  aeon_deck_destroy(old);
  return e;
}

aeon_err aeon_sim_trim_series(const aeon_sim *s, const char *name) {
  char path[4400], tmp[4500];
  snprintf(path, sizeof path, "%s/%s", s->rundir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *in = fopen(path, "r");
  if (!in) return AEON_OK;
  FILE *out = fopen(tmp, "w");
  if (!out) {
    fclose(in);
    return AE_ERR(AEON_ERR_IO, "cannot write '%s'", tmp);
  }
  char line[8192];
  while (fgets(line, sizeof line, in)) /* a row cut short by a failed write (no newline) is dropped */
    if (strchr(line, '\n') && (line[0] == '#' || atol(line) < s->step)) fputs(line, out);
  fclose(in);
  if (fclose(out) != 0 || rename(tmp, path) != 0) return AE_ERR(AEON_ERR_IO, "cannot rewrite '%s'", path);
  return AEON_OK;
}

/* Rank 0: the whole receipt chain the checkpoint anchors (its run directory's log + its own), verified. */
static aeon_err restore_receipts(aeon_sim *s, const aeon_checkpoint_meta *mt, const char *path) {
  if (!s->receipts) return AEON_OK;
  char logpath[4300];
  aeon_receipts_log_path(path, logpath, sizeof logpath);
  aeon_receipt_anchor a;
  AE_CHK(aeon_receipts_load(s->receipts, logpath, mt->receipts, mt->nreceipts, path, &a, &s->rcpt_file_has));
  s->rcpt_ck_first = a.count;
  snprintf(s->lineage, sizeof s->lineage, "%s", a.lineage);
  return AEON_OK;
}

aeon_err aeon_sim_load_checkpoint(aeon_sim *s, const char *path) {
  aeon_checkpoint_meta mt;
  AE_CHK(aeon_checkpoint_read_meta(s->comm, path, &mt));
  aeon_err e = aeon_sim_check_fixed(s, mt.effective, path);
  if (!e) e = aeon_checkpoint_read_fields(&s->lev[0].mesh, aeon_mol_state(s->lev[0].mol), s->var_names, path);
  if (!e) e = aeon_par_agree(s->comm, aeon_tiers_deserialize(s->tiers, mt.tiers, mt.ntiers));
  if (!e) e = aeon_par_agree(s->comm, restore_receipts(s, &mt, path));
  if (!e) e = aeon_sim_spectral_restore(s, &mt, path); /* before any FFT plan is made */
  if (!e) {
    s->step = mt.step, s->tick = mt.tick, s->t = mt.t, s->wall_prior = mt.wall;
    s->lev[0].t = mt.t;
    s->regime = (uint64_t)mt.sched[0], s->rollbacks = (long)mt.sched[1], s->halvings = (int)mt.sched[2];
    s->restarted = 1;
    aeon_mem_free(s->first_deck);
    s->first_deck = NULL;
    e = aeon_mem_strdup(mt.deck, &s->first_deck);
    if (mt.dt != s->dt) { /* keep the checkpoint's step size; only t_final may have moved */
      s->dt = mt.dt;
      s->nsteps = s->t_final > 0 ? (long)(s->t_final / s->dt + 0.5) : 0;
    }
    s->last_ck_wall = aeon_sim_wall(s);
    aeon_sim_receipt(s, AEON_RCPT_CHECKPOINT_VALIDATED, "%s", path);
    aeon_sim_receipt(s, AEON_RCPT_RESTART, "from step %ld on %d ranks", s->step, s->par.size);
  }
  aeon_checkpoint_meta_free(&mt);
  return e ? aeon_error_trace(e, __FILE__, __LINE__, __func__) : AEON_OK;
}

/* Copies file from to file to (rank 0; a missing from is no error). */
static aeon_err copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb");
  if (!in) return AEON_OK;
  FILE *out = fopen(to, "wb");
  char buf[65536];
  size_t n;
  int bad = !out;
  while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0) bad = fwrite(buf, 1, n, out) != n;
  fclose(in);
  if (out && fclose(out) != 0) bad = 1;
  return bad ? AE_ERR(AEON_ERR_IO, "cannot copy '%s' to '%s'", from, to) : AEON_OK;
}

/* Rank 0, a restart from a checkpoint older than others in the directory: a new lineage begins and the newer
 * checkpoints (with a copy of the receipt log) move to checkpoints.replaced-TIME/, as --force does. */
static aeon_err set_aside_newer(aeon_sim *s) {
  char(*paths)[4096] = NULL;
  AE_CHK(aeon_mem_alloc(256 * sizeof *paths, (void **)&paths));
  int n = aeon_checkpoint_list(s->ckdir, paths, 256), newer = 0;
  while (newer < n && atol(strrchr(paths[newer], '/') + 5) > s->step) newer++; /* newest first */
  char aside[4400], stamp[32], log[4300], name[4700];
  aeon_err e = AEON_OK;
  if (newer > 0) {
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
    snprintf(aside, sizeof aside, "%s.replaced-%s", s->ckdir, stamp);
    for (int k = 2; mkdir(aside, 0777) != 0 && errno == EEXIST && k < 100; k++)
      snprintf(aside, sizeof aside, "%s.replaced-%s-%d", s->ckdir, stamp, k);
    snprintf(log, sizeof log, "%s/receipts.log", s->rundir);
    snprintf(name, sizeof name, "%s/receipts.log", aside);
    e = copy_file(log, name);
  }
  for (int i = 0; i < newer && !e; i++) {
    snprintf(name, sizeof name, "%s/%s", aside, strrchr(paths[i], '/') + 1);
    if (rename(paths[i], name) != 0)
      e = AE_ERR(AEON_ERR_IO, "cannot move the newer checkpoint '%s' aside: %s", paths[i], strerror(errno));
  }
  if (!e && newer > 0) {
    fprintf(stderr, "aeon: warning: restarting from step %ld, older than %d checkpoint%s in %s: they were moved to "
            "%s and a new run lineage begins\n", s->step, newer, newer > 1 ? "s" : "", s->ckdir, aside);
    e = aeon_receipts_new_lineage(s->lineage);
  }
  aeon_mem_free(paths);
  return e;
}

/* Rank 0, once the restart is decided: the log file is cut to the checkpoint's receipts (what followed belongs to
 * a history that does not continue), a checkpoint from before lineages gets one, and an explicitly named older
 * checkpoint starts a new lineage. */
static aeon_err continue_history(aeon_sim *s, int explicit_file) {
  if (!s->receipts) return AEON_OK;
  if (explicit_file && !s->opt.no_files) AE_CHK(set_aside_newer(s));
  if (!s->lineage[0]) AE_CHK(aeon_receipts_new_lineage(s->lineage));
  s->rcpt_in_file = 0;
  if (s->rcpt_file_has < 0 || s->opt.no_files) return AEON_OK; /* no file: the next flush writes the whole chain */
  char log[4300];
  snprintf(log, sizeof log, "%s/receipts.log", s->rundir);
  if ((uint64_t)s->rcpt_file_has != s->rcpt_ck_first) AE_CHK(aeon_receipts_file_truncate(log, s->rcpt_ck_first));
  s->rcpt_in_file = s->rcpt_ck_first;
  return AEON_OK;
}

/* Tries the checkpoints of the run directory newest first; returns the step restarted from, or -1 if none exists. */
static aeon_err restart_auto(aeon_sim *s, long *from) {
  char paths[64][4096];
  int n = s->rank == 0 ? aeon_checkpoint_list(s->ckdir, paths, 64) : 0;
  AE_MPI(MPI_Bcast(&n, 1, MPI_INT, 0, s->comm));
  AE_MPI(MPI_Bcast(paths, n * 4096, MPI_CHAR, 0, s->comm));
  *from = -1;
  for (int i = 0; i < n; i++) {
    aeon_err e = aeon_sim_load_checkpoint(s, paths[i]);
    if (!e) {
      *from = s->step;
      return AEON_OK;
    }
    if (strstr(aeon_error_message(), "cannot change at restart")) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
    if (s->rank == 0) fprintf(stderr, "aeon: warning: skipping checkpoint: %s\n", aeon_error_message());
    s->step = 0, s->t = 0, s->tick = 0;
  }
  if (n > 0) return AE_ERR(AEON_ERR_USER, "no valid checkpoint in '%s' (%d damaged); see the warnings above", s->ckdir, n);
  return AEON_OK;
}

aeon_err aeon_sim_restart(aeon_sim *s) {
  long from = -1;
  if (strcmp(s->opt.restart, "auto") == 0) {
    AE_CHK(restart_auto(s, &from));
    if (from < 0 && s->rank == 0 && !s->opt.quiet)
      fprintf(s->log, "aeon: no checkpoint in %s: starting from the beginning\n", s->ckdir);
  } else {
    AE_CHK(aeon_sim_load_checkpoint(s, s->opt.restart));
    from = s->step;
  }
  if (from >= 0)
    AE_CHK(aeon_par_agree(s->comm, s->rank == 0 ? continue_history(s, strcmp(s->opt.restart, "auto") != 0) : AEON_OK));
  if (from >= 0 && !s->opt.quiet && s->rank == 0)
    fprintf(s->log, "aeon: restarted from step %ld (t = %.6g)\n", s->step, s->t);
  if (s->restarted && !s->opt.no_files)
    AE_CHK(aeon_par_agree(s->comm, s->rank == 0 ? aeon_sim_trim_series(s, "norms.dat") : AEON_OK));
  return AEON_OK;
}

/* The run directory of a checkpoint file: the parent of its checkpoints/ directory. */
void aeon_sim_rundir_of_checkpoint(const char *path, char *out, size_t len) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  char *d = dirname(tmp);
  char tmp2[4096];
  snprintf(tmp2, sizeof tmp2, "%s", d);
  snprintf(out, len, "%s", dirname(tmp2));
}
