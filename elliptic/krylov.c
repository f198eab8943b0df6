/* The Krylov solver object and the steps its methods share (krylov_impl.h).
 * Create: options checked, method looked up in the registry, work vectors
 * cloned (ghosted) from the template, scratch, accumulators and history
 * allocated, all once. Solve: counters reset, the method's solve runs (it
 * calls ksp_test once per iteration: history, monitor line on rank 0, the
 * convergence test), the reason and counts are returned. Dot products go
 * through exact accumulators (aeon_xsum) reduced together in one allreduce,
 * so every scalar of a method is the same on any rank count. */
#include <math.h>
#include <string.h>

#include <mpi.h>

#include "aeon/memory.h"
#include "core/registry.h"
#include "krylov_impl.h"

static aeon_registry ksp_types = {.kind = "Krylov method"};

aeon_err aeon_ksp_register(const aeon_ksp_type *t) { return aeon_registry_add(&ksp_types, t->name, t); }

const aeon_ksp_type *aeon_ksp_find(const char *name) {
  if (aeon_ksp_register_builtins()) return NULL;
  return aeon_registry_find(&ksp_types, name);
}

int aeon_ksp_type_count(void) {
  aeon_ksp_register_builtins();
  return ksp_types.n;
}

const aeon_ksp_type *aeon_ksp_type_get(int i) {
  return i >= 0 && i < aeon_ksp_type_count() ? ksp_types.item[i] : NULL;
}

const char *aeon_ksp_reason_name(aeon_ksp_reason r) {
  switch (r) {
  case AEON_KSP_ITERATING: return "ITERATING";
  case AEON_KSP_CONVERGED_RTOL: return "CONVERGED_RTOL";
  case AEON_KSP_CONVERGED_ATOL: return "CONVERGED_ATOL";
  case AEON_KSP_DIVERGED_ITS: return "DIVERGED_ITS";
  case AEON_KSP_DIVERGED_DTOL: return "DIVERGED_DTOL";
  case AEON_KSP_DIVERGED_BREAKDOWN: return "DIVERGED_BREAKDOWN";
  case AEON_KSP_DIVERGED_BREAKDOWN_BICG: return "DIVERGED_BREAKDOWN_BICG";
  case AEON_KSP_DIVERGED_INDEFINITE_PC: return "DIVERGED_INDEFINITE_PC";
  case AEON_KSP_DIVERGED_NANORINF: return "DIVERGED_NANORINF";
  case AEON_KSP_DIVERGED_INDEFINITE_MAT: return "DIVERGED_INDEFINITE_MAT";
  case AEON_KSP_CONVERGED_ITS: return "CONVERGED_ITS";
  case AEON_KSP_CONVERGED_HAPPY_BREAKDOWN: return "CONVERGED_HAPPY_BREAKDOWN";
  case AEON_KSP_DIVERGED_NULL: return "DIVERGED_NULL";
  case AEON_KSP_DIVERGED_NONSYMMETRIC: return "DIVERGED_NONSYMMETRIC";
  case AEON_KSP_DIVERGED_PC_FAILED: return "DIVERGED_PC_FAILED";
  }
  return "UNKNOWN";
}

aeon_ksp_opts aeon_ksp_defaults(void) {
  return (aeon_ksp_opts){.type = "gmres", .rtol = 1e-8, .atol = 1e-50, .dtol = 1e5, .max_it = 10000, .restart = 30,
                         .side = AEON_PC_RIGHT};
}

/* Refuses options out of range, naming the deck key. */
static aeon_err check_opts(const aeon_ksp_opts *o) {
  if (!o->type || !aeon_ksp_find(o->type)) {
    char names[256] = "";
    size_t used = 0;
    for (int i = 0; i < aeon_ksp_type_count() && used < sizeof names; i++)
      used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", aeon_ksp_type_get(i)->name);
    return AE_ERR(AEON_ERR_USER, "elliptic.ksp_type: unknown Krylov method '%s' (known: %s)",
                  o->type ? o->type : "(null)", names);
  }
  if (!(o->rtol >= 0 && o->rtol < 1) || !(o->atol >= 0) || !(o->dtol > 1))
    return AE_ERR(AEON_ERR_USER,
                  "elliptic.ksp_rtol %g must be in [0, 1), elliptic.ksp_atol %g >= 0, elliptic.ksp_dtol %g > 1",
                  o->rtol, o->atol, o->dtol);
  if (o->max_it < 0 || o->max_it > 100000000)
    return AE_ERR(AEON_ERR_USER, "elliptic.ksp_max_it %ld must be in [0, 1e8]", o->max_it);
  if (o->restart < 1 || o->restart > 200)
    return AE_ERR(AEON_ERR_USER, "elliptic.gmres_restart %d must be in [1, 200]", o->restart);
  return AEON_OK;
}

