/* The loom: band spectra on a cadence. Each sample (every `every` steps,
 * collective) computes the octave band energies of a field with the plan,
 * finds the dominant band, appends a row (step, t, bands, dominant) to an
 * ASCII series on rank 0, keeps the bands in Tier2 with a TTL of one cadence,
 * and, when the dominant band moved since the last sample, declares a regime
 * shift in the tiers (a regime key derived from the band). */
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/output.h"
#include "spectral_internal.h"

#define LOOM_MAXBAND 32 /* the bands must fit one tier value (32 doubles) */

struct aeon_loom {
  int rank, nband, every, dominant;
  aeon_tiers *tiers;
  aeon_series *series; /* rank 0 only */
};

aeon_err aeon_loom_create(MPI_Comm comm, const char *path, int nband, int every, int append, aeon_tiers *tiers,
                          aeon_loom **out) {
  *out = NULL;
  if (nband < 1 || nband > LOOM_MAXBAND)
    return AE_ERR(AEON_ERR_USER, "spectral.loom_bands = %d: between 1 and %d bands are possible", nband, LOOM_MAXBAND);
  if (every < 1) return AE_ERR(AEON_ERR_USER, "spectral.loom_every = %d: the loom needs a cadence >= 1", every);
  aeon_loom *l;
  AE_CHK(aeon_mem_alloc(sizeof *l, (void **)&l));
  MPI_Comm_rank(comm, &l->rank);
  l->nband = nband;
  l->every = every;
  l->dominant = -1;
  l->tiers = tiers;
  aeon_err e = AEON_OK;
  if (l->rank == 0) {
    char names[LOOM_MAXBAND + 3][12];
    const char *cols[LOOM_MAXBAND + 3];
    snprintf(names[0], sizeof names[0], "step");
    snprintf(names[1], sizeof names[1], "t");
    for (int b = 0; b < nband; b++) snprintf(names[2 + b], sizeof names[0], "E%d", b);
    snprintf(names[2 + nband], sizeof names[0], "dominant");
    for (int c = 0; c < nband + 3; c++) cols[c] = names[c];
    e = aeon_series_open(path, append ? NULL : "loom: energy 0.5 <f^2> in octave bands 2^b <= |k|/k0 < 2^(b+1), "
                         "k0 = 2 pi / L", nband + 3, cols, &l->series);
  }
  e = aeon_par_agree(comm, e);
  if (e) {
    aeon_loom_destroy(l);
    AE_CHK(e);
  }
  *out = l;
  return AEON_OK;
}

aeon_err aeon_loom_sample(aeon_loom *l, aeon_spectral *s, const aeon_array *f, int64_t step, double t, int *shift) {
  *shift = 0;
  if (step % l->every != 0) return AEON_OK;
  double row[LOOM_MAXBAND + 3], *E = row + 2;
  AE_CHK(aeon_spectral_bands(s, f, l->nband, E));
  int dom = 0;
  for (int b = 1; b < l->nband; b++)
    if (E[b] > E[dom]) dom = b;
  row[0] = (double)step;
  row[1] = t;
  row[2 + l->nband] = dom;
  aeon_err e = l->rank == 0 ? aeon_series_append(l->series, row) : AEON_OK;
  AE_CHK(aeon_par_agree(s->comm, e));
  *shift = l->dominant >= 0 && dom != l->dominant;
  if (l->tiers) {
    if (*shift) {
      char why[64];
      snprintf(why, sizeof why, "loom: dominant band %d -> %d", l->dominant, dom);
      aeon_tiers_regime_shift(l->tiers, 0x6c6f6f6d00000000ull + (uint64_t)dom, why);
    }
    AE_CHK(aeon_tiers_put(l->tiers, 2, "loom.bands", E, sizeof(double) * (size_t)l->nband, l->every));
  }
  l->dominant = dom;
  return AEON_OK;
}

int aeon_loom_dominant(const aeon_loom *l) { return l->dominant; }

void aeon_loom_destroy(aeon_loom *l) {
  if (!l) return;
  aeon_series_close(l->series);
  aeon_mem_free(l);
}
