/* Building a simulation from a deck, and the step loop. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/ioguard.h"
#include "aeon/memory.h"
#include "sim/sim_internal.h"

/* Reads the deck and builds everything that needs no file; errors are agreed across ranks by the caller. */
static aeon_err build(aeon_sim *s, const char *text, size_t len, const char *name, int nset,
                      const char *const *sets) {
  AE_CHK(aeon_params_all(&s->ps));
  AE_CHK(aeon_deck_load(text, len, name, s->ps, nset, sets, &s->deck));
  AE_CHK(aeon_mesh_global_from_deck(s->deck, &s->lev[0].mesh));
  s->phys = aeon_physics_find(aeon_deck_string(s->deck, "physics"));
  s->rk = aeon_rk_find(aeon_deck_string(s->deck, "time.integrator"));
  if (s->phys->nvar > AEON_MAX_VARS || s->phys->naux > AEON_MAX_VARS || s->phys->ndiag > AEON_MAX_DIAG)
    return AE_ERR(AEON_ERR_INTERNAL, "physics '%s' has too many variables or diagnostics", s->phys->name);
  s->t_final = aeon_deck_real(s->deck, "run.t_final");
  s->norms_every = aeon_deck_int(s->deck, "output.norms_every");
  s->fields_every = aeon_deck_int(s->deck, "output.fields_every");
  s->progress_seconds = aeon_deck_real(s->deck, "output.progress_seconds");
  s->ck_every = aeon_deck_int(s->deck, "checkpoint.every");
  s->ck_walltime = aeon_deck_real(s->deck, "checkpoint.walltime");
  s->ck_keep = aeon_deck_int(s->deck, "checkpoint.keep");
  s->ck_at_end = aeon_deck_bool(s->deck, "checkpoint.at_end");
  s->max_retries = (int)aeon_deck_int(s->deck, "faults.max_retries");
  s->recover_steps = aeon_deck_int(s->deck, "faults.recover_steps");
  s->taint_steps = aeon_deck_int(s->deck, "faults.taint_steps");
  aeon_io_watchdog_set(aeon_deck_real(s->deck, "io.watchdog_s"));
  return AEON_OK;
}

/* The test hook AEON_TEST_INJECT_NAN=STEP:RANK poisons step STEP on rank RANK once; AEON_TEST_STEP_SLEEP=S makes
 * every step S seconds slower (a slow step of known cost, for the progress-rate tests). */
static void read_test_hooks(aeon_sim *s) {
  const char *h = getenv("AEON_TEST_INJECT_NAN");
  s->inject_step = -1;
  if (h && sscanf(h, "%ld:%d", &s->inject_step, &s->inject_rank) != 2) s->inject_step = -1;
  h = getenv("AEON_TEST_STEP_SLEEP");
  s->test_step_sleep = h ? atof(h) : 0.0;
}

/* The receipts log (rank 0), the tier store, and the tier-3 profile of this machine. */
static aeon_err build_state(aeon_sim *s) {
  AE_CHK(aeon_max_agree_create(s->comm, 3, &s->health));
  if (s->rank == 0) AE_CHK(aeon_receipts_create(4096, &s->receipts));
  AE_CHK(aeon_sim_receipts_setup(s));
  AE_CHK(aeon_tiers_create(s->receipts, &s->tiers));
  aeon_sim_tier_clock(s);
  int64_t profile[5] = {s->par.size, s->par.node_size, s->par.dims[0], s->par.dims[1], s->par.dims[2]};
  AE_CHK(aeon_tiers_put(s->tiers, 3, "hw.profile", profile, sizeof profile, 0));
  read_test_hooks(s);
  return AEON_OK;
}

/* Sets dt = cfl * min(dx), shrunk so that an integer number of steps reaches t_final. */
static void choose_dt(aeon_sim *s) {
  const aeon_mesh *m = &s->lev[0].mesh;
  double h = fmin(m->dx[0], fmin(m->dx[1], m->dx[2]));
  double dt = aeon_deck_real(s->deck, "time.cfl") * h;
  s->nsteps = s->t_final > 0 ? (long)ceil(s->t_final / dt * (1.0 - 1e-14)) : 0;
  s->dt = s->nsteps > 0 ? s->t_final / (double)s->nsteps : dt;
  long max_steps = aeon_deck_int(s->deck, "run.max_steps");
  if (s->nsteps > max_steps) s->nsteps = max_steps;
}

