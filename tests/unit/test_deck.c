/* Unit tests of the deck module: parameter sets, deck values, --set overrides,
 * every kind of user error (exact messages), the bad-deck corpus, the
 * effective-parameter YAML round trip, and list values (lists of strings, of
 * reals, of mappings) declared by a test-only module. */
#include <check.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aeon/deck.h"
#include "aeon/memory.h"
#include "testutil.h"

#ifndef AEON_SOURCE_DIR
#error "AEON_SOURCE_DIR must name the source tree"
#endif

#define FIXED AEON_RESTART_FIXED
#define CHANGE AEON_RESTART_CHANGEABLE
#define BC(side) {"boundary." side, AEON_PT_ENUM, "periodic", AEON_NORANGE, "periodic|symmetry|radiative", "boundary at " side, FIXED}

/* The declarations of the real modules (the bad-deck corpus is written against them). */
static const aeon_param_decl decls[] = {
    {"physics", AEON_PT_ENUM, NULL, AEON_NORANGE, "wave", "physics module", FIXED},
    {"run.t_final", AEON_PT_REAL, "1.0", 0, 1e300, NULL, "final time", CHANGE},
    {"run.max_steps", AEON_PT_INT, "1000000", 0, 1e15, NULL, "step limit", CHANGE},
    {"grid.n", AEON_PT_INT3, "32", 1, 1000000, NULL, "cells per direction", FIXED},
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
};
#define NDECLS ((int)(sizeof decls / sizeof decls[0]))

/* A test-only module with lists: of mappings with a field of every type, of mappings with a
 * non-empty default and a bounded length, of reals, and of strings with a bounded length. */
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
    {"analysis.spheres", AEON_PT_LIST, "[{radius: 5}]", 1, 8, NULL, "spheres", CHANGE},
    {"analysis.spheres[].radius", AEON_PT_REAL, NULL, 0, 1e6, NULL, "sphere radius", CHANGE},
    {"analysis.spheres[].points", AEON_PT_INT, "32", 4, 4096, NULL, "points per great circle", CHANGE},
};
#define NLISTDECLS ((int)(sizeof list_decls / sizeof list_decls[0]))
#define NLISTPARAMS 4 /* list_decls without its field rows */

static aeon_paramset *ps;

static void setup(void) {
  ck_aeon(aeon_paramset_create(&ps));
  ck_aeon(aeon_paramset_add(ps, "test", decls, NDECLS));
}

static void teardown(void) {
  aeon_paramset_destroy(ps);
  ps = NULL;
}

static aeon_err load(const char *yaml, int nset, const char *const *sets, aeon_deck **d) {
  aeon_error_clear();
  return aeon_deck_load(yaml, yaml ? strlen(yaml) : 0, "t.yaml", ps, nset, sets, d);
}

static aeon_deck *load_ok(const char *yaml, int nset, const char *const *sets) {
  aeon_deck *d = NULL;
  ck_aeon(load(yaml, nset, sets, &d));
  ck_assert_ptr_nonnull(d);
  return d;
}

static void expect_error(const char *yaml, const char *set, const char *expect) {
  aeon_deck *d = (aeon_deck *)1;
  aeon_err e = load(yaml, set ? 1 : 0, &set, &d);
  ck_assert_msg(e == AEON_ERR_USER, "deck <<%s>> set %s: got code %d (%s), wanted a user error", yaml,
                set ? set : "-", (int)e, aeon_error_message());
  ck_assert_ptr_null(d);
  ck_assert_msg(strstr(aeon_error_message(), expect) != NULL, "message \"%s\" lacks \"%s\"",
                aeon_error_message(), expect);
}

/* ---- parameter sets ---- */

START_TEST(paramset_basics) {
  const char *mod = NULL;
  ck_assert_int_eq(aeon_paramset_count(ps), NDECLS);
  ck_assert_str_eq(aeon_paramset_get(ps, 0, &mod)->key, "boundary.xhi");
  ck_assert_str_eq(mod, "test");
  ck_assert_str_eq(aeon_paramset_get(ps, NDECLS - 1, NULL)->key, "wave.width");
  for (int i = 1; i < NDECLS; i++)
    ck_assert_int_lt(strcmp(aeon_paramset_get(ps, i - 1, NULL)->key, aeon_paramset_get(ps, i, NULL)->key), 0);
  ck_assert_ptr_null(aeon_paramset_get(ps, NDECLS, NULL));
  ck_assert_int_eq(aeon_paramset_find(ps, "grid.n")->type, AEON_PT_INT3);
  ck_assert_ptr_null(aeon_paramset_find(ps, "grid"));
  ck_assert_ptr_null(aeon_paramset_find(ps, "grid.nn"));
}
END_TEST

START_TEST(paramset_rejects_bad_declarations) {
  static const aeon_param_decl bad[] = {
      {"grid.n", AEON_PT_INT, "1", AEON_NORANGE, NULL, "twice", CHANGE},
      {"a.b.c", AEON_PT_INT, "1", AEON_NORANGE, NULL, "too deep", CHANGE},
      {"x.", AEON_PT_INT, "1", AEON_NORANGE, NULL, "empty name", CHANGE},
      {"x.y", AEON_PT_INT, "abc", AEON_NORANGE, NULL, "bad default", CHANGE},
      {"x.z", AEON_PT_INT, "12", 0, 10, NULL, "default out of range", CHANGE},
      {"x.e", AEON_PT_ENUM, "a", AEON_NORANGE, NULL, "enum without choices", CHANGE},
      {"x.f", AEON_PT_ENUM, "c", AEON_NORANGE, "a|b", "default not a choice", CHANGE},
      {"grid", AEON_PT_INT, "1", AEON_NORANGE, NULL, "name of a section", CHANGE},
      {"physics.x", AEON_PT_INT, "1", AEON_NORANGE, NULL, "section named like a parameter", CHANGE},
  };
  for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
    aeon_error_clear();
    ck_assert_msg(aeon_paramset_add(ps, "bad", &bad[i], 1) == AEON_ERR_INTERNAL, "%s accepted", bad[i].key);
  }
  ck_assert_int_eq(aeon_paramset_count(ps), NDECLS);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "physics.x"));
}
END_TEST

START_TEST(paramset_set_choices) {
  ck_aeon(aeon_paramset_set_choices(ps, "physics", "wave|maxwell"));
  ck_assert_str_eq(aeon_paramset_find(ps, "physics")->choices, "wave|maxwell");
  aeon_deck *d = load_ok("physics: maxwell\n", 0, NULL);
  ck_assert_str_eq(aeon_deck_string(d, "physics"), "maxwell");
  aeon_deck_destroy(d);
  expect_error("grid: {n: 8}\n", NULL, "t.yaml: missing required key 'physics' (expected one of wave|maxwell)");
  ck_assert_int_eq(aeon_paramset_set_choices(ps, "grid.n", "a|b"), AEON_ERR_INTERNAL);
  ck_assert_int_eq(aeon_paramset_set_choices(ps, "nope", "a|b"), AEON_ERR_INTERNAL);
  /* New choices that exclude the declared default are a bug of the caller. */
  ck_assert_int_eq(aeon_paramset_set_choices(ps, "time.integrator", "euler"), AEON_ERR_INTERNAL);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "time.integrator: expected one of euler, got 'rk4'"));
  ck_assert_str_eq(aeon_paramset_find(ps, "time.integrator")->choices, "rk4|rk2");
  ck_aeon(aeon_paramset_set_choices(ps, "time.integrator", "euler|rk4"));
  d = load_ok("physics: wave\n", 0, NULL);
  ck_assert_str_eq(aeon_deck_string(d, "time.integrator"), "rk4");
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(paramset_print_tables) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  aeon_paramset_print(ps, f, 0);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(buf, "key"));
  ck_assert_ptr_nonnull(strstr(buf, "range/choices"));
  ck_assert_ptr_nonnull(strstr(buf, "restart"));
  ck_assert_ptr_nonnull(strstr(buf, "(required)"));
  ck_assert_ptr_nonnull(strstr(buf, "[1, 1e+06]"));
  ck_assert_ptr_nonnull(strstr(buf, "periodic|symmetry|radiative"));
  ck_assert_ptr_nonnull(strstr(buf, "changeable"));
  ck_assert(strstr(buf, "boundary.xhi") < strstr(buf, "wave.width"));
  /* aligned: every row puts its type column at the same offset as the header's */
  char *second = strchr(buf, '\n') + 1;
  ck_assert_int_eq((int)(strstr(buf, "type") - buf), (int)(strstr(second, "enum") - second));
  free(buf);
  f = open_memstream(&buf, &len);
  aeon_paramset_print(ps, f, 1);
  fclose(f);
  ck_assert_ptr_eq(strstr(buf, "| key | type | default | range/choices | restart | doc |\n| --- |"), buf);
  ck_assert_ptr_nonnull(strstr(buf, "| `grid.n` | int3 | `32` | [1, 1e+06] | fixed | cells per direction |"));
  ck_assert_ptr_nonnull(strstr(buf, "periodic\\|symmetry\\|radiative"));
  ck_assert_ptr_nonnull(strstr(buf, "| `physics` | enum | (required) |"));
  free(buf);
}
END_TEST

