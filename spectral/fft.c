/* Spectral plans and transforms. Create (once per shape and decomposition):
 * copy the caller's block layout, choose FFTW's array order -- the slab
 * (distributed) direction keeping most points in place: (z, y, x), (y, z, x)
 * or, for blocks split along x, (x, z, y) -- ask FFTW-MPI for its transposed
 * slab counts (real slabs along the first, coefficient slabs along the
 * second), build the slab layout from them in FFTW's order and one permuted
 * aeon_redist each way (for (x, z, y) a local x-y transpose where the blocks
 * are the slabs, no MPI), make slab buffer 0, read and broadcast
 * the wisdom, plan the in-place r2c (transposed out) and c2r (transposed in)
 * transforms -- or, when a direction is reflection-symmetric, r2r transforms
 * (cosine/sine there, half-complex where periodic) -- trying wisdom alone
 * first, write the wisdom back after a real planning, build the k-space tables
 * and record the plan in Tier3. Forward: redistribute block -> the real view of
 * a slab buffer (rows padded to 2 (N/2+1) for r2c), execute in place. Inverse:
 * execute in place, redistribute the real view -> block. */
#include <math.h>
#include <string.h>

#include "aeon/memory.h"
#include "aeon/parallel.h"
#include "spectral_internal.h"

static const unsigned effort_flags[] = {FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT, FFTW_EXHAUSTIVE, FFTW_MEASURE};

/* The padded real view of slab buffer b in FFTW's order (the slab layout's x, y, z are in, od, axis; in-place r2c
 * rows hold 2 * nxc doubles). */
static aeon_array slab_view(const aeon_spectral *s, int b) {
  aeon_array a;
  memset(&a, 0, sizeof a);
  a.data = s->buf[b];
  a.nvar = 1;
  a.sy = s->r2r ? s->N[s->in] : 2 * (long)s->nxc; /* FFTW's array is [N[axis]][N[od]][row] */
  a.sz = a.sy * s->N[s->od];
  a.box = aeon_layout_my_box(s->slab);
  return a;
}

/* Variable v of an array as a one-variable array; AEON_ERR_USER if it has fewer variables or the wrong box. */
static aeon_err var_view(const aeon_spectral *s, const aeon_array *a, int v, aeon_array *out) {
  if (!a || v >= a->nvar)
    return AE_ERR(AEON_ERR_USER, "spectral: the array has %d variable(s), the operation needs %d", a ? a->nvar : 0,
                  v + 1);
  aeon_box mine = aeon_layout_my_box(s->block);
  if (aeon_box_size(&mine) > 0 && memcmp(&mine, &a->box, sizeof mine) != 0)
    return AE_ERR(AEON_ERR_USER, "spectral: the array's box is not this rank's box of the plan's layout");
  *out = *a;
  out->nvar = 1;
  if (a->data) out->data = a->data + (size_t)v * a->vstride;
  return AEON_OK;
}

/* Slab buffers come from a one-page pool each: a fresh mapping, 2 MiB aligned and advised for transparent huge pages
 * when it is that large (FFTW's strided passes over a big slab miss the TLB far less), zero until touched. */
aeon_err aeon_spectral_buffer_(aeon_spectral *s, int b) {
  if (s->buf[b]) return AEON_OK;
  AE_CHK(aeon_pagepool_create(sizeof(double) * 2 * (size_t)(s->alloc_local + 1), 1, 1, &s->pool[b]));
  AE_CHK(aeon_pagepool_get(s->pool[b], (void **)&s->buf[b]));
  return AEON_OK;
}

aeon_err aeon_spectral_fwd_(aeon_spectral *s, const aeon_array *f, int v, int b) {
  aeon_array src, dst = slab_view(s, b);
  AE_CHK(var_view(s, f, v, &src));
  AE_CHK(aeon_redist_apply(s->to_slab, &src, &dst));
  if (s->r2r) fftw_mpi_execute_r2r(s->fwd, s->buf[b], s->buf[b]);
  else fftw_mpi_execute_dft_r2c(s->fwd, s->buf[b], (fftw_complex *)s->buf[b]);
  return AEON_OK;
}

void aeon_spectral_exec_inv_(aeon_spectral *s, int b) {
  if (s->r2r) fftw_mpi_execute_r2r(s->inv, s->buf[b], s->buf[b]);
  else fftw_mpi_execute_dft_c2r(s->inv, (fftw_complex *)s->buf[b], s->buf[b]);
}

