/* Bowen-York puncture data: the Newton-Krylov-multigrid solve of the
 * Hamiltonian constraint for the regular part u (see aeon/bowen_york.h).
 * create: punctures checked -> private mesh copy with robin faces -> analytic
 * fields at the cell centres (w = sum m/(2r), aa = A.A/8 corrected so that the
 * source is the cell average; near a puncture a sub-cell quadrature, by_source.c)
 * -> operator
 * L = -lap (laplacian2, robin about the mass centre) -> preconditioner: a
 * multigrid hierarchy of -lap + c_0(x) (helmholtz, c_0 = c at u = 0,
 * evaluated analytically on every level) -> GMRES on J = L + c.
 * solve: F(u) = L u - aa psi^-7 -> while ||F|| > tol: c = 7 aa psi^-8,
 * J du = -F (GMRES + one MG cycle), backtracking line search on ||F|| with
 * psi > 0 -> u (zeroed on failure). */
#include <math.h>
#include <string.h>

#include <mpi.h>

#include "aeon/bowen_york.h"
#include "aeon/memory.h"
#include "aeon/reduce.h"

#include "by_internal.h"

void aeon_by_opts_default(aeon_by_opts *o) {
  memset(o, 0, sizeof *o);
  o->newton_rtol = 1e-10;
  o->newton_max_it = 30;
  o->ksp = aeon_ksp_defaults();
  o->ksp.rtol = 1e-8;
  o->ksp.max_it = 200;
  aeon_mg_opts_default(&o->mg);
}

void aeon_by_curvature(int n, const aeon_by_puncture *p, const double x[3], double A[6]) {
  static const int ia[6] = {0, 0, 0, 1, 1, 2}, ib[6] = {0, 1, 2, 1, 2, 2};
  memset(A, 0, sizeof(double) * 6);
  for (int q = 0; q < n; q++) {
    double d[3] = {x[0] - p[q].x[0], x[1] - p[q].x[1], x[2] - p[q].x[2]};
    double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    double nv[3] = {d[0] / r, d[1] / r, d[2] / r};
    const double *P = p[q].P, *S = p[q].S;
    double pn = P[0] * nv[0] + P[1] * nv[1] + P[2] * nv[2];
    double sxn[3] = {S[1] * nv[2] - S[2] * nv[1], S[2] * nv[0] - S[0] * nv[2], S[0] * nv[1] - S[1] * nv[0]};
    double cp = 1.5 / (r * r), cs = 3.0 / (r * r * r);
    for (int c = 0; c < 6; c++) {
      int a = ia[c], b = ib[c];
      double del = a == b ? 1.0 : 0.0;
      A[c] += cp * (P[a] * nv[b] + P[b] * nv[a] - (del - nv[a] * nv[b]) * pn) +
              cs * (sxn[a] * nv[b] + sxn[b] * nv[a]);
    }
  }
}

double aeon_by_psi_singular(int n, const aeon_by_puncture *p, const double x[3]) {
  double w = 0;
  for (int q = 0; q < n; q++) {
    double d0 = x[0] - p[q].x[0], d1 = x[1] - p[q].x[1], d2 = x[2] - p[q].x[2];
    w += p[q].m / (2 * sqrt(d0 * d0 + d1 * d1 + d2 * d2));
  }
  return w;
}

/* A.A / 8 at x (off-diagonal components count twice). */
double by_aa(int n, const aeon_by_puncture *p, const double x[3]) {
  double A[6];
  aeon_by_curvature(n, p, x, A);
  double s = A[0] * A[0] + A[3] * A[3] + A[5] * A[5] + 2 * (A[1] * A[1] + A[2] * A[2] + A[4] * A[4]);
  return s / 8;
}

