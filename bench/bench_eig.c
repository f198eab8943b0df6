/* Eigensolver benchmark, side by side in one run (JSON lines on stdout): the
 * dndrv1 convection-diffusion operator (default 100 x 100 grid, n = 10^4),
 * nev = 4 of largest magnitude, basis 20, tol 1e-10: Aeon's Krylov-Schur and
 * ARPACK's dnaupd/dneupd (when built with ARPACK) with the same operator,
 * nev, basis and tolerance: operator applications, time, the eigenvalues;
 * then Aeon's block Krylov-Schur with --block-size B (default 2; same nev,
 * basis and tolerance; applications counted per vector).
 * All run on one rank (ARPACK's serial interface); with more ranks Aeon also
 * runs distributed. Best time of --reps runs.
 * Usage: mpirun -n 1 bench_eig [--nx NX] [--nev K] [--ncv M] [--tol T] [--which LM|LR|SR] [--rho R] [--reps R]
 *                              [--block-size B] */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "aeon/parallel.h"
#include "aeon/eigs.h"
#include "aeon/memory.h"

typedef struct bench_args {
  long nx, nev, ncv, reps, block_size;
  double tol, rho;
  const char *which;
} bench_args;

static void print_values(const double *re, const double *im, int n) {
  printf("\"eigenvalues\":[");
  for (int i = 0; i < n; i++) printf("%s[%.12g,%.3g]", i ? "," : "", re[i], im[i]);
  printf("]");
}

/* Aeon's Krylov-Schur with block size bs on comm; best of reps. */
static void aeon_run(MPI_Comm comm, const bench_args *a, int bs, const char *label) {
  aeon_linop op;
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (aeon_linop_dndrv1(comm, a->nx, a->rho, &op)) return;
  aeon_eigs_opts o = aeon_eigs_defaults();
  o.nev = (int)a->nev;
  o.ncv = (int)a->ncv;
  o.tol = a->tol;
  o.block_size = bs;
  aeon_which_parse(a->which, &o.which);
  aeon_eigs_result r = {0};
  double best = 1e30;
  aeon_err e = AEON_OK;
  for (long k = 0; k < a->reps && !e; k++) {
    aeon_eigs_result_free(&r);
    e = aeon_eigs(&op, &o, &r);
    if (r.seconds < best) best = r.seconds;
  }
  if (rank == 0 && e) fprintf(stderr, "bench_eig: aeon: %s\n", aeon_error_message());
  if (rank == 0 && !e) {
    printf("{\"bench\":\"eig\",\"impl\":\"%s\",\"ranks\":%d,\"operator\":\"dndrv1\",\"n\":%ld,\"nev\":%ld,\"which\":\"%s\","
           "\"ncv\":%ld,",
           label, size, op.n, a->nev, a->which, a->ncv);
    if (bs > 1) printf("\"block_size\":%d,", bs);
    printf("\"tol\":%g,\"applications\":%ld,\"restarts\":%ld,\"seconds\":%.4f,", a->tol, r.applies, r.restarts, best);
    print_values(r.re, r.im, r.nev);
    printf("}\n");
    fflush(stdout);
  }
  aeon_eigs_result_free(&r);
  aeon_linop_destroy(&op);
}

#ifdef AEON_HAVE_ARPACK
extern void dnaupd_(int *ido, const char *bmat, const int *n, const char *which, const int *nev, const double *tol,
                    double *resid, const int *ncv, double *v, const int *ldv, int *iparam, int *ipntr, double *workd,
                    double *workl, const int *lworkl, int *info, size_t lbmat, size_t lwhich);
extern void dneupd_(const int *rvec, const char *howmny, int *select, double *dr, double *di, double *z, const int *ldz,
                    const double *sigmar, const double *sigmai, double *workev, const char *bmat, const int *n,
                    const char *which, const int *nev, const double *tol, double *resid, const int *ncv, double *v,
                    const int *ldv, int *iparam, int *ipntr, double *workd, double *workl, const int *lworkl, int *info,
                    size_t lhowmny, size_t lbmat, size_t lwhich);

typedef struct arpack_ws {
  int n, ncv, lworkl;
  double *resid, *v, *workd, *workl, *workev, *dr, *di, *z;
  int *select;
} arpack_ws;

static void ws_alloc(arpack_ws *w, int n, int ncv, int nev) {
  w->n = n;
  w->ncv = ncv;
  w->lworkl = 3 * ncv * ncv + 6 * ncv;
  double **p[] = {&w->resid, &w->v, &w->workd, &w->workl, &w->workev, &w->dr, &w->di, &w->z};
  size_t len[] = {(size_t)n, (size_t)n * ncv, 3 * (size_t)n, (size_t)w->lworkl, 3 * (size_t)ncv, (size_t)nev + 1,
                  (size_t)nev + 1, (size_t)n * (nev + 1)};
  for (int i = 0; i < 8; i++) aeon_mem_alloc(len[i] * sizeof(double), (void **)p[i]);
  aeon_mem_alloc((size_t)ncv * sizeof(int), (void **)&w->select);
}

static void ws_free(arpack_ws *w) {
  double *p[] = {w->resid, w->v, w->workd, w->workl, w->workev, w->dr, w->di, w->z};
  for (int i = 0; i < 8; i++) aeon_mem_free(p[i]);
  aeon_mem_free(w->select);
}

