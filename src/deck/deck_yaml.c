/* YAML input for decks: one document, no anchors or aliases, errors located. */
#include <stdarg.h>
#include <string.h>

#include "deck_internal.h"

/* Formats where a message points: the --set argument, FILE:LINE:COL, or FILE. */
static const char *location(deck_ctx *c, const yaml_mark_t *m) {
  if (c->set_arg)
    snprintf(c->loc, sizeof c->loc, "--set '%s'", c->set_arg);
  else if (!c->file)
    snprintf(c->loc, sizeof c->loc, "declared default");
  else if (m)
    snprintf(c->loc, sizeof c->loc, "%s:%zu:%zu", c->file, m->line + 1, m->column + 1);
  else
    snprintf(c->loc, sizeof c->loc, "%s", c->file);
  return c->loc;
}

aeon_err deck_fail(deck_ctx *c, const yaml_mark_t *m, const char *fmt, ...) {
  char msg[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return AE_ERR(c->code, "%s: %s", location(c, m), msg);
}

const char *deck_node_kind(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_SEQUENCE_NODE: return "a sequence";
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "a scalar";
  }
}

static aeon_err syntax_error(deck_ctx *c, const yaml_parser_t *p) {
  if (p->error == YAML_MEMORY_ERROR) return AE_ERR(AEON_ERR_MEM, "out of memory while parsing YAML");
  const char *problem = p->problem ? p->problem : "malformed input";
  if (p->error == YAML_READER_ERROR)
    return deck_fail(c, NULL, "YAML syntax error: %s at byte %zu", problem, p->problem_offset);
  if (!p->context)
    return deck_fail(c, &p->problem_mark, "YAML syntax error: %s", problem);
  if (p->context_mark.line == p->problem_mark.line)
    return deck_fail(c, &p->problem_mark, "YAML syntax error: %s %s", problem, p->context);
  return deck_fail(c, &p->problem_mark, "YAML syntax error: %s %s (started at line %zu)", problem,
                   p->context, p->context_mark.line + 1);
}

/* Rejects the YAML features decks do not use: anchors, aliases, a second document. */
static aeon_err check_event(deck_ctx *c, const yaml_event_t *ev, int *ndocs) {
  const yaml_char_t *anchor = NULL;
  switch (ev->type) {
  case YAML_ALIAS_EVENT: anchor = ev->data.alias.anchor; break;
  case YAML_SCALAR_EVENT: anchor = ev->data.scalar.anchor; break;
  case YAML_SEQUENCE_START_EVENT: anchor = ev->data.sequence_start.anchor; break;
  case YAML_MAPPING_START_EVENT: anchor = ev->data.mapping_start.anchor; break;
  case YAML_DOCUMENT_START_EVENT:
    if (++*ndocs > 1)
      return deck_fail(c, &ev->start_mark, "multiple YAML documents are not supported (a deck is one document)");
    break;
  default: break;
  }
  if (anchor)
    return deck_fail(c, &ev->start_mark, "YAML anchors and aliases are not supported (found '%c%.64s')",
                     ev->type == YAML_ALIAS_EVENT ? '*' : '&', (const char *)anchor);
  return AEON_OK;
}

/* Walks the event stream once: syntax errors and unsupported features surface here. */
static aeon_err prescan(deck_ctx *c, const char *text, size_t len) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) return AE_ERR(AEON_ERR_MEM, "cannot initialize the YAML parser");
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  aeon_err e = AEON_OK;
  int ndocs = 0;
  for (int done = 0; !done && e == AEON_OK;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      e = syntax_error(c, &p);
      break;
    }
    e = check_event(c, &ev, &ndocs);
    done = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&p);
  return e;
}

aeon_err deck_yaml_load(deck_ctx *c, const char *text, size_t len, yaml_document_t *doc) {
  if (!text) text = "";
  AE_CHK(prescan(c, text, len));
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) return AE_ERR(AEON_ERR_MEM, "cannot initialize the YAML parser");
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  aeon_err e = AEON_OK;
  if (!yaml_parser_load(&p, doc)) e = syntax_error(c, &p);
  yaml_parser_delete(&p);
  return e;
}
