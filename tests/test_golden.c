/* Golden streams (issue 15 item 5): a few exact numbers from every run noise
 * kind and every escape landscape / noise / dynamics, pinned as hex doubles.
 *
 * Why: every random number is a pure function of (seed, trajectory, step,
 * purpose, coordinate) (sgdlab.h, SGL_COUNTER_LAYOUT).  A consistent change
 * of that layout -- two purposes swapped, a coordinate folded into another
 * counter word, a pair index off by one everywhere -- keeps every
 * statistical test passing and is caught only where a second code path
 * happens to exist.  These values catch it loudly.
 *
 * The values are bitwise the same in the native and the portable
 * (-DSGL_NATIVE=OFF) builds and for any thread count (DESIGN.md contracts).
 *
 * Regenerating (only for an INTENDED change of the simulated numbers):
 *   1. bump SGL_COUNTER_LAYOUT in include/sgdlab.h (stored results name it);
 *   2. build, then `build/tests/test_golden --print run > tests/golden_run.inc`
 *      and `build/tests/test_golden --print escape > tests/golden_escape.inc`,
 *      and set GOLDEN_LAYOUT below to the new layout;
 *   3. say in the commit why the numbers changed.
 * A changed number with the layout unchanged is a bug or an unannounced
 * change of results. */
#include "plan.h"
#include "testutil.h"
#include "escape/escape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_LAYOUT 1   /* the SGL_COUNTER_LAYOUT these values belong to */

/* ------------------------------------------------------------ the cases */

typedef struct { const char *noise; int with_replacement; } run_case;
static const run_case run_cases[] = {
    {"none", 0}, {"label", 0}, {"label", 1}, {"label-gauss", 0}, {"label-gauss", 1}, {"gaussian", 0},
    {"minibatch", 0}, {"minibatch", 1}, {"minibatch-diff", 0}, {"minibatch-diff", 1}, {"lngd", 0},
    {"sqrt-loss", 0}, {"normalized", 0},
};
#define N_RUN (sizeof run_cases / sizeof run_cases[0])

/* diagnet d = 6, n = 8, trajectory id 1 of seed 12345, three steps at eta =
 * 0.05: theta_0, theta_1 and sum_j (j+1) theta_j after the steps (the data, truth and
 * init streams enter through the start and the gradient) */
static int run_values(const run_case *c, double v[3])
{
    sgl_spec sp;
    sgl_spec_defaults(&sp);
    sp.model = "diagnet";
    sp.noise = c->noise;
    sp.data.d = 6;
    sp.data.n = 8;
    sp.data.kappa = 2;
    sp.batch = 3;
    sp.with_replacement = c->with_replacement;
    sp.delta = 0.5;
    sp.lr = 0.05;
    sp.steps = 3;
    sp.every = 3;
    sp.seeds = 2;
    sp.seed = 12345;
    if (strcmp(c->noise, "gaussian") == 0) { sp.sigma = 0.1; sp.sigma_scale = SGL_SCALE_ETA; }
    const sgl_noise_type *nt = sgl_noise_lookup(c->noise);
    if (nt && !nt->uses_delta) sp.delta = 0.0;
    if (nt && !nt->uses_batch) sp.batch = 1;
    sgl_plan *p = NULL;
    sgl_traj *t = NULL;
    sgl_err err;
    memset(&err, 0, sizeof err);
    if (sgl_plan_alloc(&sp, &p, &err) != SGL_OK) {
        printf("plan %s: %s: %s\n", c->noise, err.field, err.msg);
        return 0;
    }
    if (sgl_traj_alloc(p, &t) != SGL_OK) { sgl_plan_free(p); return 0; }
    sgl_traj_init(p, t, 1);
    sgl_traj_advance(p, t, 0, 3);
    const size_t D = t->model.dim;
    v[0] = t->theta[0];
    v[1] = t->theta[1];
    v[2] = 0.0;   /* every coordinate, in a fixed order */
    for (size_t j = 0; j < D; ++j) v[2] += (double)(j + 1) * t->theta[j];
    sgl_traj_free(t);
    sgl_plan_free(p);
    return 1;
}

typedef struct { const char *landscape; unsigned n; sgl_escape_noise noise; sgl_escape_dynamics dyn; int burn; } esc_case;
#define ESC_ROWS(l, n)                                                                                           \
    {l, n, SGL_ESC_ISOTROPIC, SGL_ESC_SDE, 0}, {l, n, SGL_ESC_ISOTROPIC, SGL_ESC_SGD, 0},                       \
    {l, n, SGL_ESC_MORI, SGL_ESC_SDE, 0}, {l, n, SGL_ESC_MORI, SGL_ESC_SGD, 0},                                 \
    {l, n, SGL_ESC_MORI, SGL_ESC_MORI_TC, 0}, {l, n, SGL_ESC_XIE, SGL_ESC_SDE, 0},                              \
    {l, n, SGL_ESC_XIE_FROZEN, SGL_ESC_SDE, 0}
static const esc_case esc_cases[] = {
    ESC_ROWS("doublewell", 1), ESC_ROWS("moriwell", 2), ESC_ROWS("quadratic", 2), ESC_ROWS("styblinski-tang", 2),
    {"doublewell", 1, SGL_ESC_MORI, SGL_ESC_SDE, 1}, {"moriwell", 2, SGL_ESC_ISOTROPIC, SGL_ESC_SDE, 1},
    /* the data landscape (its data from the seed) with the exact minibatch noise and true minibatch SGD */
    {"linreg", 1, SGL_ESC_DATA, SGL_ESC_SDE, 0}, {"linreg", 1, SGL_ESC_DATA, SGL_ESC_SGD, 0},
    {"linreg", 1, SGL_ESC_DATA, SGL_ESC_MINIBATCH, 0}, {"linreg", 1, SGL_ESC_MORI, SGL_ESC_SDE, 0},
};
#define N_ESC (sizeof esc_cases / sizeof esc_cases[0])

