/* The initial data kinds of the BSSN module: one line per id_*.c file. */
#include <string.h>

#include "bssn_id.h"

extern const bssn_id_ops bssn_id_minkowski;
extern const bssn_id_ops bssn_id_punctures;
extern const bssn_id_ops bssn_id_schwarzschild;
extern const bssn_id_ops bssn_id_linear_wave, bssn_id_gauge_wave;
extern const bssn_id_ops bssn_id_bowen_york;

const bssn_id_ops *const bssn_id_list[] = {
    &bssn_id_minkowski,
    &bssn_id_punctures,     /* id_punctures.c */
    &bssn_id_schwarzschild, /* id_punctures.c */
    &bssn_id_linear_wave,   /* id_awa.c */
    &bssn_id_gauge_wave,    /* id_awa.c */
    &bssn_id_bowen_york,    /* id_bowen_york.c */
    NULL,
};

const bssn_id_ops *bssn_id_find(const char *name) {
  for (int i = 0; bssn_id_list[i]; i++)
    if (strcmp(bssn_id_list[i]->name, name) == 0) return bssn_id_list[i];
  return NULL;
}
