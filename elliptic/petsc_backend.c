/* The PETSc backend (aeon/petsc_backend.h). Create: a KSP with the options
 * prefix, then either (shell) a MatShell of the Aeon operator and PETSc
 * vectors in Aeon's layout (each rank's interior, x fastest) with a PCShell
 * of the Aeon preconditioner, or (assembled) a DMDA split in slabs across
 * Aeon's process grid, the model problem's 7-point matrix assembled on it
 * (Dirichlet neighbours folded into the diagonal, periodic ones wrapped), the
 * two layouts and a redistribution plan each way. The deck's settings are
 * applied, then KSPSetFromOptions lets -PREFIX options override them. Solve:
 * b is copied (shell) or redistributed (assembled) into a PETSc vector,
 * KSPSolve runs, x comes back the same way; the reason, iterations, first and
 * last residual norms (recorded by a monitor, which also prints the native
 * backend's monitor lines when asked) fill an aeon_ksp_result. A MatShell
 * multiply copies x into a ghosted Aeon vector (the operator refreshes its
 * ghosts) and applies the operator into a view of y's array. */
#include <string.h>

#include <petscdmda.h>
#include <petscksp.h>

#include "aeon/layout.h"
#include "aeon/memory.h"
#include "aeon/petsc_backend.h"

/* Calls a PETSc function; a failure becomes AEON_ERR_LIB naming the call. */
#define PCHK(call)                                                                       \
  do {                                                                                   \
    PetscErrorCode pchk_e_ = (call);                                                     \
    if (pchk_e_) return AE_ERR(AEON_ERR_LIB, "PETSc: %s failed (error %d)", #call, (int)pchk_e_); \
  } while (0)

static int we_initialized;

int aeon_petsc_available(void) { return 1; }

const char *aeon_petsc_version(void) {
  static char v[32];
  snprintf(v, sizeof v, "%d.%d.%d", PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR);
  return v;
}

aeon_err aeon_petsc_initialize(const char *options) {
  PetscBool done = PETSC_FALSE;
  PCHK(PetscInitialized(&done));
  if (!done) {
    PCHK(PetscOptionsSetValue(NULL, "-no_signal_handler", NULL));
    PCHK(PetscInitializeNoArguments());
    we_initialized = 1;
  }
  if (options && *options) PCHK(PetscOptionsInsertString(NULL, options));
  return AEON_OK;
}

void aeon_petsc_finalize(void) {
  if (we_initialized) PetscFinalize();
  we_initialized = 0;
}

struct aeon_petsc {
  aeon_petsc_opts o;
  char prefix[64], desc[160];
  MPI_Comm comm;
  int rank;
  KSP ksp;
  Mat A;
  Vec b, x;
  /* shell path */
  aeon_gop op;
  aeon_gpc pc;
  int have_pc;
  aeon_gvec vin, vout, gin, gout; /* compact views of PETSc arrays; ghosted scratch */
  /* assembled path */
  int assembled;
  DM da;
  aeon_layout *Lmesh, *Lda;
  aeon_redist *to_da, *from_da;
  int sh[3];    /* vertex model: 1 where the DMDA holds the boundary nodes too (identity rows), else 0 */
  long Nda[3];  /* the DMDA's global size: the mesh's N + 2 sh */
  aeon_ksp_result res;
};

/* ---- shell path: MatShell and PCShell over Aeon's ops ---- */

static PetscErrorCode shell_mult(Mat A, Vec x, Vec y) {
  aeon_petsc *P;
  const PetscScalar *xa;
  PetscScalar *ya;
  PetscCall(MatShellGetContext(A, &P));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArray(y, &ya));
  aeon_err e = aeon_gvec_set_array(&P->vin, (double *)xa);
  if (!e) e = aeon_gvec_set_array(&P->vout, ya);
  if (!e) e = aeon_gvec_scale(1.0, &P->vin, &P->gin);
  if (!e) e = aeon_gop_apply(&P->op, &P->gin, &P->vout);
  P->res.applies++;
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(x, &xa));
  return e ? PETSC_ERR_LIB : 0;
}

static PetscErrorCode shell_diagonal(Mat A, Vec d) {
  aeon_petsc *P;
  PetscScalar *da;
  PetscCall(MatShellGetContext(A, &P));
  PetscCall(VecGetArray(d, &da));
  aeon_err e = aeon_gvec_set_array(&P->vout, da);
  if (!e) e = P->op.diagonal(P->op.ctx, &P->vout);
  PetscCall(VecRestoreArray(d, &da));
  return e ? PETSC_ERR_LIB : 0;
}

