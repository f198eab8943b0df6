/* ranks: 1 2 3 4 */
/* Layouts, coarsening and redistribution. Round trips from the mesh's blocks to
 * slabs along each direction (FFTW's split, trailing ranks empty on 4 ranks),
 * to an explicit slab split, to agglomerated layouts with fewer owners, and
 * back: every point of the middle layout holds the value of its global index,
 * and the field set at the end equals the original bit for bit, ghosts and
 * padding untouched. Coarsening of 16^3 down to one owner (exact sequence on 4
 * ranks), of uneven slabs and of non-tensor boxes; round trips of pieces cut
 * into several messages; refusals with their messages; apply allocates nothing and gives the same bits every time.
 * Permuted redistribution (aeon_redist_create_perm), all six axis orders: block -> slabs of the permuted box
 * along its slowest axis (as FFTW's arrays in another order) -> block, the middle layout holding each point at its
 * permuted index, the end bit-exact. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aeon/layout.h"
#include "aeon/memory.h"
#include "mpicheck.h"

#define NVAR 3
static const double SENTINEL = -7.25;
static int rank, size;

/* A value for each global index and variable, with a full mantissa so only an exact copy matches. */
static double fval(long gi, long gj, long gk, int v) { return (1e6 * v + 1e4 * gk + 100.0 * gj + gi) / 3.0 + 0.1; }

