/* aeon --version: the version and build type (first line, read by scripts/gen_params_doc.sh), the git revision baked
 * in at build time (cmake/revision.cmake), then the libraries: the MPI library linked (asked at run time), and the
 * HDF5, FFTW and PETSc versions CMake found when it configured this build ("not linked" for what no target links). */
#include <stdio.h>

#include <mpi.h>

#include "aeon/version.h"
#include "aeon_revision.h"
#include "cli/commands.h"

/* The first line of a multi-line string, at most len - 1 characters. */
static void first_line(const char *s, char *out, size_t len) {
  size_t i = 0;
  for (; s[i] && s[i] != '\n' && i + 1 < len; i++) out[i] = s[i];
  out[i] = '\0';
}

int aeon_cli_version(void) {
  char lib[MPI_MAX_LIBRARY_VERSION_STRING], line[256];
  int len = 0, major = 0, minor = 0;
  MPI_Get_library_version(lib, &len); /* may be called before MPI_Init */
  MPI_Get_version(&major, &minor);
  first_line(lib, line, sizeof line);
  printf("aeon %s (%s build)\n", AEON_VERSION_STRING, AEON_BUILD_TYPE);
  printf("revision  %s\n", AEON_GIT_REVISION);
  printf("MPI       %s (linked; MPI standard %d.%d)\n", line, major, minor);
  printf("HDF5      %s (linked, parallel; the version built against)\n", AEON_HDF5_VERSION);
  printf("FFTW      %s (linked, with fftw3_mpi; the version built against)\n", AEON_FFTW_VERSION);
  if (AEON_PETSC_VERSION[0])
    printf("PETSc     not linked (%s is installed; no part of Aeon uses it yet)\n", AEON_PETSC_VERSION);
  else
    printf("PETSc     not linked (not found when this build was configured)\n");
  return AEON_EXIT_OK;
}
