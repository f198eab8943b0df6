/* Time to solution of Bowen-York puncture data (aeon/bowen_york.h) for the
 * calibration binary (x = +-3.257, m = 0.483, P = +-0.133 y) on [-12, 12]^3 at
 * N^3 (default 96, h = 0.25): set-up (operators, multigrid hierarchy, GMRES),
 * a cold solve from u = 0, then a warm solve of a nearby data set (P = +-0.135)
 * from the first solution (aeon_by_set_punctures), then a cold solve of that
 * data set for comparison. One JSON line per case (Newton steps, Krylov
 * iterations, seconds, ADM mass), then the warm start's savings.
 * Usage: mpirun -n 2 bench_puncture_data [N]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/bowen_york.h"

static int rank;

static void line(const char *name, const aeon_by_result *r, const aeon_by_masses *M, long N) {
  if (rank == 0)
    printf("{\"bench\": \"puncture_data\", \"case\": \"%s\", \"N\": %ld, \"newton\": %d, \"krylov\": %ld, "
           "\"seconds\": %.4f, \"adm_mass\": %.10f, \"local_mass\": %.10f}\n",
           name, N, r->newton_its, r->ksp_its, r->seconds, M->adm, M->local[0]);
}

static aeon_err bench(long N) {
  aeon_mesh m;
  aeon_par par;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) {
    m.N[d] = N;
    m.xmin[d] = -12;
    m.xmax[d] = 12;
    m.dx[d] = 24.0 / (double)N;
  }
  m.ghost = 2;
  for (int f = 0; f < 6; f++) m.bc[f] = AEON_BC_ROBIN;
  int dims[3] = {0, 0, 0}, periodic[3] = {0, 0, 0};
  AE_CHK(aeon_par_create(MPI_COMM_WORLD, dims, periodic, m.N, &par));
  AE_CHK(aeon_mesh_setup_patch(&m, &par));
  aeon_by_puncture p[2], q[2];
  memset(p, 0, sizeof p);
  p[0].m = p[1].m = 0.483;
  p[0].x[0] = 3.257;
  p[1].x[0] = -3.257;
  p[0].P[1] = 0.133;
  p[1].P[1] = -0.133;
  memcpy(q, p, sizeof q);
  q[0].P[1] = 0.135;
  q[1].P[1] = -0.135;
  aeon_by_opts o;
  aeon_by_opts_default(&o);
  aeon_by *by = NULL, *by2 = NULL;
  aeon_by_result cold, warm, cold2;
  aeon_by_masses M;
  double t0 = MPI_Wtime();
  AE_CHK(aeon_by_create(&m, 2, p, &o, "punctures", &by));
  double setup = MPI_Wtime() - t0;
  if (rank == 0) printf("{\"bench\": \"puncture_data\", \"case\": \"setup\", \"N\": %ld, \"seconds\": %.4f}\n", N, setup);
  AE_CHK(aeon_by_solve(by, &cold));
  AE_CHK(aeon_by_masses_compute(by, &M));
  line("cold", &cold, &M, N);
  AE_CHK(aeon_by_set_punctures(by, 2, q, "punctures"));
  AE_CHK(aeon_by_solve(by, &warm));
  AE_CHK(aeon_by_masses_compute(by, &M));
  line("warm_P0.135", &warm, &M, N);
  AE_CHK(aeon_by_create(&m, 2, q, &o, "punctures", &by2));
  AE_CHK(aeon_by_solve(by2, &cold2));
  AE_CHK(aeon_by_masses_compute(by2, &M));
  line("cold_P0.135", &cold2, &M, N);
  if (rank == 0)
    printf("{\"bench\": \"puncture_data\", \"case\": \"warm_savings\", \"N\": %ld, \"newton_saved\": %d, "
           "\"krylov_saved\": %ld, \"speedup\": %.2f}\n", N, cold2.newton_its - warm.newton_its,
           cold2.ksp_its - warm.ksp_its, warm.seconds > 0 ? cold2.seconds / warm.seconds : 0.0);
  aeon_by_destroy(by2);
  aeon_by_destroy(by);
  aeon_par_destroy(&par);
  return AEON_OK;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  long N = argc > 1 ? atol(argv[1]) : 96;
  aeon_err e = bench(N);
  if (e) aeon_error_print(stderr, 0);
  MPI_Finalize();
  return e != AEON_OK;
}
