/* The data landscape linreg, the exact minibatch noise (noise data) and true
 * minibatch SGD (dynamics minibatch) of the escape engine:
 *   A. bit for bit against a scalar reference written here (the data from
 *      Philox (seed, 0, i, SGL_P_DATA), its moments, the batch draws, the
 *      Euler-Maruyama step with the engine's normal layout), a few
 *      trajectories each of sde / sgd with noise data and of minibatch;
 *   B. statistically against the algorithm of the compact simulator that
 *      cli/escape_sim.c used to run (batch streams of 64 steps, exit test
 *      |theta - theta*| >= sqrt(2 L* (c - 1) / H)) on the same data: the two
 *      MFPTs agree within |z| < 5 (two-sided false-failure probability 5.7e-7;
 *      all trajectories escape, so each mean is a plain sample mean);
 *   C. bad input: data noise off a data landscape, minibatch without noise
 *      data, batch >= n-data, n-data 1. */
#include "escape_testutil.h"
#include "vmath.h"

#include <math.h>

typedef struct {
    uint32_t N;
    double *x, *y;
    double th, H, Ls, s4, s31, s22, sxyn;
} dataset;

static void data_draw(dataset *d, uint64_t seed, uint32_t N)
{
    d->N = N;
    d->x = malloc(N * sizeof *d->x);
    d->y = malloc(N * sizeof *d->y);
    if (!d->x || !d->y) exit(2);
    double sxx = 0, sxy = 0, syy = 0, s4 = 0, s31 = 0, s22 = 0;
    for (uint32_t i = 0; i < N; ++i) {
        sgl_stream st;
        sgl_stream_init(&st, seed, 0, i, SGL_P_DATA);
        const double x = sgl_stream_normal(&st), y = sgl_stream_normal(&st);
        d->x[i] = x;
        d->y[i] = y;
        sxx += x * x; sxy += x * y; syy += y * y;
        s4 += x * x * x * x; s31 += x * x * x * y; s22 += x * x * y * y;
    }
    d->th = sxy / sxx;
    d->H = sxx / N;
    d->Ls = 0.5 * (syy - sxy * sxy / sxx) / N;
    d->s4 = s4 / N; d->s31 = s31 / N; d->s22 = s22 / N; d->sxyn = sxy / N;
}

static double loss(const dataset *d, double t) { return d->Ls + 0.5 * d->H * (t - d->th) * (t - d->th); }

/* the normal of step k of trajectory m (sgl_escape_run's layout, n = 1):
 * Box-Muller pair k / 2 of Philox (seed, traj m, purpose SGL_P_ESCAPE), cos for even k */
static double normal_k(uint64_t seed, uint32_t m, uint64_t k)
{
    const uint64_t pair = k >> 1;
    const uint32_t ctr[4] = {(uint32_t)pair, (uint32_t)(pair >> 32), m, (uint32_t)SGL_P_ESCAPE << 24};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t o[4];
    sgl_philox4x32(ctr, key, o);
    sgl_vm zc, zs;
    sgl_vm_box_muller(sgl_vm_splat(sgl_uniform_from_words(o[0], o[1])), sgl_vm_splat(sgl_uniform_from_words(o[2], o[3])),
                      &zc, &zs);
    return (k & 1) ? zs[0] : zc[0];
}

/* one trajectory of the reference: state, steps, final theta */
static int ref_run(const dataset *d, const sgl_escape_spec *s, uint32_t m, uint64_t *steps, double *theta)
{
    const double eta = s->eta, h = s->dynamics == SGL_ESC_SDE && s->dt > 0 ? s->dt : eta;
    const uint32_t B = s->batch ? s->batch : 1;
    const uint64_t kmax = (uint64_t)floor(s->t_max / h * (1.0 + 1e-12));
    double t = d->th;
    for (uint64_t k = 0; k < kmax;) {
        if (s->dynamics == SGL_ESC_MINIBATCH) {
            sgl_stream st;
            sgl_stream_init(&st, s->seed, m, k, SGL_P_BATCH);
            uint32_t idx[64];
            double g = 0;
            for (uint32_t j = 0; j < B; ++j) {
                uint32_t i, seen;
                do {
                    i = sgl_stream_index(&st, d->N);
                    for (seen = 0; seen < j && idx[seen] != i; ++seen) {}
                } while (seen < j);
                idx[j] = i;
                g += (t * d->x[i] - d->y[i]) * d->x[i];
            }
            t = t - h * (g / (double)B);
        } else {
            const double mg = t * d->H - d->sxyn, e2 = (t * d->s4 - 2.0 * d->s31) * t + d->s22;
            const double v = e2 - mg * mg > 0.0 ? e2 - mg * mg : 0.0;
            const double D = 0.5 * eta * ((d->N - (double)B) / (d->N - 1.0) * v / (double)B);
            const double g = d->H * (t - d->th);
            t = t - h * g + sqrt((2.0 * D) * h) * normal_k(s->seed, m, k);
        }
        ++k;
        *steps = k;
        *theta = t;
        if (!(fabs(t) <= 1e60) || !isfinite(loss(d, t))) return SGL_FP_DIVERGED;
        if (loss(d, t) >= s->c * loss(d, d->th)) return SGL_FP_ESCAPED;
    }
    return SGL_FP_CENSORED;
}

static void spec_linreg(sgl_escape_spec *s, sgl_escape_dynamics dyn, uint32_t N, uint32_t B, double c)
{
    sgl_escape_spec_default(s);
    s->landscape = "linreg";
    s->lp.n_data = N;
    s->noise = SGL_ESC_DATA;
    s->batch = B;
    s->dynamics = dyn;
    s->eta = 0.1;
    s->event = SGL_ESC_EV_LOSS;
    s->c = c;
    s->seed = 4242;
}

