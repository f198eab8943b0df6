/* ranks: 1 3 */
/* The physics analysis op (aeon_physics_ops.analysis): a test module evolves one scalar with d_t u = 1 (so
 * u(t) = u(0) + t) and announces two analysis values, the exact mean of u over the global interior and the time it
 * was called at. A run with norms_every 2 (the module asks for fused diagnostics; with an analysis op the rows are
 * computed in a separate pass) must write them as the last two columns of norms.dat, named as announced, each row's
 * values those of the row's own step: mean = mean(u(0)) + t and time = t; the diagnostics columns (L2 and max of u)
 * agree with the mean's step. The values are the same on 1 and 3 ranks. A module that announces values without an
 * op is refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/sim.h"
#include "sim/sim_internal.h"

#include "mpicheck.h"

static const aeon_field_desc avars[1] = {{"u", "u", AEON_TENSOR_SCALAR, 0, AEON_ROLE_EVOLVED, 0, 1, 1}};
static const char *const adiag[] = {"u"};
static const char *const anames[] = {"mean_u", "t_called"};

static aeon_err a_create(const aeon_deck *deck, const aeon_mesh *m, aeon_phys_setup *setup, void **self) {
  (void)deck, (void)m;
  setup->nanalysis = 2;
  setup->analysis_names = anames;
  *self = NULL;
  return AEON_OK;
}
static aeon_err a_create_bad(const aeon_deck *deck, const aeon_mesh *m, aeon_phys_setup *setup, void **self) {
  (void)deck, (void)m;
  setup->nanalysis = 1; /* but no op */
  *self = NULL;
  return AEON_OK;
}
static void a_destroy(void *self) { (void)self; }

/* u = sin(x) cos(2y) + z^2 at every valid point. */
static aeon_err a_initial(void *self, const aeon_mesh *m, double t, aeon_fields *u) {
  (void)self, (void)t;
  for (int k = m->valid.lo[2]; k < m->valid.hi[2]; k++)
    for (int j = m->valid.lo[1]; j < m->valid.hi[1]; j++)
      for (int i = m->valid.lo[0]; i < m->valid.hi[0]; i++) {
        double x = aeon_coord(m, 0, i), y = aeon_coord(m, 1, j), z = aeon_coord(m, 2, k);
        aeon_var(u, 0)[aeon_idx(m, i, j, k)] = sin(x) * cos(2 * y) + z * z;
      }
  return AEON_OK;
}

static void a_rhs(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *r, const aeon_box *b) {
  (void)self, (void)t, (void)u;
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++)
      for (int i = b->lo[0]; i < b->hi[0]; i++) aeon_var(r, 0)[aeon_idx(m, i, j, k)] = 1.0;
}

static void a_diag(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *aux, aeon_norm_acc *acc,
                   const aeon_box *b) {
  (void)self, (void)t, (void)aux;
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++)
      for (int i = b->lo[0]; i < b->hi[0]; i++) aeon_norm_acc_add(&acc[0], aeon_var(u, 0)[aeon_idx(m, i, j, k)]);
}

/* The exact mean of u over the global interior, and t. */
static aeon_err a_analysis(void *self, const aeon_mesh *m, double t, const aeon_fields *u, const aeon_fields *aux,
                           double *out) {
  (void)self, (void)aux;
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) aeon_xsum_add(&s, aeon_var(u, 0)[aeon_idx(m, i, j, k)]);
  AE_CHK(aeon_xsum_allreduce(&s, 1, m->par->cart));
  out[0] = aeon_xsum_value(&s) / ((double)m->N[0] * (double)m->N[1] * (double)m->N[2]);
  out[1] = t;
  return AEON_OK;
}

static const aeon_physics_ops ana_ops = {
    .name = "analysis_test", .doc = "test module: d_t u = 1 with an analysis op", .nvar = 1, .vars = avars,
    .ndiag = 1, .diag_names = adiag, .stencil_radius = 2, .linear = 1, .fuse_diagnostics = 1, .create = a_create,
    .destroy = a_destroy, .initial_data = a_initial, .rhs = a_rhs, .diagnostics = a_diag, .analysis = a_analysis};
