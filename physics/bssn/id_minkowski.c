/* Flat space in Cartesian coordinates: gamma = delta, K = 0, alpha = 1, beta = 0
 * (with bssn.noise: the robust-stability testbed). Exact at every t. */
#include <string.h>

#include "bssn_id.h"

static void minkowski_point(const void *ctx, double t, const double x[3], bssn_adm *out) {
  (void)ctx, (void)t, (void)x;
  memset(out, 0, sizeof *out);
  out->g[0] = out->g[3] = out->g[5] = 1.0;
  out->alpha = 1.0;
}

const bssn_id_ops bssn_id_minkowski = {
    .name = "minkowski",
    .doc = "flat space (with bssn.noise: the robust-stability testbed)",
    .exact = 1,
    .periodic_ok = 1,
    .point = minkowski_point,
};
