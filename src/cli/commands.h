/* The subcommands of the `aeon` program; each lives in its own file under src/cli. */
#ifndef AEON_CLI_COMMANDS_H
#define AEON_CLI_COMMANDS_H

#include "aeon/drivers.h"
#include "aeon/error.h"
#include "aeon/sim.h"

/* Exit statuses of the aeon program. */
enum {
  AEON_EXIT_OK = 0,
  AEON_EXIT_RUNTIME = 1,   /* a failure at run time (I/O, MPI, a bug) */
  AEON_EXIT_INPUT = 2,     /* bad input: deck, flag, file, checkpoint */
  AEON_EXIT_SIGNALED = 3,  /* SIGUSR1/SIGTERM/SIGINT: a checkpoint was written and the run stopped; restart it */
  AEON_EXIT_NUMERIC = 4,   /* NaN/Inf remained after every retry; see the run directory's fault_step_*.txt */
  AEON_EXIT_STOPPED = 5,   /* a deliberate stop (SIGUSR2, RUNDIR/STOP): a checkpoint was written; do not requeue */
  AEON_EXIT_WATCHDOG = 6   /* the I/O watchdog ended a write that did not finish (AEON_IO_WATCHDOG_EXIT) */
};

/* One subcommand: argv[0] is its first argument after the command name. */
typedef struct aeon_command {
  const char *name;
  int (*main)(int argc, char **argv);
  const char *usage;   /* argument synopsis, e.g. "DECK [--set KEY=VALUE]..." */
  const char *summary; /* one line */
  const char *details; /* option lines for --help (may be NULL) */
} aeon_command;

/* Prints an error (rank 0 only when rank >= 0), with the call stack for non-input errors or AEON_TRACE=1, and returns the exit status for it. */
int aeon_cli_report(aeon_err e, int rank);
/* Runs a dense-driver command: MPI_Init, BLAS threads, body, error report, cleanup, MPI_Finalize; returns the exit
 * status. SIGXFSZ is ignored so that a file-size limit makes writes fail with EFBIG (reported) instead of killing. */
int aeon_cli_driver(aeon_err (*body)(int argc, char **argv, int rank, void *ctx), void (*cleanup)(void *ctx),
                    void *ctx, int argc, char **argv);

/* What every dense-driver command sets up: the process grid, the memory budget and its governor, progress timing. */
typedef struct aeon_cli_dense {
  aeon_pgrid g;
  int have_grid, rank, quiet;
  size_t budget;
  aeon_gov *gov;
  double t0, last_print; /* start and last progress line (MPI_Wtime) */
} aeon_cli_dense;
/* Builds the grid (grid "PxQ", or NULL/"auto": the squarest) and the governor (budget e.g. "2GiB", or NULL/"auto"). */
aeon_err aeon_cli_dense_setup(const char *grid, const char *budget, aeon_cli_dense *d);
/* Frees the governor and the grid (safe after a partial set-up). */
void aeon_cli_dense_free(aeon_cli_dense *d);
/* Starts the clock of the progress lines. */
void aeon_cli_dense_start(aeon_cli_dense *d);
/* 1 when a progress line is due (not quiet and 5 s since the last one), which it records; 0 otherwise. */
int aeon_cli_dense_tick(aeon_cli_dense *d);

int aeon_cmd_run(int argc, char **argv);    /* aeon run */
int aeon_cmd_params(int argc, char **argv); /* aeon params */
int aeon_cmd_restart(int argc, char **argv); /* aeon restart */
int aeon_cmd_check(int argc, char **argv);  /* aeon check */
/* Prints the version, the git revision it was built from and the libraries (aeon --version). */
int aeon_cli_version(void);
int aeon_cmd_inspect(int argc, char **argv); /* aeon inspect */
int aeon_cmd_factor(int argc, char **argv); /* aeon factor */
int aeon_cmd_eig(int argc, char **argv);    /* aeon eig */
int aeon_cmd_matmul(int argc, char **argv); /* aeon matmul */
int aeon_cmd_solve(int argc, char **argv);  /* aeon solve */


#endif
