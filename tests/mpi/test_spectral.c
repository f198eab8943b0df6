/* ranks: 1 2 3 4 */
/* Spectral plans and solves on FFTW-MPI. On mesh decompositions of a non-cubic
 * box: x blocks (the plan takes x slabs, FFTW order (x, z, y): a local
 * transpose, nothing sent), y blocks (y slabs), z blocks split unlike FFTW's
 * ceil(N/P) block, x-y blocks, the automatic grid, and each forced slab
 * direction against blocks it does not match (permuted moves with messages): forward + inverse returns the
 * input to 1e-14; a manufactured periodic Poisson and Helmholtz solution to
 * 1e-12; the gradient and Laplacian of a band-limited field to 1e-12; the
 * projection has spectral divergence at round-off and is idempotent; the 2/3
 * mask keeps exactly the low modes; a single mode's energy lands in its octave
 * band (also on an octave edge). Cosine (x, even), half-complex (y) and sine
 * (z, odd) transforms on a box with symmetry faces: round trip, Poisson,
 * Helmholtz and Laplacian of a manufactured solution; the sine/cosine choice made from a field descriptor's parity
 * (K_xz: sine in x and z) against a manufactured solution of that parity. Then wisdom across runs (miss and file written,
 * hit from the file after forgetting, a corrupt file ignored with a warning and
 * rebuilt, the Tier3 record), the loom's rows and regime shift, the plan
 * cache, the deck's spectral section, and the refusals: non-periodic box, non-zero-mean right-hand side, an unplannable
 * grid, wisdom-only without wisdom, a bad Helmholtz coefficient. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aeon/layout.h"
#include "aeon/memory.h"
#include "aeon/spectral.h"
#include "mpicheck.h"

static int rank, size;
static const double TWO_PI = 6.283185307179586;

static int ok(aeon_err e) {
  if (e) aeon_error_print(stderr, 1);
  return e == AEON_OK;
}

/* A periodic mesh of N points on [xmin, xmax) with the given process-grid dims (0 = automatic). */
static int make_mesh(const long N[3], const int dims[3], aeon_mesh *m, aeon_par *par) {
  static const double lo[3] = {-0.5, 0.25, 0}, len[3] = {1.0, 2.0, 1.5};
  memset(m, 0, sizeof *m);
  for (int d = 0; d < 3; d++) {
    m->N[d] = N[d];
    m->xmin[d] = lo[d];
    m->xmax[d] = lo[d] + len[d];
    m->dx[d] = len[d] / (double)N[d];
  }
  m->ghost = 2;
  const int periodic[3] = {1, 1, 1};
  return ok(aeon_par_create(MPI_COMM_WORLD, dims, periodic, N, par)) && ok(aeon_mesh_setup_patch(m, par));
}

typedef double (*field_fn)(const double x[3], const double L[3], int v);

/* Fills variables 0..nvar-1 of a with fn at the cell centres. */
static void fill(const aeon_mesh *m, aeon_array *a, int nvar, field_fn fn) {
  double L[3] = {m->xmax[0] - m->xmin[0], m->xmax[1] - m->xmin[1], m->xmax[2] - m->xmin[2]};
  for (int v = 0; v < nvar; v++)
    for (int k = a->box.lo[2]; k < a->box.hi[2]; k++)
      for (int j = a->box.lo[1]; j < a->box.hi[1]; j++)
        for (int i = a->box.lo[0]; i < a->box.hi[0]; i++) {
          double x[3] = {m->xmin[0] + (i + 0.5) * m->dx[0], m->xmin[1] + (j + 0.5) * m->dx[1],
                         m->xmin[2] + (k + 0.5) * m->dx[2]};
          *aeon_array_at(a, v, i, j, k) = fn(x, L, v);
        }
}

