/* sgl_exp_exponential_escape: the large-deviation content of Ibayashi-Imaizumi
 * (THEORY.md 6.3, 7.2-7.4, 7.5, check X1) that can be tested without the
 * paper text:
 *   (1) log E[nu] is linear in B/eta with slope = the Freidlin-Wentzell
 *       quasi-potential barrier, computed independently by the geometric
 *       minimum action method (2-D Mori well; Mori noise SDE and discrete
 *       Gaussian-noise SGD; isotropic noise frozen at L*);
 *   (2) nu / E[nu] -> Exp(1): KS test with a parametric-bootstrap p-value and
 *       the Kaplan-Meier survival curve;
 *   (3) the same rate from a start at theta* and after a quasi-stationary
 *       burn-in conditioned on no exit;
 *   (4) sharpness k (theta -> sqrt(k) theta: Hessian x k, barrier unchanged):
 *       SGD-type noise Sigma = H(theta*)/B gives log E nu linear in 1/k, while
 *       isotropic noise gives E nu ~ 1/k (polynomial); SDE and discrete SGD.
 * Times in GD time t = eta k.  Rendering: cli/reproduce_expesc.c. */
#include "experiments.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#define L0_ 0.5

/* 2-D Mori well L = L0 + (z1^2 - 1)^2 + 4 z2^2 (a = 1, h* = 8) for the minimum action */
typedef struct { double L0; int frozen; } mam_ctx;
static double mw_L(const double *x, double L0) { double u = x[0] * x[0] - 1; return L0 + u * u + 4 * x[1] * x[1]; }
static void mam_drift(const double *x, double *b, const void *c)
{
    (void)c;
    b[0] = -4 * x[0] * (x[0] * x[0] - 1);
    b[1] = -8 * x[1];
}
static void mam_ainv(const double *x, double *ai, const void *c)
{
    const mam_ctx *m = c;
    double L = m->frozen ? m->L0 : mw_L(x, m->L0);
    ai[0] = ai[3] = 1.0 / (16.0 * L);    /* a = 2 h* L I */
    ai[1] = ai[2] = 0.0;
}

typedef struct { const char *label; int sgd; sgl_escape_noise noise; double step; const char *theory; } series;

static const double k_Bes[SGL_EXPESC_NB] = {16, 24, 32, 40, 48};
static const series k_S1[SGL_EXPESC_NS] = {{"Mori noise, SDE", 0, SGL_ESC_MORI, 0.005, "mori_mfpt"},
                                           {"Mori noise, discrete SGD", 1, SGL_ESC_MORI, 0.005, "mori_mfpt"},
                                           {"isotropic D = h* L*/(B/eta), SDE", 0, SGL_ESC_ISOTROPIC, 0.005,
                                            "kramers_mfpt"}};
static const double k_ks[SGL_EXPESC_NK] = {1, 1.5, 2, 3, 4};
static const series k_S4[SGL_EXPESC_NS] = {
    {"SGD-type Sigma = H*/B, SDE", 0, SGL_ESC_XIE_FROZEN, 0.005, "exact_mfpt"},
    {"SGD-type Sigma = H*/B, discrete SGD eta = 0.01", 1, SGL_ESC_XIE_FROZEN, 0.01, "exact_mfpt"},
    {"isotropic D = 0.125, SDE", 0, SGL_ESC_ISOTROPIC, 0.005, "exact_mfpt"}};

static sgl_status part1_ams(const sgl_exp_settings *o, int s, sgl_expesc_series *R, double *xw, double *yw,
                            double *sw, size_t nw);

