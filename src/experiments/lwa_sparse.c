/* sgl_exp_lwa_sparse: Li-Wang-Arora's sparse-recovery result
 * (THEORY.md 2.7 and 9.1 "still to check" (i)-(ii)).
 *
 * kappa-sparse w* = 1 on its support, Gaussian inputs, d in {100, 200, 400}
 * and a grid of n.  Over R data draws (each its own Philox-keyed draw; the
 * draws are nested in n, so the curves use common random numbers) the
 * success probability P(|w - w*| / |w*| < 0.1) of
 *   label-limit a=1, a=10   the label-noise limit (LWA Theorem 6.1): exact
 *                           gradient-flow projection Phi(x0) then the limit
 *                           flow on Gamma (src/dynamics/limit_olm.c) to its
 *                           end point, from u = v = alpha 1
 *   label-SGD a=1           label-noise SGD itself (batch 1, delta = 1,
 *                           eta = 1e-3, 3M steps = limit time 3) at d = 100
 *   GD a=10                 GD from the kernel-regime init u = v = 10 1, as
 *                           its eta -> 0 limit Phi(x0) (gradient flow; test_lwa
 *                           checks GD is O(eta) from it)
 *   min-l1, min-l2          the interpolators (GLPK, LAPACK)
 * The threshold n* per method and d is where the success curve crosses 1/2
 * (linear interpolation between grid points; +- from the binomial SE at the
 * crossing), and n* is fitted against kappa ln d and against d.
 * Rendering: cli/reproduce_lwa.c. */
#include "experiments.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

const char *const sgl_lwa_method_names[SGL_LWA_N] = {"label-limit-a1", "label-limit-a10", "label-SGD-a1", "GD-a10",
                                                     "min-l1", "min-wl1", "min-l2"};
const char *const sgl_lwa_method_docs[SGL_LWA_N] = {
    "label-noise limit (Phi, then the LWA flow to its end point: duality gap <= 1e-6 or t = 5000), init u=v=1",
    "label-noise limit, kernel-regime init u=v=10",
    "label-noise SGD, batch 1, delta=1, eta=1e-3, 3M steps, init u=v=1: only limit time t = eta^2 k = 3, "
    "far short of the limit's end point, so it lags the limit near n*",
    "GD from u=v=10 (gradient-flow limit Phi(x0))",
    "min-l1 interpolator (basis pursuit, GLPK)",
    "weighted min-l1, weights c_j = (1/n) sum_i z_ij^2: the limit's end point on Gaussian data (GLPK)",
    "min-l2 interpolator (LAPACK dgels)"};

static size_t build_grid(size_t d, int quick, size_t *n)
{
    /* a wide d: the sparse methods' thresholds (about 25 to 45 at d <= 3200 if n* ~ kappa ln d, about 100 if n*
     * grew like d from d <= 400), densely enough to place each crossing; kernel GD's n* ~ d is not on this grid */
    static const size_t wide[] = {20, 25, 30, 35, 40, 45, 50, 60, 80, 100};
    if (d > SGL_LWA_D_DENSE) {
        size_t k = 0;
        for (size_t i = 0; i < sizeof wide / sizeof *wide; ++i)
            if (wide[i] < d / 2) n[k++] = wide[i];
        return k;
    }
    static const size_t base[] = {10, 15, 20, 25, 30, 40, 50, 60, 80, 100};
    static const size_t base_q[] = {8, 12, 16, 20, 30};
    const double frac[] = {0.5, 0.75, 0.9, 0.99, 1.0};   /* n = d: every interpolator is w* */
    size_t k = 0;
    const size_t *b = quick ? base_q : base;
    size_t nb = quick ? sizeof base_q / sizeof *base_q : sizeof base / sizeof *base;
    for (size_t i = 0; i < nb; ++i)
        if (b[i] < d / 2) n[k++] = b[i];
    for (size_t i = 0; i < 5; ++i) {
        size_t v = (size_t)floor(frac[i] * (double)d + 0.5);
        if (k == 0 || v > n[k - 1]) n[k++] = v;
    }
    return k;
}

/* the limit methods cost O(n^2 d) per step: they run for n <= this */
static size_t limit_cap(size_t d)
{
    return d / 4 > 100 ? d / 4 : (d / 2 < 100 ? d / 2 : 100);
}

