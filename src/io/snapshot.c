/* Field snapshots: one parallel HDF5 file per output step, written
 * collectively by every rank of the process grid, each rank contributing the
 * interior hyperslab of its patch, so the file does not depend on the
 * decomposition. The file is written as PATH.tmp and renamed by rank 0 once
 * every rank has closed it; an XDMF sidecar is written beside it.
 *
 * Layout: root attributes step (int64), time, physics, deck, aeon_version;
 * /grid attributes N (int64[3]), xmin, xmax, dx (double[3], x y z order),
 * centering ("cell"); /fields/NAME double[N2][N1][N0] (x fastest). */
#include "aeon/output.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/version.h"
#include "xdmf.h"

/* Strings longer than this go to dense attribute storage (compact attributes are capped near 64 KiB). */
#define DENSE_ATTR_BYTES 32768

/* ---- HDF5 error-stack silencing ---------------------------------------------------------------- */

typedef struct h5_quiet {
  H5E_auto2_t func;
  void *data;
} h5_quiet;

static void quiet_begin(h5_quiet *q) {
  H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static void quiet_end(const h5_quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

/* Closes an HDF5 identifier of any kind if it is open. */
static void h5_close(hid_t *id) {
  if (*id < 0) return;
  switch (H5Iget_type(*id)) {
  case H5I_FILE: H5Fclose(*id); break;
  case H5I_GROUP: H5Gclose(*id); break;
  case H5I_DATASET: H5Dclose(*id); break;
  case H5I_DATASPACE: H5Sclose(*id); break;
  case H5I_DATATYPE: H5Tclose(*id); break;
  case H5I_ATTR: H5Aclose(*id); break;
  case H5I_GENPROP_LST: H5Pclose(*id); break;
  default: break;
  }
  *id = -1;
}

/* ---- patch <-> packed buffer ------------------------------------------------------------------- */

static size_t patch_points(const aeon_mesh *m) { return (size_t)m->n[0] * m->n[1] * m->n[2]; }

/* Copies the interior of var into buf, x fastest. */
static void pack_interior(const aeon_mesh *m, const double *var, double *buf) {
  size_t p = 0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      memcpy(buf + p, var + aeon_idx(m, 0, j, k), (size_t)m->n[0] * sizeof *buf);
      p += (size_t)m->n[0];
    }
}

/* Copies buf (x fastest) into the interior of var. */
static void unpack_interior(const aeon_mesh *m, const double *buf, double *var) {
  size_t p = 0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      memcpy(var + aeon_idx(m, 0, j, k), buf + p, (size_t)m->n[0] * sizeof *buf);
      p += (size_t)m->n[0];
    }
}

/* Allocates the packing buffer on every rank; fails on every rank if it fails on one. */
static aeon_err alloc_buffer(const aeon_mesh *m, double **buf) {
  size_t n = patch_points(m);
  aeon_err e = aeon_mem_alloc((n ? n : 1) * sizeof(double), (void **)buf);
  AE_CHK(aeon_par_agree(m->par->cart, e));
  return AEON_OK;
}

/* Makes a copy of the grid's communicator without the Cartesian topology (same ranks, same order) for
 * HDF5. With a Cartesian communicator, Open MPI 4.1.4's OMPIO (Debian 12) loses data in collective
 * writes and reads: 3 ranks on a 3x1x1 grid wrote or read zeros in about half the runs, never with a
 * communicator without topology (same symptoms as open-mpi/ompi#12718). */
static aeon_err io_comm(const aeon_mesh *m, MPI_Comm *comm) {
  AE_MPI(MPI_Comm_split(m->par->cart, 0, m->par->rank, comm));
  return AEON_OK;
}

/* ---- files, attributes, selections ------------------------------------------------------------- */

/* Describes a failed H5Fcreate: the directory's errno when it is not writable. */
static aeon_err create_error(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  else
    snprintf(dir, sizeof dir, ".");
  if (access(dir, W_OK | X_OK) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot create HDF5 file '%s': directory '%s': %s", path, dir,
                  strerror(errno));
  return AE_ERR(AEON_ERR_IO, "cannot create HDF5 file '%s' (H5Fcreate failed)", path);
}

