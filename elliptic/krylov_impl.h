/* What a Krylov method's file sees of a solver (aeon/krylov.h): the solver's
 * state and the shared steps every method is written from — operator and
 * preconditioner applications (counted), the preconditioned operator of the
 * chosen side, fused exact dot products (one reduction for several), the
 * convergence test with monitor and history, and the final update of x. A
 * method solves B e = c for the correction e of x (B = A M^-1 for right
 * preconditioning, M^-1 A for left; c the matching initial residual), then
 * x += M^-1 e (right) or x += e (left), through ksp_update_x. */
#ifndef AEON_ELLIPTIC_KRYLOV_IMPL_H
#define AEON_ELLIPTIC_KRYLOV_IMPL_H

#include "aeon/krylov.h"

struct aeon_ksp {
  aeon_ksp_opts o;
  const aeon_ksp_type *t;
  aeon_gop A;
  aeon_gpc pc;
  int have_pc;
  MPI_Comm comm;
  int rank;
  int nwork;
  aeon_gvec *w;     /* nwork ghosted clones of the template */
  long nscratch;
  double *scratch;  /* the method's scratch */
  int nsums;
  aeon_xsum *sums;  /* accumulators for ksp_dots */
  long hist_cap, nhist;
  double *hist;     /* residual norms of the current solve */
  aeon_ksp_result res; /* counters and verdict of the current solve */
};

/* y = A x (x must be ghosted: a work vector). */
aeon_err ksp_op(aeon_ksp *k, aeon_gvec *x, aeon_gvec *y);
/* z = M^-1 r (a copy without a preconditioner). */
aeon_err ksp_pc(aeon_ksp *k, aeon_gvec *r, aeon_gvec *z);
/* y = B x for the solver's side: A M^-1 x (right; via tmp) or M^-1 A x (left; via tmp). x, tmp ghosted. */
aeon_err ksp_bop(aeon_ksp *k, aeon_gvec *x, aeon_gvec *y, aeon_gvec *tmp);
/* out[i] = X[i] . Y[i] for i < n <= nsums, exactly, with one global reduction. */
aeon_err ksp_dots(aeon_ksp *k, int n, const aeon_gvec *const *X, const aeon_gvec *const *Y, double *out);
/* z = sum c[i] X[i] for any n >= 1 (z may be X[0] only; summed in chunks of the gvec limit, left to right). */
aeon_err ksp_lincomb(int n, const double *c, const aeon_gvec *const *X, aeon_gvec *z);
/* The initial residual of the side: c = b - A x (right) or M^-1 (b - A x) (left), x = 0 unless a nonzero guess
 * (then x is copied into tmp to be ghosted); tmp, tmp2 ghosted work vectors distinct from c. */
aeon_err ksp_initial_residual(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x, aeon_gvec *c, aeon_gvec *tmp,
                              aeon_gvec *tmp2, int first);
/* x += M^-1 e (right, via tmp) or x += e (left). */
aeon_err ksp_update_x(aeon_ksp *k, aeon_gvec *e, aeon_gvec *x, aeon_gvec *tmp);
/* Records rnorm after `its` iterations (history, monitor) and returns the verdict: converged, diverged (dtol, NaN,
 * max_it) or AEON_KSP_ITERATING. its = 0 sets rnorm0. */
aeon_ksp_reason ksp_test(aeon_ksp *k, long its, double rnorm);
/* Ends the solve with a reason found by the method itself (breakdown, indefinite) after its iterations. */
void ksp_stop(aeon_ksp *k, aeon_ksp_reason r);

#endif
