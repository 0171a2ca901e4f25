/* HaoChen et al.'s "GD with label noise" (LNGD, THEORY.md 3.3): the full gradient
 * plus label noise on one uniformly drawn sample i, added with weight 1:
 *     theta <- theta - eta [grad L - 2a e grad f_i],   e ~ N(0, delta^2).
 * (Their code: a = 1/4, gradient -e (x_i (.) v).)  LWA constant c = 2a delta^2. */
#include "common.h"

static int run(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    const double two_a = 2.0 * t->model.a;
    const uint32_t n = (uint32_t)t->data->n;
    double *c = sgl_coef_buf(t);
    for (uint64_t k = k0; k < k1; ++k) {
        if (sgl_full_coefs(t)) return sgl_mark_diverged(t, k);
        sgl_stream bs, ls;
        sgl_stream_init(&bs, p->spec.seed, t->id, k, SGL_P_BATCH);
        sgl_stream_init(&ls, p->spec.seed, t->id, k, SGL_P_LABEL);
        uint32_t i = sgl_stream_index(&bs, n);
        c[i] -= two_a * p->spec.delta * sgl_stream_normal(&ls);
        sgl_apply_coefs(t, eta);
    }
    return 0;
}

const sgl_noise_type sgl_noise_lngd = {
    "lngd", "full gradient + label noise N(0, delta^2) on one sample (HaoChen et al. 'LNGD')",
    SGL_CAP_RESIDUALS, 0, 1, 0, run};
