# Writes OUT (a header defining SGL_GIT and SGL_GIT_VERSION) at build time,
# touching the file only when it changed:
#   SGL_GIT          `git describe --always --dirty` in SRC, or "unknown"
#   SGL_GIT_VERSION  `git describe --tags` of the latest vX.Y.Z tag without the
#                    "v" ("0.1.0", "0.1.0-3-g0123456789"), else VERSION (the
#                    project() version: a clone without tags or no git at all)
execute_process(COMMAND git describe --always --dirty --abbrev=10 WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE h OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT h)
  set(h "unknown")
endif()
execute_process(COMMAND git describe --tags --match "v[0-9]*" --abbrev=10 WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE v OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(rc EQUAL 0 AND v MATCHES "^v[0-9]")
  string(SUBSTRING "${v}" 1 -1 v)
else()
  set(v "${VERSION}")
endif()
set(text "#define SGL_GIT \"${h}\"\n#define SGL_GIT_VERSION \"${v}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