/* (1) one series: theory and simulation at each B/eta, then the WLS slope */
static sgl_status part1(const sgl_exp_settings *o, int s, uint32_t M0, double budget, sgl_expesc_series *R,
                        sgl_err *err)
{
    const series *S = &k_S1[s];
    R->label = S->label;
    R->theory_name = S->theory;
    mam_ctx mc = {L0_, S->noise == SGL_ESC_ISOTROPIC};
    sgl_sde_nd sde = {2, mam_drift, mam_ainv, &mc};
    double xa[2] = {1, 0}, xs[2] = {0, 0};
    sgl_err e2;
    if (sgl_theory_min_action(&sde, xa, xs, 64, 1e-9, &R->barrier, NULL, &e2) != SGL_OK) R->barrier = NAN;
    R->barrier_closed = mc.frozen ? 1.0 / (8.0 * L0_) : log((L0_ + 1.0) / L0_) / 8.0;
    double xw[SGL_EXPESC_NB + SGL_EXPESC_NX], yw[SGL_EXPESC_NB + SGL_EXPESC_NX], sw[SGL_EXPESC_NB + SGL_EXPESC_NX];
    size_t nw = 0;
    for (int b = 0; b < SGL_EXPESC_NB; ++b) {
        sgl_exp_setting x = {"moriwell", L0_, 1, 2, S->noise, k_Bes[b], 8.0 * L0_ / k_Bes[b], S->sgd, S->step,
                             SGL_ESC_EV_NEXT_MIN, 0};
        sgl_escape_spec e;
        sgl_exp_escape_spec(&x, 0, 0, 0, o->threads, &e);
        R->x[b] = k_Bes[b];
        R->theory[b] = sgl_exp_theory(&e, S->theory);
        uint32_t M;
        double tm;
        if (o->quick && b > 2) continue;
        if (!sgl_exp_plan_budget(R->theory[b], S->step, budget, M0, &M, &tm)) continue;
        sgl_exp_escape_spec(&x, M, tm, o->seed + 10 * (uint64_t)s + (uint64_t)b, o->threads, &e);
        sgl_exp_escape_cell *c = &R->sim[b];
        sgl_status st = sgl_exp_escape_simulate(&e, o->seed, c, err);
        if (st != SGL_OK) return st;
        sgl_exp_progress(o, c->seconds, "(1) %s B/eta=%g", S->label, k_Bes[b]);
        if (isfinite(c->mfpt) && c->escaped > 0) {
            xw[nw] = k_Bes[b];
            yw[nw] = log(c->mfpt);
            sw[nw] = (log(c->hi) - log(c->lo)) / (2 * SGL_Z95);
            ++nw;
        }
    }
    R->have_fit = nw >= 3 && sgl_est_wls(xw, yw, sw, nw, &R->fit, NULL) == SGL_OK;
    return part1_ams(o, s, R, xw, yw, sw, nw);
}

/* (1) beyond direct simulation: splitting at B/eta = 64, 96, ... until the
 * theory's E[nu] passes 1e20 steps; then the slope over every point */
static sgl_status part1_ams(const sgl_exp_settings *o, int s, sgl_expesc_series *R, double *xw, double *yw,
                            double *sw, size_t nw)
{
    static const double Bx[SGL_EXPESC_NX] = {64, 96, 128, 192, 256, 320};
    const series *S = &k_S1[s];
    for (int j = 0; j < SGL_EXPESC_NX; ++j) {
        if (o->quick && (s > 0 || (j != 0 && j != 2))) continue;   /* quick: the Mori SDE at 64 and 128 */
        sgl_exp_setting x = {"moriwell", L0_, 1, 2, S->noise, Bx[j], 8.0 * L0_ / Bx[j], S->sgd, S->step,
                             SGL_ESC_EV_NEXT_MIN, 0};
        sgl_escape_spec e;
        sgl_exp_escape_spec(&x, 1, 1e4, o->seed + 900 + 10 * (uint64_t)s + (uint64_t)j, o->threads, &e);
        e.method = SGL_ESC_METHOD_AMS;
        const unsigned k = R->nx;
        R->x_ams[k] = Bx[j];
        R->theory_ams[k] = sgl_exp_theory(&e, S->theory);
        sgl_err e2 = {{0}, {0}};   /* a point splitting cannot estimate is left out, not fatal */
        if (sgl_escape_ams(&e, &e.ams, &R->ams[k], &e2) != SGL_OK) continue;
        R->nx++;
        sgl_exp_progress(o, R->ams[k].seconds, "(1) %s B/eta=%g (splitting)", S->label, Bx[j]);
        const sgl_ams_result *a = &R->ams[k];
        if (isfinite(a->mfpt) && a->mfpt > 0 && a->mfpt_ci[0] > 0) {
            xw[nw] = Bx[j];
            yw[nw] = log(a->mfpt);
            sw[nw] = (log(a->mfpt_ci[1]) - log(a->mfpt_ci[0])) / (2 * SGL_Z95);
            ++nw;
        }
        if (R->theory_ams[k] / S->step > 1e20) break;
    }
    R->have_fit_all = nw >= 3 && sgl_est_wls(xw, yw, sw, nw, &R->fit_all, NULL) == SGL_OK;
    return SGL_OK;
}

