/* Signals and stop requests. A handler only records which signal came; the step
 * loop (advance.c) agrees on it across ranks at the next step boundary, writes a
 * checkpoint and stops. Two kinds of stop:
 *   SIGUSR1, SIGTERM, SIGINT   the time limit is near (Slurm --signal, a batch system's
 *                              SIGTERM, Ctrl-C): checkpoint, exit 3, continue later;
 *   SIGUSR2, the file RUNDIR/STOP  a deliberate stop: checkpoint, exit 5, do not requeue.
 * A deliberate stop outranks a time-limit signal. The recorded signal is the one
 * piece of global mutable state outside the registries, as a signal handler requires. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim_internal.h"

static volatile sig_atomic_t stop_signo; /* the highest-ranked signal received, 0 for none */

/* 1 for the signal of a deliberate stop (it outranks the others). */
static int deliberate(int sig) { return sig == SIGUSR2; }

/* The agreed code of a stop (larger outranks smaller, so MPI_MAX agrees on the strongest). */
static int stop_code(int sig, int by_file) {
  if (by_file) return AEON_STOP_CODE_FILE;
  if (!sig) return 0;
  return deliberate(sig) ? AEON_STOP_CODE_DELIBERATE + sig : sig;
}

static void on_signal(int sig) {
  if (stop_code(sig, 0) >= stop_code(stop_signo, 0)) stop_signo = sig;
}

void aeon_sim_request_stop(void) { on_signal(SIGTERM); }

int aeon_sim_stop_requested_(void) { return stop_code(stop_signo, 0); }

int aeon_sim_stop_code_(aeon_sim *s) {
  int code = stop_code(stop_signo, 0);
  if (s->rank != 0 || s->opt.no_files || code >= AEON_STOP_CODE_DELIBERATE) return code;
  double now = MPI_Wtime(); /* the file is looked for at most once a second */
  if (s->stop_file_checked != 0 && now - s->stop_file_checked < 1.0) return code;
  s->stop_file_checked = now;
  char path[4400];
  snprintf(path, sizeof path, "%s/STOP", s->rundir);
  return access(path, F_OK) == 0 ? AEON_STOP_CODE_FILE : code;
}

aeon_stop_kind aeon_sim_stop_reason(const aeon_sim *s, int *signo) {
  int c = s->step < s->nsteps ? s->stop_code : 0; /* a stop asked during the last step finished the run */
  if (signo) *signo = c == AEON_STOP_CODE_FILE ? 0 : c > AEON_STOP_CODE_DELIBERATE ? c - AEON_STOP_CODE_DELIBERATE : c;
  if (!c) return AEON_STOP_NONE;
  return c > AEON_STOP_CODE_DELIBERATE ? AEON_STOP_REQUESTED : AEON_STOP_SIGNAL;
}

int aeon_sim_stopped_by_signal(const aeon_sim *s) { return aeon_sim_stop_reason(s, NULL) == AEON_STOP_SIGNAL; }

/* The name of a stop signal. */
static const char *signal_name(int sig) {
  switch (sig) {
  case SIGTERM: return "SIGTERM";
  case SIGINT: return "SIGINT";
  case SIGUSR1: return "SIGUSR1";
  case SIGUSR2: return "SIGUSR2";
  default: return "a signal";
  }
}

void aeon_sim_describe_stop(const aeon_sim *s, char *out, size_t len) {
  int sig;
  switch (aeon_sim_stop_reason(s, &sig)) {
  case AEON_STOP_NONE: snprintf(out, len, "finished"); break;
  case AEON_STOP_SIGNAL:
    snprintf(out, len, "signal %s (%s)", signal_name(sig), sig == SIGINT ? "interrupt" : "time limit");
    break;
  case AEON_STOP_REQUESTED:
    if (sig) snprintf(out, len, "stop requested by signal %s", signal_name(sig));
    else snprintf(out, len, "stop requested by file STOP in the run directory");
    break;
  }
}

void aeon_sim_consume_stop_file(const aeon_sim *s) {
  if (s->rank != 0 || s->opt.no_files || s->stop_code != AEON_STOP_CODE_FILE) return;
  char path[4400];
  snprintf(path, sizeof path, "%s/STOP", s->rundir);
  unlink(path);
}

void aeon_sim_install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  const int sigs[] = {SIGTERM, SIGINT, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, NULL);
}
