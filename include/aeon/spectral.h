/* Spectral solves on periodic boxes with FFTW-MPI. A plan (aeon_spectral) is
 * made once per (shape, decomposition, planner effort): FFTW's slabs along the
 * direction that keeps most points of the decomposition in place (FFTW's
 * array order follows it: (z, y, x), (y, z, x) or (x, z, y), slowest first),
 * a permuted aeon_redist each way between the caller's block layout and the
 * slabs (a local transpose where the blocks are the slabs; any mesh
 * decomposition works, ranks without a slab included), in-place real-to-complex and complex-to-real plans with the
 * transposed k-space layout (no transpose back), and the k-space tables
 * (k^2, Poisson multiplier, projection factors, 2/3 dealiasing mask). FFTW
 * wisdom is read from a per-user cache file by rank 0 and broadcast, gathered
 * and written back after planning, and summarised in the Tier3 calibration
 * bank. The solvers (Poisson, Helmholtz, gradient, Laplacian, divergence,
 * divergence-free projection, octave band spectra) take and return plain
 * aeon_array views of the block layout (ghosted mesh fields or compact).
 * FFT results may differ in the last bits between rank counts. */
#ifndef AEON_SPECTRAL_H
#define AEON_SPECTRAL_H

#include <stdint.h>

#include <mpi.h>

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/field.h"
#include "aeon/layout.h"
#include "aeon/mesh.h"
#include "aeon/tiers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque plan: layouts, redistributions, FFTW plans, slab buffers and k-space tables of one shape. */
typedef struct aeon_spectral aeon_spectral;

/* FFTW planner effort. */
typedef enum aeon_fft_effort {
  AEON_FFT_ESTIMATE = 0,   /* heuristics, no measurement, no wisdom */
  AEON_FFT_MEASURE = 1,    /* measured plans (seconds on big grids), cached as wisdom */
  AEON_FFT_PATIENT = 2,    /* more candidates measured (minutes on big grids), cached as wisdom */
  AEON_FFT_EXHAUSTIVE = 3, /* every candidate measured, cached as wisdom */
  AEON_FFT_WISDOM_ONLY = 4 /* measure-level plans from wisdom only: refuses a shape the wisdom does not know */
} aeon_fft_effort;

/* How a Poisson solve treats a right-hand side with a non-zero mean (no periodic solution exists). */
typedef enum aeon_spectral_mean {
  AEON_SPECTRAL_MEAN_REFUSE = 0,  /* AEON_ERR_USER naming the mean */
  AEON_SPECTRAL_MEAN_SUBTRACT = 1 /* solve with the mean removed (the k = 0 mode is dropped) */
} aeon_spectral_mean;

/* Which direction FFTW's slabs (its distributed, slowest array index) take. */
typedef enum aeon_fft_slabs {
  AEON_FFT_SLABS_AUTO = 0, /* the one keeping most points of the block layout on their rank (ties: z, y, x) */
  AEON_FFT_SLABS_Z = 1,    /* FFTW's array (z, y, x): x contiguous (no transpose) */
  AEON_FFT_SLABS_Y = 2,    /* (y, z, x): x contiguous */
  AEON_FFT_SLABS_X = 3     /* (x, z, y): y contiguous (the block <-> slab moves transpose x and y locally) */
} aeon_fft_slabs;

/* Options of a plan. Zeroed: estimate, default wisdom file, refuse a non-zero mean, no tiers, automatic slabs. */
typedef struct aeon_spectral_opts {
  aeon_fft_effort effort;
  const char *wisdom_file; /* NULL or "": fftw-wisdom in the cache directory (aeon/cachedir.h);
                              "none": no file (wisdom kept in memory only) */
  aeon_spectral_mean mean; /* Poisson right-hand sides with a non-zero mean */
  aeon_tiers *tiers;       /* optional: the plan's record goes into Tier3 (key "fft.NXxNYxNZ.pP.E") */
  int sym[3];              /* per direction: 0 periodic; +1 even or -1 odd about both faces (cosine / sine
                              transforms of cell-centred data, as a mesh with symmetry faces on both sides holds).
                              aeon_spectral_create_mesh sets 0 where the faces are periodic and, where both are
                              symmetry faces, takes the sign given here (0 meaning even) */
  aeon_fft_slabs slabs;    /* slab direction and FFTW array order (AUTO: from the block layout) */
} aeon_spectral_opts;

