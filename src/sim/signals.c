/* Signals before walltime (Slurm sends SIGTERM, or SIGUSR1 with --signal): the
 * handler only sets a flag; the step loop agrees on it across ranks at the next
 * step boundary, writes a checkpoint and stops. The flag is the one piece of
 * global mutable state outside the registries, as a signal handler requires. */
#include <signal.h>
#include <string.h>

#include "aeon/sim.h"

static volatile sig_atomic_t stop_requested;

void aeon_sim_request_stop(void) { stop_requested = 1; }

int aeon_sim_stop_requested_(void) { return stop_requested != 0; }

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

void aeon_sim_install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}
