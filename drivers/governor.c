/* Memory governor: a byte budget per rank. Every tile buffer of the drivers is
 * taken against it; a request that would exceed the budget fails (or waits for
 * another thread to give memory back), so use never exceeds the budget, and the
 * peak is recorded for the report. */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/drivers.h"
#include "aeon/memory.h"

struct aeon_gov {
  pthread_mutex_t lock;
  pthread_cond_t freed;
  size_t budget, used, peak;
};

aeon_err aeon_gov_create(size_t budget, aeon_gov **g) {
  *g = NULL;
  if (budget == 0) return AE_ERR(AEON_ERR_USER, "memory budget must be positive");
  aeon_gov *q;
  AE_CHK(aeon_mem_alloc(sizeof *q, (void **)&q));
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->freed, NULL);
  q->budget = budget;
  *g = q;
  return AEON_OK;
}

void aeon_gov_destroy(aeon_gov *g) {
  if (!g) return;
  pthread_mutex_destroy(&g->lock);
  pthread_cond_destroy(&g->freed);
  aeon_mem_free(g);
}

static aeon_err over_budget(const aeon_gov *g, size_t bytes, size_t used, const char *what) {
  char need[32], have[32], bud[32];
  aeon_format_bytes((double)bytes, need, sizeof need);
  aeon_format_bytes((double)used, have, sizeof have);
  aeon_format_bytes((double)g->budget, bud, sizeof bud);
  return AE_ERR(AEON_ERR_MEM, "memory budget exceeded: %s needs %s while %s of the %s budget are in use",
                what, need, have, bud);
}

/* Reserves bytes under the lock, waiting for frees when wait is set. */
static aeon_err reserve(aeon_gov *g, size_t bytes, const char *what, int wait) {
  pthread_mutex_lock(&g->lock);
  if (wait && bytes <= g->budget)
    while (g->used + bytes > g->budget) pthread_cond_wait(&g->freed, &g->lock);
  size_t used = g->used;
  int ok = bytes <= g->budget && used + bytes <= g->budget;
  if (ok) {
    g->used += bytes;
    if (g->used > g->peak) g->peak = g->used;
  }
  pthread_mutex_unlock(&g->lock);
  return ok ? AEON_OK : over_budget(g, bytes, used, what);
}

static void release(aeon_gov *g, size_t bytes) {
  pthread_mutex_lock(&g->lock);
  g->used -= bytes;
  pthread_cond_broadcast(&g->freed);
  pthread_mutex_unlock(&g->lock);
}

static aeon_err take(aeon_gov *g, size_t bytes, const char *what, void **p, int wait) {
  *p = NULL;
  AE_CHK(reserve(g, bytes, what, wait));
  aeon_err e = aeon_mem_alloc(bytes, p);
  if (e) release(g, bytes);
  return e;
}

aeon_err aeon_gov_alloc(aeon_gov *g, size_t bytes, const char *what, void **p) {
  return take(g, bytes, what, p, 0);
}

aeon_err aeon_gov_alloc_wait(aeon_gov *g, size_t bytes, const char *what, void **p) {
  return take(g, bytes, what, p, 1);
}

void aeon_gov_free(aeon_gov *g, void *p, size_t bytes) {
  if (!p) return;
  aeon_mem_free(p);
  release(g, bytes);
}

size_t aeon_gov_budget(const aeon_gov *g) { return g->budget; }

size_t aeon_gov_used(const aeon_gov *g) {
  pthread_mutex_lock((pthread_mutex_t *)&g->lock);
  size_t u = g->used;
  pthread_mutex_unlock((pthread_mutex_t *)&g->lock);
  return u;
}

size_t aeon_gov_peak(const aeon_gov *g) {
  pthread_mutex_lock((pthread_mutex_t *)&g->lock);
  size_t u = g->peak;
  pthread_mutex_unlock((pthread_mutex_t *)&g->lock);
  return u;
}

aeon_err aeon_gov_default_budget(MPI_Comm comm, size_t *bytes) {
  MPI_Comm node;
  int nranks;
  AE_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  AE_MPI(MPI_Comm_size(node, &nranks));
  MPI_Comm_free(&node);
  size_t avail = aeon_mem_available(NULL);
  if (avail == 0) avail = (size_t)1 << 31; /* unknown: assume 2 GiB */
  unsigned long long b = avail / 2 / (size_t)nranks, mn;
  AE_MPI(MPI_Allreduce(&b, &mn, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm));
  *bytes = (size_t)mn;
  return AEON_OK;
}

/* Multiplier of a binary unit suffix ("", "k", "M", "GiB", ...); 0 if unknown. */
static double unit_of(const char *u) {
  static const char *names = "kmgt";
  if (!*u || strcmp(u, "b") == 0 || strcmp(u, "B") == 0) return 1;
  const char *at = strchr(names, tolower((unsigned char)u[0]));
  if (!at) return 0;
  const char *rest = u + 1;
  if (*rest && strcmp(rest, "iB") && strcmp(rest, "B") && strcmp(rest, "ib") && strcmp(rest, "b")) return 0;
  return ldexp(1.0, 10 * (int)(at - names + 1));
}

aeon_err aeon_parse_bytes(const char *s, size_t *bytes) {
  char *end;
  double v = strtod(s, &end);
  double mul = (end != s) ? unit_of(end) : 0;
  if (mul == 0 || !(v > 0) || v * mul > 1e18)
    return AE_ERR(AEON_ERR_USER, "'%s' is not a byte count (examples: 4096, 512M, 2GiB)", s);
  *bytes = (size_t)(v * mul);
  return AEON_OK;
}

void aeon_format_bytes(double bytes, char *buf, size_t n) {
  static const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (bytes >= 1024 && i < 4) {
    bytes /= 1024;
    i++;
  }
  snprintf(buf, n, i ? "%.2f %s" : "%.0f %s", bytes, u[i]);
}
