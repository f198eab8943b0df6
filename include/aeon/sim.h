/* The simulation: built from a deck, owns the process grid, mesh, physics,
 * integrator, timers and output, and runs the step loop. */
#ifndef AEON_SIM_H
#define AEON_SIM_H

#include <stdio.h>

#include <mpi.h>

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/field.h"
#include "aeon/mesh.h"
#include "aeon/timer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aeon_sim aeon_sim;
struct aeon_linop; /* include/aeon/eigs.h */

/* How a simulation is run (not part of the deck). */
typedef struct aeon_sim_options {
  int force;     /* write into an existing, non-empty run directory */
  int no_files;  /* write no files at all (tests, benchmarks) */
  int quiet;     /* no banner, progress lines or timing table */
  FILE *log;     /* where rank 0 prints (NULL: stdout) */
  const char *restart; /* NULL: fresh start; "auto": newest valid checkpoint of the run directory (fresh if none);
                          otherwise the path of a checkpoint file */
} aeon_sim_options;

/* Registers the built-in physics modules and time integrators (idempotent). */
aeon_err aeon_initialize(void);
/* Builds the set of every declared parameter: core modules, physics modules, integrators. */
aeon_err aeon_params_all(aeon_paramset **ps);
/* Parameters of the sim itself (run.*, time.*, output.*). */
extern const aeon_param_decl aeon_sim_params[];
/* Number of entries in aeon_sim_params. */
extern const int aeon_sim_nparams;

/* Builds a simulation from deck text (same on every rank) and --set overrides; collective over comm.
 * Every rank returns the same error code on failure, and no file has been written then. */
aeon_err aeon_sim_create(MPI_Comm comm, const char *deck_text, size_t len, const char *deck_name, int nset,
                         const char *const *sets, const aeon_sim_options *opt, aeon_sim **sim);
/* Reads the deck file on rank 0, broadcasts it and calls aeon_sim_create. */
aeon_err aeon_sim_create_from_file(MPI_Comm comm, const char *path, int nset, const char *const *sets,
                                   const aeon_sim_options *opt, aeon_sim **sim);
/* Reads a deck file on rank 0 and broadcasts its text (NUL-terminated; free() it); every rank fails together. */
aeon_err aeon_sim_read_deck(MPI_Comm comm, const char *path, char **text, size_t *len);
/* Checks deck text and --set overrides as aeon_sim_create would for a run on `ranks` ranks, with the same messages,
 * but allocates no fields and writes no file: the deck, the mesh, the process grid (parallel.dims against ranks, the
 * patch sizes), the physics module's set-up and output.fields (collective over comm; every rank agrees; comm may be
 * MPI_COMM_NULL for one process that did not initialise MPI; opt->restart names the run directory as for a run).
 * Then rank 0 prints the plan of the run to plan (NULL: nothing): grid, dt, steps, process grid, an estimate of
 * the field memory of the largest rank, outputs and checkpoints with their sizes; and the effective parameters,
 * as params.yaml would hold them, to params (NULL: nothing). */
aeon_err aeon_sim_check(MPI_Comm comm, const char *deck_text, size_t len, const char *deck_name, int nset,
                        const char *const *sets, const aeon_sim_options *opt, int ranks, FILE *plan, FILE *params);
