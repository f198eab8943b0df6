/* Unit tests of the aeonic memory tiers: put/get, TTL, taint, regime shifts,
 * rollback, full-store eviction order, canonical serialisation and its
 * validation (including 10000 random mutations of a valid buffer), and the
 * receipts every change leaves. */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/receipts.h"
#include "aeon/tiers.h"
#include "testutil.h"

typedef struct fixture {
  aeon_receipts *log;
  aeon_tiers *tiers;
  aeon_tier_clock clock;
} fixture;

static fixture open_store(void) {
  fixture f = {.clock = {.step = 10, .tick = 100, .regime = 0xa1, .t = 0.5, .dt = 0.01, .wall = 2.0}};
  ck_aeon(aeon_receipts_create(0, &f.log));
  ck_aeon(aeon_tiers_create(f.log, &f.tiers));
  aeon_tiers_set_clock(f.tiers, &f.clock);
  return f;
}

static void close_store(fixture *f) {
  aeon_tiers_destroy(f->tiers);
  aeon_receipts_destroy(f->log);
}

static void advance(fixture *f, int64_t steps, int64_t ticks) {
  f->clock.step += steps;
  f->clock.tick += ticks;
  aeon_tiers_set_clock(f->tiers, &f->clock);
}

static const aeon_receipt *last_receipt(const fixture *f) {
  size_t n = aeon_receipts_count(f->log);
  ck_assert_uint_gt(n, 0);
  return aeon_receipts_get(f->log, n - 1);
}

static void put_i64(fixture *f, int tier, const char *key, int64_t v, int64_t ttl) {
  ck_aeon(aeon_tiers_put(f->tiers, tier, key, &v, sizeof v, ttl));
}

/* Returns 1 and the value if key is served now. */
static int get_i64(fixture *f, const char *key, int64_t *v) {
  size_t len = 0;
  int ok = aeon_tiers_get(f->tiers, key, v, sizeof *v, &len);
  if (ok) ck_assert_uint_eq(len, sizeof *v);
  return ok;
}

START_TEST(put_get) {
  fixture f = open_store();
  int64_t v = 0;
  put_i64(&f, 1, "dt.substeps", 3, 0);
  ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 1);
  ck_assert_int_eq(v, 3);
  ck_assert_str_eq(last_receipt(&f)->detail, "tier 1 put dt.substeps (8 bytes)");
  ck_assert_int_eq(last_receipt(&f)->kind, AEON_RCPT_TIER_PUT);
  ck_assert_int_eq(last_receipt(&f)->step, 10);
  ck_assert(last_receipt(&f)->t == 0.5 && last_receipt(&f)->wall == 2.0);
  ck_assert_int_eq(get_i64(&f, "missing", &v), 0);
  /* replacing keeps one entry; the old one is evicted as replaced */
  put_i64(&f, 3, "dt.substeps", 4, 0);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 1);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 1), 0);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 3), 1);
  ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 1);
  ck_assert_int_eq(v, 4);
  ck_assert_str_eq(aeon_receipts_get(f.log, 1)->detail, "tier 1 evict dt.substeps: replaced");
  /* re-putting an entry from its own slot (key and value point into the store) keeps both */
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    const aeon_tier_entry *e = aeon_tiers_slot(f.tiers, i);
    if (e->tier == 3) ck_aeon(aeon_tiers_put(f.tiers, 2, e->key, e->value, e->len, 4));
  }
  ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 1);
  ck_assert_int_eq(v, 4);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 2), 1);
  ck_assert_str_eq(last_receipt(&f)->detail, "tier 2 put dt.substeps (8 bytes)");
  /* too small a buffer: not served, but the length needed is reported */
  char small[4];
  size_t len = 0;
  ck_assert_int_eq(aeon_tiers_get(f.tiers, "dt.substeps", small, sizeof small, &len), 0);
  ck_assert_uint_eq(len, 8);
  /* empty values are fine */
  ck_aeon(aeon_tiers_put(f.tiers, 0, "flag", NULL, 0, 0));
  ck_assert_int_eq(aeon_tiers_get(f.tiers, "flag", NULL, 0, &len), 1);
  ck_assert_uint_eq(len, 0);
  ck_assert_int_eq(aeon_tiers_evict(f.tiers, "flag"), 1);
  ck_assert_int_eq(aeon_tiers_evict(f.tiers, "flag"), 0);
  ck_assert_str_eq(last_receipt(&f)->detail, "tier 0 evict flag: removed");
  close_store(&f);
}
END_TEST

