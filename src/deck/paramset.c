/* Parameter sets: the declarations of every module, kept sorted by key. A module's rows
 * "KEY[].FIELD" are not parameters of their own: aeon_paramset_add attaches them, in table
 * order, to the LIST parameter KEY of the same table, then parses the list's default. */
#include <ctype.h>
#include <string.h>

#include "aeon/memory.h"
#include "deck_internal.h"

aeon_err aeon_paramset_create(aeon_paramset **ps) {
  void *p;
  *ps = NULL;
  AE_CHK(aeon_mem_alloc(sizeof(aeon_paramset), &p));
  *ps = p;
  return AEON_OK;
}

void aeon_paramset_destroy(aeon_paramset *ps) {
  if (!ps) return;
  for (int i = 0; i < ps->n; i++) {
    deck_pentry *pe = &ps->e[i];
    aeon_mem_free(pe->module);
    aeon_mem_free(pe->choices);
    deck_value_free(&pe->def);
    for (int f = 0; f < pe->nfields; f++) deck_value_free(&pe->fields[f].def);
    aeon_mem_free(pe->fields);
  }
  aeon_mem_free(ps->e);
  aeon_mem_free(ps);
}

int deck_ps_index(const aeon_paramset *ps, const char *key) {
  int lo = 0, hi = ps->n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    int c = strcmp(key, ps->e[mid].d.key);
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

/* Length of the section part of key ("grid" in "grid.n"), 0 for a top-level key. */
static size_t section_len(const char *key) {
  const char *dot = strchr(key, '.');
  return dot ? (size_t)(dot - key) : 0;
}

int deck_ps_is_section(const aeon_paramset *ps, const char *name) {
  size_t len = strlen(name);
  for (int i = 0; i < ps->n; i++) {
    const char *k = ps->e[i].d.key;
    if (section_len(k) == len && strncmp(k, name, len) == 0) return 1;
  }
  return 0;
}

/* Checks that key is "name" or "section.name" with non-empty parts. */
static int key_well_formed(const char *key) {
  if (!key || !*key || strpbrk(key, "[]")) return 0;
  const char *dot = strchr(key, '.');
  if (!dot) return 1;
  return dot != key && dot[1] != '\0' && strchr(dot + 1, '.') == NULL;
}

/* Checks one declaration before it joins the set; every failure is a bug in the declaring module. */
static aeon_err check_decl(const aeon_paramset *ps, const char *module, const aeon_param_decl *dl) {
  if (!key_well_formed(dl->key))
    return AE_ERR(AEON_ERR_INTERNAL, "module '%s' declares a malformed parameter key '%s'", module,
                  dl->key ? dl->key : "(null)");
  if (dl->type < AEON_PT_INT || dl->type > AEON_PT_LIST)
    return AE_ERR(AEON_ERR_INTERNAL, "parameter '%s' has an unknown type %d", dl->key, (int)dl->type);
  if (dl->type == AEON_PT_ENUM && (!dl->choices || !*dl->choices))
    return AE_ERR(AEON_ERR_INTERNAL, "enum parameter '%s' declares no choices", dl->key);
  if (deck_counts_items(dl->type) && dl->min <= dl->max && dl->min < 0)
    return AE_ERR(AEON_ERR_INTERNAL, "list parameter '%s' allows a negative number of items (%g)", dl->key, dl->min);
  int i = deck_ps_index(ps, dl->key);
  if (i >= 0)
    return AE_ERR(AEON_ERR_INTERNAL, "parameter '%s' declared twice (modules '%s' and '%s')",
                  dl->key, ps->e[i].module, module);
  if (!section_len(dl->key) && deck_ps_is_section(ps, dl->key))
    return AE_ERR(AEON_ERR_INTERNAL, "parameter '%s' has the name of a section", dl->key);
  return AEON_OK;
}

/* Rejects "grid.n" when "grid" is a top-level parameter (and the reverse, in check_decl). */
static aeon_err check_section_free(const aeon_paramset *ps, const char *key) {
  size_t len = section_len(key);
  if (!len) return AEON_OK;
  for (int i = 0; i < ps->n; i++) {
    const char *k = ps->e[i].d.key;
    if (strlen(k) == len && strncmp(k, key, len) == 0)
      return AE_ERR(AEON_ERR_INTERNAL, "section of '%s' has the name of parameter '%s'", key, k);
  }
  return AEON_OK;
}

/* Parses the declared default of pe (if any) into *v; a bad default is a bug of the declaring module. */
static aeon_err parse_default(const deck_pentry *pe, deck_value *v) {
  *v = (deck_value){0};
  if (!pe->d.def) return AEON_OK;
  deck_ctx c = {.code = AEON_ERR_INTERNAL};
  aeon_err e = deck_convert_text(&c, pe, v, pe->d.def);
  if (e != AEON_OK) {
    deck_value_free(v);
    AE_CHK(e);
  }
  return AEON_OK;
}

static aeon_err grow(aeon_paramset *ps) {
  if (ps->n < ps->cap) return AEON_OK;
  int cap = ps->cap ? 2 * ps->cap : 32;
  void *p = ps->e;
  AE_CHK(aeon_mem_realloc((size_t)ps->cap * sizeof(deck_pentry), (size_t)cap * sizeof(deck_pentry), &p));
  ps->e = p;
  ps->cap = cap;
  return AEON_OK;
}

/* Inserts one declaration at its sorted place (a LIST's default waits for its fields: finish_list). */
static aeon_err insert(aeon_paramset *ps, const char *module, const aeon_param_decl *dl) {
  AE_CHK(check_decl(ps, module, dl));
  AE_CHK(check_section_free(ps, dl->key));
  AE_CHK(grow(ps));
  deck_pentry pe = {.d = *dl};
  if (dl->type != AEON_PT_LIST) AE_CHK(parse_default(&pe, &pe.def));
  aeon_err e = aeon_mem_strdup(module, &pe.module);
  if (e != AEON_OK) deck_value_free(&pe.def);
  AE_CHK(e);
  int at = 0;
  while (at < ps->n && strcmp(ps->e[at].d.key, dl->key) < 0) at++;
  memmove(ps->e + at + 1, ps->e + at, (size_t)(ps->n - at) * sizeof(deck_pentry));
  ps->e[at] = pe;
  ps->n++;
  return AEON_OK;
}

/* 1 if key is a field row "KEY[].FIELD". */
static int is_field_key(const char *key) { return key && strstr(key, "[].") != NULL; }

/* A field name: a letter or '_', then letters, digits, '_' (written plain in params.yaml). */
static int field_name_ok(const char *s) {
  if (!isalpha((unsigned char)*s) && *s != '_') return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_') return 0;
  return 1;
}

/* The LIST entry of module that field row key belongs to, or NULL. */
static deck_pentry *list_of_field(aeon_paramset *ps, const char *module, const char *key) {
  char base[512];
  size_t len = (size_t)(strstr(key, "[].") - key);
  if (len >= sizeof base) return NULL;
  memcpy(base, key, len);
  base[len] = '\0';
  int i = deck_ps_index(ps, base);
  if (i < 0 || ps->e[i].d.type != AEON_PT_LIST || strcmp(ps->e[i].module, module) != 0) return NULL;
  return &ps->e[i];
}

/* Checks field row dl and appends it to the fields of its list. */
static aeon_err attach_field(aeon_paramset *ps, const char *module, const aeon_param_decl *dl) {
  deck_pentry *pe = list_of_field(ps, module, dl->key);
  const char *name = strstr(dl->key, "[].") + 3;
  if (!pe)
    return AE_ERR(AEON_ERR_INTERNAL, "field '%s' of module '%s' has no list parameter (type list) in the same table",
                  dl->key, module);
  if (!field_name_ok(name)) return AE_ERR(AEON_ERR_INTERNAL, "list field '%s' has a malformed name", dl->key);
  if (dl->type < AEON_PT_INT || dl->type > AEON_PT_REAL3)
    return AE_ERR(AEON_ERR_INTERNAL, "list field '%s' must have a single-value type (int .. real3)", dl->key);
  if (dl->type == AEON_PT_ENUM && (!dl->choices || !*dl->choices))
    return AE_ERR(AEON_ERR_INTERNAL, "enum field '%s' declares no choices", dl->key);
  for (int f = 0; f < pe->nfields; f++)
    if (strcmp(pe->fields[f].name, name) == 0)
      return AE_ERR(AEON_ERR_INTERNAL, "list field '%s' declared twice", dl->key);
  deck_field fd = {.d = *dl, .name = name};
  AE_CHK(parse_default(&(deck_pentry){.d = *dl}, &fd.def));
  void *p = pe->fields;
  size_t have = (size_t)pe->nfields * sizeof(deck_field);
  aeon_err e = aeon_mem_realloc(have, have + sizeof(deck_field), &p);
  if (e != AEON_OK) deck_value_free(&fd.def);
  AE_CHK(e);
  pe->fields = p;
  pe->fields[pe->nfields++] = fd;
  return AEON_OK;
}

/* A LIST declared in this table: it needs fields, then its default can be parsed. */
static aeon_err finish_list(aeon_paramset *ps, const char *key) {
  deck_pentry *pe = &ps->e[deck_ps_index(ps, key)];
  if (!pe->nfields)
    return AE_ERR(AEON_ERR_INTERNAL, "list parameter '%s' declares no fields (rows '%s[].NAME')", key, key);
  AE_CHK(parse_default(pe, &pe->def));
  return AEON_OK;
}

aeon_err aeon_paramset_add(aeon_paramset *ps, const char *module, const aeon_param_decl *decls, int n) {
  if (!module) module = "(unnamed)";
  if (n < 0 || (n > 0 && !decls))
    return AE_ERR(AEON_ERR_INTERNAL, "module '%s' adds %d declarations from a NULL array", module, n);
  for (int i = 0; i < n; i++)
    if (!is_field_key(decls[i].key)) AE_CHK(insert(ps, module, &decls[i]));
  for (int i = 0; i < n; i++)
    if (is_field_key(decls[i].key)) AE_CHK(attach_field(ps, module, &decls[i]));
  for (int i = 0; i < n; i++)
    if (!is_field_key(decls[i].key) && decls[i].type == AEON_PT_LIST) AE_CHK(finish_list(ps, decls[i].key));
  return AEON_OK;
}

aeon_err aeon_paramset_set_choices(aeon_paramset *ps, const char *key, const char *choices) {
  int i = deck_ps_index(ps, key);
  if (i < 0 || ps->e[i].d.type != AEON_PT_ENUM)
    return AE_ERR(AEON_ERR_INTERNAL, "set_choices: '%s' is not a declared enum parameter", key);
  if (!choices || !*choices)
    return AE_ERR(AEON_ERR_INTERNAL, "set_choices: empty choices for '%s'", key);
  deck_pentry *pe = &ps->e[i];
  char *copy;
  AE_CHK(aeon_mem_strdup(choices, &copy));
  deck_pentry with = *pe;
  with.d.choices = copy;
  deck_value def;
  aeon_err e = parse_default(&with, &def); /* the default must stay one of the choices */
  if (e != AEON_OK) aeon_mem_free(copy);
  AE_CHK(e);
  aeon_mem_free(pe->choices);
  deck_value_free(&pe->def);
  pe->choices = copy;
  pe->d.choices = copy;
  pe->def = def;
  return AEON_OK;
}

const aeon_param_decl *aeon_paramset_find(const aeon_paramset *ps, const char *key) {
  if (!is_field_key(key)) {
    int i = deck_ps_index(ps, key);
    return i < 0 ? NULL : &ps->e[i].d;
  }
  for (int i = 0; i < ps->n; i++) /* a field row: its own key is the full "KEY[].FIELD" */
    for (int f = 0; f < ps->e[i].nfields; f++)
      if (strcmp(ps->e[i].fields[f].d.key, key) == 0) return &ps->e[i].fields[f].d;
  return NULL;
}

int aeon_paramset_count(const aeon_paramset *ps) { return ps->n; }

const aeon_param_decl *aeon_paramset_get(const aeon_paramset *ps, int i, const char **module) {
  if (i < 0 || i >= ps->n) {
    if (module) *module = NULL;
    return NULL;
  }
  if (module) *module = ps->e[i].module;
  return &ps->e[i].d;
}
