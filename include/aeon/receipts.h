/* Receipts: an append-only, SHA-256 hash-chained log of what a run did (steps
 * accepted or rejected, rollbacks, tier operations, checkpoints, restarts).
 * Each receipt's hash covers its own fields and the previous hash, so editing
 * any receipt breaks the chain from that index on. No MPI in here: rank 0
 * keeps the log; checkpoints store it; `aeon inspect` verifies it offline. */
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
  AEON_RCPT_FAULT = 14          /* retries ran out: the run stops (detail: where) */
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

#ifdef __cplusplus
}
#endif
#endif