aeon_err aeon_ksp_create(const aeon_ksp_opts *o, const aeon_gop *A, const aeon_gpc *pc, const aeon_gvec *tmpl,
                         aeon_ksp **kp) {
  *kp = NULL;
  AE_CHK(check_opts(o));
  if (!A || !A->apply) return AE_ERR(AEON_ERR_INTERNAL, "aeon_ksp_create: no operator");
  aeon_ksp *k = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *k, (void **)&k));
  k->o = *o;
  k->t = aeon_ksp_find(o->type);
  k->o.type = k->t->name;
  k->A = *A;
  if (pc && pc->apply) {
    k->pc = *pc;
    k->have_pc = 1;
  }
  k->comm = tmpl->comm;
  MPI_Comm_rank(k->comm, &k->rank);
  *kp = k;
  k->nwork = k->t->nwork(&k->o);
  k->nscratch = k->t->nscratch(&k->o);
  k->nsums = k->t->nsums(&k->o);
  k->hist_cap = k->o.max_it + 1;
  AE_CHK(aeon_mem_alloc((size_t)k->nwork * sizeof(aeon_gvec), (void **)&k->w));
  aeon_gvec_kind kind = tmpl->m ? AEON_GVEC_GHOSTED : AEON_GVEC_COMPACT; /* no mesh: an operator without ghosts */
  for (int i = 0; i < k->nwork; i++) AE_CHK(aeon_gvec_clone(tmpl, kind, &k->w[i]));
  AE_CHK(aeon_mem_alloc((size_t)(k->nscratch > 0 ? k->nscratch : 1) * sizeof(double), (void **)&k->scratch));
  AE_CHK(aeon_mem_alloc((size_t)(k->nsums > 0 ? k->nsums : 1) * sizeof(aeon_xsum), (void **)&k->sums));
  AE_CHK(aeon_mem_alloc((size_t)k->hist_cap * sizeof(double), (void **)&k->hist));
  return AEON_OK;
}

void aeon_ksp_destroy(aeon_ksp *k) {
  if (!k) return;
  for (int i = 0; k->w && i < k->nwork; i++) aeon_gvec_destroy(&k->w[i]);
  aeon_mem_free(k->w);
  aeon_mem_free(k->scratch);
  aeon_mem_free(k->sums);
  aeon_mem_free(k->hist);
  aeon_mem_free(k);
}

const double *aeon_ksp_history(const aeon_ksp *k, long *n) {
  *n = k->nhist;
  return k->hist;
}

const aeon_ksp_opts *aeon_ksp_get_opts(const aeon_ksp *k) { return &k->o; }

aeon_err aeon_ksp_solve(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *res) {
  double t0 = MPI_Wtime();
  memset(&k->res, 0, sizeof k->res);
  k->nhist = 0;
  if (!k->o.nonzero_guess) AE_CHK(aeon_gvec_const(0.0, x));
  AE_CHK(k->t->solve(k, b, x));
  k->res.seconds = MPI_Wtime() - t0;
  if (res) *res = k->res;
  return AEON_OK;
}

/* ---- shared steps ---- */

aeon_err ksp_op(aeon_ksp *k, aeon_gvec *x, aeon_gvec *y) {
  k->res.applies++;
  return k->A.apply(k->A.ctx, x, y);
}

aeon_err ksp_pc(aeon_ksp *k, aeon_gvec *r, aeon_gvec *z) {
  if (!k->have_pc) return aeon_gvec_scale(1.0, r, z);
  k->res.pc_applies++;
  return k->pc.apply(k->pc.ctx, r, z);
}

aeon_err ksp_bop(aeon_ksp *k, aeon_gvec *x, aeon_gvec *y, aeon_gvec *tmp) {
  if (!k->have_pc) return ksp_op(k, x, y);
  if (k->o.side == AEON_PC_RIGHT) {
    AE_CHK(ksp_pc(k, x, tmp));
    return ksp_op(k, tmp, y);
  }
  AE_CHK(ksp_op(k, x, tmp));
  return ksp_pc(k, tmp, y);
}

aeon_err ksp_dots(aeon_ksp *k, int n, const aeon_gvec *const *X, const aeon_gvec *const *Y, double *out) {
  if (n > k->nsums) return AE_ERR(AEON_ERR_INTERNAL, "ksp_dots: %d dot products, %d accumulators", n, k->nsums);
  for (int i = 0; i < n; i++) {
    aeon_xsum_init(&k->sums[i]);
    AE_CHK(aeon_gvec_dotprod_local(X[i], Y[i], &k->sums[i]));
  }
  AE_CHK(aeon_xsum_allreduce(k->sums, n, k->comm));
  k->res.reductions++;
  for (int i = 0; i < n; i++) out[i] = aeon_xsum_value(&k->sums[i]);
  return AEON_OK;
}

