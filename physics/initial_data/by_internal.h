/* Private state of the Bowen-York solver (bowen_york.c, by_mass.c). */
#ifndef AEON_BY_INTERNAL_H
#define AEON_BY_INTERNAL_H

#include "aeon/bowen_york.h"

struct aeon_by {
  int n;
  aeon_by_puncture p[AEON_BY_MAX];
  aeon_by_opts o;
  double origin[3]; /* centre of the robin fall-off */
  aeon_mesh m;      /* the caller's patches with robin faces */
  aeon_ell_op *L;   /* -lap (laplacian2) */
  aeon_ell_op *H;   /* -lap + c_0 (helmholtz): the preconditioner's operator */
  aeon_mg *mg;
  aeon_gpc pc;
  aeon_ksp *ksp;
  aeon_gvec u, w, aa, c, F, du, ut, rhs; /* ghosted, one variable, the mesh interior */
};

/* Row (j, k) of an interior vector: the address of point (0, j, k). */
static inline double *by_row(const aeon_gvec *x, int j, int k) { return x->data + x->base + j * x->sy + k * x->sz; }
/* A.A / 8 of the punctures at x. */
double by_aa(int n, const aeon_by_puncture *p, const double x[3]);

#endif
