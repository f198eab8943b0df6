/* Reading a deck file into memory. The buffer belongs to the caller (free()). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "aeon/deck.h"

static aeon_err cannot_read(const char *path, int err) {
  return AE_ERR(AEON_ERR_USER, "cannot read deck '%s': %s", path, strerror(err));
}

/* Reads all of f into a NUL-terminated malloc'd buffer. */
static aeon_err slurp(FILE *f, const char *path, char **text, size_t *len) {
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (!buf) return AE_ERR(AEON_ERR_MEM, "out of memory reading deck '%s'", path);
  for (;;) {
    n += fread(buf + n, 1, cap - n - 1, f);
    if (ferror(f)) {
      int err = errno;
      free(buf);
      return cannot_read(path, err ? err : EIO);
    }
    if (feof(f)) break;
    char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
    if (!bigger) {
      free(buf);
      return AE_ERR(AEON_ERR_MEM, "out of memory reading deck '%s'", path);
    }
    buf = bigger;
    cap *= 2;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return AEON_OK;
}

aeon_err aeon_deck_read_file(const char *path, char **text, size_t *len) {
  size_t dummy;
  if (!len) len = &dummy;
  *text = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return cannot_read(path, errno);
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    return cannot_read(path, EISDIR);
  }
  aeon_err e = slurp(f, path, text, len);
  fclose(f);
  AE_CHK(e);
  return AEON_OK;
}
