/* Deck keys of Bowen-York puncture data (aeon/bowen_york.h): the puncture
 * list of `aeon solve` (elliptic.punctures, elliptic.newton_*) and reading a
 * list of {mass, position, momentum, spin} maps from a deck (also used by the
 * BSSN initial-data kind bowen_york with its own key). */
#include <string.h>

#include "aeon/bowen_york.h"

const aeon_param_decl aeon_by_params[] = {
  {"elliptic.punctures", AEON_PT_LIST, "[{mass: 1, position: [0.01, 0.02, 0.03]}]", 1, AEON_BY_MAX, NULL,
   "problem punctures: Bowen-York punctures (mass, position, momentum, spin); u solved on the grid with robin faces",
   AEON_RESTART_FIXED},
  {"elliptic.punctures[].mass", AEON_PT_REAL, NULL, AEON_NORANGE, NULL, "bare mass m_i (> 0)", AEON_RESTART_FIXED},
  {"elliptic.punctures[].position", AEON_PT_REAL3, "0", AEON_NORANGE, NULL,
   "coordinate position (inside the grid, off the cell centres)", AEON_RESTART_FIXED},
  {"elliptic.punctures[].momentum", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "linear momentum P_i",
   AEON_RESTART_FIXED},
  {"elliptic.punctures[].spin", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "spin S_i", AEON_RESTART_FIXED},
  {"elliptic.newton_rtol", AEON_PT_REAL, "1e-10", 1e-15, 0.1, NULL,
   "problem punctures: Newton stops when ||F(u)|| <= newton_rtol ||source at u = 0||", AEON_RESTART_CHANGEABLE},
  {"elliptic.newton_max_it", AEON_PT_INT, "30", 1, 1000, NULL,
   "problem punctures: Newton steps at most (then an error)", AEON_RESTART_CHANGEABLE},
  {"elliptic.newton_monitor", AEON_PT_BOOL, "false", AEON_NORANGE, NULL,
   "problem punctures: one line per Newton step (residual norm, Krylov iterations)", AEON_RESTART_CHANGEABLE},
  {"elliptic.warm_start", AEON_PT_ENUM, "off", AEON_NORANGE, "off|auto",
   "problem punctures: auto: start Newton from the solution stored for this grid and punctures count (tier 1 and "
   "the cache file; the same punctures: reused if the residual passes) and store the new one; off: always from u = 0 "
   "(bit-for-bit reproducible, nothing written)", AEON_RESTART_CHANGEABLE},
  {"elliptic.warm_start_dir", AEON_PT_STRING, "", AEON_NORANGE, NULL,
   "problem punctures: directory of the warm-start files (DIR/warm/KEY.blob); empty: $AEON_CACHE_DIR, "
   "$XDG_CACHE_HOME/aeon or ~/.cache/aeon; none: kept in memory only", AEON_RESTART_CHANGEABLE},
};
const int aeon_by_nparams = (int)(sizeof aeon_by_params / sizeof aeon_by_params[0]);

aeon_err aeon_by_from_deck(const aeon_deck *deck, const char *key, aeon_by_puncture *p, int *n) {
  int len = aeon_deck_list_len(deck, key);
  if (len < 1 || len > AEON_BY_MAX)
    return AE_ERR(AEON_ERR_USER, "%s has %d entries: between 1 and %d punctures", key, len, AEON_BY_MAX);
  for (int i = 0; i < len; i++) {
    memset(&p[i], 0, sizeof p[i]);
    p[i].m = aeon_deck_list_real(deck, key, i, "mass");
    aeon_deck_list_real3(deck, key, i, "position", p[i].x);
    aeon_deck_list_real3(deck, key, i, "momentum", p[i].P);
    aeon_deck_list_real3(deck, key, i, "spin", p[i].S);
  }
  *n = len;
  return AEON_OK;
}