static PetscErrorCode shell_pc_apply(PC pc, Vec r, Vec z) {
  aeon_petsc *P;
  const PetscScalar *ra;
  PetscScalar *za;
  PetscCall(PCShellGetContext(pc, &P));
  PetscCall(VecGetArrayRead(r, &ra));
  PetscCall(VecGetArray(z, &za));
  aeon_err e = aeon_gvec_set_array(&P->vin, (double *)ra);
  if (!e) e = aeon_gvec_set_array(&P->vout, za);
  if (!e) e = aeon_gvec_scale(1.0, &P->vin, &P->gin);
  if (!e) e = aeon_gpc_apply(&P->pc, &P->gin, &P->gout);
  if (!e) e = aeon_gvec_scale(1.0, &P->gout, &P->vout);
  P->res.pc_applies++;
  PetscCall(VecRestoreArray(z, &za));
  PetscCall(VecRestoreArrayRead(r, &ra));
  return e ? PETSC_ERR_LIB : 0;
}

static aeon_err shell_create(aeon_petsc *P, const aeon_gvec *tmpl) {
  long nloc = aeon_gvec_length(tmpl);
  long N = 1;
  for (int d = 0; d < 3; d++) N *= tmpl->m->N[d];
  AE_CHK(aeon_gvec_view_compact(tmpl->m, 1, &tmpl->box, NULL, P->comm, &P->vin));
  AE_CHK(aeon_gvec_view_compact(tmpl->m, 1, &tmpl->box, NULL, P->comm, &P->vout));
  AE_CHK(aeon_gvec_clone(tmpl, AEON_GVEC_GHOSTED, &P->gin));
  AE_CHK(aeon_gvec_clone(tmpl, AEON_GVEC_GHOSTED, &P->gout));
  PCHK(MatCreateShell(P->comm, (PetscInt)nloc, (PetscInt)nloc, (PetscInt)N, (PetscInt)N, P, &P->A));
  PCHK(MatShellSetOperation(P->A, MATOP_MULT, (void (*)(void))shell_mult));
  if (P->op.diagonal) PCHK(MatShellSetOperation(P->A, MATOP_GET_DIAGONAL, (void (*)(void))shell_diagonal));
  PCHK(MatCreateVecs(P->A, &P->x, &P->b));
  PCHK(KSPSetOperators(P->ksp, P->A, P->A));
  PC pc;
  PCHK(KSPGetPC(P->ksp, &pc));
  const char *t = P->o.pc ? P->o.pc : "shell";
  if (!strcmp(t, "shell") && P->have_pc) {
    PCHK(PCSetType(pc, PCSHELL));
    PCHK(PCShellSetContext(pc, P));
    PCHK(PCShellSetApply(pc, shell_pc_apply));
    PCHK(PCShellSetName(pc, P->pc.name ? P->pc.name : "aeon"));
  } else if (!strcmp(t, "jacobi")) {
    if (!P->op.diagonal)
      return AE_ERR(AEON_ERR_USER, "elliptic.petsc_pc: jacobi needs the operator's diagonal, which '%s' lacks",
                    P->op.name ? P->op.name : "the operator");
    PCHK(PCSetType(pc, PCJACOBI));
  } else if (!strcmp(t, "shell") || !strcmp(t, "none")) {
    PCHK(PCSetType(pc, PCNONE));
  } else {
    return AE_ERR(AEON_ERR_USER, "elliptic.petsc_pc: '%s' needs an assembled matrix (use the model problem)", t);
  }
  return AEON_OK;
}

/* ---- assembled path: DMDA, matrix, layouts ---- */

/* The DMDA's process grid: slabs along a direction Aeon's grid does not split (else along x), so the ownership
 * differs from the mesh's whenever there is more than one rank. */
static void da_dims(const aeon_mesh *m, int size, PetscInt dims[3]) {
  int dir = 0;
  for (int d = 2; d >= 0; d--)
    if (m->par->dims[d] == 1 && m->N[d] >= size) dir = d;
  if (m->par->dims[dir] != 1) dir = m->par->dims[0] == size ? 2 : 0;
  for (int d = 0; d < 3; d++) dims[d] = d == dir ? size : 1;
}

