/* Multigrid as the preconditioner of an elliptic deck (elliptic.pc: mg): the
 * multigrid module's operator for the model problem's symmetric part and its
 * hierarchy, with one cycle as an aeon_gpc. */
#ifndef AEON_CLI_SOLVE_MG_H
#define AEON_CLI_SOLVE_MG_H

#include "aeon/deck.h"
#include "aeon/gop.h"
#include "aeon/mesh.h"
#include "aeon/modelprob.h"

/* Builds the hierarchy for the model spec on mesh m (elliptic.mg_* from the deck) and fills pc; *state owns it. */
aeon_err aeon_solve_mg_pc(const aeon_deck *deck, const aeon_mesh *m, const aeon_model_spec *ms, void **state,
                          aeon_gpc *pc);
/* Frees what aeon_solve_mg_pc built (NULL is fine). */
void aeon_solve_mg_free(void *state);

#endif