static int bits_equal(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* Fills every point of an array's box with fval. */
static void fill(const aeon_array *a) {
  const aeon_box *b = &a->box;
  for (int v = 0; v < a->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) *aeon_array_at(a, v, i, j, k) = fval(i, j, k, v);
}

/* Returns the number of points of an array's box not holding fval bit for bit (summed over ranks). */
static long count_wrong_perm(const aeon_array *a, const int *perm, const char *what) {
  const aeon_box *b = &a->box;
  long bad = 0;
  for (int v = 0; v < a->nvar; v++)
    for (int k = b->lo[2]; k < b->hi[2]; k++)
      for (int j = b->lo[1]; j < b->hi[1]; j++)
        for (int i = b->lo[0]; i < b->hi[0]; i++) {
          const int q[3] = {i, j, k};
          int p[3] = {i, j, k};
          if (perm)
            for (int c = 0; c < 3; c++) p[perm[c]] = q[c];
          double got = *aeon_array_at(a, v, i, j, k), want = fval(p[0], p[1], p[2], v);
          if (!bits_equal(got, want) && bad++ < 3)
            fprintf(stderr, "rank %d %s: (%d,%d,%d) var %d holds %.17g, want %.17g\n", rank, what, i, j, k, v, got,
                    want);
        }
  long all;
  MPI_Allreduce(&bad, &all, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  return all;
}

/* The points of a (in a's own coordinates) that do not hold fval of the same global index. */
static long count_wrong(const aeon_array *a, const char *what) { return count_wrong_perm(a, NULL, what); }

static int ok(aeon_err e) {
  if (e) aeon_error_print(stderr, 1);
  return e == AEON_OK;
}

/* A mesh of N points with automatic dims in x, y and one rank in z; periodic. */
static int make_mesh(const long N[3], int zdims, aeon_mesh *m, aeon_par *par) {
  memset(m, 0, sizeof *m);
  for (int d = 0; d < 3; d++) {
    m->N[d] = N[d];
    m->xmax[d] = 1;
    m->dx[d] = 1.0 / (double)N[d];
  }
  m->ghost = 3;
  const int dims[3] = {0, 0, zdims}, periodic[3] = {1, 1, 1};
  return ok(aeon_par_create(MPI_COMM_WORLD, dims, periodic, N, par)) && ok(aeon_mesh_setup_patch(m, par));
}

/* Moves a's data to layout `to` and back into b (reset to the sentinel first); checks both ends. With perm,
 * to's axis c is the block's axis perm[c] (a permuted redistribution): the point q of `to` must hold the block's
 * point p with p[perm[c]] = q[c]. */
static void round_trip_with(const char *name, const aeon_layout *block, const aeon_layout *to, const int *perm,
                            const aeon_fields *fa, aeon_fields *fb, const aeon_mesh *m) {
  for (size_t p = 0; p < fb->stride * NVAR; p++) fb->data[p] = SENTINEL;
  aeon_box tb = aeon_layout_my_box(to);
  double *mid = NULL;
  aeon_mem_alloc(sizeof(double) * (size_t)(aeon_box_size(&tb) * NVAR + 1), (void **)&mid);
  aeon_array src = aeon_array_of_fields(m, (aeon_fields *)fa), dst = aeon_array_of_fields(m, fb);
  aeon_array slab = aeon_array_compact(to, NVAR, mid);
  aeon_redist *there = NULL, *back = NULL;
  int inv[3] = {0, 1, 2};
  if (perm)
    for (int c = 0; c < 3; c++) inv[perm[c]] = c;
  aeon_err e1 = perm ? aeon_redist_create_perm(block, to, perm, NVAR, &there)
                     : aeon_redist_create(block, to, NVAR, &there);
  aeon_err e2 = perm ? aeon_redist_create_perm(to, block, inv, NVAR, &back)
                     : aeon_redist_create(to, block, NVAR, &back);
  CHECK(ok(e1) && ok(e2), "%s: plans", name);
  if (there && back) {
    CHECK(ok(aeon_redist_apply(there, &src, &slab)), "%s: apply there", name);
    long wrong = count_wrong_perm(&slab, perm, name);
    CHECK(wrong == 0, "%s: %ld points at the wrong global index", name, wrong);
    CHECK(ok(aeon_redist_apply(back, &slab, &dst)), "%s: apply back", name);
    int same = memcmp(fa->data, fb->data, sizeof(double) * fa->stride * NVAR) == 0, all;
    MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    CHECK(all, "%s: round trip is not bit-exact (or touched ghosts/padding)", name);
    aeon_redist_info in = aeon_redist_get_info(there);
    if (rank == 0)
      printf("round trip block -> %-28s -> block: %d owners, sent %ld on rank 0, %ld wrong, %s\n", name,
             aeon_layout_owners(to), in.sent, wrong, all ? "bit-exact" : "DIFFERENT");
  }
  aeon_redist_destroy(there);
  aeon_redist_destroy(back);
  aeon_mem_free(mid);
}

static void round_trip(const char *name, const aeon_layout *block, const aeon_layout *to, const aeon_fields *fa,
                       aeon_fields *fb, const aeon_mesh *m) {
  round_trip_with(name, block, to, NULL, fa, fb, m);
}

/* Block -> slabs of the box with its axes permuted (to's axis c is the block's perm[c]) -> block. */
static void round_trip_perm(const int perm[3], const aeon_layout *block, const aeon_fields *fa, aeon_fields *fb,
                            const aeon_mesh *m) {
  const long Np[3] = {m->N[perm[0]], m->N[perm[1]], m->N[perm[2]]};
  aeon_layout *to = NULL;
  char name[48];
  snprintf(name, sizeof name, "axes (%d,%d,%d) slabs", perm[0], perm[1], perm[2]);
  CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, Np, 2, &to)), "permuted slabs");
  if (to) round_trip_with(name, block, to, perm, fa, fb, m);
  aeon_layout_destroy(to);
}

/* A mesh of N points, source and target fields (the source filled, the target all sentinel) and the mesh's layout:
 * what the round-trip tests start from. */
typedef struct rt_fixture {
  aeon_mesh m;
  aeon_par par;
  aeon_fields fa, fb;
  aeon_layout *block;
} rt_fixture;

static int rt_setup(const long N[3], rt_fixture *F) {
  if (!make_mesh(N, 1, &F->m, &F->par)) {
    CHECK(0, "mesh");
    return 0;
  }
  aeon_fields_create(&F->m, NVAR, &F->fa);
  aeon_fields_create(&F->m, NVAR, &F->fb);
  for (size_t p = 0; p < F->fa.stride * NVAR; p++) F->fa.data[p] = SENTINEL;
  aeon_array a = aeon_array_of_fields(&F->m, &F->fa);
  fill(&a);
  F->block = NULL;
  CHECK(ok(aeon_layout_from_mesh(&F->m, &F->block)), "layout from mesh");
  return 1;
}

