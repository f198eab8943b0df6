/* ranks: 1 2 3 4 */
/* Field descriptors, derived parities, boundary services and stepper hooks, on a test module with a scalar phi, a
 * vector V^i and a symmetric tensor T_ij:
 *   d_t phi = d_i V^i,   d_t V^i = d_i phi + d_j T_ij,   d_t T_ij = d_i V_j + d_j V_i
 * (energy phi^2/2 + |V|^2/2 + |T|^2/4 is conserved; every variable's ghosts feed back into the interior).
 * 1. parities of all 6 DD_sym components (and U, D, UD) in x, y, z against a hand table; bad kinds and components;
 * 2. mirror run (an octant [0,1]^3 with symmetry on every face) == the full periodic run on [-1,1]^3 bit for bit,
 *    with parities taken only from the descriptors (a wrong parity anywhere changes the bits);
 * 3. a post-step hook that rejects step 5 on the last rank only: every rank rolls back and retries in halves, the receipts
 *    show the certificate, and a run restarted after the rejection ends bit-identical to the uninterrupted one;
 * 4. the full lower-triangular tableau ssprk3 converges at 3rd order in time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/memory.h"
#include "aeon/sim.h"
#include "aeon/stencil.h"
#include "sim/sim_internal.h"

enum { PHI = 0, VX = 1, TXX = 4, NV = 10 };

static const aeon_field_desc tvars[NV] = {
  {"phi", "phi", AEON_TENSOR_SCALAR, 0, AEON_ROLE_EVOLVED, 0, 1, 1},
  {"V_x", "V", AEON_TENSOR_U, 0, AEON_ROLE_EVOLVED, 0, 2, 1},
  {"V_y", "V", AEON_TENSOR_U, 1, AEON_ROLE_EVOLVED, 0, 2, 1},
  {"V_z", "V", AEON_TENSOR_U, 2, AEON_ROLE_EVOLVED, 0, 2, 1},
  {"T_xx", "T", AEON_TENSOR_DD_SYM, 0, AEON_ROLE_EVOLVED, 1, 1, 1},
  {"T_xy", "T", AEON_TENSOR_DD_SYM, 1, AEON_ROLE_EVOLVED, 0, 1, 1},
  {"T_xz", "T", AEON_TENSOR_DD_SYM, 2, AEON_ROLE_EVOLVED, 0, 1, 1},
  {"T_yy", "T", AEON_TENSOR_DD_SYM, 3, AEON_ROLE_EVOLVED, 1, 1, 1},
  {"T_yz", "T", AEON_TENSOR_DD_SYM, 4, AEON_ROLE_EVOLVED, 0, 1, 1},
  {"T_zz", "T", AEON_TENSOR_DD_SYM, 5, AEON_ROLE_EVOLVED, 1, 1, 1},
};
static const char *const tdiags[] = {"phi"};
static const int sym_ij[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};

/* The symmetric component index (0..5) of indices (a, b). */
static int sym_index(int a, int b) {
  static const int idx[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
  return idx[a][b];
}

typedef struct {
  long reject_step; /* the hook rejects the step ending at this step once (rank 0 asks), or -1 */
  double dt;
  int rejected;
} tmod;

static aeon_err t_create(const aeon_deck *deck, const aeon_mesh *m, aeon_phys_setup *setup, void **self) {
  tmod *t = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *t, (void **)&t));
  t->reject_step = -1;
  *self = t;
  return AEON_OK;
}
static void t_destroy(void *self) { aeon_mem_free(self); }

static aeon_err t_initial(void *self, const aeon_mesh *m, double t, aeon_fields *u) {
  for (int k = m->valid.lo[2]; k < m->valid.hi[2]; k++)
    for (int j = m->valid.lo[1]; j < m->valid.hi[1]; j++)
      for (int i = m->valid.lo[0]; i < m->valid.hi[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
        double g = exp(-(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]) / 0.08);
        long p = aeon_idx(m, i, j, k);
        aeon_var(u, PHI)[p] = g;
        for (int a = 0; a < 3; a++) aeon_var(u, VX + a)[p] = x[a] * g;
        for (int c = 0; c < 6; c++)
          aeon_var(u, TXX + c)[p] = x[sym_ij[c][0]] * x[sym_ij[c][1]] * g + (sym_ij[c][0] == sym_ij[c][1] ? g : 0.0);
      }
  return AEON_OK;
}