void aeon_by_origin(int n, const aeon_by_puncture *p, double o[3]) {
  double mt = 0;
  o[0] = o[1] = o[2] = 0;
  for (int q = 0; q < n; q++) {
    mt += p[q].m;
    for (int d = 0; d < 3; d++) o[d] += p[q].m * p[q].x[d];
  }
  for (int d = 0; d < 3; d++) o[d] = mt > 0 ? o[d] / mt : 0;
}

static const char axis[3] = {'x', 'y', 'z'};
static const char *const face_names[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};

/* Checks puncture i alone. */
static aeon_err check_one(const aeon_mesh *m, const aeon_by_puncture *q, int i, const char *key) {
  if (!(q->m > 0) || !isfinite(q->m))
    return AE_ERR(AEON_ERR_USER, "%s[%d].mass = %g: a puncture's bare mass must be finite and > 0", key, i, q->m);
  for (int d = 0; d < 3; d++) {
    if (!isfinite(q->P[d]) || !isfinite(q->S[d]))
      return AE_ERR(AEON_ERR_USER, "%s[%d]: momentum and spin must be finite", key, i);
    if (!(q->x[d] > m->xmin[d] && q->x[d] < m->xmax[d]))
      return AE_ERR(AEON_ERR_USER, "%s[%d].position = [%g, %g, %g] is outside the grid: %c must lie in (%g, %g)", key,
                    i, q->x[0], q->x[1], q->x[2], axis[d], m->xmin[d], m->xmax[d]);
  }
  int on_point = 1;
  for (int d = 0; d < 3; d++) {
    double s = (q->x[d] - m->xmin[d]) / m->dx[d] - 0.5;
    on_point = on_point && fabs(s - nearbyint(s)) < 1e-6;
  }
  if (on_point)
    return AE_ERR(AEON_ERR_USER,
                  "%s[%d].position = [%g, %g, %g] lies on a cell centre, where psi is infinite; move it off the "
                  "points (e.g. by half a cell)", key, i, q->x[0], q->x[1], q->x[2]);
  return AEON_OK;
}

aeon_err aeon_by_check(const aeon_mesh *m, int n, const aeon_by_puncture *p, const char *key) {
  if (n < 1 || n > AEON_BY_MAX)
    return AE_ERR(AEON_ERR_USER, "%s has %d entries: between 1 and %d punctures", key, n, AEON_BY_MAX);
  for (int f = 0; f < 6; f++)
    if (m->bc[f] != AEON_BC_ROBIN && m->bc[f] != AEON_BC_RADIATIVE)
      return AE_ERR(AEON_ERR_USER,
                    "%s: puncture data needs robin (or radiative) outer faces; boundary.%s is not (periodic, symmetry "
                    "and dirichlet faces are not supported)", key, face_names[f]);
  double diag = hypot(hypot(m->xmax[0] - m->xmin[0], m->xmax[1] - m->xmin[1]), m->xmax[2] - m->xmin[2]);
  for (int i = 0; i < n; i++) {
    AE_CHK(check_one(m, &p[i], i, key));
    for (int j = 0; j < i; j++) {
      double d = hypot(hypot(p[i].x[0] - p[j].x[0], p[i].x[1] - p[j].x[1]), p[i].x[2] - p[j].x[2]);
      if (d <= 1e-12 * diag)
        return AE_ERR(AEON_ERR_USER, "%s[%d].position and %s[%d].position are the same point [%g, %g, %g]: punctures "
                      "must be apart", key, j, key, i, p[i].x[0], p[i].x[1], p[i].x[2]);
    }
  }
  return AEON_OK;
}

/* ---- the solver ---- */

/* The preconditioner's coefficient c_0 = 7 aa psi_0^-8 (u = 0) at x, kept positive (a coarse cell centre may sit on a
 * puncture, where it is 0 / 0). */
static double c0_fn(const double x[3], void *ctx) {
  const aeon_by *by = ctx;
  double w = aeon_by_psi_singular(by->n, by->p, x), aa = by_aa(by->n, by->p, x);
  double v = 7 * aa * pow(1 + w, -8);
  return isfinite(v) && v > 1e-300 ? v : 1e-300;
}

