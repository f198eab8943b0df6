/* The BSSN/CCZ4 right-hand side and constraints at one grid point, on the
 * operators of aeon/stencil.h, for host C17 and device (CUDA/HIP) code alike.
 * Data flow: bssn_geometry reads the variables of bssn_vars.h at linear index p
 * and their centred 4th-order (or, with coef.order 6, 6th-order) derivatives and forms the conformal inverse metric,
 * Christoffel symbols and W^2 times the physical Ricci tensor (the part the
 * rhs and the constraints share); bssn_rhs adds the lapse and shift terms, the
 * gauge, the lopsided advection along beta (4th order; 6th) and Kreiss-Oliger dissipation (6th difference;
 * 8th) and writes all 25 time derivatives at p;
 * bssn_constraints writes the Hamiltonian, momentum and Gamma constraints.
 * The equations are written out in docs/bssn.md. Conventions:
 *   gamma_ij = gt_ij / W^2, A_ij (physical trace-free) = At_ij / W^2,
 *   K slot: K (bssn) or K_hat = K - 2 Theta (ccz4), so the lapse sees K_hat,
 *   Gt^i (evolved, "Gamma-hat") vs Gd^i = gt^jk Gt^i_jk (computed from gt).
 * The CCZ4 terms are those of Alic et al. 2012 (PRD 85, 064040) that carry
 * Theta or a kappa; the lower-order Z terms not multiplied by a kappa are left
 * out (as in Z4c), so ccz4 with Theta = 0 and kappa1 = kappa2 = kappa3 = 0 is
 * bssn exactly (tests/unit/test_bssn_point.c). W is floored (coef.wfloor)
 * where the rhs divides by it. */
#ifndef AEON_BSSN_POINT_H
#define AEON_BSSN_POINT_H

#include "aeon/stencil.h"
#include "bssn_vars.h"

/* Stencil radius of the rhs at 4th order (lopsided advection and KO6 read 3 points on each side) and at 6th order
 * (lopsided advection and KO8 read 4). */
#define BSSN_RADIUS 3
#define BSSN_RADIUS6 4

enum { BSSN_LAPSE_1LOG = 0, BSSN_LAPSE_HARMONIC = 1, BSSN_LAPSE_GEODESIC = 2 };
enum { BSSN_SHIFT_GAMMA_DRIVER = 0, BSSN_SHIFT_ZERO = 1 };

/* Per-mesh constants of the rhs (plain data: passed to kernels by value). */
typedef struct bssn_coef {
  long s[3];       /* strides of x, y, z */
  int order;       /* finite-difference order: 6, or 4 (any other value) */
  double d1[3];    /* 1 / (12 h_d) (order 6: 1 / (60 h_d)) */
  double d2[3];    /* 1 / (12 h_d^2) (order 6: 1 / (180 h_d^2)) */
  double d11[3];   /* 1 / (144 h_a h_b) for xy, xz, yz (order 6: 1 / (3600 h_a h_b)) */
  double ko[3];    /* eps / h_d (Kreiss-Oliger) */
  int ccz4;        /* 1: CCZ4 (Theta evolved) */
  int lapse;       /* BSSN_LAPSE_* */
  int shift;       /* BSSN_SHIFT_* */
  double l1, l2, la, gd; /* set by bssn_gauge from lapse and shift */
  int diss;        /* 1: add dissipation */
  double eta;      /* Gamma-driver damping */
  double kappa1, kappa2, kappa3; /* CCZ4 damping */
  double wfloor;   /* W is floored at this where the rhs divides by it */
  int gnd_evolved; /* 1: the evolved Gt^i in the undifferentiated Gamma-tilde terms (Ricci, shift); 0: Gd^i */
  double kham;     /* d_t K += kham alpha H (the Hamiltonian constraint added to the K equation; 0: BSSN's) */
} bssn_coef;

/* Pointers to the 25 variables (read) and their time derivatives (written), in bssn_vars.h order. */
typedef struct bssn_in {
  const double *v[BSSN_NVAR];
} bssn_in;
typedef struct bssn_out {
  double *v[BSSN_NVAR];
} bssn_out;

