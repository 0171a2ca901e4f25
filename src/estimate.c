/* Summaries across trajectories, reduced in trajectory order (fixed). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double sgl_sum_fixed(const double *x, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) { s0 += x[k]; s1 += x[k + 1]; s2 += x[k + 2]; s3 += x[k + 3]; }
    for (; k < n; ++k) s0 += x[k];
    return (s0 + s1) + (s2 + s3);
}

void sgl_summarize(const sgl_results *r, size_t l, size_t o, sgl_summary *out)
{
    double sum = 0.0, mn = INFINITY, mx = -INFINITY;
    uint64_t n = 0, nd = 0, nnf = 0;
    for (uint32_t t = 0; t < r->n_traj; ++t) {
        double x = r->series[((size_t)t * r->n_log + l) * r->n_obs + o];
        /* a trajectory counts as diverged from its diverged step on (its values
         * are NaN from there); before that it is averaged like any other, and
         * a non-finite value of a live trajectory is counted apart */
        if (r->diverged[t] && r->diverged_step[t] <= r->log_steps[l]) { ++nd; continue; }
        if (!isfinite(x)) { ++nnf; continue; }
        sum += x; ++n;
        if (x < mn) mn = x;
        if (x > mx) mx = x;
    }
    double mean = n ? sum / (double)n : NAN, ss = 0.0;
    for (uint32_t t = 0; t < r->n_traj; ++t) {
        double x = r->series[((size_t)t * r->n_log + l) * r->n_obs + o];
        if (!(r->diverged[t] && r->diverged_step[t] <= r->log_steps[l]) && isfinite(x))
            ss += (x - mean) * (x - mean);
    }
    out->mean = mean;
    out->std_err = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : NAN;
    out->min = n ? mn : NAN;
    out->max = n ? mx : NAN;
    out->n = n;
    out->n_diverged = nd;
    out->n_nonfinite = nnf;
}

/* ------------------------------------------------ first-passage estimates */

double sgl_normal_quantile(double p)
{
    if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    /* solve on the lower tail q = min(p, 1-p), z < 0, where erfc is accurate */
    double q = p < 0.5 ? p : 1.0 - p;
    double t = sqrt(-2.0 * log(q));
    double z = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) /
                         (1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308))));   /* |err| < 5e-4 */
    for (int it = 0; it < 6; ++it) {
        double cdf = 0.5 * erfc(-z / M_SQRT2);
        double pdf = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
        if (pdf <= 0.0) break;
        double dz = (cdf - q) / pdf;
        /* Halley: f'' / f' = -z for the normal cdf */
        dz = dz / (1.0 + 0.5 * z * dz);
        z -= dz;
        if (fabs(dz) < 1e-15 * (1.0 + fabs(z))) break;
    }
    return p < 0.5 ? z : -z;
}

double sgl_kolmogorov_q(double lambda)
{
    if (!(lambda > 0.0)) return 1.0;
    if (lambda < 1.0) {
        /* theta-function form, fast for small lambda:
         * 1 - Q = sqrt(2 pi)/lambda sum_{j>=1} exp(-(2j-1)^2 pi^2 / (8 lambda^2)) */
        double s = 0.0;
        for (int j = 1; j <= 8; ++j) {
            double a = (2.0 * j - 1.0) * M_PI / lambda;
            s += exp(-a * a / 8.0);
        }
        double q = 1.0 - sqrt(2.0 * M_PI) / lambda * s;
        return q < 0.0 ? 0.0 : q > 1.0 ? 1.0 : q;
    }
    double s = 0.0;
    for (int j = 1; j <= 100; ++j) {
        double term = exp(-2.0 * (double)j * (double)j * lambda * lambda);
        s += (j & 1) ? term : -term;
        if (term < 1e-300) break;
    }
    s *= 2.0;
    return s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
}

static sgl_status check_fp_input(const double *t, const int *state, size_t n, sgl_err *err)
{
    if (!t || !state) return sgl_fail(err, SGL_EINVAL, "times", "times and states must not be NULL");
    for (size_t i = 0; i < n; ++i) {
        if (state[i] != SGL_FP_ESCAPED && state[i] != SGL_FP_CENSORED && state[i] != SGL_FP_DIVERGED)
            return sgl_fail(err, SGL_EINVAL, "state", "state[%zu] = %d; allowed: 0 censored, 1 escaped, 2 diverged",
                            i, state[i]);
        if (state[i] != SGL_FP_DIVERGED && !(t[i] >= 0.0 && t[i] < INFINITY))
            return sgl_fail(err, SGL_EINVAL, "times", "time[%zu] = %g; must be finite and >= 0", i, t[i]);
    }
    return SGL_OK;
}

