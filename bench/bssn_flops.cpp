// Counts the floating-point operations of one point of the BSSN/CCZ4 rhs (physics/bssn/bssn_point.h): the same
// source compiled with `double` replaced by a number type that counts every +, -, *, / it performs (constants folded
// at compile time, e.g. 1.0 / 3.0, are not counted; the upwind derivative blends its points first and evaluates one
// lopsided stencil, as the vectorised kernel does; sqrt, comparisons and selects are not counted; the tiled CPU path
// shares the y and z first differences with the xy and xz mixed derivatives and does about 340 fewer). Prints the
// count for the formulation given (bssn or ccz4; 1+log, Gamma-driver, dissipation on) at the finite-difference order
// given second (4, the default, or 6). Built with the benchmarks; bench_bssn runs it.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

static long long nflop = 0;

struct cd {
  double v;
  cd() : v(0) {}
  cd(double x) : v(x) {}
};
static inline cd operator+(cd a, cd b) { return nflop++, cd(a.v + b.v); }
static inline cd operator-(cd a, cd b) { return nflop++, cd(a.v - b.v); }
static inline cd operator*(cd a, cd b) { return nflop++, cd(a.v * b.v); }
static inline cd operator/(cd a, cd b) { return nflop++, cd(a.v / b.v); }
static inline cd operator-(cd a) { return cd(-a.v); }
static inline cd &operator+=(cd &a, cd b) { return a = a + b; }
static inline cd &operator-=(cd &a, cd b) { return a = a - b; }
static inline bool operator>(cd a, cd b) { return a.v > b.v; }
static inline bool operator>=(cd a, cd b) { return a.v >= b.v; }

#define double cd
#include "aeon/stencil.h"
#include "bssn_point.h"
#undef double

int main(int argc, char **argv) {
  const int ccz4 = argc > 1 && std::strcmp(argv[1], "ccz4") == 0, order = argc > 2 ? std::atoi(argv[2]) : 4;
  enum { N = 9, NP = N * N * N };
  static cd f[BSSN_NVAR][NP], r[BSSN_NVAR][NP];
  bssn_in in;
  bssn_out out;
  for (int v = 0; v < BSSN_NVAR; v++) {
    const int one = v == BSSN_W || v == BSSN_GT_XX || v == BSSN_GT_YY || v == BSSN_GT_ZZ || v == BSSN_ALPHA;
    for (int p = 0; p < NP; p++) f[v][p] = cd(one + 0.01 * std::sin(0.1 * p + v));
    in.v[v] = f[v], out.v[v] = r[v];
  }
  bssn_coef c;
  std::memset(static_cast<void *>(&c), 0, sizeof c);
  c.s[0] = 1, c.s[1] = N, c.s[2] = N * N;
  for (int d = 0; d < 3; d++) c.d1[d] = 1.0, c.d2[d] = 1.0, c.d11[d] = 1.0, c.ko[d] = 0.1;
  c.order = order;
  c.ccz4 = ccz4, c.lapse = BSSN_LAPSE_1LOG, c.shift = BSSN_SHIFT_GAMMA_DRIVER, c.diss = 1, c.eta = 2;
  c.kappa1 = 0.1, c.kappa3 = 0.5, c.wfloor = 1e-4;
  bssn_gauge(&c);
  nflop = 0;
  bssn_rhs(&c, &in, &out, 4 + N * (4 + N * 4));
  std::printf("%lld\n", nflop);
  return 0;
}
