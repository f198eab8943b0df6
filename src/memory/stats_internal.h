/* Shared inside src/memory: the allocation statistics are updated from alloc.c and pagepool.c. */
#ifndef AEON_MEMORY_STATS_INTERNAL_H
#define AEON_MEMORY_STATS_INTERNAL_H
#include <stddef.h>
/* Counts an allocation of bytes in the process-wide statistics. */
void aeon_mem_note_alloc_(size_t bytes);
/* Counts a free of bytes in the process-wide statistics. */
void aeon_mem_note_free_(size_t bytes);
#endif
