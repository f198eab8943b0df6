/* The receipt chain outside memory: the run directory's log file, the anchor and blob a checkpoint stores, and
 * the one function that verifies a whole chain (used by restart and `aeon inspect`).
 *
 * Data flow. At a checkpoint rank 0 appends the receipts made since the last append to RUNDIR/receipts.log (plain
 * concatenation of 200-byte canonical receipts, index 0 first) and fsyncs it; the checkpoint's /receipts blob
 * then holds an anchor (count, head hash, step, lineage, MAC) and only the receipts since the previous checkpoint;
 * after the checkpoint, its checkpoint-written receipt (index = count, prev = head: the anchor again, in the log)
 * is appended too (durable with the next fsync). aeon_receipts_load reads the log's first `count` receipts, checks that they agree
 * with the blob's, verifies the chain, the head and the MAC.
 *
 * Blob (little-endian): 0 "AEONRCPT" | 8 version u32 (1) | 12 keyed u32 | 16 count u64 | 24 first u64 |
 *   32 step i64 | 40 lineage[32] | 72 head[32] | 104 mac[32] | 136 receipts first..count-1.
 * A blob without the magic is a checkpoint written before anchors: the whole chain, nothing else.
 * mac = HMAC-SHA-256(key, "aeon-receipt-anchor" | lineage[32] | step | count | head) with a key, the SHA-256 of
 * the same bytes without one. */
#include "le_bytes.h"
#include "aeon/receipts.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "aeon/memory.h"

#define MAGIC "AEONRCPT"
#define BLOB_VERSION 1u
#define ANCHOR_TAG "aeon-receipt-anchor"
#define HASH_AT 160 /* of a canonical receipt */

_Static_assert(AEON_RECEIPT_BLOB_HEADER == 136, "blob header layout");

/* The anchor's MAC with the log's key (SHA-256 without one). */
static void anchor_mac(const aeon_receipts *log, const aeon_receipt_anchor *a, uint8_t out[32]) {
  uint8_t buf[sizeof ANCHOR_TAG - 1 + AEON_LINEAGE_HEX + 8 + 8 + 32] = {0};
  uint8_t *p = buf;
  memcpy(p, ANCHOR_TAG, sizeof ANCHOR_TAG - 1), p += sizeof ANCHOR_TAG - 1;
  memcpy(p, a->lineage, strnlen(a->lineage, AEON_LINEAGE_HEX)), p += AEON_LINEAGE_HEX;
  le_put_u64(p, (uint64_t)a->step), p += 8;
  le_put_u64(p, a->count), p += 8;
  memcpy(p, a->head, 32);
  aeon_receipts_mac(log, buf, sizeof buf, out);
}

size_t aeon_receipts_blob_size(const aeon_receipts *log, uint64_t first) {
  size_t n = aeon_receipts_count(log);
  return AEON_RECEIPT_BLOB_HEADER + (first < n ? n - first : 0) * AEON_RECEIPT_BYTES;
}

void aeon_receipts_blob_write(const aeon_receipts *log, uint64_t first, int64_t step, const char *lineage,
                              uint8_t *buf) {
  aeon_receipt_anchor a;
  memset(&a, 0, sizeof a);
  a.count = aeon_receipts_count(log);
  a.first = first < a.count ? first : a.count;
  a.step = step;
  a.keyed = aeon_receipts_keyed(log);
  snprintf(a.lineage, sizeof a.lineage, "%s", lineage ? lineage : "");
  if (a.count) memcpy(a.head, aeon_receipts_get(log, a.count - 1)->hash, 32);
  anchor_mac(log, &a, a.mac);
  memset(buf, 0, AEON_RECEIPT_BLOB_HEADER);
  memcpy(buf, MAGIC, 8);
  le_put_u32(buf + 8, BLOB_VERSION);
  le_put_u32(buf + 12, (uint32_t)a.keyed);
  le_put_u64(buf + 16, a.count);
  le_put_u64(buf + 24, a.first);
  le_put_u64(buf + 32, (uint64_t)a.step);
  memcpy(buf + 40, a.lineage, strlen(a.lineage));
  memcpy(buf + 72, a.head, 32);
  memcpy(buf + 104, a.mac, 32);
  aeon_receipts_serialize_range(log, a.first, a.count - a.first, buf + AEON_RECEIPT_BLOB_HEADER);
}

