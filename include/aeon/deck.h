/* Input decks: YAML files checked against parameters that modules declare once
 * (name, type, default, range or choices, one-line doc). No MPI in here: the
 * parser is a plain library function (and a fuzz target). Values are single
 * values, 3-vectors, lists of strings or reals, and lists of mappings whose
 * fields are declared as rows "KEY[].FIELD" of the same table. */
#ifndef AEON_DECK_H
#define AEON_DECK_H

#include <stddef.h>
#include <stdio.h>

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum aeon_ptype {
  AEON_PT_INT,    /* integer (long) */
  AEON_PT_REAL,   /* real (double) */
  AEON_PT_BOOL,   /* true/false (also yes/no, on/off) */
  AEON_PT_STRING, /* free text */
  AEON_PT_ENUM,   /* one of `choices` ("a|b|c") */
  AEON_PT_INT3,   /* three integers: [a, b, c], or one integer meaning all three */
  AEON_PT_REAL3,   /* three reals: [a, b, c], or one real meaning all three */
  AEON_PT_STRLIST,  /* list of strings: [a, b] ([] for none); min/max bound the number of items */
  AEON_PT_REALLIST, /* list of reals: [1, 2.5] ([] for none); min/max is the range of each item */
  AEON_PT_LIST      /* list of mappings [{f: v, ...}, ...]; min/max bound the number of items, and each field
                       is declared by a row "KEY[].FIELD" in the same table */
} aeon_ptype;

/* Restart policy of a parameter. */
enum { AEON_RESTART_CHANGEABLE = 0, AEON_RESTART_FIXED = 1 };

/* One declared parameter. Arrays of these are static data of the module that owns them.
 * A row whose key is "KEY[].FIELD" declares a field of the items of the AEON_PT_LIST parameter KEY
 * declared in the same array: a single-value type (INT .. REAL3), def NULL meaning the field is
 * required in every item, its own range or choices and doc; the list's restart policy applies. */
typedef struct aeon_param_decl {
  const char *key;     /* "section.name", "name" for a top-level key, or "KEY[].FIELD" for a list field */
  aeon_ptype type;     /* value type */
  const char *def;     /* default written as deck text; NULL means the key is required */
  double min, max;     /* inclusive range for numbers (each component of INT3/REAL3, each item of REALLIST);
                          for STRLIST and LIST the number of items; unchecked if min > max */
  const char *choices; /* ENUM only: allowed values separated by '|' */
  const char *doc;     /* one line for `aeon params` */
  int restart;         /* AEON_RESTART_CHANGEABLE or AEON_RESTART_FIXED */
} aeon_param_decl;

/* Unbounded range helper for aeon_param_decl.min/max. */
#define AEON_NORANGE 1.0, 0.0

typedef struct aeon_paramset aeon_paramset; /* the declarations of all modules */
typedef struct aeon_deck aeon_deck;         /* a checked deck: every declared key has a value */

/* Creates an empty set of parameter declarations. */
aeon_err aeon_paramset_create(aeon_paramset **ps);
/* Frees a parameter set. */
void aeon_paramset_destroy(aeon_paramset *ps);
/* Adds n declarations owned by `module` (the arrays must outlive the set); a key declared twice is an internal error. */
aeon_err aeon_paramset_add(aeon_paramset *ps, const char *module, const aeon_param_decl *decls, int n);
/* Replaces the choices of an ENUM parameter (copied), e.g. physics names known only at run time. */
aeon_err aeon_paramset_set_choices(aeon_paramset *ps, const char *key, const char *choices);
/* Returns the declaration of key ("KEY[].FIELD": a list field), or NULL (valid until the next aeon_paramset_add). */
const aeon_param_decl *aeon_paramset_find(const aeon_paramset *ps, const char *key);
/* Returns the number of declarations (a list of mappings counts once, without its field rows). */
int aeon_paramset_count(const aeon_paramset *ps);
/* Returns declaration i (sorted by key) and, through module, its owner (valid until the next aeon_paramset_add). */
const aeon_param_decl *aeon_paramset_get(const aeon_paramset *ps, int i, const char **module);
/* Prints every parameter as a table, a list's fields as rows "KEY[].FIELD" (markdown != 0: a Markdown table). */
void aeon_paramset_print(const aeon_paramset *ps, FILE *out, int markdown);