/* ---- good decks ---- */

static const char *good_deck =
    "# a full deck\n"
    "physics: wave\n"
    "run:\n"
    "  t_final: 2.5\n"
    "  max_steps: 500\n"
    "grid:\n"
    "  n: [16, 24, 32]\n"
    "  xmin: [-1, -2.5, 0]\n"
    "  xmax: 2\n"
    "  ghost: 4\n"
    "boundary: {xlo: symmetry, xhi: radiative}\n"
    "parallel:\n"
    "  dims: [2, 1, 1]\n"
    "  bind: off\n"
    "time:\n"
    "  integrator: rk2\n"
    "  cfl: 1e-3\n"
    "output:\n"
    "  dir: \"out/run 1\"\n"
    "  fields_every: 10\n"
    "wave:\n"
    "  solution: gaussian\n"
    "  k:\n"
    "    - -3\n"
    "    - 0\n"
    "    - +7\n";

START_TEST(good_values) {
  aeon_deck *d = load_ok(good_deck, 0, NULL);
  long n[3], k[3], dims[3];
  double lo[3], hi[3];
  ck_assert_str_eq(aeon_deck_string(d, "physics"), "wave");
  ck_assert_double_eq(aeon_deck_real(d, "run.t_final"), 2.5);
  ck_assert_int_eq(aeon_deck_int(d, "run.max_steps"), 500);
  aeon_deck_int3(d, "grid.n", n);
  ck_assert(n[0] == 16 && n[1] == 24 && n[2] == 32);
  aeon_deck_real3(d, "grid.xmin", lo);
  ck_assert(lo[0] == -1 && lo[1] == -2.5 && lo[2] == 0);
  aeon_deck_real3(d, "grid.xmax", hi);
  ck_assert(hi[0] == 2 && hi[1] == 2 && hi[2] == 2);
  ck_assert_int_eq(aeon_deck_int(d, "grid.ghost"), 4);
  ck_assert_str_eq(aeon_deck_string(d, "boundary.xlo"), "symmetry");
  ck_assert_str_eq(aeon_deck_string(d, "boundary.xhi"), "radiative");
  ck_assert_str_eq(aeon_deck_string(d, "boundary.ylo"), "periodic");
  aeon_deck_int3(d, "parallel.dims", dims);
  ck_assert(dims[0] == 2 && dims[1] == 1 && dims[2] == 1);
  ck_assert_int_eq(aeon_deck_bool(d, "parallel.bind"), 0);
  ck_assert_str_eq(aeon_deck_string(d, "time.integrator"), "rk2");
  ck_assert_double_eq(aeon_deck_real(d, "time.cfl"), 1e-3);
  ck_assert_str_eq(aeon_deck_string(d, "output.dir"), "out/run 1");
  ck_assert_int_eq(aeon_deck_int(d, "output.fields_every"), 10);
  ck_assert_str_eq(aeon_deck_string(d, "wave.solution"), "gaussian");
  aeon_deck_int3(d, "wave.k", k);
  ck_assert(k[0] == -3 && k[1] == 0 && k[2] == 7);
  ck_assert_str_eq(aeon_deck_text(d), good_deck);
  ck_assert_str_eq(aeon_deck_filename(d), "t.yaml");
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(defaults_and_is_set) {
  aeon_deck *d = load_ok("physics: wave\ngrid:\n  ghost: 5\n", 0, NULL);
  long n[3], k[3];
  double c[3];
  ck_assert_int_eq(aeon_deck_is_set(d, "physics"), 1);
  ck_assert_int_eq(aeon_deck_is_set(d, "grid.ghost"), 1);
  ck_assert_int_eq(aeon_deck_is_set(d, "grid.n"), 0);
  ck_assert_int_eq(aeon_deck_is_set(d, "output.dir"), 0);
  aeon_deck_int3(d, "grid.n", n);
  ck_assert(n[0] == 32 && n[1] == 32 && n[2] == 32);
  aeon_deck_int3(d, "wave.k", k);
  ck_assert(k[0] == 1 && k[1] == 0 && k[2] == 0);
  aeon_deck_real3(d, "wave.center", c);
  ck_assert(c[0] == 0 && c[1] == 0 && c[2] == 0);
  ck_assert_double_eq(aeon_deck_real(d, "run.t_final"), 1.0);
  ck_assert_int_eq(aeon_deck_int(d, "run.max_steps"), 1000000);
  ck_assert_int_eq(aeon_deck_bool(d, "parallel.bind"), 1);
  ck_assert_str_eq(aeon_deck_string(d, "output.dir"), "");
  ck_assert_str_eq(aeon_deck_string(d, "time.integrator"), "rk4");
  ck_assert_double_eq(aeon_deck_real(d, "time.cfl"), 0.25);
  ck_assert_double_eq(aeon_deck_real(d, "wave.width"), 0.1);
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(int3_scalar_broadcast) {
  aeon_deck *d = load_ok("physics: wave\ngrid:\n  n: 48\nwave:\n  center: -0.5\n", 0, NULL);
  long n[3];
  double c[3];
  aeon_deck_int3(d, "grid.n", n);
  ck_assert(n[0] == 48 && n[1] == 48 && n[2] == 48);
  aeon_deck_real3(d, "wave.center", c);
  ck_assert(c[0] == -0.5 && c[1] == -0.5 && c[2] == -0.5);
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(bool_spellings) {
  static const char *const yes[] = {"true", "True", "YES", "on", "On"}, *const no[] = {"false", "FALSE", "no", "No", "off"};
  char yaml[64];
  for (int i = 0; i < 5; i++) {
    snprintf(yaml, sizeof yaml, "physics: wave\nparallel: {bind: %s}\n", yes[i]);
    aeon_deck *d = load_ok(yaml, 0, NULL);
    ck_assert_int_eq(aeon_deck_bool(d, "parallel.bind"), 1);
    aeon_deck_destroy(d);
    snprintf(yaml, sizeof yaml, "physics: wave\nparallel: {bind: %s}\n", no[i]);
    d = load_ok(yaml, 0, NULL);
    ck_assert_int_eq(aeon_deck_bool(d, "parallel.bind"), 0);
    aeon_deck_destroy(d);
  }
}
END_TEST

START_TEST(flat_keys_empty_sections_and_documents) {
  /* "section.key" at top level is the same parameter; an empty section and a "---" are fine. */
  aeon_deck *d = load_ok("---\nphysics: wave\ngrid.ghost: 6\ntime:\noutput: ~\n", 0, NULL);
  ck_assert_int_eq(aeon_deck_int(d, "grid.ghost"), 6);
  ck_assert_int_eq(aeon_deck_is_set(d, "grid.ghost"), 1);
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(set_overrides) {
  const char *sets[] = {"grid.n=[8,16,32]", "time.cfl=0.5", "output.dir=out/a:b", "parallel.bind=no",
                        "wave.k=2", "grid.ghost=5", "grid.ghost=7"};
  aeon_deck *d = load_ok("physics: wave\ngrid:\n  n: 64\n  ghost: 4\n", 7, sets);
  long n[3], k[3];
  aeon_deck_int3(d, "grid.n", n);
  ck_assert(n[0] == 8 && n[1] == 16 && n[2] == 32);
  aeon_deck_int3(d, "wave.k", k);
  ck_assert(k[0] == 2 && k[1] == 2 && k[2] == 2);
  ck_assert_double_eq(aeon_deck_real(d, "time.cfl"), 0.5);
  ck_assert_str_eq(aeon_deck_string(d, "output.dir"), "out/a:b");
  ck_assert_int_eq(aeon_deck_bool(d, "parallel.bind"), 0);
  ck_assert_int_eq(aeon_deck_int(d, "grid.ghost"), 7); /* the last --set wins */
  ck_assert_int_eq(aeon_deck_is_set(d, "time.cfl"), 1);
  ck_assert_int_eq(aeon_deck_is_set(d, "wave.speed"), 0);
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(set_supplies_required_and_empty_values) {
  const char *sets[] = {"physics=wave", "output.dir="};
  aeon_deck *d = load_ok("", 2, sets);
  ck_assert_str_eq(aeon_deck_string(d, "physics"), "wave");
  ck_assert_str_eq(aeon_deck_string(d, "output.dir"), "");
  ck_assert_int_eq(aeon_deck_is_set(d, "output.dir"), 1);
  aeon_deck_destroy(d);
  aeon_deck *d2 = NULL;
  ck_aeon(aeon_deck_load(NULL, 0, "none.yaml", ps, 1, sets, &d2));
  ck_assert_str_eq(aeon_deck_text(d2), "");
  aeon_deck_destroy(d2);
}
END_TEST

/* ---- errors: one row per kind, with the exact message ---- */

typedef struct bad_case {
  const char *yaml, *set, *expect;
} bad_case;

static const bad_case bad_cases[] = {
    {"physics: wave\ngrid:\n  nn: 3\n", NULL, "t.yaml:3:3: unknown key 'grid.nn' (did you mean 'grid.n'?)"},
    {"physics: wave\ngird:\n  n: 3\n", NULL, "t.yaml:2:1: unknown section 'gird' (did you mean 'grid'?)"},
    {"phsyics: wave\n", NULL, "t.yaml:1:1: unknown key 'phsyics' (did you mean 'physics'?)"},
    {"gird.n: 4\n", NULL, "t.yaml:1:1: unknown key 'gird.n' (did you mean 'grid.n'?)"},
    {"grid.n.x: 4\n", NULL, "unknown key 'grid.n.x' (did you mean 'grid.n'?)"},
    {"physics: wave\ngrid: {sub: {n: 3}}\n", NULL, "t.yaml:2:8: unknown key 'grid.sub'"},
    {"physics: wave\ngrid:\n  ghost: abc\n", NULL, "t.yaml:3:10: grid.ghost: expected an integer, got 'abc'"},
    {"run: {max_steps: 1.5}\n", NULL, "t.yaml:1:18: run.max_steps: expected an integer, got '1.5'"},
    {"run: {max_steps: 1e6}\n", NULL, "run.max_steps: expected an integer, got '1e6'"},
    {"run: {max_steps: 99999999999999999999}\n", NULL,
     "run.max_steps: expected an integer, got '99999999999999999999' (too large)"},
    {"run: {max_steps: ''}\n", NULL, "run.max_steps: expected an integer, got ''"},
    {"time: {cfl: fast}\n", NULL, "t.yaml:1:13: time.cfl: expected a real number, got 'fast'"},
    {"wave: {amplitude: nan}\n", NULL, "wave.amplitude: expected a real number, got 'nan'"},
    {"wave: {amplitude: -inf}\n", NULL, "wave.amplitude: expected a real number, got '-inf'"},
    {"wave: {amplitude: .nan}\n", NULL, "wave.amplitude: expected a real number, got '.nan'"},
    {"wave: {amplitude: 1e999}\n", NULL, "wave.amplitude: expected a real number, got '1e999'"},
    {"wave: {amplitude: '1.0 '}\n", NULL, "wave.amplitude: expected a real number, got '1.0 '"},
    {"parallel: {bind: maybe}\n", NULL, "t.yaml:1:18: parallel.bind: expected true or false, got 'maybe'"},
    {"grid: {n: [8, 8]}\n", NULL, "t.yaml:1:11: grid.n: expected a list of 3 integers, got 2 items"},
    {"grid: {n: [8, 8, 8, 8]}\n", NULL, "grid.n: expected a list of 3 integers, got 4 items"},
    {"grid: {n: []}\n", NULL, "grid.n: expected a list of 3 integers, got 0 items"},
    {"grid: {n: abc}\n", NULL, "grid.n: expected a list of 3 integers, got 'abc'"},
    {"grid: {xmax: [1, two, 3]}\n", NULL, "t.yaml:1:18: grid.xmax: expected a list of 3 real numbers, got 'two'"},
    {"grid: {n: [[8], 8, 8]}\n", NULL, "grid.n: expected a list of 3 integers, got a sequence as item 1"},
    {"grid: {n: {x: 8}}\n", NULL, "grid.n: expected a list of 3 integers, got a mapping"},
    {"time: {cfl: {a: 1}}\n", NULL, "t.yaml:1:13: time.cfl: expected a scalar, got a mapping"},
    {"time: {cfl: [1, 2]}\n", NULL, "t.yaml:1:13: time.cfl: expected a scalar, got a sequence"},
    {"physics: [wave]\n", NULL, "t.yaml:1:10: physics: expected a scalar, got a sequence"},
    {"grid: 5\n", NULL, "t.yaml:1:7: expected a mapping (section 'grid'), got a scalar"},
    {"grid: [1, 2, 3]\n", NULL, "t.yaml:1:7: expected a mapping (section 'grid'), got a sequence"},
    {"time: {cfl: 2.5}\n", NULL, "t.yaml:1:13: time.cfl: value 2.5 is out of range [1e-06, 1]"},
    {"time: {cfl: 0}\n", NULL, "time.cfl: value 0 is out of range [1e-06, 1]"},
    {"grid: {ghost: 2}\n", NULL, "grid.ghost: value 2 is out of range [3, 8]"},
    {"grid: {n: [16, 0, 16]}\n", NULL, "t.yaml:1:16: grid.n: value 0 is out of range [1, 1e+06]"},
    {"wave: {k: [0, -1001, 0]}\n", NULL, "wave.k: value -1001 is out of range [-1000, 1000]"},
    {"boundary: {xlo: open}\n", NULL,
     "t.yaml:1:17: boundary.xlo: expected one of periodic|symmetry|radiative, got 'open'"},
    {"physics: maxwell\n", NULL, "t.yaml:1:10: physics: expected one of wave, got 'maxwell'"},
    {"physics: wave\ngrid:\n  n: 8\n  n: 16\n", NULL, "t.yaml:4:3: duplicate key 'grid.n' (first given at line 3)"},
    {"physics: wave\nphysics: wave\n", NULL, "t.yaml:2:1: duplicate key 'physics' (first given at line 1)"},
    {"grid: {n: 8}\ngrid: {ghost: 4}\n", NULL, "t.yaml:2:1: duplicate key 'grid' (first given at line 1)"},
    {"grid.n: 8\ngrid: {n: 9}\n", NULL, "t.yaml:2:8: duplicate key 'grid.n' (first given at line 1)"},
    {"grid: {n: 8}\n", NULL, "t.yaml: missing required key 'physics' (expected one of wave)"},
    {"", NULL, "t.yaml: missing required key 'physics' (expected one of wave)"},
    {"# only a comment\n", NULL, "t.yaml: missing required key 'physics'"},
    {"physics: wave\ngrid:\n\tn: 8\n", NULL, "t.yaml:3:1: YAML syntax error: found character that cannot start any token"},
    {"physics: wave\noutput:\n  dir: \"abc\n", NULL,
     "YAML syntax error: found unexpected end of stream while scanning a quoted scalar (started at line 3)"},
    {"physics: wave\n grid: 4\n", NULL, "t.yaml:2:6: YAML syntax error: mapping values are not allowed in this context"},
    {"physics: \xff\n", NULL, "t.yaml: YAML syntax error: invalid leading UTF-8 octet at byte 9"},
    {"- physics: wave\n", NULL, "t.yaml:1:1: a deck must be a mapping of keys to values, got a sequence"},
    {"wave\n", NULL, "t.yaml:1:1: a deck must be a mapping of keys to values, got a scalar"},
    {"[a]: 1\n", NULL, "t.yaml:1:1: expected a key name, got a sequence"},
    {"physics: wave\ngrid: &g {n: 8}\n", NULL, "t.yaml:2:7: YAML anchors and aliases are not supported (found '&g')"},
    {"physics: wave\ngrid:\n  xmin: *lo\n", NULL, "t.yaml:3:9: YAML anchors and aliases are not supported (found '*lo')"},
    {"physics: wave\n---\nphysics: wave\n", NULL, "t.yaml:2:1: multiple YAML documents are not supported"},
    {"physics: wave\n", "grid.ghost=abc", "--set 'grid.ghost=abc': grid.ghost: expected an integer, got 'abc'"},
    {"physics: wave\n", "grid.nn=3", "--set 'grid.nn=3': unknown key 'grid.nn' (did you mean 'grid.n'?)"},
    {"physics: wave\n", "phsyics=wave", "--set 'phsyics=wave': unknown key 'phsyics' (did you mean 'physics'?)"},
    {"physics: wave\n", "grid.n", "--set 'grid.n': expected KEY=VALUE"},
    {"physics: wave\n", "time.cfl=2.5", "--set 'time.cfl=2.5': time.cfl: value 2.5 is out of range [1e-06, 1]"},
    {"physics: wave\n", "time.cfl={a: 1}", "--set 'time.cfl={a: 1}': time.cfl: expected a scalar, got a mapping"},
    {"physics: wave\n", "grid.n=[1,2]", "--set 'grid.n=[1,2]': grid.n: expected a list of 3 integers, got 2 items"},
    {"physics: wave\n", "output.dir=\"abc", "--set 'output.dir=\"abc': YAML syntax error: found unexpected end of stream"},
    {"physics: wave\n", "output.dir=&a x", "--set 'output.dir=&a x': YAML anchors and aliases are not supported"},
    {"physics: wave\n", "boundary.zhi=open", "--set 'boundary.zhi=open': boundary.zhi: expected one of periodic|symmetry|radiative, got 'open'"},
    {"", "grid.n=8", "t.yaml: missing required key 'physics' (expected one of wave)"},
};

START_TEST(user_errors) {
  const bad_case *b = &bad_cases[_i];
  expect_error(b->yaml, b->set, b->expect);
}
END_TEST

START_TEST(file_errors_stop_before_sets) {
  /* The file is checked first: its error is reported, not the --set one. */
  expect_error("grid: {ghost: 1}\n", "grid.ghost=abc", "t.yaml:1:15: grid.ghost: value 1 is out of range [3, 8]");
}
END_TEST

/* ---- did you mean ---- */

static const char *const suggestions[][2] = {
    {"physics: wave\ngrid: {ghots: 3}\n", "unknown key 'grid.ghots' (did you mean 'grid.ghost'?)"},
    {"physics: wave\ntime: {integrater: rk2}\n", "(did you mean 'time.integrator'?)"},
    {"physics: wave\nboundary: {xl0: periodic}\n", "(did you mean 'boundary.xlo'?)"},
    {"physics: wave\nwave: {amplitdue: 2}\n", "(did you mean 'wave.amplitude'?)"},
    {"physics: wave\noutput: {norm_every: 2}\n", "(did you mean 'output.norms_every'?)"},
    {"physics: wave\ntiem: {cfl: 0.5}\n", "unknown section 'tiem' (did you mean 'time'?)"},
    {"physics: wave\noutptu: {dir: x}\n", "unknown section 'outptu' (did you mean 'output'?)"},
    {"physics: wave\nparalel: {bind: no}\n", "unknown section 'paralel' (did you mean 'parallel'?)"},
    {"physic: wave\n", "unknown key 'physic' (did you mean 'physics'?)"},
};

START_TEST(did_you_mean) {
  expect_error(suggestions[_i][0], NULL, suggestions[_i][1]);
}
END_TEST

/* ---- getters are for correct callers only ---- */

static void misuse_int3_as_int(aeon_deck *d) { (void)aeon_deck_int(d, "grid.n"); }
static void misuse_undeclared(aeon_deck *d) { (void)aeon_deck_real(d, "time.cfll"); }
static void misuse_string(aeon_deck *d) { (void)aeon_deck_string(d, "grid.ghost"); }
static void misuse_is_set(aeon_deck *d) { (void)aeon_deck_is_set(d, "nope"); }

/* Runs f in a child process and checks that it dies of SIGABRT. */
static void assert_aborts(void (*f)(aeon_deck *), aeon_deck *d) {
  fflush(NULL);
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stderr)) _exit(3);
    f(d);
    _exit(0);
  }
  int status = 0;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "getter misuse did not abort");
}

START_TEST(getters_abort_on_misuse) {
  aeon_deck *d = load_ok("physics: wave\n", 0, NULL);
  assert_aborts(misuse_int3_as_int, d);
  assert_aborts(misuse_undeclared, d);
  assert_aborts(misuse_string, d);
  assert_aborts(misuse_is_set, d);
  aeon_deck_destroy(d);
}
END_TEST

/* ---- effective YAML ---- */

static char *effective(const aeon_deck *d) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  aeon_deck_write_effective(d, f);
  fclose(f);
  return buf;
}

