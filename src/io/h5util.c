/* Parallel-HDF5 helpers shared by snapshots and checkpoints. */
#include "io/h5util.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aeon/ioguard.h"
#include "aeon/memory.h"

void h5u_quiet_begin(h5_quiet *q) {
  H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void h5u_quiet_end(const h5_quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->func, q->data); }

void h5u_close(hid_t *id) {
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

/* Closes every object still open in file (an error path may leave a dataset or group behind). */
static void close_objects(hid_t file) {
  ssize_t n = H5Fget_obj_count(file, H5F_OBJ_ALL & ~H5F_OBJ_FILE);
  for (ssize_t i = 0; i < n; i++) {
    hid_t id = -1;
    if (H5Fget_obj_ids(file, H5F_OBJ_ALL & ~H5F_OBJ_FILE, 1, &id) != 1) break;
    h5u_close(&id);
  }
}

aeon_err h5u_close_file(hid_t *file, MPI_Comm comm, aeon_err failed, const char *what, const char *path) {
  aeon_err e = AEON_OK;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (*file >= 0 && !failed) {
    /* Flush first and agree: a write failing inside H5Fclose leaves the ranks in different collective calls of
     * HDF5 (one flushing metadata, another truncating the file) for good; from H5Fflush the failing rank returns. */
    close_objects(*file);
    if (H5Fflush(*file, H5F_SCOPE_LOCAL) < 0)
      e = AE_ERR(AEON_ERR_IO, "%s '%s': writing the HDF5 metadata failed (disk full?)", what, path);
    failed = aeon_io_agree(comm, e);
    e = AEON_OK;
  }
  if (failed && rank == 0) unlink(path); /* the file is garbage; gone even if closing hangs */
  if (*file >= 0) {
    int g = failed ? aeon_io_failed_close_begin(path) : -1;
    close_objects(*file);
    if (H5Fclose(*file) < 0)
      e = AE_ERR(AEON_ERR_IO, "%s '%s': closing the HDF5 file failed (its last writes did not reach the disk)", what,
                 path);
    aeon_io_phase_end(g);
    *file = -1;
  }
  return failed ? failed : aeon_io_agree(comm, e);
}

/* With a Cartesian communicator, Open MPI 4.1.4's OMPIO (Debian 12) loses data in collective writes and
 * reads (3 ranks on a 3x1x1 grid wrote or read zeros in about half the runs; open-mpi/ompi#12718). */
aeon_err h5u_io_comm(const aeon_mesh *m, MPI_Comm *comm) {
  AE_MPI(MPI_Comm_split(m->par->cart, 0, m->par->rank, comm));
  return AEON_OK;
}

/* Describes a failed H5Fcreate: the directory's errno when it is not writable. */
static aeon_err create_error(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  if (access(dir, W_OK | X_OK) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot create HDF5 file '%s': directory '%s': %s", path, dir, strerror(errno));
  return AE_ERR(AEON_ERR_IO, "cannot create HDF5 file '%s' (H5Fcreate failed)", path);
}

/* Describes a failed H5Fopen: a missing or damaged file is the user's. */
static aeon_err open_error(const char *path, const char *what) {
  struct stat st;
  if (stat(path, &st) != 0) return AE_ERR(AEON_ERR_USER, "cannot open %s '%s': %s", what, path, strerror(errno));
  return AE_ERR(AEON_ERR_USER, "cannot open %s '%s': not a readable HDF5 file (truncated or damaged?)", what, path);
}

/* What kind of file a non-regular mode is, for messages. */
static const char *file_kind(mode_t mode) {
  return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO (named pipe)" : S_ISSOCK(mode) ? "a socket"
         : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device" : "a special file";
}

aeon_err h5u_open(const char *path, MPI_Comm comm, int create, int modern, const char *what, hid_t *file) {
  hid_t fapl = -1, fcpl = -1;
  *file = -1;
  aeon_err e = AEON_OK;
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL) < 0 || H5Pset_all_coll_metadata_ops(fapl, 1) < 0 ||
      H5Pset_coll_metadata_write(fapl, 1) < 0 ||
      (modern && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0)) {
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot set up the MPI-IO file access property list", path);
    goto done;
  }
  if (create) {
    fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl < 0 || (modern && H5Pset_attr_phase_change(fcpl, 0, 0) < 0)) {
      e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot set up the file creation property list", path);
      goto done;
    }
    *file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
  } else {
    struct stat st; /* before opening: a FIFO would block, a directory makes MPI-IO print a line per attempt */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
      e = AE_ERR(AEON_ERR_USER, "cannot open %s '%s': it is %s, not a regular file", what, path, file_kind(st.st_mode));
      goto done;
    }
    *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  }
  if (*file < 0) e = create ? create_error(path) : open_error(path, what);
