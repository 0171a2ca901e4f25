/* Throughput of the escape engine (issue 5, item 11): the 1-D double well
 * L0 + a (theta^2 - 1)^2 with Mori noise, Euler-Maruyama (sde), hyperplane
 * event, next to a plain scalar reference loop in the same binary (the same
 * update, scalar Philox and libm Box-Muller, one trajectory at a time).
 * B/eta is large so that no trajectory escapes within t_max: every
 * trajectory runs the full horizon and the step count is exact.
 *   bench_escape [scale]   scale < 1 shortens the runs
 * Prints one line per case: ns per trajectory-step and trajectory-steps/s. */
#include "sgdlab.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double scalar_ref(uint32_t M, uint64_t K, double eta, double Bh, uint64_t seed, double *checksum)
{
    const double L0 = 0.5, a = 1.0, hs = 8.0, xe = -0.8;
    double acc = 0.0;
    for (uint32_t m = 0; m < M; ++m) {
        double x = 1.0;
        uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)}, out[4];
        for (uint64_t k = 0; k < K; k += 2) {
            uint32_t ctr[4] = {(uint32_t)(k >> 1), (uint32_t)(k >> 33), m, 12u << 24};
            sgl_philox4x32(ctr, key, out);
            double u1 = sgl_uniform_from_words(out[0], out[1]), u2 = sgl_uniform_from_words(out[2], out[3]);
            double r = sqrt(-2.0 * log(u1)), z[2] = {r * cos(2 * M_PI * u2), r * sin(2 * M_PI * u2)};
            for (int h = 0; h < 2; ++h) {
                double u = x * x - 1.0, L = L0 + a * u * u, g = 4.0 * a * x * u;
                x = x - eta * g + sqrt(2.0 * (L * hs / Bh) * eta) * z[h];
                if (x <= xe) break;
            }
        }
        acc += x;
    }
    *checksum = acc;
    return (double)M * (double)K;
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(scale > 0)) scale = 1.0;
    sgl_escape_spec s;
    sgl_escape_spec_default(&s);
    s.noise = SGL_ESC_MORI;
    s.B_over_eta = 4000.0;   /* barrier far out of reach: all trajectories censored */
    s.eta = 0.01;
    s.dynamics = SGL_ESC_SDE;
    s.trajectories = (uint32_t)(8192 * scale) + 16;
    s.t_max = 200.0;         /* 20000 steps each */
    int maxt = omp_get_max_threads();
    for (int th = 1; th <= maxt && th <= 2; ++th) {
        s.threads = th;
        sgl_escape_results *r = NULL;
        sgl_err err = {{0}, {0}};
        double best = 1e300, steps = 0;
        for (int rep = 0; rep < 3; ++rep) {
            if (sgl_escape_results_alloc(&s, &r, &err) != SGL_OK || sgl_escape_run(&s, r, &err) != SGL_OK) {
                fprintf(stderr, "bench_escape: %s: %s\n", err.field, err.msg);
                return 1;
            }
            if (r->escaped) fprintf(stderr, "bench_escape: %llu escapes (expected none)\n", (unsigned long long)r->escaped);
            if (r->seconds < best) best = r->seconds;
            steps = r->traj_steps;
            sgl_escape_results_free(r);
        }
        printf("sgdlab case=escape_dw_mori threads=%d traj=%u steps=%.0f ns_per_traj_step=%.3f traj_steps_per_s=%.4g\n", th,
               s.trajectories, steps, 1e9 * best / steps, steps / best);
    }
    uint32_t Ms = (uint32_t)(256 * scale) + 4;
    double cs, t0 = omp_get_wtime();
    double st = scalar_ref(Ms, 20000, 0.01, 4000.0, 1, &cs);
    double dt = omp_get_wtime() - t0;
    printf("scalar case=escape_dw_mori threads=1 traj=%u steps=%.0f ns_per_traj_step=%.3f traj_steps_per_s=%.4g checksum=%.6g\n",
           Ms, st, 1e9 * dt / st, st / dt, cs);
    return 0;
}
