/* Unit tests of the receipts log: hash chain, verification of tampered logs,
 * canonical serialisation, SHA-256 known answers, chunked growth, and proof
 * that an append allocates nothing (neither Aeon's counter nor the C library's
 * allocator moves) while the current chunk has room. */
#include <check.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aeon/memory.h"
#include "aeon/receipts.h"
#include "testutil.h"

/* The SHA-256 helper inside src/io/receipts.c (not in the public header). */
void aeon_receipts_sha256_(const void *data, size_t n, uint8_t out[32]);

/* ---- counting the C library's allocations ---- */
static atomic_long libc_allocs;

#if defined(__SANITIZE_ADDRESS__)
/* ASan owns malloc: count through its allocation hooks (sanitizer/allocator_interface.h) instead. */
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void *, size_t),
                                              void (*free_hook)(const volatile void *));
static void count_malloc(const volatile void *p, size_t n) { atomic_fetch_add(&libc_allocs, 1); }
static void ignore_free(const volatile void *p) {}
static void install_counter(void) {
  ck_assert_int_ne(__sanitizer_install_malloc_and_free_hooks(count_malloc, ignore_free), 0);
}
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *malloc(size_t n) { atomic_fetch_add(&libc_allocs, 1); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { atomic_fetch_add(&libc_allocs, 1); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { atomic_fetch_add(&libc_allocs, 1); return __libc_realloc(p, n); }
int posix_memalign(void **p, size_t al, size_t n) {
  atomic_fetch_add(&libc_allocs, 1);
  *p = __libc_memalign(al, n);
  return *p ? 0 : 12;
}
void *aligned_alloc(size_t al, size_t n) { atomic_fetch_add(&libc_allocs, 1); return __libc_memalign(al, n); }
static void install_counter(void) {}
#endif

/* ---- helpers ---- */

/* A log of n receipts of varied kinds and details. */
static aeon_receipts *make_log(size_t reserve, size_t n) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(reserve, &log));
  for (size_t i = 0; i < n; i++)
    ck_aeon(aeon_receipts_append(log, (aeon_receipt_kind)(1 + i % 14), (int64_t)i - 1, 0.01 * (double)i,
                                 0.01, 0.5 + (double)i, "substeps=%zu", i % 3 + 1));
  return log;
}

static uint8_t *serialize(const aeon_receipts *log) {
  uint8_t *buf = malloc(aeon_receipts_count(log) * AEON_RECEIPT_BYTES + 1);
  aeon_receipts_serialize(log, buf);
  return buf;
}

/* Decodes n receipts from buf into a fresh log and verifies it; returns the code, sets *bad. */
static aeon_err verify_buffer(const uint8_t *buf, size_t n, size_t *bad) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  ck_aeon(aeon_receipts_deserialize(log, buf, n));
  aeon_err e = aeon_receipts_verify(log, bad);
  aeon_receipts_destroy(log);
  return e;
}

static void hex_of(const uint8_t *h, char *hex) {
  for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", h[i]);
}

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* ---- tests ---- */

