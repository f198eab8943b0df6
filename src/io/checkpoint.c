/* Checkpoint files: write (tmp + fsync + rename), validate and read back.
 * Write: each field is packed row by row into a buffer of about 4 MiB of z-planes, hashed while the row is hot
 * (h5u_digest) and written slab by slab (independent MPI-IO); the per-rank sums are added over the ranks
 * (exact: integers mod 2^64), the digests go into the metadata and the metadata's SHA-256 covers them.
 * Read (restart, one box per rank): every field dataset is opened (collective), then each rank reads its boxes
 * independently in slabs of the same size, unpacking and hashing each slab while it is in the cache (the kernel
 * reads ahead meanwhile), and the ranks agree once. Inspect (whole datasets on one rank) hashes what it reads
 * the same way; both compare with the metadata. */
#include "aeon/checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "aeon/ioguard.h"
#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "aeon/receipts.h"
#include "aeon/version.h"
#include "io/h5util.h"

/* The evolved points of this patch inside the global evolved box (interior plus radiative ghosts). */
static h5u_box_map evolved_map(const aeon_mesh *m) {
  h5u_box_map map;
  for (int d = 0; d < 3; d++) {
    long lo = m->bc[2 * d] == AEON_BC_RADIATIVE ? m->ghost : 0;
    long hi = m->bc[2 * d + 1] == AEON_BC_RADIATIVE ? m->ghost : 0;
    map.gshape[d] = m->N[d] + lo + hi;
    map.gstart[d] = m->off[d] + m->evolved.lo[d] + lo;
  }
  map.box = m->evolved;
  return map;
}

/* SHA-256 over the metadata, the tier and receipt bytes and (format 3) the field digests, as 64 hex digits. */
static aeon_err meta_digest(const aeon_checkpoint_meta *mt, char hex[65]) {
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  unsigned char md[32];
  unsigned int len = 0;
  int64_t nums[8] = {mt->step, mt->nsteps, mt->tick, (int64_t)mt->ntiers, (int64_t)mt->nreceipts,
                     mt->sched[0], mt->sched[1], mt->sched[2]};
  double reals[3] = {mt->t, mt->dt, mt->wall};
  int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) && EVP_DigestUpdate(c, AEON_CHECKPOINT_FORMAT, 15) &&
           EVP_DigestUpdate(c, nums, sizeof nums) && EVP_DigestUpdate(c, reals, sizeof reals) &&
           EVP_DigestUpdate(c, mt->deck, strlen(mt->deck) + 1) &&
           EVP_DigestUpdate(c, mt->effective, strlen(mt->effective) + 1) &&
           EVP_DigestUpdate(c, mt->physics, strlen(mt->physics) + 1) &&
           EVP_DigestUpdate(c, mt->tiers, mt->ntiers) && EVP_DigestUpdate(c, mt->receipts, mt->nreceipts) &&
           (mt->format_version < 3 || EVP_DigestUpdate(c, mt->field_digests, strlen(mt->field_digests) + 1)) &&
           EVP_DigestFinal_ex(c, md, &len);
  EVP_MD_CTX_free(c);
  if (!ok) return AE_ERR(AEON_ERR_LIB, "OpenSSL could not compute a SHA-256 digest");
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return AEON_OK;
}

/* SHA-256 of n bytes as 64 hex digits (the FFTW wisdom's own digest: the wisdom is not part of meta_sha256, so a
 * damaged wisdom blob costs planning time only, never the checkpoint). */
static aeon_err bytes_sha256(const uint8_t *data, uint64_t n, char hex[65]) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) && EVP_DigestUpdate(c, data, n) &&
           EVP_DigestFinal_ex(c, md, &len);
  EVP_MD_CTX_free(c);
  if (!ok) return AE_ERR(AEON_ERR_LIB, "OpenSSL could not compute a SHA-256 digest");
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return AEON_OK;
}

/* Broadcasts a string or byte blob from rank 0 (allocating it on the other ranks). */
static aeon_err bcast_blob(MPI_Comm comm, int rank, void **p, uint64_t *n) {
  AE_MPI(MPI_Bcast(n, 1, MPI_UINT64_T, 0, comm));
  if (rank != 0) AE_CHK(aeon_mem_alloc(*n + 1, p));
  if (*n) AE_MPI(MPI_Bcast(*p, (int)*n, MPI_BYTE, 0, comm));
  return AEON_OK;
}

