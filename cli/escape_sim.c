/* The simulations behind `sgdlab reproduce mori-escape / exponential-escape`.
 * Everything the library's escape engine expresses goes through sgl_escape_run
 * (sim_engine); the rest -- the exact Gaussian-data noise of linear regression
 * and true minibatch SGD -- through the compact simulators below.
 * The compact first-passage simulator covers the landscapes and noise kinds that
 * sgl_theory_problem describes (double well, n-D Mori well, quadratic;
 * isotropic, Mori, SGD-type frozen-Hessian and Gaussian-data noise), Euler-
 * Maruyama (dynamics "sde", step dt) or Gaussian-noise SGD ("sgd": the same
 * update with dt = eta), start at theta* or after a burn-in restarted on exit,
 * plus true minibatch SGD on Gaussian linear regression.  Randomness: per
 * trajectory Philox streams (noise: purpose SGL_P_NOISE, one stream per 64
 * steps; batches: SGL_P_BATCH; data: SGL_P_DATA), so results do not depend on
 * the thread count.  The reproduce code only sees rep_sim. */
#include "reproduce.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static double kk(const sgl_theory_problem *p) { return p->k > 0 ? p->k : 1.0; }
static double lossf(const sgl_theory_problem *p, const double *x)
{
    double L, k = kk(p);
    if (p->landscape == SGL_TL_QUADRATIC) { L = p->L0; for (unsigned i = 0; i < p->n; ++i) L += 0.5 * p->h * k * x[i] * x[i]; return L; }
    double u = k * x[0] * x[0] - 1.0;
    L = p->L0 + p->a * u * u;
    for (unsigned i = 1; i < p->n; ++i) L += 4.0 * p->a * k * x[i] * x[i];
    return L;
}
static void gradf(const sgl_theory_problem *p, const double *x, double *g)
{
    double k = kk(p);
    if (p->landscape == SGL_TL_QUADRATIC) { for (unsigned i = 0; i < p->n; ++i) g[i] = p->h * k * x[i]; return; }
    g[0] = 4.0 * p->a * k * x[0] * (k * x[0] * x[0] - 1.0);
    for (unsigned i = 1; i < p->n; ++i) g[i] = 8.0 * p->a * k * x[i];
}

/* True minibatch SGD (B = 1, without replacement within the batch) on linear
 * regression f = theta x, d = 1, x and y i.i.d. N(0,1), loss (1/2N) sum (theta x - y)^2:
 * theta <- theta - eta (theta x_i - y_i) x_i; first passage to L >= c L* from theta*. */
static int sim_true_minibatch(const rep_sim *s, rep_sim_out *o, char *why, size_t len)
{
    const sgl_theory_problem *p = &s->prob;
    const size_t N = s->n_data;
    if (p->landscape != SGL_TL_QUADRATIC || p->event != SGL_TE_LOSS_RATIO || p->n != 1 || N < 2 || N > 0xffffffffu) {
        snprintf(why, len, "true minibatch SGD: quadratic landscape, d = 1, loss-ratio event and N >= 2 only");
        return -1;
    }
    double *x = malloc(sizeof *x * N), *y = malloc(sizeof *y * N);
    if (!x || !y) { free(x); free(y); snprintf(why, len, "out of memory"); return -1; }
    sgl_stream ds;
    sgl_stream_init(&ds, s->seed, 0, 0, SGL_P_DATA);
    double sxx = 0, sxy = 0;
    for (size_t i = 0; i < N; ++i) { x[i] = sgl_stream_normal(&ds); y[i] = sgl_stream_normal(&ds); sxx += x[i] * x[i]; sxy += x[i] * y[i]; }
    const double th = sxy / sxx, h = sxx / (double)N;
    double Ls = 0;
    for (size_t i = 0; i < N; ++i) { double r = th * x[i] - y[i]; Ls += 0.5 * r * r; }
    Ls /= (double)N;
    const double eta = s->dt, dth = sqrt(2.0 * Ls * (p->c - 1.0) / h);   /* L >= c L*  <=>  |theta - theta*| >= dth */
    const uint64_t kmax = (uint64_t)ceil(s->t_max / eta);
    o->n = s->M;
    o->t = malloc(sizeof *o->t * s->M);
    o->state = malloc(sizeof *o->state * s->M);
    o->L_final = malloc(sizeof *o->L_final * s->M);
    if (!o->t || !o->state || !o->L_final) { free(x); free(y); snprintf(why, len, "out of memory"); return -1; }
    double t0 = omp_get_wtime(), steps = 0;
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : steps) num_threads(s->threads > 0 ? s->threads : omp_get_max_threads())
    for (uint32_t m = 0; m < s->M; ++m) {
        double t = th;
        uint64_t k = 0;
        int st = SGL_FP_CENSORED;
        sgl_stream r;
        for (; k < kmax; ++k) {
            if (k % 64 == 0) sgl_stream_init(&r, s->seed, m, k / 64, SGL_P_BATCH);
            uint32_t i = sgl_stream_index(&r, (uint32_t)N);
            t -= eta * (t * x[i] - y[i]) * x[i];
            if (!isfinite(t)) { st = SGL_FP_DIVERGED; break; }
            if (fabs(t - th) >= dth) { st = SGL_FP_ESCAPED; ++k; break; }
        }
        steps += (double)k;
        o->state[m] = st;
        o->t[m] = st == SGL_FP_CENSORED ? s->t_max : (double)k * eta;
        o->L_final[m] = Ls + 0.5 * h * (t - th) * (t - th);
    }
    o->seconds = omp_get_wtime() - t0;
    o->traj_steps = steps;
    free(x); free(y);
    return 0;
}

