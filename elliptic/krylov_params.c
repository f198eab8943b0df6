/* The deck keys of the Krylov solvers, their backend and the model problem of
 * `aeon solve` (elliptic.*; the multigrid keys elliptic.mg_* are declared by
 * the multigrid module), and reading the solver options from a deck. */
#include <string.h>

#include "aeon/boundary.h"
#include "aeon/bowen_york.h"
#include "aeon/elliptic.h"
#include "aeon/krylov.h"
#include "aeon/mesh.h"
#include "aeon/parallel.h"

const aeon_param_decl aeon_krylov_params[] = {
  {"elliptic.problem", AEON_PT_ENUM, "poisson", AEON_NORANGE, "poisson|helmholtz|punctures",
   "model problem of aeon solve: -div(beta grad u) + c.grad u = f (poisson) or with a u added (helmholtz), "
   "manufactured solution u = prod sin; or Bowen-York puncture data (punctures: elliptic.punctures, robin faces)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.helmholtz_a", AEON_PT_REAL, "1", 0, 1e12, NULL, "coefficient a of a u in the helmholtz problem",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.helmholtz_b", AEON_PT_REAL, "1", 1e-12, 1e12, NULL, "coefficient b of -b div(beta grad u)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.beta_amp", AEON_PT_REAL, "0", -0.99, 0.99, NULL,
   "variable coefficient beta = 1 + beta_amp sin(2 pi X) sin(2 pi Y) sin(2 pi Z) (0: constant)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.advection", AEON_PT_REAL3, "0", -1e12, 1e12, NULL,
   "advection velocity c of the term c.grad u (non-zero: a non-symmetric operator; use gmres or bicgstab)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.rhs_shift", AEON_PT_REAL, "0", AEON_NORANGE, NULL,
   "constant added to the right-hand side (a non-zero value makes an all-periodic poisson problem unsolvable)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.backend", AEON_PT_ENUM, "native", AEON_NORANGE, "native|petsc",
   "solver backend: Aeon's own Krylov methods, or PETSc's KSP through the PETSc backend", AEON_RESTART_CHANGEABLE},
  {"elliptic.ksp_type", AEON_PT_ENUM, "gmres", AEON_NORANGE, "cg|gmres|bicgstab",
   "Krylov method (cg: symmetric positive definite problems only)", AEON_RESTART_CHANGEABLE},
  {"elliptic.ksp_rtol", AEON_PT_REAL, "1e-8", 0, 0.999, NULL,
   "relative tolerance: converged when ||r|| <= rtol ||r0||", AEON_RESTART_CHANGEABLE},
  {"elliptic.ksp_atol", AEON_PT_REAL, "1e-50", 0, 1e300, NULL, "absolute tolerance: converged when ||r|| <= atol",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.ksp_dtol", AEON_PT_REAL, "1e5", 1.000001, 1e300, NULL,
   "divergence tolerance: stop when ||r|| >= dtol ||r0||", AEON_RESTART_CHANGEABLE},
  {"elliptic.ksp_max_it", AEON_PT_INT, "10000", 0, 1e8, NULL, "iterations at most (then DIVERGED_ITS)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.gmres_restart", AEON_PT_INT, "30", 1, 200, NULL, "GMRES(m): Arnoldi steps between restarts",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.pc_side", AEON_PT_ENUM, "right", AEON_NORANGE, "right|left",
   "preconditioning side of gmres and bicgstab (right: the true residual is tested; left: M^-1 r)",
   AEON_RESTART_CHANGEABLE},
  {"elliptic.ksp_monitor", AEON_PT_BOOL, "false", AEON_NORANGE, NULL,
   "print one line per iteration with the residual norm (like PETSc's -ksp_monitor)", AEON_RESTART_CHANGEABLE},
  {"elliptic.pc", AEON_PT_ENUM, "none", AEON_NORANGE, "none|jacobi|mg",
   "preconditioner of the native backend (mg: geometric multigrid, keys elliptic.mg_*)", AEON_RESTART_CHANGEABLE},
  {"elliptic.petsc_pc", AEON_PT_ENUM, "shell", AEON_NORANGE, "shell|none|jacobi|sor|mg|gamg|hypre",
   "PETSc backend preconditioner: shell (elliptic.pc wrapped as a PCShell on a MatShell), or on an assembled DMDA "
   "matrix none|jacobi|sor|mg (PCMG, SOR smoothing)|gamg|hypre (BoomerAMG)", AEON_RESTART_CHANGEABLE},
  {"elliptic.petsc_options", AEON_PT_STRING, "", AEON_NORANGE, NULL,
   "extra PETSc options, prefixed -aeon_ (e.g. \"-aeon_ksp_view -aeon_pc_gamg_threshold 0.05\"); applied after "
   "the deck's settings", AEON_RESTART_CHANGEABLE},
};
const int aeon_krylov_nparams = (int)(sizeof aeon_krylov_params / sizeof aeon_krylov_params[0]);

aeon_err aeon_ksp_opts_from_deck(const aeon_deck *deck, aeon_ksp_opts *o) {
  *o = aeon_ksp_defaults();
  o->type = aeon_deck_string(deck, "elliptic.ksp_type");
  o->rtol = aeon_deck_real(deck, "elliptic.ksp_rtol");
  o->atol = aeon_deck_real(deck, "elliptic.ksp_atol");
  o->dtol = aeon_deck_real(deck, "elliptic.ksp_dtol");
  o->max_it = aeon_deck_int(deck, "elliptic.ksp_max_it");
  o->restart = (int)aeon_deck_int(deck, "elliptic.gmres_restart");
  o->side = strcmp(aeon_deck_string(deck, "elliptic.pc_side"), "left") == 0 ? AEON_PC_LEFT : AEON_PC_RIGHT;
  o->monitor = aeon_deck_bool(deck, "elliptic.ksp_monitor");
  return AEON_OK;
}

aeon_err aeon_elliptic_paramset(aeon_paramset **psp) {
  AE_CHK(aeon_bc_register_builtins());
  aeon_paramset *ps = NULL;
  AE_CHK(aeon_paramset_create(&ps));
  *psp = ps;
  AE_CHK(aeon_paramset_add(ps, "mesh", aeon_mesh_params, aeon_mesh_nparams));
  AE_CHK(aeon_paramset_add(ps, "parallel", aeon_parallel_params, aeon_parallel_nparams));
  AE_CHK(aeon_paramset_add(ps, "krylov", aeon_krylov_params, aeon_krylov_nparams));
  AE_CHK(aeon_paramset_add(ps, "elliptic.mg", aeon_mg_params, aeon_mg_nparams));
  AE_CHK(aeon_paramset_add(ps, "elliptic.punctures", aeon_by_params, aeon_by_nparams));
  return AEON_OK;
}
