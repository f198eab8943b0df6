/* The plan of a run, as rank 0 prints it before the first step (aeon run) or instead of running (aeon check):
 * what the deck asks for (grid, spacing, dt, the steps still to go), where the work goes (the process grid and the
 * memory of the largest rank: measured in a run, estimated from the mesh and the stepper in a check), and what will
 * be written (norms.dat rows, field snapshots, checkpoints) with their expected sizes, counted from the deck's
 * output.* and checkpoint.* keys for the steps from the current one to the last. */
#include <dirent.h>
#include <string.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

/* Writes bytes as "512 B", "12.3 KiB", "1.77 MiB", ... */
static void human_bytes(double b, char *buf, size_t len) {
  static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (b >= 1024 && u < 5) b /= 1024, u++;
  snprintf(buf, len, u == 0 || b >= 100 ? "%.0f %s" : b >= 10 ? "%.1f %s" : "%.2f %s", b, unit[u]);
}

/* Outputs written by the step loop from step `from` to `to`: at every multiple of every (none when every is 0),
 * plus step 0 and the last step (the rule of due() in sim_output.c). */
static long count_outputs(long from, long to, long every) {
  long n = every > 0 ? to / every - (from + every - 1) / every + 1 : 0;
  if (every == 0 && from == 0) n++; /* step 0 */
  if (!((every > 0 && to % every == 0) || (to == 0 && from == 0))) n++; /* the last step, unless counted */
  return n;
}

/* Checkpoints written after the steps from+1 .. to by checkpoint.every and checkpoint.at_end. */
static long count_checkpoints(const aeon_sim *s) {
  long from = s->step, to = s->nsteps;
  long n = s->ck_every > 0 ? to / s->ck_every - from / s->ck_every : 0;
  if (s->ck_at_end && to > from && (s->ck_every == 0 || to % s->ck_every != 0)) n++;
  return n;
}

double aeon_sim_plan_memory(const aeon_sim *s, const int dims[3]) {
  aeon_mesh m = s->lev[0].mesh;
  aeon_par par = {0};
  memcpy(par.dims, dims, sizeof par.dims); /* coordinates 0: the patch with the most points */
  if (aeon_mesh_setup_patch(&m, &par) != AEON_OK) return 0;
  double sets = 3.0 + (aeon_rk_is_subdiagonal(s->rk) ? 1 : s->rk->nstage); /* u, u0, y and the stage sets */
  return (sets * s->phys->nvar + s->phys->naux) * (double)m.npts * sizeof(double);
}

/* The boundary conditions of the six faces, "x periodic, y symmetry/radiative, ...". */
static void faces(const aeon_mesh *m, char *buf, size_t len) {
  static const char *const name[] = {"periodic", "symmetry", "radiative", "dirichlet", "robin"};
  size_t used = 0;
  for (int d = 0; d < 3 && used < len; d++) {
    const char *lo = (unsigned)m->bc[2 * d] < 5 ? name[m->bc[2 * d]] : "?";
    const char *hi = (unsigned)m->bc[2 * d + 1] < 5 ? name[m->bc[2 * d + 1]] : "?";
    if (strcmp(lo, hi) == 0) used += (size_t)snprintf(buf + used, len - used, "%s%c %s", d ? ", " : "", "xyz"[d], lo);
    else used += (size_t)snprintf(buf + used, len - used, "%s%c %s/%s", d ? ", " : "", "xyz"[d], lo, hi);
  }
}

/* 1 when directory path exists and holds anything. */
static int nonempty_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) return 0;
  struct dirent *en;
  int n = 0;
  while (!n && (en = readdir(d))) n = strcmp(en->d_name, ".") != 0 && strcmp(en->d_name, "..") != 0;
  closedir(d);
  return n;
}

