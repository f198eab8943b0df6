/* Deterministic test matrices: every entry is a hash of (seed, row, column),
 * so a matrix is the same on any grid, tile size or rank count. */
#include "aeon/drivers.h"

/* splitmix64 finaliser. */
static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double aeon_gen_uniform(uint64_t seed, long r, long c, int sym) {
  if (sym && c > r) {
    long t = r;
    r = c;
    c = t;
  }
  uint64_t h = mix(mix(seed ^ mix((uint64_t)r)) ^ (uint64_t)c);
  return (double)(h >> 11) * 0x1.0p-52 - 1.0;
}

double aeon_gen_spd(void *gen, long r, long c) {
  const aeon_gen *g = gen;
  double v = aeon_gen_uniform(g->seed, r, c, 1);
  if (r != c) return v;
  return (g->bad_col > 0 && r == g->bad_col - 1) ? -(double)g->n : v + (double)g->n;
}

double aeon_gen_sym(void *gen, long r, long c) {
  return aeon_gen_uniform(((const aeon_gen *)gen)->seed, r, c, 1);
}

double aeon_gen_general(void *gen, long r, long c) {
  return aeon_gen_uniform(((const aeon_gen *)gen)->seed, r, c, 0);
}
