/* The parameters of the simulation itself and the set of all parameters. */
#include "aeon/boundary.h"
#include "aeon/bowen_york.h"
#include "aeon/drivers.h"
#include "aeon/elliptic.h"
#include "aeon/ioguard.h"
#include "aeon/krylov.h"
#include "aeon/parallel.h"
#include "aeon/physics.h"
#include "aeon/sim.h"
#include "aeon/spectral.h"
#include "aeon/stepper.h"

const aeon_param_decl aeon_sim_params[] = {
  {"physics", AEON_PT_ENUM, NULL, AEON_NORANGE, "(set from the registry)", "physics module to evolve", AEON_RESTART_FIXED},
  {"run.t_final", AEON_PT_REAL, "1.0", 0, 1e300, NULL, "simulation time at which the run ends", AEON_RESTART_CHANGEABLE},
  {"run.max_steps", AEON_PT_INT, "1000000", 0, 1e15, NULL, "stop after this many steps even before t_final", AEON_RESTART_CHANGEABLE},
  {"time.integrator", AEON_PT_ENUM, "rk4", AEON_NORANGE, "rk4|(set from the registry)", "Runge-Kutta method of the method of lines", AEON_RESTART_FIXED},
  {"time.cfl", AEON_PT_REAL, "0.25", 1e-6, 1, NULL, "Courant factor: dt = cfl * min(dx), shrunk so that t_final is hit exactly", AEON_RESTART_FIXED},
  {"time.stability", AEON_PT_ENUM, "refuse", AEON_NORANGE, "refuse|warn|off", "a dt beyond the integrator's linear stability limit on the physics module's spectrum (checked before step 1): refuse the run, warn and run, or do not check", AEON_RESTART_CHANGEABLE},
  {"output.dir", AEON_PT_STRING, "", AEON_NORANGE, NULL, "run directory (default: the deck's file name without .yaml)", AEON_RESTART_CHANGEABLE},
  {"output.fields", AEON_PT_STRLIST, "[]", AEON_NORANGE, NULL, "fields written to snapshots: names of evolved or auxiliary variables; [] = all", AEON_RESTART_CHANGEABLE},
  {"output.fields_every", AEON_PT_INT, "0", 0, 1e9, NULL, "write HDF5+XDMF fields every N steps (0: never)", AEON_RESTART_CHANGEABLE},
  {"output.norms_every", AEON_PT_INT, "1", 0, 1e9, NULL, "append a row to norms.dat every N steps (0: first and last only)", AEON_RESTART_CHANGEABLE},
  {"output.progress_seconds", AEON_PT_REAL, "5", 0, 1e6, NULL, "seconds between progress lines (0: every step)", AEON_RESTART_CHANGEABLE},
  {"checkpoint.every", AEON_PT_INT, "0", 0, 1e12, NULL, "write a checkpoint every N steps (0: not by steps)", AEON_RESTART_CHANGEABLE},
  {"checkpoint.walltime", AEON_PT_REAL, "0", 0, 1e9, NULL, "write a checkpoint every S wall-clock seconds (0: not by time)", AEON_RESTART_CHANGEABLE},
  {"checkpoint.keep", AEON_PT_INT, "3", 1, 1000, NULL, "how many of the newest checkpoints to keep", AEON_RESTART_CHANGEABLE},
  {"checkpoint.at_end", AEON_PT_BOOL, "true", AEON_NORANGE, NULL, "write a checkpoint when the run ends", AEON_RESTART_CHANGEABLE},
  {"faults.max_retries", AEON_PT_INT, "3", 0, 20, NULL, "retries of a step with NaN/Inf (each halves dt) before the run stops", AEON_RESTART_CHANGEABLE},
  {"faults.max_abs", AEON_PT_REAL, "1e100", 1, 1e300, NULL, "values beyond this magnitude count as a fault, like NaN/Inf (a blow-up)", AEON_RESTART_CHANGEABLE},
  {"faults.recover_steps", AEON_PT_INT, "10", 0, 1e9, NULL, "steps that keep the smaller substeps that worked after a fault", AEON_RESTART_CHANGEABLE},
  {"faults.taint_steps", AEON_PT_INT, "10", 0, 1e9, NULL, "steps a tier entry stays tainted after it led to a rejected step", AEON_RESTART_CHANGEABLE},
  {"receipts.key_file", AEON_PT_STRING, "", AEON_NORANGE, NULL, "file holding the key of HMAC-SHA-256 receipts (AEON_RECEIPT_KEY_FILE overrides; \"\": unkeyed)", AEON_RESTART_CHANGEABLE},
  {"receipts.quiet_steps", AEON_PT_INT, "1000", 1, 1e12, NULL, "accepted steps without retries coalesced into one receipt at most", AEON_RESTART_CHANGEABLE},
};
const int aeon_sim_nparams = sizeof aeon_sim_params / sizeof aeon_sim_params[0];

