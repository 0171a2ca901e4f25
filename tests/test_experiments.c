/* The reproduce experiments as library calls (include/sgdlab_experiments.h):
 * each returns its result structure without I/O, bitwise the same for any
 * thread count (DESIGN.md determinism), reports every cell through the
 * progress callback, and its _free is safe on a zeroed result. */
#include "sgdlab.h"
#include "sgdlab_experiments.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static void count_calls(void *ctx, const char *label, double seconds)
{
    (void)label;
    (void)seconds;
    ++*(int *)ctx;
}

static int same_summary(const sgl_summary *a, const sgl_summary *b)
{
    return memcmp(&a->mean, &b->mean, sizeof a->mean) == 0 && memcmp(&a->std_err, &b->std_err, sizeof a->mean) == 0 &&
           a->n == b->n && a->n_diverged == b->n_diverged;
}

static void shape_matters(void)
{
    sgl_shape_result r1, r2, z;
    memset(&z, 0, sizeof z);
    sgl_shape_result_free(&z);
    int calls = 0;
    sgl_exp_settings s = {2, 7, 1, 1, count_calls, &calls};
    sgl_err err;
    check_true(sgl_exp_shape_matters(&s, &r1, &err) == SGL_OK, "shape-matters --quick runs (%s)", err.msg);
    check_true(calls == SGL_SHAPE_N, "progress once per variant (got %d)", calls);
    s.threads = 2;
    s.progress = NULL;
    check_true(sgl_exp_shape_matters(&s, &r2, &err) == SGL_OK, "shape-matters on 2 threads runs (%s)", err.msg);
    for (int v = 0; v < SGL_SHAPE_N; ++v) {
        const sgl_shape_cell *a = &r1.cell[v], *b = &r2.cell[v];
        check_true(same_summary(&a->test, &b->test) && same_summary(&a->off, &b->off) &&
                   same_summary(&a->train, &b->train), "%s: 1 and 2 threads give the same bits", a->name);
        check_true(a->test.n + a->test.n_diverged == 2 && a->spec.seeds == 2 && a->spec.seed == 7,
                   "%s: two seeds from seed 7", a->name);
        check_true(a->n_log > 1 && a->steps[a->n_log - 1] == a->spec.steps &&
                   same_summary(&a->curve[a->n_log - 1], &a->test), "%s: the curve ends at the final summary",
                   a->name);
    }
    /* the verdicts are the stated thresholds on the final means */
    check_true(r1.cell[SGL_SHAPE_GD].verdict == (r1.cell[SGL_SHAPE_GD].test.mean > 40), "GD verdict is mean > 40");
    check_true(r1.cell[SGL_SHAPE_DIAG].verdict == -1, "diagnet-label has no target");
    check_true(r1.cell[SGL_SHAPE_GD].spec.steps == 30000, "--quick divides the steps by 10");
    sgl_shape_result_free(&r1);
    sgl_shape_result_free(&r2);
}

int main(void)
{
    shape_matters();
    return done();
}
