/* ADM -> BSSN conversion at a point (bssn_adm.c): used by the module's initial data and by tests. */
#ifndef AEON_BSSN_ADM_H
#define AEON_BSSN_ADM_H

#include "bssn_id.h"
#include "bssn_vars.h"

/* Writes gt = det(g)^(-1/3) g for an ADM metric g (6 components) and returns W = det(g)^(-1/6). */
double bssn_conformal_metric(const double g[6], double gt[6]);
/* The determinant of a symmetric 3x3 matrix (6 components: xx, xy, xz, yy, yz, zz). */
double bssn_sym_det(const double g[6]);
/* Writes the inverse of a symmetric 3x3 matrix (6 components). */
void bssn_sym_inverse(const double g[6], double gu[6]);
/* The 25 BSSN variables at x and time t from the ADM data of kind id (context ctx); Gt^i from centred differences of
 * order `order` (6, else 4: the rhs's) of the data's gt with spacing dx (the grid's), Theta = 0 (K slot = K),
 * B^i = 0. */
void bssn_adm_to_bssn(const bssn_id_ops *id, const void *ctx, double t, const double x[3], const double dx[3],
                      int order, double v[BSSN_NVAR]);

#endif
