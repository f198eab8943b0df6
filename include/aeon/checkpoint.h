/* Checkpoints: one parallel-HDF5 file per checkpoint holding global datasets
 * (the evolved points of every variable: the interior plus the ghosts of
 * radiative faces), so a restart may use another rank count. Each field's
 * digest (a rank-count independent hash of its values in global index order,
 * computed while the field is packed for writing) goes into the metadata, and
 * the metadata carries a SHA-256 digest over all of it; tiers and receipts
 * ride along as checksummed byte datasets. Reading a checkpoint (restart or
 * inspect) recomputes every digest. A file is
 * written as NAME.tmp, flushed and fsync'ed, and renamed only when every rank
 * has succeeded; its directory is fsync'ed after the rename. */
#ifndef AEON_CHECKPOINT_H
#define AEON_CHECKPOINT_H

#include <stdint.h>

#include <mpi.h>

#include "aeon/error.h"
#include "aeon/mesh.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AEON_CHECKPOINT_FORMAT "aeon-checkpoint"
#define AEON_CHECKPOINT_VERSION 3 /* 3: field digests; 2: /levels; 1: /fields */

/* What a checkpoint records besides the fields. Strings and byte blobs are owned by whoever filled them. */
typedef struct aeon_checkpoint_meta {
  int64_t step;          /* steps taken */
  int64_t nsteps;        /* steps the run was to take */
  int64_t tick;          /* tick of the tier clock */
  double t, dt;          /* time and step size */
  double wall;           /* wall-clock seconds of all earlier run segments */
  int64_t sched[3];      /* scheduler clocks: regime key, rollbacks so far, substep level */
  char *deck;            /* the deck as first given */
  char *effective;       /* every parameter's value (YAML): the deck a restart uses */
  char *physics;         /* physics module */
  char *aeon_version;    /* version that wrote the file (filled on read) */
  uint8_t *tiers;        /* serialised tiers 1-3 */
  uint64_t ntiers;       /* bytes */
  uint8_t *receipts;     /* serialised receipts */
  uint64_t nreceipts;    /* bytes */
  char *field_digests;   /* "NAME HEX\n" per field, in the metadata digest (format 3; filled on write and read) */
  int32_t format_version; /* format version of the file (filled on read) */
  uint8_t *wisdom;       /* optional FFTW wisdom text (/fftw_wisdom; outside meta_sha256, with its own SHA-256), or NULL */
  uint64_t nwisdom;      /* bytes (0: none) */
  int32_t wisdom_state;  /* filled on read: 1 present and verified, 0 absent, -1 damaged (left out: plans measure again) */
} aeon_checkpoint_meta;

/* Writes a checkpoint of the fields (names[v] per variable) to path (collective; rank 0's meta is stored). */
aeon_err aeon_checkpoint_write(const aeon_mesh *m, const aeon_fields *u, const char *const *names,
                               const char *path, const aeon_checkpoint_meta *meta);
/* Opens path (refusing anything but a regular file before opening it) and reads and validates its metadata
 * on every rank (format, version, digest, blobs readable); fills meta (free with aeon_checkpoint_meta_free).
 * Every rank returns the same result. */
aeon_err aeon_checkpoint_read_meta(MPI_Comm comm, const char *path, aeon_checkpoint_meta *meta);
/* Like aeon_checkpoint_read_meta but keeps going when the metadata digest does not match (for `aeon inspect`):
 * *digest_ok tells whether it matched. */
aeon_err aeon_checkpoint_read_meta_unverified(MPI_Comm comm, const char *path, aeon_checkpoint_meta *meta,
                                              int *digest_ok);
/* Reads every dataset under /fields completely on this rank alone and verifies it as a restart does (shape,
 * type, checksums, and from format 3 on the field digest; every dataset must be listed in the digests and
 * every listed field present); returns the number of datasets verified in *nfields (rank-local; for
 * `aeon inspect`). */
aeon_err aeon_checkpoint_verify_fields(const char *path, int *nfields);
/* Reads every variable's evolved points from path into u (collective; checksums and field digests verified:
 * every rank returns the same result). */
aeon_err aeon_checkpoint_read_fields(const aeon_mesh *m, aeon_fields *u, const char *const *names,
                                     const char *path);
/* Frees what aeon_checkpoint_read_meta allocated. */
void aeon_checkpoint_meta_free(aeon_checkpoint_meta *meta);
/* Lists the regular files DIR/chk_*.h5 newest (highest step) first into paths (at most max); returns how many (rank-local, no MPI). */
int aeon_checkpoint_list(const char *dir, char paths[][4096], int max);
/* Removes all but the newest `keep` checkpoints in dir that belong to run lineage `lineage` and whose metadata
 * verifies; any other file is left alone (rank 0 only, no collective). Returns how many it removed. */
int aeon_checkpoint_prune(const char *dir, int keep, const char *lineage);

#ifdef __cplusplus
}
#endif
#endif
