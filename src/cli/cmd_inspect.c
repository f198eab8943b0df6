/* aeon inspect CHECKPOINT [--all] [--key FILE]: metadata, tiers and receipts of a checkpoint, with every check
 * a restart makes (format, version, metadata digest, field checksums, the receipt chain of the run directory's
 * log and the checkpoint, its anchor; keyed with --key FILE or AEON_RECEIPT_KEY_FILE).
 * Exit status 0 when everything verifies, 2 when something does not (naming the first bad receipt). */
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/parallel.h"
#include "aeon/checkpoint.h"
#include "aeon/receipts.h"
#include "aeon/tiers.h"
#include "cli/commands.h"

static void print_meta(const char *path, const aeon_checkpoint_meta *mt, int digest_ok, int nfields, int fields_ok) {
  printf("checkpoint   %s\n", path);
  printf("format       %s version %d, written by aeon %s\n", AEON_CHECKPOINT_FORMAT, (int)mt->format_version,
         mt->aeon_version);
  printf("state        step %ld of %ld, t = %.17g, dt = %.17g, wall %.3f s, physics %s\n", (long)mt->step,
         (long)mt->nsteps, mt->t, mt->dt, mt->wall, mt->physics);
  printf("metadata     SHA-256 digest %s\n", digest_ok ? "verified" : "DOES NOT MATCH");
  const char *how = mt->format_version >= 3 ? "every value read, field digests verified"
                                            : "every value read, Fletcher32 checksums verified (no field digests before format 3)";
  if (fields_ok) printf("fields       %d datasets, %s\n", nfields, how);
  else printf("fields       DAMAGED: %d datasets verified before one failed\n", nfields);
  printf("\n--- deck (as given) ---\n%s%s", mt->deck, mt->deck[0] && mt->deck[strlen(mt->deck) - 1] != '\n' ? "\n" : "");
}

static aeon_err print_tiers(const aeon_checkpoint_meta *mt) {
  aeon_tiers *t = NULL;
  AE_CHK(aeon_tiers_create(NULL, &t));
  aeon_err e = aeon_tiers_deserialize(t, mt->tiers, mt->ntiers);
  if (!e) {
    printf("\n--- tiers 1-3 (%d entries) ---\n", aeon_tiers_count(t, -1));
    aeon_tiers_print(t, stdout);
  }
  aeon_tiers_destroy(t);
  return e;
}

/* Keys log with the key file of --key or AEON_RECEIPT_KEY_FILE, if any (never with a key named by the checkpoint). */
static aeon_err key_log(aeon_receipts *log, const char *key_file) {
  if (!key_file || !key_file[0]) key_file = getenv("AEON_RECEIPT_KEY_FILE");
  if (!key_file || !key_file[0]) return AEON_OK;
  uint8_t key[AEON_RECEIPT_KEY_MAX];
  size_t len = 0;
  aeon_err e = aeon_receipts_read_key(key_file, key, &len);
  if (!e) e = aeon_receipts_set_key(log, key, len);
  memset(key, 0, sizeof key);
  return e;
}

/* Prints the receipts of the whole chain (the last 20 unless all: the run directory's log and the checkpoint's
 * own) and verifies it: hash chain, agreement of log and checkpoint, head and anchor MAC. */
static aeon_err print_receipts(const char *path, const aeon_checkpoint_meta *mt, int all, const char *key_file) {
  char logpath[4300];
  aeon_receipts_log_path(path, logpath, sizeof logpath);
  aeon_receipts *log = NULL;
  AE_CHK(aeon_receipts_create(0, &log));
  aeon_receipt_anchor a;
  int64_t in_file = -1;
  aeon_err e = key_log(log, key_file);
  if (!e) e = aeon_receipts_load(log, logpath, mt->receipts, mt->nreceipts, path, &a, &in_file);
  size_t n = aeon_receipts_count(log);
  if (!e || n > 0) {
    size_t first = all || n <= 20 ? 0 : n - 20;
    printf("\n--- receipts (%zu; showing %zu from %zu) ---\n", n, n - first, first);
    aeon_receipts_print(log, first, n - first, stdout);
  }
  if (!e) {
    char head[65];
    aeon_receipts_head_hex(log, head);
    printf("receipt chain verified: %zu receipts, head %s\n", n, head);
    if (a.step >= 0)
      printf("receipt anchor %s: receipts %llu-%zu in the checkpoint, %s from %s; lineage %s\n",
             a.keyed ? "HMAC-SHA-256 verified (keyed)" : "verified (not keyed)", (unsigned long long)a.first,
             n - 1, in_file >= 0 ? "the rest" : "no log file", logpath, a.lineage);
    else printf("receipt anchor: none (a checkpoint written before anchors: the whole chain is in the file)\n");
  }
  aeon_receipts_destroy(log);
  return e;
}

int aeon_cmd_inspect(int argc, char **argv) {
  aeon_mpi_preinit();
  MPI_Init(NULL, NULL);
  const char *path = NULL;
  const char *key_file = NULL;
  int all = 0, rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  aeon_err e = AEON_OK;
  for (int i = 0; i < argc && !e; i++) {
    if (strcmp(argv[i], "--all") == 0) all = 1;
    else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) key_file = argv[++i];
    else if (argv[i][0] == '-') e = AE_ERR(AEON_ERR_USER, "inspect: unknown option '%s' (known: --all, --key FILE)", argv[i]);
    else if (path) e = AE_ERR(AEON_ERR_USER, "inspect: more than one checkpoint given");
    else path = argv[i];
  }
  if (!e && !path) e = AE_ERR(AEON_ERR_USER, "inspect: no checkpoint given (usage: aeon inspect CHECKPOINT [--all])");
  aeon_checkpoint_meta mt = {0};
  int digest_ok = 0, nfields = 0;
  if (!e) e = aeon_checkpoint_read_meta_unverified(MPI_COMM_WORLD, path, &mt, &digest_ok);
  if (!e && rank == 0) {
    char first[2048] = "";
    aeon_err fe = aeon_checkpoint_verify_fields(path, &nfields);
    if (fe) snprintf(first, sizeof first, "%s", aeon_error_message());
    print_meta(path, &mt, digest_ok, nfields, fe == AEON_OK);
    aeon_err re = print_receipts(path, &mt, all, key_file); /* the receipts first: a tampered one is named by index */
    if (re) snprintf(first, sizeof first, "%s", aeon_error_message());
    aeon_err te = print_tiers(&mt);
    if (te && !first[0])
      snprintf(first, sizeof first, "checkpoint '%.1000s' is damaged: %.1000s", path, aeon_error_message());
    e = re ? re : fe ? fe : te;
    if (e) aeon_error_adopt(e, first);
    else if (!digest_ok) e = AE_ERR(AEON_ERR_USER, "checkpoint '%s': metadata does not match its SHA-256 digest", path);
  }
  aeon_checkpoint_meta_free(&mt);
  int code = e ? aeon_cli_report(e, rank) : AEON_EXIT_OK;
  MPI_Finalize();
  return code;
}
