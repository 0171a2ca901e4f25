/* First-passage estimators (src/estimate.c): known answers on constructed data,
 * coverage of the rate CI on simulated censored exponentials, uniformity of the
 * KS p-values under the null, exponent and slope fits.  Randomness through the
 * library's Philox streams with fixed seeds, so every run gives the same
 * numbers; the false-failure probabilities stated below are over the choice
 * of seed. */
#include "sgdlab.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define P_TEST 200   /* a purpose outside the library's for test data */

static double expo_draw(sgl_stream *s, double k) { return -log(sgl_stream_uniform(s)) / k; }

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov p-value of the sample u[0..n) of grid values j/G (j = 1..G)
 * against the discrete uniform law on that grid, the exact null law of the
 * bootstrap p-values (1 + #{D* >= D})/(n_sim + 1) with G = n_sim + 1.  With
 * a discrete null the asymptotic Kolmogorov p-value is conservative (the
 * false-failure probability at threshold p* is <= p*); against the
 * continuous U(0,1) the grid alone would add up to sqrt(n)/G to the
 * statistic. */
static double ks_grid_p(double *u, size_t n, double G)
{
    qsort(u, n, sizeof *u, cmpd);
    double D = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double a = (double)(i + 1) / n - u[i], b = (u[i] - 1.0 / G) - (double)i / n;
        if (a > D) D = a;
        if (b > D) D = b;
    }
    double sq = sqrt((double)n);
    return sgl_kolmogorov_q(D * (sq + 0.12 + 0.11 / sq));
}

static void test_special(void)
{
    check_abs(sgl_normal_quantile(0.975), 1.959963984540054, 1e-13, "z(0.975)");
    check_abs(sgl_normal_quantile(0.5), 0.0, 1e-15, "z(0.5)");
    check_abs(sgl_normal_quantile(1e-10), -6.361340902404056, 1e-11, "z(1e-10)");
    check_abs(sgl_normal_quantile(0.84134474606854293), 1.0, 1e-12, "z(Phi(1))");
    check_abs(sgl_kolmogorov_q(1.0), 0.26999967167735456, 1e-12, "Kolmogorov Q(1)");
    check_abs(sgl_kolmogorov_q(0.5), 0.96394524366487511, 1e-12, "Kolmogorov Q(0.5)");
    check_abs(sgl_kolmogorov_q(1.3580986393225507), 0.05, 1e-9, "Kolmogorov Q at its 5%% point");
}

static void test_rate_known(void)
{
    /* escapes at 1,2,3,4 and two censored at 5: m = 4, exposure 20 */
    double t[] = {1, 2, 3, 4, 5, 5, 99};
    int st[] = {1, 1, 1, 1, 0, 0, 2};
    sgl_rate_est r;
    sgl_err e;
    check_true(sgl_est_rate(t, st, 7, 0.95, &r, &e) == SGL_OK, "rate: ok");
    check_abs(r.value, 0.2, 1e-15, "rate: kappa = 4/20");
    check_abs(r.se, 0.1, 1e-15, "rate: se = kappa/sqrt(m)");
    check_true(r.escaped == 4 && r.censored == 2 && r.diverged == 1, "rate: counts 4/2/1 (got %llu/%llu/%llu)",
               (unsigned long long)r.escaped, (unsigned long long)r.censored, (unsigned long long)r.diverged);
    /* the LR interval ends solve 2m(x - 1 - log x) = z^2, x = kappa/kappa_hat */
    double q = 1.959963984540054 * 1.959963984540054;
    double xl = r.ci_lo / r.value, xh = r.ci_hi / r.value;
    check_abs(8.0 * (xl - 1 - log(xl)), q, 1e-9, "rate: LR lower end");
    check_abs(8.0 * (xh - 1 - log(xh)), q, 1e-9, "rate: LR upper end");
    check_true(r.ci_lo < r.value && r.value < r.ci_hi, "rate: ci brackets the estimate");
    /* no escape: [0, z^2/(2T)] */
    int st0[] = {0, 0, 0};
    double t0[] = {10, 10, 10};
    check_true(sgl_est_rate(t0, st0, 3, 0.95, &r, &e) == SGL_OK, "rate m=0: ok");
    check_abs(r.ci_hi, q / 60.0, 1e-15, "rate m=0: upper = z^2/(2T)");
    check_true(r.value == 0.0 && r.ci_lo == 0.0, "rate m=0: estimate and lower end 0");
    /* bad input */
    check_true(sgl_est_rate(t, st, 7, 1.5, &r, &e) == SGL_EINVAL && strcmp(e.field, "level") == 0,
               "rate: level 1.5 rejected (field %s)", e.field);
    int bad[] = {1, 7};
    check_true(sgl_est_rate(t, bad, 2, 0.95, &r, &e) == SGL_EINVAL && strcmp(e.field, "state") == 0,
               "rate: unknown state rejected");
    double neg[] = {-1, 2};
    int ok2[] = {1, 1};
    check_true(sgl_est_rate(neg, ok2, 2, 0.95, &r, &e) == SGL_EINVAL, "rate: negative time rejected");
}