/* Sets the gauge coefficients of c from c->lapse and c->shift: d_t alpha = -(l1 alpha + l2 alpha^2) K_hat
 * + la beta.grad alpha, i.e. 1+log (2, 0, 1), harmonic (0, 1, 1), geodesic (0, 0, 0); gd = 1 for the Gamma-driver. */
AEON_HD AEON_INLINE void bssn_gauge(bssn_coef *c) {
  c->l1 = c->lapse == BSSN_LAPSE_1LOG ? 2.0 : 0.0;
  c->l2 = c->lapse == BSSN_LAPSE_HARMONIC ? 1.0 : 0.0;
  c->la = c->lapse == BSSN_LAPSE_GEODESIC ? 0.0 : 1.0;
  c->gd = c->shift == BSSN_SHIFT_GAMMA_DRIVER ? 1.0 : 0.0;
}

/* Index of symmetric component (i, j) in xx, xy, xz, yy, yz, zz order. */
AEON_HD AEON_INLINE int bssn_sym(int i, int j) {
  const int lo = i < j ? i : j, hi = i < j ? j : i;
  return lo * (5 - lo) / 2 + hi;
}

/* Centred d f / d x_d at p (4th or 6th order). */
AEON_HD AEON_INLINE double bssn_d1(const bssn_coef *c, const double *f, long p, int d) {
  return c->d1[d] * (c->order == 6 ? aeon_st_d1_6(f, p, c->s[d]) : aeon_st_d1_4(f, p, c->s[d]));
}
/* Centred d^2 f / dx_a dx_b at p (4th or 6th order; mirror-exact pair forms). */
AEON_HD AEON_INLINE double bssn_d2(const bssn_coef *c, const double *f, long p, int a, int b) {
  if (a == b) return c->d2[a] * (c->order == 6 ? aeon_st_d2_6(f, p, c->s[a]) : aeon_st_d2_4p(f, p, c->s[a]));
  const int lo = a < b ? a : b, hi = a < b ? b : a;
  return c->d11[lo + hi - 1] * (c->order == 6 ? aeon_st_d11_6(f, p, c->s[lo], c->s[hi])
                                              : aeon_st_d11_4(f, p, c->s[lo], c->s[hi]));
}
/* beta^k d_k f with lopsided (upwind) differences (4th or 6th order). */
AEON_HD AEON_INLINE double bssn_adv(const bssn_coef *c, const double *f, long p, const double be[3]) {
  double a = 0.0;
  for (int k = 0; k < 3; k++)
    a += be[k] * (c->d1[k] * (c->order == 6 ? aeon_st_d1_up6(f, p, c->s[k], be[k])
                                            : aeon_st_d1_up4s(f, p, c->s[k], be[k])));
  return a;
}
/* Kreiss-Oliger dissipation summed over directions: the 6th difference (order 4), the 8th (order 6). */
AEON_HD AEON_INLINE double bssn_ko(const bssn_coef *c, const double *f, long p) {
  if (c->order == 6)
    return c->ko[0] * aeon_st_ko8(f, p, c->s[0]) + c->ko[1] * aeon_st_ko8(f, p, c->s[1]) +
           c->ko[2] * aeon_st_ko8(f, p, c->s[2]);
  return c->ko[0] * aeon_st_ko6(f, p, c->s[0]) + c->ko[1] * aeon_st_ko6(f, p, c->s[1]) +
         c->ko[2] * aeon_st_ko6(f, p, c->s[2]);
}

/* Loop unrolling hint for the small index loops (so that the point loop of a tile vectorises). */
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__) || defined(__clang__)
#define BSSN_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define BSSN_UNROLL /* nvcc's host pass: the host compiler need not unroll */
#elif defined(__GNUC__)
#define BSSN_UNROLL _Pragma("GCC unroll 32")
#else
#define BSSN_UNROLL
#endif
/* The algebra is inlined into the tile loop of the host code even though it is large (so the loop vectorises). */
#if defined(__GNUC__) && !defined(__CUDACC__) && !defined(__HIPCC__)
#define BSSN_FORCE_INLINE __attribute__((always_inline))
#else
#define BSSN_FORCE_INLINE
#endif