/* Returns max |a_v - fn_v| / max |fn_v| over variables 0..nvar-1 and all ranks (fn NULL: max |a_v|, unscaled). */
static double rel_err(const aeon_mesh *m, const aeon_array *a, int nvar, field_fn fn) {
  double L[3] = {m->xmax[0] - m->xmin[0], m->xmax[1] - m->xmin[1], m->xmax[2] - m->xmin[2]};
  double mx[2] = {0, 0}, all[2];
  for (int v = 0; v < nvar; v++)
    for (int k = a->box.lo[2]; k < a->box.hi[2]; k++)
      for (int j = a->box.lo[1]; j < a->box.hi[1]; j++)
        for (int i = a->box.lo[0]; i < a->box.hi[0]; i++) {
          double x[3] = {m->xmin[0] + (i + 0.5) * m->dx[0], m->xmin[1] + (j + 0.5) * m->dx[1],
                         m->xmin[2] + (k + 0.5) * m->dx[2]};
          double want = fn ? fn(x, L, v) : 0.0, got = *aeon_array_at(a, v, i, j, k);
          mx[0] = fmax(mx[0], fabs(got - want));
          mx[1] = fmax(mx[1], fabs(want));
        }
  MPI_Allreduce(mx, all, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return fn ? all[0] / all[1] : all[0];
}

/* Returns max |a_v - b_v| / max |b_v| over the arrays' variables 0..nvar-1 and all ranks. */
static double rel_diff(const aeon_array *a, const aeon_array *b, int nvar) {
  double mx[2] = {0, 0}, all[2];
  for (int v = 0; v < nvar; v++)
    for (int k = a->box.lo[2]; k < a->box.hi[2]; k++)
      for (int j = a->box.lo[1]; j < a->box.hi[1]; j++)
        for (int i = a->box.lo[0]; i < a->box.hi[0]; i++) {
          double p = *aeon_array_at(a, v, i, j, k), q = *aeon_array_at(b, v, i, j, k);
          mx[0] = fmax(mx[0], fabs(p - q));
          mx[1] = fmax(mx[1], fabs(q));
        }
  MPI_Allreduce(mx, all, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return all[0] / all[1];
}

/* Wave vectors of the manufactured solution: (mode numbers, amplitude, phase). */
static const double MODES[4][5] = {
  {1, 0, 0, 1.0, 0.3}, {2, 1, -1, 0.5, 1.1}, {0, 3, 2, 0.25, -0.7}, {-3, -2, 4, 0.125, 2.0}};

/* phi (v = 0), its gradient (v = 1..3) and Laplacian (v = 4) of a sum of band-limited cosines. */
static double manufactured(const double x[3], const double L[3], int v) {
  double r = 0;
  for (int q = 0; q < 4; q++) {
    double k[3], arg = MODES[q][4], k2 = 0;
    for (int d = 0; d < 3; d++) {
      k[d] = TWO_PI * MODES[q][d] / L[d];
      arg += k[d] * x[d];
      k2 += k[d] * k[d];
    }
    double a = MODES[q][3];
    r += v == 0 ? a * cos(arg) : v <= 3 ? -a * k[v - 1] * sin(arg) : -a * k2 * cos(arg);
  }
  return r;
}
static double phi_fn(const double x[3], const double L[3], int v) { return manufactured(x, L, 0); }
static double grad_fn(const double x[3], const double L[3], int v) { return manufactured(x, L, 1 + v); }
static double lap_fn(const double x[3], const double L[3], int v) { return manufactured(x, L, 4); }
static double helm_rhs_fn(const double x[3], const double L[3], int v) {
  return 2.0 * manufactured(x, L, 0) - 0.5 * manufactured(x, L, 4); /* (a - b lap) phi, a = 2, b = 0.5 */
}
static double lap_plus_one(const double x[3], const double L[3], int v) { return manufactured(x, L, 4) + 1e-6; }

/* A rough vector field: every mode present, Nyquist ones included. */
static double rough_fn(const double x[3], const double L[3], int v) {
  double s = sin(1e3 * (x[0] + 1.7 * x[1] + 2.9 * x[2]) + v);
  return s * s * s + 0.1 * v;
}

/* A low mode (kept by the 2/3 rule) plus a high one in x (removed). */
static double low_high_fn(const double x[3], const double L[3], int v) {
  return cos(TWO_PI * 2 * x[0] / L[0]) + 0.5 * sin(TWO_PI * 7 * x[0] / L[0]);
}
static double low_fn(const double x[3], const double L[3], int v) { return cos(TWO_PI * 2 * x[0] / L[0]); }

static int band_mode = 3; /* mode number in x of single_mode */
static double single_mode(const double x[3], const double L[3], int v) {
  return 2.0 * sin(TWO_PI * band_mode * x[0] / L[0] + 0.4);
}

/* Round trip, solves and derivatives on one decomposition with the given slab choice; moves: 1 the blocks must
 * differ from the slabs (some rank sends), -1 they must be the slabs (nothing sent: a local copy or transpose), 0
 * either; want_dir: the slab direction the plan must take (-1: any). */
static void test_decomposition(const long N[3], const int dims[3], aeon_fft_slabs slabs, const char *name, int moves,
                               int want_dir) {
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) {
    CHECK(0, "%s: mesh", name);
    return;
  }
  aeon_spectral *s = NULL;
  aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, 0}, slabs};
  if (!ok(aeon_spectral_create_mesh(&m, &opts, &s))) {
    CHECK(0, "%s: create", name);
    aeon_par_destroy(&par);
    return;
  }
  aeon_spectral_info info = aeon_spectral_get_info(s);
  int slab_differs = 0, any;
  slab_differs = info.to_slab.sent > 0;
  MPI_Allreduce(&slab_differs, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  CHECK(size == 1 || moves <= 0 || any, "%s: the mesh decomposition equals FFTW's slabs: nothing is tested", name);
  CHECK(moves >= 0 || !any, "%s: the blocks are FFTW's slabs, yet %ld doubles were sent on this rank", name,
        info.to_slab.sent);
  CHECK(want_dir < 0 || info.slab_dir == want_dir, "%s: slabs along %c, want %c", name, "xyz"[info.slab_dir],
        "xyz"[want_dir < 0 ? 0 : want_dir]);
  aeon_fields f, g;
  aeon_fields_create(&m, 4, &f);
  aeon_fields_create(&m, 4, &g);
  aeon_array a = aeon_array_of_fields(&m, &f), o = aeon_array_of_fields(&m, &g);

  fill(&m, &a, 1, rough_fn);
  CHECK(ok(aeon_spectral_forward(s, &a)) && ok(aeon_spectral_inverse(s, &o)), "%s: transforms", name);
  double e_rt = rel_diff(&o, &a, 1);
  CHECK(e_rt <= 1e-14, "%s: round trip error %.3e > 1e-14", name, e_rt);

  fill(&m, &a, 1, lap_fn);
  CHECK(ok(aeon_spectral_poisson(s, &a, &o)), "%s: poisson", name);
  double e_p = rel_err(&m, &o, 1, phi_fn);
  CHECK(e_p <= 1e-12, "%s: Poisson error %.3e > 1e-12", name, e_p);

  fill(&m, &a, 1, helm_rhs_fn);
  CHECK(ok(aeon_spectral_helmholtz(s, 2.0, 0.5, &a, &o)), "%s: helmholtz", name);
  double e_h = rel_err(&m, &o, 1, phi_fn);
  CHECK(e_h <= 1e-12, "%s: Helmholtz error %.3e > 1e-12", name, e_h);

  fill(&m, &a, 1, phi_fn);
  CHECK(ok(aeon_spectral_gradient(s, &a, &o)), "%s: gradient", name);
  double e_g = rel_err(&m, &o, 3, grad_fn);
  CHECK(e_g <= 1e-12, "%s: gradient error %.3e > 1e-12", name, e_g);
  CHECK(ok(aeon_spectral_laplacian(s, &a, &o)), "%s: laplacian", name);
  double e_l = rel_err(&m, &o, 1, lap_fn);
  CHECK(e_l <= 1e-12, "%s: Laplacian error %.3e > 1e-12", name, e_l);

  /* projection: divergence at round-off (relative to the divergence before), idempotent, mean kept */
  fill(&m, &a, 3, rough_fn);
  aeon_fields h;
  aeon_fields_create(&m, 3, &h);
  aeon_array p2 = aeon_array_of_fields(&m, &h);
  CHECK(ok(aeon_spectral_divergence(s, &a, &p2)), "%s: divergence", name);
  double div0 = rel_err(&m, &p2, 1, NULL);
  CHECK(ok(aeon_spectral_project(s, &a, &o)), "%s: project", name);
  CHECK(ok(aeon_spectral_divergence(s, &o, &p2)), "%s: divergence", name);
  double div1 = rel_err(&m, &p2, 1, NULL) / div0;
  CHECK(div1 <= 1e-14, "%s: divergence after projection %.3e of before (> 1e-14)", name, div1);
  CHECK(ok(aeon_spectral_project(s, &o, &p2)), "%s: project twice", name);
  double idem = rel_diff(&p2, &o, 3);
  CHECK(idem <= 1e-14, "%s: projection not idempotent: %.3e", name, idem);
  aeon_fields_destroy(&h);

  fill(&m, &a, 1, low_high_fn);
  CHECK(ok(aeon_spectral_dealias(s, &a, &o)), "%s: dealias", name);
  double e_d = rel_err(&m, &o, 1, low_fn);
  CHECK(e_d <= 1e-13, "%s: dealiased field differs from its low mode by %.3e", name, e_d);

  /* bands: k0 = 2 pi / 2 (the longest side, y); x mode 3 has |k|/k0 = 6 (band 2), mode 1 has 2 (band 1, on the edge) */
  const int modes[2] = {3, 1}, want_band[2] = {2, 1};
  for (int t = 0; t < 2; t++) {
    band_mode = modes[t];
    fill(&m, &a, 1, single_mode);
    double E[6];
    CHECK(ok(aeon_spectral_bands(s, &a, 6, E)), "%s: bands", name);
    double rest = 0;
    for (int q = 0; q < 6; q++)
      if (q != want_band[t]) rest += E[q];
    CHECK(fabs(E[want_band[t]] - 1.0) <= 1e-12 && rest <= 1e-25,
          "%s: mode %d: band %d holds %.17g (want 1), others %.3e", name, modes[t], want_band[t], E[want_band[t]], rest);
  }
  if (rank == 0)
    printf("%-26s %ldx%ldx%ld, %d ranks, FFTW order (%c,%c,%c), planes on rank 0: %ld, sent %ld: round trip %.2e, "
           "Poisson %.2e, Helmholtz %.2e, gradient %.2e, Laplacian %.2e, div after projection %.2e, idempotence %.2e, "
           "dealias %.2e\n",
           name, N[0], N[1], N[2], size, "xyz"[info.order[0]], "xyz"[info.order[1]], "xyz"[info.order[2]],
           info.local_slab, info.to_slab.sent, e_rt, e_p, e_h, e_g, e_l, div1, idem, e_d);
  aeon_fields_destroy(&f);
  aeon_fields_destroy(&g);
  aeon_spectral_destroy(s);
  aeon_par_destroy(&par);
}