/* Gives every rank rank 0's metadata (wall clock and receipts exist on rank 0 only). */
static aeon_err share_meta(MPI_Comm comm, int rank, aeon_checkpoint_meta *mt) {
  int64_t nums[6] = {mt->step, mt->nsteps, mt->tick, mt->sched[0], mt->sched[1], mt->sched[2]};
  double reals[3] = {mt->t, mt->dt, mt->wall};
  AE_MPI(MPI_Bcast(nums, 6, MPI_INT64_T, 0, comm));
  memcpy(mt->sched, nums + 3, sizeof mt->sched);
  AE_MPI(MPI_Bcast(reals, 3, MPI_DOUBLE, 0, comm));
  mt->step = nums[0], mt->nsteps = nums[1], mt->tick = nums[2];
  mt->t = reals[0], mt->dt = reals[1], mt->wall = reals[2];
  uint64_t ls[3] = {0, 0, 0};
  if (rank == 0) ls[0] = strlen(mt->deck), ls[1] = strlen(mt->effective), ls[2] = strlen(mt->physics);
  AE_CHK(bcast_blob(comm, rank, (void **)&mt->deck, &ls[0]));
  AE_CHK(bcast_blob(comm, rank, (void **)&mt->effective, &ls[1]));
  AE_CHK(bcast_blob(comm, rank, (void **)&mt->physics, &ls[2]));
  AE_CHK(bcast_blob(comm, rank, (void **)&mt->tiers, &mt->ntiers));
  AE_CHK(bcast_blob(comm, rank, (void **)&mt->receipts, &mt->nreceipts));
  AE_CHK(bcast_blob(comm, rank, (void **)&mt->wisdom, &mt->nwisdom)); /* its digest attribute is written by all */
  return AEON_OK;
}

static aeon_err put_meta(hid_t f, const aeon_checkpoint_meta *mt, const char *path) {
  char hex[65];
  int32_t version = AEON_CHECKPOINT_VERSION;
  AE_CHK(meta_digest(mt, hex));
  AE_CHK(h5u_put_str_attr(f, "format", AEON_CHECKPOINT_FORMAT, path));
  AE_CHK(h5u_put_attr(f, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, 0, &version, path));
  AE_CHK(h5u_put_str_attr(f, "aeon_version", AEON_VERSION_STRING, path));
  int64_t nums[3] = {mt->step, mt->nsteps, mt->tick};
  double reals[3] = {mt->t, mt->dt, mt->wall};
  AE_CHK(h5u_put_attr(f, "step_nsteps_tick", H5T_STD_I64LE, H5T_NATIVE_INT64, 3, nums, path));
  AE_CHK(h5u_put_attr(f, "t_dt_wall", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, reals, path));
  AE_CHK(h5u_put_attr(f, "regime_rollbacks_halvings", H5T_STD_I64LE, H5T_NATIVE_INT64, 3, mt->sched, path));
  AE_CHK(h5u_put_attr(f, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &mt->step, path));
  AE_CHK(h5u_put_attr(f, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &mt->t, path));
  AE_CHK(h5u_put_str_attr(f, "deck", mt->deck, path));
  AE_CHK(h5u_put_str_attr(f, "effective_parameters", mt->effective, path));
  AE_CHK(h5u_put_str_attr(f, "physics", mt->physics, path));
  AE_CHK(h5u_put_str_attr(f, "field_digests", mt->field_digests, path));
  AE_CHK(h5u_put_str_attr(f, "meta_sha256", hex, path));
  if (mt->nwisdom) {
    AE_CHK(bytes_sha256(mt->wisdom, mt->nwisdom, hex));
    AE_CHK(h5u_put_str_attr(f, "fftw_wisdom_sha256", hex, path));
  }
  return AEON_OK;
}