static void rt_teardown(rt_fixture *F) {
  aeon_layout_destroy(F->block);
  aeon_fields_destroy(&F->fa);
  aeon_fields_destroy(&F->fb);
  aeon_par_destroy(&F->par);
}

/* Block <-> slabs (3 directions), an explicit slab split, agglomerated layouts. */
static void test_round_trips(void) {
  const long N[3] = {14, 10, 6};
  rt_fixture F;
  if (!rt_setup(N, &F)) return;
  const aeon_layout *block = F.block;
  aeon_fields *fa = &F.fa, *fb = &F.fb;
  const aeon_mesh *m = &F.m;
  aeon_layout *to = NULL;
  CHECK(aeon_layout_owners(block) == size, "mesh layout: %d owners on %d ranks", aeon_layout_owners(block), size);
  char name[64];
  for (int dir = 0; dir < 3; dir++) {
    CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, N, dir, &to)), "slabs %d", dir);
    long blk = (N[dir] + size - 1) / size;
    aeon_box mine = aeon_layout_my_box(to);
    long lo = rank * blk < N[dir] ? rank * blk : N[dir], hi = lo + blk < N[dir] ? lo + blk : N[dir];
    CHECK(lo == hi ? aeon_box_size(&mine) == 0 : mine.lo[dir] == lo && mine.hi[dir] == hi,
          "slab %d on rank %d: [%d,%d), FFTW's block gives [%ld,%ld)", dir, rank, mine.lo[dir], mine.hi[dir], lo, hi);
    CHECK(aeon_layout_owners(to) == (int)((N[dir] + blk - 1) / blk), "slabs %d: %d owners", dir,
          aeon_layout_owners(to));
    if (size == 4 && dir == 2) CHECK(aeon_layout_owners(to) == 3, "6 z-planes on 4 ranks: rank 3 owns nothing");
    /* the same slabs from FFTW's (local_n0, local_0_start) */
    aeon_layout *same = NULL;
    CHECK(ok(aeon_layout_slabs_local(MPI_COMM_WORLD, N, dir, hi - lo, lo, &same)) && aeon_layout_equal(same, to),
          "slabs_local %d equals slabs", dir);
    aeon_layout_destroy(same);
    snprintf(name, sizeof name, "slabs along %c", "xyz"[dir]);
    round_trip(name, block, to, fa, fb, m);
    aeon_layout_destroy(to);
  }
  /* an explicit, uneven slab split along z: rank r gets the mesh-style share */
  long q = N[2] / size, rem = N[2] % size, start = rank * q + (rank < rem ? rank : rem);
  CHECK(ok(aeon_layout_slabs_local(MPI_COMM_WORLD, N, 2, q + (rank < rem), start, &to)), "explicit slabs");
  round_trip("explicit slabs along z", block, to, fa, fb, m);
  aeon_layout_destroy(to);
  /* two owners (ranks 0 and size-1) */
  aeon_box two = {{0, 0, 0}, {0, 0, 0}};
  if (rank == 0 || rank == size - 1) two = (aeon_box){{rank ? 5 : 0, 0, 0}, {rank || size == 1 ? 14 : 5, 10, 6}};
  CHECK(ok(aeon_layout_create(MPI_COMM_WORLD, N, &two, 0, &to)), "two-owner layout");
  round_trip("two owners", block, to, fa, fb, m);
  aeon_layout_destroy(to);
  /* the agglomerated coarse layout at the fine resolution: N/2 is odd, so one owner */
  aeon_layout *coarse = NULL;
  CHECK(ok(aeon_layout_coarsen(block, 1, &coarse)) && ok(aeon_layout_refine(coarse, &to)), "refine(coarsen)");
  CHECK(aeon_layout_owners(to) == 1, "refine(coarsen) of 14x10x6: %d owners", aeon_layout_owners(to));
  round_trip("refine(coarsen(block))", block, to, fa, fb, m);
  aeon_layout_destroy(to);
  aeon_layout_destroy(coarse);
  static const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int p = 0; p < 6; p++) round_trip_perm(perms[p], block, fa, fb, m);
  const int notperm[3] = {0, 0, 2};
  aeon_redist *bad = NULL;
  aeon_err e = aeon_redist_create_perm(block, block, notperm, 1, &bad);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "not a permutation") && !bad, "perm (0,0,2) refused");
  aeon_error_clear();
  rt_teardown(&F);
}

