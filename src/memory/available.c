/* How much memory this node can still give: the kernel's MemAvailable (/proc/meminfo), lowered to the room left
 * under this process's cgroup limit (cgroup v2 memory.max minus memory.current) when there is one. Read-only:
 * nothing is allocated or cached. */
#include "aeon/memory.h"

#include <stdio.h>
#include <string.h>

/* The first number of a file, or 0 when it is missing or not a number ("max"). */
static unsigned long long read_number(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  unsigned long long v = 0;
  if (fscanf(f, "%llu", &v) != 1) v = 0;
  fclose(f);
  return v;
}

/* MemAvailable in bytes, 0 if unknown. */
static unsigned long long meminfo_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  if (!f) return 0;
  char line[256];
  unsigned long long kb = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
  fclose(f);
  return kb * 1024;
}

size_t aeon_mem_available(const char **source) {
  unsigned long long avail = meminfo_available();
  const char *src = "MemAvailable in /proc/meminfo";
  unsigned long long max = read_number("/sys/fs/cgroup/memory.max"), cur = read_number("/sys/fs/cgroup/memory.current");
  if (max > 0) {
    unsigned long long room = max > cur ? max - cur : 0;
    if (avail == 0 || room < avail) avail = room, src = "the cgroup limit /sys/fs/cgroup/memory.max";
  }
  if (source) *source = src;
  return (size_t)avail;
}
