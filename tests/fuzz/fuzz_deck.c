/* libFuzzer target for the deck parser: arbitrary bytes as a deck, checked
 * against the real modules' declarations plus list parameters of each kind
 * (strings, reals, mappings with fields of every type). An input whose first
 * line is "#set KEY=VALUE" also applies that line as a --set override. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/deck.h"

#define FIXED AEON_RESTART_FIXED
#define CHANGE AEON_RESTART_CHANGEABLE
#define BC(side) {"boundary." side, AEON_PT_ENUM, "periodic", AEON_NORANGE, "periodic|symmetry|radiative", "boundary at " side, FIXED}

/* The declarations of the real modules (the bad-deck corpus is written against them). */
static const aeon_param_decl decls[] = {
    {"physics", AEON_PT_ENUM, NULL, AEON_NORANGE, "wave", "physics module", FIXED},
    {"run.t_final", AEON_PT_REAL, "1.0", 0, 1e300, NULL, "final time", CHANGE},
    {"run.max_steps", AEON_PT_INT, "1000000", 0, 1e15, NULL, "step limit", CHANGE},
    {"grid.n", AEON_PT_INT3, "32", 4, 1000000, NULL, "cells per direction", FIXED},
    {"grid.xmin", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "lower corner", FIXED},
    {"grid.xmax", AEON_PT_REAL3, "1", AEON_NORANGE, NULL, "upper corner", FIXED},
    {"grid.ghost", AEON_PT_INT, "3", 3, 8, NULL, "ghost cells", FIXED},
    BC("xlo"), BC("xhi"), BC("ylo"), BC("yhi"), BC("zlo"), BC("zhi"),
    {"parallel.dims", AEON_PT_INT3, "0", 0, 1000000, NULL, "process grid (0: choose)", CHANGE},
    {"parallel.bind", AEON_PT_BOOL, "true", AEON_NORANGE, NULL, "bind ranks to cores", CHANGE},
    {"time.integrator", AEON_PT_ENUM, "rk4", AEON_NORANGE, "rk4|rk2", "time integrator", CHANGE},
    {"time.cfl", AEON_PT_REAL, "0.25", 1e-06, 1, NULL, "Courant factor", CHANGE},
    {"output.dir", AEON_PT_STRING, "", AEON_NORANGE, NULL, "output directory", CHANGE},
    {"output.fields", AEON_PT_STRLIST, "[]", AEON_NORANGE, NULL, "fields written to snapshots; [] = all", CHANGE},
    {"output.fields_every", AEON_PT_INT, "0", 0, 1e9, NULL, "steps between field dumps", CHANGE},
    {"output.norms_every", AEON_PT_INT, "1", 0, 1e9, NULL, "steps between norms", CHANGE},
    {"output.progress_seconds", AEON_PT_REAL, "5", 0, 1e6, NULL, "seconds between progress lines", CHANGE},
    {"wave.solution", AEON_PT_ENUM, "plane", AEON_NORANGE, "plane|standing|gaussian", "initial data", FIXED},
    {"wave.amplitude", AEON_PT_REAL, "1", AEON_NORANGE, NULL, "amplitude", FIXED},
    {"wave.k", AEON_PT_INT3, "[1,0,0]", -1000, 1000, NULL, "wave numbers", FIXED},
    {"wave.speed", AEON_PT_REAL, "1", 1e-12, 1e12, NULL, "wave speed", FIXED},
    {"wave.dissipation", AEON_PT_REAL, "0", 0, 1, NULL, "Kreiss-Oliger dissipation", CHANGE},
    {"wave.width", AEON_PT_REAL, "0.1", 1e-12, 1e12, NULL, "gaussian width", FIXED},
    {"wave.center", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "gaussian center", FIXED},
    /* lists: a list of mappings with a field of every type, a list of reals, a bounded list of strings */
    {"initial_data.punctures", AEON_PT_LIST, "[]", 0, 4, NULL, "black holes", FIXED},
    {"initial_data.punctures[].mass", AEON_PT_REAL, NULL, 1e-6, 1000, NULL, "bare mass", FIXED},
    {"initial_data.punctures[].position", AEON_PT_REAL3, "0", AEON_NORANGE, NULL, "position", FIXED},
    {"initial_data.punctures[].momentum", AEON_PT_REAL3, "0", -10, 10, NULL, "momentum", FIXED},
    {"initial_data.punctures[].level", AEON_PT_INT, "2", 0, 10, NULL, "refinement level", FIXED},
    {"initial_data.punctures[].tracked", AEON_PT_BOOL, "true", AEON_NORANGE, NULL, "track it", FIXED},
    {"initial_data.punctures[].label", AEON_PT_STRING, "", AEON_NORANGE, NULL, "name in output", FIXED},
    {"initial_data.punctures[].kind", AEON_PT_ENUM, "bh", AEON_NORANGE, "bh|ns", "compact object", FIXED},
    {"initial_data.punctures[].box", AEON_PT_INT3, "8", 1, 64, NULL, "box around it", FIXED},
    {"analysis.radii", AEON_PT_REALLIST, "[10, 20]", 0, 1e6, NULL, "extraction radii", CHANGE},
    {"analysis.observables", AEON_PT_STRLIST, "[psi4]", 1, 3, NULL, "what to extract", CHANGE},
};
#define NDECLS ((int)(sizeof decls / sizeof decls[0]))

