/* ranks: 1 2 3 4 */
/* Analysis services: distributed interpolation and sphere integrals.
 * The global grids are the same for every rank count; every distributed result
 * is compared bit for bit with the same problem solved by rank 0 alone (a mesh
 * on MPI_COMM_SELF), so any dependence on the decomposition fails the test.
 * Interpolation: cubic polynomials exact (radiative box with ghost 2, symmetry
 * faces with mirrored points and parities), sin fields converge at 4th order
 * (periodic box, wrapped points). Spheres: Gauss-Legendre rule, area, the
 * integral of x^2, the flux of E = x / r^3 (analytic, and interpolated from
 * the grid at three resolutions), an octant run against the full box, no
 * allocation in apply and integrate, and the refusals of bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "aeon/analysis.h"
#include "aeon/memory.h"

#include "mpicheck.h"

#define PI 3.14159265358979323846

static int rank, size;

typedef double (*field_fn)(const double x[3], int v);

/* A problem: the global grid, its fields and the parities of its variables. */
typedef struct {
  long N[3];
  double lo[3], hi[3];
  const aeon_bc *bc;
  int ghost, nvar;
  field_fn fn;
  const int (*parity)[3];
} problem;

/* A mesh, its process grid and filled fields. Holds pointers into itself: never copied. */
typedef struct {
  aeon_par par;
  aeon_mesh m;
  aeon_fields f;
} grid;

static const aeon_bc RAD[6] = {AEON_BC_RADIATIVE, AEON_BC_RADIATIVE, AEON_BC_RADIATIVE,
                               AEON_BC_RADIATIVE, AEON_BC_RADIATIVE, AEON_BC_RADIATIVE};
static const aeon_bc PER[6] = {AEON_BC_PERIODIC, AEON_BC_PERIODIC, AEON_BC_PERIODIC,
                               AEON_BC_PERIODIC, AEON_BC_PERIODIC, AEON_BC_PERIODIC};
static const aeon_bc OCT[6] = {AEON_BC_SYMMETRY, AEON_BC_RADIATIVE, AEON_BC_SYMMETRY,
                               AEON_BC_RADIATIVE, AEON_BC_SYMMETRY, AEON_BC_RADIATIVE};

/* Builds the mesh of pb over comm, sets every valid point from pb->fn, then exchange and symmetry
 * (so periodic and symmetry ghosts are copies, radiative ghosts analytic). Returns 0 on success. */
