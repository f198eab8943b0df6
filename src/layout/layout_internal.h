/* Private to src/layout: the layout structure, shared by the constructors, coarsening and redistribution. */
#ifndef AEON_LAYOUT_INTERNAL_H
#define AEON_LAYOUT_INTERNAL_H

#include "aeon/layout.h"

struct aeon_layout {
  MPI_Comm comm;   /* a duplicate of the communicator the layout was built on (owned) */
  int rank, size;  /* this rank and the number of ranks in comm */
  long N[3];       /* global points per direction */
  int partial;     /* 1 if the boxes may leave points unowned */
  int owners;      /* ranks with a non-empty box */
  aeon_box *box;   /* size boxes of global indices; an empty box is all zeros */
};

/* Returns 1 if box b holds no point. */
static inline int aeon_box_empty_(const aeon_box *b) { return aeon_box_size(b) == 0; }
/* Returns the intersection of a and b (all zeros if empty). */
aeon_box aeon_box_intersect_(const aeon_box *a, const aeon_box *b);
/* Writes "[lo,hi)x[lo,hi)x[lo,hi)" (or "empty") into buf. */
const char *aeon_box_str_(const aeon_box *b, char *buf, size_t len);
/* Checks boxes (replicated) against the global box N: inside, no overlap, a full cover unless partial.
 * No MPI: every rank that calls it with the same boxes gets the same verdict. */
aeon_err aeon_layout_validate_(const long N[3], const aeon_box *box, int size, int partial);
/* Makes a layout from boxes already known on every rank (collective: duplicates comm). */
aeon_err aeon_layout_new_(MPI_Comm comm, const long N[3], const aeon_box *box, int partial, aeon_layout **L);

#endif