START_TEST(bad_puts) {
  fixture f = open_store();
  char key[AEON_TIER_KEY + 1], value[AEON_TIER_VALUE + 1] = {0};
  memset(key, 'k', sizeof key);
  key[AEON_TIER_KEY] = '\0'; /* 48 characters: one too many */
  ck_assert_int_eq(aeon_tiers_put(f.tiers, 1, key, value, 1, 0), AEON_ERR_INTERNAL);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "longer than 47"));
  key[AEON_TIER_KEY - 1] = '\0'; /* 47: fits */
  ck_aeon(aeon_tiers_put(f.tiers, 1, key, value, AEON_TIER_VALUE, 0));
  ck_assert_int_eq(aeon_tiers_put(f.tiers, 1, "v", value, AEON_TIER_VALUE + 1, 0), AEON_ERR_INTERNAL);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "tier put v: value of 257 bytes"));
  ck_assert_int_eq(aeon_tiers_put(f.tiers, 4, "v", value, 1, 0), AEON_ERR_INTERNAL);
  ck_assert_int_eq(aeon_tiers_put(f.tiers, -1, "v", value, 1, 0), AEON_ERR_INTERNAL);
  ck_assert_int_eq(aeon_tiers_put(f.tiers, 2, "v", value, 1, -5), AEON_ERR_INTERNAL);
  ck_assert_int_eq(aeon_tiers_put(f.tiers, 2, "", value, 1, 0), AEON_ERR_INTERNAL);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 1);
  close_store(&f);
}
END_TEST

START_TEST(ttl_expiry) {
  fixture f = open_store();
  int64_t v;
  put_i64(&f, 2, "norms.summary", 7, 10); /* put at tick 100: lives through tick 109 */
  advance(&f, 5, 9);
  ck_assert_int_eq(get_i64(&f, "norms.summary", &v), 1);
  advance(&f, 0, 1);
  size_t n = aeon_receipts_count(f.log);
  ck_assert_int_eq(get_i64(&f, "norms.summary", &v), 0);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 2), 0); /* evicted, with a receipt */
  ck_assert_uint_eq(aeon_receipts_count(f.log), n + 1);
  ck_assert_int_eq(last_receipt(&f)->kind, AEON_RCPT_TIER_EVICT);
  ck_assert_str_eq(last_receipt(&f)->detail, "tier 2 evict norms.summary: ttl expired");
  ck_assert_int_eq(last_receipt(&f)->step, 15);
  /* expire() sweeps: ttl 0 lives forever; ttl elsewhere than tier 2 is not counted */
  put_i64(&f, 2, "a", 1, 3);
  put_i64(&f, 2, "b", 1, 8);
  put_i64(&f, 2, "forever", 1, 0);
  put_i64(&f, 1, "tier1", 1, 2);
  advance(&f, 0, 3);
  ck_assert_int_eq(aeon_tiers_expire(f.tiers), 1);
  advance(&f, 0, 1000);
  ck_assert_int_eq(aeon_tiers_expire(f.tiers), 1);
  ck_assert_int_eq(aeon_tiers_expire(f.tiers), 0);
  ck_assert_int_eq(get_i64(&f, "forever", &v), 1);
  ck_assert_int_eq(get_i64(&f, "tier1", &v), 1);
  close_store(&f);
}
END_TEST