/* y = J x = L x + c x. */
static aeon_err jac_apply(void *ctx, aeon_gvec *x, aeon_gvec *y) {
  aeon_by *by = ctx;
  AE_CHK(aeon_ell_apply(by->L, x, y));
  const aeon_mesh *m = &by->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      const double *xp = by_row(x, j, k), *cp = by_row(&by->c, j, k);
      double *yp = by_row(y, j, k);
      for (int i = 0; i < m->n[0]; i++) yp[i] += cp[i] * xp[i];
    }
  return AEON_OK;
}

/* Fills w and aa at the cell centres; sets *any to 1 if aa is non-zero somewhere on any rank. */
static aeon_err fill_fields(aeon_by *by, int *any) {
  const aeon_mesh *m = &by->m;
  int loc = 0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      double *wp = by_row(&by->w, j, k), *ap = by_row(&by->aa, j, k);
      for (int i = 0; i < m->n[0]; i++) {
        double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
        wp[i] = aeon_by_psi_singular(by->n, by->p, x);
        ap[i] = by_cell_aa(by, x, m->dx);
        loc |= ap[i] != 0;
      }
    }
  AE_MPI(MPI_Allreduce(&loc, any, 1, MPI_INT, MPI_LOR, m->par->cart));
  return aeon_par_agree(m->par->cart, by_fine_build(by));
}

static aeon_err make_vectors(aeon_by *by) {
  aeon_gvec *v[] = {&by->u, &by->w, &by->aa, &by->c, &by->F, &by->du, &by->ut, &by->rhs};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) AE_CHK(aeon_ell_vec_create(by->L, v[i]));
  return AEON_OK;
}

static aeon_err build(aeon_by *by, const aeon_mesh *m0, const aeon_by_opts *o) {
  /* a private mesh: the same patches, robin faces (a radiative face of an evolution mesh becomes robin) */
  aeon_mesh *m = &by->m;
  memset(m, 0, sizeof *m);
  memcpy(m->N, m0->N, sizeof m->N);
  memcpy(m->xmin, m0->xmin, sizeof m->xmin);
  memcpy(m->xmax, m0->xmax, sizeof m->xmax);
  memcpy(m->dx, m0->dx, sizeof m->dx);
  m->ghost = m0->ghost;
  for (int f = 0; f < 6; f++) m->bc[f] = AEON_BC_ROBIN;
  AE_CHK(aeon_mesh_setup_patch(m, m0->par));
  aeon_by_origin(by->n, by->p, by->origin);
  aeon_ell_spec ls = aeon_ell_spec_default(AEON_ELL_LAPLACIAN2);
  memcpy(ls.robin_origin, by->origin, sizeof ls.robin_origin);
  AE_CHK(aeon_ell_op_create(m, &ls, &by->L));
  AE_CHK(make_vectors(by));
  int any;
  AE_CHK(fill_fields(by, &any));
  aeon_ell_spec hs = aeon_ell_spec_default(AEON_ELL_HELMHOLTZ);
  memcpy(hs.robin_origin, by->origin, sizeof hs.robin_origin);
  hs.a = any ? 1.0 : 0.0;
  hs.alpha = c0_fn;
  hs.coef_ctx = by;
  AE_CHK(aeon_ell_op_create(m, &hs, &by->H));
  AE_CHK(aeon_mg_create(by->H, &o->mg, &by->mg));
  aeon_mg_gpc(by->mg, &by->pc);
  aeon_gop J = {.name = "bowen_york_jacobian", .ctx = by, .apply = jac_apply};
  aeon_ksp_opts ko = o->ksp;
  ko.nonzero_guess = 0;
  return aeon_ksp_create(&ko, &J, &by->pc, &by->u, &by->ksp);
}