/* Coverage of the 95% LR interval: R = 4000 data sets of n = 200 exponentials
 * with rate 0.7, censored at t_max = 1/0.7 (about 63% escape).  The coverage
 * estimate has SE sqrt(.95*.05/4000) = 0.0034; the LR interval's true coverage
 * at m ~ 126 is 0.95 within ~0.005, so the +-0.03 band is >= 7 SE away:
 * false-failure probability < 1e-11. */
static void test_rate_coverage(void)
{
    const int R = 4000, n = 200;
    const double k = 0.7, tmax = 1.0 / 0.7;
    double t[200];
    int st[200];
    int cover = 0, cover90 = 0;
    for (int r = 0; r < R; ++r) {
        sgl_stream s;
        sgl_stream_init(&s, 12345, (uint32_t)r, 0, P_TEST);
        for (int i = 0; i < n; ++i) {
            double x = expo_draw(&s, k);
            if (x > tmax) { t[i] = tmax; st[i] = SGL_FP_CENSORED; } else { t[i] = x; st[i] = SGL_FP_ESCAPED; }
        }
        sgl_rate_est e;
        sgl_est_rate(t, st, n, 0.95, &e, NULL);
        cover += e.ci_lo <= k && k <= e.ci_hi;
        sgl_est_rate(t, st, n, 0.90, &e, NULL);
        cover90 += e.ci_lo <= k && k <= e.ci_hi;
    }
    check_abs((double)cover / R, 0.95, 0.03, "rate CI coverage at 95%% (4000 censored data sets)");
    /* 90%: SE 0.0047, band 0.03 = 6.3 SE: false failure < 1e-9 */
    check_abs((double)cover90 / R, 0.90, 0.03, "rate CI coverage at 90%%");
}

