/* Failing-allocator test: every allocation failure in the library returns a
 * status instead of crashing, and leaks nothing.
 *
 * Each case below is a library entry point run end to end (allocation, work,
 * clean-up).  For a case that makes N allocation attempts when nothing fails,
 * the case is run N more times with the 1st, 2nd, ..., N-th attempt failed
 * (src/alloc_hook.h: exactly one attempt fails, the others succeed); each of
 * these runs must return SGL_ENOMEM, fill the error message where the entry
 * point takes an sgl_err, and leave no block allocated.  Run N + 1 (nothing
 * fails) must succeed with bitwise the reference result, so a failure leaves
 * no state behind.  Under the sanitizer build (build-asan) AddressSanitizer
 * also catches use-after-free, double free and leaks on the error paths.
 *
 * Deterministic (no statistics): false-failure probability 0.
 *
 * New library code adds its entry points here (escape, limit dynamics, store):
 * one case function that returns the first non-OK status and hashes its
 * result into *digest. */
#include "alloc_hook.h"
#include "plan.h"
#include "testutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ----------------------------------------------------------- digest */

static void mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; ++i) { *h ^= b[i]; *h *= 1099511628211ull; }
}

static void mix_data(uint64_t *h, const sgl_data *D)
{
    mix(h, &D->n, sizeof D->n);
    mix(h, &D->d, sizeof D->d);
    mix(h, D->Z, D->n * D->ld * sizeof *D->Z);
    mix(h, D->y, D->n * sizeof *D->y);
    mix(h, D->colsq, D->ld * sizeof *D->colsq);
    if (D->wstar) mix(h, D->wstar, D->ld * sizeof *D->wstar);
    if (D->n_test) {
        mix(h, D->Zt, D->n_test * D->ld * sizeof *D->Zt);
        mix(h, D->yt, D->n_test * sizeof *D->yt);
    }
}

/* ------------------------------------------------------------ cases */

typedef sgl_status (*case_fn)(const void *ctx, sgl_err *err, uint64_t *digest);

static sgl_status case_data(const void *ctx, sgl_err *err, uint64_t *digest)
{
    const sgl_data_spec *ds = ctx;
    sgl_data *D = NULL;
    sgl_status st = sgl_data_alloc(ds, 5, 2, &D, err);
    if (st == SGL_OK) mix_data(digest, D);
    sgl_data_free(D);
    return st;
}

typedef struct {
    sgl_spec spec;
    int threads;
} pipeline_ctx;

/* plan -> results -> execute -> summaries, everything freed */
static sgl_status case_pipeline(const void *ctx, sgl_err *err, uint64_t *digest)
{
    const pipeline_ctx *c = ctx;
    sgl_plan *p = NULL;
    sgl_results *r = NULL;
    sgl_status st = sgl_plan_alloc(&c->spec, &p, err);
    if (st != SGL_OK) goto out;
    st = sgl_results_alloc(p, &r);
    if (st != SGL_OK) goto out;
    st = sgl_plan_execute(p, c->threads, r);
    if (st != SGL_OK) goto out;
    for (size_t l = 0; l < r->n_log; ++l)
        for (size_t o = 0; o < r->n_obs; ++o) {
            sgl_summary s;
            sgl_summarize(r, l, o, &s);
            mix(digest, &s.mean, sizeof s.mean);
            mix(digest, &s.std_err, sizeof s.std_err);
            mix(digest, &s.n, sizeof s.n);
        }
    mix(digest, r->series, (size_t)r->n_traj * r->n_log * r->n_obs * sizeof *r->series);
    mix(digest, r->theta_final, (size_t)r->n_traj * r->dim * sizeof *r->theta_final);
    mix(digest, r->diverged, r->n_traj * sizeof *r->diverged);
out:
    sgl_results_free(r);
    sgl_plan_free(p);
    return st;
}

