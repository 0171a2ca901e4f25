/* Escape engine internals shared with the tests. */
#ifndef SGL_ESCAPE_INTERNAL_H
#define SGL_ESCAPE_INTERNAL_H
#include "sgdlab.h"
/* sgl_escape_run with the specialised 1-D kernel switched off (generic = 1):
 * both paths must give the same bits (tests/test_escape.c). */
sgl_status sgl_escape_run_impl(const sgl_escape_spec *s, sgl_escape_results *res, int generic, sgl_err *err);
/* does the specialised vector kernel handle this spec? */
int sgl_escape_fast_ok(const sgl_escape_spec *s);
#endif