void aeon_sim_plan_print(const aeon_sim *s, FILE *out, int ranks, const int dims[3], double mem_bytes, int measured) {
  const aeon_mesh *m = &s->lev[0].mesh;
  double pts = (double)m->N[0] * (double)m->N[1] * (double)m->N[2], evolved = 1;
  for (int d = 0; d < 3; d++)
    evolved *= (double)(m->N[d] + (m->bc[2 * d] == AEON_BC_RADIATIVE ? m->ghost : 0) +
                        (m->bc[2 * d + 1] == AEON_BC_RADIATIVE ? m->ghost : 0));
  char bc[256], b1[32], b2[32];
  faces(m, bc, sizeof bc);
  fprintf(out, "aeon: plan: physics %s, integrator %s, deck %s\n", s->phys->name, s->rk->name,
          aeon_deck_filename(s->deck));
  fprintf(out, "  grid      %ld x %ld x %ld cells on [%g, %g] x [%g, %g] x [%g, %g], dx = %.6g, %.6g, %.6g, %d ghosts\n",
          m->N[0], m->N[1], m->N[2], m->xmin[0], m->xmax[0], m->xmin[1], m->xmax[1], m->xmin[2], m->xmax[2],
          m->dx[0], m->dx[1], m->dx[2], m->ghost);
  fprintf(out, "  boundary  %s\n", bc);
  fprintf(out, "  time      dt = %.6g (time.cfl %g): %ld steps to go, step %ld -> %ld, t = %.6g -> %.6g\n", s->dt,
          aeon_deck_real(s->deck, "time.cfl"), s->nsteps - s->step, s->step, s->nsteps, s->t,
          s->t + (double)(s->nsteps - s->step) * s->dt);
  human_bytes(mem_bytes, b1, sizeof b1);
  fprintf(out, "  ranks     %d in a %d x %d x %d grid, %ld x %ld x %ld cells on the largest; %s of memory on it (%s)\n",
          ranks, dims[0], dims[1], dims[2], (m->N[0] + dims[0] - 1) / dims[0], (m->N[1] + dims[1] - 1) / dims[1],
          (m->N[2] + dims[2] - 1) / dims[2], b1, measured ? "measured" : "estimated: the field sets");
  long rows = count_outputs(s->step, s->nsteps, s->norms_every);
  fprintf(out, "  norms     %ld rows of norms.dat (every %ld steps, first and last)\n", rows, s->norms_every);
  if (s->fields_every > 0) {
    long snaps = count_outputs(s->step, s->nsteps, s->fields_every);
    double each = (double)s->nout * pts * sizeof(double);
    human_bytes(each, b1, sizeof b1);
    human_bytes(each * (double)snaps, b2, sizeof b2);
    fprintf(out, "  fields    %ld snapshots of %d fields (every %ld steps), %s each, %s in all\n", snaps, s->nout,
            s->fields_every, b1, b2);
  } else {
    fprintf(out, "  fields    no snapshots (output.fields_every = 0)\n");
  }
  long ck = count_checkpoints(s);
  human_bytes((double)s->phys->nvar * evolved * sizeof(double), b1, sizeof b1);
  char when[160] = "";
  size_t used = 0;
  if (s->ck_every > 0) used += (size_t)snprintf(when + used, sizeof when - used, "every %ld steps", s->ck_every);
  if (s->ck_at_end) used += (size_t)snprintf(when + used, sizeof when - used, "%sat the end", used ? ", " : "");
  if (s->ck_walltime > 0)
    used += (size_t)snprintf(when + used, sizeof when - used, "%severy %g s of wall time (not counted)", used ? ", " : "",
                             s->ck_walltime);
  if (!used) snprintf(when, sizeof when, "none asked for; a stop signal still writes one");
  fprintf(out, "  checkpts  %ld (%s), keep %ld, %s of fields each plus receipts\n", ck, when, s->ck_keep, b1);
  if (s->rundir[0]) /* before a run (a check): say so when the run would refuse its directory */
    fprintf(out, "  output    %s/%s\n", s->rundir,
            !measured && !s->opt.force && !s->opt.restart && nonempty_dir(s->rundir)
                ? " (exists and is not empty: aeon run refuses it without --force or --restart)" : "");
}

aeon_err aeon_sim_summary(aeon_sim *s) {
  uint64_t mine = aeon_mem_get_stats().bytes_live, most = 0;
  AE_MPI(MPI_Reduce(&mine, &most, 1, MPI_UINT64_T, MPI_MAX, 0, s->comm));
  if (s->rank == 0) {
    aeon_sim_plan_print(s, s->log, s->par.size, s->par.dims, (double)most, 1);
    fflush(s->log);
  }
  return AEON_OK;
}
