/* No noise: full-batch gradient descent. */
#include "common.h"

static int run(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    (void)p;
    for (uint64_t k = k0; k < k1; ++k) {
        if (sgl_full_step(t, eta, UINT32_MAX, 0.0)) return sgl_mark_diverged(t, k);
    }
    return 0;
}

const sgl_noise_type sgl_noise_none = {
    "none", "no noise: full-batch gradient descent (GD)", SGL_CAP_RESIDUALS, 0, 0, 0, run, NULL, sgl_cov_zero, NULL};