static void test_mfpt(void)
{
    double t[] = {1, 2, 3, 4, 10};
    int st[] = {1, 1, 1, 1, 1};
    sgl_mfpt_est m, m2;
    sgl_err e;
    check_true(sgl_est_mfpt(t, st, 5, 0.95, 2000, 7, &m, &e) == SGL_OK, "mfpt: ok");
    check_abs(m.mean, 4.0, 1e-15, "mfpt: mean of 1,2,3,4,10");
    check_abs(m.se, sqrt(12.5 / 5.0), 1e-14, "mfpt: se = s/sqrt(n)");
    check_true(m.ci_lo >= 1.0 && m.ci_hi <= 10.0 && m.ci_lo < 4.0 && 4.0 < m.ci_hi,
               "mfpt: bootstrap CI [%g, %g] inside the data range, around the mean", m.ci_lo, m.ci_hi);
    check_true(!m.lower_bound, "mfpt: no censoring, not a lower bound");
    sgl_est_mfpt(t, st, 5, 0.95, 2000, 7, &m2, &e);
    check_true(memcmp(&m, &m2, sizeof m) == 0, "mfpt: same seed, same bits");
    sgl_est_mfpt(t, st, 5, 0.95, 2000, 8, &m2, &e);
    check_true(m2.ci_lo != m.ci_lo || m2.ci_hi != m.ci_hi, "mfpt: another seed, another resampling");
    /* large sample: bootstrap CI half-width ~ 1.96 se (exponential, n = 4000;
     * relative sd of a bootstrap quantile with 2000 resamples ~ 3%, skew ~ 2%:
     * a 15% band is > 4 sd, false failure < 1e-4) */
    static double big[4000];
    static int bst[4000];
    sgl_stream s;
    sgl_stream_init(&s, 99, 0, 0, P_TEST);
    for (int i = 0; i < 4000; ++i) { big[i] = expo_draw(&s, 2.0); bst[i] = SGL_FP_ESCAPED; }
    sgl_est_mfpt(big, bst, 4000, 0.95, 2000, 3, &m, &e);
    check_rel(0.5 * (m.ci_hi - m.ci_lo), 1.959963984540054 * m.se, 0.15, "mfpt: bootstrap half-width ~ 1.96 se");
    /* censored: a lower bound, and the MLE mean exposure/m */
    int cst[] = {1, 1, 1, 1, 0};
    sgl_est_mfpt(t, cst, 5, 0.95, 100, 7, &m, &e);
    check_true(m.lower_bound && m.censored == 1, "mfpt: censored flagged as lower bound");
    check_abs(m.mle_mean, 20.0 / 4.0, 1e-15, "mfpt: MLE mean = exposure/m");
    /* its SE and CI are the rate's carried over (issue 11: the escape table's ratios use it when censored):
     * se = (exposure/m)/sqrt(m), CI = [1/kappa_hi, 1/kappa_lo] of the rate's likelihood-ratio interval */
    sgl_rate_est re;
    sgl_mfpt_mle ml;
    check_true(sgl_est_rate(t, cst, 5, 0.95, &re, &e) == SGL_OK, "mfpt mle: rate ok");
    sgl_est_mfpt_mle(&m, &re, &ml);
    check_abs(ml.value, 5.0, 1e-15, "mfpt mle: value = exposure/m = 5");
    check_abs(ml.se, 5.0 / 2.0, 1e-15, "mfpt mle: se = value / sqrt(m) = 2.5");
    check_rel(ml.ci_lo, 1.0 / re.ci_hi, 1e-15, "mfpt mle: ci_lo = 1/rate ci_hi");
    check_rel(ml.ci_hi, 1.0 / re.ci_lo, 1e-15, "mfpt mle: ci_hi = 1/rate ci_lo");
    check_true(ml.ci_lo < 5.0 && 5.0 < ml.ci_hi && ml.level == 0.95, "mfpt mle: CI [%g, %g] around 5", ml.ci_lo,
               ml.ci_hi);
    int none[] = {0, 0, 0, 0, 0};
    sgl_est_mfpt(t, none, 5, 0.95, 100, 7, &m, &e);
    sgl_est_rate(t, none, 5, 0.95, &re, &e);
    sgl_est_mfpt_mle(&m, &re, &ml);
    check_true(isinf(ml.value) && isnan(ml.se) && isinf(ml.ci_hi) && ml.ci_lo == 1.0 / re.ci_hi,
               "mfpt mle: no escape: value inf, se NaN, CI [1/kappa_hi, inf]");
    check_true(sgl_est_mfpt(t, st, 5, 0.95, 1, 7, &m, &e) == SGL_EINVAL, "mfpt: n_boot 1 rejected");
}

static void test_km(void)
{
    /* 1 e, 2 c, 3 e, 3 e, 4 c, 5 e (shuffled) */
    double t[] = {3, 5, 1, 4, 3, 2};
    int st[] = {1, 1, 1, 0, 1, 0};
    double tm[6], S[6], se[6];
    size_t k = 0;
    sgl_err e;
    check_true(sgl_est_km(t, st, 6, tm, S, se, &k, &e) == SGL_OK && k == 3, "km: 3 distinct escape times (got %zu)", k);
    check_abs(tm[0], 1, 0, "km: t1");
    check_abs(S[0], 5.0 / 6.0, 1e-15, "km: S(1) = 5/6");
    check_abs(se[0], 5.0 / 6.0 * sqrt(1.0 / 30.0), 1e-15, "km: Greenwood se at 1");
    check_abs(tm[1], 3, 0, "km: t2");
    check_abs(S[1], 5.0 / 12.0, 1e-15, "km: S(3) = 5/6 * 2/4");
    check_abs(se[1], 5.0 / 12.0 * sqrt(1.0 / 30.0 + 2.0 / 8.0), 1e-15, "km: Greenwood se at 3");
    check_abs(S[2], 0.0, 0, "km: S(5) = 0");
    /* uncensored: KM = empirical survival */
    double u[] = {4, 1, 3, 2};
    int su[] = {1, 1, 1, 1};
    sgl_est_km(u, su, 4, tm, S, se, &k, &e);
    check_true(k == 4 && S[0] == 0.75 && S[1] == 0.5 && S[2] == 0.25 && S[3] == 0.0, "km: uncensored = 1 - F_n");
}

