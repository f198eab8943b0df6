/* Aeonic memory tiers: a fixed array of AEON_TIER_CAPACITY entry slots inside
 * the store, allocated once in aeon_tiers_create; no other call allocates
 * (receipts aside, which allocate once per chunk of the log, and a put with
 * a payload).
 *
 * An entry may own a payload beside its value (aeon_tiers_put_payload: a
 * large value such as a warm-start field, copied into one allocation at put
 * and freed when the entry goes); payloads are not serialised, so an entry
 * restored from a checkpoint has none.
 *
 * A key is unique in the whole store. Each slot also has a put sequence
 * number, kept beside the entries, that says which entry is oldest when a full
 * store must make room (oldest tier 2, else oldest tier 1).
 *
 * Canonical serialised form of tiers 1-3 (little-endian), oldest entry first:
 *   "AEONTIER" | version u32 | count u32 |
 *   count x { key[48] | tier i32 | len u32 | regime u64 | put_tick i64 | ttl i64 |
 *             tainted_until i64 | value[len] } */
#include "aeon/tiers.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "aeon/memory.h"

#define MAGIC "AEONTIER"
#define VERSION 1u
#define HEADER_BYTES 16
#define RECORD_BYTES (AEON_TIER_KEY + 4 + 4 + 8 + 8 + 8 + 8) /* without the value */

struct aeon_tiers {
  aeon_receipts *receipts; /* may be NULL */
  aeon_tier_clock clock;
  uint64_t next_seq;       /* sequence number of the next put */
  uint64_t seq[AEON_TIER_CAPACITY];
  aeon_tier_entry slot[AEON_TIER_CAPACITY];
  void *payload[AEON_TIER_CAPACITY]; /* owned payload of the entry, or NULL */
  size_t payload_len[AEON_TIER_CAPACITY];
};

/* Appends a receipt of kind with the clock's step/t/dt/wall, if the store has a log. */
__attribute__((format(printf, 3, 4))) static aeon_err note(aeon_tiers *tt, aeon_receipt_kind kind,
                                                           const char *fmt, ...) {
  if (!tt->receipts) return AEON_OK;
  char detail[AEON_RECEIPT_DETAIL];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  const aeon_tier_clock *c = &tt->clock;
  AE_CHK(aeon_receipts_append(tt->receipts, kind, c->step, c->t, c->dt, c->wall, "%s", detail));
  return AEON_OK;
}

static void clear_slot(aeon_tiers *tt, int i) {
  aeon_mem_free(tt->payload[i]);
  tt->payload[i] = NULL;
  tt->payload_len[i] = 0;
  memset(&tt->slot[i], 0, sizeof tt->slot[i]);
  tt->slot[i].tier = -1;
  tt->seq[i] = 0;
}

/* Removes entry i with an evict receipt giving why. */
static aeon_err evict_slot(aeon_tiers *tt, int i, const char *why) {
  aeon_tier_entry *e = &tt->slot[i];
  aeon_err err = note(tt, AEON_RCPT_TIER_EVICT, "tier %d evict %s: %s", (int)e->tier, e->key, why);
  clear_slot(tt, i);
  return err;
}

static int find(const aeon_tiers *tt, const char *key) {
  for (int i = 0; i < AEON_TIER_CAPACITY; i++)
    if (tt->slot[i].tier >= 0 && strcmp(tt->slot[i].key, key) == 0) return i;
  return -1;
}

/* Returns the oldest entry of tier, or -1 (tier == -1 finds a free slot). */
static int oldest(const aeon_tiers *tt, int tier) {
  int best = -1;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++)
    if (tt->slot[i].tier == tier && (best < 0 || tt->seq[i] < tt->seq[best])) best = i;
  return best;
}

/* Ticks since the entry was put (0 if the clock is behind it; no overflow on any values). */
static uint64_t age(const aeon_tiers *tt, const aeon_tier_entry *e) {
  return tt->clock.tick > e->put_tick ? (uint64_t)tt->clock.tick - (uint64_t)e->put_tick : 0;
}

static int expired(const aeon_tiers *tt, const aeon_tier_entry *e) {
  return e->tier == 2 && e->ttl > 0 && age(tt, e) >= (uint64_t)e->ttl;
}