static sgl_status check_level(double level, sgl_err *err)
{
    if (!(level > 0.0 && level < 1.0))
        return sgl_fail(err, SGL_EINVAL, "level", "confidence level %g; must be in (0, 1)", level);
    return SGL_OK;
}

/* x = kappa/kappa_hat on one side of 1 with 2m(x - 1 - log x) = q */
static double lr_root(double m, double q, int upper)
{
    double lo, hi;
    if (upper) { lo = 1.0; hi = 2.0; while (2.0 * m * (hi - 1.0 - log(hi)) < q) hi *= 2.0; }
    else { lo = 0.0; hi = 1.0; }
    for (int it = 0; it < 200; ++it) {
        double mid = 0.5 * (lo + hi);
        double g = mid > 0.0 ? 2.0 * m * (mid - 1.0 - log(mid)) : INFINITY;
        if ((g < q) == (upper != 0)) lo = mid; else hi = mid;
        if (hi - lo <= 1e-15 * hi) break;
    }
    return 0.5 * (lo + hi);
}

sgl_status sgl_est_rate(const double *t, const int *state, size_t n, double level,
                        sgl_rate_est *out, sgl_err *err)
{
    sgl_status st = check_fp_input(t, state, n, err);
    if (st == SGL_OK) st = check_level(level, err);
    if (st != SGL_OK) return st;
    uint64_t m = 0, c = 0, d = 0;
    double expo = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (state[i] == SGL_FP_DIVERGED) { ++d; continue; }
        if (state[i] == SGL_FP_ESCAPED) ++m; else ++c;
        expo += t[i];
    }
    memset(out, 0, sizeof *out);
    out->n = n; out->escaped = m; out->censored = c; out->diverged = d;
    out->exposure = expo; out->level = level;
    if (!(expo > 0.0)) {
        out->value = out->se = out->ci_lo = out->ci_hi = NAN;
        return sgl_fail(err, SGL_EINVAL, "times", "total exposure time is %g; need at least one positive time", expo);
    }
    double z = sgl_normal_quantile(0.5 * (1.0 + level)), q = z * z;
    if (m == 0) {
        out->value = 0.0; out->se = NAN; out->ci_lo = 0.0; out->ci_hi = q / (2.0 * expo);
        return SGL_OK;
    }
    double k = (double)m / expo;
    out->value = k;
    out->se = k / sqrt((double)m);
    out->ci_lo = k * lr_root((double)m, q, 0);
    out->ci_hi = k * lr_root((double)m, q, 1);
    return SGL_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* type-7 quantile of sorted x[0..n) */
static double quantile_sorted(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n) return x[n - 1];
    return x[i] + (h - (double)i) * (x[i + 1] - x[i]);
}

