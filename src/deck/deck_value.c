/* Values: a YAML node checked against a declaration's type, range and choices (lists go on to
 * deck_list.c, which checks each item here under the name KEY[i] or KEY[i].FIELD); and the value
 * helpers: free, deep copy, comparison. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aeon/memory.h"
#include "deck_internal.h"

const char *deck_type_desc(aeon_ptype t) {
  switch (t) {
  case AEON_PT_INT: return "an integer";
  case AEON_PT_REAL: return "a real number";
  case AEON_PT_BOOL: return "true or false";
  case AEON_PT_STRING: return "a string";
  case AEON_PT_ENUM: return "one of the choices";
  case AEON_PT_INT3: return "a list of 3 integers";
  case AEON_PT_REAL3: return "a list of 3 real numbers";
  case AEON_PT_STRLIST: return "a list of strings";
  case AEON_PT_REALLIST: return "a list of real numbers";
  case AEON_PT_LIST: return "a list of mappings";
  }
  return "a value";
}

const char *deck_type_name(aeon_ptype t) {
  static const char *const names[] = {"int", "real", "bool", "string", "enum", "int3", "real3",
                                      "strlist", "reallist", "list"};
  return t >= AEON_PT_INT && t <= AEON_PT_LIST ? names[t] : "?";
}

int deck_is_list_type(aeon_ptype t) { return t == AEON_PT_STRLIST || t == AEON_PT_REALLIST || t == AEON_PT_LIST; }

int deck_counts_items(aeon_ptype t) { return t == AEON_PT_STRLIST || t == AEON_PT_LIST; }

/* Decimal integer, optional sign: 1 ok, 0 not an integer, 2 too large for a long. */
static int parse_long(const char *s, long *out) {
  const char *p = s + (*s == '+' || *s == '-');
  if (!*p) return 0;
  for (const char *q = p; *q; q++)
    if (!isdigit((unsigned char)*q)) return 0;
  errno = 0;
  *out = strtol(s, NULL, 10);
  return errno == ERANGE ? 2 : 1;
}

/* Whole-string finite real number. */
static int parse_real(const char *s, double *out) {
  if (!*s || isspace((unsigned char)*s)) return 0;
  char *end;
  *out = strtod(s, &end);
  return *end == '\0' && isfinite(*out);
}

static int parse_bool(const char *s, long *out) {
  static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
  for (int i = 0; i < 3; i++) {
    if (strcasecmp(s, yes[i]) == 0) return *out = 1, 1;
    if (strcasecmp(s, no[i]) == 0) return *out = 0, 1;
  }
  return 0;
}

static int in_choices(const char *choices, const char *s) {
  size_t n = strlen(s);
  for (const char *p = choices;;) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, s, n) == 0) return 1;
    if (!bar) return 0;
    p = bar + 1;
  }
}

static int is_vec3(aeon_ptype t) { return t == AEON_PT_INT3 || t == AEON_PT_REAL3; }

static aeon_err bad_value(deck_ctx *c, const aeon_param_decl *dl, const yaml_mark_t *m, const char *s,
                          const char *why) {
  return deck_fail(c, m, "%s: expected %s, got '%.80s'%s", dl->key, deck_type_desc(dl->type), s, why);
}

static aeon_err check_range(deck_ctx *c, const aeon_param_decl *dl, const yaml_mark_t *m, double x,
                            const char *shown) {
  if (dl->min > dl->max || (x >= dl->min && x <= dl->max)) return AEON_OK;
  return deck_fail(c, m, "%s: value %s is out of range [%g, %g]", dl->key, shown, dl->min, dl->max);
}

/* Parses component comp of a number-valued parameter. */
static aeon_err number(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, const yaml_mark_t *m,
                       const char *s, int comp) {
  char shown[64];
  if (dl->type == AEON_PT_INT || dl->type == AEON_PT_INT3) {
    int ok = parse_long(s, &v->i[comp]);
    if (ok != 1) return bad_value(c, dl, m, s, ok == 2 ? " (too large)" : "");
    snprintf(shown, sizeof shown, "%ld", v->i[comp]);
    return check_range(c, dl, m, (double)v->i[comp], shown);
  }
  if (!parse_real(s, &v->r[comp])) return bad_value(c, dl, m, s, "");
  snprintf(shown, sizeof shown, "%g", v->r[comp]);
  return check_range(c, dl, m, v->r[comp], shown);
}

static aeon_err set_string(deck_value *v, const char *s) {
  char *copy;
  AE_CHK(aeon_mem_strdup(s, &copy));
  aeon_mem_free(v->s);
  v->s = copy;
  return AEON_OK;
}

static aeon_err convert_scalar(deck_ctx *c, const aeon_param_decl *dl, deck_value *v,
                               const yaml_mark_t *m, const char *s) {
  switch (dl->type) {
  case AEON_PT_BOOL:
    if (!parse_bool(s, &v->i[0])) return bad_value(c, dl, m, s, "");
    return AEON_OK;
  case AEON_PT_ENUM:
    if (!in_choices(dl->choices, s))
      return deck_fail(c, m, "%s: expected one of %s, got '%.80s'", dl->key, dl->choices, s);
    return set_string(v, s);
  case AEON_PT_STRING: return set_string(v, s);
  default: break;
  }
  AE_CHK(number(c, dl, v, m, s, 0));
  for (int k = 1; k < 3 && is_vec3(dl->type); k++) { /* one number means all three */
    v->i[k] = v->i[0];
    v->r[k] = v->r[0];
  }
  return AEON_OK;
}