/* One ARPACK solve in regular mode: returns applications, or -1 (with info) on failure. */
static long arpack_solve(const aeon_linop *op, const bench_args *a, arpack_ws *w, int *nconv, int *info_out) {
  int ido = 0, info = 0, n = w->n, nev = (int)a->nev, ncv = w->ncv, iparam[11] = {0}, ipntr[14] = {0};
  iparam[0] = 1;       /* exact shifts */
  iparam[2] = 100000;  /* maximum Arnoldi restarts */
  iparam[6] = 1;       /* mode 1: A x = lambda x */
  double tol = a->tol;
  for (;;) {
    dnaupd_(&ido, "I", &n, a->which, &nev, &tol, w->resid, &ncv, w->v, &n, iparam, ipntr, w->workd, w->workl,
            &w->lworkl, &info, 1, 2);
    if (ido != -1 && ido != 1) break;
    op->apply(op->ctx, w->workd + ipntr[0] - 1, w->workd + ipntr[1] - 1);
  }
  *info_out = info;
  if (info < 0) return -1;
  int rvec = 1, ierr = 0;
  double sr = 0, si = 0;
  dneupd_(&rvec, "A", w->select, w->dr, w->di, w->z, &n, &sr, &si, w->workev, "I", &n, a->which, &nev, &tol, w->resid,
          &ncv, w->v, &n, iparam, ipntr, w->workd, w->workl, &w->lworkl, &ierr, 1, 1, 2);
  *nconv = iparam[4];
  *info_out = ierr ? ierr : info;
  return ierr ? -1 : iparam[8];
}

static void arpack_run(const bench_args *a) {
  aeon_linop op;
  if (aeon_linop_dndrv1(MPI_COMM_SELF, a->nx, a->rho, &op)) return;
  arpack_ws w;
  ws_alloc(&w, (int)op.n, (int)a->ncv, (int)a->nev);
  double best = 1e30;
  long applies = -1, amin = -1, amax = -1;
  int nconv = 0, info = 0;
  for (long k = 0; k < a->reps; k++) { /* ARPACK's random start differs from one call to the next */
    double t = MPI_Wtime();
    applies = arpack_solve(&op, a, &w, &nconv, &info);
    t = MPI_Wtime() - t;
    if (t < best) best = t;
    if (amin < 0 || applies < amin) amin = applies;
    if (applies > amax) amax = applies;
  }
  aeon_eig_sort(nconv, w.dr, w.di, a->which[1] == 'M' ? AEON_WHICH_LM : a->which[1] == 'R' && a->which[0] == 'L' ? AEON_WHICH_LR : AEON_WHICH_SR);
  printf("{\"bench\":\"eig\",\"impl\":\"arpack_dnaupd\",\"ranks\":1,\"operator\":\"dndrv1\",\"n\":%ld,\"nev\":%ld,"
         "\"which\":\"%s\",\"ncv\":%ld,\"tol\":%g,\"applications_min\":%ld,\"applications_max\":%ld,"
         "\"converged\":%d,\"info\":%d,\"seconds\":%.4f,",
         op.n, a->nev, a->which, a->ncv, a->tol, amin, amax, nconv, info, best);
  print_values(w.dr, w.di, nconv);
  printf("}\n");
  ws_free(&w);
  aeon_linop_destroy(&op);
}
#endif

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  bench_args a = {.nx = 100, .nev = 4, .ncv = 20, .reps = 3, .block_size = 2, .tol = 1e-10, .rho = 0, .which = "LM"};
  const aeon_cli_flag f[] = {
    {"--nx", 'i', &a.nx, 2, 46340},    {"--nev", 'i', &a.nev, 1, 1e4},     {"--ncv", 'i', &a.ncv, 3, 1e5},
    {"--tol", 'r', &a.tol, 1e-300, 1}, {"--rho", 'r', &a.rho, -1e9, 1e9}, {"--reps", 'i', &a.reps, 1, 1000},
    {"--which", 's', &a.which, 0, 0},  {"--block-size", 'i', &a.block_size, 2, 1e4},
  };
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  aeon_which w;
  aeon_err e = aeon_cli_flags("bench_eig", f, sizeof f / sizeof f[0], argc - 1, argv + 1);
  if (!e) e = aeon_which_parse(a.which, &w);
  if (e) {
    if (rank == 0) fprintf(stderr, "bench_eig: %s\n", aeon_error_message());
    MPI_Finalize();
    return 2;
  }
  if (rank == 0) aeon_run(MPI_COMM_SELF, &a, 1, "aeon_krylov_schur");
#ifdef AEON_HAVE_ARPACK
  if (rank == 0) arpack_run(&a);
#else
  if (rank == 0) printf("{\"bench\":\"eig\",\"impl\":\"arpack_dnaupd\",\"skipped\":\"not built with ARPACK\"}\n");
#endif
  if (rank == 0) aeon_run(MPI_COMM_SELF, &a, (int)a.block_size, "aeon_block_krylov_schur");
  if (size > 1) aeon_run(MPI_COMM_WORLD, &a, 1, "aeon_krylov_schur_distributed");
  if (size > 1) aeon_run(MPI_COMM_WORLD, &a, (int)a.block_size, "aeon_block_krylov_schur_distributed");
  MPI_Finalize();
  return 0;
}
