/* The evolved variables of the BSSN/CCZ4 module, in storage order. Shared by the
 * module (bssn.c, the point kernel), its initial data (id_*.c) and its analysis
 * (ADM mass, constraints): everything that addresses a BSSN field by index uses
 * these names. Symmetric tensors follow aeon/field.h: xx, xy, xz, yy, yz, zz.
 *   W      conformal factor, gamma_ij = gt_ij / W^2 (W = det(gamma)^(-1/6))
 *   gt_ij  conformal metric (det = 1)
 *   At_ij  trace-free conformal extrinsic curvature, A_ij = W^2 (K_ij - gamma_ij K / 3)
 *   K      trace of the extrinsic curvature (CCZ4: K_hat = K - 2 Theta)
 *   Gt^i   conformal connection functions (CCZ4: Gamma-hat^i)
 *   Theta  CCZ4's Z-projection (identically 0 under formulation: bssn)
 *   alpha  lapse;  beta^i shift;  B^i  Gamma-driver auxiliary */
#ifndef AEON_BSSN_VARS_H
#define AEON_BSSN_VARS_H

enum bssn_var {
  BSSN_W = 0,
  BSSN_GT_XX, BSSN_GT_XY, BSSN_GT_XZ, BSSN_GT_YY, BSSN_GT_YZ, BSSN_GT_ZZ,
  BSSN_AT_XX, BSSN_AT_XY, BSSN_AT_XZ, BSSN_AT_YY, BSSN_AT_YZ, BSSN_AT_ZZ,
  BSSN_K,
  BSSN_GT_X, BSSN_GT_Y, BSSN_GT_Z, /* Gt^i (the connection functions; named Gt_x .. Gt_z) */
  BSSN_THETA,
  BSSN_ALPHA,
  BSSN_BETA_X, BSSN_BETA_Y, BSSN_BETA_Z,
  BSSN_B_X, BSSN_B_Y, BSSN_B_Z,
  BSSN_NVAR
};

#endif
