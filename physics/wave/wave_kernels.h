/* C interface of the wave module's device kernels (wave_kernels.cu), callable
 * from C host code without CUDA or HIP headers: error codes are the runtime's
 * (cudaError_t or hipError_t) as int, 0 meaning success; streams are void *. */
#ifndef AEON_WAVE_KERNELS_H
#define AEON_WAVE_KERNELS_H

#include "wave_point.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A box of local points: lo <= i < hi, and the linear index of local point (0, 0, 0). */
typedef struct wave_gpu_box {
  int lo[3], hi[3];
  long base;
} wave_gpu_box;

/* Launches the wave rhs on box b of device arrays, asynchronously on stream (NULL: default); returns its error. */
int wave_rhs_launch(wave_coef c, const double *u, const double *pi, double *du, double *dpi, wave_gpu_box b,
                    int diss, void *stream);
/* Runs the kernel on host arrays of n doubles each: copies in, computes box b, copies du and dpi out; returns 0 or
 * the error. */
int wave_rhs_roundtrip(wave_coef c, const double *u, const double *pi, double *du, double *dpi, long n,
                       wave_gpu_box b, int diss);
/* Returns the runtime's message for an error code of the functions above. */
const char *wave_gpu_error_string(int e);

#ifdef __cplusplus
}
#endif
#endif