/* Pieces big enough to travel in several messages (about 2 MiB each, cut at z planes): on 2 ranks the x-split blocks
 * send 48 x 64 x 32 points x 3 variables to the other rank's z slab (2 messages); both ends checked as above. On 3
 * and 4 ranks every piece fits one message: left out there (it would only cost time). */
static void test_many_messages(void) {
  if (size > 2) return;
  const long N[3] = {96, 64, 64};
  rt_fixture F;
  if (!rt_setup(N, &F)) return;
  aeon_layout *to = NULL;
  for (int dir = 1; dir < 3; dir++) {
    CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, N, dir, &to)), "slabs %d", dir);
    aeon_redist *r = NULL;
    CHECK(ok(aeon_redist_create(F.block, to, NVAR, &r)), "plan");
    aeon_redist_info info = aeon_redist_get_info(r);
    if (size == 2 && dir == 2)
      CHECK(info.sent == 48L * 64 * 32 * NVAR && info.peers_out == 1, "2 ranks: sent %ld doubles to %d peers",
            info.sent, info.peers_out);
    aeon_redist_destroy(r);
    round_trip(dir == 1 ? "big: slabs along y" : "big: slabs along z", F.block, to, &F.fa, &F.fb, &F.m);
    aeon_layout_destroy(to);
  }
  rt_teardown(&F);
}

/* Checks, independently of the library, that the owners' boxes tile the global box exactly; returns owners. */
static int check_cover(const aeon_layout *L, int level) {
  long N[3], vol = 0;
  aeon_layout_global(L, N);
  int owners = 0;
  for (int r = 0; r < size; r++) {
    aeon_box b = aeon_layout_box(L, r);
    if (aeon_box_size(&b) == 0) continue;
    owners++;
    vol += aeon_box_size(&b);
    for (int d = 0; d < 3; d++)
      CHECK(b.lo[d] >= 0 && b.hi[d] <= N[d], "level %d: box of rank %d outside", level, r);
    for (int s = 0; s < r; s++) {
      aeon_box c = aeon_layout_box(L, s);
      int apart = aeon_box_size(&c) == 0;
      for (int d = 0; d < 3; d++) apart |= b.hi[d] <= c.lo[d] || c.hi[d] <= b.lo[d];
      CHECK(apart, "level %d: boxes of ranks %d and %d overlap", level, s, r);
    }
  }
  CHECK(vol == N[0] * N[1] * N[2], "level %d: owners cover %ld of %ld points", level, vol, N[0] * N[1] * N[2]);
  CHECK(owners == aeon_layout_owners(L), "level %d: owners %d vs %d", level, owners, aeon_layout_owners(L));
  return owners;
}

