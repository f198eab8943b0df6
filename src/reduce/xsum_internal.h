/* Shared inside src/reduce: carry normalisation of a long accumulator. */
#ifndef AEON_REDUCE_XSUM_INTERNAL_H
#define AEON_REDUCE_XSUM_INTERNAL_H
#include "aeon/reduce.h"
/* Propagates carries so every limb is a 32-bit digit (the top limb keeps the sign); resets pending. */
void aeon_xsum_normalize_(aeon_xsum *s);
#endif
