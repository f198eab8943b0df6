/* Parallel-HDF5 helpers shared by snapshots and checkpoints (internal to src/io). */
#ifndef AEON_IO_H5UTIL_H
#define AEON_IO_H5UTIL_H

#include <stdint.h>

#include <hdf5.h>
#include <mpi.h>

#include "aeon/error.h"
#include "aeon/mesh.h"

/* Saved HDF5 automatic error printing, switched off between begin and end. */
typedef struct h5_quiet {
  H5E_auto2_t func;
  void *data;
} h5_quiet;

/* Switches HDF5's automatic error printing off (remembering the old handler). */
void h5u_quiet_begin(h5_quiet *q);
/* Restores HDF5's automatic error printing. */
void h5u_quiet_end(const h5_quiet *q);
/* Closes an HDF5 identifier of any kind if it is open, and sets it to -1. */
void h5u_close(hid_t *id);
/* Closes file (if open) and every object left open in it, collectively; every rank of comm returns the same result.
 * failed: the error every rank already agreed on (AEON_OK if none); rank 0 then removes path first, the close is
 * guarded by aeon_io_failed_close_begin and failed is returned. */
aeon_err h5u_close_file(hid_t *file, MPI_Comm comm, aeon_err failed, const char *what, const char *path);
/* Makes a copy of the grid communicator without Cartesian topology for HDF5 (works around Open MPI 4.1.4 OMPIO). */
aeon_err h5u_io_comm(const aeon_mesh *m, MPI_Comm *comm);
/* Opens (create = 0, read-only) or creates (create = 1) path on comm; modern = 1 asks for the v1.8+ format
 * (checksummed object headers, dense attributes). */
aeon_err h5u_open(const char *path, MPI_Comm comm, int create, int modern, const char *what, hid_t *file);
/* Writes an attribute of n values (n = 0: scalar) of memory type mtype, stored as ftype. */
aeon_err h5u_put_attr(hid_t loc, const char *name, hid_t ftype, hid_t mtype, int n, const void *data,
                      const char *path);
/* Writes a scalar variable-length UTF-8 string attribute (h5py reads it as str; NULL is stored as ""). */
aeon_err h5u_put_str_attr(hid_t loc, const char *name, const char *s, const char *path);
/* Writes the grid attributes of a snapshot or checkpoint on group g: N (int64[3]), xmin, xmax, dx (double[3]; all
 * x y z order), centering ("cell": value i sits at xmin + (i + 1/2) dx) and units. */
aeon_err h5u_put_grid_attrs(hid_t g, const aeon_mesh *m, const char *path);
/* Reads a numeric attribute of n values (n = 0: scalar) into data of memory type mtype; AEON_ERR_USER if absent. */
aeon_err h5u_get_attr(hid_t loc, const char *name, hid_t mtype, int n, void *data, const char *path);
/* Reads a string attribute (variable or fixed length) into a new buffer (free with aeon_mem_free); AEON_ERR_USER
 * if absent. */
aeon_err h5u_get_str_attr(hid_t loc, const char *name, char **s, const char *path);
/* Makes a collective transfer property list. */
aeon_err h5u_collective_dxpl(hid_t *dxpl, const char *path);

/* Where a rank's box of points lies in a global 3D dataset [z][y][x]. */
typedef struct h5u_box_map {
  long gshape[3]; /* global dataset extent, x y z order */
  long gstart[3]; /* global index of the box's first point, x y z order */
  aeon_box box;   /* the local box (mesh indices) */
} h5u_box_map;

/* A field digest being accumulated: two 64-bit sums of a mix of each value's bits with its global index
 * (x fastest over the dataset), so the sum over any split of the points is the same (mod 2^64). */
typedef struct h5u_digest {
  uint64_t lane[2];
} h5u_digest;

/* Adds n consecutive values whose first one has global (file-order) index g0 to dg. */
void h5u_digest_row(h5u_digest *dg, const double *row, size_t n, uint64_t g0);
/* Doubles of the buffer h5u_write_box and h5u_read_box or h5u_read_field need for map's box: the whole box
 * (slabs = 0: collective transfers), or one slab of z-planes of about 4 MiB (slabs = 1: with a digest). */
long h5u_buf_points(const h5u_box_map *map, int slabs);
/* Writes variable var's box into dataset dpath (created contiguous); collectively without dg (a snapshot),
 * independently with dg (a checkpoint: slab by slab, each slab added to dg while it is packed); buf holds
 * h5u_buf_points(map, dg != NULL) doubles. */
aeon_err h5u_write_box(hid_t file, const char *dpath, const aeon_mesh *m, const double *var,
                       const h5u_box_map *map, h5u_digest *dg, double *buf, const char *path);
/* Opens dataset dpath (collective metadata reads) and checks it is a floating-point dataset of global shape gshape. */
aeon_err h5u_open_field(hid_t file, const char *dpath, const long gshape[3], const char *path, hid_t *dset);
/* Reads dataset dpath (checked to have the global shape) into variable var's box: collectively without dg (a
 * snapshot; buf holds h5u_buf_points(map, 0) doubles), independently with dg as h5u_read_field does. */
aeon_err h5u_read_box(hid_t file, const char *dpath, const aeon_mesh *m, double *var, const h5u_box_map *map,
                      double *buf, h5u_digest *dg, const char *path);
/* Reads this rank's box of the open dataset dset (named dpath) into var independently, slab by slab, adding each
 * slab to dg as it is unpacked (a checkpoint); buf holds h5u_buf_points(map, 1) doubles. */
aeon_err h5u_read_field(hid_t dset, const aeon_mesh *m, double *var, const h5u_box_map *map, double *buf,
                        h5u_digest *dg, const char *dpath, const char *path);
/* Writes n bytes (given on rank 0; others pass any pointer) as a 1D uint8 dataset with Fletcher32, collectively. */
aeon_err h5u_write_bytes(hid_t file, const char *dpath, const uint8_t *bytes, uint64_t n, int rank,
                         const char *path);
/* Reads a 1D uint8 dataset into a new buffer on every rank (free with aeon_mem_free); *n gets its length. */
aeon_err h5u_read_bytes(hid_t file, const char *dpath, uint8_t **bytes, uint64_t *n, const char *path);

#endif
