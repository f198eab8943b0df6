#include "core/registry.h"

#include <string.h>

aeon_err aeon_registry_add(aeon_registry *r, const char *name, const void *item) {
  const void *old = aeon_registry_find(r, name);
  if (old == item) return AEON_OK;
  if (old) return AE_ERR(AEON_ERR_INTERNAL, "%s '%s' registered twice", r->kind, name);
  if (r->n == AEON_REGISTRY_MAX)
    return AE_ERR(AEON_ERR_INTERNAL, "too many %ss (at most %d)", r->kind, AEON_REGISTRY_MAX);
  r->name[r->n] = name;
  r->item[r->n] = item;
  r->n++;
  return AEON_OK;
}

const void *aeon_registry_find(const aeon_registry *r, const char *name) {
  for (int i = 0; i < r->n; i++)
    if (strcmp(r->name[i], name) == 0) return r->item[i];
  return NULL;
}