/* Rank 0 makes a fresh temporary directory; every rank gets its name. */
static void temp_dir(char dir[256]) {
  if (rank == 0) {
    snprintf(dir, 256, "/tmp/aeon_spectral_XXXXXX");
    if (!mkdtemp(dir)) dir[0] = 0;
  }
  MPI_Bcast(dir, 256, MPI_CHAR, 0, MPI_COMM_WORLD);
}

/* Returns 1 if the file starts with FFTW's wisdom header (rank 0 looks, every rank gets the answer). */
static int is_wisdom(const char *path) {
  int yes = 0;
  if (rank == 0) {
    char head[8] = {0};
    FILE *fp = fopen(path, "rb");
    if (fp) {
      yes = fread(head, 1, 7, fp) == 7 && strcmp(head, "(fftw-3") == 0;
      fclose(fp);
    }
  }
  MPI_Bcast(&yes, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return yes;
}

/* Wisdom: a measured plan writes the file; after forgetting, the file gives a hit; a corrupt file is rebuilt. */
static void test_wisdom(const char *dir) {
  const long N[3] = {16, 12, 10};
  const int dims[3] = {0, 0, 0};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) return;
  char path[320];
  snprintf(path, sizeof path, "%s/cache/aeon/fftw-wisdom", dir);
  aeon_tiers *tiers = NULL;
  CHECK(ok(aeon_tiers_create(NULL, &tiers)), "tiers");
  aeon_spectral_opts opts = {AEON_FFT_MEASURE, path, AEON_SPECTRAL_MEAN_REFUSE, tiers, {0, 0, 0}, AEON_FFT_SLABS_AUTO};
  aeon_spectral_info run[3];
  const char *what[3] = {"first run", "second run", "corrupt file"};
  for (int r = 0; r < 3; r++) {
    aeon_spectral_forget_wisdom(); /* a new process */
    if (r == 2 && rank == 0) {
      FILE *fp = fopen(path, "wb");
      if (fp) {
        fputs("(fftw-3.3.10 fftw_wisdom #x3c273403 #x0\n  (fftw_rdft2_vrank_geq1_register 0 #x10 (garbage", fp);
        fclose(fp);
      }
    }
    aeon_spectral *s = NULL;
    CHECK(ok(aeon_spectral_create_mesh(&m, &opts, &s)), "wisdom: %s: create", what[r]);
    if (!s) continue;
    run[r] = aeon_spectral_get_info(s);
    aeon_spectral_destroy(s);
    if (rank == 0)
      printf("wisdom %-13s: plan %.6f s (create %.6f s), file %s, wisdom %s, file %s\n", what[r], run[r].plan_seconds,
             run[r].setup_seconds, run[r].wisdom_loaded > 0 ? "read" : run[r].wisdom_loaded < 0 ? "CORRUPT" : "absent",
             run[r].wisdom_hit == 1 ? "HIT" : "miss (measured)", run[r].wisdom_saved ? "written" : "kept");
  }
  CHECK(run[0].wisdom_loaded == 0 && run[0].wisdom_hit == 0 && run[0].wisdom_saved == 1,
        "first run: loaded %d hit %d saved %d (want 0 0 1)", run[0].wisdom_loaded, run[0].wisdom_hit,
        run[0].wisdom_saved);
  CHECK(run[1].wisdom_loaded == 1 && run[1].wisdom_hit == 1 && run[1].wisdom_saved == 0,
        "second run: loaded %d hit %d saved %d (want 1 1 0)", run[1].wisdom_loaded, run[1].wisdom_hit,
        run[1].wisdom_saved);
  CHECK(run[2].wisdom_loaded == -1 && run[2].wisdom_hit == 0 && run[2].wisdom_saved == 1,
        "corrupt file: loaded %d hit %d saved %d (want -1 0 1)", run[2].wisdom_loaded, run[2].wisdom_hit,
        run[2].wisdom_saved);
  CHECK(is_wisdom(path), "the wisdom file was not rebuilt");
  char key[AEON_TIER_KEY];
  snprintf(key, sizeof key, "fft.16x12x10.p%d.measure", size);
  struct {
    double plan_seconds;
    int32_t hit, effort, ranks, reserved;
  } rec;
  size_t len = 0;
  CHECK(aeon_tiers_get(tiers, key, &rec, sizeof rec, &len) && len == sizeof rec && rec.ranks == size,
        "Tier3 record '%s' missing or wrong", key);
  CHECK(aeon_tiers_count(tiers, 3) == 1, "Tier3 holds %d entries, want 1 (one per shape)", aeon_tiers_count(tiers, 3));
  aeon_tiers_destroy(tiers);

  /* wisdom-only: the shape the file knows plans; another one is refused clearly */
  opts.tiers = NULL;
  opts.effort = AEON_FFT_WISDOM_ONLY;
  aeon_spectral *s = NULL;
  aeon_spectral_forget_wisdom();
  CHECK(ok(aeon_spectral_create_mesh(&m, &opts, &s)) && aeon_spectral_get_info(s).wisdom_hit == 1,
        "wisdom-only with the file's wisdom");
  aeon_spectral_destroy(s);
  aeon_par_destroy(&par);
  const long N2[3] = {18, 12, 10};
  if (!make_mesh(N2, dims, &m, &par)) return;
  s = NULL;
  aeon_err e = aeon_spectral_create_mesh(&m, &opts, &s);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "no FFTW wisdom for a 18 x 12 x 10 grid") && !s,
        "wisdom-only without wisdom: got %d '%s'", (int)e, aeon_error_message());
  if (rank == 0) printf("refused: %s\n", aeon_error_message());
  aeon_error_clear();
  aeon_par_destroy(&par);
}

