/* Guarding collective I/O: an agreement that cannot hang behind a rank stuck inside a collective call,
 * and a watchdog that turns a phase running past its deadline into a failure naming the phase, the file
 * and the rank. */
#ifndef AEON_IOGUARD_H
#define AEON_IOGUARD_H

#include <mpi.h>

#include "aeon/deck.h"
#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit status of a process stopped by the I/O watchdog. */
#define AEON_IO_WATCHDOG_EXIT 6
/* Seconds a rank whose I/O failed waits for the others to reach the agreement before it aborts the job. */
#define AEON_IO_ERROR_GRACE_S 5.0

/* The parameters of this module (io.watchdog_s). */
extern const aeon_param_decl aeon_io_params[];
/* Number of entries in aeon_io_params. */
extern const int aeon_io_nparams;

/* Sets the deadline of every guarded I/O phase of this process in seconds (0: no deadline). */
void aeon_io_watchdog_set(double seconds);
/* Returns the deadline of guarded I/O phases in seconds (0: none); io.watchdog_s's default until set. */
double aeon_io_watchdog_get(void);
/* Starts guarding phase (e.g. "checkpoint") writing path: if aeon_io_phase_end has not been called when the deadline
 * passes, the process prints a message naming phase, path and its MPI rank and exits with AEON_IO_WATCHDOG_EXIT.
 * Returns the token for aeon_io_phase_end (-1 when nothing is guarded). Thread-safe; up to 16 phases at once. */
int aeon_io_phase_begin(const char *phase, const char *path);
/* Guards closing path after a failure every rank agreed on (the current error): if the close has not ended within
 * AEON_IO_ERROR_GRACE_S seconds (parallel HDF5 may hang flushing a file whose writes fail), rank 0 prints the agreed
 * message and every rank exits with status 1. Returns the token for aeon_io_phase_end. */
int aeon_io_failed_close_begin(const char *path);
/* Ends the guard started by aeon_io_phase_begin or aeon_io_failed_close_begin (token -1: nothing). */
void aeon_io_phase_end(int token);
/* Agrees on local across comm like aeon_par_agree (every rank returns the lowest failing rank's error), for the steps
 * of a collective I/O phase: a rank that failed waits at most AEON_IO_ERROR_GRACE_S seconds for the others (they may
 * wait inside a collective call it left), then prints its error naming its rank and aborts the job (exit 1). */
aeon_err aeon_io_agree(MPI_Comm comm, aeon_err local);

#ifdef __cplusplus
}
#endif
#endif