aeon_err aeon_by_create(const aeon_mesh *m, int n, const aeon_by_puncture *p, const aeon_by_opts *o, const char *key,
                        aeon_by **out) {
  *out = NULL;
  AE_CHK(aeon_par_agree(m->par->cart, aeon_by_check(m, n, p, key ? key : "punctures")));
  aeon_by *by = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *by, (void **)&by));
  by->n = n;
  memcpy(by->p, p, sizeof(aeon_by_puncture) * (size_t)n);
  by->o = *o;
  aeon_err e = build(by, m, o);
  if (e) {
    aeon_by_destroy(by);
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  *out = by;
  return AEON_OK;
}

void aeon_by_destroy(aeon_by *by) {
  if (!by) return;
  aeon_ksp_destroy(by->ksp);
  aeon_mg_destroy(by->mg);
  aeon_ell_op_destroy(by->H);
  aeon_gvec *v[] = {&by->u, &by->w, &by->aa, &by->c, &by->F, &by->du, &by->ut, &by->rhs};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) aeon_gvec_destroy(v[i]);
  aeon_ell_op_destroy(by->L);
  by_fine_free(&by->fine);
  aeon_mem_free(by);
}

aeon_gvec *aeon_by_u(aeon_by *by) { return &by->u; }

aeon_err aeon_by_set_punctures(aeon_by *by, int n, const aeon_by_puncture *p, const char *key) {
  AE_CHK(aeon_par_agree(by->m.par->cart, aeon_by_check(&by->m, n, p, key ? key : "punctures")));
  by->n = n;
  memcpy(by->p, p, sizeof(aeon_by_puncture) * (size_t)n);
  int any;
  return fill_fields(by, &any);
}

/* F = L u - aa psi^-7 and, if c is not NULL, c = 7 aa psi^-8; *bad = 1 if psi <= 0 or a value is not finite here. */
static aeon_err residual(aeon_by *by, aeon_gvec *u, aeon_gvec *F, aeon_gvec *c, int *bad) {
  AE_CHK(aeon_ell_apply(by->L, u, F));
  const aeon_mesh *m = &by->m;
  int b = 0;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      const double *up = by_row(u, j, k), *wp = by_row(&by->w, j, k), *ap = by_row(&by->aa, j, k);
      double *fp = by_row(F, j, k), *cp = c ? by_row(c, j, k) : NULL;
      for (int i = 0; i < m->n[0]; i++) {
        double psi = 1 + up[i] + wp[i];
        b |= !(psi > 0);
        double ip = 1 / psi, ip2 = ip * ip, ip4 = ip2 * ip2, ip7 = ip4 * ip2 * ip;
        fp[i] -= ap[i] * ip7;
        b |= !isfinite(fp[i]);
        if (cp) cp[i] = 7 * ap[i] * ip7 * ip;
      }
    }
  for (long q = 0; q < by->fine.ncell; q++) { /* the cells near a puncture: the cell average of the source */
    double s, ds;
    long o = by->fine.cell[q];
    b |= by_fine_source(&by->fine, q, *by_at(u, o), &s, &ds);
    *by_at(F, o) -= s;
    if (c) *by_at(c, o) = ds;
  }
  AE_MPI(MPI_Allreduce(&b, bad, 1, MPI_INT, MPI_LOR, m->par->cart));
  return AEON_OK;
}

/* L2 norm with the cell volume as weight. */
static aeon_err norm(aeon_by *by, const aeon_gvec *x, double *nrm) {
  return aeon_gvec_l2norm(x, by->m.dx[0] * by->m.dx[1] * by->m.dx[2], nrm);
}