/* Reads a whole file into a NUL-terminated buffer the caller frees with free(). */
aeon_err aeon_deck_read_file(const char *path, char **text, size_t *len);
/* Parses YAML text (len bytes, no NUL needed), applies `--set key=value` overrides, checks everything
 * against ps, and returns the deck. Errors are AEON_ERR_USER with one message naming the key, what was
 * expected, and for an unknown key the nearest valid key, located as "FILE:LINE:COL: ...", "FILE: ..."
 * for a missing key, or "--set 'ARG': ..." for an override. */
aeon_err aeon_deck_load(const char *text, size_t len, const char *filename, const aeon_paramset *ps,
                        int nset, const char *const *sets, aeon_deck **deck);
/* Frees a deck. */
void aeon_deck_destroy(aeon_deck *deck);

/* Getters. The key must be declared with the matching type; anything else is a bug and aborts. */
long aeon_deck_int(const aeon_deck *d, const char *key);          /* value of an INT parameter */
double aeon_deck_real(const aeon_deck *d, const char *key);       /* value of a REAL parameter */
int aeon_deck_bool(const aeon_deck *d, const char *key);          /* value of a BOOL parameter */
const char *aeon_deck_string(const aeon_deck *d, const char *key); /* value of a STRING or ENUM parameter */
void aeon_deck_int3(const aeon_deck *d, const char *key, long v[3]);   /* value of an INT3 parameter */
void aeon_deck_real3(const aeon_deck *d, const char *key, double v[3]); /* value of a REAL3 parameter */
int aeon_deck_strlist_len(const aeon_deck *d, const char *key);            /* number of items of a STRLIST */
const char *aeon_deck_strlist(const aeon_deck *d, const char *key, int i); /* item i (from 0) of a STRLIST */
int aeon_deck_reallist_len(const aeon_deck *d, const char *key);           /* number of items of a REALLIST */
double aeon_deck_reallist(const aeon_deck *d, const char *key, int i);     /* item i (from 0) of a REALLIST */
/* Lists of mappings: the number of items, and field `field` of item i (from 0), defaults filled in.
 * The field must be declared ("KEY[].FIELD") with the getter's type and i in [0, len). */
int aeon_deck_list_len(const aeon_deck *d, const char *key);
long aeon_deck_list_int(const aeon_deck *d, const char *key, int i, const char *field);          /* INT field */
double aeon_deck_list_real(const aeon_deck *d, const char *key, int i, const char *field);       /* REAL field */
int aeon_deck_list_bool(const aeon_deck *d, const char *key, int i, const char *field);          /* BOOL field */
const char *aeon_deck_list_string(const aeon_deck *d, const char *key, int i, const char *field); /* STRING/ENUM */
void aeon_deck_list_int3(const aeon_deck *d, const char *key, int i, const char *field, long v[3]);   /* INT3 */
void aeon_deck_list_real3(const aeon_deck *d, const char *key, int i, const char *field, double v[3]); /* REAL3 */
/* Returns 1 if key has the same value in decks a and b (loaded with the same declarations), else 0. */
int aeon_deck_same_value(const aeon_deck *a, const aeon_deck *b, const char *key);
/* Returns 1 if the deck or a --set gave key explicitly, 0 if it holds the default (aborts on an undeclared key). */
int aeon_deck_is_set(const aeon_deck *d, const char *key);
/* Returns the deck's original text (kept for output and checkpoint files). */
const char *aeon_deck_text(const aeon_deck *d);
/* Returns the deck's file name as given. */
const char *aeon_deck_filename(const aeon_deck *d);
/* Returns the name among names[0..n-1] nearest to name by edit distance ("did you mean"), or NULL if n is 0. */
const char *aeon_nearest_name(const char *name, int n, const char *const *names);
/* Writes every parameter's effective value as YAML (defaults and overrides applied). */
void aeon_deck_write_effective(const aeon_deck *d, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
