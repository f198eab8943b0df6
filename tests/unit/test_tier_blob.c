/* Unit tests of large values tied to the tiers (aeon/tiers.h, io/tier_blob.c) and of the cache directory
 * (aeon/cachedir.h): a descriptor + payload round trip, the receipts, a layout or payload that does not match is
 * refused and evicted, payloads freed with their entries, a checkpointed store keeps descriptors without payloads,
 * files written and read back, damaged files (flipped byte, cut, another key, not a blob) never served, and the
 * order override > AEON_CACHE_DIR > XDG_CACHE_HOME > HOME of the cache directory. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/cachedir.h"
#include "aeon/memory.h"
#include "aeon/receipts.h"
#include "aeon/tiers.h"
#include "testutil.h"

#define NPAY 4096

typedef struct fixture {
  aeon_receipts *log;
  aeon_tiers *tiers;
  double pay[NPAY];
  aeon_tier_blob d;
} fixture;

static void open_store(fixture *f) {
  memset(f, 0, sizeof *f);
  ck_aeon(aeon_receipts_create(0, &f->log));
  ck_aeon(aeon_tiers_create(f->log, &f->tiers));
  for (int i = 0; i < NPAY; i++) f->pay[i] = 1.0 / (i + 1);
  memset(f->d.params, 0x11, 32);
  memset(f->d.layout, 0x22, 32);
  f->d.cold[0] = 7, f->d.cold[1] = 95, f->d.made[0] = 3, f->d.made[1] = 40;
}

static void close_store(fixture *f) {
  aeon_tiers_destroy(f->tiers);
  aeon_receipts_destroy(f->log);
}

static void put(fixture *f, const char *key) {
  ck_aeon(aeon_tiers_blob_put(f->tiers, 1, key, &f->d, f->pay, sizeof f->pay));
}

START_TEST(round_trip) {
  fixture f;
  open_store(&f);
  put(&f, "by.test");
  aeon_tier_blob d;
  const void *p;
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "by.test", f.d.layout, &d, &p), 1);
  ck_assert_mem_eq(p, f.pay, sizeof f.pay);
  ck_assert_uint_eq(d.bytes, sizeof f.pay);
  ck_assert_mem_eq(d.params, f.d.params, 32);
  ck_assert_int_eq(d.cold[0], 7);
  ck_assert_int_eq(d.cold[1], 95);
  ck_assert_int_eq(d.made[0], 3);
  ck_assert_int_eq(d.made[1], 40);
  uint8_t sha[32];
  aeon_tier_digest(f.pay, sizeof f.pay, sha);
  ck_assert_mem_eq(d.sha, sha, 32);
  ck_assert_uint_eq(aeon_receipts_count_kind(f.log, AEON_RCPT_TIER_PUT, "payload 32768"), 1);
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "absent", f.d.layout, &d, &p), 0);
  close_store(&f);
}
END_TEST

START_TEST(mismatch_refused_and_evicted) {
  fixture f;
  open_store(&f);
  put(&f, "by.a");
  aeon_tier_blob d;
  const void *p;
  uint8_t other[32];
  memset(other, 0x23, 32);
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "by.a", other, &d, &p), 0);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 0); /* evicted */
  put(&f, "by.b");
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "by.b", f.d.layout, &d, &p), 1);
  ((uint8_t *)(uintptr_t)p)[100] ^= 1; /* a payload damaged in memory */
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "by.b", f.d.layout, &d, &p), 0);
  ck_assert_ptr_null(p);
  ck_assert_int_eq(aeon_tiers_count(f.tiers, -1), 0);
  /* a plain entry has no payload: not a blob */
  int64_t v = 5;
  ck_aeon(aeon_tiers_put(f.tiers, 1, "plain", &v, sizeof v, 0));
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "plain", f.d.layout, &d, &p), 0);
  close_store(&f);
}
END_TEST

START_TEST(payloads_freed_with_entries) {
  fixture f;
  open_store(&f);
  uint64_t live = aeon_mem_get_stats().bytes_live;
  put(&f, "by.a");
  ck_assert_uint_ge(aeon_mem_get_stats().bytes_live, live + sizeof f.pay);
  put(&f, "by.a"); /* replaced: the old payload goes */
  ck_assert_uint_lt(aeon_mem_get_stats().bytes_live, live + 2 * sizeof f.pay);
  ck_assert_int_eq(aeon_tiers_evict(f.tiers, "by.a"), 1);
  ck_assert_uint_eq(aeon_mem_get_stats().bytes_live, live);
  put(&f, "by.b");
  ck_assert_int_eq(aeon_tiers_regime_shift(f.tiers, 9, "test"), 1);
  ck_assert_uint_eq(aeon_mem_get_stats().bytes_live, live);
  put(&f, "by.c");
  close_store(&f); /* destroy frees it: checked by the process's leak check in the sanitizer build */
}
END_TEST

START_TEST(checkpoint_keeps_descriptor_only) {
  fixture f;
  open_store(&f);
  put(&f, "by.a");
  size_t n = aeon_tiers_serialized_size(f.tiers);
  ck_assert_uint_eq(n, 16 + 88 + AEON_TIER_BLOB_DESC); /* header, one record, the descriptor */
  uint8_t *buf = malloc(n);
  aeon_tiers_serialize(f.tiers, buf);
  ck_aeon(aeon_tiers_deserialize(f.tiers, buf, n));
  free(buf);
  aeon_tier_blob d;
  const void *p;
  uint8_t desc[AEON_TIER_VALUE];
  size_t len;
  ck_assert_int_eq(aeon_tiers_get(f.tiers, "by.a", desc, sizeof desc, &len), 1);
  ck_assert_uint_eq(len, AEON_TIER_BLOB_DESC);
  ck_assert_int_eq(aeon_tiers_blob_get(f.tiers, "by.a", f.d.layout, &d, &p), 0); /* no payload */
  close_store(&f);
}
END_TEST

