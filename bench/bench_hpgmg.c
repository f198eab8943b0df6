/* HPGMG-FV figure of merit: degrees of freedom solved per second by one
 * full-multigrid pass (one V(2,2)-cycle per level, RB-GS) to discretisation
 * error, on the 2nd-order variable-coefficient problem HPGMG-FV solves:
 * -div(beta grad u) = f on the unit cube, cell-centred finite volume, beta on
 * faces, homogeneous Dirichlet faces. Our beta = 1 + 0.25 sin(2 pi x) sin(2 pi y)
 * sin(2 pi z) and exact u = sin(pi x) sin(pi y) sin(pi z) (1 + x y z) (HPGMG's own
 * functions differ; the operator and discretisation are the same).
 * For each N (default 64 128 256): setup time (operator + hierarchy), then
 * `--solves` FMG solves from scratch (the first one untimed), each timed as the
 * maximum over ranks; DOF/s = N^3 / best time; the error against the exact
 * solution (max and RMS) gives the observed order between successive N.
 * Optional --smoother chebyshev, --pre/--post. Prints one JSON object per line,
 * with the machine's load average so a loaded machine shows in the figures, and
 * the CPU time of the solve (maximum over ranks): on a shared machine
 * dof_per_cpu_s estimates what the solve does with whole cores.
 * Usage: mpirun -n 2 bench_hpgmg [N ...] [--solves S] [--smoother rbgs|chebyshev] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeon/elliptic.h"
#include "aeon/parallel.h"

static double beta_fn(const double x[3], void *c) {
  return 1 + 0.25 * sin(2 * M_PI * x[0]) * sin(2 * M_PI * x[1]) * sin(2 * M_PI * x[2]);
}

static double u_ex(const double x[3], void *c) {
  return sin(M_PI * x[0]) * sin(M_PI * x[1]) * sin(M_PI * x[2]) * (1 + x[0] * x[1] * x[2]);
}

/* f = -div(beta grad u) = -(beta lap u + grad beta . grad u). */
static double f_ex(const double x[3], void *c) {
  double s[3], co[3];
  for (int d = 0; d < 3; d++) {
    s[d] = sin(M_PI * x[d]);
    co[d] = cos(M_PI * x[d]);
  }
  double S = s[0] * s[1] * s[2], P = 1 + x[0] * x[1] * x[2];
  double grad[3], lap = 0, gb[3], k = 2 * M_PI;
  for (int d = 0; d < 3; d++) {
    int a = (d + 1) % 3, b = (d + 2) % 3;
    double dS = M_PI * co[d] * s[a] * s[b], d2S = -M_PI * M_PI * S, dP = x[a] * x[b];
    grad[d] = dS * P + S * dP;
    lap += d2S * P + 2 * dS * dP; /* d2P = 0 */
    gb[d] = 0.25 * k * cos(k * x[d]) * sin(k * x[a]) * sin(k * x[b]);
  }
  return -(beta_fn(x, c) * lap + gb[0] * grad[0] + gb[1] * grad[1] + gb[2] * grad[2]);
}

/* CPU seconds of this process (the machine may be shared: wall time then overstates the cost). */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double loadavg(void) {
  double l = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &l) != 1) l = -1;
    fclose(f);
  }
  return l;
}

