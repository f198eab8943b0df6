/* Reading a checked deck: typed getters (single values, list items, fields of list items), the
 * comparison of two decks' values, and the effective-parameter YAML (one line per parameter; a
 * list of mappings is written in flow style, [{f: v, ...}, ...], every field filled in). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "deck_internal.h"

/* A getter called with an undeclared key or the wrong type is a bug in the caller. */
static _Noreturn void misuse(const char *getter, const char *key, const char *why) {
  fprintf(stderr, "aeon: bug: %s('%s'): %s\n", getter, key ? key : "(null)", why);
  abort();
}

static const deck_entry *lookup(const aeon_deck *d, const char *key, const char *getter) {
  if (!d || !key) misuse(getter, key, "no deck or no key");
  int lo = 0, hi = d->n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    int c = strcmp(key, d->e[mid].key);
    if (c == 0) return &d->e[mid];
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  misuse(getter, key, "parameter not declared");
}

/* The entry for key, which must have type t (or t2; pass t twice for one type). */
static const deck_entry *typed_entry(const aeon_deck *d, const char *key, aeon_ptype t, aeon_ptype t2,
                                     const char *getter) {
  const deck_entry *e = lookup(d, key, getter);
  if (e->type != t && e->type != t2) misuse(getter, key, deck_type_name(e->type));
  return e;
}

static const deck_value *typed(const aeon_deck *d, const char *key, aeon_ptype t, aeon_ptype t2,
                               const char *getter) {
  return &typed_entry(d, key, t, t2, getter)->v;
}

/* Item i of the STRLIST or REALLIST (type t) key. */
static const deck_value *list_item(const aeon_deck *d, const char *key, aeon_ptype t, int i, const char *getter) {
  const deck_value *v = typed(d, key, t, t, getter);
  if (i < 0 || i >= v->n) misuse(getter, key, "item index out of range");
  return &v->elem[i];
}

/* Field `name` (of type t or t2) of item i of the LIST key. */
static const deck_value *list_field(const aeon_deck *d, const char *key, int i, const char *name, aeon_ptype t,
                                    aeon_ptype t2, const char *getter) {
  const deck_entry *e = typed_entry(d, key, AEON_PT_LIST, AEON_PT_LIST, getter);
  if (i < 0 || i >= e->v.n) misuse(getter, key, "item index out of range");
  char why[320];
  for (int f = 0; f < e->nfields; f++) {
    if (!name || strcmp(e->fields[f].name, name) != 0) continue;
    if (e->fields[f].type == t || e->fields[f].type == t2)
      return &e->v.elem[(size_t)i * (size_t)e->nfields + (size_t)f];
    snprintf(why, sizeof why, "field '%s' is of type %s", name, deck_type_name(e->fields[f].type));
    misuse(getter, key, why);
  }
  snprintf(why, sizeof why, "no field '%.200s' declared", name ? name : "(null)");
  misuse(getter, key, why);
}

long aeon_deck_int(const aeon_deck *d, const char *key) {
  return typed(d, key, AEON_PT_INT, AEON_PT_INT, __func__)->i[0];
}

double aeon_deck_real(const aeon_deck *d, const char *key) {
  return typed(d, key, AEON_PT_REAL, AEON_PT_REAL, __func__)->r[0];
}

int aeon_deck_bool(const aeon_deck *d, const char *key) {
  return (int)typed(d, key, AEON_PT_BOOL, AEON_PT_BOOL, __func__)->i[0];
}

const char *aeon_deck_string(const aeon_deck *d, const char *key) {
  const char *s = typed(d, key, AEON_PT_STRING, AEON_PT_ENUM, __func__)->s;
  return s ? s : "";
}

void aeon_deck_int3(const aeon_deck *d, const char *key, long v[3]) {
  memcpy(v, typed(d, key, AEON_PT_INT3, AEON_PT_INT3, __func__)->i, 3 * sizeof(long));
}

