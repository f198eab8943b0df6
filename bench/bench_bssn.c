/* BSSN/CCZ4 benchmark (physics/bssn). Prints one JSON object per line:
 *   "dgemm": the core's DGEMM rate (cblas_dgemm of OpenBLAS, one thread, order 1000, best of 3), measured in this run;
 *   "bssn_rhs": for bssn and ccz4 at N^3 points per rank (default 32 64 128): point-RHS evaluations per second per
 *     core (the module's rhs on the whole interior, best of a few repetitions of >= 0.3 s), the counted flops per
 *     point (bench/bssn_flops.cpp, which runs the same kernel on a counting number type; -1 if it is not built)
 *     and the fraction of the DGEMM rate that is;
 *   "bssn_step": with --breakdown N under mpirun -n 2: a few whole RK4 steps at N^3 points per rank (1+log,
 *     Gamma-driver, KO, ACE with a growth bound) and the share of step time in rhs, exchange, boundary and the ACE
 *     hook, from the simulation's timer table (max over ranks).
 * --order 6: the same at bssn.fd_order 6 (grid.ghost 4).
 * Usage: bench_bssn [N ...] [--breakdown N] [--steps S] [--order 4|6]. The machine may be loaded: compare ratios. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/sim.h"
#include "sim/sim_internal.h"

void openblas_set_num_threads(int n);

/* CPU time of this process, s (the machine may be shared: rates per CPU second are printed next to wall rates). */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The rate of one core: best of 3 DGEMMs of order 1000 on rank 0, flop/s. */
static double dgemm_rate(double *cpu_rate) {
  const int n = 1000;
  double *a = NULL, *b = NULL, *c = NULL, best = 1e30, bestc = 1e30;
  size_t bytes = (size_t)n * n * sizeof(double);
  if (aeon_mem_alloc(bytes, (void **)&a) || aeon_mem_alloc(bytes, (void **)&b) || aeon_mem_alloc(bytes, (void **)&c))
    return 0;
  for (size_t i = 0; i < (size_t)n * n; i++) a[i] = b[i] = 1.0 / (double)(1 + i % 97);
  openblas_set_num_threads(1);
  for (int r = 0; r < 3; r++) {
    double t = MPI_Wtime(), tc = cpu_now();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, n, n, n, -1.0, a, n, b, n, 1.0, c, n);
    t = MPI_Wtime() - t, tc = cpu_now() - tc;
    if (t < best) best = t;
    if (tc < bestc) bestc = tc;
  }
  aeon_mem_free(a), aeon_mem_free(b), aeon_mem_free(c);
  double rate = 2.0 * n * n * n / best;
  *cpu_rate = 2.0 * n * n * n / bestc;
  printf("{\"bench\": \"dgemm\", \"n\": %d, \"threads\": 1, \"flops_per_s\": %.4g, \"flops_per_cpu_s\": %.4g}\n", n,
         rate, *cpu_rate);
  fflush(stdout);
  return rate;
}

/* Flops per point of the kernel, counted by the bssn_flops program (formulation 0 bssn, 1 ccz4; order 4 or 6), or
 * -1. */
static double counted_flops(int ccz4, int order) {
#ifdef AEON_BSSN_FLOPS_EXE
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "%s %s %d", AEON_BSSN_FLOPS_EXE, ccz4 ? "ccz4" : "bssn", order);
  FILE *p = popen(cmd, "r");
  double f = -1;
  if (p) {
    if (fscanf(p, "%lf", &f) != 1) f = -1;
    pclose(p);
  }
  return f;
#else
  (void)ccz4, (void)order;
  return -1;
#endif
}

static aeon_sim *make(MPI_Comm comm, int n, int size, const char *formulation, int order, const char *extra) {
  char gn[64], dims[64], form[64];
  snprintf(gn, sizeof gn, "grid.n=[%d,%d,%d]", n * size, n, n);
  snprintf(dims, sizeof dims, "parallel.dims=[%d,1,1]", size);
  snprintf(form, sizeof form, "bssn.formulation=%s", formulation);
  char deck[512];
  snprintf(deck, sizeof deck,
           "physics: bssn\ngrid: {xmin: -0.5, xmax: 0.5, ghost: %d}\n"
           "bssn: {noise: 1e-10, dissipation: 0.1, fd_order: %d%s}\nrun: {t_final: 1e9}\n",
           order == 6 ? 4 : 3, order, extra);
  const char *sets[] = {gn, dims, form};
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  if (aeon_sim_create(comm, deck, strlen(deck), "bench_bssn.yaml", 3, sets, &opt, &sim)) {
    aeon_error_print(stderr, 1);
    aeon_sim_destroy(sim);
    return NULL;
  }
  return sim;
}

