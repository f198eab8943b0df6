/* Input decks: YAML files checked against parameters that modules declare once
 * (name, type, default, range or choices, one-line doc). No MPI in here: the
 * parser is a plain library function (and a fuzz target). */
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
  AEON_PT_REAL3   /* three reals: [a, b, c], or one real meaning all three */
} aeon_ptype;

/* Restart policy of a parameter. */
enum { AEON_RESTART_CHANGEABLE = 0, AEON_RESTART_FIXED = 1 };

/* One declared parameter. Arrays of these are static data of the module that owns them. */
typedef struct aeon_param_decl {
  const char *key;     /* "section.name", or "name" for a top-level key */
  aeon_ptype type;     /* value type */
  const char *def;     /* default written as deck text; NULL means the key is required */
  double min, max;     /* inclusive range for numbers (each component for lists); unchecked if min > max */
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
/* Returns the declaration of key, or NULL (valid until the next aeon_paramset_add). */
const aeon_param_decl *aeon_paramset_find(const aeon_paramset *ps, const char *key);
/* Returns the number of declarations. */
int aeon_paramset_count(const aeon_paramset *ps);
/* Returns declaration i (sorted by key) and, through module, its owner (valid until the next aeon_paramset_add). */
const aeon_param_decl *aeon_paramset_get(const aeon_paramset *ps, int i, const char **module);
/* Prints every parameter as a table (markdown != 0: a Markdown table for docs/). */
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
/* Returns 1 if the deck or a --set gave key explicitly, 0 if it holds the default (aborts on an undeclared key). */
int aeon_deck_is_set(const aeon_deck *d, const char *key);
/* Returns the deck's original text (kept for output and checkpoint files). */
const char *aeon_deck_text(const aeon_deck *d);
/* Returns the deck's file name as given. */
const char *aeon_deck_filename(const aeon_deck *d);
/* Writes every parameter's effective value as YAML (defaults and overrides applied). */
void aeon_deck_write_effective(const aeon_deck *d, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