/* The loom: a row per sample, a shift when the dominant band moves, Tier2 bands. */
static void test_loom(const char *dir) {
  const long N[3] = {16, 8, 8};
  const int dims[3] = {0, 0, 0};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) return;
  aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, 0}, AEON_FFT_SLABS_AUTO};
  aeon_spectral *s = NULL;
  aeon_tiers *tiers = NULL;
  aeon_loom *l = NULL;
  char path[320];
  snprintf(path, sizeof path, "%s/loom.dat", dir);
  aeon_tiers_create(NULL, &tiers);
  if (!ok(aeon_spectral_create_mesh(&m, &opts, &s)) || !ok(aeon_loom_create(MPI_COMM_WORLD, path, 5, 2, 0, tiers, &l))) {
    CHECK(0, "loom setup");
    return;
  }
  aeon_fields f;
  aeon_fields_create(&m, 1, &f);
  aeon_array a = aeon_array_of_fields(&m, &f);
  const int mode[6] = {1, 1, 1, 1, 5, 5}; /* |k|/k0 = 2 (band 1), then 10 (band 3) */
  int shifts = 0, shift_step = -1;
  for (int step = 0; step < 6; step++) {
    band_mode = mode[step];
    fill(&m, &a, 1, single_mode);
    int sh = 0;
    CHECK(ok(aeon_loom_sample(l, s, &a, step, 0.1 * step, &sh)), "loom sample %d", step);
    if (sh) shifts++, shift_step = step;
  }
  CHECK(shifts == 1 && shift_step == 4 && aeon_loom_dominant(l) == 3, "loom: %d shifts (step %d), dominant %d",
        shifts, shift_step, aeon_loom_dominant(l));
  double E[5];
  size_t len = 0;
  CHECK(aeon_tiers_get(tiers, "loom.bands", E, sizeof E, &len) && len == sizeof E && fabs(E[3] - 1) < 1e-12,
        "loom: Tier2 bands missing");
  aeon_loom_destroy(l);
  int rows = 0;
  if (rank == 0) {
    FILE *fp = fopen(path, "r");
    char line[1024];
    while (fp && fgets(line, sizeof line, fp))
      if (line[0] != '#') rows++;
    if (fp) fclose(fp);
    remove(path);
  }
  MPI_Bcast(&rows, 1, MPI_INT, 0, MPI_COMM_WORLD);
  CHECK(rows == 3, "loom: %d rows, want 3 (steps 0, 2, 4)", rows);
  aeon_fields_destroy(&f);
  aeon_tiers_destroy(tiers);
  aeon_spectral_destroy(s);
  aeon_par_destroy(&par);
}

