/* HDF5 files of the drivers: a matrix is a 2-D row-major dataset. Every rank
 * reads (read-only; the input is never modified) and writes its own tiles as
 * hyperslabs; symmetry of an input declared symmetric is checked on the way in.
 * Failures are agreed across ranks before the collective close, which is
 * guarded (aeon_io_failed_close_begin) since it may hang after a failed write. */
#include <math.h>
#include <string.h>

#include <hdf5.h>

#include "aeon/drivers.h"
#include "aeon/ioguard.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "drv_internal.h"

/* Shape of dset in an open file, or a user error naming what is wrong. */
static aeon_err dset_shape(hid_t f, const char *file, const char *dset, long *rows, long *cols) {
  if (H5Lexists(f, dset, H5P_DEFAULT) <= 0)
    return AE_ERR(AEON_ERR_USER, "HDF5 file '%s' has no dataset '%s'", file, dset);
  hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
  if (d < 0) return AE_ERR(AEON_ERR_USER, "'%s' in HDF5 file '%s' is not a dataset", dset, file);
  hid_t s = H5Dget_space(d), t = H5Dget_type(d);
  hsize_t dims[3] = {0, 0, 0};
  int nd = H5Sget_simple_extent_ndims(s);
  if (nd >= 1 && nd <= 3) H5Sget_simple_extent_dims(s, dims, NULL);
  H5T_class_t cls = H5Tget_class(t);
  H5Tclose(t);
  H5Sclose(s);
  H5Dclose(d);
  if (nd != 2) return AE_ERR(AEON_ERR_USER, "dataset '%s' in '%s' has %d dimensions; a matrix needs 2", dset, file, nd);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    return AE_ERR(AEON_ERR_USER, "dataset '%s' in '%s' is not numeric", dset, file);
  if (dims[0] == 0 || dims[1] == 0) return AE_ERR(AEON_ERR_USER, "dataset '%s' in '%s' is empty", dset, file);
  *rows = (long)dims[0];
  *cols = (long)dims[1];
  return AEON_OK;
}

static aeon_err shape_local(const char *file, const char *dset, long *rows, long *cols) {
  hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return AE_ERR(AEON_ERR_USER, "cannot open '%s' as an HDF5 file (missing, unreadable or not HDF5)", file);
  aeon_err e = dset_shape(f, file, dset, rows, cols);
  H5Fclose(f);
  return e;
}

aeon_err aeon_h5_shape(MPI_Comm comm, const char *file, const char *dset, long *rows, long *cols) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  long sh[2] = {0, 0};
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  aeon_err e = rank == 0 ? shape_local(file, dset, &sh[0], &sh[1]) : AEON_OK;
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  AE_CHK(aeon_par_agree(comm, e));
  AE_MPI(MPI_Bcast(sh, 2, MPI_LONG, 0, comm));
  *rows = sh[0];
  *cols = sh[1];
  return AEON_OK;
}

/* Opens file on the grid's ranks (MPI-IO), read-only or created (truncated). */
static aeon_err open_par(const aeon_pgrid *g, const char *file, int create, hid_t *f) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, g->comm, MPI_INFO_NULL);
  *f = create ? H5Fcreate(file, H5F_ACC_TRUNC, H5P_DEFAULT, fapl) : H5Fopen(file, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  if (*f < 0) return AE_ERR(create ? AEON_ERR_IO : AEON_ERR_USER, "cannot %s HDF5 file '%s'", create ? "create" : "open", file);
  return AEON_OK;
}

/* Reads (write = 0) or writes the rows x cols block at (r0, c0) of dataset d to/from buf (row-major). */
static aeon_err block_io(hid_t d, long r0, long c0, int rows, int cols, double *buf, int write) {
  hsize_t start[2] = {(hsize_t)r0, (hsize_t)c0}, count[2] = {(hsize_t)rows, (hsize_t)cols};
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(2, count, NULL);
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
  herr_t st = write ? H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf)
                    : H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf);
  H5Sclose(ms);
  H5Sclose(fs);
  if (st < 0) return AE_ERR(AEON_ERR_IO, "HDF5 %s of rows %ld.. columns %ld.. failed", write ? "write" : "read", r0, c0);
  return AEON_OK;
}

