/* The parameters of the drivers, declared once; the CLI takes its defaults from here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/drivers.h"

const aeon_param_decl aeon_drivers_params[] = {
  {"drivers.tile_size", AEON_PT_INT, "0", 0, 16384, NULL,
   "tile size nb of the dense drivers (0: for Cholesky the largest of 256, 128, 64 giving at least 24 tile columns; "
   "256 for the others)",
   AEON_RESTART_CHANGEABLE},
  {"drivers.lookahead", AEON_PT_INT, "1", 0, 16, NULL,
   "Cholesky panels factored ahead of the trailing update (in core)", AEON_RESTART_CHANGEABLE},
  {"drivers.budget", AEON_PT_STRING, "auto", AEON_NORANGE, NULL,
   "memory budget per rank, e.g. 2GiB; auto: half the node's available memory shared by its ranks",
   AEON_RESTART_CHANGEABLE},
  {"drivers.grid", AEON_PT_STRING, "auto", AEON_NORANGE, NULL, "process grid PxQ of the dense drivers",
   AEON_RESTART_CHANGEABLE},
  {"drivers.ooc_dir", AEON_PT_STRING, "", AEON_NORANGE, NULL,
   "directory for out-of-core tile files (empty: in core)", AEON_RESTART_CHANGEABLE},
  {"drivers.reproducible", AEON_PT_BOOL, "false", AEON_NORANGE, NULL,
   "one BLAS call per tile: Cholesky and matmul results identical in core and out of core, for any blocking and "
   "BLAS thread count (slower)",
   AEON_RESTART_CHANGEABLE},
  {"drivers.ooc_block", AEON_PT_INT, "0", 0, 1e6, NULL,
   "out-of-core block side in tiles (0: the largest that fits the budget)", AEON_RESTART_CHANGEABLE},
  {"eig.nev", AEON_PT_INT, "4", 1, 1e6, NULL, "number of eigenvalues wanted", AEON_RESTART_CHANGEABLE},
  {"eig.which", AEON_PT_ENUM, "LM", AEON_NORANGE, "LM|LR|SR",
   "which eigenvalues: largest magnitude, largest or smallest real part", AEON_RESTART_CHANGEABLE},
  {"eig.ncv", AEON_PT_INT, "20", 3, 1e6, NULL, "Krylov basis size (at least nev + 2 block_size)",
   AEON_RESTART_CHANGEABLE},
  {"eig.tol", AEON_PT_REAL, "1e-10", 0, 1, NULL,
   "relative residual tolerance: ||A x - lambda x|| <= tol |lambda|", AEON_RESTART_CHANGEABLE},
  {"eig.max_restarts", AEON_PT_INT, "10000", 1, 1e9, NULL, "restarts before giving up",
   AEON_RESTART_CHANGEABLE},
  {"eig.block_size", AEON_PT_INT, "1", 1, 1e6, NULL,
   "vectors added to the basis per expansion step (> 1: block Krylov-Schur; needs ncv >= nev + 2 block_size)",
   AEON_RESTART_CHANGEABLE},
  {"eig.locking", AEON_PT_BOOL, "true", AEON_NORANGE, NULL,
   "lock converged Ritz pairs (deflate them out of the restarts)", AEON_RESTART_CHANGEABLE},
};
const int aeon_drivers_nparams = sizeof aeon_drivers_params / sizeof aeon_drivers_params[0];

double aeon_drivers_default(const char *key) {
  for (int i = 0; i < aeon_drivers_nparams; i++)
    if (strcmp(aeon_drivers_params[i].key, key) == 0) {
      const char *d = aeon_drivers_params[i].def;
      if (strcmp(d, "true") == 0) return 1;
      return strtod(d, NULL);
    }
  fprintf(stderr, "aeon: internal error: no drivers parameter '%s'\n", key);
  abort();
}
