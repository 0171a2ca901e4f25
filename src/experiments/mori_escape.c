/* sgl_exp_mori_escape: Mori, Ziyin, Liu, Ueda, "Power-law escape rate of SGD"
 * (THEORY.md 5; checks M1-M4):
 *   (a) at equal linear barrier Delta L = a = 1, the escape time of the double
 *       well L0 + (theta^2 - 1)^2 under Mori's noise against L^s/L* = 1 + 1/L0:
 *       simulation (censored MLE / bootstrap, 95% CIs), Mori's Eq. 16, frozen-
 *       noise Arrhenius and the exact quadrature, with a WLS fit of the
 *       power-law exponent;
 *   (b) the n-dependence of Eq. 17 (M4), and (b2) its rare regime: B/eta =
 *       40, L0 = 0.05 (L^s/L* = 21) for n = 1 .. n_c - 1 = 11, by splitting
 *       where direct simulation is beyond the budget;
 *   (c) the stationary exponent phi against 1 + B/(eta h*) (M1), SDE and
 *       discrete Gaussian-noise SGD;
 *   (d) true minibatch SGD on Gaussian linear regression, where THEORY 5.7
 *       expects a deviation: the fitted phi.
 * Times are GD time t = eta k.  Rendering: cli/reproduce_mori.c. */
#include "experiments.h"
#include "../plan.h"   /* (d): the plan's data, observables and logged steps */

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

/* the double well (n = 1) or n-D Mori well under Mori noise, exit at the next minimum */
static sgl_exp_setting well(double L0, double Be, unsigned n, double dt)
{
    sgl_exp_setting x = {n == 1 ? "doublewell" : "moriwell", L0, 1, n, SGL_ESC_MORI, Be, 0, 0, dt,
                         SGL_ESC_EV_NEXT_MIN, 0};
    return x;
}

static sgl_status simulate(const sgl_exp_settings *o, const sgl_exp_setting *x, double T, double budget, uint32_t M0,
                           uint64_t seed, sgl_exp_escape_cell *c, sgl_err *err)
{
    uint32_t M;
    double tm;
    if (!sgl_exp_plan_budget(T, x->step, budget, M0, &M, &tm)) return SGL_OK;
    sgl_escape_spec e;
    sgl_exp_escape_spec(x, M, tm, seed, o->threads, &e);
    return sgl_exp_escape_simulate(&e, o->seed, c, err);
}

/* (a) a row direct simulation does not reach: adaptive multilevel splitting
 * (default options; t_max 1e4 caps each loop and excursion) and the direct
 * cost it replaces; a failure (the escape not rare) leaves it theory only */
static void row_a_ams(const sgl_exp_settings *o, const sgl_exp_setting *x, uint64_t seed, sgl_mori_row_a *r)
{
    sgl_escape_spec e;
    sgl_exp_escape_spec(x, 1, 1e4, seed, o->threads, &e);
    e.method = SGL_ESC_METHOD_AMS;
    sgl_err e2 = {{0}, {0}};   /* not rare (a tiny --trajectories budget) or no levels: the row stays theory only */
    if (sgl_escape_ams(&e, &e.ams, &r->ams, &e2) != SGL_OK) return;
    r->ams_run = 1;
    const double rel = r->ams.mfpt_se / r->ams.mfpt;
    r->ams_brute_steps = r->exact / x->step / (rel * rel);
    sgl_exp_progress(o, r->ams.seconds, "(a) B/eta=%g L0=%g (splitting)", r->B_over_eta, r->L0);
}

