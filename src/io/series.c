/* ASCII time series: a '# ' line of column names first (numpy.genfromtxt(names=True) takes its names from the
 * first line), then the '# ' free-text header lines (comments to a reader), then one row per call with %.17g
 * values (bit-exact on read-back), flushed each time. */
#include "aeon/output.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "aeon/memory.h"

struct aeon_series {
  FILE *fp;
  char *path;
  int ncol;
  int step_col; /* index of a column named "step" (printed as an integer), or -1 */
};

/* Returns an I/O error naming the series file, with errno's text. */
static aeon_err write_error(const aeon_series *s, const char *what, int err) {
  return AE_ERR(AEON_ERR_IO, "cannot write series file '%s': %s: %s", s->path, what,
                err ? strerror(err) : "write error");
}

/* Writes every line of the free-text header prefixed with "# ". */
static void put_header_text(FILE *fp, const char *header) {
  const char *p = header;
  while (p && *p) {
    const char *nl = strchr(p, '\n');
    int len = nl ? (int)(nl - p) : (int)strlen(p);
    fprintf(fp, "# %.*s\n", len, p);
    p = nl ? nl + 1 : NULL;
  }
}

/* Checks the column names: present, and no whitespace (a reader splits on it). */
static aeon_err check_columns(const char *path, int ncol, const char *const *columns) {
  if (ncol < 1 || !columns)
    return AE_ERR(AEON_ERR_INTERNAL, "series file '%s': no columns given", path);
  for (int c = 0; c < ncol; c++) {
    if (!columns[c] || !columns[c][0])
      return AE_ERR(AEON_ERR_INTERNAL, "series file '%s': column %d has no name", path, c);
    if (strpbrk(columns[c], " \t\r\n"))
      return AE_ERR(AEON_ERR_INTERNAL, "series file '%s': column name '%s' contains whitespace", path,
                    columns[c]);
  }
  return AEON_OK;
}

/* Writes the column line and the header, then flushes. */
static aeon_err write_header(aeon_series *s, const char *header, const char *const *columns) {
  errno = 0;
  fputs("#", s->fp);
  for (int c = 0; c < s->ncol; c++) fprintf(s->fp, " %s", columns[c]);
  fputs("\n", s->fp);
  put_header_text(s->fp, header);
  if (ferror(s->fp) || fflush(s->fp) != 0) return write_error(s, "header", errno);
  return AEON_OK;
}

aeon_err aeon_series_open(const char *path, const char *header, int ncol, const char *const *columns,
                          aeon_series **s) {
  *s = NULL;
  if (!path || !path[0]) return AE_ERR(AEON_ERR_INTERNAL, "series file: empty path");
  AE_CHK(check_columns(path, ncol, columns));
  aeon_series *ns = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *ns, (void **)&ns));
  ns->ncol = ncol;
  ns->step_col = -1;
  for (int c = 0; c < ncol; c++)
    if (strcmp(columns[c], "step") == 0) ns->step_col = c;
  aeon_err e = aeon_mem_strdup(path, &ns->path);
  if (e != AEON_OK) {
    aeon_mem_free(ns);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  ns->fp = fopen(path, header ? "w" : "a");
  if (!ns->fp) {
    e = AE_ERR(AEON_ERR_IO, "cannot open series file '%s' for writing: %s", path, strerror(errno));
    aeon_series_close(ns);
    return e;
  }
  e = header ? write_header(ns, header, columns) : AEON_OK;
  if (e != AEON_OK) {
    aeon_series_close(ns);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *s = ns;
  return AEON_OK;
}

/* Prints one value: the step column as an integer when it holds one exactly. */
static void put_value(const aeon_series *s, int c, double v) {
  if (c == s->step_col && isfinite(v) && fabs(v) < 9007199254740992.0 && v == (double)(long long)v &&
      !(v == 0.0 && signbit(v)))
    fprintf(s->fp, "%lld", (long long)v);
  else
    fprintf(s->fp, "%.17g", v);
}

aeon_err aeon_series_append(aeon_series *s, const double *values) {
  if (!s) return AEON_OK; /* ranks other than the writer hold NULL */
  errno = 0;
  for (int c = 0; c < s->ncol; c++) {
    if (c) fputc(' ', s->fp);
    put_value(s, c, values[c]);
  }
  fputc('\n', s->fp);
  if (ferror(s->fp) || fflush(s->fp) != 0) return write_error(s, "row", errno);
  return AEON_OK;
}

void aeon_series_close(aeon_series *s) {
  if (!s) return;
  if (s->fp) fclose(s->fp);
  aeon_mem_free(s->path);
  aeon_mem_free(s);
}