/* /levels/0/fields (attribute level on /levels/0) and the soft link /fields to it (format 2). */
static aeon_err create_fields_group(hid_t f, const char *path) {
  hid_t a = H5Gcreate2(f, "/levels", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t b = a < 0 ? -1 : H5Gcreate2(f, "/levels/0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t g = b < 0 ? -1 : H5Gcreate2(f, "/levels/0/fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int64_t level = 0;
  aeon_err e = g < 0 ? AE_ERR(AEON_ERR_IO, "checkpoint '%s': cannot create group /levels/0/fields", path) : AEON_OK;
  if (!e) e = h5u_put_attr(b, "level", H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &level, path);
  if (!e && H5Lcreate_soft("/levels/0/fields", f, "/fields", H5P_DEFAULT, H5P_DEFAULT) < 0)
    e = AE_ERR(AEON_ERR_IO, "checkpoint '%s': cannot link /fields to /levels/0/fields", path);
  h5u_close(&g);
  h5u_close(&b);
  h5u_close(&a);
  return e;
}

/* /levels/0/grid (the grid attributes as in snapshots, and the shape and first cell centre of the stored fields,
 * which include the radiative ghosts) and the soft link /grid to it. */
static aeon_err put_grid_group(hid_t f, const aeon_mesh *m, const char *path) {
  hid_t g = H5Gcreate2(f, "/levels/0/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return AE_ERR(AEON_ERR_IO, "checkpoint '%s': cannot create group /levels/0/grid", path);
  h5u_box_map map = evolved_map(m);
  int64_t shape[3];
  double first[3];
  for (int d = 0; d < 3; d++) {
    shape[d] = map.gshape[d];
    long lo = m->bc[2 * d] == AEON_BC_RADIATIVE ? m->ghost : 0; /* as in evolved_map */
    first[d] = m->xmin[d] + (0.5 - (double)lo) * m->dx[d];
  }
  aeon_err e = h5u_put_grid_attrs(g, m, path);
  if (!e) e = h5u_put_attr(g, "stored_shape", H5T_STD_I64LE, H5T_NATIVE_INT64, 3, shape, path);
  if (!e) e = h5u_put_attr(g, "stored_first_centre", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, first, path);
  if (!e && H5Lcreate_soft("/levels/0/grid", f, "/grid", H5P_DEFAULT, H5P_DEFAULT) < 0)
    e = AE_ERR(AEON_ERR_IO, "checkpoint '%s': cannot link /grid to /levels/0/grid", path);
  h5u_close(&g);
  return e;
}

/* Where a checkpoint keeps level 0's fields: /levels/0/fields from format 2 on, /fields in format 1. */
static const char *fields_group(hid_t f) {
  return H5Lexists(f, "/levels", H5P_DEFAULT) > 0 ? "/levels/0/fields" : "/fields";
}

/* Bytes of the field digest text of nvar fields ("NAME HEX\n" each, names shorter than 200). */
#define DIGEST_LINE 240

/* Appends field name's digest line to text. */
static void digest_line(char *text, const char *name, const h5u_digest *dg) {
  size_t k = strlen(text);
  snprintf(text + k, DIGEST_LINE, "%.200s %016llx%016llx\n", name, (unsigned long long)dg->lane[0],
           (unsigned long long)dg->lane[1]);
}

/* Collective HDF5 calls from start to end, each agreed on the file's communicator: a failure on one rank (a
 * full disk under one rank's aggregator) stops every rank before the next collective call, so nobody waits
 * inside HDF5 for a rank that left. The field digests (mt->field_digests, DIGEST_LINE bytes per field) are
 * filled before the metadata is written. */
static aeon_err put_contents(hid_t f, MPI_Comm comm, const aeon_mesh *m, const aeon_fields *u,
                             const char *const *names, aeon_checkpoint_meta *mt, double *buf, const char *path) {
  aeon_err e = create_fields_group(f, path);
  if (!e) e = put_grid_group(f, m, path);
  AE_CHK(aeon_io_agree(comm, e));
  h5u_box_map map = evolved_map(m);
  mt->field_digests[0] = '\0';
  for (int v = 0; v < u->nvar; v++) {
    char dpath[256];
    h5u_digest dg = {{0, 0}};
    snprintf(dpath, sizeof dpath, "/levels/0/fields/%s", names[v]);
    AE_CHK(aeon_io_agree(comm, h5u_write_box(f, dpath, m, aeon_var(u, v), &map, &dg, buf, path)));
    AE_MPI(MPI_Allreduce(MPI_IN_PLACE, dg.lane, 2, MPI_UINT64_T, MPI_SUM, comm)); /* exact mod 2^64 */
    digest_line(mt->field_digests, names[v], &dg);
  }
  AE_CHK(aeon_io_agree(comm, put_meta(f, mt, path)));
  AE_CHK(aeon_io_agree(comm, h5u_write_bytes(f, "/tiers", mt->tiers, mt->ntiers, m->par->rank, path)));
  AE_CHK(aeon_io_agree(comm, h5u_write_bytes(f, "/receipts", mt->receipts, mt->nreceipts, m->par->rank, path)));
  if (mt->nwisdom)
    AE_CHK(aeon_io_agree(comm, h5u_write_bytes(f, "/fftw_wisdom", mt->wisdom, mt->nwisdom, m->par->rank, path)));
  return AEON_OK;
}

/* fsyncs a file or directory by name. */
static aeon_err sync_path(const char *p, int dir) {
  int fd = open(p, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0 || fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) close(fd);
    return AE_ERR(AEON_ERR_IO, "cannot fsync '%s': %s", p, strerror(err));
  }
  close(fd);
  return AEON_OK;
}

/* Rank 0: makes the finished file durable under its final name. */
static aeon_err publish(const char *tmp, const char *path) {
  AE_CHK(sync_path(tmp, 0));
  if (rename(tmp, path) != 0) return AE_ERR(AEON_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, sizeof dir, ".");
  return sync_path(dir, 1);
}

/* Writes the whole file tmp collectively; every rank returns the same result, and the file is closed on every
 * path (an HDF5 file left open crashes MPI_Finalize). */
static aeon_err write_file(const aeon_mesh *m, const aeon_fields *u, const char *const *names, const char *tmp,
                           aeon_checkpoint_meta *mt, double *buf) {
  MPI_Comm comm = MPI_COMM_NULL;
  AE_CHK(h5u_io_comm(m, &comm));
  hid_t f = -1;
  h5_quiet q;
  h5u_quiet_begin(&q);
  aeon_err e = aeon_io_agree(comm, h5u_open(tmp, comm, 1, 1, "checkpoint", &f));
  if (!e) e = put_contents(f, comm, m, u, names, mt, buf, tmp);
  e = h5u_close_file(&f, comm, e, "checkpoint", tmp);
  h5u_quiet_end(&q);
  MPI_Comm_free(&comm);
  return e;
}

/* The directory part of path. */
static void dir_of(const char *path, char *dir, size_t len) {
  snprintf(dir, len, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else snprintf(dir, len, ".");
}

/* Appends "; the previous checkpoint is still valid: FILE" (or that none exists) to the current error. */
static void name_previous(const char *path) {
  char dir[4096], prev[1][4096], msg[3000];
  dir_of(path, dir, sizeof dir);
  int n = aeon_checkpoint_list(dir, prev, 1);
  snprintf(msg, sizeof msg, "%.1200s; %s%.1000s", aeon_error_message(),
           n ? "the previous checkpoint is still valid: " : "no earlier checkpoint exists", n ? prev[0] : "");
  aeon_error_adopt(aeon_error_code(), msg);
}

/* Expected size of the checkpoint: the previous checkpoint's size when there is one (the best predictor),
 * else the raw data plus the blobs and a little HDF5 overhead. */
static double expected_size(const aeon_mesh *m, int nvar, const aeon_checkpoint_meta *mt, const char *dir) {
  h5u_box_map map = evolved_map(m);
  double raw = 8.0 * (double)nvar * (double)map.gshape[0] * (double)map.gshape[1] * (double)map.gshape[2] +
               (double)(mt->ntiers + mt->nreceipts + strlen(mt->deck) + strlen(mt->effective)) + 4096.0;
  char prev[1][4096];
  struct stat st;
  if (aeon_checkpoint_list(dir, prev, 1) == 1 && stat(prev[0], &st) == 0 && 1.01 * (double)st.st_size > raw)
    return 1.01 * (double)st.st_size;
  return raw;
}

/* Rank 0: refuses before writing anything when the checkpoint would not fit: free space on the file
 * system, or this process's file-size limit (ulimit -f). A write failing halfway inside parallel HDF5
 * cannot be unwound on every rank, so this check is the defence against a full disk. */
static aeon_err check_space(const aeon_mesh *m, int nvar, const aeon_checkpoint_meta *mt, const char *path) {
  char dir[4096];
  dir_of(path, dir, sizeof dir);
  double need = expected_size(m, nvar, mt, dir);
  struct statvfs sv;
  if (statvfs(dir, &sv) != 0) return AE_ERR(AEON_ERR_IO, "checkpoint directory '%s': %s", dir, strerror(errno));
  double avail = (double)sv.f_bavail * (double)sv.f_frsize;
  if (avail < 1.05 * need)
    return AE_ERR(AEON_ERR_IO, "not enough space for checkpoint '%s': it needs about %.2f MB, the file system "
                  "has %.2f MB free", path, need / 1e6, avail / 1e6);
  struct rlimit rl;
  if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < need)
    return AE_ERR(AEON_ERR_IO, "checkpoint '%s' would exceed the file-size limit (ulimit -f) of %.2f MB: it "
                  "needs about %.2f MB", path, (double)rl.rlim_cur / 1e6, need / 1e6);
  return AEON_OK;
}

aeon_err aeon_checkpoint_write(const aeon_mesh *m, const aeon_fields *u, const char *const *names,
                               const char *path, const aeon_checkpoint_meta *meta) {
  MPI_Comm cart = m->par->cart;
  int rank = m->par->rank;
  aeon_checkpoint_meta mt = *meta;
  if (rank != 0) mt.deck = mt.effective = mt.physics = NULL, mt.tiers = mt.receipts = mt.wisdom = NULL;
  mt.format_version = AEON_CHECKPOINT_VERSION;
  aeon_err e = share_meta(cart, rank, &mt);
  if (!e) e = aeon_mem_alloc((size_t)u->nvar * DIGEST_LINE + 1, (void **)&mt.field_digests);
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  double *buf = NULL;
  h5u_box_map map = evolved_map(m);
  if (!e) e = aeon_mem_alloc(sizeof(double) * (size_t)(h5u_buf_points(&map, 1) + 1), (void **)&buf);
  if (!e && rank == 0) e = check_space(m, u->nvar, &mt, path);
  e = aeon_par_agree(cart, e);
  int guard = aeon_io_phase_begin("checkpoint", tmp);
  if (!e) e = write_file(m, u, names, tmp, &mt, buf); /* agreed on every rank */
  if (!e) e = aeon_io_agree(cart, rank == 0 ? publish(tmp, path) : AEON_OK);
  aeon_io_phase_end(guard);
  if (e && rank == 0) unlink(tmp); /* the previous checkpoint stays the newest valid one */
  if (e) name_previous(path);
  aeon_mem_free(buf);
  aeon_mem_free(mt.field_digests);
  if (rank != 0) {
    aeon_mem_free(mt.deck), aeon_mem_free(mt.effective), aeon_mem_free(mt.physics);
    aeon_mem_free(mt.tiers), aeon_mem_free(mt.receipts), aeon_mem_free(mt.wisdom);
  }
  return e ? aeon_error_trace(e, __FILE__, __LINE__, __func__) : AEON_OK;
}

/* The optional FFTW wisdom of an open checkpoint: read with its Fletcher32 checksum and compared with its SHA-256
 * attribute; anything missing or damaged leaves it out (wisdom_state -1), never failing the checkpoint. */
static void get_wisdom(hid_t f, aeon_checkpoint_meta *mt, const char *path) {
  mt->wisdom_state = 0;
  if (H5Lexists(f, "/fftw_wisdom", H5P_DEFAULT) <= 0) return;
  char saved[2048], *stored = NULL, hex[65];
  aeon_err code = aeon_error_code();
  snprintf(saved, sizeof saved, "%s", aeon_error_message()); /* a damaged blob must not leave its message behind */
  int ok = h5u_read_bytes(f, "/fftw_wisdom", &mt->wisdom, &mt->nwisdom, path) == AEON_OK &&
           H5Aexists(f, "fftw_wisdom_sha256") > 0 && h5u_get_str_attr(f, "fftw_wisdom_sha256", &stored, path) == AEON_OK &&
           bytes_sha256(mt->wisdom, mt->nwisdom, hex) == AEON_OK && strcmp(hex, stored) == 0;
  aeon_mem_free(stored);
  aeon_error_adopt(code, saved);
  mt->wisdom_state = ok ? 1 : -1;
  if (ok) return;
  aeon_mem_free(mt->wisdom);
  mt->wisdom = NULL;
  mt->nwisdom = 0;
}

/* Reads and checks everything but the fields from an open file. */
static aeon_err get_meta(hid_t f, const char *path, aeon_checkpoint_meta *mt) {
  char *format = NULL;
  if (h5u_get_str_attr(f, "format", &format, path) || strcmp(format, AEON_CHECKPOINT_FORMAT) != 0) {
    aeon_mem_free(format);
    return AE_ERR(AEON_ERR_USER, "'%s' is not an Aeon checkpoint (no format attribute '%s'; a snapshot or another "
                                 "program's HDF5 file?)", path, AEON_CHECKPOINT_FORMAT);
  }
  aeon_mem_free(format);
  int32_t version = 0;
  AE_CHK(h5u_get_attr(f, "format_version", H5T_NATIVE_INT32, 0, &version, path));
  if (version < 1 || version > AEON_CHECKPOINT_VERSION)
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' has format version %d; this Aeon (%s) reads versions 1 to %d", path,
                  version, AEON_VERSION_STRING, AEON_CHECKPOINT_VERSION);
  int64_t nums[3];
  double reals[3];
  AE_CHK(h5u_get_attr(f, "step_nsteps_tick", H5T_NATIVE_INT64, 3, nums, path));
  AE_CHK(h5u_get_attr(f, "t_dt_wall", H5T_NATIVE_DOUBLE, 3, reals, path));
  AE_CHK(h5u_get_attr(f, version == 1 ? "regime_rollbacks_level" : "regime_rollbacks_halvings", H5T_NATIVE_INT64, 3,
                      mt->sched, path));
  mt->step = nums[0], mt->nsteps = nums[1], mt->tick = nums[2];
  mt->t = reals[0], mt->dt = reals[1], mt->wall = reals[2];
  mt->format_version = version;
  if (version >= 3) AE_CHK(h5u_get_str_attr(f, "field_digests", &mt->field_digests, path));
  AE_CHK(h5u_get_str_attr(f, "aeon_version", &mt->aeon_version, path));
  AE_CHK(h5u_get_str_attr(f, "deck", &mt->deck, path));
  AE_CHK(h5u_get_str_attr(f, "effective_parameters", &mt->effective, path));
  AE_CHK(h5u_get_str_attr(f, "physics", &mt->physics, path));
  AE_CHK(h5u_read_bytes(f, "/tiers", &mt->tiers, &mt->ntiers, path));
  AE_CHK(h5u_read_bytes(f, "/receipts", &mt->receipts, &mt->nreceipts, path));
  get_wisdom(f, mt, path);
  return AEON_OK;
}

/* 1 if the stored digest matches the metadata read. */
static aeon_err digest_matches(hid_t f, const aeon_checkpoint_meta *mt, const char *path, int *ok) {
  char *stored = NULL, hex[65];
  AE_CHK(h5u_get_str_attr(f, "meta_sha256", &stored, path));
  aeon_err e = meta_digest(mt, hex);
  *ok = !e && strcmp(hex, stored) == 0;
  aeon_mem_free(stored);
  return e;
}

aeon_err aeon_checkpoint_read_meta_unverified(MPI_Comm comm, const char *path, aeon_checkpoint_meta *mt,
                                              int *digest_ok) {
  memset(mt, 0, sizeof *mt);
  *digest_ok = 0;
  MPI_Comm io;
  AE_MPI(MPI_Comm_dup(comm, &io));
  hid_t f = -1;
  h5_quiet q;
  h5u_quiet_begin(&q);
  aeon_err e = h5u_open(path, io, 0, 1, "checkpoint", &f);
  if (!e) e = get_meta(f, path, mt);
  if (!e) e = digest_matches(f, mt, path, digest_ok);
  h5u_close(&f);
  h5u_quiet_end(&q);
  MPI_Comm_free(&io);
  e = aeon_par_agree(comm, e);
  if (e) aeon_checkpoint_meta_free(mt);
  return e;
}

aeon_err aeon_checkpoint_read_meta(MPI_Comm comm, const char *path, aeon_checkpoint_meta *mt) {
  int ok = 0;
  AE_CHK(aeon_checkpoint_read_meta_unverified(comm, path, mt, &ok));
  if (ok) return AEON_OK;
  aeon_checkpoint_meta_free(mt);
  return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its metadata does not match its SHA-256 digest", path);
}

/* The digest field name has in digests ("NAME HEX\n" lines); 0 when it is not listed. */
static int listed_digest(const char *digests, const char *name, h5u_digest *dg) {
  for (const char *p = digests; p && *p;) {
    char nm[256];
    unsigned long long a, b;
    if (sscanf(p, "%255s %16llx%16llx", nm, &a, &b) == 3 && strcmp(nm, name) == 0) {
      dg->lane[0] = a, dg->lane[1] = b;
      return 1;
    }
    p = strchr(p, '\n');
    p = p ? p + 1 : NULL;
  }
  return 0;
}

/* Number of fields listed in digests. */
static int count_digests(const char *digests) {
  int n = 0;
  for (const char *p = digests; p && *p; p++) n += *p == '\n';
  return n;
}

/* Compares field name's digest as read (got) with the one in the metadata (format 3). The same check for
 * restart and inspect. */
static aeon_err check_digest(const char *path, const char *name, const char *digests, const h5u_digest *got) {
  h5u_digest want;
  if (!listed_digest(digests, name, &want))
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: field '%s' has no digest in the metadata", path, name);
  if (want.lane[0] != got->lane[0] || want.lane[1] != got->lane[1])
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: the data of field '%s' do not match its digest (read "
                  "%016llx%016llx, recorded %016llx%016llx)", path, name, (unsigned long long)got->lane[0],
                  (unsigned long long)got->lane[1], (unsigned long long)want.lane[0], (unsigned long long)want.lane[1]);
  return AEON_OK;
}

/* The format version and (format 3) field digests of an open checkpoint. */
static aeon_err get_digests(hid_t f, const char *path, int32_t *version, char **digests) {
  *digests = NULL;
  AE_CHK(h5u_get_attr(f, "format_version", H5T_NATIVE_INT32, 0, version, path));
  if (*version >= 3) AE_CHK(h5u_get_str_attr(f, "field_digests", digests, path));
  return AEON_OK;
}

/* Number of links in the fields group of an open checkpoint (-1 if it cannot be read). */
static long count_datasets(hid_t f) {
  H5G_info_t info;
  hid_t g = H5Gopen2(f, fields_group(f), H5P_DEFAULT);
  long n = g < 0 || H5Gget_info(g, &info) < 0 ? -1 : (long)info.nlinks;
  h5u_close(&g);
  return n;
}

/* What verify_one needs and finds. */
typedef struct verify_state {
  const char *path, *digests; /* digests: NULL before format 3 */
  int n;                      /* datasets verified */
  aeon_err err;
} verify_state;

/* Reads a whole 3-D dataset in slabs of z-planes (about 16 MiB each), hashing it in file order. */
static aeon_err read_whole(hid_t d, const char *name, const char *path, h5u_digest *dg) {
  hid_t fs = H5Dget_space(d), type = H5Dget_type(d), ms = -1;
  hsize_t dims[3] = {0, 0, 0};
  int nd = fs < 0 ? -1 : H5Sget_simple_extent_ndims(fs);
  int isfloat = type >= 0 && H5Tget_class(type) == H5T_FLOAT;
  h5u_close(&type);
  if (nd != 3 || !isfloat || H5Sget_simple_extent_dims(fs, dims, NULL) < 0) {
    h5u_close(&fs);
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: /fields/%s is not a 3-D floating-point dataset", path,
                  name);
  }
  size_t plane = (size_t)(dims[1] * dims[2]);
  hsize_t nz = plane ? (16u << 20) / (plane * sizeof(double)) : 1;
  nz = nz < 1 ? 1 : nz > dims[0] ? dims[0] : nz;
  double *buf = NULL;
  aeon_err e = aeon_mem_alloc(sizeof(double) * (plane * nz + 1), (void **)&buf);
  for (hsize_t z = 0; z < dims[0] && !e; z += nz) {
    hsize_t start[3] = {z, 0, 0}, count[3] = {z + nz > dims[0] ? dims[0] - z : nz, dims[1], dims[2]};
    ms = H5Screate_simple(3, count, NULL);
    if (ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0)
      e = AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: /fields/%s fails its checksum or cannot be read "
                 "(z-planes %llu to %llu)", path, name, (unsigned long long)z, (unsigned long long)(z + count[0] - 1));
    for (hsize_t r = 0; !e && r < count[0] * count[1]; r++)
      h5u_digest_row(dg, buf + r * dims[2], dims[2], (z * dims[1] + r) * dims[2]);
    h5u_close(&ms);
  }
  aeon_mem_free(buf);
  h5u_close(&fs);
  return e;
}

