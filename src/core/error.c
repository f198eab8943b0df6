/* Thread-local error record: one message plus the stack of frames it crossed. */
#include "aeon/error.h"

#include <stdarg.h>
#include <string.h>

#define AEON_MAX_FRAMES 24

typedef struct {
  const char *file;
  const char *func;
  int line;
} frame;

typedef struct {
  aeon_err code;
  char msg[2048];
  frame frames[AEON_MAX_FRAMES];
  int nframes;
} error_record;

static _Thread_local error_record rec;

static void push_frame(const char *file, int line, const char *func) {
  if (rec.nframes < AEON_MAX_FRAMES) {
    rec.frames[rec.nframes].file = file;
    rec.frames[rec.nframes].line = line;
    rec.frames[rec.nframes].func = func;
    rec.nframes++;
  }
}

aeon_err aeon_error_set(aeon_err code, const char *file, int line, const char *func,
                        const char *fmt, ...) {
  char msg[sizeof rec.msg]; /* the arguments may include aeon_error_message(): format aside, then copy */
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  memcpy(rec.msg, msg, sizeof msg);
  rec.code = code;
  rec.nframes = 0;
  push_frame(file, line, func);
  return code;
}

aeon_err aeon_error_trace(aeon_err code, const char *file, int line, const char *func) {
  if (rec.code == AEON_OK) { /* a failure nobody described: still say where */
    rec.code = code;
    snprintf(rec.msg, sizeof rec.msg, "%s error", aeon_error_name(code));
    rec.nframes = 0;
  }
  push_frame(file, line, func);
  return code;
}

const char *aeon_error_message(void) { return rec.msg; }

aeon_err aeon_error_code(void) { return rec.code; }

void aeon_error_clear(void) {
  rec.code = AEON_OK;
  rec.msg[0] = '\0';
  rec.nframes = 0;
}

void aeon_error_adopt(aeon_err code, const char *message) {
  rec.code = code;
  if (message != rec.msg) snprintf(rec.msg, sizeof rec.msg, "%s", message);
  rec.nframes = 0;
}

const char *aeon_error_name(aeon_err code) {
  switch (code) {
  case AEON_OK: return "no";
  case AEON_ERR_USER: return "input";
  case AEON_ERR_IO: return "I/O";
  case AEON_ERR_MEM: return "memory";
  case AEON_ERR_MPI: return "MPI";
  case AEON_ERR_LIB: return "library";
  case AEON_ERR_NUMERIC: return "numerical";
  case AEON_ERR_INTERNAL: return "internal";
  case AEON_ERR_UNSUPPORTED: return "unsupported";
  case AEON_ERR_OTHER_RANK: return "remote";
  }
  return "unknown";
}

void aeon_error_print(FILE *out, int with_stack) {
  fprintf(out, "aeon: error: %s\n", rec.msg[0] ? rec.msg : "unknown failure");
  if (!with_stack) return;
  for (int i = 0; i < rec.nframes; i++)
    fprintf(out, "    #%d %s() at %s:%d\n", i, rec.frames[i].func, rec.frames[i].file,
            rec.frames[i].line);
}
