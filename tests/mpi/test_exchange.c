/* ranks: 1 2 3 4 */
/* Ghost exchange and symmetry: after an exchange every ghost holds the value of
 * the point it stands for (periodic wrap, or mirror image times parity), for
 * several decompositions, all 26 directions, on periodic, symmetry and mixed boxes.
 * Plans for a subset of the variables and a width below grid.ghost: two of them
 * in flight at once (started in opposite orders on even and odd ranks, finished
 * in reverse) give exactly what the full exchange gives for their variables and
 * layers and leave every other ghost untouched; bad widths and variable indices
 * are refused with their message. Thin periodic directions (fewer points than
 * the ghost width, one rank across them: 1 and 2 points) wrap as often as
 * needed; a thin direction that is split over ranks or not periodic is refused. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/mesh.h"

/* A function of the global index that differs everywhere. */
static double fval(long gi, long gj, long gk, int v) { return 1e6 * v + 10000.0 * gk + 100.0 * gj + gi + 0.5; }

/* Global index and sign a ghost point stands for; returns 0 if the point is outside a radiative face. */
static int source(const aeon_mesh *m, const int p[3], long g[3], double *sign, int v, const int par[2][3]) {
  *sign = 1.0;
  for (int d = 0; d < 3; d++) {
    long x = m->off[d] + p[d];
    if (x < 0 || x >= m->N[d]) {
      aeon_bc bc = m->bc[2 * d + (x >= m->N[d])];
      if (bc == AEON_BC_PERIODIC) x = (x % m->N[d] + m->N[d]) % m->N[d];
      else if (bc == AEON_BC_SYMMETRY) {
        x = x < 0 ? -1 - x : 2 * m->N[d] - 1 - x;
        *sign *= par[v][d];
      } else return 0;
    }
    g[d] = x;
  }
  return 1;
}

