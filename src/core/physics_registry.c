/* The registry of physics modules. */
#include "aeon/physics.h"
#include "core/registry.h"

static aeon_registry physics = {.kind = "physics module"};

aeon_err aeon_physics_register(const aeon_physics_ops *ops) {
  if (!ops->create || !ops->rhs || !ops->initial_data || ops->nvar <= 0)
    return AE_ERR(AEON_ERR_INTERNAL, "physics module '%s' lacks create/rhs/initial_data or variables",
                  ops->name);
  return aeon_registry_add(&physics, ops->name, ops);
}

const aeon_physics_ops *aeon_physics_find(const char *name) { return aeon_registry_find(&physics, name); }

int aeon_physics_count(void) { return physics.n; }

const aeon_physics_ops *aeon_physics_get(int i) { return physics.item[i]; }