/* 16^3 on the mesh's blocks with min_points 4, coarsened until N is odd. */
static void test_coarsen_16(void) {
  const long N[3] = {16, 16, 16};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, 0, &m, &par)) {
    CHECK(0, "mesh 16^3");
    return;
  }
  aeon_layout *L = NULL, *L0 = NULL;
  CHECK(ok(aeon_layout_from_mesh(&m, &L)) && ok(aeon_layout_from_mesh(&m, &L0)), "16^3 layout");
  aeon_fields fa, fb;
  aeon_fields_create(&m, NVAR, &fa);
  aeon_fields_create(&m, NVAR, &fb);
  for (size_t p = 0; p < fa.stride * NVAR; p++) fa.data[p] = SENTINEL;
  aeon_array a = aeon_array_of_fields(&m, &fa);
  fill(&a);
  int owners[8], nlev = 0, someone_idle = 0;
  aeon_layout *img[8] = {NULL}; /* each level's owners at the fine resolution, for round trips after the loop */
  owners[nlev++] = check_cover(L, 0);
  if (rank == 0) printf("coarsening 16^3 on %d ranks (dims %dx%dx%d), min_points 4: owners %d", size, par.dims[0],
                        par.dims[1], par.dims[2], owners[0]);
  for (long n = 16; n > 1; n /= 2) {
    aeon_layout *C = NULL;
    if (!ok(aeon_layout_coarsen(L, 4, &C))) {
      CHECK(0, "coarsen at N = %ld", n);
      break;
    }
    long Nc[3];
    aeon_layout_global(C, Nc);
    CHECK(Nc[0] == n / 2 && Nc[1] == n / 2 && Nc[2] == n / 2, "coarse N %ld", Nc[0]);
    owners[nlev] = check_cover(C, nlev);
    CHECK(owners[nlev] <= owners[nlev - 1], "owners grew at level %d", nlev);
    someone_idle |= owners[nlev] < size;
    /* each owner's coarse box is at least min_points thick unless it spans the direction */
    aeon_box b = aeon_layout_my_box(C);
    for (int d = 0; d < 3 && aeon_box_size(&b); d++)
      CHECK(b.hi[d] - b.lo[d] >= 4 || (b.lo[d] == 0 && b.hi[d] == Nc[d]), "level %d: box thinner than 4", nlev);
    if (rank == 0) printf(" -> %d", owners[nlev]);
    img[nlev] = C;
    for (int l = 0; l < nlev; l++) { /* refine back up to 16^3 */
      aeon_layout *up = NULL;
      CHECK(ok(aeon_layout_refine(img[nlev], &up)), "refine");
      if (img[nlev] != C) aeon_layout_destroy(img[nlev]);
      img[nlev] = up;
    }
    nlev++;
    aeon_layout_destroy(L);
    L = C;
  }
  if (rank == 0) printf("\n");
  CHECK(nlev == 5 && owners[nlev - 1] == 1, "coarsening ends on one owner (%d levels)", nlev);
  CHECK(size == 1 || someone_idle, "some level leaves ranks without points");
  if (size == 4) {
    CHECK(owners[1] == 4 && owners[2] == 1 && owners[3] == 1, "4 ranks: owners %d %d %d %d %d, want 4 4 1 1 1",
          owners[0], owners[1], owners[2], owners[3], owners[4]);
    aeon_box b = aeon_layout_box(L, 0);
    CHECK(aeon_box_size(&b) == 1, "the last owner is rank 0");
  }
  char name[64];
  for (int l = 1; l < nlev; l++) {
    CHECK(aeon_layout_owners(img[l]) == owners[l], "level %d at the fine resolution", l);
    snprintf(name, sizeof name, "16^3 level %d owners at 16^3", l);
    round_trip(name, L0, img[l], &fa, &fb, &m);
    aeon_layout_destroy(img[l]);
  }
  aeon_fields_destroy(&fa);
  aeon_fields_destroy(&fb);
  aeon_layout_destroy(L0);
  aeon_layout *C = NULL;
  aeon_err e = aeon_layout_coarsen(L, 4, &C);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "odd number of points in x (1)"),
        "coarsening N = 1 refused: %s", aeon_error_message());
  aeon_error_clear();
  aeon_layout_destroy(L);
  aeon_par_destroy(&par);
}

/* FFTW slabs of 16 z-planes on 3 ranks (6, 6, 4), min_points 1: the merged block goes to the lowest rank. */
static void test_coarsen_slabs(void) {
  if (size != 3) return;
  const long N[3] = {8, 8, 16};
  aeon_layout *L = NULL, *C1 = NULL, *C2 = NULL;
  CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, N, 2, &L)) && ok(aeon_layout_coarsen(L, 1, &C1)) &&
            ok(aeon_layout_coarsen(C1, 1, &C2)),
        "slab coarsening");
  if (C2) {
    const int want1[3][2] = {{0, 3}, {3, 6}, {6, 8}}, want2[3][2] = {{0, 3}, {0, 0}, {3, 4}};
    for (int r = 0; r < 3; r++) {
      aeon_box b1 = aeon_layout_box(C1, r), b2 = aeon_layout_box(C2, r);
      CHECK(b1.lo[2] == want1[r][0] && b1.hi[2] == want1[r][1], "level 1 rank %d: z [%d,%d)", r, b1.lo[2], b1.hi[2]);
      CHECK(b2.lo[2] == want2[r][0] && b2.hi[2] == want2[r][1], "level 2 rank %d: z [%d,%d)", r, b2.lo[2], b2.hi[2]);
    }
    check_cover(C2, 2);
  }
  aeon_layout_destroy(C2);
  aeon_layout_destroy(C1);
  aeon_layout_destroy(L);
}

