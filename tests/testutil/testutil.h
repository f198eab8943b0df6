/* Small helpers shared by the tests. */
#ifndef AEON_TESTUTIL_H
#define AEON_TESTUTIL_H
#include <check.h>

#include "aeon/error.h"
#include "aeon/mesh.h"
#include "aeon/parallel.h"

/* Fails the current Check test with Aeon's error message if e != AEON_OK. */
#define ck_aeon(e)                                                                  \
  do {                                                                              \
    aeon_err ck_aeon_e_ = (e);                                                      \
    ck_assert_msg(ck_aeon_e_ == AEON_OK, "%s failed: %s", #e, aeon_error_message()); \
  } while (0)

/* Runs a Check suite in CK_NOFORK mode when asked (sanitizers) and returns the process exit status. */
int aeon_test_run_suite(Suite *s);

/* Sets up the unit cube [0, 1]^3 with n cells per direction, faces bc and ghost width ghost on a process grid over comm
 * (par must be destroyed by the caller). */
aeon_err aeon_test_unit_cube(MPI_Comm comm, long n, const aeon_bc bc[6], int ghost, aeon_mesh *m, aeon_par *par);

#endif
