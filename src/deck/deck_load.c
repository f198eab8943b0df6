/* Loading a deck: defaults, then the YAML file, then --set overrides, then required keys. */
#include <string.h>

#include "aeon/memory.h"
#include "deck_internal.h"

#define KEY_MAX 512 /* longest "section.key" looked up; longer names are unknown anyway */

/* A deck's entry for declaration pe: its key, type and, for a LIST, the names and types of the fields. */
static aeon_err entry_new(const deck_pentry *pe, deck_entry *e) {
  AE_CHK(aeon_mem_strdup(pe->d.key, &e->key));
  e->type = pe->d.type;
  if (!pe->nfields) return AEON_OK;
  void *p;
  AE_CHK(aeon_mem_alloc(sizeof(deck_fname) * (size_t)pe->nfields, &p));
  e->fields = p;
  for (; e->nfields < pe->nfields; e->nfields++) {
    e->fields[e->nfields].type = pe->fields[e->nfields].d.type;
    AE_CHK(aeon_mem_strdup(pe->fields[e->nfields].name, &e->fields[e->nfields].name));
  }
  return AEON_OK;
}

static aeon_err deck_new(const aeon_paramset *ps, const char *text, size_t len, const char *filename,
                         aeon_deck **out) {
  void *p;
  AE_CHK(aeon_mem_alloc(sizeof(aeon_deck), &p));
  aeon_deck *d = *out = p;
  AE_CHK(aeon_mem_alloc(len + 1, &p));
  d->text = p;
  if (len) memcpy(d->text, text, len);
  AE_CHK(aeon_mem_strdup(filename, &d->filename));
  AE_CHK(aeon_mem_alloc(sizeof(deck_entry) * (size_t)(ps->n ? ps->n : 1), &p));
  d->e = p;
  while (d->n < ps->n) { /* counted first: a half-made entry is freed with the deck */
    d->n++;
    AE_CHK(entry_new(&ps->e[d->n - 1], &d->e[d->n - 1]));
  }
  return AEON_OK;
}

void aeon_deck_destroy(aeon_deck *d) {
  if (!d) return;
  for (int i = 0; i < d->n; i++) {
    deck_entry *e = &d->e[i];
    aeon_mem_free(e->key);
    deck_value_free(&e->v);
    for (int f = 0; f < e->nfields; f++) aeon_mem_free(e->fields[f].name);
    aeon_mem_free(e->fields);
  }
  aeon_mem_free(d->e);
  aeon_mem_free(d->text);
  aeon_mem_free(d->filename);
  aeon_mem_free(d);
}

/* Copies the defaults, parsed when they were declared. */
static aeon_err apply_defaults(deck_ctx *c) {
  for (int i = 0; i < c->ps->n; i++) AE_CHK(deck_value_copy(&c->d->e[i].v, &c->ps->e[i].def));
  return AEON_OK;
}

static aeon_err unknown_key(deck_ctx *c, const yaml_mark_t *m, const char *key) {
  const char *near = deck_ps_nearest_key(c->ps, key);
  if (!near) return deck_fail(c, m, "unknown key '%.200s' (no parameters are declared)", key);
  return deck_fail(c, m, "unknown key '%.200s' (did you mean '%s'?)", key, near);
}

/* One "key: value" of the file, key being the full "section.name". */
static aeon_err param_pair(deck_ctx *c, yaml_document_t *doc, const char *key, yaml_node_t *kn,
                           yaml_node_t *vn) {
  int i = deck_ps_index(c->ps, key);
  if (i < 0) return unknown_key(c, &kn->start_mark, key);
  deck_entry *e = &c->d->e[i];
  if (e->line) return deck_fail(c, &kn->start_mark, "duplicate key '%s' (first given at line %d)", key, e->line);
  AE_CHK(deck_convert(c, &c->ps->e[i], &e->v, doc, vn));
  e->set = 1;
  e->line = (int)kn->start_mark.line + 1;
  return AEON_OK;
}

/* The text of a mapping key, which must be a scalar. */
static aeon_err key_text(deck_ctx *c, yaml_node_t *kn, const char **name) {
  if (kn->type != YAML_SCALAR_NODE)
    return deck_fail(c, &kn->start_mark, "expected a key name, got %s", deck_node_kind(kn));
  *name = (const char *)kn->data.scalar.value;
  return AEON_OK;
}

static int is_null(const yaml_node_t *n) {
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  const char *s = (const char *)n->data.scalar.value;
  return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static aeon_err section(deck_ctx *c, yaml_document_t *doc, const char *name, yaml_node_t *vn) {
  if (is_null(vn)) return AEON_OK; /* "grid:" with nothing under it */
  if (vn->type != YAML_MAPPING_NODE)
    return deck_fail(c, &vn->start_mark, "expected a mapping (section '%s'), got %s", name, deck_node_kind(vn));
  for (yaml_node_pair_t *pr = vn->data.mapping.pairs.start; pr < vn->data.mapping.pairs.top; pr++) {
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
    const char *sub = NULL;
    AE_CHK(key_text(c, kn, &sub));
    char key[KEY_MAX];
    snprintf(key, sizeof key, "%s.%s", name, sub);
    AE_CHK(param_pair(c, doc, key, kn, yaml_document_get_node(doc, pr->value)));
  }
  return AEON_OK;
}

/* Line of an earlier top-level key equal to name, or 0. */
static int earlier_line(yaml_document_t *doc, yaml_node_t *root, yaml_node_pair_t *upto, const char *name) {
  for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < upto; pr++) {
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
    if (kn->type == YAML_SCALAR_NODE && !strcmp((const char *)kn->data.scalar.value, name))
      return (int)kn->start_mark.line + 1;
  }
  return 0;
}

