/* Small helpers shared by the tests. */
#ifndef AEON_TESTUTIL_H
#define AEON_TESTUTIL_H
#include <check.h>

#include "aeon/error.h"

/* Fails the current Check test with Aeon's error message if e != AEON_OK. */
#define ck_aeon(e)                                                                  \
  do {                                                                              \
    aeon_err ck_aeon_e_ = (e);                                                      \
    ck_assert_msg(ck_aeon_e_ == AEON_OK, "%s failed: %s", #e, aeon_error_message()); \
  } while (0)

/* Runs a Check suite in CK_NOFORK mode when asked (sanitizers) and returns the process exit status. */
int aeon_test_run_suite(Suite *s);

#endif
