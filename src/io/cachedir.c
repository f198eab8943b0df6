/* The per-user cache directory (aeon/cachedir.h): override -> $AEON_CACHE_DIR
 * -> $XDG_CACHE_HOME/aeon -> $HOME/.cache/aeon -> none; writes go to a
 * temporary file beside the target and are renamed over it. */
#include "aeon/cachedir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

aeon_err aeon_cache_dir(const char *override, char *dir, size_t cap) {
  const char *env = getenv("AEON_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  int n;
  if (override && strcmp(override, "none") == 0) n = snprintf(dir, cap, "%s", "");
  else if (override && override[0]) n = snprintf(dir, cap, "%s", override);
  else if (env && strcmp(env, "none") == 0) n = snprintf(dir, cap, "%s", "");
  else if (env && env[0]) n = snprintf(dir, cap, "%s", env);
  else if (xdg && xdg[0] == '/') n = snprintf(dir, cap, "%s/aeon", xdg);
  else if (home && home[0]) n = snprintf(dir, cap, "%s/.cache/aeon", home);
  else n = snprintf(dir, cap, "%s", "");
  if (n < 0 || (size_t)n >= cap)
    return AE_ERR(AEON_ERR_USER, "cache: the cache directory's path is longer than %zu characters", cap - 1);
  return AEON_OK;
}

aeon_err aeon_cache_path(const char *dir, const char *name, char *path, size_t cap) {
  int n = dir && dir[0] ? snprintf(path, cap, "%s/%s", dir, name) : snprintf(path, cap, "%s", "");
  if (n < 0 || (size_t)n >= cap)
    return AE_ERR(AEON_ERR_USER, "cache: the path of '%s' in '%s' is longer than %zu characters", name, dir,
                  cap - 1);
  return AEON_OK;
}

void aeon_cache_make_parents(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  for (char *p = dir + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      mkdir(dir, 0755);
      *p = '/';
    }
}

int aeon_cache_write(const char *path, const void *data, size_t n, const char *what) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  aeon_cache_make_parents(path);
  FILE *fp = fopen(tmp, "wb");
  int ok = fp && (n == 0 || fwrite(data, 1, n, fp) == n);
  if (fp) ok = (fclose(fp) == 0) && ok;
  ok = ok && rename(tmp, path) == 0;
  if (!ok) {
    fprintf(stderr, "aeon: warning: cannot write %s '%s' (%s): it is not kept for the next run\n", what, path,
            strerror(errno));
    remove(tmp);
  }
  return ok;
}
