/* The initial data kinds of the BSSN module: one line per id_*.c file. */
#include <string.h>

#include "bssn_id.h"

extern const bssn_id_ops bssn_id_minkowski;

const bssn_id_ops *const bssn_id_list[] = {
    &bssn_id_minkowski,
    NULL,
};

const bssn_id_ops *bssn_id_find(const char *name) {
  for (int i = 0; bssn_id_list[i]; i++)
    if (strcmp(bssn_id_list[i]->name, name) == 0) return bssn_id_list[i];
  return NULL;
}