static aeon_err newton(aeon_by *by, aeon_by_result *res) {
  const aeon_by_opts *o = &by->o;
  FILE *out = o->monitor_out ? o->monitor_out : stdout;
  int rank, bad;
  MPI_Comm_rank(by->m.par->cart, &rank);
  AE_CHK(aeon_gvec_const(0.0, &by->ut));
  AE_CHK(residual(by, &by->ut, &by->F, NULL, &bad));
  AE_CHK(norm(by, &by->F, &res->fnorm0));
  double tol = o->newton_rtol * res->fnorm0;
  double fn;
  AE_CHK(residual(by, &by->u, &by->F, &by->c, &bad));
  AE_CHK(norm(by, &by->F, &fn));
  res->fnorm_start = fn;
  if (bad || !isfinite(fn) || fn > res->fnorm0) { /* a bad initial guess (worse than zero): start from zero */
    res->guess_dropped = 1;
    AE_CHK(aeon_gvec_const(0.0, &by->u));
    AE_CHK(residual(by, &by->u, &by->F, &by->c, &bad));
    AE_CHK(norm(by, &by->F, &fn));
  }
  for (int it = 0;; it++) {
    res->fnorm = fn;
    res->newton_its = it;
    if (o->monitor && rank == 0)
      fprintf(out, "newton %2d  ||F|| %.6e  (%.3e of the source)  krylov %ld\n", it, fn,
              res->fnorm0 > 0 ? fn / res->fnorm0 : 0.0, res->ksp_its);
    if (fn <= tol) return AEON_OK;
    if (it >= o->newton_max_it)
      return AE_ERR(AEON_ERR_NUMERIC, "bowen_york: Newton did not converge in %d steps (||F|| = %.3e, tolerance %.3e; "
                    "raise elliptic.newton_max_it or loosen elliptic.newton_rtol)", it, fn, tol);
    AE_CHK(aeon_gvec_scale(-1.0, &by->F, &by->rhs));
    aeon_ksp_result kr;
    AE_CHK(aeon_ksp_solve(by->ksp, &by->rhs, &by->du, &kr));
    res->ksp_its += kr.its;
    if (kr.reason == AEON_KSP_DIVERGED_NANORINF || kr.reason == AEON_KSP_DIVERGED_BREAKDOWN)
      return AE_ERR(AEON_ERR_NUMERIC, "bowen_york: the linear solve of Newton step %d failed: %s", it + 1,
                    aeon_ksp_reason_name(kr.reason));
    double lam = 1, fnew = INFINITY;
    for (int tries = 0; tries < 20; tries++, lam *= 0.5) { /* backtracking: ||F|| must fall */
      AE_CHK(aeon_gvec_linearsum(1.0, &by->u, lam, &by->du, &by->ut));
      AE_CHK(residual(by, &by->ut, &by->F, NULL, &bad));
      AE_CHK(norm(by, &by->F, &fnew));
      if (!bad && isfinite(fnew) && fnew < (1 - 1e-4 * lam) * fn) break;
    }
    if (bad || !isfinite(fnew) || !(fnew < fn)) {
      if (fn <= 1e3 * tol || fn <= 1e-14 * res->fnorm0) return AEON_OK; /* stagnated at round-off */
      return AE_ERR(AEON_ERR_NUMERIC, "bowen_york: Newton step %d found no decrease of ||F|| = %.3e (%s; linear solve "
                    "%s)", it + 1, fn, bad ? "psi <= 0 or NaN" : "line search failed",
                    aeon_ksp_reason_name(kr.reason));
    }
    AE_CHK(aeon_gvec_scale(1.0, &by->ut, &by->u));
    AE_CHK(residual(by, &by->u, &by->F, &by->c, &bad));
    fn = fnew;
  }
}

aeon_err aeon_by_solve(aeon_by *by, aeon_by_result *res) {
  aeon_by_result r;
  memset(&r, 0, sizeof r);
  double t0 = MPI_Wtime();
  aeon_err e = newton(by, &r);
  r.seconds = MPI_Wtime() - t0;
  if (res) *res = r;
  if (e) {
    aeon_gvec_const(0.0, &by->u); /* never hand garbage on */
    return aeon_error_trace(e, __FILE__, __LINE__, __func__);
  }
  return AEON_OK;
}