#define TRY(call)                                                              \
  do {                                                                         \
    aeon_err e_ = (call);                                                      \
    if (e_) {                                                                  \
      fprintf(stderr, "bench_hpgmg: %s: %s\n", #call, aeon_error_message()); \
      MPI_Abort(MPI_COMM_WORLD, 1);                                            \
    }                                                                          \
  } while (0)

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long Ns[8];
  int nN = 0, solves = 3;
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  o.cycle = AEON_MG_FMG;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--solves") && i + 1 < argc) solves = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--smoother") && i + 1 < argc)
      o.smoother = strcmp(argv[++i], "chebyshev") ? AEON_MG_RBGS : AEON_MG_CHEBYSHEV;
    else if (!strcmp(argv[i], "--pre") && i + 1 < argc) o.pre = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--post") && i + 1 < argc) o.post = atoi(argv[++i]);
    else if (nN < 8) Ns[nN++] = atol(argv[i]);
  }
  if (nN == 0) {
    Ns[0] = 64;
    Ns[1] = 128;
    Ns[2] = 256;
    nN = 3;
  }
  if (solves < 2) solves = 2;
  double prev_max = 0, prev_rms = 0;
  for (int q = 0; q < nN; q++) {
    long N = Ns[q];
    aeon_mesh m;
    aeon_par par;
    memset(&m, 0, sizeof m);
    for (int d = 0; d < 3; d++) {
      m.N[d] = N;
      m.xmin[d] = 0;
      m.xmax[d] = 1;
      m.dx[d] = 1.0 / (double)N;
      m.bc[2 * d] = m.bc[2 * d + 1] = AEON_BC_DIRICHLET;
    }
    m.ghost = 1;
    int dims[3] = {0, 0, 0}, periodic[3] = {0, 0, 0};
    TRY(aeon_par_create(MPI_COMM_WORLD, dims, periodic, m.N, &par));
    TRY(aeon_mesh_setup_patch(&m, &par));
    aeon_ell_spec spec = aeon_ell_spec_default(AEON_ELL_HELMHOLTZ);
    spec.a = 0;
    spec.b = 1;
    spec.beta = beta_fn;
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    aeon_ell_op *op;
    aeon_mg *mg;
    TRY(aeon_ell_op_create(&m, &spec, &op));
    TRY(aeon_mg_create(op, &o, &mg));
    double tsetup = MPI_Wtime() - t0;
    aeon_gvec b, u, ue;
    TRY(aeon_ell_vec_create(op, &b));
    TRY(aeon_ell_vec_create(op, &u));
    TRY(aeon_ell_vec_create(op, &ue));
    TRY(aeon_ell_vec_fill(&b, f_ex, NULL));
    TRY(aeon_ell_vec_fill(&ue, u_ex, NULL));
    double best = 1e30, sum = 0, cbest = 1e30;
    for (int s = 0; s < solves; s++) {
      TRY(aeon_gvec_const(0.0, &u));
      MPI_Barrier(MPI_COMM_WORLD);
      double t1 = MPI_Wtime(), c1 = cpu_now();
      TRY(aeon_mg_cycle(mg, &b, &u));
      double dt = MPI_Wtime() - t1, dtmax, dc = cpu_now() - c1, dcmax;
      MPI_Allreduce(&dt, &dtmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      MPI_Allreduce(&dc, &dcmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      if (s > 0) {
        cbest = dcmax < cbest ? dcmax : cbest;
        best = dtmax < best ? dtmax : best;
        sum += dtmax;
      }
    }
    /* error and the residual after the FMG */
    aeon_gvec r;
    TRY(aeon_ell_vec_create(op, &r));
    double emax, erms, rn, bn;
    TRY(aeon_ell_residual(op, &u, &b, &r));
    TRY(aeon_gvec_l2norm(&r, 1.0, &rn));
    TRY(aeon_gvec_l2norm(&b, 1.0, &bn));
    TRY(aeon_gvec_linearsum(1.0, &u, -1.0, &ue, &r));
    TRY(aeon_gvec_maxnorm(&r, &emax));
    TRY(aeon_gvec_l2norm(&r, 1.0 / ((double)N * N * N), &erms));
    double dof = (double)N * N * N;
    if (rank == 0) {
      printf("{\"bench\": \"hpgmg_fv2\", \"ranks\": %d, \"N\": %ld, \"levels\": %d, \"smoother\": \"%s\", \"pre\": %d, "
             "\"post\": %d, \"setup_s\": %.4f, \"fmg_best_s\": %.4f, \"fmg_mean_s\": %.4f, \"dof_per_s\": %.4e, "
             "\"fmg_cpu_s\": %.4f, \"dof_per_cpu_s\": %.4e, "
             "\"error_max\": %.4e, \"error_rms\": %.4e, \"order_max\": %.3f, \"order_rms\": %.3f, "
             "\"residual_rel\": %.3e, \"loadavg\": %.1f}\n",
             size, N, aeon_mg_nlevels(mg), o.smoother == AEON_MG_RBGS ? "rbgs" : "chebyshev", o.pre, o.post, tsetup,
             best, sum / (solves - 1), dof / best, cbest, dof / cbest, emax, erms, prev_max > 0 ? log2(prev_max / emax) : 0.0,
             prev_rms > 0 ? log2(prev_rms / erms) : 0.0, rn / bn, loadavg());
      fflush(stdout);
    }
    prev_max = emax;
    prev_rms = erms;
    aeon_gvec_destroy(&r);
    aeon_gvec_destroy(&b);
    aeon_gvec_destroy(&u);
    aeon_gvec_destroy(&ue);
    aeon_mg_destroy(mg);
    aeon_ell_op_destroy(op);
    aeon_par_destroy(&par);
  }
  MPI_Finalize();
  return 0;
}
