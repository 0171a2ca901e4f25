# Writes OUT (a header defining SGL_GIT) from `git describe --always --dirty`
# in SRC, at build time, touching the file only when the hash changed.
execute_process(COMMAND git describe --always --dirty --abbrev=10 WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE h OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT h)
  set(h "unknown")
endif()
set(text "#define SGL_GIT \"${h}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
