/* Device against host, bit for bit, for the shared kernels (one source for CUDA
 * and HIP). Builds a 3D array with ghosts, evaluates every operator of
 * aeon/stencil.h at every interior point on the device and on the host (the same
 * inline functions), then the wave rhs through wave_rhs_roundtrip against the
 * host loop over wave_point, with and without dissipation, and compares the
 * results' bits, and the BSSN/CCZ4 rhs (bssn_rhs_roundtrip against bssn_rhs) on smooth data near flat space.
 * Exit status: 0 equal, 1 a difference or a runtime error,
 * 2 no device (built and linked only; scripts/gpu-compile.sh runs it when a
 * device is present). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/portability.h"
#include "aeon/stencil.h"
#include "bssn_kernels.h"
#include "wave_kernels.h"

enum { G = 4, NI = 24, T = NI + 2 * G }; /* ghosts, interior points and total points per direction */
enum { SY = T, SZ = T * T, NPTS = T * T * T }; /* strides and array size */

/* Operator op at point p: its stride cycles through x, y, z with op, the second (mixed) is the next one. */
AEON_HD static inline double apply_op(int op, const double *f, const double *beta, long p) {
  const long st[3] = {1, SY, SZ};
  return aeon_st_apply((aeon_st_op)op, f, p, st[op % 3], st[(op + 1) % 3], beta[p]);
}

/* out[(long)op * NPTS + p] = operator op at every interior point p. */
__global__ void ops_kernel(const double *f, const double *beta, double *out) {
  const int i = G + (int)(blockIdx.x * blockDim.x + threadIdx.x), j = G + (int)blockIdx.y, k = G + (int)blockIdx.z;
  if (i >= G + NI) return;
  const long p = i + (long)j * SY + (long)k * SZ;
  for (int op = 0; op < AEON_ST_NOPS; op++) out[(long)op * NPTS + p] = apply_op(op, f, beta, p);
}

/* Smooth data with a little hash noise, so that no stencil sees a trivially exact input. */
static void fill(double *f, double a, double b) {
  for (long p = 0; p < NPTS; p++) {
    unsigned h = (unsigned)(p * 2654435761u);
    f[p] = sin(a * (double)(p % T) + b * (double)(p / SZ)) + 1e-3 * (double)(h >> 8) / 16777216.0;
  }
}

/* Counts the points where a and b differ in their bits (interior only). */
static long differ(const double *a, const double *b) {
  long n = 0;
  for (int k = G; k < G + NI; k++)
    for (int j = G; j < G + NI; j++)
      for (int i = G; i < G + NI; i++) {
        const long p = i + (long)j * SY + (long)k * SZ;
        n += memcmp(&a[p], &b[p], sizeof(double)) != 0;
      }
  return n;
}

/* Evaluates every stencil operator on the device and the host; returns the number of differing points. */
static long check_ops(const double *f, const double *beta) {
  const size_t bytes = (size_t)NPTS * sizeof(double), obytes = bytes * AEON_ST_NOPS;
  double *host = (double *)calloc((size_t)NPTS * AEON_ST_NOPS, sizeof(double));
  double *dev = (double *)calloc((size_t)NPTS * AEON_ST_NOPS, sizeof(double));
  double *df = NULL, *db = NULL, *dout = NULL;
  aeonError_t e = aeonMalloc((void **)&df, bytes);
  if (e == aeonSuccess) e = aeonMalloc((void **)&db, bytes);
  if (e == aeonSuccess) e = aeonMalloc((void **)&dout, obytes);
  if (e == aeonSuccess) e = aeonMemcpy(df, f, bytes, aeonMemcpyHostToDevice);
  if (e == aeonSuccess) e = aeonMemcpy(db, beta, bytes, aeonMemcpyHostToDevice);
  if (e == aeonSuccess) e = aeonMemset(dout, 0, obytes);
  if (e == aeonSuccess) {
    ops_kernel<<<dim3((NI + 31) / 32, NI, NI), dim3(32, 1, 1)>>>(df, db, dout);
    e = aeonGetLastError();
  }
  if (e == aeonSuccess) e = aeonDeviceSynchronize();
  if (e == aeonSuccess) e = aeonMemcpy(dev, dout, obytes, aeonMemcpyDeviceToHost);
  long bad = 0;
  if (e != aeonSuccess) {
    fprintf(stderr, "gpu_check: stencil operators: %s\n", aeonGetErrorString(e));
    bad = -1;
  }
  for (int op = 0; op < AEON_ST_NOPS && bad >= 0; op++) {
    for (int k = G; k < G + NI; k++)
      for (int j = G; j < G + NI; j++)
        for (int i = G; i < G + NI; i++) {
          const long p = i + (long)j * SY + (long)k * SZ;
          host[op * NPTS + p] = apply_op(op, f, beta, p);
        }
    long n = differ(host + op * NPTS, dev + op * NPTS);
    printf("gpu_check: %-8s %ld of %d points differ\n", aeon_st_info_of((aeon_st_op)op).name, n, NI * NI * NI);
    bad += n;
  }
  (void)aeonFree(df);
  (void)aeonFree(db);
  (void)aeonFree(dout);
  free(host);
  free(dev);
  return bad;
}