/* Assembles the model's matrix on the DMDA. A vertex model's DMDA also holds the boundary nodes (as PETSc's own
 * vertex-centred examples do, so PCMG coarsens 129 -> 65 -> 33 ...): identity rows scaled like the interior
 * diagonal, right-hand side 0 there, no coupling into them (the matrix stays symmetric). */
static aeon_err assemble(aeon_petsc *P, const aeon_model *model) {
  const aeon_mesh *m = aeon_model_mesh(model);
  PetscInt xs, ys, zs, xm, ym, zm;
  PCHK(DMDAGetCorners(P->da, &xs, &ys, &zs, &xm, &ym, &zm));
  PCHK(DMCreateMatrix(P->da, &P->A));
  int dirichlet[3];
  for (int d = 0; d < 3; d++) dirichlet[d] = m->bc[2 * d] == AEON_BC_DIRICHLET;
  for (PetscInt k = zs; k < zs + zm; k++)
    for (PetscInt j = ys; j < ys + ym; j++)
      for (PetscInt i = xs; i < xs + xm; i++) {
        long g[3] = {i - P->sh[0], j - P->sh[1], k - P->sh[2]};
        int boundary = 0;
        for (int d = 0; d < 3; d++) boundary |= g[d] < 0 || g[d] >= m->N[d];
        double c[7];
        long gc[3] = {g[0] < 0 ? 0 : g[0], g[1] < 0 ? 0 : g[1], g[2] < 0 ? 0 : g[2]};
        for (int d = 0; d < 3; d++) gc[d] = gc[d] >= m->N[d] ? m->N[d] - 1 : gc[d];
        aeon_model_stencil(model, gc, c);
        MatStencil row = {.k = k, .j = j, .i = i}, col[7];
        PetscScalar v[7];
        int n = 1;
        col[0] = row;
        v[0] = c[0];
        if (boundary) {
          PCHK(MatSetValuesStencil(P->A, 1, &row, 1, col, v, INSERT_VALUES));
          continue;
        }
        for (int f = 0; f < 6; f++) {
          int d = f / 2;
          long q = g[d] + (f % 2 ? 1 : -1);
          if (dirichlet[d] && (q < 0 || q >= m->N[d])) {
            if (!aeon_model_get_spec(model)->vertex) v[0] -= c[1 + f]; /* cell: odd reflection; vertex: 0 */
            continue;
          }
          MatStencil s = row;
          if (d == 0) s.i = (PetscInt)(q + P->sh[0]);
          if (d == 1) s.j = (PetscInt)(q + P->sh[1]);
          if (d == 2) s.k = (PetscInt)(q + P->sh[2]);
          col[n] = s;
          v[n++] = c[1 + f];
        }
        PCHK(MatSetValuesStencil(P->A, 1, &row, n, col, v, INSERT_VALUES));
      }
  PCHK(MatAssemblyBegin(P->A, MAT_FINAL_ASSEMBLY));
  PCHK(MatAssemblyEnd(P->A, MAT_FINAL_ASSEMBLY));
  return AEON_OK;
}

/* Default PETSc settings of a preconditioner, given as options so that -PREFIX options override them. */
static aeon_err set_default(const aeon_petsc *P, const char *name, const char *value) {
  char key[128];
  snprintf(key, sizeof key, "-%s%s", P->prefix, name);
  PetscBool has;
  PCHK(PetscOptionsHasName(NULL, NULL, key, &has));
  if (!has) PCHK(PetscOptionsSetValue(NULL, key, value));
  return AEON_OK;
}

static int mg_levels(const aeon_petsc *P, const aeon_mesh *m, int want) {
  if (want > 0) return want;
  if (P->sh[0] || P->sh[1] || P->sh[2]) { /* vertex DMDA: (N - 1) halves while the coarse grid keeps >= 5 nodes */
    int L = 1, ok = 1;
    for (long f = 2; ok && L < 10; f *= 2) {
      for (int d = 0; d < 3; d++) ok &= (P->Nda[d] - 1) % f == 0 && (P->Nda[d] - 1) / f >= 4;
      L += ok;
    }
    return L;
  }
  int L = 1;
  long n = m->N[0] < m->N[1] ? m->N[0] : m->N[1];
  n = n < m->N[2] ? n : m->N[2];
  int even = 1;
  for (int d = 0; d < 3; d++) even &= (m->N[d] % 2 == 0);
  while (even && n % 2 == 0 && n / 2 >= 4 && L < 10) {
    n /= 2;
    L++;
    even = 1;
    for (int d = 0; d < 3; d++) even &= ((m->N[d] >> (L - 1)) % 2 == 0);
  }
  return L;
}