START_TEST(taint_blocks_serving) {
  fixture f = open_store();
  int64_t v;
  put_i64(&f, 1, "dt.substeps", 2, 0);
  ck_assert_int_eq(aeon_tiers_taint(f.tiers, "dt.substeps", 5), 1);
  ck_assert_int_eq(last_receipt(&f)->kind, AEON_RCPT_TIER_TAINT);
  ck_assert_str_eq(last_receipt(&f)->detail, "tier 1 taint dt.substeps for 5 steps");
  ck_assert_int_eq(aeon_tiers_taint(f.tiers, "nothing", 5), 0);
  for (int s = 0; s < 5; s++) {
    ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 0);
    advance(&f, 1, 1);
  }
  ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 1); /* step 15: served again */
  ck_assert_int_eq(v, 2);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 1), 1);   /* tainting never removed it */
  close_store(&f);
}
END_TEST

START_TEST(regime_shift_invalidates_tiers_1_2) {
  fixture f = open_store();
  int64_t v;
  put_i64(&f, 0, "scratch", 0, 0);
  put_i64(&f, 1, "dt.substeps", 1, 0);
  put_i64(&f, 2, "norms.summary", 2, 0);
  put_i64(&f, 3, "hw.profile", 3, 0);
  /* made in another regime: not served, even before a shift is declared */
  f.clock.regime = 0xb2;
  aeon_tiers_set_clock(f.tiers, &f.clock);
  ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 0);
  ck_assert_int_eq(get_i64(&f, "hw.profile", &v), 1);
  size_t n = aeon_receipts_count(f.log);
  ck_assert_int_eq(aeon_tiers_regime_shift(f.tiers, 0xb2, "cfl"), 2);
  ck_assert_uint_eq(aeon_receipts_count(f.log), n + 2);
  for (size_t i = n; i < n + 2; i++)
    ck_assert_int_eq(aeon_receipts_get(f.log, i)->kind, AEON_RCPT_TIER_INVALIDATE);
  ck_assert_str_eq(aeon_receipts_get(f.log, n)->detail,
                   "tier 1 invalidate dt.substeps: regime 0xa1 -> 0xb2 (cfl)");
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 1) + aeon_tiers_count(f.tiers, 2), 0);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, 0), 1);
  ck_assert_int_eq(get_i64(&f, "hw.profile", &v), 1);
  ck_assert_int_eq(v, 3);
  /* entries of the new regime survive the next shift to it */
  put_i64(&f, 1, "dt.substeps", 5, 0);
  ck_assert_int_eq(aeon_tiers_regime_shift(f.tiers, 0xb2, "again"), 0);
  ck_assert_int_eq(get_i64(&f, "dt.substeps", &v), 1);
  close_store(&f);
}
END_TEST

START_TEST(drop_tier0_on_rollback) {
  fixture f = open_store();
  put_i64(&f, 0, "s1", 1, 0);
  put_i64(&f, 0, "s2", 1, 0);
  put_i64(&f, 0, "s3", 1, 0);
  put_i64(&f, 1, "keep", 1, 0);
  ck_assert_int_eq(aeon_tiers_drop_tier0(f.tiers), 3);
  ck_assert_str_eq(last_receipt(&f)->detail, "tier 0 evict s3: dropped on rollback");
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 1);
  ck_assert_int_eq(aeon_tiers_drop_tier0(f.tiers), 0);
  close_store(&f);
}
END_TEST

static int present(const fixture *f, const char *key) {
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    const aeon_tier_entry *e = aeon_tiers_slot(f->tiers, i);
    if (e->tier >= 0 && strcmp(e->key, key) == 0) return 1;
  }
  return 0;
}

