/* Receipts: an append-only, SHA-256 hash-chained log.
 *
 * Storage is a table of chunks: chunk 0 holds `reserve` receipts, every later
 * chunk CHUNK_RECEIPTS; chunks never move, so an append allocates only when the
 * last chunk is full (the chunk, and now and then a doubling of the table).
 *
 * SHA-256 comes from libcrypto's low-level SHA256_Init/Update/Final on a
 * SHA256_CTX on the stack: no allocation per hash, which an append per time
 * step needs (EVP_MD_CTX_new and EVP_Digest allocate). Those functions are
 * deprecated in OpenSSL 3, so this file asks for the 1.1.0 API level.
 *
 * Canonical form of one receipt (AEON_RECEIPT_BYTES = 200, little-endian):
 *   0 index u64 | 8 kind i32 | 12 reserved i32 | 16 step i64 | 24 t f64 |
 *   32 dt f64 | 40 wall f64 | 48 detail[80] | 128 prev[32] | 160 hash[32] |
 *   192 zeros[8]
 * and hash = SHA-256(prev || bytes 0..127), or with a key HMAC-SHA-256(key, prev || bytes 0..127): the key's
 * inner and outer SHA-256 states are computed once (set_key) and copied per hash, so a keyed append allocates
 * nothing either.
 *
 * Quiet steps: aeon_receipts_quiet_step only counts; the pending run becomes one step-accepted receipt
 * ("steps A-B (N quiet) substeps=S retries=0"; a run of one reads like an ordinary step receipt) when it
 * reaches quiet_every, when substeps changes, or before any other receipt is appended. */
#define OPENSSL_API_COMPAT 0x10100000L
#include "le_bytes.h"
#include "aeon/receipts.h"

#include <inttypes.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <string.h>

#include "aeon/memory.h"

#define CHUNK_RECEIPTS 4096
#define BODY_BYTES 128 /* the encoded fields the hash covers, after prev */
#define PREV_AT 128
#define HASH_AT 160

_Static_assert(PREV_AT == BODY_BYTES && HASH_AT + 32 + 8 == AEON_RECEIPT_BYTES,
               "canonical receipt layout");

struct aeon_receipts {
  aeon_receipt **chunks; /* chunk table */
  size_t nchunks;
  size_t table_cap;      /* slots in the chunk table */
  size_t first_cap;      /* receipts in chunk 0 */
  size_t cap;            /* receipts in all chunks */
  size_t count;
  int keyed;
  SHA256_CTX kin, kout;  /* SHA-256 states after the key's inner and outer pads */
  int64_t quiet_every;   /* steps one coalesced receipt covers at most */
  int64_t quiet_n;       /* pending quiet steps */
  int64_t quiet_first;   /* step of the first pending one */
  int64_t quiet_step;    /* last pending: step, t, dt, wall, substeps */
  double quiet_t, quiet_dt, quiet_wall;
  int quiet_substeps;
};

/* SHA-256 of n bytes (no allocation). Not static: the unit test checks it against known answers. */
void aeon_receipts_sha256_(const void *data, size_t n, uint8_t out[32]) {
  SHA256_CTX c;
  SHA256_Init(&c);
  SHA256_Update(&c, data, n);
  SHA256_Final(out, &c);
}

/* Writes the hashed fields (index .. detail) into body[BODY_BYTES]. */
static void encode_body(const aeon_receipt *r, uint8_t *body) {
  uint8_t *p = le_put_u64(body, r->index);
  p = le_put_u32(p, (uint32_t)r->kind);
  p = le_put_u32(p, (uint32_t)r->reserved);
  p = le_put_u64(p, (uint64_t)r->step);
  p = le_put_f64(p, r->t);
  p = le_put_f64(p, r->dt);
  p = le_put_f64(p, r->wall);
  memcpy(p, r->detail, AEON_RECEIPT_DETAIL);
}