static void test_ks(void)
{
    double t[] = {1, 2, 3};
    int st[] = {1, 1, 1};
    sgl_ks_est k;
    sgl_err e;
    check_true(sgl_est_ks_exp(t, st, 3, INFINITY, 99, 1, &k, &e) == SGL_OK, "ks: ok");
    check_abs(k.D, 1.0 - exp(-0.5), 1e-15, "ks: D of {1,2,3}/2 vs Exp(1)");
    check_abs(k.kappa, 0.5, 1e-15, "ks: kappa = 1/mean");
    /* scale invariance without censoring */
    double t2[] = {10, 20, 30};
    sgl_ks_est k2;
    sgl_est_ks_exp(t2, st, 3, INFINITY, 99, 1, &k2, &e);
    check_abs(k2.D, k.D, 1e-15, "ks: D scale-free");
    check_true(k2.p_value == k.p_value, "ks: p-value scale-free (%g vs %g)", k2.p_value, k.p_value);

    /* p-values uniform under the null: 300 data sets (n = 50, 199 null
     * replicates each) uncensored, 300 censored at t_max = 1.5/kappa; the
     * p-values are compared with the uniform law on their grid 1/200 ..
     * 200/200 by a Kolmogorov test, failing below 1e-5 (false failure <=
     * 1e-5 each, conservative for a discrete null; the former comparison with
     * the continuous U(0,1) at 1e-4 ignored the grid, which moves sqrt(300) D
     * by up to 0.087 and the false failure to ~2e-4) */
    static double p[300];
    double x[50];
    int sx[50];
    for (int mode = 0; mode < 2; ++mode) {
        double tmax = mode ? 1.5 / 3.0 : INFINITY;
        for (int r = 0; r < 300; ++r) {
            sgl_stream s;
            sgl_stream_init(&s, 777 + (uint64_t)mode, (uint32_t)r, 0, P_TEST);
            for (int i = 0; i < 50; ++i) {
                x[i] = expo_draw(&s, 3.0);
                sx[i] = SGL_FP_ESCAPED;
                if (x[i] > tmax) { x[i] = tmax; sx[i] = SGL_FP_CENSORED; }
            }
            sgl_est_ks_exp(x, sx, 50, tmax, 199, 1000 + (uint64_t)r, &k, &e);
            p[r] = k.p_value;
        }
        double pu = ks_grid_p(p, 300, 200.0);
        check_true(pu > 1e-5, "ks: p-values uniform under the null (%s): Kolmogorov p = %.3g",
                   mode ? "censored" : "uncensored", pu);
    }
    /* power: 500 uniform(0,1) times are not exponential.  With an estimated
     * mean, D for U(0,1) is about 0.14 (sqrt(n)D ~ 3.1 against null quantiles
     * ~1.1), so p is the grid minimum 1/200 with overwhelming probability */
    static double uni[500];
    static int su[500];
    sgl_stream s;
    sgl_stream_init(&s, 4242, 0, 0, P_TEST);
    for (int i = 0; i < 500; ++i) { uni[i] = sgl_stream_uniform(&s); su[i] = SGL_FP_ESCAPED; }
    sgl_est_ks_exp(uni, su, 500, INFINITY, 199, 5, &k, &e);
    check_true(k.p_value <= 0.01, "ks: uniform data rejected (p = %g, D = %g)", k.p_value, k.D);
    check_true(sgl_est_ks_exp(t, st, 1, INFINITY, 99, 1, &k, &e) == SGL_EINVAL, "ks: one escape rejected");
}

/* Student-t construction: in dim dimensions, p(z) ~ (1 + h|z|^2/(2L*))^-phi is
 * a multivariate t with nu = 2 phi - dim degrees of freedom */
static void sample_quadratic(sgl_stream *s, unsigned dim, int nu, double Lstar, double h, double *L)
{
    double chi = 0.0, r2 = 0.0;
    for (int j = 0; j < nu; ++j) { double g = sgl_stream_normal(s); chi += g * g; }
    for (unsigned j = 0; j < dim; ++j) { double g = sgl_stream_normal(s); r2 += g * g; }
    /* z = g * sqrt(2 L* / (h chi)) */
    *L = Lstar + 0.5 * h * r2 * (2.0 * Lstar / (h * chi));
}