/* Reads one dataset of the fields group in full and verifies it; H5Literate callback. */
static herr_t verify_one(hid_t grp, const char *name, const H5L_info_t *info, void *data) {
  (void)info;
  verify_state *st = data;
  hid_t d = H5Dopen2(grp, name, H5P_DEFAULT);
  h5u_digest dg = {{0, 0}};
  st->err = d < 0 ? AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: /fields/%s cannot be opened", st->path, name)
                  : read_whole(d, name, st->path, &dg);
  if (!st->err && st->digests) st->err = check_digest(st->path, name, st->digests, &dg);
  h5u_close(&d);
  if (st->err) return -1;
  st->n++;
  return 0;
}

aeon_err aeon_checkpoint_verify_fields(const char *path, int *nfields) {
  verify_state st = {path, NULL, 0, AEON_OK};
  int32_t version = 0;
  char *digests = NULL;
  hid_t f = -1, g = -1;
  h5_quiet q;
  h5u_quiet_begin(&q);
  aeon_err e = h5u_open(path, MPI_COMM_SELF, 0, 1, "checkpoint", &f);
  if (!e) e = get_digests(f, path, &version, &digests);
  if (!e && (g = H5Gopen2(f, fields_group(f), H5P_DEFAULT)) < 0)
    e = AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: it has no fields group", path);
  st.digests = digests;
  if (!e && H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, verify_one, &st) < 0)
    e = st.err ? st.err : AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its fields group cannot be read", path);
  if (!e && digests && count_digests(digests) != st.n)
    e = AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its metadata lists %d fields, the file holds %d", path,
               count_digests(digests), st.n);
  h5u_close(&g);
  h5u_close(&f);
  h5u_quiet_end(&q);
  aeon_mem_free(digests);
  *nfields = st.n;
  return e;
}