/* Row-major rows x cols block -> column-major nb x nb tile (zero padded). */
static void to_tile(const double *blk, int rows, int cols, int nb, double *t) {
  memset(t, 0, (size_t)nb * nb * sizeof(double));
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++) t[(size_t)c * nb + r] = blk[(size_t)r * cols + c];
}

/* Checks that the tile (i, j) equals the transpose of the block (j, i) read into blk (row-major), and is finite. */
static aeon_err check_sym(const aeon_tiled *A, long i, long j, const double *t, const double *blk, const char *what) {
  int rows = aeon_tiled_rows(A, i), cols = aeon_tiled_cols(A, j), nb = A->nb;
  for (int c = 0; c < cols; c++)
    for (int r = 0; r < rows; r++) {
      double a = t[(size_t)c * nb + r], b = blk[(size_t)c * rows + r]; /* block (j, i) is cols x rows */
      long gr = i * nb + r, gc = j * nb + c;
      if (!isfinite(a)) return AE_ERR(AEON_ERR_USER, "%s: entry (%ld, %ld) is not finite", what, gr, gc);
      if (fabs(a - b) > 1e-12 * fmax(fabs(a), fabs(b)))
        return AE_ERR(AEON_ERR_USER, "%s is not symmetric: entry (%ld, %ld) = %.17g but (%ld, %ld) = %.17g", what, gr,
                      gc, a, gc, gr, b);
    }
  return AEON_OK;
}

static aeon_err read_tiles(aeon_tiled *A, hid_t d, double *blk, double *tile, const char *what, uint64_t *bytes) {
  int sym = A->traits == AEON_TRAIT_SYMMETRIC || A->traits == AEON_TRAIT_SPD;
  for (long j = A->grid->q; j < A->nt; j += A->grid->Q)
    for (long i = A->grid->p; i < A->mt; i += A->grid->P) {
      if (!aeon_tiled_mine(A, i, j)) continue;
      int rows = aeon_tiled_rows(A, i), cols = aeon_tiled_cols(A, j);
      AE_CHK(block_io(d, i * A->nb, j * A->nb, rows, cols, blk, 0));
      to_tile(blk, rows, cols, A->nb, tile);
      *bytes += (uint64_t)rows * cols * sizeof(double) * (sym ? 2 : 1);
      if (sym) {
        AE_CHK(block_io(d, j * A->nb, i * A->nb, cols, rows, blk, 0));
        AE_CHK(check_sym(A, i, j, tile, blk, what));
      }
      AE_CHK(aeon_tiled_put(A, i, j, tile));
    }
  return AEON_OK;
}

typedef aeon_err (*tiles_fn)(aeon_tiled *, hid_t, double *, double *, const char *, uint64_t *);