/* (a) one row: the theory, and the simulation unless quick skips it or it is beyond the budget */
static sgl_status row_a(const sgl_exp_settings *o, sgl_mori_result *R, int i, uint32_t M0, sgl_err *err)
{
    static const double series_L0[] = {1.0, 0.5, 0.2, 0.1, 0.05};
    static const double grid[][2] = {{40, 0.5}, {40, 0.2}, {40, 0.1}, {40, 0.05}, {80, 0.5}, {80, 0.2}};
    sgl_mori_row_a *r = &R->a[i];
    r->series = i < 5;
    r->B_over_eta = i < 5 ? 16.0 : grid[i - 5][0];
    r->L0 = i < 5 ? series_L0[i] : grid[i - 5][1];
    sgl_exp_setting x = well(r->L0, r->B_over_eta, 1, R->dt);
    sgl_escape_spec e;
    sgl_exp_escape_spec(&x, 0, 0, 0, o->threads, &e);
    r->ratio = 1.0 + 1.0 / r->L0;
    r->exact = sgl_exp_theory(&e, "exact_mfpt");
    r->saddle = sgl_exp_theory(&e, "exact_mfpt_saddle");
    r->mori = sgl_exp_theory(&e, "mori_mfpt");
    r->arrhenius = sgl_exp_theory(&e, "arrhenius_frozen_mfpt");
    r->validity = sgl_exp_theory(&e, "validity_dU_over_T");
    sgl_exp_setting g = x;   /* GLD: isotropic noise frozen at L*, D = eta h* L* / B */
    g.noise = SGL_ESC_ISOTROPIC;
    g.D = 8.0 * r->L0 / r->B_over_eta;
    sgl_exp_escape_spec(&g, 0, 0, 0, o->threads, &e);
    r->gld = sgl_exp_theory(&e, "exact_mfpt");
    sgl_status st = SGL_OK;
    r->quick_skip = o->quick && i >= 5;
    if (!r->quick_skip) st = simulate(o, &x, r->exact, R->budget, M0, o->seed + (uint64_t)i, &r->sim, err);
    if (st == SGL_OK && r->sim.simulated)
        sgl_exp_progress(o, r->sim.seconds, "(a) B/eta=%g L0=%g", r->B_over_eta, r->L0);
    if (st == SGL_OK && !r->sim.simulated) row_a_ams(o, &x, o->seed + 50 + (uint64_t)i, r);
    return st;
}

/* WLS of log MFPT against x over the simulated cells; 1 if >= 3 points fit */
static int fit_log_mfpt(const double *x, const sgl_exp_escape_cell *const *c, const double *exact, size_t n,
                        sgl_wls_est *fit, sgl_wls_est *fit_exact)
{
    double xs[SGL_MORI_NB], ys[SGL_MORI_NB], ss[SGL_MORI_NB], ye[SGL_MORI_NB];
    size_t nw = 0;
    for (size_t i = 0; i < n; ++i)
        if (c[i]->simulated && isfinite(c[i]->mfpt)) {
            xs[nw] = x[i];
            ys[nw] = log(c[i]->mfpt);
            ss[nw] = (log(c[i]->hi) - log(c[i]->lo)) / (2.0 * SGL_Z95);
            if (exact) ye[nw] = log(exact[i]);
            ++nw;
        }
    if (nw < 3 || sgl_est_wls(xs, ys, ss, nw, fit, NULL) != SGL_OK) return 0;
    return !exact || sgl_est_wls(xs, ye, NULL, nw, fit_exact, NULL) == SGL_OK;
}

/* (b2) the rare n-series: direct simulation where a tenth of the budget allows it (n >= 9; larger budgets
 * only buy heavily censored runs), else splitting (default options, t_max 1e4 caps each loop and excursion);
 * --quick: no splitting (as fast as before).  Step 0.002: Euler-Maruyama's O(dt) bias grows with n here
 * (tests/test_ams_nd.c: 0.83 of Eq. 17 at n = 7 for dt = 0.003). */
