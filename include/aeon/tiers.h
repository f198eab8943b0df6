/* Aeonic memory tiers: a keyed store of small values the run learns as it goes.
 *   Tier 0  step scratch: dropped on rollback
 *   Tier 1  stepper cache (dt suggestions, warm starts): valid only in the regime it was made in
 *   Tier 2  summaries with a time-to-live counted in clock ticks: also regime-bound
 *   Tier 3  calibration bank (hardware profile, tuned choices): survives regime shifts
 * An entry whose use led to a rejected step is tainted and not served until the
 * taint expires. Tiers 1-3 go into checkpoints. Every put/evict/taint/invalidate
 * is reported to an optional receipts log. No MPI in here. */
#ifndef AEON_TIERS_H
#define AEON_TIERS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aeon/error.h"
#include "aeon/receipts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AEON_TIER_KEY 48       /* longest key, NUL included */
#define AEON_TIER_VALUE 256    /* largest value in bytes */
#define AEON_TIER_CAPACITY 128 /* entries in all tiers together */

/* The clocks a tier store is consulted at (set by the caller before each call). */
typedef struct aeon_tier_clock {
  int64_t step;    /* current step (taint is counted in steps) */
  int64_t tick;    /* current tick of the clock TTLs are counted in */
  uint64_t regime; /* current regime key */
  double t, dt, wall; /* for the receipts */
} aeon_tier_clock;

/* One entry (plain data, fixed size, so a store has no per-entry allocation). */
typedef struct aeon_tier_entry {
  char key[AEON_TIER_KEY];
  int32_t tier;          /* 0..3; -1 for a free slot */
  uint32_t len;          /* bytes of value */
  uint64_t regime;       /* regime key at put */
  int64_t put_tick;      /* tick at put */
  int64_t ttl;           /* ticks it lives (tier 2; 0 = forever) */
  int64_t tainted_until; /* served again only when step >= tainted_until */
  uint8_t value[AEON_TIER_VALUE];
} aeon_tier_entry;

typedef struct aeon_tiers aeon_tiers; /* the store */

/* Creates an empty store; receipts (may be NULL) gets a receipt for every change. */
aeon_err aeon_tiers_create(aeon_receipts *receipts, aeon_tiers **tiers);
/* Frees the store. */
void aeon_tiers_destroy(aeon_tiers *tiers);
/* Sets the clock used by the following calls. */
void aeon_tiers_set_clock(aeon_tiers *tiers, const aeon_tier_clock *clock);
/* Stores len bytes under key in tier (replacing an older entry of that key), made in the current regime; ttl in ticks (tier 2). */
aeon_err aeon_tiers_put(aeon_tiers *tiers, int tier, const char *key, const void *value, size_t len, int64_t ttl);
/* Copies the value of key into out (capacity cap) and returns 1 if it may be served now: present, untainted,
 * not expired (an expired entry is evicted), and for tiers 1-2 made in the current regime; else returns 0. */
int aeon_tiers_get(aeon_tiers *tiers, const char *key, void *out, size_t cap, size_t *len);
/* Removes key (receipt: evict); 0 if it was not there. */
int aeon_tiers_evict(aeon_tiers *tiers, const char *key);
/* Taints key for the next `steps` steps (receipt: taint); 0 if it was not there. */
int aeon_tiers_taint(aeon_tiers *tiers, const char *key, int64_t steps);
/* Declares a new regime: tier 1-2 entries of other regimes are invalidated (removed, receipt each). Returns how many. */
int aeon_tiers_regime_shift(aeon_tiers *tiers, uint64_t new_regime, const char *why);
/* Drops every tier-0 entry (rollback). Returns how many. */
int aeon_tiers_drop_tier0(aeon_tiers *tiers);
/* Evicts every expired tier-2 entry now. Returns how many. */
int aeon_tiers_expire(aeon_tiers *tiers);
/* Returns the number of entries in tier (or in all tiers when tier < 0). */
int aeon_tiers_count(const aeon_tiers *tiers, int tier);
/* Returns entry i of the store (0 <= i < AEON_TIER_CAPACITY; tier == -1 marks a free slot). */
const aeon_tier_entry *aeon_tiers_slot(const aeon_tiers *tiers, int i);
/* Size in bytes of the canonical serialised form of tiers 1-3 (for checkpoints). */
size_t aeon_tiers_serialized_size(const aeon_tiers *tiers);
/* Writes tiers 1-3 in canonical little-endian form into buf (aeon_tiers_serialized_size bytes). */
void aeon_tiers_serialize(const aeon_tiers *tiers, uint8_t *buf);
/* Replaces tiers 1-3 with the entries in buf (len bytes); AEON_ERR_USER if buf is malformed. */
aeon_err aeon_tiers_deserialize(aeon_tiers *tiers, const uint8_t *buf, size_t len);
/* Stores like aeon_tiers_put, and a private copy of plen bytes at payload beside the value (a large value; freed with
 * the entry; not serialised: an entry restored from a checkpoint has no payload). */