/* Level l's mesh is set up: the module's descriptors, its boundary services, integrator and auxiliary fields. */
static aeon_err build_level(aeon_sim *s, aeon_level *L) {
  const aeon_physics_ops *p = s->phys;
  L->t = s->t;
  AE_CHK(aeon_boundary_create(&L->mesh, p->nvar, L->vars, s->origin, &L->bnd));
  aeon_boundary_set_extrap(L->bnd, s->rad_extrap);
  AE_CHK(aeon_boundary_create(&L->mesh, p->naux, L->aux, s->origin, &L->aux_bnd));
  AE_CHK(aeon_mol_create(&L->mesh, p, s->self, s->mod_setup.stencil_radius, s->rk, L->bnd, &s->timers, &L->mol));
  if (p->naux > 0) AE_CHK(aeon_fields_create(&L->mesh, p->naux, &L->auxf));
  aeon_mol_set_max_abs(L->mol, aeon_deck_real(s->deck, "faults.max_abs"));
  return p->initial_data(s->self, &L->mesh, s->t, aeon_mol_state(L->mol));
}

/* output.fields: the evolved and auxiliary fields snapshots write, by name ([] = all of them, in declaration order). */
static aeon_err select_output(aeon_sim *s) {
  int nall = s->phys->nvar + s->phys->naux, n = aeon_deck_strlist_len(s->deck, "output.fields");
  s->nout = n ? n : nall;
  for (int i = 0; i < s->nout; i++) {
    const char *name = n ? aeon_deck_strlist(s->deck, "output.fields", i) : s->var_names[i];
    int v = 0;
    while (v < nall && strcmp(s->var_names[v], name) != 0) v++;
    if (v == nall) {
      const char *near = aeon_nearest_name(name, nall, s->var_names);
      return AE_ERR(AEON_ERR_USER, "%s: output.fields[%d] = '%s' is not a field of physics '%s' (did you mean '%s'?)",
                    aeon_deck_filename(s->deck), i, name, s->phys->name, near ? near : "");
    }
    for (int j = 0; j < i; j++)
      if (s->out_vars[j] == v)
        return AE_ERR(AEON_ERR_USER, "%s: output.fields lists '%s' twice", aeon_deck_filename(s->deck), name);
    s->out_vars[i] = v;
  }
  return AEON_OK;
}

/* The module's descriptors copied for level 0, then create, which may adjust them and set the boundary centre. */
static aeon_err create_module(aeon_sim *s) {
  const aeon_physics_ops *p = s->phys;
  aeon_level *L = &s->lev[0];
  memcpy(L->vars, p->vars, sizeof(aeon_field_desc) * (size_t)p->nvar);
  if (p->naux) memcpy(L->aux, p->aux, sizeof(aeon_field_desc) * (size_t)p->naux);
  aeon_phys_setup setup = {.vars = L->vars, .nvar = p->nvar, .aux = L->aux, .naux = p->naux};
  AE_CHK(p->create(s->deck, &L->mesh, &setup, &s->self));
  memcpy(s->origin, setup.origin, sizeof s->origin);
  s->rad_extrap = setup.rad_extrap;
  s->mod_setup = setup;
  if (setup.nanalysis < 0 || setup.nanalysis > AEON_MAX_ANALYSIS || (setup.nanalysis && !p->analysis) ||
      (setup.nanalysis && !setup.analysis_names))
    return AE_ERR(AEON_ERR_INTERNAL, "physics '%s' announces %d analysis values (0 to %d, with an op and names)",
                  p->name, setup.nanalysis, AEON_MAX_ANALYSIS);
  s->nanalysis = setup.nanalysis;
  s->analysis_names = setup.analysis_names;
  for (int v = 0; v < p->nvar; v++) s->var_names[v] = L->vars[v].name;
  for (int v = 0; v < p->naux; v++) s->var_names[p->nvar + v] = L->aux[v].name;
  return select_output(s);
}