static int servable(const aeon_tiers *tt, const aeon_tier_entry *e) {
  if ((e->tier == 1 || e->tier == 2) && e->regime != tt->clock.regime) return 0;
  return tt->clock.step >= e->tainted_until;
}

aeon_err aeon_tiers_create(aeon_receipts *receipts, aeon_tiers **tiers) {
  void *p;
  *tiers = NULL;
  AE_CHK(aeon_mem_alloc(sizeof(aeon_tiers), &p));
  aeon_tiers *tt = p;
  tt->receipts = receipts;
  tt->next_seq = 1;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) clear_slot(tt, i);
  *tiers = tt;
  return AEON_OK;
}

void aeon_tiers_destroy(aeon_tiers *tiers) {
  if (!tiers) return;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) aeon_mem_free(tiers->payload[i]);
  aeon_mem_free(tiers);
}

void aeon_tiers_set_clock(aeon_tiers *tiers, const aeon_tier_clock *clock) { tiers->clock = *clock; }

static aeon_err check_put(int tier, const char *key, const void *value, size_t len, int64_t ttl) {
  if (!key || !key[0]) return AE_ERR(AEON_ERR_INTERNAL, "tier put: empty key");
  if (strnlen(key, AEON_TIER_KEY) == AEON_TIER_KEY)
    return AE_ERR(AEON_ERR_INTERNAL, "tier put: key '%.*s...' is longer than %d characters",
                  AEON_TIER_KEY - 1, key, AEON_TIER_KEY - 1);
  if (tier < 0 || tier > 3)
    return AE_ERR(AEON_ERR_INTERNAL, "tier put %s: tier %d is not 0..3", key, tier);
  if (len > AEON_TIER_VALUE || (len && !value))
    return AE_ERR(AEON_ERR_INTERNAL, "tier put %s: value of %zu bytes (at most %d)", key, len,
                  AEON_TIER_VALUE);
  if (ttl < 0) return AE_ERR(AEON_ERR_INTERNAL, "tier put %s: negative ttl %" PRId64, key, ttl);
  return AEON_OK;
}

/* Finds a slot for a new entry: a free one, else one freed by evicting the oldest tier-2,
 * else the oldest tier-1 entry. */
static aeon_err make_room(aeon_tiers *tt, const char *key, int *at) {
  *at = oldest(tt, -1);
  if (*at >= 0) return AEON_OK;
  int victim = oldest(tt, 2);
  if (victim < 0) victim = oldest(tt, 1);
  if (victim < 0)
    return AE_ERR(AEON_ERR_MEM, "tier put %s: the store is full (%d entries, all in tiers 0 and 3)",
                  key, AEON_TIER_CAPACITY);
  *at = victim;
  return evict_slot(tt, victim, "store full");
}

/* Puts the entry with an owned copy of payload (plen bytes; none when plen is 0). */
static aeon_err put_entry(aeon_tiers *tiers, int tier, const char *key, const void *value, size_t len, int64_t ttl,
                          const void *payload, size_t plen) {
  AE_CHK(check_put(tier, key, value, len, ttl));
  void *copy = NULL; /* copied first: payload may be the one about to be freed */
  if (plen) {
    if (!payload) return AE_ERR(AEON_ERR_INTERNAL, "tier put %s: payload of %zu bytes at NULL", key, plen);
    AE_CHK(aeon_mem_alloc(plen, &copy));
    memcpy(copy, payload, plen);
  }
  /* built aside first: key and value may point into the entry that is about to be evicted */
  aeon_tier_entry e = {.tier = tier, .len = (uint32_t)len, .regime = tiers->clock.regime,
                       .put_tick = tiers->clock.tick, .ttl = tier == 2 ? ttl : 0};
  memcpy(e.key, key, strlen(key) + 1);
  if (len) memcpy(e.value, value, len);
  int at = find(tiers, key);
  aeon_err err = at >= 0 ? evict_slot(tiers, at, "replaced") : make_room(tiers, e.key, &at);
  if (err) {
    aeon_mem_free(copy);
    return aeon_error_trace(err, __FILE__, __LINE__, __func__);
  }
  tiers->slot[at] = e;
  tiers->seq[at] = tiers->next_seq++;
  tiers->payload[at] = copy;
  tiers->payload_len[at] = plen;
  if (plen) AE_CHK(note(tiers, AEON_RCPT_TIER_PUT, "tier %d put %s (%zu bytes + payload %zu)", tier, e.key, len, plen));
  else AE_CHK(note(tiers, AEON_RCPT_TIER_PUT, "tier %d put %s (%zu bytes)", tier, e.key, len));
  return AEON_OK;
}