START_TEST(append_builds_chain) {
  aeon_receipts *log = make_log(0, 10);
  static const uint8_t zeros[32];
  ck_assert_uint_eq(aeon_receipts_count(log), 10);
  ck_assert_ptr_null(aeon_receipts_get(log, 10));
  const aeon_receipt *r0 = aeon_receipts_get(log, 0);
  ck_assert_int_eq(memcmp(r0->prev, zeros, 32), 0);
  ck_assert_str_eq(r0->detail, "substeps=1");
  ck_assert_int_eq(r0->kind, AEON_RCPT_RUN_START);
  for (size_t i = 1; i < 10; i++) {
    const aeon_receipt *r = aeon_receipts_get(log, i);
    ck_assert_uint_eq(r->index, i);
    ck_assert_int_eq(r->reserved, 0);
    ck_assert_int_eq(memcmp(r->prev, aeon_receipts_get(log, i - 1)->hash, 32), 0);
    ck_assert_int_ne(memcmp(r->hash, r->prev, 32), 0);
  }
  char head[65], want[65];
  aeon_receipts_head_hex(log, head);
  hex_of(aeon_receipts_get(log, 9)->hash, want);
  ck_assert_str_eq(head, want);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(empty_log) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(4, &log));
  char head[65];
  aeon_receipts_head_hex(log, head);
  ck_assert_str_eq(head, "0000000000000000000000000000000000000000000000000000000000000000");
  size_t bad = 99;
  ck_aeon(aeon_receipts_verify(log, &bad));
  ck_assert_uint_eq(bad, 0);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(kind_names) {
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_RUN_START), "run-start");
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_STEP_ACCEPTED), "step-accepted");
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_TIER_INVALIDATE), "tier-invalidate");
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_CHECKPOINT_VALIDATED), "checkpoint-validated");
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_FAULT), "fault");
  ck_assert_str_eq(aeon_receipt_kind_name(0), "unknown");
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_FFT_PLAN), "fft-plan");
  ck_assert_str_eq(aeon_receipt_kind_name(AEON_RCPT_WARM_START), "warm-start");
  ck_assert_str_eq(aeon_receipt_kind_name(17), "unknown");
  ck_assert_str_eq(aeon_receipt_kind_name(-3), "unknown");
}
END_TEST

