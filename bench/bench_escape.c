/* Throughput of the escape engine (issue 5, item 11): the 1-D double well
 * L0 + a (theta^2 - 1)^2 with Mori noise, Euler-Maruyama (sde), hyperplane
 * event, next to a plain scalar reference loop in the same binary (the same
 * update, scalar Philox and libm Box-Muller, one trajectory at a time).
 * B/eta is large so that no trajectory escapes within t_max: every
 * trajectory runs the full horizon and the step count is exact.
 *   bench_escape [scale]   scale < 1 shortens the runs
 * Prints one line per case: ns per trajectory-step and trajectory-steps/s,
 * then the fast path's phase profile: each phase of one engine iteration (one
 * Philox block per lane = one normal pair = two steps) timed alone in a loop
 * over independent lanes, in ns per trajectory-step (1 thread; the phases
 * overlap in the engine, so their sum exceeds the engine's figure a little). */
#include "sgdlab.h"
#include "../src/philox.h"   /* the engine's primitives, for the phase profile */
#include "../src/vmath.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

/* ---- phase profile (the operations of run_batch_fast, engine.c) */
typedef sgl_u64v u64v;
#define PW SGL_VM_LANES
static volatile double sink;

static double cpu_seconds(void)   /* this thread's CPU time: steadier than wall time on a shared machine */
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static sgl_vm unif(u64v hi, u64v lo)
{
    return (sgl_vm_from_u52((sgl_vmi)((hi << 20) ^ (lo >> 12))) + sgl_vm_splat(0.5)) * sgl_vm_splat(0x1p-52);
}

/* ns per trajectory-step of phase `ph` over `iters` iterations (best of 5) */
static double phase_ns(int ph, long iters)
{
    static sgl_vm us[256];   /* independent inputs for log and sincos */
    for (int i = 0; i < 256; ++i)
        for (int l = 0; l < PW; ++l) us[i][l] = (i * PW + l + 0.5) / (256.0 * PW);
    double best = 1e300;
    for (int rep = 0; rep < 5; ++rep) {
        u64v ctr;
        for (int l = 0; l < PW; ++l) ctr[l] = (uint64_t)l;
        sgl_vm acc = sgl_vm_splat(0.0), x = sgl_vm_splat(1.0), xg[4];
        for (int g = 0; g < 4; ++g) xg[g] = sgl_vm_splat(1.0 + 0.01 * g);
        const sgl_vm h = sgl_vm_splat(0.01), nm = sgl_vm_splat(8.0), dn = sgl_vm_splat(4000.0), xe = sgl_vm_splat(-0.8);
        double t0 = cpu_seconds();
        for (long i = 0; i < iters; ++i) {
            ctr = ctr + (uint64_t)PW;
            const sgl_vm uu = us[i & 255];
            if (ph == 0) {   /* Philox4x32-10, one block per lane */
                u64v o0 = ctr & 0xffffffffu, o1 = ctr >> 32, o2 = ctr, o3 = ctr;
                sgl_philox_v(&o0, &o1, &o2, &o3, 42);
                acc += (sgl_vm)(o0 ^ o1 ^ o2 ^ o3);
            } else if (ph == 1) {   /* two uniforms from the four words */
                acc += unif(ctr, ctr + 1) + unif(ctr + 2, ctr + 3);
            } else if (ph == 2) {   /* radius sqrt(-2 log u1) */
                acc += sgl_vm_sqrt(sgl_vm_splat(-2.0) * sgl_vm_log(uu));
            } else if (ph == 3) {   /* sincos(2 pi u2) */
                sgl_vm sn, cs;
                sgl_vm_sincos2pi(uu, &sn, &cs);
                acc += sn + cs;
            } else if (ph == 4) {   /* two steps: landscape, Mori D, the Euler update (4 chains, as the engine's lane groups) */
                sgl_vm *xs = xg;
                for (int k = 0; k < 2; ++k)
                    for (int g = 0; g < 4; ++g) {
                        sgl_vm xv = xs[g];
                        sgl_vm u = xv * xv - sgl_vm_splat(1.0), L = sgl_vm_splat(0.5) + u * u, gr = sgl_vm_splat(4.0) * xv * u;
                        sgl_vm D = L * nm / dn, sd = sgl_vm_sqrt(sgl_vm_splat(2.0) * D * h);
                        xs[g] = xv - h * gr + sd * sgl_vm_splat(1e-3);
                    }
            } else {   /* two event checks: threshold, bound, bridge candidate */
                for (int k = 0; k < 2; ++k) {
                    sgl_vm xn = x + sgl_vm_splat(1e-9);
                    sgl_vmi ev = xn - xe >= sgl_vm_splat(0.0);
                    sgl_vmi dv = ~((xn <= sgl_vm_splat(1e60)) & (xn >= sgl_vm_splat(-1e60)));
                    sgl_vm P = sgl_vm_splat(2.0) * (xe - x) * (xe - xn);
                    sgl_vmi c = ~ev & ~dv & (P < sgl_vm_splat(41.0) * h);
                    acc += (sgl_vm)(c | ev);
                    x = xn;
                }
            }
        }
        double dt = cpu_seconds() - t0;
        sink = acc[0] + x[0] + xg[0][0] + xg[3][0];
        if (dt < best) best = dt;
    }
    return 1e9 * best / ((double)iters * PW * 2.0 * (ph == 4 ? 4 : 1));
}

static void phase_profile(double scale)
{
    static const char *const names[] = {"philox", "uniforms", "log_sqrt", "sincos", "step", "event"};
    const long iters = (long)(4e6 * scale) + 1000;
    double sum = 0.0;
    printf("sgdlab case=escape_phases lanes=%d", PW);
    for (int ph = 0; ph < 6; ++ph) {
        double ns = phase_ns(ph, iters);
        sum += ns;
        printf(" %s=%.2f", names[ph], ns);
    }
    printf(" sum=%.2f (ns per trajectory-step, 1 thread)\n", sum);
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
    phase_profile(scale);
    return 0;
}