/* Checks that field `field` (declared type t) of item i of list key is the same in a and b. */
static void assert_same_field(const aeon_deck *a, const aeon_deck *b, const char *key, int i, const char *field,
                              aeon_ptype t) {
  long la[3], lb[3];
  double ra[3], rb[3];
  switch (t) {
  case AEON_PT_INT: ck_assert_int_eq(aeon_deck_list_int(a, key, i, field), aeon_deck_list_int(b, key, i, field)); break;
  case AEON_PT_REAL: ck_assert(aeon_deck_list_real(a, key, i, field) == aeon_deck_list_real(b, key, i, field)); break;
  case AEON_PT_BOOL:
    ck_assert_int_eq(aeon_deck_list_bool(a, key, i, field), aeon_deck_list_bool(b, key, i, field));
    break;
  case AEON_PT_STRING:
  case AEON_PT_ENUM:
    ck_assert_str_eq(aeon_deck_list_string(a, key, i, field), aeon_deck_list_string(b, key, i, field));
    break;
  case AEON_PT_INT3:
    aeon_deck_list_int3(a, key, i, field, la);
    aeon_deck_list_int3(b, key, i, field, lb);
    ck_assert(!memcmp(la, lb, sizeof la));
    break;
  case AEON_PT_REAL3:
    aeon_deck_list_real3(a, key, i, field, ra);
    aeon_deck_list_real3(b, key, i, field, rb);
    ck_assert(ra[0] == rb[0] && ra[1] == rb[1] && ra[2] == rb[2]);
    break;
  default: ck_abort_msg("field %s of %s has a list type", field, key);
  }
}

