/* The run directory: rank 0 creates it (mkdir -p) or checks that an existing
 * one is empty, then broadcasts the outcome so that every rank returns the
 * same code and message. Nothing is ever deleted. */
#include "aeon/output.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "aeon/memory.h"

/* Creates one directory, accepting one that already exists. */
static aeon_err make_one_dir(const char *path, const char *part) {
  if (mkdir(part, 0777) == 0) return AEON_OK;
  int e = errno;
  struct stat st;
  if (e == EEXIST && stat(part, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return AEON_OK;
    if (strcmp(part, path) == 0)
      return AE_ERR(AEON_ERR_USER, "run directory '%s' exists and is not a directory", path);
    return AE_ERR(AEON_ERR_USER, "cannot create run directory '%s': '%s' exists and is not a directory",
                  path, part);
  }
  return AE_ERR(AEON_ERR_IO, "cannot create run directory '%s': mkdir '%s': %s", path, part, strerror(e));
}

/* mkdir -p: creates path and every missing parent. */
static aeon_err make_dirs(const char *path) {
  char *buf = NULL;
  AE_CHK(aeon_mem_strdup(path, &buf));
  aeon_err e = AEON_OK;
  size_t len = strlen(buf);
  while (len > 1 && buf[len - 1] == '/') buf[--len] = '\0'; /* "out/" -> "out" */
  for (char *p = buf + 1; *p && e == AEON_OK; p++) {
    if (*p != '/' || p[-1] == '/') continue;
    *p = '\0';
    e = make_one_dir(path, buf);
    *p = '/';
  }
  if (e == AEON_OK) e = make_one_dir(path, buf);
  aeon_mem_free(buf);
  return e;
}

/* Sets *empty to 1 if the directory holds nothing but "." and "..". */
static aeon_err dir_is_empty(const char *path, int *empty) {
  DIR *d = opendir(path);
  if (!d) return AE_ERR(AEON_ERR_IO, "cannot read run directory '%s': opendir: %s", path, strerror(errno));
  *empty = 1;
  struct dirent *ent;
  errno = 0;
  while ((ent = readdir(d)) != NULL) {
    if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0) {
      *empty = 0;
      break;
    }
  }
  int e = errno;
  closedir(d);
  if (*empty && e != 0)
    return AE_ERR(AEON_ERR_IO, "cannot read run directory '%s': readdir: %s", path, strerror(e));
  return AEON_OK;
}

/* The checks and the creation, done by rank 0 alone. */
static aeon_err prepare_local(const char *path, int force) {
  if (!path || !path[0]) return AE_ERR(AEON_ERR_USER, "run directory: empty path (set output.dir)");
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno != ENOENT)
      return AE_ERR(AEON_ERR_IO, "cannot access run directory '%s': stat: %s", path, strerror(errno));
    AE_CHK(make_dirs(path));
  } else {
    if (!S_ISDIR(st.st_mode))
      return AE_ERR(AEON_ERR_USER, "run directory '%s' exists and is not a directory", path);
    int empty = 0;
    AE_CHK(dir_is_empty(path, &empty));
    if (!empty && !force)
      return AE_ERR(AEON_ERR_USER,
                    "run directory '%s' already exists and is not empty; choose another output.dir "
                    "or pass --force",
                    path);
  }
  if (access(path, W_OK | X_OK) != 0)
    return AE_ERR(AEON_ERR_IO, "run directory '%s' is not writable: %s", path, strerror(errno));
  return AEON_OK;
}

aeon_err aeon_rundir_prepare(MPI_Comm comm, const char *path, int force) {
  int rank = 0;
  AE_MPI(MPI_Comm_rank(comm, &rank));
  int hdr[2] = {AEON_OK, 0}; /* code, message length with its NUL */
  if (rank == 0) {
    hdr[0] = (int)prepare_local(path, force);
    if (hdr[0] != AEON_OK) hdr[1] = (int)strlen(aeon_error_message()) + 1;
  }
  AE_MPI(MPI_Bcast(hdr, 2, MPI_INT, 0, comm));
  if (hdr[0] == AEON_OK) return AEON_OK;
  char msg[2048];
  if (hdr[1] > (int)sizeof msg) hdr[1] = (int)sizeof msg;
  if (rank == 0) snprintf(msg, sizeof msg, "%s", aeon_error_message());
  AE_MPI(MPI_Bcast(msg, hdr[1], MPI_CHAR, 0, comm));
  msg[sizeof msg - 1] = '\0';
  if (rank != 0) aeon_error_adopt((aeon_err)hdr[0], msg);
  return aeon_error_trace((aeon_err)hdr[0], __FILE__, __LINE__, __func__);
}
