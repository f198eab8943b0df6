/* Physics modules plug in through one ops table registered by name; the deck
 * picks one with `physics: NAME`. Adding a module means adding physics/NAME/
 * with aeon_physics_register_NAME(): nothing in the core changes. */
#ifndef AEON_PHYSICS_H
#define AEON_PHYSICS_H

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/mesh.h"
#include "aeon/reduce.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An evolved variable: its name and its parity (+1 even, -1 odd) under reflection in x, y, z. */
typedef struct aeon_var_info {
  const char *name;
  int parity[3];
} aeon_var_info;

/* The ops table of a physics module. Kernels work on boxes of local indices so the
 * stepper can compute the interior while ghosts are in flight. */
typedef struct aeon_physics_ops {
  const char *name;               /* deck value of `physics` */
  const char *doc;                /* one line for `aeon params` */
  const aeon_param_decl *params;  /* this module's parameters (section = name) */
  int nparams;
  int nvar;                       /* evolved variables */
  const aeon_var_info *vars;
  int ndiag;                      /* diagnostics: each reported as an L2 and a max norm */
  const char *const *diag_names;
  int stencil_radius;             /* points the rhs reads on each side (<= grid.ghost) */
  int linear;                     /* 1 if rhs and rhs_radiative are linear (or affine) in u: the evolution operator of
                                     aeon_sim_linop is then F itself, exact, not a finite-difference Jacobian */

  /* Reads the module's parameters and prepares whatever it needs; *self is its private state. */
  aeon_err (*create)(const aeon_deck *deck, const aeon_mesh *m, void **self);
  /* Frees the private state. */
  void (*destroy)(void *self);
  /* Sets the fields at time t on every valid point (interior and ghosts). */
  aeon_err (*initial_data)(void *self, const aeon_mesh *m, double t, aeon_fields *u);
  /* Computes du/dt on the points of box (interior points; ghosts of u are valid). */
  void (*rhs)(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *dudt,
              const aeon_box *box);
  /* Computes du/dt on ghost points of radiative faces (outgoing-wave condition); NULL if unsupported. */
  void (*rhs_radiative)(void *self, const aeon_mesh *m, double t, const aeon_fields *u,
                        aeon_fields *dudt, const aeon_box *box);
  /* Adds this patch's interior values of each diagnostic to acc[0..ndiag-1] (the caller reduces them). */
  void (*diagnostics)(void *self, const aeon_mesh *m, double t, const aeon_fields *u,
                      aeon_norm_acc *acc);
} aeon_physics_ops;

/* Registers a physics module (the table must outlive the program); a second module of the same name is refused. */
aeon_err aeon_physics_register(const aeon_physics_ops *ops);
/* Returns the module called name, or NULL. */
const aeon_physics_ops *aeon_physics_find(const char *name);
/* Returns the number of registered modules. */
int aeon_physics_count(void);
/* Returns registered module i (in registration order). */
const aeon_physics_ops *aeon_physics_get(int i);
/* Registers every module built in (generated from the physics/ directories); safe to call twice. */
aeon_err aeon_register_builtin_physics(void);

#ifdef __cplusplus
}
#endif
#endif