/* Checks that e is AEON_ERR_USER with a message containing want; prints it. */
static void expect_user(aeon_err e, const char *want, const char *what) {
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), want), "%s: got %d '%s', want a user error with '%s'",
        what, (int)e, aeon_error_message(), want);
  if (rank == 0) printf("refused: %s\n", aeon_error_message());
  aeon_error_clear();
}

static void test_refusals(void) {
  const long N[3] = {12, 8, 10};
  const int dims[3] = {0, 0, 0};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) return;
  aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, 0}, AEON_FFT_SLABS_AUTO};
  aeon_spectral *s = NULL;
  m.bc[3] = AEON_BC_SYMMETRY;
  expect_user(aeon_spectral_create_mesh(&m, &opts, &s), "neither periodic nor reflection-symmetric in y (boundary.yhi = symmetry)", "non-periodic");
  m.bc[3] = AEON_BC_PERIODIC;
  CHECK(!s && ok(aeon_spectral_create_mesh(&m, &opts, &s)), "create");
  aeon_fields f, g;
  aeon_fields_create(&m, 1, &f);
  aeon_fields_create(&m, 1, &g);
  aeon_array a = aeon_array_of_fields(&m, &f), o = aeon_array_of_fields(&m, &g);
  fill(&m, &a, 1, lap_plus_one);
  expect_user(aeon_spectral_poisson(s, &a, &o), "has mean 1e-06", "non-zero mean");
  expect_user(aeon_spectral_helmholtz(s, 0.0, 1.0, &a, &o), "needs a > 0", "Helmholtz a = 0");
  expect_user(aeon_spectral_gradient(s, &a, &o), "has 1 variable(s), the operation needs 2", "gradient into 1 var");
  aeon_spectral_destroy(s);
  opts.mean = AEON_SPECTRAL_MEAN_SUBTRACT;
  CHECK(ok(aeon_spectral_create_mesh(&m, &opts, &s)) && ok(aeon_spectral_poisson(s, &a, &o)),
        "subtract mode solves");
  double e = rel_err(&m, &o, 1, phi_fn);
  CHECK(e <= 1e-12, "Poisson with the mean subtracted: error %.3e", e);
  aeon_spectral_destroy(s);
  aeon_fields_destroy(&f);
  aeon_fields_destroy(&g);
  aeon_par_destroy(&par);
  /* a grid with one point in z cannot be transformed */
  const long flat[3] = {8, 8, 1};
  aeon_layout *L = NULL;
  aeon_box mine = {{0, 0, 0}, {rank == 0 ? 8 : 0, 8, 1}};
  const double len[3] = {1, 1, 1};
  CHECK(ok(aeon_layout_create(MPI_COMM_WORLD, flat, &mine, 0, &L)), "flat layout");
  expect_user(aeon_spectral_create(L, len, &opts, &s), "cannot plan an FFT of 1 point(s) in z", "N = 1");
  aeon_layout_destroy(L);
}