static void test_reference(void)
{
    static const struct { sgl_escape_dynamics dyn; uint32_t B; double dt, c; } cases[] = {
        {SGL_ESC_MINIBATCH, 1, 0, 1.4}, {SGL_ESC_MINIBATCH, 3, 0, 1.1}, {SGL_ESC_SGD, 2, 0, 1.4},
        {SGL_ESC_SDE, 1, 0.01, 1.4}};
    for (size_t q = 0; q < sizeof cases / sizeof *cases; ++q) {
        sgl_escape_spec s;
        spec_linreg(&s, cases[q].dyn, 300, cases[q].B, cases[q].c);
        s.dt = cases[q].dt;
        s.bridge = 0;   /* the reference checks the exit on the grid (the bridge: test_escape_bridge) */
        s.trajectories = 12;
        s.t_max = 30;
        dataset d;
        data_draw(&d, s.seed, 300);
        sgl_escape_results *r = esc_run(&s, 0);
        int ok = 1, esc = 0;
        for (uint32_t m = 0; m < s.trajectories; ++m) {
            uint64_t k = 0;
            double th = NAN;
            const int st = ref_run(&d, &s, m, &k, &th);
            esc += st == SGL_FP_ESCAPED;
            ok &= st == r->state[m] && k == r->steps[m] && memcmp(&th, &r->x[m], sizeof th) == 0;
        }
        check_true(ok && esc > 0, "%s batch %u: 12 trajectories equal the scalar reference bit for bit (%d escaped)",
                   sgl_escape_dynamics_kinds[cases[q].dyn]->name, cases[q].B, esc);
        sgl_escape_results_free(r);
        free(d.x);
        free(d.y);
    }
}

/* the compact simulator's true minibatch SGD (B = 1): one batch stream per 64
 * steps, exit at |theta - theta*| >= sqrt(2 L* (c - 1) / H); mean and SE of tau */
static void old_minibatch(const dataset *d, uint64_t seed, uint32_t M, double eta, double c, double *mean, double *se)
{
    const double dth = sqrt(2.0 * d->Ls * (c - 1.0) / d->H);
    double s1 = 0, s2 = 0;
    for (uint32_t m = 0; m < M; ++m) {
        double t = d->th;
        uint64_t k = 0;
        sgl_stream r;
        for (;; ++k) {
            if (k % 64 == 0) sgl_stream_init(&r, seed, m, k / 64, SGL_P_BATCH);
            uint32_t i = sgl_stream_index(&r, d->N);
            t -= eta * (t * d->x[i] - d->y[i]) * d->x[i];
            if (fabs(t - d->th) >= dth) { ++k; break; }
        }
        const double tau = (double)k * eta;
        s1 += tau;
        s2 += tau * tau;
    }
    *mean = s1 / M;
    *se = sqrt((s2 / M - *mean * *mean) / (M - 1));
}

static void test_against_old(void)
{
    sgl_escape_spec s;
    spec_linreg(&s, SGL_ESC_MINIBATCH, 2000, 1, 1.3);
    s.trajectories = 2000;
    s.t_max = 1e5;
    dataset d;
    data_draw(&d, s.seed, 2000);
    sgl_escape_results *r = esc_run(&s, 0);
    double s1 = 0, s2 = 0;
    for (uint32_t m = 0; m < s.trajectories; ++m) { s1 += r->t[m]; s2 += r->t[m] * r->t[m]; }
    const double M = s.trajectories, mean = s1 / M, se = sqrt((s2 / M - mean * mean) / (M - 1));
    double om, ose;
    old_minibatch(&d, 99, 2000, s.eta, s.c, &om, &ose);
    const double z = (mean - om) / sqrt(se * se + ose * ose);
    check_true(r->escaped == s.trajectories && fabs(z) < 5.0,
               "minibatch MFPT %.4g +- %.2g (engine) vs %.4g +- %.2g (old compact simulator), z = %.2f, |z| < 5",
               mean, se, om, ose, z);
    sgl_escape_results_free(r);
    free(d.x);
    free(d.y);
}

static void test_bad_input(void)
{
    sgl_escape_spec s;
    sgl_err err = {{0}, {0}};
    sgl_escape_spec_default(&s);
    s.noise = SGL_ESC_DATA;
    check_true(sgl_escape_spec_validate(&s, &err) == SGL_ECAPS && strcmp(err.field, "noise") == 0,
               "noise data on doublewell refused (%s: %s)", err.field, err.msg);
    spec_linreg(&s, SGL_ESC_MINIBATCH, 100, 1, 1.5);
    s.noise = SGL_ESC_ISOTROPIC;
    check_true(sgl_escape_spec_validate(&s, &err) == SGL_ECAPS && strcmp(err.field, "dynamics") == 0,
               "minibatch without noise data refused (%s: %s)", err.field, err.msg);
    spec_linreg(&s, SGL_ESC_MINIBATCH, 100, 100, 1.5);
    check_true(sgl_escape_spec_validate(&s, &err) == SGL_EINVAL && strcmp(err.field, "batch") == 0,
               "batch = n-data refused (%s: %s)", err.field, err.msg);
    spec_linreg(&s, SGL_ESC_SGD, 1, 1, 1.5);
    check_true(sgl_escape_spec_validate(&s, &err) == SGL_EINVAL && strcmp(err.field, "n-data") == 0,
               "n-data 1 refused (%s: %s)", err.field, err.msg);
}

int main(void)
{
    (void)esc_same;
    test_reference();
    test_against_old();
    test_bad_input();
    return done();
}
