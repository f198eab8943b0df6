/* Spectral benchmark: one periodic Poisson solve (aeon_spectral_poisson: the mean
 * check, block -> slab redistribution, r2c, multiplier, c2r, slab -> block) on a
 * mesh of N^3 points, side by side with the bare
 * FFTW-MPI forward + inverse transforms (in place, transposed, same planner
 * flags, on FFTW's own slab buffer) of the same grid in the same run. Bare and
 * solve repetitions alternate so that a loaded machine slows both alike; each
 * reports the best and the median time (max over ranks). Also: planning time and
 * whether the wisdom file already knew the shape (a second run must say hit),
 * the redistribution's share, Aeon's forward + inverse alone (redistribution
 * and normalisation included), and the solve's error against the manufactured
 * solution. Then, alternating with those too, Aeon's geometric multigrid on the
 * same rhs and mesh (2nd-order 7-point Laplacian, periodic, zero-mean rhs): one
 * FMG pass (reaches the discretisation error) and a full solve (FMG, then
 * V-cycles, red-black Gauss-Seidel 2 + 2, to 1e-10 relative residual), with
 * their errors against the manufactured solution (mean removed). Times are wall
 * seconds and CPU seconds of the process (max over ranks; the CPU figure is the
 * one a loaded machine disturbs least). Prints one JSON object per line.
 * Usage: mpirun -n P bench_spectral [N ...] [--reps R] [--planner estimate|measure|patient]
 * [--grid xy|x|y|z|auto] [--slabs auto|x|y|z] [--bare-huge] [--no-mg]. Default N = 128, R = 9, planner measure,
 * grid xy: the process grid splits x and y (z whole; on 2 ranks 1 x 2 x 1); x, y, z: that direction split only;
 * auto: Aeon's automatic grid (1 x 1 x 2 on 2 ranks). The plan's slabs follow the split (--slabs auto: FFTW's array
 * order (z, y, x), (y, z, x) or, for x blocks, (x, z, y), so a one-direction split moves nothing between ranks);
 * --slabs z|y|x forces an order (x blocks with z slabs: (P-1)/P of the points change rank each way, the case
 * before the order followed the split). The bare transforms are FFTW-MPI's N x N x N r2c + c2r of a cube, the same
 * plan shape whatever the order (printed as "order"). --bare-huge: the bare transforms' buffer from a huge-page pool like Aeon's slab buffers, instead
 * of fftw_alloc (separates the effect of huge pages from the rest). Wisdom in the user's cache file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fftw3-mpi.h>

#include "aeon/elliptic.h"
#include "aeon/layout.h"
#include "aeon/memory.h"
#include "aeon/reduce.h"
#include "aeon/spectral.h"

static int rank, size;

/* Max over ranks of a local time. */
static double tmax(double t) {
  double all;
  MPI_Allreduce(&t, &all, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return all;
}

/* This process's CPU seconds (not inflated by other processes on a loaded machine). */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Times one call of what (wall and CPU, max over ranks) after a barrier. */
#define TIMED(wall, cpu, what)            \
  do {                                    \
    MPI_Barrier(MPI_COMM_WORLD);          \
    double w_ = MPI_Wtime(), c_ = cpu_now(); \
    what;                                 \
    c_ = cpu_now() - c_;                  \
    w_ = MPI_Wtime() - w_;                \
    (wall) = tmax(w_);                    \
    (cpu) = tmax(c_);                     \
  } while (0)

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The median of n times (sorts them). */
static double median(double *t, int n) {
  qsort(t, (size_t)n, sizeof *t, cmp_double);
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* phi = sin(2 pi x) cos(4 pi y) sin(6 pi z) on the unit box; its Laplacian is -56 pi^2 phi. */
static double phi_at(const aeon_mesh *m, long i, long j, long k) {
  double x = (i + 0.5) * m->dx[0], y = (j + 0.5) * m->dx[1], z = (k + 0.5) * m->dx[2];
  return sin(2 * M_PI * x) * cos(4 * M_PI * y) * sin(6 * M_PI * z);
}

static int bare_huge; /* --bare-huge: the bare transforms' buffer in a huge-page pool, as Aeon's slab buffers are */
static int no_mg;     /* --no-mg: leave the multigrid comparison out */

/* Multigrid on the bench's mesh: -lap u = -rhs (A = -lap, 7-point), rhs copied from the spectral solve's. */
typedef struct mg_case {
  aeon_ell_op *op;
  aeon_mg *mg;
  aeon_fields f; /* b, u */
  aeon_gvec b, u;
  aeon_mg_result res;
} mg_case;

/* Builds the operator, the hierarchy (FMG then V-cycles, RB-GS 2 + 2, rtol 1e-10) and b = -rhs. */
static aeon_err mg_setup(const aeon_mesh *m, const aeon_array *rhs, mg_case *c) {
  aeon_ell_spec spec = aeon_ell_spec_default(AEON_ELL_LAPLACIAN2);
  aeon_mg_opts o;
  aeon_mg_opts_default(&o);
  o.cycle = AEON_MG_FMG;
  o.rtol = 1e-10;
  aeon_box in = {{0, 0, 0}, {m->n[0], m->n[1], m->n[2]}};
  AE_CHK(aeon_ell_op_create(m, &spec, &c->op));
  AE_CHK(aeon_mg_create(c->op, &o, &c->mg));
  AE_CHK(aeon_fields_create(m, 2, &c->f));
  AE_CHK(aeon_gvec_view_fields(m, &c->f, &in, m->par->cart, &c->b));
  c->b.nvar = 1;
  c->u = c->b;
  c->u.data = c->f.data + c->f.stride;
  const aeon_box *bx = &rhs->box;
  for (long k = bx->lo[2]; k < bx->hi[2]; k++)
    for (long j = bx->lo[1]; j < bx->hi[1]; j++)
      for (long i = bx->lo[0]; i < bx->hi[0]; i++)
        c->f.data[aeon_idx(m, (int)(i - m->off[0]), (int)(j - m->off[1]), (int)(k - m->off[2]))] =
            -*aeon_array_at(rhs, 0, i, j, k);
  return AEON_OK;
}

/* Max over the mesh of |u - mean(u) - phi| (the operator fixes u up to a constant; the mean is summed exactly). */
static aeon_err mg_error(const aeon_mesh *m, mg_case *c, double *err) {
  aeon_xsum acc;
  aeon_xsum_init(&acc);
  const double *u = c->u.data;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) aeon_xsum_add(&acc, u[aeon_idx(m, i, j, k)]);
  AE_CHK(aeon_xsum_allreduce(&acc, 1, m->par->cart));
  double mean = aeon_xsum_value(&acc) / ((double)m->N[0] * (double)m->N[1] * (double)m->N[2]), e = 0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++)
        e = fmax(e, fabs(u[aeon_idx(m, i, j, k)] - mean - phi_at(m, m->off[0] + i, m->off[1] + j, m->off[2] + k)));
  AE_MPI(MPI_Allreduce(&e, err, 1, MPI_DOUBLE, MPI_MAX, m->par->cart));
  return AEON_OK;
}

