/* Named wall-clock timers and their table across ranks. */
#include "aeon/timer.h"

#include <string.h>

void aeon_timers_init(aeon_timers *t) {
  memset(t, 0, sizeof *t);
  t->t0 = MPI_Wtime();
}

int aeon_timer_id(aeon_timers *t, const char *name) {
  for (int i = 0; i < t->n; i++)
    if (strcmp(t->name[i], name) == 0) return i;
  if (t->n == AEON_MAX_TIMERS) return AEON_MAX_TIMERS - 1; /* shares the last slot rather than failing */
  t->name[t->n] = name;
  return t->n++;
}

void aeon_timer_start(aeon_timers *t, int id) { t->started[id] = MPI_Wtime(); }

void aeon_timer_stop(aeon_timers *t, int id) {
  t->total[id] += MPI_Wtime() - t->started[id];
  t->calls[id]++;
}

aeon_err aeon_timers_report(const aeon_timers *t, MPI_Comm comm, FILE *out) {
  int rank, size;
  AE_MPI(MPI_Comm_rank(comm, &rank));
  AE_MPI(MPI_Comm_size(comm, &size));
  double wall = MPI_Wtime() - t->t0, wmax;
  double mx[AEON_MAX_TIMERS], mn[AEON_MAX_TIMERS], sum[AEON_MAX_TIMERS];
  AE_MPI(MPI_Reduce(t->total, mx, t->n, MPI_DOUBLE, MPI_MAX, 0, comm));
  AE_MPI(MPI_Reduce(t->total, mn, t->n, MPI_DOUBLE, MPI_MIN, 0, comm));
  AE_MPI(MPI_Reduce(t->total, sum, t->n, MPI_DOUBLE, MPI_SUM, 0, comm));
  AE_MPI(MPI_Reduce(&wall, &wmax, 1, MPI_DOUBLE, MPI_MAX, 0, comm));
  if (rank != 0) return AEON_OK;
  fprintf(out, "\n---------------------------- time per task (seconds, %d rank%s) ----------------------------\n",
          size, size > 1 ? "s" : "");
  fprintf(out, "%-22s %10s %10s %10s %10s %7s %8s\n", "task", "max", "min", "avg", "calls", "%wall",
          "max/min");
  for (int i = 0; i < t->n; i++) {
    double avg = sum[i] / size;
    fprintf(out, "%-22s %10.4f %10.4f %10.4f %10ld %6.1f%% %8.2f\n", t->name[i], mx[i], mn[i], avg,
            t->calls[i], wmax > 0 ? 100.0 * mx[i] / wmax : 0.0, mn[i] > 0 ? mx[i] / mn[i] : 1.0);
  }
  fprintf(out, "%-22s %10.4f\n", "wall (whole run)", wmax);
  fprintf(out, "------------------------------------------------------------------------------------------\n");
  return AEON_OK;
}
