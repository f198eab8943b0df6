/* A soft assertion for plain MPI test programs: reports file:line and counts failures in `failures`. */
#ifndef AEON_TESTUTIL_MPICHECK_H
#define AEON_TESTUTIL_MPICHECK_H
#include <stdio.h>

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

#endif
