/* aeon params [--markdown]: every parameter a deck may set. */
#include <stdio.h>
#include <string.h>

#include "aeon/sim.h"
#include "cli/commands.h"

int aeon_cmd_params(int argc, char **argv) {
  int md = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--markdown") == 0) md = 1;
    else return aeon_cli_report(AE_ERR(AEON_ERR_USER, "params: unknown option '%s' (known: --markdown)", argv[i]), 0);
  }
  aeon_paramset *ps = NULL;
  aeon_err e = aeon_params_all(&ps);
  if (e) return aeon_cli_report(e, 0);
  aeon_paramset_print(ps, stdout, md);
  aeon_paramset_destroy(ps);
  return AEON_EXIT_OK;
}