static double rel_err(const double *w, const double *wstar, size_t d)
{
    double e = 0, s = 0;
    for (size_t j = 0; j < d; ++j) e += (w[j] - wstar[j]) * (w[j] - wstar[j]), s += wstar[j] * wstar[j];
    return sqrt(e / s);
}

static sgl_data_spec data_spec(size_t d, size_t n)
{
    sgl_data_spec s;
    memset(&s, 0, sizeof s);
    s.input = SGL_INPUT_GAUSSIAN;
    s.truth = SGL_TRUTH_ONES;
    s.d = d, s.n = n, s.kappa = SGL_LWA_KAPPA;
    return s;
}

/* the methods one_draw runs at (d, n), bit m for method m: every one at a dense d (the limits up to the cap); at a
 * wide d only the weighted min-l1 interpolator, which is the label-noise limit's end point (THEORY.md 2.7; equal
 * on every draw where both run), and min-l2 (cheap): the limit flow and plain min-l1 (GLPK, one solve at a time)
 * would cost tens of minutes there */
static unsigned methods_at(size_t d, size_t n)
{
    if (d > SGL_LWA_D_DENSE) return 1u << SGL_LWA_WL1 | 1u << SGL_LWA_L2;
    unsigned all = (1u << SGL_LWA_N) - 1 - (1u << SGL_LWA_SGD);
    return n <= limit_cap(d) ? all : all & ~(1u << SGL_LWA_LIM1 | 1u << SGL_LWA_LIM10);
}

/* one (d, n, draw): the methods of mask (never SGD).  Returns 0 or fills why. */
static int one_draw(size_t d, size_t n, uint64_t seed, uint32_t r, unsigned mask, double err_out[SGL_LWA_N],
                    int unconv[2], char *why, size_t len)
{
    sgl_data_spec ds = data_spec(d, n);
    sgl_data *D = NULL;
    sgl_err err = {{0}, {0}};
    if (sgl_data_alloc(&ds, seed, r, &D, &err)) {
        snprintf(why, len, "data (d=%zu, n=%zu): %s", d, n, err.msg);
        return -1;
    }
    double *u = sgl_malloc_array(d, sizeof *u), *v = sgl_malloc_array(d, sizeof *v), *w = sgl_malloc_array(d, sizeof *w);
    int rc = 0;
    if (!u || !v || !w) {
        snprintf(why, len, "out of memory");
        rc = -1;
        goto out;
    }
    for (int m = 0; m < SGL_LWA_N; ++m) err_out[m] = NAN;
    for (int m = SGL_LWA_LIM1; m <= SGL_LWA_GD10 && rc == 0; ++m) {
        if (!(mask >> m & 1u)) continue;
        double alpha = m == SGL_LWA_LIM1 ? 1.0 : 10.0;
        for (size_t j = 0; j < d; ++j) u[j] = v[j] = alpha;
        sgl_status st;
        if (m == SGL_LWA_GD10) {
            st = sgl_olm_project(D, u, v, 1e-10, NULL, &err);
        } else {
            /* the end point: a long step (psi c_max dt = 10; the fixed points do
             * not depend on dt, test_lwa checks it) until the duality gap
             * certifies 1e-6, or t = 5000 */
            sgl_olm_opts o;
            sgl_olm_opts_default(&o);
            double cmax = 0;
            for (size_t j = 0; j < d; ++j) cmax = fmax(cmax, D->colsq[j]);
            o.dt = 10.0 / (sgl_olm_psi(&o) * cmax);
            o.t_max = 5000;
            o.gap_tol = 1e-6;
            o.proj_tol = 1e-10;
            sgl_olm_info info;
            st = sgl_olm_limit(D, &o, u, v, &info, &err);
            if (st == SGL_OK && !info.converged) unconv[m == SGL_LWA_LIM1 ? 0 : 1] += 1;
        }
        if (st != SGL_OK) {
            snprintf(why, len, "%s (d=%zu, n=%zu, draw %u): %s", sgl_lwa_method_names[m], d, n, r, err.msg);
            rc = -1;
            break;
        }
        for (size_t j = 0; j < d; ++j) w[j] = u[j] * u[j] - v[j] * v[j];
        err_out[m] = rel_err(w, D->wstar, d);
    }
    if (rc == 0) {
        /* GLPK keeps per-thread state only when built with TLS; LAPACK may use
         * CPU-specific kernels: one solve at a time */
        sgl_status s1, s2 = SGL_OK;
#pragma omp critical(sgl_lwa_solvers)
        {
            s1 = mask >> SGL_LWA_L1 & 1u ? sgl_min_l1_interpolator(D->Z, D->ld, n, d, D->y, NULL, w, &err) : SGL_OK;
            if (s1 == SGL_OK && mask >> SGL_LWA_L1 & 1u) err_out[SGL_LWA_L1] = rel_err(w, D->wstar, d);
            if (s1 == SGL_OK && mask >> SGL_LWA_WL1 & 1u) {
                s1 = sgl_min_l1_interpolator(D->Z, D->ld, n, d, D->y, D->colsq, w, &err);
                if (s1 == SGL_OK) err_out[SGL_LWA_WL1] = rel_err(w, D->wstar, d);
            }
            if (s1 == SGL_OK && mask >> SGL_LWA_L2 & 1u) s2 = sgl_min_l2_interpolator(D->Z, D->ld, n, d, D->y, w, &err);
            if (s1 == SGL_OK && s2 == SGL_OK && mask >> SGL_LWA_L2 & 1u) err_out[SGL_LWA_L2] = rel_err(w, D->wstar, d);
        }
        if (s1 != SGL_OK || s2 != SGL_OK) {
            snprintf(why, len, "%s (d=%zu, n=%zu, draw %u): %s", s1 ? "min-l1" : "min-l2", d, n, r, err.msg);
            rc = -1;
        }
    }
out:
    sgl_free(u), sgl_free(v), sgl_free(w);
    sgl_data_free(D);
    return rc;
}

