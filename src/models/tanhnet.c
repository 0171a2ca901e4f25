/* A two-layer tanh network on regression data (issue 4 item 4):
 *     f(x) = sum_k a_k tanh(w_k . x),   k < K = --width (default 16),
 * theta = (w_1, ..., w_K, a): K rows of d input weights (row-major), then the K
 * output weights; D = K (d + 1), no padding.
 * Data: inputs from the usual generator (or CSV); generated labels come from a
 * teacher of the same form with kappa hidden units (--kappa):
 * w*_k ~ N(0, I / d) from stream (seed, draw, 2, SGL_P_TRUTH), a*_k = 1
 * (--truth ones) or +-1 (--truth signs, stream (seed, draw, 0, SGL_P_TRUTH)),
 * plus --data-noise.  Init: w_kj = alpha N(0,1) / sqrt(d), a_k = alpha N(0,1) /
 * sqrt(K) from the fixed stream (0, 0, 0, SGL_P_INIT): a fixed pseudo-random
 * pattern, independent of --seed, so every trajectory starts at the same point
 * as with the other models (a symmetric start would never break symmetry).
 *
 * With t_k = tanh(h_k), h_k = w_k . x, s1 = 1 - t^2, s2 = -2 t s1:
 *   df/da_k = t_k,  df/dw_k = a_k s1_k x
 *   d2f[p]: a_k: s1_k (x . p_wk);  w_k: x (s1_k p_ak + a_k s2_k (x . p_wk))
 *   tr d2f = sum_k a_k s2_k |x|^2
 * Third derivatives: none analytic here; sgl_model_d3 uses its
 * finite-difference fallback from hvp. */
#include "../internal.h"

#include <math.h>

#define DEFAULT_WIDTH 16

static size_t width(const sgl_data *D) { return D->width ? D->width : DEFAULT_WIDTH; }
static size_t dim(const sgl_model *m) { return width(m->data) * (m->data->d + 1); }
static size_t extra(const sgl_model *m) { return 2 * width(m->data); }

static void init(const sgl_model *m, double alpha, double *theta)
{
    const size_t K = width(m->data), d = m->data->d;
    sgl_stream s;
    sgl_stream_init(&s, 0, 0, 0, SGL_P_INIT);
    for (size_t j = 0; j < K * d; ++j) theta[j] = alpha * sgl_stream_normal(&s) / sqrt((double)d);
    for (size_t k = 0; k < K; ++k) theta[K * d + k] = alpha * sgl_stream_normal(&s) / sqrt((double)K);
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t j = 0; j < n; ++j) s += a[j] * b[j];
    return s;
}

/* t_k = tanh(w_k . x) into t; returns f(x) */
static double forward(const double *theta, size_t K, size_t d, const double *x, double *t)
{
    double f = 0.0;
    for (size_t k = 0; k < K; ++k) {
        t[k] = tanh(dot(theta + k * d, x, d));
        f += theta[K * d + k] * t[k];
    }
    return f;
}

/* scratch: t (K) after the 4 ld + 2 n block */
static double *tbuf(const sgl_model *m, double *scratch) { return scratch + 4 * m->data->ld + 2 * m->data->n; }

static void residuals(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, double *r,
                      double *scratch)
{
    const sgl_data *D = m->data;
    const size_t K = width(D), d = D->d;
    double *t = tbuf(m, scratch);
    for (size_t k = 0; k < nidx; ++k) {
        const size_t i = idx ? idx[k] : k;
        r[k] = forward(theta, K, d, D->Z + i * D->ld, t) - D->y[i];
    }
}

static void jt(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, const double *c, double *g,
               double *scratch)
{
    const sgl_data *D = m->data;
    const size_t K = width(D), d = D->d;
    double *t = tbuf(m, scratch);
    for (size_t j = 0; j < K * (d + 1); ++j) g[j] = 0.0;
    for (size_t q = 0; q < nidx; ++q) {
        const size_t i = idx ? idx[q] : q;
        const double *x = D->Z + i * D->ld;
        forward(theta, K, d, x, t);
        for (size_t k = 0; k < K; ++k) {
            g[K * d + k] += c[q] * t[k];
            const double e = c[q] * theta[K * d + k] * (1.0 - t[k] * t[k]);
            for (size_t j = 0; j < d; ++j) g[k * d + j] += e * x[j];
        }
    }
}