/* Opens the datasets of the fields names[0..nvar) (collective metadata reads: the same result on every rank). */
static aeon_err open_fields(hid_t f, const aeon_mesh *m, const char *const *names, int nvar, hid_t *dsets,
                            const char *path) {
  h5u_box_map map = evolved_map(m);
  const char *group = fields_group(f);
  for (int v = 0; v < nvar; v++) {
    char dpath[256];
    snprintf(dpath, sizeof dpath, "%s/%s", group, names[v]);
    AE_CHK(h5u_open_field(f, dpath, map.gshape, path, &dsets[v]));
  }
  return AEON_OK;
}

/* Reads every field of u, each rank its box, independently and without waiting for the other ranks between
 * fields; field v's box is added to lanes[2v], lanes[2v + 1]. Stops at this rank's first error. */
static aeon_err read_boxes(const hid_t *dsets, const aeon_mesh *m, aeon_fields *u, const char *group,
                           const char *const *names, uint64_t *lanes, double *buf, const char *path) {
  h5u_box_map map = evolved_map(m);
  for (int v = 0; v < u->nvar; v++) {
    char dpath[256];
    h5u_digest dg = {{0, 0}};
    snprintf(dpath, sizeof dpath, "%s/%s", group, names[v]);
    AE_CHK(h5u_read_field(dsets[v], m, aeon_var(u, v), &map, buf, &dg, dpath, path));
    lanes[2 * v] = dg.lane[0], lanes[2 * v + 1] = dg.lane[1];
  }
  return AEON_OK;
}

