/* ranks: 1 2 4 */
/* The semi-discrete evolution operator of a deck (aeon_sim_linop) under the
 * eigensolver, on the wave module. Analytic spectrum of a fully periodic grid:
 * the 4th-order Laplacian (-f[-2] + 16 f[-1] - 30 f + 16 f[1] - f[2]) / 12h^2
 * has the symbol -mu, mu(k) = sum_d (5/2 - 8/3 cos t_d + 1/6 cos 2t_d) / h_d^2
 * with t_d = k_d h_d (k_d h_d = 2 pi j / N_d), and Kreiss-Oliger dissipation
 * eps / (64 h) D6 has the symbol -eps sin^6(t/2) / h (D6 gives (2i sin(t/2))^6),
 * so each mode of (u, pi) gives the eigenvalues -delta(k) +- i c sqrt(mu(k)),
 * delta(k) = eps sum_d sin^6(t_d/2) / h_d.
 * Checks: (0) the rk4 and rk2 stability functions are exp's Taylor
 * polynomials and their real-axis limits are 2.7853 and 2; (1) on a 6 x 6 x 4
 * grid with dissipation the dense matrix of the operator (built column by
 * column) has exactly that spectrum (dgeev, all 288 eigenvalues, 1e-10; the
 * mode k = 0 is a defective double 0: u = const, pi = 0); (2) on 12 x 10 x 8 without dissipation the nev = 8
 * eigenvalues of largest magnitude match it to 1e-8 relative, none of larger
 * magnitude is skipped, and the largest stable dt of rk4 is 2 sqrt(2) /
 * max |lambda| to 1e-6 (rk2 is unstable on the imaginary axis); (3) with
 * dissipation they match too and have real part <= 1e-10 |lambda|; (4) the
 * finite-difference Jacobian path (at the plane-wave initial data) matches to
 * 1e-6; (5) one rk4 step of the simulation equals rk4 with the operator's
 * applications on a deck with symmetry and radiative faces (same ghost
 * handling); (6) the size from the deck alone matches, and a mesh too big
 * for the vector layout is refused. */
#include <complex.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aeon/eigs.h"
#include "aeon/memory.h"
#include "aeon/sim.h"
#include "aeon/stepper.h"

#include "mpicheck.h"

static int rank;

static const char *periodic_deck =
  "physics: wave\n"
  "grid: {n: [12, 10, 8], xmin: [0, 0, 0], xmax: [1, 1, 1]}\n"
  "wave: {solution: plane, k: [1, 1, 0], speed: 1.5}\n"
  "time: {integrator: rk4, cfl: 0.25}\n";

static const char *pulse_deck =
  "physics: wave\n"
  "grid: {n: [12, 12, 8], xmin: [0, 0, 0], xmax: [2, 2, 1.5]}\n"
  "boundary: {xlo: symmetry, ylo: symmetry, zlo: symmetry, xhi: radiative, yhi: radiative, zhi: radiative}\n"
  "wave: {solution: gaussian, width: 0.4, center: [0, 0, 0], dissipation: 0.1}\n";

/* The simulation of deck with overrides, writing nothing. */
static aeon_sim *make_sim(const char *deck, int nset, const char **sets) {
  aeon_sim_options opt = {.no_files = 1, .quiet = 1};
  aeon_sim *sim = NULL;
  aeon_err e = aeon_sim_create(MPI_COMM_WORLD, deck, strlen(deck), "evolution.yaml", nset, sets, &opt, &sim);
  CHECK(e == AEON_OK, "sim: %s", aeon_error_message());
  return e ? NULL : sim;
}

