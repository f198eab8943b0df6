/* Drivers without MPI: the memory governor (budget never exceeded, peak,
 * waiting for another thread), byte and grid parsing, the (operation, traits)
 * kernel table, the deterministic generators, the option parser, and the tile
 * file with its I/O thread (read-after-write order, byte counts, errors). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "../../drivers/drv_internal.h"
#include "aeon/drivers.h"
#include "testutil.h"

START_TEST(governor_budget) {
  aeon_gov *g;
  ck_aeon(aeon_gov_create(1000, &g));
  void *a, *b, *c;
  ck_aeon(aeon_gov_alloc(g, 600, "a", &a));
  ck_aeon(aeon_gov_alloc(g, 400, "b", &b));
  ck_assert_int_eq(aeon_gov_used(g), 1000);
  ck_assert_int_eq(aeon_gov_alloc(g, 1, "the last byte", &c), AEON_ERR_MEM);
  ck_assert_ptr_null(c);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "memory budget exceeded: the last byte needs 1 B"));
  aeon_gov_free(g, a, 600);
  ck_aeon(aeon_gov_alloc(g, 500, "c", &c));
  ck_assert_int_eq(aeon_gov_peak(g), 1000);
  ck_assert_int_eq(aeon_gov_used(g), 900);
  aeon_gov_free(g, b, 400);
  aeon_gov_free(g, c, 500);
  ck_assert_int_eq(aeon_gov_used(g), 0);
  ck_assert_int_eq(aeon_gov_alloc_wait(g, 1001, "too much", &a), AEON_ERR_MEM);
  aeon_gov_destroy(g);
  ck_assert_int_ne(aeon_gov_create(0, &g), AEON_OK);
  aeon_error_clear();
}
END_TEST

typedef struct {
  aeon_gov *g;
  void *p;
} releaser;

static void *release_later(void *arg) {
  releaser *r = arg;
  usleep(50000);
  aeon_gov_free(r->g, r->p, 800);
  return NULL;
}

START_TEST(governor_waits) {
  aeon_gov *g;
  ck_aeon(aeon_gov_create(1000, &g));
  releaser r = {g, NULL};
  ck_aeon(aeon_gov_alloc(g, 800, "held", &r.p));
  pthread_t t;
  pthread_create(&t, NULL, release_later, &r);
  void *q;
  ck_aeon(aeon_gov_alloc_wait(g, 500, "waiting", &q)); /* returns once the other thread gives back */
  pthread_join(t, NULL);
  ck_assert_int_le(aeon_gov_peak(g), 1000);
  aeon_gov_free(g, q, 500);
  aeon_gov_destroy(g);
}
END_TEST

START_TEST(parse_bytes_and_grid) {
  size_t b;
  ck_aeon(aeon_parse_bytes("512M", &b));
  ck_assert_uint_eq(b, 512u << 20);
  ck_aeon(aeon_parse_bytes("2GiB", &b));
  ck_assert_uint_eq(b, (size_t)2 << 30);
  ck_aeon(aeon_parse_bytes("1.5k", &b));
  ck_assert_uint_eq(b, 1536);
  ck_aeon(aeon_parse_bytes("4096", &b));
  ck_assert_uint_eq(b, 4096);
  ck_assert_int_eq(aeon_parse_bytes("12 apples", &b), AEON_ERR_USER);
  ck_assert_int_eq(aeon_parse_bytes("-1G", &b), AEON_ERR_USER);
  int P, Q;
  ck_aeon(aeon_pgrid_parse("2x3", &P, &Q));
  ck_assert(P == 2 && Q == 3);
  ck_assert_int_eq(aeon_pgrid_parse("2x", &P, &Q), AEON_ERR_USER);
  ck_assert_int_eq(aeon_pgrid_parse("0x4", &P, &Q), AEON_ERR_USER);
  char s[32];
  aeon_format_bytes(1536.0 * 1024 * 1024, s, sizeof s);
  ck_assert_str_eq(s, "1.50 GiB");
  aeon_error_clear();
}
END_TEST

START_TEST(kernel_table) {
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_SYMMETRIC)->name, "dsyrk");
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_SPD)->name, "dsyrk");
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_GENERAL)->name, "dgemm");
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_FACTOR, AEON_TRAIT_SPD)->name, "dpotrf");
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_SOLVE, AEON_TRAIT_LOWER)->name, "dtrsm");
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_MATVEC, AEON_TRAIT_SYMMETRIC)->name, "dsymv");
  ck_assert_ptr_null(aeon_kernel_for(AEON_OP_FACTOR, AEON_TRAIT_GENERAL));
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_MATMAT, AEON_TRAIT_SPD)->name, "dsymm");
  ck_assert_str_eq(aeon_kernel_for(AEON_OP_MATMAT_T, AEON_TRAIT_GENERAL)->name, "dgemm^T");
  const aeon_kernel *k;
  ck_assert_int_eq(aeon_kernel_get(AEON_OP_FACTOR, AEON_TRAIT_GENERAL, &k), AEON_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "'factor' on a general tile"));
  aeon_error_clear();
}
END_TEST

