#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"

int aeon_cli_report(aeon_err e, int rank) {
  if (rank <= 0) {
    const char *tr = getenv("AEON_TRACE");
    aeon_error_print(stderr, e != AEON_ERR_USER || (tr && tr[0] == '1'));
  }
  return e == AEON_ERR_USER ? AEON_EXIT_INPUT : e == AEON_ERR_NUMERIC ? AEON_EXIT_NUMERIC : AEON_EXIT_RUNTIME;
}