static aeon_err assembled_pc(aeon_petsc *P, const aeon_mesh *m) {
  PC pc;
  PCHK(KSPGetPC(P->ksp, &pc));
  const char *t = P->o.pc;
  if (!strcmp(t, "none") || !strcmp(t, "shell")) {
    PCHK(PCSetType(pc, PCNONE));
  } else if (!strcmp(t, "jacobi")) {
    PCHK(PCSetType(pc, PCJACOBI));
  } else if (!strcmp(t, "sor")) {
    PCHK(PCSetType(pc, PCSOR));
  } else if (!strcmp(t, "mg")) {
    PCHK(KSPSetDM(P->ksp, P->da));
    PCHK(KSPSetDMActive(P->ksp, PETSC_FALSE));
    PCHK(PCSetType(pc, PCMG));
    PCHK(PCMGSetLevels(pc, mg_levels(P, m, P->o.mg_levels), NULL));
    PCHK(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
    AE_CHK(set_default(P, "mg_levels_ksp_type", "richardson"));
    AE_CHK(set_default(P, "mg_levels_pc_type", "sor"));
    AE_CHK(set_default(P, "mg_levels_ksp_max_it", "2"));
  } else if (!strcmp(t, "gamg")) {
    PCHK(PCSetType(pc, PCGAMG));
  } else if (!strcmp(t, "hypre")) {
    PCHK(PCSetType(pc, PCHYPRE));
    PCHK(PCHYPRESetType(pc, "boomeramg"));
  } else {
    return AE_ERR(AEON_ERR_USER, "elliptic.petsc_pc: unknown preconditioner '%s' (shell|none|jacobi|sor|mg|gamg|hypre)",
                  t);
  }
  return AEON_OK;
}

static aeon_err assembled_create(aeon_petsc *P, const aeon_model *model) {
  if (!model)
    return AE_ERR(AEON_ERR_USER, "elliptic.petsc_pc: '%s' needs an assembled matrix, which only the model problems "
                  "offer", P->o.pc);
  const aeon_mesh *m = aeon_model_mesh(model);
  int size;
  MPI_Comm_size(P->comm, &size);
  PetscInt dims[3];
  da_dims(m, size, dims);
  DMBoundaryType bt[3];
  int vertex = aeon_model_get_spec(model)->vertex;
  for (int d = 0; d < 3; d++) {
    bt[d] = m->bc[2 * d] == AEON_BC_PERIODIC ? DM_BOUNDARY_PERIODIC : DM_BOUNDARY_NONE;
    P->sh[d] = vertex && bt[d] == DM_BOUNDARY_NONE;
    P->Nda[d] = m->N[d] + 2 * P->sh[d];
  }
  PCHK(DMDACreate3d(P->comm, bt[0], bt[1], bt[2], DMDA_STENCIL_STAR, (PetscInt)P->Nda[0], (PetscInt)P->Nda[1],
                    (PetscInt)P->Nda[2], dims[0], dims[1], dims[2], 1, 1, NULL, NULL, NULL, &P->da));
  PCHK(DMSetUp(P->da));
  PCHK(DMDASetInterpolationType(P->da, vertex ? DMDA_Q1 : DMDA_Q0));
  AE_CHK(assemble(P, model));
  PCHK(DMCreateGlobalVector(P->da, &P->b));
  PCHK(VecDuplicate(P->b, &P->x));
  PCHK(KSPSetOperators(P->ksp, P->A, P->A));
  PetscInt xs, ys, zs, xm, ym, zm;
  PCHK(DMDAGetCorners(P->da, &xs, &ys, &zs, &xm, &ym, &zm));
  aeon_box mine = {{(int)xs, (int)ys, (int)zs}, {(int)(xs + xm), (int)(ys + ym), (int)(zs + zm)}};
  aeon_box patch;
  for (int d = 0; d < 3; d++) {
    patch.lo[d] = (int)(m->off[d] + P->sh[d]);
    patch.hi[d] = patch.lo[d] + m->n[d];
  }
  int partial = P->sh[0] || P->sh[1] || P->sh[2] ? AEON_LAYOUT_PARTIAL : 0;
  AE_CHK(aeon_layout_create(m->par->cart, P->Nda, &patch, partial, &P->Lmesh));
  AE_CHK(aeon_layout_create(aeon_layout_comm(P->Lmesh), P->Nda, &mine, 0, &P->Lda));
  AE_CHK(aeon_redist_create(P->Lmesh, P->Lda, 1, &P->to_da));
  AE_CHK(aeon_redist_create(P->Lda, P->Lmesh, 1, &P->from_da));
  AE_CHK(assembled_pc(P, m));
  snprintf(P->desc + strlen(P->desc), sizeof P->desc - strlen(P->desc), " (assembled, DMDA %dx%dx%d)",
           (int)dims[0], (int)dims[1], (int)dims[2]);
  return AEON_OK;
}

/* ---- both paths ---- */

static PetscErrorCode monitor(KSP ksp, PetscInt it, PetscReal rnorm, void *ctx) {
  aeon_petsc *P = ctx;
  if (it == 0) P->res.rnorm0 = rnorm;
  if (P->o.ksp.monitor && P->rank == 0) {
    FILE *out = P->o.ksp.monitor_out ? P->o.ksp.monitor_out : stdout;
    fprintf(out, "%4ld KSP (petsc) residual norm %.12e\n", (long)it, (double)rnorm);
    fflush(out);
  }
  return 0;
}

/* The PETSc name of a method: bicgstab is bcgs; others pass through. */
static const char *ksp_name(const char *t) { return !strcmp(t, "bicgstab") ? KSPBCGS : t; }

static aeon_err configure_ksp(aeon_petsc *P) {
  const aeon_ksp_opts *o = &P->o.ksp;
  PCHK(KSPSetType(P->ksp, ksp_name(o->type)));
  PCHK(KSPSetTolerances(P->ksp, o->rtol, o->atol, o->dtol, (PetscInt)o->max_it));
  PCHK(KSPSetInitialGuessNonzero(P->ksp, o->nonzero_guess ? PETSC_TRUE : PETSC_FALSE));
  if (!strcmp(o->type, "gmres")) {
    PCHK(KSPGMRESSetRestart(P->ksp, o->restart));
    PCHK(KSPGMRESSetOrthogonalization(P->ksp, KSPGMRESClassicalGramSchmidtOrthogonalization));
    PCHK(KSPGMRESSetCGSRefinementType(P->ksp, KSP_GMRES_CGS_REFINE_ALWAYS));
  }
  if (!strcmp(o->type, "cg")) {
    PCHK(KSPSetNormType(P->ksp, KSP_NORM_UNPRECONDITIONED));
  } else {
    PCHK(KSPSetPCSide(P->ksp, o->side == AEON_PC_LEFT ? PC_LEFT : PC_RIGHT));
  }
  PCHK(KSPMonitorSet(P->ksp, monitor, P, NULL));
  PCHK(KSPSetFromOptions(P->ksp));
  return AEON_OK;
}

aeon_err aeon_petsc_create(const aeon_petsc_opts *o, const aeon_gop *A, const aeon_gpc *pc, const aeon_model *model,
                           const aeon_gvec *tmpl, aeon_petsc **Pp) {
  *Pp = NULL;
  AE_CHK(aeon_petsc_initialize(NULL));
  aeon_petsc *P = NULL;
  AE_CHK(aeon_mem_alloc(sizeof *P, (void **)&P));
  *Pp = P;
  P->o = *o;
  if (!P->o.pc) P->o.pc = "shell";
  snprintf(P->prefix, sizeof P->prefix, "%s", o->prefix ? o->prefix : "aeon_");
  P->comm = tmpl->comm;
  MPI_Comm_rank(P->comm, &P->rank);
  if (A) P->op = *A;
  if (pc && pc->apply) {
    P->pc = *pc;
    P->have_pc = 1;
  }
  const char *t = P->o.pc;
  P->assembled = o->assembled || !strcmp(t, "sor") || !strcmp(t, "mg") || !strcmp(t, "gamg") || !strcmp(t, "hypre");
  snprintf(P->desc, sizeof P->desc, "petsc %s + %s", o->ksp.type,
           !strcmp(t, "shell") ? (P->have_pc ? (P->pc.name ? P->pc.name : "shell") : "none") : t);
  PCHK(KSPCreate(P->comm, &P->ksp));
  PCHK(KSPSetOptionsPrefix(P->ksp, P->prefix));
  if (P->assembled) {
    AE_CHK(assembled_create(P, model));
  } else {
    if (!A) return AE_ERR(AEON_ERR_INTERNAL, "aeon_petsc_create: the shell path needs an operator");
    AE_CHK(shell_create(P, tmpl));
    snprintf(P->desc + strlen(P->desc), sizeof P->desc - strlen(P->desc), " (MatShell%s)",
             !strcmp(t, "shell") && P->have_pc ? " + PCShell" : "");
  }
  return configure_ksp(P);
}

aeon_err aeon_petsc_setup(aeon_petsc *P) {
  PCHK(KSPSetUp(P->ksp));
  PC pc;
  PCHK(KSPGetPC(P->ksp, &pc));
  PCHK(PCSetUp(pc));
  return AEON_OK;
}

/* The array view of an Aeon vector on its global box (for the redistribution). */
static aeon_array gvec_array(const aeon_petsc *P, const aeon_gvec *x) {
  const aeon_box *b = &x->box;
  aeon_array a = {.data = x->data, .nvar = 1, .vstride = x->vstride, .sy = x->sy, .sz = x->sz};
  a.base = x->base + b->lo[0] + (long)b->lo[1] * x->sy + (long)b->lo[2] * x->sz;
  for (int d = 0; d < 3; d++) {
    a.box.lo[d] = (int)(x->m->off[d] + b->lo[d] + P->sh[d]);
    a.box.hi[d] = (int)(x->m->off[d] + b->hi[d] + P->sh[d]);
  }
  return a;
}

/* Moves x (Aeon) into v (PETSc) or back (dir 1). */
static aeon_err move(aeon_petsc *P, aeon_gvec *x, Vec v, int back) {
  PetscScalar *va;
  PCHK(VecGetArray(v, &va));
  aeon_err e;
  if (P->assembled) {
    aeon_array a = gvec_array(P, x), d = aeon_array_compact(P->Lda, 1, va);
    e = back ? aeon_redist_apply(P->from_da, &d, &a) : aeon_redist_apply(P->to_da, &a, &d);
  } else {
    e = aeon_gvec_set_array(&P->vout, va);
    if (!e) e = back ? aeon_gvec_scale(1.0, &P->vout, x) : aeon_gvec_scale(1.0, x, &P->vout);
  }
  PCHK(VecRestoreArray(v, &va));
  return e;
}

aeon_err aeon_petsc_solve(aeon_petsc *P, aeon_gvec *b, aeon_gvec *x, aeon_ksp_result *res) {
  double t0 = MPI_Wtime();
  memset(&P->res, 0, sizeof P->res);
  AE_CHK(move(P, b, P->b, 0));
  if (P->o.ksp.nonzero_guess) AE_CHK(move(P, x, P->x, 0));
  PCHK(KSPSolve(P->ksp, P->b, P->x));
  KSPConvergedReason why;
  PetscInt its;
  PetscReal rn;
  PCHK(KSPGetConvergedReason(P->ksp, &why));
  PCHK(KSPGetIterationNumber(P->ksp, &its));
  PCHK(KSPGetResidualNorm(P->ksp, &rn));
  AE_CHK(move(P, x, P->x, 1));
  P->res.reason = (aeon_ksp_reason)why;
  P->res.its = its;
  P->res.rnorm = rn;
  if (P->assembled) P->res.applies = its;
  P->res.seconds = MPI_Wtime() - t0;
  if (res) *res = P->res;
  return AEON_OK;
}

const char *aeon_petsc_describe(const aeon_petsc *P) { return P->desc; }

void aeon_petsc_destroy(aeon_petsc *P) {
  if (!P) return;
  KSPDestroy(&P->ksp);
  MatDestroy(&P->A);
  VecDestroy(&P->b);
  VecDestroy(&P->x);
  DMDestroy(&P->da);
  aeon_redist_destroy(P->to_da);
  aeon_redist_destroy(P->from_da);
  aeon_layout_destroy(P->Lda);
  aeon_layout_destroy(P->Lmesh);
  aeon_gvec_destroy(&P->gin);
  aeon_gvec_destroy(&P->gout);
  aeon_mem_free(P);
}
