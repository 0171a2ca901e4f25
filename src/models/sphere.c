/* The sphere of THEORY.md C6: theta = x in R^3, one residual
 *     r(x) = |x|^2 - 1,     L = a r^2 = a (|x|^2 - 1)^2
 * (a = 1/2 by default: L = 1/2 (|x|^2 - 1)^2), Gamma = the unit sphere, where
 * the Hessian is 8a x x^T (= 4 x x^T, pdet 4, for a = 1/2).  No data
 * (SGL_CAP_NODATA).  Init: (alpha, 0, 0); `sgdlab run --init x1,x2,x3` for any
 * other point. */
#include "sgdlab.h"

static size_t dim(const sgl_model *m) { (void)m; return 3; }

static void init(const sgl_model *m, double alpha, double *theta)
{
    (void)m;
    theta[0] = alpha;
    theta[1] = 0.0;
    theta[2] = 0.0;
}

static double resid(const double *x) { return x[0] * x[0] + x[1] * x[1] + x[2] * x[2] - 1.0; }

static void residuals(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, double *r,
                      double *scratch)
{
    (void)m; (void)idx; (void)scratch;
    const double f = resid(theta);
    for (size_t k = 0; k < nidx; ++k) r[k] = f;
}

/* grad r = 2 x */
static void jt(const sgl_model *m, const double *theta, const uint32_t *idx, size_t nidx, const double *c,
               double *g, double *scratch)
{
    (void)m; (void)idx; (void)scratch;
    double s = 0.0;
    for (size_t k = 0; k < nidx; ++k) s += c[k];
    for (int j = 0; j < 3; ++j) g[j] = 2.0 * s * theta[j];
}

/* H = 2a (4 x x^T + 2 r I) */
static void hvp(const sgl_model *m, const double *theta, const double *p, double *out, double *scratch)
{
    (void)scratch;
    const double r = resid(theta), xp = theta[0] * p[0] + theta[1] * p[1] + theta[2] * p[2];
    for (int j = 0; j < 3; ++j) out[j] = 2.0 * m->a * (4.0 * theta[j] * xp + 2.0 * r * p[j]);
}

static double trace(const sgl_model *m, const double *theta, double *scratch)
{
    (void)scratch;
    const double r = resid(theta);
    return 2.0 * m->a * (4.0 * (r + 1.0) + 6.0 * r);
}

/* d^3 L = 8a (x_k d_ij + x_i d_kj + x_j d_ki): contraction 8a (tr(A) x + 2 A x) */
static void d3(const sgl_model *m, const double *theta, const double *A, double *out, double *scratch)
{
    (void)scratch;
    const double tr = A[0] + A[4] + A[8];
    for (int k = 0; k < 3; ++k) {
        double ax = A[3 * k] * theta[0] + A[3 * k + 1] * theta[1] + A[3 * k + 2] * theta[2];
        out[k] = 8.0 * m->a * (tr * theta[k] + 2.0 * ax);
    }
}

const sgl_model_type sgl_model_sphere = {
    "sphere", "L = a (|x|^2 - 1)^2 in R^3 (a = 1/2), Gamma = unit sphere, no data; init (alpha, 0, 0) or --init",
    SGL_CAP_RESIDUALS | SGL_CAP_HVP | SGL_CAP_TRACE | SGL_CAP_NODATA, 0.5, NULL, dim, init, NULL, residuals, jt,
    NULL, NULL, NULL, NULL, hvp, trace, d3, NULL, NULL, NULL, NULL, NULL};
