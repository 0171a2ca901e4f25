/* Per-step noise covariances Sigma(theta) of the noise kinds (the `cov` slot,
 * THEORY.md 1.3, 2.1): the update is theta - eta grad L + eta sigma_xi with
 * Cov sigma_xi = Sigma, exact at any theta.  With G_i = grad f_i, r_i the
 * residuals, g_i = 2a r_i G_i (per-sample loss gradient), gbar their mean and
 * C = (1/n) sum (g_i - gbar)(g_i - gbar)^T:
 *   none, sqrt-loss, normalized: 0 (deterministic; the last two have no
 *                     covariance slot: their limit is the lambda_1 flow)
 *   minibatch:       f C / B, f = (n - B)/(n - 1) without replacement, 1 with
 *   minibatch-diff:  2 delta^2 f C / B
 *   label(-gauss):   (4 a^2 delta^2 / B) (1/n) sum G_i G_i^T  +  f C / B
 *   lngd:            4 a^2 delta^2 (1/n) sum G_i G_i^T
 *   gaussian:        sigma^2 I on the live coordinates (--sigma-scale eta);
 *                    sqrt-eta has per-step covariance sigma^2/eta I: no limit. */
#include "common.h"
#include "../internal.h"

#include <string.h>

/* S = wG (1/n) sum G_i G_i^T + wC C */
static sgl_status sample_cov(const sgl_model *m, const double *theta, double wG, double wC, double *S,
                             sgl_err *err)
{
    const size_t D = m->dim, n = m->data->n;
    double *G = sgl_alloc_doubles(n * D), *r = sgl_alloc_doubles(n), *gb = sgl_alloc_doubles(D),
           *scr = sgl_alloc_doubles(m->scratch_len + n + 8), *d = sgl_alloc_doubles(D);
    if (!G || !r || !gb || !scr || !d) {
        sgl_free(G); sgl_free(r); sgl_free(gb); sgl_free(scr); sgl_free(d);
        return sgl_fail(err, SGL_ENOMEM, "--noise", "out of memory");
    }
    m->type->residuals(m, theta, NULL, n, r, scr);
    for (size_t i = 0; i < n; ++i) {
        uint32_t idx = (uint32_t)i;
        const double one = 1.0;
        m->type->jt(m, theta, &idx, 1, &one, G + i * D, scr);
    }
    memset(S, 0, D * D * sizeof *S);
    const double inv_n = 1.0 / (double)n;
    if (wG != 0.0)
        for (size_t i = 0; i < n; ++i) {
            const double *gi = G + i * D;
            for (size_t a = 0; a < D; ++a) {
                if (gi[a] == 0.0) continue;
                const double ca = wG * inv_n * gi[a];
                for (size_t b = 0; b < D; ++b) S[a * D + b] += ca * gi[b];
            }
        }
    if (wC != 0.0) {
        const double two_a = 2.0 * m->a;
        for (size_t a = 0; a < D; ++a) {
            double s = 0.0;
            for (size_t i = 0; i < n; ++i) s += two_a * r[i] * G[i * D + a];
            gb[a] = s * inv_n;
        }
        for (size_t i = 0; i < n; ++i) {
            for (size_t a = 0; a < D; ++a) d[a] = two_a * r[i] * G[i * D + a] - gb[a];
            for (size_t a = 0; a < D; ++a) {
                if (d[a] == 0.0) continue;
                const double ca = wC * inv_n * d[a];
                for (size_t b = 0; b < D; ++b) S[a * D + b] += ca * d[b];
            }
        }
    }
    int bad = 0;
    for (size_t q = 0; q < D * D; ++q) bad |= !isfinite(S[q]);
    sgl_free(G); sgl_free(r); sgl_free(gb); sgl_free(scr); sgl_free(d);
    if (bad) return sgl_fail(err, SGL_EINVAL, "theta", "noise covariance is not finite at this point");
    return SGL_OK;
}

static double batch_factor(const sgl_plan *p, size_t n)
{
    const size_t B = p->spec.batch;
    double f = p->spec.with_replacement ? 1.0 : (n > 1 ? (double)(n - B) / (double)(n - 1) : 0.0);
    return f / (double)B;
}

sgl_status sgl_cov_zero(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err)
{
    (void)p; (void)theta; (void)err;
    memset(S, 0, m->dim * m->dim * sizeof *S);
    return SGL_OK;
}

sgl_status sgl_cov_minibatch(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err)
{
    return sample_cov(m, theta, 0.0, batch_factor(p, m->data->n), S, err);
}

sgl_status sgl_cov_minibatch_diff(const sgl_plan *p, const sgl_model *m, const double *theta, double *S,
                                  sgl_err *err)
{
    const double d = p->spec.delta;
    return sample_cov(m, theta, 0.0, 2.0 * d * d * batch_factor(p, m->data->n), S, err);
}

sgl_status sgl_cov_label(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err)
{
    const double d = p->spec.delta, a = m->a;
    return sample_cov(m, theta, 4.0 * a * a * d * d / (double)p->spec.batch, batch_factor(p, m->data->n), S, err);
}

sgl_status sgl_cov_lngd(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err)
{
    const double d = p->spec.delta, a = m->a;
    return sample_cov(m, theta, 4.0 * a * a * d * d, 0.0, S, err);
}

sgl_status sgl_cov_gaussian(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err)
{
    (void)theta;
    if (p->spec.sigma_scale != SGL_SCALE_ETA)
        return sgl_fail(err, SGL_ECAPS, "--sigma-scale",
                        "sqrt-eta noise has per-step covariance sigma^2/eta I, which has no limit on the eta^2 "
                        "clock; the limit needs --sigma-scale eta");
    const size_t D = m->dim;
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    memset(S, 0, D * D * sizeof *S);
    const double s2 = p->spec.sigma * p->spec.sigma;
    for (size_t b = 0; b < nb; ++b)
        for (size_t j = 0; j < len; ++j) S[(b * stride + j) * (D + 1)] = s2;
    return SGL_OK;
}

double sgl_label_c_label(const sgl_plan *p, const sgl_model *m)
{
    return 2.0 * m->a * p->spec.delta * p->spec.delta / (double)p->spec.batch;
}
double sgl_label_c_lngd(const sgl_plan *p, const sgl_model *m)
{
    return 2.0 * m->a * p->spec.delta * p->spec.delta;
}

sgl_status sgl_noise_cov(const sgl_plan *p, const sgl_model *m, const double *theta, double *S, sgl_err *err)
{
    if (!p->noise->cov)
        return sgl_fail(err, SGL_ECAPS, "--noise",
                        "noise kind '%s' has no covariance (deterministic update: its limit is the lambda_1 flow, "
                        "--form closed)", p->noise->name);
    return p->noise->cov(p, m, theta, S, err);
}
