/* aeon run DECK [--set KEY=VALUE]... [--force] [--quiet] */
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/sim.h"
#include "cli/commands.h"

typedef struct {
  const char *deck;
  const char **sets;
  int nset;
  aeon_sim_options opt;
} run_args;

/* Parses the arguments; the same on every rank, so every rank agrees on errors. */
static aeon_err parse_run(int argc, char **argv, run_args *a) {
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    if (strcmp(s, "--set") == 0) {
      if (i + 1 >= argc) return AE_ERR(AEON_ERR_USER, "run: --set needs KEY=VALUE");
      a->sets[a->nset++] = argv[++i];
    } else if (strncmp(s, "--set=", 6) == 0) {
      a->sets[a->nset++] = s + 6;
    } else if (strcmp(s, "--force") == 0) {
      a->opt.force = 1;
    } else if (strcmp(s, "--quiet") == 0) {
      a->opt.quiet = 1;
    } else if (s[0] == '-') {
      return AE_ERR(AEON_ERR_USER, "run: unknown option '%s' (known: --set, --force, --quiet)", s);
    } else if (a->deck) {
      return AE_ERR(AEON_ERR_USER, "run: more than one deck given ('%s' and '%s')", a->deck, s);
    } else {
      a->deck = s;
    }
  }
  if (!a->deck) return AE_ERR(AEON_ERR_USER, "run: no deck given (usage: aeon run DECK [--set KEY=VALUE]...)");
  return AEON_OK;
}

int aeon_cmd_run(int argc, char **argv) {
  MPI_Init(NULL, NULL);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  run_args a = {0};
  a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
  aeon_sim *sim = NULL;
  aeon_err e = parse_run(argc, argv, &a);
  if (!e) e = aeon_sim_create_from_file(MPI_COMM_WORLD, a.deck, a.nset, (const char *const *)a.sets, &a.opt, &sim);
  int code = AEON_EXIT_OK;
  if (e) {
    code = aeon_cli_report(e, rank); /* agreed by every rank: all exit with the same status */
  } else if ((e = aeon_sim_run(sim)) != AEON_OK) {
    fprintf(stderr, "aeon: rank %d: ", rank);
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, AEON_EXIT_RUNTIME); /* a failure inside the loop: no other rank may hang */
  }
  aeon_sim_destroy(sim);
  free(a.sets);
  MPI_Finalize();
  return code;
}
