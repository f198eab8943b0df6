/* Private to src/deck: the layout of parameter sets and decks, and the helpers
 * the deck's source files share. */
#ifndef AEON_DECK_INTERNAL_H
#define AEON_DECK_INTERNAL_H

#include <yaml.h>

#include "aeon/deck.h"

/* A value: INT/BOOL use i[0], INT3 i[0..2], REAL r[0], REAL3 r[0..2], STRING/ENUM s (owned). */
typedef struct deck_value {
  long i[3];
  double r[3];
  char *s;
} deck_value;

/* One declaration in a set: a copy of the module's decl (choices may be replaced). */
typedef struct deck_pentry {
  aeon_param_decl d;
  char *module;   /* owned copy of the owner's name */
  char *choices;  /* owned choices from aeon_paramset_set_choices, or NULL */
  deck_value def; /* the default, parsed once (unused when d.def is NULL) */
} deck_pentry;

struct aeon_paramset {
  deck_pentry *e; /* sorted by key */
  int n, cap;
};

typedef struct deck_entry {
  char *key;       /* owned copy of the declared key */
  aeon_ptype type; /* declared type */
  int set;         /* given by the deck or a --set */
  int line;        /* 1-based line of the deck key that set it, 0 if none */
  deck_value v;
} deck_entry;

struct aeon_deck {
  char *text;     /* copy of the deck text, NUL-terminated */
  char *filename; /* copy of the name as given */
  deck_entry *e;  /* one per declaration, in the set's (sorted) order */
  int n;
};

/* Where values come from while a deck is checked; decides how messages start. */
typedef struct deck_ctx {
  aeon_err code;        /* AEON_ERR_USER, or AEON_ERR_INTERNAL for declared defaults */
  const char *file;     /* deck file name, or NULL while checking a declared default */
  const char *set_arg;  /* the --set argument being applied, or NULL */
  const aeon_paramset *ps;
  aeon_deck *d;
  char loc[1024];
} deck_ctx;

/* Fails with c->code and "LOCATION: message"; m (may be NULL) gives line:column in a deck file. */
aeon_err deck_fail(deck_ctx *c, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses text as exactly one YAML document (no anchors, aliases, or second document). */
aeon_err deck_yaml_load(deck_ctx *c, const char *text, size_t len, yaml_document_t *doc);
/* Names a node kind for messages: "a scalar", "a sequence", "a mapping". */
const char *deck_node_kind(const yaml_node_t *n);

/* Checks node n (NULL: an empty value) against decl dl and stores it in v. */
aeon_err deck_convert(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, yaml_document_t *doc,
                      yaml_node_t *n);
/* Parses a value written as deck text (a default or the right side of a --set) into v. */
aeon_err deck_convert_text(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, const char *text);
/* What a type expects, for messages: "an integer", "a list of 3 real numbers", ... (not ENUM). */
const char *deck_type_desc(aeon_ptype t);
/* Short type name for tables: "int", "real3", ... */
const char *deck_type_name(aeon_ptype t);

/* Index of key in ps, or -1. */
int deck_ps_index(const aeon_paramset *ps, const char *key);
/* 1 if some declared key is "name.something". */
int deck_ps_is_section(const aeon_paramset *ps, const char *name);
/* Declared key nearest to key by edit distance (NULL if none is declared). */
const char *deck_ps_nearest_key(const aeon_paramset *ps, const char *key);
/* Declared section nearest to name, copied into buf (NULL if there are no sections). */
const char *deck_ps_nearest_section(const aeon_paramset *ps, const char *name, char *buf, size_t size);

#endif
