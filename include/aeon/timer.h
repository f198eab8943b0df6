/* Per-stage wall-clock timers and the end-of-run table (like PETSc's -log_view). */
#ifndef AEON_TIMER_H
#define AEON_TIMER_H

#include <stdio.h>

#include <mpi.h>

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AEON_MAX_TIMERS 32

/* A table of named timers; one per simulation (no global state). */
typedef struct aeon_timers {
  int n;
  const char *name[AEON_MAX_TIMERS];
  double total[AEON_MAX_TIMERS];
  double started[AEON_MAX_TIMERS];
  long calls[AEON_MAX_TIMERS];
  double t0; /* when the table was created */
} aeon_timers;

/* Starts an empty table. */
void aeon_timers_init(aeon_timers *t);
/* Returns the id of the timer called name, adding it if new (name must outlive the table). */
int aeon_timer_id(aeon_timers *t, const char *name);
/* Starts timer id. */
void aeon_timer_start(aeon_timers *t, int id);
/* Stops timer id and adds the elapsed time. */
void aeon_timer_stop(aeon_timers *t, int id);
/* Prints, on rank 0 of comm, each timer's max/min/avg over ranks, calls, and share of the wall time (collective). */
aeon_err aeon_timers_report(const aeon_timers *t, MPI_Comm comm, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
