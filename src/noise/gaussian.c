/* Isotropic Gaussian parameter noise on top of the full gradient:
 *     theta <- theta - eta grad L + s xi,   xi ~ N(0, I),
 * s = eta*sigma (--sigma-scale eta: HaoChen's "SGLD", SGD-style scaling,
 * THEORY.md 1.3) or s = sqrt(eta)*sigma (--sigma-scale sqrt-eta: Euler-Maruyama
 * of dX = -grad L dt + sigma dW with dt = eta).  The scale is never implicit. */
#include "common.h"

static int run(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    size_t nb, len, stride;
    sgl_model_layout(&t->model, &nb, &len, &stride);
    const double s = p->spec.sigma * (p->spec.sigma_scale == SGL_SCALE_SQRT_ETA ? sqrt(eta) : eta);
    for (uint64_t k = k0; k < k1; ++k) {
        if (sgl_full_step(t, eta, UINT32_MAX, 0.0)) return sgl_mark_diverged(t, k);
        /* one normal per live coordinate from stream (k, SGL_P_NOISE), block by
         * block (sgl_model_layout); padding coordinates get no noise */
        double *xi = t->g;
        sgl_normals_fill(p->spec.seed, t->id, k, SGL_P_NOISE, nb * len, xi, (uint32_t *)t->scratch);
        for (size_t b = 0; b < nb; ++b)
            for (size_t j = 0; j < len; ++j) t->theta[b * stride + j] += s * xi[b * len + j];
    }
    return 0;
}

const sgl_noise_type sgl_noise_gaussian = {
    "gaussian", "full gradient + isotropic N(0, s^2 I), s = eta*sigma or sqrt(eta)*sigma (--sigma-scale)",
    SGL_CAP_RESIDUALS, 0, 0, 1, run, NULL, sgl_cov_gaussian, NULL};
