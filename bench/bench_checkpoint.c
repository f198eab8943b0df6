/* Checkpoint bandwidth against dd: writes an N^3 x F-field state (default 256^3 x 8) as an
 * Aeon checkpoint on the ranks given by mpirun (fsync and rename included), and reads it back
 * as a restart does (field digests verified), RUNS times (default 5). Each run also times
 * `dd bs=16M conv=fsync` writing the same number of bytes into the same directory and `dd`
 * reading the checkpoint, interleaved with the checkpoint's own write and read (the order
 * alternates between runs), with the page cache dropped before each read (drop_caches as root, else
 * posix_fadvise DONTNEED on the checkpoint both read). Rank 0 runs dd while the other ranks wait
 * without spinning. Prints one JSON line per run and a summary line with the median ratios
 * checkpoint/dd (1.0: as fast as dd), over all runs and over the runs of each order.
 * Usage: bench_checkpoint [N] [F] [DIR] [RUNS] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/parallel.h"
#include "aeon/checkpoint.h"
#include "aeon/memory.h"

/* Rank 0: seconds a shell command takes, or -1 when it fails. */
static double timed_shell(const char *cmd) {
  double t0 = MPI_Wtime();
  int rc = system(cmd);
  return rc == 0 ? MPI_Wtime() - t0 : -1.0;
}

/* Rank 0: drops the page cache so that the next read of file comes from the disk: the whole cache through
 * /proc/sys/vm/drop_caches (root), else file's pages with posix_fadvise(DONTNEED) after an fsync (the
 * checkpoint and dd read the same file, so both start cold either way). Returns the method, or NULL if
 * neither worked. */
static const char *drop_caches(const char *file) {
  sync();
  FILE *f = fopen("/proc/sys/vm/drop_caches", "w");
  int ok = f && fputs("3\n", f) >= 0;
  if (f && fclose(f) != 0) ok = 0;
  if (ok) return "drop_caches";
  int fd = open(file, O_RDONLY);
  ok = fd >= 0 && fsync(fd) == 0 && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
  if (fd >= 0) close(fd);
  return ok ? "fadvise_dontneed" : NULL;
}

/* A barrier that sleeps while it waits (1 ms polls): a rank waiting for rank 0's dd must not spin on a core
 * that dd could use. */