static sgl_status part_b2(const sgl_exp_settings *o, sgl_mori_result *R, uint32_t M0, sgl_err *err)
{
    R->dt_b2 = 0.002;
    for (unsigned n = 1; n <= SGL_MORI_NB2; ++n) {
        sgl_mori_row_b *r = &R->b2[n - 1];
        r->n = n;
        sgl_exp_setting xw = well(0.05, 40.0, n, R->dt_b2);
        sgl_escape_spec e;
        sgl_exp_escape_spec(&xw, 0, 0, 0, o->threads, &e);
        r->mori = sgl_exp_theory(&e, "mori_mfpt");
        r->validity = sgl_exp_theory(&e, "validity_dU_over_T");
        r->exact = n == 1 ? sgl_exp_theory(&e, "exact_mfpt") : NAN;
        sgl_status st = simulate(o, &xw, r->mori, R->budget / (10.0 * n), M0, o->seed + 400 + n, &r->sim, err);
        if (st != SGL_OK) return st;
        if (r->sim.simulated) {
            sgl_exp_progress(o, r->sim.seconds, "(b2) n=%u", n);
            continue;
        }
        r->quick_skip = o->quick;
        if (r->quick_skip) continue;
        sgl_exp_escape_spec(&xw, 1, 1e4, o->seed + 450 + n, o->threads, &e);
        e.method = SGL_ESC_METHOD_AMS;
        sgl_err e2 = {{0}, {0}};   /* not rare or no levels: the row stays theory only */
        if (sgl_escape_ams(&e, &e.ams, &r->ams, &e2) != SGL_OK) continue;
        r->ams_run = 1;
        const double rel = r->ams.mfpt_se / r->ams.mfpt;
        r->ams_brute_steps = r->ams.mfpt / R->dt_b2 / (rel * rel);
        sgl_exp_progress(o, r->ams.seconds, "(b2) n=%u (splitting)", n);
    }
    return SGL_OK;
}

static sgl_status part_ab(const sgl_exp_settings *o, sgl_mori_result *R, uint32_t M0, sgl_err *err)
{
    sgl_status st;
    for (int i = 0; i < SGL_MORI_NA; ++i)
        if ((st = row_a(o, R, i, M0, err)) != SGL_OK) return st;
    double x[5], ex[5];
    const sgl_exp_escape_cell *c[SGL_MORI_NB];
    for (int i = 0; i < 5; ++i) x[i] = log(R->a[i].ratio), ex[i] = R->a[i].exact, c[i] = &R->a[i].sim;
    R->have_fit_a = fit_log_mfpt(x, c, ex, 5, &R->fit_a, &R->fit_a_exact);
    const double Be_b = 24.0, L0_b = 0.2;
    for (unsigned n = 1; n <= SGL_MORI_NB; ++n) {
        sgl_mori_row_b *r = &R->b[n - 1];
        r->n = n;
        sgl_exp_setting xw = well(L0_b, Be_b, n, R->dt);
        sgl_escape_spec e;
        sgl_exp_escape_spec(&xw, 0, 0, 0, o->threads, &e);
        r->mori = sgl_exp_theory(&e, "mori_mfpt");
        r->validity = sgl_exp_theory(&e, "validity_dU_over_T");
        r->exact = n == 1 ? sgl_exp_theory(&e, "exact_mfpt") : NAN;
        if (o->quick && n > 3) continue;
        if ((st = simulate(o, &xw, r->mori, R->budget / n, M0, o->seed + 100 + n, &r->sim, err)) != SGL_OK) return st;
        if (r->sim.simulated) sgl_exp_progress(o, r->sim.seconds, "(b) n=%u", n);
    }
    double xb[SGL_MORI_NB];
    for (int i = 0; i < SGL_MORI_NB; ++i) xb[i] = R->b[i].n, c[i] = &R->b[i].sim;
    R->have_fit_b = fit_log_mfpt(xb, c, NULL, SGL_MORI_NB, &R->fit_b, NULL);
    return part_b2(o, R, M0, err);
}

/* (c) stationary exponent on the quadratic well L = 1/2 + theta^2/2 under Mori noise:
 * the loss at t_max of trajectories that never meet an event */