/* Opens dataset dset, or creates it (m x n doubles, with any missing groups). */
static aeon_err open_dataset(const aeon_tiled *A, hid_t f, const char *file, const char *dset, int create, hid_t *d) {
  if (!create) {
    *d = H5Dopen2(f, dset, H5P_DEFAULT);
    return *d < 0 ? AE_ERR(AEON_ERR_USER, "HDF5 file '%s' has no dataset '%s'", file, dset) : AEON_OK;
  }
  hsize_t dims[2] = {(hsize_t)A->m, (hsize_t)A->n};
  hid_t sp = H5Screate_simple(2, dims, NULL), lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  *d = H5Dcreate2(f, dset, H5T_IEEE_F64LE, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  H5Sclose(sp);
  return *d < 0 ? AE_ERR(AEON_ERR_IO, "cannot create dataset '%s' in '%s'", dset, file) : AEON_OK;
}

/* Runs body(A, d, blk, tile) with the dataset open (HDF5's own error printing off) and two tile buffers from the
 * governor; *bytes (may be NULL) gets the bytes moved by all ranks. */
static aeon_err with_dataset(aeon_tiled *A, const char *file, const char *dset, int create, tiles_fn body,
                             uint64_t *bytes) {
  size_t tb = (size_t)A->nb * A->nb * sizeof(double);
  double *blk = NULL, *tile = NULL;
  hid_t f = -1, d = -1;
  uint64_t mine = 0, all = 0;
  char what[1200];
  snprintf(what, sizeof what, "matrix %s:%s", file, dset);
  H5E_auto2_t fn;
  void *data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  aeon_err e = aeon_gov_alloc(A->gov, tb, "HDF5 tile buffer", (void **)&blk);
  if (!e) e = aeon_gov_alloc(A->gov, tb, "HDF5 tile buffer", (void **)&tile);
  e = aeon_par_agree(A->grid->comm, e);
  if (!e) e = open_par(A->grid, file, create, &f);
  if (!e) e = open_dataset(A, f, file, dset, create, &d);
  if (!e) e = body(A, d, blk, tile, what, &mine);
  e = aeon_par_agree(A->grid->comm, e);
  if (!e && MPI_Allreduce(&mine, &all, 1, MPI_UINT64_T, MPI_SUM, A->grid->comm) != MPI_SUCCESS)
    e = AE_ERR(AEON_ERR_MPI, "MPI_Allreduce of the I/O volume failed");
  if (bytes) *bytes = all;
  int guard = e && f >= 0 ? aeon_io_failed_close_begin(file) : -1; /* parallel HDF5 may hang closing after a failure */
  if (d >= 0) H5Dclose(d);
  if (f >= 0) H5Fclose(f);
  aeon_io_phase_end(guard);
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  aeon_gov_free(A->gov, blk, tb);
  aeon_gov_free(A->gov, tile, tb);
  return e;
}

aeon_err aeon_tiled_read_h5(aeon_tiled *A, const char *file, const char *dset, uint64_t *bytes) {
  long rows, cols;
  AE_CHK(aeon_h5_shape(A->grid->comm, file, dset, &rows, &cols));
  if (rows != A->m || cols != A->n)
    return AE_ERR(AEON_ERR_USER, "dataset '%s' in '%s' is %ld x %ld, expected %ld x %ld", dset, file, rows, cols, A->m,
                  A->n);
  return with_dataset(A, file, dset, 0, read_tiles, bytes);
}

static aeon_err write_tiles(aeon_tiled *A, hid_t d, double *blk, double *tile, const char *what, uint64_t *bytes) {
  for (long j = A->grid->q; j < A->nt; j += A->grid->Q)
    for (long i = A->grid->p; i < A->mt; i += A->grid->P) {
      if (!aeon_tiled_mine(A, i, j)) continue;
      int rows = aeon_tiled_rows(A, i), cols = aeon_tiled_cols(A, j);
      AE_CHK(aeon_tiled_get(A, i, j, tile));
      for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) blk[(size_t)r * cols + c] = tile[(size_t)c * A->nb + r];
      AE_CHK(block_io(d, i * A->nb, j * A->nb, rows, cols, blk, 1));
      *bytes += (uint64_t)rows * cols * sizeof(double);
    }
  return AEON_OK;
}

aeon_err aeon_tiled_write_h5(aeon_tiled *A, const char *file, const char *dset, uint64_t *bytes) {
  return with_dataset(A, file, dset, 1, write_tiles, bytes);
}

aeon_err aeon_h5_split(const char *spec, const char *dset_default, char *file, size_t nfile, char *dset, size_t ndset) {
  const char *c = strstr(spec, ":/"), *next;
  while (c && (next = strstr(c + 1, ":/"))) c = next; /* the last ":/" (file names may hold ':') */
  size_t nf = c ? (size_t)(c - spec) : strlen(spec);
  const char *d = c ? c + 1 : dset_default;
  if (nf == 0 || nf >= nfile || strlen(d) >= ndset)
    return AE_ERR(AEON_ERR_USER, "'%s' is not FILE or FILE:/DATASET (e.g. matrix.h5:/A)", spec);
  memcpy(file, spec, nf);
  file[nf] = '\0';
  snprintf(dset, ndset, "%s", d);
  return AEON_OK;
}

double aeon_tiled_elem(void *ctx, long r, long c) {
  const aeon_tiled *A = ctx;
  long i = r / A->nb, j = c / A->nb;
  if (A->traits != AEON_TRAIT_GENERAL && i < j) {
    long t = r;
    r = c;
    c = t;
    i = r / A->nb;
    j = c / A->nb;
  }
  int ld;
  const double *t = aeon_tiled_tile(A, i, j, &ld);
  return t ? t[(size_t)(c - j * A->nb) * ld + (r - i * A->nb)] : NAN;
}