done:
  h5u_close(&fcpl);
  h5u_close(&fapl);
  return e;
}

aeon_err h5u_put_attr(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int n, const void *data,
                      const char *path) {
  hsize_t dims[1] = {(hsize_t)n};
  hid_t space = n ? H5Screate_simple(1, dims, NULL) : H5Screate(H5S_SCALAR);
  hid_t attr = space < 0 ? -1 : H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
  herr_t w = attr < 0 ? -1 : H5Awrite(attr, mtype, data);
  h5u_close(&attr);
  h5u_close(&space);
  if (w < 0) return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot write attribute '%s'", path, name);
  return AEON_OK;
}

/* A variable-length UTF-8 string type (h5py reads such attributes as str), or -1. */
static hid_t vlen_utf8_type(void) {
  hid_t type = H5Tcopy(H5T_C_S1);
  if (type >= 0 && (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0)) h5u_close(&type);
  return type;
}

aeon_err h5u_put_str_attr(hid_t loc, const char *name, const char *s, const char *path) {
  if (!s) s = "";
  hid_t type = vlen_utf8_type();
  aeon_err e = type < 0 ? AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot make a string type for '%s'", path, name)
                        : h5u_put_attr(loc, name, type, type, 0, &s, path);
  h5u_close(&type);
  return e;
}

aeon_err h5u_put_grid_attrs(hid_t g, const aeon_mesh *m, const char *path) {
  int64_t N[3] = {m->N[0], m->N[1], m->N[2]};
  AE_CHK(h5u_put_attr(g, "N", H5T_STD_I64LE, H5T_NATIVE_INT64, 3, N, path));
  AE_CHK(h5u_put_attr(g, "xmin", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, m->xmin, path));
  AE_CHK(h5u_put_attr(g, "xmax", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, m->xmax, path));
  AE_CHK(h5u_put_attr(g, "dx", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, m->dx, path));
  AE_CHK(h5u_put_str_attr(g, "centering", "cell", path));
  AE_CHK(h5u_put_str_attr(g, "units", "geometric (G = c = 1)", path));
  return AEON_OK;
}

aeon_err h5u_get_attr(hid_t loc, const char *name, hid_t mtype, int n, void *data, const char *path) {
  if (H5Aexists(loc, name) <= 0) return AE_ERR(AEON_ERR_USER, "'%s' has no attribute '%s'", path, name);
  hid_t attr = H5Aopen(loc, name, H5P_DEFAULT), space = attr < 0 ? -1 : H5Aget_space(attr);
  hssize_t np = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);
  herr_t r = np != (n ? n : 1) ? -1 : H5Aread(attr, mtype, data);
  h5u_close(&space);
  h5u_close(&attr);
  if (r < 0) return AE_ERR(AEON_ERR_USER, "'%s': attribute '%s' is unreadable or has the wrong size", path, name);
  return AEON_OK;
}

