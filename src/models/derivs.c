/* Derivative helpers over any registered model (sgdlab.h "Derivative
 * helpers"): loss and gradient, Hessian-vector products, the dense Hessian,
 * the third-derivative contraction d^2(grad L)[A] (analytic slot or finite
 * differences of hvp), and the sharpness lambda_1 by Lanczos.  Each call
 * allocates its own workspace, so analysis code need not know scratch sizes. */
#include "../plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sgl_model_layout(const sgl_model *m, size_t *nb, size_t *len, size_t *stride)
{
    if (m->type->layout) {
        m->type->layout(m, nb, len, stride);
        return;
    }
    *nb = 1;
    *len = m->dim;
    *stride = m->dim;
}

size_t sgl_model_d3_scratch(const sgl_model *m) { return m->scratch_len + m->data->n + 3 * m->dim; }

/* workspace for every helper here: the d3 scratch (>= scratch_len + n) */
static double *work(const sgl_model *m) { return sgl_alloc_doubles(sgl_model_d3_scratch(m)); }

static sgl_status need(const sgl_model *m, unsigned caps, const char *what, sgl_err *err)
{
    if ((m->type->caps & caps) == caps) return SGL_OK;
    return sgl_fail(err, SGL_ECAPS, "--model", "model '%s' has no %s", m->type->name, what);
}

sgl_status sgl_model_loss(const sgl_model *m, const double *theta, double *loss, double *grad, sgl_err *err)
{
    sgl_status st = need(m, SGL_CAP_RESIDUALS, "residuals (needed for the loss)", err);
    if (st != SGL_OK) return st;
    double *w = work(m);
    if (!w) return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    *loss = sgl_model_loss_grad(m, theta, grad, w);
    sgl_free(w);
    return SGL_OK;
}

sgl_status sgl_model_hvp(const sgl_model *m, const double *theta, const double *p, double *out, sgl_err *err)
{
    sgl_status st = need(m, SGL_CAP_HVP, "Hessian-vector product", err);
    if (st != SGL_OK) return st;
    double *w = work(m);
    if (!w) return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    m->type->hvp(m, theta, p, out, w);
    sgl_free(w);
    return SGL_OK;
}

/* the i-th live coordinate's index in theta */
static size_t live_index(size_t q, size_t len, size_t stride) { return (q / len) * stride + q % len; }

sgl_status sgl_model_hessian(const sgl_model *m, const double *theta, double *H, sgl_err *err)
{
    sgl_status st = need(m, SGL_CAP_HVP, "Hessian-vector product (needed for the Hessian)", err);
    if (st != SGL_OK) return st;
    const size_t D = m->dim;
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    double *w = work(m), *e = sgl_alloc_doubles(D), *col = sgl_alloc_doubles(D);
    if (!w || !e || !col) {
        sgl_free(w); sgl_free(e); sgl_free(col);
        return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    }
    memset(H, 0, D * D * sizeof *H);
    for (size_t q = 0; q < nb * len; ++q) {
        size_t j = live_index(q, len, stride);
        e[j] = 1.0;
        m->type->hvp(m, theta, e, col, w);
        e[j] = 0.0;
        for (size_t i = 0; i < D; ++i) H[i * D + j] = col[i];   /* column j */
    }
    for (size_t i = 0; i < D; ++i)
        for (size_t j = i + 1; j < D; ++j) {
            double s = 0.5 * (H[i * D + j] + H[j * D + i]);
            H[i * D + j] = s;
            H[j * D + i] = s;
        }
    sgl_free(w); sgl_free(e); sgl_free(col);
    return SGL_OK;
}

sgl_status sgl_model_d3_fd(const sgl_model *m, const double *theta, const double *A, double *out, sgl_err *err)
{
    sgl_status st = need(m, SGL_CAP_HVP, "Hessian-vector product (needed for finite-difference third derivatives)",
                         err);
    if (st != SGL_OK) return st;
    const size_t D = m->dim;
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    double *w = work(m), *tp = sgl_alloc_doubles(D), *hp = sgl_alloc_doubles(D), *hm = sgl_alloc_doubles(D);
    if (!w || !tp || !hp || !hm) {
        sgl_free(w); sgl_free(tp); sgl_free(hp); sgl_free(hm);
        return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    }
    memset(out, 0, D * sizeof *out);
    memcpy(tp, theta, D * sizeof *tp);
    for (size_t q = 0; q < nb * len; ++q) {
        const size_t i = live_index(q, len, stride);
        const double *a = A + i * D;   /* column i = row i (A symmetric) */
        int nz = 0;
        for (size_t j = 0; j < D; ++j) nz |= a[j] != 0.0;
        if (!nz) continue;
        const double h = SGL_D3_FD_STEP * fmax(1.0, fabs(theta[i]));
        const double xp = theta[i] + h, xm = theta[i] - h;
        tp[i] = xp;
        m->type->hvp(m, tp, a, hp, w);
        tp[i] = xm;
        m->type->hvp(m, tp, a, hm, w);
        tp[i] = theta[i];
        const double inv = 1.0 / (xp - xm);   /* the step actually taken */
        for (size_t k = 0; k < D; ++k) out[k] += (hp[k] - hm[k]) * inv;
    }
    sgl_free(w); sgl_free(tp); sgl_free(hp); sgl_free(hm);
    return SGL_OK;
}