/* plan creation alone (reports through sgl_err) */
static sgl_status case_plan(const void *ctx, sgl_err *err, uint64_t *digest)
{
    const pipeline_ctx *c = ctx;
    sgl_plan *p = NULL;
    sgl_status st = sgl_plan_alloc(&c->spec, &p, err);
    if (st == SGL_OK)
        for (size_t r = 0; r < p->n_data; ++r) mix_data(digest, p->data[r]);
    sgl_plan_free(p);
    return st;
}

/* a trajectory driven by hand: plan, traj_alloc, init, advance */
static sgl_status case_traj(const void *ctx, sgl_err *err, uint64_t *digest)
{
    const pipeline_ctx *c = ctx;
    sgl_plan *p = NULL;
    sgl_traj *t = NULL;
    sgl_status st = sgl_plan_alloc(&c->spec, &p, err);
    if (st != SGL_OK) goto out;
    st = sgl_traj_alloc(p, &t);
    if (st != SGL_OK) goto out;
    sgl_traj_init(p, t, 1);
    sgl_traj_advance(p, t, 0, c->spec.steps);
    mix(digest, t->theta, p->dim * sizeof *t->theta);
out:
    sgl_traj_free(t);
    sgl_plan_free(p);
    return st;
}

/* a model's own data set and the derivative helpers (each allocates its workspace) */
static sgl_status case_model(const void *ctx, sgl_err *err, uint64_t *digest)
{
    const sgl_model_type *T = ctx;
    sgl_data_spec ds = {.input = SGL_INPUT_GAUSSIAN, .truth = SGL_TRUTH_ONES, .d = 9, .n = 6, .kappa = 2};
    sgl_data *D = NULL;
    double *theta = NULL, *H = NULL, *A = NULL, *out = NULL;
    sgl_status st = sgl_model_data_alloc(T, &ds, 3, 0, &D, err);
    if (st != SGL_OK) goto out;
    sgl_model m;
    if ((st = sgl_model_init(&m, T, D, T->default_a, err)) != SGL_OK) goto out;
    const size_t dim = m.dim;
    theta = sgl_alloc_doubles(dim);   /* the test's own blocks count too; freeing them balances */
    H = sgl_alloc_doubles(dim * dim);
    A = sgl_alloc_doubles(dim * dim);
    out = sgl_alloc_doubles(dim);
    if (!theta || !H || !A || !out) { st = sgl_fail(err, SGL_ENOMEM, "test", "out of memory"); goto out; }
    T->init(&m, 0.7, theta);
    for (size_t i = 0; i < dim; ++i) A[i * dim + i] = 1.0;
    double loss = 0, lam = 0;
    if ((st = sgl_model_loss(&m, theta, &loss, out, err)) != SGL_OK) goto out;
    mix(digest, &loss, sizeof loss);
    mix(digest, out, dim * sizeof *out);
    if (T->caps & SGL_CAP_HVP) {
        if ((st = sgl_model_hvp(&m, theta, A, out, err)) != SGL_OK) goto out;
        mix(digest, out, dim * sizeof *out);
        if ((st = sgl_model_hessian(&m, theta, H, err)) != SGL_OK) goto out;
        mix(digest, H, dim * dim * sizeof *H);
        if ((st = sgl_model_d3(&m, theta, A, out, err)) != SGL_OK) goto out;
        mix(digest, out, dim * sizeof *out);
        if ((st = sgl_model_d3_fd(&m, theta, A, out, err)) != SGL_OK) goto out;
        mix(digest, out, dim * sizeof *out);
        if ((st = sgl_model_lambda_max(&m, theta, &lam, err)) != SGL_OK) goto out;
        mix(digest, &lam, sizeof lam);
        /* the derivative checks of check-model: every built-in passes them */
        sgl_check_report rep;
        sgl_model_check_point(&m, 0.7, 5, theta);
        if ((st = sgl_model_check(&m, theta, 5, &rep, err)) != SGL_OK) goto out;
        if (!rep.ok) { st = sgl_fail(err, SGL_EINVAL, "test", "sgl_model_check: a derivative of a built-in is wrong"); goto out; }
        for (size_t i = 0; i < rep.n; ++i) mix(digest, &rep.c[i].err, sizeof rep.c[i].err);
    }
out:
    sgl_free(theta); sgl_free(H); sgl_free(A); sgl_free(out);
    sgl_data_free(D);
    return st;
}

