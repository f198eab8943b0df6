/* ranks: 1 2 3 4 */
/* Output: run directory creation and refusal, ASCII series read back bit for
 * bit, HDF5 snapshot written and read back exactly on any decomposition, the
 * XDMF sidecar, and the file checked independently with h5py. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mpi.h>

#include "aeon/error.h"
#include "aeon/mesh.h"
#include "aeon/output.h"
#include "aeon/parallel.h"

#ifndef AEON_SOURCE_DIR
#define AEON_SOURCE_DIR "."
#endif

static int g_rank, g_size, g_failures;

/* The user id of nobody (Debian), for the permission case when the test runs as root. */
#define NOBODY 65534

#define CHECK(cond, ...)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      fprintf(stderr, "[rank %d] %s:%d: check failed: %s: ", g_rank, __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                          \
      fputc('\n', stderr);                                                                   \
      g_failures++;                                                                          \
    }                                                                                        \
  } while (0)

#define CHECK_OK(expr)                                                                       \
  do {                                                                                       \
    aeon_err ck_e_ = (expr);                                                                 \
    if (ck_e_ != AEON_OK) {                                                                  \
      fprintf(stderr, "[rank %d] %s:%d: %s failed:\n", g_rank, __FILE__, __LINE__, #expr);   \
      aeon_error_print(stderr, 1);                                                           \
      g_failures++;                                                                          \
    }                                                                                        \
  } while (0)

/* Setup failures make the rest meaningless: stop every rank with a non-zero status. */
#define REQUIRE_OK(expr)                                                                     \
  do {                                                                                       \
    aeon_err rq_e_ = (expr);                                                                 \
    if (rq_e_ != AEON_OK) {                                                                  \
      fprintf(stderr, "[rank %d] %s:%d: %s failed:\n", g_rank, __FILE__, __LINE__, #expr);   \
      aeon_error_print(stderr, 1);                                                           \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                          \
    }                                                                                        \
  } while (0)

/* The value stored at global point (gi, gj, gk) of variable v. */
static double value(int v, long gi, long gj, long gk) {
  return (double)(v + 1) / 3.0 + (double)gi + 100.0 * (double)gj + 10000.0 * (double)gk + 1e6 * v;
}

/* Checks that every rank got the same error code, and that it is `want`. */
static void check_same_error(aeon_err got, aeon_err want, const char *what) {
  int lo = (int)got, hi = (int)got;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  CHECK(lo == hi, "%s: ranks disagree on the error code (%d..%d)", what, lo, hi);
  CHECK(got == want, "%s: got code %d (%s), expected %d; message: %s", what, (int)got,
        aeon_error_name(got), (int)want, aeon_error_message());
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Reads a whole small text file into buf; returns 0 on failure. */
static int slurp(const char *path, char *buf, size_t size) {
  FILE *fp = fopen(path, "r");
  if (!fp) return 0;
  size_t n = fread(buf, 1, size - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  return 1;
}

/* Builds the process grid and the mesh: N = {12, 10, 7} on [0,1]^3, 3 ghosts, periodic. */
static void make_mesh(aeon_par *par, aeon_mesh *m, const long N[3]) {
  memset(m, 0, sizeof *m);
  for (int d = 0; d < 3; d++) {
    m->N[d] = N[d];
    m->xmin[d] = 0.0;
    m->xmax[d] = 1.0;
    m->dx[d] = (m->xmax[d] - m->xmin[d]) / (double)N[d];
  }
  m->ghost = 3;
  for (int s = 0; s < 6; s++) m->bc[s] = AEON_BC_PERIODIC;
  int periodic[3] = {1, 1, 1};
  if (par) REQUIRE_OK(aeon_par_create(MPI_COMM_WORLD, (int[3]){0, 0, 0}, periodic, N, par));
}

/* Fills the interior of every variable from the global index, the ghosts with a sentinel. */
static void fill(const aeon_mesh *m, aeon_fields *f) {
  for (int v = 0; v < f->nvar; v++) {
    double *u = aeon_var(f, v);
    for (size_t p = 0; p < m->npts; p++) u[p] = -777.0;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++)
        for (int i = 0; i < m->n[0]; i++)
          u[aeon_idx(m, i, j, k)] = value(v, m->off[0] + i, m->off[1] + j, m->off[2] + k);
  }
}

/* Checks that variable v of g holds variable w's values in the interior and zeros in the ghosts. */
static void check_var(const aeon_mesh *m, const aeon_fields *g, int v, int w) {
  const double *u = aeon_var(g, v);
  long bad = 0;
  for (int k = -m->ghost; k < m->n[2] + m->ghost; k++)
    for (int j = -m->ghost; j < m->n[1] + m->ghost; j++)
      for (int i = -m->ghost; i < m->n[0] + m->ghost; i++) {
        int inside = i >= 0 && i < m->n[0] && j >= 0 && j < m->n[1] && k >= 0 && k < m->n[2];
        double want = inside ? value(w, m->off[0] + i, m->off[1] + j, m->off[2] + k) : 0.0;
        double got = u[aeon_idx(m, i, j, k)];
        if (memcmp(&got, &want, sizeof got) != 0 && bad++ < 3)
          fprintf(stderr, "[rank %d] var %d at (%d,%d,%d): got %.17g want %.17g\n", g_rank, v, i, j, k,
                  got, want);
      }
  CHECK(bad == 0, "variable %d read back with %ld wrong points", v, bad);
}

/* ---- run directory -------------------------------------------------------------------------- */

static void test_rundir_fresh(const char *top, const char *dir) {
  if (g_rank == 0) { /* leftovers of an earlier run of this test (a name only this test uses) */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    CHECK(system(cmd) == 0, "cannot remove %s", top);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  CHECK_OK(aeon_rundir_prepare(MPI_COMM_WORLD, dir, 0)); /* creates parents too */
  struct stat st;
  CHECK(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "%s was not created", dir);
  CHECK_OK(aeon_rundir_prepare(MPI_COMM_WORLD, dir, 0)); /* existing but empty: fine */
}

static void test_rundir_refusals(const char *dir, const char *snap_h5) {
  aeon_err e = aeon_rundir_prepare(MPI_COMM_WORLD, dir, 0);
  check_same_error(e, AEON_ERR_USER, "prepare on a non-empty directory");
  CHECK(strstr(aeon_error_message(), "already exists") && strstr(aeon_error_message(), dir),
        "message: %s", aeon_error_message());
  aeon_error_clear();
  CHECK_OK(aeon_rundir_prepare(MPI_COMM_WORLD, dir, 1));
  CHECK(file_exists(snap_h5), "force must not delete anything (%s is gone)", snap_h5);

  char file[512], below[600];
  snprintf(file, sizeof file, "%s/a_file", dir);
  snprintf(below, sizeof below, "%s/sub", file);
  if (g_rank == 0) {
    FILE *fp = fopen(file, "w");
    CHECK(fp != NULL, "cannot create %s", file);
    if (fp) fclose(fp);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  e = aeon_rundir_prepare(MPI_COMM_WORLD, file, 1);
  check_same_error(e, AEON_ERR_USER, "prepare on a plain file");
  CHECK(strstr(aeon_error_message(), file) && strstr(aeon_error_message(), "not a directory"),
        "message: %s", aeon_error_message());
  e = aeon_rundir_prepare(MPI_COMM_WORLD, below, 0);
  check_same_error(e, AEON_ERR_IO, "prepare below a plain file");
  CHECK(strstr(aeon_error_message(), below) != NULL, "message: %s", aeon_error_message());
  aeon_error_clear();

  char ro[512], sub[600];
  snprintf(ro, sizeof ro, "%s/readonly", dir);
  snprintf(sub, sizeof sub, "%s/sub", ro);
  if (g_rank == 0) CHECK(mkdir(ro, 0500) == 0, "mkdir %s: %s", ro, strerror(errno));
  MPI_Barrier(MPI_COMM_WORLD);
  /* Root passes every permission check, so as root the case runs with the effective user nobody on every rank
   * (the real and saved user ids stay root, so root comes back afterwards). */
  int as_root = geteuid() == 0;
  if (as_root) CHECK(seteuid(NOBODY) == 0, "seteuid(%d) to run the permission case as a user: %s", NOBODY, strerror(errno));
  e = aeon_rundir_prepare(MPI_COMM_WORLD, sub, 0);
  if (as_root) CHECK(seteuid(0) == 0, "seteuid(0) back to root: %s", strerror(errno));
  if (g_rank == 0) printf("permission case run as uid %d\n", as_root ? NOBODY : (int)geteuid());
  check_same_error(e, AEON_ERR_IO, "prepare in a read-only directory");
  CHECK(strstr(aeon_error_message(), sub) && strstr(aeon_error_message(), strerror(EACCES)),
        "message: %s", aeon_error_message());
  aeon_error_clear();
  MPI_Barrier(MPI_COMM_WORLD);
  if (g_rank == 0) chmod(ro, 0700);
}

/* ---- series --------------------------------------------------------------------------------- */

static const double rows[3][4] = {
    {0, 0.0, 1.0 / 3.0, 1e-300},
    {1, 0.1, 2.718281828459045, -4.9406564584124654e-324},
    {2, 0.30000000000000004, 6.02214076e23, -0.0},
};

/* Checks the file written by test_series: header lines, column line, and the rows bit for bit. */
static void check_series_file(const char *path) {
  FILE *fp = fopen(path, "r");
  CHECK(fp != NULL, "cannot open %s", path);
  if (!fp) return;
  char line[1024];
  const char *head[3] = {"# step t err max\n", "# output test series\n", "# second line\n"}; /* names first */
  for (int h = 0; h < 3; h++)
    CHECK(fgets(line, sizeof line, fp) && strcmp(line, head[h]) == 0, "header line %d: '%s'", h, line);
  int r = 0;
  while (fgets(line, sizeof line, fp)) {
    CHECK(r < 3, "extra row '%s'", line);
    if (r >= 3) break;
    char *p = line, *end;
    for (int c = 0; c < 4; c++) {
      double x = strtod(p, &end);
      CHECK(end != p && memcmp(&x, &rows[r][c], sizeof x) == 0, "row %d col %d: '%s'", r, c, line);
      p = end;
    }
    if (r == 1) CHECK(strncmp(line, "1 ", 2) == 0, "step not printed as an integer: '%s'", line);
    r++;
  }
  CHECK(r == 3, "%d rows read back, expected 3", r);
  fclose(fp);
}

static void test_series(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/norms.dat", dir);
  const char *cols[4] = {"step", "t", "err", "max"};
  aeon_series *s = NULL;
  if (g_rank == 0) {
    CHECK_OK(aeon_series_open(path, "output test series\nsecond line\n", 4, cols, &s));
    CHECK(s != NULL, "no series handle");
  }
  for (int r = 0; r < 3; r++) CHECK_OK(aeon_series_append(s, rows[r])); /* NULL off rank 0: a no-op */
  aeon_series_close(s);
  if (g_rank == 0) {
    check_series_file(path);
    char bad[600];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.dat", dir);
    aeon_series *t = NULL;
    aeon_err e = aeon_series_open(bad, NULL, 4, cols, &t);
    CHECK(e == AEON_ERR_IO && t == NULL && strstr(aeon_error_message(), bad),
          "open in a missing directory: code %d, message: %s", (int)e, aeon_error_message());
    aeon_error_clear();
  }
}

/* ---- snapshot ------------------------------------------------------------------------------- */

static void test_xmf_text(const char *xmf) {
  char text[8192];
  CHECK(slurp(xmf, text, sizeof text), "cannot read %s", xmf);
  const char *want[] = {"snap_000042.h5:/levels/0/fields/u<", "snap_000042.h5:/levels/0/fields/phi<",
                        "Dimensions=\"7 10 12\"", "<Time Value=\"0.75\"/>", "3DCoRectMesh",
                        "<Xdmf Version=\"2.0\">", "Center=\"Cell\"", "Dimensions=\"8 11 13\"/>"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    CHECK(strstr(text, want[i]) != NULL, "%s lacks '%s'", xmf, want[i]);
  CHECK(strstr(text, "/out_test_output") == NULL, "%s must reference the .h5 by its base name", xmf);
}

/* Returns a Python interpreter that has h5py, or NULL. */
static const char *python_with_h5py(void) {
  static const char *const cands[] = {"/usr/bin/python3", "python3"};
  for (int i = 0; i < 2; i++) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s -c 'import h5py' >/dev/null 2>&1", cands[i]);
    if (system(cmd) == 0) return cands[i];
  }
  return NULL;
}

/* Independent check of the file with h5py: shape, a few values, attributes; and check_xdmf.py. A missing h5py
 * fails the test (scripts/install-deps.sh installs python3-h5py). */
static void test_with_h5py(const char *h5, const char *xmf) {
  const char *py = python_with_h5py();
  CHECK(py != NULL, "no python3 with h5py: the independent check of %s cannot run (scripts/install-deps.sh installs "
        "python3-h5py)", h5);
  if (!py) return;
  static const long pts[4][4] = {{0, 0, 0, 0}, {0, 11, 9, 6}, {1, 5, 3, 2}, {1, 11, 0, 4}};
  char script[4096];
  int n = snprintf(script, sizeof script,
                   "import h5py, sys\n"
                   "f = h5py.File('%s', 'r')\n"
                   "for k in ('u', 'phi'):\n"
                   "    assert f['fields/' + k].shape == (7, 10, 12), f['fields/' + k].shape\n"
                   "    assert f['fields/' + k].dtype == 'float64'\n"
                   "assert int(f.attrs['step']) == 42 and float(f.attrs['time']) == 0.75\n"
                   "assert f.attrs['physics'] == 'testphys', f.attrs['physics']\n"
                   "assert f.attrs['deck'].startswith('grid:'), f.attrs['deck']\n"
                   "assert isinstance(f.attrs['aeon_version'], str) and len(f.attrs['aeon_version']) > 0\n"
                   "assert f['grid'].attrs['centering'] == 'cell' and 'G = c = 1' in f['grid'].attrs['units']\n"
                   "assert list(f['grid'].attrs['N']) == [12, 10, 7], f['grid'].attrs['N']\n"
                   "assert list(f['grid'].attrs['dx']) == [1/12, 1/10, 1/7], f['grid'].attrs['dx']\n"
                   "for a, n in (('x', 12), ('y', 10), ('z', 7)):\n"
                   "    c = f['grid/' + a][:]\n"
                   "    assert list(c) == [(i + 0.5) * (1 / n) for i in range(n)], (a, c)\n"
                   "import numpy, os\n"
                   "t = numpy.genfromtxt(os.path.join(os.path.dirname('%s'), 'norms.dat'), names=True)\n"
                   "assert t.dtype.names == ('step', 't', 'err', 'max') and list(t['step']) == [0, 1, 2], t\n",
                   h5, h5);
  for (int p = 0; p < 4; p++) {
    const char *name = pts[p][0] ? "phi" : "u";
    n += snprintf(script + n, sizeof script - (size_t)n,
                  "v = f['fields/%s'][%ld, %ld, %ld]\nassert v == float.fromhex('%a'), v\n", name,
                  pts[p][3], pts[p][2], pts[p][1], value((int)pts[p][0], pts[p][1], pts[p][2], pts[p][3]));
  }
  snprintf(script + n, sizeof script - (size_t)n, "print('h5py check passed')\n");
  char spath[] = "/tmp/aeon_test_output_XXXXXX.py";
  int fd = mkstemps(spath, 3);
  CHECK(fd >= 0, "mkstemps: %s", strerror(errno));
  if (fd < 0) return;
  CHECK(write(fd, script, strlen(script)) == (ssize_t)strlen(script), "writing %s", spath);
  close(fd);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "%s %s", py, spath);
  CHECK(system(cmd) == 0, "h5py check failed (%s)", cmd);
  unlink(spath);
  snprintf(cmd, sizeof cmd, "%s %s/tests/scripts/check_xdmf.py %s", py, AEON_SOURCE_DIR, xmf);
  CHECK(system(cmd) == 0, "check_xdmf.py failed (%s)", cmd);
}

/* Counts the non-overlapping occurrences of needle in the text file at path (-1 if unreadable). */
static int count_in(const char *path, const char *needle) {
  static char text[65536];
  if (!slurp(path, text, sizeof text)) return -1;
  int n = 0;
  for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

/* The temporal collection snap.xmf: one entry per snapshot in step order; a snapshot at an earlier step drops the
 * later entries; a rebuild keeps the steps up to its own; a rebuild below every step removes the file. */
static void test_collection(const aeon_mesh *m, const aeon_fields *f, const char *dir) {
  const char *names[2] = {"u", "phi"};
  char coll[512];
  snprintf(coll, sizeof coll, "%s/snap.xmf", dir);
  const long steps[4] = {43, 44, 45, 44}; /* after 42 from test_snapshot; the second 44 is a rewrite */
  for (int i = 0; i < 4; i++) {
    aeon_snapshot_info info = {steps[i], 0.75 + 0.25 * (double)(steps[i] - 42), "grid: {}\n", "testphys"};
    CHECK_OK(aeon_snapshot_write(m, f, names, dir, "snap", &info));
  }
  if (g_rank == 0) {
    CHECK(count_in(coll, "CollectionType=\"Temporal\"") == 1, "%s is not a temporal collection", coll);
    CHECK(count_in(coll, "GridType=\"Uniform\"") == 3, "%s: %d entries, expected 3 (42 43 44)", coll,
          count_in(coll, "GridType=\"Uniform\""));
    CHECK(count_in(coll, "Name=\"snap_000045\"") == 0, "%s still lists step 45 after step 44 was rewritten", coll);
    char text[65536];
    CHECK(slurp(coll, text, sizeof text), "cannot read %s", coll);
    const char *a = strstr(text, "<Time Value=\"0.75\"/>"), *b = strstr(text, "<Time Value=\"1\"/>");
    const char *c = strstr(text, "<Time Value=\"1.25\"/>");
    CHECK(a && b && c && a < b && b < c, "%s: times 0.75, 1, 1.25 not in order", coll);
    CHECK(count_in(coll, "snap_000044.h5:/levels/0/fields/phi<") == 1, "%s: entry 44 lacks phi", coll);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/scripts/check_xdmf.py %s", AEON_SOURCE_DIR, coll);
    CHECK(system(cmd) == 0, "check_xdmf.py failed on the collection (%s)", cmd);

    CHECK_OK(aeon_snapshot_collection_rebuild(dir, "snap", 43)); /* a restart at step 43 */
    CHECK(count_in(coll, "GridType=\"Uniform\"") == 2 && count_in(coll, "Name=\"snap_000043\"") == 1 &&
              count_in(coll, "Name=\"snap_000044\"") == 0,
          "rebuild up to 43: %d entries", count_in(coll, "GridType=\"Uniform\""));
    CHECK_OK(aeon_snapshot_collection_rebuild(dir, "snap", -1)); /* a fresh run */
    CHECK(!file_exists(coll), "%s left by a rebuild without snapshots", coll);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

static void test_snapshot(const aeon_par *par, const aeon_mesh *m, const char *dir) {
  aeon_fields f, g;
  REQUIRE_OK(aeon_fields_create(m, 2, &f));
  REQUIRE_OK(aeon_fields_create(m, 2, &g));
  fill(m, &f);
  const char *names[2] = {"u", "phi"};
  aeon_snapshot_info info = {42, 0.75, "grid:\n  n: [12, 10, 7]\n", "testphys"};
  CHECK_OK(aeon_snapshot_write(m, &f, names, dir, "snap", &info));

  char h5[512], xmf[512], tmp[520];
  snprintf(h5, sizeof h5, "%s/snap_000042.h5", dir);
  snprintf(xmf, sizeof xmf, "%s/snap_000042.xmf", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", h5);
  CHECK(file_exists(h5) && file_exists(xmf) && !file_exists(tmp), "files after the write (%s)", h5);

  CHECK_OK(aeon_snapshot_read_var(m, &g, 0, h5, "u"));
  CHECK_OK(aeon_snapshot_read_var(m, &g, 1, h5, "phi"));
  check_var(m, &g, 0, 0);
  check_var(m, &g, 1, 1);
  CHECK_OK(aeon_snapshot_read_var(m, &g, 0, h5, "phi")); /* any dataset into any slot */
  check_var(m, &g, 0, 1);

  aeon_err e = aeon_snapshot_read_var(m, &g, 0, h5, "nope");
  check_same_error(e, AEON_ERR_USER, "reading a missing dataset");
  CHECK(strstr(aeon_error_message(), "/fields/nope") && strstr(aeon_error_message(), h5), "message: %s",
        aeon_error_message());
  e = aeon_snapshot_read_var(m, &g, 0, "no_such_file.h5", "u");
  check_same_error(e, AEON_ERR_USER, "reading a missing file");
  CHECK(strstr(aeon_error_message(), "no_such_file.h5") != NULL, "message: %s", aeon_error_message());

  aeon_mesh m2;
  make_mesh(NULL, &m2, (long[3]){13, 10, 7});
  REQUIRE_OK(aeon_mesh_setup_patch(&m2, par));
  aeon_fields f2;
  REQUIRE_OK(aeon_fields_create(&m2, 1, &f2));
  e = aeon_snapshot_read_var(&m2, &f2, 0, h5, "u");
  check_same_error(e, AEON_ERR_USER, "reading a dataset of the wrong shape");
  CHECK(strstr(aeon_error_message(), "[7 10 12]") && strstr(aeon_error_message(), "[7 10 13]") &&
            strstr(aeon_error_message(), "expected"),
        "message: %s", aeon_error_message());
  aeon_error_clear();
  aeon_fields_destroy(&f2);

  if (g_rank == 0) {
    test_xmf_text(xmf);
    test_with_h5py(h5, xmf);
  }
  test_collection(m, &f, dir);
  aeon_fields_destroy(&g);
  aeon_fields_destroy(&f);
  MPI_Barrier(MPI_COMM_WORLD);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);

  aeon_par par;
  aeon_mesh m;
  make_mesh(&par, &m, (long[3]){12, 10, 7});
  REQUIRE_OK(aeon_mesh_setup_patch(&m, &par));

  char top[256], dir[300];
  snprintf(top, sizeof top, "out_test_output_np%d", g_size);
  snprintf(dir, sizeof dir, "%s/run", top);
  test_rundir_fresh(top, dir);
  test_series(dir);
  test_snapshot(&par, &m, dir);
  char h5[512];
  snprintf(h5, sizeof h5, "%s/snap_000042.h5", dir);
  test_rundir_refusals(dir, h5);

  int total = g_failures;
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (g_rank == 0) printf(total ? "FAIL (%d failed checks)\n" : "PASS\n", total);
  aeon_par_destroy(&par);
  MPI_Finalize();
  return total ? 1 : 0;
}