aeon_err aeon_receipts_blob_anchor(const uint8_t *buf, size_t n, const char *what, aeon_receipt_anchor *a) {
  memset(a, 0, sizeof *a);
  if (n < 8 || memcmp(buf, MAGIC, 8) != 0) { /* before anchors: the whole chain */
    if (n % AEON_RECEIPT_BYTES)
      return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its receipts are %zu bytes, not a whole number of "
                    "receipts", what, n);
    a->count = n / AEON_RECEIPT_BYTES;
    a->step = -1;
    if (a->count) memcpy(a->head, buf + n - AEON_RECEIPT_BYTES + HASH_AT, 32);
    return AEON_OK;
  }
  if (n < AEON_RECEIPT_BLOB_HEADER || le_get_u32(buf + 8) != BLOB_VERSION)
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its receipt anchor is truncated or of an unknown "
                  "version", what);
  a->keyed = (int32_t)le_get_u32(buf + 12);
  a->count = le_get_u64(buf + 16);
  a->first = le_get_u64(buf + 24);
  a->step = (int64_t)le_get_u64(buf + 32);
  memcpy(a->lineage, buf + 40, AEON_LINEAGE_HEX);
  a->lineage[AEON_LINEAGE_HEX] = '\0';
  memcpy(a->head, buf + 72, 32);
  memcpy(a->mac, buf + 104, 32);
  if (a->first > a->count || (n - AEON_RECEIPT_BLOB_HEADER) / AEON_RECEIPT_BYTES != a->count - a->first ||
      (n - AEON_RECEIPT_BLOB_HEADER) % AEON_RECEIPT_BYTES)
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: its receipt anchor says receipts %" PRIu64 " to %"
                  PRIu64 " but the blob holds %zu bytes of receipts", what, a->first, a->count,
                  n - AEON_RECEIPT_BLOB_HEADER);
  return AEON_OK;
}

/* Opens a regular file for reading without blocking on a FIFO; -1 with errno set (EINVAL: not regular). */
static int open_regular(const char *path, off_t *size) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0) return -1;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  *size = st.st_size;
  return fd;
}

/* Reads exactly n bytes. */
static int read_all(int fd, uint8_t *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

/* The receipts [0, count) of the log file into buf (count * 200 bytes); *in_file: receipts the file holds, or
 * -1 when there is no file. A missing file is an error only when the blob does not hold the whole chain. */
static aeon_err read_log_file(const char *logpath, const aeon_receipt_anchor *a, const char *what, uint8_t *buf,
                              int64_t *in_file) {
  off_t size = 0;
  int fd = open_regular(logpath, &size);
  *in_file = -1;
  if (fd < 0 && errno == ENOENT && a->first == 0) return AEON_OK;
  if (fd < 0)
    return AE_ERR(AEON_ERR_USER, "receipt log '%s' of checkpoint '%s' %s: receipts 0-%" PRIu64 " are kept only "
                  "there", logpath, what, errno == ENOENT ? "is missing" : errno == EINVAL ? "is not a regular file" :
                  strerror(errno), a->first ? a->first - 1 : 0);
  *in_file = (int64_t)(size / AEON_RECEIPT_BYTES);
  aeon_err e = AEON_OK;
  if ((uint64_t)*in_file < a->count)
    e = AE_ERR(AEON_ERR_USER, "receipt log '%s' holds %" PRId64 " receipts but checkpoint '%s' anchors %" PRIu64
               ": receipts were removed from the log", logpath, *in_file, what, a->count);
  else if (read_all(fd, buf, a->count * AEON_RECEIPT_BYTES) != 0)
    e = AE_ERR(AEON_ERR_IO, "cannot read receipt log '%s': %s", logpath, strerror(errno));
  close(fd);
  return e;
}

/* Checks what a key (or its absence) requires of the anchor. */
static aeon_err check_keying(const aeon_receipts *log, const aeon_receipt_anchor *a, const char *what) {
  if (a->keyed && !aeon_receipts_keyed(log))
    return AE_ERR(AEON_ERR_USER, "the receipts of checkpoint '%s' are keyed (HMAC-SHA-256): name the key file "
                  "(receipts.key_file, AEON_RECEIPT_KEY_FILE, or inspect --key) to verify them", what);
  if (!a->keyed && aeon_receipts_keyed(log))
    return AE_ERR(AEON_ERR_USER, "a receipt key is given but the receipts of checkpoint '%s' are not keyed: they "
                  "were written without a key, or re-made without it", what);
  if (a->count == 0)
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' holds no receipts (every checkpoint has at least its run-start "
                  "receipt): they were removed", what);
  return AEON_OK;
}