static void hvp(const sgl_model *m, const double *theta, const double *p, double *out, double *scratch)
{
    const sgl_data *D = m->data;
    const size_t K = width(D), d = D->d;
    double *t = tbuf(m, scratch), *xp = t + K;
    const double c = 2.0 * m->a / (double)D->n;
    for (size_t j = 0; j < K * (d + 1); ++j) out[j] = 0.0;
    for (size_t i = 0; i < D->n; ++i) {
        const double *x = D->Z + i * D->ld;
        const double r = forward(theta, K, d, x, t) - D->y[i];
        double gp = 0.0;   /* grad f . p */
        for (size_t k = 0; k < K; ++k) {
            const double ak = theta[K * d + k], s1 = 1.0 - t[k] * t[k];
            xp[k] = dot(x, p + k * d, d);
            gp += t[k] * p[K * d + k] + ak * s1 * xp[k];
        }
        for (size_t k = 0; k < K; ++k) {
            const double ak = theta[K * d + k], s1 = 1.0 - t[k] * t[k], s2 = -2.0 * t[k] * s1;
            /* grad f (grad f . p) + r d2f p */
            out[K * d + k] += c * (gp * t[k] + r * s1 * xp[k]);
            const double e = c * (gp * ak * s1 + r * (s1 * p[K * d + k] + ak * s2 * xp[k]));
            for (size_t j = 0; j < d; ++j) out[k * d + j] += e * x[j];
        }
    }
}

static double trace(const sgl_model *m, const double *theta, double *scratch)
{
    const sgl_data *D = m->data;
    const size_t K = width(D), d = D->d;
    double *t = tbuf(m, scratch);
    double s = 0.0;
    for (size_t i = 0; i < D->n; ++i) {
        const double *x = D->Z + i * D->ld;
        const double r = forward(theta, K, d, x, t) - D->y[i], xx = dot(x, x, d);
        double gg = 0.0, tr2 = 0.0;
        for (size_t k = 0; k < K; ++k) {
            const double ak = theta[K * d + k], s1 = 1.0 - t[k] * t[k], s2 = -2.0 * t[k] * s1;
            gg += t[k] * t[k] + ak * ak * s1 * s1 * xx;
            tr2 += ak * s2 * xx;
        }
        s += gg + r * tr2;
    }
    return 2.0 * m->a / (double)D->n * s;
}

/* the teacher: kappa hidden units */
typedef struct {
    size_t kappa, d;
    const double *w, *a;
} teacher;

static double teacher_label(const void *ctx, const double *x)
{
    const teacher *T = ctx;
    double f = 0.0;
    for (size_t k = 0; k < T->kappa; ++k) f += T->a[k] * tanh(dot(T->w + k * T->d, x, T->d));
    return f;
}

static sgl_status make_data(const sgl_data_spec *spec, uint64_t seed, uint32_t draw, sgl_data **out, sgl_err *err)
{
    sgl_status st;
    if (spec->input == SGL_INPUT_CSV) {
        st = sgl_data_alloc(spec, seed, draw, out, err);
        if (st == SGL_OK) (*out)->width = spec->width;
        return st;
    }
    sgl_data_spec base = *spec;
    base.kappa = 0;   /* inputs only; labels from the teacher below */
    base.label_noise = 0;
    st = sgl_data_alloc(&base, seed, draw, out, err);
    if (st != SGL_OK) return st;
    sgl_data *D = *out;
    D->width = spec->width;
    D->kappa = spec->kappa;
    sgl_free(D->wstar);   /* no linear ground truth */
    D->wstar = NULL;
    const size_t kap = spec->kappa, d = D->d;
    double *w = sgl_alloc_doubles(kap * d + kap + 1);
    if (!w) {
        sgl_data_free(D);
        *out = NULL;
        return sgl_fail(err, SGL_ENOMEM, "data", "out of memory");
    }
    double *a = w + kap * d;
    sgl_stream s;
    sgl_stream_init(&s, seed, draw, 2, SGL_P_TRUTH);
    for (size_t j = 0; j < kap * d; ++j) w[j] = sgl_stream_normal(&s) / sqrt((double)d);
    sgl_stream_init(&s, seed, draw, 0, SGL_P_TRUTH);
    for (size_t k = 0; k < kap; ++k) a[k] = spec->truth == SGL_TRUTH_SIGNS ? (double)sgl_stream_rademacher(&s) : 1.0;
    const teacher T = {kap, d, w, a};
    sgl_data_relabel(D, spec->label_noise, seed, draw, teacher_label, &T);
    sgl_free(w);
    return SGL_OK;
}

const sgl_model_type sgl_model_tanhnet = {
    "tanhnet", "two-layer net f(x) = sum_k a_k tanh(w_k . x), K = --width (16) units; teacher with kappa units",
    SGL_CAP_RESIDUALS | SGL_CAP_HVP | SGL_CAP_TRACE | SGL_CAP_WIDTH, 0.5, NULL, dim, init, NULL, residuals, jt, NULL,
    NULL, NULL, NULL, hvp, trace, NULL, NULL, NULL, make_data, extra, NULL};
