/* aeon factor (--n N | --input FILE:/DSET) [--output FILE[:/DSET]] [--nb NB] [--budget SIZE] [--grid PxQ]
 *             [--ooc DIR] [--lookahead D] [--block T] [--seed S] [--reproducible] [--check] [--quiet]
 * Cholesky factorization A = L L^T of a generated SPD matrix or of an HDF5 dataset, in core or out of core. */
#include <string.h>
#include <sys/stat.h>

#include <mpi.h>

#include "aeon/drivers.h"
#include "aeon/parallel.h"
#include "cli/commands.h"

typedef struct factor_args {
  long n, nb, lookahead, block, seed;
  const char *input, *output, *budget, *grid, *ooc;
  int check, quiet, reproducible;
  char in_file[1024], in_dset[256], out_file[1024], out_dset[256];
} factor_args;

typedef struct factor_run {
  aeon_cli_dense d; /* grid, budget, governor, rank, progress timing */
  aeon_tiled *A;
  aeon_gen gen;
  uint64_t h5_read, h5_written;
} factor_run;

static aeon_err parse_factor(int argc, char **argv, factor_args *a) {
  a->nb = (long)aeon_drivers_default("drivers.tile_size");
  a->lookahead = (long)aeon_drivers_default("drivers.lookahead");
  a->seed = 1;
  const aeon_cli_flag f[] = {
    {"--n", 'i', &a->n, 1, 1e7},          {"--input", 's', &a->input, 0, 0},
    {"--output", 's', &a->output, 0, 0},  {"--nb", 'i', &a->nb, 8, 16384},
    {"--budget", 's', &a->budget, 0, 0},  {"--grid", 's', &a->grid, 0, 0},
    {"--ooc", 's', &a->ooc, 0, 0},        {"--lookahead", 'i', &a->lookahead, 0, 16},
    {"--block", 'i', &a->block, 1, 1e6},  {"--seed", 'i', &a->seed, 0, 9e15},
    {"--check", 'f', &a->check, 0, 0},    {"--quiet", 'f', &a->quiet, 0, 0},
    {"--reproducible", 'f', &a->reproducible, 0, 0},
  };
  AE_CHK(aeon_cli_flags("factor", f, sizeof f / sizeof f[0], argc, argv));
  if ((a->n > 0) == (a->input != NULL))
    return AE_ERR(AEON_ERR_USER, "factor: give exactly one of --n N (a generated SPD matrix) or --input FILE:/DATASET");
  if (a->check && a->ooc) return AE_ERR(AEON_ERR_USER, "factor: --check needs an in-core factorization (no --ooc)");
  if (a->input) AE_CHK(aeon_h5_split(a->input, "/A", a->in_file, sizeof a->in_file, a->in_dset, sizeof a->in_dset));
  if (a->output) AE_CHK(aeon_h5_split(a->output, "/L", a->out_file, sizeof a->out_file, a->out_dset, sizeof a->out_dset));
  return AEON_OK;
}

/* The output must not be the input file: the input is never modified. */
static aeon_err check_output(const factor_args *a) {
  struct stat si, so;
  if (!a->input || !a->output) return AEON_OK;
  if (strcmp(a->in_file, a->out_file) == 0 ||
      (stat(a->in_file, &si) == 0 && stat(a->out_file, &so) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino))
    return AE_ERR(AEON_ERR_USER, "factor: --output '%s' is the input file; the input is never modified", a->out_file);
  return AEON_OK;
}

/* Refuses, before any work, a problem whose working set does not fit the budget. */
static aeon_err check_fit(const factor_args *a, const factor_run *r, long n) {
  size_t need;
  char nb[32], bb[32];
  if (a->ooc) AE_CHK(aeon_chol_ooc_bytes(&r->d.g, n, (int)a->nb, a->block ? a->block : 1, &need));
  else AE_CHK(aeon_chol_core_bytes(&r->d.g, n, (int)a->nb, (int)a->lookahead, &need));
  size_t mat = 0;
  if (a->check) AE_CHK(aeon_tiled_core_bytes(&r->d.g, n, n, (int)a->nb, AEON_TRAIT_SPD, &mat));
  need += 2 * mat;
  if (need <= r->d.budget) return AEON_OK;
  aeon_format_bytes((double)need, nb, sizeof nb);
  aeon_format_bytes((double)r->d.budget, bb, sizeof bb);
  if (a->ooc)
    return AE_ERR(AEON_ERR_USER,
                  "factor: the budget of %s per rank is below the minimum working set of the out-of-core Cholesky "
                  "with tile size %ld (%s); lower --nb or raise --budget",
                  bb, a->nb, nb);
  return AE_ERR(AEON_ERR_USER,
                "factor: N = %ld with tile size %ld needs %s per rank in core%s, more than the budget of %s; use --ooc "
                "DIR, a larger --budget or more ranks",
                n, a->nb, nb, a->check ? " (with --check)" : "", bb);
}