/* Builds the process grid, patch, physics and integrator (collective). */
static aeon_err build_parallel(aeon_sim *s) {
  long dims_l[3];
  int dims[3], periodic[3];
  aeon_deck_int3(s->deck, "parallel.dims", dims_l);
  for (int d = 0; d < 3; d++) dims[d] = (int)dims_l[d];
  aeon_mesh_periodicity(&s->lev[0].mesh, periodic);
  AE_CHK(aeon_par_create(s->comm, dims, periodic, s->lev[0].mesh.N, &s->par));
  s->have_par = 1;
  if (aeon_deck_bool(s->deck, "parallel.bind")) AE_CHK(aeon_par_bind(&s->par));
  AE_CHK(aeon_mesh_setup_patch(&s->lev[0].mesh, &s->par));
  s->nlevels = 1;
  AE_CHK(aeon_sim_check_memory(s));
  AE_CHK(create_module(s));
  choose_dt(s);
  AE_CHK(aeon_sim_check_stability(s));
  return build_level(s, &s->lev[0]);
}

aeon_err aeon_sim_create(MPI_Comm comm, const char *text, size_t len, const char *name, int nset,
                         const char *const *sets, const aeon_sim_options *opt, aeon_sim **simp) {
  aeon_sim *s = NULL;
  *simp = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *s, (void **)&s);
  AE_CHK(aeon_par_agree(comm, e));
  s->comm = comm;
  MPI_Comm_rank(comm, &s->rank);
  if (opt) s->opt = *opt;
  s->log = s->opt.log ? s->opt.log : stdout;
  aeon_timers_init(&s->timers);
  s->t_step = aeon_timer_id(&s->timers, "step (total)");
  s->t_diag = aeon_timer_id(&s->timers, "diagnostics");
  s->t_output = aeon_timer_id(&s->timers, "output");
  s->t_checkpoint = aeon_timer_id(&s->timers, "checkpoint");
  s->t_reduce = aeon_timer_id(&s->timers, "reductions (exact)");
  *simp = s;
  AE_CHK(aeon_par_agree(comm, build(s, text, len, name, nset, sets)));
  AE_CHK(aeon_par_agree(comm, build_parallel(s)));
  AE_CHK(aeon_par_agree(comm, build_state(s)));
  AE_CHK(aeon_par_agree(comm, aeon_sim_spectral_check(s)));
  aeon_sim_output_names(s);
  if (s->opt.restart) AE_CHK(aeon_sim_restart(s));
  if (!s->opt.no_files) AE_CHK(aeon_par_agree(comm, aeon_sim_output_open(s, s->restarted)));
  if (!s->opt.quiet) AE_CHK(aeon_par_report(&s->par, s->log));
  aeon_sim_receipt(s, AEON_RCPT_RUN_START, "%s on %d ranks from step %ld", name, s->par.size, s->step);
  const aeon_phys_setup *ms = &s->mod_setup; /* a receipt the module made before the log existed */
  if (ms->receipt_kind > 0 && s->receipts)
    AE_CHK(aeon_receipts_append(s->receipts, (aeon_receipt_kind)ms->receipt_kind, s->step, s->t, s->dt, ms->receipt_wall,
                                "%s", ms->receipt));
  AE_CHK(aeon_par_agree(comm, aeon_sim_spectral_setup(s)));
  s->rcpt_file_ok = !s->opt.no_files;
  return AEON_OK;
}

aeon_err aeon_sim_read_deck(MPI_Comm comm, const char *path, char **textp, size_t *lenp) {
  int rank;
  AE_MPI(MPI_Comm_rank(comm, &rank));
  char *text = NULL;
  size_t len = 0;
  aeon_err e = rank == 0 ? aeon_deck_read_file(path, &text, &len) : AEON_OK;
  AE_CHK(aeon_par_agree(comm, e));
  long n = (long)len;
  AE_MPI(MPI_Bcast(&n, 1, MPI_LONG, 0, comm));
  if (rank != 0) text = calloc((size_t)n + 1, 1);
  e = aeon_par_agree(comm, text ? AEON_OK : AE_ERR(AEON_ERR_MEM, "out of memory for the text of deck '%s'", path));
  if (e) {
    free(text);
    return e;
  }
  AE_MPI(MPI_Bcast(text, (int)n, MPI_CHAR, 0, comm));
  *textp = text;
  *lenp = (size_t)n;
  return AEON_OK;
}

