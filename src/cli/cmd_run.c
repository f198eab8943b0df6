/* aeon run DECK [--set KEY=VALUE]... [--restart auto|CHECKPOINT] [--force] [--quiet] [--dry-run],
 * aeon restart CHECKPOINT [...] and aeon check DECK [--set KEY=VALUE]... [-n RANKS]: the arguments are parsed alike on
 * every rank; a run builds the simulation and steps it; a check (or --dry-run) makes every check of the set-up without
 * fields or files and prints the plan (or the effective parameters). */
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/parallel.h"
#include "aeon/checkpoint.h"
#include "aeon/memory.h"
#include "cli/commands.h"

typedef enum { CMD_RUN, CMD_RESTART, CMD_CHECK } cmd_kind;
static const char *const cmd_name[] = {"run", "restart", "check"};
static const char *const cmd_known[] = {"--set, --restart, --force, --quiet, --dry-run", "--set, --force, --quiet, --dry-run",
                                        "--set, -n RANKS, --quiet"};

typedef struct {
  const char *deck;
  const char **sets;
  int nset;
  int dry_run; /* --dry-run: check, print the effective parameters, write nothing */
  int ranks;   /* check -n RANKS (0: the number of MPI ranks) */
  aeon_sim_options opt;
} run_args;

/* Reads the value of -n RANKS. */
static aeon_err parse_ranks(const char *cmd, const char *v, int *ranks) {
  char *end = NULL;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 1 || n > 1000000)
    return AE_ERR(AEON_ERR_USER, "%s: -n expects a number of ranks from 1 to 1000000, got '%s'", cmd, v);
  *ranks = (int)n;
  return AEON_OK;
}

/* Parses the arguments; the same on every rank, so every rank agrees on errors. */
static aeon_err parse_run(cmd_kind k, int argc, char **argv, run_args *a) {
  const char *cmd = cmd_name[k];
  int want_deck = k != CMD_RESTART;
  for (int i = 0; i < argc; i++) {
    const char *s = argv[i];
    int needs_value = strcmp(s, "--set") == 0 || (k == CMD_RUN && strcmp(s, "--restart") == 0) ||
                      (k == CMD_CHECK && (strcmp(s, "-n") == 0 || strcmp(s, "--ranks") == 0));
    if (needs_value && i + 1 >= argc) return AE_ERR(AEON_ERR_USER, "%s: %s needs a value", cmd, s);
    if (strcmp(s, "--set") == 0) {
      a->sets[a->nset++] = argv[++i];
    } else if (strncmp(s, "--set=", 6) == 0) {
      a->sets[a->nset++] = s + 6;
    } else if (k == CMD_RUN && strcmp(s, "--restart") == 0) {
      a->opt.restart = argv[++i];
    } else if (k == CMD_CHECK && (strcmp(s, "-n") == 0 || strcmp(s, "--ranks") == 0)) {
      AE_CHK(parse_ranks(cmd, argv[++i], &a->ranks));
    } else if (k != CMD_CHECK && strcmp(s, "--force") == 0) {
      a->opt.force = 1;
    } else if (strcmp(s, "--quiet") == 0) {
      a->opt.quiet = 1;
    } else if (k != CMD_CHECK && strcmp(s, "--dry-run") == 0) {
      a->dry_run = 1;
    } else if (s[0] == '-') {
      return AE_ERR(AEON_ERR_USER, "%s: unknown option '%s' (known: %s)", cmd, s, cmd_known[k]);
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

/* The deck text of a run: the deck file, or a checkpoint's effective parameters when deck is NULL. */
static aeon_err deck_text(const char *deck, const char *checkpoint, char **text, size_t *len) {
  if (deck) return aeon_sim_read_deck(MPI_COMM_WORLD, deck, text, len);
  aeon_checkpoint_meta mt;
  AE_CHK(aeon_checkpoint_read_meta(MPI_COMM_WORLD, checkpoint, &mt));
  *len = strlen(mt.effective);
  *text = malloc(*len + 1);
  if (*text) memcpy(*text, mt.effective, *len + 1);
  aeon_checkpoint_meta_free(&mt);
  return *text ? AEON_OK : AE_ERR(AEON_ERR_MEM, "out of memory for the parameters of '%s'", checkpoint);
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

/* 1 when an MPI launcher (mpirun, srun, hydra) started this process: then a check initialises MPI like a run. */
static int launched(void) {
  static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"};
  for (int i = 0; i < 4; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

/* aeon check, and run --dry-run: every check of a run's set-up, then the plan (check) or the effective parameters
 * (--dry-run) on stdout; nothing is allocated for the fields and nothing is written. Without a launcher (and without a
 * checkpoint to read) no MPI is started: a check on a login node takes a fraction of a second. */
static int check(const char *deck, const run_args *a, int plan) {
  int mpi = launched() || !deck, rank = 0, size = 1;
  if (mpi) {
    aeon_mpi_preinit();
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  int ranks = a->ranks ? a->ranks : size;
  char *text = NULL;
  size_t len = 0;
  const char *name = deck ? deck : a->opt.restart;
  aeon_err e = !mpi ? aeon_deck_read_file(deck, &text, &len) : deck_text(deck, a->opt.restart, &text, &len);
  if (!e)
    e = aeon_sim_check(mpi ? MPI_COMM_WORLD : MPI_COMM_NULL, text, len, name, a->nset, (const char *const *)a->sets,
                       &a->opt, ranks, plan && !a->opt.quiet ? stdout : NULL, plan ? NULL : stdout);
  free(text);
  int code = e ? aeon_cli_report(e, rank) : AEON_EXIT_OK;
  if (!e && plan && !a->opt.quiet && rank == 0)
    printf("aeon: %s: valid for %d rank%s; nothing was written\n", name, ranks, ranks == 1 ? "" : "s");
  if (mpi) MPI_Finalize();
  return code;
}

/* Shared by run, restart and check: parse, then simulate or check. */
static int simulate_cmd(cmd_kind k, int argc, char **argv) {
  run_args a = {0};
  a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
  aeon_err e = parse_run(k, argc, argv, &a);
  const char *deck = a.deck;
  if (k == CMD_RESTART) a.opt.restart = a.deck, deck = NULL;
  int code;
  if (e && !launched()) { /* one process: no MPI needed to say so */
    code = aeon_cli_report(e, 0);
  } else if (!e && (k == CMD_CHECK || a.dry_run)) {
    code = check(deck, &a, k == CMD_CHECK);
  } else {
    aeon_mpi_preinit();
    MPI_Init(NULL, NULL);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    code = e ? aeon_cli_report(e, rank) : simulate(deck, a.nset, (const char *const *)a.sets, &a.opt);
    MPI_Finalize();
  }
  free(a.sets);
  return code;
}

int aeon_cmd_run(int argc, char **argv) { return simulate_cmd(CMD_RUN, argc, argv); }

int aeon_cmd_restart(int argc, char **argv) { return simulate_cmd(CMD_RESTART, argc, argv); }

int aeon_cmd_check(int argc, char **argv) { return simulate_cmd(CMD_CHECK, argc, argv); }