/* x even (both faces symmetry), y periodic, z odd: cosine, half-complex and sine transforms. */
static double sym_fn(const double x[3], const double L[3], int v) {
  static const double lo[3] = {-0.5, 0.25, 0}; /* make_mesh's lower corner */
  double X = x[0] - lo[0], Y = x[1] - lo[1], Z = x[2] - lo[2], r = 0;
  static const double T[2][5] = {{2, 1, 3, 1.0, 0.3}, {1, 2, 1, 0.5, -1.0}}; /* mx, my, mz, amplitude, phase */
  for (int q = 0; q < 2; q++) {
    double kx = M_PI * T[q][0] / L[0], ky = TWO_PI * T[q][1] / L[1], kz = M_PI * T[q][2] / L[2];
    double f = T[q][3] * cos(kx * X) * sin(ky * Y + T[q][4]) * sin(kz * Z);
    r += v == 0 ? f : -(kx * kx + ky * ky + kz * kz) * f;
  }
  return r;
}
static double sym_lap_fn(const double x[3], const double L[3], int v) { return sym_fn(x, L, 1); }
static double sym_helm_fn(const double x[3], const double L[3], int v) {
  return 3.0 * sym_fn(x, L, 0) - 0.25 * sym_fn(x, L, 1);
}
static double one_fn(const double x[3], const double L[3], int v) { return 1.0; }

/* Cosine x, periodic y, sine z with FFTW's array in the given order (slabs): round trip, Poisson, Helmholtz,
 * Laplacian, the refusals of a cosine/sine plan. */
static void symmetric_case(aeon_mesh *m, aeon_fft_slabs slabs, aeon_array *a, aeon_array *o) {
  aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, -1}, slabs};
  aeon_spectral *s = NULL;
  if (!ok(aeon_spectral_create_mesh(m, &opts, &s))) {
    CHECK(0, "symmetric plan");
    return;
  }
  aeon_spectral_info in = aeon_spectral_get_info(s);
  fill(m, a, 1, rough_fn);
  CHECK(ok(aeon_spectral_forward(s, a)) && ok(aeon_spectral_inverse(s, o)), "symmetric transforms");
  double e_rt = rel_diff(o, a, 1);
  CHECK(e_rt <= 1e-14, "symmetric round trip error %.3e > 1e-14", e_rt);
  fill(m, a, 1, sym_lap_fn);
  CHECK(ok(aeon_spectral_poisson(s, a, o)), "symmetric poisson");
  double e_p = rel_err(m, o, 1, sym_fn);
  CHECK(e_p <= 1e-12, "symmetric Poisson error %.3e > 1e-12", e_p);
  fill(m, a, 1, sym_helm_fn);
  CHECK(ok(aeon_spectral_helmholtz(s, 3.0, 0.25, a, o)), "symmetric helmholtz");
  double e_h = rel_err(m, o, 1, sym_fn);
  CHECK(e_h <= 1e-12, "symmetric Helmholtz error %.3e > 1e-12", e_h);
  fill(m, a, 1, sym_fn);
  CHECK(ok(aeon_spectral_laplacian(s, a, o)), "symmetric laplacian");
  double e_l = rel_err(m, o, 1, sym_lap_fn);
  CHECK(e_l <= 1e-12, "symmetric Laplacian error %.3e > 1e-12", e_l);
  CHECK(aeon_spectral_coeffs(s).c == NULL, "a cosine/sine plan has no complex coefficients");
  expect_user(aeon_spectral_gradient(s, a, o), "needs a periodic box; this plan uses cosine/sine transforms (symmetry "
              "faces in xz)", "gradient on a symmetric plan");
  aeon_spectral_destroy(s);
  if (rank == 0)
    printf("cosine x, periodic y, sine z %ldx%ldx%ld, %d ranks, FFTW order (%c,%c,%c): round trip %.2e, Poisson %.2e, "
           "Helmholtz %.2e, Laplacian %.2e\n", m->N[0], m->N[1], m->N[2], size, "xyz"[in.order[0]],
           "xyz"[in.order[1]], "xyz"[in.order[2]], e_rt, e_p, e_h, e_l);
}

static void test_symmetric(void) {
  const long N[3] = {12, 10, 9};
  const int dims[3] = {0, 0, 0};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) return;
  m.bc[0] = m.bc[1] = m.bc[4] = m.bc[5] = AEON_BC_SYMMETRY;
  aeon_fields f, g;
  aeon_fields_create(&m, 3, &f);
  aeon_fields_create(&m, 3, &g);
  aeon_array a = aeon_array_of_fields(&m, &f), o = aeon_array_of_fields(&m, &g);
  for (int q = AEON_FFT_SLABS_AUTO; q <= AEON_FFT_SLABS_X; q++) symmetric_case(&m, (aeon_fft_slabs)q, &a, &o);
  aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, -1}, 0};
  aeon_spectral *s = NULL;
  /* even in x and z: a k = 0 mode exists, so a constant right-hand side is refused */
  opts.sym[2] = 1;
  CHECK(ok(aeon_spectral_create_mesh(&m, &opts, &s)), "even plan");
  fill(&m, &a, 1, one_fn);
  expect_user(aeon_spectral_poisson(s, &a, &o), "has mean 1 ", "constant rhs, even directions");
  aeon_spectral_destroy(s);
  aeon_fields_destroy(&f);
  aeon_fields_destroy(&g);
  aeon_par_destroy(&par);
}

