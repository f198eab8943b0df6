/* libFuzzer target for the deck parser: arbitrary bytes as a deck, checked
 * against the real, full parameter set (aeon_params_all: the simulation's run.*,
 * time.*, output.*, checkpoint.*, faults.*, the mesh, parallel and driver keys and
 * every registered physics module's, with the registries' enum choices) plus a
 * section of list parameters of each kind that no module declares yet (lists of
 * mappings with fields of every type, reals, bounded strings). An input whose
 * first line is "#set KEY=VALUE" also applies that line as a --set override. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/deck.h"
#include "aeon/sim.h"

#define FIXED AEON_RESTART_FIXED
#define CHANGE AEON_RESTART_CHANGEABLE

/* List parameters of every kind (no real module has a list of mappings yet); keys that no module uses. */
static const aeon_param_decl list_decls[] = {
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
#define NLIST ((int)(sizeof list_decls / sizeof list_decls[0]))

/* Keys the parameter set must hold (the sections the old copied table lacked): a missing one is a bug here. */
static const char *const must_have[] = {"checkpoint.every", "checkpoint.keep", "faults.max_retries", "faults.max_abs",
                                        "time.stability", "output.fields", "wave.solution", "boundary.xlo"};

/* The real declarations plus the list section, built once (they never change). */
static aeon_paramset *params(void) {
  static aeon_paramset *ps;
  if (ps) return ps;
  if (aeon_params_all(&ps) != AEON_OK || aeon_paramset_add(ps, "fuzz-lists", list_decls, NLIST) != AEON_OK)
    __builtin_trap(); /* the declarations are valid: this is a bug */
  for (size_t i = 0; i < sizeof must_have / sizeof must_have[0]; i++)
    if (!aeon_paramset_find(ps, must_have[i])) {
      fprintf(stderr, "the parameter set lacks %s\n", must_have[i]);
      __builtin_trap();
    }
  return ps;
}

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
  aeon_paramset *ps = params();
  aeon_deck *deck = NULL;
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