/* label-noise SGD for all R draws of one (d, n) as one ensemble run
 * (sgl_record_run, kept in *rec for the store): trajectory r gets data draw r,
 * the same draw one_draw uses */
static int sgd_cell(size_t d, size_t n, uint64_t seed, uint32_t R, int threads, uint64_t steps, sgl_lwa_cell *c,
                    sgl_spec *s, sgl_record *rec, char *why, size_t len)
{
    sgl_spec_defaults(s);
    s->model = "diagnet";
    s->noise = "label";
    s->data = data_spec(d, n);
    s->data_draw = SGL_DRAW_PER_SEED;
    s->alpha = 1.0;
    s->delta = 1.0;
    s->batch = 1;
    s->lr = 1e-3;
    s->steps = steps;
    s->every = steps;
    s->seeds = R;
    s->seed = seed;
    sgl_err err = {{0}, {0}};
    sgl_status st = sgl_record_run(s, threads, rec, &err);
    if (st != SGL_OK) {
        snprintf(why, len, "label-SGD (d=%zu, n=%zu): %s", d, n, err.msg[0] ? err.msg : sgl_strerror(st));
        return -1;
    }
    const sgl_results *res = rec->res;
    size_t ob = (size_t)-1;
    for (size_t i = 0; i < rec->n_obs; ++i)
        if (strcmp(rec->obs[i]->name, "test_error") == 0) ob = i;
    c->run[SGL_LWA_SGD] = (int)R;
    for (uint32_t r = 0; r < R && ob != (size_t)-1; ++r) {
        double e2 = res->series[((size_t)r * res->n_log + (res->n_log - 1)) * res->n_obs + ob];
        double e = sqrt(e2 / SGL_LWA_KAPPA);   /* |w*|^2 = kappa */
        if (!isfinite(e)) e = INFINITY;   /* diverged: a failure */
        c->succ[SGL_LWA_SGD] += e < SGL_LWA_SUCCESS_TOL;
        c->err_sum[SGL_LWA_SGD] += e;
    }
    return ob == (size_t)-1 ? (snprintf(why, len, "test_error observable missing"), -1) : 0;
}

static sgl_lwa_threshold find_threshold(const size_t *grid, size_t ngrid, const sgl_lwa_cell *cells, int m, uint32_t R)
{
    sgl_lwa_threshold t = {NAN, NAN, 2};
    double prev_p = NAN;
    size_t prev_n = 0;
    int any = 0;
    for (size_t k = 0; k < ngrid; ++k) {
        const sgl_lwa_cell *c = &cells[k];
        if (c->run[m] <= 0) continue;
        double p = (double)c->succ[m] / (double)c->run[m];
        if (!any && p >= 0.5) {
            t.n_star = (double)grid[k], t.se = NAN, t.bound = -1;
            return t;
        }
        if (any && prev_p < 0.5 && p >= 0.5) {
            double slope = (p - prev_p) / (double)(grid[k] - prev_n);
            t.n_star = (double)prev_n + (0.5 - prev_p) / slope;
            t.se = sqrt(0.25 / (double)R) / slope;   /* binomial SE of p at 1/2, through the interpolation */
            t.bound = 0;
            return t;
        }
        any = 1, prev_p = p, prev_n = grid[k];
    }
    if (any) t.bound = 1, t.n_star = (double)prev_n;
    return t;
}