/* Runs the wave kernel on the device and wave_point on the host; returns the number of differing points. */
static long check_wave(const double *u, const double *pi, int diss) {
  const wave_coef c = {1.0 / (12 * 0.01), 1.0 / (12 * 0.0121), 1.0 / (12 * 0.0081), 0.1 / 0.1, 0.1 / 0.11, 0.1 / 0.09,
                       SY, SZ};
  const wave_gpu_box b = {{0, 0, 0}, {NI, NI, NI}, G + G * SY + G * SZ};
  double *hdu = (double *)calloc((size_t)NPTS, sizeof(double)), *hdpi = (double *)calloc((size_t)NPTS, sizeof(double));
  double *ddu = (double *)calloc((size_t)NPTS, sizeof(double)), *ddpi = (double *)calloc((size_t)NPTS, sizeof(double));
  for (int k = 0; k < NI; k++)
    for (int j = 0; j < NI; j++)
      for (int i = 0; i < NI; i++) wave_point(c, u, pi, hdu, hdpi, b.base + i + j * SY + k * SZ, diss);
  int e = wave_rhs_roundtrip(c, u, pi, ddu, ddpi, NPTS, b, diss);
  long bad = -1;
  if (e != 0) {
    fprintf(stderr, "gpu_check: wave kernel: %s\n", wave_gpu_error_string(e));
  } else {
    long nu = differ(hdu, ddu), np = differ(hdpi, ddpi);
    printf("gpu_check: wave diss=%d: du %ld, dpi %ld of %d points differ\n", diss, nu, np, NI * NI * NI);
    bad = nu + np;
  }
  free(hdu);
  free(hdpi);
  free(ddu);
  free(ddpi);
  return bad;
}

/* Runs the BSSN (ccz4 = 0) or CCZ4 rhs on the device and bssn_rhs on the host on smooth data near flat space (every
 * variable a different smooth function, lapse and metric near 1); returns the number of differing values. */
static long check_bssn(int ccz4) {
  bssn_coef c;
  memset(&c, 0, sizeof c);
  c.s[0] = 1, c.s[1] = SY, c.s[2] = SZ;
  for (int d = 0; d < 3; d++) c.d1[d] = 1.0 / (12 * 0.05), c.d2[d] = 1.0 / (12 * 0.0025), c.ko[d] = 0.1 / 0.05;
  for (int d = 0; d < 3; d++) c.d11[d] = 1.0 / (144 * 0.0025);
  c.ccz4 = ccz4, c.lapse = BSSN_LAPSE_1LOG, c.shift = BSSN_SHIFT_GAMMA_DRIVER, c.diss = 1, c.eta = 2;
  c.kappa1 = 0.1, c.kappa3 = 0.5, c.wfloor = 1e-4;
  bssn_gauge(&c);
  const bssn_gpu_box b = {{0, 0, 0}, {NI, NI, NI}, G + G * SY + G * SZ};
  bssn_in in;
  bssn_out hout, dout;
  double *mem = (double *)calloc((size_t)NPTS * 3 * BSSN_NVAR, sizeof(double));
  for (int v = 0; v < BSSN_NVAR; v++) {
    double *f = mem + (size_t)v * NPTS;
    fill(f, 0.05 + 0.011 * v, 0.03 + 0.007 * v);
    const int one = v == BSSN_W || v == BSSN_GT_XX || v == BSSN_GT_YY || v == BSSN_GT_ZZ || v == BSSN_ALPHA;
    for (long p = 0; p < NPTS; p++) f[p] = one + 0.05 * f[p];
    in.v[v] = f;
    hout.v[v] = mem + (size_t)(BSSN_NVAR + v) * NPTS;
    dout.v[v] = mem + (size_t)(2 * BSSN_NVAR + v) * NPTS;
  }
  for (int k = 0; k < NI; k++)
    for (int j = 0; j < NI; j++)
      for (int i = 0; i < NI; i++) bssn_rhs(&c, &in, &hout, b.base + i + j * SY + k * SZ);
  int e = bssn_rhs_roundtrip(c, in, dout, NPTS, b);
  long bad = -1;
  if (e != 0) {
    fprintf(stderr, "gpu_check: bssn kernel: %s\n", aeonGetErrorString((aeonError_t)e));
  } else {
    bad = 0;
    for (int v = 0; v < BSSN_NVAR; v++) bad += differ(hout.v[v], dout.v[v]);
    printf("gpu_check: %s rhs: %ld of %d values differ\n", ccz4 ? "ccz4" : "bssn", bad, NI * NI * NI * BSSN_NVAR);
  }
  free(mem);
  return bad;
}

int main(void) {
  int ndev = 0;
  if (aeonGetDeviceCount(&ndev) != aeonSuccess || ndev < 1) {
    printf("gpu_check: no device: built and linked only\n");
    return 2;
  }
  double *f = (double *)malloc((size_t)NPTS * sizeof(double)), *g = (double *)malloc((size_t)NPTS * sizeof(double));
  double *beta = (double *)malloc((size_t)NPTS * sizeof(double));
  fill(f, 0.37, 0.21);
  fill(g, 0.19, 0.43);
  for (long p = 0; p < NPTS; p++) beta[p] = sin(0.7 * (double)p); /* both signs of the shift */
  long bad_ops = check_ops(f, beta), bad_w0 = check_wave(f, g, 0), bad_w1 = check_wave(f, g, 1);
  long bad_b = check_bssn(0), bad_c = check_bssn(1);
  free(f);
  free(g);
  free(beta);
  int ok = bad_ops == 0 && bad_w0 == 0 && bad_w1 == 0 && bad_b == 0 && bad_c == 0;
  printf("gpu_check: %s\n", ok ? "device results equal the host's bit for bit" : "FAILED");
  return ok ? 0 : 1;
}
