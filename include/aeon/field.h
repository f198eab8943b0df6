/* Field descriptors: a module declares each variable once (name, group, tensor
 * kind and component, role, outgoing-boundary data) and the core derives the
 * rest: reflection parities for symmetry faces, the data of the radiative
 * condition, which fields are evolved, written or checkpointed. No module types
 * a parity by hand (the way a Cactus thorn declares tensortypealias and the
 * symmetry thorn derives parities from it). */
#ifndef AEON_FIELD_H
#define AEON_FIELD_H

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tensor kind of a variable. Components are numbered: vectors x, y, z = 0, 1, 2; symmetric rank 2
 * xx, xy, xz, yy, yz, zz = 0..5; general rank 2 row-major (ij = 3 i + j) = 0..8. */
typedef enum aeon_tensor {
  AEON_TENSOR_SCALAR = 0, /* one component */
  AEON_TENSOR_U,          /* vector, index up (e.g. the shift beta^i) */
  AEON_TENSOR_D,          /* covector, index down (e.g. a gradient) */
  AEON_TENSOR_UU_SYM,     /* symmetric, both up (inverse metric) */
  AEON_TENSOR_DD_SYM,     /* symmetric, both down (metric, extrinsic curvature) */
  AEON_TENSOR_UU,         /* general rank 2, up up */
  AEON_TENSOR_UD,         /* general rank 2, up down */
  AEON_TENSOR_DD,         /* general rank 2, down down */
  AEON_TENSOR_NKINDS
} aeon_tensor;

/* What the simulation does with a variable. */
typedef enum aeon_role {
  AEON_ROLE_EVOLVED = 0,    /* integrated in time; in checkpoints */
  AEON_ROLE_AUXILIARY = 1,  /* computed from the evolved state (e.g. a lapse source); written on request */
  AEON_ROLE_CONSTRAINT = 2  /* a constraint or diagnostic field (e.g. the Hamiltonian constraint); written on request */
} aeon_role;

/* One declared variable. Arrays of these are static data of a module; the simulation copies them, and a module's
 * create may adjust its copy (e.g. a radiative speed read from its parameters). */
typedef struct aeon_field_desc {
  const char *name;   /* unique within the module: the dataset name in snapshots and checkpoints */
  const char *group;  /* the tensor it belongs to, e.g. "gt" for gt_xx .. gt_zz (NULL: the name) */
  aeon_tensor tensor; /* tensor kind */
  int comp;           /* component index within the kind (see aeon_tensor) */
  aeon_role role;     /* evolved, auxiliary, constraint */
  double rad_value;   /* outgoing radiation: asymptotic value f0 (f -> f0 + u(r - v t) / r^p) */
  double rad_falloff; /* fall-off power p */
  double rad_speed;   /* propagation speed v (> 0 where a radiative face uses this variable) */
} aeon_field_desc;

/* Returns the number of components of a tensor kind (0 for an unknown kind). */
int aeon_tensor_ncomp(aeon_tensor kind);
/* Returns the name of a tensor kind ("scalar", "U", "DD_sym", ...), or "unknown". */
const char *aeon_tensor_name(aeon_tensor kind);
/* Returns the component's indices (0..2 each) through idx and their number (0, 1 or 2); -1 for a bad kind or component. */
int aeon_tensor_indices(aeon_tensor kind, int comp, int idx[2]);
/* Derives the reflection parity of a component in x, y, z: -1 once per index equal to the direction, else +1. */
aeon_err aeon_field_parity(const aeon_field_desc *f, int parity[3]);
/* Checks n descriptors of module `module` (kind, component, unique names, role); a user error names the variable. */
aeon_err aeon_field_check(const aeon_field_desc *f, int n, const char *module);
/* Returns the index of the variable called name among n descriptors, or -1. */
int aeon_field_find(const aeon_field_desc *f, int n, const char *name);

#ifdef __cplusplus
}
#endif
#endif
