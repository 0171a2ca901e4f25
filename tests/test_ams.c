/* Adaptive multilevel splitting (src/escape/ams.c, sgl_escape_ams):
 *   R1  rare escapes against the exact 1-D quadrature (THEORY 7.3) where
 *       direct simulation is hopeless: isotropic D = 0.02 (MFPT ~ 6e21),
 *       Mori noise L0 = 0.05 at B/eta = 40 (~2e7) and L0 = 0.2 at B/eta = 80
 *       (~1.6e8), plus D = 0.15 (~9e2);
 *   R2  the same dynamics simulated directly (sgl_escape_run) at D = 0.15;
 *   R3  bitwise the same result for 1 and 2 threads;
 *   R4  bad options, each naming its key.
 * Statistics: 16 independent AMS runs of 50 replicas; each check is
 * |ln(mfpt / exact)| <= 5 SE(mfpt)/mfpt (the delta-method SE across runs),
 * i.e. a Student t with 15 degrees of freedom beyond 5: 1.6e-4 per check if
 * the log-normal approximation holds (p-hat is skewed for rare events; with
 * 16 runs the mean is close to normal: the observed |z| are below 0.5 here),
 * so <= 8e-4 for the five checks.  The Euler-Maruyama step dt = 0.01 biases
 * the MFPT by a few per cent (the direct check at D = 0.15 shows 2 %), well
 * inside the bands (SE 10-50 %).  Seeds are fixed: the outcome is
 * deterministic, no retries. */
#include "sgdlab.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static sgl_escape_spec well(sgl_escape_noise noise, double D_or_B, double L0)
{
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.landscape = "doublewell";
    s.noise = noise;
    if (noise == SGL_ESC_ISOTROPIC) s.D = D_or_B;
    else s.B_over_eta = D_or_B;
    s.lp.L0 = L0;
    s.dynamics = SGL_ESC_SDE;
    s.eta = s.dt = 0.01;
    s.t_max = 1e6;   /* caps each excursion */
    s.seed = 3;
    s.threads = 2;
    return s;
}

static double exact_mfpt(const sgl_escape_spec *s)
{
    sgl_prediction pr[32];
    size_t np = 0;
    sgl_err err = {{0}, {0}};
    if (sgl_theory_escape(s, pr, 32, &np, &err) != SGL_OK) return NAN;
    for (size_t i = 0; i < np; ++i)
        if (strcmp(pr[i].name, "exact_mfpt") == 0) return pr[i].value;
    return NAN;
}

static int ams(const sgl_escape_spec *s, uint32_t N, uint32_t K, sgl_ams_result *r)
{
    sgl_ams_opts o;
    sgl_ams_opts_default(&o);
    o.replicas = N;
    o.runs = K;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_escape_ams(s, &o, r, &err);
    if (st != SGL_OK) printf("  sgl_escape_ams: %s: %s\n", err.field, err.msg);
    return st == SGL_OK;
}

static void against_exact(const char *what, sgl_escape_spec s)
{
    sgl_ams_result r;
    if (!check_true(ams(&s, 50, 16, &r), "%s: AMS runs", what)) return;
    const double ex = exact_mfpt(&s), z = log(r.mfpt / ex) / (r.mfpt_se / r.mfpt);
    printf("  %s: AMS %.4g +- %.2g (p = %.3g, %llu evaluations, %.2f s), exact %.4g, z = %.2f\n", what, r.mfpt,
           r.mfpt_se, r.p, (unsigned long long)r.evaluations, r.seconds, ex, z);
    check_true(isfinite(z) && fabs(z) <= 5.0, "R1 %s: |ln(AMS/exact)| / (SE/AMS) = %.2f <= 5", what, z);
    check_true(r.mfpt_ci[0] < r.mfpt && r.mfpt < r.mfpt_ci[1] && r.rate_ci[0] < r.rate && r.rate < r.rate_ci[1],
               "%s: the CIs contain their estimates", what);
    check_true(r.extinct == 0 && r.capped == 0, "%s: no extinct run (%u), no capped excursion (%llu)", what, r.extinct,
               (unsigned long long)r.capped);
}

static void against_direct(void)
{
    sgl_escape_spec s = well(SGL_ESC_ISOTROPIC, 0.15, 0.5);
    sgl_ams_result a;
    if (!check_true(ams(&s, 50, 16, &a), "R2: AMS runs")) return;
    s.trajectories = 1500;
    s.t_max = 1e5;
    sgl_escape_results *res = NULL;
    sgl_err err = {{0}, {0}};
    if (!check_true(sgl_escape_results_alloc(&s, &res, &err) == SGL_OK && sgl_escape_run(&s, res, &err) == SGL_OK,
                    "R2: direct run")) {
        sgl_escape_results_free(res);
        return;
    }
    double m = 0, ss = 0;
    size_t n = 0;
    for (size_t i = 0; i < res->M; ++i)
        if (res->state[i] == SGL_FP_ESCAPED) {
            m += res->t[i];
            ++n;
        }
    m /= (double)n;
    for (size_t i = 0; i < res->M; ++i)
        if (res->state[i] == SGL_FP_ESCAPED) ss += (res->t[i] - m) * (res->t[i] - m);
    const double se = sqrt(ss / (double)(n - 1) / (double)n), z = (a.mfpt - m) / hypot(a.mfpt_se, se);
    printf("  R2: AMS %.4g +- %.2g, direct %.4g +- %.2g (%zu of %zu escaped), z = %.2f\n", a.mfpt, a.mfpt_se, m, se, n,
           res->M, z);
    check_true(n == res->M, "R2: every direct trajectory escaped before t_max (%zu of %zu)", n, res->M);
    check_true(fabs(z) <= 5.0, "R2: AMS against direct simulation of the same dynamics, |z| = %.2f <= 5", z);
    sgl_escape_results_free(res);
}