/* Sums the ranks' digest lanes (exact mod 2^64) and checks every field against the metadata (format 3); the same
 * sums on every rank give the same result. */
static aeon_err check_fields(MPI_Comm comm, const char *const *names, int nvar, uint64_t *lanes, const char *digests,
                             const char *path) {
  AE_MPI(MPI_Allreduce(MPI_IN_PLACE, lanes, 2 * nvar, MPI_UINT64_T, MPI_SUM, comm));
  for (int v = 0; v < nvar; v++) {
    h5u_digest dg = {{lanes[2 * v], lanes[2 * v + 1]}};
    AE_CHK(check_digest(path, names[v], digests, &dg));
  }
  return AEON_OK;
}

/* Reads the fields of u from an open checkpoint: all datasets are opened (collective), every rank reads its
 * boxes independently, the ranks agree once on the outcome (a read error on one rank stops every rank there),
 * and the field digests are checked (format 3). Closes the datasets. */
static aeon_err read_fields(hid_t f, const aeon_mesh *m, aeon_fields *u, const char *const *names,
                            const char *digests, double *buf, const char *path) {
  MPI_Comm cart = m->par->cart;
  hid_t *dsets = NULL;
  uint64_t *lanes = NULL;
  aeon_err e = aeon_mem_alloc(sizeof *dsets * (size_t)u->nvar, (void **)&dsets);
  if (!e) e = aeon_mem_alloc(sizeof *lanes * 2 * (size_t)u->nvar, (void **)&lanes);
  for (int v = 0; dsets && v < u->nvar; v++) dsets[v] = -1;
  if (!e) e = open_fields(f, m, names, u->nvar, dsets, path);
  e = aeon_par_agree(cart, e);
  if (!e) e = aeon_par_agree(cart, read_boxes(dsets, m, u, fields_group(f), names, lanes, buf, path));
  if (!e && digests) e = check_fields(cart, names, u->nvar, lanes, digests, path);
  for (int v = 0; dsets && v < u->nvar; v++) h5u_close(&dsets[v]);
  aeon_mem_free(lanes);
  aeon_mem_free(dsets);
  return e;
}