/* odd in x and z, periodic in y: the xz component of a symmetric tensor on the box of test_symmetric. */
static double odd_xz_fn(const double x[3], const double L[3], int v) {
  static const double lo[3] = {-0.5, 0.25, 0};
  static const double T[2][5] = {{3, 1, 2, 1.0, 0.4}, {1, 0, 5, 0.5, 0}}; /* mx, my, mz, amplitude, phase */
  double X = x[0] - lo[0], Y = x[1] - lo[1], Z = x[2] - lo[2], r = 0;
  for (int q = 0; q < 2; q++) {
    double kx = M_PI * T[q][0] / L[0], ky = TWO_PI * T[q][1] / L[1], kz = M_PI * T[q][2] / L[2];
    double f = T[q][3] * sin(kx * X) * cos(ky * Y + T[q][4]) * sin(kz * Z);
    r += v == 0 ? f : -(kx * kx + ky * ky + kz * kz) * f;
  }
  return r;
}
static double odd_xz_lap_fn(const double x[3], const double L[3], int v) { return odd_xz_fn(x, L, 1); }

/* Cosine or sine per direction from a field's descriptor (aeon_field_parity): K_xz (odd in x and z) on a box with
 * symmetry faces in x and z is solved to 1e-12 with the sine transforms its parity picks; the scalar's parity
 * (cosine everywhere) is the wrong basis for it and misses by far. */
static void test_field_parity(void) {
  const long N[3] = {12, 10, 9};
  const int dims[3] = {0, 0, 0};
  const aeon_field_desc kxz = {"K_xz", "K", AEON_TENSOR_DD_SYM, 2, AEON_ROLE_EVOLVED, 0, 1, 1};
  const aeon_field_desc scalar = {"phi", NULL, AEON_TENSOR_SCALAR, 0, AEON_ROLE_EVOLVED, 0, 1, 1};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) return;
  m.bc[0] = m.bc[1] = m.bc[4] = m.bc[5] = AEON_BC_SYMMETRY;
  aeon_fields f, g;
  aeon_fields_create(&m, 1, &f);
  aeon_fields_create(&m, 1, &g);
  aeon_array a = aeon_array_of_fields(&m, &f), o = aeon_array_of_fields(&m, &g);
  double err[2] = {0, 0};
  const aeon_field_desc *desc[2] = {&kxz, &scalar};
  for (int q = 0; q < 2; q++) {
    aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_SUBTRACT, NULL, {0, 0, 0}, AEON_FFT_SLABS_AUTO};
    aeon_spectral *s = NULL;
    CHECK(ok(aeon_spectral_sym_from_field(desc[q], &opts)), "parity of %s", desc[q]->name);
    CHECK(opts.sym[0] == (q ? 1 : -1) && opts.sym[1] == 1 && opts.sym[2] == (q ? 1 : -1),
          "%s: sym %d %d %d", desc[q]->name, opts.sym[0], opts.sym[1], opts.sym[2]);
    if (!ok(aeon_spectral_create_mesh(&m, &opts, &s))) {
      CHECK(0, "plan from the parity of %s", desc[q]->name);
      continue;
    }
    fill(&m, &a, 1, odd_xz_lap_fn);
    CHECK(ok(aeon_spectral_poisson(s, &a, &o)), "Poisson with the parity of %s", desc[q]->name);
    err[q] = rel_err(&m, &o, 1, odd_xz_fn);
    aeon_spectral_destroy(s);
  }
  CHECK(err[0] <= 1e-12, "K_xz Poisson with its own parity (sine x, z): error %.3e > 1e-12", err[0]);
  CHECK(err[1] > 1e-3, "K_xz Poisson with the scalar's parity (cosine x, z): error %.3e, expected a miss", err[1]);
  if (rank == 0)
    printf("parity from the descriptor: K_xz (sine x, z; periodic y) Poisson error %.2e; with cosines %.2e\n", err[0],
           err[1]);
  aeon_fields_destroy(&f);
  aeon_fields_destroy(&g);
  aeon_par_destroy(&par);
}

/* The deck's spectral section: declared keys read into options; a bad value refused with the key's name. */
static void test_deck(void) {
  aeon_paramset *ps = NULL;
  aeon_deck *deck = NULL;
  CHECK(ok(aeon_paramset_create(&ps)) && ok(aeon_paramset_add(ps, "spectral", aeon_spectral_params,
                                                               aeon_spectral_nparams)), "paramset");
  const char *text = "spectral:\n  planner: wisdom-only\n  poisson_mean: subtract\n  wisdom_file: /tmp/w\n";
  const char *sets[] = {"spectral.loom_every=5"};
  aeon_spectral_opts o;
  CHECK(ok(aeon_deck_load(text, strlen(text), "deck.yaml", ps, 1, sets, &deck)) &&
            ok(aeon_spectral_opts_from_deck(deck, &o)),
        "deck");
  if (deck)
    CHECK(o.effort == AEON_FFT_WISDOM_ONLY && o.mean == AEON_SPECTRAL_MEAN_SUBTRACT && !strcmp(o.wisdom_file, "/tmp/w") &&
              aeon_deck_int(deck, "spectral.loom_every") == 5,
          "deck options: effort %d mean %d file %s", (int)o.effort, (int)o.mean, o.wisdom_file);
  aeon_deck_destroy(deck);
  deck = NULL;
  const char *bad = "spectral:\n  planner: fastest\n";
  expect_user(aeon_deck_load(bad, strlen(bad), "bad.yaml", ps, 0, NULL, &deck), "spectral.planner", "bad planner");
  aeon_deck_destroy(deck);
  aeon_paramset_destroy(ps);
}

/* The plan cache: the same shape and options give the same plan; another option (mean policy, slab direction),
 * another plan; an unknown slab choice is refused. */