START_TEST(full_store_eviction_order) {
  fixture f = open_store();
  char key[32];
  /* 3 tier-1, then 3 tier-2, then tier-3 and tier-0 entries to fill the store */
  for (int i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "one.%d", i);
    put_i64(&f, 1, key, i, 0);
  }
  for (int i = 0; i < 3; i++) {
    snprintf(key, sizeof key, "two.%d", i);
    put_i64(&f, 2, key, i, 0);
  }
  for (int i = 6; i < AEON_TIER_CAPACITY; i++) {
    snprintf(key, sizeof key, "rest.%d", i);
    put_i64(&f, i % 2 ? 3 : 0, key, i, 0);
  }
  put_i64(&f, 2, "two.0", 9, 0); /* a replacement makes room of its own */
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), AEON_TIER_CAPACITY);
  /* now two.1, two.2, two.0 (re-put, so youngest), then one.0, one.1, one.2 */
  const char *order[] = {"two.1", "two.2", "two.0", "one.0", "one.1", "one.2"};
  for (int k = 0; k < 6; k++) {
    snprintf(key, sizeof key, "new.%d", k);
    put_i64(&f, 3, key, k, 0);
    ck_assert_msg(!present(&f, order[k]), "%s should have been evicted", order[k]);
    ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), AEON_TIER_CAPACITY);
    const aeon_receipt *ev = aeon_receipts_get(f.log, aeon_receipts_count(f.log) - 2);
    ck_assert_int_eq(ev->kind, AEON_RCPT_TIER_EVICT);
    ck_assert_ptr_nonnull(strstr(ev->detail, order[k]));
    ck_assert_ptr_nonnull(strstr(ev->detail, ": store full"));
  }
  ck_assert_int_eq(aeon_tiers_put(f.tiers, 0, "one.more", key, 1, 0), AEON_ERR_MEM);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "one.more"));
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), AEON_TIER_CAPACITY);
  close_store(&f);
}
END_TEST

/* A store with entries in every tier, some tainted, with varied sizes. */
static void fill_mixed(fixture *f) {
  char key[32];
  uint8_t value[AEON_TIER_VALUE];
  for (int i = 0; i < 40; i++) {
    snprintf(key, sizeof key, "entry.%02d", i);
    for (int b = 0; b < AEON_TIER_VALUE; b++) value[b] = (uint8_t)(i * 31 + b);
    ck_aeon(aeon_tiers_put(f->tiers, i % 4, key, value, (size_t)(i * 7) % (AEON_TIER_VALUE + 1), i % 5));
    if (i % 6 == 0) aeon_tiers_taint(f->tiers, key, i);
    advance(f, 1, 2);
  }
}

static uint8_t *serialize(const aeon_tiers *tiers, size_t *len) {
  *len = aeon_tiers_serialized_size(tiers);
  uint8_t *buf = malloc(*len);
  aeon_tiers_serialize(tiers, buf);
  return buf;
}

START_TEST(serialize_round_trip) {
  fixture f = open_store(), g = open_store();
  fill_mixed(&f);
  size_t len;
  uint8_t *buf = serialize(f.tiers, &len);
  ck_assert_int_eq(memcmp(buf, "AEONTIER", 8), 0);
  put_i64(&g, 1, "entry.01", 5, 0); /* replaced by the data */
  put_i64(&g, 0, "scratch", 5, 0);  /* tier 0 stays */
  size_t nrec = aeon_receipts_count(g.log);
  ck_aeon(aeon_tiers_deserialize(g.tiers, buf, len));
  ck_assert_uint_eq(aeon_receipts_count(g.log), nrec); /* restoring is not a change to report */
  ck_assert_int_eq(aeon_tiers_count(g.tiers, 0), 1);
  for (int t = 1; t <= 3; t++) ck_assert_int_eq(aeon_tiers_count(g.tiers, t), aeon_tiers_count(f.tiers, t));
  for (int i = 0; i < AEON_TIER_CAPACITY; i++) {
    const aeon_tier_entry *e = aeon_tiers_slot(f.tiers, i);
    if (e->tier < 1) continue;
    int found = 0;
    for (int j = 0; j < AEON_TIER_CAPACITY; j++) {
      const aeon_tier_entry *d = aeon_tiers_slot(g.tiers, j);
      if (d->tier < 0 || strcmp(d->key, e->key) != 0) continue;
      ck_assert_int_eq(memcmp(d, e, sizeof *e), 0);
      found = 1;
    }
    ck_assert_msg(found, "%s lost", e->key);
  }
  ck_assert_ptr_null(aeon_tiers_slot(g.tiers, AEON_TIER_CAPACITY));
  ck_assert_ptr_null(aeon_tiers_slot(g.tiers, -1));
  size_t len2;
  uint8_t *again = serialize(g.tiers, &len2);
  ck_assert_uint_eq(len2, len);
  ck_assert_int_eq(memcmp(buf, again, len), 0); /* canonical, oldest first: the same bytes */
  free(again);
  free(buf);
  close_store(&f);
  close_store(&g);
}
END_TEST