static int grid_make(grid *g, MPI_Comm comm, const problem *pb, const int dims[3]) {
  memset(g, 0, sizeof *g);
  for (int d = 0; d < 3; d++) {
    g->m.N[d] = pb->N[d];
    g->m.xmin[d] = pb->lo[d];
    g->m.xmax[d] = pb->hi[d];
    g->m.dx[d] = (pb->hi[d] - pb->lo[d]) / (double)pb->N[d];
  }
  g->m.ghost = pb->ghost;
  memcpy(g->m.bc, pb->bc, sizeof g->m.bc);
  int periodic[3];
  aeon_mesh_periodicity(&g->m, periodic);
  aeon_exchange *ex = NULL;
  if (aeon_par_create(comm, dims, periodic, pb->N, &g->par) || aeon_mesh_setup_patch(&g->m, &g->par) ||
      aeon_fields_create(&g->m, pb->nvar, &g->f) || aeon_exchange_create(&g->m, pb->nvar, &ex)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  const aeon_box *b = &g->m.valid;
  for (int v = 0; v < pb->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) {
          double x[3] = {aeon_coord(&g->m, 0, i), aeon_coord(&g->m, 1, j), aeon_coord(&g->m, 2, k)};
          aeon_var(&g->f, v)[aeon_idx(&g->m, i, j, k)] = pb->fn(x, v);
        }
  int bad = aeon_exchange_start(ex, &g->f) || aeon_exchange_finish(ex, &g->f);
  aeon_exchange_destroy(ex);
  if (pb->parity) aeon_mesh_fill_symmetry(&g->m, &g->f, pb->parity);
  return bad;
}

static void grid_free(grid *g) {
  aeon_fields_destroy(&g->f);
  aeon_par_destroy(&g->par);
}

/* ---- fields ---- */

/* Cubic in each variable (tensor-product Lagrange interpolation reproduces them). */
static double f_cubic(const double x[3], int v) {
  double X = x[0], Y = x[1], Z = x[2];
  if (v == 0)
    return 0.3 + X - 2 * Y + 0.5 * Z + 3 * X * Y - 1.5 * Y * Z + X * X * Z - 2 * Y * Y * Y + 0.7 * Z * Z * Z +
           X * X * X * Y * Y * Z - 0.4 * X * X * X * Y * Y * Y * Z * Z * Z;
  return (1 - X * X) * (2 + Y) * (Z * Z * Z - Z);
}

/* Cubics with definite parity in each direction (par_sym below). */
static double f_sym(const double x[3], int v) {
  double X = x[0], Y = x[1], Z = x[2];
  if (v == 0) return X * (1 + Y * Y) * (2 - Z * Z) + X * X * X;
  if (v == 1) return Y * Z * Z * Z * (1 + X * X);
  return 1 + X * X + Y * Y * Z * Z;
}
static const int par_sym[3][3] = {{-1, 1, 1}, {1, -1, -1}, {1, 1, 1}};

static double f_sin(const double x[3], int v) {
  (void)v;
  return sin(2 * PI * x[0] + 0.3) * sin(2 * PI * x[1] + 1.1) * cos(2 * PI * x[2]);
}

/* E = x / r^3 (variables 0-2) and x^2 (variable 3). */
static double f_charge(const double x[3], int v) {
  if (v == 3) return x[0] * x[0];
  double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
  return x[v] / (r * r * r);
}
static const int par_charge[4][3] = {{-1, 1, 1}, {1, -1, 1}, {1, 1, -1}, {1, 1, 1}};

/* ---- interpolation ---- */

static unsigned long long lcg_state;
static double uniform(double a, double b) {
  lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return a + (b - a) * (double)(lcg_state >> 11) * 0x1p-53;
}

/* P points: the 8 corners of [plo, phi] then random ones inside (the same list on every rank). */
static void make_points(int P, const double plo[3], const double phi[3], double (*pts)[3]) {
  lcg_state = 12345;
  for (int p = 0; p < P; p++)
    for (int d = 0; d < 3; d++) pts[p][d] = p < 8 ? (p >> d & 1 ? phi[d] : plo[d]) : uniform(plo[d], phi[d]);
}

/* Rank r's share of P points: uneven blocks, and the last rank has none when size > 1. */
static void block(int P, int r, int nr, int *lo, int *hi) {
  long q = nr > 1 ? (long)(nr - 1) * (nr - 1) : 1;
  *lo = (int)(P * (long)r * r / q < P ? P * (long)r * r / q : P);
  *hi = (int)(P * (long)(r + 1) * (r + 1) / q < P ? P * (long)(r + 1) * (r + 1) / q : P);
  if (nr == 1) *hi = P;
}

/* Interpolates all nvar variables of pb at the P points, each rank its block; out (P x nvar) is gathered on
 * every rank. Returns 0 on success. */
static int interp_points(MPI_Comm comm, const problem *pb, const int dims[3], int P, const double (*pts)[3],
                         double *out) {
  int me, nr;
  MPI_Comm_rank(comm, &me);
  MPI_Comm_size(comm, &nr);
  grid g;
  if (grid_make(&g, comm, pb, dims)) return 1;
  int lo, hi, vars[8];
  block(P, me, nr, &lo, &hi);
  for (int v = 0; v < pb->nvar; v++) vars[v] = v;
  aeon_interp *ip = NULL;
  double *mine = malloc(sizeof(double) * (size_t)((hi - lo) * pb->nvar + 1));
  int bad = 0;
  if (aeon_interp_create(&g.m, hi - lo, pts + lo, pb->parity, pb->nvar, &ip)) bad = 1;
  uint64_t nalloc = aeon_mem_get_stats().nalloc;
  if (!bad && aeon_interp_apply(ip, &g.f, pb->nvar, vars, mine)) bad = 1;
  CHECK(bad || aeon_mem_get_stats().nalloc == nalloc, "aeon_interp_apply allocated memory");
  if (bad) aeon_error_print(stderr, 1);
  int *cnt = malloc(sizeof(int) * 2 * (size_t)nr);
  for (int r = 0; r < nr; r++) {
    int a, b;
    block(P, r, nr, &a, &b);
    cnt[r] = (b - a) * pb->nvar;
    cnt[nr + r] = a * pb->nvar;
  }
  MPI_Allgatherv(mine, cnt[me], MPI_DOUBLE, out, cnt, cnt + nr, MPI_DOUBLE, comm);
  free(cnt);
  free(mine);
  aeon_interp_destroy(ip);
  grid_free(&g);
  return bad;
}

/* Largest |interpolated - exact| / max(1, |exact|) over the points and variables. */
static double max_error(const problem *pb, int P, const double (*pts)[3], const double *vals) {
  double e = 0;
  for (int p = 0; p < P; p++)
    for (int v = 0; v < pb->nvar; v++) {
      double want = pb->fn(pts[p], v);
      e = fmax(e, fabs(vals[(size_t)p * pb->nvar + v] - want) / fmax(1.0, fabs(want)));
    }
  return e;
}

/* Rank 0 solves pb alone; the result (P x nvar) is broadcast into ref. */
static void serial_reference(const problem *pb, int P, const double (*pts)[3], double *ref) {
  const int autod[3] = {0, 0, 0};
  if (rank == 0) CHECK(interp_points(MPI_COMM_SELF, pb, autod, P, pts, ref) == 0, "serial interpolation failed");
  MPI_Bcast(ref, P * pb->nvar, MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

/* Interpolates pb on three decompositions; checks the error bound and the bits against rank 0 alone. */
static void check_interp(const char *name, const problem *pb, const double plo[3], const double phi[3], int P,
                         double tol) {
  double (*pts)[3] = malloc(sizeof *pts * (size_t)P);
  make_points(P, plo, phi, pts);
  size_t n = (size_t)P * pb->nvar;
  double *ref = malloc(sizeof(double) * n), *got = malloc(sizeof(double) * n);
  serial_reference(pb, P, (const double (*)[3])pts, ref);
  const int dims[3][3] = {{0, 0, 0}, {size, 1, 1}, {1, 1, size}};
  for (int c = 0; c < 3; c++) {
    CHECK(interp_points(MPI_COMM_WORLD, pb, dims[c], P, (const double (*)[3])pts, got) == 0, "%s: failed", name);
    double err = max_error(pb, P, (const double (*)[3])pts, got);
    CHECK(err <= tol, "%s: error %.3g above %.3g", name, err, tol);
    CHECK(memcmp(got, ref, sizeof(double) * n) == 0, "%s: dims case %d differs from rank 0 alone", name, c);
    if (rank == 0 && c == 0)
      printf("%-28s %d points x %d vars: max error %.3e (bound %.0e), bit-identical to 1 rank\n", name, P,
             pb->nvar, err, tol);
  }
  free(ref);
  free(got);
  free(pts);
}

static void test_polynomials(void) {
  problem rad = {{13, 10, 12}, {-0.7, -1.0, -0.4}, {1.3, 0.9, 0.6}, RAD, 2, 2, f_cubic, NULL};
  check_interp("cubic, radiative, ghost 2", &rad, rad.lo, rad.hi, 408, 1e-13);
  problem sym = {{12, 11, 13}, {0, 0, 0}, {1, 1, 1}, OCT, 3, 3, f_sym, par_sym};
  const double mlo[3] = {-1, -1, -1};
  check_interp("cubic, mirrored, parities", &sym, mlo, sym.hi, 408, 1e-13);
}

/* Max error of f_sin at N^3 (periodic box, points in [-0.5, 1.5]^3 that wrap). */
static double sin_error(long N, double (*pts)[3], int P, double *vals) {
  problem pb = {{N, N, N}, {0, 0, 0}, {1, 1, 1}, PER, 3, 1, f_sin, NULL};
  const int autod[3] = {0, 0, 0};
  CHECK(interp_points(MPI_COMM_WORLD, &pb, autod, P, (const double (*)[3])pts, vals) == 0, "sin N = %ld", N);
  return max_error(&pb, P, (const double (*)[3])pts, vals);
}

static void test_sin_convergence(void) {
  const int P = 500;
  const double plo[3] = {-0.5, -0.5, -0.5}, phi[3] = {1.5, 1.5, 1.5};
  double (*pts)[3] = malloc(sizeof *pts * P), *vals = malloc(sizeof(double) * P);
  make_points(P, plo, phi, pts);
  double e[3];
  for (int r = 0; r < 3; r++) e[r] = sin_error(16L << r, pts, P, vals);
  double o1 = log2(e[0] / e[1]), o2 = log2(e[1] / e[2]);
  if (rank == 0)
    printf("sin, periodic (wrapped)       errors %.3e %.3e %.3e at N = 16, 32, 64: orders %.3f %.3f\n", e[0], e[1],
           e[2], o1, o2);
  CHECK(o1 >= 3.7 && o1 <= 4.3 && o2 >= 3.7 && o2 <= 4.3, "interpolation orders %.3f %.3f not in [3.7, 4.3]", o1,
        o2);
  problem pb = {{16, 16, 16}, {0, 0, 0}, {1, 1, 1}, PER, 3, 1, f_sin, NULL};
  check_interp("sin, periodic, N = 16", &pb, plo, phi, P, 1e-2);
  free(pts);
  free(vals);
}

/* ---- Gauss-Legendre ---- */

static void test_gauss_legendre(void) {
  double x[64], w[64], worst = 0;
  int symmetric = 1;
  for (int n = 1; n <= 64; n++) {
    CHECK(aeon_gauss_legendre(n, x, w) == AEON_OK, "Gauss-Legendre n = %d", n);
    for (int k = 0; k <= 2 * n - 1; k++) { /* exact for x^k up to degree 2n - 1 */
      double s = 0, want = k % 2 ? 0 : 2.0 / (k + 1);
      for (int i = 0; i < n; i++) s += w[i] * pow(x[i], k);
      worst = fmax(worst, fabs(s - want));
    }
    for (int i = 0; i < n; i++)
      symmetric &= x[i] == -x[n - 1 - i] && w[i] == w[n - 1 - i] && (i == 0 || x[i] > x[i - 1]);
  }
  CHECK(worst < 1e-14, "Gauss-Legendre moments off by %.3g", worst);
  CHECK(symmetric, "Gauss-Legendre nodes not symmetric or not ascending");
  CHECK(aeon_gauss_legendre(3, x, w) == AEON_OK && !signbit(x[1]) && x[1] == 0 &&
            fabs(x[2] - sqrt(0.6)) < 2e-16 && fabs(w[1] - 8.0 / 9) < 1e-15 && fabs(w[0] - 5.0 / 9) < 1e-15,
        "Gauss-Legendre n = 3 is not {-sqrt(3/5), 0, sqrt(3/5)} with weights {5, 8, 5}/9");
  CHECK(aeon_gauss_legendre(0, x, w) == AEON_ERR_USER, "Gauss-Legendre accepted n = 0");
  aeon_error_clear();
  if (rank == 0) printf("Gauss-Legendre n = 1..64: moments to degree 2n-1 within %.2e, symmetric\n", worst);
}

/* ---- spheres ---- */

static double one(const double *v, const double x[3], const double n[3], void *ctx) {
  (void)v, (void)x, (void)n, (void)ctx;
  return 1.0;
}
static double flux(const double *v, const double x[3], const double n[3], void *ctx) {
  (void)x, (void)ctx;
  return v[0] * n[0] + v[1] * n[1] + v[2] * n[2];
}
static double flux_exact(const double *v, const double x[3], const double n[3], void *ctx) {
  (void)v, (void)ctx;
  double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
  return (x[0] * n[0] + x[1] * n[1] + x[2] * n[2]) / (r * r * r);
}

typedef struct {
  const double *c;
  double R;
  int ntheta, nv;
  const int *vars;
  aeon_sphere_integrand fn;
} sphere_job;

/* Integrates job over pb's grid on comm; returns 0 on success. Checks that integrate allocates nothing. */
static int sphere_run(MPI_Comm comm, const problem *pb, const sphere_job *job, double *result) {
  const int autod[3] = {0, 0, 0};
  grid g;
  if (grid_make(&g, comm, pb, autod)) return 1;
  aeon_sphere *sp = NULL;
  int bad = aeon_sphere_create(&g.m, job->c, job->R, job->ntheta, pb->parity, &sp) != AEON_OK;
  uint64_t nalloc = aeon_mem_get_stats().nalloc;
  if (!bad) bad = aeon_sphere_integrate(sp, &g.f, job->nv, job->vars, job->fn, NULL, result) != AEON_OK;
  CHECK(bad || aeon_mem_get_stats().nalloc == nalloc, "aeon_sphere_integrate allocated memory");
  if (bad) aeon_error_print(stderr, 1);
  aeon_sphere_destroy(sp);
  grid_free(&g);
  return bad;
}

/* Runs job distributed and on rank 0 alone; checks the bits agree; returns the result. */
static double sphere_checked(const char *name, const problem *pb, const sphere_job *job) {
  double got = NAN, ref = NAN;
  CHECK(sphere_run(MPI_COMM_WORLD, pb, job, &got) == 0, "%s failed", name);
  if (rank == 0) CHECK(sphere_run(MPI_COMM_SELF, pb, job, &ref) == 0, "%s failed on rank 0 alone", name);
  MPI_Bcast(&ref, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  double all[2] = {got, -got}, ext[2];
  MPI_Allreduce(all, ext, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  CHECK(memcmp(&got, &ref, sizeof got) == 0, "%s: %a on %d ranks, %a on 1", name, got, size, ref);
  CHECK(ext[0] == got && -ext[1] == got, "%s: ranks disagree", name);
  return got;
}

static const double c_off[3] = {0.1, -0.05, 0.08};

static void test_sphere_exact(void) {
  problem full = {{32, 32, 32}, {-1, -1, -1}, {1, 1, 1}, RAD, 3, 4, f_charge, par_charge};
  const int vx2[1] = {3};
  const double R = 0.6;
  sphere_job area = {c_off, R, 8, 0, NULL, one}, x2 = {c_off, R, 8, 1, vx2, NULL};
  double a = sphere_checked("area", &full, &area), ea = fabs(a / (4 * PI * R * R) - 1);
  double s = sphere_checked("x^2", &full, &x2), want = 4 * PI * R * R * (c_off[0] * c_off[0] + R * R / 3);
  double es = fabs(s / want - 1);
  if (rank == 0) printf("sphere area 4 pi R^2: rel. error %.2e; integral of x^2: rel. error %.2e\n", ea, es);
  CHECK(ea <= 1e-12, "area %.17g, want %.17g", a, 4 * PI * R * R);
  CHECK(es <= 1e-10, "integral of x^2 %.17g, want %.17g", s, want);
  sphere_job fe = {c_off, R, 40, 0, NULL, flux_exact};
  double fx = sphere_checked("analytic flux", &full, &fe), ef = fabs(fx / (4 * PI) - 1);
  if (rank == 0) printf("flux of x/r^3 (analytic integrand, ntheta 40): rel. error %.2e\n", ef);
  CHECK(ef <= 1e-10, "analytic flux %.17g, want 4 pi", fx);
}

/* Largest |interpolated - exact| of variables 0-2 at the nodes of a sphere (node set used with a plan of its own);
 * also checks the node set: xyz = center + radius * normal, |normal| = 1, weights summing to 4 pi. */
static double node_error(const problem *pb, const double c[3], double R, int ntheta) {
  const int autod[3] = {0, 0, 0}, vars[3] = {0, 1, 2};
  grid g;
  aeon_sphere *sp = NULL;
  aeon_interp *ip = NULL;
  CHECK(grid_make(&g, MPI_COMM_WORLD, pb, autod) == 0 &&
            aeon_sphere_create(&g.m, c, R, ntheta, pb->parity, &sp) == AEON_OK, "node set");
  const aeon_sphere_nodes *nd = aeon_sphere_get_nodes(sp);
  double *out = malloc(sizeof(double) * 3 * (size_t)(nd->nlocal + 1)), e = 0, geo = 0, wsum = 0;
  CHECK(aeon_interp_create(&g.m, nd->nlocal, nd->xyz + nd->first, pb->parity, 3, &ip) == AEON_OK &&
            aeon_interp_apply(ip, &g.f, 3, vars, out) == AEON_OK, "interpolation at the nodes");
  for (int k = 0; k < nd->nlocal; k++)
    for (int v = 0; v < 3; v++) e = fmax(e, fabs(out[3 * k + v] - pb->fn(nd->xyz[nd->first + k], v)));
  for (int q = 0; q < nd->count; q++) {
    const double *n = nd->normal[q];
    for (int d = 0; d < 3; d++) geo = fmax(geo, fabs(nd->xyz[q][d] - (c[d] + R * n[d])));
    geo = fmax(geo, fabs(n[0] * n[0] + n[1] * n[1] + n[2] * n[2] - 1));
    wsum += nd->weight[q];
  }
  CHECK(nd->count == 2 * ntheta * ntheta && geo < 1e-15 && fabs(wsum - 4 * PI) < 1e-12,
        "node set: %d nodes, geometry off by %.3g, weights sum to %.17g", nd->count, geo, wsum);
  MPI_Allreduce(MPI_IN_PLACE, &e, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  free(out);
  aeon_interp_destroy(ip);
  aeon_sphere_destroy(sp);
  grid_free(&g);
  return e;
}

/* The flux of E interpolated from the grid at N = 24, 48, 96. Its error falls faster than h^4 here (the mean
 * h^4 term of the interpolation error, proportional to the flux of (d_x^4 E_x, d_y^4 E_y, d_z^4 E_z), nearly
 * cancels for a point charge), so the test asks for at least 4th order, and exactly 4th order from the
 * pointwise error at the nodes. ntheta = 240 resolves the grid's cells at N = 96 (node spacing < h / 2). */
static void test_flux_convergence(void) {
  const int vE[3] = {0, 1, 2}, nt = 240;
  sphere_job job = {c_off, 0.6, nt, 3, vE, flux};
  double e[3], en[3];
  for (int r = 0; r < 3; r++) {
    long N = 24L << r;
    problem full = {{N, N, N}, {-1, -1, -1}, {1, 1, 1}, RAD, 3, 3, f_charge, par_charge};
    double fx = NAN;
    if (r == 0) fx = sphere_checked("grid flux", &full, &job);
    else CHECK(sphere_run(MPI_COMM_WORLD, &full, &job, &fx) == 0, "grid flux N = %ld", N);
    e[r] = fabs(fx / (4 * PI) - 1);
    en[r] = node_error(&full, c_off, 0.6, nt);
  }
  double o1 = log2(e[0] / e[1]), o2 = log2(e[1] / e[2]), n1 = log2(en[0] / en[1]), n2 = log2(en[1] / en[2]);
  if (rank == 0) {
    printf("flux of x/r^3 from the grid:  rel. errors %.3e %.3e %.3e at N = 24, 48, 96: orders %.3f %.3f\n",
           e[0], e[1], e[2], o1, o2);
    printf("E at the %d sphere nodes:  max errors %.3e %.3e %.3e: orders %.3f %.3f\n", 2 * nt * nt, en[0], en[1],
           en[2], n1, n2);
  }
  CHECK(o1 >= 3.7 && o2 >= 3.7, "flux orders %.3f %.3f below 3.7", o1, o2);
  CHECK(n1 >= 3.7 && n1 <= 4.3 && n2 >= 3.7 && n2 <= 4.3, "node error orders %.3f %.3f not in [3.7, 4.3]", n1, n2);
}

static double sin_exact(const double *v, const double x[3], const double n[3], void *ctx) {
  (void)v, (void)n, (void)ctx;
  return f_sin(x, 0);
}

/* The integral of the interpolated f_sin over a sphere (wrapping around the periodic box) against the same
 * quadrature of the exact f_sin: 4th order (the mean h^4 error term is 3 (2 pi)^4 11/720 h^4 times the
 * integral, which is not small here). */
static void test_sin_sphere(void) {
  const double c[3] = {0.2, 0.075, 0.0};
  const int v0[1] = {0};
  sphere_job grid_job = {c, 0.15, 48, 1, v0, NULL}, exact_job = {c, 0.15, 48, 0, NULL, sin_exact};
  double e[3], want = NAN;
  for (int r = 0; r < 3; r++) {
    long N = 16L << r;
    problem pb = {{N, N, N}, {0, 0, 0}, {1, 1, 1}, PER, 3, 1, f_sin, NULL};
    double got = NAN;
    if (r == 0) want = sphere_checked("sin sphere, exact", &pb, &exact_job);
    if (r == 0) got = sphere_checked("sin sphere, grid", &pb, &grid_job);
    else CHECK(sphere_run(MPI_COMM_WORLD, &pb, &grid_job, &got) == 0, "sin sphere N = %ld", N);
    e[r] = fabs(got / want - 1);
  }
  double o1 = log2(e[0] / e[1]), o2 = log2(e[1] / e[2]);
  if (rank == 0)
    printf("sphere integral of sin field: rel. errors %.3e %.3e %.3e at N = 16, 32, 64: orders %.3f %.3f\n", e[0],
           e[1], e[2], o1, o2);
  CHECK(o1 >= 3.7 && o1 <= 4.3 && o2 >= 3.7 && o2 <= 4.3, "sin sphere orders %.3f %.3f not in [3.7, 4.3]", o1, o2);
}

static void test_octant(void) {
  problem full = {{32, 32, 32}, {-1, -1, -1}, {1, 1, 1}, RAD, 3, 4, f_charge, par_charge};
  problem oct = {{16, 16, 16}, {0, 0, 0}, {1, 1, 1}, OCT, 3, 4, f_charge, par_charge};
  const int vE[3] = {0, 1, 2}, vx2[1] = {3};
  const double c0[3] = {0, 0, 0};
  const sphere_job jobs[3] = {
      {c0, 0.5, 16, 3, vE, flux}, {c_off, 0.6, 16, 3, vE, flux}, {c_off, 0.6, 16, 1, vx2, NULL}};
  const char *names[3] = {"flux, centred", "flux, off-centre", "x^2, off-centre"};
  for (int k = 0; k < 3; k++) {
    double a = sphere_checked(names[k], &full, &jobs[k]), b = sphere_checked(names[k], &oct, &jobs[k]);
    double rel = fabs(a - b) / fabs(a);
    if (rank == 0) printf("octant vs full box, %-17s %.17g vs %.17g: rel. diff %.2e\n", names[k], b, a, rel);
    CHECK(rel <= 1e-12, "octant %s %.17g, full %.17g", names[k], b, a);
  }
}

/* Expects err to be a user error on every rank whose message contains want. */
static void expect_refusal(const char *what, aeon_err err, const char *want) {
  const char *msg = aeon_error_message();
  int ok = err == AEON_ERR_USER && strstr(msg, want) != NULL, all;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  CHECK(ok, "%s: rank %d got code %d, message '%s', want '%s'", what, rank, (int)err, msg, want);
  if (rank == 0 && all) printf("refused %-26s %s\n", what, msg);
  aeon_error_clear();
}

static void test_refusals(void) {
  const int autod[3] = {0, 0, 0};
  problem full = {{16, 16, 16}, {-1, -1, -1}, {1, 1, 1}, RAD, 3, 4, f_charge, par_charge};
  problem oct = {{12, 12, 12}, {0, 0, 0}, {1, 1, 1}, OCT, 3, 4, f_charge, par_charge};
  grid g, go;
  CHECK(grid_make(&g, MPI_COMM_WORLD, &full, autod) == 0 && grid_make(&go, MPI_COMM_WORLD, &oct, autod) == 0,
        "grids");
  aeon_sphere *sp = NULL;
  const double c[3] = {0.5, 0, 0}, c0[3] = {0, 0, 0};
  expect_refusal("sphere leaving the box", aeon_sphere_create(&g.m, c, 0.6, 8, par_charge, &sp),
                 "sphere radius 0.6 about (0.5, 0, 0) leaves the domain [-1, 1] x [-1, 1] x [-1, 1]");
  expect_refusal("sphere beyond the mirror", aeon_sphere_create(&go.m, c0, 1.2, 8, par_charge, &sp),
                 "sphere radius 1.2 about (0, 0, 0) leaves the domain [0, 1] x [0, 1] x [0, 1]");
  CHECK(sp == NULL, "a refused sphere was returned");
  /* The last rank alone asks for a point outside: every rank fails with its message. */
  const double bad[1][3] = {{1.5, 0.2, 0}};
  aeon_interp *ip = NULL;
  char want[200];
  snprintf(want, sizeof want, "interpolation point 0 (1.5, 0.2, 0) of rank %d is outside the domain [-1, 1] x "
           "[-1, 1] x [-1, 1]", size - 1);
  expect_refusal("point outside the box", aeon_interp_create(&g.m, rank == size - 1, bad, NULL, 1, &ip), want);
  const double mir[1][3] = {{-0.5, 0.2, 0.3}};
  expect_refusal("mirror without parities", aeon_interp_create(&go.m, rank == 0, mir, NULL, 1, &ip),
                 "parity = NULL");
  const int vars[3] = {0, 1, 2};
  double out[3];
  if (aeon_interp_create(&go.m, rank == 0, mir, par_charge, 2, &ip) == AEON_OK)
    expect_refusal("too many variables", aeon_interp_apply(ip, &go.f, 3, vars, out), "at most 2 (nvar_max)");
  else
    CHECK(0, "mirrored point refused: %s", aeon_error_message());
  aeon_interp_destroy(ip);
  ip = NULL;
  g.m.ghost = 1; /* a mesh described with one ghost layer */
  expect_refusal("one ghost layer", aeon_interp_create(&g.m, 0, NULL, NULL, 1, &ip), "ghost >= 2 (it has 1)");
  g.m.ghost = 3;
  grid_free(&g);
  grid_free(&go);
}

/* Time of create and of one integrate for a sphere of ntheta 32 on a 64^3 grid (max over ranks). */
static void report_timing(void) {
  problem full = {{64, 64, 64}, {-1, -1, -1}, {1, 1, 1}, RAD, 3, 3, f_charge, par_charge};
  const int autod[3] = {0, 0, 0}, vE[3] = {0, 1, 2};
  grid g;
  CHECK(grid_make(&g, MPI_COMM_WORLD, &full, autod) == 0, "grid");
  aeon_sphere *sp = NULL;
  double t0 = MPI_Wtime(), res;
  CHECK(aeon_sphere_create(&g.m, c_off, 0.6, 32, par_charge, &sp) == AEON_OK, "sphere");
  double t1 = MPI_Wtime();
  const int reps = 20;
  for (int k = 0; k < reps; k++) CHECK(aeon_sphere_integrate(sp, &g.f, 3, vE, flux, NULL, &res) == AEON_OK, "int");
  double t[2] = {t1 - t0, (MPI_Wtime() - t1) / reps}, tm[2];
  MPI_Reduce(t, tm, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0)
    printf("timing, %d ranks: sphere of %d nodes: create %.2f ms, integrate (3 vars) %.3f ms\n", size,
           aeon_sphere_get_nodes(sp)->count, 1e3 * tm[0], 1e3 * tm[1]);
  aeon_sphere_destroy(sp);
  grid_free(&g);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  test_gauss_legendre();
  test_polynomials();
  test_sin_convergence();
  test_sphere_exact();
  test_flux_convergence();
  test_sin_sphere();
  test_octant();
  test_refusals();
  report_timing();
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s\n", all ? "FAIL" : "PASS analysis");
  MPI_Finalize();
  return all != 0;
}
