/* Command-line helpers shared by `aeon factor`, `aeon eig` and `aeon matmul`: a
 * table-driven option parser with clear messages, and the closing summary line. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/drivers.h"

static const aeon_cli_flag *find(const aeon_cli_flag *f, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(f[i].name, name) == 0) return &f[i];
  return NULL;
}

static aeon_err unknown(const char *cmd, const aeon_cli_flag *f, int n, const char *arg) {
  char known[512] = "";
  for (int i = 0; i < n; i++) {
    size_t l = strlen(known);
    snprintf(known + l, sizeof known - l, "%s%s", i ? ", " : "", f[i].name);
  }
  return AE_ERR(AEON_ERR_USER, "%s: unknown option '%s' (known: %s)", cmd, arg, known);
}

/* Stores the value text v of flag f. */
static aeon_err store(const char *cmd, const aeon_cli_flag *f, const char *v) {
  if (f->kind == 's') {
    *(const char **)f->dst = v;
    return AEON_OK;
  }
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  int ok = end != v && *end == '\0' && errno == 0 && isfinite(x) && x >= f->lo && x <= f->hi;
  if (f->kind == 'i' && ok) ok = x == floor(x);
  if (!ok)
    return AE_ERR(AEON_ERR_USER, "%s: %s '%s' is not %s in [%g, %g]", cmd, f->name, v,
                  f->kind == 'i' ? "an integer" : "a number", f->lo, f->hi);
  if (f->kind == 'i') *(long *)f->dst = (long)x;
  else *(double *)f->dst = x;
  return AEON_OK;
}

aeon_err aeon_cli_flags(const char *cmd, const aeon_cli_flag *flags, int nflags, int argc, char **argv) {
  for (int i = 0; i < argc; i++) {
    char name[64];
    const char *arg = argv[i], *eq = strchr(arg, '='), *val = NULL;
    size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
    snprintf(name, sizeof name, "%.*s", (int)(nl < sizeof name ? nl : sizeof name - 1), arg);
    const aeon_cli_flag *f = find(flags, nflags, name);
    if (!f) return unknown(cmd, flags, nflags, arg);
    if (f->kind == 'f') {
      if (eq) return AE_ERR(AEON_ERR_USER, "%s: %s takes no value", cmd, f->name);
      *(int *)f->dst = 1;
      continue;
    }
    val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!val) return AE_ERR(AEON_ERR_USER, "%s: %s needs a value", cmd, f->name);
    AE_CHK(store(cmd, f, val));
  }
  return AEON_OK;
}

void aeon_cli_summary(FILE *out, const char *what, double seconds, double flops, uint64_t io_read, uint64_t io_written,
                      size_t peak, size_t budget) {
  char rd[32], wr[32], pk[32], bu[32];
  aeon_format_bytes((double)io_read, rd, sizeof rd);
  aeon_format_bytes((double)io_written, wr, sizeof wr);
  aeon_format_bytes((double)peak, pk, sizeof pk);
  aeon_format_bytes((double)budget, bu, sizeof bu);
  fprintf(out, "%s: time %.3f s, %.2f GFLOP/s, I/O %s read + %s written, peak memory %s per rank (budget %s)\n", what,
          seconds, seconds > 0 ? flops / seconds * 1e-9 : 0.0, rd, wr, pk, bu);
}