/* Frees the simulation (collective). */
void aeon_sim_destroy(aeon_sim *sim);
/* Runs to run.t_final (or run.max_steps) with output, progress and the timing table. */
aeon_err aeon_sim_run(aeon_sim *sim);
/* Advances one step without any output (collective). */
aeon_err aeon_sim_step(aeon_sim *sim);
/* Computes the diagnostics now: l2[i] (weighted by the cell volume) and max[i] for i < ndiag (collective). */
aeon_err aeon_sim_diagnostics(aeon_sim *sim, double *l2, double *max);
/* Returns the number of diagnostics and, if names is not NULL, their names. */
int aeon_sim_ndiag(const aeon_sim *sim, const char *const **names);
/* Returns the mesh. */
const aeon_mesh *aeon_sim_mesh(const aeon_sim *sim);
/* Returns the evolved fields (ghosts filled). */
const aeon_fields *aeon_sim_fields(aeon_sim *sim);
/* Returns the names of the evolved variables. */
const char *const *aeon_sim_var_names(const aeon_sim *sim);
/* Returns the number of mesh levels (1 until refinement). */
int aeon_sim_nlevels(const aeon_sim *sim);
/* Returns the descriptors of the evolved variables on a level (as the module set them up) and their number. */
const aeon_field_desc *aeon_sim_field_desc(const aeon_sim *sim, int level, int *nvar);
/* Returns the evolved state of a level (ghosts as the last step left them). */
aeon_fields *aeon_sim_state(aeon_sim *sim, int level);
/* Returns the current time. */
double aeon_sim_time(const aeon_sim *sim);
/* Returns the time step size. */
double aeon_sim_dt(const aeon_sim *sim);
/* Returns the name of the time integrator (time.integrator). */
const char *aeon_sim_integrator(const aeon_sim *sim);
/* Returns the number of steps taken. */
long aeon_sim_stepno(const aeon_sim *sim);
/* Returns the run directory ("" when writing no files). */
const char *aeon_sim_rundir(const aeon_sim *sim);
/* Why a run ended: it finished, a time-limit signal stopped it (continue it), or a deliberate stop was asked. */
typedef enum aeon_stop_kind {
  AEON_STOP_NONE = 0,  /* ran to the end (or has not stopped) */
  AEON_STOP_SIGNAL,    /* SIGUSR1, SIGTERM or SIGINT: checkpoint written, continue with --restart auto */
  AEON_STOP_REQUESTED  /* SIGUSR2 or the file RUNDIR/STOP: checkpoint written, not to be continued automatically */
} aeon_stop_kind;
/* Returns why the run stopped (every rank agrees); signo receives the signal (0 for the STOP file or none). */
aeon_stop_kind aeon_sim_stop_reason(const aeon_sim *sim, int *signo);
/* Writes into out one phrase saying why the run stopped ("finished", "stopped by SIGUSR1 (...)", ...). */
void aeon_sim_describe_stop(const aeon_sim *sim, char *out, size_t len);
/* Returns 1 if the run stopped early because a time-limit signal (SIGUSR1, SIGTERM, SIGINT) asked for a checkpoint. */
int aeon_sim_stopped_by_signal(const aeon_sim *sim);
/* Asks the run to write a checkpoint and stop at the next step boundary, as SIGTERM does (async-signal-safe). */
void aeon_sim_request_stop(void);
/* Installs the handlers of SIGTERM, SIGINT, SIGUSR1 (time limit) and SIGUSR2 (deliberate stop). */
void aeon_sim_install_signal_handlers(void);
/* Returns the simulation's per-task timers (read-only). */
const aeon_timers *aeon_sim_timers(const aeon_sim *sim);
/* Gathers the interior of variable v into global[N2][N1][N0] on rank 0 (collective; global unused elsewhere). */
aeon_err aeon_sim_gather(aeon_sim *sim, int v, double *global);

/* The size of a deck's evolution operator (aeon_sim_linop) on a number of ranks, known before anything is built. */
typedef struct aeon_sim_opsize {
  int nvar;          /* evolved variables */
  double n;          /* unknowns: nvar x evolved points (the interior and the ghosts of radiative faces) */
  double nlocal_max; /* unknowns of the rank that holds the most */
  double patch_max;  /* points of the largest patch, ghosts included (doubles of one variable, without padding) */
} aeon_sim_opsize;

/* Sizes the evolution operator of deck text on `ranks` ranks from the deck alone (no MPI, nothing allocated for the
 * mesh); AEON_ERR_USER for a bad deck, or for a rank's share beyond the rows (int) of the eigensolver's vectors. */
aeon_err aeon_sim_linop_size(const char *text, size_t len, const char *name, int ranks, aeon_sim_opsize *sz);
/* The semi-discrete evolution operator du/dt = F(u) at the current state and time as an eigensolver operator over
 * every variable on the evolved points: the rhs with ghost exchange, symmetry and radiative faces exactly as a stage
 * of the time step evaluates it (collective; the simulation must outlive the operator). A module that declares itself
 * linear gives F itself, exact up to rounding; otherwise (or with difference set, to test that path) the Jacobian at
 * the current state, (F(u + eps v) - F(u)) / eps with eps = sqrt(DBL_EPSILON) (1 + ||u||) / ||v||. */
aeon_err aeon_sim_linop(aeon_sim *sim, int difference, struct aeon_linop *op);

#ifdef __cplusplus
}
#endif
#endif
