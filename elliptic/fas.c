/* FAS (full approximation scheme) multigrid for N(u) = A u + g(u, c(x)) = f
 * on the linear hierarchy of aeon_mg. Data flow of one FAS V-cycle at level l:
 *   nonlinear RB-GS (ghost fill, then per row: (A u) row kernel -> one Newton
 *   step per point of the colour) -> ghost fill, r_l = f_l - N_l(u_l)
 *   -> u_{l+1} = R u_l, saved in d_{l+1}; f_{l+1} = N_{l+1}(u_{l+1}) + R r_l
 *   -> cycle on l + 1 -> u_l += P (u_{l+1} - d_{l+1}) -> post-smoothing.
 * A gather level moves f and u to rank 0 and u back (as the linear cycles do);
 * the bottom level is smoothed. FMG: f restricted to every level, the bottom
 * smoothed, then per level upwards u_l = P u_{l+1} (triquadratic on cell
 * grids) and one FAS V-cycle. Each level's coefficient fields c are
 * evaluated once at its own points. Every array is allocated at creation. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/memory.h"
#include "mg_internal.h"

struct aeon_fas {
  aeon_mg *mg;
  aeon_fas_spec s;
  aeon_fields coef[MG_MAXLEV]; /* ncoef fields per active level (ncoef 0: none) */
};

/* ---- kernels on one grid (u's ghosts filled) ---- */

/* The pointwise term at index p of grid g, coefficients from c. */
static inline double point_g(const aeon_fas *F, const aeon_fields *c, long p, double u, double *dg) {
  double cv[AEON_FAS_MAXCOEF] = {0, 0, 0, 0};
  for (int q = 0; q < F->s.ncoef; q++) cv[q] = aeon_var(c, q)[p];
  return F->s.g(u, cv, dg, F->s.ctx);
}

/* mode 0: out = f - N(u) (the residual); mode 1: out += N(u) (f unused). */
static void nonlinear_rows(const aeon_fas *F, const ell_grid *g, const aeon_fields *c, const double *u,
                           const double *f, double *out, int mode) {
  const aeon_mesh *m = &g->m;
  double *restrict row = g->row;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      ell_row_apply(g, u, j, k, row);
      long p = aeon_idx(m, 0, j, k);
      for (int i = 0; i < m->n[0]; i++) {
        double dg, nv = row[i] + point_g(F, c, p + i, u[p + i], &dg);
        out[p + i] = mode == 0 ? f[p + i] - nv : out[p + i] + nv;
      }
    }
}

/* One nonlinear Gauss-Seidel half sweep of colour color: u_i += (f_i - N(u)_i) / (diag_i + g'(u_i)). */
static void nonlinear_rbgs(const aeon_fas *F, ell_grid *g, const aeon_fields *c, double *u, const double *f,
                           int color) {
  const aeon_mesh *m = &g->m;
  double *restrict row = g->row;
  const double *dinv = g->dinv.data;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      ell_row_apply(g, u, j, k, row);
      long p = aeon_idx(m, 0, j, k);
      int i0 = (int)((m->off[0] + m->off[1] + j + m->off[2] + k + color) & 1);
      for (int i = i0; i < m->n[0]; i += 2) {
        double dg, gv = point_g(F, c, p + i, u[p + i], &dg);
        u[p + i] += (f[p + i] - row[i] - gv) / (1.0 / dinv[p + i] + dg);
      }
    }
}

/* ---- cycles ---- */

static aeon_err smooth(aeon_fas *F, int l, int sweeps) {
  mg_level *L = &F->mg->lev[l];
  for (int s = 0; s < sweeps; s++)
    for (int c = 0; c < 2; c++) {
      AE_CHK(ell_fill_ghosts(L->g, L->u.data));
      nonlinear_rbgs(F, L->g, &F->coef[l], L->u.data, L->f.data, c);
    }
  return AEON_OK;
}

