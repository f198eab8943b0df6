/* The simulation object, shared by the files of src/sim. */
#ifndef AEON_SIM_INTERNAL_H
#define AEON_SIM_INTERNAL_H

#include "aeon/output.h"
#include "aeon/parallel.h"
#include "aeon/physics.h"
#include "aeon/reduce.h"
#include "aeon/sim.h"
#include "aeon/stepper.h"
#include "aeon/timer.h"

#define AEON_MAX_DIAG 32

struct aeon_sim {
  MPI_Comm comm;
  int rank;
  aeon_sim_options opt;
  FILE *log;
  aeon_paramset *ps;
  aeon_deck *deck;
  aeon_par par;
  int have_par;
  aeon_mesh mesh;
  const aeon_physics_ops *phys;
  void *self;
  const aeon_rk_method *rk;
  aeon_mol *mol;
  aeon_timers timers;
  double t, dt, t_final;
  long step, nsteps;
  long norms_every, fields_every;
  double progress_seconds, last_progress, run_start;
  char rundir[4096];
  aeon_series *series;
  const char *var_names[64];
  aeon_norm_acc acc[AEON_MAX_DIAG];
  double l2[AEON_MAX_DIAG], max[AEON_MAX_DIAG];
  double row[3 + 2 * AEON_MAX_DIAG];
  int t_diag, t_output, t_step;
};

/* Prepares the run directory and writes the deck, effective parameters and series header. */
aeon_err aeon_sim_output_open(aeon_sim *sim);
/* Writes the outputs due at the current step (last = final step). */
aeon_err aeon_sim_output_step(aeon_sim *sim, int last);
/* Prints a progress line if due (rank 0; force prints regardless of the clock). */
void aeon_sim_progress(aeon_sim *sim, int force);

#endif
