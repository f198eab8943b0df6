/* The simulation object, shared by the files of src/sim. */
#ifndef AEON_SIM_INTERNAL_H
#define AEON_SIM_INTERNAL_H

#include "aeon/boundary.h"
#include "aeon/checkpoint.h"
#include "aeon/output.h"
#include "aeon/receipts.h"
#include "aeon/tiers.h"
#include "aeon/parallel.h"
#include "aeon/physics.h"
#include "aeon/reduce.h"
#include "aeon/sim.h"
#include "aeon/stepper.h"
#include "aeon/timer.h"

#define AEON_MAX_DIAG 32
#define AEON_MAX_VARS 64
#define AEON_MAX_LEVELS 1

/* Ints an aeon_max_agree reduces at most. */
#define AEON_MAX_AGREE_N 8
/* An allreduce(MAX) of a few ints over persistent point-to-point requests: no allocation per call (opaque). */
typedef struct aeon_max_agree aeon_max_agree;
/* Sets up the agreement of n ints over comm (collective; duplicates comm). */
aeon_err aeon_max_agree_create(MPI_Comm comm, int n, aeon_max_agree **a);
/* all[i] = max over the ranks of mine[i] (collective; mine and all may be the same array; allocates nothing). */
aeon_err aeon_max_agree_run(aeon_max_agree *a, const int *mine, int *all);
/* Frees the agreement and its communicator (collective); NULL is a no-op. */
void aeon_max_agree_destroy(aeon_max_agree *a);

/* One resolution: its mesh, the module's descriptors as set up for it, the boundary service, the integrator (fields,
 * exchange plan, boxes) and the auxiliary fields. A simulation holds a list of levels (one until refinement). */
typedef struct aeon_level {
  int index;                              /* 0 = coarsest */
  aeon_mesh mesh;
  aeon_field_desc vars[AEON_MAX_VARS];    /* evolved variables (the module's descriptors, adjusted by create) */
  aeon_field_desc aux[AEON_MAX_VARS];     /* auxiliary and constraint fields */
  aeon_boundary *bnd, *aux_bnd;           /* boundary services of the evolved and the auxiliary fields */
  aeon_mol *mol;
  aeon_fields auxf;                       /* auxiliary fields (naux variables; empty if none) */
  double t;                               /* time of the level's state */
} aeon_level;

