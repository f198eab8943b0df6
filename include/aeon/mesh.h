/* Mesh: a global box of N[0] x N[1] x N[2] cell-centred points, one patch per
 * rank with `ghost` layers, fields stored structure-of-arrays (each variable a
 * contiguous 64-byte aligned block, x innermost, interior rows aligned),
 * non-blocking ghost exchange of faces, edges and corners (26 neighbours)
 * split into start/finish, and physical boundary conditions. */
#ifndef AEON_MESH_H
#define AEON_MESH_H

#include <stddef.h>

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/parallel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Boundary condition of one face of the global box. */
typedef enum aeon_bc {
  AEON_BC_PERIODIC = 0,  /* wraps to the opposite face */
  AEON_BC_SYMMETRY = 1,  /* reflection about the face; each variable has a parity per direction */
  AEON_BC_RADIATIVE = 2, /* outgoing radiation (Sommerfeld): ghost points are evolved state */
  AEON_BC_DIRICHLET = 3, /* ghosts filled so the variable takes its asymptotic value on the face */
  AEON_BC_ROBIN = 4      /* ghosts filled with a 1/r^p fall-off towards the asymptotic value */
} aeon_bc;

/* A box of local indices, half-open: lo <= i < hi in each direction (interior starts at 0). */
typedef struct aeon_box {
  int lo[3], hi[3];
} aeon_box;

/* Opaque ghost-exchange plan (persistent MPI requests and packed buffers). */
typedef struct aeon_exchange aeon_exchange;

/* The mesh and this rank's patch. Read-only for users once created. */
typedef struct aeon_mesh {
  long N[3];        /* global points per direction */
  double xmin[3];   /* lower corner of the global box */
  double xmax[3];   /* upper corner */
  double dx[3];     /* spacing: (xmax - xmin) / N */
  int ghost;        /* ghost layers on every side */
  aeon_bc bc[6];    /* faces xlo, xhi, ylo, yhi, zlo, zhi */
  long off[3];      /* global index of this patch's interior point 0 */
  int n[3];         /* interior points of this patch */
  int physical[6];  /* 1 if that face of the patch is a non-periodic face of the global box */
  aeon_box valid;   /* every point with data: interior plus ghosts, [-ghost, n + ghost) */
  aeon_box evolved; /* points the time integrator updates: interior plus ghosts of radiative faces */
  int xo;           /* padding before the first ghost in x so that interior rows start 64-byte aligned */
  long sy, sz;      /* strides (in doubles) between y rows and z planes */
  long base;        /* index of interior point (0,0,0) */
  size_t npts;      /* doubles per variable, including ghosts and padding (a multiple of 8) */
  const aeon_par *par; /* the process grid (not owned) */
} aeon_mesh;

/* A set of nvar fields on a mesh: variable v lives at data + v * stride. */
typedef struct aeon_fields {
  int nvar;       /* number of variables */
  size_t stride;  /* doubles between consecutive variables (= mesh npts) */
  double *data;   /* nvar * stride doubles, 64-byte aligned */
} aeon_fields;

/* Returns the linear index of local point (i, j, k); ghosts have negative or >= n indices. */
static inline long aeon_idx(const aeon_mesh *m, int i, int j, int k) {
  return m->base + i + (long)j * m->sy + (long)k * m->sz;
}
/* Returns variable v of a field set. */
static inline double *aeon_var(const aeon_fields *f, int v) { return f->data + (size_t)v * f->stride; }
/* Returns the coordinate of local index i in direction d (cell centres). */
static inline double aeon_coord(const aeon_mesh *m, int d, int i) {
  return m->xmin[d] + ((double)(m->off[d] + i) + 0.5) * m->dx[d];
}
/* Returns the number of points in a box (0 if empty). */
static inline long aeon_box_size(const aeon_box *b) {
  long s = 1;
  for (int d = 0; d < 3; d++) s *= b->hi[d] > b->lo[d] ? b->hi[d] - b->lo[d] : 0;
  return s;
}

/* The parameters of this module (grid.*, boundary.*). */
extern const aeon_param_decl aeon_mesh_params[];
/* Number of entries in aeon_mesh_params. */
extern const int aeon_mesh_nparams;

/* Reads grid.* and boundary.* from a deck into the global part of a mesh description (no MPI). */
aeon_err aeon_mesh_global_from_deck(const aeon_deck *deck, aeon_mesh *m);
/* Returns through periodic[3] which directions wrap (both faces periodic). */
void aeon_mesh_periodicity(const aeon_mesh *m, int periodic[3]);
/* Completes a mesh whose global part is set: this rank's patch on the process grid. */
aeon_err aeon_mesh_setup_patch(aeon_mesh *m, const aeon_par *par);

/* Allocates nvar zeroed fields on the mesh. */
aeon_err aeon_fields_create(const aeon_mesh *m, int nvar, aeon_fields *f);
/* Frees fields. */
void aeon_fields_destroy(aeon_fields *f);
/* Copies every point (ghosts included) of src into dst; both on the same mesh. */
void aeon_fields_copy(aeon_fields *dst, const aeon_fields *src);

/* Splits the box `outer` minus the box `inner` (inner inside outer) into at most 6 disjoint boxes; returns their number. */
int aeon_box_subtract(const aeon_box *outer, const aeon_box *inner, aeon_box out[6]);
/* Returns the interior points whose stencil of the given radius stays inside the interior (may be empty). */
aeon_box aeon_mesh_core(const aeon_mesh *m, int radius);
/* Returns the interior box [0, n). */
aeon_box aeon_mesh_interior(const aeon_mesh *m);

/* Creates (collectively over the process grid) a ghost-exchange plan for field sets of nvar_total variables that
 * exchanges only the nsel variables listed in vars (NULL: all of them, nsel ignored) over width ghost layers
 * (1 <= width <= m->ghost); AEON_ERR_USER on every rank for a bad width or variable index. Each plan has its own
 * communicator, so several plans may be in flight at once, started and finished in any order. Along a direction
 * where the patch has no neighbour the messages span the evolved range, radiative ghosts included. */
aeon_err aeon_exchange_create_plan(const aeon_mesh *m, int nvar_total, int nsel, const int *vars, int width,
                                   aeon_exchange **ex);
/* Creates the plan for all nvar variables at the mesh's full ghost width (collective; buffers allocated once). */
aeon_err aeon_exchange_create(const aeon_mesh *m, int nvar, aeon_exchange **ex);
/* Frees an exchange plan and its communicator (collective); NULL is a no-op. */
void aeon_exchange_destroy(aeon_exchange *ex);
/* Packs the planned boundary layers of f and starts all sends and receives (non-blocking); f must have the
 * plan's nvar_total variables (AEON_ERR_INTERNAL otherwise). */
aeon_err aeon_exchange_start(aeon_exchange *ex, const aeon_fields *f);
/* Waits for the receives and unpacks them into the planned ghosts of f; the other ghosts are left untouched. */
aeon_err aeon_exchange_finish(aeon_exchange *ex, aeon_fields *f);

/* Fills the ghosts of symmetry faces by reflection; parity[v][d] is +1 or -1 for variable v, direction d. */
void aeon_mesh_fill_symmetry(const aeon_mesh *m, aeon_fields *f, const int (*parity)[3]);
/* Returns through q the interior point that ghost point p mirrors across face (0..5), and its distance index
 * (0 for the first ghost layer). */
int aeon_mesh_mirror(const aeon_mesh *m, int face, const int p[3], int q[3]);

#ifdef __cplusplus
}
#endif
#endif