aeon_err aeon_sim_create_from_file(MPI_Comm comm, const char *path, int nset, const char *const *sets,
                                   const aeon_sim_options *opt, aeon_sim **sim) {
  char *text = NULL;
  size_t len = 0;
  AE_CHK(aeon_sim_read_deck(comm, path, &text, &len));
  aeon_err e = aeon_sim_create(comm, text, len, path, nset, sets, opt, sim);
  free(text);
  return e == AEON_OK ? AEON_OK : aeon_error_trace(e, __FILE__, __LINE__, __func__);
}

/* The checks of build_parallel without a process grid of `ranks` ranks or any field: the dims (from parallel.dims),
 * the largest patch, the module's set-up and output selection, and dt. */
static aeon_err plan_parallel(aeon_sim *s, int ranks, int dims[3]) {
  long dims_l[3];
  aeon_deck_int3(s->deck, "parallel.dims", dims_l);
  for (int d = 0; d < 3; d++) dims[d] = (int)dims_l[d];
  AE_CHK(aeon_par_choose_dims(ranks, s->lev[0].mesh.N, dims));
  memcpy(s->par.dims, dims, sizeof s->par.dims); /* coordinates 0: the largest patch; no communicator */
  s->par.size = ranks;
  s->par.world = s->par.cart = s->par.node = MPI_COMM_NULL; /* a plan: modules check, compute nothing (parallel.h) */
  AE_CHK(aeon_mesh_setup_patch(&s->lev[0].mesh, &s->par));
  AE_CHK(create_module(s));
  choose_dt(s);
  return AEON_OK;
}

/* aeon_par_agree, or the error itself on a single process without MPI (comm MPI_COMM_NULL). */
static aeon_err agree(MPI_Comm comm, aeon_err e) { return comm == MPI_COMM_NULL ? e : aeon_par_agree(comm, e); }

aeon_err aeon_sim_check(MPI_Comm comm, const char *text, size_t len, const char *name, int nset,
                        const char *const *sets, const aeon_sim_options *opt, int ranks, FILE *plan, FILE *params) {
  aeon_sim *s = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *s, (void **)&s);
  AE_CHK(agree(comm, e));
  s->comm = comm;
  if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &s->rank);
  if (opt) s->opt = *opt;
  int dims[3] = {0, 0, 0};
  e = agree(comm, build(s, text, len, name, nset, sets));
  if (!e) e = agree(comm, plan_parallel(s, ranks, dims));
  if (!e) e = agree(comm, aeon_sim_spectral_check(s));
  if (!e && s->rank == 0) {
    aeon_sim_output_names(s);
    if (plan) aeon_sim_plan_print(s, plan, ranks, dims, aeon_sim_plan_memory(s, dims), 0);
    if (params) aeon_deck_write_effective(s->deck, params);
  }
  aeon_sim_destroy(s);
  return e;
}

void aeon_sim_destroy(aeon_sim *s) {
  if (!s) return;
  if (s->rcpt_file_ok) aeon_sim_receipts_flush(s, 1); /* what happened since the last checkpoint (best effort) */
  aeon_sim_spectral_destroy(s);
  aeon_tiers_destroy(s->tiers);
  aeon_max_agree_destroy(s->health);
  aeon_mem_free(s->first_deck);
  aeon_receipts_destroy(s->receipts);
  aeon_series_close(s->series);
  for (int l = 0; l < s->nlevels; l++) {
    aeon_mol_destroy(s->lev[l].mol);
    aeon_boundary_destroy(s->lev[l].bnd);
    aeon_boundary_destroy(s->lev[l].aux_bnd);
    if (s->lev[l].auxf.data) aeon_fields_destroy(&s->lev[l].auxf);
  }
  if (s->phys && s->self) s->phys->destroy(s->self);
  if (s->have_par) aeon_par_destroy(&s->par);
  aeon_deck_destroy(s->deck);
  aeon_paramset_destroy(s->ps);
  aeon_mem_free(s);
}

aeon_err aeon_sim_step(aeon_sim *s) {
  aeon_timer_start(&s->timers, s->t_step);
  AE_CHK(aeon_sim_advance(s));
  aeon_timer_stop(&s->timers, s->t_step);
  if (s->diag_pending && aeon_mol_diagnostics_done(s->lev[0].mol)) { /* the row of the step before this one */
    s->diag_pending = 0;
    AE_CHK(aeon_sim_diag_finish(s, s->diag_step, s->diag_t));
  }
  return AEON_OK;
}