/* Three boxes that are not a tensor grid (rule 4): they halve while thick enough, then go to rank 0. */
static void test_coarsen_boxes(void) {
  if (size < 3) return;
  const long N[3] = {16, 16, 16};
  const aeon_box boxes[3] = {{{0, 0, 0}, {8, 16, 16}}, {{8, 0, 0}, {16, 8, 16}}, {{8, 8, 0}, {16, 16, 16}}};
  aeon_layout *L = NULL, *C1 = NULL, *C2 = NULL; /* ranks 3 and up pass NULL: they own nothing */
  CHECK(ok(aeon_layout_create(MPI_COMM_WORLD, N, rank < 3 ? &boxes[rank] : NULL, 0, &L)) && ok(aeon_layout_coarsen(L, 4, &C1)) &&
            ok(aeon_layout_coarsen(C1, 4, &C2)),
        "box coarsening");
  if (C2) {
    aeon_box b = aeon_layout_box(C1, 1);
    CHECK(aeon_layout_owners(C1) == 3 && b.lo[0] == 4 && b.hi[1] == 4 && b.hi[2] == 8, "level 1 halves the boxes");
    CHECK(aeon_layout_owners(C2) == 1, "level 2: one owner");
    b = aeon_layout_box(C2, 0);
    CHECK(aeon_box_size(&b) == 64, "level 2: rank 0 owns 4^3");
  }
  aeon_layout_destroy(C2);
  aeon_layout_destroy(C1);
  aeon_layout_destroy(L);
}

