/* XDMF 2.0 sidecar: a uniform 3DCoRectMesh whose nodes are the cell centres,
 * with one node-centred scalar Attribute per field pointing into the .h5. */
#include "xdmf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aeon/ioguard.h"

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

/* Topology and geometry: XDMF lists dimensions, origin and spacing slowest first (z y x). */
static void put_geometry(FILE *fp, const aeon_mesh *m) {
  fprintf(fp, "      <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%ld %ld %ld\"/>\n", m->N[2],
          m->N[1], m->N[0]);
  fputs("      <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n", fp);
  fputs("        <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
        "Format=\"XML\">",
        fp);
  for (int d = 2; d >= 0; d--)
    fprintf(fp, "%.17g%s", m->xmin[d] + 0.5 * m->dx[d], d ? " " : "");
  fputs("</DataItem>\n", fp);
  fputs("        <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
        "Format=\"XML\">",
        fp);
  for (int d = 2; d >= 0; d--) fprintf(fp, "%.17g%s", m->dx[d], d ? " " : "");
  fputs("</DataItem>\n", fp);
  fputs("      </Geometry>\n", fp);
}

/* One scalar attribute per field, read from h5_name:/levels/0/fields/NAME. */
static void put_attribute(FILE *fp, const aeon_mesh *m, const char *h5_name, const char *name) {
  fputs("      <Attribute Name=\"", fp);
  put_escaped(fp, name);
  fputs("\" AttributeType=\"Scalar\" Center=\"Node\">\n", fp);
  fprintf(fp,
          "        <DataItem Dimensions=\"%ld %ld %ld\" NumberType=\"Float\" Precision=\"8\" "
          "Format=\"HDF\">",
          m->N[2], m->N[1], m->N[0]);
  put_escaped(fp, h5_name);
  fputs(":/levels/0/fields/", fp);
  put_escaped(fp, name);
  fputs("</DataItem>\n      </Attribute>\n", fp);
}

/* Writes the whole document to fp. */
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

aeon_err aeon_xdmf_write(const char *xmf_path, const char *h5_name, const aeon_mesh *m, int nvar,
                         const char *const *names, double time) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", xmf_path) >= (int)sizeof tmp)
    return AE_ERR(AEON_ERR_USER, "XDMF file name too long: '%s'", xmf_path);
  FILE *fp = fopen(tmp, "w");
  if (!fp) return AE_ERR(AEON_ERR_IO, "cannot open XDMF file '%s' for writing: %s", tmp, strerror(errno));
  int guard = aeon_io_phase_begin("XDMF", tmp);
  errno = 0;
  put_document(fp, h5_name, m, nvar, names, time);
  int bad = ferror(fp) || fflush(fp) != 0;
  int err = errno;
  if (fclose(fp) != 0 && !bad) {
    bad = 1;
    err = errno;
  }
  aeon_io_phase_end(guard);
  if (bad) remove(tmp);
  if (bad)
    return AE_ERR(AEON_ERR_IO, "cannot write XDMF file '%s': %s", tmp, err ? strerror(err) : "write error");
  if (rename(tmp, xmf_path) != 0)
    return AE_ERR(AEON_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, xmf_path, strerror(errno));
  return AEON_OK;
}
