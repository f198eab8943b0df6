/* ranks: 2 */
/* ADM mass of Brill-Lindquist puncture data (physics/bssn/adm_mass.c), evaluated directly from the analytic ADM
 * data on the grid (W = psi^-2, gt_ij = delta_ij at every valid point):
 * 1. one puncture m = 1 at the origin of a box [-12, 12]^3 (radiative faces) at dx = 0.5 and 0.25: the ADM
 *    integral at radius r converges to its exact finite-radius value m (1 + m/2r)^3, the conformal flux to m, and the
 *    1/r-extrapolation of four radii to m (exact for one puncture: M(r) is a cubic in 1/r);
 * 2. the same in an octant [0, 12]^3 with symmetry faces at 0 (nodes beyond them mirrored with the parities derived
 *    from the descriptors) equals the full box to 1e-12, also with a conformal metric that is not flat
 *    (gt_ij = delta_ij + 0.2 x_i x_j / (1 + r^2): off-diagonal components odd across the faces); the linearised
 *    measure M_lin equals M_psi on conformally flat data and differs from it on the other;
 * 3. two punctures (0.6 at z = 0.77, 0.4 at z = -1.13): conformal flux and extrapolated ADM mass -> 1 = sum m_i;
 * 4. every value has the same bits on 1 and 2 ranks (rank 0 alone on MPI_COMM_SELF against the 2-rank run);
 * 5. a radius whose sphere (with its difference points) leaves the grid is refused naming bssn.adm_radius[i]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/field.h"
#include "aeon/memory.h"

#include "../../physics/bssn/adm_mass.h"
#include "mpicheck.h"

#define NV 14
#define NR 4
#define NOUT (4 * NR + 1) /* M(r), M_psi(r), M_inf, M_lin(r), M_H(r) */

static int rank, size;
static const double radii[NR] = {4, 6, 8, 10};

typedef struct {
  int n;
  double m[2], z[2];
} bl;

static double bl_psi(const bl *b, const double x[3]) {
  double psi = 1;
  for (int i = 0; i < b->n; i++) psi += b->m[i] / (2 * sqrt(x[0] * x[0] + x[1] * x[1] + (x[2] - b->z[i]) * (x[2] - b->z[i])));
  return psi;
}

/* W, gt_ij, At_ij, K: the first 14 BSSN variables (At = K = 0 here), with parities derived from their tensor kinds. */
static int parity[NV][3];
static void make_parity(void) {
  aeon_field_desc d = {"W", "W", AEON_TENSOR_SCALAR, 0, AEON_ROLE_EVOLVED, 1, 1, 1};
  aeon_field_parity(&d, parity[0]);
  for (int c = 0; c < 6; c++) {
    aeon_field_desc g = {"gt", "gt", AEON_TENSOR_DD_SYM, c, AEON_ROLE_EVOLVED, 0, 1, 1};
    aeon_field_parity(&g, parity[1 + c]);
    aeon_field_parity(&g, parity[7 + c]); /* At_ij */
  }
  aeon_field_parity(&d, parity[13]); /* K */
}

/* The masses of data b on grid [lo, 12]^3 with spacing 24 / N (octant: lo = 0 with symmetry faces), over comm,
 * with gt_ij = delta_ij + eps x_i x_j / (1 + r^2) (not conformally flat for eps != 0; x_i x_j has the parities of
 * a DD_sym tensor); returns 0 on success and writes 3 nr + 1 values. */
