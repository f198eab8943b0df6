/* `aeon params`: every declared parameter as an aligned text table or a Markdown table. */
#include <string.h>

#include "deck_internal.h"

enum { NCOL = 6, CELL = 512 };

static const char *const header[NCOL] = {"key", "type", "default", "range/choices", "restart", "doc"};

/* Fills the cells of one parameter's row. */
static void row_cells(const aeon_param_decl *dl, char cells[NCOL][CELL]) {
  snprintf(cells[0], CELL, "%s", dl->key);
  snprintf(cells[1], CELL, "%s", deck_type_name(dl->type));
  if (!dl->def) snprintf(cells[2], CELL, "(required)");
  else snprintf(cells[2], CELL, "%s", *dl->def ? dl->def : "\"\"");
  if (dl->type == AEON_PT_ENUM) snprintf(cells[3], CELL, "%s", dl->choices);
  else if (dl->type != AEON_PT_BOOL && dl->type != AEON_PT_STRING && dl->min <= dl->max)
    snprintf(cells[3], CELL, "[%g, %g]", dl->min, dl->max);
  else snprintf(cells[3], CELL, "-");
  snprintf(cells[4], CELL, "%s", dl->restart == AEON_RESTART_FIXED ? "fixed" : "changeable");
  snprintf(cells[5], CELL, "%s", dl->doc ? dl->doc : "");
}

static void widths(const aeon_paramset *ps, int w[NCOL]) {
  char cells[NCOL][CELL];
  for (int k = 0; k < NCOL; k++) w[k] = (int)strlen(header[k]);
  for (int i = 0; i < ps->n; i++) {
    row_cells(&ps->e[i].d, cells);
    for (int k = 0; k < NCOL; k++)
      if ((int)strlen(cells[k]) > w[k]) w[k] = (int)strlen(cells[k]);
  }
}

static void text_row(FILE *out, const char *const *cells, const int w[NCOL]) {
  for (int k = 0; k < NCOL - 1; k++) fprintf(out, "%-*s  ", w[k], cells[k]);
  fprintf(out, "%s\n", cells[NCOL - 1]);
}

static void print_text(const aeon_paramset *ps, FILE *out) {
  int w[NCOL];
  char cells[NCOL][CELL];
  const char *row[NCOL];
  widths(ps, w);
  text_row(out, header, w);
  for (int i = 0; i < ps->n; i++) {
    row_cells(&ps->e[i].d, cells);
    for (int k = 0; k < NCOL; k++) row[k] = cells[k];
    text_row(out, row, w);
  }
}

/* A Markdown cell: '|' escaped; code is wrapped in backticks. */
static void md_cell(FILE *out, const char *s, int code) {
  fputs(code ? " `" : " ", out);
  for (; *s; s++) {
    if (*s == '|') fputc('\\', out);
    fputc(*s, out);
  }
  fputs(code ? "` |" : " |", out);
}

static void print_markdown(const aeon_paramset *ps, FILE *out) {
  char cells[NCOL][CELL];
  fputs("|", out);
  for (int k = 0; k < NCOL; k++) md_cell(out, header[k], 0);
  fputs("\n|", out);
  for (int k = 0; k < NCOL; k++) fputs(" --- |", out);
  fputc('\n', out);
  for (int i = 0; i < ps->n; i++) {
    row_cells(&ps->e[i].d, cells);
    fputs("|", out);
    for (int k = 0; k < NCOL; k++) md_cell(out, cells[k], k == 0 || (k == 2 && ps->e[i].d.def));
    fputc('\n', out);
  }
}

void aeon_paramset_print(const aeon_paramset *ps, FILE *out, int markdown) {
  if (markdown) print_markdown(ps, out);
  else print_text(ps, out);
}