/* 5 trajectories of seed 777, six steps of 0.01 (event none): x_1 of
 * trajectory 0, x_n of trajectory 4, L of trajectory 2 */
static int esc_values(const esc_case *c, double v[3])
{
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.landscape = c->landscape;
    s.lp.n = c->n;
    s.lp.a = 0.5;
    s.noise = c->noise;
    s.dynamics = c->dyn;
    s.D = 0.3;
    s.B_over_eta = 2.0;
    s.eta = 0.01;
    s.batch = 2;
    s.lp.n_data = 200;
    s.event = SGL_ESC_EV_NONE;
    s.trajectories = 5;
    s.t_max = 0.06;
    s.seed = 777;
    s.threads = 1;
    if (c->burn) { s.start = SGL_ESC_START_BURN_IN; s.burn_in = 0.03; }
    sgl_escape_results *r = NULL;
    sgl_err err;
    memset(&err, 0, sizeof err);
    sgl_status st = sgl_escape_results_alloc(&s, &r, &err);
    if (st == SGL_OK) st = sgl_escape_run(&s, r, &err);
    if (st != SGL_OK) {
        printf("escape %s: %s: %s\n", c->landscape, err.field, err.msg);
        sgl_escape_results_free(r);
        return 0;
    }
    v[0] = r->x[0];
    v[1] = r->x[4 * r->n + r->n - 1];
    v[2] = r->L[2];
    sgl_escape_results_free(r);
    return 1;
}

static const char *esc_name(const esc_case *c, char *buf, size_t len)
{
    snprintf(buf, len, "%s n=%u %s %s%s", c->landscape, c->n, sgl_escape_noises[c->noise]->name,
             sgl_escape_dynamics_kinds[c->dyn]->name, c->burn ? " burn-in" : "");
    return buf;
}

/* ------------------------------------------------ golden values (--print) */

static const double run_gold[N_RUN][3] = {
#include "golden_run.inc"
};
static const double esc_gold[N_ESC][3] = {
#include "golden_escape.inc"
};

static void print_tables(const char *which)
{
    double v[3];
    if (strcmp(which, "run") == 0)
    for (size_t i = 0; i < N_RUN; ++i) {
        if (!run_values(&run_cases[i], v)) v[0] = v[1] = v[2] = NAN;
        printf("    {%a, %a, %a},   /* %s%s */\n", v[0], v[1], v[2], run_cases[i].noise,
               run_cases[i].with_replacement ? " with replacement" : "");
    }
    char nm[96];
    if (strcmp(which, "escape") == 0)
    for (size_t i = 0; i < N_ESC; ++i) {
        if (!esc_values(&esc_cases[i], v)) v[0] = v[1] = v[2] = NAN;
        printf("    {%a, %a, %a},   /* %s */\n", v[0], v[1], v[2], esc_name(&esc_cases[i], nm, sizeof nm));
    }
}

static int same3(const double a[3], const double b[3]) { return memcmp(a, b, 3 * sizeof *a) == 0; }

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--print") == 0) { print_tables(argv[2]); return 0; }
    if (!check_true(GOLDEN_LAYOUT == SGL_COUNTER_LAYOUT,
                    "golden values belong to counter layout %d, the library has %d: regenerate (see the header)",
                    GOLDEN_LAYOUT, SGL_COUNTER_LAYOUT))
        return done();
    double v[3];
    for (size_t i = 0; i < N_RUN; ++i) {
        int ok = run_values(&run_cases[i], v);
        check_true(ok && same3(v, run_gold[i]), "run noise %s%s: golden theta after 3 steps (got %a %a %a, want %a %a %a)",
                   run_cases[i].noise, run_cases[i].with_replacement ? " with replacement" : "", v[0], v[1], v[2],
                   run_gold[i][0], run_gold[i][1], run_gold[i][2]);
    }
    char nm[96];
    for (size_t i = 0; i < N_ESC; ++i) {
        int ok = esc_values(&esc_cases[i], v);
        check_true(ok && same3(v, esc_gold[i]), "escape %s: golden x, L after 6 steps (got %a %a %a, want %a %a %a)",
                   esc_name(&esc_cases[i], nm, sizeof nm), v[0], v[1], v[2], esc_gold[i][0], esc_gold[i][1],
                   esc_gold[i][2]);
    }
    /* every noise kind of the registry is pinned */
    size_t kinds = 0;
    for (size_t k = 0; sgl_noises[k]; ++k) {
        int found = 0;
        for (size_t i = 0; i < N_RUN; ++i) found |= strcmp(run_cases[i].noise, sgl_noises[k]->name) == 0;
        kinds += found;
        if (!found) check_true(0, "noise kind %s has no golden value: add it to run_cases", sgl_noises[k]->name);
    }
    check_true(sgl_escape_noises[5] == NULL && sgl_landscapes[5] == NULL,
               "the escape tables cover the 5 escape noises and 5 landscapes (a new one needs rows here)");
    printf("INFO %zu noise kinds, %zu run rows, %zu escape rows\n", kinds, N_RUN, N_ESC);
    return done();
}
