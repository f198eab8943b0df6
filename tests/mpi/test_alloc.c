/* ranks: 1 2 */
/* A time step allocates nothing after the first: Aeon's own allocation counter
 * must not move over 40 steps, and neither may the C library's allocation count
 * for the whole process (every malloc/calloc/realloc is counted by wrapping
 * glibc's allocator, and its caller recorded), Open MPI's libraries included: an
 * MPI call that allocates on every step (MPI_Allreduce's temporary buffer, a
 * datatype committed and freed) fails the test. Open MPI's transport may grow its
 * fragment free lists and unexpected-message buffers when messages queue up on a
 * loaded machine: a few times in a run (3 to 7 measured over 40 or 160 steps), not
 * once per step. So the count starts after 40 warm-up steps, and fewer than one
 * allocation inside Open MPI per 4 steps per rank is tolerated (and printed).
 * Every step must succeed. */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/sim.h"

#if defined(__SANITIZE_ADDRESS__)
/* AddressSanitizer owns malloc: only Aeon's own counter is checked in sanitizer builds. */
static atomic_long libc_allocs;
static atomic_int recording;
#define MAX_CALLERS 1
static void *callers[MAX_CALLERS];
static int inside_mpi(void *a) { return a != NULL; }
#else
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static atomic_long libc_allocs;
static atomic_int recording;
#define MAX_CALLERS 256
static void *callers[MAX_CALLERS];

/* Counts an allocation and remembers who asked for it (no allocation in here). */
#define COUNT()                                                               \
  do {                                                                        \
    long n_ = atomic_fetch_add(&libc_allocs, 1);                              \
    if (atomic_load(&recording) && n_ >= 0) {                                 \
      long i_ = n_ % MAX_CALLERS;                                             \
      callers[i_] = __builtin_return_address(0);                              \
    }                                                                         \
  } while (0)

void *malloc(size_t n) { COUNT(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { COUNT(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { COUNT(); return __libc_realloc(p, n); }
int posix_memalign(void **p, size_t al, size_t n) {
  COUNT();
  *p = __libc_memalign(al, n);
  return *p ? 0 : 12;
}
void *aligned_alloc(size_t al, size_t n) { COUNT(); return __libc_memalign(al, n); }

/* 1 if the code at address a belongs to Open MPI's libraries or components. */
static int inside_mpi(void *a) {
  Dl_info di;
  if (!dladdr(a, &di) || !di.dli_fname) return 0;
  return strstr(di.dli_fname, "libopen-pal") || strstr(di.dli_fname, "libmpi") ||
         strstr(di.dli_fname, "libopen-rte") || strstr(di.dli_fname, "mca_");
}
#endif

#define NSTEPS 40

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
  int step_err = 0;
  for (int s = 0; s < NSTEPS && !step_err; s++) step_err = aeon_sim_step(sim) != AEON_OK; /* warm-up */
  aeon_mem_stats before = aeon_mem_get_stats();
  atomic_store(&libc_allocs, 0);
  atomic_store(&recording, 1);
  for (int s = 0; s < NSTEPS && !step_err; s++) step_err = aeon_sim_step(sim) != AEON_OK;
  atomic_store(&recording, 0);
  if (step_err) aeon_error_print(stderr, 1);
  aeon_mem_stats after = aeon_mem_get_stats();
  long libc_new = atomic_load(&libc_allocs), mpi_new = 0;
  for (long i = 0; i < libc_new && i < MAX_CALLERS; i++) {
    Dl_info di;
    int in_mpi = inside_mpi(callers[i]);
    mpi_new += in_mpi;
    if (dladdr(callers[i], &di) && (!in_mpi || mpi_new <= 4))
      fprintf(stderr, "rank %d: allocation during a step from %s (%s)%s\n", rank, di.dli_fname ? di.dli_fname : "?",
              di.dli_sname ? di.dli_sname : "?", in_mpi ? " inside Open MPI" : "");
  }
  long aeon_new = (long)(after.nalloc - before.nalloc);
  long mine[4] = {aeon_new, libc_new - mpi_new, mpi_new, step_err}, all[4], mpi_max;
  MPI_Allreduce(mine, all, 4, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(&mpi_new, &mpi_max, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0)
    printf("steps %d..%d: %ld Aeon allocations, %ld C-library allocations outside Open MPI, %ld inside Open MPI "
           "(all ranks; at most %ld on one rank, tolerated below %d); %ld failed steps; set-up and the first %d "
           "steps made %ld Aeon allocations\n", NSTEPS + 2, 2 * NSTEPS + 1, all[0], all[1], all[2], mpi_max,
           NSTEPS / 4, all[3], NSTEPS + 1, (long)before.nalloc);
  int fail = all[0] != 0 || all[1] != 0 || mpi_max >= NSTEPS / 4 || all[3] != 0 || libc_new > MAX_CALLERS;
  if (rank == 0) printf("%s\n", fail ? "FAIL" : "PASS zero allocations per step");
  aeon_sim_destroy(sim);
  MPI_Finalize();
  return fail;
}
