/* Model problems (aeon/modelprob.h). Create: boundary kinds checked, an
 * exchange plan of width 1 made, and for a variable beta the face values
 * beta_{i-1/2} in x, y, z tabulated once on the ghosted layout. Apply: the
 * ghosts of x exchanged (periodic and inter-rank), the first ghost layer of
 * each Dirichlet face set to minus its mirror, then one pass of the 7-point
 * stencil over the interior (constant coefficients: 7 fixed weights;
 * variable: the tabulated face betas). The right-hand side and the exact
 * solution are analytic at the cell centres; errors and means use exact sums. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/modelprob.h"
#include "aeon/parallel.h"
#include "aeon/reduce.h"

struct aeon_model {
  const aeon_mesh *m;
  MPI_Comm comm;
  aeon_model_spec s;
  int dirichlet[3];     /* 1: Dirichlet in direction d, 0: periodic */
  double kd[3];         /* wave number of the manufactured solution: pi (Dirichlet) or 2 pi (periodic) */
  double L[3];
  double x0[3];         /* lower end of the box the scaled coordinates X run over */
  double o[3], M[3];    /* X = (global index + o) / M: cell (1/2, N), vertex (s, N + s), s = 1 if dirichlet */
  aeon_exchange *ex;
  aeon_fields beta;     /* 3 variables: beta at the lower x, y, z face of each point (variable beta only) */
  aeon_box interior;
  aeon_gvec tmpl;       /* a view on the interior (no data) to clone from */
  aeon_gvec work;       /* a scratch vector (errors) */
};

static double beta_at(const aeon_model *p, const double x[3]) {
  if (p->s.beta_amp == 0) return 1.0;
  double s = 1;
  for (int d = 0; d < 3; d++) s *= sin(2 * M_PI * (x[d] - p->x0[d]) / p->L[d]);
  return 1.0 + p->s.beta_amp * s;
}

/* beta on the lower face in direction d of global cell g. */
static double beta_face(const aeon_model *p, const long g[3], int d) {
  double x[3];
  for (int e = 0; e < 3; e++) x[e] = p->m->xmin[e] + ((double)g[e] + (e == d ? 0.0 : 0.5)) * p->m->dx[e];
  return beta_at(p, x);
}

void aeon_model_stencil(const aeon_model *p, const long g[3], double c[7]) {
  const aeon_mesh *m = p->m;
  c[0] = p->s.a;
  for (int d = 0; d < 3; d++) {
    long gp[3] = {g[0], g[1], g[2]};
    gp[d]++;
    double h = m->dx[d], bl = beta_face(p, g, d), br = beta_face(p, gp, d);
    double ih2 = p->s.b / (h * h), adv = p->s.c[d] / (2 * h);
    c[0] += ih2 * (bl + br);
    c[1 + 2 * d] = -ih2 * bl - adv;
    c[2 + 2 * d] = -ih2 * br + adv;
  }
}

const aeon_mesh *aeon_model_mesh(const aeon_model *p) { return p->m; }
const aeon_model_spec *aeon_model_get_spec(const aeon_model *p) { return &p->s; }

int aeon_model_singular(const aeon_model *p) {
  return p->s.a == 0 && !p->dirichlet[0] && !p->dirichlet[1] && !p->dirichlet[2];
}

/* Fills the first ghost layer of each Dirichlet face of u: ghost = -mirror (vertex: the boundary node, 0). */
static void fill_dirichlet(const aeon_model *p, double *u) {
  const aeon_mesh *m = p->m;
  for (int f = 0; f < 6; f++) {
    int d = f / 2;
    if (!m->physical[f] || !p->dirichlet[d]) continue;
    int e1 = (d + 1) % 3, e2 = (d + 2) % 3;
    int in = (f % 2) ? m->n[d] - 1 : 0, gh = (f % 2) ? m->n[d] : -1;
    for (int b = 0; b < m->n[e2]; b++)
      for (int a = 0; a < m->n[e1]; a++) {
        int pi[3], pg[3];
        pi[d] = in;
        pg[d] = gh;
        pi[e1] = pg[e1] = a;
        pi[e2] = pg[e2] = b;
        u[aeon_idx(m, pg[0], pg[1], pg[2])] = p->s.vertex ? 0.0 : -u[aeon_idx(m, pi[0], pi[1], pi[2])];
      }
  }
}