void aeon_deck_real3(const aeon_deck *d, const char *key, double v[3]) {
  memcpy(v, typed(d, key, AEON_PT_REAL3, AEON_PT_REAL3, __func__)->r, 3 * sizeof(double));
}

int aeon_deck_strlist_len(const aeon_deck *d, const char *key) {
  return typed(d, key, AEON_PT_STRLIST, AEON_PT_STRLIST, __func__)->n;
}

const char *aeon_deck_strlist(const aeon_deck *d, const char *key, int i) {
  const char *s = list_item(d, key, AEON_PT_STRLIST, i, __func__)->s;
  return s ? s : "";
}

int aeon_deck_reallist_len(const aeon_deck *d, const char *key) {
  return typed(d, key, AEON_PT_REALLIST, AEON_PT_REALLIST, __func__)->n;
}

double aeon_deck_reallist(const aeon_deck *d, const char *key, int i) {
  return list_item(d, key, AEON_PT_REALLIST, i, __func__)->r[0];
}

int aeon_deck_list_len(const aeon_deck *d, const char *key) {
  return typed(d, key, AEON_PT_LIST, AEON_PT_LIST, __func__)->n;
}

long aeon_deck_list_int(const aeon_deck *d, const char *key, int i, const char *field) {
  return list_field(d, key, i, field, AEON_PT_INT, AEON_PT_INT, __func__)->i[0];
}

double aeon_deck_list_real(const aeon_deck *d, const char *key, int i, const char *field) {
  return list_field(d, key, i, field, AEON_PT_REAL, AEON_PT_REAL, __func__)->r[0];
}

int aeon_deck_list_bool(const aeon_deck *d, const char *key, int i, const char *field) {
  return (int)list_field(d, key, i, field, AEON_PT_BOOL, AEON_PT_BOOL, __func__)->i[0];
}

const char *aeon_deck_list_string(const aeon_deck *d, const char *key, int i, const char *field) {
  const char *s = list_field(d, key, i, field, AEON_PT_STRING, AEON_PT_ENUM, __func__)->s;
  return s ? s : "";
}

void aeon_deck_list_int3(const aeon_deck *d, const char *key, int i, const char *field, long v[3]) {
  memcpy(v, list_field(d, key, i, field, AEON_PT_INT3, AEON_PT_INT3, __func__)->i, 3 * sizeof(long));
}

void aeon_deck_list_real3(const aeon_deck *d, const char *key, int i, const char *field, double v[3]) {
  memcpy(v, list_field(d, key, i, field, AEON_PT_REAL3, AEON_PT_REAL3, __func__)->r, 3 * sizeof(double));
}

int aeon_deck_same_value(const aeon_deck *a, const aeon_deck *b, const char *key) {
  const deck_entry *x = lookup(a, key, __func__), *y = lookup(b, key, __func__);
  if (x->type != y->type || x->nfields != y->nfields) return 0;
  for (int f = 0; f < x->nfields; f++)
    if (x->fields[f].type != y->fields[f].type || strcmp(x->fields[f].name, y->fields[f].name) != 0) return 0;
  return deck_value_equal(x->type, &x->v, &y->v, x->fields, x->nfields);
}

int aeon_deck_is_set(const aeon_deck *d, const char *key) { return lookup(d, key, __func__)->set; }

const char *aeon_deck_text(const aeon_deck *d) { return d->text; }

const char *aeon_deck_filename(const aeon_deck *d) { return d->filename; }

/* Shortest %g form that reads back as exactly x. */
static void put_real(FILE *out, double x) {
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) break;
  }
  fputs(buf, out);
}

/* Decodes the UTF-8 sequence at p (valid, as libyaml hands out); *n is its length (1 if malformed). */
static unsigned long utf8_at(const unsigned char *p, int *n) {
  *n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
  if (*n == 1) return *p;
  unsigned long c = *p & (0x7f >> *n);
  for (int k = 1; k < *n; k++) {
    if ((p[k] & 0xc0) != 0x80) return *n = 1, *p;
    c = c << 6 | (p[k] & 0x3f);
  }
  return c;
}