static void encode(const aeon_receipt *r, uint8_t *out) {
  encode_body(r, out);
  memcpy(out + PREV_AT, r->prev, 32);
  memcpy(out + HASH_AT, r->hash, 32);
  memset(out + HASH_AT + 32, 0, AEON_RECEIPT_BYTES - HASH_AT - 32);
}

static void decode(const uint8_t *in, aeon_receipt *r) {
  r->index = le_get_u64(in);
  r->kind = (int32_t)le_get_u32(in + 8);
  r->reserved = (int32_t)le_get_u32(in + 12);
  r->step = (int64_t)le_get_u64(in + 16);
  r->t = le_get_f64(in + 24);
  r->dt = le_get_f64(in + 32);
  r->wall = le_get_f64(in + 40);
  memcpy(r->detail, in + 48, AEON_RECEIPT_DETAIL);
  memcpy(r->prev, in + PREV_AT, 32);
  memcpy(r->hash, in + HASH_AT, 32);
}

void aeon_receipts_mac(const aeon_receipts *log, const void *data, size_t n, uint8_t out[32]) {
  if (!log->keyed) {
    aeon_receipts_sha256_(data, n, out);
    return;
  }
  uint8_t inner[32];
  SHA256_CTX c = log->kin;
  SHA256_Update(&c, data, n);
  SHA256_Final(inner, &c);
  c = log->kout;
  SHA256_Update(&c, inner, 32);
  SHA256_Final(out, &c);
}

aeon_err aeon_receipts_set_key(aeon_receipts *log, const uint8_t *key, size_t len) {
  if (len < AEON_RECEIPT_KEY_MIN || len > AEON_RECEIPT_KEY_MAX)
    return AE_ERR(AEON_ERR_USER, "receipt key: %zu bytes; a key has %d to %d bytes", len, AEON_RECEIPT_KEY_MIN,
                  AEON_RECEIPT_KEY_MAX);
  uint8_t k0[64] = {0}, pad[64];
  if (len > 64) aeon_receipts_sha256_(key, len, k0); /* a long key is hashed first */
  else memcpy(k0, key, len);
  for (int i = 0; i < 64; i++) pad[i] = k0[i] ^ 0x36;
  SHA256_Init(&log->kin);
  SHA256_Update(&log->kin, pad, 64);
  for (int i = 0; i < 64; i++) pad[i] = k0[i] ^ 0x5c;
  SHA256_Init(&log->kout);
  SHA256_Update(&log->kout, pad, 64);
  memset(k0, 0, sizeof k0);
  memset(pad, 0, sizeof pad);
  log->keyed = 1;
  return AEON_OK;
}

int aeon_receipts_keyed(const aeon_receipts *log) { return log->keyed; }

/* Computes what r's hash should be: SHA-256(prev || body), or the keyed HMAC of the same bytes. */
static void receipt_hash(const aeon_receipts *log, const aeon_receipt *r, uint8_t out[32]) {
  uint8_t buf[32 + BODY_BYTES];
  memcpy(buf, r->prev, 32);
  encode_body(r, buf + 32);
  aeon_receipts_mac(log, buf, sizeof buf, out);
}

static aeon_receipt *slot(const aeon_receipts *log, size_t i) {
  if (i < log->first_cap) return log->chunks[0] + i;
  size_t j = i - log->first_cap;
  return log->chunks[1 + j / CHUNK_RECEIPTS] + j % CHUNK_RECEIPTS;
}

/* Adds one chunk of n receipts, doubling the chunk table when it is full. */
static aeon_err add_chunk(aeon_receipts *log, size_t n) {
  if (log->nchunks == log->table_cap) {
    size_t grown = log->table_cap * 2;
    void *t = log->chunks;
    size_t entry = sizeof *log->chunks;
    AE_CHK(aeon_mem_realloc(log->table_cap * entry, grown * entry, &t));
    log->chunks = t;
    log->table_cap = grown;
  }
  void *c;
  AE_CHK(aeon_mem_alloc(n * sizeof(aeon_receipt), &c));
  log->chunks[log->nchunks++] = c;
  log->cap += n;
  return AEON_OK;
}

