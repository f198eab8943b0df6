/* Linear arena: bump allocation out of a singly linked list of chunks.
 *
 * Each chunk is one aeon_mem_alloc block: a 64-byte chunk header followed by
 * `cap` bytes of data. `cur` is the chunk being carved; chunks before it are
 * full (since the last reset), chunks after it are spare. A reset rewinds to
 * the first chunk in O(1); a chunk's fill mark is cleared when the arena
 * moves onto it, so reuse after a reset allocates nothing. */
#include "aeon/memory.h"

#include <string.h>

typedef struct chunk {
  struct chunk *next;
  size_t cap;  /* data bytes */
  size_t used; /* data bytes handed out since the arena reached this chunk */
} chunk;

_Static_assert(sizeof(chunk) <= AEON_ALIGN, "chunk header must fit in one alignment unit");

struct aeon_arena {
  chunk *head;       /* first chunk (never NULL after create) */
  chunk *cur;        /* chunk being carved */
  chunk *tail;       /* last chunk, where new ones are appended */
  size_t chunk_bytes;
  size_t used;       /* bytes handed out since the last reset */
  size_t capacity;   /* data bytes in all chunks */
};

static unsigned char *chunk_data(chunk *c) { return (unsigned char *)c + AEON_ALIGN; }

static size_t round_up64(size_t n) { return (n + (AEON_ALIGN - 1)) & ~(size_t)(AEON_ALIGN - 1); }

static aeon_err chunk_new(size_t cap, chunk **out) {
  void *p;
  if (cap > SIZE_MAX - 2 * AEON_ALIGN)
    return AE_ERR(AEON_ERR_MEM, "arena chunk of %zu bytes is too large", cap);
  AE_CHK(aeon_mem_alloc(AEON_ALIGN + cap, &p));
  chunk *c = p;
  c->cap = cap;
  *out = c;
  return AEON_OK;
}

aeon_err aeon_arena_create(size_t chunk_bytes, aeon_arena **a) {
  *a = NULL;
  void *p;
  AE_CHK(aeon_mem_alloc(sizeof(aeon_arena), &p));
  aeon_arena *ar = p;
  ar->chunk_bytes = round_up64(chunk_bytes ? chunk_bytes : AEON_ALIGN);
  aeon_err e = chunk_new(ar->chunk_bytes, &ar->head);
  if (e != AEON_OK) {
    aeon_mem_free(ar);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  ar->cur = ar->tail = ar->head;
  ar->capacity = ar->chunk_bytes;
  *a = ar;
  return AEON_OK;
}

void aeon_arena_destroy(aeon_arena *a) {
  if (!a) return;
  for (chunk *c = a->head, *n; c; c = n) {
    n = c->next;
    aeon_mem_free(c);
  }
  aeon_mem_free(a);
}

/* Moves cur forward to a chunk with room for `need` bytes, appending one if none is left. */
static aeon_err find_room(aeon_arena *a, size_t need) {
  while (a->cur->cap - a->cur->used < need) {
    if (a->cur->next) { /* spare chunk from before a reset (too small ones are skipped) */
      a->cur = a->cur->next;
      a->cur->used = 0;
      continue;
    }
    chunk *c = NULL;
    AE_CHK(chunk_new(need > a->chunk_bytes ? need : a->chunk_bytes, &c));
    a->tail->next = c;
    a->tail = a->cur = c;
    a->capacity += c->cap;
  }
  return AEON_OK;
}

aeon_err aeon_arena_alloc(aeon_arena *a, size_t bytes, void **p) {
  *p = NULL;
  if (bytes > SIZE_MAX - 2 * AEON_ALIGN)
    return AE_ERR(AEON_ERR_MEM, "arena request of %zu bytes is too large", bytes);
  size_t need = round_up64(bytes ? bytes : 1); /* a zero-byte request still gets a unique pointer */
  AE_CHK(find_room(a, need));
  unsigned char *q = chunk_data(a->cur) + a->cur->used;
  a->cur->used += need;
  a->used += need;
  memset(q, 0, need);
  *p = q;
  return AEON_OK;
}

void aeon_arena_reset(aeon_arena *a) {
  a->cur = a->head;
  a->head->used = 0;
  a->used = 0;
}

size_t aeon_arena_used(const aeon_arena *a) { return a->used; }

size_t aeon_arena_capacity(const aeon_arena *a) { return a->capacity; }