aeon_err ksp_lincomb(int n, const double *c, const aeon_gvec *const *X, aeon_gvec *z) {
  /* first chunk: up to 16 terms straight into z; later chunks: z itself plus up to 15 terms */
  int first = n < AEON_GVEC_MAXVEC ? n : AEON_GVEC_MAXVEC;
  AE_CHK(aeon_gvec_linearcombination(first, c, X, z));
  double cc[AEON_GVEC_MAXVEC];
  const aeon_gvec *XX[AEON_GVEC_MAXVEC];
  for (int s = first; s < n; s += AEON_GVEC_MAXVEC - 1) {
    int m = n - s < AEON_GVEC_MAXVEC - 1 ? n - s : AEON_GVEC_MAXVEC - 1;
    cc[0] = 1.0;
    XX[0] = z;
    for (int i = 0; i < m; i++) {
      cc[i + 1] = c[s + i];
      XX[i + 1] = X[s + i];
    }
    AE_CHK(aeon_gvec_linearcombination(m + 1, cc, XX, z));
  }
  return AEON_OK;
}

aeon_err ksp_initial_residual(aeon_ksp *k, aeon_gvec *b, aeon_gvec *x, aeon_gvec *c, aeon_gvec *tmp,
                              aeon_gvec *tmp2, int first) {
  aeon_gvec *r = (k->have_pc && k->o.side == AEON_PC_LEFT) ? tmp2 : c;
  if (first && !k->o.nonzero_guess) {
    AE_CHK(aeon_gvec_scale(1.0, b, r));
  } else {
    AE_CHK(aeon_gvec_scale(1.0, x, tmp)); /* ghosted copy of x */
    AE_CHK(ksp_op(k, tmp, r));
    AE_CHK(aeon_gvec_linearsum(1.0, b, -1.0, r, r));
  }
  if (r != c) AE_CHK(ksp_pc(k, r, c));
  return AEON_OK;
}

aeon_err ksp_update_x(aeon_ksp *k, aeon_gvec *e, aeon_gvec *x, aeon_gvec *tmp) {
  if (k->have_pc && k->o.side == AEON_PC_RIGHT) {
    AE_CHK(ksp_pc(k, e, tmp));
    e = tmp;
  }
  return aeon_gvec_linearsum(1.0, x, 1.0, e, x);
}

static void monitor(const aeon_ksp *k, long its, double rnorm) {
  if (!k->o.monitor || k->rank != 0) return;
  FILE *out = k->o.monitor_out ? k->o.monitor_out : stdout;
  fprintf(out, "%4ld KSP %s residual norm %.12e\n", its,
          k->have_pc && k->o.side == AEON_PC_LEFT && strcmp(k->o.type, "cg") ? "preconditioned" : "unpreconditioned",
          rnorm);
  fflush(out);
}

aeon_ksp_reason ksp_test(aeon_ksp *k, long its, double rnorm) {
  k->res.its = its;
  k->res.rnorm = rnorm;
  if (its == 0) k->res.rnorm0 = rnorm;
  if (k->nhist < k->hist_cap) k->hist[k->nhist++] = rnorm;
  monitor(k, its, rnorm);
  aeon_ksp_reason r = AEON_KSP_ITERATING;
  double r0 = k->res.rnorm0;
  if (!isfinite(rnorm)) r = AEON_KSP_DIVERGED_NANORINF;
  else if (rnorm <= k->o.atol) r = AEON_KSP_CONVERGED_ATOL;
  else if (rnorm <= k->o.rtol * r0) r = AEON_KSP_CONVERGED_RTOL;
  else if (its > 0 && rnorm >= k->o.dtol * r0) r = AEON_KSP_DIVERGED_DTOL;
  else if (its >= k->o.max_it) r = AEON_KSP_DIVERGED_ITS;
  k->res.reason = r;
  return r;
}

void ksp_stop(aeon_ksp *k, aeon_ksp_reason r) { k->res.reason = r; }

aeon_err aeon_ksp_register_builtins(void) {
  extern const aeon_ksp_type aeon_ksp_cg, aeon_ksp_gmres, aeon_ksp_bicgstab;
  AE_CHK(aeon_ksp_register(&aeon_ksp_cg));
  AE_CHK(aeon_ksp_register(&aeon_ksp_gmres));
  AE_CHK(aeon_ksp_register(&aeon_ksp_bicgstab));
  return AEON_OK;
}
