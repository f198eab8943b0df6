/* The spectral module's parameters (spectral.*) and reading them from a deck. */
#include <string.h>

#include "aeon/spectral.h"

const aeon_param_decl aeon_spectral_params[] = {
  {"spectral.planner", AEON_PT_ENUM, "measure", AEON_NORANGE, "estimate|measure|patient|exhaustive|wisdom-only",
   "FFTW planner effort; measured plans are cached as wisdom, wisdom-only refuses a shape the wisdom lacks",
   AEON_RESTART_CHANGEABLE},
  {"spectral.wisdom_file", AEON_PT_STRING, "", AEON_NORANGE, NULL,
   "FFTW wisdom cache file; empty: fftw-wisdom in $AEON_CACHE_DIR, $XDG_CACHE_HOME/aeon or ~/.cache/aeon; none: "
   "no file",
   AEON_RESTART_CHANGEABLE},
  {"spectral.poisson_mean", AEON_PT_ENUM, "refuse", AEON_NORANGE, "refuse|subtract",
   "a Poisson right-hand side with a non-zero mean is refused, or solved with its mean removed",
   AEON_RESTART_CHANGEABLE},
  {"spectral.loom_every", AEON_PT_INT, "0", 0, 1e9, NULL,
   "steps between band spectra of the loom (in a run: rows of RUNDIR/loom.dat; 0: no loom)",
   AEON_RESTART_CHANGEABLE},
  {"spectral.loom_bands", AEON_PT_INT, "8", 1, 32, NULL, "octave bands of |k| in the loom's spectra",
   AEON_RESTART_CHANGEABLE},
  {"spectral.loom_field", AEON_PT_STRING, "", AEON_NORANGE, NULL,
   "evolved variable whose band spectra the loom writes (RUNDIR/loom.dat) and the Poisson check solves; empty: the "
   "first", AEON_RESTART_CHANGEABLE},
  {"spectral.poisson_every", AEON_PT_INT, "0", 0, 1e9, NULL,
   "steps between Poisson checks of a run (RUNDIR/poisson_check.dat: the field recovered from its spectral Laplacian; "
   "0: none)", AEON_RESTART_CHANGEABLE},
};
const int aeon_spectral_nparams = (int)(sizeof aeon_spectral_params / sizeof aeon_spectral_params[0]);

aeon_err aeon_spectral_opts_from_deck(const aeon_deck *deck, aeon_spectral_opts *opts) {
  static const char *efforts[] = {"estimate", "measure", "patient", "exhaustive", "wisdom-only"};
  memset(opts, 0, sizeof *opts);
  const char *p = aeon_deck_string(deck, "spectral.planner");
  for (int e = 0; e < 5; e++)
    if (strcmp(p, efforts[e]) == 0) opts->effort = (aeon_fft_effort)e;
  opts->wisdom_file = aeon_deck_string(deck, "spectral.wisdom_file");
  opts->mean = strcmp(aeon_deck_string(deck, "spectral.poisson_mean"), "subtract") == 0 ? AEON_SPECTRAL_MEAN_SUBTRACT
                                                                                        : AEON_SPECTRAL_MEAN_REFUSE;
  return AEON_OK;
}