/* Reads a scalar variable-length string attribute into a new buffer. */
static aeon_err get_vlen_str(hid_t attr, const char *name, char **s, const char *path) {
  hid_t mtype = vlen_utf8_type();
  char *v = NULL;
  aeon_err e = mtype < 0 || H5Aread(attr, mtype, &v) < 0 || !v
                   ? AE_ERR(AEON_ERR_USER, "'%s': attribute '%s' is unreadable", path, name)
                   : aeon_mem_strdup(v, s);
  if (v) H5free_memory(v);
  h5u_close(&mtype);
  return e;
}

aeon_err h5u_get_str_attr(hid_t loc, const char *name, char **s, const char *path) {
  *s = NULL;
  if (H5Aexists(loc, name) <= 0) return AE_ERR(AEON_ERR_USER, "'%s' has no attribute '%s'", path, name);
  hid_t attr = H5Aopen(loc, name, H5P_DEFAULT), type = attr < 0 ? -1 : H5Aget_type(attr);
  int str = type >= 0 && H5Tget_class(type) == H5T_STRING, vlen = str && H5Tis_variable_str(type) > 0;
  size_t len = str && !vlen ? H5Tget_size(type) : 0;
  aeon_err e = AEON_OK;
  if (vlen) e = get_vlen_str(attr, name, s, path); /* written by this version, or by h5py */
  else if (!len) e = AE_ERR(AEON_ERR_USER, "'%s': attribute '%s' is not a string", path, name);
  else if ((e = aeon_mem_alloc(len + 1, (void **)s)) == AEON_OK && H5Aread(attr, type, *s) < 0)
    e = AE_ERR(AEON_ERR_USER, "'%s': attribute '%s' is unreadable", path, name); /* fixed length: earlier files */
  h5u_close(&type);
  h5u_close(&attr);
  if (e) {
    aeon_mem_free(*s);
    *s = NULL;
  }
  return e;
}

aeon_err h5u_collective_dxpl(hid_t *dxpl, const char *path) {
  *dxpl = H5Pcreate(H5P_DATASET_XFER);
  if (*dxpl < 0 || H5Pset_dxpl_mpio(*dxpl, H5FD_MPIO_COLLECTIVE) < 0) {
    h5u_close(dxpl);
    return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot set up a collective transfer", path);
  }
  return AEON_OK;
}

/* One 64-bit mixing round (the finaliser of MurmurHash3): every input bit changes about half the output bits. */
static inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

void h5u_digest_row(h5u_digest *dg, const double *row, size_t n, uint64_t g0) {
  uint64_t a = dg->lane[0], b = dg->lane[1];
  for (size_t i = 0; i < n; i++) {
    uint64_t v, g = g0 + i;
    memcpy(&v, row + i, sizeof v);
    a += mix64(v ^ (g * 0x9e3779b97f4a7c15ULL + 0xd1b54a32d192ed03ULL));
    b += mix64(((v << 32) | (v >> 32)) + (g * 0xda942042e4dd58b5ULL ^ 0x8cb92ba72f3d8dd7ULL));
  }
  dg->lane[0] = a, dg->lane[1] = b;
}

/* Copies the box of var to or from buf (x fastest), adding each row to dg (if not NULL) while it is hot. */
static void copy_box(const aeon_mesh *m, const h5u_box_map *map, double *var, double *buf, int to_buf,
                     h5u_digest *dg) {
  const aeon_box *b = &map->box;
  size_t row = (size_t)(b->hi[0] - b->lo[0]);
  for (int k = b->lo[2]; k < b->hi[2]; k++)
    for (int j = b->lo[1]; j < b->hi[1]; j++, buf += row) {
      double *p = var + aeon_idx(m, b->lo[0], j, k);
      if (to_buf) memcpy(buf, p, row * sizeof *buf);
      else memcpy(p, buf, row * sizeof *buf);
      uint64_t gy = (uint64_t)(map->gstart[1] + j - b->lo[1]), gz = (uint64_t)(map->gstart[2] + k - b->lo[2]);
      if (dg) h5u_digest_row(dg, buf, row, (uint64_t)map->gstart[0] + (uint64_t)map->gshape[0] * (gy + (uint64_t)map->gshape[1] * gz));
    }
}