static void progress(void *ctx, long done, long total) {
  factor_run *r = ctx;
  if (!aeon_cli_dense_tick(&r->d)) return;
  printf("factor: %3.0f%% of the tile columns done, %.1f s\n", 100.0 * done / total, r->d.last_print - r->d.t0);
  fflush(stdout);
}

/* Creates and fills A: generated, or read from the input dataset. */
static aeon_err load(const factor_args *a, factor_run *r, long n) {
  AE_CHK(aeon_tiled_create(&r->d.g, r->d.gov, n, n, (int)a->nb, AEON_TRAIT_SPD, a->ooc, &r->A));
  if (a->input) return aeon_tiled_read_h5(r->A, a->in_file, a->in_dset, &r->h5_read);
  r->gen = (aeon_gen){.seed = (uint64_t)a->seed, .n = n};
  return aeon_tiled_fill(r->A, aeon_gen_spd, &r->gen);
}

/* ||A - L L^T||_F / ||A||_F against the generator or a second copy of the input. */
static aeon_err check(const factor_args *a, factor_run *r) {
  double err;
  aeon_tiled *A0 = NULL;
  aeon_err e = AEON_OK;
  if (a->input) {
    e = aeon_tiled_create(&r->d.g, r->d.gov, r->A->n, r->A->n, (int)a->nb, AEON_TRAIT_SYMMETRIC, NULL, &A0);
    if (!e) e = aeon_tiled_read_h5(A0, a->in_file, a->in_dset, NULL);
  }
  if (!e) e = aeon_chol_backward_error(r->A, A0 ? aeon_tiled_elem : aeon_gen_spd, A0 ? (void *)A0 : &r->gen, &err);
  aeon_tiled_destroy(A0);
  AE_CHK(e);
  if (r->d.rank == 0) printf("factor: backward error ||A - L L^T||_F / ||A||_F = %.3e\n", err);
  return AEON_OK;
}

/* The closing line (rank 0). */
static void summary(const factor_args *a, const factor_run *r, long n, const aeon_chol_stats *st) {
  char what[256];
  snprintf(what, sizeof what, "factor: N=%ld nb=%ld grid %dx%d %s", n, a->nb, r->d.g.P, r->d.g.Q,
           a->ooc ? "out of core" : "in core");
  if (a->ooc) printf("factor: out-of-core blocks of %ld x %ld tiles\n", st->block_tiles, st->block_tiles);
  aeon_cli_summary(stdout, what, st->seconds, st->flops, st->io_read + r->h5_read, st->io_written + r->h5_written,
                   st->peak, r->d.budget);
}

static aeon_err factor(factor_args *a, factor_run *r) {
  long n = a->n, cols = 0;
  AE_CHK(check_output(a));
  AE_CHK(aeon_cli_dense_setup(a->grid, a->budget, &r->d));
  if (a->input) {
    AE_CHK(aeon_h5_shape(r->d.g.comm, a->in_file, a->in_dset, &n, &cols));
    if (n != cols)
      return AE_ERR(AEON_ERR_USER, "factor: dataset '%s' in '%s' is %ld x %ld; Cholesky needs a square matrix",
                    a->in_dset, a->in_file, n, cols);
  }
  if (a->nb == 0) a->nb = aeon_drivers_auto_nb(n); /* no --nb and drivers.tile_size 0 */
  AE_CHK(check_fit(a, r, n));
  AE_CHK(load(a, r, n));
  aeon_chol_opts o = aeon_chol_defaults();
  o.lookahead = (int)a->lookahead;
  o.block_tiles = a->block;
  if (a->reproducible) o.reproducible = 1;
  o.progress = progress;
  o.progress_ctx = r;
  aeon_cli_dense_start(&r->d);
  aeon_chol_stats st;
  AE_CHK(aeon_chol(r->A, &o, &st));
  if (a->check) AE_CHK(check(a, r));
  if (a->output) AE_CHK(aeon_tiled_write_h5(r->A, a->out_file, a->out_dset, &r->h5_written));
  if (r->d.rank == 0) summary(a, r, n, &st);
  return AEON_OK;
}

typedef struct factor_cmd {
  factor_args a;
  factor_run r;
} factor_cmd;

static aeon_err factor_body(int argc, char **argv, int rank, void *ctx) {
  factor_cmd *c = ctx;
  c->r.d.rank = rank;
  aeon_err e = parse_factor(argc, argv, &c->a);
  c->r.d.quiet = c->a.quiet || rank != 0;
  return e ? e : factor(&c->a, &c->r);
}

static void factor_cleanup(void *ctx) {
  factor_cmd *c = ctx;
  aeon_tiled_destroy(c->r.A);
  aeon_cli_dense_free(&c->r.d);
}

int aeon_cmd_factor(int argc, char **argv) {
  factor_cmd c;
  memset(&c, 0, sizeof c);
  return aeon_cli_driver(factor_body, factor_cleanup, &c, argc, argv);
}