aeon_err aeon_tiers_put(aeon_tiers *tiers, int tier, const char *key, const void *value, size_t len,
                        int64_t ttl) {
  return put_entry(tiers, tier, key, value, len, ttl, NULL, 0);
}

aeon_err aeon_tiers_put_payload(aeon_tiers *tiers, int tier, const char *key, const void *value, size_t len,
                                int64_t ttl, const void *payload, size_t plen) {
  return put_entry(tiers, tier, key, value, len, ttl, payload, plen);
}

int aeon_tiers_payload(aeon_tiers *tiers, const char *key, const void **payload, size_t *plen) {
  *payload = NULL;
  *plen = 0;
  int i = find(tiers, key);
  if (i < 0 || !tiers->payload[i]) return 0;
  if (expired(tiers, &tiers->slot[i])) {
    evict_slot(tiers, i, "ttl expired");
    return 0;
  }
  if (!servable(tiers, &tiers->slot[i])) return 0;
  *payload = tiers->payload[i];
  *plen = tiers->payload_len[i];
  return 1;
}

int aeon_tiers_get(aeon_tiers *tiers, const char *key, void *out, size_t cap, size_t *len) {
  if (len) *len = 0;
  int i = find(tiers, key);
  if (i < 0) return 0;
  aeon_tier_entry *e = &tiers->slot[i];
  if (expired(tiers, e)) {
    evict_slot(tiers, i, "ttl expired");
    return 0;
  }
  if (!servable(tiers, e)) return 0;
  if (len) *len = e->len; /* also when cap is too small: says how much room it needs */
  if (e->len > cap) return 0;
  if (e->len) memcpy(out, e->value, e->len);
  return 1;
}

int aeon_tiers_evict(aeon_tiers *tiers, const char *key) {
  int i = find(tiers, key);
  if (i < 0) return 0;
  evict_slot(tiers, i, "removed");
  return 1;
}

int aeon_tiers_taint(aeon_tiers *tiers, const char *key, int64_t steps) {
  int i = find(tiers, key);
  if (i < 0) return 0;
  aeon_tier_entry *e = &tiers->slot[i];
  int64_t until;
  if (__builtin_add_overflow(tiers->clock.step, steps, &until))
    until = steps > 0 ? INT64_MAX : INT64_MIN;
  if (until > e->tainted_until) e->tainted_until = until;
  note(tiers, AEON_RCPT_TIER_TAINT, "tier %d taint %s for %" PRId64 " steps", (int)e->tier, e->key,
       steps);
  return 1;
}

int aeon_tiers_regime_shift(aeon_tiers *tiers, uint64_t new_regime, const char *why) {
  int n = 0;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    aeon_tier_entry *e = &tiers->slot[i];
    if ((e->tier != 1 && e->tier != 2) || e->regime == new_regime) continue;
    note(tiers, AEON_RCPT_TIER_INVALIDATE,
         "tier %d invalidate %s: regime 0x%" PRIx64 " -> 0x%" PRIx64 " (%s)", (int)e->tier, e->key,
         e->regime, new_regime, why ? why : "");
    clear_slot(tiers, i);
    n++;
  }
  tiers->clock.regime = new_regime;
  return n;
}

/* Evicts every entry that matches, with the reason why; returns how many. */
static int evict_where(aeon_tiers *tt, int (*match)(const aeon_tiers *, const aeon_tier_entry *),
                       const char *why) {
  int n = 0;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    if (tt->slot[i].tier < 0 || !match(tt, &tt->slot[i])) continue;
    evict_slot(tt, i, why);
    n++;
  }
  return n;
}

static int in_tier0(const aeon_tiers *tt, const aeon_tier_entry *e) { return e->tier == 0; }

int aeon_tiers_drop_tier0(aeon_tiers *tiers) {
  return evict_where(tiers, in_tier0, "dropped on rollback");
}

int aeon_tiers_expire(aeon_tiers *tiers) { return evict_where(tiers, expired, "ttl expired"); }