/* Splits off a leading "#set ARG\n" line into set (NUL-terminated); returns 1 if there was one. */
static int split_set(const char **data, size_t *size, char *set, size_t cap) {
  const char *nl;
  if (*size < 5 || memcmp(*data, "#set ", 5) != 0 || !(nl = memchr(*data, '\n', *size))) return 0;
  size_t n = (size_t)(nl - *data) - 5;
  if (n >= cap || memchr(*data + 5, '\0', n)) return 0;
  memcpy(set, *data + 5, n);
  set[n] = '\0';
  *size -= (size_t)(nl - *data) + 1;
  *data = nl + 1;
  return 1;
}

/* The effective YAML of d as a malloc'd string. */
static char *effective(const aeon_deck *d, size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  if (!f) __builtin_trap();
  aeon_deck_write_effective(d, f);
  fclose(f);
  return buf;
}

/* An accepted deck's effective YAML must load again and write the same text. */
static void check_round_trip(const aeon_deck *d, const aeon_paramset *ps) {
  size_t na, nb;
  char *a = effective(d, &na), *b;
  aeon_deck *again = NULL;
  if (aeon_deck_load(a, na, "effective.yaml", ps, 0, NULL, &again) != AEON_OK) {
    fprintf(stderr, "effective YAML rejected: %s\n%s", aeon_error_message(), a);
    __builtin_trap();
  }
  b = effective(again, &nb);
  if (na != nb || memcmp(a, b, na) != 0) {
    fprintf(stderr, "effective YAML changed on reload:\n%s---\n%s", a, b);
    __builtin_trap();
  }
  free(a);
  free(b);
  aeon_deck_destroy(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  const char *data = (const char *)bytes;
  char set[256];
  const char *sets[] = {set};
  int nset = split_set(&data, &size, set, sizeof set);
  static aeon_paramset *ps; /* built once: the declarations never change */
  aeon_deck *deck = NULL;
  if (!ps && (aeon_paramset_create(&ps) != AEON_OK || aeon_paramset_add(ps, "fuzz", decls, NDECLS) != AEON_OK))
    __builtin_trap(); /* the declarations are valid: this is a bug */
  aeon_error_clear();
  if (aeon_deck_load(data, size, "fuzz.yaml", ps, nset, sets, &deck) == AEON_OK) {
    check_round_trip(deck, ps);
    aeon_deck_destroy(deck);
  } else if (deck != NULL || aeon_error_code() != AEON_ERR_USER || !aeon_error_message()[0]) {
    fprintf(stderr, "bad failure: code %d, message '%s'\n", (int)aeon_error_code(), aeon_error_message());
    __builtin_trap(); /* a rejected deck is a user error with a message, and leaves no deck */
  }
  aeon_error_clear();
  return 0;
}
