/* Linear operators and preconditioners on grid vectors (aeon/gvec.h): the
 * interface the Krylov methods, multigrid, the PETSc backend and shift-invert
 * exchange. An operator is an ops pair (apply, destroy) over a private context,
 * like PETSc's MatShell; a preconditioner likewise (PCShell). A stencil
 * operator refreshes the ghosts of its input itself (through its exchange
 * plan), so x must be a ghosted vector (AEON_GVEC_GHOSTED or a view of mesh
 * fields) and only its ghost points are written. */
#ifndef AEON_GOP_H
#define AEON_GOP_H

#include "aeon/error.h"
#include "aeon/gvec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = A x. */
typedef struct aeon_gop {
  const char *name; /* for messages and monitors, e.g. "helmholtz", "laplacian4" */
  void *ctx;
  /* y = A x on the vectors' boxes (x's ghosts may be refreshed). */
  aeon_err (*apply)(void *ctx, aeon_gvec *x, aeon_gvec *y);
  /* Optional: d = diag(A) (NULL if the operator has none to offer). */
  aeon_err (*diagonal)(void *ctx, aeon_gvec *d);
  /* Frees ctx (may be NULL). */
  void (*destroy)(void *ctx);
} aeon_gop;

/* z ~ M^-1 r. */
typedef struct aeon_gpc {
  const char *name; /* e.g. "mg", "jacobi", "none" */
  void *ctx;
  /* z = M^-1 r on the vectors' boxes (r is not changed except in ghosts). */
  aeon_err (*apply)(void *ctx, aeon_gvec *r, aeon_gvec *z);
  /* Frees ctx (may be NULL). */
  void (*destroy)(void *ctx);
} aeon_gpc;

/* Applies op: y = A x. */
aeon_err aeon_gop_apply(const aeon_gop *op, aeon_gvec *x, aeon_gvec *y);
/* Frees op's context and clears op. */
void aeon_gop_destroy(aeon_gop *op);
/* Applies pc: z = M^-1 r (a NULL pc or one without apply copies r to z). */
aeon_err aeon_gpc_apply(const aeon_gpc *pc, aeon_gvec *r, aeon_gvec *z);
/* Frees pc's context and clears pc. */
void aeon_gpc_destroy(aeon_gpc *pc);

#ifdef __cplusplus
}
#endif
#endif