int aeon_tiers_count(const aeon_tiers *tiers, int tier) {
  int n = 0;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++)
    n += tiers->slot[i].tier >= 0 && (tier < 0 || tiers->slot[i].tier == tier);
  return n;
}

const aeon_tier_entry *aeon_tiers_slot(const aeon_tiers *tiers, int i) {
  return i >= 0 && i < AEON_TIER_CAPACITY ? &tiers->slot[i] : NULL;
}

/* ---- serialisation ---- */

static int persistent(const aeon_tier_entry *e) { return e->tier >= 1 && e->tier <= 3; }

/* Fills order[] with the slots of tiers 1-3, oldest first; returns how many. */
static int persistent_order(const aeon_tiers *tt, int order[AEON_TIER_CAPACITY]) {
  int n = 0;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    if (!persistent(&tt->slot[i])) continue;
    int j = n++;
    for (; j > 0 && tt->seq[order[j - 1]] > tt->seq[i]; j--) order[j] = order[j - 1];
    order[j] = i;
  }
  return n;
}

size_t aeon_tiers_serialized_size(const aeon_tiers *tiers) {
  size_t n = HEADER_BYTES;
  for (int i = 0; i < AEON_TIER_CAPACITY; i++)
    if (persistent(&tiers->slot[i])) n += RECORD_BYTES + tiers->slot[i].len;
  return n;
}

static uint8_t *put_le(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8 * i));
  return p + bytes;
}