static void t_rhs(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *r, const aeon_box *b) {
  const long s[3] = {1, m->sy, m->sz};
  double ih[3];
  for (int d = 0; d < 3; d++) ih[d] = 1.0 / (AEON_ST_D1_4_DIV * m->dx[d]);
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++)
      for (int i = b->lo[0]; i < b->hi[0]; i++) {
        long p = aeon_idx(m, i, j, k);
        double dV[3][3], dphi[3], dT[3][6];
        for (int d = 0; d < 3; d++) {
          dphi[d] = ih[d] * aeon_st_d1_4(aeon_var(u, PHI), p, s[d]);
          for (int a = 0; a < 3; a++) dV[d][a] = ih[d] * aeon_st_d1_4(aeon_var(u, VX + a), p, s[d]);
          for (int c = 0; c < 6; c++) dT[d][c] = ih[d] * aeon_st_d1_4(aeon_var(u, TXX + c), p, s[d]);
        }
        aeon_var(r, PHI)[p] = dV[0][0] + dV[1][1] + dV[2][2];
        for (int a = 0; a < 3; a++) { /* d_j T_aj, the component of T with indices (a, j) */
          double div = 0;
          for (int j = 0; j < 3; j++) div += dT[j][sym_index(a, j)];
          aeon_var(r, VX + a)[p] = dphi[a] + div;
        }
        for (int c = 0; c < 6; c++) aeon_var(r, TXX + c)[p] = dV[sym_ij[c][0]][sym_ij[c][1]] + dV[sym_ij[c][1]][sym_ij[c][0]];
      }
}

static void t_diag(void *self, const aeon_mesh *m, double t, const aeon_fields *u, aeon_fields *aux, aeon_norm_acc *acc,
                   const aeon_box *b) {
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++)
      for (int i = b->lo[0]; i < b->hi[0]; i++) aeon_norm_acc_add(&acc[0], aeon_var(u, PHI)[aeon_idx(m, i, j, k)]);
}

/* Rejects the step that ends at reject_step * dt, once, on the last rank only; measures phi on this rank's interior. */
static aeon_err t_post_step(void *self, const aeon_mesh *m, double t, aeon_fields *u, aeon_cert *cert) {
  tmod *tm = self;
  int q = aeon_cert_add(cert, "phi", 0);
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) aeon_norm_acc_add(&cert->acc[q], aeon_var(u, PHI)[aeon_idx(m, i, j, k)]);
  if (tm->reject_step > 0 && !tm->rejected && fabs(t - (double)tm->reject_step * tm->dt) < 1e-12 * (1 + t)) {
    tm->rejected = 1;
    if (m->par->rank == m->par->size - 1) { /* the last rank asks: its reason must reach rank 0's receipts */
      cert->reject = 1;
      snprintf(cert->reason, sizeof cert->reason, "test rejects step %ld", tm->reject_step);
    }
  }
  return AEON_OK;
}

static const aeon_physics_ops tensor_ops = {
  .name = "tensor_test", .doc = "test module: scalar, vector, symmetric tensor", .nvar = NV, .vars = tvars, .ndiag = 1,
  .diag_names = tdiags, .stencil_radius = 2, .linear = 1, .fuse_diagnostics = 1, .create = t_create,
  .destroy = t_destroy, .initial_data = t_initial, .rhs = t_rhs, .diagnostics = t_diag};
static aeon_physics_ops hooked_ops;

static int fails = 0;
#define CHECK(cond, ...)                                                                                               \
  do {                                                                                                                 \
    if (!(cond)) {                                                                                                     \
      fails++;                                                                                                         \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                                      \
      printf(__VA_ARGS__);                                                                                             \
      printf("\n");                                                                                                    \
    }                                                                                                                  \
  } while (0)

