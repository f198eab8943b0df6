/* The elliptic deck set-up of `aeon solve` and `aeon eig --deck` (see
 * solve_setup.h): deck -> paramset check -> mesh and process grid -> model
 * problem (elliptic.problem and its coefficients) -> right-hand side (refused
 * if singular and of non-zero mean) -> preconditioner (elliptic.pc) -> the
 * options of the native solver and of the PETSc backend (elliptic.petsc_*,
 * PETSc initialised with elliptic.petsc_options and the command line's
 * -aeon_ options). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/elliptic.h"
#include "aeon/memory.h"
#include "aeon/sim.h"
#include "cli/solve_setup.h"
#include "cli/solve_mg.h"

int aeon_elliptic_deck_is(const char *text, size_t len, const char *name) {
  aeon_paramset *ps = NULL;
  aeon_deck *d = NULL;
  int ok = aeon_elliptic_paramset(&ps) == AEON_OK && aeon_deck_load(text, len, name, ps, 0, NULL, &d) == AEON_OK;
  aeon_deck_destroy(d);
  aeon_paramset_destroy(ps);
  aeon_error_clear();
  return ok;
}

/* The model's coefficients from the deck; cg refused on a non-symmetric operator. */
static aeon_err model_spec(aeon_elliptic_setup *s, aeon_model_spec *ms) {
  const aeon_deck *d = s->deck;
  memset(ms, 0, sizeof *ms);
  s->problem = aeon_deck_string(d, "elliptic.problem");
  ms->a = strcmp(s->problem, "helmholtz") == 0 ? aeon_deck_real(d, "elliptic.helmholtz_a") : 0.0;
  ms->b = aeon_deck_real(d, "elliptic.helmholtz_b");
  ms->beta_amp = aeon_deck_real(d, "elliptic.beta_amp");
  aeon_deck_real3(d, "elliptic.advection", ms->c);
  ms->rhs_shift = aeon_deck_real(d, "elliptic.rhs_shift");
  if ((ms->c[0] || ms->c[1] || ms->c[2]) && strcmp(aeon_deck_string(d, "elliptic.ksp_type"), "cg") == 0)
    return AE_ERR(AEON_ERR_USER,
                  "elliptic.ksp_type: cg needs a symmetric operator, but elliptic.advection = [%g, %g, %g] makes it "
                  "non-symmetric; use gmres or bicgstab", ms->c[0], ms->c[1], ms->c[2]);
  return AEON_OK;
}

static aeon_err make_pc(aeon_elliptic_setup *s, const aeon_model_spec *ms) {
  const char *pc = aeon_deck_string(s->deck, "elliptic.pc");
  double t0 = MPI_Wtime();
  if (strcmp(pc, "jacobi") == 0) {
    AE_CHK(aeon_gpc_jacobi(&s->A, &s->b, &s->pc));
    s->have_pc = 1;
  } else if (strcmp(pc, "mg") == 0) {
    AE_CHK(aeon_solve_mg_pc(s->deck, &s->m, ms, &s->mg_state, &s->pc));
    s->have_pc = 1;
  }
  s->pc_seconds = MPI_Wtime() - t0;
  return AEON_OK;
}

