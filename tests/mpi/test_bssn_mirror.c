/* ranks: 2 */
/* Reflection symmetry of BSSN puncture runs (physics: bssn, 1+log, Gamma-driver eta = 2, KO dissipation, ACE,
 * Sommerfeld faces), 100 RK4 steps on a coarse grid (dx = 0.5, [-3, 3]^3):
 * (a) two punctures at (+-0.9, 0.35, 0.15) in the full box: the data stay symmetric under x -> -x bit for bit,
 *     every variable with the parity its tensor kind gives (y and z carry no symmetry: shift, At_xy, ... are
 *     nonzero and the check is not trivial);
 * (b) the half box x in [0, 3] with a symmetry face at x = 0 and the one puncture (0.9, 0.35, 0.15) (its image is
 *     implied) equals the full run of (a) on its points bit for bit;
 * (c) an octant [0, 3]^3 with one puncture at the origin equals the full box [-3, 3]^3 on its points bit for bit;
 * (d) the same at 6th order (bssn.fd_order: 6, grid.ghost: 4) on [0, 4]^3 against [-4, 4]^3.
 * The runs must be finite and have evolved (a shift component without symmetry, beta_y, grew past 1e-4).
 * Bit-exact mirrors need the puncture data's terms m_i / 2r_i summed in a mirror-invariant (ascending) order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/sim.h"

#include "mpicheck.h"

#define NG 12
#define NPTS ((long)NG * NG * NG)

static int rank, nsteps = 100;
static const char *const RAD = "{xlo: radiative, xhi: radiative, ylo: radiative, yhi: radiative, zlo: radiative, "
                               "zhi: radiative}";
static const char *const HALF = "{xlo: symmetry, xhi: radiative, ylo: radiative, yhi: radiative, zlo: radiative, "
                                "zhi: radiative}";
static const char *const OCT = "{xlo: symmetry, xhi: radiative, ylo: symmetry, yhi: radiative, zlo: symmetry, "
                               "zhi: radiative}";

/* Runs 100 steps of the deck with grid n/xmin (xmax 3, or with order 6: 4), boundaries bnd and punctures at
 * finite-difference order 4 or 6; gathers every variable into *out (rank 0; nvar x n0 n1 n2). Returns the number of
 * variables, or 0 on failure. */
static int run(const char *n, const char *xmin, const char *bnd, const char *punctures, int order, double **out) {
  char deck[2048];
  snprintf(deck, sizeof deck,
           "physics: bssn\ngrid: {n: %s, xmin: %s, xmax: %d, ghost: %d}\nboundary: %s\n"
           "bssn: {initial_data: punctures, punctures: %s, initial_lapse: precollapsed, lapse: 1+log, "
           "shift: gamma_driver, eta: 2, dissipation: 0.1, fd_order: %d}\ntime: {integrator: rk4, cfl: 0.25}\n"
           "run: {t_final: %g}\n",
           n, xmin, order == 6 ? 4 : 3, order == 6 ? 4 : 3, bnd, punctures, order, 0.125 * nsteps);
  aeon_sim_options o = {.no_files = 1, .quiet = 1};
  aeon_sim *s = NULL;
  int nvar = 0;
  if (aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "mirror.yaml", 0, NULL, &o, &s) == AEON_OK &&
      aeon_sim_run(s) == AEON_OK) {
    const aeon_mesh *m = aeon_sim_mesh(s);
    long npts = m->N[0] * m->N[1] * m->N[2];
    aeon_sim_field_desc(s, 0, &nvar);
    *out = calloc((size_t)(nvar * npts), sizeof(double));
    for (int v = 0; v < nvar; v++)
      if (aeon_sim_gather(s, v, *out + v * npts)) nvar = 0;
    CHECK(aeon_sim_stepno(s) == nsteps, "%ld steps, want %d", aeon_sim_stepno(s), nsteps);
  }
  if (!nvar) aeon_error_print(stderr, 1);
  aeon_sim_destroy(s);
  return nvar;
}

