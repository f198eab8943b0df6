/* Grid operators as eigensolver operators (aeon/eigs.h), and shift-invert:
 * (A - sigma I)^-1 applied by a Krylov solve (aeon/krylov.h), so that
 * Krylov-Schur's largest-magnitude eigenvalues mu of the inverse give the
 * eigenvalues lambda = sigma + 1 / mu of A nearest sigma (the smallest, for
 * sigma = 0) in a few dozen outer iterations. The eigensolver's vectors are
 * this rank's points of the template's box, x fastest; rows are numbered by
 * the global grid index when the template has a mesh (so the starting vector
 * does not depend on the rank count). */
#ifndef AEON_SHIFT_INVERT_H
#define AEON_SHIFT_INVERT_H

#include "aeon/eigs.h"
#include "aeon/gop.h"
#include "aeon/gvec.h"
#include "aeon/krylov.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The eigensolver operator y = A x of a grid operator on tmpl's box (A and tmpl are borrowed and must outlive op). */
aeon_err aeon_linop_of_gop(const aeon_gop *A, const aeon_gvec *tmpl, aeon_linop *op);
/* The grid operator of an eigensolver operator: vectors are compact over the points 0..nlocal-1 (x only, no mesh);
 * *tmpl receives the template view (A borrowed). */
aeon_err aeon_gop_of_linop(const aeon_linop *A, aeon_gop *op, aeon_gvec *tmpl);
/* y = (A - sigma I)^-1 x as an eigensolver operator: each apply is a solve of the method and tolerances of o with
 * preconditioner pc (NULL: none; built for A, it serves A - sigma I near it) from x = 0; one that does not converge
 * fails with AEON_ERR_NUMERIC naming its reason. A, pc and tmpl are borrowed. Collective. */
aeon_err aeon_linop_shift_invert(const aeon_gop *A, const aeon_gpc *pc, double sigma, const aeon_gvec *tmpl,
                                 const aeon_ksp_opts *o, aeon_linop *op);
/* Returns the inner iterations of every solve of a shift-invert operator so far (0 for another operator). */
long aeon_shift_invert_iterations(const aeon_linop *op);
/* Maps the eigenvalues mu of (A - sigma I)^-1 back to those of A (lambda = sigma + 1 / mu) in place and sorts them
 * nearest sigma first (conjugate pairs adjacent, positive imaginary part first); resid is permuted along. */
void aeon_shift_invert_eigenvalues(double sigma, int n, double *re, double *im, double *resid);

#ifdef __cplusplus
}
#endif
#endif