/* Refusals, each with its message, and every rank agreeing. */
static void test_refusals(void) {
  const long N8[3] = {8, 8, 8}, N16[3] = {16, 16, 16}, N7[3] = {14, 10, 6};
  aeon_layout *a = NULL, *b = NULL;
  aeon_redist *r = NULL;
  aeon_err e;
  /* different global boxes */
  CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, N7, 0, &a)) && ok(aeon_layout_slabs(MPI_COMM_WORLD, N16, 2, &b)),
        "layouts for the global-box refusal");
  e = aeon_redist_create(a, b, 1, &r);
  CHECK(e == AEON_ERR_USER && r == NULL &&
            strstr(aeon_error_message(), "different global boxes: 14 x 10 x 6 (from) and 16 x 16 x 16 (to)"),
        "different global boxes refused: %s", aeon_error_message());
  aeon_error_clear();
  /* odd N */
  aeon_layout *c = NULL;
  CHECK(ok(aeon_layout_coarsen(a, 1, &c)), "14x10x6 coarsens");
  aeon_layout *cc = NULL;
  e = aeon_layout_coarsen(c, 1, &cc);
  CHECK(e == AEON_ERR_USER && cc == NULL &&
            strstr(aeon_error_message(), "7 x 5 x 3 has an odd number of points in x (7)"),
        "odd N refused: %s", aeon_error_message());
  aeon_error_clear();
  e = aeon_layout_coarsen(b, 0, &cc);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "min_points = 0"), "min_points 0: %s",
        aeon_error_message());
  aeon_error_clear();
  aeon_layout_destroy(c);
  aeon_layout_destroy(a);
  aeon_layout_destroy(b);
  a = b = NULL;
  /* overlapping boxes (2+ ranks), or a box outside the global box (1 rank) */
  aeon_box mine = {{0, 0, 0}, {0, 0, 0}};
  if (rank < 2) mine = (aeon_box){{0, 0, rank ? 2 : 0}, {8, 8, size == 1 ? 9 : rank ? 8 : 4}};
  e = aeon_layout_create(MPI_COMM_WORLD, N8, &mine, 0, &a);
  if (size > 1)
    CHECK(e == AEON_ERR_USER && a == NULL &&
              strstr(aeon_error_message(), "the box of rank 1 [0,8)x[0,8)x[2,8) overlaps the box of rank 0 "
                                           "[0,8)x[0,8)x[0,4)"),
          "overlap refused: %s", aeon_error_message());
  else
    CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "lies outside the global box 8 x 8 x 8"),
          "outside refused: %s", aeon_error_message());
  aeon_error_clear();
  /* FFTW pairs that overlap: every rank claims all planes but the last */
  e = aeon_layout_slabs_local(MPI_COMM_WORLD, N8, 2, 7, 0, &a);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), size > 1 ? "overlaps" : "cover 448 of the 512 points"),
        "bad slab pairs refused: %s", aeon_error_message());
  aeon_error_clear();
  /* a partial cover: refused without the flag, accepted with it, not coarsened */
  mine = rank == 0 ? (aeon_box){{0, 0, 0}, {4, 8, 8}} : (aeon_box){{0, 0, 0}, {0, 0, 0}};
  e = aeon_layout_create(MPI_COMM_WORLD, N8, &mine, 0, &a);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "cover 256 of the 512 points"), "partial refused: %s",
        aeon_error_message());
  aeon_error_clear();
  CHECK(ok(aeon_layout_create(MPI_COMM_WORLD, N8, &mine, AEON_LAYOUT_PARTIAL, &a)) && aeon_layout_partial(a),
        "partial accepted with the flag");
  e = aeon_layout_coarsen(a, 1, &cc);
  CHECK(e == AEON_ERR_UNSUPPORTED, "partial layout not coarsened");
  aeon_error_clear();
  aeon_layout_destroy(a);
  /* ranks disagreeing on the global box */
  const long Nr[3] = {8, 8, rank == size - 1 ? 9 : 8};
  e = aeon_layout_slabs(MPI_COMM_WORLD, Nr, 0, &a);
  CHECK(size == 1 ? e == AEON_OK
                  : e == AEON_ERR_USER && strstr(aeon_error_message(), "passed the global box 8 x 8 x 9"),
        "disagreeing N: %s", aeon_error_message());
  aeon_error_clear();
  aeon_layout_destroy(a);
  a = NULL;
  /* layouts on communicators with the same ranks in another order */
  if (size > 1) {
    MPI_Comm rev;
    MPI_Comm_split(MPI_COMM_WORLD, 0, size - 1 - rank, &rev);
    CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, N8, 0, &a)) && ok(aeon_layout_slabs(rev, N8, 0, &b)),
          "layouts on the reversed communicator");
    e = aeon_redist_create(a, b, 1, &r);
    CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "different communicators"), "other comm refused: %s",
          aeon_error_message());
    aeon_error_clear();
    aeon_layout_destroy(a);
    aeon_layout_destroy(b);
    MPI_Comm_free(&rev);
  }
  /* an array that does not match the plan, on rank 0 only: every rank returns the error */
  CHECK(ok(aeon_layout_slabs(MPI_COMM_WORLD, N8, 0, &a)) && ok(aeon_layout_slabs(MPI_COMM_WORLD, N8, 1, &b)) &&
            ok(aeon_redist_create(a, b, 2, &r)),
        "plan for the mismatch");
  double *x = NULL, *y = NULL;
  aeon_mem_alloc(sizeof(double) * 1024, (void **)&x);
  aeon_mem_alloc(sizeof(double) * 1024, (void **)&y);
  aeon_array sa = aeon_array_compact(a, 2, x), da = aeon_array_compact(b, rank == 0 ? 1 : 2, y);
  e = aeon_redist_apply(r, &sa, &da);
  CHECK(e == AEON_ERR_USER && strstr(aeon_error_message(), "destination array has 1 variables, the plan 2"),
        "mismatched array refused on every rank: %s", aeon_error_message());
  aeon_error_clear();
  aeon_redist_destroy(r);
  aeon_layout_destroy(a);
  aeon_layout_destroy(b);
  aeon_mem_free(x);
  aeon_mem_free(y);
}