aeon_err aeon_spectral_move_out_(aeon_spectral *s, int b, aeon_array *f, int v) {
  aeon_array src = slab_view(s, b), dst;
  AE_CHK(var_view(s, f, v, &dst));
  AE_CHK(aeon_redist_apply(s->from_slab, &src, &dst));
  return AEON_OK;
}

aeon_err aeon_spectral_inv_(aeon_spectral *s, int b, aeon_array *f, int v) {
  aeon_array dst;
  AE_CHK(var_view(s, f, v, &dst)); /* refuse a wrong array before transforming */
  aeon_spectral_exec_inv_(s, b);
  AE_CHK(aeon_spectral_move_out_(s, b, f, v));
  return AEON_OK;
}

/* Checks what every rank can check alike: a complete layout, at least 2 points and a positive length per direction. */
static aeon_err check_shape(const aeon_layout *block, const long N[3], const double L[3]) {
  static const char dn[] = "xyz";
  if (aeon_layout_partial(block))
    return AE_ERR(AEON_ERR_USER, "spectral: the layout leaves points unowned; FFT solves need every point owned");
  for (int d = 0; d < 3; d++) {
    if (N[d] < 2)
      return AE_ERR(AEON_ERR_USER, "spectral: cannot plan an FFT of %ld point(s) in %c (grid %ld x %ld x %ld); "
                    "each direction needs at least 2", N[d], dn[d], N[0], N[1], N[2]);
    if (!(L[d] > 0) || !isfinite(L[d]))
      return AE_ERR(AEON_ERR_USER, "spectral: the box length in %c is %g; it must be positive", dn[d], L[d]);
  }
  if ((double)N[0] * (double)N[1] * (double)N[2] > 0x1p52)
    return AE_ERR(AEON_ERR_USER, "spectral: %ld x %ld x %ld points is beyond what FFTW-MPI can plan here", N[0], N[1],
                  N[2]);
  return AEON_OK;
}

/* Makes both FFTW plans with the given flags; returns 1 if both exist, else frees what was made and returns 0. */
static int make_plans(aeon_spectral *s, unsigned flags) {
  double *b = s->buf[0];
  if (s->r2r) {
    fftw_r2r_kind fk[3], ik[3]; /* FFTW's order: axis, od, in */
    const int dir[3] = {s->axis, s->od, s->in};
    for (int q = 0; q < 3; q++) {
      int sy = s->sym[dir[q]];
      fk[q] = sy == 0 ? FFTW_R2HC : sy > 0 ? FFTW_REDFT10 : FFTW_RODFT10;
      ik[q] = sy == 0 ? FFTW_HC2R : sy > 0 ? FFTW_REDFT01 : FFTW_RODFT01;
    }
    s->fwd = fftw_mpi_plan_r2r_3d(s->N[s->axis], s->N[s->od], s->N[s->in], b, b, s->comm, fk[0], fk[1], fk[2],
                                  flags | FFTW_MPI_TRANSPOSED_OUT);
    s->inv = fftw_mpi_plan_r2r_3d(s->N[s->axis], s->N[s->od], s->N[s->in], b, b, s->comm, ik[0], ik[1], ik[2],
                                  flags | FFTW_MPI_TRANSPOSED_IN);
  } else {
    s->fwd = fftw_mpi_plan_dft_r2c_3d(s->N[s->axis], s->N[s->od], s->N[s->in], b, (fftw_complex *)b, s->comm,
                                      flags | FFTW_MPI_TRANSPOSED_OUT);
    s->inv = fftw_mpi_plan_dft_c2r_3d(s->N[s->axis], s->N[s->od], s->N[s->in], (fftw_complex *)b, b, s->comm,
                                      flags | FFTW_MPI_TRANSPOSED_IN);
  }
  if (s->fwd && s->inv) return 1;
  if (s->fwd) fftw_destroy_plan(s->fwd);
  if (s->inv) fftw_destroy_plan(s->inv);
  s->fwd = s->inv = NULL;
  return 0;
}

