/* ADM mass of the BSSN state from surface integrals on coordinate spheres:
 *   M(r) = 1/(16 pi) oint_r (d_j gamma_ij - d_i gamma_jj) n^i dS
 * (the ADM integral taken at finite radius), and the conformal-flux measure
 *   M_psi(r) = -1/(2 pi) oint_r d_i psi n^i dS,  psi = det(gamma)^(1/12) = W^(-1/2),
 * which is exact at any radius enclosing the punctures for Brill-Lindquist data (psi harmonic there) while
 * M(r) = M + O(M^2/r) there, and the ADM integral linearised in psi - 1 about the conformal metric (the form of
 * Yo, Baumgarte and Shapiro 2002 with d_j gt_ij for Gt^i),
 *   M_lin(r) = M_psi(r) + 1/(16 pi) oint_r (d_j gt_ij - d_i gt_jj) n^i dS,
 * which has the same limit at infinity, equals M_psi on conformally flat data and, unlike M_psi, sees the
 * conformal metric the Gamma-driver gauge builds during an evolution. With two or more radii, M is also
 * extrapolated to r = infinity by the polynomial in 1/r through the M(r) (exact for one Brill-Lindquist puncture
 * with four radii: M(r) = m (1 + m/2r)^3). Last, the Hawking (quasi-local) mass of each coordinate sphere,
 *   M_H(r) = sqrt(A / 16 pi) (1 - 1/(16 pi) oint (H^2 - P^2) dA),
 * A its proper area, H = D_i s^i its mean curvature, P = K - K_ij s^i s^j; in spherical symmetry it is the
 * Misner-Sharp mass, M on every slice of Schwarzschild at every radius (gauge pulses and the trumpet's coordinates
 * do not change it), and it tends to the ADM mass at infinity.
 * gamma_ij = gt_ij / W^2 is interpolated (4th-order Lagrange, mirrored with the variables' parities at symmetry
 * faces) at 4 points around each quadrature node, x +- h e_k, x +- 2h e_k with h the smallest grid spacing, and
 * differentiated at 4th order; sums are exact, so values are rank-count independent bit for bit.
 * Reads the fields W, gt_ij, At_ij, K of the BSSN state (bssn_vars.h order) with ghosts filled. */
#ifndef AEON_BSSN_ADM_MASS_H
#define AEON_BSSN_ADM_MASS_H

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/mesh.h"

/* Opaque: the spheres, their interpolation plans and buffers. */
typedef struct bssn_adm_mass bssn_adm_mass;

/* Most radii bssn.adm_radius may list. */
#define BSSN_ADM_MAX_RADII 6

/* The parameters (bssn.adm_radius, bssn.adm_center, bssn.adm_ntheta) the module adds to its table. */
#define BSSN_ADM_NPARAMS 3
extern const aeon_param_decl bssn_adm_params[BSSN_ADM_NPARAMS];
extern const int bssn_adm_nparams;

/* Creates the ADM-mass analysis from the deck (*a = NULL when bssn.adm_radius is empty); checks the radii against
 * the mesh without MPI (module create also runs in `aeon check`); the spheres are made at the first eval. parity:
 * the parity table of the BSSN variables (rows W, gt_xx, ..., as in bssn_vars.h); m and parity must outlive it. */
aeon_err bssn_adm_create(const aeon_deck *deck, const aeon_mesh *m, const int (*parity)[3], bssn_adm_mass **a);
/* Creates it for nr radii about centre c with ntheta x 2 ntheta nodes per sphere. */
aeon_err bssn_adm_create_radii(const aeon_mesh *m, int nr, const double *radii, const double c[3], int ntheta,
                               const int (*parity)[3], bssn_adm_mass **a);
/* Returns how many values bssn_adm_eval writes and sets *names to their names: adm_mass_r<R>, adm_mass_psi_r<R>
 * (a '.' in R written as 'p'), adm_mass_inf with two or more radii, then adm_mass_lin_r<R> and mass_hawking_r<R>. */
int bssn_adm_count(const bssn_adm_mass *a, const char *const **names);
/* Evaluates the masses of the fields u (W and gt_ij; ghosts filled) into out[0..count), the same on every rank
 * (collective). */
aeon_err bssn_adm_eval(bssn_adm_mass *a, const aeon_fields *u, double *out);
/* Frees it (NULL is fine). */
void bssn_adm_destroy(bssn_adm_mass *a);

#endif
