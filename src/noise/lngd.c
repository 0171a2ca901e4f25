/* HaoChen et al.'s "GD with label noise" (LNGD, THEORY.md 3.3): the full gradient
 * plus label noise on one uniformly drawn sample i, added with weight 1:
 *     theta <- theta - eta [grad L - 2a e grad f_i],   e ~ N(0, delta^2).
 * (Their code: a = 1/4, gradient -e (x_i (.) v).)  LWA constant c = 2a delta^2. */
#include "common.h"

#define SGL_CHUNK 64
static int run(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    const double two_a = 2.0 * t->model.a;
    const uint32_t n = (uint32_t)t->data->n;
    uint32_t wb[4 * SGL_CHUNK], wl[4 * SGL_CHUNK];
    for (uint64_t kc = k0; kc < k1; kc += SGL_CHUNK) {
        size_t len = k1 - kc < SGL_CHUNK ? (size_t)(k1 - kc) : SGL_CHUNK;
        /* the first block of each step's streams, as the scalar streams give them */
        sgl_philox_first_blocks(p->spec.seed, t->id, kc, len, SGL_P_BATCH, wb);
        sgl_philox_first_blocks(p->spec.seed, t->id, kc, len, SGL_P_LABEL, wl);
        for (size_t q = 0; q < len; ++q) {
            uint32_t i = sgl_index_from_word(wb[4 * q], n);
            if (i == n) {   /* Lemire rejection: rare, take the scalar stream */
                sgl_stream bs;
                sgl_stream_init(&bs, p->spec.seed, t->id, kc + q, SGL_P_BATCH);
                i = sgl_stream_index(&bs, n);
            }
            const uint32_t *w = wl + 4 * q;
            double e = p->spec.delta * sgl_box_muller_cos(sgl_uniform_from_words(w[0], w[1]),
                                                          sgl_uniform_from_words(w[2], w[3]));
            if (sgl_full_step(t, eta, i, -two_a * e)) return sgl_mark_diverged(t, kc + q);
        }
    }
    return 0;
}

const sgl_noise_type sgl_noise_lngd = {
    "lngd", "full gradient + label noise N(0, delta^2) on one sample (HaoChen et al. 'LNGD')",
    SGL_CAP_RESIDUALS, 0, 1, 0, run};
