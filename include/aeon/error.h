/* Aeon error convention: every fallible function returns aeon_err; AE_CHK
 * propagates a failure and records file:line so the top level prints a short
 * stack, the way PETSc's CHKERRQ does. */
#ifndef AEON_ERROR_H
#define AEON_ERROR_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum aeon_err {
  AEON_OK = 0,
  AEON_ERR_USER = 1,        /* bad input from the user: deck, flag, file name */
  AEON_ERR_IO = 2,          /* file system or HDF5 failure */
  AEON_ERR_MEM = 3,         /* out of memory or over a memory budget */
  AEON_ERR_MPI = 4,         /* an MPI call failed */
  AEON_ERR_LIB = 5,         /* an external library failed (libyaml, hwloc, ...) */
  AEON_ERR_NUMERIC = 6,     /* non-finite values, divergence */
  AEON_ERR_INTERNAL = 7,    /* a bug in Aeon */
  AEON_ERR_UNSUPPORTED = 8, /* a feature not built in or not implemented */
  AEON_ERR_OTHER_RANK = 9   /* another rank failed; its message was received */
} aeon_err;

/* Records a new error (message printf-style) at file:line and returns code. */
aeon_err aeon_error_set(aeon_err code, const char *file, int line, const char *func,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Appends the frame file:line to the current error's stack and returns code. */
aeon_err aeon_error_trace(aeon_err code, const char *file, int line, const char *func);
/* Returns the current error's message ("" when none). */
const char *aeon_error_message(void);
/* Returns the current error's code (AEON_OK when none). */
aeon_err aeon_error_code(void);
/* Prints "aeon: error: MESSAGE" and, when with_stack is set, the frames. */
void aeon_error_print(FILE *out, int with_stack);
/* Forgets the current error. */
void aeon_error_clear(void);
/* Returns a short name for an error code ("user input", "I/O", ...). */
const char *aeon_error_name(aeon_err code);
/* Replaces the current error's message and code (used when a message travels between ranks). */
void aeon_error_adopt(aeon_err code, const char *message);

#define AE_ERR(code, ...) aeon_error_set((code), __FILE__, __LINE__, __func__, __VA_ARGS__)

#define AE_CHK(expr)                                                   \
  do {                                                                 \
    aeon_err ae_chk_e_ = (expr);                                       \
    if (ae_chk_e_ != AEON_OK)                                          \
      return aeon_error_trace(ae_chk_e_, __FILE__, __LINE__, __func__); \
  } while (0)

/* Like AE_CHK but stores the code in `var` and jumps to `label` for cleanup. */
#define AE_CHK_GOTO(expr, var, label)                                  \
  do {                                                                 \
    (var) = (expr);                                                    \
    if ((var) != AEON_OK) {                                            \
      aeon_error_trace((var), __FILE__, __LINE__, __func__);           \
      goto label;                                                      \
    }                                                                  \
  } while (0)

/* Turns an MPI return code into an Aeon error. */
#define AE_MPI(call)                                                   \
  do {                                                                 \
    int ae_mpi_rc_ = (call);                                           \
    if (ae_mpi_rc_ != 0 /* MPI_SUCCESS */)                             \
      return AE_ERR(AEON_ERR_MPI, "MPI call failed (code %d): %s", ae_mpi_rc_, #call); \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