static aeon_err check_layout(const aeon_model *p, const aeon_gvec *x, const char *what) {
  const aeon_mesh *m = p->m;
  if (x->nvar != 1 || x->sy != m->sy || x->sz != m->sz || x->base != m->base)
    return AE_ERR(AEON_ERR_INTERNAL, "model operator: %s must be a ghosted vector of one variable on the mesh", what);
  return AEON_OK;
}

static aeon_err model_apply(void *ctx, aeon_gvec *x, aeon_gvec *y) {
  const aeon_model *p = ctx;
  const aeon_mesh *m = p->m;
  AE_CHK(check_layout(p, x, "x"));
  aeon_fields f = {.nvar = 1, .stride = x->vstride, .data = x->data};
  AE_CHK(aeon_exchange_start(p->ex, &f));
  AE_CHK(aeon_exchange_finish(p->ex, &f));
  fill_dirichlet(p, x->data);
  const long sy = m->sy, sz = m->sz;
  const int nx = m->n[0];
  const double a = p->s.a, b = p->s.b;
  double ih2[3], adv[3];
  for (int d = 0; d < 3; d++) {
    ih2[d] = b / (m->dx[d] * m->dx[d]);
    adv[d] = p->s.c[d] / (2 * m->dx[d]);
  }
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++) {
      const double *restrict u = x->data + aeon_idx(m, 0, j, k);
      double *restrict v = y->data + y->base + (long)j * y->sy + (long)k * y->sz;
      if (p->s.beta_amp == 0) {
        const double c0 = a + 2 * (ih2[0] + ih2[1] + ih2[2]);
        const double cxm = -ih2[0] - adv[0], cxp = -ih2[0] + adv[0], cym = -ih2[1] - adv[1],
                     cyp = -ih2[1] + adv[1], czm = -ih2[2] - adv[2], czp = -ih2[2] + adv[2];
        for (int i = 0; i < nx; i++)
          v[i] = c0 * u[i] + cxm * u[i - 1] + cxp * u[i + 1] + cym * u[i - sy] + cyp * u[i + sy] +
                 czm * u[i - sz] + czp * u[i + sz];
      } else {
        long o = aeon_idx(m, 0, j, k);
        const double *restrict bx = aeon_var(&p->beta, 0) + o, *restrict by = aeon_var(&p->beta, 1) + o,
                               *restrict bz = aeon_var(&p->beta, 2) + o;
        for (int i = 0; i < nx; i++) {
          double c = u[i];
          double fx = bx[i + 1] * (u[i + 1] - c) - bx[i] * (c - u[i - 1]);
          double fy = by[i + sy] * (u[i + sy] - c) - by[i] * (c - u[i - sy]);
          double fz = bz[i + sz] * (u[i + sz] - c) - bz[i] * (c - u[i - sz]);
          v[i] = a * c - (ih2[0] * fx + ih2[1] * fy + ih2[2] * fz) + adv[0] * (u[i + 1] - u[i - 1]) +
                 adv[1] * (u[i + sy] - u[i - sy]) + adv[2] * (u[i + sz] - u[i - sz]);
        }
      }
    }
  return AEON_OK;
}

/* Calls fn(p, global index, value pointer) at every interior point of x. */
static void for_points(const aeon_model *p, const aeon_gvec *x, void (*fn)(const aeon_model *, const long[3], double *)) {
  const aeon_mesh *m = p->m;
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) {
        long g[3] = {m->off[0] + i, m->off[1] + j, m->off[2] + k};
        fn(p, g, x->data + x->base + i + (long)j * x->sy + (long)k * x->sz);
      }
}

static void diag_point(const aeon_model *p, const long g[3], double *v) {
  double c[7];
  aeon_model_stencil(p, g, c);
  double d = c[0];
  for (int f = 0; f < 6; f++) {
    int dir = f / 2;
    long q = g[dir] + (f % 2 ? 1 : -1);
    if (p->dirichlet[dir] && (q < 0 || q >= p->m->N[dir])) d -= c[1 + f];
  }
  *v = d;
}

static aeon_err model_diagonal(void *ctx, aeon_gvec *d) {
  for_points(ctx, d, diag_point);
  return AEON_OK;
}

