/* Reflection-symmetry boundaries: ghosts are mirror images of the interior,
 * times each variable's parity in the reflected direction. Directions are
 * filled in order x, y, z over all points, so edges and corners come out right. */
#include "aeon/mesh.h"

int aeon_mesh_mirror(const aeon_mesh *m, int face, const int p[3], int q[3]) {
  int d = face / 2, upper = face % 2;
  q[0] = p[0], q[1] = p[1], q[2] = p[2];
  q[d] = upper ? 2 * m->n[d] - 1 - p[d] : -1 - p[d];
  return upper ? p[d] - m->n[d] : -1 - p[d];
}

static void reflect_face(const aeon_mesh *m, double *u, int face, double parity) {
  int d = face / 2;
  aeon_box b = m->valid;
  if (face % 2) b.lo[d] = m->n[d];
  else b.hi[d] = 0;
  int p[3], q[3];
  for (p[2] = b.lo[2]; p[2] < b.hi[2]; p[2]++)
    for (p[1] = b.lo[1]; p[1] < b.hi[1]; p[1]++)
      for (p[0] = b.lo[0]; p[0] < b.hi[0]; p[0]++) {
        aeon_mesh_mirror(m, face, p, q);
        u[aeon_idx(m, p[0], p[1], p[2])] = parity * u[aeon_idx(m, q[0], q[1], q[2])];
      }
}

void aeon_mesh_fill_symmetry(const aeon_mesh *m, aeon_fields *f, const int (*parity)[3]) {
  for (int face = 0; face < 6; face++) {
    if (!m->physical[face] || m->bc[face] != AEON_BC_SYMMETRY) continue;
    for (int v = 0; v < f->nvar; v++) reflect_face(m, aeon_var(f, v), face, (double)parity[v][face / 2]);
  }
}