/* Describes a failed H5Fopen: a missing file is the user's, anything else is I/O. */
static aeon_err open_error(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    return AE_ERR(AEON_ERR_USER, "cannot open snapshot '%s': %s", path, strerror(errno));
  return AE_ERR(AEON_ERR_IO, "cannot open snapshot '%s': not a readable HDF5 file (H5Fopen failed)", path);
}

/* Opens (create = 0, read-only) or creates (create = 1, truncating) path with the MPI-IO driver on comm. */
static aeon_err h5_open(const char *path, MPI_Comm comm, int create, int dense_attrs, hid_t *file) {
  hid_t fapl = -1, fcpl = -1;
  *file = -1;
  aeon_err e = AEON_OK;
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 ||
      H5Pset_all_coll_metadata_ops(fapl, 1) < 0 || H5Pset_coll_metadata_write(fapl, 1) < 0) {
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot set up the MPI-IO file access property list", path);
    goto done;
  }
  if (create) {
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0 || (dense_attrs && (H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0 ||
                                     H5Pset_attr_phase_change(fcpl, 0, 0) < 0))) {
      e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot set up the file creation property list", path);
      goto done;
    }
    *file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
  } else {
    *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  }
  if (*file < 0) e = create ? create_error(path) : open_error(path);
done:
  h5_close(&fcpl);
  h5_close(&fapl);
  return e;
}

/* Writes an attribute of n values (n = 0: scalar) of memory type mtype, stored as ftype. */
static aeon_err put_attr(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int n, const void *data,
                         const char *path) {
  hsize_t dims[1] = {(hsize_t)n};
  hid_t space = n ? H5Screate_simple(1, dims, NULL) : H5Screate(H5S_SCALAR);
  hid_t attr = space < 0 ? -1 : H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t w = attr < 0 ? -1 : H5Awrite(attr, mtype, data);
  h5_close(&attr);
  h5_close(&space);
  if (w < 0) return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot write attribute '%s'", path, name);
  return AEON_OK;
}

/* Writes a fixed-length UTF-8 string attribute (NULL is stored as ""). */
static aeon_err put_str_attr(hid_t loc, const char *name, const char *s, const char *path) {
  if (!s) s = "";
  hid_t type = H5Tcopy(H5T_C_S1);
  herr_t r = type < 0 ? -1 : H5Tset_size(type, strlen(s) + 1);
  if (r >= 0) r = H5Tset_strpad(type, H5T_STR_NULLTERM);
  if (r >= 0) r = H5Tset_cset(type, H5T_CSET_UTF8);
  aeon_err e = r < 0 ? AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot make a string type for '%s'", path, name)
                     : put_attr(loc, name, type, type, 0, s, path);
  h5_close(&type);
  return e;
}

/* Root attributes: step, time, physics, deck, aeon_version. */
static aeon_err put_root_attrs(hid_t file, const aeon_snapshot_info *info, const char *path) {
  int64_t step = info->step;
  AE_CHK(put_attr(file, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &step, path));
  AE_CHK(put_attr(file, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &info->time, path));
  AE_CHK(put_str_attr(file, "physics", info->physics, path));
  AE_CHK(put_str_attr(file, "deck", info->deck_text, path));
  AE_CHK(put_str_attr(file, "aeon_version", AEON_VERSION_STRING, path));
  return AEON_OK;
}

/* The /grid group: N, xmin, xmax, dx (x y z order) and the centering. */
static aeon_err put_grid(hid_t file, const aeon_mesh *m, const char *path) {
  hid_t g = H5Gcreate2(file, "/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create group /grid", path);
  int64_t N[3] = {m->N[0], m->N[1], m->N[2]};
  aeon_err e = put_attr(g, "N", H5T_STD_I64LE, H5T_NATIVE_INT64, 3, N, path);
  if (e == AEON_OK) e = put_attr(g, "xmin", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, m->xmin, path);
  if (e == AEON_OK) e = put_attr(g, "xmax", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, m->xmax, path);
  if (e == AEON_OK) e = put_attr(g, "dx", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, m->dx, path);
  if (e == AEON_OK) e = put_str_attr(g, "centering", "cell", path);
  h5_close(&g);
  return e;
}