static aeon_err residual(aeon_fas *F, int l, double *rn) {
  mg_level *L = &F->mg->lev[l];
  AE_CHK(ell_fill_ghosts(L->g, L->u.data));
  nonlinear_rows(F, L->g, &F->coef[l], L->u.data, L->f.data, L->r.data, 0);
  return rn ? mg_level_norm(L->g, L->r.data, L->g->m.par->cart, rn) : AEON_OK;
}

/* The bottom: sweeps until the residual falls 1e4-fold (at most 1000). */
static aeon_err bottom(aeon_fas *F, int l) {
  double r0 = 0, r = 0;
  for (int s = 0; s < 1000; s += 10) {
    AE_CHK(residual(F, l, &r));
    if (s == 0) r0 = r;
    if (!(r > 1e-4 * r0)) break;
    AE_CHK(smooth(F, l, 10));
  }
  return AEON_OK;
}

static aeon_err fas_at(aeon_fas *F, int l, aeon_mg_cycle_type type);

/* A gather level: f and u to rank 0, the cycle there (FMG or not), u back. */
static aeon_err gather_pass(aeon_fas *F, int l, aeon_mg_cycle_type type, int fmg);

static aeon_err fmg_at(aeon_fas *F, int l);

static aeon_err fas_at(aeon_fas *F, int l, aeon_mg_cycle_type type) {
  aeon_mg *mg = F->mg;
  mg_level *L = &mg->lev[l];
  if (L->gather) return gather_pass(F, l, type, 0);
  if (l == mg->bottom) return bottom(F, l);
  mg_level *C = &mg->lev[l + 1];
  aeon_err e = AEON_OK;
  AE_CHK(smooth(F, l, mg->o.pre));
  AE_CHK(residual(F, l, NULL));
  mg_restrict_field(L, L->u.data, C, C->u.data, &e); /* u_c = R u */
  if (!e) mg_restrict_field(L, L->r.data, C, C->f.data, &e); /* f_c = R r ... */
  AE_CHK(e);
  if (C->g->active) {
    const aeon_mesh *mc = &C->g->m;
    for (int k = 0; k < mc->n[2]; k++)
      for (int j = 0; j < mc->n[1]; j++) {
        long p = aeon_idx(mc, 0, j, k);
        memcpy(C->d.data + p, C->u.data + p, sizeof(double) * mc->n[0]);
      }
    AE_CHK(ell_fill_ghosts(C->g, C->u.data));
    nonlinear_rows(F, C->g, &F->coef[l + 1], C->u.data, NULL, C->f.data, 1); /* ... + N_c(u_c) */
  }
  AE_CHK(fas_at(F, l + 1, type)); /* V: once; W: twice; F: an F, then a V */
  if (type == AEON_MG_W || type == AEON_MG_F) AE_CHK(fas_at(F, l + 1, type == AEON_MG_W ? AEON_MG_W : AEON_MG_V));
  /* u += P (u_c - d_c), the correction through r_c */
  const aeon_mesh *mc = &C->g->m;
  for (int k = 0; k < mc->n[2]; k++)
    for (int j = 0; j < mc->n[1]; j++) {
      long p = aeon_idx(mc, 0, j, k);
      for (int i = 0; i < mc->n[0]; i++) C->r.data[p + i] = C->u.data[p + i] - C->d.data[p + i];
    }
  AE_CHK(ell_fill_ghosts(C->g, C->r.data));
  mg_prolong(C, C->r.data, L, L->u.data, 1, 0);
  return smooth(F, l, mg->o.post);
}

static aeon_err gather_pass(aeon_fas *F, int l, aeon_mg_cycle_type type, int fmg) {
  mg_level *L = &F->mg->lev[l], *C = &F->mg->lev[l + 1];
  AE_CHK(mg_move(L, &L->f, C, &C->f, 1));
  if (!fmg) AE_CHK(mg_move(L, &L->u, C, &C->u, 1));
  if (C->g->active) AE_CHK(fmg ? fmg_at(F, l + 1) : fas_at(F, l + 1, type));
  return mg_move(L, &L->u, C, &C->u, 0);
}