static void idle_barrier(void) {
  MPI_Request r;
  int done = 0;
  MPI_Ibarrier(MPI_COMM_WORLD, &r);
  while (MPI_Test(&r, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) usleep(1000);
}

/* Median of n values (sorts them). */
static double median(double *x, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && x[j] < x[j - 1]; j--) {
      double t = x[j];
      x[j] = x[j - 1], x[j - 1] = t;
    }
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* Median of the runs first, first + 2, ... of x[0..n) (the runs of one order), without changing x. */
static double median_order(const double *x, int n, int first) {
  double y[64];
  int k = 0;
  for (int i = first; i < n; i += 2) y[k++] = x[i];
  return k ? median(y, k) : 0.0;
}

/* Times of one run: dd write, checkpoint write, dd read, checkpoint read (seconds). */
typedef struct run_times {
  double dd_w, ck_w, dd_r, ck_r;
} run_times;

/* One interleaved run (collective); the checkpoint goes first when ck_first. */
static aeon_err one_run(const aeon_mesh *m, aeon_fields *f, const char *const *np, const aeon_checkpoint_meta *mt,
                        const char *path, const char *raw, size_t bytes, int ck_first, const char **dropped,
                        run_times *t) {
  char cmd[9000];
  int rank = m->par->rank;
  aeon_err e = AEON_OK;
  for (int step = 0; step < 2; step++) {
    idle_barrier();
    if ((step == 0) == (ck_first != 0)) {
      double t0 = MPI_Wtime();
      AE_CHK(aeon_checkpoint_write(m, f, np, path, mt));
      MPI_Barrier(MPI_COMM_WORLD);
      t->ck_w = MPI_Wtime() - t0;
    } else if (rank == 0) {
      snprintf(cmd, sizeof cmd, "dd if=/dev/zero of='%s' bs=16M count=%zu iflag=count_bytes conv=fsync status=none",
               raw, bytes);
      t->dd_w = timed_shell(cmd);
      unlink(raw);
    }
    idle_barrier();
  }
  for (int step = 0; step < 2 && !e; step++) {
    if (rank == 0) { /* the method of the first drop, or "none" once a drop failed or used another method */
      const char *how = drop_caches(path);
      *dropped = !how || (*dropped && strcmp(*dropped, how) != 0) ? "none" : how;
    }
    idle_barrier();
    if ((step == 0) == (ck_first != 0)) {
      double t0 = MPI_Wtime();
      e = aeon_checkpoint_read_fields(m, f, np, path);
      MPI_Barrier(MPI_COMM_WORLD);
      t->ck_r = MPI_Wtime() - t0;
    } else if (rank == 0) {
      snprintf(cmd, sizeof cmd, "dd if='%s' of=/dev/null bs=16M status=none", path);
      t->dd_r = timed_shell(cmd);
    }
    idle_barrier();
  }
  return e;
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  long n = argc > 1 ? atol(argv[1]) : 256;
  int nf = argc > 2 ? atoi(argv[2]) : 8;
  const char *dir = argc > 3 ? argv[3] : ".";
  int runs = argc > 4 ? atoi(argv[4]) : 5;
  runs = runs < 1 ? 1 : runs > 64 ? 64 : runs;
  aeon_mesh m;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) m.N[d] = n, m.xmax[d] = 1.0, m.dx[d] = 1.0 / (double)n;
  m.ghost = 3;
  aeon_par par;
  int periodic[3] = {1, 1, 1}, dims[3] = {0, 0, 0};
  aeon_fields f;
  if (aeon_par_create(MPI_COMM_WORLD, dims, periodic, m.N, &par) || aeon_mesh_setup_patch(&m, &par) ||
      aeon_fields_create(&m, nf, &f)) {
    aeon_error_print(stderr, 1);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  for (size_t i = 0; i < f.stride * (size_t)nf; i++) f.data[i] = (double)(i % 1000) * 1e-3;
  char names[16][8];
  const char *np[16];
  for (int v = 0; v < nf && v < 16; v++) snprintf(names[v], 8, "f%d", v), np[v] = names[v];
  aeon_checkpoint_meta mt = {0};
  mt.deck = mt.effective = mt.physics = (char *)"bench";
  uint8_t none[1] = {0};
  mt.tiers = mt.receipts = none;
  char path[4096], raw[4096];
  snprintf(path, sizeof path, "%s/bench_chk.h5", dir);
  snprintf(raw, sizeof raw, "%s/bench_raw.bin", dir);
  size_t bytes = (size_t)n * n * n * (size_t)nf * sizeof(double);
  double gb = (double)bytes / 1e9, rw[64], rr[64];
  const char *dropped = NULL;
  aeon_err e = AEON_OK;
  for (int r = 0; r < runs && !e; r++) {
    run_times t = {0, 0, 0, 0};
    e = one_run(&m, &f, np, &mt, path, raw, bytes, r % 2, &dropped, &t);
    rw[r] = t.ck_w / t.dd_w, rr[r] = t.ck_r / t.dd_r;
    if (!e && par.rank == 0)
      printf("{\"bench\": \"checkpoint\", \"run\": %d, \"first\": \"%s\", \"dd_write_s\": %.3f, \"write_s\": %.3f, "
             "\"write_ratio\": %.3f, \"dd_read_s\": %.3f, \"read_s\": %.3f, \"read_ratio\": %.3f}\n",
             r, r % 2 ? "checkpoint" : "dd", t.dd_w, t.ck_w, rw[r], t.dd_r, t.ck_r, rr[r]);
    fflush(stdout);
  }
  if (e) aeon_error_print(stderr, 1);
  if (!e && par.rank == 0) { /* per order too: with an odd number of runs one order counts once more */
    double ow[2] = {median_order(rw, runs, 0), median_order(rw, runs, 1)};
    double orr[2] = {median_order(rr, runs, 0), median_order(rr, runs, 1)};
    printf("{\"bench\": \"checkpoint\", \"n\": %ld, \"fields\": %d, \"ranks\": %d, \"gbytes\": %.3f, \"runs\": %d, "
           "\"median_write_ratio\": %.3f, \"median_read_ratio\": %.3f, \"write_ratio_dd_first\": %.3f, "
           "\"write_ratio_checkpoint_first\": %.3f, \"read_ratio_dd_first\": %.3f, \"read_ratio_checkpoint_first\": %.3f, "
           "\"read_after_cache_drop\": %s, \"cache_drop\": \"%s\"}\n", n, nf, par.size, gb, runs, median(rw, runs),
           median(rr, runs), ow[0], ow[1], orr[0], orr[1], dropped && strcmp(dropped, "none") ? "true" : "false",
           dropped ? dropped : "none");
  }
  if (par.rank == 0) unlink(path);
  aeon_fields_destroy(&f);
  aeon_par_destroy(&par);
  MPI_Finalize();
  return e != AEON_OK;
}
