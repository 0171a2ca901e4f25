/* Limit vs SGD cost (issue 4 item 8): wall time to reach the same limit time
 * t = eta^2 k by integrating the Li-Wang-Arora limit (Euler-Maruyama step dt,
 * projection by Phi every step) and by running SGD at eta = 1e-3 for
 * T / eta^2 steps, one trajectory, one thread; best of `reps` runs.  Prints
 * one line per case with both times and their ratio.  Not part of ctest.
 *     sgdlab_bench_limit [reps]                                              */
#include "sgdlab.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const char *name, *model, *noise;
    double T, dt;
    size_t d, n;
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
        {"toy2d-label", "toy2d", "label", 1.0, 0.01, 0, 0},
        {"sphere-gauss", "sphere", "gaussian", 1.0, 0.01, 0, 0},
        {"diagnet-label", "diagnet", "label", 0.25, 0.01, 10, 5},
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
        double tl = INFINITY, ts = INFINITY;
        sgl_limit_info info = {0};
        for (int r = 0; r < reps; ++r) {
            sgl_results *res = NULL;
            sgl_err e = {{0}, {0}};
            double t0 = omp_get_wtime();
            if (sgl_limit_execute(p, &o, 1, &res, &info, &e) != SGL_OK) {
                fprintf(stderr, "bench_limit: limit: %s: %s\n", e.field, e.msg);
                return 1;
            }
            tl = fmin(tl, omp_get_wtime() - t0);
            sgl_results_free(res);
            res = NULL;
            if (sgl_results_alloc(p, &res) != SGL_OK) return 1;
            t0 = omp_get_wtime();
            if (sgl_plan_execute(p, 1, res) != SGL_OK) return 1;
            ts = fmin(ts, omp_get_wtime() - t0);
            sgl_results_free(res);
        }
        printf("limit case=%s T=%g dt=%g em_steps=%llu limit_s=%.4g sgd_steps=%llu sgd_s=%.4g ratio_sgd_over_limit=%.3g\n",
               c->name, c->T, info.dt, (unsigned long long)info.em_steps, tl, (unsigned long long)k, ts, ts / tl);
        sgl_plan_free(p);
    }
    return 0;
}
