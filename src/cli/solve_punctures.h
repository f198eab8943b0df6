/* `aeon solve` on a deck with elliptic.problem: punctures (Bowen-York puncture data, aeon/bowen_york.h). */
#ifndef AEON_CLI_SOLVE_PUNCTURES_H
#define AEON_CLI_SOLVE_PUNCTURES_H

#include <mpi.h>

#include "aeon/error.h"

/* Reads the deck (collective); if its elliptic.problem is punctures, solves for the puncture data, prints Newton's
 * progress, the ADM and local masses and the times (rank 0, unless quiet) and sets *handled = 1; otherwise only sets
 * *handled = 0. petsc_args: the command line's -aeon_ options (refused with punctures). */
aeon_err aeon_solve_punctures(MPI_Comm comm, const char *path, int nset, const char *const *sets, int quiet,
                              const char *petsc_args, int *handled);

#endif