/* The parity of BSSN variable v under reflection in x (odd once per x index: the tensor kinds of bssn.c). */
static int parity_x(int v, int dir) {
  /* W, gt(6), At(6), K, Gt(3), Theta, alpha, beta(3), B(3) */
  static const int sym_idx[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
  if (v >= 1 && v <= 12) {
    int c = (v - 1) % 6;
    return ((sym_idx[c][0] == dir) + (sym_idx[c][1] == dir)) % 2 ? -1 : 1;
  }
  if (v >= 14 && v <= 16) return v - 14 == dir ? -1 : 1;
  if (v >= 19 && v <= 21) return v - 19 == dir ? -1 : 1;
  if (v >= 22 && v <= 24) return v - 22 == dir ? -1 : 1;
  return 1;
}

/* Counts the points of sub (n0 x n1 x n2, at offsets o of the full ng^3 arrays) that differ from full in any bit. */
static long compare_sub(int nvar, const double *full, long ng, const double *sub, const int n[3], const int o[3]) {
  long bad = 0, ns = (long)n[0] * n[1] * n[2];
  for (int v = 0; v < nvar; v++)
    for (int k = 0; k < n[2]; k++)
      for (int j = 0; j < n[1]; j++)
        for (int i = 0; i < n[0]; i++) {
          double a = sub[v * ns + ((long)k * n[1] + j) * n[0] + i];
          double b = full[v * ng * ng * ng + ((k + o[2]) * ng + j + o[1]) * ng + i + o[0]];
          bad += memcmp(&a, &b, sizeof a) != 0;
        }
  return bad;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (aeon_initialize()) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const char *two = "[{mass: 0.5, position: [0.9, 0.35, 0.15]}, {mass: 0.5, position: [-0.9, 0.35, 0.15]}]";
  const char *origin = "[{mass: 1, position: [0, 0, 0]}]";
  double *full = NULL, *half = NULL, *one = NULL, *oct = NULL, *one6 = NULL, *oct6 = NULL;
  int nv = run("12", "-3", RAD, two, 4, &full);
  int nh = run("[6, 12, 12]", "[0, -3, -3]", HALF, "[{mass: 0.5, position: [0.9, 0.35, 0.15]}]", 4, &half);
  int n1 = run("12", "-3", RAD, origin, 4, &one);
  int no = run("6", "0", OCT, origin, 4, &oct);
  int n16 = run("16", "-4", RAD, origin, 6, &one6);
  int no6 = run("8", "0", OCT, origin, 6, &oct6);
  CHECK(nv == 25 && nh == 25 && n1 == 25 && no == 25 && n16 == 25 && no6 == 25,
        "runs failed (%d %d %d %d %d %d variables)", nv, nh, n1, no, n16, no6);
  if (rank == 0 && nv == 25 && nh == 25 && n1 == 25 && no == 25 && n16 == 25 && no6 == 25) {
    long asym = 0, nonfinite = 0;
    double odd_max = 0;
    for (int v = 0; v < nv; v++)
      for (long k = 0; k < NG; k++)
        for (long j = 0; j < NG; j++)
          for (long i = 0; i < NG; i++) {
            double a = full[v * NPTS + (k * NG + j) * NG + i], b = parity_x(v, 0) * full[v * NPTS + (k * NG + j) * NG + NG - 1 - i];
            asym += memcmp(&a, &b, sizeof a) != 0;
            nonfinite += !isfinite(a);
            if (v == 20) odd_max = fmax(odd_max, fabs(a)); /* beta_y: no symmetry in y, nonzero */
          }
    /* the lapse at the point nearest the puncture (0.9, 0.35, 0.15) and at the origin of the single-puncture runs */
    double al2 = full[18 * NPTS + (6L * NG + 6) * NG + 7], al1 = one[18 * NPTS + (6L * NG + 6) * NG + 6];
    printf("(a) full box, punctures at x = +-0.9, 100 steps: %ld of %ld values break x-symmetry; max |beta_y| = %.3e; "
           "lapse near a puncture %.4f\n", asym, nv * NPTS, odd_max, al2);
    CHECK(asym == 0 && nonfinite == 0, "(a) %ld asymmetric, %ld non-finite values", asym, nonfinite);
    CHECK(odd_max > 1e-4, "the run did not evolve: |beta_y| %.3e", odd_max);
    long dh = compare_sub(nv, full, NG, half, (int[3]){6, 12, 12}, (int[3]){6, 0, 0});
    long dq = compare_sub(nv, one, NG, oct, (int[3]){6, 6, 6}, (int[3]){6, 6, 6});
    long d6 = compare_sub(nv, one6, 16, oct6, (int[3]){8, 8, 8}, (int[3]){8, 8, 8});
    double al6 = one6[18 * 4096 + (8L * 16 + 8) * 16 + 8], al6o = one6[18 * 4096 + (7L * 16 + 7) * 16 + 7];
    printf("(b) half box x >= 0 (symmetry face) vs full box: %ld differing values of %ld\n", dh, nv * NPTS / 2);
    printf("(c) octant vs full box, one puncture at the origin: %ld differing values of %ld; lapse at the centre %.4f\n",
           dq, nv * NPTS / 8, al1);
    printf("(d) 6th order: octant vs full box: %ld differing values of %ld; lapse at the centre %.4f (%.4f at the "
           "mirror point)\n", d6, nv * 4096L / 8, al6, al6o);
    CHECK(dh == 0, "(b) half box differs from the full box at %ld values", dh);
    CHECK(dq == 0, "(c) octant differs from the full box at %ld values", dq);
    CHECK(d6 == 0, "(d) 6th-order octant differs from the full box at %ld values", d6);
    CHECK(al6 < 0.5 && al6 == al6o, "(d) the 6th-order run did not evolve symmetrically (lapse %.4f, %.4f)", al6,
          al6o);
  }
  free(full), free(half), free(one), free(oct), free(one6), free(oct6);
  MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", failures ? "FAIL" : "PASS bssn_mirror");
  MPI_Finalize();
  return failures != 0;
}
