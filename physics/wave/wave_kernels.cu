/* Device version of the wave rhs: one CUDA/HIP source, compiled by nvcc as CUDA
 * and by hipcc as HIP (aeon/portability.h maps the runtime names).
 * wave_rhs_kernel: one thread per point of a box (x fastest, as the SoA layout),
 * each calls wave_point (wave_point.h), the same function the CPU row loop calls.
 * wave_rhs_launch: launches it on a box of device arrays, returns the launch error.
 * wave_rhs_roundtrip: copies host arrays to the device, runs the kernel, copies
 * du and dpi back (for tests that compare with the CPU bit for bit: CMake builds
 * with fused multiply-add contraction off so that this holds).
 * The C interface of both is wave_kernels.h. */
#include "aeon/portability.h"
#include "wave_kernels.h"

/* Evaluates the wave rhs at every point of box b. */
__global__ void wave_rhs_kernel(wave_coef c, const double *AEON_RESTRICT u, const double *AEON_RESTRICT pi,
                                double *AEON_RESTRICT du, double *AEON_RESTRICT dpi, wave_gpu_box b, int diss) {
  const int i = b.lo[0] + (int)(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = b.lo[1] + (int)(blockIdx.y * blockDim.y + threadIdx.y);
  const int k = b.lo[2] + (int)(blockIdx.z * blockDim.z + threadIdx.z);
  if (i >= b.hi[0] || j >= b.hi[1] || k >= b.hi[2]) return;
  const long p = b.base + i + (long)j * c.sy + (long)k * c.sz;
  wave_point(c, u, pi, du, dpi, p, diss);
}

/* Launches the kernel on box b in blocks of 64 x 4 points; an empty box launches nothing. */
int wave_rhs_launch(wave_coef c, const double *u, const double *pi, double *du, double *dpi, wave_gpu_box b,
                    int diss, void *stream) {
  for (int d = 0; d < 3; d++)
    if (b.hi[d] <= b.lo[d]) return (int)aeonSuccess;
  const dim3 block(64, 4, 1);
  const dim3 grid((unsigned)(b.hi[0] - b.lo[0] + 63) / 64, (unsigned)(b.hi[1] - b.lo[1] + 3) / 4,
                  (unsigned)(b.hi[2] - b.lo[2]));
  wave_rhs_kernel<<<grid, block, 0, (aeonStream_t)stream>>>(c, u, pi, du, dpi, b, diss);
  return (int)aeonGetLastError();
}

/* Copies the four arrays in, runs the kernel, waits, and copies du and dpi out; frees what it allocated. */
int wave_rhs_roundtrip(wave_coef c, const double *u, const double *pi, double *du, double *dpi, long n,
                       wave_gpu_box b, int diss) {
  const size_t bytes = (size_t)n * sizeof(double);
  double *d[4] = {0, 0, 0, 0};
  aeonError_t e = aeonSuccess;
  for (int v = 0; v < 4 && e == aeonSuccess; v++) e = aeonMalloc((void **)&d[v], bytes);
  if (e == aeonSuccess) e = aeonMemcpy(d[0], u, bytes, aeonMemcpyHostToDevice);
  if (e == aeonSuccess) e = aeonMemcpy(d[1], pi, bytes, aeonMemcpyHostToDevice);
  if (e == aeonSuccess) e = aeonMemcpy(d[2], du, bytes, aeonMemcpyHostToDevice);
  if (e == aeonSuccess) e = aeonMemcpy(d[3], dpi, bytes, aeonMemcpyHostToDevice);
  if (e == aeonSuccess) e = (aeonError_t)wave_rhs_launch(c, d[0], d[1], d[2], d[3], b, diss, 0);
  if (e == aeonSuccess) e = aeonDeviceSynchronize();
  if (e == aeonSuccess) e = aeonMemcpy(du, d[2], bytes, aeonMemcpyDeviceToHost);
  if (e == aeonSuccess) e = aeonMemcpy(dpi, d[3], bytes, aeonMemcpyDeviceToHost);
  for (int v = 0; v < 4; v++)
    if (d[v]) (void)aeonFree(d[v]);
  return (int)e;
}

/* Returns the runtime's error message. */
const char *wave_gpu_error_string(int e) { return aeonGetErrorString((aeonError_t)e); }