/* Point-RHS rate of one formulation at n^3 points and finite-difference order `order` (rank 0 alone). */
static int bench_rhs(int n, const char *formulation, int order, double dgemm, double dgemm_cpu) {
  aeon_sim *sim = make(MPI_COMM_SELF, n, 1, formulation, order, "");
  if (!sim) return 1;
  const aeon_mesh *m = &sim->lev[0].mesh;
  aeon_fields r;
  if (aeon_fields_create(m, sim->phys->nvar, &r)) return 1;
  const aeon_fields *u = aeon_mol_state(sim->lev[0].mol);
  aeon_box in = aeon_mesh_interior(m);
  sim->phys->rhs(sim->self, m, 0.0, u, &r, &in); /* warm-up: first touch */
  double best = 1e30, bestc = 1e30;
  for (int rep = 0; rep < 3; rep++) {
    int calls = 0;
    double t0 = MPI_Wtime(), c0 = cpu_now(), t;
    do {
      sim->phys->rhs(sim->self, m, 0.0, u, &r, &in);
      calls++;
      t = MPI_Wtime() - t0;
    } while (t < 0.3);
    double tc = cpu_now() - c0;
    if (t / calls < best) best = t / calls;
    if (tc / calls < bestc) bestc = tc / calls;
  }
  double pts = (double)n * n * n, rate = pts / best, ratec = pts / bestc;
  double flops = counted_flops(strcmp(formulation, "ccz4") == 0, order);
  printf("{\"bench\": \"bssn_rhs\", \"formulation\": \"%s\", \"fd_order\": %d, \"n_per_rank\": %d, "
         "\"point_rhs_per_s_per_core\": %.4g, "
         "\"point_rhs_per_cpu_s\": %.4g, \"flops_per_point\": %.0f, \"gflops\": %.3f, \"dgemm_fraction\": %.4f, "
         "\"dgemm_fraction_cpu\": %.4f}\n",
         formulation, order, n, rate, ratec, flops, flops > 0 ? rate * flops * 1e-9 : -1,
         flops > 0 && dgemm > 0 ? rate * flops / dgemm : -1,
         flops > 0 && dgemm_cpu > 0 ? ratec * flops / dgemm_cpu : -1);
  fflush(stdout);
  aeon_fields_destroy(&r);
  aeon_sim_destroy(sim);
  return 0;
}

static double timer_total(const aeon_timers *t, const char *prefix) {
  double s = 0;
  for (int i = 0; i < t->n; i++)
    if (strncmp(t->name[i], prefix, strlen(prefix)) == 0) s += t->total[i];
  return s;
}

/* Whole RK4 steps at n^3 points per rank on every rank: the timer breakdown. */
static int bench_step(int n, int steps, int order, int size, int rank) {
  aeon_sim *sim = make(MPI_COMM_WORLD, n, size, "bssn", order, ", ace_growth: 1e6");
  if (!sim) return 1;
  if (aeon_sim_step(sim)) { /* warm-up */
    aeon_error_print(stderr, 1);
    return 1;
  }
  const aeon_timers *tm = aeon_sim_timers(sim);
  static const char *const parts[5] = {"step (total)", "rhs (", "exchange (", "boundary (", "hooks ("};
  double before[5], after[5], mx[5];
  for (int i = 0; i < 5; i++) before[i] = timer_total(tm, parts[i]);
  aeon_err e = AEON_OK;
  for (int s = 0; s < steps && !e; s++) e = aeon_sim_step(sim);
  if (e) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  for (int i = 0; i < 5; i++) after[i] = timer_total(tm, parts[i]) - before[i];
  MPI_Reduce(after, mx, 5, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0)
    printf("{\"bench\": \"bssn_step\", \"fd_order\": %d, \"n_per_rank\": %d, \"ranks\": %d, \"steps\": %d, "
           "\"step_s\": %.4g, "
           "\"rhs_fraction\": %.4f, \"exchange_fraction\": %.4f, \"boundary_fraction\": %.4f, "
           "\"ace_fraction\": %.4f, \"point_steps_per_s_per_core\": %.4g}\n",
           order, n, size, steps, mx[0] / steps, mx[1] / mx[0], mx[2] / mx[0], mx[3] / mx[0], mx[4] / mx[0],
           (double)n * n * n * steps / mx[0]);
  fflush(stdout);
  aeon_sim_destroy(sim);
  return 0;
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  int rank, size, ns[8], nn = 0, breakdown = 0, steps = 3, order = 4;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) steps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--breakdown") == 0 && i + 1 < argc) breakdown = atoi(argv[++i]);
    else if (strcmp(argv[i], "--order") == 0 && i + 1 < argc && (atoi(argv[i + 1]) == 4 || atoi(argv[i + 1]) == 6))
      order = atoi(argv[++i]);
    else if (nn < 8 && atoi(argv[i]) >= 8) ns[nn++] = atoi(argv[i]);
    else {
      if (rank == 0) fprintf(stderr, "bench_bssn: bad argument '%s' (usage: bench_bssn [N ...] [--breakdown N] "
                                     "[--steps S] [--order 4|6])\n", argv[i]);
      MPI_Finalize();
      return 2;
    }
  }
  if (nn == 0 && !breakdown) ns[nn++] = 32, ns[nn++] = 64, ns[nn++] = 128;
  int fail = 0;
  if (nn > 0 && rank == 0) {
    double dgc = 0, dg = dgemm_rate(&dgc);
    for (int i = 0; i < nn; i++)
      fail |= bench_rhs(ns[i], "bssn", order, dg, dgc) | bench_rhs(ns[i], "ccz4", order, dg, dgc);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (breakdown) fail |= bench_step(breakdown, steps, order, size, rank);
  MPI_Finalize();
  return fail;
}