/* The stencil results one point needs, as one array of doubles (index O_* + component): values, first and second
 * derivatives, the advection terms beta^k d_k f and the dissipation of every variable; constraints also read the
 * first derivatives of At. Pairs (a, b) of second derivatives are numbered as symmetric components (bssn_sym). */
enum {
  BSSN_O_U = 0,                        /* 25 values */
  BSSN_O_DW = BSSN_O_U + BSSN_NVAR,    /* d_k W: 3 */
  BSSN_O_DGT = BSSN_O_DW + 3,          /* d_k gt_m: m * 3 + k (18) */
  BSSN_O_DK = BSSN_O_DGT + 18,         /* d_k K: 3 */
  BSSN_O_DGH = BSSN_O_DK + 3,          /* d_k Gt^i: i * 3 + k (9) */
  BSSN_O_DTH = BSSN_O_DGH + 9,         /* d_k Theta: 3 */
  BSSN_O_DAL = BSSN_O_DTH + 3,         /* d_k alpha: 3 */
  BSSN_O_DB = BSSN_O_DAL + 3,          /* d_k beta^i: i * 3 + k (9) */
  BSSN_O_DDW = BSSN_O_DB + 9,          /* d_ab W: 6 */
  BSSN_O_DDGT = BSSN_O_DDW + 6,        /* d_ab gt_m: m * 6 + ab (36) */
  BSSN_O_DDAL = BSSN_O_DDGT + 36,      /* d_ab alpha: 6 */
  BSSN_O_DDB = BSSN_O_DDAL + 6,        /* d_ab beta^i: i * 6 + ab (18) */
  BSSN_O_ADV = BSSN_O_DDB + 18,        /* beta^k d_k f (upwind) of every variable: 25 */
  BSSN_O_KO = BSSN_O_ADV + BSSN_NVAR,  /* dissipation of every variable: 25 */
  BSSN_PT_N = BSSN_O_KO + BSSN_NVAR,   /* what the rhs reads */
  BSSN_O_DAT = BSSN_PT_N,              /* d_k At_m: m * 3 + k (18), constraints only */
  BSSN_PTC_N = BSSN_O_DAT + 18
};

/* Fills s[k * ld] for k < BSSN_PT_N (rhs) or every k < BSSN_PTC_N (cons = 1: adds d At, leaves out advection and
 * dissipation) with the stencils of the variables at p. */
AEON_HD AEON_INLINE void bssn_load(const bssn_coef *c, const bssn_in *in, long p, double *s, long ld, int cons) {
  const double *const *u = in->v;
  for (int v = 0; v < BSSN_NVAR; v++) s[(BSSN_O_U + v) * ld] = u[v][p];
  for (int k = 0; k < 3; k++) {
    s[(BSSN_O_DW + k) * ld] = bssn_d1(c, u[BSSN_W], p, k);
    s[(BSSN_O_DK + k) * ld] = bssn_d1(c, u[BSSN_K], p, k);
    s[(BSSN_O_DTH + k) * ld] = c->ccz4 ? bssn_d1(c, u[BSSN_THETA], p, k) : 0.0;
    s[(BSSN_O_DAL + k) * ld] = bssn_d1(c, u[BSSN_ALPHA], p, k);
    for (int m = 0; m < 6; m++) s[(BSSN_O_DGT + m * 3 + k) * ld] = bssn_d1(c, u[BSSN_GT_XX + m], p, k);
    for (int i = 0; i < 3; i++) {
      s[(BSSN_O_DGH + i * 3 + k) * ld] = bssn_d1(c, u[BSSN_GT_X + i], p, k);
      s[(BSSN_O_DB + i * 3 + k) * ld] = bssn_d1(c, u[BSSN_BETA_X + i], p, k);
    }
    if (cons)
      for (int m = 0; m < 6; m++) s[(BSSN_O_DAT + m * 3 + k) * ld] = bssn_d1(c, u[BSSN_AT_XX + m], p, k);
  }
  for (int a = 0; a < 3; a++)
    for (int b = a; b < 3; b++) {
      const int ab = bssn_sym(a, b);
      s[(BSSN_O_DDW + ab) * ld] = bssn_d2(c, u[BSSN_W], p, a, b);
      s[(BSSN_O_DDAL + ab) * ld] = bssn_d2(c, u[BSSN_ALPHA], p, a, b);
      for (int m = 0; m < 6; m++) s[(BSSN_O_DDGT + m * 6 + ab) * ld] = bssn_d2(c, u[BSSN_GT_XX + m], p, a, b);
      for (int i = 0; i < 3; i++) s[(BSSN_O_DDB + i * 6 + ab) * ld] = bssn_d2(c, u[BSSN_BETA_X + i], p, a, b);
    }
  if (cons) return;
  const double be[3] = {u[BSSN_BETA_X][p], u[BSSN_BETA_Y][p], u[BSSN_BETA_Z][p]};
  for (int v = 0; v < BSSN_NVAR; v++) {
    s[(BSSN_O_ADV + v) * ld] = bssn_adv(c, u[v], p, be);
    s[(BSSN_O_KO + v) * ld] = c->diss ? bssn_ko(c, u[v], p) : 0.0;
  }
}