static aeon_err unknown_top(deck_ctx *c, const char *name, yaml_node_t *kn, yaml_node_t *vn) {
  char near[KEY_MAX];
  if (vn->type != YAML_MAPPING_NODE || !deck_ps_nearest_section(c->ps, name, near, sizeof near))
    return unknown_key(c, &kn->start_mark, name);
  return deck_fail(c, &kn->start_mark, "unknown section '%.200s' (did you mean '%s'?)", name, near);
}

/* One pair of the top-level mapping: a parameter, "section.key", or a section. */
static aeon_err top_pair(deck_ctx *c, yaml_document_t *doc, yaml_node_t *root, yaml_node_pair_t *pr) {
  yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
  yaml_node_t *vn = yaml_document_get_node(doc, pr->value);
  const char *name = NULL;
  AE_CHK(key_text(c, kn, &name));
  if (strchr(name, '.') || deck_ps_index(c->ps, name) >= 0) return param_pair(c, doc, name, kn, vn);
  if (!deck_ps_is_section(c->ps, name)) return unknown_top(c, name, kn, vn);
  int first = earlier_line(doc, root, pr, name);
  if (first) return deck_fail(c, &kn->start_mark, "duplicate key '%s' (first given at line %d)", name, first);
  return section(c, doc, name, vn);
}

static aeon_err walk(deck_ctx *c, yaml_document_t *doc) {
  yaml_node_t *root = yaml_document_get_root_node(doc);
  if (!root || is_null(root)) return AEON_OK; /* empty deck: only defaults */
  if (root->type != YAML_MAPPING_NODE)
    return deck_fail(c, &root->start_mark, "a deck must be a mapping of keys to values, got %s",
                     deck_node_kind(root));
  for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++)
    AE_CHK(top_pair(c, doc, root, pr));
  return AEON_OK;
}

static aeon_err apply_text(deck_ctx *c, const char *text, size_t len) {
  yaml_document_t doc;
  AE_CHK(deck_yaml_load(c, text, len, &doc));
  aeon_err e = walk(c, &doc);
  yaml_document_delete(&doc);
  AE_CHK(e);
  return AEON_OK;
}

/* One "section.key=value" override. */
static aeon_err apply_set(deck_ctx *c, const char *arg) {
  if (!arg) return AE_ERR(AEON_ERR_INTERNAL, "aeon_deck_load: a --set argument is NULL");
  c->set_arg = arg;
  const char *eq = strchr(arg, '=');
  if (!eq) return deck_fail(c, NULL, "expected KEY=VALUE");
  char key[KEY_MAX];
  snprintf(key, sizeof key, "%.*s", (int)(eq - arg < KEY_MAX ? eq - arg : KEY_MAX - 1), arg);
  int i = deck_ps_index(c->ps, key);
  if (i < 0) return unknown_key(c, NULL, key);
  AE_CHK(deck_convert_text(c, &c->ps->e[i], &c->d->e[i].v, eq + 1));
  c->d->e[i].set = 1;
  return AEON_OK;
}

static aeon_err check_required(deck_ctx *c) {
  for (int i = 0; i < c->ps->n; i++) {
    const aeon_param_decl *dl = &c->ps->e[i].d;
    if (dl->def || c->d->e[i].set) continue;
    if (dl->type == AEON_PT_ENUM)
      return deck_fail(c, NULL, "missing required key '%s' (expected one of %s)", dl->key, dl->choices);
    return deck_fail(c, NULL, "missing required key '%s' (expected %s)", dl->key, deck_type_desc(dl->type));
  }
  return AEON_OK;
}

static aeon_err load(deck_ctx *c, const char *text, size_t len, int nset, const char *const *sets) {
  AE_CHK(apply_defaults(c));
  AE_CHK(apply_text(c, text, len));
  for (int i = 0; i < nset; i++) AE_CHK(apply_set(c, sets[i]));
  c->set_arg = NULL;
  AE_CHK(check_required(c));
  return AEON_OK;
}

aeon_err aeon_deck_load(const char *text, size_t len, const char *filename, const aeon_paramset *ps,
                        int nset, const char *const *sets, aeon_deck **deck) {
  *deck = NULL;
  if (!filename) filename = "(deck)";
  if (!text) len = 0;
  aeon_deck *d = NULL;
  aeon_err e = deck_new(ps, text, len, filename, &d);
  deck_ctx c = {.code = AEON_ERR_USER, .file = filename, .ps = ps, .d = d};
  if (e == AEON_OK) e = load(&c, text, len, nset, sets);
  if (e != AEON_OK) {
    aeon_deck_destroy(d);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *deck = d;
  return AEON_OK;
}