static sgl_status part_c(const sgl_exp_settings *o, sgl_mori_result *R, uint32_t M0, sgl_err *err)
{
    static const double Bes[3] = {5, 10, 20};
    for (int i = 0; i < SGL_MORI_NC; ++i) {
        sgl_mori_row_phi *r = &R->c[i];
        const int sgd = i >= 3;
        const double Be = Bes[i % 3], eta = 0.05;
        r->dynamics = sgd ? "Gaussian-noise SGD" : "SDE (Euler-Maruyama)";
        r->B_over_eta = Be;
        r->step = sgd ? eta : 0.01;
        r->theory = 1.0 + Be;
        r->theory_disc = sgd ? 1.0 + Be * (1.0 - 0.5 * eta) : NAN;
        sgl_exp_setting x = {"quadratic", 0.5, 1, 1, SGL_ESC_MORI, Be, 0, sgd, r->step, SGL_ESC_EV_NONE, 0};
        sgl_escape_spec e;
        sgl_exp_escape_spec(&x, o->quick ? 400 : 4 * M0, 40.0, o->seed + 200 + (uint64_t)i, o->threads, &e);
        double t0 = omp_get_wtime();
        sgl_status st = sgl_exp_escape_simulate(&e, o->seed, &r->sim, err);
        if (st != SGL_OK) return st;
        const sgl_escape_results *so = r->sim.rec.esc;
        sgl_phi_est f;
        double Lmin = 0.5;
        for (size_t k = 0; k < so->M; ++k)
            if (so->L[k] < Lmin) Lmin = so->L[k];
        sgl_err e2;
        if (sgl_est_phi_quadratic(so->L, so->M, Lmin, 1, &f, &e2) == SGL_OK) {
            r->phi = f.phi, r->se = f.se, r->samples = f.n_used, r->ok = 1;
        } else
            snprintf(r->why, sizeof r->why, "%.200s", e2.msg);
        r->seconds = omp_get_wtime() - t0;
    }
    return SGL_OK;
}

/* (d) true minibatch SGD on Gaussian linear regression through the run engine:
 * L samples every 100 steps after a burn-in, phi by the quadratic-well MLE */
static int part_d_phi(const sgl_exp_settings *o, size_t B, double eta, sgl_mori_row_phi *r)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = "linreg";
    s.noise = "minibatch";
    s.data.input = SGL_INPUT_GAUSSIAN;
    s.data.truth = SGL_TRUTH_ONES;
    s.data.d = 1;
    s.data.n = o->quick ? 10000 : 100000;
    s.data.kappa = 0;             /* w* = 0: y = label noise ~ N(0, 1), independent of x (THEORY 5.6 E3) */
    s.data.label_noise = 1.0;
    s.data.n_test = 0;
    s.data_draw = SGL_DRAW_SHARED;
    s.a = 0.5;
    s.alpha = 0.0;
    s.batch = B;
    s.with_replacement = 0;
    s.lr = eta;
    const uint64_t burn = 2000, every = 100, n_per = o->quick ? 500 : 2500;
    s.steps = burn + every * n_per;
    s.every = every;
    s.seeds = 4;
    s.seed = o->seed;
    s.bound = 1e6;
    sgl_plan *p = NULL;
    sgl_results *res = NULL;
    sgl_err err;
    double t0 = omp_get_wtime();
    sgl_status st = sgl_plan_alloc(&s, &p, &err);
    if (st == SGL_OK) st = sgl_results_alloc(p, &res);
    if (st == SGL_OK) st = sgl_plan_execute(p, o->threads, res);
    if (st != SGL_OK) {
        snprintf(r->why, sizeof r->why, "%.60s: %.180s", err.field, err.msg);
        sgl_results_free(res); sgl_plan_free(p);
        return -1;
    }
    /* L* and h from the data: theta_ls = sum zy / sum z^2, h = mean z^2 (a = 1/2) */
    const sgl_data *D = p->data[0];
    double szz = 0, szy = 0;
    for (size_t i = 0; i < D->n; ++i) { double z = D->Z[i * D->ld]; szz += z * z; szy += z * D->y[i]; }
    double th = szy / szz, Ls = 0, h = szz / (double)D->n;
    for (size_t i = 0; i < D->n; ++i) { double rr = D->Z[i * D->ld] * th - D->y[i]; Ls += 0.5 * rr * rr; }
    Ls /= (double)D->n;
    size_t ob = (size_t)-1;
    for (size_t k = 0; k < p->n_obs; ++k) if (strcmp(p->obs[k]->name, "train_loss") == 0) ob = k;
    double *L = sgl_malloc_array((size_t)s.seeds * p->n_log, sizeof *L);
    size_t n = 0;
    double Lmin = Ls;
    for (uint32_t t = 0; t < s.seeds && L && ob != (size_t)-1; ++t)
        for (size_t l = 0; l < p->n_log; ++l) {
            if (p->log_steps[l] < burn) continue;
            double x = res->series[((size_t)t * res->n_log + l) * res->n_obs + ob];
            if (isfinite(x)) { L[n++] = x; if (x < Lmin) Lmin = x; }
        }
    sgl_phi_est f;
    st = L && n > 2 ? sgl_est_phi_quadratic(L, n, Lmin, 1, &f, &err) : SGL_EINVAL;
    sgl_free(L);
    sgl_results_free(res); sgl_plan_free(p);
    if (st != SGL_OK) { snprintf(r->why, sizeof r->why, "phi fit failed"); return -1; }
    r->dynamics = "true minibatch SGD";
    r->B_over_eta = (double)B / eta; r->step = eta;
    r->phi = f.phi; r->se = f.se; r->samples = n;
    r->theory = 1.0 + (double)B / (eta * h);
    r->theory_disc = 2.0 + (double)B / eta;    /* THEORY 5.7 phi_core for true SGD */
    r->seconds = omp_get_wtime() - t0;
    r->ok = 1;
    (void)Ls;
    return 0;
}