double aeon_sim_wall(const aeon_sim *s) { return s->wall_prior + (MPI_Wtime() - s->timers.t0); }

void aeon_sim_receipt(aeon_sim *s, aeon_receipt_kind kind, const char *fmt, ...) {
  if (!s->receipts) return;
  char detail[AEON_RECEIPT_DETAIL];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  aeon_receipts_append(s->receipts, kind, s->step, s->t, s->dt, aeon_sim_wall(s), "%s", detail);
}

void aeon_sim_quiet_step(aeon_sim *s) {
  if (s->receipts) aeon_receipts_quiet_step(s->receipts, s->step, s->t, s->dt, aeon_sim_wall(s), 1 << s->halvings);
}

void aeon_sim_tier_clock(aeon_sim *s) {
  aeon_tier_clock c = {s->step, s->tick, s->regime, s->t, s->dt, aeon_sim_wall(s)};
  aeon_tiers_set_clock(s->tiers, &c);
}

/* Reduces the accumulators exactly into s->l2 and s->max. */
static aeon_err reduce_diagnostics(aeon_sim *s) {
  int nd = s->phys->ndiag;
  aeon_timer_start(&s->timers, s->t_reduce);
  AE_CHK(aeon_norm_acc_allreduce(s->acc, nd, s->comm));
  aeon_timer_stop(&s->timers, s->t_reduce);
  const aeon_mesh *m = &s->lev[0].mesh;
  double dv = m->dx[0] * m->dx[1] * m->dx[2];
  for (int i = 0; i < nd; i++) {
    s->l2[i] = aeon_norm_acc_l2(&s->acc[i], dv);
    s->max[i] = aeon_norm_acc_max(&s->acc[i]);
  }
  return AEON_OK;
}

aeon_err aeon_sim_diag_pass(aeon_sim *s) {
  aeon_timer_start(&s->timers, s->t_diag);
  int nd = s->phys->ndiag;
  for (int i = 0; i < nd; i++) aeon_norm_acc_init(&s->acc[i]);
  if (s->phys->diagnostics) {
    aeon_level *L = &s->lev[0];
    AE_CHK(aeon_mol_fill_ghosts(L->mol));
    aeon_box interior = aeon_mesh_interior(&L->mesh);
    s->phys->diagnostics(s->self, &L->mesh, s->t, aeon_mol_state(L->mol), &L->auxf, s->acc, &interior);
  }
  aeon_timer_stop(&s->timers, s->t_diag);
  return AEON_OK;
}

aeon_err aeon_sim_diagnostics(aeon_sim *s, double *l2, double *max) {
  AE_CHK(aeon_sim_diag_pass(s));
  AE_CHK(reduce_diagnostics(s));
  for (int i = 0; i < s->phys->ndiag; i++) l2[i] = s->l2[i], max[i] = s->max[i];
  return AEON_OK;
}

aeon_err aeon_sim_analysis(aeon_sim *s) {
  if (s->nanalysis == 0) return AEON_OK;
  aeon_timer_start(&s->timers, s->t_diag);
  aeon_level *L = &s->lev[0];
  AE_CHK(aeon_mol_fill_ghosts(L->mol));
  AE_CHK(s->phys->analysis(s->self, &L->mesh, s->t, aeon_mol_state(L->mol), &L->auxf, s->ana));
  aeon_timer_stop(&s->timers, s->t_diag);
  return AEON_OK;
}

aeon_err aeon_sim_diag_finish(aeon_sim *s, long step, double t) {
  aeon_timer_start(&s->timers, s->t_diag);
  AE_CHK(reduce_diagnostics(s));
  aeon_timer_stop(&s->timers, s->t_diag);
  int nd = s->phys->ndiag, nc = 0;
  s->row[nc++] = (double)step;
  s->row[nc++] = t;
  s->row[nc++] = s->dt;
  for (int i = 0; i < nd; i++) {
    s->row[nc++] = s->l2[i];
    s->row[nc++] = s->max[i];
  }
  for (int i = 0; i < s->nanalysis; i++) s->row[nc++] = s->ana[i];
  aeon_err e = AEON_OK;
  if (s->rank == 0 && s->series) { /* rank 0 writes; every rank learns whether it could */
    char path[4200];
    snprintf(path, sizeof path, "%s/norms.dat", s->rundir);
    int guard = aeon_io_phase_begin("norms row", path);
    e = aeon_series_append(s->series, s->row);
    aeon_io_phase_end(guard);
  }
  AE_CHK(aeon_io_agree(s->comm, e));
  return AEON_OK;
}

