/* Private state of a spectral plan, shared by the files of spectral/. */
#ifndef AEON_SPECTRAL_INTERNAL_H
#define AEON_SPECTRAL_INTERNAL_H

#include <stddef.h>

#include <fftw3-mpi.h>

#include "aeon/memory.h"
#include "aeon/spectral.h"

#define SPEC_NBUF 3 /* slab buffers: 0 is planned and made at create, 1-2 on the first vector operation */

struct aeon_spectral {
  MPI_Comm comm;             /* duplicate of the block layout's communicator (owned), FFTW's communicator */
  int rank, size;
  long N[3];                 /* Aeon order: x fastest */
  double L[3];
  aeon_spectral_opts opts;
  aeon_layout *block, *slab; /* the caller's decomposition (a copy) and FFTW's real slabs, in FFTW's order: the
                                slab layout's x, y, z are Aeon's directions in, od, axis */
  aeon_redist *to_slab, *from_slab; /* one variable each way, permuted (a local transpose when in != x) */
  ptrdiff_t nxc;             /* N[in] / 2 + 1 complex points per row */
  int sym[3];                /* per direction: 0 periodic, +1 even (cosine), -1 odd (sine) */
  int axis, od, in;          /* FFTW's dimensions n0, n1, n2 as Aeon directions: the slab direction (distributed,
                                slowest), the middle one and the contiguous one (halved by r2c). Orders: (z, y, x),
                                (y, z, x), (x, z, y). k-space holds od planes local_1_start.. outermost, then all axis
                                planes, then rows along in */
  int r2r;                   /* 1 if some direction is symmetric: real-to-real in every direction (half-complex where periodic) */
  int w;                     /* doubles per coefficient: 2 (complex) or 1 (real-to-real) */
  ptrdiff_t nxk;             /* coefficients per row: nxc (complex) or N[in] (real-to-real) */
  double inv_norm;           /* 1 / the factor a forward + inverse pair multiplies by (N, 2N per symmetric direction) */
  ptrdiff_t local_n0, local_0_start, local_n1, local_1_start, alloc_local; /* FFTW's counts (complex) */
  long nloc;                 /* coefficients of this rank's transposed slab: local_n1 * N[axis] * nxk */
  double *buf[SPEC_NBUF];    /* 2 * alloc_local doubles each, in place: real padded slab <-> complex slab */
  aeon_pagepool *pool[SPEC_NBUF]; /* the buffers' mappings (transparent huge pages where the kernel gives them) */
  fftw_plan fwd, inv;
  double *kx, *ky, *kz;      /* angular wave numbers (N[0], N[1], N[2] entries; rows along `in` use the first nxk);
                                for real-to-real the eigen wave numbers */
  double *kxo, *kyo, *kzo;   /* the same with the Nyquist mode set to zero (first derivatives) */
  double *k2;                /* |k|^2 per local coefficient */
  double *proj;              /* 1 / |k_odd|^2 per local coefficient, 0 where k_odd = 0 */
  unsigned char *dealias;    /* 1 where the 2/3 rule keeps the mode */
  double *helm, helm_a, helm_b; /* 1 / ((a + b |k|^2) N) of the last (a, b) */
  aeon_spectral_info info;
};

/* Checks that each direction of a mesh's box is periodic or symmetric on both faces; returns its lengths and the
 * options with sym set from the faces. */
aeon_err aeon_spectral_mesh_box_(const aeon_mesh *m, const aeon_spectral_opts *opts, double L[3],
                                 aeon_spectral_opts *out);
/* Wisdom: reads the file on rank 0 and broadcasts it (collective); sets info->wisdom_loaded. */
aeon_err aeon_spectral_wisdom_load_(aeon_spectral *s);
/* Wisdom: gathers it to rank 0 and writes the file there (collective); a failed write is a warning. */
aeon_err aeon_spectral_wisdom_save_(aeon_spectral *s);
/* Stores the plan's record in Tier3 if the options name a tier store. */
void aeon_spectral_tier_record_(aeon_spectral *s);
/* Builds the k-space tables of a plan. */
aeon_err aeon_spectral_tables_(aeon_spectral *s);
/* Makes slab buffer b if it does not exist yet. */
aeon_err aeon_spectral_buffer_(aeon_spectral *s, int b);
/* Moves variable v of f into slab buffer b and transforms it forward in place (collective). */
aeon_err aeon_spectral_fwd_(aeon_spectral *s, const aeon_array *f, int v, int b);
/* Transforms slab buffer b back in place and moves it into variable v of f (collective; no normalisation). */
aeon_err aeon_spectral_inv_(aeon_spectral *s, int b, aeon_array *f, int v);
/* Transforms slab buffer b back in place (collective; no normalisation). */
void aeon_spectral_exec_inv_(aeon_spectral *s, int b);
/* Moves the real view of slab buffer b into variable v of f (collective). */
aeon_err aeon_spectral_move_out_(aeon_spectral *s, int b, aeon_array *f, int v);

#endif