static void test_cache(void) {
  const long N[3] = {8, 6, 10};
  const int dims[3] = {0, 0, 0};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, dims, &m, &par)) return;
  aeon_spectral_cache *c = NULL;
  aeon_spectral *s1 = NULL, *s2 = NULL, *s3 = NULL;
  aeon_spectral_opts opts = {AEON_FFT_ESTIMATE, "none", AEON_SPECTRAL_MEAN_REFUSE, NULL, {0, 0, 0}, AEON_FFT_SLABS_AUTO};
  CHECK(ok(aeon_spectral_cache_create(&c)) && ok(aeon_spectral_cache_get_mesh(c, &m, &opts, &s1)) &&
            ok(aeon_spectral_cache_get_mesh(c, &m, &opts, &s2)),
        "cache get");
  opts.mean = AEON_SPECTRAL_MEAN_SUBTRACT;
  CHECK(ok(aeon_spectral_cache_get_mesh(c, &m, &opts, &s3)), "cache get, other options");
  CHECK(s1 && s1 == s2 && s3 && s3 != s1, "cache: plans %p %p %p (want the first two equal, the third new)",
        (void *)s1, (void *)s2, (void *)s3);
  aeon_spectral *s4 = NULL, *s5 = NULL;
  opts.slabs = AEON_FFT_SLABS_X; /* another FFTW array order: another plan */
  CHECK(ok(aeon_spectral_cache_get_mesh(c, &m, &opts, &s4)) && ok(aeon_spectral_cache_get_mesh(c, &m, &opts, &s5)),
        "cache get, x slabs");
  CHECK(s4 && s4 == s5 && s4 != s3 && s4 != s1 && aeon_spectral_get_info(s4).slab_dir == 0,
        "cache: the x-slab plan %p %p must be new and kept", (void *)s4, (void *)s5);
  opts.slabs = (aeon_fft_slabs)7;
  expect_user(aeon_spectral_cache_get_mesh(c, &m, &opts, &s5), "unknown slab choice 7", "cache: bad slab choice");
  opts.slabs = AEON_FFT_SLABS_AUTO;
  m.bc[0] = AEON_BC_RADIATIVE;
  expect_user(aeon_spectral_cache_get_mesh(c, &m, &opts, &s3), "boundary.xlo = radiative", "cache: non-periodic");
  aeon_spectral_cache_destroy(c);
  aeon_par_destroy(&par);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  aeon_mem_stats start = aeon_mem_get_stats();
  const long N[3] = {20, 16, 18}, Nz[3] = {20, 16, 10}, Nodd[3] = {15, 12, 9};
  const int xonly[3] = {0, 1, 1}, yonly[3] = {1, 0, 1}, zonly[3] = {1, 1, 0}, automatic[3] = {0, 0, 0};
  const int xy[3] = {0, 0, 1};
  const int one = size == 1, x = one ? -1 : 0, y = one ? -1 : 1; /* on one rank every order keeps all: z wins */
  /* x blocks: 20 planes 10,10 / 7,7,6 / 5,5,5,5 as FFTW splits them: x slabs, FFTW order (x, z, y), a local transpose */
  test_decomposition(N, xonly, AEON_FFT_SLABS_AUTO, "x blocks", -1, x);
  /* y blocks: 16 planes 8,8 / 6,5,5 / 4,4,4,4 against FFTW's 8,8 / 6,6,4 / 4,4,4,4: y slabs, order (y, z, x) */
  test_decomposition(N, yonly, AEON_FFT_SLABS_AUTO, "y blocks", size == 3 ? 0 : -1, y);
  test_decomposition(Nz, zonly, AEON_FFT_SLABS_AUTO, "z blocks unlike FFTW", size > 2, -1); /* 10 planes: 4,3,3 / 3,3,2,2 vs FFTW 4,4,2 / 3,3,3,1 */
  test_decomposition(Nodd, automatic, AEON_FFT_SLABS_AUTO, "odd sizes", 0, -1);
  test_decomposition(N, xy, AEON_FFT_SLABS_AUTO, "xy blocks", 0, -1);
  /* every forced order against blocks it does not match: permuted moves with messages */
  test_decomposition(N, xonly, AEON_FFT_SLABS_Z, "x blocks, z slabs", 1, 2);
  test_decomposition(N, yonly, AEON_FFT_SLABS_X, "y blocks, x slabs", 1, 0);
  test_decomposition(Nz, zonly, AEON_FFT_SLABS_X, "z blocks, x slabs", 1, 0);
  test_decomposition(Nodd, xonly, AEON_FFT_SLABS_Y, "odd sizes, x blocks, y slabs", 1, 1);
  test_decomposition(Nodd, zonly, AEON_FFT_SLABS_X, "odd sizes, z blocks, x slabs", 1, 0);
  char dir[256];
  temp_dir(dir);
  CHECK(dir[0], "temporary directory");
  if (dir[0]) {
    test_wisdom(dir);
    test_loom(dir);
  }
  test_refusals();
  test_cache();
  test_symmetric();
  test_field_parity();
  test_deck();
  aeon_mem_stats end = aeon_mem_get_stats();
  CHECK(end.bytes_live == start.bytes_live, "leak: %llu bytes live at the end",
        (unsigned long long)(end.bytes_live - start.bytes_live));
  if (rank == 0 && dir[0]) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
  }
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s spectral (%d ranks)\n", all ? "FAIL" : "PASS", size);
  MPI_Finalize();
  return all != 0;
}
