/* Reading a checked deck: typed getters and the effective-parameter YAML. */
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
static const deck_value *typed(const aeon_deck *d, const char *key, aeon_ptype t, aeon_ptype t2,
                               const char *getter) {
  const deck_entry *e = lookup(d, key, getter);
  if (e->type != t && e->type != t2) misuse(getter, key, deck_type_name(e->type));
  return &e->v;
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

/* Enum choices are identifiers: written plain when that reads back unchanged. */
static void put_enum(FILE *out, const char *s) {
  int plain = s && isalpha((unsigned char)*s);
  for (const char *p = s; plain && *p; p++)
    plain = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.';
  if (plain) fputs(s, out);
  else put_quoted(out, s);
}

static void put_value(FILE *out, const deck_entry *e) {
  const deck_value *v = &e->v;
  switch (e->type) {
  case AEON_PT_INT: fprintf(out, "%ld", v->i[0]); break;
  case AEON_PT_REAL: put_real(out, v->r[0]); break;
  case AEON_PT_BOOL: fputs(v->i[0] ? "true" : "false", out); break;
  case AEON_PT_STRING: put_quoted(out, v->s); break;
  case AEON_PT_ENUM: put_enum(out, v->s); break;
  case AEON_PT_INT3: fprintf(out, "[%ld, %ld, %ld]", v->i[0], v->i[1], v->i[2]); break;
  case AEON_PT_REAL3:
    for (int k = 0; k < 3; k++) {
      fputs(k ? ", " : "[", out);
      put_real(out, v->r[k]);
    }
    fputc(']', out);
    break;
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
    put_value(out, &d->e[i]);
    fputc('\n', out);
  }
}
