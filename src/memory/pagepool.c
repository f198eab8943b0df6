/* Fixed pool of equal pages carved from one anonymous mapping.
 *
 * Free pages are kept as a stack of page indices (not an intrusive list, so a
 * free page is never written and the mapping is only faulted in when used);
 * a byte per page records whether it is handed out, so a stray or double put
 * is ignored instead of corrupting the stack. The bookkeeping arrays come from
 * aeon_mem_alloc; the mapping itself is counted in the same statistics.
 *
 * Huge pages: when want_huge and the pool is at least 2 MiB, the mapping is
 * 2 MiB aligned, its length rounded up to 2 MiB, and madvise(MADV_HUGEPAGE)
 * is applied. aeon_pagepool_huge reports what the kernel actually did: at
 * creation the first 2 MiB are touched (written with zeros, which changes
 * nothing) and the AnonHugePages field of the mapping's entry in
 * /proc/self/smaps is read; the pool is "huge" if it is > 0. */
#include "aeon/memory.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>

#include "memory/stats_internal.h"

#define HUGE_BYTES ((size_t)2 << 20)

struct aeon_pagepool {
  unsigned char *base; /* first page (2 MiB aligned when huge was asked for) */
  size_t map_bytes;    /* length of the mapping at base */
  size_t page_bytes;
  size_t npages;
  size_t nfree;
  size_t *free_idx;    /* stack of free page indices; top at nfree - 1 */
  unsigned char *out;  /* out[i] = 1 while page i is handed out */
  int huge;            /* AnonHugePages > 0 was seen for the mapping */
};

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

/* Maps len bytes aligned to `align` (a power of two; 4096 or less needs no over-mapping). */
static aeon_err map_aligned(size_t len, size_t align, unsigned char **out) {
  size_t want = len + (align > 4096 ? align : 0);
  unsigned char *raw = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return AE_ERR(AEON_ERR_MEM, "mmap of %zu bytes failed", want);
  unsigned char *base = (unsigned char *)round_up((uintptr_t)raw, align);
  size_t head = (size_t)(base - raw), tail = want - head - len;
  if (head) munmap(raw, head);
  if (tail) munmap(base + len, tail);
  *out = base;
  return AEON_OK;
}

/* Reads AnonHugePages (kB) for the smaps entry containing addr; 0 if not found. */
static long smaps_anon_huge_kb(const void *addr) {
  FILE *f = fopen("/proc/self/smaps", "r");
  if (!f) return 0;
  char line[512];
  int inside = 0;
  long kb = 0;
  uintptr_t a = (uintptr_t)addr;
  while (fgets(line, sizeof line, f)) {
    uintptr_t lo, hi; /* an entry starts with "lo-hi perms ..."; field lines with "Name:" */
    if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) == 2) {
      inside = lo <= a && a < hi;
    } else if (inside && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) {
      break;
    }
  }
  fclose(f);
  return kb;
}

static int try_huge(unsigned char *base, size_t len) {
  if (madvise(base, len, MADV_HUGEPAGE) != 0) return 0;
  volatile unsigned char *v = base; /* fault in the first 2 MiB; the pool is zero already */
  for (size_t off = 0; off < HUGE_BYTES; off += 4096) v[off] = 0;
  return smaps_anon_huge_kb(base) > 0;
}

static aeon_err pool_map(aeon_pagepool *pp, int want_huge) {
  size_t total = pp->page_bytes * pp->npages;
  int huge = want_huge && total >= HUGE_BYTES;
  pp->map_bytes = huge ? round_up(total, HUGE_BYTES) : round_up(total, 4096);
  AE_CHK(map_aligned(pp->map_bytes, huge ? HUGE_BYTES : 4096, &pp->base));
  aeon_mem_note_alloc_(pp->map_bytes);
  pp->huge = huge ? try_huge(pp->base, pp->map_bytes) : 0;
  return AEON_OK;
}

aeon_err aeon_pagepool_create(size_t page_bytes, size_t npages, int want_huge, aeon_pagepool **pp) {
  *pp = NULL;
  if (page_bytes == 0 || npages == 0)
    return AE_ERR(AEON_ERR_USER, "page pool needs pages of nonzero size (got %zu x %zu)", npages,
                  page_bytes);
  page_bytes = round_up(page_bytes, AEON_ALIGN);
  if (page_bytes > (SIZE_MAX >> 2) / npages)
    return AE_ERR(AEON_ERR_MEM, "page pool of %zu x %zu bytes is too large", npages, page_bytes);
  void *p;
  AE_CHK(aeon_mem_alloc(sizeof(aeon_pagepool) + npages * (sizeof(size_t) + 1), &p));
  aeon_pagepool *pool = p;
  pool->page_bytes = page_bytes;
  pool->npages = pool->nfree = npages;
  pool->free_idx = (size_t *)(pool + 1);
  pool->out = (unsigned char *)(pool->free_idx + npages);
  for (size_t i = 0; i < npages; i++) pool->free_idx[i] = npages - 1 - i; /* page 0 on top */
  aeon_err e = pool_map(pool, want_huge);
  if (e != AEON_OK) {
    aeon_mem_free(pool);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *pp = pool;
  return AEON_OK;
}

void aeon_pagepool_destroy(aeon_pagepool *pp) {
  if (!pp) return;
  munmap(pp->base, pp->map_bytes);
  aeon_mem_note_free_(pp->map_bytes);
  aeon_mem_free(pp);
}

aeon_err aeon_pagepool_get(aeon_pagepool *pp, void **page) {
  *page = NULL;
  if (pp->nfree == 0)
    return AE_ERR(AEON_ERR_MEM, "page pool exhausted (%zu pages of %zu bytes)", pp->npages,
                  pp->page_bytes);
  size_t i = pp->free_idx[--pp->nfree];
  pp->out[i] = 1;
  *page = pp->base + i * pp->page_bytes;
  return AEON_OK;
}

void aeon_pagepool_put(aeon_pagepool *pp, void *page) {
  if (!page) return;
  uintptr_t off = (uintptr_t)page - (uintptr_t)pp->base;
  if ((uintptr_t)page < (uintptr_t)pp->base || off % pp->page_bytes) return; /* not a page of ours */
  size_t i = off / pp->page_bytes;
  if (i >= pp->npages || !pp->out[i]) return; /* foreign or already free */
  pp->out[i] = 0;
  pp->free_idx[pp->nfree++] = i;
}

size_t aeon_pagepool_free_pages(const aeon_pagepool *pp) { return pp->nfree; }

int aeon_pagepool_huge(const aeon_pagepool *pp) { return pp->huge; }