/* 1. Parities against a hand table. */
static void test_parities(int rank) {
  static const int dd[6][3] = {{1, 1, 1}, {-1, -1, 1}, {-1, 1, -1}, {1, 1, 1}, {1, -1, -1}, {1, 1, 1}};
  static const int vec[3][3] = {{-1, 1, 1}, {1, -1, 1}, {1, 1, -1}};
  int par[3];
  for (int c = 0; c < 6; c++) {
    aeon_field_desc f = {"T", "T", AEON_TENSOR_DD_SYM, c, AEON_ROLE_EVOLVED, 0, 1, 1};
    CHECK(aeon_field_parity(&f, par) == AEON_OK && memcmp(par, dd[c], sizeof par) == 0,
          "DD_sym component %d parity (%d %d %d)", c, par[0], par[1], par[2]);
    f.tensor = AEON_TENSOR_UU_SYM;
    CHECK(aeon_field_parity(&f, par) == AEON_OK && memcmp(par, dd[c], sizeof par) == 0, "UU_sym component %d", c);
  }
  for (int c = 0; c < 3; c++) {
    aeon_field_desc f = {"V", "V", AEON_TENSOR_U, c, AEON_ROLE_EVOLVED, 0, 1, 1};
    CHECK(aeon_field_parity(&f, par) == AEON_OK && memcmp(par, vec[c], sizeof par) == 0, "U component %d", c);
    f.tensor = AEON_TENSOR_D;
    CHECK(aeon_field_parity(&f, par) == AEON_OK && memcmp(par, vec[c], sizeof par) == 0, "D component %d", c);
  }
  aeon_field_desc ud = {"M", "M", AEON_TENSOR_UD, 5, AEON_ROLE_EVOLVED, 0, 1, 1}; /* M^y_z */
  CHECK(aeon_field_parity(&ud, par) == AEON_OK && par[0] == 1 && par[1] == -1 && par[2] == -1, "UD component 5");
  aeon_field_desc bad = {"gt_ww", "gt", AEON_TENSOR_DD_SYM, 6, AEON_ROLE_EVOLVED, 0, 1, 1};
  CHECK(aeon_field_parity(&bad, par) == AEON_ERR_USER &&
            strstr(aeon_error_message(), "variable 'gt_ww': component 6 is out of range for tensor kind DD_sym (0..5)"),
        "bad component message: %s", aeon_error_message());
  bad.tensor = (aeon_tensor)42;
  CHECK(aeon_field_parity(&bad, par) == AEON_ERR_USER && strstr(aeon_error_message(), "unknown tensor kind 42"),
        "bad kind message: %s", aeon_error_message());
  aeon_field_desc twice[2] = {tvars[0], tvars[0]};
  CHECK(aeon_field_check(twice, 2, "m") == AEON_ERR_USER && strstr(aeon_error_message(), "'phi' is declared twice"),
        "duplicate name: %s", aeon_error_message());
  aeon_error_clear();
  if (rank == 0) printf("parities of DD_sym/UU_sym (6 x 3), U/D (3 x 3), UD: match the hand table\n");
}

static aeon_sim *make(MPI_Comm comm, const char *deck, int nset, const char *const *sets, const aeon_sim_options *o) {
  aeon_sim *sim = NULL;
  aeon_sim_options q = {.no_files = 1, .quiet = 1};
  if (aeon_sim_create(comm, deck, strlen(deck), "fields.yaml", nset, sets, o ? o : &q, &sim)) {
    aeon_error_print(stderr, 1);
    aeon_sim_destroy(sim);
    return NULL;
  }
  return sim;
}

/* Gathers all variables of sim into out[NV][N^3] on rank 0. */
static int gather_all(aeon_sim *sim, double *out, long npts) {
  for (int v = 0; v < NV; v++)
    if (aeon_sim_gather(sim, v, out + v * npts)) return 1;
  return 0;
}

/* Dirichlet and Robin faces: ghosts of f = f0 + c (x - xmin) (odd about the x faces) and of f = f0 + C / r^p (Robin,
 * from the centre) come out exact, with f0 and p from the descriptors. */
