/* sgdlab side of bench/run: ns per step for
 *   (a) batch-1 label-noise SGD on diagnet, d=100, n=40, one trajectory;
 *   (b) HaoChen's LNGD step on quadratic, 40 x 100, one trajectory;
 *   (c) an ensemble of 64 diagnet trajectories, ns per trajectory-step per core.
 * Drives the library the way `sgdlab run` does (plan, traj_advance, execute).
 * Output lines: sgdlab case=<case> ns_per_step=<x> ... (parsed by bench/run). */
#include "../src/plan.h"   /* the trajectory loop, timed directly */

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sgl_plan *make(const char *model, const char *noise, double lr, uint64_t steps, uint32_t seeds)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = model;
    s.noise = noise;
    s.lr = lr;
    s.steps = steps;
    s.every = steps;
    s.seeds = seeds;
    s.data_draw = SGL_DRAW_SHARED;
    sgl_plan *p;
    sgl_err err;
    if (sgl_plan_alloc(&s, &p, &err) != SGL_OK) {
        fprintf(stderr, "bench: %s: %s\n", err.field, err.msg);
        exit(1);
    }
    return p;
}

static double single(const char *model, const char *noise, double lr, uint64_t steps, int reps)
{
    sgl_plan *p = make(model, noise, lr, steps, 1);
    sgl_traj *t;
    if (sgl_traj_alloc(p, &t) != SGL_OK) exit(1);
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
        sgl_traj_init(p, t, 0);
        sgl_traj_advance(p, t, 0, steps / 20);   /* warm-up */
        sgl_traj_init(p, t, 0);
        double t0 = omp_get_wtime();
        sgl_traj_advance(p, t, 0, steps);
        double dt = omp_get_wtime() - t0;
        if (dt < best) best = dt;
        if (t->diverged) fprintf(stderr, "bench: %s/%s diverged\n", model, noise);
    }
    sgl_traj_free(t);
    sgl_plan_free(p);
    return 1e9 * best / (double)steps;
}

static double ensemble(uint32_t M, uint64_t steps, int threads, int reps)
{
    sgl_plan *p = make("diagnet", "label", 1e-3, steps, M);
    sgl_results *r;
    if (sgl_results_alloc(p, &r) != SGL_OK) exit(1);
    double best = 1e300;
    for (int k = 0; k < reps; ++k) {
        double t0 = omp_get_wtime();
        sgl_plan_execute(p, threads, r);
        double dt = omp_get_wtime() - t0;
        if (dt < best) best = dt;
    }
    sgl_results_free(r);
    sgl_plan_free(p);
    return 1e9 * best * threads / ((double)M * (double)steps);
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;   /* shrink for smoke tests */
    uint64_t n_a = (uint64_t)(2e6 * scale), n_b = (uint64_t)(2e5 * scale), n_c = (uint64_t)(1e5 * scale);
    printf("sgdlab case=diagnet ns_per_step=%.2f steps=%llu\n", single("diagnet", "label", 1e-3, n_a, 3),
           (unsigned long long)n_a);
    printf("sgdlab case=lngd ns_per_step=%.2f steps=%llu\n", single("quadratic", "lngd", 1e-2, n_b, 3),
           (unsigned long long)n_b);
    int maxt = omp_get_num_procs();
    for (int th = 1; th <= maxt; th *= 2)
        printf("sgdlab case=ensemble64 threads=%d ns_per_traj_step_per_core=%.2f steps=%llu\n", th,
               ensemble(64, n_c, th, 2), (unsigned long long)n_c);
    return 0;
}