static void test_phi(void)
{
    static double L[20000];
    sgl_stream s;
    sgl_phi_est f;
    sgl_err e;
    /* 1-D, phi = 11 (nu = 21); |z| < 4.5 (two-sided 6.8e-6 per check; the
     * MLE of 20000 samples is normal to well within that) */
    sgl_stream_init(&s, 31, 0, 0, P_TEST);
    for (int i = 0; i < 20000; ++i) sample_quadratic(&s, 1, 21, 0.5, 1.0, &L[i]);
    check_true(sgl_est_phi_quadratic(L, 20000, 0.5, 1, &f, &e) == SGL_OK, "phi 1-D: ok");
    check_z(f.phi, 11.0, f.se, 4.5, "phi 1-D quadratic MLE = 11");
    /* 2-D, phi = 6 (nu = 10), other L* and h */
    sgl_stream_init(&s, 32, 0, 0, P_TEST);
    for (int i = 0; i < 20000; ++i) sample_quadratic(&s, 2, 10, 0.2, 8.0, &L[i]);
    sgl_est_phi_quadratic(L, 20000, 0.2, 2, &f, &e);
    check_z(f.phi, 6.0, f.se, 4.5, "phi 2-D quadratic MLE = 6");
    /* SE matches the spread: the observed information of phi at 20000 samples */
    check_true(f.se > 0.01 && f.se < 0.2, "phi 2-D se plausible (%g)", f.se);
    /* Hill tail: Pareto density exponent alpha = 3 of L above 1, 1-D: phi = 2.5 */
    sgl_stream_init(&s, 33, 0, 0, P_TEST);
    for (int i = 0; i < 20000; ++i) L[i] = pow(sgl_stream_uniform(&s), -1.0 / 2.0);
    check_true(sgl_est_phi_tail(L, 20000, 1.0, 1, &f, &e) == SGL_OK, "phi tail: ok");
    check_z(f.phi, 2.5, f.se, 4.5, "phi tail (Hill, 1-D Jacobian) = alpha - 1/2");
    check_true(sgl_est_phi_quadratic(L, 20000, -1, 1, &f, &e) == SGL_EINVAL, "phi: L* <= 0 rejected");
    check_true(sgl_est_phi_tail(L, 20000, 1e9, 1, &f, &e) == SGL_EINVAL, "phi tail: empty tail rejected");
}

static void test_wls(void)
{
    double x[] = {0, 1, 2, 3}, y[4], sy[] = {1, 1, 1, 1};
    for (int i = 0; i < 4; ++i) y[i] = 2 + 3 * x[i];
    sgl_wls_est w;
    sgl_err e;
    check_true(sgl_est_wls(x, y, sy, 4, &w, &e) == SGL_OK, "wls: ok");
    check_abs(w.slope, 3, 1e-14, "wls: slope");
    check_abs(w.intercept, 2, 1e-14, "wls: intercept");
    check_abs(w.slope_se, sqrt(1.0 / 5.0), 1e-14, "wls: slope se = 1/sqrt(Sxx)");
    check_abs(w.intercept_se, sqrt(0.25 + 2.25 / 5.0), 1e-14, "wls: intercept se");
    check_abs(w.chi2, 0, 1e-20, "wls: chi2 0");
    /* weights: a point with a huge se barely moves the fit */
    double y2[] = {0, 1, 2, 100}, s2[] = {0.1, 0.1, 0.1, 1e6};
    sgl_est_wls(x, y2, s2, 4, &w, &e);
    check_abs(w.slope, 1, 1e-9, "wls: down-weighted outlier");
    /* unweighted: residual-variance SEs; y = x + (+1,-1,-1,+1)/2 */
    double y3[] = {0.5, 0.5, 1.5, 3.5};
    sgl_est_wls(x, y3, NULL, 4, &w, &e);
    check_abs(w.slope, 1.0, 1e-14, "ols: slope");
    check_abs(w.slope_se, sqrt((1.0 / 2.0) / 5.0), 1e-14, "ols: se from residuals (RSS 1, dof 2)");
    double xs[] = {1, 1, 1};
    check_true(sgl_est_wls(xs, y, NULL, 3, &w, &e) == SGL_EINVAL, "wls: equal x rejected");
}

int main(void)
{
    test_special();
    test_rate_known();
    test_rate_coverage();
    test_mfpt();
    test_km();
    test_ks();
    test_phi();
    test_wls();
    return done();
}