/* What the rhs and the constraints share at a point. */
typedef struct bssn_geom {
  double W, Wf;             /* conformal factor, and W floored (for divisions) */
  double g[3][3], gu[3][3]; /* conformal metric and its inverse */
  double A[3][3];           /* At_ij */
  double Kh, Th, Kt;        /* K slot, Theta, trace K = Kh + 2 Theta (ccz4) */
  double al, be[3], Gh[3];  /* lapse, shift, evolved Gt^i */
  double dW[3], dal[3], dKh[3], dTh[3];
  double cl[3][3][3];       /* Gt_{k ij} = gt_kl Gt^l_ij */
  double ch[3][3][3];       /* Gt^k_ij */
  double Gd[3];             /* gt^jk Gt^i_jk */
  double Gn[3];             /* the Gt^i of the undifferentiated terms: Gd, or Gh with coef.gnd_evolved */
  double W2R[3][3];         /* W^2 R_ij (physical Ricci tensor times W^2) */
  double R;                 /* physical Ricci scalar */
} bssn_geom;

#define BSSN_S(k) s[(k) * ld]

/* The shared geometric quantities from the stencil results s (stride ld). */
AEON_HD AEON_INLINE BSSN_FORCE_INLINE void bssn_geometry(const bssn_coef *c, const double *AEON_RESTRICT s, long ld,
                                                         bssn_geom *G) {
  G->W = BSSN_S(BSSN_O_U + BSSN_W);
  G->Wf = G->W > c->wfloor ? G->W : c->wfloor;
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      G->g[i][j] = BSSN_S(BSSN_O_U + BSSN_GT_XX + bssn_sym(i, j));
      G->A[i][j] = BSSN_S(BSSN_O_U + BSSN_AT_XX + bssn_sym(i, j));
    }
  }
  G->Kh = BSSN_S(BSSN_O_U + BSSN_K);
  G->Th = c->ccz4 ? BSSN_S(BSSN_O_U + BSSN_THETA) : 0.0;
  G->Kt = G->Kh + 2.0 * G->Th;
  G->al = BSSN_S(BSSN_O_U + BSSN_ALPHA);
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    G->be[i] = BSSN_S(BSSN_O_U + BSSN_BETA_X + i);
    G->Gh[i] = BSSN_S(BSSN_O_U + BSSN_GT_X + i);
    G->dW[i] = BSSN_S(BSSN_O_DW + i);
    G->dal[i] = BSSN_S(BSSN_O_DAL + i);
    G->dKh[i] = BSSN_S(BSSN_O_DK + i);
    G->dTh[i] = c->ccz4 ? BSSN_S(BSSN_O_DTH + i) : 0.0;
  }
  const double(*g)[3] = G->g;
  const double det = g[0][0] * (g[1][1] * g[2][2] - g[1][2] * g[1][2]) -
                     g[0][1] * (g[0][1] * g[2][2] - g[1][2] * g[0][2]) +
                     g[0][2] * (g[0][1] * g[1][2] - g[1][1] * g[0][2]);
  const double idet = 1.0 / det;
  G->gu[0][0] = (g[1][1] * g[2][2] - g[1][2] * g[1][2]) * idet;
  G->gu[0][1] = G->gu[1][0] = (g[0][2] * g[1][2] - g[0][1] * g[2][2]) * idet;
  G->gu[0][2] = G->gu[2][0] = (g[0][1] * g[1][2] - g[0][2] * g[1][1]) * idet;
  G->gu[1][1] = (g[0][0] * g[2][2] - g[0][2] * g[0][2]) * idet;
  G->gu[1][2] = G->gu[2][1] = (g[0][1] * g[0][2] - g[0][0] * g[1][2]) * idet;
  G->gu[2][2] = (g[0][0] * g[1][1] - g[0][1] * g[0][1]) * idet;
  const double(*gu)[3] = G->gu;
  double dg[3][6], ddg[6][6], ddW[6], dGh[3][3];
  BSSN_UNROLL for (int m = 0; m < 6; m++) {
    BSSN_UNROLL for (int k = 0; k < 3; k++) dg[k][m] = BSSN_S(BSSN_O_DGT + m * 3 + k);
    BSSN_UNROLL for (int ab = 0; ab < 6; ab++) ddg[ab][m] = BSSN_S(BSSN_O_DDGT + m * 6 + ab);
    ddW[m] = BSSN_S(BSSN_O_DDW + m);
  }
  BSSN_UNROLL for (int a = 0; a < 3; a++) {
    BSSN_UNROLL for (int k = 0; k < 3; k++) dGh[a][k] = BSSN_S(BSSN_O_DGH + k * 3 + a); /* d_a Gt^k */
  }
  BSSN_UNROLL for (int k = 0; k < 3; k++) {
    BSSN_UNROLL for (int i = 0; i < 3; i++) {
      BSSN_UNROLL for (int j = 0; j < 3; j++)
        G->cl[k][i][j] = 0.5 * (dg[i][bssn_sym(k, j)] + dg[j][bssn_sym(k, i)] - dg[k][bssn_sym(i, j)]);
    }
  }
  BSSN_UNROLL for (int k = 0; k < 3; k++) {
    BSSN_UNROLL for (int i = 0; i < 3; i++) {
      BSSN_UNROLL for (int j = 0; j < 3; j++)
        G->ch[k][i][j] = gu[k][0] * G->cl[0][i][j] + gu[k][1] * G->cl[1][i][j] + gu[k][2] * G->cl[2][i][j];
    }
  }
  BSSN_UNROLL for (int k = 0; k < 3; k++) {
    double t = 0.0;
    BSSN_UNROLL for (int i = 0; i < 3; i++) {
      BSSN_UNROLL for (int j = 0; j < 3; j++) t += gu[i][j] * G->ch[k][i][j];
    }
    G->Gd[k] = t;
    G->Gn[k] = c->gnd_evolved ? G->Gh[k] : t;
  }
  double trDDW = 0.0, dWdW = 0.0, DDW[3][3];
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      DDW[i][j] = ddW[bssn_sym(i, j)] - (G->ch[0][i][j] * G->dW[0] + G->ch[1][i][j] * G->dW[1] +
                                          G->ch[2][i][j] * G->dW[2]);
      trDDW += gu[i][j] * DDW[i][j];
      dWdW += gu[i][j] * G->dW[i] * G->dW[j];
    }
  }
  /* gt^lm (Gt^k_li Gt_jkm + Gt^k_lj Gt_ikm + Gt^k_im Gt_klj) with Cu[k][m][i] = gt^ml Gt^k_li and
   * Lu[k][m][j] = gt^ml Gt_klj contracted first */
  double Cu[3][3][3], Lu[3][3][3];
  BSSN_UNROLL for (int k = 0; k < 3; k++) {
    BSSN_UNROLL for (int m = 0; m < 3; m++) {
      BSSN_UNROLL for (int i = 0; i < 3; i++) {
        Cu[k][m][i] = gu[m][0] * G->ch[k][0][i] + gu[m][1] * G->ch[k][1][i] + gu[m][2] * G->ch[k][2][i];
        Lu[k][m][i] = gu[m][0] * G->cl[k][0][i] + gu[m][1] * G->cl[k][1][i] + gu[m][2] * G->cl[k][2][i];
      }
    }
  }
  double R = 0.0;
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = i; j < 3; j++) {
      const int ij = bssn_sym(i, j);
      double r = -0.5 * (gu[0][0] * ddg[0][ij] + gu[1][1] * ddg[3][ij] + gu[2][2] * ddg[5][ij]) -
                 (gu[0][1] * ddg[1][ij] + gu[0][2] * ddg[2][ij] + gu[1][2] * ddg[4][ij]);
      BSSN_UNROLL for (int k = 0; k < 3; k++) {
        BSSN_UNROLL for (int m = 0; m < 3; m++)
          r += Cu[k][m][i] * G->cl[j][k][m] + Cu[k][m][j] * G->cl[i][k][m] + G->ch[k][i][m] * Lu[k][m][j];
      }
      BSSN_UNROLL for (int k = 0; k < 3; k++)
        r += 0.5 * (g[k][i] * dGh[j][k] + g[k][j] * dGh[i][k]) + 0.5 * G->Gn[k] * (G->cl[i][j][k] + G->cl[j][i][k]);
      const double w = G->W * G->W * r + G->W * (DDW[i][j] + g[i][j] * trDDW) - 2.0 * g[i][j] * dWdW;
      G->W2R[i][j] = G->W2R[j][i] = w;
      R += (i == j ? 1.0 : 2.0) * gu[i][j] * w;
    }
  }
  G->R = R;
}

