/* Field snapshots: one parallel HDF5 file per output step, written
 * collectively by every rank of the process grid, each rank contributing the
 * interior hyperslab of its patch, so the file does not depend on the
 * decomposition. The file is written as PATH.tmp and renamed by rank 0 once
 * every rank has closed it; an XDMF sidecar is written beside it, and the
 * snapshot is added to the run's temporal collection PREFIX.xmf (see xdmf.c).
 * Every collective step is agreed across ranks (aeon_io_agree) and the whole is
 * an I/O phase under the watchdog; on failure rank 0 removes the .tmp.
 *
 * Layout: root attributes step (int64), time, physics, deck, aeon_version,
 * nlevels; per level L (0 today; refinement will add levels, not change the
 * layout): /levels/L attribute level, /levels/L/grid attributes N (int64[3]),
 * xmin, xmax, dx (double[3], x y z order), centering ("cell"), units, and
 * datasets x[N0], y[N1], z[N2] (the cell-centre coordinates);
 * /levels/L/fields/NAME double[N2][N1][N0] (x fastest). /grid and /fields are
 * soft links to level 0's groups, for readers of the first layout. */
#include "aeon/output.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aeon/ioguard.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/version.h"
#include "io/h5util.h"
#include "xdmf.h"

/* Strings longer than this go to dense attribute storage (compact attributes are capped near 64 KiB). */
#define DENSE_ATTR_BYTES 32768

/* Root attributes: step, time, physics, deck, aeon_version. */
static aeon_err put_root_attrs(hid_t file, const aeon_snapshot_info *info, const char *path) {
  int64_t step = info->step;
  AE_CHK(h5u_put_attr(file, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &step, path));
  AE_CHK(h5u_put_attr(file, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &info->time, path));
  AE_CHK(h5u_put_str_attr(file, "physics", info->physics, path));
  AE_CHK(h5u_put_str_attr(file, "deck", info->deck_text, path));
  AE_CHK(h5u_put_str_attr(file, "aeon_version", AEON_VERSION_STRING, path));
  return AEON_OK;
}