START_TEST(empty_store_serializes) {
  fixture f = open_store();
  put_i64(&f, 0, "scratch", 1, 0);
  size_t len;
  uint8_t *buf = serialize(f.tiers, &len);
  ck_assert_uint_eq(len, 16);
  ck_aeon(aeon_tiers_deserialize(f.tiers, buf, len));
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 1);
  free(buf);
  close_store(&f);
}
END_TEST

/* Deserialises buf into a store holding one entry; expects AEON_ERR_USER with text, store unchanged. */
static void expect_rejected(const uint8_t *buf, size_t len, const char *text) {
  fixture f = open_store();
  put_i64(&f, 3, "kept", 1, 0);
  ck_assert_int_eq(aeon_tiers_deserialize(f.tiers, buf, len), AEON_ERR_USER);
  ck_assert_msg(strncmp(aeon_error_message(), "tier data: ", 11) == 0, "message: %s", aeon_error_message());
  if (text) ck_assert_msg(strstr(aeon_error_message(), text), "'%s' lacks '%s'", aeon_error_message(), text);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 1);
  close_store(&f);
}

static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

START_TEST(deserialize_rejects_malformed) {
  fixture f = open_store();
  put_i64(&f, 1, "a", 1, 0);
  put_i64(&f, 2, "b", 2, 0);
  size_t len;
  uint8_t *buf = serialize(f.tiers, &len), *bad = malloc(len + 8);
  const size_t rec = 16; /* first record */
  for (size_t cut = 0; cut < len; cut++) expect_rejected(buf, cut, NULL); /* every truncation */
  expect_rejected(buf, 3, "too short");
  memcpy(bad, buf, len);
  bad[0] = 'X';
  expect_rejected(bad, len, "bad magic");
  memcpy(bad, buf, len);
  put_u32(bad + 8, 2);
  expect_rejected(bad, len, "version 2");
  memcpy(bad, buf, len);
  put_u32(bad + 12, 3);
  expect_rejected(bad, len, "3 entries cannot fit");
  put_u32(bad + 12, 0xffffffffu);
  expect_rejected(bad, len, "entries cannot fit");
  memcpy(bad, buf, len);
  bad[len] = 0;
  expect_rejected(bad, len + 1, "1 trailing bytes");
  memcpy(bad, buf, len);
  put_u32(bad + rec + 48, 0);
  expect_rejected(bad, len, "has tier 0");
  put_u32(bad + rec + 48, 4);
  expect_rejected(bad, len, "has tier 4");
  memcpy(bad, buf, len);
  put_u32(bad + rec + 52, 300);
  expect_rejected(bad, len, "value of 300 bytes");
  memcpy(bad, buf, len);
  put_u32(bad + rec + 96 + 52, 9); /* the last value claims one byte more than is there */
  expect_rejected(bad, len, "entry 1 (b) is cut short");
  memcpy(bad, buf, len);
  memset(bad + rec, 'k', AEON_TIER_KEY);
  expect_rejected(bad, len, "unterminated key");
  bad[rec] = 0;
  expect_rejected(bad, len, "empty");
  memcpy(bad, buf, len);
  bad[rec + 88 + 8] = 'a'; /* second key "b" becomes "a" */
  expect_rejected(bad, len, "key a appears twice");
  memcpy(bad, buf, len);
  bad[rec + 80 - 1] = 0x80; /* ttl of the first entry negative */
  expect_rejected(bad, len, "negative ttl");
  uint8_t garbage[512];
  srand(7);
  for (size_t i = 0; i < sizeof garbage; i++) garbage[i] = (uint8_t)rand();
  expect_rejected(garbage, sizeof garbage, "bad magic");
  free(bad);
  free(buf);
  close_store(&f);
}
END_TEST