/* Builds the process grid and this rank's patch of an N box on [0,1]^3 with the given ghost width. */
static int make_mesh(MPI_Comm comm, const long N[3], const aeon_bc bc[6], const int dims[3], int ghost, aeon_mesh *m,
                     aeon_par *par) {
  memset(m, 0, sizeof *m);
  for (int d = 0; d < 3; d++) {
    m->N[d] = N[d];
    m->xmin[d] = 0;
    m->xmax[d] = 1;
    m->dx[d] = 1.0 / N[d];
  }
  m->ghost = ghost;
  memcpy(m->bc, bc, sizeof m->bc);
  int periodic[3];
  aeon_mesh_periodicity(m, periodic);
  if (aeon_par_create(comm, dims, periodic, N, par) || aeon_mesh_setup_patch(m, par)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  return 0;
}

static int check_case(MPI_Comm comm, const long N[3], const aeon_bc bc[6], const int dims[3]) {
  aeon_mesh m;
  aeon_par par;
  if (make_mesh(comm, N, bc, dims, 3, &m, &par)) return 1;
  const int parity[2][3] = {{1, 1, 1}, {-1, 1, -1}};
  aeon_fields f;
  aeon_exchange *ex;
  aeon_fields_create(&m, 2, &f);
  aeon_exchange_create(&m, 2, &ex);
  for (int v = 0; v < 2; v++)
    for (int k = 0; k < m.n[2]; k++)
      for (int j = 0; j < m.n[1]; j++)
        for (int i = 0; i < m.n[0]; i++)
          aeon_var(&f, v)[aeon_idx(&m, i, j, k)] = fval(m.off[0] + i, m.off[1] + j, m.off[2] + k, v);
  aeon_exchange_start(ex, &f);
  aeon_exchange_finish(ex, &f);
  aeon_mesh_fill_symmetry(&m, &f, parity);
  long bad = 0, checked = 0;
  int p[3];
  for (int v = 0; v < 2; v++)
    for (p[2] = -3; p[2] < m.n[2] + 3; p[2]++)
      for (p[1] = -3; p[1] < m.n[1] + 3; p[1]++)
        for (p[0] = -3; p[0] < m.n[0] + 3; p[0]++) {
          long g[3];
          double sign;
          if (!source(&m, p, g, &sign, v, parity)) continue;
          double want = sign * fval(g[0], g[1], g[2], v);
          double got = aeon_var(&f, v)[aeon_idx(&m, p[0], p[1], p[2])];
          checked++;
          if (got != want && bad++ < 3)
            fprintf(stderr, "rank %d: point (%d,%d,%d) var %d: got %.1f want %.1f\n", par.rank, p[0], p[1], p[2], v, got, want);
        }
  long tot[2] = {bad, checked}, all[2];
  MPI_Allreduce(tot, all, 2, MPI_LONG, MPI_SUM, comm);
  if (par.rank == 0)
    printf("dims %dx%dx%d bc %d%d%d%d%d%d: %ld points checked, %ld wrong\n", par.dims[0], par.dims[1], par.dims[2],
           bc[0], bc[1], bc[2], bc[3], bc[4], bc[5], all[1], all[0]);
  aeon_exchange_destroy(ex);
  aeon_fields_destroy(&f);
  aeon_par_destroy(&par);
  return all[0] != 0 || all[1] == 0;
}

#define NV 3
#define SENTINEL (-12345.0)

/* 1 if p lies within w points of the evolved box in every direction (the layers a width-w exchange may fill). */
static int within(const aeon_mesh *m, const int p[3], int w) {
  for (int d = 0; d < 3; d++)
    if (p[d] < m->evolved.lo[d] - w || p[d] >= m->evolved.hi[d] + w) return 0;
  return 1;
}

/* Sets every evolved point of every variable to fval and every other point to the sentinel. */
static void fill_sentinel(const aeon_mesh *m, aeon_fields *f) {
  int p[3];
  for (int v = 0; v < f->nvar; v++)
    for (p[2] = m->valid.lo[2]; p[2] < m->valid.hi[2]; p[2]++)
      for (p[1] = m->valid.lo[1]; p[1] < m->valid.hi[1]; p[1]++)
        for (p[0] = m->valid.lo[0]; p[0] < m->valid.hi[0]; p[0]++)
          aeon_var(f, v)[aeon_idx(m, p[0], p[1], p[2])] =
              within(m, p, 0) ? fval(m->off[0] + p[0], m->off[1] + p[1], m->off[2] + p[2], v) : SENTINEL;
}

/* What a full exchange (before the symmetry fill) leaves at p, with evolved points set by fill_sentinel: the value of
 * the point p stands for across neighbours and periodic wraps, radiative ghosts included; the sentinel beyond a
 * symmetry face. */
static double full_value(const aeon_mesh *m, const int p[3], int v) {
  long g[3];
  for (int d = 0; d < 3; d++) {
    int side = 2 * d + (p[d] >= m->n[d]);
    g[d] = m->off[d] + p[d];
    if (p[d] >= 0 && p[d] < m->n[d]) continue;
    if (m->physical[side] && m->bc[side] == AEON_BC_SYMMETRY) return SENTINEL;
    if (!m->physical[side]) g[d] = (g[d] % m->N[d] + m->N[d]) % m->N[d];
  }
  return fval(g[0], g[1], g[2], v);
}

/* Counts the points where the full exchange's result ref differs from full_value. */
static long check_full(const aeon_mesh *m, const aeon_fields *ref, int rank) {
  long bad = 0;
  int p[3];
  for (int v = 0; v < NV; v++)
    for (p[2] = m->valid.lo[2]; p[2] < m->valid.hi[2]; p[2]++)
      for (p[1] = m->valid.lo[1]; p[1] < m->valid.hi[1]; p[1]++)
        for (p[0] = m->valid.lo[0]; p[0] < m->valid.hi[0]; p[0]++) {
          double got = aeon_var(ref, v)[aeon_idx(m, p[0], p[1], p[2])], want = full_value(m, p, v);
          if (got != want && bad++ < 3)
            fprintf(stderr, "rank %d: full exchange, point (%d,%d,%d) var %d: got %.1f want %.1f\n", rank, p[0],
                    p[1], p[2], v, got, want);
        }
  return bad;
}

typedef struct {
  int nsel, vars[NV], width;
} plan_spec;

/* Compares f after the plans with orig (before) and ref (after a full exchange): a variable of plan q at a point
 * within its width must equal ref, every other point must equal orig. Counts the points the plans filled
 * (changed[0]) and the points the full exchange changes but the plans must not (changed[1]). */
static long compare(const aeon_mesh *m, const aeon_fields *f, const aeon_fields *orig, const aeon_fields *ref,
                    const plan_spec *ps, int np, long changed[2], int rank) {
  long bad = 0;
  int p[3];
  for (int v = 0; v < NV; v++) {
    int w = 0;
    for (int q = 0; q < np; q++)
      for (int s = 0; s < ps[q].nsel; s++)
        if (ps[q].vars[s] == v) w = ps[q].width;
    for (p[2] = m->valid.lo[2]; p[2] < m->valid.hi[2]; p[2]++)
      for (p[1] = m->valid.lo[1]; p[1] < m->valid.hi[1]; p[1]++)
        for (p[0] = m->valid.lo[0]; p[0] < m->valid.hi[0]; p[0]++) {
          long i = aeon_idx(m, p[0], p[1], p[2]);
          double o = aeon_var(orig, v)[i], r = aeon_var(ref, v)[i], got = aeon_var(f, v)[i];
          int fill = w > 0 && within(m, p, w);
          double want = fill ? r : o;
          if (r != o) changed[!fill]++;
          if (got != want && bad++ < 3)
            fprintf(stderr, "rank %d: point (%d,%d,%d) var %d: got %.1f want %.1f (full exchange %.1f)\n", rank,
                    p[0], p[1], p[2], v, got, want, r);
        }
  }
  return bad;
}

/* Two plans in flight at once against the full exchange, on a mesh with the given ghost width. */
static int check_plans(MPI_Comm comm, const long N[3], const aeon_bc bc[6], const int dims[3], int ghost) {
  aeon_mesh m;
  aeon_par par;
  if (make_mesh(comm, N, bc, dims, ghost, &m, &par)) return 1;
  const plan_spec ps[2] = {{2, {0, 2}, 1}, {1, {1}, 3}};
  aeon_fields f, orig, ref;
  aeon_exchange *full = NULL, *ex[2] = {NULL, NULL};
  aeon_err e = aeon_fields_create(&m, NV, &f);
  if (!e) e = aeon_fields_create(&m, NV, &orig);
  if (!e) e = aeon_fields_create(&m, NV, &ref);
  if (!e) e = aeon_exchange_create(&m, NV, &full);
  for (int q = 0; q < 2 && !e; q++) e = aeon_exchange_create_plan(&m, NV, ps[q].nsel, ps[q].vars, ps[q].width, &ex[q]);
  if (e) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  fill_sentinel(&m, &orig);
  aeon_fields_copy(&ref, &orig);
  aeon_fields_copy(&f, &orig);
  if (aeon_exchange_start(full, &ref) || aeon_exchange_finish(full, &ref)) e = AEON_ERR_INTERNAL;
  /* Opposite start orders on even and odd ranks: plans sharing a tag space would receive each other's messages. */
  int first = par.rank % 2;
  if (aeon_exchange_start(ex[first], &f) || aeon_exchange_start(ex[!first], &f) ||
      aeon_exchange_finish(ex[1], &f) || aeon_exchange_finish(ex[0], &f))
    e = AEON_ERR_INTERNAL;
  long changed[2] = {0, 0};
  long bad = e ? 1 : check_full(&m, &ref, par.rank) + compare(&m, &f, &orig, &ref, ps, 2, changed, par.rank);
  long tot[3] = {bad, changed[0], changed[1]}, all[3];
  MPI_Allreduce(tot, all, 3, MPI_LONG, MPI_SUM, comm);
  if (par.rank == 0)
    printf("plans {0,2} w1 + {1} w3, ghost %d, dims %dx%dx%d bc %d%d%d%d%d%d: %ld ghosts filled, %ld left as they "
           "were (the full exchange fills them), %ld wrong\n", ghost, par.dims[0], par.dims[1], par.dims[2], bc[0],
           bc[1], bc[2], bc[3], bc[4], bc[5], all[1], all[2], all[0]);
  /* Only a patch with symmetry faces all round on one rank has nothing to exchange. */
  int nothing = all[1] + all[2] == 0 && par.size == 1 && bc[0] == AEON_BC_SYMMETRY;
  for (int q = 0; q < 2; q++) aeon_exchange_destroy(ex[q]);
  aeon_exchange_destroy(full);
  aeon_fields_destroy(&f);
  aeon_fields_destroy(&orig);
  aeon_fields_destroy(&ref);
  aeon_par_destroy(&par);
  return all[0] != 0 || (!nothing && (all[1] == 0 || all[2] == 0));
}

/* Creates a plan that must be refused with AEON_ERR_USER and the given message (on every rank). */
static int refused(const aeon_mesh *m, int nsel, const int *vars, int width, const char *msg) {
  aeon_exchange *ex = (aeon_exchange *)&ex; /* must come back NULL */
  aeon_err e = aeon_exchange_create_plan(m, NV, nsel, vars, width, &ex);
  int ok = e == AEON_ERR_USER && ex == NULL && strcmp(aeon_error_message(), msg) == 0;
  if (!ok) fprintf(stderr, "expected refusal \"%s\", got code %d \"%s\"\n", msg, (int)e, aeon_error_message());
  aeon_error_clear();
  if (e == AEON_OK) aeon_exchange_destroy(ex);
  return !ok;
}

/* Bad widths, variable indices and field sets are refused. */
static int check_refusals(MPI_Comm comm, const long N[3], const aeon_bc bc[6]) {
  aeon_mesh m;
  aeon_par par;
  const int autod[3] = {0, 0, 0};
  if (make_mesh(comm, N, bc, autod, 3, &m, &par)) return 1;
  const int v3[1] = {3}, vneg[1] = {-1}, vtwice[2] = {2, 2};
  int fail = refused(&m, 1, NULL, 4, "exchange width 4 exceeds the mesh's grid.ghost = 3");
  fail |= refused(&m, 1, NULL, 0, "exchange width 0 must be at least 1");
  fail |= refused(&m, 1, v3, 1, "exchange variable index 3 out of range (the field set has 3 variables: 0 to 2)");
  fail |= refused(&m, 1, vneg, 2, "exchange variable index -1 out of range (the field set has 3 variables: 0 to 2)");
  fail |= refused(&m, 2, vtwice, 2, "exchange variable 2 selected twice");
  /* A plan checks the field set it is given has nvar_total variables. */
  aeon_fields two;
  aeon_exchange *ex = NULL;
  const int v1[1] = {1};
  if (aeon_fields_create(&m, 2, &two) || aeon_exchange_create_plan(&m, NV, 1, v1, 2, &ex)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  aeon_err e = aeon_exchange_start(ex, &two);
  if (e != AEON_ERR_INTERNAL || strcmp(aeon_error_message(), "exchange planned for 3 variables, given 2") != 0) {
    fprintf(stderr, "start on 2 variables: code %d \"%s\"\n", (int)e, aeon_error_message());
    fail = 1;
  }
  aeon_error_clear();
  aeon_exchange_destroy(ex);
  aeon_fields_destroy(&two);
  int all;
  MPI_Allreduce(&fail, &all, 1, MPI_INT, MPI_MAX, comm);
  if (par.rank == 0) printf("refusals: %s\n", all ? "FAIL" : "ok");
  aeon_par_destroy(&par);
  return all;
}

/* A patch set-up that must be refused with AEON_ERR_USER and the given message (on every rank). */
static int refused_mesh(MPI_Comm comm, const long N[3], const aeon_bc bc[6], const int dims[3], const char *msg) {
  aeon_mesh m;
  aeon_par par;
  memset(&m, 0, sizeof m);
  for (int d = 0; d < 3; d++) {
    m.N[d] = N[d];
    m.xmax[d] = 1;
    m.dx[d] = 1.0 / N[d];
  }
  m.ghost = 3;
  memcpy(m.bc, bc, sizeof m.bc);
  int periodic[3];
  aeon_mesh_periodicity(&m, periodic);
  if (aeon_par_create(comm, dims, periodic, N, &par)) {
    aeon_error_print(stderr, 1);
    return 1;
  }
  aeon_err e = aeon_mesh_setup_patch(&m, &par);
  int fail = !(e == AEON_ERR_USER && strcmp(aeon_error_message(), msg) == 0);
  if (fail) fprintf(stderr, "expected refusal \"%s\", got code %d \"%s\"\n", msg, (int)e, aeon_error_message());
  aeon_error_clear();
  aeon_par_destroy(&par);
  int all;
  MPI_Allreduce(&fail, &all, 1, MPI_INT, MPI_MAX, comm);
  return all;
}

/* Thin periodic directions: 1 point in y and 2 in z (periodic box) or 1 in y (mixed box), with ranks along x or z;
 * then the refusals of a thin direction split over ranks or not periodic. */
static int check_thin(MPI_Comm comm, int size, const aeon_bc per[6], const aeon_bc mix[6]) {
  const long Np[3] = {13, 1, 2}, Nm[3] = {13, 1, 12}, Nz[3] = {13, 12, 2};
  const int alongx[3] = {size, 1, 1}, alongz[3] = {1, 1, size}, alongy[3] = {1, size, 1};
  int fail = check_case(comm, Np, per, alongx) | check_case(comm, Nm, mix, alongz);
  fail |= check_plans(comm, Np, per, alongx, 3) | check_plans(comm, Nm, mix, alongz, 3);
  char msg[256];
  snprintf(msg, sizeof msg,
           "grid.n[1] = 1 is too small for %d ranks in y with 3 ghost layers (each patch needs at least 3 points "
           "unless y is periodic on one rank; use fewer ranks in y via parallel.dims)", size);
  if (size > 1) fail |= refused_mesh(comm, Nm, mix, alongy, msg);
  fail |= refused_mesh(comm, Nz, mix, alongx,
                       "grid.n[2] = 2 is too small for 1 ranks in z with 3 ghost layers (each patch needs at least 3 "
                       "points unless z is periodic on one rank; use fewer ranks in z via parallel.dims)");
  return fail;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const long N[3] = {13, 10, 12};
  const aeon_bc per[6] = {0, 0, 0, 0, 0, 0};
  const aeon_bc sym[6] = {AEON_BC_SYMMETRY, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY,
                          AEON_BC_SYMMETRY, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY};
  const aeon_bc mix[6] = {AEON_BC_SYMMETRY, AEON_BC_RADIATIVE, AEON_BC_PERIODIC,
                          AEON_BC_PERIODIC, AEON_BC_SYMMETRY, AEON_BC_SYMMETRY};
  const int autod[3] = {0, 0, 0}, alongx[3] = {size, 1, 1}, alongz[3] = {1, 1, size};
  int fail = 0;
  const aeon_bc *bcs[3] = {per, sym, mix};
  for (int b = 0; b < 3; b++) {
    fail |= check_case(MPI_COMM_WORLD, N, bcs[b], autod);
    fail |= check_case(MPI_COMM_WORLD, N, bcs[b], alongx);
    fail |= check_case(MPI_COMM_WORLD, N, bcs[b], alongz);
  }
  const long N4[3] = {17, 12, 16}; /* at least 4 points a patch along x or z on 4 ranks, for 4 ghosts */
  for (int b = 0; b < 3; b++) {
    fail |= check_plans(MPI_COMM_WORLD, N4, bcs[b], autod, 4);
    fail |= check_plans(MPI_COMM_WORLD, N4, bcs[b], alongx, 4);
    fail |= check_plans(MPI_COMM_WORLD, N4, bcs[b], alongz, 3);
  }
  fail |= check_refusals(MPI_COMM_WORLD, N, mix);
  fail |= check_thin(MPI_COMM_WORLD, size, per, mix);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) printf("%s\n", fail ? "FAIL" : "PASS exchange");
  MPI_Finalize();
  return fail;
}
