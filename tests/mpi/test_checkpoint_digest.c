/* ranks: 1 2 3 4 */
/* Checkpoint field digests: a checkpoint of a known global field written on any rank count and any
 * decomposition (automatic, along x, along y, along z; a radiative face, so ghosts are evolved state)
 * records the same digest, the one computed here serially over the whole field in global index order;
 * restart's read and inspect's verification accept it and read the values back exactly; after one
 * value in the file is changed (HDF5 itself, so no checksum complains) both refuse it, on every rank,
 * naming the field. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/checkpoint.h"
#include "io/h5util.h"
#include "mpicheck.h"

static const char *names[2] = {"u", "pi"};

/* A value per global evolved point and variable that differs everywhere. */
static double fval(long gx, long gy, long gz, int v) { return 1e6 * v + 10000.0 * gz + 100.0 * gy + gx + 0.25; }

/* The digest text the whole field should have, computed serially in global index order. */
static void expected_digests(const long gs[3], char *out, size_t len) {
  out[0] = '\0';
  double *row = malloc(sizeof(double) * (size_t)gs[0]);
  for (int v = 0; v < 2; v++) {
    h5u_digest dg = {{0, 0}};
    for (long z = 0; z < gs[2]; z++)
      for (long y = 0; y < gs[1]; y++) {
        for (long x = 0; x < gs[0]; x++) row[x] = fval(x, y, z, v);
        h5u_digest_row(&dg, row, (size_t)gs[0], (uint64_t)((z * gs[1] + y) * gs[0]));
      }
    size_t k = strlen(out);
    snprintf(out + k, len - k, "%s %016llx%016llx\n", names[v], (unsigned long long)dg.lane[0],
             (unsigned long long)dg.lane[1]);
  }
  free(row);
}

/* Rank 0: the field_digests attribute of a checkpoint file. */
static void read_digests(const char *path, char *out, size_t len) {
  out[0] = '\0';
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), a = H5Aopen(f, "field_digests", H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  if (H5Tis_variable_str(t) > 0) { /* variable-length UTF-8, as Aeon writes string attributes */
    char *p = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    if (H5Aread(a, mt, &p) >= 0 && p) snprintf(out, len, "%s", p);
    H5free_memory(p);
    H5Tclose(mt);
  } else if (H5Tget_size(t) < len) {
    H5Aread(a, t, out);
  }
  H5Tclose(t), H5Aclose(a), H5Fclose(f);
}

/* Rank 0: changes the value at z = y = x = 1 of field u in place. */
static void tamper(const char *path) {
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), d = H5Dopen2(f, "/levels/0/fields/u", H5P_DEFAULT);
  hid_t fs = H5Dget_space(d);
  hsize_t one[3] = {1, 1, 1}, at[3] = {1, 1, 1};
  hid_t ms = H5Screate_simple(3, one, NULL);
  double x = 0.0;
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, at, NULL, one, NULL);
  H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &x);
  x += 1e-9;
  H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &x);
  H5Sclose(ms), H5Sclose(fs), H5Dclose(d), H5Fclose(f);
}