aeon_err aeon_checkpoint_read_fields(const aeon_mesh *m, aeon_fields *u, const char *const *names,
                                     const char *path) {
  MPI_Comm comm = MPI_COMM_NULL;
  double *buf = NULL;
  char *digests = NULL;
  int32_t version = 0;
  h5u_box_map map = evolved_map(m);
  aeon_err e = h5u_io_comm(m, &comm);
  if (!e) e = aeon_mem_alloc(sizeof(double) * (size_t)(h5u_buf_points(&map, 1) + 1), (void **)&buf);
  hid_t f = -1;
  h5_quiet q;
  h5u_quiet_begin(&q);
  if (!e) e = h5u_open(path, comm, 0, 1, "checkpoint", &f);
  if (!e) e = get_digests(f, path, &version, &digests);
  long nd = e ? 0 : count_datasets(f);
  if (!e && nd != u->nvar)
    e = AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged or of another physics: it holds %ld field datasets, this run "
               "has %d variables", path, nd, u->nvar);
  if (!e && digests && count_digests(digests) != u->nvar)
    e = AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its metadata lists %d field digests, this run has %d "
               "variables", path, count_digests(digests), u->nvar);
  e = aeon_par_agree(m->par->cart, e);
  if (!e) e = read_fields(f, m, u, names, digests, buf, path);
  h5u_close(&f);
  h5u_quiet_end(&q);
  if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  aeon_mem_free(buf);
  aeon_mem_free(digests);
  return e ? aeon_error_trace(e, __FILE__, __LINE__, __func__) : AEON_OK;
}

