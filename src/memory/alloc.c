/* Counted, 64-byte aligned, zeroed allocations.
 *
 * Every block carries a 64-byte header just before the pointer handed out, so
 * aeon_mem_free needs nothing but the pointer and the returned address stays
 * 64-byte aligned. The statistics are the only mutable global state in the
 * memory module; they are C11 atomics so any thread may allocate. */
#include "aeon/memory.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "memory/stats_internal.h"

#define HDR_MAGIC 0xae0a11ce5afe64ULL

typedef struct block_hdr {
  size_t bytes;   /* size the caller asked for */
  uint64_t magic; /* catches frees of foreign pointers in debug builds */
} block_hdr;

_Static_assert(sizeof(block_hdr) <= AEON_ALIGN, "block header must fit in one alignment unit");

static _Atomic uint64_t st_nalloc, st_nfree, st_live, st_peak;

void aeon_mem_note_alloc_(size_t bytes) {
  atomic_fetch_add_explicit(&st_nalloc, 1, memory_order_relaxed);
  uint64_t live = atomic_fetch_add_explicit(&st_live, bytes, memory_order_relaxed) + bytes;
  uint64_t peak = atomic_load_explicit(&st_peak, memory_order_relaxed);
  while (live > peak &&
         !atomic_compare_exchange_weak_explicit(&st_peak, &peak, live, memory_order_relaxed,
                                                memory_order_relaxed)) {
  }
}

void aeon_mem_note_free_(size_t bytes) {
  atomic_fetch_add_explicit(&st_nfree, 1, memory_order_relaxed);
  atomic_fetch_sub_explicit(&st_live, bytes, memory_order_relaxed);
}

static block_hdr *header_of(void *p) {
  return (block_hdr *)((unsigned char *)p - AEON_ALIGN);
}

aeon_err aeon_mem_alloc(size_t bytes, void **p) {
  *p = NULL;
  if (bytes > SIZE_MAX - AEON_ALIGN)
    return AE_ERR(AEON_ERR_MEM, "allocation of %zu bytes is too large", bytes);
  void *raw = NULL;
  if (posix_memalign(&raw, AEON_ALIGN, AEON_ALIGN + bytes) != 0)
    return AE_ERR(AEON_ERR_MEM, "out of memory allocating %zu bytes", bytes);
  memset(raw, 0, AEON_ALIGN + bytes);
  block_hdr *h = raw;
  h->bytes = bytes;
  h->magic = HDR_MAGIC;
  aeon_mem_note_alloc_(bytes);
  *p = (unsigned char *)raw + AEON_ALIGN;
  return AEON_OK;
}

void aeon_mem_free(void *p) {
  if (!p) return;
  block_hdr *h = header_of(p);
  if (h->magic != HDR_MAGIC) abort(); /* not ours, or freed twice: memory is corrupt */
  h->magic = 0;
  aeon_mem_note_free_(h->bytes);
  free(h);
}

/* old_bytes must be the size the block was allocated with (checked against the header). */
aeon_err aeon_mem_realloc(size_t old_bytes, size_t new_bytes, void **p) {
  if (!*p) return aeon_mem_alloc(new_bytes, p);
  size_t have = header_of(*p)->bytes;
  if (have != old_bytes)
    return AE_ERR(AEON_ERR_INTERNAL, "realloc: block holds %zu bytes, caller said %zu", have,
                  old_bytes);
  void *q;
  AE_CHK(aeon_mem_alloc(new_bytes, &q)); /* on failure *p is untouched */
  memcpy(q, *p, have < new_bytes ? have : new_bytes);
  aeon_mem_free(*p);
  *p = q;
  return AEON_OK;
}

aeon_mem_stats aeon_mem_get_stats(void) {
  aeon_mem_stats s;
  s.nalloc = atomic_load_explicit(&st_nalloc, memory_order_relaxed);
  s.nfree = atomic_load_explicit(&st_nfree, memory_order_relaxed);
  s.bytes_live = atomic_load_explicit(&st_live, memory_order_relaxed);
  s.bytes_peak = atomic_load_explicit(&st_peak, memory_order_relaxed);
  return s;
}

aeon_err aeon_mem_strdup(const char *s, char **out) {
  *out = NULL;
  size_t n = strlen(s) + 1;
  void *p;
  AE_CHK(aeon_mem_alloc(n, &p));
  memcpy(p, s, n);
  *out = p;
  return AEON_OK;
}
