/* Pieces shared by the dense-driver benchmarks (bench_cholesky.c, bench_matmul.c): rank 0's output and the
 * machine's DGEMM rate measured in the same run. Header-only: every benchmark is one program. */
#ifndef AEON_BENCH_COMMON_H
#define AEON_BENCH_COMMON_H

#include <stdio.h>

#include <cblas.h>
#include <mpi.h>

#include "aeon/drivers.h"
#include "aeon/memory.h"

/* Flushes stdout and returns 1 on rank 0 of the grid (the rank that prints). */
static inline int rank0(const aeon_pgrid *g) {
  fflush(stdout);
  return g->rank == 0;
}

/* Best of reps DGEMMs of order n on every rank at once; prints a "dgemm" line and returns the machine rate (sum
 * over ranks), GFLOP/s. */
static inline double dgemm_rate(const aeon_pgrid *g, int n, int reps) {
  double *a, *b, *c, best = 1e30;
  size_t bytes = (size_t)n * n * sizeof(double);
  aeon_mem_alloc(bytes, (void **)&a);
  aeon_mem_alloc(bytes, (void **)&b);
  aeon_mem_alloc(bytes, (void **)&c);
  for (size_t i = 0; i < (size_t)n * n; i++) a[i] = b[i] = aeon_gen_uniform(3, (long)i, 0, 0);
  for (int r = 0; r < reps; r++) {
    MPI_Barrier(g->comm);
    double t = MPI_Wtime();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, n, n, n, -1.0, a, n, b, n, 1.0, c, n);
    t = MPI_Wtime() - t;
    if (t < best) best = t;
  }
  aeon_mem_free(a);
  aeon_mem_free(b);
  aeon_mem_free(c);
  double mine = 2.0 * n * n * n / best * 1e-9, all;
  MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_SUM, g->comm);
  if (rank0(g))
    printf("{\"bench\":\"dgemm\",\"n\":%d,\"ranks\":%d,\"gflops_rank0\":%.2f,\"gflops\":%.2f}\n", n, g->size, mine, all);
  return all;
}

#endif