START_TEST(verify_good_log) {
  aeon_receipts *log = make_log(0, 50);
  size_t bad = 0;
  ck_aeon(aeon_receipts_verify(log, &bad));
  ck_assert_uint_eq(bad, 50);
  ck_aeon(aeon_receipts_verify(log, NULL));
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(tampered_detail_is_named) {
  aeon_receipts *log = make_log(0, 20);
  uint8_t *buf = serialize(log);
  buf[7 * AEON_RECEIPT_BYTES + 48 + 3] ^= 0x01; /* one byte of receipt 7's detail */
  size_t bad = 0;
  ck_assert_int_eq(verify_buffer(buf, 20, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 7);
  ck_assert_str_eq(aeon_error_message(),
                   "receipt 7 (tier-invalidate at step 6) is corrupt: its hash does not match its content");
  free(buf);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(changed_hash_is_named) {
  aeon_receipts *log = make_log(0, 20);
  uint8_t *buf = serialize(log);
  buf[3 * AEON_RECEIPT_BYTES + 160 + 31] ^= 0x80; /* last byte of receipt 3's hash */
  size_t bad = 0;
  ck_assert_int_eq(verify_buffer(buf, 20, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 3);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "receipt 3 (rollback at step 2) is corrupt"));
  free(buf);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(reordered_pair_is_named) {
  aeon_receipts *log = make_log(0, 20);
  uint8_t *buf = serialize(log), tmp[AEON_RECEIPT_BYTES];
  memcpy(tmp, buf + 11 * AEON_RECEIPT_BYTES, AEON_RECEIPT_BYTES);
  memcpy(buf + 11 * AEON_RECEIPT_BYTES, buf + 12 * AEON_RECEIPT_BYTES, AEON_RECEIPT_BYTES);
  memcpy(buf + 12 * AEON_RECEIPT_BYTES, tmp, AEON_RECEIPT_BYTES);
  size_t bad = 0;
  ck_assert_int_eq(verify_buffer(buf, 20, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 11);
  ck_assert_str_eq(aeon_error_message(), "receipt 11 has index 12");
  free(buf);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(wrong_index_is_named) {
  aeon_receipts *log = make_log(0, 20);
  uint8_t *buf = serialize(log);
  buf[15 * AEON_RECEIPT_BYTES] = 99;
  size_t bad = 0;
  ck_assert_int_eq(verify_buffer(buf, 20, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 15);
  ck_assert_str_eq(aeon_error_message(), "receipt 15 has index 99");
  free(buf);
  aeon_receipts_destroy(log);
}
END_TEST

/* A receipt replaced by a self-consistent one (its own hash correct) breaks the chain after it. */
START_TEST(rehashed_receipt_breaks_chain) {
  aeon_receipts *a = make_log(0, 10), *b = make_log(0, 5);
  ck_aeon(aeon_receipts_append(b, AEON_RCPT_STEP_ACCEPTED, 4, 0.05, 0.01, 5.5, "substeps=9"));
  uint8_t *ba = serialize(a), *bb = serialize(b);
  memcpy(ba + 5 * AEON_RECEIPT_BYTES, bb + 5 * AEON_RECEIPT_BYTES, AEON_RECEIPT_BYTES);
  size_t bad = 0;
  ck_assert_int_eq(verify_buffer(ba, 10, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 6);
  ck_assert_str_eq(aeon_error_message(), "receipt 6 (tier-taint at step 5) does not chain to receipt 5");
  /* and a nonzero prev on receipt 0 is caught (by its hash, which covers prev) */
  ba[128] ^= 1;
  ck_assert_int_eq(verify_buffer(ba, 10, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 0);
  free(ba);
  free(bb);
  aeon_receipts_destroy(a);
  aeon_receipts_destroy(b);
}
END_TEST

START_TEST(serialize_round_trip) {
  aeon_receipts *log = make_log(0, 300), *back = NULL;
  uint8_t *buf = serialize(log);
  ck_aeon(aeon_receipts_create(7, &back)); /* small first chunk: deserialize must grow it */
  ck_aeon(aeon_receipts_append(back, AEON_RCPT_FAULT, 1, 0, 0, 0, "replaced"));
  ck_aeon(aeon_receipts_deserialize(back, buf, 300));
  ck_assert_uint_eq(aeon_receipts_count(back), 300);
  for (size_t i = 0; i < 300; i++)
    ck_assert_int_eq(memcmp(aeon_receipts_get(log, i), aeon_receipts_get(back, i), sizeof(aeon_receipt)), 0);
  ck_aeon(aeon_receipts_verify(back, NULL));
  char h1[65], h2[65];
  aeon_receipts_head_hex(log, h1);
  aeon_receipts_head_hex(back, h2);
  ck_assert_str_eq(h1, h2);
  uint8_t *again = serialize(back);
  ck_assert_int_eq(memcmp(buf, again, 300 * AEON_RECEIPT_BYTES), 0);
  free(again);
  free(buf);
  aeon_receipts_destroy(log);
  aeon_receipts_destroy(back);
}
END_TEST

START_TEST(sha256_known_answers) {
  uint8_t h[32];
  char hex[65];
  aeon_receipts_sha256_("abc", 3, h);
  hex_of(h, hex);
  ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  aeon_receipts_sha256_("", 0, h);
  hex_of(h, hex);
  ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  aeon_receipts_sha256_(two, strlen(two), h);
  hex_of(h, hex);
  ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* The canonical layout, byte by byte, and hash = SHA-256(prev || bytes 0..127) computed independently. */
START_TEST(canonical_layout) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_RUN_START, -1, 0, 0, 0, "deck %s", "wave.yaml"));
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_STEP_ACCEPTED, 0x0102030405060708LL, 0.25, -1.5, 3.0,
                               "substeps=%d", 2));
  uint8_t buf[2 * AEON_RECEIPT_BYTES];
  aeon_receipts_serialize(log, buf);
  const uint8_t *p = buf + AEON_RECEIPT_BYTES;
  const uint8_t head[24] = {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  ck_assert_int_eq(memcmp(p, head, 24), 0);
  double t = 0.25, dt = -1.5, wall = 3.0;
  uint64_t bits;
  memcpy(&bits, &t, 8);
  ck_assert_uint_eq(le64(p + 24), bits);
  memcpy(&bits, &dt, 8);
  ck_assert_uint_eq(le64(p + 32), bits);
  memcpy(&bits, &wall, 8);
  ck_assert_uint_eq(le64(p + 40), bits);
  ck_assert_str_eq((const char *)p + 48, "substeps=2");
  for (int i = 48 + 10; i < 128; i++) ck_assert_int_eq(p[i], 0);
  ck_assert_int_eq(memcmp(p + 128, buf + 160, 32), 0); /* prev = hash of receipt 0 */
  for (int i = 192; i < 200; i++) ck_assert_int_eq(p[i], 0);
  uint8_t msg[160], h[32];
  unsigned int hn = 0;
  memcpy(msg, p + 128, 32);
  memcpy(msg + 32, p, 128);
  ck_assert_int_eq(EVP_Digest(msg, sizeof msg, h, &hn, EVP_sha256(), NULL), 1);
  ck_assert_int_eq(memcmp(h, p + 160, 32), 0);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(long_detail_truncated) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  char big[200];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_FAULT, 1, 0, 0, 0, "%s", big));
  ck_assert_uint_eq(strlen(aeon_receipts_get(log, 0)->detail), AEON_RECEIPT_DETAIL - 1);
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_SIGNAL, 1, 0, 0, 0, NULL));
  ck_assert_str_eq(aeon_receipts_get(log, 1)->detail, "");
  ck_aeon(aeon_receipts_verify(log, NULL));
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(print_lines) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_STEP_ACCEPTED, 11, 0.1146, 0.01042, 0.52, "substeps=1"));
  ck_aeon(aeon_receipts_append(log, 99, 12, 0.125, 0.01042, 0.6, "odd"));
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  aeon_receipts_print(log, 0, 10, f);
  fclose(f);
  char hex[65], want[200];
  hex_of(aeon_receipts_get(log, 0)->hash, hex);
  snprintf(want, sizeof want,
           "      0  step-accepted        step 11  t=0.1146  dt=0.01042  wall=0.52s  substeps=1"
           "  hash %.8s\xe2\x80\xa6\n",
           hex);
  ck_assert_ptr_nonnull(strstr(text, want));
  ck_assert_ptr_nonnull(strstr(text, "      1  kind-99              step 12"));
  free(text);
  f = open_memstream(&text, &size);
  aeon_receipts_print(log, 1, 1, f);
  aeon_receipts_print(log, 5, 3, f); /* past the end: nothing */
  fclose(f);
  ck_assert_ptr_null(strstr(text, "step-accepted"));
  ck_assert_ptr_nonnull(strstr(text, "kind-99"));
  free(text);
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(chunk_growth) {
  const size_t first = 16, n = 16 + 2 * 4096 + 5;
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(first, &log));
  uint64_t before = aeon_mem_get_stats().nalloc;
  for (size_t i = 0; i < n; i++) {
    ck_aeon(aeon_receipts_append(log, AEON_RCPT_STEP_ACCEPTED, (int64_t)i, 0, 0, 0, "i=%zu", i));
    if (i == first - 1) ck_assert_uint_eq(aeon_mem_get_stats().nalloc, before); /* first chunk full */
  }
  ck_assert_uint_eq(aeon_receipts_count(log), n);
  ck_assert_uint_eq(aeon_mem_get_stats().nalloc - before, 3); /* three more chunks, no table growth */
  for (size_t i = 0; i < n; i++) {
    char want[32];
    snprintf(want, sizeof want, "i=%zu", i);
    ck_assert_uint_eq(aeon_receipts_get(log, i)->index, i);
    ck_assert_str_eq(aeon_receipts_get(log, i)->detail, want);
  }
  ck_aeon(aeon_receipts_verify(log, NULL));
  aeon_receipts_destroy(log);
}
END_TEST

