/* The Cartesian process grid and the agreement of errors across ranks. */
#include <stdlib.h>
#include <string.h>

#include "aeon/parallel.h"

const aeon_param_decl aeon_parallel_params[] = {
  {"parallel.dims", AEON_PT_INT3, "0", 0, 1e6, NULL,
   "processes per direction; 0 lets Aeon choose (the product must equal the rank count)", AEON_RESTART_CHANGEABLE},
  {"parallel.bind", AEON_PT_BOOL, "true", AEON_NORANGE, NULL,
   "bind each rank to its share of the node's cores with hwloc", AEON_RESTART_CHANGEABLE},
};
const int aeon_parallel_nparams = sizeof aeon_parallel_params / sizeof aeon_parallel_params[0];

void aeon_mpi_preinit(void) {
#ifdef OPEN_MPI
  setenv("OMPI_MCA_io", "^ompio", 0); /* 0: a value the user set wins */
#endif
}

/* Cost of a decomposition: the largest patch surface (ghost traffic), then the largest volume. */
static double decomposition_cost(const int dims[3], const long n[3]) {
  double surf = 0, vol = 1, side[3];
  for (int d = 0; d < 3; d++) {
    side[d] = (double)((n[d] + dims[d] - 1) / dims[d]);
    vol *= side[d];
  }
  surf = side[0] * side[1] + side[1] * side[2] + side[0] * side[2];
  return surf + 1e-9 * vol;
}

aeon_err aeon_par_choose_dims(int size, const long n[3], int dims[3]) {
  int fixed = 1;
  for (int d = 0; d < 3; d++) {
    if (dims[d] < 0) return AE_ERR(AEON_ERR_USER, "parallel.dims: entries must be >= 0");
    if (dims[d] > 0) fixed *= dims[d];
  }
  if (size % fixed != 0)
    return AE_ERR(AEON_ERR_USER,
                  "parallel.dims = [%d, %d, %d] does not divide the %d MPI ranks", dims[0], dims[1],
                  dims[2], size);
  int best[3] = {0, 0, 0};
  double best_cost = 0;
  /* Enumerate factorisations of size compatible with the fixed entries (size is small). */
  for (int a = 1; a <= size; a++) {
    if (size % a || (dims[0] && dims[0] != a)) continue;
    for (int b = 1; b <= size / a; b++) {
      if ((size / a) % b || (dims[1] && dims[1] != b)) continue;
      int c = size / a / b;
      if (dims[2] && dims[2] != c) continue;
      int t[3] = {a, b, c};
      double cost = decomposition_cost(t, n);
      if (best[0] == 0 || cost < best_cost) {
        memcpy(best, t, sizeof best);
        best_cost = cost;
      }
    }
  }
  if (best[0] == 0)
    return AE_ERR(AEON_ERR_USER, "parallel.dims = [%d, %d, %d]: no grid of %d ranks matches",
                  dims[0], dims[1], dims[2], size);
  memcpy(dims, best, sizeof best);
  return AEON_OK;
}

aeon_err aeon_par_create(MPI_Comm world, const int dims_in[3], const int periodic[3], const long n[3],
                         aeon_par *par) {
  memset(par, 0, sizeof *par);
  par->world = world;
  int size;
  AE_MPI(MPI_Comm_size(world, &size));
  memcpy(par->dims, dims_in, sizeof par->dims);
  AE_CHK(aeon_par_choose_dims(size, n, par->dims));
  memcpy(par->periodic, periodic, sizeof par->periodic);
  /* reorder = 0: rank order stays that of `world`, so results never depend on MPI's placement. */
  AE_MPI(MPI_Cart_create(world, 3, par->dims, par->periodic, 0, &par->cart));
  AE_MPI(MPI_Comm_rank(par->cart, &par->rank));
  AE_MPI(MPI_Comm_size(par->cart, &par->size));
  AE_MPI(MPI_Cart_coords(par->cart, par->rank, 3, par->coords));
  AE_MPI(MPI_Comm_split_type(par->cart, MPI_COMM_TYPE_SHARED, par->rank, MPI_INFO_NULL, &par->node));
  AE_MPI(MPI_Comm_rank(par->node, &par->node_rank));
  AE_MPI(MPI_Comm_size(par->node, &par->node_size));
  snprintf(par->binding, sizeof par->binding, "not bound");
  return AEON_OK;
}

void aeon_par_destroy(aeon_par *par) {
  if (par->cart != MPI_COMM_NULL && par->cart) MPI_Comm_free(&par->cart);
  if (par->node != MPI_COMM_NULL && par->node) MPI_Comm_free(&par->node);
}

int aeon_par_neighbor(const aeon_par *par, const int d[3]) {
  int c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = par->coords[i] + d[i];
    if (c[i] < 0 || c[i] >= par->dims[i]) {
      if (!par->periodic[i]) return MPI_PROC_NULL;
      c[i] = (c[i] + par->dims[i]) % par->dims[i];
    }
  }
  int r = MPI_PROC_NULL;
  MPI_Cart_rank(par->cart, c, &r);
  return r;
}

aeon_err aeon_par_agree(MPI_Comm comm, aeon_err local) {
  int rank, size;
  AE_MPI(MPI_Comm_rank(comm, &rank));
  AE_MPI(MPI_Comm_size(comm, &size));
  int mine = local != AEON_OK ? rank : size, first;
  AE_MPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm));
  if (first == size) return AEON_OK;
  struct {
    int code;
    char msg[1024];
  } what;
  memset(&what, 0, sizeof what);
  if (rank == first) {
    what.code = (int)local;
    snprintf(what.msg, sizeof what.msg, "%s", aeon_error_message());
  }
  AE_MPI(MPI_Bcast(&what, (int)sizeof what, MPI_BYTE, first, comm));
  if (first == 0 && rank == 0) return (aeon_err)what.code; /* rank 0 keeps its own frames */
  char buf[1100];
  snprintf(buf, sizeof buf, first ? "(rank %d) %s" : "%.0d%s", first, what.msg);
  aeon_error_adopt((aeon_err)what.code, buf);
  return (aeon_err)what.code;
}