/* the exponential rate of the tail: trajectories alive at t0, times counted from t0 */
static sgl_status tail_rate(const sgl_escape_results *q, double t0, sgl_rate_est *tail)
{
    double *tt = sgl_malloc_array(q->M, sizeof *tt);
    int *ts = sgl_malloc_array(q->M, sizeof *ts);
    size_t nt = 0;
    sgl_err err;
    for (size_t i = 0; tt && ts && i < q->M; ++i)
        if (q->state[i] != SGL_FP_DIVERGED && q->t[i] > t0) {
            tt[nt] = q->t[i] - t0;
            ts[nt] = q->state[i];
            ++nt;
        }
    sgl_status st = tt && ts ? SGL_OK : SGL_ENOMEM;
    if (st != SGL_OK || sgl_est_rate(tt, ts, nt, 0.95, tail, &err) != SGL_OK) memset(tail, 0, sizeof *tail);
    sgl_free(tt);
    sgl_free(ts);
    return st;
}

/* (2) + (3): B/eta = 16 on the 2-D Mori well, SDE: KS and Kaplan-Meier from theta*,
 * and the rate after a quasi-stationary burn-in (t = 20) */
static sgl_status part23(const sgl_exp_settings *o, sgl_expesc_result *r, sgl_err *err)
{
    sgl_exp_setting x = {"moriwell", L0_, 1, 2, SGL_ESC_MORI, 16, 0, 0, 0.005, SGL_ESC_EV_NEXT_MIN, 0};
    sgl_escape_spec e;
    sgl_exp_escape_spec(&x, 0, 0, 0, o->threads, &e);
    const double T2 = sgl_exp_theory(&e, "mori_mfpt");
    r->burn_in = 20.0;
    r->t0 = 5.0;
    sgl_status st;
    for (int q = 0; q < 2; ++q) {
        sgl_exp_escape_spec(&x, o->quick ? 300 : 2000, 30.0 * T2, o->seed + 500 + (uint64_t)q, o->threads, &e);
        e.start = q ? SGL_ESC_START_BURN_IN : SGL_ESC_START_MIN;
        e.burn_in = q ? r->burn_in : 0.0;
        sgl_exp_escape_cell *c = &r->start[q];
        if ((st = sgl_exp_escape_simulate(&e, o->seed, c, err)) != SGL_OK) return st;
        const sgl_escape_results *so = c->rec.esc;
        r->rate[q] = c->rec.rate;
        if ((st = sgl_est_mfpt(so->t, so->state, so->M, 0.95, 1000, o->seed, &r->mfpt[q], err)) != SGL_OK) return st;
        sgl_exp_progress(o, so->seconds, "(2,3) start %s", q ? "quasi-stationary" : "theta*");
        if ((st = tail_rate(so, r->t0, &r->tail[q])) != SGL_OK) return st;
    }
    for (int q = 0; q < 2; ++q) {
        const sgl_escape_results *so = r->start[q].rec.esc;
        sgl_err e2;
        r->have_ks[q] = sgl_est_ks_exp(so->t, so->state, so->M, e.t_max, o->quick ? 199 : 999, o->seed, &r->ks[q],
                                       &e2) == SGL_OK;
    }
    const sgl_escape_results *qs = r->start[1].rec.esc;
    r->km_t = sgl_malloc_array(qs->M, 3 * sizeof(double));
    if (!r->km_t) return SGL_ENOMEM;
    r->km_S = r->km_t + qs->M;
    r->km_se = r->km_t + 2 * qs->M;
    sgl_err e3;
    if (sgl_est_km(qs->t, qs->state, qs->M, r->km_t, r->km_S, r->km_se, &r->km_n, &e3) != SGL_OK) r->km_n = 0;
    r->rate_ratio = r->rate[1].value / r->rate[0].value;
    r->rate_ratio_se = r->rate_ratio * sqrt(1.0 / (double)r->rate[0].escaped + 1.0 / (double)r->rate[1].escaped);
    r->tail_ratio = r->tail[1].value / r->tail[0].value;
    r->tail_ratio_se = r->tail_ratio * sqrt(1.0 / (double)r->tail[0].escaped + 1.0 / (double)r->tail[1].escaped);
    return SGL_OK;
}

