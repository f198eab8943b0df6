/* XDMF 2.0 files that ParaView and VisIt open. Per snapshot, a sidecar PREFIX_STEP.xmf: one uniform
 * 3DCoRectMesh whose points are the cell corners (origin xmin, spacing dx, N+1 points a side), each field a
 * cell-centred scalar read from the .h5. Per run, PREFIX.xmf: a temporal collection holding a copy of each
 * sidecar's grid in step order. Adding a snapshot copies the collection's entries of earlier steps and appends
 * the new sidecar's grid; a (re)start rebuilds the collection from the sidecars up to its step, so a restart
 * that trims history drops the later snapshots. Every file is written as NAME.tmp and renamed. */
#include "xdmf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/ioguard.h"
#include "aeon/memory.h"
#include "aeon/output.h"

/* Longest line of an XDMF file this code writes (names are at most ~1000 bytes). */
#define XMF_LINE 8192

/* Writes s with the five XML special characters escaped. */
static void put_escaped(FILE *fp, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", fp); break;
    case '<': fputs("&lt;", fp); break;
    case '>': fputs("&gt;", fp); break;
    case '"': fputs("&quot;", fp); break;
    case '\'': fputs("&apos;", fp); break;
    default: fputc(*s, fp);
    }
  }
}

/* One DataItem of three XML doubles, listed z y x as XDMF wants. */
static void put_triple(FILE *fp, const char *name, const double v[3]) {
  fprintf(fp, "        <DataItem Name=\"%s\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">",
          name);
  for (int d = 2; d >= 0; d--) fprintf(fp, "%.17g%s", v[d], d ? " " : "");
  fputs("</DataItem>\n", fp);
}

/* Topology and geometry of the cell corners: N+1 points a side from xmin with spacing dx. */
static void put_geometry(FILE *fp, const aeon_mesh *m) {
  fprintf(fp, "      <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%ld %ld %ld\"/>\n", m->N[2] + 1,
          m->N[1] + 1, m->N[0] + 1);
  fputs("      <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n", fp);
  put_triple(fp, "Origin", m->xmin);
  put_triple(fp, "Spacing", m->dx);
  fputs("      </Geometry>\n", fp);
}

/* One cell-centred scalar attribute per field, read from h5_name:/levels/0/fields/NAME. */
static void put_attribute(FILE *fp, const aeon_mesh *m, const char *h5_name, const char *name) {
  fputs("      <Attribute Name=\"", fp);
  put_escaped(fp, name);
  fputs("\" AttributeType=\"Scalar\" Center=\"Cell\">\n", fp);
  fprintf(fp,
          "        <DataItem Dimensions=\"%ld %ld %ld\" NumberType=\"Float\" Precision=\"8\" "
          "Format=\"HDF\">",
          m->N[2], m->N[1], m->N[0]);
  put_escaped(fp, h5_name);
  fputs(":/levels/0/fields/", fp);
  put_escaped(fp, name);
  fputs("</DataItem>\n      </Attribute>\n", fp);
}

/* Writes the whole sidecar document to fp. */
static void put_document(FILE *fp, const char *h5_name, const aeon_mesh *m, int nvar,
                         const char *const *names, double time) {
  fputs("<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n", fp);
  fputs("<Xdmf Version=\"2.0\">\n  <Domain>\n", fp);
  fputs("    <Grid Name=\"mesh\" GridType=\"Uniform\">\n", fp);
  fprintf(fp, "      <Time Value=\"%.17g\"/>\n", time);
  put_geometry(fp, m);
  for (int v = 0; v < nvar; v++) put_attribute(fp, m, h5_name, names[v]);
  fputs("    </Grid>\n  </Domain>\n</Xdmf>\n", fp);
}

/* Opens path.tmp for writing (tmp gets its name) and begins its I/O-watchdog phase (*guard). */
static aeon_err open_tmp(const char *path, char tmp[4096], FILE **fp, int *guard) {
  *fp = NULL;
  *guard = -1;
  if (snprintf(tmp, 4096, "%s.tmp", path) >= 4096)
    return AE_ERR(AEON_ERR_USER, "XDMF file name too long: '%s'", path);
  *fp = fopen(tmp, "w");
  if (!*fp) return AE_ERR(AEON_ERR_IO, "cannot open XDMF file '%s' for writing: %s", tmp, strerror(errno));
  *guard = aeon_io_phase_begin("XDMF", tmp);
  errno = 0;
  return AEON_OK;
}

