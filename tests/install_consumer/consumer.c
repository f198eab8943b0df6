/* A program outside Aeon that links the installed library: runs a tiny wave deck on its ranks. */
#include <stdio.h>
#include <string.h>

#include <aeon/sim.h>
#include <aeon/version.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const char *deck = "physics: wave\ngrid: {n: 8}\nrun: {t_final: 0.01}\n";
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  double l2[4], mx[4];
  int rc = aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "consumer.yaml", 0, NULL, &opt, &sim) ||
           aeon_sim_run(sim) || aeon_sim_diagnostics(sim, l2, mx);
  if (rc) aeon_error_print(stderr, 1);
  else printf("consumer linked aeon %s: %ld steps, L2 err_u %.3e\n", AEON_VERSION_STRING, aeon_sim_stepno(sim), l2[0]);
  aeon_sim_destroy(sim);
  MPI_Finalize();
  return rc;
}