/* Plans the transforms: from wisdom alone first (a hit measures nothing), then, unless wisdom-only, by measuring. */
static aeon_err plan(aeon_spectral *s) {
  static const char *names[] = {"estimate", "measure", "patient", "exhaustive", "wisdom-only"};
  aeon_fft_effort e = s->opts.effort;
  unsigned flags = effort_flags[e];
  double t = MPI_Wtime();
  int ok = 0;
  s->info.wisdom_hit = -1;
  if (e != AEON_FFT_ESTIMATE) {
    int mine = make_plans(s, flags | FFTW_WISDOM_ONLY), all;
    AE_MPI(MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, s->comm));
    if (mine && !all) { /* some rank lacked the wisdom: every rank plans */
      fftw_destroy_plan(s->fwd);
      fftw_destroy_plan(s->inv);
      s->fwd = s->inv = NULL;
    }
    ok = all;
    s->info.wisdom_hit = all;
  }
  if (!ok && e == AEON_FFT_WISDOM_ONLY)
    return AE_ERR(AEON_ERR_USER, "spectral: no FFTW wisdom for a %ld x %ld x %ld grid on %d rank(s) "
                  "(spectral.planner = wisdom-only); plan it once with spectral.planner = measure", s->N[0], s->N[1],
                  s->N[2], s->size);
  if (!ok && !make_plans(s, flags))
    return AE_ERR(AEON_ERR_LIB, "spectral: FFTW-MPI could not plan a %ld x %ld x %ld real transform on %d rank(s) "
                  "(planner %s)", s->N[0], s->N[1], s->N[2], s->size, names[e]);
  double mine = MPI_Wtime() - t;
  AE_MPI(MPI_Allreduce(&mine, &s->info.plan_seconds, 1, MPI_DOUBLE, MPI_MAX, s->comm));
  return AEON_OK;
}

/* Returns the points of this layout's boxes that FFTW's default slabs along dir leave on the same rank (the same
 * on every rank: layouts are replicated). */
static aeon_err kept_points(const aeon_spectral *s, int dir, double *kept) {
  aeon_layout *slab = NULL;
  AE_CHK(aeon_layout_slabs(s->comm, s->N, dir, &slab));
  *kept = 0;
  for (int r = 0; r < s->size; r++) {
    aeon_box a = aeon_layout_box(s->block, r), b = aeon_layout_box(slab, r);
    double v = 1;
    for (int d = 0; d < 3; d++) {
      int lo = a.lo[d] > b.lo[d] ? a.lo[d] : b.lo[d], hi = a.hi[d] < b.hi[d] ? a.hi[d] : b.hi[d];
      v *= hi > lo ? hi - lo : 0;
    }
    *kept += v;
  }
  aeon_layout_destroy(slab);
  return AEON_OK;
}

/* Chooses FFTW's array order: the slab direction the options name or else the one, of z, y, x, that leaves most
 * points where the blocks hold them (ties: z, then y: x contiguous needs no transpose), so a decomposition split
 * along one direction redistributes without communicating. Slabs along z or y keep x contiguous: (z, y, x),
 * (y, z, x); slabs along x make y contiguous: (x, z, y), so that the block -> slab move transposes x and y within
 * each z plane. */
static aeon_err choose_axis(aeon_spectral *s) {
  static const int order[3][3] = {{0, 2, 1}, {1, 2, 0}, {2, 1, 0}}; /* by slab direction */
  int axis = 2;
  if (s->opts.slabs != AEON_FFT_SLABS_AUTO) axis = 3 - (int)s->opts.slabs;
  else {
    double best = -1, kept = 0;
    for (int d = 2; d >= 0; d--) {
      AE_CHK(kept_points(s, d, &kept));
      if (kept > best) best = kept, axis = d;
    }
  }
  s->axis = order[axis][0];
  s->od = order[axis][1];
  s->in = order[axis][2];
  return AEON_OK;
}

