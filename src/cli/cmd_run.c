/* aeon run DECK [--set KEY=VALUE]... [--restart auto|CHECKPOINT] [--force] [--quiet] */
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/checkpoint.h"
#include "aeon/memory.h"
#include "cli/commands.h"

typedef struct {
  const char *deck;
  const char **sets;
  int nset;
  aeon_sim_options opt;
} run_args;

/* Parses the arguments; the same on every rank, so every rank agrees on errors. */
static aeon_err parse_run(const char *cmd, int argc, char **argv, run_args *a, int want_deck) {
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    if (strcmp(s, "--set") == 0 || strcmp(s, "--restart") == 0) {
      if (i + 1 >= argc) return AE_ERR(AEON_ERR_USER, "%s: %s needs a value", cmd, s);
      if (s[2] == 's') a->sets[a->nset++] = argv[++i];
      else a->opt.restart = argv[++i];
    } else if (strncmp(s, "--set=", 6) == 0) {
      a->sets[a->nset++] = s + 6;
    } else if (strcmp(s, "--force") == 0) {
      a->opt.force = 1;
    } else if (strcmp(s, "--quiet") == 0) {
      a->opt.quiet = 1;
    } else if (s[0] == '-') {
      return AE_ERR(AEON_ERR_USER, "%s: unknown option '%s' (known: --set, %s--force, --quiet)", cmd, s,
                    want_deck ? "--restart, " : "");
    } else if (a->deck) {
      return AE_ERR(AEON_ERR_USER, "%s: more than one %s given ('%s' and '%s')", cmd,
                    want_deck ? "deck" : "checkpoint", a->deck, s);
    } else {
      a->deck = s;
    }
  }
  if (!a->deck)
    return AE_ERR(AEON_ERR_USER, "%s: no %s given (see aeon --help)", cmd, want_deck ? "deck" : "checkpoint");
  return AEON_OK;
}

/* Exit status once the run ended (every rank agrees on it); after an error the final line says so. */
static int finish(aeon_sim *sim, aeon_err e, int rank) {
  if (!e) {
    aeon_stop_kind k = aeon_sim_stop_reason(sim, NULL);
    return k == AEON_STOP_SIGNAL ? AEON_EXIT_SIGNALED : k == AEON_STOP_REQUESTED ? AEON_EXIT_STOPPED : AEON_EXIT_OK;
  }
  if (e == AEON_ERR_NUMERIC || e == AEON_ERR_IO || e == AEON_ERR_USER) {
    int code = aeon_cli_report(e, rank);
    if (rank == 0)
      fprintf(stderr, "aeon: run stopped at step %ld, t = %.6g: error (exit status %d, see the message above)\n",
              aeon_sim_stepno(sim), aeon_sim_time(sim), code);
    return code;
  }
  fprintf(stderr, "[rank %d] ", rank);
  aeon_error_print(stderr, 1);
  MPI_Abort(MPI_COMM_WORLD, AEON_EXIT_RUNTIME); /* an unexpected failure: no rank may hang */
  return AEON_EXIT_RUNTIME;
}

/* Builds the simulation from a deck file, or from a checkpoint's own parameters when deck is NULL. */
static aeon_err create(const char *deck, int nset, const char *const *sets, aeon_sim_options *opt, aeon_sim **sim) {
  if (deck) return aeon_sim_create_from_file(MPI_COMM_WORLD, deck, nset, sets, opt, sim);
  aeon_checkpoint_meta mt;
  AE_CHK(aeon_checkpoint_read_meta(MPI_COMM_WORLD, opt->restart, &mt));
  aeon_err e = aeon_sim_create(MPI_COMM_WORLD, mt.effective, strlen(mt.effective), opt->restart, nset, sets, opt, sim);
  aeon_checkpoint_meta_free(&mt);
  return e;
}

static int simulate(const char *deck, int nset, const char *const *sets, aeon_sim_options *opt) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  aeon_sim *sim = NULL;
  aeon_sim_install_signal_handlers();
  aeon_err e = create(deck, nset, sets, opt, &sim);
  int code = e ? aeon_cli_report(e, rank) : finish(sim, aeon_sim_run(sim), rank);
  aeon_sim_destroy(sim);
  return code;
}

/* Shared by run and restart: parse, then simulate. */
static int simulate_cmd(const char *cmd, int argc, char **argv, int want_deck) {
  MPI_Init(NULL, NULL);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  run_args a = {0};
  a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
  aeon_err e = parse_run(cmd, argc, argv, &a, want_deck);
  int code;
  if (e) code = aeon_cli_report(e, rank);
  else if (want_deck) code = simulate(a.deck, a.nset, (const char *const *)a.sets, &a.opt);
  else {
    a.opt.restart = a.deck;
    code = simulate(NULL, a.nset, (const char *const *)a.sets, &a.opt);
  }
  free(a.sets);
  MPI_Finalize();
  return code;
}

int aeon_cmd_run(int argc, char **argv) { return simulate_cmd("run", argc, argv, 1); }

int aeon_cmd_restart(int argc, char **argv) { return simulate_cmd("restart", argc, argv, 0); }
