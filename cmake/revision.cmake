# Writes OUT, the header with the git revision that `aeon --version` prints (run by CMake at every build, so it follows
# commits without a reconfigure; the file is rewritten only when it changes). From `git rev-parse` when SRC is the top
# of a git checkout (not merely inside another repository), marked when tracked files have uncommitted changes; in a
# source archive made by `git archive`, from cmake/revision.txt (filled in through .gitattributes export-subst);
# otherwise "unknown".
set(rev "unknown (no git checkout, and not a git archive)")
execute_process(COMMAND git -C "${SRC}" rev-parse --show-toplevel OUTPUT_VARIABLE top RESULT_VARIABLE rc
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(rc EQUAL 0)
  get_filename_component(top "${top}" REALPATH)
  get_filename_component(src "${SRC}" REALPATH)
endif()
if(rc EQUAL 0 AND top STREQUAL src)
  execute_process(COMMAND git -C "${SRC}" rev-parse --short=12 HEAD OUTPUT_VARIABLE hash
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND git -C "${SRC}" status --porcelain --untracked-files=no OUTPUT_VARIABLE dirty ERROR_QUIET)
  if(hash AND dirty)
    set(rev "${hash} (git, with uncommitted changes)")
  elseif(hash)
    set(rev "${hash} (git)")
  endif()
elseif(EXISTS "${SRC}/cmake/revision.txt")
  file(READ "${SRC}/cmake/revision.txt" archived)
  string(STRIP "${archived}" archived)
  if(archived MATCHES "^[0-9a-f]+$")
    string(SUBSTRING "${archived}" 0 12 archived)
    set(rev "${archived} (git archive)")
  endif()
endif()
set(text "/* Generated at build time by cmake/revision.cmake. */\n#define AEON_GIT_REVISION \"${rev}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
