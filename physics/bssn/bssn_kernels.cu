/* Device version of the BSSN/CCZ4 rhs: one CUDA/HIP source (aeon/portability.h maps the runtime names).
 * bssn_rhs_kernel: one thread per point of a box (x fastest), each calls bssn_rhs (bssn_point.h), the same
 * function the CPU row loop of bssn.c calls. bssn_rhs_launch launches it on device arrays; bssn_rhs_roundtrip
 * copies host arrays in and the rhs out (for device-against-host checks). C interface: bssn_kernels.h. */
#include "aeon/portability.h"
#include "bssn_kernels.h"

/* Evaluates the rhs at every point of box b. */
__global__ void bssn_rhs_kernel(bssn_coef c, bssn_in in, bssn_out out, bssn_gpu_box b) {
  const int i = b.lo[0] + (int)(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = b.lo[1] + (int)(blockIdx.y * blockDim.y + threadIdx.y);
  const int k = b.lo[2] + (int)(blockIdx.z * blockDim.z + threadIdx.z);
  if (i >= b.hi[0] || j >= b.hi[1] || k >= b.hi[2]) return;
  bssn_rhs(&c, &in, &out, b.base + i + (long)j * c.s[1] + (long)k * c.s[2]);
}

/* Launches the kernel on box b in blocks of 32 x 4 points; an empty box launches nothing. */
int bssn_rhs_launch(bssn_coef c, bssn_in in, bssn_out out, bssn_gpu_box b, void *stream) {
  for (int d = 0; d < 3; d++)
    if (b.hi[d] <= b.lo[d]) return (int)aeonSuccess;
  const dim3 block(32, 4, 1);
  const dim3 grid((unsigned)(b.hi[0] - b.lo[0] + 31) / 32, (unsigned)(b.hi[1] - b.lo[1] + 3) / 4,
                  (unsigned)(b.hi[2] - b.lo[2]));
  bssn_rhs_kernel<<<grid, block, 0, (aeonStream_t)stream>>>(c, in, out, b);
  return (int)aeonGetLastError();
}

/* Copies the 25 variables in, runs the kernel, waits, copies the 25 rhs out; frees what it allocated. */
int bssn_rhs_roundtrip(bssn_coef c, bssn_in in, bssn_out out, long n, bssn_gpu_box b) {
  const size_t bytes = (size_t)n * sizeof(double);
  double *d[2 * BSSN_NVAR] = {0};
  aeonError_t e = aeonSuccess;
  for (int v = 0; v < 2 * BSSN_NVAR && e == aeonSuccess; v++) e = aeonMalloc((void **)&d[v], bytes);
  bssn_in din;
  bssn_out dout;
  for (int v = 0; v < BSSN_NVAR; v++) {
    din.v[v] = d[v], dout.v[v] = d[BSSN_NVAR + v];
    if (e == aeonSuccess) e = aeonMemcpy(d[v], in.v[v], bytes, aeonMemcpyHostToDevice);
    if (e == aeonSuccess) e = aeonMemcpy(d[BSSN_NVAR + v], out.v[v], bytes, aeonMemcpyHostToDevice);
  }
  if (e == aeonSuccess) e = (aeonError_t)bssn_rhs_launch(c, din, dout, b, 0);
  if (e == aeonSuccess) e = aeonDeviceSynchronize();
  for (int v = 0; v < BSSN_NVAR && e == aeonSuccess; v++)
    e = aeonMemcpy(out.v[v], d[BSSN_NVAR + v], bytes, aeonMemcpyDeviceToHost);
  for (int v = 0; v < 2 * BSSN_NVAR; v++)
    if (d[v]) (void)aeonFree(d[v]);
  return (int)e;
}