/* Checks that list-of-mappings key has the same items in a and b, field by field (fields from list_decls). */
static void assert_same_list(const aeon_deck *a, const aeon_deck *b, const char *key) {
  int n = aeon_deck_list_len(a, key);
  size_t len = strlen(key);
  ck_assert_int_eq(n, aeon_deck_list_len(b, key));
  for (int f = 0; f < NLISTDECLS; f++) {
    const char *k = list_decls[f].key;
    if (strncmp(k, key, len) != 0 || strncmp(k + len, "[].", 3) != 0) continue;
    for (int i = 0; i < n; i++) assert_same_field(a, b, key, i, k + len + 3, list_decls[f].type);
  }
}

/* Checks that every parameter has the same value in a and b. */
static void assert_same_values(const aeon_deck *a, const aeon_deck *b) {
  for (int i = 0; i < aeon_paramset_count(ps); i++) {
    const aeon_param_decl *dl = aeon_paramset_get(ps, i, NULL);
    long la[3], lb[3];
    double ra[3], rb[3];
    switch (dl->type) {
    case AEON_PT_INT: ck_assert_int_eq(aeon_deck_int(a, dl->key), aeon_deck_int(b, dl->key)); break;
    case AEON_PT_REAL: ck_assert(aeon_deck_real(a, dl->key) == aeon_deck_real(b, dl->key)); break;
    case AEON_PT_BOOL: ck_assert_int_eq(aeon_deck_bool(a, dl->key), aeon_deck_bool(b, dl->key)); break;
    case AEON_PT_STRING:
    case AEON_PT_ENUM: ck_assert_str_eq(aeon_deck_string(a, dl->key), aeon_deck_string(b, dl->key)); break;
    case AEON_PT_INT3:
      aeon_deck_int3(a, dl->key, la);
      aeon_deck_int3(b, dl->key, lb);
      ck_assert(!memcmp(la, lb, sizeof la));
      break;
    case AEON_PT_REAL3:
      aeon_deck_real3(a, dl->key, ra);
      aeon_deck_real3(b, dl->key, rb);
      ck_assert(ra[0] == rb[0] && ra[1] == rb[1] && ra[2] == rb[2]);
      break;
    case AEON_PT_STRLIST:
      ck_assert_int_eq(aeon_deck_strlist_len(a, dl->key), aeon_deck_strlist_len(b, dl->key));
      for (int k = 0; k < aeon_deck_strlist_len(a, dl->key); k++)
        ck_assert_str_eq(aeon_deck_strlist(a, dl->key, k), aeon_deck_strlist(b, dl->key, k));
      break;
    case AEON_PT_REALLIST:
      ck_assert_int_eq(aeon_deck_reallist_len(a, dl->key), aeon_deck_reallist_len(b, dl->key));
      for (int k = 0; k < aeon_deck_reallist_len(a, dl->key); k++)
        ck_assert(aeon_deck_reallist(a, dl->key, k) == aeon_deck_reallist(b, dl->key, k));
      break;
    case AEON_PT_LIST: assert_same_list(a, b, dl->key); break;
    }
    ck_assert_msg(aeon_deck_same_value(a, b, dl->key), "aeon_deck_same_value says %s differs", dl->key);
  }
}

/* Writes a's effective YAML, reloads it, and checks the values and the text are unchanged. */
static void round_trip(const aeon_deck *a, const char *expect) {
  char *text = effective(a);
  ck_assert_msg(strstr(text, expect) != NULL, "effective YAML lacks \"%s\":\n%s", expect, text);
  aeon_deck *b = NULL;
  ck_aeon(aeon_deck_load(text, strlen(text), "effective.yaml", ps, 0, NULL, &b));
  assert_same_values(a, b);
  for (int i = 0; i < aeon_paramset_count(ps); i++)
    ck_assert_int_eq(aeon_deck_is_set(b, aeon_paramset_get(ps, i, NULL)->key), 1);
  char *again = effective(b);
  ck_assert_str_eq(text, again);
  free(again);
  free(text);
  aeon_deck_destroy(b);
}

