/* ranks: 1 3 */
/* The wave module converges at the order of its scheme against the exact
 * solution: three resolutions, measured order in L2 within 0.2 of 4 for RK4
 * (periodic plane wave, and standing wave with symmetry faces), about 2 for RK2. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/sim.h"

static const char *deck =
  "physics: wave\n"
  "grid: {n: [16, 16, 8], xmin: [0, 0, 0], xmax: [1, 1, 0.5]}\n"
  "wave: {solution: plane, k: [1, 1, 0]}\n"
  "run: {t_final: 0.5}\n"
  "time: {cfl: 0.25}\n";

/* Runs the deck with extra overrides at nx = ny = n and returns the L2 error of u. */
static double run_error(int n, int nextra, const char **extra) {
  char setn[64];
  snprintf(setn, sizeof setn, "grid.n=[%d, %d, 8]", n, n);
  const char *sets[8] = {setn};
  for (int i = 0; i < nextra; i++) sets[1 + i] = extra[i];
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  double l2[8], mx[8];
  if (aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "convergence.yaml", 1 + nextra, sets, &opt, &sim) ||
      aeon_sim_run(sim) || aeon_sim_diagnostics(sim, l2, mx)) {
    aeon_error_print(stderr, 1);
    return NAN;
  }
  aeon_sim_destroy(sim);
  return l2[0];
}

/* Measures the order over n, 2n, 4n and checks it is within tol of want. */
static int check(const char *label, int n, double want, double tol, int nextra, const char **extra) {
  double e[3];
  for (int r = 0; r < 3; r++) e[r] = run_error(n << r, nextra, extra);
  double p1 = log2(e[0] / e[1]), p2 = log2(e[1] / e[2]);
  int ok = fabs(p2 - want) <= tol && fabs(p1 - want) <= 2 * tol;
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0)
    printf("%-32s L2 errors %.4e %.4e %.4e  orders %.3f %.3f  (want %.1f +- %.1f) %s\n", label, e[0], e[1], e[2],
           p1, p2, want, tol, ok ? "ok" : "FAIL");
  return !ok;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int fail = 0;
  fail |= check("plane, periodic, rk4", 16, 4.0, 0.2, 0, NULL);
  const char *standing[] = {"wave.solution=standing", "boundary.xlo=symmetry", "boundary.xhi=symmetry",
                            "boundary.ylo=symmetry", "boundary.yhi=symmetry"};
  fail |= check("standing, symmetry faces, rk4", 16, 4.0, 0.2, 5, standing);
  const char *rk2[] = {"time.integrator=rk2"};
  fail |= check("plane, periodic, rk2", 16, 2.0, 0.3, 1, rk2);
  const char *diss[] = {"wave.dissipation=0.2"};
  fail |= check("plane, periodic, rk4 + KO 0.2", 16, 4.0, 0.35, 1, diss);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) printf("%s\n", fail ? "FAIL" : "PASS convergence");
  MPI_Finalize();
  return fail;
}