/* Adds chunks until the log has room for n receipts. */
static aeon_err ensure_capacity(aeon_receipts *log, size_t n) {
  while (log->cap < n) AE_CHK(add_chunk(log, CHUNK_RECEIPTS));
  return AEON_OK;
}

aeon_err aeon_receipts_create(size_t reserve, aeon_receipts **log) {
  *log = NULL;
  if (reserve > SIZE_MAX / sizeof(aeon_receipt))
    return AE_ERR(AEON_ERR_MEM, "receipts: cannot reserve room for %zu receipts", reserve);
  void *p;
  AE_CHK(aeon_mem_alloc(sizeof(aeon_receipts), &p));
  aeon_receipts *l = p;
  l->table_cap = 16;
  l->first_cap = reserve ? reserve : CHUNK_RECEIPTS;
  l->quiet_every = 1000;
  aeon_err e = aeon_mem_alloc(l->table_cap * sizeof *l->chunks, &p);
  l->chunks = p;
  if (e == AEON_OK) e = add_chunk(l, l->first_cap);
  if (e != AEON_OK) {
    aeon_receipts_destroy(l);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *log = l;
  return AEON_OK;
}

void aeon_receipts_destroy(aeon_receipts *log) {
  if (!log) return;
  for (size_t c = 0; c < log->nchunks; c++) aeon_mem_free(log->chunks[c]);
  aeon_mem_free(log->chunks);
  aeon_mem_free(log);
}

/* Appends one receipt without flushing the quiet steps; detail is formatted from ap (or empty). */
static aeon_err append_v(aeon_receipts *log, aeon_receipt_kind kind, int64_t step, double t, double dt, double wall,
                         const char *detail_fmt, va_list ap) {
  AE_CHK(ensure_capacity(log, log->count + 1));
  aeon_receipt *r = slot(log, log->count);
  memset(r, 0, sizeof *r);
  r->index = log->count;
  r->kind = (int32_t)kind;
  r->step = step;
  r->t = t;
  r->dt = dt;
  r->wall = wall;
  if (detail_fmt) vsnprintf(r->detail, sizeof r->detail, detail_fmt, ap); /* truncates to 79 characters */
  if (log->count > 0) memcpy(r->prev, slot(log, log->count - 1)->hash, 32);
  receipt_hash(log, r, r->hash);
  log->count++;
  return AEON_OK;
}

/* append_v with variadic arguments. */
__attribute__((format(printf, 7, 8))) static aeon_err append_raw(aeon_receipts *log, aeon_receipt_kind kind,
                                                                 int64_t step, double t, double dt, double wall,
                                                                 const char *detail_fmt, ...) {
  va_list ap;
  va_start(ap, detail_fmt);
  aeon_err e = append_v(log, kind, step, t, dt, wall, detail_fmt, ap);
  va_end(ap);
  return e;
}

aeon_err aeon_receipts_flush_quiet(aeon_receipts *log) {
  int64_t n = log->quiet_n;
  if (n == 0) return AEON_OK;
  log->quiet_n = 0;
  if (n == 1)
    return append_raw(log, AEON_RCPT_STEP_ACCEPTED, log->quiet_step, log->quiet_t, log->quiet_dt, log->quiet_wall,
                      "substeps=%d retries=0", log->quiet_substeps);
  return append_raw(log, AEON_RCPT_STEP_ACCEPTED, log->quiet_step, log->quiet_t, log->quiet_dt, log->quiet_wall,
                    "steps %" PRId64 "-%" PRId64 " (%" PRId64 " quiet) substeps=%d retries=0", log->quiet_first,
                    log->quiet_step, n, log->quiet_substeps);
}

void aeon_receipts_set_quiet_every(aeon_receipts *log, int64_t n) { log->quiet_every = n < 1 ? 1 : n; }

aeon_err aeon_receipts_quiet_step(aeon_receipts *log, int64_t step, double t, double dt, double wall, int substeps) {
  if (log->quiet_n > 0 && substeps != log->quiet_substeps) AE_CHK(aeon_receipts_flush_quiet(log));
  if (log->quiet_n == 0) log->quiet_first = step;
  log->quiet_n++;
  log->quiet_step = step, log->quiet_t = t, log->quiet_dt = dt, log->quiet_wall = wall;
  log->quiet_substeps = substeps;
  if (log->quiet_n >= log->quiet_every) AE_CHK(aeon_receipts_flush_quiet(log));
  return AEON_OK;
}

aeon_err aeon_receipts_append(aeon_receipts *log, aeon_receipt_kind kind, int64_t step, double t,
                              double dt, double wall, const char *detail_fmt, ...) {
  AE_CHK(aeon_receipts_flush_quiet(log)); /* the receipts stay in the order things happened */
  va_list ap;
  va_start(ap, detail_fmt);
  aeon_err e = append_v(log, kind, step, t, dt, wall, detail_fmt, ap);
  va_end(ap);
  return e;
}

size_t aeon_receipts_count(const aeon_receipts *log) { return log->count; }

const aeon_receipt *aeon_receipts_get(const aeon_receipts *log, size_t i) {
  return i < log->count ? slot(log, i) : NULL;
}

size_t aeon_receipts_count_kind(const aeon_receipts *log, aeon_receipt_kind kind, const char *text) {
  size_t n = 0;
  for (size_t i = 0; log && i < log->count; i++) {
    const aeon_receipt *r = aeon_receipts_get(log, i);
    n += r->kind == (int32_t)kind && strstr(r->detail, text) != NULL;
  }
  return n;
}

/* Returns the kind's name, or NULL for a kind this build does not know. */
static const char *known_name(int32_t kind) {
  static const char *const names[] = {
    [AEON_RCPT_RUN_START] = "run-start",
    [AEON_RCPT_STEP_ACCEPTED] = "step-accepted",
    [AEON_RCPT_STEP_REJECTED] = "step-rejected",
    [AEON_RCPT_ROLLBACK] = "rollback",
    [AEON_RCPT_TIER_PUT] = "tier-put",
    [AEON_RCPT_TIER_EVICT] = "tier-evict",
    [AEON_RCPT_TIER_TAINT] = "tier-taint",
    [AEON_RCPT_TIER_INVALIDATE] = "tier-invalidate",
    [AEON_RCPT_CHECKPOINT_WRITTEN] = "checkpoint-written",
    [AEON_RCPT_CHECKPOINT_VALIDATED] = "checkpoint-validated",
    [AEON_RCPT_RESTART] = "restart",
    [AEON_RCPT_REGIME_SHIFT] = "regime-shift",
    [AEON_RCPT_SIGNAL] = "signal",
    [AEON_RCPT_FAULT] = "fault",
    [AEON_RCPT_FFT_PLAN] = "fft-plan",
    [AEON_RCPT_WARM_START] = "warm-start",
  };
  return kind >= 0 && (size_t)kind < sizeof names / sizeof names[0] ? names[kind] : NULL;
}

const char *aeon_receipt_kind_name(int32_t kind) {
  const char *name = known_name(kind);
  return name ? name : "unknown";
}

/* Returns the kind's name, or writes "kind-N" into buf for a kind this build does not know. */
static const char *kind_label(int32_t kind, char buf[24]) {
  const char *name = known_name(kind);
  if (name) return name;
  snprintf(buf, 24, "kind-%" PRId32, kind);
  return buf;
}

void aeon_receipts_serialize(const aeon_receipts *log, uint8_t *buf) {
  aeon_receipts_serialize_range(log, 0, log->count, buf);
}

void aeon_receipts_serialize_range(const aeon_receipts *log, size_t first, size_t n, uint8_t *buf) {
  for (size_t i = 0; i < n && first + i < log->count; i++) encode(slot(log, first + i), buf + i * AEON_RECEIPT_BYTES);
}

aeon_err aeon_receipts_deserialize(aeon_receipts *log, const uint8_t *buf, size_t n) {
  AE_CHK(ensure_capacity(log, n)); /* on failure the log keeps its content */
  for (size_t i = 0; i < n; i++) decode(buf + i * AEON_RECEIPT_BYTES, slot(log, i));
  log->count = n;
  log->quiet_n = 0;
  return AEON_OK;
}

/* Returns AEON_OK if receipt i is well formed and chained, else the error naming it. */
static aeon_err check_one(const aeon_receipts *log, size_t i) {
  static const uint8_t zeros[32];
  const aeon_receipt *r = slot(log, i);
  if (r->index != i)
    return AE_ERR(AEON_ERR_USER, "receipt %zu has index %" PRIu64, i, r->index);
  char buf[24];
  const char *kind = kind_label(r->kind, buf);
  uint8_t h[32];
  receipt_hash(log, r, h);
  if (memcmp(h, r->hash, 32) != 0)
    return AE_ERR(AEON_ERR_USER,
                  "receipt %zu (%s at step %" PRId64 ") is corrupt: its %s does not match its content%s", i,
                  kind, r->step, log->keyed ? "HMAC" : "hash", log->keyed ? " (edited, or made without this key)" : "");
  if (i == 0 && memcmp(r->prev, zeros, 32) != 0)
    return AE_ERR(AEON_ERR_USER,
                  "receipt 0 (%s at step %" PRId64 ") does not start a chain: its previous hash is not zero",
                  kind, r->step);
  if (i > 0 && memcmp(r->prev, slot(log, i - 1)->hash, 32) != 0)
    return AE_ERR(AEON_ERR_USER, "receipt %zu (%s at step %" PRId64 ") does not chain to receipt %zu", i,
                  kind, r->step, i - 1);
  return AEON_OK;
}

aeon_err aeon_receipts_verify(const aeon_receipts *log, size_t *bad) {
  for (size_t i = 0; i < log->count; i++) {
    aeon_err e = check_one(log, i);
    if (e != AEON_OK) {
      if (bad) *bad = i;
      return e;
    }
  }
  if (bad) *bad = log->count; /* nothing bad: one past the last receipt */
  return AEON_OK;
}

static void to_hex(const uint8_t *bytes, size_t n, char *hex) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    hex[2 * i] = digits[bytes[i] >> 4];
    hex[2 * i + 1] = digits[bytes[i] & 15];
  }
  hex[2 * n] = '\0';
}

static void print_one(const aeon_receipt *r, FILE *out) {
  char kbuf[24], hex[9];
  to_hex(r->hash, 4, hex);
  /* the precision bounds the detail: a decoded receipt's detail need not be NUL-terminated */
  fprintf(out,
          "%7" PRIu64 "  %-20s step %" PRId64 "  t=%.4g  dt=%.4g  wall=%.2fs  %.*s  hash %s\xe2\x80\xa6\n",
          r->index, kind_label(r->kind, kbuf), r->step, r->t, r->dt, r->wall, AEON_RECEIPT_DETAIL,
          r->detail, hex);
}

void aeon_receipts_print(const aeon_receipts *log, size_t first, size_t n, FILE *out) {
  for (size_t i = first; i < log->count && i - first < n; i++) print_one(slot(log, i), out);
}

void aeon_receipts_head_hex(const aeon_receipts *log, char hex[65]) {
  static const uint8_t zeros[32];
  to_hex(log->count ? slot(log, log->count - 1)->hash : zeros, 32, hex);
}
