/* aeon params [SECTION | KEY | PATTERN] [--markdown]: the parameter table, whole or filtered. The table is printed
 * into memory, then its header lines and the rows whose key matches are copied to stdout: a section name matches
 * its keys (grid: grid.*), a key itself (and the fields of a list, KEY[].FIELD), a shell pattern matches keys by
 * fnmatch ('*every*'), and when none of these matches, any part of a key does (every). */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/sim.h"
#include "cli/commands.h"

/* The key of a table row: the first word of a text row, the first cell of a Markdown row ("| `key` |"). */
static void row_key(const char *row, int md, char *key, size_t len) {
  if (md) row += strspn(row, "| `");
  size_t n = strcspn(row, md ? "` |" : " \n");
  if (n >= len) n = len - 1;
  memcpy(key, row, n);
  key[n] = '\0';
}

/* 1 if key is selected by filter in the given mode (0: section, key or pattern; 1: part of the key). */
static int selected(const char *key, const char *filter, int part) {
  if (part) return strstr(key, filter) != NULL;
  if (strpbrk(filter, "*?[")) return fnmatch(filter, key, 0) == 0;
  size_t n = strlen(filter);
  return strncmp(key, filter, n) == 0 && (key[n] == '\0' || key[n] == '.' || key[n] == '[');
}

/* Copies the header lines of the table (1 for text, 2 for Markdown) and the selected rows to out (NULL: only counts); returns the number of selected rows. */
static int print_rows(char *table, int md, const char *filter, int part, FILE *out) {
  int header = md ? 2 : 1, line = 0, rows = 0;
  char key[256];
  for (char *s = table; *s; line++) {
    char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);
    row_key(s, md, key, sizeof key);
    if (line >= header && selected(key, filter, part)) rows++;
    if (out && (line < header || selected(key, filter, part))) fwrite(s, 1, n, out);
    s += n;
  }
  return rows;
}

/* The refusal of a filter that selects nothing, with the nearest key. */
static aeon_err nothing_matches(const aeon_paramset *ps, const char *filter) {
  int n = aeon_paramset_count(ps);
  const char **names = calloc((size_t)n + 1, sizeof *names);
  for (int i = 0; names && i < n; i++) names[i] = aeon_paramset_get(ps, i, NULL)->key;
  const char *near = names ? aeon_nearest_name(filter, n, names) : NULL;
  char hint[300] = "";
  if (near) snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
  free(names);
  return AE_ERR(AEON_ERR_USER, "params: no parameter matches '%s'%s; give a section (grid), a key (grid.n), a pattern "
                "('*every*') or part of a key", filter, hint);
}

int aeon_cmd_params(int argc, char **argv) {
  int md = 0;
  const char *filter = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--markdown") == 0) md = 1;
    else if (argv[i][0] == '-')
      return aeon_cli_report(AE_ERR(AEON_ERR_USER, "params: unknown option '%s' (known: --markdown)", argv[i]), 0);
    else if (filter)
      return aeon_cli_report(AE_ERR(AEON_ERR_USER, "params: more than one filter given ('%s' and '%s')", filter, argv[i]), 0);
    else filter = argv[i];
  }
  aeon_paramset *ps = NULL;
  aeon_err e = aeon_params_all(&ps);
  if (e) return aeon_cli_report(e, 0);
  if (!filter) {
    aeon_paramset_print(ps, stdout, md);
    aeon_paramset_destroy(ps);
    return AEON_EXIT_OK;
  }
  char *table = NULL;
  size_t size = 0;
  FILE *mem = open_memstream(&table, &size);
  if (!mem) e = AE_ERR(AEON_ERR_MEM, "params: cannot build the table in memory");
  if (!e) {
    aeon_paramset_print(ps, mem, md);
    fclose(mem);
    int part = print_rows(table, md, filter, 0, NULL) == 0;
    if (print_rows(table, md, filter, part, NULL) == 0) e = nothing_matches(ps, filter);
    else print_rows(table, md, filter, part, stdout);
  }
  free(table);
  aeon_paramset_destroy(ps);
  return e ? aeon_cli_report(e, 0) : AEON_EXIT_OK;
}
