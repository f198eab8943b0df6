/* Layouts and redistribution, kept apart from the data (as AMReX keeps its
 * BoxArray/DistributionMapping apart from a MultiFab): a layout is a global box
 * of N[0] x N[1] x N[2] points and, for every rank of a communicator, the box of
 * global indices that rank owns (half-open, possibly empty, no two overlapping).
 * Layouts come from a mesh (each rank's interior), from slabs (FFTW-MPI's
 * split), or from explicit boxes; coarsening by 2 gives the next multigrid
 * level, agglomerated onto fewer ranks when the boxes get too small. A
 * redistribution plan moves nvar variables from one layout to another in
 * point-to-point messages of whole z planes (about 2 MiB each), packing,
 * transfer and unpacking overlapped; the data on each side is a plain strided view
 * (aeon_array), so ghosted mesh fields and compact slabs both work. A permuted
 * plan moves into a layout whose axes are a permutation of the source's (FFTW's
 * arrays in another order): a cache-tiled transpose where the boxes match. */
#ifndef AEON_LAYOUT_H
#define AEON_LAYOUT_H

#include <stddef.h>
#include <stdio.h>

#include <mpi.h>

#include "aeon/error.h"
#include "aeon/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque layout: the global box and every rank's box (replicated on every rank). */
typedef struct aeon_layout aeon_layout;
/* Opaque redistribution plan: intersections, messages, buffers and requests, made once. */
typedef struct aeon_redist aeon_redist;

/* Flags of aeon_layout_create. */
enum {
  AEON_LAYOUT_PARTIAL = 1 /* the boxes may leave points of the global box unowned */
};

/* This rank's part of nvar variables on a layout, as plain data. Variable v of global point
 * (gi, gj, gk) in box lives at data[v * vstride + base + (gi - box.lo[0]) + (gj - box.lo[1]) * sy
 * + (gk - box.lo[2]) * sz]. box holds global indices. data may be NULL when box is empty. */
typedef struct aeon_array {
  double *data;   /* first double of variable 0 */
  int nvar;       /* number of variables */
  size_t vstride; /* doubles between consecutive variables */
  long sy, sz;    /* doubles between consecutive y rows and z planes (x is contiguous) */
  long base;      /* offset of the box's lower corner */
  aeon_box box;   /* the global points this rank holds: its box in the layout */
} aeon_array;

/* Returns the address of variable v at global point (gi, gj, gk) of an array (inside a->box). */
static inline double *aeon_array_at(const aeon_array *a, int v, long gi, long gj, long gk) {
  return a->data + (size_t)v * a->vstride + a->base + (gi - a->box.lo[0]) + (gj - a->box.lo[1]) * a->sy +
         (gk - a->box.lo[2]) * a->sz;
}

/* Builds a layout (collective): each rank passes its own box of global indices (empty: NULL or any hi <= lo);
 * refuses boxes outside the global box, overlapping boxes, and, without AEON_LAYOUT_PARTIAL, a union
 * that is not the whole global box. Every rank gets the same verdict. */
aeon_err aeon_layout_create(MPI_Comm comm, const long N[3], const aeon_box *mine, int flags, aeon_layout **L);
/* Builds the layout of a mesh (collective over its Cartesian communicator): each rank owns its interior. */
aeon_err aeon_layout_from_mesh(const aeon_mesh *m, aeon_layout **L);
/* Builds slabs along direction dir as FFTW-MPI splits them: block ceil(N[dir] / P), trailing ranks may own nothing. */
aeon_err aeon_layout_slabs(MPI_Comm comm, const long N[3], int dir, aeon_layout **L);
/* Builds slabs along dir from each rank's (local_n, local_start), e.g. fftw_mpi_local_size_3d's (local_n0,
 * local_0_start) with dir = 2 when FFTW's dimensions are (N[2], N[1], N[0]); the slabs must cover N. */
aeon_err aeon_layout_slabs_local(MPI_Comm comm, const long N[3], int dir, long local_n, long local_start,
                                 aeon_layout **L);