START_TEST(write_effective_round_trip) {
  const char *sets[] = {"run.t_final=0.1", "wave.center=[0.1, -2.5e-7, 1e300]", "wave.solution=two words",
                        "output.dir=\"a \\\"quoted\\\" \\\\ dir\\nwith: newline\\t# and tab\"",
                        "output.dir=\"r\xc3\xa9sultats \\x85\\u2028\\ufeff\\x01\\x7f\""};
  ck_aeon(aeon_paramset_set_choices(ps, "wave.solution", "plane|gaussian|two words"));
  aeon_deck *a = load_ok(good_deck, 4, sets);
  ck_assert_str_eq(aeon_deck_string(a, "output.dir"), "a \"quoted\" \\ dir\nwith: newline\t# and tab");
  round_trip(a, "grid:\n  ghost: 4\n  n: [16, 24, 32]\n");
  round_trip(a, "\nphysics: wave\n");
  round_trip(a, "  t_final: 0.1\n");
  round_trip(a, "  center: [0.1, -2.5e-07, 1e+300]\n");
  round_trip(a, "  solution: \"two words\"\n");
  aeon_deck_destroy(a);
  a = load_ok(good_deck, 5, sets); /* a string with characters YAML must see escaped */
  ck_assert_str_eq(aeon_deck_string(a, "output.dir"), "r\xc3\xa9sultats \xc2\x85\xe2\x80\xa8\xef\xbb\xbf\x01\x7f");
  round_trip(a, "  dir: \"r\xc3\xa9sultats \\u0085\\u2028\\ufeff\\u0001\\u007f\"\n");
  aeon_deck_destroy(a);
}
END_TEST

/* ---- files ---- */

START_TEST(read_file) {
  char path[] = "/tmp/aeon_test_deckXXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, good_deck, strlen(good_deck)), (int)strlen(good_deck));
  close(fd);
  char *text = NULL;
  size_t len = 0;
  ck_aeon(aeon_deck_read_file(path, &text, &len));
  ck_assert_uint_eq(len, strlen(good_deck));
  ck_assert_str_eq(text, good_deck);
  free(text);
  unlink(path);
  ck_assert_int_eq(aeon_deck_read_file(path, &text, &len), AEON_ERR_USER);
  ck_assert_ptr_null(text);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "cannot read deck '/tmp/aeon_test_deck"));
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "': No such file or directory"));
  ck_assert_int_eq(aeon_deck_read_file("/tmp", &text, &len), AEON_ERR_USER);
  ck_assert_str_eq(aeon_error_message(), "cannot read deck '/tmp': Is a directory");
  ck_assert_int_eq(aeon_deck_read_file(AEON_SOURCE_DIR "/tests/bad_decks/does_not_exist.yaml", &text, &len),
                   AEON_ERR_USER);
  ck_assert_ptr_nonnull(strstr(aeon_error_message(), "cannot read deck"));
}
END_TEST

/* Copies the text after `prefix` on the line at *p into out and moves *p to the next line. */
static int header_line(const char **p, const char *prefix, char *out, size_t size) {
  size_t n = strlen(prefix);
  if (strncmp(*p, prefix, n) != 0) return 0;
  const char *s = *p + n, *end = strchr(s, '\n');
  if (!end) end = s + strlen(s);
  snprintf(out, size, "%.*s", (int)(end - s), s);
  *p = *end ? end + 1 : end;
  return 1;
}

static void check_bad_deck(const char *path) {
  char *text = NULL, expect[512], set[512];
  size_t len = 0;
  ck_aeon(aeon_deck_read_file(path, &text, &len));
  const char *p = text;
  ck_assert_msg(header_line(&p, "# expect: ", expect, sizeof expect), "%s: no '# expect:' line", path);
  int has_set = header_line(&p, "# set: ", set, sizeof set);
  const char *sets[] = {set};
  aeon_deck *d = NULL;
  aeon_error_clear();
  aeon_err e = aeon_deck_load(text, len, path, ps, has_set, sets, &d);
  free(text);
  ck_assert_msg(e == AEON_ERR_USER, "%s: code %d (%s)", path, (int)e, aeon_error_message());
  ck_assert_msg(strstr(aeon_error_message(), expect), "%s: message \"%s\" lacks \"%s\"", path,
                aeon_error_message(), expect);
}

START_TEST(bad_decks_corpus) {
  glob_t g;
  ck_assert_int_eq(glob(AEON_SOURCE_DIR "/tests/bad_decks/*.yaml", 0, NULL, &g), 0);
  ck_assert_uint_ge(g.gl_pathc, 24);
  for (size_t i = 0; i < g.gl_pathc; i++) check_bad_deck(g.gl_pathv[i]);
  globfree(&g);
}
END_TEST

/* ---- lists ---- */

static void setup_lists(void) {
  setup();
  ck_aeon(aeon_paramset_add(ps, "lists", list_decls, NLISTDECLS));
}

static const char *list_deck =
    "physics: wave\n"
    "output:\n"
    "  fields: [u, pi, \"a b\"]\n"
    "analysis:\n"
    "  radii: [10, 20, 30.5]\n"
    "  observables:\n"
    "    - psi4\n"
    "    - 'horizon: area'\n"
    "initial_data:\n"
    "  punctures:\n"
    "    - {mass: 0.5, position: [1, 0, 0], momentum: [0, 0.1, 0]}\n"
    "    - mass: 0.25\n"
    "      position: [-1, 0, 0]\n"
    "      level: 5\n"
    "      tracked: off\n"
    "      label: second\n"
    "      kind: ns\n"
    "      box: [4, 8, 16]\n";

#define PUNCT "initial_data.punctures"

START_TEST(list_declarations) {
  ck_assert_int_eq(aeon_paramset_count(ps), NDECLS + NLISTPARAMS);
  ck_assert_int_eq(aeon_paramset_find(ps, PUNCT)->type, AEON_PT_LIST);
  ck_assert_int_eq(aeon_paramset_find(ps, PUNCT "[].box")->type, AEON_PT_INT3);
  ck_assert_str_eq(aeon_paramset_find(ps, "analysis.spheres[].points")->doc, "points per great circle");
  ck_assert_ptr_null(aeon_paramset_find(ps, PUNCT "[].mas"));
  ck_assert_ptr_null(aeon_paramset_find(ps, "output.fields[].x"));
  for (int i = 0; i < aeon_paramset_count(ps); i++) /* field rows are not parameters of their own */
    ck_assert_ptr_null(strstr(aeon_paramset_get(ps, i, NULL)->key, "[]"));
}
END_TEST

START_TEST(list_values) {
  aeon_mem_stats before = aeon_mem_get_stats();
  aeon_deck *d = load_ok(list_deck, 0, NULL);
  double v[3];
  long b[3];
  ck_assert_int_eq(aeon_deck_strlist_len(d, "output.fields"), 3);
  ck_assert_str_eq(aeon_deck_strlist(d, "output.fields", 0), "u");
  ck_assert_str_eq(aeon_deck_strlist(d, "output.fields", 1), "pi");
  ck_assert_str_eq(aeon_deck_strlist(d, "output.fields", 2), "a b");
  ck_assert_int_eq(aeon_deck_reallist_len(d, "analysis.radii"), 3);
  ck_assert(aeon_deck_reallist(d, "analysis.radii", 0) == 10 && aeon_deck_reallist(d, "analysis.radii", 2) == 30.5);
  ck_assert_int_eq(aeon_deck_strlist_len(d, "analysis.observables"), 2);
  ck_assert_str_eq(aeon_deck_strlist(d, "analysis.observables", 1), "horizon: area");
  ck_assert_int_eq(aeon_deck_list_len(d, PUNCT), 2);
  /* item 0: three fields given, the others take their defaults */
  ck_assert(aeon_deck_list_real(d, PUNCT, 0, "mass") == 0.5);
  aeon_deck_list_real3(d, PUNCT, 0, "position", v);
  ck_assert(v[0] == 1 && v[1] == 0 && v[2] == 0);
  aeon_deck_list_real3(d, PUNCT, 0, "momentum", v);
  ck_assert(v[0] == 0 && v[1] == 0.1 && v[2] == 0);
  ck_assert_int_eq(aeon_deck_list_int(d, PUNCT, 0, "level"), 2);
  ck_assert_int_eq(aeon_deck_list_bool(d, PUNCT, 0, "tracked"), 1);
  ck_assert_str_eq(aeon_deck_list_string(d, PUNCT, 0, "label"), "");
  ck_assert_str_eq(aeon_deck_list_string(d, PUNCT, 0, "kind"), "bh");
  aeon_deck_list_int3(d, PUNCT, 0, "box", b);
  ck_assert(b[0] == 8 && b[1] == 8 && b[2] == 8);
  /* item 1: block style, every field given */
  ck_assert(aeon_deck_list_real(d, PUNCT, 1, "mass") == 0.25);
  aeon_deck_list_real3(d, PUNCT, 1, "position", v);
  ck_assert(v[0] == -1 && v[1] == 0 && v[2] == 0);
  aeon_deck_list_real3(d, PUNCT, 1, "momentum", v);
  ck_assert(v[0] == 0 && v[1] == 0 && v[2] == 0);
  ck_assert_int_eq(aeon_deck_list_int(d, PUNCT, 1, "level"), 5);
  ck_assert_int_eq(aeon_deck_list_bool(d, PUNCT, 1, "tracked"), 0);
  ck_assert_str_eq(aeon_deck_list_string(d, PUNCT, 1, "label"), "second");
  ck_assert_str_eq(aeon_deck_list_string(d, PUNCT, 1, "kind"), "ns");
  aeon_deck_list_int3(d, PUNCT, 1, "box", b);
  ck_assert(b[0] == 4 && b[1] == 8 && b[2] == 16);
  /* analysis.spheres keeps its declared default, one item with a defaulted field */
  ck_assert_int_eq(aeon_deck_list_len(d, "analysis.spheres"), 1);
  ck_assert(aeon_deck_list_real(d, "analysis.spheres", 0, "radius") == 5);
  ck_assert_int_eq(aeon_deck_list_int(d, "analysis.spheres", 0, "points"), 32);
  ck_assert_int_eq(aeon_deck_is_set(d, PUNCT), 1);
  ck_assert_int_eq(aeon_deck_is_set(d, "output.fields"), 1);
  ck_assert_int_eq(aeon_deck_is_set(d, "analysis.spheres"), 0);
  aeon_deck_destroy(d);
  aeon_mem_stats after = aeon_mem_get_stats();
  ck_assert_uint_eq(after.bytes_live, before.bytes_live);
}
END_TEST

