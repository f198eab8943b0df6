/* The P x Q process grid of the dense drivers, and the BLAS thread count. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "aeon/drivers.h"

aeon_err aeon_pgrid_parse(const char *s, int *P, int *Q) {
  char *end;
  long p = strtol(s, &end, 10), q = 0;
  int ok = end != s && (*end == 'x' || *end == 'X');
  if (ok) {
    const char *r = end + 1;
    q = strtol(r, &end, 10);
    ok = end != r && *end == '\0';
  }
  if (!ok || p < 1 || q < 1 || p > 65536 || q > 65536)
    return AE_ERR(AEON_ERR_USER, "grid '%s' is not of the form PxQ with P, Q >= 1 (e.g. 2x2)", s);
  *P = (int)p;
  *Q = (int)q;
  return AEON_OK;
}

/* The squarest P x Q = size with P <= Q. */
static void squarest(int size, int *P, int *Q) {
  int p = 1;
  for (int d = 1; d * d <= size; d++)
    if (size % d == 0) p = d;
  *P = p;
  *Q = size / p;
}

aeon_err aeon_pgrid_create(MPI_Comm comm, int P, int Q, aeon_pgrid *g) {
  memset(g, 0, sizeof *g);
  g->comm = g->row = g->col = MPI_COMM_NULL;
  int size, rank;
  AE_MPI(MPI_Comm_size(comm, &size));
  AE_MPI(MPI_Comm_rank(comm, &rank));
  if (P == 0 && Q == 0) squarest(size, &P, &Q);
  if (P < 1 || Q < 1 || P * Q != size)
    return AE_ERR(AEON_ERR_USER, "process grid %dx%d needs %d ranks, but %d are running", P, Q, P * Q, size);
  g->P = P;
  g->Q = Q;
  g->rank = rank;
  g->size = size;
  g->p = rank / Q;
  g->q = rank % Q;
  AE_MPI(MPI_Comm_dup(comm, &g->comm));
  AE_MPI(MPI_Comm_split(g->comm, g->p, g->q, &g->row));
  AE_MPI(MPI_Comm_split(g->comm, g->q, g->p, &g->col));
  return AEON_OK;
}

void aeon_pgrid_destroy(aeon_pgrid *g) {
  MPI_Comm *c[3] = {&g->row, &g->col, &g->comm};
  for (int i = 0; i < 3; i++)
    if (*c[i] != MPI_COMM_NULL) MPI_Comm_free(c[i]);
}

int aeon_drv_blas_threads(MPI_Comm comm) {
  MPI_Comm node;
  int nranks = 1;
  if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &nranks);
    MPI_Comm_free(&node);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const char *env = getenv("OPENBLAS_NUM_THREADS");
  int t = env && atoi(env) > 0 ? atoi(env) : (int)(cores / nranks); /* the user's choice wins */
  if (t < 1) t = 1;
  openblas_set_num_threads(t);
  return t;
}