sgl_status sgl_model_d3(const sgl_model *m, const double *theta, const double *A, double *out, sgl_err *err)
{
    if (!m->type->d3) return sgl_model_d3_fd(m, theta, A, out, err);
    double *w = work(m);
    if (!w) return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    m->type->d3(m, theta, A, out, w);
    sgl_free(w);
    return SGL_OK;
}

/* Number of eigenvalues of the symmetric tridiagonal (a, b) below x (Sturm). */
static size_t sturm_below(const double *a, const double *b, size_t k, double x)
{
    size_t c = 0;
    double q = 1.0;
    for (size_t i = 0; i < k; ++i) {
        double bb = i ? b[i - 1] * b[i - 1] : 0.0;
        q = a[i] - x - (i ? bb / q : 0.0);
        if (q == 0.0) q = -1e-300;   /* perturb an exact zero pivot */
        c += q < 0.0;
    }
    return c;
}

/* largest eigenvalue of the k x k symmetric tridiagonal (a, b) by bisection */
static double tridiag_max(const double *a, const double *b, size_t k)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < k; ++i) {   /* Gershgorin */
        double r = (i ? fabs(b[i - 1]) : 0.0) + (i + 1 < k ? fabs(b[i]) : 0.0);
        lo = fmin(lo, a[i] - r);
        hi = fmax(hi, a[i] + r);
    }
    for (int it = 0; it < 200 && hi - lo > 1e-15 * fmax(fabs(lo), fabs(hi)); ++it) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (sturm_below(a, b, k, mid) == k) hi = mid;   /* all below mid */
        else lo = mid;
    }
    return 0.5 * (lo + hi);
}

size_t sgl_lambda_max_work(const sgl_model *m)
{
    return sgl_model_d3_scratch(m) + (SGL_LANCZOS_MAX + 2) * m->dim;
}

double sgl_lambda_max_ws(const sgl_model *m, const double *theta, double *work)
{
    const size_t D = m->dim;
    size_t nb, len, stride;
    sgl_model_layout(m, &nb, &len, &stride);
    const size_t live = nb * len, K = live < SGL_LANCZOS_MAX ? live : SGL_LANCZOS_MAX;
    double *w = work, *v = work + sgl_model_d3_scratch(m), *Q = v + D;
    double a[SGL_LANCZOS_MAX], b[SGL_LANCZOS_MAX];
    if (K == 0) return NAN;
    /* fixed start vector: 1 + a Weyl sequence in [0, 1) on the live coordinates */
    for (size_t j = 0; j < D; ++j) Q[j] = 0.0;
    double nrm = 0.0;
    for (size_t q = 0; q < live; ++q) {
        double x = 1.0 + fmod(0.6180339887498949 * (double)(q + 1), 1.0);
        Q[live_index(q, len, stride)] = x;
        nrm += x * x;
    }
    nrm = sqrt(nrm);
    for (size_t j = 0; j < D; ++j) Q[j] /= nrm;
    size_t k = 0;
    double scale = 0.0;
    for (; k < K; ++k) {
        double *qk = Q + k * D;
        m->type->hvp(m, theta, qk, v, w);
        double ak = 0.0;
        for (size_t j = 0; j < D; ++j) ak += qk[j] * v[j];
        a[k] = ak;
        /* full reorthogonalisation, twice (classical Gram-Schmidt, fixed order) */
        for (int pass = 0; pass < 2; ++pass)
            for (size_t i = 0; i <= k; ++i) {
                const double *qi = Q + i * D;
                double c = 0.0;
                for (size_t j = 0; j < D; ++j) c += qi[j] * v[j];
                for (size_t j = 0; j < D; ++j) v[j] -= c * qi[j];
            }
        double bk = 0.0;
        for (size_t j = 0; j < D; ++j) bk += v[j] * v[j];
        bk = sqrt(bk);
        if (!isfinite(ak) || !isfinite(bk)) return NAN;
        b[k] = bk;
        scale = fmax(scale, fmax(fabs(ak), bk));
        if (k + 1 == K || bk <= 1e-12 * scale) {   /* invariant subspace, or K steps */
            ++k;
            break;
        }
        for (size_t j = 0; j < D; ++j) Q[(k + 1) * D + j] = v[j] / bk;
    }
    return tridiag_max(a, b, k);
}

sgl_status sgl_model_lambda_max(const sgl_model *m, const double *theta, double *lambda, sgl_err *err)
{
    sgl_status st = need(m, SGL_CAP_HVP, "Hessian-vector product (needed for lambda_max)", err);
    if (st != SGL_OK) return st;
    double *w = sgl_alloc_doubles(sgl_lambda_max_work(m));
    if (!w) return sgl_fail(err, SGL_ENOMEM, "model", "out of memory");
    *lambda = sgl_lambda_max_ws(m, theta, w);
    sgl_free(w);
    return SGL_OK;
}