/* through the library's escape engine (sgl_escape_run): every problem it can
 * express; 1 = not expressible (the caller falls back), -1 = error */
static int sim_engine(const rep_sim *s, rep_sim_out *o, char *why, size_t len)
{
    const sgl_theory_problem *p = &s->prob;
    if (p->noise == SGL_TN_DATA || p->landscape == SGL_TL_STYBLINSKI) return 1;
    sgl_escape_spec e;
    sgl_escape_spec_default(&e);
    e.landscape = p->landscape == SGL_TL_DOUBLEWELL ? "doublewell" : p->landscape == SGL_TL_MORI_ND ? "moriwell" : "quadratic";
    e.lp.L0 = p->L0; e.lp.q = 1.0;
    if (p->a > 0.0) e.lp.a = p->a;
    if (p->h > 0.0) e.lp.h = p->h;
    e.lp.k = p->k > 0 ? p->k : 1.0;
    e.lp.n = p->n;
    e.noise = p->noise == SGL_TN_ISOTROPIC ? SGL_ESC_ISOTROPIC : p->noise == SGL_TN_MORI ? SGL_ESC_MORI : SGL_ESC_XIE_FROZEN;
    e.D = p->noise == SGL_TN_ISOTROPIC ? p->D : e.D;
    e.B_over_eta = p->noise == SGL_TN_ISOTROPIC ? e.B_over_eta : p->B_over_eta;
    if (strcmp(s->dynamics, "sgd") == 0) { e.dynamics = SGL_ESC_SGD; e.eta = s->dt; }
    else { e.dynamics = SGL_ESC_SDE; e.eta = s->dt; e.dt = s->dt; }
    if (p->event == SGL_TE_HYPERPLANE) {
        if (fabs(p->x_exit + 1.0 / sqrt(e.lp.k)) > 1e-12) return 1;
        e.event = SGL_ESC_EV_NEXT_MIN;
    } else if (p->event == SGL_TE_LOSS_RATIO) {
        if (p->c >= 1e9) e.event = SGL_ESC_EV_NONE;
        else { e.event = SGL_ESC_EV_LOSS; e.c = p->c; }
    } else if (p->event == SGL_TE_BALL) { e.event = SGL_ESC_EV_BALL; e.r = p->r; }
    else e.event = SGL_ESC_EV_NONE;
    e.start = s->start_qs ? SGL_ESC_START_BURN_IN : SGL_ESC_START_MIN;
    e.burn_in = s->burn_in;
    e.trajectories = s->M;
    e.t_max = s->t_max;
    e.seed = s->seed;
    e.threads = s->threads;
    sgl_err err = {{0}, {0}};
    sgl_escape_results *r = NULL;
    if (sgl_escape_results_alloc(&e, &r, &err) != SGL_OK || sgl_escape_run(&e, r, &err) != SGL_OK) {
        snprintf(why, len, "escape engine: %.60s: %.300s", err.field, err.msg);
        sgl_escape_results_free(r);
        return -1;
    }
    o->n = r->M;
    o->t = malloc(sizeof *o->t * r->M);
    o->state = malloc(sizeof *o->state * r->M);
    o->L_final = malloc(sizeof *o->L_final * r->M);
    if (!o->t || !o->state || !o->L_final) { sgl_escape_results_free(r); snprintf(why, len, "out of memory"); return -1; }
    memcpy(o->t, r->t, sizeof *o->t * r->M);
    memcpy(o->state, r->state, sizeof *o->state * r->M);
    memcpy(o->L_final, r->L, sizeof *o->L_final * r->M);
    o->seconds = r->seconds;
    o->traj_steps = r->traj_steps;
    sgl_escape_results_free(r);
    return 0;
}

