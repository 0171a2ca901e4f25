/* Cost of the diagonal-net label-noise limit against label-noise SGD for the
 * same limit time T = eta^2 k (issue 4 item 8): d = 100, n = 40, kappa = 5,
 * Gaussian data, a = 1/2, delta = 1, batch 1, eta = 1e-3, so SGD needs
 * T / eta^2 steps.  The limit is the exact projection Phi(x0) plus the
 * Lie-split flow (src/dynamics/limit_olm.c) at two step sizes.  Prints wall
 * times and the ratio; one trajectory, one thread.
 *   usage: sgdlab_bench_lwa [T]   (default T = 1) */
#include "sgdlab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    const double T = argc > 1 ? atof(argv[1]) : 1.0, eta = 1e-3;
    const size_t d = 100, n = 40;
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = "diagnet";
    s.noise = "label";
    s.data.input = SGL_INPUT_GAUSSIAN;
    s.data.truth = SGL_TRUTH_ONES;
    s.data.d = d, s.data.n = n, s.data.kappa = 5;
    s.data_draw = SGL_DRAW_SHARED;
    s.alpha = 1.0, s.delta = 1.0, s.batch = 1, s.lr = eta;
    s.steps = (uint64_t)llround(T / (eta * eta));
    s.every = s.steps;
    s.seeds = 1;
    s.seed = 1;
    sgl_plan *p = NULL;
    sgl_results *r = NULL;
    sgl_err err;
    if (sgl_plan_alloc(&s, &p, &err) || sgl_results_alloc(p, &r)) {
        fprintf(stderr, "bench_lwa: %s: %s\n", err.field, err.msg);
        return 1;
    }
    double t0 = now();
    sgl_plan_execute(p, 1, r);
    double t_sgd = now() - t0;

    sgl_data *D = NULL;
    if (sgl_data_alloc(&s.data, s.seed, 0, &D, &err)) {
        fprintf(stderr, "bench_lwa: %s\n", err.msg);
        return 1;
    }
    printf("label-noise limit vs SGD on the diagonal net, d=%zu n=%zu, limit time T = eta^2 k = %g\n", d, n, T);
    printf("  SGD  eta=%g: %llu steps  %.3f s  (%.1f ns/step)\n", eta, (unsigned long long)s.steps, t_sgd,
           1e9 * t_sgd / (double)s.steps);
    const double dts[2] = {0.01, 0.0};
    for (int k = 0; k < 2; ++k) {
        double u[100], v[100];
        sgl_olm_opts o;
        sgl_olm_opts_default(&o);
        o.t_max = T;
        o.gap_tol = 0;
        o.dt = dts[k];
        sgl_olm_info info;
        int reps = 0;
        double t1 = now(), el;
        do {
            for (size_t j = 0; j < d; ++j) u[j] = v[j] = 1.0;
            if (sgl_olm_limit(D, &o, u, v, &info, &err)) {
                fprintf(stderr, "bench_lwa: %s\n", err.msg);
                return 1;
            }
            ++reps;
            el = now() - t1;
        } while (el < 0.5);
        double per = el / reps;
        printf("  limit dt=%-8.3g (%llu steps, %llu Newton steps): %.3g s  -> SGD/limit wall-time ratio %.0fx\n",
               info.dt, (unsigned long long)info.steps, (unsigned long long)info.newton_steps, per, t_sgd / per);
    }
    sgl_data_free(D);
    sgl_results_free(r);
    sgl_plan_free(p);
    return 0;
}