aeon_err aeon_initialize(void) {
  AE_CHK(aeon_register_builtin_physics());
  AE_CHK(aeon_rk_register_builtins());
  AE_CHK(aeon_bc_register_builtins());
  return AEON_OK;
}

/* Joins the names of registered items with '|'. */
static void join_names(int n, const char *(*name)(int), char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && used < len; i++) used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "|" : "", name(i));
}
static const char *physics_name(int i) { return aeon_physics_get(i)->name; }
static const char *rk_name(int i) { return aeon_rk_get(i)->name; }
static const char *bc_name(int i) { return aeon_bc_get(i)->name; }

aeon_err aeon_params_all(aeon_paramset **psp) {
  AE_CHK(aeon_initialize());
  aeon_paramset *ps = NULL;
  AE_CHK(aeon_paramset_create(&ps));
  *psp = ps;
  AE_CHK(aeon_paramset_add(ps, "sim", aeon_sim_params, aeon_sim_nparams));
  AE_CHK(aeon_paramset_add(ps, "mesh", aeon_mesh_params, aeon_mesh_nparams));
  AE_CHK(aeon_paramset_add(ps, "parallel", aeon_parallel_params, aeon_parallel_nparams));
  AE_CHK(aeon_paramset_add(ps, "drivers", aeon_drivers_params, aeon_drivers_nparams));
  AE_CHK(aeon_paramset_add(ps, "io", aeon_io_params, aeon_io_nparams));
  AE_CHK(aeon_paramset_add(ps, "spectral", aeon_spectral_params, aeon_spectral_nparams));
  AE_CHK(aeon_paramset_add(ps, "krylov", aeon_krylov_params, aeon_krylov_nparams));
  AE_CHK(aeon_paramset_add(ps, "elliptic.mg", aeon_mg_params, aeon_mg_nparams));
  AE_CHK(aeon_paramset_add(ps, "elliptic.punctures", aeon_by_params, aeon_by_nparams));
  for (int i = 0; i < aeon_physics_count(); i++) {
    const aeon_physics_ops *p = aeon_physics_get(i);
    if (p->nparams) AE_CHK(aeon_paramset_add(ps, p->name, p->params, p->nparams));
  }
  char buf[1024];
  join_names(aeon_physics_count(), physics_name, buf, sizeof buf);
  AE_CHK(aeon_paramset_set_choices(ps, "physics", buf));
  join_names(aeon_rk_count(), rk_name, buf, sizeof buf);
  AE_CHK(aeon_paramset_set_choices(ps, "time.integrator", buf));
  join_names(aeon_bc_count(), bc_name, buf, sizeof buf);
  static const char *const faces[6] = {"boundary.xlo", "boundary.xhi", "boundary.ylo", "boundary.yhi", "boundary.zlo",
                                       "boundary.zhi"};
  for (int f = 0; f < 6; f++) AE_CHK(aeon_paramset_set_choices(ps, faces[f], buf));
  return AEON_OK;
}