struct aeon_sim {
  MPI_Comm comm;
  int rank;
  aeon_sim_options opt;
  FILE *log;
  aeon_paramset *ps;
  aeon_deck *deck;
  aeon_par par;
  int have_par;
  aeon_level lev[AEON_MAX_LEVELS];
  int nlevels;
  double origin[3];                       /* centre of the radiative and Robin conditions (from the module) */
  double rad_extrap;                      /* power of the radiative faces' non-radiating part (from the module) */
  aeon_phys_setup mod_setup;              /* what the module's create reported (its receipt goes into the log) */
  const aeon_physics_ops *phys;
  void *self;
  const aeon_rk_method *rk;
  aeon_mol *mol;
  aeon_max_agree *health;                 /* the agreement that ends every (sub)step (advance.c) */
  aeon_timers timers;
  double t, dt, t_final;
  long step, nsteps;
  long norms_every, fields_every;
  double progress_seconds, last_progress, run_start;
  long last_progress_step;
  long run_start_step;                    /* the step this job's step loop began at (a restart's step, or 0) */
  double test_step_sleep;                 /* test hook AEON_TEST_STEP_SLEEP: seconds added to every step (0: none) */
  char rundir[4096];
  aeon_series *series;
  const char *var_names[AEON_MAX_VARS];   /* evolved variables, then auxiliary fields */
  int out_vars[2 * AEON_MAX_VARS];        /* fields written to snapshots (output.fields): indices into var_names */
  int nout;
  int diag_pending;                       /* a norms.dat row for step diag_step waits for the fused diagnostics */
  long diag_step;
  double diag_t;
  aeon_norm_acc acc[AEON_MAX_DIAG];
  double l2[AEON_MAX_DIAG], max[AEON_MAX_DIAG];
  int nanalysis;                          /* values of the module's analysis op (appended to norms.dat rows) */
  const char *const *analysis_names;
  double ana[AEON_MAX_ANALYSIS];          /* its values at the step of the pending or next norms.dat row */
  double row[3 + 2 * AEON_MAX_DIAG + AEON_MAX_ANALYSIS];
  int t_diag, t_output, t_step, t_checkpoint, t_reduce;
  /* state that survives (issue: checkpoints, tiers, receipts, faults) */
  aeon_receipts *receipts;   /* rank 0 only; NULL elsewhere */
  aeon_tiers *tiers;
  double wall_prior;         /* wall seconds of earlier run segments */
  int64_t tick;              /* tier clock: one tick per step */
  uint64_t regime;           /* current regime key */
  long rollbacks;            /* rollbacks so far (part of the regime key) */
  int halvings;              /* halvings of the current step: 2^halvings substeps (after faults) */
  int retries;               /* retries used in the current step */
  long ck_every, ck_keep;
  double ck_walltime, last_ck_wall;
  int ck_at_end;
  char ckdir[4200];
  int max_retries;
  long recover_steps, taint_steps;
  long inject_step;          /* test hook AEON_TEST_INJECT_NAN=STEP:RANK, or -1 */
  int inject_rank;
  int stop_signal;           /* a signal or the STOP file asked for a checkpoint and exit (agreed) */
  int stop_code;             /* why (agreed): the signal number, AEON_STOP_CODE_DELIBERATE + signal, or _FILE */
  double stop_file_checked;  /* rank 0: MPI_Wtime of the last look for RUNDIR/STOP */
  int ck_due_wall;           /* rank 0's wall clock says a checkpoint is due (agreed) */
  int restarted;             /* the state came from a checkpoint */
  char *first_deck;          /* the deck as first given, carried through restarts (NULL: this run's deck) */
  /* the receipt chain outside memory (rank 0; see io/receipt_log.c) */
  char lineage[AEON_LINEAGE_HEX + 1]; /* the run lineage: the checkpoints pruning may remove */
  uint64_t rcpt_in_file;     /* receipts already in RUNDIR/receipts.log */
  uint64_t rcpt_ck_first;    /* first receipt the next checkpoint stores: the count at the previous one */
  int64_t rcpt_file_has;     /* after loading a checkpoint: receipts its log file holds (-1: no file) */
  int rcpt_file_ok;          /* the run is set up: the log file may be appended to */
  /* spectral diagnostics (sim_spectral.c) */
  struct aeon_sim_spectral *spec; /* the FFT plan, loom and Poisson check of spectral.*; NULL when off */
  int fft_wisdom_ck;         /* FFTW wisdom of the restart's checkpoint: 1 imported, -1 damaged (ignored), 0 none */
};

