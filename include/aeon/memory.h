/* Memory: every allocation Aeon makes goes through here, 64-byte aligned and
 * counted, so a test can prove that a time step allocates nothing. Arenas: a
 * linear pool that grows, and a fixed pool of aligned pages (transparent huge
 * pages where the OS offers them). */
#ifndef AEON_MEMORY_H
#define AEON_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AEON_ALIGN 64

/* Process-wide allocation statistics (the one counter the code keeps; atomic). */
typedef struct aeon_mem_stats {
  uint64_t nalloc;      /* allocations made so far */
  uint64_t nfree;       /* frees made so far */
  uint64_t bytes_live;  /* bytes currently allocated */
  uint64_t bytes_peak;  /* largest bytes_live seen */
} aeon_mem_stats;

/* Allocates bytes, 64-byte aligned and zeroed; counted. Sets *p = NULL and returns AEON_ERR_MEM on failure. */
aeon_err aeon_mem_alloc(size_t bytes, void **p);
/* Grows or shrinks an allocation made by aeon_mem_alloc, keeping its content and alignment; counted. */
aeon_err aeon_mem_realloc(size_t old_bytes, size_t new_bytes, void **p);
/* Frees memory from aeon_mem_alloc (NULL is fine). */
void aeon_mem_free(void *p);
/* Returns a snapshot of the allocation statistics. */
aeon_mem_stats aeon_mem_get_stats(void);
/* Duplicates a string with aeon_mem_alloc. */
aeon_err aeon_mem_strdup(const char *s, char **out);
/* Returns the bytes this node can still give (MemAvailable, or less under a cgroup limit; 0 if unknown) and, when
 * source is not NULL, says where the figure came from. */
size_t aeon_mem_available(const char **source);

typedef struct aeon_arena aeon_arena;       /* linear pool: bump allocation, grows by chunks, reset in O(1) */
typedef struct aeon_pagepool aeon_pagepool; /* fixed-size aligned pages from one mapping */

/* Creates a linear arena with a first chunk of chunk_bytes (later chunks at least as large). */
aeon_err aeon_arena_create(size_t chunk_bytes, aeon_arena **a);
/* Frees an arena and every chunk. */
void aeon_arena_destroy(aeon_arena *a);
/* Takes bytes (64-byte aligned, zeroed) from the arena, adding a chunk only when the current ones are full. */
aeon_err aeon_arena_alloc(aeon_arena *a, size_t bytes, void **p);
/* Forgets all allocations but keeps the chunks for reuse (no system calls). */
void aeon_arena_reset(aeon_arena *a);
/* Returns the bytes handed out since the last reset. */
size_t aeon_arena_used(const aeon_arena *a);
/* Returns the bytes reserved in chunks. */
size_t aeon_arena_capacity(const aeon_arena *a);

/* Creates a pool of npages pages of page_bytes (rounded up to 64 bytes) in one mapping; asks for huge pages if want_huge. */
aeon_err aeon_pagepool_create(size_t page_bytes, size_t npages, int want_huge, aeon_pagepool **pp);
/* Frees the pool's mapping. */
void aeon_pagepool_destroy(aeon_pagepool *pp);
/* Takes a free page; AEON_ERR_MEM when none is left. */
aeon_err aeon_pagepool_get(aeon_pagepool *pp, void **page);
/* Returns a page to the pool. */
void aeon_pagepool_put(aeon_pagepool *pp, void *page);
/* Returns the number of free pages. */
size_t aeon_pagepool_free_pages(const aeon_pagepool *pp);
/* Returns 1 if the kernel reported transparent huge pages for the pool's mapping, else 0. */
int aeon_pagepool_huge(const aeon_pagepool *pp);

#ifdef __cplusplus
}
#endif
#endif
