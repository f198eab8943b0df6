#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/parallel.h"
#include "aeon/drivers.h"
#include "cli/commands.h"

int aeon_cli_report(aeon_err e, int rank) {
  if (rank <= 0) {
    const char *tr = getenv("AEON_TRACE");
    aeon_error_print(stderr, e != AEON_ERR_USER || (tr && tr[0] == '1'));
  }
  return e == AEON_ERR_USER ? AEON_EXIT_INPUT : e == AEON_ERR_NUMERIC ? AEON_EXIT_NUMERIC : AEON_EXIT_RUNTIME;
}

int aeon_cli_driver(aeon_err (*body)(int argc, char **argv, int rank, void *ctx), void (*cleanup)(void *ctx),
                    void *ctx, int argc, char **argv) {
  signal(SIGXFSZ, SIG_IGN);
  aeon_mpi_preinit();
  MPI_Init(NULL, NULL);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  aeon_drv_blas_threads(MPI_COMM_WORLD);
  aeon_err e = body(argc, argv, rank, ctx);
  int code = e ? aeon_cli_report(e, rank) : AEON_EXIT_OK;
  cleanup(ctx);
  MPI_Finalize();
  return code;
}

aeon_err aeon_cli_dense_setup(const char *grid, const char *budget, aeon_cli_dense *d) {
  int P = 0, Q = 0;
  if (grid && strcmp(grid, "auto") != 0) AE_CHK(aeon_pgrid_parse(grid, &P, &Q));
  AE_CHK(aeon_pgrid_create(MPI_COMM_WORLD, P, Q, &d->g));
  d->have_grid = 1;
  if (budget && strcmp(budget, "auto") != 0) AE_CHK(aeon_parse_bytes(budget, &d->budget));
  else AE_CHK(aeon_gov_default_budget(d->g.comm, &d->budget));
  return aeon_gov_create(d->budget, &d->gov);
}

void aeon_cli_dense_free(aeon_cli_dense *d) {
  aeon_gov_destroy(d->gov);
  d->gov = NULL;
  if (d->have_grid) aeon_pgrid_destroy(&d->g);
  d->have_grid = 0;
}

void aeon_cli_dense_start(aeon_cli_dense *d) { d->t0 = d->last_print = MPI_Wtime(); }

int aeon_cli_dense_tick(aeon_cli_dense *d) {
  double t = MPI_Wtime();
  if (d->quiet || t - d->last_print < 5.0) return 0;
  d->last_print = t;
  return 1;
}
