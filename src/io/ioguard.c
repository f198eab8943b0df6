/* Guarding collective I/O. A phase (a checkpoint, a snapshot, a norms row, a tile transfer) registers itself
 * with aeon_io_phase_begin in a table of 16 slots; one watchdog thread, started at the first guarded phase,
 * sleeps until the earliest deadline and, if that phase is still running, prints the phase, the file and the
 * rank and ends the process with _exit (safe from a thread, unlike MPI_Abort under MPI_THREAD_SINGLE); mpirun
 * then stops the other ranks. aeon_io_agree is the agreement between the collective calls of a phase: a
 * non-blocking allreduce of "did anyone fail", which a failing rank waits on for a bounded time only; then
 * aeon_par_agree carries the lowest failing rank's message to every rank. The slot table and the deadline are
 * process-wide state (like the allocation counters), guarded by one mutex. */
#include "aeon/ioguard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aeon/parallel.h"

const aeon_param_decl aeon_io_params[] = {
  {"io.watchdog_s", AEON_PT_REAL, "600", 0, 1e7, NULL,
   "deadline in seconds of each collective I/O phase (checkpoint, snapshot, norms row); past it the job stops with "
   "exit status 6 naming the phase, file and rank (0: no deadline)", AEON_RESTART_CHANGEABLE},
};
const int aeon_io_nparams = sizeof aeon_io_params / sizeof aeon_io_params[0];

enum { NSLOTS = 16 };

typedef struct slot {
  int used;
  double deadline; /* CLOCK_MONOTONIC seconds */
  char phase[32];
  char path[1024];
  char agreed[1200]; /* a failure every rank already agreed on: printed by rank 0 at the deadline, exit status 1 */
  int own;           /* agreed holds this rank's own MPI-IO error (printed by this rank at the deadline) */
} slot;

