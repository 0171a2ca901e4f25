/* Deterministic full-batch update rules other than plain GD (issue 4, item 3;
 * Arora, Li, Panigrahi 2022 "Understanding gradient descent on the edge of
 * stability"; Lyu, Li, Arora 2022): their eta -> 0 limits are flows on Gamma
 * that lower the sharpness lambda_1 of the Hessian (observable lambda_max).
 *   `sqrt-loss`:  GD on sqrt(L),   theta <- theta - eta grad L / (2 sqrt L)
 *   `normalized`: normalised GD,   theta <- theta - eta grad L / |grad L|
 * Where the denominator is 0 (L = 0, resp. grad L = 0: a stationary point) the
 * step leaves theta unchanged. */
#include "common.h"

static int run_sqrt(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    (void)p;
    const size_t n = t->data->n;
    for (uint64_t k = k0; k < k1; ++k) {
        if (sgl_full_coefs(t)) return sgl_mark_diverged(t, k);
        const double *r = sgl_resid_buf(t);
        double s = 0.0;
        for (size_t i = 0; i < n; ++i) s += r[i] * r[i];
        const double L = t->model.a * s / (double)n;
        if (!(L > 0.0)) continue;
        sgl_apply_coefs(t, eta / (2.0 * sqrt(L)));
    }
    return 0;
}

static int run_normalized(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    (void)p;
    const sgl_model *m = &t->model;
    for (uint64_t k = k0; k < k1; ++k) {
        if (sgl_full_coefs(t)) return sgl_mark_diverged(t, k);
        m->type->jt(m, t->theta, NULL, t->data->n, sgl_coef_buf(t), t->g, t->scratch);
        double s = 0.0;
        for (size_t j = 0; j < m->dim; ++j) s += t->g[j] * t->g[j];
        if (!isfinite(s)) return sgl_mark_diverged(t, k);
        if (!(s > 0.0)) continue;
        const double c = eta / sqrt(s);
        for (size_t j = 0; j < m->dim; ++j) t->theta[j] -= c * t->g[j];
    }
    return 0;
}

const sgl_noise_type sgl_noise_sqrt_loss = {
    "sqrt-loss", "no noise: GD on sqrt(L), theta -= eta grad L / (2 sqrt L) (no step where L = 0)",
    SGL_CAP_RESIDUALS, 0, 0, 0, run_sqrt, NULL, NULL, NULL};
const sgl_noise_type sgl_noise_normalized = {
    "normalized", "no noise: normalised GD, theta -= eta grad L / |grad L| (no step where grad L = 0)",
    SGL_CAP_RESIDUALS, 0, 0, 0, run_normalized, NULL, NULL, NULL};
