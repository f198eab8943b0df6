/* The PETSc backend's entry points where Aeon is built without PETSc (CMake
 * compiles this file instead of petsc_*.c): each says so. */
#include "aeon/petsc_backend.h"

static aeon_err missing(void) {
  return AE_ERR(AEON_ERR_UNSUPPORTED, "elliptic.backend: petsc: this Aeon was built without PETSc (CMake did not find "
                                      "it; Debian: apt-get install petsc-dev, then re-run cmake)");
}

int aeon_petsc_available(void) { return 0; }
const char *aeon_petsc_version(void) { return ""; }
aeon_err aeon_petsc_initialize(const char *options) { return missing(); }
void aeon_petsc_finalize(void) {}
aeon_err aeon_petsc_create(const aeon_petsc_opts *o, const aeon_gop *A, const aeon_gpc *pc, const aeon_model *model,
                           const aeon_gvec *tmpl, aeon_petsc **P) {
  *P = NULL;
  return missing();
}
aeon_err aeon_petsc_setup(aeon_petsc *P) { return missing(); }
aeon_err aeon_petsc_solve(aeon_petsc *P, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *res) { return missing(); }
const char *aeon_petsc_describe(const aeon_petsc *P) { return "petsc (not built)"; }
void aeon_petsc_destroy(aeon_petsc *P) {}
