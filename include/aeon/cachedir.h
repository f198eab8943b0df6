/* The per-user cache directory Aeon keeps files in across runs (FFTW wisdom,
 * warm-start blobs): an override (a deck key) if given, else $AEON_CACHE_DIR,
 * else $XDG_CACHE_HOME/aeon (an absolute XDG_CACHE_HOME only), else
 * $HOME/.cache/aeon; "none" (or no HOME) means no directory: nothing is kept
 * on disk. Files are written through a temporary file and a rename, so a
 * reader never sees half a file. No MPI in here: the caller picks the rank. */
#ifndef AEON_CACHEDIR_H
#define AEON_CACHEDIR_H

#include <stddef.h>

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the cache directory into dir (cap bytes): override (NULL or "": none given; "none": no directory), then
 * the environment as above; dir is "" when there is none. AEON_ERR_USER if the path does not fit. */
aeon_err aeon_cache_dir(const char *override, char *dir, size_t cap);
/* Writes dir/name into path (cap bytes), or "" when dir is ""; AEON_ERR_USER if it does not fit. */
aeon_err aeon_cache_path(const char *dir, const char *name, char *path, size_t cap);
/* Creates the directories above path (mkdir -p of its dirname, mode 0755); errors are left to the write. */
void aeon_cache_make_parents(const char *path);
/* Writes n bytes to path through path.tmp.PID and a rename (parents created); returns 1, or 0 with a warning on
 * stderr naming what (e.g. "warm-start blob") and why. */
int aeon_cache_write(const char *path, const void *data, size_t n, const char *what);

#ifdef __cplusplus
}
#endif
#endif