static int masses_eps(MPI_Comm comm, const bl *b, long N, int octant, const double *rad, int nr, double eps,
                      double *out) {
  aeon_par par;
  aeon_mesh m;
  aeon_fields f = {0};
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) {
    m.N[d] = octant ? N / 2 : N;
    m.xmin[d] = octant ? 0 : -12;
    m.xmax[d] = 12;
    m.dx[d] = (m.xmax[d] - m.xmin[d]) / (double)m.N[d];
    m.bc[2 * d] = octant ? AEON_BC_SYMMETRY : AEON_BC_RADIATIVE;
    m.bc[2 * d + 1] = AEON_BC_RADIATIVE;
  }
  m.ghost = 3;
  int dims[3] = {0, 0, 0}, periodic[3] = {0, 0, 0};
  if (aeon_par_create(comm, dims, periodic, m.N, &par) || aeon_mesh_setup_patch(&m, &par) ||
      aeon_fields_create(&m, NV, &f)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  const aeon_box *v = &m.valid;
  for (int k = v->lo[2]; k < v->hi[2]; k++)
    for (int j = v->lo[1]; j < v->hi[1]; j++)
      for (int i = v->lo[0]; i < v->hi[0]; i++) {
        double x[3] = {aeon_coord(&m, 0, i), aeon_coord(&m, 1, j), aeon_coord(&m, 2, k)}, psi = bl_psi(b, x);
        long p = aeon_idx(&m, i, j, k);
        aeon_var(&f, 0)[p] = 1 / (psi * psi);
        double r2 = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
        for (int c = 0; c < 6; c++) {
          static const int ij[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
          int a = ij[c][0], bb = ij[c][1];
          aeon_var(&f, 1 + c)[p] = (a == bb) + eps * x[a] * x[bb] / (1 + r2);
        }
      }
  bssn_adm_mass *a = NULL;
  const double c[3] = {0, 0, 0};
  int bad = bssn_adm_create_radii(&m, nr, rad, c, 24, (const int (*)[3])parity, &a) != AEON_OK;
  if (!bad) bad = bssn_adm_eval(a, &f, out) != AEON_OK;
  bssn_adm_destroy(a);
  aeon_fields_destroy(&f);
  aeon_par_destroy(&par);
  return bad;
}

static int masses(MPI_Comm comm, const bl *b, long N, int octant, const double *rad, int nr, double *out) {
  return masses_eps(comm, b, N, octant, rad, nr, 0, out);
}

/* The masses over MPI_COMM_WORLD, checked bit for bit against rank 0 alone. */
static void masses_checked(const char *name, const bl *b, long N, int octant, double *out) {
  double ref[NOUT];
  CHECK(masses(MPI_COMM_WORLD, b, N, octant, radii, NR, out) == 0, "%s failed: %s", name, aeon_error_message());
  if (rank == 0 && size > 1) {
    CHECK(masses(MPI_COMM_SELF, b, N, octant, radii, NR, ref) == 0, "%s on rank 0 alone failed", name);
    CHECK(memcmp(ref, out, sizeof ref) == 0, "%s: %d ranks differ from 1 (%a vs %a)", name, size, out[0], ref[0]);
  }
}

static void test_single(void) {
  bl one = {1, {1, 0}, {0, 0}};
  double M[2][NOUT], oct[NOUT];
  for (int l = 0; l < 2; l++) masses_checked("one puncture", &one, 48L << l, 0, M[l]);
  masses_checked("one puncture, octant", &one, 48, 1, oct);
  double ea[2] = {0, 0}, ep[2] = {0, 0}, ei[2], eo = 0;
  for (int l = 0; l < 2; l++) {
    for (int i = 0; i < NR; i++) {
      double exact = pow(1 + 0.5 / radii[i], 3);
      ea[l] = fmax(ea[l], fabs(M[l][i] - exact));
      ep[l] = fmax(ep[l], fabs(M[l][NR + i] - 1));
    }
    ei[l] = fabs(M[l][2 * NR] - 1);
  }
  for (int i = 0; i < NOUT; i++) eo = fmax(eo, fabs(oct[i] - M[0][i]));
  if (rank == 0) {
    printf("one puncture m=1: M(r=4,6,8,10) at dx=0.5: %.6f %.6f %.6f %.6f (exact m(1+m/2r)^3: %.6f %.6f %.6f %.6f)\n",
           M[0][0], M[0][1], M[0][2], M[0][3], pow(1.125, 3), pow(1 + 1 / 12.0, 3), pow(1.0625, 3), pow(1.05, 3));
    printf("  max |M(r) - exact|: %.3e (dx=0.5), %.3e (dx=0.25), order %.2f\n", ea[0], ea[1], log2(ea[0] / ea[1]));
    printf("  max |M_psi(r) - 1|: %.3e, %.3e, order %.2f\n", ep[0], ep[1], log2(ep[0] / ep[1]));
    printf("  |M_inf - 1|: %.3e, %.3e (M_inf %.8f, %.8f)\n", ei[0], ei[1], M[0][2 * NR], M[1][2 * NR]);
    printf("  octant [0,12]^3 vs full box: max difference %.3e\n", eo);
  }
  CHECK(ea[0] < 2e-3 && ea[1] < ea[0] / 6, "ADM integral errors %.3e %.3e", ea[0], ea[1]);
  CHECK(ep[0] < 2e-3 && ep[1] < ep[0] / 6, "conformal flux errors %.3e %.3e", ep[0], ep[1]);
  CHECK(ei[0] < 1e-2 && ei[1] < 1e-3 && ei[1] < ei[0], "extrapolated mass errors %.3e %.3e", ei[0], ei[1]);
  CHECK(eo < 1e-12, "octant differs from the full box by %.3e", eo);
  double el = 0; /* conformally flat data: M_lin = M_psi */
  for (int i = 0; i < NR; i++) el = fmax(el, fabs(M[1][2 * NR + 1 + i] - M[1][NR + i]));
  CHECK(el < 1e-13, "M_lin differs from M_psi on conformally flat data by %.3e", el);
  double eh[2] = {0, 0}; /* the Hawking mass of a Schwarzschild slice is m at every radius */
  for (int l = 0; l < 2; l++)
    for (int i = 0; i < NR; i++) eh[l] = fmax(eh[l], fabs(M[l][3 * NR + 1 + i] - 1));
  if (rank == 0)
    printf("  Hawking mass M_H(r=4..10) at dx=0.25: %.8f %.8f %.8f %.8f; max |M_H - 1|: %.3e (dx=0.5), %.3e (dx=0.25)\n",
           M[1][3 * NR + 1], M[1][3 * NR + 2], M[1][3 * NR + 3], M[1][3 * NR + 4], eh[0], eh[1]);
  CHECK(eh[0] < 2e-3 && eh[1] < eh[0] / 6, "Hawking mass errors %.3e %.3e", eh[0], eh[1]);
  /* Not conformally flat: the octant (normals, parities of gt_xy, gt_xz, gt_yz) against the full box. */
  double F[NOUT], O[NOUT], eg = 0, dl = 0;
  CHECK(masses_eps(MPI_COMM_WORLD, &one, 48, 0, radii, NR, 0.2, F) == 0, "eps full box: %s", aeon_error_message());
  CHECK(masses_eps(MPI_COMM_WORLD, &one, 48, 1, radii, NR, 0.2, O) == 0, "eps octant: %s", aeon_error_message());
  for (int i = 0; i < NOUT; i++) eg = fmax(eg, fabs(F[i] - O[i]));
  for (int i = 0; i < NR; i++) dl = fmax(dl, fabs(F[2 * NR + 1 + i] - F[NR + i]));
  if (rank == 0)
    printf("  gt = delta + 0.2 x_i x_j/(1+r^2): M(r=4..10) %.6f %.6f %.6f %.6f, M_lin %.6f %.6f %.6f %.6f; octant vs "
           "full box %.3e\n", F[0], F[1], F[2], F[3], F[2 * NR + 1], F[2 * NR + 2], F[2 * NR + 3], F[2 * NR + 4], eg);
  CHECK(eg < 1e-12, "non-flat gt: octant differs from the full box by %.3e", eg);
  CHECK(dl > 1e-3, "non-flat gt: M_lin does not see the conformal metric (|M_lin - M_psi| = %.3e)", dl);
}

static void test_two(void) {
  bl two = {2, {0.6, 0.4}, {0.77, -1.13}};
  double M[2][NOUT];
  for (int l = 0; l < 2; l++) masses_checked("two punctures", &two, 48L << l, 0, M[l]);
  double ep[2] = {0, 0}, ei[2];
  for (int l = 0; l < 2; l++) {
    for (int i = 0; i < NR; i++) ep[l] = fmax(ep[l], fabs(M[l][NR + i] - 1));
    ei[l] = fabs(M[l][2 * NR] - 1);
  }
  if (rank == 0) {
    printf("two punctures 0.6 + 0.4: M(r=4..10) at dx=0.25: %.6f %.6f %.6f %.6f; M_inf %.8f (dx=0.5), %.8f (dx=0.25)\n",
           M[1][0], M[1][1], M[1][2], M[1][3], M[0][2 * NR], M[1][2 * NR]);
    printf("  max |M_psi - 1|: %.3e, %.3e; |M_inf - 1|: %.3e, %.3e\n", ep[0], ep[1], ei[0], ei[1]);
  }
  CHECK(ep[0] < 2e-3 && ep[1] < ep[0] / 6, "two punctures: conformal flux errors %.3e %.3e", ep[0], ep[1]);
  CHECK(ei[1] < 2e-3, "two punctures: extrapolated mass error %.3e %.3e", ei[0], ei[1]);
}

static void test_refusal(void) {
  bl one = {1, {1, 0}, {0, 0}};
  const double r[2] = {6, 11.9};
  double out[5];
  int bad = masses(MPI_COMM_WORLD, &one, 24, 0, r, 2, out);
  CHECK(bad && aeon_error_code() == AEON_ERR_USER && strstr(aeon_error_message(), "bssn.adm_radius[1] = 11.9"),
        "radius 11.9 in [-12, 12]^3 (dx 1): %s", aeon_error_message());
  if (rank == 0) printf("refused: %s\n", aeon_error_message());
  aeon_error_clear();
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  make_parity();
  test_single();
  test_two();
  test_refusal();
  MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", failures ? "FAIL" : "PASS adm_mass");
  MPI_Finalize();
  return failures != 0;
}
