/* Private to src/deck: the layout of parameter sets and decks, and the helpers
 * the deck's source files share. */
#ifndef AEON_DECK_INTERNAL_H
#define AEON_DECK_INTERNAL_H

#include <yaml.h>

#include "aeon/deck.h"

/* A value: INT/BOOL use i[0], INT3 i[0..2], REAL r[0], REAL3 r[0..2], STRING/ENUM s (owned).
 * Lists hold n items in elem (owned, nelem entries): STRLIST item k is elem[k].s, REALLIST item k
 * elem[k].r[0], and LIST field f of item k is elem[k * nfields + f], itself a single value. */
typedef struct deck_value {
  long i[3];
  double r[3];
  char *s;
  int n, nelem;
  struct deck_value *elem;
} deck_value;

/* One field of the items of a LIST parameter: the module's row "KEY[].NAME". */
typedef struct deck_field {
  aeon_param_decl d;
  const char *name; /* NAME, inside d.key */
  deck_value def;   /* the default, parsed once (unused when d.def is NULL) */
} deck_field;

/* One declaration in a set: a copy of the module's decl (choices may be replaced). */
typedef struct deck_pentry {
  aeon_param_decl d;
  char *module;       /* owned copy of the owner's name */
  char *choices;      /* owned choices from aeon_paramset_set_choices, or NULL */
  deck_value def;     /* the default, parsed once (unused when d.def is NULL) */
  deck_field *fields; /* LIST: the item fields in declaration order (owned array), else NULL */
  int nfields;
} deck_pentry;

struct aeon_paramset {
  deck_pentry *e; /* sorted by key */
  int n, cap;
};

/* Name and type of a LIST field, as a deck keeps them. */
typedef struct deck_fname {
  char *name; /* owned */
  aeon_ptype type;
} deck_fname;

typedef struct deck_entry {
  char *key;          /* owned copy of the declared key */
  aeon_ptype type;    /* declared type */
  int set;            /* given by the deck or a --set */
  int line;           /* 1-based line of the deck key that set it, 0 if none */
  deck_value v;
  deck_fname *fields; /* LIST: the item fields in declaration order (owned), else NULL */
  int nfields;
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

/* Checks node n (NULL: an empty value) against the declaration pe and stores it in v. */
aeon_err deck_convert(deck_ctx *c, const deck_pentry *pe, deck_value *v, yaml_document_t *doc, yaml_node_t *n);
/* Parses a value written as deck text (a default or the right side of a --set) into v. */
aeon_err deck_convert_text(deck_ctx *c, const deck_pentry *pe, deck_value *v, const char *text);
/* deck_convert for a single-value type (INT .. REAL3); messages name dl->key. */
aeon_err deck_convert_one(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, yaml_document_t *doc,
                          yaml_node_t *n);
/* deck_convert for STRLIST, REALLIST and LIST (deck_list.c); v is replaced only on success. */
aeon_err deck_convert_list(deck_ctx *c, const deck_pentry *pe, deck_value *v, yaml_document_t *doc,
                           yaml_node_t *n);
/* 1 for STRLIST, REALLIST and LIST. */
int deck_is_list_type(aeon_ptype t);
/* 1 for STRLIST and LIST, whose min/max bound the number of items. */
int deck_counts_items(aeon_ptype t);
/* What a type expects, for messages: "an integer", "a list of 3 real numbers", ... (not ENUM). */
const char *deck_type_desc(aeon_ptype t);
/* Short type name for tables: "int", "real3", "strlist", ... */
const char *deck_type_name(aeon_ptype t);

/* Frees what v owns and zeroes it. */
void deck_value_free(deck_value *v);
/* Makes dst (empty) a deep copy of src. */
aeon_err deck_value_copy(deck_value *dst, const deck_value *src);
/* 1 if a and b hold the same value of type t (fields: a LIST's field names and types). */
int deck_value_equal(aeon_ptype t, const deck_value *a, const deck_value *b, const deck_fname *fields,
                     int nfields);

/* Index of key in ps, or -1. */
int deck_ps_index(const aeon_paramset *ps, const char *key);
/* 1 if some declared key is "name.something". */
int deck_ps_is_section(const aeon_paramset *ps, const char *name);
/* Field of pe nearest to name by edit distance (NULL if pe has no fields). */
const char *deck_nearest_field(const deck_pentry *pe, const char *name);
/* Declared key nearest to key by edit distance (NULL if none is declared). */
const char *deck_ps_nearest_key(const aeon_paramset *ps, const char *key);
/* Declared section nearest to name, copied into buf (NULL if there are no sections). */
const char *deck_ps_nearest_section(const aeon_paramset *ps, const char *name, char *buf, size_t size);

#endif
