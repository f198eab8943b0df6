/* An LD_PRELOAD library that makes writes fail, for the I/O fault-injection tests
 * (tests/scripts/test_io_faults.sh). It wraps write, pwrite, writev, pwritev (and
 * their 64-bit names), fsync and fdatasync, and fopen/fopen64 in write or append
 * mode (stdio writes through glibc's internal write, which LD_PRELOAD cannot
 * reach, so a matching stream is rebuilt with fopencookie over the wrapped write).
 * A call is subject to faults when its file's base name matches a pattern
 * (the path is read from /proc/self/fd). Per process, the bytes written to
 * matching files are counted; the write that would pass the limit writes up to it
 * and returns short, and every later write or fsync of a matching file fails with
 * the chosen errno. The environment chooses:
 *   AEON_FAULT_PATH   fnmatch pattern of base names (unset: the shim does nothing)
 *   AEON_FAULT_RANK   MPI rank that fails (OMPI_COMM_WORLD_RANK or PMIX_RANK), or "all"
 *   AEON_FAULT_ERRNO  ENOSPC, EIO, EDQUOT or a number (default ENOSPC)
 *   AEON_FAULT_AFTER  bytes of matching files written before the fault (default 0)
 *   AEON_FAULT_MARK   a path prefix: at the first fault the file PREFIX.rankN is created, naming the file hit
 *   AEON_FAULT_HANG   1: the faulting call never returns instead (a hung network file system)
 * Nothing here calls into Aeon; the test reads the marks to know that the fault landed. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_fn)(int, const struct iovec *, int, off_t);
typedef int (*sync_fn)(int);
typedef FILE *(*fopen_fn)(const char *, const char *);

static struct {
  pthread_once_t once;
  pthread_mutex_t lock;
  int active;         /* this process injects faults */
  const char *pattern;
  int err;
  long long after, written;
  int fired;
  int hang;
  const char *mark;
  int rank;
  write_fn write_;
  pwrite_fn pwrite_;
  writev_fn writev_;
  pwritev_fn pwritev_;
  sync_fn fsync_, fdatasync_;
  fopen_fn fopen_;
} S = {.once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER};

static int parse_errno(const char *s) {
  if (!s || !*s || strcmp(s, "ENOSPC") == 0) return ENOSPC;
  if (strcmp(s, "EIO") == 0) return EIO;
  if (strcmp(s, "EDQUOT") == 0) return EDQUOT;
  return atoi(s) > 0 ? atoi(s) : ENOSPC;
}

static void init(void) {
  S.write_ = (write_fn)dlsym(RTLD_NEXT, "write");
  S.pwrite_ = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
  S.writev_ = (writev_fn)dlsym(RTLD_NEXT, "writev");
  S.pwritev_ = (pwritev_fn)dlsym(RTLD_NEXT, "pwritev64");
  S.fsync_ = (sync_fn)dlsym(RTLD_NEXT, "fsync");
  S.fdatasync_ = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
  S.fopen_ = (fopen_fn)dlsym(RTLD_NEXT, "fopen64");
  const char *r = getenv("OMPI_COMM_WORLD_RANK");
  if (!r) r = getenv("PMIX_RANK");
  S.rank = r ? atoi(r) : 0;
  S.pattern = getenv("AEON_FAULT_PATH");
  const char *want = getenv("AEON_FAULT_RANK");
  S.active = S.pattern && *S.pattern && (!want || strcmp(want, "all") == 0 || atoi(want) == S.rank);
  S.err = parse_errno(getenv("AEON_FAULT_ERRNO"));
  const char *a = getenv("AEON_FAULT_AFTER");
  S.after = a ? atoll(a) : 0;
  S.mark = getenv("AEON_FAULT_MARK");
  const char *h = getenv("AEON_FAULT_HANG");
  S.hang = h && atoi(h) == 1;
}

/* 1 if fd's file has a base name matching the pattern. */
static int matches_fd(int fd) {
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  size_t len = strlen(path), dl = strlen(" (deleted)"); /* an unlinked file still fills the disk */
  if (len > dl && strcmp(path + len - dl, " (deleted)") == 0) path[len - dl] = '\0';
  const char *base = strrchr(path, '/');
  return fnmatch(S.pattern, base ? base + 1 : path, 0) == 0;
}

/* Leaves a mark naming the file at the first fault. */
static void note_fault(int fd, const char *op) {
  if (S.fired++ || !S.mark) return;
  char link[64], path[4096] = "?", name[4200];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n > 0) path[n] = '\0';
  snprintf(name, sizeof name, "%s.rank%d", S.mark, S.rank);
  int mfd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (mfd < 0) return;
  char line[4400];
  int len = snprintf(line, sizeof line, "%s %s %s after %lld bytes\n", op, path, strerror(S.err), S.written);
  S.write_(mfd, line, (size_t)len);
  close(mfd);
}