/* Many chunks: the chunk table itself grows, and every receipt stays where it was. */
START_TEST(many_chunks) {
  aeon_receipts *log = make_log(1, 4096 * 20 + 1);
  const aeon_receipt *r0 = aeon_receipts_get(log, 0);
  ck_assert_uint_eq(aeon_receipts_get(log, 4096 * 20)->index, 4096 * 20);
  ck_assert_ptr_eq(aeon_receipts_get(log, 0), r0);
  ck_aeon(aeon_receipts_verify(log, NULL));
  aeon_receipts_destroy(log);
}
END_TEST

START_TEST(append_allocates_nothing) {
  install_counter();
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_RUN_START, 0, 0, 0, 0, "deck %s", "x.yaml"));
  aeon_mem_stats s0 = aeon_mem_get_stats();
  long libc0 = atomic_load(&libc_allocs);
  int failed = 0; /* no ck_assert in the loop: Check's bookkeeping allocates */
  for (int i = 0; i < 1000; i++)
    failed += aeon_receipts_append(log, AEON_RCPT_STEP_ACCEPTED, i, 0.001 * i, 1e-3 / (i + 1), 0.25 * i,
                                   "substeps=%d dt=%.6g why=%s", i % 4, 1e-3 / (i + 1), "cfl") != AEON_OK;
  long libc1 = atomic_load(&libc_allocs);
  aeon_mem_stats s1 = aeon_mem_get_stats();
  ck_assert_int_eq(failed, 0);
  ck_assert_uint_eq(aeon_receipts_count(log), 1001);
  ck_assert_uint_eq(s1.nalloc, s0.nalloc);
  ck_assert_uint_eq(s1.bytes_live, s0.bytes_live);
  ck_assert_int_eq(libc1 - libc0, 0);
  /* the counter works: one Aeon allocation is seen by it */
  void *p;
  ck_aeon(aeon_mem_alloc(10, &p));
  ck_assert_int_gt(atomic_load(&libc_allocs), libc1);
  aeon_mem_free(p);
  aeon_receipts_destroy(log);
}
END_TEST

