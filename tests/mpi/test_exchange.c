/* ranks: 1 2 3 4 */
/* Ghost exchange and symmetry: after an exchange every ghost holds the value of
 * the point it stands for (periodic wrap, or mirror image times parity), for
 * several decompositions, all 26 directions, on periodic, symmetry and mixed boxes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/mesh.h"

/* A function of the global index that differs everywhere. */
static double fval(long gi, long gj, long gk, int v) { return 1e6 * v + 10000.0 * gk + 100.0 * gj + gi + 0.5; }

/* Global index and sign a ghost point stands for; returns 0 if the point is outside a radiative face. */
static int source(const aeon_mesh *m, const int p[3], long g[3], double *sign, int v, const int par[2][3]) {
  *sign = 1.0;
  for (int d = 0; d < 3; d++) {
    long x = m->off[d] + p[d];
    if (x < 0 || x >= m->N[d]) {
      aeon_bc bc = m->bc[2 * d + (x >= m->N[d])];
      if (bc == AEON_BC_PERIODIC) x = (x + m->N[d]) % m->N[d];
      else if (bc == AEON_BC_SYMMETRY) {
        x = x < 0 ? -1 - x : 2 * m->N[d] - 1 - x;
        *sign *= par[v][d];
      } else return 0;
    }
    g[d] = x;
  }
  return 1;
}

static int check_case(MPI_Comm comm, const long N[3], const aeon_bc bc[6], const int dims[3]) {
  aeon_mesh m;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) {
    m.N[d] = N[d];
    m.xmin[d] = 0;
    m.xmax[d] = 1;
    m.dx[d] = 1.0 / N[d];
  }
  m.ghost = 3;
  memcpy(m.bc, bc, sizeof m.bc);
  int periodic[3];
  aeon_mesh_periodicity(&m, periodic);
  aeon_par par;
  if (aeon_par_create(comm, dims, periodic, N, &par) || aeon_mesh_setup_patch(&m, &par)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  const int parity[2][3] = {{1, 1, 1}, {-1, 1, -1}};
  aeon_fields f;
  aeon_exchange *ex;
  aeon_fields_create(&m, 2, &f);
  aeon_exchange_create(&m, 2, &ex);
  for (int v = 0; v < 2; v++)
    for (int k = 0; k < m.n[2]; k++)
      for (int j = 0; j < m.n[1]; j++)
        for (int i = 0; i < m.n[0]; i++)
          aeon_var(&f, v)[aeon_idx(&m, i, j, k)] = fval(m.off[0] + i, m.off[1] + j, m.off[2] + k, v);
  aeon_exchange_start(ex, &f);
  aeon_exchange_finish(ex, &f);
  aeon_mesh_fill_symmetry(&m, &f, parity);
  long bad = 0, checked = 0;
  int p[3];
  for (int v = 0; v < 2; v++)
    for (p[2] = -3; p[2] < m.n[2] + 3; p[2]++)
      for (p[1] = -3; p[1] < m.n[1] + 3; p[1]++)
        for (p[0] = -3; p[0] < m.n[0] + 3; p[0]++) {
          long g[3];
          double sign;
          if (!source(&m, p, g, &sign, v, parity)) continue;
          double want = sign * fval(g[0], g[1], g[2], v);
          double got = aeon_var(&f, v)[aeon_idx(&m, p[0], p[1], p[2])];
          checked++;
          if (got != want && bad++ < 3)
            fprintf(stderr, "rank %d: point (%d,%d,%d) var %d: got %.1f want %.1f\n", par.rank, p[0], p[1], p[2], v, got, want);
        }
  long tot[2] = {bad, checked}, all[2];
  MPI_Allreduce(tot, all, 2, MPI_LONG, MPI_SUM, comm);
  if (par.rank == 0)
    printf("dims %dx%dx%d bc %d%d%d%d%d%d: %ld points checked, %ld wrong\n", par.dims[0], par.dims[1], par.dims[2],
           bc[0], bc[1], bc[2], bc[3], bc[4], bc[5], all[1], all[0]);
  aeon_exchange_destroy(ex);
  aeon_fields_destroy(&f);
  aeon_par_destroy(&par);
  return all[0] != 0 || all[1] == 0;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const long N[3] = {13, 10, 12};
  const aeon_bc per[6] = {0, 0, 0, 0, 0, 0};
  const aeon_bc sym[6] = {AEON_BC_SYMMETRY, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY,
                          AEON_BC_SYMMETRY, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY};
  const aeon_bc mix[6] = {AEON_BC_SYMMETRY, AEON_BC_RADIATIVE, AEON_BC_PERIODIC,
                          AEON_BC_PERIODIC, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY};
  const int autod[3] = {0, 0, 0}, alongx[3] = {size, 1, 1}, alongz[3] = {1, 1, size};
  int fail = 0;
  const aeon_bc *bcs[3] = {per, sym, mix};
  for (int b = 0; b < 3; b++) {
    fail |= check_case(MPI_COMM_WORLD, N, bcs[b], autod);
    fail |= check_case(MPI_COMM_WORLD, N, bcs[b], alongx);
    fail |= check_case(MPI_COMM_WORLD, N, bcs[b], alongz);
  }
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) printf("%s\n", fail ? "FAIL" : "PASS exchange");
  MPI_Finalize();
  return fail;
}
