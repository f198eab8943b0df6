/* A small table of named items: the only kind of global mutable state Aeon keeps. */
#ifndef AEON_CORE_REGISTRY_H
#define AEON_CORE_REGISTRY_H

#include "aeon/error.h"

#define AEON_REGISTRY_MAX 64

typedef struct aeon_registry {
  const char *kind; /* "physics module", "time integrator", ... (for messages) */
  int n;
  const char *name[AEON_REGISTRY_MAX];
  const void *item[AEON_REGISTRY_MAX];
} aeon_registry;

/* Adds item under name; registering the very same item again is a no-op, another item of the same name an error. */
aeon_err aeon_registry_add(aeon_registry *r, const char *name, const void *item);
/* Returns the item called name, or NULL. */
const void *aeon_registry_find(const aeon_registry *r, const char *name);

#endif
