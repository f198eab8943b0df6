/* Boundary conditions as per-face services. Each kind is an ops table in a
 * registry, chosen per face in the deck (boundary.xlo ... boundary.zhi):
 *   periodic   the face wraps (the ghost exchange does it)
 *   symmetry   reflection: ghosts are mirror images times each variable's parity, derived from its tensor kind
 *   radiative  outgoing radiation: the ghosts are evolved state with one core Sommerfeld kernel,
 *              d_t f = -v (x.grad f + p (f - f0)) / r, driven by each variable's descriptor (f0, p, v); with
 *              aeon_boundary_set_extrap(q > 0) plus k / r^q, the part of the rhs the condition misses (slower
 *              falloff, curvature, non-outgoing parts), k = r_i^q (rhs - Sommerfeld rhs) at the nearest interior
 *              point i (as Cactus' NewRad)
 *   dirichlet  ghosts reflect f - f0 oddly about the face, so f = f0 (the descriptor's rad_value) on the face
 *   robin      1/r^p fall-off towards f0: ghost = f0 + (mirror - f0) (r_mirror / r_ghost)^p
 * Filled kinds (symmetry, dirichlet, robin) run after the exchange, face by face in x, y, z order over the whole
 * valid range of the other directions, so edges and corners come out right. A module may still override the
 * radiative kernel with its own rhs_radiative. */
#ifndef AEON_BOUNDARY_H
#define AEON_BOUNDARY_H

#include "aeon/error.h"
#include "aeon/field.h"
#include "aeon/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aeon_boundary aeon_boundary;

/* One kind of boundary condition. */
typedef struct aeon_bc_ops {
  const char *name; /* deck value of boundary.FACE */
  const char *doc;  /* one line */
  aeon_bc kind;     /* what the mesh does with the face: wraps (periodic), evolved ghosts (radiative), filled ghosts */
  /* Fills the ghosts of physical face `face` (0..5: xlo, xhi, ...) of variables [0, f->nvar) of f; NULL for kinds not filled. */
  void (*fill)(const aeon_boundary *b, int face, aeon_fields *f);
  /* Computes du/dt on a box of evolved ghost points; NULL for kinds whose ghosts are not evolved. */
  void (*rhs)(const aeon_boundary *b, double t, const aeon_fields *u, aeon_fields *dudt, const aeon_box *box);
} aeon_bc_ops;

/* Registers a boundary kind (the table must outlive the program). */
aeon_err aeon_bc_register(const aeon_bc_ops *ops);
/* Returns the kind called name, or NULL. */
const aeon_bc_ops *aeon_bc_find(const char *name);
/* Returns the number of registered kinds. */
int aeon_bc_count(void);
/* Returns registered kind i. */
const aeon_bc_ops *aeon_bc_get(int i);
/* Registers periodic, symmetry, radiative, dirichlet and robin; safe to call twice. */
aeon_err aeon_bc_register_builtins(void);
/* Returns the registered kind of a mesh face kind. */
const aeon_bc_ops *aeon_bc_of_kind(aeon_bc kind);

/* Creates the boundary service of a mesh for nvar variables with these descriptors (copied pointer: they must
 * outlive it) and the centre of the radiative and Robin conditions; parities are derived from the descriptors. */
aeon_err aeon_boundary_create(const aeon_mesh *m, int nvar, const aeon_field_desc *desc, const double origin[3],
                              aeon_boundary **b);
/* Sets the power q of the non-radiating part k / r^q the radiative kernel adds to every variable (0: none). */
void aeon_boundary_set_extrap(aeon_boundary *b, double q);
/* Frees a boundary service. */
void aeon_boundary_destroy(aeon_boundary *b);
/* Fills the ghosts of every filled physical face (symmetry, dirichlet, robin) of f, after the exchange. */
void aeon_boundary_fill(const aeon_boundary *b, aeon_fields *f);
/* Computes du/dt on a box of evolved ghost points of the radiative faces with the core Sommerfeld kernel. */
void aeon_boundary_rhs(const aeon_boundary *b, double t, const aeon_fields *u, aeon_fields *dudt, const aeon_box *box);
/* Returns the mesh, the descriptors and the derived parity table (nvar rows of x, y, z) of a boundary service. */
const aeon_mesh *aeon_boundary_mesh(const aeon_boundary *b);
const aeon_field_desc *aeon_boundary_desc(const aeon_boundary *b);
const int (*aeon_boundary_parity(const aeon_boundary *b))[3];
/* Returns the centre of the radiative and Robin conditions. */
const double *aeon_boundary_origin(const aeon_boundary *b);

#ifdef __cplusplus
}
#endif
#endif
