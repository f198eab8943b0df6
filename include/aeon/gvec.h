/* Grid vectors: nvar variables on the points of a box of this rank's patch,
 * seen by solvers and integrators only through an ops table, in the manner of
 * SUNDIALS' N_Vector (linear sum, linear combination, fused scale-add, dot
 * product, norms), so that a device implementation can plug in later without
 * its callers changing. A vector is plain data: an array and its addressing
 * (point (i, j, k) of the box, variable v, at data + v vstride + base + i +
 * j sy + k sz), either a view of a field set on the mesh (ghosted: the ops
 * touch the box only, never a ghost outside it) or a compact array (the box's
 * points contiguous, x fastest, variable by variable). The operands of one op
 * may be addressed differently; they must have the same nvar and box extents.
 * Reductions are exact and rank-count independent: every product is rounded
 * once and summed exactly (aeon_xsum, aeon_norm_acc), then reduced with
 * integer sums. Only the constructors and clone allocate. */
#ifndef AEON_GVEC_H
#define AEON_GVEC_H

#include <stddef.h>
#include <stdint.h>

#include <mpi.h>

#include "aeon/error.h"
#include "aeon/mesh.h"
#include "aeon/reduce.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most vectors in one linear combination or fused scale-add. */
#define AEON_GVEC_MAXVEC 16

/* Where a vector's array lives. */
typedef enum aeon_space { AEON_SPACE_HOST = 0, AEON_SPACE_DEVICE = 1 } aeon_space;

/* The addressing a clone gets. */
typedef enum aeon_gvec_kind {
  AEON_GVEC_COMPACT = 0, /* the box's points only, contiguous */
  AEON_GVEC_GHOSTED = 1  /* the mesh's field layout (needs the vector's mesh), ghosts and padding included */
} aeon_gvec_kind;

typedef struct aeon_gvec aeon_gvec;

/* The operations of one implementation (one memory space). Called through the aeon_gvec_* functions below, which
 * check the operands first; the semantics are those functions'. */
typedef struct aeon_gvec_ops {
  const char *name; /* "host" */
  aeon_space space;
  aeon_err (*clone)(const aeon_gvec *x, aeon_gvec_kind kind, aeon_gvec *y);
  void (*destroy)(aeon_gvec *x);
  aeon_err (*linearsum)(double a, const aeon_gvec *x, double b, const aeon_gvec *y, aeon_gvec *z);
  aeon_err (*linearcombination)(int n, const double *c, const aeon_gvec *const *X, aeon_gvec *z);
  aeon_err (*scaleaddmulti)(int n, const double *c, const aeon_gvec *x, const aeon_gvec *const *Y,
                            aeon_gvec *const *Z);
  aeon_err (*scale)(double c, const aeon_gvec *x, aeon_gvec *z);
  aeon_err (*constant)(double c, aeon_gvec *z);
  aeon_err (*dotprod_local)(const aeon_gvec *x, const aeon_gvec *y, aeon_xsum *acc);
  aeon_err (*norm_local)(const aeon_gvec *x, aeon_norm_acc *acc);
  aeon_err (*wrms_local)(const aeon_gvec *x, const aeon_gvec *w, aeon_norm_acc *acc);
  aeon_err (*maxnorm_local)(const aeon_gvec *x, double *maxabs);
  aeon_err (*exceeds_local)(const aeon_gvec *x, uint64_t fault_bits, int *exceeds);
} aeon_gvec_ops;

/* A grid vector. Plain data; a view does not own its array, a clone does. */
struct aeon_gvec {
  const aeon_gvec_ops *ops;
  const aeon_mesh *m; /* the mesh the box is on (not owned; may be NULL for a compact view) */
  MPI_Comm comm;      /* the ranks a reduction runs over (not owned) */
  int nvar;
  aeon_box box;       /* the local points the ops act on, e.g. m->evolved or the interior */
  double *data;
  size_t vstride;     /* doubles between variables */
  long base, sy, sz;  /* point (i, j, k) of variable v at data + v vstride + base + i + j sy + k sz */
  aeon_space space;
  int owns;           /* 1 if destroy frees data */
};

/* The host implementation's ops table. */
const aeon_gvec_ops *aeon_gvec_ops_host(void);

/* A view of the points of box (inside the mesh's valid points) of a field set f on mesh m. */
aeon_err aeon_gvec_view_fields(const aeon_mesh *m, aeon_fields *f, const aeon_box *box, MPI_Comm comm,
                               aeon_gvec *x);
/* A view of a compact array of nvar x |box| doubles (x fastest, variable by variable; data may be NULL until set). */
aeon_err aeon_gvec_view_compact(const aeon_mesh *m, int nvar, const aeon_box *box, double *data, MPI_Comm comm,
                                aeon_gvec *x);