/* The 2 N0 N1 N2 eigenvalues -delta(k) +- i c sqrt(mu(k)) over the grid's Fourier modes; returns their number. */
static int analytic(const aeon_mesh *m, double c, double eps, double complex *lam) {
  int n = 0;
  for (long a = 0; a < m->N[0]; a++)
    for (long b = 0; b < m->N[1]; b++)
      for (long k = 0; k < m->N[2]; k++) {
        long j[3] = {a, b, k};
        double mu = 0, delta = 0;
        for (int d = 0; d < 3; d++) {
          double t = 2 * M_PI * (double)j[d] / (double)m->N[d], h = m->dx[d], s = sin(t / 2);
          mu += (16.0 / 3 * s * s - 1.0 / 3 * sin(t) * sin(t)) / (h * h); /* = 5/2 - 8/3 cos t + 1/6 cos 2t */
          delta += eps * pow(s, 6) / h;
        }
        lam[n++] = CMPLX(-delta, c * sqrt(mu));
        lam[n++] = CMPLX(-delta, -c * sqrt(mu));
      }
  return n;
}

/* Index of the analytic eigenvalue nearest to z. */
static int nearest(const double complex *lam, int n, double complex z) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (cabs(lam[i] - z) < cabs(lam[best] - z)) best = i;
  return best;
}

/* Checks the computed eigenvalues against the analytic ones: each within rel of one, and, as the nev of largest
 * magnitude, every analytic value of larger magnitude than the smallest computed one present, none more often than
 * its multiplicity. Returns the largest relative error. */
static double match(const char *what, const aeon_eigs_result *r, const double complex *lam, int n, double rel) {
  double worst = 0, smallest = HUGE_VAL;
  int *hits = calloc((size_t)n, sizeof *hits);
  for (int t = 0; t < r->nev; t++) {
    double complex z = CMPLX(r->re[t], r->im[t]);
    int i = nearest(lam, n, z);
    double err = cabs(lam[i] - z) / cabs(lam[i]);
    worst = fmax(worst, err);
    smallest = fmin(smallest, cabs(lam[i]));
    CHECK(err < rel, "%s: eigenvalue %d = %.15g%+.15gi, analytic %.15g%+.15gi (rel. error %.2e)", what, t, r->re[t],
          r->im[t], creal(lam[i]), cimag(lam[i]), err);
    for (int j = 0; j < n; j++) hits[j] += cabs(lam[j] - lam[i]) <= 1e-9 * cabs(lam[i]); /* its copies */
  }
  for (int j = 0; j < n; j++) {
    int mult = 0;
    for (int i = 0; i < n; i++) mult += cabs(lam[i] - lam[j]) <= 1e-9 * cabs(lam[j]);
    CHECK(hits[j] <= mult, "%s: %.15g%+.15gi returned %d times, multiplicity %d", what, creal(lam[j]), cimag(lam[j]),
          hits[j], mult);
    CHECK(hits[j] > 0 || cabs(lam[j]) <= smallest * (1 + 1e-9), "%s: skipped %.15g%+.15gi (|lambda| %.15g > %.15g)",
          what, creal(lam[j]), cimag(lam[j]), cabs(lam[j]), smallest);
  }
  free(hits);
  return worst;
}

static double max_abs(const double complex *lam, int n) {
  double m = 0;
  for (int i = 0; i < n; i++) m = fmax(m, cabs(lam[i]));
  return m;
}

/* nev eigenvalues of largest magnitude of the deck's operator (difference: the finite-difference Jacobian). */
static aeon_err solve(aeon_sim *sim, int difference, double tol, aeon_eigs_result *r) {
  aeon_linop op;
  aeon_err e = aeon_sim_linop(sim, difference, &op);
  CHECK(e == AEON_OK, "linop: %s", aeon_error_message());
  if (e) return e;
  aeon_eigs_opts o = aeon_eigs_defaults();
  o.nev = 8;
  o.ncv = 40;
  o.tol = tol;
  e = aeon_eigs(&op, &o, r);
  CHECK(e == AEON_OK, "eigs: %s", aeon_error_message());
  aeon_linop_destroy(&op);
  return e;
}