/* Codes of a stop request, agreed with MPI_MAX (a deliberate stop outranks a time-limit signal). */
enum { AEON_STOP_CODE_DELIBERATE = 100, AEON_STOP_CODE_FILE = 200 };
/* Returns the stop code of the signals this rank received (0: none). */
int aeon_sim_stop_requested_(void);
/* Returns this rank's stop code: its signals, and on rank 0 the file RUNDIR/STOP (looked for at most once a second). */
int aeon_sim_stop_code_(aeon_sim *sim);
/* Removes RUNDIR/STOP on rank 0 once the run stopped because of it. */
void aeon_sim_consume_stop_file(const aeon_sim *sim);
/* Wall-clock seconds of this run, earlier segments included. */
double aeon_sim_wall(const aeon_sim *sim);
/* Appends a receipt on rank 0 (no-op elsewhere); detail is printf-style. */
void aeon_sim_receipt(aeon_sim *sim, aeon_receipt_kind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Counts an accepted step without retries into the coalesced receipt of quiet steps (rank 0). */
void aeon_sim_quiet_step(aeon_sim *sim);
/* Rank 0: keys the receipts (AEON_RECEIPT_KEY_FILE or receipts.key_file), sets the coalescing and a new lineage. */
aeon_err aeon_sim_receipts_setup(aeon_sim *sim);
/* Rank 0: appends the receipts not yet in RUNDIR/receipts.log (quiet steps flushed), fsynced when sync is set
 * (no-op elsewhere). */
aeon_err aeon_sim_receipts_flush(aeon_sim *sim, int sync);
/* Sets the tier clock from the simulation's step, tick, regime and time. */
void aeon_sim_tier_clock(aeon_sim *sim);
/* Advances one step with fault handling: rollback and retry with halved substeps (collective). */
aeon_err aeon_sim_advance(aeon_sim *sim);
/* Writes a checkpoint of the current state into the checkpoint directory (collective). */
aeon_err aeon_sim_checkpoint(aeon_sim *sim);
/* Loads the state from checkpoint path (collective); fails on every rank if it is damaged. */
aeon_err aeon_sim_load_checkpoint(aeon_sim *sim, const char *path);
/* Restores the state named by opt.restart ("auto" or a checkpoint path) (collective). */
aeon_err aeon_sim_restart(aeon_sim *sim);
/* Writes into out the run directory of a checkpoint file (the parent of its checkpoints/ directory). */
void aeon_sim_rundir_of_checkpoint(const char *path, char *out, size_t len);
/* Rank 0: keeps only the rows of the series RUNDIR/name before the restart step (and its header), so a continued
 * run appends after them; a missing file is fine. */
aeon_err aeon_sim_trim_series(const aeon_sim *sim, const char *name);
/* Builds the parameter deck of a restart and checks that no fixed parameter changed (collective). */
aeon_err aeon_sim_check_fixed(const aeon_sim *sim, const char *old_effective, const char *what);

/* Checks the spectral diagnostics' parameters against the mesh and the module (the variable, the box) before any
 * file is written (no MPI: the same result on every rank). */
aeon_err aeon_sim_spectral_check(const aeon_sim *sim);
/* Makes the FFT plan of the spectral diagnostics when spectral.loom_every or spectral.poisson_every asks for them
 * (after a restart, so a checkpoint's wisdom is in memory), records it as a receipt and opens loom.dat and
 * poisson_check.dat (collective). */
aeon_err aeon_sim_spectral_setup(aeon_sim *sim);
/* Samples the loom and runs the Poisson check when due at the current step (collective). */
aeon_err aeon_sim_spectral_step(aeon_sim *sim, int last);
/* Gathers the FFTW wisdom into mt->wisdom on rank 0 when the run uses FFTs (collective; aeon_mem_free it). */
aeon_err aeon_sim_spectral_wisdom(aeon_sim *sim, aeon_checkpoint_meta *mt);
/* Imports a checkpoint's FFTW wisdom (collective; warns when it was damaged) and notes where it came from. */
aeon_err aeon_sim_spectral_restore(aeon_sim *sim, const aeon_checkpoint_meta *mt, const char *path);
/* Frees the spectral diagnostics (collective). */
void aeon_sim_spectral_destroy(aeon_sim *sim);

/* Sets the run directory and checkpoint directory names (no I/O). */
void aeon_sim_output_names(aeon_sim *sim);
/* Prepares the run and checkpoint directories and writes the deck, effective parameters and series
 * header; a restarted run keeps its deck and continues norms.dat (collective). */
aeon_err aeon_sim_output_open(aeon_sim *sim, int restarted);
/* Accumulates the diagnostics of the current state into s->acc in a separate pass (fills ghosts: collective). */
aeon_err aeon_sim_diag_pass(aeon_sim *s);
/* Runs the module's analysis op on the current state into s->ana (collective; no-op without one). */
aeon_err aeon_sim_analysis(aeon_sim *s);
/* Reduces the accumulated diagnostics into s->l2, s->max and appends the norms.dat row of (step, t) with s->ana
 * (collective). */
aeon_err aeon_sim_diag_finish(aeon_sim *s, long step, double t);
/* Writes the outputs due at the current step (last = final step). */
aeon_err aeon_sim_output_step(aeon_sim *sim, int last);
/* Prints a progress line if due (rank 0; force prints regardless of the clock). */
void aeon_sim_progress(aeon_sim *sim, int force);
/* Rank 0 prints the plan of the run to out: grid, dx, dt, steps to go, the process grid dims on `ranks` ranks with
 * the memory of the largest rank (measured != 0: measured, else estimated), norms rows, snapshots and checkpoints
 * with their expected sizes, and the run directory. */
void aeon_sim_plan_print(const aeon_sim *sim, FILE *out, int ranks, const int dims[3], double mem_bytes, int measured);
/* Field memory of the largest patch on the process grid dims, estimated from the mesh and the stepper (no MPI). */
double aeon_sim_plan_memory(const aeon_sim *sim, const int dims[3]);
/* Prints the plan of this run before its first step (collective: the memory is the largest rank's, measured). */
aeon_err aeon_sim_summary(aeon_sim *sim);
/* Compares dt with the integrator's stability limit on the module's spectrum and refuses (or warns about) a dt beyond
 * it, as time.stability says (the same decision on every rank: the spectrum depends only on the deck). */
aeon_err aeon_sim_check_stability(aeon_sim *sim);
/* Estimates the memory a rank needs for the mesh's fields and buffers and refuses before allocating when it exceeds
 * what the node has available for this rank (collective). */
aeon_err aeon_sim_check_memory(aeon_sim *sim);

#endif