/* first-passage estimators that allocate (bootstrap, Kaplan-Meier, KS null) */
static sgl_status case_fpt(const void *ctx, sgl_err *err, uint64_t *digest)
{
    (void)ctx;
    enum { N = 40 };
    double t[N], time[N], surv[N], se[N];
    int state[N];
    for (int i = 0; i < N; ++i) {
        t[i] = i % 7 == 3 ? 50.0 : 0.5 + (double)((i * 37) % 41);
        state[i] = i % 7 == 3 ? SGL_FP_CENSORED : (i == 11 ? SGL_FP_DIVERGED : SGL_FP_ESCAPED);
    }
    sgl_mfpt_est mf;
    sgl_ks_est ks;
    size_t n_out = 0;
    sgl_status st = sgl_est_mfpt(t, state, N, 0.95, 50, 9, &mf, err);
    if (st != SGL_OK) return st;
    mix(digest, &mf.ci_lo, sizeof mf.ci_lo);
    if ((st = sgl_est_km(t, state, N, time, surv, se, &n_out, err)) != SGL_OK) return st;
    mix(digest, surv, n_out * sizeof *surv);
    if ((st = sgl_est_ks_exp(t, state, N, 50.0, 20, 9, &ks, err)) != SGL_OK) return st;
    mix(digest, &ks.p_value, sizeof ks.p_value);
    return SGL_OK;
}

/* theory entry points that allocate (quadrature levels, Eyring-Kramers,
 * OU moments, minimum action, every prediction of a problem) */
static double th_b(double x, const void *c) { (void)c; return -4.0 * x * (x * x - 1.0); }
static double th_D(double x, const void *c) { (void)c; double u = x * x - 1.0; return 0.1 * (0.5 + u * u); }
static void th_bn(const double *x, double *b, const void *c) { (void)c; b[0] = -4 * x[0] * (x[0] * x[0] - 1); b[1] = -8 * x[1]; }
static void th_ai(const double *x, double *a, const void *c) { (void)c; (void)x; a[0] = a[3] = 1; a[1] = a[2] = 0; }
static sgl_status case_theory(const void *ctx, sgl_err *err, uint64_t *digest)
{
    (void)ctx;
    sgl_sde1d s = {th_b, th_D, NULL};
    double T, lT, re;
    sgl_status st = sgl_theory_mfpt1d(&s, 1.0, -1.0, INFINITY, 1e-8, &T, &lT, &re, err);
    if (st != SGL_OK) return st;
    mix(digest, &T, sizeof T);
    double Hm[4] = {8, 0, 0, 8}, Hs[4] = {-4, 0, 0, 8}, mt, rate, m, v;
    if ((st = sgl_theory_eyring_kramers(2, Hm, Hs, 1.0, 0.2, &mt, &rate, err)) != SGL_OK) return st;
    mix(digest, &mt, sizeof mt);
    if ((st = sgl_theory_ou_loss(2, Hm, Hs, 0.3, &m, &v, NULL, err)) != SGL_OK) return st;
    mix(digest, &v, sizeof v);
    sgl_sde_nd sn = {2, th_bn, th_ai, NULL};
    double xa[2] = {1, 0}, xs[2] = {0, 0}, S;
    if ((st = sgl_theory_min_action(&sn, xa, xs, 16, 1e-6, &S, NULL, err)) != SGL_OK) return st;
    mix(digest, &S, sizeof S);
    sgl_theory_problem p;
    memset(&p, 0, sizeof p);
    p.landscape = SGL_TL_DOUBLEWELL; p.L0 = 0.5; p.a = 1; p.n = 1; p.noise = SGL_TN_MORI; p.B_over_eta = 16;
    p.eta = 0.01; p.event = SGL_TE_HYPERPLANE; p.x_exit = -1;
    sgl_prediction pr[32];
    size_t n = 0;
    if ((st = sgl_theory_predict(&p, pr, 32, &n, err)) != SGL_OK) return st;
    for (size_t i = 0; i < n; ++i) mix(digest, &pr[i].value, sizeof pr[i].value);
    return SGL_OK;
}

