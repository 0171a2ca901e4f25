/* HaoChen et al.'s "GD with label noise" (LNGD, THEORY.md 3.3): the full gradient
 * plus label noise on one uniformly drawn sample i, added with weight 1:
 *     theta <- theta - eta [grad L - 2a e grad f_i],   e ~ N(0, delta^2).
 * (Their code: a = 1/4, gradient -e (x_i (.) v).)  LWA constant c = 2a delta^2. */
#include "common.h"

static int run(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    const double two_a = 2.0 * t->model.a;
    uint32_t idx[SGL_CHUNK];
    double e[SGL_CHUNK];
    for (uint64_t kc = k0; kc < k1; kc += SGL_CHUNK) {
        size_t len = k1 - kc < SGL_CHUNK ? (size_t)(k1 - kc) : SGL_CHUNK;
        sgl_chunk_indices(p, t, kc, len, idx);
        sgl_chunk_label_noise(p, t, kc, len, 1, e);
        for (size_t q = 0; q < len; ++q)
            if (sgl_full_step(t, eta, idx[q], -two_a * e[q])) return sgl_mark_diverged(t, kc + q);
    }
    return 0;
}

const sgl_noise_type sgl_noise_lngd = {
    "lngd", "full gradient + label noise N(0, delta^2) on one sample (HaoChen et al. 'LNGD')",
    SGL_CAP_RESIDUALS, 0, 1, 0, run, NULL, sgl_cov_lngd, sgl_label_c_lngd};
