/* Lists in decks: a YAML sequence checked item by item. STRLIST and REALLIST items are single
 * values checked under the name KEY[i]. A LIST item is a mapping: its fields take their declared
 * defaults, then each field given is matched to a declared row KEY[].FIELD (unknown and duplicate
 * fields refused) and checked under the name KEY[i].FIELD, then missing required fields are
 * reported. The new list replaces the old value only once every item has passed. */
#include <limits.h>
#include <string.h>

#include "aeon/memory.h"
#include "deck_internal.h"

#define NAME_LEN 640 /* room for "KEY[i].FIELD" in messages */

static yaml_node_t *item_node(yaml_document_t *doc, const yaml_node_t *seq, long k) {
  return yaml_document_get_node(doc, seq->data.sequence.items.start[k]);
}

/* Something other than a sequence where a list is expected. */
static aeon_err not_a_list(deck_ctx *c, const aeon_param_decl *dl, const yaml_node_t *n) {
  const char *want = deck_type_desc(dl->type);
  if (!n || (n->type == YAML_SCALAR_NODE && !n->data.scalar.length))
    return deck_fail(c, n ? &n->start_mark : NULL, "%s: expected %s, got '' (write [] for none)", dl->key, want);
  if (n->type == YAML_SCALAR_NODE)
    return deck_fail(c, &n->start_mark, "%s: expected %s, got '%.80s'", dl->key, want,
                     (const char *)n->data.scalar.value);
  if (dl->type == AEON_PT_LIST)
    return deck_fail(c, &n->start_mark, "%s: expected %s, got a mapping (a list needs [ ] or items starting with '- ')",
                     dl->key, want);
  return deck_fail(c, &n->start_mark, "%s: expected %s, got %s", dl->key, want, deck_node_kind(n));
}

/* STRLIST and LIST: the number of items against [min, max]. */
static aeon_err check_count(deck_ctx *c, const aeon_param_decl *dl, yaml_document_t *doc, yaml_node_t *n,
                            long count) {
  if (!deck_counts_items(dl->type) || dl->min > dl->max) return AEON_OK;
  if (count < dl->min)
    return deck_fail(c, &n->start_mark, "%s: expected at least %g item%s, got %ld", dl->key, dl->min,
                     dl->min == 1 ? "" : "s", count);
  if (count > dl->max) /* points at the first item too many */
    return deck_fail(c, &item_node(doc, n, (long)dl->max)->start_mark, "%s: expected at most %g item%s, got %ld",
                     dl->key, dl->max, dl->max == 1 ? "" : "s", count);
  return AEON_OK;
}

/* STRLIST and REALLIST: item k is a STRING or a REAL (with the list's range) named KEY[k]. */
static aeon_err scalar_items(deck_ctx *c, const aeon_param_decl *dl, deck_value *out, yaml_document_t *doc,
                             yaml_node_t *n) {
  char name[NAME_LEN];
  aeon_param_decl el = *dl;
  el.type = dl->type == AEON_PT_STRLIST ? AEON_PT_STRING : AEON_PT_REAL;
  el.key = name;
  for (int k = 0; k < out->n; k++) {
    snprintf(name, sizeof name, "%s[%d]", dl->key, k);
    AE_CHK(deck_convert_one(c, &el, &out->elem[k], doc, item_node(doc, n, k)));
  }
  return AEON_OK;
}

/* Index of the field called name, or -1. */
static int field_index(const deck_pentry *pe, const char *name) {
  for (int f = 0; f < pe->nfields; f++)
    if (strcmp(pe->fields[f].name, name) == 0) return f;
  return -1;
}

/* Line of a key equal to name among the pairs of mapping m before `upto`, or 0. */
static int given_before(yaml_document_t *doc, const yaml_node_t *m, const yaml_node_pair_t *upto, const char *name) {
  for (const yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < upto; pr++) {
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
    if (kn->type == YAML_SCALAR_NODE && strcmp((const char *)kn->data.scalar.value, name) == 0)
      return (int)kn->start_mark.line + 1;
  }
  return 0;
}

