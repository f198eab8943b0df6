/* Force-included into the library sources of the fuzz build: glibc's <complex.h> defines CMPLX (C11) for GCC
 * only, and clang has the same builtin. */
#include <complex.h>
#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