static aeon_err convert_vec3(deck_ctx *c, const aeon_param_decl *dl, deck_value *v,
                             yaml_document_t *doc, yaml_node_t *n) {
  yaml_node_item_t *it = n->data.sequence.items.start;
  long count = (long)(n->data.sequence.items.top - it);
  if (count != 3)
    return deck_fail(c, &n->start_mark, "%s: expected %s, got %ld item%s", dl->key,
                     deck_type_desc(dl->type), count, count == 1 ? "" : "s");
  for (int k = 0; k < 3; k++) {
    yaml_node_t *item = yaml_document_get_node(doc, it[k]);
    if (!item || item->type != YAML_SCALAR_NODE)
      return deck_fail(c, item ? &item->start_mark : &n->start_mark, "%s: expected %s, got %s as item %d",
                       dl->key, deck_type_desc(dl->type), item ? deck_node_kind(item) : "nothing", k + 1);
    AE_CHK(number(c, dl, v, &item->start_mark, (const char *)item->data.scalar.value, k));
  }
  return AEON_OK;
}

aeon_err deck_convert_one(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, yaml_document_t *doc,
                          yaml_node_t *n) {
  if (!n) return convert_scalar(c, dl, v, NULL, "");
  if (n->type == YAML_SCALAR_NODE)
    return convert_scalar(c, dl, v, &n->start_mark, (const char *)n->data.scalar.value);
  if (n->type == YAML_SEQUENCE_NODE && is_vec3(dl->type)) return convert_vec3(c, dl, v, doc, n);
  if (is_vec3(dl->type))
    return deck_fail(c, &n->start_mark, "%s: expected %s, got %s", dl->key, deck_type_desc(dl->type),
                     deck_node_kind(n));
  return deck_fail(c, &n->start_mark, "%s: expected a scalar, got %s", dl->key, deck_node_kind(n));
}

aeon_err deck_convert(deck_ctx *c, const deck_pentry *pe, deck_value *v, yaml_document_t *doc, yaml_node_t *n) {
  if (deck_is_list_type(pe->d.type)) return deck_convert_list(c, pe, v, doc, n);
  return deck_convert_one(c, &pe->d, v, doc, n);
}

aeon_err deck_convert_text(deck_ctx *c, const deck_pentry *pe, deck_value *v, const char *text) {
  yaml_document_t doc;
  AE_CHK(deck_yaml_load(c, text, strlen(text), &doc));
  aeon_err e = deck_convert(c, pe, v, &doc, yaml_document_get_root_node(&doc));
  yaml_document_delete(&doc);
  AE_CHK(e);
  return AEON_OK;
}

void deck_value_free(deck_value *v) {
  for (int k = 0; k < v->nelem; k++) deck_value_free(&v->elem[k]);
  aeon_mem_free(v->elem);
  aeon_mem_free(v->s);
  *v = (deck_value){0};
}

/* On failure dst holds part of the copy: the caller frees it with deck_value_free. */
aeon_err deck_value_copy(deck_value *dst, const deck_value *src) {
  *dst = *src;
  dst->s = NULL;
  dst->elem = NULL;
  dst->nelem = 0;
  if (src->s) AE_CHK(aeon_mem_strdup(src->s, &dst->s));
  if (!src->nelem) return AEON_OK;
  void *p;
  AE_CHK(aeon_mem_alloc(sizeof(deck_value) * (size_t)src->nelem, &p));
  dst->elem = p; /* zeroed entries: on failure the caller frees dst */
  dst->nelem = src->nelem;
  for (int k = 0; k < src->nelem; k++) AE_CHK(deck_value_copy(&dst->elem[k], &src->elem[k]));
  return AEON_OK;
}

/* The type of item k of a list value (for LIST: of its field k % nfields). */
static aeon_ptype item_type(aeon_ptype t, int k, const deck_fname *fields, int nfields) {
  if (t == AEON_PT_STRLIST) return AEON_PT_STRING;
  if (t == AEON_PT_REALLIST) return AEON_PT_REAL;
  return fields[k % nfields].type;
}

int deck_value_equal(aeon_ptype t, const deck_value *a, const deck_value *b, const deck_fname *fields,
                     int nfields) {
  switch (t) {
  case AEON_PT_INT:
  case AEON_PT_BOOL: return a->i[0] == b->i[0];
  case AEON_PT_REAL: return a->r[0] == b->r[0];
  case AEON_PT_STRING:
  case AEON_PT_ENUM: return strcmp(a->s ? a->s : "", b->s ? b->s : "") == 0;
  case AEON_PT_INT3: return a->i[0] == b->i[0] && a->i[1] == b->i[1] && a->i[2] == b->i[2];
  case AEON_PT_REAL3: return a->r[0] == b->r[0] && a->r[1] == b->r[1] && a->r[2] == b->r[2];
  default: break;
  }
  if (a->n != b->n || a->nelem != b->nelem) return 0;
  for (int k = 0; k < a->nelem; k++)
    if (!deck_value_equal(item_type(t, k, fields, nfields), &a->elem[k], &b->elem[k], NULL, 0)) return 0;
  return 1;
}
