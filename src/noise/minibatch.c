/* Minibatch noise.
 * `minibatch`: plain SGD on B samples, theta <- theta - eta grad L_B.
 * `minibatch-diff`: HaoChen et al.'s "GD with minibatch noise" (THEORY.md 3.3):
 *     theta <- theta - eta [grad L + delta (grad L_B1 - grad L_B2)],
 * B1, B2 independent minibatches; the noise has covariance 2 delta^2 x the
 * minibatch-gradient covariance and vanishes on the zero-loss manifold.
 * Both draw B samples without replacement unless --sampling with. */
#include "common.h"

static int run_sgd(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    const sgl_model *m = &t->model;
    const size_t B = p->spec.batch;
    double *r = sgl_resid_buf(t), *c = sgl_coef_buf(t);
    for (uint64_t k = k0; k < k1; ++k) {
        sgl_draw_batch(p, t, k, SGL_P_BATCH, B, t->idx);
        m->type->residuals(m, t->theta, t->idx, B, r, t->scratch);
        int bad = 0;
        for (size_t b = 0; b < B; ++b) {
            bad |= !isfinite(r[b]);
            c[b] = -eta * 2.0 * m->a * r[b] / (double)B;
        }
        if (bad) return sgl_mark_diverged(t, k);
        if (B == 1 && m->type->step1) {
            m->type->step1(m, t->theta, t->idx[0], c[0]);
            continue;
        }
        m->type->jt(m, t->theta, t->idx, B, c, t->g, t->scratch);
        for (size_t j = 0; j < m->dim; ++j) t->theta[j] += t->g[j];
    }
    return 0;
}

static int run_diff(const sgl_plan *p, sgl_traj *t, uint64_t k0, uint64_t k1, double eta)
{
    const size_t B = p->spec.batch;
    const double w = p->spec.delta * 2.0 * t->model.a / (double)B;
    double *r = sgl_resid_buf(t), *c = sgl_coef_buf(t);
    uint32_t *b1 = t->idx, *b2 = t->idx + B;
    for (uint64_t k = k0; k < k1; ++k) {
        if (sgl_full_coefs(t)) return sgl_mark_diverged(t, k);
        sgl_draw_batch(p, t, k, SGL_P_BATCH, B, b1);
        sgl_draw_batch(p, t, k, SGL_P_BATCH2, B, b2);
        for (size_t b = 0; b < B; ++b) {
            c[b1[b]] += w * r[b1[b]];
            c[b2[b]] -= w * r[b2[b]];
        }
        sgl_apply_coefs(t, eta);
    }
    return 0;
}

const sgl_noise_type sgl_noise_minibatch = {
    "minibatch", "minibatch SGD on B samples (--sampling without|with replacement)",
    SGL_CAP_RESIDUALS, 1, 0, 0, run_sgd, NULL, sgl_cov_minibatch, NULL};
const sgl_noise_type sgl_noise_minibatch_diff = {
    "minibatch-diff", "full gradient + delta (grad L_B1 - grad L_B2) (HaoChen et al. 'SGD')",
    SGL_CAP_RESIDUALS, 1, 1, 0, run_diff, NULL, sgl_cov_minibatch_diff, NULL};
