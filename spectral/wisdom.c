/* FFTW wisdom across runs. Load (before planning, collective): rank 0 reads the
 * per-user cache file whole, checks it looks like FFTW wisdom and imports it
 * (FFTW keeps its old wisdom when an import fails), a bad file is reported as a
 * warning and ignored (it is rewritten after planning); then FFTW-MPI
 * broadcasts rank 0's wisdom. Save (after a planning that measured, collective):
 * FFTW-MPI gathers every rank's wisdom on rank 0, which writes it to a
 * temporary file in the cache directory and renames it over the old one. The
 * plan's summary (planning seconds, hit, effort) goes into the Tier3
 * calibration bank; the wisdom text itself is kilobytes, beyond a tier value. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aeon/cachedir.h"
#include "aeon/memory.h"
#include "spectral_internal.h"

#define WISDOM_MAX (64L << 20) /* a larger file is not wisdom */

aeon_err aeon_spectral_wisdom_path(const aeon_spectral_opts *opts, char *path, size_t cap) {
  const char *f = opts ? opts->wisdom_file : NULL;
  char dir[4096] = "";
  if (f && f[0] && strcmp(f, "none") != 0) {
    int n = snprintf(path, cap, "%s", f);
    if (n < 0 || (size_t)n >= cap)
      return AE_ERR(AEON_ERR_USER, "spectral: the wisdom file's path is longer than %zu characters", cap - 1);
    return AEON_OK;
  }
  if (!f || !f[0]) AE_CHK(aeon_cache_dir(NULL, dir, sizeof dir)); /* the per-user cache directory */
  return aeon_cache_path(dir, "fftw-wisdom", path, cap);
}

void aeon_spectral_forget_wisdom(void) { fftw_forget_wisdom(); }

/* Reads a whole file into a NUL-terminated string (rank 0); returns 0 if it cannot be read (why in *why). */
static char *read_text(const char *path, const char **why) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    *why = strerror(errno);
    return NULL;
  }
  char *text = NULL;
  long len = -1;
  if (fseek(fp, 0, SEEK_END) == 0) len = ftell(fp);
  if (len < 0 || len > WISDOM_MAX || fseek(fp, 0, SEEK_SET) != 0) *why = "not a readable file of wisdom size";
  else if (aeon_mem_alloc((size_t)len + 1, (void **)&text) != AEON_OK) *why = "out of memory";
  else if (fread(text, 1, (size_t)len, fp) != (size_t)len) {
    *why = "read error";
    aeon_mem_free(text);
    text = NULL;
  }
  fclose(fp);
  return text;
}

/* Imports the wisdom file on rank 0: 1 imported, 0 absent, -1 unreadable or corrupt (warned). */
static int import_file(const char *path) {
  if (!path[0] || access(path, F_OK) != 0) return 0;
  const char *why = "not FFTW wisdom";
  char *text = read_text(path, &why);
  int ok = text && strncmp(text, "(fftw-3", 7) == 0 && fftw_import_wisdom_from_string(text);
  aeon_mem_free(text);
  if (ok) return 1;
  fprintf(stderr, "aeon: warning: FFTW wisdom file '%s' is unreadable or corrupt (%s): ignored, it will be rebuilt\n",
          path, why);
  return -1;
}

aeon_err aeon_spectral_wisdom_load_(aeon_spectral *s) {
  char path[4096];
  AE_CHK(aeon_spectral_wisdom_path(&s->opts, path, sizeof path));
  int st = s->rank == 0 ? import_file(path) : 0;
  AE_MPI(MPI_Bcast(&st, 1, MPI_INT, 0, s->comm));
  s->info.wisdom_loaded = st;
  fftw_mpi_broadcast_wisdom(s->comm);
  return AEON_OK;
}

aeon_err aeon_spectral_wisdom_save_(aeon_spectral *s) {
  char path[4096];
  AE_CHK(aeon_spectral_wisdom_path(&s->opts, path, sizeof path));
  s->info.wisdom_saved = 0;
  int has = path[0] != 0; /* rank 0's file decides (it writes it) */
  AE_MPI(MPI_Bcast(&has, 1, MPI_INT, 0, s->comm));
  if (!has) return AEON_OK; /* no file: nothing to gather for */
  fftw_mpi_gather_wisdom(s->comm);
  int ok = 0;
  if (s->rank == 0 && path[0]) {
    char *text = fftw_export_wisdom_to_string();
    if (text) ok = aeon_cache_write(path, text, strlen(text), "FFTW wisdom file");
    free(text); /* FFTW's own allocation */
  }
  AE_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, s->comm));
  s->info.wisdom_saved = ok;
  return AEON_OK;
}

void aeon_spectral_tier_record_(aeon_spectral *s) {
  static const char *names[] = {"estimate", "measure", "patient", "exhaustive", "wisdom-only"};
  if (!s->opts.tiers) return;
  struct {
    double plan_seconds;
    int32_t wisdom_hit, effort, ranks, slab_dir; /* slab_dir: FFTW's first (distributed) direction */
  } rec = {s->info.plan_seconds, s->info.wisdom_hit, (int32_t)s->opts.effort, s->size, s->axis};
  char key[AEON_TIER_KEY];
  snprintf(key, sizeof key, "fft.%ldx%ldx%ld.p%d.%s", s->N[0], s->N[1], s->N[2], s->size, names[s->opts.effort]);
  aeon_tiers_put(s->opts.tiers, 3, key, &rec, sizeof rec, 0); /* a full bank only loses this record */
}

aeon_err aeon_spectral_wisdom_export(MPI_Comm comm, char **text, size_t *len) {
  *text = NULL;
  *len = 0;
  int rank;
  MPI_Comm_rank(comm, &rank);
  fftw_mpi_init(); /* idempotent */
  fftw_mpi_gather_wisdom(comm);
  aeon_err e = AEON_OK;
  if (rank == 0) {
    char *w = fftw_export_wisdom_to_string();
    size_t n = w ? strlen(w) : 0;
    if (n > 0) e = aeon_mem_alloc(n + 1, (void **)text);
    if (!e && n > 0) {
      memcpy(*text, w, n);
      *len = n;
    }
    free(w); /* FFTW's own allocation */
  }
  AE_CHK(aeon_par_agree(comm, e));
  return AEON_OK;
}

/* Imports n bytes of wisdom text on this rank if they look like FFTW wisdom and FFTW parses them; returns 1 or 0. */
static int import_text(const char *text, size_t n) {
  if (!text || n < 8 || n > (size_t)WISDOM_MAX || memchr(text, 0, n) || strncmp(text, "(fftw-3", 7) != 0) return 0;
  char *z = NULL;
  if (aeon_mem_alloc(n + 1, (void **)&z) != AEON_OK) return 0;
  memcpy(z, text, n);
  int ok = fftw_import_wisdom_from_string(z) != 0; /* a failed import leaves the earlier wisdom as it was */
  aeon_mem_free(z);
  return ok;
}

aeon_err aeon_spectral_wisdom_import(MPI_Comm comm, const char *text, size_t len, const char *what, int *ok) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  fftw_mpi_init();
  int st = rank == 0 ? (import_text(text, len) ? 1 : -1) : 0;
  if (st < 0)
    fprintf(stderr, "aeon: warning: the FFTW wisdom in %s is unreadable or corrupt (%zu bytes): ignored, plans are "
            "measured again\n", what, len);
  AE_MPI(MPI_Bcast(&st, 1, MPI_INT, 0, comm));
  fftw_mpi_broadcast_wisdom(comm);
  *ok = st;
  return AEON_OK;
}
