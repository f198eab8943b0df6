/* Checkpoint bandwidth: writes an N^3 x F-field state (default 256^3 x 8) as an Aeon
 * checkpoint on the ranks given by mpirun, next to the raw sequential write bandwidth of
 * the same disk measured in the same run (rank 0 writes the same number of bytes with
 * write() and fsync()), then reads the checkpoint back as a restart does.
 * Prints one JSON object. Usage: bench_checkpoint [N] [F] [DIR] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/parallel.h"
#include "aeon/checkpoint.h"
#include "aeon/memory.h"

/* Rank 0: seconds to write bytes to path sequentially (8 MiB blocks) and fsync it. */
static double raw_write(const char *path, size_t bytes) {
  size_t blk = 8u << 20;
  char *buf = malloc(blk);
  memset(buf, 1, blk);
  double t0 = MPI_Wtime();
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (size_t done = 0; fd >= 0 && done < bytes; done += blk)
    if (write(fd, buf, bytes - done < blk ? bytes - done : blk) < 0) break;
  if (fd >= 0) fsync(fd), close(fd);
  double t = MPI_Wtime() - t0;
  unlink(path);
  free(buf);
  return t;
}

/* Tries to drop the page cache so the read is from disk; returns 1 if it worked. */
static int drop_caches(void) {
  sync();
  FILE *f = fopen("/proc/sys/vm/drop_caches", "w");
  if (!f) return 0;
  int ok = fputs("3\n", f) >= 0;
  return fclose(f) == 0 && ok;
}

int main(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(&argc, &argv);
  long n = argc > 1 ? atol(argv[1]) : 256;
  int nf = argc > 2 ? atoi(argv[2]) : 8;
  const char *dir = argc > 3 ? argv[3] : ".";
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
  double t_raw = par.rank == 0 ? raw_write(raw, bytes) : 0.0;
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  aeon_err e = aeon_checkpoint_write(&m, &f, np, path, &mt);
  double t_write = MPI_Wtime() - t0;
  int dropped = par.rank == 0 ? drop_caches() : 0;
  MPI_Barrier(MPI_COMM_WORLD);
  t0 = MPI_Wtime();
  if (!e) e = aeon_checkpoint_read_fields(&m, &f, np, path);
  double t_read = MPI_Wtime() - t0;
  if (e) aeon_error_print(stderr, 1);
  if (par.rank == 0) {
    double gb = (double)bytes / 1e9;
    printf("{\"bench\": \"checkpoint\", \"n\": %ld, \"fields\": %d, \"ranks\": %d, \"gbytes\": %.3f, "
           "\"raw_write_gbps\": %.3f, \"checkpoint_write_gbps\": %.3f, \"write_fraction_of_raw\": %.3f, "
           "\"checkpoint_read_gbps\": %.3f, \"read_after_cache_drop\": %s, \"write_s\": %.3f, \"read_s\": %.3f}\n",
           n, nf, par.size, gb, gb / t_raw, gb / t_write, t_raw / t_write, gb / t_read, dropped ? "true" : "false",
           t_write, t_read);
    unlink(path);
  }
  aeon_fields_destroy(&f);
  aeon_par_destroy(&par);
  MPI_Finalize();
  return e != AEON_OK;
}