/* 1 if a checkpoint is due after the step just taken (every rank decides the same). */
static int checkpoint_due(const aeon_sim *s) {
  if (s->opt.no_files) return 0;
  return s->stop_signal || s->ck_due_wall || (s->ck_every > 0 && s->step % s->ck_every == 0) ||
         (s->ck_at_end && s->step == s->nsteps);
}

aeon_err aeon_sim_run(aeon_sim *s) {
  if (!s->opt.quiet) AE_CHK(aeon_sim_summary(s));
  s->run_start = s->last_progress = MPI_Wtime();
  s->run_start_step = s->step;
  if (!s->opt.no_files) AE_CHK(aeon_sim_output_step(s, s->step == s->nsteps));
  while (s->step < s->nsteps && !s->stop_signal) {
    AE_CHK(aeon_sim_step(s));
    if (!s->opt.no_files) AE_CHK(aeon_sim_output_step(s, s->step == s->nsteps));
    if (s->stop_signal) {
      char why[512];
      aeon_sim_describe_stop(s, why, sizeof why);
      aeon_sim_receipt(s, AEON_RCPT_SIGNAL, "%s", why);
    }
    if (checkpoint_due(s)) AE_CHK(aeon_sim_checkpoint(s));
    aeon_sim_progress(s, 0);
  }
  aeon_sim_consume_stop_file(s);

  aeon_sim_progress(s, 1);
  if (!s->opt.quiet) AE_CHK(aeon_timers_report(&s->timers, s->comm, s->log));
  if (!s->opt.quiet && !s->opt.no_files && s->rank == 0) { /* the final line says why the run ended */
    char why[512];
    aeon_sim_describe_stop(s, why, sizeof why);
    aeon_stop_kind k = aeon_sim_stop_reason(s, NULL);
    if (k == AEON_STOP_NONE)
      fprintf(s->log, "aeon: run finished at step %ld, t = %.6g; output in %s/\n", s->step, s->t, s->rundir);
    else
      fprintf(s->log, "aeon: run stopped at step %ld, t = %.6g: %s%s; checkpoint written, %s; output in %s/\n", s->step,
              s->t, why, k == AEON_STOP_REQUESTED && s->stop_code == AEON_STOP_CODE_FILE ? " (removed)" : "",
              k == AEON_STOP_SIGNAL ? "continue with --restart auto" : "not to be continued automatically", s->rundir);
  }
  return AEON_OK;
}

int aeon_sim_ndiag(const aeon_sim *s, const char *const **names) {
  if (names) *names = s->phys->diag_names;
  return s->phys->ndiag;
}
const aeon_mesh *aeon_sim_mesh(const aeon_sim *s) { return &s->lev[0].mesh; }
const aeon_fields *aeon_sim_fields(aeon_sim *s) {
  aeon_mol_fill_ghosts(s->lev[0].mol);
  return aeon_mol_state(s->lev[0].mol);
}
const char *const *aeon_sim_var_names(const aeon_sim *s) { return s->var_names; }
int aeon_sim_nlevels(const aeon_sim *s) { return s->nlevels; }
const aeon_field_desc *aeon_sim_field_desc(const aeon_sim *s, int level, int *nvar) {
  if (nvar) *nvar = s->phys->nvar;
  return s->lev[level].vars;
}
aeon_fields *aeon_sim_state(aeon_sim *s, int level) { return aeon_mol_state(s->lev[level].mol); }
double aeon_sim_time(const aeon_sim *s) { return s->t; }
double aeon_sim_dt(const aeon_sim *s) { return s->dt; }
const char *aeon_sim_integrator(const aeon_sim *s) { return s->rk->name; }
long aeon_sim_stepno(const aeon_sim *s) { return s->step; }
const char *aeon_sim_rundir(const aeon_sim *s) { return s->rundir; }
const aeon_timers *aeon_sim_timers(const aeon_sim *s) { return &s->timers; }
