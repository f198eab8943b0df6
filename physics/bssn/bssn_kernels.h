/* C interface of the BSSN module's device kernels (bssn_kernels.cu), callable from C host code without CUDA
 * or HIP headers: error codes are the runtime's (0 = success), streams are void *. */
#ifndef AEON_BSSN_KERNELS_H
#define AEON_BSSN_KERNELS_H

#include "bssn_point.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A box of local points, lo <= i < hi, and the linear index of local point (0, 0, 0). */
typedef struct bssn_gpu_box {
  int lo[3], hi[3];
  long base;
} bssn_gpu_box;

/* Launches the BSSN/CCZ4 rhs on box b of device arrays, asynchronously on stream (NULL: default); returns its error. */
int bssn_rhs_launch(bssn_coef c, bssn_in in, bssn_out out, bssn_gpu_box b, void *stream);
/* Runs the kernel on host arrays of n doubles per variable: copies in, computes box b, copies the rhs out;
 * returns 0 or the error. */
int bssn_rhs_roundtrip(bssn_coef c, bssn_in in, bssn_out out, long n, bssn_gpu_box b);

#ifdef __cplusplus
}
#endif
#endif