static uint64_t get_le(const uint8_t *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static uint8_t *encode_entry(const aeon_tier_entry *e, uint8_t *p) {
  memcpy(p, e->key, AEON_TIER_KEY);
  p = put_le(p + AEON_TIER_KEY, (uint32_t)e->tier, 4);
  p = put_le(p, e->len, 4);
  p = put_le(p, e->regime, 8);
  p = put_le(p, (uint64_t)e->put_tick, 8);
  p = put_le(p, (uint64_t)e->ttl, 8);
  p = put_le(p, (uint64_t)e->tainted_until, 8);
  memcpy(p, e->value, e->len);
  return p + e->len;
}

void aeon_tiers_serialize(const aeon_tiers *tiers, uint8_t *buf) {
  int order[AEON_TIER_CAPACITY];
  int n = persistent_order(tiers, order);
  memcpy(buf, MAGIC, 8);
  uint8_t *p = put_le(buf + 8, VERSION, 4);
  p = put_le(p, (uint32_t)n, 4);
  for (int k = 0; k < n; k++) p = encode_entry(&tiers->slot[order[k]], p);
}

/* Decodes the record at buf[*at] (len bytes in all) into e and moves *at past it;
 * AEON_ERR_USER if it is malformed. */
static aeon_err decode_entry(const uint8_t *buf, size_t len, size_t *at, int k, aeon_tier_entry *e) {
  if (len - *at < RECORD_BYTES)
    return AE_ERR(AEON_ERR_USER, "tier data: entry %d is cut short (%zu bytes left)", k, len - *at);
  const uint8_t *p = buf + *at;
  if (strnlen((const char *)p, AEON_TIER_KEY) == AEON_TIER_KEY || !p[0])
    return AE_ERR(AEON_ERR_USER, "tier data: entry %d has an empty or unterminated key", k);
  memset(e, 0, sizeof *e);
  strcpy(e->key, (const char *)p); /* zero padding after the key is canonical */
  p += AEON_TIER_KEY;
  e->tier = (int32_t)get_le(p, 4);
  e->len = (uint32_t)get_le(p + 4, 4);
  e->regime = get_le(p + 8, 8);
  e->put_tick = (int64_t)get_le(p + 16, 8);
  e->ttl = (int64_t)get_le(p + 24, 8);
  e->tainted_until = (int64_t)get_le(p + 32, 8);
  if (e->tier < 1 || e->tier > 3)
    return AE_ERR(AEON_ERR_USER, "tier data: entry %d (%s) has tier %d, not 1..3", k, e->key,
                  (int)e->tier);
  if (e->len > AEON_TIER_VALUE)
    return AE_ERR(AEON_ERR_USER, "tier data: entry %d (%s) has a value of %" PRIu32 " bytes (at most %d)", k,
                  e->key, e->len, AEON_TIER_VALUE);
  if (e->ttl < 0)
    return AE_ERR(AEON_ERR_USER, "tier data: entry %d (%s) has a negative ttl", k, e->key);
  if (len - *at - RECORD_BYTES < e->len)
    return AE_ERR(AEON_ERR_USER, "tier data: entry %d (%s) is cut short", k, e->key);
  memcpy(e->value, buf + *at + RECORD_BYTES, e->len);
  *at += RECORD_BYTES + e->len;
  return AEON_OK;
}

/* Checks the header; sets *count. */
static aeon_err decode_header(const uint8_t *buf, size_t len, int *count) {
  if (len < HEADER_BYTES)
    return AE_ERR(AEON_ERR_USER, "tier data: %zu bytes is too short for the header", len);
  if (memcmp(buf, MAGIC, 8) != 0)
    return AE_ERR(AEON_ERR_USER, "tier data: bad magic (not \"" MAGIC "\")");
  uint32_t version = (uint32_t)get_le(buf + 8, 4), n = (uint32_t)get_le(buf + 12, 4);
  if (version != VERSION)
    return AE_ERR(AEON_ERR_USER, "tier data: version %" PRIu32 " (this build reads %u)", version, VERSION);
  if (n > AEON_TIER_CAPACITY || n > (len - HEADER_BYTES) / RECORD_BYTES)
    return AE_ERR(AEON_ERR_USER, "tier data: %" PRIu32 " entries cannot fit (store holds %d, data %zu bytes)",
                  n, AEON_TIER_CAPACITY, len);
  *count = (int)n;
  return AEON_OK;
}

/* Validates the whole buffer without changing the store; sets the entry count if it is well formed. */
static aeon_err validate(const aeon_tiers *tt, const uint8_t *buf, size_t len, int *count) {
  AE_CHK(decode_header(buf, len, count));
  size_t at = HEADER_BYTES, key_at[AEON_TIER_CAPACITY];
  int tier0 = aeon_tiers_count(tt, 0);
  aeon_tier_entry e;
  for (int k = 0; k < *count; k++) {
    key_at[k] = at;
    AE_CHK(decode_entry(buf, len, &at, k, &e));
    for (int j = 0; j < k; j++)
      if (strcmp((const char *)buf + key_at[j], e.key) == 0)
        return AE_ERR(AEON_ERR_USER, "tier data: key %s appears twice (entries %d and %d)", e.key, j, k);
    int i = find(tt, e.key);
    if (i >= 0 && tt->slot[i].tier == 0) tier0--; /* gives way to the entry from buf */
  }
  if (at != len) return AE_ERR(AEON_ERR_USER, "tier data: %zu trailing bytes after the entries", len - at);
  if (tier0 + *count > AEON_TIER_CAPACITY)
    return AE_ERR(AEON_ERR_USER, "tier data: %d entries do not fit beside %d tier-0 entries", *count, tier0);
  return AEON_OK;
}

aeon_err aeon_tiers_deserialize(aeon_tiers *tiers, const uint8_t *buf, size_t len) {
  int count;
  AE_CHK(validate(tiers, buf, len, &count));
  for (int i = 0; i < AEON_TIER_CAPACITY; i++)
    if (persistent(&tiers->slot[i])) clear_slot(tiers, i);
  size_t at = HEADER_BYTES;
  for (int k = 0; k < count; k++) {
    aeon_tier_entry e;
    AE_CHK(decode_entry(buf, len, &at, k, &e)); /* cannot fail: validated */
    int i = find(tiers, e.key); /* a tier-0 entry of the same key gives way */
    if (i < 0) i = oldest(tiers, -1);
    else clear_slot(tiers, i);
    tiers->slot[i] = e;
    tiers->seq[i] = tiers->next_seq++;
  }
  return AEON_OK;
}

void aeon_tiers_print(const aeon_tiers *tiers, FILE *out) {
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    const aeon_tier_entry *e = &tiers->slot[i];
    if (e->tier < 0) continue;
    fprintf(out, "  tier %d  %-32s %4" PRIu32 " bytes  regime 0x%016" PRIx64 "  age %" PRIu64 " ticks",
            (int)e->tier, e->key, e->len, e->regime, age(tiers, e));
    fprintf(out, "  ttl %" PRId64, e->ttl);
    if (tiers->clock.step < e->tainted_until)
      fprintf(out, "  tainted until step %" PRId64, e->tainted_until);
    fputc('\n', out);
  }
}
