/* Unit tests of the counted allocator, the linear arena and the page pool. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "testutil.h"

static int aligned64(const void *p) { return ((uintptr_t)p & (AEON_ALIGN - 1)) == 0; }

static int all_zero(const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++)
    if (c[i]) return 0;
  return 1;
}

START_TEST(alloc_aligned_zeroed_counted) {
  aeon_mem_stats s0 = aeon_mem_get_stats();
  void *p[40];
  for (int i = 0; i < 40; i++) {
    size_t n = (size_t)i * 37 + (size_t)i * i;
    ck_aeon(aeon_mem_alloc(n, &p[i]));
    ck_assert(aligned64(p[i]));
    ck_assert(all_zero(p[i], n));
    memset(p[i], 0xab, n);
  }
  aeon_mem_stats s1 = aeon_mem_get_stats();
  ck_assert_uint_eq(s1.nalloc - s0.nalloc, 40);
  ck_assert_uint_gt(s1.bytes_live, s0.bytes_live);
  ck_assert_uint_ge(s1.bytes_peak, s1.bytes_live);
  for (int i = 0; i < 40; i++) aeon_mem_free(p[i]);
  aeon_mem_stats s2 = aeon_mem_get_stats();
  ck_assert_uint_eq(s2.bytes_live, s0.bytes_live);
  ck_assert_uint_eq(s2.nfree - s0.nfree, 40);
  aeon_mem_free(NULL);
}
END_TEST

START_TEST(alloc_zero_bytes_unique) {
  void *a, *b;
  ck_aeon(aeon_mem_alloc(0, &a));
  ck_aeon(aeon_mem_alloc(0, &b));
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_ne(a, b);
  ck_assert(aligned64(a) && aligned64(b));
  aeon_mem_free(a);
  aeon_mem_free(b);
}
END_TEST

START_TEST(alloc_too_large_fails) {
  void *p = (void *)1;
  ck_assert_int_eq(aeon_mem_alloc(SIZE_MAX - 8, &p), AEON_ERR_MEM);
  ck_assert_ptr_null(p);
}
END_TEST

START_TEST(realloc_keeps_content) {
  aeon_mem_stats s0 = aeon_mem_get_stats();
  unsigned char *p;
  ck_aeon(aeon_mem_alloc(100, (void **)&p));
  for (int i = 0; i < 100; i++) p[i] = (unsigned char)i;
  ck_aeon(aeon_mem_realloc(100, 5000, (void **)&p));
  ck_assert(aligned64(p));
  for (int i = 0; i < 100; i++) ck_assert_int_eq(p[i], i);
  ck_assert(all_zero(p + 100, 4900));
  ck_aeon(aeon_mem_realloc(5000, 10, (void **)&p));
  for (int i = 0; i < 10; i++) ck_assert_int_eq(p[i], i);
  ck_assert_int_eq(aeon_mem_realloc(11, 20, (void **)&p), AEON_ERR_INTERNAL); /* wrong old size */
  aeon_mem_free(p);
  void *q = NULL;
  ck_aeon(aeon_mem_realloc(0, 64, &q)); /* NULL behaves as a fresh allocation */
  aeon_mem_free(q);
  ck_assert_uint_eq(aeon_mem_get_stats().bytes_live, s0.bytes_live);
}
END_TEST

START_TEST(strdup_copies) {
  char *s;
  ck_aeon(aeon_mem_strdup("hello aeon", &s));
  ck_assert_str_eq(s, "hello aeon");
  aeon_mem_free(s);
}
END_TEST

START_TEST(arena_alloc_and_reuse) {
  aeon_mem_stats s0 = aeon_mem_get_stats();
  aeon_arena *a;
  ck_aeon(aeon_arena_create(1000, &a));
  size_t sizes[] = {1, 63, 64, 65, 500, 3000, 0, 17, 900, 10000, 8};
  int ns = (int)(sizeof sizes / sizeof sizes[0]);
  for (int i = 0; i < ns; i++) {
    unsigned char *p;
    ck_aeon(aeon_arena_alloc(a, sizes[i], (void **)&p));
    ck_assert(aligned64(p));
    ck_assert(all_zero(p, sizes[i]));
    memset(p, 0xcd, sizes[i]);
  }
  size_t cap = aeon_arena_capacity(a), used = aeon_arena_used(a);
  ck_assert_uint_ge(cap, used);
  ck_assert_uint_ge(used, 10000 + 3000);
  uint64_t n_before = aeon_mem_get_stats().nalloc;
  for (int round = 0; round < 3; round++) {
    aeon_arena_reset(a);
    ck_assert_uint_eq(aeon_arena_used(a), 0);
    for (int i = 0; i < ns; i++) {
      unsigned char *p;
      ck_aeon(aeon_arena_alloc(a, sizes[i], (void **)&p));
      ck_assert(aligned64(p));
      ck_assert(all_zero(p, sizes[i])); /* reused memory is zeroed again */
      memset(p, 0xcd, sizes[i]);
    }
    ck_assert_uint_eq(aeon_arena_used(a), used);
  }
  ck_assert_uint_eq(aeon_mem_get_stats().nalloc, n_before); /* reuse allocates nothing */
  ck_assert_uint_eq(aeon_arena_capacity(a), cap);
  aeon_arena_destroy(a);
  ck_assert_uint_eq(aeon_mem_get_stats().bytes_live, s0.bytes_live);
}
END_TEST

