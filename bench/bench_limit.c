/* Limit vs SGD cost (issue 4 item 8, issue 14 item 4): wall time to reach the
 * same limit time t = eta^2 k by integrating the Li-Wang-Arora limit
 * (Euler-Maruyama step dt, projection by Phi every step) and by running SGD at
 * eta = 1e-3 for T / eta^2 steps, one trajectory, one thread; best of `reps`
 * runs, the two interleaved.  Prints one line per case with both times, their
 * ratio and the limit's cost per Euler-Maruyama step, then the limit's phase
 * profile (one more run with the phase timers of src/dynamics/gamma_ws.h on;
 * the timers add about 0.1 us per step): microseconds per step in the
 * gradient / Hessian / Hessian-vector products, the eigen-solver, the
 * normal-space operators, the drift and noise coefficients, Phi after the
 * step and the rest, and Phi of the start point once.  Not part of ctest.
 *     sgdlab_bench_limit [reps]                                              */
#include "sgdlab.h"
#include "../src/dynamics/gamma_ws.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const char *name, *model, *noise;
    double T, dt;
    size_t d, n;
    sgl_limit_form form;
} bcase;

static sgl_plan *make(const bcase *c, double eta, uint64_t steps)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = c->model;
    s.noise = c->noise;
    s.seeds = 1;
    s.lr = eta;
    s.steps = steps;
    s.every = steps;
    s.delta = 1.0;
    s.alpha = 1.0;
    if (c->d) {
        s.data.d = c->d;
        s.data.n = c->n;
        s.data.kappa = 1;
        s.data_draw = SGL_DRAW_SHARED;
    }
    if (c->noise[0] == 'g') {
        s.sigma = 1.0;
        s.sigma_scale = SGL_SCALE_ETA;
    }
    sgl_plan *p = NULL;
    sgl_err e = {{0}, {0}};
    if (sgl_plan_alloc(&s, &p, &e) != SGL_OK) {
        fprintf(stderr, "bench_limit: %s: %s\n", e.field, e.msg);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1) reps = 1;
    const double eta = 1e-3;
    const bcase cases[] = {
        {"toy2d-label", "toy2d", "label", 1.0, 0.01, 0, 0, SGL_LIMIT_AUTO},
        {"sphere-gauss", "sphere", "gaussian", 1.0, 0.01, 0, 0, SGL_LIMIT_AUTO},
        {"diagnet-label", "diagnet", "label", 0.25, 0.01, 10, 5, SGL_LIMIT_AUTO},
        {"diagnet-label-T1", "diagnet", "label", 1.0, 0.01, 10, 5, SGL_LIMIT_AUTO},
        {"diagnet-label-general", "diagnet", "label", 0.25, 0.01, 10, 5, SGL_LIMIT_GENERAL},
        {"diagnet208-label", "diagnet", "label", 0.05, 0.001, 100, 40, SGL_LIMIT_AUTO},
    };
    printf("# limit vs SGD to the same limit time T (t = eta^2 k), SGD at eta = %g, 1 trajectory, 1 thread, best of %d\n",
           eta, reps);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        const bcase *c = &cases[i];
        const uint64_t k = (uint64_t)llround(c->T / (eta * eta));
        sgl_plan *p = make(c, eta, k);
        sgl_limit_opts o;
        sgl_limit_opts_default(&o);
        o.T = c->T;
        o.dt = c->dt;
        o.n_log = 1;
        o.form = c->form;
        double tl = INFINITY, ts = INFINITY;
        sgl_limit_info info = {0};
        for (int r = 0; r <= reps; ++r) {   /* r = reps: the profiled run */
            sgl_results *res = NULL;
            sgl_err e = {{0}, {0}};
            if (r == reps) sgl_limit_profile(1, NULL);
            double t0 = omp_get_wtime();
            if (sgl_limit_execute(p, &o, 1, &res, &info, &e) != SGL_OK) {
                fprintf(stderr, "bench_limit: limit: %s: %s\n", e.field, e.msg);
                return 1;
            }
            const double t1 = omp_get_wtime() - t0;
            sgl_results_free(res);
            res = NULL;
            if (r == reps) {
                double ph[SGL_LP_N];
                sgl_limit_profile(0, ph);
                const double us = 1e6 / (double)info.em_steps;
                printf("limit-phases case=%s us_per_step: hvp=%.3g eig=%.3g normal_ops=%.3g coeffs=%.3g phi=%.3g "
                       "rest=%.3g total=%.3g; start_phi_us=%.3g (profiled run %.4g s)\n",
                       c->name, ph[SGL_LP_HVP] * us, ph[SGL_LP_EIG] * us, ph[SGL_LP_PROJ] * us, ph[SGL_LP_COEF] * us,
                       ph[SGL_LP_PHI] * us, ph[SGL_LP_REST] * us,
                       (ph[SGL_LP_HVP] + ph[SGL_LP_EIG] + ph[SGL_LP_PROJ] + ph[SGL_LP_COEF] + ph[SGL_LP_PHI] +
                        ph[SGL_LP_REST]) * us,
                       ph[SGL_LP_START] * 1e6, t1);
                break;
            }
            tl = fmin(tl, t1);
            if (sgl_results_alloc(p, &res) != SGL_OK) return 1;
            t0 = omp_get_wtime();
            if (sgl_plan_execute(p, 1, res) != SGL_OK) return 1;
            ts = fmin(ts, omp_get_wtime() - t0);
            sgl_results_free(res);
        }
        printf("limit case=%s form=%s T=%g dt=%g em_steps=%llu limit_s=%.4g us_per_em_step=%.4g sgd_steps=%llu "
               "sgd_s=%.4g ratio_sgd_over_limit=%.3g\n",
               c->name, sgl_limit_form_names[info.form_used], c->T, info.dt, (unsigned long long)info.em_steps, tl,
               1e6 * tl / (double)info.em_steps, (unsigned long long)k, ts, ts / tl);
        sgl_plan_free(p);
    }
    return 0;
}