/* ---- keys, quiet steps, anchors and the log file ---- */

/* The hex digits of 32 bytes. */
static void hex32(const uint8_t *b, char *out) {
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
}

START_TEST(hmac_known_answers) {
  /* RFC 4231 test cases 1 (20-byte key) and 6 (131-byte key, hashed first) */
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  uint8_t key[131], out[32];
  char hex[65];
  memset(key, 0x0b, 20);
  ck_aeon(aeon_receipts_set_key(log, key, 20));
  ck_assert_int_eq(aeon_receipts_keyed(log), 1);
  aeon_receipts_mac(log, "Hi There", 8, out);
  hex32(out, hex);
  ck_assert_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  memset(key, 0xaa, sizeof key);
  ck_aeon(aeon_receipts_set_key(log, key, sizeof key));
  const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
  aeon_receipts_mac(log, m, strlen(m), out);
  hex32(out, hex);
  ck_assert_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  ck_assert_int_eq(aeon_receipts_set_key(log, key, 15), AEON_ERR_USER); /* too short */
  aeon_receipts_destroy(log);
}
END_TEST

/* A keyed log of n receipts. */
static aeon_receipts *keyed_log(uint8_t fill, size_t n) {
  aeon_receipts *log = NULL;
  uint8_t key[32];
  memset(key, fill, sizeof key);
  ck_aeon(aeon_receipts_create(0, &log));
  ck_aeon(aeon_receipts_set_key(log, key, sizeof key));
  for (size_t i = 0; i < n; i++)
    ck_aeon(aeon_receipts_append(log, AEON_RCPT_TIER_PUT, (int64_t)i, 0.1 * (double)i, 0.1, 1.0, "put %zu", i));
  return log;
}

