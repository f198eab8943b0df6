/* Output: the run directory, ASCII time series of norms, and field snapshots
 * as parallel HDF5 files with an XDMF sidecar that ParaView and VisIt open. */
#ifndef AEON_OUTPUT_H
#define AEON_OUTPUT_H

#include <stdio.h>

#include <mpi.h>

#include "aeon/error.h"
#include "aeon/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates the run directory on rank 0 (parents too). If it exists and holds files, fails with AEON_ERR_USER
 * naming it, unless force is set. Collective: every rank returns the same result. */
aeon_err aeon_rundir_prepare(MPI_Comm comm, const char *path, int force);

/* An ASCII time series: a '#' header (the column names on the first line, so numpy.genfromtxt(path, names=True)
 * reads it, then free text lines) and one row per call.
 * Only the rank that opened it (rank 0) writes; other ranks hold NULL. */
typedef struct aeon_series aeon_series;
/* Opens path for writing (truncates) with the given header text and column names; with header NULL,
 * appends to the existing file instead (a restarted run continuing its series). */
aeon_err aeon_series_open(const char *path, const char *header, int ncol, const char *const *columns,
                          aeon_series **s);
/* Appends one row of ncol values (printed with %.17g so they read back bit for bit) and flushes. */
aeon_err aeon_series_append(aeon_series *s, const double *values);
/* Closes the file (NULL is fine). */
void aeon_series_close(aeon_series *s);

/* What a field snapshot records besides the data. */
typedef struct aeon_snapshot_info {
  long step;             /* time step number */
  double time;           /* simulation time */
  const char *deck_text; /* the deck, stored as a string attribute (may be NULL) */
  const char *physics;   /* physics module name */
} aeon_snapshot_info;

#define AEON_SNAPSHOT_MAX_VARS 256

/* Writes the interior of the nvar fields of f into DIR/PREFIX_STEP.h5 as global datasets
 * /levels/0/fields/NAME[z][y][x] (collective parallel HDF5; independent of the decomposition) and DIR/PREFIX_STEP.xmf,
 * and adds the snapshot to the temporal collection DIR/PREFIX.xmf (dropping any entry of this step or later). */
aeon_err aeon_snapshot_write(const aeon_mesh *m, const aeon_fields *f, const char *const *names,
                             const char *dir, const char *prefix, const aeon_snapshot_info *info);
/* Like aeon_snapshot_write for nvar variables given one array each (mesh layout), e.g. evolved and auxiliary fields. */
aeon_err aeon_snapshot_write_vars(const aeon_mesh *m, int nvar, const double *const *vars, const char *const *names,
                                  const char *dir, const char *prefix, const aeon_snapshot_info *info);
/* Rewrites DIR/PREFIX.xmf, the XDMF temporal collection of a run's snapshots (one entry per DIR/PREFIX_STEP.xmf whose
 * .h5 exists, in step order), keeping the steps <= last_step; with none (last_step < 0: a fresh run) the file is
 * removed. aeon_snapshot_write* keep it up to date afterwards. Rank 0 only, not collective. */
aeon_err aeon_snapshot_collection_rebuild(const char *dir, const char *prefix, long last_step);
/* Reads dataset /levels/0/fields/NAME of a snapshot into the interior of variable v of f (collective); for tests. */
aeon_err aeon_snapshot_read_var(const aeon_mesh *m, aeon_fields *f, int v, const char *path,
                                const char *name);

#ifdef __cplusplus
}
#endif
#endif