/* Selects map's box in the global file space and makes the matching packed memory space (3-D, x fastest). */
static aeon_err select_box(const h5u_box_map *map, hid_t fspace, hid_t *mspace, const char *path) {
  const aeon_box *b = &map->box;
  hsize_t start[3], count[3];
  for (int d = 0; d < 3; d++) {
    start[2 - d] = (hsize_t)map->gstart[d];
    count[2 - d] = (hsize_t)(b->hi[d] - b->lo[d]);
  }
  long np = aeon_box_size(b);
  hsize_t mdims[3] = {np ? count[0] : 1, np ? count[1] : 1, np ? count[2] : 1};
  *mspace = H5Screate_simple(3, mdims, NULL); /* the box's own shape: HDF5 then copies whole rows */
  herr_t r = *mspace < 0 ? -1 : 0;
  if (r >= 0 && np) r = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  if (r >= 0 && !np) r = H5Sselect_none(fspace) < 0 || H5Sselect_none(*mspace) < 0 ? -1 : 0;
  if (r < 0) {
    h5u_close(mspace);
    return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot select this rank's hyperslab", path);
  }
  return AEON_OK;
}

/* Dataset creation properties of a field: contiguous (no chunk index to damage, one extent per dataset),
 * allocated at creation as parallel HDF5 requires, with no fill pass (every point is written). */
static hid_t field_dcpl(void) {
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (dcpl >= 0 && H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0) h5u_close(&dcpl);
  return dcpl;
}

/* Transfers map's box between the dataset and buf (write = 1: to the file), collectively or (indep) independently. */
static aeon_err transfer(hid_t dset, const h5u_box_map *map, double *buf, int write, int indep, const char *dpath,
                         const char *path) {
  hid_t fspace = H5Dget_space(dset), mspace = -1, dxpl = -1;
  aeon_err e = fspace < 0 ? AE_ERR(AEON_ERR_IO, "HDF5 file '%s': no dataspace for %s", path, dpath) : AEON_OK;
  if (!e) e = select_box(map, fspace, &mspace, path);
  if (!e && !indep) e = h5u_collective_dxpl(&dxpl, path);
  hid_t xfer = indep ? H5P_DEFAULT : dxpl;
  if (!e && write && H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, buf) < 0)
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot write dataset %s", path, dpath);
  if (!e && !write && H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, buf) < 0)
    e = AE_ERR(AEON_ERR_USER, "'%s': cannot read dataset %s (checksum mismatch or damaged file)", path, dpath);
  h5u_close(&dxpl);
  h5u_close(&mspace);
  h5u_close(&fspace);
  return e;
}

/* Bytes of one slab of an independent (checkpoint) transfer: small enough that the copy and the I/O of a slab
 * meet in the cache, and the kernel's read-ahead of the next slabs runs while this one is copied and hashed. */
#define SLAB_BYTES ((size_t)4 << 20)

/* Number of z-planes of map's box per slab (at least 1, at most the box's). */
static int slab_planes(const h5u_box_map *map) {
  const aeon_box *b = &map->box;
  size_t plane = (size_t)(b->hi[0] - b->lo[0]) * (size_t)(b->hi[1] - b->lo[1]);
  int nz = b->hi[2] - b->lo[2];
  size_t k = plane ? SLAB_BYTES / (plane * sizeof(double)) : (size_t)nz;
  return k < 1 ? 1 : k > (size_t)nz ? nz : (int)k;
}

long h5u_buf_points(const h5u_box_map *map, int slabs) {
  const aeon_box *b = &map->box;
  long plane = (long)(b->hi[0] - b->lo[0]) * (long)(b->hi[1] - b->lo[1]);
  return slabs ? plane * slab_planes(map) : aeon_box_size(b);
}

/* Transfers map's box slab by slab (z-planes k0 to k1), independently: each slab is packed and hashed just
 * before it is written, or unpacked and hashed just after it is read, while it is in the cache. */
