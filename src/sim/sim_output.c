/* What a run writes: the run directory, the deck, norms.dat, field snapshots, and progress lines. */
#include <errno.h>
#include <dirent.h>
#include <libgen.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <math.h>
#include <string.h>

#include "sim/sim_internal.h"

/* The run directory: output.dir, or the deck's file name without directory and .yaml/.yml. */
static void rundir_name(const aeon_sim *s, char *out, size_t len) {
  const char *dir = aeon_deck_string(s->deck, "output.dir");
  if (dir[0]) {
    snprintf(out, len, "%s", dir);
    return;
  }
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", aeon_deck_filename(s->deck));
  snprintf(out, len, "%s", basename(tmp));
  char *dot = strrchr(out, '.');
  if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0)) *dot = '\0';
  if (!out[0]) snprintf(out, len, "aeon_run");
}

/* Rank 0 writes a text file in the run directory. */
static aeon_err write_text(const aeon_sim *s, const char *name, const char *text, const aeon_deck *eff) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", s->rundir, name);
  FILE *f = fopen(path, "w");
  if (!f) return AE_ERR(AEON_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  if (text) fputs(text, f);
  if (eff) aeon_deck_write_effective(eff, f);
  if (fclose(f) != 0) return AE_ERR(AEON_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  return AEON_OK;
}

/* Rank 0: the deck as given, the effective parameters, the header of norms.dat (a restarted run keeps
 * deck.yaml and continues norms.dat), and the temporal collection fields.xmf of the snapshots up to the restart
 * step (none for a fresh run). */
static aeon_err open_rank0_files(aeon_sim *s, int restarted) {
  if (!restarted) AE_CHK(write_text(s, "deck.yaml", aeon_deck_text(s->deck), NULL));
  AE_CHK(write_text(s, "params.yaml", NULL, s->deck));
  const char *cols[3 + 2 * AEON_MAX_DIAG + AEON_MAX_ANALYSIS];
  char names[2 * AEON_MAX_DIAG][64];
  int nd = s->phys->ndiag, nc = 0;
  cols[nc++] = "step";
  cols[nc++] = "t";
  cols[nc++] = "dt";
  for (int i = 0; i < nd; i++) {
    snprintf(names[2 * i], 64, "L2_%s", s->phys->diag_names[i]);
    snprintf(names[2 * i + 1], 64, "max_%s", s->phys->diag_names[i]);
    cols[nc++] = names[2 * i];
    cols[nc++] = names[2 * i + 1];
  }
  for (int i = 0; i < s->nanalysis; i++) cols[nc++] = s->analysis_names[i];
  char header[512];
  snprintf(header, sizeof header,
           "Aeon norms: physics %s, grid %ld x %ld x %ld, %s, dt %.17g\n"
           "L2 norms are sqrt(sum f^2 dx dy dz) over the global grid; max norms are max |f|\n"
           "units: geometric (G = c = 1)",
           s->phys->name, s->lev[0].mesh.N[0], s->lev[0].mesh.N[1], s->lev[0].mesh.N[2], s->rk->name, s->dt);
  char path[4200];
  snprintf(path, sizeof path, "%s/norms.dat", s->rundir);
  AE_CHK(aeon_series_open(path, restarted ? NULL : header, nc, cols, &s->series));
  AE_CHK(aeon_snapshot_collection_rebuild(s->rundir, "fields", restarted ? s->step : -1));
  return AEON_OK;
}

void aeon_sim_output_names(aeon_sim *s) {
  if (s->opt.restart && strcmp(s->opt.restart, "auto") != 0) /* continue where the checkpoint lives */
    aeon_sim_rundir_of_checkpoint(s->opt.restart, s->rundir, sizeof s->rundir);
  else
    rundir_name(s, s->rundir, sizeof s->rundir);
  snprintf(s->ckdir, sizeof s->ckdir, "%s/checkpoints", s->rundir);
}

/* Rank 0, --force over an earlier run: its checkpoints move to checkpoints.replaced-TIME/ (nothing is deleted). */
static aeon_err set_aside_checkpoints(const aeon_sim *s) {
  char aside[4400], stamp[32];
  time_t now = time(NULL);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
  snprintf(aside, sizeof aside, "%s.replaced-%s", s->ckdir, stamp);
  if (rename(s->ckdir, aside) != 0 || mkdir(s->ckdir, 0777) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot move the earlier run's checkpoints '%s' aside: %s", s->ckdir, strerror(errno));
  fprintf(stderr, "aeon: warning: --force: the earlier run's checkpoints were moved to %s\n", aside);
  return AEON_OK;
}

/* Removes chk_*.h5.tmp left by a run that was killed while writing (never a finished checkpoint). */
static void remove_stale_tmp(const char *ckdir) {
  DIR *d = opendir(ckdir);
  if (!d) return;
  struct dirent *en;
  char p[4400];
  while ((en = readdir(d))) {
    size_t len = strlen(en->d_name);
    if (strncmp(en->d_name, "chk_", 4) == 0 && len > 7 && strcmp(en->d_name + len - 7, ".h5.tmp") == 0) {
      snprintf(p, sizeof p, "%s/%s", ckdir, en->d_name);
      unlink(p);
    }
  }
  closedir(d);
}

aeon_err aeon_sim_output_open(aeon_sim *s, int restarted) {
  AE_CHK(aeon_rundir_prepare(s->comm, s->rundir, s->opt.force || s->opt.restart));
  aeon_err e = AEON_OK;
  char old[1][4096];
  if (s->rank == 0 && mkdir(s->ckdir, 0777) != 0 && errno != EEXIST)
    e = AE_ERR(AEON_ERR_IO, "cannot create checkpoint directory '%s': %s", s->ckdir, strerror(errno));
  else if (s->rank == 0 && !restarted && aeon_checkpoint_list(s->ckdir, old, 1) > 0)
    e = set_aside_checkpoints(s); /* reached with --force only: otherwise the directory was refused */
  if (!e && s->rank == 0) remove_stale_tmp(s->ckdir);
  if (!e && s->rank == 0) e = open_rank0_files(s, restarted);
  AE_CHK(aeon_par_agree(s->comm, e));
  return AEON_OK;
}

static int due(long step, long every, int last) { return last || step == 0 || (every > 0 && step % every == 0); }

/* The norms.dat row of this step: fused into the next step's first stage when the module allows it and a next step
 * will be taken right away (not the last step, no stop, no snapshot needing auxiliary fields), else a separate pass.
 * A module with an analysis op gets a separate pass, then the op (on this step's state and auxiliary fields). */
static aeon_err norms_row(aeon_sim *s, int last, int snapshot) {
  int fuse = !last && !s->stop_signal && !(snapshot && s->phys->naux > 0) && s->step < s->nsteps && !s->nanalysis;
  if (fuse) {
    for (int i = 0; i < s->phys->ndiag; i++) aeon_norm_acc_init(&s->acc[i]);
    if (aeon_mol_fuse_diagnostics(s->lev[0].mol, s->acc, &s->lev[0].auxf)) {
      s->diag_pending = 1, s->diag_step = s->step, s->diag_t = s->t;
      return AEON_OK;
    }
  }
  AE_CHK(aeon_sim_diag_pass(s));
  AE_CHK(aeon_sim_analysis(s));
  return aeon_sim_diag_finish(s, s->step, s->t);
}

/* The fields output.fields selects: evolved variables from the state, auxiliary ones from the level's aux fields. */
static aeon_err write_snapshot(aeon_sim *s) {
  aeon_level *L = &s->lev[0];
  const double *vars[2 * AEON_MAX_VARS];
  const char *names[2 * AEON_MAX_VARS];
  int nvar = s->phys->nvar;
  for (int i = 0; i < s->nout; i++) {
    int v = s->out_vars[i];
    vars[i] = v < nvar ? aeon_var(aeon_mol_state(L->mol), v) : aeon_var(&L->auxf, v - nvar);
    names[i] = s->var_names[v];
  }
  AE_CHK(aeon_mol_fill_ghosts(L->mol));
  aeon_snapshot_info info = {s->step, s->t, aeon_deck_text(s->deck), s->phys->name};
  return aeon_snapshot_write_vars(&L->mesh, s->nout, vars, names, s->rundir, "fields", &info);
}

aeon_err aeon_sim_output_step(aeon_sim *s, int last) {
  int snapshot = s->fields_every > 0 && due(s->step, s->fields_every, last);
  if (due(s->step, s->norms_every, last)) AE_CHK(norms_row(s, last, snapshot));
  else if (snapshot && s->phys->naux > 0) AE_CHK(aeon_sim_diag_pass(s)); /* the auxiliary fields of this step */
  AE_CHK(aeon_sim_spectral_step(s, last));
  aeon_timer_start(&s->timers, s->t_output);
  if (snapshot) AE_CHK(write_snapshot(s));
  aeon_timer_stop(&s->timers, s->t_output);
  return AEON_OK;
}

void aeon_sim_progress(aeon_sim *s, int force) {
  if (s->test_step_sleep > 0 && !force) { /* called once per step: the test hook's slow step */
    struct timespec ts = {(time_t)s->test_step_sleep, (long)(1e9 * (s->test_step_sleep - floor(s->test_step_sleep)))};
    nanosleep(&ts, NULL);
  }
  if (s->opt.quiet || s->rank != 0) return;
  double now = MPI_Wtime();
  if (!force && now - s->last_progress < s->progress_seconds) return;
  if (force && s->step == s->last_progress_step && s->step > 0) return; /* already printed for this step */
  s->last_progress_step = s->step;
  s->last_progress = now;
  /* The rate and ETA count only this job's steps (since run_start_step), not those before a restart. */
  double el = now - s->run_start, done = (double)(s->step - s->run_start_step);
  double pts = (double)s->lev[0].mesh.N[0] * (double)s->lev[0].mesh.N[1] * (double)s->lev[0].mesh.N[2];
  double rate = el > 0 ? pts * done / el : 0.0;
  double eta = done > 0 ? el * (double)(s->nsteps - s->step) / done : 0.0;
  char norms[256] = "";
  size_t used = 0;
  for (int i = 0; i < s->phys->ndiag && i < 2 && used < sizeof norms; i++)
    used += (size_t)snprintf(norms + used, sizeof norms - used, " |%s|=%.3e", s->phys->diag_names[i], s->l2[i]);
  fprintf(s->log, "step %6ld/%ld  t=%-10.5g dt=%.3e%s  %.3g zone-updates/s  ETA %.0fs\n", s->step,
          s->nsteps, s->t, s->dt, norms, rate, eta);
  fflush(s->log);
}
