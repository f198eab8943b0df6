/* "Did you mean": the declared key, section or list field nearest to a misspelt one. */
#include <string.h>

#include "deck_internal.h"

/* Only this many leading characters are compared: keys are short, and a
 * longer misspelling is far from everything anyway. */
#define CMP_MAX 64

/* Optimal-string-alignment distance (Levenshtein plus swaps of neighbours, so
 * "phsyics" is one step from "physics") between a[0..na) and b[0..nb). */
static int edit_distance(const char *a, size_t na, const char *b, size_t nb) {
  int rows[3][CMP_MAX + 1];
  if (na > CMP_MAX) na = CMP_MAX;
  if (nb > CMP_MAX) nb = CMP_MAX;
  int *pp = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= nb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= na; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= nb; j++) {
      int cost = a[i - 1] != b[j - 1];
      int best = prev[j - 1] + cost;
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < best)
        best = pp[j - 2] + 1;
      cur[j] = best;
    }
    int *t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  return prev[nb];
}

/* The name nearest to name among name_at(ctx, 0 .. n-1), the first of equals (NULL if n is 0). */
static const char *nearest(const char *name, int n, const char *(*name_at)(const void *, int), const void *ctx) {
  const char *best = NULL;
  int best_d = 0;
  size_t len = strlen(name);
  for (int i = 0; i < n; i++) {
    const char *k = name_at(ctx, i);
    int d = edit_distance(name, len, k, strlen(k));
    if (!best || d < best_d) {
      best = k;
      best_d = d;
    }
  }
  return best;
}

static const char *key_at(const void *ps, int i) { return ((const aeon_paramset *)ps)->e[i].d.key; }
static const char *field_at(const void *pe, int f) { return ((const deck_pentry *)pe)->fields[f].name; }

const char *deck_nearest_field(const deck_pentry *pe, const char *name) {
  return nearest(name, pe->nfields, field_at, pe);
}

const char *deck_ps_nearest_key(const aeon_paramset *ps, const char *key) {
  return nearest(key, ps->n, key_at, ps);
}

const char *deck_ps_nearest_section(const aeon_paramset *ps, const char *name, char *buf, size_t size) {
  int best_d = -1;
  size_t n = strlen(name);
  for (int i = 0; i < ps->n; i++) {
    const char *k = ps->e[i].d.key;
    const char *dot = strchr(k, '.');
    if (!dot) continue;
    int d = edit_distance(name, n, k, (size_t)(dot - k));
    if (best_d < 0 || d < best_d) {
      best_d = d;
      snprintf(buf, size, "%.*s", (int)(dot - k), k);
    }
  }
  return best_d < 0 ? NULL : buf;
}

static const char *str_at(const void *names, int i) { return ((const char *const *)names)[i]; }

const char *aeon_nearest_name(const char *name, int n, const char *const *names) {
  return nearest(name, n, str_at, names);
}