/* The automatic tile size: at least 24 tile columns, between 64 and 256; 256 for the other drivers. */
START_TEST(auto_tile_size) {
  ck_assert_int_eq(aeon_drivers_auto_nb(0), 256);
  ck_assert_int_eq(aeon_drivers_auto_nb(100), 64);
  ck_assert_int_eq(aeon_drivers_auto_nb(2048), 64);
  ck_assert_int_eq(aeon_drivers_auto_nb(3072), 128);
  ck_assert_int_eq(aeon_drivers_auto_nb(6143), 128);
  ck_assert_int_eq(aeon_drivers_auto_nb(6144), 256);
  ck_assert_int_eq(aeon_drivers_auto_nb(100000), 256);
}
END_TEST

/* syrk (C -= A A^T, column-major lower) agrees with gemm; potrf reports a non-positive pivot. */
START_TEST(kernels_compute) {
  enum { n = 5, k = 3 };
  double a[n * k], c1[n * n], c2[n * n], flops = 0;
  for (int i = 0; i < n * k; i++) a[i] = aeon_gen_uniform(9, i, 0, 0);
  for (int i = 0; i < n * n; i++) c1[i] = c2[i] = aeon_gen_uniform(8, i, 1, 0);
  aeon_tile_call s = {.m = n, .k = k, .a = a, .lda = n, .c = c1, .ldc = n, .alpha = -1, .beta = 1};
  aeon_tile_call g = {.m = n, .n = n, .k = k, .a = a, .lda = n, .b = a, .ldb = n, .c = c2, .ldc = n, .alpha = -1,
                      .beta = 1};
  drv_run(aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_SYMMETRIC), &s, &flops);
  drv_run(aeon_kernel_for(AEON_OP_UPDATE, AEON_TRAIT_GENERAL), &g, &flops);
  for (int j = 0; j < n; j++)
    for (int i = j; i < n; i++) ck_assert_double_eq_tol(c1[j * n + i], c2[j * n + i], 1e-14); /* column-major lower */
  ck_assert_double_eq(flops, n * (n + 1) * k + 2.0 * n * n * k);
  double m[4] = {1, 2, 2, 1}; /* [[1, 2], [2, 1]]: second leading minor negative */
  aeon_tile_call p = {.m = 2, .c = m, .ldc = 2};
  drv_run(aeon_kernel_for(AEON_OP_FACTOR, AEON_TRAIT_SPD), &p, &flops);
  ck_assert_int_eq(p.info, 2);
}
END_TEST

START_TEST(generators) {
  aeon_gen g = {.seed = 4, .n = 50};
  for (long r = 0; r < 50; r++)
    for (long c = 0; c < 50; c++) {
      double v = aeon_gen_spd(&g, r, c);
      ck_assert_double_eq(v, aeon_gen_spd(&g, c, r));
      if (r == c) ck_assert(v >= 49 && v < 51);
      else ck_assert(v >= -1 && v < 1);
    }
  g.bad_col = 7;
  ck_assert_double_eq(aeon_gen_spd(&g, 6, 6), -50.0);
  ck_assert(aeon_gen_general(&g, 2, 3) != aeon_gen_general(&g, 3, 2));
  ck_assert_double_eq(aeon_gen_uniform(1, 10, 20, 0), aeon_gen_uniform(1, 10, 20, 0));
}
END_TEST

START_TEST(option_parser) {
  long n = 0;
  double t = 0;
  const char *s = NULL;
  int q = 0;
  const aeon_cli_flag f[] = {{"--n", 'i', &n, 1, 100}, {"--tol", 'r', &t, 0, 1}, {"--name", 's', &s, 0, 0},
                             {"--quiet", 'f', &q, 0, 0}};
  char *ok[] = {"--n", "7", "--tol=1e-3", "--name", "x", "--quiet"};
  ck_aeon(aeon_cli_flags("cmd", f, 4, 6, ok));
  ck_assert(n == 7 && t == 1e-3 && strcmp(s, "x") == 0 && q == 1);
  char *bad1[] = {"--n", "7.5"}, *bad2[] = {"--n"}, *bad3[] = {"--bogus"}, *bad4[] = {"--n", "101"};
  ck_assert_int_eq(aeon_cli_flags("cmd", f, 4, 2, bad1), AEON_ERR_USER);
  ck_assert_int_eq(aeon_cli_flags("cmd", f, 4, 1, bad2), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "--n needs a value"));
  ck_assert_int_eq(aeon_cli_flags("cmd", f, 4, 1, bad3), AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "unknown option '--bogus' (known: --n, --tol, --name, --quiet)"));
  ck_assert_int_eq(aeon_cli_flags("cmd", f, 4, 2, bad4), AEON_ERR_USER);
  char file[64], dset[64];
  ck_aeon(aeon_h5_split("a:b.h5:/x/y", "/A", file, sizeof file, dset, sizeof dset));
  ck_assert(strcmp(file, "a:b.h5") == 0 && strcmp(dset, "/x/y") == 0);
  ck_aeon(aeon_h5_split("m.h5", "/A", file, sizeof file, dset, sizeof dset));
  ck_assert(strcmp(file, "m.h5") == 0 && strcmp(dset, "/A") == 0);
  aeon_error_clear();
}
END_TEST

