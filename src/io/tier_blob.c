/* Large values tied to the memory tiers (aeon/tiers.h): the tier entry holds
 * a descriptor (parameter digest, layout digest, payload SHA-256 and size,
 * cold and actual costs), the store holds the payload beside it. put: digest
 * the payload -> encode the descriptor -> aeon_tiers_put_payload. get: the
 * entry and its payload -> decode -> layout, size and SHA-256 checked (a
 * mismatch is evicted with a warning). Files: save writes
 *   "AEONBLOB" | version u32 | descriptor bytes u32 | key[48] | descriptor | payload
 * (little-endian) through aeon_cache_write; load checks magic, version, key and
 * size and puts the entry back (the digest is checked when it is served). */
#define OPENSSL_API_COMPAT 0x10100000L
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "aeon/cachedir.h"
#include "aeon/memory.h"
#include "aeon/tiers.h"
#include "le_bytes.h"

#define MAGIC "AEONBLOB"
#define VERSION 1u
#define FILE_HEADER (8 + 4 + 4 + AEON_TIER_KEY)
#define FILE_MAX (1L << 36) /* a larger file is not a blob */

void aeon_tier_digest(const void *data, size_t n, uint8_t out[32]) { SHA256(data, n, out); }

static void encode(const aeon_tier_blob *d, uint8_t *p) {
  memcpy(p, d->params, 32);
  memcpy(p + 32, d->layout, 32);
  memcpy(p + 64, d->sha, 32);
  p = le_put_u64(p + 96, d->bytes);
  for (int i = 0; i < 2; i++) p = le_put_u64(p, (uint64_t)d->cold[i]);
  for (int i = 0; i < 2; i++) p = le_put_u64(p, (uint64_t)d->made[i]);
}

static void decode(const uint8_t *p, aeon_tier_blob *d) {
  memcpy(d->params, p, 32);
  memcpy(d->layout, p + 32, 32);
  memcpy(d->sha, p + 64, 32);
  d->bytes = le_get_u64(p + 96);
  for (int i = 0; i < 2; i++) d->cold[i] = (int64_t)le_get_u64(p + 104 + 8 * i);
  for (int i = 0; i < 2; i++) d->made[i] = (int64_t)le_get_u64(p + 120 + 8 * i);
}

aeon_err aeon_tiers_blob_put(aeon_tiers *tiers, int tier, const char *key, aeon_tier_blob *d, const void *payload,
                             size_t bytes) {
  uint8_t buf[AEON_TIER_BLOB_DESC];
  d->bytes = bytes;
  aeon_tier_digest(payload, bytes, d->sha);
  encode(d, buf);
  return aeon_tiers_put_payload(tiers, tier, key, buf, sizeof buf, 0, payload, bytes);
}

/* Evicts key with a warning saying why its payload is not used; returns 0 and *payload NULL. */
static int refuse(aeon_tiers *tiers, const char *key, const char *why, const void **payload) {
  *payload = NULL;
  fprintf(stderr, "aeon: warning: warm-start value %s is not used (%s): ignored, computed from scratch\n", key, why);
  aeon_tiers_evict(tiers, key);
  return 0;
}

int aeon_tiers_blob_get(aeon_tiers *tiers, const char *key, const uint8_t layout[32], aeon_tier_blob *d,
                        const void **payload) {
  uint8_t buf[AEON_TIER_BLOB_DESC], sha[32];
  size_t len, plen;
  *payload = NULL;
  if (!aeon_tiers_get(tiers, key, buf, sizeof buf, &len) || !aeon_tiers_payload(tiers, key, payload, &plen)) return 0;
  if (len != sizeof buf) return refuse(tiers, key, "its descriptor has the wrong size", payload);
  decode(buf, d);
  if (memcmp(d->layout, layout, 32) != 0) return refuse(tiers, key, "it was made on another grid or layout", payload);
  if (d->bytes != plen) return refuse(tiers, key, "its payload has the wrong size", payload);
  aeon_tier_digest(*payload, plen, sha);
  if (memcmp(sha, d->sha, 32) != 0) return refuse(tiers, key, "its payload does not match its SHA-256", payload);
  return 1;
}