static struct {
  pthread_mutex_t lock;
  pthread_cond_t wake;
  int started;
  int have_limit;
  double limit;
  slot s[NSLOTS];
} G = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* This process's rank in MPI_COMM_WORLD, or -1 before MPI_Init / after MPI_Finalize. */
static int world_rank(void) {
  int init = 0, fin = 0, rank = -1;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  if (init && !fin) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

/* The watchdog thread: waits for the earliest deadline; a phase still running then ends the process. */
static void *watch(void *arg) {
  (void)arg;
  int rank = world_rank();
  pthread_mutex_lock(&G.lock);
  for (;;) {
    int first = -1;
    for (int i = 0; i < NSLOTS; i++)
      if (G.s[i].used && (first < 0 || G.s[i].deadline < G.s[first].deadline)) first = i;
    if (first >= 0 && now_s() >= G.s[first].deadline) {
      const slot *x = &G.s[first];
      if (x->own) { /* an MPI-IO write failed here and HDF5 never returned to the agreement */
        fprintf(stderr, "aeon: error: [rank %d] %s; the ranks did not get out of HDF5 within %g s (they wait in "
                "different collective calls after the failed write); stopping the job\n", rank, x->agreed,
                2 * AEON_IO_ERROR_GRACE_S);
        fflush(stderr);
        _exit(1);
      }
      if (x->agreed[0]) { /* the ranks agreed on a failure, then hung closing the file */
        if (rank <= 0)
          fprintf(stderr, "aeon: error: %s (then closing '%s' hung; stopping the job)\n", x->agreed, x->path);
        fflush(stderr);
        _exit(1);
      }
      fprintf(stderr, "aeon: error: [rank %d] I/O watchdog: %s of '%s' did not finish within %g s (io.watchdog_s); "
              "stopping the job (exit status %d)\n", rank, x->phase, x->path, G.limit, AEON_IO_WATCHDOG_EXIT);
      fflush(stderr);
      _exit(AEON_IO_WATCHDOG_EXIT);
    }
    if (first < 0) {
      pthread_cond_wait(&G.wake, &G.lock);
    } else {
      double d = G.s[first].deadline;
      struct timespec ts;
      ts.tv_sec = (time_t)d;
      ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
      pthread_cond_timedwait(&G.wake, &G.lock, &ts);
    }
  }
  return NULL;
}

void aeon_io_watchdog_set(double seconds) {
  pthread_mutex_lock(&G.lock);
  G.limit = seconds > 0 ? seconds : 0;
  G.have_limit = 1;
  pthread_mutex_unlock(&G.lock);
}

double aeon_io_watchdog_get(void) {
  pthread_mutex_lock(&G.lock);
  if (!G.have_limit) G.limit = strtod(aeon_io_params[0].def, NULL), G.have_limit = 1;
  double l = G.limit;
  pthread_mutex_unlock(&G.lock);
  return l;
}

/* Starts the watchdog thread (detached) once; 0 on success. Called with the lock held. */
static int start_thread(void) {
  if (G.started) return 0;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_destroy(&G.wake);
  pthread_cond_init(&G.wake, &ca);
  pthread_condattr_destroy(&ca);
  pthread_attr_t ta;
  pthread_attr_init(&ta);
  pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  int r = pthread_create(&t, &ta, watch, NULL);
  pthread_attr_destroy(&ta);
  if (r == 0) G.started = 1;
  return r;
}

/* Registers a guarded phase with a deadline in seconds and, for a failure already agreed, its message. */
static int guard(const char *phase, const char *path, double seconds, const char *agreed) {
  pthread_mutex_lock(&G.lock);
  int tok = -1;
  if (start_thread() == 0)
    for (int i = 0; i < NSLOTS && tok < 0; i++)
      if (!G.s[i].used) tok = i;
  if (tok >= 0) {
    slot *s = &G.s[tok];
    s->used = 1;
    s->deadline = now_s() + seconds;
    snprintf(s->phase, sizeof s->phase, "%s", phase);
    snprintf(s->path, sizeof s->path, "%s", path ? path : "");
    snprintf(s->agreed, sizeof s->agreed, "%s", agreed ? agreed : "");
    s->own = 0;
    pthread_cond_signal(&G.wake);
  }
  pthread_mutex_unlock(&G.lock);
  return tok;
}

/* MPI-IO error classes of a failed write or read (not of a file that cannot be opened: those go back to the caller). */
static int io_failure(int cls) {
  return cls == MPI_ERR_IO || cls == MPI_ERR_NO_SPACE || cls == MPI_ERR_QUOTA || cls == MPI_ERR_FILE;
}

/* The file error handler of every file opened inside a guarded phase: a failed read or write arms a deadline of
 * 2 AEON_IO_ERROR_GRACE_S seconds naming the phase's file and the MPI error, then returns the error to HDF5. When
 * HDF5 returns it to Aeon the phase ends in an agreed error long before that; when HDF5 goes on into further
 * collective calls (parallel HDF5 1.10 does, flushing or truncating a file whose write failed on one rank), the
 * ranks can never meet again and the deadline ends the job with this rank's message. */
static void file_error(MPI_File *fh, int *code, ...) {
  (void)fh;
  int cls = 0, len = 0;
  char what[MPI_MAX_ERROR_STRING] = "", msg[1200];
  MPI_Error_class(*code, &cls);
  if (!io_failure(cls)) return;
  MPI_Error_string(*code, what, &len);
  pthread_mutex_lock(&G.lock);
  const slot *ph = NULL;
  for (int i = 0; i < NSLOTS; i++)
    if (G.s[i].used && !G.s[i].agreed[0] && (!ph || G.s[i].deadline > ph->deadline)) ph = &G.s[i];
  snprintf(msg, sizeof msg, "%s of '%.1000s': MPI-IO: %.120s", ph ? ph->phase : "I/O", ph ? ph->path : "?", what);
  pthread_mutex_unlock(&G.lock);
  int tok = guard("MPI-IO error", ph ? ph->path : "", 2 * AEON_IO_ERROR_GRACE_S, msg);
  if (tok >= 0) {
    pthread_mutex_lock(&G.lock);
    G.s[tok].own = 1;
    pthread_mutex_unlock(&G.lock);
  }
}

/* Installs file_error as the error handler of files opened from now on (once; MPI must be initialised). */
static void install_file_handler(void) {
  static int done;
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  if (done || !init || fin) return;
  MPI_Errhandler eh;
  if (MPI_File_create_errhandler(file_error, &eh) == MPI_SUCCESS) {
    MPI_File_set_errhandler(MPI_FILE_NULL, eh);
    MPI_Errhandler_free(&eh);
  }
  done = 1;
}

int aeon_io_phase_begin(const char *phase, const char *path) {
  install_file_handler();
  double limit = aeon_io_watchdog_get();
  return guard(phase, path, limit > 0 ? limit : 1e9, NULL);
}

int aeon_io_failed_close_begin(const char *path) {
  const char *msg = aeon_error_message();
  return guard("closing after a failure", path, AEON_IO_ERROR_GRACE_S, msg[0] ? msg : "I/O failed");
}

void aeon_io_phase_end(int token) {
  if (token < 0 || token >= NSLOTS) return;
  pthread_mutex_lock(&G.lock);
  G.s[token].used = 0;
  for (int i = 0; i < NSLOTS; i++) /* an MPI-IO error of this phase came back to Aeon: no deadline for it now */
    if (G.s[i].own && strcmp(G.s[i].path, G.s[token].path) == 0) G.s[i].used = G.s[i].own = 0;
  pthread_mutex_unlock(&G.lock);
}

aeon_err aeon_io_agree(MPI_Comm comm, aeon_err local) {
  int bad = local != AEON_OK, any = 0, done = 0;
  MPI_Request req;
  AE_MPI(MPI_Iallreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm, &req));
  if (!bad) {
    AE_MPI(MPI_Wait(&req, MPI_STATUS_IGNORE));
  } else {
    double t0 = now_s();
    struct timespec nap = {0, 1000000};
    while (!done) {
      AE_MPI(MPI_Test(&req, &done, MPI_STATUS_IGNORE));
      if (done) break;
      if (now_s() - t0 > AEON_IO_ERROR_GRACE_S) {
        fprintf(stderr, "aeon: error: [rank %d] %s\naeon: error: [rank %d] the other ranks did not reach the agreement "
                "on this failure within %g s (they wait inside a collective I/O call this rank left); aborting the "
                "job\n", world_rank(), aeon_error_message(), world_rank(), AEON_IO_ERROR_GRACE_S);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
      }
      nanosleep(&nap, NULL);
    }
  }
  if (!any) return AEON_OK;
  return aeon_par_agree(comm, local);
}