/* Verifies the loaded chain, its head and the anchor's MAC (the anchor of a pre-anchor checkpoint has none). */
static aeon_err check_chain(const aeon_receipts *log, const aeon_receipt_anchor *a, const char *what, int anchored) {
  size_t bad = 0;
  if (aeon_receipts_verify(log, &bad) != AEON_OK) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", aeon_error_message()); /* not formatted into itself */
    return AE_ERR(AEON_ERR_USER, "the receipts of checkpoint '%s' do not verify: %s", what, msg);
  }
  if (memcmp(aeon_receipts_get(log, a->count - 1)->hash, a->head, 32) != 0)
    return AE_ERR(AEON_ERR_USER, "the receipt anchor of checkpoint '%s' does not match receipt %" PRIu64
                  " (its head hash differs)", what, a->count - 1);
  uint8_t mac[32];
  anchor_mac(log, a, mac);
  if (anchored && memcmp(mac, a->mac, 32) != 0)
    return AE_ERR(AEON_ERR_USER, "the receipt anchor of checkpoint '%s' (%" PRIu64 " receipts) does not match its %s:"
                  " the receipts were edited, cut short or re-made%s", what, a->count, a->keyed ? "HMAC" : "checksum",
                  a->keyed ? " without the key" : "");
  return AEON_OK;
}

aeon_err aeon_receipts_load(aeon_receipts *log, const char *logpath, const uint8_t *blob, size_t nblob,
                            const char *what, aeon_receipt_anchor *a, int64_t *in_file) {
  *in_file = -1;
  AE_CHK(aeon_receipts_blob_anchor(blob, nblob, what, a));
  int anchored = a->step >= 0;
  const uint8_t *tail = anchored ? blob + AEON_RECEIPT_BLOB_HEADER : blob;
  AE_CHK(check_keying(log, a, what));
  if (a->count > SIZE_MAX / AEON_RECEIPT_BYTES)
    return AE_ERR(AEON_ERR_USER, "checkpoint '%s' is damaged: it anchors %" PRIu64 " receipts", what, a->count);
  uint8_t *buf = NULL;
  AE_CHK(aeon_mem_alloc(a->count * AEON_RECEIPT_BYTES + 1, (void **)&buf));
  size_t off = a->first * AEON_RECEIPT_BYTES, ntail = (a->count - a->first) * AEON_RECEIPT_BYTES;
  aeon_err e = read_log_file(logpath, a, what, buf, in_file);
  if (!e && *in_file < 0) memcpy(buf, tail, ntail); /* no file: the blob holds the whole chain */
  else if (!e && memcmp(buf + off, tail, ntail) != 0) {
    size_t i = 0;
    while (memcmp(buf + off + i * AEON_RECEIPT_BYTES, tail + i * AEON_RECEIPT_BYTES, AEON_RECEIPT_BYTES) == 0) i++;
    e = AE_ERR(AEON_ERR_USER, "receipt log '%s' and checkpoint '%s' differ at receipt %" PRIu64 ": one of them was "
               "edited", logpath, what, a->first + i);
  }
  if (!e) e = aeon_receipts_deserialize(log, buf, a->count);
  if (!e) e = check_chain(log, a, what, anchored);
  aeon_mem_free(buf);
  return e;
}

