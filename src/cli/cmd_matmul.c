/* aeon matmul [--m M --k K --n N | --a FILE:/DSET --b FILE:/DSET] [--alpha X] [--beta Y] [--output FILE[:/DSET]]
 *             [--nb NB] [--budget SIZE] [--grid PxQ] [--ooc DIR] [--block T] [--seed S] [--reproducible] [--quiet]
 * The product C = alpha A B + beta C of generated matrices or HDF5 datasets, in core or out of core (SUMMA). */
#include <string.h>
#include <sys/stat.h>

#include <mpi.h>

#include "aeon/drivers.h"
#include "cli/commands.h"

typedef struct mm_args {
  long m, n, k, nb, block, seed;
  double alpha, beta;
  const char *a, *b, *output, *budget, *grid, *ooc;
  int quiet, reproducible;
  char a_file[1024], a_dset[256], b_file[1024], b_dset[256], out_file[1024], out_dset[256];
} mm_args;

typedef struct mm_run {
  aeon_cli_dense d; /* grid, budget, governor, rank, progress timing */
  aeon_tiled *A, *B, *C;
  aeon_gen gen[3];
  uint64_t h5_read, h5_written;
} mm_run;

static aeon_err parse_matmul(int argc, char **argv, mm_args *a) {
  a->nb = (long)aeon_drivers_default("drivers.tile_size");
  if (a->nb == 0) a->nb = aeon_drivers_auto_nb(0);
  a->seed = 1;
  a->alpha = 1.0;
  const aeon_cli_flag f[] = {
    {"--m", 'i', &a->m, 1, 1e7},               {"--n", 'i', &a->n, 1, 1e7},
    {"--k", 'i', &a->k, 1, 1e7},               {"--a", 's', &a->a, 0, 0},
    {"--b", 's', &a->b, 0, 0},                 {"--alpha", 'r', &a->alpha, -1e300, 1e300},
    {"--beta", 'r', &a->beta, -1e300, 1e300},  {"--output", 's', &a->output, 0, 0},
    {"--nb", 'i', &a->nb, 8, 16384},           {"--budget", 's', &a->budget, 0, 0},
    {"--grid", 's', &a->grid, 0, 0},           {"--ooc", 's', &a->ooc, 0, 0},
    {"--block", 'i', &a->block, 1, 1e6},       {"--seed", 'i', &a->seed, 0, 9e15},
    {"--quiet", 'f', &a->quiet, 0, 0},    {"--reproducible", 'f', &a->reproducible, 0, 0},
  };
  AE_CHK(aeon_cli_flags("matmul", f, sizeof f / sizeof f[0], argc, argv));
  if (a->a) AE_CHK(aeon_h5_split(a->a, "/A", a->a_file, sizeof a->a_file, a->a_dset, sizeof a->a_dset));
  if (a->b) AE_CHK(aeon_h5_split(a->b, "/B", a->b_file, sizeof a->b_file, a->b_dset, sizeof a->b_dset));
  if (a->output)
    AE_CHK(aeon_h5_split(a->output, "/C", a->out_file, sizeof a->out_file, a->out_dset, sizeof a->out_dset));
  return AEON_OK;
}

/* 1 if paths a and b name the same file. */
static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (strcmp(a, b) == 0) return 1;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The output must not be an input file: inputs are never modified. */
static aeon_err check_output(const mm_args *a) {
  if (!a->output) return AEON_OK;
  if ((a->a && same_file(a->a_file, a->out_file)) || (a->b && same_file(a->b_file, a->out_file)))
    return AE_ERR(AEON_ERR_USER, "matmul: --output '%s' is an input file; inputs are never modified", a->out_file);
  return AEON_OK;
}

/* One dimension: the dataset's (file_dim > 0; a flag given as well must agree) or the flag's. */
static aeon_err pick(const char *flag, long given, long file_dim, const char *what, long *out) {
  if (file_dim > 0 && given > 0 && given != file_dim)
    return AE_ERR(AEON_ERR_USER, "matmul: %s %ld does not match %s (%ld)", flag, given, what, file_dim);
  *out = file_dim > 0 ? file_dim : given;
  if (*out <= 0) return AE_ERR(AEON_ERR_USER, "matmul: give %s (or the matrices as --a/--b FILE:/DATASET)", flag);
  return AEON_OK;
}

/* The shapes: A m x k and B k x n from the datasets or the flags; they must conform. */
static aeon_err shapes(const mm_args *a, const mm_run *r, long *m, long *k, long *n) {
  long ar = 0, ac = 0, br = 0, bc = 0, kb = 0;
  if (a->a) AE_CHK(aeon_h5_shape(r->d.g.comm, a->a_file, a->a_dset, &ar, &ac));
  if (a->b) AE_CHK(aeon_h5_shape(r->d.g.comm, a->b_file, a->b_dset, &br, &bc));
  AE_CHK(pick("--m", a->m, ar, "the rows of A", m));
  AE_CHK(pick("--k", a->k, ac, "the columns of A", k));
  AE_CHK(pick("--k", a->k, br, "the rows of B", &kb));
  AE_CHK(pick("--n", a->n, bc, "the columns of B", n));
  if (*k != kb)
    return AE_ERR(AEON_ERR_USER,
                  "matmul: shapes do not conform: A is %ld x %ld but B is %ld x %ld (the columns of A must equal the "
                  "rows of B)",
                  *m, *k, kb, *n);
  return AEON_OK;
}

