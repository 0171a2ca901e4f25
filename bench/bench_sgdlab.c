/* sgdlab side of bench/run: ns per step for
 *   (a) batch-1 label-noise SGD on diagnet, d=100, n=40, one trajectory;
 *   (b) HaoChen's LNGD step on quadratic, 40 x 100, one trajectory;
 *   (c) an ensemble of 64 diagnet trajectories, ns per trajectory-step per core
 *       (shared data, and one data set per seed, the CLI's default);
 * and the phase profile of (a) and (b) (what each part of a step costs, in ns
 * and in cycles at the clock measured here).  Drives the library the way
 * `sgdlab run` does (plan, traj_advance, execute); the profile calls the
 * same internal functions a step calls, one phase at a time.
 * Output lines: sgdlab case=<case> ns_per_step=<x> ... (parsed by bench/run). */
#include "../src/noise/common.h"   /* the trajectory loop and the chunk draws, timed directly */

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sgl_plan *make(const char *model, const char *noise, double lr, uint64_t steps, uint32_t seeds,
                      sgl_data_draw draw)
{
    sgl_spec s;
    sgl_spec_defaults(&s);
    s.model = model;
    s.noise = noise;
    s.lr = lr;
    s.steps = steps;
    s.every = steps;
    s.seeds = seeds;
    s.data_draw = draw;
    sgl_plan *p;
    sgl_err err;
    if (sgl_plan_alloc(&s, &p, &err) != SGL_OK) {
        fprintf(stderr, "bench: %s: %s\n", err.field, err.msg);
        exit(1);
    }
    return p;
}

/* best over reps x 10 blocks of steps/10 (the minimum is what a busy
 * machine's interruptions disturb least) */
static double single(const char *model, const char *noise, double lr, uint64_t steps, int reps)
{
    sgl_plan *p = make(model, noise, lr, steps, 1, SGL_DRAW_SHARED);
    sgl_traj *t;
    if (sgl_traj_alloc(p, &t) != SGL_OK) exit(1);
    const uint64_t block = steps / 10 ? steps / 10 : 1;
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
        sgl_traj_init(p, t, 0);
        sgl_traj_advance(p, t, 0, steps / 20);   /* warm-up */
        sgl_traj_init(p, t, 0);
        for (uint64_t k = 0; k + block <= steps; k += block) {
            double t0 = omp_get_wtime();
            sgl_traj_advance(p, t, k, k + block);
            double dt = omp_get_wtime() - t0;
            if (dt < best) best = dt;
        }
        if (t->diverged) fprintf(stderr, "bench: %s/%s diverged\n", model, noise);
    }
    sgl_traj_free(t);
    sgl_plan_free(p);
    return 1e9 * best / (double)block;
}

