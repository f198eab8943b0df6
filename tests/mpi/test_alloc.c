/* ranks: 1 2 */
/* A time step allocates nothing after the first: Aeon's own allocation counter
 * must not move over 20 steps, and neither may the C library's malloc count for
 * the whole process (every malloc/calloc/realloc, MPI's included, is counted
 * here by wrapping glibc's allocator). */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/sim.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static atomic_long libc_allocs;

void *malloc(size_t n) { atomic_fetch_add(&libc_allocs, 1); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { atomic_fetch_add(&libc_allocs, 1); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { atomic_fetch_add(&libc_allocs, 1); return __libc_realloc(p, n); }
int posix_memalign(void **p, size_t al, size_t n) {
  atomic_fetch_add(&libc_allocs, 1);
  *p = __libc_memalign(al, n);
  return *p ? 0 : 12;
}
void *aligned_alloc(size_t al, size_t n) { atomic_fetch_add(&libc_allocs, 1); return __libc_memalign(al, n); }

static const char *deck =
  "physics: wave\n"
  "grid: {n: [24, 20, 16]}\n"
  "boundary: {xlo: symmetry, xhi: radiative, zlo: symmetry, zhi: radiative}\n"
  "wave: {solution: gaussian, width: 0.2, dissipation: 0.1}\n"
  "run: {t_final: 10}\n";

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  if (aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "alloc.yaml", 0, NULL, &opt, &sim) ||
      aeon_sim_step(sim)) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  aeon_mem_stats before = aeon_mem_get_stats();
  long libc_before = atomic_load(&libc_allocs);
  for (int s = 0; s < 20; s++) aeon_sim_step(sim);
  aeon_mem_stats after = aeon_mem_get_stats();
  long libc_after = atomic_load(&libc_allocs);
  long aeon_new = (long)(after.nalloc - before.nalloc), libc_new = libc_after - libc_before;
  long mine[2] = {aeon_new, libc_new}, all[2];
  MPI_Allreduce(mine, all, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0)
    printf("steps 2..21: %ld Aeon allocations, %ld C-library allocations (all ranks); step 1 at %ld Aeon allocations so far\n",
           all[0], all[1], (long)before.nalloc);
  int fail = all[0] != 0 || all[1] != 0;
  if (rank == 0) printf("%s\n", fail ? "FAIL" : "PASS zero allocations per step");
  aeon_sim_destroy(sim);
  MPI_Finalize();
  return fail;
}
