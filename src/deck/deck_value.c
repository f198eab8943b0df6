/* Values: a YAML node checked against a declaration's type, range and choices. */
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
  }
  return "a value";
}

const char *deck_type_name(aeon_ptype t) {
  static const char *const names[] = {"int", "real", "bool", "string", "enum", "int3", "real3"};
  return t >= AEON_PT_INT && t <= AEON_PT_REAL3 ? names[t] : "?";
}

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

static int is_list(aeon_ptype t) { return t == AEON_PT_INT3 || t == AEON_PT_REAL3; }

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
  for (int k = 1; k < 3 && is_list(dl->type); k++) { /* one number means all three */
    v->i[k] = v->i[0];
    v->r[k] = v->r[0];
  }
  return AEON_OK;
}

static aeon_err convert_list(deck_ctx *c, const aeon_param_decl *dl, deck_value *v,
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

aeon_err deck_convert(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, yaml_document_t *doc,
                      yaml_node_t *n) {
  if (!n) return convert_scalar(c, dl, v, NULL, "");
  if (n->type == YAML_SCALAR_NODE)
    return convert_scalar(c, dl, v, &n->start_mark, (const char *)n->data.scalar.value);
  if (n->type == YAML_SEQUENCE_NODE && is_list(dl->type)) return convert_list(c, dl, v, doc, n);
  if (is_list(dl->type))
    return deck_fail(c, &n->start_mark, "%s: expected %s, got %s", dl->key, deck_type_desc(dl->type),
                     deck_node_kind(n));
  return deck_fail(c, &n->start_mark, "%s: expected a scalar, got %s", dl->key, deck_node_kind(n));
}

aeon_err deck_convert_text(deck_ctx *c, const aeon_param_decl *dl, deck_value *v, const char *text) {
  yaml_document_t doc;
  AE_CHK(deck_yaml_load(c, text, strlen(text), &doc));
  aeon_err e = deck_convert(c, dl, v, &doc, yaml_document_get_root_node(&doc));
  yaml_document_delete(&doc);
  AE_CHK(e);
  return AEON_OK;
}