/* Coarsens by 2 (collective): global box N/2 (an odd N is refused). Rule, deterministic, in order: if N/2 is odd
 * in some direction (the last level), the lowest owning rank owns it all; if the boxes form a tensor grid (mesh,
 * slabs), each direction keeps the cut planes that are even and >= 2 * min_points apart (dropping the last kept
 * one if less remains above it), the boxes between kept planes merge onto the lowest of their ranks and the others
 * own nothing (no plane dropped: every box just halves); other layouts halve when every box is even-aligned and
 * >= 2 * min_points thick (or whole) in each direction, else go to the lowest owning rank. Repeated coarsening
 * therefore ends on one rank. Details: src/layout/coarsen.c. */
aeon_err aeon_layout_coarsen(const aeon_layout *fine, int min_points, aeon_layout **coarse);
/* Refines by 2 (collective): global box 2N, every box doubled (the same owners at the finer resolution). */
aeon_err aeon_layout_refine(const aeon_layout *coarse, aeon_layout **fine);
/* Frees a layout (collective: frees its communicator). NULL is fine. */
void aeon_layout_destroy(aeon_layout *L);

/* Returns the global box's points per direction through N[3]. */
void aeon_layout_global(const aeon_layout *L, long N[3]);
/* Returns this rank's box (empty: lo = hi = 0). */
aeon_box aeon_layout_my_box(const aeon_layout *L);
/* Returns the box of rank r of the layout's communicator. */
aeon_box aeon_layout_box(const aeon_layout *L, int r);
/* Returns the number of ranks whose box is not empty. */
int aeon_layout_owners(const aeon_layout *L);
/* Returns the layout's communicator (a duplicate it owns; valid while the layout lives). */
MPI_Comm aeon_layout_comm(const aeon_layout *L);
/* Returns 1 if the boxes may leave points unowned (AEON_LAYOUT_PARTIAL), else 0. */
int aeon_layout_partial(const aeon_layout *L);
/* Returns 1 if two layouts have the same global box and the same box on every rank, else 0 (no MPI). */
int aeon_layout_equal(const aeon_layout *a, const aeon_layout *b);
/* Prints the global box and every non-empty box, one line each (no MPI: call it on one rank). */
void aeon_layout_print(const aeon_layout *L, FILE *out);

/* Returns the interior of a field set on a mesh as an array (box = the patch in global indices). */
aeon_array aeon_array_of_fields(const aeon_mesh *m, aeon_fields *f);
/* Returns a compact array on this rank's box of L: x fastest, then y, z, then the variable; no padding. */
aeon_array aeon_array_compact(const aeon_layout *L, int nvar, double *data);

/* Plans moving nvar variables from layout `from` to layout `to` (collective): refuses layouts with different
 * global boxes or communicators. Points owned in both are moved; a point unowned in `from` is left untouched. */
aeon_err aeon_redist_create(const aeon_layout *from, const aeon_layout *to, int nvar, aeon_redist **r);
/* Plans moving nvar variables from layout `from` to a layout `to` whose axes are a permutation of from's
 * (collective): to's direction c is from's direction perm[c], so from's point p is to's point q with
 * q[c] = p[perm[c]] (e.g. perm = {1, 2, 0} puts from's x slowest and y fastest: a local transpose where the
 * boxes match). Refuses what aeon_redist_create refuses and a perm that is not a permutation of 0, 1, 2. */
aeon_err aeon_redist_create_perm(const aeon_layout *from, const aeon_layout *to, const int perm[3], int nvar,
                                 aeon_redist **r);
/* Moves the data (collective): packs src message by message, sends, unpacks into dst as messages arrive, copies the
 * part this rank keeps directly; allocates nothing, exact copy; no MPI when no rank sends to another.
 * src->box and dst->box must be this rank's boxes of `from` and `to`; src and dst must not overlap in memory. */
aeon_err aeon_redist_apply(aeon_redist *r, const aeon_array *src, aeon_array *dst);
/* Frees a plan (collective: frees its communicator). NULL is fine. */
void aeon_redist_destroy(aeon_redist *r);

/* What one apply moves on this rank, in doubles. */
typedef struct aeon_redist_info {
  long sent;     /* doubles sent to other ranks */
  long received; /* doubles received from other ranks */
  long local;    /* doubles copied within this rank */
  int peers_out; /* ranks sent to */
  int peers_in;  /* ranks received from */
} aeon_redist_info;
/* Returns what one apply of the plan moves on this rank. */
aeon_redist_info aeon_redist_get_info(const aeon_redist *r);

#ifdef __cplusplus
}
#endif
#endif
