/* The registry of physics modules. */
#include "aeon/physics.h"
#include "core/registry.h"

static aeon_registry physics = {.kind = "physics module"};

aeon_err aeon_physics_register(const aeon_physics_ops *ops) {
  if (!ops->create || !ops->rhs || !ops->initial_data || ops->nvar <= 0)
    return AE_ERR(AEON_ERR_INTERNAL, "physics module '%s' lacks create/rhs/initial_data or variables",
                  ops->name);
  AE_CHK(aeon_field_check(ops->vars, ops->nvar, ops->name));
  AE_CHK(aeon_field_check(ops->aux, ops->naux, ops->name));
  for (int v = 0; v < ops->nvar; v++)
    if (ops->vars[v].role != AEON_ROLE_EVOLVED || aeon_field_find(ops->aux, ops->naux, ops->vars[v].name) >= 0)
      return AE_ERR(AEON_ERR_USER, "physics '%s': evolved variable '%s' must have role evolved and a name no auxiliary "
                    "field uses", ops->name, ops->vars[v].name);
  for (int v = 0; v < ops->naux; v++)
    if (ops->aux[v].role == AEON_ROLE_EVOLVED)
      return AE_ERR(AEON_ERR_USER, "physics '%s': auxiliary field '%s' must have role auxiliary or constraint",
                    ops->name, ops->aux[v].name);
  return aeon_registry_add(&physics, ops->name, ops);
}

int aeon_cert_add(aeon_cert *c, const char *name, double bound) {
  if (c->n >= AEON_CERT_MAX) return -1;
  c->name[c->n] = name;
  c->bound[c->n] = bound;
  aeon_norm_acc_init(&c->acc[c->n]);
  return c->n++;
}

const aeon_physics_ops *aeon_physics_find(const char *name) { return aeon_registry_find(&physics, name); }

int aeon_physics_count(void) { return physics.n; }

const aeon_physics_ops *aeon_physics_get(int i) { return physics.item[i]; }
