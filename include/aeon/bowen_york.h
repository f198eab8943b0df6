/* Bowen-York puncture initial data by the Brandt-Bruegmann puncture method
 * (physics/initial_data/): N punctures with bare masses m_i, positions x_i,
 * linear momenta P_i and spins S_i give the conformally flat data
 *   gamma_ij = psi^4 delta_ij,   K_ij = psi^-2 A_ij,
 *   psi = 1 + u + sum_i m_i / (2 r_i),
 *   A_ij = sum_i 3/(2 r_i^2) [P_i n_j + P_j n_i - (delta_ij - n_i n_j) P.n]
 *        + 3/r_i^3 [(S x n)_i n_j + (S x n)_j n_i]       (analytic),
 * where the regular part u solves the Hamiltonian constraint
 *   -lap u = (A_ij A^ij / 8) psi^-7      (= beta (1 + alpha (1 + u))^-7,
 *                                         alpha = 1 / sum m_i/(2 r_i), beta = alpha^7 A.A / 8)
 * with u ~ 1/r at the outer faces (robin). The solve is Newton's method: each
 * step solves the linearised operator -lap + c(x), c = 7 (A.A/8) psi^-8 >= 0,
 * by GMRES (elliptic.ksp_*) preconditioned with one multigrid V-cycle
 * (elliptic.mg_*) of -lap + c_0(x) (c at u = 0; built once per solve), with a
 * backtracking line search; it stops when the L2 norm of the residual is at
 * most newton_rtol times that of the source at u = 0. A NaN, a residual that
 * grows, or the iteration limit is an AEON_ERR_NUMERIC and the solution is
 * zeroed: no garbage is handed on.
 *
 * The source of each cell is its cell average (finite volumes): within 2 m_i
 * of puncture i by an adaptive sub-cell Gauss quadrature in u, elsewhere by a
 * 2^3-point Gauss average at u = 0 carried as a corrected aa at the centre;
 * this makes the ADM mass converge at 2nd order (a centre sample of the
 * spinning puncture's source, peaked at r = m/12, did not).
 *
 * The grid is a mesh (aeon/mesh.h, cell-centred) whose outer faces are robin
 * (radiative faces are treated as robin; periodic, symmetry and dirichlet faces
 * are refused); punctures must lie inside the box, off the cell centres, and
 * apart. ADM mass: the volume form M = sum m_i + (1/2pi) int (A.A/8) psi^-7 dV
 * (the flux of grad u at infinity by Gauss's law) summed exactly over the box
 * plus the part outside the box by quadrature of the analytic integrand with
 * u continued as C/r; local masses M_i = m_i (1 + u_i + sum_{j!=i} m_j/(2 r_ij))
 * with u_i interpolated (tricubic) at puncture i (for two punctures
 * (1 + u_+) m_+ + m_+ m_- / (4 b), b the half separation). */
#ifndef AEON_BOWEN_YORK_H
#define AEON_BOWEN_YORK_H

#include <stdio.h>

#include "aeon/deck.h"
#include "aeon/elliptic.h"
#include "aeon/error.h"
#include "aeon/gvec.h"
#include "aeon/krylov.h"
#include "aeon/mesh.h"
#include "aeon/receipts.h"
#include "aeon/tiers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most punctures of one data set. */
#define AEON_BY_MAX 16

/* One puncture. Plain data. */
typedef struct aeon_by_puncture {
  double m;    /* bare mass (> 0) */
  double x[3]; /* position */
  double P[3]; /* linear momentum */
  double S[3]; /* spin */
} aeon_by_puncture;

/* Solver settings. Plain data. */
typedef struct aeon_by_opts {
  double newton_rtol; /* stop when ||F(u)|| <= newton_rtol ||source(u = 0)|| (L2, cell-volume weighted) */
  int newton_max_it;  /* Newton steps at most */
  int monitor;        /* 1: one line per Newton step on rank 0 */
  FILE *monitor_out;  /* NULL: stdout */
  aeon_ksp_opts ksp;  /* the linear solves (type, rtol, max_it, restart) */
  aeon_mg_opts mg;    /* the preconditioner (one cycle) */
} aeon_by_opts;

/* What a solve did. */
typedef struct aeon_by_result {
  int newton_its;      /* Newton steps */
  long ksp_its;        /* Krylov iterations over all steps */
  double fnorm0;       /* ||source(u = 0)|| (the scale of the tolerance) */
  double fnorm_start;  /* ||F|| of the initial guess */
  double fnorm;        /* ||F|| at the end */
  double seconds;      /* wall time of the solve (rank 0) */
  int guess_dropped;   /* 1: the initial guess had a larger ||F|| than u = 0 (or psi <= 0) and Newton began at 0 */
} aeon_by_result;

/* A warm start from an earlier solve on the same grid (by_warm.c). Plain data. */
typedef struct aeon_by_warm {
  char key[AEON_TIER_KEY]; /* tier key: punctures count, grid shape, layout digest ("by.n2.64x64x64.1a2b3c4d") */
  int match;               /* 0: nothing stored (a cold start); 1: nearby punctures (a warm start); 2: the same ones */
  char source[8];          /* where it came from: "tiers", "file" or "" */
  int64_t cold[2];         /* Newton steps and Krylov iterations of the cold solve that began the entry */
} aeon_by_warm;

/* Masses of a solved data set. */
typedef struct aeon_by_masses {
  double adm;                 /* ADM mass (box + tail) */
  double adm_box;             /* sum m_i + the box's part of the volume integral */
  double tail;                /* the part outside the box */
  double u_at[AEON_BY_MAX];   /* u interpolated at each puncture */
  double local[AEON_BY_MAX];  /* local (horizon) masses M_i */
} aeon_by_masses;