static sgl_lwa_fit fit_line(const double *x, const double *y, const double *se, size_t n)
{
    sgl_lwa_fit f = {0, NAN, NAN, NAN, NAN, n, NAN};
    if (n < 2) return f;
    double sy[SGL_LWA_MAX_DIMS] = {0};
    for (size_t i = 0; i < n; ++i) sy[i] = 1.0;
    sgl_wls_est e;
    sgl_err err;
    if (sgl_est_wls(x, y, sy, n, &e, &err) != SGL_OK) return f;
    double my = 0, ss = 0;
    for (size_t i = 0; i < n; ++i) my += y[i] / (double)n;
    for (size_t i = 0; i < n; ++i) ss += (y[i] - my) * (y[i] - my);
    f.ok = 1, f.slope = e.slope, f.slope_se = n > 2 ? e.slope_se : NAN, f.intercept = e.intercept;
    f.r2 = ss > 0 ? 1.0 - e.chi2 / ss : NAN;
    /* the law against the thresholds' own SEs (weighted): a chi2 on n - 2 degrees of freedom */
    int have_se = n > 2;
    for (size_t i = 0; i < n; ++i) have_se &= isfinite(se[i]) && se[i] > 0;
    if (have_se && sgl_est_wls(x, y, se, n, &e, &err) == SGL_OK) f.chi2 = e.chi2;
    return f;
}

/* every (n, draw) task of the non-SGD methods at dimension i, in parallel; each task writes only its own slot, so
 * results do not depend on the thread count */
static sgl_status run_draws_d(const sgl_exp_settings *o, sgl_lwa_result *r, size_t i, sgl_err *err)
{
    const uint32_t R = r->draws;
    const size_t ntask = r->ngrid[i] * R, d = r->d[i];
    double *errs = sgl_malloc_array(ntask, SGL_LWA_N * sizeof *errs);
    int *unconv = sgl_calloc(2 * ntask, sizeof *unconv);   /* limit runs stopped at t = 5000, per task */
    if (!errs || !unconv) {
        sgl_free(errs), sgl_free(unconv);
        return SGL_ENOMEM;
    }
    int failed = 0;
    char fail_why[512] = "";
#pragma omp parallel for schedule(dynamic, 1) num_threads(r->threads)
    for (size_t q = 0; q < ntask; ++q) {
        if (failed) continue;
        const size_t n = r->n[i][q / R];
        char w2[512];
        if (one_draw(d, n, o->seed, (uint32_t)(q % R), methods_at(d, n), errs + q * SGL_LWA_N, unconv + 2 * q, w2,
                     sizeof w2)) {
#pragma omp critical(sgl_lwa_fail)
            if (!failed) failed = 1, snprintf(fail_why, sizeof fail_why, "%s", w2);
        }
    }
    for (size_t q = 0; q < ntask && !failed; ++q) {
        sgl_lwa_cell *c = &r->cell[i][q / R];
        for (int m = 0; m < SGL_LWA_N; ++m) {
            double e = errs[q * SGL_LWA_N + m];
            if (m == SGL_LWA_SGD || isnan(e)) continue;
            c->run[m] += 1;
            c->succ[m] += e < SGL_LWA_SUCCESS_TOL;
            c->err_sum[m] += e;
        }
    }
    for (size_t z = 0; z < ntask; ++z) r->unconverged[0] += unconv[2 * z], r->unconverged[1] += unconv[2 * z + 1];
    sgl_free(errs);
    sgl_free(unconv);
    return failed ? sgl_fail(err, SGL_EINVAL, "lwa-sparse", "%s", fail_why) : SGL_OK;
}

