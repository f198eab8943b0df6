/* aeon: the command-line front end. Each subcommand lives in src/cli/; this
 * file only dispatches. Exit status: 0 success, 1 run-time failure, 2 bad input. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const aeon_command commands[] = {
  {"run", aeon_cmd_run, "DECK [--set KEY=VALUE]... [--restart auto|CHECKPOINT] [--force] [--quiet] [--dry-run]",
   "run the simulation described by the YAML deck DECK",
   "      --set KEY=VALUE  override a deck value, e.g. --set grid.n=64 (repeatable)\n"
   "      --restart auto   continue from the newest valid checkpoint of the run directory (fresh start if none)\n"
   "      --force          write into an existing, non-empty run directory\n"
   "      --quiet          no plan, banner, progress lines or timing table\n"
   "      --dry-run        check the deck and print the effective parameters (YAML); run nothing, write nothing\n"},
  {"restart", aeon_cmd_restart, "CHECKPOINT [--set KEY=VALUE]... [--quiet] [--dry-run]",
   "continue a run from a checkpoint file, in the run directory it belongs to", NULL},
  {"check", aeon_cmd_check, "DECK [--set KEY=VALUE]... [-n RANKS] [--quiet]",
   "check a deck as 'aeon run' would, without running or writing anything, and print the run's plan",
   "      -n RANKS         check the process grid for RANKS ranks (default: the ranks it runs on) and estimate\n"
   "                       the field memory of the largest rank\n"
   "      --quiet          print no plan, only errors\n"},
  {"inspect", aeon_cmd_inspect, "CHECKPOINT [--all] [--key FILE]",
   "print a checkpoint's metadata, tiers and receipts, and verify checksums and the receipt chain", NULL},
  {"params", aeon_cmd_params, "[SECTION | KEY | PATTERN] [--markdown]",
   "list the parameters a deck may set: all, one section (grid), one key (grid.n), or keys matching a pattern",
   "      PATTERN          a shell pattern ('*every*'), or any part of a key (every)\n"
   "      --markdown       a Markdown table (docs/parameters.md is made from it)\n"},
  {"factor", aeon_cmd_factor, "(--n N | --input FILE:/DSET) [--output FILE[:/DSET]] [--nb NB] [--budget SIZE] [--grid PxQ] [--ooc DIR]",
   "Cholesky factorization A = L L^T of a generated SPD matrix or an HDF5 dataset, in core or out of core",
   "      --n N            factor a generated SPD matrix of order N (--seed S picks it)\n"
   "      --input F:/D     factor dataset D of HDF5 file F (read-only; symmetry is checked)\n"
   "      --output F[:/D]  write L to dataset D (default /L) of a new HDF5 file F\n"
   "      --nb NB          tile size (default: the largest of 256, 128, 64 giving >= 24 tile columns)\n"
   "      --lookahead D    panels factored ahead (default 1)\n"
   "      --budget SIZE    memory budget per rank, e.g. 2GiB (default: half the free memory)\n"
   "      --grid PxQ       process grid (default: the squarest); --ooc DIR: tiles in files under DIR\n"
   "      --block T        out-of-core block side in tiles (default: the largest fitting the budget)\n"
   "      --reproducible   one BLAS call per tile: L identical in and out of core, any BLAS threads (slower)\n"
   "      --check          print the backward error ||A - L L^T||_F / ||A||_F (in core)\n"},
  {"matmul", aeon_cmd_matmul,
   "(--m M --k K --n N | --a FILE:/DSET --b FILE:/DSET) [--alpha X] [--beta Y] [--output FILE[:/DSET]] [--nb NB] "
   "[--budget SIZE] [--grid PxQ] [--ooc DIR]",
   "matrix product C = alpha A B + beta C (SUMMA) of generated matrices or HDF5 datasets, in core or out of core",
   "      --m M --k K --n N  multiply generated A (M x K) and B (K x N) (--seed S picks them; C from seed S + 2)\n"
   "      --a F:/D, --b F:/D  take A (default dataset /A) and B (default /B) from HDF5 files (read-only)\n"
   "      --alpha X --beta Y  the scalars (default 1 and 0; beta = 0: C starts at zero)\n"
   "      --output F[:/D]  write C to dataset D (default /C) of a new HDF5 file F\n"
   "      --nb NB          tile size (default 256); --budget SIZE memory budget per rank (default: half the free memory)\n"
   "      --grid PxQ       process grid (default: the squarest); --ooc DIR: A, B and C in tile files under DIR\n"
   "      --block T        C blocks of T x T tiles (default: the largest fitting the budget)\n"
   "      --reproducible   one BLAS call per tile: C identical in and out of core, any BLAS threads (slower)\n"},
  {"solve", aeon_cmd_solve, "DECK [--set KEY=VALUE]... [--quiet] [-aeon_PETSC_OPTION [VALUE]]...",
   "solve the elliptic model problem of DECK (elliptic.*) with a Krylov method, natively or through PETSc",
   "      --set KEY=VALUE  override a deck value, e.g. --set elliptic.ksp_type=bicgstab (repeatable)\n"
   "      -aeon_OPTION     a PETSc option with the aeon_ prefix (elliptic.backend: petsc), e.g. -aeon_ksp_monitor\n"
   "      --quiet          print nothing but errors\n"},
  {"eig", aeon_cmd_eig,
   "(--input FILE:/DSET [--symmetric] | --operator dndrv1 [--grid-size NX] | --deck DECK) [--nev K] [--which LM|LR|SR|SM]"
   " [--sigma S]",
   "a few eigenvalues of an HDF5 matrix, a built-in operator or a deck's evolution operator (Krylov-Schur)",
   "      --input F:/D     the matrix in dataset D of HDF5 file F; --symmetric: it is symmetric (checked)\n"
   "      --operator dndrv1  ARPACK's 2D convection-diffusion operator on an NX x NX grid (--grid-size, --rho)\n"
   "      --deck DECK      the deck's semi-discrete evolution operator du/dt = F(u) (its Jacobian at the initial data\n"
   "                       for a non-linear module) on its mesh, and the largest stable dt of each RK method\n"
   "      --deck DECK      (an elliptic deck: no physics, elliptic.* keys) the model operator of 'aeon solve'\n"
   "      --nev K          eigenvalues wanted (default 4); --which LM|LR|SR (default LM)\n"
   "      --which SM, --sigma S  shift-invert: the eigenvalues nearest S (SM: 0) from (A - S I)^-1, applied by a\n"
   "                       Krylov solve (an elliptic deck's elliptic.ksp_type and elliptic.pc; else GMRES(30))\n"
   "      --ncv M          basis size (default 20); --tol T (default 1e-10); --max-restarts R\n"
   "      --block-size B   vectors per expansion step (default 1; B > 1: block Krylov-Schur, ncv >= nev + 2 B)\n"
   "      --nb NB, --budget SIZE, --grid PxQ  as for factor\n"},
};
static const int ncommands = sizeof commands / sizeof commands[0];

static void usage(FILE *out) {
  fprintf(out, "usage: aeon COMMAND [ARGS]\n\ncommands:\n");
  for (int i = 0; i < ncommands; i++) {
    fprintf(out, "  %s %s\n      %s\n", commands[i].name, commands[i].usage, commands[i].summary);
    if (commands[i].details) fputs(commands[i].details, out);
  }
  fprintf(out,
          "  --version            print the version, the git revision and the libraries\n"
          "  --help               print this help\n"
          "\n"
          "exit status: 0 success, 1 run-time failure, 2 bad input (deck, flag, file, checkpoint),\n"
          "             3 stopped by SIGUSR1/SIGTERM/SIGINT after writing a checkpoint (continue it),\n"
          "             4 NaN/Inf after every retry, 5 stopped on request (RUNDIR/STOP or SIGUSR2) after a checkpoint,\n"
          "             6 the I/O watchdog stopped a write that did not finish within io.watchdog_s\n"
          "environment: AEON_TRACE=1 prints the call stack of every error\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? AEON_EXIT_INPUT : AEON_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    return aeon_cli_version();
  }
  for (int i = 0; i < ncommands; i++) {
    if (strcmp(argv[1], commands[i].name) != 0) continue;
    for (int a = 2; a < argc; a++)
      if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
        printf("usage: aeon %s %s\n    %s\n%s", commands[i].name, commands[i].usage, commands[i].summary,
               commands[i].details ? commands[i].details : "");
        return AEON_EXIT_OK;
      }
    return commands[i].main(argc - 2, argv + 2);
  }
  fprintf(stderr, "aeon: error: unknown command '%s' (run 'aeon --help' for the list)\n", argv[1]);
  return AEON_EXIT_INPUT;
}