sgl_status sgl_est_mfpt(const double *t, const int *state, size_t n, double level, uint32_t n_boot,
                        uint64_t seed, sgl_mfpt_est *out, sgl_err *err)
{
    sgl_status st = check_fp_input(t, state, n, err);
    if (st == SGL_OK) st = check_level(level, err);
    if (st != SGL_OK) return st;
    if (n_boot < 2) return sgl_fail(err, SGL_EINVAL, "n_boot", "bootstrap resamples %u; need >= 2", n_boot);
    memset(out, 0, sizeof *out);
    out->level = level; out->n_boot = n_boot; out->n = n;
    size_t nu = 0;
    for (size_t i = 0; i < n; ++i) {
        if (state[i] == SGL_FP_DIVERGED) { ++out->diverged; continue; }
        if (state[i] == SGL_FP_ESCAPED) ++out->escaped; else ++out->censored;
        ++nu;
    }
    if (nu == 0) return sgl_fail(err, SGL_EINVAL, "times", "no escaped or censored trajectory to average");
    if (nu > UINT32_MAX) return sgl_fail(err, SGL_EINVAL, "times", "too many trajectories for the bootstrap");
    double *x = sgl_malloc_array(nu, sizeof *x);
    double *bm = sgl_malloc_array(n_boot, sizeof *bm);
    if (!x || !bm) { sgl_free(x); sgl_free(bm); return sgl_fail(err, SGL_ENOMEM, "mfpt", "out of memory"); }
    nu = 0;
    for (size_t i = 0; i < n; ++i) if (state[i] != SGL_FP_DIVERGED) x[nu++] = t[i];
    double mean = sgl_sum_fixed(x, nu) / (double)nu, ss = 0.0;
    for (size_t i = 0; i < nu; ++i) ss += (x[i] - mean) * (x[i] - mean);
    out->mean = mean;
    out->se = nu > 1 ? sqrt(ss / (double)(nu - 1) / (double)nu) : NAN;
    out->lower_bound = out->censored > 0;
    out->mle_mean = out->escaped ? sgl_sum_fixed(x, nu) / (double)out->escaped : INFINITY;
    for (uint32_t b = 0; b < n_boot; ++b) {
        sgl_stream s;
        sgl_stream_init(&s, seed, b, 0, SGL_P_BOOT);
        double acc = 0.0;
        for (size_t i = 0; i < nu; ++i) acc += x[sgl_stream_index(&s, (uint32_t)nu)];
        bm[b] = acc / (double)nu;
    }
    qsort(bm, n_boot, sizeof *bm, cmp_double);
    out->ci_lo = quantile_sorted(bm, n_boot, 0.5 * (1.0 - level));
    out->ci_hi = quantile_sorted(bm, n_boot, 0.5 * (1.0 + level));
    sgl_free(x); sgl_free(bm);
    return SGL_OK;
}

typedef struct { double t; int escaped; } fp_pair;
static int cmp_pair(const void *a, const void *b)
{
    const fp_pair *x = a, *y = b;
    if (x->t != y->t) return (x->t > y->t) - (x->t < y->t);
    return y->escaped - x->escaped;   /* escapes before censorings at a tie */
}

sgl_status sgl_est_km(const double *t, const int *state, size_t n, double *time, double *surv,
                      double *se, size_t *n_out, sgl_err *err)
{
    sgl_status st = check_fp_input(t, state, n, err);
    if (st != SGL_OK) return st;
    *n_out = 0;
    fp_pair *p = sgl_malloc_array(n ? n : 1, sizeof *p);
    if (!p) return sgl_fail(err, SGL_ENOMEM, "km", "out of memory");
    size_t nu = 0;
    for (size_t i = 0; i < n; ++i)
        if (state[i] != SGL_FP_DIVERGED) { p[nu].t = t[i]; p[nu].escaped = state[i] == SGL_FP_ESCAPED; ++nu; }
    qsort(p, nu, sizeof *p, cmp_pair);
    double S = 1.0, gw = 0.0;
    size_t at_risk = nu, j = 0, i = 0;
    while (i < nu) {
        size_t d = 0, c = 0;
        double ti = p[i].t;
        while (i < nu && p[i].t == ti) { if (p[i].escaped) ++d; else ++c; ++i; }
        if (d > 0) {
            S *= 1.0 - (double)d / (double)at_risk;
            if (at_risk > d) gw += (double)d / ((double)at_risk * (double)(at_risk - d));
            else gw = INFINITY;
            time[j] = ti; surv[j] = S;
            se[j] = S > 0.0 ? S * sqrt(gw) : 0.0;
            ++j;
        }
        at_risk -= d + c;
    }
    *n_out = j;
    sgl_free(p);
    return SGL_OK;
}

/* KS distance of the sorted escapes esc[0..m) from Exp(k) truncated at tmax */
static double ks_stat(double *esc, size_t m, double k, double tmax)
{
    qsort(esc, m, sizeof *esc, cmp_double);
    double norm = isfinite(tmax) ? -expm1(-k * tmax) : 1.0, D = 0.0;
    for (size_t i = 0; i < m; ++i) {
        double F = -expm1(-k * esc[i]) / norm;
        double a = (double)(i + 1) / (double)m - F, b = F - (double)i / (double)m;
        if (a > D) D = a;
        if (b > D) D = b;
    }
    return D;
}