/* One "field: value" pair of item k (a mapping m); item holds the item's fields. */
static aeon_err item_field(deck_ctx *c, const deck_pentry *pe, deck_value *item, yaml_document_t *doc,
                           const yaml_node_t *m, const yaml_node_pair_t *pr, int k) {
  yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
  if (kn->type != YAML_SCALAR_NODE)
    return deck_fail(c, &kn->start_mark, "%s[%d]: expected a field name, got %s", pe->d.key, k, deck_node_kind(kn));
  const char *fname = (const char *)kn->data.scalar.value;
  char name[NAME_LEN];
  snprintf(name, sizeof name, "%s[%d].%.200s", pe->d.key, k, fname);
  int f = field_index(pe, fname);
  if (f < 0)
    return deck_fail(c, &kn->start_mark, "unknown field '%s' (did you mean '%s'?)", name,
                     deck_nearest_field(pe, fname));
  int first = given_before(doc, m, pr, fname);
  if (first && c->set_arg) return deck_fail(c, &kn->start_mark, "duplicate field '%s'", name);
  if (first) return deck_fail(c, &kn->start_mark, "duplicate field '%s' (first given at line %d)", name, first);
  aeon_param_decl fd = pe->fields[f].d;
  fd.key = name;
  return deck_convert_one(c, &fd, &item[f], doc, yaml_document_get_node(doc, pr->value));
}

/* An item that is not a mapping; the message lists the fields. */
static aeon_err not_a_mapping(deck_ctx *c, const deck_pentry *pe, const yaml_node_t *n, int k) {
  char names[256] = "";
  size_t used = 0;
  for (int f = 0; f < pe->nfields && used < sizeof names; f++)
    used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", f ? ", " : "", pe->fields[f].name);
  if (n->type == YAML_SCALAR_NODE)
    return deck_fail(c, &n->start_mark, "%s[%d]: expected a mapping (fields: %s), got '%.80s'", pe->d.key, k,
                     names, (const char *)n->data.scalar.value);
  return deck_fail(c, &n->start_mark, "%s[%d]: expected a mapping (fields: %s), got %s", pe->d.key, k, names,
                   deck_node_kind(n));
}

/* LIST item k (node n) into item[0 .. nfields). */
static aeon_err map_item(deck_ctx *c, const deck_pentry *pe, deck_value *item, yaml_document_t *doc,
                         yaml_node_t *n, int k) {
  if (n->type != YAML_MAPPING_NODE) return not_a_mapping(c, pe, n, k);
  for (int f = 0; f < pe->nfields; f++)
    if (pe->fields[f].d.def) AE_CHK(deck_value_copy(&item[f], &pe->fields[f].def));
  for (const yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++)
    AE_CHK(item_field(c, pe, item, doc, n, pr, k));
  for (int f = 0; f < pe->nfields; f++) {
    const aeon_param_decl *fd = &pe->fields[f].d;
    if (fd->def || given_before(doc, n, n->data.mapping.pairs.top, pe->fields[f].name)) continue;
    if (fd->type == AEON_PT_ENUM)
      return deck_fail(c, &n->start_mark, "%s[%d].%s: missing required field (expected one of %s)", pe->d.key, k,
                       pe->fields[f].name, fd->choices);
    return deck_fail(c, &n->start_mark, "%s[%d].%s: missing required field (expected %s)", pe->d.key, k,
                     pe->fields[f].name, deck_type_desc(fd->type));
  }
  return AEON_OK;
}

static aeon_err map_items(deck_ctx *c, const deck_pentry *pe, deck_value *out, yaml_document_t *doc,
                          yaml_node_t *n) {
  for (int k = 0; k < out->n; k++)
    AE_CHK(map_item(c, pe, out->elem + (size_t)k * (size_t)pe->nfields, doc, item_node(doc, n, k), k));
  return AEON_OK;
}

aeon_err deck_convert_list(deck_ctx *c, const deck_pentry *pe, deck_value *v, yaml_document_t *doc,
                           yaml_node_t *n) {
  const aeon_param_decl *dl = &pe->d;
  if (!n || n->type != YAML_SEQUENCE_NODE) return not_a_list(c, dl, n);
  long count = (long)(n->data.sequence.items.top - n->data.sequence.items.start);
  AE_CHK(check_count(c, dl, doc, n, count));
  long per = dl->type == AEON_PT_LIST ? pe->nfields : 1;
  if (count > INT_MAX / (per ? per : 1))
    return deck_fail(c, &n->start_mark, "%s: too many items (%ld)", dl->key, count);
  deck_value tmp = {.n = (int)count, .nelem = (int)(count * per)};
  void *p = NULL;
  if (tmp.nelem) AE_CHK(aeon_mem_alloc(sizeof(deck_value) * (size_t)tmp.nelem, &p));
  tmp.elem = p;
  aeon_err e = dl->type == AEON_PT_LIST ? map_items(c, pe, &tmp, doc, n) : scalar_items(c, dl, &tmp, doc, n);
  if (e != AEON_OK) {
    deck_value_free(&tmp);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  deck_value_free(v);
  *v = tmp;
  return AEON_OK;
}
