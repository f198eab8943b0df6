/* The BSSN module's analysis op (norms.dat columns after the diagnostics): the ADM masses of adm_mass.h and, with
 * bssn.diag_exclude_radius > 0, the L2 and max norms of the Hamiltonian and momentum constraints outside balls of
 * that radius about the punctures of bssn.punctures (and their mirror images at symmetry faces) and, with
 * bssn.diag_max_radius > 0, inside that radius about the origin (away from the outer boundary), read from the
 * constraint fields of this step's diagnostics pass (aux fields ham, mom_x, mom_y, mom_z, in that order). */
#ifndef AEON_BSSN_ANALYSIS_H
#define AEON_BSSN_ANALYSIS_H

#include "aeon/deck.h"
#include "aeon/error.h"
#include "aeon/mesh.h"

/* Opaque: the ADM-mass spheres and the exclusion balls. */
typedef struct bssn_analysis bssn_analysis;

/* The parameters the module adds to its table (the ADM mass's and bssn.diag_exclude_radius). */
extern const aeon_param_decl *const bssn_analysis_params[];
extern const int bssn_analysis_nparams[];

/* Creates the analysis from the deck (collective); parity: the parity table of the BSSN variables. */
aeon_err bssn_analysis_create(const aeon_deck *deck, const aeon_mesh *m, const int (*parity)[3], bssn_analysis **a);
/* Returns how many values bssn_analysis_eval writes and sets *names to their names. */
int bssn_analysis_count(const bssn_analysis *a, const char *const **names);
/* Evaluates the values of state u and constraint fields aux into out (collective; same bits on every rank). */
aeon_err bssn_analysis_eval(bssn_analysis *a, const aeon_mesh *m, const aeon_fields *u, const aeon_fields *aux,
                            double *out);
/* Frees it (NULL is fine). */
void bssn_analysis_destroy(bssn_analysis *a);

#endif