/* Selects this rank's interior in the global file space and makes the matching packed memory space. */
static aeon_err select_patch(const aeon_mesh *m, hid_t fspace, hid_t *mspace, const char *path) {
  hsize_t start[3] = {(hsize_t)m->off[2], (hsize_t)m->off[1], (hsize_t)m->off[0]};
  hsize_t count[3] = {(hsize_t)m->n[2], (hsize_t)m->n[1], (hsize_t)m->n[0]};
  size_t np = patch_points(m);
  hsize_t one[1] = {np ? np : 1};
  *mspace = H5Screate_simple(1, one, NULL);
  herr_t r = *mspace < 0 ? -1 : 0;
  if (r >= 0 && np) r = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  if (r >= 0 && !np) r = H5Sselect_none(fspace) < 0 || H5Sselect_none(*mspace) < 0 ? -1 : 0;
  if (r < 0) {
    h5_close(mspace);
    return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot select this rank's hyperslab", path);
  }
  return AEON_OK;
}

/* Makes a collective transfer property list. */
static aeon_err collective_dxpl(hid_t *dxpl, const char *path) {
  *dxpl = H5Pcreate(H5P_DATASET_XFER);
  if (*dxpl < 0 || H5Pset_dxpl_mpio(*dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
    h5_close(dxpl);
    return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot set up a collective transfer", path);
  }
  return AEON_OK;
}

/* ---- writing ----------------------------------------------------------------------------------- */

/* Creates /fields/NAME and writes this rank's packed interior into it (collective). */
static aeon_err put_field(hid_t grp, const aeon_mesh *m, const char *name, const double *buf, hid_t dxpl,
                          const char *path) {
  hsize_t dims[3] = {(hsize_t)m->N[2], (hsize_t)m->N[1], (hsize_t)m->N[0]};
  hid_t fspace = H5Screate_simple(3, dims, NULL), mspace = -1, dset = -1;
  if (fspace >= 0)
    dset = H5Dcreate2(grp, name, H5T_IEEE_F64LE, fspace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  aeon_err e = AEON_OK;
  if (dset < 0) {
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create dataset /fields/%s", path, name);
    goto done;
  }
  AE_CHK_GOTO(select_patch(m, fspace, &mspace, path), e, done);
  if (H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf) < 0)
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot write dataset /fields/%s", path, name);
done:
  h5_close(&dset);
  h5_close(&mspace);
  h5_close(&fspace);
  return e;
}

/* Writes every field into the open file: packs each variable into buf, then writes it. */
static aeon_err put_fields(hid_t file, const aeon_mesh *m, const aeon_fields *f, const char *const *names,
                           double *buf, const char *path) {
  hid_t grp = H5Gcreate2(file, "/fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (grp < 0) return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create group /fields", path);
  hid_t dxpl = -1;
  aeon_err e = collective_dxpl(&dxpl, path);
  for (int v = 0; v < f->nvar && e == AEON_OK; v++) {
    pack_interior(m, aeon_var(f, v), buf);
    e = put_field(grp, m, names[v], buf, dxpl, path);
  }
  h5_close(&dxpl);
  h5_close(&grp);
  return e == AEON_OK ? AEON_OK : aeon_error_trace(e, __FILE__, __LINE__, __func__);
}

/* The whole HDF5 part of a snapshot, written to path (collective). */
static aeon_err write_h5(const char *path, MPI_Comm comm, const aeon_mesh *m, const aeon_fields *f,
                         const char *const *names, const aeon_snapshot_info *info, double *buf) {
  int dense = (info->deck_text && strlen(info->deck_text) > DENSE_ATTR_BYTES) ||
              (info->physics && strlen(info->physics) > DENSE_ATTR_BYTES);
  hid_t file = -1;
  AE_CHK(h5_open(path, comm, 1, dense, &file));
  aeon_err e = put_root_attrs(file, info, path);
  if (e == AEON_OK) e = put_grid(file, m, path);
  if (e == AEON_OK) e = put_fields(file, m, f, names, buf, path);
  if (H5Fclose(file) < 0 && e == AEON_OK)
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': closing failed", path);
  return e == AEON_OK ? AEON_OK : aeon_error_trace(e, __FILE__, __LINE__, __func__);
}

/* Checks that every field has a usable, distinct dataset name. */
static aeon_err check_names(int nvar, const char *const *names) {
  if (nvar > 0 && !names) return AE_ERR(AEON_ERR_INTERNAL, "snapshot: no field names given");
  for (int v = 0; v < nvar; v++) {
    if (!names[v] || !names[v][0] || strchr(names[v], '/') || strcmp(names[v], ".") == 0)
      return AE_ERR(AEON_ERR_INTERNAL, "snapshot: field %d has an invalid name '%s'", v,
                    names[v] ? names[v] : "(null)");
    for (int w = 0; w < v; w++)
      if (strcmp(names[v], names[w]) == 0)
        return AE_ERR(AEON_ERR_INTERNAL, "snapshot: two fields are named '%s'", names[v]);
  }
  return AEON_OK;
}

/* Fills the file names of a snapshot: DIR/PREFIX_STEP.h5, its .tmp, its .xmf, and the .h5 base name. */
static aeon_err snapshot_paths(const char *dir, const char *prefix, long step, char h5[4096],
                               char tmp[4096], char xmf[4096], char base[1024]) {
  if (!dir || !dir[0] || !prefix || !prefix[0])
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot: empty directory or prefix");
  int a = snprintf(base, 1024, "%s_%06ld.h5", prefix, step);
  int b = snprintf(h5, 4096, "%s/%s", dir, base);
  int c = snprintf(tmp, 4096, "%s.tmp", h5);
  int d = snprintf(xmf, 4096, "%s/%s_%06ld.xmf", dir, prefix, step);
  if (a >= 1024 || b >= 4096 || c >= 4096 || d >= 4096)
    return AE_ERR(AEON_ERR_USER, "snapshot path too long: '%s/%s_%06ld.h5'", dir, prefix, step);
  return AEON_OK;
}

/* Rank 0 moves the finished file to its final name and writes the sidecar. */
static aeon_err publish(const char *tmp, const char *h5, const char *xmf, const char *base,
                        const aeon_mesh *m, const aeon_fields *f, const char *const *names, double time) {
  if (rename(tmp, h5) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot rename snapshot '%s' to '%s': %s", tmp, h5, strerror(errno));
  AE_CHK(aeon_xdmf_write(xmf, base, m, f->nvar, names, time));
  return AEON_OK;
}

aeon_err aeon_snapshot_write(const aeon_mesh *m, const aeon_fields *f, const char *const *names,
                             const char *dir, const char *prefix, const aeon_snapshot_info *info) {
  aeon_snapshot_info none = {0, 0.0, NULL, NULL};
  if (!info) info = &none;
  char h5[4096], tmp[4096], xmf[4096], base[1024];
  AE_CHK(snapshot_paths(dir, prefix, info->step, h5, tmp, xmf, base));
  AE_CHK(check_names(f->nvar, names));
  double *buf = NULL;
  AE_CHK(alloc_buffer(m, &buf));
  MPI_Comm comm = MPI_COMM_NULL;
  aeon_err e = io_comm(m, &comm);
  if (e == AEON_OK) {
    h5_quiet q;
    quiet_begin(&q);
    e = write_h5(tmp, comm, m, f, names, info, buf);
    quiet_end(&q);
    MPI_Comm_free(&comm);
  }
  aeon_mem_free(buf);
  AE_CHK(aeon_par_agree(m->par->cart, e)); /* also the barrier before the rename */
  e = AEON_OK;
  if (m->par->rank == 0) e = publish(tmp, h5, xmf, base, m, f, names, info->time);
  AE_CHK(aeon_par_agree(m->par->cart, e));
  return AEON_OK;
}

/* ---- reading ----------------------------------------------------------------------------------- */

/* Writes dims as "[a b c]". */
static void dims_text(int nd, const hsize_t *dims, char *out, size_t size) {
  size_t k = (size_t)snprintf(out, size, "[");
  for (int i = 0; i < nd && k < size; i++)
    k += (size_t)snprintf(out + k, size - k, "%s%llu", i ? " " : "", (unsigned long long)dims[i]);
  if (k < size) snprintf(out + k, size - k, "]");
}

/* Opens /fields/NAME and checks that it is a floating-point dataset of the mesh's global shape. */
static aeon_err open_field(hid_t file, const aeon_mesh *m, const char *name, const char *path,
                           hid_t *dset) {
  char dpath[1100];
  snprintf(dpath, sizeof dpath, "/fields/%s", name);
  if (H5Lexists(file, "/fields", H5P_DEFAULT) <= 0 || H5Lexists(file, dpath, H5P_DEFAULT) <= 0 ||
      (*dset = H5Dopen2(file, dpath, H5P_DEFAULT)) < 0)
    return AE_ERR(AEON_ERR_USER, "snapshot '%s' has no dataset '%s'", path, dpath);
  hid_t space = H5Dget_space(*dset), type = H5Dget_type(*dset);
  hsize_t dims[H5S_MAX_RANK] = {0};
  int nd = space < 0 ? -1 : H5Sget_simple_extent_dims(space, dims, NULL);
  H5T_class_t cls = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
  h5_close(&type);
  h5_close(&space);
  aeon_err e = AEON_OK;
  if (nd < 0)
    e = AE_ERR(AEON_ERR_IO, "snapshot '%s': cannot read the shape of dataset '%s'", path, dpath);
  else if (nd != 3 || dims[0] != (hsize_t)m->N[2] || dims[1] != (hsize_t)m->N[1] ||
           dims[2] != (hsize_t)m->N[0]) {
    char found[256];
    dims_text(nd, dims, found, sizeof found);
    e = AE_ERR(AEON_ERR_USER, "snapshot '%s' dataset '%s' has dims %s, expected [%ld %ld %ld] (z y x)", path,
               dpath, found, m->N[2], m->N[1], m->N[0]);
  }
  else if (cls != H5T_FLOAT)
    e = AE_ERR(AEON_ERR_USER, "snapshot '%s' dataset '%s' does not hold floating-point values", path,
               dpath);
  if (e != AEON_OK) h5_close(dset);
  return e;
}

/* Reads this rank's hyperslab of /fields/NAME into buf (collective). */
static aeon_err read_h5(const char *path, MPI_Comm comm, const aeon_mesh *m, const char *name,
                        double *buf) {
  hid_t file = -1, dset = -1, fspace = -1, mspace = -1, dxpl = -1;
  AE_CHK(h5_open(path, comm, 0, 0, &file));
  aeon_err e = AEON_OK;
  AE_CHK_GOTO(open_field(file, m, name, path, &dset), e, done);
  fspace = H5Dget_space(dset);
  if (fspace < 0) {
    e = AE_ERR(AEON_ERR_IO, "snapshot '%s': cannot get the dataspace of /fields/%s", path, name);
    goto done;
  }
  AE_CHK_GOTO(select_patch(m, fspace, &mspace, path), e, done);
  AE_CHK_GOTO(collective_dxpl(&dxpl, path), e, done);
  if (H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf) < 0)
    e = AE_ERR(AEON_ERR_IO, "snapshot '%s': cannot read dataset /fields/%s", path, name);
done:
  h5_close(&dxpl);
  h5_close(&mspace);
  h5_close(&fspace);
  h5_close(&dset);
  h5_close(&file);
  return e;
}

aeon_err aeon_snapshot_read_var(const aeon_mesh *m, aeon_fields *f, int v, const char *path,
                                const char *name) {
  if (v < 0 || v >= f->nvar)
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot '%s': variable %d out of range (0..%d)", path, v,
                  f->nvar - 1);
  if (!name || !name[0] || strchr(name, '/') || strlen(name) > 1000)
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot '%s': invalid dataset name '%s'", path,
                  name ? name : "(null)");
  double *buf = NULL;
  AE_CHK(alloc_buffer(m, &buf));
  MPI_Comm comm = MPI_COMM_NULL;
  aeon_err e = io_comm(m, &comm);
  if (e == AEON_OK) {
    h5_quiet q;
    quiet_begin(&q);
    e = read_h5(path, comm, m, name, buf);
    quiet_end(&q);
    MPI_Comm_free(&comm);
  }
  if (e == AEON_OK) unpack_interior(m, buf, aeon_var(f, v));
  aeon_mem_free(buf);
  AE_CHK(aeon_par_agree(m->par->cart, e));
  return AEON_OK;
}