static uint64_t rng_next(uint64_t *s) { /* xorshift64 */
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Mutates a copy of buf: flips bytes, rewrites a u32 field, truncates or extends. */
static size_t mutate(const uint8_t *buf, size_t len, uint8_t *out, uint64_t *s) {
  memcpy(out, buf, len);
  size_t n = len;
  int nmut = 1 + (int)(rng_next(s) % 4);
  for (int m = 0; m < nmut; m++) {
    uint64_t r = rng_next(s);
    switch (r % 4) {
    case 0: out[r / 4 % n] ^= (uint8_t)(1u << (r / 1024 % 8)); break;
    case 1: out[r / 4 % n] = (uint8_t)(r >> 40); break;
    case 2: if (n >= 4) put_u32(out + (r / 4 % (n - 3)), (uint32_t)(r >> 32) % 600); break;
    default: n = (size_t)(r / 4 % (len + 64)) + 1; break; /* bytes past len are left over garbage */
    }
  }
  return n;
}

START_TEST(deserialize_random_mutations) {
  fixture f = open_store(), g = open_store();
  fill_mixed(&f);
  size_t len;
  uint8_t *buf = serialize(f.tiers, &len), *m = malloc(len + 64);
  memset(m, 0x5a, len + 64);
  uint64_t s = 0x9e3779b97f4a7c15ULL;
  int accepted = 0;
  for (int k = 0; k < 10000; k++) {
    size_t n = mutate(buf, len, m, &s);
    aeon_err e = aeon_tiers_deserialize(g.tiers, m, n);
    ck_assert_msg(e == AEON_OK || e == AEON_ERR_USER, "mutation %d gave code %d", k, (int)e);
    if (e != AEON_OK) continue;
    accepted++;
    for (int i = 0; i < AEON_TIER_CAPACITY; i++) { /* whatever was accepted is a sane store */
      const aeon_tier_entry *d = aeon_tiers_slot(g.tiers, i);
      ck_assert(d->tier >= -1 && d->tier <= 3 && d->len <= AEON_TIER_VALUE);
      ck_assert(memchr(d->key, 0, AEON_TIER_KEY));
    }
    int64_t v;
    get_i64(&g, "entry.05", &v); /* serving accepted junk must not misbehave either */
    aeon_tiers_expire(g.tiers);
  }
  ck_assert_int_lt(accepted, 10000);
  free(m);
  free(buf);
  close_store(&f);
  close_store(&g);
}
END_TEST

START_TEST(receipts_for_each_operation) {
  fixture f = open_store();
  size_t n0 = aeon_receipts_count(f.log);
  put_i64(&f, 1, "k1", 1, 0);             /* put */
  put_i64(&f, 1, "k1", 2, 0);             /* evict (replaced) + put */
  put_i64(&f, 0, "k0", 1, 0);             /* put */
  put_i64(&f, 2, "k2", 1, 1);             /* put */
  aeon_tiers_taint(f.tiers, "k1", 2);     /* taint */
  advance(&f, 1, 1);
  aeon_tiers_expire(f.tiers);             /* evict (ttl) */
  aeon_tiers_drop_tier0(f.tiers);         /* evict (rollback) */
  aeon_tiers_regime_shift(f.tiers, 7, "x"); /* invalidate */
  aeon_tiers_evict(f.tiers, "k1");        /* nothing: already invalidated */
  const int want[] = {AEON_RCPT_TIER_PUT, AEON_RCPT_TIER_EVICT, AEON_RCPT_TIER_PUT, AEON_RCPT_TIER_PUT,
                      AEON_RCPT_TIER_PUT, AEON_RCPT_TIER_TAINT, AEON_RCPT_TIER_EVICT, AEON_RCPT_TIER_EVICT,
                      AEON_RCPT_TIER_INVALIDATE};
  const int nwant = (int)(sizeof want / sizeof want[0]);
  ck_assert_uint_eq(aeon_receipts_count(f.log) - n0, nwant);
  for (int k = 0; k < nwant; k++) {
    const aeon_receipt *r = aeon_receipts_get(f.log, n0 + k);
    ck_assert_msg(r->kind == want[k], "receipt %d is %s", k, aeon_receipt_kind_name(r->kind));
  }
  const aeon_receipt *inv = last_receipt(&f);
  ck_assert_int_eq(inv->step, 11);
  ck_assert_str_eq(inv->detail, "tier 1 invalidate k1: regime 0xa1 -> 0x7 (x)");
  ck_aeon(aeon_receipts_verify(f.log, NULL));
  /* without a log nothing is reported and nothing fails */
  aeon_tiers *quiet = NULL;
  ck_aeon(aeon_tiers_create(NULL, &quiet));
  ck_aeon(aeon_tiers_put(quiet, 1, "k", "v", 1, 0));
  ck_assert_int_eq(aeon_tiers_taint(quiet, "k", 3), 1);
  ck_assert_int_eq(aeon_tiers_evict(quiet, "k"), 1);
  aeon_tiers_destroy(quiet);
  close_store(&f);
}
END_TEST

START_TEST(operations_allocate_nothing) {
  fixture f = open_store();
  put_i64(&f, 1, "warm", 1, 0);
  uint64_t before = aeon_mem_get_stats().nalloc;
  int64_t v;
  int served = 0;
  for (int i = 0; i < 500; i++) {
    char key[16];
    snprintf(key, sizeof key, "k%d", i % 200);
    put_i64(&f, 1 + i % 3, key, i, 5);
    served += get_i64(&f, key, &v);
    advance(&f, 1, 1);
    if (i % 50 == 0) aeon_tiers_expire(f.tiers);
  }
  ck_assert_int_eq(served, 500);
  ck_assert_uint_eq(aeon_mem_get_stats().nalloc, before); /* the receipts' first chunk had room */
  close_store(&f);
}
END_TEST

START_TEST(print_entries) {
  fixture f = open_store();
  put_i64(&f, 2, "norms.summary", 1, 10);
  put_i64(&f, 1, "dt.substeps", 1, 0);
  aeon_tiers_taint(f.tiers, "dt.substeps", 4);
  advance(&f, 0, 3);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  aeon_tiers_print(f.tiers, out);
  fclose(out);
  ck_assert_ptr_nonnull(strstr(text, "tier 2  norms.summary"));
  ck_assert_ptr_nonnull(strstr(text, "age 3 ticks  ttl 10\n"));
  ck_assert_ptr_nonnull(strstr(text, "tainted until step 14"));
  int lines = 0;
  for (char *c = text; *c; c++) lines += *c == '\n';
  ck_assert_int_eq(lines, 2);
  free(text);
  close_store(&f);
}
END_TEST

static Suite *tiers_suite(void) {
  Suite *s = suite_create("tiers");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, put_get);
  tcase_add_test(tc, bad_puts);
  tcase_add_test(tc, ttl_expiry);
  tcase_add_test(tc, taint_blocks_serving);
  tcase_add_test(tc, regime_shift_invalidates_tiers_1_2);
  tcase_add_test(tc, drop_tier0_on_rollback);
  tcase_add_test(tc, full_store_eviction_order);
  tcase_add_test(tc, serialize_round_trip);
  tcase_add_test(tc, empty_store_serializes);
  tcase_add_test(tc, deserialize_rejects_malformed);
  tcase_add_test(tc, deserialize_random_mutations);
  tcase_add_test(tc, receipts_for_each_operation);
  tcase_add_test(tc, operations_allocate_nothing);
  tcase_add_test(tc, print_entries);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(tiers_suite()); }