static double ensemble(uint32_t M, uint64_t steps, int threads, int reps, sgl_data_draw draw)
{
    sgl_plan *p = make("diagnet", "label", 1e-3, steps, M, draw);
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

/* The vector ISA this build's kernels were compiled for (SGL_NATIVE: the
 * build machine's) */
static const char *build_isa(void)
{
#if defined(__AVX512F__)
    return "AVX-512F (8-lane kernels in one register)";
#elif defined(__AVX2__) && defined(__FMA__)
    return "AVX2+FMA (8-lane kernels as two 4-lane halves)";
#elif defined(__AVX__)
    return "AVX (no FMA: fused multiply-adds in software)";
#elif defined(__SSE2__)
    return "SSE2 (portable build)";
#else
    return "scalar";
#endif
}

/* Clock in GHz from a chain of dependent integer adds (one cycle each on
 * every x86 core); 0 where that cannot be measured */
static double clock_ghz(void)
{
#if defined(__x86_64__)
    double best = 1e300;
    for (int r = 0; r < 20; ++r) {
        uint64_t x = 0;
        double t0 = omp_get_wtime();
        for (int i = 0; i < 100000; ++i)
            __asm__ volatile(".rept 100\n\taddq $1, %0\n\t.endr" : "+r"(x));
        double dt = omp_get_wtime() - t0;
        if (dt < best) best = dt;
    }
    return 1e7 / best / 1e9;
#else
    return 0.0;
#endif
}

static double g_ghz;

static void phase(const char *name, double ns)
{
    if (g_ghz > 0) printf("sgdlab phase=%s ns_per_step=%.2f cycles_per_step=%.0f\n", name, ns, ns * g_ghz);
    else printf("sgdlab phase=%s ns_per_step=%.2f\n", name, ns);
}

/* best of reps, ns per step of a block that runs `steps` steps */
#define BEST_NS(reps, steps, body)                                      \
    ({                                                                  \
        double best_ = 1e300;                                           \
        for (int r_ = 0; r_ < (reps); ++r_) {                           \
            double t0_ = omp_get_wtime();                               \
            body;                                                       \
            double dt_ = omp_get_wtime() - t0_;                         \
            if (dt_ < best_) best_ = dt_;                               \
        }                                                               \
        1e9 * best_ / (double)(steps);                                  \
    })

/* (a) by phase: the chunk's sample indices and label noise (Philox), the
 * fused update + next residual (step1_chain), and the interleaved pair
 * kernel of the ensemble; (b): residuals (weights + Z w - y), Z^T c with
 * the Jacobian, and the rest (draws, coefficients, update) */
static void profile(int reps)
{
    enum { CH = 64 };   /* chunks per timed block */
    sgl_plan *p = make("diagnet", "label", 1e-3, 1000, 2, SGL_DRAW_PER_SEED);
    sgl_traj *t[2];
    if (sgl_traj_alloc(p, &t[0]) != SGL_OK || sgl_traj_alloc(p, &t[1]) != SGL_OK) exit(1);
    sgl_traj_init(p, t[0], 0);
    sgl_traj_init(p, t[1], 1);
    uint32_t idx[SGL_CHUNK + 1];
    double eps[SGL_CHUNK], r = 0.0;
    const double steps = (double)CH * SGL_CHUNK;
    phase("diagnet.indices", BEST_NS(reps, steps, for (int c = 0; c < CH; ++c)
                                         sgl_chunk_indices(p, t[0], (uint64_t)c * SGL_CHUNK, SGL_CHUNK + 1, idx)));
    phase("diagnet.label_noise", BEST_NS(reps, steps, for (int c = 0; c < CH; ++c)
                                             sgl_chunk_label_noise(p, t[0], (uint64_t)c * SGL_CHUNK, SGL_CHUNK, 0, eps)));
    const sgl_model *m = &t[0]->model;
    m->type->residuals(m, t[0]->theta, idx, 1, &r, t[0]->scratch);
    phase("diagnet.update_and_residual", BEST_NS(reps, steps, for (int c = 0; c < CH; ++c)
                                                     m->type->step1_chain(m, t[0]->theta, idx, eps, SGL_CHUNK,
                                                                          -2e-3 * m->a, &r)));
    {
        const sgl_model *ms[2] = {&t[0]->model, &t[1]->model};
        double *th[2] = {t[0]->theta, t[1]->theta}, c2[2] = {1e-9, -1e-9}, r2[2];
        uint32_t i0[2], i1[2];
        phase("ensemble.pair_update_and_residual_per_traj",
              BEST_NS(reps, 2.0 * steps, for (int q = 0; q < (int)steps; ++q) {
                  i0[0] = idx[q % SGL_CHUNK]; i0[1] = idx[(q + 7) % SGL_CHUNK];
                  i1[0] = idx[q % SGL_CHUNK + 1]; i1[1] = idx[(q + 7) % SGL_CHUNK + 1];
                  ms[0]->type->step1_resid_multi(ms, th, i0, c2, i1, r2);
              }));
    }
    sgl_traj_free(t[0]);
    sgl_traj_free(t[1]);
    sgl_plan_free(p);

    enum { LS = 2000 };
    p = make("quadratic", "lngd", 1e-2, LS, 1, SGL_DRAW_SHARED);
    sgl_traj *tl;
    if (sgl_traj_alloc(p, &tl) != SGL_OK) exit(1);
    sgl_traj_init(p, tl, 0);
    m = &tl->model;
    const size_t n = tl->data->n;
    double *rb = sgl_resid_buf(tl), *cb = sgl_coef_buf(tl);
    const double total = BEST_NS(reps, LS, sgl_traj_advance(p, tl, 0, LS));
    const double res = BEST_NS(reps, LS, for (int q = 0; q < LS; ++q)
                                   m->type->residuals(m, tl->theta, NULL, n, rb, tl->scratch));
    const double jt = BEST_NS(reps, LS, for (int q = 0; q < LS; ++q)
                                  m->type->jt(m, tl->theta, NULL, n, cb, tl->g, tl->scratch));
    phase("lngd.residuals", res);
    phase("lngd.gradient", jt);
    phase("lngd.rest", total - res - jt);
    sgl_traj_free(tl);
    sgl_plan_free(p);
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;   /* shrink for smoke tests */
    uint64_t n_a = (uint64_t)(2e6 * scale), n_b = (uint64_t)(2e5 * scale), n_c = (uint64_t)(1e4 * scale);
    g_ghz = clock_ghz();
    printf("# sgdlab build: %s; clock measured %.2f GHz\n", build_isa(), g_ghz);
    printf("sgdlab case=diagnet ns_per_step=%.2f steps=%llu\n", single("diagnet", "label", 1e-3, n_a, 3),
           (unsigned long long)n_a);
    printf("sgdlab case=lngd ns_per_step=%.2f steps=%llu\n", single("quadratic", "lngd", 1e-2, n_b, 3),
           (unsigned long long)n_b);
    int maxt = omp_get_num_procs();
    for (int th = 1; th <= maxt; th *= 2) {
        printf("sgdlab case=ensemble64 threads=%d ns_per_traj_step_per_core=%.2f steps=%llu\n", th,
               ensemble(64, n_c, th, 20, SGL_DRAW_SHARED), (unsigned long long)n_c);
        printf("sgdlab case=ensemble64-perseed threads=%d ns_per_traj_step_per_core=%.2f steps=%llu\n", th,
               ensemble(64, n_c, th, 20, SGL_DRAW_PER_SEED), (unsigned long long)n_c);
    }
    profile(scale < 1 ? 20 : 50);
    return 0;
}
