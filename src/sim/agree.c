/* An allreduce(MAX) of a few ints that allocates nothing per call, for the
 * agreement that ends every (sub)step. Open MPI's MPI_Allreduce mallocs a
 * temporary buffer on every call; here the rounds are persistent point-to-point
 * requests set up once. Dissemination: in round k every rank sends its running
 * maximum to rank + 2^k and takes the maximum with what rank - 2^k sent (mod P);
 * after ceil(log2 P) rounds every rank holds the maximum over all ranks (MAX is
 * idempotent, so the overlaps of a P that is not a power of two do no harm). */
#include <string.h>

#include "aeon/memory.h"
#include "sim/sim_internal.h"

#define AGREE_MAX_ROUNDS 32

struct aeon_max_agree {
  MPI_Comm comm;                                        /* a duplicate: its tags meet no other traffic */
  int n, rounds;
  int send[AGREE_MAX_ROUNDS][AEON_MAX_AGREE_N];         /* round k's outgoing running maximum */
  int recv[AGREE_MAX_ROUNDS][AEON_MAX_AGREE_N];         /* what arrived in round k */
  MPI_Request req[AGREE_MAX_ROUNDS][2];
};

aeon_err aeon_max_agree_create(MPI_Comm comm, int n, aeon_max_agree **ap) {
  *ap = NULL;
  if (n < 1 || n > AEON_MAX_AGREE_N) return AE_ERR(AEON_ERR_INTERNAL, "agreement of %d ints (1 to %d)", n, AEON_MAX_AGREE_N);
  aeon_max_agree *a = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *a, (void **)&a));
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  a->n = n;
  if (MPI_Comm_dup(comm, &a->comm) != MPI_SUCCESS) {
    aeon_mem_free(a);
    return AE_ERR(AEON_ERR_MPI, "MPI_Comm_dup failed for the step agreement");
  }
  *ap = a;
  for (int d = 1; d < size; d *= 2, a->rounds++) {
    MPI_Request *r = a->req[a->rounds];
    AE_MPI(MPI_Send_init(a->send[a->rounds], n, MPI_INT, (rank + d) % size, a->rounds, a->comm, &r[0]));
    AE_MPI(MPI_Recv_init(a->recv[a->rounds], n, MPI_INT, (rank - d % size + size) % size, a->rounds, a->comm, &r[1]));
  }
  return AEON_OK;
}

aeon_err aeon_max_agree_run(aeon_max_agree *a, const int *mine, int *all) {
  memmove(all, mine, sizeof(int) * (size_t)a->n);
  for (int k = 0; k < a->rounds; k++) {
    memcpy(a->send[k], all, sizeof(int) * (size_t)a->n);
    AE_MPI(MPI_Startall(2, a->req[k]));
    AE_MPI(MPI_Waitall(2, a->req[k], MPI_STATUSES_IGNORE));
    for (int i = 0; i < a->n; i++)
      if (a->recv[k][i] > all[i]) all[i] = a->recv[k][i];
  }
  return AEON_OK;
}

void aeon_max_agree_destroy(aeon_max_agree *a) {
  if (!a) return;
  for (int k = 0; k < a->rounds; k++) MPI_Request_free(&a->req[k][0]), MPI_Request_free(&a->req[k][1]);
  MPI_Comm_free(&a->comm);
  aeon_mem_free(a);
}