/* Characters YAML would refuse or fold inside a quoted scalar if written as they are. */
static int needs_escape(unsigned long c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff ||
         c == 0xfffe || c == 0xffff;
}

/* A YAML double-quoted string that reads back as s. */
static void put_quoted(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
    int n;
    unsigned long c = utf8_at(p, &n);
    if (c == '"' || c == '\\') fprintf(out, "\\%c", (int)c);
    else if (c == '\n') fputs("\\n", out);
    else if (c == '\t') fputs("\\t", out);
    else if (needs_escape(c)) fprintf(out, "\\u%04lx", c);
    else fwrite(p, 1, (size_t)n, out);
    p += n;
  }
  fputc('"', out);
}

/* Enum choices and list names are identifiers: written plain when that reads back unchanged. */
static void put_word(FILE *out, const char *s) {
  int plain = s && isalpha((unsigned char)*s);
  for (const char *p = s; plain && *p; p++)
    plain = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.';
  if (plain) fputs(s, out);
  else put_quoted(out, s);
}

static void put_value(FILE *out, aeon_ptype t, const deck_value *v, const deck_fname *fields, int nfields);

/* One item of a list of mappings: {name: value, ...} with every field. */
static void put_item(FILE *out, const deck_value *item, const deck_fname *fields, int nfields) {
  fputc('{', out);
  for (int f = 0; f < nfields; f++) {
    fprintf(out, "%s%s: ", f ? ", " : "", fields[f].name);
    put_value(out, fields[f].type, &item[f], NULL, 0);
  }
  fputc('}', out);
}

static void put_list(FILE *out, aeon_ptype t, const deck_value *v, const deck_fname *fields, int nfields) {
  fputc('[', out);
  for (int k = 0; k < v->n; k++) {
    if (k) fputs(", ", out);
    if (t == AEON_PT_STRLIST) put_word(out, v->elem[k].s);
    else if (t == AEON_PT_REALLIST) put_real(out, v->elem[k].r[0]);
    else put_item(out, v->elem + (size_t)k * (size_t)nfields, fields, nfields);
  }
  fputc(']', out);
}

static void put_value(FILE *out, aeon_ptype t, const deck_value *v, const deck_fname *fields, int nfields) {
  switch (t) {
  case AEON_PT_INT: fprintf(out, "%ld", v->i[0]); break;
  case AEON_PT_REAL: put_real(out, v->r[0]); break;
  case AEON_PT_BOOL: fputs(v->i[0] ? "true" : "false", out); break;
  case AEON_PT_STRING: put_quoted(out, v->s); break;
  case AEON_PT_ENUM: put_word(out, v->s); break;
  case AEON_PT_INT3: fprintf(out, "[%ld, %ld, %ld]", v->i[0], v->i[1], v->i[2]); break;
  case AEON_PT_REAL3:
    for (int k = 0; k < 3; k++) {
      fputs(k ? ", " : "[", out);
      put_real(out, v->r[k]);
    }
    fputc(']', out);
    break;
  case AEON_PT_STRLIST:
  case AEON_PT_REALLIST:
  case AEON_PT_LIST: put_list(out, t, v, fields, nfields); break;
  }
}

void aeon_deck_write_effective(const aeon_deck *d, FILE *out) {
  const char *sec = NULL; /* section being written, NULL at top level */
  size_t seclen = 0;
  fprintf(out, "# Effective parameters: defaults, deck and --set overrides applied.\n");
  for (int i = 0; i < d->n; i++) {
    const char *key = d->e[i].key, *dot = strchr(key, '.');
    size_t len = dot ? (size_t)(dot - key) : 0;
    if (dot && !(sec && len == seclen && !strncmp(sec, key, len)))
      fprintf(out, "%.*s:\n", (int)len, key);
    sec = dot ? key : NULL;
    seclen = len;
    fprintf(out, "%s%s: ", dot ? "  " : "", dot ? dot + 1 : key);
    put_value(out, d->e[i].type, &d->e[i].v, d->e[i].fields, d->e[i].nfields);
    fputc('\n', out);
  }
}