/* (1) The dense matrix of the operator on a tiny grid against the whole analytic spectrum. */
static void dense_spectrum(void) {
  const char *sets[] = {"grid.n=[6, 6, 4]", "wave.dissipation=0.3"};
  aeon_sim *sim = make_sim(periodic_deck, 2, sets);
  aeon_linop op;
  if (!sim || aeon_sim_linop(sim, 0, &op)) {
    CHECK(0, "dense: %s", aeon_error_message());
    aeon_sim_destroy(sim);
    return;
  }
  int n = (int)op.n, nl = (int)op.nlocal, size, *counts, *displs;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  counts = calloc((size_t)size, sizeof *counts);
  displs = calloc((size_t)size + 1, sizeof *displs);
  MPI_Allgather(&nl, 1, MPI_INT, counts, 1, MPI_INT, MPI_COMM_WORLD);
  for (int p = 0; p < size; p++) displs[p + 1] = displs[p] + counts[p];
  double *x = calloc((size_t)nl + 1, sizeof *x), *y = calloc((size_t)nl + 1, sizeof *y);
  double *a = calloc((size_t)n * n, sizeof *a), *re = calloc((size_t)n, sizeof *re);
  double *im = calloc((size_t)n, sizeof *im);
  for (int j = 0; j < n; j++) { /* column j: A e_j */
    if (j >= op.offset && j < op.offset + nl) x[j - op.offset] = 1;
    op.apply(op.ctx, x, y);
    if (j >= op.offset && j < op.offset + nl) x[j - op.offset] = 0;
    MPI_Gatherv(y, nl, MPI_DOUBLE, a + (size_t)j * n, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  }
  if (rank == 0) {
    double complex *lam = calloc((size_t)n, sizeof *lam);
    CHECK(analytic(aeon_sim_mesh(sim), 1.5, 0.3, lam) == n, "dense: operator size %d", n);
    CHECK(aeon_dense_eigvals(n, a, 0, re, im) == AEON_OK, "dgeev: %s", aeon_error_message());
    double worst = 0, zero = 0, amax = max_abs(lam, n);
    for (int i = 0; i < n; i++) { /* each dgeev eigenvalue takes the nearest analytic one not yet taken */
      int best = -1;
      double complex z = CMPLX(re[i], im[i]);
      for (int k = 0; k < n; k++)
        if (!isnan(creal(lam[k])) && (best < 0 || cabs(lam[k] - z) < cabs(lam[best] - z))) best = k;
      double err = cabs(lam[best] - z);
      if (cabs(lam[best]) > 0) worst = fmax(worst, err / cabs(lam[best]));
      else zero = fmax(zero, err / amax);
      lam[best] = CMPLX(NAN, 0);
    }
    printf("dense 6x6x4, dissipation 0.3: all %d eigenvalues vs analytic: max rel. error %.2e (the defective 0: %.1e "
           "of max |lambda|)\n", n, worst, zero);
    CHECK(worst < 1e-10, "dense: spectrum differs from the analytic one by %.2e", worst);
    CHECK(zero < 1e-6, "dense: the double eigenvalue 0 came out as %.2e max |lambda|", zero);
    free(lam);
  }
  free(x), free(y), free(a), free(re), free(im), free(counts), free(displs);
  aeon_linop_destroy(&op);
  aeon_sim_destroy(sim);
}

/* (2)-(4) The largest eigenvalues on 12 x 10 x 8, and the stable dt of rk4 and rk2. */
static void largest(const char *what, double eps, int difference, double tol, double rel) {
  char diss[64];
  snprintf(diss, sizeof diss, "wave.dissipation=%g", eps);
  const char *sets[] = {diss};
  aeon_sim *sim = make_sim(periodic_deck, 1, sets);
  aeon_eigs_result r;
  if (!sim || solve(sim, difference, tol, &r)) {
    aeon_sim_destroy(sim);
    return;
  }
  const aeon_mesh *m = aeon_sim_mesh(sim);
  int n = 2 * (int)(m->N[0] * m->N[1] * m->N[2]);
  double complex *lam = calloc((size_t)n, sizeof *lam);
  analytic(m, 1.5, eps, lam);
  double worst = match(what, &r, lam, n, rel), lmax = 0, remax = -HUGE_VAL, amax = max_abs(lam, n);
  for (int t = 0; t < r.nev; t++) {
    lmax = fmax(lmax, hypot(r.re[t], r.im[t]));
    remax = fmax(remax, r.re[t] / hypot(r.re[t], r.im[t]));
  }
  CHECK(remax <= (difference ? rel : 1e-10), "%s: real part %.3e |lambda| > %g |lambda|", what, remax,
        difference ? rel : 1e-10);
  const aeon_rk_method *rk4 = aeon_rk_find("rk4"), *rk2 = aeon_rk_find("rk2");
  double dt4 = aeon_rk_max_stable_dt(rk4, r.nev, r.re, r.im), want = 2 * sqrt(2) / amax;
  if (rank == 0)
    printf("%-34s max |lambda| %.15g (analytic %.15g, rel. %.1e), worst rel. error %.2e, max Re/|lambda| %.1e, "
           "%ld applications; rk4 dt %.12g",
           what, lmax, amax, fabs(lmax - amax) / amax, worst, remax, r.applies, dt4);
  CHECK(fabs(lmax - amax) <= rel * amax, "%s: max |lambda| %.15g, analytic %.15g", what, lmax, amax);
  if (eps == 0) {
    if (rank == 0) printf(" (2 sqrt 2 / max |lambda| %.12g, rel. %.1e)", want, fabs(dt4 - want) / want);
    CHECK(fabs(dt4 - want) <= 1e-6 * want, "%s: rk4 stable dt %.15g, want 2 sqrt(2) / max |lambda| = %.15g", what,
          dt4, want);
    double g2 = aeon_rk_amplification(rk2, 0.5 / amax, r.nev, r.re, r.im);
    CHECK(g2 > 1 + 1e-3, "%s: rk2 at dt |lambda| = 0.5 grows by %.15g, want 1 + (1/2)^4 / 8", what, g2);
  }
  if (rank == 0) printf("\n");
  CHECK(aeon_rk_amplification(rk4, 0.999 * dt4, r.nev, r.re, r.im) <= 1 + AEON_RK_STABILITY_SLACK &&
            aeon_rk_amplification(rk4, 1.001 * dt4, r.nev, r.re, r.im) > 1 + AEON_RK_STABILITY_SLACK,
        "%s: rk4 dt %.15g is not the edge of stability", what, dt4);
  free(lam);
  aeon_eigs_result_free(&r);
  aeon_sim_destroy(sim);
}

/* The evolved points of f in the operator's order: variable, z, y, x. */
static void pack(const aeon_mesh *m, const aeon_fields *f, double *x) {
  const aeon_box *b = &m->evolved;
  for (int v = 0; v < f->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) *x++ = aeon_var(f, v)[aeon_idx(m, i, j, k)];
}

/* (5) One rk4 step of the simulation against rk4 written with the operator, on symmetry and radiative faces. */
static void step_matches(void) {
  aeon_sim *sim = make_sim(pulse_deck, 0, NULL);
  aeon_linop op;
  if (!sim || aeon_sim_linop(sim, 0, &op)) {
    CHECK(0, "step: %s", aeon_error_message());
    aeon_sim_destroy(sim);
    return;
  }
  long nl = op.nlocal;
  double *u = calloc((size_t)nl + 1, sizeof *u), *k = calloc((size_t)nl + 1, sizeof *k);
  double *y = calloc((size_t)nl + 1, sizeof *y), *u1 = calloc((size_t)nl + 1, sizeof *u1), dt = aeon_sim_dt(sim);
  const double a[4] = {0, 0.5, 0.5, 1}, b[4] = {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6};
  pack(aeon_sim_mesh(sim), aeon_sim_fields(sim), u);
  memcpy(y, u, (size_t)nl * sizeof *u);
  memcpy(u1, u, (size_t)nl * sizeof *u);
  for (int s = 0; s < 4; s++) {
    op.apply(op.ctx, y, k);
    for (long i = 0; i < nl; i++) {
      u1[i] += b[s] * dt * k[i];
      if (s < 3) y[i] = u[i] + a[s + 1] * dt * k[i];
    }
  }
  CHECK(aeon_sim_step(sim) == AEON_OK, "step: %s", aeon_error_message());
  pack(aeon_sim_mesh(sim), aeon_sim_fields(sim), y);
  double diff = 0, big = 0, all[2];
  for (long i = 0; i < nl; i++) {
    diff = fmax(diff, fabs(y[i] - u1[i]));
    big = fmax(big, fabs(u1[i]));
  }
  double mine[2] = {diff, big};
  MPI_Allreduce(mine, all, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0)
    printf("rk4 step via the operator vs aeon_sim_step (symmetry + radiative, n = %ld): max diff %.2e of %.3g\n", op.n,
           all[0], all[1]);
  CHECK(all[0] <= 1e-13 * all[1], "step: the operator's rk4 step differs from the simulation's by %.3e (max %.3e)",
        all[0], all[1]);
  free(u), free(k), free(y), free(u1);
  aeon_linop_destroy(&op);
  aeon_sim_destroy(sim);
}

/* (6) Sizes from the deck alone: the operator's, including radiative ghosts; a mesh too big for the layout. */
static void sizes(void) {
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  aeon_sim_opsize sz;
  CHECK(aeon_sim_linop_size(pulse_deck, strlen(pulse_deck), "pulse.yaml", size, &sz) == AEON_OK, "size: %s",
        aeon_error_message());
  aeon_sim *sim = make_sim(pulse_deck, 0, NULL);
  aeon_linop op;
  if (sim && aeon_sim_linop(sim, 0, &op) == AEON_OK) {
    long most;
    MPI_Allreduce(&op.nlocal, &most, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    CHECK(sz.n == (double)op.n && op.n == 2 * 15 * 15 * 11 && sz.nlocal_max == (double)most && sz.nvar == 2,
          "size: deck says n %.0f, largest rank %.0f; the operator has %ld, %ld", sz.n, sz.nlocal_max, op.n, most);
    aeon_linop_destroy(&op);
  }
  aeon_sim_destroy(sim);
  const char *huge = "physics: wave\ngrid: {n: [2048, 2048, 1024]}\n";
  aeon_err e = aeon_sim_linop_size(huge, strlen(huge), "huge.yaml", size, &sz);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "too big for the eigensolver's vector layout"),
        "huge deck: %d %s", e, aeon_error_message());
  aeon_error_clear();
}