static aeon_err fmg_at(aeon_fas *F, int l) {
  aeon_mg *mg = F->mg;
  mg_level *L = &mg->lev[l];
  if (L->gather) return gather_pass(F, l, AEON_MG_V, 1);
  if (l == mg->bottom) {
    mg_zero_interior(L->g, L->u.data);
    return bottom(F, l);
  }
  mg_level *C = &mg->lev[l + 1];
  AE_CHK(mg_fmg_restrict(mg, l));
  AE_CHK(fmg_at(F, l + 1));
  AE_CHK(ell_fill_ghosts_data(C->g, C->u.data, mg->dir_fn, mg->dir_ctx)); /* a full solution: its data on the faces */
  mg_prolong(C, C->u.data, L, L->u.data, 0, 1);
  return fas_at(F, l, AEON_MG_V);
}

/* ---- public ---- */

aeon_err aeon_fas_create(aeon_ell_op *op, const aeon_fas_spec *spec, const aeon_mg_opts *opts, aeon_fas **out) {
  *out = NULL;
  if (!spec->g) return AE_ERR(AEON_ERR_USER, "elliptic FAS: the nonlinear term g is NULL");
  if (spec->ncoef < 0 || spec->ncoef > AEON_FAS_MAXCOEF)
    return AE_ERR(AEON_ERR_USER, "elliptic FAS: ncoef = %d must be in [0, %d]", spec->ncoef, AEON_FAS_MAXCOEF);
  for (int q = 0; q < spec->ncoef; q++)
    if (!spec->coef[q]) return AE_ERR(AEON_ERR_USER, "elliptic FAS: coefficient function %d is NULL", q);
  if (opts->smoother != AEON_MG_RBGS)
    return AE_ERR(AEON_ERR_USER, "elliptic FAS: elliptic.mg_smoother must be rbgs (the nonlinear Gauss-Seidel "
                  "smoother); chebyshev is linear only");
  aeon_fas *F = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *F, (void **)&F));
  F->s = *spec;
  aeon_err e = aeon_mg_create(op, opts, &F->mg);
  for (int l = 0; !e && l < F->mg->nl && spec->ncoef > 0; l++) {
    const ell_grid *g = F->mg->lev[l].g;
    if (!g || !g->active) continue;
    const aeon_mesh *m = &g->m;
    e = aeon_fields_create(m, spec->ncoef, &F->coef[l]);
    for (int q = 0; !e && q < spec->ncoef; q++)
      for (int k = 0; k < m->n[2]; k++)
        for (int j = 0; j < m->n[1]; j++)
          for (int i = 0; i < m->n[0]; i++) {
            double x[3] = {aeon_coord(m, 0, i), aeon_coord(m, 1, j), aeon_coord(m, 2, k)};
            aeon_var(&F->coef[l], q)[aeon_idx(m, i, j, k)] = spec->coef[q](x, spec->ctx);
          }
  }
  if (F->mg) e = aeon_par_agree(F->mg->comm, e);
  if (e) {
    aeon_fas_destroy(F);
    return e;
  }
  *out = F;
  return AEON_OK;
}

void aeon_fas_destroy(aeon_fas *F) {
  if (!F) return;
  for (int l = 0; l < MG_MAXLEV; l++)
    if (F->coef[l].data) aeon_fields_destroy(&F->coef[l]);
  aeon_mg_destroy(F->mg);
  aeon_mem_free(F);
}

aeon_mg *aeon_fas_mg(aeon_fas *F) { return F->mg; }