/* The 25 time derivatives from the stencil results s (stride ld) into r[v * rld]. */
AEON_HD AEON_INLINE BSSN_FORCE_INLINE void bssn_algebra(const bssn_coef *c, const double *AEON_RESTRICT s, long ld,
                                      double *AEON_RESTRICT r, long rld) {
  bssn_geom G;
  bssn_geometry(c, s, ld, &G);
  const double(*g)[3] = G.g, (*gu)[3] = G.gu, (*A)[3] = G.A;
  const double al = G.al, W = G.W;
  double db[3][3], ddb[6][3], ddal[6];
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) db[j][i] = BSSN_S(BSSN_O_DB + i * 3 + j); /* d_j beta^i */
  }
  BSSN_UNROLL for (int ab = 0; ab < 6; ab++) {
    ddal[ab] = BSSN_S(BSSN_O_DDAL + ab);
    BSSN_UNROLL for (int i = 0; i < 3; i++) ddb[ab][i] = BSSN_S(BSSN_O_DDB + i * 6 + ab);
  }
  const double divb = db[0][0] + db[1][1] + db[2][2];
  double dWdal = 0.0;
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) dWdal += gu[i][j] * G.dW[i] * G.dal[j];
  }
  /* S_ij = W^2 (-D_i D_j alpha + alpha R_ij), its conformal trace, and D^i D_i alpha */
  double S[3][3], trS = 0.0, lapal = 0.0;
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      const double dd = ddal[bssn_sym(i, j)] -
                        (G.ch[0][i][j] * G.dal[0] + G.ch[1][i][j] * G.dal[1] + G.ch[2][i][j] * G.dal[2]);
      const double w2dd = W * W * dd + W * (G.dal[i] * G.dW[j] + G.dal[j] * G.dW[i] - g[i][j] * dWdal);
      lapal += gu[i][j] * w2dd;
      S[i][j] = -w2dd + al * G.W2R[i][j];
      trS += gu[i][j] * S[i][j];
    }
  }
  /* At^ij, At_ik At^k_j, At_ij At^ij */
  double Au[3][3], AgA[3][3], AA = 0.0, Am[3][3];
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++)
      Am[i][j] = gu[i][0] * A[0][j] + gu[i][1] * A[1][j] + gu[i][2] * A[2][j]; /* A^i_j */
  }
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      Au[i][j] = Am[i][0] * gu[0][j] + Am[i][1] * gu[1][j] + Am[i][2] * gu[2][j];
      AgA[i][j] = A[i][0] * Am[0][j] + A[i][1] * Am[1][j] + A[i][2] * Am[2][j];
    }
  }
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) AA += A[i][j] * Au[i][j];
  }
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = i; j < 3; j++) {
      const int m = bssn_sym(i, j);
      double lg = -2.0 / 3.0 * g[i][j] * divb, la = -2.0 / 3.0 * A[i][j] * divb;
      BSSN_UNROLL for (int k = 0; k < 3; k++) {
        lg += g[i][k] * db[j][k] + g[j][k] * db[i][k];
        la += A[i][k] * db[j][k] + A[j][k] * db[i][k];
      }
      r[(BSSN_GT_XX + m) * rld] = -2.0 * al * A[i][j] + lg + BSSN_S(BSSN_O_ADV + BSSN_GT_XX + m);
      r[(BSSN_AT_XX + m) * rld] = (S[i][j] - g[i][j] * trS * (1.0 / 3.0)) +
                                  al * (G.Kh * A[i][j] - 2.0 * AgA[i][j]) + la + BSSN_S(BSSN_O_ADV + BSSN_AT_XX + m);
    }
  }
  double dK = -lapal + al * (AA + G.Kt * G.Kt * (1.0 / 3.0));
  if (c->ccz4) dK += al * c->kappa1 * (1.0 - c->kappa2) * G.Th;
  dK += c->kham * al * (G.R + 2.0 / 3.0 * G.Kt * G.Kt - AA); /* kham: + alpha H */
  r[BSSN_K * rld] = dK + BSSN_S(BSSN_O_ADV + BSSN_K);
  r[BSSN_W * rld] = W * (1.0 / 3.0) * (al * G.Kt - divb) + BSSN_S(BSSN_O_ADV + BSSN_W);
  r[BSSN_THETA * rld] =
      c->ccz4 ? 0.5 * al * (G.R - AA + 2.0 / 3.0 * G.Kt * G.Kt - 2.0 * G.Th * G.Kt) -
                    al * c->kappa1 * (2.0 + c->kappa2) * G.Th + BSSN_S(BSSN_O_ADV + BSSN_THETA)
              : 0.0;
  const double iW = 1.0 / G.Wf;
  double dG[3];
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    double t = 2.0 / 3.0 * G.Gn[i] * divb;
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      double cA = 0.0;
      BSSN_UNROLL for (int k = 0; k < 3; k++) cA += G.ch[i][j][k] * Au[j][k];
      t += -2.0 * Au[i][j] * G.dal[j] +
           2.0 * al * (cA - 3.0 * Au[i][j] * G.dW[j] * iW - 2.0 / 3.0 * gu[i][j] * G.dKh[j]) +
           1.0 / 3.0 * gu[i][j] * (ddb[bssn_sym(j, 0)][0] + ddb[bssn_sym(j, 1)][1] + ddb[bssn_sym(j, 2)][2]) -
           G.Gn[j] * db[j][i];
      BSSN_UNROLL for (int k = 0; k < 3; k++) t += gu[j][k] * ddb[bssn_sym(j, k)][i];
    }
    if (c->ccz4) {
      const double Zi = G.Gh[i] - G.Gd[i]; /* 2 gt^ij Z_j */
      double zb = 2.0 / 3.0 * Zi * divb;
      BSSN_UNROLL for (int j = 0; j < 3; j++) {
        zb -= (G.Gh[j] - G.Gd[j]) * db[j][i];
        t += gu[i][j] * (-2.0 / 3.0 * al * G.dTh[j] - 2.0 * G.Th * G.dal[j]);
      }
      t += c->kappa3 * zb - al * c->kappa1 * Zi;
    }
    dG[i] = t;
    r[(BSSN_GT_X + i) * rld] = t + BSSN_S(BSSN_O_ADV + BSSN_GT_X + i);
  }
  /* the gauge through coefficients (bssn_gauge), no branches */
  const double gd = c->gd;
  r[BSSN_ALPHA * rld] = -((c->l1 * al + c->l2 * (al * al)) * G.Kh) + c->la * BSSN_S(BSSN_O_ADV + BSSN_ALPHA);
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    const double Bi = BSSN_S(BSSN_O_U + BSSN_B_X + i);
    r[(BSSN_BETA_X + i) * rld] = gd * (0.75 * Bi + BSSN_S(BSSN_O_ADV + BSSN_BETA_X + i));
    r[(BSSN_B_X + i) * rld] = gd * (dG[i] - c->eta * Bi + BSSN_S(BSSN_O_ADV + BSSN_B_X + i));
  }
  if (c->diss) {
    BSSN_UNROLL for (int v = 0; v < BSSN_NVAR; v++)
      if (v != BSSN_THETA || c->ccz4) r[v * rld] += BSSN_S(BSSN_O_KO + v);
  }
}

