/* Private to src/io: the XDMF sidecar that lets ParaView and VisIt open a snapshot. */
#ifndef AEON_IO_XDMF_H
#define AEON_IO_XDMF_H

#include "aeon/error.h"
#include "aeon/mesh.h"

/* Writes an Xdmf 2.0 file at xmf_path (through xmf_path.tmp and a rename) describing the cell-centred
 * datasets h5_name:/fields/NAME of the global mesh m (a 3DCoRectMesh of the cell centres) at time t.
 * h5_name is the snapshot's base name, so the .xmf stays valid when the directory moves. Not collective. */
aeon_err aeon_xdmf_write(const char *xmf_path, const char *h5_name, const aeon_mesh *m, int nvar,
                         const char *const *names, double time);

#endif