void aeon_checkpoint_meta_free(aeon_checkpoint_meta *mt) {
  aeon_mem_free(mt->deck), aeon_mem_free(mt->effective), aeon_mem_free(mt->physics);
  aeon_mem_free(mt->aeon_version), aeon_mem_free(mt->tiers), aeon_mem_free(mt->receipts);
  aeon_mem_free(mt->field_digests), aeon_mem_free(mt->wisdom);
  memset(mt, 0, sizeof *mt);
}

/* Step number of a file named chk_NNNNNNNN.h5, or -1. */
static long chk_step(const char *name) {
  long step;
  char tail[8];
  if (sscanf(name, "chk_%ld%7s", &step, tail) == 2 && strcmp(tail, ".h5") == 0) return step;
  return -1;
}

/* 1 if dir/name is a regular file (a directory or FIFO named like a checkpoint is none). */
static int is_regular(const char *dir, const char *name) {
  char p[8200];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int aeon_checkpoint_list(const char *dir, char paths[][4096], int max) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  long steps[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    long s = chk_step(e->d_name);
    if (s >= 0 && is_regular(dir, e->d_name)) steps[n++] = s; /* never a directory or a FIFO */
  }
  closedir(d);
  for (int i = 1; i < n; i++) /* newest first */
    for (int j = i; j > 0 && steps[j] > steps[j - 1]; j--) {
      long t = steps[j];
      steps[j] = steps[j - 1], steps[j - 1] = t;
    }
  int k = n < max ? n : max;
  for (int i = 0; i < k; i++) snprintf(paths[i], 4096, "%s/chk_%08ld.h5", dir, steps[i]);
  return k;
}

/* 1 if path is a checkpoint whose metadata verifies and whose receipt anchor names lineage. */
static int of_lineage(const char *path, const char *lineage) {
  aeon_checkpoint_meta mt;
  aeon_receipt_anchor a;
  if (aeon_checkpoint_read_meta(MPI_COMM_SELF, path, &mt) != AEON_OK) return 0;
  int mine = aeon_receipts_blob_anchor(mt.receipts, mt.nreceipts, path, &a) == AEON_OK && a.lineage[0] &&
             strcmp(a.lineage, lineage) == 0;
  aeon_checkpoint_meta_free(&mt);
  return mine;
}

int aeon_checkpoint_prune(const char *dir, int keep, const char *lineage) {
  char(*paths)[4096] = NULL;
  if (aeon_mem_alloc(256 * sizeof *paths, (void **)&paths) != AEON_OK) return 0;
  int n = aeon_checkpoint_list(dir, paths, 256), kept = 0, removed = 0;
  if (n <= keep) { /* nothing to remove: no file is opened */
    aeon_mem_free(paths);
    return 0;
  }
  char saved[2048];
  aeon_err code = aeon_error_code();
  snprintf(saved, sizeof saved, "%s", aeon_error_message()); /* reading a stray file must not clobber it */
  for (int i = 0; i < n && lineage && lineage[0]; i++) {
    if (!of_lineage(paths[i], lineage)) continue; /* a stray, damaged or foreign file is never removed */
    if (++kept > keep && unlink(paths[i]) == 0) removed++;
  }
  aeon_error_adopt(code, saved);
  aeon_mem_free(paths);
  return removed;
}
