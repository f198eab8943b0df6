/* Warm starts of Bowen-York solves across solves and runs (aeon/bowen_york.h),
 * on the large-value tier entries (aeon/tiers.h, io/tier_blob.c).
 * load: key from the punctures count, the grid shape and the layout digest
 * (shape and box) -> rank 0: tier 1 entry, else DIR/warm/KEY.blob read into
 * the store -> checked (layout, size, SHA-256) -> match (same punctures'
 * digest: exact, else nearby) and the cold costs broadcast -> the global u
 * broadcast and each rank's box copied into u.
 * store: u gathered -> rank 0: descriptor (punctures' digest, layout, cold and
 * actual Newton/Krylov counts) and payload put in tier 1 -> the file written
 * -> a warm-start receipt when the solve began from a stored u. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "aeon/bowen_york.h"
#include "aeon/cachedir.h"
#include "aeon/memory.h"

#include "by_internal.h"

/* Digest of the payload's layout: the global shape and box, x fastest, doubles. */
static void layout_digest(const aeon_mesh *m, uint8_t out[32]) {
  double v[10] = {(double)m->N[0], (double)m->N[1], (double)m->N[2], m->xmin[0], m->xmin[1], m->xmin[2],
                  m->xmax[0], m->xmax[1], m->xmax[2], 1.0 /* format: global u, x fastest */};
  aeon_tier_digest(v, sizeof v, out);
}

/* Digest of the punctures (count, masses, positions, momenta, spins). */
static void params_digest(const aeon_by *by, uint8_t out[32]) {
  double v[1 + 10 * AEON_BY_MAX];
  int k = 0;
  v[k++] = by->n;
  for (int q = 0; q < by->n; q++) {
    const aeon_by_puncture *p = &by->p[q];
    v[k++] = p->m;
    for (int d = 0; d < 3; d++) v[k++] = p->x[d], v[k++] = p->P[d], v[k++] = p->S[d];
  }
  aeon_tier_digest(v, sizeof(double) * (size_t)k, out);
}

/* The entry's key and its file (path "" without a directory). */
static aeon_err key_and_path(const aeon_by *by, const char *dir, const uint8_t layout[32], char *key, char *path,
                             size_t cap) {
  const aeon_mesh *m = &by->m;
  snprintf(key, AEON_TIER_KEY, "by.n%d.%ldx%ldx%ld.%02x%02x%02x%02x", by->n, m->N[0], m->N[1], m->N[2], layout[0],
           layout[1], layout[2], layout[3]);
  char name[AEON_TIER_KEY + 16];
  snprintf(name, sizeof name, "warm/%s.blob", key);
  return aeon_cache_path(dir, name, path, cap);
}

/* Rank 0: the stored entry (tiers, else the file) if it fits; sets w and *payload. */
static aeon_err lookup(aeon_by *by, aeon_tiers *tiers, const char *path, const uint8_t layout[32], aeon_by_warm *w,
                       const void **payload) {
  aeon_tier_blob d;
  *payload = NULL;
  if (!tiers) return AEON_OK;
  snprintf(w->source, sizeof w->source, "tiers");
  if (!aeon_tiers_blob_get(tiers, w->key, layout, &d, payload)) {
    int st;
    AE_CHK(aeon_tiers_blob_load(tiers, 1, w->key, path, &st));
    snprintf(w->source, sizeof w->source, "file");
    if (st != 1 || !aeon_tiers_blob_get(tiers, w->key, layout, &d, payload)) {
      w->source[0] = 0;
      return AEON_OK;
    }
  }
  uint8_t pd[32];
  params_digest(by, pd);
  w->match = memcmp(pd, d.params, 32) == 0 ? 2 : 1;
  memcpy(w->cold, d.cold, sizeof w->cold);
  return AEON_OK;
}

/* Copies this rank's box of the global array g into u. */
static void scatter(aeon_by *by, const double *g) {
  const aeon_mesh *m = &by->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      size_t o = (size_t)(m->off[0] + m->N[0] * ((m->off[1] + j) + m->N[1] * (m->off[2] + k)));
      memcpy(by_row(&by->u, j, k), g + o, sizeof(double) * (size_t)m->n[0]);
    }
}