/* Rewrites the file at path with fn applied to its bytes. */
static void damage(const char *path, void (*fn)(uint8_t *, size_t *)) {
  FILE *fp = fopen(path, "rb");
  ck_assert_ptr_nonnull(fp);
  static uint8_t b[1 << 16];
  size_t n = fread(b, 1, sizeof b, fp);
  fclose(fp);
  fn(b, &n);
  fp = fopen(path, "wb");
  ck_assert_uint_eq(fwrite(b, 1, n, fp), n);
  fclose(fp);
}
static void flip(uint8_t *b, size_t *n) { b[*n - 7] ^= 0x10; }
static void cut(uint8_t *b, size_t *n) { (void)b, *n -= 8; }
static void rekey(uint8_t *b, size_t *n) { (void)n, b[16 + 3] = 'X'; }
static void magic(uint8_t *b, size_t *n) { (void)n, b[0] = 'X'; }

START_TEST(files) {
  fixture f;
  open_store(&f);
  char dir[] = "/tmp/aeon_tier_blob_XXXXXX", path[4096];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  ck_aeon(aeon_cache_path(dir, "warm/by.a.blob", path, sizeof path));
  put(&f, "by.a");
  ck_assert_int_eq(aeon_tiers_blob_save(f.tiers, "by.a", path), 1); /* creates warm/ */
  ck_assert_int_eq(aeon_tiers_blob_save(f.tiers, "absent", path), 0);
  aeon_tiers *t2;
  ck_aeon(aeon_tiers_create(NULL, &t2));
  int st;
  aeon_tier_blob d;
  const void *p;
  ck_aeon(aeon_tiers_blob_load(t2, 1, "by.a", path, &st));
  ck_assert_int_eq(st, 1);
  ck_assert_int_eq(aeon_tiers_blob_get(t2, "by.a", f.d.layout, &d, &p), 1);
  ck_assert_mem_eq(p, f.pay, sizeof f.pay);
  ck_assert_int_eq(d.cold[1], 95);
  ck_aeon(aeon_tiers_blob_load(t2, 1, "by.b", path, &st)); /* another key's file */
  ck_assert_int_eq(st, -1);
  char missing[4200];
  snprintf(missing, sizeof missing, "%s/none.blob", dir);
  ck_aeon(aeon_tiers_blob_load(t2, 1, "by.a", missing, &st));
  ck_assert_int_eq(st, 0);
  damage(path, flip); /* loads (sizes fit), refused when served */
  ck_aeon(aeon_tiers_blob_load(t2, 1, "by.a", path, &st));
  ck_assert_int_eq(st, 1);
  ck_assert_int_eq(aeon_tiers_blob_get(t2, "by.a", f.d.layout, &d, &p), 0);
  void (*bad[])(uint8_t *, size_t *) = {cut, rekey, magic};
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(aeon_tiers_blob_save(f.tiers, "by.a", path), 1);
    damage(path, bad[i]);
    ck_aeon(aeon_tiers_blob_load(t2, 1, "by.a", path, &st));
    ck_assert_int_eq(st, -1);
    ck_assert_int_eq(aeon_tiers_blob_get(t2, "by.a", f.d.layout, &d, &p), 0);
  }
  aeon_tiers_destroy(t2);
  remove(path);
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/warm", dir);
  rmdir(sub);
  rmdir(dir);
  close_store(&f);
}
END_TEST

START_TEST(cache_dir_order) {
  char dir[4096];
  setenv("HOME", "/h", 1);
  setenv("XDG_CACHE_HOME", "/x", 1);
  setenv("AEON_CACHE_DIR", "/a", 1);
  ck_aeon(aeon_cache_dir("/o", dir, sizeof dir));
  ck_assert_str_eq(dir, "/o");
  ck_aeon(aeon_cache_dir("none", dir, sizeof dir));
  ck_assert_str_eq(dir, "");
  ck_aeon(aeon_cache_dir("", dir, sizeof dir));
  ck_assert_str_eq(dir, "/a");
  unsetenv("AEON_CACHE_DIR");
  ck_aeon(aeon_cache_dir(NULL, dir, sizeof dir));
  ck_assert_str_eq(dir, "/x/aeon");
  setenv("XDG_CACHE_HOME", "relative", 1); /* not absolute: ignored, as the XDG spec says */
  ck_aeon(aeon_cache_dir(NULL, dir, sizeof dir));
  ck_assert_str_eq(dir, "/h/.cache/aeon");
  unsetenv("HOME");
  ck_aeon(aeon_cache_dir(NULL, dir, sizeof dir));
  ck_assert_str_eq(dir, "");
  char path[64];
  ck_aeon(aeon_cache_path("", "x", path, sizeof path));
  ck_assert_str_eq(path, "");
  ck_assert_int_eq(aeon_cache_path("/a/very/long/directory/name/that/does/not/fit", "file.blob", path, 16),
                   AEON_ERR_USER);
  aeon_error_clear();
}
END_TEST

static Suite *blob_suite(void) {
  Suite *s = suite_create("tier_blob");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, round_trip);
  tcase_add_test(tc, mismatch_refused_and_evicted);
  tcase_add_test(tc, payloads_freed_with_entries);
  tcase_add_test(tc, checkpoint_keeps_descriptor_only);
  tcase_add_test(tc, files);
  tcase_add_test(tc, cache_dir_order);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(blob_suite()); }
