/* Multigrid preconditioning for an elliptic deck (solve_mg.h). Until the
 * multigrid module is merged, elliptic.pc: mg is refused with a clear message. */
#include "cli/solve_mg.h"

aeon_err aeon_solve_mg_pc(const aeon_deck *deck, const aeon_mesh *m, const aeon_model_spec *ms, void **state,
                          aeon_gpc *pc) {
  *state = NULL;
  return AE_ERR(AEON_ERR_UNSUPPORTED, "elliptic.pc: mg: multigrid is not built into this Aeon yet");
}

void aeon_solve_mg_free(void *state) {}