static void test_filled_faces(int rank) {
  const char *deck = "physics: tensor_test\ngrid: {n: 12, xmin: [0.5, 0.5, 0.5], xmax: [1.5, 1.5, 1.5]}\n"
                     "boundary: {xlo: dirichlet, xhi: dirichlet, ylo: robin, yhi: robin, zlo: robin, zhi: robin}\n";
  aeon_sim *s = make(MPI_COMM_WORLD, deck, 0, NULL, NULL);
  CHECK(s != NULL, "dirichlet/robin deck refused");
  if (!s) return;
  aeon_level *L = &s->lev[0];
  const aeon_mesh *m = &L->mesh;
  aeon_fields *u = aeon_mol_state(L->mol);
  double worst_d = 0, worst_r = 0;
  for (int pass = 0; pass < 2; pass++) {
    for (int v = 0; v < NV; v++)
      for (int k = m->valid.lo[2]; k < m->valid.hi[2]; k++)
        for (int j = m->valid.lo[1]; j < m->valid.hi[1]; j++)
          for (int i = m->valid.lo[0]; i < m->valid.hi[0]; i++) {
            double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
            double f0 = tvars[v].rad_value, pw = tvars[v].rad_falloff;
            double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
            double want = pass == 0 ? f0 + (1.0 + v) * (x[0] - 0.5) : f0 + (1.0 + v) / pow(r, pw);
            long p = aeon_idx(m, i, j, k);
            int inside = i >= 0 && i < m->n[0] && j >= 0 && j < m->n[1] && k >= 0 && k < m->n[2];
            if (inside) aeon_var(u, v)[p] = want;
          }
    if (pass == 0) { /* x faces: the linear profile vanishes (relative to f0) on xlo only; check xlo ghosts */
      aeon_boundary_fill(L->bnd, u);
      for (int v = 0; v < NV; v++)
        for (int k = 0; k < m->n[2]; k++)
          for (int j = 0; j < m->n[1]; j++)
            for (int i = m->valid.lo[0]; i < 0 && m->physical[0]; i++) {
              double x = aeon_coord(m, 0, i), want = tvars[v].rad_value + (1.0 + v) * (x - 0.5);
              worst_d = fmax(worst_d, fabs(aeon_var(u, v)[aeon_idx(m, i, j, k)] - want));
            }
    } else { /* y and z faces: Robin ghosts of the 1/r^p profile */
      aeon_boundary_fill(L->bnd, u);
      for (int v = 0; v < NV; v++)
        for (int k = m->valid.lo[2]; k < m->valid.hi[2]; k++)
          for (int j = m->valid.lo[1]; j < m->valid.hi[1]; j++)
            for (int i = 0; i < m->n[0]; i++) {
              int ghost_y = (j < 0 && m->physical[2]) || (j >= m->n[1] && m->physical[3]);
              int ghost_z = (k < 0 && m->physical[4]) || (k >= m->n[2] && m->physical[5]);
              int in_y = j >= 0 && j < m->n[1], in_z = k >= 0 && k < m->n[2];
              if (!((ghost_y && (in_z || ghost_z)) || (ghost_z && in_y))) continue;
              double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
              double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
              double want = tvars[v].rad_value + (1.0 + v) / pow(r, tvars[v].rad_falloff);
              worst_r = fmax(worst_r, fabs(aeon_var(u, v)[aeon_idx(m, i, j, k)] - want) / fabs(want));
            }
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, &worst_d, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &worst_r, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  CHECK(worst_d < 1e-13 && worst_r < 1e-13, "dirichlet ghost error %.3e, robin ghost error %.3e", worst_d, worst_r);
  if (rank == 0)
    printf("filled faces: dirichlet ghosts of a profile linear in x exact to %.1e, robin ghosts of f0 + C/r^p exact to "
           "%.1e (relative), f0 and p from the descriptors\n", worst_d, worst_r);
  aeon_sim_destroy(s);
}

/* 2. The octant run against the full run. */
static void test_mirror(int rank) {
  const char *full = "physics: tensor_test\ngrid: {n: 32, xmin: -1, xmax: 1}\ntime: {cfl: 0.25}\nrun: {t_final: 0.25}\n";
  const char *octant = "physics: tensor_test\ngrid: {n: 16, xmin: 0, xmax: 1}\ntime: {cfl: 0.25}\nrun: {t_final: 0.25}\n"
                       "boundary: {xlo: symmetry, xhi: symmetry, ylo: symmetry, yhi: symmetry, zlo: symmetry, zhi: symmetry}\n";
  long nf = 32L * 32 * 32, no = 16L * 16 * 16;
  double *F = calloc((size_t)(NV * nf), sizeof(double)), *O = calloc((size_t)(NV * no), sizeof(double));
  aeon_sim *a = make(MPI_COMM_WORLD, full, 0, NULL, NULL), *b = make(MPI_COMM_WORLD, octant, 0, NULL, NULL);
  int err = !a || !b || aeon_sim_run(a) || aeon_sim_run(b) || gather_all(a, F, nf) || gather_all(b, O, no);
  CHECK(!err, "mirror runs failed");
  if (!err && rank == 0) {
    long diff = 0;
    for (int v = 0; v < NV; v++)
      for (int k = 0; k < 16; k++)
        for (int j = 0; j < 16; j++)
          for (int i = 0; i < 16; i++) {
            double x = F[v * nf + ((k + 16) * 32 + j + 16) * 32 + i + 16], y = O[v * no + (k * 16 + j) * 16 + i];
            diff += memcmp(&x, &y, sizeof x) != 0;
          }
    CHECK(diff == 0, "octant differs from the full run at %ld of %ld values", diff, NV * no);
    double mx = 0;
    for (long i = 0; i < NV * no; i++) mx = fmax(mx, fabs(O[i]));
    CHECK(mx > 0.1 && mx < 10, "octant run: max |value| %.3e (blown up or empty)", mx);
    printf("mirror: octant run (symmetry faces, parities from descriptors) vs full run after %ld steps: %ld of %ld values "
           "differ (max |value| %.4f)\n", aeon_sim_stepno(a), diff, NV * no, mx);
  }
  aeon_sim_destroy(a);
  aeon_sim_destroy(b);
  free(F);
  free(O);
}

/* Number of receipts of a kind whose detail contains text (rank 0; 0 elsewhere). */
static int count_receipts(aeon_sim *sim, aeon_receipt_kind kind, const char *text) {
  return (int)aeon_receipts_count_kind(sim->receipts, kind, text);
}

/* 3. A hook rejects step 5; restart after it is bit-identical. */
static void test_hook(int rank, const char *dir) {
  char deck[1024], ckdir[1200];
  snprintf(deck, sizeof deck, "physics: tensor_hook\ngrid: {n: 16, xmin: -1, xmax: 1}\nrun: {t_final: 0.5}\n"
           "output: {dir: %s, norms_every: 1}\ncheckpoint: {every: 7, keep: 5}\n", dir);
  aeon_sim_options o = {.quiet = 1, .force = 1};
  long n = 16L * 16 * 16;
  double *A = calloc((size_t)(NV * n), sizeof(double)), *B = calloc((size_t)(NV * n), sizeof(double));
  aeon_sim *a = make(MPI_COMM_WORLD, deck, 0, NULL, &o);
  int err = !a;
  if (!err) {
    tmod *t = a->self;
    t->reject_step = 5, t->dt = aeon_sim_dt(a);
    err = aeon_sim_run(a) || gather_all(a, A, n);
  }
  CHECK(!err, "hooked run failed: %s", aeon_error_message());
  if (!err) {
    int rej = count_receipts(a, AEON_RCPT_STEP_REJECTED, "hook certificate test rejects step 5: phi L2="),
        rb = count_receipts(a, AEON_RCPT_ROLLBACK, ""), acc2 = count_receipts(a, AEON_RCPT_STEP_ACCEPTED, "substeps=2");
    if (rank == 0) {
      CHECK(rej == 1 && rb == 1 && acc2 >= 1, "receipts: %d rejected, %d rollbacks, %d steps in 2 substeps", rej, rb, acc2);
      printf("hook: step 5 rejected by the last rank's certificate on %d ranks; receipts: %d step-rejected (with the certificate), "
             "%d rollback, %d steps accepted in 2 substeps\n", a->par.size, rej, rb, acc2);
    }
  }
  long steps = a ? aeon_sim_stepno(a) : 0;
  aeon_sim_destroy(a);
  snprintf(ckdir, sizeof ckdir, "%s/checkpoints/chk_00000007.h5", dir);
  aeon_sim_options r = {.quiet = 1, .restart = ckdir};
  aeon_sim *b = err ? NULL : make(MPI_COMM_WORLD, deck, 0, NULL, &r);
  err = err || !b || aeon_sim_run(b) || gather_all(b, B, n);
  CHECK(!err, "restarted run failed: %s", aeon_error_message());
  if (!err && rank == 0) {
    int same = memcmp(A, B, sizeof(double) * (size_t)(NV * n)) == 0;
    CHECK(same && aeon_sim_stepno(b) == steps, "restart from step 7 differs from the uninterrupted run");
    printf("hook: restart from step 7 (after the rejection) to step %ld: %s\n", steps, same ? "bit-identical" : "DIFFERS");
  }
  aeon_sim_destroy(b);
  free(A);
  free(B);
}

/* 4. ssprk3: error of phi at t = 0.25 against a reference with 8x smaller steps; order from cfl 0.1, 0.05, 0.025. */
static void test_ssprk3(int rank) {
  const char *deck = "physics: tensor_test\ngrid: {n: 16, xmin: -1, xmax: 1}\ntime: {integrator: ssprk3}\n"
                     "run: {t_final: 0.25}\n";
  const char *cfl[4] = {"time.cfl=0.1", "time.cfl=0.05", "time.cfl=0.025", "time.cfl=0.003125"};
  long n = 16L * 16 * 16;
  double *u[4];
  int err = 0;
  for (int c = 0; c < 4 && !err; c++) {
    u[c] = calloc((size_t)n, sizeof(double));
    const char *sets[1] = {cfl[c]};
    aeon_sim *s = make(MPI_COMM_WORLD, deck, 1, sets, NULL);
    err = !s || aeon_sim_run(s) || aeon_sim_gather(s, PHI, u[c]);
    aeon_sim_destroy(s);
  }
  CHECK(!err, "ssprk3 runs failed");
  if (!err && rank == 0) {
    double e[3];
    for (int c = 0; c < 3; c++) {
      e[c] = 0;
      for (long i = 0; i < n; i++) e[c] = fmax(e[c], fabs(u[c][i] - u[3][i]));
    }
    double o1 = log2(e[0] / e[1]), o2 = log2(e[1] / e[2]);
    CHECK(o1 > 2.7 && o1 < 3.3 && o2 > 2.7 && o2 < 3.3, "ssprk3 orders %.3f %.3f", o1, o2);
    printf("ssprk3 (full tableau): max errors %.3e %.3e %.3e, orders %.3f %.3f\n", e[0], e[1], e[2], o1, o2);
  }
  for (int c = 0; c < 4; c++) free(u[c]);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  hooked_ops = tensor_ops;
  hooked_ops.name = "tensor_hook";
  hooked_ops.post_step = t_post_step;
  if (aeon_initialize() || aeon_physics_register(&tensor_ops) || aeon_physics_register(&hooked_ops)) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  char dir[256];
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  snprintf(dir, sizeof dir, "fields_hook_np%d", size);
  if (rank == 0) { /* a fresh run directory (an earlier run's would be set aside with a warning) */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("warning: could not remove %s\n", dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  test_parities(rank);
  test_filled_faces(rank);
  test_mirror(rank);
  test_hook(rank, dir);
  test_ssprk3(rank);
  MPI_Allreduce(MPI_IN_PLACE, &fails, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", fails ? "FAIL" : "PASS fields");
  MPI_Finalize();
  return fails != 0;
}
