/* `aeon params`: every declared parameter as an aligned text table or a Markdown table. A list
 * of mappings is one row, followed by one row per field, "KEY[].FIELD", under the list's restart policy. */
#include <string.h>

#include "deck_internal.h"

enum { NCOL = 6, CELL = 512 };

static const char *const header[NCOL] = {"key", "type", "default", "range/choices", "restart", "doc"};

/* The declaration of a row: parameter pe (f < 0) or its field f. */
static const aeon_param_decl *row_decl(const deck_pentry *pe, int f) { return f < 0 ? &pe->d : &pe->fields[f].d; }

/* Fills the cells of one row. */
static void row_cells(const deck_pentry *pe, int f, char cells[NCOL][CELL]) {
  const aeon_param_decl *dl = row_decl(pe, f);
  snprintf(cells[0], CELL, "%s", dl->key);
  snprintf(cells[1], CELL, "%s", deck_type_name(dl->type));
  if (!dl->def) snprintf(cells[2], CELL, "(required)");
  else snprintf(cells[2], CELL, "%s", *dl->def ? dl->def : "\"\"");
  if (dl->type == AEON_PT_ENUM) snprintf(cells[3], CELL, "%s", dl->choices);
  else if (dl->type == AEON_PT_BOOL || dl->type == AEON_PT_STRING || dl->min > dl->max) snprintf(cells[3], CELL, "-");
  else if (deck_counts_items(dl->type)) snprintf(cells[3], CELL, "[%g, %g] items", dl->min, dl->max);
  else snprintf(cells[3], CELL, "[%g, %g]", dl->min, dl->max);
  snprintf(cells[4], CELL, "%s", pe->d.restart == AEON_RESTART_FIXED ? "fixed" : "changeable");
  snprintf(cells[5], CELL, "%s", dl->doc ? dl->doc : "");
}

static void widths(const aeon_paramset *ps, int w[NCOL]) {
  char cells[NCOL][CELL];
  for (int k = 0; k < NCOL; k++) w[k] = (int)strlen(header[k]);
  for (int i = 0; i < ps->n; i++)
    for (int f = -1; f < ps->e[i].nfields; f++) {
      row_cells(&ps->e[i], f, cells);
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
  for (int i = 0; i < ps->n; i++)
    for (int f = -1; f < ps->e[i].nfields; f++) {
      row_cells(&ps->e[i], f, cells);
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
  for (int i = 0; i < ps->n; i++)
    for (int f = -1; f < ps->e[i].nfields; f++) {
      row_cells(&ps->e[i], f, cells);
      fputs("|", out);
      for (int k = 0; k < NCOL; k++) md_cell(out, cells[k], k == 0 || (k == 2 && row_decl(&ps->e[i], f)->def));
      fputc('\n', out);
    }
}

void aeon_paramset_print(const aeon_paramset *ps, FILE *out, int markdown) {
  if (markdown) print_markdown(ps, out);
  else print_text(ps, out);
}