/* Points a view at another array of the same layout (e.g. the eigensolver's next vector); not for a clone. */
aeon_err aeon_gvec_set_array(aeon_gvec *x, double *data);
/* Allocates a zeroed vector of x's shape (nvar, box, mesh, comm), compact or ghosted, owned by y. */
aeon_err aeon_gvec_clone(const aeon_gvec *x, aeon_gvec_kind kind, aeon_gvec *y);
/* Frees an owned array and clears the vector (a view is only cleared). */
void aeon_gvec_destroy(aeon_gvec *x);
/* Returns the vector's array (a view: the caller's). */
double *aeon_gvec_array(const aeon_gvec *x);
/* Returns the number of values on this rank: nvar times the points of the box. */
long aeon_gvec_length(const aeon_gvec *x);

/* z = a x + b y (z may be x or y). */
aeon_err aeon_gvec_linearsum(double a, const aeon_gvec *x, double b, const aeon_gvec *y, aeon_gvec *z);
/* z = c[0] X[0] + c[1] X[1] + ... + c[n-1] X[n-1], summed left to right, 1 <= n <= 16 (z may be any X[i]). */
aeon_err aeon_gvec_linearcombination(int n, const double *c, const aeon_gvec *const *X, aeon_gvec *z);
/* Z[j] = c[j] x + Y[j] for j < n <= 16 in one sweep (Z[j] may be Y[j], never x nor another operand). The fused
 * Runge-Kutta update u += wb k, y = u0 + wa k is n = 2: x = k, c = {wb, wa}, Y = {u, u0}, Z = {u, y}. */
aeon_err aeon_gvec_scaleaddmulti(int n, const double *c, const aeon_gvec *x, const aeon_gvec *const *Y,
                                 aeon_gvec *const *Z);
/* z = c x (z may be x; c = 1 copies). */
aeon_err aeon_gvec_scale(double c, const aeon_gvec *x, aeon_gvec *z);
/* z = c at every point of the box. */
aeon_err aeon_gvec_const(double c, aeon_gvec *z);

/* Adds the products x_i y_i (each rounded once) to acc exactly; no communication. */
aeon_err aeon_gvec_dotprod_local(const aeon_gvec *x, const aeon_gvec *y, aeon_xsum *acc);
/* The dot product over all ranks of x's comm, correctly rounded (collective). */
aeon_err aeon_gvec_dotprod(const aeon_gvec *x, const aeon_gvec *y, double *dot);
/* Offers every value of x to acc (exact sum of squares, max |x|, count); no communication. */
aeon_err aeon_gvec_norm_local(const aeon_gvec *x, aeon_norm_acc *acc);
/* sqrt(weight sum x_i^2) over all ranks (weight: 1, or a cell volume), exact before the sqrt (collective). */
aeon_err aeon_gvec_l2norm(const aeon_gvec *x, double weight, double *nrm);
/* Returns through maxabs max |x_i| on this rank (NaN if any value is NaN; 0 for an empty box). */
aeon_err aeon_gvec_maxnorm_local(const aeon_gvec *x, double *maxabs);
/* max |x_i| over all ranks, NaN if any value is NaN (collective). */
aeon_err aeon_gvec_maxnorm(const aeon_gvec *x, double *nrm);
/* Offers the products x_i w_i (each rounded once) to acc; no communication. */
aeon_err aeon_gvec_wrms_local(const aeon_gvec *x, const aeon_gvec *w, aeon_norm_acc *acc);
/* The weighted RMS norm sqrt(sum (x_i w_i)^2 / N) over all ranks (collective). */
aeon_err aeon_gvec_wrmsnorm(const aeon_gvec *x, const aeon_gvec *w, double *nrm);

/* The exponent field (in place) from which a value is a fault for a bound max_abs: values of magnitude >= 2^e, where
 * max_abs = f 2^e with 1/2 <= f < 1 (2^ceil(log2 max_abs), or 2 max_abs for a power of two), and NaN/Inf; a
 * max_abs of Inf or NaN flags NaN and Inf only, one below 2^-1023 (or <= 0) every value. The test of
 * aeon_mol_set_max_abs. */
uint64_t aeon_gvec_fault_bits(double max_abs);
/* Sets *exceeds to 1 if a value of x on this rank is NaN, Inf or of magnitude >= the bound of aeon_gvec_fault_bits,
 * else 0; no communication. */
aeon_err aeon_gvec_exceeds_local(const aeon_gvec *x, double max_abs, int *exceeds);

#ifdef __cplusplus
}
#endif
#endif