/* (0) The stability functions from the tableaux: the Taylor polynomials of exp, and the real-axis limits. */
static void rk_polynomials(void) {
  const aeon_rk_method *rk4 = aeon_rk_find("rk4"), *rk2 = aeon_rk_find("rk2");
  double complex z = CMPLX(0.3, 1.1), t2 = 1 + z + z * z / 2, t4 = t2 + z * z * z / 6 + z * z * z * z / 24;
  double rr, ri;
  aeon_rk_stability(rk4, creal(z), cimag(z), &rr, &ri);
  CHECK(cabs(CMPLX(rr, ri) - t4) < 1e-15, "rk4: R(z) = %.17g%+.17gi", rr, ri);
  aeon_rk_stability(rk2, creal(z), cimag(z), &rr, &ri);
  CHECK(cabs(CMPLX(rr, ri) - t2) < 1e-15, "rk2: R(z) = %.17g%+.17gi", rr, ri);
  double re = -1, im = 0, d4 = aeon_rk_max_stable_dt(rk4, 1, &re, &im), d2 = aeon_rk_max_stable_dt(rk2, 1, &re, &im);
  CHECK(fabs(d4 - 2.785293563405282) < 1e-9 && fabs(d2 - 2) < 1e-9, "real-axis limits: rk4 %.15g, rk2 %.15g", d4, d2);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  CHECK(aeon_initialize() == AEON_OK, "initialize: %s", aeon_error_message());
  rk_polynomials();
  dense_spectrum();
  largest("periodic, no dissipation", 0, 0, 1e-12, 1e-8);
  largest("periodic, dissipation 0.2", 0.2, 0, 1e-12, 1e-8);
  largest("periodic, Jacobian by differences", 0, 1, 1e-9, 1e-6);
  step_matches();
  sizes();
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s evolution eigs\n", all ? "FAIL" : "PASS");
  MPI_Finalize();
  return all != 0;
}
