/* Private state of the Bowen-York solver (bowen_york.c, by_mass.c). */
#ifndef AEON_BY_INTERNAL_H
#define AEON_BY_INTERNAL_H

#include "aeon/bowen_york.h"

/* Cells within this many bare masses of a puncture get the cell average of the source (by_source.c). */
#define AEON_BY_FINE_RADIUS 2.0

/* The cells near the punctures whose source is a sub-cell quadrature (by_source.c). */
typedef struct by_fine {
  long ncell;  /* such cells on this rank */
  long npoint; /* their quadrature points */
  long *cell;  /* offset i + j sy + k sz of each in an interior vector (all of the solver's share one layout) */
  long *start; /* the points of cell c: start[c] .. start[c + 1] - 1 */
  double *a;   /* aa at the point times its share of the cell volume */
  double *p;   /* 1 + w at the point */
} by_fine;

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
  aeon_gvec u, w, aa, c, F, du, ut, rhs; /* ghosted, one variable, the mesh interior; aa is 0 in fine cells */
  by_fine fine;
};

/* Row (j, k) of an interior vector: the address of point (0, j, k). */
static inline double *by_row(const aeon_gvec *x, int j, int k) { return x->data + x->base + j * x->sy + k * x->sz; }
/* A.A / 8 of the punctures at x. */
double by_aa(int n, const aeon_by_puncture *p, const double x[3]);
/* aa at a cell centre x (edges h) such that aa (1 + w(x))^-7 is the cell's 2^3-point Gauss average of the source at
 * u = 0. */
double by_cell_aa(const aeon_by *by, const double x[3], const double h[3]);
/* Builds by->fine for the current punctures and zeroes aa at the centres of its cells (after aa is filled). */
aeon_err by_fine_build(aeon_by *by);
/* Frees the fine cells. */
void by_fine_free(by_fine *f);
/* The cell average of the source of fine cell c at u (*src) and its u-derivative (*dsrc, unless NULL); returns 1
 * if psi <= 0 at a point. */
int by_fine_source(const by_fine *f, long c, double u, double *src, double *dsrc);
/* Point `off` (a by_fine cell offset) of an interior vector. */
static inline double *by_at(const aeon_gvec *x, long off) { return x->data + x->base + off; }

#endif
