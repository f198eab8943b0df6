/* Wave benchmark: rhs throughput (grid-point updates per second per core) with
 * NxNxN points per rank, and the share of step time spent in ghost exchange.
 * First a STREAM triad on every rank at once gives the machine's memory bandwidth,
 * then each N is run; the counted memory traffic of an RK4 step (BYTES_PER_STEP_UPDATE)
 * against the triad gives the fraction of bandwidth the step and the rhs achieve.
 * Prints one JSON object per line. Usage: bench_wave [N ...] [--steps S]
 * (default N = 64 128). Run it under mpirun -n P with one rank per core: each rank owns N^3 points,
 * so "per core" figures are per rank. Times are the maximum over ranks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aeon/parallel.h"
#include "aeon/memory.h"
#include "aeon/sim.h"

/* Counted bytes per point, STREAM's convention (each array read or written once per sweep, no
 * write-allocate traffic, ghosts and exchange left out), per variable of the 2 the wave module has:
 *   rhs, per stage: read the stage input, write the rhs                 16 B x 4 stages =  64
 *   update, stage 1: read u0, k, write u, y (u and u0 swap buffers: no copy) 32 B      =  32
 *   update, stages 2-3: read u, k, u0, write u, y                      40 B x 2 stages =  80
 *   update, stage 4: read u, k, write u (the fault test reads u from cache, plane by plane) = 24 */
enum { NVAR = 2, RHS_BYTES_PER_UPDATE = NVAR * 16, BYTES_PER_STEP_UPDATE = NVAR * (64 + 32 + 80 + 24) };
enum { TRIAD_N = 1 << 24, TRIAD_REPS = 10 }; /* 3 arrays of 128 MiB per rank: far beyond any cache */