START_TEST(keyed_chain_needs_the_key) {
  aeon_receipts *a = keyed_log(7, 5), *same = keyed_log(7, 0), *other = keyed_log(8, 0), *plain = NULL;
  ck_aeon(aeon_receipts_create(0, &plain));
  uint8_t buf[5 * AEON_RECEIPT_BYTES];
  aeon_receipts_serialize(a, buf);
  size_t bad = 99;
  ck_aeon(aeon_receipts_deserialize(same, buf, 5));
  ck_aeon(aeon_receipts_verify(same, &bad));
  ck_aeon(aeon_receipts_deserialize(other, buf, 5));
  ck_assert_int_eq(aeon_receipts_verify(other, &bad), AEON_ERR_USER);
  ck_assert_uint_eq(bad, 0);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "HMAC does not match"));
  ck_aeon(aeon_receipts_deserialize(plain, buf, 5));
  ck_assert_int_eq(aeon_receipts_verify(plain, &bad), AEON_ERR_USER);
  aeon_receipts_destroy(a), aeon_receipts_destroy(same), aeon_receipts_destroy(other), aeon_receipts_destroy(plain);
}
END_TEST

START_TEST(quiet_steps_coalesce) {
  aeon_receipts *log = NULL;
  ck_aeon(aeon_receipts_create(0, &log));
  aeon_receipts_set_quiet_every(log, 1000);
  for (int64_t s = 1; s <= 2500; s++) ck_aeon(aeon_receipts_quiet_step(log, s, 0.01 * (double)s, 0.01, 1.0, 1));
  ck_assert_uint_eq(aeon_receipts_count(log), 2); /* 1-1000, 1001-2000; 500 pending */
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_STEP_REJECTED, 2500, 25.0, 0.01, 1.0, "non-finite"));
  ck_aeon(aeon_receipts_quiet_step(log, 2501, 25.01, 0.01, 1.0, 1));
  ck_aeon(aeon_receipts_quiet_step(log, 2502, 25.02, 0.01, 1.0, 2)); /* substeps change: 2501 alone */
  ck_aeon(aeon_receipts_flush_quiet(log));
  ck_aeon(aeon_receipts_flush_quiet(log)); /* nothing pending: no receipt */
  ck_assert_uint_eq(aeon_receipts_count(log), 6);
  ck_assert_str_eq(aeon_receipts_get(log, 0)->detail, "steps 1-1000 (1000 quiet) substeps=1 retries=0");
  ck_assert_int_eq(aeon_receipts_get(log, 1)->step, 2000);
  ck_assert_str_eq(aeon_receipts_get(log, 2)->detail, "steps 2001-2500 (500 quiet) substeps=1 retries=0");
  ck_assert_int_eq(aeon_receipts_get(log, 3)->kind, AEON_RCPT_STEP_REJECTED);
  ck_assert_str_eq(aeon_receipts_get(log, 4)->detail, "substeps=1 retries=0");
  ck_assert_int_eq(aeon_receipts_get(log, 4)->step, 2501);
  ck_assert_str_eq(aeon_receipts_get(log, 5)->detail, "substeps=2 retries=0");
  ck_aeon(aeon_receipts_verify(log, NULL));
  aeon_receipts_destroy(log);
}
END_TEST