aeon_err aeon_fas_residual(aeon_fas *F, const aeon_gvec *u, const aeon_gvec *f, aeon_gvec *r) {
  AE_CHK(mg_check_vec(F->mg, u));
  AE_CHK(mg_check_vec(F->mg, f));
  AE_CHK(mg_check_vec(F->mg, r));
  mg_level *L = &F->mg->lev[0];
  mg_copy_in(L->g, u, L->u.data);
  mg_copy_in(L->g, f, L->f.data);
  AE_CHK(residual(F, 0, NULL));
  mg_copy_out(L->g, L->r.data, r);
  return AEON_OK;
}

static aeon_err cycle0(aeon_fas *F, aeon_mg_cycle_type type) {
  return type == AEON_MG_FMG ? fmg_at(F, 0) : fas_at(F, 0, type);
}

aeon_err aeon_fas_cycle(aeon_fas *F, const aeon_gvec *f, aeon_gvec *u) {
  AE_CHK(mg_check_vec(F->mg, f));
  AE_CHK(mg_check_vec(F->mg, u));
  mg_level *L = &F->mg->lev[0];
  mg_copy_in(L->g, f, L->f.data);
  if (F->mg->o.cycle != AEON_MG_FMG) mg_copy_in(L->g, u, L->u.data);
  AE_CHK(cycle0(F, F->mg->o.cycle));
  mg_copy_out(L->g, L->u.data, u);
  return AEON_OK;
}

aeon_err aeon_fas_solve(aeon_fas *F, const aeon_gvec *f, aeon_gvec *u, aeon_mg_result *res) {
  memset(res, 0, sizeof *res);
  AE_CHK(mg_check_vec(F->mg, f));
  AE_CHK(mg_check_vec(F->mg, u));
  const aeon_mg_opts *o = &F->mg->o;
  mg_level *L = &F->mg->lev[0];
  mg_copy_in(L->g, f, L->f.data);
  mg_copy_in(L->g, u, L->u.data);
  int rank;
  MPI_Comm_rank(F->mg->comm, &rank);
  FILE *out = o->monitor_out ? o->monitor_out : stdout;
  double fn, rn, prev;
  AE_CHK(mg_level_norm(L->g, L->f.data, F->mg->comm, &fn));
  AE_CHK(residual(F, 0, &rn));
  res->rnorm0 = prev = rn;
  double tol = fmax(o->rtol * fn, o->atol);
  if (o->monitor && rank == 0) fprintf(out, "  %3d FAS residual norm %.12e\n", 0, rn);
  aeon_mg_cycle_type type = o->cycle;
  while (1) {
    if (isnan(rn)) res->reason = AEON_SOLVE_DIVERGED_NAN;
    else if (rn <= o->rtol * fn) res->reason = AEON_SOLVE_CONVERGED_RTOL;
    else if (rn <= o->atol) res->reason = AEON_SOLVE_CONVERGED_ATOL;
    else if (rn > 1e5 * res->rnorm0 && res->cycles > 0) res->reason = AEON_SOLVE_DIVERGED_DTOL;
    else if (res->cycles >= o->max_cycles) res->reason = AEON_SOLVE_DIVERGED_ITS;
    if (res->reason) break;
    AE_CHK(cycle0(F, type));
    if (type == AEON_MG_FMG) type = AEON_MG_V;
    res->cycles++;
    prev = rn;
    AE_CHK(residual(F, 0, &rn));
    if (o->monitor && rank == 0)
      fprintf(out, "  %3d FAS residual norm %.12e  factor %.4f\n", res->cycles, rn, rn / prev);
  }
  res->rnorm = rn;
  res->factor = res->cycles && res->rnorm0 > 0 ? pow(rn / res->rnorm0, 1.0 / res->cycles) : 0;
  mg_copy_out(L->g, L->u.data, u);
  if (res->reason < 0)
    return AE_ERR(AEON_ERR_NUMERIC, "FAS solve %s after %d cycles (residual %.3e from %.3e, target %.3e)",
                  aeon_solve_reason_name(res->reason), res->cycles, rn, res->rnorm0, tol);
  return AEON_OK;
}