/* a = b + s c: STREAM's triad, 24 counted bytes per element. */
__attribute__((noinline)) static void triad(double *restrict a, const double *restrict b, const double *restrict c,
                                            double s, long n) {
  for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* Best of TRIAD_REPS triads run on every rank at once; prints a "triad" line, returns the bandwidth of all ranks in
 * bytes/s (0 if the arrays could not be allocated). */
static double triad_bandwidth(int size, int rank) {
  double *a = NULL, *b = NULL, *c = NULL, best = 1e30;
  const size_t bytes = (size_t)TRIAD_N * sizeof(double);
  int ok = !aeon_mem_alloc(bytes, (void **)&a) && !aeon_mem_alloc(bytes, (void **)&b) &&
           !aeon_mem_alloc(bytes, (void **)&c), all_ok;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (all_ok) {
    for (long i = 0; i < TRIAD_N; i++) b[i] = 1.0, c[i] = 2.0;
    for (int r = 0; r < TRIAD_REPS; r++) {
      MPI_Barrier(MPI_COMM_WORLD);
      double t = MPI_Wtime();
      triad(a, b, c, 3.0, TRIAD_N);
      t = MPI_Wtime() - t;
      double tmax;
      MPI_Allreduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
      if (tmax < best) best = tmax;
    }
    if (a[TRIAD_N - 1] != 7.0) all_ok = 0; /* uses the result */
  }
  aeon_mem_free(a);
  aeon_mem_free(b);
  aeon_mem_free(c);
  if (!all_ok) {
    if (rank == 0) fprintf(stderr, "bench_wave: triad arrays (3 x %zu bytes per rank) not allocated\n", bytes);
    return 0;
  }
  double bw = 24.0 * TRIAD_N * size / best;
  if (rank == 0) {
    printf("{\"bench\": \"triad\", \"ranks\": %d, \"n\": %d, \"reps\": %d, \"bytes_per_s\": %.4g, "
           "\"bytes_per_s_per_core\": %.4g}\n",
           size, TRIAD_N, TRIAD_REPS, bw, bw / size);
    fflush(stdout);
  }
  return bw;
}

static double timer_total(const aeon_timers *t, const char *name) {
  for (int i = 0; i < t->n; i++)
    if (strcmp(t->name[i], name) == 0) return t->total[i];
  return 0.0;
}

/* CPU seconds used by this process so far (all threads). */
static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench(int n, int steps, int size, int rank, double triad_bw) {
  char gn[64], dims[64];
  snprintf(gn, sizeof gn, "grid.n=[%d,%d,%d]", n * size, n, n);
  snprintf(dims, sizeof dims, "parallel.dims=[%d,1,1]", size);
  const char *deck = "physics: wave\nwave: {solution: plane, k: [1, 1, 1], dissipation: 0.1}\nrun: {t_final: 1e9}\n";
  const char *sets[] = {gn, dims};
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  if (aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "bench_wave.yaml", 2, sets, &opt, &sim)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  if (aeon_sim_step(sim)) { /* warm-up: first touch of every page */
    aeon_error_print(stderr, 1);
    return 1;
  }
  const aeon_timers *tm = aeon_sim_timers(sim);
  double rhs0 = timer_total(tm, "rhs (interior)") + timer_total(tm, "rhs (near ghosts)");
  double x0 = timer_total(tm, "exchange (start)") + timer_total(tm, "exchange (finish)");
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime(), c0 = cpu_seconds();
  aeon_err e = AEON_OK;
  for (int s = 0; s < steps && !e; s++) e = aeon_sim_step(sim);
  if (e) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  double wall = MPI_Wtime() - t0, cpu = cpu_seconds() - c0;
  double rhs = timer_total(tm, "rhs (interior)") + timer_total(tm, "rhs (near ghosts)") - rhs0;
  double xch = timer_total(tm, "exchange (start)") + timer_total(tm, "exchange (finish)") - x0;
  double loc[4] = {wall, rhs, xch, cpu}, mx[4];
  MPI_Reduce(loc, mx, 4, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    double pts = (double)n * n * n, stages = 4.0;
    double step_rate = pts * steps / mx[0], rhs_rate = pts * steps * stages / mx[1];
    /* bandwidth of all ranks against the triad's: -1 when there is no triad figure */
    double step_frac = triad_bw > 0 ? step_rate * size * BYTES_PER_STEP_UPDATE / triad_bw : -1;
    double rhs_frac = triad_bw > 0 ? rhs_rate * size * RHS_BYTES_PER_UPDATE / triad_bw : -1;
    printf("{\"bench\": \"wave\", \"n_per_rank\": %d, \"ranks\": %d, \"steps\": %d, "
           "\"step_updates_per_s_per_core\": %.4g, \"rhs_updates_per_s_per_core\": %.4g, "
           "\"exchange_fraction\": %.4f, \"wall_s\": %.4f, \"bytes_per_step_update\": %d, "
           "\"step_triad_fraction\": %.4f, \"rhs_bytes_per_update\": %d, \"rhs_triad_fraction\": %.4f, "
           "\"cpu_s\": %.4f, \"step_updates_per_cpu_s\": %.4g}\n",
           n, size, steps, step_rate, rhs_rate, mx[2] / mx[0], mx[0], BYTES_PER_STEP_UPDATE, step_frac,
           RHS_BYTES_PER_UPDATE, rhs_frac, mx[3], pts * steps / mx[3]);
    fflush(stdout);
  }
  aeon_sim_destroy(sim);
  return 0;
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  int rank, size, steps = 5, ns[8], nn = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) steps = atoi(argv[++i]);
    else if (nn < 8 && atoi(argv[i]) >= 8) ns[nn++] = atoi(argv[i]);
    else {
      if (rank == 0) fprintf(stderr, "bench_wave: bad argument '%s' (usage: bench_wave [N>=8 ...] [--steps S])\n", argv[i]);
      MPI_Finalize();
      return 2;
    }
  }
  if (nn == 0) ns[nn++] = 64, ns[nn++] = 128;
  int fail = 0;
  double triad_bw = triad_bandwidth(size, rank);
  for (int i = 0; i < nn; i++) fail |= bench(ns[i], steps, size, rank, triad_bw);
  MPI_Finalize();
  return fail;
}
