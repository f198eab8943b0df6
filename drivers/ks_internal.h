/* Internal: the small dense part of Krylov-Schur, computed on rank 0 and
 * broadcast (Schur form of the projected matrix, ordering, convergence,
 * truncation, final Ritz pairs). With block size bs the projected matrix is
 * (m + bs) x m: A V_m = V_{m+bs} H, band upper Hessenberg with bs subdiagonals,
 * and the coupling of the kept vectors to the bs residual vectors is a bs x k
 * matrix B (a row b^T for bs = 1). */
#ifndef AEON_DRIVERS_KS_INTERNAL_H
#define AEON_DRIVERS_KS_INTERNAL_H

#include "aeon/eigs.h"

/* Rank 0's workspace for a basis of m vectors. */
typedef struct ks_dense {
  int m, bs, ldh;     /* basis size, block size, ldh = m + bs */
  double *H;          /* (m + bs) x m, leading dimension ldh: A V_m = V_{m+bs} H */
  double *Hn;         /* the truncated H being built */
  double *T, *Z, *Y;  /* m x m work: Schur form, Schur vectors, eigenvectors */
  double *re, *im, *res; /* m each: the window's eigenvalues, residual estimates */
  double *B;             /* bs x m (leading dimension bs): couplings of the window's Schur vectors */
  double *Bsave;         /* bs x m: couplings zeroed when pairs were locked */
  double *cre, *cim, *cconv; /* m: locked and active candidates ranked together */
  int *order;         /* 2 m: candidate order */
} ks_dense;

/* What a restart decided (broadcast to every rank). */
typedef struct ks_plan {
  int keep;   /* vectors kept (locked included) */
  int nlock;  /* locked vectors after the restart */
  int ka;     /* columns of Z applied to the active window */
  int done;   /* the nev wanted Ritz pairs have converged */
  int nconv;  /* wanted pairs converged so far */
} ks_plan;

/* Allocates the workspace for basis size m and block size bs. */
aeon_err ks_dense_init(ks_dense *d, int m, int bs);
/* Frees the workspace. */
void ks_dense_free(ks_dense *d);
/* From H after the basis reached m vectors: Schur form of the active window, ordered best first; convergence; the
 * truncated H (in place) and Z (ma x ma, leading dimension ma) to apply to the window. */
aeon_err ks_restart(ks_dense *d, int nlock, const aeon_eigs_opts *o, ks_plan *plan);
/* After convergence: the nev best Ritz values of H's k x k part, residual estimates, and the vectors Y (k x nvec)
 * in the basis V_k. */
aeon_err ks_final(ks_dense *d, int k, int nlock, const aeon_eigs_opts *o, aeon_eigs_result *r, double *Yout);
/* 1 if (r1, i1) comes before (r2, i2) under which. */
int ks_better(double r1, double i1, double r2, double i2, aeon_which which);

#endif
