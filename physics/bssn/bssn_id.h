/* Initial data of the BSSN/CCZ4 module: each kind of data is an ops table that
 * gives the ADM quantities (spatial metric, extrinsic curvature, lapse, shift)
 * at a point; the module converts them to the BSSN variables (W, gt, At, K, and
 * Gt^i by 4th-order differences of gt), adds the optional noise, and, when the
 * data is an exact solution at every t (ops.exact), reports the error of
 * gamma_xx against it. The deck picks one with `bssn.initial_data: NAME`.
 * Each kind declares its own parameters (keys in the `bssn.` section, unique
 * across kinds); the module joins them to its own table. A new kind is a new
 * id_*.c file with one line added to id_list.c. */
#ifndef AEON_BSSN_ID_H
#define AEON_BSSN_ID_H

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/mesh.h"

/* ADM data at one point. Symmetric tensors: xx, xy, xz, yy, yz, zz. */
typedef struct bssn_adm {
  double g[6];    /* gamma_ij */
  double k[6];    /* K_ij */
  double alpha;   /* lapse */
  double beta[3]; /* shift beta^i */
} bssn_adm;

typedef struct bssn_id_ops {
  const char *name;              /* value of bssn.initial_data */
  const char *doc;               /* one line for `aeon params` */
  const aeon_param_decl *params; /* this kind's parameters (keys "bssn.<something>") */
  int nparams;
  int exact;                     /* 1: point() is the exact solution at every t (error diagnostics are written) */
  int periodic_ok;               /* 1: may run with periodic faces (0: refused with a message naming the key) */
  /* Reads and checks this kind's parameters against the mesh (e.g. a puncture outside the grid is a user error
   * naming the key) and prepares *ctx. */
  aeon_err (*create)(const aeon_deck *deck, const aeon_mesh *m, void **ctx);
  /* Frees ctx. */
  void (*destroy)(void *ctx);
  /* The ADM data at time t and point x (global coordinates). */
  void (*point)(const void *ctx, double t, const double x[3], bssn_adm *out);
  /* Optional: a receipt of what create did (kind, detail, wall) for the run's log; returns 0 for none. */
  int (*receipt)(const void *ctx, char *detail, size_t cap, double *wall);
} bssn_id_ops;

/* The kinds built in (id_list.c), NULL-terminated. */
extern const bssn_id_ops *const bssn_id_list[];

/* Returns the kind called name, or NULL. */
const bssn_id_ops *bssn_id_find(const char *name);

#endif