/* The 25 time derivatives at p, written to out->v[*][p] (one point: the device kernel and tests). */
AEON_HD AEON_INLINE void bssn_rhs(const bssn_coef *c, const bssn_in *in, const bssn_out *out, long p) {
  double s[BSSN_PT_N], r[BSSN_NVAR];
  bssn_load(c, in, p, s, 1, 0);
  bssn_algebra(c, s, 1, r, 1);
  for (int v = 0; v < BSSN_NVAR; v++) out->v[v][p] = r[v];
}

/* The constraints from the stencil results s (stride ld, with d At): Hamiltonian H = R + 2/3 K^2 - A_ij A^ij,
 * momentum M_i (covariant components), Gamma G^i = Gt^i - gt^jk Gt^i_jk. */
AEON_HD AEON_INLINE BSSN_FORCE_INLINE void bssn_constraints_s(const bssn_coef *c, const double *AEON_RESTRICT s,
                                                              long ld, double *H, double M[3], double Gc[3]) {
  bssn_geom G;
  bssn_geometry(c, s, ld, &G);
  const double(*gu)[3] = G.gu, (*A)[3] = G.A;
  double AA = 0.0;
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      BSSN_UNROLL for (int k = 0; k < 3; k++) {
        BSSN_UNROLL for (int l = 0; l < 3; l++) AA += gu[i][k] * gu[j][l] * A[i][j] * A[k][l];
      }
    }
  }
  *H = G.R + 2.0 / 3.0 * G.Kt * G.Kt - AA;
  const double iW = 1.0 / G.Wf;
  BSSN_UNROLL for (int i = 0; i < 3; i++) {
    double t = -2.0 / 3.0 * (G.dKh[i] + 2.0 * G.dTh[i]);
    BSSN_UNROLL for (int j = 0; j < 3; j++) {
      BSSN_UNROLL for (int k = 0; k < 3; k++) {
        double d = BSSN_S(BSSN_O_DAT + bssn_sym(i, j) * 3 + k) - 3.0 * A[i][j] * G.dW[k] * iW;
        BSSN_UNROLL for (int l = 0; l < 3; l++) d -= G.ch[l][k][i] * A[l][j] + G.ch[l][k][j] * A[i][l];
        t += gu[j][k] * d;
      }
    }
    M[i] = t;
    Gc[i] = G.Gh[i] - G.Gd[i];
  }
}

/* The constraints at p (see bssn_constraints_s). */
AEON_HD AEON_INLINE void bssn_constraints(const bssn_coef *c, const bssn_in *in, long p, double *H, double M[3],
                                          double Gc[3]) {
  double s[BSSN_PTC_N];
  bssn_load(c, in, p, s, 1, 1);
  bssn_constraints_s(c, s, 1, H, M, Gc);
}

#undef BSSN_S

#endif