/* the theory's population limit of (d)'s first passage: the quadratic well L = 1/2 + theta^2/2, exit
 * L >= c L*, step 0.1, B = 1 (the escape-spec translation has no model of a drawn data set) */
static double fp_theory(double c, sgl_theory_noise noise)
{
    sgl_theory_problem p;
    memset(&p, 0, sizeof p);
    p.landscape = SGL_TL_QUADRATIC; p.L0 = 0.5; p.h = 1.0; p.n = 1; p.eta = 0.1;
    p.event = SGL_TE_LOSS_RATIO; p.c = c;
    p.noise = noise; p.B_over_eta = 10.0; p.D = 0.05;
    sgl_prediction pr[64];
    size_t n = 0;
    if (sgl_theory_predict(&p, pr, 64, &n, NULL) != SGL_OK) return NAN;
    for (size_t i = 0; i < n; ++i)
        if (strcmp(pr[i].name, "exact_mfpt") == 0) return pr[i].value;
    return NAN;
}

/* one first passage of (d) on the engine's linreg landscape (N samples, exact minibatch noise, B = 1,
 * eta = 0.1) from theta*; a failure is kept in R->fp_why */
static int fp_simulate(const sgl_exp_settings *o, sgl_mori_result *R, sgl_escape_dynamics dyn, double dt, double c,
                       uint32_t M, double t_max, uint64_t seed, sgl_exp_escape_cell *cell)
{
    sgl_escape_spec e;
    sgl_escape_spec_default(&e);
    e.landscape = "linreg";
    e.lp.n_data = R->fp_n_data;
    e.noise = SGL_ESC_DATA;
    e.batch = 1;
    e.eta = 0.1;
    e.dynamics = dyn;
    e.dt = dt;
    e.event = SGL_ESC_EV_LOSS;
    e.c = c;
    e.start = SGL_ESC_START_MIN;
    e.trajectories = M;
    e.t_max = t_max;
    e.seed = seed;
    e.threads = o->threads;
    sgl_err err = {{0}, {0}};
    if (sgl_exp_escape_simulate(&e, o->seed, cell, &err) == SGL_OK) return 0;
    snprintf(R->fp_why, sizeof R->fp_why, "escape engine: %.60s: %.300s", err.field, err.msg);
    return -1;
}