/* Everything create does after the plan's memory exists; errors leave the plan for destroy to free. */
static aeon_err setup(aeon_spectral *s, const aeon_layout *block) {
  AE_MPI(MPI_Comm_dup(aeon_layout_comm(block), &s->comm));
  MPI_Comm_rank(s->comm, &s->rank);
  MPI_Comm_size(s->comm, &s->size);
  aeon_box mine = aeon_layout_my_box(block);
  AE_CHK(aeon_layout_create(s->comm, s->N, &mine, 0, &s->block));
  AE_CHK(choose_axis(s));
  s->nxc = s->N[s->in] / 2 + 1;
  s->nxk = s->r2r ? s->N[s->in] : s->nxc;
  s->alloc_local = fftw_mpi_local_size_3d_transposed(s->N[s->axis], s->N[s->od], s->nxk, s->comm, &s->local_n0,
                                                     &s->local_0_start, &s->local_n1, &s->local_1_start);
  s->nloc = (long)s->local_n1 * s->N[s->axis] * (long)s->nxk;
  s->info.slab_dir = s->axis;
  s->info.order[0] = s->axis;
  s->info.order[1] = s->od;
  s->info.order[2] = s->in;
  s->info.local_slab = (long)s->local_n0;
  s->info.local_kslab = (long)s->local_n1;
  /* the slab layout in FFTW's order: its x, y, z are Aeon's in, od, axis */
  const int to_fftw[3] = {s->in, s->od, s->axis};
  int to_aeon[3];
  for (int c = 0; c < 3; c++) to_aeon[to_fftw[c]] = c;
  const long Nf[3] = {s->N[s->in], s->N[s->od], s->N[s->axis]};
  AE_CHK(aeon_layout_slabs_local(s->comm, Nf, 2, (long)s->local_n0, (long)s->local_0_start, &s->slab));
  AE_CHK(aeon_redist_create_perm(s->block, s->slab, to_fftw, 1, &s->to_slab));
  AE_CHK(aeon_redist_create_perm(s->slab, s->block, to_aeon, 1, &s->from_slab));
  s->info.to_slab = aeon_redist_get_info(s->to_slab);
  AE_CHK(aeon_par_agree(s->comm, aeon_spectral_buffer_(s, 0)));
  if (s->opts.effort != AEON_FFT_ESTIMATE) AE_CHK(aeon_spectral_wisdom_load_(s));
  AE_CHK(plan(s));
  int fileless_hit = s->info.wisdom_hit == 1 && s->info.wisdom_loaded != 1; /* e.g. a checkpoint's wisdom */
  if (s->info.wisdom_hit == 0 || fileless_hit) AE_CHK(aeon_spectral_wisdom_save_(s));
  AE_CHK(aeon_par_agree(s->comm, aeon_spectral_tables_(s)));
  aeon_spectral_tier_record_(s);
  return AEON_OK;
}

aeon_err aeon_spectral_create(const aeon_layout *block, const double L[3], const aeon_spectral_opts *opts,
                              aeon_spectral **out) {
  *out = NULL;
  double t0 = MPI_Wtime();
  long N[3];
  aeon_layout_global(block, N);
  AE_CHK(check_shape(block, N, L));
  if (opts && ((int)opts->effort < 0 || opts->effort > AEON_FFT_WISDOM_ONLY))
    return AE_ERR(AEON_ERR_USER, "spectral: unknown planner effort %d", (int)opts->effort);
  if (opts && ((int)opts->slabs < 0 || opts->slabs > AEON_FFT_SLABS_X))
    return AE_ERR(AEON_ERR_USER, "spectral: unknown slab choice %d (0 auto, 1 z, 2 y, 3 x)", (int)opts->slabs);
  fftw_mpi_init(); /* idempotent */
  aeon_spectral *s;
  AE_CHK(aeon_mem_alloc(sizeof *s, (void **)&s));
  memcpy(s->N, N, sizeof N);
  memcpy(s->L, L, sizeof s->L);
  if (opts) s->opts = *opts;
  s->comm = MPI_COMM_NULL;
  s->w = 2;
  s->inv_norm = 1;
  for (int d = 0; d < 3; d++) {
    s->sym[d] = (s->opts.sym[d] > 0) - (s->opts.sym[d] < 0);
    s->r2r |= s->sym[d] != 0;
    s->inv_norm /= (double)(s->sym[d] ? 2 * N[d] : N[d]);
  }
  if (s->r2r) s->w = 1;
  aeon_err e = setup(s, block);
  if (e) {
    aeon_error_trace(e, __FILE__, __LINE__, __func__);
    aeon_spectral_destroy(s);
    return e;
  }
  double mine = MPI_Wtime() - t0;
  MPI_Allreduce(&mine, &s->info.setup_seconds, 1, MPI_DOUBLE, MPI_MAX, s->comm);
  *out = s;
  return AEON_OK;
}