aeon_gop aeon_model_op(aeon_model *p) {
  return (aeon_gop){.name = p->s.c[0] || p->s.c[1] || p->s.c[2] ? "advection-diffusion" : "helmholtz",
                    .ctx = p, .apply = model_apply, .diagonal = model_diagonal};
}

/* The manufactured solution's factors at point x: s_d, ds_d/dx_d, and beta's. */
static void exact_point(const aeon_model *p, const long g[3], double *v) {
  double u = 1;
  for (int d = 0; d < 3; d++) u *= sin(p->kd[d] * ((double)g[d] + p->o[d]) / p->M[d]);
  *v = u;
}

static void rhs_point(const aeon_model *p, const long g[3], double *v) {
  double X[3], s[3], c[3], sb[3], cb[3];
  for (int d = 0; d < 3; d++) {
    X[d] = ((double)g[d] + p->o[d]) / p->M[d];
    s[d] = sin(p->kd[d] * X[d]);
    c[d] = cos(p->kd[d] * X[d]);
    sb[d] = sin(2 * M_PI * X[d]);
    cb[d] = cos(2 * M_PI * X[d]);
  }
  double u = s[0] * s[1] * s[2], lap = 0, gbgu = 0, adv = 0;
  double beta = 1 + p->s.beta_amp * sb[0] * sb[1] * sb[2];
  for (int d = 0; d < 3; d++) {
    int e1 = (d + 1) % 3, e2 = (d + 2) % 3;
    double k = p->kd[d] / p->L[d];
    double du = k * c[d] * s[e1] * s[e2];
    double db = p->s.beta_amp * (2 * M_PI / p->L[d]) * cb[d] * sb[e1] * sb[e2];
    lap -= k * k * u;
    gbgu += db * du;
    adv += p->s.c[d] * du;
  }
  *v = p->s.a * u - p->s.b * (beta * lap + gbgu) + adv + p->s.rhs_shift;
}

aeon_err aeon_model_rhs(const aeon_model *p, aeon_gvec *f) {
  for_points(p, f, rhs_point);
  return AEON_OK;
}

aeon_err aeon_model_exact(const aeon_model *p, aeon_gvec *u) {
  for_points(p, u, exact_point);
  return AEON_OK;
}

aeon_err aeon_model_vector(const aeon_model *p, aeon_gvec *x) { return aeon_gvec_clone(&p->tmpl, AEON_GVEC_GHOSTED, x); }

/* The mean of x over all points (exact sum). */
static aeon_err mean(const aeon_model *p, const aeon_gvec *x, double *mu) {
  const aeon_mesh *m = p->m;
  aeon_xsum s;
  aeon_xsum_init(&s);
  for (int k = 0; k < m->n[2]; k++)
    for (int j = 0; j < m->n[1]; j++)
      for (int i = 0; i < m->n[0]; i++) aeon_xsum_add(&s, x->data[x->base + i + (long)j * x->sy + (long)k * x->sz]);
  AE_CHK(aeon_xsum_allreduce(&s, 1, p->comm));
  *mu = aeon_xsum_value(&s) / ((double)m->N[0] * (double)m->N[1] * (double)m->N[2]);
  return AEON_OK;
}

aeon_err aeon_model_check_rhs(const aeon_model *p, const aeon_gvec *f) {
  if (!aeon_model_singular(p)) return AEON_OK;
  double mu, mx;
  AE_CHK(mean(p, f, &mu));
  AE_CHK(aeon_gvec_maxnorm(f, &mx));
  if (fabs(mu) <= 1e-12 * mx || mu == 0) return AEON_OK;
  return AE_ERR(AEON_ERR_USER,
                "singular problem: every face is periodic and the operator has no zeroth-order term (a = 0), so a "
                "solution exists only for a right-hand side of zero mean, but its mean is %.6g (%.3g of its max "
                "%.6g); remove the mean (elliptic.rhs_shift: 0), set elliptic.helmholtz_a > 0, or use dirichlet faces",
                mu, mu / mx, mx);
}