sgl_status sgl_est_ks_exp(const double *t, const int *state, size_t n, double t_max, uint32_t n_sim,
                          uint64_t seed, sgl_ks_est *out, sgl_err *err)
{
    sgl_status st = check_fp_input(t, state, n, err);
    if (st != SGL_OK) return st;
    if (!(t_max > 0.0)) return sgl_fail(err, SGL_EINVAL, "t_max", "t_max = %g; must be > 0 (INFINITY: no censoring)", t_max);
    memset(out, 0, sizeof *out);
    size_t nu = 0, m = 0;
    double expo = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (state[i] == SGL_FP_DIVERGED) continue;
        ++nu;
        if (state[i] == SGL_FP_ESCAPED) {
            if (t[i] > t_max) return sgl_fail(err, SGL_EINVAL, "times", "escape time %g beyond t_max %g", t[i], t_max);
            ++m; expo += t[i];
        } else {
            if (!isfinite(t_max)) return sgl_fail(err, SGL_EINVAL, "t_max", "censored trajectories need a finite t_max");
            expo += t_max;
        }
    }
    if (m < 2) return sgl_fail(err, SGL_EINVAL, "times", "KS test needs at least 2 escapes (have %zu)", m);
    double *e = sgl_malloc_array(nu, sizeof *e);
    if (!e) return sgl_fail(err, SGL_ENOMEM, "ks", "out of memory");
    size_t j = 0;
    for (size_t i = 0; i < n; ++i) if (state[i] == SGL_FP_ESCAPED) e[j++] = t[i];
    double k = (double)m / expo;
    out->kappa = k; out->n_used = m; out->n_sim = n_sim;
    out->D = ks_stat(e, m, k, t_max);
    double sq = sqrt((double)m);
    out->p_asym = sgl_kolmogorov_q(out->D * (sq + 0.12 + 0.11 / sq));
    /* parametric bootstrap under the fitted law (scale-free when uncensored) */
    uint64_t ge = 0;
    for (uint32_t r = 0; r < n_sim; ++r) {
        sgl_stream s;
        sgl_stream_init(&s, seed, r, 0, SGL_P_KSNULL);
        size_t ms = 0;
        double ex = 0.0;
        for (size_t i = 0; i < nu; ++i) {
            double x = -log(sgl_stream_uniform(&s)) / k;
            if (x <= t_max) { e[ms++] = x; ex += x; } else ex += t_max;
        }
        if (ms < 2) { ++ge; continue; }   /* no D for this replicate: counted as extreme (conservative) */
        double Ds = ks_stat(e, ms, (double)ms / ex, t_max);
        if (Ds >= out->D) ++ge;
    }
    out->p_value = n_sim ? (double)(1 + ge) / (double)(n_sim + 1) : NAN;
    sgl_free(e);
    return SGL_OK;
}

/* digamma and trigamma: recurrence to x >= 8, then the asymptotic series */
static double digamma(double x)
{
    double r = 0.0;
    while (x < 8.0) { r -= 1.0 / x; x += 1.0; }
    double f = 1.0 / (x * x);
    return r + log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}
static double trigamma(double x)
{
    double r = 0.0;
    while (x < 8.0) { r += 1.0 / (x * x); x += 1.0; }
    double f = 1.0 / (x * x);
    return r + 1.0 / x + 0.5 * f + (1.0 / x) * f * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)));
}

sgl_status sgl_est_phi_quadratic(const double *L, size_t n, double Lstar, unsigned dim,
                                 sgl_phi_est *out, sgl_err *err)
{
    if (!L || n < 2) return sgl_fail(err, SGL_EINVAL, "samples", "need at least 2 loss samples");
    if (!(Lstar > 0.0)) return sgl_fail(err, SGL_EINVAL, "Lstar", "L* = %g; must be > 0", Lstar);
    if (dim < 1) return sgl_fail(err, SGL_EINVAL, "dim", "dimension must be >= 1");
    double S = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (!(L[i] >= Lstar && L[i] < INFINITY))
            return sgl_fail(err, SGL_EINVAL, "samples", "L[%zu] = %g; must be finite and >= L* = %g", i, L[i], Lstar);
        S += log(L[i] / Lstar);
    }
    if (!(S > 0.0)) return sgl_fail(err, SGL_EINVAL, "samples", "all samples sit at L*: phi is unbounded");
    /* score s(phi) = -S + n [psi(phi) - psi(phi - dim/2)], decreasing on (dim/2, inf) */
    double h = 0.5 * dim, N = (double)n;
    double lo = 0.0, hi = 1.0;   /* in u = phi - dim/2 */
    while (-S + N * (digamma(hi + h) - digamma(hi)) > 0.0) { lo = hi; hi *= 2.0; if (hi > 1e12) break; }
    for (int it = 0; it < 200; ++it) {
        double mid = 0.5 * (lo + hi);
        if (-S + N * (digamma(mid + h) - digamma(mid)) > 0.0) lo = mid; else hi = mid;
        if (hi - lo <= 1e-14 * hi) break;
    }
    double u = 0.5 * (lo + hi);
    double info = N * (trigamma(u) - trigamma(u + h));
    out->phi = u + h;
    out->se = 1.0 / sqrt(info);
    out->n_used = n;
    return SGL_OK;
}

