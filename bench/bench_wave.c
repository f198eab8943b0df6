/* Wave benchmark: rhs throughput (grid-point updates per second per core) with
 * NxNxN points per rank, and the share of step time spent in ghost exchange.
 * Prints one JSON object per line. Usage: bench_wave [N ...] [--steps S]
 * (default N = 64 128). Run it under mpirun -n P with one rank per core: each rank owns N^3 points,
 * so "per core" figures are per rank. Times are the maximum over ranks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/sim.h"

static double timer_total(const aeon_timers *t, const char *name) {
  for (int i = 0; i < t->n; i++)
    if (strcmp(t->name[i], name) == 0) return t->total[i];
  return 0.0;
}

static int bench(int n, int steps, int size, int rank) {
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
  double t0 = MPI_Wtime();
  aeon_err e = AEON_OK;
  for (int s = 0; s < steps && !e; s++) e = aeon_sim_step(sim);
  if (e) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  double wall = MPI_Wtime() - t0;
  double rhs = timer_total(tm, "rhs (interior)") + timer_total(tm, "rhs (near ghosts)") - rhs0;
  double xch = timer_total(tm, "exchange (start)") + timer_total(tm, "exchange (finish)") - x0;
  double loc[3] = {wall, rhs, xch}, mx[3];
  MPI_Reduce(loc, mx, 3, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    double pts = (double)n * n * n, stages = 4.0;
    printf("{\"bench\": \"wave\", \"n_per_rank\": %d, \"ranks\": %d, \"steps\": %d, "
           "\"step_updates_per_s_per_core\": %.4g, \"rhs_updates_per_s_per_core\": %.4g, "
           "\"exchange_fraction\": %.4f, \"wall_s\": %.4f}\n",
           n, size, steps, pts * steps / mx[0], pts * steps * stages / mx[1], mx[2] / mx[0], mx[0]);
    fflush(stdout);
  }
  aeon_sim_destroy(sim);
  return 0;
}

int main(int argc, char **argv) {
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
  for (int i = 0; i < nn; i++) fail |= bench(ns[i], steps, size, rank);
  MPI_Finalize();
  return fail;
}