/* Closes fp (opened by open_tmp), ends its watchdog phase and renames tmp to path; on an earlier error e, removes tmp
 * and returns e. */
static aeon_err close_publish(FILE *fp, const char *tmp, const char *path, aeon_err e, int guard) {
  int bad = ferror(fp) || fflush(fp) != 0;
  int err = errno;
  if (fclose(fp) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  aeon_io_phase_end(guard);
  if (e || bad) {
    unlink(tmp);
    if (e) return e;
    return AE_ERR(AEON_ERR_IO, "cannot write XDMF file '%s': %s", tmp, err ? strerror(err) : "write error");
  }
  if (rename(tmp, path) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
  return AEON_OK;
}

aeon_err aeon_xdmf_write(const char *xmf_path, const char *h5_name, const aeon_mesh *m, int nvar,
                         const char *const *names, double time) {
  char tmp[4096];
  FILE *fp = NULL;
  int guard;
  AE_CHK(open_tmp(xmf_path, tmp, &fp, &guard));
  put_document(fp, h5_name, m, nvar, names, time);
  return close_publish(fp, tmp, xmf_path, AEON_OK, guard);
}

/* ---- the temporal collection ---------------------------------------------------------------- */

/* The line with leading blanks skipped. */
static const char *trimmed(const char *line) { return line + strspn(line, " \t"); }

/* 1 if the line opens a uniform grid (an entry of the collection, or the grid of a sidecar). */
static int opens_uniform(const char *line) {
  return strncmp(trimmed(line), "<Grid ", 6) == 0 && strstr(line, "GridType=\"Uniform\"") != NULL;
}

/* 1 if the line closes a grid. */
static int closes_grid(const char *line) { return strncmp(trimmed(line), "</Grid>", 7) == 0; }

/* The step of a collection entry named "..._STEP", or -1. */
static long entry_step(const char *line) {
  const char *a = strstr(line, "Name=\"");
  const char *b = a ? strchr(a + 6, '"') : NULL;
  const char *p = b;
  while (p && p > a + 6 && p[-1] >= '0' && p[-1] <= '9') p--;
  return p && p < b && p[-1] == '_' ? strtol(p, NULL, 10) : -1;
}

/* Writes the collection's opening lines. */
static void put_collection_head(FILE *fp, const char *prefix) {
  fputs("<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n", fp);
  fputs("<Xdmf Version=\"2.0\">\n  <Domain>\n    <Grid Name=\"", fp);
  put_escaped(fp, prefix);
  fputs("\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", fp);
}

/* Writes the collection's closing lines. */
static void put_collection_tail(FILE *fp) { fputs("    </Grid>\n  </Domain>\n</Xdmf>\n", fp); }

/* Copies the uniform grid of a sidecar into the collection as the entry PREFIX_STEP; *found = 0 when the sidecar
 * cannot be read or holds no grid. */
static void copy_sidecar_grid(FILE *out, const char *sidecar, const char *prefix, long step, int *found) {
  *found = 0;
  FILE *in = fopen(sidecar, "r");
  if (!in) return;
  char line[XMF_LINE];
  int inside = 0;
  while (fgets(line, sizeof line, in)) {
    if (!inside && opens_uniform(line)) {
      inside = 1;
      fputs("      <Grid Name=\"", out);
      put_escaped(out, prefix);
      fprintf(out, "_%06ld\" GridType=\"Uniform\">\n", step);
      continue;
    }
    if (!inside) continue;
    fprintf(out, "  %s", line);
    if (closes_grid(line)) {
      *found = 1;
      break;
    }
  }
  fclose(in);
}

/* Copies the entries of the collection at path whose step is below `below` (none if the file is absent). */
static void copy_entries(FILE *out, const char *path, long below) {
  FILE *in = fopen(path, "r");
  if (!in) return;
  char line[XMF_LINE];
  int inside = 0, keep = 0;
  while (fgets(line, sizeof line, in)) {
    if (!inside && opens_uniform(line)) {
      long step = entry_step(line);
      inside = 1, keep = step >= 0 && step < below;
    }
    if (inside && keep) fputs(line, out);
    if (inside && closes_grid(line)) inside = 0;
  }
  fclose(in);
}

aeon_err aeon_xdmf_collection_add(const char *coll, const char *sidecar, const char *prefix, long step) {
  char tmp[4096];
  FILE *fp = NULL;
  int guard;
  AE_CHK(open_tmp(coll, tmp, &fp, &guard));
  put_collection_head(fp, prefix);
  copy_entries(fp, coll, step);
  int found = 0;
  copy_sidecar_grid(fp, sidecar, prefix, step, &found);
  put_collection_tail(fp);
  aeon_err e = found ? AEON_OK : AE_ERR(AEON_ERR_IO, "cannot read the grid of XDMF file '%s'", sidecar);
  return close_publish(fp, tmp, coll, e, guard);
}

/* The step of a directory entry named PREFIX_STEP.xmf whose PREFIX_STEP.h5 exists, or -1. */
static long sidecar_step(const char *dir, const char *prefix, const char *name) {
  size_t lp = strlen(prefix), ln = strlen(name);
  if (strncmp(name, prefix, lp) != 0 || name[lp] != '_' || ln < lp + 5 || strcmp(name + ln - 4, ".xmf") != 0)
    return -1;
  const char *d = name + lp + 1;
  if (strspn(d, "0123456789") != ln - lp - 5) return -1;
  char h5[4200];
  snprintf(h5, sizeof h5, "%s/%.*s.h5", dir, (int)(ln - 4), name);
  return access(h5, R_OK) == 0 ? strtol(d, NULL, 10) : -1;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* The sorted steps <= last of the sidecars in dir (*steps: free with aeon_mem_free). */
static aeon_err list_sidecars(const char *dir, const char *prefix, long last, long **steps, size_t *n) {
  *steps = NULL, *n = 0;
  DIR *d = opendir(dir);
  if (!d) return AEON_OK;
  size_t cap = 0;
  aeon_err e = AEON_OK;
  struct dirent *en;
  while (!e && (en = readdir(d))) {
    long step = sidecar_step(dir, prefix, en->d_name);
    if (step < 0 || step > last) continue;
    if (*n == cap) {
      size_t grown = cap ? 2 * cap : 64;
      e = aeon_mem_realloc(cap * sizeof **steps, grown * sizeof **steps, (void **)steps);
      cap = grown;
    }
    if (!e) (*steps)[(*n)++] = step;
  }
  closedir(d);
  if (e) {
    aeon_mem_free(*steps);
    *steps = NULL, *n = 0;
  } else if (*n) {
    qsort(*steps, *n, sizeof **steps, cmp_long);
  }
  return e;
}

aeon_err aeon_snapshot_collection_rebuild(const char *dir, const char *prefix, long last_step) {
  char coll[4096];
  if (snprintf(coll, sizeof coll, "%s/%s.xmf", dir, prefix) >= (int)sizeof coll)
    return AE_ERR(AEON_ERR_USER, "XDMF file name too long: '%s/%s.xmf'", dir, prefix);
  long *steps = NULL;
  size_t n = 0;
  AE_CHK(list_sidecars(dir, prefix, last_step, &steps, &n));
  if (n == 0) {
    aeon_mem_free(steps);
    if (unlink(coll) != 0 && errno != ENOENT)
      return AE_ERR(AEON_ERR_IO, "cannot remove the stale XDMF collection '%s': %s", coll, strerror(errno));
    return AEON_OK;
  }
  char tmp[4096];
  FILE *fp = NULL;
  int guard = -1;
  aeon_err e = open_tmp(coll, tmp, &fp, &guard);
  if (!e) {
    put_collection_head(fp, prefix);
    for (size_t i = 0; i < n; i++) {
      char sidecar[4200];
      int found = 0;
      snprintf(sidecar, sizeof sidecar, "%s/%s_%06ld.xmf", dir, prefix, steps[i]);
      copy_sidecar_grid(fp, sidecar, prefix, steps[i], &found); /* an unreadable sidecar is left out */
    }
    put_collection_tail(fp);
    e = close_publish(fp, tmp, coll, AEON_OK, guard);
  }
  aeon_mem_free(steps);
  return e;
}
