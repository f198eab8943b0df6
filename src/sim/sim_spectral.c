/* The spectral diagnostics of a run, driven by the deck (spectral.loom_every, spectral.poisson_every). Set-up
 * (after a restart, so that a checkpoint's FFTW wisdom is already in memory): one FFT plan of level 0's mesh
 * for the variable spectral.loom_field (cosine or sine transforms where both faces of a direction are symmetry
 * faces, chosen from the variable's parity), recorded as an fft-plan receipt (planning seconds, wisdom hit or
 * miss and where the wisdom came from), then RUNDIR/loom.dat and RUNDIR/poisson_check.dat (appended to after a
 * restart). Each output step: the loom's band spectra of the variable, and the Poisson check (the variable
 * recovered from its spectral Laplacian by a Poisson solve, as a relative max error). Checkpoints carry the
 * wisdom gathered over the ranks (/fftw_wisdom); a restart imports it before planning. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/spectral.h"
#include "sim/sim_internal.h"

typedef struct aeon_sim_spectral aeon_sim_spectral;

struct aeon_sim_spectral {
  aeon_spectral *plan;
  aeon_loom *loom;        /* NULL: no loom */
  aeon_series *check;     /* rank 0, NULL: no Poisson check */
  long poisson_every;
  int var;                /* the sampled evolved variable */
  int odd;                /* some direction uses sine transforms: the field has no mean mode */
  double *scratch;        /* two compact variables on this rank's box */
  int t_spectral;         /* timer */
};