aeon_err aeon_by_warm_load(aeon_by *by, aeon_tiers *tiers, const char *dir, aeon_by_warm *w) {
  const aeon_mesh *m = &by->m;
  MPI_Comm comm = m->par->cart;
  int rank;
  MPI_Comm_rank(comm, &rank);
  memset(w, 0, sizeof *w);
  uint8_t layout[32];
  char path[4200];
  layout_digest(m, layout);
  AE_CHK(key_and_path(by, dir ? dir : "", layout, w->key, path, sizeof path));
  size_t npts = (size_t)m->N[0] * (size_t)m->N[1] * (size_t)m->N[2];
  const void *payload = NULL;
  aeon_err e = rank == 0 && npts <= INT_MAX ? lookup(by, tiers, path, layout, w, &payload) : AEON_OK;
  AE_CHK(aeon_par_agree(comm, e));
  AE_MPI(MPI_Bcast(w, (int)sizeof *w, MPI_BYTE, 0, comm));
  if (!w->match) return AEON_OK;
  double *g = NULL;
  if (rank == 0) g = (double *)payload; /* the store's copy, only read */
  else AE_CHK(aeon_mem_alloc(sizeof(double) * npts, (void **)&g));
  e = MPI_Bcast(g, (int)npts, MPI_DOUBLE, 0, comm) == MPI_SUCCESS
          ? AEON_OK
          : AE_ERR(AEON_ERR_MPI, "bowen_york: broadcasting the warm start %s failed", w->key);
  if (!e) scatter(by, g);
  if (rank) aeon_mem_free(g);
  return e;
}

/* Rank 0: puts u (the global array g; NULL: nothing new to keep) with its descriptor into tier 1, writes the file
 * and the receipt. */
static aeon_err keep(aeon_by *by, aeon_tiers *tiers, const char *dir, const aeon_by_result *res,
                     const aeon_by_warm *w, aeon_receipts *log, const double *g, size_t npts) {
  aeon_tier_blob d;
  memset(&d, 0, sizeof d);
  char key[AEON_TIER_KEY], path[4200];
  params_digest(by, d.params);
  layout_digest(&by->m, d.layout);
  AE_CHK(key_and_path(by, dir, d.layout, key, path, sizeof path));
  int64_t now[2] = {res->newton_its, res->ksp_its};
  memcpy(d.cold, w->match ? w->cold : now, sizeof d.cold);
  memcpy(d.made, now, sizeof d.made);
  if (g) {
    AE_CHK(aeon_tiers_blob_put(tiers, 1, key, &d, g, sizeof(double) * npts));
    if (path[0]) aeon_tiers_blob_save(tiers, key, path); /* a failed write only warns */
  }
  char detail[AEON_BY_WARM_DETAIL];
  if (aeon_by_warm_detail(w, res, detail, sizeof detail) && log)
    AE_CHK(aeon_receipts_append(log, AEON_RCPT_WARM_START, 0, 0, 0, res->seconds, "%s", detail));
  return AEON_OK;
}

int aeon_by_warm_detail(const aeon_by_warm *w, const aeon_by_result *res, char *buf, size_t cap) {
  if (cap) buf[0] = '\0';
  if (!w->match) return 0;
  snprintf(buf, cap, "%s %s: cold %lld/%lld now %d/%ld saved %lld/%lld", w->key, w->match == 2 ? "exact" : "nearby",
           (long long)w->cold[0], (long long)w->cold[1], res->newton_its, res->ksp_its,
           (long long)(w->cold[0] - res->newton_its), (long long)(w->cold[1] - res->ksp_its));
  return 1;
}

aeon_err aeon_by_warm_store(aeon_by *by, aeon_tiers *tiers, const char *dir, const aeon_by_result *res,
                            const aeon_by_warm *w, aeon_receipts *log) {
  MPI_Comm comm = by->m.par->cart;
  int rank, has = tiers != NULL;
  MPI_Comm_rank(comm, &rank);
  AE_MPI(MPI_Bcast(&has, 1, MPI_INT, 0, comm));
  if (!has) return AEON_OK;
  double *g = NULL;
  if (!(w->match == 2 && res->newton_its == 0)) AE_CHK(aeon_by_gather(by, &g)); /* an exact reuse adds nothing */
  const aeon_mesh *m = &by->m;
  size_t npts = (size_t)m->N[0] * (size_t)m->N[1] * (size_t)m->N[2];
  aeon_err e = rank == 0 ? keep(by, tiers, dir ? dir : "", res, w, log, g, npts) : AEON_OK;
  aeon_mem_free(g);
  return aeon_par_agree(comm, e);
}
