/* A rank's file of tiles: fixed-size slots read and written with pread/pwrite
 * (preadv/pwritev for a tile whose columns lie apart in memory, inside a
 * column-major panel). The whole file is reserved when it is created, so a
 * full disk is reported before any work; it is deleted when the matrix is
 * destroyed. Each transfer is guarded by the I/O watchdog (io.watchdog_s's
 * default), and its errno is reported by the caller, whose blocks agree on
 * it across ranks. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "aeon/ioguard.h"
#include "aeon/memory.h"
#include "drv_internal.h"

struct aeon_tilefile {
  int fd;
  size_t tile_bytes;
  long ntiles;
  char path[1024];
  _Atomic uint64_t nread, nwritten;
};

/* User errors for a directory that cannot be used, I/O errors otherwise. */
static aeon_err file_error(const char *what, const char *path, int err) {
  int user = err == ENOENT || err == ENOTDIR || err == EACCES || err == EROFS || err == EPERM;
  return AE_ERR(user ? AEON_ERR_USER : AEON_ERR_IO, "out-of-core tile file '%s': %s: %s", path, what,
                strerror(err));
}

static aeon_err reserve(aeon_tilefile *f) {
  off_t bytes = (off_t)f->tile_bytes * f->ntiles;
  if (bytes == 0) return AEON_OK;
  int err = posix_fallocate(f->fd, 0, bytes);
  if (err == EOPNOTSUPP || err == EINVAL) err = ftruncate(f->fd, bytes) ? errno : 0;
  if (!err) return AEON_OK;
  char b[32];
  aeon_format_bytes((double)bytes, b, sizeof b);
  char what[64];
  snprintf(what, sizeof what, "cannot reserve %s", b);
  return AE_ERR(AEON_ERR_IO, "out-of-core tile file '%s': %s: %s", f->path, what, strerror(err));
}

aeon_err tf_open(const char *dir, int rank, size_t tile_bytes, long ntiles, aeon_tilefile **out) {
  *out = NULL;
  struct stat st;
  if (stat(dir, &st) != 0) return file_error("directory", dir, errno);
  if (!S_ISDIR(st.st_mode)) return file_error("directory", dir, ENOTDIR);
  aeon_tilefile *f;
  AE_CHK(aeon_mem_alloc(sizeof *f, (void **)&f));
  f->tile_bytes = tile_bytes;
  f->ntiles = ntiles;
  snprintf(f->path, sizeof f->path, "%s/aeon-tiles-r%d-XXXXXX", dir, rank);
  f->fd = mkstemp(f->path);
  if (f->fd < 0) {
    aeon_err e = file_error("cannot create", f->path, errno);
    aeon_mem_free(f);
    return e;
  }
  aeon_err e = reserve(f);
  if (e) {
    tf_close(f);
    return e;
  }
  *out = f;
  return AEON_OK;
}

void tf_close(aeon_tilefile *f) {
  if (!f) return;
  close(f->fd);
  unlink(f->path);
  aeon_mem_free(f);
}

enum { IOV_BATCH = 256 }; /* columns per preadv/pwritev call */

/* Moves the slot's bytes to or from ncols pieces of colb bytes, stride bytes apart from buf, with preadv or pwritev,
 * retrying short transfers; returns 0 or errno. */
static int transfer(aeon_tilefile *f, long slot, char *buf, size_t ncols, size_t colb, size_t stride, int write) {
  off_t off = (off_t)slot * (off_t)f->tile_bytes;
  size_t total = ncols * colb, done = 0;
  struct iovec iov[IOV_BATCH];
  while (done < total) {
    int n = 0;
    for (size_t pos = done; n < IOV_BATCH && pos < total; n++) {
      size_t c = pos / colb, o = pos % colb;
      iov[n] = (struct iovec){.iov_base = buf + c * stride + o, .iov_len = colb - o};
      pos += colb - o;
    }
    ssize_t k = write ? pwritev(f->fd, iov, n, off + (off_t)done) : preadv(f->fd, iov, n, off + (off_t)done);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return errno;
    if (k == 0) return write ? ENOSPC : EIO;
    done += (size_t)k;
  }
  atomic_fetch_add(write ? &f->nwritten : &f->nread, f->tile_bytes);
  return 0;
}

int tf_io(aeon_tilefile *f, long slot, double *buf, int nb, int ld, int write) {
  if (slot < 0 || slot >= f->ntiles) return EINVAL;
  size_t colb = (size_t)nb * sizeof(double);
  int packed = ld <= 0 || ld == nb;
  if (!packed && (nb <= 0 || ld < nb || (size_t)nb * colb != f->tile_bytes)) return EINVAL;
  int guard = aeon_io_phase_begin(write ? "tile write" : "tile read", f->path); /* a hung file system is named */
  int err = packed ? transfer(f, slot, (char *)buf, 1, f->tile_bytes, 0, write)
                   : transfer(f, slot, (char *)buf, (size_t)nb, colb, (size_t)ld * sizeof(double), write);
  aeon_io_phase_end(guard);
  return err;
}

int tf_pread(aeon_tilefile *f, long slot, double *buf) { return tf_io(f, slot, buf, 0, 0, 0); }

int tf_pwrite(aeon_tilefile *f, long slot, const double *buf) { return tf_io(f, slot, (double *)buf, 0, 0, 1); }

aeon_err tf_error(const aeon_tilefile *f, int write, long slot, int err) {
  return AE_ERR(AEON_ERR_IO, "out-of-core tile file '%s': %s tile slot %ld failed: %s", f->path,
                write ? "writing" : "reading", slot, strerror(err));
}

void tf_counters(const aeon_tilefile *f, uint64_t *read, uint64_t *written) {
  *read = atomic_load(&((aeon_tilefile *)f)->nread);
  *written = atomic_load(&((aeon_tilefile *)f)->nwritten);
}