/* Opaque solver: a private copy of the mesh (robin faces), the analytic fields, the operator, the multigrid
 * hierarchy and Krylov solver, and the solution u (kept as the next solve's initial guess). */
typedef struct aeon_by aeon_by;

/* The deck keys of `aeon solve` with elliptic.problem: punctures (elliptic.punctures list, elliptic.newton_*). */
extern const aeon_param_decl aeon_by_params[];
/* Number of entries in aeon_by_params. */
extern const int aeon_by_nparams;

/* Sets the defaults: newton_rtol 1e-10, 30 steps, gmres(30) to 1e-8 relative, V(2,2) RB-GS. */
void aeon_by_opts_default(aeon_by_opts *o);
/* The Bowen-York A_ij (xx, xy, xz, yy, yz, zz) of n punctures at x. */
void aeon_by_curvature(int n, const aeon_by_puncture *p, const double x[3], double A[6]);
/* Returns sum_i m_i / (2 r_i) at x. */
double aeon_by_psi_singular(int n, const aeon_by_puncture *p, const double x[3]);
/* Checks n punctures against a mesh: 1 <= n <= AEON_BY_MAX, masses finite and > 0, every component finite,
 * positions inside the box and off the cell centres, no two closer than 1e-12 of the box's diagonal; faces robin
 * or radiative. key names the list in messages (e.g. "elliptic.punctures"). AEON_ERR_USER naming key[i].field. */
aeon_err aeon_by_check(const aeon_mesh *m, int n, const aeon_by_puncture *p, const char *key);
/* Reads the list key (fields mass, position, momentum, spin) from a deck into p (AEON_BY_MAX entries) and n. */
aeon_err aeon_by_from_deck(const aeon_deck *deck, const char *key, aeon_by_puncture *p, int *n);

/* Creates a solver for n punctures on mesh m (collective over m's process grid; m must outlive it; the punctures
 * are copied; checks them with aeon_by_check). u starts at zero. */
aeon_err aeon_by_create(const aeon_mesh *m, int n, const aeon_by_puncture *p, const aeon_by_opts *o, const char *key,
                        aeon_by **by);
/* Frees a solver (collective). NULL is fine. */
void aeon_by_destroy(aeon_by *by);
/* Replaces the punctures (checked as by aeon_by_create) and keeps u as the next solve's initial guess: a warm start
 * for a sequence of nearby data sets (collective). The robin centre and the preconditioner stay those of the first
 * data set (the preconditioner only approximates the Jacobian anyway). */
aeon_err aeon_by_set_punctures(aeon_by *by, int n, const aeon_by_puncture *p, const char *key);
/* Solves for u from the current u (zero, or the last solution: a warm start); collective. A
 * divergent or NaN solve returns AEON_ERR_NUMERIC and leaves u zero. */
aeon_err aeon_by_solve(aeon_by *by, aeon_by_result *res);
/* The solution u: a ghosted vector on the interior of the solver's mesh (owned by the solver). */
aeon_gvec *aeon_by_u(aeon_by *by);
/* The ADM and local masses of the current u (collective; exact, rank-count independent sums). */
aeon_err aeon_by_masses_compute(aeon_by *by, aeon_by_masses *out);
/* Copies the whole of u to every rank as a global N0 x N1 x N2 array (x fastest; allocated with aeon_mem_alloc,
 * the caller frees it) (collective). */
aeon_err aeon_by_gather(aeon_by *by, double **global);
/* u at x from a global array (aeon_by_gather) on mesh m: tricubic Lagrange interpolation (4th order), one-sided
 * at the faces; outside the box of cell centres the value at the nearest such point scaled by r_near / r about
 * origin (the 1/r fall-off). */
double aeon_by_interp(const aeon_mesh *m, const double *global, const double origin[3], const double x[3]);
/* Looks up the solution stored for this grid and number of punctures: rank 0 looks in tiers (its store; other ranks
 * may pass NULL), then in DIR/warm/KEY.blob (dir "": no file); a hit is broadcast and becomes u, the next solve's
 * initial guess (match 2 when the punctures are the same, 1 when nearby). A blob of another layout or with a bad
 * digest is warned about and ignored (a cold start). Collective. */
aeon_err aeon_by_warm_load(aeon_by *by, aeon_tiers *tiers, const char *dir, aeon_by_warm *w);
/* After a solve: rank 0 stores u (gathered), the punctures' digest and the cold and actual Newton/Krylov counts in
 * tier 1 of tiers under w->key and writes DIR/warm/KEY.blob (unless dir is ""); when w matched, appends a warm-start
 * receipt (key, cold, now, saved) to log (rank 0; may be NULL). An exact match that took no Newton step stores
 * nothing new. Collective. */
aeon_err aeon_by_warm_store(aeon_by *by, aeon_tiers *tiers, const char *dir, const aeon_by_result *res,
                            const aeon_by_warm *w, aeon_receipts *log);

/* Room for a warm-start receipt's detail. */
#define AEON_BY_WARM_DETAIL 192
/* Writes the warm-start receipt's detail (key, exact/nearby, cold, now, saved) into buf; returns 0 (and "") when
 * w did not match (a cold start: no receipt). */
int aeon_by_warm_detail(const aeon_by_warm *w, const aeon_by_result *res, char *buf, size_t cap);

/* The centre of the robin fall-off: the mass-weighted centre of the punctures. */
void aeon_by_origin(int n, const aeon_by_puncture *p, double origin[3]);

#ifdef __cplusplus
}
#endif
#endif