static void mg_teardown(mg_case *c) {
  aeon_mg_destroy(c->mg);
  aeon_ell_op_destroy(c->op);
  if (c->f.data) aeon_fields_destroy(&c->f);
}

/* Process grids: x and y split (z whole), one direction split only, or Aeon's automatic grid. */
enum { GRID_XY = 0, GRID_X = 1, GRID_AUTO = 2, GRID_Y = 3, GRID_Z = 4 };

static void bench(long n, int reps, aeon_fft_effort effort, int grid, aeon_fft_slabs slabs) {
  static const unsigned flags_of[] = {FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT, FFTW_EXHAUSTIVE, FFTW_MEASURE};
  static const char *names[] = {"estimate", "measure", "patient", "exhaustive", "wisdom-only"};
  const long N[3] = {n, n, n};
  static const int grid_dims[5][3] = {{0, 0, 1}, {0, 1, 1}, {0, 0, 0}, {1, 0, 1}, {1, 1, 0}};
  const int *dims = grid_dims[grid], periodic[3] = {1, 1, 1};
  aeon_mesh m;
  aeon_par par;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) m.N[d] = n, m.xmax[d] = 1, m.dx[d] = 1.0 / (double)n;
  m.ghost = 2;
  if (aeon_par_create(MPI_COMM_WORLD, dims, periodic, N, &par) || aeon_mesh_setup_patch(&m, &par)) {
    aeon_error_print(stderr, 1);
    return;
  }
  aeon_spectral_opts opts = {effort, NULL, AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, 0}, slabs};
  aeon_spectral *s = NULL;
  if (aeon_spectral_create_mesh(&m, &opts, &s)) {
    aeon_error_print(stderr, 1);
    aeon_par_destroy(&par);
    return;
  }
  aeon_spectral_info info = aeon_spectral_get_info(s);
  aeon_fields f;
  aeon_fields_create(&m, 2, &f);
  aeon_array a = aeon_array_of_fields(&m, &f), rhs = a, phi = a;
  rhs.nvar = phi.nvar = 1;
  phi.data = f.data + f.stride;
  for (long k = a.box.lo[2]; k < a.box.hi[2]; k++)
    for (long j = a.box.lo[1]; j < a.box.hi[1]; j++)
      for (long i = a.box.lo[0]; i < a.box.hi[0]; i++)
        *aeon_array_at(&rhs, 0, i, j, k) = -56 * M_PI * M_PI * phi_at(&m, i, j, k);

  /* the bare transforms: FFTW's own slabs and buffer, the same flags (the plan comes from the wisdom just made) */
  ptrdiff_t n0, s0, n1, s1, alloc = fftw_mpi_local_size_3d_transposed(n, n, n / 2 + 1, MPI_COMM_WORLD, &n0, &s0, &n1, &s1);
  aeon_pagepool *pool = NULL;
  double *buf = NULL;
  if (bare_huge && !aeon_pagepool_create(sizeof(double) * (2 * (size_t)alloc + 2), 1, 1, &pool))
    aeon_pagepool_get(pool, (void **)&buf);
  else buf = fftw_alloc_real(2 * (size_t)alloc + 2);
  unsigned fl = flags_of[effort];
  double tp = MPI_Wtime();
  fftw_plan fwd = fftw_mpi_plan_dft_r2c_3d(n, n, n, buf, (fftw_complex *)buf, MPI_COMM_WORLD, fl | FFTW_MPI_TRANSPOSED_OUT);
  fftw_plan inv = fftw_mpi_plan_dft_c2r_3d(n, n, n, (fftw_complex *)buf, buf, MPI_COMM_WORLD, fl | FFTW_MPI_TRANSPOSED_IN);
  double bare_plan = tmax(MPI_Wtime() - tp);
  for (ptrdiff_t p = 0; p < 2 * alloc; p++) buf[p] = sin(0.001 * (double)p);

  /* the redistribution alone, both ways, onto FFTW's slabs in the plan's array order (the slab layout's x, y, z are
   * the mesh's order[2], order[1], order[0]; FFTW's counts are those of a cube) */
  aeon_layout *block = NULL, *slab = NULL;
  aeon_redist *there = NULL, *back = NULL;
  const int to_fftw[3] = {info.order[2], info.order[1], info.order[0]};
  int to_mesh[3];
  for (int c = 0; c < 3; c++) to_mesh[to_fftw[c]] = c;
  aeon_layout_from_mesh(&m, &block);
  aeon_layout_slabs_local(aeon_layout_comm(block), N, 2, (long)n0, (long)s0, &slab);
  aeon_redist_create_perm(block, slab, to_fftw, 1, &there);
  aeon_redist_create_perm(slab, block, to_mesh, 1, &back);
  aeon_array sv = aeon_array_compact(slab, 1, buf);
  sv.sy = 2 * (n / 2 + 1);
  sv.sz = sv.sy * n;

  double *t_bare = malloc(sizeof(double) * (size_t)reps), *t_solve = malloc(sizeof(double) * (size_t)reps);
  double *t_redist = malloc(sizeof(double) * (size_t)reps), cpu[4] = {1e30, 1e30, 1e30, 1e30}, c, w, fft_best = 1e30;
  double *c_med = malloc(sizeof(double) * 4 * (size_t)reps); /* CPU seconds per repetition: bare, solve, redist, fft */
  double *t_mg = malloc(sizeof(double) * 4 * (size_t)reps); /* wall and CPU per repetition: solve, FMG pass */
  double *t_fmg = t_mg + reps, *c_mg = t_mg + 2 * reps, *c_fmg = t_mg + 3 * reps, fmg_err = -1, mg_err = -1;
  mg_case mgc;
  memset(&mgc, 0, sizeof mgc);
  aeon_err e = aeon_spectral_poisson(s, &rhs, &phi); /* warm-up */
  if (!e && !no_mg) e = mg_setup(&m, &rhs, &mgc);
  fftw_execute(fwd);
  fftw_execute(inv);
  for (int r = 0; r < reps && !e; r++) {
    TIMED(t_bare[r], c, fftw_execute(fwd); fftw_execute(inv));
    cpu[0] = fmin(cpu[0], c_med[r] = c);
    TIMED(t_solve[r], c, e = aeon_spectral_poisson(s, &rhs, &phi));
    cpu[1] = fmin(cpu[1], c_med[reps + r] = c);
    TIMED(w, c, if (!e) e = aeon_spectral_forward(s, &rhs); if (!e) e = aeon_spectral_inverse(s, &phi));
    cpu[3] = fmin(cpu[3], c_med[3 * reps + r] = c);
    fft_best = fmin(fft_best, w);
    TIMED(t_redist[r], c, aeon_redist_apply(there, &a, &sv); aeon_redist_apply(back, &sv, &phi));
    cpu[2] = fmin(cpu[2], c_med[2 * reps + r] = c);
    if (!e) e = aeon_spectral_poisson(s, &rhs, &phi); /* phi was overwritten by the redistribution's copy */
    /* MULTIGRID COMPARISON: one FMG pass, then a full solve from zero, alternating with the solves above */
    if (!e && !no_mg) {
      TIMED(t_fmg[r], c_fmg[r], e = aeon_mg_cycle(mgc.mg, &mgc.b, &mgc.u));
      if (!e && r == reps - 1) e = mg_error(&m, &mgc, &fmg_err);
      if (!e) e = aeon_gvec_const(0, &mgc.u);
      if (!e) TIMED(t_mg[r], c_mg[r], e = aeon_mg_solve(mgc.mg, &mgc.b, &mgc.u, &mgc.res));
      if (!e && r == reps - 1) e = mg_error(&m, &mgc, &mg_err);
    }
  }
  if (e) aeon_error_print(stderr, 1);
  double err = 0, all_err;
  for (long k = a.box.lo[2]; k < a.box.hi[2]; k++)
    for (long j = a.box.lo[1]; j < a.box.hi[1]; j++)
      for (long i = a.box.lo[0]; i < a.box.hi[0]; i++)
        err = fmax(err, fabs(*aeon_array_at(&phi, 0, i, j, k) - phi_at(&m, i, j, k)));
  MPI_Allreduce(&err, &all_err, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  double bare_best = t_bare[0], solve_best = t_solve[0], red_best = t_redist[0];
  for (int r = 1; r < reps; r++) {
    bare_best = fmin(bare_best, t_bare[r]);
    solve_best = fmin(solve_best, t_solve[r]);
    red_best = fmin(red_best, t_redist[r]);
  }
  double bare_med = median(t_bare, reps), solve_med = median(t_solve, reps), red_med = median(t_redist, reps);
  double cm[4], mgb[4] = {1e30, 1e30, 1e30, 1e30}, mgm[4]; /* best, median: solve wall, FMG wall, solve CPU, FMG CPU */
  for (int q = 0; q < 4; q++) cm[q] = median(c_med + q * reps, reps);
  for (int q = 0; q < 4 && !no_mg; q++) {
    for (int r = 0; r < reps; r++) mgb[q] = fmin(mgb[q], t_mg[q * reps + r]);
    mgm[q] = median(t_mg + q * reps, reps);
  }
  if (rank == 0 && !e) {
    printf("{\"bench\":\"spectral_plan\",\"n\":%ld,\"ranks\":%d,\"grid\":\"%dx%dx%d\",\"planner\":\"%s\","
           "\"slabs\":\"%c\",\"order\":\"(%c,%c,%c)\",\"bare\":\"%ld^3 r2c+c2r, transposed, in place (same shape)\","
           "\"to_slab_sent\":%ld,\"bare_buffer\":\"%s\",\"plan_s\":%.4f,\"create_s\":%.4f,\"wisdom_file\":\"%s\",\"wisdom\":\"%s\",\"wisdom_saved\":%d,"
           "\"bare_plan_s\":%.4f}\n",
           n, size, par.dims[0], par.dims[1], par.dims[2], names[effort], "xyz"[info.slab_dir],
           "xyz"[info.order[0]], "xyz"[info.order[1]], "xyz"[info.order[2]], n, info.to_slab.sent,
           bare_huge ? "huge-page pool" : "fftw_alloc", info.plan_seconds, info.setup_seconds,
           info.wisdom_loaded > 0 ? "read" : info.wisdom_loaded < 0 ? "corrupt" : "absent",
           info.wisdom_hit == 1 ? "hit" : info.wisdom_hit == 0 ? "miss" : "none", info.wisdom_saved, bare_plan);
    printf("{\"bench\":\"spectral_poisson\",\"n\":%ld,\"ranks\":%d,\"reps\":%d,\"bare_fft_s\":%.5f,\"solve_s\":%.5f,"
           "\"ratio\":%.3f,\"bare_fft_median_s\":%.5f,\"solve_median_s\":%.5f,\"ratio_median\":%.3f,"
           "\"redist_both_ways_s\":%.5f,\"redist_median_s\":%.5f,\"bare_fft_cpu_s\":%.5f,\"solve_cpu_s\":%.5f,"
           "\"ratio_cpu\":%.3f,\"redist_cpu_s\":%.5f,\"aeon_fft_s\":%.5f,\"aeon_fft_cpu_s\":%.5f,\"bare_cpu_median_s\":%.5f,"
           "\"solve_cpu_median_s\":%.5f,\"ratio_cpu_median\":%.3f,\"redist_cpu_median_s\":%.5f,\"aeon_fft_cpu_median_s\":%.5f,"
           "\"max_error\":%.3e",
           n, size, reps, bare_best, solve_best, solve_best / bare_best, bare_med, solve_med, solve_med / bare_med,
           red_best, red_med, cpu[0], cpu[1], cpu[1] / cpu[0], cpu[2], fft_best, cpu[3], cm[0], cm[1], cm[1] / cm[0], cm[2],
           cm[3], all_err);
    if (no_mg) printf(",\"mg_solve_s\":null,\"mg_solve_median_s\":null,\"mg_ratio\":null}\n");
    else
      printf(",\"mg_method\":\"FMG then V(2,2) RB-GS, 7-point, rtol 1e-10\",\"mg_solve_s\":%.5f,"
             "\"mg_solve_median_s\":%.5f,\"mg_ratio\":%.2f,\"mg_ratio_median\":%.2f,\"mg_solve_cpu_s\":%.5f,"
             "\"mg_cycles\":%d,\"mg_rel_residual\":%.2e,\"mg_max_error\":%.3e,\"fmg_s\":%.5f,\"fmg_median_s\":%.5f,"
             "\"fmg_cpu_s\":%.5f,\"fmg_max_error\":%.3e}\n",
             mgb[0], mgm[0], mgb[0] / solve_best, mgm[0] / solve_med, mgb[2], mgc.res.cycles,
             mgc.res.rnorm0 > 0 ? mgc.res.rnorm / mgc.res.rnorm0 : 0.0, mg_err, mgb[1], mgm[1], mgb[3], fmg_err);
  }
  mg_teardown(&mgc);
  free(t_mg);
  free(t_bare);
  free(t_solve);
  free(t_redist);
  free(c_med);
  aeon_redist_destroy(there);
  aeon_redist_destroy(back);
  aeon_layout_destroy(slab);
  aeon_layout_destroy(block);
  fftw_destroy_plan(fwd);
  fftw_destroy_plan(inv);
  if (pool) aeon_pagepool_destroy(pool);
  else fftw_free(buf);
  aeon_fields_destroy(&f);
  aeon_spectral_destroy(s);
  aeon_par_destroy(&par);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long ns[8];
  int nn = 0, reps = 9, grid = GRID_XY;
  aeon_fft_effort effort = AEON_FFT_MEASURE;
  aeon_fft_slabs slabs = AEON_FFT_SLABS_AUTO;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = atoi(argv[++i]);
    else if (strcmp(argv[i], "--grid") == 0 && i + 1 < argc) {
      const char *g = argv[++i];
      grid = strcmp(g, "auto") == 0 ? GRID_AUTO : strcmp(g, "x") == 0 ? GRID_X : strcmp(g, "y") == 0 ? GRID_Y
             : strcmp(g, "z") == 0 ? GRID_Z : GRID_XY;
    } else if (strcmp(argv[i], "--slabs") == 0 && i + 1 < argc) {
      const char *g = argv[++i];
      slabs = g[0] == 'x' ? AEON_FFT_SLABS_X : g[0] == 'y' ? AEON_FFT_SLABS_Y : g[0] == 'z' ? AEON_FFT_SLABS_Z
              : AEON_FFT_SLABS_AUTO;
    }
    else if (strcmp(argv[i], "--bare-huge") == 0) bare_huge = 1;
    else if (strcmp(argv[i], "--no-mg") == 0) no_mg = 1;
    else if (strcmp(argv[i], "--planner") == 0 && i + 1 < argc) {
      const char *p = argv[++i];
      effort = strcmp(p, "estimate") == 0 ? AEON_FFT_ESTIMATE : strcmp(p, "patient") == 0 ? AEON_FFT_PATIENT
                                                                                         : AEON_FFT_MEASURE;
    } else if (nn < 8) ns[nn++] = atol(argv[i]);
  }
  if (!nn) ns[nn++] = 128;
  if (reps < 1) reps = 1;
  for (int i = 0; i < nn; i++) bench(ns[i], reps, effort, grid, slabs);
  MPI_Finalize();
  return 0;
}
