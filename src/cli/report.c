#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

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
