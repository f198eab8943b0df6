/* Parameter sets: the declarations of every module, kept sorted by key. */
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
    aeon_mem_free(ps->e[i].module);
    aeon_mem_free(ps->e[i].choices);
    aeon_mem_free(ps->e[i].def.s);
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
  if (!key || !*key) return 0;
  const char *dot = strchr(key, '.');
  if (!dot) return 1;
  return dot != key && dot[1] != '\0' && strchr(dot + 1, '.') == NULL;
}

/* Checks one declaration before it joins the set; every failure is a bug in the declaring module. */
static aeon_err check_decl(const aeon_paramset *ps, const char *module, const aeon_param_decl *dl) {
  if (!key_well_formed(dl->key))
    return AE_ERR(AEON_ERR_INTERNAL, "module '%s' declares a malformed parameter key '%s'", module,
                  dl->key ? dl->key : "(null)");
  if (dl->type < AEON_PT_INT || dl->type > AEON_PT_REAL3)
    return AE_ERR(AEON_ERR_INTERNAL, "parameter '%s' has an unknown type %d", dl->key, (int)dl->type);
  if (dl->type == AEON_PT_ENUM && (!dl->choices || !*dl->choices))
    return AE_ERR(AEON_ERR_INTERNAL, "enum parameter '%s' declares no choices", dl->key);
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

/* Parses the declared default (if any) into *v; a bad default is a bug of the declaring module. */
static aeon_err parse_default(const aeon_param_decl *dl, deck_value *v) {
  *v = (deck_value){0};
  if (!dl->def) return AEON_OK;
  deck_ctx c = {.code = AEON_ERR_INTERNAL};
  aeon_err e = deck_convert_text(&c, dl, v, dl->def);
  if (e != AEON_OK) {
    aeon_mem_free(v->s);
    v->s = NULL;
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

/* Inserts one declaration at its sorted place. */
static aeon_err insert(aeon_paramset *ps, const char *module, const aeon_param_decl *dl) {
  AE_CHK(check_decl(ps, module, dl));
  AE_CHK(check_section_free(ps, dl->key));
  AE_CHK(grow(ps));
  deck_value def;
  AE_CHK(parse_default(dl, &def));
  char *mod;
  aeon_err e = aeon_mem_strdup(module, &mod);
  if (e != AEON_OK) aeon_mem_free(def.s);
  AE_CHK(e);
  int at = 0;
  while (at < ps->n && strcmp(ps->e[at].d.key, dl->key) < 0) at++;
  memmove(ps->e + at + 1, ps->e + at, (size_t)(ps->n - at) * sizeof(deck_pentry));
  ps->e[at] = (deck_pentry){.d = *dl, .module = mod, .choices = NULL, .def = def};
  ps->n++;
  return AEON_OK;
}

aeon_err aeon_paramset_add(aeon_paramset *ps, const char *module, const aeon_param_decl *decls, int n) {
  if (!module) module = "(unnamed)";
  if (n < 0 || (n > 0 && !decls))
    return AE_ERR(AEON_ERR_INTERNAL, "module '%s' adds %d declarations from a NULL array", module, n);
  for (int i = 0; i < n; i++) AE_CHK(insert(ps, module, &decls[i]));
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
  aeon_param_decl d = pe->d;
  d.choices = copy;
  deck_value def;
  aeon_err e = parse_default(&d, &def); /* the default must stay one of the choices */
  if (e != AEON_OK) aeon_mem_free(copy);
  AE_CHK(e);
  aeon_mem_free(pe->choices);
  aeon_mem_free(pe->def.s);
  pe->choices = copy;
  pe->d.choices = copy;
  pe->def = def;
  return AEON_OK;
}

const aeon_param_decl *aeon_paramset_find(const aeon_paramset *ps, const char *key) {
  int i = deck_ps_index(ps, key);
  return i < 0 ? NULL : &ps->e[i].d;
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
