/* Physics modules plug in through one ops table registered by name; the deck
 * picks one with `physics: NAME`. Adding a module means adding physics/NAME/
 * with aeon_physics_register_NAME(): nothing in the core changes. */
#ifndef AEON_PHYSICS_H
#define AEON_PHYSICS_H

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/field.h"
#include "aeon/mesh.h"
#include "aeon/reduce.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a module may adjust while it is created: its descriptors (copies owned by the simulation) and the centre
 * of the radiative and Robin conditions. */
typedef struct aeon_phys_setup {
  aeon_field_desc *vars; /* nvar evolved variables (e.g. set rad_speed from a parameter) */
  int nvar;
  aeon_field_desc *aux;  /* naux auxiliary and constraint fields */
  int naux;
  double origin[3];      /* centre of the radiative and Robin conditions (default 0, 0, 0) */
  int nanalysis;         /* values the analysis op writes (default 0; at most AEON_MAX_ANALYSIS) */
  const char *const *analysis_names; /* their names (owned by the module, valid until destroy) */
  double rad_extrap;     /* > 0: radiative faces add the non-radiating part k / r^rad_extrap of each variable's rhs,
                          * measured at the nearest interior point (aeon_boundary_set_extrap); 0 (default): plain */
  int receipt_kind;      /* > 0: a receipt of what create did (e.g. a warm start of its initial data), which the run
                          * appends to its log once the log exists (rank 0); 0 (default): none */
  char receipt[200];     /* its detail */
  double receipt_wall;   /* its wall time in seconds */
  int stencil_radius;    /* points this instance's rhs reads on each side, when its parameters change it (e.g. a
                          * higher finite-difference order); 0 (default): the ops table's stencil_radius */
} aeon_phys_setup;

/* Most values a module's analysis op may write per call. */
#define AEON_MAX_ANALYSIS 32

#define AEON_CERT_MAX 8

/* The certificate of a hook: quantities it measured on this rank (the stepper reduces them exactly across ranks;
 * every rank must add the same quantities in the same order),
 * optional bounds on them, and whether this rank asks to reject the step. The step is rejected when any rank asks, or
 * when a reduced max norm exceeds its bound; every rank takes the same decision. */
typedef struct aeon_cert {
  int n;                             /* quantities measured (<= AEON_CERT_MAX) */
  const char *name[AEON_CERT_MAX];   /* their names (for receipts) */
  aeon_norm_acc acc[AEON_CERT_MAX];  /* values offered on this rank (set up by the stepper, added to by the hook) */
  double bound[AEON_CERT_MAX];       /* reject when the max norm of quantity i exceeds bound[i] (0: no bound) */
  int reject;                        /* this rank asks to reject the step */
  char reason[96];                   /* why (this rank) */
} aeon_cert;

/* The ops table of a physics module. Kernels work on boxes of local indices so the
 * stepper can compute the interior while ghosts are in flight. A module declares its variables (field
 * descriptors: tensor kind, role, radiative data); the core derives parities, fills boundaries and writes output. */
typedef struct aeon_physics_ops {
  const char *name;               /* deck value of `physics` */
  const char *doc;                /* one line for `aeon params` */
  const aeon_param_decl *params;  /* this module's parameters (section = name) */
  int nparams;
  int nvar;                       /* evolved variables */
  const aeon_field_desc *vars;    /* their descriptors (role AEON_ROLE_EVOLVED) */
  int naux;                       /* auxiliary and constraint fields the simulation allocates for the module */
  const aeon_field_desc *aux;     /* their descriptors (written to snapshots by name, see output.fields) */
  int ndiag;                      /* diagnostics: each reported as an L2 and a max norm */
  const char *const *diag_names;
  int stencil_radius;             /* points the rhs reads on each side (<= grid.ghost; create may raise it through
                                     aeon_phys_setup.stencil_radius) */
  int linear;                     /* 1 if rhs and rhs_radiative are linear (or affine) in u: the evolution operator of
                                     aeon_sim_linop is then F itself, exact, not a finite-difference Jacobian */
  int fuse_diagnostics;           /* 1: diagnostics read u only at the box's own points, so the stepper may accumulate
                                     them box by box inside the rhs pass of the next step's first stage (whose input is
                                     the state at the output step); the results are the same bits either way */

  /* Reads the module's parameters and prepares whatever it needs; *self is its private state. */
  aeon_err (*create)(const aeon_deck *deck, const aeon_mesh *m, aeon_phys_setup *setup, void **self);
  /* Frees the private state. */
  void (*destroy)(void *self);
  /* Sets the fields at time t on every valid point (interior and ghosts). */
  aeon_err (*initial_data)(void *self, const aeon_mesh *m, double t, aeon_fields *u);
  /* Computes du/dt on the points of box (interior points; ghosts of u are valid). */
  void (*rhs)(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *dudt,
              const aeon_box *box);
  /* Optional override of the core radiative kernel: du/dt on ghost points of radiative faces (NULL: the core's
   * Sommerfeld condition from the descriptors). */
  void (*rhs_radiative)(void *self, const aeon_mesh *m, double t, const aeon_fields *u,
                        aeon_fields *dudt, const aeon_box *box);
  /* Adds the values of each diagnostic at the interior points of box to acc[0..ndiag-1] (the caller reduces them);
   * may also write auxiliary/constraint fields (aux, naux variables) at those points. */
  void (*diagnostics)(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *aux,
                      aeon_norm_acc *acc, const aeon_box *box);
  /* Optional hook after each Runge-Kutta stage: y is the next stage's input (after the last stage: the new state) on
   * the evolved points; the hook may change it (e.g. enforce algebraic constraints) and fills a certificate. */
  aeon_err (*post_stage)(void *self, const aeon_mesh *m, double t, int stage, aeon_fields *y, aeon_cert *cert);
  /* Optional hook after each step (t is the new time, u the new state); may change u; fills a certificate. */
  aeon_err (*post_step)(void *self, const aeon_mesh *m, double t, aeon_fields *u, aeon_cert *cert);
  /* Optional (NULL: no stability check): eigenvalues of the linearised rhs on mesh m from the Fourier symbols of its
   * stencils (von Neumann analysis of the interior), sampled so that the largest in magnitude and the most damped are
   * among them. Writes at most max of them as re[i] + i im[i] (one of each conjugate pair suffices) and returns how
   * many. Before step 1 the simulation refuses a dt beyond the integrator's stability limit on them (time.stability). */
  int (*spectrum)(void *self, const aeon_mesh *m, int max, double *re, double *im);
  /* Optional (NULL: none): analysis of the state at the norms cadence, e.g. surface integrals (collective): u is the
   * state at time t with its ghosts filled, aux the auxiliary fields of this step's diagnostics (norms rows of a
   * module with this op are computed in a separate pass, not fused into the rhs);
   * writes the setup.nanalysis values create announced to out, the same bits on every rank. The simulation appends
   * them to the norms.dat row, in columns named by setup.analysis_names. */
  aeon_err (*analysis)(void *self, const aeon_mesh *m, double t, const aeon_fields *u, const aeon_fields *aux,
                       double *out);
} aeon_physics_ops;

/* Adds a named quantity to a certificate and returns its index (-1 if full); bound 0 means none. */
int aeon_cert_add(aeon_cert *c, const char *name, double bound);

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
