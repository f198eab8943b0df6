/* Receipts: an append-only, SHA-256 hash-chained log of what a run did (steps
 * accepted or rejected, rollbacks, tier operations, checkpoints, restarts).
 * Each receipt's hash covers its own fields and the previous hash, so editing
 * any receipt breaks the chain from that index on; with a key the hash is an
 * HMAC-SHA-256, which nobody without the key can recompute. Quiet accepted
 * steps (no retries) are coalesced into one receipt per run of them. No MPI in
 * here: rank 0 keeps the log and appends it to RUNDIR/receipts.log at each
 * checkpoint; a checkpoint stores an anchor (count, head hash, lineage, MAC)
 * and the receipts since the previous checkpoint; `aeon inspect` and a restart
 * verify the whole chain (log file + checkpoint) with aeon_receipts_load. */
#ifndef AEON_RECEIPTS_H
#define AEON_RECEIPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aeon/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a receipt records. Values are stored in files: never renumber, only append. */
typedef enum aeon_receipt_kind {
  AEON_RCPT_RUN_START = 1,      /* a run began (detail: deck name) */
  AEON_RCPT_STEP_ACCEPTED = 2,  /* a step was accepted (detail: substeps) */
  AEON_RCPT_STEP_REJECTED = 3,  /* a step was rejected (detail: why) */
  AEON_RCPT_ROLLBACK = 4,       /* the state went back to the start of the step */
  AEON_RCPT_TIER_PUT = 5,       /* a tier entry was stored (detail: tier and key) */
  AEON_RCPT_TIER_EVICT = 6,     /* a tier entry was removed (TTL expired, replaced, or dropped) */
  AEON_RCPT_TIER_TAINT = 7,     /* a tier entry was tainted after a rejected step */
  AEON_RCPT_TIER_INVALIDATE = 8,/* a tier entry was invalidated by a regime shift */
  AEON_RCPT_CHECKPOINT_WRITTEN = 9,   /* a checkpoint file was completed (detail: file name) */
  AEON_RCPT_CHECKPOINT_VALIDATED = 10,/* a checkpoint was validated before use */
  AEON_RCPT_RESTART = 11,       /* the run restarted from a checkpoint */
  AEON_RCPT_REGIME_SHIFT = 12,  /* the regime key changed (detail: why) */
  AEON_RCPT_SIGNAL = 13,        /* a signal asked for a checkpoint and exit */
  AEON_RCPT_FAULT = 14,         /* retries ran out: the run stops (detail: where) */
  AEON_RCPT_FFT_PLAN = 15,      /* an FFT plan was made (detail: shape, ranks, planner, wisdom hit or miss, seconds) */
  AEON_RCPT_WARM_START = 16     /* a solve began from a stored value (detail: key, exact/nearby, cold, now, saved; wall: the
                                   solve's seconds) */
  /* a coalesced run of quiet steps is a step-accepted receipt whose detail starts "steps A-B (N quiet)" */
} aeon_receipt_kind;

#define AEON_RECEIPT_DETAIL 80

/* One receipt. Plain data; its hash is SHA-256(prev || canonical little-endian encoding of the other fields). */
typedef struct aeon_receipt {
  uint64_t index;                   /* 0, 1, 2, ... */
  int32_t kind;                     /* aeon_receipt_kind */
  int32_t reserved;                 /* 0 */
  int64_t step;                     /* step number when it happened */
  double t;                         /* simulation time */
  double dt;                        /* time step */
  double wall;                      /* wall-clock seconds since the run (or restart) began */
  char detail[AEON_RECEIPT_DETAIL]; /* NUL-terminated text, zero-padded */
  uint8_t prev[32];                 /* hash of the previous receipt (zeros for the first) */
  uint8_t hash[32];                 /* hash of this receipt */
} aeon_receipt;

/* Size in bytes of one receipt in its canonical serialised form (files and checkpoints). */
#define AEON_RECEIPT_BYTES 200

typedef struct aeon_receipts aeon_receipts; /* the log */

/* Creates an empty log with room for `reserve` receipts before it must grow. */
aeon_err aeon_receipts_create(size_t reserve, aeon_receipts **log);
/* Frees the log. */
void aeon_receipts_destroy(aeon_receipts *log);
/* Appends a receipt (hash chained to the last one). Grows in chunks, so appends allocate only once per chunk. */
aeon_err aeon_receipts_append(aeon_receipts *log, aeon_receipt_kind kind, int64_t step, double t, double dt,
                              double wall, const char *detail_fmt, ...) __attribute__((format(printf, 7, 8)));
/* Returns the number of receipts. */
size_t aeon_receipts_count(const aeon_receipts *log);
/* Returns receipt i (i < count). */
const aeon_receipt *aeon_receipts_get(const aeon_receipts *log, size_t i);
/* Returns how many receipts of kind `kind` hold `text` in their detail (NULL log: 0). */
size_t aeon_receipts_count_kind(const aeon_receipts *log, aeon_receipt_kind kind, const char *text);
/* Returns a short name for a kind ("step-accepted", ...). */
const char *aeon_receipt_kind_name(int32_t kind);
/* Writes the whole log in canonical form into buf (count * AEON_RECEIPT_BYTES bytes, little-endian). */
void aeon_receipts_serialize(const aeon_receipts *log, uint8_t *buf);
/* Replaces the log's content with n receipts decoded from buf (no verification; see aeon_receipts_verify). */
aeon_err aeon_receipts_deserialize(aeon_receipts *log, const uint8_t *buf, size_t n);
/* Checks indices and the hash chain; returns AEON_OK, or AEON_ERR_USER naming the first bad receipt and sets *bad to its index. */
aeon_err aeon_receipts_verify(const aeon_receipts *log, size_t *bad);
/* Prints receipts [first, first+n) one per line (index, kind, step, t, dt, wall, detail, short hash). */
void aeon_receipts_print(const aeon_receipts *log, size_t first, size_t n, FILE *out);
/* Returns the hash of the last receipt (zeros when empty) as 64 hex characters plus NUL in hex[65]. */
void aeon_receipts_head_hex(const aeon_receipts *log, char hex[65]);