/* A scratch directory RUN/checkpoints; fills the log and checkpoint paths. */
static void scratch(char *dir, char *logpath, char *chk) {
  strcpy(dir, "/tmp/aeon_rcpt_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char sub[100];
  snprintf(sub, sizeof sub, "%.60s/checkpoints", dir);
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  snprintf(chk, 300, "%s/chk_00000009.h5", sub);
  aeon_receipts_log_path(chk, logpath, 300);
  char want[100];
  snprintf(want, sizeof want, "%.60s/receipts.log", dir);
  ck_assert_str_eq(logpath, want);
}

/* Loads the chain blob anchors (with log's key state copied from keyfill: 0 = none) and returns the result. */
static aeon_err load_with(uint8_t keyfill, const char *logpath, const uint8_t *blob, size_t n, int64_t *in_file) {
  aeon_receipts *log = keyfill ? keyed_log(keyfill, 0) : NULL;
  if (!log) ck_aeon(aeon_receipts_create(0, &log));
  aeon_receipt_anchor a;
  aeon_err e = aeon_receipts_load(log, logpath, blob, n, "chk", &a, in_file);
  aeon_receipts_destroy(log);
  return e;
}

START_TEST(anchor_and_log_file) {
  char dir[64], logpath[300], chk[300];
  scratch(dir, logpath, chk);
  aeon_receipts *log = keyed_log(3, 6);
  ck_aeon(aeon_receipts_file_append(log, logpath, 0, 1));
  ck_aeon(aeon_receipts_append(log, AEON_RCPT_CHECKPOINT_WRITTEN, 6, 0.6, 0.1, 1.0, "chk"));
  ck_aeon(aeon_receipts_file_append(log, logpath, 6, 0));
  ck_assert_int_eq(aeon_receipts_file_append(log, logpath, 5, 1), AEON_ERR_IO); /* the file does not hold 5 */
  size_t n = aeon_receipts_blob_size(log, 4);
  ck_assert_uint_eq(n, AEON_RECEIPT_BLOB_HEADER + 3 * AEON_RECEIPT_BYTES);
  uint8_t *blob = malloc(n);
  aeon_receipts_blob_write(log, 4, 9, "0123456789abcdef0123456789abcdef", blob);
  aeon_receipt_anchor a;
  ck_aeon(aeon_receipts_blob_anchor(blob, n, "chk", &a));
  ck_assert_uint_eq(a.count, 7);
  ck_assert_uint_eq(a.first, 4);
  ck_assert_int_eq(a.step, 9);
  ck_assert_int_eq(a.keyed, 1);
  ck_assert_str_eq(a.lineage, "0123456789abcdef0123456789abcdef");
  int64_t in_file = 0;
  ck_aeon(load_with(3, logpath, blob, n, &in_file));
  ck_assert_int_eq(in_file, 7);
  ck_assert_int_eq(load_with(0, logpath, blob, n, &in_file), AEON_ERR_USER); /* keyed, no key */
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "are keyed"));
  ck_assert_int_eq(load_with(4, logpath, blob, n, &in_file), AEON_ERR_USER); /* another key */
  /* the anchor's count cut by one (chain intact): the MAC refuses it */
  uint8_t *cut = malloc(n);
  memcpy(cut, blob, n);
  cut[16] = 6;
  memcpy(cut + 72, blob + AEON_RECEIPT_BLOB_HEADER + AEON_RECEIPT_BYTES + 160, 32); /* receipt 5's hash */
  ck_assert_int_eq(load_with(3, logpath, cut, n - AEON_RECEIPT_BYTES, &in_file), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "does not match its HMAC"));
  /* the log: one receipt edited, then cut short, then removed */
  FILE *f = fopen(logpath, "r+b");
  fseek(f, 2 * AEON_RECEIPT_BYTES + 50, SEEK_SET);
  fputc('#', f);
  fclose(f);
  ck_assert_int_eq(load_with(3, logpath, blob, n, &in_file), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "receipt 2 "));
  ck_aeon(aeon_receipts_file_truncate(logpath, 5));
  ck_assert_int_eq(load_with(3, logpath, blob, n, &in_file), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "receipts were removed from the log"));
  unlink(logpath);
  ck_assert_int_eq(load_with(3, logpath, blob, n, &in_file), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "is missing"));
  /* a blob that holds the whole chain needs no log file */
  size_t n0 = aeon_receipts_blob_size(log, 0);
  uint8_t *whole = malloc(n0);
  aeon_receipts_blob_write(log, 0, 9, "", whole);
  ck_aeon(load_with(3, logpath, whole, n0, &in_file));
  ck_assert_int_eq(in_file, -1);
  free(whole), free(cut), free(blob);
  aeon_receipts_destroy(log);
  char sub[100];
  snprintf(sub, sizeof sub, "%.60s/checkpoints", dir);
  rmdir(sub), rmdir(dir);
}
END_TEST