/* (d) first passage to L >= c L* (c = 1.5, 2, 3; quick: the first two simulated): true minibatch SGD,
 * and the same exact minibatch noise as an SDE (validates the quadrature) and as Gaussian-noise SGD with
 * step 0.1 (isolates the discreteness), against the population limit's quadratures */
static void part_d_fp(const sgl_exp_settings *o, sgl_mori_result *R, uint32_t M0)
{
    static const double cs[] = {1.5, 2.0, 3.0};
    R->fp_n_data = o->quick ? 10000 : 100000;
    for (int i = 0; i < 3; ++i) {
        sgl_mori_row_fp *r = &R->fp[i];
        r->c = cs[i];
        r->ideal = fp_theory(cs[i], SGL_TN_MORI);
        r->gld = fp_theory(cs[i], SGL_TN_ISOTROPIC);
        r->data = fp_theory(cs[i], SGL_TN_DATA);
    }
    for (int i = 0; i < (o->quick ? 2 : 3); ++i) {
        sgl_mori_row_fp *r = &R->fp[i];
        uint32_t M, Ms;
        double tm, tms;
        if (!sgl_exp_plan_budget(r->data, 0.1, R->budget, M0, &M, &tm)) continue;
        if (fp_simulate(o, R, SGL_ESC_MINIBATCH, 0, r->c, M, 3.0 * tm, o->seed + 300 + (uint64_t)i, &r->s) != 0)
            return;
        if (sgl_exp_plan_budget(r->data, 0.001, R->budget, M0, &Ms, &tms) &&
            fp_simulate(o, R, SGL_ESC_SDE, 0.001, r->c, Ms, tms, o->seed + 310 + (uint64_t)i, &r->sde) != 0)
            return;
        if (fp_simulate(o, R, SGL_ESC_SGD, 0, r->c, M, 3.0 * tm, o->seed + 320 + (uint64_t)i, &r->gsgd) != 0) return;
    }
}

sgl_status sgl_exp_mori_escape(const sgl_exp_settings *o, sgl_mori_result *r, sgl_err *err)
{
    memset(r, 0, sizeof *r);
    const uint32_t M0 = o->count ? o->count : o->quick ? 200 : 1000;
    r->dt = 0.005;                          /* Euler-Maruyama step in t: h* dt = 0.04 */
    r->budget = o->quick ? 4e6 : 4e8;       /* trajectory-steps per simulated setting */
    double t_all = omp_get_wtime();
    sgl_status st = part_ab(o, r, M0, err);
    if (st == SGL_OK) st = part_c(o, r, M0, err);
    for (int i = 0; i < SGL_MORI_ND && st == SGL_OK; ++i)
        if (part_d_phi(o, (size_t)(i + 1), 0.1, &r->d[i]) != 0)
            st = sgl_fail(err, SGL_EINVAL, "(d)", "%s", r->d[i].why);
    if (st == SGL_OK) part_d_fp(o, r, M0);
    r->seconds = omp_get_wtime() - t_all;
    return st;
}

void sgl_mori_result_free(sgl_mori_result *r)
{
    for (int i = 0; i < SGL_MORI_NA; ++i) sgl_exp_escape_cell_free(&r->a[i].sim);
    for (int i = 0; i < SGL_MORI_NB; ++i) sgl_exp_escape_cell_free(&r->b[i].sim);
    for (int i = 0; i < SGL_MORI_NB2; ++i) sgl_exp_escape_cell_free(&r->b2[i].sim);
    for (int i = 0; i < SGL_MORI_NC; ++i) sgl_exp_escape_cell_free(&r->c[i].sim);
    for (int i = 0; i < 3; ++i) {
        sgl_exp_escape_cell_free(&r->fp[i].s);
        sgl_exp_escape_cell_free(&r->fp[i].sde);
        sgl_exp_escape_cell_free(&r->fp[i].gsgd);
    }
    memset(r, 0, sizeof *r);
}