/* How many of want bytes a write to fd may move: want (no fault), fewer (reaching the limit), or -1 (fail). */
static ssize_t allowance(int fd, size_t want, const char *op) {
  pthread_once(&S.once, init);
  if (!S.active || !matches_fd(fd)) return (ssize_t)want;
  pthread_mutex_lock(&S.lock);
  ssize_t ok = (ssize_t)want;
  if (S.written >= S.after) {
    ok = -1;
    note_fault(fd, op);
  } else if (S.written + (long long)want > S.after) {
    ok = (ssize_t)(S.after - S.written);
    note_fault(fd, op); /* a short write: the caller's retry (if any) fails */
  }
  if (ok > 0) S.written += ok;
  pthread_mutex_unlock(&S.lock);
  while (ok < 0 && S.hang) sleep(1000);
  return ok;
}

ssize_t write(int fd, const void *buf, size_t n) {
  ssize_t k = allowance(fd, n, "write");
  if (k < 0) return errno = S.err, -1;
  return S.write_(fd, buf, (size_t)k);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  ssize_t k = allowance(fd, n, "pwrite");
  if (k < 0) return errno = S.err, -1;
  return S.pwrite_(fd, buf, (size_t)k, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) { return pwrite(fd, buf, n, off); }

/* The first k bytes of iov as at most max pieces in out; returns their count. */
static int clip_iov(const struct iovec *iov, int cnt, size_t k, struct iovec *out, int max) {
  int m = 0;
  for (int i = 0; i < cnt && k > 0 && m < max; i++, m++) {
    out[m] = iov[i];
    if (out[m].iov_len > k) out[m].iov_len = k;
    k -= out[m].iov_len;
  }
  return m;
}

static size_t iov_bytes(const struct iovec *iov, int cnt) {
  size_t n = 0;
  for (int i = 0; i < cnt; i++) n += iov[i].iov_len;
  return n;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  size_t n = iov_bytes(iov, cnt);
  ssize_t k = allowance(fd, n, "writev");
  if (k < 0) return errno = S.err, -1;
  if ((size_t)k == n) return S.writev_(fd, iov, cnt);
  struct iovec cut[1024];
  return S.writev_(fd, cut, clip_iov(iov, cnt, (size_t)k, cut, 1024));
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) {
  size_t n = iov_bytes(iov, cnt);
  ssize_t k = allowance(fd, n, "pwritev");
  if (k < 0) return errno = S.err, -1;
  if ((size_t)k == n) return S.pwritev_(fd, iov, cnt, off);
  struct iovec cut[1024];
  return S.pwritev_(fd, cut, clip_iov(iov, cnt, (size_t)k, cut, 1024), off);
}
ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off) { return pwritev(fd, iov, cnt, off); }

/* fsync of a matching file fails once the limit has been reached (the data could not all be stored). */
static int sync_common(int fd, sync_fn real, const char *op) {
  pthread_once(&S.once, init);
  if (S.active && matches_fd(fd)) {
    pthread_mutex_lock(&S.lock);
    int fail = S.written >= S.after && S.fired;
    if (fail) note_fault(fd, op);
    pthread_mutex_unlock(&S.lock);
    if (fail) return errno = S.err, -1;
  }
  return real(fd);
}
int fsync(int fd) { pthread_once(&S.once, init); return sync_common(fd, S.fsync_, "fsync"); }
int fdatasync(int fd) { pthread_once(&S.once, init); return sync_common(fd, S.fdatasync_, "fdatasync"); }

/* A stdio stream over fd whose writes go through the wrapped write (glibc's own write bypasses this library). */
static ssize_t cookie_write(void *c, const char *buf, size_t n) {
  int fd = (int)(intptr_t)c;
  size_t done = 0;
  while (done < n) {
    ssize_t k = write(fd, buf + done, n - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return done ? (ssize_t)done : -1;
    done += (size_t)k;
  }
  return (ssize_t)done;
}
static ssize_t cookie_read(void *c, char *buf, size_t n) { return read((int)(intptr_t)c, buf, n); }
static int cookie_seek(void *c, off64_t *pos, int whence) {
  off_t r = lseek((int)(intptr_t)c, (off_t)*pos, whence);
  if (r < 0) return -1;
  *pos = r;
  return 0;
}
static int cookie_close(void *c) { return close((int)(intptr_t)c); }

FILE *fopen(const char *path, const char *mode) {
  pthread_once(&S.once, init);
  const char *base = strrchr(path, '/');
  int writes = strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+');
  if (!S.active || !writes || fnmatch(S.pattern, base ? base + 1 : path, 0) != 0) return S.fopen_(path, mode);
  int flags = strchr(mode, '+') ? O_RDWR : O_WRONLY;
  if (mode[0] == 'w') flags |= O_CREAT | O_TRUNC;
  if (mode[0] == 'a') flags |= O_CREAT | O_APPEND;
  if (mode[0] == 'r' && !strchr(mode, '+')) flags = O_RDONLY;
  int fd = open(path, flags | O_CLOEXEC, 0666);
  if (fd < 0) return NULL;
  cookie_io_functions_t io = {cookie_read, cookie_write, cookie_seek, cookie_close};
  FILE *fp = fopencookie((void *)(intptr_t)fd, mode, io);
  if (!fp) close(fd);
  return fp;
}
FILE *fopen64(const char *path, const char *mode) { return fopen(path, mode); }