aeon_err aeon_model_error(const aeon_model *p, const aeon_gvec *x, double *rms, double *maxabs) {
  aeon_gvec *w = (aeon_gvec *)&p->work;
  AE_CHK(aeon_model_exact(p, w));
  AE_CHK(aeon_gvec_linearsum(1.0, x, -1.0, w, w));
  if (aeon_model_singular(p)) {
    double mu;
    AE_CHK(mean(p, w, &mu));
    const aeon_mesh *m = p->m;
    for (int k = 0; k < m->n[2]; k++)
      for (int j = 0; j < m->n[1]; j++)
        for (int i = 0; i < m->n[0]; i++) w->data[w->base + i + (long)j * w->sy + (long)k * w->sz] -= mu;
  }
  double l2;
  AE_CHK(aeon_gvec_l2norm(w, 1.0, &l2));
  *rms = l2 / sqrt((double)p->m->N[0] * (double)p->m->N[1] * (double)p->m->N[2]);
  return aeon_gvec_maxnorm(w, maxabs);
}

static aeon_err check_spec(const aeon_mesh *m, const aeon_model_spec *s, int dirichlet[3]) {
  static const char *const face[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};
  for (int f = 0; f < 6; f++)
    if (m->bc[f] != AEON_BC_DIRICHLET && m->bc[f] != AEON_BC_PERIODIC)
      return AE_ERR(AEON_ERR_USER, "boundary.%s: the elliptic model problems take dirichlet or periodic faces only",
                    face[f]);
  for (int d = 0; d < 3; d++) {
    if ((m->bc[2 * d] == AEON_BC_DIRICHLET) != (m->bc[2 * d + 1] == AEON_BC_DIRICHLET))
      return AE_ERR(AEON_ERR_USER,
                    "boundary.%s and boundary.%s: the model problem needs both faces of a direction dirichlet or both "
                    "periodic", face[2 * d], face[2 * d + 1]);
    dirichlet[d] = m->bc[2 * d] == AEON_BC_DIRICHLET;
  }
  if (!(s->a >= 0) || !(s->b > 0))
    return AE_ERR(AEON_ERR_USER, "elliptic.helmholtz_a = %g must be >= 0 and elliptic.helmholtz_b = %g > 0", s->a,
                  s->b);
  if (!(fabs(s->beta_amp) < 1))
    return AE_ERR(AEON_ERR_USER,
                  "elliptic.beta_amp = %g: the coefficient beta = 1 + beta_amp sin sin sin must stay positive (|beta_amp| "
                  "< 1)", s->beta_amp);
  return AEON_OK;
}

aeon_err aeon_model_create(const aeon_mesh *m, MPI_Comm comm, const aeon_model_spec *s, aeon_model **pp) {
  *pp = NULL;
  int dirichlet[3];
  AE_CHK(check_spec(m, s, dirichlet));
  aeon_model *p = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *p, (void **)&p));
  *pp = p;
  p->m = m;
  p->comm = comm;
  p->s = *s;
  for (int d = 0; d < 3; d++) {
    p->dirichlet[d] = dirichlet[d];
    p->kd[d] = dirichlet[d] ? M_PI : 2 * M_PI;
    double sh = s->vertex ? dirichlet[d] : 0.5;
    p->o[d] = sh;
    p->M[d] = s->vertex ? (double)m->N[d] + sh : (double)m->N[d];
    p->L[d] = p->M[d] * m->dx[d];
    p->x0[d] = m->xmin[d] + (0.5 - sh) * m->dx[d];
  }
  AE_CHK(aeon_exchange_create_plan(m, 1, 0, NULL, 1, &p->ex));
  p->interior = aeon_mesh_interior(m);
  AE_CHK(aeon_gvec_view_compact(m, 1, &p->interior, NULL, comm, &p->tmpl));
  AE_CHK(aeon_model_vector(p, &p->work));
  if (s->beta_amp != 0) {
    AE_CHK(aeon_fields_create(m, 3, &p->beta));
    for (int k = 0; k <= m->n[2]; k++)
      for (int j = 0; j <= m->n[1]; j++)
        for (int i = 0; i <= m->n[0]; i++) {
          long g[3] = {m->off[0] + i, m->off[1] + j, m->off[2] + k};
          for (int d = 0; d < 3; d++) aeon_var(&p->beta, d)[aeon_idx(m, i, j, k)] = beta_face(p, g, d);
        }
  }
  return AEON_OK;
}

void aeon_model_destroy(aeon_model *p) {
  if (!p) return;
  aeon_exchange_destroy(p->ex);
  aeon_gvec_destroy(&p->work);
  aeon_fields_destroy(&p->beta);
  aeon_mem_free(p);
}
