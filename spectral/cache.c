/* A cache of spectral plans owned by the caller (a simulation keeps one): get
 * returns the plan already made for the same block layout (global shape and
 * every rank's box: the automatic FFTW array order follows from it), box
 * lengths, symmetries, planner effort, mean policy and slab choice (so the
 * key holds the array order), and makes and keeps a new one otherwise. Layouts are replicated, so every rank takes
 * the same branch. Destroying the cache destroys its plans. */
#include <string.h>

#include "aeon/memory.h"
#include "spectral_internal.h"

#define CACHE_PLANS 16

struct aeon_spectral_cache {
  int n;
  aeon_spectral *plan[CACHE_PLANS];
};

aeon_err aeon_spectral_cache_create(aeon_spectral_cache **c) {
  AE_CHK(aeon_mem_alloc(sizeof **c, (void **)c));
  return AEON_OK;
}

void aeon_spectral_cache_destroy(aeon_spectral_cache *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) aeon_spectral_destroy(c->plan[i]);
  aeon_mem_free(c);
}

/* Returns 1 if plan s was made for this layout, lengths and options. */
static int matches(const aeon_spectral *s, const aeon_layout *block, const double L[3], const aeon_spectral_opts *o) {
  for (int d = 0; d < 3; d++)
    if (s->sym[d] != (o->sym[d] > 0) - (o->sym[d] < 0)) return 0;
  int cmp = MPI_UNEQUAL;
  MPI_Comm_compare(s->comm, aeon_layout_comm(block), &cmp);
  return (cmp == MPI_IDENT || cmp == MPI_CONGRUENT) && aeon_layout_equal(s->block, block) &&
         memcmp(s->L, L, sizeof s->L) == 0 && s->opts.effort == o->effort && s->opts.mean == o->mean &&
         s->opts.slabs == o->slabs;
}

aeon_err aeon_spectral_cache_get(aeon_spectral_cache *c, const aeon_layout *block, const double L[3],
                                 const aeon_spectral_opts *opts, aeon_spectral **s) {
  aeon_spectral_opts o;
  memset(&o, 0, sizeof o);
  if (opts) o = *opts;
  for (int i = 0; i < c->n; i++)
    if (matches(c->plan[i], block, L, &o)) {
      *s = c->plan[i];
      return AEON_OK;
    }
  if (c->n == CACHE_PLANS)
    return AE_ERR(AEON_ERR_USER, "spectral: the plan cache holds %d plans already; destroy it or reuse shapes",
                  CACHE_PLANS);
  AE_CHK(aeon_spectral_create(block, L, &o, s));
  c->plan[c->n++] = *s;
  return AEON_OK;
}

aeon_err aeon_spectral_cache_get_mesh(aeon_spectral_cache *c, const aeon_mesh *m, const aeon_spectral_opts *opts,
                                      aeon_spectral **s) {
  *s = NULL;
  double L[3];
  aeon_spectral_opts o;
  AE_CHK(aeon_spectral_mesh_box_(m, opts, L, &o));
  aeon_layout *block = NULL;
  AE_CHK(aeon_layout_from_mesh(m, &block));
  aeon_err e = aeon_spectral_cache_get(c, block, L, &o, s);
  aeon_layout_destroy(block);
  AE_CHK(e);
  return AEON_OK;
}
