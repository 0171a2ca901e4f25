/* Helpers shared by the escape-engine tests (test_escape.c,
 * test_escape_events.c): run a spec to completion or fail the test, and
 * compare two result sets bitwise. */
#ifndef SGL_ESCAPE_TESTUTIL_H
#define SGL_ESCAPE_TESTUTIL_H
#include "testutil.h"
#include "escape/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sgl_escape_run_impl with the specialised 1-D kernel on (generic = 0, what
 * sgl_escape_run does) or off (generic = 1); exits the test on failure */
static sgl_escape_results *esc_run(const sgl_escape_spec *s, int generic)
{
    sgl_escape_results *r = NULL;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_escape_results_alloc(s, &r, &err);
    if (st == SGL_OK) st = sgl_escape_run_impl(s, r, generic, &err);
    if (st != SGL_OK) {
        printf("FAIL run: %s: %s\n", err.field, err.msg);
        sgl_escape_results_free(r);
        exit(1);
    }
    return r;
}

/* every per-trajectory result equal bit for bit */
static int esc_same(const sgl_escape_results *a, const sgl_escape_results *b)
{
    return a->M == b->M && memcmp(a->t, b->t, a->M * sizeof *a->t) == 0 &&
           memcmp(a->steps, b->steps, a->M * sizeof *a->steps) == 0 &&
           memcmp(a->state, b->state, a->M * sizeof *a->state) == 0 &&
           memcmp(a->x, b->x, a->M * a->n * sizeof *a->x) == 0 && memcmp(a->L, b->L, a->M * sizeof *a->L) == 0;
}
#endif
