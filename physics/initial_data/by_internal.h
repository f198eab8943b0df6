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
  /* cells near a puncture, where the source is averaged over ns^3 sub-points instead of sampled at the centre */
  long nnear;
  long *near_idx;      /* offset of the cell in a vector's array (data + idx) */
  double (*near_x)[3]; /* the cell's centre */
  int ns;              /* sub-points per direction */
};

/* Row (j, k) of an interior vector: the address of point (0, j, k). */
static inline double *by_row(const aeon_gvec *x, int j, int k) { return x->data + x->base + j * x->sy + k * x->sz; }
/* A.A / 8 of the punctures at x. */
double by_aa(int n, const aeon_by_puncture *p, const double x[3]);
/* The source aa psi^-7 averaged over near cell q with u = ui in the cell, and through c (if not NULL) 7 aa psi^-8. */
double by_near_source(const aeon_by *by, long q, double ui, double *c);

#endif
