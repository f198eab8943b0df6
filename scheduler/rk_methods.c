/* The registry of Runge-Kutta methods and the built-in ones. */
#include "aeon/stepper.h"
#include "core/registry.h"

static aeon_registry methods = {.kind = "time integrator"};

static const aeon_rk_method rk4 = {
  .name = "rk4", .doc = "classical 4th-order Runge-Kutta", .order = 4, .nstage = 4,
  .a = {{0}, {0.5}, {0, 0.5}, {0, 0, 1.0}}, .b = {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6}, .c = {0, 0.5, 0.5, 1.0}};
static const aeon_rk_method rk2 = {
  .name = "rk2", .doc = "2nd-order midpoint Runge-Kutta", .order = 2, .nstage = 2,
  .a = {{0}, {0.5}}, .b = {0, 1.0}, .c = {0, 0.5}};
static const aeon_rk_method ssprk3 = {
  .name = "ssprk3", .doc = "3rd-order strong-stability-preserving Runge-Kutta (Shu-Osher)", .order = 3, .nstage = 3,
  .a = {{0}, {1.0}, {0.25, 0.25}}, .b = {1.0 / 6, 1.0 / 6, 2.0 / 3}, .c = {0, 1.0, 0.5}};

int aeon_rk_is_subdiagonal(const aeon_rk_method *m) {
  for (int s = 0; s < m->nstage; s++)
    for (int j = 0; j + 1 < s; j++)
      if (m->a[s][j] != 0) return 0;
  return 1;
}

aeon_err aeon_rk_register(const aeon_rk_method *m) {
  if (m->nstage < 1 || m->nstage > AEON_RK_MAX_STAGES)
    return AE_ERR(AEON_ERR_INTERNAL, "time integrator '%s' has %d stages", m->name, m->nstage);
  for (int s = 0; s < m->nstage; s++)
    for (int j = s; j < AEON_RK_MAX_STAGES; j++)
      if (m->a[s][j] != 0)
        return AE_ERR(AEON_ERR_INTERNAL, "time integrator '%s' is not explicit: a[%d][%d] = %g", m->name, s, j, m->a[s][j]);
  return aeon_registry_add(&methods, m->name, m);
}

const aeon_rk_method *aeon_rk_find(const char *name) { return aeon_registry_find(&methods, name); }

int aeon_rk_count(void) { return methods.n; }

const aeon_rk_method *aeon_rk_get(int i) { return methods.item[i]; }

aeon_err aeon_rk_register_builtins(void) {
  AE_CHK(aeon_rk_register(&rk4));
  AE_CHK(aeon_rk_register(&rk2));
  AE_CHK(aeon_rk_register(&ssprk3));
  return AEON_OK;
}