int aeon_tiers_blob_save(aeon_tiers *tiers, const char *key, const char *path) {
  uint8_t desc[AEON_TIER_BLOB_DESC];
  size_t len, plen;
  const void *payload;
  if (!aeon_tiers_get(tiers, key, desc, sizeof desc, &len) || len != sizeof desc ||
      !aeon_tiers_payload(tiers, key, &payload, &plen)) {
    fprintf(stderr, "aeon: warning: no warm-start value %s to write to '%s'\n", key, path);
    return 0;
  }
  size_t n = FILE_HEADER + sizeof desc + plen;
  uint8_t *buf = NULL;
  if (aeon_mem_alloc(n, (void **)&buf) != AEON_OK) return 0;
  memcpy(buf, MAGIC, 8);
  uint8_t *p = le_put_u32(buf + 8, VERSION);
  p = le_put_u32(p, (uint32_t)sizeof desc);
  strncpy((char *)p, key, AEON_TIER_KEY - 1);
  memcpy(p + AEON_TIER_KEY, desc, sizeof desc);
  memcpy(p + AEON_TIER_KEY + sizeof desc, payload, plen);
  int ok = aeon_cache_write(path, buf, n, "warm-start blob");
  aeon_mem_free(buf);
  return ok;
}

/* Reads the whole file at path into *buf (*n bytes); 0 if absent, -1 unreadable (why set). */
static int read_all(const char *path, uint8_t **buf, size_t *n, const char **why) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return errno == ENOENT ? 0 : (*why = strerror(errno), -1);
  long len = -1;
  int st = -1;
  if (fseek(fp, 0, SEEK_END) == 0) len = ftell(fp);
  if (len < FILE_HEADER + AEON_TIER_BLOB_DESC || len > FILE_MAX || fseek(fp, 0, SEEK_SET) != 0)
    *why = "too short or unreadable";
  else if (aeon_mem_alloc((size_t)len, (void **)buf) != AEON_OK) *why = "out of memory";
  else if (fread(*buf, 1, (size_t)len, fp) != (size_t)len) *why = "read error";
  else st = 1;
  fclose(fp);
  if (st < 0) {
    aeon_mem_free(*buf);
    *buf = NULL;
  }
  *n = (size_t)len;
  return st;
}

/* Checks a file's header and sizes against key; NULL if it is well formed, else why not. */
static const char *check_file(const uint8_t *buf, size_t n, const char *key) {
  if (memcmp(buf, MAGIC, 8) != 0) return "bad magic";
  if (le_get_u32(buf + 8) != VERSION) return "another version";
  if (le_get_u32(buf + 12) != AEON_TIER_BLOB_DESC) return "bad descriptor size";
  const char *k = (const char *)buf + 16;
  if (strnlen(k, AEON_TIER_KEY) == AEON_TIER_KEY || strcmp(k, key) != 0) return "made for another key";
  aeon_tier_blob d;
  decode(buf + FILE_HEADER, &d);
  if (d.bytes != n - FILE_HEADER - AEON_TIER_BLOB_DESC) return "cut short or too long";
  return NULL;
}

aeon_err aeon_tiers_blob_load(aeon_tiers *tiers, int tier, const char *key, const char *path, int *st) {
  uint8_t *buf = NULL;
  size_t n = 0;
  const char *why = NULL;
  *st = path && path[0] ? read_all(path, &buf, &n, &why) : 0;
  if (*st == 1 && (why = check_file(buf, n, key)) != NULL) *st = -1;
  aeon_err e = AEON_OK;
  if (*st == 1) {
    const uint8_t *desc = buf + FILE_HEADER;
    e = aeon_tiers_put_payload(tiers, tier, key, desc, AEON_TIER_BLOB_DESC, 0, desc + AEON_TIER_BLOB_DESC,
                               n - FILE_HEADER - AEON_TIER_BLOB_DESC);
  } else if (*st < 0) {
    fprintf(stderr, "aeon: warning: warm-start file '%s' is not used (%s): ignored, computed from scratch\n", path,
            why);
  }
  aeon_mem_free(buf);
  if (e) return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  return AEON_OK;
}