static void threads(void)
{
    sgl_escape_spec s = well(SGL_ESC_MORI, 40, 0.05);
    sgl_ams_result a, b;
    s.threads = 1;
    int ok = ams(&s, 40, 4, &a);
    s.threads = 2;
    ok = ok && ams(&s, 40, 4, &b);
    a.seconds = b.seconds = 0;
    check_true(ok && memcmp(&a, &b, sizeof a) == 0, "R3: the same bits for 1 and 2 threads (mfpt %.17g / %.17g)",
               a.mfpt, b.mfpt);
    /* another landscape, dynamics and event through the same code */
    sgl_escape_spec t;
    sgl_escape_spec_default(&t);
    t.landscape = "moriwell";
    t.lp.n = 2;
    t.noise = SGL_ESC_MORI;
    t.B_over_eta = 80;
    t.eta = 0.02;
    t.event = SGL_ESC_EV_LOSS;
    t.c = 4;
    t.seed = 5;
    t.threads = 1;
    ok = ams(&t, 30, 3, &a);
    t.threads = 2;
    ok = ok && ams(&t, 30, 3, &b);
    a.seconds = b.seconds = 0;
    check_true(ok && memcmp(&a, &b, sizeof a) == 0 && a.p > 0 && a.p < 1,
               "R3: moriwell n = 2, sgd, loss event: the same bits for 1 and 2 threads (p = %.3g)", a.p);
}

static void bad_options(void)
{
    const sgl_escape_spec s0 = well(SGL_ESC_ISOTROPIC, 0.1, 0.5);
    struct {
        const char *field;
        uint32_t N, k, K;
        double zA, zS;
        int event, start;
    } cases[] = {
        {"replicas", 1, 1, 2, NAN, NAN, -1, -1},   {"kill", 10, 10, 2, NAN, NAN, -1, -1},
        {"runs", 10, 1, 0, NAN, NAN, -1, -1},      {"ams-z-sigma", 10, 1, 2, 0.1, NAN, -1, -1},
        {"ams-z-sigma", 10, 1, 2, 0.3, 0.2, -1, -1}, {"ams-z-a", 10, 1, 2, 1.5, 2.0, -1, -1},
        {"event", 10, 1, 2, NAN, NAN, SGL_ESC_EV_NONE, -1},
        {"start", 10, 1, 2, NAN, NAN, -1, SGL_ESC_START_BURN_IN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        sgl_escape_spec s = s0;
        if (cases[i].event >= 0) s.event = (sgl_escape_event)cases[i].event;
        if (cases[i].start >= 0) {
            s.start = (sgl_escape_start)cases[i].start;
            s.burn_in = 1;
        }
        sgl_ams_opts o;
        sgl_ams_opts_default(&o);
        o.replicas = cases[i].N;
        o.kill = cases[i].k;
        o.runs = cases[i].K;
        o.z_A = cases[i].zA;
        o.z_sigma = cases[i].zS;
        sgl_ams_result r;
        sgl_err err = {{0}, {0}};
        sgl_status st = sgl_escape_ams(&s, &o, &r, &err);
        check_true(st == SGL_EINVAL && strcmp(err.field, cases[i].field) == 0, "R4 case %zu: EINVAL naming %s (got %d, %s: %s)",
                   i, cases[i].field, (int)st, err.field, err.msg);
    }
    /* an escape that is not rare is refused, not estimated badly */
    sgl_escape_spec s = well(SGL_ESC_ISOTROPIC, 1.0, 0.5);
    s.event = SGL_ESC_EV_NEXT_MIN;
    sgl_ams_opts o;
    sgl_ams_opts_default(&o);
    sgl_ams_result r;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_escape_ams(&s, &o, &r, &err);
    check_true(st == SGL_EINVAL && strcmp(err.field, "method") == 0, "R4: D = 1 (not rare) refused naming method (%s: %s)",
               err.field, err.msg);
}

int main(void)
{
    against_exact("isotropic D = 0.15", well(SGL_ESC_ISOTROPIC, 0.15, 0.5));
    against_exact("isotropic D = 0.02", well(SGL_ESC_ISOTROPIC, 0.02, 0.5));
    against_exact("Mori L0 = 0.05, B/eta = 40", well(SGL_ESC_MORI, 40, 0.05));
    against_exact("Mori L0 = 0.2, B/eta = 80", well(SGL_ESC_MORI, 80, 0.2));
    against_direct();
    threads();
    bad_options();
    return done();
}
