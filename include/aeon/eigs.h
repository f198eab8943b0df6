/* Eigensolver of the drivers: Krylov-Schur (Stewart 2001) with thick
 * restarts and locking, over a matrix-free operator given as an ops table.
 * Vectors are split over the ranks in contiguous blocks of rows. A tiled
 * matrix is one operator; ARPACK's dndrv1 convection-diffusion stencil is
 * another.
 * Block size b > 1 gives block Krylov-Schur (Zhou & Saad 2008): the basis
 * grows by b vectors per step (the operator applied to the last b basis
 * vectors at once), the projected matrix is band upper Hessenberg with b
 * subdiagonals, and a restart keeps k vectors coupled to b residual vectors
 * (A V_k = V_k T_k + V_res B_k, B_k b x k). It needs ncv >= nev + 2 b, and
 * ncv + b <= n for b > 1. ncv need not be a multiple of b: when the vectors
 * left to add after a restart are not, the last step of the expansion applies
 * the operator to fewer than b vectors. Operator applications are counted per
 * vector (a block step of b vectors counts b). */
#ifndef AEON_EIGS_H
#define AEON_EIGS_H

#include <mpi.h>

#include "aeon/drivers.h"
#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A distributed linear operator y = A x on vectors split by contiguous row blocks. */
typedef struct aeon_linop {
  const char *name;        /* e.g. "dense", "dndrv1" */
  long n;                  /* global size */
  long nlocal, offset;     /* this rank's rows [offset, offset + nlocal) */
  MPI_Comm comm;           /* not owned */
  double flops_per_apply;  /* operations of one apply, all ranks (for the report) */
  aeon_err (*apply)(void *ctx, const double *x, double *y); /* collective; x, y hold nlocal values */
  /* Optional (NULL: apply once per vector): Y = A X for nvec vectors, column c at X + c ldx, Y + c ldy; collective. */
  aeon_err (*apply_block)(void *ctx, int nvec, const double *X, long ldx, double *Y, long ldy);
  void (*destroy)(void *ctx);                               /* frees ctx (may be NULL) */
  /* Optional (NULL: offset + i): a global index of local row i that does not depend on the rank count (the rows are
   * numbered by rank otherwise), so that the starting vector, drawn by that index, does not either. */
  long (*global_row)(void *ctx, long i);
  void *ctx;
} aeon_linop;

/* Splits n rows over the ranks of comm in contiguous blocks whose sizes differ by at most one. */
void aeon_linop_layout(MPI_Comm comm, long n, long *nlocal, long *offset);
/* The operator of an in-core tiled matrix (general, or symmetric/SPD with lower tiles) on its grid's ranks. */
aeon_err aeon_linop_tiled(aeon_tiled *A, aeon_linop *op);
/* ARPACK dndrv1's 2D convection-diffusion operator -Laplacian u + rho du/dx on an nx x nx grid (n = nx^2), with
 * apply_block (one halo exchange for all vectors). */
aeon_err aeon_linop_dndrv1(MPI_Comm comm, long nx, double rho, aeon_linop *op);
/* Frees an operator's context. */
void aeon_linop_destroy(aeon_linop *op);

/* Which end of the spectrum is wanted. */
typedef enum aeon_which { AEON_WHICH_LM = 0, AEON_WHICH_LR, AEON_WHICH_SR } aeon_which;

/* Parses "LM", "LR" or "SR"; AEON_ERR_USER otherwise. */
aeon_err aeon_which_parse(const char *s, aeon_which *w);
/* Returns "LM", "LR" or "SR". */
const char *aeon_which_name(aeon_which w);
/* Sorts n eigenvalues (re, im) best first by which; conjugate pairs stay adjacent, positive imaginary part first. */
void aeon_eig_sort(int n, double *re, double *im, aeon_which which);

/* Options of aeon_eigs. */
typedef struct aeon_eigs_opts {
  int nev;            /* eigenvalues wanted */
  aeon_which which;
  int ncv;            /* basis size (>= nev + 2 block_size) */
  double tol;         /* converged when ||A x - lambda x|| <= tol max(|lambda|, eps^(2/3)) */
  long max_restarts;
  int block_size;     /* vectors per expansion step (1: Krylov-Schur; > 1: block Krylov-Schur) */
  int locking;        /* lock converged leading Ritz pairs */
  int want_vectors;   /* return Ritz vectors */
  uint64_t seed;      /* of the starting vector (the same on any rank count) */
  aeon_gov *gov;      /* the basis is taken from this governor (NULL: plain counted memory) */
  void (*progress)(void *ctx, long restarts, int nconv, long applies); /* rank 0, after each restart (may be NULL) */
  void *progress_ctx;
} aeon_eigs_opts;

/* What aeon_eigs found. Arrays are owned; free with aeon_eigs_result_free. */
typedef struct aeon_eigs_result {
  int nev;          /* eigenvalues returned */
  double *re, *im;  /* eigenvalues, best first by `which`; a conjugate pair is adjacent, positive part first */
  double *resid;    /* residual estimates ||A x - lambda x|| for unit x, from the Krylov-Schur relation */
  int nvec;         /* columns of vectors: nev, or nev + 1 when nev ends inside a conjugate pair */
  double *vectors;  /* nlocal x nvec, column-major (dgeev convention for pairs: real part, imaginary part) */
  long applies;     /* operator applications, counted per vector */
  long restarts;
  int nlocked;      /* pairs locked when the solver stopped */
  double seconds;   /* wall time (max over ranks) */
  double flops;     /* operator + orthogonalization operations, all ranks */
} aeon_eigs_result;

/* Default options from the deck declarations (eig.*). */
aeon_eigs_opts aeon_eigs_defaults(void);
/* Computes nev eigenvalues of op; AEON_ERR_USER for bad options, AEON_ERR_NUMERIC if not converged in max_restarts. */
aeon_err aeon_eigs(const aeon_linop *op, const aeon_eigs_opts *o, aeon_eigs_result *r);
/* Frees the arrays of a result. */
void aeon_eigs_result_free(aeon_eigs_result *r);
/* All eigenvalues of a dense n x n column-major matrix with LAPACK (dsyev if sym, else dgeev); the reference. */
aeon_err aeon_dense_eigvals(long n, const double *a, int sym, double *re, double *im);

#ifdef __cplusplus
}
#endif
#endif