START_TEST(legacy_blob_is_whole_chain) {
  aeon_receipts *log = make_log(0, 4), *back = NULL;
  uint8_t buf[4 * AEON_RECEIPT_BYTES];
  aeon_receipts_serialize(log, buf);
  aeon_receipt_anchor a;
  ck_aeon(aeon_receipts_blob_anchor(buf, sizeof buf, "old", &a));
  ck_assert_uint_eq(a.count, 4);
  ck_assert_uint_eq(a.first, 0);
  ck_assert_int_eq(a.step, -1);
  ck_assert_str_eq(a.lineage, "");
  ck_aeon(aeon_receipts_create(0, &back));
  int64_t in_file = 0;
  ck_aeon(aeon_receipts_load(back, "/nonexistent/receipts.log", buf, sizeof buf, "old", &a, &in_file));
  ck_assert_uint_eq(aeon_receipts_count(back), 4);
  ck_assert_int_eq(aeon_receipts_load(back, "/nonexistent/receipts.log", buf, 0, "old", &a, &in_file), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "holds no receipts"));
  aeon_receipts_destroy(log), aeon_receipts_destroy(back);
}
END_TEST

START_TEST(keyed_quiet_appends_allocate_nothing) {
  install_counter();
  aeon_receipts *log = keyed_log(5, 1);
  aeon_mem_stats s0 = aeon_mem_get_stats();
  long libc0 = atomic_load(&libc_allocs);
  int failed = 0;
  for (int i = 0; i < 3000; i++)
    failed += (i % 7 ? aeon_receipts_quiet_step(log, i, 0.1 * i, 0.1, 1.0, 1)
                     : aeon_receipts_append(log, AEON_RCPT_TIER_PUT, i, 0.1 * i, 0.1, 1.0, "put")) != AEON_OK;
  long libc1 = atomic_load(&libc_allocs);
  aeon_mem_stats s1 = aeon_mem_get_stats();
  ck_assert_int_eq(failed, 0);
  ck_assert_uint_eq(s1.nalloc, s0.nalloc);
  ck_assert_int_eq(libc1 - libc0, 0);
  ck_aeon(aeon_receipts_verify(log, NULL));
  aeon_receipts_destroy(log);
}
END_TEST

static Suite *receipts_suite(void) {
  Suite *s = suite_create("receipts");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, append_builds_chain);
  tcase_add_test(tc, empty_log);
  tcase_add_test(tc, kind_names);
  tcase_add_test(tc, verify_good_log);
  tcase_add_test(tc, tampered_detail_is_named);
  tcase_add_test(tc, changed_hash_is_named);
  tcase_add_test(tc, reordered_pair_is_named);
  tcase_add_test(tc, wrong_index_is_named);
  tcase_add_test(tc, rehashed_receipt_breaks_chain);
  tcase_add_test(tc, serialize_round_trip);
  tcase_add_test(tc, sha256_known_answers);
  tcase_add_test(tc, canonical_layout);
  tcase_add_test(tc, long_detail_truncated);
  tcase_add_test(tc, print_lines);
  tcase_add_test(tc, chunk_growth);
  tcase_add_test(tc, many_chunks);
  tcase_add_test(tc, append_allocates_nothing);
  tcase_add_test(tc, hmac_known_answers);
  tcase_add_test(tc, keyed_chain_needs_the_key);
  tcase_add_test(tc, quiet_steps_coalesce);
  tcase_add_test(tc, anchor_and_log_file);
  tcase_add_test(tc, legacy_blob_is_whole_chain);
  tcase_add_test(tc, keyed_quiet_appends_allocate_nothing);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(receipts_suite()); }