static aeon_physics_ops bad_ops;

/* Runs the deck of module `phys` into dir; returns 0 on success. */
static int run(const char *phys, const char *dir) {
  char deck[512];
  snprintf(deck, sizeof deck,
           "physics: %s\ngrid: {n: 12, xmin: -1, xmax: 1}\nrun: {t_final: 0.6}\noutput: {dir: %s, norms_every: 2}\n",
           phys, dir);
  aeon_sim_options o = {.quiet = 1, .force = 1};
  aeon_sim *s = NULL;
  int err = aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "analysis.yaml", 0, NULL, &o, &s) != AEON_OK;
  if (!err) err = aeon_sim_run(s) != AEON_OK;
  aeon_sim_destroy(s);
  return err;
}

/* Rank 0: reads norms.dat of dir and checks its analysis columns; returns the number of rows, or -1. */
static int check_norms(const char *dir, double mean0, double *last) {
  char path[300], line[2048];
  snprintf(path, sizeof path, "%s/norms.dat", dir);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int rows = 0, header_ok = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') {
      header_ok |= strstr(line, "L2_u max_u mean_u t_called") != NULL;
      continue;
    }
    double c[7];
    int n = sscanf(line, "%lf %lf %lf %lf %lf %lf %lf", &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6]);
    CHECK(n == 7, "norms.dat row '%s' has %d columns, want 7", line, n);
    if (n != 7) break;
    CHECK(c[6] == c[1], "step %g: the analysis ran at t = %.17g, the row is of t = %.17g", c[0], c[6], c[1]);
    CHECK(fabs(c[5] - (mean0 + c[1])) < 1e-13, "step %g: mean %.17g, want %.17g", c[0], c[5], mean0 + c[1]);
    if (rows == 0) *last = c[4] - c[1]; /* max u(0) */
    CHECK(fabs(c[4] - c[1] - *last) < 1e-13, "step %g: max u - t = %.17g, at step 0 %.17g", c[0], c[4] - c[1], *last);
    rows++;
  }
  fclose(f);
  CHECK(header_ok, "norms.dat header lacks the analysis columns 'mean_u t_called'");
  return rows;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  bad_ops = ana_ops;
  bad_ops.name = "analysis_bad";
  bad_ops.create = a_create_bad;
  bad_ops.analysis = NULL;
  if (aeon_initialize() || aeon_physics_register(&ana_ops) || aeon_physics_register(&bad_ops)) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  char dir[64];
  snprintf(dir, sizeof dir, "sim_analysis_np%d", size);
  CHECK(run("analysis_test", dir) == 0, "run failed: %s", aeon_error_message());
  aeon_error_clear();
  /* the mean of u(0) on the 12^3 grid (cell centres of [-1, 1]), summed the same way */
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (int k = 0; k < 12; k++)
    for (int j = 0; j < 12; j++)
      for (int i = 0; i < 12; i++) {
        double x = -1 + (i + 0.5) / 6, y = -1 + (j + 0.5) / 6, z = -1 + (k + 0.5) / 6;
        aeon_xsum_add(&s, sin(x) * cos(2 * y) + z * z);
      }
  double mean0 = aeon_xsum_value(&s) / 1728, last = NAN;
  if (rank == 0) {
    int rows = check_norms(dir, mean0, &last);
    CHECK(rows >= 4, "norms.dat of %s has %d rows", dir, rows);
    printf("analysis op: %d norms rows, analysis columns match their own step (max u(0) %.17g)\n", rows, last);
  }
  CHECK(run("analysis_bad", "sim_analysis_bad") != 0 &&
            strstr(aeon_error_message(), "announces 1 analysis values") != NULL,
        "a module announcing values without an op: %s", aeon_error_message());
  aeon_error_clear();
  MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", failures ? "FAIL" : "PASS sim_analysis");
  MPI_Finalize();
  return failures != 0;
}