START_TEST(list_defaults_and_empty_lists) {
  aeon_deck *d = load_ok("physics: wave\ninitial_data: {punctures: []}\noutput.fields: []\n", 0, NULL);
  ck_assert_int_eq(aeon_deck_list_len(d, PUNCT), 0);
  ck_assert_int_eq(aeon_deck_is_set(d, PUNCT), 1);
  ck_assert_int_eq(aeon_deck_strlist_len(d, "output.fields"), 0);
  ck_assert_int_eq(aeon_deck_reallist_len(d, "analysis.radii"), 2);
  ck_assert(aeon_deck_reallist(d, "analysis.radii", 1) == 20);
  ck_assert_int_eq(aeon_deck_strlist_len(d, "analysis.observables"), 1);
  ck_assert_str_eq(aeon_deck_strlist(d, "analysis.observables", 0), "psi4");
  ck_assert_int_eq(aeon_deck_is_set(d, "analysis.radii"), 0);
  aeon_deck_destroy(d);
  d = load_ok("physics: wave\n", 0, NULL);
  ck_assert_int_eq(aeon_deck_list_len(d, PUNCT), 0);
  ck_assert_int_eq(aeon_deck_is_set(d, PUNCT), 0);
  ck_assert_int_eq(aeon_deck_strlist_len(d, "output.fields"), 0);
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(list_set_overrides) {
  const char *sets[] = {"output.fields=[u,pi]", "analysis.radii=[10,20]",
                        "initial_data.punctures=[{mass: 1, position: [0,0,0]}]", "analysis.observables=[a, 'b c', d]",
                        "analysis.spheres=[{radius: 1}, {radius: 2, points: 8}]"};
  aeon_deck *d = load_ok(list_deck, 5, sets);
  double v[3];
  ck_assert_int_eq(aeon_deck_strlist_len(d, "output.fields"), 2);
  ck_assert_str_eq(aeon_deck_strlist(d, "output.fields", 0), "u");
  ck_assert_str_eq(aeon_deck_strlist(d, "output.fields", 1), "pi");
  ck_assert_int_eq(aeon_deck_reallist_len(d, "analysis.radii"), 2);
  ck_assert(aeon_deck_reallist(d, "analysis.radii", 0) == 10 && aeon_deck_reallist(d, "analysis.radii", 1) == 20);
  ck_assert_int_eq(aeon_deck_list_len(d, PUNCT), 1); /* the whole list is replaced, not merged */
  ck_assert(aeon_deck_list_real(d, PUNCT, 0, "mass") == 1);
  aeon_deck_list_real3(d, PUNCT, 0, "position", v);
  ck_assert(v[0] == 0 && v[1] == 0 && v[2] == 0);
  ck_assert_str_eq(aeon_deck_list_string(d, PUNCT, 0, "kind"), "bh");
  ck_assert_str_eq(aeon_deck_strlist(d, "analysis.observables", 1), "b c");
  ck_assert_int_eq(aeon_deck_list_len(d, "analysis.spheres"), 2);
  ck_assert_int_eq(aeon_deck_list_int(d, "analysis.spheres", 0, "points"), 32);
  ck_assert_int_eq(aeon_deck_list_int(d, "analysis.spheres", 1, "points"), 8);
  ck_assert_int_eq(aeon_deck_is_set(d, "analysis.spheres"), 1);
  aeon_deck_destroy(d);
  const char *clear[] = {"initial_data.punctures=[]", "output.fields=[]", "output.fields=[chi]"};
  d = load_ok(list_deck, 3, clear);
  ck_assert_int_eq(aeon_deck_list_len(d, PUNCT), 0);
  ck_assert_int_eq(aeon_deck_strlist_len(d, "output.fields"), 1); /* the last --set wins */
  ck_assert_str_eq(aeon_deck_strlist(d, "output.fields", 0), "chi");
  aeon_deck_destroy(d);
}
END_TEST

#define FIELDS "(fields: mass, position, momentum, level, tracked, label, kind, box)"
#define ID "initial_data:\n  punctures:\n"

/* Every kind of mistake in a list, with its exact message. */
static const bad_case list_cases[] = {
    {"output: {fields: u}\n", NULL, "t.yaml:1:18: output.fields: expected a list of strings, got 'u'"},
    {"output: {fields: {a: 1}}\n", NULL, "t.yaml:1:18: output.fields: expected a list of strings, got a mapping"},
    {"output:\n  fields:\n", NULL,
     "t.yaml:2:10: output.fields: expected a list of strings, got '' (write [] for none)"},
    {"output: {fields: [u, [pi]]}\n", NULL, "t.yaml:1:22: output.fields[1]: expected a scalar, got a sequence"},
    {"analysis: {radii: [10, abc]}\n", NULL, "t.yaml:1:24: analysis.radii[1]: expected a real number, got 'abc'"},
    {"analysis: {radii: [10, -1]}\n", NULL, "t.yaml:1:24: analysis.radii[1]: value -1 is out of range [0, 1e+06]"},
    {"analysis: {radii: 10}\n", NULL, "t.yaml:1:19: analysis.radii: expected a list of real numbers, got '10'"},
    {"analysis: {observables: [a, b, c, d]}\n", NULL,
     "t.yaml:1:35: analysis.observables: expected at most 3 items, got 4"},
    {"analysis: {observables: []}\n", NULL, "t.yaml:1:25: analysis.observables: expected at least 1 item, got 0"},
    {"initial_data: {punctures: 3}\n", NULL,
     "t.yaml:1:27: initial_data.punctures: expected a list of mappings, got '3'"},
    {ID "    mass: 1\n", NULL,
     "t.yaml:3:5: initial_data.punctures: expected a list of mappings, got a mapping (a list needs [ ] or items "
     "starting with '- ')"},
    {ID "    - 0.5\n", NULL, "t.yaml:3:7: initial_data.punctures[0]: expected a mapping " FIELDS ", got '0.5'"},
    {ID "    - {mass: 1}\n    - [1, 2]\n", NULL,
     "t.yaml:4:7: initial_data.punctures[1]: expected a mapping " FIELDS ", got a sequence"},
    {ID "    - mass: 1\n    - position: [1, 0, 0]\n      level: 3\n", NULL,
     "t.yaml:4:7: initial_data.punctures[1].mass: missing required field (expected a real number)"},
    {ID "    - {mass: 1, positon: [0, 0, 0]}\n", NULL,
     "t.yaml:3:17: unknown field 'initial_data.punctures[0].positon' (did you mean 'position'?)"},
    {ID "    - mass: 1\n      mass: 2\n", NULL,
     "t.yaml:4:7: duplicate field 'initial_data.punctures[0].mass' (first given at line 3)"},
    {ID "    - {mass: heavy}\n", NULL,
     "t.yaml:3:14: initial_data.punctures[0].mass: expected a real number, got 'heavy'"},
    {ID "    - {mass: 0}\n", NULL,
     "t.yaml:3:14: initial_data.punctures[0].mass: value 0 is out of range [1e-06, 1000]"},
    {ID "    - {mass: 1, box: [8, 8]}\n", NULL,
     "t.yaml:3:22: initial_data.punctures[0].box: expected a list of 3 integers, got 2 items"},
    {ID "    - {mass: 1, box: [8, 65, 8]}\n", NULL,
     "t.yaml:3:26: initial_data.punctures[0].box: value 65 is out of range [1, 64]"},
    {ID "    - {mass: 1, kind: bhh}\n", NULL,
     "t.yaml:3:23: initial_data.punctures[0].kind: expected one of bh|ns, got 'bhh'"},
    {ID "    - {mass: 1, tracked: maybe}\n", NULL,
     "t.yaml:3:26: initial_data.punctures[0].tracked: expected true or false, got 'maybe'"},
    {ID "    - {mass: 1, level: 1.5}\n", NULL,
     "t.yaml:3:24: initial_data.punctures[0].level: expected an integer, got '1.5'"},
    {ID "    - {mass: {a: 1}}\n", NULL,
     "t.yaml:3:14: initial_data.punctures[0].mass: expected a scalar, got a mapping"},
    {ID "    - {[a]: 1}\n", NULL, "t.yaml:3:8: initial_data.punctures[0]: expected a field name, got a sequence"},
    {"initial_data: {punctures: [{mass: 1}, {mass: 1}, {mass: 1}, {mass: 1}, {mass: 1}]}\n", NULL,
     "t.yaml:1:72: initial_data.punctures: expected at most 4 items, got 5"},
    {"analysis: {spheres: []}\n", NULL, "t.yaml:1:21: analysis.spheres: expected at least 1 item, got 0"},
    {ID "    - mass: 1\n    - mass: 2\n      momentum: [0, 11, 0]\n", NULL,
     "t.yaml:5:21: initial_data.punctures[1].momentum: value 11 is out of range [-10, 10]"},
    {"initial_data.punctures: [{mass: 2000}]\n", NULL,
     "t.yaml:1:33: initial_data.punctures[0].mass: value 2000 is out of range [1e-06, 1000]"},
    {ID "    []\n  punctures: []\n", NULL,
     "t.yaml:4:3: duplicate key 'initial_data.punctures' (first given at line 2)"},
    {"initial_data:\n  puncture: []\n", NULL,
     "t.yaml:2:3: unknown key 'initial_data.puncture' (did you mean 'initial_data.punctures'?)"},
    {"", "output.fields=u", "--set 'output.fields=u': output.fields: expected a list of strings, got 'u'"},
    {"", "output.fields=",
     "--set 'output.fields=': output.fields: expected a list of strings, got '' (write [] for none)"},
    {"", "analysis.radii=[1,x]", "--set 'analysis.radii=[1,x]': analysis.radii[1]: expected a real number, got 'x'"},
    {"", "initial_data.punctures=[{mas: 1}]",
     "--set 'initial_data.punctures=[{mas: 1}]': unknown field 'initial_data.punctures[0].mas' (did you mean 'mass'?)"},
    {"", "initial_data.punctures=[{mass: 1, mass: 2}]",
     "--set 'initial_data.punctures=[{mass: 1, mass: 2}]': duplicate field 'initial_data.punctures[0].mass'"},
    {"", "initial_data.punctures=[{position: [0,0,0]}]",
     "--set 'initial_data.punctures=[{position: [0,0,0]}]': initial_data.punctures[0].mass: missing required field "
     "(expected a real number)"},
    {"", "initial_data.punctures={mass: 1}",
     "--set 'initial_data.punctures={mass: 1}': initial_data.punctures: expected a list of mappings, got a mapping "
     "(a list needs [ ] or items starting with '- ')"},
    {"", "analysis.observables=[a,b,c,d]",
     "--set 'analysis.observables=[a,b,c,d]': analysis.observables: expected at most 3 items, got 4"},
};

START_TEST(list_user_errors) {
  const bad_case *b = &list_cases[_i];
  aeon_mem_stats before = aeon_mem_get_stats();
  aeon_deck *d = (aeon_deck *)1;
  aeon_err e = load(b->yaml, b->set ? 1 : 0, &b->set, &d);
  ck_assert_msg(e == AEON_ERR_USER, "deck <<%s>> set %s: got code %d (%s)", b->yaml, b->set ? b->set : "-", (int)e,
                aeon_error_message());
  ck_assert_ptr_null(d);
  ck_assert_str_eq(aeon_error_message(), b->expect);
  ck_assert_uint_eq(aeon_mem_get_stats().bytes_live, before.bytes_live); /* nothing leaks on the error paths */
}
END_TEST

/* Declarations of lists that are bugs of the declaring module. */
START_TEST(list_bad_declarations) {
  static const aeon_param_decl no_list[] = {{"x.l[].a", AEON_PT_REAL, "0", AEON_NORANGE, NULL, "orphan", CHANGE}};
  static const aeon_param_decl no_fields[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "empty", CHANGE}};
  static const aeon_param_decl not_a_list[] = {{"x.v", AEON_PT_INT, "0", AEON_NORANGE, NULL, "int", CHANGE},
                                               {"x.v[].a", AEON_PT_INT, "0", AEON_NORANGE, NULL, "field", CHANGE}};
  static const aeon_param_decl list_field[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "l", CHANGE},
                                               {"x.l[].a", AEON_PT_STRLIST, "[]", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl bad_name[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "l", CHANGE},
                                             {"x.l[].a-b", AEON_PT_INT, "0", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl empty_name[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "l", CHANGE},
                                               {"x.l[].", AEON_PT_INT, "0", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl twice[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "l", CHANGE},
                                          {"x.l[].a", AEON_PT_INT, "0", AEON_NORANGE, NULL, "f", CHANGE},
                                          {"x.l[].a", AEON_PT_INT, "1", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl bad_field_default[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "l", CHANGE},
                                                      {"x.l[].a", AEON_PT_INT, "abc", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl bad_list_default[] = {
      {"x.l", AEON_PT_LIST, "[{a: -1}]", AEON_NORANGE, NULL, "l", CHANGE},
      {"x.l[].a", AEON_PT_INT, NULL, 0, 1, NULL, "f", CHANGE}};
  static const aeon_param_decl negative_count[] = {{"x.l", AEON_PT_LIST, "[]", -1, 4, NULL, "l", CHANGE},
                                                   {"x.l[].a", AEON_PT_INT, "0", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl enum_field[] = {{"x.l", AEON_PT_LIST, "[]", AEON_NORANGE, NULL, "l", CHANGE},
                                               {"x.l[].e", AEON_PT_ENUM, "a", AEON_NORANGE, NULL, "f", CHANGE}};
  static const aeon_param_decl bracket_key[] = {{"x.l[0]", AEON_PT_INT, "0", AEON_NORANGE, NULL, "k", CHANGE}};
  static const aeon_param_decl short_default[] = {{"x.s", AEON_PT_STRLIST, "[a]", 2, 3, NULL, "s", CHANGE}};
  static const struct {
    const aeon_param_decl *d;
    int n;
    const char *expect;
  } cases[] = {
      {no_list, 1, "field 'x.l[].a' of module 'bad' has no list parameter (type list) in the same table"},
      {no_fields, 1, "list parameter 'x.l' declares no fields (rows 'x.l[].NAME')"},
      {not_a_list, 2, "field 'x.v[].a' of module 'bad' has no list parameter (type list) in the same table"},
      {list_field, 2, "list field 'x.l[].a' must have a single-value type (int .. real3)"},
      {bad_name, 2, "list field 'x.l[].a-b' has a malformed name"},
      {empty_name, 2, "list field 'x.l[].' has a malformed name"},
      {twice, 3, "list field 'x.l[].a' declared twice"},
      {bad_field_default, 2, "declared default: x.l[].a: expected an integer, got 'abc'"},
      {bad_list_default, 2, "declared default: x.l[0].a: value -1 is out of range [0, 1]"},
      {negative_count, 2, "list parameter 'x.l' allows a negative number of items (-1)"},
      {enum_field, 2, "enum field 'x.l[].e' declares no choices"},
      {bracket_key, 1, "module 'bad' declares a malformed parameter key 'x.l[0]'"},
      {short_default, 1, "declared default: x.s: expected at least 2 items, got 1"},
  };
  for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
    aeon_paramset *p = NULL;
    ck_aeon(aeon_paramset_create(&p));
    aeon_error_clear();
    ck_assert_msg(aeon_paramset_add(p, "bad", cases[i].d, cases[i].n) == AEON_ERR_INTERNAL, "case %d accepted", i);
    ck_assert_str_eq(aeon_error_message(), cases[i].expect);
    aeon_paramset_destroy(p);
  }
  /* A field row must come with its list: not from another module. */
  aeon_error_clear();
  static const aeon_param_decl other[] = {{"initial_data.punctures[].spin", AEON_PT_REAL3, "0", AEON_NORANGE, NULL,
                                           "spin", FIXED}};
  ck_assert_int_eq(aeon_paramset_add(ps, "other", other, 1), AEON_ERR_INTERNAL);
  ck_assert_ptr_null(aeon_paramset_find(ps, "initial_data.punctures[].spin"));
}
END_TEST

START_TEST(list_print_tables) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  aeon_paramset_print(ps, f, 0);
  fclose(f);
  /* the list's row, then one row per field in declaration order, under the list's restart policy */
  const char *row = strstr(buf, "\ninitial_data.punctures ");
  ck_assert_ptr_nonnull(row);
  const char *order[] = {"mass", "position", "momentum", "level", "tracked", "label", "kind", "box"};
  for (int i = 0; i < 8; i++) {
    row = strchr(row + 1, '\n');
    char want[64];
    snprintf(want, sizeof want, "\ninitial_data.punctures[].%s ", order[i]);
    ck_assert_msg(row && strncmp(row, want, strlen(want)) == 0, "row %d is not %s", i, order[i]);
  }
  ck_assert_ptr_nonnull(strstr(buf, "[0, 4] items"));
  free(buf);
  f = open_memstream(&buf, &len);
  aeon_paramset_print(ps, f, 1);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(buf, "| `initial_data.punctures` | list | `[]` | [0, 4] items | fixed | black holes |\n"
                                    "| `initial_data.punctures[].mass` | real | (required) | [1e-06, 1000] | fixed "
                                    "| bare mass |\n"
                                    "| `initial_data.punctures[].position` | real3 | `0` | - | fixed | position |\n"));
  ck_assert_ptr_nonnull(strstr(
      buf, "| `initial_data.punctures[].kind` | enum | `bh` | bh\\|ns | fixed | compact object |\n"));
  ck_assert_ptr_nonnull(strstr(
      buf, "| `analysis.spheres[].points` | int | `32` | [4, 4096] | changeable | points per great circle |\n"));
  ck_assert_ptr_nonnull(strstr(
      buf, "| `analysis.radii` | reallist | `[10, 20]` | [0, 1e+06] | changeable | extraction radii |\n"));
  ck_assert_ptr_nonnull(strstr(
      buf, "| `analysis.observables` | strlist | `[psi4]` | [1, 3] items | changeable | what to extract |\n"));
  ck_assert_ptr_nonnull(strstr(buf, "| `output.fields` | strlist | `[]` | - | changeable |"));
  free(buf);
}
END_TEST

static void misuse_strlist_index(aeon_deck *d) { (void)aeon_deck_strlist(d, "output.fields", 3); }
static void misuse_reallist_negative(aeon_deck *d) { (void)aeon_deck_reallist(d, "analysis.radii", -1); }
static void misuse_list_index(aeon_deck *d) { (void)aeon_deck_list_real(d, PUNCT, 2, "mass"); }
static void misuse_list_field(aeon_deck *d) { (void)aeon_deck_list_real(d, PUNCT, 0, "mas"); }
static void misuse_list_field_type(aeon_deck *d) { (void)aeon_deck_list_real(d, PUNCT, 0, "level"); }
static void misuse_list_on_strlist(aeon_deck *d) { (void)aeon_deck_list_len(d, "output.fields"); }
static void misuse_strlist_on_reallist(aeon_deck *d) { (void)aeon_deck_strlist_len(d, "analysis.radii"); }
static void misuse_string_on_list(aeon_deck *d) { (void)aeon_deck_string(d, PUNCT); }

START_TEST(list_getters_abort_on_misuse) {
  aeon_deck *d = load_ok(list_deck, 0, NULL);
  assert_aborts(misuse_strlist_index, d);
  assert_aborts(misuse_reallist_negative, d);
  assert_aborts(misuse_list_index, d);
  assert_aborts(misuse_list_field, d);
  assert_aborts(misuse_list_field_type, d);
  assert_aborts(misuse_list_on_strlist, d);
  assert_aborts(misuse_strlist_on_reallist, d);
  assert_aborts(misuse_string_on_list, d);
  aeon_deck_destroy(d);
}
END_TEST

START_TEST(list_write_effective_round_trip) {
  const char *sets[] = {"output.fields=[u, 'pi', '', 'x: y', \"\\u2028\", true]"};
  aeon_deck *a = load_ok(list_deck, 0, NULL);
  round_trip(a, "\ninitial_data:\n  punctures: [{mass: 0.5, position: [1, 0, 0], momentum: [0, 0.1, 0], level: 2, "
                "tracked: true, label: \"\", kind: bh, box: [8, 8, 8]}, {mass: 0.25, position: [-1, 0, 0], "
                "momentum: [0, 0, 0], level: 5, tracked: false, label: \"second\", kind: ns, box: [4, 8, 16]}]\n");
  round_trip(a, "\nanalysis:\n  observables: [psi4, \"horizon: area\"]\n  radii: [10, 20, 30.5]\n"
                "  spheres: [{radius: 5, points: 32}]\n");
  round_trip(a, "  fields: [u, pi, \"a b\"]\n");
  aeon_deck_destroy(a);
  a = load_ok(list_deck, 1, sets);
  ck_assert_int_eq(aeon_deck_strlist_len(a, "output.fields"), 6);
  ck_assert_str_eq(aeon_deck_strlist(a, "output.fields", 4), "\xe2\x80\xa8");
  round_trip(a, "  fields: [u, pi, \"\", \"x: y\", \"\\u2028\", true]\n");
  aeon_deck_destroy(a);
  const char *empty[] = {"initial_data.punctures=[]"};
  a = load_ok(list_deck, 1, empty);
  round_trip(a, "  punctures: []\n");
  aeon_deck_destroy(a);
}
END_TEST

START_TEST(list_same_value) {
  aeon_deck *a = load_ok(list_deck, 0, NULL), *b;
  const char *diff[][2] = {
      {"initial_data.punctures=[{mass: 0.5, position: [1, 0, 0], momentum: [0, 0.1, 0]}]", PUNCT}, /* one item fewer */
      {"initial_data.punctures=[{mass: 0.5, position: [1, 0, 0], momentum: [0, 0.1, 0]}, "
       "{mass: 0.25, position: [-1, 0, 0], level: 5, tracked: off, label: second, kind: ns, box: [4, 8, 17]}]", PUNCT},
      {"initial_data.punctures=[{mass: 0.5, position: [1, 0, 0], momentum: [0, 0.1, 0], label: x}, "
       "{mass: 0.25, position: [-1, 0, 0], level: 5, tracked: off, label: second, kind: ns, box: [4, 8, 16]}]", PUNCT},
      {"output.fields=[u, pi, \"a c\"]", "output.fields"},
      {"output.fields=[u, pi]", "output.fields"},
      {"analysis.radii=[10, 20, 30.25]", "analysis.radii"},
  };
  for (int i = 0; i < (int)(sizeof diff / sizeof diff[0]); i++) {
    b = load_ok(list_deck, 1, &diff[i][0]);
    ck_assert_msg(!aeon_deck_same_value(a, b, diff[i][1]), "case %d: %s seen as unchanged", i, diff[i][1]);
    ck_assert_int_eq(aeon_deck_same_value(a, b, "analysis.spheres"), 1);
    aeon_deck_destroy(b);
  }
  /* the same values written another way compare equal */
  const char *same[] = {"initial_data.punctures=[{mass: 0.5, position: [1, 0, 0], momentum: [0, 0.1, 0], level: 2}, "
                        "{mass: 0.25, position: [-1, 0, 0], level: 5, tracked: no, label: second, kind: ns, "
                        "box: [4, 8, 16]}]",
                        "output.fields=[\"u\", 'pi', a b]", "analysis.radii=[1e1, 20.0, 30.5]"};
  b = load_ok(list_deck, 3, same);
  for (int i = 0; i < aeon_paramset_count(ps); i++)
    ck_assert_msg(aeon_deck_same_value(a, b, aeon_paramset_get(ps, i, NULL)->key), "%s differs",
                  aeon_paramset_get(ps, i, NULL)->key);
  aeon_deck_destroy(b);
  aeon_deck_destroy(a);
}
END_TEST

static Suite *deck_suite(void) {
  Suite *s = suite_create("deck");
  TCase *tc = tcase_create("paramset");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, paramset_basics);
  tcase_add_test(tc, paramset_rejects_bad_declarations);
  tcase_add_test(tc, paramset_set_choices);
  tcase_add_test(tc, paramset_print_tables);
  suite_add_tcase(s, tc);
  tc = tcase_create("values");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, good_values);
  tcase_add_test(tc, defaults_and_is_set);
  tcase_add_test(tc, int3_scalar_broadcast);
  tcase_add_test(tc, bool_spellings);
  tcase_add_test(tc, flat_keys_empty_sections_and_documents);
  tcase_add_test(tc, set_overrides);
  tcase_add_test(tc, set_supplies_required_and_empty_values);
  tcase_add_test(tc, getters_abort_on_misuse);
  tcase_add_test(tc, write_effective_round_trip);
  tcase_add_test(tc, read_file);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, user_errors, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
  tcase_add_test(tc, file_errors_stop_before_sets);
  tcase_add_loop_test(tc, did_you_mean, 0, (int)(sizeof suggestions / sizeof suggestions[0]));
  tcase_add_test(tc, bad_decks_corpus);
  suite_add_tcase(s, tc);
  tc = tcase_create("lists");
  tcase_add_checked_fixture(tc, setup_lists, teardown);
  tcase_add_test(tc, list_declarations);
  tcase_add_test(tc, list_values);
  tcase_add_test(tc, list_defaults_and_empty_lists);
  tcase_add_test(tc, list_set_overrides);
  tcase_add_loop_test(tc, list_user_errors, 0, (int)(sizeof list_cases / sizeof list_cases[0]));
  tcase_add_test(tc, list_bad_declarations);
  tcase_add_test(tc, list_print_tables);
  tcase_add_test(tc, list_getters_abort_on_misuse);
  tcase_add_test(tc, list_write_effective_round_trip);
  tcase_add_test(tc, list_same_value);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return aeon_test_run_suite(deck_suite()); }