/* What planning cost and found (same on every rank). */
typedef struct aeon_spectral_info {
  double plan_seconds;   /* wall time of making the FFTW plans (max over ranks) */
  double setup_seconds;  /* wall time of the whole create: layouts, redistributions, wisdom, plans, tables */
  int wisdom_hit;        /* 1: both plans came from wisdom (no measuring); 0: planned; -1: estimate (no wisdom) */
  int wisdom_loaded;     /* 1: the wisdom file was read; 0: absent or "none"; -1: unreadable/corrupt, ignored */
  int wisdom_saved;      /* 1: the wisdom file was (re)written by this create (after a miss, or after a hit from
                            wisdom already in memory, e.g. a checkpoint's, when the file was absent or corrupt) */
  int slab_dir;          /* direction of the real slabs: 2 (z), 1 (y) or 0 (x), by default whichever keeps most
                            points in place */
  int order[3];          /* FFTW's array dimensions as directions, slowest first: (2, 1, 0), (1, 2, 0) or (0, 2, 1) */
  long local_slab;       /* slab_dir planes of this rank's real slab (may be 0) */
  long local_kslab;      /* planes of this rank's transposed coefficient slab (may be 0), along order[1] */
  aeon_redist_info to_slab; /* what one block -> slab move sends, receives and keeps on this rank */
} aeon_spectral_info;

/* This rank's part of the k-space coefficients of a periodic plan (c is NULL for a cosine/sine plan), as FFTW-MPI's
 * transposed output holds them: the coefficient of index i along direction `inner` (the one halved by the
 * real-to-complex transform), o along `outer` and m along `middle` is c[2 * (((o - o0) * nmiddle + m) * nxc + i)]
 * + i * the next double, for 0 <= i < nxc, 0 <= m < nmiddle, o0 <= o < o0 + nouter_local. Forward transforms are
 * unnormalised. */
typedef struct aeon_spectral_kview {
  double *c;                /* interleaved (re, im) */
  long nxc;                 /* N[inner] / 2 + 1 */
  int outer, middle;        /* directions of the distributed and the middle index: (outer, middle, inner) is
                               (1, 2, 0), (2, 1, 0) or (2, 0, 1) */
  long nmiddle;             /* N[middle] */
  long o0, nouter_local;    /* this rank's planes along `outer` */
  const double *kx, *ky, *kz; /* angular wave numbers 2 pi m / L (N[0], N[1], N[2] entries) */
  int inner;                /* direction of the contiguous index i */
} aeon_spectral_kview;

/* The parameters of this module (spectral.*). */
extern const aeon_param_decl aeon_spectral_params[];
/* Number of entries in aeon_spectral_params. */
extern const int aeon_spectral_nparams;
/* Reads spectral.planner, spectral.wisdom_file and spectral.poisson_mean into opts (no MPI; strings stay owned by deck). */
aeon_err aeon_spectral_opts_from_deck(const aeon_deck *deck, aeon_spectral_opts *opts);

/* Checks, without planning (no MPI), that a mesh's box suits FFT solves: each direction periodic or symmetric on both
 * faces; AEON_ERR_USER naming the face otherwise. */
aeon_err aeon_spectral_check_mesh(const aeon_mesh *m);
/* Makes a plan for a mesh (collective over its process grid): each direction needs both faces periodic (Fourier) or
 * both symmetry (cosine or sine by opts->sym); other boxes are refused. */
aeon_err aeon_spectral_create_mesh(const aeon_mesh *m, const aeon_spectral_opts *opts, aeon_spectral **s);
/* Makes a plan for any complete layout of a box of lengths L, periodic or reflection-symmetric per opts->sym
 * (collective over the layout's communicator). With a symmetric direction every direction uses real-to-real
 * transforms (half-complex where periodic): Poisson, Helmholtz and the Laplacian work, the vector operations,
 * dealiasing and band spectra refuse. */
aeon_err aeon_spectral_create(const aeon_layout *block, const double L[3], const aeon_spectral_opts *opts,
                              aeon_spectral **s);
/* Frees a plan (collective). NULL is fine. */
void aeon_spectral_destroy(aeon_spectral *s);
/* Returns what the plan's creation cost and found. */
aeon_spectral_info aeon_spectral_get_info(const aeon_spectral *s);
/* Returns the plan's block layout (owned by the plan). */
const aeon_layout *aeon_spectral_layout(const aeon_spectral *s);

/* Opaque cache of plans, owned by the caller: one plan per (layout, box lengths, symmetries, effort, mean policy,
 * slab choice). */
typedef struct aeon_spectral_cache aeon_spectral_cache;
/* Creates an empty plan cache (no MPI). */
aeon_err aeon_spectral_cache_create(aeon_spectral_cache **c);
/* Destroys the cache and every plan in it (collective). NULL is fine. */
void aeon_spectral_cache_destroy(aeon_spectral_cache *c);
/* Returns the cached plan for this layout, lengths and options, making it on first use (collective); owned by the cache. */
aeon_err aeon_spectral_cache_get(aeon_spectral_cache *c, const aeon_layout *block, const double L[3],
                                 const aeon_spectral_opts *opts, aeon_spectral **s);
/* Returns the cached plan for a mesh (collective), refusing a non-periodic box as aeon_spectral_create_mesh does. */
aeon_err aeon_spectral_cache_get_mesh(aeon_spectral_cache *c, const aeon_mesh *m, const aeon_spectral_opts *opts,
                                      aeon_spectral **s);