/* The plan is made once: repeated applies give the same bits and allocate nothing; the counts add up. */
static void test_plan_once(void) {
  const long N[3] = {12, 10, 8};
  aeon_mesh m;
  aeon_par par;
  if (!make_mesh(N, 0, &m, &par)) {
    CHECK(0, "mesh");
    return;
  }
  aeon_fields f;
  aeon_fields_create(&m, NVAR, &f);
  aeon_array a = aeon_array_of_fields(&m, &f);
  fill(&a);
  aeon_layout *block = NULL, *slab = NULL;
  aeon_redist *r = NULL;
  CHECK(ok(aeon_layout_from_mesh(&m, &block)) && ok(aeon_layout_slabs(MPI_COMM_WORLD, N, 1, &slab)) &&
            ok(aeon_redist_create(block, slab, NVAR, &r)),
        "plan");
  aeon_box sb = aeon_layout_my_box(slab);
  size_t n = (size_t)aeon_box_size(&sb) * NVAR;
  double *s1 = NULL, *s2 = NULL;
  aeon_mem_alloc(sizeof(double) * (n + 1), (void **)&s1);
  aeon_mem_alloc(sizeof(double) * (n + 1), (void **)&s2);
  aeon_array d1 = aeon_array_compact(slab, NVAR, s1), d2 = aeon_array_compact(slab, NVAR, s2);
  aeon_mem_stats before = aeon_mem_get_stats();
  int good = ok(aeon_redist_apply(r, &a, &d1)) && ok(aeon_redist_apply(r, &a, &d2));
  aeon_mem_stats after = aeon_mem_get_stats();
  CHECK(good, "two applies");
  CHECK(after.nalloc == before.nalloc && after.bytes_live == before.bytes_live,
        "apply allocated: %llu allocations, %llu live bytes -> %llu, %llu", (unsigned long long)before.nalloc,
        (unsigned long long)before.bytes_live, (unsigned long long)after.nalloc,
        (unsigned long long)after.bytes_live);
  CHECK(memcmp(s1, s2, sizeof(double) * n) == 0, "second apply differs from the first");
  CHECK(count_wrong(&d2, "second apply") == 0, "second apply wrong");
  aeon_redist_info info = aeon_redist_get_info(r);
  aeon_box bb = aeon_layout_my_box(block);
  CHECK(info.sent + info.local == aeon_box_size(&bb) * NVAR, "sent %ld + kept %ld != my block", info.sent, info.local);
  CHECK(info.received + info.local == (long)n, "received %ld + kept %ld != my slab", info.received, info.local);
  long io[2] = {info.sent, info.received}, sum[2];
  MPI_Allreduce(io, sum, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  CHECK(sum[0] == sum[1], "sent %ld, received %ld over all ranks", sum[0], sum[1]);
  CHECK(size > 1 || (info.sent == 0 && info.peers_out == 0), "one rank sends nothing");
  if (rank == 0) printf("plan once: 2 applies, 0 allocations, %ld doubles sent over all ranks\n", sum[0]);
  aeon_redist_destroy(r);
  /* equal layouts: a purely local copy */
  aeon_layout *same = NULL;
  CHECK(ok(aeon_layout_from_mesh(&m, &same)) && ok(aeon_redist_create(block, same, NVAR, &r)), "equal plan");
  info = aeon_redist_get_info(r);
  CHECK(info.sent == 0 && info.received == 0 && info.local == aeon_box_size(&bb) * NVAR, "equal layouts copy locally");
  aeon_redist_destroy(r);
  aeon_layout_destroy(same);
  aeon_layout_destroy(block);
  aeon_layout_destroy(slab);
  aeon_mem_free(s1);
  aeon_mem_free(s2);
  aeon_fields_destroy(&f);
  aeon_par_destroy(&par);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  aeon_mem_stats start = aeon_mem_get_stats();
  test_round_trips();
  test_many_messages();
  test_coarsen_16();
  test_coarsen_slabs();
  test_coarsen_boxes();
  test_refusals();
  test_plan_once();
  aeon_mem_stats end = aeon_mem_get_stats();
  CHECK(end.bytes_live == start.bytes_live, "leak: %llu bytes live at the end",
        (unsigned long long)(end.bytes_live - start.bytes_live));
  int all;
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("%s layout (%d ranks)\n", all ? "FAIL" : "PASS", size);
  MPI_Finalize();
  return all != 0;
}
