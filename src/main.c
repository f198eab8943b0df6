/* aeon: the command-line front end.
 *   aeon run DECK [--set key=value]... [--force] [--quiet]
 *   aeon params [--markdown]
 *   aeon --version | --help
 * Exit status: 0 success, 1 run-time failure, 2 bad input (deck, flag, file). */
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/sim.h"
#include "aeon/version.h"

enum { EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

static void usage(FILE *out) {
  fprintf(out,
          "usage: aeon COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  run DECK [--set KEY=VALUE]... [--force] [--quiet]\n"
          "                       run the simulation described by the YAML deck DECK\n"
          "      --set KEY=VALUE  override a deck value, e.g. --set grid.n=64 (repeatable)\n"
          "      --force          write into an existing, non-empty run directory\n"
          "      --quiet          no banner, progress lines or timing table\n"
          "  params [--markdown]  list every parameter a deck may set\n"
          "  --version            print the version\n"
          "  --help               print this help\n"
          "\n"
          "exit status: 0 success, 1 run-time failure, 2 bad input (deck, flag or file)\n"
          "environment: AEON_TRACE=1 prints the call stack of every error\n");
}

static int exit_code(aeon_err e) { return e == AEON_ERR_USER ? EXIT_INPUT : EXIT_RUNTIME; }

static int report(aeon_err e, int rank) {
  if (rank == 0) {
    const char *tr = getenv("AEON_TRACE");
    aeon_error_print(stderr, e != AEON_ERR_USER || (tr && tr[0] == '1'));
  }
  return exit_code(e);
}

static int cmd_params(int argc, char **argv) {
  int md = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--markdown") == 0) md = 1;
    else {
      fprintf(stderr, "aeon: error: params: unknown option '%s' (known: --markdown)\n", argv[i]);
      return EXIT_INPUT;
    }
  }
  aeon_paramset *ps = NULL;
  aeon_err e = aeon_params_all(&ps);
  if (e) return report(e, 0);
  aeon_paramset_print(ps, stdout, md);
  aeon_paramset_destroy(ps);
  return 0;
}

typedef struct {
  const char *deck;
  const char **sets;
  int nset;
  aeon_sim_options opt;
} run_args;

/* Parses the arguments of `run`; the same on every rank, so every rank agrees on errors. */
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

static int cmd_run(int argc, char **argv) {
  MPI_Init(NULL, NULL);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  run_args a = {0};
  a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
  aeon_sim *sim = NULL;
  aeon_err e = parse_run(argc, argv, &a);
  if (!e) e = aeon_sim_create_from_file(MPI_COMM_WORLD, a.deck, a.nset, (const char *const *)a.sets, &a.opt, &sim);
  int code = 0;
  if (e) {
    code = report(e, rank); /* agreed by every rank: all exit with the same status */
  } else if ((e = aeon_sim_run(sim)) != AEON_OK) {
    fprintf(stderr, "aeon: rank %d: ", rank);
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME); /* a failure inside the loop: no other rank may hang */
  }
  aeon_sim_destroy(sim);
  free(a.sets);
  MPI_Finalize();
  return code;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_INPUT : 0;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("aeon %s (%s build)\n", AEON_VERSION_STRING, AEON_BUILD_TYPE);
    return 0;
  }
  if (strcmp(argv[1], "params") == 0) return cmd_params(argc - 2, argv + 2);
  if (strcmp(argv[1], "run") == 0) return cmd_run(argc - 2, argv + 2);
  fprintf(stderr, "aeon: error: unknown command '%s' (known: run, params, --version, --help)\n", argv[1]);
  return EXIT_INPUT;
}