aeon_err aeon_spectral_mesh_box_(const aeon_mesh *m, const aeon_spectral_opts *opts, double L[3],
                                 aeon_spectral_opts *out) {
  static const char *faces[] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};
  static const char *kinds[] = {"periodic", "symmetry", "radiative", "dirichlet", "robin"};
  memset(out, 0, sizeof *out);
  if (opts) *out = *opts;
  for (int d = 0; d < 3; d++) {
    aeon_bc lo = m->bc[2 * d], hi = m->bc[2 * d + 1];
    if (lo == AEON_BC_SYMMETRY && hi == AEON_BC_SYMMETRY) out->sym[d] = out->sym[d] < 0 ? -1 : 1;
    else if (lo == AEON_BC_PERIODIC && hi == AEON_BC_PERIODIC) out->sym[d] = 0;
    else {
      int f = (lo != AEON_BC_PERIODIC && lo != AEON_BC_SYMMETRY) ? 2 * d : 2 * d + 1;
      return AE_ERR(AEON_ERR_USER, "spectral: the box is neither periodic nor reflection-symmetric in %c "
                    "(boundary.%s = %s); FFT solves need both faces periodic, or both symmetry (cosine/sine "
                    "transforms)", "xyz"[d], faces[f], (unsigned)m->bc[f] < 5 ? kinds[m->bc[f]] : "?");
    }
  }
  for (int d = 0; d < 3; d++) L[d] = m->xmax[d] - m->xmin[d];
  return AEON_OK;
}

aeon_err aeon_spectral_check_mesh(const aeon_mesh *m) {
  double L[3];
  aeon_spectral_opts o;
  AE_CHK(aeon_spectral_mesh_box_(m, NULL, L, &o));
  return AEON_OK;
}

aeon_err aeon_spectral_create_mesh(const aeon_mesh *m, const aeon_spectral_opts *opts, aeon_spectral **s) {
  *s = NULL;
  double L[3];
  aeon_spectral_opts o;
  AE_CHK(aeon_spectral_mesh_box_(m, opts, L, &o));
  aeon_layout *block = NULL;
  AE_CHK(aeon_layout_from_mesh(m, &block));
  aeon_err e = aeon_spectral_create(block, L, &o, s);
  aeon_layout_destroy(block);
  AE_CHK(e);
  return AEON_OK;
}

void aeon_spectral_destroy(aeon_spectral *s) {
  if (!s) return;
  if (s->fwd) fftw_destroy_plan(s->fwd);
  if (s->inv) fftw_destroy_plan(s->inv);
  aeon_redist_destroy(s->to_slab);
  aeon_redist_destroy(s->from_slab);
  aeon_layout_destroy(s->slab);
  aeon_layout_destroy(s->block);
  for (int b = 0; b < SPEC_NBUF; b++) aeon_pagepool_destroy(s->pool[b]); /* the buffers with them */
  double *tables[] = {s->kx, s->ky, s->kz, s->kxo, s->kyo, s->kzo, s->k2, s->proj, s->helm};
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) aeon_mem_free(tables[i]);
  aeon_mem_free(s->dealias);
  if (s->comm != MPI_COMM_NULL) MPI_Comm_free(&s->comm);
  aeon_mem_free(s);
}

aeon_spectral_info aeon_spectral_get_info(const aeon_spectral *s) { return s->info; }
const aeon_layout *aeon_spectral_layout(const aeon_spectral *s) { return s->block; }

aeon_err aeon_spectral_forward(aeon_spectral *s, const aeon_array *f) {
  AE_CHK(aeon_spectral_fwd_(s, f, 0, 0));
  return AEON_OK;
}

aeon_err aeon_spectral_inverse(aeon_spectral *s, aeon_array *f) {
  double *c = s->buf[0];
  for (long p = 0; p < s->w * s->nloc; p++) c[p] *= s->inv_norm;
  AE_CHK(aeon_spectral_inv_(s, 0, f, 0));
  return AEON_OK;
}

aeon_spectral_kview aeon_spectral_coeffs(aeon_spectral *s) {
  aeon_spectral_kview v = {s->r2r ? NULL : s->buf[0], (long)s->nxc, s->od, s->axis, s->N[s->axis],
                           (long)s->local_1_start, (long)s->local_n1, s->kx, s->ky, s->kz, s->in};
  return v;
}

aeon_err aeon_spectral_sym_from_field(const aeon_field_desc *f, aeon_spectral_opts *opts) {
  int parity[3];
  AE_CHK(aeon_field_parity(f, parity));
  for (int d = 0; d < 3; d++) opts->sym[d] = parity[d] < 0 ? -1 : 1;
  return AEON_OK;
}