/* Transforms variable 0 of f (this rank's block) forward into the plan's k-space buffer (collective). */
aeon_err aeon_spectral_forward(aeon_spectral *s, const aeon_array *f);
/* Transforms the k-space buffer back into variable 0 of f, divided by N[0] N[1] N[2] (collective; the buffer is consumed). */
aeon_err aeon_spectral_inverse(aeon_spectral *s, aeon_array *f);
/* Returns a view of this rank's k-space buffer and wave numbers. */
aeon_spectral_kview aeon_spectral_coeffs(aeon_spectral *s);

/* Solves Laplacian(phi) = rhs (variable 0 of each) with phi of zero mean; a non-zero mean is refused or
 * removed as the plan's options say. */
aeon_err aeon_spectral_poisson(aeon_spectral *s, const aeon_array *rhs, aeon_array *phi);
/* Solves (a - b Laplacian) u = rhs with a > 0 and b >= 0 (variable 0 of each). */
aeon_err aeon_spectral_helmholtz(aeon_spectral *s, double a, double b, const aeon_array *rhs, aeon_array *u);
/* Computes the spectral gradient of variable 0 of f into variables 0, 1, 2 of grad (Nyquist modes dropped). */
aeon_err aeon_spectral_gradient(aeon_spectral *s, const aeon_array *f, aeon_array *grad);
/* Computes the spectral Laplacian of variable 0 of f into variable 0 of out. */
aeon_err aeon_spectral_laplacian(aeon_spectral *s, const aeon_array *f, aeon_array *out);
/* Computes the spectral divergence of the vector in variables 0, 1, 2 of v into variable 0 of out. */
aeon_err aeon_spectral_divergence(aeon_spectral *s, const aeon_array *v, aeon_array *out);
/* Projects the vector in variables 0, 1, 2 of v onto its divergence-free part (the mean is kept) into out. */
aeon_err aeon_spectral_project(aeon_spectral *s, const aeon_array *v, aeon_array *out);
/* Applies the 2/3 dealiasing mask (keeps |m_d| <= N_d / 3 in every direction) to variable 0 of f into out. */
aeon_err aeon_spectral_dealias(aeon_spectral *s, const aeon_array *f, aeon_array *out);
/* Energy 0.5 <f^2> of variable 0 of f in octave bands of |k| / k0 (k0 = 2 pi / max L): band b holds
 * 2^b <= |k| / k0 < 2^(b+1), the last band everything above; the mean (k = 0) is left out. Exactly reduced. */
aeon_err aeon_spectral_bands(aeon_spectral *s, const aeon_array *f, int nband, double *energy);

/* Forgets every FFTW wisdom of this process (tests: the next plan must read the file). */
void aeon_spectral_forget_wisdom(void);
/* Returns through path (capacity cap) the wisdom file the options name ("" when "none"). */
aeon_err aeon_spectral_wisdom_path(const aeon_spectral_opts *opts, char *path, size_t cap);
/* Gathers every rank's FFTW wisdom and returns it as text on rank 0 (len bytes, NUL-terminated, aeon_mem_free it;
 * NULL and 0 on the other ranks and when there is none) (collective). */
aeon_err aeon_spectral_wisdom_export(MPI_Comm comm, char **text, size_t *len);
/* Imports wisdom text held by rank 0 (from a checkpoint; `what` names it) after checking that it is FFTW wisdom, then
 * broadcasts rank 0's wisdom (collective). *ok: 1 imported; -1 rejected with a warning on rank 0 (plans measure again). */
aeon_err aeon_spectral_wisdom_import(MPI_Comm comm, const char *text, size_t len, const char *what, int *ok);
/* Sets opts->sym from a field's reflection parity (aeon_field_parity: +1 even, -1 odd per direction); directions that
 * are not symmetric on both faces of the mesh are left to the mesh (aeon_spectral_create_mesh sets them periodic). */
aeon_err aeon_spectral_sym_from_field(const aeon_field_desc *f, aeon_spectral_opts *opts);

/* The loom: octave band spectra of a field on a cadence, written to an ASCII series; a change of the dominant
 * band is a regime shift of the tiers. */
typedef struct aeon_loom aeon_loom;
/* Opens a loom writing to path on rank 0 (columns step, t, E0 .. E{nband-1}, dominant) every `every` steps; with
 * append set, rows go after those already in the file (a restarted run). */
aeon_err aeon_loom_create(MPI_Comm comm, const char *path, int nband, int every, int append, aeon_tiers *tiers,
                          aeon_loom **l);
/* Samples f at this step if the cadence says so (collective): writes a row, keeps the bands in Tier2 with a TTL
 * of one cadence, and sets *shift to 1 (else 0) when the dominant band changed since the last sample. */
aeon_err aeon_loom_sample(aeon_loom *l, aeon_spectral *s, const aeon_array *f, int64_t step, double t, int *shift);
/* Returns the dominant band of the last sample (-1 before the first). */
int aeon_loom_dominant(const aeon_loom *l);
/* Closes the loom. NULL is fine. */
void aeon_loom_destroy(aeon_loom *l);

#ifdef __cplusplus
}
#endif
#endif
