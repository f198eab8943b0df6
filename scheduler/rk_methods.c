/* The registry of Runge-Kutta methods and the built-in ones. */
#include "aeon/stepper.h"
#include "core/registry.h"

static aeon_registry methods = {.kind = "time integrator"};

static const aeon_rk_method rk4 = {
  .name = "rk4", .doc = "classical 4th-order Runge-Kutta", .order = 4, .nstage = 4,
  .a = {0, 0.5, 0.5, 1.0}, .b = {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6}, .c = {0, 0.5, 0.5, 1.0}};
static const aeon_rk_method rk2 = {
  .name = "rk2", .doc = "2nd-order midpoint Runge-Kutta", .order = 2, .nstage = 2,
  .a = {0, 0.5}, .b = {0, 1.0}, .c = {0, 0.5}};

aeon_err aeon_rk_register(const aeon_rk_method *m) {
  if (m->nstage < 1 || m->nstage > AEON_RK_MAX_STAGES)
    return AE_ERR(AEON_ERR_INTERNAL, "time integrator '%s' has %d stages", m->name, m->nstage);
  return aeon_registry_add(&methods, m->name, m);
}

const aeon_rk_method *aeon_rk_find(const char *name) { return aeon_registry_find(&methods, name); }

int aeon_rk_count(void) { return methods.n; }

const aeon_rk_method *aeon_rk_get(int i) { return methods.item[i]; }

aeon_err aeon_rk_register_builtins(void) {
  AE_CHK(aeon_rk_register(&rk4));
  AE_CHK(aeon_rk_register(&rk2));
  return AEON_OK;
}
