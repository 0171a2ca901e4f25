/* The reproduce experiments as library calls (include/sgdlab_experiments.h):
 * each returns its result structure without I/O, reports every cell through
 * the progress callback, and its _free is safe on a zeroed result.  That the
 * results are bitwise the same for any thread count (DESIGN.md determinism) is
 * compared for all four experiments by python_reproduce (the CLI on 1 thread
 * against the Python call on 2; it needs python3-cffi, -numpy and -pytest,
 * which scripts/bootstrap.sh installs), bit for bit by the CLI tests for
 * exponential-escape and lwa-sparse (cli_reproduce_escape, cli_reproduce_lwa)
 * and at the table's digits for mori-escape, so each experiment runs once
 * here, on 2 threads. */
#include "sgdlab.h"
#include "sgdlab_experiments.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
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
    sgl_shape_result r1, z;
    memset(&z, 0, sizeof z);
    sgl_shape_result_free(&z);
    int calls = 0;
    sgl_exp_settings s = {2, 7, 2, 1, count_calls, &calls};
    sgl_err err;
    check_true(sgl_exp_shape_matters(&s, &r1, &err) == SGL_OK, "shape-matters --quick runs (%s)", err.msg);
    check_true(calls == SGL_SHAPE_N, "progress once per variant (got %d)", calls);
    for (int v = 0; v < SGL_SHAPE_N; ++v) {
        const sgl_shape_cell *a = &r1.cell[v];
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
}

static void exponential_escape(void)
{
    sgl_expesc_result r1;
    sgl_exp_settings s = {40, 3, 2, 1, NULL, NULL};
    sgl_err err;
    check_true(sgl_exp_exponential_escape(&s, &r1, &err) == SGL_OK, "exponential-escape --quick runs (%s)", err.msg);
    int n_sim = 0, spec_ok = 1;
    for (int i = 0; i < SGL_EXPESC_NS; ++i)
        for (int b = 0; b < SGL_EXPESC_NB; ++b) {
            const sgl_exp_escape_cell *c = &r1.be[i].sim[b];
            n_sim += c->simulated;
            if (c->simulated) spec_ok &= c->spec.trajectories == c->M && c->rec.esc && c->rec.esc->M == c->M &&
                                         c->escaped + c->censored + c->diverged == c->M;
        }
    check_true(n_sim >= 6, "(1): most of the 3 series x 3 B/eta quick settings simulated (got %d)", n_sim);
    check_true(spec_ok, "every simulated cell keeps its spec and its run's trajectories");
    /* the theory column is the one translation's (sgl_theory_escape of the cell's spec) */
    sgl_prediction pr[64];
    size_t n = 0;
    double want = NAN;
    check_true(r1.be[0].sim[0].simulated, "(1) Mori SDE at B/eta = 16 simulated");
    if (sgl_theory_escape(&r1.be[0].sim[0].spec, pr, 64, &n, &err) == SGL_OK)
        for (size_t i = 0; i < n; ++i)
            if (strcmp(pr[i].name, "mori_mfpt") == 0) want = pr[i].value;
    check_true(r1.be[0].theory[0] == want, "theory value %.17g is sgl_theory_escape's %.17g", r1.be[0].theory[0], want);
    check_true(r1.start[1].spec.start == SGL_ESC_START_BURN_IN && r1.km_n > 0, "(3) burn-in start, Kaplan-Meier");
    sgl_expesc_result_free(&r1);
}

static void mori_escape(void)
{
    sgl_mori_result *r = calloc(1, sizeof *r);
    sgl_exp_settings s = {0, 5, 2, 1, NULL, NULL};
    sgl_err err;
    check_true(r && sgl_exp_mori_escape(&s, r, &err) == SGL_OK, "mori-escape --quick runs (%s)", err.msg);
    int skip_ok = 1;
    for (int i = 0; i < SGL_MORI_NA; ++i) skip_ok &= r->a[i].quick_skip == (i >= 5) && !(i >= 5 && r->a[i].sim.simulated);
    check_true(skip_ok, "(a): quick skips exactly the B/eta = 40, 80 rows, and says so");
    check_true(r->a[0].sim.simulated && r->a[0].sim.spec.noise == SGL_ESC_MORI, "(a) first row simulated, Mori noise");
    sgl_prediction pr[64];
    size_t n = 0;
    double want = NAN;
    if (sgl_theory_escape(&r->a[0].sim.spec, pr, 64, &n, &err) == SGL_OK)
        for (size_t i = 0; i < n; ++i)
            if (strcmp(pr[i].name, "exact_mfpt") == 0) want = pr[i].value;
    check_true(r->a[0].exact == want, "(a) exact MFPT %.17g is sgl_theory_escape's %.17g", r->a[0].exact, want);
    int phi_ok = 1;
    for (int i = 0; i < SGL_MORI_NC; ++i) phi_ok &= r->c[i].ok && r->c[i].sim.rec.esc && r->c[i].samples > 0;
    check_true(phi_ok, "(c): every phi fitted from its run's losses");
    check_true(r->d[0].ok && r->d[1].ok, "(d): phi under true minibatch SGD fitted");
    sgl_mori_result_free(r);
    free(r);
}

static void lwa_sparse(void)
{
    sgl_lwa_result *a = calloc(1, sizeof *a);
    sgl_exp_settings s = {2, 9, 2, 1, NULL, NULL};
    sgl_err err;
    check_true(a && sgl_exp_lwa_sparse(&s, a, &err) == SGL_OK, "lwa-sparse --quick runs (%s)", err.msg);
    check_true(a->nd == 2 && a->draws == 2, "lwa-sparse --quick: two d, two draws");
    /* at n = d every interpolator recovers w* */
    const sgl_lwa_cell *last = &a->cell[0][a->ngrid[0] - 1];
    check_true(a->n[0][a->ngrid[0] - 1] == a->d[0] && last->succ[SGL_LWA_L2] == 2 && last->succ[SGL_LWA_L1] == 2,
               "n = d: min-l1 and min-l2 recover w* in both draws");
    int recs = 0;
    for (size_t k = 0; k < a->ngrid[0]; ++k) recs += a->sgd_rec[0][k].res != NULL && a->cell[0][k].run[SGL_LWA_SGD] == 2;
    check_true(recs > 0, "the label-SGD cells keep their runs (%d)", recs);
    sgl_lwa_result_free(a);
    free(a);
}

int main(void)
{
    shape_matters();
    exponential_escape();
    mori_escape();
    lwa_sparse();
    return done();
}