START_TEST(arena_distinct_pointers) {
  aeon_arena *a;
  ck_aeon(aeon_arena_create(256, &a));
  unsigned char *prev = NULL;
  for (int i = 0; i < 100; i++) {
    unsigned char *p;
    ck_aeon(aeon_arena_alloc(a, 0, (void **)&p));
    ck_assert_ptr_ne(p, prev);
    prev = p;
  }
  aeon_arena_destroy(a);
}
END_TEST

START_TEST(pagepool_get_put_exhaust) {
  aeon_mem_stats s0 = aeon_mem_get_stats();
  aeon_pagepool *pp;
  ck_aeon(aeon_pagepool_create(100, 8, 0, &pp)); /* 100 rounds up to 128 */
  ck_assert_uint_eq(aeon_pagepool_free_pages(pp), 8);
  ck_assert_uint_gt(aeon_mem_get_stats().bytes_live, s0.bytes_live);
  unsigned char *pg[8];
  for (int i = 0; i < 8; i++) {
    ck_aeon(aeon_pagepool_get(pp, (void **)&pg[i]));
    ck_assert(aligned64(pg[i]));
    for (int j = 0; j < i; j++) {
      long d = pg[i] > pg[j] ? pg[i] - pg[j] : pg[j] - pg[i];
      ck_assert_int_ge(d, 128); /* pages do not overlap */
    }
    memset(pg[i], i, 128);
  }
  ck_assert_uint_eq(aeon_pagepool_free_pages(pp), 0);
  void *none = (void *)1;
  ck_assert_int_eq(aeon_pagepool_get(pp, &none), AEON_ERR_MEM);
  ck_assert_ptr_null(none);
  for (int i = 0; i < 8; i++) ck_assert_int_eq(pg[i][127], i); /* no page clobbered another */
  aeon_pagepool_put(pp, pg[3]);
  aeon_pagepool_put(pp, pg[3]); /* double put is ignored */
  aeon_pagepool_put(pp, pg[3] + 1); /* not a page start: ignored */
  ck_assert_uint_eq(aeon_pagepool_free_pages(pp), 1);
  void *again;
  ck_aeon(aeon_pagepool_get(pp, &again));
  ck_assert_ptr_eq(again, pg[3]);
  for (int cycle = 0; cycle < 100; cycle++) {
    for (int i = 0; i < 8; i++) aeon_pagepool_put(pp, pg[i]);
    ck_assert_uint_eq(aeon_pagepool_free_pages(pp), 8);
    for (int i = 0; i < 8; i++) ck_aeon(aeon_pagepool_get(pp, (void **)&pg[i]));
    ck_assert_uint_eq(aeon_pagepool_free_pages(pp), 0);
  }
  aeon_pagepool_destroy(pp);
  ck_assert_uint_eq(aeon_mem_get_stats().bytes_live, s0.bytes_live);
}
END_TEST

START_TEST(pagepool_huge_request) {
  aeon_pagepool *pp;
  ck_aeon(aeon_pagepool_create(4096, 1024, 1, &pp)); /* 4 MiB */
  void *p;
  ck_aeon(aeon_pagepool_get(pp, &p));
  ck_assert(((uintptr_t)p & ((2u << 20) - 1)) == 0); /* 2 MiB aligned mapping, page 0 first */
  memset(p, 1, 4096);
  printf("pagepool: transparent huge pages %s\n", aeon_pagepool_huge(pp) ? "in use" : "not in use");
  aeon_pagepool_put(pp, p);
  aeon_pagepool_destroy(pp);
}
END_TEST

START_TEST(pagepool_bad_args) {
  aeon_pagepool *pp;
  ck_assert_int_ne(aeon_pagepool_create(0, 4, 0, &pp), AEON_OK);
  ck_assert_int_ne(aeon_pagepool_create(64, 0, 0, &pp), AEON_OK);
  ck_assert_int_eq(aeon_pagepool_create(SIZE_MAX / 4, 1000, 0, &pp), AEON_ERR_MEM);
  ck_assert_ptr_null(pp);
}
END_TEST

static Suite *memory_suite(void) {
  Suite *s = suite_create("memory");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, alloc_aligned_zeroed_counted);
  tcase_add_test(tc, alloc_zero_bytes_unique);
  tcase_add_test(tc, alloc_too_large_fails);
  tcase_add_test(tc, realloc_keeps_content);
  tcase_add_test(tc, strdup_copies);
  tcase_add_test(tc, arena_alloc_and_reuse);
  tcase_add_test(tc, arena_distinct_pointers);
  tcase_add_test(tc, pagepool_get_put_exhaust);
  tcase_add_test(tc, pagepool_huge_request);
  tcase_add_test(tc, pagepool_bad_args);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(memory_suite()); }