static void check_case(const int dims[3], const char *dir, int rank) {
  const long N[3] = {11, 9, 10};
  aeon_mesh m;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) m.N[d] = N[d], m.xmax[d] = 1.0, m.dx[d] = 1.0 / (double)N[d];
  m.ghost = 2;
  const aeon_bc bc[6] = {AEON_BC_SYMMETRY, AEON_BC_RADIATIVE, AEON_BC_PERIODIC, /* radiative +x and -z: their */
                         AEON_BC_PERIODIC, AEON_BC_RADIATIVE, AEON_BC_SYMMETRY}; /* ghosts are evolved, stored */
  memcpy(m.bc, bc, sizeof m.bc);
  int periodic[3];
  aeon_par par;
  aeon_fields u;
  aeon_mesh_periodicity(&m, periodic);
  if (aeon_par_create(MPI_COMM_WORLD, dims, periodic, m.N, &par) || aeon_mesh_setup_patch(&m, &par) ||
      aeon_fields_create(&m, 2, &u)) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const long lo[3] = {0, 0, m.ghost}, gs[3] = {N[0] + m.ghost, N[1], N[2] + m.ghost};
  const aeon_box *b = &m.evolved;
  for (int v = 0; v < 2; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++)
          aeon_var(&u, v)[aeon_idx(&m, i, j, k)] = fval(m.off[0] + i + lo[0], m.off[1] + j + lo[1], m.off[2] + k + lo[2], v);
  char path[4200], want[512], got[512];
  snprintf(path, sizeof path, "%s/chk_%d%d%d.h5", dir, dims[0], dims[1], dims[2]);
  aeon_checkpoint_meta mt = {0};
  uint8_t none[1] = {0};
  mt.deck = mt.effective = mt.physics = (char *)"test";
  mt.tiers = mt.receipts = none;
  aeon_err e = aeon_checkpoint_write(&m, &u, names, path, &mt);
  CHECK(!e, "write on %d x %d x %d ranks: %s", par.dims[0], par.dims[1], par.dims[2], aeon_error_message());
  if (rank == 0) {
    expected_digests(gs, want, sizeof want);
    read_digests(path, got, sizeof got);
    CHECK(strcmp(want, got) == 0, "%d x %d x %d ranks: digests\n%s, expected\n%s", par.dims[0], par.dims[1],
          par.dims[2], got, want);
  }
  aeon_checkpoint_meta rd;
  CHECK(aeon_checkpoint_read_meta(MPI_COMM_WORLD, path, &rd) == AEON_OK, "read_meta: %s", aeon_error_message());
  CHECK(rd.format_version == AEON_CHECKPOINT_VERSION, "format %d", (int)rd.format_version);
  aeon_checkpoint_meta_free(&rd);
  aeon_fields back;
  aeon_fields_create(&m, 2, &back);
  CHECK(aeon_checkpoint_read_fields(&m, &back, names, path) == AEON_OK, "read_fields: %s", aeon_error_message());
  long bad = 0;
  for (int v = 0; v < 2; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++)
          bad += aeon_var(&back, v)[aeon_idx(&m, i, j, k)] != aeon_var(&u, v)[aeon_idx(&m, i, j, k)];
  CHECK(bad == 0, "%ld values read back differ", bad);
  int nf = 0;
  if (rank == 0) CHECK(aeon_checkpoint_verify_fields(path, &nf) == AEON_OK && nf == 2, "verify: %s", aeon_error_message());
  if (rank == 0) tamper(path);
  MPI_Barrier(MPI_COMM_WORLD);
  e = aeon_checkpoint_read_fields(&m, &back, names, path);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "field 'u' do not match its digest"),
        "tampered file read with %d: %s", (int)e, aeon_error_message());
  if (rank == 0) {
    e = aeon_checkpoint_verify_fields(path, &nf);
    CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "field 'u' do not match its digest") && nf == 1,
          "tampered file verified with %d (%d fields): %s", (int)e, nf, aeon_error_message());
    unlink(path);
  }
  aeon_fields_destroy(&back);
  aeon_fields_destroy(&u);
  aeon_par_destroy(&par);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char dir[64] = "/tmp/aeon_digest_XXXXXX";
  if (rank == 0 && !mkdtemp(dir)) dir[0] = '\0';
  MPI_Bcast(dir, sizeof dir, MPI_CHAR, 0, MPI_COMM_WORLD);
  const int cases[4][3] = {{0, 0, 0}, {size, 1, 1}, {1, size, 1}, {1, 1, size}};
  for (int c = 0; c < (size > 1 ? 4 : 1); c++) check_case(cases[c], dir, rank); /* one rank: one layout */
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) rmdir(dir);
  MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", failures ? "FAIL" : "PASS checkpoint digest");
  MPI_Finalize();
  return failures != 0;
}
