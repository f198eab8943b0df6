/* Multigrid preconditioning for an elliptic deck (solve_mg.h): the multigrid
 * module's operator for the model problem without its advection term
 * (laplacian2 for a constant beta, helmholtz with the same face-centred beta
 * otherwise: the model's own discretisation), its hierarchy from the deck's
 * elliptic.mg_* keys, and one cycle as the preconditioner. For an
 * advection-diffusion problem this preconditions with the symmetric part. */
#include <math.h>
#include <string.h>

#include "aeon/elliptic.h"
#include "aeon/memory.h"
#include "cli/solve_mg.h"

typedef struct mg_state {
  double amp, xmin[3], L[3];
  aeon_ell_op *op;
  aeon_mg *mg;
} mg_state;

/* beta = 1 + amp sin(2 pi X) sin(2 pi Y) sin(2 pi Z), as the model problem's. */
static double beta(const double x[3], void *ctx) {
  const mg_state *s = ctx;
  double p = 1;
  const double pi = 3.14159265358979323846; /* M_PI, the model problem's */
  for (int d = 0; d < 3; d++) p *= sin(2 * pi * (x[d] - s->xmin[d]) / s->L[d]);
  return 1.0 + s->amp * p;
}

aeon_err aeon_solve_mg_pc(const aeon_deck *deck, const aeon_mesh *m, const aeon_model_spec *ms, void **state,
                          aeon_gpc *pc) {
  mg_state *s = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *s, (void **)&s));
  *state = s;
  s->amp = ms->beta_amp;
  for (int d = 0; d < 3; d++) { /* the box of the scaled coordinates (vertex: the node box, as the model's) */
    double sh = !ms->vertex ? 0.5 : m->bc[2 * d] == AEON_BC_PERIODIC ? 0.0 : 1.0;
    s->xmin[d] = m->xmin[d] + (0.5 - sh) * m->dx[d];
    s->L[d] = (m->xmax[d] - m->xmin[d]) + (ms->vertex ? sh * m->dx[d] : 0.0);
  }
  aeon_ell_spec spec = aeon_ell_spec_default(ms->beta_amp != 0 ? AEON_ELL_HELMHOLTZ : AEON_ELL_LAPLACIAN2);
  spec.centering = ms->vertex ? AEON_ELL_VERTEX : AEON_ELL_CELL;
  spec.a = ms->a;
  spec.b = ms->b;
  if (ms->beta_amp != 0) {
    spec.beta = beta;
    spec.coef_ctx = s;
  }
  aeon_mg_opts mo;
  AE_CHK(aeon_mg_opts_from_deck(deck, &mo));
  AE_CHK(aeon_ell_op_create(m, &spec, &s->op));
  AE_CHK(aeon_mg_create(s->op, &mo, &s->mg));
  aeon_mg_gpc(s->mg, pc);
  if (!pc->name) pc->name = "mg";
  return AEON_OK;
}

void aeon_solve_mg_free(void *state) {
  mg_state *s = state;
  if (!s) return;
  aeon_mg_destroy(s->mg);
  aeon_ell_op_destroy(s->op);
  aeon_mem_free(s);
}