int sgl_rep_sim_escape(const rep_sim *s, rep_sim_out *o, char *why, size_t len)
{
    const sgl_theory_problem *p = &s->prob;
    if (s->true_minibatch) return sim_true_minibatch(s, o, why, len);
    int e = sim_engine(s, o, why, len);
    if (e <= 0) return e;
    /* not expressible in the engine (Gaussian-data noise): the compact simulator below */
    o->n = s->M;
    o->t = malloc(sizeof *o->t * s->M);
    o->state = malloc(sizeof *o->state * s->M);
    o->L_final = malloc(sizeof *o->L_final * s->M);
    double t0 = omp_get_wtime(), steps = 0;
    const double h = s->dt;
    const uint64_t kmax = (uint64_t)ceil(s->t_max / h);
    const double hs = (p->landscape == SGL_TL_QUADRATIC ? p->h : 8.0 * p->a) * kk(p);
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : steps) num_threads(s->threads > 0 ? s->threads : omp_get_max_threads())
    for (uint32_t m = 0; m < s->M; ++m) {
        double x[16] = {0}, g[16];
        if (p->landscape != SGL_TL_QUADRATIC) x[0] = 1.0 / sqrt(kk(p));
        const double Lc = p->c * p->L0;
        uint64_t k = 0;
        int st = SGL_FP_CENSORED;
        if (s->start_qs) {   /* burn-in conditioned on no exit: restart from theta* on an exit */
            uint64_t kb = (uint64_t)ceil(s->burn_in / h);
            for (uint64_t j = 0, tries = 0; j < kb; ++j) {
                sgl_stream r;
                sgl_stream_init(&r, s->seed ^ 0x5bd1e995u, m, j + tries * kb, SGL_P_NOISE);
                double L = lossf(p, x);
                double D = p->noise == SGL_TN_ISOTROPIC ? p->D : p->noise == SGL_TN_MORI ? hs * L / p->B_over_eta
                           : p->noise == SGL_TN_XIE ? hs / (2.0 * p->B_over_eta) : (2.0 * x[0] * x[0] + 1.0) / (2.0 * p->B_over_eta);
                double sd = sqrt(2.0 * D * h);
                gradf(p, x, g);
                for (unsigned i = 0; i < p->n; ++i) x[i] += -h * g[i] + sd * sgl_stream_normal(&r);
                if (p->event == SGL_TE_HYPERPLANE ? x[0] <= p->x_exit : lossf(p, x) >= Lc) {
                    memset(x, 0, sizeof x);
                    if (p->landscape != SGL_TL_QUADRATIC) x[0] = 1.0 / sqrt(kk(p));
                    j = 0; ++tries;
                }
            }
        }
        double nb[64 * 16];
        uint32_t wb[4 * 64 * 8];
        for (; k < kmax; ++k) {
            if (k % 64 == 0) sgl_normals_fill(s->seed, m, k / 64, SGL_P_NOISE, 64 * p->n, nb, wb);
            const double *z = nb + (k % 64) * p->n;
            double L = lossf(p, x);
            double D = p->noise == SGL_TN_ISOTROPIC ? p->D : p->noise == SGL_TN_MORI ? hs * L / p->B_over_eta
                       : p->noise == SGL_TN_XIE ? hs / (2.0 * p->B_over_eta) : (2.0 * x[0] * x[0] + 1.0) / (2.0 * p->B_over_eta);
            double sd = sqrt(2.0 * D * h);
            gradf(p, x, g);
            for (unsigned i = 0; i < p->n; ++i) x[i] += -h * g[i] + sd * z[i];
            if (!isfinite(x[0])) { st = SGL_FP_DIVERGED; break; }
            if (p->event == SGL_TE_HYPERPLANE ? x[0] <= p->x_exit : lossf(p, x) >= Lc) { st = SGL_FP_ESCAPED; ++k; break; }
        }
        steps += (double)k;
        o->state[m] = st;
        o->t[m] = st == SGL_FP_CENSORED ? s->t_max : (double)k * h;
        o->L_final[m] = lossf(p, x);
    }
    o->seconds = omp_get_wtime() - t0;
    o->traj_steps = steps;
    return 0;
}

void sgl_rep_sim_free(rep_sim_out *o)
{
    free(o->t); free(o->state); free(o->L_final);
    memset(o, 0, sizeof *o);
}