sgl_status sgl_est_phi_tail(const double *L, size_t n, double L_min, unsigned dim,
                            sgl_phi_est *out, sgl_err *err)
{
    if (!L) return sgl_fail(err, SGL_EINVAL, "samples", "no samples");
    if (!(L_min > 0.0)) return sgl_fail(err, SGL_EINVAL, "L_min", "threshold %g; must be > 0", L_min);
    if (dim < 1) return sgl_fail(err, SGL_EINVAL, "dim", "dimension must be >= 1");
    double S = 0.0;
    uint64_t k = 0;
    for (size_t i = 0; i < n; ++i)
        if (L[i] >= L_min && L[i] < INFINITY) { S += log(L[i] / L_min); ++k; }
    if (k < 2 || !(S > 0.0))
        return sgl_fail(err, SGL_EINVAL, "L_min", "only %llu samples above the threshold %g; need >= 2",
                        (unsigned long long)k, L_min);
    double alpha = 1.0 + (double)k / S;
    out->phi = alpha + 0.5 * dim - 1.0;
    out->se = (alpha - 1.0) / sqrt((double)k);
    out->n_used = k;
    return SGL_OK;
}

sgl_status sgl_est_wls(const double *x, const double *y, const double *sy, size_t n,
                       sgl_wls_est *out, sgl_err *err)
{
    if (!x || !y || n < 2) return sgl_fail(err, SGL_EINVAL, "points", "need at least 2 points");
    if (!sy && n < 3) return sgl_fail(err, SGL_EINVAL, "points", "an unweighted fit needs at least 3 points for its SE");
    double W = 0.0, Wx = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return sgl_fail(err, SGL_EINVAL, "points", "point %zu is not finite (x = %g, y = %g)", i, x[i], y[i]);
        double w = 1.0;
        if (sy) {
            if (!(sy[i] > 0.0 && sy[i] < INFINITY))
                return sgl_fail(err, SGL_EINVAL, "sy", "sy[%zu] = %g; standard errors must be finite and > 0", i, sy[i]);
            w = 1.0 / (sy[i] * sy[i]);
        }
        W += w; Wx += w * x[i];
    }
    double xb = Wx / W, Sxx = 0.0, Sxy = 0.0, Wy = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double w = sy ? 1.0 / (sy[i] * sy[i]) : 1.0, dx = x[i] - xb;
        Sxx += w * dx * dx; Sxy += w * dx * y[i]; Wy += w * y[i];
    }
    if (!(Sxx > 0.0)) return sgl_fail(err, SGL_EINVAL, "points", "all x are equal: no slope");
    double b = Sxy / Sxx, a0 = Wy / W;            /* y = a0 + b (x - xb) */
    double chi2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double w = sy ? 1.0 / (sy[i] * sy[i]) : 1.0, r = y[i] - a0 - b * (x[i] - xb);
        chi2 += w * r * r;
    }
    double scale = sy ? 1.0 : chi2 / (double)(n - 2);
    double vb = scale / Sxx, va0 = scale / W;
    out->slope = b;
    out->intercept = a0 - b * xb;
    out->slope_se = sqrt(vb);
    out->intercept_se = sqrt(va0 + xb * xb * vb);
    out->cov = -xb * vb;
    out->chi2 = chi2;
    out->n = n; out->dof = n - 2;
    return SGL_OK;
}

void sgl_est_mfpt_mle(const sgl_mfpt_est *mf, const sgl_rate_est *rate, sgl_mfpt_mle *out)
{
    out->value = mf->mle_mean;
    out->level = rate->level;
    out->se = mf->escaped ? mf->mle_mean / sqrt((double)mf->escaped) : NAN;
    out->ci_lo = 1.0 / rate->ci_hi;
    out->ci_hi = rate->ci_lo > 0.0 ? 1.0 / rate->ci_lo : INFINITY;
}
