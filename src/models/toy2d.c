/* The 2-D toy of THEORY.md C5/C6: theta = (x, y), one residual
 *     r(theta) = sqrt(1 + x^2) y,     L = a r^2 = a (1 + x^2) y^2
 * (a = 1/2 by default: L = 1/2 (1 + x^2) y^2), minimisers Gamma = {y = 0}.
 * The loss does not depend on data (SGL_CAP_NODATA): every sample's residual
 * is r, labels are ignored, so label noise perturbs r itself and its
 * covariance is 4 a^2 delta^2 grad r grad r^T = 2 a delta^2 Hessian on Gamma
 * (C5's Sigma = c Hessian with c = 2 a delta^2; delta = 1, a = 1/2: c = 1).
 * Init: (alpha, 0), on Gamma; `sgdlab run --init x,y` for any other point. */
#include "sgdlab.h"

#include <math.h>

static size_t dim(const sgl_model *m) { (void)m; return 2; }

static void init(const sgl_model *m, double alpha, double *theta)
{
    (void)m;
    theta[0] = alpha;
    theta[1] = 0.0;
}

static void residuals(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, double *r,
                      double *scratch)
{
    (void)m; (void)idx; (void)scratch;
    const double f = sqrt(1.0 + theta[0] * theta[0]) * theta[1];
    for (size_t k = 0; k < nidx; ++k) r[k] = f;
}

static void jt(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, const double *c,
               double *g, double *scratch)
{
    (void)m; (void)idx; (void)scratch;
    double s = 0.0;
    for (size_t k = 0; k < nidx; ++k) s += c[k];
    const double q = sqrt(1.0 + theta[0] * theta[0]);
    g[0] = s * theta[0] * theta[1] / q;
    g[1] = s * q;
}

/* H = a [[2 y^2, 4 x y], [4 x y, 2 (1 + x^2)]] */
static void hvp(const sgl_model *m, const double *theta, const double *p, double *out, double *scratch)
{
    (void)scratch;
    const double a = m->a, x = theta[0], y = theta[1];
    out[0] = a * (2.0 * y * y * p[0] + 4.0 * x * y * p[1]);
    out[1] = a * (4.0 * x * y * p[0] + 2.0 * (1.0 + x * x) * p[1]);
}

static double trace(const sgl_model *m, const double *theta, double *scratch)
{
    (void)scratch;
    return 2.0 * m->a * (theta[1] * theta[1] + 1.0 + theta[0] * theta[0]);
}

/* L_xxy = 4a y, L_xyy = 4a x, L_xxx = L_yyy = 0 */
static void d3(const sgl_model *m, const double *theta, const double *A, double *out, double *scratch)
{
    (void)scratch;
    const double a = m->a, x = theta[0], y = theta[1];
    out[0] = a * (8.0 * y * A[1] + 4.0 * x * A[3]);
    out[1] = a * (4.0 * y * A[0] + 8.0 * x * A[1]);
}

const sgl_model_type sgl_model_toy2d = {
    "toy2d", "2-D toy L = a (1 + x^2) y^2 (a = 1/2), Gamma = {y = 0}, no data; init (alpha, 0) or --init x,y",
    SGL_CAP_RESIDUALS | SGL_CAP_HVP | SGL_CAP_TRACE | SGL_CAP_NODATA, 0.5, NULL, dim, init, NULL, residuals, jt,
    NULL, NULL, NULL, NULL, hvp, trace, d3, NULL, NULL, NULL, NULL, NULL};