aeon_err aeon_tiers_put_payload(aeon_tiers *tiers, int tier, const char *key, const void *value, size_t len,
                                int64_t ttl, const void *payload, size_t plen);
/* Sets *payload (owned by the store, valid until key changes) and *plen and returns 1 if key has a payload and may be
 * served now (as aeon_tiers_get); else returns 0. */
int aeon_tiers_payload(aeon_tiers *tiers, const char *key, const void **payload, size_t *plen);

/* ---- large values with a descriptor (io/tier_blob.c): warm starts any module may stash ----
 * The entry's value is the descriptor below (canonical little-endian, AEON_TIER_BLOB_DESC bytes); the payload sits
 * beside it in the store and, for later runs, in a file (aeon/cachedir.h). A payload whose SHA-256, size or layout
 * does not match its descriptor is never served: it is evicted with a warning on stderr. */

#define AEON_TIER_BLOB_DESC 144 /* bytes of an encoded descriptor */

/* What a large value is (plain data). */
typedef struct aeon_tier_blob {
  uint8_t params[32]; /* digest of the parameters it was made for (equal: an exact match) */
  uint8_t layout[32]; /* digest of the payload's layout (grid shape, box, ordering): unequal means unusable */
  uint8_t sha[32];    /* SHA-256 of the payload (set by aeon_tiers_blob_put) */
  uint64_t bytes;     /* payload size (set by aeon_tiers_blob_put) */
  int64_t cold[2];    /* the module's cost of making it from nothing (e.g. Newton steps, Krylov iterations) */
  int64_t made[2];    /* the cost of making this payload (less than cold when it was itself warm-started) */
} aeon_tier_blob;

/* SHA-256 of n bytes into out. */
void aeon_tier_digest(const void *data, size_t n, uint8_t out[32]);
/* Stores a descriptor (its sha and bytes filled in here from the payload) and a copy of the payload under key. */
aeon_err aeon_tiers_blob_put(aeon_tiers *tiers, int tier, const char *key, aeon_tier_blob *d, const void *payload,
                             size_t bytes);
/* Returns 1 and the descriptor and payload (owned by the store) if key is servable, holds a payload, its layout
 * digest equals layout and the payload matches its size and SHA-256; a mismatch evicts the entry with a warning
 * naming key and why; returns 0 otherwise. */
int aeon_tiers_blob_get(aeon_tiers *tiers, const char *key, const uint8_t layout[32], aeon_tier_blob *d,
                        const void **payload);
/* Writes key's descriptor and payload to the file path ("AEONBLOB" | version | key | descriptor | payload) through a
 * temporary file and a rename; returns 1, or 0 with a warning (no entry, no payload, or a write error). */
int aeon_tiers_blob_save(aeon_tiers *tiers, const char *key, const char *path);
/* Reads a file written by aeon_tiers_blob_save into tier under key: *st = 1 loaded, 0 no file, -1 a file that is not
 * a blob of key of the size its descriptor says (warned, ignored). The payload's digest is checked at get. */
aeon_err aeon_tiers_blob_load(aeon_tiers *tiers, int tier, const char *key, const char *path, int *st);

/* Prints every entry (tier, key, size, regime, age, TTL, taint) one per line. */
void aeon_tiers_print(const aeon_tiers *tiers, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