/* The variable spectral.loom_field names (empty: the first); AEON_ERR_USER listing the evolved variables. */
static aeon_err pick_var(const aeon_sim *s, int *v) {
  const char *name = aeon_deck_string(s->deck, "spectral.loom_field");
  *v = name[0] ? aeon_field_find(s->lev[0].vars, s->phys->nvar, name) : 0;
  if (*v >= 0) return AEON_OK;
  char list[512] = "";
  for (int i = 0; i < s->phys->nvar; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", s->lev[0].vars[i].name);
  return AE_ERR(AEON_ERR_USER, "spectral.loom_field = '%s' is not an evolved variable of physics %s (one of %s)",
                name, s->phys->name, list);
}

/* The fft-plan receipt and, unless quiet, a log line: shape, ranks, planner, hit or miss, seconds, wisdom source. */
static void record_plan(aeon_sim *s, const aeon_spectral_opts *o) {
  static const char *efforts[] = {"estimate", "measure", "patient", "exhaustive", "wisdom-only"};
  aeon_spectral_info in = aeon_spectral_get_info(s->spec->plan);
  const aeon_mesh *m = &s->lev[0].mesh;
  const char *from = in.wisdom_loaded == 1 ? "cache file" : s->fft_wisdom_ck == 1 ? "checkpoint" : "memory";
  char what[96];
  if (in.wisdom_hit == 1) snprintf(what, sizeof what, "hit, wisdom from %s", from);
  else if (in.wisdom_hit == 0) snprintf(what, sizeof what, "miss, measured%s", in.wisdom_saved ? ", saved" : "");
  else snprintf(what, sizeof what, "estimate, no wisdom");
  aeon_sim_receipt(s, AEON_RCPT_FFT_PLAN, "fft %ldx%ldx%ld p%d %s: plan %.3g s, %s", m->N[0], m->N[1], m->N[2],
                   s->par.size, efforts[o->effort], in.plan_seconds, what);
  if (!s->opt.quiet && s->rank == 0)
    fprintf(s->log, "aeon: spectral plan %ld x %ld x %ld (%s): planning %.3g s, %s\n", m->N[0], m->N[1], m->N[2],
            s->lev[0].vars[s->spec->var].name, in.plan_seconds, what);
}

aeon_err aeon_sim_spectral_check(const aeon_sim *s) {
  long loom_every = aeon_deck_int(s->deck, "spectral.loom_every");
  if (loom_every <= 0 && aeon_deck_int(s->deck, "spectral.poisson_every") <= 0) return AEON_OK;
  int v;
  AE_CHK(pick_var(s, &v));
  AE_CHK(aeon_spectral_check_mesh(&s->lev[0].mesh));
  int sym = 0;
  for (int f = 0; f < 6; f++) sym |= s->lev[0].mesh.bc[f] == AEON_BC_SYMMETRY;
  if (loom_every > 0 && sym)
    return AE_ERR(AEON_ERR_USER, "spectral.loom_every = %ld: the loom's band spectra need a periodic box (this one "
                  "has symmetry faces); use spectral.poisson_every alone there", loom_every);
  return AEON_OK;
}

/* Rank 0: RUNDIR/poisson_check.dat (appended to after a restart). */
static aeon_err open_check(aeon_sim *s) {
  static const char *cols[] = {"step", "t", "max_rel_error", "solve_s"};
  char path[4300];
  snprintf(path, sizeof path, "%s/poisson_check.dat", s->rundir);
  if (s->restarted) AE_CHK(aeon_sim_trim_series(s, "poisson_check.dat"));
  return aeon_series_open(path, s->restarted ? NULL : "Poisson check: the field f recovered from its spectral "
                          "Laplacian by a spectral Poisson solve, max |phi - (f - mean)| / max |f - mean|",
                          4, cols, &s->spec->check);
}

/* Opens the loom and the Poisson check's series (no files: neither). */
static aeon_err open_outputs(aeon_sim *s, long loom_every) {
  aeon_sim_spectral *sp = s->spec;
  if (s->opt.no_files) return AEON_OK;
  if (loom_every > 0) { /* the box was checked by aeon_sim_spectral_check */
    char path[4300];
    snprintf(path, sizeof path, "%s/loom.dat", s->rundir);
    if (s->restarted) AE_CHK(aeon_par_agree(s->comm, s->rank == 0 ? aeon_sim_trim_series(s, "loom.dat") : AEON_OK));
    AE_CHK(aeon_loom_create(s->comm, path, (int)aeon_deck_int(s->deck, "spectral.loom_bands"), (int)loom_every,
                            s->restarted, s->tiers, &sp->loom));
  }
  if (sp->poisson_every > 0) AE_CHK(aeon_par_agree(s->comm, s->rank == 0 ? open_check(s) : AEON_OK));
  return AEON_OK;
}

aeon_err aeon_sim_spectral_setup(aeon_sim *s) {
  long loom_every = aeon_deck_int(s->deck, "spectral.loom_every");
  long poisson_every = aeon_deck_int(s->deck, "spectral.poisson_every");
  if (loom_every <= 0 && poisson_every <= 0) return AEON_OK;
  aeon_level *L = &s->lev[0];
  AE_CHK(aeon_mem_alloc(sizeof *s->spec, (void **)&s->spec));
  aeon_sim_spectral *sp = s->spec;
  sp->poisson_every = poisson_every;
  sp->t_spectral = aeon_timer_id(&s->timers, "spectral");
  AE_CHK(pick_var(s, &sp->var));
  aeon_spectral_opts o;
  AE_CHK(aeon_spectral_opts_from_deck(s->deck, &o));
  AE_CHK(aeon_spectral_sym_from_field(&L->vars[sp->var], &o));
  o.tiers = s->tiers;
  for (int d = 0; d < 3; d++)
    sp->odd |= o.sym[d] < 0 && L->mesh.bc[2 * d] == AEON_BC_SYMMETRY && L->mesh.bc[2 * d + 1] == AEON_BC_SYMMETRY;
  AE_CHK(aeon_spectral_create_mesh(&L->mesh, &o, &sp->plan));
  record_plan(s, &o);
  aeon_box in = aeon_mesh_interior(&L->mesh);
  AE_CHK(aeon_mem_alloc(sizeof(double) * 2 * (size_t)(aeon_box_size(&in) + 1), (void **)&sp->scratch));
  AE_CHK(open_outputs(s, loom_every));
  return AEON_OK;
}

/* max |phi - (f - c)| / max |f - c| over the ranks (exact: a max), with c the exact mean of f, or 0 when a sine
 * direction leaves f without a mean mode. */
static aeon_err compare(aeon_sim *s, const aeon_array *f, const aeon_array *phi, double *rel) {
  aeon_xsum sum;
  aeon_xsum_init(&sum);
  const aeon_box *b = &f->box;
  const long *N = s->lev[0].mesh.N;
  for (long k = b->lo[2]; k < b->hi[2]; k++)
    for (long j = b->lo[1]; j < b->hi[1]; j++)
      for (long i = b->lo[0]; i < b->hi[0]; i++) aeon_xsum_add(&sum, *aeon_array_at(f, 0, i, j, k));
  AE_CHK(aeon_xsum_allreduce(&sum, 1, s->comm));
  double c = s->spec->odd ? 0 : aeon_xsum_value(&sum) / ((double)N[0] * (double)N[1] * (double)N[2]);
  double mx[2] = {0, 0};
  for (long k = b->lo[2]; k < b->hi[2]; k++)
    for (long j = b->lo[1]; j < b->hi[1]; j++)
      for (long i = b->lo[0]; i < b->hi[0]; i++) {
        double fc = *aeon_array_at(f, 0, i, j, k) - c;
        mx[0] = fmax(mx[0], fabs(*aeon_array_at(phi, 0, i, j, k) - fc));
        mx[1] = fmax(mx[1], fabs(fc));
      }
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, mx, 2, MPI_DOUBLE, MPI_MAX, s->comm));
  *rel = mx[1] > 0 ? mx[0] / mx[1] : mx[0];
  return AEON_OK;
}