/* The I/O thread keeps submission order: a read queued after a write of the same slot sees the new data. */
START_TEST(tile_file_streamer) {
  aeon_tilefile *f;
  ck_aeon(tf_open("/tmp", 0, 64 * sizeof(double), 4, &f));
  streamer *s;
  ck_aeon(streamer_start(&s));
  double w[4][64], r[4][64];
  tf_req wq[4], rq[4];
  for (int t = 0; t < 4; t++) {
    for (int i = 0; i < 64; i++) w[t][i] = t * 100 + i;
    wq[t] = (tf_req){.file = f, .slot = t, .buf = w[t], .write = 1};
    rq[t] = (tf_req){.file = f, .slot = 3 - t, .buf = r[t]};
    streamer_submit(s, &wq[t]);
  }
  for (int t = 0; t < 4; t++) streamer_submit(s, &rq[t]);
  for (int t = 0; t < 4; t++) ck_aeon(streamer_wait(s, &rq[t]));
  for (int t = 0; t < 4; t++) ck_assert_mem_eq(r[t], w[3 - t], sizeof w[0]);
  uint64_t rd, wr;
  tf_counters(f, &rd, &wr);
  ck_assert_uint_eq(rd, 4 * 64 * sizeof(double));
  ck_assert_uint_eq(wr, 4 * 64 * sizeof(double));
  tf_req badq = {.file = f, .slot = 9, .buf = r[0]};
  streamer_submit(s, &badq);
  ck_assert_int_eq(streamer_wait(s, &badq), AEON_ERR_IO);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "reading tile slot 9 failed"));
  streamer_stop(s);
  tf_close(f);
  ck_assert_int_eq(tf_open("/nonexistent", 0, 64, 4, &f), AEON_ERR_USER);
  aeon_error_clear();
}
END_TEST

/* A tile inside a column-major panel (nb columns, ld apart) goes to and from its slot in place, through the I/O
 * thread; the panel's other rows are untouched, and the slot holds the tile contiguously. */
START_TEST(tile_file_strided) {
  enum { NB = 8, LD = 3 * NB };
  aeon_tilefile *f;
  ck_aeon(tf_open("/tmp", 0, NB * NB * sizeof(double), 2, &f));
  streamer *s;
  ck_aeon(streamer_start(&s));
  double panel[LD * NB], back[LD * NB], flat[NB * NB];
  for (int i = 0; i < LD * NB; i++) panel[i] = i, back[i] = -1;
  tf_req w = {.file = f, .slot = 1, .buf = panel + NB, .write = 1, .nb = NB, .ld = LD};
  tf_req r = {.file = f, .slot = 1, .buf = back + 2 * NB, .nb = NB, .ld = LD};
  streamer_submit(s, &w);
  streamer_submit(s, &r);
  ck_aeon(streamer_wait(s, &r));
  ck_aeon(streamer_wait(s, &w));
  ck_assert_int_eq(tf_pread(f, 1, flat), 0);
  for (int c = 0; c < NB; c++)
    for (int i = 0; i < NB; i++) {
      ck_assert(flat[c * NB + i] == panel[c * LD + NB + i]);
      ck_assert(back[c * LD + 2 * NB + i] == panel[c * LD + NB + i]);
      ck_assert(back[c * LD + i] == -1 && back[c * LD + NB + i] == -1);
    }
  ck_assert_int_eq(tf_io(f, 0, panel, NB + 1, LD, 0), EINVAL); /* nb does not fit the slot */
  uint64_t rd, wr;
  tf_counters(f, &rd, &wr);
  ck_assert_uint_eq(rd, 2 * NB * NB * sizeof(double));
  ck_assert_uint_eq(wr, NB * NB * sizeof(double));
  streamer_stop(s);
  tf_close(f);
}
END_TEST

static Suite *drivers_suite(void) {
  Suite *s = suite_create("drivers");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, governor_budget);
  tcase_add_test(tc, governor_waits);
  tcase_add_test(tc, parse_bytes_and_grid);
  tcase_add_test(tc, auto_tile_size);
  tcase_add_test(tc, kernel_table);
  tcase_add_test(tc, kernels_compute);
  tcase_add_test(tc, generators);
  tcase_add_test(tc, option_parser);
  tcase_add_test(tc, tile_file_streamer);
  tcase_add_test(tc, tile_file_strided);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(drivers_suite()); }