/* Refuses, before any work, a product whose matrices (in core) and minimum working set do not fit the budget. */
static aeon_err check_fit(const mm_args *a, const mm_run *r, long m, long k, long n) {
  int ooc = a->ooc != NULL, nb = (int)a->nb;
  size_t need = aeon_matmul_work_bytes(&r->d.g, nb, ooc, ooc, ooc, a->block ? a->block : 1, a->block ? a->block : 1);
  long dims[3][2] = {{m, k}, {k, n}, {m, n}};
  for (int x = 0; x < 3 && !ooc; x++) {
    size_t b;
    AE_CHK(aeon_tiled_core_bytes(&r->d.g, dims[x][0], dims[x][1], nb, AEON_TRAIT_GENERAL, &b));
    need += b;
  }
  if (need <= r->d.budget) return AEON_OK;
  char nb_s[32], bb[32];
  aeon_format_bytes((double)need, nb_s, sizeof nb_s);
  aeon_format_bytes((double)r->d.budget, bb, sizeof bb);
  if (ooc)
    return AE_ERR(AEON_ERR_USER,
                  "matmul: the budget of %s per rank is below the minimum working set of the out-of-core product "
                  "with tile size %ld (%s); lower --nb or raise --budget",
                  bb, a->nb, nb_s);
  return AE_ERR(AEON_ERR_USER,
                "matmul: %ld x %ld x %ld with tile size %ld needs %s per rank in core, more than the budget of %s; use "
                "--ooc DIR, a larger --budget or more ranks",
                m, k, n, a->nb, nb_s, bb);
}

/* Creates X (rows x cols) and fills it from the dataset (file given) or generator gen (NULL: zero). */
static aeon_err load(const mm_args *a, mm_run *r, long rows, long cols, const char *file, const char *dset,
                     aeon_gen *gen, aeon_tiled **X) {
  AE_CHK(aeon_tiled_create(&r->d.g, r->d.gov, rows, cols, (int)a->nb, AEON_TRAIT_GENERAL, a->ooc, X));
  if (!file) return gen ? aeon_tiled_fill(*X, aeon_gen_general, gen) : AEON_OK;
  uint64_t bytes = 0;
  AE_CHK(aeon_tiled_read_h5(*X, file, dset, &bytes));
  r->h5_read += bytes;
  return AEON_OK;
}

static void progress(void *ctx, long done, long total) {
  mm_run *r = ctx;
  if (!aeon_cli_dense_tick(&r->d)) return;
  printf("matmul: %3.0f%% of the SUMMA steps done, %.1f s\n", 100.0 * done / total, r->d.last_print - r->d.t0);
  fflush(stdout);
}

/* The closing line (rank 0). */
static void summary(const mm_args *a, const mm_run *r, const aeon_matmul_stats *st) {
  char what[256];
  snprintf(what, sizeof what, "matmul: %ldx%ldx%ld nb=%ld grid %dx%d %s", r->C->m, r->A->n, r->C->n, a->nb, r->d.g.P,
           r->d.g.Q, a->ooc ? "out of core" : "in core");
  printf("matmul: C in %ld block(s) of %ld x %ld tiles\n", st->nblocks, st->block_rows, st->block_cols);
  aeon_cli_summary(stdout, what, st->seconds, st->flops, st->io_read + r->h5_read, st->io_written + r->h5_written,
                   st->peak, r->d.budget);
}

static aeon_err matmul(const mm_args *a, mm_run *r) {
  long m = 0, k = 0, n = 0;
  AE_CHK(check_output(a));
  AE_CHK(aeon_cli_dense_setup(a->grid, a->budget, &r->d));
  AE_CHK(shapes(a, r, &m, &k, &n));
  AE_CHK(check_fit(a, r, m, k, n));
  for (int x = 0; x < 3; x++) r->gen[x] = (aeon_gen){.seed = (uint64_t)a->seed + (uint64_t)x};
  AE_CHK(load(a, r, m, k, a->a ? a->a_file : NULL, a->a_dset, &r->gen[0], &r->A));
  AE_CHK(load(a, r, k, n, a->b ? a->b_file : NULL, a->b_dset, &r->gen[1], &r->B));
  AE_CHK(load(a, r, m, n, NULL, NULL, a->beta != 0.0 ? &r->gen[2] : NULL, &r->C)); /* beta = 0: C starts at zero */
  aeon_matmul_opts o = aeon_matmul_defaults();
  o.block_rows = o.block_cols = a->block;
  if (a->reproducible) o.reproducible = 1;
  o.progress = progress;
  o.progress_ctx = r;
  aeon_cli_dense_start(&r->d);
  aeon_matmul_stats st;
  AE_CHK(aeon_matmul_ex(a->alpha, r->A, r->B, a->beta, r->C, &o, &st));
  if (a->output) AE_CHK(aeon_tiled_write_h5(r->C, a->out_file, a->out_dset, &r->h5_written));
  if (r->d.rank == 0) summary(a, r, &st);
  return AEON_OK;
}

typedef struct matmul_cmd {
  mm_args a;
  mm_run r;
} matmul_cmd;

static aeon_err matmul_body(int argc, char **argv, int rank, void *ctx) {
  matmul_cmd *c = ctx;
  c->r.d.rank = rank;
  aeon_err e = parse_matmul(argc, argv, &c->a);
  c->r.d.quiet = c->a.quiet || rank != 0;
  return e ? e : matmul(&c->a, &c->r);
}

static void matmul_cleanup(void *ctx) {
  matmul_cmd *c = ctx;
  aeon_tiled_destroy(c->r.A);
  aeon_tiled_destroy(c->r.B);
  aeon_tiled_destroy(c->r.C);
  aeon_cli_dense_free(&c->r.d);
}

int aeon_cmd_matmul(int argc, char **argv) {
  matmul_cmd c;
  memset(&c, 0, sizeof c);
  return aeon_cli_driver(matmul_body, matmul_cleanup, &c, argc, argv);
}