/* (4) sharpness k on the 1-D double well, B/eta = 32, Delta L = 1 */
static sgl_status part4(const sgl_exp_settings *o, int s, uint32_t M0, double budget, sgl_expesc_series *R,
                        sgl_err *err)
{
    const series *S = &k_S4[s];
    R->label = S->label;
    R->theory_name = S->theory;
    double xw[SGL_EXPESC_NK], yw[SGL_EXPESC_NK], sw[SGL_EXPESC_NK], lw[SGL_EXPESC_NK];
    size_t nw = 0;
    for (int i = 0; i < SGL_EXPESC_NK; ++i) {
        const double step = S->sgd ? S->step : S->step / k_ks[i];   /* SDE: h* k dt = 0.04 */
        sgl_exp_setting x = {"doublewell", L0_, k_ks[i], 1, S->noise, 32, 0.125, S->sgd, step, SGL_ESC_EV_NEXT_MIN,
                             0};
        sgl_escape_spec e;
        sgl_exp_escape_spec(&x, 0, 0, 0, o->threads, &e);
        R->x[i] = k_ks[i];
        R->theory[i] = sgl_exp_theory(&e, S->theory);
        uint32_t M;
        double tm;
        if (o->quick && i > 2) continue;
        if (!sgl_exp_plan_budget(R->theory[i], step, budget, M0, &M, &tm)) continue;
        sgl_exp_escape_spec(&x, M, tm, o->seed + 700 + 10 * (uint64_t)s + (uint64_t)i, o->threads, &e);
        sgl_exp_escape_cell *c = &R->sim[i];
        sgl_status st = sgl_exp_escape_simulate(&e, o->seed, c, err);
        if (st != SGL_OK) return st;
        sgl_exp_progress(o, c->seconds, "(4) %s k=%g", S->label, k_ks[i]);
        if (isfinite(c->mfpt) && c->escaped > 0) {
            /* log(k MFPT): the Kramers prefactor 2 pi / |h^s| is ~ 1/k, so this isolates the exponent */
            xw[nw] = 1.0 / k_ks[i];
            lw[nw] = log(k_ks[i]);
            yw[nw] = log(k_ks[i] * c->mfpt);
            sw[nw] = (log(c->hi) - log(c->lo)) / (2 * SGL_Z95);
            ++nw;
        }
    }
    R->have_fit = nw >= 3 && sgl_est_wls(xw, yw, sw, nw, &R->fit, NULL) == SGL_OK &&
                  sgl_est_wls(lw, yw, sw, nw, &R->fit_log, NULL) == SGL_OK;
    return SGL_OK;
}

sgl_status sgl_exp_exponential_escape(const sgl_exp_settings *o, sgl_expesc_result *r, sgl_err *err)
{
    memset(r, 0, sizeof *r);
    const uint32_t M0 = o->count ? o->count : o->quick ? 200 : 1000;
    const double budget = o->quick ? 4e6 : 3e8;
    double t_all = omp_get_wtime();
    sgl_status st = SGL_OK;
    for (int s = 0; s < SGL_EXPESC_NS && st == SGL_OK; ++s) st = part1(o, s, M0, budget, &r->be[s], err);
    if (st == SGL_OK) st = part23(o, r, err);
    for (int s = 0; s < SGL_EXPESC_NS && st == SGL_OK; ++s) st = part4(o, s, M0, budget, &r->sharp[s], err);
    r->seconds = omp_get_wtime() - t_all;
    return st;
}

void sgl_expesc_result_free(sgl_expesc_result *r)
{
    for (int s = 0; s < SGL_EXPESC_NS; ++s)
        for (int b = 0; b < SGL_EXPESC_NB; ++b) {
            sgl_exp_escape_cell_free(&r->be[s].sim[b]);
            sgl_exp_escape_cell_free(&r->sharp[s].sim[b]);
        }
    for (int q = 0; q < 2; ++q) sgl_exp_escape_cell_free(&r->start[q]);
    sgl_free(r->km_t);
    memset(r, 0, sizeof *r);
}