static aeon_err transfer_slabs(hid_t dset, const aeon_mesh *m, const h5u_box_map *map, double *var, double *buf,
                               int write, h5u_digest *dg, const char *dpath, const char *path) {
  if (aeon_box_size(&map->box) == 0) return AEON_OK; /* independent: nothing to take part in */
  int step = slab_planes(map);
  aeon_err e = AEON_OK;
  for (int k0 = map->box.lo[2]; k0 < map->box.hi[2] && !e; k0 += step) {
    h5u_box_map s = *map;
    s.box.lo[2] = k0;
    s.box.hi[2] = k0 + step < map->box.hi[2] ? k0 + step : map->box.hi[2];
    s.gstart[2] = map->gstart[2] + (k0 - map->box.lo[2]);
    if (write) copy_box(m, &s, var, buf, 1, dg);
    e = transfer(dset, &s, buf, write, 1, dpath, path);
    if (!e && !write) copy_box(m, &s, var, buf, 0, dg);
  }
  return e;
}

aeon_err h5u_write_box(hid_t file, const char *dpath, const aeon_mesh *m, const double *var,
                       const h5u_box_map *map, h5u_digest *dg, double *buf, const char *path) {
  hsize_t dims[3] = {(hsize_t)map->gshape[2], (hsize_t)map->gshape[1], (hsize_t)map->gshape[0]};
  hid_t fspace = H5Screate_simple(3, dims, NULL), dcpl = field_dcpl(), dset = -1;
  if (fspace >= 0 && dcpl >= 0)
    dset = H5Dcreate2(file, dpath, H5T_IEEE_F64LE, fspace, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  h5u_close(&dcpl);
  h5u_close(&fspace);
  if (dset < 0) return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create dataset %s", path, dpath);
  aeon_err e = AEON_OK;
  if (dg) {
    e = transfer_slabs(dset, m, map, (double *)var, buf, 1, dg, dpath, path);
  } else {
    copy_box(m, map, (double *)var, buf, 1, NULL);
    e = transfer(dset, map, buf, 1, 0, dpath, path);
  }
  h5u_close(&dset);
  return e;
}

/* Writes dims as "[a b c]". */
static void dims_text(int nd, const hsize_t *dims, char *out, size_t size) {
  size_t k = (size_t)snprintf(out, size, "[");
  for (int i = 0; i < nd && k < size; i++)
    k += (size_t)snprintf(out + k, size - k, "%s%llu", i ? " " : "", (unsigned long long)dims[i]);
  if (k < size) snprintf(out + k, size - k, "]");
}

aeon_err h5u_open_field(hid_t file, const char *dpath, const long gshape[3], const char *path, hid_t *dset) {
  *dset = -1;
  if (H5Lexists(file, dpath, H5P_DEFAULT) <= 0 || (*dset = H5Dopen2(file, dpath, H5P_DEFAULT)) < 0)
    return AE_ERR(AEON_ERR_USER, "'%s' has no dataset '%s'", path, dpath);
  hid_t space = H5Dget_space(*dset), type = H5Dget_type(*dset);
  hsize_t dims[H5S_MAX_RANK] = {0};
  int nd = space < 0 ? -1 : H5Sget_simple_extent_dims(space, dims, NULL);
  H5T_class_t cls = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
  h5u_close(&type);
  h5u_close(&space);
  aeon_err e = AEON_OK;
  if (nd != 3 || dims[0] != (hsize_t)gshape[2] || dims[1] != (hsize_t)gshape[1] || dims[2] != (hsize_t)gshape[0]) {
    char found[256];
    dims_text(nd < 0 ? 0 : nd, dims, found, sizeof found);
    e = AE_ERR(AEON_ERR_USER, "'%s' dataset '%s' has dims %s, expected [%ld %ld %ld] (z y x)", path, dpath, found,
               gshape[2], gshape[1], gshape[0]);
  } else if (cls != H5T_FLOAT) {
    e = AE_ERR(AEON_ERR_USER, "'%s' dataset '%s' does not hold floating-point values", path, dpath);
  }
  if (e) h5u_close(dset);
  return e;
}

aeon_err h5u_read_box(hid_t file, const char *dpath, const aeon_mesh *m, double *var, const h5u_box_map *map,
                      double *buf, h5u_digest *dg, const char *path) {
  hid_t dset = -1;
  AE_CHK(h5u_open_field(file, dpath, map->gshape, path, &dset));
  aeon_err e = AEON_OK;
  if (dg) {
    e = transfer_slabs(dset, m, map, var, buf, 0, dg, dpath, path);
  } else {
    e = transfer(dset, map, buf, 0, 0, dpath, path);
    if (!e) copy_box(m, map, var, buf, 0, NULL);
  }
  h5u_close(&dset);
  return e;
}

aeon_err h5u_read_field(hid_t dset, const aeon_mesh *m, double *var, const h5u_box_map *map, double *buf,
                        h5u_digest *dg, const char *dpath, const char *path) {
  return transfer_slabs(dset, m, map, var, buf, 0, dg, dpath, path);
}

aeon_err h5u_write_bytes(hid_t file, const char *dpath, const uint8_t *bytes, uint64_t n, int rank,
                         const char *path) {
  hsize_t dims[1] = {n}, chunk[1] = {n ? (n < (1u << 20) ? n : (1u << 20)) : 1};
  hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), dset = -1, dxpl = -1;
  aeon_err e = AEON_OK;
  if (space < 0 || dcpl < 0 || (n && (H5Pset_chunk(dcpl, 1, chunk) < 0 || H5Pset_fletcher32(dcpl) < 0)) ||
      (dset = H5Dcreate2(file, dpath, H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) {
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create dataset %s", path, dpath);
    goto done;
  }
  if (n) {
    if (rank != 0) H5Sselect_none(space);
    hid_t mspace = H5Screate_simple(1, dims, NULL);
    if (rank != 0) H5Sselect_none(mspace);
    e = h5u_collective_dxpl(&dxpl, path);
    if (!e && H5Dwrite(dset, H5T_NATIVE_UINT8, mspace, space, dxpl, bytes) < 0)
      e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot write dataset %s", path, dpath);
    h5u_close(&mspace);
  }
done:
  h5u_close(&dxpl);
  h5u_close(&dset);
  h5u_close(&dcpl);
  h5u_close(&space);
  return e;
}

aeon_err h5u_read_bytes(hid_t file, const char *dpath, uint8_t **bytes, uint64_t *n, const char *path) {
  *bytes = NULL;
  *n = 0;
  hid_t dset = -1, space = -1, dxpl = -1;
  if (H5Lexists(file, dpath, H5P_DEFAULT) <= 0 || (dset = H5Dopen2(file, dpath, H5P_DEFAULT)) < 0)
    return AE_ERR(AEON_ERR_USER, "'%s' has no dataset '%s'", path, dpath);
  hsize_t dims[1] = {0};
  space = H5Dget_space(dset);
  aeon_err e = space < 0 || H5Sget_simple_extent_ndims(space) != 1 || H5Sget_simple_extent_dims(space, dims, NULL) < 0
                   ? AE_ERR(AEON_ERR_USER, "'%s': dataset %s is not a byte array", path, dpath)
                   : AEON_OK;
  if (!e) e = aeon_mem_alloc(dims[0] ? dims[0] : 1, (void **)bytes);
  if (!e) e = h5u_collective_dxpl(&dxpl, path);
  if (!e && dims[0] && H5Dread(dset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, dxpl, *bytes) < 0)
    e = AE_ERR(AEON_ERR_USER, "'%s': cannot read dataset %s (checksum mismatch or damaged file)", path, dpath);
  h5u_close(&dxpl);
  h5u_close(&space);
  h5u_close(&dset);
  if (e) {
    aeon_mem_free(*bytes);
    *bytes = NULL;
  } else {
    *n = dims[0];
  }
  return e;
}
