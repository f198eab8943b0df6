/* Private to src/io: the XDMF sidecar that lets ParaView and VisIt open a snapshot. */
#ifndef AEON_IO_XDMF_H
#define AEON_IO_XDMF_H

#include "aeon/error.h"
#include "aeon/mesh.h"

/* Writes an Xdmf 2.0 file at xmf_path (through xmf_path.tmp and a rename) describing the datasets
 * h5_name:/levels/0/fields/NAME of the global mesh m at time t as cell data on a 3DCoRectMesh of the cell corners.
 * h5_name is the snapshot's base name, so the .xmf stays valid when the directory moves. Not collective. */
aeon_err aeon_xdmf_write(const char *xmf_path, const char *h5_name, const aeon_mesh *m, int nvar,
                         const char *const *names, double time);
/* Rewrites the temporal collection coll (through coll.tmp and a rename): its entries of steps below `step`, then
 * the grid of the sidecar just written for `step`, named PREFIX_STEP. Not collective. */
aeon_err aeon_xdmf_collection_add(const char *coll, const char *sidecar, const char *prefix, long step);

#endif