aeon_err aeon_receipts_file_append(const aeon_receipts *log, const char *path, uint64_t from, int sync) {
  uint64_t n = aeon_receipts_count(log);
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (from == 0 ? O_TRUNC : 0), 0666);
  if (fd < 0) return AE_ERR(AEON_ERR_IO, "cannot open receipt log '%s': %s", path, strerror(errno));
  struct stat st;
  aeon_err e = AEON_OK;
  if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != from * AEON_RECEIPT_BYTES)
    e = AE_ERR(AEON_ERR_IO, "receipt log '%s' holds %lld bytes, expected %" PRIu64 " receipts: another process "
               "wrote it", path, (long long)st.st_size, from);
  uint8_t rec[AEON_RECEIPT_BYTES];
  for (uint64_t i = from; i < n && !e; i++) {
    aeon_receipts_serialize_range(log, i, 1, rec);
    if (pwrite(fd, rec, sizeof rec, (off_t)(i * AEON_RECEIPT_BYTES)) != (ssize_t)sizeof rec)
      e = AE_ERR(AEON_ERR_IO, "cannot write receipt log '%s': %s", path, strerror(errno));
  }
  if (!e && sync && fsync(fd) != 0) e = AE_ERR(AEON_ERR_IO, "cannot fsync receipt log '%s': %s", path, strerror(errno));
  close(fd);
  return e;
}

aeon_err aeon_receipts_file_truncate(const char *path, uint64_t n) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ftruncate(fd, (off_t)(n * AEON_RECEIPT_BYTES)) != 0 || fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) close(fd);
    return AE_ERR(AEON_ERR_IO, "cannot cut receipt log '%s' to %" PRIu64 " receipts: %s", path, n, strerror(err));
  }
  close(fd);
  return AEON_OK;
}

void aeon_receipts_log_path(const char *checkpoint, char *out, size_t len) {
  char a[4096], b[4096];
  snprintf(a, sizeof a, "%s", checkpoint);
  snprintf(b, sizeof b, "%s", dirname(a)); /* .../checkpoints */
  snprintf(out, len, "%s/receipts.log", dirname(b));
}

aeon_err aeon_receipts_read_key(const char *path, uint8_t *key, size_t *len) {
  off_t size = 0;
  int fd = open_regular(path, &size);
  if (fd < 0)
    return AE_ERR(AEON_ERR_USER, "receipt key file '%s': %s", path, errno == EINVAL ? "not a regular file" :
                  strerror(errno));
  aeon_err e = AEON_OK;
  if (size < AEON_RECEIPT_KEY_MIN || size > AEON_RECEIPT_KEY_MAX)
    e = AE_ERR(AEON_ERR_USER, "receipt key file '%s' has %lld bytes; a key has %d to %d bytes (e.g. head -c 32 "
               "/dev/urandom > FILE)", path, (long long)size, AEON_RECEIPT_KEY_MIN, AEON_RECEIPT_KEY_MAX);
  else if (read_all(fd, key, (size_t)size) != 0)
    e = AE_ERR(AEON_ERR_IO, "cannot read receipt key file '%s': %s", path, strerror(errno));
  close(fd);
  *len = e ? 0 : (size_t)size;
  return e;
}

aeon_err aeon_receipts_new_lineage(char out[AEON_LINEAGE_HEX + 1]) {
  uint8_t r[AEON_LINEAGE_HEX / 2];
  if (RAND_bytes(r, sizeof r) != 1) return AE_ERR(AEON_ERR_LIB, "OpenSSL could not make a random lineage id");
  for (size_t i = 0; i < sizeof r; i++) snprintf(out + 2 * i, 3, "%02x", r[i]);
  return AEON_OK;
}