/* ------------------------------------------------------------ driver */

static size_t total_runs;

static void run_case(const char *name, case_fn fn, const void *ctx, int has_err)
{
    sgl_err err;
    memset(&err, 0, sizeof err);
    uint64_t ref = 1469598103934665603ull;
    sgl_test_alloc_arm(0);
    sgl_status st = fn(ctx, &err, &ref);
    sgl_test_alloc_disarm();
    const uint64_t n = sgl_test_alloc_attempts();
    const int64_t live0 = sgl_test_alloc_live();
    ++total_runs;
    if (!check_true(st == SGL_OK && live0 == 0 && n > 0,
                    "%s: reference run: status %s (expected success), %lld blocks left (expected 0), "
                    "%llu allocations (expected > 0)",
                    name, sgl_strerror(st), (long long)live0, (unsigned long long)n))
        return;
    /* one line per case; the first bad injection is printed in full */
    int bad = 0;
    uint64_t k = 1, succeeded_at = 0;
    for (; k <= n + 1; ++k) {
        memset(&err, 0, sizeof err);
        uint64_t dg = 1469598103934665603ull;
        sgl_test_alloc_arm(k);
        st = fn(ctx, &err, &dg);
        sgl_test_alloc_disarm();
        const int failed = sgl_test_alloc_failed();
        const int64_t live = sgl_test_alloc_live();
        ++total_runs;
        if (!failed) {
            succeeded_at = k;
            if (st != SGL_OK || dg != ref || live != 0) {
                bad = 1;
                check_true(0, "%s: nothing failed at k = %llu: status %s (expected success), result %s the "
                              "reference, %lld blocks left",
                           name, (unsigned long long)k, sgl_strerror(st), dg == ref ? "equals" : "DIFFERS from",
                           (long long)live);
            }
            break;
        }
        if (st != SGL_ENOMEM || live != 0 || (has_err && err.msg[0] == '\0')) {
            bad = 1;
            check_true(0, "%s: allocation %llu of %llu failed: status %s (expected %s), %lld blocks left "
                          "(expected 0), message '%s' field '%s'",
                       name, (unsigned long long)k, (unsigned long long)n, sgl_strerror(st),
                       sgl_strerror(SGL_ENOMEM), (long long)live, err.msg, err.field);
            break;
        }
    }
    if (!bad)
        check_true(succeeded_at == n + 1,
                   "%s: each of %llu allocations failed in turn -> %s, nothing leaked; "
                   "first clean run at k = %llu (expected %llu) with the reference result",
                   name, (unsigned long long)n, sgl_strerror(SGL_ENOMEM), (unsigned long long)succeeded_at,
                   (unsigned long long)(n + 1));
}

static void small_spec(sgl_spec *sp, const char *model, const char *noise)
{
    sgl_spec_defaults(sp);
    sp->model = model;
    sp->noise = noise;
    sp->data.d = 25;   /* a square, so msense (d = m^2) runs too */
    sp->data.n = 12;
    sp->data.kappa = 3;
    sp->data.n_test = 5;
    sp->alpha = 0.9;
    sp->lr = 2e-3;
    sp->delta = 0.5;
    sp->sigma = 0.1;
    sp->sigma_scale = SGL_SCALE_SQRT_ETA;
    sp->batch = 4;
    sp->seeds = 5;   /* odd: interleaved pairs and a single trajectory */
    sp->seed = 11;
    sp->steps = 40;
    sp->every = 16;
}

/* A CSV file with a header, lines longer than the line reader's first buffer
 * and more rows than the loader's first capacity, so every growth path runs. */
