/* Gathering a field onto rank 0 (tests and small analyses; allocates, so never in the step loop). */
#include <string.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

aeon_err aeon_sim_gather(aeon_sim *s, int v, double *global) {
  const aeon_mesh *m = &s->lev[0].mesh;
  const double *u = aeon_var(aeon_sim_fields(s), v);
  long cnt = (long)m->n[0] * m->n[1] * m->n[2];
  double *buf = NULL;
  AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)(cnt + 6), (void **)&buf));
  for (int d = 0; d < 3; d++) {
    buf[d] = (double)m->off[d];
    buf[3 + d] = (double)m->n[d];
  }
  double *p = buf + 6;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++, p += m->n[0]) memcpy(p, u + aeon_idx(m, 0, j, k), sizeof(double) * (size_t)m->n[0]);
  aeon_err e = AEON_OK;
  if (s->rank != 0) {
    e = MPI_Send(buf, (int)(cnt + 6), MPI_DOUBLE, 0, 91, s->comm) ? AE_ERR(AEON_ERR_MPI, "gather send failed") : AEON_OK;
    aeon_mem_free(buf);
    return e;
  }
  for (int r = 0; r < s->par.size && !e; r++) {
    double *in = buf;
    if (r != 0) {
      MPI_Status st;
      int n;
      MPI_Probe(r, 91, s->comm, &st);
      MPI_Get_count(&st, MPI_DOUBLE, &n);
      AE_CHK(aeon_mem_alloc(sizeof(double) * (size_t)n, (void **)&in));
      MPI_Recv(in, n, MPI_DOUBLE, r, 91, s->comm, MPI_STATUS_IGNORE);
    }
    long off[3], n[3];
    for (int d = 0; d < 3; d++) off[d] = (long)in[d], n[d] = (long)in[3 + d];
    const double *q = in + 6;
    for (long k = 0; k < n[2]; k++)
      for (long j = 0; j < n[1]; j++, q += n[0])
        memcpy(global + ((off[2] + k) * m->N[1] + off[1] + j) * m->N[0] + off[0], q, sizeof(double) * (size_t)n[0]);
    if (r != 0) aeon_mem_free(in);
  }
  aeon_mem_free(buf);
  return e;
}