/* The groups /levels and /levels/0 (attribute level), and the links /grid and /fields to level 0's groups. */
static aeon_err put_level(hid_t file, const char *path) {
  hid_t a = H5Gcreate2(file, "/levels", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t b = a < 0 ? -1 : H5Gcreate2(file, "/levels/0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int64_t level = 0, nlevels = 1;
  aeon_err e = b < 0 ? AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create group /levels/0", path) : AEON_OK;
  if (e == AEON_OK) e = h5u_put_attr(b, "level", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &level, path);
  if (e == AEON_OK) e = h5u_put_attr(file, "nlevels", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &nlevels, path);
  if (e == AEON_OK && (H5Lcreate_soft("/levels/0/grid", file, "/grid", H5P_DEFAULT, H5P_DEFAULT) < 0 ||
                       H5Lcreate_soft("/levels/0/fields", file, "/fields", H5P_DEFAULT, H5P_DEFAULT) < 0))
    e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot link /grid and /fields to level 0", path);
  h5u_close(&b);
  h5u_close(&a);
  return e;
}

/* The cell-centre coordinates along each axis as datasets x, y, z of group g, written by rank 0 (collective). */
static aeon_err put_coords(hid_t g, const aeon_mesh *m, double *buf, const char *path) {
  static const char *const axis[3] = {"x", "y", "z"};
  aeon_err e = AEON_OK;
  for (int d = 0; d < 3 && !e; d++) {
    hsize_t n[1] = {(hsize_t)m->N[d]};
    hid_t space = H5Screate_simple(1, n, NULL), dxpl = -1;
    hid_t dset = space < 0 ? -1 : H5Dcreate2(g, axis[d], H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (long i = 0; i < m->N[d]; i++) buf[i] = m->xmin[d] + ((double)i + 0.5) * m->dx[d];
    if (m->par->rank != 0 && space >= 0) H5Sselect_none(space);
    e = dset < 0 ? AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create dataset /levels/0/grid/%s", path, axis[d])
                 : h5u_collective_dxpl(&dxpl, path);
    if (!e && H5Dwrite(dset, H5T_NATIVE_DOUBLE, space, space, dxpl, buf) < 0)
      e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot write dataset /levels/0/grid/%s", path, axis[d]);
    h5u_close(&dxpl);
    h5u_close(&dset);
    h5u_close(&space);
  }
  return e;
}

/* The /levels/0/grid group: the grid attributes (h5u_put_grid_attrs) and the coordinate datasets x, y, z. */
static aeon_err put_grid(hid_t file, const aeon_mesh *m, double *buf, const char *path) {
  AE_CHK(put_level(file, path));
  hid_t g = H5Gcreate2(file, "/levels/0/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create group /levels/0/grid", path);
  aeon_err e = h5u_put_grid_attrs(g, m, path);
  if (e == AEON_OK) e = put_coords(g, m, buf, path);
  h5u_close(&g);
  return e;
}

/* The interior of this rank's patch inside the global [N2][N1][N0] dataset. */
static h5u_box_map interior_map(const aeon_mesh *m) {
  h5u_box_map map = {{m->N[0], m->N[1], m->N[2]}, {m->off[0], m->off[1], m->off[2]}, aeon_mesh_interior(m)};
  return map;
}

/* Allocates the packing buffer (also large enough for a coordinate axis) on every rank; fails on every rank if it
 * fails on one. */
static aeon_err alloc_buffer(const aeon_mesh *m, double **buf) {
  long n = (long)m->n[0] * m->n[1] * m->n[2];
  for (int d = 0; d < 3; d++) n = n > m->N[d] ? n : m->N[d];
  aeon_err e = aeon_mem_alloc((size_t)(n ? n : 1) * sizeof(double), (void **)buf);
  AE_CHK(aeon_par_agree(m->par->cart, e));
  return AEON_OK;
}

/* The whole HDF5 part of a snapshot, written to path (collective): each collective step is agreed, so a failure
 * on one rank stops every rank before the next one, and the file is closed on every path. */
static aeon_err write_h5(const char *path, MPI_Comm comm, const aeon_mesh *m, int nvar, const double *const *vars,
                         const char *const *names, const aeon_snapshot_info *info, double *buf) {
  int dense = (info->deck_text && strlen(info->deck_text) > DENSE_ATTR_BYTES) ||
              (info->physics && strlen(info->physics) > DENSE_ATTR_BYTES);
  hid_t file = -1, grp = -1;
  aeon_err e = aeon_io_agree(comm, h5u_open(path, comm, 1, dense, "snapshot", &file));
  if (e == AEON_OK) {
    e = put_root_attrs(file, info, path);
    if (e == AEON_OK) e = put_grid(file, m, buf, path);
    if (e == AEON_OK && (grp = H5Gcreate2(file, "/levels/0/fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0)
      e = AE_ERR(AEON_ERR_IO, "HDF5 file '%s': cannot create group /levels/0/fields", path);
    h5u_close(&grp);
    e = aeon_io_agree(comm, e);
  }
  h5u_box_map map = interior_map(m);
  for (int v = 0; v < nvar && e == AEON_OK; v++) {
    char dpath[1100];
    snprintf(dpath, sizeof dpath, "/levels/0/fields/%s", names[v]);
    e = aeon_io_agree(comm, h5u_write_box(file, dpath, m, vars[v], &map, NULL, buf, path));
  }
  e = h5u_close_file(&file, comm, e, "snapshot", path);
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

/* The file names of a snapshot: DIR/PREFIX_STEP.h5, its .tmp, its .xmf, the .h5 base name, and the collection. */
typedef struct snapshot_names {
  char h5[4096], tmp[4096], xmf[4096], base[1024], coll[4096];
} snapshot_names;

/* Fills the file names of a snapshot. */
static aeon_err snapshot_paths(const char *dir, const char *prefix, long step, snapshot_names *p) {
  if (!dir || !dir[0] || !prefix || !prefix[0])
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot: empty directory or prefix");
  int a = snprintf(p->base, 1024, "%s_%06ld.h5", prefix, step);
  int b = snprintf(p->h5, 4096, "%s/%s", dir, p->base);
  int c = snprintf(p->tmp, 4096, "%s.tmp", p->h5);
  int d = snprintf(p->xmf, 4096, "%s/%s_%06ld.xmf", dir, prefix, step);
  int e = snprintf(p->coll, 4096, "%s/%s.xmf", dir, prefix);
  if (a >= 1024 || b >= 4096 || c >= 4096 || d >= 4096 || e >= 4096)
    return AE_ERR(AEON_ERR_USER, "snapshot path too long: '%s/%s_%06ld.h5'", dir, prefix, step);
  return AEON_OK;
}

/* Rank 0 moves the finished file to its final name, writes the sidecar and adds it to the collection. */
static aeon_err publish(const snapshot_names *p, const char *prefix, const aeon_mesh *m, int nvar,
                        const char *const *names, const aeon_snapshot_info *info) {
  if (rename(p->tmp, p->h5) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot rename snapshot '%s' to '%s': %s", p->tmp, p->h5, strerror(errno));
  AE_CHK(aeon_xdmf_write(p->xmf, p->base, m, nvar, names, info->time));
  AE_CHK(aeon_xdmf_collection_add(p->coll, p->xmf, prefix, info->step));
  return AEON_OK;
}

aeon_err aeon_snapshot_write(const aeon_mesh *m, const aeon_fields *f, const char *const *names,
                             const char *dir, const char *prefix, const aeon_snapshot_info *info) {
  const double *vars[AEON_SNAPSHOT_MAX_VARS];
  if (f->nvar > AEON_SNAPSHOT_MAX_VARS)
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot: %d fields, at most %d", f->nvar, AEON_SNAPSHOT_MAX_VARS);
  for (int v = 0; v < f->nvar; v++) vars[v] = aeon_var(f, v);
  return aeon_snapshot_write_vars(m, f->nvar, vars, names, dir, prefix, info);
}

aeon_err aeon_snapshot_write_vars(const aeon_mesh *m, int nvar, const double *const *vars, const char *const *names,
                                  const char *dir, const char *prefix, const aeon_snapshot_info *info) {
  aeon_snapshot_info none = {0, 0.0, NULL, NULL};
  if (!info) info = &none;
  snapshot_names p;
  AE_CHK(snapshot_paths(dir, prefix, info->step, &p));
  AE_CHK(check_names(nvar, names));
  double *buf = NULL;
  AE_CHK(alloc_buffer(m, &buf));
  int guard = aeon_io_phase_begin("snapshot", p.tmp);
  MPI_Comm comm = MPI_COMM_NULL;
  aeon_err e = h5u_io_comm(m, &comm);
  if (e == AEON_OK) {
    h5_quiet q;
    h5u_quiet_begin(&q);
    e = write_h5(p.tmp, comm, m, nvar, vars, names, info, buf);
    h5u_quiet_end(&q);
    MPI_Comm_free(&comm);
  }
  aeon_mem_free(buf);
  e = aeon_io_agree(m->par->cart, e); /* also the barrier before the rename */
  if (e == AEON_OK && m->par->rank == 0) e = publish(&p, prefix, m, nvar, names, info);
  if (e != AEON_OK && m->par->rank == 0) unlink(p.tmp);
  e = aeon_io_agree(m->par->cart, e);
  aeon_io_phase_end(guard);
  return e == AEON_OK ? AEON_OK : aeon_error_trace(e, __FILE__, __LINE__, __func__);
}

aeon_err aeon_snapshot_read_var(const aeon_mesh *m, aeon_fields *f, int v, const char *path,
                                const char *name) {
  if (v < 0 || v >= f->nvar)
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot '%s': variable %d out of range (0..%d)", path, v, f->nvar - 1);
  if (!name || !name[0] || strchr(name, '/') || strlen(name) > 1000)
    return AE_ERR(AEON_ERR_INTERNAL, "snapshot '%s': invalid dataset name '%s'", path, name ? name : "(null)");
  double *buf = NULL;
  AE_CHK(alloc_buffer(m, &buf));
  MPI_Comm comm = MPI_COMM_NULL;
  aeon_err e = h5u_io_comm(m, &comm);
  if (e == AEON_OK) {
    h5_quiet q;
    h5u_quiet_begin(&q);
    hid_t file = -1;
    e = h5u_open(path, comm, 0, 0, "snapshot", &file);
    if (e == AEON_OK) {
      char dpath[1100];
      snprintf(dpath, sizeof dpath, "/levels/0/fields/%s", name);
      h5u_box_map map = interior_map(m);
      e = h5u_read_box(file, dpath, m, aeon_var(f, v), &map, buf, NULL, path);
      h5u_close(&file);
    }
    h5u_quiet_end(&q);
    MPI_Comm_free(&comm);
  }
  aeon_mem_free(buf);
  AE_CHK(aeon_par_agree(m->par->cart, e));
  return AEON_OK;
}
