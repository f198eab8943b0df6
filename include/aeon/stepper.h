/* Explicit Runge-Kutta integrators for the method of lines, registered by name
 * (time.integrator). Each is a full lower-triangular Butcher tableau (stage s
 * reads u0 + dt sum_{j<s} a[s][j] k[j]). A tableau with a single sub-diagonal
 * (classical RK4, midpoint) runs in four field sets; any other keeps one rhs
 * per stage. Modules may hook into every stage and step (post_stage,
 * post_step) with certificates that can reject the step. */
#ifndef AEON_STEPPER_H
#define AEON_STEPPER_H

#include "aeon/boundary.h"
#include "aeon/error.h"
#include "aeon/mesh.h"
#include "aeon/physics.h"
#include "aeon/timer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AEON_RK_MAX_STAGES 8

typedef struct aeon_rk_method {
  const char *name;  /* deck value of time.integrator */
  const char *doc;   /* one line */
  int order;         /* formal order of accuracy */
  int nstage;
  double a[AEON_RK_MAX_STAGES][AEON_RK_MAX_STAGES]; /* stage s input: u0 + dt sum_{j<s} a[s][j] k[j] (lower triangle) */
  double b[AEON_RK_MAX_STAGES]; /* weights: u1 = u0 + dt * sum b[s] k[s] */
  double c[AEON_RK_MAX_STAGES]; /* stage times: t0 + c[s] dt */
} aeon_rk_method;

/* Registers a method (the struct must outlive the program). */
aeon_err aeon_rk_register(const aeon_rk_method *m);
/* Returns the method called name, or NULL. */
const aeon_rk_method *aeon_rk_find(const char *name);
/* Returns the number of registered methods. */
int aeon_rk_count(void);
/* Returns registered method i. */
const aeon_rk_method *aeon_rk_get(int i);
/* Returns 1 if the method's stage s reads only k[s-1] (a single sub-diagonal): it then needs no per-stage storage. */
int aeon_rk_is_subdiagonal(const aeon_rk_method *m);
/* Registers the built-in methods rk4, rk2 and ssprk3; safe to call twice. */
aeon_err aeon_rk_register_builtins(void);

/* Slack of the linear stability test |R(dt lambda)| <= 1 + AEON_RK_STABILITY_SLACK: room for rounding in R and in the
 * computed eigenvalues (an imaginary eigenvalue may come out with a tiny positive real part). */
#define AEON_RK_STABILITY_SLACK 1e-12

/* The stability function R(z) of a method (u1 = R(dt lambda) u0 for u' = lambda u) at z = zr + i zi: *rr + i *ri. */
void aeon_rk_stability(const aeon_rk_method *m, double zr, double zi, double *rr, double *ri);
/* Returns the largest |R(dt lambda)| over n eigenvalues lambda = re[i] + i im[i] (the growth of one step). */
double aeon_rk_amplification(const aeon_rk_method *m, double dt, int n, const double *re, const double *im);
/* Returns the largest dt with |R(dt lambda)| <= 1 + AEON_RK_STABILITY_SLACK for each of the n eigenvalues, by bisection
 * between 0 and the first unstable one of 1, 2, 4, ... / max |lambda| (taking the stable dt to be an interval from 0);
 * HUGE_VAL if every lambda is 0. */
double aeon_rk_max_stable_dt(const aeon_rk_method *m, int n, const double *re, const double *im);

/* A method-of-lines integrator bound to a mesh, a physics module and a method. */
typedef struct aeon_mol aeon_mol;

/* Creates the integrator: state, stage and rhs fields, and the ghost-exchange plan (all allocated here, once); the
 * boundary service (built from the module's descriptors) fills the ghosts of physical faces and evolves radiative ones.
 * radius: the points the module instance's rhs reads on each side (<= grid.ghost; 0: phys->stencil_radius). */
aeon_err aeon_mol_create(const aeon_mesh *m, const aeon_physics_ops *phys, void *self, int radius,
                         const aeon_rk_method *rk, const aeon_boundary *bnd, aeon_timers *timers, aeon_mol **mol);
/* Frees the integrator and its fields. */
void aeon_mol_destroy(aeon_mol *mol);
/* Returns the evolved state (ghosts valid after aeon_mol_fill_ghosts or initial data). */
aeon_fields *aeon_mol_state(aeon_mol *mol);
/* Advances the state from t to t + dt; every stage overlaps the ghost exchange with the interior rhs.
 * *nonfinite is set to 1 if the new state holds a NaN, an Inf, or a value beyond 1e200 in magnitude on this
 * rank (see aeon_mol_set_max_abs; checked inside the last update). Allocates nothing. */
aeon_err aeon_mol_step(aeon_mol *mol, double t, double dt, int *nonfinite);
/* After aeon_mol_step: 1 if a hook's certificate rejected the step (every rank agrees), with the reduced certificate
 * (the last one that was checked) through cert when not NULL. */
int aeon_mol_rejected(const aeon_mol *mol, const aeon_cert **cert);
/* Asks the next step to accumulate the module's diagnostics of its starting state box by box inside the first stage's
 * rhs pass into acc[0..ndiag-1] (initialised by the caller); aux receives what the module writes. Returns 0 (nothing
 * asked) if the module does not fuse its diagnostics. */
int aeon_mol_fuse_diagnostics(aeon_mol *mol, aeon_norm_acc *acc, aeon_fields *aux);
/* Returns 1 once the diagnostics asked for by aeon_mol_fuse_diagnostics have been accumulated (then clears the flag). */
int aeon_mol_diagnostics_done(aeon_mol *mol);
/* Makes values of magnitude 2^ceil(log2 max_abs) and beyond count as faults, like NaN and Inf. */
void aeon_mol_set_max_abs(aeon_mol *mol, double max_abs);
/* Puts the state back to where the last aeon_mol_step started (rollback). */
void aeon_mol_rollback(aeon_mol *mol);
/* Test hook: the next step writes a NaN into the rhs of variable 0 at local interior point (i, j, k) after its first stage. */
void aeon_mol_inject_nan(aeon_mol *mol, int i, int j, int k);
/* Finds the first faulty value (NaN, Inf, or beyond max_abs) of the state in (variable, k, j, i) order; 0 if none. */
int aeon_mol_find_nonfinite(aeon_mol *mol, int *var, int idx[3]);
/* Fills the ghosts of the state from neighbours and symmetry faces (before output or diagnostics). */
aeon_err aeon_mol_fill_ghosts(aeon_mol *mol);
/* Evaluates the semi-discrete rhs F(in) at time t into out on the evolved points exactly as a stage of aeon_mol_step
 * does: fills in's ghosts (exchange, symmetry faces), then the rhs on the interior and radiative ghosts (collective;
 * in and out are distinct sets of nvar fields on the mesh; allocates nothing). */
aeon_err aeon_mol_rhs(aeon_mol *mol, aeon_fields *in, double t, aeon_fields *out);

#ifdef __cplusplus
}
#endif
#endif