/* ---- keys (HMAC-SHA-256) ---- */

#define AEON_RECEIPT_KEY_MIN 16   /* bytes */
#define AEON_RECEIPT_KEY_MAX 4096 /* bytes */

/* Keys the log: later appends and verify use HMAC-SHA-256 with key (len bytes) instead of SHA-256. */
aeon_err aeon_receipts_set_key(aeon_receipts *log, const uint8_t *key, size_t len);
/* Returns 1 if the log has a key. */
int aeon_receipts_keyed(const aeon_receipts *log);
/* HMAC-SHA-256 of n bytes with the log's key (plain SHA-256 without a key) into out. */
void aeon_receipts_mac(const aeon_receipts *log, const void *data, size_t n, uint8_t out[32]);
/* Reads a key file (AEON_RECEIPT_KEY_MIN to AEON_RECEIPT_KEY_MAX bytes, all of them the key) into key. */
aeon_err aeon_receipts_read_key(const char *path, uint8_t *key, size_t *len);

/* ---- coalescing quiet steps ---- */

/* Sets how many quiet steps one coalesced step-accepted receipt covers at most (n >= 1). */
void aeon_receipts_set_quiet_every(aeon_receipts *log, int64_t n);
/* Counts one accepted step without retries; its receipt is appended when the run of quiet steps reaches the
 * limit, when substeps changes, or before any other receipt (aeon_receipts_append flushes first). */
aeon_err aeon_receipts_quiet_step(aeon_receipts *log, int64_t step, double t, double dt, double wall, int substeps);
/* Appends the pending coalesced receipt, if any. */
aeon_err aeon_receipts_flush_quiet(aeon_receipts *log);
/* Writes receipts [first, first + n) in canonical form into buf (n * AEON_RECEIPT_BYTES bytes). */
void aeon_receipts_serialize_range(const aeon_receipts *log, size_t first, size_t n, uint8_t *buf);

/* ---- anchors, checkpoint blobs and the run directory's log file (receipt_log.c) ---- */

#define AEON_LINEAGE_HEX 32          /* a lineage id: 32 hex digits */
#define AEON_RECEIPT_BLOB_HEADER 136 /* bytes before the receipts in a checkpoint's /receipts blob */

/* What a checkpoint stores to verify and continue the chain. */
typedef struct aeon_receipt_anchor {
  uint64_t count;                     /* receipts in the whole chain */
  uint64_t first;                     /* index of the first receipt stored in the checkpoint */
  int64_t step;                       /* the checkpoint's step (-1: a checkpoint written before anchors) */
  int32_t keyed;                      /* 1: hashes and mac are HMAC-SHA-256 with the run's key */
  uint8_t head[32];                   /* hash of receipt count-1 */
  uint8_t mac[32];                    /* MAC of (lineage, step, count, head) (see aeon_receipts_anchor_mac) */
  char lineage[AEON_LINEAGE_HEX + 1]; /* the run lineage that wrote the checkpoint ("" before lineages) */
} aeon_receipt_anchor;

/* Bytes of the /receipts blob of a checkpoint that stores receipts [first, count). */
size_t aeon_receipts_blob_size(const aeon_receipts *log, uint64_t first);
/* Writes the blob: the anchor of the log as it is (step, lineage) and receipts [first, count). */
void aeon_receipts_blob_write(const aeon_receipts *log, uint64_t first, int64_t step, const char *lineage,
                              uint8_t *buf);
/* Decodes a blob's anchor (no verification); a blob written before anchors (the whole chain) reads as
 * first = 0, step = -1, no lineage. what names the checkpoint in messages. */
aeon_err aeon_receipts_blob_anchor(const uint8_t *buf, size_t n, const char *what, aeon_receipt_anchor *a);
/* Loads and verifies the whole chain a checkpoint's blob anchors into log (which holds the key, if any): the
 * receipts before the blob's come from the log file at logpath (which must hold at least the anchored count and
 * agree with the blob), then the hash chain, the head and, keyed, the MAC. *in_file: receipts the file holds
 * (-1: no file). Returns AEON_ERR_USER naming what does not verify. */
aeon_err aeon_receipts_load(aeon_receipts *log, const char *logpath, const uint8_t *blob, size_t nblob,
                            const char *what, aeon_receipt_anchor *a, int64_t *in_file);
/* Appends receipts [from, count) to the log file at path (created when from is 0), fsynced when sync is set;
 * the file must hold exactly `from` receipts before. */
aeon_err aeon_receipts_file_append(const aeon_receipts *log, const char *path, uint64_t from, int sync);
/* Cuts the log file at path to its first n receipts (fsynced). */
aeon_err aeon_receipts_file_truncate(const char *path, uint64_t n);
/* The log file of a checkpoint: RUNDIR/receipts.log for RUNDIR/checkpoints/chk_N.h5. */
void aeon_receipts_log_path(const char *checkpoint, char *out, size_t len);
/* A new random lineage id (AEON_LINEAGE_HEX hex digits). */
aeon_err aeon_receipts_new_lineage(char out[AEON_LINEAGE_HEX + 1]);

#ifdef __cplusplus
}
#endif
#endif
