/* A model plugin that re-implements the built-in `sphere` (src/models/sphere.c) with the same arithmetic in the
 * same order, so a run, a limit and the checks on it must give bitwise the built-in's results
 * (tests/cli/cli_plugins.sh).  r(x) = |x|^2 - 1, L = a r^2, no data. */
#include "sgdlab_plugin.h"

static size_t dim(const void *self, const sgl_plugin_data *data) { (void)self; (void)data; return 3; }

static void init(const void *self, const sgl_plugin_data *data, double alpha, double *theta)
{
    (void)self; (void)data;
    theta[0] = alpha;
    theta[1] = 0.0;
    theta[2] = 0.0;
}

static double resid(const double *x) { return x[0] * x[0] + x[1] * x[1] + x[2] * x[2] - 1.0; }

static void residuals(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx,
                      size_t nidx, double *r, double *scratch)
{
    (void)self; (void)data; (void)idx; (void)scratch;
    const double f = resid(theta);
    for (size_t k = 0; k < nidx; ++k) r[k] = f;
}

static void jt(const void *self, const sgl_plugin_data *data, const double *theta, const uint32_t *idx, size_t nidx,
               const double *c, double *g, double *scratch)
{
    (void)self; (void)data; (void)idx; (void)scratch;
    double s = 0.0;
    for (size_t k = 0; k < nidx; ++k) s += c[k];
    for (int j = 0; j < 3; ++j) g[j] = 2.0 * s * theta[j];
}

static void hvp(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *p,
                double *out, double *scratch)
{
    (void)self; (void)data; (void)scratch;
    const double r = resid(theta), xp = theta[0] * p[0] + theta[1] * p[1] + theta[2] * p[2];
    for (int j = 0; j < 3; ++j) out[j] = 2.0 * a * (4.0 * theta[j] * xp + 2.0 * r * p[j]);
}

static double trace(const void *self, const sgl_plugin_data *data, double a, const double *theta, double *scratch)
{
    (void)self; (void)data; (void)scratch;
    const double r = resid(theta);
    return 2.0 * a * (4.0 * (r + 1.0) + 6.0 * r);
}

static void d3(const void *self, const sgl_plugin_data *data, double a, const double *theta, const double *A,
               double *out, double *scratch)
{
    (void)self; (void)data; (void)scratch;
    const double tr = A[0] + A[4] + A[8];
    for (int k = 0; k < 3; ++k) {
        double ax = A[3 * k] * theta[0] + A[3 * k + 1] * theta[1] + A[3 * k + 2] * theta[2];
        out[k] = 8.0 * a * (tr * theta[k] + 2.0 * ax);
    }
}

const sgl_model_plugin sgdlab_model_plugin = {
    .abi_version = SGL_PLUGIN_ABI_VERSION,
    .size = sizeof(sgl_model_plugin),
    .name = "sphere_copy",
    .doc = "the built-in sphere as a plugin: L = a (|x|^2 - 1)^2 in R^3",
    .flags = SGL_PLUGIN_NODATA,
    .default_a = 0.5,
    .dim = dim,
    .init = init,
    .residuals = residuals,
    .jt = jt,
    .hvp = hvp,
    .trace = trace,
    .d3 = d3,
};
