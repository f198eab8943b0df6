/* A soft assertion for plain MPI test programs: reports file:line and counts failures in `failures`. */
#ifndef AEON_TESTUTIL_MPICHECK_H
#define AEON_TESTUTIL_MPICHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

static int failures;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
      failures++;                                          \
    }                                                      \
  } while (0)

/* One named test of a program: run_named runs those whose name holds $AEON_TEST_ONLY (all when unset). */
typedef struct aeon_named_test {
  const char *name;
  void (*fn)(void);
} aeon_named_test;

/* Runs the n tests (timing each on rank 0), sums the failures over MPI_COMM_WORLD, prints the verdict with the time
 * since t0, and returns the exit status (0 when none failed). */
static inline int run_named(const aeon_named_test *tests, int n, double t0) {
  const char *only = getenv("AEON_TEST_ONLY");
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (int t = 0; t < n; t++)
    if (!only || strstr(tests[t].name, only)) {
      double t1 = MPI_Wtime();
      tests[t].fn();
      if (rank == 0) printf("[%s: %.1f s]\n", tests[t].name, MPI_Wtime() - t1);
    }
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s (%d failures) in %.1f s\n", all ? "FAILED" : "OK", all, MPI_Wtime() - t0);
  return all != 0;
}

#endif
