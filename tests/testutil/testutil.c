#include "testutil.h"

#include <stdlib.h>
#include <string.h>

int aeon_test_run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

aeon_err aeon_test_unit_cube(MPI_Comm comm, long n, const aeon_bc bc[6], int ghost, aeon_mesh *m, aeon_par *par) {
  memset(m, 0, sizeof *m);
  memset(par, 0, sizeof *par);
  for (int d = 0; d < 3; d++) {
    m->N[d] = n;
    m->xmin[d] = 0;
    m->xmax[d] = 1;
    m->dx[d] = 1.0 / (double)n;
  }
  m->ghost = ghost;
  memcpy(m->bc, bc, sizeof m->bc);
  int dims[3] = {0, 0, 0}, periodic[3];
  aeon_mesh_periodicity(m, periodic);
  AE_CHK(aeon_par_create(comm, dims, periodic, m->N, par));
  AE_CHK(aeon_mesh_setup_patch(m, par));
  return AEON_OK;
}
