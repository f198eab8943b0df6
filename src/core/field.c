/* Field descriptors: tensor kinds, their components, and the reflection parity
 * each component derives from its indices (a component is odd under x -> -x once
 * per index equal to x: gt_xy is odd in x and y, beta_x odd in x, gt_xx even). */
#include <stdio.h>
#include <string.h>

#include "aeon/field.h"

static const char *const kind_name[AEON_TENSOR_NKINDS] = {"scalar", "U", "D", "UU_sym", "DD_sym", "UU", "UD", "DD"};
static const int kind_ncomp[AEON_TENSOR_NKINDS] = {1, 3, 3, 6, 6, 9, 9, 9};
/* Symmetric components xx, xy, xz, yy, yz, zz. */
static const int sym_idx[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};

static int kind_ok(aeon_tensor kind) { return (int)kind >= 0 && kind < AEON_TENSOR_NKINDS; }

int aeon_tensor_ncomp(aeon_tensor kind) { return kind_ok(kind) ? kind_ncomp[kind] : 0; }

const char *aeon_tensor_name(aeon_tensor kind) { return kind_ok(kind) ? kind_name[kind] : "unknown"; }

int aeon_tensor_indices(aeon_tensor kind, int comp, int idx[2]) {
  if (!kind_ok(kind) || comp < 0 || comp >= kind_ncomp[kind]) return -1;
  switch (kind) {
  case AEON_TENSOR_SCALAR: return 0;
  case AEON_TENSOR_U:
  case AEON_TENSOR_D: idx[0] = comp; return 1;
  case AEON_TENSOR_UU_SYM:
  case AEON_TENSOR_DD_SYM: idx[0] = sym_idx[comp][0], idx[1] = sym_idx[comp][1]; return 2;
  default: idx[0] = comp / 3, idx[1] = comp % 3; return 2;
  }
}

aeon_err aeon_field_parity(const aeon_field_desc *f, int parity[3]) {
  int idx[2], n = aeon_tensor_indices(f->tensor, f->comp, idx);
  if (n < 0) {
    if (!kind_ok(f->tensor))
      return AE_ERR(AEON_ERR_USER, "variable '%s' has an unknown tensor kind %d (known: scalar, U, D, UU_sym, DD_sym, "
                    "UU, UD, DD)", f->name, (int)f->tensor);
    return AE_ERR(AEON_ERR_USER, "variable '%s': component %d is out of range for tensor kind %s (0..%d)", f->name,
                  f->comp, kind_name[f->tensor], kind_ncomp[f->tensor] - 1);
  }
  for (int d = 0; d < 3; d++) {
    parity[d] = 1;
    for (int a = 0; a < n; a++)
      if (idx[a] == d) parity[d] = -parity[d];
  }
  return AEON_OK;
}

aeon_err aeon_field_check(const aeon_field_desc *f, int n, const char *module) {
  for (int v = 0; v < n; v++) {
    int par[3];
    if (!f[v].name || !f[v].name[0])
      return AE_ERR(AEON_ERR_USER, "physics '%s': variable %d has no name", module, v);
    if (aeon_field_parity(&f[v], par)) {
      char why[400];
      snprintf(why, sizeof why, "%s", aeon_error_message());
      return AE_ERR(AEON_ERR_USER, "physics '%s': %s", module, why);
    }
    if ((int)f[v].role < AEON_ROLE_EVOLVED || f[v].role > AEON_ROLE_CONSTRAINT)
      return AE_ERR(AEON_ERR_USER, "physics '%s': variable '%s' has an unknown role %d", module, f[v].name,
                    (int)f[v].role);
    for (int w = 0; w < v; w++)
      if (strcmp(f[w].name, f[v].name) == 0)
        return AE_ERR(AEON_ERR_USER, "physics '%s': variable name '%s' is declared twice", module, f[v].name);
  }
  return AEON_OK;
}

int aeon_field_find(const aeon_field_desc *f, int n, const char *name) {
  for (int v = 0; v < n; v++)
    if (strcmp(f[v].name, name) == 0) return v;
  return -1;
}