static aeon_err backend(aeon_elliptic_setup *s, const char *petsc_args) {
  const aeon_deck *d = s->deck;
  AE_CHK(aeon_ksp_opts_from_deck(d, &s->kopts));
  s->petsc = strcmp(aeon_deck_string(d, "elliptic.backend"), "petsc") == 0;
  const char *pc = s->have_pc ? s->pc.name : "none";
  if (!s->petsc) {
    if (petsc_args && *petsc_args)
      return AE_ERR(AEON_ERR_USER, "solve: PETSc options (%s) were given, but elliptic.backend is native", petsc_args);
    if (strcmp(s->kopts.type, "gmres") == 0)
      snprintf(s->desc, sizeof s->desc, "native gmres(%d) + %s (%s)", s->kopts.restart, pc,
               s->kopts.side == AEON_PC_LEFT ? "left" : "right");
    else
      snprintf(s->desc, sizeof s->desc, "native %s + %s", s->kopts.type, pc);
    return AEON_OK;
  }
  s->popts = (aeon_petsc_opts){.ksp = s->kopts, .pc = aeon_deck_string(d, "elliptic.petsc_pc")};
  const char *deck_opts = aeon_deck_string(d, "elliptic.petsc_options");
  size_t n = strlen(deck_opts) + (petsc_args ? strlen(petsc_args) : 0) + 2;
  char *all = NULL;
  AE_CHK(aeon_mem_alloc(n, (void **)&all));
  snprintf(all, n, "%s %s", deck_opts, petsc_args ? petsc_args : "");
  aeon_err e = aeon_petsc_initialize(all);
  aeon_mem_free(all);
  return e;
}

aeon_err aeon_elliptic_grid_from_deck(MPI_Comm comm, const aeon_deck *deck, aeon_mesh *m, aeon_par *par,
                                      int *have_par) {
  AE_CHK(aeon_mesh_global_from_deck(deck, m));
  int periodic[3], dims[3];
  long dl[3];
  aeon_mesh_periodicity(m, periodic);
  aeon_deck_int3(deck, "parallel.dims", dl);
  for (int d = 0; d < 3; d++) dims[d] = (int)dl[d];
  AE_CHK(aeon_par_create(comm, dims, periodic, m->N, par));
  *have_par = 1;
  return AEON_OK;
}

aeon_err aeon_elliptic_setup_create(MPI_Comm comm, const char *path, int nset, const char *const *sets,
                                    const char *petsc_args, aeon_elliptic_setup *s) {
  memset(s, 0, sizeof *s);
  size_t len = 0;
  AE_CHK(aeon_sim_read_deck(comm, path, &s->text, &len));
  AE_CHK(aeon_elliptic_paramset(&s->ps));
  AE_CHK(aeon_par_agree(comm, aeon_deck_load(s->text, len, path, s->ps, nset, sets, &s->deck)));
  AE_CHK(aeon_elliptic_grid_from_deck(comm, s->deck, &s->m, &s->par, &s->have_par));
  aeon_ell_centering centering;
  AE_CHK(aeon_ell_centering_from_deck(s->deck, &centering));
  if (centering == AEON_ELL_VERTEX) { /* grid.n counts nodes; the mesh holds the unknown ones */
    aeon_mesh nodes = s->m;
    AE_CHK(aeon_par_agree(comm, aeon_ell_vertex_mesh(&nodes, &s->par, &s->m)));
  } else {
    AE_CHK(aeon_mesh_setup_patch(&s->m, &s->par));
  }
  aeon_model_spec ms;
  AE_CHK(model_spec(s, &ms));
  ms.vertex = centering == AEON_ELL_VERTEX;
  AE_CHK(aeon_model_create(&s->m, s->par.cart, &ms, &s->model));
  s->A = aeon_model_op(s->model);
  AE_CHK(aeon_model_vector(s->model, &s->b));
  AE_CHK(aeon_model_rhs(s->model, &s->b));
  AE_CHK(aeon_model_check_rhs(s->model, &s->b));
  AE_CHK(make_pc(s, &ms));
  return backend(s, petsc_args);
}

void aeon_elliptic_setup_destroy(aeon_elliptic_setup *s) {
  if (s->have_pc) aeon_gpc_destroy(&s->pc);
  aeon_solve_mg_free(s->mg_state);
  aeon_gvec_destroy(&s->b);
  aeon_model_destroy(s->model);
  if (s->have_par) aeon_par_destroy(&s->par);
  aeon_deck_destroy(s->deck);
  aeon_paramset_destroy(s->ps);
  free(s->text);
  memset(s, 0, sizeof *s);
}