static int write_csv(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return 0;
    const int d = 24, rows = 150;
    fprintf(f, "# written by test_alloc_fail\n");
    for (int j = 0; j < d; ++j) fprintf(f, "x%d,", j);
    fprintf(f, "y\n");
    for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < d; ++j) fprintf(f, "%.17g,", ((i * 31 + j * 17) % 97) / 97.0 - 0.5);
        fprintf(f, "%.17g\n", (i % 13) / 13.0);
    }
    return fclose(f) == 0;
}

int main(void)
{
    char name[160];

    /* data generation and loading */
    sgl_data_spec ds = {.input = SGL_INPUT_GAUSSIAN, .truth = SGL_TRUTH_ONES, .d = 20, .n = 9, .kappa = 4,
                        .n_test = 6, .label_noise = 0.1};
    run_case("data gaussian + test set", case_data, &ds, 1);
    ds.input = SGL_INPUT_BOOLEAN;
    ds.truth = SGL_TRUTH_SIGNS;
    ds.n_test = 0;
    run_case("data boolean", case_data, &ds, 1);
    char csv[] = "/tmp/sgl_alloc_fail_XXXXXX";
    int fd = mkstemp(csv);
    check_true(fd >= 0 && close(fd) == 0 && write_csv(csv), "temporary CSV file %s written", csv);
    sgl_data_spec dc = {.input = SGL_INPUT_CSV, .csv_path = csv};
    run_case("data csv", case_data, &dc, 1);

    /* every model x noise kind the model supports: plan, execute on 2 threads, summaries */
    for (size_t mi = 0; sgl_models[mi]; ++mi)
        for (size_t ni = 0; sgl_noises[ni]; ++ni) {
            const sgl_model_type *T = sgl_models[mi];
            const sgl_noise_type *N = sgl_noises[ni];
            if ((T->caps & N->needs_caps) != N->needs_caps) continue;
            pipeline_ctx c = {.threads = 2};
            small_spec(&c.spec, T->name, N->name);
            snprintf(name, sizeof name, "ensemble [%s, %s]", T->name, N->name);
            run_case(name, case_pipeline, &c, 0);
        }
    /* shared data draw, with-replacement sampling, a learning-rate decay, one thread */
    pipeline_ctx c = {.threads = 1};
    small_spec(&c.spec, "diagnet", "minibatch");
    c.spec.data_draw = SGL_DRAW_SHARED;
    c.spec.with_replacement = 1;
    c.spec.decay_at[0] = 20;
    c.spec.n_decay = 1;
    run_case("ensemble [diagnet, minibatch, shared data, with replacement, decay]", case_pipeline, &c, 0);
    /* CSV data through a plan */
    small_spec(&c.spec, "linreg", "label");
    c.spec.data = dc;
    c.spec.batch = 2;
    run_case("ensemble [linreg, label, csv data]", case_pipeline, &c, 0);
    /* plan creation alone reports through sgl_err */
    run_case("plan [linreg, label, csv data]", case_plan, &c, 1);
    small_spec(&c.spec, "quadratic", "gaussian");
    run_case("plan [quadratic, gaussian, per-seed data]", case_plan, &c, 1);
    run_case("trajectory by hand [quadratic, gaussian]", case_traj, &c, 0);

    /* every model: its data set and the derivative helpers */
    for (size_t mi = 0; sgl_models[mi]; ++mi) {
        snprintf(name, sizeof name, "model data + derivatives [%s]", sgl_models[mi]->name);
        run_case(name, case_model, sgl_models[mi], 1);
    }
    run_case("first-passage estimators (MFPT bootstrap, Kaplan-Meier, KS)", case_fpt, NULL, 1);
    run_case("theory (MFPT quadrature, Eyring-Kramers, OU, minimum action, predictions)", case_theory, NULL, 1);

    /* sweeps, records and the store: tests/test_alloc_fail_sweep.c */
    remove(csv);
    printf("%zu runs in all\n", total_runs);
    return done();
}