/* The Poisson check of the sampled field f: Laplacian into scratch 0, Poisson solve into scratch 1, a row. */
static aeon_err poisson_check(aeon_sim *s, const aeon_array *f) {
  aeon_sim_spectral *sp = s->spec;
  aeon_array w = aeon_array_compact(aeon_spectral_layout(sp->plan), 2, sp->scratch), lap = w, phi = w;
  lap.nvar = phi.nvar = 1;
  phi.data = w.data + w.vstride;
  double t0 = MPI_Wtime(), row[4], rel = 0;
  AE_CHK(aeon_spectral_laplacian(sp->plan, f, &lap));
  AE_CHK(aeon_spectral_poisson(sp->plan, &lap, &phi));
  double dt = MPI_Wtime() - t0;
  AE_CHK(compare(s, f, &phi, &rel));
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, s->comm));
  row[0] = (double)s->step, row[1] = s->t, row[2] = rel, row[3] = dt;
  AE_CHK(aeon_par_agree(s->comm, s->rank == 0 ? aeon_series_append(sp->check, row) : AEON_OK));
  return AEON_OK;
}

aeon_err aeon_sim_spectral_step(aeon_sim *s, int last) {
  aeon_sim_spectral *sp = s->spec;
  (void)last;
  if (!sp || (!sp->loom && !sp->poisson_every)) return AEON_OK;
  aeon_timer_start(&s->timers, sp->t_spectral);
  aeon_array f = aeon_array_of_fields(&s->lev[0].mesh, aeon_mol_state(s->lev[0].mol));
  f.data += (size_t)sp->var * f.vstride;
  f.nvar = 1;
  int shift = 0;
  if (sp->loom) AE_CHK(aeon_loom_sample(sp->loom, sp->plan, &f, s->step, s->t, &shift));
  if (sp->poisson_every > 0 && s->step % sp->poisson_every == 0) AE_CHK(poisson_check(s, &f));
  aeon_timer_stop(&s->timers, sp->t_spectral);
  return AEON_OK;
}

aeon_err aeon_sim_spectral_wisdom(aeon_sim *s, aeon_checkpoint_meta *mt) {
  if (!s->spec && s->fft_wisdom_ck != 1) return AEON_OK; /* a checkpoint's wisdom is passed on even unused */
  char *text = NULL;
  size_t n = 0;
  AE_CHK(aeon_spectral_wisdom_export(s->comm, &text, &n));
  mt->wisdom = (uint8_t *)text;
  mt->nwisdom = n;
  return AEON_OK;
}

aeon_err aeon_sim_spectral_restore(aeon_sim *s, const aeon_checkpoint_meta *mt, const char *path) {
  int st = mt->wisdom_state;
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, &st, 1, MPI_INT, MPI_MIN, s->comm)); /* damaged anywhere: left out */
  s->fft_wisdom_ck = st;
  if (st < 0 && s->rank == 0)
    fprintf(stderr, "aeon: warning: the FFTW wisdom in checkpoint '%s' is damaged (checksum or digest): ignored, "
            "FFT plans are measured again\n", path);
  if (st <= 0) return AEON_OK;
  char what[4200];
  snprintf(what, sizeof what, "checkpoint '%s'", path);
  AE_CHK(aeon_spectral_wisdom_import(s->comm, (const char *)mt->wisdom, (size_t)mt->nwisdom, what, &s->fft_wisdom_ck));
  return AEON_OK;
}

void aeon_sim_spectral_destroy(aeon_sim *s) {
  aeon_sim_spectral *sp = s->spec;
  if (!sp) return;
  aeon_loom_destroy(sp->loom);
  aeon_series_close(sp->check);
  aeon_spectral_destroy(sp->plan);
  aeon_mem_free(sp->scratch);
  aeon_mem_free(sp);
  s->spec = NULL;
}
