/* ranks: 4 */
/* Same deck, same bits: the wave run on 1, 2, 3 and 4 ranks (automatic and
 * forced decompositions) gives bit-identical fields and norms. One mpirun of
 * 4 ranks runs every case on a sub-communicator of the first p ranks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/sim.h"

static const char *deck =
  "physics: wave\n"
  "grid: {n: [18, 14, 12], xmin: [0, 0, 0], xmax: [1, 1, 1]}\n"
  "boundary: {xlo: symmetry, xhi: radiative, ylo: periodic, yhi: periodic, zlo: symmetry, zhi: radiative}\n"
  "wave: {solution: gaussian, width: 0.3, center: [0, 0.5, 0], dissipation: 0.1}\n"
  "run: {t_final: 0.3}\n";

typedef struct {
  int nranks;
  const char *dims;
} run_case;

#define NPTS (18 * 14 * 12)

/* Runs on the first c->nranks ranks; rank 0 returns fields (2 vars) and norms (6 values). */
static int run(const run_case *c, double *fields, double *norms) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm sub;
  MPI_Comm_split(MPI_COMM_WORLD, rank < c->nranks ? 0 : MPI_UNDEFINED, rank, &sub);
  int err = 0;
  if (sub != MPI_COMM_NULL) {
    const char *sets[1] = {c->dims};
    aeon_sim_options opt = {.no_files = 1, .quiet = 1};
    aeon_sim *sim = NULL;
    double l2[3], mx[3];
    err = aeon_sim_create(sub, deck, strlen(deck), "bitwise.yaml", c->dims ? 1 : 0, sets, &opt, &sim) ||
          aeon_sim_run(sim) || aeon_sim_diagnostics(sim, l2, mx) || aeon_sim_gather(sim, 0, fields) ||
          aeon_sim_gather(sim, 1, fields + NPTS);
    if (err) aeon_error_print(stderr, 1);
    for (int i = 0; i < 3; i++) norms[i] = l2[i], norms[3 + i] = mx[i];
    aeon_sim_destroy(sim);
    MPI_Comm_free(&sub);
  }
  MPI_Bcast(&err, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return err;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  static double ref[2 * NPTS], got[2 * NPTS];
  double nref[6], ngot[6];
  const run_case cases[] = {{1, NULL}, {2, NULL}, {3, NULL}, {4, NULL}, {2, "parallel.dims=[1,1,2]"},
                            {3, "parallel.dims=[1,3,1]"}, {4, "parallel.dims=[2,2,1]"}, {4, "parallel.dims=[1,1,4]"}};
  int fail = run(&cases[0], ref, nref);
  for (size_t i = 1; i < sizeof cases / sizeof cases[0] && !fail; i++) {
    if (cases[i].nranks > size) continue;
    fail |= run(&cases[i], got, ngot);
    if (rank == 0) {
      int same_f = memcmp(ref, got, sizeof ref) == 0, same_n = memcmp(nref, ngot, sizeof nref) == 0;
      printf("%d ranks %-24s fields %s, norms %s (L2 err_u %.17g)\n", cases[i].nranks,
             cases[i].dims ? cases[i].dims : "(automatic)", same_f ? "bit-identical" : "DIFFER",
             same_n ? "bit-identical" : "DIFFER", ngot[0]);
      fail |= !(same_f && same_n);
    }
    MPI_Bcast(&fail, 1, MPI_INT, 0, MPI_COMM_WORLD);
  }
  if (rank == 0) printf("%s\n", fail ? "FAIL" : "PASS bitwise");
  MPI_Finalize();
  return fail;
}
