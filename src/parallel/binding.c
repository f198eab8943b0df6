/* hwloc: bind each rank to an equal share of its node's cores and report it. */
#include <errno.h>
#include <hwloc.h>
#include <string.h>

#include "aeon/parallel.h"

/* Binds to cores [first, first+count) of the topology; describes the result in out. */
static aeon_err bind_cores(hwloc_topology_t topo, int first, int count, char *out, size_t outlen) {
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  if (!set) return AE_ERR(AEON_ERR_MEM, "hwloc_bitmap_alloc failed");
  for (int c = first; c < first + count; c++) {
    hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)c);
    if (core) hwloc_bitmap_or(set, set, core->cpuset);
  }
  int rc = hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS);
  char pus[48];
  hwloc_bitmap_list_snprintf(pus, sizeof pus, set);
  if (rc == 0 && count == 1)
    snprintf(out, outlen, "core %d (PUs %s)", first, pus);
  else if (rc == 0)
    snprintf(out, outlen, "cores %d-%d (PUs %s)", first, first + count - 1, pus);
  else
    snprintf(out, outlen, "binding refused by the OS: %.60s", strerror(errno));
  hwloc_bitmap_free(set);
  return AEON_OK;
}

aeon_err aeon_par_bind(aeon_par *par) {
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0)
    return AE_ERR(AEON_ERR_LIB, "hwloc could not load the node topology");
  int ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  aeon_err e = AEON_OK;
  if (ncores <= 0) {
    snprintf(par->binding, sizeof par->binding, "not bound (hwloc found no cores)");
  } else if (par->node_size > ncores) {
    snprintf(par->binding, sizeof par->binding, "not bound (%d ranks on %d cores: oversubscribed)",
             par->node_size, ncores);
  } else {
    int share = ncores / par->node_size;
    e = bind_cores(topo, par->node_rank * share, share, par->binding, sizeof par->binding);
  }
  hwloc_topology_destroy(topo);
  return e;
}

aeon_err aeon_par_report(const aeon_par *par, FILE *out) {
  char line[512], host[MPI_MAX_PROCESSOR_NAME];
  int hlen = 0;
  MPI_Get_processor_name(host, &hlen);
  snprintf(line, sizeof line, "  rank %d coords (%d,%d,%d) on %.64s node-rank %d/%d: %s", par->rank,
           par->coords[0], par->coords[1], par->coords[2], host, par->node_rank, par->node_size,
           par->binding);
  if (par->rank != 0) {
    AE_MPI(MPI_Send(line, sizeof line, MPI_CHAR, 0, 77, par->cart));
    return AEON_OK;
  }
  fprintf(out, "aeon: %d ranks in a %d x %d x %d grid\n", par->size, par->dims[0], par->dims[1],
          par->dims[2]);
  fprintf(out, "%s\n", line);
  for (int r = 1; r < par->size; r++) {
    AE_MPI(MPI_Recv(line, sizeof line, MPI_CHAR, r, 77, par->cart, MPI_STATUS_IGNORE));
    fprintf(out, "%s\n", line);
  }
  return AEON_OK;
}