static void thresholds_and_fits(sgl_lwa_result *r)
{
    for (int m = 0; m < SGL_LWA_N; ++m) {
        double xk[SGL_LWA_MAX_DIMS], xd[SGL_LWA_MAX_DIMS], y[SGL_LWA_MAX_DIMS], se[SGL_LWA_MAX_DIMS];
        size_t np = 0;
        for (size_t i = 0; i < r->nd; ++i) {
            r->th[m][i] = find_threshold(r->n[i], r->ngrid[i], r->cell[i], m, r->draws);
            if (r->th[m][i].bound == 0) {
                xk[np] = SGL_LWA_KAPPA * log((double)r->d[i]), xd[np] = (double)r->d[i], y[np] = r->th[m][i].n_star;
                se[np] = r->th[m][i].se;
                ++np;
            }
        }
        r->fit_kappa_ln_d[m] = fit_line(xk, y, se, np);
        r->fit_d[m] = fit_line(xd, y, se, np);
    }
}

sgl_status sgl_lwa_dims_check(const size_t *dims, size_t nd, sgl_err *err)
{
    if (nd < 2 || nd > SGL_LWA_MAX_DIMS)
        return sgl_fail(err, SGL_EINVAL, "--dims", "give 2 to %d values of d, got %zu", SGL_LWA_MAX_DIMS, nd);
    for (size_t i = 0; i < nd; ++i) {
        if (dims[i] < 20 || dims[i] > SGL_LWA_D_MAX)
            return sgl_fail(err, SGL_EINVAL, "--dims", "each d must be in [20, %d], got %zu", SGL_LWA_D_MAX, dims[i]);
        if (i && dims[i] <= dims[i - 1])
            return sgl_fail(err, SGL_EINVAL, "--dims", "values must increase, got %zu after %zu", dims[i], dims[i - 1]);
    }
    return SGL_OK;
}

sgl_status sgl_exp_lwa_sparse_dims(const sgl_exp_settings *o, const size_t *dims, size_t nd, sgl_lwa_result *r,
                                   sgl_err *err)
{
    memset(r, 0, sizeof *r);
    static const size_t dims_full[3] = {100, 200, 400}, dims_quick[2] = {40, 80};
    if (!dims) dims = o->quick ? dims_quick : dims_full, nd = o->quick ? 2 : 3;
    sgl_status st = sgl_lwa_dims_check(dims, nd, err);
    if (st != SGL_OK) return st;
    r->draws = o->count ? o->count : o->quick ? 6 : 20;
    r->threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    r->nd = nd;
    const size_t sgd_d = o->quick ? 40 : 100;
    const uint64_t sgd_steps = o->quick ? 300000 : 3000000;
    for (size_t i = 0; i < r->nd; ++i) {
        r->d[i] = dims[i];
        r->ngrid[i] = build_grid(r->d[i], o->quick, r->n[i]);
    }
    double t0 = omp_get_wtime();
    for (size_t i = 0; i < r->nd; ++i) {
        double t1 = omp_get_wtime();
        if ((st = run_draws_d(o, r, i, err)) != SGL_OK) return st;
        sgl_exp_progress(o, omp_get_wtime() - t1, "d=%zu: limits, GD and interpolators", r->d[i]);
    }
    /* label-noise SGD at one d, n up to the limit cap */
    for (size_t i = 0; i < r->nd; ++i) {
        if (r->d[i] != sgd_d) continue;
        for (size_t k = 0; k < r->ngrid[i]; ++k) {
            if (r->n[i][k] > limit_cap(r->d[i])) continue;
            char why[512];
            double t1 = omp_get_wtime();
            if (sgd_cell(r->d[i], r->n[i][k], o->seed, r->draws, r->threads, sgd_steps, &r->cell[i][k],
                         &r->sgd_spec[i][k], &r->sgd_rec[i][k], why, sizeof why))
                return sgl_fail(err, SGL_EINVAL, "lwa-sparse", "%s", why);
            sgl_exp_progress(o, omp_get_wtime() - t1, "label-SGD d=%zu n=%zu", r->d[i], r->n[i][k]);
        }
    }
    r->seconds = omp_get_wtime() - t0;
    thresholds_and_fits(r);
    return SGL_OK;
}

sgl_status sgl_exp_lwa_sparse(const sgl_exp_settings *o, sgl_lwa_result *r, sgl_err *err)
{
    return sgl_exp_lwa_sparse_dims(o, NULL, 0, r, err);
}

void sgl_lwa_result_free(sgl_lwa_result *r)
{
    for (size_t i = 0; i < SGL_LWA_MAX_DIMS; ++i)
        for (size_t k = 0; k < SGL_LWA_MAX_GRID; ++k) sgl_record_clear(&r->sgd_rec[i][k]);
    memset(r, 0, sizeof *r);
}
